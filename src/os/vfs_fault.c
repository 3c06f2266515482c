/*
 * vfs_fault.c: a struct os_vfs for tests that wraps another one, fails the Nth
 * counted call on demand, and can put the files back as a power cut would
 * leave them (see vfs_fault.h for the contract).
 *
 * Faults: every counted call goes through count_call(), which bumps the
 * counters and says whether this call is the armed one (or a later one, when
 * sticky). An injected EIO or ENOSPC returns before the inner call; a SHORT
 * pwrite passes the first half of its bytes down and then fails.
 *
 * Unsynced file contents are always tracked, because a failed sync
 * (VFS_FAULT_SYNC) must drop them in any mode. Each file with changes since
 * its last sync has a "dirty" record, keyed by its current path: the size it
 * had at that sync and an undo log of the durable bytes that writes and
 * truncations have overwritten since, saved just before they did. Appends
 * past the durable size save nothing, so a log that is appended to and
 * synced costs no copying. Applying the undo log newest first and then
 * truncating to the durable size gives back the synced contents. A sync that
 * succeeds drops the record.
 *
 * Folder entries are tracked only in power-loss mode: each creation (open
 * with OS_CREATE of a missing file, mkdir), rename, unlink and rmdir appends
 * an operation to one list, tagged with the folder(s) whose sync_dir makes it
 * durable; sync_dir drops the operations it covers. A file that an unlink
 * removes, or that a rename replaces, is not lost: it is first renamed aside
 * to a hidden "<folder>/.vfs-fault-keep-N" (which list_dir through the
 * wrapper does not show), so that a power loss can put it back and sync_dir
 * of its folder deletes it for good. Because every wrapper call that changes
 * anything runs under the one mutex, the moment between moving the old file
 * aside and renaming the new one over it is invisible to users of the
 * wrapper.
 *
 * vfs_fault_power_loss() closes every open inner file, reverts the contents
 * of every dirty file (at its current path, which may be a hidden one), then
 * undoes the pending folder operations newest first, which brings each folder
 * back to what its last sync_dir made durable: unsynced creations removed
 * (a created folder with everything in it), renames undone and replaced files
 * restored, unlinked files brought back. Then it forgets everything.
 *
 * Paths are compared as strings after a light normalization (repeated and
 * trailing slashes and "." components removed; ".." and symbolic links are
 * not resolved), so callers should name one file one way. Renames of folders
 * are followed for open files and dirty records underneath them.
 */
#include "os/vfs_fault.h"

#include "base/err.h"
#include "base/mem.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define HOLD_PREFIX ".vfs-fault-keep-"

/* The counted calls, in the names used by injected-fault messages. */
enum call {
    C_OPEN,
    C_PREAD,
    C_PWRITE,
    C_SYNC,
    C_TRUNCATE,
    C_RENAME,
    C_UNLINK,
    C_MKDIR,
    C_RMDIR,
    C_SYNC_DIR,
};

static const char *const call_names[] = {
    "open", "pread", "pwrite", "sync", "truncate", "rename", "unlink", "mkdir", "rmdir", "sync_dir",
};

/* Durable bytes that a write or truncation since the last sync overwrote. */
struct undo {
    uint64_t off;      /* Where they were in the file. */
    size_t len;        /* How many. */
    uint8_t *bytes;    /* Their contents as of the last sync. */
    struct undo *next; /* The next older record. */
};

/* A file with changes since its last sync. */
struct dirty {
    char *path;            /* Its current normalized path; NULL once removed for good. */
    uint64_t durable_size; /* Its size at the last sync. */
    struct undo *undo;     /* Undo records, newest first. */
    struct dirty *next;    /* Next in the wrapper's list. */
};

enum op_kind {
    OP_CREATE, /* A file was created at path. */
    OP_MKDIR,  /* A folder was created at path. */
    OP_RENAME, /* from was renamed to path. */
    OP_UNLINK, /* The file at path was removed (moved aside to held). */
    OP_RMDIR,  /* The empty folder at path was removed. */
};

/* A change of folder entries not yet made durable by sync_dir. */
struct nsop {
    enum op_kind kind;        /* What was done. */
    char *path;               /* The created, removed or renamed-to entry (normalized). */
    char *from;               /* OP_RENAME: the old name. */
    char *held;               /* The unlinked or replaced file, moved aside; or NULL. */
    int replaced_dir;         /* OP_RENAME: path was an empty folder that the rename replaced. */
    char *dir[2];             /* Folders still to be synced for it to be durable (NULL = done). */
    struct nsop *prev, *next; /* In the wrapper's list, oldest first. */
};

/* A file opened through the wrapper. */
struct ffile {
    struct os_file base;       /* Must be first. */
    struct os_file *inner;     /* The wrapped file; NULL once lost in a power loss. */
    char *path;                /* Current normalized path; NULL once removed for good. */
    char *name;                /* The path as opened, for messages. */
    int lost;                  /* 1: on the lost list (forgotten by a power loss). */
    struct ffile *prev, *next; /* In the list of open or of lost files. */
};

/* The wrapper's data, behind os_vfs.state. */
struct fstate {
    pthread_mutex_t mu;         /* Guards everything below and serializes changing calls. */
    const struct os_vfs *inner; /* The wrapped file system. */
    uint64_t n_calls;           /* Counted calls since creation. */
    uint64_t n_injected;        /* Faults injected since creation. */
    uint64_t arm_n;             /* The armed fault fires at this call of its sort; 0 = disarmed. */
    enum vfs_fault_kind arm_kind; /* What it does. */
    int arm_sticky;               /* 1: every later call of its sort fails too. */
    uint64_t arm_seen;            /* Calls of its sort since arming. */
    int power_loss_mode;          /* 1: folder operations are tracked. */
    uint64_t n_held;              /* Numbers the hidden names of files moved aside. */
    struct ffile *files;          /* Open files. */
    struct ffile *lost;           /* Files forgotten by a power loss, freed at close or destroy. */
    struct dirty *dirty;          /* Files with unsynced changes. */
    struct nsop *ops_head;        /* Unsynced folder operations, oldest first. */
    struct nsop *ops_tail;        /* The newest. */
};

static struct fstate *state_of(const struct os_vfs *vfs)
{
    return (struct fstate *)vfs->state;
}

/* ---- paths ---- */

/* A mem_alloc'ed copy of p without repeated or trailing slashes and "." parts. */
static char *norm_path(const char *p)
{
    size_t n = strlen(p);
    char *out = mem_alloc(n + 2);
    if (!out)
        return NULL;
    size_t o = 0;
    if (p[0] == '/')
        out[o++] = '/';
    const char *s = p;
    for (;;) {
        while (*s == '/')
            s++;
        const char *e = s;
        while (*e && *e != '/')
            e++;
        size_t len = (size_t)(e - s);
        if (len == 0)
            break;
        if (!(len == 1 && s[0] == '.')) {
            if (o > 0 && out[o - 1] != '/')
                out[o++] = '/';
            memcpy(out + o, s, len);
            o += len;
        }
        s = e;
    }
    if (o == 0)
        out[o++] = '.';
    out[o] = '\0';
    return out;
}

/* A mem_alloc'ed copy of the folder part of the normalized path p. */
static char *dir_of(const char *p)
{
    const char *slash = strrchr(p, '/');
    if (!slash)
        return mem_strdup(".");
    if (slash == p)
        return mem_strdup("/");
    return mem_strndup(p, (size_t)(slash - p));
}

/* 1 if p is base or lies under it. */
static int under(const char *p, const char *base)
{
    size_t n = strlen(base);
    return strncmp(p, base, n) == 0 && (p[n] == '\0' || p[n] == '/');
}

/*
 * Rewrites *p from lying under from to lying under to. Out of memory, the
 * path is dropped (NULL: no longer tracked), which only weakens the model.
 */
static void repath(char **p, const char *from, const char *to)
{
    if (!*p || !under(*p, from))
        return;
    const char *rest = *p + strlen(from);
    size_t n = strlen(to) + strlen(rest) + 1;
    char *q = mem_alloc(n);
    if (q)
        snprintf(q, n, "%s%s", to, rest);
    mem_free(*p);
    *p = q;
}

static int is_hold_name(const char *name)
{
    return strncmp(name, HOLD_PREFIX, strlen(HOLD_PREFIX)) == 0;
}

/* ---- fault decisions ---- */

/* Counts a call and returns the fault to inject into it, or 0. Under mu. */
static int count_call(struct fstate *s, enum call c)
{
    s->n_calls++;
    if (s->arm_n == 0)
        return 0;
    if (s->arm_kind == VFS_FAULT_SYNC && c != C_SYNC && c != C_SYNC_DIR)
        return 0;
    s->arm_seen++;
    if (s->arm_seen < s->arm_n)
        return 0;
    int kind = (int)s->arm_kind;
    if (!s->arm_sticky)
        s->arm_n = 0;
    s->n_injected++;
    return kind;
}

/* Sets the message of an injected fault and returns its code. */
static int injected(int kind, enum call c, const char *path, const char *to)
{
    int code = (kind == VFS_FAULT_EIO || kind == VFS_FAULT_SYNC) ? ERR_IO : ERR_NOSPC;
    const char *tag = code == ERR_IO ? "EIO" : "ENOSPC";
    if (to)
        return err_set(code, "injected fault: %s %s to %s: %s", call_names[c], path, to, tag);
    return err_set(code, "injected fault: %s %s: %s", call_names[c], path, tag);
}

static int lost_file(const struct ffile *f, const char *what)
{
    return err_set(ERR_IO, "%s %s: file was lost in a simulated power loss", what, f->name);
}

/* ---- file contents ---- */

static struct dirty *dirty_find(struct fstate *s, const char *path)
{
    for (struct dirty *d = s->dirty; d; d = d->next)
        if (d->path && !strcmp(d->path, path))
            return d;
    return NULL;
}

static void dirty_free(struct dirty *d)
{
    struct undo *u = d->undo;
    while (u) {
        struct undo *next = u->next;
        mem_free(u->bytes);
        mem_free(u);
        u = next;
    }
    mem_free(d->path);
    mem_free(d);
}

/* Unlinks d from the list and frees it. */
static void dirty_drop(struct fstate *s, struct dirty *d)
{
    for (struct dirty **pp = &s->dirty; *pp; pp = &(*pp)->next) {
        if (*pp == d) {
            *pp = d->next;
            break;
        }
    }
    dirty_free(d);
}

/* Finds f's dirty record, making one (its current contents durable) if it has none. */
static int dirty_get(struct fstate *s, struct ffile *f, struct dirty **out)
{
    struct dirty *d = dirty_find(s, f->path);
    if (d) {
        *out = d;
        return 0;
    }
    uint64_t size;
    int rc = os_size(f->inner, &size);
    if (rc)
        return rc;
    d = mem_calloc(1, sizeof *d);
    char *p = mem_strdup(f->path);
    if (!d || !p) {
        mem_free(d);
        mem_free(p);
        return err_set(ERR_NOMEM, "fault vfs: track %s: out of memory", f->name);
    }
    d->path = p;
    d->durable_size = size;
    d->next = s->dirty;
    s->dirty = d;
    *out = d;
    return 0;
}

/* Saves bytes [off, end) of f, which are durable and about to change, unless saved already. */
static int save_range(struct dirty *d, struct ffile *f, uint64_t off, uint64_t end)
{
    /* An older record covering the range holds the durable bytes; it is applied last. */
    for (struct undo *u = d->undo; u; u = u->next)
        if (u->off <= off && u->off + u->len >= end)
            return 0;
    size_t len = (size_t)(end - off);
    struct undo *u = mem_alloc(sizeof *u);
    uint8_t *b = mem_alloc(len);
    if (!u || !b) {
        mem_free(u);
        mem_free(b);
        return err_set(ERR_NOMEM, "fault vfs: save %s: out of memory", f->name);
    }
    size_t got = 0;
    int rc = os_pread(f->inner, b, len, off, &got);
    if (rc) {
        mem_free(u);
        mem_free(b);
        return rc;
    }
    u->off = off;
    u->len = got;
    u->bytes = b;
    u->next = d->undo;
    d->undo = u;
    return 0;
}

/* Before f's bytes [off, off+len) are written: saves those of them that are durable. */
static int before_write(struct fstate *s, struct ffile *f, uint64_t off, size_t len)
{
    if (!f->path || len == 0)
        return 0;
    struct dirty *d;
    int rc = dirty_get(s, f, &d);
    if (rc || off >= d->durable_size)
        return rc;
    uint64_t cur;
    if ((rc = os_size(f->inner, &cur)) != 0)
        return rc;
    uint64_t end = off + len;
    if (end > d->durable_size)
        end = d->durable_size;
    if (end > cur)
        end = cur; /* Beyond cur the durable bytes were cut, and saved then. */
    if (end <= off)
        return 0;
    return save_range(d, f, off, end);
}

/* Before f is truncated to size: saves the durable bytes that will be cut. */
static int before_truncate(struct fstate *s, struct ffile *f, uint64_t size)
{
    if (!f->path)
        return 0;
    struct dirty *d;
    int rc = dirty_get(s, f, &d);
    if (rc)
        return rc;
    uint64_t cur;
    if ((rc = os_size(f->inner, &cur)) != 0)
        return rc;
    uint64_t end = cur < d->durable_size ? cur : d->durable_size;
    if (size >= end)
        return 0;
    return save_range(d, f, size, end);
}

/* Puts the file open as inner back to d's durable contents. */
static int revert(struct os_file *inner, const struct dirty *d)
{
    int rc = 0;
    for (const struct undo *u = d->undo; u && !rc; u = u->next)
        rc = os_pwrite(inner, u->bytes, u->len, u->off);
    if (!rc)
        rc = os_truncate(inner, d->durable_size);
    return rc;
}

/* The file at path (or under it) is gone for good: stop tracking it. */
static void forget_path(struct fstate *s, const char *path)
{
    for (struct ffile *f = s->files; f; f = f->next) {
        if (f->path && under(f->path, path)) {
            mem_free(f->path);
            f->path = NULL;
        }
    }
    struct dirty **pp = &s->dirty;
    while (*pp) {
        struct dirty *d = *pp;
        if (d->path && under(d->path, path)) {
            *pp = d->next;
            dirty_free(d);
        } else {
            pp = &d->next;
        }
    }
}

/* What was at from (or under it) is now at to. */
static void move_paths(struct fstate *s, const char *from, const char *to)
{
    for (struct ffile *f = s->files; f; f = f->next)
        repath(&f->path, from, to);
    for (struct dirty *d = s->dirty; d; d = d->next)
        repath(&d->path, from, to);
}

/* ---- folder operations ---- */

static void op_free(struct nsop *op)
{
    if (!op)
        return;
    mem_free(op->path);
    mem_free(op->from);
    mem_free(op->held);
    mem_free(op->dir[0]);
    mem_free(op->dir[1]);
    mem_free(op);
}

/* A new operation with copies of path and (if given) from; the folders to sync are set. */
static struct nsop *op_new(enum op_kind kind, const char *path, const char *from)
{
    struct nsop *op = mem_calloc(1, sizeof *op);
    if (!op)
        return NULL;
    op->kind = kind;
    op->path = mem_strdup(path);
    op->dir[0] = op->path ? dir_of(op->path) : NULL;
    int ok = op->path && op->dir[0];
    if (ok && from) {
        op->from = mem_strdup(from);
        op->dir[1] = op->from ? dir_of(op->from) : NULL;
        ok = op->from && op->dir[1];
        if (ok && !strcmp(op->dir[0], op->dir[1])) {
            mem_free(op->dir[1]);
            op->dir[1] = NULL;
        }
    }
    if (!ok) {
        op_free(op);
        return NULL;
    }
    return op;
}

static void op_append(struct fstate *s, struct nsop *op)
{
    op->prev = s->ops_tail;
    op->next = NULL;
    if (s->ops_tail)
        s->ops_tail->next = op;
    else
        s->ops_head = op;
    s->ops_tail = op;
}

static void op_remove(struct fstate *s, struct nsop *op)
{
    if (op->prev)
        op->prev->next = op->next;
    else
        s->ops_head = op->next;
    if (op->next)
        op->next->prev = op->prev;
    else
        s->ops_tail = op->prev;
}

/* The operation is durable: the file it moved aside is deleted for good. */
static void op_finish(struct fstate *s, struct nsop *op)
{
    if (op->held) {
        s->inner->unlink(s->inner, op->held);
        forget_path(s, op->held);
    }
}

/* Finishes every pending operation (leaving power-loss mode, or destroying). */
static void ops_finish_all(struct fstate *s)
{
    while (s->ops_head) {
        struct nsop *op = s->ops_head;
        op_remove(s, op);
        op_finish(s, op);
        op_free(op);
    }
}

/* Makes a free hidden name in folder dir for a file moved aside. */
static char *hold_name(struct fstate *s, const char *dir)
{
    for (;;) {
        size_t n = strlen(dir) + sizeof HOLD_PREFIX + 24;
        char *p = mem_alloc(n);
        if (!p)
            return NULL;
        snprintf(p, n, "%s/%s%llu", dir, HOLD_PREFIX, (unsigned long long)++s->n_held);
        if (s->inner->exists(s->inner, p) == ERR_NOT_FOUND)
            return p;
        mem_free(p);
    }
}

static int count_entry_cb(const char *name, void *arg)
{
    (void)name;
    (void)arg;
    return 1;
}

/* 1 if path names a folder of the inner file system. */
static int is_dir(const struct os_vfs *inner, const char *path)
{
    return inner->list_dir(inner, path, count_entry_cb, NULL) >= 0;
}

struct name_list {
    char **names; /* The entry names collected. */
    size_t n;     /* How many. */
    size_t cap;   /* Room for. */
    int rc;       /* ERR_NOMEM if one could not be kept. */
};

static int collect_cb(const char *name, void *arg)
{
    struct name_list *l = arg;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **p = mem_realloc(l->names, cap * sizeof *p);
        if (!p)
            return l->rc = ERR_NOMEM;
        l->names = p;
        l->cap = cap;
    }
    if (!(l->names[l->n] = mem_strdup(name)))
        return l->rc = ERR_NOMEM;
    l->n++;
    return 0;
}

/* Removes the folder path and everything in it, through the inner file system. */
static int remove_tree(const struct os_vfs *inner, const char *path)
{
    struct name_list l = {0};
    int rc = inner->list_dir(inner, path, collect_cb, &l);
    for (size_t i = 0; i < l.n; i++) {
        size_t n = strlen(path) + strlen(l.names[i]) + 2;
        char *child = mem_alloc(n);
        if (child) {
            snprintf(child, n, "%s/%s", path, l.names[i]);
            if (inner->unlink(inner, child) != 0) {
                int rc2 = remove_tree(inner, child);
                if (!rc)
                    rc = rc2;
            }
        } else if (!rc) {
            rc = err_set(ERR_NOMEM, "fault vfs: remove %s: out of memory", path);
        }
        mem_free(child);
        mem_free(l.names[i]);
    }
    mem_free(l.names);
    int rc2 = inner->rmdir(inner, path);
    return rc ? rc : rc2;
}

/* Undoes one folder operation (power loss). Missing or present entries are tolerated. */
static int op_undo(struct fstate *s, struct nsop *op)
{
    const struct os_vfs *in = s->inner;
    int rc = 0;
    switch (op->kind) {
    case OP_CREATE:
        rc = in->unlink(in, op->path);
        break;
    case OP_MKDIR:
        rc = in->exists(in, op->path) == 0 ? remove_tree(in, op->path) : 0;
        break;
    case OP_RENAME:
        if (in->exists(in, op->path) == 0)
            rc = in->rename(in, op->path, op->from);
        if (!rc && op->held)
            rc = in->rename(in, op->held, op->path);
        if (!rc && op->replaced_dir)
            rc = in->mkdir(in, op->path);
        break;
    case OP_UNLINK:
        rc = in->rename(in, op->held, op->path);
        break;
    case OP_RMDIR:
        rc = in->mkdir(in, op->path);
        break;
    }
    return (rc == ERR_NOT_FOUND || rc == ERR_EXISTS) ? 0 : rc;
}

/* ---- the file functions ---- */

static int f_close(struct os_file *file)
{
    struct ffile *f = (struct ffile *)file;
    struct fstate *s = state_of(f->base.vfs);
    pthread_mutex_lock(&s->mu);
    struct ffile **head = f->lost ? &s->lost : &s->files;
    if (f->prev)
        f->prev->next = f->next;
    else
        *head = f->next;
    if (f->next)
        f->next->prev = f->prev;
    struct os_file *inner = f->inner;
    pthread_mutex_unlock(&s->mu);
    int rc = inner ? os_close(inner) : 0;
    mem_free(f->path);
    mem_free(f->name);
    mem_free(f);
    return rc;
}

static int f_pread(struct os_file *file, void *buf, size_t len, uint64_t off, size_t *n_read)
{
    struct ffile *f = (struct ffile *)file;
    struct fstate *s = state_of(f->base.vfs);
    pthread_mutex_lock(&s->mu);
    struct os_file *inner = f->inner;
    int kind = inner ? count_call(s, C_PREAD) : 0;
    pthread_mutex_unlock(&s->mu);
    if (!inner)
        return lost_file(f, "pread");
    if (kind)
        return injected(kind, C_PREAD, f->name, NULL);
    /* Reads change nothing, so they run outside the mutex. */
    return os_pread(inner, buf, len, off, n_read);
}

static int f_pwrite(struct os_file *file, const void *buf, size_t len, uint64_t off)
{
    struct ffile *f = (struct ffile *)file;
    struct fstate *s = state_of(f->base.vfs);
    pthread_mutex_lock(&s->mu);
    int rc;
    if (!f->inner) {
        rc = lost_file(f, "pwrite");
        goto out;
    }
    int kind = count_call(s, C_PWRITE);
    if (kind && kind != VFS_FAULT_SHORT) {
        rc = injected(kind, C_PWRITE, f->name, NULL);
        goto out;
    }
    size_t n = kind ? len / 2 : len;
    if ((rc = before_write(s, f, off, n)) != 0)
        goto out;
    if (n > 0 && (rc = os_pwrite(f->inner, buf, n, off)) != 0)
        goto out;
    if (kind)
        rc = err_set(ERR_NOSPC, "injected fault: pwrite %s: short write, %zu of %zu bytes: ENOSPC",
                     f->name, n, len);
out:
    pthread_mutex_unlock(&s->mu);
    return rc;
}

static int f_sync(struct os_file *file)
{
    struct ffile *f = (struct ffile *)file;
    struct fstate *s = state_of(f->base.vfs);
    pthread_mutex_lock(&s->mu);
    int rc;
    if (!f->inner) {
        rc = lost_file(f, "sync");
        goto out;
    }
    struct dirty *d = f->path ? dirty_find(s, f->path) : NULL;
    int kind = count_call(s, C_SYNC);
    if (kind) {
        if (kind == VFS_FAULT_SYNC && d) {
            /* Linux drops the dirty pages of a failed fsync: what was unsynced is gone. */
            revert(f->inner, d);
            dirty_drop(s, d);
        }
        rc = injected(kind, C_SYNC, f->name, NULL);
        goto out;
    }
    /* Held under the mutex so no write can slip in between the sync and dropping the record. */
    rc = os_sync(f->inner);
    if (!rc && d)
        dirty_drop(s, d);
out:
    pthread_mutex_unlock(&s->mu);
    return rc;
}

static int f_truncate(struct os_file *file, uint64_t size)
{
    struct ffile *f = (struct ffile *)file;
    struct fstate *s = state_of(f->base.vfs);
    pthread_mutex_lock(&s->mu);
    int rc;
    if (!f->inner) {
        rc = lost_file(f, "truncate");
        goto out;
    }
    int kind = count_call(s, C_TRUNCATE);
    if (kind) {
        rc = injected(kind, C_TRUNCATE, f->name, NULL);
        goto out;
    }
    if ((rc = before_truncate(s, f, size)) == 0)
        rc = os_truncate(f->inner, size);
out:
    pthread_mutex_unlock(&s->mu);
    return rc;
}

static int f_size(struct os_file *file, uint64_t *size)
{
    struct ffile *f = (struct ffile *)file;
    struct fstate *s = state_of(f->base.vfs);
    pthread_mutex_lock(&s->mu);
    struct os_file *inner = f->inner;
    pthread_mutex_unlock(&s->mu);
    if (!inner)
        return lost_file(f, "size");
    return os_size(inner, size);
}

/* ---- the folder functions ---- */

static int f_open(const struct os_vfs *vfs, const char *path, int flags, struct os_file **out)
{
    struct fstate *s = state_of(vfs);
    struct ffile *f = mem_calloc(1, sizeof *f);
    char *np = norm_path(path);
    char *name = mem_strdup(path);
    struct nsop *op = NULL;
    int rc = 0;
    if (!f || !np || !name) {
        rc = err_set(ERR_NOMEM, "open %s: out of memory", path);
        goto fail;
    }
    pthread_mutex_lock(&s->mu);
    int kind = count_call(s, C_OPEN);
    if (kind) {
        rc = injected(kind, C_OPEN, path, NULL);
        goto fail_locked;
    }
    int creating = 0;
    if ((flags & OS_CREATE) && s->power_loss_mode) {
        creating = s->inner->exists(s->inner, path) == ERR_NOT_FOUND;
        if (creating && !(op = op_new(OP_CREATE, np, NULL))) {
            rc = err_set(ERR_NOMEM, "open %s: out of memory", path);
            goto fail_locked;
        }
    }
    /* Truncation on open is done as a tracked truncate, so it can be undone. */
    if ((rc = s->inner->open(s->inner, path, flags & ~OS_TRUNC, &f->inner)) != 0)
        goto fail_locked;
    f->base.vfs = vfs;
    f->path = np;
    f->name = name;
    if ((flags & OS_TRUNC) && !creating) {
        uint64_t size;
        rc = os_size(f->inner, &size);
        if (!rc && size > 0 && (rc = before_truncate(s, f, 0)) == 0)
            rc = os_truncate(f->inner, 0);
        if (rc) {
            os_close(f->inner);
            goto fail_locked;
        }
    }
    if (op)
        op_append(s, op);
    f->next = s->files;
    if (s->files)
        s->files->prev = f;
    s->files = f;
    pthread_mutex_unlock(&s->mu);
    *out = &f->base;
    return 0;

fail_locked:
    pthread_mutex_unlock(&s->mu);
fail:
    op_free(op);
    mem_free(np);
    mem_free(name);
    mem_free(f);
    return rc;
}

static int f_rename(const struct os_vfs *vfs, const char *from, const char *to)
{
    struct fstate *s = state_of(vfs);
    const struct os_vfs *in = s->inner;
    char *nf = norm_path(from), *nt = norm_path(to), *held = NULL;
    struct nsop *op = NULL;
    int rc;
    if (!nf || !nt) {
        rc = err_set(ERR_NOMEM, "rename %s to %s: out of memory", from, to);
        goto out;
    }
    pthread_mutex_lock(&s->mu);
    int kind = count_call(s, C_RENAME);
    if (kind) {
        rc = injected(kind, C_RENAME, from, to);
        goto out_locked;
    }
    if (!s->power_loss_mode || !strcmp(nf, nt) || in->exists(in, from) != 0) {
        /* Nothing to remember (or an error for the inner rename to report). */
        rc = in->rename(in, from, to);
        if (!rc && strcmp(nf, nt)) {
            forget_path(s, nt);
            move_paths(s, nf, nt);
        }
        goto out_locked;
    }
    if (!(op = op_new(OP_RENAME, nt, nf))) {
        rc = err_set(ERR_NOMEM, "rename %s to %s: out of memory", from, to);
        goto out_locked;
    }
    if (in->exists(in, to) == 0) {
        if (is_dir(in, to) || is_dir(in, from)) {
            /* Folders: rename itself says whether this is allowed (only over an empty one). */
            if ((rc = in->rename(in, from, to)) != 0)
                goto out_locked;
            op->replaced_dir = 1;
            goto done;
        }
        /* Keep the replaced file aside, so a power loss can bring it back. */
        if (!(held = hold_name(s, op->dir[0]))) {
            rc = err_set(ERR_NOMEM, "rename %s to %s: out of memory", from, to);
            goto out_locked;
        }
        if ((rc = in->rename(in, to, held)) != 0)
            goto out_locked;
        move_paths(s, nt, held);
    }
    if ((rc = in->rename(in, from, to)) != 0) {
        if (held) {
            in->rename(in, held, to);
            move_paths(s, held, nt);
        }
        goto out_locked;
    }
done:
    move_paths(s, nf, nt);
    op->held = held;
    held = NULL;
    op_append(s, op);
    op = NULL;
out_locked:
    pthread_mutex_unlock(&s->mu);
out:
    op_free(op);
    mem_free(held);
    mem_free(nf);
    mem_free(nt);
    return rc;
}

static int f_unlink(const struct os_vfs *vfs, const char *path)
{
    struct fstate *s = state_of(vfs);
    const struct os_vfs *in = s->inner;
    char *np = norm_path(path);
    struct nsop *op = NULL;
    int rc;
    if (!np) {
        rc = err_set(ERR_NOMEM, "unlink %s: out of memory", path);
        goto out;
    }
    pthread_mutex_lock(&s->mu);
    int kind = count_call(s, C_UNLINK);
    if (kind) {
        rc = injected(kind, C_UNLINK, path, NULL);
        goto out_locked;
    }
    if (!s->power_loss_mode || in->exists(in, path) != 0 || is_dir(in, path)) {
        rc = in->unlink(in, path);
        if (!rc)
            forget_path(s, np);
        goto out_locked;
    }
    /* Move the file aside instead, until its folder is synced. */
    if (!(op = op_new(OP_UNLINK, np, NULL)) || !(op->held = hold_name(s, op->dir[0]))) {
        rc = err_set(ERR_NOMEM, "unlink %s: out of memory", path);
        goto out_locked;
    }
    if ((rc = in->rename(in, path, op->held)) != 0)
        goto out_locked;
    move_paths(s, np, op->held);
    op_append(s, op);
    op = NULL;
out_locked:
    pthread_mutex_unlock(&s->mu);
out:
    op_free(op);
    mem_free(np);
    return rc;
}

/* mkdir and rmdir: the call, and in power-loss mode the operation to undo. */
static int dir_call(const struct os_vfs *vfs, const char *path, enum call c)
{
    struct fstate *s = state_of(vfs);
    const struct os_vfs *in = s->inner;
    struct nsop *op = NULL;
    char *np = norm_path(path);
    int rc;
    if (!np) {
        rc = err_set(ERR_NOMEM, "%s %s: out of memory", call_names[c], path);
        goto out;
    }
    pthread_mutex_lock(&s->mu);
    int kind = count_call(s, c);
    if (kind) {
        rc = injected(kind, c, path, NULL);
        goto out_locked;
    }
    if (s->power_loss_mode && !(op = op_new(c == C_MKDIR ? OP_MKDIR : OP_RMDIR, np, NULL))) {
        rc = err_set(ERR_NOMEM, "%s %s: out of memory", call_names[c], path);
        goto out_locked;
    }
    rc = c == C_MKDIR ? in->mkdir(in, path) : in->rmdir(in, path);
    if (!rc && op) {
        op_append(s, op);
        op = NULL;
    }
out_locked:
    pthread_mutex_unlock(&s->mu);
out:
    op_free(op);
    mem_free(np);
    return rc;
}

static int f_mkdir(const struct os_vfs *vfs, const char *path)
{
    return dir_call(vfs, path, C_MKDIR);
}

static int f_rmdir(const struct os_vfs *vfs, const char *path)
{
    return dir_call(vfs, path, C_RMDIR);
}

static int f_sync_dir(const struct os_vfs *vfs, const char *path)
{
    struct fstate *s = state_of(vfs);
    char *np = norm_path(path);
    if (!np)
        return err_set(ERR_NOMEM, "sync_dir %s: out of memory", path);
    pthread_mutex_lock(&s->mu);
    int rc;
    int kind = count_call(s, C_SYNC_DIR);
    if (kind) {
        /* A failed folder sync makes nothing durable; pending operations stay undoable. */
        rc = injected(kind, C_SYNC_DIR, path, NULL);
        goto out;
    }
    if ((rc = s->inner->sync_dir(s->inner, path)) != 0)
        goto out;
    struct nsop *op = s->ops_head;
    while (op) {
        struct nsop *next = op->next;
        for (int i = 0; i < 2; i++) {
            if (op->dir[i] && !strcmp(op->dir[i], np)) {
                mem_free(op->dir[i]);
                op->dir[i] = NULL;
            }
        }
        if (!op->dir[0] && !op->dir[1]) {
            op_remove(s, op);
            op_finish(s, op);
            op_free(op);
        }
        op = next;
    }
out:
    pthread_mutex_unlock(&s->mu);
    mem_free(np);
    return rc;
}

struct list_arg {
    os_dir_cb cb; /* The caller's callback. */
    void *arg;    /* Its argument. */
};

static int list_filter_cb(const char *name, void *arg)
{
    struct list_arg *la = arg;
    if (is_hold_name(name))
        return 0;
    return la->cb(name, la->arg);
}

static int f_list_dir(const struct os_vfs *vfs, const char *path, os_dir_cb cb, void *arg)
{
    struct fstate *s = state_of(vfs);
    struct list_arg la = {cb, arg};
    return s->inner->list_dir(s->inner, path, list_filter_cb, &la);
}

static int f_exists(const struct os_vfs *vfs, const char *path)
{
    struct fstate *s = state_of(vfs);
    return s->inner->exists(s->inner, path);
}

/* ---- control ---- */

int vfs_fault_create(const struct os_vfs *inner, struct os_vfs **out)
{
    struct os_vfs *vfs = mem_calloc(1, sizeof *vfs);
    struct fstate *s = mem_calloc(1, sizeof *s);
    if (!vfs || !s) {
        mem_free(vfs);
        mem_free(s);
        return err_set(ERR_NOMEM, "fault vfs: out of memory");
    }
    pthread_mutex_init(&s->mu, NULL);
    s->inner = inner;
    vfs->name = "fault";
    vfs->open = f_open;
    vfs->close = f_close;
    vfs->pread = f_pread;
    vfs->pwrite = f_pwrite;
    vfs->sync = f_sync;
    vfs->truncate = f_truncate;
    vfs->size = f_size;
    vfs->rename = f_rename;
    vfs->unlink = f_unlink;
    vfs->mkdir = f_mkdir;
    vfs->rmdir = f_rmdir;
    vfs->sync_dir = f_sync_dir;
    vfs->list_dir = f_list_dir;
    vfs->exists = f_exists;
    vfs->state = s;
    *out = vfs;
    return 0;
}

static void free_files(struct ffile *f)
{
    while (f) {
        struct ffile *next = f->next;
        if (f->inner)
            os_close(f->inner);
        mem_free(f->path);
        mem_free(f->name);
        mem_free(f);
        f = next;
    }
}

static void free_dirty(struct fstate *s)
{
    while (s->dirty) {
        struct dirty *d = s->dirty;
        s->dirty = d->next;
        dirty_free(d);
    }
}

void vfs_fault_destroy(struct os_vfs *vfs)
{
    if (!vfs)
        return;
    struct fstate *s = state_of(vfs);
    /* Not a crash: what was done stands, and files kept aside are deleted. */
    ops_finish_all(s);
    free_files(s->files);
    free_files(s->lost);
    free_dirty(s);
    pthread_mutex_destroy(&s->mu);
    mem_free(s);
    mem_free(vfs);
}

void vfs_fault_arm(struct os_vfs *vfs, uint64_t n, enum vfs_fault_kind kind, int sticky)
{
    struct fstate *s = state_of(vfs);
    pthread_mutex_lock(&s->mu);
    s->arm_n = n;
    s->arm_kind = kind;
    s->arm_sticky = sticky;
    s->arm_seen = 0;
    pthread_mutex_unlock(&s->mu);
}

uint64_t vfs_fault_n_injected(struct os_vfs *vfs)
{
    struct fstate *s = state_of(vfs);
    pthread_mutex_lock(&s->mu);
    uint64_t n = s->n_injected;
    pthread_mutex_unlock(&s->mu);
    return n;
}

uint64_t vfs_fault_n_calls(struct os_vfs *vfs)
{
    struct fstate *s = state_of(vfs);
    pthread_mutex_lock(&s->mu);
    uint64_t n = s->n_calls;
    pthread_mutex_unlock(&s->mu);
    return n;
}

void vfs_fault_set_power_loss_mode(struct os_vfs *vfs, int on)
{
    struct fstate *s = state_of(vfs);
    pthread_mutex_lock(&s->mu);
    if (!on)
        ops_finish_all(s);
    s->power_loss_mode = on != 0;
    pthread_mutex_unlock(&s->mu);
}

int vfs_fault_power_loss(struct os_vfs *vfs)
{
    struct fstate *s = state_of(vfs);
    const struct os_vfs *in = s->inner;
    int rc = 0, rc2;
    pthread_mutex_lock(&s->mu);
    /* The owners of open files crashed: close the inner files, keep the shells until closed. */
    while (s->files) {
        struct ffile *f = s->files;
        s->files = f->next;
        if (f->inner)
            os_close(f->inner);
        f->inner = NULL;
        f->lost = 1;
        f->prev = NULL;
        f->next = s->lost;
        if (s->lost)
            s->lost->prev = f;
        s->lost = f;
    }
    /* Contents first, at the files' current names, then the names themselves. */
    while (s->dirty) {
        struct dirty *d = s->dirty;
        s->dirty = d->next;
        struct os_file *file;
        if (d->path && (rc2 = in->open(in, d->path, OS_RDWR, &file)) != ERR_NOT_FOUND) {
            if (!rc2) {
                rc2 = revert(file, d);
                os_close(file);
            }
            if (!rc)
                rc = rc2;
        }
        dirty_free(d);
    }
    while (s->ops_tail) {
        struct nsop *op = s->ops_tail;
        op_remove(s, op);
        if ((rc2 = op_undo(s, op)) != 0 && !rc)
            rc = rc2;
        op_free(op);
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}
