/*
 * wire.c: encoders and decoders of the MySQL client/server protocol (see
 * wire.h). Every function works on caller-provided bytes or a struct buf and
 * keeps no state, so the connection code, the unit tests and the fuzzer share
 * exactly the same code paths.
 *
 * Decoders use struct wire_rd, a cursor that refuses to move past the end and
 * remembers that it tried (bad), so a parser can read a whole structure and
 * check once at the end. Values that the protocol sends as text (decimals,
 * floats, dates in the text protocol) are rendered here in MySQL 8's formats.
 */
#include "server/wire.h"

#include "base/numfmt.h"

#include "base/coding.h"
#include "base/err.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Reading. ---- */

const uint8_t *wire_rd_bytes(struct wire_rd *r, size_t n)
{
    if (r->bad || wire_rd_left(r) < n) {
        r->bad = 1;
        r->p = r->end;
        return NULL;
    }
    const uint8_t *p = r->p;
    r->p += n;
    return p;
}

uint8_t wire_rd_u8(struct wire_rd *r)
{
    const uint8_t *p = wire_rd_bytes(r, 1);
    return p ? p[0] : 0;
}

uint16_t wire_rd_u16(struct wire_rd *r)
{
    const uint8_t *p = wire_rd_bytes(r, 2);
    return p ? (uint16_t)(p[0] | p[1] << 8) : 0;
}

uint32_t wire_rd_u24(struct wire_rd *r)
{
    const uint8_t *p = wire_rd_bytes(r, 3);
    return p ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 : 0;
}

uint32_t wire_rd_u32(struct wire_rd *r)
{
    const uint8_t *p = wire_rd_bytes(r, 4);
    return p ? le32_get(p) : 0;
}

uint64_t wire_rd_u64(struct wire_rd *r)
{
    const uint8_t *p = wire_rd_bytes(r, 8);
    return p ? le64_get(p) : 0;
}

uint64_t wire_rd_lenenc(struct wire_rd *r, int *is_null)
{
    if (is_null)
        *is_null = 0;
    uint8_t b = wire_rd_u8(r);
    if (b < 0xfb)
        return b;
    switch (b) {
    case 0xfb:
        if (is_null)
            *is_null = 1;
        else
            r->bad = 1;
        return 0;
    case 0xfc:
        return wire_rd_u16(r);
    case 0xfd:
        return wire_rd_u24(r);
    case 0xfe:
        return wire_rd_u64(r);
    default: /* 0xff is an error-packet marker, never a length. */
        r->bad = 1;
        r->p = r->end;
        return 0;
    }
}

const uint8_t *wire_rd_lenstr(struct wire_rd *r, size_t *len)
{
    uint64_t n = wire_rd_lenenc(r, NULL);
    *len = 0;
    if (r->bad)
        return NULL;
    if (n > wire_rd_left(r)) {
        r->bad = 1;
        r->p = r->end;
        return NULL;
    }
    *len = (size_t)n;
    return wire_rd_bytes(r, (size_t)n);
}

const char *wire_rd_nulstr(struct wire_rd *r, size_t *len)
{
    *len = 0;
    if (r->bad)
        return NULL;
    const uint8_t *z = memchr(r->p, 0, wire_rd_left(r));
    if (!z) {
        r->bad = 1;
        r->p = r->end;
        return NULL;
    }
    const char *s = (const char *)r->p;
    *len = (size_t)(z - r->p);
    r->p = z + 1;
    return s;
}

/* ---- Framing. ---- */

int wire_packet_scan(const uint8_t *p, size_t len, uint8_t seq, uint64_t max_payload,
                     size_t *wire_len, size_t *payload_len, uint8_t *next_seq)
{
    size_t off = 0;
    uint64_t total = 0;
    for (;;) {
        if (len - off < 4)
            return WIRE_SCAN_MORE;
        uint32_t n = (uint32_t)p[off] | (uint32_t)p[off + 1] << 8 | (uint32_t)p[off + 2] << 16;
        if (p[off + 3] != seq)
            return WIRE_SCAN_BAD_SEQ;
        total += n;
        if (total > max_payload)
            return WIRE_SCAN_TOO_BIG;
        seq++;
        if (len - off - 4 < n)
            return WIRE_SCAN_MORE;
        off += 4 + (size_t)n;
        if (n < WIRE_MAX_CHUNK) {
            *wire_len = off;
            *payload_len = (size_t)total;
            *next_seq = seq;
            return WIRE_SCAN_OK;
        }
    }
}

void wire_packet_join(const uint8_t *p, size_t wire_len, uint8_t *dst)
{
    size_t off = 0;
    while (off + 4 <= wire_len) {
        size_t n = (size_t)p[off] | (size_t)p[off + 1] << 8 | (size_t)p[off + 2] << 16;
        if (n > wire_len - off - 4)
            n = wire_len - off - 4; /* Only reachable if the caller lied about wire_len. */
        memcpy(dst, p + off + 4, n);
        dst += n;
        off += 4 + n;
    }
}

int wire_pkt_begin(struct buf *b, size_t *start)
{
    int rc = buf_reserve(b, 4);
    if (rc)
        return rc;
    *start = b->len;
    b->len += 4;
    return 0;
}

static void put_header(uint8_t *h, size_t n, uint8_t seq)
{
    h[0] = (uint8_t)n;
    h[1] = (uint8_t)(n >> 8);
    h[2] = (uint8_t)(n >> 16);
    h[3] = seq;
}

int wire_pkt_end(struct buf *b, size_t start, uint8_t *seq)
{
    size_t payload = b->len - start - 4;
    if (payload < WIRE_MAX_CHUNK) {
        put_header(b->data + start, payload, (*seq)++);
        return 0;
    }
    /* k full chunks and a last one of payload % 0xFFFFFF bytes (maybe empty). */
    size_t k = payload / WIRE_MAX_CHUNK;
    int rc = buf_reserve(b, k * 4);
    if (rc)
        return rc;
    b->len += k * 4;
    /* Move chunks from the last backwards: chunk i shifts right by 4*i bytes. */
    for (size_t i = k; i >= 1; i--) {
        size_t src = start + 4 + i * WIRE_MAX_CHUNK;
        size_t n = i == k ? payload - k * WIRE_MAX_CHUNK : WIRE_MAX_CHUNK;
        memmove(b->data + src + 4 * i, b->data + src, n);
    }
    for (size_t i = 0; i <= k; i++) {
        size_t n = i == k ? payload - k * WIRE_MAX_CHUNK : WIRE_MAX_CHUNK;
        put_header(b->data + start + i * (WIRE_MAX_CHUNK + 4), n, (*seq)++);
    }
    return 0;
}

/* ---- Primitive encoders. ---- */

int wire_put_u16(struct buf *b, uint16_t v)
{
    uint8_t t[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    return buf_append(b, t, 2);
}

int wire_put_u24(struct buf *b, uint32_t v)
{
    uint8_t t[3] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16)};
    return buf_append(b, t, 3);
}

int wire_put_lenenc(struct buf *b, uint64_t v)
{
    uint8_t t[9];
    size_t n;
    if (v < 251) {
        t[0] = (uint8_t)v;
        n = 1;
    } else if (v < 0x10000) {
        t[0] = 0xfc;
        t[1] = (uint8_t)v;
        t[2] = (uint8_t)(v >> 8);
        n = 3;
    } else if (v < 0x1000000) {
        t[0] = 0xfd;
        t[1] = (uint8_t)v;
        t[2] = (uint8_t)(v >> 8);
        t[3] = (uint8_t)(v >> 16);
        n = 4;
    } else {
        t[0] = 0xfe;
        le64_put(t + 1, v);
        n = 9;
    }
    return buf_append(b, t, n);
}

int wire_put_lenstr(struct buf *b, const void *p, size_t len)
{
    int rc = buf_reserve(b, len + 9);
    if (rc)
        return rc;
    wire_put_lenenc(b, len);
    if (len)
        memcpy(b->data + b->len, p, len);
    b->len += len;
    return 0;
}

int wire_put_lencstr(struct buf *b, const char *s)
{
    return wire_put_lenstr(b, s ? s : "", s ? strlen(s) : 0);
}

/* ---- Generic packets. ---- */

int wire_put_ok(struct buf *b, uint32_t caps, uint8_t header, uint64_t affected, uint64_t insert_id,
                uint16_t status, uint16_t warnings, const char *info)
{
    int rc = buf_put_u8(b, header);
    if (!rc)
        rc = wire_put_lenenc(b, affected);
    if (!rc)
        rc = wire_put_lenenc(b, insert_id);
    if (!rc)
        rc = wire_put_u16(b, status);
    if (!rc)
        rc = wire_put_u16(b, warnings);
    if (rc || !info || !info[0])
        return rc;
    /* With SESSION_TRACK the info is length-encoded; we send no state-change data. */
    if (caps & SERVER_CLIENT_SESSION_TRACK)
        return wire_put_lencstr(b, info);
    return buf_append(b, info, strlen(info));
}

int wire_put_err(struct buf *b, uint16_t code, const char *sqlstate, const char *msg)
{
    size_t n = msg ? strlen(msg) : 0;
    if (n > 512)
        n = 512;
    char st[5] = {'H', 'Y', '0', '0', '0'};
    if (sqlstate && strlen(sqlstate) == 5)
        memcpy(st, sqlstate, 5);
    int rc = buf_reserve(b, 9 + n);
    if (rc)
        return rc;
    buf_put_u8(b, 0xff);
    wire_put_u16(b, code);
    buf_put_u8(b, '#');
    buf_append(b, st, 5);
    return buf_append(b, msg, n);
}

int wire_put_eof(struct buf *b, uint16_t warnings, uint16_t status)
{
    uint8_t t[5] = {0xfe, (uint8_t)warnings, (uint8_t)(warnings >> 8), (uint8_t)status,
                    (uint8_t)(status >> 8)};
    return buf_append(b, t, 5);
}

/* ---- Connection phase. ---- */

int wire_put_handshake(struct buf *b, const struct wire_handshake *hs)
{
    static const uint8_t zeros[10];
    size_t vlen = strlen(hs->version);
    size_t plen = hs->plugin ? strlen(hs->plugin) : 0;
    int rc = buf_reserve(b, 64 + vlen + plen);
    if (rc)
        return rc;
    buf_put_u8(b, 10);
    buf_append(b, hs->version, vlen + 1);
    buf_put_u32le(b, hs->conn_id);
    buf_append(b, hs->scramble, 8);
    buf_put_u8(b, 0);
    wire_put_u16(b, (uint16_t)hs->caps);
    buf_put_u8(b, hs->charset);
    wire_put_u16(b, hs->status);
    wire_put_u16(b, (uint16_t)(hs->caps >> 16));
    buf_put_u8(b, (hs->caps & SERVER_CLIENT_PLUGIN_AUTH) ? WIRE_SCRAMBLE_LEN + 1 : 0);
    buf_append(b, zeros, 10);
    /* The second part is 12 bytes plus a NUL: some clients read it as a C string. */
    buf_append(b, hs->scramble + 8, WIRE_SCRAMBLE_LEN - 8);
    buf_put_u8(b, 0);
    if (hs->caps & SERVER_CLIENT_PLUGIN_AUTH)
        buf_append(b, hs->plugin ? hs->plugin : "", plen + 1);
    return 0;
}

/* Counts the pairs of an attribute block; -1 if malformed. */
static int64_t count_attrs(const uint8_t *p, size_t len)
{
    struct wire_rd r;
    wire_rd_init(&r, p, len);
    int64_t n = 0;
    while (wire_rd_left(&r) > 0) {
        size_t kl, vl;
        wire_rd_lenstr(&r, &kl);
        wire_rd_lenstr(&r, &vl);
        if (r.bad)
            return -1;
        n++;
    }
    return n;
}

int wire_parse_handshake_response(const uint8_t *p, size_t len, uint32_t server_caps,
                                  struct wire_hs_response *out)
{
    struct wire_rd r;
    memset(out, 0, sizeof *out);
    wire_rd_init(&r, p, len);
    out->caps = wire_rd_u32(&r);
    if (r.bad || !(out->caps & SERVER_CLIENT_PROTOCOL_41))
        return err_set(ERR_PROTOCOL, "handshake response: not protocol 4.1");
    out->max_packet = wire_rd_u32(&r);
    out->charset = wire_rd_u8(&r);
    wire_rd_bytes(&r, 23);
    if (r.bad)
        return err_set(ERR_PROTOCOL, "handshake response: truncated");
    if (wire_rd_left(&r) == 0 && (out->caps & SERVER_CLIENT_SSL))
        return err_set(ERR_PROTOCOL, "handshake response: SSL requested but not offered");
    uint32_t caps = out->caps & server_caps;
    out->user = wire_rd_nulstr(&r, &out->user_len);
    if (r.bad)
        return err_set(ERR_PROTOCOL, "handshake response: bad user name");
    if (caps & SERVER_CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA) {
        out->auth = wire_rd_lenstr(&r, &out->auth_len);
    } else if (caps & SERVER_CLIENT_SECURE_CONNECTION) {
        out->auth_len = wire_rd_u8(&r);
        out->auth = wire_rd_bytes(&r, out->auth_len);
    } else {
        out->auth = (const uint8_t *)wire_rd_nulstr(&r, &out->auth_len);
    }
    if (r.bad)
        return err_set(ERR_PROTOCOL, "handshake response: bad auth response");
    if ((caps & SERVER_CLIENT_CONNECT_WITH_DB) && wire_rd_left(&r) > 0) {
        out->db = wire_rd_nulstr(&r, &out->db_len);
        if (r.bad)
            return err_set(ERR_PROTOCOL, "handshake response: bad database name");
    }
    if ((caps & SERVER_CLIENT_PLUGIN_AUTH) && wire_rd_left(&r) > 0) {
        out->plugin = wire_rd_nulstr(&r, &out->plugin_len);
        if (r.bad)
            return err_set(ERR_PROTOCOL, "handshake response: bad plugin name");
    }
    if ((caps & SERVER_CLIENT_CONNECT_ATTRS) && wire_rd_left(&r) > 0) {
        out->attrs = wire_rd_lenstr(&r, &out->attrs_len);
        if (r.bad)
            return err_set(ERR_PROTOCOL, "handshake response: bad attribute length");
        int64_t n = count_attrs(out->attrs, out->attrs_len);
        if (n < 0 || n > 65536)
            return err_set(ERR_PROTOCOL, "handshake response: malformed attributes");
        out->n_attrs = (uint32_t)n;
    }
    return 0;
}

int wire_parse_attrs(const uint8_t *p, size_t len, struct wire_slice *kv, size_t cap)
{
    struct wire_rd r;
    wire_rd_init(&r, p, len);
    size_t n = 0;
    while (wire_rd_left(&r) > 0) {
        struct wire_slice k, v;
        k.p = wire_rd_lenstr(&r, &k.len);
        v.p = wire_rd_lenstr(&r, &v.len);
        if (r.bad)
            return -1;
        if (n < cap) {
            kv[2 * n] = k;
            kv[2 * n + 1] = v;
        }
        n++;
    }
    return n <= cap ? (int)n : (int)cap;
}

/* ---- Result sets. ---- */

int wire_put_coldef(struct buf *b, const struct server_column *c, int with_default)
{
    int rc = wire_put_lenstr(b, "def", 3);
    if (!rc)
        rc = wire_put_lencstr(b, c->db);
    if (!rc)
        rc = wire_put_lencstr(b, c->table);
    if (!rc)
        rc = wire_put_lencstr(b, c->org_table);
    if (!rc)
        rc = wire_put_lencstr(b, c->name);
    if (!rc)
        rc = wire_put_lencstr(b, c->org_name);
    if (rc)
        return rc;
    uint8_t t[13];
    t[0] = 0x0c;
    t[1] = (uint8_t)c->charset;
    t[2] = (uint8_t)(c->charset >> 8);
    le32_put(t + 3, c->length);
    t[7] = c->type;
    t[8] = (uint8_t)c->flags;
    t[9] = (uint8_t)(c->flags >> 8);
    t[10] = c->decimals;
    t[11] = 0;
    t[12] = 0;
    rc = buf_append(b, t, 13);
    if (!rc && with_default)
        rc = buf_put_u8(b, 0xfb);
    return rc;
}

/* Writes v in decimal at the end of a 24-byte buffer; returns the start. */
static char *u64_dec(uint64_t v, char *end)
{
    char *p = end;
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return p;
}

/* Decimal text of an integer, zero-filled to width when zerofill. Returns the length. */
static size_t int_text(const struct server_value *v, const struct wire_col *c, char *out)
{
    char tmp[24];
    char *end = tmp + sizeof tmp;
    char *p;
    int neg = 0;
    if (v->tag == SERVER_V_UINT) {
        p = u64_dec(v->u, end);
    } else {
        neg = v->i < 0;
        p = u64_dec(neg ? 0 - (uint64_t)v->i : (uint64_t)v->i, end);
    }
    size_t n = (size_t)(end - p), o = 0;
    if (neg)
        out[o++] = '-';
    if (c && (c->flags & SERVER_COL_ZEROFILL) && c->length > n && c->length <= 64)
        while (o + n < c->length)
            out[o++] = '0';
    memcpy(out + o, p, n);
    return o + n;
}

/* The text form of a non-NULL value into out (WIRE_DOUBLE_BUF bytes), or a borrowed pointer. */
static const char *value_text(const struct wire_col *c, const struct server_value *v, char *out,
                              size_t *len)
{
    unsigned dec = c ? c->decimals : SERVER_DECIMALS_NOT_FIXED;
    switch (v->tag) {
    case SERVER_V_INT:
    case SERVER_V_UINT:
        *len = int_text(v, c, out);
        return out;
    case SERVER_V_DOUBLE:
        *len = wire_fmt_double(v->d, c && c->type == SERVER_TYPE_FLOAT, dec, out);
        return out;
    case SERVER_V_DATE:
        *len = wire_fmt_date(&v->t, out);
        return out;
    case SERVER_V_DATETIME:
        if (c && c->type == SERVER_TYPE_DATE)
            *len = wire_fmt_date(&v->t, out);
        else
            *len = wire_fmt_datetime(&v->t, dec, out);
        return out;
    case SERVER_V_TIME:
        *len = wire_fmt_time(&v->t, dec, out);
        return out;
    case SERVER_V_DECIMAL:
    case SERVER_V_STRING:
        *len = v->s.len;
        return v->s.ptr ? v->s.ptr : "";
    default:
        *len = 0;
        return "";
    }
}

int wire_put_text_value(struct buf *b, const struct wire_col *c, const struct server_value *v)
{
    if (v->tag == SERVER_V_NULL || v->tag > SERVER_V_TIME)
        return buf_put_u8(b, 0xfb);
    char tmp[WIRE_DOUBLE_BUF];
    size_t n;
    const char *s = value_text(c, v, tmp, &n);
    return wire_put_lenstr(b, s, n);
}

/* Parses a decimal or float text into a double (bounded copy; garbage gives 0). */
static double text_to_double(const char *p, size_t n)
{
    char t[128];
    if (n >= sizeof t)
        n = sizeof t - 1;
    memcpy(t, p, n);
    t[n] = 0;
    return strtod(t, NULL);
}

static int64_t value_to_i64(const struct server_value *v)
{
    switch (v->tag) {
    case SERVER_V_INT:
        return v->i;
    case SERVER_V_UINT:
        return (int64_t)v->u;
    case SERVER_V_DOUBLE: {
        double d = rint(v->d);
        if (!(d >= -9223372036854775808.0))
            return INT64_MIN;
        if (d >= 9223372036854775808.0)
            return INT64_MAX;
        return (int64_t)d;
    }
    case SERVER_V_DECIMAL:
    case SERVER_V_STRING: {
        double d = rint(text_to_double(v->s.ptr ? v->s.ptr : "", v->s.len));
        if (!(d >= -9223372036854775808.0))
            return INT64_MIN;
        if (d >= 9223372036854775808.0)
            return INT64_MAX;
        return (int64_t)d;
    }
    case SERVER_V_DATE:
        return (int64_t)v->t.year * 10000 + v->t.month * 100 + v->t.day;
    default:
        return 0;
    }
}

static double value_to_double(const struct server_value *v)
{
    switch (v->tag) {
    case SERVER_V_INT:
        return (double)v->i;
    case SERVER_V_UINT:
        return (double)v->u;
    case SERVER_V_DOUBLE:
        return v->d;
    case SERVER_V_DECIMAL:
    case SERVER_V_STRING:
        return text_to_double(v->s.ptr ? v->s.ptr : "", v->s.len);
    default:
        return (double)value_to_i64(v);
    }
}

/* Binary DATE/DATETIME/TIMESTAMP: length 0, 4, 7 or 11, then the fields present. */
static int put_binary_datetime(struct buf *b, const struct server_value *v, int date_only)
{
    uint8_t t[12];
    const struct server_time *tm = &v->t;
    if (v->tag != SERVER_V_DATE && v->tag != SERVER_V_DATETIME)
        return buf_put_u8(b, 0);
    int has_time = !date_only && v->tag == SERVER_V_DATETIME &&
                   (tm->hour || tm->minute || tm->second || tm->usec);
    int has_usec = has_time && tm->usec;
    size_t n = has_usec ? 11 : has_time ? 7 : (tm->year || tm->month || tm->day) ? 4 : 0;
    t[0] = (uint8_t)n;
    t[1] = (uint8_t)tm->year;
    t[2] = (uint8_t)(tm->year >> 8);
    t[3] = tm->month;
    t[4] = tm->day;
    t[5] = (uint8_t)tm->hour;
    t[6] = tm->minute;
    t[7] = tm->second;
    le32_put(t + 8, tm->usec);
    return buf_append(b, t, n + 1);
}

/* Binary TIME: length 0, 8 or 12: sign, days, hours, minutes, seconds, [usec]. */
static int put_binary_time(struct buf *b, const struct server_value *v)
{
    uint8_t t[13];
    if (v->tag != SERVER_V_TIME)
        return buf_put_u8(b, 0);
    const struct server_time *tm = &v->t;
    if (!tm->hour && !tm->minute && !tm->second && !tm->usec)
        return buf_put_u8(b, 0);
    size_t n = tm->usec ? 12 : 8;
    t[0] = (uint8_t)n;
    t[1] = tm->neg ? 1 : 0;
    le32_put(t + 2, tm->hour / 24);
    t[6] = (uint8_t)(tm->hour % 24);
    t[7] = tm->minute;
    t[8] = tm->second;
    le32_put(t + 9, tm->usec);
    return buf_append(b, t, n + 1);
}

static int put_binary_value(struct buf *b, const struct wire_col *c, const struct server_value *v)
{
    uint8_t t[8];
    switch (c->type) {
    case SERVER_TYPE_TINY:
        return buf_put_u8(b, (uint8_t)value_to_i64(v));
    case SERVER_TYPE_SHORT:
    case SERVER_TYPE_YEAR:
        return wire_put_u16(b, (uint16_t)value_to_i64(v));
    case SERVER_TYPE_LONG:
    case SERVER_TYPE_INT24:
        return buf_put_u32le(b, (uint32_t)value_to_i64(v));
    case SERVER_TYPE_LONGLONG:
        return buf_put_u64le(b, v->tag == SERVER_V_UINT ? v->u : (uint64_t)value_to_i64(v));
    case SERVER_TYPE_FLOAT: {
        float f = (float)value_to_double(v);
        uint32_t u;
        memcpy(&u, &f, 4);
        return buf_put_u32le(b, u);
    }
    case SERVER_TYPE_DOUBLE: {
        double d = value_to_double(v);
        memcpy(t, &d, 8);
        return buf_append(b, t, 8);
    }
    case SERVER_TYPE_DATE:
    case SERVER_TYPE_NEWDATE:
        return put_binary_datetime(b, v, 1);
    case SERVER_TYPE_DATETIME:
    case SERVER_TYPE_TIMESTAMP:
        return put_binary_datetime(b, v, 0);
    case SERVER_TYPE_TIME:
        return put_binary_time(b, v);
    default: {
        /* Decimals, strings, blobs, JSON, BIT, ENUM, SET, GEOMETRY: length-encoded text. */
        char tmp[WIRE_DOUBLE_BUF];
        size_t n;
        const char *s = value_text(c, v, tmp, &n);
        return wire_put_lenstr(b, s, n);
    }
    }
}

int wire_put_binary_row(struct buf *b, const struct wire_col *cols, uint32_t n,
                        const struct server_value *vals)
{
    size_t nb = ((size_t)n + 7 + 2) / 8;
    int rc = buf_reserve(b, 1 + nb);
    if (rc)
        return rc;
    b->data[b->len++] = 0x00;
    uint8_t *bm = b->data + b->len;
    memset(bm, 0, nb);
    b->len += nb;
    for (uint32_t i = 0; i < n; i++)
        if (vals[i].tag == SERVER_V_NULL || vals[i].tag > SERVER_V_TIME ||
            cols[i].type == SERVER_TYPE_NULL)
            bm[(i + 2) / 8] |= (uint8_t)(1u << ((i + 2) % 8));
    /* b->data moves as values are appended: address the bitmap by offset from here on. */
    size_t bm_off = (size_t)(bm - b->data);
    for (uint32_t i = 0; i < n; i++) {
        if (b->data[bm_off + (i + 2) / 8] & (1u << ((i + 2) % 8)))
            continue;
        rc = put_binary_value(b, &cols[i], &vals[i]);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- Text forms of numbers and times. ---- */

size_t wire_fmt_double(double d, int is_float, unsigned decimals, char *out)
{
    return numfmt_double(d, is_float,
                         decimals < SERVER_DECIMALS_NOT_FIXED ? (int)decimals : NUMFMT_NOT_FIXED,
                         out);
}

/* Appends the fractional part of usec with the digits decimals asks for. */
static size_t frac_text(uint32_t usec, unsigned decimals, char *o)
{
    unsigned n = decimals;
    if (n == SERVER_DECIMALS_NOT_FIXED)
        n = usec ? 6 : 0;
    if (n > 6)
        n = 6;
    if (n == 0)
        return 0;
    char t[8];
    snprintf(t, sizeof t, "%06u", usec % 1000000u);
    o[0] = '.';
    memcpy(o + 1, t, n);
    return n + 1;
}

size_t wire_fmt_date(const struct server_time *t, char *out)
{
    return (size_t)snprintf(out, WIRE_TIME_BUF, "%04u-%02u-%02u", (unsigned)t->year % 10000u,
                            (unsigned)t->month % 100u, (unsigned)t->day % 100u);
}

size_t wire_fmt_datetime(const struct server_time *t, unsigned decimals, char *out)
{
    size_t n = (size_t)snprintf(out, WIRE_TIME_BUF, "%04u-%02u-%02u %02u:%02u:%02u",
                                (unsigned)t->year % 10000u, (unsigned)t->month % 100u,
                                (unsigned)t->day % 100u, (unsigned)(t->hour % 100u),
                                (unsigned)t->minute % 100u, (unsigned)t->second % 100u);
    n += frac_text(t->usec, decimals, out + n);
    out[n] = 0;
    return n;
}

size_t wire_fmt_time(const struct server_time *t, unsigned decimals, char *out)
{
    size_t n =
        (size_t)snprintf(out, WIRE_TIME_BUF, "%s%02u:%02u:%02u", t->neg ? "-" : "",
                         (unsigned)t->hour, (unsigned)t->minute % 100u, (unsigned)t->second % 100u);
    n += frac_text(t->usec, decimals, out + n);
    out[n] = 0;
    return n;
}

/* ---- Prepared statements. ---- */

int wire_parse_exec_head(const uint8_t *p, size_t len, struct wire_exec_head *out)
{
    struct wire_rd r;
    wire_rd_init(&r, p, len);
    out->stmt_id = wire_rd_u32(&r);
    out->flags = wire_rd_u8(&r);
    out->iterations = wire_rd_u32(&r);
    return r.bad ? err_set(ERR_PROTOCOL, "COM_STMT_EXECUTE: truncated header") : 0;
}

int wire_rd_binary_value(struct wire_rd *r, uint8_t type, int is_unsigned, struct server_value *out)
{
    memset(out, 0, sizeof *out);
    out->type = type;
    switch (type) {
    case SERVER_TYPE_NULL:
        out->tag = SERVER_V_NULL;
        break;
    case SERVER_TYPE_TINY: {
        uint8_t v = wire_rd_u8(r);
        if (is_unsigned) {
            out->tag = SERVER_V_UINT;
            out->u = v;
        } else {
            out->tag = SERVER_V_INT;
            out->i = (int8_t)v;
        }
        break;
    }
    case SERVER_TYPE_SHORT:
    case SERVER_TYPE_YEAR: {
        uint16_t v = wire_rd_u16(r);
        if (is_unsigned || type == SERVER_TYPE_YEAR) {
            out->tag = SERVER_V_UINT;
            out->u = v;
        } else {
            out->tag = SERVER_V_INT;
            out->i = (int16_t)v;
        }
        break;
    }
    case SERVER_TYPE_LONG:
    case SERVER_TYPE_INT24: {
        uint32_t v = wire_rd_u32(r);
        if (is_unsigned) {
            out->tag = SERVER_V_UINT;
            out->u = v;
        } else {
            out->tag = SERVER_V_INT;
            out->i = (int32_t)v;
        }
        break;
    }
    case SERVER_TYPE_LONGLONG: {
        uint64_t v = wire_rd_u64(r);
        if (is_unsigned) {
            out->tag = SERVER_V_UINT;
            out->u = v;
        } else {
            out->tag = SERVER_V_INT;
            out->i = (int64_t)v;
        }
        break;
    }
    case SERVER_TYPE_FLOAT: {
        uint32_t u = wire_rd_u32(r);
        float f;
        memcpy(&f, &u, 4);
        out->tag = SERVER_V_DOUBLE;
        out->d = f;
        break;
    }
    case SERVER_TYPE_DOUBLE: {
        uint64_t u = wire_rd_u64(r);
        memcpy(&out->d, &u, 8);
        out->tag = SERVER_V_DOUBLE;
        break;
    }
    case SERVER_TYPE_DECIMAL:
    case SERVER_TYPE_NEWDECIMAL:
        out->tag = SERVER_V_DECIMAL;
        out->s.ptr = (const char *)wire_rd_lenstr(r, &out->s.len);
        break;
    case SERVER_TYPE_VARCHAR:
    case SERVER_TYPE_BIT:
    case SERVER_TYPE_JSON:
    case SERVER_TYPE_ENUM:
    case SERVER_TYPE_SET:
    case SERVER_TYPE_TINY_BLOB:
    case SERVER_TYPE_MEDIUM_BLOB:
    case SERVER_TYPE_LONG_BLOB:
    case SERVER_TYPE_BLOB:
    case SERVER_TYPE_VAR_STRING:
    case SERVER_TYPE_STRING:
    case SERVER_TYPE_GEOMETRY:
        out->tag = SERVER_V_STRING;
        out->s.ptr = (const char *)wire_rd_lenstr(r, &out->s.len);
        if (!out->s.ptr)
            out->s.ptr = "";
        break;
    case SERVER_TYPE_DATE:
    case SERVER_TYPE_NEWDATE:
    case SERVER_TYPE_DATETIME:
    case SERVER_TYPE_TIMESTAMP: {
        uint8_t n = wire_rd_u8(r);
        if (n != 0 && n != 4 && n != 7 && n != 11)
            return err_set(ERR_PROTOCOL, "binary date of length %u", n);
        out->tag = (type == SERVER_TYPE_DATE || type == SERVER_TYPE_NEWDATE) ? SERVER_V_DATE
                                                                             : SERVER_V_DATETIME;
        if (n >= 4) {
            out->t.year = wire_rd_u16(r);
            out->t.month = wire_rd_u8(r);
            out->t.day = wire_rd_u8(r);
        }
        if (n >= 7) {
            out->t.hour = wire_rd_u8(r);
            out->t.minute = wire_rd_u8(r);
            out->t.second = wire_rd_u8(r);
        }
        if (n >= 11)
            out->t.usec = wire_rd_u32(r);
        break;
    }
    case SERVER_TYPE_TIME: {
        uint8_t n = wire_rd_u8(r);
        if (n != 0 && n != 8 && n != 12)
            return err_set(ERR_PROTOCOL, "binary time of length %u", n);
        out->tag = SERVER_V_TIME;
        if (n >= 8) {
            out->t.neg = wire_rd_u8(r) ? 1 : 0;
            uint64_t days = wire_rd_u32(r);
            uint64_t hours = days * 24 + wire_rd_u8(r);
            out->t.hour = hours > UINT32_MAX ? UINT32_MAX : (uint32_t)hours;
            out->t.minute = wire_rd_u8(r);
            out->t.second = wire_rd_u8(r);
        }
        if (n >= 12)
            out->t.usec = wire_rd_u32(r);
        break;
    }
    default:
        return err_set(ERR_PROTOCOL, "unknown parameter type %u", type);
    }
    return r->bad ? err_set(ERR_PROTOCOL, "truncated parameter value of type %u", type) : 0;
}

int wire_parse_exec_params(const uint8_t *p, size_t len, uint16_t n, uint8_t *types,
                           int *have_types, const uint8_t *long_mask, struct server_value *out)
{
    struct wire_rd r;
    wire_rd_init(&r, p, len);
    wire_rd_bytes(&r, 9); /* stmt_id, flags, iterations */
    if (r.bad)
        return err_set(ERR_PROTOCOL, "COM_STMT_EXECUTE: truncated header");
    if (n == 0)
        return 0;
    const uint8_t *nulls = wire_rd_bytes(&r, ((size_t)n + 7) / 8);
    uint8_t bound = wire_rd_u8(&r);
    if (r.bad)
        return err_set(ERR_PROTOCOL, "COM_STMT_EXECUTE: truncated null bitmap");
    if (bound) {
        const uint8_t *t = wire_rd_bytes(&r, 2 * (size_t)n);
        if (!t)
            return err_set(ERR_PROTOCOL, "COM_STMT_EXECUTE: truncated parameter types");
        memcpy(types, t, 2 * (size_t)n);
        *have_types = 1;
    } else if (!*have_types) {
        return err_set(ERR_INVALID, "COM_STMT_EXECUTE: parameter types were never bound");
    }
    for (uint16_t i = 0; i < n; i++) {
        uint8_t type = types[2 * i];
        int is_unsigned = (types[2 * i + 1] & 0x80) != 0;
        if (nulls[i / 8] & (1u << (i % 8))) {
            memset(&out[i], 0, sizeof out[i]);
            out[i].tag = SERVER_V_NULL;
            out[i].type = type;
            continue;
        }
        if (long_mask && (long_mask[i / 8] & (1u << (i % 8)))) {
            memset(&out[i], 0, sizeof out[i]);
            out[i].tag = SERVER_V_STRING;
            out[i].type = type;
            out[i].s.ptr = "";
            continue;
        }
        int rc = wire_rd_binary_value(&r, type, is_unsigned, &out[i]);
        if (rc)
            return err_prefix(rc, "parameter %u", (unsigned)i + 1);
    }
    return 0;
}
