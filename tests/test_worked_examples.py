"""policy-spec.md section 4: every worked example, field by field (policy/worked_examples.toml,
the same file the enquiry form offers)."""

from decimal import Decimal

import pytest

from policy import decide
from policy.worked_examples import worked_examples

EXAMPLES = [pytest.param(e.case, e.expected, id=e.id) for e in worked_examples()]


@pytest.mark.parametrize("given, expected", EXAMPLES)
def test_worked_example(given, expected):
    got = decide(given).to_dict()
    assert got["outcome"] == expected["outcome"]
    if "refund" in expected:
        kind, amount = expected["refund"]["kind"], expected["refund"]["amount"]
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
