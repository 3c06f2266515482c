/*
 * wset.h: a transaction's private write set (txn/ internal).
 *
 * An ordered map from (tablet id, key) to the transaction's latest write of
 * that row (a put with its value, or a delete), kept in an arena that lives as
 * long as the transaction: a skiplist with a backward link on level 0, so
 * scans can merge it with the store's rows in either direction.
 *
 * Every write gets a sequence number (1, 2, 3 ...) and pushes a new state on
 * its row's list of states, newest first; the states also form one undo chain
 * in write order. So a savepoint is just a sequence number: rolling back to it
 * pops every state written after it (the row then reads as it did before,
 * possibly as never written), and a reader can ask for the state a row had as
 * of an earlier sequence number (a scan sees the write set as of its opening).
 * Rows never leave the skiplist; a row with no state reads as unwritten.
 * Memory is not returned before the write set is freed.
 *
 * Not thread-safe: used by its transaction's thread only.
 */
#ifndef ATOLL_TXN_WSET_H
#define ATOLL_TXN_WSET_H

#include "base/arena.h"

#include <stddef.h>
#include <stdint.h>

#define WSET_MAX_HEIGHT 20

/* One state of a row; kind is KV_PUT or KV_DELETE (storage/kv.h). */
struct wset_ver {
    struct wset_ver *prev;      /* The row's previous state, NULL = unwritten. */
    struct wset_ver *undo_next; /* The write made before this one (any row). */
    struct wset_node *node;     /* The row. */
    uint64_t seq;               /* Sequence number of the write. */
    const uint8_t *value;       /* Value of a put (in the arena). */
    uint32_t value_len;         /* Its length. */
    uint8_t kind;               /* KV_PUT or KV_DELETE. */
};

/* A row of the write set. */
struct wset_node {
    uint64_t tablet;          /* Tablet id. */
    const uint8_t *key;       /* Key (in the arena). */
    uint32_t key_len;         /* Its length. */
    uint8_t height;           /* Skiplist levels. */
    struct wset_ver *ver;     /* Current state, NULL = unwritten. */
    struct wset_node *prev;   /* Level-0 predecessor (the head sentinel for the first). */
    struct wset_node *next[]; /* Successor per level. */
};

struct wset {
    struct arena arena;     /* Rows, states, keys and values. */
    struct wset_node *head; /* Sentinel (height WSET_MAX_HEIGHT); NULL until the first write. */
    int height;             /* Levels in use. */
    uint64_t rng;           /* xorshift state for heights. */
    uint64_t seq;           /* Sequence number of the last write. */
    struct wset_ver *undo;  /* Newest write (undo chain head). */
    uint64_t n_rows;        /* Rows with a state (written, not rolled back). */
    uint64_t batch_bytes;   /* kv_batch_op_bytes of those rows' states. */
};

void wset_init(struct wset *ws, uint64_t seed);
void wset_deinit(struct wset *ws);

/* The row (tablet, key), or NULL if never written. */
struct wset_node *wset_find(struct wset *ws, uint64_t tablet, const void *key, size_t key_len);

/*
 * Records a write (kind KV_PUT with value, or KV_DELETE) as a new state of
 * its row, creating the row if needed; copies key and value into the arena.
 * 0 or ERR_NOMEM (then the write set is as before).
 */
int wset_write(struct wset *ws, uint64_t tablet, const void *key, size_t key_len, uint8_t kind,
               const void *value, size_t value_len);

/* Pops every state written after sequence number seq. */
void wset_rollback_to(struct wset *ws, uint64_t seq);

/* The state node had as of sequence number seq (NULL = unwritten then). */
static inline struct wset_ver *wset_ver_at(const struct wset_node *n, uint64_t seq)
{
    struct wset_ver *v = n->ver;
    while (v && v->seq > seq)
        v = v->prev;
    return v;
}

/* First row >= (tablet, key) in order, or NULL. */
struct wset_node *wset_seek(struct wset *ws, uint64_t tablet, const void *key, size_t key_len);

/* Last row < (tablet, key) in order, or NULL; key NULL means "below tablet + 1". */
struct wset_node *wset_seek_before(struct wset *ws, uint64_t tablet, const void *key,
                                   size_t key_len);

/* Level-0 neighbours; NULL past either end. */
static inline struct wset_node *wset_next(const struct wset_node *n)
{
    return n->next[0];
}
struct wset_node *wset_prev(const struct wset *ws, const struct wset_node *n);

/* The first row, or NULL. */
static inline struct wset_node *wset_first(const struct wset *ws)
{
    return ws->head ? ws->head->next[0] : NULL;
}

#endif
