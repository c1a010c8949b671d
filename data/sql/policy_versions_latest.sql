-- policy_versions_latest: the newest saved version number (0 when only the default exists).
SELECT coalesce(max(version), 0) FROM policy_versions;
