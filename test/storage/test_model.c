/*
 * test_model.c: the tablet store against a plain in-memory model.
 *
 * model_random runs a long random mix of operations on a store and on the
 * model of model.h side by side and compares every answer: batch writes of
 * puts and deletes over a few tablets at increasing commit timestamps, point
 * reads and range scans (forward and reverse, random bounds, limits, some
 * left open while writes and merges run) at the current timestamp and at
 * pinned older snapshots, pins and unpins, freezes, minor and major merges,
 * tablet creations and drops, and reopenings. The run is cut into phases;
 * each phase reopens the store with different options (tiny MemTables and
 * blocks so that freezes and merges happen by themselves, compression,
 * background threads on or off, small redo segments), so the same data is
 * read back through every path.
 *
 * Which reads the model can answer: a merge may drop versions older than the
 * oldest pinned snapshot (or, with none pinned, anything but the newest), at
 * any moment when background threads run. Every dropped version is shadowed
 * by a newer one at or below the merge's horizon, and the horizon is never
 * above a snapshot that stays pinned, nor above the newest timestamp when a
 * snapshot is pinned there. So reads are compared at any timestamp at or
 * above the oldest snapshot still pinned (pins are taken at the newest
 * timestamp written), or at or above the newest timestamp.
 *
 * model_limits checks the size limits and invalid arguments: nothing of a
 * refused batch is written. model_gc checks that a pinned snapshot keeps its
 * data through major merges and that SSTables shrink once it is unpinned.
 * model_idle_tablet_recovery and model_recovery_big_batch are regression
 * cases for two recovery bugs model_random found (a redo log cut behind an
 * idle tablet; a record half-replayed when recovery dumped a MemTable).
 *
 * Sizes: STORE_MODEL_OPS (default 200000 operations), STORE_MODEL_KEYS (key
 * pool, default 300). TEST_SEED replays a run (exactly when no phase runs
 * background threads: STORE_MODEL_BACKGROUND=0). Debugging aids:
 * STORE_MODEL_TRACE=1 prints every operation (2: and every write's keys);
 * STORE_MODEL_CHECK_EVERY=n compares the whole store with the model after
 * every n operations, to find the operation after which it goes wrong;
 * STORE_MODEL_SEGMENT, STORE_MODEL_BACKGROUND (0/1), STORE_MODEL_NOSYNC (0/1)
 * and STORE_MODEL_MEMTABLE force those options in every phase;
 * STORE_MODEL_PHASES=1 prints each phase's options and time.
 */
#include "test.h"

#include "model.h"

#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "os/clock.h"
#include "storage/kv.h"
#include "storage/sstable.h"
#include "storage/store.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PINS      8
#define TRACE_N       64
#define MAX_BATCH_OPS 200

enum op_kind {
    OP_WRITE,
    OP_GET,
    OP_SCAN,
    OP_PIN,
    OP_UNPIN,
    OP_FREEZE,
    OP_MINOR,
    OP_MAJOR,
    OP_REOPEN,
    OP_INFO,
    OP_LIST,
    OP_CHURN,
    OP_REQUEST_MAJOR,
    OP_VERIFY,
    OP_N
};

static const char *const op_names[OP_N] = {
    "write", "get",    "scan", "pin",  "unpin", "freeze",        "minor",
    "major", "reopen", "info", "list", "churn", "request_major", "verify",
};

struct pin {
    uint64_t ts;                 /* Its timestamp. */
    struct store_snapshot *snap; /* The store's handle. */
};

struct wop {
    int slot;       /* Tablet slot. */
    size_t key;     /* Pool index. */
    uint8_t kind;   /* KV_PUT or KV_DELETE. */
    uint64_t vseed; /* Value seed. */
    uint32_t len;   /* Value length. */
};

struct world {
    struct rng r;                   /* Drives every choice. */
    char dir[600];                  /* The store's folder. */
    struct store_opts opts;         /* Options of the current phase. */
    struct store *s;                /* The open store. */
    struct keypool kp;              /* Keys. */
    struct model m;                 /* What the store should hold. */
    uint64_t last_ts;               /* Newest commit timestamp written. */
    int wrote_since_open;           /* A write succeeded since the last open. */
    struct pin pins[MAX_PINS];      /* Pinned snapshots. */
    int n_pins;                     /* Their number. */
    uint64_t next_tablet_id;        /* For new tablets. */
    struct store_batch batch;       /* Reused batch. */
    struct buf val, scratch;        /* Reused buffers. */
    struct wop wops[MAX_BATCH_OPS]; /* The batch being built. */
    uint32_t *seen;                 /* Per slot*key: batch stamp, for distinct keys. */
    uint32_t seen_gen;              /* Current stamp. */
    uint64_t n_ops;                 /* Operations done. */
    uint64_t cnt[OP_N];             /* Per kind. */
    uint64_t ns[OP_N];              /* Time spent per kind. */
    uint64_t n_suspended;           /* Scans left open across other operations. */
    uint64_t n_reads_old;           /* Reads below the newest timestamp. */
    char trace[TRACE_N][240];       /* The last operations, for failure reports. */
    uint64_t trace_n;               /* Lines written to trace. */
    int trace_print;                /* STORE_MODEL_TRACE: print every line. */
    int in_suspended;               /* Inside a suspended scan: no reopen or drop. */
    int short_phase;                /* This phase's options make it slow: keep it short. */
};

static void trace(struct world *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void trace(struct world *w, const char *fmt, ...)
{
    char *line = w->trace[w->trace_n % TRACE_N];
    int o = snprintf(line, 240, "#%llu ", (unsigned long long)w->n_ops);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + o, (size_t)(240 - o), fmt, ap);
    va_end(ap);
    w->trace_n++;
    if (w->trace_print)
        fprintf(stderr, "  %s\n", line);
}

static void world_fail(struct world *w, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5), noreturn));
static void world_fail(struct world *w, const char *file, int line, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "  last operations:\n");
    uint64_t from = w->trace_n > TRACE_N ? w->trace_n - TRACE_N : 0;
    for (uint64_t i = from; i < w->trace_n; i++)
        fprintf(stderr, "    %s\n", w->trace[i % TRACE_N]);
    fprintf(stderr,
            "  options: memtable_size=%llu block_size=%zu compression=%d/%d no_background=%d "
            "no_sync=%d memory_budget=%llu redo_segment_size=%llu last_ts=%llu pins=%d\n",
            (unsigned long long)w->opts.memtable_size, w->opts.block_size, w->opts.compression,
            w->opts.baseline_compression, w->opts.no_background, w->opts.no_sync,
            (unsigned long long)w->opts.memory_budget,
            (unsigned long long)w->opts.redo_segment_size, (unsigned long long)w->last_ts,
            w->n_pins);
    test_fail_(file, line, "%s", msg);
}

#define WFAIL(w, ...) world_fail((w), __FILE__, __LINE__, __VA_ARGS__)
#define WCHECK_OK(w, call)                                                                         \
    do {                                                                                           \
        int rc__ = (call);                                                                         \
        if (rc__ != 0)                                                                             \
            WFAIL((w), "%s failed: %s (%s)", #call, err_name(rc__), err_msg());                    \
    } while (0)

static int live_slots(const struct world *w, int *out)
{
    int n = 0;
    for (int i = 0; i < MODEL_MAX_TABLETS; i++)
        if (w->m.tablets[i].live)
            out[n++] = i;
    return n;
}

static int random_live(struct world *w)
{
    int s[MODEL_MAX_TABLETS];
    int n = live_slots(w, s);
    return n ? s[rng_below(&w->r, (uint64_t)n)] : -1;
}

static uint64_t oldest_pin(const struct world *w)
{
    uint64_t o = UINT64_MAX;
    for (int i = 0; i < w->n_pins; i++)
        if (w->pins[i].ts < o)
            o = w->pins[i].ts;
    return o;
}

/* A snapshot the model can answer for (see the file comment). */
static uint64_t choose_snap(struct world *w)
{
    uint64_t cur = w->last_ts ? w->last_ts : 1;
    if (w->n_pins && rng_pct(&w->r, 50)) {
        uint64_t lo = oldest_pin(w);
        w->n_reads_old++;
        if (rng_pct(&w->r, 50))
            return w->pins[rng_below(&w->r, (uint64_t)w->n_pins)].ts;
        return rng_range(&w->r, lo, cur);
    }
    uint64_t p = rng_below(&w->r, 10);
    if (p < 6)
        return cur;
    if (p < 8)
        return TS_MAX;
    return cur + rng_range(&w->r, 1, 1000);
}

static size_t random_key(struct world *w)
{
    return (size_t)rng_below(&w->r, w->kp.n);
}

/* A key not necessarily in the pool: a pool key, a variant of one, or random bytes. */
static size_t random_bound(struct world *w, uint8_t *out, size_t cap)
{
    uint64_t p = rng_below(&w->r, 100);
    if (p < 55) {
        size_t k = random_key(w);
        size_t n = w->kp.len[k] < cap ? w->kp.len[k] : cap;
        memcpy(out, w->kp.key[k], n);
        if (p < 15 && n > 0)
            n--; /* One byte shorter: just before or a prefix. */
        else if (p < 25 && n < cap)
            out[n++] = (uint8_t)rng_next(&w->r);
        return n;
    }
    static const uint8_t alpha[] = {0x00, 0x01, 'a', 'b', 'k', 'z', 0x7f, 0xfe, 0xff};
    size_t n = (size_t)rng_range(&w->r, 1, cap < 12 ? cap : 12);
    for (size_t i = 0; i < n; i++)
        out[i] =
            rng_pct(&w->r, 50) ? alpha[rng_below(&w->r, sizeof alpha)] : (uint8_t)rng_next(&w->r);
    return n;
}

/* ------------------------------------------------------------ operations */

static void op_write(struct world *w)
{
    int slots[MODEL_MAX_TABLETS];
    int n_live = live_slots(w, slots);
    if (n_live == 0)
        return;
    /* 1 to 3 tablets of the batch. */
    int n_tab = (int)rng_range(&w->r, 1, n_live < 3 ? (uint64_t)n_live : 3);
    for (int i = 0; i < n_tab; i++) {
        int j = i + (int)rng_below(&w->r, (uint64_t)(n_live - i));
        int t = slots[i];
        slots[i] = slots[j];
        slots[j] = t;
    }
    uint64_t p = rng_below(&w->r, 100);
    uint32_t n_ops = p < 80   ? (uint32_t)rng_range(&w->r, 1, 8)
                     : p < 96 ? (uint32_t)rng_range(&w->r, 9, 40)
                              : (uint32_t)rng_range(&w->r, 41, 150);
    uint64_t ts =
        w->last_ts + (rng_pct(&w->r, 2) ? rng_range(&w->r, 100, 10000) : rng_range(&w->r, 1, 3));
    w->seen_gen++;
    store_batch_reset(&w->batch);
    uint32_t n = 0, n_del = 0;
    for (uint32_t i = 0; i < n_ops; i++) {
        int slot = slots[rng_below(&w->r, (uint64_t)n_tab)];
        size_t key = random_key(w);
        uint32_t *seen = &w->seen[(size_t)slot * w->kp.n + key];
        if (*seen == w->seen_gen)
            continue; /* One operation per key and batch: the store's rule for duplicates is not
                         ours to guess. */
        *seen = w->seen_gen;
        struct wop *o = &w->wops[n++];
        o->slot = slot;
        o->key = key;
        o->kind = rng_pct(&w->r, 25) ? KV_DELETE : KV_PUT;
        if (o->kind == KV_PUT) {
            o->vseed = (ts << 12) | ((uint64_t)i << 1) | (rng_next(&w->r) & 1);
            o->len = (uint32_t)value_len_random(&w->r, 0);
            value_make(&w->val, o->vseed, o->len);
            store_batch_put(&w->batch, w->m.tablets[slot].id, w->kp.key[key], w->kp.len[key],
                            w->val.data, w->val.len);
        } else {
            n_del++;
            store_batch_delete(&w->batch, w->m.tablets[slot].id, w->kp.key[key], w->kp.len[key]);
        }
    }
    trace(w, "write ts=%llu ops=%u (deletes %u) tablets=%d", (unsigned long long)ts, n, n_del,
          n_tab);
    if (w->trace_print > 1) {
        char hx[128];
        for (uint32_t i = 0; i < n; i++)
            fprintf(stderr, "      %s tablet %llu key #%zu %s (%zu bytes) value %u bytes\n",
                    w->wops[i].kind == KV_PUT ? "put" : "delete",
                    (unsigned long long)w->m.tablets[w->wops[i].slot].id, w->wops[i].key,
                    tm_hex(w->kp.key[w->wops[i].key], w->kp.len[w->wops[i].key], hx, sizeof hx),
                    w->kp.len[w->wops[i].key], w->wops[i].len);
    }
    int rc = store_write(w->s, &w->batch, ts);
    if (rc)
        WFAIL(w, "store_write(ts=%llu, %u ops): %s (%s)", (unsigned long long)ts, n, err_name(rc),
              err_msg());
    for (uint32_t i = 0; i < n; i++) {
        struct wop *o = &w->wops[i];
        model_apply(&w->m, o->slot, o->key, ts, o->kind, o->vseed, o->len);
    }
    w->last_ts = ts;
    w->wrote_since_open = 1;
}

/* Compares a value read back with the model's version. */
static void check_value(struct world *w, const char *what, int slot, size_t key, uint64_t snap,
                        const struct mver *want, int rc, const uint8_t *v, size_t vl)
{
    char hx[128];
    if (!want && rc == ERR_NOT_FOUND)
        return;
    if (want && rc == 0 && value_check(v, vl, want->vseed, want->len, &w->scratch))
        return;
    const struct mver *any = model_version_at(&w->m, slot, key, snap);
    WFAIL(w,
          "%s tablet %llu key #%zu %s at snap %llu: expected %s (ts %llu, %u bytes, seed %llx), "
          "got %s (%zu bytes, seed %llx = ts %llu)",
          what, (unsigned long long)w->m.tablets[slot].id, key,
          tm_hex(w->kp.key[key], w->kp.len[key], hx, sizeof hx), (unsigned long long)snap,
          want  ? "a value"
          : any ? "deleted"
                : "absent",
          any ? (unsigned long long)any->ts : 0ULL, want ? want->len : 0,
          want ? (unsigned long long)want->vseed : 0ULL, rc == 0 ? "a value" : err_name(rc),
          rc == 0 ? vl : 0, rc == 0 ? (unsigned long long)value_seed_of(v, vl) : 0ULL,
          rc == 0 ? (unsigned long long)(value_seed_of(v, vl) >> 12) : 0ULL);
}

static void op_get(struct world *w)
{
    uint64_t snap = choose_snap(w);
    if (rng_pct(&w->r, 3)) {
        uint64_t id = w->next_tablet_id + 1000 + rng_below(&w->r, 1000);
        trace(w, "get unknown tablet %llu", (unsigned long long)id);
        int rc = store_get(w->s, id, "a", 1, snap, &w->val);
        if (rc != ERR_NOT_FOUND)
            WFAIL(w, "store_get on unknown tablet %llu: %s, expected ERR_NOT_FOUND",
                  (unsigned long long)id, err_name(rc));
        return;
    }
    int slot = random_live(w);
    if (slot < 0)
        return;
    if (rng_pct(&w->r, 8)) {
        /* A key that is probably not in the pool. */
        uint8_t k[32];
        size_t kl = random_bound(w, k, sizeof k);
        long ki = keypool_find(&w->kp, k, kl);
        trace(w, "get tablet %llu random key (%zu bytes) snap=%llu",
              (unsigned long long)w->m.tablets[slot].id, kl, (unsigned long long)snap);
        int rc = store_get(w->s, w->m.tablets[slot].id, k, kl, snap, &w->val);
        if (ki >= 0)
            check_value(w, "get", slot, (size_t)ki, snap, model_get(&w->m, slot, (size_t)ki, snap),
                        rc, w->val.data, w->val.len);
        else if (rc != ERR_NOT_FOUND)
            WFAIL(w, "get of a key never written: %s (%zu bytes)", err_name(rc), w->val.len);
        return;
    }
    size_t key = random_key(w);
    trace(w, "get tablet %llu key #%zu snap=%llu", (unsigned long long)w->m.tablets[slot].id, key,
          (unsigned long long)snap);
    int rc = store_get(w->s, w->m.tablets[slot].id, w->kp.key[key], w->kp.len[key], snap, &w->val);
    check_value(w, "get", slot, key, snap, model_get(&w->m, slot, key, snap), rc, w->val.data,
                w->val.len);
}

static void op_freeze(struct world *w);
static void op_minor(struct world *w);
static void op_major(struct world *w);

/* A few operations run while a scan is open; none of them changes what a snapshot at last_ts sees.
 */
static void interleave(struct world *w)
{
    int n = (int)rng_range(&w->r, 1, 4);
    w->in_suspended = 1;
    for (int i = 0; i < n; i++) {
        uint64_t p = rng_below(&w->r, 10);
        if (p < 6)
            op_write(w);
        else if (p < 7)
            op_freeze(w);
        else if (p < 9)
            op_minor(w);
        else
            op_major(w);
        w->n_ops++;
    }
    w->in_suspended = 0;
}

static void op_scan(struct world *w, int allow_suspend)
{
    int suspend = allow_suspend && rng_pct(&w->r, 4);
    uint64_t snap = suspend ? (w->last_ts ? w->last_ts : 1) : choose_snap(w);
    if (rng_pct(&w->r, 2)) {
        uint64_t id = w->next_tablet_id + 1000 + rng_below(&w->r, 1000);
        trace(w, "scan unknown tablet %llu", (unsigned long long)id);
        struct store_scan *sc = NULL;
        int rc = store_scan_open(w->s, id, "", 0, NULL, 0, snap, 0, 0, &sc);
        if (rc == 0) {
            store_scan_close(sc);
            WFAIL(w, "store_scan_open on unknown tablet %llu succeeded", (unsigned long long)id);
        }
        return;
    }
    int slot = random_live(w);
    if (slot < 0)
        return;
    uint8_t start[64], end[64];
    size_t start_len = rng_pct(&w->r, 30) ? 0 : random_bound(w, start, sizeof start);
    int has_end = !rng_pct(&w->r, 35);
    size_t end_len = has_end ? random_bound(w, end, sizeof end) : 0;
    int reverse = rng_pct(&w->r, 50);
    uint64_t limit = rng_pct(&w->r, 15) ? 0 : rng_range(&w->r, 1, 40);
    size_t lo = keypool_lower_bound(&w->kp, start, start_len);
    size_t hi = has_end ? keypool_lower_bound(&w->kp, end, end_len) : w->kp.n;

    /* The expected keys, in scan order, up to the limit. */
    size_t *want = tm_alloc((w->kp.n + 1) * sizeof *want);
    size_t n_want = 0;
    for (size_t i = 0; lo < hi && i < hi - lo; i++) {
        size_t k = reverse ? hi - 1 - i : lo + i;
        if (model_get(&w->m, slot, k, snap))
            want[n_want++] = k;
        if (limit && n_want == limit)
            break;
    }
    /* Expected values are looked up now: later writes in interleave() are above snap anyway. */
    struct mver *wv = tm_alloc((n_want + 1) * sizeof *wv);
    for (size_t i = 0; i < n_want; i++)
        wv[i] = *model_get(&w->m, slot, want[i], snap);

    char hs[128], he[128];
    trace(w, "scan tablet %llu [%s, %s) snap=%llu %s limit=%llu -> %zu keys%s",
          (unsigned long long)w->m.tablets[slot].id, tm_hex(start, start_len, hs, sizeof hs),
          has_end ? tm_hex(end, end_len, he, sizeof he) : "END", (unsigned long long)snap,
          reverse ? "reverse" : "forward", (unsigned long long)limit, n_want,
          suspend ? " (suspended)" : "");
    struct store_scan *sc = NULL;
    int rc = store_scan_open(w->s, w->m.tablets[slot].id, start, start_len, has_end ? end : NULL,
                             end_len, snap, reverse, limit, &sc);
    if (rc) {
        free(want);
        free(wv);
        WFAIL(w, "store_scan_open: %s (%s)", err_name(rc), err_msg());
    }
    size_t stop_at = rng_pct(&w->r, 10) ? (size_t)rng_below(&w->r, n_want + 1) : n_want + 1;
    size_t pause_at = suspend ? (size_t)rng_below(&w->r, n_want + 1) : SIZE_MAX;
    if (suspend)
        w->n_suspended++;
    char hx[128], hy[128];
    for (size_t i = 0; i <= n_want && i < stop_at; i++) {
        if (i == pause_at)
            interleave(w);
        const uint8_t *k = NULL, *v = NULL;
        size_t kl = 0, vl = 0;
        rc = store_scan_next(sc, &k, &kl, &v, &vl);
        if (i == n_want) {
            if (rc != ERR_NOT_FOUND) {
                /* Left open on failure: k still points into it. */
                free(want);
                free(wv);
                WFAIL(w, "scan returned more than the %zu expected keys: %s, key %s", n_want,
                      err_name(rc), rc == 0 ? tm_hex(k, kl, hx, sizeof hx) : "-");
            }
            break;
        }
        size_t wk = want[i];
        if (rc != 0 || kv_key_cmp(k, kl, w->kp.key[wk], w->kp.len[wk]) != 0 ||
            !value_check(v, vl, wv[i].vseed, wv[i].len, &w->scratch)) {
            WFAIL(
                w,
                "scan result %zu of %zu: expected key #%zu %s (seed %llx, %u bytes), got %s key %s "
                "(seed %llx, %zu bytes)",
                i, n_want, wk, tm_hex(w->kp.key[wk], w->kp.len[wk], hy, sizeof hy),
                (unsigned long long)wv[i].vseed, wv[i].len, rc == 0 ? "ok" : err_name(rc),
                rc == 0 ? tm_hex(k, kl, hx, sizeof hx) : "-",
                rc == 0 ? (unsigned long long)value_seed_of(v, vl) : 0ULL, rc == 0 ? vl : 0);
        }
    }
    store_scan_close(sc);
    free(want);
    free(wv);
}

static void op_pin(struct world *w)
{
    if (w->n_pins == MAX_PINS)
        return;
    uint64_t ts = w->last_ts ? w->last_ts : 1;
    /* Somewhere between the oldest pin and now is as safe as now. */
    if (w->n_pins && rng_pct(&w->r, 30))
        ts = rng_range(&w->r, oldest_pin(w), ts);
    trace(w, "pin %llu", (unsigned long long)ts);
    struct pin *p = &w->pins[w->n_pins];
    WCHECK_OK(w, store_snapshot_pin(w->s, ts, &p->snap));
    p->ts = ts;
    w->n_pins++;
}

static void op_unpin(struct world *w)
{
    if (!w->n_pins)
        return;
    int i = (int)rng_below(&w->r, (uint64_t)w->n_pins);
    trace(w, "unpin %llu", (unsigned long long)w->pins[i].ts);
    store_snapshot_unpin(w->s, w->pins[i].snap);
    w->pins[i] = w->pins[--w->n_pins];
}

static void op_freeze(struct world *w)
{
    int slot = random_live(w);
    if (slot < 0)
        return;
    trace(w, "freeze tablet %llu", (unsigned long long)w->m.tablets[slot].id);
    WCHECK_OK(w, store_freeze(w->s, w->m.tablets[slot].id));
}

static void op_minor(struct world *w)
{
    int slot = random_live(w);
    if (slot < 0)
        return;
    trace(w, "minor merge tablet %llu", (unsigned long long)w->m.tablets[slot].id);
    WCHECK_OK(w, store_minor_merge(w->s, w->m.tablets[slot].id));
    if (w->opts.no_background) {
        struct store_tablet_info ti;
        WCHECK_OK(w, store_tablet_info(w->s, w->m.tablets[slot].id, &ti));
        if (ti.n_frozen != 0 || ti.merging != 0)
            WFAIL(w, "after store_minor_merge with no background: n_frozen=%u merging=%d",
                  ti.n_frozen, ti.merging);
    }
}

static void op_major(struct world *w)
{
    int slot = random_live(w);
    if (slot < 0)
        return;
    trace(w, "major merge tablet %llu", (unsigned long long)w->m.tablets[slot].id);
    WCHECK_OK(w, store_major_merge(w->s, w->m.tablets[slot].id));
    if (w->opts.no_background) {
        struct store_tablet_info ti;
        WCHECK_OK(w, store_tablet_info(w->s, w->m.tablets[slot].id, &ti));
        if (ti.n_frozen != 0 || ti.n_deltas != 0 || ti.merging != 0)
            WFAIL(w,
                  "after store_major_merge with no background: n_frozen=%u n_deltas=%u merging=%d",
                  ti.n_frozen, ti.n_deltas, ti.merging);
    }
}

static void unpin_all(struct world *w)
{
    while (w->n_pins)
        store_snapshot_unpin(w->s, w->pins[--w->n_pins].snap);
}

static void store_reopen(struct world *w)
{
    unpin_all(w);
    store_close(w->s);
    w->s = NULL;
    WCHECK_OK(w, store_open(&w->opts, &w->s));
    w->wrote_since_open = 0;
}

static void op_reopen(struct world *w)
{
    trace(w, "reopen");
    store_reopen(w);
}

static void op_info(struct world *w)
{
    trace(w, "info");
    int slots[MODEL_MAX_TABLETS];
    int n = live_slots(w, slots);
    for (int i = 0; i < n; i++) {
        struct store_tablet_info ti;
        memset(&ti, 0xa5, sizeof ti);
        WCHECK_OK(w, store_tablet_info(w->s, w->m.tablets[slots[i]].id, &ti));
        if (ti.tablet_id != w->m.tablets[slots[i]].id || ti.merging < 0 || ti.merging > 2 ||
            (ti.has_baseline != 0 && ti.has_baseline != 1) || ti.merge_done > ti.merge_total)
            WFAIL(w, "store_tablet_info(%llu): id=%llu merging=%d has_baseline=%d merge %llu/%llu",
                  (unsigned long long)w->m.tablets[slots[i]].id, (unsigned long long)ti.tablet_id,
                  ti.merging, ti.has_baseline, (unsigned long long)ti.merge_done,
                  (unsigned long long)ti.merge_total);
    }
    struct store_tablet_info ti;
    int rc = store_tablet_info(w->s, w->next_tablet_id + 77777, &ti);
    if (rc != ERR_NOT_FOUND)
        WFAIL(w, "store_tablet_info of an unknown tablet: %s", err_name(rc));
    struct store_info si;
    memset(&si, 0, sizeof si);
    store_info(w->s, &si);
    if (si.n_tablets != (uint64_t)n)
        WFAIL(w, "store_info: n_tablets %llu, expected %d", (unsigned long long)si.n_tablets, n);
    if (si.read_only)
        WFAIL(w, "store_info: read_only (%s) with no failure", si.failure);
    if (si.max_commit_ts > w->last_ts || (w->wrote_since_open && si.max_commit_ts != w->last_ts))
        WFAIL(w, "store_info: max_commit_ts %llu, newest written %llu",
              (unsigned long long)si.max_commit_ts, (unsigned long long)w->last_ts);
}

struct list_arg {
    uint64_t ids[64]; /* Tablets listed. */
    int n;            /* Their number. */
};

static int list_cb(uint64_t id, void *arg)
{
    struct list_arg *a = arg;
    if (a->n < 64)
        a->ids[a->n] = id;
    a->n++;
    return 0;
}

static void op_list(struct world *w)
{
    trace(w, "list");
    struct list_arg a = {.n = 0};
    WCHECK_OK(w, store_tablet_list(w->s, list_cb, &a));
    int slots[MODEL_MAX_TABLETS];
    int n = live_slots(w, slots);
    if (a.n != n)
        WFAIL(w, "store_tablet_list gave %d tablets, expected %d", a.n, n);
    for (int i = 0; i < n; i++) {
        int found = 0;
        for (int j = 0; j < a.n; j++)
            found += a.ids[j] == w->m.tablets[slots[i]].id;
        if (found != 1)
            WFAIL(w, "store_tablet_list lists tablet %llu %d times",
                  (unsigned long long)w->m.tablets[slots[i]].id, found);
    }
}

/* Drops a tablet and creates one (a new id, or the dropped id again). */
static void op_churn(struct world *w)
{
    int slots[MODEL_MAX_TABLETS];
    int n = live_slots(w, slots);
    uint64_t reuse = 0;
    if (n > 1 || (n == 1 && rng_pct(&w->r, 50))) {
        int slot = slots[rng_below(&w->r, (uint64_t)n)];
        uint64_t id = w->m.tablets[slot].id;
        trace(w, "drop tablet %llu", (unsigned long long)id);
        WCHECK_OK(w, store_tablet_drop(w->s, id));
        int rc = store_tablet_drop(w->s, id);
        if (rc != ERR_NOT_FOUND)
            WFAIL(w, "second store_tablet_drop(%llu): %s, expected ERR_NOT_FOUND",
                  (unsigned long long)id, err_name(rc));
        rc = store_tablet_exists(w->s, id);
        if (rc != ERR_NOT_FOUND)
            WFAIL(w, "store_tablet_exists(%llu) after drop: %s", (unsigned long long)id,
                  err_name(rc));
        model_tablet_clear(&w->m, slot);
        if (rng_pct(&w->r, 40))
            reuse = id;
    }
    int free_slot = -1;
    for (int i = 0; i < MODEL_MAX_TABLETS && free_slot < 0; i++)
        if (!w->m.tablets[i].live)
            free_slot = i;
    if (free_slot < 0 || live_slots(w, slots) >= 4)
        return;
    uint64_t id = reuse ? reuse : w->next_tablet_id++;
    trace(w, "create tablet %llu%s", (unsigned long long)id, reuse ? " (id reused)" : "");
    WCHECK_OK(w, store_tablet_create(w->s, id));
    int rc = store_tablet_create(w->s, id);
    if (rc != ERR_EXISTS)
        WFAIL(w, "second store_tablet_create(%llu): %s, expected ERR_EXISTS",
              (unsigned long long)id, err_name(rc));
    WCHECK_OK(w, store_tablet_exists(w->s, id));
    model_tablet_create(&w->m, free_slot, id);
    memset(w->seen + (size_t)free_slot * w->kp.n, 0, w->kp.n * sizeof *w->seen);
}

/* Every live tablet read whole at the newest timestamp, by scan and by point reads. */
static void op_verify(struct world *w)
{
    trace(w, "verify all");
    uint64_t snap = w->last_ts ? w->last_ts : 1;
    int slots[MODEL_MAX_TABLETS];
    int n = live_slots(w, slots);
    char hx[128];
    for (int t = 0; t < n; t++) {
        int slot = slots[t];
        struct store_scan *sc;
        WCHECK_OK(w, store_scan_open(w->s, w->m.tablets[slot].id, "", 0, NULL, 0, snap, 0, 0, &sc));
        size_t k = 0;
        for (;;) {
            while (k < w->kp.n && !model_get(&w->m, slot, k, snap))
                k++;
            const uint8_t *kp, *v;
            size_t kl, vl;
            int rc = store_scan_next(sc, &kp, &kl, &v, &vl);
            if (k == w->kp.n) {
                if (rc != ERR_NOT_FOUND) {
                    /* The scan is left open: its key is still needed for the message. */
                    WFAIL(w, "verify: tablet %llu has an extra key %s (%s)",
                          (unsigned long long)w->m.tablets[slot].id,
                          rc == 0 ? tm_hex(kp, kl, hx, sizeof hx) : "-", err_name(rc));
                }
                break;
            }
            const struct mver *want = model_get(&w->m, slot, k, snap);
            if (rc != 0 || kv_key_cmp(kp, kl, w->kp.key[k], w->kp.len[k]) != 0) {
                char hy[128];
                WFAIL(w, "verify: tablet %llu: expected key #%zu %s, got %s %s",
                      (unsigned long long)w->m.tablets[slot].id, k,
                      tm_hex(w->kp.key[k], w->kp.len[k], hx, sizeof hx), err_name(rc),
                      rc == 0 ? tm_hex(kp, kl, hy, sizeof hy) : "");
            }
            if (!value_check(v, vl, want->vseed, want->len, &w->scratch))
                check_value(w, "verify scan", slot, k, snap, want, 0, v, vl); /* Fails. */
            k++;
        }
        store_scan_close(sc);
        for (k = 0; k < w->kp.n; k++) {
            int rc =
                store_get(w->s, w->m.tablets[slot].id, w->kp.key[k], w->kp.len[k], snap, &w->val);
            check_value(w, "verify get", slot, k, snap, model_get(&w->m, slot, k, snap), rc,
                        w->val.data, w->val.len);
        }
    }
}

/* -------------------------------------------------------------- the run */

static void phase_options(struct world *w)
{
    static const uint64_t mt_sizes[] = {2048, 8192, 32768, 131072, 1048576};
    static const size_t blk_sizes[] = {128, 512, 1024, 4096, 16384};
    static const int comps[] = {-1, SST_COMPRESS_NONE, SST_COMPRESS_LZ4, SST_COMPRESS_ZSTD};
    static const uint64_t cache_sizes[] = {32768, 262144, 4194304};
    /* Small redo segments: cut behind checkpoints often, and reopening scans little. */
    static const uint64_t seg_sizes[] = {65536, 1048576, 4194304, 4194304, 4194304, 0};
    struct store_opts *o = &w->opts;
    store_opts_default(o, w->dir);
    w->short_phase = 0;
    o->memtable_size = mt_sizes[rng_below(&w->r, 5)];
    o->block_size = blk_sizes[rng_below(&w->r, 5)];
    o->compression = comps[rng_below(&w->r, 4)];
    o->baseline_compression = comps[rng_below(&w->r, 4)];
    o->block_cache_size = cache_sizes[rng_below(&w->r, 3)];
    o->redo_segment_size = seg_sizes[rng_below(&w->r, 6)];
    o->no_background = rng_pct(&w->r, 60);
    o->no_sync = rng_pct(
        &w->r, 90); /* Syncs cost much, and durability is the crash and fault tests' business. */
    o->major_window_start = -1;
    o->major_window_end = -1;
    /* Debugging aids: pin an option to see whether a failure depends on it. */
    if (getenv("STORE_MODEL_SEGMENT"))
        o->redo_segment_size = tm_env_u64("STORE_MODEL_SEGMENT", 0);
    if (getenv("STORE_MODEL_BACKGROUND"))
        o->no_background = !tm_env_u64("STORE_MODEL_BACKGROUND", 0);
    if (getenv("STORE_MODEL_NOSYNC"))
        o->no_sync = (int)tm_env_u64("STORE_MODEL_NOSYNC", 0);
    if (getenv("STORE_MODEL_MEMTABLE"))
        o->memtable_size = tm_env_u64("STORE_MODEL_MEMTABLE", 0);
    if (!o->no_background) {
        /* Background merges of 2 KiB MemTables would be one merge (and its syncs) per write. */
        if (o->memtable_size < 8192)
            o->memtable_size = 8192;
        if (rng_pct(&w->r, 15)) {
            /* Writes stall until background merges free memory: slow, so such phases are short. */
            o->memory_budget = 8u << 20;
            w->short_phase = 1;
        }
        if (rng_pct(&w->r, 20))
            o->merge_rate = 64u << 20;
    }
}

static enum op_kind pick_op(struct world *w)
{
    /* Weights per 10000: reads are cheap and are what is compared; merges, syncs and reopens are
     * costly. */
    uint64_t p = rng_below(&w->r, 10000);
    if (p < 2600)
        return OP_WRITE;
    if (p < 6300)
        return OP_GET;
    if (p < 8500)
        return OP_SCAN;
    if (p < 8800)
        return OP_PIN;
    if (p < 9100)
        return OP_UNPIN;
    if (p < 9300)
        return OP_FREEZE;
    if (p < 9380)
        return OP_MINOR;
    if (p < 9410)
        return OP_MAJOR;
    if (p < 9560)
        return OP_INFO;
    if (p < 9660)
        return OP_LIST;
    if (p < 9680)
        return OP_CHURN;
    if (p < 9700)
        return w->opts.no_background ? OP_MAJOR : OP_REQUEST_MAJOR;
    if (p < 9705)
        return OP_REOPEN;
    if (p < 9715)
        return OP_VERIFY;
    return OP_GET;
}

static void run_op(struct world *w, enum op_kind k)
{
    uint64_t t0 = os_now_ns();
    switch (k) {
    case OP_WRITE:
        op_write(w);
        break;
    case OP_GET:
        op_get(w);
        break;
    case OP_SCAN:
        op_scan(w, 1);
        break;
    case OP_PIN:
        op_pin(w);
        break;
    case OP_UNPIN:
        op_unpin(w);
        break;
    case OP_FREEZE:
        op_freeze(w);
        break;
    case OP_MINOR:
        op_minor(w);
        break;
    case OP_MAJOR:
        op_major(w);
        break;
    case OP_REOPEN:
        op_reopen(w);
        break;
    case OP_INFO:
        op_info(w);
        break;
    case OP_LIST:
        op_list(w);
        break;
    case OP_CHURN:
        op_churn(w);
        break;
    case OP_REQUEST_MAJOR:
        trace(w, "request major merge");
        store_request_major_merge(w->s);
        break;
    case OP_VERIFY:
        op_verify(w);
        break;
    case OP_N:
        break;
    }
    w->ns[k] += os_now_ns() - t0;
    w->cnt[k]++;
    w->n_ops++;
}

/* The store logs every open and, under faults, every failure: quiet unless ATOLL_LOG asks. */
static void quiet_logs(void)
{
    if (!getenv("ATOLL_LOG"))
        log_set_level(LOG_WARN);
}

TEST(model_random)
{
    quiet_logs();
    static struct world world;
    struct world *w = &world;
    memset(w, 0, sizeof *w);
    uint64_t seed = test_seed();
    uint64_t total = tm_env_u64("STORE_MODEL_OPS", 200000);
    size_t n_keys = (size_t)tm_env_u64("STORE_MODEL_KEYS", 300);
    w->trace_print = (int)tm_env_u64("STORE_MODEL_TRACE", 0);
    uint64_t check_every = tm_env_u64("STORE_MODEL_CHECK_EVERY", 0);
    w->r.s = seed;
    snprintf(w->dir, sizeof w->dir, "%s/db", test_dir());
    keypool_make(&w->kp, &w->r, n_keys, 4000);
    model_init(&w->m, &w->kp);
    w->seen = tm_alloc(MODEL_MAX_TABLETS * w->kp.n * sizeof *w->seen);
    store_batch_init(&w->batch);
    buf_init(&w->val);
    buf_init(&w->scratch);
    w->next_tablet_id = rng_range(&w->r, 1, 1ULL << 40);
    uint64_t t0 = os_now_ns();

    phase_options(w);
    WCHECK_OK(w, store_open(&w->opts, &w->s));
    for (int i = 0; i < 3; i++) {
        uint64_t id = w->next_tablet_id++;
        WCHECK_OK(w, store_tablet_create(w->s, id));
        model_tablet_create(&w->m, i, id);
    }
    int n_phases = 0;
    while (w->n_ops < total) {
        uint64_t len = w->short_phase ? 1500 : rng_range(&w->r, 3000, 25000);
        uint64_t phase_t0 = os_now_ns(), phase_ops0 = w->n_ops;
        uint64_t end = w->n_ops + len < total ? w->n_ops + len : total;
        trace(w, "phase %d: memtable_size=%llu block_size=%zu no_background=%d no_sync=%d",
              n_phases, (unsigned long long)w->opts.memtable_size, w->opts.block_size,
              w->opts.no_background, w->opts.no_sync);
        while (w->n_ops < end) {
            run_op(w, pick_op(w));
            if (check_every && w->n_ops % check_every == 0)
                op_verify(w); /* Debugging aid: finds the first operation after which the store is
                                 wrong. */
            if (w->n_ops % 2000 == 0) {
                uint64_t h = w->n_pins ? oldest_pin(w) : w->last_ts;
                model_gc(&w->m, h < w->last_ts ? h : w->last_ts);
            }
        }
        run_op(w, OP_VERIFY);
        if (getenv("STORE_MODEL_PHASES")) {
            struct store_info si;
            store_info(w->s, &si);
            fprintf(stderr,
                    "  phase %d: %llu ops in %llu ms; memtable_size=%llu block_size=%zu "
                    "no_background=%d no_sync=%d memory_budget=%llu merge_rate=%llu; write "
                    "stalls %llu\n",
                    n_phases, (unsigned long long)(w->n_ops - phase_ops0),
                    (unsigned long long)((os_now_ns() - phase_t0) / 1000000),
                    (unsigned long long)w->opts.memtable_size, w->opts.block_size,
                    w->opts.no_background, w->opts.no_sync,
                    (unsigned long long)w->opts.memory_budget,
                    (unsigned long long)w->opts.merge_rate, (unsigned long long)si.n_write_stalls);
        }
        n_phases++;
        /* The next phase reopens the same data with other options. */
        phase_options(w);
        trace(w, "reopen for phase %d", n_phases);
        store_reopen(w);
        run_op(w, OP_VERIFY);
    }
    unpin_all(w);
    store_close(w->s);
    w->s = NULL;

    uint64_t ms = (os_now_ns() - t0) / 1000000;
    fprintf(stderr, "  %llu operations in %d phases, %llu ms:", (unsigned long long)w->n_ops,
            n_phases, (unsigned long long)ms);
    for (int k = 0; k < OP_N; k++)
        fprintf(stderr, " %s=%llu(%llums)", op_names[k], (unsigned long long)w->cnt[k],
                (unsigned long long)(w->ns[k] / 1000000));
    fprintf(stderr, " suspended_scans=%llu old_snapshot_reads=%llu keys=%zu\n",
            (unsigned long long)w->n_suspended, (unsigned long long)w->n_reads_old, w->kp.n);
    ASSERT(w->cnt[OP_WRITE] > 0 && w->cnt[OP_SCAN] > 0 && w->cnt[OP_MAJOR] > 0);

    store_batch_deinit(&w->batch);
    buf_deinit(&w->val);
    buf_deinit(&w->scratch);
    free(w->seen);
    model_deinit(&w->m);
    keypool_free(&w->kp);
}

/* ---------------------------------------------------------------- limits */

static void open_plain(const char *dir, struct store **s)
{
    struct store_opts o;
    store_opts_default(&o, dir);
    o.no_background = 1;
    o.memtable_size = 1u << 20;
    o.block_size = 4096;
    o.major_window_start = o.major_window_end = -1;
    ASSERT_OK(store_open(&o, s));
}

TEST(model_limits)
{
    quiet_logs();
    char dir[600];
    snprintf(dir, sizeof dir, "%s/db", test_dir());
    struct store *s;
    open_plain(dir, &s);
    ASSERT_OK(store_tablet_create(s, 1));
    ASSERT_OK(store_tablet_create(s, 2));
    ASSERT_EQ(store_tablet_create(s, 1), ERR_EXISTS);
    ASSERT_EQ(store_tablet_drop(s, 99), ERR_NOT_FOUND);
    ASSERT_EQ(store_tablet_exists(s, 99), ERR_NOT_FOUND);

    uint8_t *big = tm_alloc(KV_VALUE_MAX + 1);
    memset(big, 'k', KV_VALUE_MAX + 1);
    struct store_batch b;
    store_batch_init(&b);
    struct buf v;
    buf_init(&v);

    /* A key one byte too long: the whole batch is refused. */
    store_batch_put(&b, 1, "a", 1, "1", 1);
    store_batch_put(&b, 2, big, KV_KEY_MAX + 1, "x", 1);
    store_batch_put(&b, 1, "b", 1, "2", 1);
    ASSERT_EQ(b.error, ERR_TOO_BIG);
    ASSERT_EQ(store_write(s, &b, 10), ERR_TOO_BIG);
    ASSERT_EQ(store_get(s, 1, "a", 1, TS_MAX, &v), ERR_NOT_FOUND);
    ASSERT_EQ(store_get(s, 1, "b", 1, TS_MAX, &v), ERR_NOT_FOUND);
    ASSERT_EQ(store_get(s, 2, big, KV_KEY_MAX, TS_MAX, &v), ERR_NOT_FOUND);

    /* A delete with a key too long. */
    store_batch_reset(&b);
    ASSERT_EQ(b.error, 0);
    ASSERT_EQ(b.n_ops, 0);
    store_batch_put(&b, 1, "c", 1, "3", 1);
    store_batch_delete(&b, 1, big, KV_KEY_MAX + 1);
    ASSERT_EQ(store_write(s, &b, 11), ERR_TOO_BIG);
    ASSERT_EQ(store_get(s, 1, "c", 1, TS_MAX, &v), ERR_NOT_FOUND);

    /* A value one byte too long. */
    store_batch_reset(&b);
    store_batch_put(&b, 1, "d", 1, "4", 1);
    store_batch_put(&b, 2, "e", 1, big, KV_VALUE_MAX + 1);
    ASSERT_EQ(store_write(s, &b, 12), ERR_TOO_BIG);
    ASSERT_EQ(store_get(s, 1, "d", 1, TS_MAX, &v), ERR_NOT_FOUND);
    ASSERT_EQ(store_get(s, 2, "e", 1, TS_MAX, &v), ERR_NOT_FOUND);

    /* An unknown tablet anywhere in the batch: nothing is written. */
    store_batch_reset(&b);
    store_batch_put(&b, 1, "f", 1, "5", 1);
    store_batch_put(&b, 3, "g", 1, "6", 1);
    ASSERT_EQ(store_write(s, &b, 13), ERR_NOT_FOUND);
    ASSERT_EQ(store_get(s, 1, "f", 1, TS_MAX, &v), ERR_NOT_FOUND);

    /* Timestamps outside 1..TS_MAX. */
    store_batch_reset(&b);
    store_batch_put(&b, 1, "h", 1, "7", 1);
    ASSERT_EQ(store_write(s, &b, 0), ERR_INVALID);
    ASSERT_EQ(store_write(s, &b, TS_MAX + 1), ERR_INVALID);
    ASSERT_EQ(store_get(s, 1, "h", 1, TS_MAX, &v), ERR_NOT_FOUND);
    struct store_info si;
    store_info(s, &si);
    ASSERT_U64_EQ(si.max_commit_ts, 0);
    ASSERT_EQ(si.read_only, 0);

    /* Exactly the limits are accepted, and read back through MemTable, delta, baseline and reopen.
     */
    store_batch_reset(&b);
    value_make(&v, 0x1234567890abcdefULL, KV_VALUE_MAX);
    store_batch_put(&b, 1, big, KV_KEY_MAX, v.data, v.len);
    store_batch_put(&b, 1, "", 0, "empty key", 9);
    store_batch_put(&b, 2, "empty value", 11, "", 0);
    ASSERT_EQ(b.error, 0);
    ASSERT_OK(store_write(s, &b, 20));
    struct buf got, scratch;
    buf_init(&got);
    buf_init(&scratch);
    for (int round = 0; round < 4; round++) {
        if (round == 1)
            ASSERT_OK(store_minor_merge(s, 1));
        if (round == 2)
            ASSERT_OK(store_major_merge(s, 1));
        if (round == 3) {
            store_close(s);
            open_plain(dir, &s);
        }
        ASSERT_OK(store_get(s, 1, big, KV_KEY_MAX, 20, &got));
        ASSERT(value_check(got.data, got.len, 0x1234567890abcdefULL, KV_VALUE_MAX, &scratch));
        ASSERT_EQ(store_get(s, 1, big, KV_KEY_MAX, 19, &got), ERR_NOT_FOUND);
        ASSERT_EQ(store_get(s, 1, big, KV_KEY_MAX - 1, 20, &got), ERR_NOT_FOUND);
        ASSERT_OK(store_get(s, 1, "", 0, 20, &got));
        ASSERT_EQ(got.len, 9);
        ASSERT_MEM_EQ(got.data, "empty key", 9);
        buf_reset(&got);
        buf_put_u8(&got, 'x'); /* The value is replaced, not appended to. */
        ASSERT_OK(store_get(s, 2, "empty value", 11, TS_MAX, &got));
        ASSERT_EQ(got.len, 0);
        /* A scan sees the empty key first, then the long one. */
        struct store_scan *sc;
        ASSERT_OK(store_scan_open(s, 1, "", 0, NULL, 0, TS_MAX, 0, 0, &sc));
        const uint8_t *k, *val;
        size_t kl, vl;
        ASSERT_OK(store_scan_next(sc, &k, &kl, &val, &vl));
        ASSERT_EQ(kl, 0);
        ASSERT_EQ(vl, 9);
        ASSERT_OK(store_scan_next(sc, &k, &kl, &val, &vl));
        ASSERT_EQ(kl, KV_KEY_MAX);
        ASSERT_EQ(vl, KV_VALUE_MAX);
        ASSERT_EQ(store_scan_next(sc, &k, &kl, &val, &vl), ERR_NOT_FOUND);
        store_scan_close(sc);
    }
    store_info(s, &si);
    ASSERT_U64_EQ(si.max_commit_ts, 20);

    /* The largest timestamp is accepted and seen by a read at TS_MAX. */
    store_batch_reset(&b);
    store_batch_put(&b, 2, "last", 4, "z", 1);
    ASSERT_OK(store_write(s, &b, TS_MAX));
    ASSERT_OK(store_get(s, 2, "last", 4, TS_MAX, &got));
    ASSERT_EQ(store_get(s, 2, "last", 4, TS_MAX - 1, &got), ERR_NOT_FOUND);
    store_close(s);
    open_plain(dir, &s);
    ASSERT_OK(store_get(s, 2, "last", 4, TS_MAX, &got));
    store_info(s, &si);
    ASSERT_U64_EQ(si.max_commit_ts, TS_MAX);
    store_close(s);

    free(big);
    store_batch_deinit(&b);
    buf_deinit(&v);
    buf_deinit(&got);
    buf_deinit(&scratch);
}

/* -------------------------------------------------------------------- GC */

#define GC_KEYS   200
#define GC_ROUNDS 20
#define GC_VLEN   1000

static uint64_t gc_seed(int round, int key)
{
    return ((uint64_t)(round + 1) << 32) | (uint64_t)key << 1;
}

static void gc_key(int i, char *k)
{
    snprintf(k, 16, "gc%05d", i);
}

/* Checks every key at snap: keys < n_live hold round's value, the others are absent. */
static void gc_check_at(struct store *s, uint64_t snap, int round, int n_live)
{
    struct buf got, scratch;
    buf_init(&got);
    buf_init(&scratch);
    char k[16];
    for (int i = 0; i < GC_KEYS; i++) {
        gc_key(i, k);
        int rc = store_get(s, 1, k, strlen(k), snap, &got);
        if (i < n_live) {
            ASSERT_OK(rc);
            if (!value_check(got.data, got.len, gc_seed(round, i), GC_VLEN, &scratch))
                test_fail_(__FILE__, __LINE__,
                           "key %s at %llu: got value of round %lld, expected %d", k,
                           (unsigned long long)snap,
                           (long long)(value_seed_of(got.data, got.len) >> 32) - 1, round);
        } else {
            ASSERT_EQ(rc, ERR_NOT_FOUND);
        }
    }
    /* And by scan. */
    struct store_scan *sc;
    ASSERT_OK(store_scan_open(s, 1, "", 0, NULL, 0, snap, 0, 0, &sc));
    int n = 0;
    const uint8_t *kp, *v;
    size_t kl, vl;
    int rc;
    while ((rc = store_scan_next(sc, &kp, &kl, &v, &vl)) == 0) {
        gc_key(n, k);
        ASSERT(kl == strlen(k) && memcmp(kp, k, kl) == 0);
        ASSERT(value_check(v, vl, gc_seed(round, n), GC_VLEN, &scratch));
        n++;
    }
    ASSERT_EQ(rc, ERR_NOT_FOUND);
    ASSERT_EQ(n, n_live);
    store_scan_close(sc);
    buf_deinit(&got);
    buf_deinit(&scratch);
}

TEST(model_gc)
{
    quiet_logs();
    char dir[600];
    snprintf(dir, sizeof dir, "%s/db", test_dir());
    struct store_opts o;
    store_opts_default(&o, dir);
    o.no_background = 1;
    o.memtable_size = 64u << 10;
    o.block_size = 4096;
    o.compression = SST_COMPRESS_NONE;
    o.baseline_compression = SST_COMPRESS_NONE;
    o.major_window_start = o.major_window_end = -1;
    o.no_sync = 1;
    struct store *s;
    ASSERT_OK(store_open(&o, &s));
    ASSERT_OK(store_tablet_create(s, 1));
    struct store_batch b;
    store_batch_init(&b);
    struct buf v;
    buf_init(&v);
    char k[16];
    uint64_t ts = 0;
    struct store_snapshot *pin = NULL;
    uint64_t pin_ts = 0;
    for (int round = 0; round <= GC_ROUNDS; round++) {
        for (int i = 0; i < GC_KEYS; i += 20) {
            store_batch_reset(&b);
            for (int j = i; j < i + 20; j++) {
                gc_key(j, k);
                value_make(&v, gc_seed(round, j), GC_VLEN);
                store_batch_put(&b, 1, k, strlen(k), v.data, v.len);
            }
            ASSERT_OK(store_write(s, &b, ++ts));
        }
        if (round == 0) {
            pin_ts = ts;
            ASSERT_OK(store_snapshot_pin(s, pin_ts, &pin));
            ASSERT_OK(store_major_merge(s, 1)); /* Round 0 in the baseline. */
        }
        if (round % 4 == 3)
            ASSERT_OK(store_minor_merge(s, 1));
    }
    /* The newest round deletes the upper half. */
    store_batch_reset(&b);
    for (int j = GC_KEYS / 2; j < GC_KEYS; j++) {
        gc_key(j, k);
        store_batch_delete(&b, 1, k, strlen(k));
    }
    ASSERT_OK(store_write(s, &b, ++ts));
    uint64_t del_ts = ts;

    ASSERT_OK(store_major_merge(s, 1));
    struct store_tablet_info ti;
    ASSERT_OK(store_tablet_info(s, 1, &ti));
    ASSERT_EQ(ti.has_baseline, 1);
    ASSERT_EQ(ti.n_deltas, 0);
    ASSERT_EQ(ti.n_frozen, 0);
    ASSERT(ti.n_major_merges >= 2);
    uint64_t pinned_bytes = ti.sstable_bytes;
    /* The pinned snapshot still reads round 0; the newest reads the last round and the deletes. */
    gc_check_at(s, pin_ts, 0, GC_KEYS);
    gc_check_at(s, del_ts - 1, GC_ROUNDS, GC_KEYS);
    gc_check_at(s, del_ts, GC_ROUNDS, GC_KEYS / 2);
    gc_check_at(s, TS_MAX, GC_ROUNDS, GC_KEYS / 2);

    /* Reopening keeps the baseline (pins do not survive a close). */
    store_snapshot_unpin(s, pin);
    store_close(s);
    ASSERT_OK(store_open(&o, &s));
    ASSERT_OK(store_snapshot_pin(s, pin_ts, &pin));
    gc_check_at(s, pin_ts, 0, GC_KEYS);
    store_snapshot_unpin(s, pin);

    /* With nothing pinned, a major merge keeps only the newest versions and drops tombstones. */
    ASSERT_OK(store_major_merge(s, 1));
    ASSERT_OK(store_tablet_info(s, 1, &ti));
    uint64_t final_bytes = ti.sstable_bytes;
    fprintf(stderr, "  sstable bytes: %llu with round 0 pinned, %llu after unpin and major merge\n",
            (unsigned long long)pinned_bytes, (unsigned long long)final_bytes);
    ASSERT(pinned_bytes > (uint64_t)GC_KEYS * GC_VLEN); /* Round 0 and newer rounds are there. */
    ASSERT(final_bytes * 2 < pinned_bytes);
    ASSERT(final_bytes >= (uint64_t)(GC_KEYS / 2) * GC_VLEN);
    ASSERT(final_bytes < (uint64_t)(GC_KEYS / 2) * GC_VLEN * 2);
    gc_check_at(s, TS_MAX, GC_ROUNDS, GC_KEYS / 2);
    store_close(s);
    ASSERT_OK(store_open(&o, &s));
    gc_check_at(s, TS_MAX, GC_ROUNDS, GC_KEYS / 2);
    store_close(s);
    store_batch_deinit(&b);
    buf_deinit(&v);
}

/*
 * A tablet that takes no writes while another one fills and rotates the redo
 * log: the log may be cut behind the busy tablet's flushes, and reopening
 * must not need the records the idle tablet flushed long ago.
 */
TEST(model_idle_tablet_recovery)
{
    quiet_logs();
    char dir[600];
    snprintf(dir, sizeof dir, "%s/db", test_dir());
    struct store_opts o;
    store_opts_default(&o, dir);
    o.no_background = 1;
    o.memtable_size = 1u << 20;
    o.redo_segment_size = 4096;
    o.no_sync = 1;
    o.major_window_start = o.major_window_end = -1;
    struct store *s;
    ASSERT_OK(store_open(&o, &s));
    ASSERT_OK(store_tablet_create(s, 1));
    ASSERT_OK(store_tablet_create(s, 2));
    ASSERT_OK(store_tablet_create(s, 3)); /* Never written at all. */
    struct store_batch b;
    store_batch_init(&b);
    struct buf v, got, scratch;
    buf_init(&v);
    buf_init(&got);
    buf_init(&scratch);
    uint64_t ts = 1;
    store_batch_put(&b, 2, "idle", 4, "flushed long ago", 16);
    ASSERT_OK(store_write(s, &b, ts++));
    ASSERT_OK(store_minor_merge(s, 2));
    char k[32];
    for (int i = 0; i < 300; i++) {
        store_batch_reset(&b);
        snprintf(k, sizeof k, "busy%04d", i);
        value_make(&v, (uint64_t)i << 8, 500);
        store_batch_put(&b, 1, k, strlen(k), v.data, v.len);
        ASSERT_OK(store_write(s, &b, ts++));
        if (i % 100 == 99)
            ASSERT_OK(store_minor_merge(s, 1));
    }
    store_batch_reset(&b);
    store_batch_put(&b, 1, "tail", 4, "in the log only", 15);
    ASSERT_OK(store_write(s, &b, ts++));
    store_close(s);
    ASSERT_OK(store_open(&o, &s));
    ASSERT_OK(store_get(s, 2, "idle", 4, TS_MAX, &got));
    ASSERT_EQ(got.len, 16);
    ASSERT_OK(store_get(s, 1, "tail", 4, TS_MAX, &got));
    for (int i = 0; i < 300; i++) {
        snprintf(k, sizeof k, "busy%04d", i);
        ASSERT_OK(store_get(s, 1, k, strlen(k), TS_MAX, &got));
        ASSERT(value_check(got.data, got.len, (uint64_t)i << 8, 500, &scratch));
    }
    store_close(s);
    store_batch_deinit(&b);
    buf_deinit(&v);
    buf_deinit(&got);
    buf_deinit(&scratch);
}

/*
 * One batch bigger than memtable_size, recovered from the redo log: recovery
 * may dump MemTables as it goes, but never in a way that loses the rest of
 * the record being replayed.
 */
TEST(model_recovery_big_batch)
{
    quiet_logs();
    char dir[600];
    snprintf(dir, sizeof dir, "%s/db", test_dir());
    struct store_opts o;
    store_opts_default(&o, dir);
    o.no_background = 1;
    o.memtable_size = 4096;
    o.major_window_start = o.major_window_end = -1;
    struct store *s;
    ASSERT_OK(store_open(&o, &s));
    ASSERT_OK(store_tablet_create(s, 1));
    ASSERT_OK(store_tablet_create(s, 2));
    struct store_batch b;
    store_batch_init(&b);
    struct buf v, got, scratch;
    buf_init(&v);
    buf_init(&got);
    buf_init(&scratch);
    char k[32];
    for (int i = 0; i < 50; i++) {
        snprintf(k, sizeof k, "key%03d", i);
        value_make(&v, ((uint64_t)i << 8) | 2, 200);
        store_batch_put(&b, 1 + (uint64_t)(i % 2), k, strlen(k), v.data, v.len);
    }
    ASSERT_OK(store_write(s, &b, 7));
    for (int round = 0; round < 3; round++) {
        int missing = 0, first = -1;
        for (int i = 0; i < 50; i++) {
            snprintf(k, sizeof k, "key%03d", i);
            int rc = store_get(s, 1 + (uint64_t)(i % 2), k, strlen(k), TS_MAX, &got);
            if (rc != 0 || !value_check(got.data, got.len, ((uint64_t)i << 8) | 2, 200, &scratch)) {
                missing++;
                if (first < 0)
                    first = i;
            }
        }
        if (missing)
            test_fail_(__FILE__, __LINE__, "%s: %d of the batch's 50 puts missing (first key%03d)",
                       round == 0   ? "before reopen"
                       : round == 1 ? "after reopen"
                                    : "after second reopen",
                       missing, first);
        store_close(s);
        ASSERT_OK(store_open(&o, &s));
    }
    store_close(s);
    store_batch_deinit(&b);
    buf_deinit(&v);
    buf_deinit(&got);
    buf_deinit(&scratch);
}
