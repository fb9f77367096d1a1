// Rule 4 党员联户: households no member LINKS, within $communities (null = all) and grid $grid_id (null = any). Returns id, community_id, grid_id, building_id, building_name, size, flags (which of the six household flags are true). Rows are kept narrow (street and community names come apart): a city has hundreds of thousands.
MATCH (c:Community)<-[:IN]-(b:Building)<-[:IN]-(h:Household)
WHERE ($communities IS NULL OR c.id IN $communities) AND ($grid_id IS NULL OR b.resident_group_id = $grid_id)
  AND NOT (h)<-[:LINKS]-(:Member)
RETURN h.id AS id, c.id AS community_id, b.resident_group_id AS grid_id, b.id AS building_id, b.name AS building_name, h.size AS size,
  [k IN ['hardship', 'disabled', 'elderly_alone', 'low_income', 'separated', 'unemployed'] WHERE h[k] = true] AS flags
ORDER BY id
