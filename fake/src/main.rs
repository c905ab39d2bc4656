//! `openai-usage-fake`: the fake as a process of its own, so that any tool, script or language
//! can be pointed at it. It prints its base URL on the first line of standard output, then serves
//! until it is stopped (Ctrl-C or a signal); its state (spend limits and alerts written) lasts
//! as long as the process.

use std::process::ExitCode;

const USAGE: &str = "\
usage: openai-usage-fake [--port N] [--fixed-clock]

Serves a fake of OpenAI's organization Usage and Costs API on 127.0.0.1 and prints its base URL
(http://127.0.0.1:PORT/v1). Any API key is accepted.

  --port N        listen on port N (default: a free port)
  --fixed-clock   answer as if it were 2024-12-01T00:00:00Z, so that every run answers the same
";

fn main() -> ExitCode {
    let mut port = 0u16;
    let mut config = openai_usage_fake::Config::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => match args.next().map(|v| v.parse::<u16>()) {
                Some(Ok(n)) => port = n,
                Some(Err(_)) | None => {
                    eprintln!("error: --port needs a port number from 0 to 65535\n\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            "--fixed-clock" => config = openai_usage_fake::Config::fixed(),
            "-h" | "--help" => {
                print!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("error: unknown argument `{other}`\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    // The fake keeps no request log when it runs for long: memory stays flat.
    config.record = false;
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let fake = match openai_usage_fake::FakeApi::bind(port, config).await {
            Ok(fake) => fake,
            Err(e) => {
                eprintln!("error: cannot listen on 127.0.0.1:{port}: {e}");
                return ExitCode::FAILURE;
            }
        };
        println!("{}", fake.base_url());
        // Whoever reads the URL from a pipe gets it now, not when the buffer fills.
        use std::io::Write as _;
        let _ = std::io::stdout().flush();
        let _ = tokio::signal::ctrl_c().await;
        ExitCode::SUCCESS
    })
}
