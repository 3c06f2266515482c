/*
 * bench_kv.c: `atoll bench kv`, db_bench-style workloads against the tablet
 * store and, with --vs rocksdb, against RocksDB in the same run.
 *
 * The parent process plans a list of steps (workload, durability, threads,
 * operations) and runs each step once per engine, Atoll first, alternating
 * engines step by step. Every (engine, step) runs in a forked child so that
 * its peak RSS belongs to that engine and that workload only: the child opens
 * the engine's folder as the previous step of the same engine left it (fill
 * steps start from an empty folder), resets the kernel's peak-RSS mark, starts
 * the worker threads behind a gate, times them from the opening of the gate to
 * the last join, reads VmHWM, closes the database and sends a fixed-size
 * report back through a pipe. Opening, recovery and closing are not timed.
 *
 * Keys are db_bench's: key-size bytes, the first 8 a big-endian number, the
 * rest '0'. Loaded keys carry even numbers 2*i for i in [0, n_keys), so a key
 * with an odd number lies between present keys and is known to be absent; the
 * read workloads check that every hit is found with a value of the right size
 * and every miss is not found, and scan100 that each scan starts at its key.
 * fillrandom writes each key once in the order of a keyed Feistel permutation
 * of [0, n), so the set of present keys is exact without a table in memory.
 * Values are slices of a pool of 100-byte pieces, each 50 random printable
 * bytes written twice, so that they compress about 2:1 like db_bench's.
 *
 * The parent must be single-threaded when it forks; the children start the
 * threads. RocksDB is reached through bench/rocksdb_dl.h, loaded in the
 * children (and once in a probe child up front), never linked.
 */
#include "bench/bench.h"

#include "base/buf.h"
#include "base/coding.h"
#include "base/config.h"
#include "base/err.h"
#include "base/hash.h"
#include "base/log.h"
#include "base/mem.h"
#include "bench/rocksdb_dl.h"
#include "os/clock.h"
#include "storage/kv.h"
#include "storage/sstable.h"
#include "storage/store.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_THREAD_COUNTS 16   /* Entries of --threads. */
#define MAX_THREADS 1024       /* Largest thread count accepted. */
#define SCAN_LEN 100           /* Keys read by one scan100 operation. */
#define TABLET_ID 1            /* The one tablet Atoll's side uses. */
#define VALUE_POOL_MIN (1u << 20) /* Bytes of the value pool, at least. */
#define SEED 301               /* Fixed seed: runs are repeatable. */

enum engine { ENGINE_ATOLL, ENGINE_ROCKSDB };

enum workload {
    WL_FILLSEQ,
    WL_FILLRANDOM,
    WL_OVERWRITE,
    WL_READ_HIT,
    WL_READ_MISS,
    WL_SCAN100,
    WL_COUNT
};

/* Names as --workloads takes them; writes get _sync/_nosync in reports. */
static const char *const workload_names[WL_COUNT] = {
    "fillseq", "fillrandom", "overwrite", "readrandom_hit", "readrandom_miss", "scan100",
};

static int wl_is_write(enum workload wl) { return wl <= WL_OVERWRITE; }
static int wl_is_fill(enum workload wl) { return wl <= WL_FILLRANDOM; }

/* Settings from the command line. */
struct kv_opts {
    uint64_t count;                 /* Keys loaded; ops of reads and non-durable writes. */
    uint64_t sync_count;            /* Ops of each durable write workload (<= count). */
    uint64_t scan_count;            /* Scans of scan100. */
    int threads[MAX_THREAD_COUNTS]; /* Thread counts to run each workload at. */
    int n_threads;                  /* Entries in threads. */
    int sync_on;                    /* Run write workloads durable. */
    int sync_off;                   /* Run write workloads not durable. */
    uint32_t batch;                 /* Keys per write batch. */
    uint32_t key_size;              /* Bytes per key (>= 8). */
    uint32_t value_size;            /* Bytes per value. */
    uint64_t cache_mb;              /* Block cache MiB, both engines. */
    uint64_t memtable_mb;           /* MemTable / write buffer MiB, both engines. */
    unsigned workloads;             /* Bit per enum workload selected. */
    char dir[PATH_MAX - 16];        /* Parent folder of the engines' folders. */
    int keep;                       /* Keep the folders at the end. */
    int vs_rocksdb;                 /* Also run RocksDB. */
};

/* One line of the plan, run once per engine. */
struct step {
    enum workload wl; /* What runs. */
    int sync;         /* Writes durable before acknowledged (writes only). */
    int threads;      /* Worker threads. */
    uint64_t ops;     /* Operations (keys written, keys read, scans). */
    uint64_t n_keys;  /* Keys present in the folder when the step starts. */
    int setup;        /* 1: a load for later reads, not reported as a result. */
};

/* What a child sends back. Fixed size, below PIPE_BUF, so one write. */
struct report {
    int rc;            /* 0 or an ERR_* code. */
    uint64_t ops;      /* Operations completed. */
    uint64_t entries;  /* Entries read by scans (for scan100). */
    double seconds;    /* Timed part. */
    uint64_t hwm_kb;   /* Peak RSS in KiB while the workload ran. */
    char msg[512];     /* Error detail when rc != 0. */
};

/* One (engine, step) run inside a child. */
struct run {
    const struct kv_opts *o;        /* Settings. */
    const struct step *st;          /* The step. */
    enum engine engine;             /* Which engine. */
    uint64_t step_no;               /* Index of the step, to vary the random streams. */
    const uint8_t *pool;            /* Value pool. */
    size_t pool_len;                /* Its length. */
    struct store *store;            /* Atoll. */
    uint64_t snap_ts;               /* Atoll reads: snapshot (the max commit ts). */
    _Atomic uint64_t next_ts;       /* Atoll writes: next commit ts. */
    struct rocksdb_dl rdb;          /* RocksDB's functions. */
    rocksdb_t *db;                  /* RocksDB. */
    rocksdb_writeoptions_t *wopts;  /* Its write options (sync on or off). */
    rocksdb_readoptions_t *ropts;   /* Its read options. */
    _Atomic uint64_t next_op;       /* Fill workloads: next operation number to claim. */
    atomic_int stop;                /* Set on the first error: workers stop. */
    pthread_mutex_t lock;           /* Guards rc and msg. */
    int rc;                         /* First error. */
    char msg[512];                  /* Its detail. */
    pthread_mutex_t gate;           /* Guards n_ready and go. */
    pthread_cond_t gate_cond;       /* Signals changes of n_ready and go. */
    int n_ready;                    /* Workers waiting at the gate. */
    int go;                         /* Set by the timer: workers start. */
};

/* A worker thread's state. */
struct worker {
    struct run *r;                   /* The run. */
    int id;                          /* 0 .. threads-1. */
    uint64_t rng;                    /* Random stream state. */
    uint64_t ops;                    /* Operations this worker does (reads, overwrite). */
    uint64_t done;                   /* Operations it completed. */
    uint64_t entries;                /* Entries its scans read. */
    size_t pool_pos;                 /* Next value's offset in the pool. */
    uint8_t *key;                    /* Key buffer, key_size bytes. */
    struct store_batch batch;        /* Atoll write batch. */
    struct buf value;                /* Atoll read buffer. */
    rocksdb_writebatch_t *wb;        /* RocksDB write batch. */
    pthread_t thread;                /* The thread. */
};

/* ---- Small helpers ---------------------------------------------------- */

static uint64_t rng_next(uint64_t *s)
{
    *s += 0x9e3779b97f4a7c15ULL;
    return hash_mix64(*s);
}

/*
 * A bijection of [0, n) keyed by seed: a 4-round Feistel network over the
 * smallest even number of bits that covers n, walked again while the result
 * is outside [0, n) (cycle walking). The domain is below 4n, so few walks.
 */
static uint64_t permute(uint64_t i, uint64_t n, uint64_t seed)
{
    if (n <= 1)
        return 0;
    unsigned bits = 64u - (unsigned)__builtin_clzll(n - 1);
    unsigned half = (bits + 1) / 2;
    uint64_t mask = ((uint64_t)1 << half) - 1;
    uint64_t x = i;
    do {
        uint64_t l = x >> half, r = x & mask;
        for (uint64_t round = 0; round < 4; round++) {
            uint64_t f = hash_mix64(r ^ (seed + round * 0x9e3779b97f4a7c15ULL)) & mask;
            uint64_t t = l ^ f;
            l = r;
            r = t;
        }
        x = (l << half) | r;
    } while (x >= n);
    return x;
}

/* Writes key number n into w->key (the '0' filler after it is set once). */
static void make_key(struct worker *w, uint64_t n)
{
    be64_put(w->key, n);
}

static const uint8_t *next_value(struct worker *w)
{
    size_t vs = w->r->o->value_size;
    if (w->pool_pos + vs > w->r->pool_len)
        w->pool_pos = 0;
    const uint8_t *v = w->r->pool + w->pool_pos;
    w->pool_pos += vs;
    return v;
}

/* db_bench's compressible data: pieces of 100 bytes, half random, half a repeat. */
static uint8_t *make_value_pool(size_t len)
{
    uint8_t *p = mem_alloc(len);
    if (!p)
        return NULL;
    uint64_t rng = SEED;
    for (size_t off = 0; off < len; off += 100) {
        size_t piece = len - off < 100 ? len - off : 100;
        size_t raw = piece / 2 ? piece / 2 : 1;
        for (size_t i = 0; i < raw; i++)
            p[off + i] = (uint8_t)(' ' + rng_next(&rng) % 95);
        for (size_t i = raw; i < piece; i++)
            p[off + i] = p[off + i - raw];
    }
    return p;
}

/* Records the first error of the run and tells every worker to stop. */
static void run_fail(struct run *r, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void run_fail(struct run *r, int rc, const char *fmt, ...)
{
    pthread_mutex_lock(&r->lock);
    if (!r->rc) {
        r->rc = rc ? rc : ERR_INTERNAL;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
        va_end(ap);
    }
    pthread_mutex_unlock(&r->lock);
    atomic_store(&r->stop, 1);
}

static int rocks_err(struct run *r, char *err, const char *what)
{
    if (!err)
        return 0;
    run_fail(r, ERR_IO, "rocksdb %s: %s", what, err);
    r->rdb.free(err);
    return ERR_IO;
}

static uint64_t peak_rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (f) {
        char line[256];
        uint64_t kb = 0;
        while (fgets(line, sizeof(line), f))
            if (sscanf(line, "VmHWM: %" SCNu64, &kb) == 1)
                break;
        fclose(f);
        if (kb)
            return kb;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (uint64_t)ru.ru_maxrss;
}

/* Resets VmHWM to the current RSS (Linux >= 4.0); harmless where unsupported. */
static void reset_peak_rss(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (f) {
        fputs("5", f);
        fclose(f);
    }
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path) ? -1 : 0;
}

/* rm -rf path; 0 if it is gone. */
static int remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) && errno == ENOENT)
        return 0;
    return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS) ? -1 : 0;
}

/* syncfs() of the file system holding dir; sync() if it cannot be opened. */
static void settle_disk(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0) {
        sync();
        return;
    }
    syncfs(fd);
    close(fd);
}

static void engine_dir(const struct kv_opts *o, enum engine e, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%s", o->dir, e == ENGINE_ATOLL ? "atoll" : "rocksdb");
}

/* ---- The engines, as the workers see them ------------------------------ */

static int db_open(struct run *r)
{
    const struct kv_opts *o = r->o;
    char path[PATH_MAX];
    engine_dir(o, r->engine, path, sizeof(path));
    if (r->engine == ENGINE_ATOLL) {
        struct store_opts so;
        store_opts_default(&so, path);
        so.memtable_size = o->memtable_mb << 20;
        /* One active and one frozen MemTable, as RocksDB's two write buffers. */
        so.memory_budget = 2 * (o->memtable_mb << 20);
        so.block_cache_size = o->cache_mb << 20;
        so.block_size = 16384;
        so.compression = SST_COMPRESS_LZ4;
        so.baseline_compression = -1;
        /* No daily major merge in the middle of a benchmark; RocksDB has none. */
        so.major_window_start = -1;
        so.major_window_end = -1;
        so.no_sync = !(wl_is_write(r->st->wl) && r->st->sync);
        int rc = store_open(&so, &r->store);
        if (rc)
            return err_prefix(rc, "open store %s", path);
        if (wl_is_fill(r->st->wl)) {
            rc = store_tablet_create(r->store, TABLET_ID);
            if (rc)
                return err_prefix(rc, "create tablet %d", TABLET_ID);
        } else if ((rc = store_tablet_exists(r->store, TABLET_ID))) {
            return err_set(rc, "tablet %d missing in %s: was the folder loaded?", TABLET_ID, path);
        }
        struct store_info info;
        store_info(r->store, &info);
        r->snap_ts = info.max_commit_ts;
        atomic_store(&r->next_ts, info.max_commit_ts + 1);
        return 0;
    }

    int rc = bench_rocksdb_load(&r->rdb);
    if (rc)
        return rc;
    const struct rocksdb_dl *d = &r->rdb;
    rocksdb_options_t *opt = d->options_create();
    rocksdb_block_based_table_options_t *bbo = d->block_based_options_create();
    rocksdb_cache_t *cache = d->cache_create_lru((size_t)(o->cache_mb << 20));
    d->options_set_create_if_missing(opt, 1);
    d->options_set_write_buffer_size(opt, (size_t)(o->memtable_mb << 20));
    d->options_set_max_write_buffer_number(opt, 2);
    d->options_set_compression(opt, BENCH_ROCKSDB_LZ4);
    d->block_based_options_set_block_size(bbo, 16384);
    /* The table options take ownership of the filter policy. */
    d->block_based_options_set_filter_policy(bbo, d->filterpolicy_create_bloom_full(10));
    d->block_based_options_set_block_cache(bbo, cache);
    d->options_set_block_based_table_factory(opt, bbo);
    char *err = NULL;
    r->db = d->open(opt, path, &err);
    /* The options hold their own references to the cache and the table factory. */
    d->block_based_options_destroy(bbo);
    d->cache_destroy(cache);
    d->options_destroy(opt);
    if (err) {
        rc = err_set(ERR_IO, "rocksdb open %s: %s", path, err);
        d->free(err);
        r->db = NULL;
        return rc;
    }
    r->wopts = d->writeoptions_create();
    d->writeoptions_set_sync(r->wopts, (unsigned char)(wl_is_write(r->st->wl) && r->st->sync));
    r->ropts = d->readoptions_create();
    return 0;
}

static void db_close(struct run *r)
{
    if (r->engine == ENGINE_ATOLL) {
        if (r->store)
            store_close(r->store);
        r->store = NULL;
        return;
    }
    if (r->db)
        r->rdb.close(r->db);
    if (r->wopts)
        r->rdb.writeoptions_destroy(r->wopts);
    if (r->ropts)
        r->rdb.readoptions_destroy(r->ropts);
    r->db = NULL;
    r->wopts = NULL;
    r->ropts = NULL;
    /* The library stays mapped: the child exits right after. */
}

static void batch_begin(struct worker *w)
{
    if (w->r->engine == ENGINE_ATOLL)
        store_batch_reset(&w->batch);
    else
        w->r->rdb.writebatch_clear(w->wb);
}

/* Adds key number n with the next value to the batch. */
static void batch_put(struct worker *w, uint64_t n)
{
    const struct kv_opts *o = w->r->o;
    make_key(w, n);
    const uint8_t *v = next_value(w);
    if (w->r->engine == ENGINE_ATOLL)
        store_batch_put(&w->batch, TABLET_ID, w->key, o->key_size, v, o->value_size);
    else
        w->r->rdb.writebatch_put(w->wb, (const char *)w->key, o->key_size, (const char *)v,
                                 o->value_size);
}

static int batch_commit(struct worker *w)
{
    struct run *r = w->r;
    if (r->engine == ENGINE_ATOLL) {
        uint64_t ts = atomic_fetch_add(&r->next_ts, 1);
        int rc = store_write(r->store, &w->batch, ts);
        if (rc)
            run_fail(r, rc, "store_write at ts %" PRIu64 ": %s", ts, err_msg());
        return rc;
    }
    char *err = NULL;
    r->rdb.write(r->db, r->wopts, w->wb, &err);
    return rocks_err(r, err, "write");
}

/* Point read of key number n: 1 found (with a value of *len bytes), 0 absent, <0 error. */
static int db_get(struct worker *w, uint64_t n, size_t *len)
{
    struct run *r = w->r;
    make_key(w, n);
    if (r->engine == ENGINE_ATOLL) {
        int rc = store_get(r->store, TABLET_ID, w->key, r->o->key_size, r->snap_ts, &w->value);
        if (rc == ERR_NOT_FOUND)
            return 0;
        if (rc) {
            run_fail(r, rc, "store_get: %s", err_msg());
            return rc;
        }
        *len = w->value.len;
        return 1;
    }
    char *err = NULL;
    rocksdb_pinnableslice_t *ps =
        r->rdb.get_pinned(r->db, r->ropts, (const char *)w->key, r->o->key_size, &err);
    if (err)
        return rocks_err(r, err, "get");
    if (!ps)
        return 0;
    r->rdb.pinnableslice_value(ps, len);
    r->rdb.pinnableslice_destroy(ps);
    return 1;
}

/*
 * Reads up to SCAN_LEN keys from key number n on, with a fresh scan (Atoll)
 * or iterator (RocksDB) each time. Sets *first_ok when the first key read is
 * key n itself. Returns the keys read, or <0 on error.
 */
static int64_t db_scan(struct worker *w, uint64_t n, int *first_ok)
{
    struct run *r = w->r;
    size_t ks = r->o->key_size;
    int64_t got = 0;
    make_key(w, n);
    *first_ok = 0;
    if (r->engine == ENGINE_ATOLL) {
        struct store_scan *sc;
        int rc = store_scan_open(r->store, TABLET_ID, w->key, ks, NULL, 0, r->snap_ts, 0, SCAN_LEN,
                                 &sc);
        if (rc) {
            run_fail(r, rc, "store_scan_open: %s", err_msg());
            return rc;
        }
        const uint8_t *k, *v;
        size_t k_len, v_len;
        while ((rc = store_scan_next(sc, &k, &k_len, &v, &v_len)) == 0) {
            if (got == 0)
                *first_ok = k_len == ks && !memcmp(k, w->key, ks);
            if (++got >= SCAN_LEN)
                break;
        }
        store_scan_close(sc);
        if (rc && rc != ERR_NOT_FOUND) {
            run_fail(r, rc, "store_scan_next: %s", err_msg());
            return rc;
        }
        return got;
    }
    rocksdb_iterator_t *it = r->rdb.create_iterator(r->db, r->ropts);
    for (r->rdb.iter_seek(it, (const char *)w->key, ks); got < SCAN_LEN && r->rdb.iter_valid(it);
         r->rdb.iter_next(it)) {
        size_t k_len, v_len;
        const char *k = r->rdb.iter_key(it, &k_len);
        r->rdb.iter_value(it, &v_len);
        if (got == 0)
            *first_ok = k_len == ks && !memcmp(k, w->key, ks);
        got++;
    }
    char *err = NULL;
    r->rdb.iter_get_error(it, &err);
    r->rdb.iter_destroy(it);
    if (err)
        return rocks_err(r, err, "iterator");
    return got;
}

/* ---- Workers ----------------------------------------------------------- */

/* fillseq / fillrandom: workers claim runs of batch operation numbers from a shared counter. */
static void work_fill(struct worker *w)
{
    struct run *r = w->r;
    uint64_t ops = r->st->ops, batch = r->o->batch;
    uint64_t key_seed = hash_mix64(SEED + r->step_no);
    while (!atomic_load_explicit(&r->stop, memory_order_relaxed)) {
        uint64_t first = atomic_fetch_add(&r->next_op, batch);
        if (first >= ops)
            break;
        uint64_t end = first + batch < ops ? first + batch : ops;
        batch_begin(w);
        for (uint64_t i = first; i < end; i++) {
            uint64_t idx = r->st->wl == WL_FILLSEQ ? i : permute(i, ops, key_seed);
            batch_put(w, 2 * idx);
        }
        if (batch_commit(w))
            return;
        w->done += end - first;
    }
}

static void work_overwrite(struct worker *w)
{
    struct run *r = w->r;
    uint64_t n_keys = r->st->n_keys, batch = r->o->batch;
    while (w->done < w->ops && !atomic_load_explicit(&r->stop, memory_order_relaxed)) {
        uint64_t k = w->ops - w->done < batch ? w->ops - w->done : batch;
        batch_begin(w);
        for (uint64_t i = 0; i < k; i++)
            batch_put(w, 2 * (rng_next(&w->rng) % n_keys));
        if (batch_commit(w))
            return;
        w->done += k;
    }
}

static void work_read(struct worker *w, int hit)
{
    struct run *r = w->r;
    uint64_t n_keys = r->st->n_keys;
    for (; w->done < w->ops; w->done++) {
        if ((w->done & 255) == 0 && atomic_load_explicit(&r->stop, memory_order_relaxed))
            return;
        uint64_t n = 2 * (rng_next(&w->rng) % n_keys) + (hit ? 0 : 1);
        size_t len = 0;
        int found = db_get(w, n, &len);
        if (found < 0)
            return;
        if (hit && (!found || len != r->o->value_size)) {
            run_fail(r, ERR_CORRUPT, "key %" PRIu64 " should be present with %u bytes: %s",
                     n / 2, r->o->value_size, found ? "wrong value size" : "not found");
            return;
        }
        if (!hit && found) {
            run_fail(r, ERR_CORRUPT, "key between %" PRIu64 " and %" PRIu64 " should be absent",
                     n / 2, n / 2 + 1);
            return;
        }
    }
}

static void work_scan(struct worker *w)
{
    struct run *r = w->r;
    uint64_t n_keys = r->st->n_keys;
    for (; w->done < w->ops; w->done++) {
        if ((w->done & 63) == 0 && atomic_load_explicit(&r->stop, memory_order_relaxed))
            return;
        uint64_t idx = rng_next(&w->rng) % n_keys;
        int first_ok;
        int64_t got = db_scan(w, 2 * idx, &first_ok);
        if (got < 0)
            return;
        uint64_t want = n_keys - idx < SCAN_LEN ? n_keys - idx : SCAN_LEN;
        if (!first_ok || (uint64_t)got < want) {
            run_fail(r, ERR_CORRUPT,
                     "scan from key %" PRIu64 " read %" PRId64 " keys (want %" PRIu64 ")%s", idx,
                     got, want, first_ok ? "" : ", not starting at the key");
            return;
        }
        w->entries += (uint64_t)got;
    }
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct run *r = w->r;
    pthread_mutex_lock(&r->gate);
    r->n_ready++;
    pthread_cond_broadcast(&r->gate_cond);
    while (!r->go)
        pthread_cond_wait(&r->gate_cond, &r->gate);
    pthread_mutex_unlock(&r->gate);
    switch (r->st->wl) {
    case WL_FILLSEQ:
    case WL_FILLRANDOM:
        work_fill(w);
        break;
    case WL_OVERWRITE:
        work_overwrite(w);
        break;
    case WL_READ_HIT:
        work_read(w, 1);
        break;
    case WL_READ_MISS:
        work_read(w, 0);
        break;
    case WL_SCAN100:
        work_scan(w);
        break;
    case WL_COUNT:
        break;
    }
    return NULL;
}

static void worker_deinit(struct worker *w)
{
    store_batch_deinit(&w->batch);
    buf_deinit(&w->value);
    if (w->wb)
        w->r->rdb.writebatch_destroy(w->wb);
    mem_free(w->key);
}

/* Runs the step's workload on the open database; fills rep. */
static void run_workload(struct run *r, struct report *rep)
{
    const struct step *st = r->st;
    int n = st->threads;
    struct worker *ws = mem_calloc((size_t)n, sizeof(*ws));
    if (!ws) {
        run_fail(r, ERR_NOMEM, "out of memory for %d workers", n);
        return;
    }
    int n_started = 0;
    for (int i = 0; i < n; i++) {
        struct worker *w = &ws[i];
        w->r = r;
        w->id = i;
        w->rng = hash_mix64(SEED ^ (r->step_no << 20) ^ (uint64_t)i);
        w->ops = st->ops / (uint64_t)n + ((uint64_t)i < st->ops % (uint64_t)n);
        w->pool_pos = ((size_t)i * 7919u * 100u) % (r->pool_len - r->o->value_size + 1);
        store_batch_init(&w->batch);
        buf_init(&w->value);
        w->key = mem_alloc(r->o->key_size);
        if (!w->key) {
            run_fail(r, ERR_NOMEM, "out of memory for keys");
            break;
        }
        memset(w->key, '0', r->o->key_size);
        if (r->engine == ENGINE_ROCKSDB)
            w->wb = r->rdb.writebatch_create();
    }
    if (r->rc) {
        for (int i = 0; i < n; i++)
            if (ws[i].r)
                worker_deinit(&ws[i]);
        mem_free(ws);
        return;
    }

    const struct os_threads *th = os_threads_posix();
    for (; n_started < n; n_started++) {
        struct worker *w = &ws[n_started];
        int rc = os_thread_create(th, &w->thread, worker_main, w, "bench-kv");
        if (rc) {
            /* The started workers pass the gate and see the stop flag. */
            run_fail(r, rc, "start worker: %s", err_msg());
            break;
        }
    }
    reset_peak_rss();
    /* Time from the moment every worker is ready, not from thread creation. */
    pthread_mutex_lock(&r->gate);
    while (r->n_ready < n_started)
        pthread_cond_wait(&r->gate_cond, &r->gate);
    r->go = 1;
    pthread_cond_broadcast(&r->gate_cond);
    pthread_mutex_unlock(&r->gate);
    uint64_t t0 = os_now_ns();
    for (int i = 0; i < n_started; i++)
        os_thread_join(th, ws[i].thread);
    uint64_t t1 = os_now_ns();
    rep->hwm_kb = peak_rss_kb();
    rep->seconds = (double)(t1 - t0) / 1e9;
    for (int i = 0; i < n; i++) {
        rep->ops += ws[i].done;
        rep->entries += ws[i].entries;
        worker_deinit(&ws[i]);
    }
    mem_free(ws);
}

/* The child's whole life: open, run, close, report. Never returns. */
static void child_main(const struct kv_opts *o, const struct step *st, uint64_t step_no,
                       enum engine engine, const uint8_t *pool, size_t pool_len, int fd)
{
    static struct run r; /* Static: the child has exactly one. */
    struct report rep;
    memset(&rep, 0, sizeof(rep));
    r.o = o;
    r.st = st;
    r.engine = engine;
    r.step_no = step_no;
    r.pool = pool;
    r.pool_len = pool_len;
    pthread_mutex_init(&r.lock, NULL);
    pthread_mutex_init(&r.gate, NULL);
    pthread_cond_init(&r.gate_cond, NULL);

    int rc = db_open(&r);
    if (rc) {
        rep.rc = rc;
        snprintf(rep.msg, sizeof(rep.msg), "%s", err_msg());
    } else {
        struct store_snapshot *snap = NULL;
        if (engine == ENGINE_ATOLL && !wl_is_write(st->wl) &&
            (rc = store_snapshot_pin(r.store, r.snap_ts, &snap)))
            run_fail(&r, rc, "pin snapshot: %s", err_msg());
        if (!r.rc)
            run_workload(&r, &rep);
        if (snap)
            store_snapshot_unpin(r.store, snap);
        rep.rc = r.rc;
        snprintf(rep.msg, sizeof(rep.msg), "%s", r.msg);
    }
    db_close(&r);
    const char *p = (const char *)&rep;
    size_t left = sizeof(rep);
    while (left) {
        ssize_t k = write(fd, p, left);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        p += k;
        left -= (size_t)k;
    }
    _exit(left ? 1 : 0);
}

/* Runs one (engine, step) in a child and collects its report. */
static void run_child(const struct kv_opts *o, const struct step *st, uint64_t step_no,
                      enum engine engine, const uint8_t *pool, size_t pool_len,
                      struct report *rep)
{
    memset(rep, 0, sizeof(*rep));
    int fds[2];
    if (pipe(fds)) {
        rep->rc = ERR_IO;
        snprintf(rep->msg, sizeof(rep->msg), "pipe: %s", strerror(errno));
        return;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        rep->rc = ERR_IO;
        snprintf(rep->msg, sizeof(rep->msg), "fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return;
    }
    if (pid == 0) {
        close(fds[0]);
        child_main(o, st, step_no, engine, pool, pool_len, fds[1]);
    }
    close(fds[1]);
    char *p = (char *)rep;
    size_t got = 0;
    while (got < sizeof(*rep)) {
        ssize_t k = read(fds[0], p + got, sizeof(*rep) - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (got < sizeof(*rep)) {
        memset(rep, 0, sizeof(*rep));
        rep->rc = ERR_INTERNAL;
        if (WIFSIGNALED(status))
            snprintf(rep->msg, sizeof(rep->msg), "child died of signal %d (%s)", WTERMSIG(status),
                     strsignal(WTERMSIG(status)));
        else
            snprintf(rep->msg, sizeof(rep->msg), "child exited with status %d and no report",
                     WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
    rep->msg[sizeof(rep->msg) - 1] = '\0';
}

/* Loads RocksDB in a throwaway child so the parent (whose pages every child
 * inherits) never maps it. Returns 0 with the soname in out, or 1 with the reason. */
static int probe_rocksdb(char *out, size_t cap)
{
    int fds[2];
    if (pipe(fds)) {
        snprintf(out, cap, "pipe: %s", strerror(errno));
        return 1;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(out, cap, "fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return 1;
    }
    if (pid == 0) {
        struct rocksdb_dl dl;
        char msg[512];
        close(fds[0]);
        int rc = bench_rocksdb_load(&dl);
        int n = snprintf(msg, sizeof(msg), "%c%s", rc ? 'E' : 'O', rc ? err_msg() : dl.soname);
        if (write(fds[1], msg, (size_t)(n < (int)sizeof(msg) ? n : (int)sizeof(msg) - 1)) < 0)
            _exit(1);
        _exit(0);
    }
    close(fds[1]);
    char msg[512];
    size_t got = 0;
    ssize_t k;
    while (got < sizeof(msg) - 1 && (k = read(fds[0], msg + got, sizeof(msg) - 1 - got)) != 0) {
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            break;
        got += (size_t)k;
    }
    msg[got] = '\0';
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (got == 0) {
        snprintf(out, cap, "loading librocksdb crashed the probe process");
        return 1;
    }
    snprintf(out, cap, "%s", msg + 1);
    return msg[0] == 'O' ? 0 : 1;
}

/* ---- Options ----------------------------------------------------------- */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: atoll bench kv [options]\n"
            "\n"
            "Runs db_bench-style workloads against Atoll's tablet store (one tablet) and,\n"
            "with --vs rocksdb, against RocksDB through its C API in the same run,\n"
            "alternating engines workload by workload. Each (engine, workload) runs in its\n"
            "own process so that its peak RSS is its own. Workloads, in order:\n"
            "  fillseq, fillrandom    load count keys into an empty folder (sequential /\n"
            "                         random order, each key once)\n"
            "  overwrite              count random puts over the loaded keys\n"
            "  readrandom_hit/_miss   count point reads of present / absent keys\n"
            "  scan100                seek to a random key and read 100 keys\n"
            "Writes are run durable (_sync: each batch synced before it is acknowledged)\n"
            "and not (_nosync); a fill with fewer ops than --count (see --sync-count)\n"
            "loads only that many keys for what follows, unless a later fill loads more.\n"
            "\n"
            "options:\n"
            "  --count N          keys loaded, ops of reads and non-durable writes (5000000)\n"
            "  --sync-count N     ops of each durable write workload (min(count, 50000))\n"
            "  --scan-count N     scans of scan100 (count / 10)\n"
            "  --threads LIST     thread counts to run each workload at (1,8)\n"
            "  --sync on|off|both durability of write workloads (both)\n"
            "  --batch N          keys per write batch (1)\n"
            "  --key-size N       bytes per key, >= 8 (16)\n"
            "  --value-size N     bytes per value (100)\n"
            "  --cache-mb N       block cache MiB, both engines (256)\n"
            "  --memtable-mb N    MemTable / write_buffer_size MiB (64); Atoll's memory_budget\n"
            "                     is 2x, as RocksDB's max_write_buffer_number = 2\n"
            "  --workloads LIST   comma list of the names above; readrandom = both reads\n"
            "                     (all)\n"
            "  --dir PATH         folder for the databases (/tmp/atoll-bench-<pid>)\n"
            "  --keep             keep the databases at the end\n"
            "  --vs rocksdb       also run RocksDB (librocksdb loaded at run time)\n"
            "  --help             this text\n"
            "\n"
            "Both engines: LZ4, 16 KiB blocks, bloom filters of 10 bits per key, the same\n"
            "block cache and MemTable sizes. Output: a table, then per workload\n"
            "  RESULT <workload> threads=<n> atoll=<ops/s> peer=<ops/s> ratio=<a/p> rss_mb=<n>\n"
            "Exit status: 0 ok, 1 a run failed or RocksDB could not be loaded, 2 bad usage.\n");
}

static int bad_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "atoll bench kv: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(see 'atoll bench kv --help')\n");
    return 2;
}

static int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    uint64_t v;
    if (config_parse_uint(s, max, &v) || v < min)
        return -1;
    *out = v;
    return 0;
}

static int parse_threads(const char *s, struct kv_opts *o)
{
    o->n_threads = 0;
    const char *p = s;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char item[32];
        uint64_t v;
        if (len == 0 || len >= sizeof(item) || o->n_threads == MAX_THREAD_COUNTS)
            return -1;
        memcpy(item, p, len);
        item[len] = '\0';
        if (parse_u64(item, 1, MAX_THREADS, &v))
            return -1;
        o->threads[o->n_threads++] = (int)v;
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

static int parse_workloads(const char *s, unsigned *mask)
{
    *mask = 0;
    const char *p = s;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        int found = 0;
        if (len == strlen("readrandom") && !strncmp(p, "readrandom", len)) {
            *mask |= 1u << WL_READ_HIT | 1u << WL_READ_MISS;
            found = 1;
        }
        for (int i = 0; i < WL_COUNT && !found; i++)
            if (strlen(workload_names[i]) == len && !strncmp(p, workload_names[i], len)) {
                *mask |= 1u << i;
                found = 1;
            }
        if (!found)
            return -1;
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

/* Returns 0, 2 for bad usage (message printed), or -1 for --help (printed). */
static int parse_opts(int argc, char **argv, struct kv_opts *o, int *sync_count_set,
                      int *scan_count_set)
{
    memset(o, 0, sizeof(*o));
    o->count = 5000000;
    o->threads[0] = 1;
    o->threads[1] = 8;
    o->n_threads = 2;
    o->sync_on = o->sync_off = 1;
    o->batch = 1;
    o->key_size = 16;
    o->value_size = 100;
    o->cache_mb = 256;
    o->memtable_mb = 64;
    o->workloads = (1u << WL_COUNT) - 1;
    snprintf(o->dir, sizeof(o->dir), "/tmp/atoll-bench-%ld", (long)getpid());
    *sync_count_set = *scan_count_set = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return -1;
        }
        if (!strcmp(a, "--keep")) {
            o->keep = 1;
            continue;
        }
        if (strncmp(a, "--", 2))
            return bad_usage("unexpected argument '%s'", a);
        /* --name value or --name=value */
        char name[32];
        const char *val;
        const char *eq = strchr(a, '=');
        size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
        if (nlen >= sizeof(name))
            return bad_usage("unknown option '%s'", a);
        memcpy(name, a, nlen);
        name[nlen] = '\0';
        if (eq) {
            val = eq + 1;
        } else {
            if (i + 1 >= argc)
                return bad_usage("option %s needs a value", a);
            val = argv[++i];
        }
        uint64_t v;
        if (!strcmp(name, "--count")) {
            if (parse_u64(val, 1, UINT64_C(1) << 40, &o->count))
                return bad_usage("--count: '%s' is not a number from 1 to 2^40", val);
        } else if (!strcmp(name, "--sync-count")) {
            if (parse_u64(val, 1, UINT64_C(1) << 40, &o->sync_count))
                return bad_usage("--sync-count: '%s' is not a number from 1 to 2^40", val);
            *sync_count_set = 1;
        } else if (!strcmp(name, "--scan-count")) {
            if (parse_u64(val, 1, UINT64_C(1) << 40, &o->scan_count))
                return bad_usage("--scan-count: '%s' is not a number from 1 to 2^40", val);
            *scan_count_set = 1;
        } else if (!strcmp(name, "--threads")) {
            if (parse_threads(val, o))
                return bad_usage("--threads: '%s' is not a comma list of 1 to 16 numbers "
                                 "from 1 to 1024", val);
        } else if (!strcmp(name, "--sync")) {
            if (!strcmp(val, "both")) {
                o->sync_on = o->sync_off = 1;
            } else {
                int b;
                if (config_parse_bool(val, &b))
                    return bad_usage("--sync: '%s' is not on, off or both", val);
                o->sync_on = b;
                o->sync_off = !b;
            }
        } else if (!strcmp(name, "--batch")) {
            if (parse_u64(val, 1, 1000000, &v))
                return bad_usage("--batch: '%s' is not a number from 1 to 1000000", val);
            o->batch = (uint32_t)v;
        } else if (!strcmp(name, "--key-size")) {
            if (parse_u64(val, 8, KV_KEY_MAX, &v))
                return bad_usage("--key-size: '%s' is not a number from 8 to 16384", val);
            o->key_size = (uint32_t)v;
        } else if (!strcmp(name, "--value-size")) {
            if (parse_u64(val, 1, 4u << 20, &v))
                return bad_usage("--value-size: '%s' is not a number from 1 to 4194304", val);
            o->value_size = (uint32_t)v;
        } else if (!strcmp(name, "--cache-mb")) {
            if (parse_u64(val, 1, 1u << 20, &o->cache_mb))
                return bad_usage("--cache-mb: '%s' is not a number from 1 to 1048576", val);
        } else if (!strcmp(name, "--memtable-mb")) {
            if (parse_u64(val, 1, 1u << 16, &o->memtable_mb))
                return bad_usage("--memtable-mb: '%s' is not a number from 1 to 65536", val);
        } else if (!strcmp(name, "--workloads")) {
            if (parse_workloads(val, &o->workloads))
                return bad_usage("--workloads: '%s' is not a comma list of fillseq, fillrandom, "
                                 "overwrite, readrandom, readrandom_hit, readrandom_miss, scan100",
                                 val);
        } else if (!strcmp(name, "--dir")) {
            if (!val[0] || strlen(val) >= sizeof(o->dir))
                return bad_usage("--dir: '%s' is empty or too long", val);
            snprintf(o->dir, sizeof(o->dir), "%s", val);
            /* Strip trailing slashes so the engines' folder names read well. */
            for (size_t n = strlen(o->dir); n > 1 && o->dir[n - 1] == '/'; n--)
                o->dir[n - 1] = '\0';
        } else if (!strcmp(name, "--vs")) {
            if (strcmp(val, "rocksdb"))
                return bad_usage("--vs: '%s' is not a known peer (only rocksdb)", val);
            o->vs_rocksdb = 1;
        } else {
            return bad_usage("unknown option '%s'", name);
        }
    }
    if (!*sync_count_set)
        o->sync_count = 50000;
    if (o->sync_count > o->count)
        o->sync_count = o->count;
    if (!*scan_count_set)
        o->scan_count = o->count / 10 ? o->count / 10 : 1;
    return 0;
}

/* ---- The plan and the report -------------------------------------------- */

/* Fills steps (room for WL_COUNT * 2 * MAX_THREAD_COUNTS + 1); returns how many. */
static int plan(const struct kv_opts *o, int need_load, struct step *steps)
{
    int n = 0;
    uint64_t n_keys = o->count;
    int max_threads = 1;
    for (int t = 0; t < o->n_threads; t++)
        if (o->threads[t] > max_threads)
            max_threads = o->threads[t];
    if (need_load)
        steps[n++] = (struct step){WL_FILLSEQ, 0, max_threads, o->count, 0, 1};
    for (int wl = 0; wl < WL_COUNT; wl++) {
        if (!(o->workloads & 1u << wl))
            continue;
        for (int sync = 1; sync >= 0; sync--) {
            if (wl_is_write(wl) ? !(sync ? o->sync_on : o->sync_off) : sync)
                continue;
            for (int t = 0; t < o->n_threads; t++) {
                struct step *st = &steps[n++];
                st->wl = wl;
                st->sync = wl_is_write(wl) && sync;
                st->threads = o->threads[t];
                st->ops = wl == WL_SCAN100 ? o->scan_count : st->sync ? o->sync_count : o->count;
                st->n_keys = wl_is_fill(wl) ? 0 : n_keys;
                st->setup = 0;
                if (wl_is_fill(wl))
                    n_keys = st->ops;
            }
        }
    }
    return n;
}

static void step_name(const struct step *st, char *out, size_t cap)
{
    if (wl_is_write(st->wl))
        snprintf(out, cap, "%s%s_%s", st->setup ? "(load) " : "", workload_names[st->wl],
                 st->sync ? "sync" : "nosync");
    else
        snprintf(out, cap, "%s", workload_names[st->wl]);
}

static double ops_per_s(const struct report *rep)
{
    return rep->rc || rep->seconds <= 0 ? 0 : (double)rep->ops / rep->seconds;
}

static void print_cell(double v, int ok, int width)
{
    if (ok)
        printf(" %*.0f", width, v);
    else
        printf(" %*s", width, "-");
}

/* ---- Entry points -------------------------------------------------------- */

int bench_kv_main(int argc, char **argv)
{
    struct kv_opts o;
    int sync_count_set, scan_count_set;
    int rc = parse_opts(argc, argv, &o, &sync_count_set, &scan_count_set);
    if (rc)
        return rc < 0 ? 0 : rc;

    /* The store's per-open info lines would break up the table; warnings stay. */
    if (!getenv("ATOLL_LOG"))
        log_set_level(LOG_WARN);

    char soname[512] = "";
    if (o.vs_rocksdb && probe_rocksdb(soname, sizeof(soname))) {
        fprintf(stderr, "atoll bench kv: --vs rocksdb: %s\n", soname);
        return 1;
    }

    if (mkdir(o.dir, 0755) && errno != EEXIST) {
        fprintf(stderr, "atoll bench kv: cannot create %s: %s\n", o.dir, strerror(errno));
        return 1;
    }
    /* Reads and overwrites without a fill use folders an earlier --keep run left,
     * if both are there; otherwise a load step fills them first. */
    int need_load = 0;
    if (!(o.workloads & (1u << WL_FILLSEQ | 1u << WL_FILLRANDOM))) {
        for (int e = 0; e <= (o.vs_rocksdb ? ENGINE_ROCKSDB : ENGINE_ATOLL); e++) {
            char path[PATH_MAX];
            struct stat sb;
            engine_dir(&o, (enum engine)e, path, sizeof(path));
            if (stat(path, &sb))
                need_load = 1;
        }
    }

    struct step steps[WL_COUNT * 2 * MAX_THREAD_COUNTS + 1];
    int n_steps = plan(&o, need_load, steps);

    size_t pool_len = o.value_size > VALUE_POOL_MIN ? o.value_size : VALUE_POOL_MIN;
    uint8_t *pool = make_value_pool(pool_len);
    if (!pool) {
        fprintf(stderr, "atoll bench kv: out of memory for the value pool\n");
        return 1;
    }

    printf("atoll bench kv: count=%" PRIu64 " sync_count=%" PRIu64 " scan_count=%" PRIu64
           " batch=%u key=%u B value=%u B (half compressible)\n",
           o.count, o.sync_count, o.scan_count, o.batch, o.key_size, o.value_size);
    printf("  both engines: lz4, 16 KiB blocks, bloom 10 bits/key, block cache %" PRIu64
           " MiB, memtable %" PRIu64 " MiB x 2 (atoll memory_budget = rocksdb "
           "max_write_buffer_number 2 x write_buffer_size)\n",
           o.cache_mb, o.memtable_mb);
    printf("  dir %s%s; peer: %s\n\n", o.dir, o.keep ? " (kept)" : "",
           o.vs_rocksdb ? soname : "none");
    printf("%-24s %7s %10s %12s %12s %7s %8s %8s\n", "workload", "threads", "ops",
           "atoll ops/s", "rocksdb ops/s", "ratio", "atoll MB", "rocks MB");

    struct report (*reps)[2] = mem_calloc((size_t)n_steps, sizeof(*reps));
    if (!reps) {
        mem_free(pool);
        fprintf(stderr, "atoll bench kv: out of memory\n");
        return 1;
    }
    int failed = 0;
    for (int i = 0; i < n_steps; i++) {
        const struct step *st = &steps[i];
        char name[64];
        step_name(st, name, sizeof(name));
        for (int e = 0; e <= (o.vs_rocksdb ? ENGINE_ROCKSDB : ENGINE_ATOLL); e++) {
            char path[PATH_MAX];
            engine_dir(&o, (enum engine)e, path, sizeof(path));
            if (wl_is_fill(st->wl) && remove_tree(path)) {
                reps[i][e].rc = ERR_IO;
                snprintf(reps[i][e].msg, sizeof(reps[i][e].msg), "cannot empty %.400s: %s", path,
                         strerror(errno));
                continue;
            }
            /* Write back what the previous run left dirty (a peer's compactions,
             * unsynced writes), so that it does not slow this run's syncs. */
            settle_disk(o.dir);
            run_child(&o, st, (uint64_t)i, (enum engine)e, pool, pool_len, &reps[i][e]);
        }
        const struct report *a = &reps[i][ENGINE_ATOLL], *p = &reps[i][ENGINE_ROCKSDB];
        double ao = ops_per_s(a), po = ops_per_s(p);
        printf("%-24s %7d %10" PRIu64, name, st->threads, st->ops);
        print_cell(ao, !a->rc, 12);
        print_cell(po, o.vs_rocksdb && !p->rc, 13);
        if (ao > 0 && po > 0)
            printf(" %7.2f", ao / po);
        else
            printf(" %7s", "-");
        print_cell((double)a->hwm_kb / 1024.0, !a->rc, 8);
        print_cell((double)p->hwm_kb / 1024.0, o.vs_rocksdb && !p->rc, 8);
        printf("\n");
        for (int e = 0; e <= (o.vs_rocksdb ? ENGINE_ROCKSDB : ENGINE_ATOLL); e++)
            if (reps[i][e].rc) {
                printf("  %s error: %s: %s\n", e == ENGINE_ATOLL ? "atoll" : "rocksdb",
                       err_name(reps[i][e].rc), reps[i][e].msg);
                failed = 1;
            }
        fflush(stdout);
    }

    printf("\n");
    for (int i = 0; i < n_steps; i++) {
        const struct step *st = &steps[i];
        if (st->setup)
            continue;
        char name[64];
        step_name(st, name, sizeof(name));
        const struct report *a = &reps[i][ENGINE_ATOLL], *p = &reps[i][ENGINE_ROCKSDB];
        double ao = ops_per_s(a), po = o.vs_rocksdb ? ops_per_s(p) : 0;
        printf("RESULT %s threads=%d atoll=%.0f peer=%.0f ratio=%.3f rss_mb=%.0f\n", name,
               st->threads, ao, po, ao > 0 && po > 0 ? ao / po : 0.0,
               (double)a->hwm_kb / 1024.0);
    }

    if (!o.keep) {
        for (int e = 0; e <= ENGINE_ROCKSDB; e++) {
            char path[PATH_MAX];
            engine_dir(&o, (enum engine)e, path, sizeof(path));
            remove_tree(path);
        }
        rmdir(o.dir); /* Only if empty: a --dir given may hold other files. */
    }
    mem_free(reps);
    mem_free(pool);
    return failed ? 1 : 0;
}

int bench_main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        FILE *f = argc < 2 ? stderr : stdout;
        fprintf(f, "usage: atoll bench <benchmark> [options]\n\nbenchmarks:\n"
                   "  kv    the tablet store alone, optionally against RocksDB (kv --help)\n");
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "kv"))
        return bench_kv_main(argc - 1, argv + 1);
    fprintf(stderr, "atoll bench: unknown benchmark '%s' (try 'atoll bench --help')\n", argv[1]);
    return 2;
}
