// Baseline loader: COVERS. $rows.
UNWIND $rows AS row
MATCH (o:PartyOrg {id: row.org_id})
OPTIONAL MATCH (b:Building {id: row.target_id})
OPTIONAL MATCH (g:ResidentGroup {id: row.target_id})
WITH o, coalesce(b, g) AS target
CREATE (o)-[:COVERS]->(target)
