/*
 * fuzz_sst_index.c: libFuzzer target for the SSTable index decoder
 * (sst__index_decode in sstable_int.h) and the index search, optionally
 * behind the block trailer check (with the CRC fixed up so that the decoder
 * behind it is reached). Only pure decoders are called.
 *
 * Input: one mode byte, four bytes of data_end (u32 LE), then the block.
 * When the index decodes, the properties it promises are checked: blocks tile
 * [0, data_end) in order and keys strictly increase; a seek returns the first
 * entry >= the target.
 */
#include "base/coding.h"
#include "base/crc32c.h"
#include "base/mem.h"
#include "storage/sstable_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check(const uint8_t *p, size_t len, uint64_t data_end)
{
    struct sst_index ix;
    if (sst__index_decode(p, len, data_end, &ix) != 0)
        return;
    uint64_t pos = 0;
    for (size_t i = 0; i < ix.n; i++) {
        const struct sst_index_entry *e = &ix.e[i];
        if (e->handle.offset != pos || e->handle.size < SST_TRAILER_SIZE)
            abort();
        pos += e->handle.size;
        if (e->key < p || e->key + e->key_len > p + len)
            abort();
        if (i > 0 && kv_internal_cmp(e[-1].key, e[-1].key_len, e[-1].ts, e->key, e->key_len,
                                     e->ts) >= 0)
            abort();
    }
    if (pos != data_end)
        abort();
    /* Seek for every entry's own version and just past it. */
    for (size_t i = 0; i < ix.n; i++) {
        const struct sst_index_entry *e = &ix.e[i];
        if (sst__index_seek(&ix, e->key, e->key_len, e->ts) != i)
            abort();
        if (e->ts > 0 && sst__index_seek(&ix, e->key, e->key_len, e->ts - 1) != i + 1)
            abort();
    }
    sst__index_free(&ix);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 5)
        return 0;
    uint8_t mode = data[0];
    uint64_t data_end = le32_get(data + 1);
    data += 5;
    size -= 5;
    if (mode & 1) {
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
            check(raw, raw_len, data_end);
            mem_free(alloc);
        }
        free(copy);
    } else {
        check(data, size, data_end);
    }
    return 0;
}
