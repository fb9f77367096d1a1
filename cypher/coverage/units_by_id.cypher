// Units among $ids: returns id, name, community_id, lat, lon, org_ids (organisations OF it).
MATCH (u:Unit)
WHERE u.id IN $ids
RETURN u.id AS id, u.name AS name, u.community_id AS community_id, u.lat AS lat, u.lon AS lon,
  [(u)<-[:OF]-(o:PartyOrg) | o.id] AS org_ids
