// Links each Party organisation UNDER its parent (after every organisation exists). $rows: party_org rows. Returns written.
UNWIND $rows AS row
MATCH (n:PartyOrg {id: row.id})
OPTIONAL MATCH (n)-[old:UNDER]->(p:PartyOrg) WHERE p.id <> coalesce(row.parent_id, '')
DELETE old
WITH DISTINCT n, row
OPTIONAL MATCH (p:PartyOrg {id: coalesce(row.parent_id, '')})
FOREACH (x IN CASE WHEN p IS NULL THEN [] ELSE [p] END | MERGE (n)-[:UNDER]->(x))
RETURN count(n) AS written
