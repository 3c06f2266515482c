/*
 * block_cache.c: a sharded LRU cache of uncompressed SSTable blocks (see
 * block_cache.h), in the manner of LevelDB's ShardedLRUCache.
 *
 * A key (file id, offset) is hashed once; the top bits pick a shard and the
 * low bits a bucket of the shard's chained hash table. Each shard has its own
 * mutex, capacity (the total divided by the number of shards), usage counter
 * and an LRU list. Only unpinned blocks are on the LRU list: a block leaves it
 * when its reference count goes from 0 to 1 and comes back at the MRU end when
 * it drops to 0, so eviction simply takes the LRU end and never meets a pinned
 * block. Eviction runs after an insert and after a release, while the shard's
 * usage is above its capacity.
 *
 * A small cache gets fewer shards (each at least SHARD_MIN_BYTES), so that a
 * test with a cache of a few blocks sees exact LRU order and a block is not
 * refused for being bigger than a sixteenth of the cache.
 *
 * Erasing a file drops its unpinned blocks at once and marks its pinned ones
 * so that the last release frees them. Memory is freed outside the shard
 * mutex. Counters read without a lock (usage, hits, misses) are relaxed
 * atomics, so they are approximate while other threads run.
 */
#include "storage/block_cache.h"

#include "base/err.h"
#include "base/hash.h"
#include "base/mem.h"

#include <pthread.h>
#include <stdatomic.h>

#define MAX_SHARDS 16                  /* Shards of a big cache. */
#define SHARD_MIN_BYTES (1u << 20)     /* Smallest capacity per shard, except for a 1-shard cache. */
#define INITIAL_BUCKETS 64             /* Buckets of a new shard's table. */

struct cache_entry {
    struct cached_block pub;      /* What callers see; first, so the pointer converts. */
    uint8_t *data;                /* Owned bytes (pub.data points here). */
    uint64_t file_id;             /* Key: file. */
    uint64_t offset;              /* Key: block offset in the file. */
    uint64_t hash;                /* Hash of the key. */
    struct cache_entry *hnext;    /* Next in the bucket's chain. */
    struct cache_entry *lru_prev; /* Toward the MRU end (NULL at the head). */
    struct cache_entry *lru_next; /* Toward the LRU end (NULL at the tail). */
    uint32_t refs;                /* Pins. */
    int in_table;                 /* Still findable; 0 after erase_file while pinned. */
};

struct shard {
    pthread_mutex_t mu;            /* Guards everything below but the atomics' readers. */
    struct cache_entry **buckets;  /* Chained hash table. */
    size_t n_buckets;              /* A power of two. */
    size_t n_entries;              /* Entries in the table. */
    struct cache_entry *lru_head;  /* Most recently used unpinned entry. */
    struct cache_entry *lru_tail;  /* Least recently used unpinned entry. */
    size_t capacity;               /* Budget of this shard in bytes. */
    _Atomic size_t usage;          /* Bytes of blocks held (table and erased-but-pinned). */
    _Atomic uint64_t hits;         /* Lookups that found the block. */
    _Atomic uint64_t misses;       /* Lookups that did not. */
};

struct block_cache {
    struct shard *shards; /* n_shards of them. */
    unsigned n_shards;    /* A power of two. */
    unsigned shard_shift; /* 64 - log2(n_shards): the hash's top bits pick the shard. */
};

static uint64_t key_hash(uint64_t file_id, uint64_t offset)
{
    return hash_mix64(file_id * 0x9e3779b97f4a7c15ULL ^ hash_mix64(offset + 1));
}

static struct shard *shard_of(const struct block_cache *c, uint64_t h)
{
    return &c->shards[c->n_shards == 1 ? 0 : h >> c->shard_shift];
}

int block_cache_create(size_t capacity, struct block_cache **out)
{
    unsigned n = MAX_SHARDS;
    while (n > 1 && capacity / n < SHARD_MIN_BYTES)
        n /= 2;
    struct block_cache *c = mem_calloc(1, sizeof *c);
    if (!c)
        return err_set(ERR_NOMEM, "block cache: out of memory");
    c->shards = mem_calloc(n, sizeof *c->shards);
    if (!c->shards) {
        mem_free(c);
        return err_set(ERR_NOMEM, "block cache: out of memory");
    }
    c->n_shards = n;
    unsigned log2n = 0;
    while ((1u << log2n) < n)
        log2n++;
    c->shard_shift = 64 - log2n;
    for (unsigned i = 0; i < n; i++) {
        struct shard *s = &c->shards[i];
        s->buckets = mem_calloc(INITIAL_BUCKETS, sizeof *s->buckets);
        if (!s->buckets) {
            for (unsigned j = 0; j < i; j++) {
                pthread_mutex_destroy(&c->shards[j].mu);
                mem_free(c->shards[j].buckets);
            }
            mem_free(c->shards);
            mem_free(c);
            return err_set(ERR_NOMEM, "block cache: out of memory");
        }
        s->n_buckets = INITIAL_BUCKETS;
        s->capacity = capacity / n;
        pthread_mutex_init(&s->mu, NULL);
    }
    *out = c;
    return 0;
}

static void entry_free(struct cache_entry *e)
{
    mem_free(e->data);
    mem_free(e);
}

void block_cache_destroy(struct block_cache *c)
{
    if (!c)
        return;
    for (unsigned i = 0; i < c->n_shards; i++) {
        struct shard *s = &c->shards[i];
        for (size_t b = 0; b < s->n_buckets; b++) {
            struct cache_entry *e = s->buckets[b];
            while (e) {
                struct cache_entry *next = e->hnext;
                entry_free(e);
                e = next;
            }
        }
        mem_free(s->buckets);
        pthread_mutex_destroy(&s->mu);
    }
    mem_free(c->shards);
    mem_free(c);
}

/* The link that points at the entry with this key, or at the NULL ending its chain. */
static struct cache_entry **find_slot(struct shard *s, uint64_t h, uint64_t file_id,
                                      uint64_t offset)
{
    struct cache_entry **p = &s->buckets[h & (s->n_buckets - 1)];
    while (*p && ((*p)->file_id != file_id || (*p)->offset != offset))
        p = &(*p)->hnext;
    return p;
}

static void lru_remove(struct shard *s, struct cache_entry *e)
{
    if (e->lru_prev)
        e->lru_prev->lru_next = e->lru_next;
    else
        s->lru_head = e->lru_next;
    if (e->lru_next)
        e->lru_next->lru_prev = e->lru_prev;
    else
        s->lru_tail = e->lru_prev;
    e->lru_prev = e->lru_next = NULL;
}

static void lru_push_head(struct shard *s, struct cache_entry *e)
{
    e->lru_prev = NULL;
    e->lru_next = s->lru_head;
    if (s->lru_head)
        s->lru_head->lru_prev = e;
    else
        s->lru_tail = e;
    s->lru_head = e;
}

static void usage_add(struct shard *s, size_t n)
{
    atomic_store_explicit(&s->usage, atomic_load_explicit(&s->usage, memory_order_relaxed) + n,
                          memory_order_relaxed);
}

static void usage_sub(struct shard *s, size_t n)
{
    atomic_store_explicit(&s->usage, atomic_load_explicit(&s->usage, memory_order_relaxed) - n,
                          memory_order_relaxed);
}

/* Doubles the table when it is fuller than one entry per bucket; keeps the old one if memory is short. */
static void maybe_grow(struct shard *s)
{
    if (s->n_entries <= s->n_buckets)
        return;
    size_t nb = s->n_buckets * 2;
    struct cache_entry **b = mem_calloc(nb, sizeof *b);
    if (!b)
        return;
    for (size_t i = 0; i < s->n_buckets; i++) {
        struct cache_entry *e = s->buckets[i];
        while (e) {
            struct cache_entry *next = e->hnext;
            e->hnext = b[e->hash & (nb - 1)];
            b[e->hash & (nb - 1)] = e;
            e = next;
        }
    }
    mem_free(s->buckets);
    s->buckets = b;
    s->n_buckets = nb;
}

/* Takes an entry out of the table (it must be there). */
static void table_remove(struct shard *s, struct cache_entry *e)
{
    struct cache_entry **p = find_slot(s, e->hash, e->file_id, e->offset);
    *p = e->hnext;
    e->hnext = NULL;
    e->in_table = 0;
    s->n_entries--;
}

/* Evicts LRU blocks while over budget; chains them on *dead for freeing after unlock. */
static void evict(struct shard *s, struct cache_entry **dead)
{
    while (atomic_load_explicit(&s->usage, memory_order_relaxed) > s->capacity && s->lru_tail) {
        struct cache_entry *e = s->lru_tail;
        lru_remove(s, e);
        table_remove(s, e);
        usage_sub(s, e->pub.len);
        e->hnext = *dead;
        *dead = e;
    }
}

static void free_chain(struct cache_entry *e)
{
    while (e) {
        struct cache_entry *next = e->hnext;
        entry_free(e);
        e = next;
    }
}

struct cached_block *block_cache_lookup(struct block_cache *c, uint64_t file_id, uint64_t offset)
{
    uint64_t h = key_hash(file_id, offset);
    struct shard *s = shard_of(c, h);
    pthread_mutex_lock(&s->mu);
    struct cache_entry *e = *find_slot(s, h, file_id, offset);
    if (e) {
        if (e->refs++ == 0)
            lru_remove(s, e);
    }
    pthread_mutex_unlock(&s->mu);
    atomic_fetch_add_explicit(e ? &s->hits : &s->misses, 1, memory_order_relaxed);
    return e ? &e->pub : NULL;
}

struct cached_block *block_cache_insert(struct block_cache *c, uint64_t file_id,
                                        uint64_t offset, uint8_t *data, size_t len)
{
    struct cache_entry *n = mem_alloc(sizeof *n);
    if (!n) {
        mem_free(data);
        return NULL;
    }
    uint64_t h = key_hash(file_id, offset);
    struct shard *s = shard_of(c, h);
    struct cache_entry *dead = NULL;
    pthread_mutex_lock(&s->mu);
    struct cache_entry **slot = find_slot(s, h, file_id, offset);
    struct cache_entry *e = *slot;
    if (e) {
        /* Another reader read the same block first: use theirs. */
        if (e->refs++ == 0)
            lru_remove(s, e);
        pthread_mutex_unlock(&s->mu);
        mem_free(data);
        mem_free(n);
        return &e->pub;
    }
    n->pub.data = data;
    n->pub.len = len;
    n->data = data;
    n->file_id = file_id;
    n->offset = offset;
    n->hash = h;
    n->hnext = NULL;
    n->lru_prev = n->lru_next = NULL;
    n->refs = 1;
    n->in_table = 1;
    *slot = n;
    s->n_entries++;
    usage_add(s, len);
    evict(s, &dead);
    maybe_grow(s);
    pthread_mutex_unlock(&s->mu);
    free_chain(dead);
    return &n->pub;
}

void block_cache_release(struct block_cache *c, struct cached_block *b)
{
    if (!b)
        return;
    struct cache_entry *e = (struct cache_entry *)b;
    struct shard *s = shard_of(c, e->hash);
    struct cache_entry *dead = NULL;
    pthread_mutex_lock(&s->mu);
    if (--e->refs == 0) {
        if (e->in_table) {
            lru_push_head(s, e);
            evict(s, &dead);
        } else {
            /* Erased while pinned: the last release frees it. */
            usage_sub(s, e->pub.len);
            e->hnext = dead;
            dead = e;
        }
    }
    pthread_mutex_unlock(&s->mu);
    free_chain(dead);
}

void block_cache_erase_file(struct block_cache *c, uint64_t file_id)
{
    for (unsigned i = 0; i < c->n_shards; i++) {
        struct shard *s = &c->shards[i];
        struct cache_entry *dead = NULL;
        pthread_mutex_lock(&s->mu);
        for (size_t b = 0; b < s->n_buckets; b++) {
            struct cache_entry **p = &s->buckets[b];
            while (*p) {
                struct cache_entry *e = *p;
                if (e->file_id != file_id) {
                    p = &e->hnext;
                    continue;
                }
                *p = e->hnext;
                e->hnext = NULL;
                e->in_table = 0;
                s->n_entries--;
                if (e->refs == 0) {
                    lru_remove(s, e);
                    usage_sub(s, e->pub.len);
                    e->hnext = dead;
                    dead = e;
                }
            }
        }
        pthread_mutex_unlock(&s->mu);
        free_chain(dead);
    }
}

size_t block_cache_usage(const struct block_cache *c)
{
    size_t total = 0;
    for (unsigned i = 0; i < c->n_shards; i++)
        total += atomic_load_explicit(&c->shards[i].usage, memory_order_relaxed);
    return total;
}

void block_cache_stats(const struct block_cache *c, uint64_t *hits, uint64_t *misses)
{
    uint64_t h = 0, m = 0;
    for (unsigned i = 0; i < c->n_shards; i++) {
        h += atomic_load_explicit(&c->shards[i].hits, memory_order_relaxed);
        m += atomic_load_explicit(&c->shards[i].misses, memory_order_relaxed);
    }
    if (hits)
        *hits = h;
    if (misses)
        *misses = m;
}
