// Rule 4 党员联户: households no member LINKS, within $communities (null = all) and grid $grid_id (null = any), one row per building (a city's hundreds of thousands of households travel as a few tens of thousands of rows). Returns community_id, grid_id, building_id, building_name and, in the same order, ids, sizes, flags (per household: which of the six household flags are true).
MATCH (c:Community)<-[:IN]-(b:Building)<-[:IN]-(h:Household)
WHERE ($communities IS NULL OR c.id IN $communities) AND ($grid_id IS NULL OR b.resident_group_id = $grid_id)
  AND NOT (h)<-[:LINKS]-(:Member)
WITH c, b, collect(h) AS hs
RETURN c.id AS community_id, b.resident_group_id AS grid_id, b.id AS building_id, b.name AS building_name,
  [h IN hs | h.id] AS ids, [h IN hs | h.size] AS sizes,
  [h IN hs | [k IN ['hardship', 'disabled', 'elderly_alone', 'low_income', 'separated', 'unemployed'] WHERE h[k] = true]] AS flags
