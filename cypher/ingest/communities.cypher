// Upserts communities, each IN its street (moved if the street changed). $rows: community rows. Returns written.
UNWIND $rows AS row
MERGE (n:Community {id: row.id})
SET n += row
WITH n, row
OPTIONAL MATCH (n)-[old:IN]->(s:Street) WHERE s.id <> row.street_id
DELETE old
WITH DISTINCT n, row
MATCH (s:Street {id: row.street_id})
MERGE (n)-[:IN]->(s)
RETURN count(n) AS written
