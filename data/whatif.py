"""What-if replay: decide the cases (and orders, for processing) of a period under a baseline
policy and a scenario policy, and compare the two.

No Streamlit here. Both sides come from ``data.decisions.decisions`` (the bulk engine, cached
per database state and policy), so the what-if lab shows exactly what the weekly report would
show under each policy. The comparison is SQL over the two decision tables registered as Arrow
(zero copy). Which cases belong to the period is read from the baseline (local date of the
request / of placing the order in the baseline's zone), so both sides compare the same items
even when the scenario moves the time zone.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Callable

import duckdb
import pandas as pd

from .decisions import DEADLINES, decisions
from .sla import CUSTOMER_STAGES, MERCHANT_STAGES, STAGE_NAMES

Progress = Callable[[float, str], None]
MAX_CHANGED_ROWS = 5_000  # rows of changed cases returned for display (the count is exact)
OUTCOMES = ["cancel_free", "return_refund", "exchange", "partial_refund", "full_refund",
            "needs_info", "manual_review", "rejected", "status_update"]
DECISION_FIELDS = ["outcome", "refund_kind", "refund_due", "freight_payer", "other_costs_payer", "missing"]

# One row per case of the period with its baseline (b_) and scenario (s_) decision.
_PAIRS = """
SELECT f.case_id, f.order_id, f.category, f.country, f.request, f.reason, f.day,
       CAST(f.freight_paid AS DOUBLE) AS freight_paid,
       CAST(b.outcome AS VARCHAR) AS b_outcome, CAST(s.outcome AS VARCHAR) AS s_outcome,
       CAST(b.refund_kind AS VARCHAR) AS b_refund_kind, CAST(s.refund_kind AS VARCHAR) AS s_refund_kind,
       CAST(b.refund_due AS DOUBLE) AS b_refund, CAST(s.refund_due AS DOUBLE) AS s_refund,
       CAST(b.freight_payer AS VARCHAR) AS b_freight_payer, CAST(s.freight_payer AS VARCHAR) AS s_freight_payer,
       CAST(b.other_costs_payer AS VARCHAR) AS b_other_costs_payer,
       CAST(s.other_costs_payer AS VARCHAR) AS s_other_costs_payer,
       CAST(b.missing AS VARCHAR) AS b_missing, CAST(s.missing AS VARCHAR) AS s_missing,
       (b.outcome IS DISTINCT FROM s.outcome OR b.refund_kind IS DISTINCT FROM s.refund_kind
        OR b.refund_due IS DISTINCT FROM s.refund_due OR b.freight_payer IS DISTINCT FROM s.freight_payer
        OR b.other_costs_payer IS DISTINCT FROM s.other_costs_payer
        OR b.missing IS DISTINCT FROM s.missing) AS decision_changed,
       ({deadline_changed}) AS deadline_changed
FROM b_facts f
JOIN b_cases b USING (case_id)
JOIN s_cases s USING (case_id)
WHERE f.day BETWEEN $first AND $last
"""

_SUMMARY = """
SELECT count(*) AS cases,
       count(*) FILTER (WHERE decision_changed) AS changed,
       count(*) FILTER (WHERE deadline_changed AND NOT decision_changed) AS deadline_only,
       coalesce(sum(b_refund), 0) AS refund_before, coalesce(sum(s_refund), 0) AS refund_after,
       coalesce(sum(b_refund) FILTER (WHERE b_refund_kind = 'full'), 0) AS full_before,
       coalesce(sum(s_refund) FILTER (WHERE s_refund_kind = 'full'), 0) AS full_after,
       coalesce(sum(b_refund) FILTER (WHERE b_refund_kind = 'partial'), 0) AS partial_before,
       coalesce(sum(s_refund) FILTER (WHERE s_refund_kind = 'partial'), 0) AS partial_after,
       count(*) FILTER (WHERE b_freight_payer = 'merchant') AS merchant_freight_cases_before,
       count(*) FILTER (WHERE s_freight_payer = 'merchant') AS merchant_freight_cases_after,
       coalesce(sum(coalesce(freight_paid, $unit)) FILTER (WHERE b_freight_payer = 'merchant'), 0) AS freight_before,
       coalesce(sum(coalesce(freight_paid, $unit)) FILTER (WHERE s_freight_payer = 'merchant'), 0) AS freight_after,
       count(*) FILTER (WHERE s_freight_payer = 'merchant' AND freight_paid IS NULL) AS freight_estimated
FROM whatif_pairs
"""

# A typical return shipment's cost: the mean freight the store actually paid (all cases), used
# for a case the scenario makes the store pay for but that has no recorded freight amount.
_UNIT_FREIGHT = "SELECT coalesce(avg(CAST(freight_paid AS DOUBLE)), 0) FROM b_facts WHERE freight_paid > 0"

_MATRIX = "SELECT b_outcome, s_outcome, count(*) AS cases FROM whatif_pairs GROUP BY ALL"

_CHANGED = """
SELECT case_id, order_id, category, country, request, reason, day AS requested_on,
       b_outcome AS outcome_before, s_outcome AS outcome_after,
       b_refund AS refund_before, s_refund AS refund_after,
       b_freight_payer AS freight_payer_before, s_freight_payer AS freight_payer_after,
       b_missing AS missing_before, s_missing AS missing_after
FROM whatif_pairs WHERE decision_changed
ORDER BY day DESC, case_id LIMIT $limit
"""

# SLA stages (data-contract.md): met when done <= due; breached when done > due, or not done by
# the as-of time and as-of is past due; pending otherwise. A milestone after as-of had not happened.
_STAGES = """
SELECT CAST(stage AS VARCHAR) AS stage,
       count(*) FILTER (WHERE done <= due AND done <= $as_of) AS met,
       count(*) FILTER (WHERE (done > due AND done <= $as_of) OR ((done IS NULL OR done > $as_of) AND $as_of > due)) AS breached
FROM {table}
WHERE due IS NOT NULL AND day BETWEEN $first AND $last
GROUP BY ALL
"""


@dataclass
class WhatIfResult:
    """The comparison of one period under two policies."""

    first: dt.date
    last: dt.date
    cases: int
    orders: int
    changed: int  # cases whose decision (outcome, refund, payers, missing) differs
    deadline_only: int  # cases where only deadlines moved
    matrix: pd.DataFrame  # baseline outcome (rows) x scenario outcome (columns), case counts
    costs: pd.DataFrame  # index: refunds, full refunds, partial refunds, store-paid freight; before/after/change
    attainment: pd.DataFrame  # per stage: met/breached/attainment before and after
    changed_rows: pd.DataFrame  # up to MAX_CHANGED_ROWS changed cases, newest first
    freight_unit: float  # freight assumed for a case without a recorded amount
    freight_estimated: int  # scenario merchant-freight cases priced with freight_unit
    changed_keys: list = field(default_factory=list)  # (key, baseline, scenario)
    seconds: float = 0.0

    @property
    def unchanged(self) -> int:
        return self.cases - self.changed


def _noop(_fraction: float, _text: str) -> None:
    pass


def _period(period) -> tuple[dt.date, dt.date]:
    first, last = period
    first = pd.Timestamp(first).date()
    last = pd.Timestamp(last).date()
    if last < first:
        first, last = last, first
    return first, last


def _as_of(as_of) -> pd.Timestamp:
    if as_of is None:
        return pd.Timestamp.now(tz="UTC")
    ts = pd.Timestamp(as_of)
    return ts.tz_localize("UTC") if ts.tz is None else ts.tz_convert("UTC")


def _attainment(cur: duckdb.DuckDBPyConnection, table: str, params: dict) -> pd.DataFrame:
    got = cur.execute(_STAGES.format(table=table), params).df().set_index("stage")
    return got.reindex(STAGE_NAMES).fillna(0).astype("int64")


def compare(
    con: duckdb.DuckDBPyConnection,
    baseline,
    scenario,
    period: tuple,
    as_of=None,
    progress: Progress | None = None,
) -> WhatIfResult:
    """Replay the cases and orders whose starting event falls in ``period`` (first, last local
    dates, inclusive) under ``baseline`` and ``scenario``; ``as_of`` decides which open deadlines
    are breached (default: now)."""
    from policy import changed_keys

    t0 = time.perf_counter()
    report = progress or _noop
    first, last = _period(period)
    report(0.05, "Deciding every case and order under the baseline")
    base = decisions(con, baseline)
    report(0.35, "Deciding every case and order under the scenario")
    scen = decisions(con, scenario)
    report(0.75, "Comparing the decisions")

    cur = con.cursor()
    try:
        cur.register("b_facts", base.case_facts)
        cur.register("b_cases", base.cases)
        cur.register("s_cases", scen.cases)
        cur.register("b_stages", base.stage_facts)
        cur.register("s_stages", scen.stage_facts)
        deadline_changed = " OR ".join(f"b.{d} IS DISTINCT FROM s.{d}" for d in DEADLINES)
        period_params = {"first": first, "last": last}
        pairs_table = cur.sql(_PAIRS.format(deadline_changed=deadline_changed), params=period_params).to_arrow_table()
        cur.register("whatif_pairs", pairs_table)
        unit = float(cur.execute(_UNIT_FREIGHT).fetchall()[0][0] or 0.0)
        summary = cur.execute(_SUMMARY, {"unit": unit}).df().iloc[0]
        pairs = cur.execute(_MATRIX).df()
        changed_rows = cur.execute(_CHANGED, {"limit": MAX_CHANGED_ROWS}).df()
        report(0.9, "Comparing SLA attainment")
        stage_params = {**period_params, "as_of": _as_of(as_of).to_pydatetime()}
        before = _attainment(cur, "b_stages", stage_params)
        after = _attainment(cur, "s_stages", stage_params)
        orders = int(cur.execute(
            "SELECT count(*) FROM b_stages WHERE CAST(stage AS VARCHAR) = 'processing' "
            "AND day BETWEEN $first AND $last", period_params).fetchall()[0][0])
    finally:
        cur.close()

    matrix = _matrix(pairs)
    costs = pd.DataFrame(
        {"before": [summary.refund_before, summary.full_before, summary.partial_before, summary.freight_before],
         "after": [summary.refund_after, summary.full_after, summary.partial_after, summary.freight_after]},
        index=pd.Index(["refunds", "full refunds", "partial refunds", "store-paid freight"], name="cost"),
    ).astype(float).round(2)
    costs["change"] = (costs["after"] - costs["before"]).round(2)
    attainment = _attainment_table(before, after)
    report(1.0, "Done")
    return WhatIfResult(
        first=first, last=last, cases=int(summary.cases), orders=orders,
        changed=int(summary.changed), deadline_only=int(summary.deadline_only),
        matrix=matrix, costs=costs, attainment=attainment, changed_rows=changed_rows,
        freight_unit=round(unit, 2), freight_estimated=int(summary.freight_estimated),
        changed_keys=changed_keys(baseline, scenario), seconds=time.perf_counter() - t0,
    )


def _matrix(pairs: pd.DataFrame) -> pd.DataFrame:
    """Outcome-to-outcome counts; rows and columns list only outcomes that occur, in contract order."""
    if pairs.empty:
        return pd.DataFrame(dtype="int64")
    seen = set(pairs["b_outcome"]) | set(pairs["s_outcome"])
    order = [o for o in OUTCOMES if o in seen] + sorted(seen - set(OUTCOMES))
    table = pairs.pivot_table(index="b_outcome", columns="s_outcome", values="cases", aggfunc="sum", fill_value=0)
    table = table.reindex(index=order, columns=order, fill_value=0).astype("int64")
    table.index.name, table.columns.name = "baseline", "scenario"
    return table


def _attainment_table(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    def rate(frame: pd.DataFrame) -> pd.Series:
        total = frame["met"] + frame["breached"]
        return (frame["met"] / total.where(total > 0)).round(4)

    out = pd.DataFrame({
        "met_before": before["met"], "breached_before": before["breached"], "attainment_before": rate(before),
        "met_after": after["met"], "breached_after": after["breached"], "attainment_after": rate(after),
    })
    out["change"] = (out["attainment_after"] - out["attainment_before"]).round(4)
    out["side"] = ["customer" if s in CUSTOMER_STAGES else "store" for s in out.index]
    out.index.name = "stage"
    return out.loc[MERCHANT_STAGES + CUSTOMER_STAGES]
