-- sla_items: stage items that are breached, or open and due by $risk_until (at risk: due within one working day of $as_of), as of $as_of; $open_only keeps items not done by $as_of; breached first, then at risk, oldest due first, at most $limit rows.
WITH s AS (
    SELECT CAST(stage AS VARCHAR) AS stage, item_id, CAST(category AS VARCHAR) AS category,
           CAST(country AS VARCHAR) AS country, week, due,
           CASE WHEN done <= $as_of THEN done END AS done,
           sla_status(due, done, $as_of) AS sla
    FROM stage_facts
    WHERE due IS NOT NULL AND day <= $as_of_day
      AND ($category IS NULL OR category = $category) AND ($country IS NULL OR country = $country)
      AND ($stage IS NULL OR stage = $stage)
), flagged AS (
    SELECT *,
           CASE WHEN sla = 'breached' THEN 'breached'
                WHEN sla = 'pending' AND due <= $risk_until THEN 'at_risk' END AS status
    FROM s
)
SELECT f.status, f.stage, f.item_id,
       CASE WHEN f.stage = 'processing' THEN f.item_id ELSE c.order_id END AS order_id,
       f.category, f.country, f.due, f.done,
       f.done IS NULL AS open
FROM flagged f LEFT JOIN case_facts c ON c.case_id = f.item_id AND f.stage <> 'processing'
WHERE f.status IS NOT NULL AND (NOT $open_only OR f.done IS NULL)
ORDER BY f.status DESC, f.due, f.item_id
LIMIT $limit;
