// Unit Party organisations (OF a unit LOCATED_IN a community in $communities; null = all) as pairing partners: returns id, name, unit_id, unit_name, unit_kind, community_id, lat, lon, ordered by id.
MATCH (o:PartyOrg)-[:OF]->(u:Unit)
WHERE $communities IS NULL OR u.community_id IN $communities
RETURN o.id AS id, o.name AS name, u.id AS unit_id, u.name AS unit_name, u.kind AS unit_kind,
  u.community_id AS community_id, u.lat AS lat, u.lon AS lon
ORDER BY o.id
