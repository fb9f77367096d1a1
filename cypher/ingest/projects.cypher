// Upserts co-construction projects, each UNDER the Party organisations of its pairing. $rows: project rows. Returns written.
UNWIND $rows AS row
MERGE (n:Project {id: row.id})
SET n += row
WITH n, row
OPTIONAL MATCH (n)-[old:UNDER]->(o:PartyOrg) WHERE NOT o.id IN row.org_ids
DELETE old
WITH DISTINCT n, row
UNWIND row.org_ids AS org_id
MATCH (o:PartyOrg {id: org_id})
MERGE (n)-[:UNDER]->(o)
RETURN count(DISTINCT n) AS written
