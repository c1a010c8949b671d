-- facts_order_counts: orders per local day and ISO week of placed_at, category and country, from order_days (the processing stage rows of every order, cancelled ones included), so reports need not rescan every order.
SELECT day, week, CAST(category AS VARCHAR) AS category, CAST(country AS VARCHAR) AS country,
       count(*) AS orders
FROM order_days GROUP BY ALL;
