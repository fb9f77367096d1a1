// Unique id for every ResidentGroup; returns nothing.
CREATE CONSTRAINT resident_group_id IF NOT EXISTS FOR (n:ResidentGroup) REQUIRE n.id IS UNIQUE
