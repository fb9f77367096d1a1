// Unique hash for every API key (the lookup on every request); returns nothing.
CREATE CONSTRAINT api_key_hash IF NOT EXISTS FOR (n:ApiKey) REQUIRE n.hash IS UNIQUE
