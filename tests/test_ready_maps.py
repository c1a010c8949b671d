"""Ready-made maps for exports a store really has (issue 9, F; data/maps/): a Shopify orders
export (one row per line item, folded into one order), a Zendesk ticket export for cases, and the
Brazilian marketplace (Olist) layout — each on a realistic fixture in tests/fixtures/."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

import data
from data.importer import ImportFailed, import_file
from data.mapping import READY_MAPS_DIR, load_map, ready_maps

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHOPIFY = READY_MAPS_DIR / "shopify_orders.map.toml"
ZENDESK = READY_MAPS_DIR / "zendesk_tickets.map.toml"
OLIST = READY_MAPS_DIR / "olist_orders.map.toml"


@pytest.fixture
def con(tmp_path):
    connection = data.connect(tmp_path / "maps.duckdb", create_sample=False, quiet=True)
    yield connection
    connection.close()


def orders(con) -> dict[str, tuple]:
    rows = con.cursor().execute("SELECT order_id, placed_at, shipped_at, order_amount, currency, country, status "
                                "FROM orders ORDER BY order_id").fetchall()
    return {r[0]: r[1:] for r in rows}


def test_the_data_page_offers_each_map_by_name():
    assert list(ready_maps("orders")) == ["Brazilian marketplace (Olist) orders", "Shopify orders export"]
    assert list(ready_maps("cases")) == ["Zendesk tickets export"]


@pytest.mark.parametrize("path, table, other", [(SHOPIFY, "orders", "cases"), (ZENDESK, "cases", "orders"),
                                                (OLIST, "orders", "cases")], ids=["shopify", "zendesk", "olist"])
def test_each_map_is_for_its_table_only(path, table, other):
    assert load_map(path, table).title
    with pytest.raises(data.DataError, match=f"this map is for {table}, not {other}"):
        load_map(path, other)


def test_shopify_line_items_become_one_order_each(con):
    result = import_file(con, "orders", FIXTURES / "shopify_orders.csv", load_map(SHOPIFY, "orders"))
    assert (result.rows, result.inserted) == (5, 5)  # 10 line-item rows, 5 orders
    got = orders(con)
    assert set(got) == {"#1001", "#1002", "#1003", "#1004", "#1005"}
    placed, shipped, amount, currency, country, status = got["#1001"]
    assert placed == pd.Timestamp("2024-03-01 10:15:32+08:00") and shipped == pd.Timestamp("2024-03-02 15:40:11+08:00")
    assert (amount, currency, country, status) == (Decimal("63.32"), "USD", "US", "fulfilled")
    assert got["#1003"][-1] == "cancelled" and got["#1003"][1] is None  # Cancelled at filled
    assert got["#1004"][2] == Decimal("1339.20") and got["#1004"][-1] == "partial"
    assert got["#1005"][1] is None and got["#1005"][-1] == "unfulfilled"
    again = import_file(con, "orders", FIXTURES / "shopify_orders.csv", load_map(SHOPIFY, "orders"))
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 5)


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    path = tmp_path / "shopify_orders.csv"
    text = (FIXTURES / "shopify_orders.csv").read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8", newline="")
    return path


def test_a_bad_cell_is_named_by_the_orders_first_physical_line(con, tmp_path):
    """#1004 starts on physical line 9: #1002's note holds a line break, so it is the 7th record."""
    path = _edited(tmp_path, ",1339.20,", ",ten,")
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[8].startswith("#1004,")
    with pytest.raises(ImportFailed, match=r"line 9, column order_amount \(file: Total\), value 'ten'"):
        import_file(con, "orders", path, load_map(SHOPIFY, "orders"))


def test_rows_of_one_order_that_disagree_are_refused_naming_both_lines(con, tmp_path):
    path = _edited(tmp_path, "#1005,", "#1001,")  # a second, different order reusing the name #1001
    with pytest.raises(data.DataError) as err:
        import_file(con, "orders", path, load_map(SHOPIFY, "orders"))
    assert "line 11" in str(err.value) and "on line 2, the first row of order_id #1001" in str(err.value)
    assert orders(con) == {}


def test_a_per_line_item_column_mapped_by_mistake_is_caught(con):
    cmap = load_map(SHOPIFY, "orders")
    wrong = type(cmap)(**{**cmap.__dict__, "columns": {**cmap.columns, "order_amount": "Lineitem price"}})
    with pytest.raises(data.DataError, match="column Lineitem price, value '10.00': differs from '34.00' on line 2"):
        import_file(con, "orders", FIXTURES / "shopify_orders.csv", wrong)


def test_zendesk_tickets_become_cases_of_the_shopify_orders(con):
    import_file(con, "orders", FIXTURES / "shopify_orders.csv", load_map(SHOPIFY, "orders"))
    result = import_file(con, "cases", FIXTURES / "zendesk_tickets.csv", load_map(ZENDESK, "cases"))
    assert result.inserted == 3
    rows = {r[0]: r[1:] for r in con.cursor().execute(
        "SELECT case_id, order_id, request, reason, requested_at, has_media, closed_at, agent FROM cases").fetchall()}
    assert rows["4101"] == ("#1001", "refund", "damaged", pd.Timestamp("2024-03-04 09:30+08:00"), True,
                            pd.Timestamp("2024-03-06 17:00+08:00"), "Li Wei")
    assert rows["4102"][:3] == ("#1002", "exchange", "faulty") and rows["4102"][4] is False
    assert rows["4103"][1:3] == ("refund_status", None) and rows["4103"][-1] is None
    replied = dict(con.cursor().execute("SELECT case_id, replied_at FROM cases").fetchall())
    assert replied["4101"] == pd.Timestamp("2024-03-04 09:30+08:00") + pd.Timedelta(minutes=95)  # first reply 95 min
    assert replied["4102"] == pd.Timestamp("2024-03-07 14:05+08:00") + pd.Timedelta(minutes=115)
    assert replied["4103"] is None  # not answered yet


@pytest.mark.parametrize("cell, expected", [
    ("95", "2024-03-04 11:05+08:00"), ("0", "2024-03-04 09:30+08:00"), ("0.5", "2024-03-04 09:30:30+08:00"),
    ("", None), ("soon", "not a number of minutes"), ("-5", "not a number of minutes"),
], ids=["whole-minutes", "zero", "half-minute", "blank-not-replied", "text-refused", "negative-refused"])
def test_first_reply_minutes_become_the_reply_time(con, tmp_path, cell, expected):
    import_file(con, "orders", FIXTURES / "shopify_orders.csv", load_map(SHOPIFY, "orders"))
    path = tmp_path / "tickets.csv"
    path.write_text("Id,Order number [txt],Request type [list],Return reason [list],Created at,"
                    "First reply time in minutes,Photos attached [chk],Solved at,Assignee\n"
                    f"9,#1001,refund,damaged,2024-03-04 09:30:00 +0800,{cell},false,,Li Wei\n", encoding="utf-8")
    cmap = load_map(ZENDESK, "cases")
    if expected and not expected[0].isdigit():
        with pytest.raises(ImportFailed, match=f"line 2, column replied_at \\(file: First reply time in minutes\\), value '{cell}': {expected}"):
            import_file(con, "cases", path, cmap)
        return
    import_file(con, "cases", path, cmap)
    got = con.cursor().execute("SELECT replied_at FROM cases").fetchall()[0][0]
    assert got == (pd.Timestamp(expected) if expected else None)


@pytest.mark.parametrize("spec, words", [
    ({"minutes_after_request": {"closed_at": "x"}}, "takes one key, replied_at"),
    ({"minutes_after_request": {"replied_at": "x"}, "columns": {"replied_at": "y"}}, "both a column and minutes"),
    ({"rows": {"several_per_key": "yes"}}, "several_per_key = true or false"),
    ({"status": {"cancelled_when": ""}}, "cancelled_when"),
    ({"about": {"table": "orders"}}, "this map is for orders, not cases"),
], ids=["minutes-other-column", "minutes-and-column", "rows-not-bool", "cancelled-when-empty", "wrong-table"])
def test_map_sections_are_checked(spec, words):
    from data.mapping import parse_map

    with pytest.raises(data.DataError, match=words):
        parse_map(spec, "cases")


def test_olist_layout_through_the_shipped_map(con):
    result = import_file(con, "orders", FIXTURES / "olist_orders.csv", load_map(OLIST, "orders"))
    assert result.inserted == 6
    got = orders(con)
    assert {v[3] for v in got.values()} == {"BRL"}
    placed = got["e481f51cbdc54678b7cc49136f2d6af7"][0]
    assert placed == pd.Timestamp("2017-10-02 10:56", tz="America/Sao_Paulo")


def test_weekly_report_over_a_shopify_and_zendesk_store(con):
    from data.report import weekly_report
    from policy import load_policy

    import_file(con, "orders", FIXTURES / "shopify_orders.csv", load_map(SHOPIFY, "orders"))
    import_file(con, "cases", FIXTURES / "zendesk_tickets.csv", load_map(ZENDESK, "cases"))
    weeks = {w["week"]: w for w in weekly_report(con, load_policy(), None, None, "2024-04-30T00:00:00+08:00").to_dict()["weeks"]}
    assert sum(w["orders"] for w in weeks.values()) == 5 and sum(w["cases"] for w in weeks.values()) == 3
    processing = [w["processing"] for w in weeks.values()]
    assert sum(p["met"] + p["breached"] + p["pending"] for p in processing) == 4  # the cancelled order has no stage


def test_cli_takes_a_ready_map_by_path(tmp_path):
    import subprocess
    import sys

    db = tmp_path / "cli.duckdb"
    src = tmp_path / "export.csv"
    shutil.copy(FIXTURES / "shopify_orders.csv", src)
    res = subprocess.run([sys.executable, "-m", "data", "import", "orders", str(src), "--map", str(SHOPIFY),
                          "--db", str(db)], cwd=READY_MAPS_DIR.parent.parent, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "5 rows read" in res.stdout and "5 inserted" in res.stdout
