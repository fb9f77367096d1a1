// Communities in $communities (null = all) of street $street_id (null = all): returns id, name, kind, street_id, lat, lon, has_office, has_funds, has_land, ordered by id.
MATCH (c:Community)
WHERE ($communities IS NULL OR c.id IN $communities) AND ($street_id IS NULL OR c.street_id = $street_id)
RETURN c.id AS id, c.name AS name, c.kind AS kind, c.street_id AS street_id, c.lat AS lat, c.lon AS lon,
  c.has_office AS has_office, c.has_funds AS has_funds, c.has_land AS has_land
ORDER BY c.id
