-- Joins, subqueries, compound selects, window functions.
CREATE TABLE author(id INTEGER PRIMARY KEY, name TEXT, country TEXT);
CREATE TABLE book(id INTEGER PRIMARY KEY, author_id INTEGER, title TEXT, year INTEGER, pages INTEGER);
INSERT INTO author VALUES (1,'Austen','UK'),(2,'Tolstoy','RU'),(3,'Morrison','US'),(4,'Nobody','XX');
INSERT INTO book VALUES (1,1,'Emma',1815,474),(2,1,'Persuasion',1817,249),(3,2,'War and Peace',1869,1225),
  (4,2,'Anna Karenina',1878,864),(5,3,'Beloved',1987,324),(6,3,'Jazz',1992,229),(7,NULL,'Anonymous',1500,10);
.mode column
.headers on
SELECT a.name, b.title FROM author a JOIN book b ON b.author_id = a.id ORDER BY a.name, b.year;
SELECT a.name, count(b.id) AS books FROM author a LEFT JOIN book b ON b.author_id = a.id
  GROUP BY a.id ORDER BY books DESC, a.name;
SELECT title FROM book WHERE author_id NOT IN (SELECT id FROM author WHERE country = 'UK')
  ORDER BY title;
SELECT title, (SELECT name FROM author WHERE id = book.author_id) AS who FROM book ORDER BY id;
SELECT x.title, y.title FROM book x JOIN book y ON x.author_id = y.author_id AND x.id < y.id
  ORDER BY 1, 2;
.mode list
SELECT country FROM author UNION SELECT 'FR' ORDER BY 1;
SELECT author_id FROM book INTERSECT SELECT id FROM author ORDER BY 1;
SELECT id FROM author EXCEPT SELECT author_id FROM book;
SELECT title, year, rank() OVER (PARTITION BY author_id ORDER BY pages DESC) AS r,
  sum(pages) OVER (ORDER BY year ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS running
  FROM book ORDER BY year;
SELECT a.name, b.title FROM author a CROSS JOIN book b WHERE a.id = 4 AND b.year < 1600;
WITH prolific AS (SELECT author_id, sum(pages) p FROM book GROUP BY author_id HAVING p > 600)
  SELECT name, p FROM prolific JOIN author ON author.id = prolific.author_id ORDER BY p;
PRAGMA integrity_check;
