// Unique id for every WriteLock (simultaneous MERGEs of one lock make one node); returns nothing.
CREATE CONSTRAINT write_lock_id IF NOT EXISTS FOR (n:WriteLock) REQUIRE n.id IS UNIQUE
