"""policy.answer_view: deadline status as of a moment, working days left / late, the timeline,
and agreement with the data layer's SLA status on the sample."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd

from policy import calendar_for, decide, default_policy
from policy.answer_view import (
    DEADLINE_DONE,
    deadline_rows,
    timeline,
    working_days_after,
)
from policy.catalog import STAGE_DEADLINES
from policy.worked_examples import example_inputs

Z = ZoneInfo("Asia/Shanghai")
P = default_policy()


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=Z)


def _cancel():  # worked example 1: refund_by 2025-02-05T23:59:59 over Spring Festival
    return decide(dict(order_id="X", order_amount=100, placed_at="2025-01-24T10:00", request="cancel",
                       requested_at="2025-01-25T18:00"), P)


def _rows(decision, events, as_of):
    return {r.name: r for r in deadline_rows(decision, events, as_of, P)}


def test_working_days_after_counts_the_calendar():
    cal = calendar_for(P.calendar)
    # Fri 01-24 -> Sun 01-26 (make-up day) is 1; -> Wed 02-05 is 3 (Spring Festival in between).
    assert working_days_after(cal, dt.date(2025, 1, 24), dt.date(2025, 1, 26)) == 1
    assert working_days_after(cal, dt.date(2025, 1, 24), dt.date(2025, 2, 5)) == 3
    assert working_days_after(cal, dt.date(2025, 2, 5), dt.date(2025, 1, 24)) == -3


def test_pending_with_working_days_left_and_at_risk():
    d = _cancel()
    rows = _rows(d, {}, at("2025-01-25T18:00"))
    r = rows["refund_by"]
    assert (r.status, r.working_days, r.note, r.at_risk) == ("pending", 3, "3 working days left", False)
    assert r.clauses == ("R0",)
    r = _rows(d, {}, at("2025-02-04T09:00"))["refund_by"]  # last holiday; due end of next working day
    assert (r.status, r.working_days, r.note, r.at_risk) == ("pending", 1, "1 working day left", True)
    r = _rows(d, {}, at("2025-02-05T09:00"))["refund_by"]
    assert (r.note, r.at_risk) == ("due today", True)


def test_met_and_breached_by_milestone_and_late_counts():
    d = _cancel()
    as_of = at("2025-03-01T00:00")
    r = _rows(d, {"refunded_at": at("2025-02-05T20:00")}, as_of)["refund_by"]
    assert (r.status, r.note, r.done) == ("met", "on time", at("2025-02-05T20:00"))
    r = _rows(d, {"refunded_at": at("2025-02-07T10:00")}, as_of)["refund_by"]
    assert (r.status, r.working_days, r.note) == ("breached", 2, "late by 2 working days")
    r = _rows(d, {"refunded_at": at("2025-02-06T00:30")}, as_of)["refund_by"]
    assert (r.status, r.note) == ("breached", "late by 1 working day")
    r = _rows(d, {}, at("2025-02-06T08:00"))["refund_by"]
    assert (r.status, r.note) == ("breached", "not done, late by 1 working day")


def test_a_milestone_after_the_as_of_time_had_not_happened():
    d = _cancel()
    r = _rows(d, {"refunded_at": at("2025-02-05T20:00")}, at("2025-02-03T12:00"))["refund_by"]
    assert (r.status, r.done) == ("pending", None)


def test_windows_are_open_or_closed():
    d = _cancel()
    assert _rows(d, {}, at("2025-01-24T12:00"))["free_cancel_until"].status == "open"
    assert _rows(d, {}, at("2025-01-25T12:00"))["free_cancel_until"].status == "closed"


def test_timeline_orders_events_and_deadlines():
    d = _cancel()
    events = {"placed_at": at("2025-01-24T10:00"), "requested_at": at("2025-01-25T18:00"),
              "refunded_at": at("2025-02-05T20:00")}
    rows = deadline_rows(d, events, at("2025-02-01T00:00"), P)
    t = timeline(events, rows, at("2025-02-01T00:00"), P)
    assert list(t["at"]) == sorted(t["at"])
    assert "refunded_at" not in set(t["name"])  # after the as-of time
    assert set(t.loc[t["kind"] == "deadline", "name"]) == set(d.deadlines)
    assert set(t["lane"]) <= {"Events", "Store deadlines", "Customer", "Windows"}


def test_worked_examples_decide_as_the_spec_says():
    got = {k.split(" · ")[0]: decide(v, P).outcome.value for k, v in example_inputs().items()}
    assert got == {"1": "cancel_free", "2": "return_refund", "3": "manual_review", "4": "partial_refund",
                   "5": "return_refund", "6": "needs_info", "7": "rejected"}


def test_statuses_agree_with_the_data_layer_on_the_sample(tmp_path):
    import data
    from data.app_queries import case_events
    from data.lookup import case_row
    from data.report import stage_status

    con = data.connect(tmp_path / "s.duckdb", quiet=True)
    as_of = pd.Timestamp("2026-11-10T12:00:00+08:00").to_pydatetime()
    status = stage_status(con, P, as_of)
    stage_due = {d.stage: d.value for d in STAGE_DEADLINES}  # the catalog's stages
    ids = con.cursor().execute("SELECT case_id FROM cases ORDER BY case_id LIMIT 300").fetchall()
    compared = 0
    for (case_id,) in ids:
        row = case_row(con, case_id, "Asia/Shanghai")
        events = case_events(con, case_id, "Asia/Shanghai")
        mine = {r.name: r for r in deadline_rows(decide(row, P), events, as_of, P)}
        theirs = status[status["item_id"] == case_id]
        for s in theirs.itertuples():
            name = stage_due[s.stage]
            assert mine[name].status == s.status, (case_id, name)
            compared += 1
    assert compared > 200
    assert set(DEADLINE_DONE) >= set(stage_due.values())
