"""The app with exports and files no one here made (issue 9, C-F, AppTest): the Data page
suggests the decimal comma, offers the ready-made maps by name, shows odd files in its error box;
a missing or foreign database is named; the sample data carries a banner."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import data
from tests.app_support import app_test, open_page, use_app_env

PAGE = "pages/data_page.py"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture()
def db(sample_db, tmp_path) -> Path:
    copy = tmp_path / "db.duckdb"
    shutil.copy(sample_db, copy)
    return copy


def _data_page(db: Path, tmp_path: Path, monkeypatch):
    return open_page(PAGE, db, tmp_path, monkeypatch)


def _query(db: Path, text: str):
    con = data.connect(db, quiet=True)  # the app's configuration: one DuckDB instance per file
    return con.cursor().execute(text).fetchall()


def _errors(app) -> list[str]:
    return [e.value.replace("\\", "") for e in app.error]


def test_semicolon_decimal_comma_file_gets_the_comma_suggested_and_imports(db, tmp_path, monkeypatch):
    app = _data_page(db, tmp_path, monkeypatch)
    text = "order_id;placed_at;order_amount\nEU-1;2026-11-02T10:00:00+01:00;1.234,56\nEU-2;2026-11-02T11:00:00+01:00;12,50\n"
    app.file_uploader(key="dp_file").set_value(("eu.csv", text.encode(), "text/csv")).run()
    assert not app.exception
    decimal = next(b for b in app.selectbox if b.key and b.key.startswith("dp_decimal"))
    assert decimal.value == ","
    assert any("decimal-comma" in i.value for i in app.info)
    assert any("semicolons" in c.value for c in app.caption)
    app.button(key="dp_import").click().run()
    assert not app.exception and not _errors(app), _errors(app)
    got = dict(_query(db, "SELECT order_id, order_amount FROM orders WHERE order_id LIKE 'EU-%'"))
    assert {k: str(v) for k, v in got.items()} == {"EU-1": "1234.56", "EU-2": "12.50"}


def test_shopify_map_is_offered_by_name_and_folds_line_items(db, tmp_path, monkeypatch):
    app = _data_page(db, tmp_path, monkeypatch)
    app.file_uploader(key="dp_file").set_value(("orders_export.csv", (FIXTURES / "shopify_orders.csv").read_bytes(),
                                                "text/csv")).run()
    ready = next(b for b in app.selectbox if b.key and b.key.startswith("dp_ready"))
    assert "Shopify orders export" in ready.options and "Brazilian marketplace (Olist) orders" in ready.options
    ready.set_value("Shopify orders export").run()
    assert not app.exception
    boxes = {b.label: b.value for b in app.selectbox if b.key and b.key.startswith("dp_map")}
    assert boxes["order_id *"] == "Name" and boxes["placed_at *"] == "Created at" and boxes["order_amount"] == "Total"
    app.button(key="dp_import").click().run()
    assert not app.exception and not _errors(app), _errors(app)
    assert any("5 inserted" in s.value for s in app.success)
    status = dict(_query(db, "SELECT order_id, status FROM orders WHERE order_id LIKE '#10%'"))
    assert len(status) == 5 and status["#1003"] == "cancelled"


def test_zendesk_map_is_offered_for_cases(db, tmp_path, monkeypatch):
    from data.importer import import_file
    from data.mapping import READY_MAPS_DIR, load_map

    con = data.connect(db, quiet=True)
    import_file(con, "orders", FIXTURES / "shopify_orders.csv", load_map(READY_MAPS_DIR / "shopify_orders.map.toml", "orders"))
    app = _data_page(db, tmp_path, monkeypatch)
    app.radio(key="dp_table").set_value("cases").run()
    app.file_uploader(key="dp_file").set_value(("tickets.csv", (FIXTURES / "zendesk_tickets.csv").read_bytes(),
                                                "text/csv")).run()
    ready = next(b for b in app.selectbox if b.key and b.key.startswith("dp_ready"))
    ready.set_value("Zendesk tickets export").run()
    boxes = {b.label: b.value for b in app.selectbox if b.key and b.key.startswith("dp_map")}
    assert boxes["case_id *"] == "Id" and boxes["order_id *"] == "Order number [txt]"
    app.button(key="dp_import").click().run()
    assert not app.exception and not _errors(app), _errors(app)
    assert any("3 inserted" in s.value for s in app.success)
    assert dict(_query(db, "SELECT case_id, order_id FROM cases WHERE case_id LIKE '41%'")) == {
        "4101": "#1001", "4102": "#1002", "4103": "#1004"}


def _parquet_bytes(column: pa.Array) -> bytes:
    buf = io.BytesIO()
    pq.write_table(pa.table({"order_id": ["P1", "P2"], "placed_at": ["2026-11-02T10:00:00+08:00"] * 2,
                             "category": column}), buf)
    return buf.getvalue()


@pytest.mark.parametrize("name, content, words", [
    ("nested.parquet", _parquet_bytes(pa.array([["a"], ["b"]])), "column category is a list column"),
    ("bytes.parquet", _parquet_bytes(pa.array([b"\xff", b"ok"], pa.binary())), "not UTF-8 text"),
    ("dup.csv", b"order_id,placed_at,order_amount,Order_Amount\nD1,2026-11-02T10:00:00+08:00,1,2\n",
     "'order_amount' (column 3) and 'Order_Amount' (column 4)"),
], ids=["parquet-list-column", "parquet-binary-not-utf8", "csv-case-variant-header"])
def test_odd_files_land_in_the_error_box(db, tmp_path, monkeypatch, name, content, words):
    app = _data_page(db, tmp_path, monkeypatch)
    app.file_uploader(key="dp_file").set_value((name, content, "application/octet-stream")).run()
    assert not app.exception, [e.value for e in app.exception]
    app.button(key="dp_import").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert any(words in e for e in _errors(app)), _errors(app)


@pytest.mark.parametrize("content, words", [
    ("order_id;placed_at;category\nA1;2026-11-02T10:00:00+08:00;Café\n".encode("cp1252"),
     "line 2, column category: not UTF-8 text"),
    (b"order_id,placed_at\nA1,2026-11-02T10:00:00+08:00,extra,cells\n", "line 2: expected 2 fields, found 4"),
], ids=["windows-1252", "ragged-row"])
def test_an_unreadable_csv_is_named_by_line_on_upload(db, tmp_path, monkeypatch, content, words):
    app = _data_page(db, tmp_path, monkeypatch)
    app.file_uploader(key="dp_file").set_value(("export.csv", content, "text/csv")).run()
    assert not app.exception
    if not _errors(app):  # the preview could show it: the import names the line
        app.button(key="dp_import").click().run()
        assert not app.exception
    assert any(words in e for e in _errors(app)), _errors(app)


def test_a_file_that_is_not_parquet_lands_in_the_error_box(db, tmp_path, monkeypatch):
    app = _data_page(db, tmp_path, monkeypatch)
    app.file_uploader(key="dp_file").set_value(("fake.parquet", b"order_id\nA1\n", "application/octet-stream")).run()
    assert not app.exception
    assert any("cannot be read as a parquet file" in e for e in _errors(app)), _errors(app)


def test_sample_data_carries_a_banner_and_real_data_does_not(db, tmp_path, monkeypatch):
    app = _data_page(db, tmp_path, monkeypatch)
    assert any("Sample data" in i.value for i in app.info)
    real = tmp_path / "real.duckdb"
    con = data.connect(real, create_sample=False, quiet=True)
    con.close()
    app = _data_page(real, tmp_path, monkeypatch)
    assert not any("Sample data" in i.value for i in app.info)


def test_a_missing_database_path_is_named_and_not_created(tmp_path, monkeypatch):
    missing = tmp_path / "typo.duckdb"
    use_app_env(missing, tmp_path, monkeypatch)
    app = app_test().run()
    assert not app.exception
    assert any(f"There is no database at {missing}" in e for e in _errors(app)), _errors(app)
    assert not missing.exists()


def test_another_programs_database_is_refused_untouched(tmp_path, monkeypatch):
    other = tmp_path / "other.duckdb"
    c = duckdb.connect(str(other))
    c.execute("CREATE TABLE invoices (id INTEGER)")
    c.close()
    before = other.read_bytes()
    use_app_env(other, tmp_path, monkeypatch)
    app = app_test().run()
    app.switch_page("pages/weekly_metrics.py").run()
    assert not app.exception
    assert any("is not a Returns Desk database" in e for e in _errors(app)), _errors(app)
    assert other.read_bytes() == before
