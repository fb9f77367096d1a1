// Units in $communities (null = all) that OFFER a venue or an office, the default candidate sites for new service points: returns id, name, community_id, lat, lon, offers (the resource kinds).
MATCH (c:Community)<-[:LOCATED_IN]-(u:Unit)-[:OFFERS]->(r:Resource)
WHERE ($communities IS NULL OR c.id IN $communities) AND r.kind IN ['venue', 'office']
RETURN u.id AS id, u.name AS name, c.id AS community_id, u.lat AS lat, u.lon AS lon, collect(DISTINCT r.kind) AS offers
ORDER BY id
