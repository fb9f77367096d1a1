// Which of $ids exist and whether each is visible from scope $communities (null = all), by the same rule as read/node (a write may name only ids its caller can read): returns id, label, visible, communities (those it belongs to, by that rule).
MATCH (n:Street) WHERE n.id IN $ids
WITH n, [(n)<-[:IN]-(c:Community) | c.id] AS cs
RETURN n.id AS id, labels(n)[0] AS label, $communities IS NULL OR any(c IN cs WHERE c IN $communities) AS visible, cs AS communities
UNION ALL
MATCH (n:Community) WHERE n.id IN $ids
WITH n, [n.id] AS cs
RETURN n.id AS id, labels(n)[0] AS label, $communities IS NULL OR any(c IN cs WHERE c IN $communities) AS visible, cs AS communities
UNION ALL
MATCH (n:ResidentGroup) WHERE n.id IN $ids
WITH n, [n.community_id] AS cs
RETURN n.id AS id, labels(n)[0] AS label, $communities IS NULL OR any(c IN cs WHERE c IN $communities) AS visible, cs AS communities
UNION ALL
MATCH (n:Building) WHERE n.id IN $ids
WITH n, [n.community_id] AS cs
RETURN n.id AS id, labels(n)[0] AS label, $communities IS NULL OR any(c IN cs WHERE c IN $communities) AS visible, cs AS communities
UNION ALL
MATCH (n:Household) WHERE n.id IN $ids
WITH n, [(n)-[:IN]->(b:Building) | b.community_id] AS cs
RETURN n.id AS id, labels(n)[0] AS label, $communities IS NULL OR any(c IN cs WHERE c IN $communities) AS visible, cs AS communities
UNION ALL
MATCH (n:Member) WHERE n.id IN $ids
WITH n, [(n)-[:LIVES_IN]->(:Household)-[:IN]->(b:Building) | b.community_id] + [(n)-[:MEMBER_OF|REGISTERED_AT]->(o:PartyOrg) | o.community_id] + [(n)-[:WORKS_AT]->(u:Unit) | u.community_id] AS cs
RETURN n.id AS id, labels(n)[0] AS label, $communities IS NULL OR any(c IN cs WHERE c IN $communities) AS visible, cs AS communities
UNION ALL
MATCH (n:PartyOrg) WHERE n.id IN $ids
WITH n, [n.community_id] + [(n)-[:OF]->(u:Unit) | u.community_id] + [(n)<-[:UNDER]-(c:PartyOrg) | c.community_id] + [(n)-[:UNDER]->(:PartyOrg)<-[:UNDER]-(s:PartyOrg) WHERE n.domain = 'joint' | s.community_id] AS cs
RETURN n.id AS id, labels(n)[0] AS label, $communities IS NULL OR any(c IN cs WHERE c IN $communities) AS visible, cs AS communities
UNION ALL
MATCH (n:Unit) WHERE n.id IN $ids
WITH n, [n.community_id] AS cs
RETURN n.id AS id, labels(n)[0] AS label, $communities IS NULL OR any(c IN cs WHERE c IN $communities) AS visible, cs AS communities
UNION ALL
MATCH (n:Resource) WHERE n.id IN $ids
WITH n, [(o)-[:OFFERS]->(n) | coalesce(o.community_id, o.id)] + [(n)-[:SHARED_WITH]->(c:Community) | c.id] AS cs
RETURN n.id AS id, labels(n)[0] AS label, $communities IS NULL OR any(c IN cs WHERE c IN $communities) AS visible, cs AS communities
UNION ALL
MATCH (n:Need) WHERE n.id IN $ids
WITH n, [n.community_id] AS cs
RETURN n.id AS id, labels(n)[0] AS label, $communities IS NULL OR any(c IN cs WHERE c IN $communities) AS visible, cs AS communities
UNION ALL
MATCH (n:ServicePoint) WHERE n.id IN $ids
WITH n, [n.community_id] AS cs
RETURN n.id AS id, labels(n)[0] AS label, $communities IS NULL OR any(c IN cs WHERE c IN $communities) AS visible, cs AS communities
UNION ALL
MATCH (n:Project) WHERE n.id IN $ids
WITH n, [(n)-[:UNDER]->(o:PartyOrg) | o.community_id] AS cs
RETURN n.id AS id, labels(n)[0] AS label, $communities IS NULL OR any(c IN cs WHERE c IN $communities) AS visible, cs AS communities
