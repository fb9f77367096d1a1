// Rule 10 三无居委: communities lacking an office, funds or land (has_office, has_funds, has_land not all true), within $communities (null = all). Returns id, name, street_id, community_id, community_name, grid_id, has_office, has_funds, has_land.
MATCH (c:Community)
WHERE ($communities IS NULL OR c.id IN $communities)
  AND NOT (c.has_office = true AND c.has_funds = true AND c.has_land = true)
RETURN c.id AS id, c.name AS name, c.street_id AS street_id, c.id AS community_id, c.name AS community_name,
  null AS grid_id, coalesce(c.has_office, false) AS has_office, coalesce(c.has_funds, false) AS has_funds,
  coalesce(c.has_land, false) AS has_land
ORDER BY id
