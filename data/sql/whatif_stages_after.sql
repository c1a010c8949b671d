-- whatif_stages_after: whatif_stages_before for the scenario's items (s_stages, decided for the period only, each item's day in the scenario's own zone), without its $order_stage items when $same_orders (the scenario keeps the calendar and processing settings, so those items are the baseline's: the caller copies them).
SELECT CAST(stage AS VARCHAR) AS stage,
       count(*) FILTER (WHERE sla_status(due, done, $as_of) = 'met') AS met,
       count(*) FILTER (WHERE sla_status(due, done, $as_of) = 'breached') AS breached
FROM s_stages
WHERE due IS NOT NULL AND day BETWEEN $first AND $last AND day <= $as_of_day
  AND NOT ($same_orders AND CAST(stage AS VARCHAR) = $order_stage)
GROUP BY ALL;
