// Baseline loader (no validation, CREATE only): streets. $rows.
UNWIND $rows AS row
CREATE (n:Street)
SET n = row
