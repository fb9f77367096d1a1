// Rule 5 一帮一, counted: households with any flag in $vulnerable that no member HELPS, per community, within $communities (null = all) and grid $grid_id (null = any). Returns community_id, count (only communities with a gap; no order).
MATCH (c:Community)<-[:IN]-(b:Building)<-[:IN]-(h:Household)
WHERE ($communities IS NULL OR c.id IN $communities) AND ($grid_id IS NULL OR b.resident_group_id = $grid_id)
  AND any(k IN $vulnerable WHERE h[k] = true) AND NOT (h)<-[:HELPS]-(:Member)
RETURN c.id AS community_id, count(h) AS count
