-- import_orders_parse: type every cell of the staged file (import_src, all text) into import_typed; $fmt/$zone read timestamps, $dec_comma amounts.
CREATE OR REPLACE TEMP TABLE import_typed AS
SELECT line,
       rd_blank(order_id) AS order_id,
       rd_ts(placed_at, $fmt, $zone) AS placed_at,
       rd_ts(shipped_at, $fmt, $zone) AS shipped_at,
       rd_ts(delivered_at, $fmt, $zone) AS delivered_at,
       rd_ts(promised_delivery_at, $fmt, $zone) AS promised_delivery_at,
       rd_money(order_amount, $dec_comma) AS order_amount,
       upper(rd_blank(currency)) AS currency,
       rd_blank(category) AS category,
       rd_blank(country) AS country,
       lower(rd_blank(status)) AS status
FROM import_src;
