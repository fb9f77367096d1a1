// Baseline loader: resources OFFERS-ed by their owner. $rows.
UNWIND $rows AS row
OPTIONAL MATCH (u:Unit {id: row.owner_id})
OPTIONAL MATCH (c:Community {id: row.owner_id})
OPTIONAL MATCH (p:PartyOrg {id: row.owner_id})
WITH row, coalesce(u, c, p) AS owner
CREATE (owner)-[:OFFERS]->(n:Resource)
SET n = row
