// Every street with its community count: returns id, name, district, city, communities.
MATCH (s:Street)
RETURN s.id AS id, s.name AS name, s.district AS district, s.city AS city,
  size([(s)<-[:IN]-(:Community) | 1]) AS communities
ORDER BY s.id
