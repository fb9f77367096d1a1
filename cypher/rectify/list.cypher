// Rectifications within $communities (null = all), narrowed to street $street_id, community $community_id and status $status (null = any): returns row (its properties), earliest due first.
MATCH (r:Rectification)
WHERE ($communities IS NULL OR r.community_id IN $communities)
  AND ($street_id IS NULL OR r.street_id = $street_id)
  AND ($community_id IS NULL OR r.community_id = $community_id)
  AND ($status IS NULL OR r.status = $status)
RETURN properties(r) AS row
ORDER BY r.due, r.id
