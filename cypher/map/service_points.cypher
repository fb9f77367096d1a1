// Service points of the communities $communities (null = all) for the map: returns id, name, kind, community_id, lat, lon.
MATCH (p:ServicePoint)
WHERE $communities IS NULL OR p.community_id IN $communities
RETURN p.id AS id, p.name AS name, p.kind AS kind, p.community_id AS community_id, p.lat AS lat, p.lon AS lon
ORDER BY id
