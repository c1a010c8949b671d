-- facts_current: whether policy $fingerprint's stored facts are current for data version $data_version (no row: not stored, or stale).
SELECT fingerprint FROM facts_policies WHERE fingerprint = $fingerprint AND data_version = $data_version;
