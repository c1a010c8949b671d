-- sample_mark: record that this database holds the built-in sample data (the app says so in a banner).
INSERT INTO meta (key, value) VALUES ('sample_data', CAST(current_date AS VARCHAR))
ON CONFLICT (key) DO UPDATE SET value = excluded.value;
