-- facts_stored: the policies whose stored facts are current for data version $data_version (an import brings these up to date incrementally; the others are recomputed when next read).
SELECT fingerprint, policy_toml FROM facts_policies WHERE data_version = $data_version ORDER BY computed_at;
