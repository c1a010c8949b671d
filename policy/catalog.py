"""The deadline catalog: every deadline of the policy, once (policy-spec "deadlines",
data-contract "SLA stages").

One member per deadline, in the contract's output order, with everything the other layers need
to know about it: the clauses that set it, its label, the policy-file keys that tune it, the
event its clock starts from, the milestone that meets it, the SLA stage it is measured as (None
for the two windows, which are not tasks) and whose move it is. ``DEADLINE_NAMES``, the SLA
stage list of ``data/``, the answer card and every label on screen are derived from here.

Adding a deadline: a member here, the rule that computes it in ``rules.py`` and ``bulk.py``,
its parameter in ``default.toml``; a new milestone column also goes into ``data/sql/schema.sql``
and ``data/columns.py``.
"""

from __future__ import annotations

from enum import Enum

from policy.clauses import Clause


class Side(str, Enum):
    """Whose move a deadline is: the store's SLA, or the customer's own (shown apart)."""

    STORE = "store"
    CUSTOMER = "customer"


class Deadline(str, Enum):
    """A deadline of the decision (its value is the contract's key, e.g. ``"refund_by"``)."""

    #                 key, label, clauses, parameters, start event, done milestone, stage, side
    SHIP_BY = ("ship_by", "Ship the order", (Clause.P1,),
               ("processing.hours", "processing.pause_on"), "placed_at", "shipped_at", "processing", Side.STORE)
    FREE_CANCEL_UNTIL = ("free_cancel_until", "Free cancellation ends", (Clause.C1,),
                         ("cancellation.free_hours",), "placed_at", None, None, Side.CUSTOMER)
    RETURN_WINDOW_ENDS = ("return_window_ends", "Return window ends", (Clause.RE1,),
                          ("returns.window_days",), "delivered_at", None, None, Side.CUSTOMER)
    REPLY_BY = ("reply_by", "Reply to the request", (Clause.RP1,),
                ("working_days.reply",), "requested_at", "replied_at", "reply", Side.STORE)
    CUSTOMER_SHIP_BY = ("customer_ship_by", "Customer ships the return", (Clause.RP2,),
                        ("working_days.customer_ship",), "replied_at", "customer_shipped_at", "customer_ship",
                        Side.CUSTOMER)
    REPLACEMENT_SHIP_BY = ("replacement_ship_by", "Ship the replacement", (Clause.RP3,),
                           ("working_days.replacement",), "return_received_at", "replacement_shipped_at",
                           "replacement", Side.STORE)
    # The refund's clock starts at the event its clause names: the pictures (RF1), the return's
    # arrival (RF2) or the request (R0); ``refund_start`` is that event, per case.
    REFUND_BY = ("refund_by", "Pay the refund", (Clause.RF1, Clause.RF2, Clause.R0),
                 ("working_days.partial_refund", "working_days.refund_after_return", "working_days.refund_receipt"),
                 "refund_start", "refunded_at", "refund", Side.STORE)
    FREIGHT_REIMBURSE_BY = ("freight_reimburse_by", "Reimburse prepaid freight", (Clause.F2,),
                            ("working_days.freight_reimburse",), "freight_claimed_at", "freight_reimbursed_at",
                            "freight_reimbursement", Side.STORE)
    STATUS_UPDATE_BY = ("status_update_by", "Refund status update", (Clause.RF3,),
                        ("working_days.status_update",), "requested_at", "status_updated_at", "status_update",
                        Side.STORE)

    def __new__(cls, key: str, *_: object) -> Deadline:
        member = str.__new__(cls, key)
        member._value_ = key
        return member

    def __init__(self, key: str, label: str, clauses: tuple[Clause, ...], parameters: tuple[str, ...],
                 start: str, done: str | None, stage: str | None, side: Side) -> None:
        self.label = label
        self.clauses = clauses
        self.parameters = parameters
        self.start = start
        self.done = done
        self.stage = stage
        self.side = side

    def __str__(self) -> str:
        return self.value

    @property
    def clause_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.clauses)

    @property
    def title(self) -> str:
        """The label with its clauses, as every screen shows it: ``Reimburse prepaid freight (F2)``."""
        return f"{self.label} ({'/'.join(self.clause_ids)})" if self.clauses else self.label

    @property
    def is_window(self) -> bool:
        """A window the customer may use (open until it ends), not a task with an SLA."""
        return self.stage is None


DEADLINE_NAMES: tuple[str, ...] = tuple(d.value for d in Deadline)
WINDOWS: tuple[Deadline, ...] = tuple(d for d in Deadline if d.is_window)
# SLA stages, the store's first, then the customer's (the order reports and tiles show them in).
STAGE_DEADLINES: tuple[Deadline, ...] = (
    tuple(d for d in Deadline if d.stage and d.side is Side.STORE)
    + tuple(d for d in Deadline if d.stage and d.side is Side.CUSTOMER))
BY_STAGE: dict[str, Deadline] = {d.stage: d for d in STAGE_DEADLINES}


def deadline_of_stage(stage: str) -> Deadline:
    """The deadline an SLA stage measures (``"freight_reimbursement"`` -> FREIGHT_REIMBURSE_BY)."""
    return BY_STAGE[stage]
