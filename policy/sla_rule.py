"""The status of one SLA deadline at a moment (data-contract.md, "SLA stages"), and of any
deadline of a decision (``deadline_status``: the two windows are open, then closed).

**met** when the milestone was done by the deadline; **breached** when it was done after it, or
is not done and the moment is past the deadline; **pending** otherwise. A milestone recorded
after the moment had not happened yet at that moment. The bulk queries use the same rule as the
SQL macro ``sla_status`` (data/sql/sla_rule.sql); tests/test_sla_rule.py holds both to one
table of boundary cases.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum


class SlaStatus(str, Enum):
    MET = "met"
    BREACHED = "breached"
    PENDING = "pending"
    OPEN = "open"      # a window (free cancellation, return window) not yet ended
    CLOSED = "closed"  # a window that has ended


def sla_status(due: dt.datetime, done: dt.datetime | None, as_of: dt.datetime) -> SlaStatus:
    """Status of a deadline ``due`` whose milestone happened at ``done`` (None: not yet), as of
    ``as_of``; all three timezone-aware."""
    if done is not None and done <= as_of:
        return SlaStatus.MET if done <= due else SlaStatus.BREACHED
    return SlaStatus.BREACHED if as_of > due else SlaStatus.PENDING


def deadline_status(due: dt.datetime, done: dt.datetime | None, as_of: dt.datetime, *,
                    window: bool = False) -> SlaStatus:
    """Status of any deadline of a decision as of ``as_of``: a task by ``sla_status``; a window
    (``Deadline.is_window``: not a task, nothing fulfils it) is **open** until it ends (inclusive),
    then **closed**."""
    if window:
        return SlaStatus.OPEN if as_of <= due else SlaStatus.CLOSED
    return sla_status(due, done, as_of)
