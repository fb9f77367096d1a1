// Resources whose owner belongs to a community in $communities (null = all) — a unit's or community's own, an organisation's (or its unit's), or for a committee those of the organisations under it: returns id, kind, capacity, description, owner_id, owner_label, owner_name, owner_lat, owner_lon, homes (community ids), owner_orgs (the PartyOrgs that pair for the owner), sharings [{community_id, units, active}], ordered by id. Owners are found from the communities first (a street reads only its own), then checked as before.
CALL () {
  MATCH (owner:Community) WHERE $communities IS NULL OR owner.id IN $communities RETURN owner
  UNION
  MATCH (owner:Unit) WHERE $communities IS NULL OR owner.community_id IN $communities RETURN owner
  UNION
  MATCH (owner:PartyOrg) WHERE $communities IS NULL OR owner.community_id IN $communities RETURN owner
  UNION
  MATCH (owner:PartyOrg)-[:OF]->(u:Unit) WHERE $communities IS NULL OR u.community_id IN $communities RETURN owner
  UNION
  MATCH (owner:PartyOrg)<-[:UNDER]-(ch:PartyOrg) WHERE $communities IS NULL OR ch.community_id IN $communities RETURN owner
}
MATCH (owner)-[:OFFERS]->(r:Resource)
OPTIONAL MATCH (owner)-[:OF]->(ou:Unit)
WITH r, owner, ou, labels(owner) AS labels,
  coalesce(owner.community_id, ou.community_id, CASE WHEN 'Community' IN labels(owner) THEN owner.id END) AS home
WITH r, owner, ou, labels, CASE WHEN home IS NULL
    THEN [(owner)<-[:UNDER]-(ch:PartyOrg) WHERE ch.community_id IS NOT NULL | ch.community_id]
    ELSE [home] END AS homes
WHERE $communities IS NULL OR any(h IN homes WHERE h IN $communities)
RETURN r.id AS id, r.kind AS kind, r.capacity AS capacity, r.description AS description,
  owner.id AS owner_id, labels[0] AS owner_label, owner.name AS owner_name,
  coalesce(owner.lat, ou.lat) AS owner_lat, coalesce(owner.lon, ou.lon) AS owner_lon, homes,
  [(owner)<-[:OF]-(po:PartyOrg) | po.id] + [(owner)<-[:SERVES]-(po:PartyOrg) WHERE po.domain <> 'building' | po.id]
    + CASE WHEN 'PartyOrg' IN labels THEN [owner.id] ELSE [] END AS owner_orgs,
  [(r)-[s:SHARED_WITH]->(c:Community) | {community_id: c.id, units: coalesce(s.units, r.capacity), active: s.ended_at IS NULL}] AS sharings
ORDER BY r.id
