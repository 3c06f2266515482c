/*
 * vfs_posix.c: the real file system behind struct os_vfs, on POSIX calls.
 * Errors are mapped from errno and carry the path and strerror() text.
 */
#include "os/vfs.h"

#include "base/err.h"
#include "base/mem.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct posix_file {
    struct os_file base; /* Must be first. */
    int fd;              /* The descriptor. */
    char *path;          /* For messages. */
};

static int fail(int e, const char *what, const char *path)
{
    return err_set(err_from_errno(e), "%s %s: %s", what, path, strerror(e));
}

static int p_open(const struct os_vfs *vfs, const char *path, int flags, struct os_file **out)
{
    int of = O_CLOEXEC;
    of |= (flags & OS_RDWR) ? O_RDWR : O_RDONLY;
    if (flags & OS_CREATE)
        of |= O_CREAT;
    if (flags & OS_EXCL)
        of |= O_EXCL;
    if (flags & OS_TRUNC)
        of |= O_TRUNC;
    struct posix_file *f = mem_alloc(sizeof *f);
    char *p = mem_strdup(path);
    if (!f || !p) {
        mem_free(f);
        mem_free(p);
        return err_set(ERR_NOMEM, "open %s: out of memory", path);
    }
    int fd;
    do
        fd = open(path, of, 0644);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        int e = errno;
        mem_free(f);
        mem_free(p);
        return fail(e, "open", path);
    }
    f->base.vfs = vfs;
    f->fd = fd;
    f->path = p;
    *out = &f->base;
    return 0;
}

static int p_close(struct os_file *file)
{
    struct posix_file *f = (struct posix_file *)file;
    int rc = 0;
    if (close(f->fd) != 0 && errno != EINTR)
        rc = fail(errno, "close", f->path);
    mem_free(f->path);
    mem_free(f);
    return rc;
}

static int p_pread(struct os_file *file, void *buf, size_t len, uint64_t off, size_t *n_read)
{
    struct posix_file *f = (struct posix_file *)file;
    size_t done = 0;
    while (done < len) {
        ssize_t n = pread(f->fd, (char *)buf + done, len - done, (off_t)(off + done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fail(errno, "read", f->path);
        }
        if (n == 0)
            break;
        done += (size_t)n;
    }
    *n_read = done;
    return 0;
}

static int p_pwrite(struct os_file *file, const void *buf, size_t len, uint64_t off)
{
    struct posix_file *f = (struct posix_file *)file;
    size_t done = 0;
    while (done < len) {
        ssize_t n = pwrite(f->fd, (const char *)buf + done, len - done, (off_t)(off + done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fail(errno, "write", f->path);
        }
        if (n == 0)
            return err_set(ERR_NOSPC, "write %s: short write at offset %llu", f->path,
                           (unsigned long long)(off + done));
        done += (size_t)n;
    }
    return 0;
}

static int p_sync(struct os_file *file)
{
    struct posix_file *f = (struct posix_file *)file;
    if (fdatasync(f->fd) != 0)
        return fail(errno, "fdatasync", f->path);
    return 0;
}

static int p_truncate(struct os_file *file, uint64_t size)
{
    struct posix_file *f = (struct posix_file *)file;
    if (ftruncate(f->fd, (off_t)size) != 0)
        return fail(errno, "truncate", f->path);
    return 0;
}

static int p_size(struct os_file *file, uint64_t *size)
{
    struct posix_file *f = (struct posix_file *)file;
    struct stat st;
    if (fstat(f->fd, &st) != 0)
        return fail(errno, "stat", f->path);
    *size = (uint64_t)st.st_size;
    return 0;
}

static int p_rename(const struct os_vfs *vfs, const char *from, const char *to)
{
    (void)vfs;
    if (rename(from, to) != 0)
        return err_set(err_from_errno(errno), "rename %s to %s: %s", from, to, strerror(errno));
    return 0;
}

static int p_unlink(const struct os_vfs *vfs, const char *path)
{
    (void)vfs;
    if (unlink(path) != 0)
        return fail(errno, "unlink", path);
    return 0;
}

static int p_mkdir(const struct os_vfs *vfs, const char *path)
{
    (void)vfs;
    if (mkdir(path, 0755) != 0)
        return fail(errno, "mkdir", path);
    return 0;
}

static int p_rmdir(const struct os_vfs *vfs, const char *path)
{
    (void)vfs;
    if (rmdir(path) != 0)
        return fail(errno, "rmdir", path);
    return 0;
}

static int p_sync_dir(const struct os_vfs *vfs, const char *path)
{
    (void)vfs;
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return fail(errno, "open folder", path);
    int rc = 0;
    if (fsync(fd) != 0)
        rc = fail(errno, "fsync folder", path);
    close(fd);
    return rc;
}

static int p_list_dir(const struct os_vfs *vfs, const char *path, os_dir_cb cb, void *arg)
{
    (void)vfs;
    DIR *d = opendir(path);
    if (!d)
        return fail(errno, "list folder", path);
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if ((rc = cb(e->d_name, arg)) != 0)
            break;
    }
    closedir(d);
    return rc;
}

static int p_exists(const struct os_vfs *vfs, const char *path)
{
    (void)vfs;
    struct stat st;
    if (stat(path, &st) == 0)
        return 0;
    return errno == ENOENT ? ERR_NOT_FOUND : fail(errno, "stat", path);
}

static const struct os_vfs posix_vfs = {
    .name = "posix",
    .open = p_open,
    .close = p_close,
    .pread = p_pread,
    .pwrite = p_pwrite,
    .sync = p_sync,
    .truncate = p_truncate,
    .size = p_size,
    .rename = p_rename,
    .unlink = p_unlink,
    .mkdir = p_mkdir,
    .rmdir = p_rmdir,
    .sync_dir = p_sync_dir,
    .list_dir = p_list_dir,
    .exists = p_exists,
    .state = NULL,
};

const struct os_vfs *os_vfs_posix(void)
{
    return &posix_vfs;
}
