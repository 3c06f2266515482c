/*
 * test_fault.c: the tablet store under injected I/O faults and power loss,
 * through the fault file system of os/vfs_fault.h.
 *
 * fault_loop_* (one case per fault kind: EIO, ENOSPC, short write, failed
 * sync): a scripted workload (open a store that already holds data, write
 * batches over several tablets, create a tablet, freeze, minor merges, more
 * writes, major merges, drop a tablet, more writes, close) runs with the Nth
 * counted file system call failing, for N = 1, 2, 3, ... until a run finishes
 * without the fault firing; once with the fault sticky (every later call fails
 * too) and once as a single transient fault. Each run checks that
 *   - every call returns 0 or a known ERR_* code, and every error comes with
 *     an err_msg() that says more than the bare code;
 *   - a store_write that returned 0 after a sticky fault fired is a bug (it
 *     cannot have been made durable); after any failed sync (fsync or
 *     sync_dir, even a transient one) every later write must be refused, and
 *     when a write itself failed on one, store_info must say read-only;
 *   - the store closes in its failed state;
 *   - reopened without the fault, the store holds every acknowledged write,
 *     tablet creation and drop, and each failed one wholly or not at all
 *     (struct hist in model.h tries every combination);
 *   - the recovered store takes writes again.
 * After the first failure a run stops writing after three more attempts (so
 * the combinations stay few) but still runs its merges and closes. When the
 * script makes more calls than STORE_FAULT_RUNS (default 60) runs can cover,
 * N advances by a stride with a random start; STORE_FAULT_RUNS=0 tries every
 * N. Debugging: STORE_FAULT_N=n (with STORE_FAULT_STICKY=0/1) runs only that
 * N; STORE_FAULT_TRACE=1 prints each step and its result.
 *
 * fault_power_loss: the fault file system in power-loss mode; a store with no
 * background threads (merges are run synchronously by the test) does random
 * writes, freezes, merges and tablet creations and drops, then "loses power"
 * between two calls or, half the time, in the middle of one (a sticky EIO
 * armed at a random call stops all I/O from that point, then the power goes).
 * The store object is abandoned without store_close, the files are put back
 * as a power cut would leave them, and the store is reopened and checked:
 * nothing acknowledged is lost and the call interrupted is whole or absent.
 * Several crashes in a row hit the same folder, so recovery runs on top of
 * recovery. STORE_POWER_CRASHES (default 60) sets the number of crashes.
 */
#include "test.h"

#include "model.h"

#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "os/clock.h"
#include "os/vfs.h"
#include "os/vfs_fault.h"
#include "storage/kv.h"
#include "storage/store.h"

#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define F_KEYS            60
#define F_MAX_OPS         24
#define WRITES_AFTER_FAIL 3

static const uint64_t f_tablet_ids[HIST_MAX_SLOTS] = {11, 22, 33, 44, 55, 66, 77, 88};

/* The store logs every open and, under faults, every failure: quiet unless ATOLL_LOG asks. */
static void quiet_logs(void)
{
    if (!getenv("ATOLL_LOG"))
        log_set_level(LOG_OFF);
}

static int rm_cb(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void rm_rf(const char *path)
{
    nftw(path, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

/* One run's world: a store over the fault vfs, its history, the script's random choices. */
struct frun {
    struct os_vfs *vfs;       /* The fault file system. */
    char dir[700];            /* The store's folder. */
    struct store_opts opts;   /* How it is opened. */
    struct store *s;          /* The store, or NULL when not open. */
    const struct keypool *kp; /* Keys. */
    struct hist h;            /* What was acknowledged or attempted. */
    struct rng r;             /* The script's choices (values, keys). */
    uint64_t ts;              /* Last commit ts used. */
    int live[HIST_MAX_SLOTS]; /* Tablets the script believes exist (acked or uncertain). */
    /* Fault bookkeeping. */
    int kind;                 /* enum vfs_fault_kind armed, 0 for none. */
    int sticky;               /* The fault is sticky. */
    int failed;               /* Some call has returned an I/O-caused error. */
    int writes_after_fail;    /* store_write attempts since. */
    int sync_write_failed;    /* A store_write failed with a sync fault firing inside it. */
    uint64_t n_errors;        /* Calls that returned an error. */
    uint64_t inj_base;        /* vfs_fault_n_injected() when the fault was armed. */
    char first_error[300];    /* The first one, for the summary. */
    const char *label;        /* "EIO/sticky N=12" for messages. */
    struct store_batch batch; /* Reused. */
    struct buf val;           /* Reused. */
};

static void frun_fail(struct frun *f, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5), noreturn));
static void frun_fail(struct frun *f, const char *file, int line, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    test_fail_(file, line, "[%s] %s", f->label, msg);
}
#define FFAIL(f, ...) frun_fail((f), __FILE__, __LINE__, __VA_ARGS__)

static uint64_t injected(struct frun *f);
static int f_trace_on = -1;

/* STORE_FAULT_TRACE=1 prints every step of the script with its result and the vfs call count. */
static void ftrace(struct frun *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ftrace(struct frun *f, const char *fmt, ...)
{
    if (f_trace_on < 0)
        f_trace_on = getenv("STORE_FAULT_TRACE") != NULL;
    if (!f_trace_on)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "    [calls %llu, injected %llu] ",
            (unsigned long long)vfs_fault_n_calls(f->vfs), (unsigned long long)injected(f));
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* Faults injected since the current one was armed. */
static uint64_t injected(struct frun *f)
{
    return vfs_fault_n_injected(f->vfs) - f->inj_base;
}

static void f_arm(struct frun *f, uint64_t n, int kind, int sticky)
{
    f->inj_base = vfs_fault_n_injected(f->vfs);
    f->kind = n ? kind : 0;
    f->sticky = n ? sticky : 0;
    vfs_fault_arm(f->vfs, n, (enum vfs_fault_kind)(kind ? kind : VFS_FAULT_EIO), sticky);
}

/*
 * Judges a call's return code: 0, or a known code with a message that says
 * more than the code. Returns rc.
 */
static int judge(struct frun *f, int rc, const char *what)
{
    if (rc == 0)
        return 0;
    const char *msg = err_msg();
    if (rc > 0 || strcmp(err_name(rc), "ERR_UNKNOWN") == 0)
        FFAIL(f, "%s returned %d, not an ERR_* code", what, rc);
    if (!msg || !*msg || strcmp(msg, err_str(rc)) == 0)
        FFAIL(f, "%s failed with %s but err_msg() says only \"%s\"", what, err_name(rc),
              msg ? msg : "");
    f->n_errors++;
    if (!f->failed) {
        f->failed = 1;
        snprintf(f->first_error, sizeof f->first_error, "%s: %s (%s)", what, err_name(rc), msg);
    }
    return rc;
}

static void f_open(struct frun *f, struct store_opts *o)
{
    store_opts_default(o, f->dir);
    o->vfs = f->vfs;
    o->no_background = 1;
    o->memtable_size = 16u << 10;
    o->block_size = 1024;
    o->block_cache_size = 256u << 10;
    o->redo_segment_size = 64u << 10;
    o->major_window_start = o->major_window_end = -1;
}

/* Writes one random batch over the tablets believed live; records it in the history. */
static void f_write(struct frun *f)
{
    if (f->failed && f->writes_after_fail >= WRITES_AFTER_FAIL)
        return;
    int slots[HIST_MAX_SLOTS], n_live = 0;
    for (int i = 0; i < f->h.n_slots; i++)
        if (f->live[i])
            slots[n_live++] = i;
    if (!n_live || !f->s)
        return;
    struct hist_op ops[F_MAX_OPS];
    uint32_t n = 0, want = (uint32_t)rng_range(&f->r, 1, rng_pct(&f->r, 10) ? F_MAX_OPS : 6);
    uint64_t ts = f->ts + rng_range(&f->r, 1, 3);
    store_batch_reset(&f->batch);
    for (uint32_t i = 0; i < want; i++) {
        struct hist_op o;
        o.slot = (uint8_t)slots[rng_below(&f->r, (uint64_t)n_live)];
        o.key = (uint32_t)rng_below(&f->r, f->kp->n);
        int dup = 0;
        for (uint32_t j = 0; j < n; j++)
            dup |= ops[j].slot == o.slot && ops[j].key == o.key;
        if (dup)
            continue;
        o.kind = rng_pct(&f->r, 20) ? KV_DELETE : KV_PUT;
        o.vseed = o.kind == KV_PUT ? (ts << 8) | ((uint64_t)n << 1) | (rng_next(&f->r) & 1) : 0;
        o.len = o.kind == KV_PUT ? (uint32_t)value_len_random(&f->r, 8) : 0;
        if (o.len > 20000)
            o.len = 20000;
        uint64_t id = f->h.tablet_id[o.slot];
        if (o.kind == KV_PUT) {
            value_make(&f->val, o.vseed, o.len);
            store_batch_put(&f->batch, id, f->kp->key[o.key], f->kp->len[o.key], f->val.data,
                            f->val.len);
        } else {
            store_batch_delete(&f->batch, id, f->kp->key[o.key], f->kp->len[o.key]);
        }
        ops[n++] = o;
    }
    int was_failed = f->failed;
    uint64_t inj0 = injected(f);
    int rc = store_write(f->s, &f->batch, ts);
    int fired_inside = injected(f) > inj0;
    ftrace(f, "store_write ts=%llu ops=%u -> %s%s", (unsigned long long)ts, n, err_name(rc),
           rc ? err_msg() : "");
    int fired_before = inj0 > 0;
    if (was_failed)
        f->writes_after_fail++;
    if (rc == 0) {
        if (f->sticky && fired_before)
            FFAIL(f,
                  "store_write at ts %llu returned 0 after a sticky fault fired: it cannot be "
                  "durable",
                  (unsigned long long)ts);
        if (f->kind == VFS_FAULT_SYNC && fired_before)
            FFAIL(f,
                  "store_write at ts %llu returned 0 after a sync failed (the store must refuse "
                  "writes)",
                  (unsigned long long)ts);
        if (f->sync_write_failed)
            FFAIL(
                f,
                "store_write at ts %llu returned 0 after an earlier write failed on a failed sync "
                "(the store must refuse writes)",
                (unsigned long long)ts);
        hist_write(&f->h, ts, ops, n, 0);
        f->ts = ts;
        return;
    }
    char what[64];
    snprintf(what, sizeof what, "store_write(ts=%llu)", (unsigned long long)ts);
    judge(f, rc, what);
    if (!f->failed)
        f->failed = 1;
    if (!was_failed)
        f->writes_after_fail = 0;
    hist_write(&f->h, ts, ops, n, 1);
    f->ts = ts; /* A failed write may be there: never reuse its ts. */
    if (f->kind == VFS_FAULT_SYNC && fired_inside) {
        f->sync_write_failed = 1;
        struct store_info si;
        memset(&si, 0, sizeof si);
        store_info(f->s, &si);
        if (!si.read_only || !si.failure[0])
            FFAIL(f,
                  "store_write failed on a failed sync (%s) but store_info says read_only=%d "
                  "failure=\"%s\"",
                  err_name(rc), si.read_only, si.failure);
    }
}

static void f_tablet(struct frun *f, int slot, int create)
{
    if (!f->s)
        return;
    uint64_t id = f->h.tablet_id[slot];
    int rc = create ? store_tablet_create(f->s, id) : store_tablet_drop(f->s, id);
    ftrace(f, "store_tablet_%s(%llu) -> %s %s", create ? "create" : "drop", (unsigned long long)id,
           err_name(rc), rc ? err_msg() : "");
    char what[64];
    snprintf(what, sizeof what, "store_tablet_%s(%llu)", create ? "create" : "drop",
             (unsigned long long)id);
    if (rc && (create ? rc == ERR_EXISTS : rc == ERR_NOT_FOUND) && !f->failed)
        FFAIL(f, "%s: %s with no fault", what, err_name(rc));
    judge(f, rc, what);
    hist_tablet_event(&f->h, create ? HIST_CREATE : HIST_DROP, slot, rc != 0);
    f->live[slot] = create ? 1 : rc != 0; /* A failed drop may have left it there. */
}

static void f_merge(struct frun *f, int slot, int which)
{
    if (!f->s)
        return;
    uint64_t id = f->h.tablet_id[slot];
    static const char *const names[] = {"store_freeze", "store_minor_merge", "store_major_merge"};
    int rc = which == 0   ? store_freeze(f->s, id)
             : which == 1 ? store_minor_merge(f->s, id)
                          : store_major_merge(f->s, id);
    ftrace(f, "%s(%llu) -> %s %s", names[which], (unsigned long long)id, err_name(rc),
           rc ? err_msg() : "");
    char what[64];
    snprintf(what, sizeof what, "%s(%llu)", names[which], (unsigned long long)id);
    judge(f, rc, what);
}

/*
 * Reads a few keys and compares them with the history while it is certain
 * (before any failure); after one, only checks that the answers are codes.
 */
static void f_probe(struct frun *f)
{
    if (!f->s)
        return;
    struct hist_state st;
    hist_state_init(&st, &f->h);
    int certain = hist_n_maybe(&f->h) == 0 && hist_replay(&f->h, 0, &st) == 0;
    for (int i = 0; i < 8; i++) {
        int slot = (int)rng_below(&f->r, (uint64_t)f->h.n_slots);
        uint32_t k = (uint32_t)rng_below(&f->r, f->kp->n);
        int rc =
            store_get(f->s, f->h.tablet_id[slot], f->kp->key[k], f->kp->len[k], TS_MAX, &f->val);
        if (rc != 0 && rc != ERR_NOT_FOUND) {
            judge(f, rc, "store_get");
            continue;
        }
        if (!certain || f->failed)
            continue;
        uint64_t want = st.exists[slot] ? st.cell[(size_t)slot * f->kp->n + k] : 0;
        uint64_t got = rc == 0 ? value_seed_of(f->val.data, f->val.len) : 0;
        if (want != got)
            FFAIL(f,
                  "store_get(tablet %llu, key #%u) before any failure: expected seed %llx, got %s "
                  "%llx",
                  (unsigned long long)f->h.tablet_id[slot], k, (unsigned long long)want,
                  err_name(rc), (unsigned long long)got);
    }
    hist_state_deinit(&st);
}

/* Opens the store with no fault armed, checks it against the history and settles uncertain events.
 */
static void f_reopen_check(struct frun *f, const char *when)
{
    f_open(f, &f->opts);
    int rc = store_open(&f->opts, &f->s);
    ftrace(f, "%s: store_open -> %s", when, err_name(rc));
    if (rc)
        FFAIL(f, "%s: store_open without faults: %s (%s)", when, err_name(rc), err_msg());
    char why[1024];
    uint64_t mask = 0;
    if (hist_check(&f->h, f->s, 1, &mask, why, sizeof why) != 0)
        FFAIL(f, "%s: %s", when, why);
    hist_settle(&f->h, mask);
    struct hist_state st;
    hist_state_init(&st, &f->h);
    hist_replay(&f->h, 0, &st);
    for (int i = 0; i < f->h.n_slots; i++)
        f->live[i] = st.exists[i];
    hist_state_deinit(&st);
    struct store_info si;
    store_info(f->s, &si);
    if (si.read_only)
        FFAIL(f, "%s: store reopened read-only: %s", when, si.failure);
}

/* The setup with no fault: a store with three tablets, data in a delta SSTable and in the redo log.
 */
static void f_setup(struct frun *f)
{
    f_open(f, &f->opts);
    ASSERT_OK(store_open(&f->opts, &f->s));
    f->h.n_slots = 5;
    for (int i = 0; i < f->h.n_slots; i++)
        f->h.tablet_id[i] = f_tablet_ids[i];
    for (int i = 0; i < 3; i++)
        f_tablet(f, i, 1);
    for (int i = 0; i < 8; i++)
        f_write(f);
    f_merge(f, 0, 1);
    for (int i = 0; i < 4; i++)
        f_write(f);
    store_close(f->s);
    f->s = NULL;
    if (f->failed)
        FFAIL(f, "setup without faults failed: %s", f->first_error);
}

/* The scripted workload under the armed fault. */
static void f_script(struct frun *f)
{
    int rc = store_open(&f->opts, &f->s);
    ftrace(f, "store_open -> %s %s", err_name(rc), rc ? err_msg() : "");
    if (rc) {
        judge(f, rc, "store_open");
        f->s = NULL;
        return;
    }
    f_probe(f);
    for (int i = 0; i < 6; i++)
        f_write(f);
    f_tablet(f, 3, 1);
    for (int i = 0; i < 6; i++)
        f_write(f);
    f_merge(f, 0, 0);
    f_merge(f, 0, 1);
    f_merge(f, 1, 1);
    f_probe(f);
    for (int i = 0; i < 6; i++)
        f_write(f);
    f_merge(f, 0, 2);
    f_merge(f, 1, 2);
    f_merge(f, 3, 1);
    f_probe(f);
    f_tablet(f, 2, 0);
    for (int i = 0; i < 4; i++)
        f_write(f);
    f_probe(f);
    ftrace(f, "store_close");
    store_close(f->s); /* Must work in a failed state too. */
    f->s = NULL;
}

struct loop_stats {
    uint64_t runs;        /* Runs done. */
    uint64_t fired;       /* Runs where the fault fired. */
    uint64_t open_failed; /* Runs where store_open itself failed. */
    uint64_t maybe_in;    /* Uncertain events found present after recovery. */
    uint64_t maybe_out;   /* ... and absent. */
    uint64_t last_n;      /* N of the clean run. */
    uint64_t calls;       /* Counted calls of the script without faults. */
    char sample[512];     /* An error message seen. */
};

/* One run with the nth call failing (n = 0: no fault). Returns 1 if the fault fired. */
static int f_run(const struct keypool *kp, uint64_t content_seed, int kind, int sticky, uint64_t n,
                 struct loop_stats *ls)
{
    static struct frun run;
    struct frun *f = &run;
    memset(f, 0, sizeof *f);
    char label[96];
    snprintf(label, sizeof label, "fault %s%s N=%llu",
             kind == VFS_FAULT_EIO      ? "EIO"
             : kind == VFS_FAULT_ENOSPC ? "ENOSPC"
             : kind == VFS_FAULT_SHORT  ? "SHORT"
                                        : "SYNC",
             sticky ? "/sticky" : "/once", (unsigned long long)n);
    f->label = label;
    f->kp = kp;
    f->r.s = content_seed;
    hist_init(&f->h, kp);
    store_batch_init(&f->batch);
    buf_init(&f->val);
    snprintf(f->dir, sizeof f->dir, "%s/run", test_dir());
    rm_rf(f->dir);
    ASSERT_OK(vfs_fault_create(os_vfs_posix(), &f->vfs));
    f_setup(f);

    uint64_t calls0 = vfs_fault_n_calls(f->vfs);
    f_arm(f, n, kind, sticky);
    f_script(f);
    int fired = injected(f) > 0;
    vfs_fault_arm(f->vfs, 0, (enum vfs_fault_kind)kind, 0);
    if (!n)
        ls->calls = vfs_fault_n_calls(f->vfs) - calls0;
    if (n && !fired && f->failed)
        FFAIL(f, "an error without an injected fault: %s", f->first_error);
    if (f->first_error[0] && !ls->sample[0]) {
        size_t l = strnlen(f->first_error, sizeof ls->sample - 1);
        memcpy(ls->sample, f->first_error, l);
        ls->sample[l] = '\0';
    }
    ls->open_failed += fired && strncmp(f->first_error, "store_open", 10) == 0;

    /* Recover without the fault and compare. */
    size_t nm = hist_n_maybe(&f->h);
    size_t n_ev_before = f->h.n_ev;
    f_reopen_check(f, "recovery");
    size_t kept = f->h.n_ev - (n_ev_before - nm);
    ls->maybe_in += kept;
    ls->maybe_out += nm - kept;
    /* The recovered store takes writes and keeps them. */
    f->failed = 0;
    f_arm(f, 0, 0, 0);
    f->sync_write_failed = 0;
    f_write(f);
    f_write(f);
    if (f->failed)
        FFAIL(f, "write after recovery: %s", f->first_error);
    f_merge(f, 0, 1);
    if (f->failed)
        FFAIL(f, "minor merge after recovery: %s", f->first_error);
    store_close(f->s);
    f->s = NULL;
    f_reopen_check(f, "second reopen");
    store_close(f->s);
    f->s = NULL;

    vfs_fault_destroy(f->vfs);
    hist_deinit(&f->h);
    store_batch_deinit(&f->batch);
    buf_deinit(&f->val);
    rm_rf(f->dir);
    ls->runs++;
    ls->fired += fired;
    return fired;
}

static void fault_loop(int kind)
{
    quiet_logs();
    uint64_t seed = test_seed();
    struct rng r = {seed};
    struct keypool kp;
    keypool_make(&kp, &r, F_KEYS, 300);
    uint64_t content_seed = rng_next(&r);
    uint64_t max_runs = tm_env_u64("STORE_FAULT_RUNS", 60);
    uint64_t only_n = tm_env_u64("STORE_FAULT_N", 0);
    if (only_n) {
        /* Debugging aid: one run with the fault at call STORE_FAULT_N (STORE_FAULT_STICKY=0/1). */
        struct loop_stats ls;
        memset(&ls, 0, sizeof ls);
        f_run(&kp, content_seed, kind, (int)tm_env_u64("STORE_FAULT_STICKY", 1), only_n, &ls);
        keypool_free(&kp);
        return;
    }
    uint64_t t0 = os_now_ns();
    for (int sticky = 1; sticky >= 0; sticky--) {
        struct loop_stats ls;
        memset(&ls, 0, sizeof ls);
        f_run(&kp, content_seed, kind, sticky, 0, &ls); /* A clean run sizes the loop. */
        ASSERT(ls.calls > 0);
        /* The SYNC kind counts syncs only, a fraction of all calls. */
        uint64_t span = kind == VFS_FAULT_SYNC ? ls.calls / 3 + 1 : ls.calls;
        uint64_t stride = max_runs ? (span + max_runs - 1) / max_runs : 1;
        if (stride < 1)
            stride = 1;
        uint64_t n = 1 + rng_below(&r, stride);
        for (;; n += stride) {
            if (!f_run(&kp, content_seed, kind, sticky, n, &ls))
                break;
            if (n > ls.calls * 4 + 1000)
                test_fail_(__FILE__, __LINE__, "fault still fires at N=%llu of %llu calls",
                           (unsigned long long)n, (unsigned long long)ls.calls);
        }
        ls.last_n = n;
        fprintf(stderr,
                "  %s: %llu counted calls in the clean script; %llu runs (stride %llu), %llu with "
                "the fault firing (%llu in store_open), clean at N=%llu; failed writes found "
                "present/absent after recovery: %llu/%llu; e.g. %s\n",
                sticky ? "sticky" : "once", (unsigned long long)ls.calls,
                (unsigned long long)ls.runs - 1, (unsigned long long)stride,
                (unsigned long long)ls.fired, (unsigned long long)ls.open_failed,
                (unsigned long long)ls.last_n, (unsigned long long)ls.maybe_in,
                (unsigned long long)ls.maybe_out, ls.sample[0] ? ls.sample : "-");
        ASSERT(ls.fired > 0);
    }
    fprintf(stderr, "  %llu ms\n", (unsigned long long)((os_now_ns() - t0) / 1000000));
    keypool_free(&kp);
}

TEST(fault_loop_eio)
{
    fault_loop(VFS_FAULT_EIO);
}
TEST(fault_loop_enospc)
{
    fault_loop(VFS_FAULT_ENOSPC);
}
TEST(fault_loop_short_write)
{
    fault_loop(VFS_FAULT_SHORT);
}
TEST(fault_loop_sync)
{
    fault_loop(VFS_FAULT_SYNC);
}

/* ------------------------------------------------------------ power loss */

#define MAX_ABANDONED 1024
/* Stores abandoned at a power loss: kept reachable so leak checkers stay quiet. */
static struct store *abandoned[MAX_ABANDONED];
static int n_abandoned;

TEST(fault_power_loss)
{
    quiet_logs();
    uint64_t seed = test_seed();
    struct rng r = {seed};
    struct keypool kp;
    keypool_make(&kp, &r, F_KEYS, 300);
    uint64_t crashes = tm_env_u64("STORE_POWER_CRASHES", 60);
    uint64_t t0 = os_now_ns();
    static struct frun run;
    struct frun *f = &run;
    uint64_t done = 0, n_mid = 0, n_between = 0, n_ops = 0, maybe_in = 0, maybe_out = 0;
    int life = 0;
    char label[96];
    while (done < crashes) {
        memset(f, 0, sizeof *f);
        f->label = label;
        f->kp = &kp;
        f->r.s = rng_next(&r);
        hist_init(&f->h, &kp);
        f->h.n_slots = HIST_MAX_SLOTS;
        for (int i = 0; i < HIST_MAX_SLOTS; i++)
            f->h.tablet_id[i] = f_tablet_ids[i];
        store_batch_init(&f->batch);
        buf_init(&f->val);
        snprintf(f->dir, sizeof f->dir, "%s/life%d", test_dir(), life);
        ASSERT_OK(vfs_fault_create(os_vfs_posix(), &f->vfs));
        vfs_fault_set_power_loss_mode(f->vfs, 1);
        int next_slot = 0;
        /* Up to 6 crashes in this folder. */
        for (int round = 0; round < 6 && done < crashes; round++, done++) {
            snprintf(label, sizeof label, "power loss: life %d round %d (crash %llu)", life, round,
                     (unsigned long long)done);
            size_t nm = hist_n_maybe(&f->h), n_ev = f->h.n_ev;
            f_reopen_check(f, "reopen after power loss");
            size_t kept = f->h.n_ev - (n_ev - nm);
            maybe_in += kept;
            maybe_out += nm - kept;
            if (round == 0 && next_slot == 0) {
                for (; next_slot < 2; next_slot++)
                    f_tablet(f, next_slot, 1);
                if (f->failed)
                    FFAIL(f, "setup: %s", f->first_error);
            }
            int mid = rng_pct(&r, 50);
            uint64_t steps = rng_range(&r, 1, 120);
            /* With mid, everything from a random call on fails: the power goes in the middle of
             * that call. */
            f_arm(f, mid ? rng_range(&r, 1, 400) : 0, VFS_FAULT_EIO, 1);
            for (uint64_t i = 0; i < steps && !f->failed; i++, n_ops++) {
                uint64_t p = rng_below(&r, 100);
                int slots[HIST_MAX_SLOTS], n_live = 0;
                for (int j = 0; j < f->h.n_slots; j++)
                    if (f->live[j])
                        slots[n_live++] = j;
                int slot = n_live ? slots[rng_below(&r, (uint64_t)n_live)] : -1;
                if (p < 70 || slot < 0)
                    f_write(f);
                else if (p < 76)
                    f_merge(f, slot, 0);
                else if (p < 86)
                    f_merge(f, slot, 1);
                else if (p < 92)
                    f_merge(f, slot, 2);
                else if (p < 94 && next_slot < HIST_MAX_SLOTS)
                    f_tablet(f, next_slot++, 1);
                else if (p < 95 && n_live > 1)
                    f_tablet(f, slot, 0);
                else if (p < 97) {
                    /* A clean close and reopen now and then. */
                    store_close(f->s);
                    f->s = NULL;
                    int rc = store_open(&f->opts, &f->s);
                    if (rc) {
                        judge(f, rc, "store_open");
                        f->s = NULL;
                    }
                } else
                    f_probe(f);
                if (!f->s)
                    break;
            }
            int fired = injected(f) > 0;
            if (f->failed && !mid)
                FFAIL(f, "an error with no fault armed: %s", f->first_error);
            n_mid += fired;
            n_between += !fired;
            /* The power goes: the store is abandoned, not closed. */
            if (f->s) {
                ASSERT(n_abandoned < MAX_ABANDONED);
                abandoned[n_abandoned++] = f->s;
                f->s = NULL;
            }
            f_arm(f, 0, 0, 0);
            ASSERT_OK(vfs_fault_power_loss(f->vfs));
            /* The next store starts over: forget the fault bookkeeping (uncertain events stay). */
            f->failed = 0;
            f->sync_write_failed = 0;
            f->writes_after_fail = 0;
            f->first_error[0] = '\0';
        }
        snprintf(label, sizeof label, "power loss: life %d final", life);
        size_t nm = hist_n_maybe(&f->h), n_ev = f->h.n_ev;
        f_reopen_check(f, "final reopen after power loss");
        size_t kept = f->h.n_ev - (n_ev - nm);
        maybe_in += kept;
        maybe_out += nm - kept;
        store_close(f->s);
        f->s = NULL;
        /* The stores abandoned in this folder never touch their files again. */
        vfs_fault_destroy(f->vfs);
        hist_deinit(&f->h);
        store_batch_deinit(&f->batch);
        buf_deinit(&f->val);
        rm_rf(f->dir);
        life++;
    }
    fprintf(stderr,
            "  %llu power losses in %d folders (%llu in the middle of a call, %llu between "
            "calls), %llu operations, %d stores abandoned; interrupted calls found done/undone: "
            "%llu/%llu; %llu ms\n",
            (unsigned long long)done, life, (unsigned long long)n_mid,
            (unsigned long long)n_between, (unsigned long long)n_ops, n_abandoned,
            (unsigned long long)maybe_in, (unsigned long long)maybe_out,
            (unsigned long long)((os_now_ns() - t0) / 1000000));
    keypool_free(&kp);
}
