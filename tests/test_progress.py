"""Where a case stands (policy.progress): done steps with the day they happened, steps ahead with
the day they are due, late ones flagged, open windows; from deadline rows as the answer card has them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from policy.answer_view import DeadlineRow
from policy.progress import case_progress

Z = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int = 18) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, tzinfo=Z)


def row(name: str, due: dt.datetime, done: dt.datetime | None, status: str, customer: bool = False) -> DeadlineRow:
    return DeadlineRow(name=name, due=due, done=done, status=status, at_risk=False, working_days=0, note="",
                       clauses=(), customer_side=customer)


CASES = [
    pytest.param([row("reply_by", at(18), None, "pending")], (),
                 ("we reply to your request by Wed 18 Nov 2026",), id="nothing-done-reply-next"),
    pytest.param([row("reply_by", at(18), at(17), "met"),
                  row("customer_ship_by", at(20), at(19), "met", customer=True),
                  row("refund_by", at(27), None, "pending")],
                 ("we replied to your request on Tue 17 Nov 2026", "you shipped the return on Thu 19 Nov 2026"),
                 ("we pay your refund by Fri 27 Nov 2026",), id="customer-shipped-refund-next"),
    pytest.param([row("reply_by", at(18), at(17), "met"),
                  row("customer_ship_by", at(20), None, "pending", customer=True)],
                 ("we replied to your request on Tue 17 Nov 2026",),
                 ("please ship the return by Fri 20 Nov 2026",), id="reply-done-customer-to-ship"),
    pytest.param([row("refund_by", at(16), None, "breached")], (),
                 ("we pay your refund by Mon 16 Nov 2026 (this is late; we are sorry)",), id="store-late"),
    pytest.param([row("customer_ship_by", at(16), None, "breached", customer=True)], (),
                 ("please ship the return by Mon 16 Nov 2026 (this is late; please hurry)",), id="customer-late"),
    pytest.param([row("refund_by", at(16), at(20), "breached")], ("we paid your refund on Fri 20 Nov 2026",), (),
                 id="done-late-is-done"),
    pytest.param([row("status_update_by", at(25), None, "pending"), row("refund_by", at(20), None, "pending")], (),
                 ("we pay your refund by Fri 20 Nov 2026", "we send you the status of your refund by Wed 25 Nov 2026"),
                 id="ahead-soonest-first"),
]


@pytest.mark.parametrize("rows, done, ahead", CASES)
def test_done_and_ahead(rows, done, ahead):
    progress = case_progress(rows)
    assert tuple(s.text for s in progress.done) == done
    assert tuple(s.text for s in progress.ahead) == ahead


@pytest.mark.parametrize("status, shown", [pytest.param("open", True, id="open-window-shown"),
                                           pytest.param("closed", False, id="closed-window-left-out")])
def test_windows(status, shown):
    progress = case_progress([row("return_window_ends", at(30), None, status, customer=True)])
    assert bool(progress.windows) is shown
    assert "you can ask for a return" not in progress.script()  # the customer has already asked


def test_script_reads_done_then_next():
    progress = case_progress([row("reply_by", at(18), at(17), "met"), row("refund_by", at(27), None, "pending")])
    assert progress.script() == ("So far: we replied to your request on Tue 17 Nov 2026. "
                                 "Next: we pay your refund by Fri 27 Nov 2026.")


def test_no_rows_no_script():
    assert case_progress([]).script() == ""
