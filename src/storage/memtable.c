/*
 * memtable.c: the MemTable, a concurrent skiplist of user keys whose nodes
 * carry version chains and a row-lock owner (see memtable.h).
 *
 * Skiplist. It follows LevelDB's SkipList and RocksDB's InlineSkipList:
 * nothing is ever removed, so a reader walks the links with acquire loads and
 * needs no lock, and a writer inserts without one. An insert searches once,
 * remembering the predecessor and successor at every level (the splice), then
 * links the new node level by level from the bottom, each link a CAS on the
 * predecessor's pointer. A CAS that loses a race walks right from the same
 * predecessor (nodes never go away, so it is still before us) and tries again;
 * a racing insert of the same key is noticed at level 0, before our node is
 * visible anywhere, and the loser uses the winner's node. Heights are random
 * with branching 4 up to MT_MAX_HEIGHT, drawn from a per-thread xorshift so
 * writers share no RNG state.
 *
 * Version chains. Each node's chain is a singly linked list, newest first:
 * uncommitted versions (ts TS_UNCOMMITTED) at the head, then committed ones by
 * ts descending. Aborted versions stay where they are and everybody skips
 * them, so the ordering invariant is stated over committed versions only:
 * their ts strictly decrease down the chain, except that two committed
 * versions may share a ts when one transaction wrote a key twice and stamped
 * both; the one nearer the head (the later write) is then the only visible
 * one, for lookups and iterators alike. memtable_put() walks to its sorted
 * place (usually the head) and links there by CAS; a commit stamps its version
 * in place, which keeps the order because its ts is above every committed ts of
 * the key (the caller's promise, which the row lock makes true). A version's
 * state is written last with release order and read first with acquire order,
 * so a reader that sees "committed" also sees the ts.
 *
 * Memory. Nodes and versions come from a bump allocator owned by the MemTable:
 * 1 MiB chunks from mem_alloc(), shared by all writers through an atomic
 * fetch_add on the current chunk's offset; only opening a new chunk takes a
 * mutex. Key nodes and versions bump in separate chunks: searches touch only
 * nodes, and packing them densely, away from the values, cuts the cache and
 * TLB misses that dominate an insert or lookup once the MemTable outgrows the
 * caches (measured: about a third faster at 1M keys). Allocations above
 * MT_BIG_ALLOC get a chunk of their own so a big value does not waste the tail
 * of a shared chunk. Everything is freed at the last memtable_unref().
 */
#include "storage/memtable.h"

#include "base/coding.h"
#include "base/err.h"
#include "base/hash.h"
#include "base/mem.h"

#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>

#define MT_MAX_HEIGHT 12                  /* 4^12 = 16M keys before searches slow down. */
#define MT_CHUNK_SIZE (1u << 20)          /* Payload of a shared allocation chunk. */
#define MT_FIRST_CHUNK (4u << 10) /* Payload of a pool's first chunk; later ones double. */
#define MT_BIG_ALLOC  (MT_CHUNK_SIZE / 8) /* Larger requests get a chunk of their own. */

enum mt_state {
    MT_UNCOMMITTED = 0, /* Written by a transaction still running. */
    MT_COMMITTED = 1,   /* Visible at its ts. */
    MT_ABORTED = 2,     /* Invisible for good; stays in the chain. */
};

struct mt_version {
    _Atomic uint64_t ts;               /* Commit ts; TS_UNCOMMITTED until stamped. */
    _Atomic(struct mt_version *) next; /* Next older version, or NULL. */
    uint64_t txn_id;                   /* Writing transaction; 0 for memtable_put(). */
    uint32_t value_len;                /* Bytes of value. */
    _Atomic uint8_t state;             /* enum mt_state. */
    uint8_t kind;                      /* enum kv_kind. */
    uint8_t value[];                   /* The value bytes. */
};

/*
 * A key node is laid out as header, links, key bytes, then the row (struct
 * mt_row) at the next multiple of 8. A search reads only the links and the key,
 * so they come first and sit together: for short keys on one cache line.
 */
struct mt_node {
    uint16_t key_len;                 /* Bytes of key (KV_KEY_MAX fits). */
    uint8_t height;                   /* Levels this node is linked on. */
    _Atomic(struct mt_node *) next[]; /* height links; the key bytes follow them. */
};

struct mt_row {
    _Atomic(struct mt_version *) versions; /* Newest version, or NULL. */
    _Atomic uint64_t lock_owner;           /* Transaction holding the row lock; 0 = none. */
};

enum mt_pool {
    MT_POOL_NODES = 0,    /* Key nodes: what searches walk. */
    MT_POOL_VERSIONS = 1, /* Versions and their values. */
    MT_N_POOLS = 2,
};

struct mt_chunk {
    struct mt_chunk *prev; /* Older chunk of the same list, or NULL. */
    size_t cap;            /* Payload bytes. */
    _Atomic size_t off;    /* Next free payload byte; may run past cap when full. */
    max_align_t payload[]; /* The memory handed out. */
};

/*
 * The fields writers update on every insert sit on cache lines of their own,
 * apart from the read-mostly ones every search touches.
 */
struct memtable {
    uint64_t id;                                /* For messages. */
    struct mt_node *head;                       /* Sentinel with MT_MAX_HEIGHT links; no key. */
    _Atomic int height;                         /* Levels in use, 1..MT_MAX_HEIGHT. */
    char pad0_[64];                             /* Keeps the hot counters off the line above. */
    _Atomic(struct mt_chunk *) cur[MT_N_POOLS]; /* Chunk each pool bumps in; NULL at first. */
    _Atomic size_t reserved;                    /* Bytes of chunks held, headers included. */
    char pad1_[64];                 /* Keeps the counters below off the allocator's line. */
    _Atomic uint64_t n_versions;    /* Committed versions inserted or stamped. */
    _Atomic uint64_t max_ts;        /* Largest committed ts. */
    _Atomic uint64_t n_uncommitted; /* Uncommitted versions not yet committed or aborted. */
    _Atomic uint64_t refs;          /* References; the last unref frees. */
    pthread_mutex_t grow_lock;      /* Serialises opening chunks; guards big. */
    struct mt_chunk *big;           /* Chunks of single big allocations. */
};

/* ---- Allocation ---- */

static size_t round8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

/*
 * Opens a new chunk for pool unless another thread already replaced seen.
 * Chunks start small and double up to MT_CHUNK_SIZE, so that the many
 * MemTables of small tablets cost kilobytes, not megabytes.
 */
static int chunk_grow(struct memtable *mt, enum mt_pool pool, struct mt_chunk *seen, size_t need)
{
    int rc = 0;
    pthread_mutex_lock(&mt->grow_lock);
    if (atomic_load_explicit(&mt->cur[pool], memory_order_relaxed) == seen) {
        size_t cap = seen ? seen->cap * 2 : MT_FIRST_CHUNK;
        while (cap < need)
            cap *= 2;
        if (cap > MT_CHUNK_SIZE)
            cap = MT_CHUNK_SIZE;
        struct mt_chunk *c = mem_alloc(sizeof *c + cap);
        if (!c) {
            rc = ERR_NOMEM;
        } else {
            c->prev = seen;
            c->cap = cap;
            atomic_init(&c->off, 0);
            atomic_fetch_add_explicit(&mt->reserved, sizeof *c + cap, memory_order_relaxed);
            atomic_store_explicit(&mt->cur[pool], c, memory_order_release);
        }
    }
    pthread_mutex_unlock(&mt->grow_lock);
    return rc;
}

/* Returns size bytes aligned to 8 that live as long as mt, or NULL. Any thread. */
static void *mt_alloc(struct memtable *mt, enum mt_pool pool, size_t size)
{
    size = round8(size);
    if (size > MT_BIG_ALLOC) {
        struct mt_chunk *c = mem_alloc(sizeof *c + size);
        if (!c)
            return NULL;
        c->cap = size;
        atomic_init(&c->off, size);
        pthread_mutex_lock(&mt->grow_lock);
        c->prev = mt->big;
        mt->big = c;
        pthread_mutex_unlock(&mt->grow_lock);
        atomic_fetch_add_explicit(&mt->reserved, sizeof *c + size, memory_order_relaxed);
        return c->payload;
    }
    for (;;) {
        struct mt_chunk *c = atomic_load_explicit(&mt->cur[pool], memory_order_acquire);
        if (c) {
            size_t off = atomic_fetch_add_explicit(&c->off, size, memory_order_relaxed);
            if (off <= c->cap && c->cap - off >= size)
                return (char *)c->payload + off;
        }
        /* The chunk is full (its tail is given up) or there is none yet. */
        if (chunk_grow(mt, pool, c, size) != 0)
            return NULL;
    }
}

static void chunks_free(struct mt_chunk *c)
{
    while (c) {
        struct mt_chunk *prev = c->prev;
        mem_free(c);
        c = prev;
    }
}

/* ---- Skiplist ---- */

static inline uint8_t *node_key(struct mt_node *n)
{
    return (uint8_t *)&n->next[n->height];
}

static inline size_t node_len(size_t height, size_t key_len)
{
    return round8(offsetof(struct mt_node, next) + height * sizeof(struct mt_node *) + key_len);
}

static inline struct mt_row *node_row(struct mt_node *n)
{
    return (struct mt_row *)((char *)n + node_len(n->height, n->key_len));
}

/* A key being searched for, with its first 8 bytes as a big-endian number. */
struct mt_key {
    const uint8_t *key; /* Key bytes. */
    size_t len;         /* Their length. */
    uint64_t prefix;    /* First 8 bytes big-endian, when len >= 8. */
};

static inline struct mt_key mt_key_of(const uint8_t *key, size_t len)
{
    struct mt_key k = {key, len, len >= 8 ? be64_get(key) : 0};
    return k;
}

/*
 * Compares n's key with k. Most keys differ in their first 8 bytes, which one
 * integer compare settles (big-endian order is memcmp order); only ties and
 * short keys call memcmp.
 */
static inline int node_cmp(struct mt_node *n, const struct mt_key *k)
{
    const uint8_t *nk = node_key(n);
    if (n->key_len >= 8 && k->len >= 8) {
        uint64_t p = be64_get(nk);
        if (p != k->prefix)
            return p < k->prefix ? -1 : 1;
    }
    return kv_key_cmp(nk, n->key_len, k->key, k->len);
}

static inline struct mt_node *next_of(struct mt_node *n, int level)
{
    return atomic_load_explicit(&n->next[level], memory_order_acquire);
}

static _Thread_local uint64_t rng_state; /* This thread's xorshift state; 0 = unseeded. */
static _Atomic uint64_t rng_seq;         /* Makes the seeds of threads differ. */

/* Height of a new node: 1, then one more level with probability 1/4 each. */
static int random_height(void)
{
    uint64_t x = rng_state;
    if (x == 0) {
        uint64_t seq = atomic_fetch_add_explicit(&rng_seq, 1, memory_order_relaxed) + 1;
        x = hash_mix64((uint64_t)(uintptr_t)&rng_state ^ (seq * 0x9e3779b97f4a7c15ULL));
        if (x == 0)
            x = 1;
    }
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    rng_state = x;
    /* xorshift64*: the multiply spreads the state into the bits we test. */
    uint64_t r = x * 0x2545f4914f6cdd1dULL;
    int h = 1;
    r >>= 32;
    while (h < MT_MAX_HEIGHT && (r & 3) == 0) {
        h++;
        r >>= 2;
    }
    return h;
}

/*
 * Returns the first node with key >= key, or NULL. When prev/next are given,
 * fills the splice at every level: prev[i] is the last node before key on
 * level i (the head if none) and next[i] its successor there.
 */
static struct mt_node *find_ge(struct memtable *mt, const struct mt_key *k, struct mt_node **prev,
                               struct mt_node **next)
{
    struct mt_node *x = mt->head;
    int level = atomic_load_explicit(&mt->height, memory_order_relaxed) - 1;
    if (prev) {
        for (int i = MT_MAX_HEIGHT - 1; i > level; i--) {
            prev[i] = x;
            next[i] = NULL;
        }
    }
    struct mt_node *bigger = NULL; /* Known >= key: skips a repeated compare on the way down. */
    for (;;) {
        struct mt_node *n = next_of(x, level);
        /* Start loading where a step down from x would lead while n is being
         * compared: two cache misses in flight instead of one after the other
         * (about 15% off a search in a MemTable larger than the caches). */
        if (level > 0) {
            struct mt_node *down = next_of(x, level - 1);
            if (down != n)
                __builtin_prefetch(down);
        }
        if (n && n != bigger && node_cmp(n, k) < 0) {
            x = n;
            continue;
        }
        if (prev) {
            prev[level] = x;
            next[level] = n;
        }
        if (level == 0)
            return n;
        bigger = n;
        level--;
    }
}

/* Returns the last node with key < key, or the head if none. */
static struct mt_node *find_lt(struct memtable *mt, const struct mt_key *k)
{
    struct mt_node *prev[MT_MAX_HEIGHT], *next[MT_MAX_HEIGHT];
    find_ge(mt, k, prev, next);
    return prev[0];
}

/* Returns the last node, or the head if the list is empty. */
static struct mt_node *find_last(struct memtable *mt)
{
    struct mt_node *x = mt->head;
    int level = atomic_load_explicit(&mt->height, memory_order_relaxed) - 1;
    for (;;) {
        struct mt_node *n = next_of(x, level);
        if (n) {
            x = n;
            continue;
        }
        if (level == 0)
            return x;
        level--;
    }
}

/* The node of key, or NULL. */
static struct mt_node *find_eq(struct memtable *mt, const uint8_t *key, size_t key_len)
{
    struct mt_key k = mt_key_of(key, key_len);
    struct mt_node *n = find_ge(mt, &k, NULL, NULL);
    return n && node_cmp(n, &k) == 0 ? n : NULL;
}

/*
 * Allocates an unlinked node for key whose chain starts with first (may be
 * NULL) and whose lock is held by owner (0 = none). Returns NULL when out of
 * memory.
 */
static struct mt_node *node_new(struct memtable *mt, const uint8_t *key, size_t key_len,
                                struct mt_version *first, uint64_t owner)
{
    int h = random_height();
    size_t len = node_len((size_t)h, key_len) + sizeof(struct mt_row);
    struct mt_node *n = mt_alloc(mt, MT_POOL_NODES, len);
    if (!n)
        return NULL;
    n->key_len = (uint16_t)key_len;
    n->height = (uint8_t)h;
    if (key_len)
        memcpy(node_key(n), key, key_len);
    struct mt_row *row = node_row(n);
    atomic_init(&row->versions, first);
    atomic_init(&row->lock_owner, owner);
    return n;
}

/*
 * Links n into the list using the splice from find_ge(). Returns n, or the
 * node of the same key that another thread linked first (n is then dropped).
 */
static struct mt_node *node_link(struct memtable *mt, struct mt_node *n, struct mt_node **prev,
                                 struct mt_node **next)
{
    int h = n->height;
    struct mt_key k = mt_key_of(node_key(n), n->key_len);
    int cur = atomic_load_explicit(&mt->height, memory_order_relaxed);
    while (h > cur && !atomic_compare_exchange_weak_explicit(
                          &mt->height, &cur, h, memory_order_relaxed, memory_order_relaxed)) {
    }
    for (int i = 0; i < h; i++) {
        for (;;) {
            atomic_store_explicit(&n->next[i], next[i], memory_order_relaxed);
            struct mt_node *expect = next[i];
            /* Release: the node's key, links and first version are visible to
             * whoever finds it through this pointer. */
            if (atomic_compare_exchange_strong_explicit(&prev[i]->next[i], &expect, n,
                                                        memory_order_release, memory_order_relaxed))
                break;
            /* Lost a race at this level: walk right from the same predecessor. */
            struct mt_node *x = prev[i];
            struct mt_node *y;
            while ((y = next_of(x, i)) != NULL && node_cmp(y, &k) < 0)
                x = y;
            prev[i] = x;
            next[i] = y;
            if (i == 0 && y && node_cmp(y, &k) == 0)
                return y;
        }
    }
    return n;
}

/* ---- Version chains ---- */

static inline uint8_t state_of(struct mt_version *v)
{
    return atomic_load_explicit(&v->state, memory_order_acquire);
}

static inline uint64_t ts_of(struct mt_version *v)
{
    return atomic_load_explicit(&v->ts, memory_order_relaxed);
}

static inline struct mt_version *older(struct mt_version *v)
{
    return atomic_load_explicit(&v->next, memory_order_acquire);
}

static inline struct mt_version *chain_head(struct mt_node *n)
{
    return atomic_load_explicit(&node_row(n)->versions, memory_order_acquire);
}

/*
 * The first committed version from v on with ts <= limit. Being the first of
 * its ts, it is the visible one of any versions sharing that ts.
 */
static struct mt_version *committed_at_most(struct mt_version *v, uint64_t limit)
{
    for (; v; v = older(v)) {
        if (state_of(v) == MT_COMMITTED && ts_of(v) <= limit)
            return v;
    }
    return NULL;
}

/* The visible version of node n just older than v (NULL if v is its last). */
static struct mt_version *chain_after(struct mt_version *v)
{
    uint64_t ts = ts_of(v);
    return ts == 0 ? NULL : committed_at_most(older(v), ts - 1);
}

/*
 * The visible version of n just newer than one at ts, or NULL, by a rescan
 * from the head: O(chain length). The iterator's fallback when it cannot
 * allocate a snapshot of the chain.
 */
static struct mt_version *chain_before(struct mt_node *n, uint64_t ts)
{
    struct mt_version *best = NULL;
    for (struct mt_version *v = chain_head(n); v; v = older(v)) {
        if (state_of(v) != MT_COMMITTED)
            continue;
        uint64_t t = ts_of(v);
        if (t <= ts)
            break;
        if (!best || t < ts_of(best))
            best = v;
    }
    return best;
}

/* The oldest visible version of n (the first of the smallest ts), or NULL; a fallback too. */
static struct mt_version *chain_last(struct mt_node *n)
{
    struct mt_version *best = NULL;
    for (struct mt_version *v = chain_head(n); v; v = older(v)) {
        if (state_of(v) == MT_COMMITTED && (!best || ts_of(v) < ts_of(best)))
            best = v;
    }
    return best;
}

static size_t version_size(size_t value_len)
{
    return round8(sizeof(struct mt_version) + value_len);
}

/* Fills a version in memory from mt_alloc(); it is not linked yet. */
static struct mt_version *version_init(void *mem, uint64_t ts, uint8_t state, uint64_t txn_id,
                                       uint8_t kind, const uint8_t *value, size_t value_len)
{
    struct mt_version *v = mem;
    atomic_init(&v->ts, ts);
    atomic_init(&v->next, NULL);
    v->txn_id = txn_id;
    v->value_len = (uint32_t)value_len;
    atomic_init(&v->state, state);
    v->kind = kind;
    if (value_len)
        memcpy(v->value, value, value_len);
    return v;
}

static void entry_of(struct mt_node *n, struct mt_version *v, struct kv_entry *out)
{
    out->key = node_key(n);
    out->key_len = n->key_len;
    out->ts = ts_of(v);
    out->kind = v->kind;
    out->value = v->kind == KV_DELETE ? NULL : v->value;
    out->value_len = v->kind == KV_DELETE ? 0 : v->value_len;
}

static void max_ts_raise(struct memtable *mt, uint64_t ts)
{
    uint64_t cur = atomic_load_explicit(&mt->max_ts, memory_order_relaxed);
    while (cur < ts && !atomic_compare_exchange_weak_explicit(
                           &mt->max_ts, &cur, ts, memory_order_relaxed, memory_order_relaxed)) {
    }
}

static int check_sizes(struct memtable *mt, size_t key_len, size_t value_len)
{
    if (key_len > KV_KEY_MAX)
        return err_set(ERR_TOO_BIG, "memtable %llu: key of %zu bytes is over the limit of %u",
                       (unsigned long long)mt->id, key_len, KV_KEY_MAX);
    if (value_len > KV_VALUE_MAX)
        return err_set(ERR_TOO_BIG, "memtable %llu: value of %zu bytes is over the limit of %u",
                       (unsigned long long)mt->id, value_len, KV_VALUE_MAX);
    return 0;
}

static int check_kind(struct memtable *mt, uint8_t kind)
{
    if (kind != KV_PUT && kind != KV_DELETE)
        return err_set(ERR_INVALID, "memtable %llu: version kind %u is neither put nor delete",
                       (unsigned long long)mt->id, kind);
    return 0;
}

/* ---- Life cycle ---- */

int memtable_create(uint64_t id, struct memtable **out)
{
    size_t head_len = node_len(MT_MAX_HEIGHT, 0) + sizeof(struct mt_row);
    struct memtable *mt = mem_calloc(1, sizeof *mt + head_len);
    if (!mt)
        return err_set(ERR_NOMEM, "memtable %llu: out of memory", (unsigned long long)id);
    mt->id = id;
    mt->head = (struct mt_node *)(mt + 1);
    mt->head->height = MT_MAX_HEIGHT;
    for (int i = 0; i < MT_MAX_HEIGHT; i++)
        atomic_init(&mt->head->next[i], NULL);
    atomic_init(&node_row(mt->head)->versions, NULL);
    atomic_init(&node_row(mt->head)->lock_owner, 0);
    atomic_init(&mt->height, 1);
    for (int i = 0; i < MT_N_POOLS; i++)
        atomic_init(&mt->cur[i], NULL);
    atomic_init(&mt->reserved, 0);
    atomic_init(&mt->n_versions, 0);
    atomic_init(&mt->max_ts, 0);
    atomic_init(&mt->n_uncommitted, 0);
    atomic_init(&mt->refs, 1);
    pthread_mutex_init(&mt->grow_lock, NULL);
    mt->big = NULL;
    *out = mt;
    return 0;
}

void memtable_ref(struct memtable *mt)
{
    atomic_fetch_add_explicit(&mt->refs, 1, memory_order_relaxed);
}

void memtable_unref(struct memtable *mt)
{
    if (!mt)
        return;
    /* acq_rel: every thread's writes happen before the free. */
    if (atomic_fetch_sub_explicit(&mt->refs, 1, memory_order_acq_rel) != 1)
        return;
    for (int i = 0; i < MT_N_POOLS; i++)
        chunks_free(atomic_load_explicit(&mt->cur[i], memory_order_relaxed));
    chunks_free(mt->big);
    pthread_mutex_destroy(&mt->grow_lock);
    mem_free(mt);
}

/* ---- Writes ---- */

int memtable_put(struct memtable *mt, const uint8_t *key, size_t key_len, uint64_t ts, uint8_t kind,
                 const uint8_t *value, size_t value_len)
{
    int rc = check_sizes(mt, key_len, value_len);
    if (rc == 0)
        rc = check_kind(mt, kind);
    if (rc != 0)
        return rc;
    if (ts > TS_MAX)
        return err_set(ERR_INVALID, "memtable %llu: committed version with ts %llu",
                       (unsigned long long)mt->id, (unsigned long long)ts);
    if (kind == KV_DELETE)
        value_len = 0; /* A tombstone has no value; lookups hand out NULL. */

    struct mt_node *prev[MT_MAX_HEIGHT], *next[MT_MAX_HEIGHT];
    struct mt_version *v = NULL;
    struct mt_key k = mt_key_of(key, key_len);
    struct mt_node *n = find_ge(mt, &k, prev, next);
    if (!n || node_cmp(n, &k) != 0) {
        /* A new key: the node is born with its first version. */
        void *mem = mt_alloc(mt, MT_POOL_VERSIONS, version_size(value_len));
        if (!mem)
            goto nomem;
        v = version_init(mem, ts, MT_COMMITTED, 0, kind, value, value_len);
        struct mt_node *nn = node_new(mt, key, key_len, v, 0);
        if (!nn)
            goto nomem;
        n = node_link(mt, nn, prev, next);
        if (n == nn)
            goto inserted;
        /* Another thread linked the key first: add v to its chain below. */
    }

    /* Walk to the first committed version older than ts, past uncommitted and
     * aborted ones, and link there. A lost CAS resumes from the same link. */
    _Atomic(struct mt_version *) *link = &node_row(n)->versions;
    struct mt_version *cur = atomic_load_explicit(link, memory_order_acquire);
    for (;;) {
        while (cur) {
            if (state_of(cur) == MT_COMMITTED) {
                uint64_t t = ts_of(cur);
                if (t == ts)
                    return 0; /* Already there: replay is idempotent. */
                if (t < ts)
                    break;
            }
            link = &cur->next;
            cur = older(cur);
        }
        if (!v) {
            void *mem = mt_alloc(mt, MT_POOL_VERSIONS, version_size(value_len));
            if (!mem)
                goto nomem;
            v = version_init(mem, ts, MT_COMMITTED, 0, kind, value, value_len);
        }
        atomic_store_explicit(&v->next, cur, memory_order_relaxed);
        if (atomic_compare_exchange_strong_explicit(link, &cur, v, memory_order_release,
                                                    memory_order_acquire))
            break;
    }

inserted:
    atomic_fetch_add_explicit(&mt->n_versions, 1, memory_order_relaxed);
    max_ts_raise(mt, ts);
    return 0;

nomem:
    return err_set(ERR_NOMEM, "memtable %llu: out of memory for a version of %zu bytes",
                   (unsigned long long)mt->id, key_len + value_len);
}

int memtable_put_uncommitted(struct memtable *mt, const uint8_t *key, size_t key_len,
                             uint64_t txn_id, uint8_t kind, const uint8_t *value, size_t value_len,
                             struct mt_version **out)
{
    int rc = check_sizes(mt, key_len, value_len);
    if (rc == 0)
        rc = check_kind(mt, kind);
    if (rc != 0)
        return rc;
    assert(txn_id != 0);
    if (kind == KV_DELETE)
        value_len = 0;

    struct mt_node *prev[MT_MAX_HEIGHT], *next[MT_MAX_HEIGHT];
    struct mt_version *v = NULL;
    struct mt_key k = mt_key_of(key, key_len);
    struct mt_node *n = find_ge(mt, &k, prev, next);
    void *mem = mt_alloc(mt, MT_POOL_VERSIONS, version_size(value_len));
    if (!mem)
        goto nomem;
    v = version_init(mem, TS_UNCOMMITTED, MT_UNCOMMITTED, txn_id, kind, value, value_len);
    if (!n || node_cmp(n, &k) != 0) {
        struct mt_node *nn = node_new(mt, key, key_len, v, 0);
        if (!nn)
            goto nomem;
        n = node_link(mt, nn, prev, next);
        if (n == nn)
            goto inserted;
    }
    /* Uncommitted versions always go to the head. */
    _Atomic(struct mt_version *) *link = &node_row(n)->versions;
    struct mt_version *head = atomic_load_explicit(link, memory_order_acquire);
    do {
        atomic_store_explicit(&v->next, head, memory_order_relaxed);
    } while (!atomic_compare_exchange_weak_explicit(link, &head, v, memory_order_release,
                                                    memory_order_acquire));

inserted:
    atomic_fetch_add_explicit(&mt->n_uncommitted, 1, memory_order_relaxed);
    *out = v;
    return 0;

nomem:
    return err_set(ERR_NOMEM, "memtable %llu: out of memory for a version of %zu bytes",
                   (unsigned long long)mt->id, key_len + value_len);
}

void memtable_commit_version(struct memtable *mt, struct mt_version *v, uint64_t ts)
{
    assert(ts <= TS_MAX);
    /* Only the owning transaction moves its version out of "uncommitted", so
     * nothing races with this check. */
    if (atomic_load_explicit(&v->state, memory_order_relaxed) != MT_UNCOMMITTED) {
        assert(!"memtable_commit_version: version is not uncommitted");
        return;
    }
#ifndef NDEBUG
    /* The caller's promise that keeps the chain sorted: nothing committed
     * below v is at or above ts, but v's own transaction's earlier writes. */
    for (struct mt_version *w = older(v); w; w = older(w)) {
        if (state_of(w) == MT_COMMITTED) {
            assert(ts_of(w) < ts || (ts_of(w) == ts && w->txn_id == v->txn_id));
            break;
        }
    }
#endif
    atomic_store_explicit(&v->ts, ts, memory_order_relaxed);
    /* Release: a reader that sees "committed" sees the ts too. */
    atomic_store_explicit(&v->state, MT_COMMITTED, memory_order_release);
    atomic_fetch_sub_explicit(&mt->n_uncommitted, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&mt->n_versions, 1, memory_order_relaxed);
    max_ts_raise(mt, ts);
}

void memtable_abort_version(struct memtable *mt, struct mt_version *v)
{
    if (atomic_load_explicit(&v->state, memory_order_relaxed) != MT_UNCOMMITTED) {
        assert(!"memtable_abort_version: version is not uncommitted");
        return;
    }
    atomic_store_explicit(&v->state, MT_ABORTED, memory_order_release);
    atomic_fetch_sub_explicit(&mt->n_uncommitted, 1, memory_order_relaxed);
}

/* ---- Row locks ---- */

int memtable_lock_row(struct memtable *mt, const uint8_t *key, size_t key_len, uint64_t txn_id,
                      uint64_t *holder)
{
    assert(txn_id != 0);
    int rc = check_sizes(mt, key_len, 0);
    if (rc != 0)
        return rc;
    struct mt_node *prev[MT_MAX_HEIGHT], *next[MT_MAX_HEIGHT];
    struct mt_key k = mt_key_of(key, key_len);
    struct mt_node *n = find_ge(mt, &k, prev, next);
    if (!n || node_cmp(n, &k) != 0) {
        /* Born locked: nobody can see the node before we own it. */
        struct mt_node *nn = node_new(mt, key, key_len, NULL, txn_id);
        if (!nn)
            return err_set(ERR_NOMEM, "memtable %llu: out of memory for a row lock",
                           (unsigned long long)mt->id);
        n = node_link(mt, nn, prev, next);
        if (n == nn)
            return 0;
    }
    uint64_t owner = 0;
    if (atomic_compare_exchange_strong_explicit(&node_row(n)->lock_owner, &owner, txn_id,
                                                memory_order_acq_rel, memory_order_acquire))
        return 0;
    if (owner == txn_id)
        return 0;
    if (holder)
        *holder = owner;
    return err_set(ERR_LOCKED, "memtable %llu: row locked by transaction %llu",
                   (unsigned long long)mt->id, (unsigned long long)owner);
}

void memtable_unlock_row(struct memtable *mt, const uint8_t *key, size_t key_len, uint64_t txn_id)
{
    struct mt_node *n = find_eq(mt, key, key_len);
    if (!n)
        return;
    uint64_t owner = txn_id;
    atomic_compare_exchange_strong_explicit(&node_row(n)->lock_owner, &owner, 0,
                                            memory_order_release, memory_order_relaxed);
}

/* ---- Reads ---- */

int memtable_get(struct memtable *mt, const uint8_t *key, size_t key_len, uint64_t snap_ts,
                 uint64_t txn_id, struct kv_entry *out)
{
    /* ERR_NOT_FOUND is an ordinary answer on the read path: no message. */
    struct mt_node *n = find_eq(mt, key, key_len);
    if (!n)
        return ERR_NOT_FOUND;
    for (struct mt_version *v = chain_head(n); v; v = older(v)) {
        uint8_t st = state_of(v);
        if (st == MT_COMMITTED) {
            if (ts_of(v) <= snap_ts) {
                entry_of(n, v, out);
                return 0;
            }
        } else if (st == MT_UNCOMMITTED && txn_id != 0 && v->txn_id == txn_id) {
            /* The transaction's own write, newest first, before anything committed. */
            entry_of(n, v, out);
            return 0;
        }
    }
    return ERR_NOT_FOUND;
}

int memtable_latest_ts(struct memtable *mt, const uint8_t *key, size_t key_len, uint64_t *ts)
{
    struct mt_node *n = find_eq(mt, key, key_len);
    struct mt_version *v = n ? committed_at_most(chain_head(n), TS_MAX) : NULL;
    if (!v)
        return ERR_NOT_FOUND;
    *ts = ts_of(v);
    return 0;
}

uint64_t memtable_n_uncommitted(const struct memtable *mt)
{
    return atomic_load_explicit(&((struct memtable *)mt)->n_uncommitted, memory_order_relaxed);
}

size_t memtable_memory(const struct memtable *mt)
{
    return atomic_load_explicit(&((struct memtable *)mt)->reserved, memory_order_relaxed);
}

uint64_t memtable_n_versions(const struct memtable *mt)
{
    return atomic_load_explicit(&((struct memtable *)mt)->n_versions, memory_order_relaxed);
}

uint64_t memtable_max_ts(const struct memtable *mt)
{
    return atomic_load_explicit(&((struct memtable *)mt)->max_ts, memory_order_relaxed);
}

/* ---- Iterator ---- */

/*
 * Positions are (node, version) with the version committed and visible; v ==
 * NULL means not valid. Going forward within a chain follows the links to the
 * next smaller ts. Chains have no back links, so going back within one uses a
 * snapshot of the node's visible versions, newest first, taken when the walk
 * first goes back into that node (O(chain) once, then a binary search per
 * step, where rescanning the chain at every step would make a reverse walk of a
 * hot row quadratic); if the snapshot cannot be allocated, the step rescans the
 * chain instead, so moves never fail. A version inserted after the snapshot
 * may be missed, which the interface allows. Going back across keys searches
 * for the predecessor from the top of the skiplist, as LevelDB does.
 */
struct mt_iter {
    struct kv_iter base;       /* Must come first. */
    struct memtable *mt;       /* Referenced until destroy. */
    struct mt_node *node;      /* Key of the current version. */
    struct mt_version *v;      /* Current version; NULL = not valid. */
    struct mt_node *snap_node; /* Node whose visible versions snap holds; NULL = none. */
    struct mt_version **snap;  /* Those versions, ts strictly descending. */
    size_t n_snap;             /* Entries in snap. */
    size_t snap_cap;           /* Room in snap. */
};

/* Takes the snapshot of n's visible versions. Returns 0 or ERR_NOMEM. */
static int snap_build(struct mt_iter *it, struct mt_node *n)
{
    it->snap_node = NULL;
    it->n_snap = 0;
    uint64_t last = 0;
    for (struct mt_version *v = chain_head(n); v; v = older(v)) {
        if (state_of(v) != MT_COMMITTED)
            continue;
        uint64_t t = ts_of(v);
        if (it->n_snap && t >= last)
            continue; /* Hidden behind a newer version of the same ts. */
        if (it->n_snap == it->snap_cap) {
            size_t cap = it->snap_cap ? it->snap_cap * 2 : 16;
            struct mt_version **p = mem_realloc(it->snap, cap * sizeof *p);
            if (!p)
                return ERR_NOMEM;
            it->snap = p;
            it->snap_cap = cap;
        }
        it->snap[it->n_snap++] = v;
        last = t;
    }
    it->snap_node = n;
    return 0;
}

/* The visible version of n just newer than one at ts, or NULL. */
static struct mt_version *version_before(struct mt_iter *it, struct mt_node *n, uint64_t ts)
{
    if (it->snap_node != n && snap_build(it, n) != 0)
        return chain_before(n, ts);
    size_t lo = 0, hi = it->n_snap; /* Finds the first entry with ts <= ts. */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ts_of(it->snap[mid]) > ts)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? it->snap[lo - 1] : NULL;
}

/* The oldest visible version of n, or NULL. */
static struct mt_version *version_last(struct mt_iter *it, struct mt_node *n)
{
    if (it->snap_node != n && snap_build(it, n) != 0)
        return chain_last(n);
    return it->n_snap ? it->snap[it->n_snap - 1] : NULL;
}

/* Settles on v of n, or on the first visible version after node n. */
static void forward_from(struct mt_iter *it, struct mt_node *n, struct mt_version *v)
{
    while (n && !v) {
        n = next_of(n, 0);
        if (n)
            v = committed_at_most(chain_head(n), TS_MAX);
    }
    it->node = n;
    it->v = v;
}

/* Settles on v of n, or on the last visible version before node n. */
static void backward_from(struct mt_iter *it, struct mt_node *n, struct mt_version *v)
{
    struct memtable *mt = it->mt;
    while (n != mt->head && !v) {
        struct mt_key k = mt_key_of(node_key(n), n->key_len);
        n = find_lt(mt, &k);
        if (n != mt->head)
            v = version_last(it, n);
    }
    it->node = n == mt->head ? NULL : n;
    it->v = n == mt->head ? NULL : v;
}

static int iter_seek(struct kv_iter *base, const uint8_t *key, size_t key_len, uint64_t ts)
{
    struct mt_iter *it = (struct mt_iter *)base;
    it->snap_node = NULL; /* A new position sees the chains as they are now. */
    struct mt_key k = mt_key_of(key, key_len);
    struct mt_node *n = find_ge(it->mt, &k, NULL, NULL);
    struct mt_version *v = NULL;
    if (n) {
        uint64_t limit = node_cmp(n, &k) == 0 ? ts : TS_MAX;
        v = committed_at_most(chain_head(n), limit);
    }
    forward_from(it, n, v);
    return 0;
}

static int iter_seek_first(struct kv_iter *base)
{
    struct mt_iter *it = (struct mt_iter *)base;
    it->snap_node = NULL;
    forward_from(it, it->mt->head, NULL);
    return 0;
}

static int iter_seek_last(struct kv_iter *base)
{
    struct mt_iter *it = (struct mt_iter *)base;
    it->snap_node = NULL;
    struct mt_node *n = find_last(it->mt);
    backward_from(it, n, n == it->mt->head ? NULL : version_last(it, n));
    return 0;
}

static int iter_next(struct kv_iter *base)
{
    struct mt_iter *it = (struct mt_iter *)base;
    if (it->v)
        forward_from(it, it->node, chain_after(it->v));
    return 0;
}

static int iter_prev(struct kv_iter *base)
{
    struct mt_iter *it = (struct mt_iter *)base;
    if (it->v)
        backward_from(it, it->node, version_before(it, it->node, ts_of(it->v)));
    return 0;
}

static int iter_valid(const struct kv_iter *base)
{
    return ((const struct mt_iter *)base)->v != NULL;
}

static void iter_entry(const struct kv_iter *base, struct kv_entry *out)
{
    const struct mt_iter *it = (const struct mt_iter *)base;
    assert(it->v);
    entry_of(it->node, it->v, out);
}

static void iter_destroy(struct kv_iter *base)
{
    struct mt_iter *it = (struct mt_iter *)base;
    memtable_unref(it->mt);
    mem_free(it->snap);
    mem_free(it);
}

static const struct kv_iter_ops mt_iter_ops = {
    .seek = iter_seek,
    .seek_first = iter_seek_first,
    .seek_last = iter_seek_last,
    .next = iter_next,
    .prev = iter_prev,
    .valid = iter_valid,
    .entry = iter_entry,
    .destroy = iter_destroy,
};

int memtable_iter_create(struct memtable *mt, struct kv_iter **out)
{
    struct mt_iter *it = mem_alloc(sizeof *it);
    if (!it)
        return err_set(ERR_NOMEM, "memtable %llu: out of memory for an iterator",
                       (unsigned long long)mt->id);
    it->base.ops = &mt_iter_ops;
    it->mt = mt;
    it->node = NULL;
    it->v = NULL;
    it->snap_node = NULL;
    it->snap = NULL;
    it->n_snap = 0;
    it->snap_cap = 0;
    memtable_ref(mt);
    *out = &it->base;
    return 0;
}
