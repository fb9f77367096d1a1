// Coverage snapshot rows, oldest first, of the places at levels $levels in street $street_id, community $community_id and grid $grid_id (null = any), seen from scope $communities (null = all: a row shows only if every community it sums is in scope), taken at or after $since (ISO text, null = ever). Returns row (its properties).
MATCH (n:CoverageSnapshot)
WHERE n.level IN $levels
  AND ($street_id IS NULL OR n.street_id = $street_id)
  AND ($community_id IS NULL OR n.community_id = $community_id)
  AND ($grid_id IS NULL OR n.place_id = $grid_id)
  AND ($since IS NULL OR n.taken_at >= $since)
  AND ($communities IS NULL OR all(c IN n.communities WHERE c IN $communities))
RETURN properties(n) AS row
ORDER BY n.taken_at, n.level, n.place_id
