-- import_orders_write: upsert the staged new/changed rows (import_write) into orders, keyed by order_id.
INSERT OR REPLACE INTO orders (order_id, placed_at, shipped_at, delivered_at, promised_delivery_at,
                               order_amount, currency, category, country, status)
SELECT order_id, placed_at, shipped_at, delivered_at, promised_delivery_at,
       order_amount, currency, category, country, status
FROM import_write;
