/*
 * test_redo.c: unit tests of storage/redo.c, the shared redo log: the record
 * and segment formats, append/wait/replay round trips across segments, LSN
 * continuity, checkpoint truncation, torn tails cut at every offset, damage
 * refused with file and offset, group commit under 8 threads, and the sticky
 * read-only state after a failed write or fdatasync (through a small failing
 * vfs defined here).
 */
#include "test.h"

#include "base/coding.h"
#include "base/crc32c.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "os/clock.h"
#include "os/vfs.h"
#include "storage/redo.h"
#include "storage/redo_int.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------------ */
/* Payloads derived from (seed, key) so tests need not keep them. */

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static uint64_t rng_next(uint64_t *s)
{
    *s += 0x9e3779b97f4a7c15ULL;
    return mix64(*s);
}

/* Length of the payload for key: mostly small, some up to 1 MiB, some empty. */
static size_t payload_len(uint64_t seed, uint64_t key, int big)
{
    uint64_t h = mix64(seed ^ (key * 0x100000001b3ULL));
    unsigned pick = (unsigned)(h % 1000);
    h >>= 10;
    if (pick < 30)
        return 0;
    if (big && pick < 45)
        return (size_t)(h % (1024 * 1024 + 1));
    if (pick < 200)
        return (size_t)(h % 16384);
    return (size_t)(h % 300);
}

static void payload_fill(uint64_t seed, uint64_t key, uint8_t *out, size_t len)
{
    uint64_t s = seed ^ mix64(key + 17);
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t v = rng_next(&s);
        memcpy(out + i, &v, 8);
    }
    uint64_t v = rng_next(&s);
    for (; i < len; i++, v >>= 8)
        out[i] = (uint8_t)v;
}

static uint8_t *scratch; /* 1 MiB payload buffer shared by the single-threaded tests. */

static uint8_t *scratch_buf(void)
{
    if (!scratch)
        scratch = malloc(1024 * 1024 + 64);
    return scratch;
}

/* ------------------------------------------------------------------------ */
/* Opening and replaying with checks. */

static struct redo *open_log(const struct os_vfs *vfs, const char *dir, uint64_t seg_size, int sync)
{
    struct redo_opts o = {
        .vfs = vfs ? vfs : os_vfs_posix(), .dir = dir, .segment_size = seg_size, .sync = sync};
    struct redo *r = NULL;
    ASSERT_OK(redo_open(&o, &r));
    return r;
}

/* Replay state: records must come in LSN order and match the generator (key = LSN). */
struct check {
    uint64_t seed;  /* Generator seed. */
    int big;        /* Generator allows 1 MiB payloads. */
    uint64_t n;     /* Records seen. */
    uint64_t first; /* First LSN seen. */
    uint64_t last;  /* Last LSN seen. */
    char bad[256];  /* First problem found, or empty. */
    uint8_t *tmp;   /* Buffer for expected payloads. */
};

static int check_cb(uint64_t lsn, const uint8_t *payload, size_t len, void *arg)
{
    struct check *c = arg;
    if (c->n == 0)
        c->first = lsn;
    else if (lsn != c->last + 1) {
        snprintf(c->bad, sizeof c->bad, "LSN %llu after %llu", (unsigned long long)lsn,
                 (unsigned long long)c->last);
        return ERR_INTERNAL;
    }
    size_t want = payload_len(c->seed, lsn, c->big);
    if (len != want) {
        snprintf(c->bad, sizeof c->bad, "LSN %llu: length %zu, expected %zu",
                 (unsigned long long)lsn, len, want);
        return ERR_INTERNAL;
    }
    payload_fill(c->seed, lsn, c->tmp, len);
    if (len && memcmp(c->tmp, payload, len) != 0) {
        snprintf(c->bad, sizeof c->bad, "LSN %llu: payload differs", (unsigned long long)lsn);
        return ERR_INTERNAL;
    }
    c->last = lsn;
    c->n++;
    return 0;
}

static void check_init(struct check *c, uint64_t seed, int big)
{
    memset(c, 0, sizeof *c);
    c->seed = seed;
    c->big = big;
    c->tmp = scratch_buf();
}

/* Replays from from_lsn, asserting success and the generator's contents. */
static void replay_ok(struct redo *r, uint64_t from, struct check *c)
{
    int rc = redo_replay(r, from, check_cb, c);
    if (c->bad[0])
        test_fail_(__FILE__, __LINE__, "replay delivered wrong data: %s", c->bad);
    if (rc)
        test_fail_(__FILE__, __LINE__, "replay failed: %s (%s)", err_name(rc), err_msg());
}

/* Appends the generator's record for the next LSN, which must be expect_lsn. */
static void append_gen(struct redo *r, uint64_t seed, int big, uint64_t expect_lsn)
{
    uint8_t *b = scratch_buf();
    size_t len = payload_len(seed, expect_lsn, big);
    payload_fill(seed, expect_lsn, b, len);
    uint64_t lsn = 0;
    ASSERT_OK(redo_append(r, b, len, &lsn));
    ASSERT_U64_EQ(lsn, expect_lsn);
}

/* Appends records up to LSN `to` (from the log's next), waiting every few records. */
static void fill(struct redo *r, uint64_t seed, int big, uint64_t to, uint64_t *rng)
{
    uint64_t lsn = redo_last_lsn(r);
    uint64_t next_wait = lsn + 1 + rng_next(rng) % 20;
    while (lsn < to) {
        lsn++;
        append_gen(r, seed, big, lsn);
        if (lsn >= next_wait || lsn == to) {
            ASSERT_OK(redo_wait(r, lsn));
            ASSERT(redo_durable_lsn(r) >= lsn);
            next_wait = lsn + 1 + rng_next(rng) % 20;
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Files. */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Lists the segment numbers in dir, sorted; returns how many (at most cap). */
static size_t list_segs(const char *dir, uint64_t *nos, size_t cap)
{
    DIR *d = opendir(dir);
    ASSERT(d != NULL);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l == 16 && !strcmp(e->d_name + 12, ".log") && n < cap)
            nos[n++] = strtoull(e->d_name, NULL, 10);
    }
    closedir(d);
    qsort(nos, n, sizeof *nos, cmp_u64);
    return n;
}

static void seg_file(const char *dir, uint64_t no, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%012llu.log", dir, (unsigned long long)no);
}

static uint8_t *read_all(const char *path, size_t *len)
{
    uint8_t *d = NULL;
    ASSERT_OK(os_read_file(os_vfs_posix(), path, &d, len));
    return d;
}

static void write_all(const char *path, const uint8_t *d, size_t len)
{
    FILE *f = fopen(path, "wb");
    ASSERT(f != NULL);
    ASSERT_EQ(fwrite(d, 1, len, f), len);
    ASSERT_EQ(fclose(f), 0);
}

static uint64_t file_size(const char *path)
{
    struct stat st;
    ASSERT_EQ(stat(path, &st), 0);
    return (uint64_t)st.st_size;
}

/* First LSN from a segment file's header. */
static uint64_t seg_first_lsn(const char *path)
{
    size_t len;
    uint8_t *d = read_all(path, &len);
    struct redo_seg_header h;
    ASSERT_EQ(redo__decode_seg_header(d, len, &h), REDO_SEG_OK);
    mem_free(d);
    return h.first_lsn;
}

/* Puts back the newest segment `no` as orig and removes any segment opened after it. */
static void restore_last(const char *dir, uint64_t no, const uint8_t *orig, size_t len)
{
    uint64_t nos[4096];
    char path[700];
    size_t n = list_segs(dir, nos, 4096);
    for (size_t i = 0; i < n; i++) {
        if (nos[i] > no) {
            seg_file(dir, nos[i], path, sizeof path);
            ASSERT_EQ(unlink(path), 0);
        }
    }
    seg_file(dir, no, path, sizeof path);
    write_all(path, orig, len);
}

/* Offsets and LSNs of the records of a segment file (must be intact). */
static size_t seg_records(const char *path, uint64_t *offs, uint64_t *lsns, size_t cap)
{
    size_t len;
    uint8_t *d = read_all(path, &len);
    size_t off = REDO_SEG_HEADER_SIZE, n = 0;
    while (off < len) {
        struct redo_rec rec;
        ASSERT_EQ(redo__decode_record(d + off, len - off, &rec), REDO_REC_OK);
        ASSERT(n < cap);
        offs[n] = off;
        lsns[n] = rec.lsn;
        n++;
        off += rec.size;
    }
    mem_free(d);
    return n;
}

static void flip_byte(const char *path, uint64_t off)
{
    size_t len;
    uint8_t *d = read_all(path, &len);
    ASSERT(off < len);
    d[off] ^= 0x40;
    write_all(path, d, len);
    mem_free(d);
}

/* ------------------------------------------------------------------------ */
/* A small failing vfs over the real one. */

struct tvfs {
    struct os_vfs vfs;          /* The table handed out; state points here. */
    const struct os_vfs *inner; /* The real file system. */
    pthread_mutex_t mu;         /* Guards the counters below. */
    int fail_sync;              /* Every fdatasync fails while set. */
    int fail_pwrite;            /* Every pwrite writes half its bytes, then fails, while set. */
    int fail_create;            /* Every open with OS_CREATE fails while set. */
    uint64_t n_syncs;           /* fdatasyncs that reached the disk. */
};

struct tfile {
    struct os_file base;   /* Must be first. */
    struct os_file *inner; /* The real file. */
    struct tvfs *t;        /* Owner. */
};

static int tflag(struct tvfs *t, int *flag)
{
    pthread_mutex_lock(&t->mu);
    int v = *flag;
    pthread_mutex_unlock(&t->mu);
    return v;
}

static int t_open(const struct os_vfs *vfs, const char *path, int flags, struct os_file **out)
{
    struct tvfs *t = vfs->state;
    if ((flags & OS_CREATE) && tflag(t, &t->fail_create))
        return err_set(ERR_IO, "open %s: Input/output error (injected)", path);
    struct tfile *f = mem_alloc(sizeof *f);
    if (!f)
        return ERR_NOMEM;
    int rc = t->inner->open(t->inner, path, flags, &f->inner);
    if (rc) {
        mem_free(f);
        return rc;
    }
    f->base.vfs = vfs;
    f->t = t;
    *out = &f->base;
    return 0;
}

static int t_close(struct os_file *file)
{
    struct tfile *f = (struct tfile *)file;
    int rc = os_close(f->inner);
    mem_free(f);
    return rc;
}

static int t_pread(struct os_file *file, void *b, size_t n, uint64_t off, size_t *got)
{
    return os_pread(((struct tfile *)file)->inner, b, n, off, got);
}

static int t_pwrite(struct os_file *file, const void *b, size_t n, uint64_t off)
{
    struct tfile *f = (struct tfile *)file;
    if (tflag(f->t, &f->t->fail_pwrite)) {
        if (n / 2)
            os_pwrite(f->inner, b, n / 2, off);
        return err_set(ERR_NOSPC, "write: short write at offset %llu (injected)",
                       (unsigned long long)(off + n / 2));
    }
    return os_pwrite(f->inner, b, n, off);
}

static int t_sync(struct os_file *file)
{
    struct tfile *f = (struct tfile *)file;
    if (tflag(f->t, &f->t->fail_sync))
        return err_set(ERR_IO, "fdatasync: Input/output error (injected)");
    pthread_mutex_lock(&f->t->mu);
    f->t->n_syncs++;
    pthread_mutex_unlock(&f->t->mu);
    return os_sync(f->inner);
}

static int t_truncate(struct os_file *file, uint64_t size)
{
    return os_truncate(((struct tfile *)file)->inner, size);
}

static int t_size(struct os_file *file, uint64_t *size)
{
    return os_size(((struct tfile *)file)->inner, size);
}

#define T_INNER(vfs) (((struct tvfs *)(vfs)->state)->inner)
static int t_rename(const struct os_vfs *v, const char *a, const char *b)
{
    return T_INNER(v)->rename(T_INNER(v), a, b);
}
static int t_unlink(const struct os_vfs *v, const char *p)
{
    return T_INNER(v)->unlink(T_INNER(v), p);
}
static int t_mkdir(const struct os_vfs *v, const char *p)
{
    return T_INNER(v)->mkdir(T_INNER(v), p);
}
static int t_rmdir(const struct os_vfs *v, const char *p)
{
    return T_INNER(v)->rmdir(T_INNER(v), p);
}
static int t_sync_dir(const struct os_vfs *v, const char *p)
{
    return T_INNER(v)->sync_dir(T_INNER(v), p);
}
static int t_list_dir(const struct os_vfs *v, const char *p, os_dir_cb cb, void *arg)
{
    return T_INNER(v)->list_dir(T_INNER(v), p, cb, arg);
}
static int t_exists(const struct os_vfs *v, const char *p)
{
    return T_INNER(v)->exists(T_INNER(v), p);
}

static void tvfs_init(struct tvfs *t)
{
    memset(t, 0, sizeof *t);
    t->inner = os_vfs_posix();
    pthread_mutex_init(&t->mu, NULL);
    t->vfs = (struct os_vfs){
        .name = "test-fail",
        .open = t_open,
        .close = t_close,
        .pread = t_pread,
        .pwrite = t_pwrite,
        .sync = t_sync,
        .truncate = t_truncate,
        .size = t_size,
        .rename = t_rename,
        .unlink = t_unlink,
        .mkdir = t_mkdir,
        .rmdir = t_rmdir,
        .sync_dir = t_sync_dir,
        .list_dir = t_list_dir,
        .exists = t_exists,
        .state = t,
    };
}

static void tset(struct tvfs *t, int *flag, int v)
{
    pthread_mutex_lock(&t->mu);
    *flag = v;
    pthread_mutex_unlock(&t->mu);
}

/* ------------------------------------------------------------------------ */
/* Formats. */

TEST(redo_format_decoders)
{
    uint8_t h[REDO_SEG_HEADER_SIZE];
    struct redo_seg_header sh;
    redo__encode_seg_header(h, 7, 1234);
    ASSERT_EQ(redo__decode_seg_header(h, sizeof h, &sh), REDO_SEG_OK);
    ASSERT_U64_EQ(sh.seg_no, 7);
    ASSERT_U64_EQ(sh.first_lsn, 1234);
    ASSERT_EQ(sh.version, REDO_FORMAT_VERSION);
    ASSERT_EQ(redo__decode_seg_header(h, sizeof h - 1, &sh), REDO_SEG_SHORT);
    for (size_t i = 0; i < sizeof h; i++) {
        uint8_t c[REDO_SEG_HEADER_SIZE];
        memcpy(c, h, sizeof c);
        c[i] ^= 1;
        ASSERT_NE(redo__decode_seg_header(c, sizeof c, &sh), REDO_SEG_OK);
    }
    /* A CRC-valid header of another version, and one with LSN 0. */
    le32_put(h + 4, 2);
    le32_put(h + 28, crc32c_mask(crc32c(0, h, 28)));
    ASSERT_EQ(redo__decode_seg_header(h, sizeof h, &sh), REDO_SEG_BAD_VERSION);
    redo__encode_seg_header(h, 1, 0);
    ASSERT_EQ(redo__decode_seg_header(h, sizeof h, &sh), REDO_SEG_BAD_FIELD);

    /* A record round trip; every single-bit flip is caught. */
    uint8_t rec[REDO_REC_HEADER_SIZE + 5];
    memcpy(rec + REDO_REC_HEADER_SIZE, "hello", 5);
    redo__encode_record_header(rec, 99, 5, redo__payload_crc("hello", 5));
    struct redo_rec r;
    ASSERT_EQ(redo__decode_record(rec, sizeof rec, &r), REDO_REC_OK);
    ASSERT_U64_EQ(r.lsn, 99);
    ASSERT_EQ(r.len, 5);
    ASSERT_EQ(r.size, sizeof rec);
    ASSERT_MEM_EQ(r.payload, "hello", 5);
    for (size_t i = 0; i < sizeof rec * 8; i++) {
        uint8_t c[sizeof rec];
        memcpy(c, rec, sizeof c);
        c[i / 8] ^= (uint8_t)(1u << (i % 8));
        ASSERT_NE(redo__decode_record(c, sizeof c, &r), REDO_REC_OK);
    }
    ASSERT_EQ(redo__decode_record(rec, 3, &r), REDO_REC_SHORT);
    ASSERT_EQ(r.size, REDO_REC_HEADER_SIZE);
    ASSERT_EQ(redo__decode_record(rec, sizeof rec - 1, &r), REDO_REC_SHORT);
    ASSERT_EQ(r.size, sizeof rec);
    /* A length over the limit is refused before anything is read past the header. */
    le32_put(rec, REDO_RECORD_MAX + 1);
    ASSERT_EQ(redo__decode_record(rec, REDO_REC_HEADER_SIZE, &r), REDO_REC_BAD_LEN);
    /* An empty record. */
    redo__encode_record_header(rec, 1, 0, redo__payload_crc(NULL, 0));
    ASSERT_EQ(redo__decode_record(rec, REDO_REC_HEADER_SIZE, &r), REDO_REC_OK);
    ASSERT_EQ(r.len, 0);
}

/* ------------------------------------------------------------------------ */
/* Round trips. */

TEST(redo_roundtrip_many_segments)
{
    uint64_t seed = test_seed(), rng = seed;
    const char *dir = test_dir();
    const uint64_t n = 3000;
    struct redo *r = open_log(NULL, dir, 1024 * 1024, 1);
    struct check c;
    check_init(&c, seed, 1);
    replay_ok(r, 1, &c);
    ASSERT_EQ(c.n, 0);
    ASSERT_U64_EQ(redo_last_lsn(r), 0);
    ASSERT_U64_EQ(redo_durable_lsn(r), 0);
    fill(r, seed, 1, n, &rng);
    uint64_t recs, syncs;
    redo_stats(r, &recs, &syncs);
    ASSERT_U64_EQ(recs, n);
    ASSERT(syncs > 0 && syncs <= n);
    redo_close(r);

    uint64_t nos[4096];
    size_t n_segs = list_segs(dir, nos, 4096);
    ASSERT(n_segs >= 4);
    printf("  %llu records in %zu segments\n", (unsigned long long)n, n_segs);
    for (size_t i = 0; i < n_segs; i++)
        ASSERT_U64_EQ(nos[i], i + 1);

    r = open_log(NULL, dir, 1024 * 1024, 1);
    check_init(&c, seed, 1);
    replay_ok(r, 1, &c);
    ASSERT_U64_EQ(c.n, n);
    ASSERT_U64_EQ(c.first, 1);
    ASSERT_U64_EQ(c.last, n);
    ASSERT_U64_EQ(redo_last_lsn(r), n);
    ASSERT_U64_EQ(redo_durable_lsn(r), n);
    fill(r, seed, 1, n + 200, &rng);
    redo_close(r);

    r = open_log(NULL, dir, 1024 * 1024, 1);
    check_init(&c, seed, 1);
    replay_ok(r, 1, &c);
    ASSERT_U64_EQ(c.n, n + 200);
    redo_close(r);
}

TEST(redo_sync_off)
{
    uint64_t seed = test_seed(), rng = seed;
    const char *dir = test_dir();
    struct tvfs t;
    tvfs_init(&t);
    struct redo *r = open_log(&t.vfs, dir, 64 * 1024, 0);
    struct check c;
    check_init(&c, seed, 0);
    replay_ok(r, 1, &c);
    uint64_t syncs_after_open = t.n_syncs;
    fill(r, seed, 0, 2000, &rng);
    uint64_t recs, rounds;
    redo_stats(r, &recs, &rounds);
    ASSERT_U64_EQ(recs, 2000);
    ASSERT(rounds > 0);
    /* Only segment switches sync (old segment + new header); no per-batch fdatasync. */
    uint64_t nos[1024];
    size_t n_segs = list_segs(dir, nos, 1024);
    ASSERT(n_segs >= 3);
    ASSERT(t.n_syncs - syncs_after_open <= 2 * (n_segs - 1));
    ASSERT(rounds > t.n_syncs - syncs_after_open);
    /* Appends not waited for are written by close. */
    append_gen(r, seed, 0, 2001);
    redo_close(r);

    r = open_log(NULL, dir, 64 * 1024, 0);
    check_init(&c, seed, 0);
    replay_ok(r, 1, &c);
    ASSERT_U64_EQ(c.n, 2001);
    redo_close(r);
}

TEST(redo_lsn_continuity_across_reopen)
{
    uint64_t seed = test_seed(), rng = seed;
    const char *dir = test_dir();
    uint64_t last = 0;
    for (int round = 0; round < 8; round++) {
        struct redo *r = open_log(NULL, dir, 8 * 1024, 1);
        struct check c;
        check_init(&c, seed, 0);
        replay_ok(r, 1, &c);
        ASSERT_U64_EQ(c.n, last);
        ASSERT_U64_EQ(redo_last_lsn(r), last);
        uint64_t add = round == 3 ? 0 : 1 + rng_next(&rng) % 100; /* One round adds nothing. */
        fill(r, seed, 0, last + add, &rng);
        last += add;
        redo_close(r);
    }
}

TEST(redo_api_misuse)
{
    const char *dir = test_dir();
    struct redo *r = open_log(NULL, dir, 0, 1);
    uint64_t lsn;
    ASSERT_EQ(redo_append(r, "x", 1, &lsn), ERR_INVALID);
    struct check c;
    check_init(&c, 1, 0);
    replay_ok(r, 1, &c);
    ASSERT_EQ(redo_replay(r, 1, check_cb, &c), ERR_INVALID);
    ASSERT_EQ(redo_wait(r, 1), ERR_INVALID); /* Nothing assigned yet. */
    ASSERT_OK(redo_wait(r, 0));
    /* Too big: refused from the length alone (the buffer is one byte). */
    char one = 0;
    ASSERT_EQ(redo_append(r, &one, (size_t)REDO_RECORD_MAX + 1, &lsn), ERR_TOO_BIG);
    ASSERT(strstr(err_msg(), "exceeds") != NULL);
    ASSERT_EQ(redo_append(r, &one, SIZE_MAX, &lsn), ERR_TOO_BIG);
    ASSERT_U64_EQ(redo_last_lsn(r), 0);
    ASSERT_OK(redo_append(r, NULL, 0, &lsn));
    ASSERT_U64_EQ(lsn, 1);
    ASSERT_OK(redo_wait(r, lsn));
    redo_close(r);
}

/* A callback that counts and stops at a given LSN. */
struct stop_at {
    uint64_t stop; /* LSN at which to return an error. */
    uint64_t n;    /* Records seen. */
};

static int stop_cb(uint64_t lsn, const uint8_t *p, size_t len, void *arg)
{
    (void)p;
    (void)len;
    struct stop_at *s = arg;
    s->n++;
    return lsn == s->stop ? ERR_BUSY : 0;
}

TEST(redo_replay_from_middle)
{
    uint64_t seed = test_seed(), rng = seed;
    const char *dir = test_dir();
    struct redo *r = open_log(NULL, dir, 16 * 1024, 1);
    struct check c;
    check_init(&c, seed, 0);
    replay_ok(r, 1, &c);
    fill(r, seed, 0, 1000, &rng);
    redo_close(r);

    uint64_t froms[] = {1, 2, 377, 999, 1000, 1 + rng_next(&rng) % 1000};
    for (size_t i = 0; i < sizeof froms / sizeof froms[0]; i++) {
        r = open_log(NULL, dir, 16 * 1024, 1);
        check_init(&c, seed, 0);
        replay_ok(r, froms[i], &c);
        ASSERT_U64_EQ(c.n, 1000 - froms[i] + 1);
        ASSERT_U64_EQ(c.first, froms[i]);
        ASSERT_U64_EQ(c.last, 1000);
        ASSERT_U64_EQ(redo_last_lsn(r), 1000);
        redo_close(r);
    }

    /* The callback's error stops the replay and is returned. */
    r = open_log(NULL, dir, 16 * 1024, 1);
    struct stop_at s = {.stop = 500};
    ASSERT_EQ(redo_replay(r, 100, stop_cb, &s), ERR_BUSY);
    ASSERT_U64_EQ(s.n, 401);
    redo_close(r);

    /* From the next LSN: nothing replayed, appends continue at 1001. */
    r = open_log(NULL, dir, 16 * 1024, 1);
    check_init(&c, seed, 0);
    replay_ok(r, 1001, &c);
    ASSERT_EQ(c.n, 0);
    fill(r, seed, 0, 1001, &rng);
    redo_close(r);

    /* From beyond the end (the records between were lost, e.g. an unsynced
     * tail already in SSTables): appends continue at from_lsn, and the older
     * segments, all before it, are gone. */
    r = open_log(NULL, dir, 16 * 1024, 1);
    check_init(&c, seed, 0);
    replay_ok(r, 1500, &c);
    ASSERT_EQ(c.n, 0);
    ASSERT_U64_EQ(redo_last_lsn(r), 1499);
    uint64_t lsn;
    ASSERT_OK(redo_append(r, "after-jump", 10, &lsn));
    ASSERT_U64_EQ(lsn, 1500);
    ASSERT_OK(redo_wait(r, lsn));
    redo_close(r);
    uint64_t nos[256];
    ASSERT_EQ(list_segs(dir, nos, 256), 1);
    r = open_log(NULL, dir, 16 * 1024, 1);
    struct stop_at all = {.stop = 0};
    ASSERT_OK(redo_replay(r, 1500, stop_cb, &all));
    ASSERT_EQ(all.n, 1);
    ASSERT_U64_EQ(redo_last_lsn(r), 1500);
    redo_close(r);

    /* An empty folder replayed from 500 starts at 500. */
    char dir2[600];
    snprintf(dir2, sizeof dir2, "%s/fresh", dir);
    r = open_log(NULL, dir2, 0, 1);
    check_init(&c, seed, 0);
    replay_ok(r, 500, &c);
    ASSERT_OK(redo_append(r, "x", 1, &lsn));
    ASSERT_U64_EQ(lsn, 500);
    redo_close(r);
}

TEST(redo_truncate_before)
{
    uint64_t seed = test_seed(), rng = seed;
    const char *dir = test_dir();
    struct redo *r = open_log(NULL, dir, 16 * 1024, 1);
    struct check c;
    check_init(&c, seed, 0);
    replay_ok(r, 1, &c);
    fill(r, seed, 0, 2000, &rng);

    uint64_t nos[1024], firsts[1024];
    size_t n = list_segs(dir, nos, 1024);
    ASSERT(n >= 6);
    char path[700];
    for (size_t i = 0; i < n; i++) {
        seg_file(dir, nos[i], path, sizeof path);
        firsts[i] = seg_first_lsn(path);
    }
    /* A checkpoint inside segment k (k >= 2): segments before k go, k stays. */
    size_t k = 2 + (size_t)(rng_next(&rng) % (n - 3));
    uint64_t cut = firsts[k] + (firsts[k + 1] - firsts[k]) / 2;
    ASSERT_OK(redo_truncate_before(r, cut));
    uint64_t after[1024];
    size_t m = list_segs(dir, after, 1024);
    ASSERT_EQ(m, n - k);
    ASSERT_U64_EQ(after[0], nos[k]);
    /* Exactly the first LSN of the next segment: the segment ending just before it goes too. */
    ASSERT_OK(redo_truncate_before(r, firsts[k + 1]));
    ASSERT_EQ(list_segs(dir, after, 1024), n - k - 1);
    ASSERT_U64_EQ(after[0], nos[k + 1]);
    cut = firsts[k + 1];
    /* The log keeps working. */
    fill(r, seed, 0, 2100, &rng);
    redo_close(r);

    r = open_log(NULL, dir, 16 * 1024, 1);
    check_init(&c, seed, 0);
    replay_ok(r, cut, &c);
    ASSERT_U64_EQ(c.first, cut);
    ASSERT_U64_EQ(c.last, 2100);
    /* Far beyond the end: every segment but the current one goes. */
    ASSERT_OK(redo_truncate_before(r, UINT64_MAX));
    ASSERT_EQ(list_segs(dir, after, 1024), 1);
    fill(r, seed, 0, 2150, &rng);
    redo_close(r);

    r = open_log(NULL, dir, 16 * 1024, 1);
    check_init(&c, seed, 0);
    replay_ok(r, 2101, &c);
    ASSERT_U64_EQ(c.first, 2101);
    ASSERT_U64_EQ(c.last, 2150);
    redo_close(r);

    /* Replaying from before the oldest remaining record is refused: records are missing. */
    r = open_log(NULL, dir, 16 * 1024, 1);
    check_init(&c, seed, 0);
    ASSERT_EQ(redo_replay(r, 1, check_cb, &c), ERR_CORRUPT);
    ASSERT(strstr(err_msg(), "needs earlier records") != NULL);
    redo_close(r);
}

/* Appends with waits while the main thread truncates behind them. */
struct trunc_arg {
    struct redo *r; /* The log. */
    int id;         /* Thread number. */
    int fails;      /* Errors seen. */
};

static void *trunc_appender(void *p)
{
    struct trunc_arg *a = p;
    uint8_t b[200];
    for (int i = 0; i < 1500; i++) {
        uint64_t lsn;
        memset(b, a->id, sizeof b);
        if (redo_append(a->r, b, 50 + (size_t)(i % 150), &lsn) || redo_wait(a->r, lsn))
            a->fails++;
    }
    return NULL;
}

TEST(redo_truncate_concurrent_with_appends)
{
    const char *dir = test_dir();
    struct redo *r = open_log(NULL, dir, 8 * 1024, 0);
    struct stop_at s = {0};
    ASSERT_OK(redo_replay(r, 1, stop_cb, &s));
    pthread_t th[4];
    struct trunc_arg args[4];
    for (int i = 0; i < 4; i++) {
        args[i] = (struct trunc_arg){.r = r, .id = i + 1};
        ASSERT_EQ(pthread_create(&th[i], NULL, trunc_appender, &args[i]), 0);
    }
    uint64_t cut = 1;
    for (int i = 0; i < 200; i++) {
        uint64_t d = redo_durable_lsn(r);
        if (d > 300 && d - 300 > cut)
            cut = d - 300;
        ASSERT_OK(redo_truncate_before(r, cut));
        usleep(500);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        ASSERT_EQ(args[i].fails, 0);
    }
    redo_close(r);
    r = open_log(NULL, dir, 8 * 1024, 0);
    struct stop_at s2 = {0};
    ASSERT_OK(redo_replay(r, cut, stop_cb, &s2));
    ASSERT_U64_EQ(s2.n, 6000 - cut + 1);
    redo_close(r);
    printf("  truncated before LSN %llu while appending\n", (unsigned long long)cut);
}

/* ------------------------------------------------------------------------ */
/* Torn tails and damage. */

/*
 * Writes a log of n generated records (small payloads) with a small segment
 * size, the last 10 of them certainly in the newest segment.
 */
static void make_log(const char *dir, uint64_t seed, uint64_t n, uint64_t seg_size)
{
    uint64_t rng = seed;
    struct redo *r = open_log(NULL, dir, seg_size, 0);
    struct check c;
    check_init(&c, seed, 0);
    replay_ok(r, 1, &c);
    fill(r, seed, 0, n - 10, &rng);
    redo_close(r);
    r = open_log(NULL, dir, UINT64_MAX, 0); /* No segment switch for the rest. */
    check_init(&c, seed, 0);
    replay_ok(r, 1, &c);
    fill(r, seed, 0, n, &rng);
    redo_close(r);
}

/*
 * Opens dir, replays from 1 and checks exactly records 1..expect come back;
 * then appends record expect+1, reopens and checks 1..expect+1.
 */
static void expect_prefix_then_append(const char *dir, uint64_t seed, uint64_t expect)
{
    struct redo *r = open_log(NULL, dir, 4096, 1);
    struct check c;
    check_init(&c, seed, 0);
    replay_ok(r, 1, &c);
    ASSERT_U64_EQ(c.n, expect);
    ASSERT_U64_EQ(redo_last_lsn(r), expect);
    append_gen(r, seed, 0, expect + 1);
    ASSERT_OK(redo_wait(r, expect + 1));
    redo_close(r);
    r = open_log(NULL, dir, 4096, 1);
    check_init(&c, seed, 0);
    replay_ok(r, 1, &c);
    ASSERT_U64_EQ(c.n, expect + 1);
    redo_close(r);
}

TEST(redo_torn_tail_every_offset)
{
    uint64_t seed = test_seed(), rng = seed ^ 5;
    const char *dir = test_dir();
    enum log_level level = log_get_level();
    log_set_level(LOG_ERROR); /* Each cut logs a warning. */
    /* A count whose last record is small, so cutting at each of its bytes stays quick. */
    uint64_t n = 300;
    while (payload_len(seed, n, 0) < 20 || payload_len(seed, n, 0) > 300)
        n++;
    make_log(dir, seed, n, 4096);
    uint64_t nos[1024];
    size_t n_segs = list_segs(dir, nos, 1024);
    ASSERT(n_segs >= 3);
    char last[700], prev[700];
    seg_file(dir, nos[n_segs - 1], last, sizeof last);
    seg_file(dir, nos[n_segs - 2], prev, sizeof prev);
    size_t orig_len;
    uint8_t *orig = read_all(last, &orig_len);
    uint64_t offs[4096], lsns[4096];
    size_t n_recs = seg_records(last, offs, lsns, 4096);
    ASSERT(n_recs >= 2);
    ASSERT_U64_EQ(lsns[n_recs - 1], n);
    uint64_t first_in_last = lsns[0];

    /* Every cut inside the last record leaves exactly the records before it. */
    uint64_t rec_off = offs[n_recs - 1];
    for (uint64_t cut = rec_off; cut < orig_len; cut++) {
        restore_last(dir, nos[n_segs - 1], orig, orig_len);
        ASSERT_EQ(truncate(last, (off_t)cut), 0);
        expect_prefix_then_append(dir, seed, n - 1);
    }
    /* Random cuts anywhere in the last segment, header included. */
    for (int i = 0; i < 40; i++) {
        restore_last(dir, nos[n_segs - 1], orig, orig_len);
        uint64_t cut = i < 3 ? (uint64_t)i * 15 : rng_next(&rng) % orig_len;
        ASSERT_EQ(truncate(last, (off_t)cut), 0);
        uint64_t expect = first_in_last - 1;
        for (size_t j = 0; j < n_recs; j++) {
            uint64_t end = j + 1 < n_recs ? offs[j + 1] : orig_len;
            if (end <= cut)
                expect = lsns[j];
        }
        expect_prefix_then_append(dir, seed, expect);
        /* A cut header means the segment was never durable: it is removed, and
         * appends went on in a fresh segment of the same number. */
        if (cut < REDO_SEG_HEADER_SIZE)
            ASSERT_U64_EQ(seg_first_lsn(last), first_in_last);
    }
    /* The previous segment is untouched throughout. */
    ASSERT(file_size(prev) > REDO_SEG_HEADER_SIZE);
    mem_free(orig);
    log_set_level(level);
}

TEST(redo_garbage_tail_is_cut)
{
    uint64_t seed = test_seed(), rng = seed;
    const char *dir = test_dir();
    make_log(dir, seed, 200, 8192);
    enum log_level level = log_get_level();
    log_set_level(LOG_ERROR);
    uint64_t expect = 200;
    uint8_t junk[5000];
    for (int kind = 0; kind < 4; kind++) {
        /* Appends after each cut may have started new segments. */
        uint64_t nos[1024];
        size_t n_segs = list_segs(dir, nos, 1024);
        char last[700];
        seg_file(dir, nos[n_segs - 1], last, sizeof last);
        size_t len;
        uint8_t *d = read_all(last, &len);
        size_t add = 1 + (size_t)(rng_next(&rng) % sizeof junk);
        if (kind == 0)
            memset(junk, 0, add); /* A zero-filled tail (preallocated blocks after a crash). */
        else if (kind == 1)
            memset(junk, 0xff, add);
        else
            for (size_t i = 0; i < add; i++)
                junk[i] = (uint8_t)rng_next(&rng);
        if (kind == 3 && add >= REDO_REC_HEADER_SIZE) {
            /* A plausible header whose record never completed. */
            redo__encode_record_header(junk, expect + 1, 100000, 0);
        }
        uint8_t *both = malloc(len + add);
        memcpy(both, d, len);
        memcpy(both + len, junk, add);
        write_all(last, both, len + add);
        free(both);
        expect_prefix_then_append(dir, seed, expect);
        expect++;
        mem_free(d);
    }
    log_set_level(level);
}

static char corrupt_msg[1024]; /* Message of the last expect_corrupt(). */

/* Opens dir and expects replay to fail with ERR_CORRUPT naming file (and offset when non-zero). */
static void expect_corrupt(const char *dir, const char *file, uint64_t off)
{
    struct redo *r = open_log(NULL, dir, 4096, 1);
    int rc = redo_replay(r, 1, stop_cb, &(struct stop_at){0});
    ASSERT_EQ(rc, ERR_CORRUPT);
    snprintf(corrupt_msg, sizeof corrupt_msg, "%s", err_msg());
    const char *msg = corrupt_msg;
    if (!strstr(msg, file))
        test_fail_(__FILE__, __LINE__, "message does not name %s: %s", file, msg);
    if (off) {
        char want[64];
        snprintf(want, sizeof want, "offset %llu", (unsigned long long)off);
        if (!strstr(msg, want))
            test_fail_(__FILE__, __LINE__, "message does not say %s: %s", want, msg);
    }
    /* Appends are refused: replay did not succeed. */
    uint64_t lsn;
    ASSERT_EQ(redo_append(r, "x", 1, &lsn), ERR_INVALID);
    redo_close(r);
}

TEST(redo_damage_in_last_segment_is_refused)
{
    uint64_t seed = test_seed();
    const char *dir = test_dir();
    make_log(dir, seed, 300, 8192);
    uint64_t nos[1024];
    size_t n_segs = list_segs(dir, nos, 1024);
    char last[700];
    seg_file(dir, nos[n_segs - 1], last, sizeof last);
    size_t orig_len;
    uint8_t *orig = read_all(last, &orig_len);
    uint64_t offs[4096], lsns[4096];
    size_t n_recs = seg_records(last, offs, lsns, 4096);
    ASSERT(n_recs >= 5);
    size_t mid = n_recs / 2;
    uint64_t at = offs[mid];
    uint64_t rec_len = offs[mid + 1] - at;
    /* Length, CRC, LSN and a payload byte (if any) of the middle record. */
    uint64_t where[] = {at + 0, at + 3, at + 5, at + 9, at + 15, at + rec_len - 1};
    for (size_t i = 0; i < sizeof where / sizeof where[0]; i++) {
        write_all(last, orig, orig_len);
        flip_byte(last, where[i]);
        printf("  flip at %llu: ", (unsigned long long)where[i]);
        expect_corrupt(dir, last, at);
        printf("%s\n", corrupt_msg);
        /* Nothing was cut. */
        ASSERT_U64_EQ(file_size(last), orig_len);
    }
    /* A record with a CRC-valid but wrong LSN (a gap) in the newest segment. */
    write_all(last, orig, orig_len);
    {
        size_t len;
        uint8_t *d = read_all(last, &len);
        uint32_t plen = le32_get(d + offs[n_recs - 1]);
        uint8_t *p = d + offs[n_recs - 1];
        redo__encode_record_header(p, lsns[n_recs - 1] + 1, plen,
                                   redo__payload_crc(p + REDO_REC_HEADER_SIZE, plen));
        write_all(last, d, len);
        mem_free(d);
        expect_corrupt(dir, last, offs[n_recs - 1]);
        ASSERT(strstr(corrupt_msg, "expected") != NULL);
    }
    write_all(last, orig, orig_len);
    expect_prefix_then_append(dir, seed, 300);
    mem_free(orig);
}

TEST(redo_damage_in_older_segment_is_refused)
{
    uint64_t seed = test_seed(), rng = seed;
    const char *dir = test_dir();
    make_log(dir, seed, 400, 8192);
    uint64_t nos[1024];
    size_t n_segs = list_segs(dir, nos, 1024);
    ASSERT(n_segs >= 4);
    char path[700];
    seg_file(dir, nos[1], path, sizeof path);
    size_t orig_len;
    uint8_t *orig = read_all(path, &orig_len);
    uint64_t offs[4096], lsns[4096];
    size_t n_recs = seg_records(path, offs, lsns, 4096);

    /* A flipped byte in a record, even the very last one of the segment. */
    size_t idx[] = {0, n_recs / 2, n_recs - 1, (size_t)(rng_next(&rng) % n_recs)};
    for (size_t i = 0; i < sizeof idx / sizeof idx[0]; i++) {
        write_all(path, orig, orig_len);
        uint64_t end = idx[i] + 1 < n_recs ? offs[idx[i] + 1] : orig_len;
        flip_byte(path, offs[idx[i]] + rng_next(&rng) % (end - offs[idx[i]]));
        expect_corrupt(dir, path, offs[idx[i]]);
    }
    /* A torn end of an older segment is damage too. */
    write_all(path, orig, orig_len);
    ASSERT_EQ(truncate(path, (off_t)(orig_len - 1)), 0);
    expect_corrupt(dir, path, offs[n_recs - 1]);
    /* A bad header. */
    write_all(path, orig, orig_len);
    flip_byte(path, 20);
    expect_corrupt(dir, path, 0);
    /* A missing middle segment leaves a gap. */
    write_all(path, orig, orig_len);
    char moved[720];
    snprintf(moved, sizeof moved, "%s.away", path);
    ASSERT_EQ(rename(path, moved), 0);
    char next[700];
    seg_file(dir, nos[2], next, sizeof next);
    expect_corrupt(dir, next, 0);
    ASSERT_EQ(rename(moved, path), 0);
    /* Restored, it replays whole. */
    expect_prefix_then_append(dir, seed, 400);
    mem_free(orig);
}

/* ------------------------------------------------------------------------ */
/* Group commit. */

#define GC_THREADS    8
#define GC_PER_THREAD 2000

struct gc_arg {
    struct redo *r; /* The log. */
    int id;         /* Thread number. */
    uint64_t *lsns; /* LSN of each of this thread's records. */
    int errors;     /* Failures seen. */
    uint64_t seed;  /* Payload lengths. */
};

static void *gc_thread(void *p)
{
    struct gc_arg *a = p;
    uint8_t b[300];
    uint64_t s = a->seed ^ (uint64_t)a->id;
    for (uint32_t i = 0; i < GC_PER_THREAD; i++) {
        size_t len = 8 + (size_t)(rng_next(&s) % 200);
        memset(b, 0xa5, len);
        le32_put(b, (uint32_t)a->id);
        le32_put(b + 4, i);
        uint64_t lsn;
        if (redo_append(a->r, b, len, &lsn) != 0 || redo_wait(a->r, lsn) != 0 ||
            redo_durable_lsn(a->r) < lsn) {
            a->errors++;
            continue;
        }
        a->lsns[i] = lsn;
    }
    return NULL;
}

struct gc_seen {
    uint64_t *lsns[GC_THREADS]; /* Expected LSN per (thread, seq). */
    uint8_t *seen;              /* Times each (thread, seq) was replayed. */
    uint64_t n;                 /* Records replayed. */
    int bad;                    /* Unexpected record seen. */
};

static int gc_cb(uint64_t lsn, const uint8_t *p, size_t len, void *arg)
{
    struct gc_seen *g = arg;
    g->n++;
    if (len < 8) {
        g->bad = 1;
        return 0;
    }
    uint32_t t = le32_get(p), i = le32_get(p + 4);
    if (t >= GC_THREADS || i >= GC_PER_THREAD || g->lsns[t][i] != lsn) {
        g->bad = 1;
        return 0;
    }
    g->seen[t * GC_PER_THREAD + i]++;
    return 0;
}

TEST(redo_group_commit_8_threads)
{
    uint64_t seed = test_seed();
    const char *dir = test_dir();
    struct redo *r = open_log(NULL, dir, 256 * 1024, 1);
    struct stop_at s = {0};
    ASSERT_OK(redo_replay(r, 1, stop_cb, &s));
    pthread_t th[GC_THREADS];
    struct gc_arg args[GC_THREADS];
    struct gc_seen g = {0};
    uint64_t t0 = os_now_ns();
    for (int i = 0; i < GC_THREADS; i++) {
        g.lsns[i] = calloc(GC_PER_THREAD, sizeof(uint64_t));
        args[i] = (struct gc_arg){.r = r, .id = i, .lsns = g.lsns[i], .seed = seed};
        ASSERT_EQ(pthread_create(&th[i], NULL, gc_thread, &args[i]), 0);
    }
    for (int i = 0; i < GC_THREADS; i++)
        pthread_join(th[i], NULL);
    uint64_t ns = os_now_ns() - t0;
    for (int i = 0; i < GC_THREADS; i++)
        ASSERT_EQ(args[i].errors, 0);
    uint64_t recs, syncs;
    redo_stats(r, &recs, &syncs);
    const uint64_t total = (uint64_t)GC_THREADS * GC_PER_THREAD;
    ASSERT_U64_EQ(recs, total);
    ASSERT_U64_EQ(redo_durable_lsn(r), total);
    printf("  %d threads: %llu records, %llu syncs, %.1f records/sync, %.0f commits/s\n",
           GC_THREADS, (unsigned long long)recs, (unsigned long long)syncs,
           (double)recs / (double)(syncs ? syncs : 1), (double)recs * 1e9 / (double)ns);
    ASSERT(syncs < recs / 2);
    redo_close(r);

    r = open_log(NULL, dir, 256 * 1024, 1);
    g.seen = calloc(total, 1);
    ASSERT_OK(redo_replay(r, 1, gc_cb, &g));
    ASSERT_EQ(g.bad, 0);
    ASSERT_U64_EQ(g.n, total);
    for (uint64_t i = 0; i < total; i++)
        ASSERT_EQ(g.seen[i], 1);
    redo_close(r);
    for (int i = 0; i < GC_THREADS; i++)
        free(g.lsns[i]);
    free(g.seen);
}

/* ------------------------------------------------------------------------ */
/* Failures. */

struct fail_arg {
    struct redo *r; /* The log. */
    int rc;         /* What append+wait returned. */
    uint64_t lsn;   /* The record's LSN (0 if append failed). */
};

static void *fail_thread(void *p)
{
    struct fail_arg *a = p;
    a->rc = redo_append(a->r, "concurrent", 10, &a->lsn);
    if (!a->rc)
        a->rc = redo_wait(a->r, a->lsn);
    return NULL;
}

/* Checks that the log refuses everything with the failure's message. */
static void expect_readonly(struct redo *r, const char *what, uint64_t durable)
{
    uint64_t lsn;
    ASSERT_EQ(redo_append(r, "later", 5, &lsn), ERR_READONLY);
    const char *msg = err_msg();
    if (!strstr(msg, what) || !strstr(msg, "refusing writes until restart"))
        test_fail_(__FILE__, __LINE__, "unexpected message: %s", msg);
    ASSERT_EQ(redo_wait(r, redo_last_lsn(r)), ERR_READONLY);
    ASSERT(strstr(err_msg(), what) != NULL);
    ASSERT_U64_EQ(redo_durable_lsn(r), durable);
    /* What was durable before the failure still is. */
    if (durable)
        ASSERT_OK(redo_wait(r, durable));
}

TEST(redo_fdatasync_failure_is_sticky)
{
    uint64_t seed = test_seed(), rng = seed;
    const char *dir = test_dir();
    struct tvfs t;
    tvfs_init(&t);
    struct redo *r = open_log(&t.vfs, dir, 1024 * 1024, 1);
    struct check c;
    check_init(&c, seed, 0);
    replay_ok(r, 1, &c);
    fill(r, seed, 0, 50, &rng);
    ASSERT_U64_EQ(redo_durable_lsn(r), 50);

    tset(&t, &t.fail_sync, 1);
    append_gen(r, seed, 0, 51);
    append_gen(r, seed, 0, 52);
    ASSERT_EQ(redo_wait(r, 51), ERR_READONLY);
    printf("  %s\n", err_msg());
    ASSERT(strstr(err_msg(), "fdatasync of ") != NULL);
    ASSERT(strstr(err_msg(), "000000000001.log") != NULL);
    ASSERT_EQ(redo_wait(r, 52), ERR_READONLY);
    expect_readonly(r, "fdatasync", 50);

    /* Concurrent committers all hear of it; none is told it is durable. */
    pthread_t th[4];
    struct fail_arg fa[4];
    for (int i = 0; i < 4; i++) {
        fa[i] = (struct fail_arg){.r = r};
        ASSERT_EQ(pthread_create(&th[i], NULL, fail_thread, &fa[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        ASSERT_EQ(fa[i].rc, ERR_READONLY);
    }
    /* Healing the disk does not lift it: only a restart does. */
    tset(&t, &t.fail_sync, 0);
    expect_readonly(r, "fdatasync", 50);
    redo_close(r);

    /* After the restart, the durable records are there and appends go on. */
    r = open_log(NULL, dir, 1024 * 1024, 1);
    check_init(&c, seed, 0);
    replay_ok(r, 1, &c);
    ASSERT(c.n >= 50 && c.n <= 52);
    uint64_t next = c.n + 1;
    append_gen(r, seed, 0, next);
    ASSERT_OK(redo_wait(r, next));
    redo_close(r);
}

TEST(redo_failure_with_waiters_in_flight)
{
    uint64_t seed = test_seed(), rng = seed;
    const char *dir = test_dir();
    struct tvfs t;
    tvfs_init(&t);
    struct redo *r = open_log(&t.vfs, dir, 1024 * 1024, 1);
    struct check c;
    check_init(&c, seed, 0);
    replay_ok(r, 1, &c);
    fill(r, seed, 0, 10, &rng);
    /* Threads commit while the sync starts failing under them. */
    pthread_t th[8];
    struct fail_arg fa[8];
    for (int i = 0; i < 8; i++) {
        fa[i] = (struct fail_arg){.r = r};
        ASSERT_EQ(pthread_create(&th[i], NULL, fail_thread, &fa[i]), 0);
        if (i == 3)
            tset(&t, &t.fail_sync, 1);
    }
    for (int i = 0; i < 8; i++)
        pthread_join(th[i], NULL);
    uint64_t durable = redo_durable_lsn(r);
    int n_fail = 0;
    for (int i = 0; i < 8; i++) {
        if (fa[i].rc == 0)
            ASSERT(fa[i].lsn <= durable); /* Told durable only if it is. */
        else {
            ASSERT_EQ(fa[i].rc, ERR_READONLY);
            ASSERT(fa[i].lsn == 0 || fa[i].lsn > durable);
            n_fail++;
        }
    }
    ASSERT(n_fail > 0);
    expect_readonly(r, "fdatasync", durable);
    redo_close(r);
}

TEST(redo_pwrite_failure_is_sticky)
{
    uint64_t seed = test_seed(), rng = seed;
    const char *dir = test_dir();
    struct tvfs t;
    tvfs_init(&t);
    struct redo *r = open_log(&t.vfs, dir, 1024 * 1024, 1);
    struct check c;
    check_init(&c, seed, 0);
    replay_ok(r, 1, &c);
    fill(r, seed, 0, 40, &rng);

    /* A one-record batch half written: the restart cuts it. */
    tset(&t, &t.fail_pwrite, 1);
    uint8_t big[4000];
    memset(big, 7, sizeof big);
    uint64_t lsn;
    ASSERT_OK(redo_append(r, big, sizeof big, &lsn));
    ASSERT_EQ(redo_wait(r, lsn), ERR_READONLY);
    printf("  %s\n", err_msg());
    ASSERT(strstr(err_msg(), "write of ") != NULL);
    expect_readonly(r, "write of", 40);
    redo_close(r);

    r = open_log(&t.vfs, dir, 1024 * 1024, 1);
    tset(&t, &t.fail_pwrite, 0);
    check_init(&c, seed, 0);
    replay_ok(r, 1, &c);
    ASSERT_U64_EQ(c.n, 40);
    fill(r, seed, 0, 60, &rng);

    /* A many-record batch half written: the restart keeps a prefix of it. */
    for (uint64_t i = 61; i <= 80; i++)
        append_gen(r, seed, 0, i);
    tset(&t, &t.fail_pwrite, 1);
    ASSERT_EQ(redo_wait(r, 80), ERR_READONLY);
    tset(&t, &t.fail_pwrite, 0);
    expect_readonly(r, "write of", 60);
    redo_close(r);
    r = open_log(NULL, dir, 1024 * 1024, 1);
    check_init(&c, seed, 0);
    replay_ok(r, 1, &c);
    ASSERT(c.n >= 60 && c.n < 80);
    append_gen(r, seed, 0, c.n + 1);
    redo_close(r);
}

TEST(redo_segment_switch_failure_is_sticky)
{
    uint64_t seed = test_seed(), rng = seed;
    const char *dir = test_dir();
    struct tvfs t;
    tvfs_init(&t);
    struct redo *r = open_log(&t.vfs, dir, 4096, 1);
    struct check c;
    check_init(&c, seed, 0);
    replay_ok(r, 1, &c);
    uint64_t nos[64];
    /* Fill until just before the log must switch segments, then break creation. */
    tset(&t, &t.fail_create, 1);
    int rc = 0;
    uint64_t lsn = 0;
    while (!rc) {
        lsn++;
        append_gen(r, seed, 0, lsn);
        rc = redo_wait(r, lsn);
    }
    ASSERT_EQ(rc, ERR_READONLY);
    ASSERT(strstr(err_msg(), "creating segment") != NULL);
    ASSERT_U64_EQ(redo_durable_lsn(r), lsn - 1);
    ASSERT_EQ(list_segs(dir, nos, 64), 1);
    tset(&t, &t.fail_create, 0);
    expect_readonly(r, "creating segment", lsn - 1);
    redo_close(r);
    r = open_log(NULL, dir, 4096, 1);
    check_init(&c, seed, 0);
    replay_ok(r, 1, &c);
    ASSERT_U64_EQ(c.n, lsn - 1);
    fill(r, seed, 0, lsn + 20, &rng);
    redo_close(r);
}
