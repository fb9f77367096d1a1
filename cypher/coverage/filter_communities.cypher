// Community ids matching $street_id, $community_id and $grid_id (null = any; a grid stands for its community): returns id.
MATCH (c:Community)
WHERE ($street_id IS NULL OR c.street_id = $street_id)
  AND ($community_id IS NULL OR c.id = $community_id)
  AND ($grid_id IS NULL OR size([(c)<-[:IN]-(g:ResidentGroup) WHERE g.id = $grid_id | 1]) > 0)
RETURN c.id AS id
ORDER BY id
