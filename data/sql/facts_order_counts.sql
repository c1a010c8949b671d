-- facts_order_counts: orders per local day and ISO week of placed_at (in $zone), category and country, so reports need not rescan every order.
WITH d AS (
    SELECT CAST(timezone($zone, placed_at) AS DATE) AS day,
           coalesce(category, 'unknown') AS category, coalesce(country, 'unknown') AS country
    FROM orders
)
SELECT day, CAST(date_trunc('week', day) AS DATE) AS week, category, country, count(*) AS orders
FROM d GROUP BY ALL;
