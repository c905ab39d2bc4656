//! Writing the report: its rows' columns per grouping, CSV, JSON and aligned tables.

use crate::{dates, safe, standing, Cell, GroupBy, Overflow, Report};

/// The columns of the report's rows, for its grouping: a column is there with a real value in
/// every row, or not there at all (no made-up zeros, no empty strings).
///
/// - `date` (`YYYY-MM-DD`, UTC), `partial_day` (the current day, not over yet);
/// - `id` (empty for usage the API attributed to no group), `name` (the organization's name for
///   it, or the ID when it has none);
/// - `archived` (with `--group-by project`): whether the project is archived;
/// - `cost` (an exact decimal) and `currency`, where the API reports costs for the grouping
///   (not per model);
/// - `requests`, `input_tokens`, `output_tokens` (completions and decisions), where it reports
///   tokens (not per line item).
pub fn columns(report: &Report) -> Vec<&'static str> {
    let mut columns = vec!["date", "partial_day", "id", "name"];
    if report.group_by == Some(GroupBy::Project) {
        columns.push("archived");
    }
    if report.has_costs {
        columns.extend(["cost", "currency"]);
    }
    if report.has_tokens {
        columns.extend(["requests", "input_tokens", "output_tokens"]);
    }
    columns
}

/// The rows of the report, by day, then group ID: one value per [`columns`] entry.
pub fn rows(report: &Report) -> Vec<Vec<serde_json::Value>> {
    use serde_json::Value;
    let columns = columns(report);
    report
        .cells
        .iter()
        .map(|((day, id), cell)| {
            columns
                .iter()
                .map(|column| match *column {
                    "date" => Value::from(dates::date(*day)),
                    "partial_day" => Value::from(report.partial_days.contains(day)),
                    "id" => Value::from(id.clone().unwrap_or_default()),
                    "name" => Value::from(report.name(id.as_deref())),
                    "archived" => {
                        Value::from(id.as_ref().is_some_and(|id| report.archived.contains(id)))
                    }
                    "cost" => Value::from(cell.cost.unwrap_or_default().to_string()),
                    "currency" => Value::from(report.currency.clone().unwrap_or_default()),
                    "requests" => Value::from(cell.requests),
                    "input_tokens" => Value::from(cell.input_tokens),
                    "output_tokens" => Value::from(cell.output_tokens),
                    other => unreachable!("`columns` lists no `{other}`"),
                })
                .collect()
        })
        .collect()
}

/// How CSV cells of text from the API are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CsvCells {
    /// A cell that starts with `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`,
    /// so a spreadsheet shows it as text instead of running it as a formula (OWASP's rule).
    Neutralized,
    /// As the API sent them (for programs that read the CSV, not spreadsheets).
    Raw,
}

/// The report as CSV: a header ([`columns`]), then one row per day and group, with IDs and
/// names.
pub fn render_csv(report: &Report, cells: CsvCells) -> Result<String, csv::Error> {
    let columns = columns(report);
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&columns)?;
    for row in rows(report) {
        let record = columns.iter().zip(row).map(|(column, value)| {
            let text = match value {
                serde_json::Value::String(text) => text,
                other => other.to_string(),
            };
            // Text that came from the API is made inert for spreadsheets.
            let from_api = matches!(*column, "id" | "name" | "currency");
            if from_api && cells == CsvCells::Neutralized {
                safe::csv_cell(&text)
            } else {
                text
            }
        });
        writer.write_record(record)?;
    }
    let bytes = writer.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8(bytes).expect("CSV of UTF-8 text"))
}

/// The report as JSON: the rows (objects with the [`columns`] as keys), and the per-group
/// totals with the same measures, and budgets with `--group-by project`.
pub fn render_json(report: &Report) -> Result<String, Overflow> {
    use serde_json::{Map, Value};
    let columns = columns(report);
    let rows: Vec<Value> = rows(report)
        .into_iter()
        .map(|row| Value::Object(columns.iter().map(|c| c.to_string()).zip(row).collect()))
        .collect();
    let mut groups = Vec::new();
    for (id, cell) in report.totals()? {
        let mut group = Map::new();
        group.insert("id".into(), Value::from(id.clone().unwrap_or_default()));
        group.insert("name".into(), Value::from(report.name(id.as_deref())));
        if report.group_by == Some(GroupBy::Project) {
            let archived = id.as_ref().is_some_and(|id| report.archived.contains(id));
            group.insert("archived".into(), Value::from(archived));
        }
        if report.has_costs {
            group.insert(
                "cost".into(),
                Value::from(cell.cost.unwrap_or_default().to_string()),
            );
        }
        if report.has_tokens {
            group.insert("requests".into(), Value::from(cell.requests));
            group.insert("input_tokens".into(), Value::from(cell.input_tokens));
            group.insert("output_tokens".into(), Value::from(cell.output_tokens));
        }
        if report.group_by == Some(GroupBy::Project) {
            let budget = id.as_ref().and_then(|id| report.budgets.get(id));
            group.insert(
                "spend_limit_cents".into(),
                budget
                    .and_then(|b| b.limit_cents)
                    .map_or(Value::Null, Value::from),
            );
            group.insert(
                "spend_alert_cents".into(),
                Value::from(budget.map(|b| b.alert_cents.clone()).unwrap_or_default()),
            );
        }
        groups.push(Value::Object(group));
    }
    let mut value = Map::new();
    value.insert(
        "group_by".into(),
        Value::from(report.group_by.map(GroupBy::column)),
    );
    if report.has_costs {
        value.insert("currency".into(), Value::from(report.currency.clone()));
    }
    if let Some(month) = &report.month {
        value.insert("month_to_date".into(), standing::json(report, month));
    }
    value.insert("columns".into(), Value::from(columns));
    value.insert("rows".into(), Value::from(rows));
    value.insert("groups".into(), Value::from(groups));
    let mut text =
        serde_json::to_string_pretty(&Value::Object(value)).expect("JSON of plain values");
    text.push('\n');
    Ok(text)
}

/// The widest a name is shown in a table, in terminal columns; longer ones end with `…` (CSV
/// and JSON carry them whole).
pub const NAME_COLUMNS: usize = 48;

/// The report as aligned tables: per day and group, then totals per group (with each project's
/// spend against its limit). Names are shown with their control and direction-changing
/// characters written as escapes, and cut at [`NAME_COLUMNS`].
pub fn render_table(report: &Report) -> Result<String, Overflow> {
    let group = report.group_by.map_or("Group", GroupBy::heading);
    let shown = |id: Option<&str>| {
        let mut name = report.name(id);
        if id.is_some_and(|id| report.archived.contains(id)) {
            name.push_str(" (archived)");
        }
        safe::fit(&safe::visible(&name), NAME_COLUMNS)
    };
    let currency = report.currency.as_deref().unwrap_or("usd").to_uppercase();
    let mut out = String::new();
    let mut columns = vec![("Day".to_owned(), false), (group.to_owned(), false)];
    columns.extend(measure_columns(report, &currency));
    let cells = |cell: &Cell| {
        let mut v = Vec::new();
        if report.has_costs {
            v.push(cell.cost.unwrap_or_default().to_grouped_cents());
        }
        if report.has_tokens {
            v.push(grouped(cell.requests));
            v.push(grouped(cell.input_tokens));
            v.push(grouped(cell.output_tokens));
        }
        v
    };
    let mut lines: Vec<Vec<String>> = Vec::new();
    for ((day, id), cell) in &report.cells {
        let mut date = dates::date(*day);
        if report.partial_days.contains(day) {
            date.push('*');
        }
        let mut line = vec![date, shown(id.as_deref())];
        line.extend(cells(cell));
        lines.push(line);
    }
    out.push_str(&table(&columns, &lines));
    if report.partial_days.is_empty() {
        out.push('\n');
    } else {
        out.push_str("* the current day, not over yet\n\n");
    }

    let mut columns = vec![(group.to_owned(), false)];
    columns.extend(measure_columns(report, &currency));
    let mut lines = Vec::new();
    for (id, cell) in report.totals()? {
        let mut line = vec![shown(id.as_deref())];
        line.extend(cells(&cell));
        lines.push(line);
    }
    let mut total = vec!["Total".to_owned()];
    total.extend(cells(&report.total()?));
    lines.push(total);
    out.push_str(&table(&columns, &lines));
    if let Some(month) = &report.month {
        out.push('\n');
        out.push_str(&standing::render_table(month, &currency, &shown));
    }
    Ok(out)
}

/// The columns of what is measured (cost, tokens), as far as the grouping reports them; numbers,
/// so right-aligned.
fn measure_columns(report: &Report, currency: &str) -> Vec<(String, bool)> {
    let mut columns = Vec::new();
    if report.has_costs {
        columns.push((format!("Cost ({currency})"), true));
    }
    if report.has_tokens {
        for c in ["Requests", "Input tokens", "Output tokens"] {
            columns.push((c.to_owned(), true));
        }
    }
    columns
}

/// An aligned table: a header, a rule, the lines; right-aligned columns are numbers.
pub(crate) fn table(columns: &[(String, bool)], lines: &[Vec<String>]) -> String {
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, (title, _))| {
            lines
                .iter()
                .map(|l| safe::width(&l[i]))
                .chain([safe::width(title)])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<&str>| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                text.push_str("  ");
            }
            let pad = widths[i].saturating_sub(safe::width(cell));
            if columns[i].1 {
                text.push_str(&" ".repeat(pad));
                text.push_str(cell);
            } else {
                text.push_str(cell);
                text.push_str(&" ".repeat(pad));
            }
        }
        text.trim_end().to_owned() + "\n"
    };
    let mut out = line(columns.iter().map(|(t, _)| t.as_str()).collect());
    let rule: usize = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
    out.push_str(&"-".repeat(rule));
    out.push('\n');
    for l in lines {
        out.push_str(&line(l.iter().map(String::as_str).collect()));
    }
    out
}

/// `1234567` as `1,234,567`.
pub fn grouped(n: i64) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{GroupBy, Report};

    #[test]
    fn columns_are_there_with_real_values_or_not_at_all() {
        let report = |group_by, has_costs, has_tokens| Report {
            group_by: Some(group_by),
            has_costs,
            has_tokens,
            ..Report::default()
        };
        assert_eq!(
            columns(&report(GroupBy::LineItem, true, false)),
            ["date", "partial_day", "id", "name", "cost", "currency"]
        );
        assert_eq!(
            columns(&report(GroupBy::Model, false, true)),
            [
                "date",
                "partial_day",
                "id",
                "name",
                "requests",
                "input_tokens",
                "output_tokens"
            ]
        );
        assert_eq!(
            columns(&report(GroupBy::Project, true, true)),
            [
                "date",
                "partial_day",
                "id",
                "name",
                "archived",
                "cost",
                "currency",
                "requests",
                "input_tokens",
                "output_tokens"
            ]
        );
    }
}
