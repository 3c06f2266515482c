/*
 * block_cache.h: the node's cache of uncompressed SSTable blocks, shared by all
 * tablets, with a memory budget.
 *
 * Blocks are keyed by (file id, offset). The cache is split into shards, each
 * an LRU list and a hash table under its own mutex. A looked-up or inserted
 * block is pinned (reference counted) until released; eviction skips pinned
 * blocks, so usage may pass the budget by what readers pin at that moment.
 */
#ifndef ATOLL_STORAGE_BLOCK_CACHE_H
#define ATOLL_STORAGE_BLOCK_CACHE_H

#include <stddef.h>
#include <stdint.h>

struct block_cache;

/* A pinned block. data/len stay valid until block_cache_release(). */
struct cached_block {
    const uint8_t *data; /* Uncompressed block bytes. */
    size_t len;          /* Their length. */
};

/* Creates a cache holding up to capacity bytes of blocks. */
int block_cache_create(size_t capacity, struct block_cache **out);

/* Frees the cache. No block may be pinned. */
void block_cache_destroy(struct block_cache *c);

/* Returns the pinned block or NULL if absent. */
struct cached_block *block_cache_lookup(struct block_cache *c, uint64_t file_id, uint64_t offset);

/*
 * Inserts a block, taking ownership of data (freed with mem_free when
 * evicted). If the key is already present the given data is freed and the
 * present block returned. Returns the pinned block, or NULL when out of memory
 * (data is then freed).
 */
struct cached_block *block_cache_insert(struct block_cache *c, uint64_t file_id,
                                        uint64_t offset, uint8_t *data, size_t len);

/* Unpins a block. */
void block_cache_release(struct block_cache *c, struct cached_block *b);

/* Drops every unpinned block of a file (when the file is deleted). */
void block_cache_erase_file(struct block_cache *c, uint64_t file_id);

/* Bytes of blocks held. */
size_t block_cache_usage(const struct block_cache *c);

/* Lookups that hit and missed since creation. */
void block_cache_stats(const struct block_cache *c, uint64_t *hits, uint64_t *misses);

#endif
