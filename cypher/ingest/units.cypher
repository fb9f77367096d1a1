// Upserts resident units (驻区单位), each LOCATED_IN its community. $rows: unit rows. Returns written.
UNWIND $rows AS row
MERGE (n:Unit {id: row.id})
SET n += row
WITH n, row
OPTIONAL MATCH (n)-[old:LOCATED_IN]->(c:Community) WHERE c.id <> row.community_id
DELETE old
WITH DISTINCT n, row
MATCH (c:Community {id: row.community_id})
MERGE (n)-[:LOCATED_IN]->(c)
RETURN count(n) AS written
