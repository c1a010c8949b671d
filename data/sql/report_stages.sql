-- report_stages: per ISO week and SLA stage: met / breached / pending as of $as_of (sla_status, sql/sla_rule.sql) and p50 / p90 working hours to done; items whose week-defining event falls on local days $date_from..$date_to (and on or before $as_of_day), optionally one $category / $country. Only weeks $raw_first..$raw_last (weekly_report reads the settled weeks' totals from report_stages_stored instead). Both percentiles come from one quantile call (one sort per group).
WITH s AS (
    SELECT week, stage, sla_status(due, done, $as_of) AS status,
           CASE WHEN done <= $as_of THEN hours END AS hours
    FROM stage_facts
    WHERE due IS NOT NULL
      AND day BETWEEN $date_from AND $date_to AND day <= $as_of_day
      AND ($category IS NULL OR category = $category)
      AND ($country IS NULL OR country = $country)
      AND week BETWEEN $raw_first AND $raw_last
), g AS (
    SELECT week, CAST(stage AS VARCHAR) AS stage,
           count(*) FILTER (WHERE status = 'met') AS met,
           count(*) FILTER (WHERE status = 'breached') AS breached,
           count(*) FILTER (WHERE status = 'pending') AS pending,
           quantile_cont(hours, [0.5, 0.9]) AS q
    FROM s
    GROUP BY ALL
)
SELECT week, stage, met, breached, pending, q[1] AS p50_hours, q[2] AS p90_hours
FROM g
ORDER BY week, stage;
