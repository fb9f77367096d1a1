// Baseline loader: projects UNDER their organisations. $rows.
UNWIND $rows AS row
CREATE (n:Project)
SET n = row
WITH n, row
UNWIND row.org_ids AS org_id
MATCH (o:PartyOrg {id: org_id})
CREATE (n)-[:UNDER]->(o)
