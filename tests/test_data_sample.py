"""The built-in sample: seeded, every request and reason, deadlines mostly met but breached the
way real teams breach them, and the data-quality problems a real export has."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from data import db as dbmod  # noqa: E402
from data.columns import REASONS, REQUESTS  # noqa: E402
from data.report import data_quality_findings, stage_status  # noqa: E402
from data.sample import generate  # noqa: E402


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    t0 = time.monotonic()
    con = dbmod.connect(path, quiet=True)
    elapsed = time.monotonic() - t0
    yield con, elapsed
    con.close()


def test_first_use_creates_the_sample_quickly(sample_db):
    con, elapsed = sample_db
    orders, cases = con.cursor().execute("SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM cases)").fetchall()[0]
    assert orders == 60_000 and 9_000 <= cases <= 10_000
    assert elapsed < 20


def test_env_var_and_flag_choose_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv(dbmod.ENV_VAR, str(tmp_path / "env.duckdb"))
    assert dbmod.default_path() == tmp_path / "env.duckdb"
    assert dbmod.resolve_path(tmp_path / "flag.duckdb") == tmp_path / "flag.duckdb"
    monkeypatch.delenv(dbmod.ENV_VAR)
    assert dbmod.default_path() == ROOT / "var" / "returns_desk.duckdb"


def test_seeded():
    a, b = generate(2_000, 400, seed=5), generate(2_000, 400, seed=5)
    assert a.orders.equals(b.orders) and a.cases.equals(b.cases)
    assert not generate(2_000, 400, seed=6).orders.equals(a.orders)


UNTIL = {
    "midnight in Shanghai": "2026-11-26T00:00:00+08:00",
    "mid-morning": "2026-11-30T10:37:12+08:00",
    "one second into the day": "2026-11-30T00:00:01+08:00",
    "a second before midnight": "2026-11-29T23:59:59+08:00",
    "UTC, already the next day in Shanghai": "2026-11-29T17:30:00Z",
}


@pytest.mark.parametrize("until", UNTIL.values(), ids=UNTIL.keys())
def test_nothing_happens_after_the_samples_end(until):
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    s = generate(3_000, 600, seed=11, until=until)
    end = pd.Timestamp(until)
    assert s.orders.num_rows == 3_000
    stamps = [t[c] for t in (s.orders, s.cases) for c in t.column_names
              if pa.types.is_timestamp(t[c].type) and c != "promised_delivery_at"]  # a promise may lie ahead
    latest = max(pd.Timestamp(pc.max(col).as_py()) for col in stamps if col.null_count < len(col))
    assert latest <= end
    # the last day is live: orders up to shortly before the end, not a day behind
    assert end - pd.Timestamp(pc.max(s.orders["placed_at"]).as_py()) < pd.Timedelta(hours=14)


def test_the_same_seed_is_the_same_store_whatever_the_end():
    """Moving the end moves the history with it (same amounts, same mix), nothing else."""
    a = generate(2_000, 400, seed=5, until="2026-11-26T00:00:00+08:00")
    b = generate(2_000, 400, seed=5, until="2027-03-02T00:00:00+08:00")
    assert a.orders["order_amount"].equals(b.orders["order_amount"])
    assert a.orders["category"].equals(b.orders["category"])


def test_without_a_pin_the_sample_runs_to_now(monkeypatch):
    import pandas as pd
    import pyarrow.compute as pc

    from data.sample import UNTIL_ENV

    monkeypatch.delenv(UNTIL_ENV)
    before = pd.Timestamp.now(tz="UTC")
    s = generate(3_000, 600, seed=3)
    latest = pd.Timestamp(pc.max(s.orders["placed_at"]).as_py())
    assert latest <= pd.Timestamp.now(tz="UTC") and before - latest < pd.Timedelta(hours=24)


@pytest.mark.parametrize("text", ["yesterday", "2026-13-40"], ids=["words", "no such date"])
def test_a_bad_end_is_refused(text):
    with pytest.raises(ValueError, match="not a timestamp"):
        generate(100, 10, until=text)


def test_every_request_and_reason(sample_db):
    con, _ = sample_db
    cur = con.cursor()
    requests = dict(cur.execute("SELECT request, count(*) FROM cases GROUP BY 1").fetchall())
    reasons = dict(cur.execute("SELECT reason, count(*) FROM cases WHERE reason IS NOT NULL GROUP BY 1").fetchall())
    assert set(requests) == set(REQUESTS) and set(reasons) == set(REASONS)
    assert requests["refund"] > requests["exchange"] > 0
    categories = {r[0] for r in cur.execute("SELECT DISTINCT category FROM orders").fetchall()}
    assert "electronics" in categories and len(categories) >= 6


def test_deadlines_mostly_met_with_realistic_breaches(sample_db):
    con, _ = sample_db
    items = stage_status(con, as_of="2026-11-26T10:00:00+08:00")
    done = items[items["status"] != "pending"]
    attainment = (done["status"] == "met").groupby(done["stage"]).mean()
    for name in ("processing", "reply", "refund", "status_update"):
        assert 0.8 < attainment[name] < 0.99, name
    reply = done[done["stage"] == "reply"].copy()
    reply["monday"] = [d.weekday() == 0 for d in reply["day"]]
    by_day = (reply["status"] == "met").groupby(reply["monday"]).mean()
    assert by_day[True] < by_day[False] - 0.03  # slow Mondays
    spring = reply[(reply["day"].astype(str) >= "2026-02-16") & (reply["day"].astype(str) <= "2026-03-05")]
    assert (spring["status"] == "met").mean() < attainment["reply"] - 0.1  # Spring Festival backlog


def test_data_quality_problems_are_planted(sample_db):
    con, _ = sample_db
    found = data_quality_findings(con).set_index("check")["count"]
    for check in ("delivered_before_shipped", "delivered_without_date", "zero_amount"):
        assert found[check] > 0, check


@pytest.mark.parametrize("milestone, outcomes", [
    pytest.param("customer_shipped_at", {"return_refund", "exchange"}, id="only-returns-travel-back"),
    pytest.param("replacement_shipped_at", {"exchange"}, id="only-exchanges-get-a-replacement"),
    pytest.param("status_updated_at", {"status_update"}, id="only-status-questions-get-an-update"),
    pytest.param("freight_claimed_at", {"return_refund", "exchange"}, id="freight-claims-only-on-returns"),
])
def test_milestones_follow_the_engines_decision(milestone, outcomes):
    """The generator places milestones on the path ``decide_frame`` gives each case (no copy of
    the rules of its own), so a stage never starts where the engine says it does not apply."""
    from data.decisions import DECIDE_COLUMNS
    from policy import decide_frame

    sample = generate(3_000, 800, seed=11)
    cases = sample.cases.to_pandas()
    orders = sample.orders.to_pandas().set_index("order_id")
    frame = cases.join(orders, on="order_id")[[c for c in DECIDE_COLUMNS if c in cases.columns or c in orders.columns]]
    decided = decide_frame(frame, None)
    has = cases[milestone].notna().to_numpy()
    assert has.sum() > 0
    assert set(decided.loc[has, "outcome"].astype(str)) <= outcomes
    if milestone == "freight_claimed_at":
        assert set(decided.loc[has, "freight_payer"].astype(str)) == {"merchant"}


def test_the_sample_again_into_the_same_database_is_refused_and_writes_nothing(tmp_path):
    from data.sample import load_sample

    con = dbmod.connect(tmp_path / "twice.duckdb", create_sample=False)
    small = generate(300, 60, until="2026-11-26T00:00:00+08:00")
    load_sample(con, sample=small)
    counts = dbmod.table_counts(con)
    version = dbmod.data_version(con)
    with pytest.raises(dbmod.DataError, match="the sample's ids are already in this database"):
        load_sample(con, sample=small)
    assert (dbmod.table_counts(con), dbmod.data_version(con)) == (counts, version)
    con.close()
