/*
 * redo.c: the node's shared redo log: segment files, group commit, recovery.
 *
 * The log is a folder of segment files named by a growing number
 * (000000000001.log, ...). Each starts with a header naming its number and the
 * LSN of its first record; records follow back to back (formats in
 * redo_int.h). Only the newest segment, the "current" one, is written.
 *
 * Appending copies the framed record into an in-memory pending buffer under
 * the mutex and hands out the next LSN, so the file order is the LSN order.
 * The first redo_wait() caller that finds its record not yet durable and no
 * write running becomes the leader: it swaps the pending buffer for an empty
 * one (appenders carry on into that), drops the mutex, writes the whole batch
 * at the end of the current segment with one pwrite and one fdatasync, then
 * publishes the new durable LSN and wakes every waiter. Waiters covered by the
 * batch return; the others loop and one of them leads the next batch. The
 * current file, its size and the write buffer belong to whoever holds the
 * `flushing` flag, so they are read and written without the mutex.
 *
 * Any failed write, sync, or segment switch makes the log refuse all later
 * appends and waits (ERR_READONLY with the message of what failed): after a
 * failed fdatasync the kernel may have dropped the dirty pages and reports the
 * error only once, so retrying could claim durability that does not exist.
 *
 * Recovery (redo_replay) lists the segments, checks every header, skips the
 * segments that a later segment's first LSN proves to lie wholly before the
 * replay point, and reads the rest in large chunks, checking length, CRC and
 * LSN continuity. A bad record at the end of the newest segment with no
 * plausible valid record after it is a torn write and is cut off; anything
 * else is damage before the end of the log and fails with ERR_CORRUPT naming
 * the file and offset. See README.redo.md for the whole story.
 */
#include "storage/redo.h"

#include "base/buf.h"
#include "base/coding.h"
#include "base/crc32c.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "storage/redo_int.h"

#include <inttypes.h>
#include <pthread.h>
#include <time.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_SEGMENT_SIZE (64u * 1024u * 1024u)
#define READ_CHUNK           (2u * 1024u * 1024u) /* Bytes replay reads per call at least. */
#define KEEP_WRITE_BUF_CAP                                                                         \
    (8u * 1024u * 1024u) /* Larger write buffers are freed after a flush.                          \
                          */
#define PATH_CAP        4096
#define MSG_CAP         1024
#define SEG_NAME_DIGITS 12

/* A segment file the log knows of. */
struct seg {
    uint64_t no;        /* Its number (file name). */
    uint64_t first_lsn; /* LSN of its first record (from its header). */
};

struct redo {
    const struct os_vfs *vfs; /* File system. */
    char *dir;                /* Folder of the segments. */
    uint64_t segment_size;    /* Rotate once the current segment reaches this. */
    int sync;                 /* fdatasync before acknowledging. */

    pthread_mutex_t mu;   /* Guards the fields below up to the leader-owned ones. */
    pthread_cond_t cv;    /* Broadcast when a flush ends. */
    struct buf pending;   /* Framed records appended and not yet taken by a leader. */
    uint64_t next_lsn;    /* LSN the next append gets. */
    uint64_t durable_lsn; /* Every record up to this one is durable. */
    int flushing;         /* A leader is writing; it owns cur, cur_no, cur_size, writing. */
    pthread_cond_t gather_cv; /* Signalled by appends while a leader gathers (monotonic clock). */
    int gathering;        /* A leader waits briefly for more records before flushing. */
    uint64_t last_batch;  /* Records in the last flush. */
    uint64_t last_flush_ns; /* How long the last flush (write + sync) took. */
    int failed;           /* 0, or the ERR_* code of the failure that made the log refuse writes. */
    char fail_msg[MSG_CAP]; /* What failed, for every later append and wait. */
    int replayed;           /* redo_replay succeeded; appends are allowed. */
    struct seg *segs; /* Known segments, oldest first; the last is current or the one before it. */
    size_t n_segs;    /* Entries in segs. */
    size_t segs_cap;  /* Capacity of segs. */
    uint64_t n_records; /* Records appended. */
    uint64_t n_syncs;   /* Flushes (write + sync rounds) done. */

    /* Owned by the leader while flushing (and by replay/close, which run alone). */
    struct os_file *cur; /* The current segment, open for writing (NULL before replay). */
    uint64_t cur_no;     /* Its number. */
    uint64_t cur_size;   /* Its length: where the next batch goes. */
    struct buf writing;  /* The batch being written. */
};

/* ------------------------------------------------------------------------ */
/* Formats (redo_int.h) */

void redo__encode_seg_header(uint8_t *p, uint64_t seg_no, uint64_t first_lsn)
{
    le32_put(p, REDO_SEG_MAGIC);
    le32_put(p + 4, REDO_FORMAT_VERSION);
    le64_put(p + 8, seg_no);
    le64_put(p + 16, first_lsn);
    le32_put(p + 24, 0);
    le32_put(p + 28, crc32c_mask(crc32c(0, p, 28)));
}

enum redo_seg_status redo__decode_seg_header(const uint8_t *p, size_t len,
                                             struct redo_seg_header *out)
{
    if (len < REDO_SEG_HEADER_SIZE)
        return REDO_SEG_SHORT;
    if (le32_get(p) != REDO_SEG_MAGIC)
        return REDO_SEG_BAD_MAGIC;
    if (le32_get(p + 28) != crc32c_mask(crc32c(0, p, 28)))
        return REDO_SEG_BAD_CRC;
    uint32_t version = le32_get(p + 4);
    if (version != REDO_FORMAT_VERSION)
        return REDO_SEG_BAD_VERSION;
    uint64_t first_lsn = le64_get(p + 16);
    if (le32_get(p + 24) != 0 || first_lsn == 0)
        return REDO_SEG_BAD_FIELD;
    out->version = version;
    out->seg_no = le64_get(p + 8);
    out->first_lsn = first_lsn;
    return REDO_SEG_OK;
}

const char *redo__seg_status_str(enum redo_seg_status s)
{
    switch (s) {
    case REDO_SEG_OK:
        return "valid";
    case REDO_SEG_SHORT:
        return "incomplete header";
    case REDO_SEG_BAD_MAGIC:
        return "not a redo segment (bad magic)";
    case REDO_SEG_BAD_CRC:
        return "header checksum mismatch";
    case REDO_SEG_BAD_VERSION:
        return "unsupported format version";
    case REDO_SEG_BAD_FIELD:
        return "invalid header field";
    }
    return "unknown header status";
}

uint32_t redo__payload_crc(const void *payload, uint32_t len)
{
    uint8_t l[4];
    le32_put(l, len);
    uint32_t crc = crc32c(0, l, 4);
    return len ? crc32c(crc, payload, len) : crc;
}

void redo__encode_record_header(uint8_t *h, uint64_t lsn, uint32_t len, uint32_t payload_crc)
{
    le32_put(h, len);
    le64_put(h + 8, lsn);
    le32_put(h + 4, crc32c_mask(crc32c(payload_crc, h + 8, 8)));
}

enum redo_rec_status redo__decode_record(const uint8_t *p, size_t len, struct redo_rec *out)
{
    if (len < REDO_REC_HEADER_SIZE) {
        out->size = REDO_REC_HEADER_SIZE;
        return REDO_REC_SHORT;
    }
    uint32_t n = le32_get(p);
    if (n > REDO_RECORD_MAX)
        return REDO_REC_BAD_LEN;
    size_t size = REDO_REC_HEADER_SIZE + (size_t)n;
    out->size = size;
    if (len < size)
        return REDO_REC_SHORT;
    uint32_t crc = crc32c(0, p, 4);
    crc = crc32c(crc, p + REDO_REC_HEADER_SIZE, n);
    crc = crc32c(crc, p + 8, 8);
    if (crc32c_mask(crc) != le32_get(p + 4))
        return REDO_REC_BAD_CRC;
    out->lsn = le64_get(p + 8);
    out->payload = p + REDO_REC_HEADER_SIZE;
    out->len = n;
    return REDO_REC_OK;
}

const char *redo__rec_status_str(enum redo_rec_status s)
{
    switch (s) {
    case REDO_REC_OK:
        return "valid";
    case REDO_REC_SHORT:
        return "incomplete record";
    case REDO_REC_BAD_LEN:
        return "length exceeds the record limit";
    case REDO_REC_BAD_CRC:
        return "checksum mismatch";
    }
    return "unknown record status";
}

/* ------------------------------------------------------------------------ */
/* Helpers */

/* snprintf for messages that may be cut short (paths are long, messages are not). */
__attribute__((format(printf, 3, 4))) static void fmt_msg(char *out, size_t cap, const char *fmt,
                                                          ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, cap, fmt, ap);
    va_end(ap);
}

static void seg_path(const struct redo *r, uint64_t no, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%0*" PRIu64 ".log", r->dir, SEG_NAME_DIGITS, no);
}

/* Makes room for one more entry in r->segs. Caller holds the mutex or runs alone. */
static int segs_reserve(struct redo *r)
{
    if (r->n_segs < r->segs_cap)
        return 0;
    size_t cap = r->segs_cap ? r->segs_cap * 2 : 16;
    struct seg *s = mem_realloc(r->segs, cap * sizeof *s);
    if (!s)
        return err_set(ERR_NOMEM, "redo: out of memory for the segment list");
    r->segs = s;
    r->segs_cap = cap;
    return 0;
}

/*
 * Creates segment no with first_lsn durably: file, header, fdatasync, then the
 * folder's sync so the file cannot vanish after records in it are
 * acknowledged. On failure an incomplete file may remain; replay removes a
 * newest segment that holds less than a header.
 */
static int create_segment(struct redo *r, uint64_t no, uint64_t first_lsn, struct os_file **out)
{
    char path[PATH_CAP];
    uint8_t h[REDO_SEG_HEADER_SIZE];
    struct os_file *f = NULL;

    seg_path(r, no, path, sizeof path);
    int rc = r->vfs->open(r->vfs, path, OS_RDWR | OS_CREATE | OS_EXCL, &f);
    if (rc)
        return rc;
    redo__encode_seg_header(h, no, first_lsn);
    if ((rc = os_pwrite(f, h, sizeof h, 0)) != 0)
        goto fail;
    if ((rc = os_sync(f)) != 0)
        goto fail;
    if ((rc = r->vfs->sync_dir(r->vfs, r->dir)) != 0)
        goto fail;
    *out = f;
    return 0;
fail:
    os_close(f);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Open and close */

int redo_open(const struct redo_opts *opts, struct redo **out)
{
    if (!opts || !opts->vfs || !opts->dir || !opts->dir[0])
        return err_set(ERR_INVALID, "redo: open needs a vfs and a folder");
    if (strlen(opts->dir) > PATH_CAP - 64)
        return err_set(ERR_INVALID, "redo: folder path too long: %s", opts->dir);
    int rc = os_mkdirs(opts->vfs, opts->dir);
    if (rc)
        return err_prefix(rc, "redo: create folder %s", opts->dir);

    struct redo *r = mem_calloc(1, sizeof *r);
    char *dir = mem_strdup(opts->dir);
    if (!r || !dir) {
        mem_free(r);
        mem_free(dir);
        return err_set(ERR_NOMEM, "redo: out of memory opening %s", opts->dir);
    }
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        dir[--n] = '\0';
    r->vfs = opts->vfs;
    r->dir = dir;
    r->segment_size = opts->segment_size ? opts->segment_size : DEFAULT_SEGMENT_SIZE;
    r->sync = opts->sync;
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->cv, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&r->gather_cv, &ca);
    pthread_condattr_destroy(&ca);
    buf_init(&r->pending);
    buf_init(&r->writing);
    r->next_lsn = 1;
    *out = r;
    return 0;
}

void redo_close(struct redo *r)
{
    if (!r)
        return;
    pthread_mutex_lock(&r->mu);
    uint64_t last = r->next_lsn - 1;
    int flush = r->replayed && !r->failed && last > r->durable_lsn;
    pthread_mutex_unlock(&r->mu);
    if (flush && redo_wait(r, last) != 0)
        log_warn("redo: close could not flush records up to LSN %" PRIu64 ": %s", last, err_msg());
    if (r->cur)
        os_close(r->cur);
    buf_deinit(&r->pending);
    buf_deinit(&r->writing);
    mem_free(r->segs);
    pthread_cond_destroy(&r->cv);
    pthread_cond_destroy(&r->gather_cv);
    pthread_mutex_destroy(&r->mu);
    mem_free(r->dir);
    mem_free(r);
}

/* ------------------------------------------------------------------------ */
/* Append and group commit */

#define GATHER_MAX_NS 200000ULL /* Longest a leader waits for more records (200 us). */

int redo_append2(struct redo *r, const void *head, size_t head_len, const void *body,
                 size_t body_len, uint64_t *lsn)
{
    size_t len = head_len + body_len;
    /* Checked before touching payload, so a caller's bad length costs nothing. */
    if (len > REDO_RECORD_MAX || len < head_len)
        return err_set(ERR_TOO_BIG, "redo: record of %zu bytes exceeds the limit of %u bytes", len,
                       REDO_RECORD_MAX);
    /* The payload's checksum needs no LSN, so it is computed outside the mutex. */
    uint32_t pcrc = redo__payload_crc(head, (uint32_t)head_len);
    if (head_len == 0) {
        pcrc = redo__payload_crc(body, (uint32_t)body_len);
    } else if (body_len) {
        /* Same as redo__payload_crc over head + body: the length, then the bytes. */
        uint8_t l[4];
        le32_put(l, (uint32_t)len);
        pcrc = crc32c(crc32c(crc32c(0, l, 4), head, head_len), body, body_len);
    }
    uint8_t h[REDO_REC_HEADER_SIZE];
    int rc = 0;

    pthread_mutex_lock(&r->mu);
    if (r->failed) {
        rc = err_set(ERR_READONLY, "%s", r->fail_msg);
        goto out;
    }
    if (!r->replayed) {
        rc = err_set(ERR_INVALID, "redo: append before replay");
        goto out;
    }
    if (buf_reserve(&r->pending, REDO_REC_HEADER_SIZE + len) != 0) {
        rc = err_set(ERR_NOMEM, "redo: out of memory for a record of %zu bytes", len);
        goto out;
    }
    redo__encode_record_header(h, r->next_lsn, (uint32_t)len, pcrc);
    buf_append(&r->pending, h, sizeof h); /* Cannot fail after the reserve. */
    buf_append(&r->pending, head, head_len);
    buf_append(&r->pending, body, body_len);
    *lsn = r->next_lsn++;
    r->n_records++;
    if (r->gathering && r->next_lsn - 1 - r->durable_lsn >= r->last_batch)
        pthread_cond_signal(&r->gather_cv);
out:
    pthread_mutex_unlock(&r->mu);
    return rc;
}

int redo_append(struct redo *r, const void *payload, size_t len, uint64_t *lsn)
{
    return redo_append2(r, payload, len, NULL, 0, lsn);
}

/*
 * Closes the full current segment and starts the next, whose first record is
 * first_lsn. Leader only, without the mutex. Records of the old segment are
 * made durable first even with sync off: a torn record is only cut at the end
 * of the newest segment, so an older one must never end torn.
 */
static int rotate(struct redo *r, uint64_t first_lsn, char *msg, size_t msg_cap)
{
    char path[PATH_CAP];
    struct os_file *f;
    int rc;

    pthread_mutex_lock(&r->mu);
    rc = segs_reserve(r);
    pthread_mutex_unlock(&r->mu);
    if (rc) {
        /* Not fatal: the current segment just grows until the next try. */
        log_warn("redo: cannot switch segments now: %s", err_msg());
        return 0;
    }
    if (!r->sync && (rc = os_sync(r->cur)) != 0) {
        seg_path(r, r->cur_no, path, sizeof path);
        fmt_msg(msg, msg_cap, "redo: fdatasync of %s failed: %s; refusing writes until restart",
                path, err_msg());
        return rc;
    }
    if ((rc = create_segment(r, r->cur_no + 1, first_lsn, &f)) != 0) {
        seg_path(r, r->cur_no + 1, path, sizeof path);
        fmt_msg(msg, msg_cap, "redo: creating segment %s failed: %s; refusing writes until restart",
                path, err_msg());
        return rc;
    }
    os_close(r->cur);
    r->cur = f;
    r->cur_no++;
    r->cur_size = REDO_SEG_HEADER_SIZE;
    pthread_mutex_lock(&r->mu);
    r->segs[r->n_segs].no = r->cur_no;
    r->segs[r->n_segs].first_lsn = first_lsn;
    r->n_segs++;
    pthread_mutex_unlock(&r->mu);
    return 0;
}

/* Writes and syncs r->writing, whose first record is first_lsn. Leader only, without the mutex. */
static int flush_batch(struct redo *r, uint64_t first_lsn, char *msg, size_t msg_cap)
{
    char path[PATH_CAP];
    int rc;

    if (r->cur_size >= r->segment_size && r->cur_size > REDO_SEG_HEADER_SIZE &&
        (rc = rotate(r, first_lsn, msg, msg_cap)) != 0)
        return rc;
    if ((rc = os_pwrite(r->cur, r->writing.data, r->writing.len, r->cur_size)) != 0) {
        seg_path(r, r->cur_no, path, sizeof path);
        fmt_msg(msg, msg_cap,
                "redo: write of %zu bytes to %s at offset %" PRIu64
                " failed: %s; refusing writes until restart",
                r->writing.len, path, r->cur_size, err_msg());
        return rc;
    }
    if (r->sync && (rc = os_sync(r->cur)) != 0) {
        seg_path(r, r->cur_no, path, sizeof path);
        fmt_msg(msg, msg_cap, "redo: fdatasync of %s failed: %s; refusing writes until restart",
                path, err_msg());
        return rc;
    }
    r->cur_size += r->writing.len;
    return 0;
}

int redo_wait(struct redo *r, uint64_t lsn)
{
    char msg[MSG_CAP];
    int rc = 0;

    pthread_mutex_lock(&r->mu);
    for (;;) {
        /* A record made durable before a failure stays durable: saying so is the truth. */
        if (lsn <= r->durable_lsn)
            break;
        if (r->failed) {
            rc = err_set(ERR_READONLY, "%s", r->fail_msg);
            break;
        }
        if (lsn >= r->next_lsn) {
            rc = err_set(ERR_INVALID,
                         "redo: wait for LSN %" PRIu64 " but only %" PRIu64 " was assigned", lsn,
                         r->next_lsn - 1);
            break;
        }
        if (r->flushing) {
            pthread_cond_wait(&r->cv, &r->mu);
            continue;
        }
        /* Lead. When the last flush carried several records, concurrent
         * committers are about: wait a fraction of a flush's time for as many
         * records to gather, so one sync serves more of them. A lone
         * committer (last batch of 1) never waits. */
        r->flushing = 1;
        if (r->sync && r->last_batch > 1 && r->next_lsn - 1 - r->durable_lsn < r->last_batch) {
            uint64_t wait_ns = r->last_flush_ns / 4;
            if (wait_ns > GATHER_MAX_NS)
                wait_ns = GATHER_MAX_NS;
            struct timespec dl;
            clock_gettime(CLOCK_MONOTONIC, &dl);
            uint64_t ns = (uint64_t)dl.tv_nsec + wait_ns;
            dl.tv_sec += (time_t)(ns / 1000000000ULL);
            dl.tv_nsec = (long)(ns % 1000000000ULL);
            r->gathering = 1;
            while (r->next_lsn - 1 - r->durable_lsn < r->last_batch &&
                   pthread_cond_timedwait(&r->gather_cv, &r->mu, &dl) == 0)
                ;
            r->gathering = 0;
        }
        /* Take everything appended so far; appenders continue into the empty buffer. */
        struct buf t = r->pending;
        r->pending = r->writing;
        r->writing = t;
        uint64_t first = r->durable_lsn + 1;
        uint64_t last = r->next_lsn - 1;
        pthread_mutex_unlock(&r->mu);

        msg[0] = '\0';
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        int frc = flush_batch(r, first, msg, sizeof msg);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (frc && !msg[0])
            fmt_msg(msg, sizeof msg, "redo: write failed: %s; refusing writes until restart",
                    err_msg());
        if (r->writing.cap > KEEP_WRITE_BUF_CAP)
            buf_deinit(&r->writing);
        else
            buf_reset(&r->writing);

        pthread_mutex_lock(&r->mu);
        if (frc) {
            r->failed = frc;
            snprintf(r->fail_msg, sizeof r->fail_msg, "%s", msg);
            log_error("%s", msg);
        } else {
            r->durable_lsn = last;
            r->n_syncs++;
            r->last_batch = last - first + 1;
            r->last_flush_ns = (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000000ULL +
                               (uint64_t)t1.tv_nsec - (uint64_t)t0.tv_nsec;
        }
        r->flushing = 0;
        pthread_cond_broadcast(&r->cv);
    }
    pthread_mutex_unlock(&r->mu);
    return rc;
}

uint64_t redo_durable_lsn(struct redo *r)
{
    pthread_mutex_lock(&r->mu);
    uint64_t v = r->durable_lsn;
    pthread_mutex_unlock(&r->mu);
    return v;
}

uint64_t redo_last_lsn(struct redo *r)
{
    pthread_mutex_lock(&r->mu);
    uint64_t v = r->next_lsn - 1;
    pthread_mutex_unlock(&r->mu);
    return v;
}

void redo_stats(struct redo *r, uint64_t *n_records, uint64_t *n_syncs)
{
    pthread_mutex_lock(&r->mu);
    if (n_records)
        *n_records = r->n_records;
    if (n_syncs)
        *n_syncs = r->n_syncs;
    pthread_mutex_unlock(&r->mu);
}

/* ------------------------------------------------------------------------ */
/* Checkpoint truncation */

int redo_truncate_before(struct redo *r, uint64_t lsn)
{
    char path[PATH_CAP];
    int rc = 0, removed = 0;

    /*
     * One segment at a time, so no allocation is needed: the oldest goes when
     * the next one starts at or below lsn. The last listed segment is never
     * removed; a segment being created by a leader right now is not listed
     * yet, and the one before it is then the last.
     */
    for (;;) {
        pthread_mutex_lock(&r->mu);
        if (r->n_segs < 2 || r->segs[1].first_lsn > lsn) {
            pthread_mutex_unlock(&r->mu);
            break;
        }
        uint64_t no = r->segs[0].no;
        memmove(r->segs, r->segs + 1, (r->n_segs - 1) * sizeof *r->segs);
        r->n_segs--;
        pthread_mutex_unlock(&r->mu);

        seg_path(r, no, path, sizeof path);
        int urc = r->vfs->unlink(r->vfs, path);
        if (urc && urc != ERR_NOT_FOUND && !rc)
            rc = err_prefix(urc, "redo: remove segment %s", path);
        removed = 1;
    }
    if (removed) {
        int src = r->vfs->sync_dir(r->vfs, r->dir);
        if (src && !rc)
            rc = err_prefix(src, "redo: sync folder %s after removing segments", r->dir);
    }
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Replay */

/* A window over one segment file, refilled in large reads. */
struct seg_reader {
    struct os_file *f;  /* The segment. */
    const char *path;   /* Its path, for messages. */
    uint64_t file_size; /* Its length when replay began. */
    uint8_t *buf;       /* Window bytes. */
    size_t cap;         /* Capacity of buf. */
    uint64_t buf_off;   /* File offset of buf[0]. */
    size_t buf_len;     /* Valid bytes in buf. */
};

/*
 * Makes the file bytes from off available at *p: *avail is how many (at least
 * min(want, file_size - off) unless the file shrank under us, maybe more).
 */
static int reader_get(struct seg_reader *rd, uint64_t off, size_t want, const uint8_t **p,
                      size_t *avail)
{
    if (off >= rd->file_size) {
        *p = rd->buf;
        *avail = 0;
        return 0;
    }
    if (want > rd->file_size - off)
        want = (size_t)(rd->file_size - off);
    if (off < rd->buf_off || off > rd->buf_off + rd->buf_len) {
        rd->buf_off = off;
        rd->buf_len = 0;
    }
    size_t start = (size_t)(off - rd->buf_off);
    if (rd->buf_len - start < want) {
        /* Keep the unread tail, move it to the front, then fill the rest. */
        if (start > 0 && rd->buf_len > start)
            memmove(rd->buf, rd->buf + start, rd->buf_len - start);
        rd->buf_len -= start;
        rd->buf_off = off;
        start = 0;
        /* A large read, but no larger than what is left of the file. */
        uint64_t left = rd->file_size - off;
        size_t need = want > READ_CHUNK ? want : READ_CHUNK;
        if (need > left)
            need = (size_t)left;
        if (need > rd->cap) {
            uint8_t *nb = mem_realloc(rd->buf, need);
            if (!nb)
                return err_set(ERR_NOMEM, "redo replay %s: out of memory for %zu bytes", rd->path,
                               need);
            rd->buf = nb;
            rd->cap = need;
        }
        uint64_t end = rd->buf_off + rd->buf_len;
        size_t n = rd->cap - rd->buf_len;
        if (n > rd->file_size - end)
            n = (size_t)(rd->file_size - end);
        size_t got = 0;
        int rc = os_pread(rd->f, rd->buf + rd->buf_len, n, end, &got);
        if (rc)
            return err_prefix(rc, "redo replay");
        rd->buf_len += got;
        if (got < n)
            rd->file_size = end + got; /* Shorter than it was: nothing beyond exists. */
    }
    *p = rd->buf + start;
    *avail = rd->buf_len - start;
    return 0;
}

/* Decodes the record at off, reading as much as it needs. */
static int reader_record(struct seg_reader *rd, uint64_t off, enum redo_rec_status *st,
                         struct redo_rec *rec)
{
    const uint8_t *p;
    size_t avail;
    size_t want = REDO_REC_HEADER_SIZE;
    for (;;) {
        int rc = reader_get(rd, off, want, &p, &avail);
        if (rc)
            return rc;
        *st = redo__decode_record(p, avail, rec);
        if (*st != REDO_REC_SHORT || rec->size <= want || off + avail >= rd->file_size)
            return 0;
        want = rec->size;
    }
}

/*
 * Looks for a record after a bad one at bad_off (which should have held LSN
 * bad_lsn) that could have been written after it: CRC-valid, and with an LSN
 * that records between could lead to (each takes at least a header's bytes).
 * The LSN test keeps the scan linear over garbage; any hit means the log was
 * damaged before its end rather than torn. Sets *found_off or leaves it
 * UINT64_MAX.
 */
static int find_valid_after(struct seg_reader *rd, uint64_t bad_off, uint64_t bad_lsn,
                            uint64_t *found_off)
{
    *found_off = UINT64_MAX;
    for (uint64_t o = bad_off + 1; o + REDO_REC_HEADER_SIZE <= rd->file_size; o++) {
        const uint8_t *p;
        size_t avail;
        int rc = reader_get(rd, o, REDO_REC_HEADER_SIZE, &p, &avail);
        if (rc)
            return rc;
        if (avail < REDO_REC_HEADER_SIZE)
            break;
        uint32_t len = le32_get(p);
        uint64_t lsn = le64_get(p + 8);
        if (len > REDO_RECORD_MAX || o + REDO_REC_HEADER_SIZE + len > rd->file_size)
            continue;
        if (lsn < bad_lsn || lsn - bad_lsn > (o - bad_off) / REDO_REC_HEADER_SIZE)
            continue;
        enum redo_rec_status st;
        struct redo_rec rec;
        if ((rc = reader_record(rd, o, &st, &rec)) != 0)
            return rc;
        if (st == REDO_REC_OK) {
            *found_off = o;
            return 0;
        }
    }
    return 0;
}

/* A segment found by replay. */
struct seg_found {
    uint64_t no;        /* Number from the file name. */
    uint64_t first_lsn; /* From its header. */
    uint64_t size;      /* File length. */
};

struct seg_list {
    struct seg_found *v; /* Entries. */
    size_t n;            /* Used. */
    size_t cap;          /* Allocated. */
};

/* list_dir callback: keeps names of the exact form NNNNNNNNNNNN.log. */
static int collect_segment(const char *name, void *arg)
{
    struct seg_list *l = arg;
    size_t n = strlen(name);
    if (n < SEG_NAME_DIGITS + 4 || n > 20 + 4 || strcmp(name + n - 4, ".log") != 0)
        return 0;
    uint64_t no = 0;
    for (size_t i = 0; i < n - 4; i++) {
        if (name[i] < '0' || name[i] > '9')
            return 0;
        uint64_t d = (uint64_t)(name[i] - '0');
        if (no > (UINT64_MAX - d) / 10)
            return 0;
        no = no * 10 + d;
    }
    char canon[32];
    snprintf(canon, sizeof canon, "%0*" PRIu64 ".log", SEG_NAME_DIGITS, no);
    if (strcmp(canon, name) != 0 || no == 0)
        return 0;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        struct seg_found *v = mem_realloc(l->v, cap * sizeof *v);
        if (!v)
            return err_set(ERR_NOMEM, "redo replay: out of memory listing segments");
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n].no = no;
    l->v[l->n].first_lsn = 0;
    l->v[l->n].size = 0;
    l->n++;
    return 0;
}

static int cmp_seg(const void *a, const void *b)
{
    const struct seg_found *x = a, *y = b;
    return x->no < y->no ? -1 : x->no > y->no;
}

/*
 * Reads every segment's header. A newest segment holding less than a header
 * that does not decode was being created when the process stopped (records
 * are never written before the header is durable): it is removed. Any other
 * bad header is damage.
 */
static int read_headers(struct redo *r, struct seg_list *l)
{
    char path[PATH_CAP];
    for (size_t i = 0; i < l->n; i++) {
        struct seg_found *s = &l->v[i];
        struct os_file *f;
        uint8_t h[REDO_SEG_HEADER_SIZE];
        size_t got = 0;
        seg_path(r, s->no, path, sizeof path);
        int rc = r->vfs->open(r->vfs, path, OS_RDONLY, &f);
        if (rc)
            return err_prefix(rc, "redo replay");
        rc = os_size(f, &s->size);
        if (!rc)
            rc = os_pread(f, h, sizeof h, 0, &got);
        os_close(f);
        if (rc)
            return err_prefix(rc, "redo replay");
        struct redo_seg_header hd;
        enum redo_seg_status st = redo__decode_seg_header(h, got, &hd);
        if (st == REDO_SEG_OK) {
            if (hd.seg_no != s->no)
                return err_set(ERR_CORRUPT, "redo %s: header names segment %" PRIu64, path,
                               hd.seg_no);
            if (i > 0 && hd.first_lsn < l->v[i - 1].first_lsn)
                return err_set(ERR_CORRUPT,
                               "redo %s: segment starts at LSN %" PRIu64
                               ", before the previous segment's first LSN %" PRIu64,
                               path, hd.first_lsn, l->v[i - 1].first_lsn);
            s->first_lsn = hd.first_lsn;
            continue;
        }
        if (st == REDO_SEG_BAD_VERSION)
            return err_set(ERR_UNSUPPORTED,
                           "redo %s: segment format version %" PRIu32
                           " is not supported (this build reads %u)",
                           path, le32_get(h + 4), REDO_FORMAT_VERSION);
        int torn = i == l->n - 1 && s->size <= REDO_SEG_HEADER_SIZE &&
                   (st == REDO_SEG_SHORT || st == REDO_SEG_BAD_MAGIC || st == REDO_SEG_BAD_CRC);
        if (!torn)
            return err_set(ERR_CORRUPT,
                           "redo %s: segment header at offset 0: %s; the log is "
                           "damaged before its end",
                           path, redo__seg_status_str(st));
        log_warn("redo: removing %s, a segment whose creation was interrupted (%" PRIu64
                 " bytes, %s)",
                 path, s->size, redo__seg_status_str(st));
        if ((rc = r->vfs->unlink(r->vfs, path)) != 0 ||
            (rc = r->vfs->sync_dir(r->vfs, r->dir)) != 0)
            return err_prefix(rc, "redo replay");
        l->n--;
    }
    return 0;
}

/*
 * Reads the records of one segment from its header on, checking them and
 * passing those at or after from_lsn to cb. *expected is the LSN the next
 * record must carry (advanced as records are read); *end_off receives the
 * offset after the last good record. In the newest segment (newest != 0) a
 * torn tail is cut off.
 */
static int replay_segment(struct os_file *f, const char *path, uint64_t size, int newest,
                          uint64_t from_lsn, redo_replay_cb cb, void *arg, uint64_t *expected,
                          uint64_t *end_off, uint8_t **buf, size_t *cap)
{
    struct seg_reader rd = {.f = f, .path = path, .file_size = size, .buf = *buf, .cap = *cap};
    uint64_t off = REDO_SEG_HEADER_SIZE;
    int rc = 0;
    char why[128];

    for (;;) {
        enum redo_rec_status st;
        struct redo_rec rec;
        if (off >= rd.file_size)
            break;
        if ((rc = reader_record(&rd, off, &st, &rec)) != 0)
            goto out;
        if (st == REDO_REC_OK && rec.lsn == *expected) {
            if (rec.lsn >= from_lsn && (rc = cb(rec.lsn, rec.payload, rec.len, arg)) != 0)
                goto out;
            (*expected)++;
            off += rec.size;
            continue;
        }
        /* A bad record at off. */
        if (st == REDO_REC_OK)
            snprintf(why, sizeof why, "LSN %" PRIu64 ", expected %" PRIu64, rec.lsn, *expected);
        else if (st == REDO_REC_SHORT)
            snprintf(why, sizeof why, "incomplete record (%" PRIu64 " of %zu bytes present)",
                     rd.file_size - off, rec.size);
        else
            snprintf(why, sizeof why, "%s", redo__rec_status_str(st));
        uint64_t found = UINT64_MAX;
        if (newest && st != REDO_REC_OK &&
            (rc = find_valid_after(&rd, off, *expected, &found)) != 0)
            goto out;
        if (!newest || st == REDO_REC_OK || found != UINT64_MAX) {
            if (found != UINT64_MAX)
                rc = err_set(ERR_CORRUPT,
                             "redo %s: record at offset %" PRIu64 ": %s; a valid record follows "
                             "at offset %" PRIu64 ", so the log is damaged before its end",
                             path, off, why, found);
            else
                rc = err_set(ERR_CORRUPT,
                             "redo %s: record at offset %" PRIu64 ": %s; the log is damaged "
                             "before its end",
                             path, off, why);
            goto out;
        }
        /* Torn tail: nothing valid after it, so it was never acknowledged. */
        log_warn("redo: cutting the torn tail of %s at offset %" PRIu64 " (%" PRIu64 " bytes: %s)",
                 path, off, rd.file_size - off, why);
        if ((rc = os_truncate(f, off)) != 0 || (rc = os_sync(f)) != 0) {
            rc = err_prefix(rc, "redo replay: cut torn tail of %s", path);
            goto out;
        }
        break;
    }
    *end_off = off;
out:
    *buf = rd.buf; /* Kept for the next segment. */
    *cap = rd.cap;
    return rc;
}

int redo_replay(struct redo *r, uint64_t from_lsn, redo_replay_cb cb, void *arg)
{
    char path[PATH_CAP];
    struct seg_list l = {0};
    struct os_file *f = NULL;
    uint8_t *rbuf = NULL; /* Read window shared by the segments. */
    size_t rbuf_cap = 0;
    int rc;

    if (r->replayed || r->cur)
        return err_set(ERR_INVALID, "redo: replay may run only once, before appends");
    if (from_lsn == 0)
        from_lsn = 1;
    if ((rc = r->vfs->list_dir(r->vfs, r->dir, collect_segment, &l)) != 0) {
        if (rc != ERR_NOMEM)
            rc = err_prefix(rc, "redo replay: list %s", r->dir);
        goto out;
    }
    if (l.n > 1)
        qsort(l.v, l.n, sizeof *l.v, cmp_seg);
    if ((rc = read_headers(r, &l)) != 0)
        goto out;

    /* Skip segments that the next segment's first LSN proves to lie before from_lsn. */
    size_t start = 0;
    while (start + 1 < l.n && l.v[start + 1].first_lsn <= from_lsn)
        start++;
    uint64_t expected = from_lsn;
    uint64_t end_off = 0;
    if (l.n > 0) {
        if (l.v[start].first_lsn > from_lsn) {
            seg_path(r, l.v[start].no, path, sizeof path);
            rc = err_set(ERR_CORRUPT,
                         "redo %s: the log starts at LSN %" PRIu64 " but replay from LSN %" PRIu64
                         " needs earlier records",
                         path, l.v[start].first_lsn, from_lsn);
            goto out;
        }
        expected = l.v[start].first_lsn;
    }
    for (size_t i = start; i < l.n; i++) {
        int newest = i == l.n - 1;
        seg_path(r, l.v[i].no, path, sizeof path);
        if (l.v[i].first_lsn != expected) {
            rc = err_set(ERR_CORRUPT,
                         "redo %s: segment starts at LSN %" PRIu64 " but the previous one ended "
                         "before LSN %" PRIu64 "; the log is damaged before its end",
                         path, l.v[i].first_lsn, expected);
            goto out;
        }
        if ((rc = r->vfs->open(r->vfs, path, newest ? OS_RDWR : OS_RDONLY, &f)) != 0) {
            rc = err_prefix(rc, "redo replay");
            goto out;
        }
        /* The newest segment's records may be only in the page cache (the
         * process stopped between write and fdatasync); the callbacks may
         * make them the base of durable state (a merge during replay), so
         * they are made durable before they are handed out. */
        if (newest && r->sync && (rc = os_sync(f)) != 0) {
            rc = err_prefix(rc, "redo replay: sync %s", path);
            goto out;
        }
        rc = replay_segment(f, path, l.v[i].size, newest, from_lsn, cb, arg, &expected, &end_off,
                            &rbuf, &rbuf_cap);
        if (rc)
            goto out;
        if (!newest) {
            os_close(f);
            f = NULL;
        }
    }

    /*
     * Where appends go: after the last good record, unless from_lsn lies
     * beyond it (the records between were lost with an unsynced tail, or
     * removed): then a fresh segment starts at from_lsn so that no segment
     * has a gap, and the older ones, all before from_lsn, are removed.
     */
    uint64_t next = expected > from_lsn ? expected : from_lsn;
    if (l.n == 0 || next != expected) {
        uint64_t no = l.n ? l.v[l.n - 1].no + 1 : 1;
        struct os_file *nf;
        if ((rc = create_segment(r, no, next, &nf)) != 0) {
            rc = err_prefix(rc, "redo replay: create segment");
            goto out;
        }
        if (f)
            os_close(f);
        f = nf;
        for (size_t i = 0; i < l.n; i++) {
            seg_path(r, l.v[i].no, path, sizeof path);
            if ((rc = r->vfs->unlink(r->vfs, path)) != 0) {
                rc = err_prefix(rc, "redo replay: remove segment before LSN %" PRIu64, next);
                goto out;
            }
        }
        if (l.n && (rc = r->vfs->sync_dir(r->vfs, r->dir)) != 0) {
            rc = err_prefix(rc, "redo replay");
            goto out;
        }
        if (!l.v && !(l.v = mem_alloc(sizeof *l.v))) {
            rc = err_set(ERR_NOMEM, "redo replay: out of memory");
            goto out;
        }
        l.n = 1;
        l.v[0].no = no;
        l.v[0].first_lsn = next;
        end_off = REDO_SEG_HEADER_SIZE;
    } else if (r->sync && end_off > REDO_SEG_HEADER_SIZE) {
        /*
         * The records replayed may be only in the page cache (the process
         * stopped between write and fdatasync). They are about to be treated
         * as committed, so make them durable first.
         */
        if ((rc = os_sync(f)) != 0) {
            rc = err_prefix(rc, "redo replay: sync %s", path);
            goto out;
        }
    }

    r->segs = mem_alloc(l.n * sizeof *r->segs);
    if (!r->segs) {
        rc = err_set(ERR_NOMEM, "redo replay: out of memory");
        goto out;
    }
    for (size_t i = 0; i < l.n; i++) {
        r->segs[i].no = l.v[i].no;
        r->segs[i].first_lsn = l.v[i].first_lsn;
    }
    r->n_segs = r->segs_cap = l.n;
    r->cur = f;
    f = NULL;
    r->cur_no = l.v[l.n - 1].no;
    r->cur_size = end_off;
    pthread_mutex_lock(&r->mu);
    r->next_lsn = next;
    r->durable_lsn = next - 1;
    r->replayed = 1;
    pthread_mutex_unlock(&r->mu);
out:
    if (f)
        os_close(f);
    mem_free(rbuf);
    mem_free(l.v);
    return rc;
}
