-- whatif_stages: SLA met / breached per side (before = b_stages, after = s_stages) and stage over the whole period (items on local days $first..$last, on or before $as_of_day), by the rule every SLA query uses (sla_status, sql/sla_rule.sql). No duration quantiles: the replay does not show them and they would double its time on 1M cases. tests/test_whatif.py checks the figures equal weekly_report's summed over the same weeks.
WITH items AS (
    SELECT 'before' AS side, stage, due, done, day FROM b_stages
    UNION ALL
    SELECT 'after' AS side, stage, due, done, day FROM s_stages
)
SELECT side, CAST(stage AS VARCHAR) AS stage,
       count(*) FILTER (WHERE sla_status(due, done, $as_of) = 'met') AS met,
       count(*) FILTER (WHERE sla_status(due, done, $as_of) = 'breached') AS breached
FROM items
WHERE due IS NOT NULL AND day BETWEEN $first AND $last AND day <= $as_of_day
GROUP BY ALL;
