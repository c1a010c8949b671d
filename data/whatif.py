"""What-if replay: compare a period's cases (and orders, for processing) under a baseline policy
and a scenario policy.

No Streamlit here. The baseline side is read from its facts (``data.decisions.decisions``:
stored per policy, so what the weekly report shows), only for the period; only the scenario is
decided, and only for the period: ``data.decisions.compute`` with a scope (the path incremental
imports use), so a replay costs the period's cases, not all history. The comparison is SQL over
the baseline's fact views and the scenario's tables registered as Arrow (zero copy).

What "in the period" means for each figure (first..last, local dates, inclusive):

* decisions, outcome matrix, refunds, freight, changed cases: the cases whose request falls on
  a period day in the baseline's zone (the same cases on both sides, even when the scenario
  moves the time zone);
* SLA attainment: each side's stage items whose day falls in the period in that side's own zone,
  the day being the order's placing for processing (P1) and the case's request for every other
  stage (so an order placed before the period counts its case's stages, not its processing);
* orders: the baseline's orders placed on a period day.

The scenario decides the cases requested from a day before the period to a day after it (UTC
instants: any zone's local day lies within them), with their orders; and, when it changes the
order side (calendar or processing keys), every order placed in that span. When it does not, its
processing items are the baseline's; when it equals the baseline, nothing is decided.
tests/test_whatif.py holds every figure equal to the
full-history replay filtered to the period.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import pandas as pd
import pyarrow as pa

from policy.decision import Outcome

from . import sql
from .decisions import ORDER_STAGE, STAGE_SCHEMA, compute, decisions, fingerprint
from .sla import CUSTOMER_STAGES, MERCHANT_STAGES, STAGE_NAMES

Progress = Callable[[float, str], None]
MAX_CHANGED_ROWS = 5_000  # rows of changed cases returned for display (the count is exact)
OUTCOMES = [o.value for o in Outcome]  # the contract's order
DECISION_FIELDS = ["outcome", "refund_kind", "refund_due", "freight_payer", "other_costs_payer", "missing"]

# Beyond the period's local dates, the scenario decides this much more on either side in UTC:
# a local day lies within a day of the same UTC day in every zone (UTC-12 to UTC+14).
SCOPE_MARGIN = dt.timedelta(days=1)


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


def _as_of(as_of, policy) -> pd.Timestamp:
    """The as-of instant in the baseline's zone (its local date bounds the items, as in the report)."""
    from .report import as_of_instant

    return as_of_instant(as_of, policy)


def _scope(con: duckdb.DuckDBPyConnection, first: dt.date, last: dt.date, orders_too: bool) -> dict:
    """The tables scope_cases and scope_orders ``compute`` decides for the period (see the
    module's docstring): the cases requested within a margin of it, their orders, and (with
    ``orders_too``) the orders placed within that margin."""
    span = {"from": dt.datetime.combine(first - SCOPE_MARGIN, dt.time(), dt.UTC),
            "to": dt.datetime.combine(last + dt.timedelta(days=1) + SCOPE_MARGIN, dt.time(), dt.UTC)}
    cases = sql.arrow(con, "whatif_scope_cases", **span)
    orders = sql.arrow(con, "whatif_scope_orders", tables={"scope_cases": cases}, with_placed=orders_too, **span)
    return {"scope_cases": cases, "scope_orders": orders}


def _run(cur: duckdb.DuckDBPyConnection, name: str, params: dict, arrow: bool = False) -> pd.DataFrame | pa.Table:
    text = sql.load(name)
    if arrow:
        return cur.sql(text, params=sql.params_for(text, params)).to_arrow_table()
    return cur.execute(text, sql.params_for(text, params)).df()


def _attainment(stages: pd.DataFrame, side: str) -> pd.DataFrame:
    got = stages[stages["side"] == side].set_index("stage")[["met", "breached"]]
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
    report(0.05, "Reading the baseline's decisions")
    base = decisions(con, baseline)
    # A scenario equal to the baseline (the page's first view) has the baseline's facts: nothing
    # is decided. The order side (P1) depends only on the calendar and processing settings: when
    # the scenario keeps them, its processing items are the baseline's and no order is decided.
    same_policy = fingerprint(baseline) == fingerprint(scenario)
    same_orders = (baseline.calendar, baseline.processing) == (scenario.calendar, scenario.processing)
    scen_cases, scen_stages = None, STAGE_SCHEMA.empty_table()
    if not same_policy:
        report(0.15, "Finding the period's cases")
        scope = _scope(con, first, last, orders_too=not same_orders)
        report(0.25, f"Deciding the period's {scope['scope_cases'].num_rows:,} cases under the scenario")
        scen = compute(con, scenario, scope=scope)
        scen_cases, scen_stages = scen.cases, scen.stage_facts
    report(0.75, "Comparing the decisions")

    cur = base.register(con.cursor())
    try:
        params = {"first": first, "last": last, "limit": MAX_CHANGED_ROWS}
        b_all = _run(cur, "whatif_baseline_period", params, arrow=True)
        cur.register("b_all", b_all)
        cur.register("s_cases", b_all if same_policy else scen_cases)
        cur.register("s_stages", scen_stages)
        groups = _run(cur, "whatif_groups", params)
        # Priced to the cent, as shown: every estimated case costs exactly the unit the page names.
        unit = round(float(_run(cur, "whatif_unit_freight", params)["unit"].iloc[0] or 0.0), 2)
        changed_rows = _run(cur, "whatif_changed", params)
        report(0.9, "Comparing SLA attainment")
        moment = _as_of(as_of, baseline)
        stages = _run(cur, "whatif_stages", {**params, "as_of": moment.to_pydatetime(), "as_of_day": moment.date(),
                                             "same_orders": same_orders, "order_stage": ORDER_STAGE.name})
        before, after = _attainment(stages, "before"), _attainment(stages, "after")
        if same_policy:
            after = before.copy()
        elif same_orders:
            after.loc[ORDER_STAGE.name] = before.loc[ORDER_STAGE.name]
        orders = int(_run(cur, "whatif_orders", params)["orders"].iloc[0])
    finally:
        cur.close()

    matrix = _matrix(groups)
    costs = _costs(groups, unit)
    attainment = _attainment_table(before, after)
    report(1.0, "Done")
    return WhatIfResult(
        first=first, last=last, cases=int(groups["cases"].sum()), orders=orders,
        changed=int(groups.loc[groups["decision_changed"], "cases"].sum()),
        deadline_only=int(groups.loc[groups["deadline_changed"] & ~groups["decision_changed"], "cases"].sum()),
        matrix=matrix, costs=costs, attainment=attainment, changed_rows=changed_rows,
        freight_unit=unit, freight_estimated=int(groups.loc[(groups["s_freight"] == "merchant") & groups["freight_unknown"], "cases"].sum()),
        changed_keys=changed_keys(baseline, scenario), seconds=time.perf_counter() - t0,
    )


def _costs(groups: pd.DataFrame, unit: float) -> pd.DataFrame:
    """Refunds due (all, full, partial) and the return freight the store pays, before and after.

    Freight is what the case's record says was paid, or ``unit`` where nothing is recorded (a
    case the scenario newly makes the store pay for)."""
    freight = groups["freight_paid"] + groups["freight_unknown"] * groups["cases"] * unit

    def side(prefix: str) -> list[float]:
        refund, kind = groups[f"{prefix}_refund"], groups[f"{prefix}_kind"]
        return [refund.sum(), refund[kind == "full"].sum(), refund[kind == "partial"].sum(),
                freight[groups[f"{prefix}_freight"] == "merchant"].sum()]

    costs = pd.DataFrame(
        {"before": side("b"), "after": side("s")},
        index=pd.Index(["refunds", "full refunds", "partial refunds", "store-paid freight"], name="cost"),
    ).astype(float).round(2)
    costs["change"] = (costs["after"] - costs["before"]).round(2)
    return costs


def _matrix(groups: pd.DataFrame) -> pd.DataFrame:
    """Outcome-to-outcome counts; rows and columns list only outcomes that occur, in contract order."""
    if groups.empty:
        return pd.DataFrame(dtype="int64")
    pairs = groups.groupby(["b_outcome", "s_outcome"], as_index=False, dropna=False)["cases"].sum()
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
