-- data_version: what identifies the state of orders and cases for cached decisions: the token bump_data_version last wrote, plus row counts and highest rowids (so even a writer that forgets to bump it is noticed when it adds or replaces rows).
SELECT coalesce((SELECT value FROM meta WHERE key = 'data_version'), '')
       || ':' || (SELECT count(*) FROM orders) || ':' || (SELECT coalesce(max(rowid), -1) FROM orders)
       || ':' || (SELECT count(*) FROM cases) || ':' || (SELECT coalesce(max(rowid), -1) FROM cases);
