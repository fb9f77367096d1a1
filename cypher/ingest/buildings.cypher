// Upserts buildings, each IN its community and IN its grid when it has one. $rows: building rows. Returns written.
UNWIND $rows AS row
MERGE (n:Building {id: row.id})
SET n += row
WITH n, row
OPTIONAL MATCH (n)-[old:IN]->(p) WHERE NOT p.id IN [row.community_id, coalesce(row.resident_group_id, '')]
DELETE old
WITH DISTINCT n, row
MATCH (c:Community {id: row.community_id})
MERGE (n)-[:IN]->(c)
WITH n, row
OPTIONAL MATCH (g:ResidentGroup {id: coalesce(row.resident_group_id, '')})
FOREACH (x IN CASE WHEN g IS NULL THEN [] ELSE [g] END | MERGE (n)-[:IN]->(x))
RETURN count(n) AS written
