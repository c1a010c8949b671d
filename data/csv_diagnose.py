"""Find the first line of a CSV file that cannot be read, and say why, in words a person can act on.

The fast reader (pyarrow) reports a broken file without a line number; this slower pass runs
only after it fails, to name the line: bad UTF-8, a ragged row, a delimiter that changes, a
quote that is never closed.
"""

from __future__ import annotations

import csv
from pathlib import Path

csv.field_size_limit(1 << 30)  # a huge but well-formed cell is not an error


def first_problem(path: Path, delimiter: str = ",") -> str | None:
    """``"line N: ..."`` for the first unreadable line, or None if the file reads cleanly."""
    header = _header(path, delimiter)
    problem = _encoding_problem(path, header, delimiter)
    if problem:
        return problem
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh, delimiter=delimiter, strict=True)
        try:
            header = next(reader)
        except (StopIteration, csv.Error):
            return "line 1: the header line cannot be read"
        expected = len(header)
        while True:
            start = reader.line_num + 1
            try:
                record = next(reader)
            except StopIteration:
                return None
            except csv.Error as exc:
                cells = next(csv.reader([_line(path, start)], delimiter=delimiter), [])
                column = f", column {header[len(cells) - 1]}" if 0 < len(cells) <= expected else ""
                return f"line {start}{column}: {exc} (is a quote opened on this line and never closed?)"
            if not record:
                continue
            if len(record) == expected:
                continue
            if reader.line_num > start:
                column = header[len(record) - 1] if len(record) <= expected else "?"
                return (f"line {start}, column {column}: a quoted cell opened on this line is never "
                        f"closed (it runs on to line {reader.line_num})")
            hint = ""
            others = {",": "commas", ";": "semicolons", "\t": "tabs"}
            if len(record) == 1 and any(sep in record[0] for sep in set(",;\t|") - {delimiter}):
                hint = f"; the delimiter seems to change here (the file uses {others.get(delimiter, repr(delimiter))})"
            return f"line {start}: expected {expected} fields, found {len(record)}{hint}"


def _line(path: Path, number: int) -> str:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for current, text in enumerate(fh, start=1):
            if current == number:
                return text.rstrip("\r\n")
    return ""


def _header(path: Path, delimiter: str) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as fh:
        return next(csv.reader(fh, delimiter=delimiter), [])


def _encoding_problem(path: Path, header: list[str], delimiter: str) -> str | None:
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                cells = next(csv.reader([raw.decode("utf-8", errors="replace")], delimiter=delimiter), [])
                bad = [i for i, cell in enumerate(cells) if "\ufffd" in cell]
                column = f", column {header[bad[0]]}" if bad and bad[0] < len(header) else ""
                return (f"line {number}{column}: not UTF-8 text (byte 0x{raw[exc.start]:02x}); "
                        "save the file as UTF-8 and import it again")
    return None
