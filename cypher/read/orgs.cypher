// Party organisations filtered by $community_id and $level (null = any) within scope $communities (null = all; an organisation is in the communities it serves, its unit's or its sub-organisations'; a joint branch is in its street's), paged by $skip/$limit: returns id, name, level, domain, parent_id, community_id, unit_id and counts of members (its own and its sub-organisations': a general branch counts its groups'), direct_members (its own), sub-organisations, covered targets, pairings.
MATCH (o:PartyOrg)
WITH o, [o.community_id] + [(o)-[:OF]->(u:Unit) | u.community_id] + [(o)<-[:UNDER]-(c:PartyOrg) | c.community_id] + [(o)-[:UNDER]->(:PartyOrg)<-[:UNDER]-(s:PartyOrg) WHERE o.domain = 'joint' | s.community_id] AS cs
WHERE ($community_id IS NULL OR $community_id IN cs) AND ($level IS NULL OR o.level = $level)
  AND ($communities IS NULL OR any(c IN cs WHERE c IN $communities))
WITH o ORDER BY o.id SKIP $skip LIMIT $limit
RETURN o.id AS id, o.name AS name, o.level AS level, o.domain AS domain, o.parent_id AS parent_id,
  o.community_id AS community_id, o.unit_id AS unit_id,
  size([(o)<-[:UNDER*0..6]-(:PartyOrg)<-[:MEMBER_OF]-(:Member) | 1]) AS members,
  size([(o)<-[:MEMBER_OF]-(:Member) | 1]) AS direct_members,
  size([(o)<-[:UNDER]-(:PartyOrg) | 1]) AS children,
  size([(o)-[:COVERS]->() | 1]) AS covers,
  size([(o)-[:PAIRED_WITH]-(:PartyOrg) | 1]) AS pairings
