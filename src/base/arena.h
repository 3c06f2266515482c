/*
 * arena.h: a bump allocator whose memory is freed all at once.
 *
 * Arenas give memory the lifetime of a piece of work (connection, transaction,
 * statement, row; a MemTable's keys and versions), in the manner of PostgreSQL's
 * memory contexts. Allocation takes memory from the current chunk and opens a
 * new chunk when it is full; nothing is freed singly. Not thread-safe: one
 * owner allocates at a time.
 */
#ifndef ATOLL_BASE_ARENA_H
#define ATOLL_BASE_ARENA_H

#include <stddef.h>
#include <stdint.h>

struct arena_chunk;

struct arena {
    struct arena_chunk *head; /* Current chunk; older ones follow its link. */
    size_t chunk_size;        /* Size of a regular chunk's payload. */
    size_t used;              /* Bytes handed out since the last reset. */
    size_t reserved;          /* Bytes of chunks held (payload plus headers). */
};

/* Prepares an empty arena; chunk_size 0 means 64 KiB. Allocates nothing yet. */
void arena_init(struct arena *a, size_t chunk_size);

/* Frees every chunk. The arena may be initialised again. */
void arena_deinit(struct arena *a);

/*
 * Returns size bytes aligned to 8, valid until arena_reset() or arena_deinit(),
 * or NULL when out of memory. Requests larger than the chunk size get a chunk of
 * their own.
 */
void *arena_alloc(struct arena *a, size_t size);

/* Returns a copy of len bytes of p in the arena, or NULL. */
void *arena_memdup(struct arena *a, const void *p, size_t len);

/* Returns a NUL-terminated copy of len bytes of s in the arena, or NULL. */
char *arena_strndup(struct arena *a, const char *s, size_t len);

/* Forgets every allocation; keeps the first chunk for reuse, frees the rest. */
void arena_reset(struct arena *a);

/* Bytes of memory the arena holds from the allocator. */
static inline size_t arena_reserved(const struct arena *a) { return a->reserved; }

#endif
