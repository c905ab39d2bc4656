//! The organization's budgets as state the fake keeps: hard spend limits (the organization's and
//! each project's) and spend alerts, read and written as OpenAI's API does. It starts from the
//! demo organization of [`crate::org`] and enforces what OpenAI documents for the writes:
//! `threshold_amount` a whole number of cents (at least 1 for a limit, at least 0 for an alert),
//! `currency` `USD`, `interval` `month`, an alert's `notification_channel` of `type: email` with
//! at least one recipient; an unknown project or alert is a 404.

use serde_json::{json, Value};

use crate::org::{self, Answer};

/// A spend alert.
#[derive(Clone, Debug, PartialEq)]
pub struct Alert {
    /// Its ID (`alert_...`).
    pub id: String,
    /// The threshold, in cents.
    pub cents: i64,
    /// Who is emailed.
    pub recipients: Vec<String>,
    /// The subject prefix of the emails, if set.
    pub subject_prefix: Option<String>,
}

/// Every spend limit and alert of the organization.
#[derive(Clone, Debug, PartialEq)]
pub struct Budgets {
    /// The organization's hard limit, in cents a month.
    pub organization_limit: Option<i64>,
    /// Projects' hard limits: (project, cents a month).
    pub project_limits: Vec<(String, i64)>,
    /// The organization's alerts.
    pub organization_alerts: Vec<Alert>,
    /// Projects' alerts: (project, alert).
    pub project_alerts: Vec<(String, Alert)>,
    /// The number of the next alert created.
    next_alert: u64,
}

impl Default for Budgets {
    /// The demo organization's budgets ([`org::ORGANIZATION_LIMIT_CENTS`] and the rest).
    fn default() -> Self {
        let alert = |id: &str, cents: i64| Alert {
            id: id.to_owned(),
            cents,
            recipients: vec!["finance@example.com".to_owned()],
            subject_prefix: None,
        };
        Budgets {
            organization_limit: Some(org::ORGANIZATION_LIMIT_CENTS),
            project_limits: org::PROJECT_LIMITS
                .iter()
                .map(|(p, c)| ((*p).to_owned(), *c))
                .collect(),
            organization_alerts: org::ORGANIZATION_ALERTS
                .iter()
                .map(|(id, c)| alert(id, *c))
                .collect(),
            project_alerts: org::PROJECT_ALERTS
                .iter()
                .map(|(p, id, c)| ((*p).to_owned(), alert(id, *c)))
                .collect(),
            next_alert: 1,
        }
    }
}

/// A request body that OpenAI would refuse: the parameter and why.
fn bad(param: &str, message: impl Into<String>) -> Answer {
    Answer::Bad(crate::data::bad(param, message.into()))
}

impl Budgets {
    /// The answer to `method` on a budget path (segments after `/v1`, decoded), `None` if the
    /// path is not one. `body` is the request's body.
    pub fn answer(
        &mut self,
        method: &str,
        segments: &[&str],
        body: &[u8],
        query: &crate::data::Query,
    ) -> Option<Answer> {
        let answer = match segments {
            ["organization", "spend_limit"] => self.limit(method, None, body),
            ["organization", "projects", project, "spend_limit"] => {
                if org::PROJECTS.iter().all(|p| p.id != *project) {
                    return Some(Answer::NotFound(format!("No such project: {project}")));
                }
                self.limit(method, Some(project), body)
            }
            ["organization", "spend_alerts"] => self.alerts(method, None, body, query),
            ["organization", "spend_alerts", id] => self.alert(method, None, id, body),
            ["organization", "projects", project, "spend_alerts", rest @ ..] => {
                if org::PROJECTS.iter().all(|p| p.id != *project) {
                    return Some(Answer::NotFound(format!("No such project: {project}")));
                }
                match rest {
                    [] => self.alerts(method, Some(project), body, query),
                    [id] => self.alert(method, Some(project), id, body),
                    _ => return None,
                }
            }
            _ => return None,
        };
        Some(answer)
    }

    fn limit(&mut self, method: &str, project: Option<&str>, body: &[u8]) -> Answer {
        let object = if project.is_some() {
            "project.spend_limit"
        } else {
            "organization.spend_limit"
        };
        let current = match project {
            None => self.organization_limit,
            Some(p) => self
                .project_limits
                .iter()
                .find(|(id, _)| id == p)
                .map(|(_, c)| *c),
        };
        let missing = || match project {
            None => Answer::NotFound("The organization has no hard spend limit.".into()),
            Some(p) => Answer::NotFound(format!("Project {p} has no hard spend limit.")),
        };
        match method {
            "GET" => current.map_or_else(missing, |c| Answer::Ok(limit(object, c))),
            "POST" => {
                let body = match parse(body) {
                    Ok(b) => b,
                    Err(e) => return e,
                };
                let cents = match threshold(&body, 1).and_then(|c| money_terms(&body).map(|()| c)) {
                    Ok(c) => c,
                    Err(e) => return e,
                };
                match project {
                    None => self.organization_limit = Some(cents),
                    Some(p) => match self.project_limits.iter_mut().find(|(id, _)| id == p) {
                        Some(slot) => slot.1 = cents,
                        None => self.project_limits.push((p.to_owned(), cents)),
                    },
                }
                Answer::Ok(limit(object, cents))
            }
            "DELETE" => {
                if current.is_none() {
                    return missing();
                }
                match project {
                    None => self.organization_limit = None,
                    Some(p) => self.project_limits.retain(|(id, _)| id != p),
                }
                Answer::Ok(json!({"object": format!("{object}.deleted"), "deleted": true}))
            }
            other => not_allowed(other),
        }
    }

    fn alerts(
        &mut self,
        method: &str,
        project: Option<&str>,
        body: &[u8],
        query: &crate::data::Query,
    ) -> Answer {
        let object = alert_object(project);
        match method {
            "GET" => {
                let items = self
                    .alerts_of(project)
                    .into_iter()
                    .map(|a| alert(object, a))
                    .collect();
                org::list(items, query, false)
            }
            "POST" => {
                let mut new = match alert_body(body) {
                    Ok(a) => a,
                    Err(e) => return e,
                };
                new.id = format!("alert_{:04}", self.next_alert);
                self.next_alert += 1;
                let answer = alert(object, &new);
                match project {
                    None => self.organization_alerts.push(new),
                    Some(p) => self.project_alerts.push((p.to_owned(), new)),
                }
                Answer::Ok(answer)
            }
            other => not_allowed(other),
        }
    }

    fn alert(&mut self, method: &str, project: Option<&str>, id: &str, body: &[u8]) -> Answer {
        let object = alert_object(project);
        let slot = match project {
            None => self.organization_alerts.iter_mut().find(|a| a.id == id),
            Some(p) => self
                .project_alerts
                .iter_mut()
                .find(|(owner, a)| owner == p && a.id == id)
                .map(|(_, a)| a),
        };
        let Some(slot) = slot else {
            return Answer::NotFound(format!("No such spend alert: {id}"));
        };
        match method {
            "GET" => Answer::Ok(alert(object, slot)),
            "POST" => {
                let new = match alert_body(body) {
                    Ok(a) => a,
                    Err(e) => return e,
                };
                *slot = Alert {
                    id: slot.id.clone(),
                    ..new
                };
                Answer::Ok(alert(object, slot))
            }
            "DELETE" => {
                match project {
                    None => self.organization_alerts.retain(|a| a.id != id),
                    Some(p) => self
                        .project_alerts
                        .retain(|(owner, a)| !(owner == p && a.id == id)),
                }
                Answer::Ok(
                    json!({"id": id, "object": format!("{object}.deleted"), "deleted": true}),
                )
            }
            other => not_allowed(other),
        }
    }

    fn alerts_of(&self, project: Option<&str>) -> Vec<&Alert> {
        match project {
            None => self.organization_alerts.iter().collect(),
            Some(p) => self
                .project_alerts
                .iter()
                .filter(|(owner, _)| owner == p)
                .map(|(_, a)| a)
                .collect(),
        }
    }
}

fn alert_object(project: Option<&str>) -> &'static str {
    if project.is_some() {
        "project.spend_alert"
    } else {
        "organization.spend_alert"
    }
}

/// Every budget path takes these.
fn not_allowed(_method: &str) -> Answer {
    Answer::NotAllowed("GET, POST, DELETE")
}

fn parse(body: &[u8]) -> Result<Value, Answer> {
    match serde_json::from_slice::<Value>(body) {
        Ok(v @ Value::Object(_)) => Ok(v),
        Ok(_) => Err(bad("body", "the request body must be a JSON object")),
        Err(e) => Err(bad("body", format!("the request body is not JSON: {e}"))),
    }
}

/// `threshold_amount`: a whole number of cents, at least `min`.
fn threshold(body: &Value, min: i64) -> Result<i64, Answer> {
    match body.get("threshold_amount") {
        None => Err(bad("threshold_amount", "Missing required parameter: 'threshold_amount'.")),
        Some(v) => match v.as_i64() {
            Some(c) if c >= min => Ok(c),
            _ => Err(bad(
                "threshold_amount",
                format!("Invalid 'threshold_amount': {v}. Expected an integer number of cents of at least {min}."),
            )),
        },
    }
}

/// `currency` must be `USD` and `interval` `month` (the only values OpenAI supports).
fn money_terms(body: &Value) -> Result<(), Answer> {
    for (name, only) in [("currency", "USD"), ("interval", "month")] {
        match body.get(name).and_then(Value::as_str) {
            Some(v) if v == only => {}
            Some(v) => {
                return Err(bad(
                    name,
                    format!("Invalid '{name}': '{v}'. Currently only '{only}' is supported."),
                ))
            }
            None => return Err(bad(name, format!("Missing required parameter: '{name}'."))),
        }
    }
    Ok(())
}

fn alert_body(body: &[u8]) -> Result<Alert, Answer> {
    let body = parse(body)?;
    let cents = threshold(&body, 0)?;
    money_terms(&body)?;
    let Some(channel) = body.get("notification_channel") else {
        return Err(bad(
            "notification_channel",
            "Missing required parameter: 'notification_channel'.",
        ));
    };
    if channel.get("type").and_then(Value::as_str) != Some("email") {
        return Err(bad(
            "notification_channel.type",
            "Invalid 'notification_channel.type': only 'email' is supported.",
        ));
    }
    let recipients: Vec<String> = match channel.get("recipients").and_then(Value::as_array) {
        Some(list) if !list.is_empty() => {
            let mut out = Vec::new();
            for r in list {
                match r.as_str() {
                    Some(email) if email.contains('@') => out.push(email.to_owned()),
                    _ => {
                        return Err(bad(
                            "notification_channel.recipients",
                            format!("Invalid recipient {r}: expected an email address."),
                        ))
                    }
                }
            }
            out
        }
        _ => {
            return Err(bad(
                "notification_channel.recipients",
                "'notification_channel.recipients' must list at least one email address.",
            ))
        }
    };
    let subject_prefix = match channel.get("subject_prefix") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            return Err(bad(
                "notification_channel.subject_prefix",
                format!("Invalid 'notification_channel.subject_prefix': {other}."),
            ))
        }
    };
    Ok(Alert {
        id: String::new(),
        cents,
        recipients,
        subject_prefix,
    })
}

fn limit(object: &str, cents: i64) -> Value {
    json!({
        "object": object, "threshold_amount": cents, "currency": "USD", "interval": "month",
        "enforcement": {"status": "inactive"},
    })
}

fn alert(object: &str, a: &Alert) -> Value {
    json!({
        "id": a.id, "object": object, "threshold_amount": a.cents, "currency": "USD",
        "interval": "month",
        "notification_channel": {
            "type": "email", "recipients": a.recipients, "subject_prefix": a.subject_prefix,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(b: &mut Budgets, method: &str, path: &str, body: &str) -> Answer {
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        b.answer(
            method,
            &segments,
            body.as_bytes(),
            &crate::data::Query::parse(""),
        )
        .expect("a budget path")
    }

    #[test]
    fn a_project_without_a_limit_is_a_404_until_one_is_written() {
        let mut b = Budgets::default();
        let path = "/organization/projects/proj_delta/spend_limit";
        assert!(matches!(call(&mut b, "GET", path, ""), Answer::NotFound(_)));
        let body = r#"{"threshold_amount": 300, "currency": "USD", "interval": "month"}"#;
        assert!(matches!(call(&mut b, "POST", path, body), Answer::Ok(_)));
        match call(&mut b, "GET", path, "") {
            Answer::Ok(v) => assert_eq!(v["threshold_amount"], 300),
            _ => panic!("the limit was written"),
        }
        assert!(matches!(call(&mut b, "DELETE", path, ""), Answer::Ok(_)));
        assert!(matches!(
            call(&mut b, "DELETE", path, ""),
            Answer::NotFound(_)
        ));
        assert!(matches!(
            call(&mut b, "GET", "/organization/projects/proj_nope/spend_limit", ""),
            Answer::NotFound(m) if m == "No such project: proj_nope"
        ));
    }

    #[test]
    fn what_openai_documents_is_enforced_and_a_refused_write_changes_nothing() {
        let mut b = Budgets::default();
        let before = b.clone();
        for (path, body, param) in [
            (
                "/organization/spend_limit",
                r#"{"threshold_amount": 0, "currency": "USD", "interval": "month"}"#,
                "threshold_amount",
            ),
            (
                "/organization/spend_limit",
                r#"{"threshold_amount": 1.5, "currency": "USD", "interval": "month"}"#,
                "threshold_amount",
            ),
            (
                "/organization/spend_limit",
                r#"{"threshold_amount": 10, "currency": "USD", "interval": "week"}"#,
                "interval",
            ),
            (
                "/organization/spend_alerts",
                r#"{"threshold_amount": -1, "currency": "USD", "interval": "month", "notification_channel": {"type": "email", "recipients": ["a@example.com"]}}"#,
                "threshold_amount",
            ),
            (
                "/organization/spend_alerts",
                r#"{"threshold_amount": 1, "currency": "USD", "interval": "month", "notification_channel": {"type": "email", "recipients": []}}"#,
                "notification_channel.recipients",
            ),
            (
                "/organization/spend_alerts",
                r#"{"threshold_amount": 1, "currency": "USD", "interval": "month", "notification_channel": {"type": "slack", "recipients": ["a@example.com"]}}"#,
                "notification_channel.type",
            ),
            ("/organization/spend_alerts", "not json", "body"),
        ] {
            match call(&mut b, "POST", path, body) {
                Answer::Bad(bad) => assert_eq!(bad.param, param, "{body}"),
                _ => panic!("accepted: {body}"),
            }
        }
        assert_eq!(b, before);
    }

    #[test]
    fn alerts_are_created_with_new_ids_updated_in_place_and_deleted() {
        let mut b = Budgets::default();
        let body = r#"{"threshold_amount": 100, "currency": "USD", "interval": "month", "notification_channel": {"type": "email", "recipients": ["a@example.com"], "subject_prefix": "[x]"}}"#;
        let Answer::Ok(created) = call(
            &mut b,
            "POST",
            "/organization/projects/proj_beta/spend_alerts",
            body,
        ) else {
            panic!("created")
        };
        let id = created["id"].as_str().unwrap().to_owned();
        assert_eq!(created["notification_channel"]["subject_prefix"], "[x]");
        let path = format!("/organization/projects/proj_beta/spend_alerts/{id}");
        let update = body.replace("100", "250");
        let Answer::Ok(updated) = call(&mut b, "POST", &path, &update) else {
            panic!("updated")
        };
        assert_eq!(
            (updated["id"].as_str(), updated["threshold_amount"].as_i64()),
            (Some(id.as_str()), Some(250))
        );
        // Another project's path does not reach it.
        assert!(matches!(
            call(
                &mut b,
                "GET",
                &format!("/organization/projects/proj_alpha/spend_alerts/{id}"),
                ""
            ),
            Answer::NotFound(_)
        ));
        assert!(matches!(call(&mut b, "DELETE", &path, ""), Answer::Ok(_)));
        assert!(matches!(
            call(&mut b, "GET", &path, ""),
            Answer::NotFound(_)
        ));
        assert_eq!(
            b.project_alerts.len(),
            Budgets::default().project_alerts.len()
        );
    }
}
