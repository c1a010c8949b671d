"""Import (data-contract.md, "Import"): all-or-nothing, errors naming line/column/value,
idempotent keyed upsert, --skip-bad rejects, real exports with another layout and zone."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from data.db import DatabaseLocked, DataError, connect, data_version  # noqa: E402
from data.importer import ImportFailed, import_file  # noqa: E402
from data.mapping import load_map, parse_map, suggest_mapping  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
HEADER = "order_id,placed_at,shipped_at,order_amount,currency,category,country,status\n"
GOOD = [
    "A1,2025-03-04T09:00:00+08:00,2025-03-05T10:00:00+08:00,40.00,USD,toys,US,delivered",
    "A2,2025-03-04 10:30:00,,12.5,usd,home,DE,processing",
    "A3,2025-03-05T01:00:00Z,2025-03-06T08:00:00+08:00,\"1,200.00\",USD,electronics,GB,shipped",
]


def write(path: Path, lines: list[str], header: str = HEADER) -> Path:
    path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def con(tmp_path):
    c = connect(tmp_path / "import.duckdb", create_sample=False)
    yield c
    c.close()


def rows(con, table="orders"):
    return con.cursor().execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()


def test_good_file_imports_and_second_import_changes_nothing(con, tmp_path):
    f = write(tmp_path / "orders.csv", GOOD)
    first = import_file(con, "orders", f)
    assert (first.rows, first.inserted, first.updated, first.unchanged) == (3, 3, 0, 0)
    before, version = rows(con), data_version(con)
    again = import_file(con, "orders", f)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    assert rows(con) == before and data_version(con) == version
    stored = {r[0]: r for r in before}
    assert str(stored["A3"][5]) == "1200.00"
    assert stored["A2"][6] == "USD"  # codes upper-cased
    assert pd.Timestamp(stored["A2"][1]) == pd.Timestamp("2025-03-04 10:30", tz="Asia/Shanghai")
    assert pd.Timestamp(stored["A3"][1]) == pd.Timestamp("2025-03-05 01:00", tz="UTC")


def test_changed_row_is_updated_and_missing_columns_keep_their_value(con, tmp_path):
    import_file(con, "orders", write(tmp_path / "a.csv", GOOD))
    partial = write(tmp_path / "b.csv", ["A1,2025-03-04T09:00:00+08:00,55.10"], header="order_id,placed_at,order_amount\n")
    result = import_file(con, "orders", partial)
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 0)
    a1 = [r for r in rows(con) if r[0] == "A1"][0]
    assert str(a1[5]) == "55.10" and a1[7] == "toys" and a1[2] is not None


BAD_CELLS = {
    "unreadable_timestamp": ("B1,03/04/2025 9:00,,1,USD,x,US,", "placed_at", "03/04/2025 9:00", "not a timestamp"),
    "missing_required_timestamp": ("B1,,,1,USD,x,US,", "placed_at", None, "required"),
    "missing_key": (",2025-03-04T09:00:00,,1,USD,x,US,", "order_id", None, "required"),
    "text_amount": ("B1,2025-03-04T09:00:00,,ten,USD,x,US,", "order_amount", "ten", "not an amount"),
    "negative_amount": ("B1,2025-03-04T09:00:00,,-5,USD,x,US,", "order_amount", "-5", "negative"),
    "bad_currency": ("B1,2025-03-04T09:00:00,,5,dollars,x,US,", "currency", "dollars", "ISO 4217"),
    "year_out_of_calendar": ("B1,1970-01-01T00:00:00Z,,5,USD,x,US,", "placed_at", "1970-01-01T00:00:00Z", "year outside 2000..2069"),
    "impossible_date": ("B1,2025-02-30T09:00:00,,5,USD,x,US,", "placed_at", "2025-02-30T09:00:00", "not a timestamp"),
}


@pytest.mark.parametrize("case", list(BAD_CELLS))
def test_one_bad_cell_rejects_the_whole_file_and_names_it(con, tmp_path, case):
    line, column, value, reason = BAD_CELLS[case]
    f = write(tmp_path / "messy.csv", GOOD + [line])  # the bad row is line 5 (header = 1)
    with pytest.raises(ImportFailed) as err:
        import_file(con, "orders", f)
    assert rows(con) == []  # all or nothing
    first = err.value.errors.iloc[0]
    assert (first.line, first.column) == (5, column)
    assert (first.value if isinstance(first.value, str) and first.value.strip() else None) == value
    assert reason in first.reason
    assert f"line 5, column {column}" in str(err.value)


def test_duplicate_key_in_one_file_is_an_error(con, tmp_path):
    f = write(tmp_path / "dup.csv", GOOD + [GOOD[0]])
    with pytest.raises(ImportFailed) as err:
        import_file(con, "orders", f)
    assert "duplicate key, first on line 2" in str(err.value)


def test_skip_bad_imports_good_rows_and_writes_rejects(con, tmp_path):
    f = write(tmp_path / "messy.csv", GOOD + [BAD_CELLS["text_amount"][0], BAD_CELLS["missing_key"][0]])
    result = import_file(con, "orders", f, skip_bad=True)
    assert (result.inserted, result.rejected) == (3, 2)
    assert result.rejects_path == tmp_path / "messy.csv.rejects.csv"
    rejects = pd.read_csv(result.rejects_path, dtype=str, keep_default_na=False)
    assert list(rejects["line"]) == ["5", "6"]
    assert "order_amount = 'ten': not an amount" in rejects["reason"][0]
    assert "order_id = blank: required" in rejects["reason"][1]
    assert list(rejects.columns[:3]) == ["line", "reason", "order_id"]


def test_cases_must_reference_stored_orders(con, tmp_path):
    import_file(con, "orders", write(tmp_path / "o.csv", GOOD))
    header = "case_id,order_id,request,reason,requested_at,has_media\n"
    f = write(tmp_path / "c.csv", ["C1,A1,refund,damaged,2025-03-10T10:00:00,no",
                                   "C2,ZZ,refund,damaged,2025-03-10T10:00:00,yes",
                                   "C3,A2,refund,,2025-03-10T10:00:00,maybe",
                                   "C4,A2,return,damaged,2025-03-10T10:00:00,"], header=header)
    with pytest.raises(ImportFailed) as err:
        import_file(con, "cases", f)
    got = {(r.line, r.column) for r in err.value.errors.itertuples()}
    assert got == {(3, "order_id"), (4, "reason"), (4, "has_media"), (5, "request")}
    ok = write(tmp_path / "c2.csv", ["C1,A1,refund,damaged,2025-03-10T10:00:00,no",
                                     "C9,A3,cancel,,2025-03-10T10:00:00,"], header=header)
    result = import_file(con, "cases", ok)
    assert result.inserted == 2
    stored = dict(con.cursor().execute("SELECT case_id, has_media FROM cases").fetchall())
    assert stored == {"C1": False, "C9": True}  # blank -> default true


def test_parquet_import_matches_csv(con, tmp_path):
    csv_path = write(tmp_path / "o.csv", GOOD)
    import_file(con, "orders", csv_path)
    expected = rows(con)
    other = connect(tmp_path / "other.duckdb", create_sample=False)
    pq = tmp_path / "o.parquet"
    con.cursor().execute(f"COPY orders TO '{pq}' (FORMAT parquet)")
    assert import_file(other, "orders", pq).inserted == 3
    assert rows(other) == expected


def test_real_export_with_map_zone_and_format(con):
    cmap = load_map(FIXTURES / "olist_orders.map.toml", "orders")
    result = import_file(con, "orders", FIXTURES / "olist_orders.csv", cmap)
    assert (result.inserted, result.rejected) == (6, 0)
    got = con.cursor().execute(
        "SELECT order_id, placed_at, delivered_at, currency, category, order_amount FROM orders").df().set_index("order_id")
    first = got.loc["e481f51cbdc54678b7cc49136f2d6af7"]
    assert first.placed_at == pd.Timestamp("2017-10-02 13:56", tz="UTC")  # 10:56 at -03:00
    dst = got.loc["53cdb2fc8bc7dce0b6741e2150273451"]
    assert dst.placed_at == pd.Timestamp("2017-10-20 16:05", tz="UTC")  # summer time, -02:00
    assert pd.isna(got.loc["949d5b44dbf5de918fe9c16f97b45f8a"].delivered_at)  # blank cell
    assert pd.isna(got.loc["ad21c59c0840e6cb83a9ceb5573f8159"].category)
    assert set(got.currency) == {"BRL"}  # [defaults]
    cases_map = load_map(FIXTURES / "helpdesk_cases.map.toml", "cases")
    res = import_file(con, "cases", FIXTURES / "helpdesk_cases.csv", cases_map)
    assert res.inserted == 3
    c = con.cursor().execute("SELECT case_id, requested_at, has_media, agent FROM cases ORDER BY 1").fetchall()
    assert c[0][0] == "T-1001" and pd.Timestamp(c[0][1]) == pd.Timestamp("2017-10-12 12:30", tz="UTC")  # before summer time: -03:00
    assert [r[2] for r in c] == [True, False, True]
    again = import_file(con, "orders", FIXTURES / "olist_orders.csv", cmap)
    assert again.unchanged == 6


def test_canceled_real_export_order_has_no_processing_stage(con):
    from data.report import stage_status

    import_file(con, "orders", FIXTURES / "olist_orders.csv", load_map(FIXTURES / "olist_orders.map.toml", "orders"))
    items = stage_status(con, as_of="2018-06-01", stage="processing")
    assert "a4591c265e18cb1dcee52889e2d8acc3" not in set(items["item_id"])
    assert len(items) == 5


FILE_PROBLEMS = {
    "missing_file": (None, "not found"),
    "empty_file": ("", "is empty"),
    "header_only": (HEADER, "no data rows"),
    "unknown_columns": ("foo,bar\n1,2\n", "none of the orders columns"),
}


@pytest.mark.parametrize("case", list(FILE_PROBLEMS))
def test_unusable_files_give_clear_messages(con, tmp_path, case):
    content, message = FILE_PROBLEMS[case]
    f = tmp_path / "in.csv"
    if content is not None:
        f.write_text(content)
    with pytest.raises(DataError, match=message):
        import_file(con, "orders", f)


def test_map_with_none_of_its_columns_present(con, tmp_path):
    f = write(tmp_path / "o.csv", GOOD)
    cmap = parse_map({"columns": {"order_id": "id", "placed_at": "created"}}, "orders")
    with pytest.raises(DataError, match="none of the mapped columns"):
        import_file(con, "orders", f, cmap)


@pytest.mark.parametrize("bad,message", [
    ({"columns": {"nope": "x"}}, "columns.nope is not a column of orders"),
    ({"timestamps": {"timezone": "Mars/Base"}}, "not a known time zone"),
    ({"timestamps": {"format": "dd/mm/yyyy"}}, "not a strftime format"),
    ({"extra": {}}, "unknown section"),
], ids=["unknown_column", "unknown_zone", "not_strftime", "unknown_section"])
def test_bad_maps_name_the_key(bad, message):
    with pytest.raises(DataError, match=message):
        parse_map(bad, "orders")


def test_suggest_mapping_for_real_exports():
    header = (FIXTURES / "olist_orders.csv").read_text().splitlines()[0].split(",")
    assert suggest_mapping(header, "orders") == {
        "order_id": "order_id", "placed_at": "order_purchase_timestamp",
        "shipped_at": "order_delivered_carrier_date", "delivered_at": "order_delivered_customer_date",
        "promised_delivery_at": "order_estimated_delivery_date", "order_amount": "payment_value",
        "category": "product_category_name", "country": "customer_state", "status": "order_status",
    }
    tickets = (FIXTURES / "helpdesk_cases.csv").read_text().splitlines()[0].split(",")
    got = suggest_mapping(tickets, "cases")
    assert got["case_id"] == "Ticket ID" and got["order_id"] == "Order" and got["requested_at"] == "Created"


def _cli(*args: str, env_db: Path | None = None) -> subprocess.CompletedProcess:
    import os

    env = dict(os.environ)
    if env_db:
        env["RETURNS_DESK_DB"] = str(env_db)
    return subprocess.run([sys.executable, "-m", "data", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_cli_import_and_skip_bad(tmp_path):
    db = tmp_path / "cli.duckdb"
    f = write(tmp_path / "o.csv", GOOD + [BAD_CELLS["text_amount"][0]])
    bad = _cli("import", "orders", str(f), "--db", str(db))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "line 5, column order_amount, value 'ten'" in bad.stderr
    ok = _cli("import", "orders", str(f), "--skip-bad", env_db=db)
    assert ok.returncode == 0, ok.stderr
    assert "3 inserted" in ok.stdout and "1 rejected" in ok.stdout
    assert (tmp_path / "o.csv.rejects.csv").exists()
    missing = _cli("import", "orders", str(tmp_path / "nope.csv"), "--db", str(db))
    assert missing.returncode == 2 and "not found" in missing.stderr and "Traceback" not in missing.stderr


def test_locked_database_gives_a_clear_message(tmp_path):
    db = tmp_path / "locked.duckdb"
    connect(db, create_sample=False).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import duckdb, sys, time
            con = duckdb.connect({str(db)!r})
            print("ready", flush=True)
            sys.stdin.read()
        """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(DatabaseLocked, match="in use by another process"):
            connect(db)
        f = write(tmp_path / "o.csv", GOOD)
        res = _cli("import", "orders", str(f), "--db", str(db))
        assert res.returncode == 2 and "in use by another process" in res.stderr
        assert "Traceback" not in res.stderr
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


def test_progress_is_reported_for_large_files(con, tmp_path, monkeypatch):
    import data.importer as importer

    monkeypatch.setattr(importer, "PROGRESS_BYTES", 100)
    messages: list[str] = []
    f = write(tmp_path / "o.csv", GOOD)
    import_file(con, "orders", f, progress=messages.append)
    assert any("read 3 rows" in m for m in messages)
    assert time.monotonic() > 0


RENAMED = "id,when,payment_value,cur\nB1,2025-03-04T09:00:00,5,USD\nB2,2025-03-04T09:00:00,ten,USD\n"


@pytest.mark.parametrize("columns, defaults, expected", [
    ({"order_id": "id", "placed_at": "when", "order_amount": "payment_value", "currency": "cur"}, {},
     ("order_amount", "payment_value", "line 3, column order_amount (file: payment_value), value 'ten'")),
    ({"order_id": "id", "placed_at": "when", "order_amount": "payment_value"}, {"currency": "dollars"},
     ("currency", "(default)", "line 2, column currency (file: (default)), value 'dollars'")),
], ids=["renamed_column_named_both_ways", "map_default_named_as_default"])
def test_errors_name_the_apps_and_the_files_column(tmp_path, columns, defaults, expected):
    column, file_column, sentence = expected
    f = tmp_path / "renamed.csv"
    f.write_text(RENAMED if "currency" in columns else RENAMED.replace("ten", "6"), encoding="utf-8")
    with pytest.raises(ImportFailed) as err:
        import_file(connect(tmp_path / "db.duckdb", create_sample=False), "orders", f,
                    {"columns": columns, "defaults": defaults})
    assert sentence in str(err.value)
    assert (column, file_column) in set(zip(err.value.errors["column"], err.value.errors["file_column"]))


def test_cli_errors_name_the_files_column(tmp_path):
    f = tmp_path / "renamed.csv"
    f.write_text(RENAMED, encoding="utf-8")
    m = tmp_path / "renamed.map.toml"
    m.write_text('[columns]\norder_id = "id"\nplaced_at = "when"\norder_amount = "payment_value"\ncurrency = "cur"\n')
    bad = _cli("import", "orders", str(f), "--map", str(m), "--db", str(tmp_path / "db.duckdb"))
    assert bad.returncode == 2, bad.stderr
    assert "line 3, column order_amount (file: payment_value), value 'ten'" in bad.stderr
