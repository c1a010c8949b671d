-- sla_status: SLA stage items with their status as of $as_of (sla_status, sql/sla_rule.sql) and working hours to done; optional filters $stage, $item_id, $week (its Monday), $category, $country, $status; at most $limit rows (NULL: all).
WITH s AS (
    SELECT CAST(stage AS VARCHAR) AS stage, item_id, CAST(category AS VARCHAR) AS category,
           CAST(country AS VARCHAR) AS country, week, day, due,
           CASE WHEN done <= $as_of THEN done END AS done,
           CASE WHEN done <= $as_of THEN hours END AS hours,
           sla_status(due, done, $as_of) AS status
    FROM stage_facts
    WHERE due IS NOT NULL AND day <= $as_of_day
      AND ($stage IS NULL OR stage = $stage)
      AND ($item_id IS NULL OR item_id = $item_id)
      AND ($week IS NULL OR week = $week)
      AND ($category IS NULL OR category = $category)
      AND ($country IS NULL OR country = $country)
)
SELECT * FROM s
WHERE $status IS NULL OR status = $status
ORDER BY stage, item_id
LIMIT $limit;
