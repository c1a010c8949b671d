-- sample_insert_orders: copy the generated sample orders (Arrow table sample_orders) into orders.
INSERT OR REPLACE INTO orders
SELECT order_id, placed_at, shipped_at, delivered_at, promised_delivery_at,
       CAST(order_amount AS DECIMAL(12,2)), currency, category, country, status
FROM sample_orders;
