// A Party group or branch COVERS a building or a resident group. $rows: [{org_id, target_id}]. Returns written.
UNWIND $rows AS row
MATCH (o:PartyOrg {id: row.org_id})
OPTIONAL MATCH (b:Building {id: row.target_id})
OPTIONAL MATCH (g:ResidentGroup {id: row.target_id})
WITH o, coalesce(b, g) AS target
MERGE (o)-[:COVERS]->(target)
RETURN count(*) AS written
