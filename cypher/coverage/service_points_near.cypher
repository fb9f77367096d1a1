// Service points of the kinds $kinds inside the box $south..$north, $west..$east (any community: a point next door serves too): returns id, name, kind, community_id, lat, lon.
MATCH (p:ServicePoint)
WHERE p.kind IN $kinds AND p.lat >= $south AND p.lat <= $north AND p.lon >= $west AND p.lon <= $east
RETURN p.id AS id, p.name AS name, p.kind AS kind, p.community_id AS community_id, p.lat AS lat, p.lon AS lon
ORDER BY id
