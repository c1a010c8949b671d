-- whatif_stages: SLA met / breached per side and stage over the whole period (items on local days $first..$last, on or before $as_of_day), by the rule every SLA query uses (sla_status, sql/sla_rule.sql): before from the baseline's facts (stage_facts), after from the scenario's items (s_stages, decided for the period only), without its $order_stage items when $same_orders (the scenario keeps the calendar and processing settings, so those items are the baseline's: the caller copies them). An item's day is the local date its clock is anchored to: the order's placing for processing, the case's request for every other stage. No duration quantiles: the replay does not show them and they would double its time on 1M cases. tests/test_whatif.py checks the figures equal weekly_report's summed over the same weeks.
WITH items AS (
    SELECT 'before' AS side, stage, due, done, day FROM stage_facts
    UNION ALL
    SELECT 'after' AS side, stage, due, done, day FROM s_stages
    WHERE NOT ($same_orders AND CAST(stage AS VARCHAR) = $order_stage)
)
SELECT side, CAST(stage AS VARCHAR) AS stage,
       count(*) FILTER (WHERE sla_status(due, done, $as_of) = 'met') AS met,
       count(*) FILTER (WHERE sla_status(due, done, $as_of) = 'breached') AS breached
FROM items
WHERE due IS NOT NULL AND day BETWEEN $first AND $last AND day <= $as_of_day
GROUP BY ALL;
