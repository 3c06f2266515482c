/*
 * memtable.h: the in-memory ordered index of one tablet's recent versions.
 *
 * A MemTable is a concurrent skiplist of user keys; each key node carries a
 * version chain, newest first, and the id of the transaction holding the row
 * lock. Inserts are lock-free (CAS on the skiplist links and on the chain);
 * readers never lock. Nothing is ever removed: a MemTable only grows until it
 * is frozen, dumped to an SSTable by a minor merge, and destroyed once the
 * last reference is dropped. All its memory comes from its own arena, so its
 * size is what memtable_memory() reports and it is freed all at once.
 *
 * Versions inserted with memtable_put() are committed at their timestamp.
 * Transactions instead put an uncommitted version (ts = TS_UNCOMMITTED, with
 * their txn id) at the head of the chain after taking the row lock, then stamp
 * it with the commit timestamp, or abort it. Uncommitted and aborted versions
 * are invisible to everyone but their own transaction and are never written to
 * SSTables. The locking rules (who may lock, waits, conflicts) belong to txn/;
 * this module only stores the lock owner and the versions atomically.
 *
 * Thread safety: every function may be called concurrently from any thread,
 * except that memtable_commit_version/abort_version on a version must come from
 * the transaction that created it.
 */
#ifndef ATOLL_STORAGE_MEMTABLE_H
#define ATOLL_STORAGE_MEMTABLE_H

#include "storage/kv.h"

#include <stddef.h>
#include <stdint.h>

struct memtable;
struct mt_version; /* One version in a chain; owned by the MemTable. */

/* Creates an empty MemTable with reference count 1. id is for messages. */
int memtable_create(uint64_t id, struct memtable **out);

/* Takes and drops references; the last unref frees the MemTable and all its versions. */
void memtable_ref(struct memtable *mt);
void memtable_unref(struct memtable *mt);

/*
 * Inserts a committed version. Versions of one key stay sorted by ts
 * descending whatever the order of inserts; inserting a (key, ts) that is
 * already present does nothing and returns 0 (redo replay is idempotent).
 * Copies key and value. Returns 0, ERR_TOO_BIG (limits of kv.h) or ERR_NOMEM.
 */
int memtable_put(struct memtable *mt, const uint8_t *key, size_t key_len, uint64_t ts,
                 uint8_t kind, const uint8_t *value, size_t value_len);

/*
 * Reads the newest committed version of key with ts <= snap_ts; also sees an
 * uncommitted version of transaction txn_id (0 = none) first. Returns 0 with
 * *out filled (kind may be KV_DELETE; pointers valid while the MemTable is
 * referenced), or ERR_NOT_FOUND when the MemTable has no such version.
 */
int memtable_get(struct memtable *mt, const uint8_t *key, size_t key_len, uint64_t snap_ts,
                 uint64_t txn_id, struct kv_entry *out);

/* Newest committed timestamp of key, or ERR_NOT_FOUND. For write-conflict checks. */
int memtable_latest_ts(struct memtable *mt, const uint8_t *key, size_t key_len, uint64_t *ts);

/*
 * Row locks. Takes the lock of key for txn_id (creating the key node if
 * needed): returns 0 if granted or already held by txn_id, ERR_LOCKED with
 * *holder set if another transaction holds it, ERR_NOMEM.
 */
int memtable_lock_row(struct memtable *mt, const uint8_t *key, size_t key_len,
                      uint64_t txn_id, uint64_t *holder);

/* Releases the lock of key if txn_id holds it. */
void memtable_unlock_row(struct memtable *mt, const uint8_t *key, size_t key_len,
                         uint64_t txn_id);

/*
 * Puts an uncommitted version of txn_id at the head of key's chain (the caller
 * holds the row lock). A second write of the same transaction to the same key
 * adds a newer uncommitted version. *out identifies it for commit or abort.
 */
int memtable_put_uncommitted(struct memtable *mt, const uint8_t *key, size_t key_len,
                             uint64_t txn_id, uint8_t kind, const uint8_t *value,
                             size_t value_len, struct mt_version **out);

/* Makes an uncommitted version committed at ts (ts above every committed ts of its key). */
void memtable_commit_version(struct memtable *mt, struct mt_version *v, uint64_t ts);

/* Makes an uncommitted version invisible for good. */
void memtable_abort_version(struct memtable *mt, struct mt_version *v);

/* Uncommitted versions not yet committed or aborted (a frozen MemTable is dumped only at 0). */
uint64_t memtable_n_uncommitted(const struct memtable *mt);

/* Bytes of memory held (its arena). */
size_t memtable_memory(const struct memtable *mt);

/* Committed versions inserted. */
uint64_t memtable_n_versions(const struct memtable *mt);

/* Largest committed ts inserted, 0 if none. */
uint64_t memtable_max_ts(const struct memtable *mt);

/*
 * An iterator over committed versions in internal order (key asc, ts desc),
 * both directions. It references the MemTable until destroyed. Versions
 * inserted while it is open may or may not be seen.
 */
int memtable_iter_create(struct memtable *mt, struct kv_iter **out);

#endif
