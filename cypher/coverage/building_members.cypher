// Members living in each of the buildings $ids (who could form a new Party group there): returns building_id, member_ids.
MATCH (b:Building)<-[:IN]-(:Household)<-[:LIVES_IN]-(m:Member)
WHERE b.id IN $ids
WITH b, m ORDER BY m.id
RETURN b.id AS building_id, collect(m.id) AS member_ids
