// Upserts needs, each NEEDS-ed by its community. $rows: need rows. Returns written.
UNWIND $rows AS row
MERGE (n:Need {id: row.id})
SET n += row
WITH n, row
OPTIONAL MATCH (c0:Community)-[old:NEEDS]->(n) WHERE c0.id <> row.community_id
DELETE old
WITH DISTINCT n, row
MATCH (c:Community {id: row.community_id})
MERGE (c)-[:NEEDS]->(n)
RETURN count(n) AS written
