-- import_written_orders: the order ids an import writes (import_write), whose stored facts it decides again.
SELECT order_id FROM import_write;
