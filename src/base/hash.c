/*
 * hash.c: hash64, a multiply-xorshift hash over 8-byte words with a final
 * avalanche. Reads unaligned words with memcpy; the tail is read bytewise so
 * it never reads past the input.
 */
#include "base/hash.h"

#include <string.h>

#define K1 0x9e3779b97f4a7c15ULL
#define K2 0xbf58476d1ce4e5b9ULL

uint64_t hash64(const void *p, size_t len, uint64_t seed)
{
    const uint8_t *s = p;
    uint64_t h = seed ^ (len * K1);
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        w *= K2;
        w ^= w >> 31;
        h = (h ^ w) * K1;
        h ^= h >> 29;
        s += 8;
        len -= 8;
    }
    uint64_t t = 0;
    for (size_t i = 0; i < len; i++)
        t |= (uint64_t)s[i] << (8 * i);
    h = (h ^ (t * K2)) * K1;
    return hash_mix64(h);
}
