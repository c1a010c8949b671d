"""Every case's decision and every SLA stage item for one policy, as tables SQL reads.

The decide step itself is ``data/facts.py`` (pure functions over Arrow batches). This module
feeds it the database's rows and keeps the results:

* **Stored facts** (the normal case): the tables ``facts_stages``, ``facts_case_facts`` and
  ``facts_decisions`` hold every fact per policy fingerprint (``fingerprint``: a hash of the
  policy's TOML), and ``facts_policies`` says for which data version each policy's facts are
  current. Reading a policy's facts when they are not current (first use of a policy, or a
  writer that did not update them) decides everything once and stores it; an import or
  ``insert_frame`` decides only the rows it wrote and the orders and cases they touch
  (``after_write``). Reports see the facts through per-cursor views named as before
  (``stage_facts``, ``case_facts``, ``case_decisions``, ``order_counts``: sql/facts_views.sql),
  beside settled totals per week and stage (``stage_weeks``: sql/facts_stage_weeks.sql), so a
  report over all history reads the items of the unsettled weeks only.
* **In memory** (read-only connections whose stored facts are missing or stale, and what-if
  scenarios, which are not stored): decided as Arrow tables and registered under the same names.

Either is cached in-process per (database file, data version, policy).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import sql
from .db import data_version, table_counts
from .facts import (  # noqa: F401  (CASE_STAGES, DECIDE_COLUMNS, DEADLINES, ORDER_STAGE: re-exported)
    CASE_FACTS_SCHEMA,
    CASE_STAGES,
    DEADLINES,
    DECIDE_COLUMNS,
    ORDER_STAGE,
    STAGE_SCHEMA,
    conform,
    decide_cases_batch,
    decide_orders_batch,
    decision_schema,
    work_clock,
)
from .facts_files import WholeTables, bound_folder
from .memo import StateMemo
from .sla import define_rule, masked

CACHE_SIZE = 2
STORED_POLICIES = 3  # policies whose facts a file keeps (the store's, and a few tried lately)
# Part of every fingerprint: bump it when the facts' columns or their meaning change, so facts
# stored by an older version of this code are recomputed instead of read.
FACTS_FORMAT = "facts-3"  # facts-3: settled totals per week and stage (facts_stage_weeks)


def fingerprint(policy) -> str:
    """The key stored facts are kept under: the policy's full TOML (every parameter can change a
    decision) and the facts' format."""
    return hashlib.sha256(f"{FACTS_FORMAT}\n{policy.to_toml()}".encode()).hexdigest()[:24]


@dataclass(frozen=True)
class Decisions:
    """Decisions held in memory (read-only connections, what-if scenarios).

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
    # No settled totals per week (stage_weeks) in memory: reports compute every week from the items.
    week_totals = False

    def register(self, cur: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
        """Expose the tables (zero-copy) and the SLA rule to SQL on ``cur`` and return it."""
        define_rule(cur)
        cur.register("stage_facts", self.stage_facts)
        cur.register("case_facts", self.case_facts)
        cur.register("order_counts", self.order_counts)
        cur.register("case_decisions", self.cases)
        return cur


class StoredDecisions(WholeTables):
    """Decisions stored in the database under ``fingerprint``: ``register`` makes a cursor's
    views over them; the table attributes read them whole (what-if, the week list). Their
    settled totals per week and stage (the stage_weeks view) spare reports the settled weeks'
    items."""

    week_totals = True

    def __init__(self, con: duckdb.DuckDBPyConnection, policy, key: tuple, fingerprint: str) -> None:
        self._con, self.policy, self.key, self.fingerprint = con, policy, key, fingerprint

    def register(self, cur: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
        define_rule(cur)
        cur.execute(sql.load("facts_set_fingerprint"), {"fingerprint": self.fingerprint})
        cur.execute(sql.load("facts_views"))
        return cur

    def _read(self, view: str) -> pa.Table:
        cur = self.register(self._con.cursor())
        try:
            return cur.table(view).to_arrow_table()
        finally:
            cur.close()


_cache: OrderedDict[tuple, object] = OrderedDict()
_lock = threading.Lock()
_store_lock = threading.Lock()


def clear_cache() -> None:
    with _lock:
        _cache.clear()
        _order_side.clear()


def _db_key(con: duckdb.DuckDBPyConnection) -> str:
    path = con.cursor().execute(sql.load("database_path")).fetchall()[0][0]
    return path if path and path != "memory" else f"memory:{id(con)}"


# The fields a case reads of its order, each with the value it takes when the order is unknown
# (None: null): its rowid and the fields only cases need (decide_case_orders, by case rowid),
# then the order's own (decide_orders_input, by order rowid).
CASE_ORDER_FIELDS = {"order_rid": None, "delivered_at": None, "promised_delivery_at": None, "order_amount": 0.0,
                     "currency": None}
ORDER_FIELDS = {"placed_at": None, "shipped_at": None, "category": "unknown", "country": "unknown"}


def rows_of(rid: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """For each rowid in ``wanted``, its position in ``rid`` (-1 where absent); ``rid`` holds
    unique rowids in any order (scans return them ascending, a join's output does not).

    Rowids are dense (0 to the table's rows), so a lookup table over their range is the usual
    way: two passes, against a sort and a search (10x the time at 1M rows). A sparse range
    (more than twice the rowids given) is searched instead, to bound the table's memory."""
    if not len(rid) or not len(wanted):
        return np.full(len(wanted), -1, np.int64)
    lo, hi = int(min(rid.min(), wanted.min())), int(max(rid.max(), wanted.max()))
    if hi - lo < 2 * (len(rid) + len(wanted)):
        table = np.full(hi - lo + 1, -1, np.int64)
        table[rid - lo] = np.arange(len(rid))
        return table[wanted - lo]
    order = None
    if len(rid) > 1 and not (np.diff(rid) > 0).all():
        order = np.argsort(rid, kind="stable")
        rid = rid[order]
    pos = np.clip(np.searchsorted(rid, wanted), 0, len(rid) - 1)
    found = rid[pos] == wanted
    if order is not None:
        pos = order[pos]
    return np.where(found, pos, -1)


def _take(table: pa.Table, name: str, rows: np.ndarray) -> pa.Array | pa.ChunkedArray:
    """``table[name]`` at ``rows``, null where a row is -1."""
    return table.column(name).take(masked(rows, rows < 0, pa.int64()))


def attach(table: pa.Table, key: str, source: pa.Table, source_key: str, fields: dict) -> pa.Table:
    """``table`` with ``source``'s columns ``fields`` appended, each row matched by rowid
    (``table[key]`` equal to ``source[source_key]``: a sorted search, not a join on text); where
    no row matches, a field takes its value in ``fields`` (None: null)."""
    rows = rows_of(source.column(source_key).to_numpy(), pc.fill_null(table.column(key), -1).to_numpy())
    for name, missing in fields.items():
        col = _take(source, name, rows)
        table = table.append_column(name, col if missing is None else pc.fill_null(col, missing))
    return table


def _query(con: duckdb.DuckDBPyConnection, name: str, tables: dict | None = None) -> pa.Table:
    return sql.arrow(con, name, tables=tables)


def _cases_input(con: duckdb.DuckDBPyConnection, scope: dict | None = None) -> pa.Table:
    """Every case (or, with ``scope``, those in its scope_cases) with its order's rowid and the
    order fields cases need (null where the order is unknown): two narrow queries put together
    by case rowid."""
    suffix = "_scope" if scope else ""
    cases = _query(con, "decide_cases_input" + suffix, scope)
    links = _query(con, "decide_case_orders" + suffix, scope)
    return attach(cases, "case_rid", links, "case_rid", CASE_ORDER_FIELDS).drop_columns(["case_rid"])


def _with_orders(cases: pa.Table, orders: pa.Table) -> pa.Table:
    """Attach each case's order fields by order rowid (not a second join on text)."""
    return attach(cases, "order_rid", orders, "rid", ORDER_FIELDS)


def _order_counts(con: duckdb.DuckDBPyConnection, processing: pa.Table) -> pa.Table:
    return sql.arrow(con, "facts_order_counts", tables={"order_days": processing})


def compute(con: duckdb.DuckDBPyConnection, policy, state: tuple | None = None,
            scope: dict | None = None) -> Decisions:
    """Decide everything for ``policy`` (with ``scope``, the tables scope_orders and
    scope_cases: only the processing stage of the orders flagged ``redecide`` and those
    cases; order_counts then counts only the orders decided).

    ``state`` (database, data version) lets the order side be reused: the orders as read and
    their processing stage (P1) depend only on the data and on the policy's calendar and
    processing keys, so a what-if scenario that changes, say, the return window re-decides
    the cases alone. Without ``state`` nothing is reused.

    DuckDB and numpy's array work release the GIL: the cases are read while the orders are,
    and the order side is built in a helper thread while this one decides the cases.
    """
    clock = work_clock(policy)
    if scope:
        state = None
    orders_query = "decide_orders_scope" if scope else "decide_orders_input"
    with ThreadPoolExecutor(max_workers=2) as pool:
        cases_f = pool.submit(_cases_input, con, scope)
        orders = _order_side.get("orders", lambda: _query(con, orders_query, scope), state)
        order_key = ("processing", policy.calendar, policy.processing)

        def order_side(orders: pa.Table = orders) -> tuple[pa.Table, pa.Table]:
            if scope:  # the orders read only for their cases keep their stored processing fact
                orders = orders.filter(orders.column("redecide"))
                if not orders.num_rows:
                    return STAGE_SCHEMA.empty_table(), _order_counts(con, STAGE_SCHEMA.empty_table())
            processing = decide_orders_batch(orders, policy, clock)
            return processing, _order_counts(con, processing)

        # The order side (10M orders) and the case side (2M cases) are independent: each runs
        # on its own core.
        order_side_f = pool.submit(_order_side.get, order_key, order_side, state)
        cases = _with_orders(cases_f.result(), orders)
        orders = None  # the cases carry what they need of it now
        if scope and not cases.num_rows:  # e.g. an import of new orders no case names yet
            case_stages, case_facts = STAGE_SCHEMA.empty_table(), CASE_FACTS_SCHEMA.empty_table()
            decision_table = decision_schema().empty_table()
        else:
            case_stages, case_facts, decision_table = decide_cases_batch(cases, policy, clock)
        cases = None
        processing, order_counts = order_side_f.result()
    # A side with no rows may be a plain empty table (text, not dictionary columns): left out.
    parts = [t for t in (processing, case_stages) if t.num_rows] or [STAGE_SCHEMA.empty_table()]
    stage_facts = pa.concat_tables(parts, promote_options="permissive")
    return Decisions(policy=policy, key=(), stage_facts=stage_facts, case_facts=case_facts,
                     order_counts=order_counts, cases=decision_table)


# The order side, kept for the latest data state: the orders as read, and their processing
# stage for up to two (calendar, processing) settings.
ORDER_SIDE_SIZE = 3
_order_side = StateMemo(ORDER_SIDE_SIZE)


# --- stored facts ---------------------------------------------------------------------------

def writable(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``con`` may store facts (a read-only connection decides in memory instead)."""
    return bool(con.cursor().execute(sql.load("access_mode_writable")).fetchall()[0][0])


def _current(con: duckdb.DuckDBPyConnection, fp: str, version: str) -> bool:
    try:
        return bool(sql.rows(con, "facts_current", fingerprint=fp, data_version=version))
    except duckdb.CatalogException:  # no facts stored in this file yet
        return False


def facts_ready(con: duckdb.DuckDBPyConnection, policy) -> bool:
    """Whether ``policy``'s facts are stored and current on ``con`` (reading them decides nothing)."""
    return _current(con, fingerprint(policy), data_version(con))


def _execute_each(cur: duckdb.DuckDBPyConnection, name: str, params: dict) -> None:
    """Run a multi-statement query whose statements bind parameters, one statement at a time
    (DuckDB binds parameters per statement)."""
    text = "\n".join(line for line in sql.load(name).splitlines() if not line.lstrip().startswith("--"))
    for statement in filter(None, (part.strip() for part in text.split(";"))):
        cur.execute(statement, sql.params_for(statement, params))


Progress = Callable[[float, str], None]  # (fraction done, 0..1; what is being done)
# Orders and cases decided and written at a time by store_facts (a case's decision needs several
# times the memory an order's processing deadline does).
STORE_BATCH = {"orders": 1_000_000, "cases": 500_000}
# Shares of a store from scratch's time (measured at 11M orders and 2M cases: 2.5 s, 14 s, 18 s,
# 1.6 s), so the fraction a progress bar shows moves evenly: reading the cases, the orders and the
# cases (each batch decided and written), the totals per week and stage and the orders per day
# computed in SQL at the end.
READ_SHARE, ORDERS_SHARE, CASES_SHARE = 0.07, 0.38, 0.50


def no_progress(fraction: float, text: str) -> None:
    """The progress callback when nobody watches."""


@contextmanager
def _facts_transaction(con: duckdb.DuckDBPyConnection, fp: str, tables: dict) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor with ``tables`` registered, the fact tables there, the SLA rule defined (the
    weekly totals judge each item by it) and policy ``fp`` chosen, in one transaction: committed
    when the block ends, rolled back when it raises."""
    cur = con.cursor()
    try:
        for name, table in tables.items():
            cur.register(name, table)
        cur.execute(sql.load("facts_schema"))
        _run_over(cur, "facts_tables", _empty_batch_tables())
        define_rule(cur)
        cur.begin()
        try:
            cur.execute(sql.load("facts_set_fingerprint"), {"fingerprint": fp})
            yield cur
            cur.commit()
        except BaseException:
            cur.rollback()
            raise
    finally:
        cur.close()


def _store(con: duckdb.DuckDBPyConnection, policy, fp: str, version: str, decided: Decisions, scope: dict) -> None:
    """Write ``decided`` as policy ``fp``'s facts of the orders and cases in ``scope``, in place
    of theirs, current for ``version``; the order counts adjusted by the change rather than
    recounted. One transaction."""
    tables = {"new_stages": conform(decided.stage_facts, STAGE_SCHEMA),
              "new_case_facts": conform(decided.case_facts, CASE_FACTS_SCHEMA),
              "new_decisions": conform(decided.cases, decision_schema()),
              "new_order_counts": decided.order_counts, **scope}
    with _facts_transaction(con, fp, tables) as cur:
        cur.execute(sql.load("facts_delete_scope"))
        cur.execute(sql.load("facts_insert"))
        cur.execute(sql.load("facts_stage_weeks"))
        cur.execute(sql.load("facts_count_orders_change"))
        cur.execute(sql.load("facts_mark"), {"fingerprint": fp, "policy_toml": policy.to_toml(),
                                             "data_version": version})


@dataclass(frozen=True)
class _Batch:
    """Facts decided from ``rows`` orders or cases (``side``), as the tables facts_insert reads."""

    side: str
    rows: int
    tables: dict


def _empty_batch_tables() -> dict:
    return {"new_stages": STAGE_SCHEMA.empty_table(), "new_case_facts": CASE_FACTS_SCHEMA.empty_table(),
            "new_decisions": decision_schema().empty_table()}


def _run_over(cur: duckdb.DuckDBPyConnection, name: str, tables: dict) -> None:
    """Run query ``name`` over ``tables`` (new_stages, new_case_facts, new_decisions; a table
    registered on ``cur`` under one of these names comes first). They are read by name from this
    function's locals (DuckDB's replacement scan), not registered: in a transaction a registered
    table stays referenced until the commit, so every batch written would stay in memory."""
    new_stages, new_case_facts, new_decisions = tables["new_stages"], tables["new_case_facts"], tables["new_decisions"]  # noqa: F841
    cur.execute(sql.load(name))


def _order_batches(con: duckdb.DuckDBPyConnection, rows: int) -> Iterator[pa.Table]:
    """Every order (decide_orders_input), about ``rows`` at a time (at least one table)."""
    cur = con.cursor()
    try:
        text = sql.load("decide_orders_input")
        reader = cur.sql(text, params=sql.params_for(text, {})).to_arrow_reader(rows)
        batches, count, sent = [], 0, False
        for batch in reader:  # DuckDB hands over a row group at a time: gathered into ``rows``
            batches.append(batch)
            count += batch.num_rows
            if count >= rows:
                yield pa.Table.from_batches(batches)
                batches, count, sent = [], 0, True
        if batches or not sent:  # no orders at all: one empty table, with the columns' types
            yield pa.Table.from_batches(batches, schema=reader.schema)
    finally:
        cur.close()


def _decided_batches(con: duckdb.DuckDBPyConnection, policy, cases: pa.Table) -> Iterator[_Batch]:
    """Every order's and then every case's facts under ``policy``, a batch at a time (the
    decide step's output does not depend on how the rows are split). The orders stream past
    once: each batch's processing stage is decided and the fields ``cases`` need of their own
    orders are kept (a few columns of the orders that have cases, not every order)."""
    clock = work_clock(policy)
    wanted = np.unique(pc.fill_null(cases.column("order_rid"), -1).to_numpy())
    kept = []
    for orders in _order_batches(con, STORE_BATCH["orders"]):
        kept.append(orders.select(["rid", *ORDER_FIELDS]).filter(rows_of(wanted, orders.column("rid").to_numpy()) >= 0))
        tables = {**_empty_batch_tables(), "new_stages": conform(decide_orders_batch(orders, policy, clock), STAGE_SCHEMA)}
        yield _Batch("orders", orders.num_rows, tables)
    cases = _with_orders(cases, pa.concat_tables(kept))
    kept = None
    size = STORE_BATCH["cases"]
    for start in range(0, cases.num_rows, size):
        stages, case_facts, decided = decide_cases_batch(cases.slice(start, size), policy, clock)
        yield _Batch("cases", min(size, cases.num_rows - start),
                     {"new_stages": conform(stages, STAGE_SCHEMA),
                      "new_case_facts": conform(case_facts, CASE_FACTS_SCHEMA),
                      "new_decisions": conform(decided, decision_schema())})


def _ahead(items: Iterator) -> Iterator:
    """``items`` with the next one made in a helper thread while the caller uses this one (the
    next batch is decided while this one is written: DuckDB and numpy release the GIL)."""
    done = object()
    with ThreadPoolExecutor(max_workers=1) as pool:
        upcoming = pool.submit(next, items, done)
        while (item := upcoming.result()) is not done:
            upcoming = pool.submit(next, items, done)
            yield item


def store_facts(con: duckdb.DuckDBPyConnection, policy, progress: Progress | None = None) -> str:
    """Decide everything for ``policy`` and store it (replacing what was stored under its
    fingerprint); returns the fingerprint. ``decisions`` calls this when the facts are missing
    or stale; tests call it to rebuild from scratch.

    The orders and cases are decided and written a batch at a time (``STORE_BATCH``), the next
    batch decided while one is written, in one transaction: memory stays about the same
    whatever the number of orders. ``progress(fraction, text)`` hears of each step."""
    report = progress or no_progress
    started = time.perf_counter()
    fp = fingerprint(policy)
    version = data_version(con)
    report(0.0, "Reading the cases")
    cases = _cases_input(con)
    counts = {"orders": table_counts(con)["orders"], "cases": cases.num_rows}
    done = {"orders": 0, "cases": 0}
    start = {"orders": READ_SHARE, "cases": READ_SHARE + ORDERS_SHARE}
    share = {"orders": ORDERS_SHARE, "cases": CASES_SHARE}
    verb = {"orders": "Deciding and writing the orders' processing deadline", "cases": "Deciding and writing the cases"}
    with _facts_transaction(con, fp, {}) as cur:
        cur.execute(sql.load("facts_delete_all"))
        _execute_each(cur, "facts_evict", {"keep": STORED_POLICIES})
        report(READ_SHARE, f"Reading the orders ({counts['orders']:,}) and deciding them")
        for batch in _ahead(_decided_batches(con, policy, cases)):
            cases = None  # the helper thread holds what it needs of them
            _run_over(cur, "facts_insert", batch.tables)
            done[batch.side] += batch.rows
            side = batch.side
            report(start[side] + share[side] * done[side] / max(counts[side], 1),
                   f"{verb[side]}: {done[side]:,} of {counts[side]:,}")
        totals = READ_SHARE + ORDERS_SHARE + CASES_SHARE
        report(totals, "Totals per week and SLA stage")
        cur.execute(sql.load("facts_touched_all_weeks"))
        cur.execute(sql.load("facts_stage_weeks"))
        report(totals + (1 - totals) * 0.8, "Orders per day, category and country")
        cur.execute(sql.load("facts_count_orders"))
        cur.execute(sql.load("facts_mark"), {"fingerprint": fp, "policy_toml": policy.to_toml(),
                                             "data_version": version})
    report(1.0, f"Decided and stored {counts['cases']:,} cases and {counts['orders']:,} orders under "
                f"{policy.name!r} in {time.perf_counter() - started:.1f} s")
    return fp


def after_write(con: duckdb.DuckDBPyConnection, before: str, written_orders: pa.Table | None,
                written_cases: pa.Table | None) -> None:
    """Bring every policy's stored facts that were current at data version ``before`` up to
    the data as now written, deciding only the orders (column order_id) and cases (column
    case_id) written and the orders and cases they touch: a written order's cases, a written
    case's order. Facts that were already stale stay stale (recomputed when next read).

    A writer that knows more says so in optional columns, each a shortcut: ``is_new`` (the row
    was not stored before the write, so it has no facts to replace) and, for orders,
    ``order_side_changed`` (false: no field the order's processing stage reads changed, so only
    its cases are decided again). Without them every written row counts as stored and changed."""
    from policy import parse_policy

    try:
        stored = sql.rows(con, "facts_stored", data_version=before)
    except duckdb.CatalogException:
        return
    if not stored:
        return
    version = data_version(con)
    written = {"written_orders": _written(written_orders, "order_id", order_side_changed=True),
               "written_cases": _written(written_cases, "case_id")}
    scope_cases = sql.arrow(con, "facts_scope_cases", tables=written)
    scope_orders = sql.arrow(con, "facts_scope_orders", tables={**written, "scope_cases": scope_cases})
    scope = {"scope_orders": scope_orders, "scope_cases": scope_cases}
    for row in stored:
        policy = parse_policy(row["policy_toml"])
        _store(con, policy, row["fingerprint"], version, compute(con, policy, scope=scope), scope=scope)


def _written(table: pa.Table | None, key: str, **flags: bool) -> pa.Table:
    """A writer's written rows with ``key``, ``is_new`` and ``flags``' columns, each absent one
    filled with its safe value (is_new false: facts may be stored; a flag as given)."""
    if table is None:
        table = pa.table({key: pa.array([], pa.string())})
    for name, value in {"is_new": False, **flags}.items():
        if name not in table.column_names:
            table = table.append_column(name, pa.array([value] * table.num_rows, pa.bool_()))
    return table.select([key, "is_new", *flags])


def update_facts_after_write(con: duckdb.DuckDBPyConnection, before: str, written_orders: pa.Table | None = None,
                             written_cases: pa.Table | None = None) -> None:
    """``after_write`` for writers whose rows are already committed: a failure leaves the facts
    stale (the next read decides everything again and reports a row it cannot decide) rather
    than failing a write that succeeded."""
    from .db import DataError

    try:
        after_write(con, before, written_orders, written_cases)
    except (DataError, duckdb.Error):
        pass


def decisions(con: duckdb.DuckDBPyConnection, policy=None, *, store: bool = True, progress: Progress | None = None):
    """Decisions for ``policy`` (default: the store's): its stored facts, decided and stored
    first when missing or stale; on a read-only connection, whose facts cannot be written,
    decided in memory unless already stored and current. ``store=False`` (what-if scenarios)
    decides in memory without storing. Cached per database state and policy. ``progress``
    hears of the deciding when there is any (``store_facts``; in memory: its start and end).

    A connection bound to a facts folder (``facts_files.bind``: ``report --facts``, the app's
    Weekly metrics under ``RETURNS_DESK_FACTS``) reads the folder's facts instead; a policy
    other than the folder's is a ``DataError`` naming both."""
    folder = bound_folder(con)
    if folder is not None:
        return folder.for_policy(policy)
    if policy is None:
        from policy import load_policy

        policy = load_policy()
    version = data_version(con)
    key = (_db_key(con), version, policy, store)
    with _lock:
        for found in ((*key, id(con)), key):
            if found in _cache:
                _cache.move_to_end(found)
                return _cache[found]
    fp = fingerprint(policy)
    # A stored result reads through this connection (which the cache entry keeps alive, so its
    # id names it): keyed per connection, where in-memory results are shared per file.
    if _current(con, fp, version):
        result = StoredDecisions(con, policy, key, fp)
    elif store and writable(con):
        with _store_lock:  # two sessions asking at once: one decides and stores, the other reads
            if not _current(con, fp, version):
                store_facts(con, policy, progress=progress)
        result = StoredDecisions(con, policy, key, fp)
    else:
        report = progress or no_progress
        report(0.0, "Deciding every case and order in memory (the database is read-only: nothing is stored)")
        result = replace(compute(con, policy, state=key[:2]), key=key)
        report(1.0, f"Decided {result.case_facts.num_rows:,} cases in memory under {policy.name!r}")
    if isinstance(result, StoredDecisions):
        key = (*key, id(con))
    with _lock:
        _cache[key] = result
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return result
