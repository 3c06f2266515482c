/*
 * buf.h: a growable byte buffer for building records, blocks and packets.
 * Appends return ERR_NOMEM when growth fails; the buffer then keeps its old
 * contents, so the caller may report the error and deinit as usual.
 */
#ifndef ATOLL_BASE_BUF_H
#define ATOLL_BASE_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
    uint8_t *data; /* Bytes; NULL while cap is 0. */
    size_t len;    /* Bytes in use. */
    size_t cap;    /* Bytes allocated. */
};

/* Prepares an empty buffer; allocates nothing. */
void buf_init(struct buf *b);

/* Frees the bytes. */
void buf_deinit(struct buf *b);

/* Makes room for at least extra more bytes. Returns 0 or ERR_NOMEM. */
int buf_reserve(struct buf *b, size_t extra);

/* Appends len bytes. Returns 0 or ERR_NOMEM. */
int buf_append(struct buf *b, const void *p, size_t len);

/* Appends one byte, a little-endian u32/u64, or a varint. Return 0 or ERR_NOMEM. */
int buf_put_u8(struct buf *b, uint8_t v);
int buf_put_u32le(struct buf *b, uint32_t v);
int buf_put_u64le(struct buf *b, uint64_t v);
int buf_put_varint(struct buf *b, uint64_t v);

/* Appends a varint length followed by the bytes. Returns 0 or ERR_NOMEM. */
int buf_put_lenbytes(struct buf *b, const void *p, size_t len);

/* Forgets the contents; keeps the allocation. */
static inline void buf_reset(struct buf *b) { b->len = 0; }

#endif
