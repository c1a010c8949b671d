-- facts_stage_weeks: recompute the chosen policy's totals per ISO week and SLA stage for the weeks in facts_touched_weeks (facts_delete_all / facts_delete_scope) from its stored stage items: each item's final status (sla_status as of a time after everything, sql/sla_rule.sql) and the p50 / p90 working hours to done, as report_stages computes them, plus the span of the items' days and settled_at, the first instant from which no item's status or hours can change (done; or, never done, just past due). report_stages_stored uses a row only for an as-of time at or after settled_at with the whole week in the period, so the totals equal the computation from the items.
DELETE FROM facts_stage_weeks WHERE fingerprint = getvariable('facts_fingerprint')
    AND week IN (SELECT week FROM facts_touched_weeks);
INSERT INTO facts_stage_weeks
WITH s AS (
    SELECT week, stage, day, sla_status(due, done, 'infinity'::TIMESTAMPTZ) AS status,
           CASE WHEN done <= 'infinity'::TIMESTAMPTZ THEN hours END AS hours,
           coalesce(done, due + INTERVAL 1 MICROSECOND) AS settled_at
    FROM facts_stages
    WHERE fingerprint = getvariable('facts_fingerprint') AND due IS NOT NULL
      AND week IN (SELECT week FROM facts_touched_weeks)
), g AS (
    SELECT week, stage,
           count(*) FILTER (WHERE status = 'met') AS met,
           count(*) FILTER (WHERE status = 'breached') AS breached,
           quantile_cont(hours, [0.5, 0.9]) AS q,
           min(day) AS first_day, max(day) AS last_day, max(settled_at) AS settled_at
    FROM s
    GROUP BY ALL
)
SELECT getvariable('facts_fingerprint'), week, stage, met, breached, q[1], q[2], first_day, last_day, settled_at
FROM g;
