/* test_block_cache.c: unit tests of the sharded LRU block cache (storage/block_cache.c). */
#include "test.h"

#include "base/err.h"
#include "base/hash.h"
#include "base/mem.h"
#include "storage/block_cache.h"

#include <pthread.h>
#include <stdatomic.h>

/* A block of len bytes whose contents identify (file, offset), so readers can check them. */
static uint8_t *make_block(uint64_t file, uint64_t off, size_t len)
{
    uint8_t *p = mem_alloc(len);
    uint64_t x = hash_mix64(file * 1000003u + off);
    for (size_t i = 0; i < len; i++)
        p[i] = (uint8_t)(x >> (8 * (i % 8))) ^ (uint8_t)i;
    return p;
}

static int block_ok(const struct cached_block *b, uint64_t file, uint64_t off, size_t len)
{
    if (b->len != len)
        return 0;
    uint64_t x = hash_mix64(file * 1000003u + off);
    for (size_t i = 0; i < len; i++)
        if (b->data[i] != ((uint8_t)(x >> (8 * (i % 8))) ^ (uint8_t)i))
            return 0;
    return 1;
}

static void put(struct block_cache *c, uint64_t file, uint64_t off, size_t len)
{
    struct cached_block *b = block_cache_insert(c, file, off, make_block(file, off, len), len);
    ASSERT(b != NULL);
    ASSERT(block_ok(b, file, off, len));
    block_cache_release(c, b);
}

static int present(struct block_cache *c, uint64_t file, uint64_t off)
{
    struct cached_block *b = block_cache_lookup(c, file, off);
    if (!b)
        return 0;
    block_cache_release(c, b);
    return 1;
}

TEST(block_cache_lookup_insert_and_stats)
{
    struct block_cache *c;
    ASSERT_OK(block_cache_create(1 << 20, &c));
    ASSERT(block_cache_lookup(c, 1, 0) == NULL);
    put(c, 1, 0, 100);
    put(c, 1, 100, 200);
    put(c, 2, 0, 300);
    ASSERT_EQ(block_cache_usage(c), 600);
    struct cached_block *b = block_cache_lookup(c, 1, 100);
    ASSERT(b && block_ok(b, 1, 100, 200));
    block_cache_release(c, b);
    b = block_cache_lookup(c, 2, 0);
    ASSERT(b && block_ok(b, 2, 0, 300));
    block_cache_release(c, b);
    ASSERT(block_cache_lookup(c, 2, 100) == NULL);
    ASSERT(block_cache_lookup(c, 3, 0) == NULL);
    uint64_t hits, misses;
    block_cache_stats(c, &hits, &misses);
    ASSERT_U64_EQ(hits, 2);
    ASSERT_U64_EQ(misses, 3);

    /* A second insert of the same key keeps the first block and frees the new data. */
    b = block_cache_insert(c, 1, 0, make_block(9, 9, 50), 50);
    ASSERT(b && block_ok(b, 1, 0, 100));
    block_cache_release(c, b);
    ASSERT_EQ(block_cache_usage(c), 600);
    block_cache_destroy(c);
}

TEST(block_cache_capacity_respected)
{
    struct block_cache *c;
    /* 64 MiB: the full 16 shards, 4 MiB each. */
    ASSERT_OK(block_cache_create(64u << 20, &c));
    uint64_t seed = test_seed();
    for (uint64_t i = 0; i < 3000; i++) {
        size_t len = 4096 + (size_t)(hash_mix64(seed + i) % 60000);
        put(c, 1 + i % 7, i * 100000, len);
        ASSERT(block_cache_usage(c) <= (64u << 20));
    }
    /* About 100 MiB went in: the cache is near full but not over. */
    ASSERT(block_cache_usage(c) > (48u << 20));
    block_cache_destroy(c);
}

TEST(block_cache_lru_order)
{
    struct block_cache *c;
    /* A small cache is one shard, so the order is exact: room for 4 blocks of 1000. */
    ASSERT_OK(block_cache_create(4000, &c));
    for (uint64_t i = 0; i < 4; i++)
        put(c, 1, i, 1000);
    ASSERT_EQ(block_cache_usage(c), 4000);
    /* Touch 0 and 1: 2 becomes the least recently used. */
    ASSERT(present(c, 1, 0));
    ASSERT(present(c, 1, 1));
    put(c, 1, 4, 1000);
    ASSERT(!present(c, 1, 2));
    ASSERT(present(c, 1, 3));
    /* Now 0 is the oldest use (order 0, 1, 4, 3 -> after touching 3: 0 oldest). */
    put(c, 1, 5, 1000);
    ASSERT(!present(c, 1, 0));
    ASSERT(present(c, 1, 1));
    ASSERT(present(c, 1, 4));
    ASSERT(present(c, 1, 5));
    ASSERT_EQ(block_cache_usage(c), 4000);
    /* A block bigger than the cache is served but not kept. */
    struct cached_block *b = block_cache_insert(c, 2, 0, make_block(2, 0, 10000), 10000);
    ASSERT(b && block_ok(b, 2, 0, 10000));
    block_cache_release(c, b);
    ASSERT(!present(c, 2, 0));
    ASSERT(block_cache_usage(c) <= 4000);
    block_cache_destroy(c);
}

TEST(block_cache_pins_protect_from_eviction)
{
    struct block_cache *c;
    ASSERT_OK(block_cache_create(3000, &c));
    struct cached_block *pinned[6];
    for (uint64_t i = 0; i < 6; i++) {
        pinned[i] = block_cache_insert(c, 1, i, make_block(1, i, 1000), 1000);
        ASSERT(pinned[i]);
    }
    /* Over budget by what is pinned; nothing was evicted, all still readable. */
    ASSERT_EQ(block_cache_usage(c), 6000);
    for (uint64_t i = 0; i < 6; i++) {
        ASSERT(block_ok(pinned[i], 1, i, 1000));
        ASSERT(present(c, 1, i));
    }
    /* Releasing brings the usage back within budget, oldest released first. */
    for (uint64_t i = 0; i < 6; i++)
        block_cache_release(c, pinned[i]);
    ASSERT_EQ(block_cache_usage(c), 3000);
    ASSERT(!present(c, 1, 0));
    ASSERT(!present(c, 1, 2));
    ASSERT(present(c, 1, 3));
    ASSERT(present(c, 1, 5));
    /* A pin taken by lookup holds as well. */
    struct cached_block *b = block_cache_lookup(c, 1, 3);
    ASSERT(b);
    for (uint64_t i = 10; i < 20; i++)
        put(c, 1, i, 1000);
    ASSERT(block_ok(b, 1, 3, 1000));
    ASSERT(present(c, 1, 3));
    block_cache_release(c, b);
    block_cache_destroy(c);
}

TEST(block_cache_erase_file)
{
    struct block_cache *c;
    ASSERT_OK(block_cache_create(1 << 20, &c));
    for (uint64_t i = 0; i < 50; i++) {
        put(c, 7, i * 4096, 100);
        put(c, 8, i * 4096, 100);
    }
    struct cached_block *b = block_cache_lookup(c, 7, 0);
    ASSERT(b);
    block_cache_erase_file(c, 7);
    /* The pinned block stays readable, is no longer findable, and is freed at release. */
    ASSERT(block_ok(b, 7, 0, 100));
    ASSERT(!present(c, 7, 0));
    ASSERT(!present(c, 7, 4096));
    ASSERT(present(c, 8, 4096));
    ASSERT_EQ(block_cache_usage(c), 5100);
    block_cache_release(c, b);
    ASSERT_EQ(block_cache_usage(c), 5000);
    /* The key can be inserted again. */
    put(c, 7, 0, 100);
    ASSERT(present(c, 7, 0));
    block_cache_destroy(c);
}

TEST(block_cache_out_of_memory)
{
    struct block_cache *c;
    ASSERT_OK(block_cache_create(1 << 20, &c));
    uint8_t *d = make_block(1, 0, 64);
    mem_fail_after(1);
    ASSERT(block_cache_insert(c, 1, 0, d, 64) == NULL); /* d is freed (ASan checks). */
    mem_fail_after(0);
    ASSERT_EQ(block_cache_usage(c), 0);
    put(c, 1, 0, 64);
    /* Growing the hash table may fail (the third allocation of a put that
     * passes 64 entries): inserts still work with longer chains. */
    for (uint64_t i = 1; i < 2000; i++) {
        if (i >= 60 && i < 300)
            mem_fail_after(3);
        put(c, 1, i, 16);
        mem_fail_after(0);
    }
    for (uint64_t i = 0; i < 2000; i++)
        ASSERT(present(c, 1, i));
    block_cache_destroy(c);
    mem_fail_after(1);
    ASSERT_EQ(block_cache_create(1 << 20, &c), ERR_NOMEM);
    mem_fail_after(0);
}

struct worker {
    struct block_cache *c; /* Shared cache. */
    uint64_t seed;         /* This thread's random stream. */
    int bad;               /* Set when a block had the wrong contents. */
    uint64_t ops;          /* Operations done. */
};

static size_t block_len(uint64_t off)
{
    return 256 + (size_t)(hash_mix64(off) % 2500);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    uint64_t x = w->seed;
    struct cached_block *held[4] = {0};
    uint64_t held_off[4] = {0};
    for (int i = 0; i < 50000; i++) {
        x = hash_mix64(x + 1);
        uint64_t off = x % 3000;
        struct cached_block *b = block_cache_lookup(w->c, 1, off);
        if (!b)
            b = block_cache_insert(w->c, 1, off, make_block(1, off, block_len(off)),
                                   block_len(off));
        if (!b || !block_ok(b, 1, off, block_len(off))) {
            w->bad = 1;
            break;
        }
        /* Keep a few pinned for a while so eviction meets pins. */
        int slot = (int)(x >> 40) % 4;
        if (held[slot]) {
            if (!block_ok(held[slot], 1, held_off[slot], block_len(held_off[slot])))
                w->bad = 1;
            block_cache_release(w->c, held[slot]);
        }
        held[slot] = b;
        held_off[slot] = off;
        if (i % 5000 == 0)
            block_cache_erase_file(w->c, 2);
        w->ops++;
    }
    for (int s = 0; s < 4; s++)
        if (held[s])
            block_cache_release(w->c, held[s]);
    return NULL;
}

TEST(block_cache_concurrent_threads)
{
    struct block_cache *c;
    /* 2 MiB over 2 shards; the working set is about 4 MiB, so eviction is busy. */
    ASSERT_OK(block_cache_create(2u << 20, &c));
    uint64_t seed = test_seed();
    struct worker w[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (struct worker){c, seed + (uint64_t)i * 7919, 0, 0};
        ASSERT_EQ(pthread_create(&th[i], NULL, worker_main, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < 4; i++) {
        ASSERT_EQ(w[i].bad, 0);
        ASSERT_U64_EQ(w[i].ops, 50000);
    }
    ASSERT(block_cache_usage(c) <= (2u << 20));
    uint64_t hits, misses;
    block_cache_stats(c, &hits, &misses);
    ASSERT_U64_EQ(hits + misses, 200000);
    ASSERT(hits > 0 && misses > 0);
    fprintf(stderr, "  4 threads: %llu hits, %llu misses\n", (unsigned long long)hits,
            (unsigned long long)misses);
    block_cache_destroy(c);
}
