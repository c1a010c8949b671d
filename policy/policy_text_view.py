"""The policy text split into passages, each marked with the clause it states (pure, no Streamlit).

The app shows the store's policy with each clause id beside its sentence, and opens a clause's
passage from a decision. A clause is found by ``Clause.source`` (a verbatim fragment, unique in
the text). Its passage runs from the start of the line holding that fragment to the next
clause's line, or to the end of the section: in the published text sections are separated by
two or more blank lines, and paragraphs inside a section by one. Lines that belong to no clause
(headings, contact details, the return address) are passages with ``clause=None``.

The segments cover the text exactly: joining their ``text`` gives the text back.
"""

from __future__ import annotations

from dataclasses import dataclass

from policy.clauses import Clause, policy_text


@dataclass(frozen=True)
class Segment:
    """A slice ``text == full_text[start:end]``; ``clause`` None for text no clause states."""

    text: str
    clause: Clause | None
    start: int
    end: int

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line, ``end`` including its newline."""
    spans, pos = [], 0
    for line in text.splitlines(keepends=True):
        spans.append((pos, pos + len(line)))
        pos += len(line)
    return spans


def clause_starts(text: str) -> dict[Clause, int]:
    """Offset of each clause's source fragment in ``text`` (clauses not found are left out)."""
    found = {}
    for clause in Clause:
        at = text.find(clause.source)
        if at >= 0:
            found[clause] = at
    return found


def annotate(text: str | None = None) -> list[Segment]:
    """The text as consecutive segments, each owned by one clause or by none."""
    text = policy_text() if text is None else text
    spans = _lines(text)
    if not spans:
        return []
    starts = clause_starts(text)
    line_of_start: dict[int, Clause] = {}
    for clause, offset in sorted(starts.items(), key=lambda kv: kv[1]):
        line = next(i for i, (a, b) in enumerate(spans) if a <= offset < b)
        line_of_start.setdefault(line, clause)  # two clauses on one line: the first owns it

    blank = [not text[a:b].strip() for a, b in spans]
    owner: list[Clause | None] = [None] * len(spans)
    current: Clause | None = None
    run = 0  # blank lines in a row
    for i, is_blank in enumerate(blank):
        if i in line_of_start:
            current = line_of_start[i]
        if is_blank:
            run += 1
            if run >= 2:
                current = None
            continue
        run = 0
        owner[i] = current
    # A blank line belongs to a clause only between two lines of that same clause.
    for i, is_blank in enumerate(blank):
        if is_blank:
            prev = next((owner[j] for j in range(i - 1, -1, -1) if not blank[j]), None)
            nxt_line = next((j for j in range(i + 1, len(spans)) if not blank[j]), None)
            nxt = owner[nxt_line] if nxt_line is not None else None
            same = prev is not None and prev is nxt and nxt_line not in line_of_start
            owner[i] = prev if same else None

    segments: list[Segment] = []
    seg_start, seg_owner = spans[0][0], owner[0]
    for i in range(1, len(spans)):
        new_clause_here = i in line_of_start
        if owner[i] is not seg_owner or new_clause_here:
            a = spans[i][0]
            segments.append(Segment(text[seg_start:a], seg_owner, seg_start, a))
            seg_start, seg_owner = a, owner[i]
    segments.append(Segment(text[seg_start:], seg_owner, seg_start, len(text)))
    return segments


def clause_passages(text: str | None = None) -> dict[Clause, str]:
    """Each clause's passage, stripped of surrounding blank lines (its lines joined as written)."""
    out: dict[Clause, list[str]] = {}
    for seg in annotate(text):
        if seg.clause is not None:
            out.setdefault(seg.clause, []).append(seg.text)
    return {clause: "".join(parts).strip("\n") for clause, parts in out.items()}


def clause_passage(clause: Clause, text: str | None = None) -> str:
    """The passage of the policy that states ``clause`` ('' when its words are not in the text)."""
    return clause_passages(text).get(clause, "")
