// Within scope $communities (null = all), every PartyOrg node as a Ledger v1 row: returns row (its properties), ordered by id.
MATCH (n:PartyOrg)
WHERE $communities IS NULL OR any(c IN [n.community_id] + [(n)-[:OF]->(u:Unit) | u.community_id] + [(n)<-[:UNDER]-(c:PartyOrg) | c.community_id] + [(n)-[:UNDER]->(:PartyOrg)<-[:UNDER]-(s:PartyOrg) WHERE n.domain = 'joint' | s.community_id] WHERE c IN $communities)
RETURN properties(n) AS row
ORDER BY n.id
