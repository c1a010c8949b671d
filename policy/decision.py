"""The decision (policy-spec section 3, "Decision (output)") as frozen values."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from typing import Any

from policy.catalog import DEADLINE_NAMES
from policy.clauses import Clause

CENT = Decimal("0.01")


class Labelled(str, Enum):
    """A str enum whose members also carry the plain-words label every screen shows:
    ``MEMBER = ("value", "Label")``; the member's value (and ``str()``) is the contract's code."""

    def __new__(cls, value: str, label: str) -> Labelled:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    def __str__(self) -> str:
        return self.value


class Request(Labelled):
    CANCEL = ("cancel", "Cancel the order")
    REFUND = ("refund", "Refund")
    EXCHANGE = ("exchange", "Exchange")
    REFUND_STATUS = ("refund_status", "Where is my refund?")


class Reason(Labelled):
    CHANGED_MIND = ("changed_mind", "Changed mind")
    NOT_SUITABLE = ("not_suitable", "Not suitable")
    DAMAGED = ("damaged", "Damaged, unusable")
    DIRTY = ("dirty", "Dirty")
    NOT_AS_DESCRIBED = ("not_as_described", "Not as described")
    FAULTY = ("faulty", "Faulty")
    DELAYED_SHIPPING = ("delayed_shipping", "Delayed shipping")
    LOST_IN_TRANSIT = ("lost_in_transit", "Lost in transit")
    CARRIER_DELAY = ("carrier_delay", "Carrier delay (item kept)")
    MISSING_ACCESSORY = ("missing_accessory", "Missing accessory")
    SLIGHT_DEFECT = ("slight_defect", "Slight defect")


OWN_REASONS = frozenset({Reason.CHANGED_MIND, Reason.NOT_SUITABLE})
PRODUCT_PROBLEMS = frozenset({Reason.DAMAGED, Reason.DIRTY, Reason.NOT_AS_DESCRIBED, Reason.FAULTY})
PARTIAL_REASONS = frozenset({Reason.MISSING_ACCESSORY, Reason.SLIGHT_DEFECT, Reason.CARRIER_DELAY})
# Reasons whose remedy sends the item back (N1 rejects these without a prior request).
RETURNING_REASONS = frozenset(Reason) - PARTIAL_REASONS - {Reason.LOST_IN_TRANSIT}


class Outcome(Labelled):
    CANCEL_FREE = ("cancel_free", "Cancel free of charge")
    RETURN_REFUND = ("return_refund", "Return, then full refund")
    EXCHANGE = ("exchange", "Exchange (return, then send a new one)")
    PARTIAL_REFUND = ("partial_refund", "Partial refund, item kept")
    FULL_REFUND = ("full_refund", "Full refund, no return needed")
    NEEDS_INFO = ("needs_info", "Needs more information")
    MANUAL_REVIEW = ("manual_review", "Manual review (outside the standard rules)")
    REJECTED = ("rejected", "Rejected")
    STATUS_UPDATE = ("status_update", "Refund status update")


class RefundKind(str, Enum):
    FULL = "full"
    PARTIAL = "partial"
    NONE = "none"


class FreightPayer(str, Enum):
    CUSTOMER = "customer"
    MERCHANT = "merchant"
    NONE = "none"


class OtherCostsPayer(str, Enum):
    MERCHANT = "merchant"
    NEGOTIATED = "negotiated"
    NONE = "none"


class Provided(str, Enum):
    ORDER_NUMBER = "order_number"
    SHIPPING_ADDRESS = "shipping_address"
    MEDIA = "media"




def money(amount: Decimal) -> Decimal:
    """Round half up to cents: 123.45 x 0.10 = 12.345 -> 12.35."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Refund:
    kind: RefundKind
    amount: Decimal
    currency: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "amount": self.amount, "currency": self.currency}


@dataclass(frozen=True)
class Decision:
    case_id: str | None
    outcome: Outcome
    refund: Refund
    freight_payer: FreightPayer
    other_costs_payer: OtherCostsPayer
    missing: tuple[Provided, ...]
    deadlines: dict[str, dt.datetime] = field(hash=False)  # keyed by Deadline (a str enum)
    clauses: tuple[Clause, ...]
    explanation: str
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The contract's object, as plain values; the amount stays a ``Decimal``."""
        out: dict[str, Any] = {}
        if self.case_id is not None:
            out["case_id"] = self.case_id
        out.update({
            "outcome": self.outcome.value,
            "refund": self.refund.to_dict(),
            "freight_payer": self.freight_payer.value,
            "other_costs_payer": self.other_costs_payer.value,
            "missing": [m.value for m in self.missing],
            "deadlines": {name: self.deadlines[name].isoformat(timespec="seconds")
                          for name in DEADLINE_NAMES if name in self.deadlines},
            "clauses": [c.id for c in self.clauses],
            "explanation": self.explanation,
            "warnings": list(self.warnings),
        })
        return out

    def to_json(self) -> str:
        """One line of JSON; the amount is written as an exact number with two decimals."""
        return dumps(self.to_dict())


_DECIMAL_MARK = re.compile(r'"\\u0000dec:([-0-9.]+)"')


def dumps(value: Any) -> str:
    """``json.dumps`` that writes ``Decimal`` as an exact JSON number (12.00, not 12.0)."""
    text = json.dumps(value, ensure_ascii=False,
                      default=lambda v: f"\u0000dec:{v}" if isinstance(v, Decimal) else _unknown(v))
    return _DECIMAL_MARK.sub(r"\1", text)


def _unknown(value: Any) -> Any:
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
