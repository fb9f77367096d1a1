// Current shared resources (SHARED_WITH without ended_at): an organisation (or the unit it is the organisation OF) OFFERS a resource shared with a community whose top serving organisation is another; both ends in $ids (null = all; the served end is filtered first, so a street reads only its own communities' sharings): returns source (offering), target (served), resource_id, resource_kind.
MATCH (b:PartyOrg)-[:SERVES]->(c:Community)<-[s:SHARED_WITH]-(r:Resource)
WHERE ($ids IS NULL OR b.id IN $ids) AND s.ended_at IS NULL AND NOT (b)-[:UNDER]->(:PartyOrg)-[:SERVES]->(c)
MATCH (owner)-[:OFFERS]->(r)
UNWIND CASE WHEN owner:PartyOrg THEN [owner.id] ELSE [(owner)<-[:OF]-(uo:PartyOrg) | uo.id] END AS source
WITH source, b, r
WHERE $ids IS NULL OR source IN $ids
RETURN source, b.id AS target, r.id AS resource_id, r.kind AS resource_kind
