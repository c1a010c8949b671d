"""The app shell: every page renders on the sample data; the shared sidebar and display helpers."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.app_support import app_test, build_sample_db, patch_pages_dir_quirk, use_app_env
from ui import display

PAGES = ["pages/weekly_metrics.py", "pages/case_lookup.py", "pages/what_if.py",
         "pages/policy_page.py", "pages/data_page.py"]


@pytest.fixture()
def app_env(sample_db, tmp_path, monkeypatch):
    return use_app_env(sample_db, tmp_path, monkeypatch)


def _app():
    return app_test()


def test_home_renders_with_the_sidebar(app_env, sample_db):
    at = _app().run()
    assert not at.exception
    assert at.sidebar.text_input(key="ui_db_path").value == str(sample_db)
    assert at.sidebar.selectbox(key="ui_policy_version").value.startswith("Store policy")
    assert isinstance(at.sidebar.date_input(key="ui_as_of_date").value, dt.date)
    at.run()  # a rerun goes through app.py again: the sidebar is still there
    assert at.sidebar.text_input(key="ui_db_path").value == str(sample_db)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_exception(app_env, page):
    at = _app().run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.title


@pytest.mark.parametrize("page", ["pages/weekly_metrics.py", "pages/what_if.py", "pages/data_page.py"])
def test_an_unreadable_database_stops_the_page_with_a_sentence(page, tmp_path, monkeypatch):
    bad = tmp_path / "not-a-database.duckdb"
    bad.write_text("this is not a DuckDB file")
    use_app_env(bad, tmp_path, monkeypatch)
    at = app_test().run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Choose another database file in the sidebar" in e.value for e in at.error), \
        [e.value for e in at.error]


def test_saved_policy_files_are_offered_and_bad_ones_named(app_env):
    app_env.mkdir()
    (app_env / "long-window.toml").write_text('name = "Long window"\n[returns]\nwindow_days = 45\n')
    (app_env / "broken.toml").write_text('[returns]\nwindow_days = -1\n')
    at = _app().run()
    box = at.sidebar.selectbox(key="ui_policy_version")
    assert "Long window (long-window.toml)" in box.options
    assert not any("broken" in o for o in box.options)
    assert any("broken\\.toml" in c.value for c in at.sidebar.caption)
    box.set_value("Long window (long-window.toml)").run()
    assert not at.exception
    assert at.sidebar.selectbox(key="ui_policy_version").value == "Long window (long-window.toml)"


def test_md_escapes_markdown_and_html():
    text = display.md("**bold** [x](http://e.vil) <b>hi</b> :red[no] $x$ `c`\nnext")
    for raw in ("**", "[x]", "<b>", ":red[", "$x$", "`c`", "\n"):
        assert raw not in text
    assert display.md(None) == ""


def test_labels_and_formatting():
    assert display.outcome_label("cancel_free") == "Cancel free of charge"
    assert display.outcome_label("something_new") == "something new"
    assert display.money("12") == "12.00 USD"
    assert display.money(None) == "—"
    assert display.status_chip("breached", "2 days late") == ":red-badge[2 days late]"
    assert display.when(dt.datetime(2025, 2, 5, 23, 59, 59)) == "Wed 2025-02-05 23:59"


def test_database_switch_only_to_an_existing_file(app_env, sample_db, tmp_path):
    at = _app().run()
    box = at.sidebar.text_input(key="ui_db_path")
    box.input(str(tmp_path / "nowhere.duckdb")).run()
    assert not at.exception
    assert "There is no database file at" in at.sidebar.error[0].value
    assert at.sidebar.text_input(key="ui_db_path").value == str(sample_db)
    assert not (tmp_path / "nowhere.duckdb").exists()
    other = build_sample_db(tmp_path / "other.duckdb")
    at.sidebar.text_input(key="ui_db_path").input(str(other)).run()
    assert not at.exception and not at.sidebar.error
    assert at.sidebar.text_input(key="ui_db_path").value == str(other)


def test_roles_decide_the_pages():
    from access import Role
    from ui.access import allowed

    assert [p for p in PAGES if allowed(p, Role.AGENT)] == ["pages/case_lookup.py", "pages/policy_page.py"]
    assert len([p for p in PAGES if allowed(p, Role.MANAGER)]) == 3
    assert len([p for p in PAGES if allowed(p, Role.POLICY_OWNER)]) == 4
    assert [p for p in PAGES if allowed(p, Role.ADMIN)] == PAGES
    assert not any(allowed(p, None) for p in PAGES)
    assert not allowed("pages/unknown.py", Role.ADMIN)


def test_without_login_everyone_is_admin_and_the_sidebar_says_so(app_env):
    at = _app().run()
    assert any("everyone is admin" in c.value for c in at.sidebar.caption)


def test_with_login_configured_a_visitor_sees_only_the_login(app_env):
    at = _app()
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x",
                          "client_id": "id", "client_secret": "s",
                          "server_metadata_url": "https://example.invalid/.well-known/openid-configuration"}
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Log in"]
    assert not at.sidebar.text_input


def test_versions_saved_in_the_database_are_offered_and_applied(tmp_path, monkeypatch):
    import data
    import ui.context
    from data.policy_versions import save_version
    from policy import default_policy

    patch_pages_dir_quirk(monkeypatch)
    db = build_sample_db(tmp_path / "history.duckdb")
    con = data.connect(db, quiet=True)
    policy = default_policy().replace({"name": "Winter rules", "returns.window_days": 60})
    # saved at 20:30 UTC on 30 November: already 1 December, 04:30, on the store's clock
    save_version(con, policy, based_on=0, saved_by="test", now=dt.datetime(2026, 11, 30, 20, 30, tzinfo=dt.UTC))
    con.close()
    monkeypatch.setenv("RETURNS_DESK_DB", str(db))
    monkeypatch.setattr(ui.context, "POLICIES_DIR", tmp_path / "policies")
    at = _app().run()
    box = at.sidebar.selectbox(key="ui_policy_version")
    (label,) = [o for o in box.options if o.startswith("v1 · Winter rules")]
    assert label.endswith("(saved 2026-12-01 04:30)")
    box.set_value(label).run()
    at.switch_page("pages/policy_page.py").run()
    assert not at.exception
    shown = at.dataframe[0].value.set_index("key")
    assert shown.loc["returns.window_days", "value"] == "60"
