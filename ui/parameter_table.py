"""The policy's parameters as rows for the Policy page (pure, no Streamlit): each key of the
policy file with its label, unit and clause from default.toml's metadata, its value and default."""

from __future__ import annotations

from typing import Any

import pandas as pd

from policy.params import PARAMETERS, Policy, default_policy

COLUMNS = ["key", "label", "value", "unit", "default", "changed", "clause"]


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) if value else "(country's own)"
    if value == "":
        return "(none)"
    return str(value)


def parameter_table(policy: Policy, baseline: Policy | None = None) -> pd.DataFrame:
    """One row per key of the policy file: key, label, value, unit, default (``baseline``),
    whether it differs, and the clause it tunes. Values are text, so the table shows them as
    written."""
    base = (baseline or default_policy()).flat()
    rows = []
    for key, value in policy.flat().items():
        param = PARAMETERS.get(key)
        rows.append({
            "key": key, "label": param.label if param else key.replace("_", " ").capitalize(),
            "value": _show(value), "unit": param.unit if param else "", "default": _show(base.get(key)),
            "changed": value != base.get(key), "clause": param.clause if param else "",
        })
    return pd.DataFrame(rows, columns=COLUMNS)
