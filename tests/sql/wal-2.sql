-- The WAL database of wal-1.sql reopened: the log is read back (the wal-index rebuilt), then
-- checkpointed and the database returned to DELETE mode.
PRAGMA journal_mode;
SELECT count(*), min(v), max(v) FROM w;
SELECT id, v FROM w ORDER BY id DESC LIMIT 3;
UPDATE w SET v = 'again' WHERE id = 5;
PRAGMA wal_checkpoint(TRUNCATE);
PRAGMA journal_mode = DELETE;
SELECT v FROM w WHERE id = 5;
PRAGMA integrity_check;
