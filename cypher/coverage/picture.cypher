// The buildings of community $community_id (if within $communities, null = all) for the coverage picture: returns community_name, id, name, kind, lat, lon, households, coverers [{id, name, level, domain}], linkers [{id, name}] (one entry per household a member LINKS there).
MATCH (c:Community {id: $community_id})
WHERE $communities IS NULL OR c.id IN $communities
OPTIONAL MATCH (c)<-[:IN]-(b:Building)
WITH c, b
OPTIONAL MATCH (b)<-[:COVERS]-(o:PartyOrg)
WITH c, b, collect(DISTINCT CASE WHEN o IS NULL THEN null ELSE {id: o.id, name: o.name, level: o.level, domain: o.domain} END) AS coverers
OPTIONAL MATCH (b)<-[:IN]-(:Household)<-[:LINKS]-(m:Member)
WITH c, b, coverers, collect(CASE WHEN m IS NULL THEN null ELSE {id: m.id, name: m.name} END) AS linkers
OPTIONAL MATCH (b)<-[:IN]-(h:Household)
RETURN c.name AS community_name, b.id AS id, b.name AS name, b.kind AS kind, b.lat AS lat, b.lon AS lon,
  count(h) AS households, coverers, linkers
ORDER BY id
