"""The case (policy-spec section 3, "Case (input)"): validated, with every timestamp placed
in the policy's zone.

Validation errors name the field (``CaseError.field``), so a CLI line or an app form can
point at what to fix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from policy.calendar import WorkingCalendar
from policy.decision import CENT, Provided, Reason, Request
from policy.params import Policy

_EPOCH = dt.datetime(1970, 1, 1)
_US = dt.timedelta(microseconds=1)
MAX_AMOUNT = Decimal("9999999999.99")  # DECIMAL(12,2)
TIMESTAMP_FIELDS = (
    "placed_at", "shipped_at", "delivered_at", "promised_delivery_at", "requested_at",
    "replied_at", "media_received_at", "return_received_at", "freight_claimed_at",
)
KNOWN_FIELDS = frozenset(TIMESTAMP_FIELDS) | {
    "case_id", "order_id", "order_amount", "currency", "category", "request", "reason",
    "prior_contact", "provided", "correct_use",
}


class CaseError(ValueError):
    """A case that cannot be decided; ``field`` names the input at fault."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class Instant:
    """One moment, as UTC microseconds and as local wall-clock microseconds in the policy zone."""

    utc_us: int
    local_us: int
    zone: ZoneInfo

    @property
    def day(self) -> int:
        """The local date, as days since 1970-01-01."""
        return self.local_us // 86_400_000_000

    def as_datetime(self) -> dt.datetime:
        return instant_datetime(self.utc_us, self.zone)


def instant_datetime(utc_us: int, zone: ZoneInfo) -> dt.datetime:
    return (_EPOCH + dt.timedelta(microseconds=int(utc_us))).replace(tzinfo=dt.UTC).astimezone(zone)


@dataclass(frozen=True)
class Case:
    case_id: str | None
    order_id: str
    order_amount: Decimal
    currency: str
    category: str
    request: Request
    reason: Reason | None
    placed_at: Instant | None
    shipped_at: Instant | None
    delivered_at: Instant | None
    promised_delivery_at: Instant | None
    requested_at: Instant
    prior_contact: bool
    provided: frozenset[Provided]
    correct_use: bool
    replied_at: Instant | None
    media_received_at: Instant | None
    return_received_at: Instant | None
    freight_claimed_at: Instant | None


def parse_case(raw: Mapping[str, Any], policy: Policy, cal: WorkingCalendar) -> Case:
    if not isinstance(raw, Mapping):
        raise CaseError("case", f"must be an object of fields, not {type(raw).__name__}")
    unknown = sorted(set(raw) - KNOWN_FIELDS, key=str)
    if unknown:
        raise CaseError(str(unknown[0]), "unknown field")
    zone = cal.params.zone
    request = _enum(raw, "request", Request, required=True)
    times = {name: _instant(raw, name, zone, cal) for name in TIMESTAMP_FIELDS}
    if times["requested_at"] is None:
        raise CaseError("requested_at", "is required")
    provided = _provided(raw)
    reason = _enum(raw, "reason", Reason, required=request in (Request.REFUND, Request.EXCHANGE))
    media_received_at = times["media_received_at"]
    if media_received_at is None and Provided.MEDIA in provided:
        media_received_at = times["requested_at"]
    return Case(
        case_id=_optional_text(raw, "case_id"),
        order_id=_text(raw, "order_id"),
        order_amount=_amount(raw),
        currency=_currency(raw, policy.money.currency),
        category=(_optional_text(raw, "category") or "").strip().lower(),
        request=request,
        reason=reason,
        placed_at=times["placed_at"],
        shipped_at=times["shipped_at"],
        delivered_at=times["delivered_at"],
        promised_delivery_at=times["promised_delivery_at"],
        requested_at=times["requested_at"],
        prior_contact=_flag(raw, "prior_contact"),
        provided=provided,
        correct_use=_flag(raw, "correct_use"),
        replied_at=times["replied_at"],
        media_received_at=media_received_at,
        return_received_at=times["return_received_at"],
        freight_claimed_at=times["freight_claimed_at"],
    )


def _instant(raw: Mapping[str, Any], name: str, zone: ZoneInfo, cal: WorkingCalendar) -> Instant | None:
    value = raw.get(name)
    if value is None or value == "" or _is_missing(value):
        return None
    try:
        value = timestamp_value(value)
    except TypeError as exc:
        raise CaseError(name, str(exc)) from None
    except ValueError:
        raise CaseError(name, f"not an ISO 8601 timestamp: {value!r}") from None
    try:
        if value.tzinfo is None or value.utcoffset() is None:
            # A naive time is read by policy.localtime's one rule (README, "Daylight saving").
            local_us = (value.replace(tzinfo=None) - _EPOCH) // _US
            utc_us = int(cal.to_utc(np.array([local_us], dtype=np.int64))[0])
            local_us = int(cal.to_local(np.array([utc_us], dtype=np.int64))[0])
        else:
            local_us = (value.astimezone(zone).replace(tzinfo=None) - _EPOCH) // _US
            utc_us = (value.astimezone(dt.UTC).replace(tzinfo=None) - _EPOCH) // _US
    except (ValueError, OverflowError) as exc:
        raise CaseError(name, str(exc)) from None
    year = (_EPOCH + dt.timedelta(microseconds=local_us)).year
    if not (cal.first_date.year < year < cal.last_date.year - 5):
        raise CaseError(name, f"year {year} is outside the calendar's years "
                              f"{cal.first_date.year + 1}..{cal.last_date.year - 6}")
    return Instant(utc_us, local_us, zone)


def timestamp_value(value: Any) -> dt.datetime:
    """One timestamp cell as a datetime (naive or aware, as written): ISO 8601 text, a
    datetime, a date (its midnight) or a pandas / numpy timestamp. Raises ValueError for text
    that is not ISO 8601 and TypeError for anything else (a number is no timestamp)."""
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value.strip())
    if hasattr(value, "to_pydatetime"):  # pandas / numpy-backed timestamps
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    raise TypeError(f"must be a timestamp, not {type(value).__name__}")


def _is_missing(value: Any) -> bool:
    try:
        return value != value  # NaN, NaT
    except (TypeError, ValueError):
        return False


def _enum(raw: Mapping[str, Any], name: str, enum: type, required: bool):
    value = raw.get(name)
    if value is None or value == "" or _is_missing(value):
        if required:
            raise CaseError(name, "is required")
        return None
    try:
        return enum(value)
    except ValueError:
        choices = ", ".join(e.value for e in enum)
        raise CaseError(name, f"must be one of {choices}; got {value!r}") from None


def _text(raw: Mapping[str, Any], name: str) -> str:
    value = _optional_text(raw, name)
    if not value:
        raise CaseError(name, "is required")
    return value


def _optional_text(raw: Mapping[str, Any], name: str) -> str | None:
    value = raw.get(name)
    if value is None or _is_missing(value):
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise CaseError(name, f"must be text, not {type(value).__name__}")
    value = str(value)
    if any(ord(ch) < 32 for ch in value):
        raise CaseError(name, "must not contain control characters")
    return value


def _amount(raw: Mapping[str, Any]) -> Decimal:
    value = raw.get("order_amount")
    if value is None or _is_missing(value):
        raise CaseError("order_amount", "is required")
    return amount_value(value)


def amount_value(value: Any) -> Decimal:
    """One ``order_amount`` cell (text, int, float or Decimal) as Decimal cents: the number as
    written (a float by its shortest repr) rounded half up once (1.0049999999 -> 1.00)."""
    if isinstance(value, bool):
        raise CaseError("order_amount", "must be a number, not true/false")
    try:
        amount = Decimal(str(value).strip()) if isinstance(value, (str, int, float, Decimal)) else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise CaseError("order_amount", f"must be a number, not {value!r}")
    if amount < 0:
        raise CaseError("order_amount", f"must not be negative (got {value})")
    if amount > MAX_AMOUNT:
        raise CaseError("order_amount", f"must not exceed {MAX_AMOUNT}")
    # Amounts are goods values in cents; a sub-cent input is rounded half up once, here.
    return amount.quantize(CENT, rounding="ROUND_HALF_UP")


def _currency(raw: Mapping[str, Any], default: str) -> str:
    value = _optional_text(raw, "currency")
    if not value:
        return default
    value = value.strip().upper()
    if len(value) != 3 or not value.isalpha() or not value.isascii():
        raise CaseError("currency", f"must be an ISO 4217 code such as USD, not {value!r}")
    return value


def _flag(raw: Mapping[str, Any], name: str) -> bool:
    value = raw.get(name, True)
    if value is None or _is_missing(value):
        return True
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise CaseError(name, f"must be true or false, not {value!r}")


def _provided(raw: Mapping[str, Any]) -> frozenset[Provided]:
    return provided_value(raw.get("provided"))


def provided_value(value: Any) -> frozenset[Provided]:
    """One ``provided`` value: a list of order_number, shipping_address, media; None (not
    given) means all three."""
    if value is None:
        return frozenset(Provided)
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise CaseError("provided", "must be a list of order_number, shipping_address, media")
    items = set()
    for item in value:
        try:
            items.add(Provided(item))
        except (ValueError, TypeError):
            raise CaseError("provided", f"unknown item {item!r}; use order_number, "
                                        "shipping_address, media") from None
    return frozenset(items)
