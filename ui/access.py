"""Who is using the app and which pages they may open (the rules are in ``access.roles``).

With Streamlit's login configured (an ``[auth]`` section in ``.streamlit/secrets.toml``) the
user logs in and their role comes from ``.streamlit/roles.toml``; anyone not listed gets no
page. Without a login (local use on the sample data) everyone is admin and the sidebar says so.
Login settings that exist but cannot be used (``access.settings``) fail closed: no page, no
role, one sentence for the deployer naming the file.

Stable names: ``login_settings()``, ``login_configured()``, ``current_role()``, ``allowed()``, ``gate()``.
"""

from __future__ import annotations

import logging

import streamlit as st

from access import PAGE_PERMISSIONS, AccessConfig, Role, load_access_config, resolve_role
from access.roles import REPO_ROOT, roles_path
from access.settings import LoginSettings, Mode, SettingsFileError, check, read_secrets

log = logging.getLogger("returns_desk.ui")


def secrets_files() -> list[str]:
    """The secrets files (or folders) Streamlit reads: its ``secrets.files`` option."""
    from streamlit import config

    return list(config.get_option("secrets.files") or [])


def _streamlit_auth():
    """``[auth]`` as ``st.secrets`` holds it (also secrets given to AppTest, which have no file)."""
    from streamlit.errors import StreamlitSecretNotFoundError

    try:
        return st.secrets.to_dict().get("auth")
    except StreamlitSecretNotFoundError:  # no secrets at all: the files were checked already
        return None


def login_settings() -> LoginSettings:
    """Local use, a usable login, or broken settings (read on every run: a fix applies at once)."""
    try:
        found = read_secrets(secrets_files(), REPO_ROOT)
        auth = found.get("auth") if "auth" in found else _streamlit_auth()
    except SettingsFileError as exc:
        return LoginSettings(Mode.BROKEN, str(exc))
    except Exception as exc:  # noqa: BLE001 - whatever else fails, nobody gets in
        log.exception("login settings")
        return LoginSettings(Mode.BROKEN, f"the secrets cannot be read ({type(exc).__name__})")
    verdict = check(auth, roles_path(), REPO_ROOT)
    if verdict.mode is Mode.LOGIN:
        config = _config()
        if isinstance(config, str):
            return LoginSettings(Mode.BROKEN, config)
    return verdict


def login_configured() -> bool:
    """False only for local use; broken settings count as a login nobody can pass."""
    return login_settings().mode is not Mode.LOCAL


@st.cache_resource(ttl=5, show_spinner=False)
def _config() -> AccessConfig | str:
    try:
        return load_access_config()
    except Exception as exc:  # noqa: BLE001 - a broken roles file grants nothing, and says why
        return str(exc)


def logged_in() -> bool:
    try:
        return bool(st.user.get("is_logged_in", False))
    except Exception:  # noqa: BLE001
        return False


def current_role() -> Role | None:
    """The user's role; None when they may open nothing (broken settings, not logged in, or
    not listed)."""
    mode = login_settings().mode
    if mode is Mode.LOCAL:
        return Role.ADMIN
    if mode is Mode.BROKEN or not logged_in():
        return None
    config = _config()
    if isinstance(config, str):
        log.error("roles file: %s", config)
        return None
    groups = st.user.get("groups") or []
    if isinstance(groups, str):
        groups = [groups]
    return resolve_role(login_configured=True, email=st.user.get("email"), groups=list(groups), config=config)


def allowed(page_file: str, role: Role | None) -> bool:
    """May ``role`` open ``pages/<name>.py``? Deny by default (unknown pages too)."""
    name = page_file.rsplit("/", 1)[-1].removesuffix(".py")
    need = PAGE_PERMISSIONS.get(name)
    return role is not None and need is not None and role.can(need)


def gate() -> Role:
    """Return the user's role, or draw the login / no-access screen and stop the run.

    The screen is the navigation's only page, hidden: a session's first run after a restart
    otherwise still lists the files of pages/ (Streamlit's legacy navigation, sent before
    app.py runs) as links."""
    role = current_role()
    if role is not None:
        return role
    st.navigation([st.Page(_no_access, title="Returns Desk", icon=":material/lock:", default=True)],
                  position="hidden").run()
    st.stop()
    raise AssertionError("unreachable")


def _no_access() -> None:
    st.title("Returns Desk")
    settings = login_settings()
    if settings.mode is Mode.BROKEN:
        from ui.display import md

        log.error("login settings: %s", settings.problem)
        st.error("Returns Desk is closed: its login settings cannot be used, so nobody can open a page. "
                 "For the team that runs it: " + md(settings.problem) + ". Fix the file and reload.",
                 icon=":material/lock:")
        return
    if not logged_in():
        st.write("Log in with your company account to use Returns Desk.")
        st.button("Log in", type="primary", on_click=st.login, icon=":material/login:")
        return
    config = _config()
    if isinstance(config, str):
        st.error("The roles file cannot be read, so nobody can open a page. Ask the team that runs "
                 "Returns Desk to fix .streamlit/roles.toml.")
    else:
        st.warning("Your account has no role in Returns Desk yet. Ask your team lead to add you to "
                   ".streamlit/roles.toml.")
    st.button("Log out", on_click=st.logout, icon=":material/logout:")


def describe(role: Role) -> str:
    """A short line for the sidebar."""
    from ui.display import md

    if not login_configured():
        return "No login configured: everyone is admin (local use)."
    who = st.user.get("email") or st.user.get("name") or "you"
    return f"Signed in as {md(who)} · {role.value.replace('_', ' ')}."


def user_label() -> str:
    """Who is acting, for the audit trail: the login's e-mail, or "local user" without a login."""
    if not login_configured():
        return "local user"
    return str(st.user.get("email") or st.user.get("name") or "unknown user")
