"""An import killed at random points leaves the database as before or fully imported, and the
database opens cleanly afterwards (DuckDB's write-ahead log is replayed on open)."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import data

ROOT = Path(__file__).resolve().parents[1]
KILLS = 20
ROWS = 60_000
HEADER = "order_id,placed_at,order_amount,currency,category,country,status"


def count(path: Path) -> int:
    con = data.connect(path, create_sample=False, quiet=True)
    try:
        return con.cursor().execute("SELECT count(*) FROM orders").fetchall()[0][0]
    finally:
        con.close()


@pytest.mark.slow
def test_import_killed_twenty_times(tmp_path):
    db = tmp_path / "kill.duckdb"
    count(db)  # an empty database with the schema
    csv = tmp_path / "orders.csv"
    csv.write_text(HEADER + "\n" + "\n".join(
        f"K{i},2025-03-03T09:00:00+08:00,{i % 500}.25,USD,home,CN,placed" for i in range(ROWS)) + "\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # The import as the command line runs it, without depending on argument parsing.
    script = ("import sys, data; from data.importer import import_file; "
              "con = data.connect(sys.argv[2], create_sample=False, quiet=True); "
              "import_file(con, 'orders', sys.argv[1]); con.close()")
    command = [sys.executable, "-c", script, str(csv), str(db)]

    # How long one whole import takes here, so the kills land all through it.
    start = time.monotonic()
    subprocess.run(command, env=env, cwd=tmp_path, check=True, capture_output=True, timeout=120)
    full = time.monotonic() - start
    assert count(db) == ROWS
    db.unlink()
    count(db)

    rng = random.Random(20261126)
    outcomes = []
    for _ in range(KILLS):
        before = count(db)
        process = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, full * 1.1))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        after = count(db)  # opens cleanly, or this raises
        assert after in (before, ROWS), (before, after)
        outcomes.append("imported" if after == ROWS and before != ROWS else "unchanged")
        if after == ROWS:  # start the next round from an empty table again
            db.unlink()
            wal = db.with_name(db.name + ".wal")
            if wal.exists():
                wal.unlink()
            count(db)
    print(f"{KILLS} kills: {outcomes.count('unchanged')} left the database unchanged, "
          f"{outcomes.count('imported')} after a complete import")
