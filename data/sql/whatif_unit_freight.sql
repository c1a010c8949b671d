-- whatif_unit_freight: a typical return shipment's cost, the mean freight the store actually paid over all cases (b_all); used for a case the scenario makes the store pay for but that has no recorded freight amount.
SELECT coalesce(avg(CAST(freight_paid AS DOUBLE)), 0) AS unit
FROM b_all
WHERE freight_paid > 0;
