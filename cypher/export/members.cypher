// Within scope $communities (null = all), every Member node as a Ledger v1 row: returns row (its properties), ordered by id.
MATCH (n:Member)
WHERE $communities IS NULL OR any(c IN [(n)-[:LIVES_IN]->(:Household)-[:IN]->(b:Building) | b.community_id] + [(n)-[:MEMBER_OF|REGISTERED_AT]->(o:PartyOrg) | o.community_id] + [(n)-[:WORKS_AT]->(u:Unit) | u.community_id] WHERE c IN $communities)
RETURN properties(n) AS row
ORDER BY n.id
