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
    monkeypatch.setattr(dec, "store_facts", lambda con, p: full_runs.append(p) or real_store(con, p))
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
