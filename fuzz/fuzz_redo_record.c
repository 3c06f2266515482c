/*
 * fuzz_redo_record.c: libFuzzer target for the redo log's decoders and its
 * recovery.
 *
 * Every input goes, raw, through the segment-header decoder, the record
 * decoder, and a loop that decodes consecutive records as replay does; the
 * decoders must never read outside the bytes given or accept a record that
 * does not fit them.
 *
 * The same input is then read as a small log of 1 to 4 segments held in an
 * in-memory vfs and replayed by redo_replay(), to drive the torn-tail and
 * damage rules with arbitrary bytes. So that the fuzzer gets past the
 * checksums, flags in the first byte ask for valid segment headers and for
 * the record CRCs to be fixed up. Whatever the bytes, replay must return 0,
 * ERR_CORRUPT or ERR_UNSUPPORTED; after a 0 the delivered LSNs are
 * consecutive, a second replay of the (possibly cut) log must succeed with
 * the same records, and an append must get the next LSN.
 *
 * Input: byte 0 = flags (bits 0-1: segments - 1; bit 2: raw segments, no
 * header added; bit 3: make the records valid, numbering them on; bit 4: keep
 * the input's LSNs), byte 1 = replay's from_lsn (mod 64), byte 2 = extras
 * (bits 0-2: which record's CRC to spoil, 7 = none; bits 3-4: the log starts
 * at LSN 1 + 5 * that; bit 5: leave a gap of one LSN between segments), then
 * per segment a 2-byte little-endian body length and the body.
 */
#include "base/coding.h"
#include "base/crc32c.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "os/vfs.h"
#include "storage/redo.h"
#include "storage/redo_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIR_PATH  "/m"
#define MAX_FILES 16

/* ------------------------------------------------------------------------ */
/* A one-folder in-memory file system. */

struct mem_file_data {
    int used;      /* Slot holds a file. */
    char name[64]; /* Name inside the folder. */
    uint8_t *data; /* Contents. */
    size_t len;    /* Length. */
};

static struct mem_file_data files[MAX_FILES];

struct mem_handle {
    struct os_file base; /* Must be first. */
    int idx;             /* Slot in files[]. */
};

static const char *base_name(const char *path)
{
    size_t n = strlen(DIR_PATH);
    if (strncmp(path, DIR_PATH "/", n + 1) != 0)
        return NULL;
    return path + n + 1;
}

static int find_file(const char *path)
{
    const char *b = base_name(path);
    for (int i = 0; b && i < MAX_FILES; i++)
        if (files[i].used && !strcmp(files[i].name, b))
            return i;
    return -1;
}

static int add_file(const char *name, const uint8_t *d, size_t len)
{
    for (int i = 0; i < MAX_FILES; i++) {
        if (files[i].used)
            continue;
        files[i].used = 1;
        snprintf(files[i].name, sizeof files[i].name, "%s", name);
        files[i].data = malloc(len ? len : 1);
        if (len)
            memcpy(files[i].data, d, len);
        files[i].len = len;
        return i;
    }
    return -1;
}

static void reset_files(void)
{
    for (int i = 0; i < MAX_FILES; i++) {
        free(files[i].data);
        memset(&files[i], 0, sizeof files[i]);
    }
}

static int m_open(const struct os_vfs *vfs, const char *path, int flags, struct os_file **out)
{
    int i = find_file(path);
    if (i >= 0 && (flags & OS_CREATE) && (flags & OS_EXCL))
        return err_set(ERR_EXISTS, "open %s: exists", path);
    if (i < 0) {
        const char *b = base_name(path);
        if (!(flags & OS_CREATE) || !b)
            return err_set(ERR_NOT_FOUND, "open %s: not found", path);
        if ((i = add_file(b, NULL, 0)) < 0)
            return err_set(ERR_NOSPC, "open %s: too many files", path);
    }
    if (flags & OS_TRUNC)
        files[i].len = 0;
    struct mem_handle *h = malloc(sizeof *h);
    h->base.vfs = vfs;
    h->idx = i;
    *out = &h->base;
    return 0;
}

static int m_close(struct os_file *f)
{
    free(f);
    return 0;
}

static int m_pread(struct os_file *f, void *buf, size_t len, uint64_t off, size_t *n)
{
    struct mem_file_data *d = &files[((struct mem_handle *)f)->idx];
    size_t got = 0;
    if (off < d->len) {
        got = d->len - (size_t)off;
        if (got > len)
            got = len;
        memcpy(buf, d->data + off, got);
    }
    *n = got;
    return 0;
}

static int m_pwrite(struct os_file *f, const void *buf, size_t len, uint64_t off)
{
    struct mem_file_data *d = &files[((struct mem_handle *)f)->idx];
    if (off + len > d->len) {
        uint8_t *p = realloc(d->data, (size_t)off + len);
        if (!p)
            return ERR_NOMEM;
        if (off > d->len)
            memset(p + d->len, 0, (size_t)off - d->len);
        d->data = p;
        d->len = (size_t)off + len;
    }
    memcpy(d->data + off, buf, len);
    return 0;
}

static int m_sync(struct os_file *f)
{
    (void)f;
    return 0;
}

static int m_truncate(struct os_file *f, uint64_t size)
{
    struct mem_file_data *d = &files[((struct mem_handle *)f)->idx];
    if (size > d->len)
        return err_set(ERR_INVALID, "fuzz vfs: truncate only shrinks");
    d->len = (size_t)size;
    return 0;
}

static int m_size(struct os_file *f, uint64_t *size)
{
    *size = files[((struct mem_handle *)f)->idx].len;
    return 0;
}

static int m_rename(const struct os_vfs *v, const char *a, const char *b)
{
    (void)v;
    (void)a;
    (void)b;
    return err_set(ERR_UNSUPPORTED, "fuzz vfs: no rename");
}

static int m_unlink(const struct os_vfs *v, const char *path)
{
    (void)v;
    int i = find_file(path);
    if (i < 0)
        return err_set(ERR_NOT_FOUND, "unlink %s: not found", path);
    free(files[i].data);
    memset(&files[i], 0, sizeof files[i]);
    return 0;
}

static int m_mkdir(const struct os_vfs *v, const char *p)
{
    (void)v;
    (void)p;
    return ERR_EXISTS;
}

static int m_rmdir(const struct os_vfs *v, const char *p)
{
    (void)v;
    (void)p;
    return err_set(ERR_UNSUPPORTED, "fuzz vfs: no rmdir");
}

static int m_sync_dir(const struct os_vfs *v, const char *p)
{
    (void)v;
    (void)p;
    return 0;
}

static int m_list_dir(const struct os_vfs *v, const char *p, os_dir_cb cb, void *arg)
{
    (void)v;
    (void)p;
    for (int i = 0; i < MAX_FILES; i++) {
        if (!files[i].used)
            continue;
        int rc = cb(files[i].name, arg);
        if (rc)
            return rc;
    }
    return 0;
}

static int m_exists(const struct os_vfs *v, const char *p)
{
    (void)v;
    if (!strcmp(p, DIR_PATH) || !strcmp(p, "/"))
        return 0;
    return find_file(p) >= 0 ? 0 : ERR_NOT_FOUND;
}

static const struct os_vfs mem_vfs = {
    .name = "fuzz-mem",
    .open = m_open,
    .close = m_close,
    .pread = m_pread,
    .pwrite = m_pwrite,
    .sync = m_sync,
    .truncate = m_truncate,
    .size = m_size,
    .rename = m_rename,
    .unlink = m_unlink,
    .mkdir = m_mkdir,
    .rmdir = m_rmdir,
    .sync_dir = m_sync_dir,
    .list_dir = m_list_dir,
    .exists = m_exists,
};

/* ------------------------------------------------------------------------ */
/* Pure decoders. */

static void fuzz_decoders(const uint8_t *data, size_t size)
{
    struct redo_seg_header h;
    if (redo__decode_seg_header(data, size, &h) == REDO_SEG_OK && h.first_lsn == 0)
        abort();
    (void)redo__seg_status_str(redo__decode_seg_header(data, size, &h));

    /* Consecutive records, as replay walks a segment. */
    size_t off = 0;
    while (off < size) {
        struct redo_rec rec;
        enum redo_rec_status st = redo__decode_record(data + off, size - off, &rec);
        (void)redo__rec_status_str(st);
        if (st != REDO_REC_OK)
            break;
        if (rec.size != REDO_REC_HEADER_SIZE + rec.len || rec.size > size - off ||
            rec.payload != data + off + REDO_REC_HEADER_SIZE || rec.len > REDO_RECORD_MAX)
            abort();
        volatile uint8_t sink = 0;
        for (uint32_t i = 0; i < rec.len; i++)
            sink ^= rec.payload[i]; /* ASan checks the payload lies inside the input. */
        (void)sink;
        off += rec.size;
    }

    /* Encoding the input as a payload decodes back to it. */
    if (size <= 4096) {
        uint8_t *b = malloc(REDO_REC_HEADER_SIZE + size);
        redo__encode_record_header(b, 42, (uint32_t)size, redo__payload_crc(data, (uint32_t)size));
        if (size)
            memcpy(b + REDO_REC_HEADER_SIZE, data, size);
        struct redo_rec rec;
        if (redo__decode_record(b, REDO_REC_HEADER_SIZE + size, &rec) != REDO_REC_OK ||
            rec.lsn != 42 || rec.len != size || (size && memcmp(rec.payload, data, size)))
            abort();
        free(b);
    }
}

/* ------------------------------------------------------------------------ */
/* Replay of a fuzzed log. */

struct seen {
    uint64_t n;    /* Records delivered. */
    uint64_t last; /* LSN of the last one. */
    uint64_t from; /* Replay's from_lsn. */
};

static int seen_cb(uint64_t lsn, const uint8_t *p, size_t len, void *arg)
{
    struct seen *s = arg;
    if (lsn < s->from || (s->n && lsn != s->last + 1))
        abort();
    volatile uint8_t sink = 0;
    for (size_t i = 0; i < len; i++)
        sink ^= p[i];
    (void)sink;
    s->n++;
    s->last = lsn;
    return 0;
}

/*
 * Makes the records that fit in body valid: LSNs renumbered from *next_lsn
 * (unless keep_lsns) and CRCs fixed, except the record numbered break_at
 * (counting across segments with *n_done), whose CRC is spoiled. Returns how
 * many records there were.
 */
static uint64_t fix_records(uint8_t *body, size_t len, uint64_t *next_lsn, int keep_lsns,
                            uint64_t break_at, uint64_t *n_done)
{
    size_t off = 0;
    uint64_t n = 0;
    while (len - off >= REDO_REC_HEADER_SIZE) {
        uint32_t plen = le32_get(body + off);
        if (plen > len - off - REDO_REC_HEADER_SIZE)
            break;
        uint64_t lsn = keep_lsns ? le64_get(body + off + 8) : (*next_lsn)++;
        redo__encode_record_header(body + off, lsn, plen,
                                   redo__payload_crc(body + off + REDO_REC_HEADER_SIZE, plen));
        if ((*n_done)++ == break_at)
            body[off + 4] ^= 1;
        off += REDO_REC_HEADER_SIZE + plen;
        n++;
    }
    return n;
}

static int replay_once(uint64_t from, struct seen *s)
{
    struct redo_opts o = {.vfs = &mem_vfs, .dir = DIR_PATH, .segment_size = 1024, .sync = 1};
    struct redo *r;
    if (redo_open(&o, &r) != 0)
        abort();
    memset(s, 0, sizeof *s);
    s->from = from;
    int rc = redo_replay(r, from, seen_cb, s);
    if (rc == 0) {
        uint64_t lsn;
        uint64_t want = redo_last_lsn(r) + 1;
        if (s->n && s->last != want - 1)
            abort();
        if (redo_append(r, "fuzz", 4, &lsn) != 0 || lsn != want || redo_wait(r, lsn) != 0)
            abort();
    }
    redo_close(r);
    return rc;
}

static void fuzz_replay(const uint8_t *data, size_t size)
{
    if (size < 3)
        return;
    unsigned flags = data[0], extra = data[2];
    uint64_t from = data[1] % 64;
    size_t n_segs = (flags & 3) + 1;
    int raw = flags & 4, fix = flags & 8, keep_lsns = flags & 16;
    uint64_t break_at = (extra & 7) == 7 ? UINT64_MAX : (extra & 7);
    uint64_t first = 1 + ((extra >> 3) & 3) * 5; /* The log may start after from_lsn. */
    int gap = extra & 32;                        /* Segments that do not follow on. */
    uint64_t next_lsn = first, n_done = 0;
    size_t off = 3;

    reset_files();
    for (size_t i = 0; i < n_segs && off + 2 <= size; i++) {
        size_t blen = (size_t)data[off] | (size_t)data[off + 1] << 8;
        off += 2;
        if (blen > size - off)
            blen = size - off;
        uint8_t *seg = malloc(REDO_SEG_HEADER_SIZE + blen);
        size_t seg_len;
        if (raw) {
            memcpy(seg, data + off, blen);
            seg_len = blen;
        } else {
            memcpy(seg + REDO_SEG_HEADER_SIZE, data + off, blen);
            if (gap && i > 0)
                next_lsn++;
            redo__encode_seg_header(seg, i + 1, next_lsn);
            if (fix)
                fix_records(seg + REDO_SEG_HEADER_SIZE, blen, &next_lsn, keep_lsns, break_at,
                            &n_done);
            seg_len = REDO_SEG_HEADER_SIZE + blen;
        }
        off += blen;
        char name[32];
        snprintf(name, sizeof name, "%012zu.log", i + 1);
        add_file(name, seg, seg_len);
        free(seg);
    }

    struct seen a, b;
    int rc = replay_once(from, &a);
    if (rc != 0 && rc != ERR_CORRUPT && rc != ERR_UNSUPPORTED) {
        fprintf(stderr, "unexpected replay error %s: %s\n", err_name(rc), err_msg());
        abort();
    }
    if (rc == 0) {
        /* The cut log replays cleanly to the same records plus the one appended. */
        rc = replay_once(from, &b);
        if (rc != 0) {
            fprintf(stderr, "second replay failed %s: %s\n", err_name(rc), err_msg());
            abort();
        }
        if (b.n != a.n + 1)
            abort();
    }
    reset_files();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int quiet;
    if (!quiet) {
        log_set_level(LOG_OFF);
        quiet = 1;
    }
    fuzz_decoders(data, size);
    fuzz_replay(data, size);
    err_clear();
    return 0;
}
