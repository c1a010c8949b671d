-- data_bounds: earliest and latest instant in the data, to size the working-hours day table.
SELECT least((SELECT min(placed_at) FROM orders), (SELECT min(requested_at) FROM cases)) AS first,
       greatest((SELECT max(placed_at) FROM orders), (SELECT max(delivered_at) FROM orders),
                (SELECT max(shipped_at) FROM orders), (SELECT max(requested_at) FROM cases),
                (SELECT max(closed_at) FROM cases), (SELECT max(refunded_at) FROM cases),
                (SELECT max(freight_reimbursed_at) FROM cases), (SELECT max(replacement_shipped_at) FROM cases),
                (SELECT max(status_updated_at) FROM cases), (SELECT max(customer_shipped_at) FROM cases)) AS last;
