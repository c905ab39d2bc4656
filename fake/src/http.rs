//! The fake's HTTP/1.1: read a request (line, headers, body), apply the next fault if one is
//! due, answer (usage and costs from `data`, the organization from `org`, budgets from
//! `budgets`, with what `FakeApi::inject` asked for), gzip it when asked, write it.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::{data, error_body, org, Fault, Injection, Recorded, Shared, PREFIX};

pub(crate) async fn serve(socket: TcpStream, shared: Arc<Shared>) {
    let (read, mut write) = socket.into_split();
    let mut reader = BufReader::new(read);
    loop {
        let mut request_line = String::new();
        match reader.read_line(&mut request_line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let mut authorization = None;
        let mut user_agent = None;
        let mut accepts_gzip = false;
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
                match name.trim().to_ascii_lowercase().as_str() {
                    "authorization" => authorization = Some(value.trim().to_owned()),
                    "user-agent" => user_agent = Some(value.trim().to_owned()),
                    "accept-encoding" => {
                        accepts_gzip = value.split(',').any(|coding| {
                            coding
                                .split(';')
                                .next()
                                .is_some_and(|c| c.trim().eq_ignore_ascii_case("gzip"))
                        })
                    }
                    _ => {}
                }
            }
        }
        let method = request_line
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_owned();
        let length = headers
            .iter()
            .find(|(name, _)| name == "content-length")
            .and_then(|(_, v)| v.parse::<usize>().ok())
            .unwrap_or(0);
        // Budget bodies are small; a larger one is not read (and the connection not reused).
        if length > 1 << 20 {
            return;
        }
        let mut body = vec![0u8; length];
        if tokio::io::AsyncReadExt::read_exact(&mut reader, &mut body)
            .await
            .is_err()
        {
            return;
        }
        let target = request_line.split_whitespace().nth(1).unwrap_or("/");
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let number = shared.count.fetch_add(1, Ordering::SeqCst) + 1;
        if shared.config.record {
            shared.log.lock().unwrap().push(Recorded {
                method: method.clone(),
                path: path.to_owned(),
                query: query.to_owned(),
                authorization,
                user_agent,
                headers,
                body: body.clone(),
                at: Instant::now(),
            });
        }
        let fault = {
            let mut faults = shared.faults.lock().unwrap();
            match faults.next.pop_front() {
                Some(fault) => Some(fault),
                None => match &faults.every {
                    Some((n, cycle)) if number % n == 0 && !cycle.is_empty() => {
                        Some(cycle[((number / n - 1) as usize) % cycle.len()].clone())
                    }
                    _ => None,
                },
            }
        };
        let request_id = format!("req_{number:06}");
        let (status, headers, body) = match fault {
            Some(Fault::Drop) => return,
            Some(Fault::Status {
                status,
                headers,
                body,
            }) => (status, headers, body),
            Some(Fault::NotJson) => (200, Vec::new(), "<html>upstream sleeping</html>".into()),
            Some(Fault::Delay(wait)) => {
                tokio::time::sleep(wait).await;
                answer(&shared, &method, path, query, &body, false)
            }
            Some(Fault::Truncate) => {
                let (status, headers, body) = answer(&shared, &method, path, query, &body, false);
                let head = head(status, &headers, &request_id, body.len());
                let _ = write.write_all(head.as_bytes()).await;
                let _ = write.write_all(&body.as_bytes()[..body.len() / 2]).await;
                let _ = write.flush().await;
                return;
            }
            Some(Fault::RepeatCursor) => answer(&shared, &method, path, query, &body, true),
            Some(Fault::EndlessBody) => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nx-request-id: {request_id}\r\n\r\n"
                );
                if write.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, " ".repeat(64 * 1024));
                // Bounded, so that the fake stops by itself: 8 GiB.
                for _ in 0..(128 * 1024) {
                    if write.write_all(chunk.as_bytes()).await.is_err() {
                        return;
                    }
                }
                return;
            }
            Some(Fault::EmptyPage) => {
                let cursor = format!("empty_{number}");
                let body = if path.contains("/usage/") || path.ends_with("/costs") {
                    json!({"object": "page", "data": [], "has_more": true, "next_page": cursor})
                } else {
                    json!({"object": "list", "data": [], "first_id": cursor, "last_id": cursor, "has_more": true})
                };
                (200, Vec::new(), body.to_string())
            }
            Some(Fault::GzipBomb(expanded)) => {
                let body = gzip(&vec![0u8; expanded]);
                let headers = [("content-encoding".to_owned(), "gzip".to_owned())];
                let mut out = head(200, &headers, &request_id, body.len()).into_bytes();
                out.extend_from_slice(&body);
                let _ = write.write_all(&out).await;
                return;
            }
            None => answer(&shared, &method, path, query, &body, false),
        };
        let (mut headers, body) = (headers, body.into_bytes());
        let body = if accepts_gzip && shared.config.gzip {
            headers.push(("content-encoding".into(), "gzip".into()));
            gzip(&body)
        } else {
            body
        };
        shared
            .body_bytes
            .fetch_add(body.len() as u64, Ordering::SeqCst);
        let head = head(status, &headers, &request_id, body.len());
        let mut out = head.into_bytes();
        out.extend_from_slice(&body);
        if write.write_all(&out).await.is_err() {
            return;
        }
    }
}

fn gzip(body: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(body).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

fn head(status: u16, headers: &[(String, String)], request_id: &str, len: usize) -> String {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    };
    let mut head = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {len}\r\nx-request-id: {request_id}\r\n"
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head
}

/// The normal answer to `method path?query`, with what [`FakeApi::inject`] asked for.
fn answer(
    shared: &Shared,
    method: &str,
    path: &str,
    query: &str,
    request_body: &[u8],
    repeat_cursor: bool,
) -> (u16, Vec<(String, String)>, String) {
    let (status, headers, body) =
        plain_answer(shared, method, path, query, request_body, repeat_cursor);
    let relative = path.strip_prefix(PREFIX).unwrap_or(path);
    let injections: Vec<Injection> = shared
        .injections
        .lock()
        .unwrap()
        .iter()
        .filter(|i| i.path == relative)
        .cloned()
        .collect();
    if status != 200 || injections.is_empty() {
        return (status, headers, body);
    }
    let Ok(mut json) = serde_json::from_str::<Value>(&body) else {
        return (status, headers, body);
    };
    for injection in injections {
        let (parent, key) = injection
            .pointer
            .rsplit_once('/')
            .unwrap_or(("", &injection.pointer));
        let key = key.replace("~1", "/").replace("~0", "~");
        match json.pointer_mut(parent) {
            Some(Value::Object(map)) => {
                map.insert(key, injection.value);
            }
            Some(Value::Array(items)) => {
                if let Some(slot) = key.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                    *slot = injection.value;
                }
            }
            _ => {}
        }
    }
    (status, headers, json.to_string())
}

/// An organization or budget answer as status, headers and body, in OpenAI's error shape.
fn respond(method: &str, answer: org::Answer) -> (u16, Vec<(String, String)>, String) {
    match answer {
        org::Answer::Ok(body) => (200, Vec::new(), body.to_string()),
        org::Answer::Bad(bad) => (
            400,
            Vec::new(),
            error_body("invalid_request_error", &bad.message, Some(&bad.param)),
        ),
        org::Answer::NotFound(message) => (
            404,
            Vec::new(),
            error_body("invalid_request_error", &message, None),
        ),
        org::Answer::NotAllowed(allow) => (
            405,
            vec![("allow".into(), allow.into())],
            error_body(
                "invalid_request_error",
                &format!("{method} is not allowed here"),
                None,
            ),
        ),
    }
}

fn plain_answer(
    shared: &Shared,
    method: &str,
    path: &str,
    query: &str,
    request_body: &[u8],
    repeat_cursor: bool,
) -> (u16, Vec<(String, String)>, String) {
    let query = data::Query::parse(query);
    let not_found = || {
        respond(
            method,
            org::Answer::NotFound(format!("Unknown path {path}")),
        )
    };
    let Some(relative) = path.strip_prefix(PREFIX) else {
        return not_found();
    };
    // Spend limits and alerts are state: read and written.
    if let Some(rest) = relative.strip_prefix('/') {
        let segments: Vec<String> = rest.split('/').map(data::percent_decode).collect();
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        let mut budgets = shared.budgets.lock().unwrap();
        if let Some(answer) = budgets.answer(method, &segments, request_body, &query) {
            return respond(method, answer);
        }
    }
    if method != "GET" {
        let body = error_body(
            "invalid_request_error",
            &format!("{method} is not allowed here: only spend limits and alerts are written"),
            None,
        );
        return (405, vec![("allow".into(), "GET".into())], body);
    }
    if let Some(answer) = org::answer(relative, &query, repeat_cursor) {
        return respond(method, answer);
    }
    let Some(endpoint) = data::endpoint(relative) else {
        return not_found();
    };
    let asked = data::ask(endpoint, &query, shared.config.now).and_then(|ask| {
        if !shared.config.costs_user_with_project {
            data::check_combinations(endpoint, &ask)?;
        }
        Ok(ask)
    });
    match asked {
        Err(bad) => respond(method, org::Answer::Bad(bad)),
        Ok(mut ask) => {
            ask.revisions = shared.revisions.lock().unwrap().clone();
            let mut page: Value = data::page(endpoint, &ask);
            if repeat_cursor && page["has_more"] == json!(true) {
                if let Some(cursor) = query.one("page") {
                    page["next_page"] = json!(cursor);
                }
            }
            (200, Vec::new(), page.to_string())
        }
    }
}
