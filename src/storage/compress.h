/*
 * compress.h: block compression for SSTables (storage-private).
 *
 * A compressed payload is the varint length of the uncompressed bytes followed
 * by the bytes of one LZ4 block (LZ4_compress_default) or one zstd frame. The
 * type numbers are the ones stored in the type byte of every on-disk block
 * (storage/README.sstable.md) and equal enum sstable_compression.
 *
 * Compression uses a caller-owned struct compress_ctx (one per writer, one
 * thread at a time). Decompression may be called from any thread: zstd's
 * decompression context is kept per thread.
 */
#ifndef ATOLL_STORAGE_COMPRESS_H
#define ATOLL_STORAGE_COMPRESS_H

#include "base/buf.h"

#include <stddef.h>
#include <stdint.h>

enum compress_type {
    COMPRESS_NONE = 0, /* Stored as is. */
    COMPRESS_LZ4 = 1,  /* LZ4 block format. */
    COMPRESS_ZSTD = 2, /* One zstd frame with its content size. */
};

struct compress_ctx {
    void *zstd_cctx; /* ZSTD_CCtx, created on first zstd use. */
    int zstd_level;  /* Level for zstd. */
};

/* Prepares a context; allocates nothing yet. */
void compress_ctx_init(struct compress_ctx *ctx, int zstd_level);

/* Frees what the context holds. */
void compress_ctx_deinit(struct compress_ctx *ctx);

/*
 * Appends to out the compressed payload of src[0..len) in the given type
 * (COMPRESS_LZ4 or COMPRESS_ZSTD): varint len, then the compressed bytes.
 * Returns 0, ERR_NOMEM, ERR_INVALID (unknown type) or ERR_INTERNAL (the
 * library failed). On error out keeps its old length.
 */
int compress_encode(struct compress_ctx *ctx, int type, const uint8_t *src, size_t len,
                    struct buf *out);

/*
 * Decodes a compressed payload p[0..len) of the given type into a new
 * mem_alloc'ed buffer (*out, caller frees; at least one byte is allocated even
 * for an empty result). The uncompressed length must be at most max_len.
 * The input is untrusted: returns 0, ERR_CORRUPT (with a message saying what
 * is wrong) or ERR_NOMEM.
 */
int compress_decode(int type, const uint8_t *p, size_t len, size_t max_len, uint8_t **out,
                    size_t *out_len);

#endif
