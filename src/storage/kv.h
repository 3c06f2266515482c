/*
 * kv.h: the vocabulary shared by every part of the tablet store: versions of
 * keys, their order, the limits on their size, and the iterator interface that
 * MemTables, SSTables and merging iterators all implement.
 *
 * A version is (user key, timestamp, kind, value). Versions are ordered by
 * user key ascending (memcmp, shorter prefix first), then timestamp
 * DEscending, so that a forward walk meets the newest version of a key first.
 * This is the "internal order" used by MemTables, SSTables and merges.
 */
#ifndef ATOLL_STORAGE_KV_H
#define ATOLL_STORAGE_KV_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define KV_KEY_MAX (16u * 1024u)           /* Longest user key accepted. */
#define KV_VALUE_MAX (16u * 1024u * 1024u) /* Longest value accepted. */

#define TS_MAX (UINT64_MAX - 1) /* Largest commit timestamp; a snapshot at TS_MAX sees everything committed. */
#define TS_UNCOMMITTED UINT64_MAX /* Timestamp of a version not yet committed. */

enum kv_kind {
    KV_PUT = 1,    /* The key has this value from ts on. */
    KV_DELETE = 2, /* The key is absent from ts on (a tombstone). */
};

/* One version, as iterators and lookups hand it out. Pointers are borrowed. */
struct kv_entry {
    const uint8_t *key;   /* User key. */
    size_t key_len;       /* Its length. */
    uint64_t ts;          /* Commit timestamp. */
    uint8_t kind;         /* enum kv_kind. */
    const uint8_t *value; /* Value (NULL/0 for a tombstone). */
    size_t value_len;     /* Its length. */
};

/* memcmp order of byte strings, a proper prefix first. */
static inline int kv_key_cmp(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
    size_t n = a_len < b_len ? a_len : b_len;
    int c = n ? memcmp(a, b, n) : 0;
    if (c)
        return c;
    return a_len < b_len ? -1 : a_len > b_len ? 1 : 0;
}

/* Internal order: key ascending, then ts descending. */
static inline int kv_internal_cmp(const uint8_t *a, size_t a_len, uint64_t a_ts,
                                  const uint8_t *b, size_t b_len, uint64_t b_ts)
{
    int c = kv_key_cmp(a, a_len, b, b_len);
    if (c)
        return c;
    return a_ts > b_ts ? -1 : a_ts < b_ts ? 1 : 0;
}

/*
 * An iterator over versions in internal order. Implementations embed struct
 * kv_iter first. Moves return 0 or an ERR_* code (ERR_CORRUPT, ERR_IO, ...);
 * after an error the iterator is not valid. The entry returned by entry() is
 * valid until the next move or destroy.
 */
struct kv_iter;
struct kv_iter_ops {
    /* Positions at the first version >= (key, ts) in internal order. */
    int (*seek)(struct kv_iter *it, const uint8_t *key, size_t key_len, uint64_t ts);
    int (*seek_first)(struct kv_iter *it);
    /* Positions at the last version. */
    int (*seek_last)(struct kv_iter *it);
    int (*next)(struct kv_iter *it);
    int (*prev)(struct kv_iter *it);
    int (*valid)(const struct kv_iter *it);
    void (*entry)(const struct kv_iter *it, struct kv_entry *out);
    void (*destroy)(struct kv_iter *it);
};

struct kv_iter {
    const struct kv_iter_ops *ops; /* The implementation. */
};

static inline int kv_iter_seek(struct kv_iter *it, const uint8_t *k, size_t n, uint64_t ts)
{
    return it->ops->seek(it, k, n, ts);
}
static inline int kv_iter_seek_first(struct kv_iter *it) { return it->ops->seek_first(it); }
static inline int kv_iter_seek_last(struct kv_iter *it) { return it->ops->seek_last(it); }
static inline int kv_iter_next(struct kv_iter *it) { return it->ops->next(it); }
static inline int kv_iter_prev(struct kv_iter *it) { return it->ops->prev(it); }
static inline int kv_iter_valid(const struct kv_iter *it) { return it->ops->valid(it); }
static inline void kv_iter_entry(const struct kv_iter *it, struct kv_entry *e) { it->ops->entry(it, e); }
static inline void kv_iter_destroy(struct kv_iter *it)
{
    if (it)
        it->ops->destroy(it);
}

#endif
