/*
 * fuzz_sst_block.c: libFuzzer target for the SSTable data block decoders
 * (sstable_int.h): block parsing, entry decoding and the cursor's moves over
 * arbitrary bytes, optionally first through the block trailer check or LZ4/
 * zstd decompression. Only pure decoders are called: no files, no cache.
 *
 * The first input byte selects the path:
 *   bit 0: the rest is a compressed payload (bit 1 picks LZ4 or zstd);
 *   bit 2: the rest is an on-disk block whose CRC is fixed up before unwrapping;
 *   otherwise the rest is a raw block.
 * Beyond "no crash, no overread", it checks one property of our own code: a
 * forward and a backward walk that both finish without error see the same
 * number of entries.
 */
#include "base/coding.h"
#include "base/crc32c.h"
#include "base/mem.h"
#include "storage/compress.h"
#include "storage/sstable_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static struct sst_cursor cur; /* 16 KiB of key: static, the fuzzer is single-threaded. */

static void walk(const uint8_t *p, size_t len, uint8_t mode)
{
    struct sst_block b;
    if (sst__block_parse(p, len, &b) != 0)
        return;
    for (uint32_t i = 0; i < b.n_restarts; i++) {
        struct sst_entry e;
        (void)sst__entry_decode(&b, le32_get(b.restarts + 4 * (size_t)i), 0, 1, &e);
    }
    sst__cursor_init(&cur, &b);
    size_t fwd = 0, bwd = 0;
    int rc_f = sst__cursor_seek_first(&cur);
    while (rc_f == 0 && cur.valid) {
        fwd++;
        rc_f = sst__cursor_next(&cur);
    }
    int rc_b = sst__cursor_seek_last(&cur);
    while (rc_b == 0 && cur.valid) {
        bwd++;
        rc_b = sst__cursor_prev(&cur);
    }
    if (rc_f == 0 && rc_b == 0 && fwd != bwd)
        abort();
    /* Seek to a key made of the block's own bytes, then step both ways. */
    size_t kl = len < 12 ? len : (size_t)(mode % 12);
    if (sst__cursor_seek(&cur, p, kl, (uint64_t)mode << 3) == 0 && cur.valid) {
        for (int i = 0; i < 4 && cur.valid; i++)
            if (sst__cursor_prev(&cur) != 0)
                break;
        for (int i = 0; i < 8 && cur.valid; i++)
            if (sst__cursor_next(&cur) != 0)
                break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t mode = data[0];
    data++;
    size--;
    if (mode & 1) {
        uint8_t *out;
        size_t out_len;
        int type = (mode & 2) ? COMPRESS_ZSTD : COMPRESS_LZ4;
        if (compress_decode(type, data, size, 1u << 20, &out, &out_len) == 0) {
            walk(out, out_len, mode);
            mem_free(out);
        }
    } else if (mode & 4) {
        if (size < SST_TRAILER_SIZE)
            return 0;
        uint8_t *copy = malloc(size);
        memcpy(copy, data, size);
        size_t plen = size - SST_TRAILER_SIZE;
        le32_put(copy + plen + 1, crc32c_mask(crc32c(0, copy, plen + 1)));
        const uint8_t *raw;
        size_t raw_len;
        uint8_t *alloc;
        if (sst__block_unwrap(copy, size, 1u << 20, &raw, &raw_len, &alloc) == 0) {
            walk(raw, raw_len, mode);
            mem_free(alloc);
        }
        free(copy);
    } else {
        walk(data, size, mode);
    }
    return 0;
}
