// Rectifications of gap $target_id under rule $rule not yet done: returns id, status.
MATCH (r:Rectification)
WHERE r.rule = $rule AND r.target_id = $target_id AND r.status <> 'done'
RETURN r.id AS id, r.status AS status
