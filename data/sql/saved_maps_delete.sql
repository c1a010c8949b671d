-- saved_maps_delete: forget the map saved for $table_name under $name; the names deleted (none when there was no such map).
DELETE FROM saved_maps WHERE table_name = $table_name AND name = $name RETURNING name;
