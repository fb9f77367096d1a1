// Unique id for every ServicePoint; returns nothing.
CREATE CONSTRAINT service_point_id IF NOT EXISTS FOR (n:ServicePoint) REQUIRE n.id IS UNIQUE
