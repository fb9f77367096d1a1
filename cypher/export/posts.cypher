// Within scope $communities (null = all), every HOLDS_POST relationship (设岗定责) as a Ledger v1 row: returns row {member_id, community_id, post}.
MATCH (m:Member)-[p:HOLDS_POST]->(c:Community)
WHERE $communities IS NULL OR c.id IN $communities
RETURN {member_id: m.id, community_id: c.id, post: p.post} AS row
ORDER BY m.id, c.id, p.post
