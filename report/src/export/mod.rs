//! Exports of a store for what FinOps teams already run: costs as FOCUS (CSV or Parquet), and
//! usage and costs as Parquet datasets partitioned by day (Hive-style `date=YYYY-MM-DD/`) that
//! Spark, Trino, BigQuery, ClickHouse or DuckDB read directly. Decimals stay exact
//! (`DECIMAL(38, 18)` in Parquet, exact text in CSV). A file or folder is written beside its
//! destination and renamed into place when complete: an export never leaves half a file.

pub mod focus;
pub mod table;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use openai_usage::rust_decimal::Decimal;
use openai_usage_store::read::{self, StoredResult};
use openai_usage_store::streams::{Stream, DAY};
use openai_usage_store::Store;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;

use self::focus::FocusVersion;
use self::table::{Cell, Kind, Table, WriteError};
use crate::dates;

/// How a FOCUS export is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FocusFormat {
    /// CSV with a header (what focus-validator reads).
    Csv,
    /// One Parquet file.
    Parquet,
}

/// What an export wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Rows written, per dataset.
    pub rows: Vec<(&'static str, usize)>,
    /// The exact sum of the costs written (FOCUS: of BilledCost; Parquet: of `costs`).
    pub total_cost: Decimal,
    /// Files written.
    pub files: usize,
}

/// Why an export failed (nothing was left at the destination).
#[derive(Debug)]
pub enum ExportError {
    /// The store could not be read.
    Store(openai_usage_store::Error),
    /// A file could not be written.
    Write(PathBuf, WriteError),
    /// The store holds nothing to export.
    Empty(String),
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExportError::Store(e) => write!(f, "{e}"),
            ExportError::Write(path, e) => {
                write!(f, "{}: {e} (nothing was written)", path.display())
            }
            ExportError::Empty(what) => write!(f, "{what}"),
        }
    }
}

impl std::error::Error for ExportError {}

impl From<openai_usage_store::Error> for ExportError {
    fn from(e: openai_usage_store::Error) -> Self {
        ExportError::Store(e)
    }
}

/// `path` with `.partial-PID` added to its name: where it is written before it is renamed.
fn staging(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".partial-{}", std::process::id()));
    path.with_file_name(name)
}

/// The days (UTC midnights) holding buckets of `stream`.
async fn days_of(
    store: &Store,
    org: Option<&str>,
    stream: Stream,
) -> Result<Vec<i64>, ExportError> {
    Ok(match read::span(store, org, stream).await? {
        Some((first, last)) => (first.div_euclid(DAY)..=(last - 1).div_euclid(DAY))
            .map(|d| d * DAY)
            .collect(),
        None => Vec::new(),
    })
}

/// Writes every stored cost (the `costs` stream: by project, line item, API key and API
/// source) as FOCUS `version` to `out`.
pub async fn focus(
    store: &Store,
    org: Option<&str>,
    version: FocusVersion,
    format: FocusFormat,
    out: &Path,
    csv_raw: bool,
) -> Result<Summary, ExportError> {
    let names = read::project_names(store, org).await?;
    let days = days_of(store, org, Stream::Costs).await?;
    if days.is_empty() {
        return Err(ExportError::Empty(format!(
            "the store {} holds no costs{}; run `openai-usage-report sync` first",
            store.target().shown(),
            org.map(|o| format!(" of `{o}`")).unwrap_or_default()
        )));
    }
    let columns = focus::columns(version);
    let staged = staging(out);
    let failed = |e: WriteError| ExportError::Write(out.to_owned(), e);
    let result = async {
        let file = File::create(&staged).map_err(|e| failed(e.into()))?;
        let mut summary = Summary::default();
        let mut rows = 0;
        let mut total = Decimal::ZERO;
        let mut csv_out = (format == FocusFormat::Csv).then(|| csv::Writer::from_writer(&file));
        let mut parquet_out = None;
        for (i, day) in days.iter().enumerate() {
            let costs = read::results(store, org, Stream::Costs, *day, day + DAY).await?;
            let mut table = Table {
                columns: columns.clone(),
                rows: Vec::with_capacity(costs.len()),
            };
            for cost in &costs {
                let name = cost
                    .project_id
                    .as_ref()
                    .and_then(|p| names.get(&(cost.org.clone(), p.clone())));
                table.rows.push(
                    columns
                        .iter()
                        .map(|(column, _)| focus::value(column, cost, name.map(String::as_str)))
                        .collect(),
                );
                total = total
                    .checked_add(cost.amount.unwrap_or_default())
                    .ok_or_else(|| failed(WriteError::Decimal(total)))?;
            }
            rows += table.rows.len();
            match format {
                FocusFormat::Csv => {
                    let out = csv_out.as_mut().expect("a CSV writer");
                    table.write_csv(out, i == 0, csv_raw).map_err(failed)?;
                }
                FocusFormat::Parquet => {
                    if parquet_out.is_none() {
                        parquet_out = Some(parquet_writer(&file, &table).map_err(failed)?);
                    }
                    let writer = parquet_out.as_mut().expect("a Parquet writer");
                    if !table.rows.is_empty() {
                        table.write_row_group(writer).map_err(failed)?;
                    }
                }
            }
        }
        if let Some(mut out) = csv_out {
            out.flush().map_err(|e| failed(e.into()))?;
        }
        if let Some(writer) = parquet_out {
            writer.close().map_err(|e| failed(e.into()))?;
        }
        file.sync_all().map_err(|e| failed(e.into()))?;
        summary.rows.push(("focus", rows));
        summary.total_cost = total;
        summary.files = 1;
        Ok(summary)
    }
    .await;
    match result {
        Ok(summary) => {
            std::fs::rename(&staged, out).map_err(|e| failed(e.into()))?;
            Ok(summary)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&staged);
            Err(e)
        }
    }
}

/// A Parquet file of `table`'s columns in `file`, compressed with Snappy (what every reader has).
fn parquet_writer<'a>(
    file: &'a File,
    table: &Table,
) -> Result<SerializedFileWriter<&'a File>, WriteError> {
    let properties = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    Ok(SerializedFileWriter::new(
        file,
        table.parquet_schema()?,
        Arc::new(properties),
    )?)
}

/// A dataset's columns: names and kinds.
type Columns = &'static [(&'static str, Kind)];

/// Columns of the `costs` and `costs_by_user` datasets.
const COST_COLUMNS: &[(&str, Kind)] = &[
    ("org", Kind::Text),
    ("start_time", Kind::Time),
    ("end_time", Kind::Time),
    ("partial", Kind::Bool),
    ("project_id", Kind::Text),
    ("project_name", Kind::Text),
    ("user_id", Kind::Text),
    ("line_item", Kind::Text),
    ("api_key_id", Kind::Text),
    ("api_source", Kind::Text),
    ("amount", Kind::Decimal),
    ("currency", Kind::Text),
    ("quantity", Kind::Float),
    ("quantity_unit", Kind::Text),
    ("result", Kind::Text),
];

/// Columns of the `usage` dataset.
const USAGE_COLUMNS: &[(&str, Kind)] = &[
    ("org", Kind::Text),
    ("endpoint", Kind::Text),
    ("start_time", Kind::Time),
    ("end_time", Kind::Time),
    ("partial", Kind::Bool),
    ("object", Kind::Text),
    ("project_id", Kind::Text),
    ("project_name", Kind::Text),
    ("user_id", Kind::Text),
    ("api_key_id", Kind::Text),
    ("model", Kind::Text),
    ("batch", Kind::Bool),
    ("service_tier", Kind::Text),
    ("api_source", Kind::Text),
    ("num_model_requests", Kind::Int),
    ("input_tokens", Kind::Int),
    ("output_tokens", Kind::Int),
    ("result", Kind::Text),
];

fn row(
    columns: &[(&str, Kind)],
    r: &StoredResult,
    endpoint: &str,
    project_name: Option<&String>,
) -> Vec<Cell> {
    columns
        .iter()
        .map(|(name, _)| match *name {
            "org" => Cell::Text(r.org.clone()),
            "endpoint" => Cell::Text(endpoint.to_owned()),
            "start_time" => Cell::Time(r.start_time),
            "end_time" => Cell::Time(r.end_time),
            "partial" => Cell::Bool(r.partial),
            "object" => Cell::text(r.object.clone()),
            "project_id" => Cell::text(r.project_id.clone()),
            "project_name" => Cell::text(project_name.cloned()),
            "user_id" => Cell::text(r.user_id.clone()),
            "api_key_id" => Cell::text(r.api_key_id.clone()),
            "model" => Cell::text(r.model.clone()),
            "batch" => r.batch.map_or(Cell::Null, Cell::Bool),
            "service_tier" => Cell::text(r.service_tier.clone()),
            "api_source" => Cell::text(r.api_source.clone()),
            "line_item" => Cell::text(r.line_item.clone()),
            "num_model_requests" => r.num_model_requests.map_or(Cell::Null, Cell::Int),
            "input_tokens" => r.input_tokens.map_or(Cell::Null, Cell::Int),
            "output_tokens" => r.output_tokens.map_or(Cell::Null, Cell::Int),
            "amount" => r.amount.map_or(Cell::Null, Cell::Decimal),
            "currency" => Cell::text(r.currency.clone()),
            "quantity" => r.quantity.map_or(Cell::Null, Cell::Float),
            "quantity_unit" => Cell::text(r.quantity_unit.clone()),
            "result" => Cell::Text(r.result.clone()),
            other => unreachable!("no column {other}"),
        })
        .collect()
}

/// Writes the store's usage and costs under `out` as three Parquet datasets partitioned by
/// day: `costs/` (by project, line item, API key and API source), `costs_by_user/` (by user
/// instead of project: do not add the two) and `usage/` (every usage endpoint, hourly, its
/// name in `endpoint`), each `date=YYYY-MM-DD/part-0.parquet`. An existing `out` is replaced
/// only once the new one is complete.
pub async fn parquet(store: &Store, org: Option<&str>, out: &Path) -> Result<Summary, ExportError> {
    let names = read::project_names(store, org).await?;
    let staged = staging(out);
    let failed = |e: WriteError| ExportError::Write(out.to_owned(), e);
    let _ = std::fs::remove_dir_all(&staged);
    let result = async {
        let mut summary = Summary::default();
        let datasets: [(&'static str, &[Stream], Columns); 3] = [
            ("costs", &[Stream::Costs], COST_COLUMNS),
            ("costs_by_user", &[Stream::CostsByUser], COST_COLUMNS),
            ("usage", &Stream::ALL[2..], USAGE_COLUMNS),
        ];
        for (dataset, streams, columns) in datasets {
            let mut days = std::collections::BTreeSet::new();
            for &stream in streams {
                days.extend(days_of(store, org, stream).await?);
            }
            let mut rows = 0;
            // One day at a time: a day of every endpoint is one file.
            for day in days {
                let mut table = Table {
                    columns: columns.to_vec(),
                    rows: Vec::new(),
                };
                for &stream in streams {
                    for r in read::results(store, org, stream, day, day + DAY).await? {
                        let name = r
                            .project_id
                            .as_ref()
                            .and_then(|p| names.get(&(r.org.clone(), p.clone())));
                        table.rows.push(row(columns, &r, stream.name(), name));
                        if dataset == "costs" {
                            summary.total_cost = summary
                                .total_cost
                                .checked_add(r.amount.unwrap_or_default())
                                .ok_or_else(|| failed(WriteError::Decimal(summary.total_cost)))?;
                        }
                    }
                }
                if table.rows.is_empty() {
                    continue;
                }
                rows += table.rows.len();
                write_day(&staged, dataset, day, &table).map_err(failed)?;
                summary.files += 1;
            }
            summary.rows.push((dataset, rows));
        }
        Ok(summary)
    }
    .await;
    match result {
        Ok(summary) => {
            let old = out.with_file_name(format!(
                "{}.old-{}",
                out.file_name().unwrap_or_default().to_string_lossy(),
                std::process::id()
            ));
            let had_old = out.exists();
            if had_old {
                std::fs::rename(out, &old).map_err(|e| failed(e.into()))?;
            }
            if let Err(e) = std::fs::rename(&staged, out) {
                if had_old {
                    let _ = std::fs::rename(&old, out);
                }
                return Err(failed(e.into()));
            }
            if had_old {
                let _ = std::fs::remove_dir_all(&old);
            }
            Ok(summary)
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staged);
            Err(e)
        }
    }
}

/// Writes `DIR/DATASET/date=YYYY-MM-DD/part-0.parquet`.
fn write_day(dir: &Path, dataset: &str, day: i64, table: &Table) -> Result<(), WriteError> {
    let folder = dir.join(dataset).join(format!("date={}", dates::date(day)));
    std::fs::create_dir_all(&folder)?;
    let file = File::create(folder.join("part-0.parquet"))?;
    let mut writer = parquet_writer(&file, table)?;
    table.write_row_group(&mut writer)?;
    writer.close()?;
    file.sync_all()?;
    Ok(())
}
