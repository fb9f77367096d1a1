// Creates an accepted Party organisation $org {id, name, level, domain, parent_id, community_id, unit_id} (the Ledger v1 columns) stamped with $stamp, UNDER its parent, SERVES its community and OF its unit when given. Returns id.
CREATE (o:PartyOrg {id: $org.id})
SET o += $org, o += $stamp
WITH o
MATCH (p:PartyOrg {id: $org.parent_id})
MERGE (o)-[:UNDER]->(p)
WITH o
OPTIONAL MATCH (c:Community {id: $org.community_id})
FOREACH (x IN CASE WHEN c IS NULL THEN [] ELSE [c] END | MERGE (o)-[:SERVES]->(x))
WITH o
OPTIONAL MATCH (u:Unit {id: $org.unit_id})
FOREACH (x IN CASE WHEN u IS NULL THEN [] ELSE [u] END | MERGE (o)-[:OF]->(x))
RETURN o.id AS id
