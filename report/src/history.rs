//! `sync`: keeping the history of one or more organizations in a store, with a progress bar per
//! organization on a terminal.

use std::collections::HashMap;
use std::io::IsTerminal as _;
use std::sync::Mutex;
use std::time::Duration;

use futures::{StreamExt as _, TryStreamExt as _};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use openai_usage_store::sync::{self, Organization, PageDone, Summary};
use openai_usage_store::{Error, Store};

use crate::dates;

/// How many organizations sync at once.
const ORGANIZATIONS_AT_ONCE: usize = 2;

/// Syncs every organization into `store`; returns each one's summary in the order given. The
/// first failure stops the others (what each committed stays: a second sync goes on from
/// there).
pub async fn sync_all(
    store: &Store,
    organizations: &[Organization],
    options: sync::Options,
    progress: bool,
) -> Result<Vec<(String, Summary)>, Error> {
    let multi = MultiProgress::with_draw_target(if progress && std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    });
    let style = ProgressStyle::with_template("{spinner} {prefix}: {msg} ({elapsed})")
        .expect("a valid template");
    let bars: HashMap<String, ProgressBar> = organizations
        .iter()
        .map(|org| {
            let bar = multi.add(ProgressBar::new_spinner());
            bar.set_style(style.clone());
            bar.set_prefix(crate::safe::visible(&org.name));
            bar.set_message("starting");
            bar.enable_steady_tick(Duration::from_millis(120));
            (org.name.clone(), bar)
        })
        .collect();
    let counts: Mutex<HashMap<String, (u64, u64)>> = Mutex::new(HashMap::new());
    let on_page = |done: PageDone| {
        let mut counts = counts.lock().unwrap();
        let count = counts.entry(done.org.clone()).or_default();
        count.0 += 1;
        count.1 += done.rows as u64;
        if let Some(bar) = bars.get(&done.org) {
            bar.set_message(format!(
                "{} to {}; {} pages, {} results",
                done.stream.name(),
                dates::date(done.reached.saturating_sub(1)),
                count.0,
                count.1
            ));
        }
    };
    let on_page = &on_page;
    let bars = &bars;
    let results = futures::stream::iter(organizations)
        .map(|org| async move {
            let summary = sync::sync(store, org, options, on_page).await;
            if let Some(bar) = bars.get(&org.name) {
                match &summary {
                    Ok(s) => bar.finish_with_message(format!(
                        "done: {} pages, {} results",
                        s.pages, s.rows
                    )),
                    Err(_) => bar.abandon_with_message("failed"),
                }
            }
            summary.map(|s| (org.name.clone(), s))
        })
        .buffered(ORGANIZATIONS_AT_ONCE)
        .try_collect()
        .await;
    let _ = multi.clear();
    results
}
