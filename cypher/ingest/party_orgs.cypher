// Upserts Party organisations with SERVES (community_id) and OF (unit_id); UNDER is ingest/party_orgs_under. Returns written.
UNWIND $rows AS row
MERGE (n:PartyOrg {id: row.id})
SET n += row
WITH n, row
OPTIONAL MATCH (n)-[old:SERVES|OF]->(x) WHERE NOT x.id IN [coalesce(row.community_id, ''), coalesce(row.unit_id, '')]
DELETE old
WITH DISTINCT n, row
OPTIONAL MATCH (c:Community {id: coalesce(row.community_id, '')})
FOREACH (x IN CASE WHEN c IS NULL THEN [] ELSE [c] END | MERGE (n)-[:SERVES]->(x))
WITH n, row
OPTIONAL MATCH (u:Unit {id: coalesce(row.unit_id, '')})
FOREACH (x IN CASE WHEN u IS NULL THEN [] ELSE [u] END | MERGE (n)-[:OF]->(x))
RETURN count(n) AS written
