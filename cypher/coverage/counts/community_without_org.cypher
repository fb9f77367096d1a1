// Rule 1 一居一支部, counted: communities that no Party organisation SERVES, per community, within $communities (null = all). Returns community_id, count (1 for each such community; no order).
MATCH (c:Community)
WHERE ($communities IS NULL OR c.id IN $communities) AND NOT (c)<-[:SERVES]-(:PartyOrg)
RETURN c.id AS community_id, count(c) AS count
