// Rule 1 一居一支部: communities that no Party organisation SERVES, within $communities (null = all). Returns id, name, street_id, community_id, community_name, grid_id, lat, lon, buildings, resident_members.
MATCH (c:Community)
WHERE ($communities IS NULL OR c.id IN $communities) AND NOT (c)<-[:SERVES]-(:PartyOrg)
RETURN c.id AS id, c.name AS name, c.street_id AS street_id, c.id AS community_id, c.name AS community_name,
  null AS grid_id, c.lat AS lat, c.lon AS lon,
  size([(c)<-[:IN]-(:Building) | 1]) AS buildings,
  size([(c)<-[:IN]-(:Building)<-[:IN]-(:Household)<-[:LIVES_IN]-(:Member) | 1]) AS resident_members
ORDER BY id
