//! The report itself: collect every bucket of the period (paging to the end) and total it per day
//! and per model, with the tool calls (file search, web search) of the period; render the totals
//! as aligned tables.

use std::collections::BTreeMap;

use futures::TryStreamExt;
use openai_usage::{
    Client, PageError, UsageCompletionsGroupBy, UsageCompletionsParams, UsageCostsParams,
    UsageFileSearchCallsParams, UsageResult, UsageWebSearchCallsParams,
};

/// Token usage of one model on one day.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tokens {
    /// Requests made.
    pub requests: i64,
    /// Input tokens (cached included).
    pub input: i64,
    /// Output tokens.
    pub output: i64,
}

/// What the report shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    /// Tokens per (day start, model).
    pub tokens: BTreeMap<(i64, String), Tokens>,
    /// Cost per day start, in the currency's units, with the currency.
    pub cost: BTreeMap<i64, f64>,
    /// The currency the costs are in (`usd`).
    pub currency: Option<String>,
    /// Tool calls over the period, per kind (`file search`, `web search`).
    pub tool_calls: BTreeMap<&'static str, i64>,
}

impl Report {
    /// Total cost over the period.
    pub fn total_cost(&self) -> f64 {
        // Not `sum()`: an empty `f64` sum is -0.0, which prints as "-0.00".
        self.cost.values().fold(0.0, |total, day| total + day)
    }

    /// Token totals over the period, all models.
    pub fn total_tokens(&self) -> Tokens {
        self.tokens.values().fold(Tokens::default(), |t, d| Tokens {
            requests: t.requests + d.requests,
            input: t.input + d.input,
            output: t.output + d.output,
        })
    }
}

/// Collects completions tokens (daily, by model) and costs (daily) for `[start, end)`, following
/// every page to the end.
pub async fn collect(client: &Client, start: i64, end: i64) -> Result<Report, PageError> {
    let mut report = Report::default();
    let completions = UsageCompletionsParams::new(start)
        .end_time(end)
        .group_by([UsageCompletionsGroupBy::Model])
        .limit(31);
    let mut buckets = client.usage_completions_buckets(completions);
    while let Some(bucket) = buckets.try_next().await? {
        for result in bucket.results {
            if let UsageResult::Completions(c) = result {
                let model = c.model.unwrap_or_else(|| "(all models)".to_owned());
                let day = report.tokens.entry((bucket.start_time, model)).or_default();
                day.requests += c.num_model_requests;
                day.input += c.input_tokens;
                day.output += c.output_tokens;
            }
        }
    }
    let costs = UsageCostsParams::new(start).end_time(end).limit(180);
    let mut buckets = client.usage_costs_buckets(costs);
    while let Some(bucket) = buckets.try_next().await? {
        let day = report.cost.entry(bucket.start_time).or_insert(0.0);
        for result in bucket.results {
            if let UsageResult::Costs(cost) = result {
                if let Some(amount) = cost.amount {
                    *day += amount.value.unwrap_or(0.0);
                    if report.currency.is_none() {
                        report.currency = amount.currency;
                    }
                }
            }
        }
    }
    let file_searches = UsageFileSearchCallsParams::new(start)
        .end_time(end)
        .limit(31);
    let mut buckets = client.usage_file_search_calls_buckets(file_searches);
    while let Some(bucket) = buckets.try_next().await? {
        for result in bucket.results {
            if let UsageResult::FileSearchCalls(f) = result {
                *report.tool_calls.entry("file search").or_default() += f.num_requests;
            }
        }
    }
    let web_searches = UsageWebSearchCallsParams::new(start)
        .end_time(end)
        .limit(31);
    let mut buckets = client.usage_web_search_calls_buckets(web_searches);
    while let Some(bucket) = buckets.try_next().await? {
        for result in bucket.results {
            if let UsageResult::WebSearchCalls(w) = result {
                *report.tool_calls.entry("web search").or_default() += w.num_requests;
            }
        }
    }
    Ok(report)
}

/// The report as two aligned tables.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let header = format!(
        "{:<10}  {:<24}  {:>9}  {:>14}  {:>14}\n",
        "Day", "Model", "Requests", "Input tokens", "Output tokens"
    );
    out.push_str(&header);
    out.push_str(&format!("{}\n", "-".repeat(header.trim_end().len())));
    for ((day, model), t) in &report.tokens {
        out.push_str(&format!(
            "{:<10}  {:<24}  {:>9}  {:>14}  {:>14}\n",
            date(*day),
            model,
            grouped(t.requests),
            grouped(t.input),
            grouped(t.output)
        ));
    }
    let total = report.total_tokens();
    out.push_str(&format!(
        "{:<10}  {:<24}  {:>9}  {:>14}  {:>14}\n\n",
        "Total",
        "",
        grouped(total.requests),
        grouped(total.input),
        grouped(total.output)
    ));
    let currency = report.currency.as_deref().unwrap_or("usd").to_uppercase();
    let header = format!("{:<10}  {:>14}\n", "Day", format!("Cost ({currency})"));
    out.push_str(&header);
    out.push_str(&format!("{}\n", "-".repeat(header.trim_end().len())));
    for (day, cost) in &report.cost {
        out.push_str(&format!("{:<10}  {:>14.2}\n", date(*day), cost));
    }
    out.push_str(&format!("{:<10}  {:>14.2}\n", "Total", report.total_cost()));
    if !report.tool_calls.is_empty() {
        let header = format!("\n{:<12}  {:>10}\n", "Tool", "Calls");
        out.push_str(&header);
        out.push_str(&format!("{}\n", "-".repeat(header.trim().len())));
        for (tool, calls) in &report.tool_calls {
            out.push_str(&format!("{tool:<12}  {:>10}\n", grouped(*calls)));
        }
    }
    out
}

/// `1234567` as `1,234,567`.
fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

/// A Unix time as its UTC date, `YYYY-MM-DD` (Howard Hinnant's days-to-civil algorithm).
pub fn date(unix: i64) -> String {
    let z = unix.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}
