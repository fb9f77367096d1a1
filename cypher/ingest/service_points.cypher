// Upserts service points, each IN its community. $rows: service_point rows. Returns written.
UNWIND $rows AS row
MERGE (n:ServicePoint {id: row.id})
SET n += row
WITH n, row
OPTIONAL MATCH (n)-[old:IN]->(c:Community) WHERE c.id <> row.community_id
DELETE old
WITH DISTINCT n, row
MATCH (c:Community {id: row.community_id})
MERGE (n)-[:IN]->(c)
RETURN count(n) AS written
