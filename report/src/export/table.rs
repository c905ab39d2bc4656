//! A table of typed cells, and its two encodings: CSV (decimals as exact text, times as ISO
//! 8601 UTC, text cells neutralized for spreadsheets unless asked otherwise) and Parquet
//! (decimals as `DECIMAL(38, 18)`, times as UTC timestamps, with the `parquet` crate's column
//! writers: the types are few and fixed, and its arrow layer made parquet about a tenth of a
//! cold build's CPU for nothing these tables need).

use std::sync::Arc;

use openai_usage::rust_decimal::Decimal;
use parquet::basic::{LogicalType, Repetition, TimeUnit, Type as PhysicalType};
use parquet::data_type::{
    BoolType, ByteArray, ByteArrayType, DataType, DoubleType, FixedLenByteArray,
    FixedLenByteArrayType, Int64Type,
};
use parquet::file::writer::{SerializedColumnWriter, SerializedFileWriter};
use parquet::schema::types::Type as SchemaType;

use crate::dates;

/// Digits after the point of every exported decimal: enough for every amount OpenAI has sent
/// (a value needing more is refused, never rounded).
pub const DECIMAL_SCALE: i8 = 18;
/// The precision of exported decimals: the most Parquet's 16-byte decimal holds.
pub const DECIMAL_PRECISION: u8 = 38;
/// The bytes of an exported decimal in Parquet: a big-endian two's complement `i128`.
const DECIMAL_BYTES: i32 = 16;

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

    /// Whether the cell holds a value of `kind` (not null, not another kind).
    fn is(&self, kind: Kind) -> bool {
        matches!(
            (self, kind),
            (Cell::Text(_), Kind::Text)
                | (Cell::Decimal(_), Kind::Decimal)
                | (Cell::Time(_), Kind::Time)
                | (Cell::Int(_), Kind::Int)
                | (Cell::Float(_), Kind::Float)
                | (Cell::Bool(_), Kind::Bool)
        )
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
    /// Parquet refused the data.
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

    /// The Parquet schema of the table: every column optional (a null is a missing value),
    /// text as `STRING`, decimals as `DECIMAL(38, 18)` in 16 bytes, times as microseconds
    /// adjusted to UTC, whole numbers as `INT64`, others as `DOUBLE` and `BOOLEAN`: what
    /// arrow's writer made of the same columns, so readers see the same types.
    pub fn parquet_schema(&self) -> Result<Arc<SchemaType>, WriteError> {
        let fields = self
            .columns
            .iter()
            .map(|(name, kind)| {
                let (physical, logical) = match kind {
                    Kind::Text => (PhysicalType::BYTE_ARRAY, Some(LogicalType::String)),
                    Kind::Decimal => (
                        PhysicalType::FIXED_LEN_BYTE_ARRAY,
                        Some(LogicalType::decimal(
                            i32::from(DECIMAL_SCALE),
                            i32::from(DECIMAL_PRECISION),
                        )),
                    ),
                    Kind::Time => (
                        PhysicalType::INT64,
                        Some(LogicalType::timestamp(true, TimeUnit::MICROS)),
                    ),
                    Kind::Int => (PhysicalType::INT64, None),
                    Kind::Float => (PhysicalType::DOUBLE, None),
                    Kind::Bool => (PhysicalType::BOOLEAN, None),
                };
                let mut field = SchemaType::primitive_type_builder(name, physical)
                    .with_repetition(Repetition::OPTIONAL)
                    .with_logical_type(logical);
                if *kind == Kind::Decimal {
                    field = field
                        .with_length(DECIMAL_BYTES)
                        .with_precision(i32::from(DECIMAL_PRECISION))
                        .with_scale(i32::from(DECIMAL_SCALE));
                }
                field.build().map(Arc::new)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Arc::new(
            SchemaType::group_type_builder("schema")
                .with_fields(fields)
                .build()?,
        ))
    }

    /// Writes the rows as one row group of `writer`, whose schema is
    /// [`parquet_schema`](Self::parquet_schema)'s; a decimal that does not fit is refused
    /// before anything is written.
    pub fn write_row_group<W: std::io::Write + Send>(
        &self,
        writer: &mut SerializedFileWriter<W>,
    ) -> Result<(), WriteError> {
        // Every decimal, column by column, converted first: one that does not fit is refused
        // before anything is written.
        let mut decimals = Vec::new();
        for (index, (_, kind)) in self.columns.iter().enumerate() {
            if *kind == Kind::Decimal {
                for row in &self.rows {
                    if let Cell::Decimal(d) = row[index] {
                        decimals.push(FixedLenByteArray::from(
                            decimal_units(d)?.to_be_bytes().to_vec(),
                        ));
                    }
                }
            }
        }
        let mut decimals = decimals.into_iter();
        let mut group = writer.next_row_group()?;
        for (index, (_, kind)) in self.columns.iter().enumerate() {
            let mut column = group
                .next_column()?
                .ok_or_else(|| WriteError::Parquet("fewer columns than the schema's".into()))?;
            let cells = self.rows.iter().map(|row| &row[index]);
            // Each row's definition level: 1 where it has a value of the column's kind, 0 where
            // it is null (a cell of another kind is written as null).
            let levels: Vec<i16> = cells.clone().map(|c| i16::from(c.is(*kind))).collect();
            match kind {
                Kind::Text => write::<ByteArrayType>(&mut column, &levels, cells, |c| match c {
                    Cell::Text(t) => Some(ByteArray::from(t.as_bytes().to_vec())),
                    _ => None,
                })?,
                Kind::Decimal => {
                    write::<FixedLenByteArrayType>(&mut column, &levels, cells, |c| match c {
                        Cell::Decimal(_) => decimals.next(),
                        _ => None,
                    })?
                }
                Kind::Time => write::<Int64Type>(&mut column, &levels, cells, |c| match c {
                    Cell::Time(t) => Some(t * 1_000_000),
                    _ => None,
                })?,
                Kind::Int => write::<Int64Type>(&mut column, &levels, cells, |c| match c {
                    Cell::Int(i) => Some(*i),
                    _ => None,
                })?,
                Kind::Float => write::<DoubleType>(&mut column, &levels, cells, |c| match c {
                    Cell::Float(f) => Some(*f),
                    _ => None,
                })?,
                Kind::Bool => write::<BoolType>(&mut column, &levels, cells, |c| match c {
                    Cell::Bool(b) => Some(*b),
                    _ => None,
                })?,
            }
            column.close()?;
        }
        group.close()?;
        Ok(())
    }
}

/// Writes the values `value` finds in `cells` (`None` for a null) to a column of physical type
/// `T`, with each row's definition level.
fn write<'c, T: DataType>(
    column: &mut SerializedColumnWriter<'_>,
    levels: &[i16],
    cells: impl Iterator<Item = &'c Cell>,
    value: impl FnMut(&Cell) -> Option<T::T>,
) -> Result<(), WriteError> {
    let values: Vec<T::T> = cells.filter_map(value).collect();
    column
        .typed::<T>()
        .write_batch(&values, Some(levels), None)?;
    Ok(())
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

    fn table() -> Table {
        Table {
            columns: vec![
                ("name", Kind::Text),
                ("amount", Kind::Decimal),
                ("at", Kind::Time),
                ("count", Kind::Int),
                ("quantity", Kind::Float),
                ("partial", Kind::Bool),
            ],
            rows: vec![
                vec![
                    Cell::Text("a, \"b\"".into()),
                    Cell::Decimal("-1.5".parse().unwrap()),
                    Cell::Time(1_733_011_200),
                    Cell::Int(-7),
                    Cell::Float(0.25),
                    Cell::Bool(true),
                ],
                // Nulls, and a cell of another kind, which is written as null.
                vec![
                    Cell::Null,
                    Cell::Null,
                    Cell::Null,
                    Cell::Text("not a number".into()),
                    Cell::Null,
                    Cell::Null,
                ],
                vec![
                    Cell::Text(String::new()),
                    Cell::Decimal("0.000000000000000001".parse().unwrap()),
                    Cell::Time(0),
                    Cell::Int(i64::MAX),
                    Cell::Float(-2.0),
                    Cell::Bool(false),
                ],
            ],
        }
    }

    /// `table` written as one row group, and read back with the `parquet` crate's row reader.
    fn round_trip(table: &Table) -> Result<Vec<Vec<parquet::record::Field>>, WriteError> {
        use parquet::file::reader::{FileReader, SerializedFileReader};
        let file = tempfile::tempfile()?;
        let mut writer =
            SerializedFileWriter::new(&file, table.parquet_schema()?, Default::default())?;
        table.write_row_group(&mut writer)?;
        writer.close()?;
        let reader = SerializedFileReader::new(file)?;
        let rows = reader.get_row_iter(None)?.map(|row| {
            row.map(|r| r.get_column_iter().map(|(_, f)| f.clone()).collect())
                .map_err(WriteError::from)
        });
        rows.collect()
    }

    #[test]
    fn every_kind_is_written_to_parquet_as_its_type_with_nulls() {
        use parquet::record::Field;
        let rows = round_trip(&table()).unwrap();
        // Decimals come back as their 16 big-endian bytes at scale 18: -1.5 is
        // -1_500_000_000_000_000_000 units, 10^-18 is 1 unit.
        let decimal = |units: i128| {
            Field::Decimal(parquet::data_type::Decimal::from_bytes(
                units.to_be_bytes().to_vec().into(),
                38,
                18,
            ))
        };
        assert_eq!(
            rows,
            vec![
                vec![
                    Field::Str("a, \"b\"".into()),
                    decimal(-1_500_000_000_000_000_000),
                    Field::TimestampMicros(1_733_011_200_000_000),
                    Field::Long(-7),
                    Field::Double(0.25),
                    Field::Bool(true),
                ],
                vec![Field::Null; 6],
                vec![
                    Field::Str(String::new()),
                    decimal(1),
                    Field::TimestampMicros(0),
                    Field::Long(i64::MAX),
                    Field::Double(-2.0),
                    Field::Bool(false),
                ],
            ]
        );
    }

    #[test]
    fn a_decimal_that_does_not_fit_is_refused_before_the_row_group_is_written() {
        let mut table = table();
        table.rows[2][1] = Cell::Decimal("0.0000000000000000001".parse().unwrap());
        let mut bytes = Vec::new();
        let mut writer = SerializedFileWriter::new(
            &mut bytes,
            table.parquet_schema().unwrap(),
            Default::default(),
        )
        .unwrap();
        assert!(matches!(
            table.write_row_group(&mut writer),
            Err(WriteError::Decimal(_))
        ));
        let metadata = writer.close().unwrap();
        assert_eq!(metadata.num_row_groups(), 0, "nothing was written");
    }
}
