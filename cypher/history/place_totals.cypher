// Coverage denominators per community and grid within $communities (null = all): one row per (community, grid of its buildings; grid null for buildings in none, or for a community with no buildings). $vulnerable: household flags. Returns street_id, community_id, community_name, grid_id, residential_buildings, households, vulnerable_households, units_with_members (the community's, repeated on each of its rows).
MATCH (c:Community)
WHERE $communities IS NULL OR c.id IN $communities
OPTIONAL MATCH (c)<-[:IN]-(b:Building)
WITH c, b.resident_group_id AS grid_id,
  sum(CASE WHEN b.kind IN ['residential', 'mixed'] THEN 1 ELSE 0 END) AS residential_buildings,
  sum(CASE WHEN b IS NULL THEN 0 ELSE size([(b)<-[:IN]-(:Household) | 1]) END) AS households,
  sum(CASE WHEN b IS NULL THEN 0
    ELSE size([(b)<-[:IN]-(h:Household) WHERE any(k IN $vulnerable WHERE h[k] = true) | 1]) END) AS vulnerable_households
RETURN c.street_id AS street_id, c.id AS community_id, c.name AS community_name, grid_id,
  residential_buildings, households, vulnerable_households,
  size([(c)<-[:LOCATED_IN]-(u:Unit) WHERE size([(u)<-[:WORKS_AT]-(:Member) | 1]) > 0 | 1]) AS units_with_members
ORDER BY community_id, grid_id
