//! The report from a store instead of the API: the same [`Report`] as [`crate::collect`]
//! builds, from what `sync` wrote, without a call. Sums are the store's (exact); days and
//! partial days, names, budgets and the month to date follow the live report's rules.

use std::collections::BTreeMap;

use openai_usage_store::read::{self, Column};
use openai_usage_store::streams::{Stream, DAY};
use openai_usage_store::Store;

use crate::{standing, Budget, Failure, GroupBy, Money, Report, Request};

impl GroupBy {
    /// The store column of this grouping.
    fn store_column(self) -> Column {
        match self {
            GroupBy::Project => Column::ProjectId,
            GroupBy::LineItem => Column::LineItem,
            GroupBy::Model => Column::Model,
            GroupBy::ApiKey => Column::ApiKeyId,
            GroupBy::User => Column::UserId,
            GroupBy::ApiSource => Column::ApiSource,
        }
    }

    /// The costs stream that has this grouping (OpenAI groups costs by user only without the
    /// project, so the store keeps both).
    fn cost_stream(self) -> Stream {
        if self == GroupBy::User {
            Stream::CostsByUser
        } else {
            Stream::Costs
        }
    }
}

/// Collects the report of organization `org` from `store`. Fails, saying which sync fills the
/// gap, when the store lacks a bucket of the period up to its last sync.
pub async fn collect_stored(
    store: &Store,
    org: &str,
    request: &Request,
) -> Result<Report, Failure> {
    let group_by = request.group_by;
    let (start, end, now) = (request.start, request.end, request.now);
    let mut report = Report {
        group_by: Some(group_by),
        has_costs: group_by.costs().is_some(),
        has_tokens: group_by.tokens().is_some(),
        ..Report::default()
    };
    let token_streams = [Stream::Completions, Stream::Decisions];
    let mut streams = Vec::new();
    if report.has_costs {
        streams.push(group_by.cost_stream());
    }
    if report.has_tokens {
        streams.extend(token_streams);
    }
    read::check_covered(store, org, &streams, start, end).await?;
    for (day, partial) in read::days(store, org, &streams, start, end).await? {
        if partial || day + DAY > now {
            report.partial_days.insert(day);
        }
    }
    let column = group_by.store_column();
    if report.has_costs {
        let (sums, currency) =
            read::costs(store, org, group_by.cost_stream(), column, start, end).await?;
        report.currency = currency;
        for (key, value) in sums {
            report
                .cells
                .entry(key)
                .or_default()
                .add_cost(Money::from_decimal(value))?;
        }
    }
    if report.has_tokens {
        for (key, t) in read::tokens(store, org, &token_streams, column, start, end).await? {
            report.cells.entry(key).or_default().add_tokens(
                t.requests,
                t.input_tokens,
                t.output_tokens,
            )?;
        }
    }
    match group_by {
        GroupBy::Project => {
            for project in read::projects(store, org).await? {
                if project.archived {
                    report.archived.insert(project.id.clone());
                }
                if let Some(name) = project.name {
                    report.names.insert(project.id, name);
                }
            }
            let month = standing::Month::of(now);
            let mut spent: BTreeMap<Option<String>, Money> = BTreeMap::new();
            if now > month.start {
                read::check_covered(store, org, &[Stream::Costs], month.start, now).await?;
                let (sums, _) = read::costs(
                    store,
                    org,
                    Stream::Costs,
                    Column::ProjectId,
                    month.start,
                    now,
                )
                .await?;
                for ((_, id), value) in sums {
                    let slot = spent.entry(id).or_default();
                    *slot =
                        slot.checked_add(Money::from_decimal(value))
                            .ok_or(crate::Overflow {
                                what: "month-to-date costs",
                            })?;
                }
            }
            let stored = read::budgets(store, org).await?;
            let budget_of = |scope: Option<&String>| {
                let found = stored.get(&scope.cloned()).cloned().unwrap_or_default();
                Budget {
                    limit_cents: found.limit.as_ref().map(|(cents, _)| *cents),
                    currency: found.limit.map(|(_, currency)| currency),
                    alert_cents: found.alert_cents,
                }
            };
            report.budgets = crate::collect::budgeted_projects(&report, &spent)
                .into_iter()
                .map(|id| (id.clone(), budget_of(Some(&id))))
                .collect();
            let organization = budget_of(None);
            report.month = Some(crate::collect::month_to_date(
                &report.budgets,
                &organization,
                &spent,
                now,
            )?);
        }
        GroupBy::ApiKey => {
            for key in read::api_keys(store, org).await? {
                let owner = key.owner_email.or(key
                    .owner_service_account
                    .map(|name| format!("service account {name}")));
                let name = match owner {
                    Some(owner) => format!("{} ({owner})", key.name),
                    None => key.name,
                };
                report.names.insert(key.id, name);
            }
        }
        GroupBy::User => report.names = read::user_names(store, org).await?.into_iter().collect(),
        GroupBy::LineItem | GroupBy::Model | GroupBy::ApiSource => {}
    }
    report.totals()?;
    report.total()?;
    Ok(report)
}
