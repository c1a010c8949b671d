"""Benchmark of the case data layer (issue 3 targets, on this machine):

  generate 10M orders + 2M cases; import a 1M-row CSV, deciding its rows included (target <= 10 s,
  split into the write and the deciding, and the same file again); weekly report over all
  of it cold, decisions included (<= 5 s) and warm (<= 1 s); peak memory of the report
  process (<= 4 GB).

    python bench/bench_data.py [--orders 10000000] [--cases 2000000] [--dir DIR] [--keep]

Each measured step runs in its own process so its peak RSS is its own. One step alone, e.g. the
import into a copy of a kept database (it writes to it):

    python bench/bench_data.py --step import DB.duckdb orders_1m.csv --print
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_UNTIL = "2026-11-26T00:00:00+08:00"  # a pinned end, so every run measures the same history


def _rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6  # Linux: KiB


def step_generate(db: Path, orders: int, cases: int) -> dict:
    from data.db import connect
    from data.sample import generate, load_sample

    t0 = time.perf_counter()
    sample = generate(orders, cases, until=BENCH_UNTIL)
    gen = time.perf_counter() - t0
    con = connect(db, create_sample=False)
    t1 = time.perf_counter()
    load_sample(con, sample=sample)
    load = time.perf_counter() - t1
    con.close()
    return {"generate_s": gen, "load_s": load, "orders": sample.orders.num_rows,
            "cases": sample.cases.num_rows, "peak_rss_gb": _rss_gb()}


def step_make_csv(csv: Path, rows: int) -> dict:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    from data.sample import generate

    t0 = time.perf_counter()
    orders = generate(rows, 0, seed=99).orders
    ids = pc.binary_join_element_wise("BN", pc.utf8_slice_codeunits(orders.column("order_id"), 2), "")
    orders = orders.set_column(0, "order_id", ids)
    cols = {name: (pc.strftime(orders.column(name), format="%Y-%m-%dT%H:%M:%S%z")
                   if pa.types.is_timestamp(orders.schema.field(name).type) else orders.column(name))
            for name in orders.column_names}
    pacsv.write_csv(pa.table(cols), csv)
    return {"csv_rows": rows, "csv_mb": csv.stat().st_size / 1e6, "make_csv_s": time.perf_counter() - t0}


def step_import(db: Path, csv: Path) -> dict:
    """Import the CSV, then the same file again (all unchanged: nothing written or decided).
    ``deciding`` is the part spent keeping the stored facts current (zero without stored facts);
    CPU seconds (all threads) show what a loaded machine's wall clock hides."""
    from data.db import connect
    from data.importer import import_file

    con = connect(db, create_sample=False)
    t0, c0 = time.perf_counter(), time.process_time()
    first = import_file(con, "orders", csv)
    t_first, c_first = time.perf_counter() - t0, time.process_time() - c0
    t1, c1 = time.perf_counter(), time.process_time()
    again = import_file(con, "orders", csv)
    t_again, c_again = time.perf_counter() - t1, time.process_time() - c1
    con.close()
    return {"rows": first.rows, "import_1m_s": t_first, "import_1m_cpu_s": c_first, "import_deciding_s": first.deciding_seconds,
            "inserted": first.inserted, "reimport_1m_s": t_again, "reimport_1m_cpu_s": c_again,
            "reimport_deciding_s": again.deciding_seconds, "reimport_unchanged": again.unchanged,
            "load_avg": os.getloadavg()[0], "peak_rss_gb": _rss_gb()}


def print_import(where: str, imp: dict) -> None:
    print(f"import {imp['rows']:,}-row CSV into {where}: {imp['import_1m_s']:.2f} s [target 10] "
          f"({imp['import_1m_cpu_s']:.1f} CPU-s; write {imp['import_1m_s'] - imp['import_deciding_s']:.2f} s + "
          f"deciding {imp['import_deciding_s']:.2f} s; {imp['inserted']:,} inserted); same file again "
          f"{imp['reimport_1m_s']:.2f} s ({imp['reimport_1m_cpu_s']:.1f} CPU-s, deciding {imp['reimport_deciding_s']:.2f} s; "
          f"{imp['reimport_unchanged']:,} unchanged), load average {imp['load_avg']:.1f}, "
          f"peak {imp['peak_rss_gb']:.2f} GB [target 4]", flush=True)


def step_facts(db: Path) -> dict:
    """Decide every case and order under the store's policy and store the facts (issue 11)."""
    from data.db import connect
    from data.decisions import decisions

    con = connect(db)
    t0 = time.perf_counter()
    decisions(con)
    seconds = time.perf_counter() - t0
    con.close()
    return {"facts_s": seconds, "peak_rss_gb": _rss_gb()}


def step_sample(db: Path) -> dict:
    """The built-in sample (about 60k orders) ending where the big data does."""
    from data.db import connect

    os.environ["RETURNS_DESK_SAMPLE_UNTIL"] = BENCH_UNTIL
    connect(db, quiet=True).close()
    return {}


def cli_report_seconds(db: Path, runs: int = 3) -> float:
    """`python -m data report` in a fresh process, best of ``runs`` (wall clock, start-up included)."""
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "data", "report", "--json", "--db", str(db),
                        "--as-of", "2026-11-26T10:00:00+08:00"],
                       cwd=ROOT, check=True, capture_output=True)
        best = min(best, time.perf_counter() - t0)
    return best


def step_report(db: Path) -> dict:
    from data.db import connect
    from data.report import breached_and_at_risk, weekly_report

    con = connect(db, read_only=True)
    as_of = "2026-11-26T10:00:00+08:00"
    t0, c0 = time.perf_counter(), time.process_time()
    report = weekly_report(con, as_of=as_of)
    cold, cold_cpu = time.perf_counter() - t0, time.process_time() - c0
    t1, c1 = time.perf_counter(), time.process_time()
    weekly_report(con, as_of=as_of)
    warm, warm_cpu = time.perf_counter() - t1, time.process_time() - c1
    t2 = time.perf_counter()
    weekly_report(con, as_of=as_of, category="electronics")
    warm_filtered = time.perf_counter() - t2
    t3 = time.perf_counter()
    items = breached_and_at_risk(con, as_of=as_of)
    at_risk = time.perf_counter() - t3
    t4 = time.perf_counter()
    json.dumps(report.to_dict())
    to_json = time.perf_counter() - t4
    con.close()
    return {"report_cold_s": cold, "report_cold_cpu_s": cold_cpu, "report_warm_s": warm,
            "report_warm_cpu_s": warm_cpu, "load_avg": os.getloadavg()[0], "report_warm_filtered_s": warm_filtered,
            "breached_list_s": at_risk, "breached_rows": len(items), "to_json_s": to_json,
            "weeks": len(report.weeks), "peak_rss_gb": _rss_gb()}


def _child(step: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--step", step, *args], cwd=ROOT,
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"step {step} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--orders", type=int, default=10_000_000)
    p.add_argument("--cases", type=int, default=2_000_000)
    p.add_argument("--import-rows", type=int, default=1_000_000)
    p.add_argument("--dir", type=Path, help="work directory (default: a temporary one)")
    p.add_argument("--keep", action="store_true", help="keep the work directory")
    p.add_argument("--step", help=argparse.SUPPRESS)
    p.add_argument("--print", action="store_true", help="with --step import: print its figures as the full run does")
    p.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.step:
        fn = {"generate": lambda: step_generate(Path(a.args[0]), int(a.args[1]), int(a.args[2])),
              "csv": lambda: step_make_csv(Path(a.args[0]), int(a.args[1])),
              "import": lambda: step_import(Path(a.args[0]), Path(a.args[1])),
              "report": lambda: step_report(Path(a.args[0])),
              "facts": lambda: step_facts(Path(a.args[0])),
              "sample": lambda: step_sample(Path(a.args[0]))}[a.step]
        out = fn()
        if a.print and a.step == "import":
            print_import(Path(a.args[0]).name, out)
        print(json.dumps(out))
        return

    work = a.dir or Path(tempfile.mkdtemp(prefix="bench_data_"))
    work.mkdir(parents=True, exist_ok=True)
    big, csv, fresh = work / "big.duckdb", work / "orders_1m.csv", work / "fresh.duckdb"
    for f in (big, fresh):
        f.unlink(missing_ok=True)
    try:
        print(f"work directory: {work}", flush=True)
        gen = _child("generate", str(big), str(a.orders), str(a.cases))
        print(f"generate {gen['orders']:,} orders + {gen['cases']:,} cases: {gen['generate_s']:.1f} s "
              f"(+ {gen['load_s']:.1f} s writing the database), peak {gen['peak_rss_gb']:.2f} GB", flush=True)
        mk = _child("csv", str(csv), str(a.import_rows))
        print(f"made a {mk['csv_rows']:,}-row CSV ({mk['csv_mb']:.0f} MB) in {mk['make_csv_s']:.1f} s", flush=True)
        facts = _child("facts", str(big))
        print(f"store the facts of every case and order (once per policy): {facts['facts_s']:.1f} s, "
              f"peak {facts['peak_rss_gb']:.2f} GB [target 4]", flush=True)
        rep = _child("report", str(big))
        print(f"weekly report, {rep['weeks']} weeks: cold (decisions included) {rep['report_cold_s']:.2f} s "
              f"({rep['report_cold_cpu_s']:.1f} CPU-s) [target 5], warm {rep['report_warm_s']:.2f} s "
              f"({rep['report_warm_cpu_s']:.1f} CPU-s) [target 1], load average {rep['load_avg']:.1f}, warm one category "
              f"{rep['report_warm_filtered_s']:.2f} s, breached/at-risk list {rep['breached_list_s']:.2f} s, "
              f"peak {rep['peak_rss_gb']:.2f} GB [target 4]", flush=True)
        print_import(f"the {gen['orders']:,}-order database, deciding included", _child("import", str(big), str(csv)))
        sample = work / "sample.duckdb"
        sample.unlink(missing_ok=True)
        _child("sample", str(sample))
        _child("facts", str(sample))
        cli_big, cli_sample = cli_report_seconds(big), cli_report_seconds(sample)
        print(f"`python -m data report`, fresh process: {cli_big:.2f} s at {gen['orders']:,} orders, "
              f"{cli_sample:.2f} s on the sample: {cli_big / cli_sample:.1f}x [target 3x]", flush=True)
        print_import("an empty database", _child("import", str(fresh), str(csv)))
    finally:
        if not a.keep and not a.dir:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
