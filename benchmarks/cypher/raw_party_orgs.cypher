// Baseline loader: Party organisations with SERVES and OF. $rows.
UNWIND $rows AS row
CREATE (n:PartyOrg)
SET n = row
WITH n, row
OPTIONAL MATCH (c:Community {id: coalesce(row.community_id, '')})
OPTIONAL MATCH (u:Unit {id: coalesce(row.unit_id, '')})
FOREACH (x IN CASE WHEN c IS NULL THEN [] ELSE [c] END | CREATE (n)-[:SERVES]->(x))
FOREACH (x IN CASE WHEN u IS NULL THEN [] ELSE [u] END | CREATE (n)-[:OF]->(x))
