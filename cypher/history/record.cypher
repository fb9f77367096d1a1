// Stores one coverage snapshot: $rows, one map per place {id, snapshot_id, taken_at, source, level, place_id, place_name, street_id, community_id, communities, rules, totals, gaps}. Returns written.
UNWIND $rows AS row
CREATE (n:CoverageSnapshot)
SET n = row
RETURN count(n) AS written
