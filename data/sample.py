"""Seeded generator of a believable store: orders, after-sales cases and their milestones.

Why it exists: a new user should open the app and see a working store, and the benchmark needs
10M orders without a real export. Everything is vectorised numpy (no per-row Python), so 10M
orders take seconds. Milestones are placed against the policy's own deadlines
(``policy.deadline_after`` / ``ship_by_frame``) so most stages are met, and they breach the way
real teams do: backlogs after Spring Festival and National Day, slow Monday replies, refunds
never sent, customers who never ship the return. A few data-quality problems a real export has
(delivery before shipping, missing delivery date, zero amounts) are planted so the app can show
them instead of hiding them.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import duckdb
import holidays
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from policy.decision import FreightPayer, Outcome, Reason, Request

from . import sql

US = np.timedelta64(1, "us")
HOUR = np.timedelta64(3_600_000_000, "us")
DAY = 24 * HOUR
NAT = np.datetime64("NaT", "us")

DEFAULT_ORDERS = 60_000
DEFAULT_CASES = 10_000
DEFAULT_SEED = 20261126
UNTIL_ENV = "RETURNS_DESK_SAMPLE_UNTIL"  # pins the moment the sample runs up to (tests, demos)
YEARS = 2

CATEGORIES = ["electronics", "apparel", "home", "beauty", "toys", "sports", "books", "jewelry"]
CATEGORY_P = [0.22, 0.24, 0.15, 0.11, 0.08, 0.09, 0.05, 0.06]
CATEGORY_PRICE = [85.0, 32.0, 40.0, 22.0, 25.0, 38.0, 14.0, 55.0]  # median order value, USD
COUNTRIES = ["US", "GB", "DE", "FR", "CA", "AU", "ES", "IT", "NL", "BR", "JP", "MX"]
COUNTRY_P = [0.30, 0.11, 0.10, 0.08, 0.07, 0.06, 0.05, 0.05, 0.04, 0.05, 0.04, 0.05]
COUNTRY_TRANSIT = [8, 7, 7, 7, 9, 11, 8, 8, 7, 16, 5, 13]  # median days in transit
AGENTS = ["li.wei", "zhang.min", "wang.fang", "chen.jie", "liu.yang", "zhao.lei",
          "sun.li", "zhou.hui", "wu.qing", "xu.na", "hu.bin", "guo.yan"]

REQUEST_WEIGHTS = {Request.REFUND: 0.60, Request.EXCHANGE: 0.13, Request.CANCEL: 0.16, Request.REFUND_STATUS: 0.11}
REQUESTS = [r.value for r in REQUEST_WEIGHTS]
REQUEST_P = list(REQUEST_WEIGHTS.values())
# How often customers give each reason; a reason of the engine's enum not listed here (a new
# one) still appears, at NEW_REASON_WEIGHT before the weights are scaled back to one.
REASON_WEIGHTS = {
    Reason.CHANGED_MIND: 0.17, Reason.NOT_SUITABLE: 0.13, Reason.DAMAGED: 0.11, Reason.DIRTY: 0.03,
    Reason.NOT_AS_DESCRIBED: 0.12, Reason.FAULTY: 0.09, Reason.DELAYED_SHIPPING: 0.07,
    Reason.LOST_IN_TRANSIT: 0.05, Reason.CARRIER_DELAY: 0.06, Reason.MISSING_ACCESSORY: 0.08,
    Reason.SLIGHT_DEFECT: 0.09,
}
NEW_REASON_WEIGHT = 0.04
REFUND_REASONS = [r.value for r in Reason]
_weights = np.array([REASON_WEIGHTS.get(r, NEW_REASON_WEIGHT) for r in Reason])
REFUND_REASON_P = list(_weights / _weights.sum())
EXCHANGE_REASONS = ["not_suitable", "damaged", "faulty", "not_as_described", "dirty"]
EXCHANGE_REASON_P = [0.45, 0.2, 0.15, 0.15, 0.05]
ORDER_STATUSES = ["delivered", "cancelled", "shipped", "processing"]


@dataclass
class Sample:
    """Generated tables as Arrow, ready for DuckDB to read directly."""

    orders: pa.Table
    cases: pa.Table


# ---------------------------------------------------------------- time helpers (vectorised)
def _series(t: np.ndarray, tz: str) -> pd.Series:
    """datetime64[us] UTC instants -> tz-aware Series in the policy zone (what policy wants)."""
    return pd.Series(t).dt.tz_localize("UTC").dt.tz_convert(tz)


def _instants(s: pd.Series) -> np.ndarray:
    """tz-aware Series -> datetime64[us] UTC instants (NaT kept)."""
    s = pd.to_datetime(s)
    if s.dt.tz is not None:
        s = s.dt.tz_convert("UTC").dt.tz_localize(None)
    return s.to_numpy(dtype="datetime64[us]")


def _local_days(t: np.ndarray, tz: str) -> np.ndarray:
    local = _series(t, tz).dt.tz_localize(None).to_numpy(dtype="datetime64[us]")
    return local.astype("datetime64[D]")


def _hours(rng: np.random.Generator, n: int, median: float, sigma: float = 0.8) -> np.ndarray:
    return (rng.lognormal(np.log(median), sigma, n) * 3600e6).astype("int64") * US


def _backlog_days(years: range, country: str) -> np.ndarray:
    """Spring Festival and National Day breaks plus the ten days after (the backlog)."""
    out = []
    cal = holidays.country_holidays(country, years=list(years))
    for year in years:
        for key in ("Spring Festival", "National Day"):
            days = [d for d, n in cal.items() if d.year == year and key in n]
            if days:
                first, last = min(days), max(days) + dt.timedelta(days=10)
                out.extend(np.arange(np.datetime64(first) - 1, np.datetime64(last) + 1))
    return np.array(out, dtype="datetime64[D]")


def _schedule(
    rng: np.random.Generator,
    start: np.ndarray,
    due: np.ndarray,
    breach_p: np.ndarray | float,
    late_median_h: float = 30.0,
) -> np.ndarray:
    """When a stage was done: inside (start, due] mostly, after due with probability breach_p."""
    n = len(start)
    span = (due - start).astype("int64")
    frac = rng.beta(2.0, 3.5, n)
    on_time = start + (np.maximum(span, 0) * frac).astype("int64") * US
    late = due + _hours(rng, n, late_median_h, 1.0)
    return np.where(rng.random(n) < breach_p, late, on_time)


def _ids(prefix: str, n: int, width: int) -> pa.Array:
    nums = pc.cast(pa.array(np.arange(1, n + 1, dtype=np.int64)), pa.string())
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(nums, width, "0"), "")


def _ts(t: np.ndarray) -> pa.Array:
    """Whole seconds, as exports have them (integer arithmetic: casts are slow on 10M rows)."""
    v = t.view("int64")
    known = ~np.isnat(t)
    whole = v - np.where(known, v % 1_000_000, 0)
    return pa.array(whole, pa.int64(), mask=~known).cast(pa.timestamp("us", tz="UTC"))


def sample_until(until=None, tz: str = "UTC") -> pd.Timestamp:
    """The moment the sample runs up to, tz-aware, whole seconds: ``until`` (ISO text, a
    datetime or a Timestamp; naive = ``tz``), else ``$RETURNS_DESK_SAMPLE_UNTIL``, else now.

    A sample that ends when it is made shows a live store on the day it is opened (a fixed end
    date made every later day's default week look like a collapse: the open items just had no
    later data). Pinning it makes the same history, to the second, for tests and demos."""
    if until is None or until == "":
        until = os.environ.get(UNTIL_ENV) or None
    try:
        ts = pd.Timestamp.now(tz="UTC") if until is None else pd.Timestamp(until)
    except (ValueError, TypeError):
        raise ValueError(f"the sample's end is not a timestamp: {until!r} "
                         "(use ISO 8601, e.g. 2026-11-26T00:00:00+08:00)") from None
    if ts.tzinfo is None:
        ts = ts.tz_localize(tz, ambiguous=True, nonexistent="shift_forward")
    return ts.floor("s")


def _decide(policy, *, order_ids, amount, category, placed, shipped, delivered, promised, request, reason,
            requested, prior, has_num, has_addr, has_media, correct_use) -> pd.DataFrame:
    """The engine's decision (``decide_frame``) for each generated case, from what is known when
    the customer asks; the milestones are then placed against it. In chunks, as the orders."""
    from policy import decide_frame

    tz = policy.calendar.timezone
    frame = pd.DataFrame({
        "order_id": order_ids.astype(str), "order_amount": amount, "category": category,
        "placed_at": _series(placed, tz), "shipped_at": _series(shipped, tz),
        "delivered_at": _series(delivered, tz), "promised_delivery_at": _series(promised, tz),
        "request": request, "reason": reason, "requested_at": _series(requested, tz),
        "prior_contact": prior, "has_order_number": has_num, "has_shipping_address": has_addr,
        "has_media": has_media, "correct_use": correct_use,
    })
    chunk = 1_000_000
    parts = [decide_frame(frame.iloc[i:i + chunk].reset_index(drop=True), policy) for i in range(0, len(frame), chunk)]
    return pd.concat(parts, ignore_index=True) if parts else decide_frame(frame, policy)


# ---------------------------------------------------------------- generator
def generate(
    n_orders: int = DEFAULT_ORDERS,
    n_cases: int = DEFAULT_CASES,
    *,
    seed: int = DEFAULT_SEED,
    until=None,
    policy=None,
) -> Sample:
    """Generate ``n_orders`` orders over the two years up to ``until`` (see ``sample_until``;
    default: now) and about ``n_cases`` cases. The same seed gives the same history relative to
    its end: the end moves, the store does not. Nothing happens after ``until``: orders of its
    own day fall before it, later milestones are not recorded yet."""
    from policy import deadline_after, load_policy, ship_by_frame
    from policy.localtime import day_start_utc_us

    policy = policy or load_policy()
    tz = policy.calendar.timezone
    wd = policy.working_days
    rng = np.random.default_rng(seed)
    until_ts = sample_until(until, tz)
    now = np.datetime64(until_ts.tz_convert("UTC").tz_localize(None), "us")
    end = (until_ts - pd.Timedelta(microseconds=1)).tz_convert(tz).date()  # the last day with orders
    # The first instant of the local date ``end`` (no zone's skipped or repeated midnight fails it).
    end_day = (np.datetime64(end, "D") - np.datetime64("1970-01-01", "D")).astype(np.int64)
    end_start = np.datetime64(int(day_start_utc_us(np.array([end_day]), tz)[0]), "us")
    first_day = np.datetime64(end, "D") - 365 * YEARS
    backlog = _backlog_days(range(end.year - YEARS - 1, end.year + 1), policy.calendar.country)

    # --- orders: days weighted by growth, weekday and sales peaks; time of day skewed to evening
    days = np.arange(first_day, np.datetime64(end, "D") + 1)
    w = np.linspace(0.7, 1.3, len(days))
    dow = (days.astype("int64") + 3) % 7  # Monday = 0
    w *= np.where(dow >= 5, 1.15, 1.0)
    md = pd.DatetimeIndex(days)
    peak = ((md.month == 11) & (md.day >= 8) & (md.day <= 12)) | ((md.month == 11) & (md.day >= 24))
    w *= np.where(peak, 2.5, 1.0)
    day_idx = np.sort(rng.choice(len(days), size=n_orders, p=w / w.sum()))
    tod = (np.clip(rng.normal(15.5, 4.5, n_orders), 0, 23.999) * 3600e6).astype("int64") * US
    offset = np.datetime64(end, "D").astype("datetime64[us]") - end_start  # fixed-offset zone assumed for the sample
    elapsed = now - end_start  # of the last day, up to `until`
    if elapsed < DAY:  # the last day so far: its orders keep their order, squeezed before `until`
        last = days[day_idx] == np.datetime64(end, "D")
        tod[last] = (tod[last].astype("int64") * (elapsed / DAY)).astype("int64") * US
    placed = days[day_idx].astype("datetime64[us]") + tod - offset
    # At 10M orders every such array is 80 MB: each goes once used (below too), so the peak is
    # the tables being built, not every intermediate step at once.
    del day_idx, tod

    cat = rng.choice(len(CATEGORIES), n_orders, p=CATEGORY_P).astype(np.int8)
    ctry = rng.choice(len(COUNTRIES), n_orders, p=COUNTRY_P).astype(np.int8)
    amount = np.round(np.array(CATEGORY_PRICE)[cat] * rng.lognormal(0.0, 0.6, n_orders), 2)
    amount[rng.random(n_orders) < 0.001] = 0.0  # data-quality: zero amounts

    chunk = 2_500_000  # bounds the engine's working memory on 10M orders
    ship_by = np.concatenate([_instants(ship_by_frame(_series(placed[i:i + chunk], tz), policy))
                              for i in range(0, n_orders, chunk)]) if n_orders else placed.copy()
    placed_day = _local_days(placed, tz)
    ship_breach = np.where(np.isin(placed_day, backlog), 0.30, 0.035)
    shipped = _schedule(rng, placed, ship_by, ship_breach, late_median_h=20)
    del ship_by, placed_day, ship_breach
    transit = np.array(COUNTRY_TRANSIT)[ctry]
    promised = placed + ((transit + 6) * DAY)
    delivered = shipped + (rng.lognormal(np.log(transit), 0.3, n_orders) * 86400e6).astype("int64") * US
    del transit

    status = np.zeros(n_orders, np.int8)  # codes into ORDER_STATUSES
    cancelled = rng.random(n_orders) < 0.02
    shipped[cancelled] = NAT
    delivered[cancelled] = NAT
    status[cancelled] = 1
    not_yet_shipped = shipped > now
    shipped[not_yet_shipped] = NAT
    in_transit = ~cancelled & (np.isnat(shipped) | (delivered > now))
    planned_delivery = delivered.copy()  # customers write after it, even when it is still ahead
    delivered[in_transit] = NAT
    status[in_transit & ~np.isnat(shipped)] = 2
    status[~cancelled & np.isnat(shipped)] = 3
    del not_yet_shipped, in_transit

    # --- cases: a random set of orders; request and reason in believable proportions
    m = min(int(n_cases * 1.15), n_orders)
    oi = np.sort(rng.choice(n_orders, size=m, replace=False))
    req = np.array(REQUESTS, dtype=object)[rng.choice(len(REQUESTS), m, p=REQUEST_P)]
    req[cancelled[oi]] = "cancel"
    del cancelled
    reason = np.full(m, None, dtype=object)
    is_ref = req == "refund"
    reason[is_ref] = np.array(REFUND_REASONS, dtype=object)[rng.choice(len(REFUND_REASONS), is_ref.sum(), p=REFUND_REASON_P)]
    is_exc = req == "exchange"
    reason[is_exc] = np.array(EXCHANGE_REASONS, dtype=object)[rng.choice(len(EXCHANGE_REASONS), is_exc.sum(), p=EXCHANGE_REASON_P)]
    is_can = req == "cancel"
    reason[is_can] = np.where(rng.random(is_can.sum()) < 0.8, "changed_mind", None)
    elec = cat[oi] == 0
    reason[is_ref & elec & (rng.random(m) < 0.15)] = "faulty"

    o_placed, o_shipped, o_deliv = placed[oi], shipped[oi], delivered[oi]
    o_prom = promised[oi]
    # lost parcels never arrive; a lost claim comes after the promised date
    lost = reason == "lost_in_transit"
    delivered[oi[lost]] = NAT
    o_deliv = delivered[oi]
    if lost.any():
        status[oi[lost & ~np.isnat(o_shipped)]] = 2

    # Requests follow the planned delivery; one that would come after "now" has not been made
    # yet (dropped below), so the last weeks hold the same mix as the others.
    o_plan = planned_delivery[oi]
    del planned_delivery
    o_plan[lost] = NAT
    after_delivery = o_plan + _hours(rng, m, 24 * 6, 1.0)
    late_claims = rng.random(m) < 0.05  # some write after the 30-day window
    after_delivery = np.where(late_claims, o_plan + (rng.integers(31, 60, m) * DAY), after_delivery)
    before_delivery = np.where(np.isnat(o_shipped), o_placed, o_shipped) + _hours(rng, m, 30, 1.0)
    requested = np.where(np.isnat(o_plan), before_delivery, after_delivery)
    requested = np.where(is_can, o_placed + _hours(rng, m, 5, 1.2), requested)
    requested = np.where(lost, o_prom + _hours(rng, m, 24 * 4, 0.7), requested)
    del o_plan, after_delivery, before_delivery, late_claims
    sel = np.flatnonzero(~np.isnat(requested) & (requested < now))
    if len(sel) > n_cases:  # a random subset, so the last weeks keep their share of cases
        sel = np.sort(rng.choice(sel, size=n_cases, replace=False))
    oi, req, reason, requested = oi[sel], req[sel], reason[sel], requested[sel]
    o_placed, o_shipped, o_deliv, o_amount = placed[oi], shipped[oi], delivered[oi], amount[oi]
    lost = lost[sel]
    k = len(oi)

    def flag(p_false: float) -> np.ndarray:
        return rng.random(k) >= p_false

    prior = flag(0.012)
    has_num, has_addr, has_media = flag(0.02), flag(0.02), flag(0.06)
    correct_use = flag(0.05)
    req_day = _local_days(requested, tz)
    monday = ((req_day.astype("int64") + 3) % 7) == 0
    backlog_req = np.isin(req_day, backlog)

    # --- the path each case takes: the engine's own decision on what is known at the request
    decided = _decide(policy, order_ids=oi, amount=o_amount, category=np.array(CATEGORIES)[cat[oi]],
                      placed=o_placed, shipped=o_shipped, delivered=o_deliv, promised=promised[oi],
                      request=req, reason=reason, requested=requested, prior=prior, has_num=has_num,
                      has_addr=has_addr, has_media=has_media, correct_use=correct_use)
    outcome = decided["outcome"].astype(str).to_numpy()
    early = outcome == Outcome.CANCEL_FREE.value
    status_case = outcome == Outcome.STATUS_UPDATE.value
    partial = outcome == Outcome.PARTIAL_REFUND.value
    full_now = outcome == Outcome.FULL_REFUND.value
    returning = np.isin(outcome, [Outcome.RETURN_REFUND.value, Outcome.EXCHANGE.value])
    merchant = returning & (decided["freight_payer"].astype(str).to_numpy() == FreightPayer.MERCHANT.value)
    refund_due = decided["refund_amount"].astype(float).to_numpy()
    del decided

    empty = np.full(k, NAT)
    replied = empty.copy()
    reply_due = _instants(deadline_after(_series(requested, tz), wd.reply, policy))
    reply_breach = 0.04 + 0.10 * monday + 0.30 * backlog_req
    answered = ~early & ~status_case
    replied[answered] = _schedule(rng, requested, reply_due, reply_breach)[answered]

    media = np.where(has_media, requested, empty)
    late_media = partial & ~has_media & (rng.random(k) < 0.7)
    media[late_media] = requested[late_media] + _hours(rng, late_media.sum(), 40)

    cust_due = _instants(deadline_after(_series(replied, tz), wd.customer_ship, policy))
    ships = returning & (rng.random(k) >= 0.08)  # some customers never send the item back
    cust_shipped = np.where(ships, _schedule(rng, replied, cust_due, 0.12), empty)
    received = np.where(ships, cust_shipped + (rng.lognormal(np.log(7), 0.3, k) * 86400e6).astype("int64") * US, empty)

    after_return_due = _instants(deadline_after(_series(received, tz), wd.refund_after_return, policy))
    wd_breach = 0.05 + 0.25 * backlog_req
    is_exchange = outcome == Outcome.EXCHANGE.value
    repl_shipped = np.where(is_exchange & ships, _schedule(rng, received, after_return_due, wd_breach, 20), empty)

    refunded = empty.copy()
    never = rng.random(k) < 0.02  # refunds that were never sent
    r_ret = returning & ~is_exchange & ships
    refunded[r_ret] = _schedule(rng, received, after_return_due, wd_breach, 20)[r_ret]
    quick = early | full_now
    quick_due = _instants(deadline_after(_series(requested, tz), wd.refund_receipt, policy))
    refunded[quick] = _schedule(rng, requested, quick_due, wd_breach)[quick]
    part_due = _instants(deadline_after(_series(media, tz), wd.partial_refund, policy))
    part_ok = partial & ~np.isnat(media)
    refunded[part_ok] = _schedule(rng, media, part_due, wd_breach)[part_ok]
    refunded[never] = NAT

    claimed = np.where(merchant & ships & (rng.random(k) < 0.35), cust_shipped + _hours(rng, k, 6), empty)
    fr_due = _instants(deadline_after(_series(claimed, tz), wd.freight_reimburse, policy))
    reimbursed = np.where(~np.isnat(claimed), _schedule(rng, claimed, fr_due, 0.07, 48), empty)

    st_due = _instants(deadline_after(_series(requested, tz), wd.status_update, policy))
    status_upd = np.where(status_case, _schedule(rng, requested, st_due, 0.06 + 0.25 * backlog_req, 10), empty)

    # anything after "now" has not happened yet
    for arr in (replied, media, cust_shipped, received, repl_shipped, refunded, claimed, reimbursed, status_upd):
        arr[arr > now] = NAT
    last = np.max(np.stack([np.where(np.isnat(a), requested, a) for a in
                            (replied, received, repl_shipped, refunded, reimbursed, status_upd)]), axis=0)
    done = (~np.isnat(refunded) | ~np.isnat(repl_shipped) | ~np.isnat(status_upd)) & (rng.random(k) < 0.9)
    closed = np.where(done, last + _hours(rng, k, 8), empty)
    closed[closed > now] = NAT

    refund_amt = np.where(partial, refund_due, o_amount)
    refund_amt = np.where(np.isnat(refunded), np.nan, refund_amt)
    freight_amt = np.where(merchant & ships, np.round(rng.uniform(6, 28, k), 2), np.nan)

    # data-quality problems a real export has
    dq = rng.random(n_orders)
    bad_order = (dq < 0.0008) & ~np.isnat(shipped) & ~np.isnat(delivered)
    delivered[bad_order] = shipped[bad_order] - _hours(rng, bad_order.sum(), 30)
    gone = (dq > 0.9985) & (status == 0)
    delivered[gone] = NAT  # delivered, but the carrier never reported the date
    del dq, bad_order, gone

    orders = pa.table({
        "order_id": _ids("SO", n_orders, 8),
        "placed_at": _ts(placed),
        "shipped_at": _ts(shipped),
        "delivered_at": _ts(delivered),
        "promised_delivery_at": _ts(promised),
        "order_amount": pa.array(amount),
        "currency": pa.DictionaryArray.from_arrays(pa.array(np.zeros(n_orders, np.int8)),
                                                   pa.array([policy.money.currency])),
        "category": pa.DictionaryArray.from_arrays(pa.array(cat.astype(np.int8)), pa.array(CATEGORIES)),
        "country": pa.DictionaryArray.from_arrays(pa.array(ctry.astype(np.int8)), pa.array(COUNTRIES)),
        "status": pa.DictionaryArray.from_arrays(pa.array(status), pa.array(ORDER_STATUSES)),
    })
    order_ids = orders.column("order_id").take(pa.array(oi))
    cases = pa.table({
        "case_id": _ids("RC", k, 7),
        "order_id": order_ids,
        "request": pa.array(req, pa.string()),
        "reason": pa.array(reason, pa.string()),
        "requested_at": _ts(requested),
        "prior_contact": pa.array(prior),
        "has_order_number": pa.array(has_num),
        "has_shipping_address": pa.array(has_addr),
        "has_media": pa.array(has_media),
        "correct_use": pa.array(correct_use),
        "replied_at": _ts(replied),
        "media_received_at": _ts(media),
        "customer_shipped_at": _ts(cust_shipped),
        "return_received_at": _ts(received),
        "replacement_shipped_at": _ts(repl_shipped),
        "refunded_at": _ts(refunded),
        "freight_claimed_at": _ts(claimed),
        "freight_reimbursed_at": _ts(reimbursed),
        "status_updated_at": _ts(status_upd),
        "closed_at": _ts(closed),
        "refund_amount": pa.array(refund_amt, from_pandas=True),
        "freight_amount": pa.array(freight_amt, from_pandas=True),
        "agent": pa.array(np.array(AGENTS, dtype=object)[rng.integers(0, len(AGENTS), k)], pa.string()),
    })
    return Sample(orders=orders, cases=cases)


def load_sample(
    con: duckdb.DuckDBPyConnection,
    n_orders: int = DEFAULT_ORDERS,
    n_cases: int = DEFAULT_CASES,
    *,
    seed: int = DEFAULT_SEED,
    sample: Sample | None = None,
    until=None,
) -> tuple[int, int]:
    """Generate (or take) a sample up to ``until`` (default: now) and write it into ``con`` in
    one transaction. The database must not hold the sample's order or case ids yet (every
    caller writes a new file): a clash is a ``DataError`` and nothing is written."""
    from .db import DataError

    sample = sample or generate(n_orders, n_cases, seed=seed, until=until)
    cur = con.cursor()
    cur.register("sample_orders", sample.orders)
    cur.register("sample_cases", sample.cases)
    cur.begin()
    try:
        cur.execute(sql.load("sample_insert_orders"))
        cur.execute(sql.load("sample_insert_cases"))
        cur.execute(sql.load("sample_mark"))
        cur.execute(sql.load("bump_data_version"))
        cur.commit()
    except duckdb.ConstraintException as exc:
        cur.rollback()
        raise DataError(f"the sample's ids are already in this database ({exc}); write the sample into a new "
                        "file (python -m data sample --db NEW.duckdb), nothing was written") from None
    except Exception:
        cur.rollback()
        raise
    finally:
        cur.unregister("sample_orders")
        cur.unregister("sample_cases")
    return sample.orders.num_rows, sample.cases.num_rows
