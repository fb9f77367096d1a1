// Rule 2 党小组联幢, counted: residential and mixed buildings no Party group (nor building branch) COVERS, per community, within $communities (null = all) and grid $grid_id (null = any). Returns community_id, count (only communities with a gap; no order).
MATCH (c:Community)<-[:IN]-(b:Building)
WHERE ($communities IS NULL OR c.id IN $communities) AND ($grid_id IS NULL OR b.resident_group_id = $grid_id)
  AND b.kind IN ['residential', 'mixed']
  AND size([(b)<-[:COVERS]-(o:PartyOrg) WHERE o.level = 'group' OR o.domain = 'building' | 1]) = 0
RETURN c.id AS community_id, count(b) AS count
