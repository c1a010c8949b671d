"""What the Weekly metrics page shows, computed from the weekly report's frames (pure pandas, no
Streamlit): a period's totals against the previous period of the same length, the change as a
tile shows it (none when nothing changed), weeks in calendar order, how late a breached item is
in working hours (the policy calendar, as the case card counts), and the week's CSV with
readable headers, rounded values and a file name that says what it holds; the week's breached
items as a CSV (``breached_items_csv``, read when a manager downloads it).
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from policy.bulk import working_hours_between

from .export import to_safe_csv
from .report import iso_week, stage_status
from .sla import CUSTOMER_STAGES, MERCHANT_STAGES

PERIODS = (1, 4, 12)  # weeks a manager compares: a week, a month, a quarter
MONEY = ("refunds_full", "refunds_partial", "refunds_other", "merchant_freight")


def opening_week(weeks: pd.DataFrame) -> dt.date | None:
    """The week Weekly metrics opens on: the latest complete week (over, and the data reaches
    its end), else the latest week with data; None when there is none. ``weeks`` is
    ``report_week_list``'s frame (week, complete)."""
    if weeks.empty:
        return None
    complete = weeks.loc[weeks["complete"].astype(bool), "week"]
    return pd.Timestamp((complete if len(complete) else weeks["week"]).max()).date()


def period_weeks(last_week: dt.date, weeks: int) -> tuple[dt.date, dt.date]:
    """The Mondays of the first and last week of the ``weeks``-week period ending with ``last_week``."""
    return last_week - dt.timedelta(weeks=weeks - 1), last_week


def previous_period(last_week: dt.date, weeks: int) -> tuple[dt.date, dt.date]:
    """The period of the same length just before it."""
    return period_weeks(last_week - dt.timedelta(weeks=weeks), weeks)


def _in(frame: pd.DataFrame, first: dt.date, last: dt.date) -> pd.DataFrame:
    days = pd.to_datetime(frame["week"]).dt.date
    return frame[(days >= first) & (days <= last)]


def period_totals(weeks: pd.DataFrame, stages: pd.DataFrame, first: dt.date, last: dt.date) -> dict:
    """Totals of the weeks ``first``..``last`` (Mondays): orders, cases, refunds (count and
    money), the store's return freight, and per stage met / breached / pending with attainment =
    met / (met + breached) over the whole period (None when nothing was met or breached)."""
    part = _in(weeks, first, last)
    totals = {name: part[name].sum() if name in part else 0 for name in ("orders", "cases", "refunds", *MONEY)}
    totals = {k: float(v) if k in MONEY else int(v) for k, v in totals.items()}
    totals["refunds_paid"] = totals["refunds_full"] + totals["refunds_partial"] + totals["refunds_other"]
    st = _in(stages, first, last)
    per_stage = {}
    for stage in MERCHANT_STAGES + CUSTOMER_STAGES:
        rows = st[st["stage"] == stage]
        met, breached, pending = (int(rows[c].fillna(0).sum()) for c in ("met", "breached", "pending"))
        per_stage[stage] = {"met": met, "breached": breached, "pending": pending,
                            "attainment": met / (met + breached) if met + breached else None}
    totals["stages"] = per_stage
    return totals


def change(now, before, kind: str = "count") -> str | None:
    """The tile's change text, or None when either side is unknown or nothing changed (a "+0"
    would draw a coloured arrow for no change)."""
    if now is None or before is None or pd.isna(now) or pd.isna(before):
        return None
    diff = now - before
    if kind == "rate":
        return None if round(diff * 100, 1) == 0 else f"{diff * 100:+.1f} pts"
    if kind == "money":
        return None if round(diff, 2) == 0 else f"{diff:+,.2f}"
    return None if int(diff) == 0 else f"{int(diff):+,}"


def week_order(labels) -> list[str]:
    """ISO week labels ('2026-W47') in calendar order, once each: a chart's category axis."""
    return sorted(set(labels), key=lambda w: (int(w[:4]), int(w.split("W")[1])))


def breached_items_csv(con, policy, as_of, week: dt.date, category: str | None = None,
                       country: str | None = None) -> bytes | None:
    """Every item of ``week`` breached as of ``as_of`` (each stage, cases and orders, with the
    filters) as a formula-safe CSV, hours to 0.1; None when there is none. The page builds it
    when the download is asked for: at 10M orders a week has tens of thousands."""
    items = stage_status(con, policy, as_of, week=week, status="breached", category=category, country=country)
    items = items.drop(columns=["week", "status"]).reset_index(drop=True)
    return None if items.empty else to_safe_csv(items.round({"hours": 1}))


def late_by_working_hours(due: pd.Series, done: pd.Series, as_of, policy) -> pd.Series:
    """Working hours from each due time to its done time (or ``as_of`` if not done), on the
    policy's calendar, to 0.1 h."""
    end = done.where(done.notna(), pd.Timestamp(as_of))
    return working_hours_between(due, end, policy).round(1)


STAGE_FIGURES = {"met": "met", "breached": "breached", "pending": "pending", "attainment": "attainment %",
                 "p50_hours": "p50 working hours", "p90_hours": "p90 working hours"}
WEEK_FIGURES = {"week": "Week", "orders": "Orders", "cases": "Cases", "refunds": "Refunds paid (count)",
                "refunds_full": "Full refunds paid", "refunds_partial": "Partial refunds paid",
                "refunds_other": "Other refunds paid", "merchant_freight": "Return freight paid by the store",
                "complete": "Complete week"}


def readable_week_csv(frame: pd.DataFrame, stage_label) -> pd.DataFrame:
    """``WeeklyReport.to_csv_frame`` rows with readable headers ("Reply (RP1) attainment %"),
    attainment as a percentage to 0.1, hours and money to 0.1 / 0.01; columns it does not know
    keep their names."""
    out = frame.copy()
    names = {}
    for col in out.columns:
        stage = next((s for s in MERCHANT_STAGES + CUSTOMER_STAGES if col.startswith(f"{s}_")
                      and col[len(s) + 1:] in STAGE_FIGURES), None)
        if stage:
            figure = col[len(stage) + 1:]
            if figure == "attainment":
                out[col] = (out[col] * 100).round(1)
            elif figure.endswith("_hours"):
                out[col] = out[col].round(1)
            names[col] = f"{stage_label(stage)} {STAGE_FIGURES[figure]}"
        elif col in WEEK_FIGURES:
            if col in MONEY:
                out[col] = out[col].astype(float).round(2)
            names[col] = WEEK_FIGURES[col]
    return out.rename(columns=names)


def csv_file_name(last_week: dt.date, weeks: int, category: str | None, country: str | None,
                  what: str = "") -> str:
    """``returns-desk-2026-W47-electronics-DE.csv``; a period names its first and last week
    (``2026-W44-to-W47``); characters a file name should not carry become '-'."""
    first = last_week - dt.timedelta(weeks=weeks - 1)
    span = iso_week(last_week) if weeks == 1 else f"{iso_week(first)}-to-{iso_week(last_week).split('-')[1]}"
    parts = ["returns-desk", span, category or "all-categories", country or "all-countries", what]
    text = "-".join(p for p in parts if p)
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text) + ".csv"


def picked_point(points) -> tuple[str, dt.date] | None:
    """The (stage, week Monday) of the first point a user clicked on the attainment trend, from
    the chart's selection (each picked point is ``{"stage_code": stage, "week_start":
    "YYYY-MM-DD"}``); None when nothing usable is selected."""
    for point in points or ():
        stage = point.get("stage_code") if hasattr(point, "get") else None
        if stage not in MERCHANT_STAGES + CUSTOMER_STAGES:
            continue
        try:
            return str(stage), dt.date.fromisoformat(str(point.get("week_start"))[:10])
        except ValueError:
            continue
    return None
