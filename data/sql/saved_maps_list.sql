-- saved_maps_list: the maps saved for $table_name, by name.
SELECT name, map_toml FROM saved_maps WHERE table_name = $table_name ORDER BY lower(name), name;
