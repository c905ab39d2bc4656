//! The HTML report in a real browser (Debian's `chromium`, headless): the page loads with no
//! request, no script, no console error and no policy violation; every chart's SVG has a size
//! and drawn shapes; and a screenshot of it is not blank. `.ci/run` installs chromium and runs
//! this with `cargo test -p openai-usage-report --test browser -- --ignored` (it needs a browser
//! the two README commands do not install). `UPDATE_SCREENSHOT=1` also writes the screenshot
//! the README shows, `docs/report.png`.

use std::path::{Path, PathBuf};
use std::process::Command;

use openai_usage::Client;
use openai_usage_fake::{Config, FakeApi};
use openai_usage_report::{collect, GroupBy, Request};

/// 2024-11-16T12:00:00Z: mid-month, so the budgets have a pace and a forecast.
const NOW: i64 = 1_731_758_400;

fn chromium() -> PathBuf {
    let path =
        PathBuf::from(std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()));
    assert!(
        path.exists(),
        "{} is missing: install Debian's chromium (`apt-get install chromium`; .ci/run does)",
        path.display()
    );
    path
}

/// Chromium, headless, with a profile of its own and no background traffic.
fn browser(profile: &Path) -> Command {
    let mut command = Command::new(chromium());
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--enable-logging=stderr",
        "--v=0",
    ]);
    command.arg(format!("--user-data-dir={}", profile.display()));
    command
}

async fn demo_page() -> String {
    let fake = FakeApi::start_with(Config {
        now: NOW,
        ..Config::fixed()
    })
    .await;
    let client = Client::builder()
        .api_key("sk-admin-browser")
        .base_url(fake.base_url())
        .build()
        .unwrap();
    let request = Request {
        start: NOW - 14 * 86_400,
        end: NOW,
        now: NOW,
        group_by: GroupBy::Project,
        progress: false,
    };
    let report = collect(&client, &request).await.unwrap();
    openai_usage_report::html::render(&report, "Costs and tokens, demo data").unwrap()
}

/// What the harness script found: (chart id, width, height, drawn shapes), problems, requests.
fn check_json(dom: &str) -> serde_json::Value {
    let start = dom
        .find("<pre id=\"check\">")
        .expect("the harness wrote its findings")
        + 16;
    let end = start + dom[start..].find("</pre>").unwrap();
    let text = dom[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    serde_json::from_str(&text).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs chromium: .ci/run installs it and runs this test with --ignored"]
async fn the_html_report_draws_its_charts_in_a_real_browser() {
    let page = demo_page().await;
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.html");
    std::fs::write(&report, &page).unwrap();

    // A copy with a script that measures the page once loaded (the page itself has none, and
    // its policy forbids scripts; the copy allows this one inline script and nothing else).
    let harness = page
        .replace(
            "default-src 'none'; style-src 'unsafe-inline'",
            "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'",
        )
        .replace(
            "</body>",
            concat!(
                "<script>",
                include_str!("browser_check.js"),
                "</script></body>"
            ),
        );
    let harness_path = dir.path().join("harness.html");
    std::fs::write(&harness_path, harness).unwrap();
    let output = browser(&dir.path().join("profile-a"))
        .args([
            "--virtual-time-budget=5000",
            "--window-size=1100,2000",
            "--dump-dom",
        ])
        .arg(format!("file://{}", harness_path.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let found = check_json(&dom);
    assert_eq!(found["problems"], serde_json::json!([]), "{found}");
    assert_eq!(found["requests"], 0, "the page fetched something: {found}");
    let charts = found["charts"].as_array().unwrap();
    let ids: Vec<&str> = charts.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["cost-chart", "tokens-chart", "budgets-chart"],
        "{found}"
    );
    for chart in charts {
        assert!(chart["width"].as_f64().unwrap() > 400.0, "{chart}");
        assert!(chart["height"].as_f64().unwrap() > 100.0, "{chart}");
    }
    // 14 full days and today's partial one, 3 projects with cost: at least a bar a day.
    assert!(charts[0]["shapes"].as_u64().unwrap() >= 15, "{found}");
    assert!(charts[1]["shapes"].as_u64().unwrap() >= 15, "{found}");
    // Per budget: spent, forecast, limit; alerts as marks.
    assert!(charts[2]["shapes"].as_u64().unwrap() >= 8, "{found}");
    for line in stderr.lines() {
        let lower = line.to_lowercase();
        assert!(
            !(lower.contains("console")
                && (lower.contains("error")
                    || lower.contains("uncaught")
                    || lower.contains("refused"))),
            "console error: {line}"
        );
    }

    // The page itself, as a reader sees it: not blank.
    let shot = dir.path().join("report.png");
    let output = browser(&dir.path().join("profile-b"))
        .args(["--window-size=1100,2250"])
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", report.display()))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    let channels = info.color_type.samples();
    let mut colours = std::collections::HashSet::new();
    let mut inked = 0usize;
    for px in pixels[..info.buffer_size()].chunks(channels) {
        colours.insert(px[..3].to_vec());
        if px[..3].iter().any(|c| *c < 200) {
            inked += 1;
        }
    }
    let total = (info.width * info.height) as usize;
    assert!(inked * 50 > total, "only {inked} of {total} pixels drawn");
    assert!(
        colours.len() > 20,
        "{} colours: a blank or flat page",
        colours.len()
    );
    if std::env::var_os("UPDATE_SCREENSHOT").is_some() {
        let keep = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/report.png");
        std::fs::create_dir_all(keep.parent().unwrap()).unwrap();
        std::fs::copy(&shot, keep).unwrap();
    }
}
