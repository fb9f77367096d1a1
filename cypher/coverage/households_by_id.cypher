// Households among $ids with their building's community: returns id, building_id, community_id.
MATCH (h:Household)-[:IN]->(b:Building)
WHERE h.id IN $ids
RETURN h.id AS id, b.id AS building_id, b.community_id AS community_id
