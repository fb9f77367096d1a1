// link_members found from the communities' buildings first (for a short list $communities, not null): members living in $communities, the candidates to link households, one row per community. Returns community_id, members: per member [id, name, category, grid_id, building_id, links (households they link now)]; in no order.
MATCH (c:Community)<-[:IN]-(b:Building)<-[:IN]-(:Household)<-[:LIVES_IN]-(m:Member)
WHERE c.id IN $communities
RETURN c.id AS community_id,
  collect([m.id, m.name, m.category, b.resident_group_id, b.id, COUNT { (m)-[:LINKS]->(:Household) }]) AS members
