/*
 * expr.c: building bound expressions, with MySQL 8's result types.
 *
 * Every constructor allocates the node in the statement's arena, links the
 * children and decides, once, everything evaluation would otherwise decide
 * per row: the result type (integer + integer is BIGINT, any DECIMAL makes a
 * DECIMAL typed by decimal_type_add/mul/div, a DOUBLE or a string operand
 * makes a DOUBLE), how an arithmetic node computes (enum expr_calc), how a
 * comparison compares (struct value_cmp: integers, decimals, doubles, strings
 * under the aggregated collation, temporal values), and whether the node is
 * constant and nullable. A constant IN list is turned into a sorted set for
 * binary search (eval.c). expr_print() gives the text MySQL puts in messages.
 */
#include "sql/expr.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"

#include <stdio.h>
#include <string.h>

struct expr *expr__new(struct arena *a, enum expr_op op, size_t n_args)
{
    struct expr *e = arena_alloc(a, sizeof(*e));
    if (!e) {
        err_set(ERR_NOMEM, "out of memory building an expression");
        return NULL;
    }
    memset(e, 0, sizeof(*e));
    e->op = (uint8_t)op;
    e->n_args = (uint16_t)n_args;
    e->value = value_null();
    sql_type_init(&e->type, SQL_TYPE_NULL);
    if (n_args) {
        e->args = arena_alloc(a, n_args * sizeof(*e->args));
        if (!e->args) {
            err_set(ERR_NOMEM, "out of memory building an expression");
            return NULL;
        }
    }
    return e;
}

/* Value classes of static types, for the type rules. */
enum cls { CLS_NULL, CLS_INT, CLS_UINT, CLS_DECIMAL, CLS_DOUBLE, CLS_STRING, CLS_TEMPORAL };

static enum cls cls_of(const struct sql_type *t)
{
    switch (t->id) {
    case SQL_TYPE_NULL: return CLS_NULL;
    case SQL_TYPE_TINYINT: case SQL_TYPE_SMALLINT: case SQL_TYPE_MEDIUMINT: case SQL_TYPE_INT:
    case SQL_TYPE_BIGINT:
        return (t->flags & (SQL_TYPE_UNSIGNED | SQL_TYPE_ZEROFILL)) ? CLS_UINT : CLS_INT;
    case SQL_TYPE_YEAR: return CLS_INT;
    case SQL_TYPE_BIT: return CLS_UINT;
    case SQL_TYPE_DECIMAL: return CLS_DECIMAL;
    case SQL_TYPE_FLOAT: case SQL_TYPE_DOUBLE: return CLS_DOUBLE;
    case SQL_TYPE_DATE: case SQL_TYPE_TIME: case SQL_TYPE_DATETIME: case SQL_TYPE_TIMESTAMP:
        return CLS_TEMPORAL;
    default: return CLS_STRING;
    }
}

static bool is_unsigned(const struct sql_type *t)
{
    enum cls c = cls_of(t);
    return c == CLS_UINT;
}

/* The DECIMAL type an exact operand has in arithmetic (MySQL's decimal_precision()). */
static struct decimal_type dec_type_of(const struct expr *e)
{
    const struct sql_type *t = &e->type;
    struct decimal_type d = {19, 0};
    if (t->id == SQL_TYPE_DECIMAL) {
        d.precision = t->precision;
        d.scale = t->scale;
        return d;
    }
    if (e->op == EXPR_CONST && (e->value.tag == VALUE_INT || e->value.tag == VALUE_UINT)) {
        char buf[32];
        int n = e->value.tag == VALUE_INT ? snprintf(buf, sizeof(buf), "%lld", (long long)e->value.i)
                                          : snprintf(buf, sizeof(buf), "%llu",
                                                     (unsigned long long)e->value.u);
        d.precision = (uint8_t)(n - (buf[0] == '-'));
        return d;
    }
    switch (t->id) {
    case SQL_TYPE_TINYINT: d.precision = 3; break;
    case SQL_TYPE_SMALLINT: d.precision = 5; break;
    case SQL_TYPE_MEDIUMINT: d.precision = 8; break;
    case SQL_TYPE_INT: d.precision = 10; break;
    case SQL_TYPE_BIGINT: d.precision = is_unsigned(t) ? 20 : 19; break;
    case SQL_TYPE_YEAR: d.precision = 4; break;
    case SQL_TYPE_DATE: d.precision = 8; break;
    case SQL_TYPE_TIME: d.precision = (uint8_t)(6 + t->fsp); d.scale = t->fsp; break;
    case SQL_TYPE_DATETIME: case SQL_TYPE_TIMESTAMP:
        d.precision = (uint8_t)(14 + t->fsp);
        d.scale = t->fsp;
        break;
    default: break;
    }
    return d;
}

void expr__string_type(struct sql_type *t, uint16_t coll, uint32_t len)
{
    sql_type_init(t, coll == COLLATION_BINARY ? SQL_TYPE_VARBINARY : SQL_TYPE_VARCHAR);
    t->coll = coll;
    t->length = len;
}

uint16_t expr__coll_of(const struct expr *e)
{
    if (cls_of(&e->type) == CLS_STRING)
        return e->type.coll ? e->type.coll : COLLATION_UTF8MB4_DEFAULT;
    return COLLATION_UTF8MB4_DEFAULT;
}

static void set_flags_from_args(struct expr *e)
{
    uint8_t f = EXPR_F_CONST;
    for (size_t i = 0; i < e->n_args; i++) {
        if (!(e->args[i]->flags & EXPR_F_CONST))
            f &= (uint8_t)~EXPR_F_CONST;
        if (e->args[i]->flags & EXPR_F_NULLABLE)
            f |= EXPR_F_NULLABLE;
    }
    e->flags = f;
}

/* The collation and derivation of an operand (MySQL's DTCollation of an Item). */
static struct collation_dt dt_of(const struct expr *e)
{
    struct collation_dt d;
    memset(&d, 0, sizeof(d));
    d.coll = collation_by_id(expr__coll_of(e));
    if (!d.coll)
        d.coll = collation_default();
    enum cls c = cls_of(&e->type);
    if (c == CLS_NULL) {
        d.deriv = COLLATION_IGNORABLE;
    } else if (c != CLS_STRING) {
        d.deriv = COLLATION_NUMERIC;
        d.ascii_only = true;
    } else if (e->op == EXPR_CONST || e->op == EXPR_PARAM) {
        d.deriv = COLLATION_COERCIBLE;
        d.ascii_only = true;
        if (e->op == EXPR_CONST && e->value.tag == VALUE_STRING)
            for (uint32_t i = 0; i < e->value.s.len; i++)
                if (e->value.s.ptr[i] >= 0x80)
                    d.ascii_only = false;
    } else {
        d.deriv = COLLATION_IMPLICIT;
    }
    return d;
}

/* Aggregates the collations of args[0..n) for a comparison or string function. */
static int agg_coll(struct expr *const *args, size_t n, bool for_cmp, const char *opname,
                    uint16_t *coll)
{
    struct collation_dt stack[8], *ops = stack, out;
    if (n > 8 && !(ops = mem_alloc(n * sizeof(*ops))))
        return err_set(ERR_NOMEM, "out of memory building an expression");
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (cls_of(&args[i]->type) == CLS_STRING)
            ops[m++] = dt_of(args[i]);
    int rc = m ? collation_aggregate_n(ops, m, for_cmp, opname, &out, NULL) : 0;
    if (ops != stack)
        mem_free(ops);
    if (m == 0) {
        *coll = COLLATION_UTF8MB4_DEFAULT;
        return 0;
    }
    if (rc < 0)
        return rc;
    *coll = out.coll ? out.coll->id : COLLATION_UTF8MB4_DEFAULT;
    return 0;
}

struct expr *expr_const(struct arena *a, const struct value *v, const struct sql_type *t)
{
    struct expr *e = expr__new(a, EXPR_CONST, 0);
    if (!e)
        return NULL;
    e->value = *v;
    e->type = *t;
    e->flags = EXPR_F_CONST | (v->tag == VALUE_NULL ? EXPR_F_NULLABLE : 0);
    return e;
}

struct expr *expr_const_int(struct arena *a, int64_t i)
{
    struct sql_type t;
    sql_type_init(&t, SQL_TYPE_BIGINT);
    struct value v = value_int(i);
    return expr_const(a, &v, &t);
}

struct expr *expr_const_null(struct arena *a)
{
    struct sql_type t;
    sql_type_init(&t, SQL_TYPE_NULL);
    struct value v = value_null();
    return expr_const(a, &v, &t);
}

struct expr *expr_const_double(struct arena *a, double d)
{
    struct sql_type t;
    sql_type_init(&t, SQL_TYPE_DOUBLE);
    struct value v = value_double(d);
    return expr_const(a, &v, &t);
}

struct expr *expr_const_decimal(struct arena *a, const char *text)
{
    struct decimal d;
    if (decimal_from_str(&d, text, strlen(text), 0) < 0) {
        err_set(ERR_INVALID, "bad decimal literal '%s'", text);
        return NULL;
    }
    struct decimal_type dt = decimal_type_of(&d);
    struct sql_type t;
    sql_type_init(&t, SQL_TYPE_DECIMAL);
    t.precision = dt.precision;
    t.scale = dt.scale;
    struct value v = value_decimal(&d);
    return expr_const(a, &v, &t);
}

struct expr *expr_const_str(struct arena *a, const char *s, size_t len, uint16_t coll)
{
    char *copy = arena_memdup(a, len ? s : "", len ? len : 1);
    if (!copy) {
        err_set(ERR_NOMEM, "out of memory building an expression");
        return NULL;
    }
    struct sql_type t;
    const struct collation *c = collation_by_id(coll);
    expr__string_type(&t, coll, c ? (uint32_t)charset_char_count(c->charset, (const uint8_t *)s, len)
                                  : (uint32_t)len);
    struct value v = value_string(copy, len, coll);
    return expr_const(a, &v, &t);
}

struct expr *expr_column(struct arena *a, uint32_t index, const struct sql_type *t,
                         const char *name)
{
    struct expr *e = expr__new(a, EXPR_COLUMN, 0);
    if (!e)
        return NULL;
    e->index = index;
    e->type = *t;
    e->name = name;
    e->flags = (t->flags & SQL_TYPE_NOT_NULL) ? 0 : EXPR_F_NULLABLE;
    return e;
}

struct expr *expr_agg_ref(struct arena *a, uint32_t index, const struct sql_type *t)
{
    struct expr *e = expr_column(a, index, t, NULL);
    if (e)
        e->op = EXPR_AGG_REF;
    return e;
}

struct expr *expr_param(struct arena *a, uint32_t index, const struct sql_type *t)
{
    struct expr *e = expr_column(a, index, t, NULL);
    if (e) {
        e->op = EXPR_PARAM;
        e->flags = EXPR_F_NULLABLE;
    }
    return e;
}

static void set_bool_type(struct expr *e)
{
    sql_type_init(&e->type, SQL_TYPE_BIGINT);
    e->type.length = 1;
    e->calc = EXPR_CALC_INT;
}

/* The comparison context of l against r (MySQL's Arg_comparator::set_cmp_func). */
static int cmp_context(struct expr *e, struct expr *const *ops, size_t n, const char *opname)
{
    enum cls acc = CLS_NULL;
    bool has_str = false, has_temporal = false, all_time = true, has_double = false,
         has_dec = false, has_num = false;
    for (size_t i = 0; i < n; i++) {
        enum cls c = cls_of(&ops[i]->type);
        if (c == CLS_NULL)
            continue;
        acc = c;
        if (c == CLS_STRING) has_str = true;
        else if (c == CLS_TEMPORAL) {
            has_temporal = true;
            if (ops[i]->type.id != SQL_TYPE_TIME)
                all_time = false;
        } else {
            has_num = true;
            if (c == CLS_DOUBLE) has_double = true;
            if (c == CLS_DECIMAL) has_dec = true;
        }
    }
    memset(&e->cmp, 0, sizeof(e->cmp));
    uint16_t coll = COLLATION_UTF8MB4_DEFAULT;
    if (acc == CLS_NULL) {
        e->cmp.as = VALUE_CMP_AUTO;
    } else if (has_temporal && !has_num) {
        e->cmp.as = all_time ? VALUE_CMP_TIME : VALUE_CMP_DATETIME;
    } else if (has_str && !has_num && !has_temporal) {
        if (agg_coll(ops, n, true, opname, &coll) < 0)
            return -1;
        e->cmp.as = VALUE_CMP_STRING;
    } else if (has_str || has_double || has_temporal) {
        e->cmp.as = VALUE_CMP_DOUBLE;
    } else if (has_dec) {
        e->cmp.as = VALUE_CMP_DECIMAL;
    } else {
        e->cmp.as = VALUE_CMP_INT;
    }
    e->cmp.coll = coll;
    e->coll = collation_by_id(coll);
    return 0;
}

static const char *op_text(enum expr_op op)
{
    switch (op) {
    case EXPR_NEG: return "-";
    case EXPR_ADD: return "+";
    case EXPR_SUB: return "-";
    case EXPR_MUL: return "*";
    case EXPR_DIV: return "/";
    case EXPR_INTDIV: return "DIV";
    case EXPR_MOD: return "%";
    case EXPR_EQ: return "=";
    case EXPR_NSEQ: return "<=>";
    case EXPR_NE: return "<>";
    case EXPR_LT: return "<";
    case EXPR_LE: return "<=";
    case EXPR_GT: return ">";
    case EXPR_GE: return ">=";
    case EXPR_AND: return "and";
    case EXPR_OR: return "or";
    case EXPR_XOR: return "xor";
    case EXPR_NOT: return "not";
    case EXPR_BITAND: return "&";
    case EXPR_BITOR: return "|";
    case EXPR_BITXOR: return "^";
    case EXPR_BITNOT: return "~";
    case EXPR_SHL: return "<<";
    case EXPR_SHR: return ">>";
    case EXPR_LIKE: return "like";
    case EXPR_NOT_LIKE: return "not like";
    case EXPR_BETWEEN: return "between";
    case EXPR_NOT_BETWEEN: return "not between";
    case EXPR_IN: return "in";
    case EXPR_NOT_IN: return "not in";
    default: return "?";
    }
}

/* Arithmetic result type and calc of l op r. */
static void arith_type(struct expr *e, int incr)
{
    struct expr *l = e->args[0], *r = e->n_args > 1 ? e->args[1] : e->args[0];
    enum cls cl = cls_of(&l->type), cr = cls_of(&r->type);
    /* Temporal operands act as their numbers: integers without a fraction. */
    if (cl == CLS_TEMPORAL) cl = l->type.fsp ? CLS_DECIMAL : CLS_INT;
    if (cr == CLS_TEMPORAL) cr = r->type.fsp ? CLS_DECIMAL : CLS_INT;
    enum expr_op op = e->op;
    if (cl == CLS_DOUBLE || cr == CLS_DOUBLE || cl == CLS_STRING || cr == CLS_STRING ||
        cl == CLS_NULL || cr == CLS_NULL) {
        e->calc = EXPR_CALC_DOUBLE;
        sql_type_init(&e->type, SQL_TYPE_DOUBLE);
        if (op == EXPR_INTDIV) {
            e->calc = EXPR_CALC_INT;
            sql_type_init(&e->type, SQL_TYPE_BIGINT);
        }
        return;
    }
    bool uns = (cl == CLS_UINT || cr == CLS_UINT);
    if (op == EXPR_NEG)
        uns = false;
    if (op == EXPR_INTDIV) {
        e->calc = uns ? EXPR_CALC_UINT : EXPR_CALC_INT;
        sql_type_init(&e->type, SQL_TYPE_BIGINT);
        if (uns)
            e->type.flags |= SQL_TYPE_UNSIGNED;
        return;
    }
    if (cl == CLS_DECIMAL || cr == CLS_DECIMAL || op == EXPR_DIV) {
        struct decimal_type a = dec_type_of(l), b = dec_type_of(r), d;
        switch (op) {
        case EXPR_MUL: d = decimal_type_mul(a, b); break;
        case EXPR_DIV: d = decimal_type_div(a, b, incr); break;
        case EXPR_MOD: d = decimal_type_mod(a, b); break;
        case EXPR_NEG: d = a; break;
        default: d = decimal_type_add(a, b); break;
        }
        e->calc = EXPR_CALC_DECIMAL;
        sql_type_init(&e->type, SQL_TYPE_DECIMAL);
        e->type.precision = d.precision;
        e->type.scale = d.scale;
        return;
    }
    e->calc = uns ? EXPR_CALC_UINT : EXPR_CALC_INT;
    sql_type_init(&e->type, SQL_TYPE_BIGINT);
    if (uns)
        e->type.flags |= SQL_TYPE_UNSIGNED;
}

struct expr *expr_unary(struct arena *a, enum expr_op op, struct expr *x)
{
    struct expr *e = expr__new(a, op, 1);
    if (!e)
        return NULL;
    e->args[0] = x;
    set_flags_from_args(e);
    switch (op) {
    case EXPR_NEG:
        arith_type(e, 0);
        if (x->type.id == SQL_TYPE_DECIMAL)
            e->type = x->type, e->type.flags = 0;
        break;
    case EXPR_BITNOT:
        sql_type_init(&e->type, SQL_TYPE_BIGINT);
        e->type.flags |= SQL_TYPE_UNSIGNED;
        e->calc = EXPR_CALC_UINT;
        break;
    case EXPR_IS_NULL: case EXPR_IS_NOT_NULL: case EXPR_IS_TRUE: case EXPR_IS_NOT_TRUE:
    case EXPR_IS_FALSE: case EXPR_IS_NOT_FALSE:
        set_bool_type(e);
        e->flags &= (uint8_t)~EXPR_F_NULLABLE;
        break;
    default:
        set_bool_type(e);
        break;
    }
    return e;
}

static struct expr *binary(struct arena *a, enum expr_op op, struct expr *l, struct expr *r,
                           int incr)
{
    struct expr *e = expr__new(a, op, 2);
    if (!e)
        return NULL;
    e->args[0] = l;
    e->args[1] = r;
    set_flags_from_args(e);
    switch (op) {
    case EXPR_ADD: case EXPR_SUB: case EXPR_MUL: case EXPR_DIV: case EXPR_INTDIV: case EXPR_MOD:
        e->aux = incr;
        arith_type(e, incr);
        if (op == EXPR_DIV || op == EXPR_INTDIV || op == EXPR_MOD)
            e->flags |= EXPR_F_NULLABLE;
        break;
    case EXPR_EQ: case EXPR_NSEQ: case EXPR_NE: case EXPR_LT: case EXPR_LE: case EXPR_GT:
    case EXPR_GE: {
        struct expr *ops[2] = {l, r};
        if (cmp_context(e, ops, 2, op_text(op)) < 0)
            return NULL;
        set_bool_type(e);
        if (op == EXPR_NSEQ)
            e->flags &= (uint8_t)~EXPR_F_NULLABLE;
        break;
    }
    case EXPR_LIKE: case EXPR_NOT_LIKE:
        return expr_like(a, op, l, r, NULL);
    case EXPR_BITAND: case EXPR_BITOR: case EXPR_BITXOR: case EXPR_SHL: case EXPR_SHR:
        sql_type_init(&e->type, SQL_TYPE_BIGINT);
        e->type.flags |= SQL_TYPE_UNSIGNED;
        e->calc = EXPR_CALC_UINT;
        break;
    default:
        set_bool_type(e);
        break;
    }
    return e;
}

struct expr *expr_binary(struct arena *a, enum expr_op op, struct expr *l, struct expr *r)
{
    return binary(a, op, l, r, DECIMAL_DIV_INCREMENT);
}

struct expr *expr_div(struct arena *a, struct expr *l, struct expr *r, int incr)
{
    return binary(a, EXPR_DIV, l, r, incr);
}

struct expr *expr_between(struct arena *a, enum expr_op op, struct expr *x, struct expr *lo,
                          struct expr *hi)
{
    struct expr *e = expr__new(a, op, 3);
    if (!e)
        return NULL;
    e->args[0] = x;
    e->args[1] = lo;
    e->args[2] = hi;
    set_flags_from_args(e);
    if (cmp_context(e, e->args, 3, "between") < 0)
        return NULL;
    set_bool_type(e);
    return e;
}

int expr__in_build(struct arena *a, struct expr *e); /* eval.c */

struct expr *expr_in(struct arena *a, enum expr_op op, struct expr *x, struct expr *const *list,
                     size_t n)
{
    struct expr *e = expr__new(a, op, n + 1);
    if (!e)
        return NULL;
    e->args[0] = x;
    for (size_t i = 0; i < n; i++)
        e->args[i + 1] = list[i];
    set_flags_from_args(e);
    if (cmp_context(e, e->args, n + 1, "in") < 0)
        return NULL;
    set_bool_type(e);
    if (expr__in_build(a, e) < 0)
        return NULL;
    return e;
}

struct expr *expr_like(struct arena *a, enum expr_op op, struct expr *s, struct expr *pattern,
                       struct expr *esc)
{
    struct expr *e = expr__new(a, op, esc ? 3 : 2);
    if (!e)
        return NULL;
    e->args[0] = s;
    e->args[1] = pattern;
    if (esc)
        e->args[2] = esc;
    set_flags_from_args(e);
    uint16_t coll;
    if (agg_coll(e->args, 2, true, "like", &coll) < 0)
        return NULL;
    e->cmp.as = VALUE_CMP_STRING;
    e->cmp.coll = coll;
    e->coll = collation_by_id(coll);
    set_bool_type(e);
    return e;
}

/* The common type of results (CASE, IF, COALESCE, ...: MySQL's aggregate_type). */
static int result_type(struct expr *e, struct expr *const *r, size_t n)
{
    enum cls acc = CLS_NULL;
    struct sql_type t;
    sql_type_init(&t, SQL_TYPE_NULL);
    bool mixed_temporal = false;
    for (size_t i = 0; i < n; i++) {
        enum cls c = cls_of(&r[i]->type);
        if (c == CLS_NULL)
            continue;
        if (acc == CLS_NULL) {
            acc = c;
            t = r[i]->type;
            t.flags &= SQL_TYPE_UNSIGNED;
            continue;
        }
        if (acc == CLS_STRING || c == CLS_STRING) {
            acc = CLS_STRING;
        } else if (acc == CLS_TEMPORAL || c == CLS_TEMPORAL) {
            if (acc == CLS_TEMPORAL && c == CLS_TEMPORAL) {
                if (t.id != r[i]->type.id)
                    mixed_temporal = true;
                if (r[i]->type.fsp > t.fsp)
                    t.fsp = r[i]->type.fsp;
            } else {
                acc = CLS_STRING;
            }
        } else if (acc == CLS_DOUBLE || c == CLS_DOUBLE) {
            acc = CLS_DOUBLE;
        } else if (acc == CLS_DECIMAL || c == CLS_DECIMAL) {
            acc = CLS_DECIMAL;
        } else {
            if (acc != c || t.id != r[i]->type.id) {
                bool uns = acc == CLS_UINT && c == CLS_UINT;
                sql_type_init(&t, SQL_TYPE_BIGINT);
                if (uns)
                    t.flags |= SQL_TYPE_UNSIGNED;
                acc = uns ? CLS_UINT : CLS_INT;
            }
        }
    }
    if (acc == CLS_DECIMAL) {
        /* Integer digits and scale: the largest of the exact operands (MySQL's aggregation). */
        int ip = 1, sc = 0;
        for (size_t i = 0; i < n; i++) {
            enum cls c = cls_of(&r[i]->type);
            if (c != CLS_INT && c != CLS_UINT && c != CLS_DECIMAL)
                continue;
            struct decimal_type x = dec_type_of(r[i]);
            if (x.precision - x.scale > ip)
                ip = x.precision - x.scale;
            if (x.scale > sc)
                sc = x.scale;
        }
        if (ip + sc > DECIMAL_MAX_PRECISION)
            ip = DECIMAL_MAX_PRECISION - sc;
        sql_type_init(&t, SQL_TYPE_DECIMAL);
        t.precision = (uint8_t)(ip + sc);
        t.scale = (uint8_t)sc;
    }
    if (acc == CLS_TEMPORAL && mixed_temporal) {
        uint8_t fsp = t.fsp;
        sql_type_init(&t, SQL_TYPE_DATETIME);
        t.fsp = fsp;
    }
    if (acc == CLS_STRING) {
        uint16_t coll;
        if (agg_coll(r, n, false, "case", &coll) < 0)
            return -1;
        uint32_t len = 0;
        for (size_t i = 0; i < n; i++)
            if (r[i]->type.length > len)
                len = r[i]->type.length;
        expr__string_type(&t, coll, len);
    }
    if (t.id == SQL_TYPE_TIMESTAMP)
        t.id = SQL_TYPE_DATETIME;
    e->type = t;
    switch (acc) {
    case CLS_INT: e->calc = EXPR_CALC_INT; break;
    case CLS_UINT: e->calc = EXPR_CALC_UINT; break;
    case CLS_DECIMAL: e->calc = EXPR_CALC_DECIMAL; break;
    case CLS_DOUBLE: e->calc = EXPR_CALC_DOUBLE; break;
    case CLS_TEMPORAL: e->calc = EXPR_CALC_TEMPORAL; break;
    default: e->calc = EXPR_CALC_STRING; break;
    }
    return 0;
}

int expr__result_type(struct expr *e, struct expr *const *r, size_t n)
{
    return result_type(e, r, n);
}

struct expr *expr_case(struct arena *a, struct expr *operand, struct expr *const *when,
                       struct expr *const *then, size_t n, struct expr *else_)
{
    size_t off = operand ? 1 : 0;
    struct expr *e = expr__new(a, operand ? EXPR_CASE_SIMPLE : EXPR_CASE, off + 2 * n + (else_ != NULL));
    if (!e)
        return NULL;
    if (operand)
        e->args[0] = operand;
    struct expr **res = arena_alloc(a, (n + 1) * sizeof(*res));
    struct expr **ops = arena_alloc(a, (n + 1) * sizeof(*ops));
    if (!res || !ops) {
        err_set(ERR_NOMEM, "out of memory building an expression");
        return NULL;
    }
    size_t n_res = 0;
    for (size_t i = 0; i < n; i++) {
        e->args[off + 2 * i] = when[i];
        e->args[off + 2 * i + 1] = then[i];
        res[n_res++] = then[i];
    }
    if (else_) {
        e->args[off + 2 * n] = else_;
        res[n_res++] = else_;
    }
    e->aux = else_ != NULL;
    set_flags_from_args(e);
    if (!else_)
        e->flags |= EXPR_F_NULLABLE;
    if (operand) {
        /* One comparison context for the operand against every WHEN value. */
        size_t m = 0;
        ops[m++] = operand;
        for (size_t i = 0; i < n; i++)
            ops[m++] = when[i];
        if (cmp_context(e, ops, m, "case") < 0)
            return NULL;
    }
    if (result_type(e, res, n_res) < 0)
        return NULL;
    return e;
}

struct expr *expr_cast(struct arena *a, struct expr *x, const struct sql_type *t)
{
    struct expr *e = expr__new(a, EXPR_CAST, 1);
    if (!e)
        return NULL;
    e->args[0] = x;
    set_flags_from_args(e);
    e->type = *t;
    switch (cls_of(t)) {
    case CLS_INT: e->calc = EXPR_CALC_INT; break;
    case CLS_UINT: e->calc = EXPR_CALC_UINT; break;
    case CLS_DECIMAL: e->calc = EXPR_CALC_DECIMAL; break;
    case CLS_DOUBLE: e->calc = EXPR_CALC_DOUBLE; break;
    case CLS_TEMPORAL: e->calc = EXPR_CALC_TEMPORAL; e->flags |= EXPR_F_NULLABLE; break;
    default: e->calc = EXPR_CALC_STRING; break;
    }
    return e;
}

struct expr *expr_interval(struct arena *a, struct expr *x, enum datetime_unit unit)
{
    struct expr *e = expr__new(a, EXPR_INTERVAL, 1);
    if (!e)
        return NULL;
    e->args[0] = x;
    e->aux = (int32_t)unit;
    set_flags_from_args(e);
    e->type = x->type;
    return e;
}

/* ---- Printing ------------------------------------------------------------ */

static int print_value(const struct expr *e, struct buf *out)
{
    const struct value *v = &e->value;
    if (v->tag == VALUE_NULL)
        return buf_append(out, "NULL", 4);
    if (v->tag == VALUE_STRING) {
        int rc = buf_append(out, "'", 1);
        for (uint32_t i = 0; rc == 0 && i < v->s.len; i++) {
            if (v->s.ptr[i] == '\'')
                rc = buf_append(out, "'", 1);
            if (rc == 0)
                rc = buf_append(out, &v->s.ptr[i], 1);
        }
        return rc ? rc : buf_append(out, "'", 1);
    }
    char tmp[VALUE_TEXT_MAX];
    size_t n = value_format(v, &e->type, tmp);
    return buf_append(out, tmp, n);
}

int expr_print(const struct expr *e, struct buf *out)
{
    char tmp[64];
    int rc = 0;
    switch (e->op) {
    case EXPR_CONST:
        return print_value(e, out);
    case EXPR_COLUMN:
        if (e->name)
            return buf_append(out, e->name, strlen(e->name));
        snprintf(tmp, sizeof(tmp), "column#%u", e->index);
        return buf_append(out, tmp, strlen(tmp));
    case EXPR_AGG_REF:
        snprintf(tmp, sizeof(tmp), "aggregate#%u", e->index);
        return buf_append(out, tmp, strlen(tmp));
    case EXPR_PARAM:
        return buf_append(out, "?", 1);
    case EXPR_NEG: case EXPR_BITNOT: case EXPR_NOT:
        rc = buf_append(out, op_text(e->op), strlen(op_text(e->op)));
        if (!rc && e->op == EXPR_NOT)
            rc = buf_append(out, " ", 1);
        if (!rc)
            rc = buf_append(out, "(", 1);
        if (!rc)
            rc = expr_print(e->args[0], out);
        return rc ? rc : buf_append(out, ")", 1);
    case EXPR_FUNC: {
        const struct expr_func_def *d = expr__func_def((int)e->index);
        const char *name = d ? d->name : "?";
        for (size_t i = 0; name[i] && !rc; i++) {
            char c = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
            rc = buf_append(out, &c, 1);
        }
        if (!rc)
            rc = buf_append(out, "(", 1);
        for (size_t i = 0; i < e->n_args && !rc; i++) {
            if (i)
                rc = buf_append(out, ",", 1);
            if (!rc)
                rc = expr_print(e->args[i], out);
        }
        return rc ? rc : buf_append(out, ")", 1);
    }
    case EXPR_CAST:
        rc = buf_append(out, "cast(", 5);
        if (!rc)
            rc = expr_print(e->args[0], out);
        return rc ? rc : buf_append(out, " as ...)", 8);
    default:
        break;
    }
    if (e->n_args == 2) {
        rc = buf_append(out, "(", 1);
        if (!rc)
            rc = expr_print(e->args[0], out);
        if (!rc)
            rc = buf_append(out, " ", 1);
        if (!rc)
            rc = buf_append(out, op_text(e->op), strlen(op_text(e->op)));
        if (!rc)
            rc = buf_append(out, " ", 1);
        if (!rc)
            rc = expr_print(e->args[1], out);
        return rc ? rc : buf_append(out, ")", 1);
    }
    snprintf(tmp, sizeof(tmp), "<%s>", op_text(e->op));
    return buf_append(out, tmp, strlen(tmp));
}
