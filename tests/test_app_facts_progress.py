"""A policy version whose facts are not stored yet is decided once, with its progress shown
(issue 11): each page that reads a policy's facts draws a progress bar while they are decided
and stored, ending on what was done, then its figures; once stored, no bar."""

from __future__ import annotations

import shutil

import pytest

from data import decisions as dec
from tests.app_support import app_test, use_app_env

LONG = ("long.toml", 'name = "Long window"\n[returns]\nwindow_days = 45\n', "Long window (long.toml)")


def _bars(at) -> list[str]:
    """The texts of the progress bars on screen, without ``ui.display.md``'s escapes (a bar's text
    is Markdown, and it names the policy: tests/browser/test_hostile_data.py)."""
    return [el.proto.text.replace("\\", "").replace("\u2060", "") for el in at.get("progress")]


@pytest.fixture
def app_db(sample_db, tmp_path, monkeypatch):
    """A private copy of the sample (its facts get stored), no facts cached in this process."""
    db = tmp_path / "progress.duckdb"
    shutil.copy(sample_db, db)
    policies = use_app_env(db, tmp_path, monkeypatch)
    policies.mkdir()
    policies.joinpath(LONG[0]).write_text(LONG[1])
    dec.clear_cache()
    yield db
    dec.clear_cache()


# Each page that reads a policy's facts on first view, and what it shows once they are there.
PAGES = [
    pytest.param("pages/weekly_metrics.py", lambda at: len(at.metric) > 0, id="weekly-metrics-tiles"),
    pytest.param("pages/case_lookup.py", lambda at: any("At risk" in m.value for m in at.markdown),
                 id="case-lookup-queue"),
    pytest.param("pages/what_if.py", lambda at: any(m.value.startswith("**Results**") for m in at.markdown),
                 id="what-if-results"),
]


@pytest.mark.parametrize(("page", "figures_shown"), PAGES)
def test_choosing_a_policy_not_yet_stored_shows_its_progress_then_the_figures(app_db, page, figures_shown):
    at = app_test().run()
    at.switch_page(page).run()
    at.sidebar.selectbox(key="ui_policy_version").set_value(LONG[2]).run()
    assert not at.exception, [e.value for e in at.exception]
    bars = _bars(at)
    assert len(bars) == 1 and bars[0].startswith("Decided and stored ") and "under 'Long window'" in bars[0], bars
    assert figures_shown(at)
    at.run()  # stored now: the next view reads them, no bar
    assert _bars(at) == [] and figures_shown(at)
    assert not at.exception, [e.value for e in at.exception]


def test_a_click_while_deciding_stores_the_facts_first_then_reruns(app_db, monkeypatch):
    """Streamlit stops a run at its next element when the user clicks meanwhile; the bar's
    update is that element, so the store finishes (not decided again on the rerun), then the
    rerun goes ahead."""
    from streamlit.runtime.scriptrunner_utils.exceptions import RerunException

    import data
    import ui.context
    from policy import load_policy

    class Bar:
        calls = 0

        def progress(self, fraction, text):
            Bar.calls += 1
            if Bar.calls == 2:
                raise RerunException(None)

        def empty(self):
            pass

    monkeypatch.setattr(ui.context.st, "progress", lambda *a, **k: Bar())
    con = data.connect(app_db, quiet=True)
    policy = load_policy()
    with pytest.raises(RerunException):
        ui.context.decide_with_progress(con, policy)
    assert Bar.calls == 2  # no update after the click
    assert dec._current(con, dec.fingerprint(policy), data.db.data_version(con))  # stored before the rerun
    con.close()
