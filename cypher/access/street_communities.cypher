// The communities IN street $id: returns found (false if no such street) and communities (ids).
OPTIONAL MATCH (s:Street {id: $id})
RETURN s IS NOT NULL AS found, [(s)<-[:IN]-(c:Community) | c.id] AS communities
