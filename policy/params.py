"""Policy parameters: the policy file (policy-spec.md, "The policy file") as validated data.

Rules never hold numbers of their own; they read them from a ``Policy``. A policy file names
a version and overrides any subset of ``default.toml``; what it does not name keeps its default.
Every error names the key (``working_days.reply``) and what is wrong with it.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import holidays

DEFAULT_POLICY_PATH = Path(__file__).resolve().parent / "default.toml"

# Deadlines are looked up in a finite calendar table; this bound keeps them inside it.
MAX_WORKING_DAYS = 365
MAX_RATE_DECIMALS = 6


class PolicyError(ValueError):
    """A policy file or value that cannot be used; ``key`` is the dotted key at fault."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"{key}: {reason}" if key else reason)
        self.key = key
        self.reason = reason


class PauseOn(str, Enum):
    """What stops P1's 48-hour processing clock ("within 48 hours (except holidays)")."""

    NON_WORKING_DAYS = "non_working_days"
    PUBLIC_HOLIDAYS = "public_holidays"
    NOTHING = "nothing"


@dataclass(frozen=True)
class CalendarParams:
    country: str = "CN"
    subdivision: str = ""
    timezone: str = "Asia/Shanghai"
    weekend: tuple[int, ...] = ()  # empty: the country's own weekend

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class ProcessingParams:
    hours: Decimal = Decimal(48)
    pause_on: PauseOn = PauseOn.NON_WORKING_DAYS


@dataclass(frozen=True)
class CancellationParams:
    free_hours: Decimal = Decimal(24)


@dataclass(frozen=True)
class ReturnsParams:
    window_days: int = 30


@dataclass(frozen=True)
class WarrantyParams:
    months: int = 3
    categories: tuple[str, ...] = ("electronics",)


@dataclass(frozen=True)
class WorkingDaysParams:
    reply: int = 3
    customer_ship: int = 3
    replacement: int = 1
    refund_after_return: int = 1
    partial_refund: int = 2
    refund_receipt: int = 3
    freight_reimburse: int = 7
    status_update: int = 1


@dataclass(frozen=True)
class PartialRefundRates:
    missing_accessory: Decimal = Decimal("0.20")
    slight_defect: Decimal = Decimal("0.15")
    carrier_delay: Decimal = Decimal("0.10")


@dataclass(frozen=True)
class MoneyParams:
    currency: str = "USD"


@dataclass(frozen=True)
class Policy:
    """One version of the store's policy. Frozen and hashable, so it can key caches."""

    name: str
    effective_from: dt.date
    calendar: CalendarParams
    processing: ProcessingParams
    cancellation: CancellationParams
    returns: ReturnsParams
    warranty: WarrantyParams
    working_days: WorkingDaysParams
    partial_refund_rates: PartialRefundRates
    money: MoneyParams

    def to_dict(self) -> dict[str, Any]:
        """The policy as the nested plain values of its TOML file."""
        return _plain(asdict(self))

    def flat(self) -> dict[str, Any]:
        """``{"working_days.reply": 3, ...}``: one entry per key of the policy file."""
        out: dict[str, Any] = {}
        for key, value in self.to_dict().items():
            if isinstance(value, dict):
                out.update({f"{key}.{sub}": v for sub, v in value.items()})
            else:
                out[key] = value
        return out

    def to_toml(self) -> str:
        import tomli_w

        return tomli_w.dumps(self.to_dict())

    def replace(self, overrides: Mapping[str, Any]) -> Policy:
        """A new validated policy with some keys changed, given flat (``"returns.window_days"``)
        or nested."""
        return policy_from_dict(_nest(overrides), base=self)


def changed_keys(old: Policy, new: Policy) -> list[tuple[str, Any, Any]]:
    """Each key whose value differs, with its old and new value, in file order."""
    a, b = old.flat(), new.flat()
    return [(k, a[k], b[k]) for k in a if a[k] != b[k]]


_SECTIONS = {
    "calendar": CalendarParams,
    "processing": ProcessingParams,
    "cancellation": CancellationParams,
    "returns": ReturnsParams,
    "warranty": WarrantyParams,
    "working_days": WorkingDaysParams,
    "partial_refund_rates": PartialRefundRates,
    "money": MoneyParams,
}


def load_policy(path: str | Path | None = None) -> Policy:
    """The default policy, with the file at ``path`` (if any) merged over it."""
    if path is None:
        return default_policy()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyError("", f"policy file not found: {path}") from None
    except UnicodeDecodeError:
        raise PolicyError("", f"policy file is not UTF-8 text: {path}") from None
    return parse_policy(text)


def parse_policy(text: str, base: Policy | None = None) -> Policy:
    """A policy from TOML text, merged over ``base`` (the defaults when not given)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError("", f"not a valid TOML file ({exc})") from None
    except RecursionError:
        raise PolicyError("", "not a policy file: its values are nested too deeply") from None
    return policy_from_dict(data, base=base)


_default: Policy | None = None


def default_policy() -> Policy:
    global _default
    if _default is None:
        data = tomllib.loads(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"))
        _default = _build(data)
    return _default


def policy_from_dict(data: Mapping[str, Any], base: Policy | None = None) -> Policy:
    """Merge ``data`` (nested, as in the TOML file) over ``base`` and validate every key."""
    merged = (base or default_policy()).to_dict()
    for key, value in data.items():
        if key in _SECTIONS:
            if not isinstance(value, Mapping):
                raise PolicyError(key, "must be a table ([" + key + "])")
            for sub, subvalue in value.items():
                if sub not in merged[key]:
                    raise PolicyError(f"{key}.{sub}", "unknown key")
                merged[key][sub] = subvalue
        elif key in ("name", "effective_from"):
            merged[key] = value
        else:
            raise PolicyError(key, "unknown key")
    return _build(merged)


def _build(data: Mapping[str, Any]) -> Policy:
    unknown = set(data) - set(_SECTIONS) - {"name", "effective_from"}
    if unknown:
        raise PolicyError(sorted(unknown)[0], "unknown key")
    sections = {}
    for section, cls in _SECTIONS.items():
        raw = data.get(section, {})
        for key in raw:
            if key not in {f.name for f in fields(cls)}:
                raise PolicyError(f"{section}.{key}", "unknown key")
        values = {f.name: _VALIDATORS[f"{section}.{f.name}"](f"{section}.{f.name}", raw[f.name])
                  for f in fields(cls) if f.name in raw}
        sections[section] = cls(**values)
    policy = Policy(
        name=_text("name", data.get("name", "Store policy"), allow_empty=False),
        effective_from=_date("effective_from", data.get("effective_from", dt.date(2025, 1, 1))),
        **sections,
    )
    _check_calendar(policy.calendar)
    return policy


# --- validators: each takes the dotted key and the raw value ------------------------------

def _text(key: str, value: Any, allow_empty: bool = True) -> str:
    if not isinstance(value, str):
        raise PolicyError(key, f"must be text, not {_kind(value)}")
    if not allow_empty and not value.strip():
        raise PolicyError(key, "must not be empty")
    return value


def _date(key: str, value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise PolicyError(key, f"must be a date like 2025-01-01, not {value!r}")


def _whole(low: int, high: int):
    def check(key: str, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise PolicyError(key, f"must be a whole number, not {_kind(value)}")
        if value < low:
            raise PolicyError(key, f"must not be below {low} (got {value})")
        if value > high:
            raise PolicyError(key, f"must not be above {high} (got {value})")
        return value
    return check


def _number(low: Decimal, high: Decimal | None):
    def check(key: str, value: Any) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise PolicyError(key, f"must be a number, not {_kind(value)}")
        number = Decimal(str(value))
        if not number.is_finite():
            raise PolicyError(key, f"must be a finite number (got {value})")
        if number < low:
            raise PolicyError(key, f"must not be below {low} (got {value})")
        if high is not None and number > high:
            raise PolicyError(key, f"must not be above {high} (got {value})")
        return number
    return check


def _rate(key: str, value: Any) -> Decimal:
    rate = _number(Decimal(0), Decimal(1))(key, value)
    if -rate.as_tuple().exponent > MAX_RATE_DECIMALS:
        raise PolicyError(key, f"at most {MAX_RATE_DECIMALS} decimal places (got {value})")
    return rate


def _pause_on(key: str, value: Any) -> PauseOn:
    try:
        return PauseOn(value)
    except ValueError:
        choices = ", ".join(repr(p.value) for p in PauseOn)
        raise PolicyError(key, f"must be one of {choices}, not {value!r}") from None


def _country(key: str, value: Any) -> str:
    value = _text(key, value, allow_empty=False).upper()
    if value not in holidays.list_supported_countries():
        raise PolicyError(key, f"unknown country {value!r} (the holidays package has no calendar for it)")
    return value


def _timezone(key: str, value: Any) -> str:
    value = _text(key, value, allow_empty=False)
    if value not in _zones():
        raise PolicyError(key, f"unknown time zone {value!r}")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise PolicyError(key, f"unknown time zone {value!r}") from None
    return value


_ZONES: frozenset[str] | None = None


def _zones() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES


def _weekend(key: str, value: Any) -> tuple[int, ...]:
    if not isinstance(value, (list, tuple)):
        raise PolicyError(key, f"must be a list of weekday numbers (Monday = 0), not {_kind(value)}")
    days = tuple(_whole(0, 6)(key, v) for v in value)
    if len(days) == 7:
        raise PolicyError(key, "cannot make every day of the week a weekend day")
    return tuple(sorted(set(days)))


def _categories(key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)):
        raise PolicyError(key, f"must be a list of category names, not {_kind(value)}")
    return tuple(_text(key, v, allow_empty=False).strip().lower() for v in value)


def _currency(key: str, value: Any) -> str:
    value = _text(key, value)
    if not re.fullmatch(r"[A-Z]{3}", value):
        raise PolicyError(key, f"must be an ISO 4217 code such as 'USD', not {value!r}")
    return value


_VALIDATORS = {
    "calendar.country": _country,
    "calendar.subdivision": lambda k, v: _text(k, v).strip(),
    "calendar.timezone": _timezone,
    "calendar.weekend": _weekend,
    "processing.hours": _number(Decimal(0), Decimal(24 * MAX_WORKING_DAYS)),
    "processing.pause_on": _pause_on,
    "cancellation.free_hours": _number(Decimal(0), Decimal(24 * MAX_WORKING_DAYS)),
    "returns.window_days": _whole(0, 3650),
    "warranty.months": _whole(0, 120),
    "warranty.categories": _categories,
    "money.currency": _currency,
    **{f"working_days.{f.name}": _whole(0, MAX_WORKING_DAYS) for f in fields(WorkingDaysParams)},
    **{f"partial_refund_rates.{f.name}": _rate for f in fields(PartialRefundRates)},
}


def _check_calendar(calendar: CalendarParams) -> None:
    if calendar.subdivision:
        known = holidays.country_holidays(calendar.country).subdivisions
        if calendar.subdivision not in known:
            raise PolicyError("calendar.subdivision",
                              f"unknown subdivision {calendar.subdivision!r} of {calendar.country}")


def _kind(value: Any) -> str:
    return {bool: "true/false", str: "text", int: "a whole number", float: "a number",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)


def _plain(value: Any) -> Any:
    """Dataclass values as TOML-friendly plain values (Decimal -> int/float, enum -> str)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _nest(overrides: Mapping[str, Any]) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for key, value in overrides.items():
        if "." in key:
            section, sub = key.split(".", 1)
            nested.setdefault(section, {})[sub] = value
        elif isinstance(value, Mapping):
            nested.setdefault(key, {}).update(value)
        else:
            nested[key] = value
    return nested
