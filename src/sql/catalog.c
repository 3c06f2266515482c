/*
 * catalog.c: the SQL catalog, persisted as rows of the system tablet.
 *
 * Every object (database, table, user) is one row of CATALOG_TABLET_ID whose
 * key is a kind byte and the object's names, and whose value is a versioned,
 * bounds-checked serialisation (byte tables in src/sql/README.md, section
 * "Catalog"). A meta row holds the next table id and the catalog version; one
 * row per table and sequence holds the auto-increment high-water mark.
 *
 * In memory, a snapshot owns one arena holding every object. DDL runs under
 * ddl_mu: it clones the current snapshot into a new arena (each object is
 * serialised and decoded again, which also exercises the decoder), applies
 * its change while writing the changed rows into one transaction, commits,
 * and swaps the new snapshot in. Old snapshots are freed by their last
 * catalog_snapshot_put(). Cloning costs time proportional to the catalog per
 * DDL, which is fine for thousands of tables.
 *
 * Auto-increment counters live outside snapshots (they change per insert),
 * in an array sorted by table id under aic_mu. Table ids only grow, so a
 * created table's entry is appended. Lock order: ddl_mu, then aic_mu, then
 * snap_mu. The rows of the counters are written only under aic_mu (DDL
 * writes them at its commit, while holding aic_mu), so the allocator's own
 * transactions never wait on a DDL's row locks.
 */
#include "sql/catalog.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/coding.h"
#include "base/err.h"
#include "base/mem.h"
#include "sql/collation.h"
#include "sql/rowcodec.h"
#include "txn/txn.h"

#include <openssl/sha.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIND_META    'M' /* Key 'M': next table id, version. */
#define KIND_DB      'D' /* Key 'D' name. */
#define KIND_TABLE   'T' /* Key 'T' db 00 name. */
#define KIND_USER    'U' /* Key 'U' user 00 host. */
#define KIND_AUTOINC 'A' /* Key 'A' be64(table id) seq. */

#define REC_VERSION 1  /* First byte of every value written here. */
#define MAX_KEYS    64 /* MySQL's MAX_KEY: indexes per table, the primary key included. */
#define MAX_COLUMNS 4096

struct snap_impl {
    struct catalog_snap pub; /* What readers see; first member. */
    atomic_int refs;         /* References; the catalog holds one while current. */
    struct arena arena;      /* Every object of this snapshot. */
    uint32_t dbs_cap;        /* Capacity of pub.dbs. */
    uint32_t tables_cap;     /* Capacity of pub.tables. */
    uint32_t users_cap;      /* Capacity of pub.users. */
};

struct aic {
    uint64_t table_id; /* Table. */
    uint64_t next[2];  /* Next value to hand out, per enum catalog_seq. */
    uint64_t hwm[2];   /* Durable bound: every value below may have been handed out. */
    uint8_t loaded;    /* catalog_open: bit per sequence whose row was read. */
};

struct catalog {
    struct txn_mgr *m;       /* Transactions (not owned). */
    pthread_mutex_t ddl_mu;  /* Serialises DDL. */
    pthread_mutex_t snap_mu; /* Guards cur. */
    pthread_mutex_t aic_mu;  /* Guards aics and their rows. */
    struct snap_impl *cur;   /* The current snapshot. */
    uint64_t next_table_id;  /* Next table id (DDL only). */
    struct aic *aics;        /* Counters sorted by table id. */
    size_t n_aics, aics_cap; /* Used and allocated. */
};

/* ---- Errors ------------------------------------------------------------- */

static void err_clear_c(struct catalog_error *e)
{
    if (e) {
        e->code = 0;
        e->sqlstate[0] = 0;
        e->msg[0] = 0;
    }
}

/* Fills e with MySQL error code/state/message and returns ret. */
__attribute__((format(printf, 5, 6))) static int
myerr(struct catalog_error *e, int code, const char *state, int ret, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (e) {
        e->code = code;
        snprintf(e->sqlstate, sizeof e->sqlstate, "%s", state);
        snprintf(e->msg, sizeof e->msg, "%s", msg);
    }
    return err_set(ret, "%s", msg);
}

static int check_name(struct catalog_error *e, const char *name, const char *what)
{
    size_t n = name ? strlen(name) : 0;
    if (n > CATALOG_NAME_MAX)
        return myerr(e, 1059, "42000", ERR_INVALID, "Identifier name '%s' is too long", name);
    if (n == 0 || name[n - 1] == ' ') {
        if (!strcmp(what, "database"))
            return myerr(e, 1102, "42000", ERR_INVALID, "Incorrect database name '%s'",
                         name ? name : "");
        if (!strcmp(what, "table"))
            return myerr(e, 1103, "42000", ERR_INVALID, "Incorrect table name '%s'",
                         name ? name : "");
        if (!strcmp(what, "index"))
            return myerr(e, 1280, "42000", ERR_INVALID, "Incorrect index name '%s'",
                         name ? name : "");
        return myerr(e, 1166, "42000", ERR_INVALID, "Incorrect column name '%s'", name ? name : "");
    }
    return 0;
}

/* Column and index names: ASCII case-insensitive. */
static int name_ci_cmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'A' && x <= 'Z')
            x += 32;
        if (y >= 'A' && y <= 'Z')
            y += 32;
        if (x != y || !x)
            return x - y;
    }
}

/* ---- Encoding ----------------------------------------------------------- */

struct rd {
    const uint8_t *p;   /* Next byte. */
    const uint8_t *end; /* End of input. */
    int bad;            /* Set on the first overrun or malformed field. */
};

static uint64_t rd_varint(struct rd *r)
{
    uint64_t v = 0;
    size_t n = r->bad ? 0 : varint_get(r->p, r->end, &v);
    if (!n) {
        r->bad = 1;
        return 0;
    }
    r->p += n;
    return v;
}

static uint8_t rd_u8(struct rd *r)
{
    if (r->bad || r->p >= r->end) {
        r->bad = 1;
        return 0;
    }
    return *r->p++;
}

static const uint8_t *rd_bytes(struct rd *r, size_t n)
{
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = 1;
        return NULL;
    }
    const uint8_t *p = r->p;
    r->p += n;
    return p;
}

/* A length-prefixed string copied into a as a C string; NUL bytes inside are refused. */
static const char *rd_str(struct rd *r, struct arena *a, size_t max)
{
    uint64_t n = rd_varint(r);
    if (n > max) {
        r->bad = 1;
        return "";
    }
    const uint8_t *p = rd_bytes(r, (size_t)n);
    if (!p || memchr(p, 0, (size_t)n)) {
        r->bad = 1;
        return "";
    }
    char *s = arena_strndup(a, (const char *)p, (size_t)n);
    if (!s) {
        r->bad = 2; /* Out of memory. */
        return "";
    }
    return s;
}

static int put_str(struct buf *b, const char *s)
{
    s = s ? s : "";
    return buf_put_lenbytes(b, s, strlen(s));
}

#define TRY(x)                                                                                     \
    do {                                                                                           \
        int rc_ = (x);                                                                             \
        if (rc_ < 0)                                                                               \
            return rc_;                                                                            \
    } while (0)

static int enc_type(struct buf *b, const struct sql_type *t)
{
    TRY(buf_put_u8(b, t->id));
    TRY(buf_put_u8(b, t->precision));
    TRY(buf_put_u8(b, t->scale));
    TRY(buf_put_u8(b, t->fsp));
    TRY(buf_put_varint(b, t->flags));
    TRY(buf_put_varint(b, t->coll));
    TRY(buf_put_varint(b, t->length));
    TRY(buf_put_varint(b, t->n_members));
    for (uint32_t i = 0; i < t->n_members; i++)
        TRY(buf_put_lenbytes(b, t->members[i].ptr, t->members[i].len));
    return 0;
}

static void dec_type(struct rd *r, struct arena *a, struct sql_type *t)
{
    memset(t, 0, sizeof *t);
    t->id = rd_u8(r);
    t->precision = rd_u8(r);
    t->scale = rd_u8(r);
    t->fsp = rd_u8(r);
    uint64_t flags = rd_varint(r), coll = rd_varint(r), len = rd_varint(r), nm = rd_varint(r);
    if (t->id >= SQL_TYPE_COUNT || t->fsp > 6 || flags > 0xffff || coll > 0xffff ||
        len > UINT32_MAX || nm > 65535 || (nm && t->id != SQL_TYPE_ENUM && t->id != SQL_TYPE_SET) ||
        !collation_by_id((unsigned)coll)) {
        r->bad = 1;
        return;
    }
    t->flags = (uint16_t)flags;
    t->coll = (uint16_t)coll;
    t->length = (uint32_t)len;
    if (nm) {
        if (nm > (uint64_t)(r->end - r->p)) { /* Each member takes at least one byte. */
            r->bad = 1;
            return;
        }
        struct sql_member *ms = arena_alloc(a, sizeof *ms * (size_t)nm);
        if (!ms) {
            r->bad = 2;
            return;
        }
        for (uint64_t i = 0; i < nm; i++) {
            uint64_t n = rd_varint(r);
            const uint8_t *p = rd_bytes(r, n > UINT32_MAX ? SIZE_MAX : (size_t)n);
            if (!p)
                return;
            ms[i].ptr = n ? arena_memdup(a, p, (size_t)n) : "";
            ms[i].len = (uint32_t)n;
            if (!ms[i].ptr) {
                r->bad = 2;
                return;
            }
        }
        t->members = ms;
        t->n_members = (uint32_t)nm;
    }
}

static int enc_parts(struct buf *b, uint32_t n, const struct catalog_index_col *cols)
{
    TRY(buf_put_varint(b, n));
    for (uint32_t i = 0; i < n; i++) {
        TRY(buf_put_varint(b, cols[i].column_id));
        TRY(buf_put_u8(b, cols[i].desc));
        TRY(buf_put_varint(b, cols[i].prefix_len));
    }
    return 0;
}

static struct catalog_index_col *dec_parts(struct rd *r, struct arena *a, uint32_t *n_out)
{
    uint64_t n = rd_varint(r);
    if (n > ROWCODEC_KEY_MAX_COLS || n * 3 > (uint64_t)(r->end - r->p)) {
        r->bad = 1;
        return NULL;
    }
    *n_out = (uint32_t)n;
    if (!n)
        return NULL;
    struct catalog_index_col *c = arena_alloc(a, sizeof *c * (size_t)n);
    if (!c) {
        r->bad = 2;
        return NULL;
    }
    for (uint64_t i = 0; i < n; i++) {
        uint64_t id = rd_varint(r);
        uint8_t d = rd_u8(r);
        uint64_t pl = rd_varint(r);
        if (id > UINT32_MAX || d > 1 || pl > UINT32_MAX)
            r->bad = 1;
        c[i].column_id = (uint32_t)id;
        c[i].desc = d;
        c[i].prefix_len = (uint32_t)pl;
    }
    return c;
}

static int enc_table(struct buf *b, const struct catalog_table *t)
{
    TRY(buf_put_u8(b, REC_VERSION));
    TRY(buf_put_varint(b, t->id));
    TRY(put_str(b, t->db));
    TRY(put_str(b, t->name));
    TRY(put_str(b, t->engine));
    TRY(buf_put_varint(b, t->coll));
    TRY(put_str(b, t->comment));
    TRY(buf_put_varint(b, t->auto_increment_start));
    TRY(buf_put_varint(b, t->version));
    TRY(buf_put_varint(b, t->next_column_id));
    TRY(buf_put_varint(b, t->n_columns));
    for (uint32_t i = 0; i < t->n_columns; i++) {
        const struct catalog_column *c = &t->columns[i];
        TRY(put_str(b, c->name));
        TRY(buf_put_varint(b, c->id));
        TRY(enc_type(b, &c->type));
        TRY(buf_put_u8(b, (uint8_t)(c->nullable | c->auto_increment << 1)));
        TRY(buf_put_u8(b, c->default_kind));
        if (c->default_kind == CATALOG_DEFAULT_VALUE) {
            TRY(put_str(b, c->default_text));
            struct rowcodec_col rc = {.id = 1, .type = &c->type};
            struct buf v;
            buf_init(&v);
            int rc2 = rowcodec_row_encode(&rc, &c->default_value, 1, NULL, &v);
            if (rc2 == 0)
                rc2 = buf_put_lenbytes(b, v.data, v.len);
            buf_deinit(&v);
            if (rc2 < 0)
                return err_set(rc2 < 0 ? rc2 : ERR_INVALID, "default of column '%s': %s", c->name,
                               err_msg());
        }
        TRY(put_str(b, c->comment));
    }
    TRY(enc_parts(b, t->n_pk, t->pk));
    TRY(buf_put_varint(b, t->n_indexes));
    for (uint32_t i = 0; i < t->n_indexes; i++) {
        const struct catalog_index *x = &t->indexes[i];
        TRY(put_str(b, x->name));
        TRY(buf_put_varint(b, x->id));
        TRY(buf_put_u8(b, x->unique));
        TRY(buf_put_u8(b, x->state));
        TRY(enc_parts(b, x->n_cols, x->cols));
    }
    return 0;
}

static int parts_valid(const struct catalog_table *t, uint32_t n, const struct catalog_index_col *c)
{
    for (uint32_t i = 0; i < n; i++)
        if (!catalog_column_by_id(t, c[i].column_id))
            return 0;
    return 1;
}

/* Decodes a table row into a (every string and array in a). 0, ERR_CORRUPT, ERR_NOMEM. */
static int dec_table(const uint8_t *p, size_t len, struct arena *a, struct catalog_table **out)
{
    struct rd r = {p, p + len, 0};
    struct catalog_table *t = arena_alloc(a, sizeof *t);
    if (!t)
        return ERR_NOMEM;
    memset(t, 0, sizeof *t);
    if (rd_u8(&r) != REC_VERSION)
        r.bad = 1;
    t->id = rd_varint(&r);
    t->db = rd_str(&r, a, CATALOG_NAME_MAX);
    t->name = rd_str(&r, a, CATALOG_NAME_MAX);
    t->engine = rd_str(&r, a, CATALOG_NAME_MAX);
    uint64_t coll = rd_varint(&r);
    t->comment = rd_str(&r, a, 65535);
    t->auto_increment_start = rd_varint(&r);
    t->version = rd_varint(&r);
    uint64_t next_col = rd_varint(&r), nc = rd_varint(&r);
    if (coll > 0xffff || next_col > UINT32_MAX || nc == 0 || nc > MAX_COLUMNS ||
        nc > (uint64_t)(r.end - r.p) || t->id == 0 || t->id > (UINT64_MAX >> 8))
        r.bad = r.bad ? r.bad : 1;
    if (r.bad)
        goto done;
    t->coll = (uint16_t)coll;
    t->next_column_id = (uint32_t)next_col;
    t->n_columns = (uint32_t)nc;
    t->columns = arena_alloc(a, sizeof *t->columns * (size_t)nc);
    if (!t->columns)
        return ERR_NOMEM;
    memset(t->columns, 0, sizeof *t->columns * (size_t)nc);
    for (uint32_t i = 0; i < t->n_columns && !r.bad; i++) {
        struct catalog_column *c = &t->columns[i];
        c->name = rd_str(&r, a, CATALOG_NAME_MAX);
        uint64_t id = rd_varint(&r);
        if (id == 0 || id >= t->next_column_id)
            r.bad = r.bad ? r.bad : 1;
        c->id = (uint32_t)id;
        dec_type(&r, a, &c->type);
        uint8_t fl = rd_u8(&r);
        c->nullable = fl & 1;
        c->auto_increment = (fl >> 1) & 1;
        c->default_kind = rd_u8(&r);
        c->default_value = value_null();
        if (fl > 3 || c->default_kind > CATALOG_DEFAULT_NOW)
            r.bad = r.bad ? r.bad : 1;
        if (!r.bad && c->default_kind == CATALOG_DEFAULT_VALUE) {
            c->default_text = rd_str(&r, a, 65535);
            uint64_t vl = rd_varint(&r);
            const uint8_t *vp = rd_bytes(&r, vl > len ? SIZE_MAX : (size_t)vl);
            if (vp) {
                const uint8_t *own = vl ? arena_memdup(a, vp, (size_t)vl) : (const uint8_t *)"";
                if (!own)
                    return ERR_NOMEM;
                struct rowcodec_col rc = {.id = 1, .type = &c->type};
                int rc2 =
                    rowcodec_row_decode(own, (size_t)vl, &rc, 1, NULL, NULL, a, &c->default_value);
                if (rc2 == ERR_NOMEM)
                    return ERR_NOMEM;
                if (rc2 < 0)
                    r.bad = 1;
            }
        }
        c->comment = rd_str(&r, a, 65535);
        for (uint32_t j = 0; j < i && !r.bad; j++)
            if (t->columns[j].id == c->id || !name_ci_cmp(t->columns[j].name, c->name))
                r.bad = 1;
    }
    t->pk = dec_parts(&r, a, &t->n_pk);
    uint64_t ni = rd_varint(&r);
    if (ni >= MAX_KEYS || ni > (uint64_t)(r.end - r.p))
        r.bad = r.bad ? r.bad : 1;
    if (r.bad)
        goto done;
    t->n_indexes = (uint32_t)ni;
    t->indexes = ni ? arena_alloc(a, sizeof *t->indexes * (size_t)ni) : NULL;
    if (ni && !t->indexes)
        return ERR_NOMEM;
    for (uint32_t i = 0; i < t->n_indexes && !r.bad; i++) {
        struct catalog_index *x = &t->indexes[i];
        x->name = rd_str(&r, a, CATALOG_NAME_MAX);
        uint64_t id = rd_varint(&r);
        uint8_t uq = rd_u8(&r);
        x->unique = uq & 1;
        x->state = rd_u8(&r);
        x->cols = dec_parts(&r, a, &x->n_cols);
        if (id == 0 || id > CATALOG_INDEX_MAX || uq > 1 ||
            (x->state != CATALOG_INDEX_WRITE_ONLY && x->state != CATALOG_INDEX_PUBLIC) ||
            x->n_cols == 0)
            r.bad = r.bad ? r.bad : 1;
        x->id = (uint32_t)id;
        if (!r.bad && !parts_valid(t, x->n_cols, x->cols))
            r.bad = 1;
    }
    if (!r.bad && !parts_valid(t, t->n_pk, t->pk))
        r.bad = 1;
done:
    if (r.bad == 2)
        return ERR_NOMEM;
    if (r.bad || r.p != r.end)
        return err_set(ERR_CORRUPT, "catalog: damaged table row");
    *out = t;
    return 0;
}

static int enc_db(struct buf *b, const struct catalog_db *d)
{
    TRY(buf_put_u8(b, REC_VERSION));
    TRY(put_str(b, d->name));
    return buf_put_varint(b, d->coll);
}

static int dec_db(const uint8_t *p, size_t len, struct arena *a, struct catalog_db **out)
{
    struct rd r = {p, p + len, 0};
    struct catalog_db *d = arena_alloc(a, sizeof *d);
    if (!d)
        return ERR_NOMEM;
    if (rd_u8(&r) != REC_VERSION)
        r.bad = 1;
    d->name = rd_str(&r, a, CATALOG_NAME_MAX);
    uint64_t coll = rd_varint(&r);
    if (r.bad == 2)
        return ERR_NOMEM;
    if (r.bad || r.p != r.end || !collation_by_id((unsigned)(coll & 0xffff)) || coll > 0xffff)
        return err_set(ERR_CORRUPT, "catalog: damaged database row");
    d->coll = (uint16_t)coll;
    *out = d;
    return 0;
}

static int enc_user(struct buf *b, const struct catalog_user *u)
{
    TRY(buf_put_u8(b, REC_VERSION));
    TRY(put_str(b, u->user));
    TRY(put_str(b, u->host));
    TRY(buf_put_u8(b, u->plugin));
    TRY(buf_put_u8(b, (uint8_t)(u->no_password | u->has_native << 1 | u->has_sha2 << 2)));
    if (u->has_native)
        TRY(buf_append(b, u->native_hash, 20));
    if (u->has_sha2)
        TRY(buf_append(b, u->sha2_hash, 32));
    TRY(buf_put_varint(b, u->global_privs));
    TRY(buf_put_varint(b, u->n_db_privs));
    for (uint32_t i = 0; i < u->n_db_privs; i++) {
        TRY(put_str(b, u->db_privs[i].db));
        TRY(buf_put_varint(b, u->db_privs[i].privs));
    }
    return 0;
}

static int dec_user(const uint8_t *p, size_t len, struct arena *a, struct catalog_user **out)
{
    struct rd r = {p, p + len, 0};
    struct catalog_user *u = arena_alloc(a, sizeof *u);
    if (!u)
        return ERR_NOMEM;
    memset(u, 0, sizeof *u);
    if (rd_u8(&r) != REC_VERSION)
        r.bad = 1;
    u->user = rd_str(&r, a, 255);
    u->host = rd_str(&r, a, 255);
    u->plugin = rd_u8(&r);
    uint8_t fl = rd_u8(&r);
    if (fl > 7 || (u->plugin != SERVER_AUTH_NATIVE && u->plugin != SERVER_AUTH_SHA2))
        r.bad = r.bad ? r.bad : 1;
    u->no_password = fl & 1;
    u->has_native = (fl >> 1) & 1;
    u->has_sha2 = (fl >> 2) & 1;
    const uint8_t *h;
    if (u->has_native && (h = rd_bytes(&r, 20)))
        memcpy(u->native_hash, h, 20);
    if (u->has_sha2 && (h = rd_bytes(&r, 32)))
        memcpy(u->sha2_hash, h, 32);
    u->global_privs = rd_varint(&r);
    uint64_t n = rd_varint(&r);
    if (n > (uint64_t)(r.end - r.p))
        r.bad = r.bad ? r.bad : 1;
    if (!r.bad && n) {
        u->db_privs = arena_alloc(a, sizeof *u->db_privs * (size_t)n);
        if (!u->db_privs)
            return ERR_NOMEM;
        u->n_db_privs = (uint32_t)n;
        for (uint32_t i = 0; i < u->n_db_privs && !r.bad; i++) {
            u->db_privs[i].db = rd_str(&r, a, CATALOG_NAME_MAX);
            u->db_privs[i].privs = rd_varint(&r);
            if (i && strcmp(u->db_privs[i - 1].db, u->db_privs[i].db) >= 0)
                r.bad = r.bad ? r.bad : 1;
        }
    }
    if (r.bad == 2)
        return ERR_NOMEM;
    if (r.bad || r.p != r.end)
        return err_set(ERR_CORRUPT, "catalog: damaged user row");
    *out = u;
    return 0;
}

/* Keys. */
static int key_db(struct buf *k, const char *db)
{
    buf_reset(k);
    TRY(buf_put_u8(k, KIND_DB));
    return buf_append(k, db, strlen(db));
}

static int key2(struct buf *k, uint8_t kind, const char *a, const char *b)
{
    buf_reset(k);
    TRY(buf_put_u8(k, kind));
    TRY(buf_append(k, a, strlen(a)));
    TRY(buf_put_u8(k, 0));
    return buf_append(k, b, strlen(b));
}

static void key_aic(uint8_t k[10], uint64_t table_id, int seq)
{
    k[0] = KIND_AUTOINC;
    be64_put(k + 1, table_id);
    k[9] = (uint8_t)seq;
}

/* ---- Snapshots ---------------------------------------------------------- */

static struct snap_impl *snap_new(void)
{
    struct snap_impl *s = mem_calloc(1, sizeof *s);
    if (!s)
        return NULL;
    arena_init(&s->arena, 0);
    atomic_init(&s->refs, 1);
    return s;
}

static void snap_free(struct snap_impl *s)
{
    if (!s)
        return;
    arena_deinit(&s->arena);
    mem_free(s);
}

/* Grows one of the snapshot's pointer arrays (in the arena) to hold one more. */
static int grow(struct snap_impl *s, void ***arr, uint32_t n, uint32_t *cap)
{
    if (n < *cap)
        return 0;
    uint32_t nc = *cap ? *cap * 2 : 16;
    void **na = arena_alloc(&s->arena, sizeof(void *) * nc);
    if (!na)
        return ERR_NOMEM;
    if (n)
        memcpy(na, *arr, sizeof(void *) * n);
    *arr = na;
    *cap = nc;
    return 0;
}

static void arr_insert(void **arr, uint32_t *n, uint32_t at, void *p)
{
    memmove(arr + at + 1, arr + at, sizeof(void *) * (*n - at));
    arr[at] = p;
    (*n)++;
}

static void arr_remove(void **arr, uint32_t *n, uint32_t at)
{
    memmove(arr + at, arr + at + 1, sizeof(void *) * (*n - at - 1));
    (*n)--;
}

static int table_cmp(const char *db1, const char *n1, const char *db2, const char *n2)
{
    int c = strcmp(db1, db2);
    return c ? c : strcmp(n1, n2);
}

/* Position of (db, name) in the sorted tables: *found set if present. */
static uint32_t table_pos(const struct catalog_snap *s, const char *db, const char *name,
                          int *found)
{
    uint32_t lo = 0, hi = s->n_tables;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        int c = table_cmp(s->tables[mid]->db, s->tables[mid]->name, db, name);
        if (c == 0) {
            *found = 1;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = 0;
    return lo;
}

static uint32_t db_pos(const struct catalog_snap *s, const char *db, int *found)
{
    uint32_t lo = 0, hi = s->n_dbs;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        int c = strcmp(s->dbs[mid]->name, db);
        if (c == 0) {
            *found = 1;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = 0;
    return lo;
}

static uint32_t user_pos(const struct catalog_snap *s, const char *user, const char *host,
                         int *found)
{
    uint32_t lo = 0, hi = s->n_users;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        int c = strcmp(s->users[mid]->user, user);
        if (!c)
            c = strcasecmp(s->users[mid]->host, host);
        if (c == 0) {
            *found = 1;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = 0;
    return lo;
}

/* Serialises obj with enc and decodes it into s's arena: a deep copy. */
static int copy_table(struct snap_impl *s, const struct catalog_table *t,
                      struct catalog_table **out)
{
    struct buf b;
    buf_init(&b);
    int rc = enc_table(&b, t);
    if (rc == 0)
        rc = dec_table(b.data, b.len, &s->arena, out);
    buf_deinit(&b);
    return rc;
}

static int copy_db(struct snap_impl *s, const struct catalog_db *d, struct catalog_db **out)
{
    struct buf b;
    buf_init(&b);
    int rc = enc_db(&b, d);
    if (rc == 0)
        rc = dec_db(b.data, b.len, &s->arena, out);
    buf_deinit(&b);
    return rc;
}

static int copy_user(struct snap_impl *s, const struct catalog_user *u, struct catalog_user **out)
{
    struct buf b;
    buf_init(&b);
    int rc = enc_user(&b, u);
    if (rc == 0)
        rc = dec_user(b.data, b.len, &s->arena, out);
    buf_deinit(&b);
    return rc;
}

static int snap_clone(const struct snap_impl *src, struct snap_impl **out)
{
    struct snap_impl *s = snap_new();
    if (!s)
        return ERR_NOMEM;
    int rc = 0;
    s->pub.version = src->pub.version;
    for (uint32_t i = 0; i < src->pub.n_dbs && !rc; i++) {
        struct catalog_db *d;
        rc = grow(s, (void ***)&s->pub.dbs, s->pub.n_dbs, &s->dbs_cap);
        if (!rc)
            rc = copy_db(s, src->pub.dbs[i], &d);
        if (!rc)
            s->pub.dbs[s->pub.n_dbs++] = d;
    }
    for (uint32_t i = 0; i < src->pub.n_tables && !rc; i++) {
        struct catalog_table *t;
        rc = grow(s, (void ***)&s->pub.tables, s->pub.n_tables, &s->tables_cap);
        if (!rc)
            rc = copy_table(s, src->pub.tables[i], &t);
        if (!rc)
            s->pub.tables[s->pub.n_tables++] = t;
    }
    for (uint32_t i = 0; i < src->pub.n_users && !rc; i++) {
        struct catalog_user *u;
        rc = grow(s, (void ***)&s->pub.users, s->pub.n_users, &s->users_cap);
        if (!rc)
            rc = copy_user(s, src->pub.users[i], &u);
        if (!rc)
            s->pub.users[s->pub.n_users++] = u;
    }
    if (rc) {
        snap_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

struct catalog_snap *catalog_snapshot_get(struct catalog *c)
{
    pthread_mutex_lock(&c->snap_mu);
    struct snap_impl *s = c->cur;
    atomic_fetch_add(&s->refs, 1);
    pthread_mutex_unlock(&c->snap_mu);
    return &s->pub;
}

void catalog_snapshot_put(struct catalog *c, struct catalog_snap *pub)
{
    (void)c;
    if (!pub)
        return;
    struct snap_impl *s = (struct snap_impl *)pub;
    if (atomic_fetch_sub(&s->refs, 1) == 1)
        snap_free(s);
}

uint64_t catalog_version(struct catalog *c)
{
    pthread_mutex_lock(&c->snap_mu);
    uint64_t v = c->cur->pub.version;
    pthread_mutex_unlock(&c->snap_mu);
    return v;
}

/* ---- Lookups ------------------------------------------------------------ */

const struct catalog_db *catalog_find_db(const struct catalog_snap *s, const char *db)
{
    int f;
    uint32_t i = db_pos(s, db, &f);
    return f ? s->dbs[i] : NULL;
}

const struct catalog_table *catalog_find_table(const struct catalog_snap *s, const char *db,
                                               const char *name)
{
    int f;
    uint32_t i = table_pos(s, db, name, &f);
    return f ? s->tables[i] : NULL;
}

const struct catalog_table *catalog_find_table_by_id(const struct catalog_snap *s, uint64_t id)
{
    for (uint32_t i = 0; i < s->n_tables; i++)
        if (s->tables[i]->id == id)
            return s->tables[i];
    return NULL;
}

const struct catalog_column *catalog_find_column(const struct catalog_table *t, const char *name)
{
    for (uint32_t i = 0; i < t->n_columns; i++)
        if (!name_ci_cmp(t->columns[i].name, name))
            return &t->columns[i];
    return NULL;
}

const struct catalog_column *catalog_column_by_id(const struct catalog_table *t, uint32_t id)
{
    for (uint32_t i = 0; i < t->n_columns; i++)
        if (t->columns[i].id == id)
            return &t->columns[i];
    return NULL;
}

const struct catalog_index *catalog_find_index(const struct catalog_table *t, const char *name)
{
    for (uint32_t i = 0; i < t->n_indexes; i++)
        if (!name_ci_cmp(t->indexes[i].name, name))
            return &t->indexes[i];
    return NULL;
}

const struct catalog_user *catalog_find_user(const struct catalog_snap *s, const char *user,
                                             const char *host)
{
    int f;
    uint32_t i = user_pos(s, user, host, &f);
    return f ? s->users[i] : NULL;
}

/* MySQL's wild_case_compare for host patterns: '%' any run, '_' one character. */
static int host_match(const char *pat, const char *h)
{
    for (; *pat; pat++, h++) {
        if (*pat == '%') {
            for (;; h++) {
                if (host_match(pat + 1, h))
                    return 1;
                if (!*h)
                    return 0;
            }
        }
        if (!*h)
            return 0;
        int a = (unsigned char)*pat, b = (unsigned char)*h;
        if (a >= 'A' && a <= 'Z')
            a += 32;
        if (b >= 'A' && b <= 'Z')
            b += 32;
        if (*pat != '_' && a != b)
            return 0;
    }
    return *h == 0;
}

int catalog_auth_lookup(const struct catalog_snap *s, const char *user, const char *host,
                        struct server_auth_info *out)
{
    const struct catalog_user *best = NULL;
    int best_rank = 0;
    for (uint32_t i = 0; i < s->n_users; i++) {
        const struct catalog_user *u = s->users[i];
        if (strcmp(u->user, user) || !host_match(u->host, host))
            continue;
        /* Exact hosts first, then patterns with more literal characters, '%' last. */
        int wild = strpbrk(u->host, "%_") != NULL;
        int rank = wild ? 1 + (int)strlen(u->host) : 100000;
        if (!strcmp(u->host, "%"))
            rank = 1;
        if (rank > best_rank) {
            best = u;
            best_rank = rank;
        }
    }
    if (!best)
        return ERR_NOT_FOUND;
    memset(out, 0, sizeof *out);
    out->plugin = best->plugin;
    out->no_password = best->no_password;
    out->has_native = best->has_native;
    out->has_sha2 = best->has_sha2;
    out->sha2_cached = 1;
    memcpy(out->native_hash, best->native_hash, 20);
    memcpy(out->sha2_hash, best->sha2_hash, 32);
    return 0;
}

uint64_t catalog_privs(const struct catalog_snap *s, const struct catalog_user *u, const char *db)
{
    (void)s;
    uint64_t p = u->global_privs;
    for (uint32_t i = 0; db && i < u->n_db_privs; i++)
        if (!strcmp(u->db_privs[i].db, db))
            p |= u->db_privs[i].privs;
    return p;
}

/* ---- Auto-increment ----------------------------------------------------- */

static struct aic *aic_find(struct catalog *c, uint64_t id)
{
    size_t lo = 0, hi = c->n_aics;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c->aics[mid].table_id == id)
            return &c->aics[mid];
        if (c->aics[mid].table_id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Inserts (keeping the order; ids normally arrive increasing). */
static int aic_add(struct catalog *c, uint64_t id, uint64_t hwm0, uint64_t hwm1)
{
    struct aic *x = aic_find(c, id);
    if (!x) {
        if (c->n_aics == c->aics_cap) {
            size_t nc = c->aics_cap ? c->aics_cap * 2 : 16;
            struct aic *na = mem_realloc(c->aics, sizeof *na * nc);
            if (!na)
                return ERR_NOMEM;
            c->aics = na;
            c->aics_cap = nc;
        }
        size_t at = c->n_aics;
        while (at > 0 && c->aics[at - 1].table_id > id)
            at--;
        memmove(c->aics + at + 1, c->aics + at, sizeof *x * (c->n_aics - at));
        c->n_aics++;
        x = &c->aics[at];
        x->table_id = id;
        x->loaded = 0;
    }
    x->next[0] = x->hwm[0] = hwm0;
    x->next[1] = x->hwm[1] = hwm1;
    return 0;
}

static void aic_remove(struct catalog *c, uint64_t id)
{
    struct aic *x = aic_find(c, id);
    if (!x)
        return;
    size_t at = (size_t)(x - c->aics);
    memmove(c->aics + at, c->aics + at + 1, sizeof *x * (c->n_aics - at - 1));
    c->n_aics--;
}

static int put_aic(struct txn *t, uint64_t id, int seq, uint64_t hwm)
{
    uint8_t k[10], v[1 + VARINT_MAX];
    key_aic(k, id, seq);
    v[0] = REC_VERSION;
    size_t n = 1 + varint_put(v + 1, hwm);
    return txn_put(t, CATALOG_TABLET_ID, k, sizeof k, v, n);
}

static int begin_txn(struct catalog *c, struct txn **t)
{
    struct txn_opts o;
    txn_opts_default(&o);
    /* READ COMMITTED: DDL is serialised by ddl_mu and counter rows by aic_mu, so no
     * isolation is lost, and a DDL that deletes a counter row the allocator rewrote after
     * the DDL's snapshot must not fail with ERR_CONFLICT. */
    o.isolation = TXN_READ_COMMITTED;
    o.lock_wait_timeout_ms = 10000;
    return txn_begin(c->m, &o, t);
}

/* Persists a new high-water mark in its own transaction. Caller holds aic_mu. */
static int aic_persist(struct catalog *c, uint64_t id, int seq, uint64_t hwm)
{
    struct txn *t;
    int rc = begin_txn(c, &t);
    if (rc)
        return rc;
    rc = put_aic(t, id, seq, hwm);
    if (rc == 0)
        rc = txn_commit(t, NULL);
    if (rc)
        txn_rollback(t);
    return rc;
}

static int aic_reserve(struct catalog *c, struct aic *x, int seq, uint64_t upto)
{
    if (upto <= x->hwm[seq])
        return 0;
    uint64_t nh =
        upto > UINT64_MAX - CATALOG_AUTOINC_BATCH ? UINT64_MAX : upto + CATALOG_AUTOINC_BATCH;
    int rc = aic_persist(c, x->table_id, seq, nh);
    if (rc)
        return err_prefix(rc, "reserve auto-increment values of table %llu",
                          (unsigned long long)x->table_id);
    x->hwm[seq] = nh;
    return 0;
}

int catalog_autoinc_next(struct catalog *c, uint64_t table_id, enum catalog_seq seq, uint64_t n,
                         uint64_t *first)
{
    if ((unsigned)seq > 1 || n == 0)
        return ERR_INVALID;
    pthread_mutex_lock(&c->aic_mu);
    int rc;
    struct aic *x = aic_find(c, table_id);
    if (!x) {
        rc = err_set(ERR_NOT_FOUND, "no table with id %llu", (unsigned long long)table_id);
        goto out;
    }
    if (x->next[seq] > UINT64_MAX - n) {
        rc = err_set(ERR_TOO_BIG, "auto-increment values exhausted");
        goto out;
    }
    rc = aic_reserve(c, x, seq, x->next[seq] + n);
    if (rc == 0) {
        *first = x->next[seq];
        x->next[seq] += n;
    }
out:
    pthread_mutex_unlock(&c->aic_mu);
    return rc;
}

int catalog_autoinc_observe(struct catalog *c, uint64_t table_id, enum catalog_seq seq, uint64_t v)
{
    if ((unsigned)seq > 1)
        return ERR_INVALID;
    pthread_mutex_lock(&c->aic_mu);
    int rc = 0;
    struct aic *x = aic_find(c, table_id);
    if (!x)
        rc = err_set(ERR_NOT_FOUND, "no table with id %llu", (unsigned long long)table_id);
    else if (v >= x->next[seq]) {
        uint64_t nx = v == UINT64_MAX ? UINT64_MAX : v + 1;
        rc = aic_reserve(c, x, seq, nx);
        if (rc == 0)
            x->next[seq] = nx;
    }
    pthread_mutex_unlock(&c->aic_mu);
    return rc;
}

int catalog_autoinc_peek(struct catalog *c, uint64_t table_id, enum catalog_seq seq, uint64_t *next)
{
    if ((unsigned)seq > 1)
        return ERR_INVALID;
    pthread_mutex_lock(&c->aic_mu);
    struct aic *x = aic_find(c, table_id);
    if (x)
        *next = x->next[seq];
    pthread_mutex_unlock(&c->aic_mu);
    return x ? 0 : ERR_NOT_FOUND;
}

/* ---- Open / close ------------------------------------------------------- */

static int load_row(struct catalog *c, struct snap_impl *s, const uint8_t *k, size_t kl,
                    const uint8_t *v, size_t vl)
{
    int rc = 0, f;
    struct buf kb;
    buf_init(&kb);
    if (kl == 0)
        return err_set(ERR_CORRUPT, "catalog: empty key");
    if (!v) /* An empty value may come without a pointer. */
        v = (const uint8_t *)"";
    switch (k[0]) {
    case KIND_META: {
        struct rd r = {v, v + vl, 0};
        if (rd_u8(&r) != REC_VERSION)
            r.bad = 1;
        c->next_table_id = rd_varint(&r);
        s->pub.version = rd_varint(&r);
        if (r.bad || r.p != r.end || kl != 1 || c->next_table_id == 0)
            rc = err_set(ERR_CORRUPT, "catalog: damaged meta row");
        break;
    }
    case KIND_DB: {
        struct catalog_db *d;
        rc = dec_db(v, vl, &s->arena, &d);
        if (!rc && !(rc = key_db(&kb, d->name)) && (kb.len != kl || memcmp(kb.data, k, kl)))
            rc = err_set(ERR_CORRUPT, "catalog: database row under a wrong key");
        if (!rc && !(rc = grow(s, (void ***)&s->pub.dbs, s->pub.n_dbs, &s->dbs_cap))) {
            uint32_t at = db_pos(&s->pub, d->name, &f);
            arr_insert((void **)s->pub.dbs, &s->pub.n_dbs, at, d);
        }
        break;
    }
    case KIND_TABLE: {
        struct catalog_table *t;
        rc = dec_table(v, vl, &s->arena, &t);
        if (!rc && !(rc = key2(&kb, KIND_TABLE, t->db, t->name)) &&
            (kb.len != kl || memcmp(kb.data, k, kl)))
            rc = err_set(ERR_CORRUPT, "catalog: table row under a wrong key");
        if (!rc && !(rc = grow(s, (void ***)&s->pub.tables, s->pub.n_tables, &s->tables_cap))) {
            uint32_t at = table_pos(&s->pub, t->db, t->name, &f);
            arr_insert((void **)s->pub.tables, &s->pub.n_tables, at, t);
        }
        break;
    }
    case KIND_USER: {
        struct catalog_user *u;
        rc = dec_user(v, vl, &s->arena, &u);
        if (!rc && !(rc = key2(&kb, KIND_USER, u->user, u->host)) &&
            (kb.len != kl || memcmp(kb.data, k, kl)))
            rc = err_set(ERR_CORRUPT, "catalog: user row under a wrong key");
        if (!rc && !(rc = grow(s, (void ***)&s->pub.users, s->pub.n_users, &s->users_cap))) {
            uint32_t at = user_pos(&s->pub, u->user, u->host, &f);
            arr_insert((void **)s->pub.users, &s->pub.n_users, at, u);
        }
        break;
    }
    case KIND_AUTOINC: {
        struct rd r = {v, v + vl, 0};
        if (rd_u8(&r) != REC_VERSION)
            r.bad = 1;
        uint64_t hwm = rd_varint(&r);
        if (r.bad || r.p != r.end || kl != 10 || k[9] > 1) {
            rc = err_set(ERR_CORRUPT, "catalog: damaged auto-increment row");
            break;
        }
        uint64_t id = be64_get(k + 1);
        struct aic *x = aic_find(c, id);
        if (!x) {
            if ((rc = aic_add(c, id, 1, 1)))
                break;
            x = aic_find(c, id);
        }
        x->next[k[9]] = x->hwm[k[9]] = hwm;
        x->loaded |= (uint8_t)(1u << k[9]);
        break;
    }
    default:
        rc = err_set(ERR_CORRUPT, "catalog: unknown row kind 0x%02x", k[0]);
    }
    buf_deinit(&kb);
    return rc;
}

int catalog_open(struct txn_mgr *m, struct catalog **out)
{
    struct catalog *c = mem_calloc(1, sizeof *c);
    if (!c)
        return ERR_NOMEM;
    c->m = m;
    c->next_table_id = 1;
    pthread_mutex_init(&c->ddl_mu, NULL);
    pthread_mutex_init(&c->snap_mu, NULL);
    pthread_mutex_init(&c->aic_mu, NULL);
    int rc;
    struct txn *t = NULL;
    struct txn_scan *sc = NULL;
    struct snap_impl *s = snap_new();
    if (!s) {
        rc = ERR_NOMEM;
        goto fail;
    }
    s->pub.version = 1;
    rc = txn_tablet_exists(m, CATALOG_TABLET_ID);
    if (rc == ERR_NOT_FOUND)
        rc = txn_tablet_create(m, CATALOG_TABLET_ID);
    if (rc)
        goto fail;
    if ((rc = begin_txn(c, &t)) ||
        (rc = txn_scan_open(t, CATALOG_TABLET_ID, NULL, 0, NULL, 0, 0, 0, &sc)))
        goto fail;
    for (;;) {
        const uint8_t *k, *v;
        size_t kl, vl;
        rc = txn_scan_next(sc, &k, &kl, &v, &vl);
        if (rc == ERR_NOT_FOUND)
            break;
        if (rc || (rc = load_row(c, s, k, kl, v, vl)))
            goto fail;
    }
    txn_scan_close(sc);
    sc = NULL;
    rc = txn_commit(t, NULL);
    if (rc)
        goto fail;
    t = NULL;
    /* Every table must have its counters (a table created by this code always has them),
     * and no table an id at or above the next one (a damaged meta row would make ids
     * repeat). */
    for (uint32_t i = 0; i < s->pub.n_tables; i++) {
        const struct aic *x = aic_find(c, s->pub.tables[i]->id);
        if (!x || x->loaded != 3 || s->pub.tables[i]->id >= c->next_table_id) {
            rc = err_set(ERR_CORRUPT,
                         "catalog: table %s.%s: counter rows missing, or id past the next",
                         s->pub.tables[i]->db, s->pub.tables[i]->name);
            goto fail;
        }
    }
    c->cur = s;
    *out = c;
    return 0;
fail:
    if (sc)
        txn_scan_close(sc);
    if (t)
        txn_rollback(t);
    snap_free(s);
    mem_free(c->aics);
    pthread_mutex_destroy(&c->ddl_mu);
    pthread_mutex_destroy(&c->snap_mu);
    pthread_mutex_destroy(&c->aic_mu);
    mem_free(c);
    return err_prefix(rc, "open catalog");
}

void catalog_close(struct catalog *c)
{
    if (!c)
        return;
    catalog_snapshot_put(c, &c->cur->pub);
    mem_free(c->aics);
    pthread_mutex_destroy(&c->ddl_mu);
    pthread_mutex_destroy(&c->snap_mu);
    pthread_mutex_destroy(&c->aic_mu);
    mem_free(c);
}

/* ---- DDL machinery ------------------------------------------------------ */

#define WORK_TABLETS 1024 /* Tablets one DDL transaction may create or drop. */
#define WORK_AOPS    64   /* Counter changes of one DDL transaction. */

struct aic_op {
    uint64_t table_id; /* Table. */
    int create;        /* 1: create counters starting at start; 0: delete them. */
    uint64_t start;    /* AUTO_INCREMENT start. */
};

struct work {
    struct catalog *c;             /* The catalog (ddl_mu held). */
    struct snap_impl *ns;          /* The snapshot being built. */
    struct txn *t;                 /* The DDL's transaction. */
    struct buf k, v;               /* Scratch key and value. */
    uint64_t create[WORK_TABLETS]; /* Tablets to create before commit. */
    size_t n_create;               /* Their count. */
    uint64_t drop[WORK_TABLETS];   /* Tablets to drop after commit. */
    size_t n_drop;                 /* Their count. */
    struct aic_op aops[WORK_AOPS]; /* Counter changes, applied at commit. */
    size_t n_aops;                 /* Their count. */
    uint64_t next_table_id;        /* Next table id after this DDL. */
};

static int work_begin(struct catalog *c, struct work *w)
{
    memset(w, 0, sizeof *w);
    pthread_mutex_lock(&c->ddl_mu);
    w->c = c;
    w->next_table_id = c->next_table_id;
    buf_init(&w->k);
    buf_init(&w->v);
    int rc = snap_clone(c->cur, &w->ns);
    if (rc == 0) {
        w->ns->pub.version++;
        rc = begin_txn(c, &w->t);
    }
    if (rc) {
        snap_free(w->ns);
        buf_deinit(&w->k);
        buf_deinit(&w->v);
        pthread_mutex_unlock(&c->ddl_mu);
    }
    return rc;
}

/* Ends the work: commit (rc == 0) or roll back. Returns rc or the commit's error. */
static int work_end(struct work *w, int rc)
{
    struct catalog *c = w->c;
    size_t n_created = 0;
    int locked_aic = 0;
    if (rc)
        goto fail;
    /* Meta row: next table id and the new version. */
    buf_reset(&w->v);
    if ((rc = buf_put_u8(&w->v, REC_VERSION)) || (rc = buf_put_varint(&w->v, w->next_table_id)) ||
        (rc = buf_put_varint(&w->v, w->ns->pub.version)))
        goto fail;
    uint8_t mk = KIND_META;
    if ((rc = txn_put(w->t, CATALOG_TABLET_ID, &mk, 1, w->v.data, w->v.len)))
        goto fail;
    for (; n_created < w->n_create; n_created++) {
        if ((rc = txn_tablet_create(c->m, w->create[n_created])) == ERR_EXISTS) {
            /* Left by a DDL that crashed before its commit (so never written to), or not
             * yet dropped after a commit (a crash): start it over empty. */
            rc = txn_tablet_drop(c->m, w->create[n_created]);
            if (rc == 0)
                rc = txn_tablet_create(c->m, w->create[n_created]);
        }
        if (rc) {
            rc = err_prefix(rc, "create tablet %llu", (unsigned long long)w->create[n_created]);
            goto fail;
        }
    }
    pthread_mutex_lock(&c->aic_mu);
    locked_aic = 1;
    for (size_t i = 0; i < w->n_aops && !rc; i++) {
        struct aic_op *a = &w->aops[i];
        for (int seq = 0; seq < 2 && !rc; seq++) {
            uint8_t k[10];
            key_aic(k, a->table_id, seq);
            rc = a->create ? put_aic(w->t, a->table_id, seq, seq ? 1 : a->start)
                           : txn_delete(w->t, CATALOG_TABLET_ID, k, sizeof k);
        }
    }
    if (rc)
        goto fail;
    if ((rc = txn_commit(w->t, NULL))) {
        /* The commit's outcome may be unknown (ERR_READONLY: durable or not, the reopened
         * store will tell), so the new tablets stay: a table row must never lack its
         * tablets. Unused, they are reclaimed when their id comes up again. */
        n_created = 0;
        goto fail;
    }
    w->t = NULL;
    for (size_t i = 0; i < w->n_aops; i++) {
        if (w->aops[i].create) {
            if (aic_add(c, w->aops[i].table_id, w->aops[i].start, 1))
                abort(); /* Committed but no memory for the counter: cannot continue safely. */
        } else
            aic_remove(c, w->aops[i].table_id);
    }
    pthread_mutex_unlock(&c->aic_mu);
    c->next_table_id = w->next_table_id;
    pthread_mutex_lock(&c->snap_mu);
    struct snap_impl *old = c->cur;
    c->cur = w->ns;
    pthread_mutex_unlock(&c->snap_mu);
    catalog_snapshot_put(c, &old->pub);
    for (size_t i = 0; i < w->n_drop; i++)
        (void)txn_tablet_drop(c->m, w->drop[i]); /* Leaked tablets are harmless but waste. */
    buf_deinit(&w->k);
    buf_deinit(&w->v);
    pthread_mutex_unlock(&c->ddl_mu);
    return 0;
fail:
    if (locked_aic)
        pthread_mutex_unlock(&c->aic_mu);
    if (w->t)
        txn_rollback(w->t);
    for (size_t i = 0; i < n_created; i++)
        (void)txn_tablet_drop(c->m, w->create[i]);
    snap_free(w->ns);
    buf_deinit(&w->k);
    buf_deinit(&w->v);
    pthread_mutex_unlock(&c->ddl_mu);
    return rc;
}

/* Writes t (a temporary or any table) as a row and puts a deep copy in the new snapshot,
 * replacing the entry for (t->db, t->name) if there is one. */
static int w_put_table(struct work *w, struct catalog_table *t)
{
    int rc, f;
    t->version = w->ns->pub.version;
    buf_reset(&w->v);
    if ((rc = enc_table(&w->v, t)) || (rc = key2(&w->k, KIND_TABLE, t->db, t->name)))
        return rc;
    if ((rc = txn_put(w->t, CATALOG_TABLET_ID, w->k.data, w->k.len, w->v.data, w->v.len)))
        return rc;
    struct catalog_table *copy;
    if ((rc = dec_table(w->v.data, w->v.len, &w->ns->arena, &copy)))
        return rc;
    struct catalog_snap *s = &w->ns->pub;
    uint32_t at = table_pos(s, t->db, t->name, &f);
    if (f) {
        s->tables[at] = copy;
        return 0;
    }
    if ((rc = grow(w->ns, (void ***)&s->tables, s->n_tables, &w->ns->tables_cap)))
        return rc;
    arr_insert((void **)s->tables, &s->n_tables, at, copy);
    return 0;
}

static int w_del_table(struct work *w, const char *db, const char *name)
{
    int rc, f;
    if ((rc = key2(&w->k, KIND_TABLE, db, name)) ||
        (rc = txn_delete(w->t, CATALOG_TABLET_ID, w->k.data, w->k.len)))
        return rc;
    struct catalog_snap *s = &w->ns->pub;
    uint32_t at = table_pos(s, db, name, &f);
    if (f)
        arr_remove((void **)s->tables, &s->n_tables, at);
    return 0;
}

static int w_put_user(struct work *w, const struct catalog_user *u)
{
    int rc, f;
    buf_reset(&w->v);
    if ((rc = enc_user(&w->v, u)) || (rc = key2(&w->k, KIND_USER, u->user, u->host)) ||
        (rc = txn_put(w->t, CATALOG_TABLET_ID, w->k.data, w->k.len, w->v.data, w->v.len)))
        return rc;
    struct catalog_user *copy;
    if ((rc = dec_user(w->v.data, w->v.len, &w->ns->arena, &copy)))
        return rc;
    struct catalog_snap *s = &w->ns->pub;
    uint32_t at = user_pos(s, u->user, u->host, &f);
    if (f) {
        s->users[at] = copy;
        return 0;
    }
    if ((rc = grow(w->ns, (void ***)&s->users, s->n_users, &w->ns->users_cap)))
        return rc;
    arr_insert((void **)s->users, &s->n_users, at, copy);
    return 0;
}

/* Queues the drop of every tablet of t and its counters. */
static void w_drop_tablets(struct work *w, const struct catalog_table *t)
{
    w->drop[w->n_drop++] = catalog_tablet_id(t, 0);
    for (uint32_t i = 0; i < t->n_indexes; i++)
        w->drop[w->n_drop++] = catalog_tablet_id(t, t->indexes[i].id);
}

/* ---- Databases ---------------------------------------------------------- */

int catalog_create_db(struct catalog *c, const char *db, uint16_t coll, bool if_not_exists,
                      struct catalog_error *err)
{
    err_clear_c(err);
    int rc = check_name(err, db, "database"), f;
    if (rc)
        return rc;
    if (!coll)
        coll = collation_default()->id;
    if (!collation_by_id(coll))
        return myerr(err, 1273, "HY000", ERR_INVALID, "Unknown collation: '%u'", coll);
    struct work w;
    if ((rc = work_begin(c, &w)))
        return rc;
    struct catalog_snap *s = &w.ns->pub;
    uint32_t at = db_pos(s, db, &f);
    if (f) {
        if (if_not_exists) {
            work_end(&w, ERR_EXISTS);
            return 0;
        }
        return work_end(&w, myerr(err, 1007, "HY000", ERR_EXISTS,
                                  "Can't create database '%s'; database exists", db));
    }
    struct catalog_db d = {.name = db, .coll = coll}, *copy;
    buf_reset(&w.v);
    if ((rc = enc_db(&w.v, &d)) || (rc = key_db(&w.k, db)) ||
        (rc = txn_put(w.t, CATALOG_TABLET_ID, w.k.data, w.k.len, w.v.data, w.v.len)) ||
        (rc = dec_db(w.v.data, w.v.len, &w.ns->arena, &copy)) ||
        (rc = grow(w.ns, (void ***)&s->dbs, s->n_dbs, &w.ns->dbs_cap)))
        return work_end(&w, rc);
    arr_insert((void **)s->dbs, &s->n_dbs, at, copy);
    return work_end(&w, 0);
}

int catalog_drop_db(struct catalog *c, const char *db, bool if_exists, struct catalog_error *err)
{
    err_clear_c(err);
    struct work w;
    int rc, f;
    if ((rc = work_begin(c, &w)))
        return rc;
    struct catalog_snap *s = &w.ns->pub;
    uint32_t at = db_pos(s, db, &f);
    if (!f) {
        if (if_exists) {
            work_end(&w, ERR_NOT_FOUND);
            return 0;
        }
        return work_end(&w, myerr(err, 1008, "HY000", ERR_NOT_FOUND,
                                  "Can't drop database '%s'; database doesn't exist", db));
    }
    /* Tables one DDL at a time would leave a half-dropped database after a crash; instead
     * the rows go in few transactions: the tablet and counter lists of one are bounded, so
     * a database with many tables is dropped in several transactions of up to WORK_AOPS
     * tables each; the database row goes last, so a crash in between leaves a database
     * with fewer tables, never tables without a database. */
    for (;;) {
        int ft;
        uint32_t ti = table_pos(s, db, "", &ft);
        if (ti >= s->n_tables || strcmp(s->tables[ti]->db, db))
            break;
        const struct catalog_table *t = s->tables[ti];
        if (w.n_aops == WORK_AOPS || w.n_drop + 1 + t->n_indexes > WORK_TABLETS) {
            /* Commit this batch and continue in a new one. */
            if ((rc = work_end(&w, 0)) || (rc = work_begin(c, &w)))
                return rc;
            s = &w.ns->pub;
            continue;
        }
        w_drop_tablets(&w, t);
        w.aops[w.n_aops++] = (struct aic_op){.table_id = t->id, .create = 0};
        if ((rc = w_del_table(&w, t->db, t->name)))
            return work_end(&w, rc);
    }
    at = db_pos(s, db, &f);
    if ((rc = key_db(&w.k, db)) || (rc = txn_delete(w.t, CATALOG_TABLET_ID, w.k.data, w.k.len)))
        return work_end(&w, rc);
    if (f)
        arr_remove((void **)s->dbs, &s->n_dbs, at);
    return work_end(&w, 0);
}

/* ---- Tables ------------------------------------------------------------- */

static int col_pos_ci(const struct catalog_table *t, const char *name)
{
    for (uint32_t i = 0; i < t->n_columns; i++)
        if (!name_ci_cmp(t->columns[i].name, name))
            return (int)i;
    return -1;
}

/* Normalises a column's flags with its booleans. */
static void col_norm(struct catalog_column *c)
{
    if (c->nullable)
        c->type.flags &= (uint16_t)~SQL_TYPE_NOT_NULL;
    else
        c->type.flags |= SQL_TYPE_NOT_NULL;
    if (c->auto_increment)
        c->type.flags |= SQL_TYPE_AUTO_INCREMENT;
    else
        c->type.flags &= (uint16_t)~SQL_TYPE_AUTO_INCREMENT;
    if (c->default_kind == CATALOG_DEFAULT_NOW)
        c->type.flags |= SQL_TYPE_DEFAULT_NOW;
    else
        c->type.flags &= (uint16_t)~SQL_TYPE_DEFAULT_NOW;
    if (!c->comment)
        c->comment = "";
    if (c->default_kind != CATALOG_DEFAULT_VALUE) {
        c->default_text = NULL;
        c->default_value = value_null();
    }
}

/* Resolves an index definition against t into parts (n_parts of them). */
static int resolve_parts(const struct catalog_table *t, const struct catalog_index_def *d,
                         struct catalog_index_col *parts, struct catalog_error *err)
{
    if (d->n_parts == 0 || d->n_parts > 16)
        return myerr(err, 1070, "42000", ERR_INVALID,
                     "Too many key parts specified; max 16 parts allowed");
    for (uint32_t i = 0; i < d->n_parts; i++) {
        int ci = col_pos_ci(t, d->parts[i].column);
        if (ci < 0)
            return myerr(err, 1072, "42000", ERR_INVALID, "Key column '%s' doesn't exist in table",
                         d->parts[i].column);
        const struct catalog_column *col = &t->columns[ci];
        if (col->type.id == SQL_TYPE_JSON)
            return myerr(err, 3152, "42000", ERR_INVALID,
                         "JSON column '%s' supports indexing only via generated columns on a "
                         "specified JSON path.",
                         col->name);
        for (uint32_t j = 0; j < i; j++)
            if (parts[j].column_id == col->id)
                return myerr(err, 1060, "42S21", ERR_INVALID, "Duplicate column name '%s'",
                             col->name);
        parts[i].column_id = col->id;
        parts[i].desc = d->parts[i].desc;
        parts[i].prefix_len = d->parts[i].prefix_len;
    }
    return 0;
}

/* MySQL names an unnamed key after its first column, adding _2, _3 ... on a clash. */
static const char *index_name(const struct catalog_table *t, const struct catalog_index_def *d,
                              uint32_t n_done, char *tmp, size_t cap)
{
    if (d->name)
        return d->name;
    const char *base = d->parts[0].column;
    snprintf(tmp, cap, "%s", base);
    for (int k = 2;; k++) {
        int clash = !name_ci_cmp(tmp, "PRIMARY");
        for (uint32_t i = 0; i < n_done && !clash; i++)
            clash = !name_ci_cmp(t->indexes[i].name, tmp);
        if (!clash)
            return tmp;
        snprintf(tmp, cap, "%s_%d", base, k);
    }
}

static int check_autoinc(const struct catalog_table *t, struct catalog_error *err)
{
    int n = 0;
    for (uint32_t i = 0; i < t->n_columns; i++) {
        const struct catalog_column *col = &t->columns[i];
        if (!col->auto_increment)
            continue;
        n++;
        int keyed = t->n_pk && t->pk[0].column_id == col->id;
        for (uint32_t j = 0; j < t->n_indexes && !keyed; j++)
            keyed = t->indexes[j].cols[0].column_id == col->id;
        if (col->default_kind == CATALOG_DEFAULT_VALUE || col->default_kind == CATALOG_DEFAULT_NOW)
            return myerr(err, 1067, "42000", ERR_INVALID, "Invalid default value for '%s'",
                         col->name);
        if (n > 1 || !keyed)
            return myerr(err, 1075, "42000", ERR_INVALID,
                         "Incorrect table definition; there can be only one auto column and it "
                         "must be defined as a key");
    }
    return 0;
}

int catalog_create_table(struct catalog *c, const struct catalog_table_def *def, bool if_not_exists,
                         uint64_t *table_id, struct catalog_error *err)
{
    err_clear_c(err);
    int rc;
    if ((rc = check_name(err, def->db, "database")) || (rc = check_name(err, def->name, "table")))
        return rc;
    if (def->n_columns == 0)
        return myerr(err, 1113, "42000", ERR_INVALID, "A table must have at least 1 column");
    if (def->n_columns > MAX_COLUMNS)
        return myerr(err, 1117, "HY000", ERR_INVALID, "Too many columns");
    if (def->n_indexes > MAX_KEYS)
        return myerr(err, 1069, "42000", ERR_INVALID,
                     "Too many keys specified; max %d keys allowed", MAX_KEYS);
    struct catalog_table t;
    memset(&t, 0, sizeof t);
    char names[MAX_KEYS][CATALOG_NAME_MAX + 8];
    struct catalog_column *cols = mem_calloc(def->n_columns, sizeof *cols);
    struct catalog_index *idx = mem_calloc(def->n_indexes + 1, sizeof *idx);
    struct catalog_index_col *parts = mem_calloc((size_t)(def->n_indexes + 1) * 16, sizeof *parts);
    struct work w;
    int began = 0;
    if (!cols || !idx || !parts) {
        rc = ERR_NOMEM;
        goto out;
    }
    t.db = def->db;
    t.name = def->name;
    t.columns = cols;
    t.n_columns = def->n_columns;
    t.engine = def->engine ? def->engine : "InnoDB";
    t.comment = def->comment ? def->comment : "";
    t.auto_increment_start = def->auto_increment_start ? def->auto_increment_start : 1;
    for (uint32_t i = 0; i < def->n_columns; i++) {
        cols[i] = def->columns[i];
        cols[i].id = i + 1;
        if ((rc = check_name(err, cols[i].name, "column")))
            goto out;
        for (uint32_t j = 0; j < i; j++)
            if (!name_ci_cmp(cols[j].name, cols[i].name)) {
                rc = myerr(err, 1060, "42S21", ERR_INVALID, "Duplicate column name '%s'",
                           cols[i].name);
                goto out;
            }
        col_norm(&cols[i]);
    }
    t.next_column_id = def->n_columns + 1;
    t.indexes = idx;
    uint32_t next_part = 0;
    for (uint32_t i = 0; i < def->n_indexes; i++) {
        const struct catalog_index_def *d = &def->indexes[i];
        struct catalog_index_col *p = parts + next_part;
        if ((rc = resolve_parts(&t, d, p, err)))
            goto out;
        next_part += d->n_parts;
        if (d->primary) {
            if (t.n_pk) {
                rc = myerr(err, 1068, "42000", ERR_INVALID, "Multiple primary key defined");
                goto out;
            }
            t.pk = p;
            t.n_pk = d->n_parts;
            for (uint32_t j = 0; j < d->n_parts; j++) {
                struct catalog_column *col =
                    (struct catalog_column *)catalog_column_by_id(&t, p[j].column_id);
                col->nullable = false;
                col_norm(col);
            }
            continue;
        }
        const char *nm = index_name(&t, d, t.n_indexes, names[t.n_indexes], sizeof names[0]);
        if ((rc = check_name(err, nm, "index")))
            goto out;
        int dup = !name_ci_cmp(nm, "PRIMARY");
        for (uint32_t j = 0; j < t.n_indexes && !dup; j++)
            dup = !name_ci_cmp(t.indexes[j].name, nm);
        if (dup) {
            rc = !name_ci_cmp(nm, "PRIMARY")
                     ? myerr(err, 1280, "42000", ERR_INVALID, "Incorrect index name '%s'", nm)
                     : myerr(err, 1061, "42000", ERR_INVALID, "Duplicate key name '%s'", nm);
            goto out;
        }
        struct catalog_index *x = &idx[t.n_indexes];
        x->name = nm;
        x->id = t.n_indexes + 1;
        x->unique = d->unique;
        x->state = CATALOG_INDEX_PUBLIC;
        x->n_cols = d->n_parts;
        x->cols = p;
        t.n_indexes++;
    }
    if ((rc = check_autoinc(&t, err)))
        goto out;
    if ((rc = work_begin(c, &w)))
        goto out;
    began = 1;
    struct catalog_snap *s = &w.ns->pub;
    t.coll = def->coll;
    const struct catalog_db *d = catalog_find_db(s, def->db);
    if (!d) {
        rc = myerr(err, 1049, "42000", ERR_NOT_FOUND, "Unknown database '%s'", def->db);
        goto out;
    }
    if (!t.coll)
        t.coll = d->coll;
    if (catalog_find_table(s, def->db, def->name)) {
        if (if_not_exists) {
            rc = ERR_EXISTS; /* Rolled back below, reported as success. */
            goto out;
        }
        rc = myerr(err, 1050, "42S01", ERR_EXISTS, "Table '%s' already exists", def->name);
        goto out;
    }
    t.id = w.next_table_id++;
    w.create[w.n_create++] = catalog_tablet_id(&t, 0);
    for (uint32_t i = 0; i < t.n_indexes; i++)
        w.create[w.n_create++] = catalog_tablet_id(&t, t.indexes[i].id);
    w.aops[w.n_aops++] =
        (struct aic_op){.table_id = t.id, .create = 1, .start = t.auto_increment_start};
    rc = w_put_table(&w, &t);
out:
    if (began) {
        int r2 = work_end(&w, rc);
        if (rc == ERR_EXISTS && if_not_exists && !(err && err->code))
            rc = 0;
        else
            rc = r2;
        if (rc == 0 && table_id)
            *table_id = t.id;
    }
    mem_free(cols);
    mem_free(idx);
    mem_free(parts);
    return rc;
}

/* Looks a table up for an ALTER-like call: 1146 when missing. */
static int w_find_table(struct work *w, const char *db, const char *name,
                        const struct catalog_table **out, struct catalog_error *err)
{
    const struct catalog_table *t = catalog_find_table(&w->ns->pub, db, name);
    if (!t)
        return myerr(err, 1146, "42S02", ERR_NOT_FOUND, "Table '%s.%s' doesn't exist", db, name);
    *out = t;
    return 0;
}

int catalog_drop_table(struct catalog *c, const char *db, const char *name, bool if_exists,
                       struct catalog_error *err)
{
    err_clear_c(err);
    struct work w;
    int rc;
    if ((rc = work_begin(c, &w)))
        return rc;
    const struct catalog_table *t = catalog_find_table(&w.ns->pub, db, name);
    if (!t) {
        if (if_exists) {
            work_end(&w, ERR_NOT_FOUND);
            return 0;
        }
        return work_end(
            &w, myerr(err, 1051, "42S02", ERR_NOT_FOUND, "Unknown table '%s.%s'", db, name));
    }
    w_drop_tablets(&w, t);
    w.aops[w.n_aops++] = (struct aic_op){.table_id = t->id, .create = 0};
    return work_end(&w, w_del_table(&w, db, name));
}

int catalog_rename_table(struct catalog *c, const char *db, const char *name, const char *new_db,
                         const char *new_name, struct catalog_error *err)
{
    err_clear_c(err);
    struct work w;
    int rc;
    if ((rc = check_name(err, new_db, "database")) || (rc = check_name(err, new_name, "table")))
        return rc;
    if ((rc = work_begin(c, &w)))
        return rc;
    const struct catalog_table *t;
    if ((rc = w_find_table(&w, db, name, &t, err)))
        return work_end(&w, rc);
    if (!catalog_find_db(&w.ns->pub, new_db))
        return work_end(&w,
                        myerr(err, 1049, "42000", ERR_NOT_FOUND, "Unknown database '%s'", new_db));
    if (catalog_find_table(&w.ns->pub, new_db, new_name))
        return work_end(
            &w, myerr(err, 1050, "42S01", ERR_EXISTS, "Table '%s' already exists", new_name));
    struct catalog_table nt = *t;
    nt.db = new_db;
    nt.name = new_name;
    if ((rc = w_put_table(&w, &nt)))
        return work_end(&w, rc);
    return work_end(&w, w_del_table(&w, db, name));
}

int catalog_truncate_table(struct catalog *c, const char *db, const char *name,
                           struct catalog_error *err)
{
    err_clear_c(err);
    struct work w;
    int rc;
    if ((rc = work_begin(c, &w)))
        return rc;
    const struct catalog_table *t;
    if ((rc = w_find_table(&w, db, name, &t, err)))
        return work_end(&w, rc);
    w_drop_tablets(&w, t);
    w.aops[w.n_aops++] = (struct aic_op){.table_id = t->id, .create = 0};
    struct catalog_table nt = *t;
    nt.id = w.next_table_id++;
    w.create[w.n_create++] = catalog_tablet_id(&nt, 0);
    for (uint32_t i = 0; i < nt.n_indexes; i++)
        w.create[w.n_create++] = catalog_tablet_id(&nt, nt.indexes[i].id);
    w.aops[w.n_aops++] =
        (struct aic_op){.table_id = nt.id, .create = 1, .start = nt.auto_increment_start};
    return work_end(&w, w_put_table(&w, &nt));
}

/* Builds a temporary copy of t with room for one more column and index (arrays from mem). */
struct tmp_table {
    struct catalog_table t;      /* The copy; strings still borrowed from the snapshot. */
    struct catalog_column *cols; /* Its columns (owned). */
    struct catalog_index *idx;   /* Its indexes (owned). */
};

static int tmp_init(struct tmp_table *x, const struct catalog_table *t)
{
    x->t = *t;
    x->cols = mem_calloc(t->n_columns + 1, sizeof *x->cols);
    x->idx = mem_calloc(t->n_indexes + 1, sizeof *x->idx);
    if (!x->cols || !x->idx) {
        mem_free(x->cols);
        mem_free(x->idx);
        return ERR_NOMEM;
    }
    memcpy(x->cols, t->columns, sizeof *x->cols * t->n_columns);
    if (t->n_indexes)
        memcpy(x->idx, t->indexes, sizeof *x->idx * t->n_indexes);
    x->t.columns = x->cols;
    x->t.indexes = x->idx;
    return 0;
}

static void tmp_deinit(struct tmp_table *x)
{
    mem_free(x->cols);
    mem_free(x->idx);
}

int catalog_add_column(struct catalog *c, const char *db, const char *table,
                       const struct catalog_column *col, const char *after,
                       struct catalog_error *err)
{
    err_clear_c(err);
    struct work w;
    int rc;
    if ((rc = check_name(err, col->name, "column")))
        return rc;
    if ((rc = work_begin(c, &w)))
        return rc;
    const struct catalog_table *t;
    if ((rc = w_find_table(&w, db, table, &t, err)))
        return work_end(&w, rc);
    if (col_pos_ci(t, col->name) >= 0)
        return work_end(
            &w, myerr(err, 1060, "42S21", ERR_INVALID, "Duplicate column name '%s'", col->name));
    if (t->n_columns >= MAX_COLUMNS)
        return work_end(&w, myerr(err, 1117, "HY000", ERR_INVALID, "Too many columns"));
    if (col->auto_increment)
        return work_end(&w, myerr(err, 1075, "42000", ERR_INVALID,
                                  "Incorrect table definition; there can be only one auto column "
                                  "and it must be defined as a key"));
    uint32_t at = t->n_columns;
    if (after && !*after)
        at = 0;
    else if (after) {
        int p = col_pos_ci(t, after);
        if (p < 0)
            return work_end(&w, myerr(err, 1054, "42S22", ERR_NOT_FOUND,
                                      "Unknown column '%s' in '%s'", after, table));
        at = (uint32_t)p + 1;
    }
    struct tmp_table x;
    if ((rc = tmp_init(&x, t)))
        return work_end(&w, rc);
    memmove(x.cols + at + 1, x.cols + at, sizeof *x.cols * (t->n_columns - at));
    x.cols[at] = *col;
    x.cols[at].id = t->next_column_id;
    col_norm(&x.cols[at]);
    x.t.n_columns++;
    x.t.next_column_id++;
    rc = w_put_table(&w, &x.t);
    tmp_deinit(&x);
    return work_end(&w, rc);
}

int catalog_drop_column(struct catalog *c, const char *db, const char *table, const char *column,
                        struct catalog_error *err)
{
    err_clear_c(err);
    struct work w;
    int rc;
    if ((rc = work_begin(c, &w)))
        return rc;
    const struct catalog_table *t;
    if ((rc = w_find_table(&w, db, table, &t, err)))
        return work_end(&w, rc);
    int p = col_pos_ci(t, column);
    if (p < 0)
        return work_end(&w, myerr(err, 1091, "42000", ERR_NOT_FOUND,
                                  "Can't DROP '%s'; check that column/key exists", column));
    if (t->n_columns == 1)
        return work_end(&w, myerr(err, 1090, "42000", ERR_INVALID,
                                  "You can't delete all columns with ALTER TABLE; use DROP TABLE "
                                  "instead"));
    uint32_t id = t->columns[p].id;
    for (uint32_t i = 0; i < t->n_pk; i++)
        if (t->pk[i].column_id == id)
            return work_end(&w, myerr(err, 1235, "42000", ERR_UNSUPPORTED,
                                      "This version of MySQL doesn't yet support 'dropping a "
                                      "primary key column'"));
    struct tmp_table x;
    if ((rc = tmp_init(&x, t)))
        return work_end(&w, rc);
    memmove(x.cols + p, x.cols + p + 1, sizeof *x.cols * (t->n_columns - (uint32_t)p - 1));
    x.t.n_columns--;
    x.t.n_indexes = 0;
    for (uint32_t i = 0; i < t->n_indexes && !rc; i++) {
        const struct catalog_index *ix = &t->indexes[i];
        int uses = 0;
        for (uint32_t j = 0; j < ix->n_cols; j++)
            uses |= ix->cols[j].column_id == id;
        if (!uses)
            x.idx[x.t.n_indexes++] = *ix;
        else if (ix->n_cols == 1)
            w.drop[w.n_drop++] = catalog_tablet_id(t, ix->id);
        else
            rc = myerr(err, 1235, "42000", ERR_UNSUPPORTED,
                       "This version of MySQL doesn't yet support 'dropping a column of a "
                       "multi-column index'");
    }
    if (!rc)
        rc = check_autoinc(&x.t, err);
    if (!rc)
        rc = w_put_table(&w, &x.t);
    tmp_deinit(&x);
    return work_end(&w, rc);
}

int catalog_modify_column(struct catalog *c, const char *db, const char *table, const char *column,
                          const struct catalog_column *col, struct catalog_error *err)
{
    err_clear_c(err);
    struct work w;
    int rc;
    if ((rc = check_name(err, col->name, "column")))
        return rc;
    if ((rc = work_begin(c, &w)))
        return rc;
    const struct catalog_table *t;
    if ((rc = w_find_table(&w, db, table, &t, err)))
        return work_end(&w, rc);
    int p = col_pos_ci(t, column);
    if (p < 0)
        return work_end(&w, myerr(err, 1054, "42S22", ERR_NOT_FOUND, "Unknown column '%s' in '%s'",
                                  column, table));
    int q = col_pos_ci(t, col->name);
    if (q >= 0 && q != p)
        return work_end(
            &w, myerr(err, 1060, "42S21", ERR_INVALID, "Duplicate column name '%s'", col->name));
    struct tmp_table x;
    if ((rc = tmp_init(&x, t)))
        return work_end(&w, rc);
    uint32_t id = x.cols[p].id;
    x.cols[p] = *col;
    x.cols[p].id = id;
    for (uint32_t i = 0; i < t->n_pk; i++)
        if (t->pk[i].column_id == id)
            x.cols[p].nullable = false;
    col_norm(&x.cols[p]);
    rc = check_autoinc(&x.t, err);
    if (!rc)
        rc = w_put_table(&w, &x.t);
    tmp_deinit(&x);
    return work_end(&w, rc);
}

/* ---- Indexes ------------------------------------------------------------ */

int catalog_add_index(struct catalog *c, const char *db, const char *table,
                      const struct catalog_index_def *def, uint32_t *index_id,
                      struct catalog_error *err)
{
    err_clear_c(err);
    struct work w;
    int rc;
    if (def->primary)
        return myerr(err, 1235, "42000", ERR_UNSUPPORTED,
                     "This version of MySQL doesn't yet support 'adding a primary key to an "
                     "existing table'");
    if ((rc = work_begin(c, &w)))
        return rc;
    const struct catalog_table *t;
    if ((rc = w_find_table(&w, db, table, &t, err)))
        return work_end(&w, rc);
    if (t->n_indexes + (t->n_pk > 0) >= MAX_KEYS)
        return work_end(&w, myerr(err, 1069, "42000", ERR_INVALID,
                                  "Too many keys specified; max %d keys allowed", MAX_KEYS));
    struct catalog_index_col parts[16];
    if ((rc = resolve_parts(t, def, parts, err)))
        return work_end(&w, rc);
    char tmpname[CATALOG_NAME_MAX + 8];
    const char *nm = index_name(t, def, t->n_indexes, tmpname, sizeof tmpname);
    if ((rc = check_name(err, nm, "index")))
        return work_end(&w, rc);
    if (!name_ci_cmp(nm, "PRIMARY"))
        return work_end(&w,
                        myerr(err, 1280, "42000", ERR_INVALID, "Incorrect index name '%s'", nm));
    if (catalog_find_index(t, nm))
        return work_end(&w, myerr(err, 1061, "42000", ERR_INVALID, "Duplicate key name '%s'", nm));
    /* Smallest free id: ids of dropped indexes are reused (their tablets are gone). */
    uint32_t id = 1;
    for (int again = 1; again;) {
        again = 0;
        for (uint32_t i = 0; i < t->n_indexes; i++)
            if (t->indexes[i].id == id) {
                id++;
                again = 1;
            }
    }
    struct tmp_table x;
    if ((rc = tmp_init(&x, t)))
        return work_end(&w, rc);
    struct catalog_index *ix = &x.idx[x.t.n_indexes++];
    ix->name = nm;
    ix->id = id;
    ix->unique = def->unique;
    ix->state = CATALOG_INDEX_WRITE_ONLY;
    ix->n_cols = def->n_parts;
    ix->cols = parts;
    w.create[w.n_create++] = catalog_tablet_id(t, id);
    rc = w_put_table(&w, &x.t);
    tmp_deinit(&x);
    rc = work_end(&w, rc);
    if (rc == 0 && index_id)
        *index_id = id;
    return rc;
}

int catalog_index_make_public(struct catalog *c, const char *db, const char *table,
                              const char *index, struct catalog_error *err)
{
    err_clear_c(err);
    struct work w;
    int rc;
    if ((rc = work_begin(c, &w)))
        return rc;
    const struct catalog_table *t;
    if ((rc = w_find_table(&w, db, table, &t, err)))
        return work_end(&w, rc);
    const struct catalog_index *ix = catalog_find_index(t, index);
    if (!ix)
        return work_end(&w, myerr(err, 1176, "42000", ERR_NOT_FOUND,
                                  "Key '%s' doesn't exist in table '%s'", index, table));
    struct tmp_table x;
    if ((rc = tmp_init(&x, t)))
        return work_end(&w, rc);
    x.idx[ix - t->indexes].state = CATALOG_INDEX_PUBLIC;
    rc = w_put_table(&w, &x.t);
    tmp_deinit(&x);
    return work_end(&w, rc);
}

int catalog_drop_index(struct catalog *c, const char *db, const char *table, const char *index,
                       struct catalog_error *err)
{
    err_clear_c(err);
    struct work w;
    int rc;
    if ((rc = work_begin(c, &w)))
        return rc;
    const struct catalog_table *t;
    if ((rc = w_find_table(&w, db, table, &t, err)))
        return work_end(&w, rc);
    const struct catalog_index *ix = catalog_find_index(t, index);
    if (!ix)
        return work_end(&w, myerr(err, 1091, "42000", ERR_NOT_FOUND,
                                  "Can't DROP '%s'; check that column/key exists", index));
    struct tmp_table x;
    if ((rc = tmp_init(&x, t)))
        return work_end(&w, rc);
    size_t i = (size_t)(ix - t->indexes);
    memmove(x.idx + i, x.idx + i + 1, sizeof *x.idx * (t->n_indexes - i - 1));
    x.t.n_indexes--;
    w.drop[w.n_drop++] = catalog_tablet_id(t, ix->id);
    rc = check_autoinc(&x.t, err);
    if (rc) /* MySQL answers 1075 when the auto column would lose its key. */
        rc = ERR_INVALID;
    else
        rc = w_put_table(&w, &x.t);
    tmp_deinit(&x);
    return work_end(&w, rc);
}

/* ---- Users -------------------------------------------------------------- */

static void hash_pw(struct catalog_user *u, const char *pw, size_t len)
{
    uint8_t s1[32];
    u->no_password = len == 0;
    u->has_native = u->has_sha2 = len > 0;
    memset(u->native_hash, 0, sizeof u->native_hash);
    memset(u->sha2_hash, 0, sizeof u->sha2_hash);
    if (!len)
        return;
    SHA1((const unsigned char *)pw, len, s1);
    SHA1(s1, 20, u->native_hash);
    SHA256((const unsigned char *)pw, len, s1);
    SHA256(s1, 32, u->sha2_hash);
}

static int user_err(struct catalog_error *err, const char *op, const char *user, const char *host)
{
    return myerr(err, 1396, "HY000", ERR_INVALID, "Operation %s failed for '%s'@'%s'", op, user,
                 host);
}

int catalog_create_user(struct catalog *c, const char *user, const char *host, const char *pw,
                        size_t pw_len, uint8_t plugin, bool if_not_exists,
                        struct catalog_error *err)
{
    err_clear_c(err);
    if (strlen(user) > 32 || strlen(host) > 255)
        return user_err(err, "CREATE USER", user, host);
    if (plugin != SERVER_AUTH_NATIVE && plugin != SERVER_AUTH_SHA2)
        return myerr(err, 1524, "HY000", ERR_INVALID, "Plugin '%u' is not loaded", plugin);
    struct work w;
    int rc;
    if ((rc = work_begin(c, &w)))
        return rc;
    if (catalog_find_user(&w.ns->pub, user, host)) {
        if (if_not_exists) {
            work_end(&w, ERR_EXISTS);
            return 0;
        }
        return work_end(&w, user_err(err, "CREATE USER", user, host));
    }
    struct catalog_user u;
    memset(&u, 0, sizeof u);
    u.user = user;
    u.host = host;
    u.plugin = plugin;
    hash_pw(&u, pw, pw_len);
    return work_end(&w, w_put_user(&w, &u));
}

int catalog_drop_user(struct catalog *c, const char *user, const char *host, bool if_exists,
                      struct catalog_error *err)
{
    err_clear_c(err);
    struct work w;
    int rc, f;
    if ((rc = work_begin(c, &w)))
        return rc;
    struct catalog_snap *s = &w.ns->pub;
    uint32_t at = user_pos(s, user, host, &f);
    if (!f) {
        if (if_exists) {
            work_end(&w, ERR_NOT_FOUND);
            return 0;
        }
        return work_end(&w, user_err(err, "DROP USER", user, host));
    }
    if ((rc = key2(&w.k, KIND_USER, s->users[at]->user, s->users[at]->host)) ||
        (rc = txn_delete(w.t, CATALOG_TABLET_ID, w.k.data, w.k.len)))
        return work_end(&w, rc);
    arr_remove((void **)s->users, &s->n_users, at);
    return work_end(&w, 0);
}

int catalog_alter_user_password(struct catalog *c, const char *user, const char *host,
                                const char *pw, size_t pw_len, struct catalog_error *err)
{
    err_clear_c(err);
    struct work w;
    int rc;
    if ((rc = work_begin(c, &w)))
        return rc;
    const struct catalog_user *u = catalog_find_user(&w.ns->pub, user, host);
    if (!u)
        return work_end(&w, user_err(err, "ALTER USER", user, host));
    struct catalog_user nu = *u;
    hash_pw(&nu, pw, pw_len);
    return work_end(&w, w_put_user(&w, &nu));
}

static int grant_revoke(struct catalog *c, const char *user, const char *host, const char *db,
                        uint64_t privs, int grant, struct catalog_error *err)
{
    err_clear_c(err);
    struct work w;
    int rc;
    if ((rc = work_begin(c, &w)))
        return rc;
    const struct catalog_user *u = catalog_find_user(&w.ns->pub, user, host);
    if (!u) {
        if (grant)
            return work_end(&w, myerr(err, 1410, "42000", ERR_NOT_FOUND,
                                      "You are not allowed to create a user with GRANT"));
        return work_end(&w, myerr(err, 1141, "42000", ERR_NOT_FOUND,
                                  "There is no such grant defined for user '%s' on host '%s'", user,
                                  host));
    }
    struct catalog_user nu = *u;
    struct catalog_db_priv *dp = mem_calloc(u->n_db_privs + 1, sizeof *dp);
    if (!dp)
        return work_end(&w, ERR_NOMEM);
    if (u->n_db_privs)
        memcpy(dp, u->db_privs, sizeof *dp * u->n_db_privs);
    nu.db_privs = dp;
    if (!db) {
        if (!grant && !(u->global_privs & privs) && privs)
            rc = myerr(err, 1141, "42000", ERR_NOT_FOUND,
                       "There is no such grant defined for user '%s' on host '%s'", user, host);
        nu.global_privs = grant ? u->global_privs | privs : u->global_privs & ~privs;
    } else {
        uint32_t i = 0;
        while (i < nu.n_db_privs && strcmp(dp[i].db, db) < 0)
            i++;
        int found = i < nu.n_db_privs && !strcmp(dp[i].db, db);
        if (grant) {
            if (!found) {
                memmove(dp + i + 1, dp + i, sizeof *dp * (nu.n_db_privs - i));
                dp[i].db = db;
                dp[i].privs = 0;
                nu.n_db_privs++;
            }
            dp[i].privs |= privs;
        } else if (!found) {
            rc = myerr(err, 1141, "42000", ERR_NOT_FOUND,
                       "There is no such grant defined for user '%s' on host '%s'", user, host);
        } else {
            dp[i].privs &= ~privs;
            if (!dp[i].privs) {
                memmove(dp + i, dp + i + 1, sizeof *dp * (nu.n_db_privs - i - 1));
                nu.n_db_privs--;
            }
        }
    }
    if (!rc)
        rc = w_put_user(&w, &nu);
    mem_free(dp);
    return work_end(&w, rc);
}

int catalog_grant(struct catalog *c, const char *user, const char *host, const char *db,
                  uint64_t privs, struct catalog_error *err)
{
    if (db && (check_name(err, db, "database")))
        return ERR_INVALID;
    return grant_revoke(c, user, host, db, privs, 1, err);
}

int catalog_revoke(struct catalog *c, const char *user, const char *host, const char *db,
                   uint64_t privs, struct catalog_error *err)
{
    return grant_revoke(c, user, host, db, privs, 0, err);
}

/* ---- information_schema ------------------------------------------------- */

int catalog_iter_schemata(const struct catalog_snap *s,
                          int (*cb)(void *arg, const struct catalog_schemata_row *r), void *arg)
{
    for (uint32_t i = 0; i < s->n_dbs; i++) {
        const struct collation *co = collation_by_id(s->dbs[i]->coll);
        struct catalog_schemata_row r = {
            .schema_name = s->dbs[i]->name,
            .charset = co ? co->charset->name : "",
            .collation = co ? co->name : "",
        };
        int rc = cb(arg, &r);
        if (rc)
            return rc;
    }
    return 0;
}

static int has_autoinc_col(const struct catalog_table *t)
{
    for (uint32_t i = 0; i < t->n_columns; i++)
        if (t->columns[i].auto_increment)
            return 1;
    return 0;
}

int catalog_iter_tables(struct catalog *c, const struct catalog_snap *s, const char *db,
                        int (*cb)(void *arg, const struct catalog_tables_row *r), void *arg)
{
    for (uint32_t i = 0; i < s->n_tables; i++) {
        const struct catalog_table *t = s->tables[i];
        if (db && strcmp(t->db, db))
            continue;
        const struct collation *co = collation_by_id(t->coll);
        struct catalog_tables_row r = {
            .table = t,
            .table_type = "BASE TABLE",
            .engine = t->engine,
            .row_format = "Dynamic",
            .collation = co ? co->name : "",
            .comment = t->comment,
        };
        if (has_autoinc_col(t) &&
            catalog_autoinc_peek(c, t->id, CATALOG_SEQ_AUTOINC, &r.auto_increment))
            r.auto_increment = 0;
        int rc = cb(arg, &r);
        if (rc)
            return rc;
    }
    return 0;
}

static const char *column_key(const struct catalog_table *t, uint32_t id)
{
    for (uint32_t i = 0; i < t->n_pk; i++)
        if (t->pk[i].column_id == id)
            return "PRI";
    for (uint32_t i = 0; i < t->n_indexes; i++)
        if (t->indexes[i].unique && t->indexes[i].n_cols == 1 &&
            t->indexes[i].cols[0].column_id == id)
            return "UNI";
    for (uint32_t i = 0; i < t->n_indexes; i++)
        if (t->indexes[i].cols[0].column_id == id)
            return "MUL";
    return "";
}

int catalog_iter_columns(const struct catalog_snap *s, const char *db,
                         int (*cb)(void *arg, const struct catalog_columns_row *r), void *arg)
{
    struct buf b;
    buf_init(&b);
    char data_type[32];
    int rc = 0;
    for (uint32_t i = 0; i < s->n_tables && !rc; i++) {
        const struct catalog_table *t = s->tables[i];
        if (db && strcmp(t->db, db))
            continue;
        for (uint32_t j = 0; j < t->n_columns && !rc; j++) {
            const struct catalog_column *col = &t->columns[j];
            buf_reset(&b);
            if ((rc = sql_type_print(&col->type, &b)) || (rc = buf_put_u8(&b, 0)))
                break;
            size_t n = strcspn((const char *)b.data, "( ");
            snprintf(data_type, sizeof data_type, "%.*s", (int)n, (const char *)b.data);
            const char *extra = "";
            if (col->auto_increment)
                extra = "auto_increment";
            else if (col->default_kind == CATALOG_DEFAULT_NOW &&
                     (col->type.flags & SQL_TYPE_ON_UPDATE_NOW))
                extra = "DEFAULT_GENERATED on update CURRENT_TIMESTAMP";
            else if (col->default_kind == CATALOG_DEFAULT_NOW)
                extra = "DEFAULT_GENERATED";
            else if (col->type.flags & SQL_TYPE_ON_UPDATE_NOW)
                extra = "on update CURRENT_TIMESTAMP";
            const struct collation *co = NULL;
            if (sql_type_is_string(&col->type) && !sql_type_is_binary_string(&col->type))
                co = collation_by_id(col->type.coll);
            struct catalog_columns_row r = {
                .table = t,
                .column = col,
                .ordinal = j + 1,
                .is_nullable = col->nullable ? "YES" : "NO",
                .data_type = data_type,
                .column_type = (const char *)b.data,
                .column_key = column_key(t, col->id),
                .extra = extra,
                .charset = co ? co->charset->name : NULL,
                .collation = co ? co->name : NULL,
            };
            rc = cb(arg, &r);
        }
    }
    buf_deinit(&b);
    return rc;
}

static int stat_rows(const struct catalog_table *t, const char *name, bool non_unique, bool visible,
                     uint32_t n, const struct catalog_index_col *cols,
                     int (*cb)(void *arg, const struct catalog_statistics_row *r), void *arg)
{
    for (uint32_t k = 0; k < n; k++) {
        const struct catalog_column *col = catalog_column_by_id(t, cols[k].column_id);
        struct catalog_statistics_row r = {
            .table = t,
            .index_name = name,
            .non_unique = non_unique,
            .seq_in_index = k + 1,
            .column_name = col ? col->name : "",
            .collation = cols[k].desc ? "D" : "A",
            .sub_part = cols[k].prefix_len,
            .nullable = col && col->nullable ? "YES" : "",
            .visible = visible,
        };
        int rc = cb(arg, &r);
        if (rc)
            return rc;
    }
    return 0;
}

int catalog_iter_statistics(const struct catalog_snap *s, const char *db,
                            int (*cb)(void *arg, const struct catalog_statistics_row *r), void *arg)
{
    for (uint32_t i = 0; i < s->n_tables; i++) {
        const struct catalog_table *t = s->tables[i];
        if (db && strcmp(t->db, db))
            continue;
        int rc = stat_rows(t, "PRIMARY", false, true, t->n_pk, t->pk, cb, arg);
        for (uint32_t j = 0; j < t->n_indexes && !rc; j++) {
            const struct catalog_index *x = &t->indexes[j];
            rc = stat_rows(t, x->name, !x->unique, x->state == CATALOG_INDEX_PUBLIC, x->n_cols,
                           x->cols, cb, arg);
        }
        if (rc)
            return rc;
    }
    return 0;
}
