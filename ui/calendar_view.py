"""The working-day calendar of one year as tables for a calendar heatmap (pure, no Streamlit).

``year_table`` lists every day of the year with its kind, read from the same ``WorkingCalendar``
the engines count deadlines with, so the picture and the deadlines cannot disagree:

- ``working``  a weekday that is not a public holiday;
- ``makeup``   an official make-up working day on a weekend (China's 调休), a working day;
- ``holiday``  a public holiday (not a working day), with its name;
- ``weekend``  a weekend day that is not a make-up day.

``heatmap_cells`` lays the days out as weekday rows x week columns (weeks start on Monday, the
first column holds 1 January) with a hover text, for the Vega-Lite spec ``heatmap_spec``;
``month_summary`` counts the kinds per month.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from policy.calendar import WorkingCalendar

KINDS = ("working", "makeup", "weekend", "holiday")  # the heatmap's colours, in this order
KIND_LABELS = {
    "working": "Working day",
    "makeup": "Make-up working day (weekend)",
    "weekend": "Weekend",
    "holiday": "Public holiday",
}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def year_table(cal: WorkingCalendar, year: int) -> pd.DataFrame:
    """One row per day of ``year``: date, month, weekday (Mon = 0), week (column of the grid,
    0 = the week holding 1 January), kind, working (bool), holiday name ('' if none)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if first < cal.first_date or last > cal.last_date:
        raise ValueError(f"{year} is outside the calendar's years "
                         f"{cal.first_date.year}..{cal.last_date.year}")
    start = cal.index_of(first)
    n = (last - first).days + 1
    idx = np.arange(start, start + n)
    days = pd.date_range(first, last, freq="D")
    weekday = days.day_of_week.to_numpy()
    working = cal.working[idx]
    holiday = cal.public_holiday[idx]
    makeup = cal.makeup_day[idx]
    kind = np.where(makeup & working, "makeup",
                    np.where(holiday & ~working, "holiday",
                             np.where(working, "working", "weekend")))
    offset = first.weekday()  # days of the first week that lie in the previous year
    dates = days.date
    return pd.DataFrame({
        "date": dates,
        "month": days.month.to_numpy(),
        "weekday": weekday,
        "week": (np.arange(n) + offset) // 7,
        "kind": pd.Series(kind, dtype="str"),
        "working": working,
        "holiday_name": pd.Series([cal.holiday_names.get(d, "") if h else "" for d, h in zip(dates, holiday)],
                                  dtype="str"),
    })


KIND_COLORS = {"working": "#c8e6c9", "makeup": "#fb8c00", "weekend": "#e0e0e0", "holiday": "#e53935"}


def heatmap_cells(table: pd.DataFrame) -> pd.DataFrame:
    """One row per day for the heatmap: week (column), weekday name (row), kind (colour), and
    the hover text: day (``Wed 2025-01-01``) and what (``Public holiday: New Year's Day``)."""
    return pd.DataFrame({
        "week": table["week"].to_numpy(),
        "weekday": [WEEKDAYS[w] for w in table["weekday"]],
        "kind": table["kind"].to_numpy(),
        "day": [f"{d:%a %Y-%m-%d}" for d in table["date"]],
        "what": [KIND_LABELS[k] + (f": {n}" if n else "") for k, n in zip(table["kind"], table["holiday_name"])],
    })


def month_starts(table: pd.DataFrame) -> list[tuple[int, str]]:
    """(week column, month name) of each month's first day, for the heatmap's axis."""
    starts = table[table["date"].map(lambda d: d.day == 1)]
    return [(int(r.week), f"{r.date:%b}") for r in starts.itertuples(index=False)]


def heatmap_spec(ticks: list[tuple[int, str]], height: int = 220) -> dict:
    """The Vega-Lite spec of the calendar heatmap over ``heatmap_cells``: weekday rows x week
    columns, one colour per kind, months named above their first week. (Vega-Lite, not Plotly:
    its browser code is a sixth of Plotly's, which a new session otherwise loads for this one chart.)"""
    label = "''"
    for week, month in reversed(ticks):  # a lookup from week column to month name
        label = f"datum.value === {week} ? '{month}' : {label}"
    return {
        "height": height,
        "mark": {"type": "rect", "stroke": "white", "strokeWidth": 2},
        "encoding": {
            "x": {"field": "week", "type": "ordinal", "title": None,
                  "axis": {"orient": "top", "values": [w for w, _ in ticks], "labelExpr": label, "labelAngle": 0,
                           "labelAlign": "left", "labelOverlap": False, "labelPadding": 4,
                           "ticks": False, "domain": False}},
            "y": {"field": "weekday", "type": "ordinal", "sort": list(WEEKDAYS), "title": None,
                  "axis": {"ticks": False, "domain": False}},
            "color": {"field": "kind", "type": "nominal", "legend": None,
                      "scale": {"domain": list(KINDS), "range": [KIND_COLORS[k] for k in KINDS]}},
            "tooltip": [{"field": "day", "title": "Day"}, {"field": "what", "title": "Kind"}],
        },
        "config": {"view": {"stroke": None}},
        "padding": {"left": 8, "top": 5, "right": 5, "bottom": 5},  # without it the first month's name is dropped
    }


def month_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per month: working days (incl. make-up days), make-up days, public holidays off, weekend days."""
    counts = pd.crosstab(table["month"], table["kind"]).reindex(columns=list(KINDS), fill_value=0)
    out = pd.DataFrame({
        "month": [dt.date(2000, m, 1).strftime("%b") for m in counts.index],
        "working days": (counts["working"] + counts["makeup"]).to_numpy(),
        "make-up days": counts["makeup"].to_numpy(),
        "public holidays": counts["holiday"].to_numpy(),
        "weekend days": counts["weekend"].to_numpy(),
    })
    return out.reset_index(drop=True)


def special_days(table: pd.DataFrame) -> pd.DataFrame:
    """The holidays and make-up days of the year, in date order: date, kind label, name."""
    special = table[table["kind"].isin(["holiday", "makeup"])]
    return pd.DataFrame({
        "date": special["date"].to_numpy(),
        "weekday": [WEEKDAYS[w] for w in special["weekday"]],
        "kind": [KIND_LABELS[k] for k in special["kind"]],
        "name": special["holiday_name"].to_numpy(),
    }).reset_index(drop=True)
