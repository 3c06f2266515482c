/*
 * bloom.h: the bloom filter over user keys stored in each SSTable
 * (storage-private).
 *
 * A filter is m bits followed by one byte k, the number of probes. A key is
 * hashed once with hash64; the k probe positions come from double hashing
 * (Kirsch and Mitzenmacher): h1 + i*h2 mod m, with h1 and h2 the low and high
 * halves of the hash. With 10 bits per key k is 7 and about 1 % of absent keys
 * pass. The filter bytes are stored on disk, so hash64, the seed and the probe
 * sequence are part of the format.
 */
#ifndef ATOLL_STORAGE_BLOOM_H
#define ATOLL_STORAGE_BLOOM_H

#include "base/buf.h"

#include <stddef.h>
#include <stdint.h>

#define BLOOM_K_MAX 30       /* Most probes a filter may use. */
#define BLOOM_MIN_BITS 64    /* Smallest filter, so tiny tables still filter. */
#define BLOOM_SEED 0xb1003f11u /* Seed of hash64 for filter keys. */

/* The hash of a user key that bloom_add_hashes()/bloom_may_contain() take. */
uint64_t bloom_hash(const uint8_t *key, size_t key_len);

/* Probes for bits_per_key bits per key: round(bits_per_key * 0.69), within 1..BLOOM_K_MAX. */
int bloom_k(int bits_per_key);

/*
 * Appends a filter for the n key hashes (duplicates are harmless) with
 * bits_per_key bits per key (>= 1). Returns 0 or ERR_NOMEM (out unchanged).
 */
int bloom_build(const uint64_t *hashes, size_t n, int bits_per_key, struct buf *out);

/* Checks that filter[0..len) is well formed. Returns 0 or ERR_CORRUPT with a message. */
int bloom_check(const uint8_t *filter, size_t len);

/* 0 if the filter proves the key with this hash absent, else 1. The filter must have passed bloom_check(). */
int bloom_may_contain(const uint8_t *filter, size_t len, uint64_t hash);

#endif
