// For communities $ids: the organisation leading each (committee, general branch or branch serving it), the street-level organisation above the street's community organisations, and that organisation's joint branches: returns community_id, community_name, street_id, lat, lon, org_id, street_org_id, joint_ids.
MATCH (c:Community)
WHERE c.id IN $ids
OPTIONAL MATCH (c)<-[:SERVES]-(o:PartyOrg)
WHERE o.level IN ['committee', 'general_branch', 'branch'] AND o.domain IN ['community', 'village']
WITH c, o ORDER BY CASE o.level WHEN 'committee' THEN 0 WHEN 'general_branch' THEN 1 ELSE 2 END, o.id
WITH c, collect(o.id) AS leads
OPTIONAL MATCH (c)-[:IN]->(:Street)<-[:IN]-(:Community)<-[:SERVES]-(:PartyOrg)-[:UNDER]->(s:PartyOrg)
WHERE s.level IN ['working_committee', 'committee'] AND s.community_id IS NULL
WITH c, leads, s ORDER BY s.id
WITH c, leads, collect(DISTINCT s.id) AS above
OPTIONAL MATCH (j:PartyOrg)-[:UNDER]->(t:PartyOrg)
WHERE j.domain = 'joint' AND t.id IN above
WITH c, leads, above, j ORDER BY j.id
RETURN c.id AS community_id, c.name AS community_name, c.street_id AS street_id, c.lat AS lat, c.lon AS lon,
  leads[0] AS org_id, above[0] AS street_org_id, collect(j.id) AS joint_ids
