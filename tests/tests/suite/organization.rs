//! The organization reads (projects, users, keys, service accounts, spend limits and alerts)
//! against the local fake: the exact request line of each, path parameters that cannot change the
//! path whatever they hold, and list paging that delivers every item once, across faults, and
//! resumes from its cursor. Expected paths are written from the spec.

use std::time::Duration;

use futures::TryStreamExt;
use openai_usage::*;
use tests::fake::{org, FakeApi, Fault};

fn client(fake: &FakeApi) -> Client {
    Client::builder()
        .api_key("sk-admin-test")
        .base_url(fake.base_url())
        .initial_retry_delay(Duration::from_millis(1))
        .max_retry_delay(Duration::from_millis(5))
        .build()
        .unwrap()
}

/// `METHOD path?query` of the last request, the path relative to the base URL.
fn last_request(fake: &FakeApi) -> String {
    let r = fake.requests().pop().expect("a request was made");
    let path = r.path.strip_prefix("/v1").unwrap_or(&r.path).to_owned();
    if r.query.is_empty() {
        format!("{} {path}", r.method)
    } else {
        format!("{} {path}?{}", r.method, r.query)
    }
}

#[tokio::test]
async fn every_organization_read_sends_its_method_path_and_query() {
    let fake = FakeApi::start().await;
    let c = client(&fake);

    let page = c
        .list_projects(&ListProjectsParams::new().limit(2).include_archived(true))
        .await
        .unwrap();
    assert_eq!(
        last_request(&fake),
        "GET /organization/projects?limit=2&include_archived=true"
    );
    assert_eq!(page.data.len(), 2);
    assert!(page.has_more);
    assert_eq!(page.last_id.as_deref(), Some(page.data[1].id.as_str()));

    let project = c
        .retrieve_project(&RetrieveProjectParams::new("proj_gamma"))
        .await
        .unwrap();
    assert_eq!(last_request(&fake), "GET /organization/projects/proj_gamma");
    assert_eq!(project.name.as_deref(), Some("Q3 experiments"));
    assert!(project.archived_at.is_some());

    let users = c
        .list_users(&ListUsersParams::new().emails(["ann@example.com", "cat@example.com"]))
        .await
        .unwrap();
    assert_eq!(
        last_request(&fake),
        "GET /organization/users?emails=ann%40example.com&emails=cat%40example.com"
    );
    let emails: Vec<_> = users.data.iter().filter_map(|u| u.email.clone()).collect();
    assert_eq!(emails, ["ann@example.com", "cat@example.com"]);

    let user = c
        .retrieve_user(&RetrieveUserParams::new("user_bob"))
        .await
        .unwrap();
    assert_eq!(last_request(&fake), "GET /organization/users/user_bob");
    assert_eq!(user.email.as_deref(), Some("bob@example.com"));

    let members = c
        .list_project_users(&ListProjectUsersParams::new("proj_alpha").limit(100))
        .await
        .unwrap();
    assert_eq!(
        last_request(&fake),
        "GET /organization/projects/proj_alpha/users?limit=100"
    );
    assert_eq!(members.data.len(), 2);

    let keys = c
        .list_project_api_keys(
            &ListProjectApiKeysParams::new("proj_beta")
                .owner_project_access(OwnerProjectAccessFilter::Any),
        )
        .await
        .unwrap();
    assert_eq!(
        last_request(&fake),
        "GET /organization/projects/proj_beta/api_keys?owner_project_access=any"
    );
    let key = &keys.data[0];
    assert_eq!((key.id.as_str(), key.name.as_str()), ("key_ci", "ci"));
    assert_eq!(
        key.owner.r#type,
        Some(ProjectApiKeyOwnerType::ServiceAccount)
    );
    assert_eq!(
        key.owner.service_account.as_ref().map(|s| s.name.as_str()),
        Some("ci-bot")
    );

    let key = c
        .retrieve_project_api_key(&RetrieveProjectApiKeyParams::new("proj_alpha", "key_main"))
        .await
        .unwrap();
    assert_eq!(
        last_request(&fake),
        "GET /organization/projects/proj_alpha/api_keys/key_main"
    );
    assert_eq!(
        key.owner.user.map(|u| u.email),
        Some("ann@example.com".to_owned())
    );

    let accounts = c
        .list_project_service_accounts(&ListProjectServiceAccountsParams::new("proj_beta"))
        .await
        .unwrap();
    assert_eq!(
        last_request(&fake),
        "GET /organization/projects/proj_beta/service_accounts"
    );
    assert_eq!(accounts.data[0].name, "ci-bot");

    let admin_keys = c
        .list_admin_api_keys(&ListAdminApiKeysParams::new().order(ListOrder::Desc))
        .await
        .unwrap();
    assert_eq!(
        last_request(&fake),
        "GET /organization/admin_api_keys?order=desc"
    );
    assert_eq!(admin_keys.data.len(), org::ADMIN_KEYS.len());

    let limit = c
        .get_organization_spend_limit(&GetOrganizationSpendLimitParams::new())
        .await
        .unwrap();
    assert_eq!(last_request(&fake), "GET /organization/spend_limit");
    assert_eq!(limit.threshold_amount, org::ORGANIZATION_LIMIT_CENTS);
    assert_eq!(limit.currency.as_str(), "USD");

    let limit = c
        .get_project_spend_limit(&GetProjectSpendLimitParams::new("proj_beta"))
        .await
        .unwrap();
    assert_eq!(
        last_request(&fake),
        "GET /organization/projects/proj_beta/spend_limit"
    );
    assert_eq!(limit.threshold_amount, 15_000_000);
    assert_eq!(limit.enforcement.status.as_str(), "inactive");

    let alerts = c
        .list_organization_spend_alerts(&ListOrganizationSpendAlertsParams::new().limit(1))
        .await
        .unwrap();
    assert_eq!(
        last_request(&fake),
        "GET /organization/spend_alerts?limit=1"
    );
    assert_eq!(alerts.data[0].threshold_amount, 80_000_000);
    assert_eq!(alerts.data[0].currency, "USD");

    let alerts = c
        .list_project_spend_alerts(
            &ListProjectSpendAlertsParams::new("proj_alpha").after("alert_alpha_half"),
        )
        .await
        .unwrap();
    assert_eq!(
        last_request(&fake),
        "GET /organization/projects/proj_alpha/spend_alerts?after=alert_alpha_half"
    );
    assert_eq!(alerts.data.len(), 1);
    assert_eq!(alerts.data[0].id, "alert_alpha_90");
    assert!(!alerts.has_more);

    assert!(fake.requests().iter().all(|r| r.method == "GET"));
}

#[tokio::test]
async fn a_path_parameter_fills_exactly_one_segment_whatever_it_holds() {
    let fake = FakeApi::start().await;
    let c = client(&fake);
    // (value, how it must appear in the path): RFC 3986 unreserved characters stay, every
    // other byte is percent-encoded.
    let hostile = [
        ("../admin_api_keys", "..%2Fadmin_api_keys"),
        ("proj_alpha/users", "proj_alpha%2Fusers"),
        ("proj?limit=1#x", "proj%3Flimit%3D1%23x"),
        ("proj alpha", "proj%20alpha"),
        ("projé", "proj%C3%A9"),
        ("%2e%2e", "%252e%252e"),
        ("a+b;c", "a%2Bb%3Bc"),
    ];
    for (value, wire) in hostile {
        let result = c
            .get_project_spend_limit(&GetProjectSpendLimitParams::new(value))
            .await;
        assert_eq!(
            last_request(&fake),
            format!("GET /organization/projects/{wire}/spend_limit"),
            "{value}"
        );
        // The fake decoded one segment back to the value: no such project.
        match result {
            Err(Error::Api {
                status: 404,
                snippet,
                ..
            }) => assert!(snippet.contains("No such project"), "{value}: {snippet}"),
            other => panic!("{value}: expected a 404, got {other:?}"),
        }
    }
    let sent = fake.request_count();
    for value in ["", ".", ".."] {
        let error = c
            .retrieve_project(&RetrieveProjectParams::new(value))
            .await
            .unwrap_err();
        let Error::InvalidParam(invalid) = &error else {
            panic!("{value:?}: expected InvalidParam, got {error:?}");
        };
        assert_eq!(invalid.param(), "project_id");
        assert_eq!(invalid.operation(), "retrieve-project");
    }
    assert_eq!(fake.request_count(), sent, "nothing was sent");
}

#[tokio::test]
async fn list_paging_delivers_every_item_once_across_faults() {
    let fake = FakeApi::start().await;
    fake.fault_every(
        2,
        vec![
            Fault::error(
                429,
                "rate_limit_exceeded",
                "slow",
                &[("retry-after-ms", "1")],
            ),
            Fault::Drop,
            Fault::Truncate,
            Fault::error(503, "server_error", "busy", &[]),
        ],
    );
    let c = Client::builder()
        .api_key("sk-admin-test")
        .base_url(fake.base_url())
        .max_retries(4)
        .initial_retry_delay(Duration::from_millis(1))
        .build()
        .unwrap();
    // One project a page: four pages, each cursor the last ID of the page before.
    let projects: Vec<Project> = c
        .list_projects_items(ListProjectsParams::new().limit(1).include_archived(true))
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = projects.iter().map(|p| p.id.as_str()).collect();
    let expected: Vec<&str> = org::PROJECTS.iter().map(|p| p.id).collect();
    assert_eq!(ids, expected);
    let cursors: Vec<String> = fake
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/organization/projects"))
        .map(|r| r.query.clone())
        .collect();
    for id in &expected[..expected.len() - 1] {
        assert!(
            cursors.iter().any(|q| q.contains(&format!("after={id}"))),
            "{id}: {cursors:?}"
        );
    }

    // Users, two a page: three users over two pages.
    let users: Vec<User> = c
        .list_users_items(ListUsersParams::new().limit(2))
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = users.iter().map(|u| u.id.as_str()).collect();
    let expected: Vec<&str> = org::USERS.iter().map(|u| u.id).collect();
    assert_eq!(ids, expected);
}

#[tokio::test]
async fn a_failed_list_resumes_from_its_cursor() {
    let fake = FakeApi::start().await;
    let c = Client::builder()
        .api_key("sk-admin-test")
        .base_url(fake.base_url())
        .max_retries(0)
        .build()
        .unwrap();
    // The first page is answered; the second fails for good.
    let params = ListProjectsParams::new().limit(2).include_archived(true);
    let mut items = c.list_projects_items(params.clone());
    let mut got = Vec::new();
    got.push(items.try_next().await.unwrap().unwrap().id);
    got.push(items.try_next().await.unwrap().unwrap().id);
    fake.push_fault(Fault::error(500, "server_error", "down", &[]));
    let error = items.try_next().await.unwrap_err();
    let cursor = error.cursor().expect("a cursor to resume from").to_owned();
    assert_eq!(cursor, got[1], "the cursor is the last ID delivered");

    let rest: Vec<Project> = c
        .list_projects_items(params.after(cursor))
        .try_collect()
        .await
        .unwrap();
    got.extend(rest.into_iter().map(|p| p.id));
    let expected: Vec<&str> = org::PROJECTS.iter().map(|p| p.id).collect();
    assert_eq!(got, expected, "every project exactly once");
}

#[tokio::test]
async fn a_list_that_repeats_its_cursor_ends_with_an_error() {
    let fake = FakeApi::start().await;
    let c = client(&fake);
    // The first page is answered as it is; the second points back at its own cursor.
    fake.push_fault(Fault::Delay(Duration::ZERO));
    fake.push_fault(Fault::RepeatCursor);
    let result: Result<Vec<Project>, PageError> = c
        .list_projects_items(ListProjectsParams::new().limit(1).include_archived(true))
        .try_collect()
        .await;
    let error = result.unwrap_err();
    assert!(
        matches!(error.error(), Error::RepeatedCursor { cursor } if cursor == org::PROJECTS[0].id),
        "{error:?}"
    );
}

#[tokio::test]
async fn each_operation_is_sent_with_its_own_method() {
    use tests::golden::paths_and_methods::{client, params};
    let fake = FakeApi::start().await;
    let c = client::Client::builder()
        .api_key("sk-test")
        .base_url(fake.base_url())
        .max_retries(0)
        .build()
        .unwrap();

    let deleted = c.delete_thing(&params::DeleteThingParams::new("a/b")).await;
    let r = fake.requests().pop().unwrap();
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("DELETE", "/v1/things/a%2Fb")
    );
    // The fake serves reads only.
    assert!(
        matches!(deleted, Err(tests::runtime::Error::Api { status: 405, .. })),
        "{deleted:?}"
    );

    let _ = c.get_thing(&params::GetThingParams::new("x y")).await;
    let r = fake.requests().pop().unwrap();
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("GET", "/v1/things/x%20y")
    );

    let _ = c
        .get_slot(&params::GetSlotParams::new("top shelf", -3))
        .await;
    let r = fake.requests().pop().unwrap();
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("GET", "/v1/shelves/top%20shelf/slots/-3")
    );
}

/// The body of the last request, as JSON.
fn last_body(fake: &FakeApi) -> serde_json::Value {
    let r = fake.requests().pop().expect("a request was made");
    serde_json::from_slice(&r.body).expect("a JSON body")
}

fn alert_body(cents: i64, to: &str) -> CreateSpendAlertBody {
    CreateSpendAlertBody::new(cents, SpendAlertNotificationChannel::new([to]))
}

#[tokio::test]
async fn spend_alert_writes_send_the_json_the_spec_describes_and_the_fake_keeps_them() {
    let fake = FakeApi::start().await;
    let c = client(&fake);

    let created = c
        .create_project_spend_alert(&CreateProjectSpendAlertParams::new(
            "proj_alpha",
            alert_body(5_000, "ops@example.com"),
        ))
        .await
        .unwrap();
    assert_eq!(
        last_request(&fake),
        "POST /organization/projects/proj_alpha/spend_alerts"
    );
    // Written from `CreateSpendAlertBody`: the one-value `currency` and `interval` always sent,
    // the channel's constant `type`, and the unset `subject_prefix` left out (not `null`).
    assert_eq!(
        last_body(&fake),
        serde_json::json!({
            "threshold_amount": 5000, "currency": "USD", "interval": "month",
            "notification_channel": {"type": "email", "recipients": ["ops@example.com"]},
        })
    );
    let sent = fake.requests().pop().unwrap();
    assert!(
        sent.headers
            .iter()
            .any(|(k, v)| k == "content-type" && v == "application/json"),
        "{:?}",
        sent.headers
    );
    assert_eq!(created.threshold_amount, 5_000);
    let id = created.id.clone();

    let read = c
        .retrieve_project_spend_alert(&RetrieveProjectSpendAlertParams::new("proj_alpha", &*id))
        .await
        .unwrap();
    assert_eq!(read.notification_channel.recipients, ["ops@example.com"]);

    let updated = c
        .update_project_spend_alert(&UpdateProjectSpendAlertParams::new(
            "proj_alpha",
            &*id,
            CreateSpendAlertBody::new(
                7_500,
                SpendAlertNotificationChannel::new(["ops@example.com"]).subject_prefix("[budget]"),
            ),
        ))
        .await
        .unwrap();
    assert_eq!(
        last_request(&fake),
        format!("POST /organization/projects/proj_alpha/spend_alerts/{id}")
    );
    assert_eq!(
        last_body(&fake)["notification_channel"]["subject_prefix"],
        "[budget]"
    );
    assert_eq!(updated.threshold_amount, 7_500);
    let listed = c
        .list_project_spend_alerts(&ListProjectSpendAlertsParams::new("proj_alpha"))
        .await
        .unwrap();
    assert!(listed
        .data
        .iter()
        .any(|a| a.id == id && a.threshold_amount == 7_500));

    let deleted = c
        .delete_project_spend_alert(&DeleteProjectSpendAlertParams::new("proj_alpha", &*id))
        .await
        .unwrap();
    assert_eq!(
        last_request(&fake),
        format!("DELETE /organization/projects/proj_alpha/spend_alerts/{id}")
    );
    assert!(deleted.deleted);
    let gone = c
        .retrieve_project_spend_alert(&RetrieveProjectSpendAlertParams::new("proj_alpha", &*id))
        .await
        .unwrap_err();
    assert_eq!(gone.status(), Some(404), "{gone}");

    // The organization's alerts, likewise.
    let org_alert = c
        .create_organization_spend_alert(&CreateOrganizationSpendAlertParams::new(alert_body(
            900_000,
            "cfo@example.com",
        )))
        .await
        .unwrap();
    assert_eq!(last_request(&fake), "POST /organization/spend_alerts");
    c.delete_organization_spend_alert(&DeleteOrganizationSpendAlertParams::new(&*org_alert.id))
        .await
        .unwrap();
    assert!(fake
        .budgets()
        .organization_alerts
        .iter()
        .all(|a| a.id != org_alert.id));
}

#[tokio::test]
async fn spend_limit_writes_replace_and_delete_the_limit() {
    let fake = FakeApi::start().await;
    let c = client(&fake);

    // proj_gamma has no limit; a write creates it.
    let set = c
        .update_project_spend_limit(&UpdateProjectSpendLimitParams::new(
            "proj_gamma",
            UpdateProjectSpendLimitBody::new(12_345),
        ))
        .await
        .unwrap();
    assert_eq!(
        last_request(&fake),
        "POST /organization/projects/proj_gamma/spend_limit"
    );
    assert_eq!(
        last_body(&fake),
        serde_json::json!({"threshold_amount": 12345, "currency": "USD", "interval": "month"})
    );
    assert_eq!(set.threshold_amount, 12_345);
    let read = c
        .get_project_spend_limit(&GetProjectSpendLimitParams::new("proj_gamma"))
        .await
        .unwrap();
    assert_eq!(read.threshold_amount, 12_345);
    c.delete_project_spend_limit(&DeleteProjectSpendLimitParams::new("proj_gamma"))
        .await
        .unwrap();
    assert_eq!(
        last_request(&fake),
        "DELETE /organization/projects/proj_gamma/spend_limit"
    );
    let gone = c
        .get_project_spend_limit(&GetProjectSpendLimitParams::new("proj_gamma"))
        .await
        .unwrap_err();
    assert_eq!(gone.status(), Some(404), "{gone}");

    c.update_organization_spend_limit(&UpdateOrganizationSpendLimitParams::new(
        UpdateOrganizationSpendLimitBody::new(2_000_000),
    ))
    .await
    .unwrap();
    assert_eq!(fake.budgets().organization_limit, Some(2_000_000));
    c.delete_organization_spend_limit(&DeleteOrganizationSpendLimitParams::new())
        .await
        .unwrap();
    assert_eq!(fake.budgets().organization_limit, None);
    // A project that does not exist is the server's 404, not a limit.
    let missing = c
        .update_project_spend_limit(&UpdateProjectSpendLimitParams::new(
            "proj_nope",
            UpdateProjectSpendLimitBody::new(1),
        ))
        .await
        .unwrap_err();
    assert_eq!(missing.status(), Some(404), "{missing}");
}

#[tokio::test]
async fn a_body_outside_the_spec_is_refused_before_anything_is_sent() {
    let fake = FakeApi::start().await;
    let c = client(&fake);
    // `UpdateOrganizationSpendLimitBody.threshold_amount` has `minimum: 1`.
    let error = c
        .update_organization_spend_limit(&UpdateOrganizationSpendLimitParams::new(
            UpdateOrganizationSpendLimitBody::new(0),
        ))
        .await
        .unwrap_err();
    let Error::InvalidParam(invalid) = &error else {
        panic!("not refused before sending: {error}")
    };
    assert_eq!(invalid.param(), "body.threshold_amount");
    assert_eq!(invalid.operation(), "Updateorganizationspendlimit");
    assert!(
        error.to_string().contains("0 is below the minimum, 1"),
        "{error}"
    );
    // `CreateSpendAlertBody.threshold_amount` has `minimum: 0`.
    let error = c
        .create_organization_spend_alert(&CreateOrganizationSpendAlertParams::new(alert_body(
            -1,
            "a@example.com",
        )))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::InvalidParam(p) if p.param() == "body.threshold_amount"),
        "{error}"
    );
    assert_eq!(fake.request_count(), 0);
    assert_eq!(fake.budgets(), tests::fake::budgets::Budgets::default());
}

#[tokio::test]
async fn a_create_is_not_retried_after_an_answer_that_may_follow_the_change_but_an_idempotent_write_is(
) {
    let fake = FakeApi::start().await;
    let c = client(&fake);
    let params = CreateOrganizationSpendAlertParams::new(alert_body(1_000, "a@example.com"));

    // A 500 may come after the alert was made: not sent again.
    fake.push_fault(Fault::error(500, "server_error", "boom", &[]));
    let error = c
        .create_organization_spend_alert(&params)
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(500), "{error}");
    assert_eq!(fake.request_count(), 1);

    // A 429 comes before any work: sent again.
    fake.push_fault(Fault::error(429, "rate_limit_exceeded", "slow down", &[]));
    c.create_organization_spend_alert(&params).await.unwrap();
    assert_eq!(fake.request_count(), 3);

    // A dropped connection after sending: not sent again.
    fake.push_fault(Fault::Drop);
    assert!(c.create_organization_spend_alert(&params).await.is_err());
    assert_eq!(fake.request_count(), 4);

    // Create-or-replace is idempotent (`x-idempotent`): a 500 is retried.
    fake.push_fault(Fault::error(500, "server_error", "boom", &[]));
    c.update_organization_spend_limit(&UpdateOrganizationSpendLimitParams::new(
        UpdateOrganizationSpendLimitBody::new(5_000),
    ))
    .await
    .unwrap();
    assert_eq!(fake.request_count(), 6);
    assert_eq!(fake.budgets().organization_limit, Some(5_000));
    // The faults answer before the fake acts: only the retried create made an alert.
    assert_eq!(
        fake.budgets().organization_alerts.len(),
        tests::fake::budgets::Budgets::default()
            .organization_alerts
            .len()
            + 1
    );
}
