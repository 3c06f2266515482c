/*
 * collation.c: character sets and collations (collation.h).
 *
 * Every collation is reduced to a stream of weights per string, and one
 * comparison, one hash and one sort key encoding work on those streams, so
 * the three cannot disagree. The engines that make the weights:
 *
 *   KIND_BINARY   the bytes (binary, utf8mb4_0900_bin), NO PAD;
 *   KIND_8BIT     a weight per byte (latin1_*, ascii_*), PAD SPACE;
 *   KIND_GENERAL  MySQL's old BMP sort table, one 16-bit weight per
 *                 character, U+FFFD's for every supplementary character
 *                 (utf8mb[34]_general_ci), PAD SPACE;
 *   KIND_UNIBIN   the code point (utf8mb[34]_bin), PAD SPACE;
 *   KIND_UCA      Unicode Collation Algorithm collation elements from DUCET
 *                 (collation_data.c), zero or more per character, one, two
 *                 or three levels (utf8mb4_0900_*, *_unicode_ci).
 *
 * A byte that does not start a valid character weighs more than any
 * character (KIND_GENERAL 0x10000 + byte, KIND_UNIBIN 0x110000 + byte,
 * KIND_UCA the primaries FFFF, 8000 + byte), so bad strings still sort
 * consistently.
 *
 * PAD SPACE compares as if the shorter string were padded with spaces: once
 * one stream ends, the other's remaining weights are compared with the
 * space's weight S. Its sort key (collation_sortkey) strips trailing spaces and
 * codes every weight as a "unit" whose value keeps the order: w < S stays w,
 * w > S becomes w + 2; a space followed (after more spaces) by a weight
 * below S is unit S, one followed by a weight above S is unit S + 2, and the
 * key ends with unit S + 1. So the end of a string sits between "spaces then
 * something smaller" and "spaces then something larger", which is what
 * padding with spaces means, and memcmp of keys gives the padded order (the
 * README has the proof). Units are 1 or 2 bytes big-endian, with an escape
 * (0xFF + more bytes) for the few large values.
 *
 * ASCII fast paths keep utf8mb4_general_ci and 0900_ai_ci comparisons of
 * short ASCII strings at a few nanoseconds.
 */
#include "sql/collation.h"

#include "base/buf.h"
#include "base/coding.h"
#include "base/err.h"
#include "base/hash.h"

#include <string.h>
#include <strings.h>

/* ---- Tables made by scripts/gen_collation.py (collation_data.c) ---------- */

extern const uint8_t collation__gen_page[256];
extern const uint16_t collation__gen_upper[];
extern const uint16_t collation__gen_lower[];
extern const uint16_t collation__gen_sort[];
extern const uint32_t collation__u9_upper[][2];
extern const size_t collation__n_u9_upper;
extern const uint32_t collation__u9_lower[][2];
extern const size_t collation__n_u9_lower;
extern const uint8_t collation__uca_page[256];
extern const uint32_t collation__uca_entry[];
extern const uint32_t collation__uca_ce[];
extern const uint32_t collation__han_core[][2];
extern const size_t collation__n_han_core;
extern const uint32_t collation__han_ext[][2];
extern const size_t collation__n_han_ext;
extern const uint16_t collation__latin1_to_uni[256];
extern const uint8_t collation__latin1_upper[256];
extern const uint8_t collation__latin1_lower[256];
extern const uint8_t collation__latin1_swedish[256];
extern const uint8_t collation__byte_identity[256];
extern const uint8_t collation__ascii_ci[256];

/* ---- Descriptors --------------------------------------------------------- */

enum { KIND_BINARY, KIND_8BIT, KIND_GENERAL, KIND_UNIBIN, KIND_UCA };
enum { TAB_IDENTITY, TAB_ASCII_CI, TAB_SWEDISH }; /* KIND_8BIT variants. */
enum { UCA_900, UCA_520, UCA_400 };               /* KIND_UCA variants. */
enum { CASE_NONE, CASE_ASCII, CASE_LATIN1, CASE_GEN, CASE_U9 };

static const struct charset charsets[CHARSET_COUNT] = {
    [CHARSET_BINARY] = {CHARSET_BINARY, "binary", "Binary pseudo charset", COLLATION_BINARY,
                        COLLATION_BINARY, 1, 1},
    [CHARSET_ASCII] = {CHARSET_ASCII, "ascii", "US ASCII", COLLATION_ASCII_GENERAL_CI,
                       COLLATION_ASCII_BIN, 1, 1},
    [CHARSET_LATIN1] = {CHARSET_LATIN1, "latin1", "cp1252 West European",
                        COLLATION_LATIN1_SWEDISH_CI, COLLATION_LATIN1_BIN, 1, 1},
    [CHARSET_UTF8MB3] = {CHARSET_UTF8MB3, "utf8mb3", "UTF-8 Unicode", COLLATION_UTF8MB3_GENERAL_CI,
                         COLLATION_UTF8MB3_BIN, 1, 3},
    [CHARSET_UTF8MB4] = {CHARSET_UTF8MB4, "utf8mb4", "UTF-8 Unicode", COLLATION_UTF8MB4_DEFAULT,
                         COLLATION_UTF8MB4_BIN, 1, 4},
};

#define CS(x)    (&charsets[CHARSET_##x])
#define PAD      COLLATION_PAD_SPACE
#define NOPAD    COLLATION_NO_PAD
#define DEF4(id) ((id) == COLLATION_UTF8MB4_DEFAULT)

/* In id order (collation_at() lists them so). */
static const struct collation collations[] = {
    {8, "latin1_swedish_ci", CS(LATIN1), PAD, true, false, 1, KIND_8BIT, 1, TAB_SWEDISH,
     CASE_LATIN1},
    {11, "ascii_general_ci", CS(ASCII), PAD, true, false, 1, KIND_8BIT, 1, TAB_ASCII_CI,
     CASE_ASCII},
    {33, "utf8mb3_general_ci", CS(UTF8MB3), PAD, true, false, 1, KIND_GENERAL, 1, 0, CASE_GEN},
    {45, "utf8mb4_general_ci", CS(UTF8MB4), PAD, DEF4(45), false, 1, KIND_GENERAL, 1, 0, CASE_GEN},
    {46, "utf8mb4_bin", CS(UTF8MB4), PAD, DEF4(46), true, 1, KIND_UNIBIN, 1, 0, CASE_GEN},
    {47, "latin1_bin", CS(LATIN1), PAD, false, true, 1, KIND_8BIT, 1, TAB_IDENTITY, CASE_LATIN1},
    {63, "binary", CS(BINARY), NOPAD, true, true, 1, KIND_BINARY, 1, 0, CASE_NONE},
    {65, "ascii_bin", CS(ASCII), PAD, false, true, 1, KIND_8BIT, 1, TAB_IDENTITY, CASE_ASCII},
    {83, "utf8mb3_bin", CS(UTF8MB3), PAD, false, true, 1, KIND_UNIBIN, 1, 0, CASE_GEN},
    {192, "utf8mb3_unicode_ci", CS(UTF8MB3), PAD, false, false, 8, KIND_UCA, 1, UCA_400, CASE_GEN},
    {224, "utf8mb4_unicode_ci", CS(UTF8MB4), PAD, DEF4(224), false, 8, KIND_UCA, 1, UCA_400,
     CASE_GEN},
    {246, "utf8mb4_unicode_520_ci", CS(UTF8MB4), PAD, DEF4(246), false, 8, KIND_UCA, 1, UCA_520,
     CASE_U9},
    {255, "utf8mb4_0900_ai_ci", CS(UTF8MB4), NOPAD, DEF4(255), false, 0, KIND_UCA, 1, UCA_900,
     CASE_U9},
    {278, "utf8mb4_0900_as_cs", CS(UTF8MB4), NOPAD, DEF4(278), false, 0, KIND_UCA, 3, UCA_900,
     CASE_U9},
    {305, "utf8mb4_0900_as_ci", CS(UTF8MB4), NOPAD, DEF4(305), false, 0, KIND_UCA, 2, UCA_900,
     CASE_U9},
    {309, "utf8mb4_0900_bin", CS(UTF8MB4), NOPAD, DEF4(309), true, 1, KIND_BINARY, 1, 0, CASE_U9},
};
#define N_COLLATIONS (sizeof collations / sizeof collations[0])

/* ---- Lookup -------------------------------------------------------------- */

const struct charset *charset_get(enum charset_id id)
{
    return (unsigned)id < CHARSET_COUNT ? &charsets[id] : NULL;
}

static bool name_eq(const char *a, size_t a_len, const char *b)
{
    return strlen(b) == a_len && strncasecmp(a, b, a_len) == 0;
}

const struct charset *charset_by_name(const char *name, size_t len)
{
    if (name_eq(name, len, "utf8"))
        return &charsets[CHARSET_UTF8MB3];
    for (size_t i = 0; i < CHARSET_COUNT; i++)
        if (name_eq(name, len, charsets[i].name))
            return &charsets[i];
    return NULL;
}

const struct collation *collation_by_id(unsigned id)
{
    for (size_t i = 0; i < N_COLLATIONS; i++)
        if (collations[i].id == id)
            return &collations[i];
    return NULL;
}

const struct collation *collation_by_name(const char *name, size_t len)
{
    char tmp[64];
    /* MySQL 8 still accepts utf8_xxx for utf8mb3_xxx. */
    if (len > 5 && len + 3 < sizeof tmp && strncasecmp(name, "utf8_", 5) == 0) {
        memcpy(tmp, "utf8mb3_", 8);
        memcpy(tmp + 8, name + 5, len - 5);
        name = tmp;
        len += 3;
    }
    for (size_t i = 0; i < N_COLLATIONS; i++)
        if (name_eq(name, len, collations[i].name))
            return &collations[i];
    return NULL;
}

const struct collation *charset_default_collation(const struct charset *cs)
{
    return collation_by_id(cs->default_coll);
}

const struct collation *charset_bin_collation(const struct charset *cs)
{
    return collation_by_id(cs->bin_coll);
}

const struct collation *collation_default(void)
{
    return collation_by_id(COLLATION_UTF8MB4_DEFAULT);
}

const struct charset *charset_at(size_t i)
{
    static const enum charset_id by_name[CHARSET_COUNT] = {
        CHARSET_ASCII, CHARSET_BINARY, CHARSET_LATIN1, CHARSET_UTF8MB3, CHARSET_UTF8MB4};
    return i < CHARSET_COUNT ? &charsets[by_name[i]] : NULL;
}

const struct collation *collation_at(size_t i)
{
    return i < N_COLLATIONS ? &collations[i] : NULL;
}

static void set_errno(uint16_t *mysql_errno, uint16_t v)
{
    if (mysql_errno)
        *mysql_errno = v;
}

int collation_resolve(const char *charset, size_t charset_len, const char *collation,
                      size_t collation_len, const struct collation **out, uint16_t *mysql_errno)
{
    const struct charset *cs = NULL;
    const struct collation *coll = NULL;
    if (charset) {
        cs = charset_by_name(charset, charset_len);
        if (!cs) {
            set_errno(mysql_errno, COLLATION_ER_UNKNOWN_CHARACTER_SET);
            return err_set(ERR_NOT_FOUND, "Unknown character set: '%.*s'",
                           (int)(charset_len > 64 ? 64 : charset_len), charset);
        }
    }
    if (collation) {
        coll = collation_by_name(collation, collation_len);
        if (!coll) {
            set_errno(mysql_errno, COLLATION_ER_UNKNOWN_COLLATION);
            return err_set(ERR_NOT_FOUND, "Unknown collation: '%.*s'",
                           (int)(collation_len > 64 ? 64 : collation_len), collation);
        }
        if (cs && coll->charset != cs) {
            set_errno(mysql_errno, COLLATION_ER_COLLATION_CHARSET_MISMATCH);
            return err_set(ERR_INVALID, "COLLATION '%s' is not valid for CHARACTER SET '%s'",
                           coll->name, cs->name);
        }
    } else if (cs) {
        coll = charset_default_collation(cs);
    } else {
        return err_set(ERR_INVALID, "neither a character set nor a collation given");
    }
    *out = coll;
    return 0;
}

/* ---- Decoding and encoding ----------------------------------------------- */

/*
 * Strict UTF-8 (RFC 3629): returns the length of the character at s and its
 * code point, or 1 and CHARSET_BAD_CP. mb4 false refuses 4-byte sequences.
 */
static inline size_t utf8_decode(const uint8_t *s, size_t len, bool mb4, uint32_t *cp)
{
    uint8_t c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c < 0xC2)
        goto bad;
    if (c < 0xE0) {
        if (len < 2 || (s[1] & 0xC0) != 0x80)
            goto bad;
        *cp = (uint32_t)(c & 0x1F) << 6 | (s[1] & 0x3F);
        return 2;
    }
    if (c < 0xF0) {
        if (len < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            goto bad;
        if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0))
            goto bad; /* overlong, or a surrogate */
        *cp = (uint32_t)(c & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
        return 3;
    }
    if (c < 0xF5 && mb4) {
        if (len < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            goto bad;
        if ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90))
            goto bad; /* overlong, or above U+10FFFF */
        *cp = (uint32_t)(c & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
              (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
        return 4;
    }
bad:
    *cp = CHARSET_BAD_CP;
    return 1;
}

static size_t utf8_encode(uint32_t cp, uint8_t *out)
{
    if (cp < 0x80) {
        out[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (uint8_t)(0xC0 | cp >> 6);
        out[1] = (uint8_t)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (uint8_t)(0xE0 | cp >> 12);
        out[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (uint8_t)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (uint8_t)(0xF0 | cp >> 18);
    out[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (uint8_t)(0x80 | (cp & 0x3F));
    return 4;
}

size_t charset_decode(const struct charset *cs, const uint8_t *s, size_t len, uint32_t *cp)
{
    switch (cs->id) {
    case CHARSET_UTF8MB4:
        return utf8_decode(s, len, true, cp);
    case CHARSET_UTF8MB3:
        return utf8_decode(s, len, false, cp);
    case CHARSET_LATIN1:
        *cp = collation__latin1_to_uni[s[0]];
        return 1;
    case CHARSET_ASCII:
        *cp = s[0] < 0x80 ? s[0] : CHARSET_BAD_CP;
        return 1;
    case CHARSET_BINARY:
        break;
    }
    *cp = s[0];
    return 1;
}

static int latin1_from_uni(uint32_t cp)
{
    if (cp < 0x100 && collation__latin1_to_uni[cp] == cp)
        return (int)cp;
    for (int b = 0x80; b < 0xA0; b++)
        if (collation__latin1_to_uni[b] == cp)
            return b;
    return -1;
}

size_t charset_encode(const struct charset *cs, uint32_t cp, uint8_t *out)
{
    switch (cs->id) {
    case CHARSET_UTF8MB4:
    case CHARSET_UTF8MB3:
        if (cp > (cs->id == CHARSET_UTF8MB4 ? 0x10FFFFu : 0xFFFFu) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        return utf8_encode(cp, out);
    case CHARSET_LATIN1: {
        int b = latin1_from_uni(cp);
        if (b < 0)
            return 0;
        out[0] = (uint8_t)b;
        return 1;
    }
    case CHARSET_ASCII:
        if (cp >= 0x80)
            return 0;
        out[0] = (uint8_t)cp;
        return 1;
    case CHARSET_BINARY:
        break;
    }
    if (cp >= 0x100)
        return 0;
    out[0] = (uint8_t)cp;
    return 1;
}

/* Index of the first byte >= 0x80 in s[i..len), or len. */
static inline size_t skip_ascii(const uint8_t *s, size_t len, size_t i)
{
    while (i + 8 <= len) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (w & 0x8080808080808080ULL)
            break;
        i += 8;
    }
    while (i < len && s[i] < 0x80)
        i++;
    return i;
}

int charset_validate(const struct charset *cs, const uint8_t *s, size_t len, size_t *bad_off)
{
    size_t i = 0;
    if (cs->id == CHARSET_LATIN1 || cs->id == CHARSET_BINARY)
        return 0;
    for (;;) {
        i = skip_ascii(s, len, i);
        if (i >= len)
            return 0;
        uint32_t cp;
        size_t n = charset_decode(cs, s + i, len - i, &cp);
        if (cp == CHARSET_BAD_CP) {
            if (bad_off)
                *bad_off = i;
            return ERR_INVALID;
        }
        i += n;
    }
}

size_t charset_printable(const uint8_t *s, size_t len, size_t max_bytes, char *out, size_t cap)
{
    static const char hex[] = "0123456789ABCDEF";
    /* As MySQL's convert_to_printable(): room for "...\0" is kept. */
    size_t t = 0, dots = 0, f = 0;
    size_t f_end = max_bytes && max_bytes < len ? max_bytes : len;
    if (cap < 8) {
        if (cap)
            out[0] = '\0';
        return 0;
    }
    size_t t_end = cap - 1;
    for (; t < t_end && f < f_end; f++) {
        if (s[f] >= 0x20 && s[f] <= 0x7F) {
            out[t++] = (char)s[f];
        } else {
            if (t_end - t < 4)
                break;
            out[t++] = '\\';
            out[t++] = 'x';
            out[t++] = hex[s[f] >> 4];
            out[t++] = hex[s[f] & 15];
        }
        if (t_end - t >= 3)
            dots = t;
    }
    if (f < len) {
        memcpy(out + dots, "...", 4);
        return dots + 3;
    }
    out[t] = '\0';
    return t;
}

int charset_err_incorrect_string(const uint8_t *s, size_t len, size_t bad_off, const char *column,
                                 uint64_t row)
{
    char tmp[32]; /* MySQL's buffer: at most 6 bytes shown. */
    if (bad_off > len)
        bad_off = len;
    charset_printable(s + bad_off, len - bad_off, 6, tmp, sizeof tmp);
    return err_set(ERR_INVALID, "Incorrect string value: '%s' for column '%.192s' at row %llu", tmp,
                   column, (unsigned long long)row);
}

size_t charset_char_count(const struct charset *cs, const uint8_t *s, size_t len)
{
    if (cs->mbmaxlen == 1)
        return len;
    size_t n = 0, i = 0;
    while (i < len) {
        size_t j = skip_ascii(s, len, i);
        n += j - i;
        i = j;
        if (i >= len)
            break;
        uint32_t cp;
        i += charset_decode(cs, s + i, len - i, &cp);
        n++;
    }
    return n;
}

size_t charset_char_offset(const struct charset *cs, const uint8_t *s, size_t len, size_t n)
{
    if (cs->mbmaxlen == 1)
        return n < len ? n : len;
    size_t i = 0;
    while (n > 0 && i < len) {
        if (s[i] < 0x80) {
            i++;
        } else {
            uint32_t cp;
            i += charset_decode(cs, s + i, len - i, &cp);
        }
        n--;
    }
    return i;
}

void charset_substr(const struct charset *cs, const uint8_t *s, size_t len, int64_t pos,
                    int64_t count, size_t *off, size_t *n)
{
    *off = 0;
    *n = 0;
    if (pos == 0 || count <= 0)
        return;
    uint64_t start;
    if (pos > 0) {
        start = (uint64_t)pos - 1;
    } else {
        uint64_t chars = charset_char_count(cs, s, len);
        uint64_t back = (uint64_t)(-(pos + 1)) + 1;
        if (back > chars)
            return;
        start = chars - back;
    }
    size_t a = charset_char_offset(cs, s, len, start > SIZE_MAX ? SIZE_MAX : (size_t)start);
    size_t b = a + charset_char_offset(cs, s + a, len - a,
                                       (uint64_t)count > SIZE_MAX ? SIZE_MAX : (size_t)count);
    *off = a;
    *n = b - a;
}

int charset_convert(const struct charset *to, struct buf *out, const struct charset *from,
                    const uint8_t *s, size_t len, size_t *n_bad, size_t *bad_off)
{
    size_t bad = 0, first = SIZE_MAX, old_len = out->len;
    if (to == from || to->id == CHARSET_BINARY || from->id == CHARSET_BINARY ||
        (to->id == CHARSET_UTF8MB4 && from->id != CHARSET_LATIN1 &&
         charset_validate(from, s, len, NULL) == 0)) {
        /* Same bytes: no conversion, or ascii/utf8mb3 into utf8mb4. */
        if (buf_append(out, s, len) != 0)
            return ERR_NOMEM;
        goto done;
    }
    if (buf_reserve(out, len + 16) != 0)
        return ERR_NOMEM;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        uint8_t enc[4];
        size_t start = i, k = 0;
        i += charset_decode(from, s + i, len - i, &cp);
        if (cp != CHARSET_BAD_CP)
            k = charset_encode(to, cp, enc);
        if (k == 0) {
            enc[0] = '?';
            k = 1;
            if (bad++ == 0)
                first = start;
        }
        if (buf_append(out, enc, k) != 0) {
            out->len = old_len;
            return ERR_NOMEM;
        }
    }
done:
    if (n_bad)
        *n_bad = bad;
    if (bad_off)
        *bad_off = first;
    return 0;
}

/* ---- Case mapping -------------------------------------------------------- */

static uint32_t u9_map(const uint32_t (*pairs)[2], size_t n, uint32_t cp)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (pairs[mid][0] < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && pairs[lo][0] == cp ? pairs[lo][1] : cp;
}

static uint32_t map_case(int casemap, bool upper, uint32_t cp)
{
    if (cp < 0x80) {
        if (upper)
            return cp - ((cp - 'a' < 26u) ? 32 : 0);
        return cp + ((cp - 'A' < 26u) ? 32 : 0);
    }
    if (casemap == CASE_GEN) {
        unsigned pg = cp <= 0xFFFF ? collation__gen_page[cp >> 8] : 0;
        if (!pg)
            return cp;
        size_t k = (size_t)(pg - 1) * 256 + (cp & 0xFF);
        return upper ? collation__gen_upper[k] : collation__gen_lower[k];
    }
    if (casemap == CASE_U9)
        return upper ? u9_map(collation__u9_upper, collation__n_u9_upper, cp)
                     : u9_map(collation__u9_lower, collation__n_u9_lower, cp);
    return cp;
}

static int change_case(const struct collation *c, struct buf *out, const uint8_t *s, size_t len,
                       bool upper)
{
    const struct charset *cs = c->charset;
    size_t old_len = out->len;
    if (buf_reserve(out, len) != 0)
        return ERR_NOMEM;
    if (c->casemap == CASE_NONE) {
        if (len) /* out->data may still be NULL for an empty string. */
            memcpy(out->data + out->len, s, len);
        out->len += len;
        return 0;
    }
    if (cs->mbmaxlen == 1) {
        const uint8_t *tab = upper ? collation__latin1_upper : collation__latin1_lower;
        for (size_t i = 0; i < len; i++) {
            uint8_t b = s[i];
            if (c->casemap == CASE_LATIN1)
                b = tab[b];
            else if (b < 0x80)
                b = (uint8_t)map_case(CASE_ASCII, upper, b);
            out->data[out->len++] = b;
        }
        return 0;
    }
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        uint8_t enc[4];
        size_t n = charset_decode(cs, s + i, len - i, &cp), k;
        if (cp == CHARSET_BAD_CP) {
            memcpy(enc, s + i, 1);
            k = 1;
        } else {
            uint32_t m = map_case(c->casemap, upper, cp);
            k = charset_encode(cs, m, enc);
            if (k == 0) /* cannot happen with our tables; keep the original */
                k = charset_encode(cs, cp, enc);
        }
        if (buf_append(out, enc, k) != 0) {
            out->len = old_len;
            return ERR_NOMEM;
        }
        i += n;
    }
    return 0;
}

int collation_upper(const struct collation *c, struct buf *out, const uint8_t *s, size_t len)
{
    return change_case(c, out, s, len, true);
}

int collation_lower(const struct collation *c, struct buf *out, const uint8_t *s, size_t len)
{
    return change_case(c, out, s, len, false);
}

/* ---- Weights --------------------------------------------------------------- */

/* Forces a template-like function into its callers, where kind is a constant. */
#define ALWAYS_INLINE inline __attribute__((always_inline))

#define UCA_MAX_CES      24 /* Most collation elements of one character (U+FDFA has 18). */
#define CE_PRIMARY(ce)   ((ce) >> 16)
#define CE_SECONDARY(ce) (((ce) >> 7) & 0x1FF)
#define CE_TERTIARY(ce)  (((ce) >> 2) & 0x1F)
#define CE_MAKE(p, s, t) ((uint32_t)(p) << 16 | (uint32_t)(s) << 7 | (uint32_t)(t) << 2)

/* ASCII upper-case fold: the weight of an ASCII byte under the _ci collations. */
static inline uint32_t ascii_fold(uint32_t b)
{
    return b - ((b - 'a' < 26u) ? 32u : 0u);
}

/* 8 bytes as a big-endian number: its order is the bytes' memcmp order. */
static inline uint64_t load_be64(const uint8_t *p)
{
    uint64_t x;
    memcpy(&x, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    x = __builtin_bswap64(x);
#elif !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_BIG_ENDIAN__
    x = be64_get(p);
#endif
    return x;
}

/* ascii_fold() of 8 ASCII bytes at once (every byte < 0x80, so no carries). */
static inline uint64_t ascii_fold8(uint64_t w)
{
    uint64_t ge_a = w + 0x1F1F1F1F1F1F1F1FULL; /* high bit where byte >= 'a' */
    uint64_t gt_z = w + 0x0505050505050505ULL; /* high bit where byte > 'z' */
    return w - ((ge_a & ~gt_z & 0x8080808080808080ULL) >> 2);
}

/* The weight table of a KIND_8BIT collation. */
static inline const uint8_t *table8(const struct collation *c)
{
    switch (c->variant) {
    case TAB_SWEDISH:
        return collation__latin1_swedish;
    case TAB_ASCII_CI:
        return collation__ascii_ci;
    }
    return collation__byte_identity;
}

static inline uint32_t gen_sort(uint32_t cp)
{
    if (cp > 0xFFFF)
        return 0xFFFD;
    unsigned pg = collation__gen_page[cp >> 8];
    return pg ? collation__gen_sort[(size_t)(pg - 1) * 256 + (cp & 0xFF)] : cp;
}

/*
 * The weight of the character at s[*i] for the one-weight kinds; advances
 * *i. kind is a constant in every caller, so each engine gets its own code.
 */
static ALWAYS_INLINE uint32_t one_weight(const struct collation *c, int kind, const uint8_t *s,
                                         size_t len, size_t *i)
{
    uint8_t b = s[*i];
    uint32_t cp;
    switch (kind) {
    case KIND_8BIT:
        (*i)++;
        return table8(c)[b];
    case KIND_GENERAL:
        if (b < 0x80) {
            (*i)++;
            return ascii_fold(b);
        }
        *i += utf8_decode(s + *i, len - *i, c->charset->id == CHARSET_UTF8MB4, &cp);
        return cp == CHARSET_BAD_CP ? 0x10000u + b : gen_sort(cp);
    case KIND_UNIBIN:
        if (b < 0x80) {
            (*i)++;
            return b;
        }
        *i += utf8_decode(s + *i, len - *i, c->charset->id == CHARSET_UTF8MB4, &cp);
        return cp == CHARSET_BAD_CP ? 0x110000u + b : cp;
    }
    (*i)++;
    return b;
}

static bool in_ranges(const uint32_t (*r)[2], size_t n, uint32_t cp)
{
    for (size_t i = 0; i < n; i++)
        if (cp >= r[i][0] && cp <= r[i][1])
            return true;
    return false;
}

/* UCA implicit weights (UTS #10 section 10.1.3) of a code point not in the table. */
static unsigned uca_implicit(uint32_t cp, uint32_t *out)
{
    uint32_t aaaa, bbbb;
    if ((cp >= 0x17000 && cp <= 0x187EC) || (cp >= 0x18800 && cp <= 0x18AF2)) {
        aaaa = 0xFB00; /* Tangut, as UCA 9.0 has it */
        bbbb = (cp - 0x17000) | 0x8000;
    } else {
        uint32_t base = 0xFBC0;
        if (in_ranges(collation__han_core, collation__n_han_core, cp))
            base = 0xFB40;
        else if (in_ranges(collation__han_ext, collation__n_han_ext, cp))
            base = 0xFB80;
        aaaa = base + (cp >> 15);
        bbbb = (cp & 0x7FFF) | 0x8000;
    }
    out[0] = CE_MAKE(aaaa, 0x20, 0x02);
    out[1] = CE_MAKE(bbbb, 0, 0);
    return 2;
}

/* The collation elements of a BMP code point from the table. */
static unsigned uca_table(uint32_t cp, uint32_t *out)
{
    unsigned pg = collation__uca_page[cp >> 8];
    if (!pg)
        return uca_implicit(cp, out);
    uint32_t e = collation__uca_entry[(size_t)(pg - 1) * 256 + (cp & 0xFF)];
    if (e == 0)
        return 0;
    if (e == 0xFFFFFFFFu)
        return uca_implicit(cp, out);
    if (e & 1) {
        out[0] = e;
        return 1;
    }
    unsigned n = 0;
    const uint32_t *p = collation__uca_ce + (e >> 1);
    do
        out[n] = p[n];
    while (!(p[n++] & 1) && n < UCA_MAX_CES);
    return n;
}

/* The collation elements of code point cp under UCA flavour variant. */
static unsigned uca_ces(int variant, uint32_t cp, uint32_t *out)
{
    if (cp >= 0xAC00 && cp <= 0xD7A3) {
        /* Hangul syllables weigh as their conjoining jamo (UTS #10 10.1.5). */
        uint32_t si = cp - 0xAC00, t = 0x11A7 + si % 28;
        unsigned n = uca_table(0x1100 + si / 588, out);
        n += uca_table(0x1161 + (si % 588) / 28, out + n);
        if (t != 0x11A7)
            n += uca_table(t, out + n);
        return n;
    }
    if (cp <= 0xFFFF)
        return uca_table(cp, out);
    if (variant == UCA_400) {
        /* MySQL's UCA 4.0.0 collations weigh every supplementary character 0xFFFD. */
        out[0] = CE_MAKE(0xFFFD, 0x20, 0x02);
        return 1;
    }
    if (cp == 0xE0001 || (cp >= 0xE0020 && cp <= 0xE007F) || (cp >= 0xE0100 && cp <= 0xE01EF))
        return 0; /* tags and variation selectors are ignorable */
    return uca_implicit(cp, out);
}

/* The collation elements of an invalid byte: above every character. */
static unsigned uca_bad_byte(uint8_t b, uint32_t *out)
{
    out[0] = CE_MAKE(0xFFFF, 0x20, 0x02);
    out[1] = CE_MAKE(0x8000u | b, 0, 0);
    return 2;
}

/*
 * An ASCII character's entry: page 0 comes first in the table and every
 * ASCII character has one collation element or none (gen_collation.py
 * checks both), so the entry is the element itself, or 0.
 */
static inline uint32_t uca_ascii_ce(uint8_t b)
{
    return collation__uca_entry[b];
}

/* The weight S of a space under c. */
static inline uint32_t space_weight(const struct collation *c)
{
    return c->kind == KIND_UCA ? CE_PRIMARY(uca_ascii_ce(' ')) : 0x20;
}

/*
 * A stream of weights of one string at one level: the one-weight kinds give
 * one weight per character, KIND_UCA the non-zero weights of the level.
 */
struct wsrc {
    const struct collation *c; /* Collation. */
    const uint8_t *s;          /* String. */
    size_t len;                /* Its length. */
    size_t i;                  /* Next byte to decode. */
    unsigned level;            /* UCA level, 0..2. */
    unsigned n;                /* Collation elements of the current character. */
    unsigned k;                /* Next of them to look at. */
    uint32_t ce[UCA_MAX_CES];  /* Them. */
};

static inline void wsrc_init(struct wsrc *w, const struct collation *c, const uint8_t *s,
                             size_t len, unsigned level)
{
    w->c = c;
    w->s = s;
    w->len = len;
    w->i = 0;
    w->level = level;
    w->n = w->k = 0;
}

/* The collation elements of the character at s[*i] under UCA collation c. */
static inline unsigned uca_char(const struct collation *c, const uint8_t *s, size_t len, size_t *i,
                                uint32_t *ce)
{
    uint32_t cp;
    size_t n = utf8_decode(s + *i, len - *i, c->charset->id == CHARSET_UTF8MB4, &cp);
    unsigned k = cp == CHARSET_BAD_CP ? uca_bad_byte(s[*i], ce) : uca_ces(c->variant, cp, ce);
    *i += n;
    return k;
}

static inline uint32_t ce_level(uint32_t ce, unsigned level)
{
    return level == 0 ? CE_PRIMARY(ce) : level == 1 ? CE_SECONDARY(ce) : CE_TERTIARY(ce);
}

/* The next non-zero weight of a UCA stream at its level. */
static bool uca_next(struct wsrc *w, uint32_t *out)
{
    for (;;) {
        while (w->k < w->n) {
            uint32_t v = ce_level(w->ce[w->k++], w->level);
            if (v) {
                *out = v;
                return true;
            }
        }
        if (w->i >= w->len)
            return false;
        if (w->s[w->i] < 0x80) {
            uint32_t v = ce_level(uca_ascii_ce(w->s[w->i++]), w->level);
            if (v) {
                *out = v;
                return true;
            }
            continue;
        }
        w->k = 0;
        w->n = uca_char(w->c, w->s, w->len, &w->i, w->ce);
    }
}

static ALWAYS_INLINE bool next_weight(struct wsrc *w, int kind, uint32_t *out)
{
    if (kind == KIND_UCA) {
        /* ASCII inline; the rest, and pending expansions, out of line. */
        if (w->k >= w->n) {
            while (w->i < w->len && w->s[w->i] < 0x80) {
                uint32_t v = ce_level(uca_ascii_ce(w->s[w->i++]), w->level);
                if (v) {
                    *out = v;
                    return true;
                }
            }
        }
        return uca_next(w, out);
    }
    if (w->i >= w->len)
        return false;
    *out = one_weight(w->c, kind, w->s, w->len, &w->i);
    return true;
}

/* next_weight() for code that is not hot (LIKE ranges). */
static bool wsrc_next(struct wsrc *w, uint32_t *out)
{
    switch (w->c->kind) {
    case KIND_8BIT:
        return next_weight(w, KIND_8BIT, out);
    case KIND_GENERAL:
        return next_weight(w, KIND_GENERAL, out);
    case KIND_UNIBIN:
        return next_weight(w, KIND_UNIBIN, out);
    case KIND_UCA:
        return next_weight(w, KIND_UCA, out);
    }
    return next_weight(w, KIND_BINARY, out);
}

/* Compares two weight streams; pad compares a finished stream as spaces (S). */
static ALWAYS_INLINE int stream_cmp(struct wsrc *x, struct wsrc *y, int kind, bool pad, uint32_t S)
{
    uint32_t a, b;
    for (;;) {
        bool ha = next_weight(x, kind, &a), hb = next_weight(y, kind, &b);
        if (!ha && !hb)
            return 0;
        if (!ha) {
            if (!pad)
                return -1;
            do
                if (b != S)
                    return b > S ? -1 : 1;
            while (next_weight(y, kind, &b));
            return 0;
        }
        if (!hb) {
            if (!pad)
                return 1;
            do
                if (a != S)
                    return a > S ? 1 : -1;
            while (next_weight(x, kind, &a));
            return 0;
        }
        if (a != b)
            return a < b ? -1 : 1;
    }
}

/*
 * Length of the common prefix of ASCII bytes: equal ASCII characters have
 * equal weights at every level under every collation here (there are no
 * contractions), so a comparison may start after them.
 */
static inline size_t ascii_prefix(const uint8_t *a, const uint8_t *b, size_t n)
{
    size_t i = 0;
    while (i + 8 <= n) {
        uint64_t x, y;
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        if (x != y || (x & 0x8080808080808080ULL))
            break;
        i += 8;
    }
    while (i < n && a[i] == b[i] && a[i] < 0x80)
        i++;
    return i;
}

static ALWAYS_INLINE int cmp_kind(const struct collation *c, int kind, const uint8_t *a, size_t an,
                                  const uint8_t *b, size_t bn)
{
    size_t i = ascii_prefix(a, b, an < bn ? an : bn);
    size_t ia = i, ib = i; /* where level 1 goes on from */
    bool pad = c->pad == COLLATION_PAD_SPACE;
    uint32_t S = space_weight(c);
    if (kind == KIND_UCA) {
        /* Level 1 over ASCII straight from the table: ignorables skipped,
         * the first difference decides. */
        while (ia < an && ib < bn && (a[ia] | b[ib]) < 0x80) {
            uint32_t x = CE_PRIMARY(uca_ascii_ce(a[ia])), y = CE_PRIMARY(uca_ascii_ce(b[ib]));
            if (!x || !y) {
                ia += !x;
                ib += !y;
                continue;
            }
            if (x != y)
                return x < y ? -1 : 1;
            ia++;
            ib++;
        }
    }
    for (unsigned level = 0; level < c->levels; level++) {
        struct wsrc x, y;
        wsrc_init(&x, c, a + (level ? i : ia), an - (level ? i : ia), level);
        wsrc_init(&y, c, b + (level ? i : ib), bn - (level ? i : ib), level);
        int r = stream_cmp(&x, &y, kind, pad && level == 0, S);
        if (r)
            return r;
    }
    return 0;
}

/* The instances of cmp_kind(), out of line so the fast paths stay small. */
#define NOINLINE __attribute__((noinline))

static NOINLINE int cmp_general_rest(const struct collation *c, const uint8_t *a, size_t an,
                                     const uint8_t *b, size_t bn)
{
    return cmp_kind(c, KIND_GENERAL, a, an, b, bn);
}

static NOINLINE int cmp_unibin(const struct collation *c, const uint8_t *a, size_t an,
                               const uint8_t *b, size_t bn)
{
    return cmp_kind(c, KIND_UNIBIN, a, an, b, bn);
}

static NOINLINE int cmp_uca(const struct collation *c, const uint8_t *a, size_t an,
                            const uint8_t *b, size_t bn)
{
    return cmp_kind(c, KIND_UCA, a, an, b, bn);
}

/* utf8_general_ci: ASCII eight bytes at a time, then the stream. */
static NOINLINE int cmp_general(const struct collation *c, const uint8_t *a, size_t an,
                                const uint8_t *b, size_t bn)
{
    size_t i = 0, n = an < bn ? an : bn;
    while (i + 8 <= n) {
        uint64_t x = load_be64(a + i), y = load_be64(b + i);
        if ((x | y) & 0x8080808080808080ULL)
            break;
        if (x != y) {
            x = ascii_fold8(x);
            y = ascii_fold8(y);
            if (x != y)
                return x < y ? -1 : 1; /* big-endian: the first byte decides */
        }
        i += 8;
    }
    if (i < n && n >= 8 && i + 8 > n) {
        /* The last 8 bytes, overlapping ones already found equal. */
        uint64_t x = load_be64(a + n - 8), y = load_be64(b + n - 8);
        if (!((x | y) & 0x8080808080808080ULL)) {
            x = ascii_fold8(x);
            y = ascii_fold8(y);
            if (x != y)
                return x < y ? -1 : 1;
            i = n;
        }
    }
    for (; i < n; i++) {
        uint8_t x = a[i], y = b[i];
        if ((x | y) >= 0x80)
            return cmp_general_rest(c, a + i, an - i, b + i, bn - i);
        if (x != y) {
            uint32_t wx = ascii_fold(x), wy = ascii_fold(y);
            if (wx != wy)
                return wx < wy ? -1 : 1;
        }
    }
    /* One ran out: the rest of the other against spaces. A weight below
     * 0x20 is a control character's; any byte above 0x7F starts a
     * character (or a bad byte) that weighs more than a space. */
    const uint8_t *r = an > bn ? a : b;
    size_t rn = an > bn ? an : bn;
    int sign = an > bn ? 1 : -1;
    for (; i < rn; i++)
        if (r[i] != ' ')
            return r[i] < ' ' ? -sign : sign;
    return 0;
}

/* The one-byte collations: a table lookup per differing byte. */
static NOINLINE int cmp_8bit(const struct collation *c, const uint8_t *a, size_t an,
                             const uint8_t *b, size_t bn)
{
    const uint8_t *t = table8(c);
    size_t i, n = an < bn ? an : bn;
    for (i = 0; i < n; i++) {
        if (a[i] != b[i]) {
            uint8_t x = t[a[i]], y = t[b[i]];
            if (x != y)
                return x < y ? -1 : 1;
        }
    }
    const uint8_t *r = an > bn ? a : b;
    size_t rn = an > bn ? an : bn;
    int sign = an > bn ? 1 : -1;
    for (; i < rn; i++)
        if (t[r[i]] != 0x20)
            return t[r[i]] < 0x20 ? -sign : sign;
    return 0;
}

int collation_compare(const struct collation *c, const uint8_t *a, size_t a_len, const uint8_t *b,
                      size_t b_len)
{
    switch (c->kind) {
    case KIND_BINARY: {
        size_t n = a_len < b_len ? a_len : b_len;
        int r = n ? memcmp(a, b, n) : 0;
        if (r)
            return r < 0 ? -1 : 1;
        return a_len < b_len ? -1 : a_len > b_len;
    }
    case KIND_GENERAL:
        return cmp_general(c, a, a_len, b, b_len);
    case KIND_8BIT:
        return cmp_8bit(c, a, a_len, b, b_len);
    case KIND_UNIBIN:
        return cmp_unibin(c, a, a_len, b, b_len);
    }
    return cmp_uca(c, a, a_len, b, b_len);
}

bool collation_equal(const struct collation *c, const uint8_t *a, size_t a_len, const uint8_t *b,
                     size_t b_len)
{
    if (c->kind == KIND_BINARY)
        return a_len == b_len && (a_len == 0 || memcmp(a, b, a_len) == 0);
    return collation_compare(c, a, a_len, b, b_len) == 0;
}

/*
 * Hashing writes the weights as LEB128 varints (injective and prefix-free,
 * one byte for the common weights below 0x80), or for UCA as 16-bit words,
 * into 256-byte blocks and chains hash64() over them. Blocks are cut at fixed offsets of that byte
 * stream, however the bytes were produced, so equal weight streams, and so
 * equal strings, hash equal.
 */
struct hacc {
    uint64_t h;       /* Hash of the full blocks so far. */
    size_t n;         /* Bytes in buf. */
    uint8_t buf[256]; /* The block being filled. */
};

static inline void hacc_bytes(struct hacc *a, const uint8_t *p, size_t n)
{
    while (n) {
        size_t k = sizeof a->buf - a->n < n ? sizeof a->buf - a->n : n;
        memcpy(a->buf + a->n, p, k);
        a->n += k;
        p += k;
        n -= k;
        if (a->n == sizeof a->buf) {
            a->h = hash64(a->buf, sizeof a->buf, a->h);
            a->n = 0;
        }
    }
}

static inline void hacc_put(struct hacc *a, uint32_t w)
{
    uint8_t t[VARINT_MAX];
    if (a->n <= sizeof a->buf - VARINT_MAX) {
        /* Room for any varint without reaching the block's end. */
        a->n += varint_put(a->buf + a->n, w);
        return;
    }
    hacc_bytes(a, t, varint_put(t, w));
}

/* A UCA weight (every level's fits 16 bits) as two bytes. */
static inline void hacc_put16(struct hacc *a, uint32_t w)
{
    uint8_t t[2] = {(uint8_t)(w >> 8), (uint8_t)w};
    if (a->n <= sizeof a->buf - 2) {
        a->buf[a->n] = t[0];
        a->buf[a->n + 1] = t[1];
        a->n += 2;
        if (a->n == sizeof a->buf) {
            a->h = hash64(a->buf, sizeof a->buf, a->h);
            a->n = 0;
        }
        return;
    }
    hacc_bytes(a, t, 2);
}

static ALWAYS_INLINE uint64_t hash_kind(const struct collation *c, int kind, const uint8_t *s,
                                        size_t len, uint64_t seed)
{
    bool pad = c->pad == COLLATION_PAD_SPACE;
    struct hacc acc;
    acc.h = seed ^ 0x6A09E667F3BCC909ULL;
    acc.n = 0;
    if (kind != KIND_UCA) {
        /* One weight per character, and only the space weighs S: trailing
         * space bytes are the trailing S weights. */
        if (pad)
            while (len > 0 && s[len - 1] == ' ')
                len--;
        for (size_t i = 0; i < len;) {
            if (kind == KIND_GENERAL && i + 8 <= len) {
                uint64_t x;
                memcpy(&x, s + i, 8);
                if (!(x & 0x8080808080808080ULL)) {
                    uint8_t t[8];
                    x = ascii_fold8(x); /* bytewise, so host order is kept */
                    memcpy(t, &x, 8);
                    hacc_bytes(&acc, t, 8);
                    i += 8;
                    continue;
                }
            }
            hacc_put(&acc, one_weight(c, kind, s, len, &i));
        }
        return hash64(acc.buf, acc.n, acc.h);
    }
    uint32_t S = space_weight(c);
    for (unsigned level = 0; level < c->levels; level++) {
        size_t spaces = 0; /* Spaces seen and not yet hashed: trailing ones never are. */
        uint32_t ce[UCA_MAX_CES];
        if (level)
            hacc_put16(&acc, 0); /* no weight is 0 */
        for (size_t i = 0; i < len;) {
            unsigned n = 1;
            if (s[i] < 0x80) {
                ce[0] = uca_ascii_ce(s[i++]);
            } else {
                n = uca_char(c, s, len, &i, ce);
            }
            for (unsigned k = 0; k < n; k++) {
                uint32_t v = ce_level(ce[k], level);
                if (!v)
                    continue;
                if (pad && level == 0 && v == S) {
                    spaces++;
                    continue;
                }
                for (; spaces; spaces--)
                    hacc_put16(&acc, S);
                hacc_put16(&acc, v);
            }
        }
    }
    return hash64(acc.buf, acc.n, acc.h);
}

uint64_t collation_hash(const struct collation *c, const uint8_t *s, size_t len, uint64_t seed)
{
    switch (c->kind) {
    case KIND_BINARY:
        return hash64(s, len, seed);
    case KIND_GENERAL:
        return hash_kind(c, KIND_GENERAL, s, len, seed);
    case KIND_8BIT:
        return hash_kind(c, KIND_8BIT, s, len, seed);
    case KIND_UNIBIN:
        return hash_kind(c, KIND_UNIBIN, s, len, seed);
    }
    return hash_kind(c, KIND_UCA, s, len, seed);
}

/* ---- Sort keys ------------------------------------------------------------- */

/* Appends bytes to a buf, remembering the first failure. */
struct emit {
    struct buf *b; /* Destination. */
    int rc;        /* 0, or ERR_NOMEM once an append failed. */
};

static inline void emit_bytes(struct emit *e, const uint8_t *p, size_t n)
{
    if (e->rc == 0 && e->b->cap - e->b->len < n)
        e->rc = buf_reserve(e->b, n < 64 ? 64 : n);
    if (e->rc == 0 && n) {
        memcpy(e->b->data + e->b->len, p, n);
        e->b->len += n;
    }
}

/*
 * Unit u in the wide (2-byte) or narrow (1-byte) coding: values below the
 * escape take 2 or 1 bytes big-endian; larger ones take 0xFF and the rest.
 */
static inline void emit_unit(struct emit *e, uint32_t u, bool wide)
{
    uint8_t t[4];
    if (wide) {
        if (u < 0xFF00) {
            t[0] = (uint8_t)(u >> 8);
            t[1] = (uint8_t)u;
            emit_bytes(e, t, 2);
        } else {
            u -= 0xFF00;
            t[0] = 0xFF;
            t[1] = (uint8_t)(u >> 16);
            t[2] = (uint8_t)(u >> 8);
            t[3] = (uint8_t)u;
            emit_bytes(e, t, 4);
        }
    } else {
        if (u < 0xFF) {
            t[0] = (uint8_t)u;
            emit_bytes(e, t, 1);
        } else {
            t[0] = 0xFF;
            t[1] = (uint8_t)(u - 0xFF);
            emit_bytes(e, t, 2);
        }
    }
}

/* A NO PAD weight: UCA weights all fit 16 bits, so two bytes big-endian. */
static inline void emit_u16(struct emit *e, uint32_t w)
{
    uint8_t t[2] = {(uint8_t)(w >> 8), (uint8_t)w};
    emit_bytes(e, t, 2);
}

/* The PAD SPACE unit of a weight other than S. */
static inline uint32_t pad_unit(uint32_t w, uint32_t S)
{
    return w < S ? w : w + 2;
}

/*
 * Emits the units of a string's (or a LIKE prefix's) weights under PAD
 * SPACE. Spaces are held back until the next other weight says how to code
 * them; *spaces returns how many are still held at the end.
 */
static ALWAYS_INLINE void pad_weights(struct emit *e, struct wsrc *w, int kind, uint32_t S,
                                      bool wide, size_t *spaces)
{
    uint32_t v;
    size_t held = 0;
    while (next_weight(w, kind, &v)) {
        if (v == S) {
            held++;
            continue;
        }
        for (; held; held--)
            emit_unit(e, v < S ? S : S + 2, wide);
        emit_unit(e, pad_unit(v, S), wide);
    }
    *spaces = held;
}

static inline bool wide_units(const struct collation *c)
{
    return c->kind != KIND_8BIT;
}

static ALWAYS_INLINE void sortkey_kind(const struct collation *c, int kind, struct emit *e,
                                       const uint8_t *s, size_t len)
{
    if (c->pad == COLLATION_PAD_SPACE) {
        uint32_t S = space_weight(c);
        struct wsrc w;
        size_t spaces;
        wsrc_init(&w, c, s, len, 0);
        pad_weights(e, &w, kind, S, wide_units(c), &spaces);
        emit_unit(e, S + 1, wide_units(c)); /* the end; trailing spaces dropped */
        return;
    }
    /* NO PAD (the UCA 0900 collations): 2-byte weights, as MySQL's
     * WEIGHT_STRING(); levels apart by 0x0000, below every weight. */
    for (unsigned level = 0; level < c->levels; level++) {
        struct wsrc w;
        uint32_t v;
        if (level)
            emit_u16(e, 0);
        wsrc_init(&w, c, s, len, level);
        while (next_weight(&w, kind, &v)) {
            if (kind == KIND_UCA)
                emit_u16(e, v);
            else
                emit_unit(e, v, wide_units(c)); /* no such collation yet */
        }
    }
}

int collation_sortkey(const struct collation *c, struct buf *out, const uint8_t *s, size_t len)
{
    struct emit e = {out, 0};
    size_t old_len = out->len;
    if (c->kind != KIND_BINARY && buf_reserve(out, 2 * len + 4) != 0)
        return ERR_NOMEM;
    switch (c->kind) {
    case KIND_BINARY:
        emit_bytes(&e, s, len);
        break;
    case KIND_GENERAL:
        sortkey_kind(c, KIND_GENERAL, &e, s, len);
        break;
    case KIND_8BIT:
        sortkey_kind(c, KIND_8BIT, &e, s, len);
        break;
    case KIND_UNIBIN:
        sortkey_kind(c, KIND_UNIBIN, &e, s, len);
        break;
    case KIND_UCA:
        sortkey_kind(c, KIND_UCA, &e, s, len);
        break;
    }
    if (e.rc)
        out->len = old_len;
    return e.rc;
}

size_t collation_sortkey_max(const struct collation *c, size_t len)
{
    switch (c->kind) {
    case KIND_BINARY:
        return len;
    case KIND_8BIT:
        return 2 * len + 2;
    case KIND_GENERAL:
    case KIND_UNIBIN:
        return 4 * len + 4;
    }
    /* At most 6 collation elements per byte (U+FDFA: 18 for 3 bytes), 4 bytes
     * per weight with the escape, 2 bytes per level separator or end. */
    return (size_t)c->levels * (24 * len + 2) + 4;
}

/* ---- LIKE ------------------------------------------------------------------ */

/* One character of a LIKE subject or pattern. */
struct lchar {
    uint32_t cp; /* Code point, CHARSET_BAD_CP for an invalid byte. */
    uint32_t w;  /* One-weight kinds: its weight. */
    size_t off;  /* Where it starts. */
    size_t len;  /* Its length in bytes. */
};

static inline void lchar_get(const struct collation *c, const uint8_t *s, size_t len, size_t i,
                             struct lchar *ch)
{
    ch->off = i;
    ch->len = charset_decode(c->charset, s + i, len - i, &ch->cp);
    if (c->kind != KIND_UCA) {
        size_t j = i;
        ch->w = s[i];
        if (c->kind == KIND_8BIT)
            ch->w = one_weight(c, KIND_8BIT, s, len, &j);
        else if (c->kind == KIND_GENERAL)
            ch->w = one_weight(c, KIND_GENERAL, s, len, &j);
        else if (c->kind == KIND_UNIBIN)
            ch->w = one_weight(c, KIND_UNIBIN, s, len, &j);
    }
}

/* Whether two characters are equal under c (no padding: one against one). */
static bool lchar_eq(const struct collation *c, const uint8_t *s, const struct lchar *a,
                     const uint8_t *p, const struct lchar *b)
{
    if (c->kind == KIND_BINARY)
        return a->len == b->len && memcmp(s + a->off, p + b->off, a->len) == 0;
    if (c->kind != KIND_UCA)
        return a->w == b->w;
    if (a->len == b->len && memcmp(s + a->off, p + b->off, a->len) == 0)
        return true;
    uint32_t x[UCA_MAX_CES], y[UCA_MAX_CES];
    size_t i = a->off, j = b->off;
    unsigned nx = uca_char(c, s, a->off + a->len, &i, x);
    unsigned ny = uca_char(c, p, b->off + b->len, &j, y);
    for (unsigned level = 0; level < c->levels; level++) {
        unsigned u = 0, v = 0;
        for (;;) {
            while (u < nx && !ce_level(x[u], level))
                u++;
            while (v < ny && !ce_level(y[v], level))
                v++;
            if (u == nx || v == ny) {
                if (u != nx || v != ny)
                    return false;
                break;
            }
            if (ce_level(x[u], level) != ce_level(y[v], level))
                return false;
            u++;
            v++;
        }
    }
    return true;
}

/*
 * The pattern element at p[*i]: sets *ch to it and returns '%', '_' or 0 for
 * a literal character (escaped ones included); advances *i.
 */
static int pattern_next(const struct collation *c, const uint8_t *p, size_t plen, size_t *i,
                        int32_t escape, struct lchar *ch)
{
    lchar_get(c, p, plen, *i, ch);
    *i += ch->len;
    if (escape >= 0 && ch->cp == (uint32_t)escape && *i < plen) {
        lchar_get(c, p, plen, *i, ch);
        *i += ch->len;
        return 0;
    }
    if (ch->cp == '%')
        return '%';
    if (ch->cp == '_')
        return '_';
    return 0;
}

bool collation_like(const struct collation *c, const uint8_t *s, size_t s_len,
                    const uint8_t *pattern, size_t pattern_len, int32_t escape)
{
    /* Greedy matching with one backtracking point, the last '%': when a
     * later literal fails, that '%' takes one more character. */
    size_t si = 0, pi = 0;
    size_t star_p = SIZE_MAX, star_s = 0;
    struct lchar sc, pc;
    while (si < s_len) {
        if (pi < pattern_len) {
            size_t next = pi;
            int kind = pattern_next(c, pattern, pattern_len, &next, escape, &pc);
            if (kind == '%') {
                star_p = next;
                star_s = si;
                pi = next;
                continue;
            }
            lchar_get(c, s, s_len, si, &sc);
            if (kind == '_' || lchar_eq(c, s, &sc, pattern, &pc)) {
                si += sc.len;
                pi = next;
                continue;
            }
        }
        if (star_p == SIZE_MAX)
            return false;
        lchar_get(c, s, s_len, star_s, &sc);
        star_s += sc.len;
        si = star_s;
        pi = star_p;
    }
    while (pi < pattern_len) {
        if (pattern_next(c, pattern, pattern_len, &pi, escape, &pc) != '%')
            return false;
    }
    return true;
}

/*
 * Copies the literal characters that begin pattern, unescaped, to lits and
 * counts them in *n_chars. Returns the wildcard that ended them ('%' or '_',
 * with the index after it in *after) or 0 when the pattern has none.
 */
static int like_prefix(const struct collation *c, const uint8_t *pattern, size_t pattern_len,
                       int32_t escape, struct buf *lits, size_t *n_chars, size_t *after)
{
    size_t i = 0;
    struct lchar ch;
    *n_chars = 0;
    while (i < pattern_len) {
        int kind = pattern_next(c, pattern, pattern_len, &i, escape, &ch);
        if (kind) {
            *after = i;
            return kind;
        }
        if (buf_append(lits, pattern + ch.off, ch.len) != 0)
            return ERR_NOMEM;
        (*n_chars)++;
    }
    *after = i;
    return 0;
}

/*
 * Turns key[start..] into the smallest byte string greater than every string
 * it is a prefix of. Returns false when there is none (all bytes 0xFF).
 */
static bool key_successor(struct buf *key, size_t start)
{
    while (key->len > start) {
        if (key->data[key->len - 1] != 0xFF) {
            key->data[key->len - 1]++;
            return true;
        }
        key->len--;
    }
    return false;
}

int collation_like_range(const struct collation *c, const uint8_t *pattern, size_t pattern_len,
                         int32_t escape, struct buf *low, struct buf *high, unsigned *flags)
{
    struct buf lits;
    size_t n_chars, after;
    size_t low0 = low->len, high0 = high->len;
    int rc = 0;
    buf_init(&lits);
    *flags = 0;
    int stop = like_prefix(c, pattern, pattern_len, escape, &lits, &n_chars, &after);
    if (stop < 0) {
        rc = stop;
        goto fail;
    }
    if (stop && n_chars == 0) {
        *flags = COLLATION_RANGE_ALL | COLLATION_RANGE_NO_HIGH;
        buf_deinit(&lits);
        return 0;
    }
    /* One weight per character: a key prefix then means a character prefix. */
    bool one_weight_per_char = c->kind != KIND_UCA;
    if (!stop) {
        /* No wildcard: the literal's one key, as the range [key, key 00). */
        if ((rc = collation_sortkey(c, low, lits.data, lits.len)) != 0 ||
            (low->len > low0 && (rc = buf_append(high, low->data + low0, low->len - low0)) != 0) ||
            (rc = buf_put_u8(high, 0)) != 0)
            goto fail;
        if (one_weight_per_char && c->pad == COLLATION_NO_PAD)
            *flags |= COLLATION_RANGE_EXACT; /* else 'a ' shares the key of 'a' */
        buf_deinit(&lits);
        return 0;
    }
    bool prefix_percent = stop == '%';
    for (size_t i = after; i < pattern_len && prefix_percent;) {
        struct lchar ch;
        prefix_percent = pattern_next(c, pattern, pattern_len, &i, escape, &ch) == '%';
    }
    bool exact = prefix_percent && one_weight_per_char;
    struct emit el = {low, 0}, eh = {high, 0};
    if (c->kind == KIND_BINARY) {
        emit_bytes(&el, lits.data, lits.len);
        emit_bytes(&eh, lits.data, lits.len);
        /* utf8mb4_0900_bin: a byte prefix is a character prefix only when
         * the prefix is whole characters. */
        if (c->charset->mbmaxlen > 1 && charset_validate(c->charset, lits.data, lits.len, NULL))
            exact = false;
    } else if (c->pad == COLLATION_NO_PAD) {
        /* The key starts with the level-1 weights, so the prefix's do. */
        struct wsrc w;
        uint32_t v;
        wsrc_init(&w, c, lits.data, lits.len, 0);
        while (wsrc_next(&w, &v)) {
            if (c->kind == KIND_UCA) {
                emit_u16(&el, v);
                emit_u16(&eh, v);
            } else {
                emit_unit(&el, v, wide_units(c));
                emit_unit(&eh, v, wide_units(c));
            }
        }
    } else {
        /* PAD SPACE, prefix X then k spaces: a matching string is X, at
         * least k spaces, then either the end (key: X's units, end), a
         * weight below S (X's units, units S) or one above (X's units,
         * units S + 2). So low is X's units and k units S, high follows X's
         * units and k units S + 2. */
        uint32_t S = space_weight(c);
        bool wide = wide_units(c);
        struct wsrc w;
        size_t spaces;
        wsrc_init(&w, c, lits.data, lits.len, 0);
        switch (c->kind) {
        case KIND_8BIT:
            pad_weights(&el, &w, KIND_8BIT, S, wide, &spaces);
            break;
        case KIND_GENERAL:
            pad_weights(&el, &w, KIND_GENERAL, S, wide, &spaces);
            break;
        case KIND_UNIBIN:
            pad_weights(&el, &w, KIND_UNIBIN, S, wide, &spaces);
            break;
        default:
            pad_weights(&el, &w, KIND_UCA, S, wide, &spaces);
            break;
        }
        if (el.rc == 0)
            emit_bytes(&eh, low->data + low0, low->len - low0);
        for (size_t k = 0; k < spaces; k++) {
            emit_unit(&el, S, wide);
            emit_unit(&eh, S + 2, wide);
        }
        if (spaces)
            exact = false; /* X alone has the key of X and k spaces */
    }
    if ((rc = el.rc ? el.rc : eh.rc) != 0)
        goto fail;
    if (!key_successor(high, high0))
        *flags |= COLLATION_RANGE_NO_HIGH;
    if (exact)
        *flags |= COLLATION_RANGE_EXACT;
    buf_deinit(&lits);
    return 0;
fail:
    low->len = low0;
    high->len = high0;
    buf_deinit(&lits);
    return rc;
}

/* ---- Coercibility ------------------------------------------------------------ */

const char *collation_derivation_name(enum collation_derivation d)
{
    static const char *const names[] = {"EXPLICIT",  "NONE",    "IMPLICIT", "SYSCONST",
                                        "COERCIBLE", "NUMERIC", "IGNORABLE"};
    return (unsigned)d < sizeof names / sizeof names[0] ? names[d] : "UNKNOWN";
}

static bool is_unicode(const struct collation *c)
{
    return c->charset->id == CHARSET_UTF8MB3 || c->charset->id == CHARSET_UTF8MB4;
}

static bool ascii_repertoire(const struct collation_dt *d)
{
    return d->ascii_only || d->coll->charset->id == CHARSET_ASCII;
}

/* MySQL's left_is_superset(): may right be converted to left's charset? */
static bool left_is_superset(const struct collation_dt *l, const struct collation_dt *r)
{
    if (is_unicode(l->coll) &&
        (l->deriv < r->deriv ||
         (l->deriv == r->deriv &&
          (!is_unicode(r->coll) ||
           (l->coll->charset->id == CHARSET_UTF8MB4 && r->coll->charset->id == CHARSET_UTF8MB3)))))
        return true;
    if (ascii_repertoire(r) &&
        (l->deriv < r->deriv || (l->deriv == r->deriv && !ascii_repertoire(l))))
        return true;
    return false;
}

int collation_aggregate(struct collation_dt *acc, const struct collation_dt *b)
{
    const struct collation *bin = collation_by_id(COLLATION_BINARY);
    if (acc->coll->charset != b->coll->charset) {
        if (acc->coll == bin) {
            if (acc->deriv > b->deriv)
                *acc = *b;
        } else if (b->coll == bin) {
            if (b->deriv <= acc->deriv)
                *acc = *b;
        } else if (left_is_superset(acc, b)) {
            /* acc stays */
        } else if (left_is_superset(b, acc)) {
            *acc = *b;
        } else if (acc->deriv < b->deriv && b->deriv >= COLLATION_SYSCONST) {
            /* acc stays: b is coercible to it */
        } else if (b->deriv < acc->deriv && acc->deriv >= COLLATION_SYSCONST) {
            *acc = *b;
        } else {
            acc->ascii_only = acc->ascii_only && b->ascii_only;
            acc->coll = bin;
            acc->deriv = COLLATION_NONE;
            return ERR_INVALID;
        }
        return 0;
    }
    if (acc->deriv < b->deriv)
        return 0;
    if (b->deriv < acc->deriv) {
        *acc = *b;
        return 0;
    }
    if (acc->coll == b->coll)
        return 0;
    if (acc->deriv == COLLATION_EXPLICIT) {
        acc->coll = NULL;
        acc->deriv = COLLATION_NONE;
        return ERR_INVALID;
    }
    if (acc->coll->binsort)
        return 0;
    if (b->coll->binsort) {
        *acc = *b;
        return 0;
    }
    acc->coll = charset_bin_collation(acc->coll->charset);
    acc->deriv = COLLATION_NONE;
    return 0;
}

static int agg_error(const struct collation_dt *ops, size_t n, const char *operation,
                     uint16_t *mysql_errno)
{
#define AGG_ARG(k) ops[k].coll->name, collation_derivation_name(ops[k].deriv)
    if (n == 2) {
        set_errno(mysql_errno, COLLATION_ER_CANT_AGGREGATE_2COLLATIONS);
        return err_set(ERR_INVALID,
                       "Illegal mix of collations (%s,%s) and (%s,%s) for operation '%s'",
                       AGG_ARG(0), AGG_ARG(1), operation);
    }
    if (n == 3) {
        set_errno(mysql_errno, COLLATION_ER_CANT_AGGREGATE_3COLLATIONS);
        return err_set(ERR_INVALID,
                       "Illegal mix of collations (%s,%s), (%s,%s), (%s,%s) for operation '%s'",
                       AGG_ARG(0), AGG_ARG(1), AGG_ARG(2), operation);
    }
#undef AGG_ARG
    set_errno(mysql_errno, COLLATION_ER_CANT_AGGREGATE_NCOLLATIONS);
    return err_set(ERR_INVALID, "Illegal mix of collations for operation '%s'", operation);
}

int collation_aggregate_n(const struct collation_dt *ops, size_t n, bool for_comparison,
                          const char *operation, struct collation_dt *out, uint16_t *mysql_errno)
{
    const struct collation *bin = collation_by_id(COLLATION_BINARY);
    bool unknown_cs = false;
    struct collation_dt acc = ops[0];
    for (size_t i = 1; i < n; i++) {
        if (collation_aggregate(&acc, &ops[i]) != 0) {
            if (acc.deriv == COLLATION_NONE && acc.coll == bin) {
                unknown_cs = true;
                continue;
            }
            return agg_error(ops, n, operation, mysql_errno);
        }
    }
    if ((unknown_cs && acc.deriv != COLLATION_EXPLICIT) ||
        (for_comparison && acc.deriv == COLLATION_NONE))
        return agg_error(ops, n, operation, mysql_errno);
    *out = acc;
    return 0;
}
