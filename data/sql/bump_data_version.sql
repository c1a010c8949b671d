-- bump_data_version: record that orders/cases changed (invalidates cached decisions).
INSERT INTO meta (key, value) VALUES ('data_version', CAST(uuid() AS VARCHAR))
ON CONFLICT (key) DO UPDATE SET value = excluded.value;
