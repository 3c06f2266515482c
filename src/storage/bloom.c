/*
 * bloom.c: building and probing SSTable bloom filters (see bloom.h).
 *
 * The writer collects one 64-bit hash per distinct user key and builds the
 * filter at the end, when the number of keys is known; probing needs only the
 * filter bytes and the key's hash, which a lookup computes once.
 *
 * The filter is blocked: a key's probes all land in one 64-byte block, so a
 * negative lookup costs at most one cache miss where a classic filter costs
 * up to k. The block is chosen with a multiply-shift of the hash's high 32
 * bits ("fastrange", Lemire 2019), which maps uniformly onto n_blocks without
 * a division. The probes inside the block come from the low 32 bits: each
 * next probe multiplies the state by an odd constant (the golden ratio in
 * 32-bit fixed point) and takes the top 9 bits, the best-mixed ones of a
 * multiplication. The cost of confining probes to a block is variance: some
 * blocks get more keys than average, so at 10 bits per key 0.96 % of absent
 * keys pass instead of 0.82 %.
 *
 * Bits are addressed as bytes (bit b of a block is byte b / 8, bit b % 8), so
 * the format is the same on any byte order and probes need no aligned loads.
 */
#include "storage/bloom.h"

#include "base/coding.h"
#include "base/err.h"
#include "base/hash.h"
#include "base/mem.h"

#include <string.h>

#define BLOCK_BITS  (BLOOM_BLOCK_BYTES * 8)
#define BLOCKS_MAX  UINT32_MAX  /* n_blocks is a u32 in the trailer. */
#define PROBE_MUL   0x9e3779b9u /* 2^32 / golden ratio, odd: each step permutes the state. */
#define PROBE_SHIFT 23          /* 32 - log2(BLOCK_BITS): the top 9 bits pick a bit. */

uint64_t bloom_hash(const uint8_t *key, size_t key_len)
{
    return hash64(key, key_len, BLOOM_SEED);
}

int bloom_k(int bits_per_key)
{
    /*
     * Argmin over k of the Poisson model of a 512-bit blocked filter,
     * sum_x P(x keys in the block) * (1 - (1 - 1/512)^(k x))^k with
     * x ~ Poisson(512 / bits_per_key), taking the smaller k when two are
     * within 1 % of each other (fewer probes, same rate). Blocks fill
     * unevenly, so the best k grows more slowly than bits_per_key * ln 2.
     * Indexed by bits per key, 0 to 64 (0 is clamped away). Not part of the
     * format: each filter stores its k.
     */
    static const uint8_t k_of_bits[65] = {
        1,  1,  1,  2,  3,  3,  4,  5,  5,  6,  6,  7,  7,  8,  8,  9,  9,  10, 10, 11, 11, 11,
        12, 12, 12, 13, 13, 13, 14, 14, 14, 14, 15, 15, 15, 15, 16, 16, 16, 16, 16, 17, 17, 17,
        17, 17, 17, 18, 18, 18, 18, 18, 18, 19, 19, 19, 19, 19, 19, 19, 20, 20, 20, 20, 20,
    };
    if (bits_per_key < 1)
        bits_per_key = 1;
    if (bits_per_key > 64)
        bits_per_key = 64;
    return k_of_bits[bits_per_key];
}

/* The block of a key: floor(hi32 * n_blocks / 2^32), which is < n_blocks. */
static inline size_t block_of(uint64_t hash, size_t n_blocks)
{
    return (size_t)(((hash >> 32) * (uint64_t)n_blocks) >> 32);
}

int bloom_build(const uint64_t *hashes, size_t n, int bits_per_key, struct buf *out)
{
    if (bits_per_key < 1)
        bits_per_key = 1;
    int k = bloom_k(bits_per_key);
    /* n keys exist in memory as 8-byte hashes, so n * 64 cannot overflow. */
    uint64_t n_blocks = ((uint64_t)n * (uint64_t)bits_per_key + BLOCK_BITS - 1) / BLOCK_BITS;
    if (n_blocks == 0)
        n_blocks = 1;
    if (n_blocks > BLOCKS_MAX)
        return err_set(ERR_TOO_BIG, "bloom filter: %zu keys need %llu blocks (at most %llu)", n,
                       (unsigned long long)n_blocks, (unsigned long long)BLOCKS_MAX);
    uint64_t bytes = n_blocks * BLOOM_BLOCK_BYTES;
    if (bytes > SIZE_MAX - BLOOM_TRAILER_SIZE ||
        buf_reserve(out, (size_t)bytes + BLOOM_TRAILER_SIZE) != 0)
        return err_set(ERR_NOMEM, "bloom filter: out of memory for %llu bytes",
                       (unsigned long long)bytes);
    uint8_t *f = out->data + out->len;
    memset(f, 0, (size_t)bytes);
    for (size_t i = 0; i < n; i++) {
        uint8_t *b = f + block_of(hashes[i], (size_t)n_blocks) * BLOOM_BLOCK_BYTES;
        uint32_t h = (uint32_t)hashes[i];
        for (int j = 0; j < k; j++) {
            unsigned bit = h >> PROBE_SHIFT;
            b[bit >> 3] |= (uint8_t)(1u << (bit & 7));
            h *= PROBE_MUL;
        }
    }
    le32_put(f + bytes, (uint32_t)n_blocks);
    f[bytes + 4] = (uint8_t)k;
    f[bytes + 5] = BLOOM_KIND_BLOCKED512;
    out->len += (size_t)bytes + BLOOM_TRAILER_SIZE;
    return 0;
}

int bloom_check(const uint8_t *filter, size_t len)
{
    if (len < BLOOM_TRAILER_SIZE + BLOOM_BLOCK_BYTES)
        return err_set(ERR_CORRUPT, "bloom filter of %zu bytes is too short (at least %d)", len,
                       BLOOM_TRAILER_SIZE + BLOOM_BLOCK_BYTES);
    const uint8_t *t = filter + len - BLOOM_TRAILER_SIZE;
    if (t[5] != BLOOM_KIND_BLOCKED512)
        return err_set(ERR_CORRUPT, "bloom filter of unknown kind %u (expected %d)", t[5],
                       BLOOM_KIND_BLOCKED512);
    unsigned k = t[4];
    if (k < 1 || k > BLOOM_K_MAX)
        return err_set(ERR_CORRUPT, "bloom filter has %u probes (1 to %d allowed)", k, BLOOM_K_MAX);
    uint64_t n_blocks = le32_get(t);
    if (n_blocks == 0 || n_blocks * BLOOM_BLOCK_BYTES != (uint64_t)(len - BLOOM_TRAILER_SIZE))
        return err_set(ERR_CORRUPT,
                       "bloom filter of %zu bytes says %llu blocks of %d bytes and a %d-byte "
                       "trailer",
                       len, (unsigned long long)n_blocks, BLOOM_BLOCK_BYTES, BLOOM_TRAILER_SIZE);
    return 0;
}

int bloom_copy_aligned(const uint8_t *filter, size_t len, uint8_t **mem, const uint8_t **aligned)
{
    uint8_t *m =
        len <= SIZE_MAX - (BLOOM_BLOCK_BYTES - 1) ? mem_alloc(len + BLOOM_BLOCK_BYTES - 1) : NULL;
    if (!m)
        return err_set(ERR_NOMEM, "bloom filter: out of memory for %zu bytes", len);
    uintptr_t a = ((uintptr_t)m + BLOOM_BLOCK_BYTES - 1) & ~(uintptr_t)(BLOOM_BLOCK_BYTES - 1);
    uint8_t *p = m + (a - (uintptr_t)m);
    memcpy(p, filter, len);
    *mem = m;
    *aligned = p;
    return 0;
}

int bloom_may_contain(const uint8_t *filter, size_t len, uint64_t hash)
{
    /* bloom_check() made len exactly n_blocks blocks and the trailer. */
    size_t n_blocks = (len - BLOOM_TRAILER_SIZE) / BLOOM_BLOCK_BYTES;
    const uint8_t *b = filter + block_of(hash, n_blocks) * BLOOM_BLOCK_BYTES;
    int k = filter[len - 2];
    uint32_t h = (uint32_t)hash;
    /* No early exit: the block is one cache line, and about half the probes
     * of an absent key fail at random, so a branch per probe mispredicts
     * more than the few extra byte loads cost (measured with a 1.25 MB
     * filter: 37 M lookups/s against 27 M; early exit is ~10 % ahead only
     * for filters far larger than the caches). A prefetch of the block
     * gained nothing: the loads follow its address within a few cycles. */
    unsigned all = 1;
    for (int j = 0; j < k; j++) {
        unsigned bit = h >> PROBE_SHIFT;
        all &= (unsigned)b[bit >> 3] >> (bit & 7);
        h *= PROBE_MUL;
    }
    return (int)(all & 1);
}
