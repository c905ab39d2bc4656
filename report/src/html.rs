//! `--format html`: one self-contained page to look at. Daily cost stacked by the grouping,
//! tokens over time, and each budget's month to date and forecast against its limit and
//! alerts, as inline SVG with inline CSS: no script, no font, no request of any kind (the page's
//! Content-Security-Policy forbids them). Every series has a pattern as well as a colour and is
//! named in a legend, so the charts read in grey; the numbers are in a table under each chart.
//! Everything that came from the organization (names) is escaped.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::money::Money;
use crate::standing::{MonthToDate, Standing};
use crate::{dates, grouped, safe, Cell, Overflow, Report};

/// How many groups get a series of their own; the rest are summed as "Other".
const SERIES: usize = 7;

/// Plot size in SVG units.
const WIDTH: f64 = 860.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 90.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;

/// Fill colours (Okabe–Ito, distinguishable with colour blindness) with a hatch per series.
const COLOURS: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999",
];

/// The page for `report`; `title` heads it (the period, as the table's heading says).
pub fn render(report: &Report, title: &str) -> Result<String, Overflow> {
    let mut body = String::new();
    let days: Vec<i64> = {
        let mut d: Vec<i64> = report.cells.keys().map(|(day, _)| *day).collect();
        d.dedup();
        d
    };
    if report.has_costs {
        let series = series(report, &days, |c| c.cost.unwrap_or_default())?;
        body.push_str(&section(
            "cost",
            &format!(
                "Daily cost ({}) by {}",
                report.currency.as_deref().unwrap_or("usd").to_uppercase(),
                report
                    .group_by
                    .map_or("group", |g| g.heading())
                    .to_lowercase()
            ),
            &stacked_chart("cost", &days, &series, report, Money::money_label),
            &series_table(&days, &series, report, Money::to_grouped_cents),
        ));
    }
    if report.has_tokens {
        let mut input = vec![Money::default(); days.len()];
        let mut output = vec![Money::default(); days.len()];
        let count = |n: i64| Money::from_decimal(n.into());
        for ((day, _), cell) in &report.cells {
            let i = days
                .iter()
                .position(|d| d == day)
                .expect("a day of the cells");
            input[i] = add(input[i], count(cell.input_tokens))?;
            output[i] = add(output[i], count(cell.output_tokens))?;
        }
        let series = vec![
            ("Input tokens".to_owned(), input),
            ("Output tokens".to_owned(), output),
        ];
        body.push_str(&section(
            "tokens",
            "Tokens per day (completions and decisions)",
            &stacked_chart("tokens", &days, &series, report, |v| {
                grouped(v.round() as i64)
            }),
            &series_table(&days, &series, report, |v| {
                grouped(v.decimal_f64().round() as i64)
            }),
        ));
    }
    if let Some(month) = &report.month {
        body.push_str(&section(
            "budgets",
            "Month to date against each monthly hard limit",
            &budget_chart(report, month),
            &budget_table(report, month),
        ));
    }
    let mut page = String::new();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n{body}</body>\n</html>\n",
        escape(title),
        escape(title),
    );
    Ok(page)
}

const STYLE: &str = "
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 960px; color: #111; background: #fff; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2.5rem; }
svg { display: block; width: 100%; height: auto; }
svg text { font-size: 12px; fill: #111; }
.axis line, .grid line { stroke: #bbb; } .grid line { stroke-dasharray: 2 3; }
.legend { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; margin: .5rem 0; font-size: .9rem; }
.legend svg { display: inline-block; width: 18px; height: 14px; vertical-align: -2px; margin-right: .3rem; }
table { border-collapse: collapse; font-size: .85rem; margin-top: .8rem; }
th, td { border-bottom: 1px solid #ddd; padding: .2rem .6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
";

fn section(id: &str, heading: &str, chart: &str, table: &str) -> String {
    format!(
        "<section id=\"{id}\">\n<h2>{}</h2>\n{chart}\n{table}\n</section>\n",
        escape(heading)
    )
}

/// The top groups by their sum (with "Other" for the rest), each a value per day.
fn series(
    report: &Report,
    days: &[i64],
    value: impl Fn(&Cell) -> Money,
) -> Result<Series, Overflow> {
    let mut by_group: BTreeMap<Option<String>, Vec<Money>> = BTreeMap::new();
    for ((day, id), cell) in &report.cells {
        let i = days
            .iter()
            .position(|d| d == day)
            .expect("a day of the cells");
        let slot = &mut by_group
            .entry(id.clone())
            .or_insert_with(|| vec![Money::default(); days.len()])[i];
        *slot = add(*slot, value(cell))?;
    }
    let mut ranked: Vec<(Option<String>, Vec<Money>, Money)> = Vec::new();
    for (id, values) in by_group {
        let sum = values
            .iter()
            .try_fold(Money::default(), |s, v| add(s, *v))?;
        ranked.push((id, values, sum));
    }
    ranked.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    let mut out: Series = Vec::new();
    let mut other = vec![Money::default(); days.len()];
    for (i, (id, values, _)) in ranked.into_iter().enumerate() {
        if i < SERIES {
            let mut name = report.name(id.as_deref());
            if id.as_deref().is_some_and(|id| report.archived.contains(id)) {
                name.push_str(" (archived)");
            }
            out.push((safe::visible(&name), values));
        } else {
            for (o, v) in other.iter_mut().zip(values) {
                *o = add(*o, v)?;
            }
        }
    }
    if other.iter().any(|v| *v != Money::default()) {
        out.push(("Other".to_owned(), other));
    }
    Ok(out)
}

/// Named series of exact values, one per day.
type Series = Vec<(String, Vec<Money>)>;

/// A checked sum.
fn add(a: Money, b: Money) -> Result<Money, Overflow> {
    a.checked_add(b).ok_or(Overflow {
        what: "the charted values",
    })
}

/// The pattern of series `i`: its colour, hatched a way of its own.
fn pattern(prefix: &str, i: usize) -> String {
    let colour = COLOURS[i % COLOURS.len()];
    let mark = match i % 8 {
        0 => String::new(),
        1 => "<path d=\"M0,8 L8,0\" stroke=\"#fff\" stroke-width=\"1.6\"/>".into(),
        2 => "<path d=\"M0,4 L8,4\" stroke=\"#fff\" stroke-width=\"1.6\"/>".into(),
        3 => "<circle cx=\"4\" cy=\"4\" r=\"1.6\" fill=\"#fff\"/>".into(),
        4 => "<path d=\"M4,0 L4,8\" stroke=\"#fff\" stroke-width=\"1.6\"/>".into(),
        5 => "<path d=\"M0,0 L8,8\" stroke=\"#fff\" stroke-width=\"1.6\"/>".into(),
        6 => "<path d=\"M0,8 L8,0 M0,0 L8,8\" stroke=\"#000\" stroke-width=\"1\"/>".into(),
        _ => "<path d=\"M0,4 L8,4 M4,0 L4,8\" stroke=\"#fff\" stroke-width=\"1.4\"/>".into(),
    };
    format!(
        "<pattern id=\"{prefix}-p{i}\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\"><rect width=\"8\" height=\"8\" fill=\"{colour}\"/>{mark}</pattern>"
    )
}

/// A round step for an axis up to `max`, and the axis' top.
fn scale(max: f64) -> (f64, f64) {
    if max <= 0.0 || !max.is_finite() {
        return (1.0, 4.0);
    }
    let rough = max / 4.0;
    let magnitude = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= rough)
        .unwrap_or(10.0 * magnitude);
    (step, (max / step).ceil() * step)
}

/// Bars per day, the series stacked, with a legend (swatch and name) above.
fn stacked_chart(
    id: &str,
    days: &[i64],
    series: &[(String, Vec<Money>)],
    report: &Report,
    label: fn(f64) -> String,
) -> String {
    let totals: Vec<f64> = (0..days.len())
        .map(|d| {
            series
                .iter()
                .map(|(_, v)| v[d].decimal_f64().max(0.0))
                .sum()
        })
        .collect();
    let (step, top) = scale(totals.iter().copied().fold(0.0, f64::max));
    let plot_h = HEIGHT - TOP - BOTTOM;
    let y = |v: f64| TOP + plot_h - v / top * plot_h;
    let slot = (WIDTH - LEFT - 10.0) / days.len().max(1) as f64;
    let bar = (slot * 0.7).max(1.0);
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart\" id=\"{id}-chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-labelledby=\"{id}-title\"><title id=\"{id}-title\">{}</title><defs>",
        escape(&format!("{} per day", series.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", ")))
    );
    for i in 0..series.len() {
        svg.push_str(&pattern(id, i));
    }
    svg.push_str("</defs><g class=\"grid\">");
    let mut tick = 0.0;
    while tick <= top + step / 2.0 {
        let _ = write!(
            svg,
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            WIDTH - 10.0,
            LEFT - 6.0,
            y(tick) + 4.0,
            escape(&label(tick)),
            y = y(tick)
        );
        tick += step;
    }
    svg.push_str("</g>");
    for (d, day) in days.iter().enumerate() {
        let x = LEFT + slot * d as f64 + (slot - bar) / 2.0;
        let mut base = 0.0;
        for (i, (name, values)) in series.iter().enumerate() {
            let v = values[d].decimal_f64().max(0.0);
            if v == 0.0 {
                continue;
            }
            let (y0, y1) = (y(base), y(base + v));
            let _ = write!(
                svg,
                "<rect x=\"{x:.1}\" y=\"{y1:.1}\" width=\"{bar:.1}\" height=\"{:.1}\" fill=\"url(#{id}-p{i})\" stroke=\"#fff\" stroke-width=\"0.5\"><title>{}</title></rect>",
                (y0 - y1).max(0.5),
                escape(&format!("{} {name}: {}", dates::date(*day), label(v)))
            );
            base += v;
        }
        // Every day labelled when there are few; otherwise about ten.
        let every = days.len().div_ceil(10).max(1);
        if d % every == 0 {
            let mut text = dates::date(*day)[5..].to_owned();
            if report.partial_days.contains(day) {
                text.push('*');
            }
            let _ = write!(
                svg,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{text}</text>",
                x + bar / 2.0,
                HEIGHT - BOTTOM + 16.0
            );
        }
    }
    let _ = write!(
        svg,
        "<g class=\"axis\"><line x1=\"{LEFT}\" x2=\"{LEFT}\" y1=\"{TOP}\" y2=\"{:.1}\"/><line x1=\"{LEFT}\" x2=\"{}\" y1=\"{:.1}\" y2=\"{:.1}\"/></g></svg>",
        TOP + plot_h,
        WIDTH - 10.0,
        TOP + plot_h,
        TOP + plot_h
    );
    let mut legend = String::from("<div class=\"legend\">");
    for (i, (name, _)) in series.iter().enumerate() {
        let _ = write!(
            legend,
            "<span><svg viewBox=\"0 0 18 14\"><rect width=\"18\" height=\"14\" fill=\"url(#{id}-p{i})\" stroke=\"#555\"/></svg>{}</span>",
            escape(name)
        );
    }
    legend.push_str("</div>");
    if !report.partial_days.is_empty() {
        legend.push_str("<p>* the current day, not over yet</p>");
    }
    format!("{legend}{svg}")
}

/// The chart's numbers: a row per day, a column per series.
fn series_table(
    days: &[i64],
    series: &[(String, Vec<Money>)],
    report: &Report,
    show: fn(Money) -> String,
) -> String {
    let mut out = String::from("<table><thead><tr><th>Day</th>");
    for (name, _) in series {
        let _ = write!(out, "<th>{}</th>", escape(name));
    }
    out.push_str("</tr></thead><tbody>");
    for (d, day) in days.iter().enumerate() {
        let mut date = dates::date(*day);
        if report.partial_days.contains(day) {
            date.push('*');
        }
        let _ = write!(out, "<tr><td>{date}</td>");
        for (_, values) in series {
            let _ = write!(out, "<td>{}</td>", show(values[d]));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

/// One row per budget: spent (solid), forecast (outlined), the limit (a line), the alerts
/// (ticks), each labelled in words as well.
fn budget_chart(report: &Report, month: &MonthToDate) -> String {
    let rows = budget_rows(report, month);
    let max = rows
        .iter()
        .flat_map(|(_, s)| {
            [
                s.spent.decimal_f64(),
                s.forecast.map_or(0.0, Money::decimal_f64),
                s.limit_cents.map_or(0.0, |c| c as f64 / 100.0),
            ]
            .into_iter()
            .chain(s.alerts.iter().map(|c| *c as f64 / 100.0))
        })
        .fold(0.0, f64::max);
    let (step, top) = scale(max);
    let left = 200.0;
    let row_h = 46.0;
    let height = TOP + row_h * rows.len() as f64 + 30.0;
    let x = |v: f64| left + v / top * (WIDTH - left - 20.0);
    let mut svg = format!(
        "<svg class=\"chart\" id=\"budgets-chart\" viewBox=\"0 0 {WIDTH} {height:.0}\" role=\"img\" aria-labelledby=\"budgets-title\"><title id=\"budgets-title\">Month to date and forecast against each limit</title><defs>{}</defs><g class=\"grid\">",
        pattern("budgets", 0)
    );
    let mut tick = 0.0;
    while tick <= top + step / 2.0 {
        let _ = write!(
            svg,
            "<line x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"{TOP}\" y2=\"{1:.1}\"/><text x=\"{0:.1}\" y=\"{2:.1}\" text-anchor=\"middle\">{3}</text>",
            x(tick),
            height - 24.0,
            height - 8.0,
            escape(&Money::money_label(tick))
        );
        tick += step;
    }
    svg.push_str("</g>");
    for (r, (name, s)) in rows.iter().enumerate() {
        let y0 = TOP + row_h * r as f64;
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            left - 8.0,
            y0 + 20.0,
            escape(&safe::fit(name, 28))
        );
        if let Some(forecast) = s.forecast {
            let _ = write!(
                svg,
                "<rect class=\"forecast\" x=\"{left}\" y=\"{:.1}\" width=\"{:.1}\" height=\"22\" fill=\"none\" stroke=\"#333\" stroke-dasharray=\"4 2\"><title>{}</title></rect>",
                y0 + 6.0,
                (x(forecast.decimal_f64()) - left).max(0.5),
                escape(&format!("{name}: forecast {}", Money::money_label(forecast.decimal_f64())))
            );
        }
        let _ = write!(
            svg,
            "<rect class=\"spent\" x=\"{left}\" y=\"{:.1}\" width=\"{:.1}\" height=\"14\" fill=\"url(#budgets-p0)\"><title>{}</title></rect>",
            y0 + 10.0,
            (x(s.spent.decimal_f64()) - left).max(0.5),
            escape(&format!("{name}: spent {}", Money::money_label(s.spent.decimal_f64())))
        );
        for alert in &s.alerts {
            let ax = x(*alert as f64 / 100.0);
            let _ = write!(
                svg,
                "<path class=\"alert\" d=\"M{ax:.1},{:.1} l-5,-7 h10 z\" fill=\"#E69F00\" stroke=\"#000\" stroke-width=\"0.7\"><title>{}</title></path>",
                y0 + 6.0,
                escape(&format!("{name}: alert at {}", Money::money_label(*alert as f64 / 100.0)))
            );
        }
        if let Some(limit) = s.limit_cents {
            let lx = x(limit as f64 / 100.0);
            let _ = write!(
                svg,
                "<line class=\"limit\" x1=\"{lx:.1}\" x2=\"{lx:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#D55E00\" stroke-width=\"3\"><title>{}</title></line><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"{}\">limit</text>",
                y0 + 2.0,
                y0 + 32.0,
                escape(&format!("{name}: limit {}", Money::money_label(limit as f64 / 100.0))),
                if lx > WIDTH - 60.0 { lx - 4.0 } else { lx + 4.0 },
                y0 + 42.0,
                if lx > WIDTH - 60.0 { "end" } else { "start" }
            );
        }
    }
    svg.push_str("</svg>");
    let legend = "<div class=\"legend\"><span>▮ hatched bar: spent this month</span><span>┆ dashed box: forecast at the month's end</span><span>┃ thick line: hard limit</span><span>▼ triangle: an alert</span></div>";
    format!("{legend}{svg}")
}

/// The budgets, projects first (by name), then the organization.
fn budget_rows<'a>(report: &Report, month: &'a MonthToDate) -> Vec<(String, &'a Standing)> {
    let mut rows: Vec<(String, &Standing)> = month
        .projects
        .iter()
        .map(|(id, s)| {
            let mut name = report.name(Some(id));
            if report.archived.contains(id) {
                name.push_str(" (archived)");
            }
            (safe::visible(&name), s)
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    if let Some(org) = &month.organization {
        rows.push(("Organization".to_owned(), org));
    }
    rows
}

fn budget_table(report: &Report, month: &MonthToDate) -> String {
    let mut out = format!(
        "<table><caption>{} to {} UTC</caption><thead><tr><th>Budget</th><th>Limit / month</th><th>Spent</th><th>Of limit</th><th>Forecast</th><th>Of limit</th><th>Alerts (* crossed)</th></tr></thead><tbody>",
        dates::date(month.start),
        dates::date_time(month.now)
    );
    let percent = |p: Option<f64>| p.map_or(String::new(), |p| format!("{p:.1} %"));
    for (name, s) in budget_rows(report, month) {
        let alerts: Vec<String> = s
            .alerts
            .iter()
            .map(|c| {
                let mark = if s.crossed.contains(c) { "*" } else { "" };
                format!("{}{mark}", Money::from_cents(*c).to_grouped_cents())
            })
            .collect();
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&name),
            s.limit_cents.map_or(String::new(), |c| Money::from_cents(c).to_grouped_cents()),
            s.spent.to_grouped_cents(),
            percent(s.percent()),
            s.forecast.map_or(String::new(), Money::to_grouped_cents),
            percent(s.forecast_percent()),
            alerts.join(", ")
        );
    }
    out.push_str("</tbody></table>");
    out
}

/// Text as HTML: `&`, `<`, `>`, `"` and `'` escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

impl Money {
    /// The amount as a float, for drawing only (never summed).
    pub fn decimal_f64(self) -> f64 {
        self.decimal().to_string().parse().unwrap_or(0.0)
    }

    /// A plotted amount as an axis shows it: `12,500` or `0.25`.
    fn money_label(value: f64) -> String {
        if value.abs() >= 100.0 || value == 0.0 {
            grouped(value.round() as i64)
        } else {
            format!("{value:.2}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_from_the_organization_cannot_become_markup() {
        assert_eq!(
            escape("<img src=x onerror=alert(1)> & \"q\" 'a'"),
            "&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot; &#39;a&#39;"
        );
    }

    #[test]
    fn axes_use_round_steps() {
        assert_eq!(scale(9_500.0), (2_500.0, 10_000.0));
        assert_eq!(scale(0.0), (1.0, 4.0));
        assert_eq!(scale(37.0), (10.0, 40.0));
    }
}
