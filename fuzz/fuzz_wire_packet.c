/*
 * fuzz_wire_packet.c: libFuzzer target for the MySQL protocol decoders in
 * server/wire.c, the code that reads bytes from untrusted clients: packet
 * framing (scan and join), the Handshake Response with its connection
 * attributes, and COM_STMT_EXECUTE parameters in every binary type. Values
 * that decode are encoded again (binary row, text values) and read back, and
 * shortest float rendering must read back exactly; anything else may be
 * rejected but must not crash, hang or read out of bounds.
 */
#include "base/buf.h"
#include "base/mem.h"
#include "server/wire.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void fuzz_framing(const uint8_t *d, size_t n)
{
    if (n < 2)
        return;
    uint8_t seq = d[0];
    uint64_t max = (uint64_t)d[1] << 12;
    size_t wire_len, payload;
    uint8_t next;
    if (wire_packet_scan(d + 2, n - 2, seq, max, &wire_len, &payload, &next) == WIRE_SCAN_OK) {
        if (wire_len > n - 2 || payload > wire_len)
            abort();
        uint8_t *p = mem_alloc(payload + 1);
        if (!p)
            return;
        wire_packet_join(d + 2, wire_len, p);
        mem_free(p);
    }
}

static void fuzz_handshake(const uint8_t *d, size_t n)
{
    struct wire_hs_response hr;
    if (wire_parse_handshake_response(d, n, WIRE_SERVER_CAPS, &hr))
        return;
    if (hr.user_len > n || hr.auth_len > n || hr.db_len > n || hr.attrs_len > n)
        abort();
    if (hr.attrs) {
        struct wire_slice kv[64];
        size_t cap = hr.n_attrs < 32 ? hr.n_attrs : 32;
        int got = wire_parse_attrs(hr.attrs, hr.attrs_len, kv, cap);
        if (got != (int)cap)
            abort();
    }
}

static uint8_t col_type_for(const struct server_value *v)
{
    switch (v->tag) {
    case SERVER_V_INT:
    case SERVER_V_UINT:
        return SERVER_TYPE_LONGLONG;
    case SERVER_V_DOUBLE:
        return SERVER_TYPE_DOUBLE;
    case SERVER_V_DECIMAL:
        return SERVER_TYPE_NEWDECIMAL;
    case SERVER_V_DATE:
        return SERVER_TYPE_DATE;
    case SERVER_V_DATETIME:
        return SERVER_TYPE_DATETIME;
    case SERVER_V_TIME:
        return SERVER_TYPE_TIME;
    default:
        return SERVER_TYPE_VAR_STRING;
    }
}

static void fuzz_execute(const uint8_t *d, size_t n)
{
    if (n < 3)
        return;
    uint16_t np = d[0] % 48;
    int have = d[1] & 1;
    uint8_t types[96];
    memset(types, 0, sizeof types);
    /* Remembered types come from the input too. */
    for (size_t i = 0; i < sizeof types && 2 + i < n; i++)
        types[i] = d[2 + i];
    uint8_t long_mask[6] = {0};
    if (d[1] & 2)
        long_mask[0] = d[2];
    struct server_value vals[48];
    const uint8_t *p = d + 3;
    size_t len = n - 3;
    struct wire_exec_head eh;
    if (wire_parse_exec_head(p, len, &eh))
        return;
    if (wire_parse_exec_params(p, len, np, types, &have, long_mask, vals))
        return;
    if (np == 0)
        return;
    /* Encode what decoded as a binary row and as text, then read the row back. */
    struct wire_col cols[48];
    for (uint16_t i = 0; i < np; i++) {
        cols[i].type = col_type_for(&vals[i]);
        cols[i].decimals = (uint8_t)(d[1] >> 2) % 32;
        cols[i].flags = vals[i].tag == SERVER_V_UINT ? SERVER_COL_UNSIGNED : 0;
        cols[i].length = 20;
    }
    struct buf b;
    buf_init(&b);
    if (wire_put_binary_row(&b, cols, np, vals) == 0) {
        struct wire_rd r;
        wire_rd_init(&r, b.data, b.len);
        wire_rd_u8(&r);
        const uint8_t *bm = wire_rd_bytes(&r, ((size_t)np + 9) / 8);
        if (!bm)
            abort();
        for (uint16_t i = 0; i < np; i++) {
            if (bm[(i + 2) / 8] & (1u << ((i + 2) % 8)))
                continue;
            struct server_value back;
            if (wire_rd_binary_value(&r, cols[i].type, (cols[i].flags & SERVER_COL_UNSIGNED) != 0,
                                     &back))
                abort(); /* Our own encoding must decode. */
            if (vals[i].tag == SERVER_V_INT && back.i != vals[i].i)
                abort();
            if (vals[i].tag == SERVER_V_UINT && back.u != vals[i].u)
                abort();
        }
        if (wire_rd_left(&r) != 0)
            abort();
    }
    buf_reset(&b);
    for (uint16_t i = 0; i < np; i++)
        wire_put_text_value(&b, &cols[i], &vals[i]);
    buf_deinit(&b);
}

static void fuzz_double(const uint8_t *d, size_t n)
{
    if (n < 8)
        return;
    double x;
    memcpy(&x, d, 8);
    char out[WIRE_DOUBLE_BUF];
    size_t len = wire_fmt_double(x, 0, SERVER_DECIMALS_NOT_FIXED, out);
    if (len >= WIRE_DOUBLE_BUF || strlen(out) != len)
        abort();
    if (isfinite(x) && strtod(out, NULL) != x)
        abort();
    wire_fmt_double(x, 1, SERVER_DECIMALS_NOT_FIXED, out);
    wire_fmt_double(x, 0, n > 8 ? d[8] % 31 : 2, out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t *d = data + 1;
    size_t n = size - 1;
    switch (data[0] % 4) {
    case 0:
        fuzz_framing(d, n);
        break;
    case 1:
        fuzz_handshake(d, n);
        break;
    case 2:
        fuzz_execute(d, n);
        break;
    default:
        fuzz_double(d, n);
        break;
    }
    return 0;
}
