/*
 * wset.c: the write set's skiplist (see wset.h). A classic single-threaded
 * skiplist (Pugh, 1990) with branching factor 4, rows and states bump-allocated
 * from the transaction's arena; level 0 is doubly linked for backward scans.
 */
#include "txn/wset.h"

#include "base/err.h"
#include "kv/kv.h"

#include <string.h>

void wset_init(struct wset *ws, uint64_t seed)
{
    memset(ws, 0, sizeof *ws);
    arena_init(&ws->arena, 16 * 1024);
    ws->rng = seed | 1;
    ws->height = 1;
}

void wset_deinit(struct wset *ws)
{
    arena_deinit(&ws->arena);
}

static int row_cmp(const struct wset_node *n, uint64_t tablet, const void *key, size_t key_len)
{
    if (n->tablet != tablet)
        return n->tablet < tablet ? -1 : 1;
    return kv_key_cmp(n->key, n->key_len, key, key_len);
}

static int random_height(struct wset *ws)
{
    uint64_t x = ws->rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    ws->rng = x;
    int h = 1;
    while (h < WSET_MAX_HEIGHT && (x & 3) == 0) {
        h++;
        x >>= 2;
    }
    return h;
}

/* Fills prev[] with the last row < (tablet, key) per level (head if none); returns prev[0]'s
 * successor. */
static struct wset_node *find_ge(struct wset *ws, uint64_t tablet, const void *key, size_t key_len,
                                 struct wset_node **prev)
{
    struct wset_node *x = ws->head;
    for (int l = ws->height - 1; l >= 0; l--) {
        while (x->next[l] && row_cmp(x->next[l], tablet, key, key_len) < 0)
            x = x->next[l];
        if (prev)
            prev[l] = x;
    }
    return x->next[0];
}

struct wset_node *wset_find(struct wset *ws, uint64_t tablet, const void *key, size_t key_len)
{
    if (!ws->head)
        return NULL;
    struct wset_node *n = find_ge(ws, tablet, key, key_len, NULL);
    return n && row_cmp(n, tablet, key, key_len) == 0 ? n : NULL;
}

struct wset_node *wset_seek(struct wset *ws, uint64_t tablet, const void *key, size_t key_len)
{
    if (!ws->head)
        return NULL;
    return find_ge(ws, tablet, key, key_len, NULL);
}

struct wset_node *wset_prev(const struct wset *ws, const struct wset_node *n)
{
    return n->prev == ws->head ? NULL : n->prev;
}

struct wset_node *wset_seek_before(struct wset *ws, uint64_t tablet, const void *key,
                                   size_t key_len)
{
    if (!ws->head)
        return NULL;
    struct wset_node *x = ws->head;
    for (int l = ws->height - 1; l >= 0; l--) {
        while (x->next[l]) {
            const struct wset_node *n = x->next[l];
            int lt = key ? row_cmp(n, tablet, key, key_len) < 0 : n->tablet <= tablet;
            if (!lt)
                break;
            x = x->next[l];
        }
    }
    return x == ws->head ? NULL : x;
}

static uint64_t ver_bytes(const struct wset_node *n, const struct wset_ver *v)
{
    if (!v)
        return 0;
    return kv_batch_op_bytes(v->kind == KV_PUT, n->tablet, n->key_len, v->value_len);
}

int wset_write(struct wset *ws, uint64_t tablet, const void *key, size_t key_len, uint8_t kind,
               const void *value, size_t value_len)
{
    if (!ws->head) {
        size_t sz = sizeof(struct wset_node) + WSET_MAX_HEIGHT * sizeof(struct wset_node *);
        struct wset_node *h = arena_alloc(&ws->arena, sz);
        if (!h)
            return err_set(ERR_NOMEM, "write set: out of memory");
        memset(h, 0, sz);
        h->height = WSET_MAX_HEIGHT;
        ws->head = h;
    }
    struct wset_node *prev[WSET_MAX_HEIGHT];
    struct wset_node *n = find_ge(ws, tablet, key, key_len, prev);
    if (n && row_cmp(n, tablet, key, key_len) != 0)
        n = NULL;

    /* Allocate everything before linking anything. */
    struct wset_ver *v = arena_alloc(&ws->arena, sizeof *v);
    uint8_t *val = NULL;
    if (v && kind == KV_PUT && value_len)
        val = arena_memdup(&ws->arena, value, value_len);
    if (!v || (kind == KV_PUT && value_len && !val))
        return err_set(ERR_NOMEM, "write set: out of memory");
    if (!n) {
        int h = random_height(ws);
        n = arena_alloc(&ws->arena, sizeof *n + (size_t)h * sizeof n->next[0]);
        uint8_t *k = n ? arena_memdup(&ws->arena, key, key_len) : NULL;
        if (!n || (key_len && !k))
            return err_set(ERR_NOMEM, "write set: out of memory");
        n->tablet = tablet;
        n->key = k;
        n->key_len = (uint32_t)key_len;
        n->height = (uint8_t)h;
        n->ver = NULL;
        if (h > ws->height) {
            for (int l = ws->height; l < h; l++)
                prev[l] = ws->head;
            ws->height = h;
        }
        for (int l = 0; l < h; l++) {
            n->next[l] = prev[l]->next[l];
            prev[l]->next[l] = n;
        }
        n->prev = prev[0];
        if (n->next[0])
            n->next[0]->prev = n;
    }
    v->kind = kind;
    v->value = kind == KV_PUT ? val : NULL;
    v->value_len = kind == KV_PUT ? (uint32_t)value_len : 0;
    v->node = n;
    v->seq = ++ws->seq;
    if (n->ver)
        ws->batch_bytes -= ver_bytes(n, n->ver);
    else
        ws->n_rows++;
    ws->batch_bytes += ver_bytes(n, v);
    v->prev = n->ver;
    n->ver = v;
    v->undo_next = ws->undo;
    ws->undo = v;
    return 0;
}

void wset_rollback_to(struct wset *ws, uint64_t seq)
{
    while (ws->undo && ws->undo->seq > seq) {
        struct wset_ver *v = ws->undo;
        struct wset_node *n = v->node;
        /* The newest write is always its row's current state. */
        ws->batch_bytes -= ver_bytes(n, v);
        n->ver = v->prev;
        if (n->ver)
            ws->batch_bytes += ver_bytes(n, n->ver);
        else
            ws->n_rows--;
        ws->undo = v->undo_next;
    }
}
