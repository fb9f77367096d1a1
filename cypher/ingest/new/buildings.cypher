// Creates buildings known to be new (no Building has their id yet), IN their community and their grid when given: what ingest/buildings does for them, without looking for a node or old relationships first. $rows: building rows. Returns written.
UNWIND $rows AS row
MATCH (c:Community {id: row.community_id})
CREATE (n:Building)-[:IN]->(c)
SET n = row
WITH n, row
OPTIONAL MATCH (g:ResidentGroup {id: coalesce(row.resident_group_id, '')})
FOREACH (x IN CASE WHEN g IS NULL THEN [] ELSE [g] END | CREATE (n)-[:IN]->(x))
RETURN count(n) AS written
