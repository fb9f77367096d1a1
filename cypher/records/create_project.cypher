// Creates a Project from $props UNDER each Party organisation of $org_ids. $props (with id), $org_ids. Returns project (its properties).
CREATE (n:Project)
SET n = $props
WITH n
UNWIND $org_ids AS org_id
MATCH (o:PartyOrg {id: org_id})
CREATE (n)-[:UNDER]->(o)
WITH DISTINCT n
RETURN properties(n) AS project
