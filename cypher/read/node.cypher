// One node by id, whatever its label, seen from scope $communities (null = all): returns label, visible, and when visible its props, up to $limit neighbours {type, outgoing, id, label, name} and degree.
MATCH (n:Street {id: $id})
WITH n, [(n)<-[:IN]-(c:Community) | c.id] AS cs
WITH n, $communities IS NULL OR any(c IN cs WHERE c IN $communities) AS visible
RETURN labels(n)[0] AS label, visible, CASE WHEN visible THEN properties(n) END AS props,
  CASE WHEN visible THEN [(n)-[r]-(m) | {type: type(r), outgoing: startNode(r) = n, id: m.id, label: labels(m)[0], name: m.name}][..$limit] ELSE [] END AS neighbours,
  size([(n)--() | 1]) AS degree
UNION ALL
MATCH (n:Community {id: $id})
WITH n, [n.id] AS cs
WITH n, $communities IS NULL OR any(c IN cs WHERE c IN $communities) AS visible
RETURN labels(n)[0] AS label, visible, CASE WHEN visible THEN properties(n) END AS props,
  CASE WHEN visible THEN [(n)-[r]-(m) | {type: type(r), outgoing: startNode(r) = n, id: m.id, label: labels(m)[0], name: m.name}][..$limit] ELSE [] END AS neighbours,
  size([(n)--() | 1]) AS degree
UNION ALL
MATCH (n:ResidentGroup {id: $id})
WITH n, [n.community_id] AS cs
WITH n, $communities IS NULL OR any(c IN cs WHERE c IN $communities) AS visible
RETURN labels(n)[0] AS label, visible, CASE WHEN visible THEN properties(n) END AS props,
  CASE WHEN visible THEN [(n)-[r]-(m) | {type: type(r), outgoing: startNode(r) = n, id: m.id, label: labels(m)[0], name: m.name}][..$limit] ELSE [] END AS neighbours,
  size([(n)--() | 1]) AS degree
UNION ALL
MATCH (n:Building {id: $id})
WITH n, [n.community_id] AS cs
WITH n, $communities IS NULL OR any(c IN cs WHERE c IN $communities) AS visible
RETURN labels(n)[0] AS label, visible, CASE WHEN visible THEN properties(n) END AS props,
  CASE WHEN visible THEN [(n)-[r]-(m) | {type: type(r), outgoing: startNode(r) = n, id: m.id, label: labels(m)[0], name: m.name}][..$limit] ELSE [] END AS neighbours,
  size([(n)--() | 1]) AS degree
UNION ALL
MATCH (n:Household {id: $id})
WITH n, [(n)-[:IN]->(b:Building) | b.community_id] AS cs
WITH n, $communities IS NULL OR any(c IN cs WHERE c IN $communities) AS visible
RETURN labels(n)[0] AS label, visible, CASE WHEN visible THEN properties(n) END AS props,
  CASE WHEN visible THEN [(n)-[r]-(m) | {type: type(r), outgoing: startNode(r) = n, id: m.id, label: labels(m)[0], name: m.name}][..$limit] ELSE [] END AS neighbours,
  size([(n)--() | 1]) AS degree
UNION ALL
MATCH (n:Member {id: $id})
WITH n, [(n)-[:LIVES_IN]->(:Household)-[:IN]->(b:Building) | b.community_id] + [(n)-[:MEMBER_OF|REGISTERED_AT]->(o:PartyOrg) | o.community_id] + [(n)-[:WORKS_AT]->(u:Unit) | u.community_id] AS cs
WITH n, $communities IS NULL OR any(c IN cs WHERE c IN $communities) AS visible
RETURN labels(n)[0] AS label, visible, CASE WHEN visible THEN properties(n) END AS props,
  CASE WHEN visible THEN [(n)-[r]-(m) | {type: type(r), outgoing: startNode(r) = n, id: m.id, label: labels(m)[0], name: m.name}][..$limit] ELSE [] END AS neighbours,
  size([(n)--() | 1]) AS degree
UNION ALL
MATCH (n:PartyOrg {id: $id})
WITH n, [n.community_id] + [(n)-[:OF]->(u:Unit) | u.community_id] + [(n)<-[:UNDER]-(c:PartyOrg) | c.community_id] + [(n)-[:UNDER]->(:PartyOrg)<-[:UNDER]-(s:PartyOrg) WHERE n.domain = 'joint' | s.community_id] AS cs
WITH n, $communities IS NULL OR any(c IN cs WHERE c IN $communities) AS visible
RETURN labels(n)[0] AS label, visible, CASE WHEN visible THEN properties(n) END AS props,
  CASE WHEN visible THEN [(n)-[r]-(m) | {type: type(r), outgoing: startNode(r) = n, id: m.id, label: labels(m)[0], name: m.name}][..$limit] ELSE [] END AS neighbours,
  size([(n)--() | 1]) AS degree
UNION ALL
MATCH (n:Unit {id: $id})
WITH n, [n.community_id] AS cs
WITH n, $communities IS NULL OR any(c IN cs WHERE c IN $communities) AS visible
RETURN labels(n)[0] AS label, visible, CASE WHEN visible THEN properties(n) END AS props,
  CASE WHEN visible THEN [(n)-[r]-(m) | {type: type(r), outgoing: startNode(r) = n, id: m.id, label: labels(m)[0], name: m.name}][..$limit] ELSE [] END AS neighbours,
  size([(n)--() | 1]) AS degree
UNION ALL
MATCH (n:Resource {id: $id})
WITH n, [(o)-[:OFFERS]->(n) | coalesce(o.community_id, o.id)] + [(n)-[:SHARED_WITH]->(c:Community) | c.id] AS cs
WITH n, $communities IS NULL OR any(c IN cs WHERE c IN $communities) AS visible
RETURN labels(n)[0] AS label, visible, CASE WHEN visible THEN properties(n) END AS props,
  CASE WHEN visible THEN [(n)-[r]-(m) | {type: type(r), outgoing: startNode(r) = n, id: m.id, label: labels(m)[0], name: m.name}][..$limit] ELSE [] END AS neighbours,
  size([(n)--() | 1]) AS degree
UNION ALL
MATCH (n:Need {id: $id})
WITH n, [n.community_id] AS cs
WITH n, $communities IS NULL OR any(c IN cs WHERE c IN $communities) AS visible
RETURN labels(n)[0] AS label, visible, CASE WHEN visible THEN properties(n) END AS props,
  CASE WHEN visible THEN [(n)-[r]-(m) | {type: type(r), outgoing: startNode(r) = n, id: m.id, label: labels(m)[0], name: m.name}][..$limit] ELSE [] END AS neighbours,
  size([(n)--() | 1]) AS degree
UNION ALL
MATCH (n:ServicePoint {id: $id})
WITH n, [n.community_id] AS cs
WITH n, $communities IS NULL OR any(c IN cs WHERE c IN $communities) AS visible
RETURN labels(n)[0] AS label, visible, CASE WHEN visible THEN properties(n) END AS props,
  CASE WHEN visible THEN [(n)-[r]-(m) | {type: type(r), outgoing: startNode(r) = n, id: m.id, label: labels(m)[0], name: m.name}][..$limit] ELSE [] END AS neighbours,
  size([(n)--() | 1]) AS degree
UNION ALL
MATCH (n:Project {id: $id})
WITH n, [(n)-[:UNDER]->(o:PartyOrg) | o.community_id] AS cs
WITH n, $communities IS NULL OR any(c IN cs WHERE c IN $communities) AS visible
RETURN labels(n)[0] AS label, visible, CASE WHEN visible THEN properties(n) END AS props,
  CASE WHEN visible THEN [(n)-[r]-(m) | {type: type(r), outgoing: startNode(r) = n, id: m.id, label: labels(m)[0], name: m.name}][..$limit] ELSE [] END AS neighbours,
  size([(n)--() | 1]) AS degree
