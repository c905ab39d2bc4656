use std::process::ExitCode;

use xtask::{run_with, workspace_root, Outcome};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut stdout = std::io::stdout();
    match run_with(
        &args,
        &workspace_root(),
        &mut stdout,
        &mut std::io::stderr(),
    ) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Failure) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}
