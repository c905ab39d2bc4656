//! What a request asks the fake's usage endpoints for: its query parsed ([`Query`]), checked
//! and resolved against the endpoint ([`ask`]), with OpenAI's errors for what it refuses, and
//! the page cursors.

use super::Endpoint;

/// A request the API would answer with HTTP 400.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadRequest {
    /// The parameter at fault.
    pub param: String,
    /// What is wrong.
    pub message: String,
}

/// A 400 about `param`.
pub fn bad(param: &str, message: String) -> BadRequest {
    BadRequest {
        param: param.to_owned(),
        message,
    }
}

/// A parsed query: every value of every parameter, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query(pub Vec<(String, String)>);

impl Query {
    /// Parses `a=1&b=x%20y` (form encoding: `+` is a space).
    pub fn parse(raw: &str) -> Query {
        Query(
            raw.split('&')
                .filter(|p| !p.is_empty())
                .map(|pair| {
                    let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                    (decode(k), decode(v))
                })
                .collect(),
        )
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The last value of `name`.
    pub fn one(&self, name: &str) -> Option<&str> {
        self.all(name).pop()
    }

    fn int(&self, name: &str) -> Result<Option<i64>, BadRequest> {
        match self.one(name) {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| bad(name, format!("`{v}` is not an integer"))),
        }
    }
}

fn decode(text: &str) -> String {
    percent_decode(&text.replace('+', " "))
}

/// `%XX` escapes decoded (a `+` stays a `+`, as in a path).
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push(high * 16 + low);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What a request asks for, checked as the reference pages describe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ask {
    /// Inclusive start (Unix seconds).
    pub start: i64,
    /// Exclusive end.
    pub end: i64,
    /// Bucket width in seconds.
    pub width: i64,
    /// Buckets per page.
    pub limit: usize,
    /// Dimensions to group by (indices into the endpoint's `dims`).
    pub group_by: Vec<usize>,
    /// Allowed values per dimension (empty: all).
    pub filters: Vec<Vec<String>>,
    /// Where this page starts (from the cursor), if not at `start`.
    pub from: Option<i64>,
    /// Days (UTC midnight) whose numbers were restated, and how many times: late usage that
    /// changes a past day's answers (see `FakeApi::restate`).
    pub revisions: std::collections::BTreeMap<i64, u64>,
}

/// Checks `query` for `endpoint`; `now` stands in for a missing `end_time`.
pub fn ask(endpoint: &Endpoint, query: &Query, now: i64) -> Result<Ask, BadRequest> {
    let start = query
        .int("start_time")?
        .ok_or_else(|| bad("start_time", "`start_time` is required".into()))?;
    let end = query.int("end_time")?.unwrap_or(now);
    let width_text = query.one("bucket_width").unwrap_or("1d");
    if !endpoint.widths.contains(&width_text) {
        return Err(bad(
            "bucket_width",
            format!("bucket_width `{width_text}` is not supported here"),
        ));
    }
    let width = match width_text {
        "1m" => 60,
        "1h" => 3_600,
        _ => 86_400,
    };
    let (default_limit, max_limit) = match (endpoint.costs, width) {
        (true, _) => (7, 180),
        (false, 60) => (60, 1_440),
        (false, 3_600) => (24, 168),
        _ => (7, 31),
    };
    let limit = query.int("limit")?.unwrap_or(default_limit);
    if !(1..=max_limit).contains(&limit) {
        return Err(bad(
            "limit",
            format!("limit must be between 1 and {max_limit}, got {limit}"),
        ));
    }
    let mut group_by = Vec::new();
    for name in query.all("group_by") {
        let index = endpoint
            .dims
            .iter()
            .position(|d| d.name == name)
            .ok_or_else(|| bad("group_by", format!("cannot group by `{name}` here")))?;
        if !group_by.contains(&index) {
            group_by.push(index);
        }
    }
    group_by.sort_unstable();
    let filters = endpoint
        .dims
        .iter()
        .map(|d| match d.filter {
            Some(param) => query.all(param).into_iter().map(str::to_owned).collect(),
            None => Vec::new(),
        })
        .collect();
    let from = match query.one("page") {
        None => None,
        Some(cursor) => Some(decode_cursor(cursor).ok_or_else(|| {
            bad(
                "page",
                format!("`{cursor}` is not a page cursor of this query"),
            )
        })?),
    };
    Ok(Ask {
        start,
        end,
        width,
        limit: limit as usize,
        group_by,
        filters,
        from,
        revisions: std::collections::BTreeMap::new(),
    })
}

/// Refuses what the costs endpoint refuses for organizations that do not support it: grouping
/// by `user_id` together with `project_id` grouping or the `project_ids` filter (OpenAI: "Support
/// for combining `user_id` with `project_id` grouping or the `project_ids` filter depends on the
/// organization and requested time range"). The fake's organization is one of those unless
/// [`Config::costs_user_with_project`](crate::Config::costs_user_with_project) is set.
pub fn check_combinations(endpoint: &Endpoint, ask: &Ask) -> Result<(), BadRequest> {
    if !endpoint.costs {
        return Ok(());
    }
    let position = |name: &str| endpoint.dims.iter().position(|d| d.name == name);
    let (Some(user), Some(project)) = (position("user_id"), position("project_id")) else {
        return Ok(());
    };
    let with_project = ask.group_by.contains(&project) || !ask.filters[project].is_empty();
    if ask.group_by.contains(&user) && with_project {
        return Err(bad(
            "group_by",
            "Support for combining `user_id` with `project_id` grouping or the `project_ids` filter depends on the organization and requested time range; it is not available for this request".into(),
        ));
    }
    Ok(())
}

/// The page cursor for a page that starts at `at`.
pub fn cursor(at: i64) -> String {
    format!("page_{at:x}")
}

pub(super) fn decode_cursor(cursor: &str) -> Option<i64> {
    i64::from_str_radix(cursor.strip_prefix("page_")?, 16).ok()
}
