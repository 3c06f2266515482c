/*
 * sstable_int.h: the SSTable byte format (constants) and the pure encoders
 * and decoders behind sstable.c, for sstable.c itself, its tests and the
 * fuzzers. Not for other modules: they use storage/sstable.h.
 *
 * Every decoder takes untrusted bytes as (pointer, length), never reads
 * outside them, and returns 0 or ERR_CORRUPT with a message (err_msg()) that
 * says what is wrong and where inside the given bytes; the caller prefixes
 * the file and block. None of them touches a file or the block cache.
 *
 * The format is documented as byte tables in storage/README.sstable.md; in
 * short:
 *
 *   file    = data block* index block, bloom block, properties block, footer
 *   block   = payload, type (1 byte), masked CRC-32C of payload+type (u32 LE)
 *   payload = raw bytes (type 0) or varint raw length + LZ4/zstd bytes (1, 2)
 *   raw data/index block = entry* restart offset (u32 LE)* n_restarts (u32 LE)
 *   entry   = varint shared, varint unshared, varint value_len,
 *             unshared key bytes, ts (u64 LE), kind (u8), value bytes
 *   index entry value = varint block offset, varint block size (a handle)
 *   raw bloom block = 64-byte blocks, n_blocks (u32 LE), k (u8), kind (u8)
 *             (bloom.h)
 *   footer  = 3 handles (u64 LE offset, u64 LE size), version (u32 LE),
 *             masked CRC-32C of the preceding 52 bytes (u32 LE), magic (u64 LE)
 */
#ifndef ATOLL_STORAGE_SSTABLE_INT_H
#define ATOLL_STORAGE_SSTABLE_INT_H

#include "base/buf.h"
#include "storage/compress.h"
#include "storage/kv.h"
#include "storage/sstable.h"

#include <stddef.h>
#include <stdint.h>

#define SST_MAGIC 0x5453534c4c4f5441ULL /* "ATOLLSST" as little-endian bytes. */
#define SST_FORMAT_VERSION 2u           /* In the footer; 1 (classic bloom filter) is refused. */
#define SST_FOOTER_SIZE 64              /* Bytes of the footer at the end of the file. */
#define SST_TRAILER_SIZE 5              /* Type byte and CRC after each block payload. */
#define SST_RESTART_INTERVAL 16         /* Data block entries between restart points. */
#define SST_PROPS_SIZE 48               /* Bytes of the raw properties block. */
#define SST_ENTRY_FIXED 9               /* ts (8) and kind (1) in every entry. */

#define SST_BLOCK_SIZE_DEFAULT (16u * 1024u) /* Target raw data block size when opts say 0. */
#define SST_BLOCK_SIZE_MIN 64u               /* Smallest target block size (tests use 512). */
#define SST_BLOCK_SIZE_MAX (4u * 1024u * 1024u) /* Largest target block size. */
#define SST_BLOOM_BITS_DEFAULT 10            /* Bloom bits per key when opts say 0. */
#define SST_ZSTD_LEVEL_DEFAULT 3             /* zstd level when opts say 0. */

/*
 * Largest raw data block a reader accepts: the largest target block plus one
 * entry of the largest key and value, rounded up generously.
 */
#define SST_DATA_BLOCK_MAX (64u * 1024u * 1024u)
/* Largest raw index, bloom or properties block a reader accepts. */
#define SST_META_BLOCK_MAX (1024u * 1024u * 1024u)

/* Where a block lies in the file: its offset and its on-disk size (payload + trailer). */
struct sst_handle {
    uint64_t offset; /* First byte of the payload. */
    uint64_t size;   /* Payload plus SST_TRAILER_SIZE. */
};

/* The decoded footer. */
struct sst_footer {
    struct sst_handle index; /* The index block. */
    struct sst_handle bloom; /* The bloom filter block. */
    struct sst_handle props; /* The properties block. */
    uint32_t version;        /* SST_FORMAT_VERSION. */
};

/* Writes the footer's SST_FOOTER_SIZE bytes (CRC and magic included) to out. */
void sst__footer_encode(const struct sst_footer *f, uint8_t *out);

/*
 * Decodes the footer p[0..len) of a file of file_size bytes: checks length,
 * magic, CRC and version, and that the index, bloom and properties blocks lie
 * one after the other, each at least a trailer long, and end where the
 * footer begins. Returns 0 or ERR_CORRUPT.
 */
int sst__footer_decode(const uint8_t *p, size_t len, uint64_t file_size, struct sst_footer *out);

/* Writes the SST_PROPS_SIZE bytes of the raw properties block (all of m but file_size). */
void sst__props_encode(const struct sstable_meta *m, uint8_t *out);

/*
 * Decodes a raw properties block into *out (file_size set to 0) and checks
 * that the counts and timestamps agree with each other. Returns 0 or ERR_CORRUPT.
 */
int sst__props_decode(const uint8_t *p, size_t len, struct sstable_meta *out);

/*
 * Appends the on-disk form of the raw block raw[0..len) to out: the payload
 * compressed with type if that saves at least an eighth, else raw (type
 * COMPRESS_NONE), then the type byte and the masked CRC. Returns 0 or an
 * error from compress_encode() (ERR_NOMEM, ERR_INTERNAL, ...).
 */
int sst__block_wrap(struct compress_ctx *ctx, int type, const uint8_t *raw, size_t len,
                    struct buf *out);

/*
 * Checks the trailer of the on-disk block p[0..len) (CRC, type) and produces
 * its raw bytes of at most max_len: for an uncompressed block *raw points into
 * p and *alloc is NULL; otherwise *raw == *alloc, a new mem_alloc'ed buffer
 * the caller frees. Returns 0, ERR_CORRUPT or ERR_NOMEM.
 */
int sst__block_unwrap(const uint8_t *p, size_t len, size_t max_len, const uint8_t **raw,
                      size_t *raw_len, uint8_t **alloc);

/* A raw data or index block, split into its entries and restart array. */
struct sst_block {
    const uint8_t *data;     /* The entries. */
    size_t data_len;         /* Their bytes (up to the restart array). */
    const uint8_t *restarts; /* n_restarts u32 LE offsets of entries with shared = 0. */
    uint32_t n_restarts;     /* At least 1 unless the block has no entries. */
};

/*
 * Splits a raw block p[0..len) (which must outlive *out) and checks its
 * restart array: the count fits, the first offset is 0, offsets strictly
 * increase and lie inside the entries. An empty block has count 0 and no
 * entries. Returns 0 or ERR_CORRUPT.
 */
int sst__block_parse(const uint8_t *p, size_t len, struct sst_block *out);

/* One entry as stored, before its key is rebuilt from the previous one. */
struct sst_entry {
    size_t shared;           /* Bytes of the key shared with the previous entry's key. */
    size_t unshared;         /* Bytes of key that follow. */
    const uint8_t *key_tail; /* Those bytes. */
    uint64_t ts;             /* Commit timestamp. */
    uint8_t kind;            /* enum kv_kind. */
    const uint8_t *value;    /* Value bytes. */
    size_t value_len;        /* Their length. */
    size_t next;             /* Offset of the following entry (data_len after the last). */
};

/*
 * Decodes the entry at offset off of block b, whose previous entry's key was
 * prev_key_len bytes (0 at a restart point, where shared must be 0). Checks
 * varints, that every length stays inside the entries, key length <=
 * KV_KEY_MAX, kind, and that tombstones have no value. Returns 0 or ERR_CORRUPT.
 */
int sst__entry_decode(const struct sst_block *b, size_t off, size_t prev_key_len,
                      int at_restart, struct sst_entry *e);

/*
 * A position in a raw block with the current entry's key rebuilt. Needs no
 * allocation (the key buffer is inside), so a lookup can keep one on its stack.
 * After an error or a move past either end, valid is 0.
 */
struct sst_cursor {
    struct sst_block blk;    /* The block. */
    int valid;               /* Positioned at an entry. */
    size_t off;              /* Offset of the current entry. */
    size_t next;             /* Offset of the entry after it. */
    uint32_t restart;        /* Index of the last restart point <= off. */
    uint64_t ts;             /* Current entry's timestamp. */
    uint8_t kind;            /* Its kind. */
    const uint8_t *value;    /* Its value (inside the block). */
    size_t value_len;        /* Value length. */
    size_t key_len;          /* Key length. */
    uint8_t key[KV_KEY_MAX]; /* Key bytes. */
};

/* Binds a cursor to a parsed block, not positioned. */
void sst__cursor_init(struct sst_cursor *c, const struct sst_block *b);

/* Moves return 0 (valid or past an end) or ERR_CORRUPT (then not valid). */
int sst__cursor_seek_first(struct sst_cursor *c);
int sst__cursor_seek_last(struct sst_cursor *c);
int sst__cursor_next(struct sst_cursor *c);
int sst__cursor_prev(struct sst_cursor *c);
/* Positions at the first entry >= (key, ts) in internal order, or past the end. */
int sst__cursor_seek(struct sst_cursor *c, const uint8_t *key, size_t key_len, uint64_t ts);

/* One index entry: the last (key, ts) of a data block and where the block lies. */
struct sst_index_entry {
    const uint8_t *key;       /* Points into the raw index block. */
    size_t key_len;           /* Key length. */
    uint64_t ts;              /* Timestamp of the block's last version. */
    struct sst_handle handle; /* The data block. */
};

/* A decoded index: n entries in strictly increasing internal order. */
struct sst_index {
    struct sst_index_entry *e; /* mem_alloc'ed array; keys point into the raw block. */
    size_t n;                  /* Data blocks. */
};

/*
 * Decodes a raw index block p[0..len) (which must outlive *out): every entry
 * must be a restart point (shared 0, the restart array lists each entry), of
 * kind KV_PUT, with a value that is exactly a handle; keys strictly increase
 * in internal order; the data blocks tile [0, data_end) in order, each at
 * least SST_TRAILER_SIZE bytes. Returns 0, ERR_CORRUPT or ERR_NOMEM; on
 * success free *out with sst__index_free().
 */
int sst__index_decode(const uint8_t *p, size_t len, uint64_t data_end, struct sst_index *out);

void sst__index_free(struct sst_index *ix);

/* Index of the first block whose last version is >= (key, ts); ix->n if none. */
size_t sst__index_seek(const struct sst_index *ix, const uint8_t *key, size_t key_len, uint64_t ts);

/* Builds a raw data or index block (trusted input: the writer checks it). */
struct sst_builder {
    struct buf buf;      /* Entries, then the restart array after finish. */
    struct buf restarts; /* Restart offsets as u32 LE. */
    struct buf last_key; /* Key of the last entry added. */
    uint32_t interval;   /* Entries between restart points. */
    uint32_t counter;    /* Entries since the last restart point. */
    uint64_t n_entries;  /* Entries added since the last reset. */
};

void sst__builder_init(struct sst_builder *b, uint32_t interval);
void sst__builder_deinit(struct sst_builder *b);

/* Forgets the entries, keeps the memory. */
void sst__builder_reset(struct sst_builder *b);

/* Appends an entry (in increasing internal order). Returns 0 or ERR_NOMEM. */
int sst__builder_add(struct sst_builder *b, const uint8_t *key, size_t key_len, uint64_t ts,
                     uint8_t kind, const uint8_t *value, size_t value_len);

/* Bytes the raw block would have if finished now. */
size_t sst__builder_size(const struct sst_builder *b);

/* Appends the restart array; the raw block is then b->buf. Returns 0 or ERR_NOMEM. */
int sst__builder_finish(struct sst_builder *b);

#endif
