/* test_lock.c: unit tests of the row lock table (txn/lock.h). */
#include "test.h"

#include "base/err.h"
#include "base/mem.h"
#include "os/clock.h"
#include "txn/lock.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define FOREVER (3600ULL * 1000)

static void sleep_ms(int ms)
{
    struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

static int acq(struct lock_table *lt, struct lock_owner *o, const char *key, int mode,
               uint64_t timeout_ms)
{
    return lock_acquire(lt, o, 1, key, strlen(key), (enum lock_mode)mode, timeout_ms, 0);
}

static uint64_t n_waits(struct lock_table *lt)
{
    struct lock_stats s;
    lock_stats(lt, &s);
    return s.n_waits;
}

/* Waits until the table has seen at least n waits (a thread has queued). */
static void wait_for_waits(struct lock_table *lt, uint64_t n)
{
    for (int i = 0; i < 5000 && n_waits(lt) < n; i++)
        sleep_ms(1);
    ASSERT(n_waits(lt) >= n);
    sleep_ms(5); /* Let it reach its sleep. */
}

/* A thread that acquires one lock and records the result. */
struct acq_arg {
    struct lock_table *lt;
    struct lock_owner *o;
    const char *key;
    int mode;
    uint64_t timeout_ms;
    int rc;
    atomic_int done;
    int *order; /* Appends its tag here when granted (may be NULL). */
    atomic_int *order_len;
    int tag;
    uint64_t elapsed_ms;
};

static void *acq_thread(void *p)
{
    struct acq_arg *a = p;
    uint64_t t0 = os_now_ns();
    a->rc = acq(a->lt, a->o, a->key, a->mode, a->timeout_ms);
    a->elapsed_ms = (os_now_ns() - t0) / 1000000;
    if (a->rc == 0 && a->order)
        a->order[atomic_fetch_add(a->order_len, 1)] = a->tag;
    atomic_store(&a->done, 1);
    return NULL;
}

static void start(pthread_t *th, struct acq_arg *a)
{
    ASSERT_EQ(pthread_create(th, NULL, acq_thread, a), 0);
}

TEST(lock_compatibility_and_reentrancy)
{
    struct lock_table *lt;
    ASSERT_OK(lock_table_create(&lt));
    struct lock_owner a, b, c;
    lock_owner_init(&a, 1);
    lock_owner_init(&b, 2);
    lock_owner_init(&c, 3);

    /* S + S compatible; X conflicts with S. */
    ASSERT_OK(acq(lt, &a, "k", LOCK_S, 0));
    ASSERT_OK(acq(lt, &b, "k", LOCK_S, 0));
    ASSERT_EQ(acq(lt, &c, "k", LOCK_X, 0), ERR_TIMEOUT);
    ASSERT_EQ(lock_acquire(lt, &c, 1, "k", 1, LOCK_X, FOREVER, LOCK_NOWAIT), ERR_LOCKED);
    ASSERT_EQ(lock_held(lt, &a, 1, "k", 1), LOCK_S);
    ASSERT_EQ(lock_held(lt, &c, 1, "k", 1), 0);
    /* Same key in another tablet is another lock. */
    ASSERT_OK(lock_acquire(lt, &c, 2, "k", 1, LOCK_X, 0, 0));

    /* X conflicts with S and X. */
    ASSERT_OK(acq(lt, &a, "x", LOCK_X, 0));
    ASSERT_EQ(acq(lt, &b, "x", LOCK_S, 0), ERR_TIMEOUT);
    ASSERT_EQ(acq(lt, &b, "x", LOCK_X, 0), ERR_TIMEOUT);
    /* Re-entrant: X covers S and X. */
    ASSERT_OK(acq(lt, &a, "x", LOCK_S, 0));
    ASSERT_OK(acq(lt, &a, "x", LOCK_X, 0));
    ASSERT_EQ(lock_held(lt, &a, 1, "x", 1), LOCK_X);
    /* Re-entrant S. */
    ASSERT_OK(acq(lt, &a, "k", LOCK_S, 0));
    /* The empty key is a key. */
    ASSERT_OK(lock_acquire(lt, &a, 1, "", 0, LOCK_X, 0, 0));
    ASSERT_EQ(lock_acquire(lt, &b, 1, "", 0, LOCK_S, 0, 0), ERR_TIMEOUT);

    struct lock_stats st;
    lock_stats(lt, &st);
    ASSERT_EQ(st.n_locks,
              5); /* a: k, x, ""; b: k; c: tablet 2's k (its failed requests hold nothing). */
    ASSERT_EQ(a.n_locks, 3);

    lock_release_all(lt, &a);
    ASSERT_EQ(lock_held(lt, &a, 1, "x", 1), 0);
    ASSERT_OK(acq(lt, &b, "x", LOCK_X, 0));
    ASSERT_OK(lock_acquire(lt, &b, 1, "", 0, LOCK_S, 0, 0));
    lock_release_all(lt, &b);
    lock_release_all(lt, &c);
    lock_stats(lt, &st);
    ASSERT_EQ(st.n_locks, 0);
    lock_owner_deinit(&a);
    lock_owner_deinit(&b);
    lock_owner_deinit(&c);
    lock_table_destroy(lt);
}

TEST(lock_upgrade)
{
    struct lock_table *lt;
    ASSERT_OK(lock_table_create(&lt));
    struct lock_owner a, b;
    lock_owner_init(&a, 1);
    lock_owner_init(&b, 2);
    /* Sole holder: upgrade at once. */
    ASSERT_OK(acq(lt, &a, "k", LOCK_S, 0));
    ASSERT_OK(acq(lt, &a, "k", LOCK_X, 0));
    ASSERT_EQ(lock_held(lt, &a, 1, "k", 1), LOCK_X);
    ASSERT_EQ(acq(lt, &b, "k", LOCK_S, 0), ERR_TIMEOUT);
    lock_release_all(lt, &a);

    /* Another S holder: the upgrade waits, keeping S; a failed upgrade keeps S. */
    ASSERT_OK(acq(lt, &a, "k", LOCK_S, 0));
    ASSERT_OK(acq(lt, &b, "k", LOCK_S, 0));
    ASSERT_EQ(acq(lt, &a, "k", LOCK_X, 0), ERR_TIMEOUT);
    ASSERT_EQ(lock_held(lt, &a, 1, "k", 1), LOCK_S);
    struct acq_arg up = {.lt = lt, .o = &a, .key = "k", .mode = LOCK_X, .timeout_ms = FOREVER};
    pthread_t th;
    start(&th, &up);
    wait_for_waits(lt, 1);
    ASSERT_EQ(atomic_load(&up.done), 0);
    lock_release_all(lt, &b);
    pthread_join(th, NULL);
    ASSERT_OK(up.rc);
    ASSERT_EQ(lock_held(lt, &a, 1, "k", 1), LOCK_X);
    ASSERT_EQ(a.n_locks, 1);
    lock_release_all(lt, &a);

    /* An upgrade goes ahead of an X waiter that waits for it. */
    struct lock_owner c;
    lock_owner_init(&c, 3);
    ASSERT_OK(acq(lt, &a, "k", LOCK_S, 0));
    ASSERT_OK(acq(lt, &b, "k", LOCK_S, 0));
    struct acq_arg cx = {.lt = lt, .o = &c, .key = "k", .mode = LOCK_X, .timeout_ms = FOREVER};
    pthread_t thc;
    uint64_t w0 = n_waits(lt);
    start(&thc, &cx);
    wait_for_waits(lt, w0 + 1);
    struct acq_arg up2 = {.lt = lt, .o = &a, .key = "k", .mode = LOCK_X, .timeout_ms = FOREVER};
    start(&th, &up2);
    wait_for_waits(lt, w0 + 2);
    lock_release_all(lt, &b); /* Now a is the only holder: its upgrade goes first. */
    pthread_join(th, NULL);
    ASSERT_OK(up2.rc);
    ASSERT_EQ(atomic_load(&cx.done), 0);
    lock_release_all(lt, &a);
    pthread_join(thc, NULL);
    ASSERT_OK(cx.rc);
    lock_release_all(lt, &c);
    lock_owner_deinit(&a);
    lock_owner_deinit(&b);
    lock_owner_deinit(&c);
    lock_table_destroy(lt);
}

TEST(lock_fifo)
{
    struct lock_table *lt;
    ASSERT_OK(lock_table_create(&lt));
    struct lock_owner o[5];
    for (int i = 0; i < 5; i++)
        lock_owner_init(&o[i], (uint64_t)i + 1);
    int order[8];
    atomic_int order_len = 0;

    /* o0 holds X; o1 waits X, o2 waits S, o3 waits S, o4 waits X (arriving in that order). */
    ASSERT_OK(acq(lt, &o[0], "k", LOCK_X, 0));
    struct acq_arg a[5];
    pthread_t th[5];
    int modes[5] = {0, LOCK_X, LOCK_S, LOCK_S, LOCK_X};
    for (int i = 1; i < 5; i++) {
        a[i] = (struct acq_arg){.lt = lt,
                                .o = &o[i],
                                .key = "k",
                                .mode = modes[i],
                                .timeout_ms = FOREVER,
                                .order = order,
                                .order_len = &order_len,
                                .tag = i};
        uint64_t w0 = n_waits(lt);
        start(&th[i], &a[i]);
        wait_for_waits(lt, w0 + 1);
    }
    /* A new request queues behind the waiters. */
    struct lock_owner late;
    lock_owner_init(&late, 9);
    ASSERT_EQ(acq(lt, &late, "k", LOCK_S, 0), ERR_TIMEOUT);

    lock_release_all(lt, &o[0]);
    pthread_join(th[1], NULL);
    ASSERT_EQ(atomic_load(&order_len), 1);
    ASSERT_EQ(order[0], 1);
    sleep_ms(20);
    ASSERT_EQ(atomic_load(&a[2].done), 0);

    lock_release_all(lt, &o[1]); /* Both S waiters go together; X waits for them. */
    pthread_join(th[2], NULL);
    pthread_join(th[3], NULL);
    ASSERT_EQ(atomic_load(&order_len), 3);
    sleep_ms(20);
    ASSERT_EQ(atomic_load(&a[4].done), 0);
    /* With S holders and an X waiter, a new S request still queues (no overtaking). */
    ASSERT_EQ(acq(lt, &late, "k", LOCK_S, 0), ERR_TIMEOUT);
    lock_release_all(lt, &o[2]);
    sleep_ms(20);
    ASSERT_EQ(atomic_load(&a[4].done), 0);
    lock_release_all(lt, &o[3]);
    pthread_join(th[4], NULL);
    ASSERT_EQ(atomic_load(&order_len), 4);
    ASSERT_EQ(order[3], 4);
    for (int i = 1; i < 5; i++)
        ASSERT_OK(a[i].rc);
    lock_release_all(lt, &o[4]);
    lock_release_all(lt, &late);
    for (int i = 0; i < 5; i++)
        lock_owner_deinit(&o[i]);
    lock_owner_deinit(&late);
    lock_table_destroy(lt);
}

TEST(lock_wait_timeout)
{
    struct lock_table *lt;
    ASSERT_OK(lock_table_create(&lt));
    struct lock_owner a, b;
    lock_owner_init(&a, 1);
    lock_owner_init(&b, 2);
    ASSERT_OK(acq(lt, &a, "k", LOCK_X, 0));
    ASSERT_OK(acq(lt, &b, "other", LOCK_X, 0));
    uint64_t t0 = os_now_ns();
    ASSERT_EQ(acq(lt, &b, "k", LOCK_S, 150), ERR_TIMEOUT);
    uint64_t ms = (os_now_ns() - t0) / 1000000;
    ASSERT(ms >= 149 && ms < 2000);
    struct lock_stats st;
    lock_stats(lt, &st);
    ASSERT_EQ(st.n_timeouts, 1);
    /* b keeps its other lock; the timed-out request left no trace. */
    ASSERT_EQ(lock_held(lt, &b, 1, "other", 5), LOCK_X);
    ASSERT_EQ(lock_held(lt, &b, 1, "k", 1), 0);
    lock_release_all(lt, &a);
    ASSERT_OK(acq(lt, &b, "k", LOCK_X, 0));
    lock_release_all(lt, &b);
    lock_owner_deinit(&a);
    lock_owner_deinit(&b);
    lock_table_destroy(lt);
}

TEST(lock_deadlock_of_two_detected_at_the_request)
{
    struct lock_table *lt;
    ASSERT_OK(lock_table_create(&lt));
    struct lock_owner a, b;
    lock_owner_init(&a, 1);
    lock_owner_init(&b, 2);
    ASSERT_OK(acq(lt, &a, "A", LOCK_X, 0));
    ASSERT_OK(acq(lt, &b, "B", LOCK_X, 0));
    struct acq_arg wa = {.lt = lt, .o = &a, .key = "B", .mode = LOCK_X, .timeout_ms = FOREVER};
    pthread_t th;
    start(&th, &wa);
    wait_for_waits(lt, 1);
    uint64_t t0 = os_now_ns();
    ASSERT_EQ(acq(lt, &b, "A", LOCK_S, FOREVER), ERR_DEADLOCK);
    ASSERT((os_now_ns() - t0) / 1000000 < 1000);
    ASSERT_EQ(atomic_load(&wa.done), 0); /* a still waits: one victim. */
    lock_release_all(lt, &b);            /* The victim rolls back. */
    pthread_join(th, NULL);
    ASSERT_OK(wa.rc);
    struct lock_stats st;
    lock_stats(lt, &st);
    ASSERT_EQ(st.n_deadlocks, 1);
    lock_release_all(lt, &a);
    lock_owner_deinit(&a);
    lock_owner_deinit(&b);
    lock_table_destroy(lt);
}

TEST(lock_deadlock_of_upgrades)
{
    struct lock_table *lt;
    ASSERT_OK(lock_table_create(&lt));
    struct lock_owner a, b;
    lock_owner_init(&a, 1);
    lock_owner_init(&b, 2);
    ASSERT_OK(acq(lt, &a, "k", LOCK_S, 0));
    ASSERT_OK(acq(lt, &b, "k", LOCK_S, 0));
    struct acq_arg wa = {.lt = lt, .o = &a, .key = "k", .mode = LOCK_X, .timeout_ms = FOREVER};
    pthread_t th;
    start(&th, &wa);
    wait_for_waits(lt, 1);
    ASSERT_EQ(acq(lt, &b, "k", LOCK_X, FOREVER), ERR_DEADLOCK);
    ASSERT_EQ(lock_held(lt, &b, 1, "k", 1), LOCK_S);
    lock_release_all(lt, &b);
    pthread_join(th, NULL);
    ASSERT_OK(wa.rc);
    ASSERT_EQ(lock_held(lt, &a, 1, "k", 1), LOCK_X);
    lock_release_all(lt, &a);
    lock_owner_deinit(&a);
    lock_owner_deinit(&b);
    lock_table_destroy(lt);
}

/* n owners each hold key i and then, all at once, request key (i+1) % n. */
struct ring_arg {
    struct lock_table *lt;
    struct lock_owner *o;
    char want[8];
    pthread_barrier_t *bar;
    int rc;
    atomic_int *victims_released;
};

static void *ring_thread(void *p)
{
    struct ring_arg *a = p;
    pthread_barrier_wait(a->bar);
    a->rc = lock_acquire(a->lt, a->o, 1, a->want, strlen(a->want), LOCK_X, FOREVER, 0);
    if (a->rc == ERR_DEADLOCK) {
        /* The victim rolls back, releasing its lock so the others can go. */
        lock_release_all(a->lt, a->o);
    }
    return NULL;
}

static void deadlock_ring(int n, int rounds)
{
    struct lock_table *lt;
    ASSERT_OK(lock_table_create(&lt));
    for (int r = 0; r < rounds; r++) {
        struct lock_owner o[4];
        struct ring_arg a[4];
        pthread_t th[4];
        pthread_barrier_t bar;
        pthread_barrier_init(&bar, NULL, (unsigned)n);
        for (int i = 0; i < n; i++) {
            lock_owner_init(&o[i], (uint64_t)(r * 10 + i + 1));
            char k[8];
            snprintf(k, sizeof k, "k%d", i);
            ASSERT_OK(acq(lt, &o[i], k, LOCK_X, 0));
            a[i] = (struct ring_arg){.lt = lt, .o = &o[i], .bar = &bar};
            snprintf(a[i].want, sizeof a[i].want, "k%d", (i + 1) % n);
        }
        for (int i = 0; i < n; i++)
            ASSERT_EQ(pthread_create(&th[i], NULL, ring_thread, &a[i]), 0);
        /* The survivors finish in turn as each releases after being granted. */
        int victims = 0, ok = 0;
        int joined[4] = {0};
        for (int left = n; left > 0;) {
            for (int i = 0; i < n; i++) {
                if (joined[i])
                    continue;
                struct timespec ts;
                clock_gettime(CLOCK_REALTIME, &ts);
                ts.tv_nsec += 20000000;
                if (ts.tv_nsec >= 1000000000) {
                    ts.tv_sec++;
                    ts.tv_nsec -= 1000000000;
                }
                if (pthread_timedjoin_np(th[i], NULL, &ts) == 0) {
                    joined[i] = 1;
                    left--;
                    if (a[i].rc == ERR_DEADLOCK)
                        victims++;
                    else {
                        ASSERT_OK(a[i].rc);
                        ok++;
                        lock_release_all(lt, &o[i]);
                    }
                }
            }
        }
        ASSERT_EQ(victims, 1);
        ASSERT_EQ(ok, n - 1);
        for (int i = 0; i < n; i++)
            lock_owner_deinit(&o[i]);
        pthread_barrier_destroy(&bar);
    }
    struct lock_stats st;
    lock_stats(lt, &st);
    ASSERT_EQ(st.n_deadlocks, (uint64_t)rounds);
    ASSERT_EQ(st.n_locks, 0);
    lock_table_destroy(lt);
}

TEST(lock_deadlock_of_two_racing_has_one_victim)
{
    deadlock_ring(2, 100);
}

TEST(lock_deadlock_of_three_has_one_victim)
{
    deadlock_ring(3, 100);
}

TEST(lock_deadlock_through_a_queued_waiter)
{
    /* a holds S on k, b holds m, c holds n; b waits for X on k (for a); c
     * waits for S on k behind b; a then asks for n: a -> c -> b -> a. */
    struct lock_table *lt;
    ASSERT_OK(lock_table_create(&lt));
    struct lock_owner a, b, c;
    lock_owner_init(&a, 1);
    lock_owner_init(&b, 2);
    lock_owner_init(&c, 3);
    ASSERT_OK(acq(lt, &a, "k", LOCK_S, 0));
    ASSERT_OK(acq(lt, &b, "m", LOCK_X, 0));
    ASSERT_OK(acq(lt, &c, "n", LOCK_X, 0));
    struct acq_arg wb = {.lt = lt, .o = &b, .key = "k", .mode = LOCK_X, .timeout_ms = FOREVER};
    pthread_t thb;
    start(&thb, &wb);
    wait_for_waits(lt, 1);
    /* c requests S on k: compatible with a's S, but queued behind b's X (FIFO),
     * so c waits for b (an earlier incompatible waiter). */
    struct acq_arg wc = {.lt = lt, .o = &c, .key = "k", .mode = LOCK_S, .timeout_ms = FOREVER};
    pthread_t thc;
    start(&thc, &wc);
    wait_for_waits(lt, 2);
    ASSERT_EQ(acq(lt, &a, "n", LOCK_X, FOREVER), ERR_DEADLOCK);
    lock_release_all(lt, &a);
    pthread_join(thb, NULL);
    ASSERT_OK(wb.rc);
    lock_release_all(lt, &b);
    pthread_join(thc, NULL);
    ASSERT_OK(wc.rc);
    lock_release_all(lt, &c);
    lock_owner_deinit(&a);
    lock_owner_deinit(&b);
    lock_owner_deinit(&c);
    lock_table_destroy(lt);
}

TEST(lock_interrupt_ends_a_wait)
{
    struct lock_table *lt;
    ASSERT_OK(lock_table_create(&lt));
    struct lock_owner a, b;
    lock_owner_init(&a, 1);
    lock_owner_init(&b, 2);
    ASSERT_OK(acq(lt, &a, "k", LOCK_X, 0));
    struct acq_arg wb = {.lt = lt, .o = &b, .key = "k", .mode = LOCK_S, .timeout_ms = FOREVER};
    pthread_t th;
    start(&th, &wb);
    wait_for_waits(lt, 1);
    uint64_t t0 = os_now_ns();
    lock_interrupt(lt, &b);
    pthread_join(th, NULL);
    ASSERT_EQ(wb.rc, ERR_CLOSED);
    ASSERT((os_now_ns() - t0) / 1000000 < 1000);
    /* While the flag is set, waits fail at once; free locks are still granted. */
    ASSERT_EQ(acq(lt, &b, "k", LOCK_S, FOREVER), ERR_CLOSED);
    ASSERT_OK(acq(lt, &b, "free", LOCK_X, FOREVER));
    lock_clear_interrupt(&b);
    ASSERT_EQ(acq(lt, &b, "k", LOCK_S, 30), ERR_TIMEOUT);
    lock_release_all(lt, &a);
    ASSERT_OK(acq(lt, &b, "k", LOCK_S, 30));
    lock_release_all(lt, &b);
    lock_owner_deinit(&a);
    lock_owner_deinit(&b);
    lock_table_destroy(lt);
}

TEST(lock_many_keys)
{
    struct lock_table *lt;
    ASSERT_OK(lock_table_create(&lt));
    struct lock_owner a, b;
    lock_owner_init(&a, 1);
    lock_owner_init(&b, 2);
    char k[32];
    for (int i = 0; i < 50000; i++) {
        snprintf(k, sizeof k, "key%d", i);
        ASSERT_OK(
            lock_acquire(lt, &a, (uint64_t)(i % 7), k, strlen(k), i % 2 ? LOCK_S : LOCK_X, 0, 0));
    }
    ASSERT_EQ(a.n_locks, 50000);
    for (int i = 0; i < 50000; i += 97) {
        snprintf(k, sizeof k, "key%d", i);
        int rc = lock_acquire(lt, &b, (uint64_t)(i % 7), k, strlen(k), LOCK_S, 0, 0);
        ASSERT_EQ(rc, i % 2 ? 0 : ERR_TIMEOUT);
    }
    lock_release_all(lt, &a);
    lock_release_all(lt, &b);
    struct lock_stats st;
    lock_stats(lt, &st);
    ASSERT_EQ(st.n_locks, 0);
    lock_owner_deinit(&a);
    lock_owner_deinit(&b);
    lock_table_destroy(lt);
}

/* Stress: 8 threads lock random keys in random modes; each key's holders are checked. */
#define ST_KEYS    12
#define ST_THREADS 8
static atomic_int st_x[ST_KEYS], st_s[ST_KEYS];
static atomic_int st_bad;

struct stress_arg {
    struct lock_table *lt;
    uint64_t seed;
    int id;
    int n_ok, n_deadlock, n_timeout;
};

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void *stress_thread(void *p)
{
    struct stress_arg *a = p;
    struct lock_owner o;
    lock_owner_init(&o, (uint64_t)a->id + 1);
    uint64_t s = a->seed;
    for (int round = 0; round < 300; round++) {
        int held[ST_KEYS] = {0};
        int n = 1 + (int)(rnd(&s) % 4), failed = 0;
        for (int i = 0; i < n && !failed; i++) {
            int k = (int)(rnd(&s) % ST_KEYS);
            int mode = rnd(&s) % 3 ? LOCK_X : LOCK_S;
            char key[8];
            snprintf(key, sizeof key, "%d", k);
            int rc = lock_acquire(a->lt, &o, 1, key, strlen(key), (enum lock_mode)mode, 200, 0);
            if (rc) {
                if (rc == ERR_DEADLOCK)
                    a->n_deadlock++;
                else if (rc == ERR_TIMEOUT)
                    a->n_timeout++;
                else
                    atomic_store(&st_bad, 1);
                failed = 1;
                break;
            }
            /* Record the mode now held (X dominates S). */
            if (mode == LOCK_X && held[k] != LOCK_X) {
                if (held[k] == LOCK_S)
                    atomic_fetch_sub(&st_s[k], 1);
                if (atomic_fetch_add(&st_x[k], 1) != 0 || atomic_load(&st_s[k]) != 0)
                    atomic_store(&st_bad, 1);
                held[k] = LOCK_X;
            } else if (mode == LOCK_S && held[k] == 0) {
                atomic_fetch_add(&st_s[k], 1);
                if (atomic_load(&st_x[k]) != 0)
                    atomic_store(&st_bad, 1);
                held[k] = LOCK_S;
            }
            /* Hold for a moment so others queue behind us. */
            struct timespec d = {0, (long)(rnd(&s) % 200000)};
            nanosleep(&d, NULL);
        }
        if (!failed)
            a->n_ok++;
        for (int k = 0; k < ST_KEYS; k++) {
            if (held[k] == LOCK_X)
                atomic_fetch_sub(&st_x[k], 1);
            else if (held[k] == LOCK_S)
                atomic_fetch_sub(&st_s[k], 1);
        }
        lock_release_all(a->lt, &o);
    }
    lock_owner_deinit(&o);
    return NULL;
}

TEST(lock_stress_exclusion_holds)
{
    uint64_t seed = test_seed();
    struct lock_table *lt;
    ASSERT_OK(lock_table_create(&lt));
    pthread_t th[ST_THREADS];
    struct stress_arg a[ST_THREADS];
    for (int i = 0; i < ST_THREADS; i++) {
        a[i] = (struct stress_arg){.lt = lt, .seed = seed * 31 + (uint64_t)i + 1, .id = i};
        ASSERT_EQ(pthread_create(&th[i], NULL, stress_thread, &a[i]), 0);
    }
    int ok = 0, dl = 0, to = 0;
    for (int i = 0; i < ST_THREADS; i++) {
        pthread_join(th[i], NULL);
        ok += a[i].n_ok;
        dl += a[i].n_deadlock;
        to += a[i].n_timeout;
    }
    fprintf(stderr, "  %d ok, %d deadlocks, %d timeouts\n", ok, dl, to);
    ASSERT_EQ(atomic_load(&st_bad), 0);
    ASSERT(ok > 0);
    struct lock_stats st;
    lock_stats(lt, &st);
    ASSERT_EQ(st.n_locks, 0);
    ASSERT_EQ(st.n_deadlocks, (uint64_t)dl);
    lock_table_destroy(lt);
}
