// Upserts pairings as (org_a)-[:PAIRED_WITH {id, kind, since, themes}]->(org_b). $rows: pairing rows. Returns written.
UNWIND $rows AS row
MATCH (a:PartyOrg {id: row.org_a})
MATCH (b:PartyOrg {id: row.org_b})
MERGE (a)-[p:PAIRED_WITH {id: row.id}]->(b)
SET p += row
RETURN count(*) AS written
