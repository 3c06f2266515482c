/*
 * merge_iter.c: k-way merge of kv_iters with a binary heap of child indexes.
 * Forward, the heap's top is the smallest current version in internal order;
 * backward, the largest. Ties on (key, ts) go to the lower child index and
 * the duplicates are skipped.
 */
#include "storage/merge_iter.h"

#include "base/err.h"
#include "base/mem.h"

struct merge_iter {
    struct kv_iter base;      /* Must be first. */
    struct kv_iter **kids;    /* Children, newest source first. */
    int n;                    /* Number of children. */
    int *heap;                /* Child indexes of valid children. */
    int n_heap;               /* Entries in heap. */
    int backward;             /* 1 when positioned for prev(). */
    int status;               /* First error met, 0 if none. */
};

/* Compares children a and b in the current direction; <0 means a comes first. */
static int kid_cmp(const struct merge_iter *m, int a, int b)
{
    struct kv_entry ea, eb;
    kv_iter_entry(m->kids[a], &ea);
    kv_iter_entry(m->kids[b], &eb);
    int c = kv_internal_cmp(ea.key, ea.key_len, ea.ts, eb.key, eb.key_len, eb.ts);
    if (m->backward)
        c = -c;
    if (c == 0)
        c = a < b ? -1 : a > b ? 1 : 0;
    return c;
}

static void sift_down(struct merge_iter *m, int i)
{
    for (;;) {
        int l = 2 * i + 1, r = l + 1, best = i;
        if (l < m->n_heap && kid_cmp(m, m->heap[l], m->heap[best]) < 0)
            best = l;
        if (r < m->n_heap && kid_cmp(m, m->heap[r], m->heap[best]) < 0)
            best = r;
        if (best == i)
            return;
        int t = m->heap[i];
        m->heap[i] = m->heap[best];
        m->heap[best] = t;
        i = best;
    }
}

static void build_heap(struct merge_iter *m)
{
    m->n_heap = 0;
    for (int i = 0; i < m->n; i++)
        if (kv_iter_valid(m->kids[i]))
            m->heap[m->n_heap++] = i;
    for (int i = m->n_heap / 2 - 1; i >= 0; i--)
        sift_down(m, i);
}

/* Moves the top child one step in the current direction and restores the heap. */
static int advance_top(struct merge_iter *m)
{
    struct kv_iter *k = m->kids[m->heap[0]];
    int rc = m->backward ? kv_iter_prev(k) : kv_iter_next(k);
    if (rc) {
        m->status = rc;
        m->n_heap = 0;
        return rc;
    }
    if (!kv_iter_valid(k))
        m->heap[0] = m->heap[--m->n_heap];
    if (m->n_heap > 0)
        sift_down(m, 0);
    return 0;
}

/* Skips copies of the top's (key, ts) held by later children. */
static int skip_dups(struct merge_iter *m)
{
    if (m->n_heap < 2)
        return 0;
    struct kv_entry top;
    kv_iter_entry(m->kids[m->heap[0]], &top);
    int first = m->heap[0];
    for (;;) {
        /* The duplicates, if any, are among the top's heap children. */
        int dup = -1;
        for (int c = 1; c <= 2 && c < m->n_heap; c++) {
            struct kv_entry e;
            int h = m->heap[c];
            kv_iter_entry(m->kids[h], &e);
            if (h != first && e.ts == top.ts && kv_key_cmp(e.key, e.key_len, top.key, top.key_len) == 0) {
                dup = c;
                break;
            }
        }
        if (dup < 0)
            return 0;
        struct kv_iter *k = m->kids[m->heap[dup]];
        int rc = m->backward ? kv_iter_prev(k) : kv_iter_next(k);
        if (rc) {
            m->status = rc;
            m->n_heap = 0;
            return rc;
        }
        if (!kv_iter_valid(k)) {
            m->heap[dup] = m->heap[--m->n_heap];
        }
        /* Rebuild: cheap for the few children a tablet has. */
        for (int i = m->n_heap / 2 - 1; i >= 0; i--)
            sift_down(m, i);
        kv_iter_entry(m->kids[m->heap[0]], &top);
        first = m->heap[0];
        if (m->n_heap < 2)
            return 0;
    }
}

static int finish_position(struct merge_iter *m)
{
    build_heap(m);
    return skip_dups(m);
}

static int mi_seek(struct kv_iter *it, const uint8_t *key, size_t key_len, uint64_t ts)
{
    struct merge_iter *m = (struct merge_iter *)it;
    m->backward = 0;
    m->status = 0;
    for (int i = 0; i < m->n; i++) {
        int rc = kv_iter_seek(m->kids[i], key, key_len, ts);
        if (rc) {
            m->status = rc;
            m->n_heap = 0;
            return rc;
        }
    }
    return finish_position(m);
}

static int mi_seek_first(struct kv_iter *it)
{
    struct merge_iter *m = (struct merge_iter *)it;
    m->backward = 0;
    m->status = 0;
    for (int i = 0; i < m->n; i++) {
        int rc = kv_iter_seek_first(m->kids[i]);
        if (rc) {
            m->status = rc;
            m->n_heap = 0;
            return rc;
        }
    }
    return finish_position(m);
}

static int mi_seek_last(struct kv_iter *it)
{
    struct merge_iter *m = (struct merge_iter *)it;
    m->backward = 1;
    m->status = 0;
    for (int i = 0; i < m->n; i++) {
        int rc = kv_iter_seek_last(m->kids[i]);
        if (rc) {
            m->status = rc;
            m->n_heap = 0;
            return rc;
        }
    }
    return finish_position(m);
}

int merge_iter_seek_before(struct kv_iter *it, const uint8_t *key, size_t key_len)
{
    struct merge_iter *m = (struct merge_iter *)it;
    m->backward = 1;
    m->status = 0;
    for (int i = 0; i < m->n; i++) {
        struct kv_iter *k = m->kids[i];
        /* First version with key >= key (any ts), then one step back. */
        int rc = kv_iter_seek(k, key, key_len, TS_UNCOMMITTED);
        if (!rc)
            rc = kv_iter_valid(k) ? kv_iter_prev(k) : kv_iter_seek_last(k);
        if (rc) {
            m->status = rc;
            m->n_heap = 0;
            return rc;
        }
    }
    return finish_position(m);
}

static int mi_step(struct kv_iter *it, int backward)
{
    struct merge_iter *m = (struct merge_iter *)it;
    if (m->status)
        return m->status;
    if (m->n_heap == 0)
        return 0;
    if (m->backward != backward)
        return err_set(ERR_INTERNAL, "merge iterator: direction change without seek");
    int rc = advance_top(m);
    if (rc)
        return rc;
    return skip_dups(m);
}

static int mi_next(struct kv_iter *it)
{
    return mi_step(it, 0);
}

static int mi_prev(struct kv_iter *it)
{
    return mi_step(it, 1);
}

static int mi_valid(const struct kv_iter *it)
{
    const struct merge_iter *m = (const struct merge_iter *)it;
    return m->status == 0 && m->n_heap > 0;
}

static void mi_entry(const struct kv_iter *it, struct kv_entry *out)
{
    const struct merge_iter *m = (const struct merge_iter *)it;
    kv_iter_entry(m->kids[m->heap[0]], out);
}

static void mi_destroy(struct kv_iter *it)
{
    struct merge_iter *m = (struct merge_iter *)it;
    for (int i = 0; i < m->n; i++)
        kv_iter_destroy(m->kids[i]);
    mem_free(m->kids);
    mem_free(m->heap);
    mem_free(m);
}

static const struct kv_iter_ops merge_ops = {
    mi_seek, mi_seek_first, mi_seek_last, mi_next, mi_prev, mi_valid, mi_entry, mi_destroy,
};

int merge_iter_create(struct kv_iter **children, int n, struct kv_iter **out)
{
    struct merge_iter *m = mem_calloc(1, sizeof *m);
    struct kv_iter **kids = mem_alloc(sizeof *kids * (size_t)(n ? n : 1));
    int *heap = mem_alloc(sizeof *heap * (size_t)(n ? n : 1));
    if (!m || !kids || !heap) {
        mem_free(m);
        mem_free(kids);
        mem_free(heap);
        for (int i = 0; i < n; i++)
            kv_iter_destroy(children[i]);
        return err_set(ERR_NOMEM, "merge iterator: out of memory");
    }
    for (int i = 0; i < n; i++)
        kids[i] = children[i];
    m->base.ops = &merge_ops;
    m->kids = kids;
    m->n = n;
    m->heap = heap;
    *out = &m->base;
    return 0;
}
