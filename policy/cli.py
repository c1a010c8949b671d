"""``python -m policy decide``: decide cases given as JSON Lines, one decision per line.

A line that cannot be read or decided gets an error object on its own line, naming the
field and the reason; the other lines are still decided. The exit code is 1 if any line
failed, 2 for a bad policy file or command line.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import IO

from policy.case import CaseError
from policy.decision import dumps
from policy.params import PolicyError, load_policy
from policy.rules import decide

DESCRIPTION = """Returns Desk policy engine.

  python -m policy decide [--policy FILE] < cases.jsonl > decisions.jsonl

Each input line is one case as a JSON object with the fields of policy-spec.md ("Case
(input)"): order_id, order_amount, category, placed_at, request, reason, requested_at, ...
Timestamps are ISO 8601; without an offset they are read in the policy's time zone.
Each output line is the decision for the input line at the same position, or
{"line": N, "error": {"field": ..., "reason": ...}} when that line cannot be decided.
Blank lines are skipped and produce no output.
"""


def main(argv: Sequence[str] | None = None, stdin: IO[str] | None = None, stdout: IO[str] | None = None) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    parser = argparse.ArgumentParser(prog="python -m policy", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    decide_cmd = commands.add_parser("decide", help="decide cases read as JSON Lines from stdin",
                                     description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    decide_cmd.add_argument("--policy", metavar="FILE", help="policy TOML file merged over the defaults")
    args = parser.parse_args(argv)

    try:
        policy = load_policy(args.policy)
    except PolicyError as exc:
        print(f"error: policy file: {exc}", file=sys.stderr)
        return 2

    failed = 0
    for number, line in enumerate(stdin, start=1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
            result = decide(case, policy).to_json()
        except json.JSONDecodeError as exc:
            result, failed = _error(number, "", f"not valid JSON: {exc.msg} at column {exc.colno}"), failed + 1
        except CaseError as exc:
            result, failed = _error(number, exc.field, exc.reason), failed + 1
        except (ValueError, TypeError, OverflowError) as exc:
            result, failed = _error(number, "", str(exc)), failed + 1
        except RecursionError:  # a line nested thousands of levels deep: no case looks like it
            result, failed = _error(number, "", "not a case: JSON nested too deeply"), failed + 1
        stdout.write(result + "\n")
    stdout.flush()
    if failed:
        print(f"{failed} line(s) could not be decided", file=sys.stderr)
    return 1 if failed else 0


def _error(line: int, field: str, reason: str) -> str:
    return dumps({"line": line, "error": {"field": field, "reason": reason}})
