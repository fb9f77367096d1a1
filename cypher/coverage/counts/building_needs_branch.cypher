// Rule 3 支部进楼宇, counted: buildings where more than $threshold members live and no building branch COVERS them, per community, within $communities (null = all) and grid $grid_id (null = any). Returns community_id, count (only communities with a gap; no order).
MATCH (c:Community)<-[:IN]-(b:Building)
WHERE ($communities IS NULL OR c.id IN $communities) AND ($grid_id IS NULL OR b.resident_group_id = $grid_id)
  AND size([(b)<-[:IN]-(:Household)<-[:LIVES_IN]-(:Member) | 1]) > $threshold
  AND size([(b)<-[:COVERS]-(o:PartyOrg) WHERE o.domain = 'building' | 1]) = 0
RETURN c.id AS community_id, count(b) AS count
