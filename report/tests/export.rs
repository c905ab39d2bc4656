//! Exports of a store: FOCUS with every column of its version in the specification's order
//! (the column lists of FOCUS_Spec's v1.0 and v1.2 tags, in `tests/focus/`), each row matching
//! the API's own costs; Parquet datasets partitioned by day whose exact decimals sum to the
//! store's; spreadsheet-safe text; nothing left behind by a failed export.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;

use futures::TryStreamExt as _;
use openai_usage::rust_decimal::Decimal;
use openai_usage::{Client, UsageCostsGroupBy, UsageCostsParams, UsageResult};
use openai_usage_fake::{Config, FakeApi, FIXED_NOW};
use openai_usage_report::export::focus::FocusVersion;
use openai_usage_report::export::{self, FocusFormat};
use openai_usage_store::read;
use openai_usage_store::streams::{Stream, DAY};
use openai_usage_store::sync::{self, Organization};
use openai_usage_store::{Store, Target};
use parquet::basic::{LogicalType, Type as PhysicalType};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;

/// 2024-12-02T13:20:34Z.
const NOW: i64 = FIXED_NOW + DAY + 13 * 3_600 + 1_234;

struct Synced {
    fake: FakeApi,
    store: Store,
    dir: tempfile::TempDir,
}

async fn synced(project_name: Option<&str>) -> Synced {
    let fake = FakeApi::start_with(Config::quiet_at(NOW)).await;
    if let Some(name) = project_name {
        fake.inject(
            "/organization/projects",
            "/data/0/name",
            serde_json::json!(name),
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&Target::Sqlite(dir.path().join("h.db")))
        .await
        .unwrap();
    let org = Organization::new("acme", client(&fake));
    let options = sync::Options {
        since: NOW - DAY,
        now: NOW,
        restate_days: 1,
        streams: &Stream::ALL,
    };
    sync::sync(&store, &org, options, &|_| {}).await.unwrap();
    Synced { fake, store, dir }
}

fn client(fake: &FakeApi) -> Client {
    Client::builder()
        .api_key("sk-admin-test")
        .base_url(fake.base_url())
        .build()
        .unwrap()
}

/// `(ColumnId, AllowsNulls)` of a FOCUS version, from the specification's column files.
fn spec_columns(version: &str) -> Vec<(String, bool)> {
    let path = format!(
        "{}/tests/focus/columns-{version}.tsv",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .lines()
        .skip(1)
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            (fields[0].to_owned(), fields[3] == "True")
        })
        .collect()
}

/// The API's own costs for the period, grouped as the store keeps them: (day, project, line
/// item, key, source) -> (amount, quantity, unit).
async fn api_costs(
    fake: &FakeApi,
) -> BTreeMap<[String; 5], (Decimal, Option<f64>, Option<String>)> {
    let params = UsageCostsParams::new(FIXED_NOW).end_time(NOW).group_by([
        UsageCostsGroupBy::ProjectId,
        UsageCostsGroupBy::LineItem,
        UsageCostsGroupBy::ApiKeyId,
        UsageCostsGroupBy::ApiSource,
    ]);
    let buckets: Vec<_> = client(fake)
        .usage_costs_buckets(params)
        .try_collect()
        .await
        .unwrap();
    let mut costs = BTreeMap::new();
    for bucket in buckets {
        let day = bucket.start_time.as_unix_seconds();
        for cost in bucket
            .results
            .into_iter()
            .filter_map(UsageResult::into_costs)
        {
            let key = [
                day.to_string(),
                cost.project_id.clone().unwrap_or_default(),
                cost.line_item.clone().unwrap_or_default(),
                cost.api_key_id.clone().unwrap_or_default(),
                cost.api_source
                    .as_ref()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
            ];
            let unit = cost.quantity_unit.as_ref().map(|u| u.as_str().to_owned());
            costs.insert(key, (cost.amount_value().unwrap(), cost.quantity, unit));
        }
    }
    costs
}

fn unix_of(iso: &str) -> i64 {
    // YYYY-MM-DDTHH:MM:SSZ, checked by shape, converted with an independent day count.
    assert!(
        iso.len() == 20 && iso.as_bytes()[10] == b'T' && iso.ends_with('Z'),
        "not ISO 8601 UTC: {iso}"
    );
    let n = |r: std::ops::Range<usize>| iso[r].parse::<i64>().unwrap();
    let (y, m, d) = (n(0..4), n(5..7), n(8..10));
    let days_before_month = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334][m as usize - 1];
    let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let mut days = (1970..y)
        .map(|y| if leap(y) { 366 } else { 365 })
        .sum::<i64>();
    days += days_before_month + d - 1 + i64::from(m > 2 && leap(y));
    days * DAY + n(11..13) * 3_600 + n(14..16) * 60 + n(17..19)
}

#[tokio::test]
async fn focus_has_every_column_of_its_version_and_each_row_is_the_apis_cost() {
    let Synced { fake, store, dir } = synced(None).await;
    let expected = api_costs(&fake).await;
    for (version, tag) in [(FocusVersion::V1_0, "v1.0"), (FocusVersion::V1_2, "v1.2")] {
        let out = dir.path().join(format!("focus-{tag}.csv"));
        let summary = export::focus(&store, None, version, FocusFormat::Csv, &out, false)
            .await
            .unwrap();
        let spec = spec_columns(tag);
        let mut reader = csv::Reader::from_path(&out).unwrap();
        let header: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        let (standard, custom) = header.split_at(spec.len());
        let spec_ids: Vec<&str> = spec.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(
            standard,
            spec_ids.as_slice(),
            "{tag}: the specification's columns, in order"
        );
        assert!(custom.iter().all(|c| c.starts_with("x_")), "{custom:?}");
        let column = |name: &str| header.iter().position(|h| h == name).unwrap();
        let mut rows = 0;
        let mut billed = Decimal::ZERO;
        for record in reader.records() {
            let record = record.unwrap();
            rows += 1;
            for (i, (id, nullable)) in spec.iter().enumerate() {
                assert!(
                    *nullable || !record[i].is_empty(),
                    "{tag}: {id} is null in {record:?}"
                );
            }
            let start = unix_of(&record[column("ChargePeriodStart")]);
            let end = unix_of(&record[column("ChargePeriodEnd")]);
            assert_eq!(
                (start % DAY, end - start <= DAY, start < end),
                (0, true, true)
            );
            assert!(unix_of(&record[column("BillingPeriodStart")]) <= start);
            assert!(unix_of(&record[column("BillingPeriodEnd")]) >= end);
            let key = [
                start.to_string(),
                record[column("SubAccountId")].to_owned(),
                record[column("SkuId")].to_owned(),
                record[column("x_ApiKeyId")].to_owned(),
                record[column("x_ApiSource")].to_owned(),
            ];
            let (amount, quantity, unit) = expected
                .get(&key)
                .unwrap_or_else(|| panic!("{tag}: no such cost in the API's answer: {key:?}"));
            let cost: Decimal = record[column("BilledCost")].parse().unwrap();
            assert_eq!(cost, *amount, "{key:?}");
            for same in ["EffectiveCost", "ListCost", "ContractedCost"] {
                assert_eq!(record[column(same)].parse::<Decimal>().unwrap(), cost);
            }
            let pricing = &record[column("PricingQuantity")];
            assert_eq!(pricing.parse::<f64>().ok(), *quantity, "{key:?}");
            assert_eq!(
                Some(&record[column("PricingUnit")])
                    .filter(|u| !u.is_empty())
                    .map(|u| u.to_owned()),
                unit.clone()
            );
            assert_eq!(&record[column("BillingCurrency")], "USD");
            assert_eq!(
                &record[column("ServiceName")],
                key[2].split(", ").next().unwrap()
            );
            billed += cost;
        }
        assert_eq!(rows, expected.len(), "{tag}: one row per cost");
        assert_eq!(billed, summary.total_cost);
        assert_eq!(
            billed,
            read::total_cost(&store, "acme", Stream::Costs, FIXED_NOW, NOW)
                .await
                .unwrap()
        );
    }
}

/// A big-endian two's complement integer of at most 16 bytes (how Parquet stores a decimal's
/// unscaled value).
fn big_endian_i128(bytes: &[u8]) -> i128 {
    assert!(bytes.len() <= 16, "{} bytes", bytes.len());
    let negative = bytes.first().is_some_and(|b| b & 0x80 != 0);
    let mut full = [if negative { 0xff } else { 0 }; 16];
    full[16 - bytes.len()..].copy_from_slice(bytes);
    i128::from_be_bytes(full)
}

fn parquet_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for partition in std::fs::read_dir(dir).unwrap() {
        let partition = partition.unwrap().path();
        files.push(partition.join("part-0.parquet"));
    }
    files.sort();
    files
}

#[tokio::test]
async fn the_parquet_dataset_is_partitioned_by_day_with_exact_decimals() {
    let Synced { store, dir, .. } = synced(None).await;
    let out = dir.path().join("lake");
    std::fs::create_dir_all(out.join("stale")).unwrap();
    let summary = export::parquet(&store, None, &out).await.unwrap();
    assert!(
        !out.join("stale").exists(),
        "the old export is replaced whole"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".partial-") || n.contains(".old-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let files = parquet_files(&out.join("costs"));
    let partitions: Vec<String> = files
        .iter()
        .map(|f| {
            f.parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(partitions, ["date=2024-12-01", "date=2024-12-02"]);
    let mut units: i128 = 0;
    let mut rows = 0;
    for file in &files {
        let reader = SerializedFileReader::new(File::open(file).unwrap()).unwrap();
        let schema = reader.metadata().file_metadata().schema_descr();
        let amount = (0..schema.num_columns())
            .map(|i| schema.column(i))
            .find(|c| c.name() == "amount")
            .unwrap();
        // DECIMAL(38, 18), in the 16 bytes Parquet's format gives 38 digits.
        assert_eq!(
            amount.logical_type_ref(),
            Some(&LogicalType::decimal(18, 38))
        );
        assert_eq!(
            (amount.physical_type(), amount.type_length()),
            (PhysicalType::FIXED_LEN_BYTE_ARRAY, 16)
        );
        for row in reader.get_row_iter(None).unwrap() {
            let row = row.unwrap();
            let (_, value) = row
                .get_column_iter()
                .find(|(name, _)| *name == "amount")
                .unwrap();
            match value {
                Field::Decimal(d) => units += big_endian_i128(d.data()),
                Field::Null => {}
                other => panic!("amount is {other:?}"),
            }
            rows += 1;
        }
    }
    let total = read::total_cost(&store, "acme", Stream::Costs, FIXED_NOW, NOW)
        .await
        .unwrap();
    assert_eq!(
        Decimal::from_i128_with_scale(units, 18).normalize(),
        total.normalize()
    );
    assert_eq!(summary.total_cost, total);
    let stored = read::results(&store, None, Stream::Costs, FIXED_NOW, NOW)
        .await
        .unwrap();
    assert_eq!(rows, stored.len());
    assert_eq!(summary.rows[0], ("costs", stored.len()));
    // Usage: every hourly endpoint, one file per day.
    assert_eq!(parquet_files(&out.join("usage")).len(), 2);
}

#[tokio::test]
async fn focus_text_cannot_run_as_a_formula_and_a_failed_export_leaves_nothing() {
    let formula = "=HYPERLINK(\"http://x\",\"pay\")";
    let Synced { store, dir, .. } = synced(Some(formula)).await;
    let out = dir.path().join("focus.csv");
    export::focus(
        &store,
        None,
        FocusVersion::V1_0,
        FocusFormat::Csv,
        &out,
        false,
    )
    .await
    .unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let name = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "SubAccountName")
        .unwrap();
    let names: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[name].to_owned())
        .collect();
    assert!(names.contains(&format!("'{formula}")), "{names:?}");
    assert!(!names.iter().any(|n| n.starts_with('=')));
    export::focus(
        &store,
        None,
        FocusVersion::V1_0,
        FocusFormat::Csv,
        &out,
        true,
    )
    .await
    .unwrap();
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .contains("\"=HYPERLINK("));

    // An organization the store does not hold: an error, and the file is as it was.
    let before = std::fs::read(&out).unwrap();
    let error = export::focus(
        &store,
        Some("nobody"),
        FocusVersion::V1_0,
        FocusFormat::Csv,
        &out,
        false,
    )
    .await
    .unwrap_err();
    assert!(
        error.to_string().contains("holds no costs of `nobody`"),
        "{error}"
    );
    assert_eq!(std::fs::read(&out).unwrap(), before);
    // A folder that does not exist: an error naming the file, nothing created.
    let missing = dir.path().join("no/such/folder/focus.csv");
    let error = export::focus(
        &store,
        None,
        FocusVersion::V1_0,
        FocusFormat::Parquet,
        &missing,
        false,
    )
    .await
    .unwrap_err();
    assert!(
        error.to_string().contains("no/such/folder/focus.csv"),
        "{error}"
    );
    assert!(!dir.path().join("no").exists());
}
