//! Paging over the local fake on loopback: the generated bucket stream against raw reqwest GETs
//! of the same pages, in the same run; and the peak heap while streaming 1,000 and 10,000 pages
//! (it must not grow with the number of pages). Goal: at least 2,000 pages/s, within 2x of raw.
//!
//! `cargo bench -p tests --bench paging` (`-- --test` for a quick smoke run)

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use futures::TryStreamExt;
use openai_usage::{Client, UsageBucketWidth, UsageVectorStoresParams};
use tests::fake::{data, Config, FakeApi};

/// Counts live heap bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const START: i64 = 1_730_419_200;

fn params(pages: i64) -> UsageVectorStoresParams {
    // One minute bucket a page.
    UsageVectorStoresParams::new(START)
        .end_time(START + pages * 60)
        .bucket_width(UsageBucketWidth::OneMinute)
        .limit(1)
}

/// Streams every bucket; returns (seconds, buckets, peak heap growth in bytes).
async fn stream(client: &Client, pages: i64) -> (f64, usize, usize) {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let started = Instant::now();
    let mut buckets = client.usage_vector_stores_buckets(params(pages));
    let mut count = 0;
    while let Some(bucket) = buckets.try_next().await.unwrap() {
        count += 1;
        std::hint::black_box(bucket);
    }
    let seconds = started.elapsed().as_secs_f64();
    (seconds, count, PEAK.load(Ordering::Relaxed) - base)
}

/// GETs the same pages with reqwest, reading each body and nothing more.
async fn raw(http: &reqwest::Client, base_url: &str, pages: i64) -> f64 {
    let started = Instant::now();
    for i in 0..pages {
        let mut url = format!(
            "{base_url}/organization/usage/vector_stores?start_time={START}&end_time={}&bucket_width=1m&limit=1",
            START + pages * 60
        );
        if i > 0 {
            url.push_str(&format!("&page={}", data::cursor(START + i * 60)));
        }
        let body = http
            .get(url)
            .bearer_auth("sk-bench")
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        std::hint::black_box(body);
    }
    started.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    let quick = std::env::args().any(|a| a == "--test");
    let (small, large) = if quick { (100, 300) } else { (2_000, 10_000) };
    // Uncompressed, as the raw reqwest baseline reads it (compression is measured by `wire`).
    let fake = FakeApi::start_with(Config {
        record: false,
        gzip: false,
        ..Config::default()
    })
    .await;
    let client = Client::builder()
        .api_key("sk-bench")
        .base_url(fake.base_url())
        .build()
        .unwrap();
    // reqwest comes without a TLS provider here (the crate brings ring): install it first.
    openai_usage::install_default_tls();
    let http = reqwest::Client::new();

    // Warm up connections and caches.
    stream(&client, 50).await;
    raw(&http, &fake.base_url(), 50).await;

    let (_, count_small, peak_small) = stream(&client, small).await;
    let (seconds, count, peak_large) = stream(&client, large).await;
    assert_eq!(
        (count_small as i64, count as i64),
        (small, large),
        "every bucket, once"
    );
    let raw_seconds = raw(&http, &fake.base_url(), large).await;

    let pages_per_second = large as f64 / seconds;
    let raw_per_second = large as f64 / raw_seconds;
    println!(
        "paging {large} pages over loopback{}",
        if quick { " (quick)" } else { "" }
    );
    println!("  bucket stream: {pages_per_second:>8.0} pages/s ({seconds:.2} s)");
    println!("  raw reqwest:   {raw_per_second:>8.0} pages/s ({raw_seconds:.2} s)");
    println!(
        "  stream / raw:  {:>8.2}x the speed",
        pages_per_second / raw_per_second
    );
    println!(
        "  peak heap growth: {} KiB over {small} pages, {} KiB over {large} pages",
        peak_small / 1024,
        peak_large / 1024
    );
}
