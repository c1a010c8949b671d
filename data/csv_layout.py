"""How a CSV file is laid out: its delimiter, its header, and the physical line each record
starts on.

Real exports differ: a European spreadsheet writes ``;`` between cells, a helpdesk puts line
breaks inside quoted comments, a file may carry blank lines. The fast reader (pyarrow) counts
records, not lines, so this module maps records back to the lines a person sees in an editor
(the header is line 1; a record spanning several lines is named by its first line).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .db import DataError

csv.field_size_limit(1 << 30)  # a huge but well-formed cell is not an error

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
SNIFF_BYTES = 256 << 10  # enough for the header and a few hundred rows of any export
SNIFF_RECORDS = 200
COUNT_CHUNK = 16 << 20  # bytes read at a time when counting lines


@dataclass(frozen=True)
class CsvLayout:
    """The file's delimiter and header cells (as written, BOM removed)."""

    delimiter: str
    header: tuple[str, ...]

    @property
    def delimiter_name(self) -> str:
        return DELIMITERS.get(self.delimiter, repr(self.delimiter))


def _sample(path: Path) -> str:
    with path.open("rb") as fh:
        raw = fh.read(SNIFF_BYTES)
    text = raw.decode("utf-8-sig", errors="replace")
    if len(raw) == SNIFF_BYTES:  # the last line may be cut: leave it out
        cut = max(text.rfind("\n"), text.rfind("\r"))
        text = text[: cut + 1] if cut > 0 else text
    return text


def _records(text: str, delimiter: str) -> list[list[str]]:
    out = []
    try:
        for record in csv.reader(text.splitlines(keepends=True), delimiter=delimiter):
            if record:
                out.append(record)
            if len(out) > SNIFF_RECORDS:
                break
    except csv.Error:
        pass
    return out


def sniff(path: Path) -> CsvLayout:
    """Detect the delimiter (comma, semicolon or tab) from the header and the first rows.

    A candidate fits when the header splits into more than one cell and every sampled row has
    as many cells as the header; of those that fit, the one giving most columns wins (comma on a
    tie). When none fits, the delimiter that splits the header into most cells is taken, so the
    reader's error names the ragged line. Raises DataError for a file with no header line.
    """
    text = _sample(path)
    parsed = {d: _records(text, d) for d in DELIMITERS}
    if not parsed[","] or not any(cell.strip() for cell in parsed[","][0]):
        raise DataError(f"{path} has no header line")
    fits = [d for d, recs in parsed.items()
            if len(recs[0]) > 1 and all(len(r) == len(recs[0]) for r in recs[1:])]
    pool = fits or list(DELIMITERS)
    best = max(pool, key=lambda d: (len(parsed[d][0]) if parsed[d] else 0, d == ","))
    return CsvLayout(delimiter=best, header=tuple(parsed[best][0]))


def one_column_hint(layout: CsvLayout) -> str:
    """A sentence describing a header that did not split, for the "no usable column" error."""
    if len(layout.header) > 1:
        return ""
    cell = layout.header[0]
    others = [name for sep, name in (("|", "a bar |"), (":", "a colon"), (" ", "spaces")) if sep in cell.strip()]
    seen = f" (it seems to use {others[0]} between columns)" if others else ""
    return (f" The header line reads as one column{seen}; a CSV file must separate columns with a "
            "comma, a semicolon or a tab.")


def check_header(header: tuple[str, ...] | list[str], read: set[str] | None = None) -> None:
    """Refuse a header naming one column twice (exactly or by case / surrounding spaces).

    ``read`` limits the check to the columns the import would read (None: all); two columns
    no one reads may share a name. The error names both cells and their positions.
    """
    seen: dict[str, int] = {}
    for pos, name in enumerate(header):
        key = name.strip().lower()
        if not key:
            continue
        if key in seen:
            first = seen[key]
            if read is None or header[first] in read or name in read:
                raise DataError(
                    f"the header names one column twice: {header[first]!r} (column {first + 1}) and "
                    f"{name!r} (column {pos + 1}); rename or remove one so the import knows which to read")
            continue
        seen[key] = pos


def _line_count(path: Path) -> tuple[int, bool]:
    """(physical lines, whether any line break is a lone CR)."""
    lines, lone_cr, last = 0, False, b""
    with path.open("rb", buffering=0) as fh:
        while chunk := fh.read(COUNT_CHUNK):
            lines += chunk.count(b"\n")
            if last == b"\r" and chunk[:1] != b"\n":
                lone_cr = True
            if not lone_cr and b"\r" in chunk:  # CR LF files pay two more counts, LF files none
                body = chunk[:-1] if chunk.endswith(b"\r") else chunk  # the next chunk tells
                lone_cr = body.count(b"\r") != body.count(b"\r\n")
            last = chunk[-1:]
    lone_cr = lone_cr or last == b"\r"
    if last and last not in (b"\n", b"\r"):
        lines += 1
    return lines, lone_cr


def record_lines(path: Path, layout: CsvLayout, records: int) -> np.ndarray:
    """The physical line (1-based, header = 1) on which each of ``records`` data records starts.

    One record per line is the common case and costs a byte count; otherwise (blank lines,
    line breaks inside quoted cells) a csv pass finds each record's first line. Returns None
    when that pass finds a different number of records than the reader did (the caller then
    asks ``csv_diagnose`` where the file goes wrong).
    """
    lines, lone_cr = _line_count(path)
    if not lone_cr and lines == records + 1:
        return np.arange(2, records + 2, dtype=np.int64)
    starts = np.empty(records, dtype=np.int64)
    n = 0
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as fh:
        reader = csv.reader(fh, delimiter=layout.delimiter, strict=True)
        try:
            next(reader)
            previous = reader.line_num
            for record in reader:
                if record and n < records:
                    starts[n] = previous + 1
                if record:
                    n += 1
                previous = reader.line_num
        except (csv.Error, StopIteration):
            return None
    return starts if n == records else None
