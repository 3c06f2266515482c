/*
 * test_crash.c: the tablet store killed with SIGKILL in the middle of work.
 *
 * Each cycle forks a child that opens the store in the test's folder with
 * background threads on and MemTables small enough that freezes and minor and
 * major merges run all the time, starts a second thread that asks for
 * freezes and merges now and then, and writes numbered batches one after the
 * other; after each acknowledged store_write it sends the batch number to the
 * parent through a pipe. The parent kills the child at a random moment (0 to
 * 300 ms after the fork, so sometimes while it is still recovering), opens the
 * store itself and checks it against what the child acknowledged.
 *
 * Batches are a pure function of (seed, batch number): 2 to 8 operations on
 * 1 to 3 of 4 tablets, the first always a put, some deletes, every value
 * carrying its batch and operation number (value seed, model.h). Batch b
 * commits at ts = b. So the checker knows the state after any prefix of
 * batches: the store must hold exactly the state after batches 1..N for some
 * N in {A, A+1, A+2}, where A is the last batch reported (the child may have
 * been killed after a write was acknowledged but before reporting it, or
 * while writing the next one). Anything else is a lost acknowledged batch, a
 * partial batch, or a batch out of order. The next cycle's child continues
 * after batch N in the same folder, so recovery runs on top of recovery.
 *
 * Sizes: STORE_CRASH_CYCLES (default 50), STORE_CRASH_MAX_MS (default 300).
 * TEST_SEED replays the batch contents and kill delays (not the exact timing).
 */
#include "test.h"

#include "model.h"

#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "os/clock.h"
#include "storage/kv.h"
#include "storage/store.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CR_TABLETS 4
#define CR_KEYS    48
#define CR_MAX_OPS 8
#define CR_OPENED  UINT64_MAX /* Sent by the child once its store is open. */

static const uint64_t cr_tablet_ids[CR_TABLETS] = {101, 7000000001ULL, 3, 1ULL << 50};

struct cr_op {
    uint8_t tab;    /* Tablet index. */
    uint8_t key;    /* Key index. */
    uint8_t kind;   /* KV_PUT or KV_DELETE. */
    uint32_t len;   /* Value length of a put. */
    uint64_t vseed; /* Value seed of a put: (batch << 8) | (op << 1) | random bit. */
};

struct cr_batch {
    uint32_t n;                   /* Operations. */
    struct cr_op ops[CR_MAX_OPS]; /* Them. */
};

/* Key k: a name plus 0 to 4 runs of filler, so keys of 6 to 246 bytes share prefixes. */
static size_t cr_key(unsigned k, char *out)
{
    int n = snprintf(out, 300, "key%03u", k);
    for (unsigned i = 0; i < (k * 7) % 5; i++)
        n += snprintf(out + n, (size_t)(300 - n), "%s",
                      "/padding-padding-padding-padding-padding-padding-padding-");
    return (size_t)n;
}

/* The batch numbered b (b >= 1). */
static void cr_batch_gen(uint64_t seed, uint64_t b, struct cr_batch *out)
{
    struct rng r = {tm_mix(seed, b)};
    unsigned n_tab = (unsigned)rng_range(&r, 1, 3);
    uint8_t tabs[CR_TABLETS] = {0, 1, 2, 3};
    for (unsigned i = 0; i < n_tab; i++) {
        unsigned j = i + (unsigned)rng_below(&r, CR_TABLETS - i);
        uint8_t t = tabs[i];
        tabs[i] = tabs[j];
        tabs[j] = t;
    }
    unsigned n_ops = (unsigned)rng_range(&r, 2, CR_MAX_OPS);
    out->n = 0;
    for (unsigned i = 0; i < n_ops; i++) {
        struct cr_op o;
        o.tab = tabs[rng_below(&r, n_tab)];
        o.key = (uint8_t)rng_below(&r, CR_KEYS);
        int dup = 0;
        for (unsigned j = 0; j < out->n; j++)
            dup |= out->ops[j].tab == o.tab && out->ops[j].key == o.key;
        if (dup)
            continue;
        o.kind = (out->n == 0 || !rng_pct(&r, 25)) ? KV_PUT : KV_DELETE;
        uint64_t p = rng_below(&r, 100);
        o.len = o.kind == KV_DELETE ? 0
                : p < 60            ? (uint32_t)rng_range(&r, 8, 200)
                : p < 95            ? (uint32_t)rng_range(&r, 200, 3000)
                                    : (uint32_t)rng_range(&r, 3000, 40000);
        o.vseed = o.kind == KV_DELETE ? 0 : (b << 8) | ((uint64_t)out->n << 1) | (rng_next(&r) & 1);
        out->ops[out->n++] = o;
    }
}

/* A state: per tablet and key, the value seed and length (0 = absent). */
struct cr_state {
    uint64_t seed[CR_TABLETS][CR_KEYS]; /* Value seeds. */
    uint32_t len[CR_TABLETS][CR_KEYS];  /* Value lengths. */
};

static void cr_apply(struct cr_state *st, uint64_t seed, uint64_t b)
{
    struct cr_batch bt;
    cr_batch_gen(seed, b, &bt);
    for (uint32_t i = 0; i < bt.n; i++) {
        st->seed[bt.ops[i].tab][bt.ops[i].key] = bt.ops[i].vseed;
        st->len[bt.ops[i].tab][bt.ops[i].key] = bt.ops[i].len;
    }
}

static void cr_opts(struct store_opts *o, const char *dir, struct rng *r, int background)
{
    static const uint64_t mt[] = {8192, 32768, 131072};
    static const size_t blk[] = {512, 4096};
    static const uint64_t seg[] = {32768, 262144, 0};
    store_opts_default(o, dir);
    o->no_background = !background;
    o->memtable_size = mt[rng_below(r, 3)];
    o->block_size = blk[rng_below(r, 2)];
    o->redo_segment_size = seg[rng_below(r, 3)];
    o->block_cache_size = 1u << 20;
    o->major_window_start = o->major_window_end = -1;
    if (rng_pct(r, 30))
        o->memory_budget = 2u << 20;
}

/* ------------------------------------------------------------- the child */

struct cr_child {
    struct store *s;   /* The open store. */
    uint64_t seed;     /* Its random choices. */
    volatile int stop; /* Never set: the child dies by SIGKILL. */
};

static void child_die(const char *what, int rc) __attribute__((noreturn));
static void child_die(const char *what, int rc)
{
    fprintf(stderr, "  crash child %d: %s: %s (%s)\n", (int)getpid(), what, err_name(rc),
            err_msg());
    _exit(3);
}

static void *child_merger(void *arg)
{
    struct cr_child *c = arg;
    struct rng r = {c->seed};
    while (!c->stop) {
        struct timespec d = {0, (long)rng_range(&r, 1, 15) * 1000000L};
        nanosleep(&d, NULL);
        uint64_t id = cr_tablet_ids[rng_below(&r, CR_TABLETS)];
        uint64_t p = rng_below(&r, 10);
        int rc;
        if (p < 5)
            rc = store_minor_merge(c->s, id);
        else if (p < 8)
            rc = store_major_merge(c->s, id);
        else if (p < 9)
            rc = store_freeze(c->s, id);
        else {
            store_request_major_merge(c->s);
            rc = 0;
        }
        if (rc)
            child_die(p < 5   ? "store_minor_merge"
                      : p < 8 ? "store_major_merge"
                              : "store_freeze",
                      rc);
    }
    return NULL;
}

static void child_send(int fd, uint64_t v)
{
    ssize_t n = write(fd, &v, sizeof v);
    if (n != (ssize_t)sizeof v)
        _exit(4); /* The parent went away. */
}

static void child_main(const char *dir, uint64_t seed, uint64_t cycle, uint64_t first, int fd)
    __attribute__((noreturn));
static void child_main(const char *dir, uint64_t seed, uint64_t cycle, uint64_t first, int fd)
{
    struct rng r = {tm_mix(seed ^ 0xc0ffee, cycle)};
    struct store_opts o;
    cr_opts(&o, dir, &r, 1);
    static struct cr_child c;
    c.seed = rng_next(&r);
    int rc = store_open(&o, &c.s);
    if (rc)
        child_die("store_open", rc);
    child_send(fd, CR_OPENED);
    pthread_t th;
    if (pthread_create(&th, NULL, child_merger, &c) != 0)
        child_die("pthread_create", ERR_INTERNAL);
    struct store_batch b;
    store_batch_init(&b);
    struct buf v;
    buf_init(&v);
    char key[300];
    for (uint64_t n = first;; n++) {
        struct cr_batch bt;
        cr_batch_gen(seed, n, &bt);
        store_batch_reset(&b);
        for (uint32_t i = 0; i < bt.n; i++) {
            size_t kl = cr_key(bt.ops[i].key, key);
            uint64_t id = cr_tablet_ids[bt.ops[i].tab];
            if (bt.ops[i].kind == KV_PUT) {
                value_make(&v, bt.ops[i].vseed, bt.ops[i].len);
                store_batch_put(&b, id, key, kl, v.data, v.len);
            } else {
                store_batch_delete(&b, id, key, kl);
            }
        }
        rc = store_write(c.s, &b, n);
        if (rc)
            child_die("store_write", rc);
        child_send(fd, n);
    }
}

/* ------------------------------------------------------------ the parent */

/* Reads the store's whole state; fails the test on any malformed key or value. */
static void cr_read_state(struct store *s, struct cr_state *st)
{
    memset(st, 0, sizeof *st);
    struct buf scratch, val;
    buf_init(&scratch);
    buf_init(&val);
    char key[300], hx[128];
    for (int t = 0; t < CR_TABLETS; t++) {
        ASSERT_OK(store_tablet_exists(s, cr_tablet_ids[t]));
        struct store_scan *sc;
        ASSERT_OK(store_scan_open(s, cr_tablet_ids[t], "", 0, NULL, 0, TS_MAX, 0, 0, &sc));
        int next_key = 0;
        for (;;) {
            const uint8_t *k, *v;
            size_t kl, vl;
            int rc = store_scan_next(sc, &k, &kl, &v, &vl);
            if (rc == ERR_NOT_FOUND)
                break;
            ASSERT_OK(rc);
            /* Key order equals index order (key%03u prefix). */
            int ki = -1;
            for (int i = next_key; i < CR_KEYS && ki < 0; i++) {
                size_t l = cr_key((unsigned)i, key);
                if (l == kl && memcmp(key, k, kl) == 0)
                    ki = i;
            }
            if (ki < 0)
                test_fail_(__FILE__, __LINE__, "tablet %llu: unexpected or out-of-order key %s",
                           (unsigned long long)cr_tablet_ids[t], tm_hex(k, kl, hx, sizeof hx));
            next_key = ki + 1;
            uint64_t vs = value_seed_of(v, vl);
            if (vs == 0 || !value_check(v, vl, vs, vl, &scratch))
                test_fail_(__FILE__, __LINE__, "tablet %llu key %d: malformed value of %zu bytes",
                           (unsigned long long)cr_tablet_ids[t], ki, vl);
            st->seed[t][ki] = vs;
            st->len[t][ki] = (uint32_t)vl;
        }
        store_scan_close(sc);
        /* Point reads agree with the scan. */
        for (int i = 0; i < CR_KEYS; i++) {
            size_t kl = cr_key((unsigned)i, key);
            int rc = store_get(s, cr_tablet_ids[t], key, kl, TS_MAX, &val);
            if (st->seed[t][i] == 0) {
                if (rc != ERR_NOT_FOUND)
                    test_fail_(__FILE__, __LINE__,
                               "tablet %llu key %d: scan says absent, get says %s",
                               (unsigned long long)cr_tablet_ids[t], i, err_name(rc));
            } else {
                ASSERT_OK(rc);
                if (value_seed_of(val.data, val.len) != st->seed[t][i] || val.len != st->len[t][i])
                    test_fail_(__FILE__, __LINE__, "tablet %llu key %d: scan and get disagree",
                               (unsigned long long)cr_tablet_ids[t], i);
            }
        }
    }
    buf_deinit(&scratch);
    buf_deinit(&val);
}

static int cr_equal(const struct cr_state *a, const struct cr_state *b)
{
    return memcmp(a->seed, b->seed, sizeof a->seed) == 0 &&
           memcmp(a->len, b->len, sizeof a->len) == 0;
}

/* Says, for a failure report, which batches after base the recovered state shows and how much of
 * each. */
static void cr_explain(uint64_t seed, const struct cr_state *got, uint64_t from, uint64_t to)
{
    for (uint64_t b = from; b <= to; b++) {
        struct cr_batch bt;
        cr_batch_gen(seed, b, &bt);
        uint32_t seen = 0, puts = 0;
        for (uint32_t i = 0; i < bt.n; i++) {
            if (bt.ops[i].kind != KV_PUT)
                continue;
            puts++;
            seen += got->seed[bt.ops[i].tab][bt.ops[i].key] == bt.ops[i].vseed;
        }
        fprintf(stderr, "    batch %llu: %u of its %u puts visible\n", (unsigned long long)b, seen,
                puts);
    }
    for (int t = 0; t < CR_TABLETS; t++)
        for (int k = 0; k < CR_KEYS; k++)
            if (got->seed[t][k] >> 8 > to)
                fprintf(stderr,
                        "    tablet %d key %d holds a value of batch %llu, never acknowledged\n", t,
                        k, (unsigned long long)(got->seed[t][k] >> 8));
}

/* The store logs every open and, under faults, every failure: quiet unless ATOLL_LOG asks. */
static void quiet_logs(void)
{
    if (!getenv("ATOLL_LOG"))
        log_set_level(LOG_WARN);
}

TEST(crash_kill9_cycles)
{
    quiet_logs();
    uint64_t seed = test_seed();
    uint64_t cycles = tm_env_u64("STORE_CRASH_CYCLES", 50);
    uint64_t max_ms = tm_env_u64("STORE_CRASH_MAX_MS", 300);
    struct rng r = {seed};
    char dir[600];
    snprintf(dir, sizeof dir, "%s/db", test_dir());
    struct store_opts o;
    struct store *s;
    cr_opts(&o, dir, &r, 0);
    ASSERT_OK(store_open(&o, &s));
    for (int t = 0; t < CR_TABLETS; t++)
        ASSERT_OK(store_tablet_create(s, cr_tablet_ids[t]));
    store_close(s);

    static struct cr_state base, cand[3], got;
    memset(&base, 0, sizeof base);
    uint64_t n_done = 0; /* Batches known to be in the store. */
    uint64_t t0 = os_now_ns();
    uint64_t n_before_open = 0, n_extra[3] = {0, 0, 0}, max_ts_seen = 0;
    uint64_t n_deltas_seen = 0, n_baselines_seen = 0; /* Evidence that the children's merges ran. */
    for (uint64_t cycle = 0; cycle < cycles; cycle++) {
        int fds[2];
        ASSERT_EQ(pipe(fds), 0);
        fflush(stdout);
        fflush(stderr);
        pid_t pid = fork();
        ASSERT(pid >= 0);
        if (pid == 0) {
            close(fds[0]);
            child_main(dir, seed, cycle, n_done + 1, fds[1]);
        }
        close(fds[1]);
        uint64_t delay_ms = rng_below(&r, max_ms + 1);
        uint64_t deadline = os_now_ns() + delay_ms * 1000000ULL;
        uint64_t last = n_done, n_reports = 0, bad_report = 0;
        int opened = 0, eof = 0;
        /* Drain the pipe while waiting, so the child never blocks on it. */
        for (;;) {
            uint64_t now = os_now_ns();
            int wait_ms = now >= deadline ? 0 : (int)((deadline - now + 999999) / 1000000);
            if (wait_ms == 0)
                break;
            struct pollfd pf = {.fd = fds[0], .events = POLLIN};
            int pr = poll(&pf, 1, wait_ms);
            if (pr <= 0)
                continue;
            uint64_t buf[512];
            ssize_t n = read(fds[0], buf, sizeof buf);
            if (n <= 0) {
                eof = 1;
                break;
            }
            for (ssize_t i = 0; i < n / 8; i++) {
                if (buf[i] == CR_OPENED) {
                    opened = 1;
                    continue;
                }
                if (buf[i] != last + 1 && !bad_report)
                    bad_report = buf[i]; /* Reported after the child is dead. */
                last = buf[i];
                n_reports++;
            }
        }
        kill(pid, SIGKILL);
        for (;;) {
            uint64_t buf[512];
            ssize_t n = read(fds[0], buf, sizeof buf);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            for (ssize_t i = 0; i < n / 8; i++) {
                if (buf[i] == CR_OPENED) {
                    opened = 1;
                    continue;
                }
                if (buf[i] != last + 1 && !bad_report)
                    bad_report = buf[i];
                last = buf[i];
                n_reports++;
            }
        }
        close(fds[0]);
        int status = 0;
        ASSERT_EQ(waitpid(pid, &status, 0), pid);
        if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
            test_fail_(
                __FILE__, __LINE__,
                "cycle %llu: the child ended by itself (status 0x%x%s) before the kill; see its "
                "message above",
                (unsigned long long)cycle, status, eof ? ", pipe closed" : "");
        if (bad_report)
            test_fail_(__FILE__, __LINE__,
                       "cycle %llu: the child reported batch %llu out of sequence",
                       (unsigned long long)cycle, (unsigned long long)bad_report);
        n_before_open += !opened;

        /* Recover in the parent and compare with batches 1..A, A+1, A+2. */
        cr_opts(&o, dir, &r, 0);
        int rc = store_open(&o, &s);
        if (rc)
            test_fail_(__FILE__, __LINE__, "cycle %llu: reopen after kill -9 (%llu ms): %s (%s)",
                       (unsigned long long)cycle, (unsigned long long)delay_ms, err_name(rc),
                       err_msg());
        cr_read_state(s, &got);
        cand[0] = base;
        for (uint64_t b = n_done + 1; b <= last; b++)
            cr_apply(&cand[0], seed, b);
        cand[1] = cand[0];
        cr_apply(&cand[1], seed, last + 1);
        cand[2] = cand[1];
        cr_apply(&cand[2], seed, last + 2);
        int match = -1;
        for (int j = 2; j >= 0 && match < 0; j--)
            if (cr_equal(&cand[j], &got))
                match = j;
        if (match < 0) {
            fprintf(
                stderr,
                "  cycle %llu: killed after %llu ms; batches 1..%llu were in the store before it, "
                "the child acknowledged up to %llu\n",
                (unsigned long long)cycle, (unsigned long long)delay_ms, (unsigned long long)n_done,
                (unsigned long long)last);
            cr_explain(seed, &got, n_done > 3 ? n_done - 3 : 1, last + 2);
            test_fail_(
                __FILE__, __LINE__,
                "cycle %llu: recovered state is not the state after batch %llu, %llu or %llu "
                "(lost acknowledged write, partial batch or batches out of order)",
                (unsigned long long)cycle, (unsigned long long)last, (unsigned long long)last + 1,
                (unsigned long long)last + 2);
        }
        struct store_info si;
        store_info(s, &si);
        uint64_t new_done = last + (uint64_t)match;
        if (new_done > 0 && si.max_commit_ts != new_done)
            test_fail_(__FILE__, __LINE__,
                       "cycle %llu: max_commit_ts %llu after recovery, expected %llu",
                       (unsigned long long)cycle, (unsigned long long)si.max_commit_ts,
                       (unsigned long long)new_done);
        if (si.max_commit_ts > max_ts_seen)
            max_ts_seen = si.max_commit_ts;
        ASSERT_EQ(si.read_only, 0);
        for (int t = 0; t < CR_TABLETS; t++) {
            struct store_tablet_info ti;
            ASSERT_OK(store_tablet_info(s, cr_tablet_ids[t], &ti));
            n_deltas_seen += ti.n_deltas;
            n_baselines_seen += (uint64_t)ti.has_baseline;
        }
        store_close(s);
        base = cand[match];
        n_extra[match]++;
        n_done = new_done;
    }
    uint64_t ms = (os_now_ns() - t0) / 1000000;
    fprintf(stderr,
            "  %llu kill cycles in %llu ms: %llu batches durable at the end, %llu kills before the "
            "store was open; recovered state = last acknowledged + 0/1/2: %llu/%llu/%llu; after "
            "recovery, tablets had on average %.1f delta SSTables and %.1f baselines\n",
            (unsigned long long)cycles, (unsigned long long)ms, (unsigned long long)n_done,
            (unsigned long long)n_before_open, (unsigned long long)n_extra[0],
            (unsigned long long)n_extra[1], (unsigned long long)n_extra[2],
            cycles ? (double)n_deltas_seen / (double)(cycles * CR_TABLETS) : 0.0,
            cycles ? (double)n_baselines_seen / (double)(cycles * CR_TABLETS) : 0.0);
    ASSERT(cycles == 0 || n_done > 0);
}
