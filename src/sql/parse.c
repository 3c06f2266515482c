/*
 * parse.c: the parser's entry points around the generated scanner and grammar.
 *
 * A text is parsed statement by statement on one scanner: each call of the
 * grammar reads one statement and its ';', the driver records it and calls
 * again until the text ends or a statement fails. A failure becomes the error
 * a MySQL client expects: 1064 with MySQL's "near '...' at line N" text, line
 * numbers counted from the start of the failing statement (MySQL parses each
 * statement of a multi-statement packet from its first non-space byte).
 */
#include "sql/parse.h"

#include "base/arena.h"
#include "base/err.h"
#include "sql/parse_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define SYNTAX_MSG                                                                                 \
    "You have an error in your SQL syntax; check the manual that corresponds "                     \
    "to your MySQL server version for the right syntax to use"

#define OOM_MSG                                                                                    \
    "Out of memory; check if mysqld or some other process uses all available "                     \
    "memory; if not, you may have to use 'ulimit' to allow mysqld to use more "                    \
    "memory or you can add more swap space"

void sql__fail(struct sql__pstate *ps, enum sql__fail why, uint32_t pos)
{
    if (ps->fail != SQL__OK)
        return;
    ps->fail = why;
    ps->fail_pos = pos;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static uint32_t skip_space(const char *s, uint32_t pos, uint32_t len)
{
    while (pos < len && is_space(s[pos]))
        pos++;
    return pos;
}

static void set_error(struct sql_error *err, int code, const char *state, uint32_t offset,
                      uint32_t line, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void set_error(struct sql_error *err, int code, const char *state, uint32_t offset,
                      uint32_t line, const char *fmt, ...)
{
    va_list ap;
    err->code = code;
    memcpy(err->sqlstate, state, 6);
    err->offset = offset;
    err->line = line;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
}

/* Bytes of the longest well-formed UTF-8 prefix of s[0..n), as MySQL cuts %-.80s. */
static size_t utf8_prefix(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t k;
        if (c < 0x80)
            k = 1;
        else if (c >= 0xc2 && c <= 0xdf)
            k = 2;
        else if (c >= 0xe0 && c <= 0xef)
            k = 3;
        else if (c >= 0xf0 && c <= 0xf4)
            k = 4;
        else
            break;
        if (i + k > n)
            break;
        size_t j;
        for (j = 1; j < k; j++)
            if ((s[i + j] & 0xc0) != 0x80)
                break;
        if (j < k)
            break;
        if (k == 3 && ((c == 0xe0 && s[i + 1] < 0xa0) || (c == 0xed && s[i + 1] >= 0xa0)))
            break;
        if (k == 4 && ((c == 0xf0 && s[i + 1] < 0x90) || (c == 0xf4 && s[i + 1] >= 0x90)))
            break;
        i += k;
    }
    return i;
}

/* Fills err from ps->fail for the statement that began at start. */
static void report(const struct sql__pstate *ps, uint32_t start, struct sql_error *err)
{
    uint32_t pos = ps->fail_pos > ps->len ? ps->len : ps->fail_pos;
    if (ps->fail == SQL__NOMEM) {
        set_error(err, SQL_ER_OUT_OF_RESOURCES, "HY000", pos, 1, OOM_MSG);
        return;
    }
    if (ps->fail == SQL__NESTING) {
        set_error(err, SQL_ER_TOO_HIGH_LEVEL_OF_NESTING_FOR_SELECT, "HY000", pos, 1,
                  "Too high level of nesting for select");
        return;
    }
    /* Rule positions may point at the space before a token. */
    pos = skip_space(ps->sql, pos, ps->len);
    uint32_t line = 1;
    for (uint32_t i = start; i < pos; i++)
        line += ps->sql[i] == '\n';
    const char *near = ps->sql + pos;
    size_t n = ps->len - pos;
    const char *nul = memchr(near, '\0', n);
    if (nul)
        n = (size_t)(nul - near);
    if (n > 80)
        n = 80;
    n = utf8_prefix((const unsigned char *)near, n);
    set_error(err, SQL_ER_PARSE_ERROR, "42000", pos, line, "%s near '%.*s' at line %u",
              ps->fail == SQL__DEPTH ? "memory exhausted" : SYNTAX_MSG, (int)n, near, line);
}

/* Parses the next statement, which begins (after whitespace) at start. */
static int parse_next(struct sql__pstate *ps, uint32_t start, struct ast_stmt **out,
                      struct sql_error *err)
{
    sql__lex_begin_statement(ps);
    ps->stmt = NULL;
    ps->empty = false;
    ps->col = NULL;
    ps->concat_node = NULL;
    ps->fail = SQL__OK;
    int rc = sql_yyparse(ps->scanner, ps);
    if (rc == 0 && ps->fail == SQL__OK) {
        if (!ps->empty) {
            *out = ps->stmt;
            return 0;
        }
        if (ps->saw_comment) {
            /* Only comments: MySQL answers OK. */
            struct ast_span sp = {start, ps->len};
            *out = ast_stmt_new(ps->arena, AST_STMT_EMPTY, sp);
            if (*out)
                return 0;
            sql__fail(ps, SQL__NOMEM, start);
        } else {
            set_error(err, SQL_ER_EMPTY_QUERY, "42000", start, 1, "Query was empty");
            return ERR_INVALID;
        }
    }
    if (ps->fail == SQL__OK)
        sql__fail(ps, rc == 2 ? SQL__DEPTH : SQL__SYNTAX, ps->pos);
    report(ps, start, err);
    return ps->fail == SQL__NOMEM ? ERR_NOMEM : ERR_INVALID;
}

static struct sql__pstate *begin(struct arena *a, const char *sql, size_t len, uint32_t flags,
                                 struct sql_error *err, int *rc)
{
    memset(err, 0, sizeof *err);
    if (len > UINT32_MAX - 16) {
        set_error(err, SQL_ER_NET_PACKET_TOO_LARGE, "08S01", 0, 1,
                  "Got a packet bigger than 'max_allowed_packet' bytes");
        *rc = ERR_TOO_BIG;
        return NULL;
    }
    struct sql__pstate *ps = arena_alloc(a, sizeof *ps);
    if (ps) {
        memset(ps, 0, sizeof *ps);
        ps->arena = a;
        ps->sql = sql ? sql : "";
        /* MySQL drops trailing spaces and semicolons from a query packet. */
        while (len > 0 && (is_space(ps->sql[len - 1]) || ps->sql[len - 1] == ';'))
            len--;
        ps->len = (uint32_t)len;
        ps->flags = flags;
        if (sql__lex_init(ps) == 0)
            return ps;
        ps->sql = NULL;
    }
    set_error(err, SQL_ER_OUT_OF_RESOURCES, "HY000", 0, 1, OOM_MSG);
    *rc = ERR_NOMEM;
    return NULL;
}

int sql_parse(struct arena *a, const char *sql, size_t len, uint32_t flags,
              struct sql_parse_result *out)
{
    int rc = 0;
    memset(out, 0, sizeof *out);
    struct sql__pstate *ps = begin(a, sql, len, flags, &out->error, &rc);
    if (!ps)
        return rc;
    uint32_t start = skip_space(ps->sql, 0, ps->len);
    if (start == ps->len) {
        set_error(&out->error, SQL_ER_EMPTY_QUERY, "42000", start, 1, "Query was empty");
        return ERR_INVALID;
    }
    uint32_t cap = 0;
    for (;;) {
        struct ast_stmt *s = NULL;
        rc = parse_next(ps, start, &s, &out->error);
        if (rc)
            return rc;
        if (out->n_stmts == cap) {
            uint32_t ncap = cap ? cap * 2 : 4;
            struct ast_stmt **n = arena_alloc(a, ncap * sizeof *n);
            if (!n) {
                set_error(&out->error, SQL_ER_OUT_OF_RESOURCES, "HY000", start, 1, OOM_MSG);
                return ERR_NOMEM;
            }
            if (cap)
                memcpy(n, out->stmts, cap * sizeof *n);
            out->stmts = n;
            cap = ncap;
        }
        out->stmts[out->n_stmts++] = s;
        start = skip_space(ps->sql, ps->pos, ps->len);
        if (start >= ps->len)
            return 0;
    }
}

int sql_parse_one(struct arena *a, const char *sql, size_t len, uint32_t flags,
                  struct ast_stmt **stmt, size_t *next, struct sql_error *err)
{
    int rc = 0;
    *stmt = NULL;
    *next = len;
    struct sql__pstate *ps = begin(a, sql, len, flags, err, &rc);
    if (!ps)
        return rc;
    uint32_t start = skip_space(ps->sql, 0, ps->len);
    if (start == ps->len) {
        set_error(err, SQL_ER_EMPTY_QUERY, "42000", start, 1, "Query was empty");
        return ERR_INVALID;
    }
    rc = parse_next(ps, start, stmt, err);
    if (rc)
        return rc;
    *next = skip_space(ps->sql, ps->pos, ps->len);
    return 0;
}

bool sql_is_keyword(const char *s, size_t len)
{
    return sql__keyword_find(s, len) != NULL;
}

bool sql_is_reserved(const char *s, size_t len)
{
    const struct sql__keyword *k = sql__keyword_find(s, len);
    return k && (k->flags & SQL__KW_RESERVED);
}
