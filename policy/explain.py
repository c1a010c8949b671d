"""The sentence an agent reads to the customer: one or two plain sentences per decision."""

from __future__ import annotations

import datetime as dt

from policy.catalog import Deadline
from policy.decision import Decision, FreightPayer, Outcome


def _when(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    return moment.strftime("%a %d %b %Y")


def _amount(decision: Decision) -> str:
    return f"{decision.refund.amount:,.2f} {decision.refund.currency}"


def explain(d: Decision) -> str:
    deadline = d.deadlines.get
    refund_by = f" by {_when(deadline(Deadline.REFUND_BY))}" if deadline(Deadline.REFUND_BY) else ""
    reply_by = f" We will reply with the details by {_when(deadline(Deadline.REPLY_BY))}." if deadline(Deadline.REPLY_BY) else ""
    freight = ("The store pays the return freight and any other costs such as taxes."
               if d.freight_payer is FreightPayer.MERCHANT else
               "You pay the return freight; other costs can be negotiated with us.")
    if d.outcome is Outcome.CANCEL_FREE:
        return f"Your order is cancelled free of charge. The full {_amount(d)} will reach you{refund_by}."
    if d.outcome is Outcome.STATUS_UPDATE:
        return (f"We will check your refund and tell you its latest progress by "
                f"{_when(deadline(Deadline.STATUS_UPDATE_BY))}.")
    if d.outcome is Outcome.RETURN_REFUND:
        return (f"Please send the item back after our reply; you get the full {_amount(d)} "
                f"within one working day of its arrival. {freight}{reply_by}").strip()
    if d.outcome is Outcome.EXCHANGE:
        return (f"Please send the item back after our reply; we ship the replacement within one "
                f"working day of its arrival. {freight}{reply_by}").strip()
    if d.outcome is Outcome.PARTIAL_REFUND:
        return f"You keep the item and receive a partial refund of {_amount(d)}{refund_by}."
    if d.outcome is Outcome.FULL_REFUND:
        return f"Your parcel is lost in transit: you receive a full refund of {_amount(d)}{refund_by}."
    if d.outcome is Outcome.NEEDS_INFO:
        items = ", ".join(m.value.replace("_", " ") for m in d.missing)
        return f"Please send us the following so we can handle your request: {items}.{reply_by}"
    if d.outcome is Outcome.MANUAL_REVIEW:
        return ("Your request falls outside the standard return terms; our team will review it "
                f"and contact you by email.{reply_by}")
    return ("Items sent back without contacting us first cannot be accepted. Please email us "
            f"about your order first.{reply_by}")
