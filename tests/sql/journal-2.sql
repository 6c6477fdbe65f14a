-- The database of journal-1.sql reopened by a new process.
PRAGMA journal_mode;
SELECT count(*), max(id), min(msg), max(msg) FROM log;
SELECT msg FROM log WHERE id IN (1, 2, 1400) ORDER BY id;
INSERT INTO log(msg) VALUES ('reopened');
SELECT id, msg FROM log ORDER BY id DESC LIMIT 2;
PRAGMA integrity_check;
