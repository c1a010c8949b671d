-- facts_count_orders_change: after a scoped store (facts_delete_scope, facts_insert), bring the chosen policy's orders per day/week/category/country up to date by the change alone: minus the dropped processing facts (facts_count_change), plus the new ones (new_order_counts, facts_order_counts over them); only the groups touched are rewritten (a group left with no order goes), the same rows facts_count_orders would recount from every order.
INSERT INTO facts_count_change SELECT day, week, category, country, orders FROM new_order_counts;
CREATE OR REPLACE TEMP TABLE facts_count_groups AS
SELECT day, week, category, country, CAST(sum(orders) AS BIGINT) AS orders FROM (
    SELECT c.day, c.week, c.category, c.country, c.orders FROM facts_order_counts c
    WHERE c.fingerprint = getvariable('facts_fingerprint') AND EXISTS (
        SELECT 1 FROM facts_count_change d WHERE d.day = c.day AND d.week = c.week
            AND d.category IS NOT DISTINCT FROM c.category AND d.country IS NOT DISTINCT FROM c.country)
    UNION ALL
    SELECT day, week, category, country, orders FROM facts_count_change
) GROUP BY ALL;
DELETE FROM facts_order_counts c USING facts_count_groups g
WHERE c.fingerprint = getvariable('facts_fingerprint') AND c.day = g.day AND c.week = g.week
    AND c.category IS NOT DISTINCT FROM g.category AND c.country IS NOT DISTINCT FROM g.country;
INSERT INTO facts_order_counts
SELECT getvariable('facts_fingerprint'), day, week, category, country, orders FROM facts_count_groups WHERE orders <> 0;
