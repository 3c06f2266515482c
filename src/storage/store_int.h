/*
 * store_int.h: the tablet store's private structures, shared by store.c
 * (open, recovery, reads, writes), tablet.c (table sets, freeze, merges) and
 * background.c (background threads, rate limit, schedule). See
 * storage/README.md for the design and the lock order.
 */
#ifndef ATOLL_STORAGE_STORE_INT_H
#define ATOLL_STORAGE_STORE_INT_H

#include "storage/block_cache.h"
#include "storage/manifest.h"
#include "storage/memtable.h"
#include "storage/redo.h"
#include "storage/sstable.h"
#include "storage/store.h"

#include <pthread.h>
#include <stdatomic.h>

#define STORE_DIR_MAX 3072   /* Longest data folder path accepted. */
#define STORE_PATH_MAX 4096  /* Room for any path below it. */
#define STORE_MAX_DELTAS_BEFORE_MAJOR 8 /* A tablet with more deltas gets a major merge. */

/* Redo record types (first byte of a redo payload). */
enum { STORE_REC_WRITE = 1 };

/* A MemTable with what the store tracks about it. Reference counted. */
struct tmem {
    struct memtable *mt;         /* The MemTable (one reference held). */
    _Atomic uint64_t min_lsn;    /* Smallest redo LSN applied to it, 0 while empty. */
    _Atomic uint64_t max_lsn;    /* Largest redo LSN applied to it. */
    _Atomic int writers;         /* Writers between LSN reservation and apply. */
    _Atomic int refs;            /* Views and writers holding it. */
    _Atomic uint64_t accounted;  /* Bytes of it counted in the store's memtable total. */
};

/* An immutable set of a tablet's tables, shared by readers. Reference counted. */
struct tview {
    _Atomic int refs;            /* Readers and the tablet holding it. */
    struct tmem *active;         /* Active MemTable (referenced). */
    struct tmem **frozen;        /* Frozen MemTables, newest first (referenced). */
    uint32_t n_frozen;
    struct sstable **deltas;     /* Delta SSTables, newest first (referenced). */
    uint32_t n_deltas;
    struct sstable *baseline;    /* Baseline or NULL (referenced). */
    uint64_t *older_max_ts;      /* older_max_ts[i]: largest ts in sources after source i. */
};

struct tablet {
    uint64_t id;                       /* Tablet number. */
    char dir[STORE_DIR_MAX + 48];      /* Its folder. */
    struct store *store;               /* Owner. */
    _Atomic int refs;                  /* The store's map and users in flight. */
    _Atomic int dropped;               /* Set when dropped; users let go. */
    pthread_rwlock_t freeze_lock;      /* Writers: read (pin + LSN); freeze: write. */
    struct tmem *active;               /* Active MemTable; changes under freeze_lock (write). */
    pthread_mutex_t view_mu;           /* Guards view (swap and reference). */
    struct tview *view;                /* Current table set. */
    pthread_mutex_t minor_mu;          /* One minor merge at a time. */
    pthread_mutex_t major_mu;          /* One major merge at a time. */
    pthread_mutex_t merge_mu;          /* Guards man and the manifest file; taken to install a merge. */
    struct manifest man;               /* Current manifest contents. */
    _Atomic int merging;               /* 0, 1 minor, 2 major. */
    _Atomic uint64_t merge_done;       /* Progress of the running merge (input bytes). */
    _Atomic uint64_t merge_total;      /* Input bytes of the running merge. */
    _Atomic uint64_t n_minor;          /* Minor merges completed. */
    _Atomic uint64_t n_major;          /* Major merges completed. */
};

struct snap_node {
    uint64_t ts;                       /* Pinned snapshot. */
    struct snap_node *prev, *next;     /* List links. */
};

struct store {
    struct store_opts opts;            /* Options with defaults filled. */
    char dir[STORE_DIR_MAX];           /* Data folder. */
    char tablets_dir[STORE_DIR_MAX + 16]; /* <dir>/tablets. */
    struct redo *redo;                 /* The node's redo log. */
    struct block_cache *cache;         /* Shared block cache. */
    _Atomic uint64_t next_cache_id;    /* Block cache ids of opened SSTables. */

    pthread_rwlock_t map_lock;         /* Guards tablets/n_tablets. */
    struct tablet **tablets;           /* Sorted by id. */
    size_t n_tablets, cap_tablets;

    pthread_mutex_t snap_mu;           /* Guards the snapshot list. */
    struct snap_node snaps;            /* Sentinel of pinned snapshots. */
    uint64_t gc_floor;                 /* Largest GC horizon a merge used; pins below are refused. */

    _Atomic uint64_t mem_bytes;        /* MemTable memory of all tablets. */
    _Atomic uint64_t max_ts;           /* Largest commit ts written or recovered. */
    _Atomic uint64_t n_stalls;         /* Writes that waited for memory. */
    int recovering;                    /* 1 during redo replay: no redo truncation. */
    uint64_t recovery_peak;            /* Most MemTable memory during replay (after each record). */
    pthread_mutex_t ckpt_mu;           /* Serialises checkpoints. */
    uint64_t ckpt_lsn;                 /* Last durable checkpoint (replay starts there). */

    pthread_mutex_t fail_mu;           /* Guards failure. */
    _Atomic int failed;                /* 1: writes refused (see failure). */
    char failure[256];                 /* Why. */
    _Atomic int last_merge_rc;         /* Error of the last failed background merge, 0 after success. */

    pthread_mutex_t bg_mu;             /* Guards the fields below, with bg_cond. */
    pthread_cond_t bg_cond;            /* Wakes background threads. */
    pthread_cond_t mem_cond;           /* Wakes writers waiting for memory. */
    int closing;                       /* Background threads stop. */
    _Atomic int stopping;              /* Same, read by merges without bg_mu. */
    int major_requested;               /* store_request_major_merge() was called. */
    int last_major_day;                /* Day number of the last scheduled major merge. */
    int n_threads;                     /* Background threads started. */
    pthread_t threads[2];              /* Flush and compaction threads. */

    pthread_mutex_t rate_mu;           /* Guards the rate limiter. */
    uint64_t rate_next_ns;             /* Monotonic time when the next byte may be written. */
};

/* tablet.c */
int tablet__open(struct store *s, uint64_t id, int create, struct tablet **out);
void tablet__unref(struct tablet *t);
void tablet__close(struct tablet *t);
struct tview *tablet__view(struct tablet *t);
void tview__unref(struct tview *v);
struct tmem *tmem__create(void);
void tmem__unref(struct tmem *m);
int tablet__freeze(struct tablet *t);
int tablet__freeze_if(struct tablet *t, struct tmem *expected);
int tablet__minor_merge(struct tablet *t);
int tablet__major_merge(struct tablet *t);
int tablet__remove_files(struct tablet *t);
uint64_t tablet__needed_lsn(struct tablet *t);

/* store.c */
struct tablet *store__tablet(struct store *s, uint64_t id);
uint64_t store__gc_horizon(struct store *s);
void store__fail(struct store *s, int rc, const char *what);
void store__mem_add(struct store *s, struct tmem *m);
void store__mem_release(struct store *s, struct tmem *m);
int store__for_each_tablet(struct store *s, int (*fn)(struct tablet *t, void *arg), void *arg);
void store__checkpoint(struct store *s);

/* background.c */
int store__bg_start(struct store *s);
void store__bg_stop(struct store *s);
void store__bg_kick(struct store *s);
void store__rate_limit(void *arg, size_t bytes);

#endif
