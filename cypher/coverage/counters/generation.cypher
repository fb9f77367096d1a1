// The coverage counters' generation (the WriteLock $lock's count of coverage writes; 0 before the first): counters counted from a graph read at one generation are stored only if it is still the same. Returns generation.
OPTIONAL MATCH (l:WriteLock {id: $lock})
RETURN coalesce(l.generation, 0) AS generation
