-- whatif_orders: orders placed on local days $first..$last (their processing stage items in the baseline's facts, stage_facts).
SELECT count(*) AS orders
FROM stage_facts
WHERE CAST(stage AS VARCHAR) = 'processing' AND day BETWEEN $first AND $last;
