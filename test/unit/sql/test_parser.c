/*
 * test_parser.c: unit tests of the SQL scanner, grammar and printer
 * (src/sql/lexer.l, parser.y, parse.c, ast.c).
 *
 * The core is a table of a few hundred statements, each parsed and printed
 * back as normalised SQL and compared with the expected text; every printed
 * form must parse again to the same text (a fixed point). Around it: operator
 * precedence shown with full parentheses, MySQL's exact 1064 messages and line
 * numbers, multi-statement splitting, executable comments, nesting limits,
 * the shapes of trees the binder will read, keyword rules, 10,000 random or
 * mutated inputs, allocation failures at every point, the sqllogictest sample
 * (when /work/shared/sqllogictest is present) and a timing of sysbench's
 * point select.
 */
#include "test.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"
#include "sql/ast.h"
#include "sql/parse.h"
#include "sql/parse_int.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

/* ---- helpers ---- */

static char text[1 << 17]; /* Result of the last norm_ex(), NUL-terminated. */
static size_t text_len;    /* Its length (prints may hold NUL bytes). */

/* Parses sql and prints its statements "; "-separated, or "ERROR <code> (<state>): <message>". */
static const char *norm_ex(const char *sql, size_t len, uint32_t flags, unsigned pflags)
{
    struct arena a;
    struct sql_parse_result r;
    struct buf b;
    arena_init(&a, 0);
    buf_init(&b);
    int rc = sql_parse(&a, sql, len, flags, &r);
    for (uint32_t i = 0; i < r.n_stmts; i++) {
        if (r.stmts[i]->kind == AST_STMT_EMPTY)
            continue;
        if (b.len)
            buf_append(&b, "; ", 2);
        ASSERT_OK(ast_print_stmt(&b, r.stmts[i], pflags));
    }
    if (rc) {
        char e[700];
        int n = snprintf(e, sizeof e, "%sERROR %d (%s): %s", b.len ? "; " : "", r.error.code,
                         r.error.sqlstate, r.error.message);
        buf_append(&b, e, (size_t)n);
    }
    size_t n = b.len < sizeof text - 1 ? b.len : sizeof text - 1;
    if (n)
        memcpy(text, b.data, n);
    text[n] = '\0';
    text_len = n;
    buf_deinit(&b);
    arena_deinit(&a);
    return text;
}

static const char *norm(const char *sql)
{
    return norm_ex(sql, strlen(sql), 0, 0);
}

static const char *norm_f(const char *sql, uint32_t flags, unsigned pflags)
{
    return norm_ex(sql, strlen(sql), flags, pflags);
}

/* True if a norm() result ends in an error. */
static bool is_error(const char *s)
{
    return strncmp(s, "ERROR ", 6) == 0 || strstr(s, "; ERROR ") != NULL;
}

/* s[0..n) with unprintable bytes as \xNN, for failure messages. */
static const char *visible(const char *s, size_t n)
{
    static char out[8192];
    size_t o = 0;
    for (size_t i = 0; i < n && o + 5 < sizeof out; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 32 && c < 127)
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, sizeof out - o, "\\x%02x", c);
    }
    out[o] = '\0';
    return out;
}

/* Parses sql (with flags), prints it, parses the print (default mode) and prints again: the two
 * prints must match. */
static void check_fixed_point(const char *sql, size_t len, uint32_t flags)
{
    static char first[sizeof text];
    const char *one = norm_ex(sql, len, flags, 0);
    if (is_error(one) || one[0] == '\0')
        return; /* an error, or only comments */
    size_t n1 = text_len;
    memcpy(first, one, n1 + 1);
    const char *two = norm_ex(first, n1, 0, 0);
    if (text_len != n1 || memcmp(first, two, n1) != 0) {
        static char v1[8192];
        snprintf(v1, sizeof v1, "%s", visible(first, n1));
        test_fail_(__FILE__, __LINE__,
                   "not a fixed point (flags %u):\n    in:  %s\n    1st: %s\n    2nd: %s", flags,
                   visible(sql, len), v1, visible(two, text_len));
    }
}

/* Parses exactly one statement that must succeed; the tree lives in *a. */
static struct ast_stmt *parse1(struct arena *a, const char *sql, uint32_t flags)
{
    struct sql_parse_result r;
    int rc = sql_parse(a, sql, strlen(sql), flags, &r);
    if (rc)
        test_fail_(__FILE__, __LINE__, "parse of \"%s\" failed: %s", sql, r.error.message);
    ASSERT_EQ(r.n_stmts, 1);
    return r.stmts[0];
}

static const char *expr_text(const struct ast_expr *e, unsigned flags)
{
    struct buf b;
    buf_init(&b);
    ASSERT_OK(ast_print_expr(&b, e, flags));
    size_t n = b.len < sizeof text - 1 ? b.len : sizeof text - 1;
    memcpy(text, b.data, n);
    text[n] = '\0';
    buf_deinit(&b);
    return text;
}

/* ---- the statement table ---- */

struct norm_case {
    const char *sql;  /* Input. */
    const char *want; /* Normalised print; NULL when it equals the input. */
};

static const struct norm_case cases[] = {
    {"SELECT DISTINCT a, b AS x, t.* FROM db.t1 AS t USE INDEX (i1) WHERE a > 1 GROUP BY a WITH "
     "ROLLUP HAVING COUNT(*) > 2 ORDER BY a DESC LIMIT 1 OFFSET 2",
     NULL},
    {"SELECT SQL_CALC_FOUND_ROWS * FROM t FORCE INDEX FOR JOIN (PRIMARY, k) IGNORE KEY FOR ORDER "
     "BY (k2)",
     NULL},
    {"SELECT * FROM (SELECT 1 AS a) AS d (x)", NULL},
    {"SELECT * FROM t1, (t2 JOIN t3 ON t2.a = t3.a), t4 NATURAL LEFT JOIN t5 STRAIGHT_JOIN t6",
     "SELECT * FROM t1, t2 JOIN t3 ON t2.a = t3.a, t4 NATURAL LEFT JOIN t5 STRAIGHT_JOIN t6"},
    {"SELECT * FROM t1 CROSS JOIN t2 RIGHT OUTER JOIN t3 ON 1 INNER JOIN t4 USING (a, b)",
     "SELECT * FROM t1 CROSS JOIN (t2 RIGHT JOIN t3 ON 1 JOIN t4 USING (a, b))"},
    {"SELECT * FROM a JOIN b JOIN c ON x ON y", "SELECT * FROM a JOIN (b JOIN c ON x) ON y"},
    {"SELECT * FROM (a JOIN b) JOIN c ON x", NULL},
    {"SELECT * FROM (a, b) JOIN c ON x", "SELECT * FROM ((a, b)) JOIN c ON x"},
    {"SELECT 1 UNION SELECT 2 UNION ALL SELECT 3 INTERSECT SELECT 4 EXCEPT DISTINCT SELECT 5",
     "SELECT 1 UNION SELECT 2 UNION ALL (SELECT 3 INTERSECT SELECT 4) EXCEPT DISTINCT SELECT 5"},
    {"(SELECT 1 ORDER BY 1 LIMIT 1) UNION (SELECT 2) ORDER BY 1 LIMIT 2",
     "(SELECT 1 ORDER BY 1 LIMIT 1) UNION SELECT 2 ORDER BY 1 LIMIT 2"},
    {"((SELECT 1))", "SELECT 1"},
    {"(SELECT a FROM t ORDER BY a LIMIT 2) ORDER BY a DESC LIMIT 1", NULL},
    {"SELECT (SELECT 1) + 1, ((SELECT 2)), EXISTS (SELECT 1), a IN ((SELECT 1)), a = ANY (SELECT b "
     "FROM t), a <> ALL (SELECT 1), a = SOME (SELECT 1)",
     "SELECT (SELECT 1) + 1, (SELECT 2), EXISTS (SELECT 1), a IN (SELECT 1), a = ANY (SELECT b "
     "FROM t), a <> ALL (SELECT 1), a = ANY (SELECT 1)"},
    {"WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 10), d AS (SELECT "
     "2) SELECT * FROM c, d",
     NULL},
    {"SELECT a FROM t FOR UPDATE NOWAIT", NULL},
    {"SELECT a FROM t FOR SHARE OF t SKIP LOCKED", NULL},
    {"SELECT a FROM t LOCK IN SHARE MODE", NULL},
    {"SELECT a INTO @x FROM t", "SELECT a FROM t INTO @x"},
    {"SELECT a FROM t INTO @x, @y", NULL},
    {"SELECT 1 FROM DUAL", NULL},
    {"SELECT ROW_NUMBER() OVER (PARTITION BY a ORDER BY b ROWS BETWEEN UNBOUNDED PRECEDING AND "
     "CURRENT ROW), SUM(x) OVER w, RANK() OVER (w ORDER BY c) FROM t WINDOW w AS (PARTITION BY a)",
     NULL},
    {"SELECT SUM(x) OVER (ORDER BY d RANGE BETWEEN INTERVAL 1 DAY PRECEDING AND 2 FOLLOWING) FROM "
     "t",
     NULL},
    {"SELECT TRIM(LEADING 'x' FROM y), TRIM(BOTH FROM y), TRIM(y), TRIM('a' FROM b), SUBSTRING(a "
     "FROM 1 FOR 2), SUBSTR(a, 1), POSITION('a' IN b), EXTRACT(YEAR FROM d)",
     NULL},
    {"SELECT GROUP_CONCAT(DISTINCT a, b ORDER BY c DESC SEPARATOR ';'), COUNT(DISTINCT a), "
     "COUNT(*), COUNT(ALL a)",
     "SELECT GROUP_CONCAT(DISTINCT a, b ORDER BY c DESC SEPARATOR ';'), COUNT(DISTINCT a), "
     "COUNT(*), COUNT(a)"},
    {"SELECT CURRENT_TIMESTAMP, CURRENT_TIMESTAMP(), NOW(), CURRENT_DATE, CURRENT_USER, "
     "CURRENT_USER(), UTC_TIMESTAMP(6), LOCALTIME",
     NULL},
    {"SELECT CAST(a AS CHAR(10) CHARACTER SET utf8mb4), CAST(b AS SIGNED), CAST(c AS UNSIGNED "
     "INTEGER), CAST(d AS DECIMAL(10,2)), CONVERT(e, DATETIME(6)), CONVERT(f USING latin1), BINARY "
     "g",
     "SELECT CAST(a AS CHAR(10) CHARACTER SET utf8mb4), CAST(b AS SIGNED), CAST(c AS UNSIGNED), "
     "CAST(d AS DECIMAL(10,2)), CAST(e AS DATETIME(6)), CONVERT(f USING latin1), CAST(g AS "
     "BINARY)"},
    {"SELECT CASE a WHEN 1 THEN 'x' WHEN 2 THEN 'y' ELSE 'z' END, CASE WHEN a > 1 THEN 1 END",
     NULL},
    {"SELECT DATE_ADD(d, INTERVAL 1 DAY), d + INTERVAL 2 HOUR, d - INTERVAL '1:2' HOUR_MINUTE, "
     "INTERVAL 1 YEAR + d, TIMESTAMPDIFF(MINUTE, a, b), TIMESTAMPADD(SECOND, 1, a)",
     NULL},
    {"SELECT INTERVAL(5, 1, 2, 3), INTERVAL (1) DAY + d",
     "SELECT INTERVAL(5, 1, 2, 3), INTERVAL 1 DAY + d"},
    {"SELECT 'a' 'b', _utf8mb4'x', _binary 'y', N'z', X'4142', 0x41, b'0101', 0b11, 1.5, .5, 1e10, "
     "1.5E-3, 18446744073709551616, TRUE, FALSE, NULL",
     "SELECT 'ab', _utf8mb4'x', _binary'y', N'z', X'4142', X'41', b'00000101', b'00000011', 1.5, "
     ".5, 1e10, 1.5E-3, 18446744073709551616, TRUE, FALSE, NULL"},
    {"SELECT \"dq\", 'it''s', 'a\\nb', '\\%_', \"a\"\"b\"",
     "SELECT 'dq', 'it\\'s', 'a\\nb', '\\\\%_', 'a\"b'"},
    {"SELECT @a := 1, @b, @@session.sql_mode, @@global.x, @@local.y, @@z, @`q u`, @'s'",
     "SELECT @a := 1, @b, @@SESSION.sql_mode, @@GLOBAL.x, @@LOCAL.y, @@z, @`q u`, @s"},
    {"SELECT a COLLATE utf8mb4_bin, a LIKE 'x%' ESCAPE '|', a NOT LIKE b, a REGEXP 'x', a NOT "
     "RLIKE 'y', a NOT BETWEEN 1 AND 2, a NOT IN (1, 2), a IS NOT NULL, a IS TRUE, a IS NOT "
     "UNKNOWN",
     "SELECT a COLLATE utf8mb4_bin, a LIKE 'x%' ESCAPE '|', a NOT LIKE b, a REGEXP 'x', a NOT "
     "REGEXP 'y', a NOT BETWEEN 1 AND 2, a NOT IN (1, 2), a IS NOT NULL, a IS TRUE, a IS NOT "
     "UNKNOWN"},
    {"SELECT a -> '$.b', a ->> '$.c', a DIV b, a MOD b, a % b, a << 1, a >> 2, a & b, a | b, ~a, "
     "!a, a XOR b, a <=> b, a != b",
     "SELECT a -> '$.b', a ->> '$.c', a DIV b, a % b, a % b, a << 1, a >> 2, a & b, a | b, ~a, NOT "
     "a, a XOR b, a <=> b, a <> b"},
    {"SELECT ROW(1, 2) = (1, 2), (a, b) IN ((1, 2), (3, 4)), DEFAULT(a)", NULL},
    {"SELECT IF(a, b, c), LEFT(a, 1), RIGHT(a, 2), REPLACE(a, 'b', 'c'), INSERT(a, 1, 2, 'x'), "
     "MOD(a, 2), REPEAT('a', 3), DATABASE(), SCHEMA(), CHAR(65, 66 USING utf8mb4), CHAR(65)",
     NULL},
    {"SELECT db.f(1), date(d), year(d), status, value, `key`, t.order FROM t",
     "SELECT db.f(1), date(d), year(d), `status`, `value`, `key`, t.`order` FROM t"},
    {"SELECT DATE '2020-01-01', TIME '10:00', TIMESTAMP '2020-01-01 00:00:00', date",
     "SELECT DATE '2020-01-01', TIME '10:00', TIMESTAMP '2020-01-01 00:00:00', `date`"},
    {"INSERT IGNORE INTO t (a, b) VALUES (1, 2), (3, 4)", NULL},
    {"INSERT INTO t VALUE (1)", "INSERT INTO t VALUES (1)"},
    {"INSERT INTO t SET a = 1, b = DEFAULT ON DUPLICATE KEY UPDATE b = b + 1", NULL},
    {"INSERT INTO t (a) SELECT x FROM y", NULL},
    {"INSERT INTO t VALUES (1, 2) AS new ON DUPLICATE KEY UPDATE b = new.b", NULL},
    {"INSERT INTO t () VALUES ()", NULL},
    {"REPLACE INTO t VALUES (1)", NULL},
    {"REPLACE t SELECT * FROM u", "REPLACE INTO t SELECT * FROM u"},
    {"UPDATE LOW_PRIORITY IGNORE t SET a = 1, b = DEFAULT WHERE c = 2 ORDER BY d LIMIT 5", NULL},
    {"UPDATE t1 JOIN t2 ON t1.id = t2.id SET t1.a = t2.b", NULL},
    {"DELETE FROM t WHERE a = 1 ORDER BY b LIMIT 3", NULL},
    {"DELETE QUICK IGNORE t1, t2.* FROM t1 JOIN t2 ON t1.a = t2.a WHERE t1.b > 0",
     "DELETE QUICK IGNORE t1, t2 FROM t1 JOIN t2 ON t1.a = t2.a WHERE t1.b > 0"},
    {"DELETE FROM t1, t2 USING t1 JOIN t2 WHERE t1.a = t2.a", NULL},
    {"DELETE FROM t AS x WHERE x.a = 1", NULL},
    {"CREATE DATABASE IF NOT EXISTS d CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", NULL},
    {"CREATE SCHEMA d DEFAULT CHARSET = latin1",
     "CREATE DATABASE d DEFAULT CHARACTER SET = latin1"},
    {"DROP DATABASE IF EXISTS d", NULL},
    {"USE d", NULL},
    {"CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20) CHARACTER SET "
     "utf8 COLLATE utf8_bin DEFAULT 'x' COMMENT 'the name', ts TIMESTAMP(6) DEFAULT "
     "CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), d DECIMAL(10,2) UNSIGNED ZEROFILL, e "
     "ENUM('a','b') NOT NULL, s SET('x'), j JSON, b BIT(8) DEFAULT b'0', f FLOAT(7,3), g DOUBLE "
     "PRECISION, r REAL, bl BLOB(100), tx TINYTEXT, mt MEDIUMTEXT, lt LONGTEXT, bo BOOL, y YEAR, "
     "ch CHAR, nc NCHAR(5), nv NVARCHAR(10), vb VARBINARY(10), bi BINARY(3), dt DATETIME, tm "
     "TIME(3), da DATE, UNIQUE KEY uk (name(10) DESC), KEY k (a, b), INDEX (c), CONSTRAINT pk "
     "PRIMARY KEY (id), CONSTRAINT fk FOREIGN KEY (a) REFERENCES p (id) ON DELETE CASCADE ON "
     "UPDATE SET NULL, CHECK (a > 0), CONSTRAINT c2 CHECK (b < 1) NOT ENFORCED) ENGINE=InnoDB "
     "DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci AUTO_INCREMENT=5 COMMENT='t' "
     "ROW_FORMAT=DYNAMIC KEY_BLOCK_SIZE=8",
     "CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20) CHARACTER SET "
     "utf8 COLLATE utf8_bin DEFAULT 'x' COMMENT 'the name', ts TIMESTAMP(6) DEFAULT "
     "CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), d DECIMAL(10,2) UNSIGNED ZEROFILL, e "
     "ENUM('a', 'b') NOT NULL, s SET('x'), j JSON, b BIT(8) DEFAULT b'00000000', f FLOAT(7,3), g "
     "DOUBLE, r DOUBLE, bl BLOB(100), tx TINYTEXT, mt MEDIUMTEXT, lt LONGTEXT, bo BOOLEAN, y YEAR, "
     "ch CHAR, nc NCHAR(5), nv NVARCHAR(10), vb VARBINARY(10), bi BINARY(3), dt DATETIME, tm "
     "TIME(3), da DATE, UNIQUE KEY uk (name(10) DESC), KEY k (a, b), INDEX (c), CONSTRAINT pk "
     "PRIMARY KEY (id), CONSTRAINT fk FOREIGN KEY (a) REFERENCES p (id) ON DELETE CASCADE ON "
     "UPDATE SET NULL, CHECK (a > 0), CONSTRAINT c2 CHECK (b < 1) NOT ENFORCED) ENGINE = InnoDB "
     "DEFAULT CHARACTER SET = utf8mb4 COLLATE = utf8mb4_0900_ai_ci AUTO_INCREMENT = 5 COMMENT = "
     "'t' ROW_FORMAT = DYNAMIC KEY_BLOCK_SIZE = 8"},
    {"CREATE TEMPORARY TABLE IF NOT EXISTS t LIKE u", NULL},
    {"CREATE TABLE t AS SELECT 1", NULL},
    {"CREATE TABLE t (a INT) SELECT 1 AS a", "CREATE TABLE t (a INT) AS SELECT 1 AS a"},
    {"CREATE TABLE t (SELECT 1)", "CREATE TABLE t AS SELECT 1"},
    {"CREATE TABLE sbtest1(id INTEGER NOT NULL AUTO_INCREMENT, k INTEGER DEFAULT '0' NOT NULL, c "
     "CHAR(120) DEFAULT '' NOT NULL, pad CHAR(60) DEFAULT '' NOT NULL, PRIMARY KEY (id)) /*! "
     "ENGINE = innodb */",
     "CREATE TABLE sbtest1 (id INT NOT NULL AUTO_INCREMENT, k INT NOT NULL DEFAULT '0', c "
     "CHAR(120) NOT NULL DEFAULT '', pad CHAR(60) NOT NULL DEFAULT '', PRIMARY KEY (id)) ENGINE = "
     "innodb"},
    {"CREATE TABLE t (a INT DEFAULT (1 + 2), b INT GENERATED ALWAYS AS (a * 2) STORED, c INT AS "
     "(a) VIRTUAL, d INT CHECK (d > 0) NOT NULL, e INT REFERENCES p(id), f TIMESTAMP DEFAULT "
     "NOW())",
     "CREATE TABLE t (a INT DEFAULT (1 + 2), b INT GENERATED ALWAYS AS (a * 2) STORED, c INT "
     "GENERATED ALWAYS AS (a) VIRTUAL, d INT NOT NULL CHECK (d > 0), e INT REFERENCES p (id), f "
     "TIMESTAMP DEFAULT NOW())"},
    {"DROP TABLE IF EXISTS t1, t2 CASCADE", NULL},
    {"DROP TEMPORARY TABLE t", NULL},
    {"TRUNCATE TABLE t", NULL},
    {"TRUNCATE t", "TRUNCATE TABLE t"},
    {"RENAME TABLE a TO b, c TO d", NULL},
    {"ALTER TABLE t ADD COLUMN c INT FIRST, ADD d INT AFTER c, ADD (e INT, f INT), DROP COLUMN g, "
     "MODIFY h BIGINT NOT NULL, CHANGE COLUMN i j INT, ALTER COLUMN k SET DEFAULT 5, ALTER l DROP "
     "DEFAULT, ADD INDEX idx (a), ADD UNIQUE KEY (b), ADD PRIMARY KEY (id), DROP INDEX idx, DROP "
     "KEY k2, DROP PRIMARY KEY, RENAME TO t2, RENAME COLUMN a TO b, ENGINE=InnoDB, ADD CONSTRAINT "
     "fk FOREIGN KEY (x) REFERENCES y(z), DROP FOREIGN KEY fk",
     "ALTER TABLE t ADD COLUMN c INT FIRST, ADD d INT AFTER c, ADD (e INT, f INT), DROP COLUMN g, "
     "MODIFY h BIGINT NOT NULL, CHANGE COLUMN i j INT, ALTER COLUMN k SET DEFAULT 5, ALTER l DROP "
     "DEFAULT, ADD INDEX idx (a), ADD UNIQUE KEY (b), ADD PRIMARY KEY (id), DROP INDEX idx, DROP "
     "INDEX k2, DROP PRIMARY KEY, RENAME TO t2, RENAME COLUMN a TO b, ENGINE = InnoDB, ADD "
     "CONSTRAINT fk FOREIGN KEY (x) REFERENCES y (z), DROP FOREIGN KEY fk"},
    {"ALTER TABLE t RENAME AS u", "ALTER TABLE t RENAME TO u"},
    {"ALTER TABLE t ENGINE = InnoDB AUTO_INCREMENT = 10, ALGORITHM=INPLACE, LOCK=NONE",
     "ALTER TABLE t ENGINE = InnoDB AUTO_INCREMENT = 10, ALGORITHM = INPLACE, LOCK = NONE"},
    {"ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", NULL},
    {"ALTER TABLE t DISABLE KEYS", NULL},
    {"CREATE UNIQUE INDEX i ON t (a, b(10))", NULL},
    {"CREATE INDEX k_1 ON sbtest1(k)", "CREATE INDEX k_1 ON sbtest1 (k)"},
    {"DROP INDEX i ON t", NULL},
    {"CREATE OR REPLACE ALGORITHM=MERGE DEFINER='root'@'localhost' SQL SECURITY INVOKER VIEW v (a, "
     "b) AS SELECT 1, 2 WITH CASCADED CHECK OPTION",
     "CREATE OR REPLACE ALGORITHM = MERGE DEFINER = 'root'@'localhost' SQL SECURITY INVOKER VIEW v "
     "(a, b) AS SELECT 1, 2 WITH CASCADED CHECK OPTION"},
    {"CREATE VIEW v AS SELECT * FROM t WITH LOCAL CHECK OPTION", NULL},
    {"DROP VIEW IF EXISTS v, w", NULL},
    {"CREATE DEFINER=`root`@`localhost` TRIGGER trg BEFORE INSERT ON t FOR EACH ROW SET NEW.a = "
     "NEW.a + 1",
     "CREATE DEFINER = 'root'@'localhost' TRIGGER trg BEFORE INSERT ON t FOR EACH ROW SET NEW.a = "
     "NEW.a + 1"},
    {"CREATE TRIGGER IF NOT EXISTS trg AFTER UPDATE ON t FOR EACH ROW BEGIN INSERT INTO log VALUES "
     "(OLD.a); UPDATE x SET y = 1; END",
     "CREATE TRIGGER IF NOT EXISTS trg AFTER UPDATE ON t FOR EACH ROW BEGIN INSERT INTO `log` "
     "VALUES (OLD.a); UPDATE x SET y = 1; END"},
    {"CREATE TRIGGER trg BEFORE DELETE ON t FOR EACH ROW BEGIN IF OLD.a > 1 THEN SIGNAL SQLSTATE "
     "'45000' SET MESSAGE_TEXT = 'no'; ELSEIF OLD.a = 0 THEN SET @x = 1; ELSE SET @y = 2; END IF; "
     "END",
     NULL},
    {"DROP TRIGGER IF EXISTS db.trg", NULL},
    {"BEGIN", NULL},
    {"BEGIN WORK", NULL},
    {"START TRANSACTION READ ONLY, WITH CONSISTENT SNAPSHOT",
     "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY"},
    {"START TRANSACTION READ WRITE", NULL},
    {"COMMIT WORK", NULL},
    {"ROLLBACK", NULL},
    {"ROLLBACK TO SAVEPOINT s1", NULL},
    {"ROLLBACK WORK TO s1", "ROLLBACK WORK TO SAVEPOINT s1"},
    {"SAVEPOINT s1", NULL},
    {"RELEASE SAVEPOINT s1", NULL},
    {"COMMIT AND NO CHAIN NO RELEASE", NULL},
    {"SET autocommit = 1", NULL},
    {"SET SESSION sql_mode = concat(@@sql_mode, ',STRICT_TRANS_TABLES'), @a = 1", NULL},
    {"SET @@session.x = DEFAULT", "SET SESSION x = DEFAULT"},
    {"SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci", NULL},
    {"SET NAMES 'utf8'", "SET NAMES utf8"},
    {"SET CHARACTER SET utf8", NULL},
    {"SET CHARSET DEFAULT", "SET CHARACTER SET DEFAULT"},
    {"SET GLOBAL TRANSACTION ISOLATION LEVEL READ COMMITTED", NULL},
    {"SET TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ ONLY", NULL},
    {"SET SESSION TRANSACTION READ WRITE", NULL},
    {"SET character_set_results = NULL", NULL},
    {"SET PASSWORD = 'x'", NULL},
    {"SET PASSWORD FOR 'u'@'h' = 'y'", NULL},
    {"SET autocommit = ON, foreign_key_checks = OFF",
     "SET autocommit = `ON`, foreign_key_checks = OFF"},
    {"set autocommit=1, sql_mode = concat(@@sql_mode,',STRICT_TRANS_TABLES')",
     "SET autocommit = 1, sql_mode = concat(@@sql_mode, ',STRICT_TRANS_TABLES')"},
    {"SHOW DATABASES LIKE 'a%'", NULL},
    {"SHOW SCHEMAS", "SHOW DATABASES"},
    {"SHOW FULL TABLES FROM db LIKE 't%'", NULL},
    {"SHOW TABLES WHERE x = 1", NULL},
    {"SHOW FULL COLUMNS FROM t FROM db LIKE 'a'", NULL},
    {"SHOW FIELDS IN t", "SHOW COLUMNS IN t"},
    {"SHOW INDEX FROM t", NULL},
    {"SHOW KEYS FROM db.t WHERE x", "SHOW INDEX FROM db.t WHERE x"},
    {"SHOW CREATE TABLE t", NULL},
    {"SHOW CREATE VIEW v", NULL},
    {"SHOW CREATE DATABASE d", NULL},
    {"SHOW GLOBAL VARIABLES LIKE 'x'", NULL},
    {"SHOW VARIABLES WHERE variable_name = 'a'", NULL},
    {"SHOW SESSION STATUS", NULL},
    {"SHOW WARNINGS LIMIT 10", NULL},
    {"SHOW ERRORS", NULL},
    {"SHOW COUNT(*) WARNINGS", NULL},
    {"SHOW FULL PROCESSLIST", NULL},
    {"SHOW COLLATION LIKE 'utf8%'", NULL},
    {"SHOW CHARACTER SET", NULL},
    {"SHOW ENGINES", NULL},
    {"SHOW GRANTS FOR 'root'@'%'", NULL},
    {"SHOW GRANTS", NULL},
    {"SHOW TABLE STATUS FROM db", NULL},
    {"SHOW TRIGGERS", NULL},
    {"SHOW PLUGINS", NULL},
    {"SHOW MASTER STATUS", NULL},
    {"DESCRIBE t", NULL},
    {"DESC t c", "DESCRIBE t c"},
    {"EXPLAIN SELECT 1", NULL},
    {"EXPLAIN FORMAT=JSON SELECT * FROM t", "EXPLAIN FORMAT = `JSON` SELECT * FROM t"},
    {"EXPLAIN ANALYZE SELECT 1", NULL},
    {"EXPLAIN t", "DESCRIBE t"},
    {"KILL 5", NULL},
    {"KILL QUERY 6", NULL},
    {"KILL CONNECTION 7", "KILL 7"},
    {"CREATE USER IF NOT EXISTS 'u'@'%' IDENTIFIED BY 'p'", NULL},
    {"CREATE USER u@localhost IDENTIFIED WITH mysql_native_password BY 'p', v IDENTIFIED WITH "
     "caching_sha2_password AS 'hash'",
     "CREATE USER 'u'@'localhost' IDENTIFIED WITH mysql_native_password BY 'p', 'v' IDENTIFIED "
     "WITH caching_sha2_password AS 'hash'"},
    {"DROP USER IF EXISTS u, 'v'@'h'", "DROP USER IF EXISTS 'u', 'v'@'h'"},
    {"ALTER USER u IDENTIFIED BY 'p'", "ALTER USER 'u' IDENTIFIED BY 'p'"},
    {"GRANT ALL PRIVILEGES ON *.* TO 'u'@'%' WITH GRANT OPTION",
     "GRANT ALL ON *.* TO 'u'@'%' WITH GRANT OPTION"},
    {"GRANT SELECT, INSERT (a, b), UPDATE ON db.* TO u",
     "GRANT SELECT, INSERT (a, b), UPDATE ON db.* TO 'u'"},
    {"GRANT SELECT ON db.t TO u", "GRANT SELECT ON db.t TO 'u'"},
    {"GRANT REPLICATION SLAVE, PROCESS ON *.* TO u",
     "GRANT REPLICATION SLAVE, PROCESS ON *.* TO 'u'"},
    {"REVOKE SELECT ON db.t FROM u", "REVOKE SELECT ON db.t FROM 'u'"},
    {"REVOKE ALL PRIVILEGES, GRANT OPTION FROM u", "REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'u'"},
    {"FLUSH PRIVILEGES", NULL},
    {"FLUSH TABLES", NULL},
    {"FLUSH TABLES t1, t2 WITH READ LOCK", NULL},
    {"LOCK TABLES t READ, u AS x WRITE, v READ LOCAL", NULL},
    {"UNLOCK TABLES", NULL},
    {"ANALYZE TABLE t1, t2", NULL},
    {"OPTIMIZE TABLE t", NULL},
    {"DO 1, sleep(1)", NULL},
    {"PREPARE s FROM 'select ?'", NULL},
    {"EXECUTE s USING @a", NULL},
    {"DEALLOCATE PREPARE s", NULL},
    {"SELECT 1; SELECT 2", NULL},
    {"select `a``b` from `t t`", "SELECT `a``b` FROM `t t`"},
    {"SELECT `select` FROM `from`", NULL},
    {"select status, date, value, key_block_size, comment, name, text, time, timestamp, year, "
     "user, action, engine, view, data, level, mode from t",
     "SELECT `status`, `date`, `value`, key_block_size, `comment`, name, `text`, `time`, "
     "`timestamp`, `year`, `user`, `action`, `engine`, `view`, data, `level`, `mode` FROM t"},
    {"select t.status, t.date from t", "SELECT t.`status`, t.`date` FROM t"},
    {"create table t (status int, date date, value varchar(10), comment text, `key` int, type int, "
     "name int, position int, count int, cast int)",
     "CREATE TABLE t (`status` INT, `date` DATE, `value` VARCHAR(10), `comment` TEXT, `key` INT, "
     "type INT, name INT, `position` INT, count INT, `cast` INT)"},
    {"select count, cast, trim, position, extract, substring, group_concat from t",
     "SELECT count, `cast`, `trim`, `position`, `extract`, `substring`, `group_concat` FROM t"},
    {"select 1abc, 1e5, 1.e5, 0x1f, 0b1, x'', b'', 123abc.c from t",
     "SELECT `1abc`, 1e5, 1.e5, X'1F', b'00000001', X'', b'', `123abc`.c FROM t"},
    {"select _latin1'abc', _utf8mb4 x'41', _binary b'1', n'abc', N'a' 'b'",
     "SELECT _latin1'abc', _utf8mb4 X'41', _binary b'00000001', N'abc', N'ab'"},
    {"select 'a' 'b' 'c' as x", "SELECT 'abc' AS x"},
    {"select 'a' \"b\"", "SELECT 'ab'"},
    {"select 'a\\0b\\tc\\\\d\\Ze\\\"f'", "SELECT 'a\\0b\tc\\\\d\\Ze\"f'"},
    {"select '%\\_x'", "SELECT '%\\\\_x'"},
    {"select '', \"\", ``", "SELECT '', '', ``"},
    {"SELECT \"it's\"", "SELECT 'it\\'s'"},
    {"select 1 as `x y`, 2 'z', 3 as \"w\"", "SELECT 1 AS `x y`, 2 AS z, 3 AS w"},
    {"select -1, - 1, --1, - - 1, +1, ++1, -+-1", "SELECT -1, -1, - -1, - -1, 1, 1, - -1"},
    {"select 1 + -2, 1 - -2, 2 * -3", "SELECT 1 + -2, 1 - -2, 2 * -3"},
    {"select ~1, !1, !!1, not not 1", "SELECT ~1, NOT 1, NOT NOT 1, NOT NOT 1"},
    {"select 9223372036854775807, 9223372036854775808, 18446744073709551615, 18446744073709551616, "
     "000123, 00.5",
     "SELECT 9223372036854775807, 9223372036854775808, 18446744073709551615, 18446744073709551616, "
     "000123, 00.5"},
    {"select 1.0e-5, 1E+5, .5e1, 5.", "SELECT 1.0e-5, 1E+5, .5e1, 5."},
    {"select * from t where a = ? and b in (?, ?) limit ?, ?",
     "SELECT * FROM t WHERE a = ? AND b IN (?, ?) LIMIT ? OFFSET ?"},
    {"select * from t limit ? offset ?", "SELECT * FROM t LIMIT ? OFFSET ?"},
    {"select @a, @a.b, @`x`, @\"y\", @'z', @$d", "SELECT @a, @a.b, @x, @y, @z, @$d"},
    {"select @@version_comment limit 1", "SELECT @@version_comment LIMIT 1"},
    {"select @@session.auto_increment_increment, @@max_allowed_packet, @@system_time_zone, "
     "@@time_zone",
     "SELECT @@SESSION.auto_increment_increment, @@max_allowed_packet, @@system_time_zone, "
     "@@time_zone"},
    {"select @@SESSION.`sql_mode`", "SELECT @@SESSION.sql_mode"},
    {"SELECT a FROM t WHERE a LIKE 'x' AND b NOT LIKE 'y' ESCAPE '!'", NULL},
    {"SELECT a FROM t WHERE a BETWEEN 1 AND 10 OR a NOT BETWEEN 20 AND 30", NULL},
    {"SELECT a FROM t WHERE a IN (1) AND b NOT IN (1, 2, 3) AND c IN (SELECT d FROM e) AND f NOT "
     "IN (SELECT g FROM h)",
     NULL},
    {"SELECT a FROM t WHERE EXISTS (SELECT 1) AND NOT EXISTS (SELECT 2)", NULL},
    {"SELECT a FROM t WHERE a IS NULL OR b IS NOT NULL OR c IS TRUE OR d IS NOT FALSE OR e IS "
     "UNKNOWN",
     NULL},
    {"SELECT a FROM t WHERE (a, b) = (1, 2) AND ROW(c, d) <> ROW(3, 4)", NULL},
    {"SELECT a FROM t WHERE a > ALL (SELECT b FROM u) AND a < SOME (SELECT c FROM v)",
     "SELECT a FROM t WHERE a > ALL (SELECT b FROM u) AND a < ANY (SELECT c FROM v)"},
    {"SELECT a && b, a || b, a XOR b XOR c", "SELECT a AND b, a OR b, a XOR b XOR c"},
    {"select a = b = c, a < b > c, a <=> b <=> c", "SELECT a = b = c, a < b > c, a <=> b <=> c"},
    {"select a + b - c, a * b / c % d, a DIV b MOD c",
     "SELECT a + b - c, a * b / c % d, a DIV b % c"},
    {"select a | b & c, a << b >> c, a ^ b ^ c", "SELECT a | b & c, a << b >> c, a ^ b ^ c"},
    {"SELECT CASE WHEN a IS NULL THEN 0 WHEN a > 0 THEN 1 ELSE -1 END AS sign FROM t", NULL},
    {"SELECT COALESCE(a, b, 0), NULLIF(a, b), IFNULL(a, 0), GREATEST(1, 2), LEAST(1, 2) FROM t",
     NULL},
    {"SELECT CONCAT('a', 'b'), CONCAT_WS(',', a, b), LENGTH(a), CHAR_LENGTH(a), UPPER(a), LOWER(a) "
     "FROM t",
     NULL},
    {"SELECT ABS(-1), ROUND(1.5), CEIL(1.2), FLOOR(1.8), SQRT(4), POW(2, 3), RAND(), "
     "TRUNCATE(1.234, 2), FORMAT(1234.5, 2)",
     NULL},
    {"SELECT NOW(), CURDATE(), CURTIME(), SYSDATE(), UNIX_TIMESTAMP(), FROM_UNIXTIME(0), "
     "DATE_FORMAT(d, '%Y'), STR_TO_DATE('2020', '%Y')",
     NULL},
    {"SELECT ADDDATE(d, 1), SUBDATE(d, INTERVAL 1 MONTH), DATE_SUB(d, INTERVAL 1 YEAR_MONTH), "
     "DATEDIFF(a, b), LAST_DAY(d)",
     NULL},
    {"SELECT YEAR(d), MONTH(d), DAY(d), HOUR(t), MINUTE(t), SECOND(t), MICROSECOND(t), WEEK(d), "
     "QUARTER(d), DAYOFWEEK(d)",
     NULL},
    {"SELECT JSON_EXTRACT(j, '$.a'), JSON_OBJECT('a', 1), JSON_ARRAY(1, 2), j -> '$.b', j ->> "
     "'$.c' FROM t",
     NULL},
    {"SELECT LAST_INSERT_ID(), ROW_COUNT(), FOUND_ROWS(), CONNECTION_ID(), VERSION(), USER(), "
     "SESSION_USER(), DATABASE()",
     NULL},
    {"SELECT SUM(a), AVG(b), MIN(c), MAX(d), COUNT(*), COUNT(DISTINCT e, f), STD(g), VARIANCE(h), "
     "BIT_AND(i) FROM t GROUP BY x",
     NULL},
    {"SELECT a, COUNT(*) FROM t GROUP BY a HAVING COUNT(*) > 1 ORDER BY 2 DESC, a", NULL},
    {"SELECT a FROM t ORDER BY a ASC, b DESC, c", NULL},
    {"SELECT LAG(a) OVER w, LEAD(a, 2, 0) OVER w, FIRST_VALUE(a) OVER w, LAST_VALUE(a) OVER w, "
     "NTH_VALUE(a, 2) OVER w, NTILE(4) OVER w, DENSE_RANK() OVER w, PERCENT_RANK() OVER w, "
     "CUME_DIST() OVER w FROM t WINDOW w AS (ORDER BY a)",
     NULL},
    {"SELECT SUM(a) OVER (), COUNT(*) OVER (PARTITION BY b), AVG(c) OVER (ORDER BY d ROWS 2 "
     "PRECEDING), MAX(e) OVER (ORDER BY f ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING), MIN(g) OVER "
     "(ORDER BY h RANGE UNBOUNDED PRECEDING) FROM t",
     NULL},
    {"SELECT SUM(a) OVER (ORDER BY b GROUPS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) FROM t",
     NULL},
    {"SELECT * FROM t1 WHERE a IN (SELECT b FROM t2 WHERE c IN (SELECT d FROM t3 WHERE e = (SELECT "
     "MAX(f) FROM t4)))",
     NULL},
    {"SELECT (SELECT a FROM t LIMIT 1) AS x, (SELECT b, c FROM u LIMIT 1) = (1, 2)", NULL},
    {"SELECT * FROM t1 LEFT JOIN (t2 LEFT JOIN t3 ON t2.a = t3.a) ON t1.b = t2.b", NULL},
    {"SELECT * FROM t1 JOIN t2 USING (a) JOIN t3 USING (b)", NULL},
    {"SELECT * FROM t1 NATURAL JOIN t2 NATURAL RIGHT OUTER JOIN t3",
     "SELECT * FROM t1 NATURAL JOIN t2 NATURAL RIGHT JOIN t3"},
    {"SELECT * FROM t1 STRAIGHT_JOIN t2 ON t1.a = t2.a", NULL},
    {"SELECT * FROM t1 INNER JOIN t2 CROSS JOIN t3", "SELECT * FROM t1 JOIN (t2 CROSS JOIN t3)"},
    {"SELECT * FROM t1 AS a, t1 b, db.t1 c", "SELECT * FROM t1 AS a, t1 AS b, db.t1 AS c"},
    {"SELECT * FROM (SELECT * FROM (SELECT 1 AS x) AS a) AS b", NULL},
    {"SELECT * FROM LATERAL (SELECT 1) AS l", NULL},
    {"SELECT * FROM t PARTITION (p0, p1) AS x", NULL},
    {"SELECT STRAIGHT_JOIN HIGH_PRIORITY SQL_SMALL_RESULT SQL_BIG_RESULT SQL_BUFFER_RESULT "
     "SQL_NO_CACHE DISTINCTROW a FROM t",
     "SELECT DISTINCT HIGH_PRIORITY STRAIGHT_JOIN SQL_SMALL_RESULT SQL_BIG_RESULT "
     "SQL_BUFFER_RESULT SQL_NO_CACHE a FROM t"},
    {"SELECT ALL a FROM t", NULL},
    {"SELECT 1 UNION ALL SELECT 2 ORDER BY 1 LIMIT 1", NULL},
    {"SELECT 1 UNION DISTINCT SELECT 2", NULL},
    {"SELECT 1 INTERSECT SELECT 2 UNION SELECT 3", NULL},
    {"SELECT 1 UNION (SELECT 2 UNION SELECT 3)", NULL},
    {"SELECT 1 EXCEPT SELECT 2 EXCEPT SELECT 3", NULL},
    {"(SELECT 1) UNION (SELECT 2)", "SELECT 1 UNION SELECT 2"},
    {"WITH cte AS (SELECT 1 AS a) SELECT a FROM cte UNION SELECT 2", NULL},
    {"WITH a AS (SELECT 1), b AS (SELECT * FROM a) SELECT * FROM b", NULL},
    {"SELECT * FROM t WHERE a = (WITH x AS (SELECT 1) SELECT * FROM x)", NULL},
    {"SELECT 1 FROM t FOR UPDATE", NULL},
    {"SELECT 1 FROM t FOR UPDATE OF t1, t2", NULL},
    {"SELECT 1 FROM t FOR SHARE NOWAIT", NULL},
    {"SELECT 1 FROM t1 FOR SHARE OF t1 FOR UPDATE OF t2", NULL},
    {"SELECT a, b INTO @x, @y FROM t WHERE id = 1 FOR UPDATE",
     "SELECT a, b FROM t WHERE id = 1 INTO @x, @y FOR UPDATE"},
    {"(SELECT a FROM t FOR UPDATE)", "SELECT a FROM t FOR UPDATE"},
    {"SELECT c FROM sbtest1 WHERE id BETWEEN ? AND ?", NULL},
    {"SELECT SUM(k) FROM sbtest1 WHERE id BETWEEN ? AND ?", NULL},
    {"SELECT c FROM sbtest1 WHERE id BETWEEN ? AND ? ORDER BY c", NULL},
    {"SELECT DISTINCT c FROM sbtest1 WHERE id BETWEEN ? AND ? ORDER BY c", NULL},
    {"UPDATE sbtest1 SET k=k+1 WHERE id=?", "UPDATE sbtest1 SET k = k + 1 WHERE id = ?"},
    {"UPDATE sbtest1 SET c=? WHERE id=?", "UPDATE sbtest1 SET c = ? WHERE id = ?"},
    {"DELETE FROM sbtest1 WHERE id=?", "DELETE FROM sbtest1 WHERE id = ?"},
    {"INSERT INTO sbtest1 (id, k, c, pad) VALUES (?, ?, ?, ?)", NULL},
    {"INSERT INTO sbtest1(k, c, pad) VALUES(0, 'a', 'b'),(1, 'c', 'd')",
     "INSERT INTO sbtest1 (k, c, pad) VALUES (0, 'a', 'b'), (1, 'c', 'd')"},
    {"SELECT @@max_allowed_packet,@@system_time_zone,@@time_zone,@@auto_increment_increment",
     "SELECT @@max_allowed_packet, @@system_time_zone, @@time_zone, @@auto_increment_increment"},
    {"SHOW VARIABLES WHERE Variable_name ='language' OR Variable_name = 'net_write_timeout' OR "
     "Variable_name = 'interactive_timeout'",
     "SHOW VARIABLES WHERE Variable_name = 'language' OR Variable_name = 'net_write_timeout' OR "
     "Variable_name = 'interactive_timeout'"},
    {"SELECT @@session.auto_increment_increment AS auto_increment_increment, "
     "@@character_set_client AS character_set_client",
     "SELECT @@SESSION.auto_increment_increment AS auto_increment_increment, "
     "@@character_set_client AS character_set_client"},
    {"SET NAMES utf8mb4", NULL},
    {"SET character_set_results = NULL", NULL},
    {"SET autocommit=1", "SET autocommit = 1"},
    {"SET sql_mode='STRICT_TRANS_TABLES'", "SET sql_mode = 'STRICT_TRANS_TABLES'"},
    {"SET AUTOCOMMIT = 0", NULL},
    {"/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */",
     "SET @OLD_CHARACTER_SET_CLIENT = @@CHARACTER_SET_CLIENT"},
    {"/*!40103 SET TIME_ZONE='+00:00' */", "SET TIME_ZONE = '+00:00'"},
    {"/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */",
     "SET @OLD_UNIQUE_CHECKS = @@UNIQUE_CHECKS, UNIQUE_CHECKS = 0"},
    {"/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */",
     "SET @OLD_SQL_MODE = @@SQL_MODE, SQL_MODE = 'NO_AUTO_VALUE_ON_ZERO'"},
    {"/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */",
     "SET @OLD_SQL_NOTES = @@SQL_NOTES, SQL_NOTES = 0"},
    {"/*!40101 SET @saved_cs_client     = @@character_set_client */",
     "SET @saved_cs_client = @@character_set_client"},
    {"/*!50503 SET character_set_client = utf8mb4 */", "SET character_set_client = utf8mb4"},
    {"/*!40000 ALTER TABLE `t` DISABLE KEYS */", "ALTER TABLE t DISABLE KEYS"},
    {"/*!40000 ALTER TABLE `t` ENABLE KEYS */", "ALTER TABLE t ENABLE KEYS"},
    {"CREATE TABLE `t` (`id` int NOT NULL AUTO_INCREMENT, `name` varchar(100) COLLATE "
     "utf8mb4_unicode_ci DEFAULT NULL, `created` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP, "
     "PRIMARY KEY (`id`), KEY `idx_name` (`name`)) ENGINE=InnoDB AUTO_INCREMENT=3 DEFAULT "
     "CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
     "CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT, name VARCHAR(100) COLLATE utf8mb4_unicode_ci "
     "DEFAULT NULL, created DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (id), KEY "
     "idx_name (name)) ENGINE = InnoDB AUTO_INCREMENT = 3 DEFAULT CHARACTER SET = utf8mb4 COLLATE "
     "= utf8mb4_unicode_ci"},
    {"LOCK TABLES `t` WRITE", "LOCK TABLES t WRITE"},
    {"INSERT INTO `t` VALUES (1,'a','2020-01-01 00:00:00'),(2,NULL,'2020-01-02 00:00:00')",
     "INSERT INTO t VALUES (1, 'a', '2020-01-01 00:00:00'), (2, NULL, '2020-01-02 00:00:00')"},
    {"/*!50001 CREATE ALGORITHM=UNDEFINED */ /*!50013 DEFINER=`root`@`localhost` SQL SECURITY "
     "DEFINER */ /*!50001 VIEW `v` AS select `t`.`id` AS `id` from `t` */",
     "CREATE ALGORITHM = UNDEFINED DEFINER = 'root'@'localhost' SQL SECURITY DEFINER VIEW v AS "
     "SELECT t.id AS id FROM t"},
    {"/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `tr` BEFORE INSERT "
     "ON `t` FOR EACH ROW SET NEW.id = NEW.id */",
     "CREATE DEFINER = 'root'@'localhost' TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.id = "
     "NEW.id"},
    {"CREATE DATABASE /*!32312 IF NOT EXISTS*/ `d` /*!40100 DEFAULT CHARACTER SET utf8mb4 COLLATE "
     "utf8mb4_0900_ai_ci */ /*!80016 DEFAULT ENCRYPTION='N' */",
     "CREATE DATABASE IF NOT EXISTS d DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci "
     "DEFAULT ENCRYPTION = 'N'"},
    {"SELECT 1 /*!99999 , 2 */", "SELECT 1"},
    {"SELECT 1 /*M!100100 , 2 */", "SELECT 1, 2"},
    {"SELECT 1 /*M! , 2 */", "SELECT 1, 2"},
    {"SELECT 1 /*M!999999 , 2 */", "SELECT 1"},
    {"SELECT /*! STRAIGHT_JOIN */ a FROM t", "SELECT STRAIGHT_JOIN a FROM t"},
    {"SELECT 1 /* comment */ + /* another */ 2", "SELECT 1 + 2"},
    {"SELECT 1 -- trailing comment", "SELECT 1"},
    {"SELECT 1 # hash comment", "SELECT 1"},
    {"SELECT 1 /*!*/", "SELECT 1"},
    {"CREATE TABLE t1 (a TINYINT(1), b SMALLINT UNSIGNED, c MEDIUMINT, d INTEGER(11) ZEROFILL, e "
     "BIGINT(20) SIGNED, f INT1, g INT2, h INT3, i INT4, j INT8, k MIDDLEINT)",
     "CREATE TABLE t1 (a TINYINT(1), b SMALLINT UNSIGNED, c MEDIUMINT, d INT(11) UNSIGNED "
     "ZEROFILL, e BIGINT(20), f TINYINT, g SMALLINT, h MEDIUMINT, i INT, j BIGINT, k MEDIUMINT)"},
    {"CREATE TABLE t2 (a DECIMAL, b DEC(5), c NUMERIC(10,3), d FIXED(4,1), e FLOAT, f FLOAT(10), g "
     "DOUBLE, h DOUBLE PRECISION(10,2), i REAL, j FLOAT4, k FLOAT8)",
     "CREATE TABLE t2 (a DECIMAL, b DECIMAL(5), c DECIMAL(10,3), d DECIMAL(4,1), e FLOAT, f "
     "FLOAT(10), g DOUBLE, h DOUBLE(10,2), i DOUBLE, j FLOAT, k DOUBLE)"},
    {"CREATE TABLE t3 (a CHAR(1) BINARY, b CHARACTER(2), c VARCHAR(3) CHARACTER SET latin1 BINARY, "
     "d CHARACTER VARYING(4), e NATIONAL CHAR(5), f NATIONAL VARCHAR(6), g NCHAR VARCHAR(7), h "
     "VARCHARACTER(8), i LONG, j LONG VARCHAR, k LONG VARBINARY)",
     "CREATE TABLE t3 (a CHAR(1) BINARY, b CHAR(2), c VARCHAR(3) CHARACTER SET latin1 BINARY, d "
     "VARCHAR(4), e NCHAR(5), f NVARCHAR(6), g NVARCHAR(7), h VARCHAR(8), i MEDIUMTEXT, j "
     "MEDIUMTEXT, k MEDIUMBLOB)"},
    {"CREATE TABLE t4 (a TEXT(100), b TINYBLOB, c MEDIUMBLOB, d LONGBLOB, e BLOB, f TIME, g "
     "TIMESTAMP, h DATETIME(3), i YEAR(4), j BOOLEAN, k BIT, l SERIAL, m ENUM('x', 'y') CHARACTER "
     "SET utf8 DEFAULT 'x', n SET('a', 'b', 'c') DEFAULT 'a,b')",
     NULL},
    {"CREATE TABLE t5 (a INT KEY, b INT UNIQUE, c INT UNIQUE KEY, d INT NULL, e INT COMMENT 'x' "
     "INVISIBLE, f INT SERIAL DEFAULT VALUE, g INT DEFAULT -1, h FLOAT DEFAULT +1.5, i INT DEFAULT "
     "NULL, j DATETIME DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, k VARCHAR(10) "
     "DEFAULT _utf8mb4'x')",
     "CREATE TABLE t5 (a INT PRIMARY KEY, b INT UNIQUE KEY, c INT UNIQUE KEY, d INT NULL, e INT "
     "COMMENT 'x' INVISIBLE, f INT NOT NULL AUTO_INCREMENT UNIQUE KEY, g INT DEFAULT -1, h FLOAT "
     "DEFAULT 1.5, i INT DEFAULT NULL, j DATETIME DEFAULT CURRENT_TIMESTAMP ON UPDATE "
     "CURRENT_TIMESTAMP, k VARCHAR(10) DEFAULT _utf8mb4'x')"},
    {"CREATE TABLE t6 (a INT, b INT, FULLTEXT KEY ft (a), SPATIAL INDEX sp (b), UNIQUE (a, b), "
     "CONSTRAINT UNIQUE INDEX u2 USING BTREE (b) COMMENT 'c', INDEX i3 (a) USING HASH, KEY i4 ((a "
     "+ b)), FOREIGN KEY (a) REFERENCES t (x) ON DELETE NO ACTION ON UPDATE RESTRICT, CONSTRAINT "
     "f2 FOREIGN KEY fk2 (b) REFERENCES t (y) ON DELETE SET DEFAULT)",
     "CREATE TABLE t6 (a INT, b INT, FULLTEXT KEY ft (a), SPATIAL INDEX sp (b), UNIQUE INDEX (a, "
     "b), UNIQUE INDEX u2 USING BTREE (b) COMMENT 'c', INDEX i3 (a) USING HASH, KEY i4 ((a + b)), "
     "FOREIGN KEY (a) REFERENCES t (x) ON DELETE NO ACTION ON UPDATE RESTRICT, CONSTRAINT f2 "
     "FOREIGN KEY fk2 (b) REFERENCES t (y) ON DELETE SET DEFAULT)"},
    {"CREATE TABLE t7 (a INT) ENGINE InnoDB, CHARSET utf8, STATS_PERSISTENT 0",
     "CREATE TABLE t7 (a INT) ENGINE InnoDB CHARACTER SET utf8 STATS_PERSISTENT 0"},
    {"CREATE TABLE t8 (a INT) IGNORE SELECT 1 AS a",
     "CREATE TABLE t8 (a INT) IGNORE AS SELECT 1 AS a"},
    {"CREATE TABLE t9 (a INT) REPLACE AS SELECT 1 AS a", NULL},
    {"CREATE TABLE t10 (LIKE t1)", "CREATE TABLE t10 LIKE t1"},
    {"CREATE TABLE db.t11 (a INT CHECK (a > 0) ENFORCED, b INT CONSTRAINT ck CHECK (b > 0))", NULL},
    {"CREATE TABLE t12 (a INT NOT NULL, b INT NOT NULL DEFAULT 0, PRIMARY KEY (a, b DESC))", NULL},
    {"CREATE TABLE t1( x INTEGER, y VARCHAR(8) )", "CREATE TABLE t1 (x INT, y VARCHAR(8))"},
    {"CREATE TABLE tab0(pk INTEGER PRIMARY KEY, col0 INTEGER, col1 FLOAT, col2 TEXT, col3 INTEGER, "
     "col4 FLOAT, col5 TEXT)",
     "CREATE TABLE tab0 (pk INT PRIMARY KEY, col0 INT, col1 FLOAT, col2 TEXT, col3 INT, col4 "
     "FLOAT, col5 TEXT)"},
    {"CREATE INDEX idx_tab0_0 ON tab0 (col0 DESC)", NULL},
    {"CREATE INDEX i USING BTREE ON t (a) ALGORITHM = INPLACE LOCK = NONE", NULL},
    {"CREATE FULLTEXT INDEX ft ON t (a)", NULL},
    {"ALTER TABLE t ADD CONSTRAINT PRIMARY KEY (a), ADD CHECK (a > 0), DROP CHECK c, DROP "
     "CONSTRAINT c2, ALTER INDEX i INVISIBLE, ALTER COLUMN a SET INVISIBLE, RENAME INDEX a TO b, "
     "RENAME KEY c TO d, FORCE",
     "ALTER TABLE t ADD PRIMARY KEY (a), ADD CHECK (a > 0), DROP CHECK c, DROP CHECK c2, ALTER "
     "INDEX i INVISIBLE, ALTER COLUMN a SET INVISIBLE, RENAME INDEX a TO b, RENAME INDEX c TO d, "
     "FORCE"},
    {"ALTER TABLE t MODIFY COLUMN a VARCHAR(10) NOT NULL AFTER b, ALTER COLUMN b SET DEFAULT (a + "
     "1), ALTER b SET DEFAULT 'x', ADD COLUMN (c INT, INDEX (c))",
     NULL},
    {"ALTER TABLE t COMMENT = 'x', ROW_FORMAT = COMPRESSED", NULL},
    {"ALTER TABLE t", NULL},
    {"ALTER DATABASE d CHARACTER SET utf8", NULL},
    {"SELECT DISTINCT + col2 AS col1 FROM tab0 AS cor0 WHERE NOT - col0 BETWEEN NULL AND ( NULL )",
     "SELECT DISTINCT col2 AS col1 FROM tab0 AS cor0 WHERE NOT -col0 BETWEEN NULL AND NULL"},
    {"SELECT ALL - 59 * - col2 + + col1 AS col0 FROM tab1 AS cor0 WHERE NOT ( + col0 ) IS NULL",
     "SELECT ALL -59 * -col2 + col1 AS col0 FROM tab1 AS cor0 WHERE NOT col0 IS NULL"},
    {"SELECT - col1 * + 62 FROM tab2 WHERE NOT + 61 NOT IN ( + col0, col1 * - col2 )",
     "SELECT -col1 * 62 FROM tab2 WHERE NOT 61 NOT IN (col0, col1 * -col2)"},
    {"SELECT CAST( - 45 AS SIGNED ) * - COUNT( * )", "SELECT CAST(-45 AS SIGNED) * -COUNT(*)"},
    {"SELECT DISTINCT COUNT ( * ) FROM tab0", "SELECT DISTINCT COUNT(*) FROM tab0"},
    {"SELECT cor0.col1 FROM tab0 cor0 CROSS JOIN tab1 AS cor1",
     "SELECT cor0.col1 FROM tab0 AS cor0 CROSS JOIN tab1 AS cor1"},
    {"SELECT * FROM tab0 WHERE + col0 IN ( SELECT col3 FROM tab0 WHERE ( col4 > 1.5 ) )",
     "SELECT * FROM tab0 WHERE col0 IN (SELECT col3 FROM tab0 WHERE col4 > 1.5)"},
    {"SELECT a+b*2+c*3+d*4+e*5 FROM t1 WHERE (e>c OR e<d) AND d>e AND EXISTS(SELECT 1 FROM t1 AS x "
     "WHERE x.b<t1.b)",
     "SELECT a + b * 2 + c * 3 + d * 4 + e * 5 FROM t1 WHERE (e > c OR e < d) AND d > e AND EXISTS "
     "(SELECT 1 FROM t1 AS x WHERE x.b < t1.b)"},
    {"SELECT CASE WHEN c>(SELECT avg(c) FROM t1) THEN a*2 ELSE b*10 END FROM t1 ORDER BY 1",
     "SELECT CASE WHEN c > (SELECT avg(c) FROM t1) THEN a * 2 ELSE b * 10 END FROM t1 ORDER BY 1"},
    {"SELECT x FROM t1 WHERE x NOT IN (1,2) AND y IS NOT NULL",
     "SELECT x FROM t1 WHERE x NOT IN (1, 2) AND y IS NOT NULL"},
    {"INSERT INTO t1(e,c,b,d,a) VALUES(103,102,100,101,104)",
     "INSERT INTO t1 (e, c, b, d, a) VALUES (103, 102, 100, 101, 104)"},
    {"CREATE VIEW view_2 AS SELECT pk, col0 FROM tab0 WHERE col0 = 49", NULL},
    {"DO GET_LOCK('x', 10)", NULL},
    {"SET @x = (SELECT 1)", NULL},
    {"SET @a := 1, @b = @a + 1", "SET @a = 1, @b = @a + 1"},
    {"SET GLOBAL max_connections = 100, SESSION wait_timeout = 10, @@global.x = 1, LOCAL y = 2",
     "SET GLOBAL max_connections = 100, SESSION wait_timeout = 10, GLOBAL x = 1, LOCAL y = 2"},
    {"SET PERSIST innodb_buffer_pool_size = 1024", NULL},
    {"SET x = ON, y = ALL, z = BINARY, w = ROW, v = SYSTEM, u = DEFAULT",
     "SET x = `ON`, y = `ALL`, z = `BINARY`, w = `ROW`, v = `SYSTEM`, u = DEFAULT"},
    {"SET NEW.a = 1", NULL},
    {"SET NAMES DEFAULT", NULL},
    {"SET NAMES binary", "SET NAMES `binary`"},
    {"SHOW STORAGE ENGINES", "SHOW ENGINES"},
    {"SHOW ENGINE INNODB STATUS", "SHOW ENGINE INNODB `STATUS`"},
    {"SHOW OPEN TABLES FROM db LIKE 'x'", NULL},
    {"SHOW FUNCTION STATUS LIKE 'f'", NULL},
    {"SHOW PROCEDURE STATUS", NULL},
    {"SHOW EVENTS", NULL},
    {"SHOW PRIVILEGES", NULL},
    {"SHOW PROFILES", NULL},
    {"SHOW SLAVE STATUS", NULL},
    {"SHOW REPLICA STATUS", "SHOW SLAVE STATUS"},
    {"SHOW BINARY LOGS", NULL},
    {"SHOW MASTER LOGS", "SHOW BINARY LOGS"},
    {"SHOW CREATE TRIGGER tr", NULL},
    {"SHOW CREATE USER root", "SHOW CREATE USER 'root'"},
    {"SHOW CREATE SCHEMA IF NOT EXISTS d", "SHOW CREATE DATABASE IF NOT EXISTS d"},
    {"SHOW EXTENDED FULL COLUMNS FROM t", NULL},
    {"SHOW EXTENDED INDEXES IN t FROM d", "SHOW EXTENDED INDEX IN t FROM d"},
    {"SHOW ERRORS LIMIT 1, 2", NULL},
    {"SHOW COUNT(*) ERRORS", NULL},
    {"SHOW LOCAL STATUS LIKE 'x'", NULL},
    {"SHOW CHARSET LIKE 'utf8%'", "SHOW CHARACTER SET LIKE 'utf8%'"},
    {"SHOW PROCESSLIST", NULL},
    {"SHOW TABLES IN d", NULL},
    {"DESCRIBE db.t 'a%'", NULL},
    {"DESC SELECT 1", "EXPLAIN SELECT 1"},
    {"EXPLAIN FORMAT=TREE SELECT * FROM t", "EXPLAIN FORMAT = TREE SELECT * FROM t"},
    {"EXPLAIN UPDATE t SET a = 1", NULL},
    {"EXPLAIN DELETE FROM t", NULL},
    {"EXPLAIN INSERT INTO t VALUES (1)", NULL},
    {"KILL @id", NULL},
    {"CREATE USER 'a'@'localhost', 'b'@'%' IDENTIFIED BY PASSWORD '*ABC'", NULL},
    {"CREATE USER CURRENT_USER() IDENTIFIED BY 'x'", "CREATE USER CURRENT_USER IDENTIFIED BY 'x'"},
    {"GRANT EXECUTE ON PROCEDURE db.p TO u", "GRANT EXECUTE ON PROCEDURE db.p TO 'u'"},
    {"GRANT SELECT ON TABLE t TO u", "GRANT SELECT ON TABLE t TO 'u'"},
    {"GRANT SELECT ON * TO u", "GRANT SELECT ON * TO 'u'"},
    {"GRANT CREATE TEMPORARY TABLES, LOCK TABLES, SHOW VIEW, CREATE VIEW, CREATE ROUTINE, ALTER "
     "ROUTINE, EVENT, TRIGGER, RELOAD, SHUTDOWN, SUPER, FILE, REFERENCES, INDEX, ALTER, DROP, "
     "CREATE, DELETE, USAGE, SHOW DATABASES, REPLICATION CLIENT, CREATE USER ON *.* TO 'u'@'%'",
     NULL},
    {"REVOKE INSERT, UPDATE ON *.* FROM 'a'@'b', c",
     "REVOKE INSERT, UPDATE ON *.* FROM 'a'@'b', 'c'"},
    {"FLUSH LOCAL PRIVILEGES", NULL},
    {"FLUSH NO_WRITE_TO_BINLOG LOGS, STATUS", "FLUSH LOCAL LOGS, STATUS"},
    {"FLUSH HOSTS", NULL},
    {"FLUSH BINARY LOGS", NULL},
    {"FLUSH TABLES WITH READ LOCK", NULL},
    {"FLUSH TABLE t", "FLUSH TABLES t"},
    {"LOCK TABLE t1 LOW_PRIORITY WRITE, t2 x READ",
     "LOCK TABLES t1 LOW_PRIORITY WRITE, t2 AS x READ"},
    {"UNLOCK TABLE", "UNLOCK TABLES"},
    {"CHECK TABLE t QUICK", NULL},
    {"REPAIR TABLE t EXTENDED", NULL},
    {"ANALYZE LOCAL TABLE t", NULL},
    {"OPTIMIZE NO_WRITE_TO_BINLOG TABLE t1, db.t2", "OPTIMIZE LOCAL TABLE t1, db.t2"},
    {"PREPARE stmt1 FROM @sql", NULL},
    {"EXECUTE stmt1 USING @a, @b", NULL},
    {"DROP PREPARE stmt1", "DEALLOCATE PREPARE stmt1"},
    {"START TRANSACTION", NULL},
    {"COMMIT AND CHAIN RELEASE", NULL},
    {"ROLLBACK AND CHAIN", NULL},
    {"BEGIN WORK", NULL},
    /* Keywords used as names, and names that need quotes. */
    {"SELECT t.select, t.from, `t`.`where` FROM t",
     "SELECT t.`select`, t.`from`, t.`where` FROM t"},
    {"select `1`, `a b`, `é`, `_utf8`, `x``y`, _abc from t",
     "SELECT `1`, `a b`, `é`, `_utf8`, `x``y`, _abc FROM t"},
    {"SELECT NEW.status, OLD.date FROM t", "SELECT NEW.`status`, OLD.`date` FROM t"},
    {"select x.y.z, .5 from t", "SELECT x.y.z, .5 FROM t"},
    {"select t1.1col, t1.2e5x, db.t.3c, t.a+.5, a*.5e1 from t1",
     "SELECT t1.`1col`, t1.`2e5x`, db.t.`3c`, t.a + .5, a * .5e1 FROM t1"},
    {"SELECT 1=1, 1<=>NULL, 1>=0, 2<=3, 4<>5, 6!=7",
     "SELECT 1 = 1, 1 <=> NULL, 1 >= 0, 2 <= 3, 4 <> 5, 6 <> 7"},
    {"SELECT a->'$.x', a->>'$[0]' FROM t", "SELECT a -> '$.x', a ->> '$[0]' FROM t"},
    {"SELECT d + INTERVAL 1 DAY + INTERVAL 2 HOUR", "SELECT d + INTERVAL 1 DAY + INTERVAL 2 HOUR"},
    {"SELECT (INTERVAL 1 DAY + d) * 2", NULL},
    {"SELECT @a := @a + 1, (@b := 2) + 1", NULL},
    {"SELECT - (- 1), -(a+b), - -a, ~-a, -~a", "SELECT - -1, -(a + b), - -a, ~-a, -~a"},
    {"SELECT (a OR b) AND c, a OR (b AND c), (a AND b) OR c",
     "SELECT (a OR b) AND c, a OR b AND c, a AND b OR c"},
    {"SELECT (a, b) IN ((1, 2)), 1 IN (1), 1 NOT IN (SELECT 1)", NULL},
    {"SELECT a FROM t WHERE (a = 1) = (b = 2)", "SELECT a FROM t WHERE a = 1 = (b = 2)"},
    {"SELECT (1 BETWEEN 0 AND 2) BETWEEN 0 AND 1", "SELECT (1 BETWEEN 0 AND 2) BETWEEN 0 AND 1"},
    {"SELECT 1 BETWEEN 0 AND (2 BETWEEN 0 AND 1)", "SELECT 1 BETWEEN 0 AND 2 BETWEEN 0 AND 1"},
    {"SELECT (a LIKE b) LIKE c, a LIKE (b LIKE c)", NULL},
    {"SELECT (NOT a) = b, NOT (a = b), (!a) + 1", "SELECT (NOT a) = b, NOT a = b, (NOT a) + 1"},
    {"SELECT (- a) COLLATE utf8_bin, -(a COLLATE utf8_bin)",
     "SELECT (-a) COLLATE utf8_bin, -a COLLATE utf8_bin"},
    {"SELECT a IS NULL IS NOT NULL, (a IS TRUE) IS FALSE",
     "SELECT a IS NULL IS NOT NULL, (a IS TRUE) IS FALSE"},
    {"SELECT * FROM (a JOIN b) JOIN (c JOIN d ON x) ON y",
     "SELECT * FROM (a JOIN b) JOIN (c JOIN d ON x) ON y"},
    {"SELECT * FROM a LEFT JOIN b ON x LEFT JOIN c ON y RIGHT JOIN d USING (z)", NULL},
    {"SELECT * FROM ((t))", "SELECT * FROM t"},
    {"SELECT * FROM (t1, t2)", "SELECT * FROM (t1, t2)"},
    {"(SELECT 1 UNION SELECT 2) UNION ALL SELECT 3", "SELECT 1 UNION SELECT 2 UNION ALL SELECT 3"},
    {"SELECT 1 UNION SELECT 2 INTERSECT SELECT 3", "SELECT 1 UNION (SELECT 2 INTERSECT SELECT 3)"},
    {"(SELECT 1 UNION SELECT 2) INTERSECT SELECT 3", NULL},
    {"SELECT * FROM t WHERE a IN (SELECT 1 UNION SELECT 2)", NULL},
    {"SELECT 1 FROM t1 WHERE EXISTS (SELECT * FROM t2 WHERE t2.a = t1.a LIMIT 1)", NULL},
    {"select ? + ?, ?", "SELECT ? + ?, ?"},
    {"Select Count(*) From T Where Id = 5", "SELECT Count(*) FROM T WHERE Id = 5"},
};

/* ---- tests ---- */

TEST(normalised_statements)
{
    size_t n = sizeof cases / sizeof cases[0];
    printf("  %zu statements\n", n);
    for (size_t i = 0; i < n; i++) {
        const char *want = cases[i].want ? cases[i].want : cases[i].sql;
        const char *got = norm(cases[i].sql);
        if (strcmp(got, want) != 0)
            test_fail_(__FILE__, __LINE__, "case %zu:\n    in:   %s\n    want: %s\n    got:  %s", i,
                       cases[i].sql, want, got);
        check_fixed_point(cases[i].sql, strlen(cases[i].sql), 0);
    }
}

/* With AST_PRINT_PARENS every compound operand is parenthesised, which shows the tree. */
TEST(operator_precedence)
{
    static const struct {
        const char *sql, *want;
        uint32_t flags;
    } p[] = {
        {"1+2*3", "1 + (2 * 3)", 0},
        {"1*2+3", "(1 * 2) + 3", 0},
        {"a OR b AND c", "a OR (b AND c)", 0},
        {"a AND b OR c AND d", "(a AND b) OR (c AND d)", 0},
        {"NOT a = b", "NOT (a = b)", 0},
        {"NOT a = b", "(NOT a) = b", SQL_PARSE_HIGH_NOT_PRECEDENCE},
        {"!a = b", "(NOT a) = b", 0},
        {"NOT a AND b", "(NOT a) AND b", 0},
        {"NOT a IS NULL", "NOT (a IS NULL)", 0},
        {"-x^y", "(-x) ^ y", 0},
        {"-x*y", "(-x) * y", 0},
        {"x^y*z", "(x ^ y) * z", 0},
        {"x*y^z", "x * (y ^ z)", 0},
        {"a || b", "a OR b", 0},
        {"a || b", "concat(a, b)", SQL_PARSE_PIPES_AS_CONCAT},
        {"a || b * c", "concat(a, b) * c", SQL_PARSE_PIPES_AS_CONCAT},
        {"a && b || c", "(a AND b) OR c", 0},
        {"x BETWEEN 1 AND 2 AND y", "(x BETWEEN 1 AND 2) AND y", 0},
        {"x NOT BETWEEN a + 1 AND b * 2", "x NOT BETWEEN (a + 1) AND (b * 2)", 0},
        {"a = b = c", "(a = b) = c", 0},
        {"a < b > c", "(a < b) > c", 0},
        {"a = b + c", "a = (b + c)", 0},
        {"a - b - c", "(a - b) - c", 0},
        {"a - (b - c)", "a - (b - c)", 0},
        {"a / b * c", "(a / b) * c", 0},
        {"a DIV b * c MOD d", "((a DIV b) * c) % d", 0},
        {"a | b & c", "a | (b & c)", 0},
        {"a & b | c", "(a & b) | c", 0},
        {"a & b << c", "a & (b << c)", 0},
        {"a << b + c", "a << (b + c)", 0},
        {"a + b << c", "(a + b) << c", 0},
        {"a XOR b OR c", "(a XOR b) OR c", 0},
        {"a AND b XOR c", "(a AND b) XOR c", 0},
        {"a OR b XOR c", "a OR (b XOR c)", 0},
        {"a XOR b XOR c", "(a XOR b) XOR c", 0},
        {"a IS NULL = b", "(a IS NULL) = b", 0},
        {"a = b IS NULL", "(a = b) IS NULL", 0},
        {"a = b IS TRUE", "(a = b) IS TRUE", 0},
        {"a LIKE b OR c", "(a LIKE b) OR c", 0},
        {"a LIKE (b + c)", "a LIKE (b + c)", 0},
        {"a IN (1) = b", "(a IN (1)) = b", 0},
        {"a + b IN (1, 2)", "(a + b) IN (1, 2)", 0},
        {"- a COLLATE x", "-(a COLLATE x)", 0},
        {"a COLLATE x = b", "(a COLLATE x) = b", 0},
        {"@a := 1 + 2", "@a := (1 + 2)", 0},
        {"@a := b OR c", "@a := (b OR c)", 0},
        {"a + INTERVAL 1 DAY + INTERVAL 2 HOUR", "(a + INTERVAL 1 DAY) + INTERVAL 2 HOUR", 0},
        {"INTERVAL 1 DAY + a * 2", "INTERVAL 1 DAY + (a * 2)", 0},
        {"~a + b", "(~a) + b", 0},
        {"a * -b", "a * (-b)", 0},
        {"NOT NOT a", "NOT (NOT a)", 0},
        {"1 - -1", "1 - (-1)", 0},
        {"a > ALL (SELECT 1) = b", "(a > ALL (SELECT 1)) = b", 0},
        {"CASE WHEN a THEN b + 1 END * 2", "CASE WHEN a THEN b + 1 END * 2", 0},
        {"a = 1 AND b = 2 OR c = 3 AND NOT d = 4",
         "((a = 1) AND (b = 2)) OR ((c = 3) AND (NOT (d = 4)))", 0},
    };
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++) {
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT %s", p[i].sql);
        struct arena a;
        arena_init(&a, 0);
        struct ast_stmt *s = parse1(&a, sql, p[i].flags);
        struct ast_select_item *it = s->select.query->select.items.items[0];
        const char *got = expr_text(it->expr, AST_PRINT_PARENS);
        if (strcmp(got, p[i].want) != 0)
            test_fail_(__FILE__, __LINE__, "%s (flags %u): want %s, got %s", p[i].sql, p[i].flags,
                       p[i].want, got);
        arena_deinit(&a);
        check_fixed_point(sql, strlen(sql), p[i].flags);
    }
    /* Things MySQL's grammar refuses. */
    ASSERT(strstr(norm("SELECT a = NOT b"), "ERROR 1064"));
    ASSERT(strstr(norm("SELECT a LIKE b + c"),
                  "ERROR 1064")); /* LIKE's pattern is a simple expression */
}

TEST(sql_mode_flags)
{
    ASSERT_STR_EQ(norm_f("SELECT \"a\"", SQL_PARSE_ANSI_QUOTES, 0), "SELECT a");
    ASSERT_STR_EQ(norm_f("SELECT \"a b\" FROM \"t\"", SQL_PARSE_ANSI_QUOTES, 0),
                  "SELECT `a b` FROM t");
    ASSERT_STR_EQ(norm_f("SELECT 'a\\'", SQL_PARSE_NO_BACKSLASH_ESCAPES, 0), "SELECT 'a\\\\'");
    ASSERT_STR_EQ(norm_f("SELECT 'a\\n'", SQL_PARSE_NO_BACKSLASH_ESCAPES, 0), "SELECT 'a\\\\n'");
    ASSERT_STR_EQ(norm_f("SELECT 'a\\n'", 0, 0), "SELECT 'a\\n'");
    ASSERT_STR_EQ(norm_f("SELECT 'a\\' b", SQL_PARSE_NO_BACKSLASH_ESCAPES, 0),
                  "SELECT 'a\\\\' AS b");
    ASSERT_STR_EQ(norm_f("SELECT 'a' || 'b' || 'c' || d", SQL_PARSE_PIPES_AS_CONCAT, 0),
                  "SELECT concat('a', 'b', 'c', d)");
    ASSERT_STR_EQ(norm_f("SELECT NOT 1 + 1", SQL_PARSE_HIGH_NOT_PRECEDENCE, AST_PRINT_PARENS),
                  "SELECT (NOT 1) + 1");
    /* NOT as in NOT NULL, NOT IN, NOT EXISTS keeps working under HIGH_NOT_PRECEDENCE. */
    ASSERT_STR_EQ(norm_f("CREATE TABLE t (a INT NOT NULL)", SQL_PARSE_HIGH_NOT_PRECEDENCE, 0),
                  "CREATE TABLE t (a INT NOT NULL)");
    ASSERT_STR_EQ(
        norm_f("SELECT a NOT IN (1) FROM t WHERE b IS NOT NULL", SQL_PARSE_HIGH_NOT_PRECEDENCE, 0),
        "SELECT a NOT IN (1) FROM t WHERE b IS NOT NULL");
    ASSERT_STR_EQ(
        norm_f("SELECT 1 FROM t WHERE NOT EXISTS (SELECT 1)", SQL_PARSE_HIGH_NOT_PRECEDENCE, 0),
        "SELECT 1 FROM t WHERE NOT EXISTS (SELECT 1)");
    /* Printing quotes everything on request (SHOW CREATE VIEW). */
    ASSERT_STR_EQ(norm_f("SELECT a, t.b AS c FROM d.t", 0, AST_PRINT_QUOTE_ALL),
                  "SELECT `a`, `t`.`b` AS `c` FROM `d`.`t`");
}

struct err_case {
    const char *sql;  /* Input. */
    int code;         /* MySQL error number. */
    const char *near; /* Expected near text (1064 only). */
    unsigned line;    /* Expected line (1064 only). */
};

TEST(syntax_error_messages)
{
    static const struct err_case e[] = {
        {"selec 1", 1064, "selec 1", 1},
        {"SELECT * FORM t", 1064, "FORM t", 1},
        {"select * from", 1064, "", 1},
        {"select 1 +", 1064, "", 1},
        {"select 1 +;", 1064, "", 1},
        {"SELECT a b c FROM t", 1064, "c FROM t", 1},
        {"select 1,\n2,\nfrom t", 1064, "from t", 3},
        {"SELECT *\nFROM t\nWHERE\n", 1064, "", 3}, /* trailing space is dropped first, as MySQL */
        {"\n\nselect x y z", 1064, "z", 1},
        {"SELECT * FROM t WHERE a = 1 AND", 1064, "", 1},
        {"UPDATE t SET a = 1 WHER b = 2", 1064, "WHER b = 2", 1},
        {"DELETE t WHERE a = 1", 1064, "WHERE a = 1", 1},
        {"DROP TABLE", 1064, "", 1},
        {"INSERT INTO t VALUES (1", 1064, "", 1},
        {"INSERT INTO t VALUES (1,)", 1064, ")", 1},
        {"CREATE TABLE t (a INT,)", 1064, ")", 1},
        {"CREATE TABLE t (a INT", 1064, "", 1},
        {"SELECT 1 FROM t ORDER a", 1064, "a", 1},
        {"SELECT * FROM t LIMIT -1", 1064, "-1", 1},
        {"SELECT a, * FROM t", 1064, "* FROM t", 1},
        {"SELECT CAST (1 AS CHAR)", 1064, "AS CHAR)", 1},
        {"SELECT 'abc", 1064, "'abc", 1},
        {"SELECT \"abc", 1064, "\"abc", 1},
        {"SELECT `abc", 1064, "`abc", 1},
        {"SELECT 1 /* unterminated", 1064, "/* unterminated", 1},
        {"SELECT 1 /*! + 2", 1064, "/*! + 2", 1},
        {"SELECT x'1'", 1064, "x'1'", 1},
        {"SELECT 1 FROM t WHERE a = {", 1064, "{", 1},
        {"SELECT \x01", 1064, "\x01", 1},
        {"select 1; selec 2", 1064, "selec 2", 1},
        {"select 1;\n\n  select from", 1064, "from", 1},
        {"select 1;;", 0, NULL, 0},
        {"CREATE TRIGGER t BEFORE INSERT ON t FOR EACH ROW BEGIN SET a = 1 END", 1064, "END", 1},
        {"CREATE OR REPLACE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET a = 1", 1064,
         "TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET a = 1", 1},
        {"SHOW COUNT(x) WARNINGS", 1064, "x) WARNINGS", 1},
        {"SHOW FOO(*) WARNINGS", 1064, "FOO(*) WARNINGS", 1},
        {"REVOKE SELECT FROM u", 1064, "FROM u", 1},
        {"INSERT QUICK INTO t VALUES (1)", 1064, "QUICK INTO t VALUES (1)", 1},
        {"", 1065, NULL, 0},
        {"   \n\t ", 1065, NULL, 0},
        {";", 1065, NULL, 0},
        /* 80 bytes of the rest of the text, then the line. */
        {"SELECT 1 FROM t WHERE x = 1 AND AND 01234567890123456789012345678901234567890123456789"
         "01234567890123456789012345678901234567890123456789",
         1064, "AND 0123456789012345678901234567890123456789012345678901234567890123456789012345",
         1},
        /* UTF-8 is cut on a character boundary, as MySQL's %-.80s does. */
        {"SELECT 1 )ééééééééééééééééééééééééééééééééééééééééééééééééééé", 1064,
         ")ééééééééééééééééééééééééééééééééééééééé", 1},
        /* Invalid UTF-8 stops the near text; the parser itself takes any bytes. */
        {"SELECT 1 ) ab\xff\xfe cd", 1064, ") ab", 1},
    };
    for (size_t i = 0; i < sizeof e / sizeof e[0]; i++) {
        struct arena a;
        arena_init(&a, 0);
        struct sql_parse_result r;
        int rc = sql_parse(&a, e[i].sql, strlen(e[i].sql), 0, &r);
        if (e[i].code == 0) {
            ASSERT_EQ(rc, 0);
            arena_deinit(&a);
            continue;
        }
        if (rc != ERR_INVALID || r.error.code != e[i].code)
            test_fail_(__FILE__, __LINE__, "case %zu \"%s\": rc %d, code %d (%s)", i, e[i].sql, rc,
                       r.error.code, r.error.message);
        ASSERT_STR_EQ(r.error.sqlstate, "42000");
        if (e[i].code == 1065) {
            ASSERT_STR_EQ(r.error.message, "Query was empty");
        } else {
            char want[600];
            snprintf(want, sizeof want,
                     "You have an error in your SQL syntax; check the manual that corresponds to "
                     "your MySQL server "
                     "version for the right syntax to use near '%s' at line %u",
                     e[i].near, e[i].line);
            if (strcmp(want, r.error.message) != 0)
                test_fail_(__FILE__, __LINE__, "case %zu \"%s\":\n    want: %s\n    got:  %s", i,
                           e[i].sql, want, r.error.message);
            ASSERT_EQ(r.error.line, e[i].line);
        }
        arena_deinit(&a);
    }
}

TEST(empty_and_comment_only)
{
    struct arena a;
    arena_init(&a, 0);
    const char *texts[] = {"/* nothing */",
                           "-- nothing",
                           "# nothing",
                           "/*!99999 SELECT 1 */",
                           "/*M!999999\\- enable the sandbox mode */",
                           "--"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        struct sql_parse_result r;
        ASSERT_OK(sql_parse(&a, texts[i], strlen(texts[i]), 0, &r));
        ASSERT_EQ(r.n_stmts, 1);
        ASSERT_EQ(r.stmts[0]->kind, AST_STMT_EMPTY);
    }
    /* A comment-only statement after a real one is a statement of its own, as MySQL answers it. */
    struct sql_parse_result r;
    ASSERT_OK(sql_parse(&a, "select 1; /* c */", 17, 0, &r));
    ASSERT_EQ(r.n_stmts, 2);
    ASSERT_EQ(r.stmts[1]->kind, AST_STMT_EMPTY);
    arena_deinit(&a);
}

TEST(multi_statement_split)
{
    struct arena a;
    arena_init(&a, 0);
    const char *sql = "select 1; select ?, ? ;\n  insert into t values (?);\t";
    struct sql_parse_result r;
    ASSERT_OK(sql_parse(&a, sql, strlen(sql), 0, &r));
    ASSERT_EQ(r.n_stmts, 3);
    ASSERT_EQ(r.stmts[0]->kind, AST_STMT_SELECT);
    ASSERT_EQ(r.stmts[1]->kind, AST_STMT_SELECT);
    ASSERT_EQ(r.stmts[2]->kind, AST_STMT_INSERT);
    /* Spans cover each statement without its ';'. */
    ASSERT_EQ(r.stmts[0]->span.start, 0);
    ASSERT_EQ(r.stmts[0]->span.end, 8);
    ASSERT_MEM_EQ(sql + r.stmts[1]->span.start, "select ?, ?", 11);
    ASSERT_EQ(r.stmts[1]->span.end - r.stmts[1]->span.start, 11);
    ASSERT_MEM_EQ(sql + r.stmts[2]->span.start, "insert into t values (?)", 24);
    /* Placeholders are numbered per statement. */
    ASSERT_EQ(r.stmts[0]->n_params, 0);
    ASSERT_EQ(r.stmts[1]->n_params, 2);
    ASSERT_EQ(r.stmts[2]->n_params, 1);
    struct ast_query *q = r.stmts[1]->select.query;
    ASSERT_EQ(AST_AT(q->select.items, 1, struct ast_select_item)->expr->param.index, 1);

    /* One at a time: next points at the following statement. */
    struct ast_stmt *s;
    size_t next;
    struct sql_error err;
    ASSERT_OK(sql_parse_one(&a, sql, strlen(sql), 0, &s, &next, &err));
    ASSERT_EQ(s->kind, AST_STMT_SELECT);
    ASSERT_EQ(next, 10);
    ASSERT_OK(sql_parse_one(&a, sql + next, strlen(sql) - next, 0, &s, &next, &err));
    ASSERT_EQ(s->n_params, 2);
    ASSERT_EQ(next, 16); /* relative to the text given */
    /* A trigger body's own semicolons do not split the statement. */
    const char *trg =
        "CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW BEGIN UPDATE c SET n = n + 1; "
        "INSERT INTO log VALUES (NEW.id); END; SELECT 1";
    ASSERT_OK(sql_parse(&a, trg, strlen(trg), 0, &r));
    ASSERT_EQ(r.n_stmts, 2);
    ASSERT_EQ(r.stmts[0]->kind, AST_STMT_CREATE_TRIGGER);
    ASSERT_EQ(r.stmts[0]->trigger.body->compound.stmts.n, 2);
    /* An error in a later statement keeps the earlier ones. */
    ASSERT_EQ(sql_parse(&a, "select 1; select 2; select", 26, 0, &r), ERR_INVALID);
    ASSERT_EQ(r.n_stmts, 2);
    ASSERT_EQ(r.error.code, 1064);
    ASSERT_EQ(r.error.offset, 26);
    arena_deinit(&a);
}

TEST(executable_comments)
{
    ASSERT_STR_EQ(norm("/*!40101 SET @a = 1 */"), "SET @a = 1");
    ASSERT_STR_EQ(norm("SELECT 1 /*!50000 + 2 */"), "SELECT 1 + 2");
    ASSERT_STR_EQ(norm("SELECT 1 /*!80036 + 2 */"), "SELECT 1 + 2");
    ASSERT_STR_EQ(norm("SELECT 1 /*!80037 + 2 */"), "SELECT 1");
    ASSERT_STR_EQ(norm("SELECT 1 /*!99999 + 2 */ + 3"), "SELECT 1 + 3");
    ASSERT_STR_EQ(norm("SELECT /*!STRAIGHT_JOIN*/ a FROM t"), "SELECT STRAIGHT_JOIN a FROM t");
    ASSERT_STR_EQ(norm("SELECT 1 /*!400011 + 2 */"),
                  "SELECT 1");                               /* a six-digit version above ours */
    ASSERT_STR_EQ(norm("SELECT /*!4000112*/"), "SELECT 12"); /* five digits; the rest is text */
    ASSERT_STR_EQ(norm("/*!40101 SET @a = /* inner */ 1 */"), "SET @a = 1");
    ASSERT_STR_EQ(norm("SELECT 1 /*M!100100 + 2 */"), "SELECT 1 + 2");
    ASSERT_STR_EQ(norm("SELECT 1 /*M!100600 + 2 */"), "SELECT 1");
    ASSERT_STR_EQ(norm("SELECT 1 /*M! + 2 */"), "SELECT 1 + 2");
    ASSERT_STR_EQ(norm("/*!50001 CREATE ALGORITHM=UNDEFINED */ /*!50013 DEFINER=`root`@`%` SQL "
                       "SECURITY DEFINER */ "
                       "/*!50001 VIEW `v` AS select 1 AS `a` */"),
                  "CREATE ALGORITHM = UNDEFINED DEFINER = 'root'@'%' SQL SECURITY DEFINER VIEW v "
                  "AS SELECT 1 AS a");
    ASSERT(strstr(norm("SELECT 1 */"), "ERROR 1064"));
}

TEST(nesting_limits)
{
    static char sql[400000];
    /* 256 levels of parentheses parse; 257 do not (1064 "memory exhausted", as MySQL's parser
     * stack). */
    for (int depth = 255; depth <= 257; depth++) {
        int n = sprintf(sql, "SELECT ");
        for (int i = 0; i < depth; i++)
            sql[n++] = '(';
        sql[n++] = '1';
        for (int i = 0; i < depth; i++)
            sql[n++] = ')';
        sql[n] = '\0';
        const char *got = norm(sql);
        if (depth <= 256)
            ASSERT_STR_EQ(got, "SELECT 1");
        else
            ASSERT(strncmp(got, "ERROR 1064 (42000): memory exhausted near '(1)))", 48) == 0);
    }
    /* A long flat chain deepens the tree without parentheses. */
    int n = sprintf(sql, "SELECT 1");
    for (int i = 0; i < 200; i++)
        n += sprintf(sql + n, "+1");
    ASSERT(strncmp(norm(sql), "SELECT 1 + 1", 12) == 0);
    for (int i = 0; i < 100; i++)
        n += sprintf(sql + n, "+1");
    ASSERT(strncmp(norm(sql), "ERROR 1064 (42000): memory exhausted near '+1+1", 46) == 0);
    /* AND / OR chains are one node: thousands of terms are fine. */
    n = sprintf(sql, "SELECT * FROM t WHERE a = 0");
    for (int i = 1; i < 5000; i++)
        n += sprintf(sql + n, " OR a = %d", i);
    ASSERT(strncmp(norm(sql), "SELECT * FROM t WHERE a = 0 OR a = 1 OR", 39) == 0);
    /* So are IN lists and VALUES rows. */
    n = sprintf(sql, "INSERT INTO t VALUES (0)");
    for (int i = 1; i < 10000; i++)
        n += sprintf(sql + n, ",(%d)", i);
    ASSERT(strncmp(norm(sql), "INSERT INTO t VALUES (0), (1)", 29) == 0);
    /* Unary chains fill the parser's stack: an error, not a crash. */
    n = sprintf(sql, "SELECT ");
    for (int i = 0; i < 50000; i++)
        sql[n++] = '-', sql[n++] = ' ';
    strcpy(sql + n, "1");
    ASSERT(strncmp(norm(sql), "ERROR 1064 (42000): memory exhausted near '", 43) == 0);
    n = sprintf(sql, "SELECT ");
    for (int i = 0; i < 50000; i++)
        n += sprintf(sql + n, "NOT ");
    strcpy(sql + n, "1");
    ASSERT(strncmp(norm(sql), "ERROR 1064 (42000): memory exhausted near '", 43) == 0);
    /* Subqueries: 64 nested query blocks parse, 65 give 1473 as MySQL. */
    for (int levels = 64; levels <= 65; levels++) {
        n = 0;
        for (int i = 0; i < levels - 1; i++)
            n += sprintf(sql + n, "SELECT (");
        n += sprintf(sql + n, "SELECT 1");
        for (int i = 0; i < levels - 1; i++)
            sql[n++] = ')';
        sql[n] = '\0';
        const char *got = norm(sql);
        if (levels == 64)
            ASSERT(strncmp(got, "SELECT (SELECT (", 16) == 0);
        else
            ASSERT_STR_EQ(got, "ERROR 1473 (HY000): Too high level of nesting for select");
    }
    /* Sibling subqueries do not add up. */
    n = sprintf(sql, "SELECT 1");
    for (int i = 0; i < 500; i++)
        n += sprintf(sql + n, ", (SELECT %d)", i);
    ASSERT(strncmp(norm(sql), "SELECT 1, (SELECT 0)", 20) == 0);
    /* Left-deep joins and set operations are bounded too. */
    n = sprintf(sql, "SELECT * FROM t0");
    for (int i = 1; i < 400; i++)
        n += sprintf(sql + n, " JOIN t%d ON 1", i);
    ASSERT(strncmp(norm(sql), "ERROR 1064 (42000): memory exhausted", 36) == 0);
    n = sprintf(sql, "SELECT 0");
    for (int i = 1; i < 400; i++)
        n += sprintf(sql + n, " UNION SELECT %d", i);
    ASSERT(strncmp(norm(sql), "ERROR 1064 (42000): memory exhausted", 36) == 0);
    /* Comma joins are a list: select5's 64-table joins are fine. */
    n = sprintf(sql, "SELECT * FROM t0");
    for (int i = 1; i < 1000; i++)
        n += sprintf(sql + n, ", t%d", i);
    ASSERT(strncmp(norm(sql), "SELECT * FROM t0, t1", 20) == 0);
}

TEST(tree_point_select)
{
    struct arena a;
    arena_init(&a, 0);
    const char *sql = "SELECT c FROM sbtest1 WHERE id=?";
    struct ast_stmt *s = parse1(&a, sql, 0);
    ASSERT_EQ(s->kind, AST_STMT_SELECT);
    ASSERT_EQ(s->n_params, 1);
    ASSERT_EQ(s->span.start, 0);
    ASSERT_EQ(s->span.end, strlen(sql));
    struct ast_query *q = s->select.query;
    ASSERT_EQ(q->kind, AST_QUERY_SELECT);
    ASSERT_EQ(q->select.items.n, 1);
    struct ast_select_item *it = q->select.items.items[0];
    ASSERT_EQ(it->expr->kind, AST_EXPR_COLUMN);
    ASSERT_STR_EQ(it->expr->column.column.str, "c");
    ASSERT(it->expr->column.table.str == NULL);
    ASSERT(it->alias.str == NULL);
    ASSERT_EQ(it->span.start, 7);
    ASSERT_EQ(it->span.end, 8);
    ASSERT_EQ(q->select.from.n, 1);
    struct ast_table_ref *t = q->select.from.items[0];
    ASSERT_EQ(t->kind, AST_TREF_TABLE);
    ASSERT_STR_EQ(t->table.name.name.str, "sbtest1");
    ASSERT(t->table.name.db.str == NULL);
    struct ast_expr *w = q->select.where;
    ASSERT_EQ(w->kind, AST_EXPR_BINARY);
    ASSERT_EQ(w->binary.op, AST_OP_EQ);
    ASSERT_EQ(w->binary.left->kind, AST_EXPR_COLUMN);
    ASSERT_STR_EQ(w->binary.left->column.column.str, "id");
    ASSERT_EQ(w->binary.right->kind, AST_EXPR_PARAM);
    ASSERT_EQ(w->binary.right->param.index, 0);
    ASSERT_EQ(w->span.start, 28);
    ASSERT_EQ(w->span.end, 32);
    ASSERT(q->limit == NULL && q->order_by.n == 0 && q->select.group_by.n == 0);
    arena_deinit(&a);
}

TEST(tree_literals)
{
    struct arena a;
    arena_init(&a, 0);
    struct ast_stmt *s = parse1(
        &a,
        "SELECT 42, 18446744073709551615, 18446744073709551616, 1.50, 1e3, 'a\\nb''c', X'41FF', "
        "0x123, b'101', NULL, TRUE, FALSE, DATE '2020-01-02', _latin1'x', N'y', _binary 0x41, "
        "'a' \"b\" 'c', '\\%\\_\\x\\0'",
        0);
    struct ast_list *l = &s->select.query->select.items;
    struct ast_expr *e[32];
    for (uint32_t i = 0; i < l->n; i++) {
        e[i] = AST_AT(*l, i, struct ast_select_item)->expr;
        ASSERT_EQ(e[i]->kind, AST_EXPR_LITERAL);
    }
    ASSERT_EQ(e[0]->lit.kind, AST_LIT_INT);
    ASSERT_U64_EQ(e[0]->lit.u, 42);
    ASSERT_EQ(e[1]->lit.kind, AST_LIT_INT);
    ASSERT_U64_EQ(e[1]->lit.u, UINT64_MAX);
    ASSERT_EQ(e[2]->lit.kind, AST_LIT_DECIMAL);
    ASSERT_STR_EQ(e[2]->lit.str, "18446744073709551616");
    ASSERT_EQ(e[3]->lit.kind, AST_LIT_DECIMAL);
    ASSERT_STR_EQ(e[3]->lit.str, "1.50");
    ASSERT_EQ(e[4]->lit.kind, AST_LIT_FLOAT);
    ASSERT(e[4]->lit.d == 1000.0);
    ASSERT_EQ(e[5]->lit.kind, AST_LIT_STRING);
    ASSERT_EQ(e[5]->lit.len, 5);
    ASSERT_MEM_EQ(e[5]->lit.str, "a\nb'c", 5);
    ASSERT_EQ(e[6]->lit.kind, AST_LIT_HEX);
    ASSERT_EQ(e[6]->lit.len, 2);
    ASSERT_MEM_EQ(e[6]->lit.str, "\x41\xff", 2);
    ASSERT_EQ(e[7]->lit.kind, AST_LIT_HEX);
    ASSERT_EQ(e[7]->lit.len, 2);
    ASSERT_MEM_EQ(e[7]->lit.str, "\x01\x23", 2);
    ASSERT_EQ(e[8]->lit.kind, AST_LIT_BIT);
    ASSERT_EQ(e[8]->lit.len, 1);
    ASSERT_EQ(e[8]->lit.str[0], 5);
    ASSERT_EQ(e[9]->lit.kind, AST_LIT_NULL);
    ASSERT_EQ(e[10]->lit.kind, AST_LIT_BOOL);
    ASSERT_U64_EQ(e[10]->lit.u, 1);
    ASSERT_U64_EQ(e[11]->lit.u, 0);
    ASSERT_EQ(e[12]->lit.kind, AST_LIT_DATE);
    ASSERT_STR_EQ(e[12]->lit.str, "2020-01-02");
    ASSERT_STR_EQ(e[13]->lit.charset.str, "latin1");
    ASSERT_STR_EQ(e[13]->lit.str, "x");
    ASSERT(e[14]->lit.national);
    ASSERT_STR_EQ(e[15]->lit.charset.str, "binary");
    ASSERT_EQ(e[15]->lit.kind, AST_LIT_HEX);
    ASSERT_STR_EQ(e[16]->lit.str, "abc");
    ASSERT_EQ(e[17]->lit.len, 6);
    ASSERT_MEM_EQ(e[17]->lit.str, "\\%\\_x\0", 6);
    /* Literals keep their own text; strings' text spans the quotes. */
    const char *sql = "SELECT 1.50, 'q'";
    s = parse1(&a, sql, 0);
    struct ast_expr *d = AST_AT(s->select.query->select.items, 0, struct ast_select_item)->expr;
    ASSERT_EQ(d->lit.text.start, 7);
    ASSERT_EQ(d->lit.text.end, 11);
    arena_deinit(&a);
}

TEST(tree_names_and_spans)
{
    struct arena a;
    arena_init(&a, 0);
    const char *sql = "SELECT db.t.c, t.*, `a``b` AS `x y`, 1+ 1, COUNT(*), db.f(1) FROM db.t AS u";
    struct ast_stmt *s = parse1(&a, sql, 0);
    struct ast_list *l = &s->select.query->select.items;
    struct ast_select_item *it = l->items[0];
    ASSERT_STR_EQ(it->expr->column.db.str, "db");
    ASSERT_STR_EQ(it->expr->column.table.str, "t");
    ASSERT_STR_EQ(it->expr->column.column.str, "c");
    it = l->items[1];
    ASSERT_EQ(it->expr->kind, AST_EXPR_STAR);
    ASSERT_STR_EQ(it->expr->column.table.str, "t");
    it = l->items[2];
    ASSERT_STR_EQ(it->expr->column.column.str, "a`b");
    ASSERT(it->expr->column.column.quoted);
    ASSERT_EQ(it->expr->column.column.len, 3);
    ASSERT_STR_EQ(it->alias.str, "x y");
    it = l->items[3];
    /* The item's span is the expression as written: MySQL names the column by it. */
    ASSERT_EQ(it->span.end - it->span.start, 4);
    ASSERT_MEM_EQ(sql + it->span.start, "1+ 1", 4);
    it = l->items[4];
    ASSERT_EQ(it->expr->kind, AST_EXPR_FUNC);
    ASSERT(it->expr->func.star);
    ASSERT_STR_EQ(it->expr->func.name.str, "COUNT");
    it = l->items[5];
    ASSERT_STR_EQ(it->expr->func.db.str, "db");
    ASSERT_STR_EQ(it->expr->func.name.str, "f");
    struct ast_table_ref *t = s->select.query->select.from.items[0];
    ASSERT_STR_EQ(t->table.name.db.str, "db");
    ASSERT_STR_EQ(t->alias.str, "u");
    ASSERT_MEM_EQ(sql + t->table.name.span.start, "db.t", 4);
    /* AND chains are one node; IN lists are a list. */
    s = parse1(&a, "SELECT 1 FROM t WHERE a AND b AND (c AND d) AND e IN (1, 2, 3)", 0);
    struct ast_expr *w = s->select.query->select.where;
    ASSERT_EQ(w->kind, AST_EXPR_AND);
    ASSERT_EQ(w->logic.args.n, 5);
    ASSERT_EQ(AST_AT(w->logic.args, 4, struct ast_expr)->in.list.n, 3);
    /* user@host in every form. */
    s = parse1(&a, "CREATE USER 'a'@'h1', b@h2, `c`@`h3`, d@'%', e@192.168.0.1, f", 0);
    const char *names[] = {"a", "b", "c", "d", "e", "f"},
               *hosts[] = {"h1", "h2", "h3", "%", "192.168.0.1", NULL};
    ASSERT_EQ(s->users.users.n, 6);
    for (int i = 0; i < 6; i++) {
        struct ast_user *u = s->users.users.items[i];
        ASSERT_STR_EQ(u->name.str, names[i]);
        if (hosts[i])
            ASSERT_STR_EQ(u->host.str, hosts[i]);
        else
            ASSERT(u->host.str == NULL);
    }
    arena_deinit(&a);
}

TEST(tree_statements)
{
    struct arena a;
    arena_init(&a, 0);
    struct ast_stmt *s =
        parse1(&a,
               "CREATE TABLE IF NOT EXISTS d.t (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, "
               "v VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT 'x' COMMENT 'c', "
               "p DECIMAL(10,2), PRIMARY KEY (id), UNIQUE KEY uk (v(5) DESC)) ENGINE=InnoDB "
               "DEFAULT CHARSET=utf8mb4 ROW_FORMAT=DYNAMIC",
               0);
    ASSERT_EQ(s->kind, AST_STMT_CREATE_TABLE);
    ASSERT(s->create_table.if_not_exists);
    ASSERT_STR_EQ(s->create_table.table.db.str, "d");
    ASSERT_EQ(s->create_table.columns.n, 3);
    struct ast_column_def *c = s->create_table.columns.items[0];
    ASSERT_STR_EQ(c->name.str, "id");
    ASSERT_EQ(c->type->kind, AST_TYPE_BIGINT);
    ASSERT(c->type->is_unsigned);
    ASSERT_EQ(c->nullable, 0);
    ASSERT(c->auto_increment);
    c = s->create_table.columns.items[1];
    ASSERT_EQ(c->type->kind, AST_TYPE_VARCHAR);
    ASSERT_EQ(c->type->len, 20);
    ASSERT_STR_EQ(c->type->charset.str, "utf8mb4");
    ASSERT_STR_EQ(c->type->collate.str, "utf8mb4_bin");
    ASSERT_EQ(c->nullable, -1);
    ASSERT_STR_EQ(c->default_->lit.str, "x");
    ASSERT_STR_EQ(c->comment->lit.str, "c");
    c = s->create_table.columns.items[2];
    ASSERT_EQ(c->type->len, 10);
    ASSERT_EQ(c->type->scale, 2);
    ASSERT_EQ(s->create_table.constraints.n, 2);
    struct ast_constraint *k = s->create_table.constraints.items[1];
    ASSERT_EQ(k->kind, AST_CONS_UNIQUE);
    ASSERT_STR_EQ(k->index_name.str, "uk");
    struct ast_key_part *kp = k->parts.items[0];
    ASSERT_STR_EQ(kp->column.str, "v");
    ASSERT_EQ(kp->len, 5);
    ASSERT_EQ(kp->dir, AST_ORDER_DESC);
    ASSERT_EQ(s->create_table.options.n, 3);
    struct ast_option *o = s->create_table.options.items[2];
    ASSERT_STR_EQ(o->name.str, "ROW_FORMAT");
    ASSERT_STR_EQ(o->value->column.column.str, "DYNAMIC");

    s = parse1(
        &a,
        "INSERT INTO t (a, b) VALUES (1, DEFAULT), (?, 'x') ON DUPLICATE KEY UPDATE b = VALUES(b)",
        0);
    ASSERT_EQ(s->insert.columns.n, 2);
    ASSERT_EQ(s->insert.rows.n, 2);
    struct ast_list *row = s->insert.rows.items[0];
    ASSERT_EQ(AST_AT(*row, 1, struct ast_expr)->kind, AST_EXPR_DEFAULT);
    ASSERT_EQ(s->insert.on_dup.n, 1);
    ASSERT_EQ(s->n_params, 1);

    s = parse1(&a,
               "SET SESSION sql_mode = 'x', @u = 1, @@global.y = DEFAULT, NAMES utf8mb4 COLLATE "
               "utf8mb4_bin",
               0);
    ASSERT_EQ(s->set.items.n, 4);
    struct ast_set_item *si = s->set.items.items[0];
    ASSERT_EQ(si->target->kind, AST_EXPR_SYS_VAR);
    ASSERT_EQ(si->target->var.scope, AST_SCOPE_SESSION);
    ASSERT_STR_EQ(si->target->var.name.str, "sql_mode");
    si = s->set.items.items[1];
    ASSERT_EQ(si->target->kind, AST_EXPR_USER_VAR);
    si = s->set.items.items[2];
    ASSERT_EQ(si->target->var.scope, AST_SCOPE_GLOBAL);
    ASSERT_EQ(si->value->kind, AST_EXPR_DEFAULT);
    si = s->set.items.items[3];
    ASSERT_EQ(si->kind, AST_SET_NAMES);
    ASSERT_STR_EQ(si->collate.str, "utf8mb4_bin");

    s = parse1(&a, "SHOW FULL COLUMNS FROM t FROM db LIKE 'a%'", 0);
    ASSERT_EQ(s->show.kind, AST_SHOW_COLUMNS);
    ASSERT(s->show.full);
    ASSERT_STR_EQ(s->show.db.str, "db");
    ASSERT_STR_EQ(s->show.like->lit.str, "a%");

    s = parse1(&a, "SET TRANSACTION ISOLATION LEVEL READ COMMITTED, READ ONLY", 0);
    ASSERT_EQ(s->set_txn.isolation, AST_ISO_READ_COMMITTED);
    ASSERT_EQ(s->set_txn.access, AST_ACCESS_READ_ONLY);

    s = parse1(
        &a, "SELECT a FROM t1 JOIN t2 USING (x) LEFT JOIN t3 ON t3.y = t1.y FOR UPDATE SKIP LOCKED",
        0);
    struct ast_table_ref *j = s->select.query->select.from.items[0];
    ASSERT_EQ(j->kind, AST_TREF_JOIN);
    ASSERT_EQ(j->join.kind, AST_JOIN_LEFT);
    ASSERT_EQ(j->join.left->join.using_.n, 1);
    ASSERT_EQ(s->select.query->locks.n, 1);
    ASSERT_EQ(AST_AT(s->select.query->locks, 0, struct ast_lock)->wait, AST_LOCK_SKIP_LOCKED);

    s = parse1(&a, "CREATE VIEW v AS SELECT a FROM t", 0);
    ASSERT_EQ(s->view.query_span.start, 17);
    ASSERT_EQ(s->view.query_span.end, 32);

    s = parse1(&a, "GRANT SELECT, INSERT (a) ON db.* TO 'u'@'%' WITH GRANT OPTION", 0);
    ASSERT_EQ(s->grant.privs.n, 2);
    ASSERT_STR_EQ(AST_AT(s->grant.privs, 1, struct ast_priv)->name, "INSERT");
    ASSERT_STR_EQ(s->grant.db.str, "db");
    ASSERT(s->grant.table_star && !s->grant.db_star && s->grant.grant_option);

    s = parse1(&a, "(SELECT a FROM t ORDER BY a LIMIT 2) ORDER BY a DESC LIMIT 1", 0);
    struct ast_query *q = s->select.query;
    ASSERT_EQ(q->kind, AST_QUERY_SETOP);
    ASSERT(q->setop.right == NULL);
    ASSERT(q->limit != NULL && q->setop.left->limit != NULL);
    arena_deinit(&a);
}

/* Every keyword of the table: sorted; non-reserved ones are names, reserved ones are not. */
TEST(keywords)
{
    for (size_t i = 1; i < sql__n_keywords; i++)
        ASSERT(strcmp(sql__keywords[i - 1].name, sql__keywords[i].name) < 0);
    ASSERT(sql_is_keyword("select", 6) && sql_is_reserved("SeLeCt", 6));
    ASSERT(sql_is_keyword("status", 6) && !sql_is_reserved("status", 6));
    ASSERT(!sql_is_keyword("sbtest1", 7));
    int n_nonreserved = 0;
    for (size_t i = 0; i < sql__n_keywords; i++) {
        const struct sql__keyword *k = &sql__keywords[i];
        char sql[256];
        const char *w = k->name;
        if (k->flags & SQL__KW_FUNC) {
            /* Only before '(' a keyword: otherwise a name. */
            snprintf(sql, sizeof sql, "SELECT %s FROM %s", w, w);
            ASSERT(!is_error(norm(sql)));
            continue;
        }
        snprintf(sql, sizeof sql, "CREATE TABLE t (%s INT)", w);
        bool ok = !is_error(norm(sql));
        if (ok != !(k->flags & SQL__KW_RESERVED))
            test_fail_(__FILE__, __LINE__, "%s as a column name: %s", w, text);
        /* After a dot anything is a name. */
        snprintf(sql, sizeof sql, "SELECT t.%s FROM t", w);
        ASSERT(!is_error(norm(sql)));
        if (k->flags & SQL__KW_RESERVED)
            continue;
        n_nonreserved++;
        snprintf(sql, sizeof sql, "SELECT %s, %s.%s AS %s FROM %s AS %s WHERE %s = 1 ORDER BY %s",
                 w, w, w, w, w, w, w, w);
        if (is_error(norm(sql)))
            test_fail_(__FILE__, __LINE__, "%s as a name: %s", w, text);
        check_fixed_point(sql, strlen(sql), 0);
    }
    printf("  %zu keywords, %d usable as names\n", sql__n_keywords, n_nonreserved);
}

/* ---- random and mutated input ---- */

static uint64_t rng;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

TEST(random_and_mutated_input)
{
    static const char *const words[] = {
        "SELECT",  "FROM",   "WHERE",   "(",     ")",      ",",       "1",       "'x'",
        "a",       "t",      "=",       "+",     "-",      "*",       "AND",     "OR",
        "NOT",     "IN",     "BETWEEN", "LIKE",  "IS",     "NULL",    "JOIN",    "ON",
        "USING",   "GROUP",  "BY",      "ORDER", "LIMIT",  "UNION",   "ALL",     "INSERT",
        "INTO",    "VALUES", "UPDATE",  "SET",   "DELETE", "CREATE",  "TABLE",   "INT",
        "DEFAULT", "CASE",   "WHEN",    "THEN",  "END",    "?",       "@a",      "@@x",
        ";",       "/*!",    "*/",      "--",    "#",      "\"",      "`",       "INTERVAL",
        "DAY",     "CAST",   "AS",      "CHAR",  "OVER",   "WINDOW",  "WITH",    "ROLLUP",
        ".",       "DATE",   "EXISTS",  "ANY",   "x'",     "0x1",     "b'1'",    "_utf8",
        "N'",      "\\",     "!",       "||",    "&&",     ":=",      "->",      "TRIGGER",
        "BEGIN",   "IF",     "ELSE",    "FOR",   "EACH",   "ROW",     "PRIMARY", "KEY",
        "INDEX",   "SHOW",   "TABLES",  "LIKE",  "ESCAPE", "COLLATE", "BINARY",
    };
    uint64_t seed = test_seed();
    rng = seed | 1;
    size_t n_cases = sizeof cases / sizeof cases[0];
    int parsed = 0;
    char buf[4096];
    for (int iter = 0; iter < 10000; iter++) {
        size_t len = 0;
        int mode = (int)(rnd() % 4);
        if (mode == 0) {
            /* Random bytes. */
            len = rnd() % 200;
            for (size_t i = 0; i < len; i++)
                buf[i] = (char)rnd();
        } else if (mode == 1) {
            /* Token soup. */
            int nw = (int)(rnd() % 40);
            for (int i = 0; i < nw && len < 3000; i++) {
                const char *w = words[rnd() % (sizeof words / sizeof words[0])];
                size_t wl = strlen(w);
                memcpy(buf + len, w, wl);
                len += wl;
                buf[len++] = rnd() % 8 ? ' ' : '\n';
            }
        } else {
            /* A valid statement, mutated: bytes deleted, inserted, flipped, words swapped, cut
             * short. */
            const char *src = cases[rnd() % n_cases].sql;
            len = strlen(src);
            if (len > 3000)
                len = 3000;
            memcpy(buf, src, len);
            int muts = 1 + (int)(rnd() % 4);
            for (int m = 0; m < muts && len > 0; m++) {
                size_t at = rnd() % len;
                switch (rnd() % 5) {
                case 0:
                    memmove(buf + at, buf + at + 1, len - at - 1);
                    len--;
                    break;
                case 1:
                    if (len < sizeof buf - 1) {
                        memmove(buf + at + 1, buf + at, len - at);
                        buf[at] = "()'\"`,;*-/.@?\\!#x0 "[rnd() % 20];
                        len++;
                    }
                    break;
                case 2:
                    buf[at] = (char)rnd();
                    break;
                case 3: {
                    const char *w = words[rnd() % (sizeof words / sizeof words[0])];
                    size_t wl = strlen(w);
                    if (len + wl < sizeof buf) {
                        memmove(buf + at + wl, buf + at, len - at);
                        memcpy(buf + at, w, wl);
                        len += wl;
                    }
                    break;
                }
                default:
                    len = at;
                    break;
                }
            }
        }
        uint32_t flags = (uint32_t)(rnd() % 16);
        struct arena a;
        arena_init(&a, 0);
        struct sql_parse_result r;
        int rc = sql_parse(&a, buf, len, flags, &r);
        ASSERT(rc == 0 || rc == ERR_INVALID);
        if (rc == 0) {
            parsed++;
            /* Whatever parses prints as SQL that parses to the same print. */
            check_fixed_point(buf, len, flags);
        } else {
            ASSERT(r.error.code == 1064 || r.error.code == 1065 || r.error.code == 1473);
            ASSERT(r.error.offset <= len);
        }
        arena_deinit(&a);
    }
    printf("  10000 inputs, %d parsed\n", parsed);
}

/* Fails the Nth allocation for every N until the parse runs clean: an error, never a crash or a
 * leak. */
TEST(allocation_failures)
{
    static char deep[4000];
    int n = sprintf(deep, "SELECT ");
    for (int i = 0; i < 600; i++)
        n += sprintf(deep + n, "- ");
    sprintf(deep + n, "1");
    const char *sqls[] = {
        "SELECT c FROM sbtest1 WHERE id=?",
        "WITH x AS (SELECT a, COUNT(*) OVER (PARTITION BY b) FROM t1 JOIN t2 USING (c) WHERE d IN "
        "(1, 2, 3) "
        "GROUP BY a) SELECT * FROM x UNION SELECT 1, 2 ORDER BY 1 LIMIT 5; SELECT 'a' 'b', X'41', "
        "@@x",
        "CREATE TABLE t (a INT NOT NULL DEFAULT 1 COMMENT 'x', b VARCHAR(10), PRIMARY KEY (a), KEY "
        "k (b(3))) "
        "ENGINE=InnoDB",
        "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN IF NEW.a > 1 THEN SET NEW.b = 2; "
        "END IF; END",
        deep,
    };
    for (size_t i = 0; i < sizeof sqls / sizeof sqls[0]; i++) {
        int failures = 0;
        for (uint64_t nth = 1;; nth++) {
            struct arena a;
            arena_init(&a, 128); /* small chunks: many allocations */
            struct sql_parse_result r;
            mem_fail_after(nth);
            int rc = sql_parse(&a, sqls[i], strlen(sqls[i]), 0, &r);
            mem_fail_after(0);
            arena_deinit(&a);
            if (rc == 0)
                break;
            if (i == 4 && rc == ERR_INVALID && r.error.code == 1064)
                break; /* the deep one ends in "memory exhausted" once memory suffices */
            ASSERT_EQ(rc, ERR_NOMEM);
            ASSERT_EQ(r.error.code, 1041);
            failures++;
            ASSERT(nth < 100000);
        }
        ASSERT(failures > 0);
    }
}

/* ---- sqllogictest ---- */

struct slt_stats {
    int records;       /* Statements read. */
    int failed;        /* Of "statement ok" and "query" records, those that did not parse. */
    int error_records; /* "statement error" records (may fail to parse). */
    int not_fixed;     /* Printed forms that did not parse back to the same print. */
};

/* Reads one .test file: the SQL of each record that applies to MySQL. */
static void slt_file(const char *path, struct slt_stats *st, struct arena *a)
{
    FILE *f = fopen(path, "r");
    ASSERT(f != NULL);
    static char line[1 << 16], sql[1 << 18];
    bool skip = false;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, "skipif ", 7) == 0) {
            if (strncmp(line + 7, "mysql", 5) == 0)
                skip = true;
            continue;
        }
        if (strncmp(line, "onlyif ", 7) == 0) {
            if (strncmp(line + 7, "mysql", 5) != 0)
                skip = true;
            continue;
        }
        if (strcmp(line, "halt") == 0) {
            if (!skip)
                break;
            skip = false;
            continue;
        }
        bool is_stmt = strncmp(line, "statement ", 10) == 0,
             is_query = strncmp(line, "query ", 6) == 0;
        if (!is_stmt && !is_query) {
            if (line[0] == '\0')
                skip = false;
            continue;
        }
        bool expect_error = strncmp(line, "statement error", 15) == 0;
        size_t n = 0;
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\n")] = '\0';
            if (line[0] == '\0' || strcmp(line, "----") == 0)
                break;
            size_t l = strlen(line);
            if (n + l + 2 < sizeof sql) {
                if (n)
                    sql[n++] = '\n';
                memcpy(sql + n, line, l);
                n += l;
            }
        }
        if (strcmp(line, "----") == 0)
            while (fgets(line, sizeof line, f) && line[0] != '\n')
                ;
        if (skip) {
            skip = false;
            continue;
        }
        st->records++;
        struct sql_parse_result r;
        int rc = sql_parse(a, sql, n, 0, &r);
        if (rc != 0) {
            if (expect_error) {
                st->error_records++;
            } else {
                if (st->failed < 5)
                    printf("  does not parse: %.*s\n    %s\n", (int)(n > 200 ? 200 : n), sql,
                           r.error.message);
                st->failed++;
            }
        } else if (st->records % 10 == 0) {
            /* Every tenth record also round-trips through the printer. */
            static char first[sizeof text];
            struct buf b;
            buf_init(&b);
            for (uint32_t i = 0; i < r.n_stmts; i++)
                ast_print_stmt(&b, r.stmts[i], 0);
            size_t bl = b.len < sizeof first - 1 ? b.len : sizeof first - 1;
            memcpy(first, b.data, bl);
            first[bl] = '\0';
            buf_deinit(&b);
            if (strcmp(norm(first), first) != 0) {
                if (st->not_fixed < 5)
                    printf("  not a fixed point: %s\n    %s\n", first, text);
                st->not_fixed++;
            }
        }
        arena_reset(a);
    }
    fclose(f);
}

static void slt_dir(const char *dir, struct slt_stats *st, struct arena *a)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char path[1024];
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat sb;
        if (stat(path, &sb) != 0)
            continue;
        if (S_ISDIR(sb.st_mode))
            slt_dir(path, st, a);
        else if (strlen(e->d_name) > 5 && strcmp(e->d_name + strlen(e->d_name) - 5, ".test") == 0)
            slt_file(path, st, a);
    }
    closedir(d);
}

TEST(sqllogictest_sample)
{
    const char *dir = getenv("SQLLOGICTEST_DIR");
    if (!dir)
        dir = "/work/shared/sqllogictest";
    struct stat sb;
    if (stat(dir, &sb) != 0) {
        printf("  %s not found: skipped\n", dir);
        return;
    }
    struct arena a;
    arena_init(&a, 0);
    struct slt_stats st = {0};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    slt_dir(dir, &st, &a);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    arena_deinit(&a);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("  %d records in %.2f s: %d of the must-parse records failed, %d 'statement error' "
           "records refused, "
           "%d printed forms not a fixed point\n",
           st.records, s, st.failed, st.error_records, st.not_fixed);
    ASSERT(st.records > 1000);
    ASSERT_EQ(st.failed, 0);
    ASSERT_EQ(st.not_fixed, 0);
}

/* ---- speed ---- */

TEST(speed_point_select)
{
    const char *sql = "SELECT c FROM sbtest1 WHERE id=?";
    size_t len = strlen(sql);
    struct arena a;
    arena_init(&a, 0);
    int rounds = 200000;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < rounds; i++) {
        struct sql_parse_result r;
        ASSERT_OK(sql_parse(&a, sql, len, 0, &r));
        arena_reset(&a);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ns =
        ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / rounds;
    printf("  point select: %.0f ns per parse (%d rounds, arena reset between)\n", ns, rounds);
    const char *sql2 = "SELECT DISTINCT c FROM sbtest1 WHERE id BETWEEN ? AND ? ORDER BY c";
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < rounds / 4; i++) {
        struct sql_parse_result r;
        ASSERT_OK(sql_parse(&a, sql2, strlen(sql2), 0, &r));
        arena_reset(&a);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ns = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / (rounds / 4);
    printf("  range select: %.0f ns per parse\n", ns);
    arena_deinit(&a);
}
