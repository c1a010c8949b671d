"""data.whatif keeps what a replay reads that the scenario does not change (the period's cases
with their orders' fields, its orders, the baseline's side) for the next replay of the same
period on the same data: a second scenario must give exactly what a fresh replay gives, and a
write to the data or another period must not reuse what was kept."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
import pytest

import data
from data import decisions as dec
from data import whatif
from data.db import insert_frame
from data.whatif import compare
from policy import default_policy

AS_OF = "2026-11-26T10:00:00+08:00"
TEN_MONTHS = (dt.date(2026, 1, 1), dt.date(2026, 10, 31))
FOUR_WEEKS = (dt.date(2026, 10, 1), dt.date(2026, 10, 28))
SCENARIOS = {
    "return window 45 days": {"returns.window_days": 45},
    "processing 24 h": {"processing.hours": 24},
    "New York calendar and zone": {"calendar.country": "US", "calendar.timezone": "America/New_York"},
    "partial rate 30%": {"partial_refund_rates.slight_defect": 0.30},
    # Chile's clocks change at midnight (a local day starting at 01:00), within the sample's years
    "Santiago calendar and zone": {"calendar.country": "CL", "calendar.timezone": "America/Santiago"},
}


@pytest.fixture()
def db(sample_db, tmp_path):
    """A writable copy of the module's sample database, nothing kept from earlier tests."""
    target = tmp_path / "kept.duckdb"
    target.write_bytes(sample_db.read_bytes())
    dec.clear_cache()
    whatif.clear_kept()
    con = data.connect(target, quiet=True)
    yield con
    con.close()
    dec.clear_cache()
    whatif.clear_kept()


def figures(r: whatif.WhatIfResult) -> dict:
    """Everything a replay shows (not how long it took)."""
    return {
        "counts": (r.first, r.last, r.cases, r.orders, r.changed, r.deadline_only, r.freight_unit,
                   r.freight_estimated, r.changed_keys),
        "matrix": r.matrix.to_dict(), "costs": r.costs.to_dict(),
        "attainment": r.attainment.fillna(-1).to_dict(), "changed_rows": r.changed_rows.fillna(-1).to_dict("list"),
    }


def fresh(con, base, scenario, period) -> dict:
    whatif.clear_kept()
    return figures(compare(con, base, scenario, period, as_of=AS_OF))


@pytest.mark.parametrize("period", [TEN_MONTHS, FOUR_WEEKS], ids=["ten months", "four weeks"])
@pytest.mark.parametrize(("first", "second"), [
    ("processing 24 h", "return window 45 days"),
    ("return window 45 days", "processing 24 h"),
    ("partial rate 30%", "New York calendar and zone"),
    ("New York calendar and zone", "partial rate 30%"),
    ("processing 24 h", "Santiago calendar and zone"),
], ids=lambda name: name)
def test_a_second_scenario_on_the_same_period_reuses_the_input_and_agrees(db, period, first, second):
    base = default_policy()
    compare(db, base, base.replace(SCENARIOS[first]), period, as_of=AS_OF)
    kept = {kind: list(whatif._period_inputs[kind].values().values()) for kind in ("cases", "baseline")}
    assert all(len(values) == 1 for values in kept.values())
    got = figures(compare(db, base, base.replace(SCENARIOS[second]), period, as_of=AS_OF))
    for kind, (value,) in kept.items():
        assert list(whatif._period_inputs[kind].values().values())[0] is value, kind
    assert got == fresh(db, base, base.replace(SCENARIOS[second]), period)


def test_another_period_reads_its_own_cases(db):
    base = default_policy()
    scenario = base.replace(SCENARIOS["return window 45 days"])
    compare(db, base, scenario, TEN_MONTHS, as_of=AS_OF)
    got = figures(compare(db, base, scenario, FOUR_WEEKS, as_of=AS_OF))
    assert got == fresh(db, base, scenario, FOUR_WEEKS)
    assert got["counts"][2] < figures(compare(db, base, scenario, TEN_MONTHS, as_of=AS_OF))["counts"][2]


def test_a_write_between_replays_is_seen(db):
    """New cases written between two replays of the same period are in the second."""
    base = default_policy()
    scenario = base.replace(SCENARIOS["processing 24 h"])
    before = compare(db, base, scenario, FOUR_WEEKS, as_of=AS_OF)
    first, last = (pd.Timestamp(d, tz="Asia/Shanghai") for d in FOUR_WEEKS)
    added = db.cursor().sql(
        "SELECT * FROM cases WHERE requested_at >= $first AND requested_at < $last ORDER BY case_id LIMIT 30",
        params={"first": first.to_pydatetime(), "last": last.to_pydatetime()}).df()
    added["case_id"] = "NEW-" + added["case_id"]
    insert_frame(db, "cases", pa.Table.from_pandas(added, preserve_index=False))
    dec.decisions(db, base)  # the baseline's facts kept current, as the page does before a replay
    after = figures(compare(db, base, scenario, FOUR_WEEKS, as_of=AS_OF))
    assert after["counts"][2] == before.cases + 30
    assert after == fresh(db, base, scenario, FOUR_WEEKS)


def test_an_order_the_scenario_cannot_decide_is_named_by_its_id(db):
    """The replay reads the period's orders by rowid (lighter than millions of ids), yet an order
    whose placing falls outside the scenario calendar's years is named by its id: placed
    2069-12-31 15:00 UTC is 23:00 in Shanghai (the baseline's last calendar year) but already
    2070 in Auckland."""
    base = default_policy()
    order = db.cursor().sql("SELECT * FROM orders ORDER BY order_id LIMIT 1").df()
    order["order_id"] = "LATE-2069"
    order["placed_at"] = pd.Timestamp("2069-12-31 15:00", tz="UTC")
    order[["shipped_at", "delivered_at", "promised_delivery_at"]] = pd.NaT
    insert_frame(db, "orders", pa.Table.from_pandas(order, preserve_index=False))
    dec.decisions(db, base)
    scenario = base.replace({"calendar.country": "NZ", "calendar.timezone": "Pacific/Auckland"})
    with pytest.raises(data.DataError, match=r"order_id LATE-2069: placed_at 2070-01-01 04:00 in Pacific/Auckland"):
        compare(db, base, scenario, (dt.date(2069, 12, 25), dt.date(2069, 12, 31)), as_of=AS_OF)
