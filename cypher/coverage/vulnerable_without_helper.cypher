// Rule 5 一帮一: households with any flag in $vulnerable (e.g. ['hardship', 'disabled', 'elderly_alone']) that no member HELPS, within $communities (null = all) and grid $grid_id (null = any), one row per community (the driver spends ~20 µs on each row it hands over). Returns community_id, buildings: per building [grid_id, building_id, building_name, households], per household [id, size, flags]; flags is a bit mask of the six household flags (1 hardship, 2 disabled, 4 elderly_alone, 8 low_income, 16 separated, 32 unemployed).
MATCH (c:Community)<-[:IN]-(b:Building)<-[:IN]-(h:Household)
WHERE ($communities IS NULL OR c.id IN $communities) AND ($grid_id IS NULL OR b.resident_group_id = $grid_id)
  AND any(k IN $vulnerable WHERE h[k] = true) AND NOT (h)<-[:HELPS]-(:Member)
WITH c, b, collect([h.id, h.size,
  CASE WHEN h.hardship = true THEN 1 ELSE 0 END + CASE WHEN h.disabled = true THEN 2 ELSE 0 END
  + CASE WHEN h.elderly_alone = true THEN 4 ELSE 0 END + CASE WHEN h.low_income = true THEN 8 ELSE 0 END
  + CASE WHEN h.separated = true THEN 16 ELSE 0 END + CASE WHEN h.unemployed = true THEN 32 ELSE 0 END]) AS hs
RETURN c.id AS community_id, collect([b.resident_group_id, b.id, b.name, hs]) AS buildings
