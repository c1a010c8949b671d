"""What-if replay: compare a period's cases (and orders, for processing) under a baseline policy
and a scenario policy.

No Streamlit here. The baseline side is read from its facts (``data.decisions.decisions``:
stored per policy, so what the weekly report shows); only the scenario is decided, and only for
the period, by the decide step's batch functions (``data.facts``) over the cases found by their
request time (and the orders by their placing), so a replay costs the period's cases, not all
history. The comparison is SQL over the baseline's fact views and the scenario's tables
registered as Arrow (zero copy): one join on the narrow case ids pairs each case's two
decisions, and every figure is read from those pairs. The figures that read the baseline alone
run in a helper thread while the scenario is decided (DuckDB and numpy release the GIL).

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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from policy.decision import Outcome

from . import sql
from .db import data_version
from .decisions import CASE_ORDER_FIELDS, ORDER_FIELDS, Progress, _db_key, attach, decisions, fingerprint, no_progress
from .facts import (
    CASE_FACTS_SCHEMA,
    DECISION_TEXT,
    ORDER_STAGE,
    STAGE_SCHEMA,
    decide_cases_batch,
    decision_schema,
    processing_due,
    work_clock,
)
from .memo import StateMemo
from .sla import (
    COUNT_COLUMNS,
    CUSTOMER_STAGES,
    MERCHANT_STAGES,
    STAGE_NAMES,
    local_dates,
    stage_table,
    utc_us,
)

MAX_CHANGED_ROWS = 5_000  # rows of changed cases returned for display (the count is exact)
OUTCOMES = [o.value for o in Outcome]  # the contract's order
DECISION_FIELDS = ["outcome", "refund_kind", "refund_due", "freight_payer", "other_costs_payer", "missing"]

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


def _span(first: dt.date, last: dt.date) -> dict:
    """The UTC instants the scenario decides from and to: a day beyond the period's local dates
    on either side (``report.utc_span``; see the module's docstring)."""
    from .report import utc_span

    return dict(zip(("from", "to"), utc_span(first, last)))


def _run(cur: duckdb.DuckDBPyConnection, name: str, params: dict, arrow: bool = False) -> pd.DataFrame | pa.Table:
    text = sql.load(name)
    if arrow:
        return cur.sql(text, params=sql.params_for(text, params)).to_arrow_table()
    return cur.execute(text, sql.params_for(text, params)).df()


def _attainment(stages: pd.DataFrame) -> pd.DataFrame:
    got = stages.set_index("stage")[["met", "breached"]]
    return got.reindex(STAGE_NAMES).fillna(0).astype("int64")


# What a replay reads that the scenario does not change, kept for the next replay of the same
# period on the same data (a policy owner tries one scenario after another): the period's cases
# with their orders' fields, its orders (for processing scenarios), and the baseline's side.
# One value of each (0.55 GB at 1M cases and 5.5M orders); a write to the data (a new
# data_version) or another period replaces it.
PERIOD_INPUTS = ("cases", "orders", "baseline")
_period_inputs = {kind: StateMemo(1) for kind in PERIOD_INPUTS}


def clear_kept() -> None:
    """Forget the kept period inputs (a test's fresh start)."""
    for memo in _period_inputs.values():
        memo.clear()


def _baseline_side(con: duckdb.DuckDBPyConnection, base, params: dict, keys: pa.Table | None = None) -> dict:
    """What the replay reads of the baseline alone: with ``keys`` (case_id, pos: the period's
    cases) their baseline decisions (whatif_baseline_decisions, the comparison's one join on text
    ids), and its SLA attainment, the orders placed and the freight unit. The scenario is decided
    meanwhile (DuckDB releases the GIL)."""
    cur = base.register(con.cursor())
    try:
        side = {}
        if keys is not None:
            cur.register("s_keys", keys)
            side["decisions"], side["paired"] = _line_up(_run(cur, "whatif_baseline_decisions", params, arrow=True),
                                                         keys.num_rows)
        side["before"] = _attainment(_run(cur, "whatif_stages_before", params))
        side["orders"] = int(_run(cur, "whatif_orders", params)["orders"].iloc[0])
        # Priced to the cent, as shown: every estimated case costs exactly the unit the page names.
        side["unit"] = round(float(_run(cur, "whatif_unit_freight", params)["unit"].iloc[0] or 0.0), 2)
        return side
    finally:
        cur.close()


def _decide_orders(con: duckdb.DuckDBPyConnection, scenario, clock, span: dict, state: tuple) -> pa.Table:
    """The scenario's processing items (``COUNT_COLUMNS``: what whatif_stages_after counts)
    for the orders placed in ``span``: their due dates (``processing_due``), not the stage rows
    the facts keep (ids, category, country, week, working hours)."""
    orders = _period_inputs["orders"].get((span["from"], span["to"]),
                                          lambda: sql.arrow(con, "whatif_orders_input", **span), state)
    if not orders.num_rows:
        return STAGE_SCHEMA.empty_table().select(COUNT_COLUMNS)
    placed_us, due = processing_due(orders, scenario, ids_of=lambda rids: [
        row["order_id"] for row in sql.rows(con, "order_ids_of_rowids", rids=rids)])
    return stage_table(clock, ORDER_STAGE, None, None, None, clock.local_us(placed_us), placed_us, due,
                       utc_us(orders.column("shipped_at")), keep_all=True, counts_only=True)


# The order fields a case reads, all from whatif_case_orders (no order rowid: no second step).
ORDER_FIELDS_OF_CASES = {name: missing for name, missing in {**CASE_ORDER_FIELDS, **ORDER_FIELDS}.items()
                         if name != "order_rid"}


def _cases_input(con: duckdb.DuckDBPyConnection, span: dict, pool: ThreadPoolExecutor) -> pa.Table:
    """The cases requested in ``span`` with their orders' fields: two narrow queries (the
    orders' in ``pool``) put together by case rowid."""
    links = pool.submit(sql.arrow, con, "whatif_case_orders", **span)
    cases = sql.arrow(con, "whatif_cases_input", **span)
    return attach(cases, "case_rid", links.result(), "case_rid", ORDER_FIELDS_OF_CASES).drop_columns(["case_rid"])


def _period_keys(cases: pa.Table, baseline, first: dt.date, last: dt.date) -> tuple[pa.Array, pa.Array, pa.Table]:
    """The baseline's local day of each case's request (b_day), whether it is a period day, and
    the keys of the cases on one (case_id, and pos: the case's position among them)."""
    b_day, _week = local_dates(work_clock(baseline).local_us(utc_us(cases.column("requested_at"))))
    in_period = pc.fill_null(pc.and_(pc.greater_equal(b_day, pa.scalar(first, pa.date32())),
                                     pc.less_equal(b_day, pa.scalar(last, pa.date32()))), False)
    ids = cases.column("case_id").filter(in_period)
    return b_day, in_period, pa.table({"case_id": ids, "pos": np.arange(len(ids), dtype=np.int64)})


def _decide_scenario(con: duckdb.DuckDBPyConnection, base, baseline, scenario, params: dict,
                     orders_too: bool, report: Progress) -> tuple[pa.Table, pa.Table, dict]:
    """The scenario's decisions for the cases requested on the period's local days in the
    baseline's zone (the columns whatif_pairs reads, that day as b_day), its stage items (the
    stages of the cases requested within a day of the period and, with ``orders_too``, the
    processing stage of the orders placed within a day of it) and the baseline's side
    (``_baseline_side``) for the same cases.

    The cases are found by their request time (no join on ids). On two cores: the orders' side
    and the baseline's side run in helper threads while this one decides the cases (DuckDB and
    numpy release the GIL)."""
    first, last = params["first"], params["last"]
    span = _span(first, last)
    clock = work_clock(scenario)
    state = (_db_key(con), data_version(con))
    with ThreadPoolExecutor(max_workers=3) as pool:
        processing = pool.submit(_decide_orders, con, scenario, clock, span, state) if orders_too else None
        cases = _period_inputs["cases"].get((span["from"], span["to"]), lambda: _cases_input(con, span, pool), state)
        b_day, in_period, keys = _period_keys(cases, baseline, first, last)
        side_key = (fingerprint(baseline), *sorted(params.items()))
        baseline = pool.submit(_period_inputs["baseline"].get, side_key,
                               lambda: _baseline_side(con, base, params, keys), state)
        report(0.3, f"Deciding the period's {keys.num_rows:,} cases under the scenario")
        if cases.num_rows:
            stages, facts, decided = decide_cases_batch(cases, scenario, clock, counts_only=True)
        else:
            stages, facts, decided = STAGE_SCHEMA.empty_table(), CASE_FACTS_SCHEMA.empty_table(), decision_schema().empty_table()
        cases = None
        s_cases = decided.select(["case_id", *DECISION_TEXT, "refund_due", "deadlines"])
        for name in ("order_id", "category", "country", "request", "reason", "freight_paid"):
            s_cases = s_cases.append_column(name, facts.column(name))
        s_cases = s_cases.append_column("b_day", b_day).filter(in_period)
        stages = stages.select(COUNT_COLUMNS)
        if processing is not None:
            stages = pa.concat_tables([t for t in (processing.result(), stages) if t.num_rows] or [stages],
                                      promote_options="permissive")
        return s_cases, stages, baseline.result()


def _line_up(found: pa.Table, cases: int) -> tuple[pa.Table, np.ndarray | None]:
    """The baseline decisions ``found`` (whatif_baseline_decisions: by position pos among the
    scenario's ``cases`` decisions) put in the scenario's order, and which of those cases have
    one (None: all). Every case decided has a baseline decision (both come from the same data
    version); one without would be left out, as an inner join leaves it. Runs in the baseline's
    helper thread, off the replay's critical path."""
    where = np.full(cases, -1, np.int64)
    where[found.column("pos").to_numpy()] = np.arange(found.num_rows)
    paired = where >= 0
    if paired.all():
        paired = None
    else:
        where = where[paired]
    # One chunk first: a take across the join's many result chunks costs three times as much.
    return found.drop_columns(["pos"]).combine_chunks().take(where), paired


def _pair(cur: duckdb.DuckDBPyConnection, s_cases: pa.Table, b_cases: pa.Table) -> None:
    """Register the view pairs (whatif_pairs) on ``cur``: each of ``s_cases`` beside its baseline
    decision (``b_cases``, lined up by ``_line_up``, row for row)."""
    cur.register("s_cases", s_cases)
    cur.register("b_cases", b_cases)
    cur.execute(sql.load("whatif_pairs"))


def _compare(con: duckdb.DuckDBPyConnection, base, s_cases: pa.Table, side: dict, s_stages: pa.Table,
             params: dict) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The scenario's groups (whatif_groups), changed rows (whatif_changed) and SLA attainment
    (whatif_stages_after): three queries at once, each on its own cursor (the pairs' positional
    join runs on one thread, so one query alone leaves the second core idle)."""
    if side["paired"] is not None:  # the cases with a baseline decision (``_line_up``)
        s_cases = s_cases.filter(side["paired"])

    def on_pairs(name: str) -> pd.DataFrame:
        cur = base.register(con.cursor())
        try:
            _pair(cur, s_cases, side["decisions"])
            return _run(cur, name, params)
        finally:
            cur.close()

    def attainment_after() -> pd.DataFrame:
        cur = base.register(con.cursor())
        try:
            cur.register("s_stages", s_stages)
            return _attainment(_run(cur, "whatif_stages_after", params))
        finally:
            cur.close()

    with ThreadPoolExecutor(max_workers=3) as pool:
        groups, changed = pool.submit(on_pairs, "whatif_groups"), pool.submit(on_pairs, "whatif_changed")
        after = pool.submit(attainment_after)
        return groups.result(), changed.result(), after.result()


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
    report = progress or no_progress
    first, last = _period(period)
    report(0.05, "Reading the baseline's decisions")
    base = decisions(con, baseline)
    moment = _as_of(as_of, baseline)
    params = {"first": first, "last": last, "limit": MAX_CHANGED_ROWS, "as_of": moment.to_pydatetime(),
              "as_of_day": moment.date(), "order_stage": ORDER_STAGE.name}
    # A scenario equal to the baseline (the page's first view) has the baseline's facts: nothing
    # is decided. The order side (P1) depends only on the calendar and processing settings: when
    # the scenario keeps them, its processing items are the baseline's and no order is decided.
    same_policy = fingerprint(baseline) == fingerprint(scenario)
    same_orders = (baseline.calendar, baseline.processing) == (scenario.calendar, scenario.processing)
    if same_policy:
        baseline_side = _baseline_side(con, base, params)
    else:
        report(0.15, "Finding the period's cases")
        scen_cases, scen_stages, baseline_side = _decide_scenario(con, base, baseline, scenario, params,
                                                                  orders_too=not same_orders, report=report)
    report(0.75, "Comparing the decisions and SLA attainment")
    before = baseline_side["before"]
    if same_policy:
        cur = base.register(con.cursor())
        try:
            cur.register("pairs", _run(cur, "whatif_pairs_same", params, arrow=True))
            groups, changed_rows = _run(cur, "whatif_groups", params), _run(cur, "whatif_changed", params)
        finally:
            cur.close()
        after = before.copy()
    else:
        groups, changed_rows, after = _compare(con, base, scen_cases, baseline_side, scen_stages,
                                               {**params, "same_orders": same_orders})
        scen_cases = None
        if same_orders:
            after.loc[ORDER_STAGE.name] = before.loc[ORDER_STAGE.name]
    unit = baseline_side["unit"]

    matrix = _matrix(groups)
    costs = _costs(groups, unit)
    attainment = _attainment_table(before, after)
    report(1.0, "Done")
    return WhatIfResult(
        first=first, last=last, cases=int(groups["cases"].sum()), orders=baseline_side["orders"],
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
