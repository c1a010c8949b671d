-- data_version: the token bump_data_version last wrote (NULL for a fresh database).
SELECT value FROM meta WHERE key = 'data_version';
