"""Benchmark of the what-if replay (issue 11, part 3: at most 3 s for 1M cases).

The baseline's facts are stored once (not timed: that is the policy's first use, as the page's
progress bar says); then ``data.whatif.compare`` replays a period under two scenarios, one that
changes only case-side keys (the return window) and one that changes the order side too
(processing hours), in both orders: the first scenario of a period reads the period's input
(nothing kept: ``whatif.clear_kept()`` before it), the second one reuses what the first kept, as
a policy owner's second try does. Periods: a long one covering about half the cases (1M of the
2M at 10M orders) and a typical 4 weeks. One untimed replay first, so every timed one finds the
database's columns in DuckDB's buffers as a running server does.

    python bench/bench_whatif.py DB [--as-of 2026-11-26T10:00:00+08:00]

DB must be writable (the baseline's facts are stored in it when missing): copy a shared one.
Each replay's line is followed by its split into the steps ``compare`` reports as progress:
wall and CPU seconds (the whole process: helper threads run beside the step that started them)
from each step's report to the next.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

AS_OF = "2026-11-26T10:00:00+08:00"


def timed_replay(compare, con, base, scenario, period, as_of) -> tuple:
    """``compare``'s result and its marks: (step, wall clock, process CPU) at the start and at
    each progress report (the last one is "Done")."""
    marks = [("start", time.perf_counter(), time.process_time())]
    result = compare(con, base, scenario, period, as_of=as_of,
                     progress=lambda _fraction, text: marks.append((text, time.perf_counter(), time.process_time())))
    return result, marks


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("db", type=Path)
    p.add_argument("--as-of", default=AS_OF)
    a = p.parse_args()

    from data import whatif
    from data.db import connect
    from data.decisions import decisions
    from data.whatif import compare
    from policy import default_policy

    con = connect(a.db, create_sample=False)
    base = default_policy()
    t0 = time.perf_counter()
    decisions(con, base)
    print(f"baseline facts ready (stored once per policy): {time.perf_counter() - t0:.2f} s", flush=True)
    total = con.execute("SELECT count(*) FROM cases").fetchall()[0][0]
    last = dt.date.fromisoformat(a.as_of[:10])
    # The period ending at the as-of date that holds about half the cases (1M of 2M at 10M orders).
    half = con.execute("SELECT quantile_disc(requested_at, 0.5) FROM cases").fetchall()[0][0].date()
    periods = {"long": (half, last), "4 weeks": (last - dt.timedelta(days=27), last)}
    scenarios = {"return window 45 days": base.replace({"returns.window_days": 45}),
                 "processing 24 h": base.replace({"processing.hours": 24})}
    print(f"{total:,} cases in the database; load average {os.getloadavg()[0]:.1f}", flush=True)
    compare(con, base, scenarios["processing 24 h"], periods["long"], as_of=a.as_of)  # warm-up, untimed
    names = list(scenarios)
    for period_name, period in periods.items():
        for order in (names, names[::-1]):
            whatif.clear_kept()
            for scen_name, run in zip(order, ("first of the period", "second scenario, same period"), strict=True):
                r, marks = timed_replay(compare, con, base, scenarios[scen_name], period, a.as_of)
                wall, cpu = marks[-1][1] - marks[0][1], marks[-1][2] - marks[0][2]
                print(f"what-if [{scen_name}], {period_name} {period[0]}..{period[1]} ({run}): "
                      f"{r.cases:,} cases, {r.orders:,} orders, {r.changed:,} changed: {wall:.2f} s "
                      f"({cpu:.1f} CPU-s; load average {os.getloadavg()[0]:.1f}) [target 3 s per 1M cases]", flush=True)
                print("    " + "; ".join(f"{step.split(' under')[0]}: {t1 - t0:.2f} s ({c1 - c0:.1f} CPU-s)"
                                          for (step, t0, c0), (_, t1, c1) in zip(marks[1:], marks[2:], strict=False)),
                      flush=True)
    print(f"peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6:.2f} GB; "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    con.close()


if __name__ == "__main__":
    main()
