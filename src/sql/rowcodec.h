/*
 * rowcodec.h: the byte forms of rows and keys.
 *
 * Every table is stored as key/value pairs (DESIGN.md section 5): the key
 * of a row is its primary key columns (or a hidden 8-byte row id), the key of
 * a secondary index entry is the index columns followed by the primary key
 * columns, and the value of a row is its columns tagged by column id.
 *
 * Keys are memcmp-comparable: the bytes of two keys compare as the tuples of
 * values they hold compare under MySQL's rules (value_compare, with the
 * column's collation), column after column, NULL first in an ascending
 * column and last in a descending one. Each column's encoding is
 * self-delimiting, so a key that encodes the first k columns is a byte
 * prefix of every key with those values, which is what range scans use. A
 * column's key form is reversible except for strings under a collation whose
 * sort key loses the text (every collation but binary and utf8mb4_0900_bin),
 * prefix-indexed strings, and FLOAT/DOUBLE (-0 is stored as 0): the decoder
 * reports such columns as not recovered, and the caller reads them from the
 * row value (so they must be kept in it).
 *
 * Row values are a format byte and then (tag, payload) per column in
 * ascending column id order; the tag holds the id and a wire type from which
 * the payload's length follows, so columns that are not asked for, and
 * columns dropped from the table since the row was written, are skipped
 * without knowing their types. An id that is absent reads as the column's
 * default (ADD COLUMN rewrites nothing); a NULL column is written as a tag
 * alone, since absence means "default". Byte tables: README.md, "Rows and
 * keys".
 *
 * TIMESTAMP columns hold UTC instants in rows and keys but local DATETIMEs
 * in values, so the functions take the session's time zone (NULL means
 * UTC).
 *
 * Returns: 0, ERR_NOMEM, ERR_INVALID (a value that does not belong to its
 * column: wrong tag, out of the type's range, digits beyond the scale or
 * fsp, an unknown ENUM/SET member, NaN; columns out of order), ERR_UNSUPPORTED
 * (a JSON key column), ERR_CORRUPT (decoders: bytes no encoder writes, short
 * input), and the datetime.h codes for TIMESTAMP conversions. Messages are
 * set with err_set(). Bytes to decode are untrusted: decoders check every
 * bound and never read outside [p, p + len).
 *
 * Threads: reentrant; buffers and arenas belong to the caller.
 */
#ifndef ATOLL_SQL_ROWCODEC_H
#define ATOLL_SQL_ROWCODEC_H

#include "sql/value.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct buf;
struct datetime_tz;

/* One column as the codecs see it. */
struct rowcodec_col {
    uint32_t id;                 /* Column id (row values); stable across ALTER TABLE. */
    const struct sql_type *type; /* Its type (borrowed). */
    uint32_t prefix_len;         /* Keys: index prefix in characters (bytes for binary
                                    strings), 0 for the whole value. */
    bool desc;                   /* Keys: a descending index column. */
};

#define ROWCODEC_ROW_FORMAT 1     /* The format byte of row values written here. */
#define ROWCODEC_KEY_MAX_COLS 64  /* Most columns in one key (MySQL: 16 + 16). */
#define ROWCODEC_ROWID_SIZE 8     /* Bytes of a hidden row id key. */

/* ---- Keys ---------------------------------------------------------------- */

/*
 * Appends the key encoding of vals[0..n) for cols[0..n) to out. Values must
 * already have their column's type (the executor converts): integer columns
 * take INT or UINT values that fit the signedness (any 64-bit value: bounds
 * of range scans need not fit the narrower types), DECIMAL values with no
 * nonzero digits beyond the column's scale, temporal values of the column's
 * kind (a DATE also for DATETIME/TIMESTAMP) rounded to its fsp, strings in
 * the column's character set, ENUM/SET as a member's text or its index/mask.
 * On failure out keeps its old length. Returns 0, ERR_NOMEM, ERR_INVALID,
 * ERR_UNSUPPORTED or a datetime.h code (a TIMESTAMP outside its range).
 */
int rowcodec_key_encode(const struct rowcodec_col *cols, const struct value *vals, size_t n,
                        const struct datetime_tz *tz, struct buf *out);

/*
 * Decodes the first n columns of the key p[0..len) into out[0..n) and sets
 * *used to the bytes they took (the rest is, say, the primary key after an
 * index's columns). Binary strings borrow from p when they hold no zero byte
 * and are copied into a (which may be NULL when no such copy can arise)
 * otherwise. Bit i of *lossy (may be NULL) is set for a column whose value
 * cannot be recovered exactly (see the top): a string under a non-binary
 * collation or an index prefix comes out as VALUE_NULL, a FLOAT/DOUBLE as
 * its value with a zero's sign lost; a stored NULL is VALUE_NULL with the
 * bit clear. Returns 0, ERR_CORRUPT,
 * ERR_NOMEM, or ERR_INVALID (n > ROWCODEC_KEY_MAX_COLS, or a needed arena
 * missing).
 */
int rowcodec_key_decode(const uint8_t *p, size_t len, const struct rowcodec_col *cols, size_t n,
                        const struct datetime_tz *tz, struct arena *a, struct value *out,
                        uint64_t *lossy, size_t *used);

/* 1 if a column's key form gives back its value exactly (see the top). */
bool rowcodec_key_exact(const struct rowcodec_col *col);

/* Appends the key of a hidden row id: 8 bytes big-endian. Returns 0 or ERR_NOMEM. */
int rowcodec_key_put_rowid(struct buf *out, uint64_t rowid);

/* Reads a hidden row id key. Returns 0 or ERR_CORRUPT (len != 8). */
int rowcodec_key_get_rowid(const uint8_t *p, size_t len, uint64_t *rowid);

/*
 * Makes key the smallest byte string greater than every string that starts
 * with key: drops trailing 0xFF bytes and adds one to the last byte. Returns
 * true, or false when key is empty or all 0xFF (no such string: the bound
 * is +infinity; key is then emptied).
 */
bool rowcodec_key_successor(struct buf *key);

/* A range condition on an index, for rowcodec_key_range(). */
struct rowcodec_range {
    size_t n_eq;              /* Leading columns fixed by col = value (a NULL value: IS NULL). */
    const struct value *eq;   /* Their values, n_eq of them. */
    const struct value *lo;   /* Lower bound on column n_eq in value order, or NULL. */
    bool lo_incl;             /* lo is >= (else >). */
    const struct value *hi;   /* Upper bound on column n_eq, or NULL. */
    bool hi_incl;             /* hi is <= (else <). */
};

/* Flags of the range functions. */
#define ROWCODEC_RANGE_NO_HIGH 1u /* high is empty and means +infinity. */
#define ROWCODEC_RANGE_EMPTY   2u /* No key can be in the range (low >= high). */

/*
 * The key range [low, high) (appended to low and high, which start empty)
 * holding exactly the keys of rows whose columns 0..n_eq-1 equal eq and
 * whose column n_eq lies between lo and hi, for an index of n_cols columns:
 * =, IN (one range per element), <, <=, >, >=, BETWEEN and IS NULL on a
 * prefix of the index columns. A bound makes NULLs of that column fall
 * outside, as SQL's comparisons do. Descending columns are handled (the
 * bounds swap sides). Bounds on integer and YEAR columns that fall outside
 * what the column can hold are clipped (x < 1000 on a TINYINT is every
 * non-NULL x); other bounds must already be of the column's type (the
 * planner rounds 'dec < 1.005' on a DECIMAL(5,2) to 'dec <= 1.00'). A bound
 * on a string column compares under the column's collation, so it also
 * holds values equal under it ('a' = 'A'): the range holds every match, the
 * caller filters when the collation is not the one of the condition. Sets
 * *flags to ROWCODEC_RANGE_* bits. Returns 0 or what rowcodec_key_encode
 * returns; ERR_INVALID for n_eq >= n_cols with a bound.
 */
int rowcodec_key_range(const struct rowcodec_col *cols, size_t n_cols,
                       const struct rowcodec_range *r, const struct datetime_tz *tz,
                       struct buf *low, struct buf *high, unsigned *flags);

/*
 * The key range [low, high) holding the keys of rows whose columns 0..n_eq-1
 * equal eq and whose string column n_eq is LIKE pattern (escape as
 * collation_like), from collation_like_range() under the column's collation.
 * The range may hold non-matching keys (filter with collation_like); *flags
 * gets ROWCODEC_RANGE_* bits, plus ROWCODEC_RANGE_EXACT when every key in
 * the range matches (collation.h's COLLATION_RANGE_EXACT, whole column).
 * Returns 0, ERR_NOMEM, ERR_INVALID (column n_eq is not a string) or what
 * rowcodec_key_encode returns.
 */
#define ROWCODEC_RANGE_EXACT 4u
int rowcodec_key_like_range(const struct rowcodec_col *cols, size_t n_cols, const struct value *eq,
                            size_t n_eq, const uint8_t *pattern, size_t pattern_len,
                            int32_t escape, const struct datetime_tz *tz, struct buf *low,
                            struct buf *high, unsigned *flags);

/* ---- Row values ------------------------------------------------------------ */

/*
 * Appends the row value of vals[0..n) to out: ROWCODEC_ROW_FORMAT, then each
 * column in order; cols must be in strictly ascending id order. Values must
 * have their column's type as for keys (FLOAT values are rounded to float;
 * strings must fit the column's byte limit). On failure out keeps its old
 * length. Returns 0, ERR_NOMEM, ERR_INVALID or a datetime.h code (TIMESTAMP
 * out of range).
 */
int rowcodec_row_encode(const struct rowcodec_col *cols, const struct value *vals, size_t n,
                        const struct datetime_tz *tz, struct buf *out);

/*
 * Decodes the columns cols[0..n) (strictly ascending ids; any subset of the
 * table's, the others are skipped cheaply) from the row value p[0..len) into
 * out[0..n). A column whose id is absent gets defaults[i] (defaults may be
 * NULL: NULL). Strings borrow from p (and ENUM members from the type); SET
 * values are joined into a (may be NULL when no SET column is asked for).
 * The row is walked up to the last asked-for column, checking the tags (ids
 * strictly ascending, known wire types, lengths inside the input); the
 * payloads of the asked-for columns are validated against their types.
 * Returns 0, ERR_CORRUPT, ERR_NOMEM, or ERR_INVALID (cols out of order,
 * arena missing).
 */
int rowcodec_row_decode(const uint8_t *p, size_t len, const struct rowcodec_col *cols, size_t n,
                        const struct value *defaults, const struct datetime_tz *tz,
                        struct arena *a, struct value *out);

#endif
