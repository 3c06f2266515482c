/*
 * wire.h: the MySQL client/server protocol's byte formats, as pure functions
 * on buffers: packet framing, length-encoded integers and strings, the
 * handshake and its response, OK/ERR/EOF, column definitions, text and binary
 * rows, and COM_STMT_EXECUTE parameters. No sockets, no threads, no state:
 * everything here is unit-tested and fuzzed directly (test_wire.c,
 * fuzz_wire_packet.c). Byte layouts are tabled in src/server/README.md.
 *
 * Decoders take untrusted bytes with their length and never read past it;
 * malformed input gives ERR_PROTOCOL. Encoders append to a struct buf and
 * return 0 or ERR_NOMEM.
 */
#ifndef ATOLL_SERVER_WIRE_H
#define ATOLL_SERVER_WIRE_H

#include "base/buf.h"
#include "server/handler.h"

#include <stddef.h>
#include <stdint.h>

/* Command bytes (first byte of a command packet). */
enum wire_cmd {
    WIRE_COM_SLEEP = 0x00,
    WIRE_COM_QUIT = 0x01,
    WIRE_COM_INIT_DB = 0x02,
    WIRE_COM_QUERY = 0x03,
    WIRE_COM_FIELD_LIST = 0x04,
    WIRE_COM_STATISTICS = 0x09,
    WIRE_COM_PROCESS_KILL = 0x0c,
    WIRE_COM_PING = 0x0e,
    WIRE_COM_CHANGE_USER = 0x11,
    WIRE_COM_STMT_PREPARE = 0x16,
    WIRE_COM_STMT_EXECUTE = 0x17,
    WIRE_COM_STMT_SEND_LONG_DATA = 0x18,
    WIRE_COM_STMT_CLOSE = 0x19,
    WIRE_COM_STMT_RESET = 0x1a,
    WIRE_COM_SET_OPTION = 0x1b,
    WIRE_COM_STMT_FETCH = 0x1c,
    WIRE_COM_RESET_CONNECTION = 0x1f,
};

/* The capabilities this server offers; the effective set is client & these. */
#define WIRE_SERVER_CAPS                                                                           \
    (SERVER_CLIENT_LONG_PASSWORD | SERVER_CLIENT_FOUND_ROWS | SERVER_CLIENT_LONG_FLAG |            \
     SERVER_CLIENT_CONNECT_WITH_DB | SERVER_CLIENT_NO_SCHEMA | SERVER_CLIENT_IGNORE_SPACE |        \
     SERVER_CLIENT_PROTOCOL_41 | SERVER_CLIENT_INTERACTIVE | SERVER_CLIENT_TRANSACTIONS |          \
     SERVER_CLIENT_SECURE_CONNECTION | SERVER_CLIENT_MULTI_STATEMENTS |                            \
     SERVER_CLIENT_MULTI_RESULTS | SERVER_CLIENT_PS_MULTI_RESULTS | SERVER_CLIENT_PLUGIN_AUTH |    \
     SERVER_CLIENT_CONNECT_ATTRS | SERVER_CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA |                  \
     SERVER_CLIENT_SESSION_TRACK | SERVER_CLIENT_DEPRECATE_EOF)

#define WIRE_MAX_CHUNK    0xffffffu /* Largest payload of one physical packet. */
#define WIRE_SCRAMBLE_LEN 20        /* Bytes of the handshake's random challenge. */
#define WIRE_DOUBLE_BUF   400       /* Room for any wire_fmt_double() result. */
#define WIRE_TIME_BUF     40        /* Room for any date/time text. */

/* ---- Reading: a cursor over untrusted bytes. ---- */

struct wire_rd {
    const uint8_t *p;   /* Next byte. */
    const uint8_t *end; /* One past the last byte. */
    int bad;            /* Set once a read ran past the end; reads then return zeros. */
};

static inline void wire_rd_init(struct wire_rd *r, const void *p, size_t len)
{
    r->p = (const uint8_t *)p;
    r->end = r->p + len;
    r->bad = 0;
}

static inline size_t wire_rd_left(const struct wire_rd *r)
{
    return (size_t)(r->end - r->p);
}

/* Returns a pointer to the next n bytes and skips them, or NULL (and sets bad). */
const uint8_t *wire_rd_bytes(struct wire_rd *r, size_t n);
uint8_t wire_rd_u8(struct wire_rd *r);
uint16_t wire_rd_u16(struct wire_rd *r);
uint32_t wire_rd_u24(struct wire_rd *r);
uint32_t wire_rd_u32(struct wire_rd *r);
uint64_t wire_rd_u64(struct wire_rd *r);

/* A length-encoded integer; *is_null set for 0xFB (may be NULL). 0xFF is malformed. */
uint64_t wire_rd_lenenc(struct wire_rd *r, int *is_null);

/* A length-encoded string: returns its bytes (borrowed) and length. */
const uint8_t *wire_rd_lenstr(struct wire_rd *r, size_t *len);

/* A NUL-terminated string (the NUL is skipped, not counted); NULL if unterminated. */
const char *wire_rd_nulstr(struct wire_rd *r, size_t *len);

/* ---- Packet framing. ---- */

enum wire_scan_result {
    WIRE_SCAN_MORE = 0,    /* The packet is not complete yet. */
    WIRE_SCAN_OK = 1,      /* A whole logical packet is present. */
    WIRE_SCAN_BAD_SEQ = 2, /* A chunk has the wrong sequence id. */
    WIRE_SCAN_TOO_BIG = 3, /* The payload exceeds max_payload. */
};

/*
 * Looks at bytes p[0..len) starting at a packet boundary, for one logical
 * packet whose first chunk must carry sequence id seq. Chunks of exactly
 * 0xFFFFFF bytes continue the packet. On WIRE_SCAN_OK sets *wire_len (bytes
 * with headers), *payload_len and *next_seq (the id of the reply's first
 * packet). Checks sequence ids and size as soon as each header arrives.
 */
int wire_packet_scan(const uint8_t *p, size_t len, uint8_t seq, uint64_t max_payload,
                     size_t *wire_len, size_t *payload_len, uint8_t *next_seq);

/* Copies the payload of a packet that wire_packet_scan() accepted into dst. */
void wire_packet_join(const uint8_t *p, size_t wire_len, uint8_t *dst);

/* Starts a packet at the end of b: reserves its 4-byte header; *start remembers where. */
int wire_pkt_begin(struct buf *b, size_t *start);

/*
 * Ends the packet begun at start: writes the header, splitting a payload of
 * 0xFFFFFF bytes or more into chunks (and an empty last chunk when the length
 * is a multiple), each taking the sequence id *seq, which advances.
 */
int wire_pkt_end(struct buf *b, size_t start, uint8_t *seq);

/* ---- Primitive encoders. ---- */

int wire_put_u16(struct buf *b, uint16_t v);
int wire_put_u24(struct buf *b, uint32_t v);
int wire_put_lenenc(struct buf *b, uint64_t v);
int wire_put_lenstr(struct buf *b, const void *p, size_t len);
/* A C string as a length-encoded string (NULL as empty). */
int wire_put_lencstr(struct buf *b, const char *s);

/* ---- Generic packets. ---- */

/*
 * OK packet payload; header 0x00, or 0xFE when it replaces an EOF
 * (CLIENT_DEPRECATE_EOF). caps decides the SESSION_TRACK layout. status is
 * sent as given.
 */
int wire_put_ok(struct buf *b, uint32_t caps, uint8_t header, uint64_t affected, uint64_t insert_id,
                uint16_t status, uint16_t warnings, const char *info);

/* ERR packet payload: code, '#', SQLSTATE, message (truncated to 512 bytes). */
int wire_put_err(struct buf *b, uint16_t code, const char *sqlstate, const char *msg);

/* EOF packet payload (classic protocol). */
int wire_put_eof(struct buf *b, uint16_t warnings, uint16_t status);

/* ---- Connection phase. ---- */

struct wire_handshake {
    const char *version;     /* Server version string. */
    uint32_t conn_id;        /* Connection id (low 32 bits). */
    const uint8_t *scramble; /* WIRE_SCRAMBLE_LEN bytes. */
    uint32_t caps;           /* Server capabilities. */
    uint8_t charset;         /* Server default collation id. */
    uint16_t status;         /* Status flags. */
    const char *plugin;      /* Default authentication plugin name. */
};

/* Initial Handshake Packet (protocol 10) payload. */
int wire_put_handshake(struct buf *b, const struct wire_handshake *hs);

/* Handshake Response 41, decoded; pointers borrow the packet. */
struct wire_hs_response {
    uint32_t caps;        /* Client capability flags as sent. */
    uint32_t max_packet;  /* Client's max packet size. */
    uint8_t charset;      /* Collation id. */
    const char *user;     /* User name (not NUL-terminated in the view). */
    size_t user_len;      /* Its length. */
    const uint8_t *auth;  /* Authentication response. */
    size_t auth_len;      /* Its length. */
    const char *db;       /* Database (CONNECT_WITH_DB), or NULL. */
    size_t db_len;        /* Its length. */
    const char *plugin;   /* Client plugin name (PLUGIN_AUTH), or NULL. */
    size_t plugin_len;    /* Its length. */
    const uint8_t *attrs; /* Connection attribute block after its length, or NULL. */
    size_t attrs_len;     /* Its length. */
    uint32_t n_attrs;     /* Number of key/value pairs in it. */
};

/*
 * Parses a Handshake Response 41 using the capabilities client & server_caps.
 * Trailing optional fields may be missing, as older clients omit them.
 * Returns 0 or ERR_PROTOCOL (pre-4.1 client, SSL request, truncated or
 * inconsistent fields, malformed attributes).
 */
int wire_parse_handshake_response(const uint8_t *p, size_t len, uint32_t server_caps,
                                  struct wire_hs_response *out);

/* A view of bytes. */
struct wire_slice {
    const uint8_t *p; /* First byte. */
    size_t len;       /* Length. */
};

/*
 * Splits an attribute block (already validated by the handshake parser) into
 * up to cap key/value pairs: kv[2i] the key, kv[2i+1] the value. Returns the
 * number of pairs, or -1 when malformed.
 */
int wire_parse_attrs(const uint8_t *p, size_t len, struct wire_slice *kv, size_t cap);

/* ---- Result sets. ---- */

/* What row encoders need to know of a column. */
struct wire_col {
    uint8_t type;     /* enum server_type. */
    uint8_t decimals; /* As server_column.decimals. */
    uint16_t flags;   /* enum server_col_flag bits (UNSIGNED, ZEROFILL). */
    uint32_t length;  /* Display length (ZEROFILL padding). */
};

/* Column Definition 41 payload; with_default adds COM_FIELD_LIST's default value (NULL). */
int wire_put_coldef(struct buf *b, const struct server_column *c, int with_default);

/* One value of a text row: NULL as 0xFB, else its MySQL text form as a length-encoded string. */
int wire_put_text_value(struct buf *b, const struct wire_col *c, const struct server_value *v);

/* A whole binary row payload (0x00, null bitmap, values in each column's type). */
int wire_put_binary_row(struct buf *b, const struct wire_col *cols, uint32_t n,
                        const struct server_value *vals);

/*
 * MySQL's text form of a floating point number: with decimals < 31 fixed
 * ("%.*f"); else the shortest digits that read back as the same double (six
 * significant digits for FLOAT), in MySQL's choice of plain or exponent
 * notation: 0.1, 1e20, 1.5e-7, 123456789. out has WIRE_DOUBLE_BUF bytes;
 * returns the length (NUL-terminated).
 */
size_t wire_fmt_double(double d, int is_float, unsigned decimals, char *out);

/* "YYYY-MM-DD". */
size_t wire_fmt_date(const struct server_time *t, char *out);
/* "YYYY-MM-DD hh:mm:ss[.ffffff]" with decimals fractional digits (31: 6 if usec != 0). */
size_t wire_fmt_datetime(const struct server_time *t, unsigned decimals, char *out);
/* "[-]hh:mm:ss[.ffffff]", hours possibly more than two digits. */
size_t wire_fmt_time(const struct server_time *t, unsigned decimals, char *out);

/* ---- Prepared statements. ---- */

/* Fixed head of COM_STMT_EXECUTE (after the command byte). */
struct wire_exec_head {
    uint32_t stmt_id;    /* Statement id. */
    uint8_t flags;       /* Cursor type flags. */
    uint32_t iterations; /* Always 1 in practice. */
};

/* Parses the head; p/len is the payload after the command byte. 0 or ERR_PROTOCOL. */
int wire_parse_exec_head(const uint8_t *p, size_t len, struct wire_exec_head *out);

/*
 * Decodes the n parameters of COM_STMT_EXECUTE (p/len after the command
 * byte). types holds 2*n bytes: the types bound by an earlier execute when
 * *have_types is set; when the packet binds new ones they are copied there and
 * *have_types set. Parameters whose bit is set in long_mask ((n+7)/8 bytes,
 * may be NULL) are not in the packet: out[i] gets tag SERVER_V_STRING with no
 * bytes and the bound type, for the caller to fill. String values borrow p.
 * Returns 0, ERR_PROTOCOL (malformed) or ERR_INVALID (no types were ever bound).
 */
int wire_parse_exec_params(const uint8_t *p, size_t len, uint16_t n, uint8_t *types,
                           int *have_types, const uint8_t *long_mask, struct server_value *out);

/* Decodes one binary-protocol value of type (enum server_type). 0 or ERR_PROTOCOL. */
int wire_rd_binary_value(struct wire_rd *r, uint8_t type, int is_unsigned,
                         struct server_value *out);

#endif
