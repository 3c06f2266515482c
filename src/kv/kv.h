/*
 * kv.h: the key-value interface that txn/ uses to reach the tablets.
 *
 * A struct kv is a table of functions over "the node's tablets": create, drop
 * and probe tablets, read the version of a key at a snapshot, scan a range,
 * write an atomic batch at a commit timestamp, pin snapshots, and report the
 * largest committed timestamp. kv_local_create() implements it over the local
 * tablet store (a cluster of one); a distributed router that finds each
 * tablet's leader and retries on moves will implement the same table later, so
 * nothing above this layer knows how many nodes there are (DESIGN.md section 3).
 *
 * The vocabulary (timestamps TS_MAX, key and value limits KV_KEY_MAX and
 * KV_VALUE_MAX, enum kv_kind, kv_key_cmp) is storage/kv.h's, included here:
 * it is the system's one definition of versions and key order, and has no
 * functions. Layers above use it through this header.
 *
 * Thread safety: every function may be called from any thread concurrently,
 * except destroy; a scan and a batch are used by one thread at a time.
 */
#ifndef ATOLL_KV_KV_H
#define ATOLL_KV_KV_H

#include "base/buf.h"
#include "storage/kv.h"

#include <stddef.h>
#include <stdint.h>

struct kv;
struct kv_ops;
struct kv_snapshot; /* A pinned snapshot (the implementation's). */

/* An open range scan. Implementations embed it first. */
struct kv_scan {
    const struct kv_ops *ops; /* The implementation that opened it. */
};

/* An atomic write batch being built. Implementations embed it first. */
struct kv_batch {
    const struct kv_ops *ops; /* The implementation that created it. */
};

struct kv_ops {
    /* Creates an empty tablet durably: 0 or ERR_EXISTS, ERR_IO ... */
    int (*tablet_create)(struct kv *kv, uint64_t tablet_id);
    /* Drops a tablet and its data durably: 0 or ERR_NOT_FOUND ... */
    int (*tablet_drop)(struct kv *kv, uint64_t tablet_id);
    /* 0 if the tablet exists, else ERR_NOT_FOUND. */
    int (*tablet_exists)(struct kv *kv, uint64_t tablet_id);

    /*
     * The newest version of key at or below snap_ts, tombstones included: 0
     * with *ts and *kind set (value replaced by the value of a put, emptied
     * for a tombstone), ERR_NOT_FOUND if there is none, or ERR_CORRUPT,
     * ERR_IO, ERR_NOMEM. With snap_ts = TS_MAX: the key's newest version.
     */
    int (*get_version)(struct kv *kv, uint64_t tablet_id, const void *key, size_t key_len,
                       uint64_t snap_ts, uint64_t *ts, uint8_t *kind, struct buf *value);

    /*
     * Opens a scan of the visible keys of tablet at snap_ts in [start, end)
     * (end NULL = no upper bound), forward, or backward from the last key
     * below end when reverse is set; limit 0 = no limit.
     */
    int (*scan_open)(struct kv *kv, uint64_t tablet_id, const void *start, size_t start_len,
                     const void *end, size_t end_len, uint64_t snap_ts, int reverse, uint64_t limit,
                     struct kv_scan **out);
    /* Next key: 0 with key and value (valid until the next call or close), ERR_NOT_FOUND at the
     * end, or an error. */
    int (*scan_next)(struct kv_scan *sc, const uint8_t **key, size_t *key_len,
                     const uint8_t **value, size_t *value_len);
    void (*scan_close)(struct kv_scan *sc);

    /* A new empty batch: 0 or ERR_NOMEM. */
    int (*batch_create)(struct kv *kv, struct kv_batch **out);
    /*
     * Adds a put or a delete. Errors (too long a key or value, no memory) are
     * sticky and reported by write, as storage's batches do.
     */
    void (*batch_put)(struct kv_batch *b, uint64_t tablet_id, const void *key, size_t key_len,
                      const void *value, size_t value_len);
    void (*batch_delete)(struct kv_batch *b, uint64_t tablet_id, const void *key, size_t key_len);
    void (*batch_destroy)(struct kv_batch *b);

    /*
     * Writes the batch atomically at commit_ts (1..TS_MAX): 0 once it is
     * durable and visible to reads at or above commit_ts. ERR_TOO_BIG,
     * ERR_NOT_FOUND (unknown tablet), ERR_INVALID, ERR_READONLY (writes are
     * refused after an I/O failure; the outcome of this write is then unknown
     * until restart) ... with err_msg() saying why.
     */
    int (*write)(struct kv *kv, struct kv_batch *b, uint64_t commit_ts);

    /*
     * Pins snapshot ts so merges keep the versions a read at ts (or later)
     * needs: 0, ERR_INVALID if versions a read at ts needs may already be gone
     * (a merge used a later horizon: pick a newer ts), ERR_NOMEM.
     */
    int (*snapshot_pin)(struct kv *kv, uint64_t ts, struct kv_snapshot **out);
    void (*snapshot_unpin)(struct kv *kv, struct kv_snapshot *snap);

    /* The largest commit timestamp written or recovered (0 for an empty node). */
    uint64_t (*max_committed_ts)(struct kv *kv);

    /* Frees the kv itself (not what it routes to). */
    void (*destroy)(struct kv *kv);
};

struct kv {
    const struct kv_ops *ops; /* The implementation. */
    uint64_t
        batch_bytes_max; /* Most operation bytes (sum of kv_batch_op_bytes) one batch may hold. */
    uint32_t batch_tablets_max; /* Most distinct tablets one batch may touch. */
    void *state;                /* The implementation's own data. */
};

/*
 * Bytes an operation adds to a batch's encoding, for callers that keep their
 * writes within batch_bytes_max before building the batch (value_len is
 * ignored for a delete). The encoding is storage's redo operation (see
 * storage/README.md): kind, varint tablet, varint key length, key, and for a
 * put varint value length and value. The record adds KV_BATCH_HEADER bytes
 * (type, commit timestamp, operation count), which batch_bytes_max excludes.
 */
#define KV_BATCH_HEADER 13u
static inline uint64_t kv__varint_len(uint64_t v)
{
    uint64_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}
static inline uint64_t kv_batch_op_bytes(int is_put, uint64_t tablet_id, size_t key_len,
                                         size_t value_len)
{
    uint64_t n = 1 + kv__varint_len(tablet_id) + kv__varint_len(key_len) + key_len;
    if (is_put)
        n += kv__varint_len(value_len) + value_len;
    return n;
}

/* Shorthands that dispatch through the table. */
static inline int kv_tablet_create(struct kv *kv, uint64_t id)
{
    return kv->ops->tablet_create(kv, id);
}
static inline int kv_tablet_drop(struct kv *kv, uint64_t id)
{
    return kv->ops->tablet_drop(kv, id);
}
static inline int kv_tablet_exists(struct kv *kv, uint64_t id)
{
    return kv->ops->tablet_exists(kv, id);
}
static inline int kv_get_version(struct kv *kv, uint64_t tablet_id, const void *key, size_t key_len,
                                 uint64_t snap_ts, uint64_t *ts, uint8_t *kind, struct buf *value)
{
    return kv->ops->get_version(kv, tablet_id, key, key_len, snap_ts, ts, kind, value);
}
static inline int kv_scan_open(struct kv *kv, uint64_t tablet_id, const void *start,
                               size_t start_len, const void *end, size_t end_len, uint64_t snap_ts,
                               int reverse, uint64_t limit, struct kv_scan **out)
{
    return kv->ops->scan_open(kv, tablet_id, start, start_len, end, end_len, snap_ts, reverse,
                              limit, out);
}
static inline int kv_scan_next(struct kv_scan *sc, const uint8_t **key, size_t *key_len,
                               const uint8_t **value, size_t *value_len)
{
    return sc->ops->scan_next(sc, key, key_len, value, value_len);
}
static inline void kv_scan_close(struct kv_scan *sc)
{
    if (sc)
        sc->ops->scan_close(sc);
}
static inline int kv_batch_create(struct kv *kv, struct kv_batch **out)
{
    return kv->ops->batch_create(kv, out);
}
static inline void kv_batch_put(struct kv_batch *b, uint64_t tablet_id, const void *key,
                                size_t key_len, const void *value, size_t value_len)
{
    b->ops->batch_put(b, tablet_id, key, key_len, value, value_len);
}
static inline void kv_batch_delete(struct kv_batch *b, uint64_t tablet_id, const void *key,
                                   size_t key_len)
{
    b->ops->batch_delete(b, tablet_id, key, key_len);
}
static inline void kv_batch_destroy(struct kv_batch *b)
{
    if (b)
        b->ops->batch_destroy(b);
}
static inline int kv_write(struct kv *kv, struct kv_batch *b, uint64_t commit_ts)
{
    return kv->ops->write(kv, b, commit_ts);
}
static inline int kv_snapshot_pin(struct kv *kv, uint64_t ts, struct kv_snapshot **out)
{
    return kv->ops->snapshot_pin(kv, ts, out);
}
static inline void kv_snapshot_unpin(struct kv *kv, struct kv_snapshot *s)
{
    kv->ops->snapshot_unpin(kv, s);
}
static inline uint64_t kv_max_committed_ts(struct kv *kv)
{
    return kv->ops->max_committed_ts(kv);
}
static inline void kv_destroy(struct kv *kv)
{
    if (kv)
        kv->ops->destroy(kv);
}

/*
 * The local implementation over an open tablet store, for a node that is a
 * cluster of one. Does not take ownership of store: the caller closes it
 * after kv_destroy(). 0 or ERR_NOMEM.
 */
struct store;
int kv_local_create(struct store *store, struct kv **out);

#endif
