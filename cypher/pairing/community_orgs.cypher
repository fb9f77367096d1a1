// Each community's own Party organisation (not a group or a sub-organisation serving the same community) for communities of $kinds, in streets $street_ids / districts $districts, organisations $org_ids (null = any) and $communities (null = all): returns id, name, community_id, community_name, community_kind, street_id, street_name, district, lat, lon, offers (resource kinds of the community and the organisation), needs (need kinds of the community), skills (one list per member of it or its sub-organisations).
MATCH (o:PartyOrg)-[:SERVES]->(c:Community)-[:IN]->(s:Street)
WHERE c.kind IN $kinds
  AND ($street_ids IS NULL OR s.id IN $street_ids)
  AND ($districts IS NULL OR s.district IN $districts)
  AND ($communities IS NULL OR c.id IN $communities)
  AND ($org_ids IS NULL OR o.id IN $org_ids)
  AND o.domain IN ['community', 'village'] AND o.level <> 'group'
  AND NOT (o)-[:UNDER]->(:PartyOrg)-[:SERVES]->(c)
RETURN o.id AS id, o.name AS name, c.id AS community_id, c.name AS community_name, c.kind AS community_kind,
  s.id AS street_id, s.name AS street_name, s.district AS district, c.lat AS lat, c.lon AS lon,
  [(c)-[:OFFERS]->(r:Resource) | r.kind] + [(o)-[:OFFERS]->(r:Resource) | r.kind] AS offers,
  [(c)-[:NEEDS]->(n:Need) | n.kind] AS needs,
  [(o)<-[:UNDER*0..2]-(:PartyOrg)<-[:MEMBER_OF]-(m:Member) | coalesce(m.skills, [])] AS skills
ORDER BY id
