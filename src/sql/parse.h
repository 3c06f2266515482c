/*
 * parse.h: SQL text to syntax trees (MySQL dialect).
 *
 * The parser is a bison LALR(1) grammar (parser.y) over a flex scanner
 * (lexer.l); both are reentrant and keep no global state, so any thread may
 * parse at any time. Everything the parser makes, including the scanner's own
 * buffers, comes from the caller's arena; a parse that fails leaves nothing to
 * free beyond the arena. See README.parser.md for the grammar's coverage and
 * its deviations from MySQL.
 *
 * Errors carry what a MySQL client should see: syntax errors are 1064
 * (SQLSTATE 42000) with MySQL's message, "... near '<up to 80 bytes from the
 * failing token>' at line N", N counted from the start of the failing
 * statement as MySQL does for each statement of a multi-statement packet.
 */
#ifndef ATOLL_SQL_PARSE_H
#define ATOLL_SQL_PARSE_H

#include "sql/ast.h"

#include <stddef.h>
#include <stdint.h>

struct arena;

/* sql_mode bits that change how text is read (the session passes its sql_mode's). */
enum {
    SQL_PARSE_PIPES_AS_CONCAT = 1 << 0,      /* || is concat(), not OR. */
    SQL_PARSE_ANSI_QUOTES = 1 << 1,          /* "x" is an identifier, not a string. */
    SQL_PARSE_NO_BACKSLASH_ESCAPES = 1 << 2, /* \ is an ordinary character in strings. */
    SQL_PARSE_HIGH_NOT_PRECEDENCE = 1 << 3,  /* NOT binds as tightly as !. */
};

/* The MySQL version whose executable comments we run: /\*!NNNNN ... *\/ runs when NNNNN <= this. */
#define SQL_PARSE_VERSION_ID 80036

/* /\*M!NNNNNN ... *\/ (MariaDB's) runs when NNNNNN <= this (MariaDB 10.5 syntax level). */
#define SQL_PARSE_MARIADB_VERSION_ID 100500

/* Height limit of a tree (expressions, joins, set operations, nesting) and of parentheses. */
#define SQL_PARSE_MAX_DEPTH 256

/* Subquery nesting limit, MySQL's MAX_SELECT_NESTING: deeper gives 1473. */
#define SQL_PARSE_MAX_SELECT_NESTING 63

/* MySQL error numbers the parser gives. */
#define SQL_ER_PARSE_ERROR                          1064 /* SQLSTATE 42000 */
#define SQL_ER_EMPTY_QUERY                          1065 /* SQLSTATE 42000, "Query was empty" */
#define SQL_ER_OUT_OF_RESOURCES                     1041 /* SQLSTATE HY000, with ERR_NOMEM */
#define SQL_ER_NET_PACKET_TOO_LARGE                 1153 /* SQLSTATE 08S01, text of 4 GiB or more */
#define SQL_ER_TOO_HIGH_LEVEL_OF_NESTING_FOR_SELECT 1473 /* SQLSTATE HY000 */

/* A parse error as the client should see it. */
struct sql_error {
    int code;          /* MySQL error number (1064, 1065, 1473); 0 if none. */
    char sqlstate[6];  /* Five characters and a NUL, e.g. "42000". */
    char message[512]; /* Full message text. */
    uint32_t offset;   /* Byte offset of the failing token in the text. */
    uint32_t line;     /* 1-based line, counted from the failing statement's start. */
};

/* The statements of a text. */
struct sql_parse_result {
    struct ast_stmt **stmts; /* Statements parsed, in order (arena memory). */
    uint32_t n_stmts;        /* Number of statements. */
    struct sql_error error;  /* Set when parsing stopped at an error (error.code != 0). */
};

/*
 * Parses every ';'-separated statement of sql[0..len). On success returns 0
 * with out->stmts set and out->error.code 0. On a SQL error returns
 * ERR_INVALID with out->error filled and out->stmts holding the statements
 * before the failing one (a server runs those first, as MySQL does with
 * multi-statement packets). As MySQL does with a query packet, trailing
 * whitespace and semicolons are dropped first; text that is then empty gives
 * 1065, only comments gives one AST_STMT_EMPTY. Returns ERR_NOMEM (error
 * 1041) when memory fails, ERR_TOO_BIG (1153) for 4 GiB of text. Offsets in
 * the tree are relative to sql. The tree points only into a (sql may be freed
 * after the call) and lives until a is reset. flags: SQL_PARSE_* bits. Any
 * thread may call it; calls share nothing.
 */
int sql_parse(struct arena *a, const char *sql, size_t len, uint32_t flags,
              struct sql_parse_result *out);

/*
 * Parses the first statement of sql[0..len) only, for a server that runs each
 * statement of a multi-statement packet before reading the next (a statement
 * may change sql_mode). On success *stmt is the statement (AST_STMT_EMPTY for
 * only comments) and *next the offset in sql where the following statement
 * starts, whitespace skipped (len when none follows). Returns 0, ERR_INVALID
 * with *err filled (1065 for whitespace only), or ERR_NOMEM. Line numbers in
 * errors count from the statement's first byte, as MySQL's do. The text is
 * copied into a: parsing a long packet statement by statement copies its
 * tail each time.
 */
int sql_parse_one(struct arena *a, const char *sql, size_t len, uint32_t flags,
                  struct ast_stmt **stmt, size_t *next, struct sql_error *err);

/* True if s is a keyword of the grammar (reserved or not); the printer quotes these. */
bool sql_is_keyword(const char *s, size_t len);

/* True if s is a reserved word (cannot be an unquoted identifier). */
bool sql_is_reserved(const char *s, size_t len);

#endif
