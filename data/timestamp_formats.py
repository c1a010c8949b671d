"""Detect how an export writes its timestamps, so an empty format on the Data page means "find
out" rather than "ISO 8601 or fail on every cell".

A short list of the layouts real exports use is tried on the sample cells of every timestamp
column the map reads; the one format that reads them all is taken. None or several (``03/04/2025``
reads day-first and month-first alike) is said, and the person is asked to type the format.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import duckdb

from . import sql

ISO = ""  # the importer's own reading (a map without a format): ISO 8601, with or without a time;
# DuckDB's cast also reads year-first with slashes (2025/03/04 09:00), so no format is listed for it
CANDIDATES: dict[str, str] = {
    ISO: "ISO 8601 (2025-03-04 09:00)",
    "%m/%d/%Y %H:%M": "month/day/year hour:minute (3/4/2025 09:00)",
    "%m/%d/%Y %H:%M:%S": "month/day/year hour:minute:second",
    "%m/%d/%Y %I:%M %p": "month/day/year 12-hour clock (3/4/2025 9:00 PM)",
    "%m/%d/%Y": "month/day/year, no time",
    "%d/%m/%Y %H:%M": "day/month/year hour:minute (4/3/2025 09:00)",
    "%d/%m/%Y %H:%M:%S": "day/month/year hour:minute:second",
    "%d/%m/%Y": "day/month/year, no time",
    "%d.%m.%Y %H:%M": "day.month.year hour:minute (04.03.2025 09:00)",
    "%d.%m.%Y %H:%M:%S": "day.month.year hour:minute:second",
    "%d.%m.%Y": "day.month.year, no time",
    "%d-%m-%Y %H:%M": "day-month-year hour:minute",
    "%d-%m-%Y %H:%M:%S": "day-month-year hour:minute:second",
}


@dataclass(frozen=True)
class FormatGuess:
    """What the sample says: ``fmt`` is the one fitting format ("" = ISO 8601) or None when none
    or several fit (``fitting`` lists them); ``cells`` is how many distinct cells were tried.
    When none fits, ``closest`` is the one format reading the most cells (read with it, the import
    names just the cells it cannot read), or ISO 8601 when no format reads any or two tie."""

    fmt: str | None
    fitting: tuple[str, ...]
    cells: int
    closest: str = ISO
    closest_reads: int = 0

    @property
    def ambiguous(self) -> bool:
        return len(self.fitting) > 1

    @property
    def to_use(self) -> str | None:
        """The format to import with: the detected one, else the closest; None when ambiguous."""
        if self.ambiguous:
            return None
        return self.fmt if self.fmt is not None else self.closest

    @property
    def sentence(self) -> str:
        if not self.cells:
            return "No timestamps without an offset in the first rows: read as ISO 8601."
        if self.fmt is not None:
            shown = CANDIDATES[ISO] if self.fmt == ISO else f"{self.fmt}: {CANDIDATES[self.fmt]}"
            return f"Detected {shown}; it reads all {self.cells:,} distinct sample value(s)."
        if self.fitting:
            return ("Several formats read every sample value: " + "; ".join(
                CANDIDATES[ISO] if f == ISO else f"{f} ({CANDIDATES[f]})" for f in self.fitting)
                + ". Type the one the file uses.")
        closest = CANDIDATES[ISO] if self.closest == ISO else f"{self.closest} ({CANDIDATES[self.closest]})"
        return (f"No common format reads all {self.cells:,} distinct sample value(s); the closest, {closest}, reads "
                f"{self.closest_reads:,}, and the import names the cells it cannot read. If the file uses another "
                "layout, type the file's format (strftime, such as %d/%m/%Y %H:%M).")


def detect_format(cells: Iterable[object]) -> FormatGuess:
    """The format among ``CANDIDATES`` that reads every cell (the importer's own parsing)."""
    values = [str(c) for c in cells if c is not None and str(c).strip() and str(c) != "nan"]
    con = duckdb.connect()
    try:
        con.execute(sql.load("import_macros"))
        q = sql.load("timestamp_format_fit")
        counts = {fmt: con.execute(q, sql.params_for(q, {"cells": values, "fmt": fmt or None})).fetchall()[0]
                  for fmt in CANDIDATES}
    finally:
        con.close()
    total = counts[ISO][1]
    if not total:
        return FormatGuess(fmt=ISO, fitting=(ISO,), cells=0)
    fitting = tuple(fmt for fmt, (readable, _) in counts.items() if readable == total)
    most = max(readable for readable, _ in counts.values())
    best = [fmt for fmt, (readable, _) in counts.items() if readable == most]
    closest = best[0] if most and len(best) == 1 else ISO
    return FormatGuess(fmt=fitting[0] if len(fitting) == 1 else None, fitting=fitting, cells=total,
                       closest=closest, closest_reads=counts[closest][0])
