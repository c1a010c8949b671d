"""policy-spec.md section 4: every worked example, field by field."""

from decimal import Decimal

import pytest

from policy import decide
from tests.policy_cases import case

EXAMPLES = [
    pytest.param(
        case(placed_at="2025-01-24T10:00:00", shipped_at=None, delivered_at=None, request="cancel",
             reason=None, requested_at="2025-01-25T18:00:00"),
        {"outcome": "cancel_free", "refund": ("full", "100.00"), "freight_payer": "none",
         "deadlines": {"refund_by": "2025-02-05T23:59:59+08:00"}, "clauses": ["C1", "R0"]},
        id="1-cancel-before-shipping-over-spring-festival"),
    pytest.param(
        case(order_amount=40, placed_at="2025-03-03T09:00:00", shipped_at="2025-03-04T09:00:00",
             delivered_at="2025-03-10T14:00:00", requested_at="2025-04-09T11:00:00"),
        {"outcome": "return_refund", "refund": ("full", "40.00"), "freight_payer": "customer",
         "other_costs_payer": "negotiated", "deadlines": {"reply_by": "2025-04-14T23:59:59+08:00"}},
        id="2-changed-mind-on-day-30"),
    pytest.param(
        case(order_amount=40, placed_at="2025-03-03T09:00:00", shipped_at="2025-03-04T09:00:00",
             delivered_at="2025-03-10T14:00:00", requested_at="2025-04-10T11:00:00"),
        {"outcome": "manual_review", "refund": ("none", "0.00"), "freight_payer": "none"},
        id="3-changed-mind-on-day-31"),
    pytest.param(
        case(order_amount=80, placed_at="2025-05-26T09:00:00", shipped_at="2025-05-27T09:00:00",
             delivered_at="2025-06-02T12:00:00", reason="slight_defect", requested_at="2025-06-05T10:00:00",
             provided=["order_number", "shipping_address", "media"]),
        {"outcome": "partial_refund", "refund": ("partial", "12.00"), "freight_payer": "none",
         "deadlines": {"refund_by": "2025-06-09T23:59:59+08:00"}},
        id="4-slight-defect-partial-refund"),
    pytest.param(
        case(category="electronics", placed_at="2025-01-02T09:00:00", shipped_at="2025-01-03T09:00:00",
             delivered_at="2025-01-10T12:00:00", reason="faulty", requested_at="2025-04-10T10:00:00",
             correct_use=True),
        {"outcome": "return_refund", "freight_payer": "merchant", "other_costs_payer": "merchant",
         "clauses_include": ["A1"]},
        id="5-electronics-faulty-within-3-months"),
    pytest.param(
        case(reason="damaged", provided=["order_number", "shipping_address"]),
        {"outcome": "needs_info", "missing": ["media"], "refund": ("none", "0.00")},
        id="6-damaged-without-pictures"),
    pytest.param(
        case(prior_contact=False),
        {"outcome": "rejected", "clauses_include": ["N1"], "refund": ("none", "0.00")},
        id="7-returned-without-prior-contact"),
]


@pytest.mark.parametrize("given, expected", EXAMPLES)
def test_worked_example(given, expected):
    got = decide(given).to_dict()
    assert got["outcome"] == expected["outcome"]
    if "refund" in expected:
        kind, amount = expected["refund"]
        assert got["refund"]["kind"] == kind
        assert got["refund"]["amount"] == Decimal(amount)
        assert str(got["refund"]["amount"]) == amount
    for key in ("freight_payer", "other_costs_payer", "missing", "clauses"):
        if key in expected:
            assert got[key] == expected[key]
    for name, when in expected.get("deadlines", {}).items():
        assert got["deadlines"][name] == when
    for clause in expected.get("clauses_include", []):
        assert clause in got["clauses"]
