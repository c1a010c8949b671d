"""Every rule on both sides of its boundary (policy-spec sections 2 and 3)."""

import pytest

from policy import decide, load_policy
from tests.policy_cases import case

SHIPPED_MONDAY = dict(placed_at="2025-03-03T09:00:00+08:00", shipped_at="2025-03-03T12:00:00+08:00",
                      delivered_at=None)


def outcome(**changes):
    return decide(case(**changes)).outcome.value


@pytest.mark.parametrize("requested_at, expected", [
    pytest.param("2025-03-04T09:00:00+08:00", "cancel_free", id="C1-exactly-24h-free"),
    pytest.param("2025-03-04T09:00:01+08:00", "return_refund", id="C1-24h-plus-1s-is-a-return"),
    pytest.param("2025-03-04T01:00:00Z", "cancel_free", id="C1-utc-input-exactly-24h"),
])
def test_free_cancellation_hours(requested_at, expected):
    assert outcome(request="cancel", reason=None, requested_at=requested_at, **SHIPPED_MONDAY) == expected


@pytest.mark.parametrize("changes, expected", [
    pytest.param(dict(shipped_at=None, delivered_at=None, requested_at="2025-03-20T09:00:00+08:00"),
                 "cancel_free", id="C1-unshipped-after-weeks-still-free"),
    pytest.param(dict(shipped_at="2025-03-05T09:00:00+08:00", delivered_at=None,
                      requested_at="2025-03-05T08:59:59+08:00"), "cancel_free", id="C1-shipped-one-second-later"),
    pytest.param(dict(shipped_at="2025-03-03T10:00:00+08:00", delivered_at="2025-03-03T20:00:00+08:00",
                      requested_at="2025-03-03T21:00:00+08:00"), "return_refund", id="C1-delivered-within-24h-not-free"),
    pytest.param(dict(request="exchange", shipped_at=None, delivered_at=None), "cancel_free",
                 id="C1-exchange-before-shipping"),
])
def test_free_cancellation_conditions(changes, expected):
    assert outcome(**changes) == expected


# Delivered 2025-03-10 14:00 Shanghai; day 30 is 2025-04-09 in Shanghai.
@pytest.mark.parametrize("requested_at, expected", [
    pytest.param("2025-04-09T15:59:59Z", "return_refund", id="RE1-day-30-utc-late-evening"),
    pytest.param("2025-04-09T16:00:00Z", "manual_review", id="RE1-utc-still-day-30-but-day-31-in-shanghai"),
    pytest.param("2025-04-09T23:59:59", "return_refund", id="RE1-naive-is-shanghai-day-30"),
    pytest.param("2025-04-10T00:00:00+08:00", "manual_review", id="RE1-day-31-midnight"),
])
def test_return_window_in_shanghai_dates(requested_at, expected):
    assert outcome(requested_at=requested_at) == expected


def test_shipped_not_delivered_changed_mind_customer_pays():
    d = decide(case(delivered_at=None, requested_at="2025-03-06T10:00:00+08:00"))
    assert (d.outcome.value, d.freight_payer.value, [c.id for c in d.clauses][:1]) == ("return_refund", "customer", ["F1"])


# Electronics delivered 2025-11-30: 3 months clamp to 2026-02-28.
@pytest.mark.parametrize("requested_at, category, correct_use, expected", [
    pytest.param("2026-02-28T20:00:00+08:00", "electronics", True, "return_refund", id="A1-clamped-last-day"),
    pytest.param("2026-03-01T00:00:00+08:00", "electronics", True, "manual_review", id="A1-day-after-clamp"),
    pytest.param("2026-02-28T20:00:00+08:00", "apparel", True, "manual_review", id="A1-not-electronics"),
    pytest.param("2026-02-28T20:00:00+08:00", "electronics", False, "manual_review", id="A1-misused"),
    pytest.param("2025-12-30T20:00:00+08:00", "apparel", False, "return_refund", id="RE2-day-30-any-category"),
])
def test_warranty_months_with_month_end_clamp(requested_at, category, correct_use, expected):
    got = outcome(reason="faulty", category=category, correct_use=correct_use,
                  placed_at="2025-11-25T10:00:00+08:00", shipped_at="2025-11-26T10:00:00+08:00",
                  delivered_at="2025-11-30T10:00:00+08:00", requested_at=requested_at)
    assert got == expected


@pytest.mark.parametrize("changes, expected, freight", [
    pytest.param(dict(promised_delivery_at="2025-03-10T13:59:59+08:00"), "return_refund", "merchant",
                 id="delayed-delivered-one-second-late"),
    pytest.param(dict(promised_delivery_at="2025-03-10T14:00:00+08:00"), "return_refund", "customer",
                 id="delayed-delivered-on-time-is-changed-mind"),
    pytest.param(dict(promised_delivery_at=None), "return_refund", "customer", id="delayed-no-promise"),
    pytest.param(dict(delivered_at=None, promised_delivery_at="2025-03-08T00:00:00+08:00"), "return_refund",
                 "merchant", id="delayed-still-undelivered-past-promise"),
])
def test_delayed_shipping(changes, expected, freight):
    d = decide(case(reason="delayed_shipping", **changes))
    assert (d.outcome.value, d.freight_payer.value) == (expected, freight)


@pytest.mark.parametrize("changes, expected, missing", [
    pytest.param(dict(reason="damaged", provided=["order_number", "shipping_address"]), "needs_info", ["media"],
                 id="RE3-delivered-needs-media"),
    pytest.param(dict(reason="changed_mind", delivered_at=None, provided=["order_number", "shipping_address"]),
                 "return_refund", [], id="RE3-before-delivery-media-not-needed"),
    pytest.param(dict(reason="changed_mind", delivered_at=None, provided=[]), "needs_info",
                 ["order_number", "shipping_address"], id="RE3-before-delivery-needs-two"),
    pytest.param(dict(reason="slight_defect", provided=["order_number", "shipping_address"]), "needs_info",
                 ["media"], id="RF1-partial-needs-media"),
    pytest.param(dict(reason="carrier_delay", provided=["media"]), "partial_refund", [],
                 id="RF1-partial-needs-only-media"),
    pytest.param(dict(reason="lost_in_transit", delivered_at=None, provided=["order_number"]), "needs_info",
                 ["shipping_address"], id="lost-needs-address"),
    pytest.param(dict(reason="lost_in_transit", delivered_at=None, provided=["order_number", "shipping_address"]),
                 "full_refund", [], id="lost-full-refund-without-media"),
])
def test_missing_information(changes, expected, missing):
    d = decide(case(**changes)).to_dict()
    assert (d["outcome"], d["missing"]) == (expected, missing)


@pytest.mark.parametrize("reason, expected", [
    pytest.param("changed_mind", "rejected", id="N1-changed-mind"),
    pytest.param("damaged", "rejected", id="N1-damaged"),
    pytest.param("lost_in_transit", "full_refund", id="N1-not-for-lost"),
    pytest.param("missing_accessory", "partial_refund", id="N1-not-for-partial"),
])
def test_no_prior_contact(reason, expected):
    assert outcome(reason=reason, prior_contact=False) == expected


@pytest.mark.parametrize("amount, reason, expected", [
    pytest.param("123.45", "carrier_delay", "12.35", id="half-up-12.345"),
    pytest.param("0.05", "slight_defect", "0.01", id="half-up-0.0075"),
    pytest.param("0.03", "slight_defect", "0.00", id="rounds-down-0.0045"),
    pytest.param("99.99", "missing_accessory", "20.00", id="missing-accessory-20pct"),
    pytest.param("0", "missing_accessory", "0.00", id="zero-amount"),
])
def test_partial_refund_money(amount, reason, expected):
    d = decide(case(order_amount=amount, reason=reason))
    assert str(d.refund.amount) == expected


def test_exchange_refunds_nothing_and_ships_replacement():
    d = decide(case(request="exchange", reason="damaged", replied_at="2025-03-12T15:00:00+08:00",
                    return_received_at="2025-03-20T10:00:00+08:00", freight_claimed_at="2025-03-20T10:00:00+08:00"))
    got = d.to_dict()
    assert (got["outcome"], got["refund"]["kind"], got["freight_payer"]) == ("exchange", "none", "merchant")
    assert got["deadlines"]["replacement_ship_by"] == "2025-03-21T23:59:59+08:00"
    assert got["deadlines"]["customer_ship_by"] == "2025-03-17T23:59:59+08:00"
    assert got["deadlines"]["freight_reimburse_by"] == "2025-03-31T23:59:59+08:00"
    assert "refund_by" not in got["deadlines"]
    assert got["clauses"] == ["RE2", "F2", "A1", "F3", "RP1", "RP2", "RP3"]


def test_return_refund_after_arrival():
    got = decide(case(return_received_at="2025-03-21T18:00:00+08:00")).to_dict()
    assert got["deadlines"]["refund_by"] == "2025-03-24T23:59:59+08:00"  # Friday -> Monday


def test_refund_status():
    got = decide(case(request="refund_status", reason=None, requested_at="2025-09-26T10:00:00+08:00")).to_dict()
    assert got["outcome"] == "status_update"
    assert got["deadlines"]["status_update_by"] == "2025-09-28T23:59:59+08:00"  # make-up Sunday
    assert got["clauses"] == ["RF3"]


# "Within N working days": the end of the N-th working day strictly after the local date.
@pytest.mark.parametrize("requested_at, reply_by", [
    pytest.param("2025-01-24T15:00:00+08:00", "2025-02-05T23:59:59+08:00", id="spring-festival-via-makeup-sunday"),
    pytest.param("2025-01-27T09:00:00+08:00", "2025-02-07T23:59:59+08:00", id="spring-festival-eve-request"),
    pytest.param("2025-02-06T09:00:00+08:00", "2025-02-10T23:59:59+08:00", id="makeup-saturday-counts"),
    pytest.param("2025-09-30T09:00:00+08:00", "2025-10-11T23:59:59+08:00", id="national-day-into-makeup-saturday"),
    pytest.param("2025-10-01T12:00:00+08:00", "2025-10-11T23:59:59+08:00", id="request-on-national-day"),
    pytest.param("2025-03-07T12:00:00+08:00", "2025-03-12T23:59:59+08:00", id="womens-day-half-day-not-a-holiday"),
    pytest.param("2025-04-09T15:59:59Z", "2025-04-14T23:59:59+08:00", id="utc-evening-is-shanghai-same-day"),
    pytest.param("2025-04-09T16:00:00Z", "2025-04-15T23:59:59+08:00", id="utc-evening-is-shanghai-next-day"),
    pytest.param("2026-02-13T10:00:00+08:00", "2026-02-25T23:59:59+08:00", id="spring-festival-2026-makeup-saturday"),
])
def test_reply_deadline_in_working_days(requested_at, reply_by):
    delivered_early = dict(placed_at="2025-01-02T09:00:00+08:00", shipped_at="2025-01-03T09:00:00+08:00",
                           delivered_at="2025-01-06T09:00:00+08:00")
    got = decide(case(reason="damaged", requested_at=requested_at, **delivered_early)).to_dict()
    assert got["deadlines"]["reply_by"] == reply_by


# P1: 48 hours that run only on working days (policy-spec section 2).
PROCESSING_CASES = [
    pytest.param("2025-01-24T10:00:00+08:00", "non_working_days", "2025-01-27T10:00:00+08:00", id="spec-example-makeup-sunday"),
    pytest.param("2025-03-08T10:00:00+08:00", "non_working_days", "2025-03-12T00:00:00+08:00", id="placed-saturday-midnight-after-tuesday"),
    pytest.param("2025-03-03T00:00:00+08:00", "non_working_days", "2025-03-05T00:00:00+08:00", id="monday-midnight-exact-48h"),
    pytest.param("2025-02-07T10:00:00+08:00", "non_working_days", "2025-02-10T10:00:00+08:00", id="makeup-saturday-counts"),
    pytest.param("2025-10-01T10:00:00+08:00", "non_working_days", "2025-10-11T00:00:00+08:00", id="placed-on-national-day"),
    pytest.param("2025-10-01T10:00:00+08:00", "public_holidays", "2025-10-06T00:00:00+08:00", id="weekend-counts-when-only-holidays-pause"),
    pytest.param("2025-10-01T10:00:00+08:00", "nothing", "2025-10-03T10:00:00+08:00", id="plain-48-hours"),
    pytest.param("2025-09-30T23:00:00+08:00", "non_working_days", "2025-10-10T23:00:00+08:00", id="one-hour-before-national-day"),
    pytest.param("2025-01-24T02:00:00Z", "non_working_days", "2025-01-27T10:00:00+08:00", id="utc-input"),
]


@pytest.mark.parametrize("placed_at, pause_on, ship_by", PROCESSING_CASES)
def test_processing_deadline(placed_at, pause_on, ship_by):
    policy = load_policy().replace({"processing.pause_on": pause_on})
    got = decide(case(placed_at=placed_at, shipped_at=None, delivered_at=None, request="refund_status",
                      reason=None, requested_at="2025-10-20T10:00:00+08:00"), policy).to_dict()
    assert got["deadlines"]["ship_by"] == ship_by


@pytest.mark.parametrize("placed_at, pause_on, ship_by", PROCESSING_CASES)
def test_processing_deadline_from_integers(placed_at, pause_on, ship_by):
    """ship_by_us (UTC microseconds in and out, for the data layer's millions of orders) gives
    what decide gives; the int64 minimum stays "unknown"."""
    import numpy as np
    import pandas as pd

    from policy import ship_by_us

    policy = load_policy().replace({"processing.pause_on": pause_on})
    unknown = np.iinfo(np.int64).min
    placed = pd.Timestamp(placed_at).value // 1000  # .value is nanoseconds, whatever the unit
    got = ship_by_us(np.array([placed, unknown], np.int64), policy)
    assert pd.Timestamp(int(got[0]), unit="us", tz="UTC") == pd.Timestamp(ship_by)
    assert got[1] == unknown


def test_processing_deadline_from_integers_in_a_zone_with_dst():
    """Europe/Berlin: instants on both sides of the 2025 clock changes, as integers and as
    timestamps, give the same deadlines."""
    import numpy as np
    import pandas as pd

    from policy import ship_by_frame, ship_by_us

    policy = load_policy().replace({"calendar.country": "DE", "calendar.timezone": "Europe/Berlin"})
    instants = pd.Series(pd.to_datetime([
        "2025-03-28T22:30:00Z", "2025-03-30T00:59:59Z", "2025-03-30T01:00:00Z", "2025-03-30T02:30:00Z",
        "2025-10-24T23:00:00Z", "2025-10-26T00:30:00Z", "2025-10-26T01:30:00Z", "2025-12-24T12:00:00Z",
    ], utc=True))
    as_us = np.asarray(instants.dt.as_unit("us").array.asi8, np.int64)
    want = ship_by_frame(instants.dt.tz_convert("Europe/Berlin"), policy)
    got = pd.Series(pd.to_datetime(ship_by_us(as_us, policy), unit="us", utc=True))
    assert (got == want.dt.tz_convert("UTC")).all(), pd.DataFrame({"got": got, "want": want})


@pytest.mark.parametrize("requested_at, estimate", [
    pytest.param("2026-12-20T10:00:00+08:00", False, id="2026-official"),
    pytest.param("2026-12-31T10:00:00+08:00", True, id="deadline-runs-into-2027"),
    pytest.param("2027-03-01T10:00:00+08:00", True, id="2027-estimate"),
])
def test_calendar_estimate_warning(requested_at, estimate):
    d = decide(case(placed_at="2026-12-01T10:00:00+08:00", shipped_at=None, delivered_at=None,
                    request="refund_status", reason=None, requested_at=requested_at))
    assert any("estimate" in w for w in d.warnings) == estimate


def test_policy_parameters_change_the_answer():
    policy = load_policy().replace({"returns.window_days": 45, "working_days.reply": 5})
    got = decide(case(requested_at="2025-04-20T10:00:00+08:00"), policy).to_dict()
    assert got["outcome"] == "return_refund"
    assert got["deadlines"]["return_window_ends"] == "2025-04-24T23:59:59+08:00"


def test_processing_deadline_from_integers_outside_the_calendar_years():
    import numpy as np
    import pandas as pd

    from policy import CaseError, ship_by_us

    ok, too_early = (pd.Timestamp(t).value // 1000 for t in ("2025-03-03T09:00Z", "1999-12-31T09:00Z"))
    with pytest.raises(CaseError) as err:
        ship_by_us(np.array([ok, too_early], np.int64), load_policy())
    assert err.value.field == "placed_at" and "row 1" in str(err.value)


# F1/F2 from the policy's return_freight: each payer of each kind of returning reason, with the
# clause it is cited as, other costs (F3) and the reimbursement deadline that follow it.
FREIGHT_DELIVERED = dict(placed_at="2025-03-03T09:00:00+08:00", shipped_at="2025-03-04T09:00:00+08:00",
                         delivered_at="2025-03-10T14:00:00+08:00", requested_at="2025-03-12T10:00:00+08:00",
                         freight_claimed_at="2025-03-20T10:00:00+08:00")


@pytest.mark.parametrize("reason, payer, clauses, other, reimbursed", [
    pytest.param("changed_mind", "customer", ["RE1", "F1", "F3", "RP1"], "negotiated", False, id="changed-mind-default-F1"),
    pytest.param("changed_mind", "merchant", ["RE1", "F2", "F3", "RP1"], "merchant", True, id="changed-mind-store-pays-F2"),
    pytest.param("dirty", "merchant", ["RE2", "F2", "F3", "RP1"], "merchant", True, id="dirty-default-F2"),
    pytest.param("dirty", "customer", ["RE2", "F1", "F3", "RP1"], "negotiated", False, id="dirty-customer-pays-F1"),
    pytest.param("damaged", "customer", ["RE2", "F1", "A1", "F3", "RP1"], "negotiated", False, id="damaged-customer-pays-F1"),
])
def test_return_freight_follows_the_policy(reason, payer, clauses, other, reimbursed):
    policy = load_policy().replace({f"return_freight.{reason}": payer})
    d = decide(case(reason=reason, **FREIGHT_DELIVERED), policy)
    assert (d.outcome.value, d.freight_payer.value, d.other_costs_payer.value) == ("return_refund", payer, other)
    assert [c.id for c in d.clauses] == clauses
    assert ("freight_reimburse_by" in d.deadlines) == reimbursed


@pytest.mark.parametrize("payer, freight", [
    pytest.param("merchant", "merchant", id="late-default-store-pays"),
    pytest.param("customer", "customer", id="late-customer-pays"),
])
def test_late_delivery_freight_follows_the_policy(payer, freight):
    policy = load_policy().replace({"return_freight.delayed_shipping": payer})
    d = decide(case(reason="delayed_shipping", promised_delivery_at="2025-03-10T13:59:59+08:00"), policy)
    assert d.freight_payer.value == freight


# RE3/RF1 from the policy's pictures_required: asked for or waived per reason, before and after delivery.
@pytest.mark.parametrize("reason, required, changes, expected, missing", [
    pytest.param("changed_mind", True, {}, "needs_info", ["media"], id="delivered-own-reason-pictures-asked"),
    pytest.param("changed_mind", False, {}, "return_refund", [], id="delivered-own-reason-pictures-waived"),
    pytest.param("dirty", False, {"provided": ["order_number"]}, "needs_info", ["shipping_address"],
                 id="waived-pictures-still-need-the-address"),
    pytest.param("changed_mind", True, {"delivered_at": None, "requested_at": "2025-03-06T10:00:00+08:00"},
                 "return_refund", [], id="before-delivery-no-pictures-either-way"),
    pytest.param("slight_defect", True, {}, "needs_info", ["media"], id="partial-pictures-asked"),
    pytest.param("slight_defect", False, {}, "partial_refund", [], id="partial-pictures-waived"),
])
def test_pictures_required_follows_the_policy(reason, required, changes, expected, missing):
    policy = load_policy().replace({f"pictures_required.{reason}": required})
    provided = changes.pop("provided", ["order_number", "shipping_address"])
    d = decide(case(reason=reason, provided=provided, **changes), policy)
    assert (d.outcome.value, [m.value for m in d.missing]) == (expected, missing)


def test_a_partial_refund_without_pictures_counts_from_the_request():
    policy = load_policy().replace({"pictures_required.slight_defect": False})
    d = decide(case(reason="slight_defect", provided=["order_number"], requested_at="2025-06-05T10:00:00+08:00",
                    placed_at="2025-05-28T10:00:00+08:00", shipped_at="2025-05-29T10:00:00+08:00",
                    delivered_at="2025-06-02T10:00:00+08:00"), policy)
    assert d.deadlines["refund_by"].isoformat() == "2025-06-09T23:59:59+08:00"  # Fri 06-06, Mon 06-09
