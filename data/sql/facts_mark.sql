-- facts_mark: record that the stored facts of policy $fingerprint (text $policy_toml) are current for data version $data_version.
INSERT INTO facts_policies (fingerprint, policy_toml, data_version, computed_at)
VALUES ($fingerprint, $policy_toml, $data_version, now())
ON CONFLICT (fingerprint) DO UPDATE SET policy_toml = excluded.policy_toml, data_version = excluded.data_version,
    computed_at = excluded.computed_at;
