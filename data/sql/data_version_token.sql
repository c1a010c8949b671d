-- data_version_token: only the token bump_data_version last wrote (a one-row read; data_version.sql adds the row counts and highest rowids, a scan of both tables).
SELECT coalesce((SELECT value FROM meta WHERE key = 'data_version'), '');
