/*
 * vfs_util.c: helpers built only on the struct os_vfs functions, so they work
 * the same over the real and the fault-injecting file systems.
 */
#include "os/vfs.h"

#include "base/err.h"
#include "base/mem.h"

#include <stdio.h>
#include <string.h>

int os_pread_full(struct os_file *f, void *buf, size_t len, uint64_t off, const char *path)
{
    size_t got = 0;
    int rc = os_pread(f, buf, len, off, &got);
    if (rc)
        return rc;
    if (got != len)
        return err_set(ERR_CORRUPT, "%s: file ends at %llu, expected %zu bytes at offset %llu",
                       path, (unsigned long long)(off + got), len, (unsigned long long)off);
    return 0;
}

void os_dirname(const char *path, char *out, size_t cap)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(out, cap, ".");
        return;
    }
    size_t n = (size_t)(slash - path);
    if (n == 0)
        n = 1; /* "/x" -> "/" */
    if (n >= cap)
        n = cap - 1;
    memcpy(out, path, n);
    out[n] = '\0';
}

int os_mkdirs(const struct os_vfs *vfs, const char *path)
{
    char buf[4096];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof buf)
        return err_set(ERR_INVALID, "bad folder path '%s'", path);
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        char c = buf[i];
        buf[i] = '\0';
        int ex = vfs->exists(vfs, buf);
        if (ex != 0 && ex != ERR_NOT_FOUND)
            return ex;
        if (ex == ERR_NOT_FOUND) {
            int rc = vfs->mkdir(vfs, buf);
            if (rc && rc != ERR_EXISTS)
                return rc;
            char parent[4096];
            os_dirname(buf, parent, sizeof parent);
            if ((rc = vfs->sync_dir(vfs, parent)) != 0)
                return rc;
        }
        buf[i] = c;
    }
    return 0;
}

int os_write_file_atomic(const struct os_vfs *vfs, const char *path, const void *data, size_t len)
{
    char tmp[4096], dir[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return err_set(ERR_INVALID, "path too long: %s", path);
    struct os_file *f;
    int rc = vfs->open(vfs, tmp, OS_RDWR | OS_CREATE | OS_TRUNC, &f);
    if (rc)
        return rc;
    rc = os_pwrite(f, data, len, 0);
    if (!rc)
        rc = os_sync(f);
    int rc2 = os_close(f);
    if (!rc)
        rc = rc2;
    if (!rc)
        rc = vfs->rename(vfs, tmp, path);
    if (!rc) {
        os_dirname(path, dir, sizeof dir);
        rc = vfs->sync_dir(vfs, dir);
    }
    if (rc && vfs->exists(vfs, tmp) == 0) {
        int keep = rc;
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", err_msg());
        vfs->unlink(vfs, tmp);
        err_set(keep, "%s", msg);
    }
    return rc;
}

int os_read_file(const struct os_vfs *vfs, const char *path, uint8_t **data, size_t *len)
{
    struct os_file *f;
    int rc = vfs->open(vfs, path, OS_RDONLY, &f);
    if (rc)
        return rc;
    uint64_t size;
    uint8_t *p = NULL;
    if ((rc = os_size(f, &size)) != 0)
        goto out;
    p = mem_alloc(size ? size : 1);
    if (!p) {
        rc = err_set(ERR_NOMEM, "read %s: out of memory", path);
        goto out;
    }
    if ((rc = os_pread_full(f, p, size, 0, path)) != 0)
        goto out;
    *data = p;
    *len = size;
    p = NULL;
out:
    mem_free(p);
    os_close(f);
    return rc;
}
