// Communities within $communities (null = all) for the map: returns id, name, kind, street_id, lat, lon, boundary (GeoJSON text or null).
MATCH (c:Community)
WHERE $communities IS NULL OR c.id IN $communities
RETURN c.id AS id, c.name AS name, c.kind AS kind, c.street_id AS street_id, c.lat AS lat, c.lon AS lon, c.boundary AS boundary
ORDER BY id
