"""Random and malformed input never crashes either engine: it is decided, or it raises
``CaseError`` naming a field."""

import datetime as dt

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policy import CaseError, decide, decide_frame
from policy.case import KNOWN_FIELDS
from tests.policy_cases import case

junk = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30), st.sampled_from(["", "2025-02-30T10:00", "2025-01-24T10:00+08:00", "1e400", "NaN",
                                           "refund", "changed_mind", "9999-12-31T23:59:59", "0001-01-01"]),
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    st.dates(), st.lists(st.text(max_size=5), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
fields = st.sampled_from(sorted(KNOWN_FIELDS) + ["unknown_field"])


@settings(max_examples=400, deadline=None)
@given(changes=st.dictionaries(fields, junk, max_size=4))
def test_decide_never_crashes(changes):
    try:
        decide(case(**changes))
    except CaseError as err:
        assert err.field


FRAME_COLUMNS = sorted((KNOWN_FIELDS - {"provided"}) | {"has_media", "has_order_number"})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(column=st.sampled_from(FRAME_COLUMNS), values=st.lists(junk, min_size=1, max_size=4))
def test_decide_frame_never_crashes(column, values):
    rows = [case(case_id=f"C{i}") for i in range(len(values))]
    frame = pd.DataFrame(rows)
    for c in ("placed_at", "shipped_at", "delivered_at", "requested_at"):
        frame[c] = pd.to_datetime(frame[c])
    frame[column] = pd.Series(values, dtype="object")
    try:
        out = decide_frame(frame)
        assert len(out) == len(frame)
    except CaseError as err:
        assert err.field == column or err.field in KNOWN_FIELDS


@pytest.mark.parametrize("changes, field", [
    pytest.param({"request": "refund please"}, "request", id="unknown-request"),
    pytest.param({"reason": None}, "reason", id="refund-without-reason"),
    pytest.param({"requested_at": None}, "requested_at", id="no-request-time"),
    pytest.param({"requested_at": "yesterday"}, "requested_at", id="unreadable-time"),
    pytest.param({"order_amount": -5}, "order_amount", id="negative-amount"),
    pytest.param({"order_amount": "ten"}, "order_amount", id="text-amount"),
    pytest.param({"prior_contact": "no"}, "prior_contact", id="text-flag"),
    pytest.param({"provided": ["receipt"]}, "provided", id="unknown-provided-item"),
    pytest.param({"placed_at": "1999-12-31T23:00:00"}, "placed_at", id="before-calendar"),
    pytest.param({"colour": "red"}, "colour", id="unknown-field"),
])
def test_errors_name_the_field(changes, field):
    with pytest.raises(CaseError) as err:
        decide(case(**changes))
    assert err.value.field == field


@pytest.mark.parametrize("column, values, field", [
    pytest.param("request", ["refund", "teleport"], "request", id="unknown-request"),
    pytest.param("order_amount", [1.0, -1.0], "order_amount", id="negative-amount"),
    pytest.param("requested_at", [pd.Timestamp("2025-01-01"), pd.NaT], "requested_at", id="missing-request-time"),
    pytest.param("prior_contact", [True, "yes"], "prior_contact", id="text-flag"),
])
def test_frame_errors_name_the_column_and_row(column, values, field):
    frame = pd.DataFrame([case(case_id="a"), case(case_id="b")])
    for c in ("placed_at", "shipped_at", "delivered_at", "requested_at"):
        frame[c] = pd.to_datetime(frame[c])
    frame[column] = pd.Series(values, dtype="object" if column != "requested_at" else None)
    with pytest.raises(CaseError) as err:
        decide_frame(frame)
    assert err.value.field == field
    assert "row 1" in str(err.value)
