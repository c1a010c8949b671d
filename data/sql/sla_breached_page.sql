-- sla_breached_page: one page of the stage items of ISO week $week (its Monday) breached as of $as_of (sla_status, sql/sla_rule.sql) — the cases' deadlines when $cases, else the orders' processing (P1) — optionally one $category / $country; most late first (time from due to done, or to $as_of when not done by then), then stage and id; $limit rows from $offset, each with total: how many breached items the week has in all.
WITH s AS (
    SELECT CAST(stage AS VARCHAR) AS stage, item_id, CAST(category AS VARCHAR) AS category,
           CAST(country AS VARCHAR) AS country, day, due,
           CASE WHEN done <= $as_of THEN done END AS done,
           CASE WHEN done <= $as_of THEN hours END AS hours
    FROM stage_facts
    WHERE due IS NOT NULL AND week = $week AND day <= $as_of_day
      AND (stage = 'processing') <> $cases
      AND ($category IS NULL OR category = $category)
      AND ($country IS NULL OR country = $country)
      AND sla_status(due, done, $as_of) = 'breached'
)
SELECT *, count(*) OVER () AS total
FROM s
ORDER BY coalesce(done, $as_of) - due DESC, stage, item_id
LIMIT $limit OFFSET $offset;
