/*
 * bloom.h: the bloom filter over user keys stored in each SSTable
 * (storage-private).
 *
 * The filter is blocked (Putze, Sanders and Singler, "Cache-, hash- and
 * space-efficient bloom filters", 2007): an array of 512-bit blocks, one
 * 64-byte cache line each, and every probe of a key falls into one block, so
 * a lookup touches one cache line of the filter instead of k. A key is hashed
 * once with bloom_hash() (hash64 with BLOOM_SEED); the high 32 bits pick the
 * block by multiply-shift, the low 32 bits give the k bit positions inside it
 * (see storage/README.md, "Bloom block", for the exact sequence). With 10 bits
 * per key k is 6 and about 0.96 % of absent keys pass (a classic filter of the
 * same size passes about 0.82 %). The filter bytes are stored on disk, so
 * hash64, the seed, the block choice and the probe sequence are part of the
 * SSTable format: changing any of them needs a new format version.
 *
 * Layout: n_blocks blocks of BLOOM_BLOCK_BYTES, then a BLOOM_TRAILER_SIZE
 * trailer: n_blocks (u32 LE), k (u8), kind (u8, BLOOM_KIND_BLOCKED512). The
 * trailer is at the end so that a copy of the whole filter made at a 64-byte
 * boundary (bloom_copy_aligned) has every block on a cache line.
 *
 * All functions may be called from any thread; a built filter is immutable.
 */
#ifndef ATOLL_STORAGE_BLOOM_H
#define ATOLL_STORAGE_BLOOM_H

#include "base/buf.h"

#include <stddef.h>
#include <stdint.h>

#define BLOOM_K_MAX           30          /* Most probes a filter may use. */
#define BLOOM_BLOCK_BYTES     64          /* One block: a cache line, 512 bits. */
#define BLOOM_TRAILER_SIZE    6           /* n_blocks (4), k (1), kind (1) after the blocks. */
#define BLOOM_KIND_BLOCKED512 1           /* The kind byte of this layout. */
#define BLOOM_SEED            0xb1003f11u /* Seed of hash64 for filter keys. */

/* The hash of a user key that bloom_build()/bloom_may_contain() take. */
uint64_t bloom_hash(const uint8_t *key, size_t key_len);

/*
 * Probes for bits_per_key bits per key: the k that minimises the false-positive
 * rate of a 512-bit blocked filter (the smaller one when two are within 1 %),
 * from a table computed from the Poisson model; 6 for 10 bits. bits_per_key is
 * clamped to 1..64.
 */
int bloom_k(int bits_per_key);

/*
 * Appends a filter for the n key hashes (duplicates are harmless) with
 * bits_per_key bits per key (values below 1 count as 1): ceil(n *
 * bits_per_key / 512) blocks, at least one. Returns 0, ERR_NOMEM or
 * ERR_TOO_BIG (more than 2^32 - 1 blocks), out unchanged on error.
 */
int bloom_build(const uint64_t *hashes, size_t n, int bits_per_key, struct buf *out);

/*
 * Checks that the untrusted filter[0..len) is well formed: known kind, k in
 * 1..BLOOM_K_MAX, at least one block, and len exactly n_blocks blocks plus
 * the trailer. Returns 0 or ERR_CORRUPT with a message.
 */
int bloom_check(const uint8_t *filter, size_t len);

/*
 * Copies a filter that passed bloom_check() into a new allocation in which it
 * starts on a 64-byte boundary, so each block is one cache line. On success
 * *aligned is the copy (len bytes) and *mem the allocation to mem_free() when
 * done (the caller owns it). Returns 0 or ERR_NOMEM.
 */
int bloom_copy_aligned(const uint8_t *filter, size_t len, uint8_t **mem, const uint8_t **aligned);

/*
 * 0 if the filter proves the key with this hash absent, else 1. The filter
 * must have passed bloom_check(); any alignment works, 64 bytes is fastest.
 */
int bloom_may_contain(const uint8_t *filter, size_t len, uint64_t hash);

#endif
