"""Benchmark the policy engines: decide_frame on 1,000,000 varied cases vs decide per case.

Prints figures; it asserts nothing (targets: <= 1.0 s for 1M cases, >= 50x the per-case
path, < 1 ms per decide call). Run: python bench/bench_policy.py [--rows N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from policy import decide, decide_frame, default_policy  # noqa: E402
from policy.decision import Reason, Request  # noqa: E402

HOUR = pd.Timedelta(hours=1)


def varied_cases(n: int, seed: int = 7) -> pd.DataFrame:
    """Cases of every request and reason, with milestones around every boundary."""
    rng = np.random.default_rng(seed)
    zone = "Asia/Shanghai"
    placed = pd.Timestamp("2024-01-01", tz=zone) + pd.to_timedelta(rng.integers(0, 3 * 365 * 24 * 60, n), unit="min")
    shipped = placed + pd.to_timedelta(rng.integers(1, 120, n), unit="h")
    delivered = shipped + pd.to_timedelta(rng.integers(24, 240, n), unit="h")
    promised = shipped + pd.to_timedelta(rng.integers(48, 200, n), unit="h")
    requested = placed + pd.to_timedelta(rng.integers(1, 24 * 120, n), unit="h")
    frame = pd.DataFrame({
        "case_id": [f"C{i}" for i in range(n)],
        "order_id": [f"O{i}" for i in range(n)],
        "order_amount": np.round(rng.uniform(0, 800, n), 2),
        "category": rng.choice(["electronics", "apparel", "home", "toys"], n),
        "placed_at": placed,
        "shipped_at": pd.Series(shipped).where(rng.random(n) > 0.05),
        "delivered_at": pd.Series(delivered).where(rng.random(n) > 0.1),
        "promised_delivery_at": pd.Series(promised).where(rng.random(n) > 0.2),
        "request": rng.choice([r.value for r in Request], n, p=[0.15, 0.6, 0.15, 0.1]),
        "reason": rng.choice([r.value for r in Reason], n),
        "requested_at": requested,
        "prior_contact": rng.random(n) > 0.03,
        "has_order_number": rng.random(n) > 0.05,
        "has_shipping_address": rng.random(n) > 0.05,
        "has_media": rng.random(n) > 0.1,
        "correct_use": rng.random(n) > 0.1,
        "replied_at": pd.Series(requested + pd.to_timedelta(rng.integers(1, 100, n), unit="h")).where(rng.random(n) > 0.3),
        "return_received_at": pd.Series(requested + pd.to_timedelta(rng.integers(48, 400, n), unit="h")).where(rng.random(n) > 0.5),
        "freight_claimed_at": pd.Series(requested + pd.to_timedelta(rng.integers(48, 400, n), unit="h")).where(rng.random(n) > 0.7),
    })
    return frame


def as_case(row: dict) -> dict:
    provided = [name for name, col in (("order_number", "has_order_number"),
                                       ("shipping_address", "has_shipping_address"), ("media", "has_media"))
                if row.pop(col)]
    case = {k: (None if pd.isna(v) else v) for k, v in row.items()}
    case["provided"] = provided
    return case


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--single", type=int, default=5_000, help="cases for the per-case timing")
    args = parser.parse_args()
    policy = default_policy()
    frame = varied_cases(args.rows)
    decide_frame(frame.head(1000), policy)  # build the calendar table once, outside the timing

    runs = []
    for _ in range(3):
        start = time.perf_counter()
        out = decide_frame(frame, policy)
        runs.append(time.perf_counter() - start)
    bulk = min(runs)

    cases = [as_case(r) for r in frame.head(args.single).to_dict("records")]
    start = time.perf_counter()
    for case in cases:
        decide(case, policy)
    single = (time.perf_counter() - start) / len(cases)

    per_case_bulk = bulk / args.rows
    print(f"decide_frame: {args.rows:,} cases in {bulk:.3f} s (best of 3: {', '.join(f'{r:.3f}' for r in runs)})")
    print(f"decide: {single * 1e6:.0f} us per case (mean over {len(cases):,} cases)")
    print(f"speed-up of decide_frame over decide: {single / per_case_bulk:.0f}x")
    print("outcomes:", out["outcome"].value_counts().to_dict())


if __name__ == "__main__":
    main()
