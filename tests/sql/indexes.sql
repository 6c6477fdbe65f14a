-- Indexes: unique, multi-column, partial, expression; query plans; constraint errors; REINDEX.
CREATE TABLE kv(k INTEGER, v TEXT, w INTEGER);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
INSERT INTO kv SELECT i, 'v' || (i * 7919 % 3001), i % 10 FROM n;
CREATE UNIQUE INDEX kv_k ON kv(k);
CREATE INDEX kv_wv ON kv(w, v);
CREATE INDEX kv_big ON kv(v) WHERE w = 9;
CREATE INDEX kv_len ON kv(length(v));
EXPLAIN QUERY PLAN SELECT v FROM kv WHERE k = 1234;
EXPLAIN QUERY PLAN SELECT k FROM kv WHERE w = 3 AND v > 'v2';
EXPLAIN QUERY PLAN SELECT k FROM kv WHERE w = 9 AND v = 'v5';
SELECT v FROM kv WHERE k = 1234;
SELECT count(*), min(v), max(v) FROM kv WHERE w = 3 AND v > 'v2';
SELECT k FROM kv WHERE w = 9 AND v LIKE 'v10%' ORDER BY k;
SELECT length(v), count(*) FROM kv GROUP BY length(v);
INSERT INTO kv VALUES (1234, 'dup', 0);
UPDATE kv SET k = k + 100000 WHERE k % 1000 = 0;
SELECT k FROM kv WHERE k > 100000 ORDER BY k;
DELETE FROM kv WHERE w IN (1, 2);
SELECT count(*) FROM kv INDEXED BY kv_wv WHERE w BETWEEN 0 AND 3;
REINDEX;
DROP INDEX kv_len;
ANALYZE;
SELECT tbl, idx FROM sqlite_stat1 ORDER BY idx;
PRAGMA integrity_check;
