-- spark_order_counts: facts_order_counts.sql on Spark (data/spark_facts.py): orders per local day and ISO week of placed_at, category and country, from order_days (every order's processing stage row, cancelled ones included).
SELECT day, week, category, country, count(*) AS orders
FROM order_days
GROUP BY day, week, category, country
