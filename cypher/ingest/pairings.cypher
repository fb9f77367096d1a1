// Upserts pairings as (org_a)-[:PAIRED_WITH {id, kind, since, themes}]->(org_b). $rows: pairing rows. A row without ended_at never revives an ended pairing. Returns written.
UNWIND $rows AS row
MATCH (a:PartyOrg {id: row.org_a})
MATCH (b:PartyOrg {id: row.org_b})
MERGE (a)-[p:PAIRED_WITH {id: row.id}]->(b)
WITH p, row, p.ended_at AS ended_before
SET p += row
SET p.ended_at = coalesce(row.ended_at, ended_before)
RETURN count(*) AS written
