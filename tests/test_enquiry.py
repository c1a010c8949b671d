"""The phone/e-mail enquiry (policy.enquiry): known categories, the warning for an unknown one,
what is missing before a decision, the form filled from an order; and the order look-ups behind
it (data.lookup.order_row / order_search / store_categories) on the sample."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

import data
from data.lookup import order_row, order_search, store_categories
from policy.enquiry import category_warning, form_from_order, known_categories, missing_fields

WARRANTY = ("electronics",)


@pytest.mark.parametrize("store, warranty, expected", [
    pytest.param(["apparel", "electronics"], WARRANTY, ["apparel", "electronics"], id="warranty-already-in-store"),
    pytest.param(["apparel"], WARRANTY, ["apparel", "electronics"], id="warranty-added-after-store"),
    pytest.param([" Apparel ", "apparel", ""], (), ["apparel"], id="trimmed-lowered-deduplicated"),
    pytest.param([], WARRANTY, ["electronics"], id="empty-store-policy-only"),
])
def test_known_categories(store, warranty, expected):
    assert known_categories(store, warranty) == expected


KNOWN = ["apparel", "electronics", "home"]


@pytest.mark.parametrize("category, warns, suggestion", [
    pytest.param("electronics", False, None, id="known"),
    pytest.param(" Electronics ", False, None, id="known-any-case"),
    pytest.param("", False, None, id="empty-no-warning"),
    pytest.param(None, False, None, id="none-no-warning"),
    pytest.param("electronic", True, "electronics", id="typo-suggests-closest"),
    pytest.param("garden furniture", True, None, id="unknown-no-close-match"),
])
def test_category_warning(category, warns, suggestion):
    warning = category_warning(category, KNOWN, WARRANTY)
    assert (warning is not None) is warns
    if warns:
        assert "Warranty (A1) covers only electronics" in warning
        assert (f'Did you mean "{suggestion}"?' in warning) is (suggestion is not None)


FULL = {"order_id": "SO1", "order_amount": 10.0, "category": "home", "requested_at": dt.datetime(2026, 11, 2, 9),
        "request": "refund", "reason": "damaged"}


@pytest.mark.parametrize("change, missing", [
    pytest.param({}, [], id="complete"),
    pytest.param({"order_id": " "}, ["Order id"], id="blank-order-id"),
    pytest.param({"order_amount": None}, ["Order amount"], id="no-amount"),
    pytest.param({"order_amount": 0.0}, [], id="zero-amount-is-a-value"),
    pytest.param({"category": ""}, [], id="no-category-engine-decides-without-warranty"),
    pytest.param({"requested_at": None}, ["Customer asked (date and time)"], id="no-request-time"),
    pytest.param({"reason": None}, ["Reason"], id="refund-needs-reason"),
    pytest.param({"reason": None, "request": "cancel"}, [], id="cancel-needs-no-reason"),
    pytest.param({"stamp_labels": [("delivered_at", "Delivered")], "delivered_at_date": dt.date(2026, 11, 1),
                  "delivered_at_time": None}, ["Delivered: time"], id="date-without-time"),
    pytest.param({"stamp_labels": [("delivered_at", "Delivered")], "delivered_at_date": None,
                  "delivered_at_time": None}, [], id="no-date-no-time-fine"),
])
def test_missing_fields(change, missing):
    assert missing_fields({**FULL, **change}) == missing


def test_form_from_order():
    z = ZoneInfo("Asia/Shanghai")
    order = {"order_id": "SO9", "order_amount": Decimal("12.30"), "currency": "USD", "category": " Electronics",
             "placed_at": dt.datetime(2026, 11, 2, 9, 15, tzinfo=z), "shipped_at": None}
    form = form_from_order(order)
    assert form["order_id"] == "SO9" and form["order_amount"] == 12.30 and form["category"] == "electronics"
    assert form["placed_at_date"] == dt.date(2026, 11, 2) and form["placed_at_time"] == dt.time(9, 15)
    assert form["shipped_at_date"] is None and form["shipped_at_time"] is None


@pytest.fixture(scope="module")
def con(sample_db):
    c = data.connect(sample_db, read_only=True)
    yield c
    c.close()


def test_order_without_case_is_found(con):
    lonely = con.cursor().execute("SELECT order_id, category FROM orders o WHERE NOT EXISTS "
                                  "(SELECT 1 FROM cases c WHERE c.order_id = o.order_id) LIMIT 1").fetchall()[0]
    row = order_row(con, lonely[0].lower(), "Asia/Shanghai")
    assert row["order_id"] == lonely[0] and row["cases"] == 0 and row["category"] == lonely[1]
    assert str(row["placed_at"].tzinfo) == "Asia/Shanghai"
    assert lonely[0] in set(order_search(con, lonely[0], 50)["order_id"])


def test_order_with_case_counts_its_cases_and_is_not_in_the_caseless_search(con):
    order_id, n = con.cursor().execute("SELECT order_id, count(*) FROM cases GROUP BY 1 LIMIT 1").fetchall()[0]
    assert order_row(con, order_id)["cases"] == n
    assert order_id not in set(order_search(con, order_id, 50)["order_id"])


def test_unknown_order_is_none(con):
    assert order_row(con, "NO-SUCH-ORDER") is None


def test_store_categories_most_orders_first(con):
    counts = con.cursor().execute("SELECT category, count(*) n FROM orders GROUP BY 1 ORDER BY n DESC, 1").fetchall()
    assert store_categories(con) == [c for c, _ in counts if c]
