/*
 * gts.c: the node's timestamp service.
 *
 * State under one mutex: the last issued timestamp, the persisted ceiling and
 * the list of commits in flight in ascending timestamp order (a commit is
 * appended when its timestamp is issued, which happens under the same mutex,
 * so appending keeps the order). The ceiling file is rewritten under the
 * mutex when issuing would reach it: at most about once per GTS_RESERVE_US of
 * issued time, costing one atomic file replace (two fsyncs) during which other
 * callers wait. gts_commit_end() marks its entry done, pops done entries off
 * the head, and waits on the condition variable until no unfinished commit
 * with a smaller timestamp remains.
 *
 * Ceiling file (GTS_FILE), 20 bytes, little-endian:
 *   0  4  magic 0x54475441 ("ATGT")
 *   4  4  format version, 1
 *   8  8  ceiling: every timestamp ever issued is below it
 *  16  4  crc32c_mask(crc32c of bytes 0..15)
 */
#include "txn/gts.h"

#include "base/coding.h"
#include "base/crc32c.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "kv/kv.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define GTS_MAGIC     0x54475441u
#define GTS_VERSION   1u
#define GTS_FILE_SIZE 20
#define GTS_PATH_MAX  4096

struct gts {
    const struct os_vfs *vfs;     /* Files. */
    const struct os_clock *clock; /* Wall clock. */
    char path[GTS_PATH_MAX];      /* The ceiling file. */
    uint64_t reserve;             /* Ceiling headroom in µs. */
    pthread_mutex_t mu;           /* Guards everything below. */
    pthread_cond_t cv;            /* Broadcast when the in-flight head changes. */
    uint64_t last;                /* Last issued timestamp. */
    uint64_t ceiling;             /* Persisted: every issued ts < ceiling. */
    struct gts_commit head;       /* Sentinel of the in-flight list (ascending ts). */
};

static int write_ceiling(struct gts *g, uint64_t ceiling)
{
    uint8_t b[GTS_FILE_SIZE];
    le32_put(b, GTS_MAGIC);
    le32_put(b + 4, GTS_VERSION);
    le64_put(b + 8, ceiling);
    le32_put(b + 16, crc32c_mask(crc32c(0, b, 16)));
    int rc = os_write_file_atomic(g->vfs, g->path, b, sizeof b);
    if (rc)
        return err_prefix(rc, "gts: persist timestamp ceiling");
    return 0;
}

static int read_ceiling(struct gts *g, uint64_t *ceiling)
{
    *ceiling = 0;
    if (g->vfs->exists(g->vfs, g->path) != 0)
        return 0; /* A new data folder. */
    uint8_t *data;
    size_t len;
    int rc = os_read_file(g->vfs, g->path, &data, &len);
    if (rc)
        return err_prefix(rc, "gts: read %s", g->path);
    if (len != GTS_FILE_SIZE || le32_get(data) != GTS_MAGIC ||
        le32_get(data + 16) != crc32c_mask(crc32c(0, data, 16))) {
        mem_free(data);
        return err_set(ERR_CORRUPT,
                       "gts: %s is damaged (%zu bytes, bad magic or checksum); timestamps issued "
                       "before the restart are unknown",
                       g->path, len);
    }
    if (le32_get(data + 4) != GTS_VERSION) {
        uint32_t v = le32_get(data + 4);
        mem_free(data);
        return err_set(ERR_UNSUPPORTED, "gts: %s has format version %" PRIu32, g->path, v);
    }
    *ceiling = le64_get(data + 8);
    mem_free(data);
    return 0;
}

static uint64_t wall_us(struct gts *g)
{
    return os_wall_ns(g->clock) / 1000;
}

int gts_open(const struct gts_opts *opts, struct gts **out)
{
    if (!opts->dir)
        return err_set(ERR_INVALID, "gts: no data folder");
    struct gts *g = mem_calloc(1, sizeof *g);
    if (!g)
        return err_set(ERR_NOMEM, "gts: out of memory");
    g->vfs = opts->vfs ? opts->vfs : os_vfs_posix();
    g->clock = opts->clock ? opts->clock : os_clock_system();
    g->reserve = opts->reserve_us ? opts->reserve_us : GTS_RESERVE_US;
    if (snprintf(g->path, sizeof g->path, "%s/%s", opts->dir, GTS_FILE) >= (int)sizeof g->path) {
        mem_free(g);
        return err_set(ERR_INVALID, "gts: data folder path too long");
    }
    uint64_t ceiling;
    int rc = read_ceiling(g, &ceiling);
    if (rc) {
        mem_free(g);
        return rc;
    }
    /* next = max(ceiling, recovered + 1, now); "last issued" is one below. */
    uint64_t next = ceiling;
    if (opts->min_ts + 1 > next)
        next = opts->min_ts + 1;
    uint64_t now = wall_us(g);
    if (now > next)
        next = now;
    if (next < 1)
        next = 1;
    g->last = next - 1;
    /* The file's ceiling is not above next, so the first issue rewrites it. */
    g->ceiling = ceiling;
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->cv, NULL);
    g->head.next = g->head.prev = &g->head;
    *out = g;
    return 0;
}

void gts_close(struct gts *g)
{
    if (!g)
        return;
    pthread_mutex_destroy(&g->mu);
    pthread_cond_destroy(&g->cv);
    mem_free(g);
}

/* Issues the next timestamp; mu held. */
static int issue(struct gts *g, uint64_t *ts)
{
    uint64_t t = wall_us(g);
    if (t <= g->last)
        t = g->last + 1;
    if (t > TS_MAX - g->reserve)
        return err_set(ERR_INTERNAL, "gts: timestamps exhausted");
    if (t >= g->ceiling) {
        uint64_t c = t + g->reserve;
        int rc = write_ceiling(g, c);
        if (rc)
            return rc;
        g->ceiling = c;
    }
    g->last = t;
    *ts = t;
    return 0;
}

int gts_next(struct gts *g, uint64_t *ts)
{
    pthread_mutex_lock(&g->mu);
    int rc = issue(g, ts);
    pthread_mutex_unlock(&g->mu);
    return rc;
}

int gts_commit_begin(struct gts *g, struct gts_commit *c)
{
    pthread_mutex_lock(&g->mu);
    int rc = issue(g, &c->ts);
    if (rc == 0) {
        c->done = 0;
        c->next = &g->head;
        c->prev = g->head.prev;
        g->head.prev->next = c;
        g->head.prev = c;
    }
    pthread_mutex_unlock(&g->mu);
    return rc;
}

void gts_commit_end(struct gts *g, struct gts_commit *c)
{
    pthread_mutex_lock(&g->mu);
    c->done = 1;
    if (g->head.next == c) {
        /* Pop every finished commit at the head; their waiters may go. */
        while (g->head.next != &g->head && g->head.next->done) {
            struct gts_commit *h = g->head.next;
            h->prev->next = h->next;
            h->next->prev = h->prev;
            h->next = h->prev = NULL;
        }
        pthread_cond_broadcast(&g->cv);
    }
    /* Wait until we are off the list: every smaller commit has ended. */
    while (c->next != NULL)
        pthread_cond_wait(&g->cv, &g->mu);
    pthread_mutex_unlock(&g->mu);
}

uint64_t gts_read_ts(struct gts *g)
{
    pthread_mutex_lock(&g->mu);
    uint64_t ts = g->head.next != &g->head ? g->head.next->ts - 1 : g->last;
    pthread_mutex_unlock(&g->mu);
    return ts;
}

uint64_t gts_last(struct gts *g)
{
    pthread_mutex_lock(&g->mu);
    uint64_t ts = g->last;
    pthread_mutex_unlock(&g->mu);
    return ts;
}

uint64_t gts_ceiling(struct gts *g)
{
    pthread_mutex_lock(&g->mu);
    uint64_t c = g->ceiling;
    pthread_mutex_unlock(&g->mu);
    return c;
}
