/*
 * compress.c: LZ4 and zstd behind one pair of calls, with the uncompressed
 * length as a varint in front so that the reader can allocate the output once
 * and check that the library produced exactly that many bytes.
 *
 * The zstd compression context lives in the caller's struct compress_ctx (a
 * context costs about a megabyte to set up, too much per block). Decompression
 * contexts are cached one per thread under a pthread key whose destructor
 * frees them when the thread exits. LZ4 needs no context (its state is on the
 * stack). Both libraries allocate with malloc, outside mem_alloc's counting.
 */
#include "storage/compress.h"

#include "base/coding.h"
#include "base/err.h"
#include "base/mem.h"

#include <lz4.h>
#include <pthread.h>
#include <zstd.h>

void compress_ctx_init(struct compress_ctx *ctx, int zstd_level)
{
    ctx->zstd_cctx = NULL;
    ctx->zstd_level = zstd_level;
}

void compress_ctx_deinit(struct compress_ctx *ctx)
{
    if (ctx->zstd_cctx)
        ZSTD_freeCCtx(ctx->zstd_cctx);
    ctx->zstd_cctx = NULL;
}

int compress_encode(struct compress_ctx *ctx, int type, const uint8_t *src, size_t len,
                    struct buf *out)
{
    size_t old_len = out->len;
    size_t bound;
    int rc;

    if (type == COMPRESS_LZ4) {
        if (len > LZ4_MAX_INPUT_SIZE)
            return err_set(ERR_TOO_BIG, "lz4: block of %zu bytes is too big", len);
        bound = (size_t)LZ4_compressBound((int)len);
    } else if (type == COMPRESS_ZSTD) {
        bound = ZSTD_compressBound(len);
    } else {
        return err_set(ERR_INVALID, "unknown compression type %d", type);
    }
    if ((rc = buf_put_varint(out, len)) != 0 || (rc = buf_reserve(out, bound)) != 0) {
        out->len = old_len;
        return err_set(ERR_NOMEM, "compress: out of memory");
    }
    uint8_t *dst = out->data + out->len;
    size_t n;
    if (type == COMPRESS_LZ4) {
        int r = LZ4_compress_default((const char *)src, (char *)dst, (int)len, (int)bound);
        if (r <= 0) {
            out->len = old_len;
            return err_set(ERR_INTERNAL, "lz4: compression failed");
        }
        n = (size_t)r;
    } else {
        if (!ctx->zstd_cctx && !(ctx->zstd_cctx = ZSTD_createCCtx())) {
            out->len = old_len;
            return err_set(ERR_NOMEM, "zstd: out of memory for a context");
        }
        n = ZSTD_compressCCtx(ctx->zstd_cctx, dst, bound, src, len, ctx->zstd_level);
        if (ZSTD_isError(n)) {
            out->len = old_len;
            return err_set(ERR_INTERNAL, "zstd: %s", ZSTD_getErrorName(n));
        }
    }
    out->len += n;
    return 0;
}

static pthread_key_t dctx_key;
static pthread_once_t dctx_once = PTHREAD_ONCE_INIT;
static int dctx_key_ok; /* pthread_key_create succeeded. */

static void dctx_free(void *p)
{
    ZSTD_freeDCtx(p);
}

static void dctx_key_init(void)
{
    dctx_key_ok = pthread_key_create(&dctx_key, dctx_free) == 0;
}

/* This thread's zstd decompression context, or NULL when out of memory. */
static ZSTD_DCtx *thread_dctx(void)
{
    pthread_once(&dctx_once, dctx_key_init);
    if (!dctx_key_ok)
        return NULL;
    ZSTD_DCtx *d = pthread_getspecific(dctx_key);
    if (!d) {
        d = ZSTD_createDCtx();
        if (d && pthread_setspecific(dctx_key, d) != 0) {
            ZSTD_freeDCtx(d);
            d = NULL;
        }
    }
    return d;
}

int compress_decode(int type, const uint8_t *p, size_t len, size_t max_len, uint8_t **out,
                    size_t *out_len)
{
    const uint8_t *end = p + len;
    uint64_t ulen;
    size_t hdr = varint_get(p, end, &ulen);
    if (hdr == 0)
        return err_set(ERR_CORRUPT, "bad uncompressed length varint");
    if (ulen > max_len)
        return err_set(ERR_CORRUPT, "uncompressed length %llu is beyond the limit %zu",
                       (unsigned long long)ulen, max_len);
    const uint8_t *src = p + hdr;
    size_t src_len = len - hdr;

    if (type == COMPRESS_LZ4) {
        /* LZ4 expands at most about 255 times (a length byte of 255 per 255
         * bytes of a match); a larger claim is damage, refused before we
         * allocate for it. */
        if (src_len == 0 || ulen > (uint64_t)src_len * 255 + 64 || ulen > LZ4_MAX_INPUT_SIZE)
            return err_set(ERR_CORRUPT, "lz4: uncompressed length %llu does not fit %zu bytes",
                           (unsigned long long)ulen, src_len);
    } else if (type == COMPRESS_ZSTD) {
        unsigned long long fcs = ZSTD_getFrameContentSize(src, src_len);
        if (fcs != ulen)
            return err_set(ERR_CORRUPT, "zstd: frame content size does not match length %llu",
                           (unsigned long long)ulen);
    } else {
        return err_set(ERR_CORRUPT, "unknown compression type %d", type);
    }

    uint8_t *dst = mem_alloc(ulen ? (size_t)ulen : 1);
    if (!dst)
        return err_set(ERR_NOMEM, "decompress: out of memory for %llu bytes",
                       (unsigned long long)ulen);
    if (type == COMPRESS_LZ4) {
        int r = LZ4_decompress_safe((const char *)src, (char *)dst, (int)src_len, (int)ulen);
        if (r < 0 || (uint64_t)r != ulen) {
            mem_free(dst);
            return err_set(ERR_CORRUPT, "lz4: corrupt compressed data");
        }
    } else {
        ZSTD_DCtx *d = thread_dctx();
        if (!d) {
            mem_free(dst);
            return err_set(ERR_NOMEM, "zstd: out of memory for a context");
        }
        size_t r = ZSTD_decompressDCtx(d, dst, (size_t)ulen, src, src_len);
        if (ZSTD_isError(r) || r != ulen) {
            mem_free(dst);
            return err_set(ERR_CORRUPT, "zstd: corrupt compressed data (%s)",
                           ZSTD_isError(r) ? ZSTD_getErrorName(r) : "short output");
        }
    }
    *out = dst;
    *out_len = (size_t)ulen;
    return 0;
}
