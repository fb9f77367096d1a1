// Current pairings (PAIRED_WITH without ended_at) of kind $kind (null = both) with an end in $communities (null = all), each end placed at its unit's coordinates or its community's: returns id, kind, since, themes, org_a, name_a, community_a, lat_a, lon_a, org_b, name_b, community_b, lat_b, lon_b.
MATCH (a:PartyOrg)-[p:PAIRED_WITH]->(b:PartyOrg)
WHERE p.ended_at IS NULL AND ($kind IS NULL OR p.kind = $kind)
OPTIONAL MATCH (a)-[:OF]->(ua:Unit)
OPTIONAL MATCH (b)-[:OF]->(ub:Unit)
OPTIONAL MATCH (ca:Community {id: coalesce(a.community_id, ua.community_id)})
OPTIONAL MATCH (cb:Community {id: coalesce(b.community_id, ub.community_id)})
WITH p, a, b, ua, ub, ca, cb
WHERE ca IS NOT NULL AND cb IS NOT NULL AND ($communities IS NULL OR ca.id IN $communities OR cb.id IN $communities)
RETURN p.id AS id, p.kind AS kind, p.since AS since, p.themes AS themes,
  a.id AS org_a, a.name AS name_a, ca.id AS community_a, coalesce(ua.lat, ca.lat) AS lat_a, coalesce(ua.lon, ca.lon) AS lon_a,
  b.id AS org_b, b.name AS name_b, cb.id AS community_b, coalesce(ub.lat, cb.lat) AS lat_b, coalesce(ub.lon, cb.lon) AS lon_b
ORDER BY id
