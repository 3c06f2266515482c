/*
 * hash.h: a fast 64-bit hash of bytes for hash tables, bloom filters and the
 * block cache. Not for security. Stable across runs and machines (bloom
 * filters are stored on disk with it).
 */
#ifndef ATOLL_BASE_HASH_H
#define ATOLL_BASE_HASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t hash64(const void *p, size_t len, uint64_t seed);

/* Mixes one 64-bit value (a finaliser with good avalanche). */
static inline uint64_t hash_mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

#endif
