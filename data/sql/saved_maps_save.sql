-- saved_maps_save: store the map $map_toml for $table_name under $name, replacing an earlier map of that name.
INSERT OR REPLACE INTO saved_maps (table_name, name, map_toml, saved_at) VALUES ($table_name, $name, $map_toml, now());
