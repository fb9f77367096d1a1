// Sets $changes (a map of Rectification properties) on Rectification $id: returns row (its properties after).
MATCH (r:Rectification {id: $id})
SET r += $changes
RETURN properties(r) AS row
