/*
 * kv_local.c: struct kv over the node's own tablet store, for a cluster of one.
 *
 * Every function is a direct call of the store function of the same meaning;
 * scans and batches wrap the store's own objects behind the embedded struct
 * kv_scan / struct kv_batch headers so callers dispatch without knowing the
 * implementation. The batch limits are the store's: one batch is one redo
 * record (at most REDO_RECORD_MAX bytes with its header) over at most
 * LOCAL_BATCH_TABLETS tablets.
 */
#include "kv/kv.h"

#include "base/err.h"
#include "base/mem.h"
#include "storage/redo.h"
#include "storage/store.h"

/* store_write refuses batches over more tablets than this (MAX_BATCH_TABLETS in store.c). */
#define LOCAL_BATCH_TABLETS 64

struct local_scan {
    struct kv_scan base;   /* Dispatch header (first). */
    struct store_scan *sc; /* The store's scan. */
};

struct local_batch {
    struct kv_batch base; /* Dispatch header (first). */
    struct store_batch b; /* The store's batch. */
};

static struct store *st(struct kv *kv)
{
    return kv->state;
}

static int l_tablet_create(struct kv *kv, uint64_t id)
{
    return store_tablet_create(st(kv), id);
}
static int l_tablet_drop(struct kv *kv, uint64_t id)
{
    return store_tablet_drop(st(kv), id);
}
static int l_tablet_exists(struct kv *kv, uint64_t id)
{
    return store_tablet_exists(st(kv), id);
}

static int l_get_version(struct kv *kv, uint64_t tablet_id, const void *key, size_t key_len,
                         uint64_t snap_ts, uint64_t *ts, uint8_t *kind, struct buf *value)
{
    int rc = store_get_version(st(kv), tablet_id, key, key_len, snap_ts, ts, kind, value);
    if (rc == 0 && *kind != KV_PUT)
        buf_reset(value);
    return rc;
}

static const struct kv_ops local_ops;

static int l_scan_open(struct kv *kv, uint64_t tablet_id, const void *start, size_t start_len,
                       const void *end, size_t end_len, uint64_t snap_ts, int reverse,
                       uint64_t limit, struct kv_scan **out)
{
    struct local_scan *ls = mem_alloc(sizeof *ls);
    if (!ls)
        return err_set(ERR_NOMEM, "scan: out of memory");
    ls->base.ops = &local_ops;
    int rc = store_scan_open(st(kv), tablet_id, start, start_len, end, end_len, snap_ts, reverse,
                             limit, &ls->sc);
    if (rc) {
        mem_free(ls);
        return rc;
    }
    *out = &ls->base;
    return 0;
}

static int l_scan_next(struct kv_scan *sc, const uint8_t **key, size_t *key_len,
                       const uint8_t **value, size_t *value_len)
{
    return store_scan_next(((struct local_scan *)sc)->sc, key, key_len, value, value_len);
}

static void l_scan_close(struct kv_scan *sc)
{
    struct local_scan *ls = (struct local_scan *)sc;
    store_scan_close(ls->sc);
    mem_free(ls);
}

static int l_batch_create(struct kv *kv, struct kv_batch **out)
{
    (void)kv;
    struct local_batch *lb = mem_alloc(sizeof *lb);
    if (!lb)
        return err_set(ERR_NOMEM, "batch: out of memory");
    lb->base.ops = &local_ops;
    store_batch_init(&lb->b);
    *out = &lb->base;
    return 0;
}

static void l_batch_put(struct kv_batch *b, uint64_t tablet_id, const void *key, size_t key_len,
                        const void *value, size_t value_len)
{
    store_batch_put(&((struct local_batch *)b)->b, tablet_id, key, key_len, value, value_len);
}

static void l_batch_delete(struct kv_batch *b, uint64_t tablet_id, const void *key, size_t key_len)
{
    store_batch_delete(&((struct local_batch *)b)->b, tablet_id, key, key_len);
}

static void l_batch_destroy(struct kv_batch *b)
{
    struct local_batch *lb = (struct local_batch *)b;
    store_batch_deinit(&lb->b);
    mem_free(lb);
}

static int l_write(struct kv *kv, struct kv_batch *b, uint64_t commit_ts)
{
    return store_write(st(kv), &((struct local_batch *)b)->b, commit_ts);
}

static int l_snapshot_pin(struct kv *kv, uint64_t ts, struct kv_snapshot **out)
{
    struct store_snapshot *sn;
    int rc = store_snapshot_pin(st(kv), ts, &sn);
    if (rc == 0)
        *out = (struct kv_snapshot *)sn;
    return rc;
}

static void l_snapshot_unpin(struct kv *kv, struct kv_snapshot *snap)
{
    store_snapshot_unpin(st(kv), (struct store_snapshot *)snap);
}

static uint64_t l_max_committed_ts(struct kv *kv)
{
    struct store_info info;
    store_info(st(kv), &info);
    return info.max_commit_ts;
}

static void l_destroy(struct kv *kv)
{
    mem_free(kv);
}

static const struct kv_ops local_ops = {
    .tablet_create = l_tablet_create,
    .tablet_drop = l_tablet_drop,
    .tablet_exists = l_tablet_exists,
    .get_version = l_get_version,
    .scan_open = l_scan_open,
    .scan_next = l_scan_next,
    .scan_close = l_scan_close,
    .batch_create = l_batch_create,
    .batch_put = l_batch_put,
    .batch_delete = l_batch_delete,
    .batch_destroy = l_batch_destroy,
    .write = l_write,
    .snapshot_pin = l_snapshot_pin,
    .snapshot_unpin = l_snapshot_unpin,
    .max_committed_ts = l_max_committed_ts,
    .destroy = l_destroy,
};

int kv_local_create(struct store *store, struct kv **out)
{
    struct kv *kv = mem_alloc(sizeof *kv);
    if (!kv)
        return err_set(ERR_NOMEM, "kv: out of memory");
    kv->ops = &local_ops;
    kv->batch_bytes_max = REDO_RECORD_MAX - KV_BATCH_HEADER;
    kv->batch_tablets_max = LOCAL_BATCH_TABLETS;
    kv->state = store;
    *out = kv;
    return 0;
}
