"""The bulk engine: ``decide_frame`` applies the rules of policy-spec section 3 to a table.

It mirrors ``policy.rules`` step by step with numpy masks instead of branches (no per-row
Python), and takes every deadline from ``policy.deadlines``, the code ``decide`` uses too.
A property test (tests/test_bulk_matches_single.py) checks the two agree on random cases.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pyarrow as pa

from policy import deadlines as dl
from policy.calendar import DAY_US, WorkingCalendar, calendar_for
from policy.case import KNOWN_FIELDS, CaseError, amount_value, provided_value, timestamp_value
from policy.catalog import Deadline
from policy.decision import (
    DEADLINE_NAMES,
    OWN_REASONS,
    PARTIAL_REASONS,
    PRODUCT_PROBLEMS,
    RETURNING_REASONS,
    FreightPayer,
    OtherCostsPayer,
    Outcome,
    Provided,
    Reason,
    RefundKind,
    Request,
)
from policy.params import Policy, default_policy

_NAT = np.iinfo(np.int64).min
_REQUESTS = list(Request)
_REASONS = list(Reason)
_OUTCOMES = list(Outcome)
# The text each output code stands for (``DecidedArrays``).
OUTCOME_TEXT = tuple(o.value for o in _OUTCOMES)
REFUND_KIND_TEXT = tuple(k.value for k in RefundKind)
FREIGHT_PAYER_TEXT = tuple(p.value for p in FreightPayer)
OTHER_COSTS_PAYER_TEXT = tuple(p.value for p in OtherCostsPayer)
# Every combination of (order_number, shipping_address, media) missing, as the output text.
MISSING_TEXT = tuple(",".join(name for bit, name in zip((1, 2, 4), ("order_number", "shipping_address", "media"))
                              if code & bit) for code in range(8))
_PROVIDED_FLAGS = {Provided.ORDER_NUMBER: "has_order_number", Provided.SHIPPING_ADDRESS: "has_shipping_address",
                   Provided.MEDIA: "has_media"}
_FLAGS = ("prior_contact", "correct_use")
KNOWN_COLUMNS = KNOWN_FIELDS | set(_PROVIDED_FLAGS.values())
_OPTIONAL_TIMES = ("placed_at", "shipped_at", "delivered_at", "promised_delivery_at", "replied_at",
                   "media_received_at", "return_received_at", "freight_claimed_at")
_EPOCH_DT = dt.datetime(1970, 1, 1)
_EPOCH_UTC = _EPOCH_DT.replace(tzinfo=dt.UTC)
_ONE_US = dt.timedelta(microseconds=1)
_FIRST_US = (np.datetime64("2000-01-01", "us") - np.datetime64("1970-01-01", "us")).astype(np.int64)
_END_US = (np.datetime64("2070-01-01", "us") - np.datetime64("1970-01-01", "us")).astype(np.int64)


def _codes(values: list) -> dict:
    return {v: i for i, v in enumerate(values)}


_OUT = _codes(_OUTCOMES)
_RSN = _codes(_REASONS)


@dataclass(frozen=True)
class _Times:
    """One timestamp column: UTC and local wall-clock microseconds, and where it is known."""

    utc: np.ndarray
    local: np.ndarray
    known: np.ndarray

    @property
    def day(self) -> np.ndarray:
        return np.floor_divide(self.local, DAY_US)


@dataclass(frozen=True)
class DecidedArrays:
    """``decide_frame``'s answer before it becomes a DataFrame: one entry per case, in order.

    The text fields are codes into the tuples beside them (``outcome`` into ``OUTCOME_TEXT``,
    ``refund_kind`` into ``REFUND_KIND_TEXT``, the payers into ``FREIGHT_PAYER_TEXT`` and
    ``OTHER_COSTS_PAYER_TEXT``, ``missing`` into ``MISSING_TEXT``), the refund is exact whole
    cents, and each deadline (``DEADLINE_NAMES``) is UTC microseconds since the epoch, the
    minimum int64 where it does not apply. For a caller holding millions of cases as arrays
    (the data layer): no zone-aware pandas columns built and taken apart again."""

    case_id: object  # the input's ids, as decide gives them (text)
    outcome: np.ndarray
    refund_kind: np.ndarray
    refund_cents: np.ndarray
    currency: pd.Categorical
    freight_payer: np.ndarray
    other_costs_payer: np.ndarray
    missing: np.ndarray
    deadlines: dict  # name -> int64 UTC microseconds


def decide_frame(cases: pd.DataFrame, policy: Policy | None = None) -> pd.DataFrame:
    """Decide every row of ``cases``; returns one row per case, in the same order.

    Columns in: the contract's case fields, in any shape ``decide`` takes for one case: text
    or typed timestamps (naive ones read by ``policy.localtime``'s rule, blank cells unknown,
    naive and offset times mixed), amounts as numbers or text (rounded half up as Decimal),
    ``provided`` as lists (a blank cell: all three) or as the booleans ``has_order_number``,
    ``has_shipping_address``, ``has_media`` (true when absent). Any other column is refused.
    Columns out: case_id, outcome, refund_kind, refund_amount (exact decimal), currency,
    freight_payer, other_costs_payer, missing (comma-separated, '' for none) and one
    timezone-aware column per deadline, NaT where it does not apply.
    Raises ``CaseError`` naming the column (and first bad row) for input it cannot read.
    """
    policy = policy or default_policy()
    arrays = decide_arrays(cases, policy)
    zone = policy.calendar.timezone
    out = pd.DataFrame({
        "case_id": arrays.case_id,
        "outcome": pd.Categorical.from_codes(arrays.outcome, OUTCOME_TEXT),
        "refund_kind": pd.Categorical.from_codes(arrays.refund_kind, REFUND_KIND_TEXT),
        "refund_amount": _decimal_series(arrays.refund_cents),
        "currency": arrays.currency,
        "freight_payer": pd.Categorical.from_codes(arrays.freight_payer, FREIGHT_PAYER_TEXT),
        "other_costs_payer": pd.Categorical.from_codes(arrays.other_costs_payer, OTHER_COSTS_PAYER_TEXT),
        "missing": pd.Categorical.from_codes(arrays.missing, MISSING_TEXT),
        **{name: _aware(arrays.deadlines[name], zone) for name in DEADLINE_NAMES},
    })
    out.index = cases.index
    return out


def decide_arrays(cases: pd.DataFrame, policy: Policy | None = None) -> DecidedArrays:
    """``decide_frame``'s rules (policy-spec section 3: C1, N1, RE3, RF1, F1-F3, the
    deadlines of every clause) on ``cases``, answered as arrays (``DecidedArrays``); the same
    input and the same ``CaseError``s as ``decide_frame``."""
    policy = policy or default_policy()
    cal = calendar_for(policy.calendar)
    n = len(cases)
    p = policy
    _refuse_unknown_columns(cases)

    request = _enum_codes(cases, "request", _REQUESTS, required=np.ones(n, bool))
    is_status = request == _REQUESTS.index(Request.REFUND_STATUS)
    needs_reason = np.isin(request, [_REQUESTS.index(Request.REFUND), _REQUESTS.index(Request.EXCHANGE)])
    reason = _enum_codes(cases, "reason", _REASONS, required=needs_reason)
    _require_text(cases, "order_id")
    cents = _cents(cases)
    flags = {name: _flag(cases, name) for name in _FLAGS} | _provided_flags(cases)
    req = _times(cases, "requested_at", cal, required=True)
    t = {name: _times(cases, name, cal) for name in _OPTIONAL_TIMES}
    placed, shipped, delivered_t = t["placed_at"], t["shipped_at"], t["delivered_at"]

    # Rule 2 (C1): before delivery, and unshipped or within the free hours.
    delivered = delivered_t.known & (delivered_t.utc <= req.utc)
    shipped_now = shipped.known & (shipped.utc <= req.utc)
    free_us = dl.hours_us(p.cancellation.free_hours)
    within_hours = placed.known & (req.utc <= placed.utc + free_us)
    cancel_free = ~is_status & ~delivered & (~shipped_now | within_hours)
    path = ~is_status & ~cancel_free  # a refund or exchange from here on
    reason = np.where(request == _REQUESTS.index(Request.CANCEL), _RSN[Reason.CHANGED_MIND], reason)

    # Rule 3 (N1).
    rejected = path & ~flags["prior_contact"] & _is(reason, RETURNING_REASONS)

    # Rule 4 (RE3, RF1).
    partial_reason = _is(reason, PARTIAL_REASONS)
    lost = reason == _RSN[Reason.LOST_IN_TRANSIT]
    need_media = (partial_reason | (~lost & delivered)) & _is(reason, p.pictures_required.required())
    missing_code = (np.where(~partial_reason & ~flags["has_order_number"], 1, 0)
                    + np.where(~partial_reason & ~flags["has_shipping_address"], 2, 0)
                    + np.where(need_media & ~flags["has_media"], 4, 0))
    needs_info = path & ~rejected & (missing_code > 0)
    decided = path & ~rejected & ~needs_info

    # Rule 5, by reason.
    promised = t["promised_delivery_at"]
    late = promised.known & np.where(delivered, delivered_t.utc > promised.utc, req.utc > promised.utc)
    delayed = reason == _RSN[Reason.DELAYED_SHIPPING]
    reason = np.where(delayed & ~late, _RSN[Reason.CHANGED_MIND], reason)
    late_return = decided & delayed & late
    own = decided & _is(reason, OWN_REASONS)
    product = decided & _is(reason, PRODUCT_PROBLEMS)
    in_window = delivered & (req.day <= delivered_t.day + p.returns.window_days)
    warranty_rows = (delivered & flags["correct_use"] & _category_in(cases, p.warranty.categories)
                     & (reason == _RSN[Reason.FAULTY]))
    in_warranty = _within_months(req, delivered_t, p.warranty.months, warranty_rows)
    own_return = own & (~delivered | in_window)
    product_return = product & ((delivered & in_window) | in_warranty)
    returned = late_return | own_return | product_return
    full_refund = decided & lost
    partial = decided & partial_reason

    exchange = request == _REQUESTS.index(Request.EXCHANGE)
    outcome = np.full(n, _OUT[Outcome.MANUAL_REVIEW], np.int8)
    for mask, value in (
        (is_status, Outcome.STATUS_UPDATE), (cancel_free, Outcome.CANCEL_FREE),
        (rejected, Outcome.REJECTED), (needs_info, Outcome.NEEDS_INFO),
        (returned & ~exchange, Outcome.RETURN_REFUND), (returned & exchange, Outcome.EXCHANGE),
        (full_refund, Outcome.FULL_REFUND), (partial, Outcome.PARTIAL_REFUND),
    ):
        outcome[mask] = _OUT[value]

    # Rule 6 (F1, F2: the policy's return_freight per reason; F3) and the refund.
    merchant = returned & _is(reason, p.return_freight.paid_by(FreightPayer.MERCHANT))
    freight = np.select([merchant, returned], [1, 0], 2)  # index into FREIGHT_PAYER_TEXT
    other = np.select([merchant, returned], [0, 1], 2)    # index into OTHER_COSTS_PAYER_TEXT
    full = cancel_free | full_refund | (returned & ~exchange)
    rate_num, rate_den = _rate_fraction(p, reason)
    partial_cents = (cents * rate_num * 2 + rate_den) // (2 * rate_den)  # half up, exact
    refund_cents = np.select([full, partial], [cents, partial_cents], 0)
    refund_kind = np.select([full, partial], [0, 1], 2)

    # Deadlines (P1, C1, RE1 always; the others as rules 1, 2, 5 and 7 set them).
    wd = p.working_days
    media = t["media_received_at"]
    media_local = np.where(media.known, media.local, req.local)
    receipt = t["return_received_at"]
    out_deadlines = {
        Deadline.SHIP_BY: _at(placed.known, lambda m: dl.processing_deadline(cal, p.processing, placed.local[m], placed.utc[m])),
        Deadline.FREE_CANCEL_UNTIL: np.where(placed.known, placed.utc + free_us, _NAT),
        Deadline.RETURN_WINDOW_ENDS: _at(delivered_t.known, lambda m: dl.end_of_day_after(cal, delivered_t.local[m], p.returns.window_days)),
        Deadline.REPLY_BY: _working(cal, path, req.local, wd.reply),
        Deadline.CUSTOMER_SHIP_BY: _working(cal, returned & t["replied_at"].known, t["replied_at"].local, wd.customer_ship),
        Deadline.REPLACEMENT_SHIP_BY: _working(cal, returned & exchange & receipt.known, receipt.local, wd.replacement),
        Deadline.REFUND_BY: _first(
            _working(cal, cancel_free | full_refund, req.local, wd.refund_receipt),
            _working(cal, partial, media_local, wd.partial_refund),
            _working(cal, returned & ~exchange & receipt.known, receipt.local, wd.refund_after_return),
        ),
        Deadline.FREIGHT_REIMBURSE_BY: _working(cal, merchant & t["freight_claimed_at"].known,
                                         t["freight_claimed_at"].local, wd.freight_reimburse),
        Deadline.STATUS_UPDATE_BY: _working(cal, is_status, req.local, wd.status_update),
    }

    return DecidedArrays(
        case_id=_case_ids(cases), outcome=outcome, refund_kind=refund_kind.astype(np.int8),
        refund_cents=refund_cents.astype(np.int64), currency=_currency(cases, p.money.currency),
        freight_payer=freight.astype(np.int8), other_costs_payer=other.astype(np.int8),
        missing=np.where(needs_info, missing_code, 0).astype(np.int8),
        deadlines={name: out_deadlines[name] for name in DEADLINE_NAMES},
    )


# --- public helpers for the data layer ---------------------------------------------------

def ship_by_frame(placed_at: pd.Series, policy: Policy | None = None) -> pd.Series:
    """P1's processing deadline for every order (NaT where placed_at is unknown)."""
    policy = policy or default_policy()
    cal = calendar_for(policy.calendar)
    placed = _times(pd.DataFrame({"placed_at": placed_at}), "placed_at", cal)
    utc = _at(placed.known, lambda m: dl.processing_deadline(cal, policy.processing, placed.local[m], placed.utc[m]))
    return pd.Series(_aware(utc, policy.calendar.timezone), index=placed_at.index, name="ship_by")


def ship_by_us(placed_utc_us: np.ndarray, policy: Policy | None = None) -> np.ndarray:
    """P1's processing deadline, as ``ship_by_frame`` gives it, for instants held as integers:
    UTC microseconds since the epoch in and out (int64; the minimum int64 is "unknown", in and
    out). For callers that already hold millions of instants as integers (the data layer's
    orders): no conversion to and from pandas timestamps on the way."""
    policy = policy or default_policy()
    cal = calendar_for(policy.calendar)
    utc = np.asarray(placed_utc_us, dtype=np.int64)
    known = utc != _NAT
    local = cal.to_local(np.where(known, utc, 0))
    local = _in_calendar_years(local, known, "placed_at", lambda pos: f"row {pos}")
    return _at(known, lambda m: dl.processing_deadline(cal, policy.processing, local[m], utc[m]))


def deadline_after(instants: pd.Series, n: int, policy: Policy | None = None) -> pd.Series:
    """End (23:59:59) of the n-th working day after each instant's local date (NaT stays NaT)."""
    policy = policy or default_policy()
    cal = calendar_for(policy.calendar)
    times = _times(pd.DataFrame({"at": instants}), "at", cal)
    utc = _working(cal, times.known, times.local, n)
    return pd.Series(_aware(utc, policy.calendar.timezone), index=instants.index)


def working_hours_between(start: pd.Series, end: pd.Series, policy: Policy | None = None) -> pd.Series:
    """Hours from start to end counted on working days only (NaN where either is unknown);
    negative when end is before start."""
    policy = policy or default_policy()
    cal = calendar_for(policy.calendar)
    frame = pd.DataFrame({"start": start.to_numpy(), "end": end.to_numpy()})
    a, b = _times(frame, "start", cal), _times(frame, "end", cal)
    both = a.known & b.known
    hours = np.full(len(frame), np.nan)
    if both.any():
        seconds = cal.working_seconds_until(b.local[both]) - cal.working_seconds_until(a.local[both])
        hours[both] = seconds / 3600
    return pd.Series(hours, index=start.index)


# --- reading columns ---------------------------------------------------------------------

def _row_label(cases: pd.DataFrame, position: int) -> str:
    return f"row {cases.index[position]!r}"


def _enum_codes(cases: pd.DataFrame, column: str, members: list, required: np.ndarray) -> np.ndarray:
    n = len(cases)
    if column not in cases:
        if required.any():
            raise CaseError(column, "column is required")
        return np.full(n, -1, np.int16)
    values = cases[column]
    categories = [m.value for m in members]
    codes, uniques = _factorize(values)
    lookup = np.full(len(uniques) + 1, -1, np.int16)  # the last slot serves missing values (-1)
    for i, value in enumerate(uniques):
        if isinstance(value, str) and value in categories:
            lookup[i] = categories.index(value)
        elif not (value == "" or _blank(value)):
            pos = int(np.flatnonzero(codes == i)[0])
            raise CaseError(column, f"{_row_label(cases, pos)}: must be one of {', '.join(categories)}; "
                                    f"got {value!r}")
    result = lookup[codes]
    gap = required & (result < 0)
    if gap.any():
        raise CaseError(column, f"{_row_label(cases, int(np.flatnonzero(gap)[0]))}: is required")
    return result


def _factorize(values: pd.Series) -> tuple[np.ndarray, list]:
    """Codes and distinct values; missing values get code -1. Fast on text columns."""
    try:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    except TypeError:  # unhashable cells (lists, dicts): compare them as text
        codes, uniques = pd.factorize(values.astype("object").map(repr), use_na_sentinel=True)
    return np.asarray(codes), list(uniques)


def _blank(value) -> bool:
    """None, NaN, NaT or pd.NA (a list or other container is not blank)."""
    if value is None:
        return True
    if isinstance(value, str) or hasattr(value, "__len__"):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _refuse_unknown_columns(cases: pd.DataFrame) -> None:
    unknown = sorted(str(c) for c in cases.columns if c not in KNOWN_COLUMNS)
    if unknown:
        raise CaseError(", ".join(unknown), f"unknown column{'s' if len(unknown) > 1 else ''}; the "
                        "columns are the contract's case fields (provided may also come as "
                        "has_order_number, has_shipping_address, has_media)")


def _provided_flags(cases: pd.DataFrame) -> dict[str, np.ndarray]:
    """has_order_number / has_shipping_address / has_media, from those boolean columns or
    from a ``provided`` column of lists read as ``decide`` reads one (a blank cell: all three)."""
    if "provided" not in cases:
        return {column: _flag(cases, column) for column in _PROVIDED_FLAGS.values()}
    both = [column for column in _PROVIDED_FLAGS.values() if column in cases]
    if both:
        raise CaseError("provided", f"give provided or {', '.join(both)}, not both")
    n = len(cases)
    flags = {column: np.ones(n, bool) for column in _PROVIDED_FLAGS.values()}
    seen: dict = {}
    for pos, cell in enumerate(cases["provided"].to_numpy(dtype=object)):
        if cell is None or (not hasattr(cell, "__iter__") and _blank(cell)):
            continue
        key = tuple(cell) if isinstance(cell, (list, tuple, np.ndarray)) else None
        try:
            items = seen.get(key) if key is not None else None
        except TypeError:  # an unhashable item: provided_value names it below
            key = items = None
        if items is None:
            try:
                items = provided_value(cell)
            except CaseError as exc:
                raise CaseError("provided", f"{_row_label(cases, pos)}: {exc.reason}") from None
            if key is not None:
                seen[key] = items
        for item, column in _PROVIDED_FLAGS.items():
            flags[column][pos] = item in items
    return flags


def _require_text(cases: pd.DataFrame, column: str) -> None:
    if column not in cases:
        raise CaseError(column, "column is required")
    values = cases[column]
    # Text columns are stripped where they are (a million ids as Python objects cost 0.3 s).
    text = values if isinstance(values.dtype, pd.StringDtype) else values.astype("object").astype(str)
    blank = values.isna().to_numpy() | (text.str.strip() == "").to_numpy(dtype=bool, na_value=False)
    if blank.any():
        raise CaseError(column, f"{_row_label(cases, int(np.flatnonzero(blank)[0]))}: is required")


def _cents(cases: pd.DataFrame) -> np.ndarray:
    """order_amount in whole cents, exactly as ``decide`` reads one amount: the number as
    written (a float by its shortest repr, as ``str`` gives it) rounded half up once."""
    if "order_amount" not in cases:
        raise CaseError("order_amount", "column is required")
    values = cases["order_amount"]
    missing = values.isna().to_numpy()
    if missing.any():
        raise CaseError("order_amount", f"{_row_label(cases, int(np.flatnonzero(missing)[0]))}: is required")
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return _float_cents(cases, values.to_numpy(dtype=np.float64, na_value=np.nan))
    # Text, Decimal or mixed cells: each distinct value read by decide's own function.
    codes, uniques = _factorize(values)
    cents = np.zeros(len(uniques), np.int64)
    for i, value in enumerate(uniques):
        try:
            cents[i] = int(amount_value(value) * 100)
        except CaseError as exc:
            pos = int(np.flatnonzero(codes == i)[0])
            raise CaseError("order_amount", f"{_row_label(cases, pos)}: {exc.reason}") from None
    return cents[codes]


def _float_cents(cases: pd.DataFrame, amounts: np.ndarray) -> np.ndarray:
    bad = ~np.isfinite(amounts) | (amounts < 0) | (amounts > 9_999_999_999.99)
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise CaseError("order_amount", f"{_row_label(cases, pos)}: must be a number from 0 to "
                                        f"9999999999.99, not {cases['order_amount'].iloc[pos]!r}")
    scaled = amounts * 100
    cents = np.floor(scaled + 0.5)
    # Binary floats only blur the half-cent case (1.0049999999 vs 1.005): those rows, and only
    # those, are read exactly (float error here is below 2e-4 cents even at 10**10).
    near_half = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-3
    if near_half.any():
        cents[near_half] = [int((Decimal(str(float(a))) * 100).quantize(Decimal(1), ROUND_HALF_UP))
                            for a in amounts[near_half]]
    return cents.astype(np.int64)


def _flag(cases: pd.DataFrame, column: str) -> np.ndarray:
    if column not in cases:
        return np.ones(len(cases), bool)
    values = cases[column]
    if pd.api.types.is_bool_dtype(values):
        return values.fillna(True).to_numpy(dtype=bool)
    as_object = values.astype("object")
    ok = as_object.map(lambda v: v is None or isinstance(v, (bool, np.bool_)) or v != v)
    if not ok.all():
        pos = int(np.flatnonzero(~ok.to_numpy())[0])
        raise CaseError(column, f"{_row_label(cases, pos)}: must be true or false, not {values.iloc[pos]!r}")
    return as_object.map(lambda v: True if v is None or v != v else bool(v)).to_numpy(dtype=bool)


def _times(cases: pd.DataFrame, column: str, cal: WorkingCalendar, required: bool = False) -> _Times:
    n = len(cases)
    if column not in cases:
        if required:
            raise CaseError(column, "column is required")
        empty = np.zeros(n, np.int64)
        return _Times(empty, empty, np.zeros(n, bool))
    us, naive, known = _column_us(cases, column)
    if required and not known.all():
        raise CaseError(column, f"{_row_label(cases, int(np.flatnonzero(~known)[0]))}: is required")
    label = lambda pos: _row_label(cases, pos)  # noqa: E731
    utc = np.where(known, us, _FIRST_US)
    if naive.any():  # wall-clock times: the one rule of policy.localtime, via the calendar
        wall = naive & known
        utc[wall] = cal.to_utc(_in_calendar_years(us, wall, column, label)[wall])
    local = _in_calendar_years(cal.to_local(utc), known, column, label)
    return _Times(utc, local, known)


def _column_us(cases: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A timestamp column as int64 microseconds, a mask of the naive (wall-clock) ones, and a
    mask of the known ones. Instants with an offset are UTC microseconds."""
    values = cases[column]
    n = len(values)
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return _micros(values.dt.tz_convert("UTC")), np.zeros(n, bool), values.notna().to_numpy()
    if pd.api.types.is_datetime64_dtype(values):
        return _micros(values), np.ones(n, bool), values.notna().to_numpy()
    cells = values.to_numpy(dtype=object)
    blank = np.asarray(pd.isna(cells), bool) | (cells == "")
    us, naive = np.zeros(n, np.int64), np.zeros(n, bool)
    rows = np.flatnonzero(~blank)
    fast = _iso_text(cells[rows])
    if fast is not None:
        us[rows], naive[rows] = fast
    else:  # mixed offsets, naive and offset times together, objects: each cell as decide reads it
        for pos in rows:
            try:
                moment = timestamp_value(cells[pos])
            except (ValueError, TypeError) as exc:
                reason = str(exc) if isinstance(exc, TypeError) else f"not an ISO 8601 timestamp: {cells[pos]!r}"
                raise CaseError(column, f"{_row_label(cases, int(pos))}: {reason}") from None
            if moment.tzinfo is None or moment.utcoffset() is None:
                naive[pos] = True
                us[pos] = (moment.replace(tzinfo=None) - _EPOCH_DT) // _ONE_US
            else:
                us[pos] = (moment - _EPOCH_UTC) // _ONE_US
    return us, naive, ~blank


def _iso_text(cells: np.ndarray) -> tuple[np.ndarray, bool] | None:
    """Text cells all naive, or all with one offset, read at once (None: read them one by one)."""
    if not len(cells) or pd.api.types.infer_dtype(cells, skipna=False) != "string":
        return None
    try:
        parsed = pd.Series(pd.to_datetime(cells, format="ISO8601"))
    except (ValueError, TypeError, OverflowError):
        return None
    if parsed.isna().any():
        return None
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        return _micros(parsed.dt.tz_convert("UTC")), False
    return _micros(parsed), True


def _in_calendar_years(local: np.ndarray, known: np.ndarray, column: str, row_label) -> np.ndarray:
    """``local`` with unknown rows given a harmless stand-in, so table lookups stay in range
    (``known`` masks them); a known instant outside the calendar's years is a CaseError naming
    ``column`` and its row (``row_label(position)``)."""
    local = np.where(known, local, _FIRST_US)
    out_of_range = known & ((local < _FIRST_US) | (local >= _END_US))
    if out_of_range.any():
        pos = int(np.flatnonzero(out_of_range)[0])
        raise CaseError(column, f"{row_label(pos)}: year outside the calendar's years 2000..2069")
    return local


def _micros(values: pd.Series) -> np.ndarray:
    """Microseconds since the epoch (of the wall clock for naive values, of UTC for aware)."""
    return np.asarray(values.dt.as_unit("us").array.asi8, dtype=np.int64).copy()


def _category_in(cases: pd.DataFrame, categories: tuple[str, ...]) -> np.ndarray:
    if "category" not in cases:
        return np.zeros(len(cases), bool)
    codes, uniques = _factorize(cases["category"])
    hit = np.array([isinstance(v, str) and v.strip().lower() in categories for v in uniques] + [False])
    return hit[codes]


def _currency(cases: pd.DataFrame, default: str):
    if "currency" not in cases:
        return pd.Categorical.from_codes(np.zeros(len(cases), np.int8), [default])
    codes, uniques = _factorize(cases["currency"])
    names = []
    for i, value in enumerate(uniques):
        text = value.strip().upper() if isinstance(value, str) else ""
        if text and not (len(text) == 3 and text.isascii() and text.isalpha()):
            pos = int(np.flatnonzero(codes == i)[0])
            raise CaseError("currency", f"{_row_label(cases, pos)}: must be an ISO 4217 code, not {value!r}")
        names.append(text or default)
    categories = sorted(set(names) | {default})
    lookup = np.array([categories.index(name) for name in names] + [categories.index(default)], np.int16)
    return pd.Categorical.from_codes(lookup[codes], categories)


def _case_ids(cases: pd.DataFrame):
    if "case_id" not in cases:
        return pd.array([None] * len(cases), dtype="string")
    ids = cases["case_id"]
    if pd.api.types.is_integer_dtype(ids) and not pd.api.types.is_bool_dtype(ids):
        return ids.astype("string").array  # a CSV of numeric ids: text, as decide gives them
    return ids.array


# --- rule helpers ------------------------------------------------------------------------

def _is(codes: np.ndarray, members) -> np.ndarray:
    return np.isin(codes, [_RSN[m] for m in members])


def _within_months(req: _Times, delivered: _Times, months: int, rows: np.ndarray) -> np.ndarray:
    """A1's "within 3 months of receipt", computed only for ``rows`` (false elsewhere)."""
    out = np.zeros(len(rows), bool)
    if rows.any():
        out[rows] = req.day[rows] <= dl.add_months(delivered.day[rows], months)
    return out


def _rate_fraction(p: Policy, reason: np.ndarray) -> tuple[np.ndarray, int]:
    """Each row's partial-refund rate as an exact fraction numerator / 10**6."""
    den = 10 ** 6
    num = np.zeros(len(reason), np.int64)
    for member in PARTIAL_REASONS:
        rate = p.partial_refund_rates[member]
        num[reason == _RSN[member]] = int(rate * den)
    return num, den


def _at(mask: np.ndarray, compute) -> np.ndarray:
    """``compute`` on the rows of ``mask`` (given the mask), NaT elsewhere."""
    out = np.full(len(mask), _NAT, np.int64)
    if mask.any():
        out[mask] = compute(mask)
    return out


def _working(cal: WorkingCalendar, mask: np.ndarray, local: np.ndarray, n: int) -> np.ndarray:
    return _at(mask, lambda m: dl.end_of_nth_working_day(cal, local[m], n))


def _first(*columns: np.ndarray) -> np.ndarray:
    out = columns[0].copy()
    for column in columns[1:]:
        out = np.where(out == _NAT, column, out)
    return out


def _aware(utc_us: np.ndarray, zone: str) -> pd.Series:
    return pd.Series(pd.DatetimeIndex(utc_us.view("datetime64[us]")).tz_localize("UTC").tz_convert(zone))


def money_from_cents(cents: np.ndarray) -> pa.Array:
    """Exact DECIMAL(12,2) money from whole cents (a decimal128 is a 16-byte integer)."""
    words = np.zeros((len(cents), 2), np.int64)
    words[:, 0] = cents
    words[:, 1] = np.where(cents < 0, -1, 0)
    return pa.Array.from_buffers(pa.decimal128(12, 2), len(cents), [None, pa.py_buffer(words)])


def _decimal_series(cents: np.ndarray) -> pd.arrays.ArrowExtensionArray:
    return pd.arrays.ArrowExtensionArray(money_from_cents(cents))
