-- WAL journal mode: set (it persists in the file), written, checkpointed in part.
PRAGMA journal_mode = WAL;
CREATE TABLE w(id INTEGER PRIMARY KEY, v TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
INSERT INTO w(v) SELECT printf('%08d', i * 37) FROM n;
PRAGMA wal_checkpoint(TRUNCATE);
BEGIN;
UPDATE w SET v = 'updated' WHERE id % 100 = 0;
COMMIT;
BEGIN;
DELETE FROM w WHERE id < 1000;
ROLLBACK;
INSERT INTO w(v) VALUES ('last in the wal');
SELECT count(*), min(v), max(v) FROM w;
PRAGMA integrity_check;
