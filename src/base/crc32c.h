/*
 * crc32c.h: CRC-32C (Castagnoli), the checksum of redo records and SSTable
 * blocks. Uses the SSE4.2 crc32 instruction when the CPU has it, else a
 * slicing-by-8 table. crc32c(0, p, n) checksums one buffer; passing a previous
 * result continues it over more bytes.
 */
#ifndef ATOLL_BASE_CRC32C_H
#define ATOLL_BASE_CRC32C_H

#include <stddef.h>
#include <stdint.h>

uint32_t crc32c(uint32_t crc, const void *p, size_t len);

/* A checksum stored next to data is masked so that a CRC of bytes that embed
 * their own CRC is not trivially zero (as LevelDB does). */
static inline uint32_t crc32c_mask(uint32_t crc)
{
    return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

#endif
