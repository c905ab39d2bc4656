//! The commands on a store: `sync`, the report with `--db`, and `export`.

use std::process::ExitCode;

use clap::CommandFactory as _;
use openai_usage::Client;
use openai_usage_report::dates::{self, DAY};
use openai_usage_report::{safe, Request};

use crate::cli::{Args, Command, ExportCommand};
use crate::client_builder;

/// The report of `org` (or the store's only organization) from the store at `db`.
pub async fn report_from_store(
    db: &str,
    org: Option<&str>,
    request: &Request,
) -> Result<(openai_usage_report::Report, String), String> {
    use openai_usage_store::{read, Store, Target};
    let target = Target::parse(db).map_err(|e| e.to_string())?;
    let store = Store::open(&target).await.map_err(|e| e.to_string())?;
    let org = match org {
        Some(org) => org.to_owned(),
        None => {
            let orgs = read::organizations(&store)
                .await
                .map_err(|e| e.to_string())?;
            match orgs.as_slice() {
                [one] => one.clone(),
                [] => return Err(format!("the store {} holds no organization yet; run `openai-usage-report sync --db ...` first", target.shown())),
                several => return Err(format!("the store {} holds several organizations ({}); name one with --org", target.shown(), several.join(", "))),
            }
        }
    };
    let report = openai_usage_report::collect_stored(&store, &org, request)
        .await
        .map_err(|e| e.to_string())?;
    // A store is as fresh as its last sync: say so when the period goes on after it.
    if let Ok(Some(synced)) = read::last_synced(&store, &org).await {
        if synced + 3_600 < request.end {
            eprintln!(
                "note: `{}` was last synced at {} UTC; what came after is not in this report (run `sync`)",
                safe::visible(&org),
                dates::date_time(synced)
            );
        }
    }
    store.close().await;
    Ok((report, org))
}

/// `sync`: exit 0 when every organization is synced, 1 on an error, 2 on a usage error.
pub async fn run_sync(args: &Args, now: i64) -> ExitCode {
    use openai_usage_store::config::Config;
    use openai_usage_store::sync::{self, Organization};
    use openai_usage_store::{Store, Target};
    let Some(Command::Sync {
        db,
        days,
        since,
        restate_days,
        config,
        org,
    }) = &args.command
    else {
        unreachable!("run_sync is called for `sync`")
    };
    let usage = |message: &str| {
        let _ = Args::command()
            .error(clap::error::ErrorKind::ArgumentConflict, message)
            .print();
        ExitCode::from(2)
    };
    // OPENAI_ADMIN_KEY may well be set where several organizations are synced: with --config,
    // each organization's key comes from the variable the file names, and it is not used.
    if config.is_some() && args.demo {
        return usage("--config names real organizations; it does not go with --demo");
    }
    let target = match Target::parse(db) {
        Ok(target) => target,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let mut fakes = Vec::new();
    let mut organizations = Vec::new();
    if let Some(path) = config {
        let config = match Config::read(path) {
            Ok(config) => config,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
        for entry in config.organizations {
            let key = std::env::var(&entry.admin_key_env).unwrap_or_default();
            if key.trim().is_empty() {
                eprintln!(
                    "error: {}: organization `{}`: the environment variable {} (its admin key) is not set",
                    path.display(),
                    entry.name,
                    entry.admin_key_env
                );
                return ExitCode::from(2);
            }
            let mut builder = Client::builder().api_key(key);
            if let Some(url) = entry.base_url {
                builder = builder.base_url(url);
            }
            match builder.build() {
                Ok(client) => organizations.push(Organization::new(entry.name, client)),
                Err(e) => {
                    eprintln!(
                        "error: organization `{}`: {}",
                        entry.name,
                        safe::visible(&e.to_string())
                    );
                    return ExitCode::from(2);
                }
            }
        }
    } else {
        let (builder, fake) = match client_builder(args, now).await {
            Ok(found) => found,
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::from(2);
            }
        };
        fakes.extend(fake);
        let name = org
            .clone()
            .unwrap_or_else(|| if args.demo { "demo" } else { "default" }.to_owned());
        match builder.build() {
            Ok(client) => organizations.push(Organization {
                source: args.demo.then(|| "demo".to_owned()),
                ..Organization::new(name, client)
            }),
            Err(e) => {
                eprintln!("error: {}", safe::visible(&e.to_string()));
                return ExitCode::from(2);
            }
        }
    }
    let since = since.unwrap_or_else(|| (now.div_euclid(DAY) - i64::from(*days) + 1) * DAY);
    let options = sync::Options {
        since,
        now,
        restate_days: *restate_days,
        streams: &openai_usage_store::streams::Stream::ALL,
    };
    let store = match Store::open(&target).await {
        Ok(store) => store,
        Err(e) => {
            eprintln!("error: {}", safe::visible(&e.to_string()));
            return ExitCode::FAILURE;
        }
    };
    let started = std::time::Instant::now();
    let result =
        openai_usage_report::history::sync_all(&store, &organizations, options, !args.quiet).await;
    store.close().await;
    drop(fakes);
    match result {
        Ok(summaries) => {
            for (org, summary) in summaries {
                println!(
                    "{}: {} pages, {} results written ({} changed by late data) to {} (from {} to now, the last {restate_days} day(s) read again), in {:.1} s",
                    safe::visible(&org),
                    summary.pages,
                    summary.rows,
                    summary.changed,
                    safe::visible(&target.shown()),
                    dates::date(since.min(openai_usage_store::dates::month_start(now))),
                    started.elapsed().as_secs_f64()
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}", safe::visible(&e.to_string()));
            ExitCode::FAILURE
        }
    }
}

/// `export focus` and `export parquet`: exit 0 when written, 1 on an error (nothing is left
/// at the destination then), 2 on a usage error.
pub async fn run_export(command: &ExportCommand) -> ExitCode {
    use openai_usage_report::export;
    use openai_usage_store::{Store, Target};
    let (db, org) = match command {
        ExportCommand::Focus { db, org, .. } | ExportCommand::Parquet { db, org, .. } => (db, org),
    };
    let target = match Target::parse(db) {
        Ok(target) => target,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let store = match Store::open(&target).await {
        Ok(store) => store,
        Err(e) => {
            eprintln!("error: {}", safe::visible(&e.to_string()));
            return ExitCode::FAILURE;
        }
    };
    let (result, out) = match command {
        ExportCommand::Focus {
            out,
            format,
            focus_version,
            csv_raw,
            ..
        } => (
            export::focus(
                &store,
                org.as_deref(),
                *focus_version,
                *format,
                out,
                *csv_raw,
            )
            .await,
            out,
        ),
        ExportCommand::Parquet { out, .. } => {
            (export::parquet(&store, org.as_deref(), out).await, out)
        }
    };
    store.close().await;
    match result {
        Ok(summary) => {
            let rows: Vec<String> = summary
                .rows
                .iter()
                .map(|(what, n)| format!("{n} {what} rows"))
                .collect();
            println!(
                "{}: {} in {} file(s); costs total {}",
                safe::visible(&out.display().to_string()),
                rows.join(", "),
                summary.files,
                summary.total_cost.normalize()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}", safe::visible(&e.to_string()));
            ExitCode::FAILURE
        }
    }
}
