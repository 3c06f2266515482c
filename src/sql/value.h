/*
 * value.h: SQL types and runtime values with MySQL 8's semantics.
 *
 * Two things live here. A struct sql_type is the static type of a column or
 * an expression as the binder and the catalog know it: the MySQL column type
 * (INT, VARCHAR, DATETIME, ENUM, ...), its flags (UNSIGNED, NOT NULL, ...),
 * length, precision and scale, fractional-second digits, collation and, for
 * ENUM and SET, the members. From it come what a client sees of a column: the
 * protocol's type code, flags, length and decimals (sql_type_meta) and the
 * type's SQL spelling for SHOW CREATE TABLE and DESCRIBE (sql_type_print).
 *
 * A struct value is one runtime value, a small tagged union of at most 48
 * bytes, copied with '=': NULL, a signed or unsigned 64-bit integer, a double,
 * a DECIMAL (struct decimal, inline), a string (pointer + length + collation;
 * the bytes live in an arena or a row buffer that outlives the value), or a
 * temporal value (struct datetime with its kind, plus the fsp it is shown
 * with). The value does not say which column type it came from; where that
 * matters (printing a FLOAT, a BIT, a YEAR, a DECIMAL at its declared scale)
 * the functions take the static type as well. How the column types map to
 * values:
 *
 *   TINYINT..BIGINT       INT, or UINT when UNSIGNED (an INT >= 0 is accepted)
 *   YEAR                  INT: 0 (0000) or 1901..2155
 *   BIT(M)                UINT below 2^M
 *   DECIMAL(M,D)          DECIMAL
 *   FLOAT, DOUBLE         DOUBLE (a FLOAT's value is a float widened)
 *   CHAR .. LONGBLOB      STRING in the column's collation (binary: 63)
 *   JSON                  STRING holding the JSON text (utf8mb4)
 *   ENUM, SET             STRING: the member's text, members joined by ','
 *   DATE, DATETIME, TIME  TEMPORAL of that kind
 *   TIMESTAMP             TEMPORAL of kind DATETIME in the session's time zone
 *                         (the row and key codecs convert from and to UTC)
 *
 * Return values follow decimal.h and datetime.h. Conversions and comparisons
 * return 0 when exact; a positive bit set of enum value_status for MySQL's
 * warnings, with the message MySQL prints recorded by err_set() (the value
 * is still produced); or a negative code: ERR_INVALID for a call outside the
 * preconditions (a NULL to convert, an unsupported pair), the datetime.h
 * codes when a temporal conversion fails. The mapping to MySQL errors:
 *
 *   VALUE_TRUNCATED  text was not wholly a number: warning 1292
 *                    ER_TRUNCATED_WRONG_VALUE "Truncated incorrect INTEGER
 *                    value: '12abc'" in expressions; 1366/1265 when storing.
 *   VALUE_CLIPPED    out of the target's range, clipped to its limit:
 *                    1690 ER_DATA_OUT_OF_RANGE in arithmetic and CAST of
 *                    computed doubles, 1264 when storing.
 *
 * Threads: every function is reentrant; nothing here allocates except the
 * functions that take a struct arena * or a struct buf *.
 */
#ifndef ATOLL_SQL_VALUE_H
#define ATOLL_SQL_VALUE_H

#include "sql/datetime.h"
#include "sql/decimal.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct buf;
struct collation;

/* ---- Static types ------------------------------------------------------- */

/* MySQL's column types. BOOL and BOOLEAN are TINYINT with length 1. */
enum sql_type_id {
    SQL_TYPE_NULL,      /* The type of the NULL literal. */
    SQL_TYPE_TINYINT,   /* 8-bit integer. */
    SQL_TYPE_SMALLINT,  /* 16-bit integer. */
    SQL_TYPE_MEDIUMINT, /* 24-bit integer. */
    SQL_TYPE_INT,       /* 32-bit integer. */
    SQL_TYPE_BIGINT,    /* 64-bit integer. */
    SQL_TYPE_DECIMAL,   /* DECIMAL(M,D) (also NUMERIC, DEC, FIXED). */
    SQL_TYPE_FLOAT,     /* Single precision. */
    SQL_TYPE_DOUBLE,    /* Double precision (also REAL). */
    SQL_TYPE_BIT,       /* BIT(M), M 1..64. */
    SQL_TYPE_CHAR,      /* CHAR(n) characters. */
    SQL_TYPE_VARCHAR,   /* VARCHAR(n) characters. */
    SQL_TYPE_BINARY,    /* BINARY(n) bytes. */
    SQL_TYPE_VARBINARY, /* VARBINARY(n) bytes. */
    SQL_TYPE_TINYTEXT,  /* Up to 255 bytes of text. */
    SQL_TYPE_TEXT,      /* Up to 65535 bytes. */
    SQL_TYPE_MEDIUMTEXT, /* Up to 16777215 bytes. */
    SQL_TYPE_LONGTEXT,  /* Up to 4294967295 bytes. */
    SQL_TYPE_TINYBLOB,  /* Binary counterparts of the four TEXT types. */
    SQL_TYPE_BLOB,
    SQL_TYPE_MEDIUMBLOB,
    SQL_TYPE_LONGBLOB,
    SQL_TYPE_DATE,      /* DATE. */
    SQL_TYPE_TIME,      /* TIME(fsp). */
    SQL_TYPE_DATETIME,  /* DATETIME(fsp). */
    SQL_TYPE_TIMESTAMP, /* TIMESTAMP(fsp). */
    SQL_TYPE_YEAR,      /* YEAR. */
    SQL_TYPE_ENUM,      /* ENUM('a', ...): one member (index 1..n, 0 = ''). */
    SQL_TYPE_SET,       /* SET('a', ...): any subset (a bit mask of up to 64). */
    SQL_TYPE_JSON,      /* JSON text. */
};
#define SQL_TYPE_COUNT (SQL_TYPE_JSON + 1)

/* Flags of struct sql_type (column attributes included, as MySQL keeps them together). */
#define SQL_TYPE_UNSIGNED       0x01u /* UNSIGNED (integers; deprecated on DECIMAL/FLOAT/DOUBLE). */
#define SQL_TYPE_NOT_NULL       0x02u /* NOT NULL. */
#define SQL_TYPE_ZEROFILL       0x04u /* ZEROFILL (implies UNSIGNED). */
#define SQL_TYPE_AUTO_INCREMENT 0x08u /* AUTO_INCREMENT. */
#define SQL_TYPE_BINARY_ATTR    0x10u /* Written with the BINARY attribute (CHAR(5) BINARY). */
#define SQL_TYPE_DEFAULT_NOW    0x20u /* DEFAULT CURRENT_TIMESTAMP (TIMESTAMP, DATETIME). */
#define SQL_TYPE_ON_UPDATE_NOW  0x40u /* ON UPDATE CURRENT_TIMESTAMP. */

#define SQL_TYPE_SCALE_NONE 31 /* FLOAT/DOUBLE without (M,D): MySQL's DECIMAL_NOT_SPECIFIED. */

/* One ENUM or SET member: its text in the type's character set. */
struct sql_member {
    const char *ptr; /* Bytes, not NUL-terminated. */
    uint32_t len;    /* Their length. */
};

/*
 * The static type of a column or an expression. Make one with
 * sql_type_init() and adjust fields. The members array is borrowed: it must
 * outlive the type (the catalog's or the statement's arena).
 */
struct sql_type {
    uint8_t id;         /* enum sql_type_id. */
    uint8_t precision;  /* DECIMAL(M,D) and FLOAT(M,D)/DOUBLE(M,D): M; else 0. */
    uint8_t scale;      /* D of the above; SQL_TYPE_SCALE_NONE for plain FLOAT/DOUBLE. */
    uint8_t fsp;        /* TIME, DATETIME, TIMESTAMP: fractional digits 0..6. */
    uint16_t flags;     /* SQL_TYPE_* flags. */
    uint16_t coll;      /* Collation id (collation.h); 63 (binary) for non-strings. */
    uint32_t length;    /* Characters (CHAR, VARCHAR), bytes (BINARY, VARBINARY), display
                           width of an integer (0: the default), M of BIT. */
    uint32_t n_members; /* ENUM/SET: number of members (ENUM <= 65535, SET <= 64). */
    const struct sql_member *members; /* ENUM/SET: the members, in declared order. */
};

/*
 * Sets *t to type id with MySQL's defaults: display width 0 (the type's
 * default), DECIMAL(10,0), FLOAT/DOUBLE without (M,D), BIT(1), CHAR(1),
 * BINARY(1), fsp 0, collation binary for numbers, dates, BINARY, VARBINARY
 * and BLOBs, COLLATION_UTF8MB4_DEFAULT for text, utf8mb4_bin for JSON; no
 * flags, no members.
 */
void sql_type_init(struct sql_type *t, enum sql_type_id id);

bool sql_type_is_integer(const struct sql_type *t); /* TINYINT..BIGINT (not YEAR, not BIT). */
bool sql_type_is_numeric(const struct sql_type *t); /* Integers, DECIMAL, FLOAT, DOUBLE. */
bool sql_type_is_string(const struct sql_type *t);  /* CHAR..LONGBLOB, ENUM, SET, JSON. */
bool sql_type_is_temporal(const struct sql_type *t); /* DATE, TIME, DATETIME, TIMESTAMP. */

/* 1 if the values of t are binary strings (collation 63: BINARY, VARBINARY, BLOBs, CHAR of
 * CHARACTER SET binary). */
bool sql_type_is_binary_string(const struct sql_type *t);

/* The range of an integer type (unsigned with SQL_TYPE_UNSIGNED or ZEROFILL); false for others. */
bool sql_type_int_range(const struct sql_type *t, int64_t *min, uint64_t *max);

/* Most bytes a value of a string type may hold (CHAR(10) utf8mb4: 40); UINT32_MAX for
 * LONGTEXT/LONGBLOB/JSON; 0 for non-strings. */
uint32_t sql_type_max_bytes(const struct sql_type *t);

/* The datetime.h column type of a temporal or YEAR type; 0 for others. */
enum datetime_type sql_type_datetime_type(const struct sql_type *t);

/* What the protocol says about a result-set column (server/handler.h's struct server_column). */
struct sql_type_meta {
    uint8_t type;     /* MySQL's wire type code (MYSQL_TYPE_*, server/handler.h's enum server_type). */
    uint16_t flags;   /* Column flags (NOT_NULL 1, BLOB 16, UNSIGNED 32, ZEROFILL 64, BINARY 128,
                         ENUM 256, AUTO_INCREMENT 512, TIMESTAMP 1024, SET 2048,
                         ON_UPDATE_NOW 8192, NUM 32768); key flags are the caller's to add. */
    uint32_t length;  /* Column length as MySQL reports it (VARCHAR(20) utf8mb4: 80). */
    uint8_t decimals; /* Scale, fsp, or 31 (not fixed). */
    uint16_t charset; /* Collation number sent (63 for numbers and dates). */
};

/*
 * Fills *m as MySQL 8 describes a column of type t in a result set.
 * is_column: t is a table column's type (MySQL's Field), else an
 * expression's (MySQL's Item): expressions of numeric type also carry
 * BINARY, and string expressions report decimals 31. result_coll: the
 * collation of character_set_results, which non-binary strings are sent in
 * (their charset number and length follow it, as MySQL converts them), or 0
 * to report the column's own collation. Lengths follow MySQL: integers their
 * display width (TINYINT 4, unsigned 3, ..., INT 11, BIGINT 20), DECIMAL(M,D)
 * M + (D > 0) + !UNSIGNED, FLOAT 12, DOUBLE 22 (or M with (M,D)), DATE 10,
 * TIME(fsp) 10 (+ fsp + 1), DATETIME/TIMESTAMP 19 (+ fsp + 1), YEAR 4, BIT M,
 * strings characters times the charset's bytes per character, TEXT 65535
 * characters, capped at 4294967295, ENUM/SET from their members.
 */
void sql_type_meta(const struct sql_type *t, bool is_column, uint16_t result_coll,
                   struct sql_type_meta *m);

/*
 * Appends the type as MySQL 8 spells it in SHOW CREATE TABLE and DESCRIBE:
 * "int", "int unsigned", "tinyint(1)", "int(10) unsigned zerofill",
 * "decimal(10,2)", "float", "double(4,3)", "bit(5)", "varchar(20)",
 * "binary(16)", "text", "datetime(3)", "year", "json", "enum('a','it''s')".
 * No charset or collation (SHOW CREATE adds them when they differ from the
 * table's). Returns 0 or ERR_NOMEM.
 */
int sql_type_print(const struct sql_type *t, struct buf *out);

/*
 * ENUM: the index (1..n) of the member equal to s under the type's collation
 * (MySQL compares members that way, trailing spaces ignored under PAD SPACE),
 * or 0 when none is.
 */
uint32_t sql_type_enum_index(const struct sql_type *t, const uint8_t *s, size_t len);

/*
 * SET: the bit mask of the comma-separated members in s ('' is 0). Returns 0
 * with *mask set, or ERR_INVALID when an element is not a member (*mask then
 * holds the members that were found).
 */
int sql_type_set_mask(const struct sql_type *t, const uint8_t *s, size_t len, uint64_t *mask);

/* ---- Runtime values ------------------------------------------------------ */

enum value_tag {
    VALUE_NULL = 0,   /* SQL NULL. */
    VALUE_INT = 1,    /* i: signed 64-bit integer. */
    VALUE_UINT = 2,   /* u: unsigned 64-bit integer. */
    VALUE_DOUBLE = 3, /* d: double (also FLOAT). */
    VALUE_DECIMAL = 4, /* dec: exact decimal. */
    VALUE_STRING = 5, /* s: bytes with a collation. */
    VALUE_TEMPORAL = 6, /* t: DATE, DATETIME or TIME (t.kind), shown with fsp digits. */
};

/* One value; see the top of the file. Copy with '='. */
struct value {
    union {
        int64_t i;          /* VALUE_INT. */
        uint64_t u;         /* VALUE_UINT. */
        double d;           /* VALUE_DOUBLE; never NaN. */
        struct decimal dec; /* VALUE_DECIMAL. */
        struct {
            const uint8_t *ptr; /* Bytes (borrowed, not NUL-terminated). */
            uint32_t len;       /* Their length. */
            uint16_t coll;      /* Collation id (collation.h). */
        } s;                    /* VALUE_STRING. */
        struct datetime t;      /* VALUE_TEMPORAL. */
    };
    uint8_t tag; /* enum value_tag. */
    uint8_t fsp; /* VALUE_TEMPORAL: fractional digits it is shown with (0..6). */
};

static inline struct value value_null(void)
{
    struct value v;
    v.tag = VALUE_NULL;
    v.fsp = 0;
    v.i = 0;
    return v;
}

static inline struct value value_int(int64_t i)
{
    struct value v = value_null();
    v.tag = VALUE_INT;
    v.i = i;
    return v;
}

static inline struct value value_uint(uint64_t u)
{
    struct value v = value_null();
    v.tag = VALUE_UINT;
    v.u = u;
    return v;
}

static inline struct value value_double(double d)
{
    struct value v = value_null();
    v.tag = VALUE_DOUBLE;
    v.d = d;
    return v;
}

static inline struct value value_decimal(const struct decimal *d)
{
    struct value v = value_null();
    v.tag = VALUE_DECIMAL;
    v.dec = *d;
    return v;
}

/* A string value borrowing p[0..len) (len < 2^32); coll is a collation id. */
static inline struct value value_string(const void *p, size_t len, uint16_t coll)
{
    struct value v = value_null();
    v.tag = VALUE_STRING;
    v.s.ptr = (const uint8_t *)p;
    v.s.len = (uint32_t)len;
    v.s.coll = coll;
    return v;
}

/* A temporal value of t's kind, shown with fsp digits. */
static inline struct value value_temporal(const struct datetime *t, int fsp)
{
    struct value v = value_null();
    v.tag = VALUE_TEMPORAL;
    v.t = *t;
    v.fsp = (uint8_t)fsp;
    return v;
}

static inline bool value_is_null(const struct value *v) { return v->tag == VALUE_NULL; }

/* Outcomes of their own; see the return-value rules at the top. */
enum value_status {
    VALUE_TRUNCATED = 1, /* Warning: text was not wholly a number (1292). */
    VALUE_CLIPPED = 2,   /* Warning: out of range, the nearest limit was used (1264/1690). */
};

#define VALUE_TEXT_MAX 400 /* Buffer for value_format() (with the NUL); >= NUMFMT_DOUBLE_MAX. */

/*
 * Writes a non-string value as MySQL's text protocol shows it for type t
 * (t may be NULL: the value's own natural type), NUL-terminated, into buf of
 * VALUE_TEXT_MAX bytes; returns the length. Integers plain; a YEAR as four
 * digits ("0000"); a BIT(M) as its (M+7)/8 bytes big-endian (raw bytes, not
 * text); DOUBLE as MySQL 8 prints it (my_gcvt): the shortest text that reads
 * back as the same double, positional when the decimal exponent is from -15
 * to 14 ("0.1", "3", "-0", "0.3333333333333333", "100000000000000") and
 * "1e20", "1.2345678901234568e20", "1e-16" otherwise; a FLOAT with at most 6
 * significant digits ("0.1", "16777200"); with a scale (FLOAT(M,D),
 * DOUBLE(M,D), an expression's fixed decimals) "%.*f"; DECIMAL at t's scale
 * (rounding half away from zero) or its own; temporal values via datetime.h
 * at t's fsp or the value's; ZEROFILL pads with zeros to the display length.
 * NULL and STRING values write "" and return 0 (use value_to_text).
 */
size_t value_format(const struct value *v, const struct sql_type *t, char *buf);

/*
 * The text of v as the text protocol sends it: a STRING's own bytes
 * (borrowed, no copy), anything else value_format()ted into the arena.
 * Returns 0 with *s and *len set, ERR_NOMEM, or ERR_INVALID for NULL.
 */
int value_to_text(const struct value *v, const struct sql_type *t, struct arena *a,
                  const char **s, size_t *len);

/*
 * v as a STRING of collation coll (CAST(x AS CHAR), CONCAT of a number): a
 * string keeps its bytes and collation; anything else is its text
 * (value_to_text) with collation coll. Returns 0, ERR_NOMEM or ERR_INVALID
 * (NULL).
 */
int value_to_string(const struct value *v, const struct sql_type *t, uint16_t coll,
                    struct arena *a, struct value *out);

/* Flags of the numeric conversions. */
#define VALUE_CONV_STORE 0x1u /* Text is read as a whole number with fraction and exponent,
                                 then rounded ('1.5' is 2, '1e3' 1000), as storing into an
                                 integer column does; without it, text gives its leading
                                 integer ('1.5' is 1 with a warning), as CAST and integer
                                 context do. */

/*
 * v as a BIGINT (MySQL's val_int): an INT as is; a UINT above INT64_MAX is
 * clipped; a DOUBLE rounds to nearest with ties to even (rint, as MySQL's
 * llrint), out of range clipped; a DECIMAL rounds half away from zero; a
 * temporal value is its number (YYYYMMDDhhmmss, hhmmss) rounded to whole
 * seconds; text gives its leading integer after leading spaces and a sign
 * ("12abc" is 12, "abc", "0x10" and "" are 0, "1e3" is 1, all with
 * VALUE_TRUNCATED; " 12 " is 12 exactly: trailing spaces are fine), or with
 * VALUE_CONV_STORE the rounded value of the whole number it starts with.
 * Returns 0, a bit set of VALUE_TRUNCATED and VALUE_CLIPPED (out of range:
 * *out is INT64_MIN or INT64_MAX), or ERR_INVALID (NULL).
 */
int value_to_int64(const struct value *v, unsigned flags, int64_t *out);

/*
 * v as a BIGINT UNSIGNED, the same way; negative values clip to 0 with
 * VALUE_CLIPPED (as storing into an unsigned column does; MySQL's
 * CAST(-1 AS UNSIGNED) wraps instead: use value_to_int64 and reinterpret).
 */
int value_to_uint64(const struct value *v, unsigned flags, uint64_t *out);

/*
 * v as a DOUBLE (MySQL's val_real): integers and decimals converted
 * (correctly rounded), temporal values as their number with fraction, text
 * by its longest numeric prefix after leading whitespace (sign, digits,
 * point, exponent; "1e3" is 1000, " 12 " is 12, "12abc" 12 with
 * VALUE_TRUNCATED, "0x10", "inf", "abc" 0 with VALUE_TRUNCATED; a value
 * beyond the double range is +-DBL_MAX with VALUE_CLIPPED). Returns 0, a
 * status bit set, or ERR_INVALID (NULL).
 */
int value_to_double(const struct value *v, double *out);

/*
 * v as a DECIMAL (MySQL's val_decimal): integers exact, a double through its
 * shortest text (decimal_from_double), temporal values as their number with
 * the value's fsp digits, text by decimal_from_str with exponents ("12abc"
 * is 12 and "abc" 0, with VALUE_TRUNCATED: "Truncated incorrect DECIMAL
 * value"). Returns 0, VALUE_TRUNCATED, VALUE_CLIPPED (beyond 77 digits,
 * clipped as decimal.h does), or ERR_INVALID (NULL).
 */
int value_to_decimal(const struct value *v, struct decimal *out);

/*
 * v as a value of a temporal column type (DATE, DATETIME, TIMESTAMP as a
 * local DATETIME, TIME), as CAST and storing do: text through
 * datetime_from_str / datetime_time_from_str (flags are datetime.h's sql_mode
 * flags; tz takes '+05:30' displacements and may be NULL), numbers through
 * datetime_from_num / datetime_time_from_num, temporal values through
 * datetime_fit (curdate, the statement's CURDATE(), puts a TIME on a date;
 * may be NULL otherwise), rounded to fsp. Returns datetime.h's codes (0,
 * notes, or errors with *out the zero value), or ERR_INVALID (NULL, or a
 * non-temporal type).
 */
int value_to_datetime(const struct value *v, enum datetime_type type, int fsp, unsigned flags,
                      const struct datetime_tz *tz, const struct datetime *curdate,
                      struct datetime *out);

/* How value_compare() compares: MySQL's rules, or a type the binder chose. */
enum value_cmp_as {
    VALUE_CMP_AUTO = 0, /* From the two values' tags; see value_compare(). */
    VALUE_CMP_INT,      /* As integers (signed and unsigned exactly). */
    VALUE_CMP_DECIMAL,  /* As decimals. */
    VALUE_CMP_DOUBLE,   /* As doubles. */
    VALUE_CMP_STRING,   /* As strings under coll (numbers as their text). */
    VALUE_CMP_DATETIME, /* As DATETIME (text parsed, TIME put on curdate). */
    VALUE_CMP_TIME,     /* As TIME. */
};

/* The comparison context: what the binder knows. Zero-initialised means AUTO under each
 * string's own collation. */
struct value_cmp {
    uint8_t as;                     /* enum value_cmp_as. */
    uint16_t coll;                  /* Collation of string comparisons (collation_aggregate_n's
                                       result); 0: a's collation. */
    unsigned dt_flags;              /* datetime.h sql_mode flags for parsing text as dates. */
    const struct datetime *curdate; /* CURDATE() of the statement, for TIME vs DATETIME; may be NULL. */
    const struct datetime_tz *tz;   /* Session time zone for '+05:30' in text; may be NULL. */
};

/*
 * Compares a and b by MySQL's rules and sets *result to -1, 0 or 1. NULLs
 * sort first and equal each other (ORDER BY's order; SQL's NULL logic is the
 * caller's). With VALUE_CMP_AUTO: integers exactly (signed against unsigned
 * too); a DECIMAL against an integer or DECIMAL exactly; a DOUBLE against
 * anything numeric as doubles (-0 = 0); strings under how->coll (or a's);
 * a string against a number as doubles (warning VALUE_TRUNCATED when the
 * text is not a number); a temporal value against a string by parsing the
 * string as the temporal's kind (text that does not parse is the zero value,
 * with VALUE_TRUNCATED and datetime.h's message "Incorrect datetime value:
 * 'abc'", as MySQL's get_datetime_value); DATE and DATETIME together; TIME
 * against DATE/DATETIME on how->curdate; a temporal value against a number
 * as doubles (MySQL converts constants to the column's type first: the
 * binder's job). how may be NULL (AUTO). Returns 0, a warning bit set
 * (VALUE_TRUNCATED, VALUE_CLIPPED), or ERR_INVALID (TIME against a date
 * without curdate).
 */
int value_compare(const struct value *a, const struct value *b, const struct value_cmp *how,
                  int *result);

#endif
