// One node by id, whatever its label: returns label, props, up to $limit neighbours {type, outgoing, id, label, name} and degree.
MATCH (n:Street {id: $id})
RETURN labels(n)[0] AS label, properties(n) AS props, [(n)-[r]-(m) | {type: type(r), outgoing: startNode(r) = n, id: m.id, label: labels(m)[0], name: m.name}][..$limit] AS neighbours, size([(n)--() | 1]) AS degree
UNION ALL
MATCH (n:Community {id: $id})
RETURN labels(n)[0] AS label, properties(n) AS props, [(n)-[r]-(m) | {type: type(r), outgoing: startNode(r) = n, id: m.id, label: labels(m)[0], name: m.name}][..$limit] AS neighbours, size([(n)--() | 1]) AS degree
UNION ALL
MATCH (n:ResidentGroup {id: $id})
RETURN labels(n)[0] AS label, properties(n) AS props, [(n)-[r]-(m) | {type: type(r), outgoing: startNode(r) = n, id: m.id, label: labels(m)[0], name: m.name}][..$limit] AS neighbours, size([(n)--() | 1]) AS degree
UNION ALL
MATCH (n:Building {id: $id})
RETURN labels(n)[0] AS label, properties(n) AS props, [(n)-[r]-(m) | {type: type(r), outgoing: startNode(r) = n, id: m.id, label: labels(m)[0], name: m.name}][..$limit] AS neighbours, size([(n)--() | 1]) AS degree
UNION ALL
MATCH (n:Household {id: $id})
RETURN labels(n)[0] AS label, properties(n) AS props, [(n)-[r]-(m) | {type: type(r), outgoing: startNode(r) = n, id: m.id, label: labels(m)[0], name: m.name}][..$limit] AS neighbours, size([(n)--() | 1]) AS degree
UNION ALL
MATCH (n:Member {id: $id})
RETURN labels(n)[0] AS label, properties(n) AS props, [(n)-[r]-(m) | {type: type(r), outgoing: startNode(r) = n, id: m.id, label: labels(m)[0], name: m.name}][..$limit] AS neighbours, size([(n)--() | 1]) AS degree
UNION ALL
MATCH (n:PartyOrg {id: $id})
RETURN labels(n)[0] AS label, properties(n) AS props, [(n)-[r]-(m) | {type: type(r), outgoing: startNode(r) = n, id: m.id, label: labels(m)[0], name: m.name}][..$limit] AS neighbours, size([(n)--() | 1]) AS degree
UNION ALL
MATCH (n:Unit {id: $id})
RETURN labels(n)[0] AS label, properties(n) AS props, [(n)-[r]-(m) | {type: type(r), outgoing: startNode(r) = n, id: m.id, label: labels(m)[0], name: m.name}][..$limit] AS neighbours, size([(n)--() | 1]) AS degree
UNION ALL
MATCH (n:Resource {id: $id})
RETURN labels(n)[0] AS label, properties(n) AS props, [(n)-[r]-(m) | {type: type(r), outgoing: startNode(r) = n, id: m.id, label: labels(m)[0], name: m.name}][..$limit] AS neighbours, size([(n)--() | 1]) AS degree
UNION ALL
MATCH (n:Need {id: $id})
RETURN labels(n)[0] AS label, properties(n) AS props, [(n)-[r]-(m) | {type: type(r), outgoing: startNode(r) = n, id: m.id, label: labels(m)[0], name: m.name}][..$limit] AS neighbours, size([(n)--() | 1]) AS degree
UNION ALL
MATCH (n:ServicePoint {id: $id})
RETURN labels(n)[0] AS label, properties(n) AS props, [(n)-[r]-(m) | {type: type(r), outgoing: startNode(r) = n, id: m.id, label: labels(m)[0], name: m.name}][..$limit] AS neighbours, size([(n)--() | 1]) AS degree
UNION ALL
MATCH (n:Project {id: $id})
RETURN labels(n)[0] AS label, properties(n) AS props, [(n)-[r]-(m) | {type: type(r), outgoing: startNode(r) = n, id: m.id, label: labels(m)[0], name: m.name}][..$limit] AS neighbours, size([(n)--() | 1]) AS degree
