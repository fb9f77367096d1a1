// Whether the graph holds any PAIRED_WITH relationship: returns id (one row at most; none when there is no pairing).
MATCH (:PartyOrg)-[r:PAIRED_WITH]->(:PartyOrg)
RETURN r.id AS id
LIMIT 1
