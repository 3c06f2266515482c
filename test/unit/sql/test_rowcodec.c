/*
 * test_rowcodec.c: tests of sql/rowcodec, the key and row value encodings.
 *
 *  - golden bytes of the README's tables;
 *  - round trips of random rows over every column type (every integer width
 *    signed and unsigned, decimals up to (65,30), FLOAT and DOUBLE with -0 and
 *    infinities, BIT, YEAR, every temporal type and fsp, strings of any bytes
 *    including zeros, ENUM, SET, JSON), with NULLs, decoding all columns, a
 *    subset, and columns the row does not have (defaults);
 *  - round trips of random keys (which columns come back and which are lossy);
 *  - the order property: for random pairs of values of each type, ascending
 *    and descending, and for random tuples of mixed types with shared
 *    prefixes and NULLs, memcmp order of the keys equals value_compare order
 *    (NULL first ascending, last descending);
 *  - ranges: for random indexes, rows and conditions (=, IS NULL, <, <=, >,
 *    >=, BETWEEN, out-of-domain integer bounds) the key range holds exactly
 *    the keys of the matching rows; LIKE ranges hold every match, and only
 *    matches when they say so;
 *  - damage: random mutations of valid rows and keys, and random bytes, never
 *    crash and give 0 or ERR_CORRUPT; a key that decodes exactly re-encodes
 *    to the same bytes;
 *  - refusals of values that do not belong to their columns.
 */
#include "sql/rowcodec.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "sql/collation.h"
#include "test.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state;

static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}

static void seed_rng(void) { rng_state = test_seed() | 1; }

/* ---- The column types under test -------------------------------------------- */

static const struct sql_member enum_members[] = {{"a", 1}, {"b", 1}, {"c", 1}, {"B2", 2}, {"x y", 3}};
static const struct sql_member set_members[] = {{"a", 1}, {"b", 1}, {"c", 1}, {"d", 1}};

enum { N_TYPES = 42 };
static struct sql_type types[N_TYPES];
static const char *type_names[N_TYPES];
static int n_types;
static bool keyable[N_TYPES];

static void add_type(const char *name, enum sql_type_id id, unsigned flags, int a, int b,
                     uint16_t coll, bool can_key)
{
    struct sql_type *t = &types[n_types];
    sql_type_init(t, id);
    t->flags = (uint16_t)flags;
    switch (id) {
    case SQL_TYPE_DECIMAL:
        t->precision = (uint8_t)a;
        t->scale = (uint8_t)b;
        break;
    case SQL_TYPE_TIME:
    case SQL_TYPE_DATETIME:
    case SQL_TYPE_TIMESTAMP:
        t->fsp = (uint8_t)a;
        break;
    case SQL_TYPE_ENUM:
        t->members = enum_members;
        t->n_members = 5;
        break;
    case SQL_TYPE_SET:
        t->members = set_members;
        t->n_members = 4;
        break;
    default:
        if (a)
            t->length = (uint32_t)a;
        break;
    }
    if (coll)
        t->coll = coll;
    type_names[n_types] = name;
    keyable[n_types] = can_key;
    n_types++;
}

static void init_types(void)
{
    if (n_types)
        return;
    add_type("tinyint", SQL_TYPE_TINYINT, 0, 0, 0, 0, true);
    add_type("tinyint unsigned", SQL_TYPE_TINYINT, SQL_TYPE_UNSIGNED, 0, 0, 0, true);
    add_type("smallint", SQL_TYPE_SMALLINT, 0, 0, 0, 0, true);
    add_type("smallint unsigned", SQL_TYPE_SMALLINT, SQL_TYPE_UNSIGNED, 0, 0, 0, true);
    add_type("mediumint", SQL_TYPE_MEDIUMINT, 0, 0, 0, 0, true);
    add_type("mediumint unsigned", SQL_TYPE_MEDIUMINT, SQL_TYPE_UNSIGNED, 0, 0, 0, true);
    add_type("int", SQL_TYPE_INT, 0, 0, 0, 0, true);
    add_type("int unsigned", SQL_TYPE_INT, SQL_TYPE_UNSIGNED, 0, 0, 0, true);
    add_type("bigint", SQL_TYPE_BIGINT, 0, 0, 0, 0, true);
    add_type("bigint unsigned", SQL_TYPE_BIGINT, SQL_TYPE_UNSIGNED, 0, 0, 0, true);
    add_type("decimal(5,2)", SQL_TYPE_DECIMAL, 0, 5, 2, 0, true);
    add_type("decimal(18,9)", SQL_TYPE_DECIMAL, 0, 18, 9, 0, true);
    add_type("decimal(65,30)", SQL_TYPE_DECIMAL, 0, 65, 30, 0, true);
    add_type("decimal(10,0)", SQL_TYPE_DECIMAL, 0, 10, 0, 0, true);
    add_type("float", SQL_TYPE_FLOAT, 0, 0, 0, 0, true);
    add_type("double", SQL_TYPE_DOUBLE, 0, 0, 0, 0, true);
    add_type("bit(1)", SQL_TYPE_BIT, 0, 1, 0, 0, true);
    add_type("bit(13)", SQL_TYPE_BIT, 0, 13, 0, 0, true);
    add_type("bit(64)", SQL_TYPE_BIT, 0, 64, 0, 0, true);
    add_type("year", SQL_TYPE_YEAR, 0, 0, 0, 0, true);
    add_type("date", SQL_TYPE_DATE, 0, 0, 0, 0, true);
    add_type("datetime", SQL_TYPE_DATETIME, 0, 0, 0, 0, true);
    add_type("datetime(3)", SQL_TYPE_DATETIME, 0, 3, 0, 0, true);
    add_type("datetime(6)", SQL_TYPE_DATETIME, 0, 6, 0, 0, true);
    add_type("timestamp", SQL_TYPE_TIMESTAMP, 0, 0, 0, 0, true);
    add_type("timestamp(6)", SQL_TYPE_TIMESTAMP, 0, 6, 0, 0, true);
    add_type("time", SQL_TYPE_TIME, 0, 0, 0, 0, true);
    add_type("time(4)", SQL_TYPE_TIME, 0, 4, 0, 0, true);
    add_type("time(6)", SQL_TYPE_TIME, 0, 6, 0, 0, true);
    add_type("char(10) 0900_ai_ci", SQL_TYPE_CHAR, 0, 10, 0, COLLATION_UTF8MB4_0900_AI_CI, true);
    add_type("varchar(40) general_ci", SQL_TYPE_VARCHAR, 0, 40, 0, COLLATION_UTF8MB4_GENERAL_CI,
             true);
    add_type("varchar(40) latin1_swedish_ci", SQL_TYPE_VARCHAR, 0, 40, 0,
             COLLATION_LATIN1_SWEDISH_CI, true);
    add_type("varbinary(40)", SQL_TYPE_VARBINARY, 0, 40, 0, 0, true);
    add_type("blob", SQL_TYPE_BLOB, 0, 0, 0, 0, true);
    add_type("text utf8mb4_bin", SQL_TYPE_TEXT, 0, 0, 0, COLLATION_UTF8MB4_BIN, true);
    add_type("varchar(40) 0900_bin", SQL_TYPE_VARCHAR, 0, 40, 0, COLLATION_UTF8MB4_0900_BIN, true);
    add_type("varchar(40) 0900_as_cs", SQL_TYPE_VARCHAR, 0, 40, 0, COLLATION_UTF8MB4_0900_AS_CS,
             true);
    add_type("binary(8)", SQL_TYPE_BINARY, 0, 8, 0, 0, true);
    add_type("enum", SQL_TYPE_ENUM, 0, 0, 0, COLLATION_UTF8MB4_GENERAL_CI, true);
    add_type("set", SQL_TYPE_SET, 0, 0, 0, COLLATION_UTF8MB4_GENERAL_CI, true);
    add_type("json", SQL_TYPE_JSON, 0, 0, 0, 0, false);
    add_type("int zerofill", SQL_TYPE_INT, SQL_TYPE_ZEROFILL, 0, 0, 0, true);
}

/* ---- Random values ------------------------------------------------------------ */

static const char *const utf8_pieces[] = {"a", "A", "b", "B", " ",  "\xc3\xa4", "\xc3\x84",
                                          "\xc3\x9f", "ss", "\xc3\xa9", "e", "\t", "z",
                                          "\xe2\x82\xac", "\xf0\x9f\x98\x80", "", "0"};
static const uint8_t latin1_bytes[] = {'a', 'A', 'b', ' ', 0xe4, 0xc4, 0xdf, 0x00, 0xff, 'z', '\t', 0xc5};
static const uint8_t bin_bytes[] = {0x00, 0x01, 0xfe, 0xff, 'a', 'b', ' '};

static struct value gen_string(const struct sql_type *t, struct arena *a)
{
    uint8_t buf[256];
    size_t n = 0;
    uint32_t maxb = sql_type_max_bytes(t);
    size_t pieces = rnd() % 12;
    if (t->id == SQL_TYPE_CHAR || t->id == SQL_TYPE_BINARY)
        pieces = rnd() % (t->length + 1);
    for (size_t i = 0; i < pieces; i++) {
        if (t->coll == COLLATION_BINARY) {
            buf[n++] = rnd() % 4 ? bin_bytes[rnd() % sizeof bin_bytes] : (uint8_t)rnd();
        } else if (t->coll == COLLATION_LATIN1_SWEDISH_CI) {
            buf[n++] = latin1_bytes[rnd() % sizeof latin1_bytes];
        } else {
            const char *p = utf8_pieces[rnd() % (sizeof utf8_pieces / sizeof *utf8_pieces)];
            if (rnd() % 16 == 0)
                p = "\0";
            size_t l = p[0] ? strlen(p) : (p == utf8_pieces[15] ? 0 : 1);
            memcpy(buf + n, p, l);
            n += l;
        }
        if (n > 200)
            break;
    }
    if (n > maxb)
        n = maxb;
    if (t->coll != COLLATION_BINARY && t->coll != COLLATION_LATIN1_SWEDISH_CI) {
        /* Keep UTF-8 whole after a cut. */
        size_t bad;
        while (n && charset_validate(charset_get(CHARSET_UTF8MB4), buf, n, &bad) != 0)
            n--;
    }
    uint8_t *p = arena_memdup(a, buf, n ? n : 1);
    return value_string(p, n, t->coll);
}

static struct value gen_temporal(const struct sql_type *t)
{
    struct datetime d;
    int fsp = t->id == SQL_TYPE_DATE ? 0 : t->fsp;
    static const uint32_t unit[] = {1000000, 100000, 10000, 1000, 100, 10, 1};
    if (t->id == SQL_TYPE_TIMESTAMP) {
        struct datetime_tz utc;
        datetime_tz_utc(&utc);
        if (rnd() % 16 == 0) {
            datetime_set_zero(&d, DATETIME_KIND_DATETIME);
        } else {
            int64_t sec = 1 + (int64_t)(rnd() % DATETIME_TS_MAX_SEC);
            if (rnd() % 8 == 0)
                sec = rnd() % 2 ? 1 : DATETIME_TS_MAX_SEC;
            int64_t us = sec * 1000000 + (int64_t)(rnd() % 1000000 / unit[fsp] * unit[fsp]);
            ASSERT_OK(datetime_tz_from_utc(&utc, us, &d));
        }
        return value_temporal(&d, fsp);
    }
    if (t->id == SQL_TYPE_TIME) {
        datetime_set_zero(&d, DATETIME_KIND_TIME);
        d.hour = (uint32_t)(rnd() % 839);
        d.minute = (uint8_t)(rnd() % 60);
        d.second = (uint8_t)(rnd() % 60);
        d.usec = (uint32_t)(rnd() % 1000000 / unit[fsp] * unit[fsp]);
        if (rnd() % 4 == 0)
            d.hour = (uint32_t)(rnd() % 3);
        if (d.hour == 838)
            d.usec = 0;
        d.neg = (uint8_t)(rnd() % 2);
        if (!d.hour && !d.minute && !d.second && !d.usec)
            d.neg = 0;
        return value_temporal(&d, fsp);
    }
    datetime_set_zero(&d, t->id == SQL_TYPE_DATE ? DATETIME_KIND_DATE : DATETIME_KIND_DATETIME);
    if (rnd() % 16) {
        d.year = (uint16_t)(rnd() % 4 ? 1900 + rnd() % 200 : rnd() % 10000);
        d.month = (uint8_t)(rnd() % 13);
        d.day = (uint8_t)(rnd() % 32);
        if (rnd() % 4) {
            d.month = (uint8_t)(1 + rnd() % 12);
            d.day = (uint8_t)(1 + rnd() % 28);
        }
        if (t->id != SQL_TYPE_DATE) {
            d.hour = (uint32_t)(rnd() % 24);
            d.minute = (uint8_t)(rnd() % 60);
            d.second = (uint8_t)(rnd() % 60);
            d.usec = (uint32_t)(rnd() % 1000000 / unit[fsp] * unit[fsp]);
        }
    }
    return value_temporal(&d, fsp);
}

static struct value gen_decimal(const struct sql_type *t)
{
    char s[80];
    size_t n = 0;
    int ip = (int)(rnd() % (t->precision - t->scale + 1));
    if (rnd() % 4 == 0)
        ip = t->precision - t->scale;
    if (rnd() % 2)
        s[n++] = '-';
    s[n++] = '0';
    for (int i = 0; i < ip; i++)
        s[n++] = (char)('0' + (i == 0 && rnd() % 4 == 0 ? 9 : rnd() % 10));
    if (t->scale) {
        s[n++] = '.';
        int fd = rnd() % 3 ? (int)(rnd() % (t->scale + 1u)) : t->scale;
        for (int i = 0; i < fd; i++)
            s[n++] = (char)('0' + rnd() % 10);
    }
    struct decimal d;
    ASSERT(decimal_from_str(&d, s, n, 0) >= 0);
    ASSERT_OK(decimal_fit(&d, t->precision, t->scale));
    return value_decimal(&d);
}

static struct value gen_value(const struct sql_type *t, struct arena *a)
{
    int64_t min;
    uint64_t max, u;
    switch (t->id) {
    case SQL_TYPE_TINYINT:
    case SQL_TYPE_SMALLINT:
    case SQL_TYPE_MEDIUMINT:
    case SQL_TYPE_INT:
    case SQL_TYPE_BIGINT: {
        sql_type_int_range(t, &min, &max);
        u = rnd();
        switch (rnd() % 8) {
        case 0:
            u = (uint64_t)min;
            break;
        case 1:
            u = max;
            break;
        case 2:
            u = rnd() % 5 - 2;
            break;
        default:
            break;
        }
        if (min == 0) {
            if (max != UINT64_MAX)
                u &= max;
            return value_uint(u);
        }
        int64_t x = (int64_t)u;
        if (max != (uint64_t)INT64_MAX) {
            int bits = max == 127 ? 8 : max == 32767 ? 16 : max == 8388607 ? 24 : 32;
            x = (int64_t)(u << (64 - bits)) >> (64 - bits);
        }
        if (rnd() % 8 == 0)
            return x >= 0 ? value_uint((uint64_t)x) : value_int(x); /* UINT for a signed column */
        return value_int(x);
    }
    case SQL_TYPE_DECIMAL:
        return gen_decimal(t);
    case SQL_TYPE_FLOAT:
    case SQL_TYPE_DOUBLE: {
        static const double special[] = {0.0, -0.0, 1.0, -1.0, HUGE_VAL, -HUGE_VAL, 0.5, 1e-300};
        double d;
        switch (rnd() % 4) {
        case 0:
            d = special[rnd() % 8];
            break;
        case 1:
            d = (double)((int64_t)(rnd() % 2001) - 1000) / 8;
            break;
        default:
            u = rnd();
            memcpy(&d, &u, 8);
            if (isnan(d))
                d = 2.0;
            break;
        }
        if (t->id == SQL_TYPE_FLOAT) {
            float f = (float)d;
            if (isnan(f))
                f = 1.0f;
            d = (double)f;
        }
        return value_double(d);
    }
    case SQL_TYPE_BIT:
        u = rnd();
        if (t->length < 64)
            u &= (UINT64_C(1) << t->length) - 1;
        return value_uint(u);
    case SQL_TYPE_YEAR:
        return value_int(rnd() % 8 == 0 ? 0 : 1901 + (int64_t)(rnd() % 255));
    case SQL_TYPE_DATE:
    case SQL_TYPE_DATETIME:
    case SQL_TYPE_TIMESTAMP:
    case SQL_TYPE_TIME:
        return gen_temporal(t);
    case SQL_TYPE_ENUM: {
        uint64_t i = rnd() % (t->n_members + 1);
        if (i == 0)
            return value_string("", 0, t->coll);
        return value_string(t->members[i - 1].ptr, t->members[i - 1].len, t->coll);
    }
    case SQL_TYPE_SET: {
        char *p = arena_alloc(a, 16), *o = p;
        uint64_t m = rnd() % 16;
        for (uint32_t i = 0; i < t->n_members; i++) {
            if (!(m >> i & 1))
                continue;
            if (o > p)
                *o++ = ',';
            memcpy(o, t->members[i].ptr, t->members[i].len);
            o += t->members[i].len;
        }
        return value_string(p, (size_t)(o - p), t->coll);
    }
    case SQL_TYPE_JSON: {
        size_t n = rnd() % 30;
        char *p = arena_alloc(a, n + 1);
        for (size_t i = 0; i < n; i++)
            p[i] = "{}[]\":,abc 123"[rnd() % 14];
        return value_string(p, n, t->coll);
    }
    default:
        return gen_string(t, a);
    }
}

/* ---- Comparing values ------------------------------------------------------------- */

/* Exactly the same value (doubles by their bits, decimals with their scale). */
static bool same_value(const struct value *a, const struct value *b)
{
    if (a->tag != b->tag) {
        /* An INT >= 0 given to an unsigned or a UINT to a signed column reads back in the
         * column's own signedness. */
        if (a->tag == VALUE_INT && b->tag == VALUE_UINT)
            return a->i >= 0 && (uint64_t)a->i == b->u;
        if (a->tag == VALUE_UINT && b->tag == VALUE_INT)
            return b->i >= 0 && (uint64_t)b->i == a->u;
        return false;
    }
    switch (a->tag) {
    case VALUE_NULL:
        return true;
    case VALUE_INT:
        return a->i == b->i;
    case VALUE_UINT:
        return a->u == b->u;
    case VALUE_DOUBLE:
        return memcmp(&a->d, &b->d, 8) == 0;
    case VALUE_DECIMAL:
        return decimal_cmp(&a->dec, &b->dec) == 0 && a->dec.scale == b->dec.scale &&
               a->dec.neg == b->dec.neg;
    case VALUE_STRING:
        return a->s.len == b->s.len && a->s.coll == b->s.coll &&
               (a->s.len == 0 || memcmp(a->s.ptr, b->s.ptr, a->s.len) == 0);
    case VALUE_TEMPORAL:
        return a->t.kind == b->t.kind && datetime_pack(&a->t) == datetime_pack(&b->t) &&
               a->fsp == b->fsp;
    }
    return false;
}

/* The order a column's values must have in keys: value_compare's, ENUM by index, SET by mask. */
static int expected_cmp(const struct sql_type *t, const struct value *a, const struct value *b)
{
    if (a->tag == VALUE_NULL || b->tag == VALUE_NULL)
        return (a->tag != VALUE_NULL) - (b->tag != VALUE_NULL);
    if (t->id == SQL_TYPE_ENUM) {
        uint32_t x = sql_type_enum_index(t, a->s.ptr, a->s.len);
        uint32_t y = sql_type_enum_index(t, b->s.ptr, b->s.len);
        return (x > y) - (x < y);
    }
    if (t->id == SQL_TYPE_SET) {
        uint64_t x, y;
        ASSERT_OK(sql_type_set_mask(t, a->s.ptr, a->s.len, &x));
        ASSERT_OK(sql_type_set_mask(t, b->s.ptr, b->s.len, &y));
        return (x > y) - (x < y);
    }
    struct value_cmp how = {0};
    if (sql_type_is_string(t)) {
        how.as = VALUE_CMP_STRING;
        how.coll = t->coll;
    }
    int r;
    int rc = value_compare(a, b, &how, &r);
    if (rc != 0)
        test_fail_(__FILE__, __LINE__, "value_compare: %d %s", rc, err_msg());
    return r;
}

static int keycmp(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    size_t n = an < bn ? an : bn;
    int c = n ? memcmp(a, b, n) : 0;
    if (c)
        return c < 0 ? -1 : 1;
    return (an > bn) - (an < bn);
}

static const char *hex(const uint8_t *p, size_t n)
{
    static char out[4][512];
    static int k;
    k = (k + 1) % 4;
    size_t o = 0;
    for (size_t i = 0; i < n && o + 4 < sizeof out[k]; i++)
        o += (size_t)snprintf(out[k] + o, sizeof out[k] - o, "%02x ", p[i]);
    out[k][o ? o - 1 : 0] = 0;
    return out[k];
}

/* ---- Golden bytes -------------------------------------------------------------------- */

static void key_of(const struct sql_type *t, bool desc, struct value v, struct buf *b)
{
    struct rowcodec_col c = {.id = 1, .type = t, .desc = desc};
    b->len = 0;
    ASSERT_OK(rowcodec_key_encode(&c, &v, 1, NULL, b));
}

#define BYTES(b, ...)                                                                              \
    do {                                                                                           \
        static const uint8_t want_[] = {__VA_ARGS__};                                              \
        if ((b)->len != sizeof want_ || memcmp((b)->data, want_, sizeof want_) != 0)               \
            test_fail_(__FILE__, __LINE__, "bytes %s, want %s", hex((b)->data, (b)->len),          \
                       hex(want_, sizeof want_));                                                  \
    } while (0)

TEST(golden_key_bytes)
{
    struct buf b;
    buf_init(&b);
    struct sql_type t;
    sql_type_init(&t, SQL_TYPE_INT);
    key_of(&t, false, value_int(1), &b);
    BYTES(&b, 0x01, 0x80, 0, 0, 0, 0, 0, 0, 0x01);
    key_of(&t, false, value_int(-1), &b);
    BYTES(&b, 0x01, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
    key_of(&t, true, value_int(1), &b);
    BYTES(&b, 0xfe, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe);
    key_of(&t, false, value_null(), &b);
    BYTES(&b, 0x00);
    key_of(&t, true, value_null(), &b);
    BYTES(&b, 0xff);
    t.flags = SQL_TYPE_UNSIGNED;
    key_of(&t, false, value_uint(258), &b);
    BYTES(&b, 0x01, 0, 0, 0, 0, 0, 0, 0x01, 0x02);
    sql_type_init(&t, SQL_TYPE_DOUBLE);
    key_of(&t, false, value_double(1.0), &b);
    BYTES(&b, 0x01, 0xbf, 0xf0, 0, 0, 0, 0, 0, 0);
    key_of(&t, false, value_double(-1.0), &b);
    BYTES(&b, 0x01, 0x40, 0x0f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
    key_of(&t, false, value_double(-0.0), &b);
    BYTES(&b, 0x01, 0x80, 0, 0, 0, 0, 0, 0, 0);
    sql_type_init(&t, SQL_TYPE_VARBINARY);
    t.length = 10;
    key_of(&t, false, value_string("a\0b", 3, COLLATION_BINARY), &b);
    BYTES(&b, 0x01, 'a', 0x00, 0xff, 'b', 0x00, 0x01);
    key_of(&t, false, value_string("", 0, COLLATION_BINARY), &b);
    BYTES(&b, 0x01, 0x00, 0x01);
    key_of(&t, true, value_string("a", 1, COLLATION_BINARY), &b);
    BYTES(&b, 0xfe, 0x9e, 0xff, 0xfe);
    sql_type_init(&t, SQL_TYPE_DECIMAL);
    t.precision = 5;
    t.scale = 2;
    struct decimal d;
    decimal_from_str(&d, "-1.5", 4, 0);
    key_of(&t, false, value_decimal(&d), &b);
    BYTES(&b, 0x01, 0x7f, 0xff, 0x6a); /* -150 in 3 bytes, top bit flipped */
    sql_type_init(&t, SQL_TYPE_DATE);
    struct datetime dt;
    datetime_from_str("2024-01-05", 10, 0, 0, NULL, &dt);
    key_of(&t, false, value_temporal(&dt, 0), &b);
    BYTES(&b, 0x01, 0x0f, 0xd0, 0x25); /* 5 + 1*32 + 2024*512 big-endian */
    sql_type_init(&t, SQL_TYPE_YEAR);
    key_of(&t, false, value_int(2024), &b);
    BYTES(&b, 0x01, 0x07, 0xe8);
    sql_type_init(&t, SQL_TYPE_ENUM);
    t.members = enum_members;
    t.n_members = 5;
    key_of(&t, false, value_string("c", 1, t.coll), &b);
    BYTES(&b, 0x01, 0x00, 0x03);
    /* A two-column key: (INT 1, VARBINARY 'x') then the row id. */
    struct sql_type ti, tb;
    sql_type_init(&ti, SQL_TYPE_INT);
    sql_type_init(&tb, SQL_TYPE_VARBINARY);
    tb.length = 5;
    struct rowcodec_col cols[2] = {{.id = 1, .type = &ti}, {.id = 2, .type = &tb}};
    struct value vals[2] = {value_int(1), value_string("x", 1, COLLATION_BINARY)};
    b.len = 0;
    ASSERT_OK(rowcodec_key_encode(cols, vals, 2, NULL, &b));
    ASSERT_OK(rowcodec_key_put_rowid(&b, 7));
    BYTES(&b, 0x01, 0x80, 0, 0, 0, 0, 0, 0, 0x01, 0x01, 'x', 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 7);
    struct value out[2];
    size_t used;
    uint64_t lossy;
    ASSERT_OK(rowcodec_key_decode(b.data, b.len, cols, 2, NULL, NULL, out, &lossy, &used));
    ASSERT_EQ(used, 13);
    ASSERT_EQ(lossy, 0);
    uint64_t rowid;
    ASSERT_OK(rowcodec_key_get_rowid(b.data + used, b.len - used, &rowid));
    ASSERT_EQ(rowid, 7);
    ASSERT_EQ(rowcodec_key_get_rowid(b.data, 5, &rowid), ERR_CORRUPT);
    buf_deinit(&b);
}

TEST(golden_row_bytes)
{
    struct buf b;
    buf_init(&b);
    struct sql_type ti, tu, ts, td, tf, tdt;
    sql_type_init(&ti, SQL_TYPE_INT);
    sql_type_init(&tu, SQL_TYPE_BIGINT);
    tu.flags = SQL_TYPE_UNSIGNED;
    sql_type_init(&ts, SQL_TYPE_VARCHAR);
    ts.length = 10;
    sql_type_init(&td, SQL_TYPE_DOUBLE);
    sql_type_init(&tf, SQL_TYPE_FLOAT);
    sql_type_init(&tdt, SQL_TYPE_DATETIME);
    tdt.fsp = 6;
    struct rowcodec_col cols[] = {{.id = 1, .type = &ti}, {.id = 2, .type = &tu},
                                  {.id = 3, .type = &ts}, {.id = 5, .type = &ti},
                                  {.id = 20, .type = &td}, {.id = 21, .type = &tf},
                                  {.id = 22, .type = &tdt}};
    struct datetime dt;
    datetime_from_str("2024-01-05 10:20:30.123456", 26, 0, 6, NULL, &dt);
    struct value vals[] = {value_int(-1),      value_uint(300),       value_string("hi", 2, 255),
                           value_null(),       value_double(1.0),     value_double(1.5),
                           value_temporal(&dt, 6)};
    ASSERT_OK(rowcodec_row_encode(cols, vals, 7, NULL, &b));
    BYTES(&b, 0x01,                                          /* format */
          0x09, 0x01,                                        /* id 1 varint, zigzag(-1) = 1 */
          0x11, 0xac, 0x02,                                  /* id 2 varint 300 */
          0x1c, 0x02, 'h', 'i',                              /* id 3 bytes "hi" */
          0x28,                                              /* id 5 NULL */
          0xa3, 0x01, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f,          /* id 20 fixed64 1.0 */
          0xaa, 0x01, 0, 0, 0xc0, 0x3f,                      /* id 21 fixed32 1.5f */
          0xb4, 0x01, 0x08, 0x99, 0xb2, 0x4a, 0xa5, 0x1e, 0x01, 0xe2, 0x40); /* id 22 DATETIME2(6) */
    buf_deinit(&b);
}

/* ---- Round trips ------------------------------------------------------------------------ */

TEST(row_round_trip)
{
    init_types();
    seed_rng();
    struct arena a, da;
    arena_init(&a, 0);
    arena_init(&da, 0);
    struct buf b;
    buf_init(&b);
    struct rowcodec_col cols[N_TYPES + 1], sub[N_TYPES + 1];
    struct value vals[N_TYPES + 1], out[N_TYPES + 1], defs[N_TYPES + 1], subv[N_TYPES + 1];
    for (int round = 0; round < 4000; round++) {
        arena_reset(&a);
        arena_reset(&da);
        size_t n = 0;
        uint32_t id = (uint32_t)(rnd() % 3);
        for (int i = 0; i < n_types; i++) {
            if (rnd() % 4 == 0)
                continue;
            id += 1 + (uint32_t)(rnd() % (rnd() % 8 == 0 ? 100000 : 3));
            cols[n] = (struct rowcodec_col){.id = id, .type = &types[i]};
            vals[n] = rnd() % 6 == 0 ? value_null() : gen_value(&types[i], &a);
            n++;
        }
        b.len = 0;
        int rc = rowcodec_row_encode(cols, vals, n, NULL, &b);
        if (rc)
            test_fail_(__FILE__, __LINE__, "encode: %s", err_msg());
        ASSERT_OK(rowcodec_row_decode(b.data, b.len, cols, n, NULL, NULL, &da, out));
        for (size_t i = 0; i < n; i++)
            if (!same_value(&vals[i], &out[i]))
                test_fail_(__FILE__, __LINE__, "round %d column %s: value changed", round,
                           type_names[cols[i].type - types]);
        /* A subset, plus ids the row does not have (added later): defaults. */
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            if (rnd() % 3 == 0) {
                uint32_t gap = i ? cols[i - 1].id + 1 : 0;
                if (gap < cols[i].id && rnd() % 2) {
                    sub[m] = (struct rowcodec_col){.id = gap, .type = &types[6]};
                    defs[m] = value_int(-77);
                    subv[m++] = value_int(-77);
                }
            }
            if (rnd() % 2) {
                sub[m] = cols[i];
                defs[m] = value_int(12345);
                subv[m++] = vals[i];
            }
        }
        sub[m] = (struct rowcodec_col){.id = id + 1, .type = &types[6]};
        defs[m] = value_int(99);
        subv[m++] = value_int(99);
        ASSERT_OK(rowcodec_row_decode(b.data, b.len, sub, m, defs, NULL, &da, out));
        for (size_t i = 0; i < m; i++)
            if (!same_value(&subv[i], &out[i]))
                test_fail_(__FILE__, __LINE__, "round %d subset column %zu (id %u) differs", round,
                           i, sub[i].id);
        /* No defaults: absent ids are NULL. */
        ASSERT_OK(rowcodec_row_decode(b.data, b.len, sub + m - 1, 1, NULL, NULL, &da, out));
        ASSERT_EQ(out[0].tag, VALUE_NULL);
    }
    /* An empty row. */
    b.len = 0;
    ASSERT_OK(rowcodec_row_encode(cols, vals, 0, NULL, &b));
    ASSERT_EQ(b.len, 1);
    cols[0] = (struct rowcodec_col){.id = 3, .type = &types[6]};
    defs[0] = value_int(5);
    ASSERT_OK(rowcodec_row_decode(b.data, b.len, cols, 1, defs, NULL, NULL, out));
    ASSERT_EQ(out[0].i, 5);
    buf_deinit(&b);
    arena_deinit(&a);
    arena_deinit(&da);
}

TEST(key_round_trip)
{
    init_types();
    seed_rng();
    struct arena a, da;
    arena_init(&a, 0);
    arena_init(&da, 0);
    struct buf b;
    buf_init(&b);
    struct rowcodec_col cols[6];
    struct value vals[6], out[6];
    for (int round = 0; round < 20000; round++) {
        arena_reset(&a);
        arena_reset(&da);
        size_t n = 1 + rnd() % 5;
        for (size_t i = 0; i < n; i++) {
            int k;
            do
                k = (int)(rnd() % (uint64_t)n_types);
            while (!keyable[k]);
            cols[i] = (struct rowcodec_col){.id = (uint32_t)i, .type = &types[k],
                                            .desc = rnd() % 2 == 0};
            vals[i] = rnd() % 6 == 0 ? value_null() : gen_value(&types[k], &a);
        }
        b.len = 0;
        if (rowcodec_key_encode(cols, vals, n, NULL, &b))
            test_fail_(__FILE__, __LINE__, "encode: %s", err_msg());
        size_t klen = b.len;
        ASSERT_OK(rowcodec_key_put_rowid(&b, rnd())); /* trailing bytes are not read */
        uint64_t lossy;
        size_t used;
        ASSERT_OK(rowcodec_key_decode(b.data, b.len, cols, n, NULL, &da, out, &lossy, &used));
        ASSERT_EQ(used, klen);
        for (size_t i = 0; i < n; i++) {
            bool exact = rowcodec_key_exact(&cols[i]);
            bool bit = (lossy >> i & 1) != 0;
            if (vals[i].tag == VALUE_NULL) {
                ASSERT(!bit);
                ASSERT_EQ(out[i].tag, VALUE_NULL);
            } else if (exact) {
                ASSERT(!bit);
                if (!same_value(&vals[i], &out[i]))
                    test_fail_(__FILE__, __LINE__, "round %d %s: key value changed", round,
                               type_names[cols[i].type - types]);
            } else {
                ASSERT(bit);
                if (out[i].tag != VALUE_NULL) /* FLOAT/DOUBLE: equal but for a zero's sign */
                    ASSERT_EQ(expected_cmp(cols[i].type, &vals[i], &out[i]), 0);
            }
        }
    }
    buf_deinit(&b);
    arena_deinit(&a);
    arena_deinit(&da);
}

/* ---- Order -------------------------------------------------------------------------------- */

TEST(key_order_single_columns)
{
    init_types();
    seed_rng();
    struct arena a;
    arena_init(&a, 0);
    struct buf ka, kb;
    buf_init(&ka);
    buf_init(&kb);
    for (int k = 0; k < n_types; k++) {
        if (!keyable[k])
            continue;
        for (int desc = 0; desc < 2; desc++) {
            struct rowcodec_col c = {.id = 1, .type = &types[k], .desc = desc};
            for (int i = 0; i < 6000; i++) {
                arena_reset(&a);
                struct value x = rnd() % 10 == 0 ? value_null() : gen_value(&types[k], &a);
                struct value y = rnd() % 10 == 0 ? value_null() : gen_value(&types[k], &a);
                if (rnd() % 8 == 0)
                    y = x;
                ka.len = kb.len = 0;
                ASSERT_OK(rowcodec_key_encode(&c, &x, 1, NULL, &ka));
                ASSERT_OK(rowcodec_key_encode(&c, &y, 1, NULL, &kb));
                int want = expected_cmp(&types[k], &x, &y);
                if (desc)
                    want = -want;
                int got = keycmp(ka.data, ka.len, kb.data, kb.len);
                if (got != want)
                    test_fail_(__FILE__, __LINE__, "%s%s: keys %s / %s compare %d, values %d",
                               type_names[k], desc ? " desc" : "", hex(ka.data, ka.len),
                               hex(kb.data, kb.len), got, want);
            }
        }
    }
    buf_deinit(&ka);
    buf_deinit(&kb);
    arena_deinit(&a);
}

TEST(key_order_tuples)
{
    init_types();
    seed_rng();
    struct arena a;
    arena_init(&a, 0);
    struct buf ka, kb;
    buf_init(&ka);
    buf_init(&kb);
    struct rowcodec_col cols[4];
    struct value x[4], y[4];
    for (int round = 0; round < 1500; round++) {
        size_t n = 2 + rnd() % 3;
        for (size_t i = 0; i < n; i++) {
            int k;
            do
                k = (int)(rnd() % (uint64_t)n_types);
            while (!keyable[k]);
            cols[i] = (struct rowcodec_col){.id = (uint32_t)i, .type = &types[k],
                                            .desc = rnd() % 3 == 0};
        }
        for (int pair = 0; pair < 60; pair++) {
            arena_reset(&a);
            size_t shared = rnd() % (n + 1);
            for (size_t i = 0; i < n; i++) {
                x[i] = rnd() % 8 == 0 ? value_null() : gen_value(cols[i].type, &a);
                y[i] = i < shared ? x[i]
                                  : (rnd() % 8 == 0 ? value_null() : gen_value(cols[i].type, &a));
            }
            /* A shorter tuple: a key prefix sorts before its extensions. */
            size_t ny = rnd() % 6 == 0 ? shared : n;
            ka.len = kb.len = 0;
            ASSERT_OK(rowcodec_key_encode(cols, x, n, NULL, &ka));
            ASSERT_OK(rowcodec_key_encode(cols, y, ny, NULL, &kb));
            int want = 0;
            for (size_t i = 0; i < ny && !want; i++) {
                want = expected_cmp(cols[i].type, &x[i], &y[i]);
                if (cols[i].desc)
                    want = -want;
            }
            if (!want && ny < n)
                want = 1;
            int got = keycmp(ka.data, ka.len, kb.data, kb.len);
            if (got != want)
                test_fail_(__FILE__, __LINE__, "round %d: tuple keys %s / %s compare %d, want %d",
                           round, hex(ka.data, ka.len), hex(kb.data, kb.len), got, want);
        }
    }
    buf_deinit(&ka);
    buf_deinit(&kb);
    arena_deinit(&a);
}

/*
 * Prefix index columns keep the order loosely, never the wrong way round, under collations
 * with one weight per character (not under UCA, where 'ß' is 'ss': see README).
 */
TEST(key_order_prefix_columns)
{
    init_types();
    seed_rng();
    struct arena a;
    arena_init(&a, 0);
    struct buf ka, kb;
    buf_init(&ka);
    buf_init(&kb);
    static const int string_types[] = {30, 31, 32, 35};
    for (int r = 0; r < 20000; r++) {
        arena_reset(&a);
        const struct sql_type *t = &types[string_types[rnd() % 4]];
        struct rowcodec_col c = {.id = 1, .type = t, .prefix_len = 1 + (uint32_t)(rnd() % 4)};
        struct value x = gen_value(t, &a), y = gen_value(t, &a);
        ka.len = kb.len = 0;
        ASSERT_OK(rowcodec_key_encode(&c, &x, 1, NULL, &ka));
        ASSERT_OK(rowcodec_key_encode(&c, &y, 1, NULL, &kb));
        int want = expected_cmp(t, &x, &y), got = keycmp(ka.data, ka.len, kb.data, kb.len);
        ASSERT(got == 0 || got == want);
        ASSERT(!rowcodec_key_exact(&c));
    }
    buf_deinit(&ka);
    buf_deinit(&kb);
    arena_deinit(&a);
}

/* ---- Ranges ---------------------------------------------------------------------------------- */

TEST(key_successor)
{
    struct buf b;
    buf_init(&b);
    buf_append(&b, "\x01\x02\xff\xff", 4);
    ASSERT(rowcodec_key_successor(&b));
    ASSERT_EQ(b.len, 2);
    ASSERT_EQ(b.data[1], 3);
    b.len = 0;
    buf_append(&b, "\xff\xff", 2);
    ASSERT(!rowcodec_key_successor(&b));
    ASSERT_EQ(b.len, 0);
    ASSERT(!rowcodec_key_successor(&b));
    buf_deinit(&b);
}

static bool in_range(const struct buf *k, const struct buf *low, const struct buf *high,
                     unsigned flags)
{
    if (keycmp(k->data, k->len, low->data, low->len) < 0)
        return false;
    return (flags & ROWCODEC_RANGE_NO_HIGH) || keycmp(k->data, k->len, high->data, high->len) < 0;
}

/* A bound: a value of the column's type, or for integer columns sometimes any 64-bit value. */
static struct value gen_bound(const struct sql_type *t, struct value *rows, size_t n_rows,
                              size_t col, size_t stride, struct arena *a)
{
    if (rnd() % 2 && n_rows)
        return rows[(rnd() % n_rows) * stride + col];
    if (sql_type_is_integer(t) && rnd() % 3 == 0)
        return rnd() % 2 ? value_int((int64_t)rnd() >> (rnd() % 64)) : value_uint(rnd());
    return gen_value(t, a);
}

TEST(key_ranges)
{
    init_types();
    seed_rng();
    struct arena a;
    arena_init(&a, 0);
    struct buf low, high;
    buf_init(&low);
    buf_init(&high);
    enum { ROWS = 150 };
    struct value rows[ROWS * 2];
    struct buf keys[ROWS];
    for (int i = 0; i < ROWS; i++)
        buf_init(&keys[i]);
    static const int first_types[] = {0, 1, 6, 7, 8, 9, 10, 14, 15, 19, 20, 22, 24, 27, 29, 30,
                                      31, 32, 35, 36, 37, 38};
    for (int round = 0; round < 400; round++) {
        arena_reset(&a);
        const struct sql_type *t0 = &types[first_types[rnd() % (sizeof first_types / sizeof(int))]];
        const struct sql_type *t1 = &types[rnd() % 2 ? 6 : 30];
        struct rowcodec_col cols[2] = {{.id = 1, .type = t0, .desc = rnd() % 2 == 0},
                                       {.id = 2, .type = t1, .desc = rnd() % 2 == 0}};
        for (int i = 0; i < ROWS; i++) {
            for (int c = 0; c < 2; c++) {
                if (i > 0 && rnd() % 3 == 0)
                    rows[i * 2 + c] = rows[(rnd() % (uint64_t)i) * 2 + c]; /* duplicates */
                else
                    rows[i * 2 + c] =
                        rnd() % 8 == 0 ? value_null() : gen_value(cols[c].type, &a);
            }
            keys[i].len = 0;
            ASSERT_OK(rowcodec_key_encode(cols, &rows[i * 2], 2, NULL, &keys[i]));
        }
        for (int q = 0; q < 150; q++) {
            struct value eq[1], lo, hi;
            struct rowcodec_range r = {.n_eq = rnd() % 3 == 0 ? 1 : 0, .eq = eq};
            if (r.n_eq) {
                eq[0] = rnd() % 10 == 0 ? value_null() : gen_bound(t0, rows, ROWS, 0, 2, &a);
                if (eq[0].tag != VALUE_NULL && sql_type_is_integer(t0) &&
                    (eq[0].tag == VALUE_UINT) != ((t0->flags & SQL_TYPE_UNSIGNED) != 0))
                    eq[0] = rows[(rnd() % ROWS) * 2]; /* equality values must fit */
            }
            size_t bc = r.n_eq;
            const struct sql_type *bt = cols[bc].type;
            int kind = (int)(rnd() % 4); /* 0: none, 1: lo, 2: hi, 3: both */
            if (kind & 1) {
                lo = gen_bound(bt, rows, ROWS, bc, 2, &a);
                r.lo = lo.tag == VALUE_NULL ? NULL : &lo;
                r.lo_incl = rnd() % 2;
            }
            if (kind & 2) {
                hi = gen_bound(bt, rows, ROWS, bc, 2, &a);
                r.hi = hi.tag == VALUE_NULL ? NULL : &hi;
                r.hi_incl = rnd() % 2;
            }
            unsigned flags;
            int rc = rowcodec_key_range(cols, 2, &r, NULL, &low, &high, &flags);
            if (rc)
                test_fail_(__FILE__, __LINE__, "range: %s", err_msg());
            for (int i = 0; i < ROWS; i++) {
                const struct value *row = &rows[i * 2];
                bool match = true;
                if (r.n_eq) {
                    if (eq[0].tag == VALUE_NULL)
                        match = row[0].tag == VALUE_NULL;
                    else
                        match = row[0].tag != VALUE_NULL && expected_cmp(t0, &row[0], &eq[0]) == 0;
                }
                const struct value *v = &row[bc];
                if (match && (r.lo || r.hi) && v->tag == VALUE_NULL)
                    match = false;
                if (match && r.lo) {
                    int c = expected_cmp(bt, v, r.lo);
                    match = c > 0 || (c == 0 && r.lo_incl);
                }
                if (match && r.hi) {
                    int c = expected_cmp(bt, v, r.hi);
                    match = c < 0 || (c == 0 && r.hi_incl);
                }
                bool in = in_range(&keys[i], &low, &high, flags);
                if (in != match)
                    test_fail_(__FILE__, __LINE__,
                               "%s%s: row %d key %s in [%s, %s) flags %u is %d, match %d (n_eq "
                               "%zu lo %d hi %d)",
                               type_names[t0 - types], cols[0].desc ? " desc" : "", i,
                               hex(keys[i].data, keys[i].len), hex(low.data, low.len),
                               hex(high.data, high.len), flags, in, match, r.n_eq, !!r.lo, !!r.hi);
                if ((flags & ROWCODEC_RANGE_EMPTY) && in)
                    test_fail_(__FILE__, __LINE__, "key inside an empty range");
            }
        }
    }
    for (int i = 0; i < ROWS; i++)
        buf_deinit(&keys[i]);
    buf_deinit(&low);
    buf_deinit(&high);
    arena_deinit(&a);
}

TEST(key_ranges_clipped_bounds)
{
    struct sql_type t;
    sql_type_init(&t, SQL_TYPE_TINYINT);
    t.flags = SQL_TYPE_UNSIGNED;
    struct rowcodec_col c = {.id = 1, .type = &t};
    struct buf low, high;
    buf_init(&low);
    buf_init(&high);
    unsigned flags;
    struct value lo = value_int(-5), hi = value_int(-1);
    struct rowcodec_range r = {.lo = &lo, .lo_incl = true};
    /* x >= -5 on an unsigned column: every non-NULL x, [01, +inf). */
    ASSERT_OK(rowcodec_key_range(&c, 1, &r, NULL, &low, &high, &flags));
    ASSERT_EQ(flags, ROWCODEC_RANGE_NO_HIGH);
    ASSERT_EQ(low.len, 1);
    ASSERT_EQ(low.data[0], 0x01);
    /* Descending: [FE, FF), the NULLs after. */
    c.desc = true;
    ASSERT_OK(rowcodec_key_range(&c, 1, &r, NULL, &low, &high, &flags));
    ASSERT_EQ(flags, 0);
    ASSERT_EQ(low.len, 1);
    ASSERT_EQ(low.data[0], 0xfe);
    ASSERT_EQ(high.len, 1);
    ASSERT_EQ(high.data[0], 0xff);
    c.desc = false;
    /* x < -1: nothing. */
    r = (struct rowcodec_range){.hi = &hi};
    ASSERT_OK(rowcodec_key_range(&c, 1, &r, NULL, &low, &high, &flags));
    ASSERT_EQ(flags, ROWCODEC_RANGE_EMPTY);
    /* Signed column, x > UINT64_MAX: nothing; x < UINT64_MAX: all non-NULL. */
    sql_type_init(&t, SQL_TYPE_BIGINT);
    lo = value_uint(UINT64_MAX);
    r = (struct rowcodec_range){.lo = &lo};
    ASSERT_OK(rowcodec_key_range(&c, 1, &r, NULL, &low, &high, &flags));
    ASSERT_EQ(flags, ROWCODEC_RANGE_EMPTY);
    r = (struct rowcodec_range){.hi = &lo};
    ASSERT_OK(rowcodec_key_range(&c, 1, &r, NULL, &low, &high, &flags));
    ASSERT_EQ(flags, ROWCODEC_RANGE_NO_HIGH);
    ASSERT_EQ(low.len, 1);
    /* TIMESTAMP beyond 2038: every non-NULL value; before 1970: nothing. */
    sql_type_init(&t, SQL_TYPE_TIMESTAMP);
    struct datetime d;
    datetime_from_str("2040-01-01 00:00:00", 19, 0, 0, NULL, &d);
    struct value late = value_temporal(&d, 0);
    datetime_from_str("1960-01-01 00:00:00", 19, 0, 0, NULL, &d);
    struct value early = value_temporal(&d, 0);
    r = (struct rowcodec_range){.hi = &late};
    ASSERT_OK(rowcodec_key_range(&c, 1, &r, NULL, &low, &high, &flags));
    ASSERT_EQ(flags, ROWCODEC_RANGE_NO_HIGH);
    ASSERT_EQ(low.len, 1);
    r = (struct rowcodec_range){.hi = &early};
    ASSERT_OK(rowcodec_key_range(&c, 1, &r, NULL, &low, &high, &flags));
    ASSERT_EQ(flags, ROWCODEC_RANGE_EMPTY);
    r = (struct rowcodec_range){.lo = &late};
    ASSERT_OK(rowcodec_key_range(&c, 1, &r, NULL, &low, &high, &flags));
    ASSERT_EQ(flags, ROWCODEC_RANGE_EMPTY);
    /* No condition at all: everything; and > NULL: nothing. */
    r = (struct rowcodec_range){0};
    ASSERT_OK(rowcodec_key_range(&c, 1, &r, NULL, &low, &high, &flags));
    ASSERT_EQ(flags, ROWCODEC_RANGE_NO_HIGH);
    ASSERT_EQ(low.len, 0);
    struct value nul = value_null();
    r = (struct rowcodec_range){.lo = &nul};
    ASSERT_OK(rowcodec_key_range(&c, 1, &r, NULL, &low, &high, &flags));
    ASSERT_EQ(flags, ROWCODEC_RANGE_EMPTY);
    r = (struct rowcodec_range){.n_eq = 1, .eq = &nul, .lo = &late};
    ASSERT_EQ(rowcodec_key_range(&c, 1, &r, NULL, &low, &high, &flags), ERR_INVALID);
    buf_deinit(&low);
    buf_deinit(&high);
}

TEST(key_like_ranges)
{
    init_types();
    seed_rng();
    struct arena a;
    arena_init(&a, 0);
    struct buf low, high;
    buf_init(&low);
    buf_init(&high);
    enum { ROWS = 200 };
    struct value rows[ROWS * 2];
    struct buf keys[ROWS];
    for (int i = 0; i < ROWS; i++)
        buf_init(&keys[i]);
    static const int string_types[] = {29, 30, 31, 32, 34, 35, 36};
    struct sql_type tint = types[6];
    int n_exact = 0;
    for (int round = 0; round < 300; round++) {
        arena_reset(&a);
        const struct sql_type *ts = &types[string_types[rnd() % 7]];
        bool with_eq = rnd() % 2;
        struct rowcodec_col cols[2] = {{.id = 1, .type = &tint, .desc = rnd() % 2 == 0},
                                       {.id = 2, .type = ts, .desc = rnd() % 2 == 0}};
        struct rowcodec_col *sc = with_eq ? &cols[0] : &cols[1];
        size_t ncols = with_eq ? 2 : 1;
        for (int i = 0; i < ROWS; i++) {
            rows[i * 2] = value_int((int64_t)(rnd() % 3));
            rows[i * 2 + 1] = rnd() % 10 == 0 ? value_null() : gen_value(ts, &a);
            keys[i].len = 0;
            ASSERT_OK(rowcodec_key_encode(sc, with_eq ? &rows[i * 2] : &rows[i * 2 + 1], ncols,
                                          NULL, &keys[i]));
        }
        for (int q = 0; q < 40; q++) {
            /* A pattern from a row's prefix, with a wildcard or not. */
            char pat[128];
            size_t pn = 0;
            const struct value *src = &rows[(rnd() % ROWS) * 2 + 1];
            if (src->tag == VALUE_STRING) {
                size_t take = src->s.len ? rnd() % (src->s.len + 1) : 0;
                for (size_t k = 0; k < take && pn < 100; k++) {
                    uint8_t ch = src->s.ptr[k];
                    if (ch == '%' || ch == '_' || ch == '\\')
                        pat[pn++] = '\\';
                    pat[pn++] = (char)ch;
                }
            }
            /* Keep UTF-8 whole. */
            if (ts->coll != COLLATION_BINARY && ts->coll != COLLATION_LATIN1_SWEDISH_CI) {
                size_t bad;
                while (pn && charset_validate(charset_get(CHARSET_UTF8MB4), (uint8_t *)pat, pn,
                                              &bad) != 0)
                    pn--;
            }
            switch (rnd() % 5) {
            case 0:
                break;
            case 1:
                pat[pn++] = '_';
                pat[pn++] = '%';
                break;
            case 2:
                memmove(pat + 1, pat, pn++);
                pat[0] = '%';
                break;
            default:
                pat[pn++] = '%';
                break;
            }
            struct value eqv = value_int((int64_t)(rnd() % 3));
            unsigned flags;
            int rc = rowcodec_key_like_range(sc, ncols, &eqv, with_eq ? 1 : 0, (uint8_t *)pat, pn,
                                             '\\', NULL, &low, &high, &flags);
            if (rc)
                test_fail_(__FILE__, __LINE__, "like range: %s", err_msg());
            const struct collation *coll = collation_by_id(ts->coll);
            n_exact += (flags & ROWCODEC_RANGE_EXACT) != 0;
            for (int i = 0; i < ROWS; i++) {
                const struct value *v = &rows[i * 2 + 1];
                bool eq_ok = !with_eq || rows[i * 2].i == eqv.i;
                bool like = eq_ok && v->tag == VALUE_STRING &&
                            collation_like(coll, v->s.ptr, v->s.len, (uint8_t *)pat, pn, '\\');
                bool in = in_range(&keys[i], &low, &high, flags);
                if (like && !in)
                    test_fail_(__FILE__, __LINE__, "%s%s: '%.*s' LIKE '%.*s' but key outside",
                               type_names[ts - types], sc[ncols - 1].desc ? " desc" : "",
                               (int)v->s.len, (const char *)v->s.ptr, (int)pn, pat);
                if (in && (flags & ROWCODEC_RANGE_EXACT) && !like)
                    test_fail_(__FILE__, __LINE__, "%s: key inside an exact range of '%.*s' but no "
                               "match", type_names[ts - types], (int)pn, pat);
                if (in && !eq_ok)
                    test_fail_(__FILE__, __LINE__, "key with another first column inside");
                if (in && v->tag == VALUE_NULL)
                    test_fail_(__FILE__, __LINE__, "NULL inside a LIKE range");
            }
        }
    }
    ASSERT(n_exact > 0);
    struct value iv = value_int(1);
    unsigned flags;
    ASSERT_EQ(rowcodec_key_like_range(&(struct rowcodec_col){.type = &tint}, 1, &iv, 0,
                                      (const uint8_t *)"a%", 2, '\\', NULL, &low, &high, &flags),
              ERR_INVALID);
    for (int i = 0; i < ROWS; i++)
        buf_deinit(&keys[i]);
    buf_deinit(&low);
    buf_deinit(&high);
    arena_deinit(&a);
}

/* ---- Damage ------------------------------------------------------------------------------------ */

static void mutate(struct buf *b)
{
    switch (rnd() % 5) {
    case 0: /* flip bits */
        if (b->len)
            b->data[rnd() % b->len] ^= (uint8_t)(1u << (rnd() % 8));
        break;
    case 1: /* random byte */
        if (b->len)
            b->data[rnd() % b->len] = (uint8_t)rnd();
        break;
    case 2: /* cut */
        if (b->len)
            b->len = rnd() % b->len;
        break;
    case 3: { /* insert */
        uint8_t x = (uint8_t)rnd();
        size_t at = b->len ? rnd() % b->len : 0;
        buf_put_u8(b, 0);
        memmove(b->data + at + 1, b->data + at, b->len - at - 1);
        b->data[at] = x;
        break;
    }
    default: /* delete */
        if (b->len) {
            size_t at = rnd() % b->len;
            memmove(b->data + at, b->data + at + 1, b->len - at - 1);
            b->len--;
        }
        break;
    }
}

TEST(corrupt_rows_and_keys)
{
    init_types();
    seed_rng();
    struct arena a, da;
    arena_init(&a, 0);
    arena_init(&da, 0);
    struct buf b, m, again;
    buf_init(&b);
    buf_init(&m);
    buf_init(&again);
    struct rowcodec_col cols[N_TYPES];
    struct value vals[N_TYPES], out[N_TYPES];
    long decoded = 0, refused = 0;
    for (int round = 0; round < 3000; round++) {
        arena_reset(&a);
        size_t n = 0;
        for (int i = 0; i < n_types; i++) {
            if (rnd() % 3 == 0)
                continue;
            cols[n] = (struct rowcodec_col){.id = (uint32_t)(i * 2 + 1), .type = &types[i]};
            vals[n] = rnd() % 6 == 0 ? value_null() : gen_value(&types[i], &a);
            n++;
        }
        b.len = 0;
        ASSERT_OK(rowcodec_row_encode(cols, vals, n, NULL, &b));
        for (int k = 0; k < 20; k++) {
            m.len = 0;
            buf_append(&m, b.data, b.len);
            for (int j = 1 + (int)(rnd() % 3); j > 0; j--)
                mutate(&m);
            /* Copy to an exact-size heap block so ASan sees any overread. */
            uint8_t *p = malloc(m.len ? m.len : 1);
            memcpy(p, m.data, m.len);
            arena_reset(&da);
            int rc = rowcodec_row_decode(p, m.len, cols, n, NULL, NULL, &da, out);
            if (rc != 0 && rc != ERR_CORRUPT)
                test_fail_(__FILE__, __LINE__, "row decode returned %d (%s)", rc, err_msg());
            rc ? refused++ : decoded++;
            free(p);
        }
        /* Keys: mutated keys decode or are refused; exact decodes re-encode to the same bytes. */
        size_t nk = 1 + rnd() % 4;
        struct rowcodec_col kc[4];
        for (size_t i = 0; i < nk; i++) {
            int t;
            do
                t = (int)(rnd() % (uint64_t)n_types);
            while (!keyable[t]);
            kc[i] = (struct rowcodec_col){.id = (uint32_t)i, .type = &types[t],
                                          .desc = rnd() % 2 == 0};
            vals[i] = rnd() % 6 == 0 ? value_null() : gen_value(&types[t], &a);
        }
        b.len = 0;
        ASSERT_OK(rowcodec_key_encode(kc, vals, nk, NULL, &b));
        for (int k = 0; k < 20; k++) {
            m.len = 0;
            buf_append(&m, b.data, b.len);
            mutate(&m);
            uint8_t *p = malloc(m.len ? m.len : 1);
            memcpy(p, m.data, m.len);
            arena_reset(&da);
            uint64_t lossy;
            size_t used;
            int rc = rowcodec_key_decode(p, m.len, kc, nk, NULL, &da, out, &lossy, &used);
            if (rc != 0 && rc != ERR_CORRUPT)
                test_fail_(__FILE__, __LINE__, "key decode returned %d (%s)", rc, err_msg());
            if (rc == 0) {
                ASSERT(used <= m.len);
                if (lossy == 0) {
                    again.len = 0;
                    ASSERT_OK(rowcodec_key_encode(kc, out, nk, NULL, &again));
                    if (again.len != used || memcmp(again.data, p, used) != 0)
                        test_fail_(__FILE__, __LINE__, "key %s decodes, re-encodes as %s",
                                   hex(p, used), hex(again.data, again.len));
                }
            }
            free(p);
        }
    }
    /* Random bytes. */
    for (int round = 0; round < 20000; round++) {
        size_t len = rnd() % 40;
        uint8_t *p = malloc(len ? len : 1);
        for (size_t i = 0; i < len; i++)
            p[i] = (uint8_t)(rnd() % 3 ? rnd() : rnd() % 4);
        if (len && rnd() % 2)
            p[0] = ROWCODEC_ROW_FORMAT;
        size_t n = 0;
        for (int i = 0; i < n_types && n < 8; i++) {
            if (rnd() % 4 == 0) {
                cols[n] = (struct rowcodec_col){.id = (uint32_t)(rnd() % 4 + n * 4),
                                                .type = &types[i]};
                n++;
            }
        }
        arena_reset(&da);
        int rc = rowcodec_row_decode(p, len, cols, n, NULL, NULL, &da, out);
        ASSERT(rc == 0 || rc == ERR_CORRUPT);
        uint64_t lossy;
        size_t used;
        size_t nk = 0;
        for (size_t i = 0; i < n; i++)
            if (keyable[cols[i].type - types])
                cols[nk++] = cols[i];
        rc = rowcodec_key_decode(p, len, cols, nk, NULL, &da, out, &lossy, &used);
        ASSERT(rc == 0 || rc == ERR_CORRUPT);
        free(p);
    }
    ASSERT(decoded > 0 && refused > 0);
    buf_deinit(&b);
    buf_deinit(&m);
    buf_deinit(&again);
    arena_deinit(&a);
    arena_deinit(&da);
}

/* ---- Refusals ------------------------------------------------------------------------------------- */

TEST(encode_refusals)
{
    struct buf b;
    buf_init(&b);
    struct sql_type t;
    struct rowcodec_col c = {.id = 1, .type = &t};
    struct value v;
    buf_append(&b, "xy", 2);

#define REFUSE(val, want)                                                                          \
    do {                                                                                           \
        v = (val);                                                                                 \
        ASSERT_EQ(rowcodec_row_encode(&c, &v, 1, NULL, &b), (want));                               \
        ASSERT_EQ(b.len, 2);                                                                       \
    } while (0)
#define KREFUSE(val, want)                                                                         \
    do {                                                                                           \
        v = (val);                                                                                 \
        ASSERT_EQ(rowcodec_key_encode(&c, &v, 1, NULL, &b), (want));                               \
        ASSERT_EQ(b.len, 2);                                                                       \
    } while (0)

    sql_type_init(&t, SQL_TYPE_TINYINT);
    REFUSE(value_int(128), ERR_INVALID);
    REFUSE(value_int(-129), ERR_INVALID);
    REFUSE(value_uint(UINT64_MAX), ERR_INVALID);
    REFUSE(value_double(1), ERR_INVALID);
    REFUSE(value_string("1", 1, 255), ERR_INVALID);
    KREFUSE(value_uint(UINT64_MAX), ERR_INVALID);
    t.flags = SQL_TYPE_UNSIGNED;
    REFUSE(value_int(-1), ERR_INVALID);
    REFUSE(value_uint(256), ERR_INVALID);
    KREFUSE(value_int(-1), ERR_INVALID);
    sql_type_init(&t, SQL_TYPE_DOUBLE);
    REFUSE(value_double(NAN), ERR_INVALID);
    KREFUSE(value_double(NAN), ERR_INVALID);
    REFUSE(value_int(1), ERR_INVALID);
    sql_type_init(&t, SQL_TYPE_DECIMAL);
    t.precision = 5;
    t.scale = 2;
    struct decimal d;
    decimal_from_str(&d, "1.234", 5, 0);
    REFUSE(value_decimal(&d), ERR_INVALID);
    KREFUSE(value_decimal(&d), ERR_INVALID);
    decimal_from_str(&d, "1234.5", 6, 0);
    REFUSE(value_decimal(&d), DECIMAL_OVERFLOW);
    sql_type_init(&t, SQL_TYPE_YEAR);
    REFUSE(value_int(1900), ERR_INVALID);
    KREFUSE(value_int(70000), ERR_INVALID);
    sql_type_init(&t, SQL_TYPE_BIT);
    t.length = 3;
    REFUSE(value_uint(8), ERR_INVALID);
    sql_type_init(&t, SQL_TYPE_ENUM);
    t.members = enum_members;
    t.n_members = 5;
    REFUSE(value_string("zz", 2, t.coll), ERR_INVALID);
    KREFUSE(value_string("zz", 2, t.coll), ERR_INVALID);
    REFUSE(value_uint(6), ERR_INVALID);
    sql_type_init(&t, SQL_TYPE_SET);
    t.members = set_members;
    t.n_members = 4;
    REFUSE(value_string("a,zz", 4, t.coll), ERR_INVALID);
    REFUSE(value_uint(16), ERR_INVALID);
    sql_type_init(&t, SQL_TYPE_VARCHAR);
    t.length = 2;
    REFUSE(value_string("abcdefghi", 9, t.coll), ERR_INVALID);
    REFUSE(value_int(1), ERR_INVALID);
    sql_type_init(&t, SQL_TYPE_JSON);
    KREFUSE(value_string("{}", 2, t.coll), ERR_UNSUPPORTED);
    sql_type_init(&t, SQL_TYPE_DATETIME);
    struct datetime dt;
    datetime_from_str("2024-01-05 10:20:30.5", 21, 0, 1, NULL, &dt);
    REFUSE(value_temporal(&dt, 1), ERR_INVALID); /* digits beyond fsp 0 */
    KREFUSE(value_temporal(&dt, 1), ERR_INVALID);
    sql_type_init(&t, SQL_TYPE_TIME);
    REFUSE(value_temporal(&dt, 0), ERR_INVALID); /* a DATETIME for a TIME column */
    sql_type_init(&t, SQL_TYPE_TIMESTAMP);
    t.fsp = 1;
    datetime_from_str("2040-01-05 10:20:30", 19, 0, 0, NULL, &dt);
    REFUSE(value_temporal(&dt, 0), DATETIME_OUT_OF_RANGE);

    /* Columns out of order. */
    struct sql_type ti;
    sql_type_init(&ti, SQL_TYPE_INT);
    struct rowcodec_col two[2] = {{.id = 5, .type = &ti}, {.id = 5, .type = &ti}};
    struct value vv[2] = {value_int(1), value_int(2)};
    ASSERT_EQ(rowcodec_row_encode(two, vv, 2, NULL, &b), ERR_INVALID);
    ASSERT_EQ(b.len, 2);
    ASSERT_EQ(rowcodec_row_decode((const uint8_t *)"\x01", 1, two, 2, NULL, NULL, NULL, vv),
              ERR_INVALID);
    /* Bad format byte, empty input, a SET without an arena. */
    two[1].id = 6;
    ASSERT_EQ(rowcodec_row_decode((const uint8_t *)"\x02", 1, two, 2, NULL, NULL, NULL, vv),
              ERR_CORRUPT);
    ASSERT_EQ(rowcodec_row_decode((const uint8_t *)"", 0, two, 2, NULL, NULL, NULL, vv),
              ERR_CORRUPT);
    /* Ids out of order in the bytes (6 then 5, while looking for 7). */
    two[1].id = 7;
    ASSERT_EQ(rowcodec_row_decode((const uint8_t *)"\x01\x31\x02\x29\x02", 5, two, 2, NULL, NULL,
                                  NULL, vv),
              ERR_CORRUPT);
    sql_type_init(&t, SQL_TYPE_SET);
    t.members = set_members;
    t.n_members = 4;
    c.id = 1;
    b.len = 0;
    v = value_string("a,b", 3, t.coll);
    ASSERT_OK(rowcodec_row_encode(&c, &v, 1, NULL, &b));
    ASSERT_EQ(rowcodec_row_decode(b.data, b.len, &c, 1, NULL, NULL, NULL, &v), ERR_INVALID);
    buf_deinit(&b);
#undef REFUSE
#undef KREFUSE
}

/* TIMESTAMP values are local; rows and keys hold UTC. */
TEST(timestamp_time_zones)
{
    struct sql_type t;
    sql_type_init(&t, SQL_TYPE_TIMESTAMP);
    t.fsp = 3;
    struct rowcodec_col c = {.id = 1, .type = &t};
    struct datetime_tz ist, utc;
    ASSERT_OK(datetime_tz_parse("+05:30", 6, &ist));
    datetime_tz_utc(&utc);
    struct datetime local, u;
    datetime_from_str("2024-01-05 10:20:30.123", 23, 0, 3, NULL, &local);
    datetime_from_str("2024-01-05 04:50:30.123", 23, 0, 3, NULL, &u);
    struct value vl = value_temporal(&local, 3), vu = value_temporal(&u, 3), out;
    struct buf a, b;
    buf_init(&a);
    buf_init(&b);
    ASSERT_OK(rowcodec_key_encode(&c, &vl, 1, &ist, &a));
    ASSERT_OK(rowcodec_key_encode(&c, &vu, 1, NULL, &b));
    ASSERT_EQ(a.len, b.len);
    ASSERT(memcmp(a.data, b.data, a.len) == 0);
    ASSERT_OK(rowcodec_key_decode(a.data, a.len, &c, 1, &ist, NULL, &out, NULL, NULL));
    ASSERT(same_value(&out, &vl));
    a.len = b.len = 0;
    ASSERT_OK(rowcodec_row_encode(&c, &vl, 1, &ist, &a));
    ASSERT_OK(rowcodec_row_encode(&c, &vu, 1, &utc, &b));
    ASSERT_EQ(a.len, b.len);
    ASSERT(memcmp(a.data, b.data, a.len) == 0);
    ASSERT_OK(rowcodec_row_decode(a.data, a.len, &c, 1, NULL, &ist, NULL, &out));
    ASSERT(same_value(&out, &vl));
    ASSERT_OK(rowcodec_row_decode(a.data, a.len, &c, 1, NULL, NULL, NULL, &out));
    ASSERT(same_value(&out, &vu));
    /* The zero timestamp stays zero in any zone. */
    datetime_set_zero(&local, DATETIME_KIND_DATETIME);
    vl = value_temporal(&local, 3);
    a.len = 0;
    ASSERT_OK(rowcodec_row_encode(&c, &vl, 1, &ist, &a));
    ASSERT_OK(rowcodec_row_decode(a.data, a.len, &c, 1, NULL, &ist, NULL, &out));
    ASSERT(same_value(&out, &vl));
    buf_deinit(&a);
    buf_deinit(&b);
}
