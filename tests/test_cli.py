"""``python -m policy decide``: JSON Lines in, one decision or error per line out."""

import io
import json
import subprocess
import sys
from pathlib import Path

from policy.cli import main
from tests.policy_cases import case

ROOT = Path(__file__).resolve().parents[1]


def run(lines, *args):
    out = io.StringIO()
    code = main(["decide", *args], stdin=io.StringIO("".join(line + "\n" for line in lines)), stdout=out)
    return code, [json.loads(line) for line in out.getvalue().splitlines()]


def test_each_line_gets_its_decision_in_order():
    code, out = run([json.dumps(case(case_id="a")), json.dumps(case(case_id="b", requested_at="2025-04-20T10:00:00"))])
    assert code == 0
    assert [(o["case_id"], o["outcome"]) for o in out] == [("a", "return_refund"), ("b", "manual_review")]
    assert out[0]["refund"] == {"kind": "full", "amount": 100.0, "currency": "USD"}


def test_bad_lines_get_errors_and_the_rest_are_decided():
    code, out = run(["{not json", json.dumps(case(order_amount=-1)), "", json.dumps(case(case_id="ok"))])
    assert code == 1
    assert out[0]["line"] == 1 and "not valid JSON" in out[0]["error"]["reason"]
    assert out[1] == {"line": 2, "error": {"field": "order_amount", "reason": "must not be negative (got -1)"}}
    assert out[2]["case_id"] == "ok"


def test_policy_file_applies(tmp_path):
    policy = tmp_path / "p.toml"
    policy.write_text("[returns]\nwindow_days = 60\n")
    code, out = run([json.dumps(case(requested_at="2025-04-20T10:00:00"))], "--policy", str(policy))
    assert (code, out[0]["outcome"]) == (0, "return_refund")


def test_bad_policy_file_exits_2(tmp_path, capsys):
    policy = tmp_path / "p.toml"
    policy.write_text("[returns]\nwindow_days = -3\n")
    code, out = run([json.dumps(case())], "--policy", str(policy))
    assert (code, out) == (2, [])
    assert "returns.window_days" in capsys.readouterr().err


def test_module_entry_point_and_help():
    done = subprocess.run([sys.executable, "-m", "policy", "decide"], input=json.dumps(case()) + "\n",
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0
    assert '"amount": 100.00' in done.stdout  # exact two-decimal money on the wire
    helped = subprocess.run([sys.executable, "-m", "policy", "--help"], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert helped.returncode == 0 and "decide" in helped.stdout
