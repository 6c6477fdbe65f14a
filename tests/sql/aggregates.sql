-- Aggregates over a generated table: count, sum, total, avg, min, max, group_concat, HAVING.
CREATE TABLE sale(id INTEGER PRIMARY KEY, region TEXT, item TEXT, qty INTEGER, price REAL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
INSERT INTO sale(region, item, qty, price)
  SELECT CASE i % 4 WHEN 0 THEN 'north' WHEN 1 THEN 'south' WHEN 2 THEN 'east' ELSE 'west' END,
         'item' || (i % 7), i % 13 + 1, (i % 17) * 1.25 + 0.5 FROM n;
SELECT count(*), sum(qty), total(price), avg(price), min(price), max(price) FROM sale;
SELECT region, count(*), sum(qty * price), round(avg(qty), 3) FROM sale GROUP BY region ORDER BY region;
SELECT item, group_concat(DISTINCT region) FROM (SELECT * FROM sale ORDER BY region)
  GROUP BY item ORDER BY item;
SELECT region, item, sum(qty) s FROM sale GROUP BY region, item HAVING s > 170 ORDER BY s DESC, 1, 2;
SELECT count(DISTINCT item), count(DISTINCT qty % 5) FROM sale;
SELECT qty, count(*) FROM sale WHERE price BETWEEN 5 AND 10 GROUP BY qty ORDER BY qty;
SELECT printf('%.4f', stddev) FROM (SELECT sqrt(avg(price * price) - avg(price) * avg(price)) AS stddev FROM sale);
SELECT sum(CASE WHEN qty > 6 THEN 1 ELSE 0 END), max(length(item)), min(region) FROM sale;
SELECT typeof(sum(qty)), typeof(avg(qty)), typeof(total(qty)), sum(NULL), total(NULL), count(NULL) FROM sale;
PRAGMA integrity_check;
