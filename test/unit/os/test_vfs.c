/*
 * test_vfs.c: unit tests of the file systems behind struct os_vfs: the real
 * one (vfs_posix.c), the helpers built on it (vfs_util.c), and the
 * fault-injecting wrapper (vfs_fault.c): failing the Nth call, short writes,
 * failed syncs, and power loss checked against a model of what is durable.
 * Results on disk are read back with stdio, not through the code under test.
 */
#include "test.h"

#include "base/err.h"
#include "base/mem.h"
#include "os/vfs.h"
#include "os/vfs_fault.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

/* ---- helpers ---- */

static const char *tpath(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "%s/%s", test_dir(), name);
    return buf;
}
#define P(buf, name) tpath(buf, sizeof buf, name)

/* Writes a file with stdio (the "already durable" state before a test). */
static void put_file(const char *path, const char *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    ASSERT(fp != NULL);
    ASSERT_EQ(fwrite(data, 1, len, fp), len);
    ASSERT_EQ(fclose(fp), 0);
}

/* Reads a file with stdio into buf (cap bytes); -1 if it is missing. */
static long get_file(const char *path, void *buf, size_t cap)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return -1;
    size_t n = fread(buf, 1, cap, fp);
    fclose(fp);
    return (long)n;
}

static int present(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Asserts that the file at path holds exactly the string s. */
#define ASSERT_FILE(path, s)                                                                       \
    do {                                                                                           \
        char fb_[4096];                                                                            \
        long n_ = get_file((path), fb_, sizeof fb_);                                               \
        ASSERT_EQ(n_, (long)strlen(s));                                                            \
        ASSERT_MEM_EQ(fb_, (s), strlen(s));                                                        \
    } while (0)

/* Asserts that the file at path holds exactly the n bytes at s. */
#define ASSERT_FILE_N(path, s, n)                                                                  \
    do {                                                                                           \
        char fb_[4096];                                                                            \
        long n_ = get_file((path), fb_, sizeof fb_);                                               \
        ASSERT_EQ(n_, (long)(n));                                                                  \
        ASSERT_MEM_EQ(fb_, (s), (n));                                                              \
    } while (0)

#define ASSERT_HAS(hay, needle)                                                                    \
    do {                                                                                           \
        if (!strstr((hay), (needle)))                                                              \
            test_fail_(__FILE__, __LINE__, "\"%s\" does not contain \"%s\"", (hay), (needle));     \
    } while (0)

/* Counts entries of a folder with readdir (hidden files included). */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

struct names {
    char list[64][64]; /* Names seen. */
    int n;             /* How many. */
    int stop_after;    /* Return 7 after this many (0 = never). */
};

static int names_cb(const char *name, void *arg)
{
    struct names *nm = arg;
    if (nm->n < 64)
        snprintf(nm->list[nm->n], sizeof nm->list[0], "%s", name);
    nm->n++;
    return nm->stop_after && nm->n >= nm->stop_after ? 7 : 0;
}

static int names_has(const struct names *nm, const char *name)
{
    for (int i = 0; i < nm->n && i < 64; i++)
        if (!strcmp(nm->list[i], name))
            return 1;
    return 0;
}

static struct os_vfs *make_fault(int power_loss)
{
    struct os_vfs *v = NULL;
    ASSERT_OK(vfs_fault_create(os_vfs_posix(), &v));
    ASSERT(v != NULL);
    ASSERT_STR_EQ(v->name, "fault");
    if (power_loss)
        vfs_fault_set_power_loss_mode(v, 1);
    return v;
}

/* Opens path through vfs and writes s at off. */
static struct os_file *open_write(const struct os_vfs *v, const char *path, int flags,
                                  const char *s, uint64_t off)
{
    struct os_file *f = NULL;
    ASSERT_OK(v->open(v, path, flags, &f));
    if (s)
        ASSERT_OK(os_pwrite(f, s, strlen(s), off));
    return f;
}

/* ---- the real file system ---- */

TEST(posix_open_create_excl_and_errors)
{
    const struct os_vfs *v = os_vfs_posix();
    char p[512], q[512];
    struct os_file *f = NULL;
    ASSERT_STR_EQ(v->name, "posix");
    ASSERT_EQ(v->open(v, P(p, "missing"), OS_RDONLY, &f), ERR_NOT_FOUND);
    ASSERT_HAS(err_msg(), p);
    ASSERT_EQ(v->open(v, p, OS_RDWR, &f), ERR_NOT_FOUND);
    ASSERT_OK(v->open(v, p, OS_RDWR | OS_CREATE | OS_EXCL, &f));
    ASSERT(f->vfs == v);
    ASSERT_OK(os_close(f));
    ASSERT_EQ(v->open(v, p, OS_RDWR | OS_CREATE | OS_EXCL, &f), ERR_EXISTS);
    ASSERT_HAS(err_msg(), p);
    /* OS_CREATE without OS_EXCL opens the existing file and keeps its bytes. */
    put_file(p, "abc", 3);
    ASSERT_OK(v->open(v, p, OS_RDWR | OS_CREATE, &f));
    uint64_t size = 0;
    ASSERT_OK(os_size(f, &size));
    ASSERT_U64_EQ(size, 3);
    ASSERT_OK(os_close(f));
    /* OS_TRUNC empties it. */
    ASSERT_OK(v->open(v, p, OS_RDWR | OS_TRUNC, &f));
    ASSERT_OK(os_size(f, &size));
    ASSERT_U64_EQ(size, 0);
    ASSERT_OK(os_close(f));
    /* Errors from other calls name their path too. */
    ASSERT_EQ(v->unlink(v, P(q, "nope")), ERR_NOT_FOUND);
    ASSERT_HAS(err_msg(), q);
    ASSERT_EQ(v->rename(v, q, p), ERR_NOT_FOUND);
    ASSERT_HAS(err_msg(), q);
    ASSERT_EQ(v->rmdir(v, q), ERR_NOT_FOUND);
    ASSERT_HAS(err_msg(), q);
    ASSERT_EQ(v->sync_dir(v, q), ERR_NOT_FOUND);
    ASSERT_HAS(err_msg(), q);
    ASSERT_EQ(v->exists(v, q), ERR_NOT_FOUND);
    ASSERT_OK(v->exists(v, p));
    /* A missing folder in the path. */
    ASSERT_EQ(v->open(v, P(q, "no/such/file"), OS_RDWR | OS_CREATE, &f), ERR_NOT_FOUND);
    ASSERT_HAS(err_msg(), q);
}

TEST(posix_read_write_size_truncate)
{
    const struct os_vfs *v = os_vfs_posix();
    char p[512];
    struct os_file *f = NULL;
    ASSERT_OK(v->open(v, P(p, "f"), OS_RDWR | OS_CREATE, &f));
    ASSERT_OK(os_pwrite(f, "hello world", 11, 0));
    ASSERT_OK(os_pwrite(f, "W", 1, 6));
    /* A write past the end leaves a hole of zeros. */
    ASSERT_OK(os_pwrite(f, "!", 1, 15));
    uint64_t size = 0;
    ASSERT_OK(os_size(f, &size));
    ASSERT_U64_EQ(size, 16);
    char buf[64];
    size_t got = 99;
    ASSERT_OK(os_pread(f, buf, 11, 0, &got));
    ASSERT_EQ(got, 11);
    ASSERT_MEM_EQ(buf, "hello World", 11);
    ASSERT_OK(os_pread(f, buf, 5, 11, &got));
    ASSERT_EQ(got, 5);
    ASSERT_MEM_EQ(buf, "\0\0\0\0!", 5);
    /* Short only at the end of the file. */
    ASSERT_OK(os_pread(f, buf, sizeof buf, 10, &got));
    ASSERT_EQ(got, 6);
    ASSERT_OK(os_pread(f, buf, 8, 100, &got));
    ASSERT_EQ(got, 0);
    ASSERT_OK(os_pread_full(f, buf, 16, 0, p));
    ASSERT_EQ(os_pread_full(f, buf, 17, 0, p), ERR_CORRUPT);
    ASSERT_HAS(err_msg(), p);
    ASSERT_OK(os_sync(f));
    ASSERT_OK(os_truncate(f, 5));
    ASSERT_OK(os_size(f, &size));
    ASSERT_U64_EQ(size, 5);
    ASSERT_OK(os_truncate(f, 8));
    ASSERT_OK(os_pread(f, buf, sizeof buf, 0, &got));
    ASSERT_EQ(got, 8);
    ASSERT_MEM_EQ(buf, "hello\0\0\0", 8);
    ASSERT_OK(os_close(f));
    char fb[64];
    ASSERT_EQ(get_file(p, fb, sizeof fb), 8);
    /* Writing a read-only file fails with a message naming it. */
    ASSERT_OK(v->open(v, p, OS_RDONLY, &f));
    ASSERT_NE(os_pwrite(f, "x", 1, 0), 0);
    ASSERT_HAS(err_msg(), p);
    ASSERT_OK(os_close(f));
}

TEST(posix_rename_unlink_exists)
{
    const struct os_vfs *v = os_vfs_posix();
    char a[512], b[512];
    put_file(P(a, "a"), "AAA", 3);
    put_file(P(b, "b"), "BB", 2);
    ASSERT_OK(v->rename(v, a, b));
    ASSERT_EQ(v->exists(v, a), ERR_NOT_FOUND);
    ASSERT_FILE(b, "AAA");
    ASSERT_OK(v->unlink(v, b));
    ASSERT_EQ(v->exists(v, b), ERR_NOT_FOUND);
    ASSERT_EQ(v->unlink(v, b), ERR_NOT_FOUND);
    ASSERT_HAS(err_msg(), b);
    ASSERT_EQ(count_entries(test_dir()), 0);
}

TEST(posix_folders_and_list_dir)
{
    const struct os_vfs *v = os_vfs_posix();
    char d[512], p[512];
    ASSERT_OK(v->mkdir(v, P(d, "d")));
    ASSERT_EQ(v->mkdir(v, d), ERR_EXISTS);
    ASSERT_HAS(err_msg(), d);
    ASSERT_OK(v->sync_dir(v, d));
    ASSERT_OK(v->sync_dir(v, test_dir()));
    /* os_mkdirs makes every missing level and accepts existing ones. */
    ASSERT_OK(os_mkdirs(v, P(p, "d/x/y/z")));
    ASSERT_OK(v->exists(v, p));
    ASSERT_OK(os_mkdirs(v, p));
    ASSERT_OK(os_mkdirs(v, P(p, "d/x/y/z/")));
    put_file(P(p, "d/f1"), "1", 1);
    put_file(P(p, "d/f2"), "2", 1);
    struct names nm;
    memset(&nm, 0, sizeof nm);
    ASSERT_OK(v->list_dir(v, d, names_cb, &nm));
    ASSERT_EQ(nm.n, 3);
    ASSERT(names_has(&nm, "x") && names_has(&nm, "f1") && names_has(&nm, "f2"));
    ASSERT(!names_has(&nm, ".") && !names_has(&nm, ".."));
    /* A non-zero return of the callback stops the walk and comes back. */
    memset(&nm, 0, sizeof nm);
    nm.stop_after = 2;
    ASSERT_EQ(v->list_dir(v, d, names_cb, &nm), 7);
    ASSERT_EQ(nm.n, 2);
    ASSERT_EQ(v->list_dir(v, P(p, "nope"), names_cb, &nm), ERR_NOT_FOUND);
    ASSERT_HAS(err_msg(), p);
    /* rmdir refuses a folder that is not empty. */
    ASSERT_NE(v->rmdir(v, P(p, "d/x/y")), 0);
    ASSERT_OK(v->rmdir(v, P(p, "d/x/y/z")));
    ASSERT_OK(v->rmdir(v, P(p, "d/x/y")));
    ASSERT_EQ(v->exists(v, p), ERR_NOT_FOUND);
    ASSERT_EQ(os_mkdirs(v, ""), ERR_INVALID);
}

/* os_mkdirs through a file fails instead of reporting success. */
TEST(util_mkdirs_through_a_file_fails)
{
    const struct os_vfs *v = os_vfs_posix();
    char p[512];
    put_file(P(p, "f"), "1", 1);
    ASSERT_NE(os_mkdirs(v, P(p, "f/sub")), 0);
    ASSERT_HAS(err_msg(), p);
}

TEST(util_dirname)
{
    char out[64];
    os_dirname("a/b/c", out, sizeof out);
    ASSERT_STR_EQ(out, "a/b");
    os_dirname("file", out, sizeof out);
    ASSERT_STR_EQ(out, ".");
    os_dirname("/x", out, sizeof out);
    ASSERT_STR_EQ(out, "/");
    os_dirname("/tmp/x/y", out, sizeof out);
    ASSERT_STR_EQ(out, "/tmp/x");
    char small[4];
    os_dirname("abcdef/g", small, sizeof small);
    ASSERT_STR_EQ(small, "abc");
}

TEST(util_write_file_atomic_and_read_file)
{
    const struct os_vfs *v = os_vfs_posix();
    char p[512], t[512];
    uint8_t *data = NULL;
    size_t len = 0;
    ASSERT_EQ(os_read_file(v, P(p, "m"), &data, &len), ERR_NOT_FOUND);
    ASSERT_HAS(err_msg(), p);
    ASSERT_OK(os_write_file_atomic(v, p, "first", 5));
    ASSERT_FILE(p, "first");
    ASSERT_OK(os_write_file_atomic(v, p, "second!", 7));
    ASSERT_FILE(p, "second!");
    ASSERT_EQ(present(P(t, "m.tmp")), 0);
    ASSERT_EQ(count_entries(test_dir()), 1);
    ASSERT_OK(os_read_file(v, p, &data, &len));
    ASSERT_EQ(len, 7);
    ASSERT_MEM_EQ(data, "second!", 7);
    mem_free(data);
    /* An empty file reads as an empty buffer. */
    ASSERT_OK(os_write_file_atomic(v, p, "", 0));
    data = NULL;
    ASSERT_OK(os_read_file(v, p, &data, &len));
    ASSERT_EQ(len, 0);
    ASSERT(data != NULL);
    mem_free(data);
    /* A folder that is missing fails and leaves nothing behind. */
    ASSERT_EQ(os_write_file_atomic(v, P(p, "none/m"), "x", 1), ERR_NOT_FOUND);
    ASSERT_EQ(count_entries(test_dir()), 1);
}

/* ---- injected faults ---- */

enum { N_CALLS = 10 };
static const char *const call_name[N_CALLS] = {
    "open", "pread", "pwrite", "sync", "truncate", "rename", "unlink", "mkdir", "rmdir", "sync_dir",
};

/*
 * Makes counted call c on a fresh folder with file "f" ("abcdef") and empty
 * folder "d" after arming kind at n = 1; checks the error, its message and
 * that nothing was done; then checks that the call works unarmed.
 */
static void one_call_fault(int c, enum vfs_fault_kind kind)
{
    char dir[512], f[600], d[600], g[600], expect[2000];
    snprintf(dir, sizeof dir, "%s/c%d-k%d", test_dir(), c, (int)kind);
    ASSERT_OK(os_vfs_posix()->mkdir(os_vfs_posix(), dir));
    snprintf(f, sizeof f, "%s/f", dir);
    snprintf(d, sizeof d, "%s/d", dir);
    snprintf(g, sizeof g, "%s/g", dir);
    put_file(f, "abcdef", 6);
    ASSERT_OK(os_vfs_posix()->mkdir(os_vfs_posix(), d));

    struct os_vfs *v = make_fault(0);
    struct os_file *h = NULL;
    if (c >= 1 && c <= 4)
        ASSERT_OK(v->open(v, f, OS_RDWR, &h));
    int code = kind == VFS_FAULT_EIO ? ERR_IO : ERR_NOSPC;
    const char *tag = kind == VFS_FAULT_EIO ? "EIO" : "ENOSPC";
    const char *what = c == 0 ? g : c == 7 || c == 8 ? d : c == 9 ? dir : f;
    if (c == 5)
        snprintf(expect, sizeof expect, "injected fault: rename %s to %s: %s", f, g, tag);
    else
        snprintf(expect, sizeof expect, "injected fault: %s %s: %s", call_name[c], what, tag);
    char buf[16];
    size_t got = 0;
    for (int round = 0; round < 2; round++) {
        if (round == 0)
            vfs_fault_arm(v, 1, kind, 0);
        if (c == 7 && round == 1)
            ASSERT_OK(os_vfs_posix()->rmdir(os_vfs_posix(), d));
        struct os_file *h2 = NULL;
        int rc = 0;
        switch (c) {
        case 0:
            rc = v->open(v, g, OS_RDWR | OS_CREATE, &h2);
            break;
        case 1:
            rc = os_pread(h, buf, 6, 0, &got);
            break;
        case 2:
            rc = os_pwrite(h, "XY", 2, 0);
            break;
        case 3:
            rc = os_sync(h);
            break;
        case 4:
            rc = os_truncate(h, 2);
            break;
        case 5:
            rc = v->rename(v, f, g);
            break;
        case 6:
            rc = v->unlink(v, f);
            break;
        case 7:
            rc = v->mkdir(v, d);
            break;
        case 8:
            rc = v->rmdir(v, d);
            break;
        case 9:
            rc = v->sync_dir(v, dir);
            break;
        }
        if (round == 0) {
            ASSERT_EQ(rc, code);
            ASSERT_STR_EQ(err_msg(), expect);
            ASSERT_U64_EQ(vfs_fault_n_injected(v), 1);
            /* Nothing was done. */
            ASSERT_FILE(f, "abcdef");
            ASSERT(!present(g));
            ASSERT(present(d));
        } else {
            ASSERT_OK(rc);
            ASSERT_U64_EQ(vfs_fault_n_injected(v), 1);
            if (c == 1)
                ASSERT_MEM_EQ(buf, "abcdef", 6);
            if (c == 2)
                ASSERT_FILE(f, "XYcdef");
            if (c == 4)
                ASSERT_FILE(f, "ab");
            if (c == 0 || c == 5)
                ASSERT(present(g));
            if (c == 5 || c == 6)
                ASSERT(!present(f));
            if (c == 7)
                ASSERT(present(d));
            if (c == 8)
                ASSERT(!present(d));
        }
        if (h2)
            ASSERT_OK(os_close(h2));
    }
    ASSERT_U64_EQ(vfs_fault_n_calls(v), (c >= 1 && c <= 4) ? 3 : 2);
    if (h)
        ASSERT_OK(os_close(h));
    vfs_fault_destroy(v);
}

TEST(fault_each_call_each_kind)
{
    for (int c = 0; c < N_CALLS; c++) {
        one_call_fault(c, VFS_FAULT_EIO);
        one_call_fault(c, VFS_FAULT_ENOSPC);
    }
}

TEST(fault_nth_call_sticky_and_one_shot)
{
    char p[512];
    struct os_vfs *v = make_fault(0);
    struct os_file *f = open_write(v, P(p, "f"), OS_RDWR | OS_CREATE, NULL, 0);
    uint64_t base = vfs_fault_n_calls(v);
    ASSERT_U64_EQ(base, 1);

    /* One-shot at n = 3: the third counted call fails, the others pass. */
    vfs_fault_arm(v, 3, VFS_FAULT_EIO, 0);
    ASSERT_OK(os_pwrite(f, "a", 1, 0));
    ASSERT_OK(os_pwrite(f, "b", 1, 1));
    ASSERT_EQ(os_pwrite(f, "c", 1, 2), ERR_IO);
    ASSERT_OK(os_pwrite(f, "d", 1, 3));
    ASSERT_OK(os_sync(f));
    ASSERT_U64_EQ(vfs_fault_n_injected(v), 1);
    ASSERT_FILE_N(p, "ab\0d", 4);

    /* Sticky at n = 2: every call from the second on fails, of any sort. */
    vfs_fault_arm(v, 2, VFS_FAULT_ENOSPC, 1);
    ASSERT_OK(os_pwrite(f, "e", 1, 4));
    ASSERT_EQ(os_pwrite(f, "f", 1, 5), ERR_NOSPC);
    ASSERT_EQ(os_sync(f), ERR_NOSPC);
    ASSERT_EQ(v->mkdir(v, P(p, "d")), ERR_NOSPC);
    ASSERT_HAS(err_msg(), "injected fault: mkdir");
    ASSERT_U64_EQ(vfs_fault_n_injected(v), 4);

    /* Arming again replaces the old fault; n = 0 disarms. */
    vfs_fault_arm(v, 5, VFS_FAULT_EIO, 0);
    ASSERT_OK(os_pwrite(f, "f", 1, 5));
    vfs_fault_arm(v, 0, VFS_FAULT_EIO, 1);
    for (int i = 0; i < 10; i++)
        ASSERT_OK(os_pwrite(f, "g", 1, 6));
    ASSERT_U64_EQ(vfs_fault_n_injected(v), 4);
    ASSERT_U64_EQ(vfs_fault_n_calls(v), base + 5 + 4 + 1 + 10);
    ASSERT_OK(os_close(f));
    P(p, "f");
    ASSERT_FILE_N(p, "ab\0defg", 7);
    vfs_fault_destroy(v);
}

TEST(fault_uncounted_calls)
{
    char p[512];
    struct os_vfs *v = make_fault(0);
    struct os_file *f = open_write(v, P(p, "f"), OS_RDWR | OS_CREATE, "xyz", 0);
    ASSERT_U64_EQ(vfs_fault_n_calls(v), 2);
    /* Armed at the very next call, yet size, exists, list_dir and close get through. */
    vfs_fault_arm(v, 1, VFS_FAULT_EIO, 1);
    uint64_t size = 0;
    ASSERT_OK(os_size(f, &size));
    ASSERT_U64_EQ(size, 3);
    ASSERT_OK(v->exists(v, p));
    ASSERT_EQ(v->exists(v, P(p, "nope")), ERR_NOT_FOUND);
    struct names nm;
    memset(&nm, 0, sizeof nm);
    ASSERT_OK(v->list_dir(v, test_dir(), names_cb, &nm));
    ASSERT_EQ(nm.n, 1);
    ASSERT_OK(os_close(f));
    ASSERT_U64_EQ(vfs_fault_n_calls(v), 2);
    ASSERT_U64_EQ(vfs_fault_n_injected(v), 0);
    ASSERT_EQ(v->open(v, P(p, "f"), OS_RDONLY, &f), ERR_IO);
    ASSERT_U64_EQ(vfs_fault_n_calls(v), 3);
    ASSERT_U64_EQ(vfs_fault_n_injected(v), 1);
    vfs_fault_destroy(v);
}

TEST(fault_short_write_is_half)
{
    char p[512];
    struct os_vfs *v = make_fault(0);
    struct os_file *f = open_write(v, P(p, "f"), OS_RDWR | OS_CREATE, "0123456789", 0);
    vfs_fault_arm(v, 1, VFS_FAULT_SHORT, 0);
    ASSERT_EQ(os_pwrite(f, "abcdefghijk", 11, 4), ERR_NOSPC);
    ASSERT_HAS(err_msg(), "injected fault: pwrite");
    ASSERT_HAS(err_msg(), "5 of 11");
    ASSERT_HAS(err_msg(), p);
    ASSERT_FILE(p, "0123abcde9");
    /* Other calls fail as ENOSPC under a SHORT fault. */
    vfs_fault_arm(v, 1, VFS_FAULT_SHORT, 1);
    ASSERT_EQ(os_truncate(f, 1), ERR_NOSPC);
    ASSERT_HAS(err_msg(), "injected fault: truncate");
    ASSERT_HAS(err_msg(), "ENOSPC");
    ASSERT_EQ(os_sync(f), ERR_NOSPC);
    /* A one-byte write writes nothing. */
    ASSERT_EQ(os_pwrite(f, "Z", 1, 0), ERR_NOSPC);
    ASSERT_HAS(err_msg(), "0 of 1");
    ASSERT_FILE(p, "0123abcde9");
    ASSERT_U64_EQ(vfs_fault_n_injected(v), 4);
    vfs_fault_arm(v, 0, VFS_FAULT_SHORT, 0);
    ASSERT_OK(os_pwrite(f, "Z", 1, 0));
    ASSERT_FILE(p, "Z123abcde9");
    ASSERT_OK(os_close(f));
    vfs_fault_destroy(v);
}

TEST(fault_sync_drops_unsynced_data)
{
    char p[512], q[512], expect[1100];
    put_file(P(p, "f"), "durable", 7);
    put_file(P(q, "other"), "OTHER", 5);
    struct os_vfs *v = make_fault(0);
    struct os_file *f = open_write(v, p, OS_RDWR, "DUR", 0);
    struct os_file *g = open_write(v, q, OS_RDWR, "ot", 0);
    /* Only syncs count under VFS_FAULT_SYNC: the 2nd sync fails. */
    vfs_fault_arm(v, 2, VFS_FAULT_SYNC, 0);
    ASSERT_OK(os_sync(f));
    ASSERT_FILE(p, "DURable");
    ASSERT_OK(os_pwrite(f, "+tail", 5, 7));
    ASSERT_OK(os_truncate(f, 5));
    ASSERT_OK(os_pwrite(f, "x", 1, 0));
    size_t got;
    char buf[16];
    ASSERT_OK(os_pread(f, buf, sizeof buf, 0, &got));
    ASSERT_EQ(got, 5);
    ASSERT_FILE(p, "xURab");
    ASSERT_EQ(os_sync(f), ERR_IO);
    snprintf(expect, sizeof expect, "injected fault: sync %s: EIO", p);
    ASSERT_STR_EQ(err_msg(), expect);
    /* What the failed sync would have made durable is gone; the other file is untouched. */
    ASSERT_FILE(p, "DURable");
    ASSERT_FILE(q, "otHER");
    ASSERT_U64_EQ(vfs_fault_n_injected(v), 1);
    /* One-shot: the next sync works and makes new writes durable. */
    ASSERT_OK(os_pwrite(f, "!", 1, 7));
    ASSERT_OK(os_sync(f));
    ASSERT_FILE(p, "DURable!");
    /* sync_dir is counted too; a sticky SYNC fault fails every later sync. */
    vfs_fault_arm(v, 1, VFS_FAULT_SYNC, 1);
    ASSERT_OK(os_pwrite(g, "O", 1, 0));
    ASSERT_EQ(v->sync_dir(v, test_dir()), ERR_IO);
    ASSERT_HAS(err_msg(), "injected fault: sync_dir");
    ASSERT_EQ(os_sync(g), ERR_IO);
    ASSERT_FILE(q, "OTHER");
    ASSERT_EQ(os_sync(f), ERR_IO);
    ASSERT_FILE(p, "DURable!");
    ASSERT_U64_EQ(vfs_fault_n_injected(v), 4);
    /* An EIO fault on a sync does nothing at all: the data stays, unsynced. */
    vfs_fault_arm(v, 2, VFS_FAULT_EIO, 0);
    ASSERT_OK(os_pwrite(g, "o", 1, 0));
    ASSERT_EQ(os_sync(g), ERR_IO);
    ASSERT_FILE(q, "oTHER");
    ASSERT_OK(os_close(f));
    ASSERT_OK(os_close(g));
    vfs_fault_destroy(v);
}

/*
 * The fault loop of vfs.h's users: fail call 1, 2, 3, ... of an atomic file
 * replacement until it runs clean. Each failure is reported, leaves no temp
 * file, and the file holds the old or the new contents; in power-loss mode a
 * power loss after the failure leaves the old contents unless the call got to
 * its last step.
 */
static void atomic_write_fault_loop(enum vfs_fault_kind kind, int power_loss)
{
    char p[512], t[512];
    P(p, "MANIFEST");
    P(t, "MANIFEST.tmp");
    uint64_t n;
    for (n = 1; n < 100; n++) {
        put_file(p, "old", 3);
        struct os_vfs *v = make_fault(power_loss);
        vfs_fault_arm(v, n, kind, 0);
        int rc = os_write_file_atomic(v, p, "new contents", 12);
        uint64_t inj = vfs_fault_n_injected(v);
        ASSERT_EQ(rc != 0, inj != 0);
        if (rc) {
            ASSERT(rc == ERR_IO || rc == ERR_NOSPC);
            ASSERT_HAS(err_msg(), "injected fault: ");
        }
        /* The wrapper hides what it keeps aside; no temp file is left. */
        struct names nm;
        memset(&nm, 0, sizeof nm);
        ASSERT_OK(v->list_dir(v, test_dir(), names_cb, &nm));
        ASSERT_EQ(nm.n, 1);
        ASSERT(names_has(&nm, "MANIFEST"));
        ASSERT(!present(t));
        char buf[64];
        long len = get_file(p, buf, sizeof buf);
        if (rc == 0)
            ASSERT_FILE(p, "new contents");
        else
            ASSERT((len == 3 && !memcmp(buf, "old", 3)) ||
                   (len == 12 && !memcmp(buf, "new contents", 12)));
        if (power_loss) {
            ASSERT_OK(vfs_fault_power_loss(v));
            len = get_file(p, buf, sizeof buf);
            if (rc == 0)
                ASSERT_FILE(p, "new contents");
            else
                ASSERT((len == 3 && !memcmp(buf, "old", 3)) ||
                       (len == 12 && !memcmp(buf, "new contents", 12)));
            ASSERT_EQ(count_entries(test_dir()), 1);
        }
        vfs_fault_destroy(v);
        ASSERT_EQ(count_entries(test_dir()), 1);
        if (!inj)
            break;
    }
    /* open, pwrite, sync, rename, sync_dir: five chances to fail (SYNC: two), then it ran clean. */
    ASSERT_U64_EQ(n, kind == VFS_FAULT_SYNC ? 3 : 6);
}

TEST(fault_loop_write_file_atomic)
{
    atomic_write_fault_loop(VFS_FAULT_EIO, 0);
    atomic_write_fault_loop(VFS_FAULT_SHORT, 0);
    atomic_write_fault_loop(VFS_FAULT_EIO, 1);
    atomic_write_fault_loop(VFS_FAULT_ENOSPC, 1);
    atomic_write_fault_loop(VFS_FAULT_SYNC, 1);
}

/* ---- power loss ---- */

TEST(power_loss_undoes_unsynced_writes)
{
    char p[512], q[512];
    put_file(P(p, "f"), "hello world", 11);
    put_file(P(q, "g"), "0123456789", 10);
    struct os_vfs *v = make_fault(1);
    /* Unsynced overwrite and append: both undone. */
    struct os_file *f = open_write(v, p, OS_RDWR, "HELLO", 0);
    ASSERT_OK(os_pwrite(f, "!!!", 3, 11));
    ASSERT_OK(os_pwrite(f, "J", 1, 0));
    ASSERT_OK(os_close(f));
    ASSERT_FILE(p, "JELLO world!!!");
    /* Synced writes stay; the unsynced ones after them go, truncations included. */
    f = open_write(v, q, OS_RDWR, "ab", 0);
    ASSERT_OK(os_sync(f));
    ASSERT_OK(os_truncate(f, 3));
    ASSERT_OK(os_pwrite(f, "xy", 2, 6));
    ASSERT_OK(os_truncate(f, 20));
    ASSERT_OK(os_close(f));
    ASSERT_OK(vfs_fault_power_loss(v));
    ASSERT_FILE(p, "hello world");
    ASSERT_FILE(q, "ab23456789");
    /* Truncation then sync is kept. */
    f = open_write(v, q, OS_RDWR, NULL, 0);
    ASSERT_OK(os_truncate(f, 4));
    ASSERT_OK(os_sync(f));
    ASSERT_OK(os_pwrite(f, "zzzzzzzz", 8, 2));
    ASSERT_OK(os_close(f));
    /* Open with OS_TRUNC is a truncation like any other. */
    f = open_write(v, p, OS_RDWR | OS_TRUNC, "new", 0);
    ASSERT_OK(os_close(f));
    ASSERT_FILE(p, "new");
    ASSERT_OK(vfs_fault_power_loss(v));
    ASSERT_FILE(q, "ab23");
    ASSERT_FILE(p, "hello world");
    ASSERT_EQ(count_entries(test_dir()), 2);
    vfs_fault_destroy(v);
}

TEST(power_loss_removes_creations_of_unsynced_folders)
{
    char a[512], b[512], c[512], d[512], d2[512], e[512];
    struct os_vfs *v = make_fault(1);
    /* Created, written, synced, but the folder never synced: gone. */
    struct os_file *f = open_write(v, P(a, "a"), OS_RDWR | OS_CREATE | OS_EXCL, "AAAA", 0);
    ASSERT_OK(os_sync(f));
    ASSERT_OK(os_close(f));
    ASSERT_OK(vfs_fault_power_loss(v));
    ASSERT(!present(a));
    /* Created, synced, folder synced: kept. */
    f = open_write(v, a, OS_RDWR | OS_CREATE, "AAAA", 0);
    ASSERT_OK(os_sync(f));
    ASSERT_OK(os_close(f));
    ASSERT_OK(v->sync_dir(v, test_dir()));
    /* Created and folder synced, data never synced: there, empty. */
    f = open_write(v, P(b, "b"), OS_RDWR | OS_CREATE, "BBBB", 0);
    ASSERT_OK(v->sync_dir(v, test_dir()));
    ASSERT_OK(os_close(f));
    /* os_mkdirs syncs the parents it changes: the folder stays, its unsynced file goes. */
    ASSERT_OK(os_mkdirs(v, P(e, "e/f")));
    f = open_write(v, P(d2, "e/f/y"), OS_RDWR | OS_CREATE, "Y", 0);
    ASSERT_OK(os_sync(f));
    ASSERT_OK(os_close(f));
    /* A folder made without syncing its parent goes with all it holds, synced or not. */
    ASSERT_OK(v->mkdir(v, P(c, "c")));
    f = open_write(v, P(d, "c/x"), OS_RDWR | OS_CREATE, "X", 0);
    ASSERT_OK(os_sync(f));
    ASSERT_OK(os_close(f));
    ASSERT_OK(v->sync_dir(v, c));
    ASSERT_OK(vfs_fault_power_loss(v));
    ASSERT_FILE(a, "AAAA");
    ASSERT_FILE(b, "");
    ASSERT(!present(c));
    ASSERT(present(e));
    ASSERT(!present(d2));
    ASSERT_EQ(count_entries(test_dir()), 3);
    /* rmdir without a folder sync is undone too. */
    ASSERT_OK(v->rmdir(v, e));
    ASSERT(!present(e));
    ASSERT_OK(vfs_fault_power_loss(v));
    ASSERT(present(e));
    vfs_fault_destroy(v);
}

/* The manifest pattern: write a temp file, sync, rename over the old one, sync the folder. */
TEST(power_loss_rename_over)
{
    char m[512], t[512];
    P(m, "MANIFEST");
    P(t, "MANIFEST.tmp");
    put_file(m, "old", 3);
    struct os_vfs *v = make_fault(1);
    for (int sync_folder = 0; sync_folder < 2; sync_folder++) {
        struct os_file *f = open_write(v, t, OS_RDWR | OS_CREATE | OS_TRUNC, "new", 0);
        ASSERT_OK(os_sync(f));
        ASSERT_OK(os_close(f));
        ASSERT_OK(v->rename(v, t, m));
        ASSERT_FILE(m, "new");
        ASSERT(!present(t));
        /* The replaced file is kept aside but hidden from list_dir through the wrapper. */
        struct names nm;
        memset(&nm, 0, sizeof nm);
        ASSERT_OK(v->list_dir(v, test_dir(), names_cb, &nm));
        ASSERT_EQ(nm.n, 1);
        ASSERT(names_has(&nm, "MANIFEST"));
        if (sync_folder) {
            ASSERT_OK(v->sync_dir(v, test_dir()));
            ASSERT_EQ(count_entries(test_dir()), 1);
        }
        ASSERT_OK(vfs_fault_power_loss(v));
        ASSERT_FILE(m, sync_folder ? "new" : "old");
        ASSERT(!present(t));
        ASSERT_EQ(count_entries(test_dir()), 1);
    }
    /* Renaming an open, unsynced file: its unsynced bytes are undone at its old name. */
    put_file(t, "temp", 4);
    struct os_file *f = open_write(v, t, OS_RDWR, "TE", 0);
    ASSERT_OK(v->rename(v, t, m));
    ASSERT_OK(os_pwrite(f, "MP", 2, 2));
    ASSERT_FILE(m, "TEMP");
    ASSERT_OK(vfs_fault_power_loss(v));
    ASSERT_OK(os_close(f));
    ASSERT_FILE(m, "new");
    ASSERT_FILE(t, "temp");
    /* A rename whose source is missing fails as the real one does. */
    ASSERT_EQ(v->rename(v, P(t, "nope"), m), ERR_NOT_FOUND);
    ASSERT_HAS(err_msg(), t);
    vfs_fault_destroy(v);
}

TEST(power_loss_unlink)
{
    char a[512], b[512];
    put_file(P(a, "a"), "AAAA", 4);
    put_file(P(b, "b"), "BBBB", 4);
    struct os_vfs *v = make_fault(1);
    ASSERT_OK(v->unlink(v, a));
    ASSERT_EQ(v->exists(v, a), ERR_NOT_FOUND);
    /* An open file with unsynced writes, unlinked: both undone. */
    struct os_file *f = open_write(v, b, OS_RDWR, "bb", 0);
    ASSERT_OK(v->unlink(v, b));
    ASSERT_OK(os_pwrite(f, "XX", 2, 2));
    struct names nm;
    memset(&nm, 0, sizeof nm);
    ASSERT_OK(v->list_dir(v, test_dir(), names_cb, &nm));
    ASSERT_EQ(nm.n, 0);
    ASSERT_EQ(v->unlink(v, a), ERR_NOT_FOUND);
    ASSERT_HAS(err_msg(), a);
    ASSERT_OK(vfs_fault_power_loss(v));
    ASSERT_FILE(a, "AAAA");
    ASSERT_FILE(b, "BBBB");
    /* The owner of f "crashed": the wrapper refuses its calls, and close frees it. */
    ASSERT_EQ(os_pwrite(f, "x", 1, 0), ERR_IO);
    ASSERT_HAS(err_msg(), "power loss");
    ASSERT_OK(os_close(f));
    /* Unlink, then a new file of the same name, then power loss: the old one is back. */
    ASSERT_OK(v->unlink(v, a));
    f = open_write(v, a, OS_RDWR | OS_CREATE | OS_EXCL, "new", 0);
    ASSERT_OK(os_sync(f));
    ASSERT_OK(os_close(f));
    ASSERT_OK(vfs_fault_power_loss(v));
    ASSERT_FILE(a, "AAAA");
    /* With the folder synced the removal is durable and nothing is kept aside. */
    ASSERT_OK(v->unlink(v, a));
    ASSERT_OK(v->sync_dir(v, test_dir()));
    ASSERT_EQ(count_entries(test_dir()), 1);
    ASSERT_OK(vfs_fault_power_loss(v));
    ASSERT(!present(a));
    ASSERT_FILE(b, "BBBB");
    /* Leaving power-loss mode (or destroying) makes pending removals final. */
    ASSERT_OK(v->unlink(v, b));
    ASSERT_EQ(count_entries(test_dir()), 1);
    vfs_fault_set_power_loss_mode(v, 0);
    ASSERT_EQ(count_entries(test_dir()), 0);
    vfs_fault_destroy(v);
}

struct thr_arg {
    struct os_file *f; /* Shared file. */
    int id;            /* Writes 512 bytes of this value at id * 512 * 64 + i * 512. */
    int rc;            /* First failure. */
};

static void *writer(void *p)
{
    struct thr_arg *a = p;
    uint8_t buf[512];
    memset(buf, 'a' + a->id, sizeof buf);
    for (int i = 0; i < 64 && !a->rc; i++) {
        a->rc = os_pwrite(a->f, buf, sizeof buf, (uint64_t)(a->id * 64 + i) * 512);
        if (!a->rc && i == 31)
            a->rc = os_sync(a->f);
    }
    return NULL;
}

/* Threads write one file at distinct offsets; each syncs halfway; power loss keeps what each had
 * synced. */
TEST(power_loss_threads)
{
    char p[512];
    struct os_vfs *v = make_fault(1);
    struct os_file *f = open_write(v, P(p, "f"), OS_RDWR | OS_CREATE, NULL, 0);
    ASSERT_OK(v->sync_dir(v, test_dir()));
    pthread_t th[4];
    struct thr_arg args[4];
    for (int i = 0; i < 4; i++) {
        args[i] = (struct thr_arg){f, i, 0};
        ASSERT_EQ(pthread_create(&th[i], NULL, writer, &args[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        ASSERT_OK(args[i].rc);
    }
    ASSERT_OK(vfs_fault_power_loss(v));
    ASSERT_OK(os_close(f));
    static uint8_t buf[4 * 64 * 512];
    long n = get_file(p, buf, sizeof buf);
    ASSERT(n >= 32 * 512);
    /* Every first half is there (its sync covered it); nothing is torn. */
    for (int t = 0; t < 4; t++)
        for (int i = 0; i < 32; i++)
            for (int k = 0; k < 512; k++)
                ASSERT_EQ(buf[(t * 64 + i) * 512 + k], 'a' + t);
    for (long i = 0; i < n; i++) {
        long blk = i / 512, t = blk / 64;
        ASSERT(buf[i] == 0 || buf[i] == 'a' + t);
    }
    vfs_fault_destroy(v);
}

/* ---- randomized power loss against a model ---- */

#define R_NAMES  4
#define R_MAX    300
#define R_INODES 512

/* One file as the model sees it. */
struct minode {
    uint8_t cur[R_MAX]; /* Its contents now. */
    size_t cur_len;     /* Their length. */
    uint8_t dur[R_MAX]; /* As of its last sync. */
    size_t dur_len;     /* Their length. */
    struct os_file *h;  /* Open through the wrapper, or NULL. */
};

static uint64_t rnd_state;
static uint64_t rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return rnd_state;
}
static int rnd_n(int n)
{
    return (int)(rnd() % (uint64_t)n);
}

static struct minode inodes[R_INODES];

TEST(power_loss_random_against_model)
{
    uint64_t seed = test_seed();
    rnd_state = seed * 2654435761u + 1;
    struct os_vfs *v = make_fault(1);
    char dir[512];
    snprintf(dir, sizeof dir, "%s", test_dir());
    int cur_ns[R_NAMES], dur_ns[R_NAMES]; /* name -> inode, -1 = absent */
    for (int i = 0; i < R_NAMES; i++)
        cur_ns[i] = dur_ns[i] = -1;
    uint64_t n_ops = 0;
    for (int round = 0; round < 300; round++) {
        /* The files as the last power loss left them become inodes 0..R_NAMES-1. */
        static uint8_t keep[R_NAMES][R_MAX];
        size_t keep_len[R_NAMES];
        for (int i = 0; i < R_NAMES; i++) {
            if (dur_ns[i] >= 0) {
                keep_len[i] = inodes[dur_ns[i]].dur_len;
                memcpy(keep[i], inodes[dur_ns[i]].dur, keep_len[i]);
            }
        }
        for (int i = 0; i < R_NAMES; i++) {
            if (dur_ns[i] < 0)
                continue;
            struct minode *m = &inodes[i];
            memset(m, 0, sizeof *m);
            memcpy(m->dur, keep[i], keep_len[i]);
            memcpy(m->cur, keep[i], keep_len[i]);
            m->dur_len = m->cur_len = keep_len[i];
            dur_ns[i] = i;
        }
        int next_inode = R_NAMES;
        memcpy(cur_ns, dur_ns, sizeof cur_ns);
        int n_steps = 10 + rnd_n(40);
        for (int step = 0; step < n_steps && next_inode < R_INODES - R_NAMES - 1; step++, n_ops++) {
            int name = rnd_n(R_NAMES), r = rnd_n(100);
            char path[600], path2[600];
            snprintf(path, sizeof path, "%s/n%d", dir, name);
            int ino = cur_ns[name];
            struct minode *m = ino >= 0 ? &inodes[ino] : NULL;
            if (r < 35 || (!m && r < 70)) { /* write, creating if missing */
                if (!m) {
                    ino = cur_ns[name] = next_inode++;
                    m = &inodes[ino];
                    memset(m, 0, sizeof *m);
                    ASSERT_OK(v->open(v, path, OS_RDWR | OS_CREATE | OS_EXCL, &m->h));
                } else if (!m->h) {
                    ASSERT_OK(v->open(v, path, OS_RDWR, &m->h));
                }
                size_t off = (size_t)rnd_n((int)m->cur_len + 9), len = 1 + (size_t)rnd_n(40);
                if (off + len > R_MAX)
                    continue;
                uint8_t b[64];
                for (size_t k = 0; k < len; k++)
                    b[k] = (uint8_t)('A' + rnd_n(26));
                ASSERT_OK(os_pwrite(m->h, b, len, off));
                if (off > m->cur_len)
                    memset(m->cur + m->cur_len, 0, off - m->cur_len);
                memcpy(m->cur + off, b, len);
                if (off + len > m->cur_len)
                    m->cur_len = off + len;
            } else if (!m) {
                if (r < 85)
                    ASSERT_OK(v->sync_dir(v, dir));
                else
                    ASSERT_EQ(v->unlink(v, path), ERR_NOT_FOUND);
                if (r < 85)
                    memcpy(dur_ns, cur_ns, sizeof dur_ns);
            } else if (r < 45) { /* truncate */
                if (!m->h)
                    ASSERT_OK(v->open(v, path, OS_RDWR, &m->h));
                size_t size = (size_t)rnd_n((int)m->cur_len + 9);
                if (size > R_MAX)
                    size = R_MAX;
                ASSERT_OK(os_truncate(m->h, size));
                if (size > m->cur_len)
                    memset(m->cur + m->cur_len, 0, size - m->cur_len);
                m->cur_len = size;
            } else if (r < 60) { /* sync, sometimes failing */
                if (!m->h)
                    ASSERT_OK(v->open(v, path, OS_RDWR, &m->h));
                if (rnd_n(8) == 0) {
                    vfs_fault_arm(v, 1, VFS_FAULT_SYNC, 0);
                    ASSERT_EQ(os_sync(m->h), ERR_IO);
                    memcpy(m->cur, m->dur, m->dur_len);
                    m->cur_len = m->dur_len;
                } else {
                    ASSERT_OK(os_sync(m->h));
                    memcpy(m->dur, m->cur, m->cur_len);
                    m->dur_len = m->cur_len;
                }
            } else if (r < 70) { /* rename over whatever is there */
                int to = (name + 1 + rnd_n(R_NAMES - 1)) % R_NAMES;
                snprintf(path2, sizeof path2, "%s/n%d", dir, to);
                ASSERT_OK(v->rename(v, path, path2));
                if (cur_ns[to] >= 0 && inodes[cur_ns[to]].h) {
                    ASSERT_OK(os_close(inodes[cur_ns[to]].h));
                    inodes[cur_ns[to]].h = NULL;
                }
                cur_ns[to] = ino;
                cur_ns[name] = -1;
            } else if (r < 77) { /* unlink */
                if (m->h)
                    ASSERT_OK(os_close(m->h));
                m->h = NULL;
                ASSERT_OK(v->unlink(v, path));
                cur_ns[name] = -1;
            } else if (r < 87) { /* folder sync */
                ASSERT_OK(v->sync_dir(v, dir));
                memcpy(dur_ns, cur_ns, sizeof dur_ns);
            } else if (r < 93) { /* close */
                if (m->h)
                    ASSERT_OK(os_close(m->h));
                m->h = NULL;
            } else { /* reopen with OS_TRUNC */
                if (m->h)
                    ASSERT_OK(os_close(m->h));
                ASSERT_OK(v->open(v, path, OS_RDWR | OS_TRUNC, &m->h));
                m->cur_len = 0;
            }
        }
        /* Before the power loss: the wrapper shows the current state and nothing kept aside. */
        struct names nm;
        memset(&nm, 0, sizeof nm);
        ASSERT_OK(v->list_dir(v, dir, names_cb, &nm));
        int n_cur = 0;
        for (int i = 0; i < R_NAMES; i++) {
            if (cur_ns[i] < 0)
                continue;
            n_cur++;
            char path[600];
            snprintf(path, sizeof path, "%s/n%d", dir, i);
            uint8_t *data = NULL;
            size_t len = 0;
            ASSERT_OK(os_read_file(v, path, &data, &len));
            ASSERT_EQ(len, inodes[cur_ns[i]].cur_len);
            ASSERT_MEM_EQ(data, inodes[cur_ns[i]].cur, len);
            mem_free(data);
        }
        ASSERT_EQ(nm.n, n_cur);
        /* Power loss; the open handles belong to "crashed" owners. */
        ASSERT_OK(vfs_fault_power_loss(v));
        for (int i = 0; i < next_inode; i++) {
            if (inodes[i].h) {
                ASSERT_EQ(os_pwrite(inodes[i].h, "x", 1, 0), ERR_IO);
                ASSERT_OK(os_close(inodes[i].h));
                inodes[i].h = NULL;
            }
        }
        int n_dur = 0;
        for (int i = 0; i < R_NAMES; i++) {
            char path[600];
            snprintf(path, sizeof path, "%s/n%d", dir, i);
            uint8_t buf[R_MAX + 1];
            long n = get_file(path, buf, sizeof buf);
            if (dur_ns[i] < 0) {
                if (n != -1)
                    fprintf(stderr, "  round %d: n%d should be absent\n", round, i);
                ASSERT_EQ(n, -1);
                continue;
            }
            n_dur++;
            struct minode *m = &inodes[dur_ns[i]];
            if (n != (long)m->dur_len || memcmp(buf, m->dur, m->dur_len))
                fprintf(stderr, "  round %d: n%d has %ld bytes, expected %zu\n", round, i, n,
                        m->dur_len);
            ASSERT_EQ(n, (long)m->dur_len);
            ASSERT_MEM_EQ(buf, m->dur, m->dur_len);
        }
        ASSERT_EQ(count_entries(dir), n_dur);
    }
    fprintf(stderr, "  %llu operations, %llu faults\n", (unsigned long long)n_ops,
            (unsigned long long)vfs_fault_n_injected(v));
    vfs_fault_destroy(v);
}
