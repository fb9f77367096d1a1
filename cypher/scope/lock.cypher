// Takes the write lock $key for the rest of this transaction (a WriteLock node, made on first use, its counter bumped): two transactions that take the same key cannot both commit, so the later one retries and sees the earlier one's write. Returns n (how often the key was taken).
MERGE (l:WriteLock {id: $key})
SET l.n = coalesce(l.n, 0) + 1
RETURN l.n AS n
