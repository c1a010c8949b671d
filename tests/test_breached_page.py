"""data.report.breached_page: a week's breached items cut into pages in SQL add up to the week's
breached items (stage_status), most late first, on both sides of every page boundary."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from data.metrics_view import breached_items_csv
from data.report import breached_page, stage_status
from policy import default_policy

AS_OF = "2026-11-26T10:00:00+08:00"
WEEKS = {"last complete week": "2026-11-16", "running week": "2026-11-23", "June": "2026-06-03"}
SIZES = {"one row": 1, "three rows": 3, "one page holds all": 1000}


def _week_breaches(con, week, cases: bool, **filters) -> pd.DataFrame:
    items = stage_status(con, default_policy(), AS_OF, week=week, status="breached", **filters)
    return items[(items["stage"] != "processing") == cases]


@pytest.mark.parametrize("cases", [True, False], ids=["case deadlines", "orders"])
@pytest.mark.parametrize("week", WEEKS.values(), ids=WEEKS.keys())
@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_pages_add_up_to_the_weeks_breaches(con, week, cases, size):
    want = _week_breaches(con, week, cases)
    pages, offset = [], 0
    while True:
        rows, total = breached_page(con, default_policy(), AS_OF, week, cases=cases, offset=offset, limit=size)
        assert total == len(want)
        if rows.empty:
            break
        assert len(rows) <= size
        pages.append(rows)
        offset += size
    assert offset >= len(want) and len(pages) == -(-len(want) // size)
    got = pd.concat(pages, ignore_index=True) if pages else want.iloc[:0]
    assert sorted(got["item_id"] + got["stage"]) == sorted(want["item_id"] + want["stage"])
    late = (got["done"].fillna(pd.Timestamp(AS_OF)) - got["due"]).reset_index(drop=True)
    assert late.is_monotonic_decreasing  # most late first, across pages


@pytest.mark.parametrize("offset_from_end", [-1, 0, 1], ids=["last row", "just past the end", "one page past"])
def test_around_the_last_page(con, offset_from_end):
    total = len(_week_breaches(con, "2026-11-16", True))
    assert total > 1
    rows, counted = breached_page(con, default_policy(), AS_OF, "2026-11-16", offset=total + offset_from_end, limit=5)
    assert counted == total and len(rows) == (1 if offset_from_end == -1 else 0)


@pytest.mark.parametrize("filters", [{"category": "electronics"}, {"country": "DE"}], ids=["category", "country"])
def test_filters(con, filters):
    want = _week_breaches(con, "2026-11-16", True, **filters)
    rows, total = breached_page(con, default_policy(), AS_OF, "2026-11-16", limit=1000, **filters)
    assert total == len(want) and set(rows["item_id"]) == set(want["item_id"])


NO_BREACH_WEEK = {"a week before the data": "2020-01-06"}


@pytest.mark.parametrize("week", {**WEEKS, **NO_BREACH_WEEK}.values(), ids={**WEEKS, **NO_BREACH_WEEK}.keys())
def test_the_breaches_csv_holds_what_the_pages_count(con, week):
    """Weekly metrics enables its breaches download from the pages' totals and builds the CSV
    only when clicked: both must count the same items."""
    totals = sum(breached_page(con, default_policy(), AS_OF, week, cases=c, limit=1)[1] for c in (True, False))
    built = breached_items_csv(con, default_policy(), AS_OF, pd.Timestamp(week).date())
    rows = list(csv.DictReader(io.StringIO(built.decode("utf-8-sig")))) if built is not None else []
    assert len(rows) == totals and (built is None) == (totals == 0)
