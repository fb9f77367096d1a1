// Rule 6 支部四进, counted: units with working members and no organisation OF them, where $min_members or more work there or one of them is not in a joint branch, per community, within $communities (null = all). Returns community_id, count (only communities with a gap; no order).
MATCH (c:Community)<-[:LOCATED_IN]-(u:Unit)
WHERE ($communities IS NULL OR c.id IN $communities) AND NOT (u)<-[:OF]-(:PartyOrg)
WITH c, u, [(u)<-[:WORKS_AT]-(:Member)-[:MEMBER_OF]->(o:PartyOrg) | o.domain] AS domains
WHERE size(domains) > 0 AND (size(domains) >= $min_members OR any(d IN domains WHERE d <> 'joint'))
RETURN c.id AS community_id, count(u) AS count
