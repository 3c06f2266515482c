/*
 * decimal.h: exact DECIMAL values with MySQL's semantics.
 *
 * A struct decimal is a signed coefficient and a scale: the value is
 * (-1)^neg * coef / 10^scale. The coefficient is a 256-bit binary integer
 * (four 64-bit limbs), so the common small values take the 64- and 128-bit
 * fast paths, and a value is a fixed 40 bytes with no heap behind it: it can
 * live in arenas, rows and arrays and be copied with '='.
 *
 * Two kinds of scale, as in MySQL. A SQL type DECIMAL(M,D) has a declared
 * precision M (<= 65) and scale D (<= 30); the planner derives them for
 * expressions with the decimal_type_*() helpers. A value has its own scale,
 * which is what the arithmetic produced and which is usually, but not always,
 * the declared one: like MySQL's, a quotient carries extra digits (1/3 is
 * 0.333333333 internally, declared DECIMAL(5,4)), a product may carry up to
 * 31, and a literal what it was written with. Those hidden digits are why
 * MySQL says 1/3*3 = 1.0000 and 1/3*100 = 33.3333, and we keep them to give
 * the same answers. Printing an expression rounds to the declared scale
 * (decimal_to_str_scale); storing into a column rounds to the column's scale
 * (decimal_fit).
 *
 * Limits of a value: at most DECIMAL_MAX_DIGITS (77) significant digits and
 * DECIMAL_MAX_FRAC (39) fractional digits. MySQL's own buffers hold 81 digits,
 * so intermediate results beyond 65 digits exist there too (SELECT of 65 nines
 * + 1 prints 66 digits); only storing into a column or a key enforces M <= 65.
 * Zero is never negative. Normalisation: the coefficient carries no leading
 * zeros (it is a binary integer), and trailing fractional zeros are kept
 * because they are the scale (1.50 prints as 1.50).
 *
 * Return values. Functions that can fail return int:
 *   0                   exact result;
 *   > 0                 a note, a bit set of DECIMAL_TRUNCATED and
 *                       DECIMAL_TRAILING; the result is valid;
 *   < 0                 an error: DECIMAL_OVERFLOW, DECIMAL_DIV_ZERO,
 *                       DECIMAL_BAD_NUM (values of their own, outside the
 *                       ERR_* list, named by decimal_status_str()), or an
 *                       ERR_* code from base/err.h (ERR_INVALID for bad
 *                       arguments, ERR_CORRUPT for bad encoded bytes).
 * Errors also record a detail message with err_set(). On DECIMAL_OVERFLOW the
 * output still holds something useful (documented per function), because
 * MySQL clips in non-strict contexts and errors in strict ones: the caller
 * chooses.
 *
 * Threads: every function is reentrant; a struct decimal belongs to its
 * owner. Outputs may alias inputs (decimal_add(&acc, &acc, &x) is an in-place
 * add, the cheap way to SUM).
 */
#ifndef ATOLL_SQL_DECIMAL_H
#define ATOLL_SQL_DECIMAL_H

#include <stddef.h>
#include <stdint.h>

#define DECIMAL_MAX_PRECISION   65 /* Largest M of DECIMAL(M,D). */
#define DECIMAL_MAX_SCALE       30 /* Largest D, and largest declared scale. */
#define DECIMAL_MAX_DIGITS      77 /* Most significant digits in a value (10^77 < 2^256). */
#define DECIMAL_MAX_FRAC        39 /* Most fractional digits in a value. */
#define DECIMAL_MUL_FRAC        31 /* Most a product keeps (MySQL's DECIMAL_NOT_SPECIFIED). */
#define DECIMAL_DIV_INCREMENT   4  /* MySQL's default div_precision_increment. */
#define DECIMAL_LONGLONG_DIGITS 22 /* What SUM() adds to the precision (MySQL's constant). */

#define DECIMAL_STR_MAX 128 /* Buffer size for decimal_to_str*() (with the NUL). */
#define DECIMAL_BIN_MAX 30  /* Largest decimal_bin_size(). */
#define DECIMAL_KEY_MAX 28  /* Largest decimal_key_size(). */

/* Outcomes of their own; see the return-value rules above. */
enum decimal_status {
    DECIMAL_TRUNCATED = 1,   /* Note: nonzero digits were dropped (rounded or cut) to fit. */
    DECIMAL_TRAILING = 2,    /* Note: decimal_from_str() stopped before the end of the text. */
    DECIMAL_OVERFLOW = -101, /* Error: the integer part does not fit. */
    DECIMAL_DIV_ZERO = -102, /* Error: division or MOD by zero; MySQL makes NULL (+ warning). */
    DECIMAL_BAD_NUM = -103,  /* Error: the text holds no number at all. */
};

/* An exact decimal value: (-1)^neg * coef / 10^scale. */
struct decimal {
    uint64_t coef[4]; /* Magnitude, little-endian base-2^64 limbs; < 10^DECIMAL_MAX_DIGITS. */
    uint8_t scale;    /* Digits after the point, 0..DECIMAL_MAX_FRAC. */
    uint8_t neg;      /* 1 when negative; 0 for zero. */
};

/* A declared SQL type DECIMAL(precision, scale). */
struct decimal_type {
    uint8_t precision; /* Total digits, 1..65. */
    uint8_t scale;     /* Digits after the point, 0..30, <= precision. */
};

/* ---- Making values ---------------------------------------------------- */

/* Sets *d to zero with the given scale (clamped to 0..DECIMAL_MAX_FRAC). */
void decimal_set_zero(struct decimal *d, int scale);

/* Exact conversions from integers; the scale is 0. */
void decimal_from_int64(struct decimal *d, int64_t v);
void decimal_from_uint64(struct decimal *d, uint64_t v);

#define DECIMAL_PARSE_EXP 1u /* decimal_from_str(): accept an exponent, "1.5e3" = 1500. */

/*
 * Parses MySQL's decimal syntax from s[0..len) (no NUL needed): leading
 * whitespace, an optional sign, digits with an optional point (".5" and "5."
 * are fine), and with DECIMAL_PARSE_EXP an optional exponent ('e' or 'E',
 * optional sign, digits); then optional whitespace. The value is exact with
 * the scale it was written with ("1.50" has scale 2; "1.5e3" is 1500 with
 * scale 0 and "15e-1" is 1.5 with scale 1).
 * Returns 0; or notes: DECIMAL_TRUNCATED when digits beyond DECIMAL_MAX_FRAC
 * (or beyond 77 digits in all) were cut, DECIMAL_TRAILING when something
 * other than whitespace follows the number ("1.5abc" gives 1.5: MySQL's
 * "Truncated incorrect DECIMAL value"); or errors: DECIMAL_BAD_NUM when there
 * is no number (*d = 0), DECIMAL_OVERFLOW when the integer part has more than
 * 77 digits (*d = the largest value of that sign, 77 nines).
 * Without DECIMAL_PARSE_EXP, "1e3" parses as 1 with DECIMAL_TRAILING. MySQL's
 * CAST(string AS DECIMAL) accepts exponents, so string conversion should pass
 * the flag; the lexer gives DECIMAL literals without one.
 */
int decimal_from_str(struct decimal *d, const char *s, size_t len, unsigned flags);

/*
 * Converts a double as MySQL does: through its shortest round-trip decimal
 * text, so 0.1 becomes 0.1 and 1/3.0 becomes 0.3333333333333333.
 * Returns 0, DECIMAL_TRUNCATED (digits below 10^-39 dropped), DECIMAL_OVERFLOW
 * (infinite or beyond 77 digits; *d clipped as in decimal_from_str), or
 * DECIMAL_BAD_NUM (NaN; *d = 0).
 */
int decimal_from_double(struct decimal *d, double v);

/* ---- Reading values --------------------------------------------------- */

/*
 * Rounds half away from zero to an integer, as CAST(x AS SIGNED) does.
 * Returns 0, or DECIMAL_OVERFLOW with *out clipped to INT64_MIN or INT64_MAX.
 */
int decimal_to_int64(const struct decimal *d, int64_t *out);

/*
 * Rounds half away from zero to an integer, as CAST(x AS UNSIGNED) does
 * (-0.4 gives 0). Returns 0, or DECIMAL_OVERFLOW with *out = 0 for negative
 * values and UINT64_MAX for too large ones.
 */
int decimal_to_uint64(const struct decimal *d, uint64_t *out);

/* The nearest double (correctly rounded, as MySQL's strtod of the text). */
double decimal_to_double(const struct decimal *d);

/*
 * Writes d with its own scale, as MySQL prints a column value or a literal:
 * "-1.50", "0.05", "0.00", "120". buf has room for DECIMAL_STR_MAX bytes; the
 * text is NUL-terminated. Returns its length.
 */
size_t decimal_to_str(const struct decimal *d, char *buf);

/*
 * Writes d with exactly scale (0..DECIMAL_MAX_FRAC) digits after the point,
 * padding with zeros or rounding half away from zero: how MySQL prints an
 * expression of declared scale D (1/3 at scale 4 is "0.3333", 2/3 "0.6667",
 * 10/4 "2.5000") and a DECIMAL(M,D) column. Same buffer rules as
 * decimal_to_str(); returns the length.
 */
size_t decimal_to_str_scale(const struct decimal *d, int scale, char *buf);

/* -1, 0 or 1 as a <, =, > b numerically (1.5 equals 1.50). */
int decimal_cmp(const struct decimal *a, const struct decimal *b);

/* 1 if d is zero. */
static inline int decimal_is_zero(const struct decimal *d)
{
    return (d->coef[0] | d->coef[1] | d->coef[2] | d->coef[3]) == 0;
}

/* SIGN(d): -1, 0 or 1. */
static inline int decimal_sign(const struct decimal *d)
{
    return d->neg ? -1 : decimal_is_zero(d) ? 0 : 1;
}

/*
 * Significant digits left of the point (0 for |d| < 1): what must fit in
 * M - D for a DECIMAL(M,D) column.
 */
int decimal_intg_digits(const struct decimal *d);

/* ---- Arithmetic ------------------------------------------------------- */
/*
 * All of these may be given out == a or out == b. On DECIMAL_OVERFLOW, *out
 * is the largest value of the result's sign (77 nines, scale 0): MySQL
 * raises ER_DATA_OUT_OF_RANGE for these in SELECT.
 */

/*
 * a + b and a - b; the scale is max(a.scale, b.scale), as in MySQL. Returns
 * 0, DECIMAL_TRUNCATED (the sum had more than 77 digits: fractional digits
 * cut), or DECIMAL_OVERFLOW.
 */
int decimal_add(struct decimal *out, const struct decimal *a, const struct decimal *b);
int decimal_sub(struct decimal *out, const struct decimal *a, const struct decimal *b);

/* In-place acc += x, for SUM(); same returns as decimal_add(). */
static inline int decimal_add_to(struct decimal *acc, const struct decimal *x)
{
    return decimal_add(acc, acc, x);
}

/*
 * a * b; the scale is a.scale + b.scale, cut (not rounded) to
 * DECIMAL_MUL_FRAC as MySQL does; the declared scale is min(sa+sb, 30).
 * Returns 0, DECIMAL_TRUNCATED (digits cut), or DECIMAL_OVERFLOW.
 */
int decimal_mul(struct decimal *out, const struct decimal *a, const struct decimal *b);

/*
 * a / b with MySQL's division: incr is div_precision_increment (0..30; the
 * declared scale is min(a.scale + incr, 30)). The quotient is cut after MySQL's
 * internal number of fractional digits, which counts in 9-digit words:
 * 9 * ceil((F1 + F2 + i) / 9), where F1 and F2 are the operands' scales
 * rounded up to multiples of 9 and i = max(incr - (F1 - a.scale) -
 * (F2 - b.scale), 0); capped at DECIMAL_MAX_FRAC. So 1/3 is 0.333333333 and
 * 5.05/0.014 is 360.714285714285714285; print with the declared scale.
 * Returns 0, DECIMAL_TRUNCATED (digits cut to stay within 77), DECIMAL_DIV_ZERO
 * (*out untouched), or DECIMAL_OVERFLOW.
 */
int decimal_div(struct decimal *out, const struct decimal *a, const struct decimal *b, int incr);

/*
 * a MOD b (a % b): the remainder of the truncating division, with the sign of
 * a and scale max(a.scale, b.scale); exact. Returns 0 or DECIMAL_DIV_ZERO.
 */
int decimal_mod(struct decimal *out, const struct decimal *a, const struct decimal *b);

/*
 * a DIV b: the quotient truncated toward zero, scale 0. MySQL then converts to
 * BIGINT (decimal_to_int64; out of range is its ER_DATA_OUT_OF_RANGE).
 * Returns 0, DECIMAL_DIV_ZERO or DECIMAL_OVERFLOW.
 */
int decimal_div_int(struct decimal *out, const struct decimal *a, const struct decimal *b);

/* -a and |a|; exact. */
void decimal_neg(struct decimal *out, const struct decimal *a);
void decimal_abs(struct decimal *out, const struct decimal *a);

/*
 * ROUND(a, d) and TRUNCATE(a, d): round half away from zero, or cut toward
 * zero, at d digits after the point; d may be negative (ROUND(123.45, -1) is
 * 120). The result has scale clamp(d, 0, 30): larger d pads with zeros as
 * MySQL does (ROUND(1.5, 3) is 1.500). MySQL's rule for a d that is not a
 * constant is to use min(d, declared scale of a): the caller applies it.
 * Returns 0 or DECIMAL_OVERFLOW (rounding 77 nines up).
 */
int decimal_round(struct decimal *out, const struct decimal *a, int d);
int decimal_truncate(struct decimal *out, const struct decimal *a, int d);

/* FLOOR(a) and CEILING(a); scale 0. Return 0 or DECIMAL_OVERFLOW. */
int decimal_floor(struct decimal *out, const struct decimal *a);
int decimal_ceil(struct decimal *out, const struct decimal *a);

/*
 * Makes *d a value of DECIMAL(precision, scale), as storing into a column or
 * CAST(x AS DECIMAL(M,D)) does: rounds half away from zero (or pads) to
 * exactly scale digits. Returns 0, DECIMAL_TRUNCATED (nonzero digits were
 * rounded away: MySQL's note 1265 on INSERT), DECIMAL_OVERFLOW (the integer
 * part has more than precision - scale digits; *d is clipped to the largest
 * value of its sign, 999.99 for DECIMAL(5,2), as non-strict MySQL stores),
 * or ERR_INVALID for a bad (precision, scale).
 */
int decimal_fit(struct decimal *d, int precision, int scale);

/* ---- Declared types (MySQL's result_precision rules) ------------------ */
/*
 * All results are clamped to precision <= 65 and scale <= 30, with
 * 1 <= precision and scale <= precision. Integer operands come in as
 * DECIMAL(digits, 0), e.g. BIGINT as (19, 0), a literal 5 as (1, 0).
 *
 *   a + b, a - b   scale max(s1, s2); precision max(p1-s1, p2-s2) + scale + 1
 *   a * b          scale s1 + s2;     precision p1 + p2
 *   a / b          scale s1 + incr;   precision p1 + s2 + incr
 *   a % b          scale max(s1, s2); precision from MySQL's max of display
 *                  lengths: max(p1 + (s1>0), p2 + (s2>0)) - (scale>0)
 *   SUM(a)         scale s;           precision p + 22
 *   AVG(a)         scale s + incr;    precision p + incr
 *   ROUND(a, d)    scale clamp(d, 0, 30); precision p - (s - scale), plus 1
 *                  when digits are rounded away (not for TRUNCATE)
 */
struct decimal_type decimal_type_add(struct decimal_type a, struct decimal_type b);
struct decimal_type decimal_type_mul(struct decimal_type a, struct decimal_type b);
struct decimal_type decimal_type_div(struct decimal_type a, struct decimal_type b, int incr);
struct decimal_type decimal_type_mod(struct decimal_type a, struct decimal_type b);
struct decimal_type decimal_type_sum(struct decimal_type a);
struct decimal_type decimal_type_avg(struct decimal_type a, int incr);
struct decimal_type decimal_type_round(struct decimal_type a, int d, int truncate);

/*
 * The type MySQL gives a decimal literal of this value: scale = its scale,
 * precision = max(integer digits, 1) + scale ("0.5" is DECIMAL(2,1)), both
 * clamped to the type limits.
 */
struct decimal_type decimal_type_of(const struct decimal *d);

/* ---- Encodings -------------------------------------------------------- */
/*
 * Both encodings have a fixed size per (precision, scale), hold any value of
 * DECIMAL(precision, scale), and sort under memcmp() in numeric order.
 * Encoders take a value that fits the type exactly (a result of decimal_fit,
 * or one whose extra fractional digits are zeros) and return 0, ERR_INVALID
 * (bad type, or nonzero digits beyond scale), or DECIMAL_OVERFLOW (too many
 * integer digits). Decoders read from [p, p + len), need len >= the size,
 * return a value of exactly that scale, and return ERR_CORRUPT for bytes no
 * encoder writes (digit groups out of range, negative zero, short input) and
 * ERR_INVALID for a bad type. The byte formats are tables in README.decimal.md.
 */

/*
 * MySQL's on-disk DECIMAL format (decimal2bin: 9 digits per 4 bytes, a sign
 * bit, negatives inverted), byte for byte, so rows and binlog images can be
 * exchanged with MySQL tools. Size: 0 for a bad type.
 */
size_t decimal_bin_size(int precision, int scale);
int decimal_bin_put(const struct decimal *d, int precision, int scale, uint8_t *out);
int decimal_bin_get(struct decimal *d, int precision, int scale, const uint8_t *p, size_t len);

/*
 * Index-key format: the value scaled to an integer (coef * 10^(scale - own
 * scale)), as a big-endian two's-complement number of the smallest width
 * that holds +-(10^precision - 1), with the sign bit flipped. Depends on the
 * precision only for its size; size 0 for a bad precision.
 */
size_t decimal_key_size(int precision);
int decimal_key_put(const struct decimal *d, int precision, int scale, uint8_t *out);
int decimal_key_get(struct decimal *d, int precision, int scale, const uint8_t *p, size_t len);

/* Name of a return value: "DECIMAL_OVERFLOW", ..., or err_name() for others. */
const char *decimal_status_str(int rc);

#endif
