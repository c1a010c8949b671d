-- spark_cases_input: decide_cases_input.sql, decide_case_orders.sql and the order fields decisions.py attaches, as one join on Spark (data/spark_facts.py): every case (all columns but the amounts and the agent, so a new milestone needs no edit here) with its order's fields, null where the order is unknown (order_amount 0, category and country 'unknown', as there).
SELECT c.* EXCEPT (refund_amount, freight_amount, agent),
       c.refund_amount AS refund_paid, c.freight_amount AS freight_paid,
       o.delivered_at, o.promised_delivery_at,
       CAST(coalesce(o.order_amount, 0) AS DOUBLE) AS order_amount, o.currency,
       o.placed_at, o.shipped_at,
       coalesce(o.category, 'unknown') AS category, coalesce(o.country, 'unknown') AS country
FROM cases c
LEFT JOIN orders o ON o.order_id = c.order_id
