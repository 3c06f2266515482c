/*
 * func.c: the native function library and its registry.
 *
 * Each function is a row of one table: name, arity range, whether it is
 * volatile, a type callback (sets the call node's result type from its
 * arguments' types, MySQL's fix_length_and_dec) and an eval callback. Eval
 * callbacks evaluate their own arguments, so IF, IFNULL and COALESCE are lazy
 * like MySQL's. The id of a function is its index in the table; lookup by name
 * is a case-insensitive linear scan done once per call site by the binder.
 * Most date and time functions are thin wrappers over datetime.h; string
 * functions work by characters through collation.h's charset helpers.
 */
#include "sql/expr.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"

#include <ctype.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define EVAL_ARGS const struct expr *e, struct expr_ctx *ctx, const struct value *row, struct value *out

/* Evaluates argument i into v; NULL makes the call NULL (returns from the caller). */
#define ARG(i, v)                                                                      \
    do {                                                                               \
        int rc_ = expr_eval(e->args[i], ctx, row, &(v));                               \
        if (rc_ < 0)                                                                   \
            return rc_;                                                                \
        if ((v).tag == VALUE_NULL) {                                                   \
            *out = value_null();                                                       \
            return 0;                                                                  \
        }                                                                              \
    } while (0)

#define ARG_STR(i, v)                                                                  \
    do {                                                                               \
        int rc_ = expr__eval_args_str(e, i, ctx, row, &(v));                           \
        if (rc_ < 0)                                                                   \
            return rc_;                                                                \
        if ((v).tag == VALUE_NULL) {                                                   \
            *out = value_null();                                                       \
            return 0;                                                                  \
        }                                                                              \
    } while (0)

#define ARG_INT(i, x)                                                                  \
    do {                                                                               \
        struct value v_;                                                               \
        ARG(i, v_);                                                                    \
        int rc_ = expr__get_int(ctx, &v_, &(x));                                       \
        if (rc_ < 0)                                                                   \
            return rc_;                                                                \
    } while (0)

#define ARG_DBL(i, x)                                                                  \
    do {                                                                               \
        struct value v_;                                                               \
        ARG(i, v_);                                                                    \
        int rc_ = expr__get_double(ctx, &v_, &(x));                                    \
        if (rc_ < 0)                                                                   \
            return rc_;                                                                \
    } while (0)

static uint8_t arg_fsp(const struct expr *x);

static int nomem(void) { return err_set(ERR_NOMEM, "out of memory evaluating an expression"); }

/* A result string copied into the row arena. */
static int ret_str(const struct expr *e, struct expr_ctx *ctx, const void *p, size_t n,
                   struct value *out)
{
    void *copy = arena_memdup(ctx->arena, n ? p : "", n ? n : 1);
    if (!copy)
        return nomem();
    *out = value_string(copy, n, e->type.coll);
    return 0;
}

static int ret_buf(const struct expr *e, struct expr_ctx *ctx, struct buf *b, struct value *out)
{
    int rc = ret_str(e, ctx, b->data, b->len, out);
    buf_deinit(b);
    return rc;
}

/* ---- Type callbacks ------------------------------------------------------ */

static void t_int(struct expr *e)
{
    sql_type_init(&e->type, SQL_TYPE_BIGINT);
    e->calc = EXPR_CALC_INT;
}

static void t_uint(struct expr *e)
{
    t_int(e);
    e->type.flags |= SQL_TYPE_UNSIGNED;
    e->calc = EXPR_CALC_UINT;
}

static void t_double(struct expr *e)
{
    sql_type_init(&e->type, SQL_TYPE_DOUBLE);
    e->calc = EXPR_CALC_DOUBLE;
}

/* A string in the collation of the first string argument. */
static void t_str(struct expr *e)
{
    uint16_t coll = COLLATION_UTF8MB4_DEFAULT;
    uint32_t len = 0;
    for (size_t i = 0; i < e->n_args; i++) {
        const struct sql_type *t = &e->args[i]->type;
        if (sql_type_is_string(t)) {
            coll = expr__coll_of(e->args[i]);
            break;
        }
    }
    for (size_t i = 0; i < e->n_args; i++)
        len += e->args[i]->type.length;
    expr__string_type(&e->type, coll, len);
    e->calc = EXPR_CALC_STRING;
}

/* A string in the connection's default collation (HEX, FORMAT, DATE_FORMAT, VERSION, ...). */
static void t_bin(struct expr *e)
{
    expr__string_type(&e->type, COLLATION_UTF8MB4_DEFAULT, 0);
    e->calc = EXPR_CALC_STRING;
}

static void t_binary(struct expr *e)
{
    expr__string_type(&e->type, COLLATION_BINARY, 0);
    e->calc = EXPR_CALC_STRING;
}

static void t_result(struct expr *e)
{
    expr__result_type(e, e->args, e->n_args);
}

static void t_if(struct expr *e)
{
    expr__result_type(e, e->args + 1, 2);
}

static void t_nullif(struct expr *e)
{
    e->type = e->args[0]->type;
    expr__result_type(e, e->args, 1);
}

/* Numbers keep the class of their argument: ABS, CEIL, FLOOR, ROUND, ... */
static void t_num(struct expr *e)
{
    const struct sql_type *a = &e->args[0]->type;
    if (sql_type_is_integer(a)) {
        t_int(e);
        if (a->flags & (SQL_TYPE_UNSIGNED | SQL_TYPE_ZEROFILL))
            t_uint(e);
    } else if (a->id == SQL_TYPE_DECIMAL) {
        e->type = *a;
        e->type.flags = 0;
        e->calc = EXPR_CALC_DECIMAL;
    } else {
        t_double(e);
    }
}

/* FLOOR/CEIL of a DECIMAL is an integer-valued DECIMAL (BIGINT when it fits: MySQL). */
static void t_floor(struct expr *e)
{
    t_num(e);
    if (e->calc == EXPR_CALC_DECIMAL) {
        int p = e->type.precision - e->type.scale + 1;
        if (p <= 18) {
            t_int(e);
        } else {
            e->type.precision = (uint8_t)p;
            e->type.scale = 0;
        }
    }
}

static void t_round(struct expr *e)
{
    t_num(e);
    if (e->calc != EXPR_CALC_DECIMAL)
        return;
    int d = 0;
    if (e->n_args > 1) {
        const struct expr *x = e->args[1];
        if (x->op == EXPR_CONST && x->value.tag == VALUE_INT)
            d = (int)(x->value.i < -30 ? -30 : x->value.i > 30 ? 30 : x->value.i);
        else
            d = e->type.scale;
    }
    struct decimal_type dt = {e->type.precision, e->type.scale};
    const char *name = expr_func_name((int)e->index);
    dt = decimal_type_round(dt, d, name && strcmp(name, "TRUNCATE") == 0);
    e->type.precision = dt.precision;
    e->type.scale = dt.scale;
}

static void t_date(struct expr *e)
{
    sql_type_init(&e->type, SQL_TYPE_DATE);
    e->calc = EXPR_CALC_TEMPORAL;
    e->flags |= EXPR_F_NULLABLE;
}

static void t_datetime(struct expr *e)
{
    sql_type_init(&e->type, SQL_TYPE_DATETIME);
    e->calc = EXPR_CALC_TEMPORAL;
    if (e->n_args == 1 && e->args[0]->op == EXPR_CONST && e->args[0]->value.tag == VALUE_INT)
        e->type.fsp = (uint8_t)(e->args[0]->value.i > 6 ? 6 : e->args[0]->value.i);
}

static void t_time(struct expr *e)
{
    t_datetime(e);
    e->type.id = SQL_TYPE_TIME;
}

/* DATE_ADD: a DATE stays a DATE for date units; strings give DATETIME text in MySQL (here DATETIME). */
static void t_date_add(struct expr *e)
{
    const struct expr *iv = e->args[1];
    enum datetime_unit u = iv->op == EXPR_INTERVAL ? (enum datetime_unit)iv->aux : DATETIME_UNIT_DAY;
    const struct sql_type *a = &e->args[0]->type;
    if (a->id == SQL_TYPE_DATE && datetime_unit_has_date(u) && u != DATETIME_UNIT_DAY_HOUR &&
        u != DATETIME_UNIT_DAY_MINUTE && u != DATETIME_UNIT_DAY_SECOND &&
        u != DATETIME_UNIT_DAY_MICROSECOND)
        t_date(e);
    else if (a->id == SQL_TYPE_TIME)
        t_time(e);
    else
        t_datetime(e);
    if (sql_type_is_string(a)) {
        /* MySQL's result is a string then, with a fraction only when there is one. */
        expr__string_type(&e->type, COLLATION_UTF8MB4_DEFAULT, 29);
        e->calc = EXPR_CALC_STRING;
    } else if (e->type.id != SQL_TYPE_DATE) {
        uint8_t f = arg_fsp(e->args[0]);
        bool micro = u == DATETIME_UNIT_MICROSECOND || u == DATETIME_UNIT_DAY_MICROSECOND ||
                     u == DATETIME_UNIT_HOUR_MICROSECOND || u == DATETIME_UNIT_MINUTE_MICROSECOND ||
                     u == DATETIME_UNIT_SECOND_MICROSECOND;
        if (micro)
            f = 6;
        else if (u == DATETIME_UNIT_SECOND && arg_fsp(iv->args[0]) > f)
            f = arg_fsp(iv->args[0]);
        e->type.fsp = f;
    }
    e->flags |= EXPR_F_NULLABLE;
}

/* Completes a comparison context with what only the statement knows (CURDATE, zone, mode). */
static void fill_how(struct expr_ctx *ctx, struct value_cmp *how, struct datetime *cd)
{
    datetime_now(&ctx->tz, ctx->now_us, 0, cd);
    datetime_to_date(cd);
    how->curdate = cd;
    how->tz = &ctx->tz;
    how->dt_flags = ctx->dt_flags;
}

/* ---- Control flow -------------------------------------------------------- */

static int f_if(EVAL_ARGS)
{
    int t, rc = expr_eval_bool(e->args[0], ctx, row, &t);
    if (rc < 0)
        return rc;
    const struct expr *x = e->args[t == 1 ? 1 : 2];
    if ((rc = expr_eval(x, ctx, row, out)) < 0)
        return rc;
    return expr__coerce(e, &x->type, ctx, out);
}

static int f_coalesce(EVAL_ARGS)
{
    for (size_t i = 0; i < e->n_args; i++) {
        int rc = expr_eval(e->args[i], ctx, row, out);
        if (rc < 0)
            return rc;
        if (out->tag != VALUE_NULL)
            return expr__coerce(e, &e->args[i]->type, ctx, out);
    }
    *out = value_null();
    return 0;
}

static int f_nullif(EVAL_ARGS)
{
    struct value a, b;
    ARG(0, a);
    int rc = expr_eval(e->args[1], ctx, row, &b);
    if (rc < 0)
        return rc;
    *out = a;
    if (b.tag != VALUE_NULL) {
        int c;
        struct value_cmp how = {0};
        if (sql_type_is_string(&e->args[0]->type) && sql_type_is_string(&e->args[1]->type)) {
            how.as = VALUE_CMP_STRING;
            how.coll = expr__coll_of(e->args[0]);
        }
        struct datetime cd;
        fill_how(ctx, &how, &cd);
        if ((rc = value_compare(&a, &b, &how, &c)) < 0)
            return rc;
        if (rc > 0)
            expr_warn(ctx, EXPR_WARN_WARNING, 1292, "%s", err_msg());
        if (c == 0)
            *out = value_null();
    }
    return 0;
}

static int f_isnull(EVAL_ARGS)
{
    int rc = expr_eval(e->args[0], ctx, row, out);
    if (rc < 0)
        return rc;
    *out = value_int(out->tag == VALUE_NULL);
    return 0;
}

/* ---- Strings ------------------------------------------------------------- */

static int f_concat(EVAL_ARGS)
{
    struct value stack[16], *v = stack;
    size_t total = 0, n = e->n_args;
    if (n > 16 && !(v = arena_alloc(ctx->arena, n * sizeof(*v))))
        return nomem();
    for (size_t i = 0; i < n; i++) {
        ARG_STR(i, v[i]);
        total += v[i].s.len;
    }
    uint8_t *p = arena_alloc(ctx->arena, total + 1);
    if (!p)
        return nomem();
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        memcpy(p + off, v[i].s.ptr, v[i].s.len);
        off += v[i].s.len;
    }
    *out = value_string(p, total, e->type.coll);
    return 0;
}

static int f_concat_ws(EVAL_ARGS)
{
    struct value sep, v;
    ARG_STR(0, sep);
    struct buf b;
    buf_init(&b);
    bool first = true;
    for (size_t i = 1; i < e->n_args; i++) {
        int rc = expr__eval_args_str(e, i, ctx, row, &v);
        if (rc < 0)
            goto fail;
        if (v.tag == VALUE_NULL)
            continue;
        if ((!first && buf_append(&b, sep.s.ptr, sep.s.len)) || buf_append(&b, v.s.ptr, v.s.len)) {
            rc = nomem();
        fail:
            buf_deinit(&b);
            return rc;
        }
        first = false;
    }
    return ret_buf(e, ctx, &b, out);
}

static int f_length(EVAL_ARGS)
{
    struct value s;
    ARG_STR(0, s);
    *out = value_int(s.s.len);
    return 0;
}

static const struct charset *cs_of_val(const struct value *s)
{
    const struct collation *c = collation_by_id(s->s.coll);
    return c ? c->charset : collation_default()->charset;
}

static int f_char_length(EVAL_ARGS)
{
    struct value s;
    ARG_STR(0, s);
    *out = value_int((int64_t)charset_char_count(cs_of_val(&s), s.s.ptr, s.s.len));
    return 0;
}

static int f_case(EVAL_ARGS, bool upper)
{
    struct value s;
    ARG_STR(0, s);
    if (s.s.len == 0) {
        *out = value_string("", 0, e->type.coll);
        return 0;
    }
    const struct collation *c = collation_by_id(s.s.coll);
    struct buf b;
    buf_init(&b);
    int rc = upper ? collation_upper(c, &b, s.s.ptr, s.s.len) : collation_lower(c, &b, s.s.ptr, s.s.len);
    if (rc < 0) {
        buf_deinit(&b);
        return rc;
    }
    return ret_buf(e, ctx, &b, out);
}

static int f_upper(EVAL_ARGS) { return f_case(e, ctx, row, out, true); }
static int f_lower(EVAL_ARGS) { return f_case(e, ctx, row, out, false); }

static int f_substr(EVAL_ARGS)
{
    struct value s;
    int64_t pos, cnt = INT64_MAX;
    ARG_STR(0, s);
    ARG_INT(1, pos);
    if (e->n_args > 2)
        ARG_INT(2, cnt);
    size_t off, n;
    charset_substr(cs_of_val(&s), s.s.ptr, s.s.len, pos, cnt, &off, &n);
    *out = value_string(s.s.ptr + off, n, e->type.coll);
    return 0;
}

static int f_left(EVAL_ARGS)
{
    struct value s;
    int64_t n;
    ARG_STR(0, s);
    ARG_INT(1, n);
    size_t b = n <= 0 ? 0 : charset_char_offset(cs_of_val(&s), s.s.ptr, s.s.len, (size_t)n);
    *out = value_string(s.s.ptr, b, e->type.coll);
    return 0;
}

static int f_right(EVAL_ARGS)
{
    struct value s;
    int64_t n;
    ARG_STR(0, s);
    ARG_INT(1, n);
    const struct charset *cs = cs_of_val(&s);
    size_t chars = charset_char_count(cs, s.s.ptr, s.s.len);
    size_t skip = n <= 0 ? chars : (uint64_t)n >= chars ? 0 : chars - (size_t)n;
    size_t b = charset_char_offset(cs, s.s.ptr, s.s.len, skip);
    *out = value_string(s.s.ptr + b, s.s.len - b, e->type.coll);
    return 0;
}

/* TRIM family: how 1 leading, 2 trailing, 3 both; remstr default ' '. */
static int do_trim(EVAL_ARGS, int how)
{
    struct value s, r;
    ARG_STR(0, s);
    const uint8_t *rp = (const uint8_t *)" ";
    size_t rn = 1;
    if (e->n_args > 1) {
        ARG_STR(1, r);
        rp = r.s.ptr;
        rn = r.s.len;
    }
    const uint8_t *p = s.s.ptr;
    size_t n = s.s.len;
    if (rn) {
        if (how & 1)
            while (n >= rn && memcmp(p, rp, rn) == 0)
                p += rn, n -= rn;
        if (how & 2)
            while (n >= rn && memcmp(p + n - rn, rp, rn) == 0)
                n -= rn;
    }
    *out = value_string(p, n, e->type.coll);
    return 0;
}

static int f_trim(EVAL_ARGS) { return do_trim(e, ctx, row, out, 3); }
static int f_ltrim(EVAL_ARGS) { return do_trim(e, ctx, row, out, 1); }
static int f_rtrim(EVAL_ARGS) { return do_trim(e, ctx, row, out, 2); }

static int f_replace(EVAL_ARGS)
{
    struct value s, from, to;
    ARG_STR(0, s);
    ARG_STR(1, from);
    ARG_STR(2, to);
    if (from.s.len == 0) {
        *out = s;
        return 0;
    }
    struct buf b;
    buf_init(&b);
    size_t i = 0;
    while (i < s.s.len) {
        if (i + from.s.len <= s.s.len && memcmp(s.s.ptr + i, from.s.ptr, from.s.len) == 0) {
            if (buf_append(&b, to.s.ptr, to.s.len))
                goto oom;
            i += from.s.len;
        } else {
            if (buf_append(&b, s.s.ptr + i, 1))
                goto oom;
            i++;
        }
    }
    return ret_buf(e, ctx, &b, out);
oom:
    buf_deinit(&b);
    return nomem();
}

static int f_repeat(EVAL_ARGS)
{
    struct value s;
    int64_t n;
    ARG_STR(0, s);
    ARG_INT(1, n);
    if (n <= 0 || s.s.len == 0) {
        *out = value_string("", 0, e->type.coll);
        return 0;
    }
    if ((uint64_t)n * s.s.len > 64u * 1024 * 1024) {
        expr_warn(ctx, EXPR_WARN_WARNING, 1301,
                  "Result of repeat() was larger than max_allowed_packet (67108864) - truncated");
        *out = value_null();
        return 0;
    }
    uint8_t *p = arena_alloc(ctx->arena, (size_t)n * s.s.len);
    if (!p)
        return nomem();
    for (int64_t i = 0; i < n; i++)
        memcpy(p + (size_t)i * s.s.len, s.s.ptr, s.s.len);
    *out = value_string(p, (size_t)n * s.s.len, e->type.coll);
    return 0;
}

static int f_reverse(EVAL_ARGS)
{
    struct value s;
    ARG_STR(0, s);
    const struct charset *cs = cs_of_val(&s);
    uint8_t *p = arena_alloc(ctx->arena, s.s.len + 1);
    if (!p)
        return nomem();
    size_t i = 0, o = s.s.len;
    while (i < s.s.len) {
        uint32_t cp;
        size_t k = charset_decode(cs, s.s.ptr + i, s.s.len - i, &cp);
        if (k == 0)
            k = 1;
        o -= k;
        memcpy(p + o, s.s.ptr + i, k);
        i += k;
    }
    *out = value_string(p, s.s.len, e->type.coll);
    return 0;
}

static int do_pad(EVAL_ARGS, bool left)
{
    struct value s, pad;
    int64_t n;
    ARG_STR(0, s);
    ARG_INT(1, n);
    ARG_STR(2, pad);
    if (n < 0) {
        *out = value_null();
        return 0;
    }
    const struct charset *cs = cs_of_val(&s);
    size_t have = charset_char_count(cs, s.s.ptr, s.s.len);
    if ((uint64_t)n <= have) {
        *out = value_string(s.s.ptr, charset_char_offset(cs, s.s.ptr, s.s.len, (size_t)n), e->type.coll);
        return 0;
    }
    if (pad.s.len == 0 || (uint64_t)n > 64u * 1024 * 1024) {
        if (pad.s.len)
            expr_warn(ctx, EXPR_WARN_WARNING, 1301,
                      "Result of %s() was larger than max_allowed_packet (67108864) - truncated",
                      left ? "lpad" : "rpad");
        *out = value_null();
        return 0;
    }
    size_t need = (size_t)n - have, pchars = charset_char_count(cs, pad.s.ptr, pad.s.len);
    struct buf b;
    buf_init(&b);
    int rc = 0;
    if (!left)
        rc = buf_append(&b, s.s.ptr, s.s.len);
    while (!rc && need) {
        size_t take = need < pchars ? need : pchars;
        rc = buf_append(&b, pad.s.ptr, charset_char_offset(cs, pad.s.ptr, pad.s.len, take));
        need -= take;
    }
    if (!rc && left)
        rc = buf_append(&b, s.s.ptr, s.s.len);
    if (rc) {
        buf_deinit(&b);
        return nomem();
    }
    return ret_buf(e, ctx, &b, out);
}

static int f_lpad(EVAL_ARGS) { return do_pad(e, ctx, row, out, true); }
static int f_rpad(EVAL_ARGS) { return do_pad(e, ctx, row, out, false); }

/* 1-based character position of needle in hay from character start (0 = not found). */
static int64_t locate(const struct value *hay, const struct value *needle, int64_t start,
                      const struct collation *c)
{
    const struct charset *cs = c->charset;
    size_t chars = charset_char_count(cs, hay->s.ptr, hay->s.len);
    size_t nchars = charset_char_count(cs, needle->s.ptr, needle->s.len);
    if (start < 1 || (uint64_t)start > chars + 1)
        return 0;
    size_t a = charset_char_offset(cs, hay->s.ptr, hay->s.len, (size_t)start - 1);
    for (size_t i = (size_t)start - 1; i + nchars <= chars; i++) {
        /* a: byte offset of character i; the window holds nchars characters. */
        size_t w = charset_char_offset(cs, hay->s.ptr + a, hay->s.len - a, nchars);
        if (collation_equal(c, hay->s.ptr + a, w, needle->s.ptr, needle->s.len))
            return (int64_t)i + 1;
        a += charset_char_offset(cs, hay->s.ptr + a, hay->s.len - a, 1);
    }
    return 0;
}

static const struct collation *coll_of_args(const struct value *a, const struct value *b)
{
    uint16_t id = a->s.coll == COLLATION_BINARY || b->s.coll == COLLATION_BINARY ? COLLATION_BINARY : a->s.coll;
    const struct collation *c = collation_by_id(id);
    return c ? c : collation_default();
}

static int f_instr(EVAL_ARGS)
{
    struct value s, sub;
    ARG_STR(0, s);
    ARG_STR(1, sub);
    *out = value_int(locate(&s, &sub, 1, coll_of_args(&s, &sub)));
    return 0;
}

static int f_locate(EVAL_ARGS)
{
    struct value s, sub;
    int64_t start = 1;
    ARG_STR(0, sub);
    ARG_STR(1, s);
    if (e->n_args > 2)
        ARG_INT(2, start);
    *out = value_int(locate(&s, &sub, start, coll_of_args(&s, &sub)));
    return 0;
}

static int f_ascii(EVAL_ARGS)
{
    struct value s;
    ARG_STR(0, s);
    *out = value_int(s.s.len ? s.s.ptr[0] : 0);
    return 0;
}

static int f_hex(EVAL_ARGS)
{
    struct value v;
    ARG(0, v);
    char tmp[32];
    const uint8_t *p;
    size_t n;
    if (v.tag == VALUE_STRING) {
        p = v.s.ptr;
        n = v.s.len;
    } else {
        uint64_t u;
        if (v.tag == VALUE_UINT) {
            u = v.u;
        } else {
            int64_t i;
            int rc = expr__get_int(ctx, &v, &i);
            if (rc < 0)
                return rc;
            u = (uint64_t)i;
        }
        n = (size_t)snprintf(tmp, sizeof(tmp), "%llX", (unsigned long long)u);
        return ret_str(e, ctx, tmp, n, out);
    }
    char *o = arena_alloc(ctx->arena, 2 * n + 1);
    if (!o)
        return nomem();
    static const char hx[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        o[2 * i] = hx[p[i] >> 4];
        o[2 * i + 1] = hx[p[i] & 15];
    }
    *out = value_string(o, 2 * n, e->type.coll);
    return 0;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int f_unhex(EVAL_ARGS)
{
    struct value s;
    ARG_STR(0, s);
    size_t n = (s.s.len + 1) / 2;
    uint8_t *o = arena_alloc(ctx->arena, n + 1);
    if (!o)
        return nomem();
    size_t i = 0, k = 0;
    if (s.s.len & 1) {
        int h = hexval(s.s.ptr[0]);
        if (h < 0)
            goto bad;
        o[k++] = (uint8_t)h;
        i = 1;
    }
    for (; i < s.s.len; i += 2) {
        int h = hexval(s.s.ptr[i]), l = hexval(s.s.ptr[i + 1]);
        if (h < 0 || l < 0)
            goto bad;
        o[k++] = (uint8_t)(h << 4 | l);
    }
    *out = value_string(o, k, COLLATION_BINARY);
    return 0;
bad:
    *out = value_null();
    return 0;
}

static int f_space(EVAL_ARGS)
{
    int64_t n;
    ARG_INT(0, n);
    if (n < 0)
        n = 0;
    if (n > 64 * 1024 * 1024) {
        *out = value_null();
        return 0;
    }
    char *p = arena_alloc(ctx->arena, (size_t)n + 1);
    if (!p)
        return nomem();
    memset(p, ' ', (size_t)n);
    *out = value_string(p, (size_t)n, e->type.coll);
    return 0;
}

static int f_strcmp(EVAL_ARGS)
{
    struct value a, b;
    ARG_STR(0, a);
    ARG_STR(1, b);
    int c = collation_compare(coll_of_args(&a, &b), a.s.ptr, a.s.len, b.s.ptr, b.s.len);
    *out = value_int((c > 0) - (c < 0));
    return 0;
}

static int f_field(EVAL_ARGS)
{
    struct value x;
    int rc = expr_eval(e->args[0], ctx, row, &x);
    if (rc < 0)
        return rc;
    *out = value_int(0);
    if (x.tag == VALUE_NULL)
        return 0;
    bool all_str = true;
    for (size_t i = 0; i < e->n_args; i++)
        if (!sql_type_is_string(&e->args[i]->type))
            all_str = false;
    struct value_cmp how = {0};
    how.as = all_str ? VALUE_CMP_STRING : VALUE_CMP_DOUBLE;
    how.coll = expr__coll_of(e->args[0]);
    struct datetime cd;
    fill_how(ctx, &how, &cd);
    for (size_t i = 1; i < e->n_args; i++) {
        struct value y;
        if ((rc = expr_eval(e->args[i], ctx, row, &y)) < 0)
            return rc;
        if (y.tag == VALUE_NULL)
            continue;
        int c;
        if ((rc = value_compare(&x, &y, &how, &c)) < 0)
            return rc;
        if (c == 0) {
            *out = value_int((int64_t)i);
            return 0;
        }
    }
    return 0;
}

static int f_find_in_set(EVAL_ARGS)
{
    struct value x, set;
    ARG_STR(0, x);
    ARG_STR(1, set);
    const struct collation *c = coll_of_args(&x, &set);
    int64_t idx = 1;
    size_t start = 0;
    for (size_t i = 0; i <= set.s.len; i++) {
        if (i == set.s.len || set.s.ptr[i] == ',') {
            if (collation_equal(c, set.s.ptr + start, i - start, x.s.ptr, x.s.len)) {
                *out = value_int(idx);
                return 0;
            }
            idx++;
            start = i + 1;
        }
    }
    *out = value_int(0);
    return 0;
}

static int f_elt(EVAL_ARGS)
{
    int64_t n;
    ARG_INT(0, n);
    if (n < 1 || (uint64_t)n >= e->n_args) {
        *out = value_null();
        return 0;
    }
    int rc = expr__eval_args_str(e, (size_t)n, ctx, row, out);
    if (rc == 0 && out->tag == VALUE_STRING)
        out->s.coll = e->type.coll;
    return rc;
}

static int f_quote(EVAL_ARGS)
{
    struct value s;
    int rc = expr__eval_args_str(e, 0, ctx, row, &s);
    if (rc < 0)
        return rc;
    if (s.tag == VALUE_NULL)
        return ret_str(e, ctx, "NULL", 4, out);
    struct buf b;
    buf_init(&b);
    rc = buf_put_u8(&b, '\'');
    for (uint32_t i = 0; i < s.s.len && !rc; i++) {
        uint8_t c = s.s.ptr[i];
        if (c == '\'' || c == '\\')
            rc = buf_put_u8(&b, '\\') || buf_put_u8(&b, c);
        else if (c == 0)
            rc = buf_append(&b, "\\0", 2);
        else if (c == 26)
            rc = buf_append(&b, "\\Z", 2);
        else
            rc = buf_put_u8(&b, c);
    }
    if (rc || buf_put_u8(&b, '\'')) {
        buf_deinit(&b);
        return nomem();
    }
    return ret_buf(e, ctx, &b, out);
}

static int f_to_base64(EVAL_ARGS)
{
    struct value s;
    ARG_STR(0, s);
    size_t n = 4 * ((s.s.len + 2) / 3);
    size_t lines = n / 76;
    unsigned char *tmp = arena_alloc(ctx->arena, n + 1);
    char *o = arena_alloc(ctx->arena, n + lines + 1);
    if (!tmp || !o)
        return nomem();
    EVP_EncodeBlock(tmp, s.s.ptr, (int)s.s.len);
    /* MySQL breaks lines every 76 characters. */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && i % 76 == 0)
            o[k++] = '\n';
        o[k++] = (char)tmp[i];
    }
    *out = value_string(o, k, e->type.coll);
    return 0;
}

static int f_from_base64(EVAL_ARGS)
{
    struct value s;
    ARG_STR(0, s);
    char *clean = arena_alloc(ctx->arena, s.s.len + 1);
    uint8_t *o = arena_alloc(ctx->arena, s.s.len + 1);
    if (!clean || !o)
        return nomem();
    size_t n = 0, pad = 0;
    for (uint32_t i = 0; i < s.s.len; i++) {
        uint8_t c = s.s.ptr[i];
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
            continue;
        clean[n++] = (char)c;
        if (c == '=')
            pad++;
    }
    if (n % 4 != 0) {
        *out = value_null();
        return 0;
    }
    int k = EVP_DecodeBlock(o, (unsigned char *)clean, (int)n);
    if (k < 0) {
        *out = value_null();
        return 0;
    }
    *out = value_string(o, (size_t)k - pad, COLLATION_BINARY);
    return 0;
}

static int digest(EVAL_ARGS, const EVP_MD *md)
{
    struct value s;
    ARG_STR(0, s);
    unsigned char h[EVP_MAX_MD_SIZE];
    unsigned int hn = 0;
    if (!md || !EVP_Digest(s.s.ptr, s.s.len, h, &hn, md, NULL))
        return err_set(ERR_INTERNAL, "digest failed");
    char *o = arena_alloc(ctx->arena, 2 * hn + 1);
    if (!o)
        return nomem();
    static const char hx[] = "0123456789abcdef";
    for (unsigned i = 0; i < hn; i++) {
        o[2 * i] = hx[h[i] >> 4];
        o[2 * i + 1] = hx[h[i] & 15];
    }
    *out = value_string(o, 2 * hn, e->type.coll);
    return 0;
}

static int f_md5(EVAL_ARGS) { return digest(e, ctx, row, out, EVP_md5()); }
static int f_sha1(EVAL_ARGS) { return digest(e, ctx, row, out, EVP_sha1()); }

static int f_sha2(EVAL_ARGS)
{
    int64_t bits;
    ARG_INT(1, bits);
    const EVP_MD *md = bits == 224 ? EVP_sha224() : bits == 256 || bits == 0 ? EVP_sha256()
                     : bits == 384 ? EVP_sha384() : bits == 512 ? EVP_sha512() : NULL;
    if (!md) {
        *out = value_null();
        return 0;
    }
    return digest(e, ctx, row, out, md);
}

static int f_char(EVAL_ARGS)
{
    struct buf b;
    buf_init(&b);
    for (size_t i = 0; i < e->n_args; i++) {
        struct value v;
        int rc = expr_eval(e->args[i], ctx, row, &v);
        if (rc < 0) {
            buf_deinit(&b);
            return rc;
        }
        if (v.tag == VALUE_NULL)
            continue;
        int64_t x = 0;
        expr__get_int(ctx, &v, &x);
        uint32_t u = (uint32_t)x;
        uint8_t bytes[4] = {(uint8_t)(u >> 24), (uint8_t)(u >> 16), (uint8_t)(u >> 8), (uint8_t)u};
        int k = u > 0xFFFFFF ? 0 : u > 0xFFFF ? 1 : u > 0xFF ? 2 : 3;
        if (buf_append(&b, bytes + k, (size_t)(4 - k))) {
            buf_deinit(&b);
            return nomem();
        }
    }
    return ret_buf(e, ctx, &b, out);
}

/* FORMAT(x, d): rounded to d decimals with ',' every three digits (en_US). */
static int f_format(EVAL_ARGS)
{
    struct value v;
    int64_t d;
    ARG(0, v);
    ARG_INT(1, d);
    if (d < 0) d = 0;
    if (d > 30) d = 30;
    char num[DECIMAL_STR_MAX + 8];
    struct decimal x, r;
    int rc = expr__get_decimal(ctx, &v, &x);
    if (rc < 0)
        return rc;
    if (v.tag == VALUE_DOUBLE) {
        snprintf(num, sizeof(num), "%.*f", (int)d, v.d);
    } else {
        decimal_round(&r, &x, (int)d);
        decimal_to_str_scale(&r, (int)d, num);
    }
    char o[DECIMAL_STR_MAX * 2];
    const char *p = num;
    size_t k = 0;
    if (*p == '-')
        o[k++] = *p++;
    size_t intlen = strcspn(p, ".");
    for (size_t i = 0; i < intlen; i++) {
        if (i && (intlen - i) % 3 == 0)
            o[k++] = ',';
        o[k++] = p[i];
    }
    strcpy(o + k, p + intlen);
    return ret_str(e, ctx, o, strlen(o), out);
}

/* ---- Numbers --------------------------------------------------------------- */

static int f_abs(EVAL_ARGS)
{
    struct value v;
    ARG(0, v);
    int rc;
    switch (e->calc) {
    case EXPR_CALC_INT: {
        int64_t i;
        if ((rc = expr__get_int(ctx, &v, &i)) < 0)
            return rc;
        if (i == INT64_MIN) {
            ctx->mysql_errno = 1690;
            return err_set(ERR_INVALID, "BIGINT value is out of range in 'abs(%lld)'", (long long)i);
        }
        *out = value_int(i < 0 ? -i : i);
        return 0;
    }
    case EXPR_CALC_UINT:
        *out = v;
        return expr__coerce(e, &e->args[0]->type, ctx, out);
    case EXPR_CALC_DECIMAL: {
        struct decimal d;
        if ((rc = expr__get_decimal(ctx, &v, &d)) < 0)
            return rc;
        decimal_abs(&d, &d);
        *out = value_decimal(&d);
        return 0;
    }
    default: {
        double d;
        if ((rc = expr__get_double(ctx, &v, &d)) < 0)
            return rc;
        *out = value_double(fabs(d));
        return 0;
    }
    }
}

static int f_sign(EVAL_ARGS)
{
    struct value v;
    ARG(0, v);
    int s;
    if (v.tag == VALUE_INT) s = (v.i > 0) - (v.i < 0);
    else if (v.tag == VALUE_UINT) s = v.u > 0;
    else if (v.tag == VALUE_DECIMAL) s = decimal_sign(&v.dec);
    else {
        double d;
        int rc = expr__get_double(ctx, &v, &d);
        if (rc < 0)
            return rc;
        s = (d > 0) - (d < 0);
    }
    *out = value_int(s);
    return 0;
}

/* FLOOR (mode 0), CEIL (1), ROUND (2), TRUNCATE (3). */
static int rounder(EVAL_ARGS, int mode)
{
    struct value v;
    int64_t dd = 0;
    ARG(0, v);
    if (e->n_args > 1)
        ARG_INT(1, dd);
    int d = (int)(dd < -60 ? -60 : dd > 60 ? 60 : dd);
    int rc;
    if (e->calc == EXPR_CALC_INT || e->calc == EXPR_CALC_UINT) {
        if (v.tag == VALUE_DECIMAL) {
            /* FLOOR/CEIL of a DECIMAL typed as BIGINT. */
            struct decimal r;
            rc = mode == 0 ? decimal_floor(&r, &v.dec) : mode == 1 ? decimal_ceil(&r, &v.dec)
                           : mode == 2 ? decimal_round(&r, &v.dec, d) : decimal_truncate(&r, &v.dec, d);
            int64_t i;
            decimal_to_int64(&r, &i);
            *out = value_int(i);
            return 0;
        }
        if (d >= 0 || mode < 2) {
            *out = v;
            return expr__coerce(e, &e->args[0]->type, ctx, out);
        }
        __int128 x = v.tag == VALUE_UINT ? (__int128)v.u : (__int128)v.i, p = 1;
        for (int i = 0; i < -d && i < 20; i++)
            p *= 10;
        __int128 q = x / p * p;
        if (mode == 2 && (x - q) * 2 >= p)
            q += p;
        else if (mode == 2 && (x - q) * 2 <= -p)
            q -= p;
        if (e->calc == EXPR_CALC_UINT)
            *out = value_uint((uint64_t)q);
        else if (q > INT64_MAX || q < INT64_MIN) {
            ctx->mysql_errno = 1690;
            return err_set(ERR_INVALID, "BIGINT value is out of range in 'round'");
        } else
            *out = value_int((int64_t)q);
        return 0;
    }
    if (e->calc == EXPR_CALC_DECIMAL) {
        struct decimal x, r;
        if ((rc = expr__get_decimal(ctx, &v, &x)) < 0)
            return rc;
        rc = mode == 0 ? decimal_floor(&r, &x) : mode == 1 ? decimal_ceil(&r, &x)
                       : mode == 2 ? decimal_round(&r, &x, d) : decimal_truncate(&r, &x, d);
        if (rc < 0) {
            ctx->mysql_errno = 1690;
            return err_set(ERR_INVALID, "DECIMAL value is out of range");
        }
        *out = value_decimal(&r);
        return 0;
    }
    double x, r;
    if ((rc = expr__get_double(ctx, &v, &x)) < 0)
        return rc;
    if (mode == 0) r = floor(x);
    else if (mode == 1) r = ceil(x);
    else {
        double p = pow(10.0, fabs((double)d));
        double y = d >= 0 ? x * p : x / p;
        /* MySQL's my_double_round: rint (ties to even) for ROUND, trunc for TRUNCATE. */
        y = mode == 2 ? rint(y) : trunc(y);
        r = d >= 0 ? y / p : y * p;
        if (!isfinite(r))
            r = x;
    }
    *out = value_double(r);
    return 0;
}

static int f_floor(EVAL_ARGS) { return rounder(e, ctx, row, out, 0); }
static int f_ceil(EVAL_ARGS) { return rounder(e, ctx, row, out, 1); }
static int f_round(EVAL_ARGS) { return rounder(e, ctx, row, out, 2); }
static int f_truncate(EVAL_ARGS) { return rounder(e, ctx, row, out, 3); }

static int f_mod(EVAL_ARGS)
{
    struct expr tmp = *e;
    tmp.op = EXPR_MOD;
    return expr_eval(&tmp, ctx, row, out);
}

static void t_mod(struct expr *e)
{
    /* As the % operator types: integers stay integers, exact operands make a DECIMAL. */
    const struct sql_type *a = &e->args[0]->type, *b = &e->args[1]->type;
    if (sql_type_is_integer(a) && sql_type_is_integer(b)) {
        t_int(e);
        if (a->flags & SQL_TYPE_UNSIGNED)
            t_uint(e);
    } else if ((sql_type_is_integer(a) || a->id == SQL_TYPE_DECIMAL) &&
               (sql_type_is_integer(b) || b->id == SQL_TYPE_DECIMAL)) {
        sql_type_init(&e->type, SQL_TYPE_DECIMAL);
        e->type.precision = 65;
        uint8_t sa = a->id == SQL_TYPE_DECIMAL ? a->scale : 0, sb = b->id == SQL_TYPE_DECIMAL ? b->scale : 0;
        e->type.scale = sa > sb ? sa : sb;
        e->calc = EXPR_CALC_DECIMAL;
    } else {
        t_double(e);
    }
    e->flags |= EXPR_F_NULLABLE;
}

/* Math functions over doubles; NULL where MySQL gives NULL (domain errors). */
static int math1(EVAL_ARGS, int which)
{
    double x, r;
    ARG_DBL(0, x);
    switch (which) {
    case 0: if (x < 0) goto null; r = sqrt(x); break;
    case 1: r = exp(x); break;
    case 2: if (x <= 0) goto warn; r = log(x); break;
    case 3: if (x <= 0) goto warn; r = log2(x); break;
    case 4: if (x <= 0) goto warn; r = log10(x); break;
    case 5: r = sin(x); break;
    case 6: r = cos(x); break;
    case 7: r = tan(x); break;
    case 8: if (x < -1 || x > 1) goto null; r = asin(x); break;
    case 9: if (x < -1 || x > 1) goto null; r = acos(x); break;
    case 10: r = atan(x); break;
    case 11:
        if (tan(x) == 0) {
            ctx->mysql_errno = 1690;
            return err_set(ERR_INVALID, "DOUBLE value is out of range in 'cot(%g)'", x);
        }
        r = 1.0 / tan(x);
        break;
    case 12: r = x * 180.0 / M_PI; break;
    default: r = x / 180.0 * M_PI; break;
    }
    if (!isfinite(r)) {
        ctx->mysql_errno = 1690;
        return err_set(ERR_INVALID, "DOUBLE value is out of range");
    }
    *out = value_double(r);
    return 0;
warn:
    expr_warn(ctx, EXPR_WARN_WARNING, 3020, "Invalid argument for logarithm");
null:
    *out = value_null();
    return 0;
}

#define MATH1(name, k) static int name(EVAL_ARGS) { return math1(e, ctx, row, out, k); }
MATH1(f_sqrt, 0)
MATH1(f_exp, 1)
MATH1(f_ln, 2)
MATH1(f_log2, 3)
MATH1(f_log10, 4)
MATH1(f_sin, 5)
MATH1(f_cos, 6)
MATH1(f_tan, 7)
MATH1(f_asin, 8)
MATH1(f_acos, 9)
MATH1(f_cot, 11)
MATH1(f_degrees, 12)
MATH1(f_radians, 13)

static int f_log(EVAL_ARGS)
{
    if (e->n_args == 1)
        return math1(e, ctx, row, out, 2);
    double b, x;
    ARG_DBL(0, b);
    ARG_DBL(1, x);
    if (x <= 0 || b <= 0 || b == 1) {
        expr_warn(ctx, EXPR_WARN_WARNING, 3020, "Invalid argument for logarithm");
        *out = value_null();
        return 0;
    }
    *out = value_double(log(x) / log(b));
    return 0;
}

static int f_atan(EVAL_ARGS)
{
    if (e->n_args == 1)
        return math1(e, ctx, row, out, 10);
    double y, x;
    ARG_DBL(0, y);
    ARG_DBL(1, x);
    *out = value_double(atan2(y, x));
    return 0;
}

static int f_pow(EVAL_ARGS)
{
    double x, y;
    ARG_DBL(0, x);
    ARG_DBL(1, y);
    double r = pow(x, y);
    if (!isfinite(r)) {
        ctx->mysql_errno = 1690;
        return err_set(ERR_INVALID, "DOUBLE value is out of range in 'pow(%g,%g)'", x, y);
    }
    *out = value_double(r);
    return 0;
}

static int f_pi(EVAL_ARGS)
{
    (void)e; (void)ctx; (void)row;
    *out = value_double(M_PI);
    return 0;
}

static void t_pi(struct expr *e)
{
    t_double(e);
    e->type.scale = 6; /* MySQL shows PI() with 6 decimals. */
}

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static int f_rand(EVAL_ARGS)
{
    (void)row;
    if (e->n_args == 1) {
        /* RAND(n): the sequence restarts from n for the statement (seeded on first use). */
        struct value v;
        ARG(0, v);
        int64_t seed;
        expr__get_int(ctx, &v, &seed);
        if (!(ctx->rand_state & 1ull << 63) || ctx->rand_state >> 32 != ((uint64_t)seed & 0x7FFFFFFF)) {
            ctx->rand_state = (1ull << 63) | ((uint64_t)seed & 0x7FFFFFFF) << 32;
        }
        uint64_t lo = ctx->rand_state & 0xFFFFFFFF;
        uint64_t st = (uint64_t)seed * 0x2545F4914F6CDD1Dull + lo;
        ctx->rand_state = (ctx->rand_state & ~0xFFFFFFFFull) | ((lo + 1) & 0xFFFFFFFF);
        *out = value_double((double)(splitmix(&st) >> 11) / 9007199254740992.0);
        return 0;
    }
    *out = value_double((double)(splitmix(&ctx->rand_state) >> 11) / 9007199254740992.0);
    return 0;
}

static int f_greatest_least(EVAL_ARGS, int sign)
{
    struct value best, v;
    ARG(0, best);
    struct value_cmp how = {0};
    switch (e->calc) {
    case EXPR_CALC_INT: case EXPR_CALC_UINT: how.as = VALUE_CMP_INT; break;
    case EXPR_CALC_DECIMAL: how.as = VALUE_CMP_DECIMAL; break;
    case EXPR_CALC_DOUBLE: how.as = VALUE_CMP_DOUBLE; break;
    case EXPR_CALC_TEMPORAL: how.as = VALUE_CMP_DATETIME; break;
    default: how.as = VALUE_CMP_STRING; how.coll = e->type.coll; break;
    }
    struct datetime cd;
    fill_how(ctx, &how, &cd);
    const struct sql_type *bt = &e->args[0]->type;
    for (size_t i = 1; i < e->n_args; i++) {
        ARG(i, v);
        int c, rc = value_compare(&v, &best, &how, &c);
        if (rc < 0)
            return rc;
        if (rc > 0)
            expr_warn(ctx, EXPR_WARN_WARNING, 1292, "%s", err_msg());
        if (c * sign > 0) {
            best = v;
            bt = &e->args[i]->type;
        }
    }
    *out = best;
    return expr__coerce(e, bt, ctx, out);
}

static int f_greatest(EVAL_ARGS) { return f_greatest_least(e, ctx, row, out, 1); }
static int f_least(EVAL_ARGS) { return f_greatest_least(e, ctx, row, out, -1); }

/* CRC-32 (ISO-HDLC, zlib's), bit by bit: CRC32() is rare enough not to need a table. */
static uint32_t crc32_iso(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
}

static int f_crc32(EVAL_ARGS)
{
    struct value s;
    ARG_STR(0, s);
    *out = value_uint(crc32_iso(s.s.ptr, s.s.len));
    return 0;
}

/* CONV(n, from, to), BIN(n) = CONV(n, 10, 2), OCT(n) = CONV(n, 10, 8). */
static int conv(EVAL_ARGS, int64_t from, int64_t to, bool fixed)
{
    struct value s;
    ARG_STR(0, s);
    if (!fixed) {
        ARG_INT(1, from);
        ARG_INT(2, to);
    }
    bool to_signed = to < 0;
    if (from < 0) from = from < -36 ? 0 : -from;
    if (to < 0) to = to < -36 ? 0 : -to;
    if (from < 2 || from > 36 || to < 2 || to > 36) {
        *out = value_null();
        return 0;
    }
    size_t i = 0;
    while (i < s.s.len && isspace(s.s.ptr[i]))
        i++;
    bool neg = false;
    if (i < s.s.len && s.s.ptr[i] == '-')
        neg = true, i++;
    uint64_t u = 0;
    bool ovf = false;
    for (; i < s.s.len; i++) {
        int c = s.s.ptr[i], d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (c >= 'a' && c <= 'z') d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'Z') d = c - 'A' + 10;
        else break;
        if (d >= from)
            break;
        if (u > (UINT64_MAX - (uint64_t)d) / (uint64_t)from)
            ovf = true;
        u = u * (uint64_t)from + (uint64_t)d;
    }
    if (ovf)
        u = UINT64_MAX;
    if (neg)
        u = 0 - u;
    char buf[70];
    size_t k = sizeof(buf);
    bool oneg = false;
    if (to_signed && (int64_t)u < 0) {
        oneg = true;
        u = 0 - u;
    }
    do {
        int d = (int)(u % (uint64_t)to);
        buf[--k] = (char)(d < 10 ? '0' + d : 'A' + d - 10);
        u /= (uint64_t)to;
    } while (u);
    if (oneg)
        buf[--k] = '-';
    return ret_str(e, ctx, buf + k, sizeof(buf) - k, out);
}

static int f_conv(EVAL_ARGS) { return conv(e, ctx, row, out, 0, 0, false); }
static int f_bin(EVAL_ARGS) { return conv(e, ctx, row, out, 10, 2, true); }
static int f_oct(EVAL_ARGS) { return conv(e, ctx, row, out, 10, 8, true); }

/* ---- Information --------------------------------------------------------- */

static int f_version(EVAL_ARGS)
{
    (void)row;
    return ret_str(e, ctx, "8.0.36-atoll", 12, out);
}

static int f_database(EVAL_ARGS)
{
    (void)row;
    if (!ctx->database) {
        *out = value_null();
        return 0;
    }
    return ret_str(e, ctx, ctx->database, strlen(ctx->database), out);
}

static int f_user(EVAL_ARGS)
{
    (void)row;
    const char *u = ctx->user ? ctx->user : "";
    return ret_str(e, ctx, u, strlen(u), out);
}

static int f_connection_id(EVAL_ARGS)
{
    (void)e; (void)row;
    *out = value_uint(ctx->connection_id);
    return 0;
}

static int f_last_insert_id(EVAL_ARGS)
{
    if (e->n_args == 1) {
        /* LAST_INSERT_ID(x) returns x and sets the value for the session (the caller reads it back). */
        int64_t x;
        ARG_INT(0, x);
        ctx->last_insert_id = (uint64_t)x;
    }
    (void)row;
    *out = value_uint(ctx->last_insert_id);
    return 0;
}

static int f_row_count(EVAL_ARGS)
{
    (void)e; (void)row;
    *out = value_int(ctx->row_count);
    return 0;
}

static int f_found_rows(EVAL_ARGS)
{
    (void)e; (void)row;
    *out = value_uint(ctx->found_rows);
    return 0;
}

static int f_uuid(EVAL_ARGS)
{
    (void)row;
    uint8_t b[16];
    uint64_t x = splitmix(&ctx->rand_state) ^ (uint64_t)ctx->now_us, y = splitmix(&ctx->rand_state);
    memcpy(b, &x, 8);
    memcpy(b + 8, &y, 8);
    b[6] = (uint8_t)((b[6] & 0x0F) | 0x40); /* Version 4 (random); MySQL's is version 1. */
    b[8] = (uint8_t)((b[8] & 0x3F) | 0x80);
    char s[37];
    snprintf(s, sizeof(s),
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
             b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    return ret_str(e, ctx, s, 36, out);
}

static int f_sleep(EVAL_ARGS)
{
    double secs;
    ARG_DBL(0, secs);
    struct timespec ts = {0, 10 * 1000 * 1000};
    for (double left = secs; left > 0; left -= 0.01) {
        if (ctx->killed && *ctx->killed) {
            *out = value_int(1); /* MySQL returns 1 when the sleep is interrupted. */
            return 0;
        }
        if (left < 0.01)
            ts.tv_nsec = (long)(left * 1e9);
        nanosleep(&ts, NULL);
    }
    *out = value_int(0);
    return 0;
}

/* ---- Dates and times ---------------------------------------------------- */

/* Argument i as a temporal value: dates and datetimes (kind DATETIME for text). Sets *null. */
static int arg_dt(EVAL_ARGS, size_t i, enum datetime_type type, struct datetime *t, bool *null)
{
    struct value v;
    *null = true;
    int rc = expr_eval(e->args[i], ctx, row, &v);
    if (rc < 0 || v.tag == VALUE_NULL)
        return rc;
    if (v.tag == VALUE_TEMPORAL) {
        *t = v.t;
        *null = false;
        if (type == DATETIME_TYPE_TIME && t->kind != DATETIME_KIND_TIME)
            datetime_to_time(t);
        return 0;
    }
    struct datetime cd;
    datetime_now(&ctx->tz, ctx->now_us, 0, &cd);
    datetime_to_date(&cd);
    rc = value_to_datetime(&v, type, 6, ctx->dt_flags, &ctx->tz, &cd, t);
    if (rc < 0) {
        expr_warn(ctx, EXPR_WARN_WARNING, 1292, "%s", err_msg());
        (void)out;
        return 0;
    }
    if (rc > 0)
        expr_warn(ctx, EXPR_WARN_WARNING, 1292, "%s", err_msg());
    *null = false;
    return 0;
}

#define ARG_DT(i, type, t)                                                             \
    do {                                                                               \
        bool null_;                                                                    \
        int rc_ = arg_dt(e, ctx, row, out, i, type, &(t), &null_);                     \
        if (rc_ < 0)                                                                   \
            return rc_;                                                                \
        if (null_) {                                                                   \
            *out = value_null();                                                       \
            return 0;                                                                  \
        }                                                                              \
    } while (0)

static int ret_dt(const struct expr *e, const struct datetime *t, struct value *out)
{
    *out = value_temporal(t, e->type.fsp);
    return 0;
}

static int f_now(EVAL_ARGS)
{
    (void)row;
    struct datetime t;
    datetime_now(&ctx->tz, ctx->now_us, e->type.fsp, &t);
    return ret_dt(e, &t, out);
}

static int f_utc_timestamp(EVAL_ARGS)
{
    (void)row;
    struct datetime_tz utc;
    datetime_tz_utc(&utc);
    struct datetime t;
    datetime_now(&utc, ctx->now_us, e->type.fsp, &t);
    if (e->type.id == SQL_TYPE_DATE)
        datetime_to_date(&t);
    else if (e->type.id == SQL_TYPE_TIME)
        datetime_to_time(&t);
    return ret_dt(e, &t, out);
}

static int f_curdate(EVAL_ARGS)
{
    (void)row;
    struct datetime t;
    datetime_now(&ctx->tz, ctx->now_us, 0, &t);
    datetime_to_date(&t);
    return ret_dt(e, &t, out);
}

static int f_curtime(EVAL_ARGS)
{
    (void)row;
    struct datetime t;
    datetime_now(&ctx->tz, ctx->now_us, e->type.fsp, &t);
    datetime_to_time(&t);
    return ret_dt(e, &t, out);
}

static int f_date(EVAL_ARGS)
{
    struct datetime t;
    ARG_DT(0, DATETIME_TYPE_DATETIME, t);
    datetime_to_date(&t);
    return ret_dt(e, &t, out);
}

static int f_time(EVAL_ARGS)
{
    struct datetime t;
    ARG_DT(0, DATETIME_TYPE_TIME, t);
    if (t.kind != DATETIME_KIND_TIME)
        datetime_to_time(&t);
    return ret_dt(e, &t, out);
}

static void t_time_of_arg(struct expr *e)
{
    t_time(e);
    const struct sql_type *a = &e->args[0]->type;
    (void)a;
    e->type.fsp = arg_fsp(e->args[0]);
    e->flags |= EXPR_F_NULLABLE;
}

/* Part extractors by datetime_extract's unit (week uses mode 0). */
static int part(EVAL_ARGS, enum datetime_unit u, bool time_ok)
{
    struct datetime t;
    ARG_DT(0, time_ok ? DATETIME_TYPE_TIME : DATETIME_TYPE_DATETIME, t);
    int64_t x;
    if (time_ok && t.kind != DATETIME_KIND_TIME)
        datetime_to_time(&t);
    int rc = datetime_extract(u, &t, 0, &x);
    if (rc < 0) {
        *out = value_null();
        return 0;
    }
    if (time_ok && x < 0)
        x = -x;
    *out = value_int(x);
    return 0;
}

#define PART(name, u, timeok) static int name(EVAL_ARGS) { return part(e, ctx, row, out, u, timeok); }
PART(f_year, DATETIME_UNIT_YEAR, false)
PART(f_month, DATETIME_UNIT_MONTH, false)
PART(f_day, DATETIME_UNIT_DAY, false)
PART(f_hour, DATETIME_UNIT_HOUR, true)
PART(f_minute, DATETIME_UNIT_MINUTE, true)
PART(f_second, DATETIME_UNIT_SECOND, true)
PART(f_microsecond, DATETIME_UNIT_MICROSECOND, true)

static int f_quarter(EVAL_ARGS)
{
    struct datetime t;
    ARG_DT(0, DATETIME_TYPE_DATETIME, t);
    *out = value_int(datetime_quarter(&t));
    return 0;
}

/* DAYOFWEEK (0), WEEKDAY (1), DAYOFYEAR (2), TO_DAYS (3). */
static int dayfn(EVAL_ARGS, int which)
{
    struct datetime t;
    ARG_DT(0, DATETIME_TYPE_DATETIME, t);
    int x = 0, rc;
    int64_t days = 0;
    switch (which) {
    case 0: rc = datetime_dayofweek(&t, &x); break;
    case 1: rc = datetime_weekday(&t, &x); break;
    case 2: rc = datetime_dayofyear(&t, &x); break;
    default: rc = datetime_to_days(&t, &days); x = 0; break;
    }
    if (rc < 0) {
        expr_warn(ctx, EXPR_WARN_WARNING, 1292, "%s", err_msg());
        *out = value_null();
        return 0;
    }
    *out = value_int(which == 3 ? days : x);
    return 0;
}

static int f_dayofweek(EVAL_ARGS) { return dayfn(e, ctx, row, out, 0); }
static int f_weekday(EVAL_ARGS) { return dayfn(e, ctx, row, out, 1); }
static int f_dayofyear(EVAL_ARGS) { return dayfn(e, ctx, row, out, 2); }
static int f_to_days(EVAL_ARGS) { return dayfn(e, ctx, row, out, 3); }

static int names(EVAL_ARGS, bool day)
{
    struct datetime t;
    ARG_DT(0, DATETIME_TYPE_DATETIME, t);
    const char *s = day ? datetime_dayname(&t) : datetime_monthname(&t);
    if (!s) {
        *out = value_null();
        return 0;
    }
    *out = value_string(s, strlen(s), e->type.coll);
    return 0;
}

static int f_dayname(EVAL_ARGS) { return names(e, ctx, row, out, true); }
static int f_monthname(EVAL_ARGS) { return names(e, ctx, row, out, false); }

static int weekfn(EVAL_ARGS, bool yearweek)
{
    struct datetime t;
    int64_t mode = 0;
    ARG_DT(0, DATETIME_TYPE_DATETIME, t);
    if (e->n_args > 1)
        ARG_INT(1, mode);
    int x, rc = yearweek ? datetime_yearweek(&t, (int)mode, &x) : datetime_week(&t, (int)(mode & 7), &x);
    *out = rc < 0 ? value_null() : value_int(x);
    return 0;
}

static int f_week(EVAL_ARGS) { return weekfn(e, ctx, row, out, false); }
static int f_yearweek(EVAL_ARGS) { return weekfn(e, ctx, row, out, true); }

static int f_last_day(EVAL_ARGS)
{
    struct datetime t, r;
    ARG_DT(0, DATETIME_TYPE_DATETIME, t);
    if (datetime_last_day(&t, &r) < 0) {
        expr_warn(ctx, EXPR_WARN_WARNING, 1292, "%s", err_msg());
        *out = value_null();
        return 0;
    }
    return ret_dt(e, &r, out);
}

/* DATE_ADD / DATE_SUB (sign -1); the interval is an EXPR_INTERVAL node or a number of days. */
static int date_add(EVAL_ARGS, int sign)
{
    struct datetime t;
    bool from_text = false;
    if (e->calc == EXPR_CALC_STRING) {
        /* Text keeps its own kind, as MySQL's string result: '2024-01-31' + 1 MONTH is a date. */
        struct value sv;
        ARG_STR(0, sv);
        int prc = datetime_from_str((const char *)sv.s.ptr, sv.s.len, ctx->dt_flags, 6, &ctx->tz, &t);
        if (prc < 0) {
            expr_warn(ctx, EXPR_WARN_WARNING, 1292, "%s", err_msg());
            *out = value_null();
            return 0;
        }
        if (prc > 0)
            expr_warn(ctx, EXPR_WARN_WARNING, 1292, "%s", err_msg());
        from_text = true;
    } else {
        ARG_DT(0, e->type.id == SQL_TYPE_TIME ? DATETIME_TYPE_TIME : DATETIME_TYPE_DATETIME, t);
    }
    const struct expr *ie = e->args[1];
    enum datetime_unit u = ie->op == EXPR_INTERVAL ? (enum datetime_unit)ie->aux : DATETIME_UNIT_DAY;
    struct value v;
    ARG(1, v);
    struct datetime_interval iv;
    int rc;
    if (v.tag == VALUE_STRING) {
        rc = datetime_interval_from_str(u, (const char *)v.s.ptr, v.s.len, &iv);
    } else if (u == DATETIME_UNIT_SECOND && (v.tag == VALUE_DOUBLE || v.tag == VALUE_DECIMAL)) {
        double d;
        int neg;
        uint64_t sec;
        uint32_t ns;
        expr__get_double(ctx, &v, &d);
        rc = datetime_split_double(d, &neg, &sec, &ns);
        if (rc == 0)
            rc = datetime_interval_from_seconds(neg, sec, ns, &iv);
        else
            rc = DATETIME_OVERFLOW;
    } else {
        int64_t n;
        if ((rc = expr__get_int(ctx, &v, &n)) < 0)
            return rc;
        rc = datetime_interval_from_int(u, n, &iv);
    }
    if (rc == DATETIME_TRUNCATED)
        expr_warn(ctx, EXPR_WARN_WARNING, 1292, "%s", err_msg());
    if (rc < 0) {
        expr_warn(ctx, EXPR_WARN_WARNING, 1441, "Datetime function: %s field overflow",
                  "datetime");
        *out = value_null();
        return 0;
    }
    if (sign < 0)
        iv.neg = !iv.neg;
    if (e->type.id == SQL_TYPE_DATETIME && t.kind == DATETIME_KIND_DATE &&
        (!from_text || !datetime_unit_has_date(u) || u == DATETIME_UNIT_DAY_HOUR ||
         u == DATETIME_UNIT_DAY_MINUTE || u == DATETIME_UNIT_DAY_SECOND ||
         u == DATETIME_UNIT_DAY_MICROSECOND))
        datetime_date_to_datetime(&t);
    rc = datetime_add_interval(&t, u, &iv);
    if (rc < 0) {
        if (rc == DATETIME_OVERFLOW)
            expr_warn(ctx, EXPR_WARN_WARNING, 1441, "Datetime function: %s field overflow",
                      "datetime");
        else
            expr_warn(ctx, EXPR_WARN_WARNING, 1292, "%s", err_msg());
        *out = value_null();
        return 0;
    }
    if (from_text) {
        char buf[DATETIME_STR_MAX];
        size_t n = datetime_to_str(&t, t.usec ? 6 : 0, buf);
        return ret_str(e, ctx, buf, n, out);
    }
    *out = value_temporal(&t, e->type.fsp);
    return 0;
}

static int f_date_add(EVAL_ARGS) { return date_add(e, ctx, row, out, 1); }
static int f_date_sub(EVAL_ARGS) { return date_add(e, ctx, row, out, -1); }

static int f_datediff(EVAL_ARGS)
{
    struct datetime a, b;
    ARG_DT(0, DATETIME_TYPE_DATETIME, a);
    ARG_DT(1, DATETIME_TYPE_DATETIME, b);
    int64_t d;
    if (datetime_datediff(&a, &b, &d) < 0) {
        *out = value_null();
        return 0;
    }
    *out = value_int(d);
    return 0;
}

static int f_timediff(EVAL_ARGS)
{
    struct value va, vb;
    ARG(0, va);
    ARG(1, vb);
    bool time_args = e->args[0]->type.id == SQL_TYPE_TIME ||
                     (va.tag == VALUE_STRING && memchr(va.s.ptr, '-', va.s.len) == NULL);
    struct datetime a, b, r;
    enum datetime_type ty = time_args ? DATETIME_TYPE_TIME : DATETIME_TYPE_DATETIME;
    ARG_DT(0, ty, a);
    ARG_DT(1, ty, b);
    int rc = datetime_timediff(&a, &b, &r);
    if (rc < 0) {
        *out = value_null();
        return 0;
    }
    if (rc > 0)
        expr_warn(ctx, EXPR_WARN_WARNING, 1292, "%s", err_msg());
    *out = value_temporal(&r, e->type.fsp);
    return 0;
}

/* TIMESTAMPDIFF(unit, a, b): the unit is a constant int argument (enum datetime_unit). */
static int f_timestampdiff(EVAL_ARGS)
{
    int64_t u, x;
    struct datetime a, b;
    ARG_INT(0, u);
    ARG_DT(1, DATETIME_TYPE_DATETIME, a);
    ARG_DT(2, DATETIME_TYPE_DATETIME, b);
    if (datetime_timestampdiff((enum datetime_unit)u, &a, &b, &x) < 0) {
        *out = value_null();
        return 0;
    }
    *out = value_int(x);
    return 0;
}

/* TIMESTAMPADD(unit, n, t): args unit (a constant int, enum datetime_unit), n, t. */
static int f_timestampadd(EVAL_ARGS)
{
    int64_t u, n;
    struct datetime t;
    ARG_INT(0, u);
    ARG_INT(1, n);
    ARG_DT(2, DATETIME_TYPE_DATETIME, t);
    struct datetime_interval iv;
    if (datetime_interval_from_int((enum datetime_unit)u, n, &iv) < 0) {
        *out = value_null();
        return 0;
    }
    if (e->type.id == SQL_TYPE_DATETIME && t.kind == DATETIME_KIND_DATE)
        datetime_date_to_datetime(&t);
    if (datetime_add_interval(&t, (enum datetime_unit)u, &iv) < 0) {
        expr_warn(ctx, EXPR_WARN_WARNING, 1441, "Datetime function: %s field overflow", "datetime");
        *out = value_null();
        return 0;
    }
    return ret_dt(e, &t, out);
}

static void t_timestampadd(struct expr *e)
{
    const struct expr *u = e->args[0];
    int64_t unit = u->op == EXPR_CONST && u->value.tag == VALUE_INT ? u->value.i : DATETIME_UNIT_SECOND;
    if (e->args[2]->type.id == SQL_TYPE_DATE && unit <= DATETIME_UNIT_DAY) {
        t_date(e);
    } else {
        t_datetime(e);
        e->type.fsp = unit == DATETIME_UNIT_MICROSECOND ? 6 : arg_fsp(e->args[2]);
    }
    e->flags |= EXPR_F_NULLABLE;
}

/* EXTRACT(unit FROM t): unit as a constant int argument. */
static int f_extract(EVAL_ARGS)
{
    int64_t u, x;
    struct datetime t;
    ARG_INT(0, u);
    bool time = e->args[1]->type.id == SQL_TYPE_TIME;
    ARG_DT(1, time ? DATETIME_TYPE_TIME : DATETIME_TYPE_DATETIME, t);
    if (datetime_extract((enum datetime_unit)u, &t, 0, &x) < 0) {
        *out = value_null();
        return 0;
    }
    *out = value_int(x);
    return 0;
}

static int fmt(EVAL_ARGS, bool time_format)
{
    struct datetime t;
    struct value f;
    ARG_DT(0, time_format ? DATETIME_TYPE_TIME : DATETIME_TYPE_DATETIME, t);
    ARG_STR(1, f);
    char *o = arena_alloc(ctx->arena, DATETIME_FORMAT_MAX(f.s.len) + 1);
    if (!o)
        return nomem();
    size_t n;
    if (datetime_format(&t, time_format, (const char *)f.s.ptr, f.s.len, o, &n) != 0) {
        *out = value_null();
        return 0;
    }
    *out = value_string(o, n, e->type.coll);
    return 0;
}

static int f_date_format(EVAL_ARGS) { return fmt(e, ctx, row, out, false); }
static int f_time_format(EVAL_ARGS) { return fmt(e, ctx, row, out, true); }

static int f_str_to_date(EVAL_ARGS)
{
    struct value s, f;
    ARG_STR(0, s);
    ARG_STR(1, f);
    struct datetime t;
    int rc = datetime_str_to_date((const char *)s.s.ptr, s.s.len, (const char *)f.s.ptr, f.s.len,
                                  ctx->dt_flags, &t);
    if (rc < 0) {
        expr_warn(ctx, EXPR_WARN_WARNING, 1411, "%s", err_msg());
        *out = value_null();
        return 0;
    }
    if (rc > 0)
        expr_warn(ctx, EXPR_WARN_WARNING, 1292, "%s", err_msg());
    enum datetime_kind k;
    int fsp;
    datetime_str_to_date_type((const char *)f.s.ptr, f.s.len, &k, &fsp);
    *out = value_temporal(&t, fsp);
    return 0;
}

static int f_unix_timestamp(EVAL_ARGS)
{
    if (e->n_args == 0) {
        (void)row;
        *out = value_int(ctx->now_us / 1000000);
        return 0;
    }
    struct datetime t;
    ARG_DT(0, DATETIME_TYPE_DATETIME, t);
    int64_t sec;
    uint32_t usec;
    datetime_unix_timestamp(&ctx->tz, &t, &sec, &usec);
    if (usec) {
        struct decimal d, f, m;
        decimal_from_int64(&d, sec);
        decimal_from_int64(&f, usec);
        decimal_from_int64(&m, 1000000);
        decimal_div(&f, &f, &m, 6);
        decimal_add(&d, &d, &f);
        decimal_round(&d, &d, 6);
        *out = value_decimal(&d);
        return 0;
    }
    *out = value_int(sec);
    return 0;
}

static int f_from_unixtime(EVAL_ARGS)
{
    double x;
    ARG_DBL(0, x);
    struct datetime t;
    int neg;
    uint64_t sec;
    uint32_t ns;
    if (datetime_split_double(x, &neg, &sec, &ns) != 0 ||
        datetime_from_unixtime(&ctx->tz, neg, sec, ns, e->type.fsp, &t) != 0) {
        *out = value_null();
        return 0;
    }
    if (e->n_args > 1) {
        struct value f;
        ARG_STR(1, f);
        char *o = arena_alloc(ctx->arena, DATETIME_FORMAT_MAX(f.s.len) + 1);
        size_t n;
        if (!o)
            return nomem();
        if (datetime_format(&t, 0, (const char *)f.s.ptr, f.s.len, o, &n) != 0) {
            *out = value_null();
            return 0;
        }
        *out = value_string(o, n, COLLATION_UTF8MB4_DEFAULT);
        return 0;
    }
    return ret_dt(e, &t, out);
}

static void t_from_unixtime(struct expr *e)
{
    if (e->n_args > 1) {
        t_bin(e);
    } else {
        t_datetime(e);
        const struct sql_type *a = &e->args[0]->type;
        e->type.fsp = a->id == SQL_TYPE_DECIMAL ? (uint8_t)(a->scale > 6 ? 6 : a->scale)
                      : sql_type_is_integer(a) ? 0 : 6;
    }
    e->flags |= EXPR_F_NULLABLE;
}

static int f_from_days(EVAL_ARGS)
{
    int64_t n;
    ARG_INT(0, n);
    struct datetime t;
    if (datetime_from_days(n, &t) < 0) {
        *out = value_null();
        return 0;
    }
    return ret_dt(e, &t, out);
}

static int f_makedate(EVAL_ARGS)
{
    int64_t y, d;
    ARG_INT(0, y);
    ARG_INT(1, d);
    struct datetime t;
    if (datetime_makedate(y, d, &t) != 0) {
        *out = value_null();
        return 0;
    }
    return ret_dt(e, &t, out);
}

static int f_maketime(EVAL_ARGS)
{
    int64_t h, m;
    double s;
    ARG_INT(0, h);
    ARG_INT(1, m);
    ARG_DBL(2, s);
    struct datetime t;
    int neg, rc;
    uint64_t sec;
    uint32_t ns;
    if (datetime_split_double(s, &neg, &sec, &ns) != 0 || neg || sec > 59)
        rc = DATETIME_NULL;
    else
        rc = datetime_maketime(h, m, (int64_t)sec, ns, e->type.fsp, &t);
    if (rc < 0) {
        *out = value_null();
        return 0;
    }
    if (rc > 0)
        expr_warn(ctx, EXPR_WARN_WARNING, 1292, "%s", err_msg());
    return ret_dt(e, &t, out);
}

static int f_sec_to_time(EVAL_ARGS)
{
    double s;
    ARG_DBL(0, s);
    struct datetime t;
    int neg;
    uint64_t sec;
    uint32_t ns;
    if (datetime_split_double(s, &neg, &sec, &ns) != 0) {
        neg = s < 0;
        sec = UINT64_MAX;
        ns = 0;
    }
    int rc = datetime_sec_to_time(neg, sec, ns, e->type.fsp, &t);
    if (rc > 0)
        expr_warn(ctx, EXPR_WARN_WARNING, 1292, "%s", err_msg());
    return ret_dt(e, &t, out);
}

static int f_time_to_sec(EVAL_ARGS)
{
    struct datetime t;
    ARG_DT(0, DATETIME_TYPE_TIME, t);
    *out = value_int(datetime_time_to_sec(&t));
    return 0;
}

/*
 * The fractional digits an argument brings (MySQL's time_precision): its
 * type's, a DECIMAL's scale, none for integers, the digits a constant string
 * actually has, else 6.
 */
static uint8_t arg_fsp(const struct expr *x)
{
    const struct sql_type *a = &x->type;
    if (sql_type_is_temporal(a))
        return a->fsp;
    if (a->id == SQL_TYPE_DECIMAL)
        return (uint8_t)(a->scale > 6 ? 6 : a->scale);
    if (sql_type_is_integer(a) || a->id == SQL_TYPE_NULL)
        return 0;
    if (x->op == EXPR_CONST && x->value.tag == VALUE_STRING) {
        struct datetime t;
        if (datetime_time_from_str((const char *)x->value.s.ptr, x->value.s.len, 0, 6, &t) >= 0) {
            uint8_t n = 6;
            for (uint32_t u = t.usec; n > 0 && u % 10 == 0; u /= 10)
                n--;
            return t.usec ? n : 0;
        }
    }
    return 6;
}

/* TIME results whose precision follows the arguments (TIMEDIFF, MAKETIME, SEC_TO_TIME). */
static void t_fsp_arg0(struct expr *e)
{
    t_time(e);
    uint8_t f = 0;
    for (size_t i = e->n_args > 2 ? 2 : 0; i < e->n_args; i++)
        if (arg_fsp(e->args[i]) > f)
            f = arg_fsp(e->args[i]);
    e->type.fsp = f;
    e->flags |= EXPR_F_NULLABLE;
}

static void t_unix_ts(struct expr *e)
{
    t_int(e);
    if (e->n_args && sql_type_is_temporal(&e->args[0]->type) && e->args[0]->type.fsp) {
        sql_type_init(&e->type, SQL_TYPE_DECIMAL);
        e->type.precision = (uint8_t)(11 + e->args[0]->type.fsp);
        e->type.scale = e->args[0]->type.fsp;
        e->calc = EXPR_CALC_DECIMAL;
    }
}

static void t_str_to_date(struct expr *e)
{
    const struct expr *f = e->args[1];
    t_datetime(e);
    if (f->op == EXPR_CONST && f->value.tag == VALUE_STRING) {
        enum datetime_kind k;
        int fsp;
        datetime_str_to_date_type((const char *)f->value.s.ptr, f->value.s.len, &k, &fsp);
        e->type.id = k == DATETIME_KIND_DATE ? SQL_TYPE_DATE : k == DATETIME_KIND_TIME ? SQL_TYPE_TIME
                                                                                       : SQL_TYPE_DATETIME;
        e->type.fsp = (uint8_t)fsp;
    } else {
        e->type.fsp = 6;
    }
    e->flags |= EXPR_F_NULLABLE;
}

static void t_date_n(struct expr *e)
{
    t_date(e);
}

static void t_utc_date(struct expr *e) { t_date(e); e->flags &= (uint8_t)~EXPR_F_NULLABLE; }

/* ---- The registry ------------------------------------------------------- */

#define ANY 255

static const struct expr_func_def funcs[] = {
    /* Control. */
    {"IF", 3, 3, false, t_if, f_if},
    {"IFNULL", 2, 2, false, t_result, f_coalesce},
    {"NULLIF", 2, 2, false, t_nullif, f_nullif},
    {"COALESCE", 1, ANY, false, t_result, f_coalesce},
    {"ISNULL", 1, 1, false, t_int, f_isnull},
    /* Strings. */
    {"CONCAT", 1, ANY, false, t_str, f_concat},
    {"CONCAT_WS", 2, ANY, false, t_str, f_concat_ws},
    {"LENGTH", 1, 1, false, t_int, f_length},
    {"OCTET_LENGTH", 1, 1, false, t_int, f_length},
    {"CHAR_LENGTH", 1, 1, false, t_int, f_char_length},
    {"CHARACTER_LENGTH", 1, 1, false, t_int, f_char_length},
    {"LOWER", 1, 1, false, t_str, f_lower},
    {"LCASE", 1, 1, false, t_str, f_lower},
    {"UPPER", 1, 1, false, t_str, f_upper},
    {"UCASE", 1, 1, false, t_str, f_upper},
    {"SUBSTRING", 2, 3, false, t_str, f_substr},
    {"SUBSTR", 2, 3, false, t_str, f_substr},
    {"MID", 3, 3, false, t_str, f_substr},
    {"LEFT", 2, 2, false, t_str, f_left},
    {"RIGHT", 2, 2, false, t_str, f_right},
    {"TRIM", 1, 2, false, t_str, f_trim},
    {"LTRIM", 1, 1, false, t_str, f_ltrim},
    {"RTRIM", 1, 1, false, t_str, f_rtrim},
    {"TRIM_LEADING", 2, 2, false, t_str, f_ltrim},   /* TRIM(LEADING x FROM s): args s, x. */
    {"TRIM_TRAILING", 2, 2, false, t_str, f_rtrim},  /* TRIM(TRAILING x FROM s). */
    {"REPLACE", 3, 3, false, t_str, f_replace},
    {"REPEAT", 2, 2, false, t_str, f_repeat},
    {"REVERSE", 1, 1, false, t_str, f_reverse},
    {"LPAD", 3, 3, false, t_str, f_lpad},
    {"RPAD", 3, 3, false, t_str, f_rpad},
    {"INSTR", 2, 2, false, t_int, f_instr},
    {"LOCATE", 2, 3, false, t_int, f_locate},
    {"POSITION", 2, 2, false, t_int, f_locate},
    {"ASCII", 1, 1, false, t_int, f_ascii},
    {"ORD", 1, 1, false, t_int, f_ascii},
    {"CHAR", 1, ANY, false, t_binary, f_char},
    {"HEX", 1, 1, false, t_bin, f_hex},
    {"UNHEX", 1, 1, false, t_binary, f_unhex},
    {"SPACE", 1, 1, false, t_bin, f_space},
    {"STRCMP", 2, 2, false, t_int, f_strcmp},
    {"FIELD", 2, ANY, false, t_int, f_field},
    {"FIND_IN_SET", 2, 2, false, t_int, f_find_in_set},
    {"ELT", 2, ANY, false, t_str, f_elt},
    {"FORMAT", 2, 2, false, t_bin, f_format},
    {"QUOTE", 1, 1, false, t_str, f_quote},
    {"TO_BASE64", 1, 1, false, t_bin, f_to_base64},
    {"FROM_BASE64", 1, 1, false, t_binary, f_from_base64},
    {"MD5", 1, 1, false, t_bin, f_md5},
    {"SHA1", 1, 1, false, t_bin, f_sha1},
    {"SHA", 1, 1, false, t_bin, f_sha1},
    {"SHA2", 2, 2, false, t_bin, f_sha2},
    /* Numbers. */
    {"ABS", 1, 1, false, t_num, f_abs},
    {"SIGN", 1, 1, false, t_int, f_sign},
    {"CEIL", 1, 1, false, t_floor, f_ceil},
    {"CEILING", 1, 1, false, t_floor, f_ceil},
    {"FLOOR", 1, 1, false, t_floor, f_floor},
    {"ROUND", 1, 2, false, t_round, f_round},
    {"TRUNCATE", 2, 2, false, t_round, f_truncate},
    {"MOD", 2, 2, false, t_mod, f_mod},
    {"POW", 2, 2, false, t_double, f_pow},
    {"POWER", 2, 2, false, t_double, f_pow},
    {"SQRT", 1, 1, false, t_double, f_sqrt},
    {"EXP", 1, 1, false, t_double, f_exp},
    {"LN", 1, 1, false, t_double, f_ln},
    {"LOG", 1, 2, false, t_double, f_log},
    {"LOG2", 1, 1, false, t_double, f_log2},
    {"LOG10", 1, 1, false, t_double, f_log10},
    {"PI", 0, 0, false, t_pi, f_pi},
    {"SIN", 1, 1, false, t_double, f_sin},
    {"COS", 1, 1, false, t_double, f_cos},
    {"TAN", 1, 1, false, t_double, f_tan},
    {"ASIN", 1, 1, false, t_double, f_asin},
    {"ACOS", 1, 1, false, t_double, f_acos},
    {"ATAN", 1, 2, false, t_double, f_atan},
    {"ATAN2", 2, 2, false, t_double, f_atan},
    {"COT", 1, 1, false, t_double, f_cot},
    {"DEGREES", 1, 1, false, t_double, f_degrees},
    {"RADIANS", 1, 1, false, t_double, f_radians},
    {"RAND", 0, 1, true, t_double, f_rand},
    {"GREATEST", 2, ANY, false, t_result, f_greatest},
    {"LEAST", 2, ANY, false, t_result, f_least},
    {"CRC32", 1, 1, false, t_uint, f_crc32},
    {"CONV", 3, 3, false, t_bin, f_conv},
    {"BIN", 1, 1, false, t_bin, f_bin},
    {"OCT", 1, 1, false, t_bin, f_oct},
    /* Information. */
    {"VERSION", 0, 0, false, t_bin, f_version},
    {"DATABASE", 0, 0, true, t_bin, f_database},
    {"SCHEMA", 0, 0, true, t_bin, f_database},
    {"USER", 0, 0, true, t_bin, f_user},
    {"CURRENT_USER", 0, 0, true, t_bin, f_user},
    {"SESSION_USER", 0, 0, true, t_bin, f_user},
    {"SYSTEM_USER", 0, 0, true, t_bin, f_user},
    {"CONNECTION_ID", 0, 0, true, t_uint, f_connection_id},
    {"LAST_INSERT_ID", 0, 1, true, t_uint, f_last_insert_id},
    {"ROW_COUNT", 0, 0, true, t_int, f_row_count},
    {"FOUND_ROWS", 0, 0, true, t_uint, f_found_rows},
    {"UUID", 0, 0, true, t_bin, f_uuid},
    {"SLEEP", 1, 1, true, t_int, f_sleep},
    /* Dates and times. */
    {"NOW", 0, 1, true, t_datetime, f_now},
    {"CURRENT_TIMESTAMP", 0, 1, true, t_datetime, f_now},
    {"LOCALTIME", 0, 1, true, t_datetime, f_now},
    {"LOCALTIMESTAMP", 0, 1, true, t_datetime, f_now},
    {"SYSDATE", 0, 1, true, t_datetime, f_now},
    {"CURDATE", 0, 0, true, t_utc_date, f_curdate},
    {"CURRENT_DATE", 0, 0, true, t_utc_date, f_curdate},
    {"CURTIME", 0, 1, true, t_time, f_curtime},
    {"CURRENT_TIME", 0, 1, true, t_time, f_curtime},
    {"UTC_DATE", 0, 0, true, t_utc_date, f_utc_timestamp},
    {"UTC_TIME", 0, 1, true, t_time, f_utc_timestamp},
    {"UTC_TIMESTAMP", 0, 1, true, t_datetime, f_utc_timestamp},
    {"DATE", 1, 1, false, t_date_n, f_date},
    {"TIME", 1, 1, false, t_time_of_arg, f_time},
    {"YEAR", 1, 1, false, t_int, f_year},
    {"MONTH", 1, 1, false, t_int, f_month},
    {"DAY", 1, 1, false, t_int, f_day},
    {"DAYOFMONTH", 1, 1, false, t_int, f_day},
    {"HOUR", 1, 1, false, t_int, f_hour},
    {"MINUTE", 1, 1, false, t_int, f_minute},
    {"SECOND", 1, 1, false, t_int, f_second},
    {"MICROSECOND", 1, 1, false, t_int, f_microsecond},
    {"QUARTER", 1, 1, false, t_int, f_quarter},
    {"DAYOFWEEK", 1, 1, false, t_int, f_dayofweek},
    {"WEEKDAY", 1, 1, false, t_int, f_weekday},
    {"DAYOFYEAR", 1, 1, false, t_int, f_dayofyear},
    {"DAYNAME", 1, 1, false, t_bin, f_dayname},
    {"MONTHNAME", 1, 1, false, t_bin, f_monthname},
    {"WEEK", 1, 2, false, t_int, f_week},
    {"YEARWEEK", 1, 2, false, t_int, f_yearweek},
    {"LAST_DAY", 1, 1, false, t_date_n, f_last_day},
    {"DATE_ADD", 2, 2, false, t_date_add, f_date_add},
    {"DATE_SUB", 2, 2, false, t_date_add, f_date_sub},
    {"ADDDATE", 2, 2, false, t_date_add, f_date_add},
    {"SUBDATE", 2, 2, false, t_date_add, f_date_sub},
    {"DATEDIFF", 2, 2, false, t_int, f_datediff},
    {"TIMEDIFF", 2, 2, false, t_fsp_arg0, f_timediff},
    {"TIMESTAMPDIFF", 3, 3, false, t_int, f_timestampdiff}, /* args: unit (int), a, b. */
    {"TIMESTAMPADD", 3, 3, false, t_timestampadd, f_timestampadd}, /* args: unit (int), n, t. */
    {"EXTRACT", 2, 2, false, t_int, f_extract},             /* args: unit (int), t. */
    {"DATE_FORMAT", 2, 2, false, t_bin, f_date_format},
    {"TIME_FORMAT", 2, 2, false, t_bin, f_time_format},
    {"STR_TO_DATE", 2, 2, false, t_str_to_date, f_str_to_date},
    {"UNIX_TIMESTAMP", 0, 1, false, t_unix_ts, f_unix_timestamp},
    {"FROM_UNIXTIME", 1, 2, false, t_from_unixtime, f_from_unixtime},
    {"TO_DAYS", 1, 1, false, t_int, f_to_days},
    {"FROM_DAYS", 1, 1, false, t_date_n, f_from_days},
    {"MAKEDATE", 2, 2, false, t_date_n, f_makedate},
    {"MAKETIME", 3, 3, false, t_fsp_arg0, f_maketime},
    {"SEC_TO_TIME", 1, 1, false, t_fsp_arg0, f_sec_to_time},
    {"TIME_TO_SEC", 1, 1, false, t_int, f_time_to_sec},
};

#define N_FUNCS (sizeof(funcs) / sizeof(funcs[0]))

const struct expr_func_def *expr__func_def(int id)
{
    return id >= 0 && (size_t)id < N_FUNCS ? &funcs[id] : NULL;
}

const char *expr_func_name(int id)
{
    const struct expr_func_def *d = expr__func_def(id);
    return d ? d->name : NULL;
}

int expr_func_lookup(const char *name, size_t len, size_t n_args, const char *db,
                     unsigned *mysql_errno)
{
    for (size_t i = 0; i < N_FUNCS; i++) {
        if (strlen(funcs[i].name) != len || strncasecmp(funcs[i].name, name, len) != 0)
            continue;
        if (n_args < funcs[i].min_args || (funcs[i].max_args != ANY && n_args > funcs[i].max_args)) {
            if (mysql_errno)
                *mysql_errno = 1582;
            return err_set(ERR_INVALID,
                           "Incorrect parameter count in the call to native function '%.*s'",
                           (int)len, name);
        }
        return (int)i;
    }
    if (mysql_errno)
        *mysql_errno = 1305;
    if (db)
        return err_set(ERR_NOT_FOUND, "FUNCTION %s.%.*s does not exist", db, (int)len, name);
    return err_set(ERR_NOT_FOUND, "FUNCTION %.*s does not exist", (int)len, name);
}

struct expr *expr_func(struct arena *a, int id, struct expr *const *args, size_t n)
{
    const struct expr_func_def *d = expr__func_def(id);
    if (!d) {
        err_set(ERR_INVALID, "bad function id %d", id);
        return NULL;
    }
    struct expr *e = expr__new(a, EXPR_FUNC, n);
    if (!e)
        return NULL;
    e->index = (uint32_t)id;
    uint8_t f = EXPR_F_CONST;
    for (size_t i = 0; i < n; i++) {
        e->args[i] = args[i];
        if (!(args[i]->flags & EXPR_F_CONST))
            f &= (uint8_t)~EXPR_F_CONST;
        if (args[i]->flags & EXPR_F_NULLABLE)
            f |= EXPR_F_NULLABLE;
    }
    if (d->is_volatile)
        f &= (uint8_t)~EXPR_F_CONST;
    e->flags = f;
    d->type_cb(e);
    if (d->eval_cb == f_coalesce || d->eval_cb == f_if) {
        /* Nullable only if every possible result is. */
        bool nullable = true;
        for (size_t i = d->eval_cb == f_if ? 1 : 0; i < n; i++)
            if (!(args[i]->flags & EXPR_F_NULLABLE))
                nullable = false;
        e->flags = (uint8_t)((e->flags & ~EXPR_F_NULLABLE) | (nullable ? EXPR_F_NULLABLE : 0));
    }
    if (d->eval_cb == f_nullif)
        e->flags |= EXPR_F_NULLABLE;
    return e;
}

struct expr *expr_func_by_name(struct arena *a, const char *name, struct expr *const *args,
                               size_t n)
{
    int id = expr_func_lookup(name, strlen(name), n, NULL, NULL);
    return id < 0 ? NULL : expr_func(a, id, args, n);
}
