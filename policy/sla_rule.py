"""The status of one SLA deadline at a moment (data-contract.md, "SLA stages").

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


def sla_status(due: dt.datetime, done: dt.datetime | None, as_of: dt.datetime) -> SlaStatus:
    """Status of a deadline ``due`` whose milestone happened at ``done`` (None: not yet), as of
    ``as_of``; all three timezone-aware."""
    if done is not None and done <= as_of:
        return SlaStatus.MET if done <= due else SlaStatus.BREACHED
    return SlaStatus.BREACHED if as_of > due else SlaStatus.PENDING
