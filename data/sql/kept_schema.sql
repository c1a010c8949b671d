-- kept_schema: whole-table results kept per data version (data/kept.py): one row per result name, its Arrow IPC stream and the data_version it was computed for (any other version: computed again when read). Idempotent.
CREATE TABLE IF NOT EXISTS kept_results (
    name          VARCHAR PRIMARY KEY,
    data_version  VARCHAR NOT NULL,
    payload       BLOB NOT NULL,
    computed_at   TIMESTAMPTZ NOT NULL
);
