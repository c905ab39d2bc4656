//! The organization behind the usage: projects (one archived), users, project API keys (owned by
//! users and by a service account), service accounts, admin API keys, spend limits and spend
//! alerts. Every project, user and key that appears in the usage data ([`crate::data`]) is here
//! with a name, so a report can put names to the IDs.
//!
//! Lists page the way OpenAI's do: `limit` items (20 by default, 1 to 100), `after` the ID of the
//! last item seen, and each page answers `first_id`, `last_id` and `has_more`.

use serde_json::{json, Value};

use crate::data::{BadRequest, Query};

/// A project.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Project {
    /// Its ID, as usage reports it.
    pub id: &'static str,
    /// Its name.
    pub name: &'static str,
    /// When it was created (Unix seconds).
    pub created_at: i64,
    /// When it was archived, if it was.
    pub archived_at: Option<i64>,
}

/// A user of the organization.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct User {
    /// Its ID, as usage reports it.
    pub id: &'static str,
    /// Its name.
    pub name: &'static str,
    /// Its email address.
    pub email: &'static str,
    /// `owner` or `reader`.
    pub role: &'static str,
}

/// Who owns a project API key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    /// A user, by ID.
    User(&'static str),
    /// A service account, by ID.
    ServiceAccount(&'static str),
}

/// A project API key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProjectKey {
    /// The project it belongs to.
    pub project: &'static str,
    /// Its ID, as usage reports it.
    pub id: &'static str,
    /// Its name.
    pub name: &'static str,
    /// Who owns it.
    pub owner: Owner,
}

/// A service account of a project.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServiceAccount {
    /// The project it belongs to.
    pub project: &'static str,
    /// Its ID.
    pub id: &'static str,
    /// Its name.
    pub name: &'static str,
}

/// The projects, in creation order.
pub const PROJECTS: &[Project] = &[
    Project {
        id: "proj_alpha",
        name: "Search ranking",
        created_at: 1_704_067_200,
        archived_at: None,
    },
    Project {
        id: "proj_beta",
        name: "Support assistant",
        created_at: 1_706_745_600,
        archived_at: None,
    },
    // Archived, but its past usage still counts: a report must list archived projects too.
    Project {
        id: "proj_gamma",
        name: "Q3 experiments",
        created_at: 1_709_251_200,
        archived_at: Some(1_730_419_200),
    },
    Project {
        id: "proj_delta",
        name: "Onboarding (new)",
        created_at: 1_732_406_400,
        archived_at: None,
    },
];

/// The users, in the order they joined.
pub const USERS: &[User] = &[
    User {
        id: "user_ann",
        name: "Ann Example",
        email: "ann@example.com",
        role: "owner",
    },
    User {
        id: "user_bob",
        name: "Bob Example",
        email: "bob@example.com",
        role: "reader",
    },
    User {
        id: "user_cat",
        name: "Cat Example",
        email: "cat@example.com",
        role: "reader",
    },
];

/// Project members: (project, user, role in the project).
pub const PROJECT_USERS: &[(&str, &str, &str)] = &[
    ("proj_alpha", "user_ann", "owner"),
    ("proj_alpha", "user_bob", "member"),
    ("proj_beta", "user_bob", "owner"),
    ("proj_gamma", "user_ann", "owner"),
    ("proj_delta", "user_cat", "owner"),
];

/// Service accounts.
pub const SERVICE_ACCOUNTS: &[ServiceAccount] = &[ServiceAccount {
    project: "proj_beta",
    id: "svc_acct_ci",
    name: "ci-bot",
}];

/// Project API keys.
pub const PROJECT_KEYS: &[ProjectKey] = &[
    ProjectKey {
        project: "proj_alpha",
        id: "key_main",
        name: "ranking-prod",
        owner: Owner::User("user_ann"),
    },
    ProjectKey {
        project: "proj_beta",
        id: "key_ci",
        name: "ci",
        owner: Owner::ServiceAccount("svc_acct_ci"),
    },
];

/// Admin API keys: (ID, name, owner user).
pub const ADMIN_KEYS: &[(&str, &str, &str)] = &[
    ("key_admin_finops", "FinOps export", "user_ann"),
    ("key_admin_audit", "Audit", "user_bob"),
];

/// The organization's hard spend limit, in cents a month: $1,000,000. The fake's projects spend
/// about $190,000 a month each, so the demo shows one project on its way past its limit.
pub const ORGANIZATION_LIMIT_CENTS: i64 = 100_000_000;

/// Projects with a hard spend limit: (project, cents a month). The others answer 404.
pub const PROJECT_LIMITS: &[(&str, i64)] = &[("proj_alpha", 30_000_000), ("proj_beta", 15_000_000)];

/// The organization's spend alerts: (ID, threshold in cents).
pub const ORGANIZATION_ALERTS: &[(&str, i64)] =
    &[("alert_org_80", 80_000_000), ("alert_org_95", 95_000_000)];

/// Project spend alerts: (project, ID, threshold in cents).
pub const PROJECT_ALERTS: &[(&str, &str, i64)] = &[
    ("proj_alpha", "alert_alpha_half", 15_000_000),
    ("proj_alpha", "alert_alpha_90", 27_000_000),
    ("proj_beta", "alert_beta_90", 13_500_000),
];

/// When every key and membership was created (Unix seconds).
const CREATED: i64 = 1_704_067_200;

/// What the organization endpoints answer: a JSON body, or an error.
pub enum Answer {
    /// 200 with this body.
    Ok(Value),
    /// A 400 about a parameter.
    Bad(BadRequest),
    /// A 404 with this message.
    NotFound(String),
    /// A 405: the path is one, the method is not one it takes (those it takes, for `allow`).
    NotAllowed(&'static str),
}

/// The answer to `GET path?query` for an organization endpoint, `None` if `path` is not one.
/// `path` is as sent (percent-encoded); each segment is decoded on its own, so an ID holding `/`
/// is looked up whole. With `repeat_cursor`, a page that has more points `last_id` back at the
/// request's own `after`.
pub fn answer(path: &str, query: &Query, repeat_cursor: bool) -> Option<Answer> {
    let segments: Vec<String> = path
        .strip_prefix('/')?
        .split('/')
        .map(crate::data::percent_decode)
        .collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let answer = match segments.as_slice() {
        ["organization", "projects"] => {
            let archived = query.one("include_archived") == Some("true");
            let items = PROJECTS
                .iter()
                .filter(|p| archived || p.archived_at.is_none())
                .map(project)
                .collect();
            list(items, query, repeat_cursor)
        }
        ["organization", "projects", id] => match find_project(id) {
            Some(p) => Answer::Ok(project(p)),
            None => no_project(id),
        },
        ["organization", "projects", id, what] => {
            let Some(p) = find_project(id) else {
                return Some(no_project(id));
            };
            match *what {
                "users" => list(
                    PROJECT_USERS
                        .iter()
                        .filter(|(proj, _, _)| *proj == p.id)
                        .filter_map(|(_, user, role)| {
                            let u = USERS.iter().find(|u| u.id == *user)?;
                            Some(json!({
                                "object": "organization.project.user",
                                "id": u.id, "name": u.name, "email": u.email,
                                "role": role, "added_at": CREATED,
                            }))
                        })
                        .collect(),
                    query,
                    repeat_cursor,
                ),
                "api_keys" => list(
                    PROJECT_KEYS
                        .iter()
                        .filter(|k| k.project == p.id)
                        .map(project_key)
                        .collect(),
                    query,
                    repeat_cursor,
                ),
                "service_accounts" => list(
                    SERVICE_ACCOUNTS
                        .iter()
                        .filter(|s| s.project == p.id)
                        .map(|s| {
                            json!({
                                "object": "organization.project.service_account",
                                "id": s.id, "name": s.name, "role": "member",
                                "created_at": CREATED,
                            })
                        })
                        .collect(),
                    query,
                    repeat_cursor,
                ),
                _ => return None,
            }
        }
        ["organization", "projects", id, "api_keys", key] => {
            match PROJECT_KEYS
                .iter()
                .find(|k| k.project == *id && k.id == *key)
            {
                Some(k) => Answer::Ok(project_key(k)),
                None if find_project(id).is_none() => no_project(id),
                None => Answer::NotFound(format!("No such API key: {key}")),
            }
        }
        ["organization", "users"] => {
            let emails = query.all("emails");
            let items = USERS
                .iter()
                .filter(|u| emails.is_empty() || emails.contains(&u.email))
                .map(user)
                .collect();
            list(items, query, repeat_cursor)
        }
        ["organization", "users", id] => match USERS.iter().find(|u| u.id == *id) {
            Some(u) => Answer::Ok(user(u)),
            None => Answer::NotFound(format!("No such user: {id}")),
        },
        ["organization", "admin_api_keys"] => list(
            ADMIN_KEYS
                .iter()
                .map(|(id, name, owner)| {
                    let u = USERS.iter().find(|u| u.id == *owner).expect("a user");
                    json!({
                        "object": "organization.admin_api_key",
                        "id": id, "name": name,
                        "redacted_value": "sk-admin-...abcd",
                        "created_at": CREATED, "expires_at": null, "last_used_at": null,
                        "owner": {
                            "type": "user", "object": "organization.user", "id": u.id,
                            "name": u.name, "created_at": CREATED, "role": u.role,
                        },
                    })
                })
                .collect(),
            query,
            repeat_cursor,
        ),
        _ => return None,
    };
    Some(answer)
}

fn find_project(id: &str) -> Option<&'static Project> {
    PROJECTS.iter().find(|p| p.id == id)
}

fn no_project(id: &str) -> Answer {
    Answer::NotFound(format!("No such project: {id}"))
}

fn project(p: &Project) -> Value {
    json!({
        "id": p.id, "object": "organization.project", "name": p.name,
        "created_at": p.created_at, "archived_at": p.archived_at,
        "status": if p.archived_at.is_some() { "archived" } else { "active" },
    })
}

fn user(u: &User) -> Value {
    json!({
        "object": "organization.user", "id": u.id, "name": u.name, "email": u.email,
        "role": u.role, "added_at": CREATED,
    })
}

fn project_key(k: &ProjectKey) -> Value {
    let owner = match k.owner {
        Owner::User(id) => {
            let u = USERS.iter().find(|u| u.id == id).expect("a user");
            json!({"type": "user", "user": {
                "id": u.id, "email": u.email, "name": u.name, "created_at": CREATED, "role": "owner",
            }})
        }
        Owner::ServiceAccount(id) => {
            let s = SERVICE_ACCOUNTS
                .iter()
                .find(|s| s.id == id)
                .expect("a service account");
            json!({"type": "service_account", "service_account": {
                "id": s.id, "name": s.name, "created_at": CREATED, "role": "member",
            }})
        }
    };
    json!({
        "object": "organization.project.api_key", "redacted_value": "sk-proj-...wxyz",
        "name": k.name, "created_at": CREATED, "last_used_at": null, "id": k.id,
        "owner_project_access": "active", "owner": owner,
    })
}

/// One page of `items` (each with an `id`): `limit` of them after the `after` item.
pub(crate) fn list(items: Vec<Value>, query: &Query, repeat_cursor: bool) -> Answer {
    let limit = match query.one("limit").map(str::parse::<i64>) {
        None => 20,
        Some(Ok(n)) if (1..=100).contains(&n) => n as usize,
        Some(_) => {
            return Answer::Bad(crate::data::bad(
                "limit",
                "limit must be an integer from 1 to 100".into(),
            ))
        }
    };
    let start = match query.one("after") {
        None => 0,
        Some(after) => match items.iter().position(|i| i["id"] == json!(after)) {
            Some(at) => at + 1,
            None => {
                return Answer::Bad(crate::data::bad(
                    "after",
                    format!("`{after}` is not the ID of an item of this list"),
                ))
            }
        },
    };
    let page: Vec<Value> = items.iter().skip(start).take(limit).cloned().collect();
    let has_more = start + page.len() < items.len();
    let id = |v: Option<&Value>| v.map_or(Value::Null, |v| v["id"].clone());
    let mut last_id = id(page.last());
    if repeat_cursor && has_more {
        if let Some(after) = query.one("after") {
            last_id = json!(after);
        }
    }
    Answer::Ok(json!({
        "object": "list",
        "data": page,
        "first_id": id(page.first()),
        "last_id": last_id,
        "has_more": has_more,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> Query {
        Query(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    fn ok(answer: Option<Answer>) -> Value {
        match answer {
            Some(Answer::Ok(body)) => body,
            _ => panic!("expected a 200"),
        }
    }

    #[test]
    fn lists_page_by_after_and_last_id() {
        let all = |q: &[(&str, &str)]| ok(answer("/organization/projects", &query(q), false));
        let first = all(&[("limit", "3"), ("include_archived", "true")]);
        assert_eq!(first["data"].as_array().unwrap().len(), 3);
        assert_eq!(first["has_more"], json!(true));
        assert_eq!(first["first_id"], json!("proj_alpha"));
        assert_eq!(first["last_id"], json!("proj_gamma"));
        let rest = all(&[
            ("limit", "3"),
            ("include_archived", "true"),
            ("after", "proj_gamma"),
        ]);
        assert_eq!(rest["data"][0]["id"], json!("proj_delta"));
        assert_eq!(rest["has_more"], json!(false));
        // Archived projects are left out unless asked for.
        let active = all(&[]);
        assert!(active["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["archived_at"].is_null()));
    }

    #[test]
    fn bad_paging_and_unknown_ids_are_refused() {
        for q in [
            [("limit", "0")],
            [("limit", "101")],
            [("after", "proj_nope")],
        ] {
            assert!(matches!(
                answer("/organization/users", &query(&q), false),
                Some(Answer::Bad(_))
            ));
        }
        assert!(matches!(
            answer("/organization/projects/proj%2Falpha", &query(&[]), false),
            Some(Answer::NotFound(m)) if m == "No such project: proj/alpha"
        ));
        assert!(answer("/organization/unknown", &query(&[]), false).is_none());
    }
}
