"""The single-case engine: ``decide`` applies the rules of policy-spec section 3 in order.

Each step names the clause it applies; the decision cites those clauses in the order the
rules applied them. Deadlines come from ``policy.deadlines`` (shared with ``decide_frame``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

import numpy as np

from policy import deadlines as dl
from policy.calendar import WorkingCalendar, calendar_for
from policy.case import Case, Instant, instant_datetime, parse_case
from policy.catalog import Deadline
from policy.clauses import Clause
from policy.decision import (
    OWN_REASONS,
    PARTIAL_REASONS,
    PRODUCT_PROBLEMS,
    RETURNING_REASONS,
    Decision,
    FreightPayer,
    OtherCostsPayer,
    Outcome,
    Provided,
    Reason,
    Refund,
    RefundKind,
    Request,
    money,
)
from policy.explain import explain
from policy.params import Policy, default_policy


def decide(case: Mapping[str, Any], policy: Policy | None = None) -> Decision:
    """The policy's answer for one case (a mapping of the contract's input fields).

    Raises ``CaseError`` naming the field when the case cannot be read.
    """
    policy = policy or default_policy()
    cal = calendar_for(policy.calendar)
    c = parse_case(case, policy, cal)
    d = _Draft(c, policy, cal)
    _decide(d)
    return d.finish()


@dataclass
class _Draft:
    """The decision as the rules build it up."""

    case: Case
    policy: Policy
    cal: WorkingCalendar
    outcome: Outcome | None = None
    refund_kind: RefundKind = RefundKind.NONE
    refund_amount: Decimal = Decimal("0.00")
    freight: FreightPayer = FreightPayer.NONE
    missing: tuple[Provided, ...] = ()
    clauses: list[Clause] = field(default_factory=list)
    deadlines: dict[str, int] = field(default_factory=dict)  # name -> UTC microseconds

    def cite(self, *clauses: Clause) -> None:
        for clause in clauses:
            if clause not in self.clauses:
                self.clauses.append(clause)

    def working_deadline(self, name: Deadline, start: Instant, n: int, *clauses: Clause) -> None:
        self.deadlines[name] = int(dl.end_of_nth_working_day(self.cal, _arr(start.local_us), n)[0])
        self.cite(*clauses)

    def finish(self) -> Decision:
        c, zone = self.case, self.cal.params.zone
        # F3: who bears other costs follows who bears the freight.
        other = {FreightPayer.MERCHANT: OtherCostsPayer.MERCHANT,
                 FreightPayer.CUSTOMER: OtherCostsPayer.NEGOTIATED}.get(self.freight, OtherCostsPayer.NONE)
        deadlines = {name: instant_datetime(us, zone) for name, us in self.deadlines.items()}
        decision = Decision(
            case_id=c.case_id,
            outcome=self.outcome,
            refund=Refund(self.refund_kind, money(self.refund_amount), c.currency),
            freight_payer=self.freight,
            other_costs_payer=other,
            missing=self.missing,
            deadlines=deadlines,
            clauses=tuple(self.clauses),
            explanation="",
            warnings=tuple(_warnings(self)),
        )
        return replace(decision, explanation=explain(decision))


def _arr(value: int) -> np.ndarray:
    return np.array([value], dtype=np.int64)


def _decide(d: _Draft) -> None:
    c, p = d.case, d.policy
    _always_known_deadlines(d)

    # Rule 1 (RF3): where is my refund?
    if c.request is Request.REFUND_STATUS:
        d.outcome = Outcome.STATUS_UPDATE
        d.working_deadline(Deadline.STATUS_UPDATE_BY, c.requested_at, p.working_days.status_update, Clause.RF3)
        return

    # Rule 2 (C1, R0): before delivery, and not shipped yet or within the free-cancel hours.
    reason = c.reason
    if _free_cancellation(c, p):
        d.outcome, d.refund_kind, d.refund_amount = Outcome.CANCEL_FREE, RefundKind.FULL, c.order_amount
        d.cite(Clause.C1)
        d.working_deadline(Deadline.REFUND_BY, c.requested_at, p.working_days.refund_receipt, Clause.R0)
        return
    request = c.request
    if request is Request.CANCEL:
        # C1: a cancel that does not qualify is a no-reason refund request.
        request, reason = Request.REFUND, Reason.CHANGED_MIND

    # From here every request is a refund or an exchange; RP1's reply is always due.
    _by_reason(d, request, reason)
    if d.freight is not FreightPayer.NONE:
        d.cite(Clause.F3)  # rule 6: other costs follow the freight
    d.working_deadline(Deadline.REPLY_BY, c.requested_at, p.working_days.reply, Clause.RP1)
    _return_deadlines(d)


def _always_known_deadlines(d: _Draft) -> None:
    """ship_by (P1) and free_cancel_until (C1) from placed_at, return_window_ends (RE1) from
    delivered_at, whatever the request; they cite no clause unless a rule applies them."""
    c, p, cal = d.case, d.policy, d.cal
    if c.placed_at is not None:
        d.deadlines[Deadline.SHIP_BY] = int(dl.processing_deadline(
            cal, p.processing, _arr(c.placed_at.local_us), _arr(c.placed_at.utc_us))[0])
        d.deadlines[Deadline.FREE_CANCEL_UNTIL] = c.placed_at.utc_us + dl.hours_us(p.cancellation.free_hours)
    if c.delivered_at is not None:
        d.deadlines[Deadline.RETURN_WINDOW_ENDS] = int(dl.end_of_day_after(
            cal, _arr(c.delivered_at.local_us), p.returns.window_days)[0])


def _delivered(c: Case) -> bool:
    """Delivered at the time of the request."""
    return c.delivered_at is not None and c.delivered_at.utc_us <= c.requested_at.utc_us


def _shipped(c: Case) -> bool:
    return c.shipped_at is not None and c.shipped_at.utc_us <= c.requested_at.utc_us


def _free_cancellation(c: Case, p: Policy) -> bool:
    """C1: "within 24 hours after placing the order or before shipping", read as: any request
    before delivery, while unshipped or within the free hours (plain clock time)."""
    if _delivered(c):
        return False
    within_hours = (c.placed_at is not None and
                    c.requested_at.utc_us <= c.placed_at.utc_us + dl.hours_us(p.cancellation.free_hours))
    return not _shipped(c) or within_hours


def _by_reason(d: _Draft, request: Request, reason: Reason) -> None:
    c, p = d.case, d.policy
    returned = Outcome.EXCHANGE if request is Request.EXCHANGE else Outcome.RETURN_REFUND

    # Rule 3 (N1): an item sent back without asking first is not accepted.
    if not c.prior_contact and reason in RETURNING_REASONS:
        d.outcome = Outcome.REJECTED
        d.cite(Clause.N1)
        return

    # Rule 4 (RE3, RF1): what the customer still has to send.
    missing = _missing(c, p, reason)
    if missing:
        d.outcome, d.missing = Outcome.NEEDS_INFO, missing
        d.cite(Clause.RF1 if reason in PARTIAL_REASONS else Clause.RE3)
        return

    # Rule 5, by reason.
    if reason is Reason.DELAYED_SHIPPING:
        if _late(c):
            _return(d, returned, reason, Clause.RE2)
            return
        reason = Reason.CHANGED_MIND  # not actually late: a no-reason return

    if reason in OWN_REASONS:
        if not _delivered(c):
            _return(d, returned, reason)  # shipped, not yet received
        elif _within_return_window(c, p):
            _return(d, returned, reason, Clause.RE1)
        else:
            _manual_review(d, Clause.RE1)
    elif reason in PRODUCT_PROBLEMS:
        if _delivered(c) and _within_return_window(c, p):
            extra = (Clause.A1,) if reason is Reason.DAMAGED else ()
            _return(d, returned, reason, Clause.RE2, after=extra)
        elif reason is Reason.FAULTY and _within_warranty(c, p):
            _return(d, returned, reason, Clause.A1)
        else:
            # Not received yet (RE2 needs the product in hand) or past both windows (RE1).
            _manual_review(d, Clause.RE1 if _delivered(c) else Clause.RE2)
    elif reason is Reason.LOST_IN_TRANSIT:
        d.outcome, d.refund_kind, d.refund_amount = Outcome.FULL_REFUND, RefundKind.FULL, c.order_amount
        d.cite(Clause.A1)
        d.working_deadline(Deadline.REFUND_BY, c.requested_at, p.working_days.refund_receipt, Clause.R0)
    else:  # PARTIAL_REASONS (A2, RF1)
        rate = p.partial_refund_rates[reason]
        d.outcome, d.refund_kind, d.refund_amount = Outcome.PARTIAL_REFUND, RefundKind.PARTIAL, c.order_amount * rate
        d.cite(Clause.A2)
        # RF1's clock starts when the pictures arrive; where the policy asks for none, at the request.
        start = c.media_received_at if c.media_received_at is not None else c.requested_at
        d.working_deadline(Deadline.REFUND_BY, start, p.working_days.partial_refund, Clause.RF1)


def _return(d: _Draft, outcome: Outcome, reason: Reason, *clauses: Clause, after: tuple[Clause, ...] = ()) -> None:
    """The item travels back; a return refunds the full amount, an exchange nothing (rule 6).
    The policy's ``return_freight`` names who pays the freight for ``reason``: the customer
    (cited F1) or the store (F2), cited after ``clauses`` and before ``after``."""
    freight = d.policy.return_freight[reason]
    d.outcome, d.freight = outcome, freight
    if outcome is Outcome.RETURN_REFUND:
        d.refund_kind, d.refund_amount = RefundKind.FULL, d.case.order_amount
    d.cite(*clauses, Clause.F2 if freight is FreightPayer.MERCHANT else Clause.F1, *after)


def _manual_review(d: _Draft, clause: Clause) -> None:
    d.outcome = Outcome.MANUAL_REVIEW
    d.cite(clause)


def _missing(c: Case, p: Policy, reason: Reason) -> tuple[Provided, ...]:
    """RE3 / RF1: the items this request needs that the customer has not given. Pictures only
    where the policy's ``pictures_required`` asks for them for this reason."""
    pictures = {Provided.MEDIA} if reason in p.pictures_required.required() else set()
    if reason in PARTIAL_REASONS:
        needed = pictures
    elif reason is Reason.LOST_IN_TRANSIT or not _delivered(c):
        needed = {Provided.ORDER_NUMBER, Provided.SHIPPING_ADDRESS}
    else:
        needed = {Provided.ORDER_NUMBER, Provided.SHIPPING_ADDRESS} | pictures
    return tuple(item for item in Provided if item in needed and item not in c.provided)


def _late(c: Case) -> bool:
    """RE2 "delayed shipping": delivered after the promise, or still undelivered when the
    customer asks after it. No promise on record: not late."""
    if c.promised_delivery_at is None:
        return False
    promised = c.promised_delivery_at.utc_us
    if _delivered(c):
        return c.delivered_at.utc_us > promised
    return c.requested_at.utc_us > promised


def _within_return_window(c: Case, p: Policy) -> bool:
    """RE1: the local request date is at most the local delivery date + window_days."""
    return c.requested_at.day <= c.delivered_at.day + p.returns.window_days


def _within_warranty(c: Case, p: Policy) -> bool:
    """A1: an electronic product, used correctly, failing within ``months`` of receipt."""
    if not (_delivered(c) and c.correct_use and c.category in p.warranty.categories):
        return False
    last_day = int(dl.add_months(_arr(c.delivered_at.day), p.warranty.months)[0])
    return c.requested_at.day <= last_day


def _return_deadlines(d: _Draft) -> None:
    """Rule 7: the steps after the reply, for outcomes where the item travels back."""
    c, wd = d.case, d.policy.working_days
    if d.outcome not in (Outcome.RETURN_REFUND, Outcome.EXCHANGE):
        return
    if c.replied_at is not None:
        d.working_deadline(Deadline.CUSTOMER_SHIP_BY, c.replied_at, wd.customer_ship, Clause.RP2)
    if c.return_received_at is not None:
        if d.outcome is Outcome.RETURN_REFUND:
            d.working_deadline(Deadline.REFUND_BY, c.return_received_at, wd.refund_after_return, Clause.RF2)
        else:
            d.working_deadline(Deadline.REPLACEMENT_SHIP_BY, c.return_received_at, wd.replacement, Clause.RP3)
    if d.freight is FreightPayer.MERCHANT and c.freight_claimed_at is not None:
        d.working_deadline(Deadline.FREIGHT_REIMBURSE_BY, c.freight_claimed_at, wd.freight_reimburse, Clause.F2)


def _warnings(d: _Draft) -> list[str]:
    c, cal = d.case, d.cal
    out = []
    days = [i.day for i in (c.placed_at, c.shipped_at, c.delivered_at, c.requested_at) if i is not None]
    years = {(dt.date(1970, 1, 1) + dt.timedelta(days=day)).year for day in days}
    years |= {instant_datetime(us, cal.params.zone).year for us in d.deadlines.values()}
    estimated = sorted(y for y in years if cal.is_estimate(y))
    if estimated:
        out.append(f"The {cal.params.country} working-day calendar for {', '.join(map(str, estimated))} "
                   f"is an estimate: official make-up working days are published only through "
                   f"{cal.official_until}.")
    if c.shipped_at and c.delivered_at and c.delivered_at.utc_us < c.shipped_at.utc_us:
        out.append("The data says the order was delivered before it was shipped; check the dates.")
    if c.placed_at and c.requested_at.utc_us < c.placed_at.utc_us:
        out.append("The request is dated before the order was placed; check the dates.")
    return out
