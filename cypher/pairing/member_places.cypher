// For each organisation in $org_ids: where its members (of it or its sub-organisations) live and work — returns org_id, communities (community ids of their homes, one per member living in one), units (unit ids of their workplaces, one per working member).
MATCH (o:PartyOrg)
WHERE o.id IN $org_ids
RETURN o.id AS org_id,
  [(o)<-[:UNDER*0..2]-(:PartyOrg)<-[:MEMBER_OF]-(:Member)-[:LIVES_IN]->(:Household)-[:IN]->(:Building)-[:IN]->(c:Community) | c.id] AS communities,
  [(o)<-[:UNDER*0..2]-(:PartyOrg)<-[:MEMBER_OF]-(:Member)-[:WORKS_AT]->(u:Unit) | u.id] AS units
ORDER BY org_id
