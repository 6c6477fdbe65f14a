-- Blobs: literals, zeroblob, overflow pages (values larger than a page), substr, hex, incremental growth.
CREATE TABLE b(id INTEGER PRIMARY KEY, data BLOB);
INSERT INTO b VALUES (1, x'00ff10ab'), (2, zeroblob(10)), (3, CAST('text as blob' AS BLOB));
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)
INSERT INTO b SELECT 100 + i, CAST(replace(hex(zeroblob(i * 2500)), '00', 'ab') || printf('%050d', i) AS BLOB)
  FROM n;
SELECT id, typeof(data), length(data), hex(substr(data, 1, 4)), hex(substr(data, -4)) FROM b ORDER BY id;
SELECT sum(length(data)) FROM b;
UPDATE b SET data = CAST(data || data AS BLOB) WHERE id % 3 = 0;
SELECT id, length(data) FROM b WHERE id % 3 = 0 ORDER BY id;
SELECT hex(x'0102' || x'0304'), x'41' = CAST('A' AS BLOB), length(x''), quote(x'beef');
SELECT id FROM b WHERE data = zeroblob(10);
SELECT instr(data, CAST('00019' AS BLOB)) FROM b WHERE id = 119;
DELETE FROM b WHERE id BETWEEN 105 AND 115;
SELECT count(*), sum(length(data)) FROM b;
SELECT 'x' LIKE x'78';
PRAGMA integrity_check;
