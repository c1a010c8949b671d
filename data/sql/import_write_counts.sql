-- import_write_counts: how many staged rows are new and how many update a stored row.
SELECT count(*) FILTER (WHERE is_new) AS inserted, count(*) FILTER (WHERE NOT is_new) AS updated FROM import_write;
