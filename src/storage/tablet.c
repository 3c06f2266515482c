/*
 * tablet.c: one tablet's table set: its MemTables, SSTables and manifest, and
 * the operations that change them: freeze, minor merge, major merge.
 *
 * The current set is an immutable, reference-counted struct tview; readers
 * take a reference under view_mu and read without locks; a change builds a new
 * view and swaps the pointer under view_mu. Minor merges (one at a time,
 * minor_mu) dump the frozen MemTables to a delta; major merges (one at a time,
 * major_mu) first run a minor merge, then fold the deltas and baseline they
 * started with into a new baseline while further minor merges may add deltas.
 * Both write the new SSTable (synced), then the manifest (atomically), then
 * swap the view; merge_mu is held only for the last two steps.
 */
#include "storage/store_int.h"

#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "storage/merge_iter.h"

#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- MemTables with LSN bookkeeping ---- */

struct tmem *tmem__create(void)
{
    struct tmem *m = mem_calloc(1, sizeof *m);
    if (!m)
        return NULL;
    if (memtable_create(0, &m->mt) != 0) {
        mem_free(m);
        return NULL;
    }
    atomic_init(&m->refs, 1);
    return m;
}

static void tmem_ref(struct tmem *m)
{
    atomic_fetch_add(&m->refs, 1);
}

void tmem__unref(struct tmem *m)
{
    if (m && atomic_fetch_sub(&m->refs, 1) == 1) {
        memtable_unref(m->mt);
        mem_free(m);
    }
}

static int tmem_empty(struct tmem *m)
{
    return memtable_n_versions(m->mt) == 0 && memtable_n_uncommitted(m->mt) == 0 &&
           atomic_load(&m->min_lsn) == 0;
}

/* ---- Views ---- */

static struct tview *tview_alloc(uint32_t n_frozen, uint32_t n_deltas)
{
    struct tview *v = mem_calloc(1, sizeof *v);
    if (!v)
        return NULL;
    v->frozen = mem_calloc(n_frozen ? n_frozen : 1, sizeof *v->frozen);
    v->deltas = mem_calloc(n_deltas ? n_deltas : 1, sizeof *v->deltas);
    if (!v->frozen || !v->deltas) {
        mem_free(v->frozen);
        mem_free(v->deltas);
        mem_free(v);
        return NULL;
    }
    atomic_init(&v->refs, 1);
    return v;
}

void tview__unref(struct tview *v)
{
    if (!v || atomic_fetch_sub(&v->refs, 1) != 1)
        return;
    tmem__unref(v->active);
    for (uint32_t i = 0; i < v->n_frozen; i++)
        tmem__unref(v->frozen[i]);
    for (uint32_t i = 0; i < v->n_deltas; i++)
        sstable_unref(v->deltas[i]);
    if (v->baseline)
        sstable_unref(v->baseline);
    mem_free(v->frozen);
    mem_free(v->deltas);
    mem_free(v);
}

struct tview *tablet__view(struct tablet *t)
{
    pthread_mutex_lock(&t->view_mu);
    struct tview *v = t->view;
    atomic_fetch_add(&v->refs, 1);
    pthread_mutex_unlock(&t->view_mu);
    return v;
}

/* Builds a view from parts, taking new references on each part. */
static struct tview *tview_make(struct tmem *active, struct tmem **frozen, uint32_t n_frozen,
                                struct sstable **deltas, uint32_t n_deltas,
                                struct sstable *baseline)
{
    struct tview *v = tview_alloc(n_frozen, n_deltas);
    if (!v)
        return NULL;
    v->active = active;
    tmem_ref(active);
    for (uint32_t i = 0; i < n_frozen; i++) {
        v->frozen[i] = frozen[i];
        tmem_ref(frozen[i]);
    }
    v->n_frozen = n_frozen;
    for (uint32_t i = 0; i < n_deltas; i++) {
        v->deltas[i] = deltas[i];
        sstable_ref(deltas[i]);
    }
    v->n_deltas = n_deltas;
    v->baseline = baseline;
    if (baseline)
        sstable_ref(baseline);
    return v;
}

/* ---- Files ---- */

static void sst_path(const struct tablet *t, uint64_t file_no, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%06" PRIu64 ".sst", t->dir, file_no);
}

static int open_sst(struct tablet *t, uint64_t file_no, struct sstable **out)
{
    struct store *s = t->store;
    char path[STORE_PATH_MAX + 32];
    sst_path(t, file_no, path, sizeof path);
    uint64_t cache_id = atomic_fetch_add(&s->next_cache_id, 1);
    int rc = sstable_open(s->opts.vfs, path, cache_id, s->cache, out);
    return rc ? err_prefix(rc, "tablet %" PRIu64, t->id) : 0;
}

struct leftover_ctx {
    struct tablet *t;
    int rc;
};

static int is_named(const struct manifest *m, uint64_t no)
{
    if (no == m->baseline)
        return 1;
    for (uint32_t i = 0; i < m->n_deltas; i++)
        if (m->deltas[i] == no)
            return 1;
    return 0;
}

static int remove_leftover(const char *name, void *arg)
{
    struct leftover_ctx *c = arg;
    struct tablet *t = c->t;
    char path[STORE_PATH_MAX + 300];
    size_t n = strlen(name);
    int drop = 0;
    if (n > 4 && !strcmp(name + n - 4, ".tmp"))
        drop = 1;
    else if (n > 4 && !strcmp(name + n - 4, ".sst")) {
        char *end;
        uint64_t no = strtoull(name, &end, 10);
        drop = strcmp(end, ".sst") != 0 || !is_named(&t->man, no);
    }
    if (!drop)
        return 0;
    snprintf(path, sizeof path, "%s/%s", t->dir, name);
    log_info("tablet %" PRIu64 ": removing leftover %s", t->id, path);
    int rc = t->store->opts.vfs->unlink(t->store->opts.vfs, path);
    if (rc && rc != ERR_NOT_FOUND)
        c->rc = rc;
    return 0;
}

int tablet__open(struct store *s, uint64_t id, int create, struct tablet **out)
{
    const struct os_vfs *vfs = s->opts.vfs;
    struct tablet *t = mem_calloc(1, sizeof *t);
    if (!t)
        return err_set(ERR_NOMEM, "tablet %" PRIu64 ": out of memory", id);
    t->id = id;
    t->store = s;
    atomic_init(&t->refs, 1);
    snprintf(t->dir, sizeof t->dir, "%s/%" PRIu64, s->tablets_dir, id);
    pthread_rwlock_init(&t->freeze_lock, NULL);
    pthread_mutex_init(&t->view_mu, NULL);
    pthread_mutex_init(&t->minor_mu, NULL);
    pthread_mutex_init(&t->major_mu, NULL);
    pthread_mutex_init(&t->merge_mu, NULL);

    int rc;
    struct sstable *base = NULL;
    struct sstable **deltas = NULL;
    uint32_t n_open = 0;
    if (create) {
        if ((rc = vfs->mkdir(vfs, t->dir)) != 0)
            goto fail;
        if ((rc = vfs->sync_dir(vfs, s->tablets_dir)) != 0)
            goto fail;
        t->man.tablet_id = id;
        /* Records before the tablet existed are not its own: mark them
         * flushed. The LSN must be durable: after a lost log tail the redo
         * log reuses LSNs above its durable end, and those must count. */
        uint64_t last = s->redo ? redo_last_lsn(s->redo) : 0;
        if (last && (rc = redo_wait(s->redo, last)) != 0)
            goto fail;
        t->man.flushed_lsn = last;
        t->man.next_file = 1;
        if ((rc = manifest_write(vfs, t->dir, &t->man)) != 0)
            goto fail;
    } else {
        if ((rc = manifest_read(vfs, t->dir, &t->man)) != 0)
            goto fail;
        if (t->man.tablet_id != id) {
            rc = err_set(ERR_CORRUPT, "%s/MANIFEST names tablet %" PRIu64, t->dir,
                         t->man.tablet_id);
            goto fail;
        }
        struct leftover_ctx lc = {t, 0};
        if ((rc = vfs->list_dir(vfs, t->dir, remove_leftover, &lc)) != 0 || (rc = lc.rc) != 0)
            goto fail;
    }
    deltas = mem_calloc(t->man.n_deltas ? t->man.n_deltas : 1, sizeof *deltas);
    if (!deltas) {
        rc = err_set(ERR_NOMEM, "tablet %" PRIu64 ": out of memory", id);
        goto fail;
    }
    for (; n_open < t->man.n_deltas; n_open++)
        if ((rc = open_sst(t, t->man.deltas[n_open], &deltas[n_open])) != 0)
            goto fail;
    if (t->man.baseline && (rc = open_sst(t, t->man.baseline, &base)) != 0)
        goto fail;
    t->active = tmem__create();
    if (!t->active) {
        rc = err_set(ERR_NOMEM, "tablet %" PRIu64 ": out of memory", id);
        goto fail;
    }
    t->view = tview_make(t->active, NULL, 0, deltas, n_open, base);
    if (!t->view) {
        rc = err_set(ERR_NOMEM, "tablet %" PRIu64 ": out of memory", id);
        goto fail;
    }
    for (uint32_t i = 0; i < n_open; i++)
        sstable_unref(deltas[i]);
    if (base)
        sstable_unref(base);
    mem_free(deltas);
    *out = t;
    return 0;
fail:
    for (uint32_t i = 0; i < n_open; i++)
        sstable_unref(deltas[i]);
    if (base)
        sstable_unref(base);
    mem_free(deltas);
    if (t->active)
        tmem__unref(t->active);
    manifest_deinit(&t->man);
    mem_free(t);
    return err_prefix(rc, "%s tablet %" PRIu64, create ? "create" : "open", id);
}

void tablet__close(struct tablet *t)
{
    tview__unref(t->view);
    tmem__unref(t->active);
    manifest_deinit(&t->man);
    pthread_rwlock_destroy(&t->freeze_lock);
    pthread_mutex_destroy(&t->view_mu);
    pthread_mutex_destroy(&t->minor_mu);
    pthread_mutex_destroy(&t->major_mu);
    pthread_mutex_destroy(&t->merge_mu);
    mem_free(t);
}

void tablet__unref(struct tablet *t)
{
    if (t && atomic_fetch_sub(&t->refs, 1) == 1)
        tablet__close(t);
}

struct rm_ctx {
    struct tablet *t;
};

static int rm_file(const char *name, void *arg)
{
    struct rm_ctx *c = arg;
    char path[STORE_PATH_MAX + 300];
    snprintf(path, sizeof path, "%s/%s", c->t->dir, name);
    c->t->store->opts.vfs->unlink(c->t->store->opts.vfs, path);
    return 0;
}

int tablet__remove_files(struct tablet *t)
{
    const struct os_vfs *vfs = t->store->opts.vfs;
    char path[STORE_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/MANIFEST", t->dir);
    /* The manifest goes first and durably: without it the folder is a leftover. */
    int rc = vfs->unlink(vfs, path);
    if (rc && rc != ERR_NOT_FOUND)
        return rc;
    if ((rc = vfs->sync_dir(vfs, t->dir)) != 0)
        return rc;
    struct rm_ctx c = {t};
    vfs->list_dir(vfs, t->dir, rm_file, &c);
    vfs->rmdir(vfs, t->dir);
    return vfs->sync_dir(vfs, t->store->tablets_dir);
}

uint64_t tablet__needed_lsn(struct tablet *t)
{
    uint64_t need = UINT64_MAX;
    /* Under the write lock no writer sits between its LSN and its MemTable. */
    pthread_rwlock_wrlock(&t->freeze_lock);
    struct tview *v = tablet__view(t);
    uint64_t m = atomic_load(&t->active->min_lsn);
    if (m && m < need)
        need = m;
    for (uint32_t i = 0; i < v->n_frozen; i++) {
        m = atomic_load(&v->frozen[i]->min_lsn);
        if (m && m < need)
            need = m;
    }
    pthread_rwlock_unlock(&t->freeze_lock);
    tview__unref(v);
    return need;
}

/* ---- Freeze ---- */

static int freeze(struct tablet *t, struct tmem *expected)
{
    struct tmem *fresh = tmem__create();
    if (!fresh)
        return err_set(ERR_NOMEM, "freeze tablet %" PRIu64 ": out of memory", t->id);
    pthread_rwlock_wrlock(&t->freeze_lock);
    struct tmem *old = t->active;
    if (tmem_empty(old) || (expected && old != expected) || atomic_load(&t->dropped)) {
        pthread_rwlock_unlock(&t->freeze_lock);
        tmem__unref(fresh);
        return 0;
    }
    pthread_mutex_lock(&t->view_mu);
    struct tview *cur = t->view;
    struct tview *v = tview_alloc(cur->n_frozen + 1, cur->n_deltas);
    if (!v) {
        pthread_mutex_unlock(&t->view_mu);
        pthread_rwlock_unlock(&t->freeze_lock);
        tmem__unref(fresh);
        return err_set(ERR_NOMEM, "freeze tablet %" PRIu64 ": out of memory", t->id);
    }
    v->active = fresh;
    tmem_ref(fresh);
    v->frozen[0] = old;
    tmem_ref(old);
    for (uint32_t i = 0; i < cur->n_frozen; i++) {
        v->frozen[i + 1] = cur->frozen[i];
        tmem_ref(cur->frozen[i]);
    }
    v->n_frozen = cur->n_frozen + 1;
    for (uint32_t i = 0; i < cur->n_deltas; i++) {
        v->deltas[i] = cur->deltas[i];
        sstable_ref(cur->deltas[i]);
    }
    v->n_deltas = cur->n_deltas;
    v->baseline = cur->baseline;
    if (v->baseline)
        sstable_ref(v->baseline);
    t->view = v;
    t->active = fresh; /* The tablet's own reference moves from old to fresh. */
    pthread_mutex_unlock(&t->view_mu);
    pthread_rwlock_unlock(&t->freeze_lock);
    tview__unref(cur);
    tmem__unref(old);
    return 0;
}

int tablet__freeze(struct tablet *t)
{
    return freeze(t, NULL);
}

int tablet__freeze_if(struct tablet *t, struct tmem *expected)
{
    return freeze(t, expected);
}

/* ---- Merges ---- */

/* Waits until no writer is still applying to m and no transaction has uncommitted versions in it. */
static int wait_quiet(struct tablet *t, struct tmem *m)
{
    for (unsigned spins = 0;; spins++) {
        if (atomic_load(&m->writers) == 0 && memtable_n_uncommitted(m->mt) == 0)
            return 0;
        if (spins > 100) {
            pthread_mutex_lock(&t->store->bg_mu);
            int closing = t->store->closing;
            pthread_mutex_unlock(&t->store->bg_mu);
            if (closing && memtable_n_uncommitted(m->mt) != 0)
                return err_set(ERR_CLOSED, "tablet %" PRIu64 ": closing with uncommitted versions",
                               t->id);
            struct timespec ts = {0, 100000};
            nanosleep(&ts, NULL);
        } else {
            sched_yield();
        }
    }
}

/*
 * Writes the versions of in (positioned at its first entry) to a new SSTable,
 * dropping what the GC rule allows: for each key, versions above horizon are
 * kept; of those at or below it only the newest, and at a major merge not even
 * that one if it is a tombstone. *out is NULL when nothing is left.
 */
static int write_merged(struct tablet *t, struct kv_iter *in, int major, uint64_t horizon,
                        uint64_t file_no, struct sstable **out)
{
    struct store *s = t->store;
    char path[STORE_PATH_MAX + 32];
    sst_path(t, file_no, path, sizeof path);
    struct sstable_opts so = {
        .block_size = s->opts.block_size,
        .compression = major ? s->opts.baseline_compression : s->opts.compression,
        .on_write = store__rate_limit,
        .on_write_arg = s,
    };
    struct sstable_writer *w;
    int rc = sstable_writer_open(s->opts.vfs, path, file_no, &so, &w);
    if (rc)
        return rc;
    struct buf key;
    buf_init(&key);
    int have_key = 0, kept_below = 0;
    uint64_t n_out = 0;
    while (kv_iter_valid(in)) {
        struct kv_entry e;
        kv_iter_entry(in, &e);
        atomic_fetch_add(&t->merge_done, e.key_len + e.value_len + 9);
        if (!have_key || kv_key_cmp(e.key, e.key_len, key.data, key.len) != 0) {
            buf_reset(&key);
            if ((rc = buf_append(&key, e.key, e.key_len)) != 0)
                goto fail;
            have_key = 1;
            kept_below = 0;
        }
        int keep = 1;
        if (e.ts <= horizon) {
            if (kept_below)
                keep = 0;
            kept_below = 1;
            if (major && e.kind == KV_DELETE)
                keep = 0;
        }
        if (keep) {
            if ((rc = sstable_writer_add(w, &e)) != 0)
                goto fail;
            n_out++;
        }
        if ((rc = kv_iter_next(in)) != 0)
            goto fail;
        if ((n_out & 1023) == 0 && atomic_load(&s->stopping)) {
            rc = err_set(ERR_CLOSED, "store is closing");
            goto fail;
        }
    }
    buf_deinit(&key);
    if (n_out == 0) {
        sstable_writer_abort(w);
        *out = NULL;
        return 0;
    }
    if ((rc = sstable_writer_finish(w, NULL)) != 0)
        return rc;
    rc = open_sst(t, file_no, out);
    if (rc) {
        s->opts.vfs->unlink(s->opts.vfs, path);
        return rc;
    }
    return 0;
fail:
    buf_deinit(&key);
    sstable_writer_abort(w);
    return rc;
}

/* Fails the store if rc is an I/O error that leaves durability in doubt. */
static int merge_failed(struct tablet *t, int rc, const char *what)
{
    char msg[512];
    snprintf(msg, sizeof msg, "%s", err_msg());
    if (rc == ERR_CLOSED)
        return err_set(rc, "tablet %" PRIu64 ": %s stopped: %s", t->id, what, msg);
    log_error("tablet %" PRIu64 ": %s failed: %s", t->id, what, msg);
    atomic_store(&t->store->last_merge_rc, rc);
    if (rc == ERR_IO || rc == ERR_CORRUPT)
        store__fail(t->store, rc, msg);
    err_set(rc, "%s", msg);
    return err_prefix(rc, "tablet %" PRIu64 ": %s", t->id, what);
}

static int contains_tmem(struct tmem **list, uint32_t n, struct tmem *m)
{
    for (uint32_t i = 0; i < n; i++)
        if (list[i] == m)
            return 1;
    return 0;
}

static int contains_sst(struct sstable **list, uint32_t n, struct sstable *x)
{
    for (uint32_t i = 0; i < n; i++)
        if (list[i] == x)
            return 1;
    return 0;
}

/*
 * After a failed manifest write the rename may or may not have happened. The
 * new file is kept if the manifest on disk names it (open would need it) and
 * removed otherwise (a retry would leave one more orphan each time).
 */
static void drop_unless_named(struct tablet *t, struct sstable *out, uint64_t file_no)
{
    struct manifest disk;
    memset(&disk, 0, sizeof disk);
    int named = 1; /* When in doubt, keep: open removes leftovers. */
    if (manifest_read(t->store->opts.vfs, t->dir, &disk) == 0) {
        named = is_named(&disk, file_no);
        manifest_deinit(&disk);
    }
    if (!named)
        sstable_mark_obsolete(out);
    sstable_unref(out);
}

/* A merge may install its result only into a live tablet of a healthy store. */
static int may_install(struct tablet *t)
{
    if (atomic_load(&t->dropped))
        return err_set(ERR_NOT_FOUND, "tablet %" PRIu64 " was dropped", t->id);
    if (atomic_load(&t->store->failed)) {
        pthread_mutex_lock(&t->store->fail_mu);
        int rc = err_set(ERR_READONLY, "%s", t->store->failure);
        pthread_mutex_unlock(&t->store->fail_mu);
        return rc;
    }
    return 0;
}

/*
 * Merges the n iterators kids (newest source first; takes them and frees the
 * array) into a new SSTable with the GC rule of a minor or major merge. Sets
 * *file_no to its number and *out to it (NULL when nothing survived).
 */
static int merge_to_file(struct tablet *t, struct kv_iter **kids, uint32_t n, int major,
                         uint64_t *file_no, struct sstable **out)
{
    struct kv_iter *in;
    int rc = merge_iter_create(kids, (int)n, &in);
    mem_free(kids);
    if (rc)
        return rc;
    pthread_mutex_lock(&t->merge_mu);
    *file_no = t->man.next_file++;
    pthread_mutex_unlock(&t->merge_mu);
    *out = NULL;
    rc = kv_iter_seek_first(in);
    if (!rc)
        rc = write_merged(t, in, major, store__gc_horizon(t->store), *file_no, out);
    kv_iter_destroy(in);
    return rc ? merge_failed(t, rc, major ? "major merge" : "minor merge") : 0;
}

/* Removes a merge's output that no manifest names. */
static void discard_output(struct sstable *out)
{
    if (out) {
        sstable_mark_obsolete(out);
        sstable_unref(out);
    }
}

/*
 * First half of installing a merge: takes merge_mu, checks the tablet may
 * still take it, and allocates the new manifest's delta list (room for
 * t->man.n_deltas + 1). On failure merge_mu is released, out discarded and
 * the error returned; on success merge_mu stays held.
 */
static int install_begin(struct tablet *t, struct sstable *out, const char *what, uint64_t **nd)
{
    pthread_mutex_lock(&t->merge_mu);
    int rc = may_install(t);
    if (!rc && !(*nd = mem_alloc(8u * (t->man.n_deltas + 1))))
        rc = err_set(ERR_NOMEM, "%s of tablet %" PRIu64 ": out of memory", what, t->id);
    if (rc) {
        pthread_mutex_unlock(&t->merge_mu);
        discard_output(out);
    }
    return rc;
}

/*
 * Second half: writes nm (whose delta list is nd) durably and makes it the
 * tablet's manifest. merge_mu is held on entry and, on success, on return. On
 * failure merge_mu is released, out kept or removed by what the disk says,
 * and the error returned.
 */
static int install_manifest(struct tablet *t, struct manifest *nm, struct sstable *out,
                            uint64_t file_no, const char *what)
{
    int rc = manifest_write(t->store->opts.vfs, t->dir, nm);
    if (rc) {
        pthread_mutex_unlock(&t->merge_mu);
        mem_free(nm->deltas);
        if (out)
            drop_unless_named(t, out, file_no);
        return merge_failed(t, rc, what);
    }
    mem_free(t->man.deltas);
    t->man = *nm;
    return 0;
}

int tablet__minor_merge(struct tablet *t)
{
    struct store *s = t->store;
    int rc = 0;
    pthread_mutex_lock(&t->minor_mu);
    struct tview *v = tablet__view(t);
    uint32_t n = v->n_frozen;
    if (n == 0)
        goto out;
    if ((rc = may_install(t)) != 0) {
        n = 0;
        goto out;
    }
    for (uint32_t i = 0; i < n; i++)
        if ((rc = wait_quiet(t, v->frozen[i])) != 0)
            goto out;

    uint64_t total = 0, max_lsn = 0;
    for (uint32_t i = 0; i < n; i++) {
        total += memtable_memory(v->frozen[i]->mt);
        uint64_t m = atomic_load(&v->frozen[i]->max_lsn);
        if (m > max_lsn)
            max_lsn = m;
    }
    atomic_store(&t->merge_done, 0);
    atomic_store(&t->merge_total, total);
    atomic_store(&t->merging, 1);

    struct kv_iter **kids = mem_calloc(n, sizeof *kids);
    if (!kids) {
        rc = err_set(ERR_NOMEM, "out of memory");
        goto out_merging;
    }
    for (uint32_t i = 0; i < n; i++) {
        if ((rc = memtable_iter_create(v->frozen[i]->mt, &kids[i])) != 0) {
            for (uint32_t j = 0; j < i; j++)
                kv_iter_destroy(kids[j]);
            mem_free(kids);
            goto out_merging;
        }
    }
    uint64_t file_no;
    struct sstable *out;
    if ((rc = merge_to_file(t, kids, n, 0, &file_no, &out)) != 0)
        goto out_merging;

    /* Durable first: the manifest names the new delta and the new LSN. */
    uint64_t *nd;
    if ((rc = install_begin(t, out, "minor merge", &nd)) != 0)
        goto out_merging;
    struct manifest nm = t->man;
    uint32_t k = 0;
    if (out)
        nd[k++] = file_no;
    for (uint32_t i = 0; i < t->man.n_deltas; i++)
        nd[k++] = t->man.deltas[i];
    nm.deltas = nd;
    nm.n_deltas = k;
    if (max_lsn > nm.flushed_lsn)
        nm.flushed_lsn = max_lsn;
    if ((rc = install_manifest(t, &nm, out, file_no, "minor merge")) != 0)
        goto out_merging;

    /* Swap in the new set: frozen minus the merged ones, the new delta in front. */
    pthread_mutex_lock(&t->view_mu);
    struct tview *cur = t->view;
    struct tview *nv = tview_alloc(cur->n_frozen, cur->n_deltas + 1);
    if (!nv) {
        /* The manifest is already durable; the in-memory set must follow it. */
        pthread_mutex_unlock(&t->view_mu);
        pthread_mutex_unlock(&t->merge_mu);
        if (out)
            sstable_unref(out);
        rc = merge_failed(t, err_set(ERR_IO, "out of memory installing a merged set"), "minor merge");
        goto out_merging;
    }
    nv->active = cur->active;
    tmem_ref(nv->active);
    for (uint32_t i = 0; i < cur->n_frozen; i++) {
        if (contains_tmem(v->frozen, n, cur->frozen[i]))
            continue;
        nv->frozen[nv->n_frozen++] = cur->frozen[i];
        tmem_ref(cur->frozen[i]);
    }
    if (out)
        nv->deltas[nv->n_deltas++] = out; /* Takes our reference. */
    for (uint32_t i = 0; i < cur->n_deltas; i++) {
        nv->deltas[nv->n_deltas++] = cur->deltas[i];
        sstable_ref(cur->deltas[i]);
    }
    nv->baseline = cur->baseline;
    if (nv->baseline)
        sstable_ref(nv->baseline);
    t->view = nv;
    pthread_mutex_unlock(&t->view_mu);
    pthread_mutex_unlock(&t->merge_mu);
    tview__unref(cur);
    for (uint32_t i = 0; i < n; i++)
        store__mem_release(s, v->frozen[i]);
    atomic_fetch_add(&t->n_minor, 1);
    atomic_store(&s->last_merge_rc, 0);
out_merging:
    atomic_store(&t->merging, 0);
out:
    tview__unref(v);
    pthread_mutex_unlock(&t->minor_mu);
    if (!rc && n > 0)
        store__checkpoint(s);
    return rc;
}

int tablet__major_merge(struct tablet *t)
{
    struct store *s = t->store;
    pthread_mutex_lock(&t->major_mu);
    int rc = may_install(t);
    if (!rc)
        rc = tablet__freeze(t);
    if (!rc)
        rc = tablet__minor_merge(t);
    if (rc) {
        pthread_mutex_unlock(&t->major_mu);
        return rc;
    }
    struct tview *v = tablet__view(t);
    uint32_t n = v->n_deltas + (v->baseline ? 1u : 0u);
    if (n == 0)
        goto out;
    uint64_t total = 0;
    for (uint32_t i = 0; i < v->n_deltas; i++)
        total += sstable_meta(v->deltas[i])->raw_bytes + 9 * sstable_meta(v->deltas[i])->n_entries;
    if (v->baseline)
        total += sstable_meta(v->baseline)->raw_bytes + 9 * sstable_meta(v->baseline)->n_entries;
    atomic_store(&t->merge_done, 0);
    atomic_store(&t->merge_total, total);
    atomic_store(&t->merging, 2);

    struct kv_iter **kids = mem_calloc(n, sizeof *kids);
    if (!kids) {
        rc = err_set(ERR_NOMEM, "out of memory");
        goto out_merging;
    }
    uint32_t k = 0;
    for (uint32_t i = 0; i < v->n_deltas && !rc; i++)
        rc = sstable_iter_create(v->deltas[i], &kids[k++]);
    if (!rc && v->baseline)
        rc = sstable_iter_create(v->baseline, &kids[k++]);
    if (rc) {
        for (uint32_t j = 0; j + 1 < k; j++)
            kv_iter_destroy(kids[j]);
        mem_free(kids);
        goto out_merging;
    }
    uint64_t file_no;
    struct sstable *out;
    if ((rc = merge_to_file(t, kids, n, 1, &file_no, &out)) != 0)
        goto out_merging;

    uint64_t *nd;
    if ((rc = install_begin(t, out, "major merge", &nd)) != 0)
        goto out_merging;
    struct manifest nm = t->man;
    /* Deltas added by minor merges since we started stay; the merged ones
     * go. Manifest and view list deltas in the same order, newest first, so
     * the merged ones are the oldest v->n_deltas of the list. */
    uint32_t nk = t->man.n_deltas - v->n_deltas;
    for (uint32_t i = 0; i < nk; i++)
        nd[i] = t->man.deltas[i];
    nm.deltas = nd;
    nm.n_deltas = nk;
    nm.baseline = out ? file_no : 0;
    if ((rc = install_manifest(t, &nm, out, file_no, "major merge")) != 0)
        goto out_merging;

    pthread_mutex_lock(&t->view_mu);
    struct tview *cur = t->view;
    struct tview *nv = tview_alloc(cur->n_frozen, cur->n_deltas);
    if (!nv) {
        pthread_mutex_unlock(&t->view_mu);
        pthread_mutex_unlock(&t->merge_mu);
        if (out)
            sstable_unref(out);
        rc = merge_failed(t, err_set(ERR_IO, "out of memory installing a merged set"), "major merge");
        goto out_merging;
    }
    nv->active = cur->active;
    tmem_ref(nv->active);
    for (uint32_t i = 0; i < cur->n_frozen; i++) {
        nv->frozen[nv->n_frozen++] = cur->frozen[i];
        tmem_ref(cur->frozen[i]);
    }
    for (uint32_t i = 0; i < cur->n_deltas; i++) {
        if (contains_sst(v->deltas, v->n_deltas, cur->deltas[i]))
            continue;
        nv->deltas[nv->n_deltas++] = cur->deltas[i];
        sstable_ref(cur->deltas[i]);
    }
    nv->baseline = out; /* Takes our reference. */
    t->view = nv;
    pthread_mutex_unlock(&t->view_mu);
    pthread_mutex_unlock(&t->merge_mu);
    tview__unref(cur);
    /* The merged files are removed once the last reader lets go. */
    for (uint32_t i = 0; i < v->n_deltas; i++)
        sstable_mark_obsolete(v->deltas[i]);
    if (v->baseline)
        sstable_mark_obsolete(v->baseline);
    atomic_fetch_add(&t->n_major, 1);
    atomic_store(&s->last_merge_rc, 0);
out_merging:
    atomic_store(&t->merging, 0);
out:
    tview__unref(v);
    pthread_mutex_unlock(&t->major_mu);
    return rc;
}
