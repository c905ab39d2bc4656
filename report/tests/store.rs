//! The report from a store equals the live report over the same period, byte for byte, in
//! every format and grouping: `sync` keeps everything the report needs.

use openai_usage::Client;
use openai_usage_fake::{Config, FakeApi, FIXED_NOW};
use openai_usage_report::{
    collect, collect_stored, render_csv, render_json, render_table, CsvCells, GroupBy, Request,
};
use openai_usage_store::sync::{self, Organization};
use openai_usage_store::{Store, Target};

/// 2024-12-01 plus 13 hours and a bit: the current day is partial, the month a day old.
const NOW: i64 = FIXED_NOW + 13 * 3_600 + 1_234;

fn client_of(fake: &FakeApi) -> Client {
    Client::builder()
        .api_key("sk-admin-test")
        .base_url(fake.base_url())
        .build()
        .unwrap()
}

fn last_days(n: i64, group_by: GroupBy) -> Request {
    Request {
        start: (NOW.div_euclid(86_400) - n + 1) * 86_400,
        end: NOW,
        now: NOW,
        group_by,
        progress: false,
    }
}

const GROUPINGS: [GroupBy; 6] = [
    GroupBy::Project,
    GroupBy::LineItem,
    GroupBy::Model,
    GroupBy::ApiKey,
    GroupBy::User,
    GroupBy::ApiSource,
];

#[tokio::test]
async fn the_report_from_a_synced_store_is_the_live_report_in_every_format_and_grouping() {
    let fake = FakeApi::start_with(Config::quiet_at(NOW)).await;
    let client = client_of(&fake);
    let dir = tempfile::tempdir().unwrap();
    let target = Target::Sqlite(dir.path().join("history.db"));
    let store = Store::open(&target).await.unwrap();
    let org = Organization::new("demo", client.clone());
    let options = sync::Options {
        since: NOW - 7 * 86_400,
        now: NOW,
        restate_days: 3,
        streams: &openai_usage_store::streams::Stream::ALL,
    };
    sync::sync(&store, &org, options, &|_| {}).await.unwrap();
    for group_by in GROUPINGS {
        for days in [1, 7] {
            let request = last_days(days, group_by);
            let live = collect(&client, &request).await.unwrap();
            let stored = collect_stored(&store, "demo", &request).await.unwrap();
            assert!(!live.cells.is_empty(), "{group_by:?}: the fake has data");
            let what = format!("--group-by {group_by:?} --days {days}");
            assert_eq!(render_table(&stored), render_table(&live), "{what}: table");
            assert_eq!(
                render_csv(&stored, CsvCells::Neutralized).unwrap(),
                render_csv(&live, CsvCells::Neutralized).unwrap(),
                "{what}: CSV"
            );
            assert_eq!(render_json(&stored), render_json(&live), "{what}: JSON");
        }
    }
}
