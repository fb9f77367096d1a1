// Community branches: the top Party organisations that SERVE a community in $communities (null = all) — not under another that serves it, not a building branch: returns id, name, level, community_id, ordered by community_id, id.
MATCH (o:PartyOrg)-[:SERVES]->(c:Community)
WHERE ($communities IS NULL OR c.id IN $communities)
  AND o.domain <> 'building'
  AND NOT (o)-[:UNDER]->(:PartyOrg)-[:SERVES]->(c)
RETURN o.id AS id, o.name AS name, o.level AS level, c.id AS community_id
ORDER BY c.id, o.id
