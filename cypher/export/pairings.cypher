// Within scope $communities (null = all), every PAIRED_WITH relationship as a Ledger v1 pairings row: returns row (its properties, with org_a and org_b), ordered by id.
MATCH (a:PartyOrg)-[p:PAIRED_WITH]->(b:PartyOrg)
WHERE $communities IS NULL OR a.community_id IN $communities OR b.community_id IN $communities
  OR any(c IN [(a)-[:OF]->(u:Unit) | u.community_id] + [(b)-[:OF]->(u:Unit) | u.community_id] WHERE c IN $communities)
RETURN properties(p) AS row
ORDER BY p.id
