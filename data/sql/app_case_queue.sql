-- app_case_queue: the Case lookup page's queues and the alerts, one $status at a time ('at_risk':
-- open and due by $risk_until; 'breached': open and past due), only the stages in $stages, as of $as_of; the
-- soonest due first for at-risk items, the most recently due first for breached ones (the
-- customers waiting least long are the likeliest still to be saved), at most $limit rows (NULL: all),
-- plus the full count of matching items in every row (total). agent: the case's agent (orders have none).
-- The items are cut to $limit before the case's order and agent are joined (each case has one row in
-- case_facts and in cases): a 10M-order queue joins its page, not its tens of thousands of items.
WITH s AS (
    SELECT CAST(stage AS VARCHAR) AS stage, item_id, CAST(category AS VARCHAR) AS category,
           CAST(country AS VARCHAR) AS country, due, sla_status(due, done, $as_of) AS sla
    FROM stage_facts
    WHERE due IS NOT NULL AND day <= $as_of_day
      AND list_contains($stages, CAST(stage AS VARCHAR))
      AND (done IS NULL OR done > $as_of)
), flagged AS (
    SELECT *, CASE WHEN sla = 'breached' THEN 'breached' WHEN due <= $risk_until THEN 'at_risk' END AS status
    FROM s
), picked AS (
    SELECT status, stage, item_id, category, country, due, count(*) OVER () AS total,
           CASE WHEN $status = 'breached' THEN -epoch(due) ELSE epoch(due) END AS rank
    FROM flagged
    WHERE status = $status
    ORDER BY rank, item_id, stage
    LIMIT $limit
)
SELECT f.status, f.stage, f.item_id,
       CASE WHEN f.stage = 'processing' THEN f.item_id ELSE c.order_id END AS order_id,
       f.category, f.country, f.due, a.agent, f.total
FROM picked f LEFT JOIN case_facts c ON c.case_id = f.item_id AND f.stage <> 'processing'
     LEFT JOIN cases a ON a.case_id = f.item_id AND f.stage <> 'processing'
ORDER BY f.rank, f.item_id, f.stage;
