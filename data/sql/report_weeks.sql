-- report_weeks: per ISO week: orders placed, cases opened, refunds paid by $as_of (count, full and partial amounts) and the return freight the store paid; weeks with neither orders nor cases do not appear. Same filters as report_stages.
WITH o AS (
    SELECT week, CAST(sum(orders) AS BIGINT) AS orders
    FROM order_counts
    WHERE day BETWEEN $date_from AND $date_to AND day <= $as_of_day
      AND ($category IS NULL OR category = $category) AND ($country IS NULL OR country = $country)
    GROUP BY week
), c AS (
    SELECT week, count(*) AS cases,
           count(*) FILTER (WHERE refunded_at <= $as_of) AS refunds,
           coalesce(sum(refund_paid) FILTER (WHERE refunded_at <= $as_of AND refund_kind = 'full'), 0) AS refunds_full,
           coalesce(sum(refund_paid) FILTER (WHERE refunded_at <= $as_of AND refund_kind = 'partial'), 0) AS refunds_partial,
           coalesce(sum(refund_paid) FILTER (WHERE refunded_at <= $as_of AND refund_kind NOT IN ('full', 'partial')), 0) AS refunds_other,
           coalesce(sum(freight_paid) FILTER (WHERE freight_payer = 'merchant'), 0) AS merchant_freight
    FROM case_facts
    WHERE day BETWEEN $date_from AND $date_to AND day <= $as_of_day
      AND ($category IS NULL OR category = $category) AND ($country IS NULL OR country = $country)
    GROUP BY week
)
SELECT week, coalesce(o.orders, 0) AS orders, coalesce(c.cases, 0) AS cases,
       coalesce(c.refunds, 0) AS refunds,
       coalesce(c.refunds_full, 0) AS refunds_full,
       coalesce(c.refunds_partial, 0) AS refunds_partial,
       coalesce(c.refunds_other, 0) AS refunds_other,
       coalesce(c.merchant_freight, 0) AS merchant_freight
FROM o FULL OUTER JOIN c USING (week)
WHERE coalesce(o.orders, 0) + coalesce(c.cases, 0) > 0
ORDER BY week;
