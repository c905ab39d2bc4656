"""Checks a store and its exports with independent tools (run by .ci/run in its virtualenv).

    python .ci/check_exports.py exports STORE.db FOCUS_1_0.csv FOCUS_1_2.parquet PARQUET_DIR
    python .ci/check_exports.py dump STORE.db > rows.txt   (every row but when it was read)

`exports` needs focus-validator and duckdb (the virtualenv); `dump` only the standard library.

1. focus-validator 1.0.0 checks the FOCUS 1.0 CSV. Its FOCUS 1.0 rule set names four columns
   as FOCUS 1.0-preview did (InvoiceIssuer, Provider, Publisher, ResourceID; FOCUS 1.0 renamed
   them InvoiceIssuerName, ProviderName, PublisherName, ResourceId: see the column files of
   FOCUS_Spec's v1.0 tag) and checks SkuPriceId against ChargeType, a 1.0-preview column that
   FOCUS 1.0 replaced by ChargeCategory and ChargeClass. Every rule of the installed rule set is
   run, with those names and that condition as FOCUS 1.0 words them; nothing is skipped.
2. DuckDB reads the Parquet dataset and the FOCUS Parquet file; their sums must equal the
   store's, computed here with Python's exact decimals from the SQLite file (DuckDB's own
   SQLite reader would need a download).
"""

import decimal
import os
import pathlib
import shutil
import sqlite3
import subprocess
import sys
import tempfile

RENAMED = {
    "InvoiceIssuer": "InvoiceIssuerName",
    "Provider": "ProviderName",
    "Publisher": "PublisherName",
    "ResourceID": "ResourceId",
}
SKU_PRICE_ID_1_0 = """column_id: SkuPriceId
check_friendly_name: SkuPriceId must be set when ChargeCategory is Usage or Purchase and ChargeClass is not Correction (FOCUS 1.0)
check:
  sql_query: |
    SELECT CASE
        WHEN ChargeCategory IN ('Purchase', 'Usage') AND (ChargeClass IS NULL OR ChargeClass <> 'Correction') AND SkuPriceId IS NULL THEN FALSE
        ELSE TRUE
    END AS check_output
    FROM df;
"""


def focus_1_0_rules(into: pathlib.Path) -> pathlib.Path:
    import focus_validator

    package = pathlib.Path(focus_validator.__file__).parent
    source = package / "rules" / "version_sets" / "1.0"
    target = into / "1.0"
    target.mkdir(parents=True)
    count = 0
    for rule in sorted(source.iterdir()):
        text = rule.read_text()
        name = rule.name
        for old, new in RENAMED.items():
            if name.startswith(old + "_"):
                name = new + name[len(old):]
                text = text.replace(f"column_id: {old}\n", f"column_id: {new}\n")
        if rule.name == "SkuPriceId_Nullable.yaml":
            text = SKU_PRICE_ID_1_0
        (target / name).write_text(text)
        count += 1
    print(f"focus-validator rule set: {count} rules of {source}, {len(RENAMED)} column IDs as FOCUS 1.0 names them")
    return into


def validate_focus(csv_path: str) -> None:
    import focus_validator

    package = pathlib.Path(focus_validator.__file__).parent
    with tempfile.TemporaryDirectory() as tmp:
        rules = focus_1_0_rules(pathlib.Path(tmp))
        # focus-validator opens its currency list relative to the working directory.
        result = subprocess.run(
            [shutil.which("focus-validator") or "focus-validator", "--data-file", os.path.abspath(csv_path),
             "--validate-version", "1.0", "--rule-set-path", str(rules)],
            cwd=package.parent, capture_output=True, text=True)
    print(result.stdout[-2000:])
    if result.returncode != 0 or "Validation failed" in result.stdout or "failed:" in result.stdout:
        print(result.stderr[-2000:])
        sys.exit(f"focus-validator rejected {csv_path}")


def exact(values) -> decimal.Decimal:
    decimal.getcontext().prec = 80
    total = decimal.Decimal(0)
    for v in values:
        if v is not None:
            total += decimal.Decimal(v)
    return total


def check_sums(db: str, focus_parquet: str, parquet_dir: str) -> None:
    import duckdb

    store = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    expected_costs = exact(r[0] for r in store.execute("SELECT amount FROM results WHERE stream = 'costs'"))
    expected_cost_rows = store.execute("SELECT COUNT(*) FROM results WHERE stream = 'costs'").fetchone()[0]
    expected_by_user = exact(r[0] for r in store.execute("SELECT amount FROM results WHERE stream = 'costs_by_user'"))
    expected_tokens = store.execute(
        "SELECT SUM(input_tokens), SUM(output_tokens), COUNT(*) FROM results WHERE stream NOT IN ('costs', 'costs_by_user')"
    ).fetchone()
    per_day = {
        day: exact(a for (a,) in store.execute(
            "SELECT amount FROM results WHERE stream = 'costs' AND start_time - start_time % 86400 = ?", (start,)))
        for day, start in store.execute(
            "SELECT DISTINCT date(start_time - start_time % 86400, 'unixepoch'), start_time - start_time % 86400 FROM results WHERE stream = 'costs'")
    }
    con = duckdb.connect()
    costs = f"read_parquet('{parquet_dir}/costs/*/*.parquet', hive_partitioning = true)"
    found, rows, kind = con.execute(f"SELECT SUM(amount), COUNT(*), typeof(ANY_VALUE(amount)) FROM {costs}").fetchone()
    assert kind == "DECIMAL(38,18)", kind
    assert decimal.Decimal(found) == expected_costs, (found, expected_costs)
    assert rows == expected_cost_rows, (rows, expected_cost_rows)
    for day, total in con.execute(f"SELECT CAST(date AS VARCHAR), SUM(amount) FROM {costs} GROUP BY date").fetchall():
        assert decimal.Decimal(total) == per_day[day], (day, total, per_day[day])
    assert len(per_day) == con.execute(f"SELECT COUNT(DISTINCT date) FROM {costs}").fetchone()[0]
    by_user = con.execute(f"SELECT SUM(amount) FROM read_parquet('{parquet_dir}/costs_by_user/*/*.parquet', hive_partitioning = true)").fetchone()[0]
    assert decimal.Decimal(by_user) == expected_by_user, (by_user, expected_by_user)
    usage = con.execute(
        f"SELECT SUM(input_tokens), SUM(output_tokens), COUNT(*) FROM read_parquet('{parquet_dir}/usage/*/*.parquet', hive_partitioning = true)"
    ).fetchone()
    assert tuple(usage) == tuple(expected_tokens), (usage, expected_tokens)
    billed, effective = con.execute(f"SELECT SUM(BilledCost), SUM(EffectiveCost) FROM read_parquet('{focus_parquet}')").fetchone()
    assert decimal.Decimal(billed) == expected_costs == decimal.Decimal(effective), (billed, expected_costs)
    print(f"DuckDB: costs {found} over {rows} rows and {len(per_day)} days, by user {by_user}, "
          f"usage {usage[2]} rows, FOCUS 1.2 BilledCost {billed}: all equal to the store's exact sums")


def dump(db: str) -> None:
    """Prints every row of every table in a stable order, without the columns that say when or
    from which cursor it was read and without the log of syncs: two syncs that change no row
    print the same."""
    store = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    skip = {"fetched_at", "committed_at", "last_synced_at", "first_synced_at", "range_start", "page"}
    # sync_runs is the log of syncs: a second sync adds its line there and changes no other row.
    tables = [r[0] for r in store.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'sync_runs' ORDER BY name")]
    for table in tables:
        columns = [r[1] for r in store.execute(f"PRAGMA table_info({table})") if r[1] not in skip]
        listed = ", ".join(columns)
        for row in store.execute(f"SELECT {listed} FROM {table} ORDER BY {listed}"):
            print(table, *row, sep="|")


if __name__ == "__main__":
    if sys.argv[1:2] == ["dump"]:
        dump(sys.argv[2])
    elif sys.argv[1:2] == ["exports"]:
        db, focus_csv, focus_parquet, parquet_dir = sys.argv[2:6]
        validate_focus(focus_csv)
        check_sums(db, focus_parquet, parquet_dir)
    else:
        sys.exit(__doc__)
