-- import_orders_write: write the staged rows (import_write) into orders, keyed by order_id: new rows appended (a plain insert costs half of an upsert's conflict handling at 10M rows), changed rows upserted.
INSERT INTO orders (order_id, placed_at, shipped_at, delivered_at, promised_delivery_at,
                               order_amount, currency, category, country, status)
SELECT order_id, placed_at, shipped_at, delivered_at, promised_delivery_at,
       order_amount, currency, category, country, status
FROM import_write WHERE is_new;
INSERT OR REPLACE INTO orders (order_id, placed_at, shipped_at, delivered_at, promised_delivery_at,
                               order_amount, currency, category, country, status)
SELECT order_id, placed_at, shipped_at, delivered_at, promised_delivery_at,
       order_amount, currency, category, country, status
FROM import_write WHERE NOT is_new;
