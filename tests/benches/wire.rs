//! Bytes on the wire for a large page, with and without compression: the 1,440-bucket,
//! 43,200-result completions page of the decode benchmark (13 MB of JSON), served by the local
//! fake, fetched and decoded by the generated client as the tests build it (gzip and brotli
//! on: `Accept-Encoding` is sent, the fake answers gzip) and by a client whose `reqwest::Client`
//! asks for no compression. Also the organization's real usage pages from the fake (a week of
//! hourly completions grouped by every dimension).
//!
//! `cargo bench -p tests --bench wire` (`-- --test` for a quick smoke run)

use std::time::{Duration, Instant};

use openai_usage::{
    reqwest, Client, UsageBucketWidth, UsageCompletionsGroupBy, UsageCompletionsParams,
};
use tests::bench::completions_page;
use tests::fake::{FakeApi, Fault};

fn client(fake: &FakeApi, compressed: bool) -> Client {
    let builder = Client::builder()
        .api_key("sk-bench")
        .base_url(fake.base_url());
    let builder = if compressed {
        builder
    } else {
        openai_usage::install_default_tls();
        let http = reqwest::Client::builder()
            .no_gzip()
            .no_brotli()
            .build()
            .expect("a reqwest client");
        builder.http_client(http)
    };
    builder.build().expect("a client")
}

/// Bytes of body sent and wall time for `rounds` fetches of `page` (of `buckets` buckets).
async fn large_page(
    fake: &FakeApi,
    client: &Client,
    page: &str,
    buckets: usize,
    rounds: u32,
) -> (u64, Duration) {
    let before = fake.body_bytes_sent();
    let started = Instant::now();
    for _ in 0..rounds {
        fake.push_fault(Fault::Status {
            status: 200,
            headers: Vec::new(),
            body: page.to_owned(),
        });
        let answer = client
            .usage_completions(&UsageCompletionsParams::new(1_730_419_200))
            .await
            .expect("the large page decodes");
        assert_eq!(answer.data.len(), buckets);
    }
    (
        (fake.body_bytes_sent() - before) / u64::from(rounds),
        started.elapsed() / rounds,
    )
}

/// Bytes of body sent for a week of hourly completions grouped by six dimensions, all pages.
async fn real_week(fake: &FakeApi, client: &Client) -> u64 {
    let before = fake.body_bytes_sent();
    let params = UsageCompletionsParams::new(1_733_011_200 - 7 * 86_400)
        .end_time(1_733_011_200)
        .bucket_width(UsageBucketWidth::OneHour)
        .limit(168)
        .group_by([
            UsageCompletionsGroupBy::ProjectId,
            UsageCompletionsGroupBy::UserId,
            UsageCompletionsGroupBy::ApiKeyId,
            UsageCompletionsGroupBy::Model,
            UsageCompletionsGroupBy::Batch,
            UsageCompletionsGroupBy::ServiceTier,
        ]);
    let answer = client.usage_completions(&params).await.expect("a week");
    assert!(!answer.data.is_empty());
    fake.body_bytes_sent() - before
}

#[tokio::main]
async fn main() {
    let quick = std::env::args().any(|a| a == "--test");
    let (buckets, rounds) = if quick { (60, 1) } else { (1_440, 5) };
    let page = completions_page(buckets, 30, false);
    let fake = FakeApi::start().await;
    let (gzip, plain) = (client(&fake, true), client(&fake, false));
    println!("| page | bytes on the wire, gzip | bytes, uncompressed | ratio | time, gzip | time, uncompressed |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    let (z, zt) = large_page(&fake, &gzip, &page, buckets, rounds).await;
    let (p, pt) = large_page(&fake, &plain, &page, buckets, rounds).await;
    assert!(z < p, "gzip must send fewer bytes ({z} vs {p})");
    println!(
        "| large page ({} KB of JSON) | {} KB | {} KB | {:.1}x smaller | {:.0} ms | {:.0} ms |",
        page.len() / 1024,
        z / 1024,
        p / 1024,
        p as f64 / z as f64,
        zt.as_secs_f64() * 1e3,
        pt.as_secs_f64() * 1e3
    );
    let (z, p) = (
        real_week(&fake, &gzip).await,
        real_week(&fake, &plain).await,
    );
    println!(
        "| a week, hourly, grouped by six dimensions (fake) | {} KB | {} KB | {:.1}x smaller | | |",
        z / 1024,
        p / 1024,
        p as f64 / z as f64
    );
}
