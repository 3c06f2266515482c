/*
 * store.c: the tablet store: opening and recovery, the map of tablets, write
 * batches through the redo log, point reads and scans over a tablet's table
 * set, snapshots, memory accounting and the failed state.
 *
 * Write path: validate the batch; wait if MemTable memory is over budget;
 * for each tablet in it (in id order) take the freeze lock shared and pin the
 * active MemTable; append the redo record (LSN order = file order) and note
 * the LSN on the pinned MemTables; release the freeze locks; wait for the
 * record to be durable (group commit); apply the versions; unpin. Because the
 * LSN is taken under the freeze lock, every record applied to a frozen
 * MemTable has a smaller LSN than every record applied to its successor,
 * which is what makes a tablet's flushed_lsn exact.
 */
#include "storage/store_int.h"

#include "base/coding.h"
#include "base/crc32c.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "storage/merge_iter.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REC_HEADER 13 /* type u8, commit ts u64, op count u32. */

void store_opts_default(struct store_opts *o, const char *dir)
{
    memset(o, 0, sizeof *o);
    o->dir = dir;
    o->compression = -1;
    o->baseline_compression = -1;
    o->major_window_start = -1;
    o->major_window_end = -1;
}

static int refuse(struct store *s);

/* ---- Batches ---- */

void store_batch_init(struct store_batch *b)
{
    buf_init(&b->ops);
    b->n_ops = 0;
    b->error = 0;
    b->error_msg[0] = '\0';
}

void store_batch_deinit(struct store_batch *b)
{
    buf_deinit(&b->ops);
}

void store_batch_reset(struct store_batch *b)
{
    buf_reset(&b->ops);
    b->n_ops = 0;
    b->error = 0;
    b->error_msg[0] = '\0';
}

static void batch_add(struct store_batch *b, uint8_t kind, uint64_t tablet, const void *key,
                      size_t key_len, const void *value, size_t value_len)
{
    if (b->error)
        return;
    if (key_len > KV_KEY_MAX) {
        b->error = err_set(ERR_TOO_BIG, "key of %zu bytes is longer than the limit of %u bytes",
                           key_len, KV_KEY_MAX);
        snprintf(b->error_msg, sizeof b->error_msg, "%s", err_msg());
        return;
    }
    if (value_len > KV_VALUE_MAX) {
        b->error = err_set(ERR_TOO_BIG,
                           "value of %zu bytes is longer than the limit of %u bytes", value_len,
                           KV_VALUE_MAX);
        snprintf(b->error_msg, sizeof b->error_msg, "%s", err_msg());
        return;
    }
    int rc = buf_reserve(&b->ops, 1 + 3 * VARINT_MAX + key_len + value_len);
    if (!rc)
        rc = buf_put_u8(&b->ops, kind);
    if (!rc)
        rc = buf_put_varint(&b->ops, tablet);
    if (!rc)
        rc = buf_put_lenbytes(&b->ops, key, key_len);
    if (!rc && kind == KV_PUT)
        rc = buf_put_lenbytes(&b->ops, value, value_len);
    if (rc) {
        b->error = err_set(ERR_NOMEM, "write batch: out of memory");
        snprintf(b->error_msg, sizeof b->error_msg, "%s", err_msg());
        return;
    }
    b->n_ops++;
}

void store_batch_put(struct store_batch *b, uint64_t tablet_id, const void *key, size_t key_len,
                     const void *value, size_t value_len)
{
    batch_add(b, KV_PUT, tablet_id, key, key_len, value, value_len);
}

void store_batch_delete(struct store_batch *b, uint64_t tablet_id, const void *key,
                        size_t key_len)
{
    batch_add(b, KV_DELETE, tablet_id, key, key_len, NULL, 0);
}

/* One decoded operation; pointers into the encoded bytes. */
struct op {
    uint8_t kind;
    uint64_t tablet;
    const uint8_t *key;
    size_t key_len;
    const uint8_t *value;
    size_t value_len;
};

/* Decodes the op at *p (bounded by end); advances *p. ERR_CORRUPT on bad bytes. */
static int op_decode(const uint8_t **p, const uint8_t *end, struct op *op)
{
    const uint8_t *q = *p;
    uint64_t n;
    size_t k;
    if (q >= end)
        return ERR_CORRUPT;
    op->kind = *q++;
    if (op->kind != KV_PUT && op->kind != KV_DELETE)
        return ERR_CORRUPT;
    if (!(k = varint_get(q, end, &op->tablet)))
        return ERR_CORRUPT;
    q += k;
    if (!(k = varint_get(q, end, &n)) || n > KV_KEY_MAX || n > (uint64_t)(end - q - k))
        return ERR_CORRUPT;
    q += k;
    op->key = q;
    op->key_len = n;
    q += n;
    op->value = NULL;
    op->value_len = 0;
    if (op->kind == KV_PUT) {
        if (!(k = varint_get(q, end, &n)) || n > KV_VALUE_MAX || n > (uint64_t)(end - q - k))
            return ERR_CORRUPT;
        q += k;
        op->value = q;
        op->value_len = n;
        q += n;
    }
    *p = q;
    return 0;
}

/* ---- Tablet map ---- */

static size_t map_find(struct store *s, uint64_t id, int *found)
{
    size_t lo = 0, hi = s->n_tablets;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->tablets[mid]->id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = lo < s->n_tablets && s->tablets[lo]->id == id;
    return lo;
}

struct tablet *store__tablet(struct store *s, uint64_t id)
{
    int found;
    pthread_rwlock_rdlock(&s->map_lock);
    size_t i = map_find(s, id, &found);
    struct tablet *t = found ? s->tablets[i] : NULL;
    if (t)
        atomic_fetch_add(&t->refs, 1);
    pthread_rwlock_unlock(&s->map_lock);
    return t;
}

static int map_insert(struct store *s, struct tablet *t)
{
    int found;
    size_t i = map_find(s, t->id, &found);
    if (found)
        return ERR_EXISTS;
    if (s->n_tablets == s->cap_tablets) {
        size_t cap = s->cap_tablets ? s->cap_tablets * 2 : 16;
        struct tablet **n = mem_realloc(s->tablets, cap * sizeof *n);
        if (!n)
            return err_set(ERR_NOMEM, "tablet map: out of memory");
        s->tablets = n;
        s->cap_tablets = cap;
    }
    memmove(&s->tablets[i + 1], &s->tablets[i], (s->n_tablets - i) * sizeof *s->tablets);
    s->tablets[i] = t;
    s->n_tablets++;
    return 0;
}

int store__for_each_tablet(struct store *s, int (*fn)(struct tablet *t, void *arg), void *arg)
{
    pthread_rwlock_rdlock(&s->map_lock);
    size_t n = s->n_tablets;
    struct tablet **copy = mem_alloc(sizeof *copy * (n ? n : 1));
    if (!copy) {
        pthread_rwlock_unlock(&s->map_lock);
        return err_set(ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        copy[i] = s->tablets[i];
        atomic_fetch_add(&copy[i]->refs, 1);
    }
    pthread_rwlock_unlock(&s->map_lock);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (!rc && !atomic_load(&copy[i]->dropped))
            rc = fn(copy[i], arg);
        tablet__unref(copy[i]);
    }
    mem_free(copy);
    return rc;
}

struct list_ctx {
    int (*cb)(uint64_t, void *);
    void *arg;
};

static int list_one(struct tablet *t, void *arg)
{
    struct list_ctx *c = arg;
    return c->cb(t->id, c->arg);
}

int store_tablet_list(struct store *s, int (*cb)(uint64_t tablet_id, void *arg), void *arg)
{
    struct list_ctx c = {cb, arg};
    return store__for_each_tablet(s, list_one, &c);
}

int store_tablet_exists(struct store *s, uint64_t id)
{
    struct tablet *t = store__tablet(s, id);
    if (!t)
        return ERR_NOT_FOUND;
    tablet__unref(t);
    return 0;
}

int store_tablet_create(struct store *s, uint64_t id)
{
    if (atomic_load(&s->failed))
        return refuse(s);
    struct tablet *t = store__tablet(s, id);
    if (t) {
        tablet__unref(t);
        return err_set(ERR_EXISTS, "tablet %" PRIu64 " exists", id);
    }
    /* The folder and manifest are written outside the map lock (it would stall
     * every read and write); a concurrent create of the same id fails at mkdir. */
    int rc = tablet__open(s, id, 1, &t);
    if (rc) {
        /* After a failed write or sync nothing may be assumed about what the
         * file system kept: stop accepting writes (ENOSPC is not that). */
        if (rc == ERR_IO)
            store__fail(s, rc, err_msg());
        return rc;
    }
    pthread_rwlock_wrlock(&s->map_lock);
    rc = map_insert(s, t);
    pthread_rwlock_unlock(&s->map_lock);
    if (rc) {
        tablet__unref(t);
        return err_set(rc, "tablet %" PRIu64 " exists", id);
    }
    return 0;
}

int store_tablet_drop(struct store *s, uint64_t id)
{
    struct tablet *t = store__tablet(s, id);
    if (!t)
        return err_set(ERR_NOT_FOUND, "tablet %" PRIu64 " does not exist", id);
    /* Under the freeze lock: no writer is between its dropped check and its
     * redo append, so no record of this tablet is logged after this point. */
    pthread_rwlock_wrlock(&t->freeze_lock);
    int was = atomic_exchange(&t->dropped, 1);
    pthread_rwlock_unlock(&t->freeze_lock);
    if (was) {
        tablet__unref(t);
        return err_set(ERR_NOT_FOUND, "tablet %" PRIu64 " does not exist", id);
    }
    /* Merges check dropped after taking these; wait for running ones. Then the
     * manifest goes durably while the tablet is still in the map, so no
     * checkpoint can pass its records before the drop is on disk. */
    pthread_mutex_lock(&t->major_mu);
    pthread_mutex_lock(&t->minor_mu);
    int rc = tablet__remove_files(t);
    pthread_mutex_unlock(&t->minor_mu);
    pthread_mutex_unlock(&t->major_mu);
    pthread_rwlock_wrlock(&s->map_lock);
    int found;
    size_t i = map_find(s, id, &found);
    if (found && s->tablets[i] == t) {
        memmove(&s->tablets[i], &s->tablets[i + 1], (s->n_tablets - i - 1) * sizeof *s->tablets);
        s->n_tablets--;
    }
    pthread_rwlock_unlock(&s->map_lock);
    struct tview *v = tablet__view(t);
    store__mem_release(s, v->active);
    for (uint32_t k = 0; k < v->n_frozen; k++)
        store__mem_release(s, v->frozen[k]);
    tview__unref(v);
    if (found)
        tablet__unref(t); /* The map's reference. */
    tablet__unref(t);
    if (rc)
        store__fail(s, rc, err_msg());
    return rc;
}

/* ---- Memory and failure ---- */

void store__mem_add(struct store *s, struct tmem *m)
{
    uint64_t now = memtable_memory(m->mt);
    uint64_t before = atomic_load_explicit(&m->accounted, memory_order_relaxed);
    while (now > before) {
        if (atomic_compare_exchange_weak(&m->accounted, &before, now)) {
            atomic_fetch_add(&s->mem_bytes, now - before);
            return;
        }
    }
}

void store__mem_release(struct store *s, struct tmem *m)
{
    uint64_t had = atomic_exchange(&m->accounted, UINT64_MAX);
    if (had != UINT64_MAX && had)
        atomic_fetch_sub(&s->mem_bytes, had);
    pthread_mutex_lock(&s->bg_mu);
    pthread_cond_broadcast(&s->mem_cond);
    pthread_mutex_unlock(&s->bg_mu);
}

void store__fail(struct store *s, int rc, const char *what)
{
    pthread_mutex_lock(&s->fail_mu);
    if (!atomic_load(&s->failed)) {
        snprintf(s->failure, sizeof s->failure, "%s (%s); writes are refused until restart", what,
                 err_name(rc));
        atomic_store(&s->failed, 1);
        log_error("store %s: %s", s->dir, s->failure);
    }
    pthread_mutex_unlock(&s->fail_mu);
}

static int refuse(struct store *s)
{
    pthread_mutex_lock(&s->fail_mu);
    int rc = err_set(ERR_READONLY, "%s", s->failure);
    pthread_mutex_unlock(&s->fail_mu);
    return rc;
}

/* Slows a writer down as MemTable memory nears the budget; waits while it is over. */
static int wait_for_memory(struct store *s)
{
    uint64_t budget = s->opts.memory_budget;
    uint64_t used = atomic_load_explicit(&s->mem_bytes, memory_order_relaxed);
    if (used < budget / 4 * 3)
        return 0;
    store__bg_kick(s);
    if (used < budget) {
        /* Soft zone: a short pause that grows as memory fills. */
        uint64_t over = used - budget / 4 * 3;
        uint64_t ns = 1000 + over * 1000000 / (budget / 4 + 1);
        struct timespec ts = {0, (long)(ns > 1000000 ? 1000000 : ns)};
        nanosleep(&ts, NULL);
        return 0;
    }
    atomic_fetch_add(&s->n_stalls, 1);
    int failed_rounds = 0;
    for (;;) {
        if (atomic_load(&s->failed))
            return refuse(s);
        if (atomic_load(&s->mem_bytes) < budget)
            return 0;
        if (s->opts.no_background) {
            /* Nobody else will free memory: merge the largest tablet here. */
            struct tablet *big = NULL;
            uint64_t big_bytes = 0;
            pthread_rwlock_rdlock(&s->map_lock);
            for (size_t i = 0; i < s->n_tablets; i++) {
                struct tview *v = tablet__view(s->tablets[i]);
                uint64_t b = memtable_memory(v->active->mt);
                for (uint32_t k = 0; k < v->n_frozen; k++)
                    b += memtable_memory(v->frozen[k]->mt);
                tview__unref(v);
                if (b > big_bytes) {
                    big_bytes = b;
                    big = s->tablets[i];
                }
            }
            if (big)
                atomic_fetch_add(&big->refs, 1);
            pthread_rwlock_unlock(&s->map_lock);
            if (!big)
                return 0;
            uint64_t before = atomic_load(&s->mem_bytes);
            int rc = tablet__freeze(big);
            if (!rc)
                rc = tablet__minor_merge(big);
            tablet__unref(big);
            if (rc)
                return rc;
            if (atomic_load(&s->mem_bytes) >= before)
                return err_set(ERR_BUSY, "MemTable memory is full (%" PRIu64
                                         " bytes) and nothing can be merged",
                               before);
            continue;
        }
        int merge_rc = atomic_load(&s->last_merge_rc);
        if (merge_rc == ERR_NOSPC)
            return err_set(ERR_NOSPC, "MemTable memory is full and merges fail for lack of disk space");
        if (merge_rc && ++failed_rounds > 3000) /* About 30 s of failing merges. */
            return err_set(merge_rc, "MemTable memory is full and merges keep failing (%s)",
                           err_name(merge_rc));
        pthread_mutex_lock(&s->bg_mu);
        struct timespec dl;
        clock_gettime(CLOCK_REALTIME, &dl);
        dl.tv_nsec += 10000000;
        if (dl.tv_nsec >= 1000000000) {
            dl.tv_sec++;
            dl.tv_nsec -= 1000000000;
        }
        pthread_cond_broadcast(&s->bg_cond);
        pthread_cond_timedwait(&s->mem_cond, &s->bg_mu, &dl);
        pthread_mutex_unlock(&s->bg_mu);
    }
}

/* ---- Writes ---- */

#define MAX_BATCH_TABLETS 64

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/*
 * Applies the decoded ops of a record to MemTables, last op first: memtable_put
 * keeps the first (key, ts) it sees, so going backwards makes the last write
 * of a key within one batch the one that stays (as the batch's order says).
 * mt_of(i) gives the MemTable for op i, or NULL to skip it.
 */
struct apply_ctx {
    const uint8_t *ops;   /* Encoded ops. */
    const uint8_t *end;   /* Their end. */
    uint32_t n_ops;       /* How many. */
    uint64_t ts;          /* Commit timestamp. */
};

#define APPLY_STACK_OPS 64

static int apply_ops(const struct apply_ctx *a, struct memtable *(*mt_of)(void *arg, uint64_t tablet),
                     void *arg)
{
    struct op stack_ops[APPLY_STACK_OPS];
    struct op *ops = stack_ops;
    if (a->n_ops > (size_t)(a->end - a->ops) / 3)
        return err_set(ERR_CORRUPT, "%u operations cannot fit in %zu bytes", a->n_ops,
                       (size_t)(a->end - a->ops));
    if (a->n_ops > APPLY_STACK_OPS && !(ops = mem_alloc(sizeof *ops * a->n_ops)))
        return err_set(ERR_NOMEM, "apply: out of memory");
    const uint8_t *p = a->ops;
    int rc = 0;
    for (uint32_t i = 0; i < a->n_ops && !rc; i++)
        if (op_decode(&p, a->end, &ops[i]) != 0)
            rc = err_set(ERR_CORRUPT, "malformed operation %u", i);
    if (!rc && p != a->end)
        rc = err_set(ERR_CORRUPT, "trailing bytes after %u operations", a->n_ops);
    for (uint32_t i = a->n_ops; i-- > 0 && !rc;) {
        struct memtable *mt = mt_of(arg, ops[i].tablet);
        if (mt)
            rc = memtable_put(mt, ops[i].key, ops[i].key_len, a->ts, ops[i].kind, ops[i].value,
                              ops[i].value_len);
    }
    if (ops != stack_ops)
        mem_free(ops);
    return rc;
}

struct write_pins {
    int n;                                  /* Tablets in the batch. */
    uint64_t ids[MAX_BATCH_TABLETS];        /* Their ids, sorted. */
    struct tmem *pins[MAX_BATCH_TABLETS];   /* Their pinned MemTables. */
};

static struct memtable *pinned_mt(void *arg, uint64_t tablet)
{
    struct write_pins *w = arg;
    for (int k = 0; k < w->n; k++)
        if (w->ids[k] == tablet)
            return w->pins[k]->mt;
    return NULL;
}

static void atomic_min_nonzero(_Atomic uint64_t *x, uint64_t v)
{
    uint64_t m = atomic_load(x);
    while ((m == 0 || v < m) && !atomic_compare_exchange_weak(x, &m, v))
        ;
}

static void atomic_max(_Atomic uint64_t *x, uint64_t v)
{
    uint64_t m = atomic_load(x);
    while (m < v && !atomic_compare_exchange_weak(x, &m, v))
        ;
}

int store_write(struct store *s, const struct store_batch *b, uint64_t commit_ts)
{
    if (b->error)
        return err_set(b->error, "write batch refused: %s", b->error_msg);
    if (commit_ts == 0 || commit_ts > TS_MAX)
        return err_set(ERR_INVALID, "commit timestamp %" PRIu64 " out of range", commit_ts);
    if (b->n_ops == 0)
        return 0;
    if (atomic_load(&s->failed))
        return refuse(s);

    /* The distinct tablets of the batch, sorted (lock order). */
    struct write_pins w;
    struct tablet *tabs[MAX_BATCH_TABLETS];
    w.n = 0;
    int rc = 0;
    const uint8_t *p = b->ops.data, *end = b->ops.data + b->ops.len;
    for (uint32_t i = 0; i < b->n_ops; i++) {
        struct op op;
        if (op_decode(&p, end, &op) != 0)
            return err_set(ERR_INVALID, "write batch is malformed");
        int seen = 0;
        for (int k = 0; k < w.n && !seen; k++)
            seen = w.ids[k] == op.tablet;
        if (!seen) {
            if (w.n == MAX_BATCH_TABLETS)
                return err_set(ERR_TOO_BIG, "a write batch may touch at most %d tablets",
                               MAX_BATCH_TABLETS);
            w.ids[w.n++] = op.tablet;
        }
    }
    qsort(w.ids, (size_t)w.n, sizeof w.ids[0], cmp_u64);

    if ((rc = wait_for_memory(s)) != 0)
        return rc;

    int n_got = 0, n_locked = 0;
    for (; n_got < w.n; n_got++) {
        tabs[n_got] = store__tablet(s, w.ids[n_got]);
        if (!tabs[n_got]) {
            rc = err_set(ERR_NOT_FOUND, "tablet %" PRIu64 " does not exist", w.ids[n_got]);
            goto out_tabs;
        }
    }

    /* Record: type, commit ts, op count, then the batch's encoded ops. */
    uint8_t head[REC_HEADER];
    head[0] = STORE_REC_WRITE;
    le64_put(head + 1, commit_ts);
    le32_put(head + 9, b->n_ops);

    for (; n_locked < w.n; n_locked++) {
        pthread_rwlock_rdlock(&tabs[n_locked]->freeze_lock);
        if (atomic_load(&tabs[n_locked]->dropped)) {
            /* Dropped while we looked it up: its records must not reach the log. */
            pthread_rwlock_unlock(&tabs[n_locked]->freeze_lock);
            rc = err_set(ERR_NOT_FOUND, "tablet %" PRIu64 " does not exist", w.ids[n_locked]);
            break;
        }
        w.pins[n_locked] = tabs[n_locked]->active;
        atomic_fetch_add(&w.pins[n_locked]->writers, 1);
    }
    uint64_t lsn = 0;
    if (!rc)
        rc = redo_append2(s->redo, head, sizeof head, b->ops.data, b->ops.len, &lsn);
    if (!rc) {
        /* min_lsn now, so a checkpoint keeps this record's segment; max_lsn
         * (which becomes flushed_lsn) only once the record is durable. */
        for (int k = 0; k < w.n; k++)
            atomic_min_nonzero(&w.pins[k]->min_lsn, lsn);
    }
    for (int k = 0; k < n_locked; k++)
        pthread_rwlock_unlock(&tabs[k]->freeze_lock);
    if (!rc)
        rc = redo_wait(s->redo, lsn);
    if (rc) {
        if (rc == ERR_READONLY || rc == ERR_IO)
            store__fail(s, rc, err_msg());
        goto out_pins;
    }
    for (int k = 0; k < w.n; k++)
        atomic_max(&w.pins[k]->max_lsn, lsn);

    /* Durable: apply. A concurrent reader may see part of the batch while
     * this runs; txn/ hands out no snapshot at or above commit_ts until the
     * commit is applied (see README, invariant 4). */
    struct apply_ctx a = {b->ops.data, end, b->n_ops, commit_ts};
    rc = apply_ops(&a, pinned_mt, &w);
    if (rc) {
        /* The record is durable but cannot be applied: only a restart
         * (which replays it) can make the store whole again. */
        store__fail(s, rc, "applying a durable write failed");
        goto out_pins;
    }
    atomic_max(&s->max_ts, commit_ts);
out_pins:
    for (int k = 0; k < n_locked; k++) {
        store__mem_add(s, w.pins[k]);
        /* Read the size while still pinned: after writers-- a merge may free it. */
        int big = !rc && memtable_memory(w.pins[k]->mt) > s->opts.memtable_size;
        struct tmem *pinned = w.pins[k];
        atomic_fetch_sub(&pinned->writers, 1);
        if (big && tablet__freeze_if(tabs[k], pinned) == 0)
            store__bg_kick(s);
    }
out_tabs:
    for (int k = 0; k < n_got; k++)
        tablet__unref(tabs[k]);
    return rc;
}

/* ---- Reads ---- */

int store_get_version(struct store *s, uint64_t tablet_id, const void *key, size_t key_len,
                      uint64_t snap_ts, uint64_t *ts, uint8_t *kind, struct buf *value)
{
    struct tablet *t = store__tablet(s, tablet_id);
    if (!t)
        return err_set(ERR_NOT_FOUND, "tablet %" PRIu64 " does not exist", tablet_id);
    struct tview *v = tablet__view(t);
    struct kv_entry e;
    /* Newest source first; by invariant 2 the first hit is the answer. */
    int rc = memtable_get(v->active->mt, key, key_len, snap_ts, 0, &e);
    for (uint32_t i = 0; rc == ERR_NOT_FOUND && i < v->n_frozen; i++)
        rc = memtable_get(v->frozen[i]->mt, key, key_len, snap_ts, 0, &e);
    if (rc == 0) {
        /* Found in a MemTable: copy out while the view holds it. */
        buf_reset(value);
        if (e.kind == KV_PUT && buf_append(value, e.value, e.value_len) != 0)
            rc = err_set(ERR_NOMEM, "get: out of memory");
    } else if (rc == ERR_NOT_FOUND) {
        for (uint32_t i = 0; rc == ERR_NOT_FOUND && i < v->n_deltas; i++)
            rc = sstable_get(v->deltas[i], key, key_len, snap_ts, &e, value);
        if (rc == ERR_NOT_FOUND && v->baseline)
            rc = sstable_get(v->baseline, key, key_len, snap_ts, &e, value);
    }
    tview__unref(v);
    tablet__unref(t);
    if (rc == 0) {
        *ts = e.ts;
        *kind = e.kind;
    } else if (rc == ERR_NOT_FOUND) {
        err_clear();
    }
    return rc;
}

int store_get(struct store *s, uint64_t tablet_id, const void *key, size_t key_len,
              uint64_t snap_ts, struct buf *value)
{
    uint64_t ts;
    uint8_t kind;
    int rc = store_get_version(s, tablet_id, key, key_len, snap_ts, &ts, &kind, value);
    if (rc == 0 && kind != KV_PUT)
        return ERR_NOT_FOUND;
    return rc;
}

struct store_scan {
    struct tablet *tablet;   /* Referenced. */
    struct tview *view;      /* Pinned table set. */
    struct kv_iter *it;      /* Merge of every source. */
    uint64_t snap;           /* Snapshot timestamp. */
    int reverse;             /* Backward scan. */
    uint64_t limit, n_out;   /* Limit (0 none) and keys returned. */
    struct buf start, end;   /* Bounds (start inclusive, end exclusive). */
    int has_start, has_end;
    struct buf key, value;   /* Current key (and output), value output. */
    int have_key;            /* key holds the key being decided. */
    int decided;             /* Forward: that key's visible version was met. */
    int cand;                /* Backward: a visible version of key is in value/cand_kind. */
    uint8_t cand_kind;
    int status;              /* Sticky error. */
};

int store_scan_open(struct store *s, uint64_t tablet_id, const void *start, size_t start_len,
                    const void *end, size_t end_len, uint64_t snap_ts, int reverse,
                    uint64_t limit, struct store_scan **out)
{
    struct tablet *t = store__tablet(s, tablet_id);
    if (!t)
        return err_set(ERR_NOT_FOUND, "tablet %" PRIu64 " does not exist", tablet_id);
    struct store_scan *sc = mem_calloc(1, sizeof *sc);
    if (!sc) {
        tablet__unref(t);
        return err_set(ERR_NOMEM, "scan: out of memory");
    }
    sc->tablet = t;
    sc->view = tablet__view(t);
    sc->snap = snap_ts;
    sc->reverse = reverse;
    sc->limit = limit;
    buf_init(&sc->start);
    buf_init(&sc->end);
    buf_init(&sc->key);
    buf_init(&sc->value);
    int rc = 0;
    if (start) {
        sc->has_start = 1;
        rc = buf_append(&sc->start, start, start_len);
    }
    if (!rc && end) {
        sc->has_end = 1;
        rc = buf_append(&sc->end, end, end_len);
    }
    struct tview *v = sc->view;
    int n = 1 + (int)v->n_frozen + (int)v->n_deltas + (v->baseline ? 1 : 0);
    struct kv_iter **kids = rc ? NULL : mem_calloc((size_t)n, sizeof *kids);
    int k = 0;
    if (!kids && !rc)
        rc = err_set(ERR_NOMEM, "scan: out of memory");
    if (!rc)
        rc = memtable_iter_create(v->active->mt, &kids[k++]);
    for (uint32_t i = 0; !rc && i < v->n_frozen; i++)
        rc = memtable_iter_create(v->frozen[i]->mt, &kids[k++]);
    for (uint32_t i = 0; !rc && i < v->n_deltas; i++)
        rc = sstable_iter_create(v->deltas[i], &kids[k++]);
    if (!rc && v->baseline)
        rc = sstable_iter_create(v->baseline, &kids[k++]);
    if (rc) {
        if (kids) {
            for (int i = 0; i < k - 1; i++)
                kv_iter_destroy(kids[i]);
        }
        mem_free(kids);
        store_scan_close(sc);
        return rc;
    }
    rc = merge_iter_create(kids, n, &sc->it);
    mem_free(kids);
    if (!rc) {
        if (!reverse)
            rc = sc->has_start ? kv_iter_seek(sc->it, sc->start.data, sc->start.len, TS_UNCOMMITTED)
                               : kv_iter_seek_first(sc->it);
        else
            rc = sc->has_end ? merge_iter_seek_before(sc->it, sc->end.data, sc->end.len)
                             : kv_iter_seek_last(sc->it);
    }
    if (rc) {
        store_scan_close(sc);
        return rc;
    }
    *out = sc;
    return 0;
}

static int scan_forward(struct store_scan *sc, const uint8_t **key, size_t *key_len,
                        const uint8_t **value, size_t *value_len)
{
    int rc;
    while (kv_iter_valid(sc->it)) {
        struct kv_entry e;
        kv_iter_entry(sc->it, &e);
        if (sc->has_end && kv_key_cmp(e.key, e.key_len, sc->end.data, sc->end.len) >= 0)
            break;
        if (sc->have_key && kv_key_cmp(e.key, e.key_len, sc->key.data, sc->key.len) == 0) {
            if (sc->decided) {
                if ((rc = kv_iter_next(sc->it)) != 0)
                    return rc;
                continue;
            }
        } else {
            buf_reset(&sc->key);
            if (buf_append(&sc->key, e.key, e.key_len) != 0)
                return err_set(ERR_NOMEM, "scan: out of memory");
            sc->have_key = 1;
            sc->decided = 0;
        }
        if (e.ts > sc->snap) {
            if ((rc = kv_iter_next(sc->it)) != 0)
                return rc;
            continue;
        }
        sc->decided = 1;
        if (e.kind == KV_PUT) {
            buf_reset(&sc->value);
            if (buf_append(&sc->value, e.value, e.value_len) != 0)
                return err_set(ERR_NOMEM, "scan: out of memory");
            if ((rc = kv_iter_next(sc->it)) != 0)
                return rc;
            *key = sc->key.data;
            *key_len = sc->key.len;
            *value = sc->value.data;
            *value_len = sc->value.len;
            return 0;
        }
        if ((rc = kv_iter_next(sc->it)) != 0)
            return rc;
    }
    return ERR_NOT_FOUND;
}

static int scan_backward(struct store_scan *sc, const uint8_t **key, size_t *key_len,
                         const uint8_t **value, size_t *value_len)
{
    for (;;) {
        struct kv_entry e;
        int at_end = !kv_iter_valid(sc->it);
        if (!at_end) {
            kv_iter_entry(sc->it, &e);
            at_end = sc->has_start &&
                     kv_key_cmp(e.key, e.key_len, sc->start.data, sc->start.len) < 0;
        }
        if (at_end || (sc->have_key && kv_key_cmp(e.key, e.key_len, sc->key.data, sc->key.len) != 0)) {
            if (sc->have_key) {
                /* The previous key is decided: its newest visible version is the candidate. */
                sc->have_key = 0;
                if (sc->cand && sc->cand_kind == KV_PUT) {
                    sc->cand = 0;
                    *key = sc->key.data;
                    *key_len = sc->key.len;
                    *value = sc->value.data;
                    *value_len = sc->value.len;
                    return 0;
                }
                sc->cand = 0;
                continue;
            }
            if (at_end)
                return ERR_NOT_FOUND;
        }
        if (!sc->have_key) {
            buf_reset(&sc->key);
            if (buf_append(&sc->key, e.key, e.key_len) != 0)
                return err_set(ERR_NOMEM, "scan: out of memory");
            sc->have_key = 1;
            sc->cand = 0;
        }
        /* Backward, a key's versions come oldest first: the last one at or
         * below the snapshot is the visible one. */
        if (e.ts <= sc->snap) {
            sc->cand = 1;
            sc->cand_kind = e.kind;
            buf_reset(&sc->value);
            if (e.kind == KV_PUT && buf_append(&sc->value, e.value, e.value_len) != 0)
                return err_set(ERR_NOMEM, "scan: out of memory");
        }
        int rc = kv_iter_prev(sc->it);
        if (rc)
            return rc;
    }
}

int store_scan_next(struct store_scan *sc, const uint8_t **key, size_t *key_len,
                    const uint8_t **value, size_t *value_len)
{
    if (sc->status)
        return sc->status;
    if (sc->limit && sc->n_out >= sc->limit)
        return ERR_NOT_FOUND;
    int rc = sc->reverse ? scan_backward(sc, key, key_len, value, value_len)
                         : scan_forward(sc, key, key_len, value, value_len);
    if (rc == 0)
        sc->n_out++;
    else if (rc != ERR_NOT_FOUND)
        sc->status = rc;
    return rc;
}

void store_scan_close(struct store_scan *sc)
{
    if (!sc)
        return;
    kv_iter_destroy(sc->it);
    tview__unref(sc->view);
    tablet__unref(sc->tablet);
    buf_deinit(&sc->start);
    buf_deinit(&sc->end);
    buf_deinit(&sc->key);
    buf_deinit(&sc->value);
    mem_free(sc);
}

/* ---- Snapshots ---- */

struct store_snapshot {
    struct snap_node node; /* In the store's list. */
};

int store_snapshot_pin(struct store *s, uint64_t ts, struct store_snapshot **out)
{
    struct store_snapshot *sn = mem_alloc(sizeof *sn);
    if (!sn)
        return err_set(ERR_NOMEM, "snapshot: out of memory");
    sn->node.ts = ts;
    pthread_mutex_lock(&s->snap_mu);
    if (ts < s->gc_floor) {
        /* A merge already dropped versions such a reader might need. */
        uint64_t floor = s->gc_floor;
        pthread_mutex_unlock(&s->snap_mu);
        mem_free(sn);
        return err_set(ERR_INVALID,
                       "snapshot %" PRIu64 " is older than merged data (versions up to %" PRIu64
                       " may be gone)",
                       ts, floor);
    }
    sn->node.next = s->snaps.next;
    sn->node.prev = &s->snaps;
    s->snaps.next->prev = &sn->node;
    s->snaps.next = &sn->node;
    pthread_mutex_unlock(&s->snap_mu);
    *out = sn;
    return 0;
}

void store_snapshot_unpin(struct store *s, struct store_snapshot *sn)
{
    if (!sn)
        return;
    pthread_mutex_lock(&s->snap_mu);
    sn->node.prev->next = sn->node.next;
    sn->node.next->prev = sn->node.prev;
    pthread_mutex_unlock(&s->snap_mu);
    mem_free(sn);
}

uint64_t store__gc_horizon(struct store *s)
{
    uint64_t h = atomic_load(&s->max_ts);
    pthread_mutex_lock(&s->snap_mu);
    for (struct snap_node *n = s->snaps.next; n != &s->snaps; n = n->next)
        if (n->ts < h)
            h = n->ts;
    /* Pins below the horizon a merge used are refused from now on. */
    if (h > s->gc_floor)
        s->gc_floor = h;
    pthread_mutex_unlock(&s->snap_mu);
    return h;
}

/* ---- Merges on request ---- */

static int with_tablet(struct store *s, uint64_t id, int (*fn)(struct tablet *))
{
    struct tablet *t = store__tablet(s, id);
    if (!t)
        return err_set(ERR_NOT_FOUND, "tablet %" PRIu64 " does not exist", id);
    int rc = fn(t);
    tablet__unref(t);
    return rc;
}

static int freeze_and_minor(struct tablet *t)
{
    int rc = tablet__freeze(t);
    return rc ? rc : tablet__minor_merge(t);
}

int store_freeze(struct store *s, uint64_t id)
{
    return with_tablet(s, id, tablet__freeze);
}

int store_minor_merge(struct store *s, uint64_t id)
{
    return with_tablet(s, id, freeze_and_minor);
}

int store_major_merge(struct store *s, uint64_t id)
{
    return with_tablet(s, id, tablet__major_merge);
}

/* ---- Checkpoint ---- */

static int min_needed(struct tablet *t, void *arg)
{
    uint64_t *m = arg;
    uint64_t n = tablet__needed_lsn(t);
    if (n < *m)
        *m = n;
    return 0;
}

/* The CHECKPOINT file: u64 LSN little-endian, masked CRC-32C of it. */
static int checkpoint_read(struct store *s, uint64_t *lsn)
{
    char path[STORE_DIR_MAX + 16];
    snprintf(path, sizeof path, "%s/CHECKPOINT", s->dir);
    uint8_t *p;
    size_t len;
    int rc = os_read_file(s->opts.vfs, path, &p, &len);
    if (rc == ERR_NOT_FOUND) {
        *lsn = 1;
        err_clear();
        return 0;
    }
    if (rc)
        return rc;
    if (len != 12 || le32_get(p + 8) != crc32c_mask(crc32c(0, p, 8)))
        rc = err_set(ERR_CORRUPT, "%s is damaged", path);
    else
        *lsn = le64_get(p);
    mem_free(p);
    return rc;
}

static int checkpoint_write(struct store *s, uint64_t lsn)
{
    char path[STORE_DIR_MAX + 16];
    snprintf(path, sizeof path, "%s/CHECKPOINT", s->dir);
    uint8_t b[12];
    le64_put(b, lsn);
    le32_put(b + 8, crc32c_mask(crc32c(0, b, 8)));
    return os_write_file_atomic(s->opts.vfs, path, b, sizeof b);
}

void store__checkpoint(struct store *s)
{
    if (s->recovering)
        return;
    pthread_mutex_lock(&s->ckpt_mu);
    /* Records appended after this point are above it; those before it are
     * visible in their MemTable's min_lsn by the time we scan that tablet. */
    uint64_t upto = redo_last_lsn(s->redo) + 1;
    store__for_each_tablet(s, min_needed, &upto);
    if (upto > s->ckpt_lsn) {
        /* Durable checkpoint first: replay starts there, and the segments
         * below it may go only once it is on disk. */
        int rc = checkpoint_write(s, upto);
        if (rc) {
            log_warn("store %s: checkpoint failed: %s", s->dir, err_msg());
            if (rc == ERR_IO)
                store__fail(s, rc, err_msg());
        } else {
            s->ckpt_lsn = upto;
            if (redo_truncate_before(s->redo, upto) != 0)
                log_warn("store %s: redo truncation failed: %s", s->dir, err_msg());
        }
    }
    pthread_mutex_unlock(&s->ckpt_mu);
}

/* ---- Info ---- */

int store_tablet_info(struct store *s, uint64_t id, struct store_tablet_info *info)
{
    struct tablet *t = store__tablet(s, id);
    if (!t)
        return err_set(ERR_NOT_FOUND, "tablet %" PRIu64 " does not exist", id);
    memset(info, 0, sizeof *info);
    info->tablet_id = id;
    struct tview *v = tablet__view(t);
    info->memtable_bytes = memtable_memory(v->active->mt);
    for (uint32_t i = 0; i < v->n_frozen; i++)
        info->memtable_bytes += memtable_memory(v->frozen[i]->mt);
    info->n_frozen = v->n_frozen;
    info->n_deltas = v->n_deltas;
    info->has_baseline = v->baseline != NULL;
    for (uint32_t i = 0; i < v->n_deltas; i++)
        info->sstable_bytes += sstable_meta(v->deltas[i])->file_size;
    if (v->baseline)
        info->sstable_bytes += sstable_meta(v->baseline)->file_size;
    tview__unref(v);
    pthread_mutex_lock(&t->merge_mu);
    info->flushed_lsn = t->man.flushed_lsn;
    pthread_mutex_unlock(&t->merge_mu);
    info->merging = atomic_load(&t->merging);
    info->merge_done = atomic_load(&t->merge_done);
    info->merge_total = atomic_load(&t->merge_total);
    if (info->merge_done > info->merge_total)
        info->merge_done = info->merge_total;
    info->n_minor_merges = atomic_load(&t->n_minor);
    info->n_major_merges = atomic_load(&t->n_major);
    tablet__unref(t);
    return 0;
}

void store_info(struct store *s, struct store_info *info)
{
    memset(info, 0, sizeof *info);
    pthread_rwlock_rdlock(&s->map_lock);
    info->n_tablets = s->n_tablets;
    pthread_rwlock_unlock(&s->map_lock);
    info->memtable_bytes = atomic_load(&s->mem_bytes);
    info->memory_budget = s->opts.memory_budget;
    info->block_cache_bytes = block_cache_usage(s->cache);
    info->redo_durable_lsn = redo_durable_lsn(s->redo);
    pthread_mutex_lock(&s->ckpt_mu);
    info->checkpoint_lsn = s->ckpt_lsn;
    pthread_mutex_unlock(&s->ckpt_mu);
    info->max_commit_ts = atomic_load(&s->max_ts);
    info->n_write_stalls = atomic_load(&s->n_stalls);
    info->recovery_peak_bytes = s->recovery_peak;
    pthread_mutex_lock(&s->fail_mu);
    info->read_only = atomic_load(&s->failed);
    snprintf(info->failure, sizeof info->failure, "%s", s->failure);
    pthread_mutex_unlock(&s->fail_mu);
}

/* ---- Open, recovery, close ---- */

struct open_ctx {
    struct store *s;
    int rc;
};

static int open_tablet_dir(const char *name, void *arg)
{
    struct open_ctx *c = arg;
    struct store *s = c->s;
    char *end;
    uint64_t id = strtoull(name, &end, 10);
    char canon[24];
    snprintf(canon, sizeof canon, "%" PRIu64, id);
    if (*end != '\0' || name[0] < '0' || name[0] > '9' || strcmp(canon, name) != 0)
        return 0; /* Not a tablet folder of ours. */
    char path[STORE_PATH_MAX + 300];
    snprintf(path, sizeof path, "%s/%s/MANIFEST", s->tablets_dir, name);
    if (s->opts.vfs->exists(s->opts.vfs, path) == ERR_NOT_FOUND) {
        /* A tablet whose creation or drop was interrupted. */
        struct tablet tmp;
        memset(&tmp, 0, sizeof tmp);
        tmp.store = s;
        if (strlen(name) > 24)
            return 0;
        snprintf(tmp.dir, sizeof tmp.dir, "%s/%.24s", s->tablets_dir, name);
        log_info("store %s: removing unfinished tablet folder %s", s->dir, tmp.dir);
        tablet__remove_files(&tmp);
        return 0;
    }
    struct tablet *t;
    int rc = tablet__open(s, id, 0, &t);
    if (!rc && (rc = map_insert(s, t)) != 0)
        tablet__unref(t);
    if (rc) {
        c->rc = rc;
        return rc;
    }
    return 0;
}

struct replay_ctx {
    struct store *s;
    uint64_t n_records, n_applied;
    uint64_t lsn;                                /* Record being replayed. */
    int n_touched;                               /* Tablets it touches... */
    struct tablet *touched[MAX_BATCH_TABLETS];   /* ... (referenced). */
};

/* The MemTable an op of the record being replayed goes to, or NULL to skip it. */
static struct memtable *replay_mt(void *arg, uint64_t id)
{
    struct replay_ctx *c = arg;
    for (int k = 0; k < c->n_touched; k++)
        if (c->touched[k]->id == id)
            return c->lsn > c->touched[k]->man.flushed_lsn ? c->touched[k]->active->mt : NULL;
    struct tablet *t = store__tablet(c->s, id);
    if (!t)
        return NULL; /* Dropped since. */
    if (c->n_touched == MAX_BATCH_TABLETS) {
        tablet__unref(t);
        return NULL; /* Cannot happen: store_write refuses such batches. */
    }
    c->touched[c->n_touched++] = t;
    return c->lsn > t->man.flushed_lsn ? t->active->mt : NULL;
}

static int replay_record(uint64_t lsn, const uint8_t *p, size_t len, void *arg)
{
    struct replay_ctx *c = arg;
    struct store *s = c->s;
    if (len < REC_HEADER || p[0] != STORE_REC_WRITE)
        return err_set(ERR_CORRUPT, "redo record %" PRIu64 ": unknown type or too short", lsn);
    uint64_t ts = le64_get(p + 1);
    c->n_records++;
    c->lsn = lsn;
    c->n_touched = 0;
    /* The whole record is applied before any dump, so a tablet's skip test
     * (lsn > flushed_lsn) cannot change halfway through it. */
    struct apply_ctx a = {p + REC_HEADER, p + len, le32_get(p + 9), ts};
    int rc = apply_ops(&a, replay_mt, c);
    if (rc)
        rc = err_prefix(rc, "replay redo record %" PRIu64, lsn);
    for (int k = 0; k < c->n_touched; k++) {
        struct tablet *t = c->touched[k];
        if (!rc && lsn > t->man.flushed_lsn) {
            struct tmem *m = t->active;
            atomic_min_nonzero(&m->min_lsn, lsn);
            atomic_max(&m->max_lsn, lsn);
            store__mem_add(s, m);
            c->n_applied++;
            /* Keep recovery within memory: dump between records. */
            if (memtable_memory(m->mt) > s->opts.memtable_size) {
                rc = tablet__freeze(t);
                if (!rc)
                    rc = tablet__minor_merge(t);
            }
        }
        tablet__unref(t);
    }
    c->n_touched = 0;
    if (rc)
        return rc;
    if (atomic_load(&s->mem_bytes) > s->recovery_peak)
        s->recovery_peak = atomic_load(&s->mem_bytes);
    /* Many tablets may together pass the node's budget without any one
     * passing memtable_size: dump the biggest until under it. */
    while (atomic_load(&s->mem_bytes) > s->opts.memory_budget) {
        uint64_t before = atomic_load(&s->mem_bytes);
        struct tablet *big = NULL;
        uint64_t big_bytes = 0;
        pthread_rwlock_rdlock(&s->map_lock);
        for (size_t i = 0; i < s->n_tablets; i++) {
            uint64_t b = memtable_memory(s->tablets[i]->active->mt);
            if (b > big_bytes) {
                big_bytes = b;
                big = s->tablets[i];
            }
        }
        if (big)
            atomic_fetch_add(&big->refs, 1);
        pthread_rwlock_unlock(&s->map_lock);
        if (!big)
            break;
        rc = tablet__freeze(big);
        if (!rc)
            rc = tablet__minor_merge(big);
        tablet__unref(big);
        if (rc)
            return rc;
        if (atomic_load(&s->mem_bytes) >= before || atomic_load(&s->mem_bytes) < s->opts.memory_budget / 2)
            break;
    }
    atomic_max(&s->max_ts, ts);
    return 0;
}

#define RECOVERED_DUMP_MIN (1u << 20) /* Recovered MemTable bytes worth a dump at open. */

static int dump_recovered(struct tablet *t, void *arg)
{
    (void)arg;
    if (memtable_memory(t->active->mt) < RECOVERED_DUMP_MIN)
        return 0;
    int rc = tablet__freeze(t);
    return rc ? rc : tablet__minor_merge(t);
}

static int max_sst_ts(struct tablet *t, void *arg)
{
    uint64_t *m = arg;
    struct tview *v = tablet__view(t);
    for (uint32_t i = 0; i < v->n_deltas; i++)
        if (sstable_meta(v->deltas[i])->max_ts > *m)
            *m = sstable_meta(v->deltas[i])->max_ts;
    if (v->baseline && sstable_meta(v->baseline)->max_ts > *m)
        *m = sstable_meta(v->baseline)->max_ts;
    tview__unref(v);
    return 0;
}

int store_open(const struct store_opts *opts, struct store **out)
{
    if (!opts->dir || !opts->dir[0])
        return err_set(ERR_INVALID, "store: no data folder given");
    if (strlen(opts->dir) >= STORE_DIR_MAX)
        return err_set(ERR_INVALID, "store: data folder path longer than %d bytes", STORE_DIR_MAX - 1);
    struct store *s = mem_calloc(1, sizeof *s);
    if (!s)
        return err_set(ERR_NOMEM, "store: out of memory");
    s->opts = *opts;
    if (!s->opts.vfs)
        s->opts.vfs = os_vfs_posix();
    if (!s->opts.clock)
        s->opts.clock = os_clock_system();
    if (!s->opts.threads)
        s->opts.threads = os_threads_posix();
    if (!s->opts.memtable_size)
        s->opts.memtable_size = 64ULL << 20;
    if (!s->opts.memory_budget)
        s->opts.memory_budget = 1ULL << 30;
    if (!s->opts.block_cache_size)
        s->opts.block_cache_size = 256ULL << 20;
    if (!s->opts.block_size)
        s->opts.block_size = 16 << 10;
    if (s->opts.compression < 0)
        s->opts.compression = SST_COMPRESS_LZ4;
    if (s->opts.baseline_compression < 0)
        s->opts.baseline_compression = s->opts.compression;
    if (s->opts.memtable_size > s->opts.memory_budget / 2)
        s->opts.memtable_size = s->opts.memory_budget / 2;
    snprintf(s->dir, sizeof s->dir, "%s", opts->dir);
    s->opts.dir = s->dir;
    snprintf(s->tablets_dir, sizeof s->tablets_dir, "%s/tablets", s->dir);
    atomic_init(&s->next_cache_id, 1);
    pthread_rwlock_init(&s->map_lock, NULL);
    pthread_mutex_init(&s->snap_mu, NULL);
    s->snaps.next = s->snaps.prev = &s->snaps;
    pthread_mutex_init(&s->fail_mu, NULL);
    pthread_mutex_init(&s->bg_mu, NULL);
    pthread_cond_init(&s->bg_cond, NULL);
    pthread_cond_init(&s->mem_cond, NULL);
    pthread_mutex_init(&s->rate_mu, NULL);
    pthread_mutex_init(&s->ckpt_mu, NULL);
    s->last_major_day = -1;

    char redo_dir[STORE_DIR_MAX + 8];
    snprintf(redo_dir, sizeof redo_dir, "%s/redo", s->dir);
    int rc = os_mkdirs(s->opts.vfs, s->tablets_dir);
    if (!rc)
        rc = block_cache_create(s->opts.block_cache_size, &s->cache);
    if (rc)
        goto fail;
    /* Tablets first: their manifests say where replay starts. */
    struct open_ctx oc = {s, 0};
    rc = s->opts.vfs->list_dir(s->opts.vfs, s->tablets_dir, open_tablet_dir, &oc);
    if (rc || (rc = oc.rc) != 0)
        goto fail;
    struct redo_opts ro = {
        .vfs = s->opts.vfs,
        .dir = redo_dir,
        .segment_size = s->opts.redo_segment_size,
        .sync = !s->opts.no_sync,
    };
    if ((rc = redo_open(&ro, &s->redo)) != 0)
        goto fail;
    /* Replay starts at the durable checkpoint: every record a tablet may
     * still need is at or above it (records below are filtered per tablet by
     * its flushed_lsn anyway). */
    uint64_t from = 1;
    if ((rc = checkpoint_read(s, &from)) != 0)
        goto fail;
    s->ckpt_lsn = from;
    uint64_t ts = 0;
    store__for_each_tablet(s, max_sst_ts, &ts);
    atomic_store(&s->max_ts, ts);
    struct replay_ctx rc_ctx;
    memset(&rc_ctx, 0, sizeof rc_ctx);
    rc_ctx.s = s;
    s->recovering = 1;
    rc = redo_replay(s->redo, from, replay_record, &rc_ctx);
    s->recovering = 0;
    if (rc)
        goto fail;
    log_info("store %s: opened %zu tablets, replayed %" PRIu64 " redo records (%" PRIu64
             " operations applied) from LSN %" PRIu64,
             s->dir, s->n_tablets, rc_ctx.n_records, rc_ctx.n_applied, from);
    /* Dump what recovery put in MemTables (as RocksDB flushes its recovered
     * log): the next recovery is shorter, the redo log can be truncated, and
     * reads start from SSTables with bloom filters instead of large
     * skiplists. Small leftovers stay in memory. */
    if ((rc = store__for_each_tablet(s, dump_recovered, NULL)) != 0)
        goto fail;
    if (!s->opts.no_background && (rc = store__bg_start(s)) != 0)
        goto fail;
    *out = s;
    return 0;
fail:
    err_prefix(rc, "open store %s", s->dir);
    {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", err_msg());
        store_close(s);
        err_set(rc, "%s", msg);
    }
    return rc;
}

void store_close(struct store *s)
{
    if (!s)
        return;
    store__bg_stop(s);
    if (s->redo)
        redo_close(s->redo);
    pthread_rwlock_wrlock(&s->map_lock);
    for (size_t i = 0; i < s->n_tablets; i++)
        tablet__unref(s->tablets[i]);
    mem_free(s->tablets);
    s->tablets = NULL;
    s->n_tablets = 0;
    pthread_rwlock_unlock(&s->map_lock);
    while (s->snaps.next != &s->snaps) {
        struct snap_node *n = s->snaps.next;
        s->snaps.next = n->next;
        mem_free(n);
    }
    if (s->cache)
        block_cache_destroy(s->cache);
    pthread_rwlock_destroy(&s->map_lock);
    pthread_mutex_destroy(&s->snap_mu);
    pthread_mutex_destroy(&s->fail_mu);
    pthread_mutex_destroy(&s->bg_mu);
    pthread_cond_destroy(&s->bg_cond);
    pthread_cond_destroy(&s->mem_cond);
    pthread_mutex_destroy(&s->rate_mu);
    pthread_mutex_destroy(&s->ckpt_mu);
    mem_free(s);
}
