-- import_written_orders: the orders an import writes (import_write), whose stored facts it decides again: is_new (no fact stored yet) and order_side_changed (its processing stage is decided again; else only its cases).
SELECT order_id, is_new, order_side_changed FROM import_write;
