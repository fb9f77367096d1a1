// Creates one Rectification (整改) from $row {id, rule, target_id, target_name, community_id, community_name, street_id, grid_id, org_id, org_name, person, due, status, note, created_at, created_by, updated_at, updated_by}. Returns row (its properties).
CREATE (r:Rectification)
SET r = $row
RETURN properties(r) AS row
