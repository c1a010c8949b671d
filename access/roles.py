"""Roles and permissions (deny by default).

Each role adds to the one before it: an agent looks up and decides cases; a manager also sees
weekly metrics and exports; a policy owner also runs the what-if lab and saves policy
versions; an admin also imports data. Who has which role comes from a small TOML file mapping
users (their e-mail) and groups to roles. Without a login configured (local use on the
built-in sample) everyone is admin and the app says so.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from access.settings import SettingsFileError, exists, read_toml

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_PATH = REPO_ROOT / ".streamlit" / "roles.toml"


def roles_path() -> Path:
    """The roles file: ``$RETURNS_DESK_ROLES`` or ``.streamlit/roles.toml``."""
    return Path(os.environ.get("RETURNS_DESK_ROLES") or DEFAULT_CONFIG_PATH).expanduser()


class Permission(str, Enum):
    LOOKUP = "lookup"              # look up and decide cases
    METRICS = "metrics"            # weekly metrics
    EXPORT = "export"              # download data
    WHAT_IF = "what_if"            # replay cases under a scenario
    SAVE_POLICY = "save_policy"    # save a policy version
    IMPORT = "import"              # import orders and cases
    CUSTOMER_DETAILS = "customer_details"  # see names and addresses unmasked


class Role(str, Enum):
    AGENT = "agent"
    MANAGER = "manager"
    POLICY_OWNER = "policy_owner"
    ADMIN = "admin"

    @property
    def permissions(self) -> frozenset[Permission]:
        return _PERMISSIONS[self]

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions


_AGENT = frozenset({Permission.LOOKUP, Permission.CUSTOMER_DETAILS})
_MANAGER = _AGENT | {Permission.METRICS, Permission.EXPORT}
_OWNER = _MANAGER | {Permission.WHAT_IF, Permission.SAVE_POLICY}
_PERMISSIONS = {
    Role.AGENT: _AGENT,
    Role.MANAGER: frozenset(_MANAGER),
    Role.POLICY_OWNER: frozenset(_OWNER),
    Role.ADMIN: frozenset(_OWNER | {Permission.IMPORT}),
}
_RANK = {Role.AGENT: 0, Role.MANAGER: 1, Role.POLICY_OWNER: 2, Role.ADMIN: 3}

# What each page of the app needs (its file name in pages/).
PAGE_PERMISSIONS: dict[str, Permission] = {
    "weekly_metrics": Permission.METRICS,
    "case_lookup": Permission.LOOKUP,
    "what_if": Permission.WHAT_IF,
    "policy_page": Permission.LOOKUP,
    "data_page": Permission.IMPORT,
}


class AccessConfigError(ValueError):
    pass


@dataclass(frozen=True)
class AccessConfig:
    users: Mapping[str, Role] = field(default_factory=dict)
    groups: Mapping[str, Role] = field(default_factory=dict)


def load_access_config(path: Path | None = None) -> AccessConfig:
    """Read ``[users]`` and ``[groups]`` tables of ``name = "role"``; a missing file grants
    nobody anything. A file that exists but cannot be read or parsed is an ``AccessConfigError``
    naming the file (and the line of a syntax error)."""
    path = path or roles_path()
    if not exists(path):
        return AccessConfig()
    try:
        raw = read_toml(path, REPO_ROOT)
    except SettingsFileError as exc:
        raise AccessConfigError(str(exc)) from None
    unknown = set(raw) - {"users", "groups"}
    if unknown:
        raise AccessConfigError(f"{path}: unknown section {sorted(unknown)[0]!r} (use [users] and [groups])")
    for section in ("users", "groups"):
        if not isinstance(raw.get(section, {}), dict):
            raise AccessConfigError(f"{path}: [{section}] must be a table of name = \"role\"")
    return AccessConfig(users=_roles(raw.get("users", {}), path, "users", lower=True),
                        groups=_roles(raw.get("groups", {}), path, "groups", lower=False))


def _roles(table: Mapping[str, object], path: Path, section: str, lower: bool) -> dict[str, Role]:
    out = {}
    for name, value in table.items():
        try:
            out[name.strip().lower() if lower else name] = Role(value)
        except (ValueError, TypeError):
            choices = ", ".join(r.value for r in Role)
            raise AccessConfigError(f"{path}: [{section}] {name!r} has unknown role {value!r} "
                                    f"(use one of {choices})") from None
    return out


def resolve_role(*, login_configured: bool, email: str | None, groups: Iterable[str] = (),
                 config: AccessConfig | None = None) -> Role | None:
    """The role of the person using the app, or None (no access).

    Without a login configured, everyone is admin (local use). With one, a user's own entry
    or the highest role of their groups applies; anyone else gets nothing.
    """
    if not login_configured:
        return Role.ADMIN
    config = config or AccessConfig()
    found = []
    if email and email.strip().lower() in config.users:
        found.append(config.users[email.strip().lower()])
    found += [config.groups[g] for g in groups if g in config.groups]
    return max(found, key=_RANK.__getitem__) if found else None


def mask_text(value: str | None, role: Role | None) -> str | None:
    """Customer names and addresses, shown only to roles that need them: 'Li Wei' -> 'L** W**'."""
    if value is None or (role is not None and role.can(Permission.CUSTOMER_DETAILS)):
        return value
    return " ".join(word[:1] + "*" * max(len(word) - 1, 0) for word in str(value).split(" "))
