"""Property: ``decide_frame`` gives, row for row, what ``decide`` gives for each case.

Cases are drawn around the boundaries that matter (24 h, day 30, promised delivery, month
ends, Spring Festival and National Day, daylight-saving gaps and repeats), for every request
and reason, under random policies, in every input shape both engines take: typed or text
timestamp columns (with an offset, naive, or both mixed; blank cells), a CSV written and read
back with pandas, ``provided`` as lists or as has_* booleans, amounts as floats with many
decimals, text or Decimal.
"""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policy import CaseError, decide, decide_frame, load_policy
from policy.decision import DEADLINE_NAMES, Reason, Request

ZONES = [ZoneInfo("Asia/Shanghai"), ZoneInfo("UTC"), ZoneInfo("America/Los_Angeles"), ZoneInfo("Asia/Tokyo")]
SH = ZoneInfo("Asia/Shanghai")
ANCHORS = [t.replace(tzinfo=SH) for t in (
    dt.datetime(2025, 1, 24, 10), dt.datetime(2025, 9, 28, 23), dt.datetime(2025, 11, 30, 12),
    dt.datetime(2026, 2, 13, 18), dt.datetime(2024, 12, 31, 23, 30), dt.datetime(2026, 12, 30, 9))] + [
    # Clock changes of the DST zones the policies draw: a repeated hour, a gap, a skipped and
    # a repeated midnight.
    dt.datetime(2022, 11, 6, 5, 30, tzinfo=dt.UTC), dt.datetime(2022, 3, 13, 7, 30, tzinfo=dt.UTC),
    dt.datetime(2016, 10, 16, 3, 0, tzinfo=dt.UTC), dt.datetime(2016, 11, 6, 4, 30, tzinfo=dt.UTC),
    dt.datetime(2025, 10, 26, 0, 30, tzinfo=dt.UTC)]
TIMESTAMP_COLUMNS = ("placed_at", "shipped_at", "delivered_at", "promised_delivery_at", "requested_at",
                     "replied_at", "media_received_at", "return_received_at", "freight_claimed_at")
PROVIDED = ("order_number", "shipping_address", "media")
# Amounts past the cent: many decimals, half-cent ties and their float neighbours.
AMOUNTS = st.one_of(
    st.sampled_from([Decimal("1.0049999999"), Decimal("1.005"), Decimal("1.0050000001"), Decimal("2.675"),
                     Decimal("0.125"), Decimal("0.0049999"), Decimal("1.00499999999999999999"),
                     Decimal("9999999999.99"), Decimal("1234.565")]),
    st.decimals(min_value=0, max_value=100000, places=10),
)
OFFSETS = st.one_of(
    st.integers(-3600, 3600),                    # seconds around the anchor
    st.integers(0, 60 * 24 * 120).map(lambda m: m * 60),  # any minute of four months
    st.sampled_from([86400 * k + s for k in (1, 29, 30, 31, 89, 92) for s in (-1, 0, 1)]),
)


@st.composite
def instants(draw, after=None):
    base = after if after is not None else draw(st.sampled_from(ANCHORS))
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
        "order_amount": draw(st.decimals(min_value=0, max_value=5000, places=3) | AMOUNTS),
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
    # F1/F2: who pays return freight, varied for a customer's own, a product and the late reason.
    "return_freight.changed_mind": st.sampled_from(["customer", "merchant"]),
    "return_freight.faulty": st.sampled_from(["merchant", "customer"]),
    "return_freight.delayed_shipping": st.sampled_from(["merchant", "customer"]),
    # RE3/RF1: pictures waived for a customer's own reason, a product problem and a partial one.
    "pictures_required.changed_mind": st.booleans(),
    "pictures_required.damaged": st.booleans(),
    "pictures_required.slight_defect": st.booleans(),
    "calendar.timezone": st.sampled_from(["Asia/Shanghai", "Asia/Shanghai", "Europe/Berlin", "America/New_York",
                                          "America/Sao_Paulo", "America/Havana"]),
})
# How the batch arrives: timestamps typed, or text with an offset, naive, or mixed row by row;
# amounts as floats, text or Decimal; provided as lists or has_* booleans; through a CSV file.
shapes = st.fixed_dictionaries({
    "times": st.sampled_from(["typed", "text_offset", "text_naive", "text_mixed"]),
    "amount": st.sampled_from(["float", "text", "decimal"]),
    "provided": st.sampled_from(["flags", "lists"]),
    "csv": st.booleans(),
})


def as_single(row: dict) -> dict:
    case = {k: v for k, v in row.items() if not k.startswith("has_")}
    case["provided"] = [name for name in PROVIDED if row[f"has_{name}"]]
    return case


def as_frame(rows: list[dict], zone: str) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for column in TIMESTAMP_COLUMNS:
        frame[column] = pd.to_datetime(frame[column], utc=True).dt.tz_convert(zone)
    frame["order_amount"] = frame["order_amount"].astype(float)
    return frame


def in_shape(rows: list[dict], zone: str, shape: dict, mixed: list[bool]) -> tuple[pd.DataFrame, list[dict]]:
    """The batch in ``shape`` and, row by row, the same cells as ``decide`` gets them."""
    cells = []
    for row, mix in zip(rows, mixed):
        cell = dict(row)
        if shape["times"] != "typed" or shape["csv"]:
            for column in TIMESTAMP_COLUMNS:
                cell[column] = _timestamp_text(row[column], zone, shape["times"], mix)
        cells.append(cell)
    for cell in cells:
        cell["order_amount"] = {"float": float, "text": str, "decimal": lambda d: d}[shape["amount"]](cell["order_amount"])
        if shape["provided"] == "lists":
            given_items = [name for name in PROVIDED if cell.pop(f"has_{name}")]
            # None: not given (all three), as decide reads an absent provided
            cell["provided"] = None if len(given_items) == 3 and cell["case_id"].endswith("0") else given_items
    frame = pd.DataFrame(cells)
    if shape["times"] == "typed":
        for column in TIMESTAMP_COLUMNS:
            frame[column] = pd.to_datetime(frame[column], utc=True).dt.tz_convert(zone)
    if shape["csv"] and shape["provided"] == "flags":  # lists do not survive a CSV file
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False)
        frame = pd.read_csv(io.StringIO(buffer.getvalue()), dtype={"case_id": str, "order_id": str})
        cells = frame.to_dict("records")
    singles = []
    for cell in cells:
        case = {k: v for k, v in cell.items() if not k.startswith("has_")}
        if "has_media" in cell:
            case["provided"] = [name for name in PROVIDED if cell[f"has_{name}"]]
        elif case.get("provided") is None:
            case.pop("provided", None)
        singles.append(case)
    return frame, singles


def _timestamp_text(moment, zone: str, how: str, mix: bool):
    if moment is None:
        return None
    if how == "text_naive" or (how == "text_mixed" and mix):
        return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None).isoformat(sep=" ")
    return moment.isoformat()


def assert_rows_equal(frame: pd.DataFrame, singles: list[dict], policy) -> None:
    for case, (_, got) in zip(singles, frame.iterrows()):
        want = decide(case, policy)
        assert got["outcome"] == want.outcome.value, case
        assert got["refund_kind"] == want.refund.kind.value
        assert Decimal(got["refund_amount"]) == want.refund.amount, case
        assert got["currency"] == want.refund.currency
        assert got["freight_payer"] == want.freight_payer.value
        assert got["other_costs_payer"] == want.other_costs_payer.value
        assert got["missing"] == ",".join(m.value for m in want.missing)
        for name in DEADLINE_NAMES:
            expected = want.deadlines.get(name)
            if expected is None:
                assert pd.isna(got[name]), (name, got[name])
            else:
                assert got[name] == pd.Timestamp(expected), (name, got[name], expected, case)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.integers(1, 12).flatmap(lambda n: st.tuples(*[cases(i) for i in range(n)])),
       overrides=policies, shape=shapes, mixed=st.lists(st.booleans(), min_size=12, max_size=12))
def test_decide_frame_equals_decide(rows, overrides, shape, mixed):
    policy = load_policy().replace(overrides)
    frame, singles = in_shape(list(rows), policy.calendar.timezone, shape, mixed)
    assert_rows_equal(decide_frame(frame, policy), singles, policy)


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


# --- input shapes, one edge at a time ------------------------------------------------------

BASE = {"case_id": "S", "order_id": "O", "order_amount": 80.0, "category": "apparel", "request": "refund",
        "reason": "changed_mind", "placed_at": "2025-06-01 10:00", "shipped_at": "2025-06-02 10:00",
        "delivered_at": "2025-06-05 10:00", "requested_at": "2025-06-10 10:00"}

AMOUNTS_TABLE = [
    # (id, cell as the batch has it, refund decide and decide_frame both give)
    ("float-below-half-cent-10-decimals", 1.0049999999, "1.00"),
    ("float-half-cent", 1.005, "1.01"),
    ("float-above-half-cent", 1.0050000001, "1.01"),
    ("float-2.675-written-as-such", 2.675, "2.68"),
    ("float-0.125", 0.125, "0.13"),
    ("float-just-below-half-a-cent", 0.0049999, "0.00"),
    ("text-below-half-cent-20-decimals", "1.00499999999999999999", "1.00"),
    ("text-half-cent", "1.005", "1.01"),
    ("text-with-spaces", " 12.5 ", "12.50"),
    ("decimal-half-cent", Decimal("1.005"), "1.01"),
    ("int", 7, "7.00"),
    ("largest", 9999999999.99, "9999999999.99"),
]


@pytest.mark.parametrize("cell,refund", [a[1:] for a in AMOUNTS_TABLE], ids=[a[0] for a in AMOUNTS_TABLE])
def test_amounts_round_as_decide_rounds(cell, refund):
    """A return within 30 days refunds the whole amount: the refund shows the amount as read."""
    case = {**BASE, "order_amount": cell}
    assert str(decide(case).refund.amount) == refund
    frame = decide_frame(pd.DataFrame([case]))
    assert str(Decimal(frame["refund_amount"][0])) == refund
    mixed = decide_frame(pd.DataFrame([case, {**BASE, "order_amount": "3"}]))  # an object column
    assert str(Decimal(mixed["refund_amount"][0])) == refund


PROVIDED_TABLE = [
    # (id, provided cell, outcome, missing)
    ("damaged-only-order-number", ["order_number"], "needs_info", "shipping_address,media"),
    ("damaged-all-but-media", ["order_number", "shipping_address"], "needs_info", "media"),
    ("damaged-all-three", ["order_number", "shipping_address", "media"], "return_refund", ""),
    ("damaged-none-given", [], "needs_info", "order_number,shipping_address,media"),
    ("damaged-tuple", ("media", "order_number", "shipping_address"), "return_refund", ""),
    ("damaged-numpy-array", np.array(["order_number", "shipping_address", "media"]), "return_refund", ""),
    ("blank-cell-means-all-three", None, "return_refund", ""),
]


@pytest.mark.parametrize("cell,outcome,missing", [p[1:] for p in PROVIDED_TABLE], ids=[p[0] for p in PROVIDED_TABLE])
def test_provided_column_is_read_as_decide_reads_it(cell, outcome, missing):
    case = {**BASE, "reason": "damaged"}
    single = case if cell is None else {**case, "provided": list(cell)}
    want = decide(single)
    assert (want.outcome.value, ",".join(m.value for m in want.missing)) == (outcome, missing)
    other = {**case, "case_id": "T", "provided": ["order_number"]}  # an object column of lists
    frame = decide_frame(pd.DataFrame([{**case, "provided": cell}, other]))
    assert (frame["outcome"][0], frame["missing"][0]) == (outcome, missing)
    assert (frame["outcome"][1], frame["missing"][1]) == ("needs_info", "shipping_address,media")


REFUSED = [
    # (id, extra columns or changes, the field the error names, words of its reason)
    ("one-unknown-column", {"agent": ["ana"]}, "agent", "unknown column"),
    ("two-unknown-columns", {"zeta": [1], "agent": ["ana"]}, "agent, zeta", "unknown columns"),
    ("provided-and-has-media", {"provided": [["media"]], "has_media": [True]}, "provided", "not both"),
    ("provided-as-text", {"provided": ["order_number,media"]}, "provided", "row 0: must be a list"),
    ("provided-unknown-item", {"provided": [["invoice"]]}, "provided", "row 0: unknown item 'invoice'"),
    ("provided-nested-list", {"provided": [[["media"]]]}, "provided", "row 0: unknown item ['media']"),
    ("timestamp-a-number", {"placed_at": [20250601]}, "placed_at", "row 0: must be a timestamp, not int"),
    ("timestamp-not-iso", {"placed_at": ["01/06/2025"]}, "placed_at", "row 0: not an ISO 8601 timestamp"),
    ("amount-text", {"order_amount": ["ten"]}, "order_amount", "row 0: must be a number"),
]


@pytest.mark.parametrize("change,field,words", [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_refused_batches_name_the_column(change, field, words):
    frame = pd.DataFrame([BASE]).assign(**{k: pd.Series(v, dtype=object) for k, v in change.items()})
    with pytest.raises(CaseError) as error:
        decide_frame(frame)
    assert error.value.field == field and words in error.value.reason, str(error.value)


def test_has_columns_are_known_and_provided_alone_is_known():
    for extra in ({"has_media": [False]}, {"provided": [["media"]]}):
        decide_frame(pd.DataFrame([BASE]).assign(**{k: pd.Series(v, dtype=object) for k, v in extra.items()}))


CSV_SHAPES = [
    # (id, CSV text of the timestamp cells placed_at / delivered_at / requested_at, policy zone)
    ("blank-delivered-cell", "2025-06-01 10:00,,2025-06-10 10:00", "Asia/Shanghai"),
    ("blank-and-offset", "2025-06-01T10:00:00+08:00,,2025-06-10T02:00:00Z", "Asia/Shanghai"),
    ("naive-and-offset-mixed-new-york", "2022-11-06 01:30,2022-11-06T01:30:00-05:00,2022-11-07 09:00",
     "America/New_York"),
    ("skipped-hour-new-york", "2022-03-13 02:30,,2022-03-13 02:45", "America/New_York"),
    ("repeated-midnight-havana", "2016-11-06 00:30,2016-11-06T00:30:00-05:00,2016-11-08 00:30",
     "America/Havana"),
    ("skipped-midnight-sao-paulo", "2016-10-16 00:00,2016-10-15 23:59:59,2016-10-16 00:59:59",
     "America/Sao_Paulo"),
]


@pytest.mark.parametrize("cells,zone", [c[1:] for c in CSV_SHAPES], ids=[c[0] for c in CSV_SHAPES])
def test_a_csv_read_with_pandas_equals_decide_row_by_row(cells, zone):
    text = ("case_id,order_id,order_amount,request,reason,placed_at,delivered_at,requested_at\n"
            f"A,O1,10.005,refund,changed_mind,{cells}\n"
            f"B,O2,20,cancel,,{cells}\n"
            "C,O3,30,refund_status,,2025-01-01 10:00,,2025-01-02 10:00\n")
    frame = pd.read_csv(io.StringIO(text))
    policy = load_policy().replace({"calendar.timezone": zone})
    singles = [{k: v for k, v in row.items() if not (isinstance(v, float) and v != v)} for row in frame.to_dict("records")]
    assert_rows_equal(decide_frame(frame, policy), singles, policy)


def test_numeric_ids_from_a_csv_come_out_as_text():
    frame = pd.read_csv(io.StringIO("case_id,order_id,order_amount,request,requested_at\n"
                                    "17,4021,10,refund_status,2025-01-01 10:00\n"))
    row = frame.to_dict("records")[0]
    assert decide_frame(frame)["case_id"][0] == decide(row).case_id == "17"
