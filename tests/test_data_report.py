"""Weekly report figures against a tiny data set worked out by hand (data-contract.md, "Report")."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from data.db import connect, insert_frame  # noqa: E402
from data.report import (  # noqa: E402
    breached_and_at_risk,
    case_lookup,
    case_row,
    data_quality_findings,
    report_week_list,
    weekly_report,
)

Z = "Asia/Shanghai"


def ts(text):
    return pd.Timestamp(text, tz=Z) if text else None


ORDERS = [
    # id, placed, shipped, delivered, amount, category, country, status
    ("O1", "2025-03-04 09:00", "2025-03-05 10:00", "2025-03-06 15:00", 100, "electronics", "US", "delivered"),
    ("O2", "2025-03-05 12:00", "2025-03-08 12:00", "2025-03-10 12:00", 50, "toys", "US", "delivered"),
    ("O3", "2025-03-10 04:00", None, None, 30, "toys", "DE", "processing"),
    ("O4", "2025-03-06 10:00", None, None, 20, "home", "US", "cancelled"),
    ("O5", "2025-03-24 10:00", "2025-03-24 18:00", None, 10, "home", "GB", "shipped"),
]
CASES = [
    {"case_id": "C1", "order_id": "O1", "request": "refund", "reason": "damaged",
     "requested_at": "2025-03-07 10:00", "replied_at": "2025-03-10 09:00",
     "customer_shipped_at": "2025-03-11 09:00", "freight_claimed_at": "2025-03-11 12:00",
     "return_received_at": "2025-03-14 10:00", "refunded_at": "2025-03-18 09:00",
     "freight_reimbursed_at": "2025-03-19 10:00", "refund_amount": 100.0, "freight_amount": 12.5},
    {"case_id": "C2", "order_id": "O2", "request": "refund", "reason": "slight_defect",
     "requested_at": "2025-03-10 15:00", "refunded_at": "2025-03-12 10:00", "refund_amount": 7.5},
    {"case_id": "C3", "order_id": "O3", "request": "cancel", "reason": None,
     "requested_at": "2025-03-10 08:00", "refunded_at": "2025-03-13 23:59:59", "refund_amount": 30.0},
    {"case_id": "C4", "order_id": "O1", "request": "refund_status", "reason": None,
     "requested_at": "2025-03-11 10:00", "status_updated_at": "2025-03-12 09:00"},
]
TS_CASE_COLS = ["requested_at", "replied_at", "customer_shipped_at", "freight_claimed_at",
                "return_received_at", "refunded_at", "freight_reimbursed_at", "status_updated_at"]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "tiny.duckdb"
    con = connect(path, create_sample=False)
    orders = pd.DataFrame([
        {"order_id": o, "placed_at": ts(p), "shipped_at": ts(s), "delivered_at": ts(d),
         "promised_delivery_at": ts("2025-03-20 23:59"), "order_amount": a, "currency": "USD",
         "category": c, "country": k, "status": st}
        for o, p, s, d, a, c, k, st in ORDERS])
    insert_frame(con, "orders", orders)
    cases = pd.DataFrame(CASES)
    for col in TS_CASE_COLS:
        cases[col] = [ts(v) if isinstance(v, str) else None for v in cases[col]]
        cases[col] = pd.to_datetime(cases[col], utc=True)
    insert_frame(con, "cases", cases)
    con.close()
    return path


@pytest.fixture
def con(db):
    c = connect(db)
    yield c
    c.close()


def stage(met, breached, pending):
    return {"met": met, "breached": breached, "pending": pending}


def _weeks(report):
    return {w["week"]: w for w in report.to_dict()["weeks"]}


MATURE = "2025-03-31T12:00:00+08:00"
EXPECTED_MATURE = {
    "2025-W10": {"orders": 3, "cases": 1, "processing": stage(1, 1, 0), "reply": stage(1, 0, 0),
                 "refund": stage(0, 1, 0), "freight_reimbursement": stage(1, 0, 0),
                 "status_update": stage(0, 0, 0), "replacement": stage(0, 0, 0),
                 "customer_ship": stage(1, 0, 0),
                 "refunds": {"count": 1, "full": 100.0, "partial": 0.0}, "merchant_freight": 12.5},
    "2025-W11": {"orders": 1, "cases": 3, "processing": stage(0, 1, 0), "reply": stage(0, 1, 0),
                 "refund": stage(2, 0, 0), "freight_reimbursement": stage(0, 0, 0),
                 "status_update": stage(1, 0, 0), "replacement": stage(0, 0, 0),
                 "customer_ship": stage(0, 0, 0),
                 "refunds": {"count": 2, "full": 30.0, "partial": 7.5}, "merchant_freight": 0.0},
    "2025-W13": {"orders": 1, "cases": 0, "processing": stage(1, 0, 0), "reply": stage(0, 0, 0),
                 "refund": stage(0, 0, 0), "freight_reimbursement": stage(0, 0, 0),
                 "status_update": stage(0, 0, 0), "replacement": stage(0, 0, 0),
                 "customer_ship": stage(0, 0, 0),
                 "refunds": {"count": 0, "full": 0.0, "partial": 0.0}, "merchant_freight": 0.0},
}
EARLY = "2025-03-11T12:00:00+08:00"  # before most of W11's deadlines
EXPECTED_EARLY = {
    "2025-W10": {"processing": stage(1, 1, 0), "reply": stage(1, 0, 0), "refund": stage(0, 0, 1),
                 "refunds": {"count": 0, "full": 0.0, "partial": 0.0}},
    "2025-W11": {"orders": 1, "cases": 3, "processing": stage(0, 0, 1), "reply": stage(0, 0, 1),
                 "refund": stage(0, 0, 2), "status_update": stage(0, 0, 1)},
}


def _check(weeks, expected):
    for week, figures in expected.items():
        got = weeks[week]
        for key, value in figures.items():
            if key == "customer_ship":
                got_value = got["customer_side"]["customer_ship"]
            else:
                got_value = got[key]
            if isinstance(value, dict):
                got_value = {k: got_value[k] for k in value}
            assert got_value == value, (week, key)


@pytest.mark.parametrize("as_of,expected", [(MATURE, EXPECTED_MATURE), (EARLY, EXPECTED_EARLY)],
                         ids=["mature", "early_as_of"])
def test_weekly_figures(con, as_of, expected):
    report = weekly_report(con, as_of=as_of)
    weeks = _weeks(report)
    _check(weeks, expected)
    if as_of == MATURE:
        assert list(weeks) == ["2025-W10", "2025-W11", "2025-W13"]  # W12 had nothing
    else:
        assert list(weeks) == ["2025-W10", "2025-W11"]  # nothing after the as-of day


@pytest.mark.parametrize("as_of", [MATURE, EARLY, "2025-03-06T12:00:00+08:00", "2025-03-01T00:00:00+08:00",
                                   "2026-01-01T00:00:00+08:00"],
                         ids=["mature", "early", "first_week_running", "before_any_data", "long_after"])
def test_week_list_is_the_whole_reports_weeks(con, as_of):
    """The week picker's cheap query lists exactly the weeks (and completeness) of a report over
    all history at the same as-of time."""
    listed = report_week_list(con, as_of=as_of)
    weeks = weekly_report(con, as_of=as_of).weeks
    assert list(listed.columns) == ["week", "week_label", "complete"]
    assert listed.to_dict("list") == weeks[["week", "week_label", "complete"]].to_dict("list")


def test_attainment_and_working_hour_percentiles(con):
    w10 = _weeks(weekly_report(con, as_of=MATURE))["2025-W10"]["processing"]
    assert w10["attainment"] == 0.5
    # O1: Tue 09:00 -> Wed 10:00 = 25 h; O2: Wed 12:00 -> Sat 12:00 = 12 + 24 + 24 = 60 h
    assert w10["p50_hours"] == 42.5 and w10["p90_hours"] == 56.5


def test_week_is_taken_in_the_policy_zone(con):
    # O3 was placed 2025-03-09 20:00 UTC, a Sunday in UTC but Monday 04:00 in Shanghai
    assert _weeks(weekly_report(con, as_of=MATURE))["2025-W11"]["orders"] == 1


@pytest.mark.parametrize("kwargs,expected", [
    ({"date_from": "2025-03-10", "date_to": "2025-03-16"}, {"2025-W11": {"orders": 1, "cases": 3}}),
    ({"category": "toys"}, {"2025-W10": {"orders": 1, "cases": 0, "processing": stage(0, 1, 0)},
                            "2025-W11": {"orders": 1, "cases": 2}}),
    ({"country": "GB"}, {"2025-W13": {"orders": 1, "cases": 0}}),
], ids=["date_range", "category", "country"])
def test_filters(con, kwargs, expected):
    weeks = _weeks(weekly_report(con, as_of=MATURE, **kwargs))
    assert set(weeks) == set(expected)
    _check(weeks, expected)


def test_case_mix_and_return_rate(con):
    report = weekly_report(con, as_of=MATURE)
    w11 = _weeks(report)["2025-W11"]
    assert w11["cases_by_outcome"] == {"cancel_free": 1, "partial_refund": 1, "status_update": 1}
    assert w11["cases_by_reason"] == {"none": 2, "slight_defect": 1}
    rates = {r["category"]: r for r in report.to_dict()["return_rate_by_category"]}
    assert rates["electronics"] == {"category": "electronics", "orders": 1, "cases": 2, "returns": 1,
                                    "return_rate": 1.0}
    assert rates["toys"]["returns"] == 0 and rates["toys"]["orders"] == 2


def test_breached_and_at_risk(con):
    items = breached_and_at_risk(con, as_of="2025-03-12T08:00:00+08:00")
    got = {(r.status, r.stage, r.item_id) for r in items.itertuples()}
    # at 03-12 08:00 "within one working day" runs to the end of Thu 03-13
    assert got == {
        ("breached", "processing", "O3"),  # due Wed 03-12 04:00, not shipped
        ("at_risk", "refund", "C2"),  # RF1 due Wed 03-12 23:59:59
        ("at_risk", "reply", "C2"),  # RP1 due Thu 03-13 23:59:59
        ("at_risk", "refund", "C3"),  # R0 due Thu 03-13 23:59:59
        ("at_risk", "status_update", "C4"),  # RF3 due Wed 03-12 23:59:59
    }  # C1's refund is due Mon 03-17: neither
    assert set(items.loc[items.item_id == "C2", "order_id"]) == {"O2"}
    closed = breached_and_at_risk(con, as_of=MATURE, open_only=False)
    assert ("breached", "processing", "O2") in {(r.status, r.stage, r.item_id) for r in closed.itertuples()}


def test_data_quality_and_lookup(con):
    dq = data_quality_findings(con).set_index("check")
    assert dq.loc["delivered_before_shipped", "count"] == 0
    assert dq.loc["zero_amount", "count"] == 0
    found = case_lookup(con, "c")
    assert list(found["case_id"]) == ["C4", "C2", "C3", "C1"]  # most recent first
    assert list(case_lookup(con, "o3")["case_id"]) == ["C3"]
    row = case_row(con, "C1")
    assert row["provided"] == ["order_number", "shipping_address", "media"]
    from policy import decide

    assert decide(row).outcome.value == "return_refund"
    assert case_row(con, "nope") is None


def test_cli_json_and_csv(db):
    env = dict(os.environ, RETURNS_DESK_DB=str(db))
    out = subprocess.run([sys.executable, "-m", "data", "report", "--json", "--as-of", MATURE],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["policy"] == "Store policy" and data["as_of"] == "2025-03-31T12:00:00+08:00"
    _check({w["week"]: w for w in data["weeks"]}, EXPECTED_MATURE)
    csv = subprocess.run([sys.executable, "-m", "data", "report", "--csv", "--db", str(db),
                          "--as-of", MATURE, "--from", "2025-03-10"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    lines = csv.stdout.splitlines()
    assert lines[0].startswith("week,orders,cases,refunds,refunds_full,refunds_partial")
    assert [line.split(",")[0] for line in lines[1:]] == ["2025-W11", "2025-W13"]


def test_stage_status_filters_run_in_sql(con):
    from data.report import stage_status

    everything = stage_status(con, as_of=MATURE)
    week = stage_status(con, as_of=MATURE, week="2025-03-12", status="breached", category="toys")
    expected = everything[(everything["status"] == "breached") & (everything["category"] == "toys")
                          & (everything["week"].astype(str) == "2025-03-10")]
    assert list(week["item_id"]) == list(expected["item_id"]) == ["O3", "C2"]  # P1 late; C2 never answered
    assert len(stage_status(con, as_of=MATURE, limit=2)) == 2


WEEK_TEXTS = {"as printed": ("2026-W47", "2026-11-16"), "lower case": ("2026-w47", "2026-11-16"),
              "no dash": ("2026W47", "2026-11-16"), "one digit": ("2026-W1", "2025-12-29"),
              "week 53": ("2026-W53", "2026-12-28")}


@pytest.mark.parametrize(("text", "monday"), WEEK_TEXTS.values(), ids=WEEK_TEXTS.keys())
def test_week_monday(text, monday):
    from data.report import iso_week, week_monday

    assert str(week_monday(text)) == monday and iso_week(week_monday(text)) == iso_week(monday)


@pytest.mark.parametrize("text", ["2025-W53", "2026-W54", "2026-W00", "W47", "last week", ""],
                         ids=["2025 has 52 weeks", "54", "00", "no year", "words", "empty"])
def test_week_monday_refuses(text):
    from data.report import week_monday

    with pytest.raises(ValueError, match="ISO week"):
        week_monday(text)
