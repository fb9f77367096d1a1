// Party groups (level 'group') serving $communities (null = all), with their community's place and the places of the buildings they cover: returns id, name, community_id, community_lat, community_lon, buildings [[lat, lon]].
MATCH (g:PartyOrg)-[:SERVES]->(c:Community)
WHERE g.level = 'group' AND ($communities IS NULL OR c.id IN $communities)
RETURN g.id AS id, g.name AS name, c.id AS community_id, c.lat AS community_lat, c.lon AS community_lon,
  [(g)-[:COVERS]->(b:Building) | [b.lat, b.lon]] AS buildings
ORDER BY id
