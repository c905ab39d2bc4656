//! Bringing the store up to date with one organization.
//!
//! Per stream, a sync reads from the first bucket the store lacks (or holds only partially)
//! since `since`, or from the start of the restatement window if that is earlier, to now. The
//! window (by default the last 3 days and today) is re-read on every sync because OpenAI's
//! numbers for recent buckets change after the fact. Each page is written in one transaction
//! that replaces every row of the time it covers, with the cursor it came from: a sync killed
//! at any point leaves whole pages only, and the next one goes on from the first gap. Names and
//! budgets are read whole and replaced in one transaction.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};

use futures::{StreamExt as _, TryStreamExt as _};
use openai_usage::{
    Client, Error as ApiError, GetOrganizationSpendLimitParams, GetProjectSpendLimitParams,
    ListOrganizationSpendAlertsParams, ListProjectApiKeysParams, ListProjectServiceAccountsParams,
    ListProjectSpendAlertsParams, ListProjectsParams, ListUsersParams,
};

use crate::dates::month_start;
use crate::streams::{Stream, DAY};
use crate::write::{
    self, AlertRow, ApiKeyRow, Dimensions, LimitRow, PageOrigin, ProjectRow, ServiceAccountRow,
    UserRow,
};
use crate::{on_pool, Error, Store};

/// How many requests of one organization run at once (streams, then names and budgets).
const CONCURRENCY: usize = 3;

/// The restatement window when none is given: the last 3 days, and today.
pub const DEFAULT_RESTATE_DAYS: u32 = 3;

/// One organization to sync: the name the store keeps it under, and a client for it.
#[derive(Clone, Debug)]
pub struct Organization {
    /// The name in the store (`default` for a single organization, `demo` for the fake).
    pub name: String,
    /// A client with the organization's admin key.
    pub client: Client,
    /// Where its data comes from, as the store records it: the client's base URL unless set
    /// (`demo` for the fake, whose address changes on every run).
    pub source: Option<String>,
}

impl Organization {
    /// The organization `name`, read with `client`.
    pub fn new(name: impl Into<String>, client: Client) -> Organization {
        Organization {
            name: name.into(),
            client,
            source: None,
        }
    }
}

/// What to sync.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// The first day wanted (Unix seconds; rounded down to its UTC day). The start of the
    /// current month is always included, so that budgets' month to date can be answered.
    pub since: i64,
    /// Now (Unix seconds): the end of what is read.
    pub now: i64,
    /// How many past days (besides today) are read again on every sync.
    pub restate_days: u32,
    /// The streams to read ([`Stream::ALL`] for everything; the report needs the costs, the
    /// completions and the decisions).
    pub streams: &'static [Stream],
}

/// What one page brought, for progress indicators.
#[derive(Clone, Debug)]
pub struct PageDone {
    /// The organization.
    pub org: String,
    /// The stream.
    pub stream: Stream,
    /// The results the page held.
    pub rows: usize,
    /// Of the results the store held for the page's time, how many were new, different or
    /// gone: late data.
    pub changed: usize,
    /// Where the stream is, in the time it reads (Unix seconds).
    pub reached: i64,
}

/// What a sync did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Pages read and written.
    pub pages: u64,
    /// Results written (rows replaced are counted again).
    pub rows: u64,
    /// Results that late data changed: new, different or gone where the store already held
    /// the time (0 when every re-read bucket was as stored).
    pub changed: u64,
}

/// Syncs one organization: every stream, then its names and budgets. `on_page` is called after
/// each page is committed.
pub async fn sync(
    store: &Store,
    org: &Organization,
    options: Options,
    on_page: &(dyn Fn(PageDone) + Sync),
) -> Result<Summary, Error> {
    let now = options.now;
    let today = now.div_euclid(DAY) * DAY;
    let since = options
        .since
        .div_euclid(DAY)
        .min(month_start(now).div_euclid(DAY))
        * DAY;
    let window = (today - i64::from(options.restate_days) * DAY).max(since);
    let source = org.source.as_deref().unwrap_or(org.client.base_url());
    write::organization(store, &org.name, source, now).await?;
    let pages = AtomicU64::new(0);
    let rows = AtomicU64::new(0);
    let changed = AtomicU64::new(0);
    futures::stream::iter(options.streams)
        .map(|&stream| {
            let (pages, rows, changed) = (&pages, &rows, &changed);
            async move {
                let from = first_gap(store, &org.name, stream, since, window).await?;
                sync_stream(store, org, stream, from, now, |done| {
                    pages.fetch_add(1, Ordering::Relaxed);
                    rows.fetch_add(done.rows as u64, Ordering::Relaxed);
                    changed.fetch_add(done.changed as u64, Ordering::Relaxed);
                    on_page(done);
                })
                .await
            }
        })
        .buffer_unordered(CONCURRENCY)
        .try_collect::<Vec<()>>()
        .await?;
    let dims = read_dimensions(org).await?;
    write::dimensions(store, &org.name, &dims).await?;
    let summary = Summary {
        pages: pages.into_inner(),
        rows: rows.into_inner(),
        changed: changed.into_inner(),
    };
    write::sync_run(
        store,
        &org.name,
        now,
        since,
        options.restate_days,
        summary.pages,
        summary.rows,
    )
    .await?;
    Ok(summary)
}

/// Where `stream` must be read from: the first bucket from `since` that the store lacks or
/// holds partially, or the restatement window's start if that is earlier.
async fn first_gap(
    store: &Store,
    org: &str,
    stream: Stream,
    since: i64,
    window: i64,
) -> Result<i64, Error> {
    let complete: Vec<i64> = on_pool!(store, pool => sqlx::query_scalar(
        "SELECT start_time FROM buckets WHERE org = $1 AND stream = $2 AND start_time >= $3 \
         AND start_time < $4 AND partial = $5 ORDER BY start_time",
    )
    .bind(org).bind(stream.name()).bind(since).bind(window).bind(false)
    .fetch_all(pool).await)
    .map_err(store.failed("reading what the store holds"))?;
    let complete: BTreeSet<i64> = complete.into_iter().collect();
    let mut at = since;
    while at < window && complete.contains(&at) {
        at += stream.width();
    }
    Ok(at.min(window))
}

/// Reads `stream` from `from` to `now`, page by page, each committed before the next is asked.
async fn sync_stream(
    store: &Store,
    org: &Organization,
    stream: Stream,
    from: i64,
    now: i64,
    on_page: impl Fn(PageDone),
) -> Result<(), Error> {
    if from >= now {
        return Ok(());
    }
    let mut cursor: Option<String> = None;
    loop {
        let page = stream
            .page(&org.client, from, now, cursor.as_deref())
            .await
            .map_err(|e| api(org, stream.name(), e))?;
        let origin = PageOrigin {
            range_start: from,
            range_end: now,
            page: cursor.as_deref(),
            next_page: page.next_page.as_deref(),
        };
        let written = write::page(store, &org.name, stream, &page.data, now, &origin).await?;
        on_page(PageDone {
            org: org.name.clone(),
            stream,
            rows: written.rows,
            changed: written.changed,
            reached: page
                .data
                .last()
                .map_or(now, |b| b.end_time.as_unix_seconds()),
        });
        match page.next_page {
            Some(next) if page.has_more => cursor = Some(next),
            _ => return Ok(()),
        }
    }
}

fn api(
    org: &Organization,
    what: &str,
    error: impl std::error::Error + Send + Sync + 'static,
) -> Error {
    Error::Api {
        org: org.name.clone(),
        what: what.to_owned(),
        source: Box::new(error),
    }
}

fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

/// The organization's projects (archived ones too), users, and per project its API keys,
/// service accounts, spend limit and alerts; and the organization's limit and alerts.
async fn read_dimensions(org: &Organization) -> Result<Dimensions, Error> {
    let client = &org.client;
    let projects: Vec<_> = client
        .list_projects_items(ListProjectsParams::new().include_archived(true).limit(100))
        .try_collect()
        .await
        .map_err(|e| api(org, "projects", e))?;
    let users: Vec<_> = client
        .list_users_items(ListUsersParams::new().limit(100))
        .try_collect()
        .await
        .map_err(|e| api(org, "users", e))?;
    let mut dims = Dimensions::default();
    for p in &projects {
        dims.projects.push(ProjectRow {
            id: p.id.clone(),
            name: p.name.clone(),
            status: p.status.clone(),
            created_at: p.created_at.as_unix_seconds(),
            archived_at: p.archived_at.map(|t| t.as_unix_seconds()),
            data: json(p),
        });
    }
    for u in &users {
        dims.users.push(UserRow {
            id: u.id.clone(),
            name: u.name.clone(),
            email: u.email.clone(),
            role: u.role.clone(),
            data: json(u),
        });
    }
    let per_project = futures::stream::iter(&projects)
        .map(|project| project_dimensions(org, &project.id))
        .buffered(CONCURRENCY)
        .try_collect::<Vec<Dimensions>>()
        .await?;
    for part in per_project {
        dims.api_keys.extend(part.api_keys);
        dims.service_accounts.extend(part.service_accounts);
        dims.limits.extend(part.limits);
        dims.alerts.extend(part.alerts);
    }
    match client
        .get_organization_spend_limit(&GetOrganizationSpendLimitParams::new())
        .await
    {
        Ok(limit) => dims.limits.push(LimitRow {
            scope: String::new(),
            cents: limit.threshold_amount,
            currency: limit.currency.as_str().to_owned(),
            data: json(&limit),
        }),
        Err(ApiError::Api { status: 404, .. }) => {}
        Err(e) => return Err(api(org, "the organization's spend limit", e)),
    }
    let alerts: Vec<_> = client
        .list_organization_spend_alerts_items(ListOrganizationSpendAlertsParams::new().limit(100))
        .try_collect()
        .await
        .map_err(|e| api(org, "the organization's spend alerts", e))?;
    for a in &alerts {
        dims.alerts.push(AlertRow {
            scope: String::new(),
            id: a.id.clone(),
            cents: a.threshold_amount,
            data: json(a),
        });
    }
    Ok(dims)
}

/// One project's keys, service accounts, limit and alerts. A project without a limit answers
/// 404; one deleted since it was listed answers 404 to everything.
async fn project_dimensions(org: &Organization, project: &str) -> Result<Dimensions, Error> {
    let client = &org.client;
    let gone = |e: &ApiError| matches!(e, ApiError::Api { status: 404, .. });
    let mut dims = Dimensions::default();
    let keys: Vec<_> = match client
        .list_project_api_keys_items(ListProjectApiKeysParams::new(project).limit(100))
        .try_collect()
        .await
    {
        Ok(keys) => keys,
        Err(e) if gone(e.error()) => Vec::new(),
        Err(e) => return Err(api(org, "API keys", e)),
    };
    for k in &keys {
        dims.api_keys.push(ApiKeyRow {
            id: k.id.clone(),
            project_id: project.to_owned(),
            name: k.name.clone(),
            owner_email: k.owner.user.as_ref().map(|u| u.email.clone()),
            owner_service_account: k.owner.service_account.as_ref().map(|s| s.name.clone()),
            created_at: k.created_at.as_unix_seconds(),
            last_used_at: k.last_used_at.map(|t| t.as_unix_seconds()),
            data: json(k),
        });
    }
    let accounts: Vec<_> = match client
        .list_project_service_accounts_items(
            ListProjectServiceAccountsParams::new(project).limit(100),
        )
        .try_collect()
        .await
    {
        Ok(accounts) => accounts,
        Err(e) if gone(e.error()) => Vec::new(),
        Err(e) => return Err(api(org, "service accounts", e)),
    };
    for a in &accounts {
        dims.service_accounts.push(ServiceAccountRow {
            id: a.id.clone(),
            project_id: project.to_owned(),
            name: a.name.clone(),
            role: a.role.as_str().to_owned(),
            created_at: a.created_at.as_unix_seconds(),
            data: json(a),
        });
    }
    match client
        .get_project_spend_limit(&GetProjectSpendLimitParams::new(project))
        .await
    {
        Ok(limit) => dims.limits.push(LimitRow {
            scope: project.to_owned(),
            cents: limit.threshold_amount,
            currency: limit.currency.as_str().to_owned(),
            data: json(&limit),
        }),
        Err(e) if gone(&e) => {}
        Err(e) => return Err(api(org, "a project's spend limit", e)),
    }
    let alerts: Vec<_> = match client
        .list_project_spend_alerts_items(ListProjectSpendAlertsParams::new(project).limit(100))
        .try_collect()
        .await
    {
        Ok(alerts) => alerts,
        Err(e) if gone(e.error()) => Vec::new(),
        Err(e) => return Err(api(org, "a project's spend alerts", e)),
    };
    for a in &alerts {
        dims.alerts.push(AlertRow {
            scope: project.to_owned(),
            id: a.id.clone(),
            cents: a.threshold_amount,
            data: json(a),
        });
    }
    Ok(dims)
}
