-- facts_schema: the stored facts' catalogue: one row per policy fingerprint whose facts are stored, the policy text they were decided under and the data_version they are current for (any other version: stale, recomputed when read). The fact tables themselves are made from the first batch's columns (facts_tables).
CREATE TABLE IF NOT EXISTS facts_policies (
    fingerprint   VARCHAR PRIMARY KEY,
    policy_toml   VARCHAR NOT NULL,
    data_version  VARCHAR NOT NULL,
    computed_at   TIMESTAMPTZ NOT NULL
);
