"""Policy parameters: the policy file (policy-spec.md, "The policy file") as validated data.

Rules never hold numbers of their own; they read them from a ``Policy``. A policy file names
a version and overrides any subset of ``default.toml``; what it does not name keeps its default.
Every error names the key (``working_days.reply``) and what is wrong with it.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, fields, is_dataclass, make_dataclass
from decimal import Decimal
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import holidays

DEFAULT_POLICY_PATH = Path(__file__).resolve().parent / "default.toml"

MAX_RATE_DECIMALS = 6
META = "_meta"  # each section's parameter metadata in default.toml


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


# The sections' values. Their defaults are in default.toml alone (``default_policy``).
@dataclass(frozen=True, kw_only=True)
class CalendarParams:
    country: str
    subdivision: str = ""  # none
    timezone: str
    weekend: tuple[int, ...] = ()  # empty: the country's own weekend

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class ProcessingParams:
    hours: Decimal
    pause_on: PauseOn


@dataclass(frozen=True)
class CancellationParams:
    free_hours: Decimal


@dataclass(frozen=True)
class ReturnsParams:
    window_days: int


@dataclass(frozen=True)
class WarrantyParams:
    months: int
    categories: tuple[str, ...]


@dataclass(frozen=True)
class MoneyParams:
    currency: str


class PartialRefundRates(Mapping):
    """A2's opening offer per partial-refund reason, keyed by ``Reason`` (frozen, hashable)."""

    def __init__(self, rates: Mapping[Any, Decimal]) -> None:
        from policy.decision import Reason

        self._rates = {Reason(k): v for k, v in rates.items()}

    def __getitem__(self, reason: Any) -> Decimal:
        from policy.decision import Reason

        return self._rates[Reason(reason)]

    def __iter__(self):
        return iter(self._rates)

    def __len__(self) -> int:
        return len(self._rates)

    def __hash__(self) -> int:
        return hash(tuple(sorted((k.value, v) for k, v in self._rates.items())))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PartialRefundRates) and self._rates == other._rates

    def __repr__(self) -> str:
        return f"PartialRefundRates({ {k.value: str(v) for k, v in self._rates.items()} })"


class ReasonTable(Mapping):
    """One value per reason (a section of the policy file keyed by ``Reason``); frozen, hashable.
    Subclasses say how a value is read."""

    def __init__(self, values: Mapping[Any, Any]) -> None:
        from policy.decision import Reason

        self._values = {Reason(k): self._read(v) for k, v in values.items()}

    @staticmethod
    def _read(value: Any) -> Any:
        return value

    def __getitem__(self, reason: Any):
        from policy.decision import Reason

        return self._values[Reason(reason)]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def reasons_with(self, value: Any) -> frozenset:
        """The reasons whose value is ``value``."""
        return frozenset(r for r, v in self._values.items() if v == value)

    def __hash__(self) -> int:
        return hash((type(self).__name__, tuple(sorted((k.value, str(v)) for k, v in self._values.items()))))

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._values == other._values

    def __repr__(self) -> str:
        return f"{type(self).__name__}({ {k.value: str(v) for k, v in self._values.items()} })"


class ReturnFreight(ReasonTable):
    """F1/F2: who pays return freight per reason whose item travels back, valued
    ``FreightPayer`` (customer: F1, merchant: F2)."""

    @staticmethod
    def _read(value: Any) -> Any:
        from policy.decision import FreightPayer

        return FreightPayer(value)

    def paid_by(self, payer: Any) -> frozenset:
        """The reasons whose return freight ``payer`` pays."""
        return self.reasons_with(payer)


class PicturesRequired(ReasonTable):
    """RE3/RF1: whether a reason needs pictures/videos of product and packaging (every reason
    but lost_in_transit), true or false."""

    @staticmethod
    def _read(value: Any) -> Any:
        return bool(value)

    def required(self) -> frozenset:
        """The reasons that need pictures."""
        return self.reasons_with(True)


def _default_file() -> dict[str, Any]:
    # Through importlib.resources, not DEFAULT_POLICY_PATH: Spark workers import the project
    # from a zip (data/spark_facts.py), where no file path exists.
    return tomllib.loads(resources.files(__package__).joinpath("default.toml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Parameter:
    """One key of the policy file as default.toml describes it (openfisca-style metadata)."""

    key: str           # dotted: "working_days.reply"
    clause: str        # the clause id it tunes (or a topic: "calendar", "clocks", "refunds")
    label: str
    unit: str          # "" when it has none
    kind: str          # how it is validated: whole, number, rate, country, timezone, ...
    low: Decimal | None
    high: Decimal | None


def _parameters(file: Mapping[str, Any]) -> tuple[dict[str, Parameter], dict[str, tuple[str, str]]]:
    params, sections = {}, {}
    for section, table in file.items():
        if not isinstance(table, Mapping):
            continue
        meta = dict(table.get(META, {}))
        head = meta.pop("_section", {})
        sections[section] = (head.get("title", section), head.get("help", ""))
        for key in table:
            if key == META:
                continue
            if key not in meta:
                raise PolicyError(f"{section}.{key}", f"default.toml describes no such parameter in [{section}.{META}]")
            m = meta[key]
            params[f"{section}.{key}"] = Parameter(
                key=f"{section}.{key}", clause=m.get("clause", ""),
                label=m.get("label", key.replace("_", " ").capitalize()), unit=m.get("unit", ""),
                kind=m["kind"], low=_decimal_or_none(m.get("min")), high=_decimal_or_none(m.get("max")))
    return params, sections


def _decimal_or_none(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


_FILE = _default_file()
# Every key of the policy file with its clause, label, unit, kind and range; the sections'
# titles and help: read from default.toml, the one place they are written.
PARAMETERS, SECTION_INFO = _parameters(_FILE)

# "within N working days": one whole-number field per key of default.toml's [working_days], so
# a new one is added there alone.
WorkingDaysParams = make_dataclass(
    "WorkingDaysParams", [(key, int) for key in _FILE["working_days"] if key != META],
    frozen=True, namespace={"__module__": __name__})


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
    return_freight: ReturnFreight
    pictures_required: PicturesRequired
    money: MoneyParams

    def to_dict(self) -> dict[str, Any]:
        """The policy as the nested plain values of its TOML file."""
        return _plain(self)

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
    "return_freight": ReturnFreight,
    "pictures_required": PicturesRequired,
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
    except IsADirectoryError:
        raise PolicyError("", f"policy file is a folder, not a file: {path}") from None
    except OSError as exc:  # permission denied, a device that cannot be read, ...
        raise PolicyError("", f"policy file cannot be read ({exc.strerror or type(exc).__name__}): {path}") from None
    return parse_policy(text)


def parse_policy(text: str, base: Policy | None = None) -> Policy:
    """A policy from TOML text, merged over ``base`` (the defaults when not given)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError("", f"not a valid TOML file ({exc})") from None
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise PolicyError("", "not a valid policy file (arrays or tables nested too deeply)") from None
    return policy_from_dict(data, base=base)


_default: Policy | None = None


def default_policy() -> Policy:
    global _default
    if _default is None:
        data = {k: ({sk: sv for sk, sv in v.items() if sk != META} if isinstance(v, Mapping) else v)
                for k, v in _default_file().items()}
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
            if f"{section}.{key}" not in PARAMETERS:
                raise PolicyError(f"{section}.{key}", "unknown key")
        values = {key: _VALIDATORS[f"{section}.{key}"](f"{section}.{key}", value) for key, value in raw.items()}
        if cls is PartialRefundRates:
            sections[section] = _rates(values)
            continue
        if cls is ReturnFreight:
            sections[section] = _freight(values)
            continue
        if cls is PicturesRequired:
            sections[section] = _pictures(values)
            continue
        missing = [f.name for f in fields(cls) if f.name not in values and f.default is MISSING]
        if missing:
            raise PolicyError(f"{section}.{missing[0]}", "missing (default.toml must give every key)")
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


def _pause_on(key: str, value: Any) -> PauseOn:
    try:
        return PauseOn(value)
    except ValueError:
        choices = ", ".join(repr(p.value) for p in PauseOn)
        raise PolicyError(key, f"must be one of {choices}, not {value!r}") from None


@functools.cache
def _countries() -> frozenset[str]:
    """The holidays package's country codes (alpha-2 and alpha-3), from its registry: what
    ``holidays.list_supported_countries()`` returns, without importing every country's module
    (0.3 s, more under load, on every page's first view after a restart)."""
    from holidays.registry import COUNTRIES

    return frozenset(code for entry in COUNTRIES.values() for code in entry[1:]
                     if code.isupper() and len(code) in (2, 3))


def _country(key: str, value: Any) -> str:
    value = _text(key, value, allow_empty=False).upper()
    if value not in _countries():
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


def _rates(values: Mapping[str, Decimal]) -> PartialRefundRates:
    """The rates keyed by reason; every reason A2 settles with a partial refund needs one."""
    from policy.decision import PARTIAL_REASONS, Reason

    for key in values:
        if key not in {r.value for r in Reason}:
            raise PolicyError(f"partial_refund_rates.{key}", "not a reason (policy.decision.Reason)")
    for reason in sorted(PARTIAL_REASONS, key=lambda r: r.value):
        if reason.value not in values:
            raise PolicyError(f"partial_refund_rates.{reason.value}", "missing: every partial-refund reason needs a rate")
    return PartialRefundRates(values)


def _payer(key: str, value: Any) -> str:
    if value not in ("customer", "merchant"):
        raise PolicyError(key, f"must be 'customer' (F1) or 'merchant' (F2), not {value!r}")
    return value


def _freight(values: Mapping[str, str]) -> ReturnFreight:
    """A payer for every reason whose remedy sends the item back (and for no other)."""
    from policy.decision import RETURNING_REASONS

    for reason in sorted(RETURNING_REASONS, key=lambda r: r.value):
        if reason.value not in values:
            raise PolicyError(f"return_freight.{reason.value}", "missing: every returning reason needs a payer")
    return ReturnFreight(values)


def _required(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise PolicyError(key, f"must be true or false, not {_kind(value)}")
    return value


def _pictures(values: Mapping[str, bool]) -> PicturesRequired:
    """A switch for every reason but lost_in_transit."""
    from policy.decision import Reason

    for reason in Reason:
        if reason is not Reason.LOST_IN_TRANSIT and reason.value not in values:
            raise PolicyError(f"pictures_required.{reason.value}", "missing: every reason but lost_in_transit needs one")
    return PicturesRequired(values)


def _ranged_rate(low: Decimal, high: Decimal):
    def check(key: str, value: Any) -> Decimal:
        rate = _number(low, high)(key, value)
        if -rate.as_tuple().exponent > MAX_RATE_DECIMALS:
            raise PolicyError(key, f"at most {MAX_RATE_DECIMALS} decimal places (got {value})")
        return rate
    return check


# How each kind of parameter (its ``kind`` in default.toml) is checked, given its metadata.
_KINDS = {
    "whole": lambda p: _whole(int(p.low), int(p.high)),
    "number": lambda p: _number(p.low if p.low is not None else Decimal(0), p.high),
    "rate": lambda p: _ranged_rate(p.low, p.high),
    "text": lambda p: _text,
    "country": lambda p: _country,
    "subdivision": lambda p: lambda k, v: _text(k, v).strip(),
    "timezone": lambda p: _timezone,
    "weekdays": lambda p: _weekend,
    "pause_on": lambda p: _pause_on,
    "categories": lambda p: _categories,
    "currency": lambda p: _currency,
    "payer": lambda p: _payer,
    "required": lambda p: _required,
}
_VALIDATORS = {key: _KINDS[p.kind](p) for key, p in PARAMETERS.items()}


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
    """Policy values as TOML-friendly plain values (Decimal -> int/float, enum -> str)."""
    if is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {_plain(k): _plain(v) for k, v in value.items()}
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
