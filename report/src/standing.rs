//! Where each budget stands: a monthly hard limit is measured against the spend of its own month
//! so far (month to date, UTC, whatever period the report shows), with a straight-line forecast
//! to the end of the month and the alert thresholds already crossed.

use std::collections::BTreeMap;

use futures::TryStreamExt as _;
use openai_usage::rust_decimal::Decimal;
use openai_usage::{Client, UsageCostsGroupBy, UsageCostsParams, UsageResult};

use crate::dates::{civil as civil_from_days, days_from_civil, DAY};
use crate::money::Money;
use crate::{Budget, Failure};

/// A calendar month (UTC), as Unix seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Month {
    /// Its first second: the 1st at 00:00 UTC.
    pub start: i64,
    /// The first second of the next month.
    pub end: i64,
}

impl Month {
    /// The month `unix` falls in.
    pub fn of(unix: i64) -> Month {
        let days = unix.div_euclid(DAY);
        let (year, month, _) = civil_from_days(days);
        let start = days_from_civil(year, month, 1) * DAY;
        let (next_year, next_month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
        Month {
            start,
            end: days_from_civil(next_year, next_month, 1) * DAY,
        }
    }

    /// Its length in days.
    pub fn days(self) -> i64 {
        (self.end - self.start) / DAY
    }
}

/// One budget against its month so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Standing {
    /// The monthly hard limit, in cents, if one is set.
    pub limit_cents: Option<i64>,
    /// What was spent this month so far.
    pub spent: Money,
    /// The spend at the end of the month if it goes on at the pace so far (`None` in the
    /// month's first second, when there is no pace yet).
    pub forecast: Option<Money>,
    /// The alert thresholds (cents) the spend so far has reached.
    pub crossed: Vec<i64>,
    /// Every alert threshold (cents), ascending.
    pub alerts: Vec<i64>,
}

impl Standing {
    /// `budget`'s standing with `spent` so far in `month`, at `now`.
    pub fn of(budget: &Budget, spent: Money, month: Month, now: i64) -> Standing {
        let elapsed = (now - month.start).clamp(0, month.end - month.start);
        let forecast = (elapsed > 0).then(|| spent.scaled(month.end - month.start, elapsed));
        let crossed = budget
            .alert_cents
            .iter()
            .copied()
            .filter(|c| Money::from_cents(*c) <= spent)
            .collect();
        Standing {
            limit_cents: budget.limit_cents,
            spent,
            forecast,
            crossed,
            alerts: budget.alert_cents.clone(),
        }
    }

    /// The spend so far as a percentage of the limit.
    pub fn percent(&self) -> Option<f64> {
        let limit = self.limit_cents.filter(|c| *c > 0)?;
        Some(self.spent.percent_of_cents(limit))
    }

    /// The forecast as a percentage of the limit.
    pub fn forecast_percent(&self) -> Option<f64> {
        let limit = self.limit_cents.filter(|c| *c > 0)?;
        Some(self.forecast?.percent_of_cents(limit))
    }
}

/// The month so far: what each project (and the organization) spent since the 1st, and each
/// budget's standing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MonthToDate {
    /// The month's first second.
    pub start: i64,
    /// The next month's first second.
    pub end: i64,
    /// When it was measured.
    pub now: i64,
    /// Each project's standing (projects with a limit or alerts, or spend this month).
    pub projects: BTreeMap<String, Standing>,
    /// The organization's standing (all spend, attributed to a project or not).
    pub organization: Option<Standing>,
}

/// Costs per project from the 1st of `now`'s month to `now`, summed exactly; `None` is spend no
/// project holds.
pub async fn spend_this_month(
    client: &Client,
    now: i64,
) -> Result<BTreeMap<Option<String>, Money>, Failure> {
    let month = Month::of(now);
    let mut spent: BTreeMap<Option<String>, Money> = BTreeMap::new();
    if now <= month.start {
        return Ok(spent);
    }
    let params = UsageCostsParams::new(month.start)
        .end_time(now)
        .group_by([UsageCostsGroupBy::ProjectId])
        .limit(31);
    let mut buckets = client.usage_costs_buckets(params);
    while let Some(bucket) = buckets.try_next().await? {
        for cost in bucket
            .results
            .into_iter()
            .filter_map(UsageResult::into_costs)
        {
            let value = Money::from_decimal(cost.amount_value().unwrap_or_default());
            let slot = spent.entry(cost.project_id).or_default();
            *slot = slot
                .checked_add(value)
                .ok_or(Failure::Overflow(crate::Overflow {
                    what: "month-to-date costs",
                }))?;
        }
    }
    Ok(spent)
}

/// The month-to-date table: each project with a limit, alerts or spend this month, then the
/// organization. `shown` writes a project's name for a terminal.
pub fn render_table(
    month: &MonthToDate,
    currency: &str,
    shown: &dyn Fn(Option<&str>) -> String,
) -> String {
    let span = Month {
        start: month.start,
        end: month.end,
    };
    let elapsed_days = (month.now - month.start) as f64 / DAY as f64;
    let mut out = format!(
        "Month to date: {} to {} UTC ({:.1} of {} days). Each monthly hard limit against this month's spend, with a straight-line forecast to {}.\n\n",
        crate::dates::date(month.start),
        crate::dates::date_time(month.now),
        elapsed_days,
        span.days(),
        crate::dates::date(month.end - 1),
    );
    let columns: Vec<(String, bool)> = vec![
        ("Project".to_owned(), false),
        ("Limit / month".to_owned(), true),
        (format!("Spent ({currency})"), true),
        ("Of limit".to_owned(), true),
        ("Forecast".to_owned(), true),
        ("Of limit".to_owned(), true),
        ("Alerts (* crossed)".to_owned(), false),
    ];
    let line = |name: String, s: &Standing| {
        let percent = |p: Option<f64>| p.map_or(String::new(), |p| format!("{p:.1} %"));
        vec![
            name,
            s.limit_cents
                .map_or(String::new(), |c| Money::from_cents(c).to_grouped_cents()),
            s.spent.to_grouped_cents(),
            percent(s.percent()),
            s.forecast.map_or(String::new(), Money::to_grouped_cents),
            percent(s.forecast_percent()),
            s.alerts
                .iter()
                .map(|c| {
                    let mark = if s.crossed.contains(c) { "*" } else { "" };
                    format!("{}{mark}", Money::from_cents(*c).to_grouped_cents())
                })
                .collect::<Vec<_>>()
                .join(", "),
        ]
    };
    let mut lines: Vec<Vec<String>> = month
        .projects
        .iter()
        .map(|(id, s)| line(shown(Some(id)), s))
        .collect();
    if let Some(org) = &month.organization {
        lines.push(line("Organization".to_owned(), org));
    }
    out.push_str(&crate::table(&columns, &lines));
    out
}

/// The month-to-date standing as JSON: amounts as exact decimal strings, cents as integers.
pub fn json(report: &crate::Report, month: &MonthToDate) -> serde_json::Value {
    use serde_json::{json, Value};
    let one = |s: &Standing| {
        json!({
            "spend_limit_cents": s.limit_cents,
            "spent": s.spent.to_string(),
            "forecast": s.forecast.map(|f| f.to_cents_string()),
            "spent_percent_of_limit": s.percent().map(|p| (p * 10.0).round() / 10.0),
            "forecast_percent_of_limit": s.forecast_percent().map(|p| (p * 10.0).round() / 10.0),
            "spend_alert_cents": s.alerts,
            "crossed_alert_cents": s.crossed,
        })
    };
    let projects: Vec<Value> = month
        .projects
        .iter()
        .map(|(id, s)| {
            let mut v = one(s);
            v["id"] = Value::from(id.as_str());
            v["name"] = Value::from(report.name(Some(id)));
            v
        })
        .collect();
    json!({
        "start": crate::dates::date(month.start),
        "end": crate::dates::date(month.end - 1),
        "now": month.now,
        "projects": projects,
        "organization": month.organization.as_ref().map(one),
    })
}

/// The budgets whose forecast passes `percent` of their limit: (label, forecast percent).
pub fn over(report: &crate::Report, month: &MonthToDate, percent: f64) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    for (id, s) in &month.projects {
        if let Some(p) = s.forecast_percent().filter(|p| *p > percent) {
            out.push((format!("project {} ({id})", report.name(Some(id))), p));
        }
    }
    if let Some(p) = month
        .organization
        .as_ref()
        .and_then(Standing::forecast_percent)
        .filter(|p| *p > percent)
    {
        out.push(("the organization".to_owned(), p));
    }
    out
}

impl Money {
    /// `self × numerator / denominator`, exactly (to 28 digits).
    pub fn scaled(self, numerator: i64, denominator: i64) -> Money {
        let value = self.decimal() * Decimal::from(numerator) / Decimal::from(denominator);
        Money::from_decimal(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_have_their_calendar_lengths() {
        // 2024-11-16T12:00:00Z
        let m = Month::of(1_731_758_400);
        assert_eq!((m.start, m.end), (1_730_419_200, 1_733_011_200));
        assert_eq!(m.days(), 30);
        assert_eq!(Month::of(1_709_164_800).days(), 29, "February 2024");
        assert_eq!(
            Month::of(1_735_689_599).days(),
            31,
            "December 2024, its last second"
        );
        assert_eq!(Month::of(1_735_689_600).start, 1_735_689_600, "2025-01-01");
    }

    #[test]
    fn the_forecast_is_the_pace_so_far_to_the_end_of_the_month() {
        let budget = Budget {
            limit_cents: Some(100_000),
            currency: None,
            alert_cents: vec![20_000, 50_000, 90_000],
        };
        let month = Month::of(1_731_758_400);
        // 15.5 of 30 days gone, $500 spent: $967.74... at the end.
        let s = Standing::of(&budget, Money::parse("500").unwrap(), month, 1_731_758_400);
        assert_eq!(s.forecast.unwrap().to_cents_string(), "967.74");
        assert_eq!(
            s.crossed,
            [20_000, 50_000],
            "the $500 alert is reached exactly"
        );
        assert_eq!(s.percent(), Some(50.0));
        // In the month's first second there is no pace.
        assert_eq!(
            Standing::of(&budget, Money::default(), month, month.start).forecast,
            None
        );
    }
}
