"""Decide every case (and the processing deadline of every order) for one policy, for SQL.

The policy engine is the only source of decisions and deadlines: this module calls
``decide_frame`` / ``ship_by_frame`` / ``working_hours_between`` on whole columns (no Python row
loops) and hands the results to DuckDB as registered Arrow tables. Deciding millions of cases
takes seconds, so the result is cached per (database file, data version, policy): a second
report, or the managers' page re-running with another filter, only runs SQL. The next query
runs in a helper thread while Python works on the previous result (DuckDB releases the GIL).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from policy.catalog import DEADLINE_NAMES, Deadline

from . import sql
from .db import DataError, data_version
from .sla import (
    NAT_US,
    STAGES,
    WorkClock,
    define_rule,
    float_us,
    local_dates,
    masked,
    stage_table,
    to_timestamps,
    utc_us,
)

DECIDE_COLUMNS = [
    "case_id", "order_id", "request", "reason", "requested_at", "prior_contact",
    "has_order_number", "has_shipping_address", "has_media", "correct_use", "replied_at",
    "media_received_at", "return_received_at", "freight_claimed_at", "placed_at", "shipped_at",
    "delivered_at", "promised_delivery_at", "order_amount", "currency", "category",
]
DECISION_TEXT = ["outcome", "refund_kind", "freight_payer", "other_costs_payer", "missing"]
DEADLINES = list(DEADLINE_NAMES)
# P1 is decided per order (every order has one); every other stage per case.
ORDER_STAGE = next(s for s in STAGES if s.deadline is Deadline.SHIP_BY)
CASE_STAGES = tuple(s for s in STAGES if s is not ORDER_STAGE)
# The case's milestones the stages start from or end at (``refund_start`` is derived below).
CASE_EVENTS = tuple(dict.fromkeys(["requested_at", "media_received_at", "return_received_at",
                                   *(e for s in CASE_STAGES for e in (s.start, s.done) if e != "refund_start")]))
CACHE_SIZE = 2
CALENDAR_FIRST, CALENDAR_LAST = dt.date(2000, 1, 2), dt.date(2069, 12, 30)


@dataclass(frozen=True)
class Decisions:
    """Everything the SLA and report queries read, for one policy and one state of the data.

    stage_facts: one row per SLA stage item (stage, item_id, category, country, week, day,
    due, done, hours); case_facts: one row per case with its decision and what was paid;
    order_counts: orders per day/week/category/country; cases: each case's full decision.
    """

    policy: object
    key: tuple
    stage_facts: pa.Table
    case_facts: pa.Table
    order_counts: pa.Table
    cases: pa.Table

    def register(self, cur: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
        """Expose the tables (zero-copy) and the SLA rule to SQL on ``cur`` and return it."""
        define_rule(cur)
        cur.register("stage_facts", self.stage_facts)
        cur.register("case_facts", self.case_facts)
        cur.register("order_counts", self.order_counts)
        cur.register("case_decisions", self.cases)
        return cur


_cache: OrderedDict[tuple, Decisions] = OrderedDict()
_lock = threading.Lock()


def clear_cache() -> None:
    with _lock:
        _cache.clear()
        _order_side.clear()


def _db_key(con: duckdb.DuckDBPyConnection) -> str:
    path = con.cursor().execute(sql.load("database_path")).fetchall()[0][0]
    return path if path and path != "memory" else f"memory:{id(con)}"


def _text(series: pd.Series) -> pa.Array:
    """A categorical column as an Arrow dictionary (no per-row conversion); other text as is."""
    if not isinstance(series.dtype, pd.CategoricalDtype):
        return pa.array(series.astype(object), pa.string(), from_pandas=True)
    codes = series.cat.codes.to_numpy()
    return pa.DictionaryArray.from_arrays(masked(codes, codes < 0, pa.from_numpy_dtype(codes.dtype)),
                                          pa.array(list(series.cat.categories), pa.string()))


def _clock(con: duckdb.DuckDBPyConnection, policy) -> WorkClock:
    first, last = con.cursor().execute(sql.load("data_bounds")).fetchall()[0]
    today = dt.date.today()
    first = first.date() - dt.timedelta(days=2) if first else today
    last = max(last.date() if last else today, today) + dt.timedelta(days=60)
    return WorkClock.for_policy(policy, max(first, CALENDAR_FIRST), min(last, CALENDAR_LAST))


CHUNK = 500_000  # rows per engine call (two run at once): bounds working memory on 10M orders
ENGINE_THREADS = 2  # the engine's numpy work releases the GIL: two chunks at once on two cores


def _in_parallel(work, starts) -> list:
    """``[work(i) for i in starts]``, two at a time, results in order."""
    starts = list(starts)
    if len(starts) < 2:
        return [work(i) for i in starts]
    with ThreadPoolExecutor(max_workers=ENGINE_THREADS) as pool:
        return list(pool.map(work, starts))


def _processing(orders: pa.Table, policy, clock: WorkClock) -> pa.Table:
    """Processing stage (P1) for every order; cancelled orders get no due date."""
    from policy import CaseError, ship_by_us

    placed = orders.column("placed_at")
    placed_int = np.asarray(pc.fill_null(placed.cast(pa.timestamp("us", tz="UTC")).cast(pa.int64()), NAT_US)
                            .to_numpy(), dtype=np.int64)
    try:
        due_int = np.concatenate(_in_parallel(lambda i: ship_by_us(placed_int[i:i + CHUNK], policy),
                                              range(0, max(len(placed_int), 1), CHUNK)))[: len(placed_int)]
    except CaseError as exc:
        raise DataError(f"a stored order cannot be decided ({_outside_calendar(orders, 'order_id', policy) or exc}); "
                        "fix it with an import") from None
    due = float_us(due_int)
    due[orders.column("cancelled").to_numpy(zero_copy_only=False)] = np.nan
    placed_us = float_us(placed_int)
    return stage_table(clock, ORDER_STAGE, orders.column("order_id"), orders.column("category"),
                       orders.column("country"), clock.local_us(placed_us), placed_us, due,
                       utc_us(orders.column("shipped_at")), keep_all=True)


def _outside_calendar(table: pa.Table, key: str, policy) -> str:
    """Name the rows whose times fall outside the policy calendar's years in its zone (a time
    stored as 2069-12-31 23:00+08:00 is already 2070 in Auckland): up to five ids, the column and
    the local time, so the message says which rows to fix. Empty when none does."""
    zone = policy.calendar.timezone
    for name in table.column_names:
        col = table.column(name)
        if not pa.types.is_timestamp(col.type):
            continue
        local = pc.cast(col, pa.timestamp("us", tz=zone))
        years = pc.year(local)
        bad = pc.fill_null(pc.or_(pc.less(years, 2000), pc.greater(years, 2069)), False)
        if pc.any(bad).as_py():
            ids = table.column(key).filter(bad)[:5].to_pylist()
            first = local.filter(bad)[0].as_py()
            return (f"{key} {', '.join(map(str, ids))}: {name} {first:%Y-%m-%d %H:%M} in {zone} is outside the "
                    "policy calendar's years 2000..2069")
    return ""


ORDER_FIELDS = ["placed_at", "shipped_at", "category", "country"]
CASE_ORDER_FIELDS = ["order_rid", "delivered_at", "promised_delivery_at", "order_amount", "currency"]


def rows_of(rid: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """For each rowid in ``wanted``, its position in ``rid`` (-1 where absent); ``rid`` holds
    unique rowids in any order (scans return them ascending, but nothing here relies on it)."""
    order = None
    if len(rid) > 1 and not (np.diff(rid) > 0).all():
        order = np.argsort(rid, kind="stable")
        rid = rid[order]
    if not len(rid):
        return np.full(len(wanted), -1, np.int64)
    pos = np.clip(np.searchsorted(rid, wanted), 0, len(rid) - 1)
    found = rid[pos] == wanted
    if order is not None:
        pos = order[pos]
    return np.where(found, pos, -1)


def _take(table: pa.Table, name: str, rows: np.ndarray) -> pa.Array | pa.ChunkedArray:
    """``table[name]`` at ``rows``, null where a row is -1."""
    return table.column(name).take(masked(rows, rows < 0, pa.int64()))


def _cases_input(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """Every case with its order's rowid and the order fields cases need (null where the order
    is unknown): two narrow queries put together by case rowid."""
    cases = _query(con, "decide_cases_input")
    links = _query(con, "decide_case_orders")
    rows = rows_of(links.column("case_rid").to_numpy(), cases.column("case_rid").to_numpy())
    for name in CASE_ORDER_FIELDS:
        col = _take(links, name, rows)
        cases = cases.append_column(name, pc.fill_null(col, 0.0) if name == "order_amount" else col)
    return cases.drop_columns(["case_rid"])


def _with_orders(cases: pa.Table, orders: pa.Table) -> pa.Table:
    """Attach each case's order fields by rowid (a sorted search, not a second join on text)."""
    wanted = pc.fill_null(cases.column("order_rid"), -1).to_numpy()
    rows = rows_of(orders.column("rid").to_numpy(), wanted)
    for name in ORDER_FIELDS:
        col = _take(orders, name, rows)
        if name in ("category", "country"):
            col = pc.fill_null(col, "unknown")
        cases = cases.append_column(name, col)
    return cases


def _cases_part(cases: pa.Table, policy, clock: WorkClock) -> tuple[list[pa.Table], pa.Table, pa.Table]:
    """Decide every case; the case stages, per-case facts and the decision table."""
    from policy import CaseError, decide_frame

    try:
        inputs = cases.select(DECIDE_COLUMNS)
        decided = pd.concat(_in_parallel(lambda i: decide_frame(inputs.slice(i, CHUNK).to_pandas(), policy),
                                         range(0, max(len(inputs), 1), CHUNK)), ignore_index=True)
        inputs = None  # free the input copy before the stages are built
    except CaseError as exc:
        raise DataError(f"a stored case cannot be decided ({_outside_calendar(cases, 'case_id', policy) or exc}); "
                        "fix it with an import") from None
    cols = {name: utc_us(cases.column(name)) for name in CASE_EVENTS}
    dues = {name: utc_us(decided[name]) for name in DEADLINES}
    def is_(value: str) -> np.ndarray:
        return (decided["outcome"] == value).to_numpy(dtype=bool)

    media = np.where(np.isnan(cols["media_received_at"]), cols["requested_at"], cols["media_received_at"])
    cols["refund_start"] = np.select([is_("partial_refund"), is_("return_refund")],
                                     [media, cols["return_received_at"]], cols["requested_at"])
    anchor = clock.local_us(cols["requested_at"])
    ids, cat, ctry = cases.column("case_id"), cases.column("category"), cases.column("country")
    tables = [stage_table(clock, st, ids, cat, ctry, anchor, cols[st.start], dues[st.due], cols[st.done])
              for st in CASE_STAGES]

    text = {name: _text(decided[name]) for name in DECISION_TEXT}
    refund_due = pa.array(decided["refund_amount"])
    day, week = local_dates(anchor)
    case_facts = pa.table({
        "case_id": ids, "order_id": cases.column("order_id"), "category": cat, "country": ctry,
        "request": cases.column("request"), "reason": cases.column("reason"),
        "outcome": text["outcome"], "refund_kind": text["refund_kind"],
        "freight_payer": text["freight_payer"], "day": day, "week": week,
        "requested_at": cases.column("requested_at"), "refunded_at": cases.column("refunded_at"),
        "refund_paid": cases.column("refund_paid"), "freight_paid": cases.column("freight_paid"),
        "refund_due": refund_due,
    })
    deadline_cols = {name: to_timestamps(dues[name]) for name in DEADLINES}
    # Every deadline also as one struct (the same buffers): "did any deadline move" is then one
    # comparison in SQL, whatever deadlines the catalog has.
    decision_table = pa.table({"case_id": ids, **text, "refund_due": refund_due, **deadline_cols,
                               "deadlines": pa.StructArray.from_arrays(list(deadline_cols.values()),
                                                                       names=list(deadline_cols))})
    return tables, case_facts, decision_table


def _query(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> pa.Table:
    return sql.arrow(con, name, **(params or {}))


def _order_counts(con: duckdb.DuckDBPyConnection, processing: pa.Table) -> pa.Table:
    return sql.arrow(con, "facts_order_counts", tables={"order_days": processing})


def compute(con: duckdb.DuckDBPyConnection, policy, state: tuple | None = None) -> Decisions:
    """Decide everything for ``policy``.

    ``state`` (database, data version) lets the order side be reused: the orders as read and
    their processing stage (P1) depend only on the data and on the policy's calendar and
    processing keys, so a what-if scenario that changes, say, the return window re-decides
    the cases alone. Without ``state`` nothing is reused.

    DuckDB and numpy's array work release the GIL: the cases are read while the orders are,
    and the order side is built in a helper thread while this one decides the cases.
    """
    clock = _clock(con, policy)
    with ThreadPoolExecutor(max_workers=2) as pool:
        cases_f = pool.submit(_cases_input, con)
        orders = _reuse(("orders", state), lambda: _query(con, "decide_orders_input"), state)
        order_key = ("processing", state, policy.calendar, policy.processing)

        def order_side(orders: pa.Table = orders) -> tuple[pa.Table, pa.Table]:
            processing = _processing(orders, policy, clock)
            return processing, _order_counts(con, processing)

        # The order side (10M orders) and the case side (2M cases) are independent: each runs
        # on its own core.
        order_side_f = pool.submit(_reuse, order_key, order_side, state)
        cases = _with_orders(cases_f.result(), orders)
        orders = None  # the cases carry what they need of it now
        case_stages, case_facts, decision_table = _cases_part(cases, policy, clock)
        cases = None
        processing, order_counts = order_side_f.result()
    stage_facts = pa.concat_tables([processing, *case_stages], promote_options="permissive")
    return Decisions(policy=policy, key=(), stage_facts=stage_facts, case_facts=case_facts,
                     order_counts=order_counts, cases=decision_table)


# The order side, kept for the latest data state: the orders as read, and their processing
# stage for up to two (calendar, processing) settings.
_order_side: OrderedDict[tuple, object] = OrderedDict()
ORDER_SIDE_SIZE = 3


def _reuse(key: tuple, make, state: tuple | None):
    if state is None:
        return make()
    with _lock:
        for stale in [k for k in _order_side if k[1] != state]:
            del _order_side[stale]
        if key in _order_side:
            _order_side.move_to_end(key)
            return _order_side[key]
    value = make()
    with _lock:
        _order_side[key] = value
        while len(_order_side) > ORDER_SIDE_SIZE:
            _order_side.popitem(last=False)
    return value


def decisions(con: duckdb.DuckDBPyConnection, policy=None) -> Decisions:
    """Decisions for ``policy`` (default: the store's), cached per database state and policy."""
    if policy is None:
        from policy import load_policy

        policy = load_policy()
    key = (_db_key(con), data_version(con), policy)
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    result = replace(compute(con, policy, state=key[:2]), key=key)
    with _lock:
        _cache[key] = result
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return result
