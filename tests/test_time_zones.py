"""One reading of a naive local time, in every zone whose clocks change (README, "Daylight
saving"): a repeated time is its first occurrence, a skipped time moves forward by the gap.

The zones are every IANA zone ``zoneinfo`` knows whose offset changes at least once in the
calendar's years 2000..2069, found from zoneinfo's own data (``policy.localtime``, computed once
per run). For each of them ``policy.localtime``, ``decide`` and ``decide_frame`` (text and
typed columns) must read naive texts around its changes as zoneinfo's ``fold=0`` does. The
import (CSV and Parquet) and the weekly report, which cost a database each, run for the zones
the issue named plus a fixed-seed sample of the others (SAMPLED_ZONES), to keep CI time modest.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from data.db import connect
from data.importer import import_file
from data.report import as_of_instant, weekly_report
from data.sla import WorkClock
from policy import decide, decide_frame, load_policy
from policy.localtime import (
    day_start_utc_us,
    local_datetime,
    local_to_utc_us,
    utc_to_local_us,
    zone_changes,
    zones_with_changes,
)

UTC = dt.UTC
EPOCH = dt.datetime(1970, 1, 1)
US = dt.timedelta(microseconds=1)
NAMED = ["America/Sao_Paulo", "America/Santiago", "America/Asuncion", "Asia/Beirut", "Asia/Tehran",
         "Africa/Cairo", "America/Havana", "America/New_York"]
DST_ZONES = zones_with_changes(2000, 2069)


def _one_name_per_clock_history(zones: list[str]) -> list[str]:
    """Aliases and zones with the same changes (Europe/Paris, Europe/Rome, CET...) behave alike:
    one name each (a named zone where there is one) for the engine tests."""
    groups: dict[tuple, list[str]] = {}
    for zone in zones:
        table = zone_changes(zone)
        groups.setdefault((table.change_utc.tobytes(), table.offsets.tobytes()), []).append(zone)
    return sorted(next((z for z in group if z in NAMED), group[0]) for group in groups.values())


DISTINCT_ZONES = _one_name_per_clock_history(DST_ZONES)
SAMPLED_ZONES = NAMED + random.Random(20261130).sample(sorted(set(DISTINCT_ZONES) - set(NAMED)), 16)
FREE_HOURS = dt.timedelta(hours=24)


def oracle(naive: dt.datetime, zone: str) -> dt.datetime:
    """zoneinfo's own reading (PEP 495, fold=0): the offset in force before the change."""
    return naive.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(UTC)


def texts_around_changes(zone: str, per_zone: int = 3) -> list[str]:
    """Naive texts on both sides of the skipped or repeated span of the zone's changes in
    2000..2069 (``per_zone`` of them: the first, the last, one drawn with a fixed seed; or all):
    the second before it, its first second, its middle, its last second, the first after it."""
    table = zone_changes(zone)
    first = (dt.datetime(2000, 1, 2) - EPOCH) // US
    end = (dt.datetime(2069, 12, 30) - EPOCH) // US
    picks = [k for k in range(len(table.change_utc)) if first <= table.change_utc[k] < end]
    chosen = picks if per_zone >= len(picks) else sorted({picks[0], picks[-1], random.Random(zone).choice(picks)})[:per_zone]
    out = []
    for k in chosen:
        before, after = int(table.offsets[k]), int(table.offsets[k + 1])
        start = int(table.change_utc[k]) + min(before, after)
        stop = int(table.change_utc[k]) + max(before, after)
        for local in (start - 1_000_000, start, (start + stop) // 2 // 1_000_000 * 1_000_000,
                      stop - 1_000_000, stop):
            out.append((EPOCH + dt.timedelta(microseconds=local)).isoformat(sep=" "))
    return out


def zone_policy(zone: str, **overrides):
    return load_policy().replace({"calendar.timezone": zone, "cancellation.free_hours": 24, **overrides})


# --- the rule, as a table -------------------------------------------------------------------

RULE = [
    # (zone, naive text, the instant it is)
    ("America/New_York", "2022-03-13 01:59:59", "2022-03-13T01:59:59-05:00"),  # before the gap
    ("America/New_York", "2022-03-13 02:00:00", "2022-03-13T03:00:00-04:00"),  # gap: + 1 h
    ("America/New_York", "2022-03-13 02:30:00", "2022-03-13T03:30:00-04:00"),
    ("America/New_York", "2022-03-13 02:59:59", "2022-03-13T03:59:59-04:00"),
    ("America/New_York", "2022-03-13 03:00:00", "2022-03-13T03:00:00-04:00"),  # after the gap
    ("America/New_York", "2022-11-06 00:59:59", "2022-11-06T00:59:59-04:00"),  # before the repeat
    ("America/New_York", "2022-11-06 01:00:00", "2022-11-06T01:00:00-04:00"),  # repeat: first
    ("America/New_York", "2022-11-06 01:30:00", "2022-11-06T01:30:00-04:00"),
    ("America/New_York", "2022-11-06 01:59:59", "2022-11-06T01:59:59-04:00"),
    ("America/New_York", "2022-11-06 02:00:00", "2022-11-06T02:00:00-05:00"),  # after the repeat
    ("America/Sao_Paulo", "2016-10-15 23:59:59", "2016-10-15T23:59:59-03:00"),
    ("America/Sao_Paulo", "2016-10-16 00:00:00", "2016-10-16T01:00:00-02:00"),  # midnight skipped
    ("America/Sao_Paulo", "2016-10-16 00:59:59", "2016-10-16T01:59:59-02:00"),
    ("America/Sao_Paulo", "2016-10-16 01:00:00", "2016-10-16T01:00:00-02:00"),
    ("America/Havana", "2016-11-05 23:59:59", "2016-11-05T23:59:59-04:00"),
    ("America/Havana", "2016-11-06 00:00:00", "2016-11-06T00:00:00-04:00"),  # midnight twice: first
    ("America/Havana", "2016-11-06 00:59:59", "2016-11-06T00:59:59-04:00"),
    ("America/Havana", "2016-11-06 01:00:00", "2016-11-06T01:00:00-05:00"),
    ("Asia/Beirut", "2016-10-29 23:30:00", "2016-10-29T23:30:00+03:00"),  # repeated before midnight
    ("Asia/Beirut", "2016-10-30 00:00:00", "2016-10-30T00:00:00+02:00"),
    ("Australia/Lord_Howe", "2016-10-02 02:15:00", "2016-10-02T02:45:00+11:00"),  # 30-minute gap
    ("Antarctica/Troll", "2016-03-27 01:30:00", "2016-03-27T03:30:00+02:00"),  # 2-hour gap
    ("Asia/Shanghai", "2025-01-24 10:00:00", "2025-01-24T10:00:00+08:00"),  # no change at all
    # Outside the scanned years (the engine refuses them, the import names them): same rule.
    ("America/New_York", "1990-04-01 02:30:00", "1990-04-01T03:30:00-04:00"),
    ("America/New_York", "2080-03-10 02:30:00", "2080-03-10T03:30:00-04:00"),
    ("America/New_York", "2080-11-03 01:30:00", "2080-11-03T01:30:00-04:00"),
]
RULE_IDS = [f"{zone.split('/')[-1]}-{text.replace(' ', 'T')}" for zone, text, _ in RULE]


@pytest.mark.parametrize("zone,text,instant", RULE, ids=RULE_IDS)
def test_the_rule_table(zone, text, instant):
    naive = dt.datetime.fromisoformat(text)
    assert oracle(naive, zone) == utc(instant)  # the rule is zoneinfo's fold=0
    local_us = (naive - EPOCH) // US
    assert int(local_to_utc_us(np.array([local_us]), zone)[0]) == (utc(instant).replace(tzinfo=None) - EPOCH) // US
    # (compared in UTC: Python never calls a time in a repeated hour equal to another zone's)
    assert local_datetime(naive, zone).astimezone(UTC) == utc(instant)


DAY_STARTS = [
    # (zone, local date, its first instant)
    ("America/Sao_Paulo", "2016-10-15", "2016-10-15T00:00:00-03:00"),
    ("America/Sao_Paulo", "2016-10-16", "2016-10-16T01:00:00-02:00"),  # midnight skipped
    ("America/Sao_Paulo", "2016-10-17", "2016-10-17T00:00:00-02:00"),
    ("America/Sao_Paulo", "2017-02-19", "2017-02-19T00:00:00-03:00"),  # 23:00-24:00 of the 18th repeated
    ("America/Havana", "2016-11-06", "2016-11-06T00:00:00-04:00"),  # midnight twice: the first
    ("America/Havana", "2016-11-07", "2016-11-07T00:00:00-05:00"),
    ("America/Santiago", "2022-09-11", "2022-09-11T01:00:00-03:00"),
    ("Asia/Tehran", "2016-03-21", "2016-03-21T01:00:00+04:30"),
    ("Africa/Cairo", "2023-04-28", "2023-04-28T01:00:00+03:00"),
]


@pytest.mark.parametrize("zone,date,instant", DAY_STARTS, ids=[f"{z.split('/')[-1]}-{d}" for z, d, _ in DAY_STARTS])
def test_first_instant_of_a_local_date(zone, date, instant):
    day = (dt.date.fromisoformat(date) - dt.date(1970, 1, 1)).days
    got = int(day_start_utc_us(np.array([day]), zone)[0])
    assert EPOCH + dt.timedelta(microseconds=got) == utc(instant).replace(tzinfo=None)


# --- every zone with a change: the rule, decide and decide_frame agree on the same text ----

def test_the_zone_list_comes_from_zoneinfo():
    assert set(NAMED) <= set(DST_ZONES) and set(NAMED) <= set(DISTINCT_ZONES)
    assert "Asia/Shanghai" not in DST_ZONES and "UTC" not in DST_ZONES  # no change since 1991
    assert "America/Sao_Paulo" in DST_ZONES  # DST until 2019: inside 2000..2069
    assert len(DST_ZONES) > 250


def test_the_rule_is_zoneinfos_in_every_zone():
    """Every zone name with a change (aliases included), every change of 2000..2069: the
    vectorised reading equals zoneinfo's fold=0 on both sides of each skipped or repeated span,
    and reading the instant back gives the text wherever that wall-clock time exists."""
    checked = 0
    for zone in DST_ZONES:
        texts = texts_around_changes(zone, per_zone=10**6)
        naive = [dt.datetime.fromisoformat(t) for t in texts]
        want = [(oracle(n, zone).replace(tzinfo=None) - EPOCH) // US for n in naive]
        local = np.array([(n - EPOCH) // US for n in naive])
        got = local_to_utc_us(local, zone)
        assert got.tolist() == want, zone
        exists = np.array([oracle(n, zone).astimezone(ZoneInfo(zone)).replace(tzinfo=None) == n for n in naive])
        assert ((utc_to_local_us(got, zone) == local) == exists).all(), zone
        checked += len(texts)
    assert checked > 100_000


@pytest.mark.parametrize("zone", DISTINCT_ZONES)
def test_decide_and_decide_frame_read_one_instant_in_every_zone(zone):
    texts = texts_around_changes(zone)
    want = [oracle(dt.datetime.fromisoformat(t), zone) for t in texts]
    policy = zone_policy(zone)
    # (instants compared in UTC: Python adds a timedelta to an aware time on its wall clock)
    got_decide = [_placed(decide(_cancel_case(t), policy)) for t in texts]
    assert got_decide == want
    typed = [_placed(decide(_cancel_case(dt.datetime.fromisoformat(t)), policy)) for t in texts]
    assert typed == want
    rows = [_cancel_case(t) for t in texts]
    frames = {
        "text": pd.DataFrame(rows),
        "typed": pd.DataFrame(rows).assign(placed_at=lambda f: pd.to_datetime(f["placed_at"]),
                                           requested_at=lambda f: pd.to_datetime(f["requested_at"])),
        # One cell with an offset: the column is read cell by cell (naive and offset mixed).
        "mixed": pd.DataFrame(rows + [_cancel_case("2010-06-01T12:00:00+00:00")]),
    }
    for shape, frame in frames.items():
        out = decide_frame(frame, policy)["free_cancel_until"].iloc[:len(texts)]
        assert [(v - FREE_HOURS).tz_convert("UTC").to_pydatetime() for v in out] == want, shape


def _placed(decision) -> dt.datetime:
    """The placing instant a decision read: C1's free-cancel deadline less its 24 hours."""
    return decision.deadlines["free_cancel_until"].astimezone(UTC) - FREE_HOURS


def _cancel_case(placed) -> dict:
    return {"order_id": "O", "order_amount": "10", "request": "cancel", "placed_at": placed,
            "requested_at": placed}


# --- the database side: import (CSV and Parquet), as-of, the weekly report -------------------

@pytest.fixture
def db(tmp_path):
    con = connect(tmp_path / "zone.duckdb", create_sample=False)
    yield con
    con.close()


@pytest.mark.parametrize("zone", SAMPLED_ZONES)
def test_import_report_and_engine_read_the_same_instant(zone, db, tmp_path):
    texts = texts_around_changes(zone, per_zone=2)
    want = [oracle(dt.datetime.fromisoformat(t), zone) for t in texts]
    ids = [f"O{i}" for i in range(len(texts))]
    csv = tmp_path / "orders.csv"
    csv.write_text("order_id,placed_at,order_amount\n" + "".join(f"{o},{t},10\n" for o, t in zip(ids, texts)))
    assert import_file(db, "orders", csv, timezone=zone).inserted == len(texts)
    parquet = tmp_path / "orders.parquet"
    naive = pa.array([dt.datetime.fromisoformat(t) for t in texts], pa.timestamp("us"))
    pq.write_table(pa.table({"order_id": [f"P{i}" for i in range(len(texts))], "placed_at": naive,
                             "order_amount": [10.0] * len(texts)}), parquet)
    assert import_file(db, "orders", parquet, timezone=zone).inserted == len(texts)
    stored = dict(db.cursor().execute("SELECT order_id, placed_at FROM orders").fetchall())
    assert [stored[o] for o in ids] == want
    assert [stored[f"P{i}"] for i in range(len(texts))] == want

    cases = tmp_path / "cases.csv"
    cases.write_text("case_id,order_id,request,reason,requested_at,replied_at\n"
                     + "".join(f"C{i},{o},refund,changed_mind,{t},{t}\n" for i, (o, t) in enumerate(zip(ids, texts))))
    assert import_file(db, "cases", cases, timezone=zone).inserted == len(texts)
    policy = zone_policy(zone)
    for as_of in (texts[1], texts[2], texts[-1]):  # the as-of time itself on a change
        instant = oracle(dt.datetime.fromisoformat(as_of), zone)
        assert as_of_instant(as_of, policy) == pd.Timestamp(instant)
        report = weekly_report(db, policy, as_of=as_of)
        # Orders count up to the as-of time's local date (each text's own date, as written).
        placed_by_then = sum(t[:10] <= instant.astimezone(ZoneInfo(zone)).date().isoformat() for t in texts)
        assert report.weeks["orders"].sum() == 2 * placed_by_then
        assert report.weeks["cases"].sum() == placed_by_then


@pytest.mark.parametrize("zone", NAMED + ["Asia/Shanghai"])
def test_work_clock_builds_over_every_change(zone):
    clock = WorkClock.for_policy(zone_policy(zone), dt.date(2000, 1, 2), dt.date(2069, 12, 30))
    assert len(clock.rate) == (dt.date(2069, 12, 30) - dt.date(2000, 1, 2)).days + 1
    assert set(np.unique(clock.rate)) <= {0.0, 1.0}
    assert (clock.fixed_offset_us is not None) == (zone == "Asia/Shanghai")


WORK_HOURS = [
    # (zone, country, start, end, working hours between them on the local wall clock)
    ("America/Sao_Paulo", "BR", "2016-10-14T12:00:00-03:00", "2016-10-17T12:00:00-02:00", 24.0),  # skipped Sunday midnight
    ("America/Sao_Paulo", "BR", "2016-10-14T23:00:00-03:00", "2016-10-14T23:59:59-03:00", 59 / 60 + 59 / 3600),
    ("America/Havana", "US", "2016-11-04T12:00:00-04:00", "2016-11-07T12:00:00-05:00", 24.0),  # repeated Sunday midnight
    ("America/Sao_Paulo", "BR", "2017-02-17T12:00:00-02:00", "2017-02-20T12:00:00-03:00", 24.0),  # repeated Saturday hour
]


@pytest.mark.parametrize("zone,country,start,end,hours", WORK_HOURS,
                         ids=[f"{z.split('/')[-1]}-{a[:10]}-{b[:10]}" for z, _, a, b, _ in WORK_HOURS])
def test_work_clock_counts_hours_across_a_change(zone, country, start, end, hours):
    policy = zone_policy(zone, **{"calendar.country": country})
    clock = WorkClock.for_policy(policy, dt.date(2016, 1, 1), dt.date(2017, 12, 31))
    a, b = (np.array([float((utc(t).replace(tzinfo=None) - EPOCH) // US)]) for t in (start, end))
    assert clock.hours(clock.local_us(a), clock.local_us(b))[0] == pytest.approx(hours, abs=1e-9)


def test_santiago_gap_ship_by_and_free_cancel_read_one_instant():
    """24 processing hours (paused on holidays only) and 24 free-cancel hours from a placing
    time in Santiago's skipped hour end at the same instant."""
    policy = zone_policy("America/Santiago", **{"processing.hours": 24, "processing.pause_on": "public_holidays"})
    case = {**_cancel_case("2023-09-03 00:30"), "requested_at": "2023-09-03 12:00"}  # 00:00 -> 01:00
    deadlines = decide(case, policy).deadlines
    assert deadlines["ship_by"] == deadlines["free_cancel_until"] == utc("2023-09-04T01:30:00-03:00")
    frame = decide_frame(pd.DataFrame([case]), policy)
    assert frame["ship_by"][0] == frame["free_cancel_until"][0] == pd.Timestamp("2023-09-04T01:30:00-03:00")


AS_OF = [
    # (zone, --as-of without an offset, the instant the report is as of)
    ("America/Sao_Paulo", "2016-10-16", "2016-10-16T01:00:00-02:00"),  # a skipped midnight
    ("America/Sao_Paulo", "2016-10-15T23:59:59", "2016-10-15T23:59:59-03:00"),
    ("America/Havana", "2016-11-06T00:30", "2016-11-06T00:30:00-04:00"),  # a repeated midnight: first
    ("America/Havana", "2016-11-06T01:00", "2016-11-06T01:00:00-05:00"),
    ("Asia/Tehran", "2016-09-20T23:30", "2016-09-20T23:30:00+04:30"),  # repeated before midnight: first
    ("America/New_York", "2022-11-06T01:30:00.9", "2022-11-06T01:30:00-04:00"),  # floored to the second
]


@pytest.mark.parametrize("zone,as_of,instant", AS_OF, ids=[f"{z.split('/')[-1]}-{a}" for z, a, _ in AS_OF])
def test_naive_as_of_is_read_by_the_rule(zone, as_of, instant):
    got = as_of_instant(as_of, zone_policy(zone))
    assert got == pd.Timestamp(instant) and str(got.tz) == zone


def test_the_brazilian_export_reports_under_a_sao_paulo_policy(tmp_path):
    """The issue's case: the marketplace export (2017, clocks skipping midnight in October)
    imported and reported from the command line under a policy in America/Sao_Paulo."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    policy_file = tmp_path / "sao_paulo.toml"
    policy_file.write_text('[calendar]\ncountry = "BR"\ntimezone = "America/Sao_Paulo"\n')
    db_path = tmp_path / "olist.duckdb"
    run = lambda *args: subprocess.run([sys.executable, "-m", "data", *args], cwd=root,  # noqa: E731
                                       capture_output=True, text=True, timeout=120)
    imported = run("import", "orders", str(root / "tests/fixtures/olist_orders.csv"), "--db", str(db_path),
                   "--map", str(root / "tests/fixtures/olist_orders.map.toml"))
    assert imported.returncode == 0, imported.stderr
    for as_of in ("2017-10-15", "2018-02-18T00:30"):  # a skipped midnight; the repeated hour after the summer
        report = run("report", "--json", "--db", str(db_path), "--policy", str(policy_file), "--as-of", as_of)
        assert report.returncode == 0, report.stderr
        assert sum(week["orders"] for week in json.loads(report.stdout)["weeks"]) > 0


APP_AS_OF = [
    # (zone, the sidebar's as-of date, the instant the pages judge deadlines at: 23:59:59)
    ("Asia/Tehran", "2016-09-20", "2016-09-20T23:59:59+04:30"),  # 23:00-24:00 repeated: the first
    ("Asia/Tehran", "2016-09-21", "2016-09-21T23:59:59+03:30"),
    ("America/Sao_Paulo", "2016-10-15", "2016-10-15T23:59:59-03:00"),  # the night before a skipped midnight
]


@pytest.mark.parametrize("zone,date,instant", APP_AS_OF, ids=[f"{z.split('/')[-1]}-{d}" for z, d, _ in APP_AS_OF])
def test_the_apps_as_of_date_is_read_by_the_rule(zone, date, instant, monkeypatch):
    import streamlit as st

    from ui import context

    monkeypatch.setattr(context, "policy", lambda: zone_policy(zone))
    monkeypatch.setitem(st.session_state, "ui_as_of_date", dt.date.fromisoformat(date))
    assert context.as_of().astimezone(UTC) == utc(instant)
