"""Every SLA stage at its boundary (data-contract.md, "SLA stages"): done == due is met, one
second later is breached; not done is pending up to due and breached one second after."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from data import sql  # noqa: E402
from data.db import bump_data_version, connect, insert_frame  # noqa: E402
from data.report import stage_status  # noqa: E402

Z = "Asia/Shanghai"
SECOND = pd.Timedelta(seconds=1)


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=Z)


ORDER = {  # delivered Monday 2025-03-10; promised for Friday 03-07, so delivery was late
    "order_id": "O1", "placed_at": ts("2025-03-04 09:00"), "shipped_at": ts("2025-03-05 10:00"),
    "delivered_at": ts("2025-03-10 14:00"), "promised_delivery_at": ts("2025-03-07 23:59"),
    "order_amount": 80.0, "currency": "USD", "category": "electronics", "country": "US",
    "status": "delivered",
}
BASE_CASE = {"case_id": "C1", "order_id": "O1", "requested_at": ts("2025-03-12 10:00")}

# stage -> (case fields that make the stage apply, column that records "done", table)
STAGES = {
    "processing": ({"request": "refund_status"}, "shipped_at", "orders"),
    "reply": ({"request": "refund", "reason": "changed_mind"}, "replied_at", "cases"),
    "customer_ship": ({"request": "refund", "reason": "changed_mind",
                       "replied_at": ts("2025-03-13 09:00")}, "customer_shipped_at", "cases"),
    "replacement": ({"request": "exchange", "reason": "not_suitable",
                     "return_received_at": ts("2025-03-18 11:00")}, "replacement_shipped_at", "cases"),
    "refund": ({"request": "refund", "reason": "damaged",
                "return_received_at": ts("2025-03-18 11:00")}, "refunded_at", "cases"),
    "freight_reimbursement": ({"request": "refund", "reason": "damaged",
                               "freight_claimed_at": ts("2025-03-14 16:00")}, "freight_reimbursed_at", "cases"),
    "status_update": ({"request": "refund_status"}, "status_updated_at", "cases"),
}
EXPECTED_DUE = {  # from the policy's working-day rules, worked by hand
    "processing": ts("2025-03-06 09:00"),  # 48 h on Tue/Wed/Thu working days
    "reply": ts("2025-03-17 23:59:59"),  # Wed 12 + 3 working days: Thu, Fri, Mon
    "customer_ship": ts("2025-03-18 23:59:59"),  # Thu 13 + 3: Fri, Mon, Tue
    "replacement": ts("2025-03-19 23:59:59"),  # Tue 18 + 1
    "refund": ts("2025-03-19 23:59:59"),  # RF2: Tue 18 + 1
    "freight_reimbursement": ts("2025-03-25 23:59:59"),  # Fri 14 + 7: Mon 17 .. Tue 25
    "status_update": ts("2025-03-13 23:59:59"),  # RF3: Wed 12 + 1
}

# variant -> (done relative to due or None, as-of relative to due, expected status)
VARIANTS = {
    "done_at_due_is_met": (pd.Timedelta(0), pd.Timedelta(days=30), "met"),
    "done_a_second_late_is_breached": (SECOND, pd.Timedelta(days=30), "breached"),
    "done_early_is_met": (-pd.Timedelta(hours=5), pd.Timedelta(days=30), "met"),
    "open_at_due_is_pending": (None, pd.Timedelta(0), "pending"),
    "open_a_second_past_due_is_breached": (None, SECOND, "breached"),
    "done_after_as_of_counts_as_open": (pd.Timedelta(0), -SECOND, "pending"),
}


def _db(tmp_path: Path, stage: str):
    con = connect(tmp_path / "sla.duckdb", create_sample=False)
    fields, _, _ = STAGES[stage]
    order = dict(ORDER)
    if stage == "processing":
        order["shipped_at"] = None
    insert_frame(con, "orders", pd.DataFrame([order]))
    insert_frame(con, "cases", pd.DataFrame([{**BASE_CASE, **fields}]))
    return con


def _set_done(con, stage: str, when: pd.Timestamp) -> None:
    _, column, table = STAGES[stage]
    row = {"order_id": "O1"} if table == "orders" else {"case_id": "C1"}
    current = con.cursor().execute(f"SELECT * FROM {table} WHERE {next(iter(row))} = $id",
                                   {"id": next(iter(row.values()))}).df()
    current[column] = when
    insert_frame(con, table, current)
    bump_data_version(con)


@pytest.mark.parametrize("stage", list(STAGES))
def test_due_matches_the_policy(tmp_path, stage):
    con = _db(tmp_path, stage)
    items = stage_status(con, as_of=ts("2025-03-01 00:00") + pd.Timedelta(days=60), stage=stage)
    assert list(items["due"]) == [EXPECTED_DUE[stage]]


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("stage", list(STAGES))
def test_status_at_the_boundary(tmp_path, stage, variant):
    done_offset, as_of_offset, expected = VARIANTS[variant]
    con = _db(tmp_path, stage)
    due = EXPECTED_DUE[stage]
    if done_offset is not None:
        _set_done(con, stage, due + done_offset)
    items = stage_status(con, as_of=due + as_of_offset, stage=stage)
    assert list(items["status"]) == [expected]
    if expected == "met" and done_offset == pd.Timedelta(0):
        assert items["hours"].iloc[0] > 0


def test_working_hours_skip_the_weekend(tmp_path):
    # replied Friday 2025-03-14 10:00 -> shipped Monday 03-17 10:00: 14 + 10 working hours
    con = _db(tmp_path, "customer_ship")
    cur = con.cursor()
    cur.execute("UPDATE cases SET replied_at = $r, customer_shipped_at = $s",
                {"r": ts("2025-03-14 10:00"), "s": ts("2025-03-17 10:00")})
    bump_data_version(con)
    items = stage_status(con, as_of=ts("2025-04-01"), stage="customer_ship")
    assert items["hours"].iloc[0] == pytest.approx(24.0)


def test_all_queries_have_a_comment():
    for name in sql.names():
        assert sql.load(name).lstrip().startswith("-- "), name
