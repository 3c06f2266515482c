/*
 * eval.c: the expression interpreter.
 *
 * A recursive walk over the tree built by expr.c: each node evaluates its
 * children into struct values on the C stack and combines them as its
 * construction decided (enum expr_calc for arithmetic, struct value_cmp for
 * comparisons), so no per-row type dispatch beyond the values' tags happens.
 * Integer comparisons and string comparisons under a known collation have
 * fast paths; everything else goes through value.h's conversions and
 * value_compare(). Nothing allocates except result strings, which go to the
 * context's row arena. Warnings go to the context's sink with MySQL's code
 * and text; errors (1690 overflow) return a negative code.
 *
 * Constant IN lists of EXPR_IN_SET_MIN or more values are sorted at
 * construction (expr__in_build) and probed by binary search.
 */
#include "sql/expr.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPR_IN_SET_MIN 8 /* Shortest constant IN list worth sorting. */

struct expr_in_set {
    struct value *vals; /* Sorted under the node's comparison context. */
    size_t n;           /* Their number. */
    bool has_null;      /* The list held a NULL (a miss is then NULL, not 0). */
};

void expr_ctx_init(struct expr_ctx *ctx, struct arena *arena)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->arena = arena;
    datetime_tz_utc(&ctx->tz);
    ctx->div_incr = DECIMAL_DIV_INCREMENT;
    ctx->rand_state = 0x9E3779B97F4A7C15ull;
}

void expr_warn(struct expr_ctx *ctx, int level, unsigned code, const char *fmt, ...)
{
    if (!ctx->warn_cb)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    ctx->warn_cb(ctx->warn_arg, level, code, msg);
}

/* Reports a status of value.h's conversions: warnings become 1292 (or 1690 text on clip). */
static void conv_warn(struct expr_ctx *ctx, int rc)
{
    if (rc > 0)
        expr_warn(ctx, EXPR_WARN_WARNING, 1292, "%s", err_msg());
}

static int range_error(const struct expr *e, struct expr_ctx *ctx, const char *what)
{
    struct buf b;
    buf_init(&b);
    expr_print(e, &b);
    ctx->mysql_errno = 1690;
    int rc = err_set(ERR_INVALID, "%s value is out of range in '%.*s'", what, (int)b.len,
                     b.data ? (const char *)b.data : "");
    buf_deinit(&b);
    return rc;
}

static void div_zero(struct expr_ctx *ctx, struct value *out)
{
    ctx->div_zero = true;
    *out = value_null();
    expr_warn(ctx, EXPR_WARN_WARNING, 1365, "Division by 0");
}

static void curdate(struct expr_ctx *ctx, struct datetime *d)
{
    datetime_now(&ctx->tz, ctx->now_us, 0, d);
    datetime_to_date(d);
}

/* ---- Conversions with warnings ----------------------------------------- */

static int get_double(struct expr_ctx *ctx, const struct value *v, double *d)
{
    if (v->tag == VALUE_DOUBLE) {
        *d = v->d;
        return 0;
    }
    if (v->tag == VALUE_INT) {
        *d = (double)v->i;
        return 0;
    }
    int rc = value_to_double(v, d);
    if (rc < 0)
        return rc;
    if (rc > 0 && v->tag == VALUE_STRING)
        conv_warn(ctx, rc);
    return 0;
}

static int get_decimal(struct expr_ctx *ctx, const struct value *v, struct decimal *d)
{
    int rc = value_to_decimal(v, d);
    if (rc < 0)
        return rc;
    conv_warn(ctx, rc);
    return 0;
}

/* An integer operand as a 128-bit number (exact for INT and UINT). */
static int get_i128(struct expr_ctx *ctx, const struct value *v, __int128 *x)
{
    if (v->tag == VALUE_INT) {
        *x = v->i;
        return 0;
    }
    if (v->tag == VALUE_UINT) {
        *x = v->u;
        return 0;
    }
    int64_t i;
    int rc = value_to_int64(v, 0, &i);
    if (rc < 0)
        return rc;
    if ((rc & VALUE_CLIPPED) && i == INT64_MAX) {
        uint64_t u;
        if (value_to_uint64(v, 0, &u) >= 0) {
            *x = u;
            return 0;
        }
    }
    conv_warn(ctx, rc);
    *x = i;
    return 0;
}

int expr__get_int(struct expr_ctx *ctx, const struct value *v, int64_t *i)
{
    if (v->tag == VALUE_INT) {
        *i = v->i;
        return 0;
    }
    int rc = value_to_int64(v, 0, i);
    if (rc < 0)
        return rc;
    conv_warn(ctx, rc);
    return 0;
}

int expr__get_double(struct expr_ctx *ctx, const struct value *v, double *d)
{
    return get_double(ctx, v, d);
}

int expr__get_decimal(struct expr_ctx *ctx, const struct value *v, struct decimal *d)
{
    return get_decimal(ctx, v, d);
}

/* SQL truth of a non-NULL value: 1 or 0. */
static int truth_of(struct expr_ctx *ctx, const struct value *v, int *t)
{
    switch (v->tag) {
    case VALUE_INT: *t = v->i != 0; return 0;
    case VALUE_UINT: *t = v->u != 0; return 0;
    case VALUE_DOUBLE: *t = v->d != 0; return 0;
    case VALUE_DECIMAL: *t = !decimal_is_zero(&v->dec); return 0;
    case VALUE_TEMPORAL: *t = datetime_pack(&v->t) != 0; return 0;
    default: {
        double d;
        int rc = get_double(ctx, v, &d);
        *t = d != 0;
        return rc;
    }
    }
}

/* Makes v (of static type from) a value of e's result class (CASE, IF, COALESCE results). */
int expr__coerce(const struct expr *e, const struct sql_type *from, struct expr_ctx *ctx,
                 struct value *v)
{
    if (v->tag == VALUE_NULL)
        return 0;
    int rc = 0;
    switch (e->calc) {
    case EXPR_CALC_INT:
        if (v->tag != VALUE_INT) {
            int64_t i;
            rc = expr__get_int(ctx, v, &i);
            *v = value_int(i);
        }
        break;
    case EXPR_CALC_UINT:
        if (v->tag == VALUE_INT && v->i >= 0)
            *v = value_uint((uint64_t)v->i);
        else if (v->tag != VALUE_UINT) {
            __int128 x;
            rc = get_i128(ctx, v, &x);
            *v = value_uint((uint64_t)x);
        }
        break;
    case EXPR_CALC_DECIMAL:
        if (v->tag != VALUE_DECIMAL) {
            struct decimal d;
            rc = get_decimal(ctx, v, &d);
            *v = value_decimal(&d);
        }
        break;
    case EXPR_CALC_DOUBLE:
        if (v->tag != VALUE_DOUBLE) {
            double d;
            rc = get_double(ctx, v, &d);
            *v = value_double(d);
        }
        break;
    case EXPR_CALC_STRING:
        if (v->tag != VALUE_STRING) {
            struct value s;
            rc = value_to_string(v, from, e->type.coll, ctx->arena, &s);
            if (rc == 0)
                *v = s;
        } else if (e->type.coll != COLLATION_BINARY && v->s.coll != COLLATION_BINARY) {
            v->s.coll = e->type.coll;
        }
        break;
    case EXPR_CALC_TEMPORAL:
        if (v->tag != VALUE_TEMPORAL || (e->type.id == SQL_TYPE_DATETIME && v->t.kind != DATETIME_KIND_DATETIME)) {
            struct datetime dt, cd;
            curdate(ctx, &cd);
            enum datetime_type ty = sql_type_datetime_type(&e->type);
            rc = value_to_datetime(v, ty, e->type.fsp, ctx->dt_flags, &ctx->tz, &cd, &dt);
            if (rc < 0) {
                expr_warn(ctx, EXPR_WARN_WARNING, 1292, "%s", err_msg());
                *v = value_null();
                return 0;
            }
            conv_warn(ctx, rc);
            *v = value_temporal(&dt, e->type.fsp);
            rc = 0;
        }
        break;
    }
    return rc < 0 ? rc : 0;
}

/* ---- Comparisons -------------------------------------------------------- */

static int compare(const struct expr *e, struct expr_ctx *ctx, const struct value *a,
                   const struct value *b, int *c)
{
    if (a->tag == VALUE_INT && b->tag == VALUE_INT) {
        *c = (a->i > b->i) - (a->i < b->i);
        return 0;
    }
    if (e->cmp.as == VALUE_CMP_STRING && a->tag == VALUE_STRING && b->tag == VALUE_STRING &&
        e->coll) {
        int r = collation_compare(e->coll, a->s.ptr, a->s.len, b->s.ptr, b->s.len);
        *c = (r > 0) - (r < 0);
        return 0;
    }
    struct value_cmp how = e->cmp;
    struct datetime cd;
    if (how.as == VALUE_CMP_DATETIME || how.as == VALUE_CMP_TIME || how.as == VALUE_CMP_AUTO) {
        curdate(ctx, &cd);
        how.curdate = &cd;
        how.tz = &ctx->tz;
        how.dt_flags = ctx->dt_flags;
    }
    int rc = value_compare(a, b, &how, c);
    if (rc < 0)
        return rc;
    if (rc > 0)
        expr_warn(ctx, EXPR_WARN_WARNING, 1292, "%s", err_msg());
    return 0;
}

static int cmp_sort_cb(const void *x, const void *y, void *arg)
{
    int c = 0;
    value_compare(x, y, arg, &c);
    return c;
}

/* Sorts a constant IN list for binary search when it is long and its values compare quietly. */
int expr__in_build(struct arena *a, struct expr *e)
{
    size_t n = e->n_args - 1;
    if (n < EXPR_IN_SET_MIN)
        return 0;
    if (e->cmp.as != VALUE_CMP_INT && e->cmp.as != VALUE_CMP_DECIMAL &&
        e->cmp.as != VALUE_CMP_DOUBLE && e->cmp.as != VALUE_CMP_STRING)
        return 0;
    bool has_null = false;
    for (size_t i = 1; i <= n; i++) {
        const struct expr *x = e->args[i];
        if (x->op != EXPR_CONST)
            return 0;
        uint8_t tag = x->value.tag;
        if (tag == VALUE_NULL) {
            has_null = true;
            continue;
        }
        bool ok = e->cmp.as == VALUE_CMP_STRING ? tag == VALUE_STRING
                  : e->cmp.as == VALUE_CMP_INT  ? (tag == VALUE_INT || tag == VALUE_UINT)
                  : e->cmp.as == VALUE_CMP_DECIMAL
                      ? (tag == VALUE_INT || tag == VALUE_UINT || tag == VALUE_DECIMAL)
                      : (tag == VALUE_INT || tag == VALUE_UINT || tag == VALUE_DECIMAL ||
                         tag == VALUE_DOUBLE);
        if (!ok)
            return 0;
    }
    struct expr_in_set *s = arena_alloc(a, sizeof(*s));
    struct value *vals = arena_alloc(a, n * sizeof(*vals));
    if (!s || !vals)
        return err_set(ERR_NOMEM, "out of memory building an IN list");
    s->n = 0;
    s->has_null = has_null;
    for (size_t i = 1; i <= n; i++)
        if (e->args[i]->value.tag != VALUE_NULL)
            vals[s->n++] = e->args[i]->value;
    struct value_cmp how = e->cmp;
    qsort_r(vals, s->n, sizeof(*vals), cmp_sort_cb, &how);
    s->vals = vals;
    e->set = s;
    return 0;
}

/* ---- Nodes --------------------------------------------------------------- */

static int eval_arith(const struct expr *e, struct expr_ctx *ctx, const struct value *row,
                      struct value *out)
{
    struct value a, b;
    int rc = expr_eval(e->args[0], ctx, row, &a);
    if (rc < 0)
        return rc;
    if (a.tag == VALUE_NULL) {
        *out = a;
        return 0;
    }
    if (e->op == EXPR_NEG) {
        b = value_int(0);
    } else {
        rc = expr_eval(e->args[1], ctx, row, &b);
        if (rc < 0)
            return rc;
        if (b.tag == VALUE_NULL) {
            *out = b;
            return 0;
        }
    }
    enum expr_op op = e->op;
    if (op == EXPR_INTDIV) {
        /* Integer operands divide exactly; anything else through DECIMAL, as MySQL. */
        bool ints = (a.tag == VALUE_INT || a.tag == VALUE_UINT) &&
                    (b.tag == VALUE_INT || b.tag == VALUE_UINT);
        __int128 q;
        if (ints) {
            __int128 x = a.tag == VALUE_INT ? (__int128)a.i : (__int128)a.u;
            __int128 y = b.tag == VALUE_INT ? (__int128)b.i : (__int128)b.u;
            if (y == 0) {
                div_zero(ctx, out);
                return 0;
            }
            q = x / y;
        } else {
            struct decimal x, y, r;
            if ((rc = get_decimal(ctx, &a, &x)) < 0 || (rc = get_decimal(ctx, &b, &y)) < 0)
                return rc;
            rc = decimal_div_int(&r, &x, &y);
            if (rc == DECIMAL_DIV_ZERO) {
                div_zero(ctx, out);
                return 0;
            }
            int64_t i;
            if (rc < 0 || decimal_to_int64(&r, &i) != 0) {
                uint64_t u;
                if (rc < 0 || decimal_to_uint64(&r, &u) != 0)
                    return range_error(e, ctx, "BIGINT");
                q = u;
            } else {
                q = i;
            }
        }
        if (e->calc == EXPR_CALC_UINT) {
            if (q < 0 || q > (__int128)UINT64_MAX)
                return range_error(e, ctx, "BIGINT UNSIGNED");
            *out = value_uint((uint64_t)q);
        } else {
            if (q < INT64_MIN || q > INT64_MAX)
                return range_error(e, ctx, "BIGINT");
            *out = value_int((int64_t)q);
        }
        return 0;
    }
    switch (e->calc) {
    case EXPR_CALC_INT:
    case EXPR_CALC_UINT: {
        __int128 x, y, r;
        if (a.tag == VALUE_INT && b.tag == VALUE_INT && e->calc == EXPR_CALC_INT) {
            int64_t r64;
            bool ovf;
            switch (op) {
            case EXPR_ADD: ovf = __builtin_add_overflow(a.i, b.i, &r64); break;
            case EXPR_SUB: ovf = __builtin_sub_overflow(a.i, b.i, &r64); break;
            case EXPR_MUL: ovf = __builtin_mul_overflow(a.i, b.i, &r64); break;
            case EXPR_NEG: ovf = __builtin_sub_overflow((int64_t)0, a.i, &r64); break;
            default: goto wide;
            }
            if (ovf)
                return range_error(e, ctx, "BIGINT");
            *out = value_int(r64);
            return 0;
        }
    wide:
        if ((rc = get_i128(ctx, &a, &x)) < 0 || (rc = get_i128(ctx, &b, &y)) < 0)
            return rc;
        switch (op) {
        case EXPR_ADD: r = x + y; break;
        case EXPR_SUB: r = x - y; break;
        case EXPR_NEG: r = -x; break;
        case EXPR_MUL:
            if (__builtin_mul_overflow(x, y, &r))
                return range_error(e, ctx, e->calc == EXPR_CALC_UINT ? "BIGINT UNSIGNED" : "BIGINT");
            break;
        case EXPR_MOD:
            if (y == 0) {
                div_zero(ctx, out);
                return 0;
            }
            r = x % y;
            break;
        default: return err_set(ERR_INTERNAL, "bad arithmetic op");
        }
        if (e->calc == EXPR_CALC_UINT) {
            if (r < 0 || r > (__int128)UINT64_MAX)
                return range_error(e, ctx, "BIGINT UNSIGNED");
            *out = value_uint((uint64_t)r);
        } else {
            if (r < INT64_MIN || r > INT64_MAX)
                return range_error(e, ctx, "BIGINT");
            *out = value_int((int64_t)r);
        }
        return 0;
    }
    case EXPR_CALC_DECIMAL: {
        struct decimal x, y, r;
        if ((rc = get_decimal(ctx, &a, &x)) < 0 || (rc = get_decimal(ctx, &b, &y)) < 0)
            return rc;
        switch (op) {
        case EXPR_ADD: rc = decimal_add(&r, &x, &y); break;
        case EXPR_SUB: rc = decimal_sub(&r, &x, &y); break;
        case EXPR_MUL: rc = decimal_mul(&r, &x, &y); break;
        case EXPR_DIV: rc = decimal_div(&r, &x, &y, e->aux); break;
        case EXPR_MOD: rc = decimal_mod(&r, &x, &y); break;
        case EXPR_NEG: decimal_neg(&r, &x); rc = 0; break;
        default: return err_set(ERR_INTERNAL, "bad arithmetic op");
        }
        if (rc == DECIMAL_DIV_ZERO) {
            div_zero(ctx, out);
            return 0;
        }
        if (rc == DECIMAL_OVERFLOW)
            return range_error(e, ctx, "DECIMAL");
        *out = value_decimal(&r);
        return 0;
    }
    default: {
        double x, y, r;
        if ((rc = get_double(ctx, &a, &x)) < 0 || (rc = get_double(ctx, &b, &y)) < 0)
            return rc;
        switch (op) {
        case EXPR_ADD: r = x + y; break;
        case EXPR_SUB: r = x - y; break;
        case EXPR_MUL: r = x * y; break;
        case EXPR_NEG: r = -x; break;
        case EXPR_DIV:
        case EXPR_MOD:
            if (y == 0) {
                div_zero(ctx, out);
                return 0;
            }
            r = op == EXPR_DIV ? x / y : fmod(x, y);
            break;
        default: return err_set(ERR_INTERNAL, "bad arithmetic op");
        }
        if (!isfinite(r))
            return range_error(e, ctx, "DOUBLE");
        *out = value_double(r);
        return 0;
    }
    }
}

static int get_bits(struct expr_ctx *ctx, const struct value *v, uint64_t *u)
{
    if (v->tag == VALUE_UINT) {
        *u = v->u;
        return 0;
    }
    __int128 x;
    int rc = get_i128(ctx, v, &x);
    *u = (uint64_t)x;
    return rc;
}

static int eval_bits(const struct expr *e, struct expr_ctx *ctx, const struct value *row,
                     struct value *out)
{
    struct value a, b = value_int(0);
    int rc = expr_eval(e->args[0], ctx, row, &a);
    if (rc < 0)
        return rc;
    if (e->n_args > 1 && (rc = expr_eval(e->args[1], ctx, row, &b)) < 0)
        return rc;
    if (a.tag == VALUE_NULL || b.tag == VALUE_NULL) {
        *out = value_null();
        return 0;
    }
    uint64_t x, y;
    if ((rc = get_bits(ctx, &a, &x)) < 0 || (rc = get_bits(ctx, &b, &y)) < 0)
        return rc;
    uint64_t r;
    switch (e->op) {
    case EXPR_BITAND: r = x & y; break;
    case EXPR_BITOR: r = x | y; break;
    case EXPR_BITXOR: r = x ^ y; break;
    case EXPR_BITNOT: r = ~x; break;
    case EXPR_SHL: r = y >= 64 ? 0 : x << y; break;
    default: r = y >= 64 ? 0 : x >> y; break;
    }
    *out = value_uint(r);
    return 0;
}

/* A three-valued result: 1, 0, or -1 for NULL. */
static void set_truth(struct value *out, int t)
{
    *out = t < 0 ? value_null() : value_int(t);
}

static int eval_cmp(const struct expr *e, struct expr_ctx *ctx, const struct value *row,
                    struct value *out)
{
    struct value a, b;
    int rc = expr_eval(e->args[0], ctx, row, &a);
    if (rc < 0)
        return rc;
    if (a.tag == VALUE_NULL && e->op != EXPR_NSEQ) {
        *out = a;
        return 0;
    }
    if ((rc = expr_eval(e->args[1], ctx, row, &b)) < 0)
        return rc;
    if (a.tag == VALUE_NULL || b.tag == VALUE_NULL) {
        if (e->op == EXPR_NSEQ)
            *out = value_int(a.tag == b.tag);
        else
            *out = value_null();
        return 0;
    }
    int c;
    if ((rc = compare(e, ctx, &a, &b, &c)) < 0)
        return rc;
    int t;
    switch (e->op) {
    case EXPR_EQ: case EXPR_NSEQ: t = c == 0; break;
    case EXPR_NE: t = c != 0; break;
    case EXPR_LT: t = c < 0; break;
    case EXPR_LE: t = c <= 0; break;
    case EXPR_GT: t = c > 0; break;
    default: t = c >= 0; break;
    }
    *out = value_int(t);
    return 0;
}

int expr_eval_bool(const struct expr *e, struct expr_ctx *ctx, const struct value *row,
                   int *truth)
{
    struct value v;
    int rc = expr_eval(e, ctx, row, &v);
    if (rc < 0)
        return rc;
    if (v.tag == VALUE_NULL) {
        *truth = -1;
        return 0;
    }
    return truth_of(ctx, &v, truth);
}

static int eval_logic(const struct expr *e, struct expr_ctx *ctx, const struct value *row,
                      struct value *out)
{
    int x, y, rc;
    if ((rc = expr_eval_bool(e->args[0], ctx, row, &x)) < 0)
        return rc;
    switch (e->op) {
    case EXPR_NOT: set_truth(out, x < 0 ? -1 : !x); return 0;
    case EXPR_IS_NULL: *out = value_int(x < 0); return 0;
    case EXPR_IS_NOT_NULL: *out = value_int(x >= 0); return 0;
    case EXPR_IS_TRUE: *out = value_int(x == 1); return 0;
    case EXPR_IS_NOT_TRUE: *out = value_int(x != 1); return 0;
    case EXPR_IS_FALSE: *out = value_int(x == 0); return 0;
    case EXPR_IS_NOT_FALSE: *out = value_int(x != 0); return 0;
    case EXPR_AND:
        if (x == 0) {
            *out = value_int(0);
            return 0;
        }
        if ((rc = expr_eval_bool(e->args[1], ctx, row, &y)) < 0)
            return rc;
        set_truth(out, y == 0 ? 0 : (x < 0 || y < 0) ? -1 : 1);
        return 0;
    case EXPR_OR:
        if (x == 1) {
            *out = value_int(1);
            return 0;
        }
        if ((rc = expr_eval_bool(e->args[1], ctx, row, &y)) < 0)
            return rc;
        set_truth(out, y == 1 ? 1 : (x < 0 || y < 0) ? -1 : 0);
        return 0;
    default: /* XOR */
        if ((rc = expr_eval_bool(e->args[1], ctx, row, &y)) < 0)
            return rc;
        set_truth(out, (x < 0 || y < 0) ? -1 : (x != y));
        return 0;
    }
}

static int eval_between(const struct expr *e, struct expr_ctx *ctx, const struct value *row,
                        struct value *out)
{
    struct value a, lo, hi;
    int rc;
    if ((rc = expr_eval(e->args[0], ctx, row, &a)) < 0 ||
        (rc = expr_eval(e->args[1], ctx, row, &lo)) < 0 ||
        (rc = expr_eval(e->args[2], ctx, row, &hi)) < 0)
        return rc;
    if (a.tag == VALUE_NULL) {
        *out = a;
        return 0;
    }
    int t1 = -1, t2 = -1, c;
    if (lo.tag != VALUE_NULL) {
        if ((rc = compare(e, ctx, &a, &lo, &c)) < 0)
            return rc;
        t1 = c >= 0;
    }
    if (hi.tag != VALUE_NULL) {
        if ((rc = compare(e, ctx, &a, &hi, &c)) < 0)
            return rc;
        t2 = c <= 0;
    }
    int t = (t1 == 0 || t2 == 0) ? 0 : (t1 < 0 || t2 < 0) ? -1 : 1;
    if (e->op == EXPR_NOT_BETWEEN && t >= 0)
        t = !t;
    set_truth(out, t);
    return 0;
}

static int eval_in(const struct expr *e, struct expr_ctx *ctx, const struct value *row,
                   struct value *out)
{
    struct value a;
    int rc = expr_eval(e->args[0], ctx, row, &a);
    if (rc < 0)
        return rc;
    if (a.tag == VALUE_NULL) {
        *out = a;
        return 0;
    }
    int t = 0;
    const struct expr_in_set *s = e->set;
    if (s && (e->cmp.as != VALUE_CMP_STRING || a.tag == VALUE_STRING) &&
        (e->cmp.as == VALUE_CMP_STRING || a.tag != VALUE_STRING)) {
        size_t lo = 0, hi = s->n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            int c;
            if ((rc = compare(e, ctx, &a, &s->vals[mid], &c)) < 0)
                return rc;
            if (c == 0) {
                t = 1;
                break;
            }
            if (c < 0)
                hi = mid;
            else
                lo = mid + 1;
        }
        if (!t && s->has_null)
            t = -1;
    } else {
        bool saw_null = false;
        for (size_t i = 1; i < e->n_args; i++) {
            struct value b;
            if ((rc = expr_eval(e->args[i], ctx, row, &b)) < 0)
                return rc;
            if (b.tag == VALUE_NULL) {
                saw_null = true;
                continue;
            }
            int c;
            if ((rc = compare(e, ctx, &a, &b, &c)) < 0)
                return rc;
            if (c == 0) {
                t = 1;
                break;
            }
        }
        if (!t && saw_null)
            t = -1;
    }
    if (e->op == EXPR_NOT_IN && t >= 0)
        t = !t;
    set_truth(out, t);
    return 0;
}

/* Evaluates argument i as a string (numbers as their text) in its own collation. */
int expr__eval_args_str(const struct expr *e, size_t i, struct expr_ctx *ctx,
                        const struct value *row, struct value *out)
{
    int rc = expr_eval(e->args[i], ctx, row, out);
    if (rc < 0 || out->tag == VALUE_NULL || out->tag == VALUE_STRING)
        return rc;
    struct value s;
    rc = value_to_string(out, &e->args[i]->type, expr__coll_of(e), ctx->arena, &s);
    if (rc < 0)
        return rc;
    *out = s;
    return 0;
}

static int eval_like(const struct expr *e, struct expr_ctx *ctx, const struct value *row,
                     struct value *out)
{
    struct value s, p;
    int rc;
    if ((rc = expr__eval_args_str(e, 0, ctx, row, &s)) < 0 ||
        (rc = expr__eval_args_str(e, 1, ctx, row, &p)) < 0)
        return rc;
    if (s.tag == VALUE_NULL || p.tag == VALUE_NULL) {
        *out = value_null();
        return 0;
    }
    int32_t esc = '\\';
    if (e->n_args > 2) {
        struct value x;
        if ((rc = expr__eval_args_str(e, 2, ctx, row, &x)) < 0)
            return rc;
        if (x.tag == VALUE_NULL || x.s.len == 0) {
            esc = COLLATION_NO_ESCAPE;
        } else {
            uint32_t cp;
            charset_decode(e->coll->charset, x.s.ptr, x.s.len, &cp);
            esc = cp == CHARSET_BAD_CP ? x.s.ptr[0] : (int32_t)cp;
        }
    }
    bool m = collation_like(e->coll, s.s.ptr, s.s.len, p.s.ptr, p.s.len, esc);
    *out = value_int(e->op == EXPR_LIKE ? m : !m);
    return 0;
}

static int eval_case(const struct expr *e, struct expr_ctx *ctx, const struct value *row,
                     struct value *out)
{
    int rc;
    size_t off = e->op == EXPR_CASE_SIMPLE ? 1 : 0;
    size_t n = (e->n_args - off - (size_t)e->aux) / 2;
    struct value op;
    if (off && (rc = expr_eval(e->args[0], ctx, row, &op)) < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        const struct expr *w = e->args[off + 2 * i];
        bool hit;
        if (off) {
            struct value v;
            if (op.tag == VALUE_NULL)
                break;
            if ((rc = expr_eval(w, ctx, row, &v)) < 0)
                return rc;
            if (v.tag == VALUE_NULL)
                continue;
            int c;
            if ((rc = compare(e, ctx, &op, &v, &c)) < 0)
                return rc;
            hit = c == 0;
        } else {
            int t;
            if ((rc = expr_eval_bool(w, ctx, row, &t)) < 0)
                return rc;
            hit = t == 1;
        }
        if (hit) {
            const struct expr *th = e->args[off + 2 * i + 1];
            if ((rc = expr_eval(th, ctx, row, out)) < 0)
                return rc;
            return expr__coerce(e, &th->type, ctx, out);
        }
    }
    if (e->aux) {
        const struct expr *el = e->args[e->n_args - 1];
        if ((rc = expr_eval(el, ctx, row, out)) < 0)
            return rc;
        return expr__coerce(e, &el->type, ctx, out);
    }
    *out = value_null();
    return 0;
}

static int eval_cast(const struct expr *e, struct expr_ctx *ctx, const struct value *row,
                     struct value *out)
{
    struct value v;
    int rc = expr_eval(e->args[0], ctx, row, &v);
    if (rc < 0)
        return rc;
    if (v.tag == VALUE_NULL) {
        *out = v;
        return 0;
    }
    const struct sql_type *t = &e->type;
    switch (e->calc) {
    case EXPR_CALC_INT: {
        int64_t i;
        rc = value_to_int64(&v, 0, &i);
        if (rc < 0)
            return rc;
        if ((rc & VALUE_CLIPPED) && v.tag == VALUE_UINT)
            i = (int64_t)v.u, rc = 0; /* MySQL reinterprets the bits. */
        conv_warn(ctx, rc);
        *out = value_int(i);
        return 0;
    }
    case EXPR_CALC_UINT: {
        if (v.tag == VALUE_UINT) {
            *out = v;
            return 0;
        }
        __int128 x;
        if ((rc = get_i128(ctx, &v, &x)) < 0)
            return rc;
        *out = value_uint((uint64_t)x); /* Negatives wrap, as MySQL's CAST. */
        return 0;
    }
    case EXPR_CALC_DECIMAL: {
        struct decimal d;
        if ((rc = get_decimal(ctx, &v, &d)) < 0)
            return rc;
        rc = decimal_fit(&d, t->precision, t->scale);
        if (rc == DECIMAL_OVERFLOW) {
            struct buf b;
            buf_init(&b);
            expr_print(e, &b);
            expr_warn(ctx, EXPR_WARN_WARNING, 1264, "Out of range value for column '%.*s' at row 1",
                      (int)b.len, b.data ? (const char *)b.data : "");
            buf_deinit(&b);
        }
        *out = value_decimal(&d);
        return 0;
    }
    case EXPR_CALC_DOUBLE: {
        double d;
        if ((rc = get_double(ctx, &v, &d)) < 0)
            return rc;
        *out = value_double(d);
        return 0;
    }
    case EXPR_CALC_TEMPORAL:
        return expr__coerce(e, &e->args[0]->type, ctx, (*out = v, out));
    default: {
        struct value s;
        if ((rc = value_to_string(&v, &e->args[0]->type, t->coll, ctx->arena, &s)) < 0)
            return rc;
        if (t->coll == COLLATION_BINARY || s.s.coll == COLLATION_BINARY ||
            t->coll != s.s.coll) {
            /* Copy semantics: the result is in the target collation (bytes unchanged). */
            s.s.coll = t->coll;
        }
        if (t->length) {
            const struct collation *c = collation_by_id(t->coll);
            size_t n = c ? charset_char_offset(c->charset, s.s.ptr, s.s.len, t->length)
                         : (s.s.len < t->length ? s.s.len : t->length);
            if (n < s.s.len) {
                expr_warn(ctx, EXPR_WARN_WARNING, 1292, "Truncated incorrect %s(%u) value: '%.*s'",
                          t->coll == COLLATION_BINARY ? "BINARY" : "CHAR", t->length,
                          (int)s.s.len, (const char *)s.s.ptr);
                s.s.len = (uint32_t)n;
            }
        }
        *out = s;
        return 0;
    }
    }
}

int expr_eval(const struct expr *e, struct expr_ctx *ctx, const struct value *row,
              struct value *out)
{
    switch (e->op) {
    case EXPR_CONST:
        *out = e->value;
        return 0;
    case EXPR_COLUMN:
    case EXPR_AGG_REF:
        *out = row[e->index];
        return 0;
    case EXPR_PARAM:
        if (e->index >= ctx->n_params)
            return err_set(ERR_INVALID, "parameter %u not bound", e->index);
        *out = ctx->params[e->index];
        return 0;
    case EXPR_EQ: case EXPR_NSEQ: case EXPR_NE: case EXPR_LT: case EXPR_LE: case EXPR_GT:
    case EXPR_GE:
        return eval_cmp(e, ctx, row, out);
    case EXPR_NEG: case EXPR_ADD: case EXPR_SUB: case EXPR_MUL: case EXPR_DIV: case EXPR_INTDIV:
    case EXPR_MOD:
        return eval_arith(e, ctx, row, out);
    case EXPR_AND: case EXPR_OR: case EXPR_XOR: case EXPR_NOT: case EXPR_IS_NULL:
    case EXPR_IS_NOT_NULL: case EXPR_IS_TRUE: case EXPR_IS_NOT_TRUE: case EXPR_IS_FALSE:
    case EXPR_IS_NOT_FALSE:
        return eval_logic(e, ctx, row, out);
    case EXPR_BITAND: case EXPR_BITOR: case EXPR_BITXOR: case EXPR_BITNOT: case EXPR_SHL:
    case EXPR_SHR:
        return eval_bits(e, ctx, row, out);
    case EXPR_BETWEEN: case EXPR_NOT_BETWEEN:
        return eval_between(e, ctx, row, out);
    case EXPR_IN: case EXPR_NOT_IN:
        return eval_in(e, ctx, row, out);
    case EXPR_LIKE: case EXPR_NOT_LIKE:
        return eval_like(e, ctx, row, out);
    case EXPR_CASE: case EXPR_CASE_SIMPLE:
        return eval_case(e, ctx, row, out);
    case EXPR_CAST:
        return eval_cast(e, ctx, row, out);
    case EXPR_INTERVAL:
        return expr_eval(e->args[0], ctx, row, out);
    case EXPR_FUNC: {
        const struct expr_func_def *d = expr__func_def((int)e->index);
        if (!d)
            return err_set(ERR_INTERNAL, "bad function id %u", e->index);
        return d->eval_cb(e, ctx, row, out);
    }
    default:
        return err_set(ERR_INTERNAL, "bad expression op %d", e->op);
    }
}
