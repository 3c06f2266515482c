/* test_txn.c: transactions (txn/txn.h) over the local kv on a real store. */
#include "test.h"

#include "base/coding.h"
#include "base/err.h"
#include "base/mem.h"
#include "kv/kv.h"
#include "os/clock.h"
#include "os/vfs_fault.h"
#include "storage/store.h"
#include "txn/gts.h"
#include "txn/txn.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define T1 1
#define T2 2

struct env {
    struct store *s;
    struct kv *kv;
    struct txn_mgr *m;
};

static void env_open_opts(struct env *e, const char *dir, int background, uint64_t write_set_max)
{
    struct store_opts o;
    store_opts_default(&o, dir);
    o.no_background = !background;
    o.memtable_size = 64 << 10;
    o.memory_budget = 8 << 20;
    o.block_size = 1024;
    ASSERT_OK(store_open(&o, &e->s));
    ASSERT_OK(kv_local_create(e->s, &e->kv));
    struct txn_mgr_opts mo;
    txn_mgr_opts_default(&mo, e->kv, dir);
    mo.write_set_max = write_set_max;
    ASSERT_OK(txn_mgr_open(&mo, &e->m));
}

static void env_open(struct env *e, const char *dir)
{
    env_open_opts(e, dir, 0, 0);
}

static void env_close(struct env *e)
{
    struct txn_mgr_stats st;
    txn_mgr_stats(e->m, &st);
    ASSERT_EQ(st.n_active, 0);
    ASSERT_EQ(st.locks.n_locks, 0);
    txn_mgr_close(e->m);
    kv_destroy(e->kv);
    store_close(e->s);
}

static struct txn *begin(struct env *e, int iso)
{
    struct txn_opts o;
    txn_opts_default(&o);
    o.isolation = (enum txn_isolation)iso;
    o.lock_wait_timeout_ms = 5000;
    struct txn *t;
    ASSERT_OK(txn_begin(e->m, &o, &t));
    return t;
}

static int put(struct txn *t, uint64_t tablet, const char *k, const char *v)
{
    return v ? txn_put(t, tablet, k, strlen(k), v, strlen(v)) : txn_delete(t, tablet, k, strlen(k));
}

/* One autocommitted write. */
static void commit_put(struct env *e, uint64_t tablet, const char *k, const char *v)
{
    struct txn *t = begin(e, TXN_REPEATABLE_READ);
    ASSERT_OK(put(t, tablet, k, v));
    ASSERT_OK(txn_commit(t, NULL));
}

/* The value as a static string, or NULL if absent. */
static const char *get(struct txn *t, uint64_t tablet, const char *k)
{
    static char out[4][256];
    static int slot;
    struct buf v;
    buf_init(&v);
    int rc = txn_get(t, tablet, k, strlen(k), &v);
    if (rc == ERR_NOT_FOUND) {
        buf_deinit(&v);
        return NULL;
    }
    ASSERT_OK(rc);
    char *o = out[slot++ % 4];
    ASSERT(v.len < 256);
    memcpy(o, v.data, v.len);
    o[v.len] = '\0';
    buf_deinit(&v);
    return o;
}

static const char *fresh_get(struct env *e, uint64_t tablet, const char *k)
{
    struct txn *t = begin(e, TXN_REPEATABLE_READ);
    const char *v = get(t, tablet, k);
    ASSERT_OK(txn_commit(t, NULL));
    return v;
}

static const char *or_absent(const char *s)
{
    return s ? s : "(absent)";
}
#define STR_IS(a, b) ASSERT_STR_EQ(or_absent(a), or_absent(b))

/* Scans and renders "k=v," pairs. */
static const char *scan(struct txn *t, uint64_t tablet, const char *start, const char *end,
                        int reverse, uint64_t limit)
{
    static char out[8192];
    out[0] = '\0';
    struct txn_scan *sc;
    ASSERT_OK(txn_scan_open(t, tablet, start, start ? strlen(start) : 0, end, end ? strlen(end) : 0,
                            reverse, limit, &sc));
    const uint8_t *k, *v;
    size_t kl, vl;
    int rc;
    while ((rc = txn_scan_next(sc, &k, &kl, &v, &vl)) == 0) {
        size_t n = strlen(out);
        snprintf(out + n, sizeof out - n, "%.*s=%.*s,", (int)kl, k, (int)vl, v);
    }
    ASSERT_EQ(rc, ERR_NOT_FOUND);
    txn_scan_close(sc);
    return out;
}

static void sleep_ms(int ms)
{
    struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

TEST(txn_reads_own_writes)
{
    struct env e;
    env_open(&e, test_dir());
    ASSERT_OK(txn_tablet_create(e.m, T1));
    ASSERT_OK(txn_tablet_create(e.m, T2));
    ASSERT_EQ(txn_tablet_create(e.m, T1), ERR_EXISTS);
    commit_put(&e, T1, "a", "1");
    commit_put(&e, T1, "c", "3");

    struct txn *t = begin(&e, TXN_REPEATABLE_READ);
    STR_IS(get(t, T1, "a"), "1");
    ASSERT_OK(put(t, T1, "b", "2"));
    ASSERT_OK(put(t, T1, "a", "10"));
    ASSERT_OK(put(t, T1, "a", "11")); /* Last write wins. */
    ASSERT_OK(put(t, T1, "c", NULL));
    ASSERT_OK(put(t, T2, "a", "other"));
    STR_IS(get(t, T1, "a"), "11");
    STR_IS(get(t, T1, "b"), "2");
    STR_IS(get(t, T1, "c"), NULL);
    STR_IS(get(t, T2, "a"), "other");
    ASSERT_EQ(txn_n_writes(t), 4);
    /* Others do not see uncommitted writes. */
    STR_IS(fresh_get(&e, T1, "a"), "1");
    STR_IS(fresh_get(&e, T1, "b"), NULL);
    uint64_t cts;
    ASSERT_OK(txn_commit(t, &cts));
    ASSERT(cts > 0);
    STR_IS(fresh_get(&e, T1, "a"), "11");
    STR_IS(fresh_get(&e, T1, "b"), "2");
    STR_IS(fresh_get(&e, T1, "c"), NULL);
    STR_IS(fresh_get(&e, T2, "a"), "other");

    /* Unknown tablet. */
    t = begin(&e, TXN_REPEATABLE_READ);
    struct buf v;
    buf_init(&v);
    ASSERT_EQ(txn_get(t, 99, "a", 1, &v), ERR_NOT_FOUND);
    buf_deinit(&v);
    ASSERT_OK(put(t, 99, "a", "x"));
    ASSERT_EQ(txn_commit(t, NULL), ERR_NOT_FOUND);
    ASSERT(txn_is_poisoned(t));
    txn_rollback(t);
    env_close(&e);
}

TEST(txn_scan_merges_own_writes)
{
    struct env e;
    env_open(&e, test_dir());
    ASSERT_OK(txn_tablet_create(e.m, T1));
    ASSERT_OK(txn_tablet_create(e.m, T2));
    struct txn *t = begin(&e, TXN_REPEATABLE_READ);
    for (int i = 0; i < 10; i += 2) {
        char k[8];
        snprintf(k, sizeof k, "k%d", i);
        ASSERT_OK(put(t, T1, k, "c"));
    }
    ASSERT_OK(put(t, T2, "k1", "other tablet"));
    ASSERT_OK(txn_commit(t, NULL));

    t = begin(&e, TXN_REPEATABLE_READ);
    ASSERT_STR_EQ(scan(t, T1, NULL, NULL, 0, 0), "k0=c,k2=c,k4=c,k6=c,k8=c,");
    ASSERT_OK(put(t, T1, "k1", "o"));
    ASSERT_OK(put(t, T1, "k4", "O"));
    ASSERT_OK(put(t, T1, "k6", NULL));
    ASSERT_OK(put(t, T1, "k9", "o"));
    ASSERT_OK(put(t, T1, "a", "o"));
    ASSERT_OK(put(t, T1, "k5", NULL)); /* Deleting an absent row. */
    ASSERT_STR_EQ(scan(t, T1, NULL, NULL, 0, 0), "a=o,k0=c,k1=o,k2=c,k4=O,k8=c,k9=o,");
    ASSERT_STR_EQ(scan(t, T1, NULL, NULL, 1, 0), "k9=o,k8=c,k4=O,k2=c,k1=o,k0=c,a=o,");
    ASSERT_STR_EQ(scan(t, T1, "k1", "k8", 0, 0), "k1=o,k2=c,k4=O,");
    ASSERT_STR_EQ(scan(t, T1, "k1", "k8", 1, 0), "k4=O,k2=c,k1=o,");
    ASSERT_STR_EQ(scan(t, T1, "k0", NULL, 0, 3), "k0=c,k1=o,k2=c,");
    ASSERT_STR_EQ(scan(t, T1, NULL, "k9", 1, 2), "k8=c,k4=O,");
    ASSERT_STR_EQ(scan(t, T1, "k6", "k8", 0, 0), "");
    ASSERT_STR_EQ(scan(t, T1, "k5", "k7", 1, 1), "");
    ASSERT_STR_EQ(scan(t, T2, NULL, NULL, 0, 0), "k1=other tablet,");
    ASSERT_STR_EQ(scan(t, T2, NULL, NULL, 1, 0), "k1=other tablet,");

    /* An open scan sees the write set as of its opening. */
    struct txn_scan *sc;
    ASSERT_OK(txn_scan_open(t, T1, "k", 1, NULL, 0, 0, 0, &sc));
    const uint8_t *k, *v;
    size_t kl, vl;
    ASSERT_OK(txn_scan_next(sc, &k, &kl, &v, &vl));
    ASSERT_MEM_EQ(k, "k0", 2);
    ASSERT_OK(put(t, T1, "k3", "new")); /* Ahead of the cursor: not seen. */
    ASSERT_OK(put(t, T1, "k4", "changed"));
    ASSERT_OK(put(t, T1, "k8", NULL));
    char got[256] = "";
    while (txn_scan_next(sc, &k, &kl, &v, &vl) == 0) {
        size_t n = strlen(got);
        snprintf(got + n, sizeof got - n, "%.*s=%.*s,", (int)kl, k, (int)vl, v);
    }
    txn_scan_close(sc);
    ASSERT_STR_EQ(got, "k1=o,k2=c,k4=O,k8=c,k9=o,");
    ASSERT_STR_EQ(scan(t, T1, "k", NULL, 0, 0), "k0=c,k1=o,k2=c,k3=new,k4=changed,k9=o,");
    /* Statements and commit refuse to run with a scan open. */
    ASSERT_OK(txn_scan_open(t, T1, NULL, 0, NULL, 0, 0, 0, &sc));
    ASSERT_EQ(txn_stmt_begin(t), ERR_INVALID);
    ASSERT_EQ(txn_commit(t, NULL), ERR_INVALID);
    txn_scan_close(sc);
    txn_rollback(t);
    env_close(&e);
}

TEST(txn_snapshot_isolation_and_consistent_snapshot)
{
    struct env e;
    env_open(&e, test_dir());
    ASSERT_OK(txn_tablet_create(e.m, T1));
    commit_put(&e, T1, "k", "v1");

    /* The snapshot is taken at the first read. */
    struct txn *a = begin(&e, TXN_REPEATABLE_READ);
    ASSERT_U64_EQ(txn_snapshot_ts(a), 0);
    commit_put(&e, T1, "k", "v2");
    STR_IS(get(a, T1, "k"), "v2");
    ASSERT(txn_snapshot_ts(a) > 0);
    commit_put(&e, T1, "k", "v3");
    commit_put(&e, T1, "new", "n");
    STR_IS(get(a, T1, "k"), "v2");
    STR_IS(get(a, T1, "new"), NULL);
    ASSERT_STR_EQ(scan(a, T1, NULL, NULL, 0, 0), "k=v2,");
    ASSERT_OK(txn_stmt_begin(a)); /* RR: statements share the snapshot. */
    STR_IS(get(a, T1, "k"), "v2");
    ASSERT_OK(txn_commit(a, NULL));
    STR_IS(fresh_get(&e, T1, "k"), "v3");

    /* WITH CONSISTENT SNAPSHOT: taken at begin. */
    struct txn_opts o;
    txn_opts_default(&o);
    o.consistent_snapshot = 1;
    ASSERT_OK(txn_begin(e.m, &o, &a));
    ASSERT(txn_snapshot_ts(a) > 0);
    commit_put(&e, T1, "k", "v4");
    STR_IS(get(a, T1, "k"), "v3");
    txn_rollback(a);

    /* A committed transaction is visible to its session's next snapshot. */
    for (int i = 0; i < 50; i++) {
        char v[16];
        snprintf(v, sizeof v, "w%d", i);
        commit_put(&e, T1, "k", v);
        STR_IS(fresh_get(&e, T1, "k"), v);
    }
    env_close(&e);
}

TEST(txn_read_committed_sees_commits_per_statement)
{
    struct env e;
    env_open(&e, test_dir());
    ASSERT_OK(txn_tablet_create(e.m, T1));
    commit_put(&e, T1, "k", "v1");
    struct txn *a = begin(&e, TXN_READ_COMMITTED);
    ASSERT_OK(txn_stmt_begin(a));
    STR_IS(get(a, T1, "k"), "v1");
    commit_put(&e, T1, "k", "v2");
    commit_put(&e, T1, "j", "j");
    STR_IS(get(a, T1, "k"), "v1"); /* Same statement: same snapshot. */
    ASSERT_STR_EQ(scan(a, T1, NULL, NULL, 0, 0), "k=v1,");
    ASSERT_OK(txn_stmt_begin(a));
    ASSERT_U64_EQ(txn_snapshot_ts(a), 0);
    STR_IS(get(a, T1, "k"), "v2");
    ASSERT_STR_EQ(scan(a, T1, NULL, NULL, 0, 0), "j=j,k=v2,");

    /* RC writes act on the newest committed version: no conflict error. */
    commit_put(&e, T1, "k", "v3");
    struct buf v;
    buf_init(&v);
    ASSERT_OK(txn_get_for_update(a, T1, "k", 1, LOCK_X, 0, &v));
    ASSERT_EQ(v.len, 2);
    ASSERT_MEM_EQ(v.data, "v3", 2); /* A current read. */
    STR_IS(get(a, T1, "k"), "v2");  /* A consistent read still sees the statement's snapshot. */
    ASSERT_OK(put(a, T1, "k", "rc"));
    STR_IS(get(a, T1, "k"), "rc");
    ASSERT_OK(txn_commit(a, NULL));
    buf_deinit(&v);
    STR_IS(fresh_get(&e, T1, "k"), "rc");
    env_close(&e);
}

TEST(txn_write_conflict_after_snapshot)
{
    struct env e;
    env_open(&e, test_dir());
    ASSERT_OK(txn_tablet_create(e.m, T1));
    commit_put(&e, T1, "k", "v1");
    commit_put(&e, T1, "other", "o");

    struct txn *a = begin(&e, TXN_REPEATABLE_READ);
    STR_IS(get(a, T1, "other"), "o"); /* Snapshot taken. */
    ASSERT_OK(put(a, T1, "mine", "m"));
    commit_put(&e, T1, "k", "v2");
    ASSERT_EQ(put(a, T1, "k", "lost"), ERR_CONFLICT);
    ASSERT(txn_is_poisoned(a));
    /* Poisoned: locks are gone at once, only rollback is legal. */
    struct txn *b = begin(&e, TXN_REPEATABLE_READ);
    ASSERT_OK(put(b, T1, "mine", "b"));
    ASSERT_OK(txn_commit(b, NULL));
    struct buf v;
    buf_init(&v);
    ASSERT_EQ(txn_get(a, T1, "k", 1, &v), ERR_INVALID);
    ASSERT_EQ(put(a, T1, "x", "y"), ERR_INVALID);
    ASSERT_EQ(txn_commit(a, NULL), ERR_INVALID);
    txn_rollback(a);
    STR_IS(fresh_get(&e, T1, "k"), "v2");
    STR_IS(fresh_get(&e, T1, "mine"), "b");

    /* Deleting a changed row conflicts too, and so do locking reads (S and X). */
    for (int mode = 0; mode < 3; mode++) {
        a = begin(&e, TXN_REPEATABLE_READ);
        STR_IS(get(a, T1, "other"), "o");
        commit_put(&e, T1, "k", mode == 1 ? "s" : "x");
        int rc = mode == 0 ? put(a, T1, "k", NULL)
                           : txn_lock(a, T1, "k", 1, mode == 1 ? LOCK_S : LOCK_X, 0);
        ASSERT_EQ(rc, ERR_CONFLICT);
        txn_rollback(a);
    }
    /* A row changed before the snapshot is no conflict. */
    a = begin(&e, TXN_REPEATABLE_READ);
    ASSERT_OK(txn_get_for_update(a, T1, "k", 1, LOCK_X, 0, &v));
    ASSERT_MEM_EQ(v.data, "x", 1);
    ASSERT_OK(put(a, T1, "k", "final"));
    ASSERT_OK(txn_commit(a, NULL));
    buf_deinit(&v);
    struct txn_mgr_stats st;
    txn_mgr_stats(e.m, &st);
    ASSERT_EQ(st.n_conflicts, 4);
    env_close(&e);
}

struct bg_put {
    struct env *e;
    struct txn *t;
    const char *key, *value;
    int rc;
    atomic_int done;
};

static void *bg_put_thread(void *p)
{
    struct bg_put *a = p;
    a->rc = put(a->t, T1, a->key, a->value);
    atomic_store(&a->done, 1);
    return NULL;
}

static int lock_waits(struct env *e)
{
    struct txn_mgr_stats st;
    txn_mgr_stats(e->m, &st);
    return (int)st.locks.n_waits;
}

static void wait_lock_waits(struct env *e, int n)
{
    for (int i = 0; i < 5000 && lock_waits(e) < n; i++)
        sleep_ms(1);
    ASSERT(lock_waits(e) >= n);
    sleep_ms(5);
}

TEST(txn_lost_update_prevented)
{
    struct env e;
    env_open(&e, test_dir());
    ASSERT_OK(txn_tablet_create(e.m, T1));
    commit_put(&e, T1, "n", "10");

    /* Both read 10; the first to write wins; the second conflicts. */
    struct txn *a = begin(&e, TXN_REPEATABLE_READ), *b = begin(&e, TXN_REPEATABLE_READ);
    STR_IS(get(a, T1, "n"), "10");
    STR_IS(get(b, T1, "n"), "10");
    ASSERT_OK(put(a, T1, "n", "11"));
    /* b's write waits for a's lock; when a commits, b conflicts. */
    struct bg_put bp = {.e = &e, .t = b, .key = "n", .value = "11"};
    pthread_t th;
    ASSERT_EQ(pthread_create(&th, NULL, bg_put_thread, &bp), 0);
    wait_lock_waits(&e, 1);
    ASSERT_EQ(atomic_load(&bp.done), 0);
    ASSERT_OK(txn_commit(a, NULL));
    pthread_join(th, NULL);
    ASSERT_EQ(bp.rc, ERR_CONFLICT);
    txn_rollback(b);
    STR_IS(fresh_get(&e, T1, "n"), "11");

    /* If the first rolls back instead, the second proceeds. */
    a = begin(&e, TXN_REPEATABLE_READ);
    b = begin(&e, TXN_REPEATABLE_READ);
    STR_IS(get(b, T1, "n"), "11");
    ASSERT_OK(put(a, T1, "n", "12"));
    bp = (struct bg_put){.e = &e, .t = b, .key = "n", .value = "12b"};
    ASSERT_EQ(pthread_create(&th, NULL, bg_put_thread, &bp), 0);
    wait_lock_waits(&e, 2);
    txn_rollback(a);
    pthread_join(th, NULL);
    ASSERT_OK(bp.rc);
    ASSERT_OK(txn_commit(b, NULL));
    STR_IS(fresh_get(&e, T1, "n"), "12b");
    env_close(&e);
}

TEST(txn_write_skew_is_allowed)
{
    /* Snapshot isolation's known anomaly: two doctors on call. */
    struct env e;
    env_open(&e, test_dir());
    ASSERT_OK(txn_tablet_create(e.m, T1));
    commit_put(&e, T1, "alice", "on");
    commit_put(&e, T1, "bob", "on");
    struct txn *a = begin(&e, TXN_REPEATABLE_READ), *b = begin(&e, TXN_REPEATABLE_READ);
    ASSERT_STR_EQ(scan(a, T1, NULL, NULL, 0, 0), "alice=on,bob=on,");
    ASSERT_STR_EQ(scan(b, T1, NULL, NULL, 0, 0), "alice=on,bob=on,");
    ASSERT_OK(put(a, T1, "alice", "off"));
    ASSERT_OK(put(b, T1, "bob", "off"));
    ASSERT_OK(txn_commit(a, NULL));
    ASSERT_OK(txn_commit(b, NULL));
    STR_IS(fresh_get(&e, T1, "alice"), "off");
    STR_IS(fresh_get(&e, T1, "bob"), "off");
    /* Locking reads (FOR SHARE) prevent it: the second writer conflicts or waits. */
    commit_put(&e, T1, "alice", "on");
    commit_put(&e, T1, "bob", "on");
    a = begin(&e, TXN_REPEATABLE_READ);
    b = begin(&e, TXN_REPEATABLE_READ);
    ASSERT_OK(txn_lock(a, T1, "alice", 5, LOCK_S, 0));
    ASSERT_OK(txn_lock(a, T1, "bob", 3, LOCK_S, 0));
    ASSERT_OK(txn_lock(b, T1, "alice", 5, LOCK_S, 0));
    ASSERT_OK(txn_lock(b, T1, "bob", 3, LOCK_S, 0));
    txn_set_lock_wait_timeout(a, 0);
    ASSERT_EQ(put(a, T1, "alice", "off"), ERR_TIMEOUT); /* b holds S. */
    ASSERT(!txn_is_poisoned(a));
    txn_rollback(a);
    ASSERT_OK(put(b, T1, "bob", "off"));
    ASSERT_OK(txn_commit(b, NULL));
    env_close(&e);
}

TEST(txn_statement_rollback_and_savepoints)
{
    struct env e;
    env_open(&e, test_dir());
    ASSERT_OK(txn_tablet_create(e.m, T1));
    commit_put(&e, T1, "c", "3");
    struct txn *t = begin(&e, TXN_REPEATABLE_READ);
    ASSERT_OK(txn_stmt_begin(t));
    ASSERT_OK(put(t, T1, "a", "1"));
    ASSERT_OK(txn_stmt_begin(t));
    ASSERT_OK(put(t, T1, "b", "2"));
    ASSERT_OK(put(t, T1, "a", "2"));
    ASSERT_OK(put(t, T1, "c", NULL));
    ASSERT_OK(put(t, T1, "a", "3"));
    ASSERT_STR_EQ(scan(t, T1, NULL, NULL, 0, 0), "a=3,b=2,");
    txn_stmt_rollback(t);
    STR_IS(get(t, T1, "a"), "1");
    STR_IS(get(t, T1, "b"), NULL);
    STR_IS(get(t, T1, "c"), "3");
    ASSERT_STR_EQ(scan(t, T1, NULL, NULL, 0, 0), "a=1,c=3,");
    ASSERT_EQ(txn_n_writes(t), 1);
    /* Locks of the undone statement are kept (as InnoDB keeps them). */
    struct txn *o = begin(&e, TXN_REPEATABLE_READ);
    txn_set_lock_wait_timeout(o, 0);
    ASSERT_EQ(put(o, T1, "b", "x"), ERR_TIMEOUT);
    txn_rollback(o);

    /* Savepoints. */
    ASSERT_OK(txn_stmt_begin(t));
    uint64_t sp = txn_savepoint(t);
    ASSERT_OK(put(t, T1, "d", "4"));
    uint64_t sp2 = txn_savepoint(t);
    ASSERT_OK(put(t, T1, "e", "5"));
    txn_rollback_to_savepoint(t, sp2);
    ASSERT_STR_EQ(scan(t, T1, NULL, NULL, 0, 0), "a=1,c=3,d=4,");
    txn_rollback_to_savepoint(t, sp);
    ASSERT_STR_EQ(scan(t, T1, NULL, NULL, 0, 0), "a=1,c=3,");
    ASSERT_OK(put(t, T1, "f", "6"));
    ASSERT_OK(txn_commit(t, NULL));
    t = begin(&e, TXN_REPEATABLE_READ);
    ASSERT_STR_EQ(scan(t, T1, NULL, NULL, 0, 0), "a=1,c=3,f=6,");
    txn_rollback(t);

    /* A statement that only rolled back writes commits nothing. */
    t = begin(&e, TXN_REPEATABLE_READ);
    ASSERT_OK(txn_stmt_begin(t));
    ASSERT_OK(put(t, T1, "z", "z"));
    txn_stmt_rollback(t);
    uint64_t cts = 1;
    ASSERT_OK(txn_commit(t, &cts));
    ASSERT_U64_EQ(cts, 0);
    STR_IS(fresh_get(&e, T1, "z"), NULL);
    env_close(&e);
}

TEST(txn_rollback_undoes_all)
{
    struct env e;
    env_open(&e, test_dir());
    ASSERT_OK(txn_tablet_create(e.m, T1));
    commit_put(&e, T1, "a", "1");
    struct txn *t = begin(&e, TXN_REPEATABLE_READ);
    for (int i = 0; i < 100; i++) {
        char k[16];
        snprintf(k, sizeof k, "r%03d", i);
        ASSERT_OK(put(t, T1, k, "x"));
    }
    ASSERT_OK(put(t, T1, "a", NULL));
    txn_rollback(t);
    t = begin(&e, TXN_REPEATABLE_READ);
    ASSERT_STR_EQ(scan(t, T1, NULL, NULL, 0, 0), "a=1,");
    /* Its locks are gone. */
    txn_set_lock_wait_timeout(t, 0);
    ASSERT_OK(put(t, T1, "r050", "y"));
    ASSERT_OK(txn_commit(t, NULL));
    env_close(&e);
}

TEST(txn_commit_durable_across_reopen)
{
    const char *dir = test_dir();
    struct env e;
    env_open(&e, dir);
    ASSERT_OK(txn_tablet_create(e.m, T1));
    uint64_t last = 0;
    for (int i = 0; i < 20; i++) {
        struct txn *t = begin(&e, TXN_REPEATABLE_READ);
        char k[16], v[16];
        snprintf(k, sizeof k, "k%02d", i);
        snprintf(v, sizeof v, "v%d", i);
        ASSERT_OK(put(t, T1, k, v));
        if (i % 3 == 0)
            ASSERT_OK(put(t, T1, "multi", v));
        uint64_t cts;
        ASSERT_OK(txn_commit(t, &cts));
        ASSERT(cts > last);
        last = cts;
    }
    struct txn *t = begin(&e, TXN_REPEATABLE_READ);
    ASSERT_OK(put(t, T1, "uncommitted", "u"));
    txn_rollback(t);
    env_close(&e);

    env_open(&e, dir);
    t = begin(&e, TXN_REPEATABLE_READ);
    STR_IS(get(t, T1, "k00"), "v0");
    STR_IS(get(t, T1, "k19"), "v19");
    STR_IS(get(t, T1, "multi"), "v18");
    STR_IS(get(t, T1, "uncommitted"), NULL);
    ASSERT(txn_snapshot_ts(t) >= last);
    ASSERT_OK(put(t, T1, "after", "a"));
    uint64_t cts;
    ASSERT_OK(txn_commit(t, &cts));
    ASSERT(cts > last);
    env_close(&e);
}

TEST(txn_read_only)
{
    struct env e;
    env_open(&e, test_dir());
    ASSERT_OK(txn_tablet_create(e.m, T1));
    commit_put(&e, T1, "a", "1");
    struct txn_opts o;
    txn_opts_default(&o);
    o.read_only = 1;
    struct txn *t;
    ASSERT_OK(txn_begin(e.m, &o, &t));
    ASSERT(txn_is_read_only(t));
    STR_IS(get(t, T1, "a"), "1");
    ASSERT_EQ(put(t, T1, "a", "2"), ERR_READONLY);
    ASSERT_EQ(put(t, T1, "a", NULL), ERR_READONLY);
    ASSERT(!txn_is_poisoned(t));
    ASSERT_OK(txn_lock(t, T1, "a", 1, LOCK_S, 0)); /* Locking reads are allowed. */
    ASSERT_OK(txn_commit(t, NULL));
    STR_IS(fresh_get(&e, T1, "a"), "1");
    env_close(&e);
}

TEST(txn_too_big)
{
    struct env e;
    env_open_opts(&e, test_dir(), 0, 256 << 10);
    ASSERT_OK(txn_tablet_create(e.m, T1));
    struct txn *t = begin(&e, TXN_REPEATABLE_READ);
    char *big = mem_alloc(KV_VALUE_MAX + 1);
    ASSERT(big);
    memset(big, 'v', KV_VALUE_MAX + 1);
    ASSERT_EQ(txn_put(t, T1, "k", 1, big, KV_VALUE_MAX + 1), ERR_TOO_BIG);
    ASSERT_EQ(txn_put(t, T1, big, KV_KEY_MAX + 1, "v", 1), ERR_TOO_BIG);
    int n = 0, rc = 0;
    for (; n < 1000; n++) {
        char k[16];
        snprintf(k, sizeof k, "k%04d", n);
        ASSERT_OK(txn_stmt_begin(t));
        if ((rc = txn_put(t, T1, k, strlen(k), big, 10000)) != 0)
            break;
    }
    ASSERT_EQ(rc, ERR_TOO_BIG);
    ASSERT(n > 10 && n < 30);
    ASSERT(!txn_is_poisoned(t));
    txn_stmt_rollback(t);
    ASSERT_OK(txn_commit(t, NULL));
    t = begin(&e, TXN_REPEATABLE_READ);
    struct buf v;
    buf_init(&v);
    ASSERT_OK(txn_get(t, T1, "k0000", 5, &v));
    ASSERT_EQ(v.len, 10000);
    ASSERT_EQ(txn_get(t, T1, "k0999", 5, &v), ERR_NOT_FOUND);
    buf_deinit(&v);
    txn_rollback(t);
    mem_free(big);
    env_close(&e);
}

TEST(txn_deadlock_timeout_and_interrupt)
{
    struct env e;
    env_open(&e, test_dir());
    ASSERT_OK(txn_tablet_create(e.m, T1));
    /* Deadlock: a holds x, b holds y; a waits for y; b asks for x -> b is the victim. */
    struct txn *a = begin(&e, TXN_REPEATABLE_READ), *b = begin(&e, TXN_REPEATABLE_READ);
    ASSERT_OK(put(a, T1, "x", "a"));
    ASSERT_OK(put(b, T1, "y", "b"));
    struct bg_put bp = {.e = &e, .t = a, .key = "y", .value = "a"};
    pthread_t th;
    ASSERT_EQ(pthread_create(&th, NULL, bg_put_thread, &bp), 0);
    wait_lock_waits(&e, 1);
    ASSERT_EQ(put(b, T1, "x", "b"), ERR_DEADLOCK);
    ASSERT(txn_is_poisoned(b)); /* Rolled back internally: a goes on at once. */
    pthread_join(th, NULL);
    ASSERT_OK(bp.rc);
    txn_rollback(b);
    ASSERT_OK(txn_commit(a, NULL));
    STR_IS(fresh_get(&e, T1, "x"), "a");
    STR_IS(fresh_get(&e, T1, "y"), "a");

    /* Timeout: only the statement fails. */
    a = begin(&e, TXN_REPEATABLE_READ);
    b = begin(&e, TXN_REPEATABLE_READ);
    ASSERT_OK(put(a, T1, "x", "a2"));
    txn_set_lock_wait_timeout(b, 100);
    ASSERT_OK(txn_stmt_begin(b));
    ASSERT_OK(put(b, T1, "free", "f"));
    uint64_t t0 = os_now_ns();
    ASSERT_EQ(put(b, T1, "x", "b"), ERR_TIMEOUT);
    ASSERT((os_now_ns() - t0) / 1000000 >= 99);
    ASSERT(!txn_is_poisoned(b));
    txn_stmt_rollback(b);
    ASSERT_OK(txn_stmt_begin(b));
    ASSERT_OK(put(b, T1, "other", "o"));

    /* Interrupt: a waiting statement returns ERR_CLOSED promptly. */
    txn_set_lock_wait_timeout(b, 60000);
    bp = (struct bg_put){.e = &e, .t = b, .key = "x", .value = "b"};
    int w = lock_waits(&e);
    ASSERT_EQ(pthread_create(&th, NULL, bg_put_thread, &bp), 0);
    wait_lock_waits(&e, w + 1);
    t0 = os_now_ns();
    txn_interrupt(b);
    pthread_join(th, NULL);
    ASSERT_EQ(bp.rc, ERR_CLOSED);
    ASSERT((os_now_ns() - t0) / 1000000 < 1000);
    ASSERT(!txn_is_poisoned(b));
    txn_clear_interrupt(b);
    ASSERT_OK(txn_commit(a, NULL));
    ASSERT_EQ(put(b, T1, "x", "b"), ERR_CONFLICT); /* a committed x after b's snapshot. */
    txn_rollback(b);
    env_close(&e);
}

TEST(txn_snapshot_pin_survives_merges)
{
    struct env e;
    env_open(&e, test_dir());
    ASSERT_OK(txn_tablet_create(e.m, T1));
    commit_put(&e, T1, "k", "old");
    commit_put(&e, T1, "gone", "g");
    struct txn *a = begin(&e, TXN_REPEATABLE_READ);
    STR_IS(get(a, T1, "k"), "old");
    for (int i = 0; i < 20; i++) {
        char v[16];
        snprintf(v, sizeof v, "new%d", i);
        commit_put(&e, T1, "k", v);
    }
    commit_put(&e, T1, "gone", NULL);
    ASSERT_OK(store_minor_merge(e.s, T1));
    ASSERT_OK(store_major_merge(e.s, T1));
    STR_IS(get(a, T1, "k"), "old");
    STR_IS(get(a, T1, "gone"), "g");
    ASSERT_STR_EQ(scan(a, T1, NULL, NULL, 0, 0), "gone=g,k=old,");
    txn_rollback(a);
    STR_IS(fresh_get(&e, T1, "k"), "new19");
    STR_IS(fresh_get(&e, T1, "gone"), NULL);
    env_close(&e);
}

TEST(txn_commit_failure_poisons)
{
    const char *dir = test_dir();
    struct os_vfs *fv;
    ASSERT_OK(vfs_fault_create(os_vfs_posix(), &fv));
    struct env e;
    struct store_opts o;
    store_opts_default(&o, dir);
    o.vfs = fv;
    o.no_background = 1;
    ASSERT_OK(store_open(&o, &e.s));
    ASSERT_OK(kv_local_create(e.s, &e.kv));
    struct txn_mgr_opts mo;
    txn_mgr_opts_default(&mo, e.kv, dir);
    ASSERT_OK(txn_mgr_open(&mo, &e.m));
    ASSERT_OK(txn_tablet_create(e.m, T1));
    commit_put(&e, T1, "a", "1");

    struct txn *t = begin(&e, TXN_REPEATABLE_READ);
    ASSERT_OK(put(t, T1, "a", "2"));
    ASSERT_OK(put(t, T1, "b", "2"));
    vfs_fault_arm(fv, 1, VFS_FAULT_SYNC, 0); /* The commit's fdatasync fails. */
    int rc = txn_commit(t, NULL);
    ASSERT(rc == ERR_READONLY || rc == ERR_IO);
    ASSERT(txn_is_poisoned(t));
    ASSERT_EQ(txn_commit(t, NULL), ERR_INVALID);
    txn_rollback(t);
    /* Its locks are gone; the store now refuses writes; reads go on. */
    t = begin(&e, TXN_REPEATABLE_READ);
    txn_set_lock_wait_timeout(t, 0);
    ASSERT_OK(put(t, T1, "b", "3"));
    ASSERT_EQ(txn_commit(t, NULL), ERR_READONLY);
    txn_rollback(t);
    t = begin(&e, TXN_REPEATABLE_READ);
    ASSERT(get(t, T1, "a") != NULL);
    txn_rollback(t);
    env_close(&e);
    vfs_fault_destroy(fv);

    /* After a restart the failed commit is wholly there or wholly absent. */
    env_open(&e, dir);
    t = begin(&e, TXN_REPEATABLE_READ);
    const char *a = get(t, T1, "a"), *b = get(t, T1, "b");
    ASSERT(a);
    if (strcmp(a, "2") == 0)
        STR_IS(b, "2");
    else {
        STR_IS(a, "1");
        STR_IS(b, NULL);
    }
    txn_rollback(t);
    env_close(&e);
}

/* ---- Bank ---- */

#define BANK         10
#define N_ACCT       20
#define N_THREADS    8
#define START_BAL    1000
#define BANK_SECONDS 5

static _Atomic int64_t expected[N_ACCT]; /* Sum of committed deltas per account. */
static atomic_int bank_stop, bank_bad;
static _Atomic uint64_t n_transfers, n_retries, n_audits;

struct bank_arg {
    struct env *e;
    int id;
    uint64_t seed;
    char msg[256];
};

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void acct_key(char *k, int i)
{
    snprintf(k, 8, "acct%02d", i);
}

static void bad(struct bank_arg *a, const char *what, int rc)
{
    if (!atomic_exchange(&bank_bad, 1))
        snprintf(a->msg, sizeof a->msg, "thread %d: %s: %s (%s)", a->id, what, err_name(rc),
                 err_msg());
}

/* Sums the accounts as one transaction sees them; -1 on error. */
static int64_t audit(struct bank_arg *a, int iso, int how)
{
    struct txn_opts o;
    txn_opts_default(&o);
    o.isolation = (enum txn_isolation)iso;
    o.read_only = how & 1;
    struct txn *t;
    int rc = txn_begin(a->e->m, &o, &t);
    if (rc) {
        bad(a, "audit begin", rc);
        return -1;
    }
    txn_stmt_begin(t);
    int64_t sum = 0;
    int n = 0;
    if (how < 2) {
        struct buf v;
        buf_init(&v);
        for (int i = 0; i < N_ACCT && !rc; i++) {
            char k[8];
            acct_key(k, i);
            rc = txn_get(t, BANK, k, 6, &v);
            if (!rc && v.len == 8) {
                sum += (int64_t)le64_get(v.data);
                n++;
            }
        }
        buf_deinit(&v);
    } else {
        struct txn_scan *sc;
        rc = txn_scan_open(t, BANK, NULL, 0, NULL, 0, how == 3, 0, &sc);
        const uint8_t *k, *v;
        size_t kl, vl;
        while (!rc && (rc = txn_scan_next(sc, &k, &kl, &v, &vl)) == 0) {
            if (vl == 8) {
                sum += (int64_t)le64_get(v);
                n++;
            }
        }
        if (rc == ERR_NOT_FOUND)
            rc = 0;
        if (sc)
            txn_scan_close(sc);
    }
    txn_rollback(t);
    if (rc) {
        bad(a, "audit read", rc);
        return -1;
    }
    if (n != N_ACCT) {
        bad(a, "audit: missing accounts", 0);
        return -1;
    }
    atomic_fetch_add(&n_audits, 1);
    return sum;
}

/* One transfer attempt: 0 committed, 1 retry (conflict, deadlock, timeout), -1 failure. */
static int transfer(struct bank_arg *a, uint64_t *s)
{
    int from = (int)(rnd(s) % N_ACCT), to = (int)(rnd(s) % (N_ACCT - 1));
    if (to >= from)
        to++;
    int64_t amount = 1 + (int64_t)(rnd(s) % 100);
    int style =
        a->id %
        4; /* 0: RR locking reads; 1: RR plain reads; 2: RC locking reads; 3: RR, reverse order. */
    struct txn_opts o;
    txn_opts_default(&o);
    o.isolation = style == 2 ? TXN_READ_COMMITTED : TXN_REPEATABLE_READ;
    o.lock_wait_timeout_ms = 2000;
    struct txn *t;
    int rc = txn_begin(a->e->m, &o, &t);
    if (rc) {
        bad(a, "begin", rc);
        return -1;
    }
    txn_stmt_begin(t);
    int order[2] = {from, to};
    if (style == 3) {
        order[0] = to;
        order[1] = from;
    }
    int64_t bal[2] = {0, 0};
    struct buf v;
    buf_init(&v);
    for (int i = 0; i < 2 && !rc; i++) {
        char k[8];
        acct_key(k, order[i]);
        if (style == 1)
            rc = txn_get(t, BANK, k, 6, &v);
        else
            rc = txn_get_for_update(t, BANK, k, 6, LOCK_X, 0, &v);
        if (!rc && v.len != 8)
            rc = ERR_CORRUPT;
        if (!rc)
            bal[i] = (int64_t)le64_get(v.data);
    }
    buf_deinit(&v);
    for (int i = 0; i < 2 && !rc; i++) {
        int64_t nb = bal[i] + ((order[i] == from) ? -amount : amount);
        uint8_t b[8];
        le64_put(b, (uint64_t)nb);
        char k[8];
        acct_key(k, order[i]);
        rc = txn_put(t, BANK, k, 6, b, 8);
    }
    if (!rc) {
        rc = txn_commit(t, NULL);
        if (!rc) {
            atomic_fetch_sub(&expected[from], amount);
            atomic_fetch_add(&expected[to], amount);
            atomic_fetch_add(&n_transfers, 1);
            return 0;
        }
    }
    txn_rollback(t);
    if (rc == ERR_CONFLICT || rc == ERR_DEADLOCK || rc == ERR_TIMEOUT) {
        atomic_fetch_add(&n_retries, 1);
        return 1;
    }
    bad(a, "transfer", rc);
    return -1;
}

static void *bank_thread(void *p)
{
    struct bank_arg *a = p;
    uint64_t s = a->seed;
    while (!atomic_load(&bank_stop) && !atomic_load(&bank_bad)) {
        if (transfer(a, &s) < 0)
            break;
        if (rnd(&s) % 4 == 0) {
            int how = (int)(rnd(&s) % 4);
            int iso = rnd(&s) % 2 ? TXN_READ_COMMITTED : TXN_REPEATABLE_READ;
            int64_t sum = audit(a, iso, how);
            if (sum >= 0 && sum != (int64_t)N_ACCT * START_BAL) {
                if (!atomic_exchange(&bank_bad, 1))
                    snprintf(a->msg, sizeof a->msg, "thread %d: audit (iso %d, how %d) sum %lld",
                             a->id, iso, how, (long long)sum);
            }
        }
    }
    return NULL;
}

/* Merges while the bank runs, so pinned snapshots are put to work. */
static void *merge_thread(void *p)
{
    struct env *e = p;
    for (int i = 0; !atomic_load(&bank_stop); i++) {
        if (i % 4 == 3)
            store_major_merge(e->s, BANK);
        else
            store_minor_merge(e->s, BANK);
        sleep_ms(30);
    }
    return NULL;
}

TEST(txn_bank_transfers_keep_the_total)
{
    uint64_t seed = test_seed();
    struct env e;
    env_open_opts(&e, test_dir(), 1, 0);
    ASSERT_OK(txn_tablet_create(e.m, BANK));
    struct txn *t = begin(&e, TXN_REPEATABLE_READ);
    for (int i = 0; i < N_ACCT; i++) {
        char k[8];
        acct_key(k, i);
        uint8_t b[8];
        le64_put(b, START_BAL);
        ASSERT_OK(txn_put(t, BANK, k, 6, b, 8));
        atomic_store(&expected[i], 0);
    }
    ASSERT_OK(txn_commit(t, NULL));

    pthread_t th[N_THREADS], mt;
    struct bank_arg args[N_THREADS];
    for (int i = 0; i < N_THREADS; i++) {
        args[i] = (struct bank_arg){.e = &e, .id = i, .seed = seed * 7919 + (uint64_t)i + 1};
        ASSERT_EQ(pthread_create(&th[i], NULL, bank_thread, &args[i]), 0);
    }
    ASSERT_EQ(pthread_create(&mt, NULL, merge_thread, &e), 0);
    for (int i = 0; i < BANK_SECONDS * 10 && !atomic_load(&bank_bad); i++)
        sleep_ms(100);
    atomic_store(&bank_stop, 1);
    for (int i = 0; i < N_THREADS; i++)
        pthread_join(th[i], NULL);
    pthread_join(mt, NULL);
    for (int i = 0; i < N_THREADS; i++)
        if (args[i].msg[0])
            fprintf(stderr, "  %s\n", args[i].msg);
    ASSERT_EQ(atomic_load(&bank_bad), 0);

    struct txn_mgr_stats st;
    txn_mgr_stats(e.m, &st);
    fprintf(stderr,
            "  %llu transfers, %llu retries (%llu conflicts, %llu deadlocks, %llu timeouts), "
            "%llu audits\n",
            (unsigned long long)n_transfers, (unsigned long long)n_retries,
            (unsigned long long)st.n_conflicts, (unsigned long long)st.locks.n_deadlocks,
            (unsigned long long)st.locks.n_timeouts, (unsigned long long)n_audits);
    ASSERT(n_transfers > 100);
    ASSERT(n_audits > 10);

    /* Every account holds exactly what the committed transfers say. */
    t = begin(&e, TXN_REPEATABLE_READ);
    int64_t sum = 0;
    struct buf v;
    buf_init(&v);
    for (int i = 0; i < N_ACCT; i++) {
        char k[8];
        acct_key(k, i);
        ASSERT_OK(txn_get(t, BANK, k, 6, &v));
        ASSERT_EQ(v.len, 8);
        int64_t b = (int64_t)le64_get(v.data);
        ASSERT_EQ(b, START_BAL + atomic_load(&expected[i]));
        sum += b;
    }
    buf_deinit(&v);
    txn_rollback(t);
    ASSERT_EQ(sum, (int64_t)N_ACCT * START_BAL);
    env_close(&e);

    /* And after a restart. */
    env_open(&e, test_dir());
    t = begin(&e, TXN_REPEATABLE_READ);
    sum = 0;
    struct txn_scan *sc;
    ASSERT_OK(txn_scan_open(t, BANK, NULL, 0, NULL, 0, 0, 0, &sc));
    const uint8_t *k, *val;
    size_t kl, vl;
    int n = 0;
    while (txn_scan_next(sc, &k, &kl, &val, &vl) == 0) {
        ASSERT_EQ(vl, 8);
        sum += (int64_t)le64_get(val);
        n++;
    }
    txn_scan_close(sc);
    txn_rollback(t);
    ASSERT_EQ(n, N_ACCT);
    ASSERT_EQ(sum, (int64_t)N_ACCT * START_BAL);
    env_close(&e);
}
