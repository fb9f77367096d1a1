// Communities of street $street_id (null = all) within scope $communities (null = all), paged by $skip/$limit: returns id, name, kind, street, and counts of grids, buildings, households, resident members, organisations serving it, units.
MATCH (c:Community)
WHERE ($street_id IS NULL OR c.street_id = $street_id) AND ($communities IS NULL OR c.id IN $communities)
WITH c ORDER BY c.street_id, c.id SKIP $skip LIMIT $limit
OPTIONAL MATCH (c)-[:IN]->(s:Street)
RETURN c.id AS id, c.name AS name, c.kind AS kind, c.street_id AS street_id, s.name AS street_name,
  size([(c)<-[:IN]-(:ResidentGroup) | 1]) AS resident_groups,
  size([(c)<-[:IN]-(:Building) | 1]) AS buildings,
  size([(c)<-[:IN]-(:Building)<-[:IN]-(:Household) | 1]) AS households,
  size([(c)<-[:IN]-(:Building)<-[:IN]-(:Household)<-[:LIVES_IN]-(:Member) | 1]) AS resident_members,
  size([(c)<-[:SERVES]-(:PartyOrg) | 1]) AS orgs,
  size([(c)<-[:LOCATED_IN]-(:Unit) | 1]) AS units
