-- database_tables: every table and view of the open database file with its columns (to tell a Returns Desk database from another program's).
SELECT table_name, list(column_name ORDER BY column_index) AS columns
FROM duckdb_columns() WHERE database_name = current_database() AND NOT internal
GROUP BY table_name ORDER BY table_name;
