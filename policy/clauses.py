"""The clause register of policy-spec.md section 1.

Every decision cites clauses by these ids, and the app shows the policy text with the same
ids beside each sentence, so an agent can go from a decision to the words behind it.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

POLICY_TEXT_PATH = Path(__file__).resolve().parent / "return-refund-policy.txt"


class Clause(Enum):
    """A clause of the store's policy: its id, a short statement, and the policy's own words.

    ``source`` is a verbatim fragment of the policy text, unique in it, so the app can find
    and mark the sentence.
    """

    P1 = ("Orders are processed (handed to the carrier) within 48 hours, holidays excepted",
          "Order Processing Time: within 48 hours (except holidays)")
    C1 = ("Free cancellation within 24 hours after placing the order, or at any time before shipping",
          "Order Cancellation: Customers can cancel the order for free within 24 hours")
    R0 = ("A refund reaches the customer within 3 working days",
          "Time to receive your Refund: Usually within 3 working days")
    RE1 = ("No-reason return within 30 days after receipt; later: consultation by email",
           "(1) Return period: 30 days after receipt of the goods")
    RE2 = ("Returns/exchanges for product problems: damaged, dirty, not as described, delayed shipping",
           "(2) Circumstances for return and exchange:")
    RE3 = ("A return needs order number, shipping address, pictures/videos of product and packaging",
           "(3) Returns need to provide information:")
    RP1 = ("The store answers a return request within 3 working days",
           "Step 1: Log in with your account")
    RP2 = ("The customer ships the item within 3 working days of that answer and sends the tracking number",
           "Step 2: After the customer receives the response")
    RP3 = ("Exchange: the new product ships within 1 working day after the return arrives",
           "Step 3 (if exchange)")
    F1 = ("The customer pays return freight: refund asked after shipping but before receipt; "
          "reasons of the customer's own (not liked, not suitable)",
          "(1) The customer bears the freight:")
    F2 = ("The store pays return freight: delay beyond the delivery time and the customer no longer "
          "wants the item; damaged, faulty, not as described (with clear pictures). Freight the "
          "customer prepaid is reimbursed within 7 working days",
          "(2) The website bears the freight:")
    F3 = ("When the store pays freight it also pays the other costs (taxes); when the customer pays, "
          "other costs are negotiated",
          "The website is responsible for the return of the freight, and other expenses incurred")
    A1 = ("Full refund: damaged and unusable; lost in transit; an electronic product failing within "
          "3 months of receipt under correct use",
          "(1) Application of full refund")
    A2 = ("Partial refund: missing accessories that do not affect use; slight defects of packaging or "
          "surface; carrier delay and the customer did not ask for a refund",
          "(2) Applicable situations for partial refunds:")
    RF1 = ("Partial refund paid within 2 working days after the pictures/videos arrive",
           "(1) For some refund applications")
    RF2 = ("Refund for a returned product within 1 working day after the return arrives",
           "(2) For returned products, we will refund")
    RF3 = ("Refund not received: the store reports progress within 1 working day",
           "(3) If no refund is received")
    N1 = ("Returns and exchanges sent without a prior request are not accepted",
          "Note: For any return application")

    def __init__(self, summary: str, source: str) -> None:
        self.summary = summary
        self.source = source

    @property
    def id(self) -> str:
        return self.name


def policy_text() -> str:
    """The policy exactly as the store publishes it (a copy of shared/seed)."""
    return POLICY_TEXT_PATH.read_text(encoding="utf-8")
