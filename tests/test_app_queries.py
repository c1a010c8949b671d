"""data.app_queries: the Case lookup page's own queries, against the data layer's definitions."""

from __future__ import annotations

import pytest

from data.app_queries import case_events, case_queue
from data.report import breached_and_at_risk
from policy import default_policy

STORE = ["reply", "replacement", "refund", "freight_reimbursement", "status_update"]


@pytest.mark.parametrize("as_of", ["2026-11-12T23:59:59+08:00", "2026-06-01T12:00:00+08:00"])
@pytest.mark.parametrize("status", ["at_risk", "breached"])
def test_queue_is_breached_and_at_risk_one_status_at_a_time(con, as_of, status):
    p = default_policy()
    ref = breached_and_at_risk(con, p, as_of, limit=1_000_000)
    ref = ref[(ref["status"] == status) & ref["stage"].isin(STORE)]
    got = case_queue(con, p, as_of, status, STORE, limit=1_000_000)
    assert sorted(got["item_id"]) == sorted(ref["item_id"])
    if len(got):
        assert (got["total"] == len(ref)).all()
        assert list(got["due"]) == sorted(got["due"], reverse=status == "breached")
        assert str(got["due"].dt.tz) == "Asia/Shanghai"


def test_queue_limit_keeps_the_count(con):
    got = case_queue(con, default_policy(), "2026-11-26T12:00:00+08:00", "breached", STORE, limit=5)
    assert len(got) == 5 and got["total"].iloc[0] > 5
    with pytest.raises(ValueError):
        case_queue(con, default_policy(), None, "done", STORE)


LIMITS = {"one": lambda n: 1, "five": lambda n: 5, "all but one": lambda n: n - 1, "all": lambda n: n,
          "one more than all": lambda n: n + 1}


@pytest.mark.parametrize("status, stages", [("breached", STORE), ("at_risk", ["processing"])],
                         ids=["breached case deadlines", "orders at risk"])
@pytest.mark.parametrize("limit", LIMITS.values(), ids=LIMITS.keys())
def test_a_limited_queue_is_the_head_of_the_whole_queue(con, status, stages, limit):
    """The items are cut before their order and agent are joined: the cut rows are the whole
    queue's first rows, joined the same."""
    as_of = "2026-11-20T12:00:00+08:00"
    whole = case_queue(con, default_policy(), as_of, status, stages, limit=None)
    assert len(whole) > 5
    n = limit(len(whole))
    got = case_queue(con, default_policy(), as_of, status, stages, limit=n)
    assert got.equals(whole.head(n))
    assert got["order_id"].notna().all() and (got["agent"].notna() == (got["stage"] != "processing")).all()


def test_case_events(con):
    case_id = con.cursor().execute("SELECT case_id FROM cases WHERE refunded_at IS NOT NULL LIMIT 1").fetchone()[0]
    ev = case_events(con, case_id, "Asia/Shanghai")
    assert ev["case_id"] == case_id and ev["refunded_at"].tzinfo is not None
    assert str(ev["requested_at"].tzinfo) == "Asia/Shanghai"
    assert case_events(con, "x' OR '1'='1") is None


@pytest.mark.parametrize("runner, expected", [
    pytest.param("frame", "DataFrame", id="frame"),
    pytest.param("arrow", "Table", id="arrow"),
    pytest.param("rows", "list", id="rows"),
    pytest.param("one", "dict", id="one"),
])
def test_the_sql_runner_binds_and_closes(con, runner, expected):
    """data.sql runs a named query on a fresh cursor, binding only the parameters it names."""
    from data import sql

    got = getattr(sql, runner)(con, "case_lookup", text="RC", limit=3, unused="ignored")
    assert type(got).__name__ == expected
    if runner == "one":
        assert str(got["case_id"]).startswith("RC")
    else:
        assert len(got) == 3


def test_the_sql_runner_gives_none_when_nothing_matches(con):
    from data import sql

    assert sql.one(con, "case_row", case_id="no such case") is None
    assert sql.one(con, "table_counts")["orders"] > 0
