// Party organisations of the network, selected by $street_id and $community_id (null = any) within $communities (the caller's scope, null = all): returns id, name, level, domain, community_id (served, or its unit's), community_name, street_id (its community's, or for a street's committee its sub-organisations'), street_name, unit_name, members (its own and its sub-organisations').
MATCH (o:PartyOrg)
OPTIONAL MATCH (o)-[:OF]->(u:Unit)
WITH o, u, coalesce(o.community_id, u.community_id) AS community_id
WHERE $communities IS NULL OR community_id IN $communities
OPTIONAL MATCH (c:Community {id: community_id})
WITH o, u, community_id, c,
  coalesce(c.street_id, head([(o)<-[:UNDER]-(:PartyOrg)-[:SERVES]->(cc:Community) | cc.street_id])) AS street_id
WHERE ($street_id IS NULL OR street_id = $street_id) AND ($community_id IS NULL OR community_id = $community_id)
OPTIONAL MATCH (st:Street {id: street_id})
RETURN o.id AS id, o.name AS name, o.level AS level, o.domain AS domain, community_id, c.name AS community_name,
  street_id, st.name AS street_name, u.name AS unit_name, size([(o)<-[:UNDER*0..6]-(:PartyOrg)<-[:MEMBER_OF]-(:Member) | 1]) AS members
ORDER BY id
