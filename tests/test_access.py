"""Roles: deny by default, each role adds to the one before, config errors are clear."""

import pytest

from access import PAGE_PERMISSIONS, AccessConfig, Permission, Role, load_access_config, mask_text, resolve_role
from access.roles import AccessConfigError

CONFIG = AccessConfig(users={"ana@store.com": Role.MANAGER}, groups={"policy-team": Role.POLICY_OWNER,
                                                                    "agents": Role.AGENT})


@pytest.mark.parametrize("login, email, groups, role", [
    pytest.param(False, None, [], Role.ADMIN, id="no-login-everyone-admin"),
    pytest.param(True, None, [], None, id="login-anonymous-denied"),
    pytest.param(True, "stranger@x.com", [], None, id="login-unknown-user-denied"),
    pytest.param(True, "Ana@Store.com", [], Role.MANAGER, id="user-entry-case-insensitive"),
    pytest.param(True, "ana@store.com", ["policy-team"], Role.POLICY_OWNER, id="highest-of-user-and-groups"),
    pytest.param(True, "bo@store.com", ["agents"], Role.AGENT, id="group-only"),
])
def test_resolve_role(login, email, groups, role):
    assert resolve_role(login_configured=login, email=email, groups=groups, config=CONFIG) is role


@pytest.mark.parametrize("role, page, allowed", [
    (Role.AGENT, "case_lookup", True), (Role.AGENT, "weekly_metrics", False), (Role.AGENT, "what_if", False),
    (Role.MANAGER, "weekly_metrics", True), (Role.MANAGER, "what_if", False), (Role.MANAGER, "data_page", False),
    (Role.POLICY_OWNER, "what_if", True), (Role.POLICY_OWNER, "data_page", False),
    (Role.ADMIN, "data_page", True),
], ids=lambda v: v.value if isinstance(v, Role) else str(v))
def test_page_permissions(role, page, allowed):
    assert role.can(PAGE_PERMISSIONS[page]) is allowed


def test_roles_are_cumulative():
    order = [Role.AGENT, Role.MANAGER, Role.POLICY_OWNER, Role.ADMIN]
    for lower, higher in zip(order, order[1:]):
        assert lower.permissions < higher.permissions
    assert Role.MANAGER.can(Permission.EXPORT) and not Role.AGENT.can(Permission.EXPORT)


def test_config_file(tmp_path):
    path = tmp_path / "roles.toml"
    path.write_text('[users]\n"Ana@Store.com" = "manager"\n[groups]\nleads = "admin"\n')
    config = load_access_config(path)
    assert config.users == {"ana@store.com": Role.MANAGER} and config.groups == {"leads": Role.ADMIN}
    assert load_access_config(tmp_path / "none.toml") == AccessConfig()


@pytest.mark.parametrize("text, words", [
    pytest.param('[users]\n"a@b" = "boss"', "unknown role 'boss'", id="unknown-role"),
    pytest.param('[people]\n"a@b" = "agent"', "unknown section", id="unknown-section"),
    pytest.param('[users\n', "not valid TOML", id="bad-toml"),
])
def test_config_errors(tmp_path, text, words):
    path = tmp_path / "roles.toml"
    path.write_text(text)
    with pytest.raises(AccessConfigError, match=words):
        load_access_config(path)


def test_masking():
    assert mask_text("Li Wei", None) == "L* W**"
    assert mask_text("Li Wei", Role.AGENT) == "Li Wei"
    assert mask_text(None, None) is None
