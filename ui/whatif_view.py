"""The What-if lab's figures in plain words (pure; the page lays them out): labels instead of
codes, and each period's cost change scaled to a year."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import cache
from typing import Any

import pandas as pd

from policy.params import PARAMETERS, SECTION_INFO
from ui.display import OUTCOME_LABELS, PAYER_LABELS, REASON_LABELS, REQUEST_LABELS, outcome_label, stage_label

DAYS_PER_YEAR = 365


def period_days(first: dt.date, last: dt.date) -> int:
    """Days in the replayed period, both ends included."""
    return (last - first).days + 1


def per_year(change: float, first: dt.date, last: dt.date) -> float:
    """The period's change at the same rate for a year: change x 365 / days in the period."""
    return float(change) * DAYS_PER_YEAR / period_days(first, last)


def per_year_note(first: dt.date, last: dt.date) -> str:
    return (f"a year = the change over these {period_days(first, last):,} days x {DAYS_PER_YEAR} / "
            f"{period_days(first, last):,}, at the same rate of cases")


@cache
def timezone_choices() -> list[str]:
    """Every time zone the policy file accepts, sorted (read from disk once per process, not on
    every run of the page: a few hundred files)."""
    return sorted(zoneinfo.available_timezones())


def parameter_label(key: str) -> str:
    """``return_freight.changed_mind`` -> ``Return freight (F1, F2): Changed mind``."""
    param = PARAMETERS.get(key)
    if param is None:
        return key.replace("_", " ").capitalize()
    section = SECTION_INFO.get(key.split(".", 1)[0], ("", ""))[0]
    return f"{section}: {param.label}" if section else param.label


def _show(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or "(none)"
    if value in PAYER_LABELS:
        return PAYER_LABELS[value]
    return "(empty)" if value == "" else str(value)


WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def show_value(key: str, value: Any) -> str:
    """A parameter's value in words: weekday names, who pays, '(none)'."""
    param = PARAMETERS.get(key)
    if param is not None and param.kind == "weekdays":
        return ", ".join(WEEKDAYS[d] for d in value) or "(the country's own)"
    if param is not None and param.kind == "required":
        return "Required" if value else "Not required"
    return _show(value)


def changes_table(changes: list[tuple[str, Any, Any]]) -> pd.DataFrame:
    """The scenario's changed keys: parameter (label), baseline, scenario."""
    return pd.DataFrame([(parameter_label(k), show_value(k, a), show_value(k, b)) for k, a, b in changes],
                        columns=["parameter", "baseline", "scenario"])


def outcome_matrix(matrix: pd.DataFrame) -> pd.DataFrame:
    """Rows: the baseline's outcome, columns: the scenario's, by label."""
    out = matrix.rename(index=outcome_label, columns=outcome_label)
    out.index.name, out.columns.name = "baseline", "scenario"
    return out


def costs_table(costs: pd.DataFrame, first: dt.date, last: dt.date) -> pd.DataFrame:
    """Before, after, change and the change scaled to a year, one row per cost."""
    out = costs[["before", "after", "change"]].copy()
    out["change per year"] = [per_year(c, first, last) for c in out["change"]]
    out.index = [str(i).capitalize() for i in out.index]
    out.index.name = "cost"
    return out


ATTAINMENT_COLUMNS = {
    "attainment_before": "baseline", "attainment_after": "scenario", "change": "change",
    "met_before": "met (baseline)", "breached_before": "breached (baseline)",
    "met_after": "met (scenario)", "breached_after": "breached (scenario)", "side": "whose step",
}
SIDES = {"store": "The store", "customer": "The customer"}


def attainment_table(attainment: pd.DataFrame) -> pd.DataFrame:
    out = attainment[list(ATTAINMENT_COLUMNS)].rename(columns=ATTAINMENT_COLUMNS)
    out["whose step"] = out["whose step"].map(lambda v: SIDES.get(v, v))
    out.index = [stage_label(s) for s in out.index]
    out.index.name = "stage"
    return out


CHANGED_COLUMNS = {
    "case_id": "case", "order_id": "order", "category": "category", "country": "country",
    "request": "request", "reason": "reason", "requested_on": "requested on",
    "outcome_before": "outcome (baseline)", "outcome_after": "outcome (scenario)",
    "refund_before": "refund (baseline)", "refund_after": "refund (scenario)",
    "freight_payer_before": "return freight (baseline)", "freight_payer_after": "return freight (scenario)",
    "missing_before": "missing (baseline)", "missing_after": "missing (scenario)",
}
_LABELS_BY_COLUMN = {
    "request": REQUEST_LABELS, "reason": REASON_LABELS, "outcome_before": OUTCOME_LABELS,
    "outcome_after": OUTCOME_LABELS, "freight_payer_before": PAYER_LABELS, "freight_payer_after": PAYER_LABELS,
}


def changed_cases_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The changed cases with labels for every code; ``case_id`` is kept for links."""
    out = rows.copy()
    for column, labels in _LABELS_BY_COLUMN.items():
        if column in out:
            out[column] = out[column].map(lambda v, t=labels: t.get(str(v), v) if isinstance(v, str) else v)
    return out.rename(columns={c: n for c, n in CHANGED_COLUMNS.items() if c != "case_id"})
