// Party organisations among $ids with the community each belongs to (its own, else its unit's) and whether that community is in $communities (null = all): returns id, name, level, domain, community_id, in_scope.
MATCH (o:PartyOrg)
WHERE o.id IN $ids
OPTIONAL MATCH (o)-[:OF]->(u:Unit)
WITH o, coalesce(o.community_id, u.community_id) AS community_id
RETURN o.id AS id, o.name AS name, o.level AS level, o.domain AS domain, community_id,
  ($communities IS NULL OR community_id IN $communities) AS in_scope
