"""``python -m data alerts``: JSON and CSV for a scheduler, one-line errors with exit 2.

Its own module, so its sample database is not held open by another test's connection (the CLI
opens the file read-only, as a scheduled job beside the app would)."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout

import pandas as pd
import pytest

from data.__main__ import main
from data.alerts import ITEM_COLUMNS

AS_OF = "2026-11-20T10:00:00+08:00"


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(["alerts", *args])
        except SystemExit as exc:  # argparse's own usage errors
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_cli_json(sample_db):
    code, out, err = cli("--db", str(sample_db), "--as-of", AS_OF, "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["as_of"] == "2026-11-20T10:00:00+08:00"
    assert doc["counts"] == {"at_risk": len(doc["at_risk"]), "overdue": len(doc["overdue"])}
    item = next(i for i in doc["overdue"] if i["case_id"])
    assert set(item) == set(ITEM_COLUMNS) and item["agent"] and item["due"].endswith("+08:00")
    assert pd.Timestamp(item["due"]) < pd.Timestamp(doc["as_of"])


def test_cli_csv(sample_db):
    code, out, err = cli("--db", str(sample_db), "--as-of", AS_OF, "--within", "2", "--csv")
    assert code == 0, err
    table = pd.read_csv(io.StringIO(out))
    assert list(table.columns) == ["status", *ITEM_COLUMNS]
    assert set(table["status"]) == {"at_risk", "overdue"}
    assert table["status"].is_monotonic_increasing  # at_risk first


@pytest.mark.parametrize(("args", "message"), [
    (["--as-of", "yesterday-ish", "--json"], "not a timestamp"),
    (["--within", "-2", "--json"], "must be 0 or more"),
    (["--within", "two", "--json"], "not a whole number"),
], ids=["bad as-of", "negative within", "words for within"])
def test_cli_errors_are_one_line_and_exit_2(sample_db, args, message):
    code, out, err = cli("--db", str(sample_db), *args)
    assert code == 2 and message in err and "Traceback" not in err and out == ""


def test_a_missing_database_is_named_not_created(tmp_path):
    missing = tmp_path / "nowhere.duckdb"
    code, out, err = cli("--db", str(missing), "--json")
    assert code == 2 and str(missing) in err and not missing.exists()
