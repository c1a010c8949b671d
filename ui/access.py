"""Who is using the app and which pages they may open (the rules are in ``access.roles``).

With Streamlit's login configured (an ``[auth]`` section in ``.streamlit/secrets.toml``) the
user logs in and their role comes from ``.streamlit/roles.toml``; anyone not listed gets no
page. Without a login (local use on the sample data) everyone is admin and the sidebar says so.

Stable names: ``login_configured()``, ``current_role()``, ``allowed()``, ``gate()``.
"""

from __future__ import annotations

import logging

import streamlit as st

from access import PAGE_PERMISSIONS, AccessConfig, Role, load_access_config, resolve_role

log = logging.getLogger("returns_desk.ui")


def login_configured() -> bool:
    try:
        return bool(st.secrets.get("auth"))
    except Exception:  # noqa: BLE001 - no secrets file: no login
        return False


@st.cache_resource(ttl=60, show_spinner=False)
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
    """The user's role; None when they may open nothing (not logged in, or not listed)."""
    if not login_configured():
        return Role.ADMIN
    if not logged_in():
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
    """Return the user's role, or draw the login / no-access screen and stop the run."""
    role = current_role()
    if role is not None:
        return role
    st.title("Returns Desk")
    if login_configured() and not logged_in():
        st.write("Log in with your company account to use Returns Desk.")
        st.button("Log in", type="primary", on_click=st.login, icon=":material/login:")
    else:
        config = _config()
        if isinstance(config, str):
            st.error("The roles file cannot be read, so nobody can open a page. Ask the team that runs "
                     "Returns Desk to fix .streamlit/roles.toml.")
        else:
            st.warning("Your account has no role in Returns Desk yet. Ask your team lead to add you to "
                       ".streamlit/roles.toml.")
        st.button("Log out", on_click=st.logout, icon=":material/logout:")
    st.stop()
    raise AssertionError("unreachable")


def describe(role: Role) -> str:
    """A short line for the sidebar."""
    if not login_configured():
        return "No login configured: everyone is admin (local use)."
    who = st.user.get("email") or st.user.get("name") or "you"
    return f"Signed in as {who} · {role.value.replace('_', ' ')}."


def user_label() -> str:
    """Who is acting, for the audit trail: the login's e-mail, or "local user" without a login."""
    if not login_configured():
        return "local user"
    return str(st.user.get("email") or st.user.get("name") or "unknown user")
