/*
 * store.h: the tablet store, the storage engine's interface to the layers above.
 *
 * A store is opened on a data folder and holds many tablets (numbered key
 * ranges) and the node's redo log. Each tablet keeps its recent versions in an
 * active MemTable and frozen MemTables, and older ones in SSTables: at most one
 * baseline and a list of deltas, listed in the tablet's manifest.
 *
 * Writes are atomic batches of puts and deletes over any tablets at one commit
 * timestamp: the batch is logged as one redo record and acknowledged only when
 * that record is durable (group commit shares the sync), then applied to the
 * MemTables. Reads see, at a snapshot timestamp, the newest version of each
 * key not after it; tombstones read as absent.
 *
 * Freeze seals a tablet's MemTable (when it reaches memtable_size, when the
 * node's MemTable memory passes its budget, or on request); a minor merge dumps
 * frozen MemTables to a delta SSTable; a major merge folds baseline, deltas and
 * frozen MemTables into a new baseline (daily in the configured window, or on
 * request). Merges run on background threads with an I/O rate limit and never
 * block readers or writers beyond the swap of the tablet's table set. Readers
 * pin the set they started with.
 *
 * Versions older than the oldest pinned snapshot are dropped at merge (the
 * newest one at or below it is kept); tombstones disappear at the baseline.
 *
 * Timestamps: the caller chooses commit timestamps (from txn/'s timestamp
 * service); a reader must pin its snapshot (store_snapshot_pin) if merges may
 * run while it reads at that timestamp.
 *
 * Thread safety: every function may be called from any thread concurrently,
 * except store_close.
 */
#ifndef ATOLL_STORAGE_STORE_H
#define ATOLL_STORAGE_STORE_H

#include "base/buf.h"
#include "os/clock.h"
#include "os/thread.h"
#include "os/vfs.h"
#include "storage/kv.h"

#include <stddef.h>
#include <stdint.h>

struct store_opts {
    const char *dir;                 /* Data folder; created if missing (required). */
    const struct os_vfs *vfs;        /* NULL = os_vfs_posix(). */
    const struct os_clock *clock;    /* NULL = os_clock_system(). */
    const struct os_threads *threads;/* NULL = os_threads_posix(). */
    uint64_t memtable_size;          /* Freeze a tablet's MemTable past this; 0 = 64 MiB. */
    uint64_t memory_budget;          /* Node-wide MemTable memory; 0 = 1 GiB. */
    uint64_t block_cache_size;       /* 0 = 256 MiB. */
    size_t block_size;               /* SSTable block size; 0 = 16 KiB. */
    int compression;                 /* enum sstable_compression; default LZ4 (set -1 for the default). */
    int baseline_compression;        /* Compression of baselines; -1 = same as compression. */
    uint64_t merge_rate;             /* Merge I/O bytes per second; 0 = unlimited. */
    int major_window_start;          /* Daily major merge window, minutes after midnight (local time); */
    int major_window_end;            /*   start == end (e.g. both -1) disables the schedule. */
    uint64_t redo_segment_size;      /* 0 = 64 MiB. */
    int no_sync;                     /* 1: commits are written but not fdatasync'ed (benchmarks only). */
    int no_background;               /* 1: no background threads; merges only on request (tests). */
};

/* Fills opts with the defaults above for folder dir. */
void store_opts_default(struct store_opts *opts, const char *dir);

struct store;

/*
 * Opens the store: reads each tablet's manifest, removes leftover files of
 * interrupted merges, replays the redo log from the checkpoint (cutting a torn
 * tail, refusing mid-log corruption with ERR_CORRUPT naming file and offset),
 * and starts the background threads.
 */
int store_open(const struct store_opts *opts, struct store **out);

/* Stops background work, syncs what is pending, closes files, frees the store. */
void store_close(struct store *s);

/* Creates an empty tablet durably. ERR_EXISTS if it exists. */
int store_tablet_create(struct store *s, uint64_t tablet_id);

/* Drops a tablet and its files durably. ERR_NOT_FOUND if absent. */
int store_tablet_drop(struct store *s, uint64_t tablet_id);

/* 0 if the tablet exists, else ERR_NOT_FOUND. */
int store_tablet_exists(struct store *s, uint64_t tablet_id);

/* A write batch: puts and deletes of many keys in many tablets. */
struct store_batch {
    struct buf ops;  /* Encoded operations (the redo record's body). */
    uint32_t n_ops;  /* Operations in it. */
    int error;       /* First error of an add (ERR_TOO_BIG ...), reported by store_write. */
    char error_msg[160]; /* Its message. */
};

void store_batch_init(struct store_batch *b);
void store_batch_deinit(struct store_batch *b);
void store_batch_reset(struct store_batch *b);

/* Add operations; key at most KV_KEY_MAX, value at most KV_VALUE_MAX bytes (else the batch fails with ERR_TOO_BIG). */
void store_batch_put(struct store_batch *b, uint64_t tablet_id, const void *key, size_t key_len,
                     const void *value, size_t value_len);
void store_batch_delete(struct store_batch *b, uint64_t tablet_id, const void *key, size_t key_len);

/*
 * Writes the batch atomically at commit_ts (1..TS_MAX). Returns 0 once it is
 * durable and visible; ERR_TOO_BIG, ERR_NOT_FOUND (unknown tablet),
 * ERR_INVALID, or ERR_READONLY after an I/O failure made the store refuse
 * writes (err_msg() says why). Slows down when MemTable memory is short, but
 * does not fail for it.
 */
int store_write(struct store *s, const struct store_batch *b, uint64_t commit_ts);

/*
 * Reads key at snap_ts: 0 with the value in *value (replacing its contents),
 * ERR_NOT_FOUND if absent or deleted, ERR_CORRUPT/ERR_IO on damaged files.
 */
int store_get(struct store *s, uint64_t tablet_id, const void *key, size_t key_len,
              uint64_t snap_ts, struct buf *value);

/*
 * Like store_get, but also reports the found version's commit timestamp and
 * kind, tombstones included: 0 with *ts and *kind set (value filled for a
 * put), or ERR_NOT_FOUND when no version at or below snap_ts exists. With
 * snap_ts = TS_MAX it gives a key's newest version (txn/'s conflict check).
 */
int store_get_version(struct store *s, uint64_t tablet_id, const void *key, size_t key_len,
                      uint64_t snap_ts, uint64_t *ts, uint8_t *kind, struct buf *value);

/* A range scan: keys in [start, end) (end NULL = to the last key), at a snapshot. */
struct store_scan;

/*
 * Opens a scan of tablet at snap_ts over [start, end) forward, or backward
 * from the last key below end when reverse is set; limit 0 = no limit. The
 * scan pins the tablet's table set until closed.
 */
int store_scan_open(struct store *s, uint64_t tablet_id, const void *start, size_t start_len,
                    const void *end, size_t end_len, uint64_t snap_ts, int reverse,
                    uint64_t limit, struct store_scan **out);

/*
 * Moves to the next visible key: 0 with key and value (valid until the next
 * call or close), ERR_NOT_FOUND at the end, or an error.
 */
int store_scan_next(struct store_scan *sc, const uint8_t **key, size_t *key_len,
                    const uint8_t **value, size_t *value_len);

void store_scan_close(struct store_scan *sc);

/* Pins a snapshot: merges keep what a read at ts needs until it is unpinned. */
struct store_snapshot;
int store_snapshot_pin(struct store *s, uint64_t ts, struct store_snapshot **out);
void store_snapshot_unpin(struct store *s, struct store_snapshot *snap);

/* Freezes the tablet's active MemTable now (no-op if it is empty). */
int store_freeze(struct store *s, uint64_t tablet_id);

/* Freezes and dumps the tablet's MemTables to a delta SSTable now; returns when done. */
int store_minor_merge(struct store *s, uint64_t tablet_id);

/* Freezes and rebuilds the tablet's baseline from everything now; returns when done. */
int store_major_merge(struct store *s, uint64_t tablet_id);

/* Asks the background threads for a major merge of every tablet, as the daily schedule does. */
void store_request_major_merge(struct store *s);

/* What a tablet holds and what its merges are doing. */
struct store_tablet_info {
    uint64_t tablet_id;
    uint64_t memtable_bytes;     /* Active + frozen MemTable memory. */
    uint32_t n_frozen;           /* Frozen MemTables waiting for a minor merge. */
    uint32_t n_deltas;           /* Delta SSTables. */
    int has_baseline;            /* 1 if a baseline SSTable exists. */
    uint64_t sstable_bytes;      /* Bytes of its SSTables on disk. */
    uint64_t flushed_lsn;        /* Redo LSN up to which its data is in SSTables. */
    int merging;                 /* 0 none, 1 minor, 2 major merge running. */
    uint64_t merge_done;         /* Bytes of input merged so far ... */
    uint64_t merge_total;        /* ... of this many. */
    uint64_t n_minor_merges;     /* Completed since open. */
    uint64_t n_major_merges;     /* Completed since open. */
};
int store_tablet_info(struct store *s, uint64_t tablet_id, struct store_tablet_info *info);

/* Node-wide figures. */
struct store_info {
    uint64_t n_tablets;
    uint64_t memtable_bytes;     /* All MemTables. */
    uint64_t memory_budget;
    uint64_t block_cache_bytes;
    uint64_t redo_durable_lsn;
    uint64_t checkpoint_lsn;     /* Redo before this is no longer needed. */
    uint64_t max_commit_ts;      /* Largest commit ts written or recovered. */
    uint64_t n_write_stalls;     /* Writes that waited for memory. */
    uint64_t recovery_peak_bytes;/* Most MemTable memory held during the last recovery. */
    int read_only;               /* 1 after an I/O failure; err in failure. */
    char failure[256];           /* Why writes are refused, if they are. */
};
void store_info(struct store *s, struct store_info *info);

/* Calls cb for each tablet id (in no particular order). */
int store_tablet_list(struct store *s, int (*cb)(uint64_t tablet_id, void *arg), void *arg);

#endif
