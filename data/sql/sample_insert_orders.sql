-- sample_insert_orders: copy the generated sample orders (Arrow table sample_orders) into orders. A plain INSERT: the sample goes into a database without its ids (load_sample), and INSERT OR REPLACE, checking every row for one to replace, took DuckDB twice the memory and time (3M orders).
INSERT INTO orders
SELECT order_id, placed_at, shipped_at, delivered_at, promised_delivery_at,
       CAST(order_amount AS DECIMAL(12,2)), currency, category, country, status
FROM sample_orders;
