"""Are the login settings usable? Fail closed when they are not (pure Python, no Streamlit).

Three outcomes:

- ``LOCAL``: every secrets file Streamlit would read is absent or readable, none configures
  ``[auth]``, and there is no roles file. Local use: everyone is admin.
- ``LOGIN``: ``[auth]`` is complete (what ``st.login()`` needs for its default provider) and the
  roles file, if any, is readable.
- ``BROKEN``: a secrets file or the roles file exists but cannot be read or parsed, ``[auth]`` is
  present but incomplete, or a roles file exists without a login. Nobody gets a role; the
  deployer is told which file (and line) to fix.

Streamlit itself only logs "Failed to load secrets" for an unparseable secrets file and then
behaves as if there were none: reading the files here, with ``tomllib``, is what turns that into
a refusal naming the line.
"""

from __future__ import annotations

import enum
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# What st.login() (its "default" provider) needs; Streamlit's auth_util.validate_auth_credentials.
AUTH_KEYS = ("redirect_uri", "cookie_secret")
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")

_TOML_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_AT_END = re.compile(r"\s*\(at end of document\)$")


class Mode(str, enum.Enum):
    LOCAL = "local"
    LOGIN = "login"
    BROKEN = "broken"


@dataclass(frozen=True)
class LoginSettings:
    mode: Mode
    problem: str = ""            # for the deployer: the file, the line when known, and what is wrong
    auth: Mapping[str, Any] | None = None


class SettingsFileError(ValueError):
    """A settings file that exists but cannot be used; the message names the file (and line)."""


def shown_path(path: Path, root: Path | None = None) -> str:
    """``path`` relative to ``root`` when it lies inside it (what a deployer recognises)."""
    if root is not None:
        try:
            return str(Path(path).absolute().relative_to(Path(root).absolute()))
        except ValueError:
            pass
    return str(path)


def exists(path: Path) -> bool:
    """True for anything at ``path``, a dangling symlink included: a deployer put it there."""
    return os.path.lexists(path)


def read_toml(path: Path, root: Path | None = None) -> dict[str, Any]:
    """Parse the TOML file at ``path``; any failure is a ``SettingsFileError`` naming the file and,
    for a syntax error, the line."""
    name = shown_path(path, root)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SettingsFileError(f"{name}: a broken link (it points to a file that does not exist)") from None
    except IsADirectoryError:
        raise SettingsFileError(f"{name}: a folder, not a file") from None
    except PermissionError:
        raise SettingsFileError(f"{name}: cannot be read (permission denied)") from None
    except UnicodeDecodeError as exc:
        line = Path(path).read_bytes()[:exc.start].count(b"\n") + 1
        raise SettingsFileError(f"{name}, line {line}: not UTF-8 text") from None
    except OSError as exc:
        raise SettingsFileError(f"{name}: cannot be read ({exc.strerror or type(exc).__name__})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = _TOML_AT.search(message)
        line = where.group(1) if where else len(text.splitlines()) if _TOML_AT_END.search(message) else None
        what = _TOML_AT_END.sub("", _TOML_AT.sub("", message))
        if line is not None:
            raise SettingsFileError(f"{name}, line {line}: not valid TOML ({what})") from None
        raise SettingsFileError(f"{name}: not valid TOML ({what})") from None
    except RecursionError:
        raise SettingsFileError(f"{name}: not valid TOML (nested too deeply)") from None


def read_secrets(paths: Iterable[str | Path], root: Path | None = None) -> dict[str, Any]:
    """The secrets Streamlit would merge from ``paths`` (its ``secrets.files`` option; later files
    win per top-level key). A path that exists but cannot be used is a ``SettingsFileError``."""
    merged: dict[str, Any] = {}
    for raw in paths:
        path = Path(raw)
        if str(raw).endswith(".toml"):
            if exists(path):
                merged.update(read_toml(path, root))
        elif path.is_dir():
            merged.update(_secrets_folder(path, root))
        elif exists(path):
            raise SettingsFileError(f"{shown_path(path, root)}: a secrets path must be a .toml file or a folder")
    return merged


def _secrets_folder(path: Path, root: Path | None) -> dict[str, Any]:
    """Streamlit's folder form of secrets (one sub-folder per secret, one file per value)."""
    out: dict[str, Any] = {}
    try:
        for sub in sorted(path.iterdir()):
            if not sub.is_dir():
                raise SettingsFileError(f"{shown_path(sub, root)}: every entry of a secrets folder must be a folder")
            values = {f.name: f.read_text(encoding="utf-8").strip() for f in sorted(sub.iterdir()) if not f.is_dir()}
            out[sub.name] = next(iter(values.values())) if len(values) == 1 else values
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsFileError(f"{shown_path(path, root)}: cannot be read ({type(exc).__name__})") from None
    return out


def auth_problem(auth: Any) -> str:
    """What is missing from an ``[auth]`` section for ``st.login()``; "" when it is complete."""
    if not isinstance(auth, Mapping):
        return "[auth] must be a table"
    missing = [k for k in AUTH_KEYS if not _filled(auth.get(k))]
    provider = auth.get("default") if isinstance(auth.get("default"), Mapping) else auth
    where = "[auth.default]" if provider is not auth else "[auth]"
    missing_provider = [k for k in PROVIDER_KEYS if not _filled(provider.get(k))]
    if provider is auth:
        missing, missing_provider = missing + missing_provider, []
    parts = [f"{section} lacks {', '.join(keys)}" for section, keys in
             (("[auth]", missing), (where, missing_provider)) if keys]
    redirect = auth.get("redirect_uri")
    if _filled(redirect) and not redirect.rstrip().endswith("/oauth2callback"):
        parts.append("[auth] redirect_uri must end with /oauth2callback")  # what st.login() requires
    return "; ".join(parts)


def _filled(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def check(auth: Any, roles_path: Path, root: Path | None = None) -> LoginSettings:
    """The verdict, given the ``[auth]`` section found in readable secrets (None when there is
    none) and the roles file's path. The roles file's own content is checked by
    ``access.roles.load_access_config``; here only whether it may exist."""
    roles_name = shown_path(roles_path, root)
    if auth is None:
        if exists(roles_path):
            return LoginSettings(Mode.BROKEN, f"{roles_name} exists but no login is configured ([auth] in "
                                              "the secrets file): remove the roles file for local use, or "
                                              "configure [auth]")
        return LoginSettings(Mode.LOCAL)
    problem = auth_problem(auth)
    if problem:
        return LoginSettings(Mode.BROKEN, f"the login settings are incomplete: {problem}")
    return LoginSettings(Mode.LOGIN, auth=auth)
