// Rule 10 三无居委, counted: communities lacking an office, funds or land, per community, within $communities (null = all). Returns community_id, count (1 for each such community; no order).
MATCH (c:Community)
WHERE ($communities IS NULL OR c.id IN $communities)
  AND NOT (c.has_office = true AND c.has_funds = true AND c.has_land = true)
RETURN c.id AS community_id, count(c) AS count
