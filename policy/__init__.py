"""Returns Desk policy engine: the store's Return & Refund policy as exact, explainable rules.

Pure Python (no Streamlit). ``decide`` answers one case; ``decide_frame`` a whole table; both
read the same calendar table and deadline code.
"""


from policy.bulk import (
    DecidedArrays,
    deadline_after,
    decide_arrays,
    decide_frame,
    ship_by_frame,
    ship_by_us,
    working_hours_between,
)
from policy.calendar import WorkingCalendar, calendar_for
from policy.case import CaseError
from policy.catalog import Deadline, Side
from policy.clauses import Clause, policy_text
from policy.decision import DEADLINE_NAMES, Decision, Outcome, Reason, Request
from policy.params import Policy, PolicyError, changed_keys, default_policy, load_policy, parse_policy
from policy.rules import decide

__all__ = [
    "DEADLINE_NAMES", "CaseError", "Clause", "Deadline", "DecidedArrays", "Decision", "Outcome", "Policy", "PolicyError",
    "Reason", "Request", "Side", "WorkingCalendar", "calendar_for", "changed_keys", "deadline_after",
    "decide", "decide_arrays", "decide_frame", "default_policy", "load_policy", "parse_policy", "policy_text",
    "ship_by_frame", "ship_by_us", "working_hours_between",
]
