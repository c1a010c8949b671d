-- insert_cases_frame: upsert a registered frame (frame_rows, columns named as cases') into cases; absent columns take their defaults.
INSERT OR REPLACE INTO cases BY NAME SELECT * FROM frame_rows;
