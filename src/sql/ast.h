/*
 * ast.h: the syntax tree the SQL parser produces (MySQL dialect).
 *
 * Every node lives in the statement arena given to sql_parse() and goes away
 * with it; nothing here is freed singly. The tree is a faithful picture of the
 * text: names are kept as written (unquoted, case preserved), literals keep their
 * source text next to a cheap parsed form, and nothing is resolved: the binder
 * decides what a name means, which type a literal gets, and whether a
 * construct is allowed where it stands.
 *
 * Shape: four families of tagged nodes, each a struct with a kind and an
 * anonymous union of per-kind parts: ast_expr (expressions), ast_query (a
 * query block or a set operation), ast_table_ref (FROM items) and ast_stmt
 * (statements). Lists are arrays of pointers (struct ast_list); the element
 * type is written next to every list field. Positions are byte offsets into
 * the text handed to the parser (struct ast_span, end exclusive).
 *
 * Normalisations done by the parser (so the binder sees one form):
 *   a && b, a AND b AND c     -> one AST_EXPR_AND with all operands
 *   a || b (default sql_mode) -> AST_EXPR_OR;  under PIPES_AS_CONCAT -> concat(a, b)
 *   !a, NOT a                 -> AST_OP_NOT (precedence is in the tree shape)
 *   +a                        -> a
 *   BINARY a                  -> CAST(a AS BINARY)
 *   CONVERT(a, type)          -> CAST(a AS type)
 *   RLIKE                     -> REGEXP;  SOME -> ANY;  SCHEMA(S) -> DATABASE(S)
 *   'a' 'b'                   -> one string literal 'ab'
 *   (query) with no ORDER BY/LIMIT of its own around a query -> that query
 *
 * ast_print() turns any statement or expression back into SQL text; parsing
 * that text again gives the same tree (tests check the fixed point).
 */
#ifndef ATOLL_SQL_AST_H
#define ATOLL_SQL_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct buf;

/* A byte range of the parsed text. */
struct ast_span {
    uint32_t start; /* Offset of the first byte. */
    uint32_t end;   /* Offset just past the last byte. */
};

/* An identifier as written. str is NULL when the identifier is absent. */
struct ast_ident {
    const char *str; /* NUL-terminated, without quotes; `` inside backticks is one `. */
    uint32_t len;    /* Bytes in str (an identifier may hold NUL bytes when quoted). */
    bool quoted;     /* Written in backticks (or "..." under ANSI_QUOTES). */
};

/* A growable array of node pointers in the arena. */
struct ast_list {
    void **items; /* Elements; their type is documented at each list field. */
    uint32_t n;   /* Elements in use. */
    uint32_t cap; /* Elements allocated. */
};

/* A schema object name: [db.]name. */
struct ast_name {
    struct ast_ident db;   /* Qualifier; str NULL when not written. */
    struct ast_ident name; /* The object's own name. */
    struct ast_span span;  /* Where the name was written. */
};

struct ast_expr;
struct ast_query;
struct ast_table_ref;
struct ast_stmt;
struct ast_type;
struct ast_window;

/* ------------------------------------------------------------------------ */
/* Expressions                                                              */

enum ast_expr_kind {
    AST_EXPR_LITERAL,       /* lit */
    AST_EXPR_PARAM,         /* ? placeholder: param */
    AST_EXPR_COLUMN,        /* [[db.]table.]column: column */
    AST_EXPR_STAR,          /* * or [db.]t.* in a select list: column (no column part) */
    AST_EXPR_USER_VAR,      /* @name: var */
    AST_EXPR_SYS_VAR,       /* @@[scope.]name: var */
    AST_EXPR_ASSIGN,        /* @name := value: assign */
    AST_EXPR_UNARY,         /* op arg: unary */
    AST_EXPR_BINARY,        /* left op right: binary */
    AST_EXPR_AND,           /* a AND b AND ...: logic (two or more operands) */
    AST_EXPR_OR,            /* a OR b OR ...: logic */
    AST_EXPR_IS,            /* arg IS [NOT] NULL|TRUE|FALSE|UNKNOWN: is */
    AST_EXPR_LIKE,          /* arg [NOT] LIKE|REGEXP pattern [ESCAPE e]: like */
    AST_EXPR_BETWEEN,       /* arg [NOT] BETWEEN low AND high: between */
    AST_EXPR_IN,            /* arg [NOT] IN (list) | (query): in */
    AST_EXPR_SUBQUERY,      /* (query) as a scalar or row value: subquery */
    AST_EXPR_EXISTS,        /* EXISTS (query): subquery */
    AST_EXPR_QUANTIFIED,    /* left op ANY|ALL (query): quant */
    AST_EXPR_CASE,          /* CASE [operand] WHEN .. THEN .. [ELSE ..] END: case_ */
    AST_EXPR_CAST,          /* CAST(arg AS type), CONVERT(arg, type), BINARY arg: cast */
    AST_EXPR_CONVERT_USING, /* CONVERT(arg USING charset): convert */
    AST_EXPR_COLLATE,       /* arg COLLATE name: collate */
    AST_EXPR_INTERVAL,      /* INTERVAL arg unit (only as +/- operand or argument): interval */
    AST_EXPR_FUNC,          /* name(args), any function or aggregate: func */
    AST_EXPR_ROW,           /* (a, b, ...) or ROW(a, b, ...): row */
    AST_EXPR_DEFAULT,       /* the bare word DEFAULT in VALUES, SET or UPDATE: no parts */
};

enum ast_lit_kind {
    AST_LIT_NULL,      /* NULL */
    AST_LIT_BOOL,      /* TRUE / FALSE: u is 1 or 0 */
    AST_LIT_INT,       /* Decimal digits that fit in 64 bits unsigned: u */
    AST_LIT_DECIMAL,   /* 1.5, .5, 1., or digits too big for 64 bits: text only */
    AST_LIT_FLOAT,     /* With an exponent: 1e10, 1.5E-3: d */
    AST_LIT_STRING,    /* '...', "...", N'...', _cs'...': str/len decoded */
    AST_LIT_HEX,       /* X'..' or 0x..: str/len are the bytes */
    AST_LIT_BIT,       /* B'..' or 0b..: str/len are the bytes (big-endian, left-padded) */
    AST_LIT_DATE,      /* DATE '...': str/len the string */
    AST_LIT_TIME,      /* TIME '...' */
    AST_LIT_TIMESTAMP, /* TIMESTAMP '...' */
};

enum ast_op {
    AST_OP_NONE,
    /* Unary. */
    AST_OP_NEG,    /* -a */
    AST_OP_BITNOT, /* ~a */
    AST_OP_NOT,    /* NOT a, !a */
    /* Arithmetic and bits. */
    AST_OP_ADD,    /* + */
    AST_OP_SUB,    /* - */
    AST_OP_MUL,    /* * */
    AST_OP_DIV,    /* / */
    AST_OP_INTDIV, /* DIV */
    AST_OP_MOD,    /* %, MOD */
    AST_OP_BITAND, /* & */
    AST_OP_BITOR,  /* | */
    AST_OP_BITXOR, /* ^ */
    AST_OP_SHL,    /* << */
    AST_OP_SHR,    /* >> */
    /* Comparison. */
    AST_OP_EQ,   /* = */
    AST_OP_NSEQ, /* <=> */
    AST_OP_NE,   /* <>, != */
    AST_OP_LT,   /* < */
    AST_OP_LE,   /* <= */
    AST_OP_GT,   /* > */
    AST_OP_GE,   /* >= */
    /* Logic. */
    AST_OP_XOR, /* XOR */
    /* JSON. */
    AST_OP_JSON_EXTRACT, /* col -> 'path' */
    AST_OP_JSON_UNQUOTE, /* col ->> 'path' */
};

enum ast_is_what {
    AST_IS_NULL,
    AST_IS_TRUE,
    AST_IS_FALSE,
    AST_IS_UNKNOWN,
};

enum ast_var_scope {
    AST_SCOPE_DEFAULT,      /* Not written: SESSION for SET x, @@x reads session-then-global. */
    AST_SCOPE_SESSION,      /* SESSION / @@session. */
    AST_SCOPE_GLOBAL,       /* GLOBAL / @@global. */
    AST_SCOPE_LOCAL,        /* LOCAL / @@local. (a synonym of SESSION) */
    AST_SCOPE_PERSIST,      /* PERSIST / @@persist. */
    AST_SCOPE_PERSIST_ONLY, /* PERSIST_ONLY / @@persist_only. */
};

/* Units of INTERVAL, EXTRACT, TIMESTAMPADD/DIFF. */
enum ast_unit {
    AST_UNIT_NONE,
    AST_UNIT_MICROSECOND,
    AST_UNIT_SECOND,
    AST_UNIT_MINUTE,
    AST_UNIT_HOUR,
    AST_UNIT_DAY,
    AST_UNIT_WEEK,
    AST_UNIT_MONTH,
    AST_UNIT_QUARTER,
    AST_UNIT_YEAR,
    AST_UNIT_SECOND_MICROSECOND,
    AST_UNIT_MINUTE_MICROSECOND,
    AST_UNIT_MINUTE_SECOND,
    AST_UNIT_HOUR_MICROSECOND,
    AST_UNIT_HOUR_SECOND,
    AST_UNIT_HOUR_MINUTE,
    AST_UNIT_DAY_MICROSECOND,
    AST_UNIT_DAY_SECOND,
    AST_UNIT_DAY_MINUTE,
    AST_UNIT_DAY_HOUR,
    AST_UNIT_YEAR_MONTH,
};

/* How a function call was written, for functions with their own syntax. */
enum ast_func_syntax {
    AST_FUNC_PLAIN,          /* name(args) */
    AST_FUNC_NO_PARENS,      /* CURRENT_TIMESTAMP, CURRENT_USER, ... without () */
    AST_FUNC_TRIM,           /* TRIM([mode] [remstr] FROM str): args = str[, remstr] */
    AST_FUNC_SUBSTRING_FROM, /* SUBSTRING(s FROM pos [FOR len]): args = s, pos[, len] */
    AST_FUNC_POSITION,       /* POSITION(substr IN str): args = substr, str */
    AST_FUNC_EXTRACT,        /* EXTRACT(unit FROM d): args = d; unit */
    AST_FUNC_UNIT_FIRST,     /* TIMESTAMPADD/TIMESTAMPDIFF(unit, a, b): args = a, b; unit */
    AST_FUNC_CHAR_USING,     /* CHAR(args USING charset) */
    AST_FUNC_GROUP_CONCAT,   /* GROUP_CONCAT([DISTINCT] args [ORDER BY ..] [SEPARATOR s]) */
};

enum ast_trim_mode {
    AST_TRIM_DEFAULT, /* No LEADING/TRAILING/BOTH written. */
    AST_TRIM_LEADING,
    AST_TRIM_TRAILING,
    AST_TRIM_BOTH,
};

/* A WHEN ... THEN ... arm of CASE. */
struct ast_when {
    struct ast_expr *cond;   /* WHEN operand (a value for simple CASE, a condition otherwise). */
    struct ast_expr *result; /* THEN value. */
};

/* ORDER BY item (also used inside windows and GROUP_CONCAT). */
enum ast_order_dir {
    AST_ORDER_DEFAULT, /* Not written (ascending). */
    AST_ORDER_ASC,
    AST_ORDER_DESC,
};

struct ast_order {
    struct ast_expr *expr; /* Expression, or an integer literal naming a select item by position. */
    enum ast_order_dir dir; /* ASC / DESC as written. */
};

struct ast_expr {
    enum ast_expr_kind kind; /* Which part of the union is valid. */
    struct ast_span span;    /* Source text of the whole expression. */
    uint16_t depth;          /* Height of the subtree (1 for a leaf); bounded by the parser. */
    union {
        struct {
            enum ast_lit_kind kind;   /* What was written. */
            struct ast_span text;     /* The literal's own text in the input (no introducer). */
            const char *str;          /* Decoded bytes (strings, hex, bits, typed); NUL after. */
            uint32_t len;             /* Bytes in str. */
            uint64_t u;               /* Value of INT and BOOL literals. */
            double d;                 /* Value of FLOAT literals (strtod of the text). */
            struct ast_ident charset; /* _charset introducer, or "binary"; str NULL if none. */
            bool national;            /* N'...' (the national charset, utf8mb3 in MySQL). */
        } lit;
        struct {
            uint32_t index; /* 0-based position of this ? in its statement. */
        } param;
        struct {
            struct ast_ident db;     /* Database qualifier or absent. */
            struct ast_ident table;  /* Table qualifier or absent. */
            struct ast_ident column; /* Column name; absent for AST_EXPR_STAR. */
        } column;
        struct {
            struct ast_ident name;    /* Variable name without @ / @@ and scope. */
            struct ast_ident base;    /* @@base.name (keycache1.x), NEW in NEW.x; or absent. */
            enum ast_var_scope scope; /* Scope for system variables. */
        } var;
        struct {
            struct ast_ident name;  /* User variable assigned. */
            struct ast_expr *value; /* New value. */
        } assign;
        struct {
            enum ast_op op;       /* AST_OP_NEG, AST_OP_BITNOT or AST_OP_NOT. */
            struct ast_expr *arg; /* Operand. */
        } unary;
        struct {
            enum ast_op op;                /* Arithmetic, bit, comparison, XOR or JSON operator. */
            struct ast_expr *left, *right; /* Operands. */
        } binary;
        struct {
            struct ast_list args; /* of struct ast_expr: two or more operands. */
        } logic;
        struct {
            struct ast_expr *arg;  /* Tested value. */
            enum ast_is_what what; /* NULL, TRUE, FALSE or UNKNOWN. */
            bool negated;          /* IS NOT. */
        } is;
        struct {
            struct ast_expr *arg;     /* Matched value. */
            struct ast_expr *pattern; /* Pattern. */
            struct ast_expr *escape;  /* ESCAPE character, or NULL. */
            bool regexp;              /* REGEXP / RLIKE instead of LIKE. */
            bool negated;             /* NOT LIKE / NOT REGEXP. */
        } like;
        struct {
            struct ast_expr *arg, *low, *high; /* arg BETWEEN low AND high. */
            bool negated;                      /* NOT BETWEEN. */
        } between;
        struct {
            struct ast_expr *arg;    /* Left side (may be a ROW). */
            struct ast_list list;    /* of struct ast_expr: the IN list; empty for a subquery. */
            struct ast_query *query; /* Subquery, or NULL for a list. */
            bool negated;            /* NOT IN. */
        } in;
        struct {
            struct ast_query *query; /* The subquery of AST_EXPR_SUBQUERY or AST_EXPR_EXISTS. */
        } subquery;
        struct {
            enum ast_op op;          /* Comparison operator. */
            struct ast_expr *left;   /* Left side. */
            struct ast_query *query; /* Subquery. */
            bool all;                /* ALL; false for ANY / SOME. */
        } quant;
        struct {
            struct ast_expr *operand; /* CASE operand, or NULL for the searched form. */
            struct ast_list whens;    /* of struct ast_when, at least one. */
            struct ast_expr *else_;   /* ELSE value, or NULL. */
        } case_;
        struct {
            struct ast_expr *arg;  /* Converted value. */
            struct ast_type *type; /* Target type. */
        } cast;
        struct {
            struct ast_expr *arg;     /* Converted value. */
            struct ast_ident charset; /* Target character set. */
        } convert;
        struct {
            struct ast_expr *arg;       /* Value. */
            struct ast_ident collation; /* Collation name. */
        } collate;
        struct {
            struct ast_expr *arg; /* Amount. */
            enum ast_unit unit;   /* Unit. */
        } interval;
        struct {
            struct ast_ident name;       /* Function name as written. */
            struct ast_ident db;         /* db.func(): stored function qualifier, or absent. */
            struct ast_list args;        /* of struct ast_expr (INTERVAL nodes allowed). */
            enum ast_func_syntax syntax; /* Special syntax used, for printing and checks. */
            bool distinct;               /* f(DISTINCT ...). */
            bool star;                   /* f(*), e.g. COUNT(*); args empty. */
            enum ast_trim_mode trim;     /* TRIM mode. */
            enum ast_unit unit;          /* EXTRACT / TIMESTAMPADD / TIMESTAMPDIFF unit. */
            struct ast_ident charset;    /* CHAR(... USING charset). */
            struct ast_list order_by;    /* of struct ast_order: GROUP_CONCAT's ORDER BY. */
            struct ast_expr *separator;  /* GROUP_CONCAT's SEPARATOR string, or NULL. */
            struct ast_window *over;     /* OVER (...) or OVER name, or NULL. */
        } func;
        struct {
            struct ast_list args; /* of struct ast_expr, at least two (or one with ROW()). */
            bool explicit_row;    /* Written ROW(...). */
        } row;
    };
};

/* ------------------------------------------------------------------------ */
/* Types (column definitions and CAST targets)                              */

enum ast_type_kind {
    AST_TYPE_TINYINT,
    AST_TYPE_SMALLINT,
    AST_TYPE_MEDIUMINT,
    AST_TYPE_INT,
    AST_TYPE_BIGINT,
    AST_TYPE_DECIMAL,
    AST_TYPE_FLOAT,
    AST_TYPE_DOUBLE,
    AST_TYPE_BIT,
    AST_TYPE_BOOL,
    AST_TYPE_CHAR,
    AST_TYPE_VARCHAR,
    AST_TYPE_BINARY,
    AST_TYPE_VARBINARY,
    AST_TYPE_TINYTEXT,
    AST_TYPE_TEXT,
    AST_TYPE_MEDIUMTEXT,
    AST_TYPE_LONGTEXT,
    AST_TYPE_TINYBLOB,
    AST_TYPE_BLOB,
    AST_TYPE_MEDIUMBLOB,
    AST_TYPE_LONGBLOB,
    AST_TYPE_DATE,
    AST_TYPE_TIME,
    AST_TYPE_DATETIME,
    AST_TYPE_TIMESTAMP,
    AST_TYPE_YEAR,
    AST_TYPE_ENUM,
    AST_TYPE_SET,
    AST_TYPE_JSON,
    AST_TYPE_SIGNED,   /* CAST(x AS SIGNED [INTEGER]) */
    AST_TYPE_UNSIGNED, /* CAST(x AS UNSIGNED [INTEGER]) */
};

struct ast_type {
    enum ast_type_kind kind;  /* Base type. */
    struct ast_span span;     /* Where the type was written. */
    int32_t len;              /* (M): length, display width, precision or fsp; -1 if not written. */
    int32_t scale;            /* (M,D): scale; -1 if not written. */
    bool is_unsigned;         /* UNSIGNED (numeric types). */
    bool zerofill;            /* ZEROFILL. */
    bool binary;              /* CHAR ... BINARY / BYTE attribute (binary collation). */
    bool national;            /* NCHAR / NATIONAL / NVARCHAR. */
    bool serial;              /* SERIAL: BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE. */
    struct ast_ident charset; /* CHARACTER SET / CHARSET name, or absent. */
    struct ast_ident collate; /* COLLATE, or absent. */
    struct ast_list values;   /* of struct ast_expr (string literals): ENUM/SET members. */
};

/* ------------------------------------------------------------------------ */
/* Windows                                                                  */

enum ast_frame_unit { AST_FRAME_ROWS, AST_FRAME_RANGE, AST_FRAME_GROUPS };

enum ast_bound_kind {
    AST_BOUND_UNBOUNDED_PRECEDING,
    AST_BOUND_PRECEDING, /* expr PRECEDING */
    AST_BOUND_CURRENT_ROW,
    AST_BOUND_FOLLOWING, /* expr FOLLOWING */
    AST_BOUND_UNBOUNDED_FOLLOWING,
};

struct ast_frame_bound {
    enum ast_bound_kind kind; /* Bound. */
    struct ast_expr *offset;  /* For PRECEDING / FOLLOWING: a literal, ? or INTERVAL. */
};

struct ast_frame {
    enum ast_frame_unit unit;     /* ROWS, RANGE or GROUPS. */
    struct ast_frame_bound start; /* Start bound (the only one without BETWEEN). */
    struct ast_frame_bound end;   /* End bound. */
    bool between;                 /* BETWEEN start AND end was written. */
};

/* A window: OVER name, OVER (spec), or a WINDOW clause entry. */
struct ast_window {
    struct ast_ident name;        /* Name defined by WINDOW name AS (...), or absent. */
    struct ast_ident ref;         /* OVER name, or the base window in (base ...). */
    bool has_spec;                /* Parenthesised specification written (false: OVER name). */
    struct ast_list partition_by; /* of struct ast_expr. */
    struct ast_list order_by;     /* of struct ast_order. */
    struct ast_frame *frame;      /* Frame, or NULL. */
    struct ast_span span;         /* Source text. */
};

/* ------------------------------------------------------------------------ */
/* Queries                                                                  */

enum ast_query_kind {
    AST_QUERY_SELECT, /* A query block: SELECT ... FROM ... */
    AST_QUERY_SETOP,  /* left UNION|INTERSECT|EXCEPT right; right NULL: see below */
};

/*
 * (q ORDER BY a LIMIT 2) ORDER BY b LIMIT 1: when a parenthesised query has
 * its own ORDER BY / LIMIT / WITH and more is written outside, the outer
 * clauses go on an AST_QUERY_SETOP with left = q and right = NULL (a set
 * operation of one operand). Parentheses around a query with nothing outside
 * leave no trace.
 */

enum ast_setop { AST_SETOP_UNION, AST_SETOP_EXCEPT, AST_SETOP_INTERSECT };

/* SELECT options (bit flags). */
enum {
    AST_SEL_DISTINCT = 1 << 0, /* DISTINCT / DISTINCTROW */
    AST_SEL_ALL = 1 << 1,      /* ALL written */
    AST_SEL_HIGH_PRIORITY = 1 << 2,
    AST_SEL_STRAIGHT_JOIN = 1 << 3,
    AST_SEL_SMALL_RESULT = 1 << 4,    /* SQL_SMALL_RESULT */
    AST_SEL_BIG_RESULT = 1 << 5,      /* SQL_BIG_RESULT */
    AST_SEL_BUFFER_RESULT = 1 << 6,   /* SQL_BUFFER_RESULT */
    AST_SEL_CALC_FOUND_ROWS = 1 << 7, /* SQL_CALC_FOUND_ROWS */
    AST_SEL_CACHE = 1 << 8,           /* SQL_CACHE */
    AST_SEL_NO_CACHE = 1 << 9,        /* SQL_NO_CACHE */
};

/* One item of the select list. */
struct ast_select_item {
    struct ast_expr *expr;  /* Value, or an AST_EXPR_STAR. */
    struct ast_ident alias; /* AS alias (an identifier or a string), or absent. */
    struct ast_span span;   /* Text of the expression: MySQL names unaliased columns by it. */
};

struct ast_cte {
    struct ast_ident name;   /* CTE name. */
    struct ast_list columns; /* of struct ast_ident: (col, ...) or empty. */
    struct ast_query *query; /* Definition. */
    struct ast_span span;    /* Source text of the definition. */
};

struct ast_with {
    bool recursive;       /* WITH RECURSIVE. */
    struct ast_list ctes; /* of struct ast_cte. */
};

enum ast_lock_kind {
    AST_LOCK_UPDATE,     /* FOR UPDATE */
    AST_LOCK_SHARE,      /* FOR SHARE */
    AST_LOCK_SHARE_MODE, /* LOCK IN SHARE MODE */
};

enum ast_lock_wait { AST_LOCK_WAIT, AST_LOCK_NOWAIT, AST_LOCK_SKIP_LOCKED };

struct ast_lock {
    enum ast_lock_kind kind; /* Strength. */
    struct ast_list tables;  /* of struct ast_name: OF t1, t2; empty for all. */
    enum ast_lock_wait wait; /* NOWAIT / SKIP LOCKED. */
};

struct ast_query {
    enum ast_query_kind kind; /* SELECT block or set operation. */
    struct ast_span span;     /* Source text. */
    uint16_t depth;           /* Height of the subtree. */
    struct ast_with *with;    /* WITH clause, or NULL. */
    union {
        struct {
            uint32_t opts;            /* AST_SEL_* flags. */
            struct ast_list items;    /* of struct ast_select_item. */
            struct ast_list from;     /* of struct ast_table_ref: FROM items; empty: no FROM. */
            bool from_dual;           /* FROM DUAL was written. */
            struct ast_expr *where;   /* WHERE, or NULL. */
            struct ast_list group_by; /* of struct ast_expr. */
            bool with_rollup;         /* GROUP BY ... WITH ROLLUP. */
            struct ast_expr *having;  /* HAVING, or NULL. */
            struct ast_list windows;  /* of struct ast_window: WINDOW clause entries. */
        } select;
        struct {
            enum ast_setop op; /* Operator (UNION when right is NULL). */
            bool all;          /* ALL (duplicates kept). */
            bool distinct;     /* DISTINCT written. */
            struct ast_query *left,
                *right; /* Operands; right NULL for a lone parenthesised query. */
        } setop;
    };
    struct ast_list order_by; /* of struct ast_order. */
    struct ast_expr *limit;   /* LIMIT count (literal or ?), or NULL. */
    struct ast_expr *offset;  /* OFFSET, or NULL. */
    struct ast_list into;     /* of struct ast_expr (USER_VAR, or COLUMN: a local). */
    struct ast_list locks;    /* of struct ast_lock. */
};

/* ------------------------------------------------------------------------ */
/* FROM items                                                               */

enum ast_table_ref_kind {
    AST_TREF_TABLE,   /* [db.]t [AS alias] [index hints]: table */
    AST_TREF_DERIVED, /* [LATERAL] (query) [AS] alias [(cols)]: derived */
    AST_TREF_JOIN,    /* left JOIN right [ON|USING]: join */
    AST_TREF_LIST,    /* (a, b, ...): a parenthesised comma list: list */
};

enum ast_join_kind {
    AST_JOIN_INNER,    /* [INNER] JOIN, and a conditionless JOIN */
    AST_JOIN_CROSS,    /* CROSS JOIN */
    AST_JOIN_STRAIGHT, /* STRAIGHT_JOIN */
    AST_JOIN_LEFT,     /* LEFT [OUTER] JOIN */
    AST_JOIN_RIGHT,    /* RIGHT [OUTER] JOIN */
};

enum ast_hint_kind { AST_HINT_USE, AST_HINT_FORCE, AST_HINT_IGNORE };
enum ast_hint_scope {
    AST_HINT_FOR_ALL,
    AST_HINT_FOR_JOIN,
    AST_HINT_FOR_ORDER_BY,
    AST_HINT_FOR_GROUP_BY
};

struct ast_index_hint {
    enum ast_hint_kind kind;   /* USE / FORCE / IGNORE. */
    bool key;                  /* Written KEY instead of INDEX. */
    enum ast_hint_scope scope; /* FOR JOIN / ORDER BY / GROUP BY. */
    struct ast_list names; /* of struct ast_ident (PRIMARY as "PRIMARY"); may be empty for USE. */
};

struct ast_table_ref {
    enum ast_table_ref_kind kind; /* Which part is valid. */
    struct ast_span span;         /* Source text. */
    uint16_t depth;               /* Height of the subtree. */
    struct ast_ident alias;       /* Alias for TABLE and DERIVED, or absent. */
    union {
        struct {
            struct ast_name name;       /* Table name. */
            struct ast_list hints;      /* of struct ast_index_hint. */
            struct ast_list partitions; /* of struct ast_ident: PARTITION (p, ...). */
        } table;
        struct {
            struct ast_query *query; /* Subquery. */
            struct ast_list columns; /* of struct ast_ident: column aliases. */
            bool lateral;            /* LATERAL. */
        } derived;
        struct {
            enum ast_join_kind kind;     /* Join type. */
            bool natural;                /* NATURAL [LEFT|RIGHT] JOIN. */
            struct ast_table_ref *left;  /* Left operand. */
            struct ast_table_ref *right; /* Right operand. */
            struct ast_expr *on;         /* ON condition, or NULL. */
            struct ast_list using_;      /* of struct ast_ident: USING (cols); empty if none. */
            bool has_using;              /* USING was written (the list may not be empty then). */
        } join;
        struct {
            struct ast_list items; /* of struct ast_table_ref, two or more. */
        } list;
    };
};

/* ------------------------------------------------------------------------ */
/* DDL parts                                                                */

enum ast_fk_action {
    AST_FK_DEFAULT, /* Not written. */
    AST_FK_RESTRICT,
    AST_FK_CASCADE,
    AST_FK_SET_NULL,
    AST_FK_NO_ACTION,
    AST_FK_SET_DEFAULT,
};

struct ast_references {
    struct ast_name table;        /* Referenced table. */
    struct ast_list columns;      /* of struct ast_ident. */
    enum ast_fk_action on_delete; /* ON DELETE action. */
    enum ast_fk_action on_update; /* ON UPDATE action. */
    struct ast_ident match;       /* MATCH FULL|PARTIAL|SIMPLE, or absent. */
};

/* One part of an index: a column with an optional prefix length, or (expr). */
struct ast_key_part {
    struct ast_ident column; /* Column, absent for a functional part. */
    struct ast_expr *expr;   /* Functional key part (expr), or NULL. */
    int32_t len;             /* Prefix length, -1 if none. */
    enum ast_order_dir dir;  /* ASC / DESC. */
};

/* A generic name = value option (table options, index options). */
struct ast_option {
    struct ast_ident name;  /* Option name as written, e.g. ENGINE, ROW_FORMAT. */
    struct ast_expr *value; /* Literal, or a COLUMN node holding a bare word, or DEFAULT. */
    bool has_eq;            /* Written with '='. */
    bool is_default;        /* Prefixed by DEFAULT (DEFAULT CHARSET=...). */
};

enum ast_constraint_kind {
    AST_CONS_PRIMARY,  /* PRIMARY KEY */
    AST_CONS_UNIQUE,   /* UNIQUE [KEY|INDEX] */
    AST_CONS_INDEX,    /* KEY / INDEX */
    AST_CONS_FULLTEXT, /* FULLTEXT [KEY|INDEX] */
    AST_CONS_SPATIAL,  /* SPATIAL [KEY|INDEX] */
    AST_CONS_FOREIGN,  /* FOREIGN KEY */
    AST_CONS_CHECK,    /* CHECK (expr) */
};

struct ast_constraint {
    enum ast_constraint_kind kind; /* Kind. */
    struct ast_ident name;         /* CONSTRAINT name, or absent. */
    struct ast_ident index_name;   /* Index name (KEY name (...), FOREIGN KEY name), or absent. */
    struct ast_list parts;         /* of struct ast_key_part: indexed columns. */
    struct ast_ident using_;       /* USING BTREE|HASH, or absent. */
    struct ast_list options;       /* of struct ast_option: COMMENT, KEY_BLOCK_SIZE... */
    struct ast_references *refs;   /* FOREIGN KEY target, or NULL. */
    struct ast_expr *check;        /* CHECK condition, or NULL. */
    int enforced;                  /* CHECK: -1 not written, 0 NOT ENFORCED, 1 ENFORCED. */
    bool key_word;                 /* Written with KEY (UNIQUE KEY) rather than INDEX or nothing. */
    struct ast_span span;          /* Source text. */
};

enum ast_col_key { AST_COL_KEY_NONE, AST_COL_KEY_PRIMARY, AST_COL_KEY_UNIQUE };

struct ast_column_def {
    struct ast_ident name;       /* Column name. */
    struct ast_type *type;       /* Type (COLLATE of the column is stored in type->collate). */
    int nullable;                /* -1 not written, 0 NOT NULL, 1 NULL. */
    struct ast_expr *default_;   /* DEFAULT value, or NULL. */
    bool default_paren;          /* DEFAULT (expr) form. */
    struct ast_expr *on_update;  /* ON UPDATE CURRENT_TIMESTAMP[(n)], or NULL. */
    bool auto_increment;         /* AUTO_INCREMENT. */
    enum ast_col_key key;        /* PRIMARY KEY / UNIQUE [KEY] attribute. */
    struct ast_expr *comment;    /* COMMENT string literal, or NULL. */
    struct ast_expr *generated;  /* [GENERATED ALWAYS] AS (expr), or NULL. */
    bool stored;                 /* STORED generated column (else VIRTUAL). */
    struct ast_list checks;      /* of struct ast_constraint: inline CHECK constraints. */
    struct ast_references *refs; /* Inline REFERENCES, or NULL. */
    int visible;                 /* -1 not written, 0 INVISIBLE, 1 VISIBLE. */
    struct ast_list options;     /* of struct ast_option: COLUMN_FORMAT, STORAGE, SRID... */
    struct ast_span span;        /* Source text. */
};

/* Where an added or changed column goes. */
struct ast_col_place {
    bool first;             /* FIRST. */
    struct ast_ident after; /* AFTER column, or absent. */
};

enum ast_alter_kind {
    AST_ALTER_ADD_COLUMN,      /* ADD [COLUMN] def [FIRST|AFTER c]: column, place */
    AST_ALTER_ADD_COLUMNS,     /* ADD [COLUMN] (defs, constraints): columns, constraints */
    AST_ALTER_ADD_CONSTRAINT,  /* ADD PRIMARY KEY/UNIQUE/INDEX/FOREIGN KEY/CHECK: constraint */
    AST_ALTER_DROP_COLUMN,     /* DROP [COLUMN] name: name */
    AST_ALTER_DROP_INDEX,      /* DROP INDEX|KEY name: name */
    AST_ALTER_DROP_PRIMARY,    /* DROP PRIMARY KEY */
    AST_ALTER_DROP_FOREIGN,    /* DROP FOREIGN KEY name: name */
    AST_ALTER_DROP_CHECK,      /* DROP CHECK|CONSTRAINT name: name */
    AST_ALTER_MODIFY_COLUMN,   /* MODIFY [COLUMN] def [place]: column, place */
    AST_ALTER_CHANGE_COLUMN,   /* CHANGE [COLUMN] old def [place]: name, column, place */
    AST_ALTER_SET_DEFAULT,     /* ALTER [COLUMN] c SET DEFAULT v: name, value, default_paren */
    AST_ALTER_DROP_DEFAULT,    /* ALTER [COLUMN] c DROP DEFAULT: name */
    AST_ALTER_COLUMN_VISIBLE,  /* ALTER [COLUMN] c SET VISIBLE|INVISIBLE: name, visible */
    AST_ALTER_INDEX_VISIBLE,   /* ALTER INDEX i VISIBLE|INVISIBLE: name, visible */
    AST_ALTER_RENAME_TABLE,    /* RENAME [TO|AS] t: new_table */
    AST_ALTER_RENAME_COLUMN,   /* RENAME COLUMN a TO b: name, new_name */
    AST_ALTER_RENAME_INDEX,    /* RENAME INDEX|KEY a TO b: name, new_name */
    AST_ALTER_OPTIONS,         /* table options: options */
    AST_ALTER_CONVERT_CHARSET, /* CONVERT TO CHARACTER SET cs [COLLATE c]: name (charset), new_name
                                  (collation) */
    AST_ALTER_ALGORITHM,       /* ALGORITHM [=] x: name */
    AST_ALTER_LOCK,            /* LOCK [=] x: name */
    AST_ALTER_FORCE,           /* FORCE */
    AST_ALTER_ENABLE_KEYS,     /* ENABLE KEYS */
    AST_ALTER_DISABLE_KEYS,    /* DISABLE KEYS */
};

struct ast_alter {
    enum ast_alter_kind kind;          /* What to do; the comment at each kind names its fields. */
    struct ast_column_def *column;     /* Column definition. */
    struct ast_list columns;           /* of struct ast_column_def. */
    struct ast_list constraints;       /* of struct ast_constraint. */
    struct ast_constraint *constraint; /* Added constraint. */
    struct ast_ident name;             /* Column, index or constraint named. */
    struct ast_ident new_name;         /* New name. */
    struct ast_name new_table;         /* New table name. */
    struct ast_col_place place;        /* FIRST / AFTER. */
    struct ast_expr *value;            /* New default. */
    bool default_paren;                /* SET DEFAULT (expr). */
    int visible;                       /* 1 VISIBLE, 0 INVISIBLE. */
    bool has_column_word;              /* COLUMN was written. */
    struct ast_list options;           /* of struct ast_option. */
    struct ast_span span;              /* Source text. */
};

/* ------------------------------------------------------------------------ */
/* Users and privileges                                                     */

struct ast_user {
    struct ast_ident name;        /* User name (from an identifier or a string). */
    struct ast_ident host;        /* Host part after @, or absent (meaning '%'). */
    bool current_user;            /* CURRENT_USER[()]. */
    bool has_auth;                /* An IDENTIFIED clause was written. */
    struct ast_ident plugin;      /* IDENTIFIED WITH plugin, or absent. */
    struct ast_expr *password;    /* IDENTIFIED [WITH p] BY 'x': plain text, or NULL. */
    struct ast_expr *auth_string; /* IDENTIFIED WITH p AS 'hash' / BY PASSWORD 'hash', or NULL. */
    struct ast_span span;         /* Source text. */
};

struct ast_priv {
    const char *name;        /* Upper-case privilege words, e.g. "SELECT", "GRANT OPTION", "ALL". */
    struct ast_list columns; /* of struct ast_ident: column privileges. */
};

enum ast_grant_object { AST_GRANT_ANY, AST_GRANT_TABLE, AST_GRANT_FUNCTION, AST_GRANT_PROCEDURE };

/* ------------------------------------------------------------------------ */
/* SET                                                                      */

enum ast_set_kind {
    AST_SET_VAR,     /* [scope] name = value, @user = value, @@x = value */
    AST_SET_NAMES,   /* NAMES charset [COLLATE c] | NAMES DEFAULT */
    AST_SET_CHARSET, /* CHARACTER SET charset | CHARSET charset | ... DEFAULT */
};

struct ast_set_item {
    enum ast_set_kind kind;   /* Kind. */
    struct ast_expr *target;  /* AST_SET_VAR: USER_VAR, SYS_VAR (scope set from the keyword), */
                              /* or SYS_VAR with base = NEW/OLD/prefix for "a.b = ..." */
    struct ast_expr *value;   /* New value (AST_EXPR_DEFAULT for DEFAULT; ON/ALL/... as strings). */
    struct ast_ident charset; /* NAMES / CHARACTER SET name; absent for DEFAULT. */
    struct ast_ident collate; /* NAMES ... COLLATE name, or absent. */
};

enum ast_isolation {
    AST_ISO_NONE,
    AST_ISO_READ_UNCOMMITTED,
    AST_ISO_READ_COMMITTED,
    AST_ISO_REPEATABLE_READ,
    AST_ISO_SERIALIZABLE,
};

enum ast_access { AST_ACCESS_NONE, AST_ACCESS_READ_ONLY, AST_ACCESS_READ_WRITE };

/* ------------------------------------------------------------------------ */
/* SHOW                                                                     */

enum ast_show_kind {
    AST_SHOW_DATABASES,    /* SHOW DATABASES|SCHEMAS [LIKE|WHERE] */
    AST_SHOW_TABLES,       /* SHOW [FULL] TABLES [FROM db] [LIKE|WHERE] */
    AST_SHOW_TABLE_STATUS, /* SHOW TABLE STATUS [FROM db] [LIKE|WHERE] */
    AST_SHOW_COLUMNS,      /* SHOW [EXTENDED] [FULL] COLUMNS|FIELDS FROM t [FROM db] [LIKE|WHERE] */
    AST_SHOW_INDEX,        /* SHOW [EXTENDED] INDEX|INDEXES|KEYS FROM t [FROM db] [WHERE] */
    AST_SHOW_CREATE_TABLE, /* SHOW CREATE TABLE t */
    AST_SHOW_CREATE_VIEW,  /* SHOW CREATE VIEW v */
    AST_SHOW_CREATE_DATABASE,  /* SHOW CREATE DATABASE|SCHEMA [IF NOT EXISTS] d */
    AST_SHOW_CREATE_TRIGGER,   /* SHOW CREATE TRIGGER t */
    AST_SHOW_CREATE_USER,      /* SHOW CREATE USER u */
    AST_SHOW_VARIABLES,        /* SHOW [GLOBAL|SESSION] VARIABLES [LIKE|WHERE] */
    AST_SHOW_STATUS,           /* SHOW [GLOBAL|SESSION] STATUS [LIKE|WHERE] */
    AST_SHOW_WARNINGS,         /* SHOW WARNINGS [LIMIT] */
    AST_SHOW_ERRORS,           /* SHOW ERRORS [LIMIT] */
    AST_SHOW_COUNT_WARNINGS,   /* SHOW COUNT(*) WARNINGS */
    AST_SHOW_COUNT_ERRORS,     /* SHOW COUNT(*) ERRORS */
    AST_SHOW_PROCESSLIST,      /* SHOW [FULL] PROCESSLIST */
    AST_SHOW_COLLATION,        /* SHOW COLLATION [LIKE|WHERE] */
    AST_SHOW_CHARSET,          /* SHOW CHARACTER SET|CHARSET [LIKE|WHERE] */
    AST_SHOW_ENGINES,          /* SHOW [STORAGE] ENGINES */
    AST_SHOW_ENGINE,           /* SHOW ENGINE name STATUS|MUTEX: name, what */
    AST_SHOW_GRANTS,           /* SHOW GRANTS [FOR user] */
    AST_SHOW_TRIGGERS,         /* SHOW TRIGGERS [FROM db] [LIKE|WHERE] */
    AST_SHOW_PLUGINS,          /* SHOW PLUGINS */
    AST_SHOW_MASTER_STATUS,    /* SHOW MASTER STATUS | SHOW BINARY LOG STATUS */
    AST_SHOW_SLAVE_STATUS,     /* SHOW SLAVE|REPLICA STATUS */
    AST_SHOW_BINARY_LOGS,      /* SHOW BINARY|MASTER LOGS */
    AST_SHOW_PRIVILEGES,       /* SHOW PRIVILEGES */
    AST_SHOW_PROFILES,         /* SHOW PROFILES */
    AST_SHOW_OPEN_TABLES,      /* SHOW OPEN TABLES [FROM db] [LIKE|WHERE] */
    AST_SHOW_FUNCTION_STATUS,  /* SHOW FUNCTION STATUS [LIKE|WHERE] */
    AST_SHOW_PROCEDURE_STATUS, /* SHOW PROCEDURE STATUS [LIKE|WHERE] */
    AST_SHOW_EVENTS,           /* SHOW EVENTS [FROM db] [LIKE|WHERE] */
};

/* ------------------------------------------------------------------------ */
/* Statements                                                               */

enum ast_stmt_kind {
    AST_STMT_EMPTY,             /* Only comments: MySQL answers OK. */
    AST_STMT_SELECT,            /* select */
    AST_STMT_INSERT,            /* insert (also REPLACE) */
    AST_STMT_UPDATE,            /* update */
    AST_STMT_DELETE,            /* delete */
    AST_STMT_CREATE_DATABASE,   /* database */
    AST_STMT_ALTER_DATABASE,    /* database */
    AST_STMT_DROP_DATABASE,     /* database */
    AST_STMT_USE,               /* use */
    AST_STMT_CREATE_TABLE,      /* create_table */
    AST_STMT_ALTER_TABLE,       /* alter_table */
    AST_STMT_DROP_TABLE,        /* drop (also DROP VIEW) */
    AST_STMT_DROP_VIEW,         /* drop */
    AST_STMT_TRUNCATE,          /* truncate */
    AST_STMT_RENAME_TABLE,      /* rename */
    AST_STMT_CREATE_INDEX,      /* create_index */
    AST_STMT_DROP_INDEX,        /* drop_index */
    AST_STMT_CREATE_VIEW,       /* view */
    AST_STMT_CREATE_TRIGGER,    /* trigger */
    AST_STMT_DROP_TRIGGER,      /* drop */
    AST_STMT_BEGIN,             /* txn: BEGIN [WORK], START TRANSACTION [...] */
    AST_STMT_COMMIT,            /* txn */
    AST_STMT_ROLLBACK,          /* txn (savepoint set for ROLLBACK TO) */
    AST_STMT_SAVEPOINT,         /* txn */
    AST_STMT_RELEASE_SAVEPOINT, /* txn */
    AST_STMT_SET,               /* set */
    AST_STMT_SET_TRANSACTION,   /* set_txn */
    AST_STMT_SET_PASSWORD,      /* set_password */
    AST_STMT_SHOW,              /* show */
    AST_STMT_DESCRIBE,          /* describe: DESCRIBE|DESC|EXPLAIN table [column] */
    AST_STMT_EXPLAIN,           /* explain: EXPLAIN [FORMAT=x|ANALYZE] stmt */
    AST_STMT_KILL,              /* kill */
    AST_STMT_CREATE_USER,       /* users */
    AST_STMT_ALTER_USER,        /* users */
    AST_STMT_DROP_USER,         /* users */
    AST_STMT_GRANT,             /* grant */
    AST_STMT_REVOKE,            /* grant */
    AST_STMT_FLUSH,             /* flush */
    AST_STMT_LOCK_TABLES,       /* lock */
    AST_STMT_UNLOCK_TABLES,     /* no parts */
    AST_STMT_TABLE_MAINT,       /* maint: ANALYZE|OPTIMIZE|CHECK|REPAIR TABLE */
    AST_STMT_DO,                /* do */
    AST_STMT_PREPARE,           /* prepare */
    AST_STMT_EXECUTE,           /* execute */
    AST_STMT_DEALLOCATE,        /* prepare (name only) */
    AST_STMT_COMPOUND,          /* compound: BEGIN ... END (trigger bodies) */
    AST_STMT_IF,                /* if_: IF ... THEN ... END IF (trigger bodies) */
    AST_STMT_DECLARE,           /* declare: DECLARE v, ... type [DEFAULT x] */
    AST_STMT_SIGNAL,            /* signal: SIGNAL SQLSTATE 'xxxxx' [SET ...] */
};

/* INSERT / REPLACE flags. */
enum {
    AST_DML_IGNORE = 1 << 0,
    AST_DML_LOW_PRIORITY = 1 << 1,
    AST_DML_DELAYED = 1 << 2,
    AST_DML_HIGH_PRIORITY = 1 << 3,
    AST_DML_QUICK = 1 << 4,
};

/* col = value in SET, ON DUPLICATE KEY UPDATE and UPDATE. */
struct ast_assign {
    struct ast_expr *column; /* AST_EXPR_COLUMN target. */
    struct ast_expr *value;  /* Value, or AST_EXPR_DEFAULT. */
};

struct ast_lock_table {
    struct ast_name table;  /* Table. */
    struct ast_ident alias; /* Alias, or absent. */
    bool write;             /* WRITE (else READ). */
    bool local;             /* READ LOCAL. */
    bool low_priority;      /* LOW_PRIORITY WRITE. */
};

struct ast_elseif {
    struct ast_expr *cond; /* ELSEIF condition. */
    struct ast_list stmts; /* of struct ast_stmt. */
};

struct ast_stmt {
    enum ast_stmt_kind kind; /* Which part of the union is valid. */
    struct ast_span span;    /* The statement's text, without the ';'. */
    uint32_t n_params;       /* Number of ? placeholders (top-level statements only). */
    union {
        struct {
            struct ast_query *query; /* The query. */
        } select;
        struct {
            bool replace;            /* REPLACE rather than INSERT. */
            uint32_t flags;          /* AST_DML_* flags. */
            struct ast_name table;   /* Target table. */
            struct ast_list columns; /* of struct ast_ident: (col, ...); empty if not written. */
            bool has_columns;        /* A column list was written (possibly empty: "()"). */
            struct ast_list rows; /* of struct ast_list (each of struct ast_expr): VALUES rows. */
            struct ast_query *query;           /* INSERT ... SELECT, or NULL. */
            struct ast_list set;               /* of struct ast_assign: INSERT ... SET form. */
            struct ast_list on_dup;            /* of struct ast_assign: ON DUPLICATE KEY UPDATE. */
            struct ast_ident row_alias;        /* VALUES (...) AS alias, or absent. */
            struct ast_list row_alias_columns; /* of struct ast_ident. */
            bool value_word;                   /* Written VALUE instead of VALUES. */
        } insert;
        struct {
            uint32_t flags;           /* AST_DML_* flags. */
            struct ast_list tables;   /* of struct ast_table_ref: a table, or joins. */
            struct ast_list set;      /* of struct ast_assign. */
            struct ast_expr *where;   /* WHERE, or NULL. */
            struct ast_list order_by; /* of struct ast_order. */
            struct ast_expr *limit;   /* LIMIT, or NULL. */
        } update;
        struct {
            uint32_t flags;           /* AST_DML_* flags. */
            bool multi;               /* Multi-table form. */
            bool using_form;          /* DELETE FROM t1, t2 USING ... (multi form 2). */
            struct ast_list targets;  /* of struct ast_name: tables deleted from (multi form). */
            struct ast_list tables;   /* of struct ast_table_ref: table / FROM / USING. */
            struct ast_expr *where;   /* WHERE, or NULL. */
            struct ast_list order_by; /* of struct ast_order. */
            struct ast_expr *limit;   /* LIMIT, or NULL. */
        } delete_;
        struct {
            struct ast_ident name;   /* Database name. */
            bool if_exists;          /* IF [NOT] EXISTS. */
            struct ast_list options; /* of struct ast_option: CHARACTER SET, ... */
        } database;
        struct {
            struct ast_ident db; /* Database. */
        } use;
        struct {
            struct ast_name table;       /* New table. */
            bool temporary;              /* TEMPORARY. */
            bool if_not_exists;          /* IF NOT EXISTS. */
            struct ast_list columns;     /* of struct ast_column_def. */
            struct ast_list constraints; /* of struct ast_constraint (table-level). */
            struct ast_list options;     /* of struct ast_option: table options. */
            struct ast_name like;        /* CREATE TABLE t LIKE u: u; name.str NULL otherwise. */
            struct ast_query *query;     /* CREATE TABLE ... [AS] SELECT, or NULL. */
            int on_duplicate;            /* Before the SELECT: 0 none, 1 IGNORE, 2 REPLACE. */
            bool has_elements;           /* A parenthesised element list was written. */
        } create_table;
        struct {
            struct ast_name table; /* Table altered. */
            struct ast_list items; /* of struct ast_alter. */
        } alter_table;
        struct {
            struct ast_list names; /* of struct ast_name: tables, views or (one) trigger. */
            bool if_exists;        /* IF EXISTS. */
            bool temporary;        /* DROP TEMPORARY TABLE. */
            int cascade;           /* 0 none, 1 RESTRICT, 2 CASCADE. */
        } drop;
        struct {
            struct ast_name table; /* Table. */
        } truncate;
        struct {
            struct ast_list from; /* of struct ast_name. */
            struct ast_list to;   /* of struct ast_name, parallel to from. */
        } rename;
        struct {
            struct ast_constraint *index; /* Kind, name, parts, options of the new index. */
            struct ast_name table;        /* Indexed table. */
            struct ast_list options;      /* of struct ast_option: ALGORITHM / LOCK. */
        } create_index;
        struct {
            struct ast_ident name;   /* Index name. */
            struct ast_name table;   /* Table. */
            struct ast_list options; /* of struct ast_option: ALGORITHM / LOCK. */
        } drop_index;
        struct {
            struct ast_name name;       /* View name. */
            bool or_replace;            /* OR REPLACE. */
            struct ast_ident algorithm; /* ALGORITHM = x, or absent. */
            struct ast_user *definer;   /* DEFINER = user, or NULL. */
            struct ast_ident security;  /* SQL SECURITY DEFINER|INVOKER, or absent. */
            struct ast_list columns;    /* of struct ast_ident. */
            struct ast_query *query;    /* Definition. */
            struct ast_span query_span; /* Text of the definition (for SHOW CREATE VIEW). */
            int check_option; /* 0 none, 1 WITH [CASCADED] CHECK OPTION, 2 WITH LOCAL CHECK OPTION.
                               */
            bool cascaded_word; /* CASCADED was written. */
        } view;
        struct {
            struct ast_name name;         /* Trigger name. */
            struct ast_user *definer;     /* DEFINER = user, or NULL. */
            bool if_not_exists;           /* IF NOT EXISTS. */
            bool before;                  /* BEFORE (else AFTER). */
            int event;                    /* AST_STMT_INSERT, AST_STMT_UPDATE or AST_STMT_DELETE. */
            struct ast_name table;        /* Table. */
            struct ast_ident order_other; /* FOLLOWS|PRECEDES other, or absent. */
            bool precedes;                /* PRECEDES (else FOLLOWS). */
            struct ast_stmt *body;        /* The statement (often AST_STMT_COMPOUND). */
            struct ast_span body_span;    /* Text of the body. */
        } trigger;
        struct {
            bool work;                  /* WORK written (BEGIN/COMMIT/ROLLBACK). */
            bool start;                 /* START TRANSACTION rather than BEGIN. */
            bool consistent_snapshot;   /* WITH CONSISTENT SNAPSHOT. */
            enum ast_access access;     /* READ ONLY / READ WRITE. */
            int chain;                  /* AND [NO] CHAIN: -1 not written, 0 NO, 1 yes. */
            int release;                /* [NO] RELEASE: -1 not written, 0 NO, 1 yes. */
            struct ast_ident savepoint; /* SAVEPOINT / RELEASE / ROLLBACK TO name. */
        } txn;
        struct {
            struct ast_list items; /* of struct ast_set_item. */
        } set;
        struct {
            enum ast_var_scope scope;     /* GLOBAL / SESSION / default (next transaction). */
            enum ast_isolation isolation; /* ISOLATION LEVEL, or NONE. */
            enum ast_access access;       /* READ ONLY / READ WRITE, or NONE. */
        } set_txn;
        struct {
            struct ast_user *user;  /* FOR user, or NULL for the current user. */
            struct ast_expr *value; /* New password string. */
            bool old_function;      /* Written PASSWORD('x'). */
        } set_password;
        struct {
            enum ast_show_kind kind;  /* What to show. */
            bool full;                /* FULL. */
            bool extended;            /* EXTENDED. */
            enum ast_var_scope scope; /* GLOBAL / SESSION for VARIABLES and STATUS. */
            struct ast_name name;     /* Table / view / database / trigger / engine named. */
            struct ast_ident db;      /* FROM|IN db, or absent. */
            struct ast_expr *like;    /* LIKE pattern, or NULL. */
            struct ast_expr *where;   /* WHERE condition, or NULL. */
            struct ast_expr *limit;   /* LIMIT for WARNINGS / ERRORS, or NULL. */
            struct ast_expr *offset;  /* LIMIT offset, or NULL. */
            struct ast_user *user;    /* GRANTS FOR / CREATE USER, or NULL. */
            bool if_not_exists;       /* SHOW CREATE DATABASE IF NOT EXISTS. */
            struct ast_ident what;    /* SHOW ENGINE x STATUS|MUTEX: STATUS or MUTEX. */
            bool in_word;             /* Written IN rather than FROM. */
        } show;
        struct {
            struct ast_name table;   /* Table described. */
            struct ast_ident column; /* Column name, or absent. */
            struct ast_expr *wild;   /* Column pattern string, or NULL. */
        } describe;
        struct {
            struct ast_ident format; /* FORMAT = TREE|TRADITIONAL|JSON, or absent. */
            bool analyze;            /* EXPLAIN ANALYZE. */
            struct ast_stmt *stmt;   /* Explained statement. */
        } explain;
        struct {
            bool query;          /* KILL QUERY (else CONNECTION). */
            struct ast_expr *id; /* Connection id. */
        } kill;
        struct {
            struct ast_list users; /* of struct ast_user. */
            bool if_exists;        /* IF [NOT] EXISTS. */
        } users;
        struct {
            struct ast_list privs;        /* of struct ast_priv. */
            enum ast_grant_object object; /* TABLE / FUNCTION / PROCEDURE written. */
            struct ast_ident db;          /* Database; absent for *.* and for a bare table or *. */
            struct ast_ident table;       /* Table; absent for db.* / *.* / *. */
            bool db_star;                 /* *.* (db part is *). */
            bool table_star;              /* ... .* or a bare *. */
            struct ast_list users;        /* of struct ast_user. */
            bool grant_option;            /* WITH GRANT OPTION. */
            bool all_grant_option;        /* REVOKE ALL [PRIVILEGES], GRANT OPTION FROM ... */
        } grant;
        struct {
            bool local;              /* NO_WRITE_TO_BINLOG / LOCAL. */
            struct ast_list options; /* of struct ast_option (names only): LOGS... */
            struct ast_list tables;  /* of struct ast_name: FLUSH TABLES t, ... */
            bool with_read_lock;     /* FLUSH TABLES ... WITH READ LOCK. */
        } flush;
        struct {
            struct ast_list tables; /* of struct ast_lock_table. */
        } lock;
        struct {
            struct ast_ident op;     /* ANALYZE, OPTIMIZE, CHECK or REPAIR. */
            bool local;              /* NO_WRITE_TO_BINLOG / LOCAL. */
            struct ast_list tables;  /* of struct ast_name. */
            struct ast_list options; /* of struct ast_ident: trailing words (QUICK, EXTENDED...). */
        } maint;
        struct {
            struct ast_list exprs; /* of struct ast_expr. */
        } do_;
        struct {
            struct ast_ident name;   /* Statement name. */
            struct ast_expr *source; /* FROM 'text' or FROM @var. */
        } prepare;
        struct {
            struct ast_ident name;  /* Statement name. */
            struct ast_list using_; /* of struct ast_expr (USER_VAR). */
        } execute;
        struct {
            struct ast_list stmts; /* of struct ast_stmt. */
        } compound;
        struct {
            struct ast_expr *cond;   /* IF condition. */
            struct ast_list then;    /* of struct ast_stmt. */
            struct ast_list elseifs; /* of struct ast_elseif. */
            struct ast_list else_;   /* of struct ast_stmt. */
            bool has_else;           /* ELSE written. */
        } if_;
        struct {
            struct ast_list names;     /* of struct ast_ident. */
            struct ast_type *type;     /* Type. */
            struct ast_expr *default_; /* DEFAULT value, or NULL. */
        } declare;
        struct {
            struct ast_expr *sqlstate; /* SQLSTATE string. */
            struct ast_list set; /* of struct ast_option: MESSAGE_TEXT = ..., MYSQL_ERRNO = ... */
        } signal;
    };
};

/* ------------------------------------------------------------------------ */
/* Functions                                                                */

/* Element i of a list, typed by the caller: AST_AT(list, i, struct ast_expr). */
#define AST_AT(list, i, type) ((type *)(list).items[(i)])

/* Appends item to l, growing it in the arena. Returns 0 or ERR_NOMEM. */
int ast_list_push(struct arena *a, struct ast_list *l, void *item);

/* A zeroed node of the given kind in the arena, or NULL when out of memory. */
struct ast_expr *ast_expr_new(struct arena *a, enum ast_expr_kind kind, struct ast_span span);
struct ast_query *ast_query_new(struct arena *a, enum ast_query_kind kind, struct ast_span span);
struct ast_table_ref *ast_table_ref_new(struct arena *a, enum ast_table_ref_kind kind,
                                        struct ast_span span);
struct ast_stmt *ast_stmt_new(struct arena *a, enum ast_stmt_kind kind, struct ast_span span);

/* Printing flags. */
enum {
    AST_PRINT_QUOTE_ALL = 1 << 0, /* Backquote every identifier (as SHOW CREATE VIEW does). */
    AST_PRINT_PARENS = 1 << 1,    /* Parenthesise every compound operand (shows precedence). */
};

/*
 * Appends normalised SQL for a statement / expression / query / type to b:
 * upper-case keywords, single spaces, identifiers backquoted when needed
 * (or always with AST_PRINT_QUOTE_ALL), strings in '...' with backslash
 * escapes. Parsing the output gives the same tree. Returns 0 or ERR_NOMEM.
 */
int ast_print_stmt(struct buf *b, const struct ast_stmt *s, unsigned flags);
int ast_print_expr(struct buf *b, const struct ast_expr *e, unsigned flags);
int ast_print_query(struct buf *b, const struct ast_query *q, unsigned flags);
int ast_print_type(struct buf *b, const struct ast_type *t, unsigned flags);

/* Appends an identifier, backquoted when it must be (or always with AST_PRINT_QUOTE_ALL). */
int ast_print_ident(struct buf *b, const struct ast_ident *id, unsigned flags);

/* Names for messages and tests: "SELECT", "CREATE TABLE", ... and "+", "<=>", "DIV", ... */
const char *ast_stmt_kind_name(enum ast_stmt_kind kind);
const char *ast_op_name(enum ast_op op);
const char *ast_unit_name(enum ast_unit unit);

#endif
