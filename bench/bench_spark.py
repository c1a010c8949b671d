"""Benchmark of the Spark engine (issue 12) beside the DuckDB engine, on the same input:

  generate orders and cases (bench_data's generator and pinned end), load them into a DuckDB
  file and export both tables as Parquet; then, each in its own process,
  - DuckDB: ``data.decisions.compute`` over the database (every fact, in memory);
  - Spark local mode: the JVM start (session, project shipped) apart, the decide step to
    persisted rows at each Arrow batch size asked for, then ``write_facts`` (the whole facts
    folder: read, check, join, decide, order counts, Parquet partitioned by week).
  Prints seconds per 1M cases, wall and CPU (the process tree's, JVM and Python workers
  included: the machine may be shared).

    python bench/bench_spark.py [--orders 2000000] [--cases 1000000] [--master local[2]] [--driver-memory 2g]
                                [--batch-rows 200000,10000,200000] [--dir DIR] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_UNTIL = "2026-11-26T00:00:00+08:00"  # bench_data.py's pinned end


def tree_cpu_seconds(root: int) -> float:
    """CPU seconds of ``root`` and every live descendant (each with its reaped children)."""
    tick = os.sysconf("SC_CLK_TCK")
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry.name)] = (int(fields[1]), sum(int(f) for f in fields[11:15]))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += stats.get(pid, (0, 0))[1]
        todo.extend(child for child, (parent, _) in stats.items() if parent == pid)
    return total / tick


def step_generate(work: Path, orders: int, cases: int) -> dict:
    from data.db import connect
    from data.sample import generate, load_sample

    t0 = time.perf_counter()
    con = connect(work / "bench.duckdb", create_sample=False)
    load_sample(con, sample=generate(orders, cases, until=BENCH_UNTIL))
    for table in ("orders", "cases"):
        con.execute(f"COPY {table} TO '{work / table}.parquet' (FORMAT parquet)")
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in ("orders", "cases")}
    con.close()
    return {"prepare_s": time.perf_counter() - t0, **counts}


def step_duckdb(work: Path) -> dict:
    from data.db import connect
    from data.decisions import compute
    from policy import load_policy

    con = connect(work / "bench.duckdb", read_only=True)
    policy = load_policy()
    t0, c0 = time.perf_counter(), time.process_time()
    decided = compute(con, policy)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    con.close()
    return {"compute_s": seconds, "compute_cpu_s": cpu, "cases": decided.case_facts.num_rows}


def step_spark(work: Path, master: str, batch_rows: list[int], driver_memory: str) -> dict:
    from data import spark_facts
    from policy import load_policy

    policy = load_policy()
    orders, cases = work / "orders.parquet", work / "cases.parquet"
    me = os.getpid()
    t0, c0 = time.perf_counter(), tree_cpu_seconds(me)
    spark = spark_facts.session(master, **{"spark.ui.showConsoleProgress": "false", "spark.ui.enabled": "false",
                                           "spark.driver.memory": driver_memory})
    spark.range(1).count()  # the first job starts the executor side too
    out = {"jvm_start_s": time.perf_counter() - t0, "jvm_start_cpu_s": tree_cpu_seconds(me) - c0, "decide": []}
    for rows in batch_rows:
        spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(rows))
        t1, c1 = time.perf_counter(), tree_cpu_seconds(me)
        with spark_facts.data_errors():
            facts = spark_facts.decide(spark, orders, cases, policy)
            for frame in facts.persisted:
                frame.count()
        out["decide"].append({"batch_rows": rows, "s": time.perf_counter() - t1,
                              "cpu_s": tree_cpu_seconds(me) - c1})
        facts.unpersist()
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(spark_facts.ARROW_BATCH_ROWS))
    target = work / "facts"
    t2, c2 = time.perf_counter(), tree_cpu_seconds(me)
    manifest = spark_facts.write_facts(orders, cases, policy, target, spark)
    out.update(write_s=time.perf_counter() - t2, write_cpu_s=tree_cpu_seconds(me) - c2, rows=manifest["rows"],
               batch_rows_default=spark_facts.ARROW_BATCH_ROWS)
    spark.stop()
    return out


def _child(step: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--step", step, *args], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"step {step} failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--orders", type=int, default=2_000_000)
    p.add_argument("--cases", type=int, default=1_000_000)
    p.add_argument("--master", default="local[2]", help="Spark master (default: local[2], this machine's cores)")
    p.add_argument("--driver-memory", default="2g", help="the local-mode JVM's heap (Spark's default: 1g)")
    p.add_argument("--batch-rows", default="200000,10000,200000",
                   help="Arrow batch sizes to time the decide step at, in order (comma-separated; the first "
                        "run also warms the JVM up)")
    p.add_argument("--dir", type=Path, help="work directory (default: a temporary one)")
    p.add_argument("--keep", action="store_true", help="keep the work directory")
    p.add_argument("--step", help=argparse.SUPPRESS)
    p.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.step:
        fn = {"generate": lambda: step_generate(Path(a.args[0]), int(a.args[1]), int(a.args[2])),
              "duckdb": lambda: step_duckdb(Path(a.args[0])),
              "spark": lambda: step_spark(Path(a.args[0]), a.args[1], [int(r) for r in a.args[2].split(",")],
                                          a.args[3])}[a.step]
        print(json.dumps(fn()))
        return

    work = a.dir or Path(tempfile.mkdtemp(prefix="bench_spark_"))
    work.mkdir(parents=True, exist_ok=True)
    for stale in ("bench.duckdb", "orders.parquet", "cases.parquet"):
        (work / stale).unlink(missing_ok=True)
    shutil.rmtree(work / "facts", ignore_errors=True)
    try:
        print(f"work directory: {work}; load average {os.getloadavg()[0]:.1f}", flush=True)
        gen = _child("generate", str(work), str(a.orders), str(a.cases))
        per_m = 1_000_000 / gen["cases"]
        print(f"{gen['orders']:,} orders + {gen['cases']:,} cases generated, loaded and exported as Parquet "
              f"in {gen['prepare_s']:.1f} s", flush=True)
        duck = _child("duckdb", str(work))
        print(f"DuckDB engine (compute, in memory): {duck['compute_s']:.1f} s ({duck['compute_cpu_s']:.1f} CPU-s) = "
              f"{duck['compute_s'] * per_m:.1f} s per 1M cases; load average {os.getloadavg()[0]:.1f}", flush=True)
        spark = _child("spark", str(work), a.master, a.batch_rows, a.driver_memory)
        print(f"Spark {a.master}: JVM start and session {spark['jvm_start_s']:.1f} s "
              f"({spark['jvm_start_cpu_s']:.1f} CPU-s)", flush=True)
        for run in spark["decide"]:
            print(f"  decide to persisted rows, Arrow batches of {run['batch_rows']:,}: {run['s']:.1f} s "
                  f"({run['cpu_s']:.1f} CPU-s) = {run['s'] * per_m:.1f} s per 1M cases", flush=True)
        print(f"  write_facts (read, check, join, decide, count, write the folder; batches of "
              f"{spark['batch_rows_default']:,}): {spark['write_s']:.1f} s ({spark['write_cpu_s']:.1f} CPU-s) = "
              f"{spark['write_s'] * per_m:.1f} s per 1M cases; rows {spark['rows']}; "
              f"load average {os.getloadavg()[0]:.1f}", flush=True)
    finally:
        if not a.keep and not a.dir:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
