"""Stored facts (issue 11): decided once per policy, kept current by imports that decide only
what they wrote (and the orders and cases it touches), identical to a rebuild from scratch."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pyarrow as pa
import pytest

import data
from data import decisions as dec
from data.db import data_version, insert_frame
from data.importer import import_file
from policy import load_policy

TABLES = {"facts_stages": ["stage", "item_id"], "facts_case_facts": ["case_id"], "facts_decisions": ["case_id"],
          "facts_order_counts": ["day", "category", "country"], "facts_stage_weeks": ["week", "stage"]}


def stored(con, fp: str) -> dict[str, pd.DataFrame]:
    """Every stored fact of policy ``fp``, in a fixed order."""
    out = {}
    for table, keys in TABLES.items():
        rel = con.cursor().table(table).filter(f"fingerprint = '{fp}'")
        out[table] = rel.df().sort_values(keys).reset_index(drop=True)
    return out


def write_csv(path, frame: pd.DataFrame):
    frame.to_csv(path, index=False)
    return path


@pytest.fixture
def db(sample_db, tmp_path):
    """A private copy of the sample database (this module writes to it)."""
    target = tmp_path / "facts.duckdb"
    target.write_bytes(sample_db.read_bytes())
    dec.clear_cache()
    con = data.connect(target, quiet=True)
    yield con
    con.close()
    dec.clear_cache()


def _orders(con, n: int, offset: int = 0) -> pd.DataFrame:
    return con.cursor().sql(f"SELECT * FROM orders ORDER BY order_id LIMIT {n} OFFSET {offset}").df()


def _cases(con, n: int, offset: int = 0) -> pd.DataFrame:
    return con.cursor().sql(f"SELECT * FROM cases ORDER BY case_id LIMIT {n} OFFSET {offset}").df()


def _import_series(con, tmp_path, calls: list) -> None:
    """Insert, update and re-import orders and cases, through files and frames."""
    new_orders = _orders(con, 40)
    new_orders["order_id"] = "NEW-" + new_orders["order_id"]
    write_csv(tmp_path / "o1.csv", new_orders)
    import_file(con, "orders", tmp_path / "o1.csv")                       # insert orders
    new_cases = _cases(con, 30)
    new_cases["case_id"] = "NEW-" + new_cases["case_id"]
    new_cases["order_id"] = "NEW-" + new_cases["order_id"].where(new_cases["order_id"].isin(
        pd.Series(new_orders["order_id"]).str[4:]), new_orders["order_id"].iloc[0][4:])
    write_csv(tmp_path / "c1.csv", new_cases.drop(columns=["agent"]))
    import_file(con, "cases", tmp_path / "c1.csv")                        # insert cases
    # Update orders that have cases: move placed_at by three days, cancel one, recategorise one.
    with_cases = con.cursor().sql("SELECT o.* FROM orders o WHERE order_id IN (SELECT order_id FROM cases) "
                                  "ORDER BY order_id LIMIT 25").df()
    with_cases["placed_at"] = with_cases["placed_at"] - pd.Timedelta(days=3)
    with_cases.loc[0, "status"] = "cancelled"
    with_cases.loc[1, "category"] = "garden"
    write_csv(tmp_path / "o2.csv", with_cases)
    import_file(con, "orders", tmp_path / "o2.csv")                       # update orders
    import_file(con, "orders", tmp_path / "o2.csv")                       # re-import: no change
    changed = _cases(con, 20, offset=100)
    changed["replied_at"] = changed["requested_at"] + pd.Timedelta(hours=90)
    changed["order_id"] = changed["order_id"].iloc[::-1].to_numpy()     # cases move to other orders
    insert_frame(con, "cases", pa.Table.from_pandas(changed, preserve_index=False))  # update by frame
    calls.append(data_version(con))


def test_imports_keep_the_facts_equal_to_a_rebuild(db, tmp_path, monkeypatch):
    policy = load_policy()
    fp = dec.fingerprint(policy)
    dec.decisions(db, policy)                       # first read stores every fact
    full_runs = []
    real_store = dec.store_facts
    monkeypatch.setattr(dec, "store_facts", lambda con, p, **kw: full_runs.append(p) or real_store(con, p, **kw))
    _import_series(db, tmp_path, [])
    got = dec.decisions(db, policy)
    assert isinstance(got, dec.StoredDecisions)
    assert full_runs == []                          # the imports kept the facts current themselves
    incremental = stored(db, fp)
    real_store(db, policy)                          # from scratch
    rebuilt = stored(db, fp)
    for table in TABLES:
        assert len(incremental[table]) == len(rebuilt[table]), table
        pd.testing.assert_frame_equal(incremental[table], rebuilt[table], check_exact=True, obj=table)


def test_written_rows_change_their_cases_facts(db, tmp_path):
    """A changed order changes the decision of its cases (scope is not just the rows written)."""
    policy = load_policy()
    fp = dec.fingerprint(policy)
    dec.decisions(db, policy)
    order_id, case_id = db.cursor().sql("SELECT order_id, case_id FROM cases ORDER BY case_id LIMIT 1").fetchall()[0]
    before = db.cursor().sql(f"SELECT category FROM facts_case_facts WHERE fingerprint = '{fp}' "
                             f"AND case_id = '{case_id}'").fetchall()
    order = db.cursor().sql(f"SELECT * FROM orders WHERE order_id = '{order_id}'").df()
    order["category"] = "brand-new-category"
    write_csv(tmp_path / "o.csv", order)
    import_file(db, "orders", tmp_path / "o.csv")
    after = db.cursor().sql(f"SELECT category FROM facts_case_facts WHERE fingerprint = '{fp}' "
                            f"AND case_id = '{case_id}'").fetchall()
    assert before != after == [("brand-new-category",)]


def _longer_window(policy):
    return dataclasses.replace(policy, returns=dataclasses.replace(policy.returns,
                                                                 window_days=policy.returns.window_days + 5))


@pytest.mark.parametrize("read_only", [False, True], ids=["writable", "read-only"])
def test_a_policy_not_yet_stored_is_stored_once_unless_read_only(db, read_only):
    """Writable: decided once and stored under its own fingerprint, next to the first policy's.
    Read-only: nothing can be written, so decided in memory, with the same figures."""
    policy, other = load_policy(), _longer_window(load_policy())
    assert dec.fingerprint(other) != dec.fingerprint(policy)
    path = db.cursor().execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()[0][0]
    dec.decisions(db, policy)
    con = db
    if read_only:
        db.close()
        dec.clear_cache()
        con = data.connect(path, read_only=True, quiet=True)
    got = dec.decisions(con, other)
    assert isinstance(got, dec.StoredDecisions) is not read_only
    stored_fps = {r[0] for r in con.cursor().sql("SELECT fingerprint FROM facts_policies").fetchall()}
    expected = {dec.fingerprint(policy)} | (set() if read_only else {dec.fingerprint(other)})
    assert stored_fps == expected
    n_cases = con.cursor().sql("SELECT count(*) FROM cases").fetchall()[0][0]
    assert got.cases.num_rows == got.case_facts.num_rows == n_cases
    if read_only:
        con.close()


def test_facts_do_not_depend_on_which_rows_are_decided_together(db):
    """The pure decide step: deciding the cases in two batches gives the rows of one batch."""
    from data.facts import decide_cases_batch, work_clock

    policy = load_policy()
    clock = work_clock(policy)
    cases = dec._with_orders(dec._cases_input(db), dec._query(db, "decide_orders_input"))
    whole = decide_cases_batch(cases, policy, clock)
    half = cases.num_rows // 2
    parts = [decide_cases_batch(cases.slice(a, b), policy, clock) for a, b in ((0, half), (half, None))]
    for i in range(3):
        joined = pa.concat_tables([p[i] for p in parts], promote_options="permissive")
        assert joined.to_pandas().sort_values(joined.column_names[:2]).reset_index(drop=True).equals(
            whole[i].to_pandas().sort_values(joined.column_names[:2]).reset_index(drop=True))


def test_a_file_keeps_the_facts_of_the_latest_policies_only(db, monkeypatch):
    monkeypatch.setattr(dec, "STORED_POLICIES", 2)
    base = load_policy()
    policies = [base, _longer_window(base), _longer_window(_longer_window(base))]
    for policy in policies:
        dec.decisions(db, policy)
    kept = {r[0] for r in db.cursor().sql("SELECT DISTINCT fingerprint FROM facts_stages").fetchall()}
    listed = {r[0] for r in db.cursor().sql("SELECT fingerprint FROM facts_policies").fetchall()}
    assert kept == listed == {dec.fingerprint(p) for p in policies[1:]}


def _assert_equal_to_a_rebuild(con, policy) -> None:
    fp = dec.fingerprint(policy)
    assert isinstance(dec.decisions(con, policy), dec.StoredDecisions)
    incremental = stored(con, fp)
    dec.store_facts(con, policy)                    # from scratch
    rebuilt = stored(con, fp)
    for table in TABLES:
        pd.testing.assert_frame_equal(incremental[table], rebuilt[table], check_exact=True, obj=table)


@pytest.fixture
def decided_orders(monkeypatch) -> list[int]:
    """How many orders each call of the order side decided (its processing stage)."""
    calls: list[int] = []
    real = dec.decide_orders_batch
    monkeypatch.setattr(dec, "decide_orders_batch", lambda orders, *a: calls.append(orders.num_rows) or real(orders, *a))
    return calls


# One field of 12 orders changed by an import, 6 with cases and 6 without; whether the orders'
# own processing stage (P1: placed_at, shipped_at, status, category, country) is decided again.
ORDER_CHANGES = [
    pytest.param("placed_at", lambda o: o["placed_at"] + pd.Timedelta(days=7), True, id="placed_at-next-week"),
    pytest.param("placed_at", lambda o: o["placed_at"] + pd.Timedelta(seconds=1), True, id="placed_at-one-second"),
    pytest.param("shipped_at", lambda o: o["placed_at"] + pd.Timedelta(days=5), True, id="shipped_at-late"),
    pytest.param("status", lambda o: "cancelled", True, id="status-cancelled"),
    pytest.param("status", lambda o: "returned", True, id="status-not-cancelling"),
    pytest.param("category", lambda o: "garden", True, id="category-moves-group"),
    pytest.param("country", lambda o: "ZZ", True, id="country-moves-group"),
    pytest.param("delivered_at", lambda o: o["placed_at"] + pd.Timedelta(days=9), False, id="delivered_at-only"),
    pytest.param("promised_delivery_at", lambda o: o["placed_at"] + pd.Timedelta(days=1), False,
                 id="promised_delivery_at-only"),
    pytest.param("order_amount", lambda o: o["order_amount"] + 1, False, id="order_amount-only"),
    pytest.param("currency", lambda o: "EUR", False, id="currency-only"),
]


@pytest.mark.parametrize(("column", "change", "order_side"), ORDER_CHANGES)
def test_an_import_changing_one_order_field_keeps_the_facts_equal_to_a_rebuild(db, tmp_path, decided_orders,
                                                                               column, change, order_side):
    """A field no processing stage reads re-decides only the orders' cases (no order is decided,
    no count moves); one it reads re-decides those orders and moves their counts between groups."""
    policy = load_policy()
    dec.decisions(db, policy)
    decided_orders.clear()
    orders = db.cursor().sql("(SELECT * FROM orders WHERE order_id IN (SELECT order_id FROM cases) ORDER BY order_id LIMIT 6) "
                             "UNION ALL (SELECT * FROM orders WHERE order_id NOT IN (SELECT order_id FROM cases) "
                             "ORDER BY order_id LIMIT 6)").df()
    orders[column] = orders.apply(change, axis=1)
    result = import_file(db, "orders", write_csv(tmp_path / "o.csv", orders))
    assert result.updated == 12
    assert decided_orders == ([12] if order_side else [])
    _assert_equal_to_a_rebuild(db, policy)


def test_an_order_imported_after_its_case_changes_the_cases_facts(db, tmp_path, decided_orders):
    """A new order has no stored facts of its own, but a case stored before it (its order then
    unknown: a program's write, files refuse it) has: the import decides that case again."""
    policy = load_policy()
    fp = dec.fingerprint(policy)
    dec.decisions(db, policy)
    case = _cases(db, 1)
    case["case_id"], case["order_id"] = "EARLY-1", "LATE-1"
    insert_frame(db, "cases", pa.Table.from_pandas(case, preserve_index=False))
    facts = f"SELECT category FROM facts_case_facts WHERE fingerprint = '{fp}' AND case_id = 'EARLY-1'"
    assert db.cursor().sql(facts).fetchall() == [("unknown",)]
    decided_orders.clear()
    order = _orders(db, 1)
    order["order_id"], order["category"] = "LATE-1", "electronics"
    result = import_file(db, "orders", write_csv(tmp_path / "o.csv", order))
    assert (result.inserted, decided_orders) == (1, [1])
    assert db.cursor().sql(facts).fetchall() == [("electronics",)]
    _assert_equal_to_a_rebuild(db, policy)


def test_an_unchanged_file_decides_nothing(db, tmp_path, monkeypatch):
    policy = load_policy()
    dec.decisions(db, policy)
    orders = _orders(db, 50)
    orders["order_id"] = "NEW-" + orders["order_id"]
    path = write_csv(tmp_path / "o.csv", orders)
    first = import_file(db, "orders", path)
    assert first.inserted == 50 and first.deciding_seconds > 0
    version = data_version(db)
    computed = []
    monkeypatch.setattr(dec, "compute", lambda *a, **k: computed.append(a) or pytest.fail("decided"))
    again = import_file(db, "orders", path)
    assert (again.unchanged, again.inserted, again.updated, again.deciding_seconds) == (50, 0, 0, 0.0)
    assert computed == [] and data_version(db) == version
    monkeypatch.undo()
    _assert_equal_to_a_rebuild(db, policy)



# How many orders and cases store_facts decides and writes at a time (the sample fits in one
# batch of the default sizes): many batches, the last one short.
BATCHES = [
    pytest.param({"orders": 7_000, "cases": 1_500}, id="orders-7000-cases-1500"),
    pytest.param({"orders": 25_000, "cases": 4_000}, id="orders-25000-cases-4000"),
]


@pytest.mark.parametrize("batch", BATCHES)
def test_a_store_in_batches_equals_one_in_one_go(db, monkeypatch, decided_orders, batch):
    """store_facts decides and writes a batch at a time; how the rows are split changes nothing."""
    policy = load_policy()
    fp = dec.fingerprint(policy)
    n_orders = db.cursor().sql("SELECT count(*) FROM orders").fetchall()[0][0]
    dec.store_facts(db, policy)
    assert decided_orders == [n_orders]
    one_go = stored(db, fp)
    decided_orders.clear()
    monkeypatch.setattr(dec, "STORE_BATCH", batch)
    dec.store_facts(db, policy)
    assert sum(decided_orders) == n_orders and len(decided_orders) >= -(-n_orders // batch["orders"]) > 2
    batched = stored(db, fp)
    for table in TABLES:
        pd.testing.assert_frame_equal(batched[table], one_go[table], check_exact=True, obj=table)


@pytest.mark.parametrize("batch", [pytest.param(None, id="one-batch"), *BATCHES])
def test_a_store_reports_its_steps(db, monkeypatch, batch):
    """The progress callback hears every step, in order: fractions that never go back, from 0
    to 1, each with a sentence saying what is being done and how far it got."""
    if batch:
        monkeypatch.setattr(dec, "STORE_BATCH", batch)
    heard: list[tuple[float, str]] = []
    dec.store_facts(db, load_policy(), progress=lambda fraction, text: heard.append((fraction, text)))
    fractions = [f for f, _ in heard]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions) and all(0.0 <= f <= 1.0 for f in fractions)
    counts = db.cursor().sql("SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM cases)").fetchall()[0]
    texts = [t for _, t in heard]
    assert texts[0] == "Reading the cases"
    assert f"Reading the orders ({counts[0]:,}) and deciding them" in texts
    order_steps = [t for t in texts if t.startswith("Deciding and writing the orders")]
    case_steps = [t for t in texts if t.startswith("Deciding and writing the cases")]
    assert order_steps[-1].endswith(f": {counts[0]:,} of {counts[0]:,}")
    assert case_steps[-1].endswith(f": {counts[1]:,} of {counts[1]:,}")
    if batch:
        assert len(order_steps) > 2 and len(case_steps) > 2
    assert texts[-3:-1] == ["Totals per week and SLA stage", "Orders per day, category and country"]
    assert texts[-1].startswith(f"Decided and stored {counts[1]:,} cases and {counts[0]:,} orders under 'Store policy'")


@pytest.mark.parametrize("read_only", [False, True], ids=["stored", "read-only-in-memory"])
def test_decisions_pass_progress_on_only_when_they_decide(db, read_only):
    """A policy not yet stored reports its deciding; once stored (or cached), nothing is heard."""
    policy = load_policy()
    path = db.cursor().execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()[0][0]
    con = db
    if read_only:
        db.close()
        con = data.connect(path, read_only=True, quiet=True)
    heard: list[tuple[float, str]] = []
    dec.decisions(con, policy, progress=lambda fraction, text: heard.append((fraction, text)))
    assert heard and heard[0][0] == 0.0 and heard[-1][0] == 1.0
    assert ("in memory" in heard[-1][1]) is read_only
    heard.clear()
    dec.decisions(con, policy, progress=lambda fraction, text: heard.append((fraction, text)))
    assert heard == []
    if read_only:
        con.close()


def test_the_facts_command_prints_each_step_on_stderr(db, tmp_path, capsys):
    """``python -m data facts`` of a policy not stored yet says how far it got, step by step."""
    from data.__main__ import main

    path = db.cursor().execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()[0][0]
    db.close()
    dec.clear_cache()
    policy_file = tmp_path / "long.toml"
    policy_file.write_text('name = "Long window"\n[returns]\nwindow_days = 45\n')
    assert main(["facts", "--db", path, "--policy", str(policy_file)]) == 0
    out, err = capsys.readouterr()
    lines = err.rstrip().splitlines()
    assert lines[0] == "  0% Reading the cases"
    assert lines[-1].startswith("100% Decided and stored ") and "under 'Long window'" in lines[-1]
    assert "stored and current" in out
