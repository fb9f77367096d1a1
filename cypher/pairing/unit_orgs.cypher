// Unit Party organisations (the top one of each unit, not a group) whose unit is located in a community of $kinds, in streets $street_ids / districts $districts, organisations $org_ids (null = any) and $communities (null = all): returns id, name, unit_id, unit_name, unit_kind, community_id, community_name, street_id, street_name, district, lat, lon (the unit's, else its community's), offers (resource kinds of the unit and the organisation), skills (one list per member of it or its sub-organisations).
MATCH (o:PartyOrg)-[:OF]->(u:Unit)-[:LOCATED_IN]->(c:Community)-[:IN]->(s:Street)
WHERE c.kind IN $kinds
  AND ($street_ids IS NULL OR s.id IN $street_ids)
  AND ($districts IS NULL OR s.district IN $districts)
  AND ($communities IS NULL OR c.id IN $communities)
  AND ($org_ids IS NULL OR o.id IN $org_ids)
  AND o.level <> 'group'
  AND NOT (o)-[:UNDER]->(:PartyOrg)-[:OF]->(u)
RETURN o.id AS id, o.name AS name, u.id AS unit_id, u.name AS unit_name, u.kind AS unit_kind,
  c.id AS community_id, c.name AS community_name, s.id AS street_id, s.name AS street_name, s.district AS district,
  coalesce(u.lat, c.lat) AS lat, coalesce(u.lon, c.lon) AS lon,
  [(u)-[:OFFERS]->(r:Resource) | r.kind] + [(o)-[:OFFERS]->(r:Resource) | r.kind] AS offers,
  [(o)<-[:UNDER*0..2]-(:PartyOrg)<-[:MEMBER_OF]-(m:Member) | coalesce(m.skills, [])] AS skills
ORDER BY id
