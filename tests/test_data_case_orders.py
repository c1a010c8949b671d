"""data.decisions reads each case's order fields in two narrow queries and puts them together
by rowid (data/sql/decide_cases_input.sql, decide_case_orders.sql). Checked here against the
plain join, on cases whose order is unknown and on rows rewritten by an upsert."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data import decisions as dec
from data.db import connect, insert_frame

Z = "Asia/Shanghai"


def _order(i: int) -> dict:
    return {"order_id": f"O{i}", "placed_at": pd.Timestamp("2026-03-02 09:00", tz=Z) + pd.Timedelta(hours=i),
            "delivered_at": pd.Timestamp("2026-03-06 12:00", tz=Z) if i % 2 else None,
            "promised_delivery_at": pd.Timestamp("2026-03-07 23:59", tz=Z),
            "order_amount": 10.0 * i + 0.5, "currency": "USD" if i % 3 else "EUR",
            "category": "books", "country": "DE", "status": "delivered"}


def _case(i: int, order_id: str) -> dict:
    return {"case_id": f"C{i}", "order_id": order_id, "request": "refund", "reason": "changed_mind",
            "requested_at": pd.Timestamp("2026-03-10 10:00", tz=Z) + pd.Timedelta(minutes=i)}


PLAIN_JOIN = """
SELECT c.case_id, o.rowid AS order_rid, o.delivered_at, o.promised_delivery_at,
       CAST(coalesce(o.order_amount, 0) AS DOUBLE) AS order_amount, o.currency
FROM cases c LEFT JOIN orders o USING (order_id) ORDER BY c.case_id
"""


@pytest.mark.parametrize("upsert_again", [False, True], ids=["fresh-rows", "after-an-upsert"])
def test_case_order_fields_equal_the_plain_join(tmp_path, upsert_again):
    con = connect(tmp_path / "links.duckdb", create_sample=False)
    insert_frame(con, "orders", pd.DataFrame([_order(i) for i in range(9, 0, -1)]))
    cases = [_case(1, "O5"), _case(2, "NO-SUCH-ORDER"), _case(3, "O1"), _case(4, "O9"), _case(5, "O5")]
    insert_frame(con, "cases", pd.DataFrame(cases))
    if upsert_again:  # rewrite some rows, so rowids no longer follow the case order
        insert_frame(con, "cases", pd.DataFrame([_case(3, "O2"), _case(1, "O7")]))
        insert_frame(con, "orders", pd.DataFrame([_order(2)]))
    got = dec._cases_input(con).to_pandas().sort_values("case_id").reset_index(drop=True)
    want = con.cursor().sql(PLAIN_JOIN).df()
    assert got["case_id"].tolist() == want["case_id"].tolist()
    for name in dec.CASE_ORDER_FIELDS:
        pd.testing.assert_series_equal(got[name], want[name], check_dtype=False, check_names=False, obj=name)
    unknown = got.set_index("case_id").loc["C2"]
    assert pd.isna(unknown["order_rid"]) and unknown["order_amount"] == 0.0
    con.close()


@pytest.mark.parametrize(("rid", "wanted", "expected"), [
    ([0, 1, 2, 5], [5, 0, 3, -1], [3, 0, -1, -1]),
    ([7, 2, 9, 4], [4, 9, 8, 2, 7], [3, 2, -1, 1, 0]),  # rowids out of order
    ([], [1, 2], [-1, -1]),
    ([3], [3, 4, 2], [0, -1, -1]),
    ([1], [], []),
    ([900, 4, 7000], [7000, 5, 4, -1, 900], [2, -1, 1, -1, 0]),  # sparse: searched, not a lookup table
], ids=["ascending", "out-of-order", "empty-table", "one-row", "nothing-wanted", "sparse-out-of-order"])
def test_rows_of(rid, wanted, expected):
    import numpy as np

    got = dec.rows_of(np.array(rid, np.int64), np.array(wanted, np.int64))
    assert got.tolist() == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 5000), unique=True), st.lists(st.integers(-1, 5000)))
def test_rows_of_finds_each_wanted_rowid_dense_or_sparse(rid, wanted):
    import numpy as np

    got = dec.rows_of(np.array(rid, np.int64), np.array(wanted, np.int64))
    position = {r: i for i, r in enumerate(rid)}
    assert got.tolist() == [position.get(w, -1) for w in wanted]


def test_an_empty_orders_table_leaves_order_fields_null(tmp_path):
    con = connect(tmp_path / "no-orders.duckdb", create_sample=False)
    insert_frame(con, "cases", pd.DataFrame([_case(1, "O1"), _case(2, "O2")]))
    got = dec._cases_input(con)
    assert got.column("order_rid").null_count == 2 and got.column("order_amount").to_pylist() == [0.0, 0.0]
    con.close()
