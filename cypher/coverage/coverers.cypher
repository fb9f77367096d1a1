// Coverage edges around leaving members $member_ids and organisations $org_ids, within $communities (null = all): every LINKS/HELPS into the households those members reach, every qualifying COVERS (group or building branch) into the buildings those organisations cover. Returns source, target, type, building_id, community_id.
MATCH (x:Member)-[:LINKS|HELPS]->(h:Household)-[:IN]->(b:Building)
WHERE x.id IN $member_ids AND ($communities IS NULL OR b.community_id IN $communities)
MATCH (h)<-[r:LINKS|HELPS]-(m:Member)
RETURN DISTINCT m.id AS source, h.id AS target, type(r) AS type, b.id AS building_id, b.community_id AS community_id
UNION
MATCH (x:PartyOrg)-[:COVERS]->(b:Building)
WHERE x.id IN $org_ids AND (x.level = 'group' OR x.domain = 'building')
  AND ($communities IS NULL OR b.community_id IN $communities)
MATCH (b)<-[r:COVERS]-(o:PartyOrg)
WHERE o.level = 'group' OR o.domain = 'building'
RETURN DISTINCT o.id AS source, b.id AS target, type(r) AS type, b.id AS building_id, b.community_id AS community_id
