// Current pairings (PAIRED_WITH of either kind without ended_at) between Party organisations, both ends in $ids (null = all): returns source, target, id, kind, since, themes.
MATCH (a:PartyOrg)-[p:PAIRED_WITH]->(b:PartyOrg)
WHERE p.ended_at IS NULL AND ($ids IS NULL OR (a.id IN $ids AND b.id IN $ids))
RETURN a.id AS source, b.id AS target, p.id AS id, p.kind AS kind, p.since AS since, p.themes AS themes
