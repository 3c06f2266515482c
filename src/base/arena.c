/*
 * arena.c: chunked bump allocation (see arena.h). Each chunk starts with a small
 * header linking it to the previous chunk; allocation moves a cursor forward.
 */
#include "base/arena.h"

#include "base/mem.h"

#include <string.h>

struct arena_chunk {
    struct arena_chunk *prev; /* Older chunk, or NULL. */
    size_t cap;               /* Payload bytes in this chunk. */
    size_t off;               /* Next free payload byte. */
    max_align_t payload[];    /* The memory handed out. */
};

void arena_init(struct arena *a, size_t chunk_size)
{
    a->head = NULL;
    a->chunk_size = chunk_size ? chunk_size : 64 * 1024;
    a->used = 0;
    a->reserved = 0;
}

void arena_deinit(struct arena *a)
{
    struct arena_chunk *c = a->head;
    while (c) {
        struct arena_chunk *prev = c->prev;
        mem_free(c);
        c = prev;
    }
    a->head = NULL;
    a->used = 0;
    a->reserved = 0;
}

void *arena_alloc(struct arena *a, size_t size)
{
    size = (size + 7) & ~(size_t)7;
    struct arena_chunk *c = a->head;
    if (!c || c->cap - c->off < size) {
        size_t cap = size > a->chunk_size ? size : a->chunk_size;
        struct arena_chunk *n = mem_alloc(sizeof *n + cap);
        if (!n)
            return NULL;
        n->cap = cap;
        n->off = 0;
        a->reserved += sizeof *n + cap;
        if (c && size > a->chunk_size) {
            /* An oversized chunk goes behind the current one so the current
             * chunk's free space stays usable. */
            n->prev = c->prev;
            c->prev = n;
            n->off = size;
            a->used += size;
            return (char *)n->payload;
        }
        n->prev = c;
        a->head = c = n;
    }
    void *p = (char *)c->payload + c->off;
    c->off += size;
    a->used += size;
    return p;
}

void *arena_memdup(struct arena *a, const void *p, size_t len)
{
    void *q = arena_alloc(a, len);
    if (q && len)
        memcpy(q, p, len);
    return q;
}

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
    char *q = arena_alloc(a, len + 1);
    if (!q)
        return NULL;
    memcpy(q, s, len);
    q[len] = '\0';
    return q;
}

void arena_reset(struct arena *a)
{
    struct arena_chunk *c = a->head;
    if (!c)
        return;
    /* Keep the oldest regular-sized chunk; free the rest. */
    struct arena_chunk *keep = NULL;
    while (c) {
        struct arena_chunk *prev = c->prev;
        if (!keep && !prev && c->cap == a->chunk_size) {
            keep = c;
        } else {
            a->reserved -= sizeof *c + c->cap;
            mem_free(c);
        }
        c = prev;
    }
    a->head = keep;
    if (keep) {
        keep->prev = NULL;
        keep->off = 0;
    }
    a->used = 0;
}
