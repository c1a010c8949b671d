-- policy_versions_schema: append-only history of saved policy versions and each changed key.
CREATE TABLE IF NOT EXISTS policy_versions (
    version        INTEGER PRIMARY KEY,          -- 1, 2, ...; version 0 is the shipped default
    based_on       INTEGER NOT NULL,             -- the version the author started from
    name           TEXT NOT NULL,
    effective_from DATE NOT NULL,
    saved_by       TEXT NOT NULL,
    saved_at       TIMESTAMPTZ NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    policy_toml    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS policy_changes (
    version   INTEGER NOT NULL,
    key       TEXT NOT NULL,
    old_value TEXT NOT NULL,                     -- JSON
    new_value TEXT NOT NULL,                     -- JSON
    PRIMARY KEY (version, key)
);
