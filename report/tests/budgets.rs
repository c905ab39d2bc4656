//! `openai-usage-report budgets plan|apply` against the fake (its state lasts as long as the test
//! holds it, across runs of the program): the example file's plan, applied once, leaves nothing
//! to plan; nothing is changed without `--yes`; a mistake in the file is named at its line and
//! column with nothing sent but reads; a failure stops the apply, saying what was applied.
//! Expected states are written from `report/examples/budgets.yaml` and the fake's organization.

use std::process::Output;

use openai_usage_fake::budgets::{Alert, Budgets};
use openai_usage_fake::{FakeApi, Fault};

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/budgets.yaml");

fn run(fake: &FakeApi, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_openai-usage-report"))
        .args(args)
        .args([
            "--base-url",
            &fake.base_url(),
            "--api-key",
            "sk-admin-budgets",
        ])
        .env_remove("OPENAI_ADMIN_KEY")
        .output()
        .unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The alerts' amounts, sorted.
fn amounts(alerts: &[Alert]) -> Vec<i64> {
    let mut cents: Vec<i64> = alerts.iter().map(|a| a.cents).collect();
    cents.sort_unstable();
    cents
}

fn project_alerts(b: &Budgets, project: &str) -> Vec<Alert> {
    b.project_alerts
        .iter()
        .filter(|(p, _)| p == project)
        .map(|(_, a)| a.clone())
        .collect()
}

fn project_limit(b: &Budgets, project: &str) -> Option<i64> {
    b.project_limits
        .iter()
        .find(|(p, _)| p == project)
        .map(|(_, c)| *c)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_plan_applied_once_leaves_nothing_to_plan() {
    let fake = FakeApi::start().await;
    let before = fake.budgets();

    let plan = run(&fake, &["budgets", "plan", EXAMPLE]);
    assert_eq!(plan.status.code(), Some(2), "{}", text(&plan));
    let shown = String::from_utf8_lossy(&plan.stdout);
    for line in [
        "9 changes to make the budgets what",
        "organization\n  + create alert at $1,100,000.00 (emails finance@example.com)\n  ~ change hard limit: $1,200,000.00 a month (was $1,000,000.00)\n",
        "project Support assistant (proj_beta)\n",
        "  - delete alert at $135,000.00 (alert_beta_90)\n",
        "  + set hard limit: $5,000.00 a month (none now)\n",
    ] {
        assert!(shown.contains(line), "{line:?} not in:\n{shown}");
    }

    // Without --yes: the plan, and nothing changed.
    let dry = run(&fake, &["budgets", "apply", EXAMPLE]);
    assert_eq!(dry.status.code(), Some(2), "{}", text(&dry));
    assert!(
        text(&dry).contains("nothing changed: pass --yes"),
        "{}",
        text(&dry)
    );
    assert_eq!(fake.budgets(), before);
    assert!(fake.requests().iter().all(|r| r.method == "GET"));

    let apply = run(&fake, &["budgets", "apply", EXAMPLE, "--yes"]);
    assert_eq!(apply.status.code(), Some(0), "{}", text(&apply));
    assert!(
        text(&apply).contains("Applied 9 change(s)."),
        "{}",
        text(&apply)
    );

    // What the file declares, in dollars, as the fake now holds it in cents.
    let after = fake.budgets();
    assert_eq!(after.organization_limit, Some(120_000_000));
    assert_eq!(
        amounts(&after.organization_alerts),
        [80_000_000, 95_000_000, 110_000_000]
    );
    assert_eq!(project_limit(&after, "proj_alpha"), Some(30_000_000));
    let alpha = project_alerts(&after, "proj_alpha");
    assert_eq!(amounts(&alpha), [15_000_000, 27_000_000]);
    let updated = alpha.iter().find(|a| a.cents == 27_000_000).unwrap();
    assert_eq!(updated.recipients, ["search-leads@example.com"]);
    assert_eq!(updated.subject_prefix.as_deref(), Some("[search]"));
    assert_eq!(project_limit(&after, "proj_beta"), Some(20_000_000));
    assert_eq!(amounts(&project_alerts(&after, "proj_beta")), [16_000_000]);
    assert_eq!(project_limit(&after, "proj_delta"), Some(500_000));
    assert_eq!(
        amounts(&project_alerts(&after, "proj_delta")),
        [250_000, 450_000]
    );
    // Not in the file: left alone.
    assert_eq!(
        project_limit(&after, "proj_gamma"),
        project_limit(&before, "proj_gamma")
    );

    let again = run(&fake, &["budgets", "plan", EXAMPLE, "--format", "markdown"]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert!(String::from_utf8_lossy(&again.stdout).contains("No changes"));
}

#[tokio::test(flavor = "multi_thread")]
async fn mistakes_in_the_file_are_named_where_they_are_and_nothing_is_written() {
    let fake = FakeApi::start().await;
    let dir = tempfile::tempdir().unwrap();
    for (body, expected) in [
        (
            "recipients: [a@example.com]\nprojects:\n  - project: No such project\n    limit: 5\n",
            ":3:14: the organization has no project named or with the ID `No such project`",
        ),
        (
            "projects:\n  - project: Search ranking\n    limit: 5\n  - project: proj_alpha\n    limit: 6\n",
            ":4:14: the same project as the entry at line 2 (proj_alpha)",
        ),
        (
            "organization:\n  limit: -100\n",
            ":2:10: `-100` is negative",
        ),
        (
            "organization:\n  limit: 10.005\n",
            ":2:10: `10.005` has more than two decimals",
        ),
        (
            "organization:\n  limit: ten\n",
            ":2:10: `ten` is not an amount",
        ),
    ] {
        let path = dir.path().join("budgets.yaml");
        std::fs::write(&path, body).unwrap();
        let before = fake.request_count();
        let output = run(&fake, &["budgets", "apply", path.to_str().unwrap(), "--yes"]);
        assert_eq!(output.status.code(), Some(1), "{}", text(&output));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(&format!("{}{expected}", path.display())),
            "{expected:?} not in {stderr}"
        );
        // File mistakes are found before any request; names after reads only.
        assert!(fake.requests().iter().all(|r| r.method == "GET"));
        if expected.contains("is negative") || expected.contains("decimals") || expected.contains("not an amount") {
            assert_eq!(fake.request_count(), before, "{body}");
        }
    }
    assert_eq!(fake.budgets(), Budgets::default());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_change_stops_the_apply_and_a_second_apply_finishes_it() {
    let fake = FakeApi::start().await;
    // The plan reads: the projects (1), the organization's limit and alerts (2), and each of the
    // three projects' (6). The 12th request is the third change.
    fake.fault_every(
        12,
        vec![Fault::error(400, "invalid_request_error", "refused", &[])],
    );
    let apply = run(&fake, &["budgets", "apply", EXAMPLE, "--yes"]);
    assert_eq!(apply.status.code(), Some(1), "{}", text(&apply));
    let said = text(&apply);
    assert!(
        said.contains("error: applied 2 of 9 change(s); failed at "),
        "{said}"
    );
    assert!(said.contains("The rest was not sent"), "{said}");
    assert_eq!(said.matches("applied: ").count(), 2, "{said}");
    fake.fault_every(1_000_000, Vec::new());

    let rest = run(&fake, &["budgets", "apply", EXAMPLE, "--yes"]);
    assert_eq!(rest.status.code(), Some(0), "{}", text(&rest));
    assert!(
        text(&rest).contains("Applied 7 change(s)."),
        "{}",
        text(&rest)
    );
    let done = run(&fake, &["budgets", "plan", EXAMPLE]);
    assert_eq!(done.status.code(), Some(0), "{}", text(&done));
}
