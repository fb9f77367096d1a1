// Upserts resident groups (网格), each IN its community. $rows: resident_group rows. A blank boundary keeps the stored one. Returns written.
UNWIND $rows AS row
MERGE (n:ResidentGroup {id: row.id})
WITH n, row, n.boundary AS kept
SET n += row, n.boundary = coalesce(row.boundary, kept)
WITH n, row
OPTIONAL MATCH (n)-[old:IN]->(c:Community) WHERE c.id <> row.community_id
DELETE old
WITH DISTINCT n, row
MATCH (c:Community {id: row.community_id})
MERGE (n)-[:IN]->(c)
RETURN count(n) AS written
