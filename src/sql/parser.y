/*
 * parser.y: Atoll's grammar for the MySQL dialect (bison, pure and reentrant).
 *
 * One call of sql_yyparse() reads one statement and its ';' (or the end of the
 * text) and leaves the tree in ps->stmt; parse.c calls it again for the next
 * statement of a multi-statement text on the same scanner. Semantic values are
 * arena pointers, so nothing needs freeing when a parse fails. Every action
 * that allocates checks the result and aborts on failure (the reason is kept
 * in ps->fail); node constructors also compute each node's depth and stop the
 * parse when a tree grows deeper than SQL_PARSE_MAX_DEPTH, which bounds the
 * recursion of everything that walks the tree later.
 *
 * The expression grammar follows MySQL's layering, which is its precedence:
 *   expr      OR, ||, XOR, AND, &&, NOT, IS [NOT] TRUE|FALSE|UNKNOWN
 *   bool_pri  IS [NOT] NULL, comparisons, comparisons with ANY/ALL
 *   predicate [NOT] IN, [NOT] BETWEEN, [NOT] LIKE, [NOT] REGEXP
 *   bit_expr  | & << >> + - * / DIV % MOD ^, +/- INTERVAL
 *   simple_expr  unary - ~ !, COLLATE, BINARY, literals, names, calls, (...)
 * Remaining ambiguities (string alias vs DATE 'x', function keywords used as
 * names, joins without conditions, nested parenthesised queries) are settled
 * with precedence declarations, the same way MySQL's own grammar does; the
 * grammar has no unresolved conflicts (%expect 0).
 *
 * Keywords: every word of the table at the end of lexer.l has a K_ token here;
 * the non-reserved ones are the alternatives of kw_ident, which is what lets
 * them be names. The unit test "keywords" checks that the two agree.
 */
%code requires {
#include "sql/parse_int.h"

/* FROM clause, GROUP BY and LIMIT parts carried up to the query block. */
struct sql__from {
    struct ast_list list; /* Table references. */
    bool dual;            /* FROM DUAL. */
};
struct sql__group {
    struct ast_list list; /* Grouping expressions. */
    bool rollup;          /* WITH ROLLUP. */
};
struct sql__limit {
    struct ast_expr *limit;  /* Row count, or NULL. */
    struct ast_expr *offset; /* Offset, or NULL. */
};
/* Column definitions and constraints of a CREATE TABLE or ALTER ... ADD (...). */
struct sql__elems {
    struct ast_list cols; /* struct ast_column_def. */
    struct ast_list cons; /* struct ast_constraint. */
};
/* The query of CREATE TABLE ... [IGNORE|REPLACE] [AS] SELECT. */
struct sql__create_query {
    struct ast_query *query; /* The query. */
    int dup;                 /* 0, 1 IGNORE, 2 REPLACE. */
};
/* OR REPLACE / ALGORITHM / DEFINER / SQL SECURITY before VIEW or TRIGGER. */
struct sql__view_prefix {
    struct ast_stmt *stmt; /* Statement holding what was written, or NULL if nothing. */
    bool bad_for_trigger;  /* Something only a view may have was written. */
};
struct sql__trg_order {
    struct ast_ident name; /* FOLLOWS / PRECEDES trigger. */
    bool precedes;         /* PRECEDES. */
};
struct sql__password {
    struct ast_expr *value; /* The string. */
    bool old;               /* Written PASSWORD('...'). */
};
struct sql__from_db {
    struct ast_ident name; /* FROM|IN db. */
    bool in;               /* IN was written. */
};
struct sql__like_where {
    struct ast_expr *like;  /* LIKE pattern. */
    struct ast_expr *where; /* WHERE condition. */
};
struct sql__str_attrs {
    struct ast_ident charset; /* CHARACTER SET. */
    bool binary;              /* BINARY attribute. */
};
struct sql__alias {
    struct ast_ident name; /* AS alias. */
    struct ast_list cols;  /* (col, ...). */
};
}

%code {
#include "base/arena.h"
#include "base/err.h"
#include "base/mem.h"

#include <string.h>
#include <strings.h>

int sql_yylex(SQL_YYSTYPE *lval, SQL_YYLTYPE *lloc, void *scanner);
static void sql_yyerror(SQL_YYLTYPE *loc, void *scanner, struct sql__pstate *ps, const char *msg);

#define YYLLOC_DEFAULT(Cur, Rhs, N)                                            \
    do {                                                                       \
        if (N) {                                                               \
            (Cur).start = YYRHSLOC(Rhs, 1).start;                              \
            (Cur).end = YYRHSLOC(Rhs, N).end;                                  \
        } else {                                                               \
            (Cur).start = (Cur).end = YYRHSLOC(Rhs, 0).end;                    \
        }                                                                      \
    } while (0)

/* Bison's stack grows through our allocator and is freed on every exit. A
 * failed growth and a stack past YYMAXDEPTH both reach yyerror as "memory
 * exhausted"; the flag tells them apart. */
static _Thread_local bool stack_nomem;
static void *stack_alloc(size_t n)
{
    void *p = mem_alloc(n);
    if (!p)
        stack_nomem = true;
    return p;
}
#define YYMALLOC stack_alloc
#define YYFREE mem_free
#define YYINITDEPTH 200
#define YYMAXDEPTH 10000

#define A (ps->arena)
#define SP(l) ((struct ast_span){(l).start, (l).end})
/* Ends the parse when a constructor failed (the reason is in ps->fail). */
#define NN(x)                                                                  \
    do {                                                                       \
        if (!(x))                                                              \
            YYABORT;                                                           \
    } while (0)
#define PUSH(l, x) NN(push(ps, &(l), (x)))
#define NEW(T) ((T *)zalloc(ps, sizeof(T)))
/* A syntax error at a token the grammar accepted but the statement cannot use. */
#define SYNTAX_AT(loc)                                                         \
    do {                                                                       \
        sql__fail(ps, SQL__SYNTAX, (loc).start);                        \
        YYABORT;                                                               \
    } while (0)

static const struct ast_ident no_ident;

static void *zalloc(struct sql__pstate *ps, size_t n)
{
    void *p = arena_alloc(ps->arena, n);
    if (!p) {
        sql__fail(ps, SQL__NOMEM, 0);
        return NULL;
    }
    memset(p, 0, n);
    return p;
}

static bool push(struct sql__pstate *ps, struct ast_list *l, void *x)
{
    if (ast_list_push(ps->arena, l, x) == 0)
        return true;
    sql__fail(ps, SQL__NOMEM, 0);
    return false;
}

static struct ast_list list1(struct sql__pstate *ps, void *x, bool *ok)
{
    struct ast_list l = {0};
    *ok = push(ps, &l, x);
    return l;
}

/* ---- depth ---- */

static unsigned umax(unsigned a, unsigned b) { return a > b ? a : b; }
static unsigned ed(const struct ast_expr *e) { return e ? e->depth : 0; }
static unsigned qd(const struct ast_query *q) { return q ? q->depth : 0; }
static unsigned td(const struct ast_table_ref *t) { return t ? t->depth : 0; }

static unsigned led(const struct ast_list *l)
{
    unsigned d = 0;
    for (uint32_t i = 0; i < l->n; i++)
        d = umax(d, ed(l->items[i]));
    return d;
}

static unsigned lod(const struct ast_list *l)
{
    unsigned d = 0;
    for (uint32_t i = 0; i < l->n; i++)
        d = umax(d, ed(((struct ast_order *)l->items[i])->expr));
    return d;
}

static bool depth_ok(struct sql__pstate *ps, uint16_t *slot, unsigned d, SQL_YYLTYPE loc)
{
    if (d > SQL_PARSE_MAX_DEPTH) {
        sql__fail(ps, SQL__DEPTH, loc.end);
        return false;
    }
    *slot = (uint16_t)d;
    return true;
}

/* ---- expressions ---- */

static struct ast_expr *ex(struct sql__pstate *ps, enum ast_expr_kind k, SQL_YYLTYPE loc)
{
    struct ast_expr *e = ast_expr_new(ps->arena, k, SP(loc));
    if (!e)
        sql__fail(ps, SQL__NOMEM, 0);
    else
        e->depth = 1;
    return e;
}

static struct ast_expr *fin(struct sql__pstate *ps, struct ast_expr *e, unsigned child, SQL_YYLTYPE loc)
{
    if (!e)
        return NULL;
    return depth_ok(ps, &e->depth, child + 1, loc) ? e : NULL;
}

static struct ast_expr *mk_unary(struct sql__pstate *ps, enum ast_op op, struct ast_expr *a, SQL_YYLTYPE loc)
{
    struct ast_expr *e = ex(ps, AST_EXPR_UNARY, loc);
    if (!e)
        return NULL;
    e->unary.op = op;
    e->unary.arg = a;
    return fin(ps, e, ed(a), loc);
}

static struct ast_expr *mk_binary(struct sql__pstate *ps, enum ast_op op, struct ast_expr *l,
                                  struct ast_expr *r, SQL_YYLTYPE loc)
{
    struct ast_expr *e = ex(ps, AST_EXPR_BINARY, loc);
    if (!e)
        return NULL;
    e->binary.op = op;
    e->binary.left = l;
    e->binary.right = r;
    return fin(ps, e, umax(ed(l), ed(r)), loc);
}

/* a AND b: extends an AND on the left in place, so long chains stay linear. */
static struct ast_expr *mk_logic(struct sql__pstate *ps, enum ast_expr_kind k, struct ast_expr *l,
                                 struct ast_expr *r, SQL_YYLTYPE loc)
{
    struct ast_expr *e = l;
    if (l->kind != k) {
        e = ex(ps, k, loc);
        if (!e || !push(ps, &e->logic.args, l))
            return NULL;
    }
    if (r->kind == k) {
        for (uint32_t i = 0; i < r->logic.args.n; i++)
            if (!push(ps, &e->logic.args, r->logic.args.items[i]))
                return NULL;
    } else if (!push(ps, &e->logic.args, r)) {
        return NULL;
    }
    e->span = SP(loc);
    unsigned d = umax(e->depth > 0 ? e->depth - 1u : 0u, r->kind == k ? r->depth - 1u : ed(r));
    if (l->kind != k)
        d = umax(d, ed(l));
    return fin(ps, e, d, loc);
}

static struct ast_expr *mk_is(struct sql__pstate *ps, struct ast_expr *a, enum ast_is_what w, bool neg, SQL_YYLTYPE loc)
{
    struct ast_expr *e = ex(ps, AST_EXPR_IS, loc);
    if (!e)
        return NULL;
    e->is.arg = a;
    e->is.what = w;
    e->is.negated = neg;
    return fin(ps, e, ed(a), loc);
}

static struct ast_expr *mk_like(struct sql__pstate *ps, struct ast_expr *a, struct ast_expr *p,
                                struct ast_expr *esc, bool regexp, bool neg, SQL_YYLTYPE loc)
{
    struct ast_expr *e = ex(ps, AST_EXPR_LIKE, loc);
    if (!e)
        return NULL;
    e->like.arg = a;
    e->like.pattern = p;
    e->like.escape = esc;
    e->like.regexp = regexp;
    e->like.negated = neg;
    return fin(ps, e, umax(ed(a), umax(ed(p), ed(esc))), loc);
}

static struct ast_expr *mk_between(struct sql__pstate *ps, struct ast_expr *a, struct ast_expr *lo,
                                   struct ast_expr *hi, bool neg, SQL_YYLTYPE loc)
{
    struct ast_expr *e = ex(ps, AST_EXPR_BETWEEN, loc);
    if (!e)
        return NULL;
    e->between.arg = a;
    e->between.low = lo;
    e->between.high = hi;
    e->between.negated = neg;
    return fin(ps, e, umax(ed(a), umax(ed(lo), ed(hi))), loc);
}

/* a IN (first, rest...) */
static struct ast_expr *mk_in_list(struct sql__pstate *ps, struct ast_expr *a, struct ast_expr *first,
                                   struct ast_list *rest, bool neg, SQL_YYLTYPE loc)
{
    struct ast_expr *e = ex(ps, AST_EXPR_IN, loc);
    if (!e || !push(ps, &e->in.list, first))
        return NULL;
    if (rest)
        for (uint32_t i = 0; i < rest->n; i++)
            if (!push(ps, &e->in.list, rest->items[i]))
                return NULL;
    e->in.arg = a;
    e->in.negated = neg;
    return fin(ps, e, umax(ed(a), led(&e->in.list)), loc);
}

static struct ast_expr *mk_in_query(struct sql__pstate *ps, struct ast_expr *a, struct ast_query *q,
                                    bool neg, SQL_YYLTYPE loc)
{
    struct ast_expr *e = ex(ps, AST_EXPR_IN, loc);
    if (!e)
        return NULL;
    e->in.arg = a;
    e->in.query = q;
    e->in.negated = neg;
    return fin(ps, e, umax(ed(a), qd(q)), loc);
}

static struct ast_expr *mk_subq(struct sql__pstate *ps, enum ast_expr_kind k, struct ast_query *q, SQL_YYLTYPE loc)
{
    struct ast_expr *e = ex(ps, k, loc);
    if (!e)
        return NULL;
    e->subquery.query = q;
    return fin(ps, e, qd(q), loc);
}

static struct ast_expr *mk_quant(struct sql__pstate *ps, enum ast_op op, struct ast_expr *l,
                                 struct ast_query *q, bool all, SQL_YYLTYPE loc)
{
    struct ast_expr *e = ex(ps, AST_EXPR_QUANTIFIED, loc);
    if (!e)
        return NULL;
    e->quant.op = op;
    e->quant.left = l;
    e->quant.query = q;
    e->quant.all = all;
    return fin(ps, e, umax(ed(l), qd(q)), loc);
}

static struct ast_expr *mk_cast(struct sql__pstate *ps, struct ast_expr *a, struct ast_type *t, SQL_YYLTYPE loc)
{
    struct ast_expr *e = ex(ps, AST_EXPR_CAST, loc);
    if (!e)
        return NULL;
    e->cast.arg = a;
    e->cast.type = t;
    return fin(ps, e, ed(a), loc);
}

static struct ast_expr *mk_interval(struct sql__pstate *ps, struct ast_expr *a, int unit, SQL_YYLTYPE loc)
{
    struct ast_expr *e = ex(ps, AST_EXPR_INTERVAL, loc);
    if (!e)
        return NULL;
    e->interval.arg = a;
    e->interval.unit = (enum ast_unit)unit;
    return fin(ps, e, ed(a), loc);
}

static struct ast_expr *mk_func(struct sql__pstate *ps, struct ast_ident name, struct ast_list *args,
                                SQL_YYLTYPE loc)
{
    struct ast_expr *e = ex(ps, AST_EXPR_FUNC, loc);
    if (!e)
        return NULL;
    e->func.name = name;
    if (args)
        e->func.args = *args;
    return fin(ps, e, led(&e->func.args), loc);
}

/* f(a[, b[, c]]) from separate arguments. */
static struct ast_expr *mk_func3(struct sql__pstate *ps, struct ast_ident name, struct ast_expr *a,
                                 struct ast_expr *b, struct ast_expr *c, SQL_YYLTYPE loc)
{
    struct ast_list l = {0};
    struct ast_expr *args[3] = {a, b, c};
    for (int i = 0; i < 3; i++)
        if (args[i] && !push(ps, &l, args[i]))
            return NULL;
    return mk_func(ps, name, &l, loc);
}

static struct ast_ident ident_lit(const char *s)
{
    struct ast_ident id = {s, (uint32_t)strlen(s), false};
    return id;
}

static struct ast_expr *mk_row(struct sql__pstate *ps, struct ast_expr *first, struct ast_list *rest,
                               bool explicit_row, SQL_YYLTYPE loc)
{
    struct ast_expr *e = ex(ps, AST_EXPR_ROW, loc);
    if (!e || !push(ps, &e->row.args, first))
        return NULL;
    for (uint32_t i = 0; rest && i < rest->n; i++)
        if (!push(ps, &e->row.args, rest->items[i]))
            return NULL;
    e->row.explicit_row = explicit_row;
    return fin(ps, e, led(&e->row.args), loc);
}

static struct ast_expr *mk_column(struct sql__pstate *ps, struct ast_ident a, struct ast_ident b,
                                  struct ast_ident c, int n, SQL_YYLTYPE loc)
{
    struct ast_expr *e = ex(ps, AST_EXPR_COLUMN, loc);
    if (!e)
        return NULL;
    if (n == 1) {
        e->column.column = a;
    } else if (n == 2) {
        e->column.table = a;
        e->column.column = b;
    } else {
        e->column.db = a;
        e->column.table = b;
        e->column.column = c;
    }
    return e;
}

/* A string literal's bytes as an identifier ('user'@'host', aliases, charset names). */
static struct ast_ident lit_ident(const struct ast_expr *e)
{
    struct ast_ident id = {e->lit.str, e->lit.len, true};
    return id;
}

/* A literal's integer value for lengths and counts; INT32_MAX when too large. */
static int32_t lit_i32(const struct ast_expr *e)
{
    return e->lit.u > INT32_MAX ? INT32_MAX : (int32_t)e->lit.u;
}

/* Appends string literal b to a ('a' 'b' is 'ab'). The pieces of one literal
 * are joined in consecutive reductions, so the parse state remembers the
 * node being grown and its buffer's capacity, which doubles: a text of many
 * adjacent strings costs linear time. */
static struct ast_expr *concat_lit(struct sql__pstate *ps, struct ast_expr *a, struct ast_expr *b,
                                   SQL_YYLTYPE loc)
{
    size_t need = (size_t)a->lit.len + b->lit.len + 1;
    if (ps->concat_node != a || need > ps->concat_cap) {
        size_t cap = ps->concat_node == a ? ps->concat_cap : 64;
        while (cap < need)
            cap *= 2;
        char *s = arena_alloc(ps->arena, cap);
        if (!s) {
            sql__fail(ps, SQL__NOMEM, 0);
            return NULL;
        }
        memcpy(s, a->lit.str, a->lit.len);
        a->lit.str = s;
        ps->concat_node = a;
        ps->concat_cap = cap;
    }
    char *s = (char *)a->lit.str;
    memcpy(s + a->lit.len, b->lit.str, b->lit.len);
    a->lit.len += b->lit.len;
    s[a->lit.len] = '\0';
    a->lit.text.end = b->lit.text.end;
    a->span = SP(loc);
    return a;
}

static struct ast_type *mk_type(struct sql__pstate *ps, enum ast_type_kind k, SQL_YYLTYPE loc)
{
    struct ast_type *t = NEW(struct ast_type);
    if (t) {
        t->kind = k;
        t->span = SP(loc);
        t->len = -1;
        t->scale = -1;
    }
    return t;
}

/* ---- queries ---- */

static struct ast_query *mk_query(struct sql__pstate *ps, enum ast_query_kind k, SQL_YYLTYPE loc)
{
    struct ast_query *q = ast_query_new(ps->arena, k, SP(loc));
    if (!q)
        sql__fail(ps, SQL__NOMEM, 0);
    return q;
}

static unsigned from_depth(const struct ast_list *l)
{
    unsigned d = 0;
    for (uint32_t i = 0; i < l->n; i++)
        d = umax(d, td(l->items[i]));
    return d;
}

static unsigned window_depth(const struct ast_window *w)
{
    return w ? umax(led(&w->partition_by), lod(&w->order_by)) : 0;
}

static bool query_depth(struct sql__pstate *ps, struct ast_query *q, SQL_YYLTYPE loc)
{
    unsigned d = umax(lod(&q->order_by), umax(ed(q->limit), ed(q->offset)));
    if (q->kind == AST_QUERY_SELECT) {
        for (uint32_t i = 0; i < q->select.items.n; i++)
            d = umax(d, ed(((struct ast_select_item *)q->select.items.items[i])->expr));
        d = umax(d, from_depth(&q->select.from));
        d = umax(d, umax(ed(q->select.where), ed(q->select.having)));
        d = umax(d, led(&q->select.group_by));
        for (uint32_t i = 0; i < q->select.windows.n; i++)
            d = umax(d, window_depth(q->select.windows.items[i]));
    } else {
        d = umax(d, umax(qd(q->setop.left), qd(q->setop.right)));
    }
    if (q->with)
        for (uint32_t i = 0; i < q->with->ctes.n; i++)
            d = umax(d, qd(((struct ast_cte *)q->with->ctes.items[i])->query));
    return depth_ok(ps, &q->depth, d + 1, loc);
}

/* Adds WITH / ORDER BY / LIMIT written around a query body. When the body (a
 * parenthesised query) has clauses of its own, the outer ones go on a set
 * operation with one operand (right NULL), so neither level is lost. */
static struct ast_query *finish_query(struct sql__pstate *ps, struct ast_with *with, struct ast_query *body,
                                      struct ast_list *order, struct sql__limit *lim, SQL_YYLTYPE loc)
{
    bool outer = with || order->n || lim->limit;
    if (!outer)
        return body;
    bool inner = (with && body->with) || ((order->n || lim->limit) && (body->order_by.n || body->limit ||
                                                                      body->locks.n || body->into.n));
    struct ast_query *q = body;
    if (inner) {
        /* (q ORDER BY .. LIMIT ..) ORDER BY .. LIMIT ..: a set operation with one operand. */
        q = mk_query(ps, AST_QUERY_SETOP, loc);
        if (!q)
            return NULL;
        q->setop.op = AST_SETOP_UNION;
        q->setop.left = body;
        q->setop.right = NULL;
    }
    if (with)
        q->with = with;
    if (order->n)
        q->order_by = *order;
    if (lim->limit) {
        q->limit = lim->limit;
        q->offset = lim->offset;
    }
    q->span = SP(loc);
    return query_depth(ps, q, loc) ? q : NULL;
}

static struct ast_query *mk_setop(struct sql__pstate *ps, enum ast_setop op, int opt, struct ast_query *l,
                                  struct ast_query *r, SQL_YYLTYPE loc)
{
    struct ast_query *q = mk_query(ps, AST_QUERY_SETOP, loc);
    if (!q)
        return NULL;
    q->setop.op = op;
    q->setop.all = opt == 1;
    q->setop.distinct = opt == 2;
    q->setop.left = l;
    q->setop.right = r;
    return query_depth(ps, q, loc) ? q : NULL;
}

/* ---- table references ---- */

static struct ast_table_ref *mk_tref(struct sql__pstate *ps, enum ast_table_ref_kind k, SQL_YYLTYPE loc)
{
    struct ast_table_ref *t = ast_table_ref_new(ps->arena, k, SP(loc));
    if (!t)
        sql__fail(ps, SQL__NOMEM, 0);
    return t;
}

static struct ast_table_ref *mk_join(struct sql__pstate *ps, int kind, bool natural, struct ast_table_ref *l,
                                     struct ast_table_ref *r, struct ast_expr *on, struct ast_list *using_,
                                     SQL_YYLTYPE loc)
{
    struct ast_table_ref *t = mk_tref(ps, AST_TREF_JOIN, loc);
    if (!t)
        return NULL;
    t->join.kind = (enum ast_join_kind)kind;
    t->join.natural = natural;
    t->join.left = l;
    t->join.right = r;
    t->join.on = on;
    if (using_) {
        t->join.using_ = *using_;
        t->join.has_using = true;
    }
    return depth_ok(ps, &t->depth, umax(umax(td(l), td(r)), ed(on)) + 1, loc) ? t : NULL;
}

/* ---- statements ---- */

static struct ast_stmt *mk_stmt(struct sql__pstate *ps, enum ast_stmt_kind k, SQL_YYLTYPE loc)
{
    struct ast_stmt *s = ast_stmt_new(ps->arena, k, SP(loc));
    if (!s)
        sql__fail(ps, SQL__NOMEM, 0);
    return s;
}

static struct ast_option *mk_option(struct sql__pstate *ps, struct ast_ident name, struct ast_expr *value,
                                    bool eq, bool dflt)
{
    struct ast_option *o = NEW(struct ast_option);
    if (o) {
        o->name = name;
        o->value = value;
        o->has_eq = eq;
        o->is_default = dflt;
    }
    return o;
}

/* A bare word as an option value: a COLUMN node holding it. */
static struct ast_expr *word_value(struct sql__pstate *ps, struct ast_ident w, SQL_YYLTYPE loc)
{
    return mk_column(ps, w, no_ident, no_ident, 1, loc);
}

static struct ast_user *mk_user(struct sql__pstate *ps, struct ast_ident name, struct ast_ident host, SQL_YYLTYPE loc)
{
    struct ast_user *u = NEW(struct ast_user);
    if (u) {
        u->name = name;
        u->host = host;
        u->span = SP(loc);
    }
    return u;
}

/* Upper-case copy of an identifier's text, for privilege names. */
static char *upper_dup(struct sql__pstate *ps, const struct ast_ident *id, const char *prefix)
{
    size_t pl = prefix ? strlen(prefix) + 1 : 0;
    char *s = arena_alloc(ps->arena, pl + id->len + 1);
    if (!s) {
        sql__fail(ps, SQL__NOMEM, 0);
        return NULL;
    }
    if (pl) {
        memcpy(s, prefix, pl - 1);
        s[pl - 1] = ' ';
    }
    for (uint32_t i = 0; i < id->len; i++) {
        char c = id->str[i];
        s[pl + i] = (c >= 'a' && c <= 'z') ? (char)(c - 32) : c;
    }
    s[pl + id->len] = '\0';
    return s;
}

static struct ast_stmt *show(struct sql__pstate *ps, enum ast_show_kind k, const struct sql__like_where *lw,
                             SQL_YYLTYPE loc)
{
    struct ast_stmt *s = mk_stmt(ps, AST_STMT_SHOW, loc);
    if (s) {
        s->show.kind = k;
        if (lw) {
            s->show.like = lw->like;
            s->show.where = lw->where;
        }
    }
    return s;
}

static struct ast_stmt *txn(struct sql__pstate *ps, enum ast_stmt_kind k, SQL_YYLTYPE loc)
{
    struct ast_stmt *s = mk_stmt(ps, k, loc);
    if (s)
        s->txn.chain = s->txn.release = -1;
    return s;
}

static struct ast_stmt *flush_tables(struct sql__pstate *ps, int local, struct ast_list *tables, bool read_lock,
                                     SQL_YYLTYPE loc)
{
    struct ast_stmt *s = mk_stmt(ps, AST_STMT_FLUSH, loc);
    struct ast_option *o = mk_option(ps, ident_lit("TABLES"), NULL, false, false);
    if (!s || !o || !push(ps, &s->flush.options, o))
        return NULL;
    s->flush.local = local;
    if (tables)
        s->flush.tables = *tables;
    s->flush.with_read_lock = read_lock;
    return s;
}

/* bit 0: UNSIGNED, bit 1: ZEROFILL */
static void set_field_opts(struct ast_type *t, int f)
{
    t->is_unsigned = (f & 1) != 0;
    t->zerofill = (f & 2) != 0;
}

static void set_str_attrs(struct ast_type *t, const struct sql__str_attrs *a)
{
    t->charset = a->charset;
    t->binary = a->binary;
}

static void finish_stmt(struct sql__pstate *ps, struct ast_stmt *s, SQL_YYLTYPE loc)
{
    s->span = SP(loc);
    s->n_params = ps->n_params;
    ps->stmt = s;
}
}

%define api.pure full
%define api.prefix {sql_yy}
%define parse.error simple
%locations
%lex-param {void *scanner}
%parse-param {void *scanner} {struct sql__pstate *ps}
%expect 0

%union {
    struct ast_ident id;
    struct ast_expr *expr;
    struct ast_query *query;
    struct ast_table_ref *tref;
    struct ast_stmt *stmt;
    struct ast_list list;
    struct ast_list *listp;
    struct ast_type *type;
    struct ast_name name;
    struct ast_window *win;
    struct ast_frame *frame;
    struct ast_frame_bound bound;
    struct ast_user *user;
    struct ast_column_def *coldef;
    struct ast_constraint *cons;
    struct ast_alter *alter;
    struct ast_option *opt;
    struct ast_order *order;
    struct ast_select_item *item;
    struct ast_references *refs;
    struct ast_set_item *setitem;
    struct ast_with *with;
    struct ast_cte *cte;
    struct ast_lock *lock;
    struct ast_index_hint *hint;
    struct ast_key_part *kpart;
    struct ast_assign *assign;
    struct ast_priv *priv;
    struct ast_lock_table *locktab;
    struct ast_col_place place;
    struct sql__from from;
    struct sql__group group;
    struct sql__limit limit;
    struct sql__elems elems;
    struct sql__create_query cq;
    struct sql__view_prefix vp;
    struct sql__trg_order trgord;
    struct sql__password pw;
    struct sql__from_db fromdb;
    struct sql__like_where lw;
    struct sql__str_attrs strattr;
    struct sql__alias alias;
    const char *str;
    int num;
}

/* Literals, names and variables. */
%token <id> IDENT "identifier"
%token <id> HOST "@host"
%token <id> USER_VAR "@variable"
%token <id> UNDERSCORE_CHARSET "_charset"
%token <id> INTERVAL_FUNC "INTERVAL("
%token <expr> TEXT_STRING NCHAR_STRING NUM DECIMAL_NUM FLOAT_NUM HEX_NUM BIN_NUM PARAM SYS_VAR
/* Operators of more than one character. */
%token NSEQ "<=>" NE "<>" LE "<=" GE ">=" SHIFT_LEFT "<<" SHIFT_RIGHT ">>" AND_AND "&&"
%token OR_OR "||" CONCAT_OP "|| (concat)" NOT2 "!" SET_VAR ":=" JSON_EXTRACT "->" JSON_UNQUOTE "->>"
%token WITH_ROLLUP "WITH ROLLUP"
/* A token the scanner could not read (unterminated string or comment, odd hex digits). */
%token LEX_ERROR
/* Keywords. */
%token <id> K_ACTION K_ADD K_AFTER K_ALGORITHM K_ALL K_ALTER
%token <id> K_ALWAYS K_ANALYZE K_AND K_ANY K_AS K_ASC
%token <id> K_AUTO_INCREMENT K_BEFORE K_BEGIN K_BETWEEN K_BIGINT K_BINARY
%token <id> K_BIT K_BLOB K_BOOL K_BOOLEAN K_BOTH K_BY
%token <id> K_CASCADE K_CASCADED K_CASE K_CAST K_CHAIN K_CHANGE
%token <id> K_CHAR K_CHARACTER K_CHARSET K_CHECK K_COLLATE K_COLLATION
%token <id> K_COLUMN K_COLUMNS K_COMMENT K_COMMIT K_COMMITTED K_CONNECTION
%token <id> K_CONSISTENT K_CONSTRAINT K_CONVERT K_CREATE K_CROSS K_CUME_DIST
%token <id> K_CURRENT K_CURRENT_DATE K_CURRENT_TIME K_CURRENT_TIMESTAMP K_CURRENT_USER K_DATABASE
%token <id> K_DATABASES K_DATE K_DATETIME K_DAY K_DAY_HOUR K_DAY_MICROSECOND
%token <id> K_DAY_MINUTE K_DAY_SECOND K_DEALLOCATE K_DECIMAL K_DECLARE K_DEFAULT
%token <id> K_DEFINER K_DELAYED K_DELETE K_DENSE_RANK K_DESC K_DESCRIBE
%token <id> K_DISABLE K_DISTINCT K_DIV K_DO K_DOUBLE K_DROP
%token <id> K_DUAL K_DUPLICATE K_EACH K_ELSE K_ELSEIF K_ENABLE
%token <id> K_END K_ENFORCED K_ENGINE K_ENGINES K_ENUM K_ERRORS
%token <id> K_ESCAPE K_EVENTS K_EXCEPT K_EXECUTE K_EXISTS K_EXPLAIN
%token <id> K_EXTENDED K_EXTRACT K_FALSE K_FIRST K_FIRST_VALUE K_FIXED
%token <id> K_FLOAT K_FLUSH K_FOLLOWING K_FOLLOWS K_FOR K_FORCE
%token <id> K_FOREIGN K_FORMAT K_FROM K_FULL K_FULLTEXT K_FUNCTION
%token <id> K_GENERATED K_GLOBAL K_GRANT K_GRANTS K_GROUP K_GROUPING
%token <id> K_GROUPS K_GROUP_CONCAT K_HAVING K_HIGH_PRIORITY K_HOUR K_HOUR_MICROSECOND
%token <id> K_HOUR_MINUTE K_HOUR_SECOND K_IDENTIFIED K_IF K_IGNORE K_IN
%token <id> K_INDEX K_INDEXES K_INNER K_INSERT K_INT K_INTERSECT
%token <id> K_INTERVAL K_INTO K_INVISIBLE K_INVOKER K_IS K_ISOLATION
%token <id> K_JOIN K_JSON K_KEY K_KEYS K_KILL K_LAG
%token <id> K_LAST_VALUE K_LATERAL K_LEAD K_LEADING K_LEFT K_LEVEL
%token <id> K_LIKE K_LIMIT K_LOCAL K_LOCALTIME K_LOCALTIMESTAMP K_LOCK
%token <id> K_LOCKED K_LOG K_LOGS K_LONG K_LONGBLOB K_LONGTEXT
%token <id> K_LOW_PRIORITY K_MASTER K_MEDIUMBLOB K_MEDIUMINT K_MEDIUMTEXT K_MICROSECOND
%token <id> K_MINUTE K_MINUTE_MICROSECOND K_MINUTE_SECOND K_MOD K_MODE K_MODIFY
%token <id> K_MONTH K_NAMES K_NATIONAL K_NATURAL K_NCHAR K_NO
%token <id> K_NOT K_NOWAIT K_NO_WRITE_TO_BINLOG K_NTH_VALUE K_NTILE K_NULL
%token <id> K_NVARCHAR K_OF K_OFFSET K_ON K_ONLY K_OPEN
%token <id> K_OPTIMIZE K_OPTION K_OR K_ORDER K_OUTER K_OVER
%token <id> K_PARTITION K_PASSWORD K_PERCENT_RANK K_PERSIST K_PERSIST_ONLY K_PLUGINS
%token <id> K_POSITION K_PRECEDES K_PRECEDING K_PRECISION K_PREPARE K_PRIMARY
%token <id> K_PRIVILEGES K_PROCEDURE K_PROCESSLIST K_PROFILES K_QUARTER K_QUERY
%token <id> K_QUICK K_RANGE K_RANK K_READ K_REAL K_RECURSIVE
%token <id> K_REFERENCES K_REGEXP K_RELEASE K_RENAME K_REPAIR K_REPEAT
%token <id> K_REPEATABLE K_REPLACE K_REPLICA K_RESERVED K_RESTRICT K_REVOKE
%token <id> K_RIGHT K_ROLLBACK K_ROW K_ROWS K_ROW_NUMBER K_SAVEPOINT
%token <id> K_SECOND K_SECOND_MICROSECOND K_SECURITY K_SELECT K_SEPARATOR K_SERIAL
%token <id> K_SERIALIZABLE K_SESSION K_SET K_SHARE K_SHOW K_SIGNAL
%token <id> K_SIGNED K_SKIP K_SLAVE K_SMALLINT K_SNAPSHOT K_SOME
%token <id> K_SPATIAL K_SQL K_SQLSTATE K_SQL_BIG_RESULT K_SQL_BUFFER_RESULT K_SQL_CACHE
%token <id> K_SQL_CALC_FOUND_ROWS K_SQL_NO_CACHE K_SQL_SMALL_RESULT K_START K_STATUS K_STORAGE
%token <id> K_STORED K_STRAIGHT_JOIN K_SUBSTRING K_SYSTEM K_TABLE K_TABLES
%token <id> K_TEMPORARY K_TEXT K_THEN K_TIME K_TIMESTAMP K_TIMESTAMPADD
%token <id> K_TIMESTAMPDIFF K_TINYBLOB K_TINYINT K_TINYTEXT K_TO K_TRAILING
%token <id> K_TRANSACTION K_TRIGGER K_TRIGGERS K_TRIM K_TRUE K_TRUNCATE
%token <id> K_UNBOUNDED K_UNCOMMITTED K_UNION K_UNIQUE K_UNKNOWN K_UNLOCK
%token <id> K_UNSIGNED K_UPDATE K_USAGE K_USE K_USER K_USING
%token <id> K_UTC_DATE K_UTC_TIME K_UTC_TIMESTAMP K_VALUE K_VALUES K_VARBINARY
%token <id> K_VARCHAR K_VARIABLES K_VARYING K_VIEW K_VIRTUAL K_VISIBLE
%token <id> K_WARNINGS K_WEEK K_WHEN K_WHERE K_WINDOW K_WITH
%token <id> K_WORK K_WRITE K_XOR K_YEAR K_YEAR_MONTH K_ZEROFILL

%precedence LOWEST
%precedence TEXT_STRING K_KEY
%precedence CONDITIONLESS_JOIN
%precedence K_JOIN K_INNER K_CROSS K_STRAIGHT_JOIN K_NATURAL K_LEFT K_RIGHT K_ON K_USING
%left K_UNION K_EXCEPT
%left K_INTERSECT
%precedence SET_VAR
%left K_OR OR_OR
%left K_XOR
%left K_AND AND_AND
%precedence K_NOT
%precedence K_BETWEEN
%precedence '=' NSEQ GE '>' LE '<' NE K_IS K_LIKE K_REGEXP K_IN
%precedence K_ESCAPE
%left '|'
%left '&'
%left SHIFT_LEFT SHIFT_RIGHT
%left '-' '+'
%left '*' '/' '%' K_DIV K_MOD
%left '^'
%left CONCAT_OP
%precedence NEG
%precedence NOT2
%precedence K_COLLATE
%precedence K_INTERVAL
%precedence SUBQUERY_AS_EXPR
%precedence '(' ')'
%precedence EMPTY_FROM_CLAUSE
%precedence K_INTO

%type <stmt> stmt select_stmt insert_stmt update_stmt delete_stmt create_database alter_database
%type <stmt> drop_stmt use_stmt truncate_stmt rename_stmt rename_list create_table create_table_tail
%type <stmt> alter_table create_index create_view_or_trigger sp_stmt txn_stmt set_stmt show_stmt
%type <stmt> describe_stmt explainable kill_stmt user_stmt grant_stmt grant_target grant_what
%type <stmt> flush_stmt lock_stmt maint_stmt do_stmt prepare_stmt insert_tail insert_values
%type <query> query_expression query_body query_paren query_spec subquery
%type <expr> expr bool_pri predicate bit_expr simple_expr simple_ident function_call literal
%type <expr> text_literal text_single num_literal signed_literal opt_expr opt_else value_item
%type <expr> set_value limit_val frame_offset default_value now_value into_var option_value
%type <expr> kill_id prepare_src opt_where opt_having opt_separator set_target
%type <list> expr_list func_args opt_func_args select_list when_list order_list opt_order_by
%type <list> ident_list opt_paren_idents table_ref_list into_clause locking_list opt_partition_by
%type <list> partition_by window_defs cte_list index_hints hint_names opt_partition
%type <list> opt_table_hint_list opt_lock_of name_list key_parts index_opts create_opts
%type <list> opt_create_opts alter_opts alter_items row_list value_list assign_list
%type <list> delete_targets set_items user_list user_specs priv_list lock_items string_list
%type <list> db_opts sp_stmt_list sp_elseifs var_list signal_set signal_items flush_opts
%type <list> maint_words opt_alg_lock var_refs opt_on_dup window_def_list hint_name_list
%type <listp> row_value
%type <id> ident ident_or_text kw_ident select_alias opt_alias charset_name collation_name
%type <id> opt_ident ident_or_default reserved_func now_kw priv_word opt_constraint
%type <id> opt_index_using opt_match maint_op maint_word hint_name
%type <name> table_name delete_target
%type <tref> table_ref table_factor joined_table single_table single_table_parens
%type <tref> joined_table_parens table_ref_list_parens derived_table
%type <num> select_opts select_opt union_opt comp_op join_inner join_outer natural_join opt_dir
%type <num> interval_unit trim_mode int_kw real_kw opt_temporary opt_if_exists opt_if_not_exists
%type <num> opt_work opt_chain opt_release set_scope show_scope iso_level txn_char txn_chars
%type <num> start_opts start_opt opt_local dml_opts dml_opt opt_column opt_restrict_cascade
%type <num> fk_action ref_actions opt_enforced opt_stored field_opts key_or_index
%type <num> opt_key_or_index index_kind index_kind_opt lock_wait show_ext from_in trg_time
%type <num> trg_event opt_check_option obj_type opt_dup opt_eq values_kw opt_binary_word
%type <from> opt_from
%type <group> opt_group
%type <limit> opt_limit limit_clause opt_simple_limit
%type <type> data_type cast_type char_type_tail
%type <win> window_spec window_ref window_def window_body
%type <frame> opt_frame
%type <bound> frame_bound
%type <user> user user_spec
%type <coldef> column_def
%type <cons> table_constraint
%type <alter> alter_item
%type <opt> create_opt db_opt index_opt alg_lock signal_item flush_opt
%type <order> order_item
%type <item> select_item
%type <refs> references
%type <setitem> set_item
%type <with> with_clause
%type <cte> cte
%type <lock> locking
%type <hint> index_hint
%type <kpart> key_part
%type <assign> assign
%type <priv> priv
%type <locktab> lock_item
%type <place> opt_place
%type <elems> table_elements
%type <cq> create_query
%type <vp> view_prefix
%type <trgord> trg_order
%type <pw> password_value
%type <fromdb> opt_from_db
%type <lw> opt_like_where
%type <strattr> str_attrs
%type <alias> opt_row_alias
%type <str> priv_words

%start top

%%

top:
    %empty              { ps->stmt = NULL; ps->empty = true; }
  | stmt                { finish_stmt(ps, $1, @1); }
  | stmt ';'            { finish_stmt(ps, $1, @1); YYACCEPT; }
  ;

stmt:
    select_stmt | insert_stmt | update_stmt | delete_stmt
  | create_database | alter_database | use_stmt
  | create_table | alter_table | drop_stmt | truncate_stmt | rename_stmt
  | create_index | create_view_or_trigger
  | txn_stmt | set_stmt | show_stmt | describe_stmt | kill_stmt
  | user_stmt | grant_stmt | flush_stmt | lock_stmt | maint_stmt | do_stmt | prepare_stmt
  ;

/* ======================================================================== */
/* Queries                                                                  */

select_stmt:
    query_expression
        { NN($$ = mk_stmt(ps, AST_STMT_SELECT, @$)); $$->select.query = $1; }
  | query_expression locking_list
        { NN($$ = mk_stmt(ps, AST_STMT_SELECT, @$)); $1->locks = $2; $$->select.query = $1; }
  | query_expression into_clause
        {
            if ($1->into.n) SYNTAX_AT(@2);
            NN($$ = mk_stmt(ps, AST_STMT_SELECT, @$)); $1->into = $2; $$->select.query = $1;
        }
  | query_expression into_clause locking_list
        {
            if ($1->into.n) SYNTAX_AT(@2);
            NN($$ = mk_stmt(ps, AST_STMT_SELECT, @$)); $1->into = $2; $1->locks = $3; $$->select.query = $1;
        }
  | query_expression locking_list into_clause
        {
            if ($1->into.n) SYNTAX_AT(@3);
            NN($$ = mk_stmt(ps, AST_STMT_SELECT, @$)); $1->into = $3; $1->locks = $2; $$->select.query = $1;
        }
  ;

query_expression:
    query_body opt_order_by opt_limit
        { NN($$ = finish_query(ps, NULL, $1, &$2, &$3, @$)); }
  | with_clause query_body opt_order_by opt_limit
        { NN($$ = finish_query(ps, $1, $2, &$3, &$4, @$)); }
  ;

query_body:
    query_spec
  | query_paren %prec SUBQUERY_AS_EXPR
  | query_body K_UNION union_opt query_body
        { NN($$ = mk_setop(ps, AST_SETOP_UNION, $3, $1, $4, @$)); }
  | query_body K_EXCEPT union_opt query_body
        { NN($$ = mk_setop(ps, AST_SETOP_EXCEPT, $3, $1, $4, @$)); }
  | query_body K_INTERSECT union_opt query_body
        { NN($$ = mk_setop(ps, AST_SETOP_INTERSECT, $3, $1, $4, @$)); }
  ;

union_opt:
    %empty      { $$ = 0; }
  | K_ALL       { $$ = 1; }
  | K_DISTINCT  { $$ = 2; }
  ;

query_paren:
    '(' query_paren ')'                       { $$ = $2; }
  | '(' query_expression ')'                  { $$ = $2; }
  | '(' query_expression locking_list ')'
        {
            struct ast_query *q = $2;
            if (q->locks.n) SYNTAX_AT(@3);
            q->locks = $3;
            $$ = q;
        }
  ;

subquery:
    query_paren %prec SUBQUERY_AS_EXPR        { $$ = $1; }
  ;

query_spec:
    K_SELECT select_opts select_list into_clause opt_from opt_where opt_group opt_having
    window_defs
        {
            struct ast_query *q;
            NN(q = mk_query(ps, AST_QUERY_SELECT, @$));
            q->select.opts = (uint32_t)$2; q->select.items = $3; q->into = $4;
            q->select.from = $5.list; q->select.from_dual = $5.dual; q->select.where = $6;
            q->select.group_by = $7.list; q->select.with_rollup = $7.rollup;
            q->select.having = $8; q->select.windows = $9;
            NN(query_depth(ps, q, @$));
            $$ = q;
        }
  | K_SELECT select_opts select_list opt_from opt_where opt_group opt_having window_defs
        {
            struct ast_query *q;
            NN(q = mk_query(ps, AST_QUERY_SELECT, @$));
            q->select.opts = (uint32_t)$2; q->select.items = $3;
            q->select.from = $4.list; q->select.from_dual = $4.dual; q->select.where = $5;
            q->select.group_by = $6.list; q->select.with_rollup = $6.rollup;
            q->select.having = $7; q->select.windows = $8;
            NN(query_depth(ps, q, @$));
            $$ = q;
        }
  ;

select_opts:
    %empty                  { $$ = 0; }
  | select_opts select_opt  { $$ = $1 | $2; }
  ;

select_opt:
    K_DISTINCT              { $$ = AST_SEL_DISTINCT; }
  | K_ALL                   { $$ = AST_SEL_ALL; }
  | K_HIGH_PRIORITY         { $$ = AST_SEL_HIGH_PRIORITY; }
  | K_STRAIGHT_JOIN         { $$ = AST_SEL_STRAIGHT_JOIN; }
  | K_SQL_SMALL_RESULT      { $$ = AST_SEL_SMALL_RESULT; }
  | K_SQL_BIG_RESULT        { $$ = AST_SEL_BIG_RESULT; }
  | K_SQL_BUFFER_RESULT     { $$ = AST_SEL_BUFFER_RESULT; }
  | K_SQL_CALC_FOUND_ROWS   { $$ = AST_SEL_CALC_FOUND_ROWS; }
  | K_SQL_CACHE             { $$ = AST_SEL_CACHE; }
  | K_SQL_NO_CACHE          { $$ = AST_SEL_NO_CACHE; }
  ;

select_list:
    select_item             { bool ok; $$ = list1(ps, $1, &ok); NN(ok); }
  | '*'
        {
            struct ast_select_item *it; struct ast_expr *e;
            NN(it = NEW(struct ast_select_item)); NN(e = ex(ps, AST_EXPR_STAR, @1));
            it->expr = e; it->span = SP(@1);
            bool ok; $$ = list1(ps, it, &ok); NN(ok);
        }
  | select_list ',' select_item { $$ = $1; PUSH($$, $3); }
  ;

select_item:
    ident '.' '*'
        {
            struct ast_expr *e;
            NN(e = ex(ps, AST_EXPR_STAR, @$)); e->column.table = $1;
            NN($$ = NEW(struct ast_select_item)); $$->expr = e; $$->span = SP(@$);
        }
  | ident '.' ident '.' '*'
        {
            struct ast_expr *e;
            NN(e = ex(ps, AST_EXPR_STAR, @$)); e->column.db = $1; e->column.table = $3;
            NN($$ = NEW(struct ast_select_item)); $$->expr = e; $$->span = SP(@$);
        }
  | expr select_alias
        { NN($$ = NEW(struct ast_select_item)); $$->expr = $1; $$->alias = $2; $$->span = SP(@1); }
  ;

select_alias:
    %empty                  { $$ = no_ident; }
  | K_AS ident              { $$ = $2; }
  | K_AS text_single        { $$ = lit_ident($2); }
  | ident                   { $$ = $1; }
  | text_single             { $$ = lit_ident($1); }
  ;

opt_alias:
    %empty                  { $$ = no_ident; }
  | K_AS ident              { $$ = $2; }
  | ident                   { $$ = $1; }
  ;

into_clause:
    K_INTO into_var         { bool ok; $$ = list1(ps, $2, &ok); NN(ok); }
  | into_clause ',' into_var { $$ = $1; PUSH($$, $3); }
  ;

into_var:
    USER_VAR                { NN($$ = ex(ps, AST_EXPR_USER_VAR, @1)); $$->var.name = $1; }
  | ident                   { NN($$ = mk_column(ps, $1, no_ident, no_ident, 1, @1)); }
  ;

opt_from:
    %empty %prec EMPTY_FROM_CLAUSE  { memset(&$$, 0, sizeof $$); }
  | K_FROM K_DUAL           { memset(&$$, 0, sizeof $$); $$.dual = true; }
  | K_FROM table_ref_list   { $$.list = $2; $$.dual = false; }
  ;

opt_where:
    %empty                  { $$ = NULL; }
  | K_WHERE expr            { $$ = $2; }
  ;

opt_group:
    %empty                  { memset(&$$, 0, sizeof $$); }
  | K_GROUP K_BY expr_list  { $$.list = $3; $$.rollup = false; }
  | K_GROUP K_BY expr_list WITH_ROLLUP { $$.list = $3; $$.rollup = true; }
  ;

opt_having:
    %empty                  { $$ = NULL; }
  | K_HAVING expr           { $$ = $2; }
  ;

window_defs:
    %empty                  { memset(&$$, 0, sizeof $$); }
  | K_WINDOW window_def_list { $$ = $2; }
  ;

window_def_list:
    window_def              { bool ok; $$ = list1(ps, $1, &ok); NN(ok); }
  | window_def_list ',' window_def { $$ = $1; PUSH($$, $3); }
  ;

window_def:
    ident K_AS window_spec  { $$ = $3; $$->name = $1; $$->span = SP(@$); }
  ;

window_spec:
    '(' window_body ')'     { $$ = $2; $$->span = SP(@$); }
  ;

window_body:
    opt_ident opt_partition_by opt_order_by opt_frame
        {
            NN($$ = NEW(struct ast_window));
            $$->ref = $1; $$->has_spec = true; $$->partition_by = $2; $$->order_by = $3; $$->frame = $4;
        }
  ;

window_ref:
    ident                   { NN($$ = NEW(struct ast_window)); $$->ref = $1; $$->span = SP(@$); }
  | window_spec             { $$ = $1; }
  ;

opt_partition_by:
    %empty                  { memset(&$$, 0, sizeof $$); }
  | partition_by            { $$ = $1; }
  ;

partition_by:
    K_PARTITION K_BY expr_list { $$ = $3; }
  ;

opt_frame:
    %empty                  { $$ = NULL; }
  | K_ROWS frame_bound
        { NN($$ = NEW(struct ast_frame)); $$->unit = AST_FRAME_ROWS; $$->start = $2; }
  | K_RANGE frame_bound
        { NN($$ = NEW(struct ast_frame)); $$->unit = AST_FRAME_RANGE; $$->start = $2; }
  | K_GROUPS frame_bound
        { NN($$ = NEW(struct ast_frame)); $$->unit = AST_FRAME_GROUPS; $$->start = $2; }
  | K_ROWS K_BETWEEN frame_bound K_AND frame_bound
        { NN($$ = NEW(struct ast_frame)); $$->unit = AST_FRAME_ROWS; $$->start = $3; $$->end = $5; $$->between = true; }
  | K_RANGE K_BETWEEN frame_bound K_AND frame_bound
        { NN($$ = NEW(struct ast_frame)); $$->unit = AST_FRAME_RANGE; $$->start = $3; $$->end = $5; $$->between = true; }
  | K_GROUPS K_BETWEEN frame_bound K_AND frame_bound
        { NN($$ = NEW(struct ast_frame)); $$->unit = AST_FRAME_GROUPS; $$->start = $3; $$->end = $5; $$->between = true; }
  ;

frame_bound:
    K_UNBOUNDED K_PRECEDING { $$.kind = AST_BOUND_UNBOUNDED_PRECEDING; $$.offset = NULL; }
  | K_UNBOUNDED K_FOLLOWING { $$.kind = AST_BOUND_UNBOUNDED_FOLLOWING; $$.offset = NULL; }
  | K_CURRENT K_ROW         { $$.kind = AST_BOUND_CURRENT_ROW; $$.offset = NULL; }
  | frame_offset K_PRECEDING { $$.kind = AST_BOUND_PRECEDING; $$.offset = $1; }
  | frame_offset K_FOLLOWING { $$.kind = AST_BOUND_FOLLOWING; $$.offset = $1; }
  ;

frame_offset:
    NUM | DECIMAL_NUM | PARAM
  | K_INTERVAL expr interval_unit { NN($$ = mk_interval(ps, $2, $3, @$)); }
  ;

opt_order_by:
    %empty                  { memset(&$$, 0, sizeof $$); }
  | K_ORDER K_BY order_list { $$ = $3; }
  ;

order_list:
    order_item              { bool ok; $$ = list1(ps, $1, &ok); NN(ok); }
  | order_list ',' order_item { $$ = $1; PUSH($$, $3); }
  ;

order_item:
    expr opt_dir            { NN($$ = NEW(struct ast_order)); $$->expr = $1; $$->dir = (enum ast_order_dir)$2; }
  ;

opt_dir:
    %empty                  { $$ = AST_ORDER_DEFAULT; }
  | K_ASC                   { $$ = AST_ORDER_ASC; }
  | K_DESC                  { $$ = AST_ORDER_DESC; }
  ;

opt_limit:
    %empty                  { $$.limit = $$.offset = NULL; }
  | limit_clause            { $$ = $1; }
  ;

limit_clause:
    K_LIMIT limit_val                       { $$.limit = $2; $$.offset = NULL; }
  | K_LIMIT limit_val ',' limit_val         { $$.limit = $4; $$.offset = $2; }
  | K_LIMIT limit_val K_OFFSET limit_val    { $$.limit = $2; $$.offset = $4; }
  ;

opt_simple_limit:
    %empty                  { $$.limit = $$.offset = NULL; }
  | K_LIMIT limit_val       { $$.limit = $2; $$.offset = NULL; }
  ;

limit_val:
    NUM | PARAM
  | ident                   { NN($$ = mk_column(ps, $1, no_ident, no_ident, 1, @1)); }
  ;

locking_list:
    locking                 { bool ok; $$ = list1(ps, $1, &ok); NN(ok); }
  | locking_list locking    { $$ = $1; PUSH($$, $2); }
  ;

locking:
    K_FOR K_UPDATE opt_lock_of lock_wait
        { NN($$ = NEW(struct ast_lock)); $$->kind = AST_LOCK_UPDATE; $$->tables = $3; $$->wait = (enum ast_lock_wait)$4; }
  | K_FOR K_SHARE opt_lock_of lock_wait
        { NN($$ = NEW(struct ast_lock)); $$->kind = AST_LOCK_SHARE; $$->tables = $3; $$->wait = (enum ast_lock_wait)$4; }
  | K_LOCK K_IN K_SHARE K_MODE
        { NN($$ = NEW(struct ast_lock)); $$->kind = AST_LOCK_SHARE_MODE; }
  ;

opt_lock_of:
    %empty                  { memset(&$$, 0, sizeof $$); }
  | K_OF name_list          { $$ = $2; }
  ;

lock_wait:
    %empty                  { $$ = AST_LOCK_WAIT; }
  | K_NOWAIT                { $$ = AST_LOCK_NOWAIT; }
  | K_SKIP K_LOCKED         { $$ = AST_LOCK_SKIP_LOCKED; }
  ;

with_clause:
    K_WITH cte_list         { NN($$ = NEW(struct ast_with)); $$->ctes = $2; }
  | K_WITH K_RECURSIVE cte_list { NN($$ = NEW(struct ast_with)); $$->ctes = $3; $$->recursive = true; }
  ;

cte_list:
    cte                     { bool ok; $$ = list1(ps, $1, &ok); NN(ok); }
  | cte_list ',' cte        { $$ = $1; PUSH($$, $3); }
  ;

cte:
    ident opt_paren_idents K_AS subquery
        {
            NN($$ = NEW(struct ast_cte));
            $$->name = $1; $$->columns = $2; $$->query = $4; $$->span = SP(@4);
        }
  ;

/* ---- FROM ---- */

table_ref_list:
    table_ref               { bool ok; $$ = list1(ps, $1, &ok); NN(ok); }
  | table_ref_list ',' table_ref { $$ = $1; PUSH($$, $3); }
  ;

table_ref:
    table_factor
  | joined_table
  ;

joined_table:
    table_ref join_inner table_ref K_ON expr
        { NN($$ = mk_join(ps, $2, false, $1, $3, $5, NULL, @$)); }
  | table_ref join_inner table_ref K_USING '(' ident_list ')'
        { NN($$ = mk_join(ps, $2, false, $1, $3, NULL, &$6, @$)); }
  | table_ref join_outer table_ref K_ON expr
        { NN($$ = mk_join(ps, $2, false, $1, $3, $5, NULL, @$)); }
  | table_ref join_outer table_ref K_USING '(' ident_list ')'
        { NN($$ = mk_join(ps, $2, false, $1, $3, NULL, &$6, @$)); }
  | table_ref join_inner table_ref %prec CONDITIONLESS_JOIN
        { NN($$ = mk_join(ps, $2, false, $1, $3, NULL, NULL, @$)); }
  | table_ref natural_join table_factor
        { NN($$ = mk_join(ps, $2, true, $1, $3, NULL, NULL, @$)); }
  ;

join_inner:
    K_JOIN                  { $$ = AST_JOIN_INNER; }
  | K_INNER K_JOIN          { $$ = AST_JOIN_INNER; }
  | K_CROSS K_JOIN          { $$ = AST_JOIN_CROSS; }
  | K_STRAIGHT_JOIN         { $$ = AST_JOIN_STRAIGHT; }
  ;

join_outer:
    K_LEFT K_JOIN           { $$ = AST_JOIN_LEFT; }
  | K_LEFT K_OUTER K_JOIN   { $$ = AST_JOIN_LEFT; }
  | K_RIGHT K_JOIN          { $$ = AST_JOIN_RIGHT; }
  | K_RIGHT K_OUTER K_JOIN  { $$ = AST_JOIN_RIGHT; }
  ;

natural_join:
    K_NATURAL K_JOIN                { $$ = AST_JOIN_INNER; }
  | K_NATURAL K_INNER K_JOIN        { $$ = AST_JOIN_INNER; }
  | K_NATURAL K_LEFT K_JOIN         { $$ = AST_JOIN_LEFT; }
  | K_NATURAL K_LEFT K_OUTER K_JOIN { $$ = AST_JOIN_LEFT; }
  | K_NATURAL K_RIGHT K_JOIN        { $$ = AST_JOIN_RIGHT; }
  | K_NATURAL K_RIGHT K_OUTER K_JOIN { $$ = AST_JOIN_RIGHT; }
  ;

table_factor:
    single_table
  | single_table_parens
  | derived_table
  | joined_table_parens
  | table_ref_list_parens
  ;

single_table:
    table_name opt_partition opt_alias opt_table_hint_list
        {
            NN($$ = mk_tref(ps, AST_TREF_TABLE, @$));
            $$->table.name = $1; $$->table.partitions = $2; $$->alias = $3; $$->table.hints = $4;
            $$->depth = 1;
        }
  ;

single_table_parens:
    '(' single_table_parens ')' { $$ = $2; }
  | '(' single_table ')'        { $$ = $2; }
  ;

joined_table_parens:
    '(' joined_table_parens ')' { $$ = $2; }
  | '(' joined_table ')'        { $$ = $2; }
  ;

table_ref_list_parens:
    '(' table_ref_list_parens ')' { $$ = $2; }
  | '(' table_ref_list ',' table_ref ')'
        {
            NN($$ = mk_tref(ps, AST_TREF_LIST, @$));
            $$->list.items = $2; PUSH($$->list.items, $4);
            NN(depth_ok(ps, &$$->depth, from_depth(&$$->list.items) + 1, @$));
        }
  ;

derived_table:
    subquery opt_alias opt_paren_idents
        {
            NN($$ = mk_tref(ps, AST_TREF_DERIVED, @$));
            $$->derived.query = $1; $$->alias = $2; $$->derived.columns = $3;
            NN(depth_ok(ps, &$$->depth, qd($1) + 1, @$));
        }
  | K_LATERAL subquery opt_alias opt_paren_idents
        {
            NN($$ = mk_tref(ps, AST_TREF_DERIVED, @$));
            $$->derived.query = $2; $$->alias = $3; $$->derived.columns = $4; $$->derived.lateral = true;
            NN(depth_ok(ps, &$$->depth, qd($2) + 1, @$));
        }
  ;

opt_partition:
    %empty                  { memset(&$$, 0, sizeof $$); }
  | K_PARTITION '(' ident_list ')' { $$ = $3; }
  ;

opt_table_hint_list:
    %empty                  { memset(&$$, 0, sizeof $$); }
  | index_hints             { $$ = $1; }
  ;

index_hints:
    index_hint              { bool ok; $$ = list1(ps, $1, &ok); NN(ok); }
  | index_hints index_hint  { $$ = $1; PUSH($$, $2); }
  ;

index_hint:
    index_kind key_or_index '(' hint_names ')'
        {
            NN($$ = NEW(struct ast_index_hint));
            $$->kind = (enum ast_hint_kind)$1; $$->key = $2; $$->names = $4;
        }
  | index_kind key_or_index K_FOR K_JOIN '(' hint_names ')'
        {
            NN($$ = NEW(struct ast_index_hint));
            $$->kind = (enum ast_hint_kind)$1; $$->key = $2; $$->names = $6; $$->scope = AST_HINT_FOR_JOIN;
        }
  | index_kind key_or_index K_FOR K_ORDER K_BY '(' hint_names ')'
        {
            NN($$ = NEW(struct ast_index_hint));
            $$->kind = (enum ast_hint_kind)$1; $$->key = $2; $$->names = $7; $$->scope = AST_HINT_FOR_ORDER_BY;
        }
  | index_kind key_or_index K_FOR K_GROUP K_BY '(' hint_names ')'
        {
            NN($$ = NEW(struct ast_index_hint));
            $$->kind = (enum ast_hint_kind)$1; $$->key = $2; $$->names = $7; $$->scope = AST_HINT_FOR_GROUP_BY;
        }
  ;

index_kind:
    K_USE                   { $$ = AST_HINT_USE; }
  | K_FORCE                 { $$ = AST_HINT_FORCE; }
  | K_IGNORE                { $$ = AST_HINT_IGNORE; }
  ;

key_or_index:
    K_KEY                   { $$ = 1; }
  | K_INDEX                 { $$ = 0; }
  ;

hint_names:
    %empty                  { memset(&$$, 0, sizeof $$); }
  | hint_name_list          { $$ = $1; }
  ;

hint_name_list:
    hint_name
        {
            struct ast_ident *p; NN(p = NEW(struct ast_ident)); *p = $1;
            bool ok; $$ = list1(ps, p, &ok); NN(ok);
        }
  | hint_name_list ',' hint_name
        { struct ast_ident *p; NN(p = NEW(struct ast_ident)); *p = $3; $$ = $1; PUSH($$, p); }
  ;

hint_name:
    ident
  | K_PRIMARY
  ;

/* ======================================================================== */
/* Expressions                                                              */

expr:
    expr K_OR expr          { NN($$ = mk_logic(ps, AST_EXPR_OR, $1, $3, @$)); }
  | expr OR_OR expr         { NN($$ = mk_logic(ps, AST_EXPR_OR, $1, $3, @$)); }
  | expr K_XOR expr         { NN($$ = mk_binary(ps, AST_OP_XOR, $1, $3, @$)); }
  | expr K_AND expr         { NN($$ = mk_logic(ps, AST_EXPR_AND, $1, $3, @$)); }
  | expr AND_AND expr       { NN($$ = mk_logic(ps, AST_EXPR_AND, $1, $3, @$)); }
  | K_NOT expr %prec K_NOT  { NN($$ = mk_unary(ps, AST_OP_NOT, $2, @$)); }
  | bool_pri K_IS K_TRUE    { NN($$ = mk_is(ps, $1, AST_IS_TRUE, false, @$)); }
  | bool_pri K_IS not_kw K_TRUE { NN($$ = mk_is(ps, $1, AST_IS_TRUE, true, @$)); }
  | bool_pri K_IS K_FALSE   { NN($$ = mk_is(ps, $1, AST_IS_FALSE, false, @$)); }
  | bool_pri K_IS not_kw K_FALSE { NN($$ = mk_is(ps, $1, AST_IS_FALSE, true, @$)); }
  | bool_pri K_IS K_UNKNOWN { NN($$ = mk_is(ps, $1, AST_IS_UNKNOWN, false, @$)); }
  | bool_pri K_IS not_kw K_UNKNOWN { NN($$ = mk_is(ps, $1, AST_IS_UNKNOWN, true, @$)); }
  | bool_pri %prec SET_VAR
  ;

not_kw:
    K_NOT
  | NOT2
  ;

bool_pri:
    bool_pri K_IS K_NULL    { NN($$ = mk_is(ps, $1, AST_IS_NULL, false, @$)); }
  | bool_pri K_IS not_kw K_NULL { NN($$ = mk_is(ps, $1, AST_IS_NULL, true, @$)); }
  | bool_pri comp_op predicate %prec '='
        { NN($$ = mk_binary(ps, (enum ast_op)$2, $1, $3, @$)); }
  | bool_pri comp_op K_ALL subquery %prec '='
        { NN($$ = mk_quant(ps, (enum ast_op)$2, $1, $4, true, @$)); }
  | bool_pri comp_op K_ANY subquery %prec '='
        { NN($$ = mk_quant(ps, (enum ast_op)$2, $1, $4, false, @$)); }
  | bool_pri comp_op K_SOME subquery %prec '='
        { NN($$ = mk_quant(ps, (enum ast_op)$2, $1, $4, false, @$)); }
  | predicate %prec SET_VAR
  ;

comp_op:
    '='                     { $$ = AST_OP_EQ; }
  | NSEQ                    { $$ = AST_OP_NSEQ; }
  | GE                      { $$ = AST_OP_GE; }
  | '>'                     { $$ = AST_OP_GT; }
  | LE                      { $$ = AST_OP_LE; }
  | '<'                     { $$ = AST_OP_LT; }
  | NE                      { $$ = AST_OP_NE; }
  ;

predicate:
    bit_expr K_IN subquery  { NN($$ = mk_in_query(ps, $1, $3, false, @$)); }
  | bit_expr not_kw K_IN subquery { NN($$ = mk_in_query(ps, $1, $4, true, @$)); }
  | bit_expr K_IN '(' expr ')' { NN($$ = mk_in_list(ps, $1, $4, NULL, false, @$)); }
  | bit_expr K_IN '(' expr ',' expr_list ')' { NN($$ = mk_in_list(ps, $1, $4, &$6, false, @$)); }
  | bit_expr not_kw K_IN '(' expr ')' { NN($$ = mk_in_list(ps, $1, $5, NULL, true, @$)); }
  | bit_expr not_kw K_IN '(' expr ',' expr_list ')' { NN($$ = mk_in_list(ps, $1, $5, &$7, true, @$)); }
  | bit_expr K_BETWEEN bit_expr K_AND predicate
        { NN($$ = mk_between(ps, $1, $3, $5, false, @$)); }
  | bit_expr not_kw K_BETWEEN bit_expr K_AND predicate
        { NN($$ = mk_between(ps, $1, $4, $6, true, @$)); }
  | bit_expr K_LIKE simple_expr
        { NN($$ = mk_like(ps, $1, $3, NULL, false, false, @$)); }
  | bit_expr K_LIKE simple_expr K_ESCAPE simple_expr
        { NN($$ = mk_like(ps, $1, $3, $5, false, false, @$)); }
  | bit_expr not_kw K_LIKE simple_expr
        { NN($$ = mk_like(ps, $1, $4, NULL, false, true, @$)); }
  | bit_expr not_kw K_LIKE simple_expr K_ESCAPE simple_expr
        { NN($$ = mk_like(ps, $1, $4, $6, false, true, @$)); }
  | bit_expr K_REGEXP bit_expr
        { NN($$ = mk_like(ps, $1, $3, NULL, true, false, @$)); }
  | bit_expr not_kw K_REGEXP bit_expr
        { NN($$ = mk_like(ps, $1, $4, NULL, true, true, @$)); }
  | bit_expr %prec SET_VAR
  ;

bit_expr:
    bit_expr '|' bit_expr   { NN($$ = mk_binary(ps, AST_OP_BITOR, $1, $3, @$)); }
  | bit_expr '&' bit_expr   { NN($$ = mk_binary(ps, AST_OP_BITAND, $1, $3, @$)); }
  | bit_expr SHIFT_LEFT bit_expr { NN($$ = mk_binary(ps, AST_OP_SHL, $1, $3, @$)); }
  | bit_expr SHIFT_RIGHT bit_expr { NN($$ = mk_binary(ps, AST_OP_SHR, $1, $3, @$)); }
  | bit_expr '+' bit_expr   { NN($$ = mk_binary(ps, AST_OP_ADD, $1, $3, @$)); }
  | bit_expr '-' bit_expr   { NN($$ = mk_binary(ps, AST_OP_SUB, $1, $3, @$)); }
  | bit_expr '+' K_INTERVAL expr interval_unit %prec '+'
        {
            struct ast_expr *iv;
            SQL_YYLTYPE l = {@3.start, @5.end};
            NN(iv = mk_interval(ps, $4, $5, l));
            NN($$ = mk_binary(ps, AST_OP_ADD, $1, iv, @$));
        }
  | bit_expr '-' K_INTERVAL expr interval_unit %prec '-'
        {
            struct ast_expr *iv;
            SQL_YYLTYPE l = {@3.start, @5.end};
            NN(iv = mk_interval(ps, $4, $5, l));
            NN($$ = mk_binary(ps, AST_OP_SUB, $1, iv, @$));
        }
  | bit_expr '*' bit_expr   { NN($$ = mk_binary(ps, AST_OP_MUL, $1, $3, @$)); }
  | bit_expr '/' bit_expr   { NN($$ = mk_binary(ps, AST_OP_DIV, $1, $3, @$)); }
  | bit_expr '%' bit_expr   { NN($$ = mk_binary(ps, AST_OP_MOD, $1, $3, @$)); }
  | bit_expr K_DIV bit_expr { NN($$ = mk_binary(ps, AST_OP_INTDIV, $1, $3, @$)); }
  | bit_expr K_MOD bit_expr { NN($$ = mk_binary(ps, AST_OP_MOD, $1, $3, @$)); }
  | bit_expr '^' bit_expr   { NN($$ = mk_binary(ps, AST_OP_BITXOR, $1, $3, @$)); }
  | simple_expr %prec SET_VAR
  ;

simple_expr:
    simple_ident
  | simple_ident JSON_EXTRACT text_single
        { NN($$ = mk_binary(ps, AST_OP_JSON_EXTRACT, $1, $3, @$)); }
  | simple_ident JSON_UNQUOTE text_single
        { NN($$ = mk_binary(ps, AST_OP_JSON_UNQUOTE, $1, $3, @$)); }
  | literal
  | PARAM
  | USER_VAR                { NN($$ = ex(ps, AST_EXPR_USER_VAR, @1)); $$->var.name = $1; }
  | SYS_VAR
  | USER_VAR SET_VAR expr %prec SET_VAR
        {
            NN($$ = ex(ps, AST_EXPR_ASSIGN, @$)); $$->assign.name = $1; $$->assign.value = $3;
            NN(fin(ps, $$, ed($3), @$));
        }
  | function_call
  | function_call K_OVER window_ref
        {
            if ($1->kind != AST_EXPR_FUNC || $1->func.over) SYNTAX_AT(@2);
            $1->func.over = $3; $1->span = SP(@$);
            NN(fin(ps, $1, umax(ed($1) - 1u, window_depth($3)), @$));
            $$ = $1;
        }
  | simple_expr K_COLLATE collation_name %prec NEG
        {
            NN($$ = ex(ps, AST_EXPR_COLLATE, @$)); $$->collate.arg = $1; $$->collate.collation = $3;
            NN(fin(ps, $$, ed($1), @$));
        }
  | simple_expr CONCAT_OP simple_expr
        {
            /* a || b || c is one concat(a, b, c): concat is variadic, and a
             * long chain must not deepen the tree. */
            struct ast_expr *l = $1;
            if (l->kind == AST_EXPR_FUNC && l->func.syntax == AST_FUNC_PLAIN && !l->func.db.str &&
                !l->func.over && !l->func.distinct && !l->func.star && l->func.args.n > 0 &&
                strcasecmp(l->func.name.str, "concat") == 0) {
                PUSH(l->func.args, $3);
                l->span = SP(@$);
                NN(fin(ps, l, umax(l->depth - 1u, ed($3)), @$));
                $$ = l;
            } else {
                NN($$ = mk_func3(ps, ident_lit("concat"), $1, $3, NULL, @$));
            }
        }
  | '+' simple_expr %prec NEG   { $$ = $2; }
  | '-' simple_expr %prec NEG   { NN($$ = mk_unary(ps, AST_OP_NEG, $2, @$)); }
  | '~' simple_expr %prec NEG   { NN($$ = mk_unary(ps, AST_OP_BITNOT, $2, @$)); }
  | NOT2 simple_expr %prec NEG  { NN($$ = mk_unary(ps, AST_OP_NOT, $2, @$)); }
  | subquery                { NN($$ = mk_subq(ps, AST_EXPR_SUBQUERY, $1, @$)); }
  | '(' expr ')'            { $$ = $2; }
  | '(' expr ',' expr_list ')' { NN($$ = mk_row(ps, $2, &$4, false, @$)); }
  | K_ROW '(' expr ',' expr_list ')' { NN($$ = mk_row(ps, $3, &$5, true, @$)); }
  | K_EXISTS subquery       { NN($$ = mk_subq(ps, AST_EXPR_EXISTS, $2, @$)); }
  | K_BINARY simple_expr %prec NEG
        {
            struct ast_type *t;
            NN(t = mk_type(ps, AST_TYPE_BINARY, @1));
            NN($$ = mk_cast(ps, $2, t, @$));
        }
  | K_CAST '(' expr K_AS cast_type ')'  { NN($$ = mk_cast(ps, $3, $5, @$)); }
  | K_CONVERT '(' expr ',' cast_type ')' { NN($$ = mk_cast(ps, $3, $5, @$)); }
  | K_CONVERT '(' expr K_USING charset_name ')'
        {
            NN($$ = ex(ps, AST_EXPR_CONVERT_USING, @$)); $$->convert.arg = $3; $$->convert.charset = $5;
            NN(fin(ps, $$, ed($3), @$));
        }
  | K_CASE opt_expr when_list opt_else K_END
        {
            unsigned d = umax(ed($2), ed($4));
            NN($$ = ex(ps, AST_EXPR_CASE, @$));
            $$->case_.operand = $2; $$->case_.whens = $3; $$->case_.else_ = $4;
            for (uint32_t i = 0; i < $3.n; i++) {
                struct ast_when *w = $3.items[i];
                d = umax(d, umax(ed(w->cond), ed(w->result)));
            }
            NN(fin(ps, $$, d, @$));
        }
  | K_DEFAULT '(' simple_ident ')'
        { NN($$ = mk_func3(ps, $1, $3, NULL, NULL, @$)); }
  | K_VALUES '(' simple_ident ')'
        { NN($$ = mk_func3(ps, $1, $3, NULL, NULL, @$)); }
  | K_INTERVAL expr interval_unit '+' expr %prec K_INTERVAL
        {
            struct ast_expr *iv;
            SQL_YYLTYPE l = {@1.start, @3.end};
            NN(iv = mk_interval(ps, $2, $3, l));
            NN($$ = mk_binary(ps, AST_OP_ADD, iv, $5, @$));
        }
  ;

simple_ident:
    ident                   { NN($$ = mk_column(ps, $1, no_ident, no_ident, 1, @$)); }
  | ident '.' ident         { NN($$ = mk_column(ps, $1, $3, no_ident, 2, @$)); }
  | ident '.' ident '.' ident { NN($$ = mk_column(ps, $1, $3, $5, 3, @$)); }
  ;

opt_expr:
    %empty                  { $$ = NULL; }
  | expr
  ;

when_list:
    K_WHEN expr K_THEN expr
        {
            struct ast_when *w; NN(w = NEW(struct ast_when)); w->cond = $2; w->result = $4;
            bool ok; $$ = list1(ps, w, &ok); NN(ok);
        }
  | when_list K_WHEN expr K_THEN expr
        {
            struct ast_when *w; NN(w = NEW(struct ast_when)); w->cond = $3; w->result = $5;
            $$ = $1; PUSH($$, w);
        }
  ;

opt_else:
    %empty                  { $$ = NULL; }
  | K_ELSE expr             { $$ = $2; }
  ;

expr_list:
    expr                    { bool ok; $$ = list1(ps, $1, &ok); NN(ok); }
  | expr_list ',' expr      { $$ = $1; PUSH($$, $3); }
  ;

function_call:
    ident '(' opt_func_args ')'     { NN($$ = mk_func(ps, $1, &$3, @$)); }
  | ident '(' '*' ')'               { NN($$ = mk_func(ps, $1, NULL, @$)); $$->func.star = true; }
  | ident '(' K_DISTINCT expr_list ')'
        { NN($$ = mk_func(ps, $1, &$4, @$)); $$->func.distinct = true; }
  | ident '(' K_ALL expr_list ')'   { NN($$ = mk_func(ps, $1, &$4, @$)); }
  | ident '.' ident '(' opt_func_args ')'
        { NN($$ = mk_func(ps, $3, &$5, @$)); $$->func.db = $1; }
  | reserved_func '(' opt_func_args ')' { NN($$ = mk_func(ps, $1, &$3, @$)); }
  | K_CHAR '(' expr_list ')'        { NN($$ = mk_func(ps, $1, &$3, @$)); }
  | K_CHAR '(' expr_list K_USING charset_name ')'
        {
            NN($$ = mk_func(ps, $1, &$3, @$));
            $$->func.syntax = AST_FUNC_CHAR_USING; $$->func.charset = $5;
        }
  | K_CURRENT_USER                  { NN($$ = mk_func(ps, $1, NULL, @$)); $$->func.syntax = AST_FUNC_NO_PARENS; }
  | K_CURRENT_USER '(' ')'          { NN($$ = mk_func(ps, $1, NULL, @$)); }
  | now_kw                          { NN($$ = mk_func(ps, $1, NULL, @$)); $$->func.syntax = AST_FUNC_NO_PARENS; }
  | now_kw '(' ')'                  { NN($$ = mk_func(ps, $1, NULL, @$)); }
  | now_kw '(' NUM ')'              { NN($$ = mk_func3(ps, $1, $3, NULL, NULL, @$)); }
  | K_EXTRACT '(' interval_unit K_FROM expr ')'
        {
            NN($$ = mk_func3(ps, $1, $5, NULL, NULL, @$));
            $$->func.syntax = AST_FUNC_EXTRACT; $$->func.unit = (enum ast_unit)$3;
        }
  | K_GROUP_CONCAT '(' expr_list opt_order_by opt_separator ')'
        {
            NN($$ = mk_func(ps, $1, &$3, @$));
            $$->func.syntax = AST_FUNC_GROUP_CONCAT; $$->func.order_by = $4; $$->func.separator = $5;
            NN(fin(ps, $$, umax(led(&$3), lod(&$4)), @$));
        }
  | K_GROUP_CONCAT '(' K_DISTINCT expr_list opt_order_by opt_separator ')'
        {
            NN($$ = mk_func(ps, $1, &$4, @$)); $$->func.distinct = true;
            $$->func.syntax = AST_FUNC_GROUP_CONCAT; $$->func.order_by = $5; $$->func.separator = $6;
            NN(fin(ps, $$, umax(led(&$4), lod(&$5)), @$));
        }
  | K_POSITION '(' bit_expr K_IN expr ')'
        { NN($$ = mk_func3(ps, $1, $3, $5, NULL, @$)); $$->func.syntax = AST_FUNC_POSITION; }
  | K_SUBSTRING '(' expr ',' expr ')'
        { NN($$ = mk_func3(ps, $1, $3, $5, NULL, @$)); }
  | K_SUBSTRING '(' expr ',' expr ',' expr ')'
        { NN($$ = mk_func3(ps, $1, $3, $5, $7, @$)); }
  | K_SUBSTRING '(' expr K_FROM expr ')'
        { NN($$ = mk_func3(ps, $1, $3, $5, NULL, @$)); $$->func.syntax = AST_FUNC_SUBSTRING_FROM; }
  | K_SUBSTRING '(' expr K_FROM expr K_FOR expr ')'
        { NN($$ = mk_func3(ps, $1, $3, $5, $7, @$)); $$->func.syntax = AST_FUNC_SUBSTRING_FROM; }
  | K_TRIM '(' expr ')'
        { NN($$ = mk_func3(ps, $1, $3, NULL, NULL, @$)); }
  | K_TRIM '(' trim_mode K_FROM expr ')'
        {
            NN($$ = mk_func3(ps, $1, $5, NULL, NULL, @$));
            $$->func.syntax = AST_FUNC_TRIM; $$->func.trim = (enum ast_trim_mode)$3;
        }
  | K_TRIM '(' trim_mode expr K_FROM expr ')'
        {
            NN($$ = mk_func3(ps, $1, $6, $4, NULL, @$));
            $$->func.syntax = AST_FUNC_TRIM; $$->func.trim = (enum ast_trim_mode)$3;
        }
  | K_TRIM '(' expr K_FROM expr ')'
        { NN($$ = mk_func3(ps, $1, $5, $3, NULL, @$)); $$->func.syntax = AST_FUNC_TRIM; }
  | K_TIMESTAMPADD '(' interval_unit ',' expr ',' expr ')'
        {
            NN($$ = mk_func3(ps, $1, $5, $7, NULL, @$));
            $$->func.syntax = AST_FUNC_UNIT_FIRST; $$->func.unit = (enum ast_unit)$3;
        }
  | K_TIMESTAMPDIFF '(' interval_unit ',' expr ',' expr ')'
        {
            NN($$ = mk_func3(ps, $1, $5, $7, NULL, @$));
            $$->func.syntax = AST_FUNC_UNIT_FIRST; $$->func.unit = (enum ast_unit)$3;
        }
  | INTERVAL_FUNC '(' expr ',' expr_list ')'
        {
            struct ast_list l = {0};
            PUSH(l, $3);
            for (uint32_t i = 0; i < $5.n; i++) PUSH(l, $5.items[i]);
            NN($$ = mk_func(ps, $1, &l, @$));
        }
  ;

reserved_func:
    K_IF | K_INSERT | K_LEFT | K_RIGHT | K_REPEAT | K_REPLACE | K_MOD | K_DATABASE | K_GROUPING
  | K_ROW_NUMBER | K_RANK | K_DENSE_RANK | K_PERCENT_RANK | K_CUME_DIST | K_NTILE | K_LAG | K_LEAD
  | K_FIRST_VALUE | K_LAST_VALUE | K_NTH_VALUE
  ;

now_kw:
    K_CURRENT_TIMESTAMP | K_CURRENT_DATE | K_CURRENT_TIME | K_LOCALTIME | K_LOCALTIMESTAMP
  | K_UTC_DATE | K_UTC_TIME | K_UTC_TIMESTAMP
  ;

trim_mode:
    K_LEADING               { $$ = AST_TRIM_LEADING; }
  | K_TRAILING              { $$ = AST_TRIM_TRAILING; }
  | K_BOTH                  { $$ = AST_TRIM_BOTH; }
  ;

opt_separator:
    %empty                  { $$ = NULL; }
  | K_SEPARATOR text_literal { $$ = $2; }
  ;

opt_func_args:
    %empty                  { memset(&$$, 0, sizeof $$); }
  | func_args               { $$ = $1; }
  ;

func_args:
    expr                    { bool ok; $$ = list1(ps, $1, &ok); NN(ok); }
  | K_INTERVAL expr interval_unit
        {
            struct ast_expr *iv; NN(iv = mk_interval(ps, $2, $3, @$));
            bool ok; $$ = list1(ps, iv, &ok); NN(ok);
        }
  | func_args ',' expr      { $$ = $1; PUSH($$, $3); }
  | func_args ',' K_INTERVAL expr interval_unit
        {
            struct ast_expr *iv;
            SQL_YYLTYPE l = {@3.start, @5.end};
            NN(iv = mk_interval(ps, $4, $5, l));
            $$ = $1; PUSH($$, iv);
        }
  ;

interval_unit:
    K_MICROSECOND           { $$ = AST_UNIT_MICROSECOND; }
  | K_SECOND                { $$ = AST_UNIT_SECOND; }
  | K_MINUTE                { $$ = AST_UNIT_MINUTE; }
  | K_HOUR                  { $$ = AST_UNIT_HOUR; }
  | K_DAY                   { $$ = AST_UNIT_DAY; }
  | K_WEEK                  { $$ = AST_UNIT_WEEK; }
  | K_MONTH                 { $$ = AST_UNIT_MONTH; }
  | K_QUARTER               { $$ = AST_UNIT_QUARTER; }
  | K_YEAR                  { $$ = AST_UNIT_YEAR; }
  | K_SECOND_MICROSECOND    { $$ = AST_UNIT_SECOND_MICROSECOND; }
  | K_MINUTE_MICROSECOND    { $$ = AST_UNIT_MINUTE_MICROSECOND; }
  | K_MINUTE_SECOND         { $$ = AST_UNIT_MINUTE_SECOND; }
  | K_HOUR_MICROSECOND      { $$ = AST_UNIT_HOUR_MICROSECOND; }
  | K_HOUR_SECOND           { $$ = AST_UNIT_HOUR_SECOND; }
  | K_HOUR_MINUTE           { $$ = AST_UNIT_HOUR_MINUTE; }
  | K_DAY_MICROSECOND       { $$ = AST_UNIT_DAY_MICROSECOND; }
  | K_DAY_SECOND            { $$ = AST_UNIT_DAY_SECOND; }
  | K_DAY_MINUTE            { $$ = AST_UNIT_DAY_MINUTE; }
  | K_DAY_HOUR              { $$ = AST_UNIT_DAY_HOUR; }
  | K_YEAR_MONTH            { $$ = AST_UNIT_YEAR_MONTH; }
  ;

literal:
    text_literal %prec LOWEST
  | NUM | DECIMAL_NUM | FLOAT_NUM | HEX_NUM | BIN_NUM
  | K_NULL                  { NN($$ = ex(ps, AST_EXPR_LITERAL, @1)); $$->lit.kind = AST_LIT_NULL; $$->lit.text = SP(@1); }
  | K_TRUE                  { NN($$ = ex(ps, AST_EXPR_LITERAL, @1)); $$->lit.kind = AST_LIT_BOOL; $$->lit.u = 1; $$->lit.text = SP(@1); }
  | K_FALSE                 { NN($$ = ex(ps, AST_EXPR_LITERAL, @1)); $$->lit.kind = AST_LIT_BOOL; $$->lit.u = 0; $$->lit.text = SP(@1); }
  | UNDERSCORE_CHARSET HEX_NUM { $$ = $2; $$->lit.charset = $1; $$->span = SP(@$); }
  | UNDERSCORE_CHARSET BIN_NUM { $$ = $2; $$->lit.charset = $1; $$->span = SP(@$); }
  | K_DATE TEXT_STRING      { $$ = $2; $$->lit.kind = AST_LIT_DATE; $$->span = SP(@$); }
  | K_TIME TEXT_STRING      { $$ = $2; $$->lit.kind = AST_LIT_TIME; $$->span = SP(@$); }
  | K_TIMESTAMP TEXT_STRING { $$ = $2; $$->lit.kind = AST_LIT_TIMESTAMP; $$->span = SP(@$); }
  ;

/* Strings: adjacent strings join; only the first may carry N or an introducer. */
text_literal:
    TEXT_STRING
  | NCHAR_STRING
  | UNDERSCORE_CHARSET TEXT_STRING { $$ = $2; $$->lit.charset = $1; $$->span = SP(@$); }
  | text_literal TEXT_STRING { NN($$ = concat_lit(ps, $1, $2, @$)); }
  ;

text_single:
    TEXT_STRING
  ;

num_literal:
    NUM | DECIMAL_NUM | FLOAT_NUM
  ;

signed_literal:
    literal
  | '+' num_literal         { $$ = $2; }
  | '-' num_literal         { NN($$ = mk_unary(ps, AST_OP_NEG, $2, @$)); }
  ;

cast_type:
    K_BINARY                { NN($$ = mk_type(ps, AST_TYPE_BINARY, @$)); }
  | K_BINARY '(' NUM ')'    { NN($$ = mk_type(ps, AST_TYPE_BINARY, @$)); $$->len = lit_i32($3); }
  | K_CHAR char_type_tail   { $$ = $2; $$->span = SP(@$); }
  | K_NCHAR                 { NN($$ = mk_type(ps, AST_TYPE_CHAR, @$)); $$->national = true; }
  | K_NCHAR '(' NUM ')'     { NN($$ = mk_type(ps, AST_TYPE_CHAR, @$)); $$->national = true; $$->len = lit_i32($3); }
  | K_SIGNED                { NN($$ = mk_type(ps, AST_TYPE_SIGNED, @$)); }
  | K_SIGNED K_INT          { NN($$ = mk_type(ps, AST_TYPE_SIGNED, @$)); }
  | K_UNSIGNED              { NN($$ = mk_type(ps, AST_TYPE_UNSIGNED, @$)); }
  | K_UNSIGNED K_INT        { NN($$ = mk_type(ps, AST_TYPE_UNSIGNED, @$)); }
  | K_DATE                  { NN($$ = mk_type(ps, AST_TYPE_DATE, @$)); }
  | K_YEAR                  { NN($$ = mk_type(ps, AST_TYPE_YEAR, @$)); }
  | K_TIME                  { NN($$ = mk_type(ps, AST_TYPE_TIME, @$)); }
  | K_TIME '(' NUM ')'      { NN($$ = mk_type(ps, AST_TYPE_TIME, @$)); $$->len = lit_i32($3); }
  | K_DATETIME              { NN($$ = mk_type(ps, AST_TYPE_DATETIME, @$)); }
  | K_DATETIME '(' NUM ')'  { NN($$ = mk_type(ps, AST_TYPE_DATETIME, @$)); $$->len = lit_i32($3); }
  | K_DECIMAL               { NN($$ = mk_type(ps, AST_TYPE_DECIMAL, @$)); }
  | K_DECIMAL '(' NUM ')'   { NN($$ = mk_type(ps, AST_TYPE_DECIMAL, @$)); $$->len = lit_i32($3); }
  | K_DECIMAL '(' NUM ',' NUM ')'
        { NN($$ = mk_type(ps, AST_TYPE_DECIMAL, @$)); $$->len = lit_i32($3); $$->scale = lit_i32($5); }
  | K_JSON                  { NN($$ = mk_type(ps, AST_TYPE_JSON, @$)); }
  | K_REAL                  { NN($$ = mk_type(ps, AST_TYPE_DOUBLE, @$)); }
  | K_DOUBLE                { NN($$ = mk_type(ps, AST_TYPE_DOUBLE, @$)); }
  | K_DOUBLE K_PRECISION    { NN($$ = mk_type(ps, AST_TYPE_DOUBLE, @$)); }
  | K_FLOAT                 { NN($$ = mk_type(ps, AST_TYPE_FLOAT, @$)); }
  | K_FLOAT '(' NUM ')'     { NN($$ = mk_type(ps, AST_TYPE_FLOAT, @$)); $$->len = lit_i32($3); }
  ;

/* CHAR[(n)] [CHARACTER SET cs | BINARY] in CAST. */
char_type_tail:
    %empty                  { NN($$ = mk_type(ps, AST_TYPE_CHAR, @$)); }
  | '(' NUM ')'             { NN($$ = mk_type(ps, AST_TYPE_CHAR, @$)); $$->len = lit_i32($2); }
  | charset_kw charset_name { NN($$ = mk_type(ps, AST_TYPE_CHAR, @$)); $$->charset = $2; }
  | '(' NUM ')' charset_kw charset_name
        { NN($$ = mk_type(ps, AST_TYPE_CHAR, @$)); $$->len = lit_i32($2); $$->charset = $5; }
  | K_BINARY                { NN($$ = mk_type(ps, AST_TYPE_CHAR, @$)); $$->binary = true; }
  | '(' NUM ')' K_BINARY    { NN($$ = mk_type(ps, AST_TYPE_CHAR, @$)); $$->len = lit_i32($2); $$->binary = true; }
  ;

charset_kw:
    K_CHARACTER K_SET
  | K_CHARSET
  ;

charset_name:
    ident_or_text
  | K_BINARY
  ;

collation_name:
    ident_or_text
  | K_BINARY
  ;

ident:
    IDENT
  | kw_ident
  ;

ident_or_text:
    ident
  | text_single             { $$ = lit_ident($1); }
  ;

opt_ident:
    %empty                  { $$ = no_ident; }
  | ident
  ;

ident_list:
    ident
        {
            struct ast_ident *p; NN(p = NEW(struct ast_ident)); *p = $1;
            bool ok; $$ = list1(ps, p, &ok); NN(ok);
        }
  | ident_list ',' ident
        { struct ast_ident *p; NN(p = NEW(struct ast_ident)); *p = $3; $$ = $1; PUSH($$, p); }
  ;

opt_paren_idents:
    %empty                  { memset(&$$, 0, sizeof $$); }
  | '(' ident_list ')'      { $$ = $2; }
  ;

table_name:
    ident                   { $$.db = no_ident; $$.name = $1; $$.span = SP(@$); }
  | ident '.' ident         { $$.db = $1; $$.name = $3; $$.span = SP(@$); }
  ;

name_list:
    table_name
        {
            struct ast_name *p; NN(p = NEW(struct ast_name)); *p = $1;
            bool ok; $$ = list1(ps, p, &ok); NN(ok);
        }
  | name_list ',' table_name
        { struct ast_name *p; NN(p = NEW(struct ast_name)); *p = $3; $$ = $1; PUSH($$, p); }
  ;

kw_ident:
    K_ACTION
  | K_AFTER
  | K_ALGORITHM
  | K_ALWAYS
  | K_ANY %prec LOWEST
  | K_AUTO_INCREMENT
  | K_BEGIN
  | K_BIT
  | K_BOOL
  | K_BOOLEAN
  | K_CASCADED
  | K_CHAIN
  | K_CHARSET
  | K_COLLATION
  | K_COLUMNS
  | K_COMMENT
  | K_COMMIT
  | K_COMMITTED
  | K_CONNECTION
  | K_CONSISTENT
  | K_CURRENT
  | K_DATE %prec LOWEST
  | K_DATETIME
  | K_DAY
  | K_DEALLOCATE
  | K_DEFINER
  | K_DISABLE
  | K_DO
  | K_DUPLICATE
  | K_ENABLE
  | K_END
  | K_ENFORCED
  | K_ENGINE
  | K_ENGINES
  | K_ENUM
  | K_ERRORS
  | K_ESCAPE
  | K_EVENTS
  | K_EXECUTE
  | K_EXTENDED
  | K_FIRST
  | K_FIXED
  | K_FLUSH
  | K_FOLLOWING
  | K_FOLLOWS
  | K_FORMAT
  | K_FULL
  | K_FUNCTION
  | K_GLOBAL
  | K_GRANTS
  | K_HOUR
  | K_IDENTIFIED
  | K_INDEXES
  | K_INVISIBLE
  | K_INVOKER
  | K_ISOLATION
  | K_JSON
  | K_LEVEL
  | K_LOCAL
  | K_LOCKED
  | K_LOG
  | K_LOGS
  | K_MASTER
  | K_MICROSECOND
  | K_MINUTE
  | K_MODE
  | K_MODIFY
  | K_MONTH
  | K_NAMES
  | K_NATIONAL
  | K_NCHAR
  | K_NO
  | K_NOWAIT
  | K_NVARCHAR
  | K_OFFSET
  | K_ONLY
  | K_OPEN
  | K_PASSWORD %prec LOWEST
  | K_PERSIST
  | K_PERSIST_ONLY
  | K_PLUGINS
  | K_PRECEDES
  | K_PRECEDING
  | K_PREPARE
  | K_PRIVILEGES
  | K_PROCESSLIST
  | K_PROFILES
  | K_QUARTER
  | K_QUERY
  | K_REPAIR
  | K_REPEATABLE
  | K_REPLICA
  | K_ROLLBACK
  | K_SAVEPOINT
  | K_SECOND
  | K_SECURITY
  | K_SERIAL
  | K_SERIALIZABLE
  | K_SESSION
  | K_SHARE
  | K_SIGNED
  | K_SKIP
  | K_SLAVE
  | K_SNAPSHOT
  | K_SOME %prec LOWEST
  | K_START
  | K_STATUS
  | K_STORAGE
  | K_TABLES
  | K_TEMPORARY
  | K_TEXT
  | K_TIME %prec LOWEST
  | K_TIMESTAMP %prec LOWEST
  | K_TIMESTAMPADD %prec LOWEST
  | K_TIMESTAMPDIFF %prec LOWEST
  | K_TRANSACTION
  | K_TRIGGERS
  | K_TRUNCATE
  | K_UNBOUNDED
  | K_UNCOMMITTED
  | K_UNKNOWN
  | K_USER
  | K_VALUE
  | K_VARIABLES
  | K_VIEW
  | K_VISIBLE
  | K_WARNINGS
  | K_WEEK
  | K_WORK
  | K_YEAR
  ;

/* ======================================================================== */
/* INSERT, REPLACE, UPDATE, DELETE                                          */

insert_stmt:
    K_INSERT dml_opts opt_into table_name opt_partition insert_tail opt_on_dup
        {
            struct ast_stmt *s = $6;
            if ($2 & AST_DML_QUICK) SYNTAX_AT(@2);
            s->insert.flags = (uint32_t)$2; s->insert.table = $4; s->insert.on_dup = $7;
            s->span = SP(@$); $$ = s;
        }
  | K_REPLACE dml_opts opt_into table_name opt_partition insert_tail
        {
            struct ast_stmt *s = $6;
            if ($2 & (AST_DML_QUICK | AST_DML_IGNORE | AST_DML_HIGH_PRIORITY)) SYNTAX_AT(@2);
            s->insert.replace = true; s->insert.flags = (uint32_t)$2; s->insert.table = $4;
            s->span = SP(@$); $$ = s;
        }
  ;

insert_tail:
    insert_values           { $$ = $1; }
  | '(' ')' insert_values   { $$ = $3; $$->insert.has_columns = true; }
  | '(' ident_list ')' insert_values
        { $$ = $4; $$->insert.has_columns = true; $$->insert.columns = $2; }
  | query_expression
        { NN($$ = mk_stmt(ps, AST_STMT_INSERT, @$)); $$->insert.query = $1; }
  | '(' ')' query_expression
        { NN($$ = mk_stmt(ps, AST_STMT_INSERT, @$)); $$->insert.query = $3; $$->insert.has_columns = true; }
  | '(' ident_list ')' query_expression
        {
            NN($$ = mk_stmt(ps, AST_STMT_INSERT, @$));
            $$->insert.query = $4; $$->insert.has_columns = true; $$->insert.columns = $2;
        }
  | K_SET assign_list opt_row_alias
        {
            NN($$ = mk_stmt(ps, AST_STMT_INSERT, @$)); $$->insert.set = $2;
            $$->insert.row_alias = $3.name; $$->insert.row_alias_columns = $3.cols;
        }
  ;

insert_values:
    values_kw row_list opt_row_alias
        {
            NN($$ = mk_stmt(ps, AST_STMT_INSERT, @$));
            $$->insert.rows = $2; $$->insert.value_word = $1;
            $$->insert.row_alias = $3.name; $$->insert.row_alias_columns = $3.cols;
        }
  ;

values_kw:
    K_VALUES                { $$ = 0; }
  | K_VALUE                 { $$ = 1; }
  ;

row_list:
    row_value               { bool ok; $$ = list1(ps, $1, &ok); NN(ok); }
  | row_list ',' row_value  { $$ = $1; PUSH($$, $3); }
  ;

row_value:
    '(' ')'                 { NN($$ = NEW(struct ast_list)); }
  | '(' value_list ')'      { NN($$ = NEW(struct ast_list)); *$$ = $2; }
  ;

value_list:
    value_item              { bool ok; $$ = list1(ps, $1, &ok); NN(ok); }
  | value_list ',' value_item { $$ = $1; PUSH($$, $3); }
  ;

value_item:
    expr
  | K_DEFAULT               { NN($$ = ex(ps, AST_EXPR_DEFAULT, @1)); }
  ;

opt_row_alias:
    %empty                  { memset(&$$, 0, sizeof $$); }
  | K_AS ident opt_paren_idents { $$.name = $2; $$.cols = $3; }
  ;

opt_on_dup:
    %empty                  { memset(&$$, 0, sizeof $$); }
  | K_ON K_DUPLICATE K_KEY K_UPDATE assign_list { $$ = $5; }
  ;

opt_into:
    %empty
  | K_INTO
  ;

dml_opts:
    %empty                  { $$ = 0; }
  | dml_opts dml_opt        { $$ = $1 | $2; }
  ;

dml_opt:
    K_LOW_PRIORITY          { $$ = AST_DML_LOW_PRIORITY; }
  | K_DELAYED               { $$ = AST_DML_DELAYED; }
  | K_HIGH_PRIORITY         { $$ = AST_DML_HIGH_PRIORITY; }
  | K_IGNORE                { $$ = AST_DML_IGNORE; }
  | K_QUICK                 { $$ = AST_DML_QUICK; }
  ;

assign_list:
    assign                  { bool ok; $$ = list1(ps, $1, &ok); NN(ok); }
  | assign_list ',' assign  { $$ = $1; PUSH($$, $3); }
  ;

assign:
    simple_ident '=' value_item
        { NN($$ = NEW(struct ast_assign)); $$->column = $1; $$->value = $3; }
  ;

update_stmt:
    K_UPDATE dml_opts table_ref_list K_SET assign_list opt_where opt_order_by opt_simple_limit
        {
            if ($2 & ~(AST_DML_LOW_PRIORITY | AST_DML_IGNORE)) SYNTAX_AT(@2);
            NN($$ = mk_stmt(ps, AST_STMT_UPDATE, @$));
            $$->update.flags = (uint32_t)$2; $$->update.tables = $3; $$->update.set = $5;
            $$->update.where = $6; $$->update.order_by = $7; $$->update.limit = $8.limit;
        }
  ;

delete_stmt:
    K_DELETE dml_opts K_FROM table_name opt_alias opt_partition opt_where opt_order_by opt_simple_limit
        {
            struct ast_table_ref *t;
            if ($2 & ~(AST_DML_LOW_PRIORITY | AST_DML_IGNORE | AST_DML_QUICK)) SYNTAX_AT(@2);
            SQL_YYLTYPE tl = {@4.start, @6.end};
            NN(t = mk_tref(ps, AST_TREF_TABLE, tl));
            t->table.name = $4; t->alias = $5; t->table.partitions = $6; t->depth = 1;
            NN($$ = mk_stmt(ps, AST_STMT_DELETE, @$));
            $$->delete_.flags = (uint32_t)$2; PUSH($$->delete_.tables, t);
            $$->delete_.where = $7; $$->delete_.order_by = $8; $$->delete_.limit = $9.limit;
        }
  | K_DELETE dml_opts delete_targets K_FROM table_ref_list opt_where
        {
            if ($2 & ~(AST_DML_LOW_PRIORITY | AST_DML_IGNORE | AST_DML_QUICK)) SYNTAX_AT(@2);
            NN($$ = mk_stmt(ps, AST_STMT_DELETE, @$));
            $$->delete_.flags = (uint32_t)$2; $$->delete_.multi = true;
            $$->delete_.targets = $3; $$->delete_.tables = $5; $$->delete_.where = $6;
        }
  | K_DELETE dml_opts K_FROM delete_targets K_USING table_ref_list opt_where
        {
            if ($2 & ~(AST_DML_LOW_PRIORITY | AST_DML_IGNORE | AST_DML_QUICK)) SYNTAX_AT(@2);
            NN($$ = mk_stmt(ps, AST_STMT_DELETE, @$));
            $$->delete_.flags = (uint32_t)$2; $$->delete_.multi = true; $$->delete_.using_form = true;
            $$->delete_.targets = $4; $$->delete_.tables = $6; $$->delete_.where = $7;
        }
  ;

delete_targets:
    delete_target
        { struct ast_name *p; NN(p = NEW(struct ast_name)); *p = $1; bool ok; $$ = list1(ps, p, &ok); NN(ok); }
  | delete_targets ',' delete_target
        { struct ast_name *p; NN(p = NEW(struct ast_name)); *p = $3; $$ = $1; PUSH($$, p); }
  ;

delete_target:
    ident opt_dot_star      { $$.db = no_ident; $$.name = $1; $$.span = SP(@$); }
  | ident '.' ident opt_dot_star { $$.db = $1; $$.name = $3; $$.span = SP(@$); }
  ;

opt_dot_star:
    %empty
  | '.' '*'
  ;

/* ======================================================================== */
/* Databases and tables                                                     */

create_database:
    K_CREATE K_DATABASE opt_if_not_exists ident db_opts
        {
            NN($$ = mk_stmt(ps, AST_STMT_CREATE_DATABASE, @$));
            $$->database.name = $4; $$->database.if_exists = $3; $$->database.options = $5;
        }
  ;

alter_database:
    K_ALTER K_DATABASE ident db_opts
        {
            if (!$4.n) SYNTAX_AT(@4);
            NN($$ = mk_stmt(ps, AST_STMT_ALTER_DATABASE, @$));
            $$->database.name = $3; $$->database.options = $4;
        }
  ;

db_opts:
    %empty                  { memset(&$$, 0, sizeof $$); }
  | db_opts db_opt          { $$ = $1; PUSH($$, $2); }
  ;

db_opt:
    charset_kw opt_eq charset_name
        { NN($$ = mk_option(ps, ident_lit("CHARACTER SET"), NULL, $2, false)); NN($$->value = word_value(ps, $3, @3)); }
  | K_DEFAULT charset_kw opt_eq charset_name
        { NN($$ = mk_option(ps, ident_lit("CHARACTER SET"), NULL, $3, true)); NN($$->value = word_value(ps, $4, @4)); }
  | K_COLLATE opt_eq collation_name
        { NN($$ = mk_option(ps, ident_lit("COLLATE"), NULL, $2, false)); NN($$->value = word_value(ps, $3, @3)); }
  | K_DEFAULT K_COLLATE opt_eq collation_name
        { NN($$ = mk_option(ps, ident_lit("COLLATE"), NULL, $3, true)); NN($$->value = word_value(ps, $4, @4)); }
  | IDENT opt_eq option_value
        { if ($1.quoted) SYNTAX_AT(@1); NN($$ = mk_option(ps, $1, $3, $2, false)); }
  | K_DEFAULT IDENT opt_eq option_value
        { if ($2.quoted) SYNTAX_AT(@2); NN($$ = mk_option(ps, $2, $4, $3, true)); }
  ;

opt_eq:
    %empty                  { $$ = 0; }
  | '='                     { $$ = 1; }
  ;

option_value:
    ident                   { NN($$ = word_value(ps, $1, @1)); }
  | text_single
  | NUM | DECIMAL_NUM
  | K_DEFAULT               { NN($$ = ex(ps, AST_EXPR_DEFAULT, @1)); }
  ;

drop_stmt:
    K_DROP K_DATABASE opt_if_exists ident
        {
            NN($$ = mk_stmt(ps, AST_STMT_DROP_DATABASE, @$));
            $$->database.name = $4; $$->database.if_exists = $3;
        }
  | K_DROP opt_temporary tables_kw opt_if_exists name_list opt_restrict_cascade
        {
            NN($$ = mk_stmt(ps, AST_STMT_DROP_TABLE, @$));
            $$->drop.temporary = $2; $$->drop.if_exists = $4; $$->drop.names = $5; $$->drop.cascade = $6;
        }
  | K_DROP K_VIEW opt_if_exists name_list opt_restrict_cascade
        {
            NN($$ = mk_stmt(ps, AST_STMT_DROP_VIEW, @$));
            $$->drop.if_exists = $3; $$->drop.names = $4; $$->drop.cascade = $5;
        }
  | K_DROP K_TRIGGER opt_if_exists table_name
        {
            struct ast_name *p; NN(p = NEW(struct ast_name)); *p = $4;
            NN($$ = mk_stmt(ps, AST_STMT_DROP_TRIGGER, @$));
            $$->drop.if_exists = $3; PUSH($$->drop.names, p);
        }
  | K_DROP K_INDEX ident K_ON table_name opt_alg_lock
        {
            NN($$ = mk_stmt(ps, AST_STMT_DROP_INDEX, @$));
            $$->drop_index.name = $3; $$->drop_index.table = $5; $$->drop_index.options = $6;
        }
  | K_DROP K_USER opt_if_exists user_list
        {
            NN($$ = mk_stmt(ps, AST_STMT_DROP_USER, @$));
            $$->users.if_exists = $3; $$->users.users = $4;
        }
  | K_DROP K_PREPARE ident
        { NN($$ = mk_stmt(ps, AST_STMT_DEALLOCATE, @$)); $$->prepare.name = $3; }
  ;

tables_kw:
    K_TABLE
  | K_TABLES
  ;

opt_temporary:
    %empty                  { $$ = 0; }
  | K_TEMPORARY             { $$ = 1; }
  ;

opt_if_exists:
    %empty                  { $$ = 0; }
  | K_IF K_EXISTS           { $$ = 1; }
  ;

opt_if_not_exists:
    %empty                  { $$ = 0; }
  | K_IF not_kw K_EXISTS    { $$ = 1; }
  ;

opt_restrict_cascade:
    %empty                  { $$ = 0; }
  | K_RESTRICT              { $$ = 1; }
  | K_CASCADE               { $$ = 2; }
  ;

use_stmt:
    K_USE ident             { NN($$ = mk_stmt(ps, AST_STMT_USE, @$)); $$->use.db = $2; }
  ;

truncate_stmt:
    K_TRUNCATE table_name   { NN($$ = mk_stmt(ps, AST_STMT_TRUNCATE, @$)); $$->truncate.table = $2; }
  | K_TRUNCATE K_TABLE table_name { NN($$ = mk_stmt(ps, AST_STMT_TRUNCATE, @$)); $$->truncate.table = $3; }
  ;

rename_stmt:
    K_RENAME tables_kw rename_list { $$ = $3; $$->span = SP(@$); }
  ;

rename_list:
    table_name K_TO table_name
        {
            struct ast_name *a, *b;
            NN(a = NEW(struct ast_name)); NN(b = NEW(struct ast_name)); *a = $1; *b = $3;
            NN($$ = mk_stmt(ps, AST_STMT_RENAME_TABLE, @$));
            PUSH($$->rename.from, a); PUSH($$->rename.to, b);
        }
  | rename_list ',' table_name K_TO table_name
        {
            struct ast_name *a, *b;
            NN(a = NEW(struct ast_name)); NN(b = NEW(struct ast_name)); *a = $3; *b = $5;
            $$ = $1; PUSH($$->rename.from, a); PUSH($$->rename.to, b);
        }
  ;

create_table:
    K_CREATE opt_temporary K_TABLE opt_if_not_exists table_name create_table_tail
        {
            struct ast_stmt *s = $6;
            s->create_table.temporary = $2; s->create_table.if_not_exists = $4; s->create_table.table = $5;
            s->span = SP(@$); $$ = s;
        }
  ;

create_table_tail:
    '(' table_elements ')' opt_create_opts
        {
            NN($$ = mk_stmt(ps, AST_STMT_CREATE_TABLE, @$));
            $$->create_table.has_elements = true; $$->create_table.options = $4;
            $$->create_table.columns = $2.cols; $$->create_table.constraints = $2.cons;
        }
  | '(' table_elements ')' opt_create_opts create_query
        {
            NN($$ = mk_stmt(ps, AST_STMT_CREATE_TABLE, @$));
            $$->create_table.has_elements = true; $$->create_table.options = $4;
            $$->create_table.columns = $2.cols; $$->create_table.constraints = $2.cons;
            $$->create_table.query = $5.query; $$->create_table.on_duplicate = $5.dup;
        }
  | create_opts
        { NN($$ = mk_stmt(ps, AST_STMT_CREATE_TABLE, @$)); $$->create_table.options = $1; }
  | create_opts create_query
        {
            NN($$ = mk_stmt(ps, AST_STMT_CREATE_TABLE, @$)); $$->create_table.options = $1;
            $$->create_table.query = $2.query; $$->create_table.on_duplicate = $2.dup;
        }
  | create_query
        {
            NN($$ = mk_stmt(ps, AST_STMT_CREATE_TABLE, @$));
            $$->create_table.query = $1.query; $$->create_table.on_duplicate = $1.dup;
        }
  | %empty
        { NN($$ = mk_stmt(ps, AST_STMT_CREATE_TABLE, @$)); }
  | K_LIKE table_name
        { NN($$ = mk_stmt(ps, AST_STMT_CREATE_TABLE, @$)); $$->create_table.like = $2; }
  | '(' K_LIKE table_name ')'
        { NN($$ = mk_stmt(ps, AST_STMT_CREATE_TABLE, @$)); $$->create_table.like = $3; }
  ;

create_query:
    query_expression                    { $$.query = $1; $$.dup = 0; }
  | K_AS query_expression               { $$.query = $2; $$.dup = 0; }
  | opt_dup query_expression            { $$.query = $2; $$.dup = $1; }
  | opt_dup K_AS query_expression       { $$.query = $3; $$.dup = $1; }
  ;

opt_dup:
    K_IGNORE                { $$ = 1; }
  | K_REPLACE               { $$ = 2; }
  ;

table_elements:
    column_def              { memset(&$$, 0, sizeof $$); PUSH($$.cols, $1); }
  | table_constraint        { memset(&$$, 0, sizeof $$); PUSH($$.cons, $1); }
  | table_elements ',' column_def { $$ = $1; PUSH($$.cols, $3); }
  | table_elements ',' table_constraint { $$ = $1; PUSH($$.cons, $3); }
  ;

column_def:
    ident data_type
        {
            struct ast_column_def *c;
            NN(c = NEW(struct ast_column_def));
            c->name = $1; c->type = $2; c->nullable = -1; c->visible = -1;
            ps->col = c;
            $<coldef>$ = c;
        }
    column_attrs
        { $$ = $<coldef>3; $$->span = SP(@$); ps->col = NULL; }
  ;

column_attrs:
    %empty
  | column_attrs column_attr
  ;

column_attr:
    K_NULL                  { ps->col->nullable = 1; }
  | not_kw K_NULL           { ps->col->nullable = 0; }
  | K_DEFAULT default_value { ps->col->default_ = $2; ps->col->default_paren = false; }
  | K_DEFAULT '(' expr ')'  { ps->col->default_ = $3; ps->col->default_paren = true; }
  | K_ON K_UPDATE now_value { ps->col->on_update = $3; }
  | K_AUTO_INCREMENT        { ps->col->auto_increment = true; }
  | K_SERIAL K_DEFAULT K_VALUE
        {
            ps->col->nullable = 0; ps->col->auto_increment = true; ps->col->key = AST_COL_KEY_UNIQUE;
        }
  | K_PRIMARY K_KEY         { ps->col->key = AST_COL_KEY_PRIMARY; }
  | K_KEY                   { ps->col->key = AST_COL_KEY_PRIMARY; }
  | K_UNIQUE %prec LOWEST   { ps->col->key = AST_COL_KEY_UNIQUE; }
  | K_UNIQUE K_KEY          { ps->col->key = AST_COL_KEY_UNIQUE; }
  | K_COMMENT text_literal  { ps->col->comment = $2; }
  | K_COLLATE collation_name { if (ps->col->type) ps->col->type->collate = $2; }
  | K_VISIBLE               { ps->col->visible = 1; }
  | K_INVISIBLE             { ps->col->visible = 0; }
  | K_CHECK '(' expr ')'
        {
            struct ast_constraint *c; NN(c = NEW(struct ast_constraint));
            c->kind = AST_CONS_CHECK; c->check = $3; c->enforced = -1; c->span = SP(@$);
            PUSH(ps->col->checks, c);
        }
  | K_CONSTRAINT opt_ident K_CHECK '(' expr ')'
        {
            struct ast_constraint *c; NN(c = NEW(struct ast_constraint));
            c->kind = AST_CONS_CHECK; c->name = $2; c->check = $5; c->enforced = -1; c->span = SP(@$);
            PUSH(ps->col->checks, c);
        }
  /* [NOT] ENFORCED belongs to the CHECK just before it; as an attribute of its
   * own it shares the NOT with NOT NULL without a conflict. */
  | K_ENFORCED
        {
            if (!ps->col->checks.n) SYNTAX_AT(@1);
            ((struct ast_constraint *)ps->col->checks.items[ps->col->checks.n - 1])->enforced = 1;
        }
  | not_kw K_ENFORCED
        {
            if (!ps->col->checks.n) SYNTAX_AT(@1);
            ((struct ast_constraint *)ps->col->checks.items[ps->col->checks.n - 1])->enforced = 0;
        }
  | K_GENERATED K_ALWAYS K_AS '(' expr ')' opt_stored { ps->col->generated = $5; ps->col->stored = $7; }
  | K_AS '(' expr ')' opt_stored { ps->col->generated = $3; ps->col->stored = $5; }
  | references              { ps->col->refs = $1; }
  ;

opt_stored:
    %empty                  { $$ = 0; }
  | K_VIRTUAL               { $$ = 0; }
  | K_STORED                { $$ = 1; }
  ;

opt_enforced:
    %empty                  { $$ = -1; }
  | K_ENFORCED              { $$ = 1; }
  | not_kw K_ENFORCED       { $$ = 0; }
  ;

default_value:
    signed_literal
  | now_value
  ;

now_value:
    now_kw                  { NN($$ = mk_func(ps, $1, NULL, @$)); $$->func.syntax = AST_FUNC_NO_PARENS; }
  | now_kw '(' ')'          { NN($$ = mk_func(ps, $1, NULL, @$)); }
  | now_kw '(' NUM ')'      { NN($$ = mk_func3(ps, $1, $3, NULL, NULL, @$)); }
  | IDENT '(' ')'           { NN($$ = mk_func(ps, $1, NULL, @$)); }
  | IDENT '(' NUM ')'       { NN($$ = mk_func3(ps, $1, $3, NULL, NULL, @$)); }
  ;

table_constraint:
    opt_constraint K_PRIMARY K_KEY opt_index_using '(' key_parts ')' index_opts
        {
            NN($$ = NEW(struct ast_constraint)); $$->kind = AST_CONS_PRIMARY; $$->name = $1;
            $$->using_ = $4; $$->parts = $6; $$->options = $8; $$->span = SP(@$); $$->enforced = -1;
        }
  | opt_constraint K_UNIQUE opt_key_or_index opt_ident opt_index_using '(' key_parts ')' index_opts
        {
            NN($$ = NEW(struct ast_constraint)); $$->kind = AST_CONS_UNIQUE; $$->name = $1;
            $$->key_word = $3 == 1; $$->index_name = $4; $$->using_ = $5; $$->parts = $7;
            $$->options = $9; $$->span = SP(@$); $$->enforced = -1;
        }
  | key_or_index opt_ident opt_index_using '(' key_parts ')' index_opts
        {
            NN($$ = NEW(struct ast_constraint)); $$->kind = AST_CONS_INDEX;
            $$->key_word = $1 == 1; $$->index_name = $2; $$->using_ = $3; $$->parts = $5;
            $$->options = $7; $$->span = SP(@$); $$->enforced = -1;
        }
  | K_FULLTEXT opt_key_or_index opt_ident '(' key_parts ')' index_opts
        {
            NN($$ = NEW(struct ast_constraint)); $$->kind = AST_CONS_FULLTEXT;
            $$->key_word = $2 == 1; $$->index_name = $3; $$->parts = $5; $$->options = $7;
            $$->span = SP(@$); $$->enforced = -1;
        }
  | K_SPATIAL opt_key_or_index opt_ident '(' key_parts ')' index_opts
        {
            NN($$ = NEW(struct ast_constraint)); $$->kind = AST_CONS_SPATIAL;
            $$->key_word = $2 == 1; $$->index_name = $3; $$->parts = $5; $$->options = $7;
            $$->span = SP(@$); $$->enforced = -1;
        }
  | opt_constraint K_FOREIGN K_KEY opt_ident '(' key_parts ')' references
        {
            NN($$ = NEW(struct ast_constraint)); $$->kind = AST_CONS_FOREIGN; $$->name = $1;
            $$->index_name = $4; $$->parts = $6; $$->refs = $8; $$->span = SP(@$); $$->enforced = -1;
        }
  | opt_constraint K_CHECK '(' expr ')' opt_enforced
        {
            NN($$ = NEW(struct ast_constraint)); $$->kind = AST_CONS_CHECK; $$->name = $1;
            $$->check = $4; $$->enforced = $6; $$->span = SP(@$);
        }
  ;

opt_constraint:
    %empty                  { $$ = no_ident; }
  | K_CONSTRAINT opt_ident  { $$ = $2; }
  ;

opt_key_or_index:
    %empty                  { $$ = 0; }
  | K_KEY                   { $$ = 1; }
  | K_INDEX                 { $$ = 2; }
  ;

opt_index_using:
    %empty                  { $$ = no_ident; }
  | K_USING ident           { $$ = $2; }
  ;

key_parts:
    key_part                { bool ok; $$ = list1(ps, $1, &ok); NN(ok); }
  | key_parts ',' key_part  { $$ = $1; PUSH($$, $3); }
  ;

key_part:
    ident opt_dir
        { NN($$ = NEW(struct ast_key_part)); $$->column = $1; $$->len = -1; $$->dir = (enum ast_order_dir)$2; }
  | ident '(' NUM ')' opt_dir
        { NN($$ = NEW(struct ast_key_part)); $$->column = $1; $$->len = lit_i32($3); $$->dir = (enum ast_order_dir)$5; }
  | '(' expr ')' opt_dir
        { NN($$ = NEW(struct ast_key_part)); $$->expr = $2; $$->len = -1; $$->dir = (enum ast_order_dir)$4; }
  ;

index_opts:
    %empty                  { memset(&$$, 0, sizeof $$); }
  | index_opts index_opt    { $$ = $1; PUSH($$, $2); }
  ;

index_opt:
    K_COMMENT text_literal  { NN($$ = mk_option(ps, $1, $2, false, false)); }
  | K_USING ident           { NN($$ = mk_option(ps, $1, NULL, false, false)); NN($$->value = word_value(ps, $2, @2)); }
  | K_VISIBLE               { NN($$ = mk_option(ps, $1, NULL, false, false)); }
  | K_INVISIBLE             { NN($$ = mk_option(ps, $1, NULL, false, false)); }
  | IDENT opt_eq option_value
        { if ($1.quoted) SYNTAX_AT(@1); NN($$ = mk_option(ps, $1, $3, $2, false)); }
  ;

references:
    K_REFERENCES table_name opt_paren_idents opt_match ref_actions %prec LOWEST
        {
            NN($$ = NEW(struct ast_references));
            $$->table = $2; $$->columns = $3; $$->match = $4;
            $$->on_delete = (enum ast_fk_action)($5 & 0xff); $$->on_update = (enum ast_fk_action)($5 >> 8);
        }
  ;

opt_match:
    %empty                  { $$ = no_ident; }
  | IDENT IDENT
        {
            if ($1.quoted || $1.len != 5 || strncasecmp($1.str, "MATCH", 5) != 0) SYNTAX_AT(@1);
            $$ = $2;
        }
  ;

ref_actions:
    %empty %prec LOWEST     { $$ = 0; }
  | ref_actions K_ON K_DELETE fk_action { $$ = ($1 & ~0xff) | $4; }
  | ref_actions K_ON K_UPDATE fk_action { $$ = ($1 & 0xff) | ($4 << 8); }
  ;

fk_action:
    K_RESTRICT              { $$ = AST_FK_RESTRICT; }
  | K_CASCADE               { $$ = AST_FK_CASCADE; }
  | K_SET K_NULL            { $$ = AST_FK_SET_NULL; }
  | K_NO K_ACTION           { $$ = AST_FK_NO_ACTION; }
  | K_SET K_DEFAULT         { $$ = AST_FK_SET_DEFAULT; }
  ;

/* Table options: CREATE TABLE separates them with optional commas. */
opt_create_opts:
    %empty                  { memset(&$$, 0, sizeof $$); }
  | create_opts             { $$ = $1; }
  ;

create_opts:
    create_opt              { bool ok; $$ = list1(ps, $1, &ok); NN(ok); }
  | create_opts create_opt  { $$ = $1; PUSH($$, $2); }
  | create_opts ',' create_opt { $$ = $1; PUSH($$, $3); }
  ;

create_opt:
    K_ENGINE opt_eq ident_or_text
        { NN($$ = mk_option(ps, $1, NULL, $2, false)); NN($$->value = word_value(ps, $3, @3)); }
  | K_AUTO_INCREMENT opt_eq NUM { NN($$ = mk_option(ps, $1, $3, $2, false)); }
  | K_COMMENT opt_eq text_literal { NN($$ = mk_option(ps, $1, $3, $2, false)); }
  | db_opt
  ;

/* ALTER TABLE separates items with commas, so options inside one item do not. */
alter_opts:
    create_opt              { bool ok; $$ = list1(ps, $1, &ok); NN(ok); }
  | alter_opts create_opt   { $$ = $1; PUSH($$, $2); }
  ;

alter_table:
    K_ALTER K_TABLE table_name alter_items
        {
            NN($$ = mk_stmt(ps, AST_STMT_ALTER_TABLE, @$));
            $$->alter_table.table = $3; $$->alter_table.items = $4;
        }
  | K_ALTER K_TABLE table_name
        { NN($$ = mk_stmt(ps, AST_STMT_ALTER_TABLE, @$)); $$->alter_table.table = $3; }
  ;

alter_items:
    alter_item              { $1->span = SP(@1); bool ok; $$ = list1(ps, $1, &ok); NN(ok); }
  | alter_items ',' alter_item { $3->span = SP(@3); $$ = $1; PUSH($$, $3); }
  ;

alter_item:
    K_ADD opt_column column_def opt_place
        {
            NN($$ = NEW(struct ast_alter)); $$->kind = AST_ALTER_ADD_COLUMN;
            $$->has_column_word = $2; $$->column = $3; $$->place = $4;
        }
  | K_ADD opt_column '(' table_elements ')'
        {
            NN($$ = NEW(struct ast_alter)); $$->kind = AST_ALTER_ADD_COLUMNS;
            $$->has_column_word = $2; $$->columns = $4.cols; $$->constraints = $4.cons;
        }
  | K_ADD table_constraint
        { NN($$ = NEW(struct ast_alter)); $$->kind = AST_ALTER_ADD_CONSTRAINT; $$->constraint = $2; }
  | K_CHANGE opt_column ident column_def opt_place
        {
            NN($$ = NEW(struct ast_alter)); $$->kind = AST_ALTER_CHANGE_COLUMN;
            $$->has_column_word = $2; $$->name = $3; $$->column = $4; $$->place = $5;
        }
  | K_MODIFY opt_column column_def opt_place
        {
            NN($$ = NEW(struct ast_alter)); $$->kind = AST_ALTER_MODIFY_COLUMN;
            $$->has_column_word = $2; $$->column = $3; $$->place = $4;
        }
  | K_DROP opt_column ident opt_restrict_cascade
        {
            NN($$ = NEW(struct ast_alter)); $$->kind = AST_ALTER_DROP_COLUMN;
            $$->has_column_word = $2; $$->name = $3;
        }
  | K_DROP key_or_index ident
        { NN($$ = NEW(struct ast_alter)); $$->kind = AST_ALTER_DROP_INDEX; $$->name = $3; }
  | K_DROP K_PRIMARY K_KEY
        { NN($$ = NEW(struct ast_alter)); $$->kind = AST_ALTER_DROP_PRIMARY; }
  | K_DROP K_FOREIGN K_KEY ident
        { NN($$ = NEW(struct ast_alter)); $$->kind = AST_ALTER_DROP_FOREIGN; $$->name = $4; }
  | K_DROP K_CHECK ident
        { NN($$ = NEW(struct ast_alter)); $$->kind = AST_ALTER_DROP_CHECK; $$->name = $3; }
  | K_DROP K_CONSTRAINT ident
        { NN($$ = NEW(struct ast_alter)); $$->kind = AST_ALTER_DROP_CHECK; $$->name = $3; }
  | K_ALTER opt_column ident K_SET K_DEFAULT signed_literal
        {
            NN($$ = NEW(struct ast_alter)); $$->kind = AST_ALTER_SET_DEFAULT;
            $$->has_column_word = $2; $$->name = $3; $$->value = $6;
        }
  | K_ALTER opt_column ident K_SET K_DEFAULT '(' expr ')'
        {
            NN($$ = NEW(struct ast_alter)); $$->kind = AST_ALTER_SET_DEFAULT;
            $$->has_column_word = $2; $$->name = $3; $$->value = $7; $$->default_paren = true;
        }
  | K_ALTER opt_column ident K_DROP K_DEFAULT
        {
            NN($$ = NEW(struct ast_alter)); $$->kind = AST_ALTER_DROP_DEFAULT;
            $$->has_column_word = $2; $$->name = $3;
        }
  | K_ALTER opt_column ident K_SET K_VISIBLE
        {
            NN($$ = NEW(struct ast_alter)); $$->kind = AST_ALTER_COLUMN_VISIBLE;
            $$->has_column_word = $2; $$->name = $3; $$->visible = 1;
        }
  | K_ALTER opt_column ident K_SET K_INVISIBLE
        {
            NN($$ = NEW(struct ast_alter)); $$->kind = AST_ALTER_COLUMN_VISIBLE;
            $$->has_column_word = $2; $$->name = $3; $$->visible = 0;
        }
  | K_ALTER K_INDEX ident K_VISIBLE
        { NN($$ = NEW(struct ast_alter)); $$->kind = AST_ALTER_INDEX_VISIBLE; $$->name = $3; $$->visible = 1; }
  | K_ALTER K_INDEX ident K_INVISIBLE
        { NN($$ = NEW(struct ast_alter)); $$->kind = AST_ALTER_INDEX_VISIBLE; $$->name = $3; $$->visible = 0; }
  | K_RENAME table_name
        { NN($$ = NEW(struct ast_alter)); $$->kind = AST_ALTER_RENAME_TABLE; $$->new_table = $2; }
  | K_RENAME K_TO table_name
        { NN($$ = NEW(struct ast_alter)); $$->kind = AST_ALTER_RENAME_TABLE; $$->new_table = $3; }
  | K_RENAME K_AS table_name
        { NN($$ = NEW(struct ast_alter)); $$->kind = AST_ALTER_RENAME_TABLE; $$->new_table = $3; }
  | K_RENAME K_COLUMN ident K_TO ident
        { NN($$ = NEW(struct ast_alter)); $$->kind = AST_ALTER_RENAME_COLUMN; $$->name = $3; $$->new_name = $5; }
  | K_RENAME key_or_index ident K_TO ident
        { NN($$ = NEW(struct ast_alter)); $$->kind = AST_ALTER_RENAME_INDEX; $$->name = $3; $$->new_name = $5; }
  | alter_opts
        { NN($$ = NEW(struct ast_alter)); $$->kind = AST_ALTER_OPTIONS; $$->options = $1; }
  | K_CONVERT K_TO charset_kw charset_name
        { NN($$ = NEW(struct ast_alter)); $$->kind = AST_ALTER_CONVERT_CHARSET; $$->name = $4; }
  | K_CONVERT K_TO charset_kw charset_name K_COLLATE collation_name
        {
            NN($$ = NEW(struct ast_alter)); $$->kind = AST_ALTER_CONVERT_CHARSET;
            $$->name = $4; $$->new_name = $6;
        }
  | K_ALGORITHM opt_eq ident_or_default
        { NN($$ = NEW(struct ast_alter)); $$->kind = AST_ALTER_ALGORITHM; $$->name = $3; }
  | K_LOCK opt_eq ident_or_default
        { NN($$ = NEW(struct ast_alter)); $$->kind = AST_ALTER_LOCK; $$->name = $3; }
  | K_FORCE                 { NN($$ = NEW(struct ast_alter)); $$->kind = AST_ALTER_FORCE; }
  | K_ENABLE K_KEYS         { NN($$ = NEW(struct ast_alter)); $$->kind = AST_ALTER_ENABLE_KEYS; }
  | K_DISABLE K_KEYS        { NN($$ = NEW(struct ast_alter)); $$->kind = AST_ALTER_DISABLE_KEYS; }
  ;

opt_column:
    %empty                  { $$ = 0; }
  | K_COLUMN                { $$ = 1; }
  ;

opt_place:
    %empty                  { $$.first = false; $$.after = no_ident; }
  | K_FIRST                 { $$.first = true; $$.after = no_ident; }
  | K_AFTER ident           { $$.first = false; $$.after = $2; }
  ;

ident_or_default:
    ident
  | K_DEFAULT
  ;

create_index:
    K_CREATE index_kind_opt K_INDEX ident opt_index_using K_ON table_name '(' key_parts ')' index_opts
    opt_alg_lock
        {
            struct ast_constraint *c; NN(c = NEW(struct ast_constraint));
            c->kind = (enum ast_constraint_kind)$2; c->index_name = $4; c->using_ = $5; c->parts = $9;
            c->options = $11; c->span = SP(@$); c->enforced = -1;
            NN($$ = mk_stmt(ps, AST_STMT_CREATE_INDEX, @$));
            $$->create_index.index = c; $$->create_index.table = $7; $$->create_index.options = $12;
        }
  ;

index_kind_opt:
    %empty                  { $$ = AST_CONS_INDEX; }
  | K_UNIQUE                { $$ = AST_CONS_UNIQUE; }
  | K_FULLTEXT              { $$ = AST_CONS_FULLTEXT; }
  | K_SPATIAL               { $$ = AST_CONS_SPATIAL; }
  ;

opt_alg_lock:
    %empty                  { memset(&$$, 0, sizeof $$); }
  | opt_alg_lock alg_lock   { $$ = $1; PUSH($$, $2); }
  ;

alg_lock:
    K_ALGORITHM opt_eq ident_or_default
        { NN($$ = mk_option(ps, $1, NULL, $2, false)); NN($$->value = word_value(ps, $3, @3)); }
  | K_LOCK opt_eq ident_or_default
        { NN($$ = mk_option(ps, $1, NULL, $2, false)); NN($$->value = word_value(ps, $3, @3)); }
  ;

/* ======================================================================== */
/* Views and triggers                                                       */

create_view_or_trigger:
    K_CREATE view_prefix K_VIEW table_name opt_paren_idents K_AS query_expression opt_check_option
        {
            struct ast_stmt *s = $2.stmt;
            if (!s) NN(s = mk_stmt(ps, AST_STMT_CREATE_VIEW, @$));
            s->kind = AST_STMT_CREATE_VIEW;
            s->view.name = $4; s->view.columns = $5; s->view.query = $7; s->view.query_span = SP(@7);
            s->view.check_option = $8 & 3; s->view.cascaded_word = ($8 & 4) != 0;
            s->span = SP(@$); $$ = s;
        }
  | K_CREATE view_prefix K_TRIGGER opt_if_not_exists table_name trg_time trg_event K_ON table_name
    K_FOR K_EACH K_ROW trg_order sp_stmt
        {
            struct ast_stmt *s = $2.stmt;
            if ($2.bad_for_trigger) SYNTAX_AT(@3);
            if (!s) NN(s = mk_stmt(ps, AST_STMT_CREATE_TRIGGER, @$));
            struct ast_user *definer = s->view.definer;
            memset(&s->trigger, 0, sizeof s->trigger);
            s->kind = AST_STMT_CREATE_TRIGGER;
            s->trigger.definer = definer; s->trigger.if_not_exists = $4; s->trigger.name = $5;
            s->trigger.before = $6; s->trigger.event = $7; s->trigger.table = $9;
            s->trigger.order_other = $13.name; s->trigger.precedes = $13.precedes;
            s->trigger.body = $14; s->trigger.body_span = SP(@14);
            s->span = SP(@$); $$ = s;
        }
  ;

view_prefix:
    %empty                  { $$.stmt = NULL; $$.bad_for_trigger = false; }
  | view_prefix K_OR K_REPLACE
        {
            $$ = $1; if (!$$.stmt) NN($$.stmt = mk_stmt(ps, AST_STMT_CREATE_VIEW, @$));
            $$.stmt->view.or_replace = true; $$.bad_for_trigger = true;
        }
  | view_prefix K_ALGORITHM '=' ident
        {
            $$ = $1; if (!$$.stmt) NN($$.stmt = mk_stmt(ps, AST_STMT_CREATE_VIEW, @$));
            $$.stmt->view.algorithm = $4; $$.bad_for_trigger = true;
        }
  | view_prefix K_DEFINER '=' user
        {
            $$ = $1; if (!$$.stmt) NN($$.stmt = mk_stmt(ps, AST_STMT_CREATE_VIEW, @$));
            $$.stmt->view.definer = $4;
        }
  | view_prefix K_SQL K_SECURITY K_DEFINER
        {
            $$ = $1; if (!$$.stmt) NN($$.stmt = mk_stmt(ps, AST_STMT_CREATE_VIEW, @$));
            $$.stmt->view.security = $4; $$.bad_for_trigger = true;
        }
  | view_prefix K_SQL K_SECURITY K_INVOKER
        {
            $$ = $1; if (!$$.stmt) NN($$.stmt = mk_stmt(ps, AST_STMT_CREATE_VIEW, @$));
            $$.stmt->view.security = $4; $$.bad_for_trigger = true;
        }
  ;

opt_check_option:
    %empty                  { $$ = 0; }
  | K_WITH K_CHECK K_OPTION { $$ = 1; }
  | K_WITH K_CASCADED K_CHECK K_OPTION { $$ = 1 | 4; }
  | K_WITH K_LOCAL K_CHECK K_OPTION { $$ = 2; }
  ;

trg_time:
    K_BEFORE                { $$ = 1; }
  | K_AFTER                 { $$ = 0; }
  ;

trg_event:
    K_INSERT                { $$ = AST_STMT_INSERT; }
  | K_UPDATE                { $$ = AST_STMT_UPDATE; }
  | K_DELETE                { $$ = AST_STMT_DELETE; }
  ;

trg_order:
    %empty                  { $$.name = no_ident; $$.precedes = false; }
  | K_FOLLOWS ident         { $$.name = $2; $$.precedes = false; }
  | K_PRECEDES ident        { $$.name = $2; $$.precedes = true; }
  ;

/* Statements of a trigger body. */
sp_stmt:
    select_stmt | insert_stmt | update_stmt | delete_stmt | set_stmt | do_stmt
  | K_BEGIN K_END           { NN($$ = mk_stmt(ps, AST_STMT_COMPOUND, @$)); }
  | K_BEGIN sp_stmt_list K_END
        { NN($$ = mk_stmt(ps, AST_STMT_COMPOUND, @$)); $$->compound.stmts = $2; }
  | K_IF expr K_THEN sp_stmt_list sp_elseifs K_END K_IF
        {
            NN($$ = mk_stmt(ps, AST_STMT_IF, @$));
            $$->if_.cond = $2; $$->if_.then = $4; $$->if_.elseifs = $5;
        }
  | K_IF expr K_THEN sp_stmt_list sp_elseifs K_ELSE sp_stmt_list K_END K_IF
        {
            NN($$ = mk_stmt(ps, AST_STMT_IF, @$));
            $$->if_.cond = $2; $$->if_.then = $4; $$->if_.elseifs = $5; $$->if_.else_ = $7;
            $$->if_.has_else = true;
        }
  | K_DECLARE var_list data_type
        { NN($$ = mk_stmt(ps, AST_STMT_DECLARE, @$)); $$->declare.names = $2; $$->declare.type = $3; }
  | K_DECLARE var_list data_type K_DEFAULT expr
        {
            NN($$ = mk_stmt(ps, AST_STMT_DECLARE, @$));
            $$->declare.names = $2; $$->declare.type = $3; $$->declare.default_ = $5;
        }
  | K_SIGNAL K_SQLSTATE text_single signal_set
        { NN($$ = mk_stmt(ps, AST_STMT_SIGNAL, @$)); $$->signal.sqlstate = $3; $$->signal.set = $4; }
  | K_SIGNAL K_SQLSTATE K_VALUE text_single signal_set
        { NN($$ = mk_stmt(ps, AST_STMT_SIGNAL, @$)); $$->signal.sqlstate = $4; $$->signal.set = $5; }
  ;

sp_stmt_list:
    sp_stmt ';'             { $1->span = SP(@1); bool ok; $$ = list1(ps, $1, &ok); NN(ok); }
  | sp_stmt_list sp_stmt ';' { $2->span = SP(@2); $$ = $1; PUSH($$, $2); }
  ;

sp_elseifs:
    %empty                  { memset(&$$, 0, sizeof $$); }
  | sp_elseifs K_ELSEIF expr K_THEN sp_stmt_list
        {
            struct ast_elseif *e; NN(e = NEW(struct ast_elseif)); e->cond = $3; e->stmts = $5;
            $$ = $1; PUSH($$, e);
        }
  ;

var_list:
    ident
        {
            struct ast_ident *p; NN(p = NEW(struct ast_ident)); *p = $1;
            bool ok; $$ = list1(ps, p, &ok); NN(ok);
        }
  | var_list ',' ident
        { struct ast_ident *p; NN(p = NEW(struct ast_ident)); *p = $3; $$ = $1; PUSH($$, p); }
  ;

signal_set:
    %empty                  { memset(&$$, 0, sizeof $$); }
  | K_SET signal_items      { $$ = $2; }
  ;

signal_items:
    signal_item             { bool ok; $$ = list1(ps, $1, &ok); NN(ok); }
  | signal_items ',' signal_item { $$ = $1; PUSH($$, $3); }
  ;

signal_item:
    ident '=' expr          { NN($$ = mk_option(ps, $1, $3, true, false)); }
  ;

/* ======================================================================== */
/* Transactions, SET, SHOW, utility statements                              */

txn_stmt:
    K_BEGIN opt_work        { NN($$ = txn(ps, AST_STMT_BEGIN, @$)); $$->txn.work = $2; }
  | K_START K_TRANSACTION    { NN($$ = txn(ps, AST_STMT_BEGIN, @$)); $$->txn.start = true; }
  | K_START K_TRANSACTION start_opts
        {
            NN($$ = txn(ps, AST_STMT_BEGIN, @$)); $$->txn.start = true;
            $$->txn.consistent_snapshot = ($3 & 1) != 0; $$->txn.access = (enum ast_access)($3 >> 1);
        }
  | K_COMMIT opt_work opt_chain opt_release
        {
            NN($$ = txn(ps, AST_STMT_COMMIT, @$));
            $$->txn.work = $2; $$->txn.chain = $3; $$->txn.release = $4;
        }
  | K_ROLLBACK opt_work opt_chain opt_release
        {
            NN($$ = txn(ps, AST_STMT_ROLLBACK, @$));
            $$->txn.work = $2; $$->txn.chain = $3; $$->txn.release = $4;
        }
  | K_ROLLBACK opt_work K_TO ident
        { NN($$ = txn(ps, AST_STMT_ROLLBACK, @$)); $$->txn.work = $2; $$->txn.savepoint = $4; }
  | K_ROLLBACK opt_work K_TO K_SAVEPOINT ident
        { NN($$ = txn(ps, AST_STMT_ROLLBACK, @$)); $$->txn.work = $2; $$->txn.savepoint = $5; }
  | K_SAVEPOINT ident       { NN($$ = txn(ps, AST_STMT_SAVEPOINT, @$)); $$->txn.savepoint = $2; }
  | K_RELEASE K_SAVEPOINT ident
        { NN($$ = txn(ps, AST_STMT_RELEASE_SAVEPOINT, @$)); $$->txn.savepoint = $3; }
  ;

/* bit 0: WITH CONSISTENT SNAPSHOT; bits 1-2: access mode. */
start_opts:
    start_opt               { $$ = $1; }
  | start_opts ',' start_opt { $$ = $1 | $3; }
  ;

start_opt:
    K_WITH K_CONSISTENT K_SNAPSHOT { $$ = 1; }
  | K_READ K_ONLY           { $$ = AST_ACCESS_READ_ONLY << 1; }
  | K_READ K_WRITE          { $$ = AST_ACCESS_READ_WRITE << 1; }
  ;

opt_work:
    %empty                  { $$ = 0; }
  | K_WORK                  { $$ = 1; }
  ;

opt_chain:
    %empty                  { $$ = -1; }
  | K_AND K_CHAIN           { $$ = 1; }
  | K_AND K_NO K_CHAIN      { $$ = 0; }
  ;

opt_release:
    %empty                  { $$ = -1; }
  | K_RELEASE               { $$ = 1; }
  | K_NO K_RELEASE          { $$ = 0; }
  ;

set_stmt:
    K_SET set_items
        { NN($$ = mk_stmt(ps, AST_STMT_SET, @$)); $$->set.items = $2; }
  | K_SET K_TRANSACTION txn_chars
        {
            NN($$ = mk_stmt(ps, AST_STMT_SET_TRANSACTION, @$));
            $$->set_txn.isolation = (enum ast_isolation)($3 & 0xff); $$->set_txn.access = (enum ast_access)($3 >> 8);
        }
  | K_SET set_scope K_TRANSACTION txn_chars
        {
            NN($$ = mk_stmt(ps, AST_STMT_SET_TRANSACTION, @$)); $$->set_txn.scope = (enum ast_var_scope)$2;
            $$->set_txn.isolation = (enum ast_isolation)($4 & 0xff); $$->set_txn.access = (enum ast_access)($4 >> 8);
        }
  | K_SET K_PASSWORD '=' password_value
        {
            NN($$ = mk_stmt(ps, AST_STMT_SET_PASSWORD, @$));
            $$->set_password.value = $4.value; $$->set_password.old_function = $4.old;
        }
  | K_SET K_PASSWORD K_FOR user '=' password_value
        {
            NN($$ = mk_stmt(ps, AST_STMT_SET_PASSWORD, @$)); $$->set_password.user = $4;
            $$->set_password.value = $6.value; $$->set_password.old_function = $6.old;
        }
  ;

password_value:
    text_single             { $$.value = $1; $$.old = false; }
  | K_PASSWORD '(' text_single ')' { $$.value = $3; $$.old = true; }
  ;

txn_chars:
    txn_char                { $$ = $1; }
  | txn_chars ',' txn_char  { $$ = $1 | $3; }
  ;

txn_char:
    K_ISOLATION K_LEVEL iso_level { $$ = $3; }
  | K_READ K_ONLY           { $$ = AST_ACCESS_READ_ONLY << 8; }
  | K_READ K_WRITE          { $$ = AST_ACCESS_READ_WRITE << 8; }
  ;

iso_level:
    K_READ K_UNCOMMITTED    { $$ = AST_ISO_READ_UNCOMMITTED; }
  | K_READ K_COMMITTED      { $$ = AST_ISO_READ_COMMITTED; }
  | K_REPEATABLE K_READ     { $$ = AST_ISO_REPEATABLE_READ; }
  | K_SERIALIZABLE          { $$ = AST_ISO_SERIALIZABLE; }
  ;

set_scope:
    K_GLOBAL                { $$ = AST_SCOPE_GLOBAL; }
  | K_SESSION               { $$ = AST_SCOPE_SESSION; }
  | K_LOCAL                 { $$ = AST_SCOPE_LOCAL; }
  | K_PERSIST               { $$ = AST_SCOPE_PERSIST; }
  | K_PERSIST_ONLY          { $$ = AST_SCOPE_PERSIST_ONLY; }
  ;

set_items:
    set_item                { bool ok; $$ = list1(ps, $1, &ok); NN(ok); }
  | set_items ',' set_item  { $$ = $1; PUSH($$, $3); }
  ;

set_item:
    set_scope set_target equal set_value
        {
            NN($$ = NEW(struct ast_set_item)); $$->kind = AST_SET_VAR; $$->target = $2;
            $2->var.scope = (enum ast_var_scope)$1; $$->value = $4;
        }
  | set_target equal set_value
        { NN($$ = NEW(struct ast_set_item)); $$->kind = AST_SET_VAR; $$->target = $1; $$->value = $3; }
  | USER_VAR equal expr
        {
            struct ast_expr *v; NN(v = ex(ps, AST_EXPR_USER_VAR, @1)); v->var.name = $1;
            NN($$ = NEW(struct ast_set_item)); $$->kind = AST_SET_VAR; $$->target = v; $$->value = $3;
        }
  | SYS_VAR equal set_value
        { NN($$ = NEW(struct ast_set_item)); $$->kind = AST_SET_VAR; $$->target = $1; $$->value = $3; }
  | K_NAMES charset_name
        { NN($$ = NEW(struct ast_set_item)); $$->kind = AST_SET_NAMES; $$->charset = $2; }
  | K_NAMES charset_name K_COLLATE collation_name
        { NN($$ = NEW(struct ast_set_item)); $$->kind = AST_SET_NAMES; $$->charset = $2; $$->collate = $4; }
  | K_NAMES K_DEFAULT
        { NN($$ = NEW(struct ast_set_item)); $$->kind = AST_SET_NAMES; }
  | charset_kw charset_name
        { NN($$ = NEW(struct ast_set_item)); $$->kind = AST_SET_CHARSET; $$->charset = $2; }
  | charset_kw K_DEFAULT
        { NN($$ = NEW(struct ast_set_item)); $$->kind = AST_SET_CHARSET; }
  ;

set_target:
    ident
        { NN($$ = ex(ps, AST_EXPR_SYS_VAR, @$)); $$->var.name = $1; }
  | ident '.' ident
        { NN($$ = ex(ps, AST_EXPR_SYS_VAR, @$)); $$->var.base = $1; $$->var.name = $3; }
  ;

equal:
    '='
  | SET_VAR
  ;

set_value:
    expr
  | K_DEFAULT               { NN($$ = ex(ps, AST_EXPR_DEFAULT, @1)); }
  | K_ON                    { NN($$ = word_value(ps, $1, @1)); }
  | K_ALL                   { NN($$ = word_value(ps, $1, @1)); }
  | K_BINARY                { NN($$ = word_value(ps, $1, @1)); }
  | K_ROW                   { NN($$ = word_value(ps, $1, @1)); }
  | K_SYSTEM                { NN($$ = word_value(ps, $1, @1)); }
  ;

show_stmt:
    K_SHOW K_DATABASES opt_like_where
        { NN($$ = show(ps, AST_SHOW_DATABASES, &$3, @$)); }
  | K_SHOW K_TABLES opt_from_db opt_like_where
        { NN($$ = show(ps, AST_SHOW_TABLES, &$4, @$)); $$->show.db = $3.name; $$->show.in_word = $3.in; }
  | K_SHOW K_FULL K_TABLES opt_from_db opt_like_where
        {
            NN($$ = show(ps, AST_SHOW_TABLES, &$5, @$)); $$->show.full = true;
            $$->show.db = $4.name; $$->show.in_word = $4.in;
        }
  | K_SHOW K_TABLE K_STATUS opt_from_db opt_like_where
        { NN($$ = show(ps, AST_SHOW_TABLE_STATUS, &$5, @$)); $$->show.db = $4.name; $$->show.in_word = $4.in; }
  | K_SHOW show_ext K_COLUMNS from_in table_name opt_from_db opt_like_where
        {
            NN($$ = show(ps, AST_SHOW_COLUMNS, &$7, @$));
            $$->show.extended = $2 & 1; $$->show.full = ($2 & 2) != 0; $$->show.name = $5;
            $$->show.db = $6.name; $$->show.in_word = $4;
        }
  | K_SHOW show_ext index_word from_in table_name opt_from_db opt_like_where
        {
            if ($2 & 2) SYNTAX_AT(@3);
            if ($7.like) SYNTAX_AT(@7);
            NN($$ = show(ps, AST_SHOW_INDEX, &$7, @$));
            $$->show.extended = $2 & 1; $$->show.name = $5; $$->show.db = $6.name; $$->show.in_word = $4;
        }
  | K_SHOW K_CREATE K_TABLE table_name
        { NN($$ = show(ps, AST_SHOW_CREATE_TABLE, NULL, @$)); $$->show.name = $4; }
  | K_SHOW K_CREATE K_VIEW table_name
        { NN($$ = show(ps, AST_SHOW_CREATE_VIEW, NULL, @$)); $$->show.name = $4; }
  | K_SHOW K_CREATE K_DATABASE opt_if_not_exists ident
        {
            NN($$ = show(ps, AST_SHOW_CREATE_DATABASE, NULL, @$));
            $$->show.name.name = $5; $$->show.name.span = SP(@5); $$->show.if_not_exists = $4;
        }
  | K_SHOW K_CREATE K_TRIGGER table_name
        { NN($$ = show(ps, AST_SHOW_CREATE_TRIGGER, NULL, @$)); $$->show.name = $4; }
  | K_SHOW K_CREATE K_USER user
        { NN($$ = show(ps, AST_SHOW_CREATE_USER, NULL, @$)); $$->show.user = $4; }
  | K_SHOW K_VARIABLES opt_like_where
        { NN($$ = show(ps, AST_SHOW_VARIABLES, &$3, @$)); }
  | K_SHOW show_scope K_VARIABLES opt_like_where
        { NN($$ = show(ps, AST_SHOW_VARIABLES, &$4, @$)); $$->show.scope = (enum ast_var_scope)$2; }
  | K_SHOW K_STATUS opt_like_where
        { NN($$ = show(ps, AST_SHOW_STATUS, &$3, @$)); }
  | K_SHOW show_scope K_STATUS opt_like_where
        { NN($$ = show(ps, AST_SHOW_STATUS, &$4, @$)); $$->show.scope = (enum ast_var_scope)$2; }
  | K_SHOW K_WARNINGS opt_limit
        { NN($$ = show(ps, AST_SHOW_WARNINGS, NULL, @$)); $$->show.limit = $3.limit; $$->show.offset = $3.offset; }
  | K_SHOW K_ERRORS opt_limit
        { NN($$ = show(ps, AST_SHOW_ERRORS, NULL, @$)); $$->show.limit = $3.limit; $$->show.offset = $3.offset; }
  | K_SHOW IDENT '(' '*' ')' K_WARNINGS
        {
            if ($2.quoted || $2.len != 5 || strncasecmp($2.str, "COUNT", 5) != 0) SYNTAX_AT(@2);
            NN($$ = show(ps, AST_SHOW_COUNT_WARNINGS, NULL, @$));
        }
  | K_SHOW IDENT '(' '*' ')' K_ERRORS
        {
            if ($2.quoted || $2.len != 5 || strncasecmp($2.str, "COUNT", 5) != 0) SYNTAX_AT(@2);
            NN($$ = show(ps, AST_SHOW_COUNT_ERRORS, NULL, @$));
        }
  | K_SHOW K_PROCESSLIST    { NN($$ = show(ps, AST_SHOW_PROCESSLIST, NULL, @$)); }
  | K_SHOW K_FULL K_PROCESSLIST
        { NN($$ = show(ps, AST_SHOW_PROCESSLIST, NULL, @$)); $$->show.full = true; }
  | K_SHOW K_COLLATION opt_like_where
        { NN($$ = show(ps, AST_SHOW_COLLATION, &$3, @$)); }
  | K_SHOW charset_kw opt_like_where
        { NN($$ = show(ps, AST_SHOW_CHARSET, &$3, @$)); }
  | K_SHOW K_ENGINES        { NN($$ = show(ps, AST_SHOW_ENGINES, NULL, @$)); }
  | K_SHOW K_STORAGE K_ENGINES { NN($$ = show(ps, AST_SHOW_ENGINES, NULL, @$)); }
  | K_SHOW K_ENGINE ident ident
        {
            NN($$ = show(ps, AST_SHOW_ENGINE, NULL, @$));
            $$->show.name.name = $3; $$->show.name.span = SP(@3); $$->show.what = $4;
        }
  | K_SHOW K_GRANTS         { NN($$ = show(ps, AST_SHOW_GRANTS, NULL, @$)); }
  | K_SHOW K_GRANTS K_FOR user { NN($$ = show(ps, AST_SHOW_GRANTS, NULL, @$)); $$->show.user = $4; }
  | K_SHOW K_TRIGGERS opt_from_db opt_like_where
        { NN($$ = show(ps, AST_SHOW_TRIGGERS, &$4, @$)); $$->show.db = $3.name; $$->show.in_word = $3.in; }
  | K_SHOW K_PLUGINS        { NN($$ = show(ps, AST_SHOW_PLUGINS, NULL, @$)); }
  | K_SHOW K_MASTER K_STATUS { NN($$ = show(ps, AST_SHOW_MASTER_STATUS, NULL, @$)); }
  | K_SHOW K_BINARY K_LOG K_STATUS { NN($$ = show(ps, AST_SHOW_MASTER_STATUS, NULL, @$)); }
  | K_SHOW K_SLAVE K_STATUS { NN($$ = show(ps, AST_SHOW_SLAVE_STATUS, NULL, @$)); }
  | K_SHOW K_REPLICA K_STATUS { NN($$ = show(ps, AST_SHOW_SLAVE_STATUS, NULL, @$)); }
  | K_SHOW K_BINARY K_LOGS  { NN($$ = show(ps, AST_SHOW_BINARY_LOGS, NULL, @$)); }
  | K_SHOW K_MASTER K_LOGS  { NN($$ = show(ps, AST_SHOW_BINARY_LOGS, NULL, @$)); }
  | K_SHOW K_PRIVILEGES     { NN($$ = show(ps, AST_SHOW_PRIVILEGES, NULL, @$)); }
  | K_SHOW K_PROFILES       { NN($$ = show(ps, AST_SHOW_PROFILES, NULL, @$)); }
  | K_SHOW K_OPEN K_TABLES opt_from_db opt_like_where
        { NN($$ = show(ps, AST_SHOW_OPEN_TABLES, &$5, @$)); $$->show.db = $4.name; $$->show.in_word = $4.in; }
  | K_SHOW K_FUNCTION K_STATUS opt_like_where
        { NN($$ = show(ps, AST_SHOW_FUNCTION_STATUS, &$4, @$)); }
  | K_SHOW K_PROCEDURE K_STATUS opt_like_where
        { NN($$ = show(ps, AST_SHOW_PROCEDURE_STATUS, &$4, @$)); }
  | K_SHOW K_EVENTS opt_from_db opt_like_where
        { NN($$ = show(ps, AST_SHOW_EVENTS, &$4, @$)); $$->show.db = $3.name; $$->show.in_word = $3.in; }
  ;

/* bit 1: EXTENDED, bit 2: FULL */
show_ext:
    %empty                  { $$ = 0; }
  | K_FULL                  { $$ = 2; }
  | K_EXTENDED              { $$ = 1; }
  | K_EXTENDED K_FULL       { $$ = 3; }
  ;

index_word:
    K_INDEX | K_INDEXES | K_KEYS
  ;

from_in:
    K_FROM                  { $$ = 0; }
  | K_IN                    { $$ = 1; }
  ;

opt_from_db:
    %empty                  { $$.name = no_ident; $$.in = false; }
  | from_in ident           { $$.name = $2; $$.in = $1; }
  ;

show_scope:
    K_GLOBAL                { $$ = AST_SCOPE_GLOBAL; }
  | K_SESSION               { $$ = AST_SCOPE_SESSION; }
  | K_LOCAL                 { $$ = AST_SCOPE_LOCAL; }
  ;

opt_like_where:
    %empty                  { $$.like = $$.where = NULL; }
  | K_LIKE text_literal     { $$.like = $2; $$.where = NULL; }
  | K_WHERE expr            { $$.like = NULL; $$.where = $2; }
  ;

describe_stmt:
    describe_kw table_name
        { NN($$ = mk_stmt(ps, AST_STMT_DESCRIBE, @$)); $$->describe.table = $2; }
  | describe_kw table_name ident
        { NN($$ = mk_stmt(ps, AST_STMT_DESCRIBE, @$)); $$->describe.table = $2; $$->describe.column = $3; }
  | describe_kw table_name text_single
        { NN($$ = mk_stmt(ps, AST_STMT_DESCRIBE, @$)); $$->describe.table = $2; $$->describe.wild = $3; }
  | describe_kw explainable
        { NN($$ = mk_stmt(ps, AST_STMT_EXPLAIN, @$)); $$->explain.stmt = $2; $2->span = SP(@2); }
  | describe_kw K_FORMAT '=' ident_or_text explainable
        {
            NN($$ = mk_stmt(ps, AST_STMT_EXPLAIN, @$));
            $$->explain.format = $4; $$->explain.stmt = $5; $5->span = SP(@5);
        }
  | describe_kw K_ANALYZE explainable
        {
            NN($$ = mk_stmt(ps, AST_STMT_EXPLAIN, @$));
            $$->explain.analyze = true; $$->explain.stmt = $3; $3->span = SP(@3);
        }
  ;

describe_kw:
    K_DESCRIBE | K_DESC | K_EXPLAIN
  ;

explainable:
    select_stmt | insert_stmt | update_stmt | delete_stmt
  ;

kill_stmt:
    K_KILL kill_id          { NN($$ = mk_stmt(ps, AST_STMT_KILL, @$)); $$->kill.id = $2; }
  | K_KILL K_CONNECTION kill_id { NN($$ = mk_stmt(ps, AST_STMT_KILL, @$)); $$->kill.id = $3; }
  | K_KILL K_QUERY kill_id  { NN($$ = mk_stmt(ps, AST_STMT_KILL, @$)); $$->kill.id = $3; $$->kill.query = true; }
  ;

kill_id:
    NUM | PARAM
  | USER_VAR                { NN($$ = ex(ps, AST_EXPR_USER_VAR, @1)); $$->var.name = $1; }
  ;

/* ---- users and privileges ---- */

user:
    ident_or_text           { NN($$ = mk_user(ps, $1, no_ident, @$)); }
  | ident_or_text HOST      { NN($$ = mk_user(ps, $1, $2, @$)); }
  | K_CURRENT_USER          { NN($$ = mk_user(ps, no_ident, no_ident, @$)); $$->current_user = true; }
  | K_CURRENT_USER '(' ')'  { NN($$ = mk_user(ps, no_ident, no_ident, @$)); $$->current_user = true; }
  ;

user_list:
    user                    { bool ok; $$ = list1(ps, $1, &ok); NN(ok); }
  | user_list ',' user      { $$ = $1; PUSH($$, $3); }
  ;

user_spec:
    user                    { $$ = $1; }
  | user K_IDENTIFIED K_BY text_single
        { $$ = $1; $$->has_auth = true; $$->password = $4; $$->span = SP(@$); }
  | user K_IDENTIFIED K_BY K_PASSWORD text_single
        { $$ = $1; $$->has_auth = true; $$->auth_string = $5; $$->span = SP(@$); }
  | user K_IDENTIFIED K_WITH ident_or_text
        { $$ = $1; $$->has_auth = true; $$->plugin = $4; $$->span = SP(@$); }
  | user K_IDENTIFIED K_WITH ident_or_text K_BY text_single
        { $$ = $1; $$->has_auth = true; $$->plugin = $4; $$->password = $6; $$->span = SP(@$); }
  | user K_IDENTIFIED K_WITH ident_or_text K_AS text_single
        { $$ = $1; $$->has_auth = true; $$->plugin = $4; $$->auth_string = $6; $$->span = SP(@$); }
  ;

user_specs:
    user_spec               { bool ok; $$ = list1(ps, $1, &ok); NN(ok); }
  | user_specs ',' user_spec { $$ = $1; PUSH($$, $3); }
  ;

user_stmt:
    K_CREATE K_USER opt_if_not_exists user_specs
        { NN($$ = mk_stmt(ps, AST_STMT_CREATE_USER, @$)); $$->users.if_exists = $3; $$->users.users = $4; }
  | K_ALTER K_USER opt_if_exists user_specs
        { NN($$ = mk_stmt(ps, AST_STMT_ALTER_USER, @$)); $$->users.if_exists = $3; $$->users.users = $4; }
  ;

grant_stmt:
    K_GRANT priv_list K_ON grant_target K_TO user_specs
        { $$ = $4; $$->span = SP(@$); $$->grant.privs = $2; $$->grant.users = $6; }
  | K_GRANT priv_list K_ON grant_target K_TO user_specs K_WITH K_GRANT K_OPTION
        { $$ = $4; $$->span = SP(@$); $$->grant.privs = $2; $$->grant.users = $6; $$->grant.grant_option = true; }
  | K_REVOKE priv_list K_ON grant_target K_FROM user_list
        {
            $$ = $4; $$->span = SP(@$); $$->kind = AST_STMT_REVOKE;
            $$->grant.privs = $2; $$->grant.users = $6;
        }
  | K_REVOKE priv_list K_FROM user_list
        {
            /* Only REVOKE ALL [PRIVILEGES], GRANT OPTION FROM ... goes without ON. */
            if ($2.n != 2 || strcmp(((struct ast_priv *)$2.items[0])->name, "ALL") != 0 ||
                strcmp(((struct ast_priv *)$2.items[1])->name, "GRANT OPTION") != 0)
                SYNTAX_AT(@3);
            NN($$ = mk_stmt(ps, AST_STMT_REVOKE, @$));
            $$->grant.all_grant_option = true; $$->grant.users = $4;
        }
  ;

grant_target:
    obj_type grant_what     { $$ = $2; $$->grant.object = (enum ast_grant_object)$1; }
  | grant_what              { $$ = $1; }
  ;

obj_type:
    K_TABLE                 { $$ = AST_GRANT_TABLE; }
  | K_FUNCTION              { $$ = AST_GRANT_FUNCTION; }
  | K_PROCEDURE             { $$ = AST_GRANT_PROCEDURE; }
  ;

grant_what:
    '*'
        { NN($$ = mk_stmt(ps, AST_STMT_GRANT, @$)); $$->grant.table_star = true; }
  | '*' '.' '*'
        { NN($$ = mk_stmt(ps, AST_STMT_GRANT, @$)); $$->grant.db_star = true; $$->grant.table_star = true; }
  | ident '.' '*'
        { NN($$ = mk_stmt(ps, AST_STMT_GRANT, @$)); $$->grant.db = $1; $$->grant.table_star = true; }
  | ident
        { NN($$ = mk_stmt(ps, AST_STMT_GRANT, @$)); $$->grant.table = $1; }
  | ident '.' ident
        { NN($$ = mk_stmt(ps, AST_STMT_GRANT, @$)); $$->grant.db = $1; $$->grant.table = $3; }
  ;

priv_list:
    priv                    { bool ok; $$ = list1(ps, $1, &ok); NN(ok); }
  | priv_list ',' priv      { $$ = $1; PUSH($$, $3); }
  ;

priv:
    priv_words opt_paren_idents
        {
            NN($$ = NEW(struct ast_priv)); $$->name = $1; $$->columns = $2;
            if (strcmp($1, "ALL PRIVILEGES") == 0)
                $$->name = "ALL";
        }
  ;

/* Privilege names have at most three words (CREATE TEMPORARY TABLES). */
priv_words:
    priv_word               { NN($$ = upper_dup(ps, &$1, NULL)); }
  | priv_words priv_word
        {
            const char *sp = strchr($1, ' ');
            if (sp && strchr(sp + 1, ' ')) SYNTAX_AT(@2);
            NN($$ = upper_dup(ps, &$2, $1));
        }
  ;

priv_word:
    ident
  | K_SELECT | K_INSERT | K_UPDATE | K_DELETE | K_CREATE | K_DROP | K_ALTER | K_INDEX
  | K_REFERENCES | K_USAGE | K_GRANT | K_OPTION | K_SHOW | K_DATABASES | K_LOCK | K_TRIGGER
  | K_ALL
  ;

flush_stmt:
    K_FLUSH opt_local flush_opts
        { NN($$ = mk_stmt(ps, AST_STMT_FLUSH, @$)); $$->flush.local = $2; $$->flush.options = $3; }
  | K_FLUSH opt_local tables_kw
        { NN($$ = flush_tables(ps, $2, NULL, false, @$)); }
  | K_FLUSH opt_local tables_kw name_list
        { NN($$ = flush_tables(ps, $2, &$4, false, @$)); }
  | K_FLUSH opt_local tables_kw K_WITH K_READ K_LOCK
        { NN($$ = flush_tables(ps, $2, NULL, true, @$)); }
  | K_FLUSH opt_local tables_kw name_list K_WITH K_READ K_LOCK
        { NN($$ = flush_tables(ps, $2, &$4, true, @$)); }
  ;

flush_opts:
    flush_opt               { bool ok; $$ = list1(ps, $1, &ok); NN(ok); }
  | flush_opts ',' flush_opt { $$ = $1; PUSH($$, $3); }
  ;

flush_opt:
    K_PRIVILEGES            { NN($$ = mk_option(ps, $1, NULL, false, false)); }
  | K_LOGS                  { NN($$ = mk_option(ps, $1, NULL, false, false)); }
  | K_STATUS                { NN($$ = mk_option(ps, $1, NULL, false, false)); }
  | K_BINARY K_LOGS         { NN($$ = mk_option(ps, ident_lit("BINARY LOGS"), NULL, false, false)); }
  | IDENT                   { if ($1.quoted) SYNTAX_AT(@1); NN($$ = mk_option(ps, $1, NULL, false, false)); }
  ;

opt_local:
    %empty                  { $$ = 0; }
  | K_LOCAL                 { $$ = 1; }
  | K_NO_WRITE_TO_BINLOG    { $$ = 1; }
  ;

lock_stmt:
    K_LOCK tables_kw lock_items
        { NN($$ = mk_stmt(ps, AST_STMT_LOCK_TABLES, @$)); $$->lock.tables = $3; }
  | K_UNLOCK tables_kw      { NN($$ = mk_stmt(ps, AST_STMT_UNLOCK_TABLES, @$)); }
  ;

lock_items:
    lock_item               { bool ok; $$ = list1(ps, $1, &ok); NN(ok); }
  | lock_items ',' lock_item { $$ = $1; PUSH($$, $3); }
  ;

lock_item:
    table_name opt_alias K_READ
        { NN($$ = NEW(struct ast_lock_table)); $$->table = $1; $$->alias = $2; }
  | table_name opt_alias K_READ K_LOCAL
        { NN($$ = NEW(struct ast_lock_table)); $$->table = $1; $$->alias = $2; $$->local = true; }
  | table_name opt_alias K_WRITE
        { NN($$ = NEW(struct ast_lock_table)); $$->table = $1; $$->alias = $2; $$->write = true; }
  | table_name opt_alias K_LOW_PRIORITY K_WRITE
        {
            NN($$ = NEW(struct ast_lock_table)); $$->table = $1; $$->alias = $2; $$->write = true;
            $$->low_priority = true;
        }
  ;

maint_stmt:
    maint_op opt_local tables_kw name_list maint_words
        {
            NN($$ = mk_stmt(ps, AST_STMT_TABLE_MAINT, @$));
            $$->maint.op = $1; $$->maint.local = $2; $$->maint.tables = $4; $$->maint.options = $5;
        }
  ;

maint_op:
    K_ANALYZE | K_OPTIMIZE | K_CHECK | K_REPAIR
  ;

maint_words:
    %empty                  { memset(&$$, 0, sizeof $$); }
  | maint_words maint_word
        { struct ast_ident *p; NN(p = NEW(struct ast_ident)); *p = $2; $$ = $1; PUSH($$, p); }
  ;

maint_word:
    IDENT                   { if ($1.quoted) SYNTAX_AT(@1); $$ = $1; }
  | K_QUICK
  | K_EXTENDED
  ;

do_stmt:
    K_DO expr_list          { NN($$ = mk_stmt(ps, AST_STMT_DO, @$)); $$->do_.exprs = $2; }
  ;

prepare_stmt:
    K_PREPARE ident K_FROM prepare_src
        { NN($$ = mk_stmt(ps, AST_STMT_PREPARE, @$)); $$->prepare.name = $2; $$->prepare.source = $4; }
  | K_EXECUTE ident
        { NN($$ = mk_stmt(ps, AST_STMT_EXECUTE, @$)); $$->execute.name = $2; }
  | K_EXECUTE ident K_USING var_refs
        { NN($$ = mk_stmt(ps, AST_STMT_EXECUTE, @$)); $$->execute.name = $2; $$->execute.using_ = $4; }
  | K_DEALLOCATE K_PREPARE ident
        { NN($$ = mk_stmt(ps, AST_STMT_DEALLOCATE, @$)); $$->prepare.name = $3; }
  ;

prepare_src:
    text_literal
  | USER_VAR                { NN($$ = ex(ps, AST_EXPR_USER_VAR, @1)); $$->var.name = $1; }
  ;

var_refs:
    USER_VAR
        {
            struct ast_expr *v; NN(v = ex(ps, AST_EXPR_USER_VAR, @1)); v->var.name = $1;
            bool ok; $$ = list1(ps, v, &ok); NN(ok);
        }
  | var_refs ',' USER_VAR
        {
            struct ast_expr *v; NN(v = ex(ps, AST_EXPR_USER_VAR, @3)); v->var.name = $3;
            $$ = $1; PUSH($$, v);
        }
  ;

/* ======================================================================== */
/* Data types                                                               */

data_type:
    int_kw field_opts
        { NN($$ = mk_type(ps, (enum ast_type_kind)$1, @$)); set_field_opts($$, $2); }
  | int_kw '(' NUM ')' field_opts
        { NN($$ = mk_type(ps, (enum ast_type_kind)$1, @$)); $$->len = lit_i32($3); set_field_opts($$, $5); }
  | dec_kw field_opts
        { NN($$ = mk_type(ps, AST_TYPE_DECIMAL, @$)); set_field_opts($$, $2); }
  | dec_kw '(' NUM ')' field_opts
        { NN($$ = mk_type(ps, AST_TYPE_DECIMAL, @$)); $$->len = lit_i32($3); set_field_opts($$, $5); }
  | dec_kw '(' NUM ',' NUM ')' field_opts
        {
            NN($$ = mk_type(ps, AST_TYPE_DECIMAL, @$));
            $$->len = lit_i32($3); $$->scale = lit_i32($5); set_field_opts($$, $7);
        }
  | real_kw field_opts
        { NN($$ = mk_type(ps, (enum ast_type_kind)$1, @$)); set_field_opts($$, $2); }
  | real_kw '(' NUM ')' field_opts
        { NN($$ = mk_type(ps, (enum ast_type_kind)$1, @$)); $$->len = lit_i32($3); set_field_opts($$, $5); }
  | real_kw '(' NUM ',' NUM ')' field_opts
        {
            NN($$ = mk_type(ps, (enum ast_type_kind)$1, @$));
            $$->len = lit_i32($3); $$->scale = lit_i32($5); set_field_opts($$, $7);
        }
  | K_BIT                   { NN($$ = mk_type(ps, AST_TYPE_BIT, @$)); }
  | K_BIT '(' NUM ')'       { NN($$ = mk_type(ps, AST_TYPE_BIT, @$)); $$->len = lit_i32($3); }
  | K_BOOL                  { NN($$ = mk_type(ps, AST_TYPE_BOOL, @$)); }
  | K_BOOLEAN               { NN($$ = mk_type(ps, AST_TYPE_BOOL, @$)); }
  | K_SERIAL
        { NN($$ = mk_type(ps, AST_TYPE_BIGINT, @$)); $$->is_unsigned = true; $$->serial = true; }
  | char_kw str_attrs
        { NN($$ = mk_type(ps, AST_TYPE_CHAR, @$)); set_str_attrs($$, &$2); }
  | char_kw '(' NUM ')' str_attrs
        { NN($$ = mk_type(ps, AST_TYPE_CHAR, @$)); $$->len = lit_i32($3); set_str_attrs($$, &$5); }
  | nchar_kw opt_binary_word
        { NN($$ = mk_type(ps, AST_TYPE_CHAR, @$)); $$->national = true; $$->binary = $2; }
  | nchar_kw '(' NUM ')' opt_binary_word
        { NN($$ = mk_type(ps, AST_TYPE_CHAR, @$)); $$->national = true; $$->len = lit_i32($3); $$->binary = $5; }
  | K_BINARY                { NN($$ = mk_type(ps, AST_TYPE_BINARY, @$)); }
  | K_BINARY '(' NUM ')'    { NN($$ = mk_type(ps, AST_TYPE_BINARY, @$)); $$->len = lit_i32($3); }
  | varchar_kw '(' NUM ')' str_attrs
        { NN($$ = mk_type(ps, AST_TYPE_VARCHAR, @$)); $$->len = lit_i32($3); set_str_attrs($$, &$5); }
  | nvarchar_kw '(' NUM ')' opt_binary_word
        {
            NN($$ = mk_type(ps, AST_TYPE_VARCHAR, @$)); $$->national = true;
            $$->len = lit_i32($3); $$->binary = $5;
        }
  | K_VARBINARY '(' NUM ')' { NN($$ = mk_type(ps, AST_TYPE_VARBINARY, @$)); $$->len = lit_i32($3); }
  | K_YEAR                  { NN($$ = mk_type(ps, AST_TYPE_YEAR, @$)); }
  | K_YEAR '(' NUM ')'      { NN($$ = mk_type(ps, AST_TYPE_YEAR, @$)); $$->len = lit_i32($3); }
  | K_DATE                  { NN($$ = mk_type(ps, AST_TYPE_DATE, @$)); }
  | K_TIME                  { NN($$ = mk_type(ps, AST_TYPE_TIME, @$)); }
  | K_TIME '(' NUM ')'      { NN($$ = mk_type(ps, AST_TYPE_TIME, @$)); $$->len = lit_i32($3); }
  | K_TIMESTAMP             { NN($$ = mk_type(ps, AST_TYPE_TIMESTAMP, @$)); }
  | K_TIMESTAMP '(' NUM ')' { NN($$ = mk_type(ps, AST_TYPE_TIMESTAMP, @$)); $$->len = lit_i32($3); }
  | K_DATETIME              { NN($$ = mk_type(ps, AST_TYPE_DATETIME, @$)); }
  | K_DATETIME '(' NUM ')'  { NN($$ = mk_type(ps, AST_TYPE_DATETIME, @$)); $$->len = lit_i32($3); }
  | K_TINYBLOB              { NN($$ = mk_type(ps, AST_TYPE_TINYBLOB, @$)); }
  | K_BLOB                  { NN($$ = mk_type(ps, AST_TYPE_BLOB, @$)); }
  | K_BLOB '(' NUM ')'      { NN($$ = mk_type(ps, AST_TYPE_BLOB, @$)); $$->len = lit_i32($3); }
  | K_MEDIUMBLOB            { NN($$ = mk_type(ps, AST_TYPE_MEDIUMBLOB, @$)); }
  | K_LONGBLOB              { NN($$ = mk_type(ps, AST_TYPE_LONGBLOB, @$)); }
  | K_LONG K_VARBINARY      { NN($$ = mk_type(ps, AST_TYPE_MEDIUMBLOB, @$)); }
  | K_LONG K_VARCHAR str_attrs { NN($$ = mk_type(ps, AST_TYPE_MEDIUMTEXT, @$)); set_str_attrs($$, &$3); }
  | K_LONG str_attrs        { NN($$ = mk_type(ps, AST_TYPE_MEDIUMTEXT, @$)); set_str_attrs($$, &$2); }
  | K_TINYTEXT str_attrs    { NN($$ = mk_type(ps, AST_TYPE_TINYTEXT, @$)); set_str_attrs($$, &$2); }
  | K_TEXT str_attrs        { NN($$ = mk_type(ps, AST_TYPE_TEXT, @$)); set_str_attrs($$, &$2); }
  | K_TEXT '(' NUM ')' str_attrs
        { NN($$ = mk_type(ps, AST_TYPE_TEXT, @$)); $$->len = lit_i32($3); set_str_attrs($$, &$5); }
  | K_MEDIUMTEXT str_attrs  { NN($$ = mk_type(ps, AST_TYPE_MEDIUMTEXT, @$)); set_str_attrs($$, &$2); }
  | K_LONGTEXT str_attrs    { NN($$ = mk_type(ps, AST_TYPE_LONGTEXT, @$)); set_str_attrs($$, &$2); }
  | K_ENUM '(' string_list ')' str_attrs
        { NN($$ = mk_type(ps, AST_TYPE_ENUM, @$)); $$->values = $3; set_str_attrs($$, &$5); }
  | K_SET '(' string_list ')' str_attrs
        { NN($$ = mk_type(ps, AST_TYPE_SET, @$)); $$->values = $3; set_str_attrs($$, &$5); }
  | K_JSON                  { NN($$ = mk_type(ps, AST_TYPE_JSON, @$)); }
  ;

int_kw:
    K_TINYINT               { $$ = AST_TYPE_TINYINT; }
  | K_SMALLINT              { $$ = AST_TYPE_SMALLINT; }
  | K_MEDIUMINT             { $$ = AST_TYPE_MEDIUMINT; }
  | K_INT                   { $$ = AST_TYPE_INT; }
  | K_BIGINT                { $$ = AST_TYPE_BIGINT; }
  ;

dec_kw:
    K_DECIMAL
  | K_FIXED
  ;

real_kw:
    K_FLOAT                 { $$ = AST_TYPE_FLOAT; }
  | K_DOUBLE                { $$ = AST_TYPE_DOUBLE; }
  | K_DOUBLE K_PRECISION    { $$ = AST_TYPE_DOUBLE; }
  | K_REAL                  { $$ = AST_TYPE_DOUBLE; }
  ;

char_kw:
    K_CHAR
  | K_CHARACTER
  ;

nchar_kw:
    K_NCHAR
  | K_NATIONAL char_kw
  ;

varchar_kw:
    K_VARCHAR
  | char_kw K_VARYING
  ;

nvarchar_kw:
    K_NVARCHAR
  | K_NATIONAL K_VARCHAR
  | K_NATIONAL char_kw K_VARYING
  | K_NCHAR K_VARCHAR
  | K_NCHAR K_VARYING
  ;

field_opts:
    %empty                  { $$ = 0; }
  | field_opts K_UNSIGNED   { $$ = $1 | 1; }
  | field_opts K_SIGNED     { $$ = $1; }
  | field_opts K_ZEROFILL   { $$ = $1 | 2 | 1; }
  ;

opt_binary_word:
    %empty                  { $$ = 0; }
  | K_BINARY                { $$ = 1; }
  ;

/* [BINARY] [CHARACTER SET cs] [BINARY] on string types. */
str_attrs:
    %empty                  { $$.charset = no_ident; $$.binary = false; }
  | K_BINARY                { $$.charset = no_ident; $$.binary = true; }
  | charset_kw charset_name { $$.charset = $2; $$.binary = false; }
  | charset_kw charset_name K_BINARY { $$.charset = $2; $$.binary = true; }
  | K_BINARY charset_kw charset_name { $$.charset = $3; $$.binary = true; }
  ;

string_list:
    text_literal            { bool ok; $$ = list1(ps, $1, &ok); NN(ok); }
  | string_list ',' text_literal { $$ = $1; PUSH($$, $3); }
  ;

%%

static void sql_yyerror(SQL_YYLTYPE *loc, void *scanner, struct sql__pstate *ps, const char *msg)
{
    (void)scanner;
    /* bison says "memory exhausted" when its stack would pass YYMAXDEPTH. */
    enum sql__fail why = strcmp(msg, "memory exhausted") == 0 ? SQL__DEPTH : SQL__SYNTAX;
    if (why == SQL__DEPTH && stack_nomem)
        why = SQL__NOMEM;
    stack_nomem = false;
    sql__fail(ps, why, loc->start);
}
