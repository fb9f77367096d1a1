// Upserts households, each IN its building. $rows: household rows. Returns written.
UNWIND $rows AS row
MERGE (n:Household {id: row.id})
SET n += row
WITH n, row
OPTIONAL MATCH (n)-[old:IN]->(b:Building) WHERE b.id <> row.building_id
DELETE old
WITH DISTINCT n, row
MATCH (b:Building {id: row.building_id})
MERGE (n)-[:IN]->(b)
RETURN count(n) AS written
