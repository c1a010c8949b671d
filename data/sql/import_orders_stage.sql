-- import_orders_stage: good rows merged with what is stored (columns the file lacks keep their value; $has_<column> says which it has) into import_write, new or changed rows only. order_side_changed: new, or a field the order's own processing stage reads (decide_orders_input: placed_at, shipped_at, status, category, country) changed, so its stored processing fact is decided again; otherwise only its cases are.
CREATE OR REPLACE TEMP TABLE import_write AS
WITH good AS (
    SELECT t.* FROM import_typed t WHERE NOT EXISTS (SELECT 1 FROM import_errors e WHERE e.line = t.line)
), merged AS (
    SELECT g.order_id,
           o.order_id IS NULL AS is_new,
           g.placed_at,
           CASE WHEN $has_shipped_at OR o.order_id IS NULL THEN g.shipped_at ELSE o.shipped_at END AS shipped_at,
           CASE WHEN $has_delivered_at OR o.order_id IS NULL THEN g.delivered_at ELSE o.delivered_at END AS delivered_at,
           CASE WHEN $has_promised_delivery_at OR o.order_id IS NULL THEN g.promised_delivery_at ELSE o.promised_delivery_at END AS promised_delivery_at,
           CASE WHEN $has_order_amount OR o.order_id IS NULL THEN coalesce(g.order_amount, 0) ELSE o.order_amount END AS order_amount,
           CASE WHEN $has_currency OR o.order_id IS NULL THEN g.currency ELSE o.currency END AS currency,
           CASE WHEN $has_category OR o.order_id IS NULL THEN g.category ELSE o.category END AS category,
           CASE WHEN $has_country OR o.order_id IS NULL THEN g.country ELSE o.country END AS country,
           CASE WHEN $has_status OR o.order_id IS NULL THEN g.status ELSE o.status END AS status,
           ROW(o.placed_at, o.shipped_at, o.delivered_at, o.promised_delivery_at, o.order_amount,
               o.currency, o.category, o.country, o.status) AS old_row,
           ROW(o.placed_at, o.shipped_at, o.status, o.category, o.country) AS old_order_side
    FROM good g LEFT JOIN orders o ON o.order_id = g.order_id
)
SELECT * EXCLUDE (old_row, old_order_side),
       is_new OR ROW(placed_at, shipped_at, status, category, country) IS DISTINCT FROM old_order_side AS order_side_changed
FROM merged
WHERE is_new OR ROW(placed_at, shipped_at, delivered_at, promised_delivery_at, order_amount,
                    currency, category, country, status) IS DISTINCT FROM old_row;
