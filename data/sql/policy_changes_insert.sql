-- policy_changes_insert: append one changed key of a saved version.
INSERT INTO policy_changes (version, key, old_value, new_value) VALUES ($version, $key, $old_value, $new_value);
