// Members who tie organisations: for each member with a REGISTERED_AT or SITS_ON tie, the organisations in $ids (null = all) they are MEMBER_OF, REGISTERED_AT or SITS_ON, when two or more (members are found from the organisations in $ids, so a street reads only its own): returns ties [{org, type, kind}] (no personal data).
MATCH (o0:PartyOrg)<-[:MEMBER_OF|REGISTERED_AT|SITS_ON]-(m:Member)
WHERE ($ids IS NULL OR o0.id IN $ids) AND (m)-[:REGISTERED_AT|SITS_ON]->(:PartyOrg)
WITH DISTINCT m
MATCH (m)-[r:MEMBER_OF|REGISTERED_AT|SITS_ON]->(o:PartyOrg)
WHERE $ids IS NULL OR o.id IN $ids
WITH m, collect({org: o.id, type: type(r), kind: r.kind}) AS ties
WHERE size(ties) > 1
RETURN ties
