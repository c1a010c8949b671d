-- insert_orders_frame: upsert a registered frame (frame_rows, columns named as orders') into orders; absent columns take their defaults.
INSERT OR REPLACE INTO orders BY NAME SELECT * FROM frame_rows;
