//! `sync` as users run it: killed (`kill -9`) at twenty different points of its progress and
//! run again, it ends with exactly the rows of a sync that was never interrupted; a second sync changes no
//! row; the admin key is written nowhere in the store.

#[path = "../../store/tests/common/mod.rs"]
mod common;

use std::process::{Command, Stdio};
use std::time::Instant;

use openai_usage_fake::{Config, FakeApi, FIXED_NOW};
use openai_usage_store::Target;

/// 2024-12-02T13:20:34Z.
const NOW: i64 = FIXED_NOW + 86_400 + 13 * 3_600 + 1_234;
const KEY: &str = "sk-admin-kill-test-0123456789";

fn sync(fake: &FakeApi, db: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_openai-usage-report"));
    command
        .args(["sync", "--quiet", "--days", "2", "--restate-days", "0"])
        .args(["--now", &NOW.to_string()])
        .arg("--db")
        .arg(db)
        .args(["--base-url", &fake.base_url()])
        .env("OPENAI_ADMIN_KEY", KEY)
        .env_remove("OPENAI_BASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

/// How many buckets a sync has committed to `db` so far (0 while the file is not there yet).
async fn committed_buckets(db: &std::path::Path) -> usize {
    if !db.exists() {
        return 0;
    }
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(db)
        .read_only(true);
    let Ok(pool) = sqlx::SqlitePool::connect_with(options).await else {
        return 0;
    };
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM buckets")
        .fetch_one(&pool)
        .await
        .unwrap_or(0);
    pool.close().await;
    count as usize
}

async fn dump_of(db: &std::path::Path) -> Vec<String> {
    let target = Target::Sqlite(db.to_owned());
    let store = openai_usage_store::Store::open(&target).await.unwrap();
    let rows = common::dump(&store, &target).await;
    store.close().await;
    rows
}

/// Run `run` of 20: a sync killed once it has committed `run / 20` of the buckets, then run
/// again to the end; its store must equal the clean sync's. Was it still running when killed?
async fn kill_and_resume(
    fake: &FakeApi,
    dir: &std::path::Path,
    run: u32,
    total_buckets: usize,
    took: std::time::Duration,
    expected: &[String],
) -> bool {
    let db = dir.join(format!("killed-{run}.db"));
    let mut child = sync(fake, &db).spawn().unwrap();
    // Points spread over the sync's progress whatever the machine's speed: once the child
    // has committed this share of the buckets (run 0: before its first commit), it is
    // killed at once, in whatever it is doing next.
    let wanted = total_buckets * run as usize / 20;
    let started = Instant::now();
    while committed_buckets(&db).await < wanted
        && child.try_wait().unwrap().is_none()
        && started.elapsed() < took * 20
    {
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
    let killed_while_running = child.try_wait().unwrap().is_none();
    child.kill().unwrap(); // SIGKILL: no cleanup of any kind
    child.wait().unwrap();
    // Off the async threads: the other run goes on meanwhile.
    let mut again = sync(fake, &db);
    let output = tokio::task::spawn_blocking(move || again.output())
        .await
        .unwrap()
        .unwrap();
    assert!(
        output.status.success(),
        "run {run}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let found = dump_of(&db).await;
    if found != expected {
        let missing: Vec<_> = expected
            .iter()
            .filter(|r| !found.contains(r))
            .take(3)
            .collect();
        let extra: Vec<_> = found
            .iter()
            .filter(|r| !expected.contains(r))
            .take(3)
            .collect();
        panic!("run {run} (killed after {wanted} buckets): missing {missing:#?}, extra {extra:#?}");
    }
    killed_while_running
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_killed_at_twenty_points_and_run_again_equals_a_clean_sync() {
    let fake = FakeApi::start_with(Config::quiet_at(NOW)).await;
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("clean.db");
    let started = Instant::now();
    let output = sync(&fake, &clean).output().unwrap();
    let took = started.elapsed();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let expected = dump_of(&clean).await;
    assert!(
        expected
            .iter()
            .filter(|r| r.starts_with("results: "))
            .count()
            > 1_000
    );
    let file = std::fs::read(&clean).unwrap();
    assert!(
        !file.windows(KEY.len()).any(|w| w == KEY.as_bytes()),
        "the admin key is in the store"
    );

    let total_buckets = expected
        .iter()
        .filter(|r| r.starts_with("buckets: "))
        .count();
    // Two runs at a time: they are independent, each with a database of its own.
    let lane = |first: u32| {
        let (fake, dir, expected) = (&fake, dir.path(), &expected);
        async move {
            let mut killed = 0;
            for run in (first..20).step_by(2) {
                killed +=
                    kill_and_resume(fake, dir, run, total_buckets, took, expected).await as u32;
            }
            killed
        }
    };
    let (even, odd) = tokio::join!(lane(0), lane(1));
    let killed_while_running = even + odd;
    assert!(
        killed_while_running >= 15,
        "only {killed_while_running} of 20 runs were killed while running"
    );

    // A second sync changes no row.
    let output = sync(&fake, &clean).output().unwrap();
    assert!(output.status.success());
    assert_eq!(dump_of(&clean).await, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_organizations_from_a_config_file_keep_their_keys_out_of_the_store() {
    let first = FakeApi::start_with(Config::quiet_at(NOW)).await;
    let second = FakeApi::start_with(Config::quiet_at(NOW)).await;
    second.restate(NOW); // other numbers today
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("organizations.yaml");
    std::fs::write(
        &config,
        format!(
            "organizations:\n  - name: first\n    admin_key_env: FIRST_KEY\n    base_url: {}\n  - name: second\n    admin_key_env: SECOND_KEY\n    base_url: {}\n",
            first.base_url(),
            second.base_url()
        ),
    )
    .unwrap();
    let db = dir.path().join("orgs.db");
    let run = |envs: &[(&str, &str)]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_openai-usage-report"));
        command
            .args(["sync", "--quiet", "--days", "1", "--now", &NOW.to_string()])
            .arg("--db")
            .arg(&db)
            .arg("--config")
            .arg(&config)
            // Set where several organizations are synced, and not used with --config.
            .env("OPENAI_ADMIN_KEY", "sk-admin-not-this-one-0003")
            .env_remove("FIRST_KEY")
            .env_remove("SECOND_KEY");
        for (k, v) in envs {
            command.env(k, v);
        }
        command.output().unwrap()
    };
    // A key that is not set: named, nothing synced.
    let output = run(&[("FIRST_KEY", "sk-admin-first-0001")]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("organization `second`") && stderr.contains("SECOND_KEY"),
        "{stderr}"
    );
    assert!(!db.exists(), "nothing is written when a key is missing");

    let output = run(&[
        ("FIRST_KEY", "sk-admin-first-0001"),
        ("SECOND_KEY", "sk-admin-second-0002"),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("first:") && stdout.contains("second:"),
        "{stdout}"
    );
    let bytes = std::fs::read(&db).unwrap();
    for key in [
        "sk-admin-first-0001",
        "sk-admin-second-0002",
        "sk-admin-not-this-one-0003",
    ] {
        assert!(
            !bytes.windows(key.len()).any(|w| w == key.as_bytes()),
            "{key} is in the store"
        );
    }
    // Reports: one organization at a time, named; their totals differ as their APIs' do.
    let report = |org: Option<&str>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_openai-usage-report"));
        command
            .args([
                "--days",
                "1",
                "--quiet",
                "--format",
                "csv",
                "--now",
                &NOW.to_string(),
            ])
            .arg("--db")
            .arg(&db);
        if let Some(org) = org {
            command.args(["--org", org]);
        }
        command.output().unwrap()
    };
    let unnamed = report(None);
    assert_eq!(unnamed.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&unnamed.stderr);
    assert!(
        stderr.contains("several organizations (first, second)"),
        "{stderr}"
    );
    let a = report(Some("first"));
    let b = report(Some("second"));
    assert!(a.status.success() && b.status.success());
    assert_ne!(a.stdout, b.stdout);
    // A period before what the store holds: the sync that would fill it is named.
    let mut command = Command::new(env!("CARGO_BIN_EXE_openai-usage-report"));
    let old = command
        .args([
            "--since",
            "2024-10-01",
            "--until",
            "2024-10-02",
            "--org",
            "first",
            "--quiet",
        ])
        .args(["--now", &NOW.to_string()])
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(old.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&old.stderr);
    assert!(stderr.contains("sync --since 2024-10-01"), "{stderr}");
}
