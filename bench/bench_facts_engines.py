"""Benchmark of the facts engines (issue 12): ``python -m data facts --engine E --out DIR`` on
the same Parquet input, as seconds per 1M cases, side by side.

    python bench/bench_facts_engines.py [--engine duckdb] [--engine spark] [--orders 1000000]
        [--cases 200000] [--db FILE] [--dir DIR] [--keep]

The input is the generated sample (``--orders``/``--cases``, pinned to one end date) or the
orders and cases of an existing database (``--db``, read-only), exported to one Parquet file per
table. Each engine runs in its own process (its peak RSS and CPU seconds are its own) through
``time_facts_engine``, which the Spark side calls the same way. The DuckDB engine's figure is
split into reading the input (through the importer's checks), deciding and writing.
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
ENGINES = ("duckdb", "spark")


def export_parquet(db: Path, folder: Path) -> tuple[Path, Path]:
    """The database's orders and cases as ``folder/orders.parquet`` and ``folder/cases.parquet``."""
    import duckdb

    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db), read_only=True)
    try:
        for table in ("orders", "cases"):
            con.execute(f"COPY {table} TO '{folder / table}.parquet' (FORMAT parquet)")
    finally:
        con.close()
    return folder / "orders.parquet", folder / "cases.parquet"


def make_parquet_input(folder: Path, orders: int, cases: int) -> tuple[Path, Path]:
    """Generate ``orders`` orders and about ``cases`` cases and export them as Parquet."""
    from data.db import connect
    from data.sample import generate, load_sample

    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "input.duckdb"
    con = connect(db, create_sample=False)
    try:
        load_sample(con, sample=generate(orders, cases, until=BENCH_UNTIL))
    finally:
        con.close()
    paths = export_parquet(db, folder)
    db.unlink()
    return paths


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def time_facts_engine(engine: str, orders: Path, cases: Path, out: Path, policy=None) -> dict:
    """Run one engine's ``write_facts`` on the input in this process: wall and CPU seconds,
    seconds per 1M cases, rows, peak RSS; the DuckDB engine adds its steps' seconds."""
    import pyarrow.parquet as pq

    from policy import load_policy

    policy = policy or load_policy()
    n_cases = pq.read_metadata(cases).num_rows if Path(cases).is_file() else None
    cpu0, t0 = _cpu_s(), time.perf_counter()
    if engine == "duckdb":
        from data.duckdb_facts import write_facts

        done = write_facts(orders, cases, policy, out)
        steps = done["seconds"]
        n_cases = done["read"]["cases"]
    elif engine == "spark":
        from data.spark_facts import write_facts

        write_facts(orders, cases, policy, out)
        steps = {}
    else:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}")
    wall, cpu = time.perf_counter() - t0, _cpu_s() - cpu0
    rows = json.loads((Path(out) / "manifest.json").read_text())["rows"]
    return {"engine": engine, "cases": n_cases, "wall_s": wall, "cpu_s": cpu,
            "s_per_1m_cases": wall / n_cases * 1e6 if n_cases else None, "steps_s": steps, "rows": rows,
            "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6}


def _child(engine: str, orders: Path, cases: Path, out: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--step", engine, str(orders), str(cases), str(out)],
                          capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise SystemExit(f"{engine} engine failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def describe(result: dict) -> str:
    steps = ", ".join(f"{k} {v:.1f} s" for k, v in result["steps_s"].items())
    return (f"{result['engine']:>6} engine: {result['cases']:,} cases, {result['rows']['stage_facts']:,} stage items: "
            f"{result['wall_s']:.1f} s wall, {result['cpu_s']:.1f} CPU-s = {result['s_per_1m_cases']:.1f} s per 1M cases"
            + (f" ({steps})" if steps else "") + f"; peak {result['peak_rss_gb']:.2f} GB")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--engine", action="append", choices=ENGINES, help="engine(s) to time (default: duckdb)")
    p.add_argument("--orders", type=int, default=1_000_000)
    p.add_argument("--cases", type=int, default=200_000)
    p.add_argument("--db", type=Path, help="take the input from this database (read-only) instead of generating it")
    p.add_argument("--dir", type=Path, help="work directory (default: a temporary one)")
    p.add_argument("--keep", action="store_true", help="keep the work directory")
    p.add_argument("--step", help=argparse.SUPPRESS)
    p.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.step:
        print(json.dumps(time_facts_engine(a.step, *map(Path, a.args))))
        return
    work = a.dir or Path(tempfile.mkdtemp(prefix="bench-facts-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        t0 = time.perf_counter()
        if a.db:
            orders, cases = export_parquet(a.db, work / "input")
            source = f"{a.db}"
        else:
            orders, cases = make_parquet_input(work / "input", a.orders, a.cases)
            source = f"the generated sample ({a.orders:,} orders)"
        print(f"input: {source} as Parquet in {time.perf_counter() - t0:.1f} s "
              f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)", flush=True)
        for engine in a.engine or ["duckdb"]:
            print(describe(_child(engine, orders, cases, work / f"facts-{engine}")), flush=True)
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
