-- report_return_rate: per product category over the whole period: orders, cases, returns (outcome return_refund or exchange: the item comes back) and returns / orders. Same filters as report_stages.
WITH o AS (
    SELECT category, CAST(sum(orders) AS BIGINT) AS orders FROM order_counts
    WHERE day BETWEEN $date_from AND $date_to AND day <= $as_of_day
      AND ($category IS NULL OR category = $category) AND ($country IS NULL OR country = $country)
    GROUP BY category
), c AS (
    SELECT CAST(category AS VARCHAR) AS category, count(*) AS cases,
           count(*) FILTER (WHERE outcome IN ('return_refund', 'exchange')) AS returns
    FROM case_facts
    WHERE day BETWEEN $date_from AND $date_to AND day <= $as_of_day
      AND ($category IS NULL OR category = $category) AND ($country IS NULL OR country = $country)
    GROUP BY ALL
)
SELECT category, coalesce(o.orders, 0) AS orders, coalesce(c.cases, 0) AS cases,
       coalesce(c.returns, 0) AS returns,
       CASE WHEN coalesce(o.orders, 0) > 0 THEN round(coalesce(c.returns, 0) / o.orders, 4) END AS return_rate
FROM o FULL OUTER JOIN c USING (category)
ORDER BY category;
