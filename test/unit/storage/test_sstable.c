/*
 * test_sstable.c: unit tests of SSTables (storage/sstable.c): the block
 * encoders and decoders, round trips of random versions against a sorted
 * model for each compression, corruption and truncation, writer I/O faults
 * through a small failing vfs, references and obsolete files, and a
 * performance printout.
 */
#include "test.h"

#include "base/buf.h"
#include "base/coding.h"
#include "base/crc32c.h"
#include "base/err.h"
#include "base/hash.h"
#include "base/mem.h"
#include "os/clock.h"
#include "os/vfs.h"
#include "storage/block_cache.h"
#include "storage/sstable.h"
#include "storage/sstable_int.h"

#include <pthread.h>
#include <stdlib.h>

/* ---- Random numbers and the model --------------------------------------- */

static uint64_t rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* One version of the model. */
struct ver {
    uint8_t *key;    /* Owned. */
    size_t key_len;  /* Its length. */
    uint64_t ts;     /* Timestamp. */
    uint8_t kind;    /* KV_PUT or KV_DELETE. */
    uint8_t *val;    /* Owned (may be NULL when empty). */
    size_t val_len;  /* Its length. */
};

/* Versions in internal order. */
struct model {
    struct ver *v;  /* The versions. */
    size_t n;       /* How many. */
    uint8_t **keys;   /* Distinct keys, in order (owned; v points at them). */
    size_t *key_lens; /* Their lengths. */
    size_t n_keys;    /* How many. */
    uint64_t max_ts; /* Largest timestamp used. */
};

struct gen_opts {
    size_t n_keys;    /* Distinct keys wanted (before dedup). */
    int big;          /* Add keys of up to KV_KEY_MAX and values of up to 1 MiB. */
};

/* A key being generated (malloc'ed). */
struct keybuf {
    uint8_t *p;   /* Bytes. */
    size_t len;   /* Length. */
};

static int keybuf_cmp(const void *a, const void *b)
{
    const struct keybuf *x = a, *y = b;
    return kv_key_cmp(x->p, x->len, y->p, y->len);
}

static int u64_desc(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

static void fill_value(uint64_t *s, uint8_t *p, size_t len)
{
    /* Half words from a small vocabulary, half random: compressible but not trivially. */
    static const char *words[] = {"alpha ", "beta ", "gamma ", "delta ", "atoll ", "sst "};
    size_t i = 0;
    while (i < len) {
        uint64_t r = rnd(s);
        if (r & 1) {
            const char *w = words[(r >> 8) % 6];
            for (size_t j = 0; w[j] && i < len; j++)
                p[i++] = (uint8_t)w[j];
        } else {
            p[i++] = (uint8_t)(r >> 16);
        }
    }
}

static void random_key(uint64_t *s, struct keybuf *k)
{
    static const char *prefixes[] = {"user/", "order/", "order/item/", "x", ""};
    const char *pre = prefixes[rnd(s) % 5];
    size_t pl = strlen(pre);
    size_t tail = 1 + rnd(s) % 20;
    k->len = pl + tail;
    k->p = malloc(k->len);
    memcpy(k->p, pre, pl);
    for (size_t i = 0; i < tail; i++)
        k->p[pl + i] = (uint8_t)('a' + rnd(s) % 6);
}

static void model_build(struct model *m, uint64_t seed, const struct gen_opts *o)
{
    uint64_t s = seed;
    size_t cap = o->n_keys + 16;
    struct keybuf *keys = calloc(cap, sizeof *keys);
    size_t nk = 0;
    for (size_t i = 0; i < o->n_keys; i++)
        random_key(&s, &keys[nk++]);
    /* The empty key is a legal key. */
    keys[nk++] = (struct keybuf){malloc(1), 0};
    if (o->big) {
        /* Long keys sharing long prefixes, up to the limit. */
        for (int i = 0; i < 5; i++) {
            size_t len = i < 3 ? KV_KEY_MAX - (size_t)i : 5000 + (size_t)i;
            uint8_t *p = malloc(len);
            memset(p, 'k', len);
            p[len - 1] = (uint8_t)('a' + i);
            keys[nk++] = (struct keybuf){p, len};
        }
    }
    qsort(keys, nk, sizeof *keys, keybuf_cmp);
    size_t w = 0;
    for (size_t i = 0; i < nk; i++) {
        if (w > 0 && keybuf_cmp(&keys[w - 1], &keys[i]) == 0) {
            free(keys[i].p);
            continue;
        }
        keys[w++] = keys[i];
    }
    nk = w;

    m->v = calloc(nk * 4, sizeof *m->v);
    m->keys = calloc(nk, sizeof *m->keys);
    m->key_lens = calloc(nk, sizeof *m->key_lens);
    m->n = 0;
    m->n_keys = nk;
    m->max_ts = 0;
    size_t n_big = 0;
    for (size_t i = 0; i < nk; i++) {
        m->keys[i] = keys[i].p;
        m->key_lens[i] = keys[i].len;
        int nv = 1 + (int)(rnd(&s) % 4);
        uint64_t ts[4];
        for (int j = 0; j < nv; j++) {
        again:
            ts[j] = 1 + rnd(&s) % 1000;
            for (int q = 0; q < j; q++)
                if (ts[q] == ts[j])
                    goto again;
        }
        qsort(ts, (size_t)nv, sizeof ts[0], u64_desc);
        for (int j = 0; j < nv; j++) {
            struct ver *v = &m->v[m->n++];
            v->key = keys[i].p;
            v->key_len = keys[i].len;
            v->ts = ts[j];
            if (ts[j] > m->max_ts)
                m->max_ts = ts[j];
            uint64_t r = rnd(&s) % 100;
            v->kind = r < 15 ? KV_DELETE : KV_PUT;
            v->val = NULL;
            v->val_len = 0;
            if (v->kind == KV_PUT && r >= 35) {
                v->val_len = rnd(&s) % 300;
                if (o->big && n_big < 3 && rnd(&s) % 200 == 0)
                    v->val_len = n_big++ == 0 ? (1u << 20) : 100000 + rnd(&s) % 300000;
                v->val = malloc(v->val_len ? v->val_len : 1);
                fill_value(&s, v->val, v->val_len);
            }
        }
    }
    free(keys);
}

static void model_free(struct model *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->v[i].val);
    for (size_t i = 0; i < m->n_keys; i++)
        free(m->keys[i]);
    free(m->v);
    free(m->keys);
    free(m->key_lens);
}

/* Index of the first version >= (key, ts) in internal order; m->n if none. */
static size_t model_lower_bound(const struct model *m, const uint8_t *k, size_t kl, uint64_t ts)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct ver *v = &m->v[mid];
        if (kv_internal_cmp(v->key, v->key_len, v->ts, k, kl, ts) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int entry_eq(const struct kv_entry *e, const struct ver *v)
{
    if (e->key_len != v->key_len || (e->key_len && memcmp(e->key, v->key, e->key_len)))
        return 0;
    if (e->ts != v->ts || e->kind != v->kind || e->value_len != v->val_len)
        return 0;
    return v->val_len == 0 || memcmp(e->value, v->val, v->val_len) == 0;
}

static void path_of(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", test_dir(), name);
}

static uint64_t written_bytes;

static void count_writes(void *arg, size_t n)
{
    (void)arg;
    written_bytes += n;
}

static void write_model(const struct os_vfs *vfs, const char *path, uint64_t file_id,
                        const struct sstable_opts *o, const struct model *m,
                        struct sstable_meta *meta)
{
    struct sstable_writer *w;
    ASSERT_OK(sstable_writer_open(vfs, path, file_id, o, &w));
    for (size_t i = 0; i < m->n; i++) {
        const struct ver *v = &m->v[i];
        struct kv_entry e = {v->key, v->key_len, v->ts, v->kind, v->val, v->val_len};
        ASSERT_OK(sstable_writer_add(w, &e));
    }
    ASSERT_OK(sstable_writer_finish(w, meta));
}

/* ---- Checks of a table against the model -------------------------------- */

static void check_scan_forward(struct sstable *t, const struct model *m)
{
    struct kv_iter *it;
    ASSERT_OK(sstable_iter_create(t, &it));
    ASSERT_OK(kv_iter_seek_first(it));
    struct kv_entry e;
    for (size_t i = 0; i < m->n; i++) {
        ASSERT(kv_iter_valid(it));
        kv_iter_entry(it, &e);
        if (!entry_eq(&e, &m->v[i]))
            test_fail_(__FILE__, __LINE__, "forward entry %zu differs", i);
        ASSERT_OK(kv_iter_next(it));
    }
    ASSERT(!kv_iter_valid(it));
    kv_iter_destroy(it);
}

static void check_scan_backward(struct sstable *t, const struct model *m)
{
    struct kv_iter *it;
    ASSERT_OK(sstable_iter_create(t, &it));
    ASSERT_OK(kv_iter_seek_last(it));
    struct kv_entry e;
    for (size_t i = m->n; i-- > 0;) {
        ASSERT(kv_iter_valid(it));
        kv_iter_entry(it, &e);
        if (!entry_eq(&e, &m->v[i]))
            test_fail_(__FILE__, __LINE__, "backward entry %zu differs", i);
        ASSERT_OK(kv_iter_prev(it));
    }
    ASSERT(!kv_iter_valid(it));
    kv_iter_destroy(it);
}

/* A key from the model, or (1 in 5) a random one that is probably absent. */
static void pick_key(uint64_t *s, const struct model *m, struct keybuf *k, int *owned)
{
    if (rnd(s) % 5 == 0 || m->n_keys == 0) {
        random_key(s, k);
        *owned = 1;
    } else {
        size_t i = rnd(s) % m->n_keys;
        k->p = m->keys[i];
        k->len = m->key_lens[i];
        *owned = 0;
    }
}

static uint64_t pick_ts(uint64_t *s, const struct model *m)
{
    uint64_t r = rnd(s) % 20;
    return r == 0 ? TS_MAX : r == 1 ? 0 : rnd(s) % (m->max_ts + 2);
}

static void check_gets(struct sstable *t, const struct model *m, uint64_t seed, int n)
{
    uint64_t s = seed;
    struct buf val;
    buf_init(&val);
    for (int i = 0; i < n; i++) {
        struct keybuf k;
        int owned;
        pick_key(&s, m, &k, &owned);
        uint64_t snap = pick_ts(&s, m);
        size_t x = model_lower_bound(m, k.p, k.len, snap);
        int expect = x < m->n && kv_key_cmp(m->v[x].key, m->v[x].key_len, k.p, k.len) == 0;
        struct kv_entry e;
        int rc = sstable_get(t, k.p, k.len, snap, &e, &val);
        if (expect) {
            ASSERT_OK(rc);
            if (!entry_eq(&e, &m->v[x]))
                test_fail_(__FILE__, __LINE__, "get %d (version %zu) differs", i, x);
            ASSERT(sstable_may_contain(t, k.p, k.len));
        } else {
            ASSERT_EQ(rc, ERR_NOT_FOUND);
        }
        if (owned)
            free(k.p);
    }
    buf_deinit(&val);
}

static void check_seeks(struct sstable *t, const struct model *m, uint64_t seed, int n)
{
    uint64_t s = seed;
    struct kv_iter *it;
    ASSERT_OK(sstable_iter_create(t, &it));
    for (int i = 0; i < n; i++) {
        struct keybuf k;
        int owned;
        pick_key(&s, m, &k, &owned);
        uint64_t ts = pick_ts(&s, m);
        size_t x = model_lower_bound(m, k.p, k.len, ts);
        ASSERT_OK(kv_iter_seek(it, k.p, k.len, ts));
        if (owned)
            free(k.p);
        /* A few steps in one direction from there. */
        int fwd = (int)(rnd(&s) & 1);
        for (int step = 0; step < 6; step++) {
            struct kv_entry e;
            if (x >= m->n || x == (size_t)-1) {
                ASSERT(!kv_iter_valid(it));
                break;
            }
            ASSERT(kv_iter_valid(it));
            kv_iter_entry(it, &e);
            if (!entry_eq(&e, &m->v[x]))
                test_fail_(__FILE__, __LINE__, "seek %d step %d (version %zu) differs", i,
                           step, x);
            if (fwd) {
                ASSERT_OK(kv_iter_next(it));
                x++;
            } else {
                ASSERT_OK(kv_iter_prev(it));
                x--;
            }
        }
    }
    kv_iter_destroy(it);
}

static void check_meta(const struct sstable_meta *meta, const struct model *m, uint64_t file_id)
{
    uint64_t dels = 0, raw = 0, mn = UINT64_MAX, mx = 0;
    for (size_t i = 0; i < m->n; i++) {
        dels += m->v[i].kind == KV_DELETE;
        raw += m->v[i].key_len + m->v[i].val_len;
        mn = m->v[i].ts < mn ? m->v[i].ts : mn;
        mx = m->v[i].ts > mx ? m->v[i].ts : mx;
    }
    ASSERT_U64_EQ(meta->file_id, file_id);
    ASSERT_U64_EQ(meta->n_entries, m->n);
    ASSERT_U64_EQ(meta->n_deletes, dels);
    ASSERT_U64_EQ(meta->raw_bytes, raw);
    ASSERT_U64_EQ(meta->min_ts, m->n ? mn : 0);
    ASSERT_U64_EQ(meta->max_ts, mx);
}

/* Writes the model with the options, reopens it and checks everything. */
static void round_trip(const struct sstable_opts *o, const struct gen_opts *g, size_t cache_size,
                       const char *name)
{
    uint64_t seed = test_seed();
    struct model m;
    model_build(&m, seed, g);
    char path[600];
    path_of(path, sizeof path, name);
    struct sstable_meta wm;
    written_bytes = 0;
    struct sstable_opts oo = *o;
    oo.on_write = count_writes;
    write_model(os_vfs_posix(), path, 42, &oo, &m, &wm);
    check_meta(&wm, &m, 42);
    ASSERT_U64_EQ(written_bytes, wm.file_size);

    struct block_cache *cache;
    ASSERT_OK(block_cache_create(cache_size, &cache));
    struct sstable *t;
    ASSERT_OK(sstable_open(os_vfs_posix(), path, 42, cache, &t));
    const struct sstable_meta *rm = sstable_meta(t);
    check_meta(rm, &m, 42);
    ASSERT_U64_EQ(rm->file_size, wm.file_size);
    fprintf(stderr, "  %s: %zu versions, %zu keys, %llu raw bytes in a file of %llu bytes\n",
            name, m.n, m.n_keys, (unsigned long long)rm->raw_bytes,
            (unsigned long long)rm->file_size);

    check_scan_forward(t, &m);
    check_scan_backward(t, &m);
    check_gets(t, &m, seed ^ 1, 3000);
    check_seeks(t, &m, seed ^ 2, 500);
    sstable_unref(t);
    block_cache_destroy(cache);
    model_free(&m);
}

/* ---- Block format ------------------------------------------------------- */

TEST(sst_block_builder_and_cursor)
{
    struct sst_builder b;
    sst__builder_init(&b, 4);
    char keys[40][16];
    for (int i = 0; i < 40; i++) {
        snprintf(keys[i], sizeof keys[i], "key%03d", i / 2);
        uint64_t ts = i % 2 ? 5 : 9; /* Two versions per key, newest first. */
        uint8_t kind = i % 7 == 3 ? KV_DELETE : KV_PUT;
        ASSERT_OK(sst__builder_add(&b, (const uint8_t *)keys[i], strlen(keys[i]), ts, kind,
                                   (const uint8_t *)keys[i], kind == KV_PUT ? (size_t)i % 5 : 0));
    }
    ASSERT_OK(sst__builder_finish(&b));
    struct sst_block blk;
    ASSERT_OK(sst__block_parse(b.buf.data, b.buf.len, &blk));
    ASSERT_EQ(blk.n_restarts, 10);

    static struct sst_cursor c;
    sst__cursor_init(&c, &blk);
    ASSERT_OK(sst__cursor_seek_first(&c));
    for (int i = 0; i < 40; i++) {
        ASSERT(c.valid);
        ASSERT_EQ(c.key_len, strlen(keys[i]));
        ASSERT_MEM_EQ(c.key, keys[i], c.key_len);
        ASSERT_U64_EQ(c.ts, i % 2 ? 5 : 9);
        ASSERT_EQ(c.kind, i % 7 == 3 ? KV_DELETE : KV_PUT);
        ASSERT_EQ(c.value_len, c.kind == KV_PUT ? (size_t)i % 5 : 0);
        ASSERT_OK(sst__cursor_next(&c));
    }
    ASSERT(!c.valid);
    ASSERT_OK(sst__cursor_seek_last(&c));
    for (int i = 39; i >= 0; i--) {
        ASSERT(c.valid);
        ASSERT_MEM_EQ(c.key, keys[i], c.key_len);
        ASSERT_OK(sst__cursor_prev(&c));
    }
    ASSERT(!c.valid);
    /* Seeks: exact versions, between versions, before all, after all. */
    ASSERT_OK(sst__cursor_seek(&c, (const uint8_t *)"key007", 6, 9));
    ASSERT(c.valid && c.ts == 9 && !memcmp(c.key, "key007", 6));
    ASSERT_OK(sst__cursor_seek(&c, (const uint8_t *)"key007", 6, 7));
    ASSERT(c.valid && c.ts == 5 && !memcmp(c.key, "key007", 6));
    ASSERT_OK(sst__cursor_seek(&c, (const uint8_t *)"key007", 6, 4));
    ASSERT(c.valid && c.ts == 9 && !memcmp(c.key, "key008", 6));
    ASSERT_OK(sst__cursor_seek(&c, (const uint8_t *)"a", 1, 0));
    ASSERT(c.valid && c.off == 0);
    ASSERT_OK(sst__cursor_seek(&c, (const uint8_t *)"key019", 6, 4));
    ASSERT(!c.valid);
    ASSERT_OK(sst__cursor_seek(&c, (const uint8_t *)"key0075", 7, TS_MAX));
    ASSERT(c.valid && !memcmp(c.key, "key008", 6));
    sst__builder_deinit(&b);
}

TEST(sst_block_decoders_refuse_damage)
{
    struct sst_block blk;
    struct sst_entry e;
    uint8_t b[64] = {0};
    /* Too short for a restart count; a count that does not fit. */
    ASSERT_EQ(sst__block_parse(b, 3, &blk), ERR_CORRUPT);
    le32_put(b, 2);
    ASSERT_EQ(sst__block_parse(b, 4, &blk), ERR_CORRUPT);
    /* Empty block: fine. */
    le32_put(b, 0);
    ASSERT_OK(sst__block_parse(b, 4, &blk));
    ASSERT_EQ(blk.n_restarts, 0);
    /* Bytes of entries without a restart point. */
    memset(b, 0, 8);
    ASSERT_EQ(sst__block_parse(b, 8, &blk), ERR_CORRUPT);

    /* A good one-entry block: key "ab", ts 7, put, value "v". */
    size_t n = 0;
    b[n++] = 0;
    b[n++] = 2;
    b[n++] = 1;
    b[n++] = 'a';
    b[n++] = 'b';
    le64_put(b + n, 7);
    n += 8;
    b[n++] = KV_PUT;
    b[n++] = 'v';
    size_t entries = n;
    le32_put(b + n, 0);
    n += 4;
    le32_put(b + n, 1);
    n += 4;
    ASSERT_OK(sst__block_parse(b, n, &blk));
    ASSERT_OK(sst__entry_decode(&blk, 0, 0, 1, &e));
    ASSERT_EQ(e.next, entries);
    /* Restart offset out of range. */
    le32_put(b + entries, (uint32_t)entries);
    ASSERT_EQ(sst__block_parse(b, n, &blk), ERR_CORRUPT);
    le32_put(b + entries, 0);
    /* Shared bytes at a restart point, or more than the previous key. */
    b[0] = 1;
    ASSERT_OK(sst__block_parse(b, n, &blk));
    ASSERT_EQ(sst__entry_decode(&blk, 0, 0, 1, &e), ERR_CORRUPT);
    ASSERT_EQ(sst__entry_decode(&blk, 0, 0, 0, &e), ERR_CORRUPT);
    ASSERT_OK(sst__entry_decode(&blk, 0, 1, 0, &e));
    b[0] = 0;
    /* Unknown kind; tombstone with a value. */
    b[13] = 9;
    ASSERT_EQ(sst__entry_decode(&blk, 0, 0, 1, &e), ERR_CORRUPT);
    b[13] = KV_DELETE;
    ASSERT_EQ(sst__entry_decode(&blk, 0, 0, 1, &e), ERR_CORRUPT);
    b[13] = KV_PUT;
    /* Lengths past the end; a varint that never ends. */
    b[2] = 2;
    ASSERT_EQ(sst__entry_decode(&blk, 0, 0, 1, &e), ERR_CORRUPT);
    b[2] = 1;
    b[1] = 0x80 | 2;
    ASSERT_EQ(sst__entry_decode(&blk, 0, 0, 1, &e), ERR_CORRUPT);
    b[1] = 2;
    ASSERT_EQ(sst__entry_decode(&blk, entries, 0, 1, &e), ERR_CORRUPT);
    ASSERT_OK(sst__entry_decode(&blk, 0, 0, 1, &e));

    /* A cursor reports damage instead of running off. */
    static struct sst_cursor c;
    b[13] = 9;
    sst__cursor_init(&c, &blk);
    ASSERT_EQ(sst__cursor_seek_first(&c), ERR_CORRUPT);
    ASSERT(!c.valid);
    ASSERT_EQ(sst__cursor_seek(&c, (const uint8_t *)"ab", 2, 7), ERR_CORRUPT);
}

TEST(sst_footer_props_and_trailer_decoders)
{
    struct sst_footer f = {{1000, 50}, {1050, 20}, {1070, 53}, SST_FORMAT_VERSION}, g;
    uint8_t p[SST_FOOTER_SIZE];
    sst__footer_encode(&f, p);
    uint64_t fsize = 1070 + 53 + SST_FOOTER_SIZE;
    ASSERT_OK(sst__footer_decode(p, sizeof p, fsize, &g));
    ASSERT_U64_EQ(g.bloom.offset, 1050);
    ASSERT_U64_EQ(g.props.size, 53);
    ASSERT_EQ(sst__footer_decode(p, sizeof p, fsize + 1, &g), ERR_CORRUPT);
    ASSERT_EQ(sst__footer_decode(p, sizeof p - 1, fsize, &g), ERR_CORRUPT);
    for (size_t i = 0; i < sizeof p; i++) {
        p[i] ^= 0x10;
        ASSERT_EQ(sst__footer_decode(p, sizeof p, fsize, &g), ERR_CORRUPT);
        p[i] ^= 0x10;
    }
    /* A well-formed footer of another version is refused as unsupported: a
     * newer one, and 1 (files with the classic bloom filter). */
    f.version = SST_FORMAT_VERSION + 1;
    sst__footer_encode(&f, p);
    ASSERT_EQ(sst__footer_decode(p, sizeof p, fsize, &g), ERR_UNSUPPORTED);
    f.version = 1;
    sst__footer_encode(&f, p);
    ASSERT_EQ(sst__footer_decode(p, sizeof p, fsize, &g), ERR_UNSUPPORTED);
    /* Blocks that overlap or leave gaps. */
    f.version = SST_FORMAT_VERSION;
    f.bloom.offset = 1049;
    sst__footer_encode(&f, p);
    ASSERT_EQ(sst__footer_decode(p, sizeof p, fsize, &g), ERR_CORRUPT);
    f.bloom.offset = 1050;
    f.props.size = UINT64_MAX - 10;
    sst__footer_encode(&f, p);
    ASSERT_EQ(sst__footer_decode(p, sizeof p, fsize, &g), ERR_CORRUPT);

    struct sstable_meta m = {5, 0, 10, 3, 100, 200, 999}, r;
    uint8_t q[SST_PROPS_SIZE];
    sst__props_encode(&m, q);
    ASSERT_OK(sst__props_decode(q, sizeof q, &r));
    ASSERT_U64_EQ(r.n_entries, 10);
    ASSERT_U64_EQ(r.max_ts, 200);
    ASSERT_EQ(sst__props_decode(q, sizeof q - 1, &r), ERR_CORRUPT);
    m.n_deletes = 11;
    sst__props_encode(&m, q);
    ASSERT_EQ(sst__props_decode(q, sizeof q, &r), ERR_CORRUPT);

    /* Block trailer: compression chosen only when it pays; damage is caught. */
    struct compress_ctx cx;
    compress_ctx_init(&cx, 3);
    uint8_t raw[4000];
    for (size_t i = 0; i < sizeof raw; i++)
        raw[i] = (uint8_t)(i % 13);
    for (int type = COMPRESS_NONE; type <= COMPRESS_ZSTD; type++) {
        struct buf out;
        buf_init(&out);
        ASSERT_OK(sst__block_wrap(&cx, type, raw, sizeof raw, &out));
        ASSERT_EQ(out.data[out.len - 5], type);
        if (type != COMPRESS_NONE)
            ASSERT(out.len < sizeof raw / 4);
        const uint8_t *rp;
        size_t rl;
        uint8_t *alloc;
        ASSERT_OK(sst__block_unwrap(out.data, out.len, sizeof raw, &rp, &rl, &alloc));
        ASSERT_EQ(rl, sizeof raw);
        ASSERT_MEM_EQ(rp, raw, rl);
        mem_free(alloc);
        /* The limit on the raw size holds. */
        ASSERT_EQ(sst__block_unwrap(out.data, out.len, sizeof raw - 1, &rp, &rl, &alloc),
                  ERR_CORRUPT);
        for (size_t i = 0; i < out.len; i += 1 + i / 8) {
            out.data[i] ^= 0x40;
            ASSERT_EQ(sst__block_unwrap(out.data, out.len, sizeof raw, &rp, &rl, &alloc),
                      ERR_CORRUPT);
            ASSERT(strstr(err_msg(), "checksum mismatch"));
            out.data[i] ^= 0x40;
        }
        buf_deinit(&out);
    }
    /* Random bytes do not compress: stored raw even when LZ4 is asked for. */
    uint64_t s = 1;
    for (size_t i = 0; i < sizeof raw; i++)
        raw[i] = (uint8_t)rnd(&s);
    struct buf out;
    buf_init(&out);
    ASSERT_OK(sst__block_wrap(&cx, COMPRESS_LZ4, raw, sizeof raw, &out));
    ASSERT_EQ(out.data[out.len - 5], COMPRESS_NONE);
    ASSERT_EQ(out.len, sizeof raw + SST_TRAILER_SIZE);
    buf_deinit(&out);
    compress_ctx_deinit(&cx);
}

/* ---- Round trips -------------------------------------------------------- */

TEST(sst_round_trip_lz4_small_blocks)
{
    struct sstable_opts o = {512, SST_COMPRESS_LZ4, 0, 0, NULL, NULL};
    struct gen_opts g = {1200, 1};
    round_trip(&o, &g, 256 * 1024, "lz4.sst");
}

TEST(sst_round_trip_zstd_small_blocks)
{
    struct sstable_opts o = {512, SST_COMPRESS_ZSTD, 5, 0, NULL, NULL};
    struct gen_opts g = {1200, 1};
    round_trip(&o, &g, 256 * 1024, "zstd.sst");
}

TEST(sst_round_trip_uncompressed_small_blocks)
{
    struct sstable_opts o = {512, SST_COMPRESS_NONE, 0, 0, NULL, NULL};
    struct gen_opts g = {1200, 1};
    round_trip(&o, &g, 64 << 20, "none.sst");
}

TEST(sst_round_trip_default_options)
{
    struct sstable_opts o = {0, SST_COMPRESS_LZ4, 0, 0, NULL, NULL};
    struct gen_opts g = {3000, 0};
    round_trip(&o, &g, 64 << 20, "default.sst");
}

TEST(sst_round_trip_tiny_blocks_and_bloom_bits)
{
    /* Every block holds one entry; a 2-bit filter passes many absent keys. */
    struct sstable_opts o = {64, SST_COMPRESS_LZ4, 0, 2, NULL, NULL};
    struct gen_opts g = {300, 0};
    round_trip(&o, &g, 1 << 20, "tiny.sst");
}

TEST(sst_empty_table)
{
    char path[600];
    path_of(path, sizeof path, "empty.sst");
    struct sstable_writer *w;
    ASSERT_OK(sstable_writer_open(os_vfs_posix(), path, 3, NULL, &w));
    ASSERT_U64_EQ(sstable_writer_bytes(w), 0);
    struct sstable_meta meta;
    ASSERT_OK(sstable_writer_finish(w, &meta));
    ASSERT_U64_EQ(meta.n_entries, 0);
    struct block_cache *cache;
    ASSERT_OK(block_cache_create(1 << 20, &cache));
    struct sstable *t;
    ASSERT_OK(sstable_open(os_vfs_posix(), path, 3, cache, &t));
    ASSERT_U64_EQ(sstable_meta(t)->file_size, meta.file_size);
    ASSERT_U64_EQ(sstable_meta(t)->n_entries, 0);
    struct buf v;
    buf_init(&v);
    struct kv_entry e;
    ASSERT_EQ(sstable_get(t, (const uint8_t *)"a", 1, TS_MAX, &e, &v), ERR_NOT_FOUND);
    struct kv_iter *it;
    ASSERT_OK(sstable_iter_create(t, &it));
    ASSERT_OK(kv_iter_seek_first(it));
    ASSERT(!kv_iter_valid(it));
    ASSERT_OK(kv_iter_seek_last(it));
    ASSERT(!kv_iter_valid(it));
    ASSERT_OK(kv_iter_seek(it, (const uint8_t *)"", 0, TS_MAX));
    ASSERT(!kv_iter_valid(it));
    kv_iter_destroy(it);
    sstable_unref(t);
    block_cache_destroy(cache);
}

TEST(sst_writer_refuses_bad_input)
{
    char path[600];
    path_of(path, sizeof path, "bad.sst");
    struct sstable_writer *w;
    struct sstable_opts bad = {0, 7, 0, 0, NULL, NULL};
    ASSERT_EQ(sstable_writer_open(os_vfs_posix(), path, 1, &bad, &w), ERR_INVALID);
    ASSERT_OK(sstable_writer_open(os_vfs_posix(), path, 1, NULL, &w));
    /* The file exists now: a second writer may not take it. */
    struct sstable_writer *w2;
    ASSERT_EQ(sstable_writer_open(os_vfs_posix(), path, 1, NULL, &w2), ERR_EXISTS);
    struct kv_entry e = {(const uint8_t *)"b", 1, 5, KV_PUT, (const uint8_t *)"x", 1};
    ASSERT_OK(sstable_writer_add(w, &e));
    e.key = (const uint8_t *)"a";
    ASSERT_EQ(sstable_writer_add(w, &e), ERR_INVALID); /* Smaller key. */
    e.key = (const uint8_t *)"b";
    ASSERT_EQ(sstable_writer_add(w, &e), ERR_INVALID); /* Same version. */
    e.ts = 6;
    ASSERT_EQ(sstable_writer_add(w, &e), ERR_INVALID); /* Newer after older. */
    e.ts = 4;
    e.kind = KV_DELETE;
    ASSERT_EQ(sstable_writer_add(w, &e), ERR_INVALID); /* Tombstone with a value. */
    e.kind = 0;
    ASSERT_EQ(sstable_writer_add(w, &e), ERR_INVALID);
    e.kind = KV_PUT;
    e.key_len = KV_KEY_MAX + 1;
    ASSERT_EQ(sstable_writer_add(w, &e), ERR_TOO_BIG);
    e.key_len = 1;
    ASSERT_OK(sstable_writer_add(w, &e)); /* The writer is still usable. */
    ASSERT_EQ(os_vfs_posix()->exists(os_vfs_posix(), path), 0);
    sstable_writer_abort(w);
    ASSERT_EQ(os_vfs_posix()->exists(os_vfs_posix(), path), ERR_NOT_FOUND);
}

/* ---- Corruption --------------------------------------------------------- */

static uint8_t *read_all(const char *path, size_t *len)
{
    uint8_t *p;
    ASSERT_OK(os_read_file(os_vfs_posix(), path, &p, len));
    return p;
}

static void write_all(const char *path, const uint8_t *p, size_t len)
{
    FILE *f = fopen(path, "wb");
    ASSERT(f);
    ASSERT_EQ(fwrite(p, 1, len, f), len);
    fclose(f);
}

/*
 * Opens path and reads everything: returns 0 if all reads matched the model,
 * else the error (every read must match or fail with ERR_CORRUPT).
 */
static int read_everything(const char *path, uint64_t file_id, struct block_cache *cache,
                           const struct model *m, int strict, uint64_t seed)
{
    struct sstable *t;
    int rc = sstable_open(os_vfs_posix(), path, file_id, cache, &t);
    if (rc) {
        if (rc != ERR_CORRUPT)
            test_fail_(__FILE__, __LINE__, "open: %s (%s)", err_name(rc), err_msg());
        ASSERT(strstr(err_msg(), path));
        return rc;
    }
    int first = 0;
    struct kv_iter *it;
    struct kv_entry e;
    ASSERT_OK(sstable_iter_create(t, &it));
    /* Forward: correct entries up to the damage, then ERR_CORRUPT. */
    size_t i = 0;
    rc = kv_iter_seek_first(it);
    while (rc == 0 && kv_iter_valid(it)) {
        kv_iter_entry(it, &e);
        if (strict && (i >= m->n || !entry_eq(&e, &m->v[i])))
            test_fail_(__FILE__, __LINE__, "entry %zu wrong before any error", i);
        i++;
        rc = kv_iter_next(it);
    }
    if (rc == 0 && strict)
        ASSERT_EQ(i, m->n);
    if (rc) {
        ASSERT_EQ(rc, ERR_CORRUPT);
        ASSERT(!kv_iter_valid(it));
        ASSERT(strstr(err_msg(), path));
        first = rc;
    }
    /* Backward the same. */
    size_t j = m->n;
    rc = kv_iter_seek_last(it);
    while (rc == 0 && kv_iter_valid(it)) {
        kv_iter_entry(it, &e);
        if (strict && (j == 0 || !entry_eq(&e, &m->v[j - 1])))
            test_fail_(__FILE__, __LINE__, "backward entry %zu wrong before any error", j);
        j--;
        rc = kv_iter_prev(it);
    }
    if (rc)
        ASSERT_EQ(rc, ERR_CORRUPT);
    if (!first)
        first = rc;
    /* Seeks and gets: right answers or ERR_CORRUPT. */
    uint64_t s = seed;
    struct buf val;
    buf_init(&val);
    for (int n = 0; n < 200; n++) {
        size_t x = rnd(&s) % m->n;
        const struct ver *v = &m->v[x];
        rc = sstable_get(t, v->key, v->key_len, v->ts, &e, &val);
        if (rc == ERR_CORRUPT) {
            first = first ? first : rc;
            continue;
        }
        if (strict) {
            ASSERT_OK(rc);
            ASSERT(entry_eq(&e, v));
        } else {
            ASSERT(rc == 0 || rc == ERR_NOT_FOUND);
        }
        rc = kv_iter_seek(it, v->key, v->key_len, v->ts);
        if (rc == ERR_CORRUPT) {
            first = first ? first : rc;
            continue;
        }
        ASSERT_OK(rc);
        if (strict) {
            ASSERT(kv_iter_valid(it));
            kv_iter_entry(it, &e);
            ASSERT(entry_eq(&e, v));
        }
    }
    buf_deinit(&val);
    kv_iter_destroy(it);
    sstable_unref(t);
    return first;
}

/* Builds the model's table with small blocks and returns its bytes and footer. */
static uint8_t *corruption_setup(struct model *m, uint64_t seed, int compression,
                                 const char *path, size_t *len, struct sst_footer *ft)
{
    struct gen_opts g = {400, 0};
    model_build(m, seed, &g);
    struct sstable_opts o = {512, compression, 0, 0, NULL, NULL};
    write_model(os_vfs_posix(), path, 1, &o, m, NULL);
    uint8_t *p = read_all(path, len);
    ASSERT_OK(sst__footer_decode(p + *len - SST_FOOTER_SIZE, SST_FOOTER_SIZE, *len, ft));
    return p;
}

TEST(sst_flipped_bytes_give_corrupt)
{
    uint64_t seed = test_seed();
    struct model m;
    char path[600], bad[600];
    path_of(path, sizeof path, "good.sst");
    path_of(bad, sizeof bad, "000123.sst");
    size_t len;
    struct sst_footer ft;
    uint8_t *good = corruption_setup(&m, seed, SST_COMPRESS_LZ4, path, &len, &ft);
    uint8_t *copy = malloc(len);
    struct block_cache *cache;
    ASSERT_OK(block_cache_create(1 << 20, &cache));
    ASSERT_EQ(read_everything(path, 1, cache, &m, 1, seed), 0);

    /* The parts of the file; every byte of each is covered by a check. */
    struct {
        const char *name;
        uint64_t start, end;
    } parts[] = {
        {"data", 0, ft.index.offset},
        {"index", ft.index.offset, ft.bloom.offset},
        {"bloom", ft.bloom.offset, ft.props.offset},
        {"properties", ft.props.offset, len - SST_FOOTER_SIZE},
        {"footer", len - SST_FOOTER_SIZE, len},
    };
    uint64_t s = seed;
    for (int n = 0; n < 250; n++) {
        int part = n % 5;
        uint64_t off = parts[part].start + rnd(&s) % (parts[part].end - parts[part].start);
        memcpy(copy, good, len);
        copy[off] ^= (uint8_t)(1 + rnd(&s) % 255);
        write_all(bad, copy, len);
        /* A new file id each time, so no block comes from the cache. */
        int rc = read_everything(bad, 100 + (uint64_t)n, cache, &m, 1, seed + (uint64_t)n);
        if (rc != ERR_CORRUPT)
            test_fail_(__FILE__, __LINE__, "flip at %llu (%s) not detected: %s",
                       (unsigned long long)off, parts[part].name, err_name(rc));
        if (part == 0) {
            /* Data damage is found when the block is read, with file, block and cause. */
            ASSERT(strstr(err_msg(), "000123.sst: block "));
            ASSERT(strstr(err_msg(), "checksum mismatch"));
            if (n == 0)
                fprintf(stderr, "  example: %s\n", err_msg());
        } else {
            ASSERT(strstr(err_msg(), parts[part].name));
        }
        block_cache_erase_file(cache, 100 + (uint64_t)n);
    }

    /* A truncated file is refused at open. */
    uint64_t cuts[] = {0, 1, 63, 64, len / 2, len - SST_FOOTER_SIZE, len - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        write_all(bad, good, (size_t)cuts[i]);
        struct sstable *t;
        int rc = sstable_open(os_vfs_posix(), bad, 999, cache, &t);
        ASSERT_EQ(rc, ERR_CORRUPT);
        ASSERT(strstr(err_msg(), bad));
    }
    /* A file with bytes appended is refused too (the footer is not at the end). */
    uint8_t *longer = malloc(len + 10);
    memcpy(longer, good, len);
    memset(longer + len, 0, 10);
    write_all(bad, longer, len + 10);
    struct sstable *t;
    ASSERT_EQ(sstable_open(os_vfs_posix(), bad, 998, cache, &t), ERR_CORRUPT);
    free(longer);
    free(copy);
    free(good);
    block_cache_destroy(cache);
    model_free(&m);
}

/* Recomputes the CRC of the on-disk block at [off, off+size) of p. */
static void fix_crc(uint8_t *p, uint64_t off, uint64_t size)
{
    uint8_t *b = p + off;
    size_t plen = (size_t)size - SST_TRAILER_SIZE;
    le32_put(b + plen + 1, crc32c_mask(crc32c(0, b, plen + 1)));
}

TEST(sst_damage_behind_valid_checksums_never_crashes)
{
    /* Structural damage with checksums recomputed: the decoders alone stand
     * between the bytes and a crash. Any outcome but a crash or a wrong
     * error code is fine. */
    uint64_t seed = test_seed();
    for (int comp = SST_COMPRESS_NONE; comp <= SST_COMPRESS_LZ4; comp++) {
        struct model m;
        char path[600], bad[600];
        path_of(path, sizeof path, comp ? "lz4.sst" : "raw.sst");
        path_of(bad, sizeof bad, "bad.sst");
        size_t len;
        struct sst_footer ft;
        uint8_t *good = corruption_setup(&m, seed, comp, path, &len, &ft);
        struct sst_index ix;
        const uint8_t *raw;
        size_t raw_len;
        uint8_t *alloc;
        ASSERT_OK(sst__block_unwrap(good + ft.index.offset, (size_t)ft.index.size,
                                    SST_META_BLOCK_MAX, &raw, &raw_len, &alloc));
        ASSERT_OK(sst__index_decode(raw, raw_len, ft.index.offset, &ix));
        ASSERT(ix.n > 10);
        uint8_t *copy = malloc(len);
        struct block_cache *cache;
        ASSERT_OK(block_cache_create(1 << 20, &cache));
        uint64_t s = seed + (uint64_t)comp;
        int n_corrupt = 0;
        for (int n = 0; n < 150; n++) {
            memcpy(copy, good, len);
            struct sst_handle h;
            if (n % 3 == 2) {
                h = ft.index;
            } else {
                h = ix.e[rnd(&s) % ix.n].handle;
            }
            /* One to three damaged bytes in the payload (or its type byte). */
            int k = 1 + (int)(rnd(&s) % 3);
            for (int q = 0; q < k; q++) {
                uint64_t off = h.offset + rnd(&s) % (h.size - 4);
                copy[off] = rnd(&s) % 4 ? copy[off] ^ (uint8_t)(1 + rnd(&s) % 255)
                                        : (uint8_t)rnd(&s);
            }
            fix_crc(copy, h.offset, h.size);
            write_all(bad, copy, len);
            int rc = read_everything(bad, 1000 + (uint64_t)n, cache, &m, 0, s);
            ASSERT(rc == 0 || rc == ERR_CORRUPT);
            n_corrupt += rc == ERR_CORRUPT;
            block_cache_erase_file(cache, 1000 + (uint64_t)n);
        }
        fprintf(stderr, "  %s: %d of 150 damaged files reported corrupt\n",
                comp ? "lz4" : "uncompressed", n_corrupt);
        ASSERT(n_corrupt > 15);
        sst__index_free(&ix);
        mem_free(alloc);
        free(copy);
        free(good);
        block_cache_destroy(cache);
        model_free(&m);
    }
}

/* ---- Writer I/O faults, through a small failing vfs --------------------- */

/* Fails the Nth open, pwrite or sync with ERR_IO; everything else passes to posix. */
struct fail_vfs {
    struct os_vfs vfs;         /* Must be first. */
    const struct os_vfs *real; /* The wrapped file system. */
    int countdown;             /* Counted calls left before the failure; 0 = off. */
    int injected;              /* Failures made. */
};

struct fail_file {
    struct os_file base;  /* Must be first. */
    struct os_file *real; /* The wrapped file. */
};

static int fv_fire(const struct os_vfs *vfs, const char *what)
{
    struct fail_vfs *fv = vfs->state;
    if (fv->countdown > 0 && --fv->countdown == 0) {
        fv->injected++;
        return err_set(ERR_IO, "%s: injected EIO", what);
    }
    return 0;
}

static int fv_open(const struct os_vfs *vfs, const char *path, int flags, struct os_file **out)
{
    struct fail_vfs *fv = vfs->state;
    int rc = fv_fire(vfs, "open");
    if (rc)
        return rc;
    struct fail_file *f = malloc(sizeof *f);
    if ((rc = fv->real->open(fv->real, path, flags, &f->real)) != 0) {
        free(f);
        return rc;
    }
    f->base.vfs = vfs;
    *out = &f->base;
    return 0;
}

static int fv_close(struct os_file *file)
{
    struct fail_file *f = (struct fail_file *)file;
    int rc = os_close(f->real);
    free(f);
    return rc;
}

static int fv_pread(struct os_file *file, void *b, size_t n, uint64_t off, size_t *got)
{
    return os_pread(((struct fail_file *)file)->real, b, n, off, got);
}

static int fv_pwrite(struct os_file *file, const void *b, size_t n, uint64_t off)
{
    int rc = fv_fire(file->vfs, "write");
    return rc ? rc : os_pwrite(((struct fail_file *)file)->real, b, n, off);
}

static int fv_sync(struct os_file *file)
{
    int rc = fv_fire(file->vfs, "sync");
    return rc ? rc : os_sync(((struct fail_file *)file)->real);
}

static int fv_truncate(struct os_file *file, uint64_t size)
{
    return os_truncate(((struct fail_file *)file)->real, size);
}

static int fv_size(struct os_file *file, uint64_t *size)
{
    return os_size(((struct fail_file *)file)->real, size);
}

static int fv_unlink(const struct os_vfs *vfs, const char *path)
{
    struct fail_vfs *fv = vfs->state;
    return fv->real->unlink(fv->real, path);
}

static int fv_exists(const struct os_vfs *vfs, const char *path)
{
    struct fail_vfs *fv = vfs->state;
    return fv->real->exists(fv->real, path);
}

static void fail_vfs_init(struct fail_vfs *fv)
{
    memset(fv, 0, sizeof *fv);
    fv->real = os_vfs_posix();
    fv->vfs = *fv->real;
    fv->vfs.name = "fail";
    fv->vfs.open = fv_open;
    fv->vfs.close = fv_close;
    fv->vfs.pread = fv_pread;
    fv->vfs.pwrite = fv_pwrite;
    fv->vfs.sync = fv_sync;
    fv->vfs.truncate = fv_truncate;
    fv->vfs.size = fv_size;
    fv->vfs.unlink = fv_unlink;
    fv->vfs.exists = fv_exists;
    fv->vfs.state = fv;
}

TEST(sst_writer_io_failure_leaves_no_file)
{
    uint64_t seed = test_seed();
    struct model m;
    struct gen_opts g = {150, 0};
    model_build(&m, seed, &g);
    struct fail_vfs fv;
    fail_vfs_init(&fv);
    char path[600];
    path_of(path, sizeof path, "000007.sst");
    struct sstable_opts o = {512, SST_COMPRESS_LZ4, 0, 0, NULL, NULL};
    int n;
    for (n = 1;; n++) {
        fv.countdown = n;
        int before = fv.injected;
        struct sstable_writer *w = NULL;
        int rc = sstable_writer_open(&fv.vfs, path, 7, &o, &w);
        for (size_t i = 0; rc == 0 && i < m.n; i++) {
            const struct ver *v = &m.v[i];
            struct kv_entry e = {v->key, v->key_len, v->ts, v->kind, v->val, v->val_len};
            rc = sstable_writer_add(w, &e);
        }
        if (rc == 0)
            rc = sstable_writer_finish(w, NULL);
        else
            sstable_writer_abort(w);
        if (fv.injected == before) {
            ASSERT_OK(rc);
            break;
        }
        /* The injected failure is what came back, naming the file; no file is left. */
        ASSERT_EQ(rc, ERR_IO);
        ASSERT(strstr(err_msg(), "injected EIO"));
        ASSERT(strstr(err_msg(), "000007.sst"));
        ASSERT_EQ(os_vfs_posix()->exists(os_vfs_posix(), path), ERR_NOT_FOUND);
    }
    fv.countdown = 0;
    fprintf(stderr, "  %d counted calls; each failure left no file\n", n - 1);
    ASSERT(n > 5);
    /* The run without a fault wrote a good table. */
    struct block_cache *cache;
    ASSERT_OK(block_cache_create(1 << 20, &cache));
    struct sstable *t;
    ASSERT_OK(sstable_open(&fv.vfs, path, 7, cache, &t));
    check_scan_forward(t, &m);
    sstable_unref(t);
    block_cache_destroy(cache);
    model_free(&m);
}

TEST(sst_failed_writer_keeps_failing)
{
    struct fail_vfs fv;
    fail_vfs_init(&fv);
    char path[600];
    path_of(path, sizeof path, "f.sst");
    struct sstable_opts o = {64, SST_COMPRESS_NONE, 0, 0, NULL, NULL};
    struct sstable_writer *w;
    ASSERT_OK(sstable_writer_open(&fv.vfs, path, 1, &o, &w));
    fv.countdown = 1; /* The first block write fails. */
    uint8_t val[100] = {0};
    struct kv_entry e = {(const uint8_t *)"k", 1, 10, KV_PUT, val, sizeof val};
    ASSERT_EQ(sstable_writer_add(w, &e), ERR_IO);
    ASSERT_EQ(os_vfs_posix()->exists(os_vfs_posix(), path), ERR_NOT_FOUND);
    e.ts = 9;
    ASSERT_EQ(sstable_writer_add(w, &e), ERR_IO);
    ASSERT_EQ(sstable_writer_finish(w, NULL), ERR_IO);
    ASSERT(strstr(err_msg(), "f.sst"));
}

/* Writes, opens and reads the model; returns the first error and whether the writer failed. */
static int write_and_read(const char *path, const struct model *m, struct block_cache *cache,
                          int *in_writer)
{
    struct sstable_opts o = {256, SST_COMPRESS_LZ4, 0, 0, NULL, NULL};
    struct sstable_writer *w;
    *in_writer = 1;
    int rc = sstable_writer_open(os_vfs_posix(), path, 1, &o, &w);
    if (rc)
        return rc;
    for (size_t i = 0; i < m->n; i++) {
        const struct ver *v = &m->v[i];
        struct kv_entry e = {v->key, v->key_len, v->ts, v->kind, v->val, v->val_len};
        if ((rc = sstable_writer_add(w, &e)) != 0) {
            sstable_writer_abort(w);
            return rc;
        }
    }
    if ((rc = sstable_writer_finish(w, NULL)) != 0)
        return rc;
    *in_writer = 0;
    struct sstable *t;
    if ((rc = sstable_open(os_vfs_posix(), path, 1, cache, &t)) != 0)
        return rc;
    struct kv_iter *it = NULL;
    size_t n = 0;
    if ((rc = sstable_iter_create(t, &it)) == 0) {
        for (rc = kv_iter_seek_first(it); rc == 0 && kv_iter_valid(it); rc = kv_iter_next(it))
            n++;
        kv_iter_destroy(it);
    }
    if (rc == 0 && n != m->n)
        rc = ERR_INTERNAL;
    struct buf val;
    buf_init(&val);
    for (size_t i = 0; rc == 0 && i < m->n; i += 7) {
        struct kv_entry e;
        rc = sstable_get(t, m->v[i].key, m->v[i].key_len, m->v[i].ts, &e, &val);
        if (rc == 0 && !entry_eq(&e, &m->v[i]))
            rc = ERR_INTERNAL;
    }
    buf_deinit(&val);
    sstable_unref(t);
    return rc;
}

TEST(sst_out_of_memory_fault_loop)
{
    /* Fail the 1st, 2nd, ... allocation until the whole workload runs clean:
     * each failure is ERR_NOMEM, a failed writer leaves no file, nothing
     * leaks (ASan) and nothing crashes. */
    uint64_t seed = test_seed();
    struct model m;
    struct gen_opts g = {40, 0};
    model_build(&m, seed, &g);
    char path[600];
    path_of(path, sizeof path, "oom.sst");
    int n;
    for (n = 1;; n++) {
        struct block_cache *cache;
        ASSERT_OK(block_cache_create(1 << 20, &cache));
        int in_writer;
        mem_fail_after((uint64_t)n);
        int rc = write_and_read(path, &m, cache, &in_writer);
        mem_fail_after(0);
        block_cache_destroy(cache);
        if (rc == 0)
            break;
        if (rc != ERR_NOMEM)
            test_fail_(__FILE__, __LINE__, "allocation %d: %s (%s)", n, err_name(rc), err_msg());
        if (in_writer)
            ASSERT_EQ(os_vfs_posix()->exists(os_vfs_posix(), path), ERR_NOT_FOUND);
        else
            ASSERT_OK(os_vfs_posix()->unlink(os_vfs_posix(), path));
    }
    fprintf(stderr, "  %zu versions: clean after failing each of %d allocations\n", m.n, n - 1);
    ASSERT(n > 20);
    model_free(&m);
}

/* ---- References, obsolete files, concurrency ---------------------------- */

TEST(sst_obsolete_file_removed_at_last_unref)
{
    uint64_t seed = test_seed();
    struct model m;
    struct gen_opts g = {300, 0};
    model_build(&m, seed, &g);
    char path[600];
    path_of(path, sizeof path, "old.sst");
    struct sstable_opts o = {512, SST_COMPRESS_LZ4, 0, 0, NULL, NULL};
    write_model(os_vfs_posix(), path, 5, &o, &m, NULL);
    struct block_cache *cache;
    ASSERT_OK(block_cache_create(1 << 20, &cache));
    struct sstable *t;
    ASSERT_OK(sstable_open(os_vfs_posix(), path, 5, cache, &t));
    struct kv_iter *it;
    ASSERT_OK(sstable_iter_create(t, &it));
    ASSERT_OK(kv_iter_seek_first(it));
    sstable_mark_obsolete(t);
    sstable_unref(t);
    /* The iterator's reference keeps the table open and the file present. */
    ASSERT_EQ(os_vfs_posix()->exists(os_vfs_posix(), path), 0);
    size_t i = 0;
    while (kv_iter_valid(it)) {
        struct kv_entry e;
        kv_iter_entry(it, &e);
        ASSERT(entry_eq(&e, &m.v[i]));
        i++;
        ASSERT_OK(kv_iter_next(it));
    }
    ASSERT_EQ(i, m.n);
    ASSERT(block_cache_usage(cache) > 0);
    kv_iter_destroy(it);
    ASSERT_EQ(os_vfs_posix()->exists(os_vfs_posix(), path), ERR_NOT_FOUND);
    ASSERT_EQ(block_cache_usage(cache), 0);
    block_cache_destroy(cache);
    model_free(&m);
}

struct getter {
    struct sstable *t;        /* Shared table. */
    const struct model *m;    /* The truth. */
    uint64_t seed;            /* Random stream. */
    int bad;                  /* Set on a wrong answer. */
};

static void *getter_main(void *arg)
{
    struct getter *g = arg;
    uint64_t s = g->seed;
    struct buf val;
    buf_init(&val);
    for (int i = 0; i < 5000 && !g->bad; i++) {
        const struct ver *v = &g->m->v[rnd(&s) % g->m->n];
        struct kv_entry e;
        int rc = sstable_get(g->t, v->key, v->key_len, v->ts, &e, &val);
        if (rc != 0 || !entry_eq(&e, v))
            g->bad = 1;
    }
    buf_deinit(&val);
    return NULL;
}

TEST(sst_concurrent_gets_small_cache)
{
    uint64_t seed = test_seed();
    struct model m;
    struct gen_opts g = {1500, 0};
    model_build(&m, seed, &g);
    char path[600];
    path_of(path, sizeof path, "shared.sst");
    struct sstable_opts o = {512, SST_COMPRESS_LZ4, 0, 0, NULL, NULL};
    write_model(os_vfs_posix(), path, 9, &o, &m, NULL);
    struct block_cache *cache;
    /* Room for a few dozen blocks: misses, inserts and evictions race. */
    ASSERT_OK(block_cache_create(24 * 1024, &cache));
    struct sstable *t;
    ASSERT_OK(sstable_open(os_vfs_posix(), path, 9, cache, &t));
    struct getter gs[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        gs[i] = (struct getter){t, &m, seed + (uint64_t)i, 0};
        ASSERT_EQ(pthread_create(&th[i], NULL, getter_main, &gs[i]), 0);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < 4; i++)
        ASSERT_EQ(gs[i].bad, 0);
    ASSERT(block_cache_usage(cache) <= 24 * 1024);
    sstable_unref(t);
    block_cache_destroy(cache);
    model_free(&m);
}

/* ---- Performance (printed, not asserted) -------------------------------- */

TEST(sst_performance_printout)
{
    char path[600];
    path_of(path, sizeof path, "perf.sst");
    const size_t n = 200000;
    struct sstable_writer *w;
    struct sstable_opts o = {0, SST_COMPRESS_LZ4, 0, 0, NULL, NULL};
    uint64_t t0 = os_now_ns();
    ASSERT_OK(sstable_writer_open(os_vfs_posix(), path, 1, &o, &w));
    uint8_t key[16], val[100];
    uint64_t s = 12345;
    for (size_t i = 0; i < n; i++) {
        snprintf((char *)key, sizeof key, "user%011zu", i);
        fill_value(&s, val, sizeof val);
        struct kv_entry e = {key, 15, 100, KV_PUT, val, sizeof val};
        ASSERT_OK(sstable_writer_add(w, &e));
    }
    struct sstable_meta meta;
    ASSERT_OK(sstable_writer_finish(w, &meta));
    uint64_t t1 = os_now_ns();
    fprintf(stderr, "  write: %zu versions, %.1f MB raw -> %.1f MB file, %.1f MB/s\n", n,
            meta.raw_bytes / 1e6, meta.file_size / 1e6, meta.raw_bytes / 1e6 / ((t1 - t0) / 1e9));

    struct block_cache *cache;
    ASSERT_OK(block_cache_create(256u << 20, &cache));
    struct sstable *t;
    ASSERT_OK(sstable_open(os_vfs_posix(), path, 1, cache, &t));
    struct kv_iter *it;
    ASSERT_OK(sstable_iter_create(t, &it));
    for (int pass = 0; pass < 2; pass++) {
        /* Pass 0 reads from the file (cold cache), pass 1 from the cache. */
        uint64_t a = os_now_ns(), bytes = 0, cnt = 0;
        ASSERT_OK(kv_iter_seek_first(it));
        while (kv_iter_valid(it)) {
            struct kv_entry e;
            kv_iter_entry(it, &e);
            bytes += e.key_len + e.value_len;
            cnt++;
            ASSERT_OK(kv_iter_next(it));
        }
        uint64_t b = os_now_ns();
        ASSERT_EQ(cnt, n);
        fprintf(stderr, "  scan (%s cache): %.0f MB/s, %.2f M versions/s\n", pass ? "warm" : "cold",
                bytes / 1e6 / ((b - a) / 1e9), cnt / 1e6 / ((b - a) / 1e9));
    }
    kv_iter_destroy(it);

    struct buf v;
    buf_init(&v);
    uint64_t a = os_now_ns(), done = 0, found = 0;
    while (os_now_ns() - a < 500000000ull) {
        for (int i = 0; i < 1000; i++) {
            snprintf((char *)key, sizeof key, "user%011zu", (size_t)(rnd(&s) % (n + n / 10)));
            struct kv_entry e;
            int rc = sstable_get(t, key, 15, TS_MAX, &e, &v);
            found += rc == 0;
            done++;
        }
    }
    uint64_t b = os_now_ns();
    fprintf(stderr, "  point lookups (warm cache, 10%% absent): %.0f /s\n",
            done / ((b - a) / 1e9));
    ASSERT(found > done * 8 / 10);
    uint64_t hits, misses;
    block_cache_stats(cache, &hits, &misses);
    fprintf(stderr, "  cache: %llu hits, %llu misses, %.1f MB held\n", (unsigned long long)hits,
            (unsigned long long)misses, block_cache_usage(cache) / 1e6);
    buf_deinit(&v);
    sstable_unref(t);
    block_cache_destroy(cache);
}
