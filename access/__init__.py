"""Who may do what: roles, their permissions, and masking of customer details. Pure Python."""

from access.roles import (
    PAGE_PERMISSIONS,
    AccessConfig,
    Permission,
    Role,
    load_access_config,
    mask_text,
    resolve_role,
)

__all__ = ["PAGE_PERMISSIONS", "AccessConfig", "Permission", "Role", "load_access_config", "mask_text",
           "resolve_role"]
