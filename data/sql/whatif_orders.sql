-- whatif_orders: orders placed on local days $first..$last (their processing stage items in the baseline, b_stages).
SELECT count(*) AS orders
FROM b_stages
WHERE CAST(stage AS VARCHAR) = 'processing' AND day BETWEEN $first AND $last;
