"""First-view queries over every row: the data-quality findings and the data's freshness are kept
per data version (data.kept) and equal what the rows say, before and after a write; the case
search cuts the cases before joining orders and equals the plain reading of its definition."""

from __future__ import annotations

import pandas as pd
import pytest

import data
from data import sql
from data.db import insert_frame
from data.freshness import data_freshness
from data.kept import kept
from data.lookup import case_lookup
from data.quality import data_quality_findings

Z = "Asia/Shanghai"


def ts(text):
    return pd.Timestamp(text, tz=Z) if text else pd.NaT


# Every data-quality check finds something; zero_amount finds seven (examples: the five smallest ids).
ORDERS = [
    # id, placed, shipped, delivered, amount, status
    ("O09", "2025-03-01 09:00", "2025-03-02 09:00", "2025-03-01 12:00", 10, "delivered"),  # delivered before shipped
    ("O02", "2025-03-05 09:00", "2025-03-04 09:00", None, 10, "shipped"),  # shipped before placed
    ("O03", "2025-03-01 09:00", "2025-03-02 09:00", None, 10, "delivered"),  # delivered, no date
    ("O04", "2025-03-01 09:00", None, "2025-03-03 09:00", 10, "delivered"),  # delivered, never shipped
    *[(f"O1{n}", "2025-03-01 09:00", None, None, 0, "processing") for n in (7, 1, 6, 2, 5, 3, 4)],  # zero amount
    ("O20", "2025-03-10 09:00", "2025-03-11 09:00", "2025-03-12 09:00", 30, "delivered"),
]
CASES = [
    # id, order, requested, refunded, refund
    ("C1", "O20", "2025-03-09 09:00", None, None),  # requested before its order was placed
    ("C2", "MISSING", "2025-03-15 09:00", None, None),  # no such order
    ("C3", "O20", "2025-03-15 09:00", "2025-03-16 09:00", 31),  # refunded more than the order
    ("C4", "O20", "2025-03-15 09:00", "2025-03-14 09:00", 5),  # refunded before the request
    ("c5", "O09", "2025-03-15 09:00", None, None),  # same request time as C2..C4: ordered by id
]


def _orders(rows) -> pd.DataFrame:
    return pd.DataFrame([{"order_id": o, "placed_at": ts(p), "shipped_at": ts(s), "delivered_at": ts(d),
                          "promised_delivery_at": pd.NaT, "order_amount": a, "currency": "USD",
                          "category": "toys", "country": "US", "status": st} for o, p, s, d, a, st in rows])


def _cases(rows) -> pd.DataFrame:
    return pd.DataFrame([{"case_id": c, "order_id": o, "request": "refund", "reason": "damaged",
                          "requested_at": ts(r), "refunded_at": ts(f), "refund_amount": a}
                         for c, o, r, f, a in rows])


@pytest.fixture
def con(tmp_path):
    connection = data.connect(tmp_path / "checks.duckdb", create_sample=False, quiet=True)
    insert_frame(connection, "orders", _orders(ORDERS))
    insert_frame(connection, "cases", _cases(CASES))
    yield connection
    connection.close()


def _table(con, name: str) -> pd.DataFrame:
    return con.cursor().execute(f"SELECT * FROM {name}").df()  # noqa: S608 - a fixed table name


def expected_findings(con) -> dict[str, tuple[int, list[str]]]:
    """{check: (count, five smallest ids)}, read from the rows in pandas (the checks' definitions)."""
    o, c = _table(con, "orders"), _table(con, "cases")
    j = c.merge(o, on="order_id", how="left", indicator=True)
    found = {
        "delivered_before_shipped": o.order_id[o.delivered_at < o.shipped_at],
        "shipped_before_placed": o.order_id[o.shipped_at < o.placed_at],
        "delivered_without_date": o.order_id[(o.status == "delivered") & o.delivered_at.isna()],
        "delivered_without_shipping": o.order_id[o.delivered_at.notna() & o.shipped_at.isna()],
        "zero_amount": o.order_id[o.order_amount == 0],
        "case_before_order": j.case_id[j.requested_at < j.placed_at],
        "case_without_order": j.case_id[j["_merge"] == "left_only"],
        "refund_above_amount": j.case_id[j.refund_amount.astype(float) > j.order_amount.astype(float)],
        "refunded_before_request": c.case_id[c.refunded_at < c.requested_at],
    }
    return {k: (len(v), sorted(v)[:5]) for k, v in found.items()}


def findings(con) -> dict[str, tuple[int, list[str]]]:
    return {r.check: (int(r.count), list(r.examples)) for r in data_quality_findings(con).itertuples()}


def kept_rows(con) -> set[str]:
    return {r[0] for r in con.cursor().execute("SELECT name FROM kept_results").fetchall()}


def test_every_check_finds_what_the_rows_say(con):
    expected = expected_findings(con)
    assert all(n for n, _ in expected.values())  # the data set exercises every check
    assert expected["zero_amount"] == (7, ["O11", "O12", "O13", "O14", "O15"])
    assert findings(con) == expected


def latest_event(con) -> pd.Timestamp:
    """data_freshness.sql's latest event, run directly."""
    direct = con.cursor().execute(sql.load("data_freshness")).fetchall()[0][0]
    return pd.Timestamp(direct).tz_convert("UTC")


WRITES = {  # a write after the results were kept: (table, rows, findings change?, freshness changes?)
    "a zero-amount order": ("orders", _orders([("O00", "2025-03-01 09:00", None, None, 0, "processing")]), True, False),
    "a later order": ("orders", _orders([("O30", "2025-04-01 09:00", None, None, 5, "processing")]), False, True),
    "an orphan case": ("cases", _cases([("C0", "NOPE", "2025-03-10 09:00", None, None)]), True, False),
    "a case replaced": ("cases", _cases([("C4", "O20", "2025-03-15 09:00", "2025-03-16 09:00", 5)]), True, False),
}


@pytest.mark.parametrize("table, rows, findings_change, freshness_changes", WRITES.values(), ids=WRITES.keys())
def test_kept_results_follow_every_write(con, table, rows, findings_change, freshness_changes):
    before_findings, before_latest = findings(con), data_freshness(con).latest_event
    assert kept_rows(con) == {"data_quality", "data_freshness"}
    assert (findings(con), data_freshness(con).latest_event) == (before_findings, before_latest)  # read back
    insert_frame(con, table, rows)
    after_findings, after_latest = findings(con), data_freshness(con).latest_event
    assert after_findings == expected_findings(con) and after_latest == latest_event(con)
    assert (after_findings != before_findings, after_latest != before_latest) == (findings_change, freshness_changes)


def test_a_stale_kept_result_is_computed_again(con):
    findings(con), data_freshness(con)
    con.cursor().execute("UPDATE kept_results SET payload = (SELECT payload FROM kept_results "
                         "WHERE name = 'data_freshness'), data_version = 'old' WHERE name = 'data_quality'")
    assert findings(con) == expected_findings(con)


def test_a_read_only_file_computes_without_keeping(tmp_path):
    path = tmp_path / "ro.duckdb"
    writer = data.connect(path, create_sample=False, quiet=True)
    insert_frame(writer, "orders", _orders(ORDERS))
    expected = expected_findings(writer)
    writer.close()
    ro = data.connect(path, read_only=True, quiet=True)
    try:
        assert findings(ro) == expected and data_freshness(ro).latest_order is not None
        assert not ro.cursor().execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'kept_results'"
                                       ).fetchall()[0][0]
    finally:
        ro.close()


def test_kept_computes_once_per_data_version(con):
    calls = []

    def compute():
        calls.append(1)
        return con.cursor().sql("SELECT 42 AS answer").to_arrow_table()

    assert [kept(con, "answer", compute).to_pylist() for _ in range(3)] == [[{"answer": 42}]] * 3
    assert len(calls) == 1


SEARCHES = {  # (text, limit)
    "empty: latest cases": ("", 15),
    "empty: the latest one": ("", 1),
    "case id, any case": ("c", 50),
    "order id": ("o20", 50),
    "an order not in orders": ("missing", 50),
    "limit cuts the tie by id": ("", 3),
    "nothing": ("zzz", 50),
}


@pytest.mark.parametrize("text, limit", SEARCHES.values(), ids=SEARCHES.keys())
def test_case_search_is_its_definition(con, text, limit):
    c, o = _table(con, "cases"), _table(con, "orders")
    hit = c.case_id.str.lower().str.contains(text.lower(), regex=False) | \
        c.order_id.str.lower().str.contains(text.lower(), regex=False)
    want = (c[hit].merge(o[["order_id", "category", "country", "order_amount"]], on="order_id", how="left")
            .sort_values(["requested_at", "case_id"], ascending=[False, True]).head(limit))
    got = case_lookup(con, text, limit)
    assert list(got.case_id) == list(want.case_id)
    assert got.category.isna().tolist() == want.category.isna().tolist()
