/*
 * collation.h: character sets and collations with MySQL 8's semantics.
 *
 * A character set says how characters are written as bytes (utf8mb4, utf8mb3,
 * latin1, ascii, binary); a collation says how strings of one character set
 * compare (utf8mb4_0900_ai_ci, utf8mb4_general_ci, latin1_swedish_ci, ...).
 * Both are static, immutable descriptors: pointers to them may be kept
 * anywhere and compared for identity, and every function here is reentrant
 * and may be called from any thread.
 *
 * Strings are byte ranges (pointer + length), never NUL-terminated. Bytes that
 * are not valid in the character set are tolerated everywhere: an invalid
 * byte counts as one character, compares as a character of its own above
 * every valid character, and converts to '?'. charset_validate() is how the
 * executor rejects them on the way in (MySQL error 1366).
 *
 * The pieces for the layers above:
 *   binder    collation_resolve() for CHARACTER SET / COLLATE clauses,
 *             collation_aggregate() for the collation of an expression;
 *   executor  collation_compare(), _equal(), _hash(), _like(), the charset_*
 *             string functions (CHAR_LENGTH, SUBSTRING, UPPER, CONVERT);
 *   keys      collation_sortkey(): bytes whose memcmp order is the collation
 *             order, for index keys; collation_like_range() turns
 *             LIKE 'prefix%' into a key range for the planner.
 *
 * What each collation does and where it differs from MySQL is written up in
 * src/sql/README.collation.md.
 */
#ifndef ATOLL_SQL_COLLATION_H
#define ATOLL_SQL_COLLATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

/* ---- Identities ------------------------------------------------------- */

enum charset_id {
    CHARSET_BINARY,  /* Bytes; "binary". */
    CHARSET_ASCII,   /* 7-bit US ASCII; "ascii". */
    CHARSET_LATIN1,  /* MySQL's latin1: Windows-1252; "latin1". */
    CHARSET_UTF8MB3, /* UTF-8 limited to the BMP; "utf8mb3", alias "utf8". */
    CHARSET_UTF8MB4, /* UTF-8; "utf8mb4". */
};
#define CHARSET_COUNT 5

/* MySQL's collation numbers (SHOW COLLATION's Id; the wire protocol's charset byte). */
enum collation_id {
    COLLATION_LATIN1_SWEDISH_CI = 8,
    COLLATION_ASCII_GENERAL_CI = 11,
    COLLATION_UTF8MB3_GENERAL_CI = 33,
    COLLATION_UTF8MB4_GENERAL_CI = 45,
    COLLATION_UTF8MB4_BIN = 46,
    COLLATION_LATIN1_BIN = 47,
    COLLATION_BINARY = 63,
    COLLATION_ASCII_BIN = 65,
    COLLATION_UTF8MB3_BIN = 83,
    COLLATION_UTF8MB3_UNICODE_CI = 192,
    COLLATION_UTF8MB4_UNICODE_CI = 224,
    COLLATION_UTF8MB4_UNICODE_520_CI = 246,
    COLLATION_UTF8MB4_0900_AI_CI = 255,
    COLLATION_UTF8MB4_0900_AS_CS = 278,
    COLLATION_UTF8MB4_0900_AS_CI = 305,
    COLLATION_UTF8MB4_0900_BIN = 309,
};

/*
 * The default collation of utf8mb4, and so of the server: MySQL 8 uses
 * utf8mb4_0900_ai_ci; MariaDB uses utf8mb4_general_ci. Switching this one
 * constant switches every default (charset table, is_default, SHOW output).
 */
#define COLLATION_UTF8MB4_DEFAULT COLLATION_UTF8MB4_0900_AI_CI

/* MySQL error numbers for the failures reported here (see each function). */
enum collation_errno {
    COLLATION_ER_UNKNOWN_CHARACTER_SET = 1115,      /* SQLSTATE 42000 */
    COLLATION_ER_COLLATION_CHARSET_MISMATCH = 1253, /* SQLSTATE 42000 */
    COLLATION_ER_CANT_AGGREGATE_2COLLATIONS = 1267, /* SQLSTATE HY000 */
    COLLATION_ER_CANT_AGGREGATE_3COLLATIONS = 1270, /* SQLSTATE HY000 */
    COLLATION_ER_CANT_AGGREGATE_NCOLLATIONS = 1271, /* SQLSTATE HY000 */
    COLLATION_ER_UNKNOWN_COLLATION = 1273,          /* SQLSTATE HY000 */
    COLLATION_ER_INVALID_CHARACTER_STRING = 1300,   /* SQLSTATE HY000 */
    COLLATION_ER_TRUNCATED_WRONG_VALUE = 1366,      /* SQLSTATE HY000 */
};

struct charset {
    enum charset_id id;      /* Index in the charset table. */
    const char *name;        /* "utf8mb4", as SHOW CHARACTER SET prints it. */
    const char *description; /* SHOW CHARACTER SET's Description. */
    uint16_t default_coll;   /* Id of its default collation. */
    uint16_t bin_coll;       /* Id of its binary collation (CHARACTER SET x BINARY). */
    uint8_t mbminlen;        /* Fewest bytes of a character. */
    uint8_t mbmaxlen;        /* Most bytes of a character (SHOW's Maxlen). */
};

enum collation_pad {
    COLLATION_PAD_SPACE, /* Trailing spaces do not count: 'a' = 'a  '. */
    COLLATION_NO_PAD,    /* Every character counts: 'a' < 'a '. */
};

struct collation {
    uint16_t id;                   /* MySQL's number. */
    const char *name;              /* "utf8mb4_0900_ai_ci". */
    const struct charset *charset; /* The character set it belongs to. */
    enum collation_pad pad;        /* PAD SPACE or NO PAD (SHOW COLLATION's Pad_attribute). */
    bool is_default;               /* Default of its charset (SHOW COLLATION's Default). */
    bool binsort;                  /* Compares bytes or code points (MySQL's MY_CS_BINSORT). */
    uint8_t sortlen;               /* SHOW COLLATION's Sortlen. */
    /* The rest is private to collation.c. */
    uint8_t kind;    /* Comparison engine. */
    uint8_t levels;  /* UCA levels compared (1..3); 1 for the others. */
    uint8_t variant; /* Engine parameter: weight table or UCA flavour. */
    uint8_t casemap; /* Case table of UPPER() and LOWER(). */
};

/* ---- Lookup ------------------------------------------------------------ */

/* The charset with this id. */
const struct charset *charset_get(enum charset_id id);

/* The charset named name (case-insensitive; "utf8" means utf8mb3), or NULL. */
const struct charset *charset_by_name(const char *name, size_t len);

/* The collation with MySQL number id, or NULL. */
const struct collation *collation_by_id(unsigned id);

/*
 * The collation named name (case-insensitive; "utf8_..." means "utf8mb3_..."),
 * or NULL.
 */
const struct collation *collation_by_name(const char *name, size_t len);

/* The default collation of cs, and its binary one. */
const struct collation *charset_default_collation(const struct charset *cs);
const struct collation *charset_bin_collation(const struct charset *cs);

/* The server's default collation (that of utf8mb4). */
const struct collation *collation_default(void);

/* Iteration for SHOW CHARACTER SET / SHOW COLLATION, in id order; NULL past the end. */
const struct charset *charset_at(size_t i);
const struct collation *collation_at(size_t i);

/*
 * Resolves a CHARACTER SET / COLLATE pair as a column definition, CAST,
 * CONVERT or SET NAMES gives it; either name may be NULL (absent), not both.
 * With only a charset, its default collation; with only a collation, that
 * one; with both, the collation after checking that it belongs to the
 * charset. Returns 0 with *out set, or ERR_NOT_FOUND (unknown charset: 1115,
 * unknown collation: 1273) or ERR_INVALID (mismatch: 1253) with MySQL's
 * message in err_msg() and the error number in *mysql_errno (may be NULL).
 */
int collation_resolve(const char *charset, size_t charset_len, const char *collation,
                      size_t collation_len, const struct collation **out, uint16_t *mysql_errno);

/* ---- Characters of a string (any charset) -------------------------------- */

#define CHARSET_BAD_CP 0xFFFFFFFFu /* charset_decode()'s code point for an invalid byte. */

/*
 * Decodes the character at s (len > 0): returns its length in bytes (>= 1)
 * and its code point in *cp, or 1 with *cp = CHARSET_BAD_CP when the byte
 * does not start a valid character. binary decodes each byte as itself.
 */
size_t charset_decode(const struct charset *cs, const uint8_t *s, size_t len, uint32_t *cp);

/*
 * Encodes code point cp into out (room for 4 bytes); returns the length, or 0
 * when cs cannot represent cp (binary takes cp < 256 as a byte).
 */
size_t charset_encode(const struct charset *cs, uint32_t cp, uint8_t *out);

/*
 * Checks that s is well formed in cs. Returns 0, or ERR_INVALID with the
 * offset of the first bad byte in *bad_off (may be NULL) and no message: the
 * caller words the error (charset_err_incorrect_string()). utf8mb4 is strict
 * UTF-8 (no overlongs, surrogates or code points above U+10FFFF, no truncated
 * sequences); utf8mb3 also refuses 4-byte sequences; ascii refuses bytes
 * above 0x7F; latin1 and binary accept every byte.
 */
int charset_validate(const struct charset *cs, const uint8_t *s, size_t len, size_t *bad_off);

/*
 * Writes s as MySQL shows a bad string in error 1366: up to max_bytes bytes
 * (MySQL shows 6), printable ASCII as is and other bytes as \xHH, then "..."
 * if s was cut. Always NUL-terminates out (cap >= 8). Returns the length.
 */
size_t charset_printable(const uint8_t *s, size_t len, size_t max_bytes, char *out, size_t cap);

/*
 * Records MySQL's error 1366 for a value whose bytes s[bad_off..] are not
 * valid: "Incorrect string value: '\xF0\x9F\x98\x80' for column 'c' at row
 * 1". Returns ERR_INVALID.
 */
int charset_err_incorrect_string(const uint8_t *s, size_t len, size_t bad_off, const char *column,
                                 uint64_t row);

/* Characters in s (CHAR_LENGTH); an invalid byte counts as one. */
size_t charset_char_count(const struct charset *cs, const uint8_t *s, size_t len);

/* Byte offset of character n (0-based) of s, or len when s has at most n characters. */
size_t charset_char_offset(const struct charset *cs, const uint8_t *s, size_t len, size_t n);

/*
 * SUBSTRING(s, pos, count) by characters, as MySQL: pos is 1-based, negative
 * counts from the end, 0 (or before the start) gives ''; count <= 0 gives ''.
 * Sets the byte range of the result: s + *off, *n bytes.
 */
void charset_substr(const struct charset *cs, const uint8_t *s, size_t len, int64_t pos,
                    int64_t count, size_t *off, size_t *n);

/*
 * Appends s, in charset from, to out in charset to (CONVERT ... USING, and
 * assignment to a column of another charset). A character that is invalid in
 * from or cannot be represented in to becomes '?'; *n_bad (may be NULL) gets
 * how many did and *bad_off (may be NULL) the offset in s of the first
 * (SIZE_MAX if none), for MySQL's error or warning 1366. Within one charset,
 * and from or to binary, the bytes are copied unchanged (as MySQL does; use
 * charset_validate() to check them). Returns 0 or ERR_NOMEM (out keeps what
 * it had).
 */
int charset_convert(const struct charset *to, struct buf *out, const struct charset *from,
                    const uint8_t *s, size_t len, size_t *n_bad, size_t *bad_off);

/* ---- Collations ---------------------------------------------------------- */

/*
 * UPPER(s) / LOWER(s) under c, appended to out: simple (one-to-one) case
 * mapping of c's case table: MySQL's old BMP table for the general, bin and
 * unicode_ci collations, Unicode 9.0 for the 0900 and 520 ones, Windows-1252
 * letters for latin1, A-Z for ascii; binary strings are copied unchanged.
 * The result may be longer or shorter in bytes. Returns 0 or ERR_NOMEM.
 */
int collation_upper(const struct collation *c, struct buf *out, const uint8_t *s, size_t len);
int collation_lower(const struct collation *c, struct buf *out, const uint8_t *s, size_t len);

/* Three-way comparison of a and b under c: < 0, 0 or > 0. */
int collation_compare(const struct collation *c, const uint8_t *a, size_t a_len, const uint8_t *b,
                      size_t b_len);

/* collation_compare() == 0, sometimes cheaper. */
bool collation_equal(const struct collation *c, const uint8_t *a, size_t a_len, const uint8_t *b,
                     size_t b_len);

/*
 * A hash of s under c: strings that compare equal hash equal (for hash joins,
 * GROUP BY, DISTINCT). Stable across runs and machines.
 */
uint64_t collation_hash(const struct collation *c, const uint8_t *s, size_t len, uint64_t seed);

/*
 * Appends s's sort key under c to out: byte strings whose order (memcmp over
 * the common length, then the shorter first) is the order of
 * collation_compare(), equal exactly when the strings compare equal. PAD
 * SPACE is built in ('a' and 'a ' give the same key, 'a\t' sorts before
 * 'a'). The bytes may hold any value including 0x00: a composite key must
 * escape and terminate them. Returns 0 or ERR_NOMEM.
 */
int collation_sortkey(const struct collation *c, struct buf *out, const uint8_t *s, size_t len);

/* An upper bound of the sort key length of a string of len bytes under c. */
size_t collation_sortkey_max(const struct collation *c, size_t len);

#define COLLATION_NO_ESCAPE (-1) /* collation_like()'s escape for ESCAPE ''. */

/*
 * s LIKE pattern ESCAPE escape under c. '%' matches any run of characters,
 * '_' exactly one; other characters match one character equal to them under
 * c, compared one character at a time (so 'ß' LIKE 'ss' is false where 'ß' =
 * 'ss' is true, as in MySQL), with no padding ('a ' LIKE 'a' is false).
 * escape is a code point ('\\' by default) or COLLATION_NO_ESCAPE; an escape
 * at the very end of the pattern stands for itself.
 */
bool collation_like(const struct collation *c, const uint8_t *s, size_t s_len,
                    const uint8_t *pattern, size_t pattern_len, int32_t escape);

/* Flags of collation_like_range(). */
enum {
    COLLATION_RANGE_ALL = 1, /* The pattern begins with a wildcard: no range; low, high empty. */
    COLLATION_RANGE_NO_HIGH = 2, /* No upper bound: high is empty and means +infinity. */
    COLLATION_RANGE_EXACT = 4,   /* Every string whose key is in [low, high) matches. */
};

/*
 * The sort key range [low, high) that holds the sort key of every string
 * matching LIKE pattern under c (from the literal prefix before the first
 * '%' or '_'), appended to low and high, with COLLATION_RANGE_* flags in
 * *flags. Without COLLATION_RANGE_EXACT the range may hold keys of strings
 * that do not match: the caller filters with collation_like(). With it (a
 * 'prefix%' pattern under a collation with one weight per character and no
 * padding trouble) the filter can be skipped. low and high are different
 * buffers; on failure both keep what they held. Returns 0 or ERR_NOMEM.
 */
int collation_like_range(const struct collation *c, const uint8_t *pattern, size_t pattern_len,
                         int32_t escape, struct buf *low, struct buf *high, unsigned *flags);

/* ---- Coercibility --------------------------------------------------------- */

/* MySQL's derivations (COERCIBILITY() values): lower wins. */
enum collation_derivation {
    COLLATION_EXPLICIT = 0,  /* A COLLATE clause. */
    COLLATION_NONE = 1,      /* A mix of collations that could not be resolved. */
    COLLATION_IMPLICIT = 2,  /* A column, a routine parameter or variable. */
    COLLATION_SYSCONST = 3,  /* USER(), VERSION() and similar. */
    COLLATION_COERCIBLE = 4, /* A literal string. */
    COLLATION_NUMERIC = 5,   /* A number or temporal value. */
    COLLATION_IGNORABLE = 6, /* NULL, or an expression made from NULL. */
};

/* The collation of an expression, with how strongly it holds on to it. */
struct collation_dt {
    const struct collation *coll;    /* Its collation. */
    enum collation_derivation deriv; /* Its derivation. */
    bool ascii_only;                 /* Repertoire ASCII: a literal of ASCII characters only. */
};

/* "EXPLICIT", "NONE", "IMPLICIT", ... as MySQL's messages print them. */
const char *collation_derivation_name(enum collation_derivation d);

/*
 * Folds b into acc by MySQL's rules (DTCollation::aggregate with superset and
 * coercible conversion): the lower derivation wins; binary wins over
 * character strings of the same or a higher derivation; between equal
 * derivations a Unicode charset wins over a non-Unicode one, utf8mb4 over
 * utf8mb3, any side over an ASCII-only one, a _bin collation over another of
 * the same charset; two other collations of one charset and derivation make
 * that charset's _bin collation with derivation NONE. Returns 0, or
 * ERR_INVALID (no message) when the two cannot be combined: acc is then
 * binary with derivation NONE when the charsets could not be converted (a
 * later EXPLICIT operand may still settle it, as in MySQL), or has coll NULL
 * when two different EXPLICIT collations met.
 */
int collation_aggregate(struct collation_dt *acc, const struct collation_dt *b);

/*
 * The collation of an operation over n >= 1 operands (MySQL's
 * agg_item_collations): folds them with collation_aggregate() and, when
 * for_comparison (comparisons, LIKE, IN, ...), also refuses a result of
 * derivation NONE. On failure returns ERR_INVALID with MySQL's message,
 * "Illegal mix of collations (a,IMPLICIT) and (b,IMPLICIT) for operation
 * '='", and its number in *mysql_errno (may be NULL): 1267 for two
 * operands, 1270 for three, 1271 for more.
 */
int collation_aggregate_n(const struct collation_dt *ops, size_t n, bool for_comparison,
                          const char *operation, struct collation_dt *out, uint16_t *mysql_errno);

#endif
