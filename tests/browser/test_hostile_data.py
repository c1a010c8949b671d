"""Data is text, and one odd file takes nothing down, on the real server (headless Chromium).

A database whose ids, categories, countries and agents are all payloads (Markdown images and
links, ``javascript:`` links, ``<img onerror>``, ``<script>``, HTML anchors, bare URLs and
e-mail addresses), a saved-policies folder holding every odd entry of
tests/test_odd_policy_files.py plus a policy whose name is a payload: every page, the case
itself, the page links and the charts are opened in one session, and after each step

- no request left the server's origin (the Markdown image points at a local "beacon" port),
- no link in the page points to another host or to ``javascript:``,
- nothing ran (no dialog, ``window.pwned`` never set), and no exception box is shown.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import socket
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest

from tests.browser.conftest import no_exception_on_screen, open_settings, start_server, stop_server, wait_idle
from tests.test_odd_policy_files import make_odd_folder

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


BEACON = f"http://127.0.0.1:{_free_port()}"  # another origin: nothing may ever ask it for anything
PAYLOADS = [
    f"**B** ![p]({BEACON}/beacon.png)",
    "[Claim](javascript:window.pwned=1)",
    f"<img src={BEACON}/img.png onerror=window.pwned=1>",
    "<script>window.pwned=1</script>",
    '<a href="http://evil.example">Claim your refund here</a>',
    "see http://evil.example/x www.evil.example ana@evil.example",
]
ORDER_COLUMNS = ["order_id", "placed_at", "shipped_at", "delivered_at", "order_amount", "currency", "category",
                 "country", "status"]
CASE_COLUMNS = ["case_id", "order_id", "request", "reason", "requested_at", "agent"]


def _csv(rows: list[list[str]], header: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, *rows])
    return buf.getvalue()


def _stamp(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _last_tuesday() -> dt.date:
    today = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    return today - dt.timedelta(days=today.weekday() + 6)


def hostile_rows() -> tuple[str, str]:
    """Orders and cases CSV: one order and one case per payload, the case requested (and never
    answered) in the last complete week, 20 days after delivery (a 30-day window returns it, a
    7-day window does not); plus one order of that week never shipped (P1 breached)."""
    zone = ZoneInfo("Asia/Shanghai")
    requested = dt.datetime.combine(_last_tuesday(), dt.time(10), zone)
    delivered = requested - dt.timedelta(days=20)
    orders, cases = [], []
    for i, payload in enumerate(PAYLOADS):
        orders.append([payload, _stamp(delivered - dt.timedelta(days=3)), _stamp(delivered - dt.timedelta(days=2)),
                       _stamp(delivered), f"{40 + i}.00", "USD", payload, payload, "delivered"])
        cases.append([payload, payload, "refund", "changed_mind", _stamp(requested), payload])
    orders.append([PAYLOADS[0] + " late", _stamp(requested), "", "", "10.00", "USD", PAYLOADS[4], PAYLOADS[2],
                   "processing"])
    return _csv(orders, ORDER_COLUMNS), _csv(cases, CASE_COLUMNS)


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    import data
    from data.importer import import_file

    root = tmp_path_factory.mktemp("hostile")
    db = root / "hostile.duckdb"
    orders, cases = hostile_rows()
    (root / "orders.csv").write_text(orders, encoding="utf-8")
    (root / "cases.csv").write_text(cases, encoding="utf-8")
    con = data.connect(db, create_sample=False, quiet=True)
    try:
        import_file(con, "orders", root / "orders.csv")
        import_file(con, "cases", root / "cases.csv")
    finally:
        con.close()
    policies = root / "policies"
    odd = make_odd_folder(policies)
    (policies / "payload.toml").write_text(
        f'name = {json.dumps(PAYLOADS[0] + " " + PAYLOADS[3])}\n'
        '[warranty]\ncategories = ["electronics", "<b>x</b> www.evil.example"]\n')
    proc, url = start_server(db, root / "streamlit.log", policies,
                             env={"RETURNS_DESK_ROLES": str(root / "roles.toml")},
                             args=["--secrets.files", str(root / "secrets.toml")])
    try:
        yield url, odd, root
    finally:
        stop_server(proc)


class Watch:
    """Every request and dialog of a page, and the checks after each step."""

    def __init__(self, page, origin: str) -> None:
        self.page, self.origin = page, origin
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def check(self, step: str) -> None:
        page = self.page
        wait_idle(page)
        page.wait_for_timeout(500)  # images and scripts in the DOM have had their chance to load / run
        no_exception_on_screen(page)
        host = urlparse(self.origin).netloc
        away = [u for u in self.requests if not (u.startswith(self.origin + "/") or u == self.origin
                                                 or u.startswith(("data:", "blob:")))]
        assert not away, (step, away)
        assert not self.dialogs, (step, self.dialogs)
        assert page.evaluate("window.pwned") is None, step
        links = page.evaluate("""() => [...document.querySelectorAll('a')].map(a =>
            a.getAttribute('href') || a.getAttribute('xlink:href') || '')""")
        for href in links:
            target = urlparse(href if "://" in href or href.lower().startswith(("javascript", "mailto"))
                              else self.origin + "/" + href.lstrip("/"))
            assert target.scheme in ("http", "https") and target.netloc == host, (step, href)
        assert page.locator('[data-testid="stMain"] img').count() == 0, step  # no image from data


def _main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text().replace("\u2060", "")


def _nav(page, title: str) -> None:
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name=title, exact=True).click()
    wait_idle(page)
    page.get_by_role("heading", name=title, exact=True).first.wait_for()


def _choose_payload_policy(page) -> None:
    open_settings(page).locator('[data-testid="stSelectbox"]').click()
    page.get_by_role("option", name="(payload.toml)").click()
    wait_idle(page)


def test_hostile_data_is_text_on_every_page(browser, hostile_server):
    url, odd, root = hostile_server
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(60_000)
    watch = Watch(page, url)
    try:
        # the data stops inside last week, so that week is incomplete and not the default: open it by its link
        week = "{}-W{:02d}".format(*_last_tuesday().isocalendar()[:2])
        page.goto(f"{url}/?week={week}", wait_until="domcontentloaded")
        wait_idle(page)
        page.get_by_role("heading", name="Weekly metrics", exact=True).wait_for()
        watch.check("weekly metrics, shipped policy")
        # where the week breached, by agent: a static table of Markdown cells, each agent as typed
        table = page.locator('[data-testid="stMarkdown"] table').filter(has_text="Attainment")
        shown = table.inner_text().replace("\u2060", "")
        assert all(p in shown for p in PAYLOADS), shown

        # the policy whose name is a payload, chosen in the sidebar: every page shows its name
        _choose_payload_policy(page)
        assert "saved policy file(s) could not be read" in page.locator('[data-testid="stSidebar"]').inner_text()
        text = _main_text(page)
        assert f"policy: {PAYLOADS[0]} {PAYLOADS[3]}" in text  # shown as typed
        watch.check("weekly metrics, payload policy")

        # the charts: each return-rate bar names its category in full (its aria-label, as Vega-Lite
        # wrote it); hovering a bar shows its tooltip as text, never markup
        chart = page.locator('[data-testid="stVegaLiteChart"]').filter(has_text="Return rate by category").first
        chart.scroll_into_view_if_needed()
        bars = chart.locator("g.mark-rect.role-mark path")
        labels = " ".join(bars.evaluate_all("els => els.map(e => e.getAttribute('aria-label') || '')"))
        assert '<a href="http://evil.example">Claim your refund here</a>' in labels, labels
        tips = []
        for bar in bars.all():
            box = bar.bounding_box()
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.wait_for_timeout(150)
            tip = page.locator("#vg-tooltip-element")
            tips.append(tip.inner_text() if tip.count() else "")
            assert not tip.locator("a, img, script").count(), tips[-1]  # shown as text, never markup
        assert any(p in " ".join(tips) for p in PAYLOADS), tips
        watch.check("weekly metrics, charts hovered")

        # the page link to a breached case (its label is the case id), in the breached cases' tab
        page.get_by_role("tab", name=re.compile(r"^Breached cases \(")).click()
        wait_idle(page)
        link = page.locator('[data-testid="stPageLink"] a', has_text="Open case")
        link.first.wait_for()
        assert link.count() == 1
        assert any(p in link.inner_text().replace("\u2060", "") for p in PAYLOADS)
        link.click()
        wait_idle(page)
        page.get_by_role("heading", name="Case lookup", exact=True).wait_for()
        text = _main_text(page)
        (shown,) = [p for p in PAYLOADS if f"Case {p} · order {p}" in text]
        assert f"agent {shown}" in text
        watch.check(f"case lookup, case {shown!r}")

        for payload in PAYLOADS:  # every case itself, opened by its link
            page.goto(f"{url}/case_lookup?case={_quote(payload)}", wait_until="domcontentloaded")
            wait_idle(page)
            page.get_by_text("Read to the customer").wait_for()
            assert f"Case {payload} · order {payload}" in _main_text(page)
            watch.check(f"case {payload!r}")

        # a fresh session (the shipped policy): the queues, the What-if lab with a scenario
        # whose file name and policy name are payloads, the Policy page, the Data page
        page.goto(url + "/case_lookup", wait_until="domcontentloaded")
        wait_idle(page)
        page.get_by_text("Latest cases").wait_for()
        watch.check("case lookup, first load")

        _nav(page, "What-if lab")
        _choose_payload_policy(page)  # the baseline: its name and categories in labels and help
        assert f"baseline: {PAYLOADS[0]} {PAYLOADS[3]}" in _main_text(page)  # the scenario's heading
        watch.check("what-if, payload policy as the baseline")
        page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(
            files=[{"name": "<img src=x onerror=window.pwned=1>.toml", "mimeType": "application/toml",
                    "buffer": f'name = {json.dumps(PAYLOADS[4])}\n[returns]\nwindow_days = 7\n'.encode()}])
        wait_idle(page)
        page.get_by_text(f"Changed cases ({len(PAYLOADS)})").wait_for()
        watch.check("what-if, scenario replayed")
        link = page.locator('[data-testid="stPageLink"] a', has_text="Open case")
        assert link.count() == 1 and any(p in link.inner_text().replace("\u2060", "") for p in PAYLOADS)
        link.click()
        wait_idle(page)
        page.get_by_text("Read to the customer").wait_for()
        watch.check("case opened from the what-if lab")

        _nav(page, "Policy")
        text = _main_text(page)
        assert "Saved policy files that cannot be used" in text
        assert f"{len(odd)} entry(ies) in" in text  # the table itself is a canvas (its rows: AppTest)
        watch.check("policy page")

        _nav(page, "Data")
        orders, _ = hostile_rows()
        page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(
            files=[{"name": f"{PAYLOADS[2]}.csv", "mimeType": "text/csv", "buffer": orders.encode()}])
        wait_idle(page)
        page.get_by_role("button", name="Import into orders").click()
        wait_idle(page)
        assert f"{PAYLOADS[2]}.csv: {len(PAYLOADS) + 1} row(s) read" in _main_text(page)
        watch.check("data page, import of a file named like a payload")
        assert len(watch.requests) > 20  # the watch did see the app's own traffic
    finally:
        context.close()


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")
