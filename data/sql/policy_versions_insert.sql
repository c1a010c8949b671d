-- policy_versions_insert: append one saved version.
INSERT INTO policy_versions (version, based_on, name, effective_from, saved_by, saved_at, note, policy_toml)
VALUES ($version, $based_on, $name, $effective_from, $saved_by, $saved_at, $note, $policy_toml);
