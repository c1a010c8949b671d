"""Alerts for a scheduler: the store's open deadlines that are about to breach or already have.

Helpdesk tools call these automations on "time until breach". ``python -m data alerts`` prints
them as JSON or CSV for a cron job to post to chat or mail. The items are the Case lookup page's
queues (``data.app_queries.case_queue``, one SQL query for both), so the page and the alert never
disagree on a count: at risk = open and due by the end of the ``within``-th working day after
the as-of time (default 1, the page's "due within one working day"); overdue = open and past due.

Only the store's own deadlines alert (P1 processing included): the customer's step (RP2, shipping
the return back) is not the team's breach, and the page lists it apart as a reminder.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .app_queries import case_queue
from .report import as_of_instant
from .sla import MERCHANT_STAGES, STAGES

CLAUSES = {s.name: ", ".join(s.deadline.clause_ids) for s in STAGES}
ITEM_COLUMNS = ["stage", "clause", "case_id", "order_id", "agent", "due", "category", "country"]


@dataclass(frozen=True)
class Alerts:
    """The open items of one as-of time: ``at_risk`` soonest due first, ``overdue`` most recently
    due first; both frames have ``ITEM_COLUMNS`` (``due`` tz-aware in the policy zone; ``case_id``
    and ``agent`` empty for an order's processing deadline)."""

    as_of: pd.Timestamp
    within: int
    at_risk: pd.DataFrame
    overdue: pd.DataFrame

    def to_dict(self) -> dict:
        """The JSON the CLI prints: ``{"as_of", "within_working_days", "counts", "at_risk", "overdue"}``."""
        return {
            "as_of": self.as_of.isoformat(),
            "within_working_days": self.within,
            "counts": {"at_risk": len(self.at_risk), "overdue": len(self.overdue)},
            "at_risk": _records(self.at_risk),
            "overdue": _records(self.overdue),
        }

    def to_csv_frame(self) -> pd.DataFrame:
        """One row per item, ``status`` first (at_risk, then overdue)."""
        parts = [frame.assign(status=status) for status, frame in (("at_risk", self.at_risk),
                                                                     ("overdue", self.overdue))]
        out = pd.concat(parts, ignore_index=True)[["status", *ITEM_COLUMNS]]
        out["due"] = out["due"].map(lambda t: t.isoformat() if pd.notna(t) else "")
        return out


def _items(queue: pd.DataFrame) -> pd.DataFrame:
    is_case = queue["stage"] != "processing"
    out = pd.DataFrame({
        "stage": queue["stage"],
        "clause": queue["stage"].map(CLAUSES),
        "case_id": queue["item_id"].where(is_case, None),
        "order_id": queue["order_id"],
        "agent": queue["agent"].where(is_case, None),
        "due": queue["due"],
        "category": queue["category"],
        "country": queue["country"],
    })
    return out.reset_index(drop=True)


def _records(frame: pd.DataFrame) -> list[dict]:
    records = []
    for row in frame.itertuples(index=False):
        item = {}
        for key, value in zip(ITEM_COLUMNS, row):
            if key == "due":
                value = value.isoformat()
            elif value is None or (not isinstance(value, str) and pd.isna(value)):
                value = None
            item[key] = value
        records.append(item)
    return records


def open_alerts(con, policy, as_of=None, within: int = 1) -> Alerts:
    """Every open store deadline due within ``within`` working days of ``as_of`` (default now,
    naive = the policy's zone), and every one past due."""
    ts = as_of_instant(as_of, policy)
    iso = ts.isoformat()
    at_risk = case_queue(con, policy, iso, "at_risk", MERCHANT_STAGES, limit=None, within=within)
    overdue = case_queue(con, policy, iso, "breached", MERCHANT_STAGES, limit=None, within=within)
    return Alerts(as_of=ts, within=within, at_risk=_items(at_risk), overdue=_items(overdue))
