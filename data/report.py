"""Weekly SLA and refund report (data-contract.md, "Report") and the managers' page queries.

The command line (``python -m data report``) and the app call the same functions here; the
figures come from SQL over the cached decisions (data/decisions.py), so a second call with
another filter or as-of time costs only the query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import duckdb
import pandas as pd

from . import sql
from .decisions import decisions
from .facts_files import FactsFolder
from .freshness import data_freshness, week_is_complete
from .sla import CUSTOMER_STAGES, MERCHANT_STAGES

FAR_PAST, FAR_FUTURE = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


def _policy(policy):
    if policy is None:
        from policy import load_policy

        return load_policy()
    return policy


def as_of_instant(as_of, policy) -> pd.Timestamp:
    """The report's as-of time, tz-aware in the policy zone (naive values are local; default now)."""
    zone = policy.calendar.timezone
    try:
        ts = pd.Timestamp.now(tz=zone) if as_of is None or as_of == "" else pd.Timestamp(as_of)
    except (ValueError, TypeError):
        raise ValueError(f"not a timestamp: {as_of!r} (use ISO 8601, e.g. 2026-11-26T10:00:00+08:00)") from None
    if ts.tzinfo is None:  # wall-clock time: the engine's one reading (policy.localtime)
        from policy.localtime import local_datetime

        ts = pd.Timestamp(local_datetime(ts.to_pydatetime(), zone))
    # Floor in UTC: pandas floors an aware time on its wall clock and re-localises it, which
    # fails inside a repeated hour.
    return ts.tz_convert("UTC").floor("s").tz_convert(zone)


def _date(value, default: dt.date) -> dt.date:
    if value is None or value == "":
        return default
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return pd.Timestamp(value).date()
    except (ValueError, TypeError):
        raise ValueError(f"not a date: {value!r} (use YYYY-MM-DD)") from None


def _filters(policy, date_from, date_to, as_of, category, country) -> dict:
    ts = as_of_instant(as_of, policy)
    return {
        "date_from": _date(date_from, FAR_PAST), "date_to": _date(date_to, FAR_FUTURE),
        "as_of": ts.to_pydatetime(), "as_of_day": ts.date(),
        "category": category or None, "country": country or None,
    }


def iso_week(monday) -> str:
    year, week, _ = pd.Timestamp(monday).isocalendar()
    return f"{year}-W{week:02d}"


def week_monday(text: str) -> dt.date:
    """The Monday of an ISO week written as in the report ('2026-W47'); ValueError otherwise."""
    import re

    m = re.fullmatch(r"\s*(\d{4})-?W(\d{1,2})\s*", str(text), flags=re.IGNORECASE)
    if not m:
        raise ValueError(f"not an ISO week: {text!r} (write it as 2026-W47)")
    try:
        return dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
    except ValueError:
        raise ValueError(f"no such ISO week: {text!r}") from None


def _money(value) -> float:
    return float(Decimal(str(value)).quantize(Decimal("0.01"))) if value is not None else 0.0


@dataclass
class WeeklyReport:
    """The weekly report as tables (for the page's charts) and as the contract's JSON."""

    policy_name: str
    as_of: pd.Timestamp
    weeks: pd.DataFrame  # week, orders, cases, refunds..., merchant_freight
    stages: pd.DataFrame  # week, stage, met, breached, pending, attainment, p50_hours, p90_hours
    case_mix: pd.DataFrame  # week, dimension (outcome | reason), value, cases
    return_rate: pd.DataFrame  # category, orders, cases, returns, return_rate
    filters: dict = field(default_factory=dict)
    data_until: pd.Timestamp | None = None  # the latest event in the data (see data.freshness)

    def to_dict(self) -> dict:
        stages = {(r.week, r.stage): r for r in self.stages.itertuples()}
        mix: dict = {}
        for r in self.case_mix.itertuples():
            mix.setdefault((r.week, r.dimension), {})[r.value] = int(r.cases)
        weeks = []
        for w in self.weeks.itertuples():
            entry = {"week": w.week_label, "week_start": str(pd.Timestamp(w.week).date()),
                     "complete": bool(w.complete), "orders": int(w.orders), "cases": int(w.cases)}
            for name in MERCHANT_STAGES:
                entry[name] = _stage_dict(stages.get((w.week, name)))
            entry["refunds"] = {"count": int(w.refunds), "full": _money(w.refunds_full),
                                "partial": _money(w.refunds_partial), "other": _money(w.refunds_other)}
            entry["merchant_freight"] = _money(w.merchant_freight)
            entry["customer_side"] = {name: _stage_dict(stages.get((w.week, name))) for name in CUSTOMER_STAGES}
            entry["cases_by_outcome"] = mix.get((w.week, "outcome"), {})
            entry["cases_by_reason"] = mix.get((w.week, "reason"), {})
            weeks.append(entry)
        return {
            "policy": self.policy_name,
            "as_of": self.as_of.isoformat(),
            "data_until": None if self.data_until is None else self.data_until.tz_convert(self.as_of.tz).isoformat(),
            "filters": {k: (str(v) if v is not None else None) for k, v in self.filters.items()},
            "weeks": weeks,
            "return_rate_by_category": [
                {"category": r.category, "orders": int(r.orders), "cases": int(r.cases),
                 "returns": int(r.returns),
                 "return_rate": None if pd.isna(r.return_rate) else float(r.return_rate)}
                for r in self.return_rate.itertuples()
            ],
        }

    def to_csv_frame(self) -> pd.DataFrame:
        """One row per week, one column per figure (stage figures as <stage>_<figure>)."""
        wide = self.weeks.copy()
        for name in MERCHANT_STAGES + CUSTOMER_STAGES:
            part = self.stages[self.stages["stage"] == name].drop(columns="stage")
            part = part.rename(columns={c: f"{name}_{c}" for c in part.columns if c != "week"})
            wide = wide.merge(part, on="week", how="left")
        wide["week"] = wide.pop("week_label")
        for col in wide.columns:
            if col.endswith(("_met", "_breached", "_pending")):
                wide[col] = wide[col].fillna(0).astype("int64")
        return wide


def _stage_dict(row) -> dict:
    if row is None:
        return {"met": 0, "breached": 0, "pending": 0, "attainment": None,
                "p50_hours": None, "p90_hours": None}
    hours = lambda v: None if pd.isna(v) else round(float(v), 2)  # noqa: E731
    return {"met": int(row.met), "breached": int(row.breached), "pending": int(row.pending),
            "attainment": None if pd.isna(row.attainment) else float(row.attainment),
            "p50_hours": hours(row.p50_hours), "p90_hours": hours(row.p90_hours)}


def _freshness(con: duckdb.DuckDBPyConnection, decided):
    """How fresh the data behind ``decided`` is: a facts folder's figures are as fresh as its
    input, whatever database the connection holds."""
    return decided.freshness if isinstance(decided, FactsFolder) else data_freshness(con)


def _stage_figures(con: duckdb.DuckDBPyConnection, decided, params: dict) -> pd.DataFrame:
    """report_stages' rows (week, stage, met, breached, pending, p50_hours, p90_hours): the
    stored totals of the weeks settled by the as-of time (report_stages_stored), the other weeks
    computed from their items. Equal to computing every week from the items (a test holds it)."""
    raw_first, raw_last = FAR_PAST, FAR_FUTURE
    stored = None
    if getattr(decided, "week_totals", False):
        stored = sql.frame(con, "report_stages_stored", prepare=decided.register, **params)
        usable = stored["usable"].astype(bool)
        rest = stored.loc[~usable, "week"]
        stored = stored[usable].drop(columns="usable")
        if rest.empty:
            return stored.reset_index(drop=True)
        raw_first, raw_last = pd.Timestamp(rest.min()).date(), pd.Timestamp(rest.max()).date()
    raw = sql.frame(con, "report_stages", prepare=decided.register, raw_first=raw_first, raw_last=raw_last, **params)
    if stored is None or stored.empty:
        return raw
    taken = pd.MultiIndex.from_frame(stored[["week", "stage"]])
    raw = raw[~pd.MultiIndex.from_frame(raw[["week", "stage"]]).isin(taken)]
    both = pd.concat([stored, raw], ignore_index=True)
    return both.sort_values(["week", "stage"], ignore_index=True)


def weekly_report(
    con: duckdb.DuckDBPyConnection,
    policy=None,
    date_from=None,
    date_to=None,
    as_of=None,
    category: str | None = None,
    country: str | None = None,
) -> WeeklyReport:
    """Weekly metrics per ISO week (policy zone) for local dates date_from..date_to, as of ``as_of``."""
    policy = _policy(policy)
    params = _filters(policy, date_from, date_to, as_of, category, country)
    decided = decisions(con, policy)
    weeks, mix, rate = (sql.frame(con, name, prepare=decided.register, **params) for name in
                        ("report_weeks", "report_case_mix", "report_return_rate"))
    stages = _stage_figures(con, decided, params)
    weeks["week_label"] = [iso_week(w) for w in weeks["week"]]
    as_of_ts = as_of_instant(as_of, policy)
    fresh = _freshness(con, decided)
    covered = fresh.covered_until(as_of_ts)
    zone = policy.calendar.timezone
    weeks["complete"] = [week_is_complete(pd.Timestamp(w).date(), covered, zone) for w in weeks["week"]]
    decided = stages["met"] + stages["breached"]
    stages["attainment"] = (stages["met"] / decided.where(decided > 0)).round(4)
    stages = stages[["week", "stage", "met", "breached", "pending", "attainment", "p50_hours", "p90_hours"]]
    return WeeklyReport(policy_name=policy.name, as_of=as_of_ts, weeks=weeks, stages=stages, case_mix=mix,
                        return_rate=rate, filters=params, data_until=fresh.latest_event)


def report_week_list(con: duckdb.DuckDBPyConnection, policy=None, as_of=None) -> pd.DataFrame:
    """The weeks ``weekly_report`` over the whole history would list (week, week_label,
    complete), without computing their figures: for a week picker."""
    policy = _policy(policy)
    params = _filters(policy, None, None, as_of, None, None)
    decided = decisions(con, policy)
    weeks = sql.frame(con, "report_week_list", prepare=decided.register, **params)
    weeks["week_label"] = [iso_week(w) for w in weeks["week"]]
    covered = _freshness(con, decided).covered_until(as_of_instant(as_of, policy))
    zone = policy.calendar.timezone
    weeks["complete"] = [week_is_complete(pd.Timestamp(w).date(), covered, zone) for w in weeks["week"]]
    return weeks


BREAKDOWNS = ("agent", "category", "reason", "weekday")


def attainment_by(
    con: duckdb.DuckDBPyConnection,
    policy=None,
    by: str = "agent",
    date_from=None,
    date_to=None,
    as_of=None,
    stages: list[str] | tuple[str, ...] | None = None,
    category: str | None = None,
    country: str | None = None,
) -> pd.DataFrame:
    """Why a stage breached: SLA attainment of ``stages`` (default: every store stage) grouped
    ``by`` agent, category, reason or weekday, for items started on local days date_from..date_to.

    Columns: value (None where an item has none: an order's processing has no agent or reason;
    weekdays as 1 = Monday .. 7), items, met, breached, pending, attainment (met / (met +
    breached), NaN when nothing is decided yet); most breaches first. The counts add up to the
    report's stage counts for the same period and filters."""
    if by not in BREAKDOWNS:
        raise ValueError(f"by must be one of {', '.join(BREAKDOWNS)}, not {by!r}")
    policy = _policy(policy)
    params = _filters(policy, date_from, date_to, as_of, category, country)
    params.update(by=by, stages=list(stages) if stages is not None else list(MERCHANT_STAGES),
                  **dict(zip(("request_from", "request_to"),
                             utc_span(params["date_from"], min(params["date_to"], params["as_of_day"])))))
    out = sql.frame(con, "report_breakdown", prepare=decisions(con, policy).register, **params)
    decided = out["met"] + out["breached"]
    out["attainment"] = (out["met"] / decided.where(decided > 0)).round(4)
    if by == "weekday":
        out["value"] = out["value"].astype("Int64")
    return out


def utc_span(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """UTC instants around the local days ``first``..``last`` in any zone (UTC-12 to UTC+14 lie
    within a day of UTC): an instant on one of those local days, in whatever zone, is at or after
    the first and before the second."""
    day = dt.timedelta(days=1)
    low = dt.datetime.combine(max(first, dt.date.min + day) - day, dt.time(), dt.UTC)
    high = dt.datetime.combine(min(last, dt.date.max - 2 * day) + 2 * day, dt.time(), dt.UTC)
    return low, high


def breached_and_at_risk(
    con: duckdb.DuckDBPyConnection,
    policy=None,
    as_of=None,
    category: str | None = None,
    country: str | None = None,
    stage: str | None = None,
    open_only: bool = True,
    limit: int = 1000,
) -> pd.DataFrame:
    """Stage items breached, or open and due within one working day of ``as_of`` (at risk).

    Columns: status (breached | at_risk), stage, item_id (order or case), order_id, category,
    country, due, done, open. ``open_only`` (default) keeps what can still be acted on.
    """
    from policy import deadline_after

    policy = _policy(policy)
    params = _filters(policy, None, None, as_of, category, country)
    risk_until = deadline_after(pd.Series([pd.Timestamp(params["as_of"])]), 1, policy).iloc[0]
    params.update(risk_until=risk_until.to_pydatetime(), stage=stage, open_only=open_only, limit=int(limit))
    return _sla_rows(con, policy, "sla_items", params)


def stage_status(
    con: duckdb.DuckDBPyConnection,
    policy=None,
    as_of=None,
    stage: str | None = None,
    item_id: str | None = None,
    *,
    week=None,
    status: str | None = None,
    category: str | None = None,
    country: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """SLA stage items as of ``as_of``: stage, item_id, category, country, week, day, due,
    done, hours (working hours from the stage's start to done), status (met/breached/pending).

    Every filter runs in SQL (on 10M orders the unfiltered list has ~14M rows): one stage, one
    order or case id (a case's page shows its own stages), one ``week`` (any date in it), one
    ``status``, category, country; ``limit`` caps the rows."""
    policy = _policy(policy)
    params = _filters(policy, None, None, as_of, category, country)
    monday = None if week is None else _date(week, FAR_PAST)
    if monday is not None:
        monday -= dt.timedelta(days=monday.weekday())
    params.update(stage=stage, item_id=item_id, week=monday, status=status,
                  limit=None if limit is None else int(limit))
    return _sla_rows(con, policy, "sla_status", params)


def breached_page(
    con: duckdb.DuckDBPyConnection,
    policy=None,
    as_of=None,
    week=None,
    *,
    cases: bool = True,
    category: str | None = None,
    country: str | None = None,
    offset: int = 0,
    limit: int = 100,
) -> tuple[pd.DataFrame, int]:
    """One page of the items of ``week`` (any date in it) breached as of ``as_of``: the cases'
    deadlines (``cases``) or the orders' processing, most late first, ``limit`` rows from
    ``offset``; and how many there are in all. The page is cut in SQL, so a 10M-order week
    sends a page, not its thousands of items. Columns: stage, item_id, category, country, day,
    due, done, hours (as ``stage_status``)."""
    policy = _policy(policy)
    params = _filters(policy, None, None, as_of, category, country)
    monday = _date(week, FAR_PAST)
    params.update(week=monday - dt.timedelta(days=monday.weekday()), cases=bool(cases),
                  offset=max(int(offset), 0), limit=max(int(limit), 0))
    rows = _sla_rows(con, policy, "sla_breached_page", params)
    total = int(rows["total"].iloc[0]) if len(rows) else 0
    if not len(rows) and params["offset"]:  # past the last page: count from the start
        total = breached_page(con, policy, as_of, monday, cases=cases, category=category, country=country,
                              limit=1)[1]
    return rows.drop(columns="total"), total


def _sla_rows(con: duckdb.DuckDBPyConnection, policy, query: str, params: dict) -> pd.DataFrame:
    """Run an SLA item query over the policy's decisions; due and done in the policy's zone."""
    out = sql.frame(con, query, prepare=decisions(con, policy).register, **params)
    zone = policy.calendar.timezone
    for col in ("due", "done"):
        out[col] = pd.to_datetime(out[col], utc=True).dt.tz_convert(zone)
    return out


# The managers' page imports everything it needs from here.
from .lookup import case_lookup, case_row  # noqa: E402,F401
from .quality import data_quality_findings  # noqa: E402,F401
