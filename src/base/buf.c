/* buf.c: growable byte buffer (see buf.h); grows by doubling. */
#include "base/buf.h"

#include "base/coding.h"
#include "base/err.h"
#include "base/mem.h"

#include <string.h>

void buf_init(struct buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void buf_deinit(struct buf *b)
{
    mem_free(b->data);
    buf_init(b);
}

int buf_reserve(struct buf *b, size_t extra)
{
    if (b->cap - b->len >= extra)
        return 0;
    size_t need = b->len + extra;
    if (need < b->len)
        return ERR_NOMEM;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap * 2 > cap ? cap * 2 : need;
    uint8_t *p = mem_realloc(b->data, cap);
    if (!p)
        return ERR_NOMEM;
    b->data = p;
    b->cap = cap;
    return 0;
}

int buf_append(struct buf *b, const void *p, size_t len)
{
    if (len == 0)
        return 0;
    int rc = buf_reserve(b, len);
    if (rc)
        return rc;
    memcpy(b->data + b->len, p, len);
    b->len += len;
    return 0;
}

int buf_put_u8(struct buf *b, uint8_t v)
{
    return buf_append(b, &v, 1);
}

int buf_put_u32le(struct buf *b, uint32_t v)
{
    uint8_t t[4];
    le32_put(t, v);
    return buf_append(b, t, 4);
}

int buf_put_u64le(struct buf *b, uint64_t v)
{
    uint8_t t[8];
    le64_put(t, v);
    return buf_append(b, t, 8);
}

int buf_put_varint(struct buf *b, uint64_t v)
{
    uint8_t t[VARINT_MAX];
    return buf_append(b, t, varint_put(t, v));
}

int buf_put_lenbytes(struct buf *b, const void *p, size_t len)
{
    int rc = buf_put_varint(b, len);
    return rc ? rc : buf_append(b, p, len);
}
