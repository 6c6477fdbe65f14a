-- DELETE journal mode (the default): changes committed in this process, read back by the next.
PRAGMA journal_mode;
CREATE TABLE log(id INTEGER PRIMARY KEY, msg TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)
INSERT INTO log(msg) SELECT 'message ' || i FROM n;
BEGIN;
UPDATE log SET msg = upper(msg) WHERE id % 2 = 0;
DELETE FROM log WHERE id > 1400;
COMMIT;
BEGIN;
DELETE FROM log;
ROLLBACK;
SELECT count(*), max(id), min(msg), max(msg) FROM log;
PRAGMA integrity_check;
