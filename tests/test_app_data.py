"""Data page (AppTest): findings are data_quality_findings'; an upload is mapped from its names,
previewed and imported all-or-nothing through data.importer; bad rows are named, nothing changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import data
from data.columns import TABLES
from data.quality import data_quality_findings
from tests.app_support import open_page

PAGE = "pages/data_page.py"
GOOD = (b"Order Number,Order Date,Total,Product Category,Country\n"
        b"WEB-1,2026-11-01T10:00:00+08:00,12.50,toys,US\n"
        b"WEB-2,2026-11-02 09:00,40,=HYPERLINK(1),DE\n")
BAD = b"Order Number,Order Date,Total\nWEB-3,yesterday,5\nWEB-4,2026-11-02 09:00,-1\n"


@pytest.fixture()
def db(sample_db, tmp_path) -> Path:
    """A copy of the module's sample database per test: imports write to it."""
    copy = tmp_path / "db.duckdb"
    shutil.copy(sample_db, copy)
    return copy


@pytest.fixture()
def at(db, tmp_path, monkeypatch):
    return open_page(PAGE, db, tmp_path, monkeypatch)


def _con(db):
    return data.connect(db, quiet=True)  # same configuration as the app's: one DuckDB instance


def _orders(db) -> int:
    cur = _con(db).cursor()
    return cur.execute("SELECT count(*) FROM orders").fetchall()[0][0]


def test_first_load_shows_findings_and_dictionary(at, db):
    assert not at.error
    findings = data_quality_findings(_con(db))
    shown = {m.label: m.value for m in at.metric}
    for row in findings.itertuples():
        if row.count:
            assert shown[row.check.replace("_", " ").capitalize()] == f"{int(row.count):,}"
        else:
            assert any(row.description in c.value.replace("\\", "") for c in at.caption
                       if c.value.startswith("Nothing found"))
    found = findings.set_index("check")["count"]
    assert found["delivered_before_shipped"] > 0 and found["zero_amount"] > 0  # planted in the sample
    table = next(d.value for d in at.dataframe if "description" in d.value.columns)
    assert list(table["check"]) == list(findings["check"])
    for tab in ("orders", "cases"):  # one table at a time: the open tab's
        at.session_state["dp_dict"] = tab
        dictionaries = [d.value for d in at.run().dataframe if "meaning" in d.value.columns]
        assert [list(d["column"]) for d in dictionaries] == [list(TABLES[tab])]


def test_upload_maps_previews_and_imports(at, db):
    before = _orders(db)
    at.file_uploader(key="dp_file").set_value(("shop export.csv", GOOD, "text/csv")).run()
    assert not at.exception and not at.error
    boxes = {b.label: b.value for b in at.selectbox if b.key and b.key.startswith("dp_map")}
    assert boxes["order_id *"] == "Order Number"
    assert boxes["placed_at *"] == "Order Date"
    assert boxes["order_amount"] == "Total"
    assert boxes["category"] == "Product Category"
    assert boxes["country"] == "Country"
    preview = next(d.value for d in at.dataframe if "order_id" in d.value.columns)
    assert list(preview["order_id"]) == ["WEB-1", "WEB-2"]
    at.button(key="dp_import").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("2 inserted" in s.value for s in at.success)
    assert _orders(db) == before + 2
    cur = _con(db).cursor()
    row = cur.execute("SELECT category, order_amount FROM orders WHERE order_id = 'WEB-2'").fetchall()[0]
    assert row[0] == "=HYPERLINK(1)" and float(row[1]) == 40.0  # stored as text, never evaluated
    # the same file again changes nothing
    at.button(key="dp_import").click().run()
    assert any("0 inserted, 0 updated, 2 unchanged" in s.value.replace("\\", "") for s in at.success)


def test_bad_rows_import_nothing_and_are_named(at, db):
    before = _orders(db)
    at.file_uploader(key="dp_file").set_value(("bad.csv", BAD, "text/csv")).run()
    at.button(key="dp_import").click().run()
    assert not at.exception
    errors = [e.value.replace("\\", "") for e in at.error]
    assert any("nothing was imported" in e for e in errors), errors
    table = next(d.value for d in at.dataframe if "reason" in d.value.columns)
    lines = set(zip(table["line"], table["column"]))
    assert (2, "placed_at") in lines and (3, "order_amount") in lines
    assert _orders(db) == before


def test_skip_bad_imports_the_good_rows(at, db):
    before = _orders(db)
    at.file_uploader(key="dp_file").set_value(("bad.csv", BAD, "text/csv")).run()
    at.checkbox(key="dp_skip_bad").check().run()
    at.button(key="dp_import").click().run()
    assert not at.exception
    assert any("0 inserted" in s.value and "2 rejected" in s.value for s in at.success)
    shown = {m.label: m.value for m in at.metric}
    assert (shown["Inserted"], shown["Rejected"]) == ("0", "2")
    assert _orders(db) == before
    rejected = next(d.value for d in at.dataframe if "reason" in d.value.columns)
    assert set(rejected["line"]) == {2, 3}


def test_missing_required_column_blocks_the_import(at):
    at.file_uploader(key="dp_file").set_value(("odd.csv", b"foo,bar\n1,2\n", "text/csv")).run()
    assert not at.exception
    assert any("order_id" in w.value and "placed_at" in w.value for w in at.warning)
    assert at.button(key="dp_import").disabled


def test_cases_table_and_parquet(at, db, tmp_path):
    frame = pd.DataFrame({"ticket_id": ["T-1"], "order_id": ["WEB-404"], "request_type": ["refund"],
                          "return_reason": ["damaged"], "created_at": ["2026-11-03T10:00:00+08:00"]})
    path = tmp_path / "tickets.parquet"
    frame.to_parquet(path)
    at.radio(key="dp_table").set_value("cases").run()
    at.file_uploader(key="dp_file").set_value(("tickets.parquet", path.read_bytes(), "application/octet-stream")).run()
    assert not at.exception, [e.value for e in at.exception]
    boxes = {b.label: b.value for b in at.selectbox if b.key and b.key.startswith("dp_map")}
    assert boxes["case_id *"] == "ticket_id" and boxes["request *"] == "request_type"
    assert boxes["requested_at *"] == "created_at" and boxes["reason"] == "return_reason"
    at.button(key="dp_import").click().run()
    assert not at.exception
    # the order does not exist: the import names it and writes nothing
    errors = [e.value.replace("\\", "") for e in at.error]
    assert errors and "nothing was imported" in errors[0]


def test_hostile_file_name_is_text_and_stays_in_its_folder(at, db):
    name = "../**x** [y](http:evil) <b>.csv"
    at.file_uploader(key="dp_file").set_value((name, GOOD, "text/csv")).run()
    assert not at.exception and not at.error
    heading = next(m.value for m in at.markdown if m.value.startswith("**Map the columns of"))
    assert "<b>" not in heading and "[y](http:evil)" not in heading and "\\*\\*x\\*\\*" in heading
    at.button(key="dp_import").click().run()
    assert any("2 inserted" in s.value for s in at.success)
    assert not (db.parent.parent / "x").exists()
