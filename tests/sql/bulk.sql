-- A few thousand rows generated with recursive CTEs, updated and deleted in bulk; VACUUM.
PRAGMA page_size = 4096;
CREATE TABLE t(id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c REAL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
INSERT INTO t SELECT i, (i * 2654435761) % 1000003, hex(i * 31), i / 7.0 FROM n;
SELECT count(*), sum(a), max(b), round(sum(c), 6) FROM t;
CREATE INDEX t_a ON t(a);
UPDATE t SET b = b || '-' || a WHERE a % 3 = 0;
DELETE FROM t WHERE id % 5 = 0;
SELECT count(*), sum(length(b)), min(a), max(a) FROM t;
SELECT id, a, b FROM t ORDER BY a DESC LIMIT 5;
SELECT a % 10 AS d, count(*) FROM t GROUP BY d ORDER BY d;
WITH RECURSIVE fib(n, x, y) AS (SELECT 1, 0, 1 UNION ALL SELECT n + 1, y, x + y FROM fib WHERE n < 80)
SELECT n, x FROM fib WHERE n % 20 = 0;
VACUUM;
PRAGMA page_count;
SELECT count(*) FROM t;
PRAGMA integrity_check;
