"""The working-day calendar of one year as tables for a calendar heatmap (pure, no Streamlit).

``year_table`` lists every day of the year with its kind, read from the same ``WorkingCalendar``
the engines count deadlines with, so the picture and the deadlines cannot disagree:

- ``working``  a weekday that is not a public holiday;
- ``makeup``   an official make-up working day on a weekend (China's 调休), a working day;
- ``holiday``  a public holiday (not a working day), with its name;
- ``weekend``  a weekend day that is not a make-up day.

``heatmap_grid`` lays the days out as weekday rows x week columns (weeks start on Monday, the
first column holds 1 January), with a numeric code per cell for the colour scale and a hover
text; ``month_summary`` counts the kinds per month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from policy.calendar import WorkingCalendar

KINDS = ("working", "makeup", "weekend", "holiday")  # the codes 0..3 of the heatmap
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


@dataclass(frozen=True)
class HeatmapGrid:
    """``z[weekday][week]``: kind code (index in ``KINDS``) or NaN outside the year;
    ``text`` the hover text of each cell; ``x`` the week columns' labels (their Monday's date);
    ``y`` the weekday names; ``month_ticks`` (week column, month name) where each month starts."""

    z: list[list[float]]
    text: list[list[str]]
    x: list[str]
    y: list[str]
    month_ticks: list[tuple[int, str]]


def heatmap_grid(table: pd.DataFrame) -> HeatmapGrid:
    weeks = int(table["week"].max()) + 1
    z = np.full((7, weeks), np.nan)
    text = [["" for _ in range(weeks)] for _ in range(7)]
    codes = {k: i for i, k in enumerate(KINDS)}
    for row in table.itertuples(index=False):
        z[row.weekday, row.week] = codes[row.kind]
        label = KIND_LABELS[row.kind] + (f": {row.holiday_name}" if row.holiday_name else "")
        text[row.weekday][row.week] = f"{row.date:%a %Y-%m-%d}<br>{label}"
    first = table["date"].iloc[0]
    monday = first - dt.timedelta(days=first.weekday())
    x = [(monday + dt.timedelta(weeks=w)).isoformat() for w in range(weeks)]
    starts = table[table["date"].map(lambda d: d.day == 1)]
    ticks = [(int(r.week), f"{r.date:%b}") for r in starts.itertuples(index=False)]
    return HeatmapGrid(z=z.tolist(), text=text, x=x, y=list(WEEKDAYS), month_ticks=ticks)


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
