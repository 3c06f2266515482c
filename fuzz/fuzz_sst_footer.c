/*
 * fuzz_sst_footer.c: libFuzzer target for the SSTable footer, properties and
 * bloom filter decoders (sstable_int.h, bloom.h). Only pure decoders are
 * called.
 *
 * The first input byte selects the decoder (mode % 3):
 *   0: footer; the next 8 bytes are the file size (u64 LE) and the rest the
 *      footer; with bit 2 of mode the footer CRC is fixed up first, so the
 *      layout checks behind it are reached;
 *   1: properties block;
 *   2: bloom filter, then probes for hashes taken from the input.
 */
#include "base/coding.h"
#include "base/crc32c.h"
#include "storage/bloom.h"
#include "storage/sstable_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t mode = data[0];
    data++;
    size--;
    switch (mode % 3) {
    case 0: {
        if (size < 8)
            return 0;
        uint64_t file_size = le64_get(data);
        data += 8;
        size -= 8;
        uint8_t f[SST_FOOTER_SIZE];
        const uint8_t *p = data;
        if ((mode & 4) && size == SST_FOOTER_SIZE) {
            memcpy(f, data, sizeof f);
            le32_put(f + 52, crc32c_mask(crc32c(0, f, 52)));
            le64_put(f + 56, SST_MAGIC);
            p = f;
        }
        struct sst_footer ft;
        if (sst__footer_decode(p, size, file_size, &ft) == 0) {
            /* What a good footer promises: the three blocks tile up to the footer. */
            if (ft.index.offset + ft.index.size != ft.bloom.offset ||
                ft.bloom.offset + ft.bloom.size != ft.props.offset ||
                ft.props.offset + ft.props.size + SST_FOOTER_SIZE != file_size)
                abort();
        }
        break;
    }
    case 1: {
        struct sstable_meta m;
        if (sst__props_decode(data, size, &m) == 0 && m.n_deletes > m.n_entries)
            abort();
        break;
    }
    default:
        if (bloom_check(data, size) == 0) {
            for (size_t i = 0; i + 8 <= size && i < 256; i += 8)
                (void)bloom_may_contain(data, size, le64_get(data + i));
            (void)bloom_may_contain(data, size, bloom_hash(data, size));
        }
        break;
    }
    return 0;
}
