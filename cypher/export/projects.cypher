// Within scope $communities (null = all), every Project node as a Ledger v1 row: returns row (its properties), ordered by id.
MATCH (n:Project)
WHERE $communities IS NULL OR any(c IN [(n)-[:UNDER]->(o:PartyOrg) | o.community_id] WHERE c IN $communities)
RETURN properties(n) AS row
ORDER BY n.id
