/*
 * txn.c: transactions over the kv: snapshots from the timestamp service,
 * row locks from the lock table, a private write set, and commit as one
 * atomic batch.
 *
 * Snapshot: a read timestamp from gts_read_ts() pinned in the kv, so merges
 * keep what the transaction reads. A pin is refused when a merge already used
 * a newer horizon (possible only while commits below the store's newest one
 * are still in flight); then a newer read timestamp is taken and the pin
 * retried. A pin accepted at ts also protects every read at ts.
 *
 * Writes: X lock, then (REPEATABLE READ) the conflict check against the
 * newest committed version, which is final once the lock is held: every
 * earlier writer of the row applied its commit before releasing the lock.
 * A row in the write set has been locked X and checked, so a second write of
 * it skips both. Commit: the batch is built first, then the commit timestamp
 * is issued (so the time in flight is only the durable write), written,
 * ended in the timestamp service (which waits for smaller commits so the
 * session's next snapshot sees this one), and only then are the locks
 * released. Commit timestamps are issued after all of the transaction's locks
 * are held, so the versions of each key reach the store in increasing
 * timestamp order (storage/README.md invariant 2).
 *
 * Scans merge a kv scan at the snapshot with the write set as of the scan's
 * opening (states with larger sequence numbers are looked through).
 */
#include "txn/txn.h"

#include "base/err.h"
#include "base/hash.h"
#include "base/mem.h"
#include "txn/gts.h"
#include "txn/wset.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define SNAP_PIN_TRIES 20000      /* Pin retries (100 µs apart) before giving up. */
#define SCAN_COUNT_MAX (1u << 20) /* Own rows counted to widen a scan's kv limit. */

struct txn_mgr {
    struct kv *kv;            /* The tablets (not owned). */
    struct gts *gts;          /* Timestamps. */
    struct lock_table *locks; /* Row locks. */
    uint64_t write_set_max;   /* Per-transaction write set memory limit. */
    _Atomic uint64_t next_id; /* Next transaction id. */
    pthread_mutex_t mu;       /* Guards the active list. */
    struct txn *active;       /* Active transactions (doubly linked). */
    uint64_t n_active;        /* Their number. */
    _Atomic uint64_t n_commits, n_rollbacks, n_conflicts; /* Statistics. */
};

enum txn_state { TXN_ACTIVE = 0, TXN_POISONED = 1 };

struct txn {
    struct txn_mgr *m;         /* Owner. */
    uint64_t id;               /* Transaction id. */
    enum txn_isolation iso;    /* Isolation level. */
    int read_only;             /* Writes refused. */
    int state;                 /* enum txn_state. */
    char poison_msg[256];      /* Why it was poisoned. */
    uint64_t lock_wait_ms;     /* Lock wait timeout. */
    int has_snap;              /* snap_ts and pin are set. */
    uint64_t snap_ts;          /* Snapshot timestamp. */
    struct kv_snapshot *pin;   /* Its pin in the kv. */
    uint64_t stmt_sp;          /* Write set sequence number at statement start. */
    int n_scans;               /* Open scans. */
    struct lock_owner lk;      /* Row locks. */
    struct wset ws;            /* Write set. */
    struct buf tmp;            /* Scratch value for conflict checks. */
    struct txn *anext, *aprev; /* Active list links. */
};

/* ---- Manager ---- */

void txn_mgr_opts_default(struct txn_mgr_opts *o, struct kv *kv, const char *dir)
{
    memset(o, 0, sizeof *o);
    o->kv = kv;
    o->dir = dir;
}

int txn_mgr_open(const struct txn_mgr_opts *opts, struct txn_mgr **out)
{
    if (!opts->kv || !opts->dir)
        return err_set(ERR_INVALID, "txn: kv and data folder are required");
    struct txn_mgr *m = mem_calloc(1, sizeof *m);
    if (!m)
        return err_set(ERR_NOMEM, "txn: out of memory");
    m->kv = opts->kv;
    m->write_set_max = opts->write_set_max ? opts->write_set_max : TXN_WRITE_SET_MAX_DEFAULT;
    atomic_init(&m->next_id, 1);
    struct gts_opts go = {
        .dir = opts->dir,
        .vfs = opts->vfs,
        .clock = opts->clock,
        .min_ts = kv_max_committed_ts(opts->kv),
    };
    int rc = gts_open(&go, &m->gts);
    if (rc == 0 && (rc = lock_table_create(&m->locks)) != 0)
        gts_close(m->gts);
    if (rc) {
        mem_free(m);
        return rc;
    }
    pthread_mutex_init(&m->mu, NULL);
    *out = m;
    return 0;
}

void txn_mgr_close(struct txn_mgr *m)
{
    if (!m)
        return;
    lock_table_destroy(m->locks);
    gts_close(m->gts);
    pthread_mutex_destroy(&m->mu);
    mem_free(m);
}

int txn_tablet_create(struct txn_mgr *m, uint64_t id)
{
    return kv_tablet_create(m->kv, id);
}
int txn_tablet_drop(struct txn_mgr *m, uint64_t id)
{
    return kv_tablet_drop(m->kv, id);
}
int txn_tablet_exists(struct txn_mgr *m, uint64_t id)
{
    return kv_tablet_exists(m->kv, id);
}

void txn_mgr_stats(struct txn_mgr *m, struct txn_mgr_stats *out)
{
    pthread_mutex_lock(&m->mu);
    out->n_active = m->n_active;
    pthread_mutex_unlock(&m->mu);
    out->n_commits = atomic_load(&m->n_commits);
    out->n_rollbacks = atomic_load(&m->n_rollbacks);
    out->n_conflicts = atomic_load(&m->n_conflicts);
    lock_stats(m->locks, &out->locks);
    out->last_ts = gts_last(m->gts);
}

int txn_mgr_next_ts(struct txn_mgr *m, uint64_t *ts)
{
    return gts_next(m->gts, ts);
}

/* ---- Life cycle ---- */

void txn_opts_default(struct txn_opts *o)
{
    memset(o, 0, sizeof *o);
    o->isolation = TXN_REPEATABLE_READ;
    o->lock_wait_timeout_ms = TXN_LOCK_WAIT_DEFAULT_MS;
}

static void drop_snapshot(struct txn *t)
{
    if (t->has_snap) {
        kv_snapshot_unpin(t->m->kv, t->pin);
        t->pin = NULL;
        t->has_snap = 0;
        t->snap_ts = 0;
    }
}

static int take_snapshot(struct txn *t)
{
    if (t->has_snap)
        return 0;
    for (int i = 0;; i++) {
        uint64_t ts = gts_read_ts(t->m->gts);
        struct kv_snapshot *pin;
        int rc = kv_snapshot_pin(t->m->kv, ts, &pin);
        if (rc == 0) {
            t->snap_ts = ts;
            t->pin = pin;
            t->has_snap = 1;
            return 0;
        }
        /* ERR_INVALID: a merge used a newer horizon while commits below it
         * were in flight; they end soon and the read timestamp moves up. */
        if (rc != ERR_INVALID || i >= SNAP_PIN_TRIES)
            return err_prefix(rc, "transaction %" PRIu64 ": take snapshot", t->id);
        struct timespec d = {0, 100000};
        nanosleep(&d, NULL);
    }
}

int txn_begin(struct txn_mgr *m, const struct txn_opts *opts, struct txn **out)
{
    struct txn_opts def;
    if (!opts) {
        txn_opts_default(&def);
        opts = &def;
    }
    struct txn *t = mem_calloc(1, sizeof *t);
    if (!t)
        return err_set(ERR_NOMEM, "txn: out of memory");
    t->m = m;
    t->id = atomic_fetch_add(&m->next_id, 1);
    t->iso = opts->isolation;
    t->read_only = opts->read_only;
    t->lock_wait_ms = opts->lock_wait_timeout_ms;
    lock_owner_init(&t->lk, t->id);
    wset_init(&t->ws, hash_mix64(t->id));
    buf_init(&t->tmp);
    pthread_mutex_lock(&m->mu);
    t->anext = m->active;
    if (m->active)
        m->active->aprev = t;
    m->active = t;
    m->n_active++;
    pthread_mutex_unlock(&m->mu);
    if (opts->consistent_snapshot) {
        int rc = take_snapshot(t);
        if (rc) {
            txn_rollback(t);
            return rc;
        }
    }
    *out = t;
    return 0;
}

/* Releases everything the transaction holds in the node (locks, snapshot, write set). */
static void release(struct txn *t)
{
    lock_release_all(t->m->locks, &t->lk);
    drop_snapshot(t);
    wset_deinit(&t->ws);
    wset_init(&t->ws, hash_mix64(t->id));
}

static void finish(struct txn *t)
{
    struct txn_mgr *m = t->m;
    release(t);
    pthread_mutex_lock(&m->mu);
    if (t->aprev)
        t->aprev->anext = t->anext;
    else
        m->active = t->anext;
    if (t->anext)
        t->anext->aprev = t->aprev;
    m->n_active--;
    pthread_mutex_unlock(&m->mu);
    lock_owner_deinit(&t->lk);
    wset_deinit(&t->ws);
    buf_deinit(&t->tmp);
    mem_free(t);
}

/* Rolls t back internally after error rc (message in err_msg()); returns rc. */
static int poison(struct txn *t, int rc)
{
    snprintf(t->poison_msg, sizeof t->poison_msg, "%s", err_msg());
    t->state = TXN_POISONED;
    release(t);
    return rc;
}

static int usable(struct txn *t)
{
    if (t->state == TXN_POISONED)
        return err_set(ERR_INVALID,
                       "transaction %" PRIu64 " was rolled back after an error (%s); only "
                       "ROLLBACK is allowed",
                       t->id, t->poison_msg);
    return 0;
}

void txn_rollback(struct txn *t)
{
    if (!t)
        return;
    atomic_fetch_add(&t->m->n_rollbacks, 1);
    finish(t);
}

int txn_commit(struct txn *t, uint64_t *commit_ts)
{
    struct txn_mgr *m = t->m;
    int rc = usable(t);
    if (rc)
        return rc;
    if (t->n_scans)
        return err_set(ERR_INVALID, "transaction %" PRIu64 ": commit with a scan open", t->id);
    if (commit_ts)
        *commit_ts = 0;
    if (t->ws.n_rows == 0) {
        finish(t);
        return 0;
    }

    /* Build the batch before taking the timestamp: keep the time in flight short. */
    struct kv_batch *b;
    if ((rc = kv_batch_create(m->kv, &b)) != 0)
        return poison(t, rc);
    uint32_t n_tablets = 0;
    uint64_t last_tablet = 0;
    for (struct wset_node *n = wset_first(&t->ws); n; n = wset_next(n)) {
        if (!n->ver)
            continue;
        if (n_tablets == 0 || n->tablet != last_tablet) {
            n_tablets++;
            last_tablet = n->tablet;
        }
        if (n->ver->kind == KV_PUT)
            kv_batch_put(b, n->tablet, n->key, n->key_len, n->ver->value, n->ver->value_len);
        else
            kv_batch_delete(b, n->tablet, n->key, n->key_len);
    }
    if (n_tablets > m->kv->batch_tablets_max) {
        kv_batch_destroy(b);
        return poison(t, err_set(ERR_TOO_BIG,
                                 "transaction %" PRIu64 " writes %" PRIu32
                                 " tablets; one commit may touch at most %" PRIu32,
                                 t->id, n_tablets, m->kv->batch_tablets_max));
    }
    struct gts_commit c;
    if ((rc = gts_commit_begin(m->gts, &c)) != 0) {
        kv_batch_destroy(b);
        return poison(t, rc);
    }
    rc = kv_write(m->kv, b, c.ts);
    gts_commit_end(m->gts, &c);
    kv_batch_destroy(b);
    if (rc)
        return poison(t, err_prefix(rc, "commit of transaction %" PRIu64, t->id));
    atomic_fetch_add(&m->n_commits, 1);
    if (commit_ts)
        *commit_ts = c.ts;
    finish(t);
    return 0;
}

/* ---- Statements and savepoints ---- */

int txn_stmt_begin(struct txn *t)
{
    int rc = usable(t);
    if (rc)
        return rc;
    if (t->n_scans)
        return err_set(ERR_INVALID, "transaction %" PRIu64 ": statement begins with a scan open",
                       t->id);
    t->stmt_sp = t->ws.seq;
    if (t->iso == TXN_READ_COMMITTED)
        drop_snapshot(t);
    return 0;
}

void txn_stmt_rollback(struct txn *t)
{
    if (t->state == TXN_ACTIVE)
        wset_rollback_to(&t->ws, t->stmt_sp);
}

uint64_t txn_savepoint(struct txn *t)
{
    return t->ws.seq;
}

void txn_rollback_to_savepoint(struct txn *t, uint64_t savepoint)
{
    if (t->state == TXN_ACTIVE)
        wset_rollback_to(&t->ws, savepoint);
}

/* ---- Reads and writes ---- */

/* Copies a write set state out: 0 for a put, ERR_NOT_FOUND for a delete. */
static int own_state(const struct wset_ver *v, struct buf *value)
{
    if (v->kind != KV_PUT)
        return ERR_NOT_FOUND;
    buf_reset(value);
    if (buf_append(value, v->value, v->value_len) != 0)
        return err_set(ERR_NOMEM, "read: out of memory");
    return 0;
}

int txn_get(struct txn *t, uint64_t tablet_id, const void *key, size_t key_len, struct buf *value)
{
    int rc = usable(t);
    if (rc || (rc = take_snapshot(t)) != 0)
        return rc;
    struct wset_node *n = wset_find(&t->ws, tablet_id, key, key_len);
    if (n && n->ver)
        return own_state(n->ver, value);
    uint64_t ts;
    uint8_t kind;
    rc = kv_get_version(t->m->kv, tablet_id, key, key_len, t->snap_ts, &ts, &kind, value);
    if (rc == 0 && kind != KV_PUT)
        rc = ERR_NOT_FOUND;
    return rc;
}

/*
 * Locks a row in mode and, in REPEATABLE READ, checks that its newest
 * committed version is not newer than the snapshot. If value is not NULL it
 * receives the row as a locking read sees it (own writes, else the newest
 * committed version), and *found says whether it exists.
 */
static int lock_row(struct txn *t, uint64_t tablet_id, const void *key, size_t key_len,
                    enum lock_mode mode, int flags, struct buf *value, int *found)
{
    struct txn_mgr *m = t->m;
    int rc = usable(t);
    if (rc || (rc = take_snapshot(t)) != 0)
        return rc;
    if (key_len > KV_KEY_MAX)
        return err_set(ERR_TOO_BIG, "key of %zu bytes is longer than %u", key_len, KV_KEY_MAX);
    struct wset_node *n = wset_find(&t->ws, tablet_id, key, key_len);
    if (!n) {
        rc = lock_acquire(m->locks, &t->lk, tablet_id, key, key_len, mode, t->lock_wait_ms, flags);
        if (rc == ERR_DEADLOCK)
            return poison(t, rc);
        if (rc)
            return rc;
    }
    /* A row in the write set is locked X and was checked when first written. */
    if (n && n->ver) {
        if (value)
            *found = own_state(n->ver, value) == 0;
        return 0;
    }
    if (!value && (n || t->iso == TXN_READ_COMMITTED))
        return 0; /* Nothing to check or read. */
    struct buf *out = value ? value : &t->tmp;
    uint64_t ts;
    uint8_t kind;
    rc = kv_get_version(m->kv, tablet_id, key, key_len, TS_MAX, &ts, &kind, out);
    if (rc == ERR_NOT_FOUND) {
        if (found)
            *found = 0;
        return 0;
    }
    if (rc)
        return rc;
    if (t->iso == TXN_REPEATABLE_READ && ts > t->snap_ts) {
        atomic_fetch_add(&m->n_conflicts, 1);
        return poison(t, err_set(ERR_CONFLICT,
                                 "record has changed since last read: a row of tablet %" PRIu64
                                 " was committed at %" PRIu64 ", after the snapshot %" PRIu64
                                 " of transaction %" PRIu64,
                                 tablet_id, ts, t->snap_ts, t->id));
    }
    if (found)
        *found = kind == KV_PUT;
    if (value && kind != KV_PUT)
        buf_reset(value);
    return 0;
}

int txn_lock(struct txn *t, uint64_t tablet_id, const void *key, size_t key_len,
             enum lock_mode mode, int flags)
{
    return lock_row(t, tablet_id, key, key_len, mode, flags, NULL, NULL);
}

int txn_get_for_update(struct txn *t, uint64_t tablet_id, const void *key, size_t key_len,
                       enum lock_mode mode, int flags, struct buf *value)
{
    int found = 0;
    int rc = lock_row(t, tablet_id, key, key_len, mode, flags, value, &found);
    if (rc)
        return rc;
    return found ? 0 : ERR_NOT_FOUND;
}

static int write_row(struct txn *t, uint64_t tablet_id, const void *key, size_t key_len,
                     uint8_t kind, const void *value, size_t value_len)
{
    struct txn_mgr *m = t->m;
    int rc = usable(t);
    if (rc)
        return rc;
    if (t->read_only)
        return err_set(ERR_READONLY, "cannot execute statement in a READ ONLY transaction");
    if (key_len > KV_KEY_MAX)
        return err_set(ERR_TOO_BIG, "key of %zu bytes is longer than %u", key_len, KV_KEY_MAX);
    if (value_len > KV_VALUE_MAX)
        return err_set(ERR_TOO_BIG, "value of %zu bytes is longer than %u", value_len,
                       KV_VALUE_MAX);
    struct wset_node *n = wset_find(&t->ws, tablet_id, key, key_len);
    if (!n && (rc = lock_row(t, tablet_id, key, key_len, LOCK_X, 0, NULL, NULL)) != 0)
        return rc;

    /* Limits: the commit's batch, and the write set's memory. */
    uint64_t old = n && n->ver ? kv_batch_op_bytes(n->ver->kind == KV_PUT, tablet_id, key_len,
                                                   n->ver->value_len)
                               : 0;
    uint64_t add = kv_batch_op_bytes(kind == KV_PUT, tablet_id, key_len, value_len);
    if (t->ws.batch_bytes - old + add > m->kv->batch_bytes_max)
        return err_set(ERR_TOO_BIG,
                       "transaction too big: its changes would exceed the %" PRIu64
                       " bytes one commit can hold",
                       m->kv->batch_bytes_max);
    if (arena_reserved(&t->ws.arena) + key_len + value_len + 256 > m->write_set_max)
        return err_set(ERR_TOO_BIG,
                       "transaction too big: its write set would exceed %" PRIu64
                       " bytes of memory",
                       m->write_set_max);
    return wset_write(&t->ws, tablet_id, key, key_len, kind, value, value_len);
}

int txn_put(struct txn *t, uint64_t tablet_id, const void *key, size_t key_len, const void *value,
            size_t value_len)
{
    return write_row(t, tablet_id, key, key_len, KV_PUT, value, value_len);
}

int txn_delete(struct txn *t, uint64_t tablet_id, const void *key, size_t key_len)
{
    return write_row(t, tablet_id, key, key_len, KV_DELETE, NULL, 0);
}

/* ---- Scans ---- */

struct txn_scan {
    struct txn *t;         /* Owner. */
    struct kv_scan *ks;    /* The kv's scan at the snapshot. */
    uint64_t tablet;       /* Tablet scanned. */
    int reverse;           /* Backward. */
    uint64_t limit, n_out; /* Limit (0 none) and rows returned. */
    uint64_t seq;          /* Write set as of this sequence number. */
    struct buf start, end; /* Bounds for the write set walk. */
    int has_start, has_end;
    struct wset_node *wn;     /* Current own row candidate, NULL = none left. */
    struct wset_ver *wv;      /* Its state as of seq. */
    int kv_have;              /* kk/kval hold an unconsumed kv row. */
    int kv_done;              /* The kv scan is exhausted. */
    const uint8_t *kk, *kval; /* That row. */
    size_t kk_len, kval_len;
    int status; /* Sticky error. */
};

/* Is own row n inside the scan's range? */
static int in_range(const struct txn_scan *sc, const struct wset_node *n)
{
    if (n->tablet != sc->tablet)
        return 0;
    if (sc->has_start && kv_key_cmp(n->key, n->key_len, sc->start.data, sc->start.len) < 0)
        return 0;
    if (sc->has_end && kv_key_cmp(n->key, n->key_len, sc->end.data, sc->end.len) >= 0)
        return 0;
    return 1;
}

/* Moves wn from n in the scan's direction to the first row in range with a state as of seq. */
static void own_settle(struct txn_scan *sc, struct wset_node *n)
{
    while (n && in_range(sc, n)) {
        struct wset_ver *v = wset_ver_at(n, sc->seq);
        if (v) {
            sc->wn = n;
            sc->wv = v;
            return;
        }
        n = sc->reverse ? wset_prev(&sc->t->ws, n) : wset_next(n);
    }
    sc->wn = NULL;
    sc->wv = NULL;
}

static void own_advance(struct txn_scan *sc)
{
    struct wset_node *n = sc->wn;
    own_settle(sc, sc->reverse ? wset_prev(&sc->t->ws, n) : wset_next(n));
}

int txn_scan_open(struct txn *t, uint64_t tablet_id, const void *start, size_t start_len,
                  const void *end, size_t end_len, int reverse, uint64_t limit,
                  struct txn_scan **out)
{
    int rc = usable(t);
    if (rc || (rc = take_snapshot(t)) != 0)
        return rc;
    struct txn_scan *sc = mem_calloc(1, sizeof *sc);
    if (!sc)
        return err_set(ERR_NOMEM, "scan: out of memory");
    sc->t = t;
    sc->tablet = tablet_id;
    sc->reverse = reverse;
    sc->limit = limit;
    sc->seq = t->ws.seq;
    buf_init(&sc->start);
    buf_init(&sc->end);
    sc->has_start = start != NULL;
    sc->has_end = end != NULL;
    if ((start && buf_append(&sc->start, start, start_len)) ||
        (end && buf_append(&sc->end, end, end_len))) {
        rc = err_set(ERR_NOMEM, "scan: out of memory");
        goto fail;
    }
    /* Position on the own rows. */
    struct wset_node *n;
    if (!reverse)
        n = wset_seek(&t->ws, tablet_id, start ? start : "", start ? start_len : 0);
    else
        n = wset_seek_before(&t->ws, tablet_id, end, end_len);
    own_settle(sc, n);

    /* Each own row can hide at most one kv row: widen the kv's limit by their number. */
    uint64_t kv_limit = 0;
    if (limit) {
        uint64_t n_own = 0;
        for (struct wset_node *w = sc->wn; w && in_range(sc, w) && n_own < SCAN_COUNT_MAX;
             w = reverse ? wset_prev(&t->ws, w) : wset_next(w))
            n_own++;
        kv_limit = n_own < SCAN_COUNT_MAX ? limit + n_own : 0;
    }
    rc = kv_scan_open(t->m->kv, tablet_id, start, start_len, end, end_len, t->snap_ts, reverse,
                      kv_limit, &sc->ks);
    if (rc)
        goto fail;
    t->n_scans++;
    *out = sc;
    return 0;
fail:
    buf_deinit(&sc->start);
    buf_deinit(&sc->end);
    mem_free(sc);
    return rc;
}

int txn_scan_next(struct txn_scan *sc, const uint8_t **key, size_t *key_len, const uint8_t **value,
                  size_t *value_len)
{
    if (sc->status)
        return sc->status;
    int rc = usable(sc->t); /* A poisoned transaction's write set is gone. */
    if (rc)
        return rc;
    for (;;) {
        if (sc->limit && sc->n_out >= sc->limit)
            return ERR_NOT_FOUND;
        if (!sc->kv_have && !sc->kv_done) {
            rc = kv_scan_next(sc->ks, &sc->kk, &sc->kk_len, &sc->kval, &sc->kval_len);
            if (rc == 0)
                sc->kv_have = 1;
            else if (rc == ERR_NOT_FOUND)
                sc->kv_done = 1;
            else
                return sc->status = rc;
        }
        if (!sc->kv_have && !sc->wn)
            return ERR_NOT_FOUND;
        int c; /* < 0: the kv row comes first; > 0: the own row; 0: same key. */
        if (!sc->wn)
            c = -1;
        else if (!sc->kv_have)
            c = 1;
        else {
            c = kv_key_cmp(sc->kk, sc->kk_len, sc->wn->key, sc->wn->key_len);
            if (sc->reverse)
                c = -c;
        }
        if (c < 0) {
            sc->kv_have = 0; /* Consumed; its bytes stay valid until the next kv call. */
            *key = sc->kk;
            *key_len = sc->kk_len;
            *value = sc->kval;
            *value_len = sc->kval_len;
            sc->n_out++;
            return 0;
        }
        if (c == 0)
            sc->kv_have = 0; /* The own row overrides it. */
        struct wset_node *n = sc->wn;
        struct wset_ver *v = sc->wv;
        own_advance(sc);
        if (v->kind == KV_PUT) {
            *key = n->key;
            *key_len = n->key_len;
            *value = v->value;
            *value_len = v->value_len;
            sc->n_out++;
            return 0;
        }
        /* An own delete hides the row; go on. */
    }
}

void txn_scan_close(struct txn_scan *sc)
{
    if (!sc)
        return;
    kv_scan_close(sc->ks);
    sc->t->n_scans--;
    buf_deinit(&sc->start);
    buf_deinit(&sc->end);
    mem_free(sc);
}

/* ---- Interrupts and accessors ---- */

void txn_interrupt(struct txn *t)
{
    lock_interrupt(t->m->locks, &t->lk);
}
void txn_clear_interrupt(struct txn *t)
{
    lock_clear_interrupt(&t->lk);
}

uint64_t txn_id(const struct txn *t)
{
    return t->id;
}
uint64_t txn_snapshot_ts(const struct txn *t)
{
    return t->has_snap ? t->snap_ts : 0;
}
int txn_is_read_only(const struct txn *t)
{
    return t->read_only;
}
enum txn_isolation txn_isolation_level(const struct txn *t)
{
    return t->iso;
}
int txn_is_poisoned(const struct txn *t)
{
    return t->state == TXN_POISONED;
}
uint64_t txn_n_writes(const struct txn *t)
{
    return t->ws.n_rows;
}
void txn_set_lock_wait_timeout(struct txn *t, uint64_t ms)
{
    t->lock_wait_ms = ms;
}
