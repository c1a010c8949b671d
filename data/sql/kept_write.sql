-- kept_write: keep result $name ($payload, an Arrow IPC stream) as computed for data version $data_version, in place of any earlier one.
INSERT INTO kept_results (name, data_version, payload, computed_at)
VALUES ($name, $data_version, $payload, now())
ON CONFLICT (name) DO UPDATE SET data_version = excluded.data_version, payload = excluded.payload,
                                 computed_at = excluded.computed_at;
