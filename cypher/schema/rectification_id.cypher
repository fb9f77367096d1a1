// Unique id for every Rectification (整改); returns nothing.
CREATE CONSTRAINT rectification_id IF NOT EXISTS FOR (n:Rectification) REQUIRE n.id IS UNIQUE
