// Upserts resources, each OFFERS-ed by its owner (a unit, community or Party organisation). Returns written.
UNWIND $rows AS row
MERGE (n:Resource {id: row.id})
SET n += row
WITH n, row
OPTIONAL MATCH (o)-[old:OFFERS]->(n) WHERE o.id <> row.owner_id
DELETE old
WITH DISTINCT n, row
OPTIONAL MATCH (u:Unit {id: row.owner_id})
OPTIONAL MATCH (c:Community {id: row.owner_id})
OPTIONAL MATCH (p:PartyOrg {id: row.owner_id})
WITH n, coalesce(u, c, p) AS owner
MERGE (owner)-[:OFFERS]->(n)
RETURN count(n) AS written
