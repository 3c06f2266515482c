/*
 * lock.h: the node's row lock table.
 *
 * A lock names a row by (tablet id, key bytes) and is held in shared (S) or
 * exclusive (X) mode by transactions, each represented by a caller-embedded
 * struct lock_owner. Locks are re-entrant (asking again for a mode already
 * covered returns at once) and an S holder may upgrade to X. A request that
 * conflicts with the holders, or that arrives while others wait, queues
 * first-in first-out (an upgrade queues ahead of other waiters) and sleeps on
 * its owner's condition variable until granted, until its wait timeout passes
 * (ERR_TIMEOUT, MySQL 1205), until it is interrupted (ERR_CLOSED, "query
 * interrupted"), or until deadlock detection, run before every wait, finds that
 * waiting would close a cycle in the wait-for graph (ERR_DEADLOCK, MySQL 1213;
 * the requester is the victim, exactly one per cycle). Locks are released all
 * at once at the end of the transaction.
 *
 * Thread safety: a lock_owner is used by one thread at a time (its
 * transaction's), except lock_interrupt(), which any thread may call while the
 * owner is alive. The table may be used by any number of threads.
 */
#ifndef ATOLL_TXN_LOCK_H
#define ATOLL_TXN_LOCK_H

#include "base/arena.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

enum lock_mode {
    LOCK_S = 1, /* Shared: compatible with other S holders. */
    LOCK_X = 2, /* Exclusive: compatible with nothing. */
};

enum lock_flags {
    LOCK_NOWAIT = 1, /* Fail with ERR_LOCKED instead of waiting (FOR UPDATE NOWAIT, MySQL 3572). */
};

struct lock_table;
struct lock_req;

/* A transaction as the lock table sees it. Embedded in the caller's transaction. */
struct lock_owner {
    uint64_t id;              /* Transaction id (for messages and tests). */
    struct lock_req *reqs;    /* Every request made, newest first (for release). */
    struct lock_req *waiting; /* The request being waited for; under the table's wait mutex. */
    atomic_int interrupted;   /* Set by lock_interrupt; cleared by lock_clear_interrupt. */
    pthread_cond_t cv;        /* Signalled when the waiting request is granted or interrupted. */
    struct arena arena;       /* Requests' memory, freed at release. */
    uint64_t n_locks;         /* Granted locks held. */
};

/* Counters since creation (for tests and SHOW ENGINE STATUS). */
struct lock_stats {
    uint64_t n_locks;     /* Locks currently held (granted requests). */
    uint64_t n_waits;     /* Requests that had to wait. */
    uint64_t n_deadlocks; /* Requests refused as deadlock victims. */
    uint64_t n_timeouts;  /* Waits that timed out. */
};

/* Creates an empty table: 0 or ERR_NOMEM. */
int lock_table_create(struct lock_table **out);

/* Frees the table. No lock may be held. */
void lock_table_destroy(struct lock_table *lt);

/* Prepares an owner with transaction id id. Allocates nothing. */
void lock_owner_init(struct lock_owner *o, uint64_t id);

/* Frees the owner's memory; its locks must have been released. */
void lock_owner_deinit(struct lock_owner *o);

/*
 * Locks (tablet_id, key) in mode for o, waiting up to timeout_ms milliseconds
 * (0 = do not wait: ERR_TIMEOUT at once if the lock is not free). Returns 0
 * when held (or already held in mode or stronger), ERR_TIMEOUT, ERR_DEADLOCK
 * (o was chosen as the victim; its other locks are kept: the caller rolls
 * back), ERR_CLOSED (interrupted), ERR_LOCKED (LOCK_NOWAIT and not free),
 * ERR_NOMEM. A failed request leaves o's other locks as they were (a failed
 * upgrade keeps S). Called by o's thread.
 */
int lock_acquire(struct lock_table *lt, struct lock_owner *o, uint64_t tablet_id, const void *key,
                 size_t key_len, enum lock_mode mode, uint64_t timeout_ms, int flags);

/* The mode o holds on (tablet_id, key): LOCK_S, LOCK_X or 0. Called by o's thread. */
int lock_held(struct lock_table *lt, struct lock_owner *o, uint64_t tablet_id, const void *key,
              size_t key_len);

/* Releases every lock of o, waking the waiters that can now go. Called by o's thread. */
void lock_release_all(struct lock_table *lt, struct lock_owner *o);

/*
 * Interrupts o: a wait in progress returns ERR_CLOSED promptly, and so does
 * every later wait until lock_clear_interrupt(o). Any thread; o must stay
 * alive during the call (the caller's session guarantees it).
 */
void lock_interrupt(struct lock_table *lt, struct lock_owner *o);

/* Clears the interrupt flag (at the start of the next statement). */
void lock_clear_interrupt(struct lock_owner *o);

void lock_stats(struct lock_table *lt, struct lock_stats *out);

#endif
