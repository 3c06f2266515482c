/*
 * test_bloom.c: unit tests of the SSTable bloom filter (storage/bloom.c):
 * no false negatives, false-positive rates against the blocked filter's
 * theory, the exact on-disk layout against a reference written from
 * storage/README.md, damaged filters refused, aligned copies, and a
 * lookups/s printout.
 */
#include "test.h"

#include "base/buf.h"
#include "base/coding.h"
#include "base/crc32c.h"
#include "base/err.h"
#include "base/hash.h"
#include "base/mem.h"
#include "os/vfs.h"
#include "storage/block_cache.h"
#include "storage/bloom.h"
#include "storage/sstable.h"
#include "storage/sstable_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Key i of a family: 16 bytes built from i and a salt, so sets are disjoint per salt. */
static void make_key(uint8_t *k, uint64_t i, uint64_t salt)
{
    uint64_t a = hash_mix64(i * 2 + 1) ^ salt, b = i;
    memcpy(k, &a, 8);
    memcpy(k + 8, &b, 8);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Hashes of n keys of family salt. */
static uint64_t *key_hashes(size_t n, uint64_t salt)
{
    uint64_t *h = malloc((n ? n : 1) * sizeof *h);
    ASSERT(h);
    uint8_t k[16];
    for (size_t i = 0; i < n; i++) {
        make_key(k, i, salt);
        h[i] = bloom_hash(k, sizeof k);
    }
    return h;
}

/*
 * Builds a filter of n keys with bits bits per key, checks that every key is
 * found (no false negatives, ever), and returns the false-positive rate over
 * m absent keys (another family). If lookups_per_s, also the absent-key
 * lookups per second, key hashing included, as sstable_get() does it.
 */
static double fp_rate(size_t n, int bits, size_t m, uint64_t seed, double *lookups_per_s)
{
    uint64_t *h = key_hashes(n, seed);
    struct buf f;
    buf_init(&f);
    ASSERT_OK(bloom_build(h, n, bits, &f));
    ASSERT_OK(bloom_check(f.data, f.len));
    uint8_t *mem;
    const uint8_t *a;
    ASSERT_OK(bloom_copy_aligned(f.data, f.len, &mem, &a));
    for (size_t i = 0; i < n; i++)
        if (!bloom_may_contain(a, f.len, h[i]))
            test_fail_(__FILE__, __LINE__, "false negative: key %zu of %zu (seed %llu)", i, n,
                       (unsigned long long)seed);
    size_t fp = 0;
    uint8_t k[16];
    double t0 = now_s();
    for (size_t i = 0; i < m; i++) {
        make_key(k, i, ~seed);
        fp += (size_t)bloom_may_contain(a, f.len, bloom_hash(k, sizeof k));
    }
    if (lookups_per_s)
        *lookups_per_s = (double)m / (now_s() - t0);
    mem_free(mem);
    buf_deinit(&f);
    free(h);
    return (double)fp / (double)m;
}

/* ---- A reference of the layout, written from storage/README.md ---------- */

/* Sets or tests the k probe bits of hash h in a filter of n blocks at f. */
static int ref_probe(uint8_t *f, uint64_t n_blocks, int k, uint64_t h, int set)
{
    uint64_t blk = (uint64_t)(((unsigned __int128)(h >> 32) * n_blocks) >> 32);
    uint8_t *b = f + blk * 64;
    uint32_t x = (uint32_t)h;
    for (int i = 0; i < k; i++) {
        uint32_t bit = x >> 23;
        if (set)
            b[bit / 8] |= (uint8_t)(1u << (bit % 8));
        else if (!((b[bit / 8] >> (bit % 8)) & 1))
            return 0;
        x = x * 0x9e3779b9u;
    }
    return 1;
}

/* ---- Tests -------------------------------------------------------------- */

TEST(bloom_k_from_bits)
{
    /* From the Poisson model of 512-bit blocks (bloom.c); lower than
     * bits * ln 2 because blocks fill unevenly. */
    ASSERT_EQ(bloom_k(10), 6);
    ASSERT_EQ(bloom_k(1), 1);
    ASSERT_EQ(bloom_k(0), 1);
    ASSERT_EQ(bloom_k(-5), 1);
    ASSERT_EQ(bloom_k(5), 3);
    ASSERT_EQ(bloom_k(20), 11);
    ASSERT_EQ(bloom_k(64), 20);
    ASSERT_EQ(bloom_k(100), 20);
    for (int b = 1; b <= 64; b++) {
        ASSERT(bloom_k(b) >= 1 && bloom_k(b) <= BLOOM_K_MAX);
        ASSERT(bloom_k(b) >= bloom_k(b - 1));
    }
}

TEST(bloom_no_false_negatives_1m_keys_and_rate_at_10_bits)
{
    uint64_t seed = test_seed();
    double lps;
    double r = fp_rate(1000000, 10, 1000000, seed, &lps);
    fprintf(stderr,
            "  1 M keys, 10 bits/key (1.25 MB): false positives %.3f %% (theory 0.958 %%), "
            "%.1f M absent-key lookups/s (one thread, hashing included)\n",
            r * 100, lps / 1e6);
    /* Standard error over 1 M lookups is about 0.01 %. */
    ASSERT(r >= 0.0080 && r <= 0.0120);
}

TEST(bloom_false_positive_rates_other_sizes)
{
    uint64_t seed = test_seed();
    /* 5 bits/key, k = 3: theory 9.29 %. */
    double r = fp_rate(100000, 5, 200000, seed, NULL);
    fprintf(stderr, "  5 bits/key: false positives %.3f %% (theory 9.29 %%)\n", r * 100);
    ASSERT(r > 0.080 && r < 0.105);
    /* 20 bits/key, k = 11: theory 0.019 %. */
    r = fp_rate(100000, 20, 1000000, seed, NULL);
    fprintf(stderr, "  20 bits/key: false positives %.4f %% (theory 0.019 %%)\n", r * 100);
    ASSERT(r < 0.0005);
    /* 2 bits/key (what test_sstable uses), k = 1: theory 39 %. */
    r = fp_rate(20000, 2, 100000, seed, NULL);
    fprintf(stderr, "  2 bits/key: false positives %.2f %% (theory 39.3 %%)\n", r * 100);
    ASSERT(r > 0.35 && r < 0.44);
}

TEST(bloom_small_and_empty_filters)
{
    /* An empty filter is one zero block: it rejects everything. */
    struct buf f;
    buf_init(&f);
    ASSERT_OK(bloom_build(NULL, 0, 10, &f));
    ASSERT_EQ(f.len, BLOOM_BLOCK_BYTES + BLOOM_TRAILER_SIZE);
    ASSERT_OK(bloom_check(f.data, f.len));
    ASSERT_EQ(le32_get(f.data + BLOOM_BLOCK_BYTES), 1);
    ASSERT(fp_rate(0, 10, 10000, 7, NULL) == 0.0);
    /* One key in one block: found; few others pass (6 of 512 bits set). */
    ASSERT(fp_rate(1, 10, 10000, 9, NULL) < 0.001);
    /* 52 keys at 10 bits need 520 bits: two blocks. */
    uint64_t *h = key_hashes(52, 3);
    buf_reset(&f);
    ASSERT_OK(bloom_build(h, 52, 10, &f));
    ASSERT_EQ(f.len, 2 * BLOOM_BLOCK_BYTES + BLOOM_TRAILER_SIZE);
    /* 51 keys fit in 510 bits: one block. Bits per key below 1 count as 1. */
    buf_reset(&f);
    ASSERT_OK(bloom_build(h, 51, 10, &f));
    ASSERT_EQ(f.len, BLOOM_BLOCK_BYTES + BLOOM_TRAILER_SIZE);
    buf_reset(&f);
    ASSERT_OK(bloom_build(h, 52, 0, &f));
    ASSERT_OK(bloom_check(f.data, f.len));
    ASSERT_EQ(f.data[f.len - 2], 1);
    for (size_t i = 0; i < 52; i++)
        ASSERT(bloom_may_contain(f.data, f.len, h[i]));
    free(h);
    buf_deinit(&f);
}

TEST(bloom_layout_matches_the_readme)
{
    /* Build with bloom.c and with the reference above; the bytes must be
     * equal, and lookups must agree with the reference. */
    uint64_t seed = test_seed();
    size_t sizes[] = {0, 1, 7, 100, 1000, 12345};
    int bits[] = {1, 3, 10, 16, 64};
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        for (size_t bi = 0; bi < sizeof bits / sizeof bits[0]; bi++) {
            size_t n = sizes[si];
            uint64_t *h = key_hashes(n, seed + si);
            struct buf f;
            buf_init(&f);
            /* Appends after what the buffer holds. */
            ASSERT_OK(buf_append(&f, "xyz", 3));
            ASSERT_OK(bloom_build(h, n, bits[bi], &f));
            ASSERT_MEM_EQ(f.data, "xyz", 3);
            uint64_t n_blocks = ((uint64_t)n * (uint64_t)bits[bi] + 511) / 512;
            if (n_blocks == 0)
                n_blocks = 1;
            int k = bloom_k(bits[bi]);
            size_t len = (size_t)n_blocks * 64 + 6;
            ASSERT_EQ(f.len, 3 + len);
            uint8_t *ref = calloc(1, len);
            for (size_t i = 0; i < n; i++)
                ref_probe(ref, n_blocks, k, h[i], 1);
            le32_put(ref + len - 6, (uint32_t)n_blocks);
            ref[len - 2] = (uint8_t)k;
            ref[len - 1] = 1;
            ASSERT_MEM_EQ(f.data + 3, ref, len);
            /* Lookups on the unaligned bytes agree with the reference. */
            for (uint64_t i = 0; i < 2000; i++) {
                uint64_t q = hash_mix64(i + seed);
                ASSERT_EQ(bloom_may_contain(f.data + 3, len, q), ref_probe(ref, n_blocks, k, q, 0));
            }
            free(ref);
            free(h);
            buf_deinit(&f);
        }
    }
}

TEST(bloom_format_is_stable)
{
    /* Filters are on disk: the hash, the block choice and the probes must
     * not change between builds. These constants were computed once; if
     * this fails, existing files would read wrong: bump the SSTable format
     * version instead of changing the constants. */
    ASSERT_U64_EQ(bloom_hash((const uint8_t *)"atoll", 5), 0x477f02fc00444588ULL);
    ASSERT_U64_EQ(bloom_hash((const uint8_t *)"", 0), 0x1f96b89c9d61f33aULL);
    ASSERT_U64_EQ(bloom_hash((const uint8_t *)"atoll", 5), hash64("atoll", 5, BLOOM_SEED));
    ASSERT(bloom_hash((const uint8_t *)"atoll", 5) != bloom_hash((const uint8_t *)"atolm", 5));
    uint64_t h[100];
    char k[16];
    for (int i = 0; i < 100; i++) {
        int n = snprintf(k, sizeof k, "key%d", i);
        h[i] = bloom_hash((const uint8_t *)k, (size_t)n);
    }
    struct buf f;
    buf_init(&f);
    ASSERT_OK(bloom_build(h, 100, 10, &f));
    ASSERT_EQ(f.len, 2 * 64 + 6);
    ASSERT_EQ(crc32c(0, f.data, f.len), 0xc547b941u);
    buf_deinit(&f);
}

TEST(bloom_check_refuses_bad_filters)
{
    uint64_t *h = key_hashes(200, 5);
    struct buf f;
    buf_init(&f);
    ASSERT_OK(bloom_build(h, 200, 10, &f)); /* 4 blocks. */
    size_t len = f.len;
    ASSERT_EQ(len, 4 * 64 + 6);
    uint8_t *p = malloc(len + 64);
    memcpy(p, f.data, len);
    ASSERT_OK(bloom_check(p, len));
    /* Too short for a block and a trailer. */
    ASSERT_EQ(bloom_check(p, 0), ERR_CORRUPT);
    ASSERT_EQ(bloom_check(p + len - 6, 6), ERR_CORRUPT);
    ASSERT_EQ(bloom_check(p + len - 69, 69), ERR_CORRUPT);
    /* A length that disagrees with n_blocks: the same trailer after fewer or
     * more bytes. */
    for (size_t cut = 1; cut <= 70; cut++) {
        ASSERT_EQ(bloom_check(p + cut, len - cut), ERR_CORRUPT);
    }
    memcpy(p + 64, f.data, len); /* A block more in front of the same trailer. */
    ASSERT_EQ(bloom_check(p, len + 64), ERR_CORRUPT);
    ASSERT(strstr(err_msg(), "4 blocks"));
    memcpy(p, f.data, len);
    /* n_blocks wrong: 0, 3, 5, 2^32 - 1, and 2^26 + 4, whose 64 * n is
     * the right length modulo 2^32 (a check in 32 bits would pass it). */
    uint32_t bad_n[] = {0, 3, 5, UINT32_MAX, (1u << 26) + 4};
    for (size_t i = 0; i < sizeof bad_n / sizeof bad_n[0]; i++) {
        le32_put(p + len - 6, bad_n[i]);
        ASSERT_EQ(bloom_check(p, len), ERR_CORRUPT);
    }
    le32_put(p + len - 6, 4);
    ASSERT_OK(bloom_check(p, len));
    /* k out of 1..30. */
    uint8_t bad_k[] = {0, BLOOM_K_MAX + 1, 255};
    for (size_t i = 0; i < sizeof bad_k; i++) {
        p[len - 2] = bad_k[i];
        ASSERT_EQ(bloom_check(p, len), ERR_CORRUPT);
    }
    p[len - 2] = BLOOM_K_MAX;
    ASSERT_OK(bloom_check(p, len));
    p[len - 2] = (uint8_t)bloom_k(10);
    /* An unknown kind (the old format had k as its last byte). */
    uint8_t bad_kind[] = {0, 2, 7, 255};
    for (size_t i = 0; i < sizeof bad_kind; i++) {
        p[len - 1] = bad_kind[i];
        ASSERT_EQ(bloom_check(p, len), ERR_CORRUPT);
        ASSERT(strstr(err_msg(), "kind"));
    }
    p[len - 1] = BLOOM_KIND_BLOCKED512;
    ASSERT_OK(bloom_check(p, len));
    /* A filter of the old format (m bits, then k) is refused. */
    uint8_t old[9] = {0, 0, 0, 0, 0, 0, 0, 0, 7};
    ASSERT_EQ(bloom_check(old, sizeof old), ERR_CORRUPT);
    /* All-zero blocks with a good trailer: nothing may be present. */
    memset(p, 0, len - 6);
    ASSERT_OK(bloom_check(p, len));
    for (size_t i = 0; i < 200; i++)
        ASSERT_EQ(bloom_may_contain(p, len, h[i]), 0);
    free(p);
    free(h);
    buf_deinit(&f);
}

TEST(bloom_random_bytes_never_crash)
{
    /* Untrusted bytes: bloom_check either refuses them or they are a filter
     * that can be probed without reading outside it (run under ASan). */
    uint64_t seed = test_seed(), s = seed;
    int accepted = 0;
    for (int it = 0; it < 3000; it++) {
        s = hash_mix64(s + 1);
        /* Half the time the length of whole blocks and a trailer and a
         * plausible trailer, so that the probes are reached. */
        int plausible = it % 2;
        size_t len = plausible ? 6 + 64 * (size_t)(s % 6) : (size_t)(s % 400);
        uint8_t *p = malloc(len ? len : 1);
        for (size_t i = 0; i < len; i++)
            p[i] = (uint8_t)hash_mix64(s + i);
        if (plausible) {
            size_t nb = (len - 6) / 64 + (it % 3 == 0);
            le32_put(p + len - 6, (uint32_t)nb);
            p[len - 2] = (uint8_t)(1 + s % 40);
            p[len - 1] = (uint8_t)(it % 5 ? BLOOM_KIND_BLOCKED512 : 2);
        }
        int rc = bloom_check(p, len);
        ASSERT(rc == 0 || rc == ERR_CORRUPT);
        if (rc == 0) {
            accepted++;
            for (uint64_t i = 0; i < 64; i++)
                (void)bloom_may_contain(p, len, hash_mix64(s ^ i));
        }
        free(p);
    }
    fprintf(stderr, "  %d of 3000 random filters were well formed and probed\n", accepted);
    ASSERT(accepted > 100);
}

TEST(bloom_aligned_copy)
{
    uint64_t *h = key_hashes(1000, 11);
    struct buf f;
    buf_init(&f);
    ASSERT_OK(buf_append(&f, "z", 1)); /* The original starts off any boundary. */
    ASSERT_OK(bloom_build(h, 1000, 10, &f));
    const uint8_t *orig = f.data + 1;
    size_t len = f.len - 1;
    for (int i = 0; i < 8; i++) {
        uint8_t *mem;
        const uint8_t *a;
        ASSERT_OK(bloom_copy_aligned(orig, len, &mem, &a));
        ASSERT_EQ((uintptr_t)a % 64, 0);
        ASSERT(a >= mem && a < mem + 64);
        ASSERT_MEM_EQ(a, orig, len);
        for (uint64_t q = 0; q < 5000; q++) {
            uint64_t x = hash_mix64(q);
            ASSERT_EQ(bloom_may_contain(a, len, x), bloom_may_contain(orig, len, x));
        }
        mem_free(mem);
    }
    /* Out of memory is an error, not a crash. */
    uint8_t *mem = (uint8_t *)1;
    const uint8_t *a = NULL;
    mem_fail_after(1);
    int rc = bloom_copy_aligned(orig, len, &mem, &a);
    mem_fail_after(0);
    ASSERT_EQ(rc, ERR_NOMEM);
    buf_deinit(&f);
    free(h);
}

TEST(bloom_build_errors_leave_the_buffer_unchanged)
{
    struct buf f;
    buf_init(&f);
    ASSERT_OK(buf_append(&f, "abc", 3));
    /* 2^36 keys at 64 bits need 2^33 blocks: more than the u32 count holds.
     * Refused before the hashes are read. */
    ASSERT_EQ(bloom_build(NULL, (size_t)1 << 36, 64, &f), ERR_TOO_BIG);
    ASSERT_EQ(f.len, 3);
    uint64_t *h = key_hashes(100000, 1);
    mem_fail_after(1);
    int rc = bloom_build(h, 100000, 10, &f);
    mem_fail_after(0);
    ASSERT_EQ(rc, ERR_NOMEM);
    ASSERT_EQ(f.len, 3);
    ASSERT_MEM_EQ(f.data, "abc", 3);
    free(h);
    buf_deinit(&f);
}

/* ---- The filter inside an SSTable --------------------------------------- */

/* Writes bytes p[0..len) to path. */
static void write_file(const char *path, const uint8_t *p, size_t len)
{
    FILE *f = fopen(path, "wb");
    ASSERT(f);
    ASSERT_EQ(fwrite(p, 1, len, f), len);
    fclose(f);
}

/* Reads path whole; *len gets its size. */
static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ASSERT(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    ASSERT(n > 0);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc((size_t)n);
    ASSERT_EQ(fread(p, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return p;
}

TEST(bloom_in_sstable_and_damaged_filter_blocks)
{
    /* Keys are 8-byte big-endian even numbers; odd numbers are absent. */
    enum { N = 20000 };
    char path[600], bad[600];
    snprintf(path, sizeof path, "%s/b.sst", test_dir());
    snprintf(bad, sizeof bad, "%s/bad.sst", test_dir());
    struct sstable_writer *w;
    ASSERT_OK(sstable_writer_open(os_vfs_posix(), path, 1, NULL, &w));
    uint8_t key[8];
    for (uint64_t i = 0; i < N; i++) {
        be64_put(key, 2 * i);
        struct kv_entry e = {key, sizeof key, 5, KV_PUT, (const uint8_t *)"v", 1};
        ASSERT_OK(sstable_writer_add(w, &e));
    }
    ASSERT_OK(sstable_writer_finish(w, NULL));
    struct block_cache *cache;
    ASSERT_OK(block_cache_create(1 << 20, &cache));
    struct sstable *t;
    ASSERT_OK(sstable_open(os_vfs_posix(), path, 1, cache, &t));
    size_t fp = 0;
    for (uint64_t i = 0; i < N; i++) {
        be64_put(key, 2 * i);
        ASSERT(sstable_may_contain(t, key, sizeof key));
        be64_put(key, 2 * i + 1);
        fp += (size_t)sstable_may_contain(t, key, sizeof key);
    }
    fprintf(stderr, "  SSTable of %d keys: %.2f %% of absent keys pass the filter\n", N,
            100.0 * (double)fp / N);
    ASSERT(fp < N / 50);
    sstable_unref(t);

    /* The raw bloom block, found through the footer. */
    size_t len;
    uint8_t *good = read_file(path, &len);
    struct sst_footer ft;
    ASSERT_OK(sst__footer_decode(good + len - SST_FOOTER_SIZE, SST_FOOTER_SIZE, len, &ft));
    ASSERT_EQ(ft.version, 2);
    size_t boff = (size_t)ft.bloom.offset, blen = (size_t)ft.bloom.size - SST_TRAILER_SIZE;
    ASSERT_EQ(good[boff + blen], 0); /* Stored uncompressed. */
    ASSERT_OK(bloom_check(good + boff, blen));
    ASSERT_EQ(blen, ((N * 10 + 511) / 512) * 64 + BLOOM_TRAILER_SIZE);

    /* Damaged trailers behind a recomputed CRC: the reader's checks refuse
     * them with ERR_CORRUPT naming the bloom block. */
    uint8_t *copy = malloc(len);
    for (int c = 0; c < 6; c++) {
        memcpy(copy, good, len);
        uint8_t *tr = copy + boff + blen - BLOOM_TRAILER_SIZE;
        switch (c) {
        case 0: /* One block too many. */
            le32_put(tr, le32_get(tr) + 1);
            break;
        case 1: /* One block too few. */
            le32_put(tr, le32_get(tr) - 1);
            break;
        case 2: /* No blocks. */
            le32_put(tr, 0);
            break;
        case 3: /* No probes. */
            tr[4] = 0;
            break;
        case 4: /* Too many probes. */
            tr[4] = BLOOM_K_MAX + 1;
            break;
        default: /* Unknown kind. */
            tr[5] = BLOOM_KIND_BLOCKED512 + 1;
            break;
        }
        le32_put(copy + boff + blen + 1, crc32c_mask(crc32c(0, copy + boff, blen + 1)));
        write_file(bad, copy, len);
        int rc = sstable_open(os_vfs_posix(), bad, 10 + (uint64_t)c, cache, &t);
        if (rc != ERR_CORRUPT)
            test_fail_(__FILE__, __LINE__, "damage %d: %s, not ERR_CORRUPT", c, err_name(rc));
        ASSERT(strstr(err_msg(), "bloom block"));
        if (c == 0)
            fprintf(stderr, "  example: %s\n", err_msg());
    }
    /* A file of format version 1 (the classic filter) is refused as unsupported. */
    memcpy(copy, good, len);
    le32_put(copy + len - SST_FOOTER_SIZE + 48, 1);
    le32_put(copy + len - SST_FOOTER_SIZE + 52,
             crc32c_mask(crc32c(0, copy + len - SST_FOOTER_SIZE, 52)));
    write_file(bad, copy, len);
    ASSERT_EQ(sstable_open(os_vfs_posix(), bad, 20, cache, &t), ERR_UNSUPPORTED);
    /* Out of memory while copying the filter at open is an error, not a leak
     * or a crash: fail each allocation of open in turn. */
    int opened = 0;
    for (uint64_t n = 1; n < 50 && !opened; n++) {
        mem_fail_after(n);
        int rc = sstable_open(os_vfs_posix(), path, 1, cache, &t);
        mem_fail_after(0);
        if (rc == 0) {
            opened = 1;
            sstable_unref(t);
        } else {
            ASSERT_EQ(rc, ERR_NOMEM);
        }
    }
    ASSERT(opened);
    free(copy);
    free(good);
    block_cache_destroy(cache);
}
