"""Login settings fail closed (access.settings, ui.access): a secrets or roles file that exists
but cannot be used, or an incomplete [auth], serves no page and gives nobody a role; local mode
(everyone admin) only when the settings are readable, configure no [auth], and there is no roles
file. The browser test (tests/browser/test_broken_settings.py) holds the real server to it."""

from __future__ import annotations

import os

import pytest

from access.roles import AccessConfigError, load_access_config
from access.settings import Mode, SettingsFileError, check, read_secrets
from tests.app_support import app_test, use_app_env

AUTH = ('[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\ncookie_secret = "a-long-random-secret"\n'
        'client_id = "id"\nclient_secret = "s"\n'
        'server_metadata_url = "https://login.example/.well-known/openid-configuration"\n')
AUTH_DICT = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x", "client_id": "id",
             "client_secret": "s", "server_metadata_url": "https://login.example/.well-known/openid-configuration"}


def _write(path, content):
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# (id, file content or a maker, the words the problem must contain); None = readable
SECRETS_FILES = [
    pytest.param(AUTH.replace('"s"\n', '"s\n'), ["secrets.toml, line 5", "not valid TOML"], id="unclosed-quote"),
    pytest.param("[auth\nredirect_uri = 1\n", ["secrets.toml, line 1"], id="unclosed-table-header"),
    pytest.param("[auth]\n[auth]\n", ["secrets.toml, line 2"], id="table-twice"),
    pytest.param(b'[auth]\nclient_id = "caf\xe9"\n', ["secrets.toml, line 2", "not UTF-8"], id="latin-1"),
    pytest.param("a = " + "[" * 5000 + "]" * 5000 + "\n", ["secrets.toml", "TOML"], id="nested-5000-deep"),
    pytest.param("folder", ["secrets.toml: a folder"], id="a-folder"),
    pytest.param("dangling", ["secrets.toml: a broken link"], id="dangling-symlink"),
    pytest.param("loop", ["secrets.toml: cannot be read"], id="symlink-loop-unreadable"),
]


@pytest.mark.parametrize("content, words", SECRETS_FILES)
def test_a_secrets_file_that_cannot_be_parsed_is_named(tmp_path, content, words):
    path = tmp_path / "secrets.toml"
    if content == "folder":
        path.mkdir()
    elif content == "dangling":
        path.symlink_to(tmp_path / "gone.toml")
    elif content == "loop":
        path.symlink_to(path)
    else:
        _write(path, content)
    with pytest.raises(SettingsFileError) as err:
        read_secrets([tmp_path / "absent.toml", path], tmp_path)
    for word in words:
        assert word in str(err.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_secrets_file_is_named(tmp_path):
    path = _write(tmp_path / "secrets.toml", AUTH)
    path.chmod(0)
    with pytest.raises(SettingsFileError, match="permission denied"):
        read_secrets([path], tmp_path)


def test_absent_secrets_files_are_no_secrets_and_later_files_win(tmp_path):
    assert read_secrets([tmp_path / "a.toml", tmp_path / "b.toml"]) == {}
    first = _write(tmp_path / "a.toml", 'x = 1\n[auth]\nclient_id = "one"\n')
    second = _write(tmp_path / "b.toml", '[auth]\nclient_id = "two"\n')
    assert read_secrets([first, second]) == {"x": 1, "auth": {"client_id": "two"}}


def test_a_secrets_path_that_is_neither_toml_nor_folder_is_refused(tmp_path):
    odd = _write(tmp_path / "secrets.txt", "x = 1")
    with pytest.raises(SettingsFileError, match="must be a .toml file or a folder"):
        read_secrets([odd])


@pytest.mark.parametrize("auth, roles, mode, words", [
    pytest.param(None, False, Mode.LOCAL, "", id="nothing-configured-local"),
    pytest.param(None, True, Mode.BROKEN, "roles.toml exists but no login", id="roles-without-login"),
    pytest.param(AUTH_DICT, False, Mode.LOGIN, "", id="complete-auth"),
    pytest.param({}, False, Mode.BROKEN, "redirect_uri, cookie_secret", id="empty-auth"),
    pytest.param({**AUTH_DICT, "cookie_secret": ""}, False, Mode.BROKEN, "lacks cookie_secret", id="blank-cookie"),
    pytest.param({k: v for k, v in AUTH_DICT.items() if k != "client_secret"}, False, Mode.BROKEN,
                 "[auth] lacks client_secret", id="no-client-secret"),
    pytest.param({"redirect_uri": "u", "cookie_secret": "c", "default": {"client_id": "i"}}, False, Mode.BROKEN,
                 "[auth.default] lacks client_secret, server_metadata_url", id="default-provider-incomplete"),
    pytest.param({"redirect_uri": "https://desk.store.com/oauth2callback", "cookie_secret": "c",
                  "default": {"client_id": "i", "client_secret": "s", "server_metadata_url": "m"}},
                 False, Mode.LOGIN, "", id="default-provider-complete"),
    pytest.param("yes", False, Mode.BROKEN, "[auth] must be a table", id="auth-not-a-table"),
    pytest.param({**AUTH_DICT, "redirect_uri": "http://localhost:8501/"}, False, Mode.BROKEN,
                 "redirect_uri must end with /oauth2callback", id="redirect-uri-not-the-callback"),
])
def test_verdict(tmp_path, auth, roles, mode, words):
    roles_path = tmp_path / "roles.toml"
    if roles:
        roles_path.write_text('[users]\n"a@b.c" = "agent"\n')
    verdict = check(auth, roles_path, tmp_path)
    assert verdict.mode is mode
    assert words in verdict.problem


@pytest.mark.parametrize("make, words", [
    pytest.param(lambda p: p.write_text('[users]\n"a@b" = "agent'), "roles.toml, line 2", id="unclosed-quote"),
    pytest.param(lambda p: p.write_bytes(b'[users]\n"\xff" = "agent"\n'), "not UTF-8", id="not-utf8"),
    pytest.param(lambda p: p.mkdir(), "a folder", id="a-folder"),
    pytest.param(lambda p: p.symlink_to(p.parent / "gone"), "broken link", id="dangling-symlink"),
    pytest.param(lambda p: p.write_text("users = 3\n"), "must be a table", id="users-not-a-table"),
])
def test_a_roles_file_that_cannot_be_used_is_named(tmp_path, make, words):
    path = tmp_path / "roles.toml"
    make(path)
    with pytest.raises(AccessConfigError, match=words):
        load_access_config(path)


# --- the app: no page, no role, one sentence naming the file ---------------------------------

@pytest.fixture()
def settings_env(sample_db, tmp_path, monkeypatch):
    """The app on the sample, reading its secrets from ``tmp/secrets.toml`` and roles from
    ``tmp/roles.toml`` (neither exists yet)."""
    import ui.access

    use_app_env(sample_db, tmp_path, monkeypatch)
    secrets = tmp_path / "secrets.toml"
    monkeypatch.setattr(ui.access, "secrets_files", lambda: [str(secrets)])
    monkeypatch.setenv("RETURNS_DESK_ROLES", str(tmp_path / "roles.toml"))
    ui.access._config.clear()
    yield tmp_path
    ui.access._config.clear()


@pytest.mark.parametrize("secrets, roles, words", [
    pytest.param(AUTH.replace('"s"\n', '"s\n'), None, "secrets.toml, line 5", id="secrets-unclosed-quote"),
    pytest.param("[auth]\n", None, "[auth] lacks redirect_uri", id="auth-empty"),
    pytest.param(AUTH, '[users]\n"a@b" = "agent', "roles.toml, line 2", id="roles-unclosed-quote"),
    pytest.param(None, '[users]\n"a@b" = "admin"\n', "no login is configured", id="roles-without-auth"),
])
def test_broken_settings_serve_no_page(settings_env, secrets, roles, words):
    if secrets is not None:
        (settings_env / "secrets.toml").write_text(secrets)
    if roles is not None:
        (settings_env / "roles.toml").write_text(roles)
    at = app_test().run()
    assert not at.exception
    shown = [e.value.replace("\\", "") for e in at.error]  # markdown escapes removed
    assert [text for text in shown if words in text], shown
    assert "Returns Desk is closed" in at.error[0].value
    assert not at.button and not at.sidebar.text_input and not at.sidebar.caption
    assert [t.value for t in at.title] == ["Returns Desk"]


def test_readable_settings_without_auth_are_local(settings_env):
    (settings_env / "secrets.toml").write_text('other_service_key = "k"\n')
    at = app_test().run()
    assert not at.exception and not at.error
    assert any("everyone is admin" in c.value for c in at.sidebar.caption)


def test_a_complete_auth_file_asks_for_the_login(settings_env):
    (settings_env / "secrets.toml").write_text(AUTH)
    at = app_test().run()
    assert not at.exception and not at.error
    assert [b.label for b in at.button] == ["Log in"]
