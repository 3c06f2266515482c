/*
 * test_memtable.c: unit tests of the MemTable (storage/memtable.c): versions
 * at snapshots, ordering, idempotence, tombstones, limits, iteration against a
 * sorted model, uncommitted versions and row locks, concurrent writers and
 * readers, memory accounting and allocation failures, and an insert benchmark
 * whose figures are printed, not asserted.
 */
#include "test.h"

#include "base/err.h"
#include "base/mem.h"
#include "storage/memtable.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

/* Sanitizers slow inserts 5-50 times: the stress test and the benchmark shrink under them. */
#if defined(__SANITIZE_THREAD__)
#define TSAN_BUILD 1
#elif defined(__SANITIZE_ADDRESS__)
#define ASAN_BUILD 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TSAN_BUILD 1
#elif __has_feature(address_sanitizer)
#define ASAN_BUILD 1
#endif
#endif
#if defined(TSAN_BUILD)
#define PERF_KEYS         50000
#define STRESS_PER_WRITER 20000
#elif defined(ASAN_BUILD)
#define PERF_KEYS         200000
#define STRESS_PER_WRITER 50000
#else
#define PERF_KEYS         1000000
#define STRESS_PER_WRITER 100000
#endif

/* ---- Helpers ---- */

static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *s = x;
    return x * 0x2545f4914f6cdd1dULL;
}

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_s(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

static int put_s(struct memtable *mt, const char *key, uint64_t ts, const char *value)
{
    return memtable_put(mt, (const uint8_t *)key, strlen(key), ts, KV_PUT, (const uint8_t *)value,
                        strlen(value));
}

/* Reads key at snap as txn; returns the rc and copies the value into buf as a C string. */
static int get_s(struct memtable *mt, const char *key, uint64_t snap, uint64_t txn, char *buf,
                 size_t cap, struct kv_entry *e)
{
    int rc = memtable_get(mt, (const uint8_t *)key, strlen(key), snap, txn, e);
    buf[0] = '\0';
    if (rc == 0 && e->value) {
        size_t n = e->value_len < cap - 1 ? e->value_len : cap - 1;
        memcpy(buf, e->value, n);
        buf[n] = '\0';
    }
    return rc;
}

/* Asserts that key reads as want (NULL = not found) at snap for txn. */
static void assert_reads(struct memtable *mt, const char *key, uint64_t snap, uint64_t txn,
                         const char *want, int line)
{
    char buf[256];
    struct kv_entry e;
    int rc = get_s(mt, key, snap, txn, buf, sizeof buf, &e);
    if (!want && rc != ERR_NOT_FOUND)
        test_fail_(__FILE__, line, "%s at %llu: want not found, got %s \"%s\"", key,
                   (unsigned long long)snap, err_name(rc), buf);
    if (want && (rc != 0 || strcmp(buf, want) != 0))
        test_fail_(__FILE__, line, "%s at %llu: want \"%s\", got %s \"%s\"", key,
                   (unsigned long long)snap, want, err_name(rc), buf);
}
#define ASSERT_READS(mt, key, snap, txn, want)                                                     \
    assert_reads((mt), (key), (snap), (txn), (want), __LINE__)

/* Counts the versions a forward walk from the start sees; (size_t)-1 if no iterator. */
static size_t count_forward(struct memtable *mt)
{
    struct kv_iter *it;
    if (memtable_iter_create(mt, &it) != 0)
        return (size_t)-1;
    size_t n = 0;
    for (kv_iter_seek_first(it); kv_iter_valid(it); kv_iter_next(it))
        n++;
    kv_iter_destroy(it);
    return n;
}

/* ---- Basic behaviour ---- */

TEST(put_get_at_snapshots)
{
    struct memtable *mt;
    ASSERT_OK(memtable_create(1, &mt));
    ASSERT_OK(put_s(mt, "apple", 10, "a10"));
    ASSERT_OK(put_s(mt, "apple", 20, "a20"));
    ASSERT_OK(put_s(mt, "banana", 15, "b15"));

    ASSERT_READS(mt, "apple", 9, 0, NULL);
    ASSERT_READS(mt, "apple", 10, 0, "a10");
    ASSERT_READS(mt, "apple", 19, 0, "a10");
    ASSERT_READS(mt, "apple", 20, 0, "a20");
    ASSERT_READS(mt, "apple", TS_MAX, 0, "a20");
    ASSERT_READS(mt, "banana", 14, 0, NULL);
    ASSERT_READS(mt, "banana", 15, 0, "b15");
    ASSERT_READS(mt, "cherry", TS_MAX, 0, NULL);
    ASSERT_READS(mt, "appl", TS_MAX, 0, NULL);
    ASSERT_READS(mt, "apples", TS_MAX, 0, NULL);

    struct kv_entry e;
    ASSERT_OK(memtable_get(mt, (const uint8_t *)"apple", 5, 15, 0, &e));
    ASSERT_U64_EQ(e.ts, 10);
    ASSERT_EQ(e.kind, KV_PUT);
    ASSERT_EQ(e.key_len, 5);
    ASSERT_MEM_EQ(e.key, "apple", 5);

    uint64_t ts = 0;
    ASSERT_OK(memtable_latest_ts(mt, (const uint8_t *)"apple", 5, &ts));
    ASSERT_U64_EQ(ts, 20);
    ASSERT_EQ(memtable_latest_ts(mt, (const uint8_t *)"zzz", 3, &ts), ERR_NOT_FOUND);
    ASSERT_U64_EQ(memtable_n_versions(mt), 3);
    ASSERT_U64_EQ(memtable_max_ts(mt), 20);
    ASSERT_U64_EQ(memtable_n_uncommitted(mt), 0);
    memtable_unref(mt);
}

TEST(versions_sorted_whatever_the_insert_order)
{
    uint64_t seed = test_seed();
    struct memtable *mt;
    ASSERT_OK(memtable_create(2, &mt));
    enum { N = 200 };
    uint64_t order[N];
    for (int i = 0; i < N; i++)
        order[i] = (uint64_t)(i + 1) * 10;
    for (int i = N - 1; i > 0; i--) {
        int j = (int)(rng_next(&seed) % (uint64_t)(i + 1));
        uint64_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (int i = 0; i < N; i++) {
        char v[32];
        snprintf(v, sizeof v, "v%llu", (unsigned long long)order[i]);
        ASSERT_OK(put_s(mt, "k", order[i], v));
    }
    /* Every snapshot sees the newest version at or below it. */
    for (uint64_t snap = 0; snap <= (N + 1) * 10; snap += 5) {
        uint64_t want = snap / 10 * 10;
        if (want > N * 10)
            want = N * 10;
        if (want == 0) {
            ASSERT_READS(mt, "k", snap, 0, NULL);
        } else {
            char v[32];
            snprintf(v, sizeof v, "v%llu", (unsigned long long)want);
            ASSERT_READS(mt, "k", snap, 0, v);
        }
    }
    /* The chain walks newest first. */
    struct kv_iter *it;
    ASSERT_OK(memtable_iter_create(mt, &it));
    uint64_t expect = N * 10;
    int rc = kv_iter_seek_first(it);
    for (; rc == 0 && kv_iter_valid(it); rc = kv_iter_next(it)) {
        struct kv_entry e;
        kv_iter_entry(it, &e);
        ASSERT_U64_EQ(e.ts, expect);
        expect -= 10;
    }
    ASSERT_OK(rc);
    ASSERT_U64_EQ(expect, 0);
    kv_iter_destroy(it);
    ASSERT_U64_EQ(memtable_max_ts(mt), N * 10);
    memtable_unref(mt);
}

TEST(reput_is_idempotent)
{
    struct memtable *mt;
    ASSERT_OK(memtable_create(3, &mt));
    ASSERT_OK(put_s(mt, "k", 7, "first"));
    ASSERT_OK(put_s(mt, "k", 9, "nine"));
    size_t mem = memtable_memory(mt);
    for (int i = 0; i < 1000; i++)
        ASSERT_OK(put_s(mt, "k", 7, "second"));
    ASSERT_READS(mt, "k", 8, 0, "first");
    ASSERT_U64_EQ(memtable_n_versions(mt), 2);
    ASSERT_EQ(count_forward(mt), 2);
    /* A duplicate is found before anything is allocated. */
    ASSERT_EQ(memtable_memory(mt), mem);
    memtable_unref(mt);
}

TEST(tombstones)
{
    struct memtable *mt;
    ASSERT_OK(memtable_create(4, &mt));
    ASSERT_OK(put_s(mt, "k", 10, "live"));
    ASSERT_OK(memtable_put(mt, (const uint8_t *)"k", 1, 20, KV_DELETE, NULL, 0));
    struct kv_entry e;
    ASSERT_OK(memtable_get(mt, (const uint8_t *)"k", 1, 25, 0, &e));
    ASSERT_EQ(e.kind, KV_DELETE);
    ASSERT_U64_EQ(e.ts, 20);
    ASSERT(e.value == NULL);
    ASSERT_EQ(e.value_len, 0);
    ASSERT_READS(mt, "k", 15, 0, "live");
    /* A tombstone given value bytes still hands out none. */
    ASSERT_OK(memtable_put(mt, (const uint8_t *)"k", 1, 30, KV_DELETE, (const uint8_t *)"x", 1));
    ASSERT_OK(memtable_get(mt, (const uint8_t *)"k", 1, 30, 0, &e));
    ASSERT_EQ(e.kind, KV_DELETE);
    ASSERT(e.value == NULL);
    /* Bad kinds are refused. */
    ASSERT_EQ(memtable_put(mt, (const uint8_t *)"k", 1, 40, 9, NULL, 0), ERR_INVALID);
    ASSERT_EQ(memtable_put(mt, (const uint8_t *)"k", 1, TS_UNCOMMITTED, KV_PUT, NULL, 0),
              ERR_INVALID);
    ASSERT_EQ(count_forward(mt), 3);
    memtable_unref(mt);
}

TEST(empty_key_and_empty_value)
{
    struct memtable *mt;
    ASSERT_OK(memtable_create(5, &mt));
    ASSERT_OK(put_s(mt, "a", 1, "A"));
    ASSERT_OK(memtable_put(mt, NULL, 0, 5, KV_PUT, (const uint8_t *)"empty", 5));
    ASSERT_OK(memtable_put(mt, (const uint8_t *)"", 0, 6, KV_PUT, NULL, 0));
    struct kv_entry e;
    ASSERT_OK(memtable_get(mt, NULL, 0, 5, 0, &e));
    ASSERT_EQ(e.key_len, 0);
    ASSERT_EQ(e.value_len, 5);
    ASSERT_MEM_EQ(e.value, "empty", 5);
    ASSERT_OK(memtable_get(mt, NULL, 0, 6, 0, &e));
    ASSERT_EQ(e.kind, KV_PUT);
    ASSERT_EQ(e.value_len, 0);
    /* The empty key sorts first. */
    struct kv_iter *it;
    ASSERT_OK(memtable_iter_create(mt, &it));
    ASSERT_OK(kv_iter_seek_first(it));
    ASSERT(kv_iter_valid(it));
    kv_iter_entry(it, &e);
    ASSERT_EQ(e.key_len, 0);
    ASSERT_U64_EQ(e.ts, 6);
    ASSERT_OK(kv_iter_seek(it, NULL, 0, 5));
    kv_iter_entry(it, &e);
    ASSERT_EQ(e.key_len, 0);
    ASSERT_U64_EQ(e.ts, 5);
    ASSERT_OK(kv_iter_prev(it));
    kv_iter_entry(it, &e);
    ASSERT_U64_EQ(e.ts, 6);
    ASSERT_OK(kv_iter_prev(it));
    ASSERT(!kv_iter_valid(it));
    kv_iter_destroy(it);
    uint64_t holder = 0;
    ASSERT_OK(memtable_lock_row(mt, NULL, 0, 77, &holder));
    ASSERT_EQ(memtable_lock_row(mt, NULL, 0, 78, &holder), ERR_LOCKED);
    ASSERT_U64_EQ(holder, 77);
    memtable_unref(mt);
}

TEST(size_limits)
{
    struct memtable *mt;
    ASSERT_OK(memtable_create(6, &mt));
    uint8_t *big = mem_calloc(1, KV_VALUE_MAX + 1);
    ASSERT(big != NULL);
    err_clear();
    ASSERT_EQ(memtable_put(mt, big, KV_KEY_MAX + 1, 1, KV_PUT, NULL, 0), ERR_TOO_BIG);
    ASSERT(strstr(err_msg(), "key of 16385 bytes") != NULL);
    ASSERT_EQ(memtable_put(mt, (const uint8_t *)"k", 1, 1, KV_PUT, big, KV_VALUE_MAX + 1),
              ERR_TOO_BIG);
    ASSERT(strstr(err_msg(), "value of") != NULL);
    uint64_t holder;
    ASSERT_EQ(memtable_lock_row(mt, big, KV_KEY_MAX + 1, 1, &holder), ERR_TOO_BIG);
    struct mt_version *v;
    ASSERT_EQ(memtable_put_uncommitted(mt, big, KV_KEY_MAX + 1, 1, KV_PUT, NULL, 0, &v),
              ERR_TOO_BIG);
    ASSERT_EQ(memtable_put_uncommitted(mt, big, 1, 1, KV_PUT, big, KV_VALUE_MAX + 1, &v),
              ERR_TOO_BIG);
    ASSERT_EQ(count_forward(mt), 0);
    ASSERT_U64_EQ(memtable_n_uncommitted(mt), 0);

    /* The limits themselves are accepted. */
    memset(big, 0xab, KV_VALUE_MAX);
    ASSERT_OK(memtable_put(mt, big, KV_KEY_MAX, 3, KV_PUT, big, KV_VALUE_MAX));
    struct kv_entry e;
    ASSERT_OK(memtable_get(mt, big, KV_KEY_MAX, 3, 0, &e));
    ASSERT_EQ(e.key_len, KV_KEY_MAX);
    ASSERT_EQ(e.value_len, KV_VALUE_MAX);
    ASSERT_MEM_EQ(e.value, big, KV_VALUE_MAX);
    ASSERT(memtable_memory(mt) >= KV_VALUE_MAX + KV_KEY_MAX);
    mem_free(big);
    memtable_unref(mt);
}

/* ---- Iteration against a sorted model ---- */

struct model_v {
    uint8_t key[8]; /* Key bytes. */
    size_t key_len; /* 0..6. */
    uint64_t ts;    /* Commit ts. */
    uint8_t kind;   /* KV_PUT or KV_DELETE. */
    uint32_t val;   /* Value: 4 bytes of this, or none for a tombstone. */
};

static int model_cmp(const void *a, const void *b)
{
    const struct model_v *x = a, *y = b;
    return kv_internal_cmp(x->key, x->key_len, x->ts, y->key, y->key_len, y->ts);
}

static void random_key(uint64_t *s, uint8_t *key, size_t *len)
{
    /* Short keys over a 3-letter alphabet: many shared prefixes and a few empty keys. */
    *len = (size_t)(rng_next(s) % 6);
    for (size_t i = 0; i < *len; i++)
        key[i] = (uint8_t)("abc"[rng_next(s) % 3]);
}

/* Index of the first model entry >= (key, ts), or n. */
static size_t model_lower_bound(const struct model_v *m, size_t n, const uint8_t *key,
                                size_t key_len, uint64_t ts)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (kv_internal_cmp(m[mid].key, m[mid].key_len, m[mid].ts, key, key_len, ts) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void check_at(struct kv_iter *it, const struct model_v *m, size_t n, size_t i)
{
    if (i >= n) {
        ASSERT(!kv_iter_valid(it));
        return;
    }
    ASSERT(kv_iter_valid(it));
    struct kv_entry e;
    kv_iter_entry(it, &e);
    ASSERT_EQ(e.key_len, m[i].key_len);
    if (e.key_len)
        ASSERT_MEM_EQ(e.key, m[i].key, e.key_len);
    ASSERT_U64_EQ(e.ts, m[i].ts);
    ASSERT_EQ(e.kind, m[i].kind);
    if (m[i].kind == KV_PUT) {
        ASSERT_EQ(e.value_len, 4);
        ASSERT_MEM_EQ(e.value, &m[i].val, 4);
    } else {
        ASSERT(e.value == NULL);
    }
}

TEST(iteration_matches_sorted_model)
{
    uint64_t seed = test_seed();
    enum { N = 4000 };
    struct model_v *m = mem_calloc(N, sizeof *m);
    ASSERT(m != NULL);
    struct memtable *mt;
    ASSERT_OK(memtable_create(7, &mt));
    size_t n = 0;
    for (int i = 0; i < N; i++) {
        struct model_v v;
        random_key(&seed, v.key, &v.key_len);
        v.ts = 1 + rng_next(&seed) % 500;
        v.kind = rng_next(&seed) % 5 == 0 ? KV_DELETE : KV_PUT;
        v.val = (uint32_t)rng_next(&seed);
        ASSERT_OK(memtable_put(mt, v.key, v.key_len, v.ts, v.kind, (const uint8_t *)&v.val,
                               v.kind == KV_PUT ? 4 : 0));
        /* Lock-only nodes (no versions) must be invisible to iterators. */
        if (i % 7 == 0) {
            uint8_t k[8];
            size_t kl;
            random_key(&seed, k, &kl);
            k[kl++] = 'z';
            uint64_t holder;
            ASSERT_OK(memtable_lock_row(mt, k, kl, 1, &holder));
        }
        /* The model keeps the first insert of each (key, ts), like the MemTable. */
        int dup = 0;
        for (size_t j = 0; j < n && !dup; j++)
            dup = model_cmp(&m[j], &v) == 0;
        if (!dup)
            m[n++] = v;
    }
    qsort(m, n, sizeof *m, model_cmp);
    ASSERT_U64_EQ(memtable_n_versions(mt), n);

    struct kv_iter *it;
    ASSERT_OK(memtable_iter_create(mt, &it));
    /* Forward. */
    size_t i = 0;
    int rc = kv_iter_seek_first(it);
    for (; rc == 0 && kv_iter_valid(it); rc = kv_iter_next(it))
        check_at(it, m, n, i++);
    ASSERT_OK(rc);
    ASSERT_EQ(i, n);
    /* Backward. */
    i = n;
    for (rc = kv_iter_seek_last(it); rc == 0 && kv_iter_valid(it); rc = kv_iter_prev(it))
        check_at(it, m, n, --i);
    ASSERT_OK(rc);
    ASSERT_EQ(i, 0);
    /* Random seeks, each followed by a random walk in both directions. */
    for (int s = 0; s < 3000; s++) {
        uint8_t key[8];
        size_t key_len;
        random_key(&seed, key, &key_len);
        uint64_t ts = rng_next(&seed) % 4 == 0 ? TS_UNCOMMITTED : rng_next(&seed) % 510;
        ASSERT_OK(kv_iter_seek(it, key, key_len, ts));
        size_t pos = model_lower_bound(m, n, key, key_len, ts);
        check_at(it, m, n, pos);
        for (int step = 0; step < 8 && pos < n; step++) {
            if (rng_next(&seed) % 2 && pos > 0) {
                ASSERT_OK(kv_iter_prev(it));
                pos--;
            } else {
                ASSERT_OK(kv_iter_next(it));
                pos++;
            }
            check_at(it, m, n, pos);
        }
    }
    /* Backward again with every allocation failing: an iterator that cannot
     * snapshot a chain rescans it, and still walks right. */
    struct kv_iter *it2;
    ASSERT_OK(memtable_iter_create(mt, &it2));
    i = n;
    mem_fail_after(1);
    for (rc = kv_iter_seek_last(it2); rc == 0 && kv_iter_valid(it2); rc = kv_iter_prev(it2)) {
        mem_fail_after(1);
        check_at(it2, m, n, --i);
    }
    mem_fail_after(0);
    ASSERT_OK(rc);
    ASSERT_EQ(i, 0);
    kv_iter_destroy(it2);

    /* prev from the first and next from the last fall off the ends. */
    ASSERT_OK(kv_iter_seek_first(it));
    ASSERT_OK(kv_iter_prev(it));
    ASSERT(!kv_iter_valid(it));
    ASSERT_OK(kv_iter_seek_last(it));
    ASSERT_OK(kv_iter_next(it));
    ASSERT(!kv_iter_valid(it));
    kv_iter_destroy(it);

    /* Point reads agree with the model at random snapshots. */
    for (int s = 0; s < 2000; s++) {
        uint8_t key[8];
        size_t key_len;
        random_key(&seed, key, &key_len);
        uint64_t snap = rng_next(&seed) % 510;
        size_t pos = model_lower_bound(m, n, key, key_len, snap);
        struct kv_entry e;
        int rc = memtable_get(mt, key, key_len, snap, 0, &e);
        if (pos < n && kv_key_cmp(m[pos].key, m[pos].key_len, key, key_len) == 0) {
            ASSERT_OK(rc);
            ASSERT_U64_EQ(e.ts, m[pos].ts);
            ASSERT_EQ(e.kind, m[pos].kind);
        } else {
            ASSERT_EQ(rc, ERR_NOT_FOUND);
        }
    }
    mem_free(m);
    memtable_unref(mt);
}

TEST(hot_row_walks_back_in_linear_time)
{
    /* One key with many versions between two others: a reverse walk must not
     * rescan the chain at every step (50k^2 steps would time out). */
    enum { N = 50000 };
    struct memtable *mt;
    ASSERT_OK(memtable_create(16, &mt));
    ASSERT_OK(put_s(mt, "a", 1, "A"));
    ASSERT_OK(put_s(mt, "z", 1, "Z"));
    for (uint64_t ts = 1; ts <= N; ts++)
        ASSERT_OK(memtable_put(mt, (const uint8_t *)"hot", 3, ts, KV_PUT, (const uint8_t *)&ts, 8));
    struct kv_iter *it;
    ASSERT_OK(memtable_iter_create(mt, &it));
    double t0 = now_s();
    ASSERT_OK(kv_iter_seek_last(it));
    struct kv_entry e;
    kv_iter_entry(it, &e);
    ASSERT_MEM_EQ(e.key, "z", 1);
    for (uint64_t ts = 1; ts <= N; ts++) {
        ASSERT_OK(kv_iter_prev(it));
        ASSERT(kv_iter_valid(it));
        kv_iter_entry(it, &e);
        ASSERT_EQ(e.key_len, 3);
        ASSERT_U64_EQ(e.ts, ts);
    }
    ASSERT_OK(kv_iter_prev(it));
    kv_iter_entry(it, &e);
    ASSERT_MEM_EQ(e.key, "a", 1);
    /* Turning round in the middle of the chain. */
    ASSERT_OK(kv_iter_seek(it, (const uint8_t *)"hot", 3, 100));
    ASSERT_OK(kv_iter_next(it));
    kv_iter_entry(it, &e);
    ASSERT_U64_EQ(e.ts, 99);
    ASSERT_OK(kv_iter_prev(it));
    ASSERT_OK(kv_iter_prev(it));
    kv_iter_entry(it, &e);
    ASSERT_U64_EQ(e.ts, 101);
    /* A version added after the walk began is seen after a new seek. */
    ASSERT_OK(memtable_put(mt, (const uint8_t *)"hot", 3, N + 1, KV_PUT, NULL, 0));
    ASSERT_OK(kv_iter_seek(it, (const uint8_t *)"hot", 3, N));
    ASSERT_OK(kv_iter_prev(it));
    kv_iter_entry(it, &e);
    ASSERT_U64_EQ(e.ts, N + 1);
    fprintf(stderr, "  reverse walk of a %d-version row: %.3f s\n", N, now_s() - t0);
    kv_iter_destroy(it);
    memtable_unref(mt);
}

TEST(empty_memtable_iterates_nothing)
{
    struct memtable *mt;
    ASSERT_OK(memtable_create(8, &mt));
    uint64_t holder;
    ASSERT_OK(memtable_lock_row(mt, (const uint8_t *)"x", 1, 5, &holder));
    struct kv_iter *it;
    ASSERT_OK(memtable_iter_create(mt, &it));
    ASSERT_OK(kv_iter_seek_first(it));
    ASSERT(!kv_iter_valid(it));
    ASSERT_OK(kv_iter_seek_last(it));
    ASSERT(!kv_iter_valid(it));
    ASSERT_OK(kv_iter_seek(it, (const uint8_t *)"a", 1, 3));
    ASSERT(!kv_iter_valid(it));
    ASSERT_OK(kv_iter_next(it));
    ASSERT_OK(kv_iter_prev(it));
    ASSERT(!kv_iter_valid(it));
    /* The iterator keeps the MemTable alive after its owner lets go. */
    memtable_unref(mt);
    ASSERT_OK(kv_iter_seek_first(it));
    kv_iter_destroy(it);
}

/* ---- Uncommitted versions and row locks ---- */

TEST(uncommitted_versions)
{
    struct memtable *mt;
    ASSERT_OK(memtable_create(9, &mt));
    ASSERT_OK(put_s(mt, "k", 10, "base"));
    uint64_t holder = 0;
    ASSERT_OK(memtable_lock_row(mt, (const uint8_t *)"k", 1, 100, &holder));
    struct mt_version *v1, *v2;
    ASSERT_OK(memtable_put_uncommitted(mt, (const uint8_t *)"k", 1, 100, KV_PUT,
                                       (const uint8_t *)"mine1", 5, &v1));
    ASSERT_U64_EQ(memtable_n_uncommitted(mt), 1);
    /* Invisible to others and to plain reads, visible to its own transaction. */
    ASSERT_READS(mt, "k", TS_MAX, 0, "base");
    ASSERT_READS(mt, "k", TS_MAX, 200, "base");
    ASSERT_READS(mt, "k", 5, 100, "mine1");
    struct kv_entry e;
    ASSERT_OK(memtable_get(mt, (const uint8_t *)"k", 1, 5, 100, &e));
    ASSERT_U64_EQ(e.ts, TS_UNCOMMITTED);
    uint64_t ts;
    ASSERT_OK(memtable_latest_ts(mt, (const uint8_t *)"k", 1, &ts));
    ASSERT_U64_EQ(ts, 10);
    ASSERT_EQ(count_forward(mt), 1);

    /* A second write of the same transaction is newer. */
    ASSERT_OK(memtable_put_uncommitted(mt, (const uint8_t *)"k", 1, 100, KV_PUT,
                                       (const uint8_t *)"mine2", 5, &v2));
    ASSERT_U64_EQ(memtable_n_uncommitted(mt), 2);
    ASSERT_READS(mt, "k", 5, 100, "mine2");

    /* Both stamped at one ts: the later write is the one version seen. */
    memtable_commit_version(mt, v1, 20);
    memtable_commit_version(mt, v2, 20);
    ASSERT_U64_EQ(memtable_n_uncommitted(mt), 0);
    memtable_unlock_row(mt, (const uint8_t *)"k", 1, 100);
    ASSERT_READS(mt, "k", 19, 0, "base");
    ASSERT_READS(mt, "k", 20, 0, "mine2");
    ASSERT_READS(mt, "k", 20, 100, "mine2");
    ASSERT_OK(memtable_latest_ts(mt, (const uint8_t *)"k", 1, &ts));
    ASSERT_U64_EQ(ts, 20);
    ASSERT_U64_EQ(memtable_max_ts(mt), 20);
    ASSERT_EQ(count_forward(mt), 2);
    struct kv_iter *it;
    ASSERT_OK(memtable_iter_create(mt, &it));
    ASSERT_OK(kv_iter_seek_last(it));
    kv_iter_entry(it, &e);
    ASSERT_U64_EQ(e.ts, 10);
    ASSERT_OK(kv_iter_prev(it));
    kv_iter_entry(it, &e);
    ASSERT_U64_EQ(e.ts, 20);
    ASSERT_MEM_EQ(e.value, "mine2", 5);
    ASSERT_OK(kv_iter_prev(it));
    ASSERT(!kv_iter_valid(it));
    kv_iter_destroy(it);

    /* An aborted version is gone for everyone, for good. */
    ASSERT_OK(memtable_lock_row(mt, (const uint8_t *)"k", 1, 300, &holder));
    struct mt_version *v3;
    ASSERT_OK(memtable_put_uncommitted(mt, (const uint8_t *)"k", 1, 300, KV_DELETE, NULL, 0, &v3));
    ASSERT_OK(memtable_get(mt, (const uint8_t *)"k", 1, 5, 300, &e));
    ASSERT_EQ(e.kind, KV_DELETE);
    memtable_abort_version(mt, v3);
    memtable_unlock_row(mt, (const uint8_t *)"k", 1, 300);
    ASSERT_U64_EQ(memtable_n_uncommitted(mt), 0);
    ASSERT_READS(mt, "k", TS_MAX, 300, "mine2");
    ASSERT_READS(mt, "k", 5, 300, NULL);

    /* Later versions go past the aborted one in both kinds of insert. */
    ASSERT_OK(memtable_lock_row(mt, (const uint8_t *)"k", 1, 400, &holder));
    struct mt_version *v4;
    ASSERT_OK(memtable_put_uncommitted(mt, (const uint8_t *)"k", 1, 400, KV_PUT,
                                       (const uint8_t *)"four", 4, &v4));
    ASSERT_OK(put_s(mt, "k", 15, "fifteen")); /* Goes below the uncommitted and aborted ones. */
    memtable_commit_version(mt, v4, 40);
    ASSERT_READS(mt, "k", 39, 0, "mine2");
    ASSERT_READS(mt, "k", 40, 0, "four");
    ASSERT_READS(mt, "k", 17, 0, "fifteen");
    ASSERT_OK(put_s(mt, "k", 30, "thirty"));
    ASSERT_READS(mt, "k", 35, 0, "thirty");
    ASSERT_EQ(count_forward(mt), 5);
    ASSERT_U64_EQ(memtable_max_ts(mt), 40);

    /* A new key written only by a transaction exists once committed. */
    struct mt_version *v5;
    ASSERT_OK(memtable_put_uncommitted(mt, (const uint8_t *)"new", 3, 500, KV_PUT,
                                       (const uint8_t *)"n", 1, &v5));
    ASSERT_EQ(memtable_latest_ts(mt, (const uint8_t *)"new", 3, &ts), ERR_NOT_FOUND);
    ASSERT_READS(mt, "new", TS_MAX, 0, NULL);
    memtable_commit_version(mt, v5, 50);
    ASSERT_READS(mt, "new", 50, 0, "n");
    ASSERT_U64_EQ(memtable_max_ts(mt), 50);
    ASSERT_U64_EQ(memtable_n_uncommitted(mt), 0);
    memtable_unref(mt);
}

TEST(row_locks)
{
    struct memtable *mt;
    ASSERT_OK(memtable_create(10, &mt));
    const uint8_t *k = (const uint8_t *)"row";
    uint64_t holder = 0;
    ASSERT_OK(memtable_lock_row(mt, k, 3, 11, &holder));
    ASSERT_OK(memtable_lock_row(mt, k, 3, 11, &holder)); /* Re-granted to its holder. */
    ASSERT_EQ(memtable_lock_row(mt, k, 3, 12, &holder), ERR_LOCKED);
    ASSERT_U64_EQ(holder, 11);
    ASSERT(strstr(err_msg(), "11") != NULL);
    memtable_unlock_row(mt, k, 3, 12); /* Not the holder: ignored. */
    ASSERT_EQ(memtable_lock_row(mt, k, 3, 13, &holder), ERR_LOCKED);
    ASSERT_U64_EQ(holder, 11);
    memtable_unlock_row(mt, k, 3, 11);
    ASSERT_OK(memtable_lock_row(mt, k, 3, 12, &holder));
    ASSERT_EQ(memtable_lock_row(mt, k, 3, 11, &holder), ERR_LOCKED);
    ASSERT_U64_EQ(holder, 12);
    /* Unlocking a key that has no node does nothing. */
    memtable_unlock_row(mt, (const uint8_t *)"none", 4, 12);
    /* Locks on a key that has versions. */
    ASSERT_OK(put_s(mt, "v", 1, "x"));
    ASSERT_OK(memtable_lock_row(mt, (const uint8_t *)"v", 1, 20, &holder));
    ASSERT_EQ(memtable_lock_row(mt, (const uint8_t *)"v", 1, 21, &holder), ERR_LOCKED);
    ASSERT_U64_EQ(holder, 20);
    ASSERT_READS(mt, "v", 1, 0, "x");
    memtable_unref(mt);
}

struct lock_race {
    struct memtable *mt; /* Shared MemTable. */
    uint64_t txn;        /* This thread's transaction id. */
    int n_granted;       /* Keys this thread got. */
};

static void *lock_racer(void *arg)
{
    struct lock_race *r = arg;
    for (int i = 0; i < 2000; i++) {
        char k[16];
        snprintf(k, sizeof k, "L%05d", i);
        uint64_t holder = 0;
        int rc = memtable_lock_row(r->mt, (const uint8_t *)k, strlen(k), r->txn, &holder);
        if (rc == 0)
            r->n_granted++;
        else if (rc != ERR_LOCKED || holder == r->txn || holder == 0)
            r->n_granted = -1000000;
    }
    return NULL;
}

TEST(row_locks_race_grant_one)
{
    struct memtable *mt;
    ASSERT_OK(memtable_create(11, &mt));
    enum { T = 4 };
    pthread_t th[T];
    struct lock_race r[T];
    for (int i = 0; i < T; i++) {
        r[i] = (struct lock_race){mt, (uint64_t)i + 1, 0};
        ASSERT_EQ(pthread_create(&th[i], NULL, lock_racer, &r[i]), 0);
    }
    int total = 0;
    for (int i = 0; i < T; i++) {
        pthread_join(th[i], NULL);
        ASSERT(r[i].n_granted >= 0);
        total += r[i].n_granted;
    }
    /* Each key was granted to exactly one transaction. */
    ASSERT_EQ(total, 2000);
    memtable_unref(mt);
}

/* ---- Concurrency ---- */

enum { STRESS_WRITERS = 4, STRESS_SHARED_KEYS = 16 };

/*
 * Four writers put versions with timestamps from one shared counter, so the
 * versions of a shared key arrive nearly in ts order and their inserts meet at
 * the head of its chain; a fifth runs transactions (lock, uncommitted write,
 * commit or abort); two readers walk and read while all that goes on.
 */
struct stress_shared {
    struct memtable *mt;      /* The MemTable under test. */
    _Atomic int go;           /* Start line: set once every thread exists. */
    _Atomic int writers_left; /* Writers still running. */
    _Atomic uint64_t ts_src;  /* Next timestamp, for every writer. */
};

struct stress {
    struct stress_shared *sh; /* What all threads share. */
    int id;                   /* Thread's number. */
    uint64_t seed;            /* Thread's random seed. */
    uint64_t *ts_log;         /* Writer: ts of its i-th version. */
    _Atomic int done;         /* Writer: versions inserted so far. */
    long n_checked;           /* Reader: entries checked. */
    int failed;               /* Set on any broken invariant. */
    int n_committed;          /* Transactional writer: versions committed. */
};

/*
 * Writer w's i-th key: on even i a key of its own, next to the keys the other
 * writers insert at about the same time (so their links race); on odd i one
 * of a few keys all writers share (so their chains race).
 */
static void stress_key(int w, int i, char *key, size_t cap)
{
    if (i % 2 == 0)
        snprintf(key, cap, "d%06d-%d", i, w);
    else
        snprintf(key, cap, "s-%02d", (i / 2) % STRESS_SHARED_KEYS);
}

static uint32_t stress_value(uint64_t ts)
{
    return (uint32_t)(ts * 2654435761u);
}

static void stress_wait(struct stress_shared *sh)
{
    while (!atomic_load(&sh->go))
        sched_yield();
}

static void *stress_writer(void *arg)
{
    struct stress *s = arg;
    stress_wait(s->sh);
    for (int i = 0; i < STRESS_PER_WRITER; i++) {
        char key[32];
        stress_key(s->id, i, key, sizeof key);
        uint64_t ts = atomic_fetch_add(&s->sh->ts_src, 1);
        uint32_t val = stress_value(ts);
        s->ts_log[i] = ts;
        if (memtable_put(s->sh->mt, (const uint8_t *)key, strlen(key), ts, KV_PUT,
                         (const uint8_t *)&val, sizeof val) != 0)
            s->failed = 1;
        atomic_store_explicit(&s->done, i + 1, memory_order_release);
    }
    atomic_fetch_sub(&s->sh->writers_left, 1);
    return NULL;
}

/* Transactions on keys of their own: lock, write uncommitted, commit or abort. */
static void *stress_txn_writer(void *arg)
{
    struct stress *s = arg;
    struct memtable *mt = s->sh->mt;
    stress_wait(s->sh);
    for (int i = 0; i < 5000; i++) {
        char key[32];
        snprintf(key, sizeof key, "t-%04d", i % 500);
        uint64_t txn = (uint64_t)i + 1, holder = 0;
        if (memtable_lock_row(mt, (const uint8_t *)key, strlen(key), txn, &holder) != 0) {
            s->failed = 1;
            continue;
        }
        struct mt_version *v;
        uint32_t val = (uint32_t)i;
        if (memtable_put_uncommitted(mt, (const uint8_t *)key, strlen(key), txn, KV_PUT,
                                     (const uint8_t *)&val, sizeof val, &v) != 0) {
            s->failed = 1;
            continue;
        }
        if (i % 5 == 4) {
            memtable_abort_version(mt, v);
        } else {
            /* The shared counter only grows: above every committed ts of the key. */
            memtable_commit_version(mt, v, atomic_fetch_add(&s->sh->ts_src, 1));
            s->n_committed++;
        }
        memtable_unlock_row(mt, (const uint8_t *)key, strlen(key), txn);
    }
    atomic_fetch_sub(&s->sh->writers_left, 1);
    return NULL;
}

/* Checks strict internal order between consecutive entries of a walk. */
static int in_order(const struct kv_entry *a, const struct kv_entry *b, int forward)
{
    int c = kv_internal_cmp(a->key, a->key_len, a->ts, b->key, b->key_len, b->ts);
    return forward ? c < 0 : c > 0;
}

static void *stress_reader(void *arg)
{
    struct stress *s = arg;
    struct stress *writers = s - s->id;
    struct memtable *mt = s->sh->mt;
    struct kv_iter *it;
    if (memtable_iter_create(mt, &it) != 0) {
        s->failed = 1;
        return NULL;
    }
    stress_wait(s->sh);
    uint8_t prev_key[64];
    struct kv_entry prev = {0}, e;
    do {
        int forward = (int)(rng_next(&s->seed) % 2);
        if (rng_next(&s->seed) % 3 == 0) {
            forward ? kv_iter_seek_first(it) : kv_iter_seek_last(it);
        } else {
            char key[32];
            snprintf(key, sizeof key, "%c%d", "dst"[rng_next(&s->seed) % 3],
                     (int)(rng_next(&s->seed) % 4));
            kv_iter_seek(it, (const uint8_t *)key, strlen(key), rng_next(&s->seed) % 100000);
        }
        int have = 0;
        for (int steps = 0; steps < 2000 && kv_iter_valid(it); steps++) {
            kv_iter_entry(it, &e);
            if (e.kind != KV_PUT || e.value_len != 4 || e.ts == TS_UNCOMMITTED)
                s->failed = 1;
            if (have && !in_order(&prev, &e, forward))
                s->failed = 1;
            memcpy(prev_key, e.key, e.key_len);
            prev = e;
            prev.key = prev_key;
            have = 1;
            s->n_checked++;
            forward ? kv_iter_next(it) : kv_iter_prev(it);
        }
        /* A version some writer has finished inserting is there to read. */
        int w = (int)(rng_next(&s->seed) % STRESS_WRITERS);
        int done = atomic_load_explicit(&writers[w].done, memory_order_acquire);
        if (done >= 2) {
            int i = (int)(rng_next(&s->seed) % (uint64_t)(done / 2)) * 2;
            char key[32];
            stress_key(w, i, key, sizeof key);
            uint64_t ts = writers[w].ts_log[i];
            uint32_t val = stress_value(ts);
            if (memtable_get(mt, (const uint8_t *)key, strlen(key), TS_MAX, 0, &e) != 0 ||
                e.ts != ts || memcmp(e.value, &val, 4) != 0)
                s->failed = 1;
        }
    } while (atomic_load(&s->sh->writers_left) > 0);
    kv_iter_destroy(it);
    return NULL;
}

TEST(concurrent_writers_and_readers)
{
    uint64_t seed = test_seed();
    struct stress_shared sh;
    ASSERT_OK(memtable_create(12, &sh.mt));
    atomic_init(&sh.go, 0);
    atomic_init(&sh.writers_left, STRESS_WRITERS + 1);
    atomic_init(&sh.ts_src, 1);
    enum { READERS = 2, T = STRESS_WRITERS + 1 + READERS };
    struct stress s[T];
    memset(s, 0, sizeof s);
    pthread_t th[T];
    for (int i = 0; i < T; i++) {
        s[i].sh = &sh;
        s[i].id = i;
        s[i].seed = seed + (uint64_t)i * 0x9e3779b97f4a7c15ULL + 1;
        atomic_init(&s[i].done, 0);
        if (i < STRESS_WRITERS) {
            s[i].ts_log = mem_calloc(STRESS_PER_WRITER, sizeof(uint64_t));
            ASSERT(s[i].ts_log != NULL);
        }
        void *(*fn)(void *) = i < STRESS_WRITERS    ? stress_writer
                              : i == STRESS_WRITERS ? stress_txn_writer
                                                    : stress_reader;
        ASSERT_EQ(pthread_create(&th[i], NULL, fn, &s[i]), 0);
    }
    atomic_store(&sh.go, 1);
    for (int i = 0; i < T; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < T; i++)
        ASSERT_EQ(s[i].failed, 0);
    for (int i = STRESS_WRITERS + 1; i < T; i++) {
        fprintf(stderr, "  reader %d checked %ld entries while writes went on\n", i,
                s[i].n_checked);
        ASSERT(s[i].n_checked > 0);
    }

    /* Every version is there, at its ts, with its value: the keys of one
     * writer by lookups, the shared keys (long chains) by one walk compared
     * with the sorted list of what was written. */
    struct memtable *mt = sh.mt;
    enum { N_SHARED = STRESS_WRITERS * (STRESS_PER_WRITER / 2) };
    struct model_v *shared = mem_calloc(N_SHARED, sizeof *shared);
    ASSERT(shared != NULL);
    size_t n_shared = 0;
    for (int w = 0; w < STRESS_WRITERS; w++) {
        for (int i = 0; i < STRESS_PER_WRITER; i++) {
            char key[32];
            stress_key(w, i, key, sizeof key);
            uint64_t ts = s[w].ts_log[i];
            if (i % 2) {
                struct model_v *v = &shared[n_shared++];
                v->key_len = strlen(key);
                memcpy(v->key, key, v->key_len);
                v->ts = ts;
                continue;
            }
            uint32_t val = stress_value(ts);
            struct kv_entry e;
            ASSERT_OK(memtable_get(mt, (const uint8_t *)key, strlen(key), ts, 0, &e));
            ASSERT_U64_EQ(e.ts, ts);
            ASSERT_MEM_EQ(e.value, &val, 4);
        }
        mem_free(s[w].ts_log);
    }
    ASSERT_EQ(n_shared, N_SHARED);
    qsort(shared, n_shared, sizeof *shared, model_cmp);
    struct kv_iter *it;
    ASSERT_OK(memtable_iter_create(mt, &it));
    ASSERT_OK(kv_iter_seek(it, (const uint8_t *)"s-", 2, TS_MAX));
    for (size_t j = 0; j < n_shared; j++) {
        struct kv_entry e;
        ASSERT(kv_iter_valid(it));
        kv_iter_entry(it, &e);
        ASSERT_EQ(e.key_len, shared[j].key_len);
        ASSERT_MEM_EQ(e.key, shared[j].key, e.key_len);
        ASSERT_U64_EQ(e.ts, shared[j].ts);
        uint32_t val = stress_value(e.ts);
        ASSERT_MEM_EQ(e.value, &val, 4);
        ASSERT_OK(kv_iter_next(it));
    }
    if (kv_iter_valid(it)) {
        struct kv_entry e;
        kv_iter_entry(it, &e);
        ASSERT(e.key[0] != 's');
    }
    kv_iter_destroy(it);
    mem_free(shared);
    uint64_t total =
        (uint64_t)STRESS_WRITERS * STRESS_PER_WRITER + (uint64_t)s[STRESS_WRITERS].n_committed;
    ASSERT_U64_EQ(memtable_n_versions(mt), total);
    ASSERT_U64_EQ(memtable_n_uncommitted(mt), 0);
    ASSERT_U64_EQ(memtable_max_ts(mt), atomic_load(&sh.ts_src) - 1);

    /* A quiet walk sees each version once, in order, both ways. */
    ASSERT_OK(memtable_iter_create(mt, &it));
    uint64_t n = 0;
    uint8_t pk[64];
    struct kv_entry prev = {0}, e;
    for (kv_iter_seek_first(it); kv_iter_valid(it); kv_iter_next(it), n++) {
        kv_iter_entry(it, &e);
        if (n)
            ASSERT(in_order(&prev, &e, 1));
        memcpy(pk, e.key, e.key_len);
        prev = e;
        prev.key = pk;
    }
    ASSERT_U64_EQ(n, total);
    n = 0;
    for (kv_iter_seek_last(it); kv_iter_valid(it); kv_iter_prev(it))
        n++;
    ASSERT_U64_EQ(n, total);
    kv_iter_destroy(it);
    memtable_unref(mt);
}

/* ---- Memory ---- */

TEST(memory_accounting)
{
    struct memtable *mt;
    ASSERT_OK(memtable_create(13, &mt));
    ASSERT_EQ(memtable_memory(mt), 0); /* Nothing reserved before the first write. */
    uint8_t val[1000];
    memset(val, 7, sizeof val);
    size_t last = 0, data = 0;
    for (int i = 0; i < 10000; i++) {
        char k[16];
        snprintf(k, sizeof k, "%08d", i);
        ASSERT_OK(memtable_put(mt, (const uint8_t *)k, 8, 1, KV_PUT, val, sizeof val));
        data += 8 + sizeof val;
        size_t now = memtable_memory(mt);
        ASSERT(now >= last);
        last = now;
    }
    ASSERT(last >= data);
    ASSERT(last < data * 2);
    memtable_unref(mt);
}

/* Inserts a fixed batch; stops at the first failure and returns its rc. *n_ok counts puts done. */
static int nomem_body(struct memtable *mt, int *n_ok, int *locked, struct mt_version **uv)
{
    static uint8_t val[300 * 1024];
    for (int i = 0; i < 40; i++) {
        char k[16];
        snprintf(k, sizeof k, "k%03d", i);
        /* Mostly 100 KiB values (shared chunks), two 300 KiB ones (chunks of their own). */
        size_t len = i == 13 || i == 29 ? sizeof val : 100 * 1024;
        val[0] = (uint8_t)i;
        int rc = memtable_put(mt, (const uint8_t *)k, strlen(k), (uint64_t)i + 1, KV_PUT, val, len);
        if (rc != 0)
            return rc;
        (*n_ok)++;
    }
    uint64_t holder;
    int rc = memtable_lock_row(mt, (const uint8_t *)"lock", 4, 9, &holder);
    if (rc != 0)
        return rc;
    *locked = 1;
    rc = memtable_put_uncommitted(mt, (const uint8_t *)"lock", 4, 9, KV_PUT, val, 10, uv);
    if (rc != 0)
        return rc;
    struct kv_iter *it;
    rc = memtable_iter_create(mt, &it);
    if (rc != 0)
        return rc;
    kv_iter_destroy(it);
    return 0;
}

TEST(allocation_failures)
{
    /* Fail the 1st, 2nd, ... allocation until the body runs clean; after each
     * failure the MemTable holds exactly what succeeded and still works. */
    int clean = 0;
    for (uint64_t fail = 1; fail < 200 && !clean; fail++) {
        struct memtable *mt = NULL;
        mem_fail_after(fail);
        int rc = memtable_create(14, &mt);
        if (rc != 0) {
            mem_fail_after(0);
            ASSERT_EQ(rc, ERR_NOMEM);
            continue;
        }
        int n_ok = 0, locked = 0;
        struct mt_version *uv = NULL;
        rc = nomem_body(mt, &n_ok, &locked, &uv);
        mem_fail_after(0);
        if (rc == 0)
            clean = 1;
        else
            ASSERT_EQ(rc, ERR_NOMEM);
        for (int i = 0; i < 40; i++) {
            char k[16];
            snprintf(k, sizeof k, "k%03d", i);
            struct kv_entry e;
            rc = memtable_get(mt, (const uint8_t *)k, strlen(k), TS_MAX, 0, &e);
            if (i < n_ok) {
                ASSERT_OK(rc);
                ASSERT_EQ(e.value[0], i);
            } else {
                ASSERT_EQ(rc, ERR_NOT_FOUND);
            }
        }
        ASSERT_EQ(count_forward(mt), n_ok);
        ASSERT_U64_EQ(memtable_n_versions(mt), n_ok);
        /* Still usable once memory is back. */
        ASSERT_OK(put_s(mt, "after", 1000, "ok"));
        ASSERT_READS(mt, "after", 1000, 0, "ok");
        uint64_t holder;
        ASSERT_OK(memtable_lock_row(mt, (const uint8_t *)"lock", 4, 9, &holder));
        if (uv)
            memtable_abort_version(mt, uv);
        ASSERT_U64_EQ(memtable_n_uncommitted(mt), 0);
        memtable_unref(mt);
    }
    ASSERT(clean);
}

/* ---- Performance (printed, not asserted) ---- */

struct perf_arg {
    struct memtable *mt; /* Shared MemTable. */
    const uint8_t *keys; /* 16 bytes per key. */
    size_t from, to;     /* This thread's key range. */
    int failed;          /* A put failed. */
};

static void *perf_writer(void *arg)
{
    struct perf_arg *p = arg;
    uint8_t val[100];
    memset(val, 'v', sizeof val);
    for (size_t i = p->from; i < p->to; i++) {
        if (memtable_put(p->mt, p->keys + i * 16, 16, i + 1, KV_PUT, val, sizeof val) != 0)
            p->failed = 1;
    }
    return NULL;
}

/* Returns the wall seconds of n puts by threads threads; *cpu gets the CPU seconds of all of them.
 */
static double perf_run(const uint8_t *keys, size_t n, int threads, size_t *mem, double *cpu)
{
    struct memtable *mt;
    if (memtable_create(15, &mt) != 0)
        return -1;
    pthread_t th[16];
    struct perf_arg a[16];
    double t0 = now_s(), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    for (int i = 0; i < threads; i++) {
        a[i] = (struct perf_arg){mt, keys, n * (size_t)i / (size_t)threads,
                                 n * (size_t)(i + 1) / (size_t)threads, 0};
        if (threads == 1)
            perf_writer(&a[i]);
        else
            pthread_create(&th[i], NULL, perf_writer, &a[i]);
    }
    int failed = 0;
    for (int i = 0; i < threads; i++) {
        if (threads > 1)
            pthread_join(th[i], NULL);
        failed |= a[i].failed;
    }
    double t = now_s() - t0;
    *cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    if (memtable_n_versions(mt) != n || failed)
        t = -1;
    *mem = memtable_memory(mt);
    memtable_unref(mt);
    return t;
}

TEST(insert_performance)
{
    uint64_t seed = test_seed();
    size_t n = PERF_KEYS;
    uint8_t *keys = mem_alloc(n * 16);
    ASSERT(keys != NULL);
    for (size_t i = 0; i < n * 2; i++) {
        uint64_t r = rng_next(&seed);
        memcpy(keys + i * 8, &r, 8);
    }
    int threads[] = {1, 8};
    for (size_t i = 0; i < sizeof threads / sizeof threads[0]; i++) {
        size_t mem = 0;
        double cpu = 0;
        double t = perf_run(keys, n, threads[i], &mem, &cpu);
        ASSERT(t >= 0);
        /* CPU time next to wall time shows when other processes share the cores. */
        fprintf(stderr,
                "  %zu random 16-byte keys, 100-byte values, %d thread(s): %.3f s "
                "(%.3f s CPU), %.2f M puts/s, %.1f MiB\n",
                n, threads[i], t, cpu, (double)n / t / 1e6, (double)mem / (1024.0 * 1024.0));
    }
    mem_free(keys);
}
