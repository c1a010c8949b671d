-- data_bounds: earliest and latest instant in the data (every column named *_at of both tables, so a new milestone is counted without an edit here), to size the working-hours day table.
SELECT least((SELECT min(placed_at) FROM orders), (SELECT min(requested_at) FROM cases)) AS first,
       greatest((SELECT greatest(*COLUMNS('_at$')) FROM (SELECT max(COLUMNS('_at$')) FROM orders)),
                (SELECT greatest(*COLUMNS('_at$')) FROM (SELECT max(COLUMNS('_at$')) FROM cases))) AS last;
