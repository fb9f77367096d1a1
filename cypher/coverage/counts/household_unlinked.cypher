// Rule 4 党员联户, counted: households no member LINKS, per community, within $communities (null = all) and grid $grid_id (null = any). Returns community_id, count (only communities with a gap; no order: nothing is sorted to count).
MATCH (c:Community)<-[:IN]-(b:Building)<-[:IN]-(h:Household)
WHERE ($communities IS NULL OR c.id IN $communities) AND ($grid_id IS NULL OR b.resident_group_id = $grid_id)
  AND NOT (h)<-[:LINKS]-(:Member)
RETURN c.id AS community_id, count(h) AS count
