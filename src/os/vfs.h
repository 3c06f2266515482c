/*
 * vfs.h: files and directories behind a table of functions.
 *
 * Every file operation of the storage engine goes through a struct os_vfs, as
 * SQLite's VFS does, so tests can substitute one that fails the Nth call with
 * EIO/ENOSPC, makes a write short, fails fsync, or forgets everything not yet
 * synced ("power loss"). os_vfs_posix() is the real one.
 *
 * Every function returns 0 or a negative ERR_* code with a detail message that
 * names the path (err_msg()). Writes are whole or fail: a short write that the
 * kernel reports is retried, and a write that cannot complete returns
 * ERR_NOSPC or ERR_IO (part of it may have reached the file).
 *
 * All functions may be called from any thread; a single os_file may be used
 * by several threads for pread/pwrite at distinct offsets.
 */
#ifndef ATOLL_OS_VFS_H
#define ATOLL_OS_VFS_H

#include <stddef.h>
#include <stdint.h>

struct os_vfs;

/* An open file. Implementations embed this as their first member. */
struct os_file {
    const struct os_vfs *vfs; /* The vfs that opened it; its functions serve it. */
};

enum os_open_flags {
    OS_RDONLY = 0,   /* Read only. */
    OS_RDWR = 1,     /* Read and write. */
    OS_CREATE = 2,   /* Create if missing. */
    OS_EXCL = 4,     /* With OS_CREATE: fail with ERR_EXISTS if present. */
    OS_TRUNC = 8,    /* Truncate to zero length. */
};

/* Called by list_dir for each entry name (not "." or ".."); non-zero stops and is returned. */
typedef int (*os_dir_cb)(const char *name, void *arg);

struct os_vfs {
    const char *name; /* "posix", "fault", ... for messages. */
    int (*open)(const struct os_vfs *vfs, const char *path, int flags, struct os_file **out);
    int (*close)(struct os_file *f);
    /* Reads up to len bytes at off; *n_read < len only at end of file. */
    int (*pread)(struct os_file *f, void *buf, size_t len, uint64_t off, size_t *n_read);
    /* Writes all len bytes at off, or fails. */
    int (*pwrite)(struct os_file *f, const void *buf, size_t len, uint64_t off);
    /* Makes the file's data durable (fdatasync). After a failure the data's state is unknown. */
    int (*sync)(struct os_file *f);
    int (*truncate)(struct os_file *f, uint64_t size);
    int (*size)(struct os_file *f, uint64_t *size);
    /* Atomically replaces to with from. Durable only after sync_dir of the folder. */
    int (*rename)(const struct os_vfs *vfs, const char *from, const char *to);
    int (*unlink)(const struct os_vfs *vfs, const char *path);
    /* Creates a folder; ERR_EXISTS if it is there. */
    int (*mkdir)(const struct os_vfs *vfs, const char *path);
    int (*rmdir)(const struct os_vfs *vfs, const char *path);
    /* Makes the folder's entries (creations, renames, removals) durable. */
    int (*sync_dir)(const struct os_vfs *vfs, const char *path);
    int (*list_dir)(const struct os_vfs *vfs, const char *path, os_dir_cb cb, void *arg);
    /* 0 if path exists, ERR_NOT_FOUND if not. */
    int (*exists)(const struct os_vfs *vfs, const char *path);
    void *state; /* The implementation's own data. */
};

/* The real file system. */
const struct os_vfs *os_vfs_posix(void);

/* Shorthands that dispatch through the file's or the given vfs. */
static inline int os_close(struct os_file *f) { return f->vfs->close(f); }
static inline int os_pread(struct os_file *f, void *b, size_t n, uint64_t off, size_t *got)
{
    return f->vfs->pread(f, b, n, off, got);
}
static inline int os_pwrite(struct os_file *f, const void *b, size_t n, uint64_t off)
{
    return f->vfs->pwrite(f, b, n, off);
}
static inline int os_sync(struct os_file *f) { return f->vfs->sync(f); }
static inline int os_truncate(struct os_file *f, uint64_t size) { return f->vfs->truncate(f, size); }
static inline int os_size(struct os_file *f, uint64_t *size) { return f->vfs->size(f, size); }

/* Reads exactly len bytes at off; ERR_CORRUPT naming path if the file is shorter. */
int os_pread_full(struct os_file *f, void *buf, size_t len, uint64_t off, const char *path);

/* Creates every missing folder of path (like mkdir -p); syncs each parent it changed. */
int os_mkdirs(const struct os_vfs *vfs, const char *path);

/* Writes a whole file durably: temp file, write, sync, rename over path, sync of the folder. */
int os_write_file_atomic(const struct os_vfs *vfs, const char *path, const void *data, size_t len);

/* Reads a whole file into a new mem_alloc'ed buffer (caller frees). */
int os_read_file(const struct os_vfs *vfs, const char *path, uint8_t **data, size_t *len);

/* Copies the folder part of path into out (cap bytes); "." when there is none. */
void os_dirname(const char *path, char *out, size_t cap);

#endif
