/*
 * rowcodec.c: key and row value encodings (byte tables in README.md, "Rows
 * and keys").
 *
 * Keys: per column a marker (00 NULL, 01 value) and a self-delimiting
 * payload whose memcmp order is the value order: 8-byte big-endian integers
 * with the sign bit flipped, IEEE doubles with the sign handled, decimal.h's
 * and datetime.h's key forms, ENUM indexes and SET masks as big-endian
 * integers, strings as the collation's sort key escaped (00 -> 00 FF) and
 * terminated (00 01). A descending column has every one of its bytes
 * inverted, which reverses its order because each encoding is prefix-free.
 * Strings are escaped in place: the sort key is appended to the output and
 * then spread backwards over the room its zero bytes need, so no scratch
 * buffer is allocated.
 *
 * Row values: a format byte, then per column a varint tag (id << 3 | wire
 * type) and a payload whose length the wire type gives (NULL: none; varint;
 * 4 or 8 fixed bytes; length-prefixed bytes). The decoder walks the tags in
 * step with the sorted list of columns asked for, skipping the others by
 * wire type alone.
 */
#include "sql/rowcodec.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/coding.h"
#include "base/err.h"
#include "sql/collation.h"
#include "sql/datetime.h"
#include "sql/decimal.h"

#include <math.h>
#include <string.h>

/* Wire types of row value tags. */
enum {
    WIRE_NULL = 0,    /* No payload: the column is NULL. */
    WIRE_VARINT = 1,  /* A LEB128 varint (integers zig-zagged when signed). */
    WIRE_FIXED32 = 2, /* 4 bytes little-endian (FLOAT). */
    WIRE_FIXED64 = 3, /* 8 bytes little-endian (DOUBLE). */
    WIRE_BYTES = 4,   /* A varint length, then that many bytes. */
};

#define KEY_NULL 0x00  /* Marker of a NULL key column. */
#define KEY_VALUE 0x01 /* Marker of a non-NULL key column. */

static const struct datetime_tz *tz_or_utc(const struct datetime_tz *tz, struct datetime_tz *utc)
{
    if (tz)
        return tz;
    datetime_tz_utc(utc);
    return utc;
}

/* True when a collation's sort key is the string's bytes (NO PAD, byte order). */
static bool coll_identity(uint16_t id)
{
    return id == COLLATION_BINARY || id == COLLATION_UTF8MB4_0900_BIN;
}

static bool is_text_type(const struct sql_type *t)
{
    return t->id >= SQL_TYPE_CHAR && t->id <= SQL_TYPE_LONGBLOB;
}

/* ---- Values of a column's domain ------------------------------------------ */

/* An integer value as int64 (signed columns): INT, or UINT that fits. */
static int get_i64(const struct value *v, int64_t *x)
{
    if (v->tag == VALUE_INT) {
        *x = v->i;
        return 0;
    }
    if (v->tag == VALUE_UINT && v->u <= (uint64_t)INT64_MAX) {
        *x = (int64_t)v->u;
        return 0;
    }
    return err_set(ERR_INVALID, "integer value expected for a signed column");
}

static int get_u64(const struct value *v, uint64_t *x)
{
    if (v->tag == VALUE_UINT) {
        *x = v->u;
        return 0;
    }
    if (v->tag == VALUE_INT && v->i >= 0) {
        *x = (uint64_t)v->i;
        return 0;
    }
    return err_set(ERR_INVALID, "non-negative integer value expected for an unsigned column");
}

static bool valid_year(uint64_t y) { return y == 0 || (y >= 1901 && y <= 2155); }

/* ENUM: the index of a value (a member's text, or the index itself). */
static int enum_index(const struct sql_type *t, const struct value *v, uint64_t *idx)
{
    if (v->tag == VALUE_STRING) {
        *idx = sql_type_enum_index(t, v->s.ptr, v->s.len);
        if (*idx == 0 && v->s.len)
            return err_set(ERR_INVALID, "'%.*s' is not a member of the ENUM", (int)v->s.len,
                           (const char *)v->s.ptr);
        return 0;
    }
    if (get_u64(v, idx) || *idx > t->n_members)
        return err_set(ERR_INVALID, "ENUM index out of range");
    return 0;
}

static uint64_t set_all(const struct sql_type *t)
{
    return t->n_members >= 64 ? UINT64_MAX : (UINT64_C(1) << t->n_members) - 1;
}

static int set_mask(const struct sql_type *t, const struct value *v, uint64_t *mask)
{
    if (v->tag == VALUE_STRING)
        return sql_type_set_mask(t, v->s.ptr, v->s.len, mask);
    if (get_u64(v, mask) || (*mask & ~set_all(t)))
        return err_set(ERR_INVALID, "SET value out of range");
    return 0;
}

/*
 * The datetime.h int64 of a temporal value for a column (packed, or UTC
 * microseconds for TIMESTAMP).
 */
static int temporal_v(const struct sql_type *t, const struct value *v,
                      const struct datetime_tz *tz, int64_t *out)
{
    struct datetime_tz utc;
    if (v->tag != VALUE_TEMPORAL)
        return err_set(ERR_INVALID, "temporal value expected");
    bool is_time = v->t.kind == DATETIME_KIND_TIME;
    if ((t->id == SQL_TYPE_TIME) != is_time)
        return err_set(ERR_INVALID, "a %s value for a %s column", is_time ? "TIME" : "date",
                       is_time ? "date" : "TIME");
    if (t->id == SQL_TYPE_TIMESTAMP)
        return datetime_ts_from_local(tz_or_utc(tz, &utc), &v->t, out);
    *out = datetime_pack(&v->t);
    return 0;
}

/*
 * A cheap check before datetime.h's decoders: every DATETIME's 5-byte
 * integer part is 0x8000000000 + a non-negative number, so its first byte
 * is at least 0x80. (datetime.c's decoder overflows a signed addition on
 * bytes below that; this keeps damaged input away from it.)
 */
static bool datetime_bytes_plausible(enum datetime_type dt, const uint8_t *p)
{
    return dt != DATETIME_TYPE_DATETIME || p[0] >= 0x80;
}

/* A temporal value from a column's int64. */
static void temporal_value(const struct sql_type *t, int64_t x, const struct datetime_tz *tz,
                           struct value *out)
{
    struct datetime_tz utc;
    struct datetime dt;
    if (t->id == SQL_TYPE_TIMESTAMP)
        datetime_ts_to_local(tz_or_utc(tz, &utc), x, &dt);
    else
        datetime_unpack(x, t->id == SQL_TYPE_DATE   ? DATETIME_KIND_DATE
                           : t->id == SQL_TYPE_TIME ? DATETIME_KIND_TIME
                                                    : DATETIME_KIND_DATETIME,
                        &dt);
    *out = value_temporal(&dt, t->id == SQL_TYPE_DATE ? 0 : t->fsp);
}

/* A SET mask as its members joined by ',' in an arena. */
static int set_string(const struct sql_type *t, uint64_t mask, struct arena *a, struct value *out)
{
    size_t n = 0;
    for (uint32_t i = 0; i < t->n_members && i < 64; i++)
        if (mask >> i & 1)
            n += t->members[i].len + (n > 0);
    if (n == 0) {
        *out = value_string("", 0, t->coll);
        return 0;
    }
    if (!a)
        return err_set(ERR_INVALID, "decoding a SET value needs an arena");
    char *p = arena_alloc(a, n), *o = p;
    if (!p)
        return err_set(ERR_NOMEM, "decoding a SET value: out of memory");
    for (uint32_t i = 0; i < t->n_members && i < 64; i++) {
        if (!(mask >> i & 1))
            continue;
        if (o > p)
            *o++ = ',';
        memcpy(o, t->members[i].ptr, t->members[i].len);
        o += t->members[i].len;
    }
    *out = value_string(p, n, t->coll);
    return 0;
}

static void enum_value(const struct sql_type *t, uint64_t idx, struct value *out)
{
    if (idx == 0)
        *out = value_string("", 0, t->coll);
    else
        *out = value_string(t->members[idx - 1].ptr, t->members[idx - 1].len, t->coll);
}

/* ---- Keys ------------------------------------------------------------------ */

/* Appends s[0..len) escaped (00 -> 00 FF) and terminated (00 01). */
static int put_escaped(struct buf *out, const uint8_t *s, size_t len)
{
    size_t z = 0;
    for (size_t i = 0; i < len; i++)
        z += s[i] == 0;
    if (buf_reserve(out, len + z + 2))
        return ERR_NOMEM;
    uint8_t *o = out->data + out->len;
    if (z == 0) {
        memcpy(o, s, len);
        o += len;
    } else {
        for (size_t i = 0; i < len; i++) {
            *o++ = s[i];
            if (s[i] == 0)
                *o++ = 0xff;
        }
    }
    *o++ = 0x00;
    *o++ = 0x01;
    out->len = (size_t)(o - out->data);
    return 0;
}

/* Escapes out[from..len) in place (after a sort key was appended there) and terminates it. */
static int escape_in_place(struct buf *out, size_t from)
{
    size_t k = out->len - from, z = 0;
    for (size_t i = from; i < out->len; i++)
        z += out->data[i] == 0;
    if (buf_reserve(out, z + 2))
        return ERR_NOMEM;
    if (z) {
        uint8_t *d = out->data;
        size_t src = from + k, dst = from + k + z;
        while (src > from) {
            uint8_t b = d[--src];
            if (b == 0)
                d[--dst] = 0xff;
            d[--dst] = b;
        }
    }
    out->len += z;
    out->data[out->len++] = 0x00;
    out->data[out->len++] = 0x01;
    return 0;
}

/* Appends one column's key bytes. */
static int key_put(const struct rowcodec_col *c, const struct value *v,
                   const struct datetime_tz *tz, struct buf *out)
{
    const struct sql_type *t = c->type;
    size_t start = out->len;
    uint8_t tmp[DECIMAL_KEY_MAX > 8 ? DECIMAL_KEY_MAX : 8];
    int rc = 0;
    int64_t x;
    uint64_t u;

    if (v->tag == VALUE_NULL)
        return buf_put_u8(out, c->desc ? (uint8_t)~KEY_NULL : KEY_NULL);
    if ((rc = buf_put_u8(out, KEY_VALUE)))
        return rc;
    switch (t->id) {
    case SQL_TYPE_TINYINT:
    case SQL_TYPE_SMALLINT:
    case SQL_TYPE_MEDIUMINT:
    case SQL_TYPE_INT:
    case SQL_TYPE_BIGINT:
        if (t->flags & (SQL_TYPE_UNSIGNED | SQL_TYPE_ZEROFILL)) {
            if ((rc = get_u64(v, &u)))
                break;
        } else {
            if ((rc = get_i64(v, &x)))
                break;
            u = (uint64_t)x ^ (UINT64_C(1) << 63);
        }
        be64_put(tmp, u);
        rc = buf_append(out, tmp, 8);
        break;
    case SQL_TYPE_BIT:
        if ((rc = get_u64(v, &u)))
            break;
        be64_put(tmp, u);
        rc = buf_append(out, tmp, 8);
        break;
    case SQL_TYPE_YEAR:
        if ((rc = get_u64(v, &u)))
            break;
        if (u > 0xffff) {
            rc = err_set(ERR_INVALID, "YEAR value %llu out of range", (unsigned long long)u);
            break;
        }
        be16_put(tmp, (uint16_t)u);
        rc = buf_append(out, tmp, 2);
        break;
    case SQL_TYPE_FLOAT:
    case SQL_TYPE_DOUBLE: {
        if (v->tag != VALUE_DOUBLE || isnan(v->d)) {
            rc = err_set(ERR_INVALID, "a DOUBLE value (not NaN) expected");
            break;
        }
        double d = v->d == 0 ? 0.0 : v->d; /* -0 is 0 in an index, as MySQL compares them. */
        memcpy(&u, &d, 8);
        u = (u >> 63) ? ~u : u ^ (UINT64_C(1) << 63);
        be64_put(tmp, u);
        rc = buf_append(out, tmp, 8);
        break;
    }
    case SQL_TYPE_DECIMAL: {
        struct decimal d;
        if (v->tag == VALUE_DECIMAL)
            d = v->dec;
        else if (v->tag == VALUE_INT)
            decimal_from_int64(&d, v->i);
        else if (v->tag == VALUE_UINT)
            decimal_from_uint64(&d, v->u);
        else {
            rc = err_set(ERR_INVALID, "a DECIMAL value expected");
            break;
        }
        if ((rc = decimal_key_put(&d, t->precision, t->scale, tmp)) != 0) {
            if (rc > 0)
                rc = ERR_INVALID;
            break;
        }
        rc = buf_append(out, tmp, decimal_key_size(t->precision));
        break;
    }
    case SQL_TYPE_DATE:
    case SQL_TYPE_DATETIME:
    case SQL_TYPE_TIMESTAMP:
    case SQL_TYPE_TIME: {
        enum datetime_type dt = sql_type_datetime_type(t);
        int fsp = t->id == SQL_TYPE_DATE ? 0 : t->fsp;
        if ((rc = temporal_v(t, v, tz, &x)) != 0)
            break;
        if ((rc = datetime_key_put(dt, fsp, x, tmp)) != 0)
            break;
        rc = buf_append(out, tmp, datetime_key_size(dt, fsp));
        break;
    }
    case SQL_TYPE_ENUM:
        if ((rc = enum_index(t, v, &u)))
            break;
        be16_put(tmp, (uint16_t)u);
        rc = buf_append(out, tmp, 2);
        break;
    case SQL_TYPE_SET:
        if ((rc = set_mask(t, v, &u)))
            break;
        be64_put(tmp, u);
        rc = buf_append(out, tmp, 8);
        break;
    case SQL_TYPE_JSON:
        rc = err_set(ERR_UNSUPPORTED, "a JSON column cannot be part of a key");
        break;
    default:
        if (!is_text_type(t)) {
            rc = err_set(ERR_INVALID, "a column of type %u cannot hold a value", t->id);
            break;
        }
        if (v->tag != VALUE_STRING) {
            rc = err_set(ERR_INVALID, "a string value expected");
            break;
        }
        const struct collation *coll = collation_by_id(t->coll);
        if (!coll) {
            rc = err_set(ERR_INVALID, "unknown collation %u", t->coll);
            break;
        }
        size_t len = v->s.len;
        if (c->prefix_len)
            len = charset_char_offset(coll->charset, v->s.ptr, len, c->prefix_len);
        if (coll_identity(t->coll)) {
            rc = put_escaped(out, v->s.ptr, len);
        } else {
            size_t from = out->len;
            if (!(rc = collation_sortkey(coll, out, v->s.ptr, len)))
                rc = escape_in_place(out, from);
        }
        break;
    }
    if (rc) {
        out->len = start;
        return rc;
    }
    if (c->desc)
        for (size_t i = start; i < out->len; i++)
            out->data[i] = (uint8_t)~out->data[i];
    return 0;
}

int rowcodec_key_encode(const struct rowcodec_col *cols, const struct value *vals, size_t n,
                        const struct datetime_tz *tz, struct buf *out)
{
    size_t start = out->len;
    for (size_t i = 0; i < n; i++) {
        int rc = key_put(&cols[i], &vals[i], tz, out);
        if (rc) {
            out->len = start;
            return err_prefix(rc, "key column %zu", i);
        }
    }
    return 0;
}

bool rowcodec_key_exact(const struct rowcodec_col *col)
{
    const struct sql_type *t = col->type;
    if (t->id == SQL_TYPE_FLOAT || t->id == SQL_TYPE_DOUBLE || t->id == SQL_TYPE_JSON)
        return false;
    if (is_text_type(t))
        return coll_identity(t->coll) && col->prefix_len == 0;
    return true;
}

static int corrupt(size_t col, const char *what)
{
    return err_set(ERR_CORRUPT, "key column %zu: %s", col, what);
}

/* Reads n fixed bytes of a column (inverted back for DESC) into tmp. */
static int key_fixed(const uint8_t **p, const uint8_t *end, size_t n, bool desc, uint8_t *tmp)
{
    if ((size_t)(end - *p) < n)
        return ERR_CORRUPT;
    for (size_t i = 0; i < n; i++)
        tmp[i] = desc ? (uint8_t)~(*p)[i] : (*p)[i];
    *p += n;
    return 0;
}

/* Decodes one key column at *p. */
static int key_get(size_t ci, const struct rowcodec_col *c, const uint8_t **pp,
                   const uint8_t *end, const struct datetime_tz *tz, struct arena *a,
                   struct value *out, bool *lossy)
{
    const struct sql_type *t = c->type;
    const uint8_t *p = *pp;
    uint8_t inv = c->desc ? 0xff : 0x00;
    uint8_t tmp[DECIMAL_KEY_MAX > 8 ? DECIMAL_KEY_MAX : 8];
    int64_t min;
    uint64_t max, u;
    int rc;

    *lossy = false;
    *out = value_null();
    if (p >= end)
        return corrupt(ci, "key ends early");
    uint8_t m = *p++ ^ inv;
    if (m == KEY_NULL) {
        *pp = p;
        return 0;
    }
    if (m != KEY_VALUE)
        return corrupt(ci, "bad marker byte");

    switch (t->id) {
    case SQL_TYPE_TINYINT:
    case SQL_TYPE_SMALLINT:
    case SQL_TYPE_MEDIUMINT:
    case SQL_TYPE_INT:
    case SQL_TYPE_BIGINT:
        if (key_fixed(&p, end, 8, c->desc, tmp))
            return corrupt(ci, "short integer");
        u = be64_get(tmp);
        sql_type_int_range(t, &min, &max);
        if (t->flags & (SQL_TYPE_UNSIGNED | SQL_TYPE_ZEROFILL)) {
            if (u > max)
                return corrupt(ci, "integer out of the type's range");
            *out = value_uint(u);
        } else {
            int64_t x = (int64_t)(u ^ (UINT64_C(1) << 63));
            if (x < min || (x > 0 && (uint64_t)x > max))
                return corrupt(ci, "integer out of the type's range");
            *out = value_int(x);
        }
        break;
    case SQL_TYPE_BIT:
        if (key_fixed(&p, end, 8, c->desc, tmp))
            return corrupt(ci, "short BIT");
        u = be64_get(tmp);
        if (t->length < 64 && (u >> t->length))
            return corrupt(ci, "BIT value too wide");
        *out = value_uint(u);
        break;
    case SQL_TYPE_YEAR:
        if (key_fixed(&p, end, 2, c->desc, tmp))
            return corrupt(ci, "short YEAR");
        u = be16_get(tmp);
        if (!valid_year(u))
            return corrupt(ci, "bad YEAR");
        *out = value_int((int64_t)u);
        break;
    case SQL_TYPE_FLOAT:
    case SQL_TYPE_DOUBLE: {
        double d;
        if (key_fixed(&p, end, 8, c->desc, tmp))
            return corrupt(ci, "short DOUBLE");
        u = be64_get(tmp);
        u = (u >> 63) ? u ^ (UINT64_C(1) << 63) : ~u;
        memcpy(&d, &u, 8);
        if (isnan(d) || (d == 0 && signbit(d)))
            return corrupt(ci, "bad DOUBLE");
        if (t->id == SQL_TYPE_FLOAT && !isinf(d) && (double)(float)d != d)
            return corrupt(ci, "FLOAT value is not a float");
        *out = value_double(d);
        *lossy = true; /* The sign of a zero is not kept. */
        break;
    }
    case SQL_TYPE_DECIMAL: {
        size_t n = decimal_key_size(t->precision);
        struct decimal d;
        if (n == 0)
            return err_set(ERR_INVALID, "key column %zu: bad DECIMAL type", ci);
        if (key_fixed(&p, end, n, c->desc, tmp))
            return corrupt(ci, "short DECIMAL");
        if ((rc = decimal_key_get(&d, t->precision, t->scale, tmp, n)) != 0)
            return rc == ERR_INVALID ? rc : corrupt(ci, "bad DECIMAL");
        *out = value_decimal(&d);
        break;
    }
    case SQL_TYPE_DATE:
    case SQL_TYPE_DATETIME:
    case SQL_TYPE_TIMESTAMP:
    case SQL_TYPE_TIME: {
        enum datetime_type dt = sql_type_datetime_type(t);
        int fsp = t->id == SQL_TYPE_DATE ? 0 : t->fsp;
        size_t n = datetime_key_size(dt, fsp);
        int64_t x;
        if (n == 0)
            return err_set(ERR_INVALID, "key column %zu: bad temporal type", ci);
        if (key_fixed(&p, end, n, c->desc, tmp))
            return corrupt(ci, "short temporal value");
        if (!datetime_bytes_plausible(dt, tmp))
            return corrupt(ci, "bad temporal value");
        if ((rc = datetime_key_get(dt, fsp, tmp, n, &x)) != 0)
            return rc == ERR_INVALID ? rc : corrupt(ci, "bad temporal value");
        temporal_value(t, x, tz, out);
        break;
    }
    case SQL_TYPE_ENUM:
        if (key_fixed(&p, end, 2, c->desc, tmp))
            return corrupt(ci, "short ENUM");
        u = be16_get(tmp);
        if (u > t->n_members)
            return corrupt(ci, "ENUM index out of range");
        enum_value(t, u, out);
        break;
    case SQL_TYPE_SET:
        if (key_fixed(&p, end, 8, c->desc, tmp))
            return corrupt(ci, "short SET");
        u = be64_get(tmp);
        if (u & ~set_all(t))
            return corrupt(ci, "SET bits out of range");
        if ((rc = set_string(t, u, a, out)))
            return rc;
        break;
    default: {
        if (!is_text_type(t))
            return corrupt(ci, "a key column of a type keys never hold");
        /* Find the terminator, checking the escapes, and count the data bytes. */
        const uint8_t *s = p;
        size_t n = 0;
        bool plain = !c->desc;
        for (;;) {
            if (p >= end)
                return corrupt(ci, "unterminated string");
            uint8_t b = *p++ ^ inv;
            if (b != 0) {
                n++;
                continue;
            }
            if (p >= end)
                return corrupt(ci, "unterminated string");
            uint8_t b2 = *p++ ^ inv;
            if (b2 == 0x01)
                break;
            if (b2 != 0xff)
                return corrupt(ci, "bad escape in string");
            n++;
            plain = false;
        }
        if (!rowcodec_key_exact(c)) {
            *lossy = true;
            break;
        }
        if (plain) {
            *out = value_string(s, n, t->coll);
            break;
        }
        if (!a)
            return err_set(ERR_INVALID, "key column %zu: decoding needs an arena", ci);
        uint8_t *o = n ? arena_alloc(a, n) : (uint8_t *)"";
        if (!o)
            return err_set(ERR_NOMEM, "key column %zu: out of memory", ci);
        size_t k = 0;
        for (const uint8_t *q = s; k < n; q++) {
            uint8_t b = *q ^ inv;
            o[k++] = b;
            if (b == 0)
                q++; /* Skip the FF of the escape. */
        }
        *out = value_string(o, n, t->coll);
        break;
    }
    }
    *pp = p;
    return 0;
}

int rowcodec_key_decode(const uint8_t *p, size_t len, const struct rowcodec_col *cols, size_t n,
                        const struct datetime_tz *tz, struct arena *a, struct value *out,
                        uint64_t *lossy, size_t *used)
{
    const uint8_t *q = p, *end = p + len;
    uint64_t mask = 0;
    if (n > ROWCODEC_KEY_MAX_COLS)
        return err_set(ERR_INVALID, "a key of %zu columns", n);
    for (size_t i = 0; i < n; i++) {
        bool l;
        int rc = key_get(i, &cols[i], &q, end, tz, a, &out[i], &l);
        if (rc)
            return rc;
        if (l)
            mask |= UINT64_C(1) << i;
    }
    if (lossy)
        *lossy = mask;
    if (used)
        *used = (size_t)(q - p);
    return 0;
}

int rowcodec_key_put_rowid(struct buf *out, uint64_t rowid)
{
    uint8_t b[8];
    be64_put(b, rowid);
    return buf_append(out, b, 8);
}

int rowcodec_key_get_rowid(const uint8_t *p, size_t len, uint64_t *rowid)
{
    if (len != ROWCODEC_ROWID_SIZE)
        return err_set(ERR_CORRUPT, "row id key of %zu bytes", len);
    *rowid = be64_get(p);
    return 0;
}

bool rowcodec_key_successor(struct buf *key)
{
    while (key->len && key->data[key->len - 1] == 0xff)
        key->len--;
    if (key->len == 0)
        return false;
    key->data[key->len - 1]++;
    return true;
}

/* ---- Ranges ---------------------------------------------------------------- */

enum clip { CLIP_IN, CLIP_BELOW, CLIP_ABOVE };

/*
 * Where a bound falls against what an integer, YEAR or TIMESTAMP column can
 * encode: inside, below everything, or above everything.
 */
static enum clip clip_bound(const struct sql_type *t, const struct value *v,
                            const struct datetime_tz *tz)
{
    bool is_int = sql_type_is_integer(t) || t->id == SQL_TYPE_BIT || t->id == SQL_TYPE_YEAR;
    if (is_int && (v->tag == VALUE_INT || v->tag == VALUE_UINT)) {
        bool uns = t->id == SQL_TYPE_BIT || t->id == SQL_TYPE_YEAR ||
                   (t->flags & (SQL_TYPE_UNSIGNED | SQL_TYPE_ZEROFILL));
        if (uns && v->tag == VALUE_INT && v->i < 0)
            return CLIP_BELOW;
        if (!uns && v->tag == VALUE_UINT && v->u > (uint64_t)INT64_MAX)
            return CLIP_ABOVE;
        if (t->id == SQL_TYPE_YEAR && (v->tag == VALUE_INT ? (uint64_t)v->i : v->u) > 0xffff)
            return CLIP_ABOVE;
        return CLIP_IN;
    }
    if (t->id == SQL_TYPE_TIMESTAMP && v->tag == VALUE_TEMPORAL &&
        v->t.kind != DATETIME_KIND_TIME) {
        struct datetime_tz utc;
        int64_t us;
        if (datetime_tz_to_utc(tz_or_utc(tz, &utc), &v->t, &us) < 0)
            return CLIP_IN; /* Zero dates and the like: let the encoder judge. */
        if (v->t.year == 0 && v->t.month == 0 && v->t.day == 0)
            return CLIP_IN;
        if (us < 1000000)
            return CLIP_BELOW;
        if (us > DATETIME_TS_MAX_SEC * 1000000 + 999999)
            return CLIP_ABOVE;
    }
    return CLIP_IN;
}

/* memcmp order of two keys, a proper prefix first. */
static int keycmp(const struct buf *a, const struct buf *b)
{
    size_t n = a->len < b->len ? a->len : b->len;
    int c = n ? memcmp(a->data, b->data, n) : 0;
    if (c)
        return c;
    return (a->len > b->len) - (a->len < b->len);
}

static int copy_buf(struct buf *dst, const struct buf *src)
{
    dst->len = 0;
    return buf_append(dst, src->data, src->len);
}

int rowcodec_key_range(const struct rowcodec_col *cols, size_t n_cols,
                       const struct rowcodec_range *r, const struct datetime_tz *tz,
                       struct buf *low, struct buf *high, unsigned *flags)
{
    int rc;
    *flags = 0;
    low->len = 0;
    high->len = 0;
    if (r->n_eq > n_cols || ((r->lo || r->hi) && r->n_eq >= n_cols))
        return err_set(ERR_INVALID, "range on %zu of %zu columns", r->n_eq, n_cols);
    if ((rc = rowcodec_key_encode(cols, r->eq, r->n_eq, tz, low)))
        return rc;
    if ((rc = copy_buf(high, low)))
        return rc;
    if (!r->lo && !r->hi) {
        if (!rowcodec_key_successor(high))
            *flags |= ROWCODEC_RANGE_NO_HIGH;
        return 0;
    }

    const struct rowcodec_col *c = &cols[r->n_eq];
    const struct value *lo = r->lo, *hi = r->hi;
    bool lo_incl = r->lo_incl, hi_incl = r->hi_incl;
    if (lo && lo->tag == VALUE_NULL)
        goto empty; /* x > NULL is never true. */
    if (hi && hi->tag == VALUE_NULL)
        goto empty;
    if (lo) {
        enum clip k = clip_bound(c->type, lo, tz);
        if (k == CLIP_ABOVE)
            goto empty;
        if (k == CLIP_BELOW)
            lo = NULL;
    }
    if (hi) {
        enum clip k = clip_bound(c->type, hi, tz);
        if (k == CLIP_BELOW)
            goto empty;
        if (k == CLIP_ABOVE)
            hi = NULL;
    }

    /*
     * In key order an ascending column runs NULL (00), then values (01 ..)
     * upwards; a descending one values (FE ..) downwards, then NULL (FF).
     * The bound at the small-key end of the range is lo (asc) or hi (desc).
     */
    const struct value *kb_lo = c->desc ? hi : lo, *kb_hi = c->desc ? lo : hi;
    bool kb_lo_incl = c->desc ? hi_incl : lo_incl, kb_hi_incl = c->desc ? lo_incl : hi_incl;
    uint8_t first_value = c->desc ? (uint8_t)~KEY_VALUE : KEY_VALUE;

    if (kb_lo) {
        if ((rc = key_put(c, kb_lo, tz, low)))
            return rc;
        if (!kb_lo_incl && !rowcodec_key_successor(low))
            goto empty;
    } else if ((rc = buf_put_u8(low, first_value))) { /* Non-NULL values only. */
        return rc;
    }
    if (kb_hi) {
        if ((rc = key_put(c, kb_hi, tz, high)))
            return rc;
        if (kb_hi_incl && !rowcodec_key_successor(high))
            *flags |= ROWCODEC_RANGE_NO_HIGH;
    } else if (c->desc) {
        if ((rc = buf_put_u8(high, (uint8_t)~KEY_NULL))) /* Up to the NULLs. */
            return rc;
    } else if (!rowcodec_key_successor(high)) {
        *flags |= ROWCODEC_RANGE_NO_HIGH;
    }
    if (!(*flags & ROWCODEC_RANGE_NO_HIGH) && keycmp(low, high) >= 0)
        *flags |= ROWCODEC_RANGE_EMPTY;
    return 0;

empty:
    *flags = ROWCODEC_RANGE_EMPTY;
    high->len = 0;
    if ((rc = copy_buf(high, low)))
        return rc;
    return 0;
}

/* Appends the escaped bytes of s (no terminator), inverted for a descending column. */
static int put_partial(struct buf *out, const uint8_t *s, size_t len, bool desc)
{
    size_t start = out->len;
    if (put_escaped(out, s, len))
        return ERR_NOMEM;
    out->len -= 2; /* Drop the terminator: this is a bound, not a value. */
    if (desc)
        for (size_t i = start; i < out->len; i++)
            out->data[i] = (uint8_t)~out->data[i];
    return 0;
}

int rowcodec_key_like_range(const struct rowcodec_col *cols, size_t n_cols, const struct value *eq,
                            size_t n_eq, const uint8_t *pattern, size_t pattern_len,
                            int32_t escape, const struct datetime_tz *tz, struct buf *low,
                            struct buf *high, unsigned *flags)
{
    struct buf lo_sk, hi_sk;
    unsigned cf = COLLATION_RANGE_ALL;
    int rc;

    *flags = 0;
    low->len = 0;
    high->len = 0;
    if (n_eq >= n_cols || !is_text_type(cols[n_eq].type))
        return err_set(ERR_INVALID, "LIKE range on a column that is not a string");
    const struct rowcodec_col *c = &cols[n_eq];
    const struct collation *coll = collation_by_id(c->type->coll);
    if (!coll)
        return err_set(ERR_INVALID, "unknown collation %u", c->type->coll);
    if ((rc = rowcodec_key_encode(cols, eq, n_eq, tz, low)))
        return rc;
    buf_init(&lo_sk);
    buf_init(&hi_sk);
    /* A prefix index holds cut strings: only "any non-NULL value" is safe there. */
    if (!c->prefix_len) {
        /* Reserved first: collation_like_range offsets the buffers' data even when empty. */
        if ((rc = buf_reserve(&lo_sk, 64)) || (rc = buf_reserve(&hi_sk, 64)))
            goto out;
        rc = collation_like_range(coll, pattern, pattern_len, escape, &lo_sk, &hi_sk, &cf);
        if (rc)
            goto out;
    }
    uint8_t mk = c->desc ? (uint8_t)~KEY_VALUE : KEY_VALUE;
    if ((rc = buf_put_u8(low, mk)) || (rc = copy_buf(high, low)))
        goto out;
    /* low and high now both hold P + marker. */
    if (cf & COLLATION_RANGE_ALL) {
        rowcodec_key_successor(high); /* marker + 1: never overflows (01 or FE). */
    } else if (!c->desc) {
        if ((rc = put_partial(low, lo_sk.data, lo_sk.len, false)))
            goto out;
        if (cf & COLLATION_RANGE_NO_HIGH)
            rowcodec_key_successor(high);
        else if ((rc = put_partial(high, hi_sk.data, hi_sk.len, false)))
            goto out;
    } else {
        /* Descending: the bytes are inverted, so the sort key bounds swap ends. */
        if (!(cf & COLLATION_RANGE_NO_HIGH)) {
            if ((rc = put_partial(low, hi_sk.data, hi_sk.len, true)))
                goto out;
            if (!rowcodec_key_successor(low)) {
                *flags |= ROWCODEC_RANGE_EMPTY;
                goto out;
            }
        }
        if ((rc = put_partial(high, lo_sk.data, lo_sk.len, true)))
            goto out;
        if (!rowcodec_key_successor(high))
            *flags |= ROWCODEC_RANGE_NO_HIGH;
    }
    if ((cf & COLLATION_RANGE_EXACT) && !c->prefix_len)
        *flags |= ROWCODEC_RANGE_EXACT;
out:
    buf_deinit(&lo_sk);
    buf_deinit(&hi_sk);
    return rc;
}

/* ---- Row values ------------------------------------------------------------ */

static int put_tag(struct buf *out, uint32_t id, unsigned wire)
{
    return buf_put_varint(out, (uint64_t)id << 3 | wire);
}

static uint64_t zigzag(int64_t x) { return ((uint64_t)x << 1) ^ (uint64_t)(x >> 63); }

static int64_t unzigzag(uint64_t u) { return (int64_t)(u >> 1) ^ -(int64_t)(u & 1); }

/* Appends one column (tag and payload). */
static int row_put(const struct rowcodec_col *c, const struct value *v,
                   const struct datetime_tz *tz, struct buf *out)
{
    const struct sql_type *t = c->type;
    uint8_t tmp[DECIMAL_BIN_MAX > 8 ? DECIMAL_BIN_MAX : 8];
    int64_t x, min;
    uint64_t u, max;
    int rc;

    if (v->tag == VALUE_NULL)
        return put_tag(out, c->id, WIRE_NULL);
    switch (t->id) {
    case SQL_TYPE_TINYINT:
    case SQL_TYPE_SMALLINT:
    case SQL_TYPE_MEDIUMINT:
    case SQL_TYPE_INT:
    case SQL_TYPE_BIGINT:
        sql_type_int_range(t, &min, &max);
        if (t->flags & (SQL_TYPE_UNSIGNED | SQL_TYPE_ZEROFILL)) {
            if ((rc = get_u64(v, &u)))
                return rc;
            if (u > max)
                return err_set(ERR_INVALID, "value out of the column type's range");
        } else {
            if ((rc = get_i64(v, &x)))
                return rc;
            if (x < min || (x > 0 && (uint64_t)x > max))
                return err_set(ERR_INVALID, "value out of the column type's range");
            u = zigzag(x);
        }
        goto varint;
    case SQL_TYPE_BIT:
        if ((rc = get_u64(v, &u)))
            return rc;
        if (t->length < 64 && (u >> t->length))
            return err_set(ERR_INVALID, "BIT value too wide");
        goto varint;
    case SQL_TYPE_YEAR:
        if ((rc = get_u64(v, &u)))
            return rc;
        if (!valid_year(u))
            return err_set(ERR_INVALID, "YEAR value %llu out of range", (unsigned long long)u);
        goto varint;
    case SQL_TYPE_ENUM:
        if ((rc = enum_index(t, v, &u)))
            return rc;
        goto varint;
    case SQL_TYPE_SET:
        if ((rc = set_mask(t, v, &u)))
            return rc;
        goto varint;
    case SQL_TYPE_FLOAT: {
        if (v->tag != VALUE_DOUBLE || isnan(v->d))
            return err_set(ERR_INVALID, "a DOUBLE value (not NaN) expected");
        float f = (float)v->d;
        uint32_t b;
        memcpy(&b, &f, 4);
        le32_put(tmp, b);
        if ((rc = put_tag(out, c->id, WIRE_FIXED32)))
            return rc;
        return buf_append(out, tmp, 4);
    }
    case SQL_TYPE_DOUBLE:
        if (v->tag != VALUE_DOUBLE || isnan(v->d))
            return err_set(ERR_INVALID, "a DOUBLE value (not NaN) expected");
        memcpy(&u, &v->d, 8);
        le64_put(tmp, u);
        if ((rc = put_tag(out, c->id, WIRE_FIXED64)))
            return rc;
        return buf_append(out, tmp, 8);
    case SQL_TYPE_DECIMAL: {
        struct decimal d;
        if (v->tag == VALUE_DECIMAL)
            d = v->dec;
        else if (v->tag == VALUE_INT)
            decimal_from_int64(&d, v->i);
        else if (v->tag == VALUE_UINT)
            decimal_from_uint64(&d, v->u);
        else
            return err_set(ERR_INVALID, "a DECIMAL value expected");
        size_t n = decimal_bin_size(t->precision, t->scale);
        if ((rc = decimal_bin_put(&d, t->precision, t->scale, tmp)) != 0)
            return rc > 0 ? ERR_INVALID : rc;
        if ((rc = put_tag(out, c->id, WIRE_BYTES)) || (rc = buf_put_lenbytes(out, tmp, n)))
            return rc;
        return 0;
    }
    case SQL_TYPE_DATE:
    case SQL_TYPE_DATETIME:
    case SQL_TYPE_TIMESTAMP:
    case SQL_TYPE_TIME: {
        enum datetime_type dt = sql_type_datetime_type(t);
        int fsp = t->id == SQL_TYPE_DATE ? 0 : t->fsp;
        if ((rc = temporal_v(t, v, tz, &x)) != 0 || (rc = datetime_bin_put(dt, fsp, x, tmp)) != 0)
            return rc;
        if ((rc = put_tag(out, c->id, WIRE_BYTES)) ||
            (rc = buf_put_lenbytes(out, tmp, datetime_bin_size(dt, fsp))))
            return rc;
        return 0;
    }
    default:
        if (!sql_type_is_string(t))
            return err_set(ERR_INVALID, "a column of type %u cannot hold a value", t->id);
        if (v->tag != VALUE_STRING)
            return err_set(ERR_INVALID, "a string value expected");
        if (v->s.len > sql_type_max_bytes(t))
            return err_set(ERR_INVALID, "string of %u bytes too long for its column", v->s.len);
        if ((rc = put_tag(out, c->id, WIRE_BYTES)))
            return rc;
        return buf_put_lenbytes(out, v->s.ptr, v->s.len);
    }
varint:
    if ((rc = put_tag(out, c->id, WIRE_VARINT)))
        return rc;
    return buf_put_varint(out, u);
}

int rowcodec_row_encode(const struct rowcodec_col *cols, const struct value *vals, size_t n,
                        const struct datetime_tz *tz, struct buf *out)
{
    size_t start = out->len;
    int rc = buf_put_u8(out, ROWCODEC_ROW_FORMAT);
    for (size_t i = 0; i < n && !rc; i++) {
        if (i && cols[i].id <= cols[i - 1].id) {
            rc = err_set(ERR_INVALID, "row columns not in ascending id order");
            break;
        }
        if ((rc = row_put(&cols[i], &vals[i], tz, out)))
            rc = err_prefix(rc, "column id %u", cols[i].id);
    }
    if (rc)
        out->len = start;
    return rc;
}

static int row_corrupt(uint32_t id, const char *what)
{
    return err_set(ERR_CORRUPT, "row value: column id %u: %s", id, what);
}

/* Decodes a payload [p, p + n) of wire type wire (varint already read into u) for column c. */
static int row_get(const struct rowcodec_col *c, unsigned wire, const uint8_t *p, size_t n,
                   uint64_t u, const struct datetime_tz *tz, struct arena *a, struct value *out)
{
    const struct sql_type *t = c->type;
    int64_t min;
    uint64_t max;
    int rc;

    if (wire == WIRE_NULL) {
        *out = value_null();
        return 0;
    }
    switch (t->id) {
    case SQL_TYPE_TINYINT:
    case SQL_TYPE_SMALLINT:
    case SQL_TYPE_MEDIUMINT:
    case SQL_TYPE_INT:
    case SQL_TYPE_BIGINT:
        if (wire != WIRE_VARINT)
            return row_corrupt(c->id, "integer column without a varint");
        sql_type_int_range(t, &min, &max);
        if (t->flags & (SQL_TYPE_UNSIGNED | SQL_TYPE_ZEROFILL)) {
            if (u > max)
                return row_corrupt(c->id, "integer out of the type's range");
            *out = value_uint(u);
        } else {
            int64_t x = unzigzag(u);
            if (x < min || (x > 0 && (uint64_t)x > max))
                return row_corrupt(c->id, "integer out of the type's range");
            *out = value_int(x);
        }
        return 0;
    case SQL_TYPE_BIT:
        if (wire != WIRE_VARINT || (t->length < 64 && (u >> t->length)))
            return row_corrupt(c->id, "bad BIT value");
        *out = value_uint(u);
        return 0;
    case SQL_TYPE_YEAR:
        if (wire != WIRE_VARINT || !valid_year(u))
            return row_corrupt(c->id, "bad YEAR value");
        *out = value_int((int64_t)u);
        return 0;
    case SQL_TYPE_ENUM:
        if (wire != WIRE_VARINT || u > t->n_members)
            return row_corrupt(c->id, "bad ENUM value");
        enum_value(t, u, out);
        return 0;
    case SQL_TYPE_SET:
        if (wire != WIRE_VARINT || (u & ~set_all(t)))
            return row_corrupt(c->id, "bad SET value");
        return set_string(t, u, a, out);
    case SQL_TYPE_FLOAT: {
        float f;
        uint32_t b;
        if (wire != WIRE_FIXED32)
            return row_corrupt(c->id, "FLOAT column without 4 bytes");
        b = le32_get(p);
        memcpy(&f, &b, 4);
        if (isnan(f))
            return row_corrupt(c->id, "NaN");
        *out = value_double((double)f);
        return 0;
    }
    case SQL_TYPE_DOUBLE: {
        double d;
        uint64_t b;
        if (wire != WIRE_FIXED64)
            return row_corrupt(c->id, "DOUBLE column without 8 bytes");
        b = le64_get(p);
        memcpy(&d, &b, 8);
        if (isnan(d))
            return row_corrupt(c->id, "NaN");
        *out = value_double(d);
        return 0;
    }
    case SQL_TYPE_DECIMAL: {
        struct decimal d;
        size_t sz = decimal_bin_size(t->precision, t->scale);
        if (sz == 0)
            return err_set(ERR_INVALID, "row value: column id %u: bad DECIMAL type", c->id);
        if (wire != WIRE_BYTES || n != sz)
            return row_corrupt(c->id, "DECIMAL of the wrong size");
        if ((rc = decimal_bin_get(&d, t->precision, t->scale, p, n)) != 0)
            return rc == ERR_INVALID ? rc : row_corrupt(c->id, "bad DECIMAL");
        *out = value_decimal(&d);
        return 0;
    }
    case SQL_TYPE_DATE:
    case SQL_TYPE_DATETIME:
    case SQL_TYPE_TIMESTAMP:
    case SQL_TYPE_TIME: {
        enum datetime_type dt = sql_type_datetime_type(t);
        int fsp = t->id == SQL_TYPE_DATE ? 0 : t->fsp;
        size_t sz = datetime_bin_size(dt, fsp);
        int64_t x;
        if (sz == 0)
            return err_set(ERR_INVALID, "row value: column id %u: bad temporal type", c->id);
        if (wire != WIRE_BYTES || n != sz)
            return row_corrupt(c->id, "temporal value of the wrong size");
        if (!datetime_bytes_plausible(dt, p))
            return row_corrupt(c->id, "bad temporal value");
        if ((rc = datetime_bin_get(dt, fsp, p, n, &x)) != 0)
            return rc == ERR_INVALID ? rc : row_corrupt(c->id, "bad temporal value");
        temporal_value(t, x, tz, out);
        return 0;
    }
    default:
        if (!sql_type_is_string(t))
            return row_corrupt(c->id, "a value for a column of a type that holds none");
        if (wire != WIRE_BYTES || n > sql_type_max_bytes(t))
            return row_corrupt(c->id, "bad string");
        *out = value_string(p, n, t->coll);
        return 0;
    }
}

int rowcodec_row_decode(const uint8_t *p, size_t len, const struct rowcodec_col *cols, size_t n,
                        const struct value *defaults, const struct datetime_tz *tz,
                        struct arena *a, struct value *out)
{
    const uint8_t *q = p, *end = p + len;
    size_t idx = 0;
    uint64_t prev = 0;
    bool first = true;
    int rc;

    for (size_t i = 1; i < n; i++)
        if (cols[i].id <= cols[i - 1].id)
            return err_set(ERR_INVALID, "row columns not in ascending id order");
    if (len == 0)
        return err_set(ERR_CORRUPT, "row value: empty");
    if (*q++ != ROWCODEC_ROW_FORMAT)
        return err_set(ERR_CORRUPT, "row value: unknown format byte 0x%02x", p[0]);

    while (q < end && idx < n) {
        uint64_t tag, u = 0, id;
        size_t k = varint_get(q, end, &tag);
        if (k == 0)
            return err_set(ERR_CORRUPT, "row value: bad tag at offset %zu", (size_t)(q - p));
        q += k;
        id = tag >> 3;
        unsigned wire = (unsigned)(tag & 7);
        if (id > UINT32_MAX)
            return err_set(ERR_CORRUPT, "row value: column id out of range");
        if (!first && id <= prev)
            return err_set(ERR_CORRUPT, "row value: column ids not ascending at offset %zu",
                           (size_t)(q - p));
        first = false;
        prev = id;

        const uint8_t *pl = q;
        size_t pn = 0;
        switch (wire) {
        case WIRE_NULL:
            break;
        case WIRE_VARINT:
            if ((k = varint_get(q, end, &u)) == 0)
                return row_corrupt((uint32_t)id, "bad varint");
            q += k;
            break;
        case WIRE_FIXED32:
        case WIRE_FIXED64:
            pn = wire == WIRE_FIXED32 ? 4 : 8;
            if ((size_t)(end - q) < pn)
                return row_corrupt((uint32_t)id, "value runs past the end");
            q += pn;
            break;
        case WIRE_BYTES: {
            uint64_t l;
            if ((k = varint_get(q, end, &l)) == 0)
                return row_corrupt((uint32_t)id, "bad length");
            q += k;
            if (l > (uint64_t)(end - q))
                return row_corrupt((uint32_t)id, "value runs past the end");
            pl = q;
            pn = (size_t)l;
            q += pn;
            break;
        }
        default:
            return row_corrupt((uint32_t)id, "unknown wire type");
        }

        while (idx < n && cols[idx].id < id) {
            out[idx] = defaults ? defaults[idx] : value_null();
            idx++;
        }
        if (idx < n && cols[idx].id == id) {
            if ((rc = row_get(&cols[idx], wire, pl, pn, u, tz, a, &out[idx])))
                return rc;
            idx++;
        }
    }
    for (; idx < n; idx++)
        out[idx] = defaults ? defaults[idx] : value_null();
    return 0;
}
