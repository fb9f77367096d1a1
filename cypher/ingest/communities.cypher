// Upserts communities, each IN its street (moved if the street changed). $rows: community rows. A blank boundary keeps the stored one. Returns written.
UNWIND $rows AS row
MERGE (n:Community {id: row.id})
WITH n, row, n.boundary AS kept
SET n += row, n.boundary = coalesce(row.boundary, kept)
WITH n, row
OPTIONAL MATCH (n)-[old:IN]->(s:Street) WHERE s.id <> row.street_id
DELETE old
WITH DISTINCT n, row
MATCH (s:Street {id: row.street_id})
MERGE (n)-[:IN]->(s)
RETURN count(n) AS written
