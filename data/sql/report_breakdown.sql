-- report_breakdown: why a stage breached: SLA items of the $stages whose week-defining event falls on local days $date_from..$date_to (and on or before $as_of_day), optionally one $category / $country, grouped $by 'agent' (the case's agent; orders have none), 'category', 'reason' (the case's; orders have none) or 'weekday' (of the starting event, 1 = Monday): items, met / breached / pending as of $as_of (sla_status, sql/sla_rule.sql). value is NULL where the item has none (an order's processing has no agent or reason). A case item's day is its request's local day, so its case's request lies within a day of the period's UTC days ($request_from..$request_to): the bound always holds for a matching case and lets the join read only the period's part of the cases (they are stored in about request order).
WITH s AS (
    SELECT CAST(stage AS VARCHAR) AS stage, item_id, CAST(category AS VARCHAR) AS category, day,
           sla_status(due, done, $as_of) AS status
    FROM stage_facts
    WHERE due IS NOT NULL
      AND day BETWEEN $date_from AND $date_to AND day <= $as_of_day
      AND list_contains($stages, CAST(stage AS VARCHAR))
      AND ($category IS NULL OR category = $category)
      AND ($country IS NULL OR country = $country)
), labelled AS (
    SELECT s.status,
           CASE $by WHEN 'agent' THEN c.agent
                    WHEN 'category' THEN s.category
                    WHEN 'reason' THEN CAST(f.reason AS VARCHAR)
                    WHEN 'weekday' THEN CAST(isodow(s.day) AS VARCHAR) END AS value
    FROM s
    LEFT JOIN cases c ON $by = 'agent' AND s.stage <> 'processing' AND c.case_id = s.item_id
                      AND c.requested_at >= $request_from AND c.requested_at < $request_to
    LEFT JOIN case_facts f ON $by = 'reason' AND s.stage <> 'processing' AND f.case_id = s.item_id
)
SELECT value, count(*) AS items,
       count(*) FILTER (WHERE status = 'met') AS met,
       count(*) FILTER (WHERE status = 'breached') AS breached,
       count(*) FILTER (WHERE status = 'pending') AS pending
FROM labelled
GROUP BY value
ORDER BY breached DESC, items DESC, value NULLS LAST;
