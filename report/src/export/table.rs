//! A table of typed cells, and its two encodings: CSV (decimals as exact text, times as ISO
//! 8601 UTC, text cells neutralized for spreadsheets unless asked otherwise) and Parquet
//! (decimals as `DECIMAL(38, 18)`, times as UTC timestamps, with arrow's writer).

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Decimal128Builder, Float64Builder, Int64Builder, StringBuilder,
    TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use openai_usage::rust_decimal::Decimal;

use crate::dates;

/// Digits after the point of every exported decimal: enough for every amount OpenAI has sent
/// (a value needing more is refused, never rounded).
pub const DECIMAL_SCALE: i8 = 18;
/// The precision of exported decimals: the most Parquet's 16-byte decimal holds.
pub const DECIMAL_PRECISION: u8 = 38;

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Text.
    Text,
    /// An exact decimal.
    Decimal,
    /// A moment (Unix seconds), written in UTC.
    Time,
    /// A whole number.
    Int,
    /// A floating-point number (quantities, which the API sends as such).
    Float,
    /// True or false.
    Bool,
}

/// One cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// No value.
    Null,
    /// Text.
    Text(String),
    /// An exact decimal.
    Decimal(Decimal),
    /// A moment (Unix seconds).
    Time(i64),
    /// A whole number.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// True or false.
    Bool(bool),
}

impl Cell {
    /// A text cell, or null.
    pub fn text(value: Option<impl Into<String>>) -> Cell {
        value.map_or(Cell::Null, |v| Cell::Text(v.into()))
    }
}

/// Columns and rows.
#[derive(Clone, Debug, Default)]
pub struct Table {
    /// Each column's name and kind.
    pub columns: Vec<(&'static str, Kind)>,
    /// Rows, each with one cell per column.
    pub rows: Vec<Vec<Cell>>,
}

/// Why a table could not be written.
#[derive(Debug)]
pub enum WriteError {
    /// A decimal needs more digits than the export's fixed scale and precision.
    Decimal(Decimal),
    /// Writing failed.
    Io(std::io::Error),
    /// Parquet or arrow refused the data.
    Parquet(String),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Decimal(d) => write!(
                f,
                "the amount {d} needs more than {DECIMAL_SCALE} decimals or {DECIMAL_PRECISION} digits; it cannot be written exactly"
            ),
            WriteError::Io(e) => write!(f, "{e}"),
            WriteError::Parquet(e) => write!(f, "{e}"),
        }
    }
}

impl From<std::io::Error> for WriteError {
    fn from(e: std::io::Error) -> Self {
        WriteError::Io(e)
    }
}

impl From<parquet::errors::ParquetError> for WriteError {
    fn from(e: parquet::errors::ParquetError) -> Self {
        WriteError::Parquet(e.to_string())
    }
}

impl From<arrow_schema::ArrowError> for WriteError {
    fn from(e: arrow_schema::ArrowError) -> Self {
        WriteError::Parquet(e.to_string())
    }
}

/// `2024-12-01T13:00:00Z`.
pub fn iso(unix: i64) -> String {
    let seconds = unix.rem_euclid(dates::DAY);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        dates::date(unix),
        seconds / 3_600,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// A decimal as exact text with at least one decimal (`12.0`, `0.0036275`), so that readers
/// that guess types from text take the column as decimal.
pub fn decimal_text(value: Decimal) -> String {
    let text = value.normalize().to_string();
    if text.contains('.') {
        text
    } else {
        format!("{text}.0")
    }
}

/// A decimal in units of 10^-18, if it fits `DECIMAL(38, 18)` exactly.
pub fn decimal_units(value: Decimal) -> Result<i128, WriteError> {
    let value = value.normalize();
    let scale = value.scale() as i8;
    if scale > DECIMAL_SCALE {
        return Err(WriteError::Decimal(value));
    }
    let units = value
        .mantissa()
        .checked_mul(10i128.pow((DECIMAL_SCALE - scale) as u32))
        .filter(|u| u.unsigned_abs() < 10u128.pow(u32::from(DECIMAL_PRECISION)))
        .ok_or(WriteError::Decimal(value))?;
    Ok(units)
}

impl Table {
    /// Appends the rows as CSV (with the header first when `header`); text cells that a
    /// spreadsheet would run as a formula get a leading `'` unless `raw`.
    pub fn write_csv(
        &self,
        out: &mut csv::Writer<impl std::io::Write>,
        header: bool,
        raw: bool,
    ) -> Result<(), WriteError> {
        let csv_error = |e: csv::Error| WriteError::Io(std::io::Error::other(e));
        if header {
            out.write_record(self.columns.iter().map(|(name, _)| *name))
                .map_err(csv_error)?;
        }
        for row in &self.rows {
            let cells: Vec<String> = row
                .iter()
                .map(|cell| match cell {
                    Cell::Null => String::new(),
                    Cell::Text(t) if raw => t.clone(),
                    Cell::Text(t) => crate::safe::csv_cell(t),
                    Cell::Decimal(d) => decimal_text(*d),
                    Cell::Time(t) => iso(*t),
                    Cell::Int(i) => i.to_string(),
                    Cell::Float(f) => f.to_string(),
                    Cell::Bool(b) => b.to_string(),
                })
                .collect();
            out.write_record(&cells).map_err(csv_error)?;
        }
        Ok(())
    }

    /// The arrow schema of the table.
    pub fn schema(&self) -> Arc<Schema> {
        let fields: Vec<Field> = self
            .columns
            .iter()
            .map(|(name, kind)| {
                let data_type = match kind {
                    Kind::Text => DataType::Utf8,
                    Kind::Decimal => DataType::Decimal128(DECIMAL_PRECISION, DECIMAL_SCALE),
                    Kind::Time => DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
                    Kind::Int => DataType::Int64,
                    Kind::Float => DataType::Float64,
                    Kind::Bool => DataType::Boolean,
                };
                Field::new(*name, data_type, true)
            })
            .collect();
        Arc::new(Schema::new(fields))
    }

    /// The rows as one arrow record batch.
    pub fn batch(&self) -> Result<RecordBatch, WriteError> {
        let mut arrays: Vec<ArrayRef> = Vec::with_capacity(self.columns.len());
        for (index, (_, kind)) in self.columns.iter().enumerate() {
            let cells = self.rows.iter().map(|row| &row[index]);
            let array: ArrayRef = match kind {
                Kind::Text => {
                    let mut b = StringBuilder::new();
                    for c in cells {
                        match c {
                            Cell::Text(t) => b.append_value(t),
                            _ => b.append_null(),
                        }
                    }
                    Arc::new(b.finish())
                }
                Kind::Decimal => {
                    let mut b = Decimal128Builder::new();
                    for c in cells {
                        match c {
                            Cell::Decimal(d) => b.append_value(decimal_units(*d)?),
                            _ => b.append_null(),
                        }
                    }
                    Arc::new(
                        b.finish()
                            .with_precision_and_scale(DECIMAL_PRECISION, DECIMAL_SCALE)?,
                    )
                }
                Kind::Time => {
                    let mut b = TimestampMicrosecondBuilder::new();
                    for c in cells {
                        match c {
                            Cell::Time(t) => b.append_value(t * 1_000_000),
                            _ => b.append_null(),
                        }
                    }
                    Arc::new(b.finish().with_timezone("UTC"))
                }
                Kind::Int => {
                    let mut b = Int64Builder::new();
                    for c in cells {
                        match c {
                            Cell::Int(i) => b.append_value(*i),
                            _ => b.append_null(),
                        }
                    }
                    Arc::new(b.finish())
                }
                Kind::Float => {
                    let mut b = Float64Builder::new();
                    for c in cells {
                        match c {
                            Cell::Float(f) => b.append_value(*f),
                            _ => b.append_null(),
                        }
                    }
                    Arc::new(b.finish())
                }
                Kind::Bool => {
                    let mut b = BooleanBuilder::new();
                    for c in cells {
                        match c {
                            Cell::Bool(v) => b.append_value(*v),
                            _ => b.append_null(),
                        }
                    }
                    Arc::new(b.finish())
                }
            };
            arrays.push(array);
        }
        Ok(RecordBatch::try_new(self.schema(), arrays)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_written_exactly_or_refused() {
        let d = |t: &str| t.parse::<Decimal>().unwrap();
        assert_eq!(decimal_text(d("12")), "12.0");
        assert_eq!(decimal_text(d("0.0036275000")), "0.0036275");
        assert_eq!(
            decimal_units(d("0.0036275")).unwrap(),
            3_627_500_000_000_000
        );
        assert_eq!(
            decimal_units(d("-1.5")).unwrap(),
            -1_500_000_000_000_000_000
        );
        assert!(decimal_units(d("0.0000000000000000001")).is_err());
        assert_eq!(iso(1_733_011_200 + 13 * 3_600 + 61), "2024-12-01T13:01:01Z");
    }
}
