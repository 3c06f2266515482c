/*
 * txn.h: transactions: snapshots, row locks, write sets, commit.
 *
 * A txn_mgr is node-wide: it holds the kv (the tablets), the timestamp
 * service, the row lock table, the transaction ids and the list of active
 * transactions. A struct txn is one transaction, used by one thread at a time
 * (its session's), except txn_interrupt().
 *
 * Isolation (DESIGN.md section 7):
 * * REPEATABLE READ is snapshot isolation: one snapshot per transaction, taken
 *   at its first read, write or lock (MySQL's "consistent snapshot at first
 *   read"), or at begin with consistent_snapshot (START TRANSACTION WITH
 *   CONSISTENT SNAPSHOT). A write or a locking read of a row whose newest
 *   committed version is newer than the snapshot fails with ERR_CONFLICT
 *   (MySQL 1020 ER_CHECKREAD, as MariaDB's innodb_snapshot_isolation does);
 *   the transaction is then rolled back internally (see "poisoned" below).
 * * READ COMMITTED: a new snapshot per statement (txn_stmt_begin). Writes and
 *   locking reads act on the newest committed version with no conflict error,
 *   as InnoDB's READ COMMITTED does: txn_get_for_update() then reads the newest
 *   committed version (a "current read"), so read-modify-write statements that
 *   use it lose no updates.
 *
 * Writes take an X row lock (waiting, with deadlock detection and the
 * transaction's lock wait timeout) and are buffered in the transaction's
 * private write set; reads see the own writes first. Nothing reaches the store
 * before commit, which writes the whole write set as one atomic batch at a
 * commit timestamp. Locks are kept until the transaction ends.
 *
 * Poisoned transactions: after ERR_CONFLICT, ERR_DEADLOCK or a failed commit
 * the transaction has been rolled back internally (its locks are released at
 * once, so others can proceed) and every call but txn_rollback() returns
 * ERR_INVALID; the caller must call txn_rollback() (LMDB's MDB_TXN_ERROR).
 * Other errors (ERR_TIMEOUT, ERR_CLOSED, ERR_TOO_BIG, ERR_NOMEM, I/O errors
 * of reads) fail only the call; the SQL layer rolls the statement back with
 * txn_stmt_rollback().
 *
 * Limits: the write set lives in memory, up to write_set_max bytes of arena
 * (1 GiB by default), and a commit is one store batch, so the transaction's
 * net changes must also fit in kv->batch_bytes_max encoded bytes (64 MiB for
 * the local store) over at most kv->batch_tablets_max tablets (64). A write
 * past either byte limit fails with ERR_TOO_BIG (the statement fails, the
 * transaction lives); too many tablets fail the commit.
 */
#ifndef ATOLL_TXN_TXN_H
#define ATOLL_TXN_TXN_H

#include "base/buf.h"
#include "kv/kv.h"
#include "os/clock.h"
#include "os/vfs.h"
#include "txn/lock.h"

#include <stddef.h>
#include <stdint.h>

#define TXN_WRITE_SET_MAX_DEFAULT (1ULL << 30) /* Default write set memory limit: 1 GiB. */
#define TXN_LOCK_WAIT_DEFAULT_MS  50000ULL     /* innodb_lock_wait_timeout's default, 50 s. */

enum txn_isolation {
    TXN_REPEATABLE_READ = 0, /* Snapshot isolation (MySQL's default level). */
    TXN_READ_COMMITTED = 1,  /* A snapshot per statement. */
};

struct txn_mgr_opts {
    struct kv *kv;                /* The tablets (required; not owned). */
    const char *dir;              /* Data folder for the timestamp ceiling file (required). */
    const struct os_vfs *vfs;     /* NULL = os_vfs_posix(). */
    const struct os_clock *clock; /* NULL = os_clock_system(). */
    uint64_t write_set_max;       /* Bytes of write set memory per transaction; 0 = 1 GiB. */
};

struct txn_opts {
    enum txn_isolation isolation;  /* Default REPEATABLE READ. */
    int read_only;                 /* 1: writes fail with ERR_READONLY (MySQL 1792). */
    int consistent_snapshot;       /* 1: take the snapshot at begin. */
    uint64_t lock_wait_timeout_ms; /* Lock wait limit; 0 = fail at once with ERR_TIMEOUT. */
};

struct txn_mgr;
struct txn;
struct txn_scan;

/* Fills o with the defaults (kv and dir as given). */
void txn_mgr_opts_default(struct txn_mgr_opts *o, struct kv *kv, const char *dir);

/*
 * Opens the manager: starts the timestamp service above the kv's largest
 * committed timestamp (reading and later rewriting GTS_FILE in dir).
 * 0, ERR_CORRUPT (a damaged GTS file), ERR_IO, ERR_NOMEM.
 */
int txn_mgr_open(const struct txn_mgr_opts *opts, struct txn_mgr **out);

/* Frees the manager. Every transaction must have ended. */
void txn_mgr_close(struct txn_mgr *m);

/* DDL passthroughs to the kv (durable, outside any transaction). */
int txn_tablet_create(struct txn_mgr *m, uint64_t tablet_id);
int txn_tablet_drop(struct txn_mgr *m, uint64_t tablet_id);
int txn_tablet_exists(struct txn_mgr *m, uint64_t tablet_id);

/* Node-wide counters. */
struct txn_mgr_stats {
    uint64_t n_active;       /* Transactions begun and not ended. */
    uint64_t n_commits;      /* Commits that wrote (read-only commits not counted). */
    uint64_t n_rollbacks;    /* Rollbacks (including of poisoned transactions). */
    uint64_t n_conflicts;    /* ERR_CONFLICT returned. */
    struct lock_stats locks; /* The lock table's. */
    uint64_t last_ts;        /* Last timestamp issued. */
};
void txn_mgr_stats(struct txn_mgr *m, struct txn_mgr_stats *out);

/* A fresh timestamp from the node's service (for callers that need one, e.g. tests). */
int txn_mgr_next_ts(struct txn_mgr *m, uint64_t *ts);

/* Fills o with the defaults: REPEATABLE READ, read-write, lazy snapshot, 50 s lock wait. */
void txn_opts_default(struct txn_opts *o);

/* Begins a transaction (opts NULL = defaults): 0, ERR_NOMEM, or a snapshot error. */
int txn_begin(struct txn_mgr *m, const struct txn_opts *opts, struct txn **out);

/*
 * Commits: writes the write set as one atomic batch at a new commit timestamp
 * (reported in *commit_ts if not NULL; 0 when nothing was written) and ends
 * the transaction (t is freed) on success. On error (ERR_READONLY and I/O
 * errors of the store, ERR_TOO_BIG, or ERR_INVALID for a poisoned
 * transaction) nothing is freed: t is poisoned and the caller must call
 * txn_rollback(t). After ERR_READONLY the write's outcome is unknown until
 * the store is reopened.
 */
int txn_commit(struct txn *t, uint64_t *commit_ts);

/* Rolls back: drops the write set, releases locks and the snapshot, frees t (close its scans
 * first). */
void txn_rollback(struct txn *t);

/*
 * Starts a statement: records the statement savepoint and, in READ
 * COMMITTED, drops the snapshot so the statement's first access takes a new
 * one. ERR_INVALID if poisoned or while a scan is open.
 */
int txn_stmt_begin(struct txn *t);

/* Undoes the writes of the current statement (keeping its locks, as InnoDB does). */
void txn_stmt_rollback(struct txn *t);

/* Savepoints (SAVEPOINT name): a position in the write set; rolling back to it undoes later writes,
 * keeping locks. */
uint64_t txn_savepoint(struct txn *t);
void txn_rollback_to_savepoint(struct txn *t, uint64_t savepoint);

/*
 * Reads key at the transaction's view: its own writes, else its snapshot.
 * 0 with the value in *value (contents replaced), ERR_NOT_FOUND if absent,
 * or ERR_INVALID, ERR_NOT_FOUND for an unknown tablet, ERR_CORRUPT, ERR_IO ...
 */
int txn_get(struct txn *t, uint64_t tablet_id, const void *key, size_t key_len, struct buf *value);

/*
 * Locks the row for a locking read (LOCK_S for FOR SHARE, LOCK_X for FOR
 * UPDATE; flags LOCK_NOWAIT). 0, ERR_CONFLICT (REPEATABLE READ: the row
 * changed after the snapshot; poisoned), ERR_DEADLOCK (poisoned),
 * ERR_TIMEOUT, ERR_CLOSED (interrupted), ERR_LOCKED (NOWAIT), ERR_NOMEM ...
 */
int txn_lock(struct txn *t, uint64_t tablet_id, const void *key, size_t key_len,
             enum lock_mode mode, int flags);

/*
 * txn_lock, then reads the row: own writes first; else in REPEATABLE READ the
 * snapshot's version (which is then the newest committed one), in READ
 * COMMITTED the newest committed version. Returns as txn_lock and txn_get.
 */
int txn_get_for_update(struct txn *t, uint64_t tablet_id, const void *key, size_t key_len,
                       enum lock_mode mode, int flags, struct buf *value);

/*
 * Writes (put) or deletes a row in the write set after taking its X lock and,
 * in REPEATABLE READ, checking for a newer committed version. 0,
 * ERR_READONLY (a READ ONLY transaction; MySQL 1792), ERR_TOO_BIG (key over
 * KV_KEY_MAX, value over KV_VALUE_MAX, or the write set past a limit),
 * ERR_CONFLICT, ERR_DEADLOCK, ERR_TIMEOUT, ERR_CLOSED, ERR_NOMEM, read errors.
 * Deleting an absent row is not an error.
 */
int txn_put(struct txn *t, uint64_t tablet_id, const void *key, size_t key_len, const void *value,
            size_t value_len);
int txn_delete(struct txn *t, uint64_t tablet_id, const void *key, size_t key_len);

/*
 * Opens a scan of tablet's rows in [start, end) (start NULL = from the first
 * key, end NULL = to the last) as the transaction sees them: the snapshot
 * merged with the own writes as of this call (later writes of the
 * transaction do not show in an open scan, so an UPDATE that scans and
 * writes never meets its own rows). Forward, or backward from the last key
 * below end; limit 0 = no limit. Close scans before the statement ends.
 */
int txn_scan_open(struct txn *t, uint64_t tablet_id, const void *start, size_t start_len,
                  const void *end, size_t end_len, int reverse, uint64_t limit,
                  struct txn_scan **out);

/* Next row: 0 with key and value (valid until the next call or close), ERR_NOT_FOUND at the end, or
 * an error. */
int txn_scan_next(struct txn_scan *sc, const uint8_t **key, size_t *key_len, const uint8_t **value,
                  size_t *value_len);

void txn_scan_close(struct txn_scan *sc);

/*
 * Interrupts t (KILL QUERY): a lock wait in progress, and every later one
 * until txn_clear_interrupt(), returns ERR_CLOSED. Any thread; the caller
 * keeps t alive during the call.
 */
void txn_interrupt(struct txn *t);
void txn_clear_interrupt(struct txn *t);

/* Accessors. */
uint64_t txn_id(const struct txn *t);
/* The snapshot timestamp, or 0 while the transaction (or, in READ COMMITTED, the statement) has
 * none yet. */
uint64_t txn_snapshot_ts(const struct txn *t);
int txn_is_read_only(const struct txn *t);
enum txn_isolation txn_isolation_level(const struct txn *t);
/* 1 if the transaction is poisoned (only rollback is legal). */
int txn_is_poisoned(const struct txn *t);
/* Rows in the write set (written and not rolled back). */
uint64_t txn_n_writes(const struct txn *t);
/* Changes the lock wait timeout for later waits (SET innodb_lock_wait_timeout). */
void txn_set_lock_wait_timeout(struct txn *t, uint64_t ms);

#endif
