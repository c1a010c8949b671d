"""The worked examples of policy-spec.md section 4, from ``worked_examples.toml``: one file read
by the Case lookup page's enquiry form (the inputs) and by tests/test_worked_examples.py (the
inputs and what the spec says the decision is)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

EXAMPLES_PATH = Path(__file__).resolve().parent / "worked_examples.toml"


@dataclass(frozen=True)
class WorkedExample:
    id: str                    # "4-slight-defect-partial-refund"
    title: str                 # "4 · Slight defect, partial refund"
    case: dict[str, Any]       # as ``decide`` takes it
    expected: dict[str, Any]   # outcome, refund {kind, amount}, payers, missing, deadlines, clauses


@cache
def worked_examples() -> tuple[WorkedExample, ...]:
    data = tomllib.loads(EXAMPLES_PATH.read_text(encoding="utf-8"))
    return tuple(WorkedExample(id=e["id"], title=e["title"], case=dict(e["case"]), expected=dict(e["expected"]))
                 for e in data["example"])


def example_inputs() -> dict[str, dict[str, Any]]:
    """Title -> the case's fields, for the enquiry form."""
    return {e.title: dict(e.case) for e in worked_examples()}
