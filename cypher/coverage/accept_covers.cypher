// Writes accepted (PartyOrg)-[:COVERS]->(Building) pairs, stamped with $stamp {accepted_by, accepted_at, source}. $pairs: [{org_id, building_id}]. Returns org_id, building_id.
UNWIND $pairs AS pair
MATCH (o:PartyOrg {id: pair.org_id})
MATCH (b:Building {id: pair.building_id})
MERGE (o)-[r:COVERS]->(b)
SET r += $stamp
RETURN o.id AS org_id, b.id AS building_id
