"""data.whatif.compare: replaying a period under a baseline and a scenario policy (no Streamlit).

Every figure is checked against an independent computation from the decisions tables or the
weekly report, on the built-in sample.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow.compute as pa_compute
import pytest

from data import whatif
from data.decisions import DEADLINES, decisions
from data.report import weekly_report
from data.whatif import compare
from policy import default_policy

AS_OF = "2026-11-26T10:00:00+08:00"
PERIOD = (dt.date(2026, 1, 1), dt.date(2026, 10, 31))


@pytest.fixture(scope="module")
def base():
    return default_policy()


@pytest.fixture(scope="module")
def longer(base):
    return base.replace({"returns.window_days": 45})


def _period_cases(con, policy) -> pd.DataFrame:
    d = decisions(con, policy)
    facts = d.case_facts.select(["case_id", "day", "reason", "freight_paid"]).to_pandas()
    cases = d.cases.select(["case_id", "outcome", "refund_kind", "refund_due", "freight_payer",
                            "other_costs_payer", "missing"]).to_pandas()
    for col in ("outcome", "refund_kind", "freight_payer", "other_costs_payer", "missing"):
        cases[col] = cases[col].astype(str)
    frame = facts.merge(cases, on="case_id")
    day = pd.to_datetime(frame["day"]).dt.date
    return frame[(day >= PERIOD[0]) & (day <= PERIOD[1])].set_index("case_id")


def test_same_policy_changes_nothing(con, base):
    r = compare(con, base, base, PERIOD, as_of=AS_OF)
    assert r.cases > 1000 and r.orders > r.cases
    assert r.changed == 0 and r.deadline_only == 0 and r.changed_rows.empty
    off_diagonal = r.matrix.to_numpy().sum() - r.matrix.to_numpy().trace()
    assert off_diagonal == 0 and r.matrix.to_numpy().sum() == r.cases
    assert (r.costs["change"] == 0).all()
    assert r.attainment["change"].fillna(0).eq(0).all()
    assert r.changed_keys == []


def test_longer_return_window_counts_match_the_decisions(con, base, longer):
    r = compare(con, base, longer, PERIOD, as_of=AS_OF)
    before, after = _period_cases(con, base), _period_cases(con, longer).loc[_period_cases(con, base).index]
    fields = ["outcome", "refund_kind", "refund_due", "freight_payer", "other_costs_payer", "missing"]
    differs = (before[fields].astype(str) != after[fields].astype(str)).any(axis=1)
    assert r.cases == len(before)
    assert r.changed == int(differs.sum()) > 0
    # 15 more days: only manual reviews (late returns/exchanges) go through; nothing gets worse
    moved = r.matrix.copy()
    for o in moved.index:
        moved.loc[o, o] = 0
    assert set(moved.stack()[lambda s: s > 0].index) <= {("manual_review", "return_refund"),
                                                         ("manual_review", "exchange")}
    assert moved.to_numpy().sum() == r.changed
    assert r.deadline_only > 0  # the end of the return window moves for every delivered order
    assert r.changed_keys == [("returns.window_days", 30, 45)]
    # the changed rows are exactly the cases that differ, newest first
    assert set(r.changed_rows["case_id"]) == set(differs[differs].index)
    assert list(r.changed_rows["requested_on"]) == sorted(r.changed_rows["requested_on"], reverse=True)
    assert (r.changed_rows["outcome_before"] == "manual_review").all()


def test_costs_match_the_decisions(con, base, longer):
    r = compare(con, base, longer, PERIOD, as_of=AS_OF)
    before = _period_cases(con, base)
    after = _period_cases(con, longer)
    assert r.costs.at["refunds", "before"] == pytest.approx(float(before["refund_due"].astype(float).sum()), abs=0.01)
    assert r.costs.at["refunds", "after"] == pytest.approx(float(after["refund_due"].astype(float).sum()), abs=0.01)
    partial = before[before["refund_kind"] == "partial"]["refund_due"].astype(float).sum()
    assert r.costs.at["partial refunds", "before"] == pytest.approx(float(partial), abs=0.01)
    assert r.costs.at["refunds", "change"] > 0
    # freight: recorded amount where there is one, the mean recorded amount otherwise
    unit = r.freight_unit
    paid = after["freight_paid"].astype(float)
    merchant = after["freight_payer"] == "merchant"
    expected = paid[merchant].fillna(unit).sum()
    assert r.costs.at["store-paid freight", "after"] == pytest.approx(float(expected), abs=0.05)
    assert r.freight_estimated == int((merchant & paid.isna()).sum())
    assert r.costs.at["store-paid freight", "change"] >= 0


def test_attainment_equals_the_weekly_report_over_the_period(con, base):
    r = compare(con, base, base, PERIOD, as_of=AS_OF)
    rep = weekly_report(con, base, PERIOD[0], PERIOD[1], AS_OF)
    summed = rep.stages.groupby("stage")[["met", "breached"]].sum()
    for stage, row in r.attainment.iterrows():
        met = int(summed.at[stage, "met"]) if stage in summed.index else 0
        breached = int(summed.at[stage, "breached"]) if stage in summed.index else 0
        assert (row["met_before"], row["breached_before"]) == (met, breached), stage
        if met + breached:
            assert row["attainment_before"] == pytest.approx(met / (met + breached), abs=1e-4)
    assert int(rep.weeks["orders"].sum()) == r.orders


def test_shorter_deadlines_lower_attainment(con, base):
    tight = base.replace({"working_days.reply": 1, "processing.hours": 24})
    r = compare(con, base, tight, PERIOD, as_of=AS_OF)
    assert r.attainment.at["reply", "attainment_after"] < r.attainment.at["reply", "attainment_before"]
    assert r.attainment.at["processing", "attainment_after"] < r.attainment.at["processing", "attainment_before"]
    assert r.changed == 0  # deadlines only: no decision changes
    assert r.deadline_only > 0


def test_empty_period(con, base, longer):
    r = compare(con, base, longer, (dt.date(2001, 1, 1), dt.date(2001, 1, 31)), as_of=AS_OF)
    assert (r.cases, r.orders, r.changed) == (0, 0, 0)
    assert r.matrix.empty and r.changed_rows.empty
    assert (r.costs["before"] == 0).all()
    assert r.attainment["attainment_before"].isna().all()


def test_reversed_period_and_progress(con, base, longer):
    seen = []
    r = compare(con, base, longer, (PERIOD[1], PERIOD[0]), as_of=AS_OF, progress=lambda f, t: seen.append((f, t)))
    assert (r.first, r.last) == PERIOD
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(seen) >= 4
    assert all(isinstance(t, str) and t for _, t in seen)


def test_changed_rows_are_capped_but_counted(con, base, longer, monkeypatch):
    monkeypatch.setattr(whatif, "MAX_CHANGED_ROWS", 3)
    r = compare(con, base, longer, PERIOD, as_of=AS_OF)
    assert len(r.changed_rows) == 3 and r.changed > 3


def test_partial_rate_changes_amounts_not_outcomes(con, base):
    r = compare(con, base, base.replace({"partial_refund_rates.slight_defect": 0.30}), PERIOD, as_of=AS_OF)
    assert r.changed > 0
    assert r.matrix.to_numpy().sum() == r.matrix.to_numpy().trace()  # same outcomes
    assert r.costs.at["partial refunds", "change"] > 0
    assert r.costs.at["full refunds", "change"] == 0
    assert (r.changed_rows["reason"] == "slight_defect").all()


def test_another_calendar_and_zone(con, base):
    other = base.replace({"calendar.country": "US", "calendar.timezone": "America/New_York"})
    r = compare(con, base, other, PERIOD, as_of=AS_OF)
    assert r.cases == compare(con, base, base, PERIOD, as_of=AS_OF).cases  # the same cases are paired
    assert r.deadline_only + r.changed > 0
    assert r.attainment["attainment_after"].notna().any()
    assert {k for k, _, _ in r.changed_keys} == {"calendar.country", "calendar.timezone"}


@pytest.mark.parametrize("deadline", DEADLINES)
def test_every_deadline_counts_as_a_moved_deadline(con, base, deadline):
    """A moved deadline is found by comparing the decision's ``deadlines`` struct: it must carry
    every deadline of the catalog, equal to its own column."""
    table = decisions(con, base).cases
    struct = table.column("deadlines").combine_chunks()
    assert struct.type.names == list(DEADLINES)
    assert struct.field(deadline).equals(table.column(deadline).combine_chunks())


# --- the period-scoped replay equals the full-history replay filtered to the period ----------

def _full_history(con, base, scenario, period, as_of) -> dict:
    """Every figure the page shows, from both policies' decisions over all history (the
    scenario decided in full, in memory), filtered to ``period`` here with pandas: cases by
    the baseline's local request day, stage items by each side's own day, orders by placing."""
    from data.decisions import compute
    from data.report import as_of_instant

    first, last = period
    b, s = decisions(con, base), compute(con, scenario)
    text = ["outcome", "refund_kind", "freight_payer", "other_costs_payer", "missing"]

    def case_table(d, facts_cols):
        facts = d.case_facts.select(["case_id", *facts_cols]).to_pandas()
        dec = d.cases.select(["case_id", *text, "refund_due", "deadlines"]).to_pandas()
        for col in text:
            dec[col] = dec[col].astype(object).where(dec[col].notna(), None)
        dec["refund_due"] = dec["refund_due"].astype(float)
        dec["deadlines"] = dec["deadlines"].map(lambda v: tuple(sorted(v.items())) if isinstance(v, dict) else v)
        return facts.merge(dec, on="case_id").set_index("case_id")

    before = case_table(b, ["day", "freight_paid"])
    day = pd.to_datetime(before["day"]).dt.date
    paid_all = before["freight_paid"].astype(float)
    unit = round(float(paid_all[paid_all > 0].mean()), 2) if (paid_all > 0).any() else 0.0
    before = before[(day >= first) & (day <= last)]
    after = case_table(s, []).loc[before.index]
    fields = [*text, "refund_due"]
    differs = pd.Series(False, index=before.index)
    for col in fields:
        x, y = before[col], after[col]
        differs |= ~((x == y) | (x.isna() & y.isna()))
    moved = before["deadlines"] != after["deadlines"]
    paid = before["freight_paid"].astype(float)

    def costs(side):
        freight = paid.fillna(unit)[side["freight_payer"] == "merchant"].sum()
        return [side["refund_due"].sum(), side["refund_due"][side["refund_kind"] == "full"].sum(),
                side["refund_due"][side["refund_kind"] == "partial"].sum(), freight]

    moment = as_of_instant(as_of, base)

    def attainment(d):
        st = d.stage_facts.select(["stage", "day", "due", "done"]).to_pandas()
        st["stage"] = st["stage"].astype(str)
        sday = pd.to_datetime(st["day"]).dt.date
        st = st[st["due"].notna() & (sday >= first) & (sday <= last) & (sday <= moment.date())]
        done = st["done"].where(st["done"] <= moment)  # recorded after the as-of time: not done yet
        met = done.notna() & (done <= st["due"])
        breached = (done.notna() & (done > st["due"])) | (done.isna() & (st["due"] < moment))
        return pd.DataFrame({"met": met, "breached": breached}).groupby(st["stage"]).sum()

    processing = b.stage_facts.filter(pa_compute.equal(b.stage_facts.column("stage").cast("string"), "processing"))
    pdays = pd.to_datetime(processing.column("day").to_pandas()).dt.date
    return {
        "cases": len(before), "changed": int(differs.sum()), "deadline_only": int((moved & ~differs).sum()),
        "changed_ids": set(before.index[differs]),
        "matrix": pd.crosstab(before["outcome"], after["outcome"]),
        "costs_before": costs(before), "costs_after": costs(after), "unit": unit,
        "freight_estimated": int(((after["freight_payer"] == "merchant") & paid.isna()).sum()),
        "orders": int(((pdays >= first) & (pdays <= last)).sum()),
        "attainment_before": attainment(b), "attainment_after": attainment(s),
    }


SCENARIOS = {
    "the baseline itself": {},
    "return window 45 days": {"returns.window_days": 45},
    "partial rate 30%": {"partial_refund_rates.slight_defect": 0.30},
    "processing 24 h, reply 1 day": {"processing.hours": 24, "working_days.reply": 1},
    "New York calendar and zone": {"calendar.country": "US", "calendar.timezone": "America/New_York"},
}
PERIODS = {
    "ten months": (dt.date(2026, 1, 1), dt.date(2026, 10, 31)),
    "four weeks from a Thursday": (dt.date(2026, 10, 1), dt.date(2026, 10, 28)),
    "one day": (dt.date(2026, 6, 15), dt.date(2026, 6, 15)),
    "up to the as-of date": (dt.date(2026, 11, 1), dt.date(2026, 11, 26)),
}


@pytest.mark.parametrize("period", list(PERIODS.values()), ids=list(PERIODS))
@pytest.mark.parametrize("changes", list(SCENARIOS.values()), ids=list(SCENARIOS))
def test_period_replay_equals_full_history_filtered(con, base, changes, period):
    scenario = base.replace(changes)
    r = compare(con, base, scenario, period, as_of=AS_OF)
    want = _full_history(con, base, scenario, period, AS_OF)
    assert (r.cases, r.changed, r.deadline_only, r.orders) == (
        want["cases"], want["changed"], want["deadline_only"], want["orders"])
    assert r.cases > 0 and (r.changed + r.deadline_only > 0) == bool(changes)  # real differences, or none
    assert set(r.changed_rows["case_id"]) == want["changed_ids"]
    matrix = want["matrix"].reindex(index=r.matrix.index, columns=r.matrix.columns, fill_value=0)
    assert r.matrix.to_numpy().tolist() == matrix.to_numpy().tolist()
    assert r.matrix.to_numpy().sum() == want["matrix"].to_numpy().sum()
    assert r.freight_unit == want["unit"] and r.freight_estimated == want["freight_estimated"]
    assert r.costs["before"].tolist() == pytest.approx(want["costs_before"], abs=0.01)
    assert r.costs["after"].tolist() == pytest.approx(want["costs_after"], abs=0.01)
    for side in ("before", "after"):
        got = r.attainment[[f"met_{side}", f"breached_{side}"]].set_axis(["met", "breached"], axis=1)
        expected = want[f"attainment_{side}"].reindex(got.index).fillna(0).astype("int64")
        assert got.to_numpy().tolist() == expected.to_numpy().tolist(), side
