/*
 * expr.h: bound expressions (the binder's output) and their evaluation.
 *
 * A struct expr is a typed tree: an opcode, the result type decided when the
 * node is built (MySQL 8's type rules), flags and children. Constructors take
 * the statement's arena; nodes are never freed singly. The executor evaluates
 * a tree against one input row (an array of struct value: column i of the row
 * is row[i]; aggregate results are read from the row the same way) with
 * expr_eval(), passing a struct expr_ctx that holds what the statement and
 * the session supply (time, zone, sql_mode, parameters, the warning sink, the
 * row arena for result strings).
 *
 * Errors: constructors return NULL with err_set() (ERR_NOMEM, or ERR_INVALID
 * with MySQL's message for an illegal mix of collations). expr_eval() returns
 * 0, or a negative ERR_* code with err_set()'s message and MySQL's error
 * number in ctx->mysql_errno (1690 for BIGINT overflow, 1317 for a killed
 * SLEEP). Warnings (1292 truncation, 1365 division by 0, ...) go to the sink
 * and the evaluation goes on, as MySQL does in SELECT; ctx->div_zero is set
 * when a division by zero happened so that strict DML can make it an error.
 *
 * Threads: building is single-threaded per statement; a built tree is
 * read-only during evaluation, so several threads may evaluate it at once
 * with their own contexts (except RAND's state, which lives in the context).
 */
#ifndef ATOLL_SQL_EXPR_H
#define ATOLL_SQL_EXPR_H

#include "sql/value.h"
#include "sql/collation.h"

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct buf;

enum expr_op {
    EXPR_CONST,   /* value: a literal (or a folded constant). */
    EXPR_COLUMN,  /* index: row[index]. */
    EXPR_PARAM,   /* index: ctx->params[index] (a '?' of a prepared statement). */
    EXPR_AGG_REF, /* index: row[index], an aggregate computed by the executor. */

    /* Arithmetic. */
    EXPR_NEG,    /* -a */
    EXPR_ADD,    /* a + b */
    EXPR_SUB,    /* a - b */
    EXPR_MUL,    /* a * b */
    EXPR_DIV,    /* a / b (DECIMAL for exact operands, div_precision_increment in aux) */
    EXPR_INTDIV, /* a DIV b */
    EXPR_MOD,    /* a MOD b, a % b */

    /* Comparisons (cmp says how). */
    EXPR_EQ,   /* = */
    EXPR_NSEQ, /* <=> (NULL-safe) */
    EXPR_NE,   /* != <> */
    EXPR_LT,   /* < */
    EXPR_LE,   /* <= */
    EXPR_GT,   /* > */
    EXPR_GE,   /* >= */

    /* Logic with three values. */
    EXPR_AND, EXPR_OR, EXPR_XOR, EXPR_NOT,
    EXPR_IS_NULL, EXPR_IS_NOT_NULL, EXPR_IS_TRUE, EXPR_IS_NOT_TRUE, EXPR_IS_FALSE,
    EXPR_IS_NOT_FALSE,

    /* Bits (BIGINT UNSIGNED). */
    EXPR_BITAND, EXPR_BITOR, EXPR_BITXOR, EXPR_BITNOT, EXPR_SHL, EXPR_SHR,

    EXPR_BETWEEN,     /* args: a, low, high. */
    EXPR_NOT_BETWEEN, /* NOT BETWEEN. */
    EXPR_IN,          /* args: a, list...; a sorted constant set when the list is constant. */
    EXPR_NOT_IN,      /* NOT IN. */
    EXPR_LIKE,        /* args: s, pattern[, escape]. */
    EXPR_NOT_LIKE,    /* NOT LIKE. */
    EXPR_CASE,        /* args: when1, then1, ..., [else] (aux 1: has else). */
    EXPR_CASE_SIMPLE, /* args: operand, when1, then1, ..., [else] (aux 1: has else). */
    EXPR_CAST,        /* args: a; the target is the node's type. */
    EXPR_FUNC,        /* index: function id (expr_func_lookup); args: its arguments. */
    EXPR_INTERVAL,    /* args: a; aux: enum datetime_unit (only as DATE_ADD's argument). */
    EXPR_OP_COUNT
};

/* Flags of struct expr. */
#define EXPR_F_CONST    0x1u /* Depends on no row, parameter or volatile function. */
#define EXPR_F_NULLABLE 0x2u /* May be NULL. */

/* How an arithmetic or function node computes (decided at construction). */
enum expr_calc {
    EXPR_CALC_INT,     /* BIGINT */
    EXPR_CALC_UINT,    /* BIGINT UNSIGNED */
    EXPR_CALC_DECIMAL, /* DECIMAL */
    EXPR_CALC_DOUBLE,  /* DOUBLE */
    EXPR_CALC_STRING,  /* string */
    EXPR_CALC_TEMPORAL /* date, time, datetime */
};

struct expr_in_set; /* A constant IN list, sorted (eval.c). */

struct expr {
    uint8_t op;          /* enum expr_op. */
    uint8_t flags;       /* EXPR_F_*. */
    uint8_t calc;        /* enum expr_calc for arithmetic and functions. */
    uint16_t n_args;     /* Children. */
    int32_t aux;         /* Per op: DIV's increment, CASE's has-else, interval unit. */
    uint32_t index;      /* Column, parameter or aggregate slot; function id. */
    struct sql_type type;        /* The result type. */
    struct expr **args;          /* Children, n_args of them. */
    struct value_cmp cmp;        /* Comparisons, IN, BETWEEN, CASE_SIMPLE, LIKE: the context. */
    const struct collation *coll; /* String comparisons and LIKE: the collation object. */
    struct expr_in_set *set;     /* EXPR_IN with a constant list; else NULL. */
    const char *name;            /* Columns: a name for messages (may be NULL). */
    struct value value;          /* EXPR_CONST: the value. */
};

/* ---- Evaluation context ------------------------------------------------ */

/* sql_mode bits the evaluator looks at (datetime.h's DATETIME_* flags are separate). */
#define EXPR_MODE_STRICT          0x1u /* STRICT_TRANS_TABLES / STRICT_ALL_TABLES. */
#define EXPR_MODE_ERROR_DIV_ZERO  0x2u /* ERROR_FOR_DIVISION_BY_ZERO. */
#define EXPR_MODE_PIPES_AS_CONCAT 0x4u /* The binder's business; kept for completeness. */

#define EXPR_WARN_NOTE    1 /* Levels of expr_ctx's warnings. */
#define EXPR_WARN_WARNING 2
#define EXPR_WARN_ERROR   3

/* The warning sink: level, MySQL code, message (valid during the call). */
typedef void (*expr_warn_cb)(void *arg, int level, unsigned code, const char *msg);

struct expr_ctx {
    struct arena *arena;         /* Result strings; the caller resets it per row. */
    expr_warn_cb warn_cb;        /* Warning sink; may be NULL (warnings dropped). */
    void *warn_arg;              /* Its argument. */
    const struct value *params;  /* Statement parameters. */
    uint32_t n_params;           /* Their number. */
    int64_t now_us;              /* The statement's start, UTC microseconds (NOW()). */
    struct datetime_tz tz;       /* Session time zone. */
    unsigned mode;               /* EXPR_MODE_* bits. */
    unsigned dt_flags;           /* datetime.h flags for parsing dates in expressions. */
    int div_incr;                /* div_precision_increment (for the few that use it at run time). */
    const char *database;        /* DATABASE(): the current database, or NULL. */
    const char *user;            /* USER(): "name@host". */
    uint64_t connection_id;      /* CONNECTION_ID(). */
    uint64_t last_insert_id;     /* LAST_INSERT_ID(). */
    int64_t row_count;           /* ROW_COUNT(). */
    uint64_t found_rows;         /* FOUND_ROWS(). */
    uint64_t rand_state;         /* RAND()'s state; seed it per statement. */
    const volatile int *killed;  /* Nonzero: the statement is killed (SLEEP checks it). */
    bool div_zero;               /* Set when a division by zero made NULL. */
    unsigned mysql_errno;        /* On an error return: MySQL's error number. */
};

/* Zeroes *ctx and sets defaults: UTC, div_incr 4, the arena. */
void expr_ctx_init(struct expr_ctx *ctx, struct arena *arena);

/* Sends a warning to ctx's sink (printf-style message). */
void expr_warn(struct expr_ctx *ctx, int level, unsigned code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Evaluates e against row into *out. Strings in *out borrow from the row,
 * the constants or ctx->arena. Returns 0 or a negative ERR_* code (message
 * via err_set, MySQL's number in ctx->mysql_errno).
 */
int expr_eval(const struct expr *e, struct expr_ctx *ctx, const struct value *row,
              struct value *out);

/* Evaluates a condition: *truth is 1 (true), 0 (false) or -1 (NULL). */
int expr_eval_bool(const struct expr *e, struct expr_ctx *ctx, const struct value *row,
                   int *truth);

/* ---- Construction ------------------------------------------------------- */

struct expr *expr_const(struct arena *a, const struct value *v, const struct sql_type *t);
struct expr *expr_const_int(struct arena *a, int64_t i);   /* BIGINT literal. */
struct expr *expr_const_null(struct arena *a);             /* NULL literal. */
struct expr *expr_const_double(struct arena *a, double d); /* DOUBLE literal (1e0). */
/* A decimal literal from its text ("2.5"): DECIMAL(p,s) as MySQL types it. */
struct expr *expr_const_decimal(struct arena *a, const char *text);
/* A string literal in collation coll (copied into the arena). */
struct expr *expr_const_str(struct arena *a, const char *s, size_t len, uint16_t coll);

/* A column or aggregate slot of the input row with type t; name for messages (borrowed). */
struct expr *expr_column(struct arena *a, uint32_t index, const struct sql_type *t,
                         const char *name);
struct expr *expr_agg_ref(struct arena *a, uint32_t index, const struct sql_type *t);
/* A statement parameter; its type is what the binder assumes (often VARCHAR or the peer's). */
struct expr *expr_param(struct arena *a, uint32_t index, const struct sql_type *t);

/* Unary: EXPR_NEG, EXPR_NOT, EXPR_BITNOT, EXPR_IS_*. */
struct expr *expr_unary(struct arena *a, enum expr_op op, struct expr *x);
/* Binary: arithmetic, comparisons, AND/OR/XOR, bit operators, LIKE without ESCAPE. */
struct expr *expr_binary(struct arena *a, enum expr_op op, struct expr *l, struct expr *r);
/* l / r with div_precision_increment incr (expr_binary uses 4). */
struct expr *expr_div(struct arena *a, struct expr *l, struct expr *r, int incr);
/* op is EXPR_BETWEEN or EXPR_NOT_BETWEEN. */
struct expr *expr_between(struct arena *a, enum expr_op op, struct expr *x, struct expr *lo,
                          struct expr *hi);
/* op is EXPR_IN or EXPR_NOT_IN; list[0..n) is copied. */
struct expr *expr_in(struct arena *a, enum expr_op op, struct expr *x, struct expr *const *list,
                     size_t n);
/* op is EXPR_LIKE or EXPR_NOT_LIKE; esc may be NULL (backslash). */
struct expr *expr_like(struct arena *a, enum expr_op op, struct expr *s, struct expr *pattern,
                       struct expr *esc);
/*
 * CASE: operand NULL for the searched form; when[i]/then[i] for i < n;
 * else_ may be NULL (NULL result).
 */
struct expr *expr_case(struct arena *a, struct expr *operand, struct expr *const *when,
                       struct expr *const *then, size_t n, struct expr *else_);
/*
 * CAST(x AS t): t is SIGNED (BIGINT), UNSIGNED (BIGINT UNSIGNED), DECIMAL(M,D),
 * DOUBLE, CHAR(N) (VARCHAR with length N; 0 = no limit; coll its charset),
 * BINARY(N) (VARBINARY), DATE, DATETIME(n), TIME(n).
 */
struct expr *expr_cast(struct arena *a, struct expr *x, const struct sql_type *t);
/* INTERVAL x unit, as the second argument of DATE_ADD/DATE_SUB/ADDDATE/SUBDATE/TIMESTAMPADD. */
struct expr *expr_interval(struct arena *a, struct expr *x, enum datetime_unit unit);

/* ---- Functions ---------------------------------------------------------- */

struct expr_func_def; /* func.c */

/*
 * Finds a native function by name (case-insensitive). Returns its id (>= 0),
 * or ERR_NOT_FOUND with "FUNCTION db.name does not exist" (MySQL 1305;
 * db may be NULL: "FUNCTION name does not exist") or ERR_INVALID with
 * "Incorrect parameter count in the call to native function 'name'" (1582)
 * when n_args is outside the arity; *mysql_errno (may be NULL) gets the number.
 */
int expr_func_lookup(const char *name, size_t len, size_t n_args, const char *db,
                     unsigned *mysql_errno);

/* A call of function id with args[0..n) (copied); NULL on ERR_NOMEM or a type error. */
struct expr *expr_func(struct arena *a, int id, struct expr *const *args, size_t n);

/* Convenience: lookup by NUL-terminated name, then expr_func. NULL if unknown. */
struct expr *expr_func_by_name(struct arena *a, const char *name, struct expr *const *args,
                               size_t n);

/* The function's canonical name (upper case). */
const char *expr_func_name(int id);

/* ---- Printing ------------------------------------------------------------ */

/* Appends MySQL's text of e for messages ("(9223372036854775807 + 1)"). Returns 0 or ERR_NOMEM. */
int expr_print(const struct expr *e, struct buf *out);

/* ---- Shared between expr.c, eval.c and func.c -------------------------- */

struct expr *expr__new(struct arena *a, enum expr_op op, size_t n_args);
int expr__eval_args_str(const struct expr *e, size_t i, struct expr_ctx *ctx,
                        const struct value *row, struct value *out);
void expr__string_type(struct sql_type *t, uint16_t coll, uint32_t len);
uint16_t expr__coll_of(const struct expr *e);
const struct expr_func_def *expr__func_def(int id);
int expr__result_type(struct expr *e, struct expr *const *r, size_t n);
int expr__coerce(const struct expr *e, const struct sql_type *from, struct expr_ctx *ctx,
                 struct value *v);
int expr__get_int(struct expr_ctx *ctx, const struct value *v, int64_t *i);
int expr__get_double(struct expr_ctx *ctx, const struct value *v, double *d);
int expr__get_decimal(struct expr_ctx *ctx, const struct value *v, struct decimal *d);

/* A registry entry. */
struct expr_func_def {
    const char *name;  /* Upper case. */
    uint8_t min_args;  /* Arity range. */
    uint8_t max_args;  /* 255: any number. */
    bool is_volatile;  /* Not constant even with constant arguments (NOW, RAND, UUID...). */
    void (*type_cb)(struct expr *e); /* Sets e->type, e->calc, e->flags from the arguments. */
    int (*eval_cb)(const struct expr *e, struct expr_ctx *ctx, const struct value *row,
                   struct value *out); /* Evaluates; evaluates arguments itself (lazily). */
};

#endif
