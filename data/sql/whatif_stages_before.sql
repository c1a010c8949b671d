-- whatif_stages_before: the baseline's SLA met / breached per stage over the whole period (its stage_facts items on local days $first..$last, on or before $as_of_day), by the rule every SLA query uses (sla_status, sql/sla_rule.sql). An item's day is the local date its clock is anchored to: the order's placing for processing, the case's request for every other stage. No duration quantiles: the replay does not show them and they would double its time on 1M cases. tests/test_whatif.py checks the figures equal weekly_report's summed over the same weeks.
SELECT CAST(stage AS VARCHAR) AS stage,
       count(*) FILTER (WHERE sla_status(due, done, $as_of) = 'met') AS met,
       count(*) FILTER (WHERE sla_status(due, done, $as_of) = 'breached') AS breached
FROM stage_facts
WHERE due IS NOT NULL AND day BETWEEN $first AND $last AND day <= $as_of_day
GROUP BY ALL;
