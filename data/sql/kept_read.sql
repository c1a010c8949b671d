-- kept_read: the kept result $name if it was computed for data version $data_version (no row: never kept, or stale).
SELECT payload FROM kept_results WHERE name = $name AND data_version = $data_version;
