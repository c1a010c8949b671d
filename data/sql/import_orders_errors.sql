-- import_orders_errors: one row per bad cell of import_src/import_typed (line, column, value, reason) into import_errors; $dec_comma: amounts use a decimal comma.
CREATE OR REPLACE TEMP TABLE import_errors AS
WITH j AS MATERIALIZED (SELECT s.*, t.order_id AS p_order_id, t.placed_at AS p_placed_at, t.shipped_at AS p_shipped_at,
                  t.delivered_at AS p_delivered_at, t.promised_delivery_at AS p_promised_delivery_at,
                  t.order_amount AS p_order_amount, t.currency AS p_currency
           FROM import_src s JOIN import_typed t USING (line)),
     dup AS (SELECT order_id, min(line) AS first_line FROM import_typed WHERE order_id IS NOT NULL GROUP BY order_id HAVING count(*) > 1)
SELECT line, 'order_id' AS "column", order_id AS value, 'required' AS reason FROM j WHERE p_order_id IS NULL
UNION ALL SELECT j.line, 'order_id', j.order_id, 'duplicate key, first on line ' || d.first_line FROM j JOIN dup d ON d.order_id = j.p_order_id WHERE j.line > d.first_line
UNION ALL SELECT line, 'placed_at', placed_at, 'required' FROM j WHERE rd_blank(placed_at) IS NULL
UNION ALL SELECT line, 'placed_at', placed_at, $ts_hint FROM j WHERE rd_bad(placed_at, p_placed_at)
UNION ALL SELECT line, 'shipped_at', shipped_at, $ts_hint FROM j WHERE rd_bad(shipped_at, p_shipped_at)
UNION ALL SELECT line, 'delivered_at', delivered_at, $ts_hint FROM j WHERE rd_bad(delivered_at, p_delivered_at)
UNION ALL SELECT line, 'promised_delivery_at', promised_delivery_at, $ts_hint FROM j WHERE rd_bad(promised_delivery_at, p_promised_delivery_at)
UNION ALL SELECT line, 'order_amount', order_amount, rd_money_reason(order_amount, $dec_comma) FROM j WHERE rd_bad(order_amount, p_order_amount)
UNION ALL SELECT line, 'order_amount', order_amount, 'negative amount' FROM j WHERE p_order_amount < 0
UNION ALL SELECT line, 'currency', currency, 'not a 3-letter ISO 4217 code' FROM j WHERE p_currency IS NOT NULL AND NOT regexp_matches(p_currency, '^[A-Z]{3}$')
UNION ALL SELECT line, 'placed_at', placed_at, 'year outside 2000..2069 in some time zone (the policy calendar)' FROM j WHERE rd_year_bad(p_placed_at)
UNION ALL SELECT line, 'shipped_at', shipped_at, 'year outside 2000..2069 in some time zone (the policy calendar)' FROM j WHERE rd_year_bad(p_shipped_at)
UNION ALL SELECT line, 'delivered_at', delivered_at, 'year outside 2000..2069 in some time zone (the policy calendar)' FROM j WHERE rd_year_bad(p_delivered_at)
UNION ALL SELECT line, 'promised_delivery_at', promised_delivery_at, 'year outside 2000..2069 in some time zone (the policy calendar)' FROM j WHERE rd_year_bad(p_promised_delivery_at)
ORDER BY line, "column";
