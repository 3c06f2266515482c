/*
 * redo_int.h: the redo log's byte formats and their pure encoders and
 * decoders, private to storage/redo.c and its tests and fuzzer.
 *
 * A segment file starts with a 32-byte header:
 *
 *   offset size field       description
 *   0      4    magic       REDO_SEG_MAGIC, little-endian ("ARDO" in the file)
 *   4      4    version     REDO_FORMAT_VERSION
 *   8      8    seg_no      the segment's number, equal to the number in its file name
 *   16     8    first_lsn   LSN of the segment's first record (>= 1), even while it has none
 *   24     4    reserved    zero
 *   28     4    header_crc  crc32c_mask(crc32c(bytes 0..27))
 *
 * followed by records back to back, each:
 *
 *   offset size field       description
 *   0      4    len         payload length, <= REDO_RECORD_MAX
 *   4      4    crc         crc32c_mask of CRC-32C over bytes 0..3 (len), the payload, then
 * bytes 8..15 (lsn) 8      8    lsn         the record's log sequence number 16     len  payload
 * opaque bytes
 *
 * All integers are little-endian. The record's CRC runs over the payload
 * before the LSN so that redo_append() can checksum the payload outside the
 * log's mutex and only extend the CRC over the 8 LSN bytes under it.
 *
 * The decoders take (bytes, len) and never read outside them: every byte they
 * see may come from a damaged disk.
 */
#ifndef ATOLL_STORAGE_REDO_INT_H
#define ATOLL_STORAGE_REDO_INT_H

#include <stddef.h>
#include <stdint.h>

#define REDO_SEG_MAGIC       0x4f445241u /* "ARDO" as little-endian bytes. */
#define REDO_FORMAT_VERSION  1u          /* Version written; the only one read. */
#define REDO_SEG_HEADER_SIZE 32u         /* Bytes of a segment header. */
#define REDO_REC_HEADER_SIZE 16u         /* Bytes of a record header (len, crc, lsn). */

/* A decoded segment header. */
struct redo_seg_header {
    uint32_t version;   /* Format version. */
    uint64_t seg_no;    /* Segment number. */
    uint64_t first_lsn; /* LSN of the first record. */
};

/* Outcome of decoding a segment header. */
enum redo_seg_status {
    REDO_SEG_OK = 0,      /* Valid header of this version. */
    REDO_SEG_SHORT,       /* Fewer than REDO_SEG_HEADER_SIZE bytes. */
    REDO_SEG_BAD_MAGIC,   /* Not a redo segment. */
    REDO_SEG_BAD_CRC,     /* Checksum mismatch. */
    REDO_SEG_BAD_VERSION, /* CRC-valid header of a format version we cannot read. */
    REDO_SEG_BAD_FIELD,   /* CRC-valid but reserved != 0 or first_lsn == 0. */
};

/* Writes the header of segment seg_no whose first record will be first_lsn into p[0..31]. */
void redo__encode_seg_header(uint8_t *p, uint64_t seg_no, uint64_t first_lsn);

/* Decodes a segment header from p[0..len). Fills *out only for REDO_SEG_OK. */
enum redo_seg_status redo__decode_seg_header(const uint8_t *p, size_t len,
                                             struct redo_seg_header *out);

/* A short English phrase for a status, for error messages ("checksum mismatch"). */
const char *redo__seg_status_str(enum redo_seg_status s);

/* A record decoded in place; payload points into the decoded bytes. */
struct redo_rec {
    uint64_t lsn;           /* Its LSN. */
    const uint8_t *payload; /* Its payload (inside the input bytes). */
    uint32_t len;           /* Payload length. */
    size_t size;            /* Bytes the whole record takes (header + payload). */
};

/* Outcome of decoding a record. */
enum redo_rec_status {
    REDO_REC_OK = 0,  /* A CRC-valid record; out is filled. */
    REDO_REC_SHORT,   /* The bytes end inside the header or the payload; out->size
                       * says how many bytes are needed when the header was read. */
    REDO_REC_BAD_LEN, /* The length field exceeds REDO_RECORD_MAX. */
    REDO_REC_BAD_CRC, /* Checksum mismatch. */
};

/*
 * Decodes the record starting at p[0] from the len bytes available. On
 * REDO_REC_OK fills *out; on REDO_REC_SHORT sets out->size to the bytes needed
 * (REDO_REC_HEADER_SIZE while the header itself is incomplete). Checks only
 * the record itself; LSN continuity is the caller's business.
 */
enum redo_rec_status redo__decode_record(const uint8_t *p, size_t len, struct redo_rec *out);

/* A short English phrase for a status ("checksum mismatch", "incomplete record"). */
const char *redo__rec_status_str(enum redo_rec_status s);

/* CRC-32C (unmasked) of a payload as a record's CRC starts it: over the length field, then the
 * payload. */
uint32_t redo__payload_crc(const void *payload, uint32_t len);

/* Writes a record header into h[0..15] from the payload CRC given by redo__payload_crc(). */
void redo__encode_record_header(uint8_t *h, uint64_t lsn, uint32_t len, uint32_t payload_crc);

#endif
