"""The decide step as pure functions: Arrow batches in, Arrow batches out, declared schemas.

No database, no cache, no today's date: each function reads only its arguments, so a batch can
be decided here, in a thread, or inside another engine (issue 12), and any split of the rows into
batches gives the same rows as one call. The working-time clock comes from ``work_clock``, built
from explicit bounds (the policy calendar's years), so a fact never depends on when or over which
rows it was computed: stored facts decided in one import equal those decided from scratch.

Inputs: ``decide_orders_batch`` takes ``decide_orders_input.sql``'s columns; ``decide_cases_batch``
takes ``decide_cases_input.sql``'s columns plus the order fields (``decisions.CASE_ORDER_FIELDS``
and ``ORDER_FIELDS``). Outputs follow ``STAGE_SCHEMA``, ``CASE_FACTS_SCHEMA`` and
``decision_schema()``.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from policy.bulk import (
    FREIGHT_PAYER_TEXT,
    MISSING_TEXT,
    OTHER_COSTS_PAYER_TEXT,
    OUTCOME_TEXT,
    REFUND_KIND_TEXT,
    money_from_cents,
)
from policy.catalog import DEADLINE_NAMES, Deadline

from .db import DataError
from .sla import (
    NAT_US,
    STAGES,
    WorkClock,
    float_us,
    local_dates,
    masked,
    stage_table,
    utc_us,
)

DECIDE_COLUMNS = [
    "case_id", "order_id", "request", "reason", "requested_at", "prior_contact",
    "has_order_number", "has_shipping_address", "has_media", "correct_use", "replied_at",
    "media_received_at", "return_received_at", "freight_claimed_at", "placed_at", "shipped_at",
    "delivered_at", "promised_delivery_at", "order_amount", "currency", "category",
]
# The decision's text fields, each with the texts its codes stand for (``policy.DecidedArrays``).
DECISION_TEXT = {"outcome": OUTCOME_TEXT, "refund_kind": REFUND_KIND_TEXT, "freight_payer": FREIGHT_PAYER_TEXT,
                 "other_costs_payer": OTHER_COSTS_PAYER_TEXT, "missing": MISSING_TEXT}
DEADLINES = list(DEADLINE_NAMES)
# P1 is decided per order (every order has one); every other stage per case.
ORDER_STAGE = next(s for s in STAGES if s.deadline is Deadline.SHIP_BY)
CASE_STAGES = tuple(s for s in STAGES if s is not ORDER_STAGE)
# The case's milestones the stages start from or end at (``refund_start`` is derived below).
CASE_EVENTS = tuple(dict.fromkeys(["requested_at", "media_received_at", "return_received_at",
                                   *(e for s in CASE_STAGES for e in (s.start, s.done) if e != "refund_start")]))
# The policy calendar's years: the clock spans them all, whatever the data or today's date.
CALENDAR_FIRST, CALENDAR_LAST = dt.date(2000, 1, 2), dt.date(2069, 12, 30)

TS = pa.timestamp("us", tz="UTC")
MONEY = pa.decimal128(12, 2)
STAGE_SCHEMA = pa.schema([
    ("stage", pa.string()), ("item_id", pa.string()), ("category", pa.string()), ("country", pa.string()),
    ("week", pa.date32()), ("day", pa.date32()), ("due", TS), ("done", TS), ("hours", pa.float64()),
])
CASE_FACTS_SCHEMA = pa.schema([
    ("case_id", pa.string()), ("order_id", pa.string()), ("category", pa.string()), ("country", pa.string()),
    ("request", pa.string()), ("reason", pa.string()), ("outcome", pa.string()), ("refund_kind", pa.string()),
    ("freight_payer", pa.string()), ("day", pa.date32()), ("week", pa.date32()), ("requested_at", TS),
    ("refunded_at", TS), ("refund_paid", MONEY), ("freight_paid", MONEY), ("refund_due", MONEY),
])


def decision_schema() -> pa.Schema:
    """Each case's decision: the text fields, the refund due, every deadline (catalog order) and
    the same deadlines as one struct (so "did any deadline move" is one comparison in SQL)."""
    deadlines = [(name, TS) for name in DEADLINES]
    return pa.schema([("case_id", pa.string()), *((name, pa.string()) for name in DECISION_TEXT),
                      ("refund_due", MONEY), *deadlines, ("deadlines", pa.struct(deadlines))])


def work_clock(policy) -> WorkClock:
    """The policy's working-time clock over the calendar's whole span (explicit bounds, cheap:
    one row per day), so facts never depend on the data's dates or today's."""
    return WorkClock.for_policy(policy, CALENDAR_FIRST, CALENDAR_LAST)


CHUNK = 500_000  # rows per engine call (two run at once): bounds working memory on 10M orders
ENGINE_THREADS = 2  # the engine's numpy work releases the GIL: two chunks at once on two cores


def _in_parallel(work, starts) -> list:
    """``[work(i) for i in starts]``, two at a time, results in order."""
    starts = list(starts)
    if len(starts) < 2:
        return [work(i) for i in starts]
    with ThreadPoolExecutor(max_workers=ENGINE_THREADS) as pool:
        return list(pool.map(work, starts))


def conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` with exactly ``schema``'s columns and types (dictionaries decoded)."""
    return pa.table({f.name: table.column(f.name).cast(f.type) for f in schema}, schema=schema)


def _coded(codes: np.ndarray, texts: tuple[str, ...]) -> pa.Array:
    """Codes into ``texts`` as an Arrow dictionary (no per-row text)."""
    return pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(texts, pa.string()))


def outside_calendar(table: pa.Table, key: str, policy, ids_of=None) -> str:
    """Name the rows whose times fall outside the policy calendar's years in its zone (a time
    stored as 2069-12-31 23:00+08:00 is already 2070 in Auckland): up to five ids, the column and
    the local time, so the message says which rows to fix. Empty when none does. With
    ``ids_of``, ``key`` holds rowids and ``ids_of(rowids)`` gives the orders' ids to name."""
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
            if ids_of is not None:
                key, ids = "order_id", ids_of(ids)
            first = local.filter(bad)[0].as_py()
            return (f"{key} {', '.join(map(str, ids))}: {name} {first:%Y-%m-%d %H:%M} in {zone} is outside the "
                    "policy calendar's years 2000..2069")
    return ""


def processing_due(orders: pa.Table, policy, ids_of=None) -> tuple[np.ndarray, np.ndarray]:
    """Each order's placing and its processing stage's (P1) due date, float UTC microseconds
    (NaN unknown; a cancelled order has none), for ``orders`` with columns placed_at, cancelled
    and order_id (named when one cannot be decided) or, with ``ids_of`` (rowids -> order ids),
    order_rid: millions of rowids are lighter to read than their ids, which only an error names.
    ``decide_orders_batch`` without the stage rows, for a caller that needs only the due dates
    (the what-if replay's SLA counts)."""
    from policy import CaseError, ship_by_us

    placed = orders.column("placed_at")
    placed_int = np.asarray(pc.fill_null(placed.cast(TS).cast(pa.int64()), NAT_US)
                            .to_numpy(), dtype=np.int64)
    try:
        due_int = np.concatenate(_in_parallel(lambda i: ship_by_us(placed_int[i:i + CHUNK], policy),
                                              range(0, max(len(placed_int), 1), CHUNK)))[: len(placed_int)]
    except CaseError as exc:
        named = outside_calendar(orders, "order_id" if ids_of is None else "order_rid", policy, ids_of)
        raise DataError(f"a stored order cannot be decided ({named or exc}); "
                        "fix it with an import") from None
    due = float_us(due_int)
    due[orders.column("cancelled").to_numpy(zero_copy_only=False)] = np.nan
    return float_us(placed_int), due


def decide_orders_batch(orders: pa.Table, policy, clock: WorkClock) -> pa.Table:
    """Processing stage (P1) rows (``STAGE_SCHEMA``, one per order; cancelled orders get no due
    date) for ``orders`` with columns order_id, placed_at, shipped_at, cancelled, category, country."""
    placed_us, due = processing_due(orders, policy)
    return stage_table(clock, ORDER_STAGE, orders.column("order_id"), orders.column("category"),
                       orders.column("country"), clock.local_us(placed_us), placed_us, due,
                       utc_us(orders.column("shipped_at")), keep_all=True)


def decide_cases_batch(cases: pa.Table, policy, clock: WorkClock,
                       counts_only: bool = False) -> tuple[pa.Table, pa.Table, pa.Table]:
    """Decide ``cases`` (their own columns and their order's): the case stages' rows
    (``STAGE_SCHEMA``; with ``counts_only``, only its ``sla.COUNT_COLUMNS``), one case-facts row
    per case (``CASE_FACTS_SCHEMA``) and each case's decision (``decision_schema()``). Column
    types may be Arrow dictionaries of the declared text; ``conform`` decodes them."""
    from policy import CaseError, decide_arrays

    try:
        inputs = cases.select(DECIDE_COLUMNS)
        parts = _in_parallel(lambda i: decide_arrays(inputs.slice(i, CHUNK).to_pandas(), policy),
                             range(0, max(len(inputs), 1), CHUNK))
        inputs = None  # free the input copy before the stages are built
    except CaseError as exc:
        raise DataError(f"a stored case cannot be decided ({outside_calendar(cases, 'case_id', policy) or exc}); "
                        "fix it with an import") from None

    def joined(values) -> np.ndarray:
        return np.concatenate(list(values))

    cols = {name: utc_us(cases.column(name)) for name in CASE_EVENTS}
    due_us = {name: joined(p.deadlines[name] for p in parts) for name in DEADLINES}
    dues = {name: float_us(us) for name, us in due_us.items()}
    outcome = joined(p.outcome for p in parts)

    def is_(value: str) -> np.ndarray:
        return outcome == OUTCOME_TEXT.index(value)

    media = np.where(np.isnan(cols["media_received_at"]), cols["requested_at"], cols["media_received_at"])
    cols["refund_start"] = np.select([is_("partial_refund"), is_("return_refund")],
                                     [media, cols["return_received_at"]], cols["requested_at"])
    anchor = clock.local_us(cols["requested_at"])
    ids, cat, ctry = cases.column("case_id"), cases.column("category"), cases.column("country")
    tables = [stage_table(clock, st, ids, cat, ctry, anchor, cols[st.start], dues[st.due], cols[st.done],
                          counts_only=counts_only)
              for st in CASE_STAGES]
    stages = pa.concat_tables(tables, promote_options="permissive")

    text = {name: _coded(joined(getattr(p, name) for p in parts), texts) for name, texts in DECISION_TEXT.items()}
    refund_due = money_from_cents(joined(p.refund_cents for p in parts))
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
    deadline_cols = {name: masked(us, us == NAT_US, TS) for name, us in due_us.items()}
    decision_table = pa.table({"case_id": ids, **text, "refund_due": refund_due, **deadline_cols,
                               "deadlines": pa.StructArray.from_arrays(list(deadline_cols.values()),
                                                                       names=list(deadline_cols))})
    return stages, case_facts, decision_table
