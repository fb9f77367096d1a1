// The Rectification $id if its community is within $communities (null = all): returns row (its properties).
MATCH (r:Rectification {id: $id})
WHERE $communities IS NULL OR r.community_id IN $communities
RETURN properties(r) AS row
