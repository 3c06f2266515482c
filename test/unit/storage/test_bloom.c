/* test_bloom.c: unit tests of the SSTable bloom filter (storage/bloom.c). */
#include "test.h"

#include "base/buf.h"
#include "base/err.h"
#include "base/hash.h"
#include "storage/bloom.h"

#include <stdlib.h>

/* Key i of a family: 16 bytes built from i and a salt, so sets are disjoint per salt. */
static void make_key(uint8_t *k, uint64_t i, uint64_t salt)
{
    uint64_t a = hash_mix64(i * 2 + 1) ^ salt, b = i;
    memcpy(k, &a, 8);
    memcpy(k + 8, &b, 8);
}

/* Builds a filter of n keys and returns the measured false-positive rate over m absent keys. */
static double fp_rate(size_t n, int bits, size_t m, uint64_t seed)
{
    uint64_t *h = malloc((n ? n : 1) * sizeof *h);
    uint8_t k[16];
    for (size_t i = 0; i < n; i++) {
        make_key(k, i, seed);
        h[i] = bloom_hash(k, sizeof k);
    }
    struct buf f;
    buf_init(&f);
    ASSERT_OK(bloom_build(h, n, bits, &f));
    ASSERT_OK(bloom_check(f.data, f.len));
    /* No false negatives, ever. */
    for (size_t i = 0; i < n; i++)
        ASSERT(bloom_may_contain(f.data, f.len, h[i]));
    size_t fp = 0;
    for (size_t i = 0; i < m; i++) {
        make_key(k, i, ~seed);
        fp += (size_t)bloom_may_contain(f.data, f.len, bloom_hash(k, sizeof k));
    }
    buf_deinit(&f);
    free(h);
    return (double)fp / (double)m;
}

TEST(bloom_k_from_bits)
{
    ASSERT_EQ(bloom_k(10), 7);
    ASSERT_EQ(bloom_k(1), 1);
    ASSERT_EQ(bloom_k(0), 1);
    ASSERT_EQ(bloom_k(20), 14);
    ASSERT_EQ(bloom_k(100), BLOOM_K_MAX);
}

TEST(bloom_false_positive_rate_near_target)
{
    uint64_t seed = test_seed();
    /* 10 bits/key, k = 7: theory gives about 0.82 %. */
    double r = fp_rate(20000, 10, 200000, seed);
    fprintf(stderr, "  10 bits/key: false-positive rate %.3f %%\n", r * 100);
    ASSERT(r > 0.002 && r < 0.02);
    /* 5 bits/key, k = 3: about 9.2 %. */
    r = fp_rate(20000, 5, 100000, seed);
    fprintf(stderr, "  5 bits/key: false-positive rate %.3f %%\n", r * 100);
    ASSERT(r > 0.05 && r < 0.15);
    /* 20 bits/key: well under 0.1 %. */
    r = fp_rate(20000, 20, 200000, seed);
    fprintf(stderr, "  20 bits/key: false-positive rate %.4f %%\n", r * 100);
    ASSERT(r < 0.001);
}

TEST(bloom_small_and_empty_filters)
{
    /* An empty filter has the minimum size and rejects almost everything. */
    ASSERT(fp_rate(0, 10, 10000, 7) < 0.01);
    /* A single key is found; a tiny filter is still well formed. */
    ASSERT(fp_rate(1, 10, 10000, 9) < 0.1);
    struct buf f;
    buf_init(&f);
    ASSERT_OK(bloom_build(NULL, 0, 10, &f));
    ASSERT_EQ(f.len, BLOOM_MIN_BITS / 8 + 1);
    buf_deinit(&f);
}

TEST(bloom_check_refuses_bad_filters)
{
    uint8_t f[9] = {0};
    ASSERT_EQ(bloom_check(f, 1), ERR_CORRUPT);
    ASSERT_EQ(bloom_check(f, 0), ERR_CORRUPT);
    f[8] = 0;
    ASSERT_EQ(bloom_check(f, 9), ERR_CORRUPT);
    f[8] = BLOOM_K_MAX + 1;
    ASSERT_EQ(bloom_check(f, 9), ERR_CORRUPT);
    f[8] = 7;
    ASSERT_OK(bloom_check(f, 9));
    /* All-zero bits: nothing may be present. */
    ASSERT_EQ(bloom_may_contain(f, 9, bloom_hash((const uint8_t *)"x", 1)), 0);
}

TEST(bloom_hash_is_stable)
{
    /* Filters are on disk: the hash must not change between builds. */
    uint64_t a = bloom_hash((const uint8_t *)"atoll", 5);
    ASSERT_U64_EQ(a, hash64("atoll", 5, BLOOM_SEED));
    ASSERT(a != bloom_hash((const uint8_t *)"atolm", 5));
}
