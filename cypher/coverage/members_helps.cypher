// Members among $ids: returns id, category, household_ids (households they HELP).
MATCH (m:Member)
WHERE m.id IN $ids
RETURN m.id AS id, m.category AS category, [(m)-[:HELPS]->(h:Household) | h.id] AS household_ids
