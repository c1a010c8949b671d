"""What the agents' answer card shows about a decision's deadlines, as plain values (pure, no
Streamlit): each deadline with the milestone that meets it, met / breached / pending (or, for
the two windows, open / closed) as of a moment, working days left or how late, and the case's
timeline of events against deadlines.

Status follows data-contract.md ("SLA stages"), by ``policy.sla_rule.deadline_status`` (the bulk
queries' ``sla_status`` macro is the same rule): **met** when done <= due; **breached** when
done > due, or not done and the as-of time is past due; **pending** otherwise. A milestone
recorded after the as-of time had not happened yet at that time. A pending deadline due by the
end of the next working day is **at risk**. The two windows (free cancellation, return window)
are not tasks: they are **open** until they end, then **closed**.

Working days are counted on the policy's calendar, the one the deadlines come from: "2 working
days left" means the deadline falls at the end of the 2nd working day after the as-of date;
"late by 3 working days" means 3 working days have begun since the deadline passed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from policy.calendar import WorkingCalendar, calendar_for
from policy.catalog import DEADLINE_NAMES, Deadline, Side
from policy.catalog import WINDOWS as CATALOG_WINDOWS
from policy.decision import Decision
from policy.params import Policy
from policy.sla_rule import deadline_status

# Derived from the deadline catalog (``policy.catalog``): the milestone that fulfils each
# deadline, the two windows, the clauses behind each, and whose move it is.
DEADLINE_DONE = {d.value: d.done for d in Deadline if d.done}
WINDOWS = tuple(d.value for d in CATALOG_WINDOWS)
DEADLINE_CLAUSES = {d.value: d.clause_ids for d in Deadline}
CUSTOMER_SIDE = tuple(d.value for d in Deadline if d.side is Side.CUSTOMER and not d.is_window)

EVENT_NAMES = (
    "placed_at", "shipped_at", "promised_delivery_at", "delivered_at", "requested_at",
    "media_received_at", "replied_at", "customer_shipped_at", "return_received_at",
    "replacement_shipped_at", "refunded_at", "freight_claimed_at", "freight_reimbursed_at",
    "status_updated_at", "closed_at",
)
EVENT_LABELS = {
    "placed_at": "Order placed", "shipped_at": "Handed to the carrier",
    "promised_delivery_at": "Promised delivery", "delivered_at": "Delivered",
    "requested_at": "Customer's request", "media_received_at": "Pictures/videos received",
    "replied_at": "Store replied", "customer_shipped_at": "Customer shipped the return",
    "return_received_at": "Return received", "replacement_shipped_at": "Replacement shipped",
    "refunded_at": "Refund paid", "freight_claimed_at": "Freight claimed",
    "freight_reimbursed_at": "Freight reimbursed", "status_updated_at": "Refund status sent",
    "closed_at": "Case closed",
}


@dataclass(frozen=True)
class DeadlineRow:
    name: str
    due: dt.datetime
    done: dt.datetime | None
    status: str                # met | breached | pending | open | closed
    at_risk: bool              # pending and due by the end of the next working day
    working_days: int          # pending/open: left; breached/late: how late; met: 0
    note: str                  # one plain phrase: "2 working days left", "late by 1 working day"
    clauses: tuple[str, ...]
    customer_side: bool

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "due": self.due, "done": self.done, "status": self.status,
                "at_risk": self.at_risk, "working_days": self.working_days, "note": self.note,
                "clauses": ", ".join(self.clauses), "customer_side": self.customer_side}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _local_date(moment: dt.datetime, zone) -> dt.date:
    return moment.astimezone(zone).date()


def working_days_after(cal: WorkingCalendar, start: dt.date, end: dt.date) -> int:
    """Working days strictly after ``start`` up to and including ``end`` (negative if end < start)."""
    a, b = cal.index_of(start), cal.index_of(end)
    return int(cal.cum_working[b]) - int(cal.cum_working[a])


def _clauses(name: str, decision: Decision) -> tuple[str, ...]:
    ids = DEADLINE_CLAUSES.get(name, ())
    if len(ids) > 1:  # the clause the rule applied, e.g. RF1, RF2 or R0 for the refund: RF1, RF2 or R0
        cited = tuple(c.id for c in decision.clauses if c.id in ids)
        return cited or ids
    return ids


def _late_note(cal: WorkingCalendar, zone, due: dt.datetime, moment: dt.datetime) -> tuple[int, str]:
    days = working_days_after(cal, _local_date(due, zone), _local_date(moment, zone))
    if days >= 1:
        text = f"late by {_plural(days, 'working day')}"
    else:
        hours = max(1, round((moment - due).total_seconds() / 3600))
        text = f"late by {_plural(hours, 'hour')}"
    return days, text


def deadline_rows(decision: Decision, events: Mapping[str, Any] | None, as_of: dt.datetime,
                  policy: Policy) -> list[DeadlineRow]:
    """One row per deadline of ``decision``, in the contract's order, with its status as of
    ``as_of`` (an aware datetime). ``events`` maps milestone names (``refunded_at``...) to
    aware datetimes or None; a case not in the data (a phone enquiry) passes None."""
    cal = calendar_for(policy.calendar)
    zone = policy.calendar.zone
    events = events or {}
    as_of_day = _local_date(as_of, zone)
    rows = []
    for name in DEADLINE_NAMES:
        due = decision.deadlines.get(name)
        if due is None:
            continue
        done = _aware(events.get(DEADLINE_DONE.get(name, ""))) if name in DEADLINE_DONE else None
        if done is not None and done > as_of:
            done = None  # had not happened yet at the as-of time
        left = working_days_after(cal, as_of_day, _local_date(due, zone))
        at_risk = False
        status = deadline_status(due, done, as_of, window=name in WINDOWS).value
        if status == "open":
            days, note = max(left, 0), _left_note(left, as_of_day, due, zone)
        elif status == "closed":
            days, note = 0, "closed"
        elif status == "met":
            days, note = 0, "on time"
        elif status == "breached" and done is not None:
            days, note = _late_note(cal, zone, due, done)
        elif status == "breached":
            days, note = _late_note(cal, zone, due, as_of)
            note = "not done, " + note
        else:
            days, note = max(left, 0), _left_note(left, as_of_day, due, zone)
            at_risk = left <= 1
        rows.append(DeadlineRow(name=name, due=due.astimezone(zone), done=done.astimezone(zone) if done else None,
                                status=status, at_risk=at_risk, working_days=days, note=note,
                                clauses=_clauses(name, decision), customer_side=name in CUSTOMER_SIDE))
    return rows


def _left_note(left: int, as_of_day: dt.date, due: dt.datetime, zone) -> str:
    if _local_date(due, zone) == as_of_day:
        return "due today"
    if left <= 0:
        return "due before the next working day"
    return f"{_plural(left, 'working day')} left"


def _aware(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value
    return None


def timeline(events: Mapping[str, Any] | None, rows: list[DeadlineRow], as_of: dt.datetime,
             policy: Policy) -> pd.DataFrame:
    """The case's story for a chart: one row per known event (kind ``event``) and per deadline
    (kind ``deadline``, with its status), columns kind, name, label, at, status, lane.
    ``lane`` groups the rows of one chart line: ``Events``, ``Store deadlines``, ``Customer``,
    ``Windows``. Events after ``as_of`` are left out (they had not happened yet)."""
    zone = policy.calendar.zone
    out = []
    for name in EVENT_NAMES:
        at = _aware((events or {}).get(name))
        if at is None or (at > as_of and name != "promised_delivery_at"):
            continue
        out.append({"kind": "event", "name": name, "label": EVENT_LABELS[name],
                    "at": at.astimezone(zone), "status": "promised" if name == "promised_delivery_at" else "done",
                    "lane": "Events"})
    for r in rows:
        lane = "Windows" if r.name in WINDOWS else ("Customer" if r.customer_side else "Store deadlines")
        out.append({"kind": "deadline", "name": r.name, "label": r.name, "at": r.due,
                    "status": r.status, "lane": lane})
    frame = pd.DataFrame(out, columns=["kind", "name", "label", "at", "status", "lane"])
    return frame.sort_values("at", kind="stable").reset_index(drop=True)
