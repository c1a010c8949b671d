-- table_counts: how many orders and cases the database holds.
SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM cases) AS cases;
