// Buildings among $ids: returns id, name, kind, community_id, lat, lon, group_ids (groups and building branches that COVER it).
MATCH (b:Building)
WHERE b.id IN $ids
RETURN b.id AS id, b.name AS name, b.kind AS kind, b.community_id AS community_id, b.lat AS lat, b.lon AS lon,
  [(b)<-[:COVERS]-(o:PartyOrg) WHERE o.level = 'group' OR o.domain = 'building' | o.id] AS group_ids
