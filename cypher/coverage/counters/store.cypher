// Keeps the counted parts $parts (id, community_id, part) for the parameters $params, unless a coverage write came since they were counted (the generation of the WriteLock $lock is no longer $generation). Taking the lock makes this and such a write unable to both commit. Returns stored (0 when not kept).
MERGE (l:WriteLock {id: $lock})
SET l.n = coalesce(l.n, 0) + 1
WITH l
WHERE coalesce(l.generation, 0) = $generation
UNWIND $parts AS p
MERGE (c:CoverageCounter {id: p.id})
SET c.community_id = p.community_id, c.params = $params, c.part = p.part
RETURN count(c) AS stored
