-- frame_written_orders: the order ids insert_frame writes (frame_rows).
SELECT order_id FROM frame_rows;
