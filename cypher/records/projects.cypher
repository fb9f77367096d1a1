// Projects under an organisation of a community in $communities (null = all; a unit's organisation counts for the unit's community), filtered by $id, $year and $street_id: returns project (its properties) and org_ids (the organisations it is UNDER), ordered by id.
MATCH (n:Project)
WHERE ($id IS NULL OR n.id = $id) AND ($year IS NULL OR n.year = $year)
WITH n, [(n)-[:UNDER]->(o:PartyOrg) | o.id] AS org_ids,
  [(n)-[:UNDER]->(o:PartyOrg) WHERE o.community_id IS NOT NULL | o.community_id]
  + [(n)-[:UNDER]->(:PartyOrg)-[:OF]->(u:Unit) | u.community_id] AS comms
WHERE ($communities IS NULL OR any(c IN comms WHERE c IN $communities))
  AND ($street_id IS NULL OR size([(s:Street {id: $street_id})<-[:IN]-(c:Community) WHERE c.id IN comms | 1]) > 0)
RETURN properties(n) AS project, org_ids
ORDER BY n.id
