/*
 * ast.c: syntax tree nodes and the printer that turns them back into SQL.
 *
 * Nodes are zeroed arena blocks; lists grow by doubling inside the arena (the
 * old array is simply left behind). The printer writes normalised SQL: keywords
 * upper-case, one space between words, identifiers backquoted when they would
 * not read back as the same identifier (keywords, odd characters, a leading
 * digit), strings in single quotes with backslash escapes. Operands are
 * parenthesised only where the grammar's precedence needs it (or always, with
 * AST_PRINT_PARENS), so that parsing the output gives back the same tree; the
 * output assumes the default sql_mode (no ANSI_QUOTES, PIPES_AS_CONCAT,
 * NO_BACKSLASH_ESCAPES or HIGH_NOT_PRECEDENCE).
 */
#include "sql/ast.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "sql/parse.h"
#include "sql/parse_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

int ast_list_push(struct arena *a, struct ast_list *l, void *item)
{
    if (l->n == l->cap) {
        uint32_t cap = l->cap ? l->cap * 2 : 4;
        if (cap < l->cap)
            return ERR_NOMEM;
        void **items = arena_alloc(a, (size_t)cap * sizeof *items);
        if (!items)
            return ERR_NOMEM;
        if (l->n)
            memcpy(items, l->items, (size_t)l->n * sizeof *items);
        l->items = items;
        l->cap = cap;
    }
    l->items[l->n++] = item;
    return 0;
}

static void *zalloc(struct arena *a, size_t n)
{
    void *p = arena_alloc(a, n);
    if (p)
        memset(p, 0, n);
    return p;
}

struct ast_expr *ast_expr_new(struct arena *a, enum ast_expr_kind kind, struct ast_span span)
{
    struct ast_expr *e = zalloc(a, sizeof *e);
    if (e) {
        e->kind = kind;
        e->span = span;
        e->depth = 1;
    }
    return e;
}

struct ast_query *ast_query_new(struct arena *a, enum ast_query_kind kind, struct ast_span span)
{
    struct ast_query *q = zalloc(a, sizeof *q);
    if (q) {
        q->kind = kind;
        q->span = span;
        q->depth = 1;
    }
    return q;
}

struct ast_table_ref *ast_table_ref_new(struct arena *a, enum ast_table_ref_kind kind,
                                        struct ast_span span)
{
    struct ast_table_ref *t = zalloc(a, sizeof *t);
    if (t) {
        t->kind = kind;
        t->span = span;
        t->depth = 1;
    }
    return t;
}

struct ast_stmt *ast_stmt_new(struct arena *a, enum ast_stmt_kind kind, struct ast_span span)
{
    struct ast_stmt *s = zalloc(a, sizeof *s);
    if (s) {
        s->kind = kind;
        s->span = span;
    }
    return s;
}

/* ---- names ---- */

const char *ast_stmt_kind_name(enum ast_stmt_kind kind)
{
    static const char *const names[] = {
        [AST_STMT_EMPTY] = "EMPTY",
        [AST_STMT_SELECT] = "SELECT",
        [AST_STMT_INSERT] = "INSERT",
        [AST_STMT_UPDATE] = "UPDATE",
        [AST_STMT_DELETE] = "DELETE",
        [AST_STMT_CREATE_DATABASE] = "CREATE DATABASE",
        [AST_STMT_ALTER_DATABASE] = "ALTER DATABASE",
        [AST_STMT_DROP_DATABASE] = "DROP DATABASE",
        [AST_STMT_USE] = "USE",
        [AST_STMT_CREATE_TABLE] = "CREATE TABLE",
        [AST_STMT_ALTER_TABLE] = "ALTER TABLE",
        [AST_STMT_DROP_TABLE] = "DROP TABLE",
        [AST_STMT_DROP_VIEW] = "DROP VIEW",
        [AST_STMT_TRUNCATE] = "TRUNCATE",
        [AST_STMT_RENAME_TABLE] = "RENAME TABLE",
        [AST_STMT_CREATE_INDEX] = "CREATE INDEX",
        [AST_STMT_DROP_INDEX] = "DROP INDEX",
        [AST_STMT_CREATE_VIEW] = "CREATE VIEW",
        [AST_STMT_CREATE_TRIGGER] = "CREATE TRIGGER",
        [AST_STMT_DROP_TRIGGER] = "DROP TRIGGER",
        [AST_STMT_BEGIN] = "BEGIN",
        [AST_STMT_COMMIT] = "COMMIT",
        [AST_STMT_ROLLBACK] = "ROLLBACK",
        [AST_STMT_SAVEPOINT] = "SAVEPOINT",
        [AST_STMT_RELEASE_SAVEPOINT] = "RELEASE SAVEPOINT",
        [AST_STMT_SET] = "SET",
        [AST_STMT_SET_TRANSACTION] = "SET TRANSACTION",
        [AST_STMT_SET_PASSWORD] = "SET PASSWORD",
        [AST_STMT_SHOW] = "SHOW",
        [AST_STMT_DESCRIBE] = "DESCRIBE",
        [AST_STMT_EXPLAIN] = "EXPLAIN",
        [AST_STMT_KILL] = "KILL",
        [AST_STMT_CREATE_USER] = "CREATE USER",
        [AST_STMT_ALTER_USER] = "ALTER USER",
        [AST_STMT_DROP_USER] = "DROP USER",
        [AST_STMT_GRANT] = "GRANT",
        [AST_STMT_REVOKE] = "REVOKE",
        [AST_STMT_FLUSH] = "FLUSH",
        [AST_STMT_LOCK_TABLES] = "LOCK TABLES",
        [AST_STMT_UNLOCK_TABLES] = "UNLOCK TABLES",
        [AST_STMT_TABLE_MAINT] = "TABLE MAINTENANCE",
        [AST_STMT_DO] = "DO",
        [AST_STMT_PREPARE] = "PREPARE",
        [AST_STMT_EXECUTE] = "EXECUTE",
        [AST_STMT_DEALLOCATE] = "DEALLOCATE PREPARE",
        [AST_STMT_COMPOUND] = "BEGIN ... END",
        [AST_STMT_IF] = "IF",
        [AST_STMT_DECLARE] = "DECLARE",
        [AST_STMT_SIGNAL] = "SIGNAL",
    };
    if ((size_t)kind < sizeof names / sizeof names[0] && names[kind])
        return names[kind];
    return "?";
}

const char *ast_op_name(enum ast_op op)
{
    switch (op) {
    case AST_OP_NEG:
        return "-";
    case AST_OP_BITNOT:
        return "~";
    case AST_OP_NOT:
        return "NOT";
    case AST_OP_ADD:
        return "+";
    case AST_OP_SUB:
        return "-";
    case AST_OP_MUL:
        return "*";
    case AST_OP_DIV:
        return "/";
    case AST_OP_INTDIV:
        return "DIV";
    case AST_OP_MOD:
        return "%";
    case AST_OP_BITAND:
        return "&";
    case AST_OP_BITOR:
        return "|";
    case AST_OP_BITXOR:
        return "^";
    case AST_OP_SHL:
        return "<<";
    case AST_OP_SHR:
        return ">>";
    case AST_OP_EQ:
        return "=";
    case AST_OP_NSEQ:
        return "<=>";
    case AST_OP_NE:
        return "<>";
    case AST_OP_LT:
        return "<";
    case AST_OP_LE:
        return "<=";
    case AST_OP_GT:
        return ">";
    case AST_OP_GE:
        return ">=";
    case AST_OP_XOR:
        return "XOR";
    case AST_OP_JSON_EXTRACT:
        return "->";
    case AST_OP_JSON_UNQUOTE:
        return "->>";
    case AST_OP_NONE:
        break;
    }
    return "?";
}

const char *ast_unit_name(enum ast_unit unit)
{
    static const char *const names[] = {
        [AST_UNIT_NONE] = "?",
        [AST_UNIT_MICROSECOND] = "MICROSECOND",
        [AST_UNIT_SECOND] = "SECOND",
        [AST_UNIT_MINUTE] = "MINUTE",
        [AST_UNIT_HOUR] = "HOUR",
        [AST_UNIT_DAY] = "DAY",
        [AST_UNIT_WEEK] = "WEEK",
        [AST_UNIT_MONTH] = "MONTH",
        [AST_UNIT_QUARTER] = "QUARTER",
        [AST_UNIT_YEAR] = "YEAR",
        [AST_UNIT_SECOND_MICROSECOND] = "SECOND_MICROSECOND",
        [AST_UNIT_MINUTE_MICROSECOND] = "MINUTE_MICROSECOND",
        [AST_UNIT_MINUTE_SECOND] = "MINUTE_SECOND",
        [AST_UNIT_HOUR_MICROSECOND] = "HOUR_MICROSECOND",
        [AST_UNIT_HOUR_SECOND] = "HOUR_SECOND",
        [AST_UNIT_HOUR_MINUTE] = "HOUR_MINUTE",
        [AST_UNIT_DAY_MICROSECOND] = "DAY_MICROSECOND",
        [AST_UNIT_DAY_SECOND] = "DAY_SECOND",
        [AST_UNIT_DAY_MINUTE] = "DAY_MINUTE",
        [AST_UNIT_DAY_HOUR] = "DAY_HOUR",
        [AST_UNIT_YEAR_MONTH] = "YEAR_MONTH",
    };
    if ((size_t)unit < sizeof names / sizeof names[0])
        return names[unit];
    return "?";
}

/* ---- printer core ---- */

struct pr {
    struct buf *b;  /* Output. */
    unsigned flags; /* AST_PRINT_* */
    int err;        /* First append error. */
};

static void putn(struct pr *p, const char *s, size_t n)
{
    if (!p->err)
        p->err = buf_append(p->b, s, n);
}

static void put(struct pr *p, const char *s)
{
    putn(p, s, strlen(s));
}

static void putch(struct pr *p, char c)
{
    putn(p, &c, 1);
}

static void putu(struct pr *p, uint64_t v)
{
    char tmp[24];
    snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v);
    put(p, tmp);
}

static bool plain_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '$';
}

static bool needs_quote(const struct ast_ident *id, unsigned flags)
{
    if (flags & AST_PRINT_QUOTE_ALL)
        return true;
    if (id->len == 0 || (id->str[0] >= '0' && id->str[0] <= '9'))
        return true;
    for (uint32_t i = 0; i < id->len; i++)
        if (!plain_char((unsigned char)id->str[i]))
            return true;
    if (sql_is_keyword(id->str, id->len))
        return true;
    return id->str[0] == '_' && sql__is_charset(id->str + 1, id->len - 1);
}

static void quoted(struct pr *p, const char *s, size_t n, char q)
{
    putch(p, q);
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == q) {
            putn(p, s + from, i + 1 - from);
            putch(p, q);
            from = i + 1;
        }
    }
    putn(p, s + from, n - from);
    putch(p, q);
}

static void ident(struct pr *p, const struct ast_ident *id)
{
    if (!id->str)
        return;
    if (needs_quote(id, p->flags))
        quoted(p, id->str, id->len, '`');
    else
        putn(p, id->str, id->len);
}

int ast_print_ident(struct buf *b, const struct ast_ident *id, unsigned flags)
{
    struct pr p = {b, flags, 0};
    ident(&p, id);
    return p.err;
}

static void name(struct pr *p, const struct ast_name *n)
{
    if (n->db.str) {
        ident(p, &n->db);
        putch(p, '.');
    }
    ident(p, &n->name);
}

/* A string literal in single quotes with MySQL's backslash escapes. */
static void string(struct pr *p, const char *s, size_t n)
{
    putch(p, '\'');
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        const char *esc = NULL;
        switch (s[i]) {
        case '\'':
            esc = "\\'";
            break;
        case '\\':
            esc = "\\\\";
            break;
        case '\0':
            esc = "\\0";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\032':
            esc = "\\Z";
            break;
        default:
            break;
        }
        if (esc) {
            putn(p, s + from, i - from);
            put(p, esc);
            from = i + 1;
        }
    }
    putn(p, s + from, n - from);
    putch(p, '\'');
}

/* An identifier or a string, for names that MySQL takes either way. */
static void ident_or_string(struct pr *p, const struct ast_ident *id)
{
    ident(p, id);
}

/* ---- expressions ---- */

enum {
    P_LOWEST = 0, /* @v := x, INTERVAL x u + y: always parenthesised as an operand. */
    P_OR,
    P_XOR,
    P_AND,
    P_NOT,
    P_ISBOOL, /* x IS [NOT] TRUE|FALSE|UNKNOWN */
    P_CMP,    /* comparisons, IS [NOT] NULL, ANY/ALL */
    P_PRED,   /* IN, BETWEEN, LIKE, REGEXP */
    P_BITOR,
    P_BITAND,
    P_SHIFT,
    P_ADD,
    P_MUL,
    P_BITXOR,
    P_UNARY, /* - ~ */
    P_COLLATE,
    P_PRIMARY,
};

static void expr(struct pr *p, const struct ast_expr *e, int min);
static void query(struct pr *p, const struct ast_query *q);
static void type(struct pr *p, const struct ast_type *t);
static void window(struct pr *p, const struct ast_window *w);

static int binary_level(enum ast_op op)
{
    switch (op) {
    case AST_OP_BITOR:
        return P_BITOR;
    case AST_OP_BITAND:
        return P_BITAND;
    case AST_OP_SHL:
    case AST_OP_SHR:
        return P_SHIFT;
    case AST_OP_ADD:
    case AST_OP_SUB:
        return P_ADD;
    case AST_OP_MUL:
    case AST_OP_DIV:
    case AST_OP_INTDIV:
    case AST_OP_MOD:
        return P_MUL;
    case AST_OP_BITXOR:
        return P_BITXOR;
    case AST_OP_EQ:
    case AST_OP_NSEQ:
    case AST_OP_NE:
    case AST_OP_LT:
    case AST_OP_LE:
    case AST_OP_GT:
    case AST_OP_GE:
        return P_CMP;
    case AST_OP_XOR:
        return P_XOR;
    case AST_OP_JSON_EXTRACT:
    case AST_OP_JSON_UNQUOTE:
        return P_PRIMARY;
    default:
        return P_PRIMARY;
    }
}

/* The precedence level of e's top operator. */
static int level(const struct ast_expr *e)
{
    switch (e->kind) {
    case AST_EXPR_ASSIGN:
        return P_LOWEST;
    case AST_EXPR_OR:
        return P_OR;
    case AST_EXPR_AND:
        return P_AND;
    case AST_EXPR_UNARY:
        return e->unary.op == AST_OP_NOT ? P_NOT : P_UNARY;
    case AST_EXPR_IS:
        return e->is.what == AST_IS_NULL ? P_CMP : P_ISBOOL;
    case AST_EXPR_QUANTIFIED:
        return P_CMP;
    case AST_EXPR_IN:
    case AST_EXPR_BETWEEN:
    case AST_EXPR_LIKE:
        return P_PRED;
    case AST_EXPR_COLLATE:
        return P_COLLATE;
    case AST_EXPR_BINARY:
        /* INTERVAL x u + y takes everything after it: treat it as lowest. */
        if (e->binary.op == AST_OP_ADD && e->binary.left &&
            e->binary.left->kind == AST_EXPR_INTERVAL)
            return P_LOWEST;
        return binary_level(e->binary.op);
    default:
        return P_PRIMARY;
    }
}

static void exprs(struct pr *p, const struct ast_list *l)
{
    for (uint32_t i = 0; i < l->n; i++) {
        if (i)
            put(p, ", ");
        expr(p, l->items[i], P_LOWEST);
    }
}

static void literal(struct pr *p, const struct ast_expr *e)
{
    switch (e->lit.kind) {
    case AST_LIT_NULL:
        put(p, "NULL");
        return;
    case AST_LIT_BOOL:
        put(p, e->lit.u ? "TRUE" : "FALSE");
        return;
    case AST_LIT_INT:
    case AST_LIT_DECIMAL:
    case AST_LIT_FLOAT:
        putn(p, e->lit.str, e->lit.len);
        return;
    case AST_LIT_HEX:
    case AST_LIT_BIT:
        if (e->lit.charset.str) {
            putch(p, '_');
            putn(p, e->lit.charset.str, e->lit.charset.len);
            putch(p, ' ');
        }
        if (e->lit.kind == AST_LIT_HEX) {
            static const char hex[] = "0123456789ABCDEF";
            put(p, "X'");
            for (uint32_t i = 0; i < e->lit.len; i++) {
                unsigned char c = (unsigned char)e->lit.str[i];
                putch(p, hex[c >> 4]);
                putch(p, hex[c & 15]);
            }
        } else {
            put(p, "b'");
            for (uint32_t i = 0; i < e->lit.len; i++)
                for (int bit = 7; bit >= 0; bit--)
                    putch(p, ((unsigned char)e->lit.str[i] >> bit) & 1 ? '1' : '0');
        }
        putch(p, '\'');
        return;
    case AST_LIT_STRING:
        if (e->lit.national)
            putch(p, 'N');
        else if (e->lit.charset.str) {
            putch(p, '_');
            putn(p, e->lit.charset.str, e->lit.charset.len);
        }
        string(p, e->lit.str, e->lit.len);
        return;
    case AST_LIT_DATE:
    case AST_LIT_TIME:
    case AST_LIT_TIMESTAMP:
        put(p, e->lit.kind == AST_LIT_DATE   ? "DATE "
               : e->lit.kind == AST_LIT_TIME ? "TIME "
                                             : "TIMESTAMP ");
        string(p, e->lit.str, e->lit.len);
        return;
    }
}

/* A variable name; backquoted unless the scanner reads it bare (letters, digits, _ $,
 * bytes >= 0x80, and for user variables also dots). */
static void var_name(struct pr *p, const struct ast_ident *n, bool dots)
{
    bool plain = n->len > 0;
    for (uint32_t i = 0; i < n->len; i++)
        if (!plain_char((unsigned char)n->str[i]) && !(dots && n->str[i] == '.') &&
            (unsigned char)n->str[i] < 0x80)
            plain = false;
    if (plain && !(p->flags & AST_PRINT_QUOTE_ALL))
        putn(p, n->str, n->len);
    else
        quoted(p, n->str, n->len, '`');
}

static const char *scope_name(enum ast_var_scope s)
{
    switch (s) {
    case AST_SCOPE_SESSION:
        return "SESSION";
    case AST_SCOPE_GLOBAL:
        return "GLOBAL";
    case AST_SCOPE_LOCAL:
        return "LOCAL";
    case AST_SCOPE_PERSIST:
        return "PERSIST";
    case AST_SCOPE_PERSIST_ONLY:
        return "PERSIST_ONLY";
    case AST_SCOPE_DEFAULT:
        break;
    }
    return NULL;
}

static void order_list(struct pr *p, const struct ast_list *l)
{
    for (uint32_t i = 0; i < l->n; i++) {
        const struct ast_order *o = l->items[i];
        if (i)
            put(p, ", ");
        expr(p, o->expr, P_LOWEST);
        if (o->dir == AST_ORDER_ASC)
            put(p, " ASC");
        else if (o->dir == AST_ORDER_DESC)
            put(p, " DESC");
    }
}

static void func_name(struct pr *p, const struct ast_ident *n)
{
    /* A name that read as a function name unquoted reads the same way again. */
    if (n->quoted)
        ident(p, n);
    else
        putn(p, n->str, n->len);
}

static void func(struct pr *p, const struct ast_expr *e)
{
    const struct ast_list *a = &e->func.args;
    if (e->func.db.str) {
        ident(p, &e->func.db);
        putch(p, '.');
    }
    func_name(p, &e->func.name);
    if (e->func.syntax == AST_FUNC_NO_PARENS)
        return;
    putch(p, '(');
    switch (e->func.syntax) {
    case AST_FUNC_TRIM:
        if (e->func.trim == AST_TRIM_LEADING)
            put(p, "LEADING ");
        else if (e->func.trim == AST_TRIM_TRAILING)
            put(p, "TRAILING ");
        else if (e->func.trim == AST_TRIM_BOTH)
            put(p, "BOTH ");
        if (a->n > 1) {
            expr(p, a->items[1], P_LOWEST);
            putch(p, ' ');
        }
        put(p, "FROM ");
        expr(p, a->items[0], P_LOWEST);
        break;
    case AST_FUNC_SUBSTRING_FROM:
        expr(p, a->items[0], P_LOWEST);
        put(p, " FROM ");
        expr(p, a->items[1], P_LOWEST);
        if (a->n > 2) {
            put(p, " FOR ");
            expr(p, a->items[2], P_LOWEST);
        }
        break;
    case AST_FUNC_POSITION:
        expr(p, a->items[0], P_BITOR);
        put(p, " IN ");
        expr(p, a->items[1], P_LOWEST);
        break;
    case AST_FUNC_EXTRACT:
        put(p, ast_unit_name(e->func.unit));
        put(p, " FROM ");
        expr(p, a->items[0], P_LOWEST);
        break;
    case AST_FUNC_UNIT_FIRST:
        put(p, ast_unit_name(e->func.unit));
        put(p, ", ");
        exprs(p, a);
        break;
    case AST_FUNC_CHAR_USING:
        exprs(p, a);
        put(p, " USING ");
        ident_or_string(p, &e->func.charset);
        break;
    case AST_FUNC_GROUP_CONCAT:
        if (e->func.distinct)
            put(p, "DISTINCT ");
        exprs(p, a);
        if (e->func.order_by.n) {
            put(p, " ORDER BY ");
            order_list(p, &e->func.order_by);
        }
        if (e->func.separator) {
            put(p, " SEPARATOR ");
            expr(p, e->func.separator, P_LOWEST);
        }
        break;
    default:
        if (e->func.star) {
            putch(p, '*');
            break;
        }
        if (e->func.distinct)
            put(p, "DISTINCT ");
        for (uint32_t i = 0; i < a->n; i++) {
            if (i)
                put(p, ", ");
            expr(p, a->items[i], P_LOWEST);
        }
        break;
    }
    putch(p, ')');
    if (e->func.over) {
        put(p, " OVER ");
        window(p, e->func.over);
    }
}

static void interval(struct pr *p, const struct ast_expr *e)
{
    put(p, "INTERVAL ");
    expr(p, e->interval.arg, P_LOWEST);
    putch(p, ' ');
    put(p, ast_unit_name(e->interval.unit));
}

static void subquery(struct pr *p, const struct ast_query *q)
{
    putch(p, '(');
    query(p, q);
    putch(p, ')');
}

static void expr_body(struct pr *p, const struct ast_expr *e)
{
    switch (e->kind) {
    case AST_EXPR_LITERAL:
        literal(p, e);
        break;
    case AST_EXPR_PARAM:
        putch(p, '?');
        break;
    case AST_EXPR_COLUMN:
    case AST_EXPR_STAR:
        if (e->column.db.str) {
            ident(p, &e->column.db);
            putch(p, '.');
        }
        if (e->column.table.str) {
            ident(p, &e->column.table);
            putch(p, '.');
        }
        if (e->kind == AST_EXPR_STAR)
            putch(p, '*');
        else
            ident(p, &e->column.column);
        break;
    case AST_EXPR_USER_VAR:
        putch(p, '@');
        var_name(p, &e->var.name, true);
        break;
    case AST_EXPR_SYS_VAR: {
        const char *sc = scope_name(e->var.scope);
        put(p, "@@");
        if (sc) {
            put(p, sc);
            putch(p, '.');
        } else if (e->var.base.str) {
            /* Only an unquoted name can be a base (@@base.name). */
            putn(p, e->var.base.str, e->var.base.len);
            putch(p, '.');
        }
        var_name(p, &e->var.name, false);
        break;
    }
    case AST_EXPR_ASSIGN:
        putch(p, '@');
        var_name(p, &e->assign.name, true);
        put(p, " := ");
        expr(p, e->assign.value, P_OR);
        break;
    case AST_EXPR_UNARY:
        if (e->unary.op == AST_OP_NOT) {
            put(p, "NOT ");
            expr(p, e->unary.arg, P_NOT);
        } else {
            const struct ast_expr *a = e->unary.arg;
            put(p, e->unary.op == AST_OP_NEG ? "-" : "~");
            /* "- -x" must not become "--x" (a comment when a space follows). */
            if (e->unary.op == AST_OP_NEG && a->kind == AST_EXPR_UNARY && a->unary.op == AST_OP_NEG)
                putch(p, ' ');
            expr(p, a, P_UNARY);
        }
        break;
    case AST_EXPR_BINARY: {
        enum ast_op op = e->binary.op;
        if (op == AST_OP_ADD && e->binary.left->kind == AST_EXPR_INTERVAL) {
            interval(p, e->binary.left);
            put(p, " + ");
            expr(p, e->binary.right, P_OR);
            break;
        }
        int lv = binary_level(op);
        if (op == AST_OP_JSON_EXTRACT || op == AST_OP_JSON_UNQUOTE) {
            expr(p, e->binary.left, P_PRIMARY);
            putch(p, ' ');
            put(p, ast_op_name(op));
            putch(p, ' ');
            expr(p, e->binary.right, P_PRIMARY);
            break;
        }
        expr(p, e->binary.left, lv);
        putch(p, ' ');
        put(p, ast_op_name(op));
        putch(p, ' ');
        if ((op == AST_OP_ADD || op == AST_OP_SUB) && e->binary.right->kind == AST_EXPR_INTERVAL)
            interval(p, e->binary.right);
        else
            expr(p, e->binary.right, lv == P_CMP ? P_PRED : lv + 1);
        break;
    }
    case AST_EXPR_AND:
    case AST_EXPR_OR: {
        int lv = e->kind == AST_EXPR_AND ? P_AND : P_OR;
        for (uint32_t i = 0; i < e->logic.args.n; i++) {
            if (i)
                put(p, e->kind == AST_EXPR_AND ? " AND " : " OR ");
            expr(p, e->logic.args.items[i], lv + 1);
        }
        break;
    }
    case AST_EXPR_IS: {
        static const char *const what[] = {"NULL", "TRUE", "FALSE", "UNKNOWN"};
        expr(p, e->is.arg, P_CMP);
        put(p, e->is.negated ? " IS NOT " : " IS ");
        put(p, what[e->is.what]);
        break;
    }
    case AST_EXPR_LIKE:
        expr(p, e->like.arg, P_BITOR);
        if (e->like.negated)
            put(p, " NOT");
        put(p, e->like.regexp ? " REGEXP " : " LIKE ");
        expr(p, e->like.pattern, e->like.regexp ? P_BITOR : P_UNARY);
        if (e->like.escape) {
            put(p, " ESCAPE ");
            expr(p, e->like.escape, P_UNARY);
        }
        break;
    case AST_EXPR_BETWEEN:
        expr(p, e->between.arg, P_BITOR);
        put(p, e->between.negated ? " NOT BETWEEN " : " BETWEEN ");
        expr(p, e->between.low, P_BITOR);
        put(p, " AND ");
        expr(p, e->between.high, P_PRED);
        break;
    case AST_EXPR_IN:
        expr(p, e->in.arg, P_BITOR);
        put(p, e->in.negated ? " NOT IN " : " IN ");
        if (e->in.query) {
            subquery(p, e->in.query);
        } else {
            putch(p, '(');
            exprs(p, &e->in.list);
            putch(p, ')');
        }
        break;
    case AST_EXPR_SUBQUERY:
        subquery(p, e->subquery.query);
        break;
    case AST_EXPR_EXISTS:
        put(p, "EXISTS ");
        subquery(p, e->subquery.query);
        break;
    case AST_EXPR_QUANTIFIED:
        expr(p, e->quant.left, P_CMP);
        putch(p, ' ');
        put(p, ast_op_name(e->quant.op));
        put(p, e->quant.all ? " ALL " : " ANY ");
        subquery(p, e->quant.query);
        break;
    case AST_EXPR_CASE:
        put(p, "CASE");
        if (e->case_.operand) {
            putch(p, ' ');
            expr(p, e->case_.operand, P_LOWEST);
        }
        for (uint32_t i = 0; i < e->case_.whens.n; i++) {
            const struct ast_when *w = e->case_.whens.items[i];
            put(p, " WHEN ");
            expr(p, w->cond, P_LOWEST);
            put(p, " THEN ");
            expr(p, w->result, P_LOWEST);
        }
        if (e->case_.else_) {
            put(p, " ELSE ");
            expr(p, e->case_.else_, P_LOWEST);
        }
        put(p, " END");
        break;
    case AST_EXPR_CAST:
        put(p, "CAST(");
        expr(p, e->cast.arg, P_LOWEST);
        put(p, " AS ");
        type(p, e->cast.type);
        putch(p, ')');
        break;
    case AST_EXPR_CONVERT_USING:
        put(p, "CONVERT(");
        expr(p, e->convert.arg, P_LOWEST);
        put(p, " USING ");
        ident_or_string(p, &e->convert.charset);
        putch(p, ')');
        break;
    case AST_EXPR_COLLATE:
        expr(p, e->collate.arg, P_COLLATE);
        put(p, " COLLATE ");
        ident_or_string(p, &e->collate.collation);
        break;
    case AST_EXPR_INTERVAL:
        interval(p, e);
        break;
    case AST_EXPR_FUNC:
        func(p, e);
        break;
    case AST_EXPR_ROW:
        put(p, e->row.explicit_row ? "ROW(" : "(");
        exprs(p, &e->row.args);
        putch(p, ')');
        break;
    case AST_EXPR_DEFAULT:
        put(p, "DEFAULT");
        break;
    }
}

/* Prints e, in parentheses when its operator binds looser than min allows. */
static void expr(struct pr *p, const struct ast_expr *e, int min)
{
    int lv = level(e);
    bool paren = lv < min || ((p->flags & AST_PRINT_PARENS) && min > P_LOWEST && lv < P_PRIMARY);
    if (paren)
        putch(p, '(');
    expr_body(p, e);
    if (paren)
        putch(p, ')');
}

int ast_print_expr(struct buf *b, const struct ast_expr *e, unsigned flags)
{
    struct pr p = {b, flags, 0};
    expr(&p, e, P_LOWEST);
    return p.err;
}

/* ---- types ---- */

static void type(struct pr *p, const struct ast_type *t)
{
    static const char *const names[] = {
        [AST_TYPE_TINYINT] = "TINYINT",
        [AST_TYPE_SMALLINT] = "SMALLINT",
        [AST_TYPE_MEDIUMINT] = "MEDIUMINT",
        [AST_TYPE_INT] = "INT",
        [AST_TYPE_BIGINT] = "BIGINT",
        [AST_TYPE_DECIMAL] = "DECIMAL",
        [AST_TYPE_FLOAT] = "FLOAT",
        [AST_TYPE_DOUBLE] = "DOUBLE",
        [AST_TYPE_BIT] = "BIT",
        [AST_TYPE_BOOL] = "BOOLEAN",
        [AST_TYPE_CHAR] = "CHAR",
        [AST_TYPE_VARCHAR] = "VARCHAR",
        [AST_TYPE_BINARY] = "BINARY",
        [AST_TYPE_VARBINARY] = "VARBINARY",
        [AST_TYPE_TINYTEXT] = "TINYTEXT",
        [AST_TYPE_TEXT] = "TEXT",
        [AST_TYPE_MEDIUMTEXT] = "MEDIUMTEXT",
        [AST_TYPE_LONGTEXT] = "LONGTEXT",
        [AST_TYPE_TINYBLOB] = "TINYBLOB",
        [AST_TYPE_BLOB] = "BLOB",
        [AST_TYPE_MEDIUMBLOB] = "MEDIUMBLOB",
        [AST_TYPE_LONGBLOB] = "LONGBLOB",
        [AST_TYPE_DATE] = "DATE",
        [AST_TYPE_TIME] = "TIME",
        [AST_TYPE_DATETIME] = "DATETIME",
        [AST_TYPE_TIMESTAMP] = "TIMESTAMP",
        [AST_TYPE_YEAR] = "YEAR",
        [AST_TYPE_ENUM] = "ENUM",
        [AST_TYPE_SET] = "SET",
        [AST_TYPE_JSON] = "JSON",
        [AST_TYPE_SIGNED] = "SIGNED",
        [AST_TYPE_UNSIGNED] = "UNSIGNED",
    };
    if (t->serial) {
        put(p, "SERIAL");
        return;
    }
    if (t->national && (t->kind == AST_TYPE_CHAR || t->kind == AST_TYPE_VARCHAR))
        put(p, t->kind == AST_TYPE_CHAR ? "NCHAR" : "NVARCHAR");
    else
        put(p, names[t->kind]);
    if (t->kind == AST_TYPE_ENUM || t->kind == AST_TYPE_SET) {
        putch(p, '(');
        exprs(p, &t->values);
        putch(p, ')');
    } else if (t->len >= 0) {
        putch(p, '(');
        putu(p, (uint64_t)t->len);
        if (t->scale >= 0) {
            putch(p, ',');
            putu(p, (uint64_t)t->scale);
        }
        putch(p, ')');
    }
    if (t->is_unsigned && t->kind != AST_TYPE_UNSIGNED)
        put(p, " UNSIGNED");
    if (t->zerofill)
        put(p, " ZEROFILL");
    if (t->charset.str) {
        put(p, " CHARACTER SET ");
        ident_or_string(p, &t->charset);
    }
    if (t->binary)
        put(p, " BINARY");
    if (t->collate.str) {
        put(p, " COLLATE ");
        ident_or_string(p, &t->collate);
    }
}

int ast_print_type(struct buf *b, const struct ast_type *t, unsigned flags)
{
    struct pr p = {b, flags, 0};
    type(&p, t);
    return p.err;
}

/* ---- windows ---- */

static void bound(struct pr *p, const struct ast_frame_bound *b)
{
    switch (b->kind) {
    case AST_BOUND_UNBOUNDED_PRECEDING:
        put(p, "UNBOUNDED PRECEDING");
        break;
    case AST_BOUND_UNBOUNDED_FOLLOWING:
        put(p, "UNBOUNDED FOLLOWING");
        break;
    case AST_BOUND_CURRENT_ROW:
        put(p, "CURRENT ROW");
        break;
    case AST_BOUND_PRECEDING:
    case AST_BOUND_FOLLOWING:
        expr(p, b->offset, P_LOWEST);
        put(p, b->kind == AST_BOUND_PRECEDING ? " PRECEDING" : " FOLLOWING");
        break;
    }
}

static void window_spec(struct pr *p, const struct ast_window *w)
{
    const char *sep = "";
    putch(p, '(');
    if (w->ref.str) {
        ident(p, &w->ref);
        sep = " ";
    }
    if (w->partition_by.n) {
        put(p, sep);
        put(p, "PARTITION BY ");
        exprs(p, &w->partition_by);
        sep = " ";
    }
    if (w->order_by.n) {
        put(p, sep);
        put(p, "ORDER BY ");
        order_list(p, &w->order_by);
        sep = " ";
    }
    if (w->frame) {
        static const char *const units[] = {"ROWS ", "RANGE ", "GROUPS "};
        put(p, sep);
        put(p, units[w->frame->unit]);
        if (w->frame->between) {
            put(p, "BETWEEN ");
            bound(p, &w->frame->start);
            put(p, " AND ");
            bound(p, &w->frame->end);
        } else {
            bound(p, &w->frame->start);
        }
    }
    putch(p, ')');
}

static void window(struct pr *p, const struct ast_window *w)
{
    if (w->has_spec)
        window_spec(p, w);
    else
        ident(p, &w->ref);
}

/* ---- queries ---- */

static void table_ref(struct pr *p, const struct ast_table_ref *t);

static void ident_list(struct pr *p, const struct ast_list *l)
{
    for (uint32_t i = 0; i < l->n; i++) {
        if (i)
            put(p, ", ");
        ident(p, l->items[i]);
    }
}

static void name_list(struct pr *p, const struct ast_list *l)
{
    for (uint32_t i = 0; i < l->n; i++) {
        if (i)
            put(p, ", ");
        name(p, l->items[i]);
    }
}

static void hint(struct pr *p, const struct ast_index_hint *h)
{
    static const char *const kinds[] = {" USE ", " FORCE ", " IGNORE "};
    static const char *const scopes[] = {"", " FOR JOIN", " FOR ORDER BY", " FOR GROUP BY"};
    put(p, kinds[h->kind]);
    put(p, h->key ? "KEY" : "INDEX");
    put(p, scopes[h->scope]);
    put(p, " (");
    for (uint32_t i = 0; i < h->names.n; i++) {
        const struct ast_ident *n = h->names.items[i];
        if (i)
            put(p, ", ");
        if (n->len == 7 && !n->quoted && strncasecmp(n->str, "PRIMARY", 7) == 0)
            put(p, "PRIMARY");
        else
            ident(p, n);
    }
    putch(p, ')');
}

static bool conditionless(const struct ast_table_ref *t)
{
    return t->kind == AST_TREF_JOIN && !t->join.on && !t->join.has_using && !t->join.natural;
}

static void table_ref(struct pr *p, const struct ast_table_ref *t)
{
    switch (t->kind) {
    case AST_TREF_TABLE:
        name(p, &t->table.name);
        if (t->table.partitions.n) {
            put(p, " PARTITION (");
            ident_list(p, &t->table.partitions);
            putch(p, ')');
        }
        if (t->alias.str) {
            put(p, " AS ");
            ident(p, &t->alias);
        }
        for (uint32_t i = 0; i < t->table.hints.n; i++)
            hint(p, t->table.hints.items[i]);
        break;
    case AST_TREF_DERIVED:
        if (t->derived.lateral)
            put(p, "LATERAL ");
        subquery(p, t->derived.query);
        if (t->alias.str) {
            put(p, " AS ");
            ident(p, &t->alias);
        }
        if (t->derived.columns.n) {
            put(p, " (");
            ident_list(p, &t->derived.columns);
            putch(p, ')');
        }
        break;
    case AST_TREF_JOIN: {
        static const char *const kinds[] = {"JOIN", "CROSS JOIN", "STRAIGHT_JOIN", "LEFT JOIN",
                                            "RIGHT JOIN"};
        /* A join on the left is read first; one without a condition would
         * swallow the next join as its right side, so it keeps parentheses. */
        bool lp = conditionless(t->join.left) || t->join.left->kind == AST_TREF_LIST;
        bool rp = t->join.right->kind == AST_TREF_JOIN || t->join.right->kind == AST_TREF_LIST;
        if (lp)
            putch(p, '(');
        table_ref(p, t->join.left);
        if (lp)
            putch(p, ')');
        putch(p, ' ');
        if (t->join.natural)
            put(p, "NATURAL ");
        put(p, kinds[t->join.kind]);
        putch(p, ' ');
        if (rp)
            putch(p, '(');
        table_ref(p, t->join.right);
        if (rp)
            putch(p, ')');
        if (t->join.on) {
            put(p, " ON ");
            expr(p, t->join.on, P_LOWEST);
        } else if (t->join.has_using) {
            put(p, " USING (");
            ident_list(p, &t->join.using_);
            putch(p, ')');
        }
        break;
    }
    case AST_TREF_LIST:
        putch(p, '(');
        for (uint32_t i = 0; i < t->list.items.n; i++) {
            if (i)
                put(p, ", ");
            table_ref(p, t->list.items.items[i]);
        }
        putch(p, ')');
        break;
    }
}

static bool has_tail(const struct ast_query *q)
{
    return q->with || q->order_by.n || q->limit || q->into.n || q->locks.n;
}

static int setop_level(const struct ast_query *q)
{
    return q->setop.op == AST_SETOP_INTERSECT ? 2 : 1;
}

static void query_operand(struct pr *p, const struct ast_query *q, bool paren)
{
    if (paren || has_tail(q))
        subquery(p, q);
    else
        query(p, q);
}

static void select_block(struct pr *p, const struct ast_query *q)
{
    static const struct {
        uint32_t bit;
        const char *word;
    } opts[] = {
        {AST_SEL_ALL, "ALL"},
        {AST_SEL_DISTINCT, "DISTINCT"},
        {AST_SEL_HIGH_PRIORITY, "HIGH_PRIORITY"},
        {AST_SEL_STRAIGHT_JOIN, "STRAIGHT_JOIN"},
        {AST_SEL_SMALL_RESULT, "SQL_SMALL_RESULT"},
        {AST_SEL_BIG_RESULT, "SQL_BIG_RESULT"},
        {AST_SEL_BUFFER_RESULT, "SQL_BUFFER_RESULT"},
        {AST_SEL_CACHE, "SQL_CACHE"},
        {AST_SEL_NO_CACHE, "SQL_NO_CACHE"},
        {AST_SEL_CALC_FOUND_ROWS, "SQL_CALC_FOUND_ROWS"},
    };
    put(p, "SELECT ");
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
        if (q->select.opts & opts[i].bit) {
            put(p, opts[i].word);
            putch(p, ' ');
        }
    for (uint32_t i = 0; i < q->select.items.n; i++) {
        const struct ast_select_item *it = q->select.items.items[i];
        if (i)
            put(p, ", ");
        expr(p, it->expr, P_LOWEST);
        if (it->alias.str) {
            put(p, " AS ");
            ident(p, &it->alias);
        }
    }
    if (q->select.from_dual)
        put(p, " FROM DUAL");
    for (uint32_t i = 0; i < q->select.from.n; i++) {
        put(p, i ? ", " : " FROM ");
        table_ref(p, q->select.from.items[i]);
    }
    if (q->select.where) {
        put(p, " WHERE ");
        expr(p, q->select.where, P_LOWEST);
    }
    if (q->select.group_by.n) {
        put(p, " GROUP BY ");
        exprs(p, &q->select.group_by);
        if (q->select.with_rollup)
            put(p, " WITH ROLLUP");
    }
    if (q->select.having) {
        put(p, " HAVING ");
        expr(p, q->select.having, P_LOWEST);
    }
    for (uint32_t i = 0; i < q->select.windows.n; i++) {
        const struct ast_window *w = q->select.windows.items[i];
        put(p, i ? ", " : " WINDOW ");
        ident(p, &w->name);
        put(p, " AS ");
        window_spec(p, w);
    }
}

static void query(struct pr *p, const struct ast_query *q)
{
    if (q->with) {
        put(p, q->with->recursive ? "WITH RECURSIVE " : "WITH ");
        for (uint32_t i = 0; i < q->with->ctes.n; i++) {
            const struct ast_cte *c = q->with->ctes.items[i];
            if (i)
                put(p, ", ");
            ident(p, &c->name);
            if (c->columns.n) {
                put(p, " (");
                ident_list(p, &c->columns);
                putch(p, ')');
            }
            put(p, " AS ");
            subquery(p, c->query);
        }
        putch(p, ' ');
    }
    if (q->kind == AST_QUERY_SELECT) {
        select_block(p, q);
    } else if (!q->setop.right) {
        subquery(p, q->setop.left);
    } else {
        static const char *const ops[] = {" UNION ", " EXCEPT ", " INTERSECT "};
        const struct ast_query *l = q->setop.left, *r = q->setop.right;
        query_operand(
            p, l, l->kind == AST_QUERY_SETOP && l->setop.right && setop_level(l) < setop_level(q));
        put(p, ops[q->setop.op]);
        if (q->setop.all)
            put(p, "ALL ");
        else if (q->setop.distinct)
            put(p, "DISTINCT ");
        query_operand(p, r, r->kind == AST_QUERY_SETOP);
    }
    if (q->order_by.n) {
        put(p, " ORDER BY ");
        order_list(p, &q->order_by);
    }
    if (q->limit) {
        put(p, " LIMIT ");
        expr(p, q->limit, P_LOWEST);
        if (q->offset) {
            put(p, " OFFSET ");
            expr(p, q->offset, P_LOWEST);
        }
    }
    if (q->into.n) {
        put(p, " INTO ");
        exprs(p, &q->into);
    }
    for (uint32_t i = 0; i < q->locks.n; i++) {
        const struct ast_lock *l = q->locks.items[i];
        if (l->kind == AST_LOCK_SHARE_MODE) {
            put(p, " LOCK IN SHARE MODE");
            continue;
        }
        put(p, l->kind == AST_LOCK_UPDATE ? " FOR UPDATE" : " FOR SHARE");
        if (l->tables.n) {
            put(p, " OF ");
            name_list(p, &l->tables);
        }
        if (l->wait == AST_LOCK_NOWAIT)
            put(p, " NOWAIT");
        else if (l->wait == AST_LOCK_SKIP_LOCKED)
            put(p, " SKIP LOCKED");
    }
}

int ast_print_query(struct buf *b, const struct ast_query *q, unsigned flags)
{
    struct pr p = {b, flags, 0};
    query(&p, q);
    return p.err;
}

/* ---- DDL parts ---- */

static void option(struct pr *p, const struct ast_option *o)
{
    if (o->is_default)
        put(p, "DEFAULT ");
    /* Option names are keywords, plain words, or names we made (CHARACTER SET). */
    putn(p, o->name.str, o->name.len);
    if (o->value) {
        put(p, o->has_eq ? " = " : " ");
        expr(p, o->value, P_LOWEST);
    }
}

static void options(struct pr *p, const struct ast_list *l, const char *sep)
{
    for (uint32_t i = 0; i < l->n; i++) {
        if (i)
            put(p, sep);
        option(p, l->items[i]);
    }
}

static const char *fk_action_name(enum ast_fk_action a)
{
    switch (a) {
    case AST_FK_RESTRICT:
        return "RESTRICT";
    case AST_FK_CASCADE:
        return "CASCADE";
    case AST_FK_SET_NULL:
        return "SET NULL";
    case AST_FK_NO_ACTION:
        return "NO ACTION";
    case AST_FK_SET_DEFAULT:
        return "SET DEFAULT";
    case AST_FK_DEFAULT:
        break;
    }
    return NULL;
}

static void references(struct pr *p, const struct ast_references *r)
{
    put(p, "REFERENCES ");
    name(p, &r->table);
    if (r->columns.n) {
        put(p, " (");
        ident_list(p, &r->columns);
        putch(p, ')');
    }
    if (r->match.str) {
        put(p, " MATCH ");
        ident(p, &r->match);
    }
    if (r->on_delete) {
        put(p, " ON DELETE ");
        put(p, fk_action_name(r->on_delete));
    }
    if (r->on_update) {
        put(p, " ON UPDATE ");
        put(p, fk_action_name(r->on_update));
    }
}

static void key_parts(struct pr *p, const struct ast_list *l)
{
    putch(p, '(');
    for (uint32_t i = 0; i < l->n; i++) {
        const struct ast_key_part *k = l->items[i];
        if (i)
            put(p, ", ");
        if (k->expr) {
            putch(p, '(');
            expr(p, k->expr, P_LOWEST);
            putch(p, ')');
        } else {
            ident(p, &k->column);
            if (k->len >= 0) {
                putch(p, '(');
                putu(p, (uint64_t)k->len);
                putch(p, ')');
            }
        }
        if (k->dir == AST_ORDER_ASC)
            put(p, " ASC");
        else if (k->dir == AST_ORDER_DESC)
            put(p, " DESC");
    }
    putch(p, ')');
}

static void check_tail(struct pr *p, const struct ast_constraint *c)
{
    put(p, "CHECK (");
    expr(p, c->check, P_LOWEST);
    putch(p, ')');
    if (c->enforced == 1)
        put(p, " ENFORCED");
    else if (c->enforced == 0)
        put(p, " NOT ENFORCED");
}

static void constraint(struct pr *p, const struct ast_constraint *c)
{
    if (c->name.str || (c->kind != AST_CONS_INDEX && c->kind != AST_CONS_FULLTEXT &&
                        c->kind != AST_CONS_SPATIAL && c->name.quoted)) {
        put(p, "CONSTRAINT ");
        if (c->name.str) {
            ident(p, &c->name);
            putch(p, ' ');
        }
    }
    switch (c->kind) {
    case AST_CONS_PRIMARY:
        put(p, "PRIMARY KEY");
        break;
    case AST_CONS_UNIQUE:
        put(p, c->key_word ? "UNIQUE KEY" : "UNIQUE INDEX");
        break;
    case AST_CONS_INDEX:
        put(p, c->key_word ? "KEY" : "INDEX");
        break;
    case AST_CONS_FULLTEXT:
        put(p, c->key_word ? "FULLTEXT KEY" : "FULLTEXT INDEX");
        break;
    case AST_CONS_SPATIAL:
        put(p, c->key_word ? "SPATIAL KEY" : "SPATIAL INDEX");
        break;
    case AST_CONS_FOREIGN:
        put(p, "FOREIGN KEY");
        break;
    case AST_CONS_CHECK:
        check_tail(p, c);
        return;
    }
    if (c->index_name.str) {
        putch(p, ' ');
        ident(p, &c->index_name);
    }
    if (c->using_.str) {
        put(p, " USING ");
        ident(p, &c->using_);
    }
    putch(p, ' ');
    key_parts(p, &c->parts);
    if (c->refs) {
        putch(p, ' ');
        references(p, c->refs);
    }
    if (c->options.n) {
        putch(p, ' ');
        options(p, &c->options, " ");
    }
}

static void column_def(struct pr *p, const struct ast_column_def *c)
{
    ident(p, &c->name);
    putch(p, ' ');
    type(p, c->type);
    if (c->generated) {
        put(p, " GENERATED ALWAYS AS (");
        expr(p, c->generated, P_LOWEST);
        put(p, c->stored ? ") STORED" : ") VIRTUAL");
    }
    if (c->nullable == 0)
        put(p, " NOT NULL");
    else if (c->nullable == 1)
        put(p, " NULL");
    if (c->default_) {
        put(p, " DEFAULT ");
        if (c->default_paren)
            putch(p, '(');
        expr(p, c->default_, c->default_paren ? P_LOWEST : P_UNARY);
        if (c->default_paren)
            putch(p, ')');
    }
    if (c->on_update) {
        put(p, " ON UPDATE ");
        expr(p, c->on_update, P_LOWEST);
    }
    if (c->auto_increment)
        put(p, " AUTO_INCREMENT");
    if (c->key == AST_COL_KEY_PRIMARY)
        put(p, " PRIMARY KEY");
    else if (c->key == AST_COL_KEY_UNIQUE)
        put(p, " UNIQUE KEY");
    if (c->comment) {
        put(p, " COMMENT ");
        expr(p, c->comment, P_LOWEST);
    }
    if (c->visible == 1)
        put(p, " VISIBLE");
    else if (c->visible == 0)
        put(p, " INVISIBLE");
    for (uint32_t i = 0; i < c->checks.n; i++) {
        const struct ast_constraint *k = c->checks.items[i];
        putch(p, ' ');
        if (k->name.str) {
            put(p, "CONSTRAINT ");
            ident(p, &k->name);
            putch(p, ' ');
        }
        check_tail(p, k);
    }
    if (c->refs) {
        putch(p, ' ');
        references(p, c->refs);
    }
}

static void place(struct pr *p, const struct ast_col_place *pl)
{
    if (pl->first)
        put(p, " FIRST");
    else if (pl->after.str) {
        put(p, " AFTER ");
        ident(p, &pl->after);
    }
}

static void alter(struct pr *p, const struct ast_alter *a)
{
    const char *col = a->has_column_word ? "COLUMN " : "";
    switch (a->kind) {
    case AST_ALTER_ADD_COLUMN:
        put(p, "ADD ");
        put(p, col);
        column_def(p, a->column);
        place(p, &a->place);
        break;
    case AST_ALTER_ADD_COLUMNS: {
        put(p, "ADD ");
        put(p, col);
        putch(p, '(');
        uint32_t k = 0;
        for (uint32_t i = 0; i < a->columns.n; i++, k++) {
            if (k)
                put(p, ", ");
            column_def(p, a->columns.items[i]);
        }
        for (uint32_t i = 0; i < a->constraints.n; i++, k++) {
            if (k)
                put(p, ", ");
            constraint(p, a->constraints.items[i]);
        }
        putch(p, ')');
        break;
    }
    case AST_ALTER_ADD_CONSTRAINT:
        put(p, "ADD ");
        constraint(p, a->constraint);
        break;
    case AST_ALTER_DROP_COLUMN:
        put(p, "DROP ");
        put(p, col);
        ident(p, &a->name);
        break;
    case AST_ALTER_DROP_INDEX:
        put(p, "DROP INDEX ");
        ident(p, &a->name);
        break;
    case AST_ALTER_DROP_PRIMARY:
        put(p, "DROP PRIMARY KEY");
        break;
    case AST_ALTER_DROP_FOREIGN:
        put(p, "DROP FOREIGN KEY ");
        ident(p, &a->name);
        break;
    case AST_ALTER_DROP_CHECK:
        put(p, "DROP CHECK ");
        ident(p, &a->name);
        break;
    case AST_ALTER_MODIFY_COLUMN:
        put(p, "MODIFY ");
        put(p, col);
        column_def(p, a->column);
        place(p, &a->place);
        break;
    case AST_ALTER_CHANGE_COLUMN:
        put(p, "CHANGE ");
        put(p, col);
        ident(p, &a->name);
        putch(p, ' ');
        column_def(p, a->column);
        place(p, &a->place);
        break;
    case AST_ALTER_SET_DEFAULT:
        put(p, "ALTER ");
        put(p, col);
        ident(p, &a->name);
        put(p, " SET DEFAULT ");
        if (a->default_paren)
            putch(p, '(');
        expr(p, a->value, a->default_paren ? P_LOWEST : P_UNARY);
        if (a->default_paren)
            putch(p, ')');
        break;
    case AST_ALTER_DROP_DEFAULT:
        put(p, "ALTER ");
        put(p, col);
        ident(p, &a->name);
        put(p, " DROP DEFAULT");
        break;
    case AST_ALTER_COLUMN_VISIBLE:
        put(p, "ALTER ");
        put(p, col);
        ident(p, &a->name);
        put(p, a->visible ? " SET VISIBLE" : " SET INVISIBLE");
        break;
    case AST_ALTER_INDEX_VISIBLE:
        put(p, "ALTER INDEX ");
        ident(p, &a->name);
        put(p, a->visible ? " VISIBLE" : " INVISIBLE");
        break;
    case AST_ALTER_RENAME_TABLE:
        put(p, "RENAME TO ");
        name(p, &a->new_table);
        break;
    case AST_ALTER_RENAME_COLUMN:
        put(p, "RENAME COLUMN ");
        ident(p, &a->name);
        put(p, " TO ");
        ident(p, &a->new_name);
        break;
    case AST_ALTER_RENAME_INDEX:
        put(p, "RENAME INDEX ");
        ident(p, &a->name);
        put(p, " TO ");
        ident(p, &a->new_name);
        break;
    case AST_ALTER_OPTIONS:
        options(p, &a->options, " ");
        break;
    case AST_ALTER_CONVERT_CHARSET:
        put(p, "CONVERT TO CHARACTER SET ");
        ident_or_string(p, &a->name);
        if (a->new_name.str) {
            put(p, " COLLATE ");
            ident_or_string(p, &a->new_name);
        }
        break;
    case AST_ALTER_ALGORITHM:
        put(p, "ALGORITHM = ");
        ident(p, &a->name);
        break;
    case AST_ALTER_LOCK:
        put(p, "LOCK = ");
        ident(p, &a->name);
        break;
    case AST_ALTER_FORCE:
        put(p, "FORCE");
        break;
    case AST_ALTER_ENABLE_KEYS:
        put(p, "ENABLE KEYS");
        break;
    case AST_ALTER_DISABLE_KEYS:
        put(p, "DISABLE KEYS");
        break;
    }
}

static void user(struct pr *p, const struct ast_user *u)
{
    if (u->current_user) {
        put(p, "CURRENT_USER");
    } else {
        string(p, u->name.str, u->name.len);
        if (u->host.str) {
            putch(p, '@');
            string(p, u->host.str, u->host.len);
        }
    }
    if (!u->has_auth)
        return;
    put(p, " IDENTIFIED");
    if (u->plugin.str) {
        put(p, " WITH ");
        ident(p, &u->plugin);
    }
    if (u->password) {
        put(p, " BY ");
        expr(p, u->password, P_LOWEST);
    } else if (u->auth_string) {
        put(p, u->plugin.str ? " AS " : " BY PASSWORD ");
        expr(p, u->auth_string, P_LOWEST);
    }
}

static void users(struct pr *p, const struct ast_list *l)
{
    for (uint32_t i = 0; i < l->n; i++) {
        if (i)
            put(p, ", ");
        user(p, l->items[i]);
    }
}

static void assigns(struct pr *p, const struct ast_list *l)
{
    for (uint32_t i = 0; i < l->n; i++) {
        const struct ast_assign *a = l->items[i];
        if (i)
            put(p, ", ");
        expr(p, a->column, P_LOWEST);
        put(p, " = ");
        expr(p, a->value, P_LOWEST);
    }
}

/* ---- statements ---- */

static void stmt(struct pr *p, const struct ast_stmt *s);

static void stmt_list(struct pr *p, const struct ast_list *l)
{
    for (uint32_t i = 0; i < l->n; i++) {
        putch(p, ' ');
        stmt(p, l->items[i]);
        putch(p, ';');
    }
}

static void like_where(struct pr *p, const struct ast_stmt *s)
{
    if (s->show.like) {
        put(p, " LIKE ");
        expr(p, s->show.like, P_LOWEST);
    } else if (s->show.where) {
        put(p, " WHERE ");
        expr(p, s->show.where, P_LOWEST);
    }
}

static void from_db(struct pr *p, const struct ast_stmt *s)
{
    if (s->show.db.str) {
        put(p, s->show.in_word ? " IN " : " FROM ");
        ident(p, &s->show.db);
    }
}

static void show(struct pr *p, const struct ast_stmt *s)
{
    const char *sc = scope_name(s->show.scope);
    put(p, "SHOW ");
    switch (s->show.kind) {
    case AST_SHOW_DATABASES:
        put(p, "DATABASES");
        like_where(p, s);
        break;
    case AST_SHOW_TABLES:
        put(p, s->show.full ? "FULL TABLES" : "TABLES");
        from_db(p, s);
        like_where(p, s);
        break;
    case AST_SHOW_TABLE_STATUS:
        put(p, "TABLE STATUS");
        from_db(p, s);
        like_where(p, s);
        break;
    case AST_SHOW_COLUMNS:
    case AST_SHOW_INDEX:
        if (s->show.extended)
            put(p, "EXTENDED ");
        if (s->show.full)
            put(p, "FULL ");
        put(p, s->show.kind == AST_SHOW_COLUMNS ? "COLUMNS" : "INDEX");
        put(p, s->show.in_word ? " IN " : " FROM ");
        name(p, &s->show.name);
        if (s->show.db.str) {
            put(p, " FROM ");
            ident(p, &s->show.db);
        }
        like_where(p, s);
        break;
    case AST_SHOW_CREATE_TABLE:
        put(p, "CREATE TABLE ");
        name(p, &s->show.name);
        break;
    case AST_SHOW_CREATE_VIEW:
        put(p, "CREATE VIEW ");
        name(p, &s->show.name);
        break;
    case AST_SHOW_CREATE_DATABASE:
        put(p, s->show.if_not_exists ? "CREATE DATABASE IF NOT EXISTS " : "CREATE DATABASE ");
        name(p, &s->show.name);
        break;
    case AST_SHOW_CREATE_TRIGGER:
        put(p, "CREATE TRIGGER ");
        name(p, &s->show.name);
        break;
    case AST_SHOW_CREATE_USER:
        put(p, "CREATE USER ");
        user(p, s->show.user);
        break;
    case AST_SHOW_VARIABLES:
    case AST_SHOW_STATUS:
        if (sc) {
            put(p, sc);
            putch(p, ' ');
        }
        put(p, s->show.kind == AST_SHOW_VARIABLES ? "VARIABLES" : "STATUS");
        like_where(p, s);
        break;
    case AST_SHOW_WARNINGS:
    case AST_SHOW_ERRORS:
        put(p, s->show.kind == AST_SHOW_WARNINGS ? "WARNINGS" : "ERRORS");
        if (s->show.limit) {
            put(p, " LIMIT ");
            if (s->show.offset) {
                expr(p, s->show.offset, P_LOWEST);
                put(p, ", ");
            }
            expr(p, s->show.limit, P_LOWEST);
        }
        break;
    case AST_SHOW_COUNT_WARNINGS:
        put(p, "COUNT(*) WARNINGS");
        break;
    case AST_SHOW_COUNT_ERRORS:
        put(p, "COUNT(*) ERRORS");
        break;
    case AST_SHOW_PROCESSLIST:
        put(p, s->show.full ? "FULL PROCESSLIST" : "PROCESSLIST");
        break;
    case AST_SHOW_COLLATION:
        put(p, "COLLATION");
        like_where(p, s);
        break;
    case AST_SHOW_CHARSET:
        put(p, "CHARACTER SET");
        like_where(p, s);
        break;
    case AST_SHOW_ENGINES:
        put(p, "ENGINES");
        break;
    case AST_SHOW_ENGINE:
        put(p, "ENGINE ");
        name(p, &s->show.name);
        putch(p, ' ');
        ident(p, &s->show.what);
        break;
    case AST_SHOW_GRANTS:
        put(p, "GRANTS");
        if (s->show.user) {
            put(p, " FOR ");
            user(p, s->show.user);
        }
        break;
    case AST_SHOW_TRIGGERS:
        put(p, "TRIGGERS");
        from_db(p, s);
        like_where(p, s);
        break;
    case AST_SHOW_PLUGINS:
        put(p, "PLUGINS");
        break;
    case AST_SHOW_MASTER_STATUS:
        put(p, "MASTER STATUS");
        break;
    case AST_SHOW_SLAVE_STATUS:
        put(p, "SLAVE STATUS");
        break;
    case AST_SHOW_BINARY_LOGS:
        put(p, "BINARY LOGS");
        break;
    case AST_SHOW_PRIVILEGES:
        put(p, "PRIVILEGES");
        break;
    case AST_SHOW_PROFILES:
        put(p, "PROFILES");
        break;
    case AST_SHOW_OPEN_TABLES:
        put(p, "OPEN TABLES");
        from_db(p, s);
        like_where(p, s);
        break;
    case AST_SHOW_FUNCTION_STATUS:
        put(p, "FUNCTION STATUS");
        like_where(p, s);
        break;
    case AST_SHOW_PROCEDURE_STATUS:
        put(p, "PROCEDURE STATUS");
        like_where(p, s);
        break;
    case AST_SHOW_EVENTS:
        put(p, "EVENTS");
        from_db(p, s);
        like_where(p, s);
        break;
    }
}

static void create_table(struct pr *p, const struct ast_stmt *s)
{
    put(p, s->create_table.temporary ? "CREATE TEMPORARY TABLE " : "CREATE TABLE ");
    if (s->create_table.if_not_exists)
        put(p, "IF NOT EXISTS ");
    name(p, &s->create_table.table);
    if (s->create_table.like.name.str) {
        put(p, " LIKE ");
        name(p, &s->create_table.like);
        return;
    }
    if (s->create_table.has_elements) {
        put(p, " (");
        uint32_t k = 0;
        for (uint32_t i = 0; i < s->create_table.columns.n; i++, k++) {
            if (k)
                put(p, ", ");
            column_def(p, s->create_table.columns.items[i]);
        }
        for (uint32_t i = 0; i < s->create_table.constraints.n; i++, k++) {
            if (k)
                put(p, ", ");
            constraint(p, s->create_table.constraints.items[i]);
        }
        putch(p, ')');
    }
    if (s->create_table.options.n) {
        putch(p, ' ');
        options(p, &s->create_table.options, " ");
    }
    if (s->create_table.query) {
        if (s->create_table.on_duplicate == 1)
            put(p, " IGNORE");
        else if (s->create_table.on_duplicate == 2)
            put(p, " REPLACE");
        put(p, " AS ");
        query(p, s->create_table.query);
    }
}

static void insert(struct pr *p, const struct ast_stmt *s)
{
    uint32_t f = s->insert.flags;
    put(p, s->insert.replace ? "REPLACE" : "INSERT");
    if (f & AST_DML_LOW_PRIORITY)
        put(p, " LOW_PRIORITY");
    if (f & AST_DML_DELAYED)
        put(p, " DELAYED");
    if (f & AST_DML_HIGH_PRIORITY)
        put(p, " HIGH_PRIORITY");
    if (f & AST_DML_IGNORE)
        put(p, " IGNORE");
    put(p, " INTO ");
    name(p, &s->insert.table);
    if (s->insert.has_columns) {
        put(p, " (");
        ident_list(p, &s->insert.columns);
        putch(p, ')');
    }
    if (s->insert.query) {
        putch(p, ' ');
        query(p, s->insert.query);
    } else if (s->insert.set.n) {
        put(p, " SET ");
        assigns(p, &s->insert.set);
    } else {
        put(p, " VALUES ");
        for (uint32_t i = 0; i < s->insert.rows.n; i++) {
            if (i)
                put(p, ", ");
            putch(p, '(');
            exprs(p, s->insert.rows.items[i]);
            putch(p, ')');
        }
    }
    if (s->insert.row_alias.str) {
        put(p, " AS ");
        ident(p, &s->insert.row_alias);
        if (s->insert.row_alias_columns.n) {
            put(p, " (");
            ident_list(p, &s->insert.row_alias_columns);
            putch(p, ')');
        }
    }
    if (s->insert.on_dup.n) {
        put(p, " ON DUPLICATE KEY UPDATE ");
        assigns(p, &s->insert.on_dup);
    }
}

static void dml_flags(struct pr *p, uint32_t f)
{
    if (f & AST_DML_LOW_PRIORITY)
        put(p, " LOW_PRIORITY");
    if (f & AST_DML_QUICK)
        put(p, " QUICK");
    if (f & AST_DML_IGNORE)
        put(p, " IGNORE");
}

static void table_refs(struct pr *p, const struct ast_list *l)
{
    for (uint32_t i = 0; i < l->n; i++) {
        if (i)
            put(p, ", ");
        table_ref(p, l->items[i]);
    }
}

static void delete_targets(struct pr *p, const struct ast_list *l)
{
    for (uint32_t i = 0; i < l->n; i++) {
        if (i)
            put(p, ", ");
        name(p, l->items[i]);
    }
}

static void txn(struct pr *p, const struct ast_stmt *s)
{
    if (s->txn.work)
        put(p, " WORK");
    if (s->txn.chain == 1)
        put(p, " AND CHAIN");
    else if (s->txn.chain == 0)
        put(p, " AND NO CHAIN");
    if (s->txn.release == 1)
        put(p, " RELEASE");
    else if (s->txn.release == 0)
        put(p, " NO RELEASE");
}

static void set_item(struct pr *p, const struct ast_set_item *it)
{
    switch (it->kind) {
    case AST_SET_NAMES:
        put(p, "NAMES ");
        if (!it->charset.str) {
            put(p, "DEFAULT");
            break;
        }
        ident_or_string(p, &it->charset);
        if (it->collate.str) {
            put(p, " COLLATE ");
            ident_or_string(p, &it->collate);
        }
        break;
    case AST_SET_CHARSET:
        put(p, "CHARACTER SET ");
        if (it->charset.str)
            ident_or_string(p, &it->charset);
        else
            put(p, "DEFAULT");
        break;
    case AST_SET_VAR: {
        const struct ast_expr *t = it->target;
        if (t->kind == AST_EXPR_SYS_VAR) {
            const char *sc = scope_name(t->var.scope);
            if (sc) {
                put(p, sc);
                putch(p, ' ');
            }
            if (t->var.base.str) {
                ident(p, &t->var.base);
                putch(p, '.');
            }
            ident(p, &t->var.name);
        } else {
            expr(p, t, P_LOWEST);
        }
        put(p, " = ");
        expr(p, it->value, P_LOWEST);
        break;
    }
    }
}

static const char *isolation_name(enum ast_isolation i)
{
    switch (i) {
    case AST_ISO_READ_UNCOMMITTED:
        return "READ UNCOMMITTED";
    case AST_ISO_READ_COMMITTED:
        return "READ COMMITTED";
    case AST_ISO_REPEATABLE_READ:
        return "REPEATABLE READ";
    case AST_ISO_SERIALIZABLE:
        return "SERIALIZABLE";
    case AST_ISO_NONE:
        break;
    }
    return NULL;
}

static void stmt(struct pr *p, const struct ast_stmt *s)
{
    switch (s->kind) {
    case AST_STMT_EMPTY:
        break;
    case AST_STMT_SELECT:
        query(p, s->select.query);
        break;
    case AST_STMT_INSERT:
        insert(p, s);
        break;
    case AST_STMT_UPDATE:
        put(p, "UPDATE");
        dml_flags(p, s->update.flags);
        putch(p, ' ');
        table_refs(p, &s->update.tables);
        put(p, " SET ");
        assigns(p, &s->update.set);
        if (s->update.where) {
            put(p, " WHERE ");
            expr(p, s->update.where, P_LOWEST);
        }
        if (s->update.order_by.n) {
            put(p, " ORDER BY ");
            order_list(p, &s->update.order_by);
        }
        if (s->update.limit) {
            put(p, " LIMIT ");
            expr(p, s->update.limit, P_LOWEST);
        }
        break;
    case AST_STMT_DELETE:
        put(p, "DELETE");
        dml_flags(p, s->delete_.flags);
        if (!s->delete_.multi) {
            put(p, " FROM ");
            table_refs(p, &s->delete_.tables);
        } else if (s->delete_.using_form) {
            put(p, " FROM ");
            delete_targets(p, &s->delete_.targets);
            put(p, " USING ");
            table_refs(p, &s->delete_.tables);
        } else {
            putch(p, ' ');
            delete_targets(p, &s->delete_.targets);
            put(p, " FROM ");
            table_refs(p, &s->delete_.tables);
        }
        if (s->delete_.where) {
            put(p, " WHERE ");
            expr(p, s->delete_.where, P_LOWEST);
        }
        if (s->delete_.order_by.n) {
            put(p, " ORDER BY ");
            order_list(p, &s->delete_.order_by);
        }
        if (s->delete_.limit) {
            put(p, " LIMIT ");
            expr(p, s->delete_.limit, P_LOWEST);
        }
        break;
    case AST_STMT_CREATE_DATABASE:
    case AST_STMT_ALTER_DATABASE:
        put(p, s->kind == AST_STMT_CREATE_DATABASE ? "CREATE DATABASE " : "ALTER DATABASE ");
        if (s->database.if_exists)
            put(p, "IF NOT EXISTS ");
        ident(p, &s->database.name);
        if (s->database.options.n) {
            putch(p, ' ');
            options(p, &s->database.options, " ");
        }
        break;
    case AST_STMT_DROP_DATABASE:
        put(p, s->database.if_exists ? "DROP DATABASE IF EXISTS " : "DROP DATABASE ");
        ident(p, &s->database.name);
        break;
    case AST_STMT_USE:
        put(p, "USE ");
        ident(p, &s->use.db);
        break;
    case AST_STMT_CREATE_TABLE:
        create_table(p, s);
        break;
    case AST_STMT_ALTER_TABLE:
        put(p, "ALTER TABLE ");
        name(p, &s->alter_table.table);
        for (uint32_t i = 0; i < s->alter_table.items.n; i++) {
            put(p, i ? ", " : " ");
            alter(p, s->alter_table.items.items[i]);
        }
        break;
    case AST_STMT_DROP_TABLE:
    case AST_STMT_DROP_VIEW:
    case AST_STMT_DROP_TRIGGER:
        put(p, s->kind == AST_STMT_DROP_TABLE
                   ? (s->drop.temporary ? "DROP TEMPORARY TABLE " : "DROP TABLE ")
               : s->kind == AST_STMT_DROP_VIEW ? "DROP VIEW "
                                               : "DROP TRIGGER ");
        if (s->drop.if_exists)
            put(p, "IF EXISTS ");
        name_list(p, &s->drop.names);
        if (s->drop.cascade == 1)
            put(p, " RESTRICT");
        else if (s->drop.cascade == 2)
            put(p, " CASCADE");
        break;
    case AST_STMT_TRUNCATE:
        put(p, "TRUNCATE TABLE ");
        name(p, &s->truncate.table);
        break;
    case AST_STMT_RENAME_TABLE:
        put(p, "RENAME TABLE ");
        for (uint32_t i = 0; i < s->rename.from.n; i++) {
            if (i)
                put(p, ", ");
            name(p, s->rename.from.items[i]);
            put(p, " TO ");
            name(p, s->rename.to.items[i]);
        }
        break;
    case AST_STMT_CREATE_INDEX: {
        const struct ast_constraint *c = s->create_index.index;
        put(p, c->kind == AST_CONS_UNIQUE     ? "CREATE UNIQUE INDEX "
               : c->kind == AST_CONS_FULLTEXT ? "CREATE FULLTEXT INDEX "
               : c->kind == AST_CONS_SPATIAL  ? "CREATE SPATIAL INDEX "
                                              : "CREATE INDEX ");
        ident(p, &c->index_name);
        if (c->using_.str) {
            put(p, " USING ");
            ident(p, &c->using_);
        }
        put(p, " ON ");
        name(p, &s->create_index.table);
        putch(p, ' ');
        key_parts(p, &c->parts);
        if (c->options.n) {
            putch(p, ' ');
            options(p, &c->options, " ");
        }
        if (s->create_index.options.n) {
            putch(p, ' ');
            options(p, &s->create_index.options, " ");
        }
        break;
    }
    case AST_STMT_DROP_INDEX:
        put(p, "DROP INDEX ");
        ident(p, &s->drop_index.name);
        put(p, " ON ");
        name(p, &s->drop_index.table);
        if (s->drop_index.options.n) {
            putch(p, ' ');
            options(p, &s->drop_index.options, " ");
        }
        break;
    case AST_STMT_CREATE_VIEW:
        put(p, "CREATE ");
        if (s->view.or_replace)
            put(p, "OR REPLACE ");
        if (s->view.algorithm.str) {
            put(p, "ALGORITHM = ");
            ident(p, &s->view.algorithm);
            putch(p, ' ');
        }
        if (s->view.definer) {
            put(p, "DEFINER = ");
            user(p, s->view.definer);
            putch(p, ' ');
        }
        if (s->view.security.str) {
            put(p, "SQL SECURITY ");
            putn(p, s->view.security.str, s->view.security.len);
            putch(p, ' ');
        }
        put(p, "VIEW ");
        name(p, &s->view.name);
        if (s->view.columns.n) {
            put(p, " (");
            ident_list(p, &s->view.columns);
            putch(p, ')');
        }
        put(p, " AS ");
        query(p, s->view.query);
        if (s->view.check_option == 1)
            put(p, s->view.cascaded_word ? " WITH CASCADED CHECK OPTION" : " WITH CHECK OPTION");
        else if (s->view.check_option == 2)
            put(p, " WITH LOCAL CHECK OPTION");
        break;
    case AST_STMT_CREATE_TRIGGER:
        put(p, "CREATE ");
        if (s->trigger.definer) {
            put(p, "DEFINER = ");
            user(p, s->trigger.definer);
            putch(p, ' ');
        }
        put(p, "TRIGGER ");
        if (s->trigger.if_not_exists)
            put(p, "IF NOT EXISTS ");
        name(p, &s->trigger.name);
        put(p, s->trigger.before ? " BEFORE " : " AFTER ");
        put(p, s->trigger.event == AST_STMT_INSERT   ? "INSERT"
               : s->trigger.event == AST_STMT_UPDATE ? "UPDATE"
                                                     : "DELETE");
        put(p, " ON ");
        name(p, &s->trigger.table);
        put(p, " FOR EACH ROW ");
        if (s->trigger.order_other.str) {
            put(p, s->trigger.precedes ? "PRECEDES " : "FOLLOWS ");
            ident(p, &s->trigger.order_other);
            putch(p, ' ');
        }
        stmt(p, s->trigger.body);
        break;
    case AST_STMT_BEGIN:
        if (!s->txn.start) {
            put(p, "BEGIN");
            if (s->txn.work)
                put(p, " WORK");
            break;
        }
        put(p, "START TRANSACTION");
        if (s->txn.consistent_snapshot)
            put(p, " WITH CONSISTENT SNAPSHOT");
        if (s->txn.access)
            put(p, s->txn.consistent_snapshot ? ", " : " ");
        if (s->txn.access == AST_ACCESS_READ_ONLY)
            put(p, "READ ONLY");
        else if (s->txn.access == AST_ACCESS_READ_WRITE)
            put(p, "READ WRITE");
        break;
    case AST_STMT_COMMIT:
        put(p, "COMMIT");
        txn(p, s);
        break;
    case AST_STMT_ROLLBACK:
        put(p, "ROLLBACK");
        if (s->txn.savepoint.str) {
            if (s->txn.work)
                put(p, " WORK");
            put(p, " TO SAVEPOINT ");
            ident(p, &s->txn.savepoint);
        } else {
            txn(p, s);
        }
        break;
    case AST_STMT_SAVEPOINT:
        put(p, "SAVEPOINT ");
        ident(p, &s->txn.savepoint);
        break;
    case AST_STMT_RELEASE_SAVEPOINT:
        put(p, "RELEASE SAVEPOINT ");
        ident(p, &s->txn.savepoint);
        break;
    case AST_STMT_SET:
        put(p, "SET ");
        for (uint32_t i = 0; i < s->set.items.n; i++) {
            if (i)
                put(p, ", ");
            set_item(p, s->set.items.items[i]);
        }
        break;
    case AST_STMT_SET_TRANSACTION: {
        const char *sc = scope_name(s->set_txn.scope);
        const char *iso = isolation_name(s->set_txn.isolation);
        put(p, "SET ");
        if (sc) {
            put(p, sc);
            putch(p, ' ');
        }
        put(p, "TRANSACTION");
        if (iso) {
            put(p, " ISOLATION LEVEL ");
            put(p, iso);
        }
        if (s->set_txn.access)
            put(p, iso ? ", " : " ");
        if (s->set_txn.access == AST_ACCESS_READ_ONLY)
            put(p, "READ ONLY");
        else if (s->set_txn.access == AST_ACCESS_READ_WRITE)
            put(p, "READ WRITE");
        break;
    }
    case AST_STMT_SET_PASSWORD:
        put(p, "SET PASSWORD");
        if (s->set_password.user) {
            put(p, " FOR ");
            user(p, s->set_password.user);
        }
        put(p, " = ");
        if (s->set_password.old_function)
            put(p, "PASSWORD(");
        expr(p, s->set_password.value, P_LOWEST);
        if (s->set_password.old_function)
            putch(p, ')');
        break;
    case AST_STMT_SHOW:
        show(p, s);
        break;
    case AST_STMT_DESCRIBE:
        put(p, "DESCRIBE ");
        name(p, &s->describe.table);
        if (s->describe.column.str) {
            putch(p, ' ');
            ident(p, &s->describe.column);
        } else if (s->describe.wild) {
            putch(p, ' ');
            expr(p, s->describe.wild, P_LOWEST);
        }
        break;
    case AST_STMT_EXPLAIN:
        put(p, "EXPLAIN ");
        if (s->explain.analyze)
            put(p, "ANALYZE ");
        if (s->explain.format.str) {
            put(p, "FORMAT = ");
            ident(p, &s->explain.format);
            putch(p, ' ');
        }
        stmt(p, s->explain.stmt);
        break;
    case AST_STMT_KILL:
        put(p, s->kill.query ? "KILL QUERY " : "KILL ");
        expr(p, s->kill.id, P_LOWEST);
        break;
    case AST_STMT_CREATE_USER:
    case AST_STMT_ALTER_USER:
    case AST_STMT_DROP_USER:
        put(p, s->kind == AST_STMT_CREATE_USER  ? "CREATE USER "
               : s->kind == AST_STMT_ALTER_USER ? "ALTER USER "
                                                : "DROP USER ");
        if (s->users.if_exists)
            put(p, s->kind == AST_STMT_CREATE_USER ? "IF NOT EXISTS " : "IF EXISTS ");
        users(p, &s->users.users);
        break;
    case AST_STMT_GRANT:
    case AST_STMT_REVOKE:
        put(p, s->kind == AST_STMT_GRANT ? "GRANT " : "REVOKE ");
        if (s->grant.all_grant_option) {
            put(p, "ALL PRIVILEGES, GRANT OPTION FROM ");
            users(p, &s->grant.users);
            break;
        }
        for (uint32_t i = 0; i < s->grant.privs.n; i++) {
            const struct ast_priv *pv = s->grant.privs.items[i];
            if (i)
                put(p, ", ");
            put(p, pv->name);
            if (pv->columns.n) {
                put(p, " (");
                ident_list(p, &pv->columns);
                putch(p, ')');
            }
        }
        put(p, " ON ");
        if (s->grant.object == AST_GRANT_TABLE)
            put(p, "TABLE ");
        else if (s->grant.object == AST_GRANT_FUNCTION)
            put(p, "FUNCTION ");
        else if (s->grant.object == AST_GRANT_PROCEDURE)
            put(p, "PROCEDURE ");
        if (s->grant.db_star)
            put(p, "*.");
        else if (s->grant.db.str) {
            ident(p, &s->grant.db);
            putch(p, '.');
        }
        if (s->grant.table_star)
            putch(p, '*');
        else
            ident(p, &s->grant.table);
        put(p, s->kind == AST_STMT_GRANT ? " TO " : " FROM ");
        users(p, &s->grant.users);
        if (s->grant.grant_option)
            put(p, " WITH GRANT OPTION");
        break;
    case AST_STMT_FLUSH:
        put(p, s->flush.local ? "FLUSH LOCAL " : "FLUSH ");
        if (s->flush.tables.n || s->flush.with_read_lock ||
            (s->flush.options.n == 1 &&
             strcmp(((const struct ast_option *)s->flush.options.items[0])->name.str, "TABLES") ==
                 0 &&
             !((const struct ast_option *)s->flush.options.items[0])->name.quoted)) {
            put(p, "TABLES");
            if (s->flush.tables.n) {
                putch(p, ' ');
                name_list(p, &s->flush.tables);
            }
            if (s->flush.with_read_lock)
                put(p, " WITH READ LOCK");
            break;
        }
        for (uint32_t i = 0; i < s->flush.options.n; i++) {
            const struct ast_option *o = s->flush.options.items[i];
            if (i)
                put(p, ", ");
            putn(p, o->name.str, o->name.len);
        }
        break;
    case AST_STMT_LOCK_TABLES:
        put(p, "LOCK TABLES ");
        for (uint32_t i = 0; i < s->lock.tables.n; i++) {
            const struct ast_lock_table *t = s->lock.tables.items[i];
            if (i)
                put(p, ", ");
            name(p, &t->table);
            if (t->alias.str) {
                put(p, " AS ");
                ident(p, &t->alias);
            }
            put(p, t->write ? (t->low_priority ? " LOW_PRIORITY WRITE" : " WRITE")
                            : (t->local ? " READ LOCAL" : " READ"));
        }
        break;
    case AST_STMT_UNLOCK_TABLES:
        put(p, "UNLOCK TABLES");
        break;
    case AST_STMT_TABLE_MAINT:
        for (uint32_t i = 0; i < s->maint.op.len; i++) {
            char c = s->maint.op.str[i];
            putch(p, (c >= 'a' && c <= 'z') ? (char)(c - 32) : c);
        }
        put(p, s->maint.local ? " LOCAL TABLE " : " TABLE ");
        name_list(p, &s->maint.tables);
        for (uint32_t i = 0; i < s->maint.options.n; i++) {
            const struct ast_ident *w = s->maint.options.items[i];
            putch(p, ' ');
            putn(p, w->str, w->len);
        }
        break;
    case AST_STMT_DO:
        put(p, "DO ");
        exprs(p, &s->do_.exprs);
        break;
    case AST_STMT_PREPARE:
        put(p, "PREPARE ");
        ident(p, &s->prepare.name);
        put(p, " FROM ");
        expr(p, s->prepare.source, P_LOWEST);
        break;
    case AST_STMT_EXECUTE:
        put(p, "EXECUTE ");
        ident(p, &s->execute.name);
        if (s->execute.using_.n) {
            put(p, " USING ");
            exprs(p, &s->execute.using_);
        }
        break;
    case AST_STMT_DEALLOCATE:
        put(p, "DEALLOCATE PREPARE ");
        ident(p, &s->prepare.name);
        break;
    case AST_STMT_COMPOUND:
        put(p, "BEGIN");
        stmt_list(p, &s->compound.stmts);
        put(p, " END");
        break;
    case AST_STMT_IF:
        put(p, "IF ");
        expr(p, s->if_.cond, P_LOWEST);
        put(p, " THEN");
        stmt_list(p, &s->if_.then);
        for (uint32_t i = 0; i < s->if_.elseifs.n; i++) {
            const struct ast_elseif *e = s->if_.elseifs.items[i];
            put(p, " ELSEIF ");
            expr(p, e->cond, P_LOWEST);
            put(p, " THEN");
            stmt_list(p, &e->stmts);
        }
        if (s->if_.has_else) {
            put(p, " ELSE");
            stmt_list(p, &s->if_.else_);
        }
        put(p, " END IF");
        break;
    case AST_STMT_DECLARE:
        put(p, "DECLARE ");
        ident_list(p, &s->declare.names);
        putch(p, ' ');
        type(p, s->declare.type);
        if (s->declare.default_) {
            put(p, " DEFAULT ");
            expr(p, s->declare.default_, P_LOWEST);
        }
        break;
    case AST_STMT_SIGNAL:
        put(p, "SIGNAL SQLSTATE ");
        expr(p, s->signal.sqlstate, P_LOWEST);
        if (s->signal.set.n) {
            put(p, " SET ");
            for (uint32_t i = 0; i < s->signal.set.n; i++) {
                const struct ast_option *o = s->signal.set.items[i];
                if (i)
                    put(p, ", ");
                ident(p, &o->name);
                put(p, " = ");
                expr(p, o->value, P_LOWEST);
            }
        }
        break;
    }
}

int ast_print_stmt(struct buf *b, const struct ast_stmt *s, unsigned flags)
{
    struct pr p = {b, flags, 0};
    stmt(&p, s);
    return p.err;
}
