// Inside a coverage write: drops the coverage counters of the communities $communities (null = all) and the part of the members placed in no community, and starts a new generation of the WriteLock $lock (counters counted before this write are not stored after it). Returns generation.
MERGE (l:WriteLock {id: $lock})
SET l.n = coalesce(l.n, 0) + 1, l.generation = coalesce(l.generation, 0) + 1
WITH l
OPTIONAL MATCH (c:CoverageCounter)
WHERE $communities IS NULL OR c.community_id IN $communities OR c.community_id = ''
DETACH DELETE c
RETURN DISTINCT l.generation AS generation
