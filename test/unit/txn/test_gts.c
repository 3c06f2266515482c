/* test_gts.c: unit tests of the timestamp service (txn/gts.h). */
#include "test.h"

#include "base/err.h"
#include "base/mem.h"
#include "os/vfs_fault.h"
#include "txn/gts.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* A wall clock the test sets by hand. */
static _Atomic uint64_t fake_wall;
static uint64_t fake_wall_ns(const struct os_clock *c)
{
    (void)c;
    return atomic_load(&fake_wall);
}
static uint64_t fake_mono_ns(const struct os_clock *c)
{
    (void)c;
    return os_now_ns();
}
static void fake_sleep(const struct os_clock *c, uint64_t ns)
{
    (void)c;
    struct timespec t = {(time_t)(ns / 1000000000ULL), (long)(ns % 1000000000ULL)};
    nanosleep(&t, NULL);
}
static const struct os_clock fake_clock = {fake_wall_ns, fake_mono_ns, fake_sleep, NULL};

#define SEC_NS 1000000000ULL
#define T0_US  1700000000000000ULL /* Some day in 2023, in µs. */

static struct gts *open_gts(const char *dir, uint64_t min_ts, uint64_t reserve,
                            const struct os_vfs *vfs)
{
    struct gts_opts o = {
        .dir = dir, .vfs = vfs, .clock = &fake_clock, .min_ts = min_ts, .reserve_us = reserve};
    struct gts *g;
    ASSERT_OK(gts_open(&o, &g));
    return g;
}

TEST(gts_strictly_increasing_with_stopped_and_backward_clock)
{
    atomic_store(&fake_wall, T0_US * 1000);
    struct gts *g = open_gts(test_dir(), 0, 0, NULL);
    uint64_t prev = 0, ts;
    /* A stopped clock: +1 each. */
    for (int i = 0; i < 100; i++) {
        ASSERT_OK(gts_next(g, &ts));
        ASSERT(ts > prev);
        if (i > 0)
            ASSERT_U64_EQ(ts, prev + 1);
        prev = ts;
    }
    ASSERT(prev >= T0_US);
    /* The clock jumps ahead: the timestamp follows it. */
    atomic_store(&fake_wall, (T0_US + 5000000) * 1000);
    ASSERT_OK(gts_next(g, &ts));
    ASSERT_U64_EQ(ts, T0_US + 5000000);
    prev = ts;
    /* The clock steps back by an hour: timestamps keep increasing. */
    atomic_store(&fake_wall, (T0_US - 3600ULL * 1000000) * 1000);
    for (int i = 0; i < 100; i++) {
        ASSERT_OK(gts_next(g, &ts));
        ASSERT_U64_EQ(ts, prev + 1);
        prev = ts;
    }
    ASSERT_U64_EQ(gts_last(g), prev);
    ASSERT(gts_ceiling(g) > prev);
    gts_close(g);
}

TEST(gts_monotonic_across_restart_with_clock_going_back)
{
    const char *dir = test_dir();
    atomic_store(&fake_wall, T0_US * 1000);
    /* A small reserve so issuing passes the ceiling many times. */
    struct gts *g = open_gts(dir, 0, 50, NULL);
    uint64_t ts = 0, last = 0;
    for (int i = 0; i < 1000; i++) {
        atomic_fetch_add(&fake_wall, 7000); /* 7 µs per step. */
        ASSERT_OK(gts_next(g, &ts));
        ASSERT(ts > last);
        last = ts;
    }
    ASSERT(gts_ceiling(g) > last);
    ASSERT(gts_ceiling(g) <= last + 50 + 7);
    gts_close(g);

    /* Restart with the clock an hour behind and nothing committed. */
    atomic_store(&fake_wall, (T0_US - 3600ULL * 1000000) * 1000);
    g = open_gts(dir, 0, 50, NULL);
    ASSERT(gts_read_ts(g) >= last);
    ASSERT_OK(gts_next(g, &ts));
    ASSERT(ts > last);
    last = ts;
    gts_close(g);

    /* Restart with recovered commits above the ceiling. */
    g = open_gts(dir, last + 1000000, 0, NULL);
    ASSERT(gts_read_ts(g) >= last + 1000000);
    ASSERT_OK(gts_next(g, &ts));
    ASSERT(ts > last + 1000000);
    gts_close(g);

    /* Restart with the clock far ahead: the clock wins. */
    atomic_store(&fake_wall, (T0_US + 86400ULL * 1000000) * 1000);
    g = open_gts(dir, 0, 0, NULL);
    ASSERT_OK(gts_next(g, &ts));
    ASSERT_U64_EQ(ts, T0_US + 86400ULL * 1000000);
    gts_close(g);
}

TEST(gts_damaged_ceiling_file_is_refused)
{
    const char *dir = test_dir();
    atomic_store(&fake_wall, T0_US * 1000);
    struct gts *g = open_gts(dir, 0, 0, NULL);
    uint64_t ts;
    ASSERT_OK(gts_next(g, &ts));
    gts_close(g);
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, GTS_FILE);
    FILE *f = fopen(path, "r+b");
    ASSERT(f);
    fseek(f, 9, SEEK_SET);
    fputc(0x5a, f);
    fclose(f);
    struct gts_opts o = {.dir = dir, .clock = &fake_clock};
    ASSERT_EQ(gts_open(&o, &g), ERR_CORRUPT);
    /* Truncated. */
    f = fopen(path, "wb");
    ASSERT(f);
    fputc(1, f);
    fclose(f);
    ASSERT_EQ(gts_open(&o, &g), ERR_CORRUPT);
}

TEST(gts_ceiling_write_failure_issues_nothing)
{
    const char *dir = test_dir();
    struct os_vfs *fv;
    ASSERT_OK(vfs_fault_create(os_vfs_posix(), &fv));
    atomic_store(&fake_wall, T0_US * 1000);
    struct gts *g = open_gts(dir, 0, 100, fv);
    uint64_t ts, first;
    ASSERT_OK(gts_next(g, &first));
    uint64_t ceiling = gts_ceiling(g);
    /* Move the clock past the ceiling and fail the rewrite. */
    atomic_store(&fake_wall, (ceiling + 10) * 1000);
    vfs_fault_arm(fv, 1, VFS_FAULT_EIO, 1);
    int rc = gts_next(g, &ts);
    ASSERT_EQ(rc, ERR_IO);
    ASSERT_U64_EQ(gts_last(g), first);
    struct gts_commit c;
    ASSERT_EQ(gts_commit_begin(g, &c), ERR_IO);
    ASSERT_U64_EQ(gts_read_ts(g), first);
    /* The disk recovers: issuing resumes above everything. */
    vfs_fault_arm(fv, 0, VFS_FAULT_EIO, 0);
    ASSERT_OK(gts_next(g, &ts));
    ASSERT_U64_EQ(ts, ceiling + 10);
    gts_close(g);
    /* After a restart the persisted ceiling still covers it. */
    atomic_store(&fake_wall, T0_US * 1000);
    g = open_gts(dir, 0, 100, fv);
    uint64_t ts2;
    ASSERT_OK(gts_next(g, &ts2));
    ASSERT(ts2 > ts);
    gts_close(g);
    vfs_fault_destroy(fv);
}

struct end_arg {
    struct gts *g;
    struct gts_commit *c;
    atomic_int returned;
};

static void *end_thread(void *p)
{
    struct end_arg *a = p;
    gts_commit_end(a->g, a->c);
    atomic_store(&a->returned, 1);
    return NULL;
}

static void sleep_ms(int ms)
{
    struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

TEST(gts_read_ts_stays_below_commits_in_flight)
{
    atomic_store(&fake_wall, T0_US * 1000);
    struct gts *g = open_gts(test_dir(), 0, 0, NULL);
    uint64_t ts;
    ASSERT_OK(gts_next(g, &ts));
    ASSERT_U64_EQ(gts_read_ts(g), ts);

    struct gts_commit c1, c2, c3;
    ASSERT_OK(gts_commit_begin(g, &c1));
    ASSERT_OK(gts_commit_begin(g, &c2));
    ASSERT_OK(gts_commit_begin(g, &c3));
    ASSERT(c1.ts > ts && c2.ts > c1.ts && c3.ts > c2.ts);
    ASSERT_U64_EQ(gts_read_ts(g), c1.ts - 1);
    /* A plain timestamp issued meanwhile does not move the read timestamp. */
    uint64_t other;
    ASSERT_OK(gts_next(g, &other));
    ASSERT(other > c3.ts);
    ASSERT_U64_EQ(gts_read_ts(g), c1.ts - 1);

    /* c2 ends first: its end waits for c1; the read ts stays below c1. */
    struct end_arg a2 = {g, &c2, 0};
    pthread_t th;
    ASSERT_EQ(pthread_create(&th, NULL, end_thread, &a2), 0);
    sleep_ms(50);
    ASSERT_EQ(atomic_load(&a2.returned), 0);
    ASSERT_U64_EQ(gts_read_ts(g), c1.ts - 1);

    gts_commit_end(g, &c1);
    pthread_join(th, NULL);
    ASSERT_EQ(atomic_load(&a2.returned), 1);
    /* c1 and c2 done: below c3 now. */
    ASSERT_U64_EQ(gts_read_ts(g), c3.ts - 1);
    gts_commit_end(g, &c3);
    ASSERT_U64_EQ(gts_read_ts(g), other);
    ASSERT(gts_read_ts(g) >= c3.ts);
    gts_close(g);
}

#define N_THREADS 4
#define N_PER     20000

struct issue_arg {
    struct gts *g;
    uint64_t *out;
    int fail;
};

static void *issue_thread(void *p)
{
    struct issue_arg *a = p;
    uint64_t prev = 0;
    for (int i = 0; i < N_PER; i++) {
        struct gts_commit c;
        uint64_t read = gts_read_ts(a->g);
        if (gts_commit_begin(a->g, &c) != 0 || c.ts <= prev || c.ts <= read) {
            a->fail = 1;
            return NULL;
        }
        prev = c.ts;
        a->out[i] = c.ts;
        gts_commit_end(a->g, &c);
        /* After the end our own commit is below the read timestamp. */
        if (gts_read_ts(a->g) < c.ts) {
            a->fail = 1;
            return NULL;
        }
    }
    return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

TEST(gts_concurrent_commits_unique_and_visible_after_end)
{
    atomic_store(&fake_wall, T0_US * 1000);
    struct gts *g = open_gts(test_dir(), 0, 0, NULL);
    uint64_t *all = mem_alloc(sizeof(uint64_t) * N_THREADS * N_PER);
    ASSERT(all);
    pthread_t th[N_THREADS];
    struct issue_arg args[N_THREADS];
    for (int i = 0; i < N_THREADS; i++) {
        args[i] = (struct issue_arg){g, all + (size_t)i * N_PER, 0};
        ASSERT_EQ(pthread_create(&th[i], NULL, issue_thread, &args[i]), 0);
    }
    for (int i = 0; i < N_THREADS; i++) {
        pthread_join(th[i], NULL);
        ASSERT_EQ(args[i].fail, 0);
    }
    qsort(all, N_THREADS * N_PER, sizeof *all, cmp_u64);
    for (size_t i = 1; i < N_THREADS * N_PER; i++)
        ASSERT(all[i] > all[i - 1]);
    mem_free(all);
    gts_close(g);
}
