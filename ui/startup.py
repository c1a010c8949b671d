"""What a server can do once at start, before its first visitor, instead of in that visitor's
first view: ``serve.py`` runs ``warm_up()`` in Streamlit's start-up hook (``st.App``'s lifespan).

- Import every module app.py and the pages import (read from their source, so the list never
  goes stale): pandas, pyarrow, DuckDB, plotly, the policy engine, ``data`` and ``ui``.
- Build the shipped policy's working calendar (its holidays, ``policy.calendar_for``) and the
  holidays package's country list (the What-if lab's and the Policy page's country choice), the
  two lookups of the holidays data every page's first use pays otherwise.
- Switch off Streamlit's legacy ``pages/`` mode, as the first run through ``ui`` would (see
  ``ui/__init__``): a first visitor's deep link then runs app.py at once, not the page alone first.
- Compile the emoji pattern Streamlit checks the page icon against (``warm_rendering``).
- Read what a first view reads of the default database (``warm_data``), so DuckDB holds those
  blocks before the first visitor: the data's freshness and, when the store policy's facts are
  stored and current, the week list and what Weekly metrics shows of the week it opens on (a
  first view at 10M orders otherwise reads them cold from the file: ~1 s). Nothing is decided
  or written here: facts that are missing or stale are the page's progress bar, as before.

Nothing here depends on a session's choices: every visitor gets the same work done.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import logging
from pathlib import Path

log = logging.getLogger("returns_desk.ui")

REPO_ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = [REPO_ROOT / "app.py", *sorted((REPO_ROOT / "pages").glob("*.py"))]


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # a parent that is not a package
        return False


def imported_modules(scripts=SCRIPTS) -> list[str]:
    """The modules the scripts import at their top level or inside their functions, in order
    (``from ui import display`` names ``ui`` and ``ui.display``)."""
    names: dict[str, None] = {}
    for script in scripts:
        for node in ast.walk(ast.parse(Path(script).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update((alias.name, None) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level and node.module != "__future__":
                names[node.module] = None
                names.update((f"{node.module}.{a.name}", None) for a in node.names
                             if _is_module(f"{node.module}.{a.name}"))
    return list(names)


def warm_up() -> list[str]:
    """Do the start-up work; returns the modules that could not be imported (logged, not raised:
    a page that cannot import says so to its visitor as before)."""
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    failed = []
    for name in imported_modules():
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the page shows its own error when visited
            log.warning("start-up: cannot import %s", name, exc_info=True)
            failed.append(name)
    import holidays

    from policy import calendar_for, default_policy

    calendar_for(default_policy().calendar)
    holidays.list_supported_countries()
    warm_rendering()
    warm_data()
    return failed


def warm_data() -> list[str]:
    """Read the default database as Weekly metrics' first view would, through the process's one
    connection (``ui.context``'s cached resource, so the pages reuse it and DuckDB's buffers):
    the week list, then the week the page opens on (``opening_week``) under the shipped policy
    as of now: its twelve-week report, its breached cases and late orders, its breakdown by
    agent. Returns what was read. Decides and writes nothing; never raises: a database that
    cannot be read is the page's sentence to say."""
    import datetime as dt

    import data
    from data.decisions import facts_ready
    from data.freshness import data_freshness
    from data.metrics_view import opening_week
    from data.report import attainment_by, breached_page, report_week_list, weekly_report
    from data.sla import MERCHANT_STAGES
    from policy import load_policy
    from ui.context import connection_for

    done: list[str] = []
    try:
        path = data.default_path()
        if not path.is_file():
            return done
        con = connection_for(str(path))
        data_freshness(con)
        done.append("freshness")
        policy = load_policy()
        if not facts_ready(con, policy):
            return done
        now = dt.datetime.now(dt.UTC)
        week = opening_week(report_week_list(con, policy, now))
        if week is None:
            return done
        last_day = week + dt.timedelta(days=6)
        weekly_report(con, policy, week - dt.timedelta(weeks=11), last_day, now)
        done.append("weekly report")
        for cases in (True, False):
            breached_page(con, policy, now, week, cases=cases, limit=100)
        attainment_by(con, policy, "agent", week, last_day, now, list(MERCHANT_STAGES))
        done.append("breaches")
    except Exception:  # noqa: BLE001 - a first view says what is wrong; start-up goes on
        log.warning("start-up: cannot read the default database", exc_info=True)
    return done


def warm_rendering() -> None:
    """What Streamlit builds on first use and keeps: the emoji pattern the page icon is checked
    against (about 0.15 s of every page's first view after a start)."""
    from streamlit import string_util

    string_util.is_emoji("↩️")
