/*
 * gts.h: the node's timestamp service (a cluster of one's GTS).
 *
 * Timestamps are 64-bit microseconds since the Unix epoch, strictly
 * increasing: each one is max(last + 1, wall clock in µs). They never go back,
 * neither after a restart nor when the wall clock steps back: the service
 * persists a *ceiling* (a small file, GTS_FILE in the data folder, written
 * atomically) above every timestamp it has issued, and after a restart
 * starts at max(ceiling, largest committed ts + 1, now). The ceiling is
 * issued + GTS_RESERVE_US and is rewritten (before handing out the timestamp
 * that passes it) about once per second of issuing.
 *
 * Commits in flight: gts_commit_begin() issues a commit timestamp and records
 * it as in flight until gts_commit_end(). A read timestamp (gts_read_ts()) is
 * just below the smallest commit in flight, or the last issued timestamp when
 * none is: so a snapshot never sees part of a commit (the store applies a batch
 * key by key) and never misses a commit below it.
 *
 * Thread safety: every function except open and close may be called from any
 * thread; one mutex guards the state (the ceiling file is written under it).
 */
#ifndef ATOLL_TXN_GTS_H
#define ATOLL_TXN_GTS_H

#include "os/clock.h"
#include "os/vfs.h"

#include <stdint.h>

#define GTS_FILE       "GTS"      /* The ceiling file's name in the data folder. */
#define GTS_RESERVE_US 1000000ULL /* Ceiling = issued + this (1 s of µs). */

struct gts_opts {
    const char *dir;              /* Data folder holding GTS_FILE (required, must exist). */
    const struct os_vfs *vfs;     /* NULL = os_vfs_posix(). */
    const struct os_clock *clock; /* NULL = os_clock_system(). */
    uint64_t min_ts;              /* Largest committed ts recovered; issuing starts above it. */
    uint64_t reserve_us;          /* 0 = GTS_RESERVE_US. */
};

struct gts;

/* A commit in flight; caller-provided (on the committer's stack), linked into the service. */
struct gts_commit {
    uint64_t ts;                    /* The commit timestamp. */
    int done;                       /* Set by gts_commit_end. */
    struct gts_commit *prev, *next; /* In-flight list, ascending ts. */
};

/*
 * Reads the ceiling file (missing = a new data folder) and prepares to issue.
 * ERR_CORRUPT (naming the file) if the file is damaged: then the service
 * cannot prove that it will not reissue a timestamp, and refuses to start;
 * ERR_IO, ERR_NOMEM.
 */
int gts_open(const struct gts_opts *opts, struct gts **out);

/* Frees the service. No commit may be in flight. */
void gts_close(struct gts *g);

/*
 * Issues a fresh timestamp (larger than every one issued before): 0, or the
 * error of writing the ceiling file (ERR_IO, ERR_NOSPC ...; nothing issued,
 * a later call retries the write).
 */
int gts_next(struct gts *g, uint64_t *ts);

/*
 * Issues a commit timestamp into c->ts and records c as in flight until
 * gts_commit_end(c). Errors as gts_next (then c is not recorded).
 */
int gts_commit_begin(struct gts *g, struct gts_commit *c);

/*
 * Ends commit c (applied to the store, or failed) and returns once every
 * commit with a smaller timestamp has ended too, so that on return
 * gts_read_ts() >= c->ts: a session that committed sees its own commit in its
 * next snapshot. The wait is short: commits in flight only write the log.
 */
void gts_commit_end(struct gts *g, struct gts_commit *c);

/* A timestamp to read at: (smallest commit in flight) - 1, or the last issued. Never decreases. */
uint64_t gts_read_ts(struct gts *g);

/* The last issued timestamp. */
uint64_t gts_last(struct gts *g);

/* The persisted ceiling: every timestamp issued so far is below it. */
uint64_t gts_ceiling(struct gts *g);

#endif
