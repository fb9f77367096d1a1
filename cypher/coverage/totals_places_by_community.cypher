// Coverage summary denominators over places, per community, within $communities (null = all) and grid $grid_id (null = any): returns community_id, name, communities (1), residential_buildings, households, vulnerable_households (a flag in $vulnerable), units_with_members — totals_places one row per community, so a summary can be added up from its communities' parts.
MATCH (c:Community)
WHERE $communities IS NULL OR c.id IN $communities
RETURN c.id AS community_id, c.name AS name, count(c) AS communities,
  sum(size([(c)<-[:IN]-(b:Building) WHERE ($grid_id IS NULL OR b.resident_group_id = $grid_id)
    AND b.kind IN ['residential', 'mixed'] | 1])) AS residential_buildings,
  sum(size([(c)<-[:IN]-(b:Building)<-[:IN]-(:Household) WHERE $grid_id IS NULL OR b.resident_group_id = $grid_id | 1])) AS households,
  sum(size([(c)<-[:IN]-(b:Building)<-[:IN]-(h:Household) WHERE ($grid_id IS NULL OR b.resident_group_id = $grid_id)
    AND any(k IN $vulnerable WHERE h[k] = true) | 1])) AS vulnerable_households,
  sum(size([(c)<-[:LOCATED_IN]-(u:Unit) WHERE size([(u)<-[:WORKS_AT]-(:Member) | 1]) > 0 | 1])) AS units_with_members
