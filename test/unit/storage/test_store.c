/* test_store.c: unit tests of the tablet store's interface (store.h). */
#include "test.h"

#include "base/err.h"
#include "base/mem.h"
#include "storage/store.h"

#include <stdio.h>
#include <stdlib.h>

static int no_sync; /* Tests that only need volume skip fdatasync. */

static struct store *open_store(const char *dir, int background)
{
    struct store_opts o;
    store_opts_default(&o, dir);
    o.no_sync = no_sync;
    o.no_background = !background;
    o.memtable_size = 256 << 10;
    o.memory_budget = 4 << 20;
    o.block_size = 1024;
    struct store *s;
    ASSERT_OK(store_open(&o, &s));
    return s;
}

static void put(struct store *s, uint64_t tablet, const char *k, const char *v, uint64_t ts)
{
    struct store_batch b;
    store_batch_init(&b);
    if (v)
        store_batch_put(&b, tablet, k, strlen(k), v, strlen(v));
    else
        store_batch_delete(&b, tablet, k, strlen(k));
    ASSERT_OK(store_write(s, &b, ts));
    store_batch_deinit(&b);
}

/* Returns the value as a static string, or NULL if absent. */
static const char *get(struct store *s, uint64_t tablet, const char *k, uint64_t ts)
{
    static char out[4096];
    struct buf v;
    buf_init(&v);
    int rc = store_get(s, tablet, k, strlen(k), ts, &v);
    if (rc == ERR_NOT_FOUND) {
        buf_deinit(&v);
        return NULL;
    }
    ASSERT_OK(rc);
    ASSERT(v.len < sizeof out);
    memcpy(out, v.data, v.len);
    out[v.len] = '\0';
    buf_deinit(&v);
    return out;
}

/* Scans and renders "k=v," pairs. */
static const char *scan(struct store *s, uint64_t tablet, const char *start, const char *end,
                        uint64_t ts, int reverse, uint64_t limit)
{
    static char out[8192];
    out[0] = '\0';
    struct store_scan *sc;
    ASSERT_OK(store_scan_open(s, tablet, start, start ? strlen(start) : 0, end,
                              end ? strlen(end) : 0, ts, reverse, limit, &sc));
    const uint8_t *k, *v;
    size_t kl, vl;
    int rc;
    while ((rc = store_scan_next(sc, &k, &kl, &v, &vl)) == 0) {
        size_t n = strlen(out);
        snprintf(out + n, sizeof out - n, "%.*s=%.*s,", (int)kl, k, (int)vl, v);
    }
    ASSERT_EQ(rc, ERR_NOT_FOUND);
    store_scan_close(sc);
    return out;
}

static void check_basic_data_(struct store *s)
{
    ASSERT_STR_EQ(get(s, 1, "a", 10), "a1");
    ASSERT_STR_EQ(get(s, 1, "a", 20), "a2");
    ASSERT(get(s, 1, "a", 30) == NULL);
    ASSERT(get(s, 1, "a", 5) == NULL);
    ASSERT_STR_EQ(get(s, 1, "b", 100), "b1");
    ASSERT_STR_EQ(get(s, 2, "a", 100), "other");
    ASSERT_STR_EQ(scan(s, 1, NULL, NULL, 25, 0, 0), "a=a2,b=b1,c=c1,");
    ASSERT_STR_EQ(scan(s, 1, NULL, NULL, 35, 0, 0), "b=b1,c=c1,");
    ASSERT_STR_EQ(scan(s, 1, NULL, NULL, 25, 1, 0), "c=c1,b=b1,a=a2,");
    ASSERT_STR_EQ(scan(s, 1, "b", "c", 25, 0, 0), "b=b1,");
    ASSERT_STR_EQ(scan(s, 1, "a", "c", 25, 1, 0), "b=b1,a=a2,");
    ASSERT_STR_EQ(scan(s, 1, NULL, NULL, 25, 0, 2), "a=a2,b=b1,");
    ASSERT_STR_EQ(scan(s, 1, NULL, NULL, 25, 1, 1), "c=c1,");
}

/* Reports the caller's line when a check fails. */
#define check_basic_data(s)                                                    \
    do {                                                                       \
        fprintf(stderr, "  (checking data at line %d)\n", __LINE__);         \
        check_basic_data_(s);                                                  \
    } while (0)

static void write_basic_data(struct store *s)
{
    ASSERT_OK(store_tablet_create(s, 1));
    ASSERT_OK(store_tablet_create(s, 2));
    put(s, 1, "a", "a1", 10);
    put(s, 1, "b", "b1", 11);
    put(s, 1, "c", "c1", 12);
    put(s, 1, "a", "a2", 20);
    put(s, 1, "a", NULL, 30);
    put(s, 2, "a", "other", 31);
}

TEST(write_read_scan_memtable)
{
    struct store *s = open_store(test_dir(), 0);
    write_basic_data(s);
    check_basic_data(s);
    store_close(s);
}

TEST(survives_reopen_freeze_minor_major)
{
    struct store *s = open_store(test_dir(), 0);
    write_basic_data(s);
    store_close(s);
    s = open_store(test_dir(), 0);
    check_basic_data(s);
    /* Merges keep old versions only for pinned snapshots. */
    struct store_snapshot *snap;
    ASSERT_OK(store_snapshot_pin(s, 5, &snap));
    struct store_tablet_info ti;
    ASSERT_OK(store_tablet_info(s, 1, &ti));
    ASSERT_EQ(ti.n_deltas, 0);
    ASSERT_OK(store_freeze(s, 1));
    ASSERT_OK(store_tablet_info(s, 1, &ti));
    ASSERT_EQ(ti.n_frozen, 1);
    check_basic_data(s);
    ASSERT_OK(store_minor_merge(s, 1));
    ASSERT_OK(store_tablet_info(s, 1, &ti));
    ASSERT_EQ(ti.n_deltas, 1);
    ASSERT_EQ(ti.n_frozen, 0);
    check_basic_data(s);
    store_close(s);
    s = open_store(test_dir(), 0);
    check_basic_data(s);
    /* A pinned old snapshot keeps old versions through a major merge. */
    ASSERT_OK(store_snapshot_pin(s, 5, &snap));
    ASSERT_OK(store_major_merge(s, 1));
    ASSERT_OK(store_tablet_info(s, 1, &ti));
    ASSERT_EQ(ti.n_deltas, 0);
    ASSERT_EQ(ti.has_baseline, 1);
    check_basic_data(s);
    store_snapshot_unpin(s, snap);
    /* A snapshot older than what a merge already dropped is refused. */
    ASSERT_OK(store_snapshot_pin(s, 5, &snap));
    store_snapshot_unpin(s, snap);
    /* Unpinned, the horizon is the newest commit: old versions and the tombstone go. */
    put(s, 1, "d", "d1", 40);
    ASSERT_OK(store_major_merge(s, 1));
    ASSERT_STR_EQ(scan(s, 1, NULL, NULL, 50, 0, 0), "b=b1,c=c1,d=d1,");
    ASSERT(get(s, 1, "a", 50) == NULL);
    ASSERT_EQ(store_snapshot_pin(s, 5, &snap), ERR_INVALID);
    store_close(s);
    s = open_store(test_dir(), 0);
    ASSERT_STR_EQ(scan(s, 1, NULL, NULL, 50, 0, 0), "b=b1,c=c1,d=d1,");
    ASSERT_STR_EQ(scan(s, 1, NULL, NULL, 50, 1, 0), "d=d1,c=c1,b=b1,");
    store_close(s);
}

TEST(errors)
{
    struct store *s = open_store(test_dir(), 0);
    ASSERT_OK(store_tablet_create(s, 7));
    ASSERT_EQ(store_tablet_create(s, 7), ERR_EXISTS);
    struct store_batch b;
    store_batch_init(&b);
    char *big = mem_calloc(1, KV_VALUE_MAX + 1);
    store_batch_put(&b, 7, "k", 1, big, KV_VALUE_MAX + 1);
    ASSERT_EQ(store_write(s, &b, 5), ERR_TOO_BIG);
    store_batch_reset(&b);
    store_batch_put(&b, 7, big, KV_KEY_MAX + 1, "v", 1);
    ASSERT_EQ(store_write(s, &b, 5), ERR_TOO_BIG);
    ASSERT(strstr(err_msg(), "key") != NULL);
    store_batch_reset(&b);
    store_batch_put(&b, 7, big, KV_KEY_MAX, big, 1 << 20);
    ASSERT_OK(store_write(s, &b, 5));
    store_batch_reset(&b);
    store_batch_put(&b, 99, "k", 1, "v", 1);
    ASSERT_EQ(store_write(s, &b, 6), ERR_NOT_FOUND);
    store_batch_reset(&b);
    store_batch_put(&b, 7, "k", 1, "v", 1);
    ASSERT_EQ(store_write(s, &b, 0), ERR_INVALID);
    store_batch_deinit(&b);
    mem_free(big);
    struct buf v;
    buf_init(&v);
    ASSERT_EQ(store_get(s, 99, "k", 1, 10, &v), ERR_NOT_FOUND);
    buf_deinit(&v);
    ASSERT_OK(store_tablet_drop(s, 7));
    ASSERT_EQ(store_tablet_exists(s, 7), ERR_NOT_FOUND);
    ASSERT_EQ(store_tablet_drop(s, 7), ERR_NOT_FOUND);
    store_close(s);
    s = open_store(test_dir(), 0);
    ASSERT_EQ(store_tablet_exists(s, 7), ERR_NOT_FOUND);
    store_close(s);
}

TEST(many_keys_with_background_merges)
{
    no_sync = 1;
    struct store *s = open_store(test_dir(), 1);
    ASSERT_OK(store_tablet_create(s, 1));
    char k[32], v[128];
    int n = 20000;
    for (int i = 0; i < n; i++) {
        snprintf(k, sizeof k, "key%08d", (i * 7919) % n);
        snprintf(v, sizeof v, "value-%d-%0100d", i, 0);
        put(s, 1, k, v, (uint64_t)i + 1);
    }
    struct store_tablet_info ti;
    ASSERT_OK(store_tablet_info(s, 1, &ti));
    ASSERT(ti.n_minor_merges > 0 || ti.n_major_merges > 0);
    for (int i = 0; i < n; i += 97) {
        snprintf(k, sizeof k, "key%08d", (i * 7919) % n);
        snprintf(v, sizeof v, "value-%d-%0100d", i, 0);
        ASSERT_STR_EQ(get(s, 1, k, (uint64_t)n + 1), v);
    }
    struct store_scan *sc;
    ASSERT_OK(store_scan_open(s, 1, NULL, 0, NULL, 0, (uint64_t)n + 1, 0, 0, &sc));
    const uint8_t *kk, *vv;
    size_t kl, vl;
    int count = 0;
    char prev[32] = "";
    while (store_scan_next(sc, &kk, &kl, &vv, &vl) == 0) {
        snprintf(k, sizeof k, "%.*s", (int)kl, kk);
        ASSERT(strcmp(prev, k) < 0);
        snprintf(prev, sizeof prev, "%s", k);
        count++;
    }
    store_scan_close(sc);
    ASSERT_EQ(count, n);
    store_close(s);
    s = open_store(test_dir(), 0);
    for (int i = 0; i < n; i += 101) {
        snprintf(k, sizeof k, "key%08d", (i * 7919) % n);
        snprintf(v, sizeof v, "value-%d-%0100d", i, 0);
        ASSERT_STR_EQ(get(s, 1, k, (uint64_t)n + 1), v);
    }
    store_close(s);
    no_sync = 0;
}

TEST(recovery_respects_node_budget)
{
    /* Written with room to spare, reopened with a budget that the tablets'
     * recovered MemTables together exceed though none passes memtable_size. */
    struct store_opts o;
    store_opts_default(&o, test_dir());
    o.no_background = 1;
    o.no_sync = 1;
    o.memtable_size = 64 << 20;
    o.memory_budget = 512 << 20;
    struct store *s;
    ASSERT_OK(store_open(&o, &s));
    char k[32], v[600];
    memset(v, 'v', sizeof v);
    for (uint64_t t = 1; t <= 8; t++) {
        ASSERT_OK(store_tablet_create(s, t));
        for (int i = 0; i < 1500; i++) {
            snprintf(k, sizeof k, "k%06d", i);
            struct store_batch b;
            store_batch_init(&b);
            store_batch_put(&b, t, k, strlen(k), v, sizeof v);
            ASSERT_OK(store_write(s, &b, t * 10000 + (uint64_t)i + 1));
            store_batch_deinit(&b);
        }
    }
    struct store_info info;
    store_info(s, &info);
    uint64_t written = info.memtable_bytes;
    ASSERT(written > 4 << 20);
    store_close(s);

    o.memtable_size = 2 << 20;
    o.memory_budget = 4 << 20;
    ASSERT_OK(store_open(&o, &s));
    store_info(s, &info);
    ASSERT(info.memtable_bytes <= o.memory_budget);
    /* After each record at most one record and the MemTable chunks it opened (up to 1 MiB in each of two pools) above the budget. */
    ASSERT(info.recovery_peak_bytes > 0);
    fprintf(stderr, "  recovery peak %llu bytes, budget %llu\n", (unsigned long long)info.recovery_peak_bytes, (unsigned long long)o.memory_budget);
    ASSERT(info.recovery_peak_bytes <= o.memory_budget + (2 << 20) + (64 << 10));
    struct buf out;
    buf_init(&out);
    for (uint64_t t = 1; t <= 8; t++) {
        ASSERT_OK(store_get(s, t, "k000000", 7, TS_MAX, &out));
        ASSERT_EQ(out.len, sizeof v);
        ASSERT_OK(store_get(s, t, "k001499", 7, TS_MAX, &out));
    }
    buf_deinit(&out);
    store_close(s);
}
