/*
 * model.h: the plain in-memory models and generators shared by the tablet
 * store's system tests (test_model.c, test_crash.c, test_fault.c).
 *
 * Header-only (static functions) because the Makefile builds every
 * test/storage/test_*.c as its own program and links no other test file.
 *
 * What is here:
 *   - a small deterministic random generator (splitmix64), so a printed seed
 *     replays a run exactly;
 *   - values generated from a 64-bit "value seed": the first 8 bytes are the
 *     seed itself (little-endian, cut short for values under 8 bytes), the
 *     rest a pattern derived from it, random or compressible by the seed's low
 *     bit. A test keeps (seed, length) instead of the bytes, and a value read
 *     back names the write it came from;
 *   - a key pool: a fixed set of keys of varied lengths (1 byte to a few KB)
 *     over a small alphabet, so prefixes, 0x00 and 0xff bytes and shared
 *     prefixes are common, sorted in the store's key order so that an index
 *     into the pool is also a position in key order;
 *   - a multi-version model (struct model): per tablet, per key, the list of
 *     (ts, put value or tombstone), answering reads at any timestamp;
 *   - a history model (struct hist): acknowledged and uncertain (failed)
 *     writes and tablet creations and drops, checked against a recovered store
 *     by trying every combination of the uncertain ones (each all or nothing).
 */
#ifndef ATOLL_TEST_STORAGE_MODEL_H
#define ATOLL_TEST_STORAGE_MODEL_H

#include "test.h"

#include "base/buf.h"
#include "base/err.h"
#include "storage/kv.h"
#include "storage/store.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- helpers */

static inline void *tm_alloc(size_t n)
{
    void *p = calloc(1, n ? n : 1);
    if (!p) {
        fprintf(stderr, "test: out of memory (%zu bytes)\n", n);
        abort();
    }
    return p;
}

static inline void *tm_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fprintf(stderr, "test: out of memory (%zu bytes)\n", n);
        abort();
    }
    return q;
}

/* Reads a size from the environment (decimal), or def when unset or bad. */
static inline uint64_t tm_env_u64(const char *name, uint64_t def)
{
    const char *e = getenv(name);
    if (!e || !*e)
        return def;
    char *end;
    unsigned long long v = strtoull(e, &end, 0);
    return *end ? def : (uint64_t)v;
}

/* Prints up to max bytes of p as printable text with \xNN escapes, into out. */
static inline const char *tm_hex(const uint8_t *p, size_t len, char *out, size_t cap)
{
    size_t o = 0, max = 24;
    for (size_t i = 0; i < len && i < max && o + 5 < cap; i++) {
        if (p[i] >= 0x21 && p[i] < 0x7f && p[i] != '\\')
            out[o++] = (char)p[i];
        else
            o += (size_t)snprintf(out + o, cap - o, "\\x%02x", p[i]);
    }
    if (len > max && o + 20 < cap)
        o += (size_t)snprintf(out + o, cap - o, "...(%zu bytes)", len);
    out[o < cap ? o : cap - 1] = '\0';
    return out;
}

/* ------------------------------------------------------------------- rng */

struct rng {
    uint64_t s; /* splitmix64 state. */
};

static inline uint64_t rng_next(struct rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, n); n > 0. */
static inline uint64_t rng_below(struct rng *r, uint64_t n)
{
    return rng_next(r) % n;
}

/* Uniform in [lo, hi]. */
static inline uint64_t rng_range(struct rng *r, uint64_t lo, uint64_t hi)
{
    return lo + rng_below(r, hi - lo + 1);
}

/* True with probability pct percent. */
static inline int rng_pct(struct rng *r, unsigned pct)
{
    return rng_below(r, 100) < pct;
}

static inline uint64_t tm_mix(uint64_t a, uint64_t b)
{
    struct rng r = {a * 0x2545f4914f6cdd1dULL ^ b};
    rng_next(&r);
    return rng_next(&r);
}

/* ---------------------------------------------------------------- values */

/* Writes the value of (vseed, len) into out. */
static inline void value_fill(uint8_t *out, size_t len, uint64_t vseed)
{
    size_t i = 0;
    for (; i < len && i < 8; i++)
        out[i] = (uint8_t)(vseed >> (8 * i));
    struct rng r = {vseed ^ 0x5bd1e995ULL};
    if (vseed & 1) {
        /* Compressible: a short pattern repeated. */
        uint8_t pat[13];
        for (size_t j = 0; j < sizeof pat; j++)
            pat[j] = (uint8_t)rng_next(&r);
        for (size_t j = 0; i < len; i++, j++)
            out[i] = pat[j % sizeof pat];
    } else {
        while (i < len) {
            uint64_t x = rng_next(&r);
            for (int k = 0; k < 8 && i < len; k++, i++)
                out[i] = (uint8_t)(x >> (8 * k));
        }
    }
}

/* Fills b with the value of (vseed, len). */
static inline void value_make(struct buf *b, uint64_t vseed, size_t len)
{
    buf_reset(b);
    if (buf_reserve(b, len ? len : 1) != 0)
        abort();
    value_fill(b->data, len, vseed);
    b->len = len;
}

/* 1 if (p, len) is exactly the value of (vseed, want_len). scratch is reused. */
static inline int value_check(const uint8_t *p, size_t len, uint64_t vseed, size_t want_len,
                              struct buf *scratch)
{
    if (len != want_len)
        return 0;
    value_make(scratch, vseed, want_len);
    return len == 0 || memcmp(p, scratch->data, len) == 0;
}

/* The seed in a value's first 8 bytes (0 if shorter), to name where a wrong value came from. */
static inline uint64_t value_seed_of(const uint8_t *p, size_t len)
{
    uint64_t v = 0;
    for (size_t i = 0; i < len && i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return len >= 8 ? v : 0;
}

/* A random value length: mostly small, sometimes KBs, rarely tens of KB. */
static inline size_t value_len_random(struct rng *r, size_t min)
{
    uint64_t p = rng_below(r, 1000);
    size_t n;
    if (p < 700)
        n = (size_t)rng_below(r, 65);
    else if (p < 900)
        n = (size_t)rng_range(r, 65, 1000);
    else if (p < 985)
        n = (size_t)rng_range(r, 1000, 8000);
    else
        n = (size_t)rng_range(r, 8000, 50000);
    return n < min ? min : n;
}

/* -------------------------------------------------------------- key pool */

struct keypool {
    uint8_t **key; /* Keys, sorted by kv_key_cmp, unique. */
    size_t *len;   /* Their lengths. */
    size_t n;      /* Keys. */
};

static inline int keypool_cmp(const void *a, const void *b)
{
    const uint8_t *const *x = a, *const *y = b;
    /* Each key is stored after its 4-byte length. */
    uint32_t xl, yl;
    memcpy(&xl, *x - 4, 4);
    memcpy(&yl, *y - 4, 4);
    return kv_key_cmp(*x, xl, *y, yl);
}

/* Makes n keys of varied length and shape from r. */
static inline void keypool_make(struct keypool *kp, struct rng *r, size_t n, size_t max_len)
{
    static const uint8_t alpha[] = {0x00, 0x01, 'a', 'b', 'k', 'z', 0x7f, 0xfe, 0xff};
    uint8_t **tmp = tm_alloc(n * sizeof *tmp);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        uint64_t p = rng_below(r, 100);
        if (p < 40)
            len = (size_t)rng_range(r, 1, 8);
        else if (p < 75)
            len = (size_t)rng_range(r, 9, 40);
        else if (p < 95)
            len = (size_t)rng_range(r, 41, 300);
        else
            len = (size_t)rng_range(r, 300, max_len);
        if (len > max_len)
            len = max_len;
        uint8_t *mem = tm_alloc(len + 4 + 16);
        uint8_t *k = mem + 4;
        if (i > 0 && rng_pct(r, 20)) {
            /* A relative of an earlier key: a prefix of it or it extended. */
            uint8_t *o = tmp[rng_below(r, i)];
            uint32_t ol;
            memcpy(&ol, o - 4, 4);
            if (rng_pct(r, 50) && ol > 1)
                len = (size_t)rng_range(r, 1, ol - 1);
            else
                len = ol + (size_t)rng_range(r, 1, 3);
            if (len > max_len)
                len = max_len;
            mem = tm_realloc(mem, len + 4 + 16);
            k = mem + 4;
            size_t c = ol < len ? ol : len;
            memcpy(k, o, c);
            for (size_t j = c; j < len; j++)
                k[j] = alpha[rng_below(r, sizeof alpha)];
        } else {
            for (size_t j = 0; j < len; j++)
                k[j] = rng_pct(r, 60) ? alpha[rng_below(r, sizeof alpha)] : (uint8_t)rng_next(r);
        }
        uint32_t l32 = (uint32_t)len;
        memcpy(mem, &l32, 4);
        tmp[i] = k;
    }
    qsort(tmp, n, sizeof *tmp, keypool_cmp);
    kp->key = tm_alloc(n * sizeof *kp->key);
    kp->len = tm_alloc(n * sizeof *kp->len);
    kp->n = 0;
    for (size_t i = 0; i < n; i++) {
        if (kp->n && keypool_cmp(&tmp[i], &kp->key[kp->n - 1]) == 0) {
            free(tmp[i] - 4);
            continue;
        }
        uint32_t l32;
        memcpy(&l32, tmp[i] - 4, 4);
        kp->key[kp->n] = tmp[i];
        kp->len[kp->n] = l32;
        kp->n++;
    }
    free(tmp);
}

static inline void keypool_free(struct keypool *kp)
{
    for (size_t i = 0; i < kp->n; i++)
        free(kp->key[i] - 4);
    free(kp->key);
    free(kp->len);
    memset(kp, 0, sizeof *kp);
}

/* Index of the first pool key >= (k, len) in key order (kp->n if none). */
static inline size_t keypool_lower_bound(const struct keypool *kp, const uint8_t *k, size_t len)
{
    size_t lo = 0, hi = kp->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (kv_key_cmp(kp->key[mid], kp->len[mid], k, len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Index of (k, len) in the pool, or -1. */
static inline long keypool_find(const struct keypool *kp, const uint8_t *k, size_t len)
{
    size_t i = keypool_lower_bound(kp, k, len);
    if (i < kp->n && kv_key_cmp(kp->key[i], kp->len[i], k, len) == 0)
        return (long)i;
    return -1;
}

/* ------------------------------------------------- multi-version model */

struct mver {
    uint64_t ts;    /* Commit timestamp. */
    uint64_t vseed; /* Value seed (puts). */
    uint32_t len;   /* Value length (puts). */
    uint8_t kind;   /* KV_PUT or KV_DELETE. */
};

struct mchain {
    struct mver *v; /* Versions, ts ascending. */
    uint32_t n;     /* Versions held. */
    uint32_t cap;   /* Capacity of v. */
};

#define MODEL_MAX_TABLETS 8

struct mtablet {
    uint64_t id;           /* Tablet id. */
    int live;              /* 1 if the tablet exists. */
    struct mchain *chains; /* One per pool key. */
};

struct model {
    const struct keypool *kp;                  /* The keys (borrowed). */
    struct mtablet tablets[MODEL_MAX_TABLETS]; /* Slots, live or not. */
};

static inline void model_init(struct model *m, const struct keypool *kp)
{
    memset(m, 0, sizeof *m);
    m->kp = kp;
}

static inline void model_tablet_clear(struct model *m, int slot)
{
    struct mtablet *t = &m->tablets[slot];
    if (t->chains) {
        for (size_t i = 0; i < m->kp->n; i++)
            free(t->chains[i].v);
        free(t->chains);
    }
    t->chains = NULL;
    t->live = 0;
}

static inline void model_deinit(struct model *m)
{
    for (int i = 0; i < MODEL_MAX_TABLETS; i++)
        model_tablet_clear(m, i);
}

/* Makes slot a new, empty, live tablet id. */
static inline void model_tablet_create(struct model *m, int slot, uint64_t id)
{
    model_tablet_clear(m, slot);
    m->tablets[slot].id = id;
    m->tablets[slot].live = 1;
    m->tablets[slot].chains = tm_alloc(m->kp->n * sizeof(struct mchain));
}

static inline int model_slot_of(const struct model *m, uint64_t id)
{
    for (int i = 0; i < MODEL_MAX_TABLETS; i++)
        if (m->tablets[i].live && m->tablets[i].id == id)
            return i;
    return -1;
}

static inline void model_apply(struct model *m, int slot, size_t key, uint64_t ts, uint8_t kind,
                               uint64_t vseed, uint32_t len)
{
    struct mchain *c = &m->tablets[slot].chains[key];
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 4;
        c->v = tm_realloc(c->v, c->cap * sizeof *c->v);
    }
    uint32_t i = c->n;
    while (i > 0 && c->v[i - 1].ts > ts) {
        c->v[i] = c->v[i - 1];
        i--;
    }
    c->v[i] = (struct mver){.ts = ts, .vseed = vseed, .len = len, .kind = kind};
    c->n++;
}

/* The newest version of key at snap (NULL if none); the caller checks its kind. */
static inline const struct mver *model_version_at(const struct model *m, int slot, size_t key,
                                                  uint64_t snap)
{
    const struct mchain *c = &m->tablets[slot].chains[key];
    for (uint32_t i = c->n; i > 0; i--)
        if (c->v[i - 1].ts <= snap)
            return &c->v[i - 1];
    return NULL;
}

/* The visible put of key at snap, or NULL when absent or deleted. */
static inline const struct mver *model_get(const struct model *m, int slot, size_t key,
                                           uint64_t snap)
{
    const struct mver *v = model_version_at(m, slot, key, snap);
    return v && v->kind == KV_PUT ? v : NULL;
}

/*
 * Forgets versions no read at or after horizon can see: those older than the
 * newest version at or below horizon. Keeps the model's memory bounded.
 */
static inline void model_gc(struct model *m, uint64_t horizon)
{
    for (int t = 0; t < MODEL_MAX_TABLETS; t++) {
        if (!m->tablets[t].live)
            continue;
        for (size_t k = 0; k < m->kp->n; k++) {
            struct mchain *c = &m->tablets[t].chains[k];
            uint32_t keep = 0; /* Index of the newest version <= horizon. */
            for (uint32_t i = 0; i < c->n; i++)
                if (c->v[i].ts <= horizon)
                    keep = i;
            if (keep > 0) {
                memmove(c->v, c->v + keep, (c->n - keep) * sizeof *c->v);
                c->n -= keep;
            }
        }
    }
}

/* --------------------------------------------------------- history model */

/*
 * For the fault and power-loss tests: a sequence of events, each either
 * acknowledged (it returned 0: it must be there after recovery) or uncertain
 * (it returned an error: it may be there or not, but wholly). Keys are pool
 * indexes and tablets are small slot numbers; values always carry their seed
 * in their first 8 bytes (length >= 8), so the recovered state can be read
 * back as one value seed per (tablet, key).
 */

enum hist_kind { HIST_WRITE = 1, HIST_CREATE = 2, HIST_DROP = 3 };

struct hist_op {
    uint8_t slot;   /* Tablet slot. */
    uint8_t kind;   /* KV_PUT or KV_DELETE. */
    uint32_t key;   /* Pool index. */
    uint64_t vseed; /* Value seed of a put. */
    uint32_t len;   /* Value length of a put (>= 8). */
};

struct hist_event {
    uint8_t kind;        /* enum hist_kind. */
    uint8_t maybe;       /* 1 if it returned an error. */
    uint8_t slot;        /* Tablet of a create or drop. */
    uint64_t ts;         /* Commit ts of a write. */
    struct hist_op *ops; /* Operations of a write. */
    uint32_t n_ops;      /* Their number. */
};

#define HIST_MAX_SLOTS 8

struct hist {
    const struct keypool *kp;           /* The keys (borrowed). */
    uint64_t tablet_id[HIST_MAX_SLOTS]; /* Tablet id of each slot. */
    int n_slots;                        /* Slots in use. */
    struct hist_event *ev;              /* Events in order. */
    size_t n_ev, cap_ev;                /* Their number and capacity. */
};

static inline void hist_init(struct hist *h, const struct keypool *kp)
{
    memset(h, 0, sizeof *h);
    h->kp = kp;
}

static inline void hist_deinit(struct hist *h)
{
    for (size_t i = 0; i < h->n_ev; i++)
        free(h->ev[i].ops);
    free(h->ev);
    memset(h, 0, sizeof *h);
}

static inline struct hist_event *hist_push(struct hist *h)
{
    if (h->n_ev == h->cap_ev) {
        h->cap_ev = h->cap_ev ? h->cap_ev * 2 : 64;
        h->ev = tm_realloc(h->ev, h->cap_ev * sizeof *h->ev);
    }
    struct hist_event *e = &h->ev[h->n_ev++];
    memset(e, 0, sizeof *e);
    return e;
}

static inline void hist_tablet_event(struct hist *h, int kind, int slot, int maybe)
{
    struct hist_event *e = hist_push(h);
    e->kind = (uint8_t)kind;
    e->slot = (uint8_t)slot;
    e->maybe = (uint8_t)maybe;
}

/* Records a write; takes a copy of ops. */
static inline void hist_write(struct hist *h, uint64_t ts, const struct hist_op *ops, uint32_t n,
                              int maybe)
{
    struct hist_event *e = hist_push(h);
    e->kind = HIST_WRITE;
    e->maybe = (uint8_t)maybe;
    e->ts = ts;
    e->ops = tm_alloc(n * sizeof *ops);
    memcpy(e->ops, ops, n * sizeof *ops);
    e->n_ops = n;
}

static inline size_t hist_n_maybe(const struct hist *h)
{
    size_t n = 0;
    for (size_t i = 0; i < h->n_ev; i++)
        n += h->ev[i].maybe;
    return n;
}

/* A recovered (or expected) state: per slot, existence and one value seed per key (0 = absent). */
struct hist_state {
    int exists[HIST_MAX_SLOTS]; /* 1 if the tablet exists. */
    uint64_t *cell;             /* [slot * n_keys + key]: value seed, 0 if absent. */
    uint32_t *cell_len;         /* Matching value lengths. */
};

static inline void hist_state_init(struct hist_state *st, const struct hist *h)
{
    memset(st, 0, sizeof *st);
    st->cell = tm_alloc(HIST_MAX_SLOTS * h->kp->n * sizeof *st->cell);
    st->cell_len = tm_alloc(HIST_MAX_SLOTS * h->kp->n * sizeof *st->cell_len);
}

static inline void hist_state_deinit(struct hist_state *st)
{
    free(st->cell);
    free(st->cell_len);
}

/*
 * Computes the state after the acknowledged events plus the uncertain ones
 * whose bit is set in mask (bit i = i-th uncertain event). Returns 0, or -1 if
 * that combination is impossible (an acknowledged write to a tablet that
 * would not exist).
 */
static inline int hist_replay(const struct hist *h, uint64_t mask, struct hist_state *st)
{
    size_t nk = h->kp->n;
    memset(st->exists, 0, sizeof st->exists);
    memset(st->cell, 0, HIST_MAX_SLOTS * nk * sizeof *st->cell);
    memset(st->cell_len, 0, HIST_MAX_SLOTS * nk * sizeof *st->cell_len);
    size_t mi = 0;
    for (size_t i = 0; i < h->n_ev; i++) {
        const struct hist_event *e = &h->ev[i];
        if (e->maybe) {
            int on = mi < 64 && ((mask >> mi) & 1);
            mi++;
            if (!on)
                continue;
        }
        switch (e->kind) {
        case HIST_CREATE:
            st->exists[e->slot] = 1;
            memset(st->cell + e->slot * nk, 0, nk * sizeof *st->cell);
            break;
        case HIST_DROP:
            st->exists[e->slot] = 0;
            memset(st->cell + e->slot * nk, 0, nk * sizeof *st->cell);
            break;
        case HIST_WRITE:
            for (uint32_t j = 0; j < e->n_ops; j++) {
                const struct hist_op *o = &e->ops[j];
                if (!st->exists[o->slot])
                    return -1;
                st->cell[o->slot * nk + o->key] = o->kind == KV_PUT ? o->vseed : 0;
                st->cell_len[o->slot * nk + o->key] = o->kind == KV_PUT ? o->len : 0;
            }
            break;
        }
    }
    return 0;
}

/*
 * Reads the store's state for every slot into st: existence, then every key
 * by a forward scan at TS_MAX (and, with also_get, by point reads too, which
 * must agree). Each value must be a well-formed generated value. Returns 0, or
 * -1 with a message in why.
 */
static inline int hist_read_store(const struct hist *h, struct store *s, struct hist_state *st,
                                  int also_get, char *why, size_t why_cap)
{
    size_t nk = h->kp->n;
    struct buf scratch, val;
    buf_init(&scratch);
    buf_init(&val);
    int ret = 0;
    char hx[128];
    memset(st->cell, 0, HIST_MAX_SLOTS * nk * sizeof *st->cell);
    memset(st->cell_len, 0, HIST_MAX_SLOTS * nk * sizeof *st->cell_len);
    for (int slot = 0; slot < h->n_slots && !ret; slot++) {
        int rc = store_tablet_exists(s, h->tablet_id[slot]);
        if (rc != 0 && rc != ERR_NOT_FOUND) {
            snprintf(why, why_cap, "store_tablet_exists(%llu): %s (%s)",
                     (unsigned long long)h->tablet_id[slot], err_name(rc), err_msg());
            ret = -1;
            break;
        }
        st->exists[slot] = rc == 0;
        if (!st->exists[slot])
            continue;
        struct store_scan *sc;
        rc = store_scan_open(s, h->tablet_id[slot], "", 0, NULL, 0, TS_MAX, 0, 0, &sc);
        if (rc) {
            snprintf(why, why_cap, "store_scan_open(tablet %llu): %s (%s)",
                     (unsigned long long)h->tablet_id[slot], err_name(rc), err_msg());
            ret = -1;
            break;
        }
        long prev = -1;
        for (;;) {
            const uint8_t *k, *v;
            size_t kl, vl;
            rc = store_scan_next(sc, &k, &kl, &v, &vl);
            if (rc == ERR_NOT_FOUND)
                break;
            if (rc) {
                snprintf(why, why_cap, "store_scan_next(tablet %llu): %s (%s)",
                         (unsigned long long)h->tablet_id[slot], err_name(rc), err_msg());
                ret = -1;
                break;
            }
            long ki = keypool_find(h->kp, k, kl);
            if (ki < 0 || ki <= prev) {
                snprintf(why, why_cap, "scan of tablet %llu returned %s key %s",
                         (unsigned long long)h->tablet_id[slot],
                         ki < 0 ? "an unknown" : "an out-of-order", tm_hex(k, kl, hx, sizeof hx));
                ret = -1;
                break;
            }
            prev = ki;
            uint64_t vs = value_seed_of(v, vl);
            if (vs == 0 || !value_check(v, vl, vs, vl, &scratch)) {
                snprintf(why, why_cap, "tablet %llu key %s: malformed value (%zu bytes, seed %llx)",
                         (unsigned long long)h->tablet_id[slot], tm_hex(k, kl, hx, sizeof hx), vl,
                         (unsigned long long)vs);
                ret = -1;
                break;
            }
            st->cell[slot * nk + (size_t)ki] = vs;
            st->cell_len[slot * nk + (size_t)ki] = (uint32_t)vl;
        }
        store_scan_close(sc);
        for (size_t k = 0; also_get && !ret && k < nk; k++) {
            rc = store_get(s, h->tablet_id[slot], h->kp->key[k], h->kp->len[k], TS_MAX, &val);
            uint64_t want = st->cell[slot * nk + k];
            if (rc == ERR_NOT_FOUND && want == 0)
                continue;
            if (rc == 0 && want != 0 && val.len == st->cell_len[slot * nk + k] &&
                value_seed_of(val.data, val.len) == want)
                continue;
            snprintf(why, why_cap,
                     "tablet %llu key %s: store_get says %s (seed %llx) but the scan says "
                     "%s (seed %llx)",
                     (unsigned long long)h->tablet_id[slot],
                     tm_hex(h->kp->key[k], h->kp->len[k], hx, sizeof hx),
                     rc == 0 ? "present" : err_name(rc),
                     rc == 0 ? (unsigned long long)value_seed_of(val.data, val.len) : 0ULL,
                     want ? "present" : "absent", (unsigned long long)want);
            ret = -1;
        }
    }
    buf_deinit(&scratch);
    buf_deinit(&val);
    return ret;
}

/* Describes the first difference between two states into why. */
static inline void hist_state_diff(const struct hist *h, const struct hist_state *want,
                                   const struct hist_state *got, char *why, size_t cap)
{
    size_t nk = h->kp->n;
    char hx[128];
    for (int slot = 0; slot < h->n_slots; slot++) {
        if (want->exists[slot] != got->exists[slot]) {
            snprintf(why, cap, "tablet %llu: expected %s, found %s",
                     (unsigned long long)h->tablet_id[slot],
                     want->exists[slot] ? "present" : "absent",
                     got->exists[slot] ? "present" : "absent");
            return;
        }
        if (!want->exists[slot])
            continue;
        for (size_t k = 0; k < nk; k++) {
            uint64_t a = want->cell[slot * nk + k], b = got->cell[slot * nk + k];
            if (a != b || want->cell_len[slot * nk + k] != got->cell_len[slot * nk + k]) {
                snprintf(
                    why, cap,
                    "tablet %llu key #%zu %s: expected %s%llx (%u bytes), found %s%llx (%u bytes)",
                    (unsigned long long)h->tablet_id[slot], k,
                    tm_hex(h->kp->key[k], h->kp->len[k], hx, sizeof hx),
                    a ? "value seed " : "absent ", (unsigned long long)a,
                    want->cell_len[slot * nk + k], b ? "value seed " : "absent ",
                    (unsigned long long)b, got->cell_len[slot * nk + k]);
                return;
            }
        }
    }
    snprintf(why, cap, "no difference");
}

static inline int hist_state_equal(const struct hist *h, const struct hist_state *a,
                                   const struct hist_state *b)
{
    size_t nk = h->kp->n;
    for (int slot = 0; slot < h->n_slots; slot++) {
        if (a->exists[slot] != b->exists[slot])
            return 0;
        if (a->exists[slot] &&
            (memcmp(a->cell + slot * nk, b->cell + slot * nk, nk * sizeof *a->cell) != 0 ||
             memcmp(a->cell_len + slot * nk, b->cell_len + slot * nk, nk * sizeof *a->cell_len) !=
                 0))
            return 0;
    }
    return 1;
}

/*
 * Checks the store against the history: its state must equal the replay of
 * every acknowledged event plus some subset of the uncertain ones. Returns 0
 * (and the matching mask in *mask_out if not NULL), or -1 with a description
 * of the difference to the closest candidate (all uncertain events left out)
 * in why. At most 16 uncertain events are supported.
 */
static inline int hist_check(const struct hist *h, struct store *s, int also_get,
                             uint64_t *mask_out, char *why, size_t cap)
{
    struct hist_state got, want;
    hist_state_init(&got, h);
    hist_state_init(&want, h);
    int ret = -1;
    if (hist_read_store(h, s, &got, also_get, why, cap) != 0)
        goto out;
    size_t nm = hist_n_maybe(h);
    if (nm > 16) {
        snprintf(why, cap, "test error: %zu uncertain events", nm);
        goto out;
    }
    for (uint64_t mask = 0; mask < (1ULL << nm); mask++) {
        if (hist_replay(h, mask, &want) != 0)
            continue;
        if (hist_state_equal(h, &want, &got)) {
            if (mask_out)
                *mask_out = mask;
            ret = 0;
            goto out;
        }
    }
    if (hist_replay(h, 0, &want) != 0)
        hist_replay(h, (1ULL << nm) - 1, &want);
    hist_state_diff(h, &want, &got, why, cap);
    size_t o = strlen(why);
    snprintf(why + o, cap - o, " (no combination of the %zu uncertain events matches)", nm);
out:
    hist_state_deinit(&got);
    hist_state_deinit(&want);
    return ret;
}

/* Makes every uncertain event certain as decided by mask (present ones acknowledged, others
 * removed). */
static inline void hist_settle(struct hist *h, uint64_t mask)
{
    size_t mi = 0, o = 0;
    for (size_t i = 0; i < h->n_ev; i++) {
        struct hist_event e = h->ev[i];
        if (e.maybe) {
            int on = (mask >> mi) & 1;
            mi++;
            if (!on) {
                free(e.ops);
                continue;
            }
            e.maybe = 0;
        }
        h->ev[o++] = e;
    }
    h->n_ev = o;
}

#endif
