-- policy_changes_of: the keys one version changed against the version it was based on.
SELECT key, old_value, new_value FROM policy_changes WHERE version = $version ORDER BY key;
