"""Property: ``decide_frame`` gives, row for row, what ``decide`` gives for each case.

Cases are drawn around the boundaries that matter (24 h, day 30, promised delivery, month
ends, Spring Festival and National Day), for every request and reason, under random policies.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policy import decide, decide_frame, load_policy
from policy.decision import DEADLINE_NAMES, Reason, Request

ZONES = [ZoneInfo("Asia/Shanghai"), ZoneInfo("UTC"), ZoneInfo("America/Los_Angeles"), ZoneInfo("Asia/Tokyo")]
ANCHORS = [dt.datetime(2025, 1, 24, 10), dt.datetime(2025, 9, 28, 23), dt.datetime(2025, 11, 30, 12),
           dt.datetime(2026, 2, 13, 18), dt.datetime(2024, 12, 31, 23, 30), dt.datetime(2026, 12, 30, 9)]
OFFSETS = st.one_of(
    st.integers(-3600, 3600),                    # seconds around the anchor
    st.integers(0, 60 * 24 * 120).map(lambda m: m * 60),  # any minute of four months
    st.sampled_from([86400 * k + s for k in (1, 29, 30, 31, 89, 92) for s in (-1, 0, 1)]),
)


@st.composite
def instants(draw, after=None):
    base = after if after is not None else draw(st.sampled_from(ANCHORS)).replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    moment = base + dt.timedelta(seconds=draw(OFFSETS))
    return moment.astimezone(draw(st.sampled_from(ZONES)))


@st.composite
def cases(draw, i):
    placed = draw(instants())
    shipped = draw(st.none() | instants(after=placed))
    delivered = draw(st.none() | instants(after=shipped or placed))
    requested = draw(instants(after=draw(st.sampled_from([placed, shipped or placed, delivered or placed]))))
    later = lambda: draw(st.none() | instants(after=requested))  # noqa: E731
    request = draw(st.sampled_from(list(Request)))
    reason = draw(st.sampled_from(list(Reason)))
    return {
        "case_id": f"C{i}",
        "order_id": f"O{i}",
        "order_amount": draw(st.decimals(min_value=0, max_value=5000, places=3)),
        "currency": draw(st.sampled_from([None, "USD", "eur"])),
        "category": draw(st.sampled_from(["electronics", "Electronics", "apparel", None])),
        "placed_at": placed,
        "shipped_at": shipped,
        "delivered_at": delivered,
        "promised_delivery_at": draw(st.none() | instants(after=shipped or placed) | st.sampled_from(
            [t + dt.timedelta(seconds=s) for t in (delivered, requested) if t for s in (-1, 0, 1)] or [None])),
        "request": request.value,
        "reason": reason.value,
        "requested_at": requested,
        "prior_contact": draw(st.booleans()),
        "has_order_number": draw(st.booleans()),
        "has_shipping_address": draw(st.booleans()),
        "has_media": draw(st.booleans()),
        "correct_use": draw(st.booleans()),
        "replied_at": later(),
        "media_received_at": later(),
        "return_received_at": later(),
        "freight_claimed_at": later(),
    }


policies = st.fixed_dictionaries({
    "returns.window_days": st.integers(0, 60),
    "warranty.months": st.integers(0, 13),
    "working_days.reply": st.integers(0, 10),
    "working_days.partial_refund": st.integers(0, 5),
    "processing.hours": st.sampled_from([0, 1, 24, 48, 72, 36.5]),
    "processing.pause_on": st.sampled_from(["non_working_days", "public_holidays", "nothing"]),
    "cancellation.free_hours": st.sampled_from([0, 24, 48]),
    "partial_refund_rates.slight_defect": st.sampled_from([0, 0.15, 0.333, 1]),
    "calendar.timezone": st.sampled_from(["Asia/Shanghai", "Asia/Shanghai", "Europe/Berlin"]),
})


def as_single(row: dict) -> dict:
    case = {k: v for k, v in row.items() if not k.startswith("has_")}
    case["provided"] = [name for name in ("order_number", "shipping_address", "media") if row[f"has_{name}"]]
    return case


def as_frame(rows: list[dict], zone: str) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for column in ("placed_at", "shipped_at", "delivered_at", "promised_delivery_at", "requested_at",
                   "replied_at", "media_received_at", "return_received_at", "freight_claimed_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True).dt.tz_convert(zone)
    frame["order_amount"] = frame["order_amount"].astype(float)
    return frame


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.integers(1, 12).flatmap(lambda n: st.tuples(*[cases(i) for i in range(n)])),
       overrides=policies)
def test_decide_frame_equals_decide(rows, overrides):
    policy = load_policy().replace(overrides)
    rows = list(rows)
    frame = decide_frame(as_frame(rows, policy.calendar.timezone), policy)
    for row, (_, got) in zip(rows, frame.iterrows()):
        want = decide(as_single(row), policy)
        assert got["outcome"] == want.outcome.value, row
        assert got["refund_kind"] == want.refund.kind.value
        assert Decimal(got["refund_amount"]) == want.refund.amount
        assert got["currency"] == want.refund.currency
        assert got["freight_payer"] == want.freight_payer.value
        assert got["other_costs_payer"] == want.other_costs_payer.value
        assert got["missing"] == ",".join(m.value for m in want.missing)
        for name in DEADLINE_NAMES:
            expected = want.deadlines.get(name)
            if expected is None:
                assert pd.isna(got[name]), (name, got[name])
            else:
                assert got[name] == pd.Timestamp(expected), (name, got[name], expected, row)


def test_naive_and_aware_columns_agree():
    """Naive timestamps are read in the policy's zone, exactly like their aware twins."""
    row = {"order_id": "O", "order_amount": 10.0, "category": "x", "request": "refund", "reason": "changed_mind",
           "placed_at": "2025-01-24 10:00", "shipped_at": "2025-01-25 10:00", "delivered_at": "2025-01-30 10:00",
           "requested_at": "2025-02-28 23:30"}
    naive = pd.DataFrame([row])
    for c in ("placed_at", "shipped_at", "delivered_at", "requested_at"):
        naive[c] = pd.to_datetime(naive[c])
    aware = naive.copy()
    for c in ("placed_at", "shipped_at", "delivered_at", "requested_at"):
        aware[c] = aware[c].dt.tz_localize("Asia/Shanghai").dt.tz_convert("UTC")
    a, b = decide_frame(naive), decide_frame(aware)
    pd.testing.assert_frame_equal(a, b)
    assert a["outcome"][0] == decide(row).outcome.value == "return_refund"


SH = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2025, 3, 10, 14, 0, tzinfo=SH)
EDGES = {
    "delivered-exactly-at-promise": dict(reason="delayed_shipping", promised_delivery_at=T0),
    "delivered-one-second-after-promise": dict(reason="delayed_shipping", promised_delivery_at=T0 - dt.timedelta(seconds=1)),
    "request-exactly-at-delivery": dict(requested_at=T0),
    "request-exactly-24h-after-placing": dict(request="cancel", delivered_at=None,
                                              shipped_at=T0 - dt.timedelta(days=6, hours=1),
                                              requested_at=T0 - dt.timedelta(days=5)),
    "day-30-last-second": dict(requested_at=T0.replace(hour=23, minute=59, second=59) + dt.timedelta(days=30)),
    "day-31-first-second": dict(requested_at=T0.replace(hour=0, minute=0, second=0) + dt.timedelta(days=31)),
    "warranty-last-day": dict(reason="faulty", category="electronics", requested_at=dt.datetime(2025, 6, 10, 23, 59, tzinfo=SH)),
    "warranty-day-after": dict(reason="faulty", category="electronics", requested_at=dt.datetime(2025, 6, 11, 0, 0, tzinfo=SH)),
    "shipped-exactly-at-request": dict(request="cancel", delivered_at=None, shipped_at=T0 + dt.timedelta(days=2),
                                       requested_at=T0 + dt.timedelta(days=2)),
}


def test_edges_agree():
    base = {"case_id": "E", "order_id": "O", "order_amount": Decimal("123.45"), "currency": None, "category": "apparel",
            "placed_at": T0 - dt.timedelta(days=6), "shipped_at": T0 - dt.timedelta(days=5), "delivered_at": T0,
            "promised_delivery_at": None, "request": "refund", "reason": "changed_mind",
            "requested_at": T0 + dt.timedelta(days=3), "prior_contact": True, "has_order_number": True,
            "has_shipping_address": True, "has_media": True, "correct_use": True, "replied_at": None,
            "media_received_at": None, "return_received_at": None, "freight_claimed_at": None}
    rows = [{**base, **change, "case_id": name} for name, change in EDGES.items()]
    frame = decide_frame(as_frame(rows, "Asia/Shanghai"))
    got = dict(zip(frame["case_id"], zip(frame["outcome"], frame["freight_payer"])))
    want = {row["case_id"]: (decide(as_single(row)).outcome.value, decide(as_single(row)).freight_payer.value)
            for row in rows}
    assert got == want
    assert want["delivered-exactly-at-promise"] == ("return_refund", "customer")
    assert want["delivered-one-second-after-promise"] == ("return_refund", "merchant")
    assert want["day-30-last-second"][0] == "return_refund"
    assert want["day-31-first-second"][0] == "manual_review"
    assert want["warranty-last-day"][0] == "return_refund"
    assert want["warranty-day-after"][0] == "manual_review"
    assert want["request-exactly-24h-after-placing"][0] == "cancel_free"
    assert want["shipped-exactly-at-request"][0] == "return_refund"
