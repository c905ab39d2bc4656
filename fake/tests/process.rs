//! The fake as a process of its own (`openai-usage-fake --port N`): it prints its base URL, any
//! HTTP client can use it, and the spend limits and alerts written through it last between
//! requests and connections until the process ends.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

/// The process, killed when dropped.
struct Fake(Child);

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the fake on a free port and returns it with the base URL it printed.
fn start(args: &[&str]) -> (Fake, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_openai-usage-fake"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the fake's binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("piped"))
        .read_line(&mut line)
        .expect("the fake prints its base URL");
    (Fake(child), line.trim().to_owned())
}

/// One HTTP/1.1 request on a connection of its own: (status, body).
fn request(base_url: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    let rest = base_url.strip_prefix("http://").expect("an http URL");
    let (host, prefix) = rest.split_once('/').expect("a path prefix");
    let mut stream = TcpStream::connect(host).expect("the fake accepts connections");
    write!(
        stream,
        "{method} /{prefix}{path} HTTP/1.1\r\nhost: {host}\r\nauthorization: Bearer sk-admin-x\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    // The fake keeps a connection open for the next request; saying there is none ends it.
    stream.shutdown(std::net::Shutdown::Write).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

#[test]
fn it_prints_its_url_and_keeps_what_is_written_between_connections() {
    let (_fake, url) = start(&["--port", "0", "--fixed-clock"]);
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/v1"),
        "{url}"
    );

    let (status, body) = request(
        &url,
        "POST",
        "/organization/projects/proj_gamma/spend_limit",
        r#"{"threshold_amount": 4200, "currency": "USD", "interval": "month"}"#,
    );
    assert_eq!(status, 200, "{body}");
    let (status, body) = request(
        &url,
        "GET",
        "/organization/projects/proj_gamma/spend_limit",
        "",
    );
    assert_eq!(status, 200, "{body}");
    let limit: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(limit["threshold_amount"], 4200);

    // What OpenAI refuses, the fake refuses, naming the parameter.
    let (status, body) = request(
        &url,
        "POST",
        "/organization/spend_limit",
        r#"{"threshold_amount": 0, "currency": "USD", "interval": "month"}"#,
    );
    assert_eq!(status, 400, "{body}");
    assert!(body.contains(r#""param":"threshold_amount""#), "{body}");
    let (status, body) = request(
        &url,
        "POST",
        "/organization/spend_alerts",
        r#"{"threshold_amount": 10, "currency": "EUR", "interval": "month", "notification_channel": {"type": "email", "recipients": ["a@example.com"]}}"#,
    );
    assert_eq!(status, 400, "{body}");
    assert!(body.contains(r#""param":"currency""#), "{body}");
    let (status, body) = request(&url, "DELETE", "/organization/spend_alerts/alert_nope", "");
    assert_eq!(status, 404, "{body}");
    // Usage is read-only; a budget path takes GET, POST and DELETE only.
    let (status, _) = request(&url, "POST", "/organization/costs", "{}");
    assert_eq!(status, 405);
    let (status, _) = request(&url, "PUT", "/organization/spend_limit", "{}");
    assert_eq!(status, 405);
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = Command::new(env!("CARGO_BIN_EXE_openai-usage-fake"))
        .args(["--port", &port])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("cannot listen on 127.0.0.1:{port}")),
        "{stderr}"
    );
    let bad = Command::new(env!("CARGO_BIN_EXE_openai-usage-fake"))
        .args(["--port", "http"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}
