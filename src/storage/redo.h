/*
 * redo.h: the node's shared redo log writer.
 *
 * One log per node, in segment files under a folder. Records of every tablet
 * (and later every log stream) are interleaved; each has a length, a CRC-32C
 * and a log sequence number (LSN: 1, 2, 3, ... with no gaps). The payload is
 * opaque bytes to this module.
 *
 * Group commit: redo_append() only copies the record into the in-memory tail
 * and assigns its LSN (file order is LSN order). redo_wait(lsn) returns once
 * the record is durable: the first waiter that finds no write in progress
 * becomes the leader, writes everything appended so far with one write and
 * one fdatasync, and wakes every waiter covered; so many concurrent committers
 * share one write and one sync. With sync off, "durable" means written to the
 * file (the benchmark's durability-off mode).
 *
 * Failure: if a write or fdatasync fails, the log cannot know what reached the
 * disk, so it never pretends: every later append and wait returns ERR_READONLY
 * with a message saying what failed, until the process reopens the log.
 *
 * Recovery: redo_replay() walks the segments in order from a given LSN,
 * handing each record's payload to a callback; it cuts a torn tail (an
 * incomplete or bad record at the end of the newest segment, with nothing
 * valid after it) and refuses a damaged record in the middle of the log with
 * ERR_CORRUPT naming the file and offset. It must run once after open and
 * before the first append.
 *
 * Thread safety: append, wait and durable_lsn from any thread; replay,
 * truncate_before and close from one thread while no append is running
 * (truncate_before may run concurrently with appends).
 */
#ifndef ATOLL_STORAGE_REDO_H
#define ATOLL_STORAGE_REDO_H

#include "os/vfs.h"

#include <stddef.h>
#include <stdint.h>

#define REDO_RECORD_MAX (64u * 1024u * 1024u) /* Largest payload of one record. */

struct redo_opts {
    const struct os_vfs *vfs; /* File system (required). */
    const char *dir;          /* Folder of the segments; created if missing. */
    uint64_t segment_size;    /* Start a new segment past this size; 0 = 64 MiB. */
    int sync;                 /* 1: fdatasync before a record is durable; 0: write only. */
};

struct redo;

/* Opens (creating if needed) the log in opts->dir. Does not read records yet. */
int redo_open(const struct redo_opts *opts, struct redo **out);

/* Called by redo_replay for each record; a non-zero return stops the replay and is returned. */
typedef int (*redo_replay_cb)(uint64_t lsn, const uint8_t *payload, size_t len, void *arg);

/*
 * Replays every record with LSN >= from_lsn in order, cuts a torn tail, and
 * prepares the log for appending after the last good record. Returns 0,
 * ERR_CORRUPT (message names file and offset), ERR_IO, or the callback's code.
 */
int redo_replay(struct redo *r, uint64_t from_lsn, redo_replay_cb cb, void *arg);

/*
 * Appends a record and returns its LSN in *lsn. Copies payload. Not durable
 * until redo_wait(*lsn) returns 0. Returns 0, ERR_TOO_BIG, ERR_NOMEM or
 * ERR_READONLY after an earlier failure.
 */
int redo_append(struct redo *r, const void *payload, size_t len, uint64_t *lsn);

/* Like redo_append with the payload given in two pieces (head then body). */
int redo_append2(struct redo *r, const void *head, size_t head_len, const void *body,
                 size_t body_len, uint64_t *lsn);

/* Waits until every record up to lsn is durable. Returns 0 or ERR_READONLY (message says why). */
int redo_wait(struct redo *r, uint64_t lsn);

/* Highest LSN that is durable (0 if none). */
uint64_t redo_durable_lsn(struct redo *r);

/* Highest LSN assigned (0 if none). */
uint64_t redo_last_lsn(struct redo *r);

/* Removes whole segments all of whose records have LSN < lsn (the checkpoint). */
int redo_truncate_before(struct redo *r, uint64_t lsn);

/* Writes what is pending (best effort), closes the files and frees r. */
void redo_close(struct redo *r);

/* Statistics: records appended, write+sync rounds done (group commit ratio = records / syncs). */
void redo_stats(struct redo *r, uint64_t *n_records, uint64_t *n_syncs);

#endif
