-- DDL: tables, constraints, views, triggers, ALTER TABLE, DROP; the schema as stored.
.headers on
CREATE TABLE dept(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, budget REAL DEFAULT 1000.5);
CREATE TABLE emp(id INTEGER PRIMARY KEY, name TEXT NOT NULL, dept_id INTEGER REFERENCES dept(id),
                 salary INTEGER CHECK (salary > 0), hired TEXT);
CREATE VIEW rich AS SELECT name, salary FROM emp WHERE salary > 5000;
CREATE TABLE audit(what TEXT, n INTEGER);
CREATE TRIGGER emp_ins AFTER INSERT ON emp BEGIN INSERT INTO audit VALUES ('insert', NEW.id); END;
INSERT INTO dept(name) VALUES ('eng'), ('ops'), ('sales');
INSERT INTO emp VALUES (1, 'ada', 1, 9000, '2020-01-02'), (2, 'bob', 2, 4000, '2021-03-04'),
                       (3, 'cy', 1, 7000, NULL), (4, 'di', 3, 3000, '2019-12-31');
SELECT * FROM rich ORDER BY name;
SELECT * FROM audit;
ALTER TABLE emp ADD COLUMN email TEXT DEFAULT 'none';
ALTER TABLE dept RENAME TO department;
ALTER TABLE emp RENAME COLUMN hired TO start_date;
SELECT id, name, email, start_date FROM emp ORDER BY id;
INSERT INTO emp(name, dept_id, salary) VALUES ('ed', 2, -5);
INSERT INTO department(name) VALUES ('eng');
SELECT type, name, tbl_name FROM sqlite_schema ORDER BY type, name;
.schema emp
DROP VIEW rich;
DROP TRIGGER emp_ins;
SELECT count(*) FROM sqlite_schema;
PRAGMA table_info(emp);
PRAGMA integrity_check;
