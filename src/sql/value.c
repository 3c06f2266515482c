/*
 * value.c: SQL types and runtime values.
 *
 * Four parts. Types: defaults, the metadata MySQL 8 sends for a column
 * (type code, flags, length, decimals, charset: checked against
 * mysql-test/r/metadata.result), the SQL spelling, ENUM/SET members.
 * Printing: doubles the way MySQL's my_gcvt() does with the wide field
 * String::set_real() gives it (shortest round-trip digits from printf and
 * strtod, then MySQL's choice between positional and exponent notation),
 * and the other kinds through decimal.h and datetime.h. Conversions: text to
 * numbers follows Item::val_int (my_strtoll10: the leading integer),
 * val_real (my_strtod: the longest numeric prefix) and val_decimal
 * (str2my_decimal), each warning when text is left over. Comparison:
 * MySQL's Arg_comparator type choice (item_cmp_type plus the temporal
 * rules), then one typed comparison.
 */
#include "sql/value.h"

#include "base/numfmt.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "sql/collation.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Types ---------------------------------------------------------------- */

void sql_type_init(struct sql_type *t, enum sql_type_id id)
{
    memset(t, 0, sizeof *t);
    t->id = (uint8_t)id;
    t->coll = COLLATION_BINARY;
    switch (id) {
    case SQL_TYPE_DECIMAL:
        t->precision = 10;
        break;
    case SQL_TYPE_FLOAT:
    case SQL_TYPE_DOUBLE:
        t->scale = SQL_TYPE_SCALE_NONE;
        break;
    case SQL_TYPE_BIT:
    case SQL_TYPE_BINARY:
        t->length = 1;
        break;
    case SQL_TYPE_CHAR:
        t->length = 1;
        t->coll = COLLATION_UTF8MB4_DEFAULT;
        break;
    case SQL_TYPE_VARCHAR:
    case SQL_TYPE_TINYTEXT:
    case SQL_TYPE_TEXT:
    case SQL_TYPE_MEDIUMTEXT:
    case SQL_TYPE_LONGTEXT:
    case SQL_TYPE_ENUM:
    case SQL_TYPE_SET:
        t->coll = COLLATION_UTF8MB4_DEFAULT;
        break;
    case SQL_TYPE_JSON:
        t->coll = COLLATION_UTF8MB4_BIN;
        break;
    default:
        break;
    }
}

bool sql_type_is_integer(const struct sql_type *t)
{
    return t->id >= SQL_TYPE_TINYINT && t->id <= SQL_TYPE_BIGINT;
}

bool sql_type_is_numeric(const struct sql_type *t)
{
    return t->id >= SQL_TYPE_TINYINT && t->id <= SQL_TYPE_DOUBLE;
}

bool sql_type_is_string(const struct sql_type *t)
{
    return (t->id >= SQL_TYPE_CHAR && t->id <= SQL_TYPE_LONGBLOB) || t->id == SQL_TYPE_ENUM ||
           t->id == SQL_TYPE_SET || t->id == SQL_TYPE_JSON;
}

bool sql_type_is_temporal(const struct sql_type *t)
{
    return t->id >= SQL_TYPE_DATE && t->id <= SQL_TYPE_TIMESTAMP;
}

bool sql_type_is_binary_string(const struct sql_type *t)
{
    return t->id != SQL_TYPE_JSON && sql_type_is_string(t) && t->coll == COLLATION_BINARY;
}

bool sql_type_int_range(const struct sql_type *t, int64_t *min, uint64_t *max)
{
    static const int bits[] = {
        [SQL_TYPE_TINYINT] = 8, [SQL_TYPE_SMALLINT] = 16, [SQL_TYPE_MEDIUMINT] = 24,
        [SQL_TYPE_INT] = 32,    [SQL_TYPE_BIGINT] = 64,
    };
    if (!sql_type_is_integer(t))
        return false;
    int b = bits[t->id];
    if (t->flags & (SQL_TYPE_UNSIGNED | SQL_TYPE_ZEROFILL)) {
        *min = 0;
        *max = b == 64 ? UINT64_MAX : (UINT64_C(1) << b) - 1;
    } else {
        *min = b == 64 ? INT64_MIN : -(INT64_C(1) << (b - 1));
        *max = b == 64 ? (uint64_t)INT64_MAX : (UINT64_C(1) << (b - 1)) - 1;
    }
    return true;
}

/* The charset of a collation id, binary for unknown ids. */
static const struct charset *charset_of(uint16_t coll)
{
    const struct collation *c = collation_by_id(coll);
    return c ? c->charset : charset_get(CHARSET_BINARY);
}

/* Characters of an ENUM's longest member (max) and of a SET's full list (sum + commas). */
static uint64_t members_chars(const struct sql_type *t, bool sum)
{
    const struct charset *cs = charset_of(t->coll);
    uint64_t r = 0;
    for (uint32_t i = 0; i < t->n_members; i++) {
        uint64_t n = charset_char_count(cs, (const uint8_t *)t->members[i].ptr, t->members[i].len);
        if (sum)
            r += n + (i > 0);
        else if (n > r)
            r = n;
    }
    return r;
}

static uint64_t members_bytes(const struct sql_type *t, bool sum)
{
    uint64_t r = 0;
    for (uint32_t i = 0; i < t->n_members; i++) {
        uint64_t n = t->members[i].len;
        if (sum)
            r += n + (i > 0);
        else if (n > r)
            r = n;
    }
    return r;
}

static uint32_t cap32(uint64_t v) { return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v; }

/* Bytes of the TEXT/BLOB types (their MySQL field length). */
static uint32_t blob_bytes(uint8_t id)
{
    switch (id) {
    case SQL_TYPE_TINYTEXT:
    case SQL_TYPE_TINYBLOB:
        return 255;
    case SQL_TYPE_TEXT:
    case SQL_TYPE_BLOB:
        return 65535;
    case SQL_TYPE_MEDIUMTEXT:
    case SQL_TYPE_MEDIUMBLOB:
        return 16777215;
    default:
        return UINT32_MAX;
    }
}

uint32_t sql_type_max_bytes(const struct sql_type *t)
{
    switch (t->id) {
    case SQL_TYPE_CHAR:
    case SQL_TYPE_VARCHAR:
        return cap32((uint64_t)t->length * charset_of(t->coll)->mbmaxlen);
    case SQL_TYPE_BINARY:
    case SQL_TYPE_VARBINARY:
        return t->length;
    case SQL_TYPE_TINYTEXT:
    case SQL_TYPE_TEXT:
    case SQL_TYPE_MEDIUMTEXT:
    case SQL_TYPE_LONGTEXT:
    case SQL_TYPE_TINYBLOB:
    case SQL_TYPE_BLOB:
    case SQL_TYPE_MEDIUMBLOB:
    case SQL_TYPE_LONGBLOB:
    case SQL_TYPE_JSON:
        return blob_bytes(t->id);
    case SQL_TYPE_ENUM:
        return cap32(members_bytes(t, false));
    case SQL_TYPE_SET:
        return cap32(members_bytes(t, true));
    default:
        return 0;
    }
}

enum datetime_type sql_type_datetime_type(const struct sql_type *t)
{
    switch (t->id) {
    case SQL_TYPE_DATE:
        return DATETIME_TYPE_DATE;
    case SQL_TYPE_DATETIME:
        return DATETIME_TYPE_DATETIME;
    case SQL_TYPE_TIMESTAMP:
        return DATETIME_TYPE_TIMESTAMP;
    case SQL_TYPE_TIME:
        return DATETIME_TYPE_TIME;
    case SQL_TYPE_YEAR:
        return DATETIME_TYPE_YEAR;
    default:
        return (enum datetime_type)0;
    }
}

/* MySQL's protocol codes and column flags (server/handler.h has the same numbers; sql/ sits
 * below server/ and does not include it). */
enum {
    WT_DECIMAL = 0, WT_TINY = 1, WT_SHORT = 2, WT_LONG = 3, WT_FLOAT = 4, WT_DOUBLE = 5,
    WT_NULL = 6, WT_TIMESTAMP = 7, WT_LONGLONG = 8, WT_INT24 = 9, WT_DATE = 10, WT_TIME = 11,
    WT_DATETIME = 12, WT_YEAR = 13, WT_BIT = 16, WT_JSON = 245, WT_NEWDECIMAL = 246,
    WT_BLOB = 252, WT_VAR_STRING = 253, WT_STRING = 254,
};
enum {
    CF_NOT_NULL = 1, CF_BLOB = 16, CF_UNSIGNED = 32, CF_ZEROFILL = 64, CF_BINARY = 128,
    CF_ENUM = 256, CF_AUTO_INCREMENT = 512, CF_TIMESTAMP = 1024, CF_SET = 2048,
    CF_ON_UPDATE_NOW = 8192, CF_NUM = 32768,
};

/* Default display widths of the integer types: signed, unsigned. */
static uint32_t int_width(const struct sql_type *t)
{
    static const uint8_t w[][2] = {
        [SQL_TYPE_TINYINT] = {4, 3}, [SQL_TYPE_SMALLINT] = {6, 5}, [SQL_TYPE_MEDIUMINT] = {9, 8},
        [SQL_TYPE_INT] = {11, 10},   [SQL_TYPE_BIGINT] = {20, 20},
    };
    if (t->length)
        return t->length;
    return w[t->id][(t->flags & (SQL_TYPE_UNSIGNED | SQL_TYPE_ZEROFILL)) ? 1 : 0];
}

/* The display length of a numeric type (what ZEROFILL pads to). */
static uint32_t num_length(const struct sql_type *t)
{
    switch (t->id) {
    case SQL_TYPE_DECIMAL:
        return (uint32_t)t->precision + (t->scale > 0) +
               !(t->flags & (SQL_TYPE_UNSIGNED | SQL_TYPE_ZEROFILL));
    case SQL_TYPE_FLOAT:
        return t->scale < SQL_TYPE_SCALE_NONE && t->precision ? t->precision : 12;
    case SQL_TYPE_DOUBLE:
        return t->scale < SQL_TYPE_SCALE_NONE && t->precision ? t->precision : 22;
    case SQL_TYPE_YEAR:
        return 4;
    default:
        return sql_type_is_integer(t) ? int_width(t) : 0;
    }
}

void sql_type_meta(const struct sql_type *t, bool is_column, uint16_t result_coll,
                   struct sql_type_meta *m)
{
    static const uint8_t codes[SQL_TYPE_COUNT] = {
        [SQL_TYPE_NULL] = WT_NULL,          [SQL_TYPE_TINYINT] = WT_TINY,
        [SQL_TYPE_SMALLINT] = WT_SHORT,     [SQL_TYPE_MEDIUMINT] = WT_INT24,
        [SQL_TYPE_INT] = WT_LONG,           [SQL_TYPE_BIGINT] = WT_LONGLONG,
        [SQL_TYPE_DECIMAL] = WT_NEWDECIMAL, [SQL_TYPE_FLOAT] = WT_FLOAT,
        [SQL_TYPE_DOUBLE] = WT_DOUBLE,      [SQL_TYPE_BIT] = WT_BIT,
        [SQL_TYPE_CHAR] = WT_STRING,        [SQL_TYPE_VARCHAR] = WT_VAR_STRING,
        [SQL_TYPE_BINARY] = WT_STRING,      [SQL_TYPE_VARBINARY] = WT_VAR_STRING,
        [SQL_TYPE_TINYTEXT] = WT_BLOB,      [SQL_TYPE_TEXT] = WT_BLOB,
        [SQL_TYPE_MEDIUMTEXT] = WT_BLOB,    [SQL_TYPE_LONGTEXT] = WT_BLOB,
        [SQL_TYPE_TINYBLOB] = WT_BLOB,      [SQL_TYPE_BLOB] = WT_BLOB,
        [SQL_TYPE_MEDIUMBLOB] = WT_BLOB,    [SQL_TYPE_LONGBLOB] = WT_BLOB,
        [SQL_TYPE_DATE] = WT_DATE,          [SQL_TYPE_TIME] = WT_TIME,
        [SQL_TYPE_DATETIME] = WT_DATETIME,  [SQL_TYPE_TIMESTAMP] = WT_TIMESTAMP,
        [SQL_TYPE_YEAR] = WT_YEAR,          [SQL_TYPE_ENUM] = WT_STRING,
        [SQL_TYPE_SET] = WT_STRING,         [SQL_TYPE_JSON] = WT_JSON,
    };
    unsigned f = 0;
    memset(m, 0, sizeof *m);
    m->type = t->id < SQL_TYPE_COUNT ? codes[t->id] : WT_NULL;
    m->charset = COLLATION_BINARY;
    if (t->flags & SQL_TYPE_NOT_NULL)
        f |= CF_NOT_NULL;
    if (t->flags & SQL_TYPE_AUTO_INCREMENT)
        f |= CF_AUTO_INCREMENT;

    if (sql_type_is_numeric(t) || t->id == SQL_TYPE_YEAR || t->id == SQL_TYPE_NULL) {
        f |= CF_NUM;
        if (!is_column || t->id == SQL_TYPE_NULL)
            f |= CF_BINARY;
        if (t->flags & (SQL_TYPE_UNSIGNED | SQL_TYPE_ZEROFILL))
            f |= CF_UNSIGNED;
        if (t->flags & SQL_TYPE_ZEROFILL)
            f |= CF_ZEROFILL;
        if (t->id == SQL_TYPE_YEAR)
            f |= CF_UNSIGNED | CF_ZEROFILL;
        m->length = t->id == SQL_TYPE_NULL ? 0 : num_length(t);
        if (t->id == SQL_TYPE_DECIMAL || t->id == SQL_TYPE_FLOAT || t->id == SQL_TYPE_DOUBLE)
            m->decimals = t->scale;
    } else if (t->id == SQL_TYPE_BIT) {
        f |= CF_UNSIGNED;
        if (!is_column)
            f |= CF_BINARY;
        m->length = t->length;
    } else if (sql_type_is_temporal(t)) {
        f |= CF_BINARY;
        if (t->flags & (SQL_TYPE_DEFAULT_NOW | SQL_TYPE_ON_UPDATE_NOW))
            f |= CF_TIMESTAMP;
        if (t->flags & SQL_TYPE_ON_UPDATE_NOW)
            f |= CF_ON_UPDATE_NOW;
        unsigned frac = t->id != SQL_TYPE_DATE && t->fsp ? t->fsp + 1u : 0;
        m->length = (t->id == SQL_TYPE_DATE ? 10 : t->id == SQL_TYPE_TIME ? 10 : 19) + frac;
        m->decimals = t->id == SQL_TYPE_DATE ? 0 : t->fsp;
    } else if (t->id == SQL_TYPE_JSON) {
        f |= CF_BLOB | CF_BINARY;
        m->length = UINT32_MAX;
    } else {
        /* Strings. */
        const struct charset *cs = charset_of(t->coll);
        bool binary = t->coll == COLLATION_BINARY;
        bool blob = m->type == WT_BLOB;
        uint64_t chars;
        if (blob)
            f |= CF_BLOB;
        if (binary)
            f |= CF_BINARY;
        if (t->id == SQL_TYPE_ENUM)
            f |= CF_ENUM;
        if (t->id == SQL_TYPE_SET)
            f |= CF_SET;
        if (t->id == SQL_TYPE_ENUM || t->id == SQL_TYPE_SET)
            chars = members_chars(t, t->id == SQL_TYPE_SET);
        else if (blob)
            chars = blob_bytes(t->id) / (cs->mbminlen ? cs->mbminlen : 1);
        else
            chars = t->length;
        if (binary) {
            m->length = cap32(blob ? blob_bytes(t->id) : chars);
        } else if (result_coll && collation_by_id(result_coll)) {
            /* MySQL converts to character_set_results and reports its charset and length. */
            m->charset = result_coll;
            m->length = cap32(chars * charset_of(result_coll)->mbmaxlen);
        } else {
            m->charset = t->coll;
            m->length = cap32(blob ? blob_bytes(t->id) : chars * cs->mbmaxlen);
        }
        m->decimals = is_column ? 0 : SQL_TYPE_SCALE_NONE;
    }
    m->flags = (uint16_t)f;
}

/* Appends a member as MySQL's append_unescaped() quotes it. */
static int put_quoted(struct buf *out, const char *p, size_t len)
{
    int rc = buf_put_u8(out, '\'');
    for (size_t i = 0; i < len && !rc; i++) {
        const char *esc = NULL;
        switch (p[i]) {
        case 0:
            esc = "\\0";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\032':
            esc = "\\Z";
            break;
        case '\\':
            esc = "\\\\";
            break;
        case '\'':
            esc = "''";
            break;
        }
        rc = esc ? buf_append(out, esc, 2) : buf_put_u8(out, (uint8_t)p[i]);
    }
    return rc ? rc : buf_put_u8(out, '\'');
}

int sql_type_print(const struct sql_type *t, struct buf *out)
{
    static const char *const names[SQL_TYPE_COUNT] = {
        [SQL_TYPE_NULL] = "null",           [SQL_TYPE_TINYINT] = "tinyint",
        [SQL_TYPE_SMALLINT] = "smallint",   [SQL_TYPE_MEDIUMINT] = "mediumint",
        [SQL_TYPE_INT] = "int",             [SQL_TYPE_BIGINT] = "bigint",
        [SQL_TYPE_DECIMAL] = "decimal",     [SQL_TYPE_FLOAT] = "float",
        [SQL_TYPE_DOUBLE] = "double",       [SQL_TYPE_BIT] = "bit",
        [SQL_TYPE_CHAR] = "char",           [SQL_TYPE_VARCHAR] = "varchar",
        [SQL_TYPE_BINARY] = "binary",       [SQL_TYPE_VARBINARY] = "varbinary",
        [SQL_TYPE_TINYTEXT] = "tinytext",   [SQL_TYPE_TEXT] = "text",
        [SQL_TYPE_MEDIUMTEXT] = "mediumtext", [SQL_TYPE_LONGTEXT] = "longtext",
        [SQL_TYPE_TINYBLOB] = "tinyblob",   [SQL_TYPE_BLOB] = "blob",
        [SQL_TYPE_MEDIUMBLOB] = "mediumblob", [SQL_TYPE_LONGBLOB] = "longblob",
        [SQL_TYPE_DATE] = "date",           [SQL_TYPE_TIME] = "time",
        [SQL_TYPE_DATETIME] = "datetime",   [SQL_TYPE_TIMESTAMP] = "timestamp",
        [SQL_TYPE_YEAR] = "year",           [SQL_TYPE_ENUM] = "enum",
        [SQL_TYPE_SET] = "set",             [SQL_TYPE_JSON] = "json",
    };
    char tmp[64];
    int n = 0;
    if (t->id >= SQL_TYPE_COUNT)
        return err_set(ERR_INVALID, "sql_type_print: bad type id %u", t->id);
    const char *name = names[t->id];
    switch (t->id) {
    case SQL_TYPE_TINYINT:
    case SQL_TYPE_SMALLINT:
    case SQL_TYPE_MEDIUMINT:
    case SQL_TYPE_INT:
    case SQL_TYPE_BIGINT:
        /* MySQL 8.0.19+ shows a display width only with ZEROFILL, and for tinyint(1). */
        if (t->flags & SQL_TYPE_ZEROFILL)
            n = snprintf(tmp, sizeof tmp, "%s(%u)", name, (unsigned)int_width(t));
        else if (t->id == SQL_TYPE_TINYINT && t->length == 1)
            n = snprintf(tmp, sizeof tmp, "tinyint(1)");
        else
            n = snprintf(tmp, sizeof tmp, "%s", name);
        break;
    case SQL_TYPE_DECIMAL:
        n = snprintf(tmp, sizeof tmp, "decimal(%u,%u)", t->precision, t->scale);
        break;
    case SQL_TYPE_FLOAT:
    case SQL_TYPE_DOUBLE:
        if (t->scale < SQL_TYPE_SCALE_NONE)
            n = snprintf(tmp, sizeof tmp, "%s(%u,%u)", name, t->precision, t->scale);
        else
            n = snprintf(tmp, sizeof tmp, "%s", name);
        break;
    case SQL_TYPE_BIT:
    case SQL_TYPE_CHAR:
    case SQL_TYPE_VARCHAR:
    case SQL_TYPE_BINARY:
    case SQL_TYPE_VARBINARY:
        n = snprintf(tmp, sizeof tmp, "%s(%" PRIu32 ")", name, t->length);
        break;
    case SQL_TYPE_TIME:
    case SQL_TYPE_DATETIME:
    case SQL_TYPE_TIMESTAMP:
        if (t->fsp)
            n = snprintf(tmp, sizeof tmp, "%s(%u)", name, t->fsp);
        else
            n = snprintf(tmp, sizeof tmp, "%s", name);
        break;
    case SQL_TYPE_ENUM:
    case SQL_TYPE_SET: {
        int rc = buf_append(out, name, strlen(name));
        rc = rc ? rc : buf_put_u8(out, '(');
        for (uint32_t i = 0; i < t->n_members && !rc; i++) {
            if (i)
                rc = buf_put_u8(out, ',');
            if (!rc)
                rc = put_quoted(out, t->members[i].ptr, t->members[i].len);
        }
        return rc ? rc : buf_put_u8(out, ')');
    }
    default:
        n = snprintf(tmp, sizeof tmp, "%s", name);
        break;
    }
    if ((sql_type_is_numeric(t)) && (t->flags & (SQL_TYPE_UNSIGNED | SQL_TYPE_ZEROFILL)))
        n += snprintf(tmp + n, sizeof tmp - (size_t)n, " unsigned");
    if (sql_type_is_numeric(t) && (t->flags & SQL_TYPE_ZEROFILL))
        n += snprintf(tmp + n, sizeof tmp - (size_t)n, " zerofill");
    return buf_append(out, tmp, (size_t)n);
}

uint32_t sql_type_enum_index(const struct sql_type *t, const uint8_t *s, size_t len)
{
    const struct collation *c = collation_by_id(t->coll);
    if (!c)
        c = collation_by_id(COLLATION_BINARY);
    for (uint32_t i = 0; i < t->n_members; i++)
        if (collation_equal(c, (const uint8_t *)t->members[i].ptr, t->members[i].len, s, len))
            return i + 1;
    return 0;
}

int sql_type_set_mask(const struct sql_type *t, const uint8_t *s, size_t len, uint64_t *mask)
{
    *mask = 0;
    if (len == 0)
        return 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != ',')
            continue;
        uint32_t k = sql_type_enum_index(t, s + start, i - start);
        if (k == 0 || k > 64)
            return err_set(ERR_INVALID, "'%.*s' is not a member of the SET", (int)(i - start),
                           (const char *)s + start);
        *mask |= UINT64_C(1) << (k - 1);
        start = i + 1;
    }
    return 0;
}

/* ---- Printing -------------------------------------------------------------- */

_Static_assert(VALUE_TEXT_MAX >= NUMFMT_DOUBLE_MAX, "value text buffers hold any double");

/* A double as MySQL prints it: base/numfmt.h. */
static size_t fmt_double(double d, bool is_float, int decimals, char *out)
{
    return numfmt_double(d, is_float, decimals, out);
}

/* ZEROFILL: left-pads buf (len bytes) with zeros to width. */
static size_t zero_pad(char *buf, size_t len, uint32_t width)
{
    if (width <= len || width >= VALUE_TEXT_MAX || buf[0] == '-')
        return len;
    size_t pad = width - len;
    memmove(buf + pad, buf, len + 1);
    memset(buf, '0', pad);
    return width;
}

size_t value_format(const struct value *v, const struct sql_type *t, char *buf)
{
    size_t n = 0;
    buf[0] = 0;
    switch (v->tag) {
    case VALUE_INT:
        if (t && t->id == SQL_TYPE_YEAR && v->i >= 0 && v->i <= 9999)
            n = (size_t)snprintf(buf, VALUE_TEXT_MAX, "%04" PRId64, v->i);
        else
            n = (size_t)snprintf(buf, VALUE_TEXT_MAX, "%" PRId64, v->i);
        break;
    case VALUE_UINT:
        if (t && t->id == SQL_TYPE_BIT) {
            /* BIT(M) goes out as its bytes, big-endian, as MySQL's Field_bit::val_str. */
            unsigned nb = (t->length ? (t->length + 7) / 8 : 8);
            if (nb > 8)
                nb = 8;
            for (unsigned i = 0; i < nb; i++)
                buf[i] = (char)(uint8_t)(v->u >> (8 * (nb - 1 - i)));
            buf[nb] = 0;
            return nb;
        }
        n = (size_t)snprintf(buf, VALUE_TEXT_MAX, "%" PRIu64, v->u);
        break;
    case VALUE_DOUBLE: {
        bool is_float = t && t->id == SQL_TYPE_FLOAT;
        int dec = SQL_TYPE_SCALE_NONE;
        if (t && (t->id == SQL_TYPE_FLOAT || t->id == SQL_TYPE_DOUBLE))
            dec = t->scale;
        n = fmt_double(v->d, is_float, dec, buf);
        break;
    }
    case VALUE_DECIMAL:
        if (t && t->id == SQL_TYPE_DECIMAL && t->scale <= DECIMAL_MAX_FRAC)
            n = decimal_to_str_scale(&v->dec, t->scale, buf);
        else
            n = decimal_to_str(&v->dec, buf);
        break;
    case VALUE_TEMPORAL: {
        int fsp = t && sql_type_is_temporal(t) ? t->fsp : v->fsp;
        if (fsp > DATETIME_MAX_FSP)
            fsp = DATETIME_MAX_FSP;
        return datetime_to_str(&v->t, fsp, buf);
    }
    default:
        return 0;
    }
    if (t && (t->flags & SQL_TYPE_ZEROFILL) && sql_type_is_numeric(t))
        n = zero_pad(buf, n, num_length(t));
    return n;
}

int value_to_text(const struct value *v, const struct sql_type *t, struct arena *a,
                  const char **s, size_t *len)
{
    char buf[VALUE_TEXT_MAX];
    if (v->tag == VALUE_NULL)
        return err_set(ERR_INVALID, "value_to_text: NULL has no text");
    if (v->tag == VALUE_STRING) {
        *s = (const char *)v->s.ptr;
        *len = v->s.len;
        return 0;
    }
    size_t n = value_format(v, t, buf);
    char *p = arena_memdup(a, buf, n + 1);
    if (!p)
        return err_set(ERR_NOMEM, "value_to_text: out of memory");
    *s = p;
    *len = n;
    return 0;
}

int value_to_string(const struct value *v, const struct sql_type *t, uint16_t coll,
                    struct arena *a, struct value *out)
{
    const char *s;
    size_t len;
    if (v->tag == VALUE_STRING) {
        *out = *v;
        return 0;
    }
    int rc = value_to_text(v, t, a, &s, &len);
    if (rc)
        return rc;
    *out = value_string(s, len, coll);
    return 0;
}

/* ---- Text to numbers ------------------------------------------------------- */

static bool is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool only_spaces(const uint8_t *s, size_t i, size_t len)
{
    while (i < len && is_space(s[i]))
        i++;
    return i == len;
}

/* The text quoted in warnings, cut to a reasonable length. */
#define MSG_TEXT(s, len) (int)((len) > 128 ? 128 : (len)), (const char *)(s)

/*
 * The leading integer of text (my_strtoll10): spaces, a sign, digits. Sets
 * *neg and the magnitude (saturated at UINT64_MAX, *ovf set); returns
 * VALUE_TRUNCATED when there are no digits or something other than spaces
 * follows them.
 */
static int text_int_prefix(const uint8_t *s, size_t len, bool *neg, uint64_t *mag, bool *ovf)
{
    size_t i = 0, d0;
    *neg = false;
    *mag = 0;
    *ovf = false;
    while (i < len && is_space(s[i]))
        i++;
    if (i < len && (s[i] == '-' || s[i] == '+'))
        *neg = s[i++] == '-';
    d0 = i;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
        unsigned dg = (unsigned)(s[i] - '0');
        if (*mag > (UINT64_MAX - dg) / 10) {
            *ovf = true;
            *mag = UINT64_MAX;
        } else if (!*ovf) {
            *mag = *mag * 10 + dg;
        }
    }
    if (i == d0 || !only_spaces(s, i, len))
        return VALUE_TRUNCATED;
    return 0;
}

/*
 * The double of the longest numeric prefix of text (my_strtod). The prefix
 * is rebuilt as "[-]0.DIGITSeN" with at most 500 significant digits (a
 * nonzero digit stands in for any cut ones, so rounding still sees them)
 * and read with strtod, which is correctly rounded. Returns 0,
 * VALUE_TRUNCATED (no number, or something other than spaces after it),
 * VALUE_CLIPPED (beyond the double range: +-DBL_MAX).
 */
static int text_double(const uint8_t *s, size_t len, double *out)
{
    enum { MAXDIG = 500 };
    char buf[MAXDIG + 48];
    size_t i = 0, o = 0;
    int rc = 0;
    long exp10 = 0;
    int nd = 0;
    bool any = false, sticky = false;

    while (i < len && is_space(s[i]))
        i++;
    if (i < len && (s[i] == '-' || s[i] == '+')) {
        if (s[i] == '-')
            buf[o++] = '-';
        i++;
    }
    buf[o++] = '0';
    buf[o++] = '.';
    /* Integer digits. */
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
        any = true;
        if (nd == 0 && s[i] == '0')
            continue;
        if (nd < MAXDIG) {
            buf[o++] = (char)s[i];
            nd++;
        } else if (s[i] != '0') {
            sticky = true;
        }
        exp10++;
    }
    if (i < len && s[i] == '.') {
        size_t j = i + 1;
        bool frac = false;
        for (; j < len && s[j] >= '0' && s[j] <= '9'; j++) {
            frac = true;
            if (nd == 0 && s[j] == '0') {
                exp10--;
                continue;
            }
            if (nd < MAXDIG) {
                buf[o++] = (char)s[j];
                nd++;
            } else if (s[j] != '0') {
                sticky = true;
            }
        }
        if (any || frac) {
            any = true;
            i = j;
        }
    }
    if (!any) {
        *out = 0;
        return VALUE_TRUNCATED;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        bool eneg = false;
        long ev = 0;
        if (j < len && (s[j] == '-' || s[j] == '+'))
            eneg = s[j++] == '-';
        if (j < len && s[j] >= '0' && s[j] <= '9') {
            for (; j < len && s[j] >= '0' && s[j] <= '9'; j++)
                if (ev < 100000)
                    ev = ev * 10 + (s[j] - '0');
            exp10 += eneg ? -ev : ev;
            i = j;
        }
    }
    if (!only_spaces(s, i, len))
        rc = VALUE_TRUNCATED;
    if (nd == 0) {
        *out = buf[0] == '-' ? -0.0 : 0.0;
        return rc;
    }
    if (sticky)
        buf[o++] = '1';
    o += (size_t)snprintf(buf + o, sizeof buf - o, "e%ld", exp10);
    buf[o] = 0;
    double d = strtod(buf, NULL);
    if (isinf(d)) {
        d = d < 0 ? -DBL_MAX : DBL_MAX;
        rc |= VALUE_CLIPPED;
    }
    *out = d;
    return rc;
}

/* ---- Conversions ----------------------------------------------------------- */

/* Rounds a double to an integer as MySQL's llrint (ties to even), clipped. */
static int double_to_i64(double d, int64_t *out)
{
    d = rint(d);
    if (isnan(d)) {
        *out = 0;
        return VALUE_CLIPPED;
    }
    if (d >= 9223372036854775808.0) {
        *out = INT64_MAX;
        return VALUE_CLIPPED;
    }
    if (d < -9223372036854775808.0) {
        *out = INT64_MIN;
        return VALUE_CLIPPED;
    }
    *out = (int64_t)d;
    return 0;
}

static int double_to_u64(double d, uint64_t *out)
{
    d = rint(d);
    if (isnan(d) || d < 0) {
        *out = 0;
        return d == 0 ? 0 : VALUE_CLIPPED;
    }
    if (d >= 18446744073709551616.0) {
        *out = UINT64_MAX;
        return VALUE_CLIPPED;
    }
    *out = (uint64_t)d;
    return 0;
}

/* Text as a whole number, rounded (VALUE_CONV_STORE): through a decimal. */
static int text_store_decimal(const struct value *v, struct decimal *d)
{
    int rc = decimal_from_str(d, (const char *)v->s.ptr, v->s.len, DECIMAL_PARSE_EXP);
    if (rc == DECIMAL_BAD_NUM || (rc > 0 && (rc & DECIMAL_TRAILING)))
        return VALUE_TRUNCATED;
    if (rc == DECIMAL_OVERFLOW)
        return VALUE_CLIPPED;
    return 0;
}

int value_to_int64(const struct value *v, unsigned flags, int64_t *out)
{
    int rc = 0;
    *out = 0;
    switch (v->tag) {
    case VALUE_INT:
        *out = v->i;
        return 0;
    case VALUE_UINT:
        if (v->u > (uint64_t)INT64_MAX) {
            *out = INT64_MAX;
            return err_set(VALUE_CLIPPED, "BIGINT value is out of range");
        }
        *out = (int64_t)v->u;
        return 0;
    case VALUE_DOUBLE:
        rc = double_to_i64(v->d, out);
        return rc ? err_set(rc, "BIGINT value is out of range") : 0;
    case VALUE_DECIMAL:
        if (decimal_to_int64(&v->dec, out) < 0)
            return err_set(VALUE_CLIPPED, "BIGINT value is out of range");
        return 0;
    case VALUE_TEMPORAL:
        *out = datetime_to_int(&v->t);
        return 0;
    case VALUE_STRING:
        if (flags & VALUE_CONV_STORE) {
            struct decimal d;
            rc = text_store_decimal(v, &d);
            if (decimal_to_int64(&d, out) < 0)
                rc |= VALUE_CLIPPED;
        } else {
            bool neg, ovf;
            uint64_t mag;
            rc = text_int_prefix(v->s.ptr, v->s.len, &neg, &mag, &ovf);
            if (neg) {
                if (mag > (uint64_t)INT64_MAX + 1) {
                    *out = INT64_MIN;
                    rc |= VALUE_CLIPPED;
                } else {
                    *out = (int64_t)(0 - mag);
                }
            } else if (mag > (uint64_t)INT64_MAX) {
                *out = INT64_MAX;
                rc |= VALUE_CLIPPED;
            } else {
                *out = (int64_t)mag;
            }
        }
        if (rc)
            err_set(rc, "Truncated incorrect INTEGER value: '%.*s'", MSG_TEXT(v->s.ptr, v->s.len));
        return rc;
    default:
        return err_set(ERR_INVALID, "value_to_int64: NULL");
    }
}

int value_to_uint64(const struct value *v, unsigned flags, uint64_t *out)
{
    int rc = 0;
    *out = 0;
    switch (v->tag) {
    case VALUE_INT:
        if (v->i < 0)
            return err_set(VALUE_CLIPPED, "BIGINT UNSIGNED value is out of range");
        *out = (uint64_t)v->i;
        return 0;
    case VALUE_UINT:
        *out = v->u;
        return 0;
    case VALUE_DOUBLE:
        rc = double_to_u64(v->d, out);
        return rc ? err_set(rc, "BIGINT UNSIGNED value is out of range") : 0;
    case VALUE_DECIMAL:
        if (decimal_to_uint64(&v->dec, out) < 0)
            return err_set(VALUE_CLIPPED, "BIGINT UNSIGNED value is out of range");
        return 0;
    case VALUE_TEMPORAL: {
        int64_t i = datetime_to_int(&v->t);
        if (i < 0)
            return err_set(VALUE_CLIPPED, "BIGINT UNSIGNED value is out of range");
        *out = (uint64_t)i;
        return 0;
    }
    case VALUE_STRING:
        if (flags & VALUE_CONV_STORE) {
            struct decimal d;
            rc = text_store_decimal(v, &d);
            if (decimal_to_uint64(&d, out) < 0)
                rc |= VALUE_CLIPPED;
        } else {
            bool neg, ovf;
            uint64_t mag;
            rc = text_int_prefix(v->s.ptr, v->s.len, &neg, &mag, &ovf);
            if (neg && mag) {
                *out = 0;
                rc |= VALUE_CLIPPED;
            } else {
                *out = neg ? 0 : mag;
                if (ovf)
                    rc |= VALUE_CLIPPED;
            }
        }
        if (rc)
            err_set(rc, "Truncated incorrect INTEGER value: '%.*s'", MSG_TEXT(v->s.ptr, v->s.len));
        return rc;
    default:
        return err_set(ERR_INVALID, "value_to_uint64: NULL");
    }
}

int value_to_double(const struct value *v, double *out)
{
    int rc;
    *out = 0;
    switch (v->tag) {
    case VALUE_INT:
        *out = (double)v->i;
        return 0;
    case VALUE_UINT:
        *out = (double)v->u;
        return 0;
    case VALUE_DOUBLE:
        *out = v->d;
        return 0;
    case VALUE_DECIMAL:
        *out = decimal_to_double(&v->dec);
        return 0;
    case VALUE_TEMPORAL:
        *out = datetime_to_double(&v->t);
        return 0;
    case VALUE_STRING:
        rc = text_double(v->s.ptr, v->s.len, out);
        if (rc)
            err_set(rc, "Truncated incorrect DOUBLE value: '%.*s'", MSG_TEXT(v->s.ptr, v->s.len));
        return rc;
    default:
        return err_set(ERR_INVALID, "value_to_double: NULL");
    }
}

int value_to_decimal(const struct value *v, struct decimal *out)
{
    int rc;
    switch (v->tag) {
    case VALUE_INT:
        decimal_from_int64(out, v->i);
        return 0;
    case VALUE_UINT:
        decimal_from_uint64(out, v->u);
        return 0;
    case VALUE_DOUBLE:
        rc = decimal_from_double(out, v->d);
        if (rc == DECIMAL_OVERFLOW)
            return err_set(VALUE_CLIPPED, "DECIMAL value is out of range");
        if (rc < 0)
            return err_set(ERR_INVALID, "value_to_decimal: not a number");
        return 0;
    case VALUE_DECIMAL:
        *out = v->dec;
        return 0;
    case VALUE_TEMPORAL: {
        char buf[DATETIME_STR_MAX];
        size_t n = datetime_to_num_str(&v->t, v->fsp > DATETIME_MAX_FSP ? 0 : v->fsp, buf);
        rc = decimal_from_str(out, buf, n, 0);
        return rc < 0 ? err_set(ERR_INVALID, "value_to_decimal: bad temporal value") : 0;
    }
    case VALUE_STRING:
        rc = decimal_from_str(out, (const char *)v->s.ptr, v->s.len, DECIMAL_PARSE_EXP);
        if (rc == DECIMAL_BAD_NUM || (rc > 0 && (rc & DECIMAL_TRAILING)))
            rc = VALUE_TRUNCATED;
        else if (rc == DECIMAL_OVERFLOW)
            rc = VALUE_CLIPPED;
        else
            rc = 0;
        if (rc)
            err_set(rc, "Truncated incorrect DECIMAL value: '%.*s'", MSG_TEXT(v->s.ptr, v->s.len));
        return rc;
    default:
        return err_set(ERR_INVALID, "value_to_decimal: NULL");
    }
}

/* Folds a note into a running status, or returns the error. */
static int fold(int acc, int rc) { return rc < 0 ? rc : acc | rc; }

/* Number parts (sign, integer part, nanoseconds) of a numeric value, for the temporal parsers. */
static int num_parts(const struct value *v, int *neg, uint64_t *ip, uint32_t *ns)
{
    char buf[DECIMAL_STR_MAX];
    *neg = 0;
    *ip = 0;
    *ns = 0;
    switch (v->tag) {
    case VALUE_INT:
        *neg = v->i < 0;
        *ip = v->i < 0 ? 0 - (uint64_t)v->i : (uint64_t)v->i;
        return 0;
    case VALUE_UINT:
        *ip = v->u;
        return 0;
    case VALUE_DOUBLE:
        return datetime_split_double(v->d, neg, ip, ns);
    case VALUE_DECIMAL: {
        /* Integer part (at most 19 digits) and the first nine fractional digits, cut. */
        size_t n = decimal_to_str(&v->dec, buf), i = 0;
        int nd = 0;
        if (buf[0] == '-') {
            *neg = 1;
            i++;
        }
        for (; i < n && buf[i] != '.'; i++, nd++) {
            if (nd >= 19)
                return err_set(DATETIME_INVALID, "Incorrect datetime value: '%s'", buf);
            *ip = *ip * 10 + (uint64_t)(buf[i] - '0');
        }
        uint32_t scale = 100000000;
        for (i++; i < n && scale; i++, scale /= 10)
            *ns += (uint32_t)(buf[i] - '0') * scale;
        return 0;
    }
    default:
        return ERR_INVALID;
    }
}

int value_to_datetime(const struct value *v, enum datetime_type type, int fsp, unsigned flags,
                      const struct datetime_tz *tz, const struct datetime *curdate,
                      struct datetime *out)
{
    enum datetime_type fit = type == DATETIME_TYPE_TIMESTAMP ? DATETIME_TYPE_DATETIME : type;
    int rc = 0, neg;
    uint64_t ip;
    uint32_t ns;

    if (type != DATETIME_TYPE_DATE && type != DATETIME_TYPE_DATETIME &&
        type != DATETIME_TYPE_TIMESTAMP && type != DATETIME_TYPE_TIME)
        return err_set(ERR_INVALID, "value_to_datetime: not a temporal type");
    if (fsp < 0 || fsp > DATETIME_MAX_FSP)
        return err_set(ERR_INVALID, "value_to_datetime: bad fsp %d", fsp);
    datetime_set_zero(out, type == DATETIME_TYPE_TIME ? DATETIME_KIND_TIME
                           : type == DATETIME_TYPE_DATE ? DATETIME_KIND_DATE
                                                        : DATETIME_KIND_DATETIME);
    switch (v->tag) {
    case VALUE_STRING:
        if (type == DATETIME_TYPE_TIME) {
            rc = datetime_time_from_str((const char *)v->s.ptr, v->s.len, flags, fsp, out);
            if (rc >= 0 && out->kind != DATETIME_KIND_TIME)
                datetime_to_time(out);
            return rc;
        }
        rc = datetime_from_str((const char *)v->s.ptr, v->s.len, flags,
                               type == DATETIME_TYPE_DATE ? DATETIME_MAX_FSP : fsp, tz, out);
        if (rc < 0)
            return rc;
        return fold(rc, datetime_fit(out, fit, fsp, flags, curdate));
    case VALUE_INT:
    case VALUE_UINT:
    case VALUE_DOUBLE:
    case VALUE_DECIMAL:
        if ((rc = num_parts(v, &neg, &ip, &ns)) < 0)
            return rc;
        if (type == DATETIME_TYPE_TIME) {
            rc = datetime_time_from_num(neg, ip, ns, flags, fsp, out);
            if (rc >= 0 && out->kind != DATETIME_KIND_TIME)
                datetime_to_time(out);
            return rc;
        }
        if (neg || ip > (uint64_t)INT64_MAX) {
            char buf[VALUE_TEXT_MAX];
            value_format(v, NULL, buf);
            return err_set(DATETIME_INVALID, "Incorrect datetime value: '%s'", buf);
        }
        rc = datetime_from_num((int64_t)ip, ns, flags,
                               type == DATETIME_TYPE_DATE ? DATETIME_MAX_FSP : fsp, out);
        if (rc < 0)
            return rc;
        return fold(rc, datetime_fit(out, fit, fsp, flags, curdate));
    case VALUE_TEMPORAL:
        *out = v->t;
        return datetime_fit(out, fit, fsp, flags, curdate);
    default:
        return err_set(ERR_INVALID, "value_to_datetime: NULL");
    }
}

/* ---- Comparison ------------------------------------------------------------ */

static int sign3(int c) { return (c > 0) - (c < 0); }

/* Exact comparison of two integer values (INT or UINT). */
static int cmp_ints(const struct value *a, const struct value *b)
{
    if (a->tag == VALUE_INT && b->tag == VALUE_INT)
        return (a->i > b->i) - (a->i < b->i);
    if (a->tag == VALUE_UINT && b->tag == VALUE_UINT)
        return (a->u > b->u) - (a->u < b->u);
    if (a->tag == VALUE_INT) /* b unsigned */
        return a->i < 0 ? -1 : ((uint64_t)a->i > b->u) - ((uint64_t)a->i < b->u);
    return -cmp_ints(b, a);
}

static bool is_int_tag(uint8_t t) { return t == VALUE_INT || t == VALUE_UINT; }

/*
 * v as a temporal value for comparison: TEMPORAL as is, text parsed as a
 * TIME (as_time) or DATETIME, numbers converted; failures give the zero
 * value and VALUE_TRUNCATED, with datetime.h's message.
 */
static int cmp_temporal_of(const struct value *v, bool as_time, const struct value_cmp *how,
                           struct datetime *out)
{
    int rc;
    if (v->tag == VALUE_TEMPORAL) {
        *out = v->t;
        return 0;
    }
    if (v->tag == VALUE_STRING) {
        if (as_time)
            rc = datetime_time_from_str((const char *)v->s.ptr, v->s.len, how->dt_flags,
                                        DATETIME_MAX_FSP, out);
        else
            rc = datetime_from_str((const char *)v->s.ptr, v->s.len,
                                   how->dt_flags | DATETIME_INVALID_DATES, DATETIME_MAX_FSP,
                                   how->tz, out);
    } else {
        rc = value_to_datetime(v, as_time ? DATETIME_TYPE_TIME : DATETIME_TYPE_DATETIME,
                               DATETIME_MAX_FSP, how->dt_flags | DATETIME_INVALID_DATES, how->tz,
                               how->curdate, out);
    }
    if (rc < 0) {
        datetime_set_zero(out, as_time ? DATETIME_KIND_TIME : DATETIME_KIND_DATETIME);
        return VALUE_TRUNCATED;
    }
    return rc ? VALUE_TRUNCATED : 0;
}

/* Compares two temporal values: DATE/DATETIME together, TIME with TIME, mixed on curdate. */
static int cmp_datetimes(struct datetime *x, struct datetime *y, const struct value_cmp *how,
                         int *res)
{
    bool tx = x->kind == DATETIME_KIND_TIME, ty = y->kind == DATETIME_KIND_TIME;
    if (tx != ty) {
        struct datetime *t = tx ? x : y, tmp;
        if (!how->curdate)
            return err_set(ERR_INVALID, "comparing a TIME with a date needs CURDATE()");
        if (datetime_time_to_datetime(t, how->curdate, &tmp) < 0)
            return err_set(ERR_INVALID, "TIME out of range on CURDATE()");
        *t = tmp;
    }
    *res = datetime_cmp(x, y);
    return 0;
}

int value_compare(const struct value *a, const struct value *b, const struct value_cmp *how,
                  int *result)
{
    static const struct value_cmp auto_cmp;
    int rc = 0, as;
    *result = 0;
    if (!how)
        how = &auto_cmp;
    if (a->tag == VALUE_NULL || b->tag == VALUE_NULL) {
        *result = (a->tag != VALUE_NULL) - (b->tag != VALUE_NULL);
        return 0;
    }
    as = how->as;
    if (as == VALUE_CMP_AUTO) {
        uint8_t ta = a->tag, tb = b->tag;
        if (is_int_tag(ta) && is_int_tag(tb))
            as = VALUE_CMP_INT;
        else if ((ta == VALUE_DECIMAL || is_int_tag(ta)) && (tb == VALUE_DECIMAL || is_int_tag(tb)))
            as = VALUE_CMP_DECIMAL;
        else if (ta == VALUE_STRING && tb == VALUE_STRING)
            as = VALUE_CMP_STRING;
        else if ((ta == VALUE_TEMPORAL && (tb == VALUE_TEMPORAL || tb == VALUE_STRING)) ||
                 (tb == VALUE_TEMPORAL && ta == VALUE_STRING)) {
            const struct value *t = ta == VALUE_TEMPORAL ? a : b;
            const struct value *o = t == a ? b : a;
            /* Text against a TIME is read as a TIME; otherwise as a DATETIME. */
            as = (o->tag == VALUE_STRING && t->t.kind == DATETIME_KIND_TIME) ? VALUE_CMP_TIME
                 : (o->tag == VALUE_TEMPORAL && t->t.kind == DATETIME_KIND_TIME &&
                    o->t.kind == DATETIME_KIND_TIME)
                     ? VALUE_CMP_TIME
                     : VALUE_CMP_DATETIME;
            if (o->tag == VALUE_TEMPORAL) {
                struct datetime x = a->t, y = b->t;
                return cmp_datetimes(&x, &y, how, result);
            }
        } else {
            as = VALUE_CMP_DOUBLE;
        }
    }

    switch (as) {
    case VALUE_CMP_INT:
        if (is_int_tag(a->tag) && is_int_tag(b->tag)) {
            *result = cmp_ints(a, b);
            return 0;
        } else {
            struct value x = *a, y = *b;
            int64_t i;
            if (!is_int_tag(x.tag)) {
                rc = fold(rc, value_to_int64(a, 0, &i));
                x = value_int(i);
            }
            if (!is_int_tag(y.tag)) {
                rc = fold(rc, value_to_int64(b, 0, &i));
                y = value_int(i);
            }
            if (rc < 0)
                return rc;
            *result = cmp_ints(&x, &y);
            return rc;
        }
    case VALUE_CMP_DECIMAL: {
        struct decimal x, y;
        rc = fold(rc, value_to_decimal(a, &x));
        rc = fold(rc, value_to_decimal(b, &y));
        if (rc < 0)
            return rc;
        *result = decimal_cmp(&x, &y);
        return rc;
    }
    case VALUE_CMP_DOUBLE: {
        double x, y;
        rc = fold(rc, value_to_double(a, &x));
        rc = fold(rc, value_to_double(b, &y));
        if (rc < 0)
            return rc;
        *result = (x > y) - (x < y);
        return rc;
    }
    case VALUE_CMP_STRING: {
        char bx[VALUE_TEXT_MAX], by[VALUE_TEXT_MAX];
        const uint8_t *px, *py;
        size_t nx, ny;
        uint16_t coll = how->coll;
        if (a->tag == VALUE_STRING) {
            px = a->s.ptr;
            nx = a->s.len;
            if (!coll)
                coll = a->s.coll;
        } else {
            nx = value_format(a, NULL, bx);
            px = (const uint8_t *)bx;
        }
        if (b->tag == VALUE_STRING) {
            py = b->s.ptr;
            ny = b->s.len;
            if (!coll)
                coll = b->s.coll;
        } else {
            ny = value_format(b, NULL, by);
            py = (const uint8_t *)by;
        }
        const struct collation *c = collation_by_id(coll);
        if (!c)
            c = collation_by_id(COLLATION_BINARY);
        *result = sign3(collation_compare(c, px, nx, py, ny));
        return 0;
    }
    case VALUE_CMP_DATETIME:
    case VALUE_CMP_TIME: {
        struct datetime x, y;
        bool as_time = as == VALUE_CMP_TIME;
        rc |= cmp_temporal_of(a, as_time, how, &x);
        rc |= cmp_temporal_of(b, as_time, how, &y);
        if (as_time) {
            if (x.kind != DATETIME_KIND_TIME)
                datetime_to_time(&x);
            if (y.kind != DATETIME_KIND_TIME)
                datetime_to_time(&y);
        }
        int r = cmp_datetimes(&x, &y, how, result);
        return r < 0 ? r : rc;
    }
    default:
        return err_set(ERR_INVALID, "value_compare: bad comparison type %d", as);
    }
}
