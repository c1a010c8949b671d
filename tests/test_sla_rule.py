"""The SLA status rule (data-contract.md, "SLA stages") exists twice, once per medium: Python for
one case (policy/sla_rule.py, the agents' answer card) and a SQL macro for millions of stage
items (data/sql/sla_rule.sql, every report query). One table of boundary cases holds both."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from data.sla import define_rule
from policy.sla_rule import SlaStatus, sla_status

SH = dt.timezone(dt.timedelta(hours=8))
DUE = dt.datetime(2026, 2, 2, 23, 59, 59, tzinfo=SH)
SECOND = dt.timedelta(seconds=1)

# (id, done, as_of, expected)
CASES = [
    ("done-at-due-exactly-is-met", DUE, DUE + dt.timedelta(days=3), "met"),
    ("done-one-second-late-is-breached", DUE + SECOND, DUE + dt.timedelta(days=3), "breached"),
    ("done-early-is-met", DUE - dt.timedelta(days=1), DUE, "met"),
    ("not-done-as-of-at-due-is-pending", None, DUE, "pending"),
    ("not-done-as-of-one-second-past-due-is-breached", None, DUE + SECOND, "breached"),
    ("not-done-long-before-due-is-pending", None, DUE - dt.timedelta(days=5), "pending"),
    ("done-after-as-of-had-not-happened-pending", DUE - dt.timedelta(hours=1), DUE - dt.timedelta(hours=2), "pending"),
    ("done-after-as-of-past-due-is-breached", DUE + dt.timedelta(days=2), DUE + dt.timedelta(days=1), "breached"),
    ("done-at-as-of-exactly-counts", DUE, DUE, "met"),
    ("late-done-at-as-of-exactly-is-breached", DUE + SECOND, DUE + SECOND, "breached"),
    ("utc-done-same-instant-as-due-is-met", DUE.astimezone(dt.UTC), DUE + dt.timedelta(days=1), "met"),
]


@pytest.mark.parametrize(("done", "as_of", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_python_rule(done, as_of, expected):
    assert sla_status(DUE, done, as_of) is SlaStatus(expected)


@pytest.fixture(scope="module")
def cur():
    con = duckdb.connect()
    yield define_rule(con.cursor())
    con.close()


@pytest.mark.parametrize(("done", "as_of", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_sql_rule_agrees(cur, done, as_of, expected):
    got = cur.execute("SELECT sla_status($due::TIMESTAMPTZ, $done::TIMESTAMPTZ, $as_of::TIMESTAMPTZ)",
                      {"due": DUE, "done": done, "as_of": as_of}).fetchall()[0][0]
    assert got == expected == sla_status(DUE, done, as_of).value


def test_sql_rule_has_no_status_without_a_deadline(cur):
    assert cur.execute("SELECT sla_status(NULL::TIMESTAMPTZ, now(), now())").fetchall()[0][0] is None


@pytest.mark.parametrize("as_of, expected", [
    pytest.param("2025-03-10T23:59:59+08:00", "open", id="window-open-at-its-last-second"),
    pytest.param("2025-03-11T00:00:00+08:00", "closed", id="window-closed-just-after"),
])
def test_a_window_is_open_then_closed(as_of, expected):
    from policy.sla_rule import deadline_status

    due = dt.datetime.fromisoformat("2025-03-10T23:59:59+08:00")
    assert deadline_status(due, None, dt.datetime.fromisoformat(as_of), window=True).value == expected
