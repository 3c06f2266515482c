/*
 * bloom.c: building and probing SSTable bloom filters (see bloom.h).
 *
 * The writer collects one 64-bit hash per distinct user key and builds the
 * filter at the end, when the number of keys is known; probing needs only the
 * filter bytes and the key's hash, which a lookup computes once. Positions are
 * computed in 64-bit arithmetic so that filters of more than 2^32 bits would
 * still address every bit.
 */
#include "storage/bloom.h"

#include "base/err.h"
#include "base/hash.h"

#include <string.h>

uint64_t bloom_hash(const uint8_t *key, size_t key_len)
{
    return hash64(key, key_len, BLOOM_SEED);
}

int bloom_k(int bits_per_key)
{
    /* k = bits * ln 2 minimises the false-positive rate. */
    int k = (bits_per_key * 69 + 50) / 100;
    if (k < 1)
        k = 1;
    if (k > BLOOM_K_MAX)
        k = BLOOM_K_MAX;
    return k;
}

int bloom_build(const uint64_t *hashes, size_t n, int bits_per_key, struct buf *out)
{
    if (bits_per_key < 1)
        bits_per_key = 1;
    uint64_t bits = (uint64_t)n * (uint64_t)bits_per_key;
    if (bits < BLOOM_MIN_BITS)
        bits = BLOOM_MIN_BITS;
    uint64_t bytes = (bits + 7) / 8;
    bits = bytes * 8;
    int k = bloom_k(bits_per_key);
    size_t old = out->len;
    if (bytes > SIZE_MAX - 1 || buf_reserve(out, (size_t)bytes + 1) != 0)
        return err_set(ERR_NOMEM, "bloom filter: out of memory for %llu bytes",
                       (unsigned long long)bytes);
    uint8_t *f = out->data + old;
    memset(f, 0, (size_t)bytes);
    for (size_t i = 0; i < n; i++) {
        uint64_t h1 = (uint32_t)hashes[i], h2 = hashes[i] >> 32;
        for (int j = 0; j < k; j++) {
            uint64_t pos = (h1 + (uint64_t)j * h2) % bits;
            f[pos >> 3] |= (uint8_t)(1u << (pos & 7));
        }
    }
    f[bytes] = (uint8_t)k;
    out->len = old + (size_t)bytes + 1;
    return 0;
}

int bloom_check(const uint8_t *filter, size_t len)
{
    if (len < 2)
        return err_set(ERR_CORRUPT, "bloom filter of %zu bytes is too short", len);
    unsigned k = filter[len - 1];
    if (k < 1 || k > BLOOM_K_MAX)
        return err_set(ERR_CORRUPT, "bloom filter has %u probes (1 to %d allowed)", k,
                       BLOOM_K_MAX);
    return 0;
}

int bloom_may_contain(const uint8_t *filter, size_t len, uint64_t hash)
{
    uint64_t bits = (uint64_t)(len - 1) * 8;
    int k = filter[len - 1];
    uint64_t h1 = (uint32_t)hash, h2 = hash >> 32;
    for (int j = 0; j < k; j++) {
        uint64_t pos = (h1 + (uint64_t)j * h2) % bits;
        if (!(filter[pos >> 3] & (1u << (pos & 7))))
            return 0;
    }
    return 1;
}
