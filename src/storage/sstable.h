/*
 * sstable.h: immutable sorted files of versions.
 *
 * An SSTable holds versions in internal order (kv.h) in compressed blocks of
 * about block_size bytes, each with a checksum, followed by a block index, a
 * bloom filter of user keys, a properties block and a fixed-size footer with
 * magic and format version. The byte format is in storage/README.md.
 *
 * A writer is used by one thread. An open struct sstable is shared by many
 * readers and threads; its blocks go through the node's block cache. Every
 * read checks checksums and bounds: damaged bytes give ERR_CORRUPT naming the
 * file and block, never a crash.
 */
#ifndef ATOLL_STORAGE_SSTABLE_H
#define ATOLL_STORAGE_SSTABLE_H

#include "base/buf.h"
#include "os/vfs.h"
#include "storage/block_cache.h"
#include "storage/kv.h"

#include <stddef.h>
#include <stdint.h>

enum sstable_compression {
    SST_COMPRESS_NONE = 0,
    SST_COMPRESS_LZ4 = 1,
    SST_COMPRESS_ZSTD = 2,
};

struct sstable_opts {
    size_t block_size;        /* Target uncompressed block size; 0 = 16 KiB. */
    int compression;          /* enum sstable_compression. */
    int zstd_level;           /* zstd level when zstd is used; 0 = 3. */
    int bloom_bits_per_key;   /* 0 = 10 bits (about 1 % false positives). */
    /* Called after each write to the file with the bytes written, for rate
     * limiting and progress; may sleep. NULL for none. */
    void (*on_write)(void *arg, size_t bytes);
    void *on_write_arg;       /* Its argument. */
};

/* What a finished SSTable holds (also stored in its properties block). */
struct sstable_meta {
    uint64_t file_id;      /* Number in the file name. */
    uint64_t file_size;    /* Bytes of the file. */
    uint64_t n_entries;    /* Versions, tombstones included. */
    uint64_t n_deletes;    /* Tombstones. */
    uint64_t min_ts;       /* Smallest timestamp (0 if empty). */
    uint64_t max_ts;       /* Largest timestamp (0 if empty). */
    uint64_t raw_bytes;    /* Uncompressed bytes of keys and values. */
};

struct sstable_writer;

/*
 * Creates the file path (it must not exist) and starts writing. file_id is
 * recorded and used as the block cache key of the reader later.
 */
int sstable_writer_open(const struct os_vfs *vfs, const char *path, uint64_t file_id,
                        const struct sstable_opts *opts, struct sstable_writer **out);

/* Adds a version; versions must come in strictly increasing internal order. Copies the bytes. */
int sstable_writer_add(struct sstable_writer *w, const struct kv_entry *e);

/* Bytes written to the file so far. */
uint64_t sstable_writer_bytes(const struct sstable_writer *w);

/*
 * Writes the index, bloom filter, properties and footer, syncs and closes the
 * file and frees the writer. On error the file is removed. *meta may be NULL.
 */
int sstable_writer_finish(struct sstable_writer *w, struct sstable_meta *meta);

/* Abandons the file: closes, removes it, frees the writer. */
void sstable_writer_abort(struct sstable_writer *w);

struct sstable;

/*
 * Opens an SSTable for reading: reads and checks the footer, index, bloom
 * filter and properties. Blocks are cached in cache (required). Reference
 * count 1. ERR_CORRUPT names the file and what is wrong.
 */
int sstable_open(const struct os_vfs *vfs, const char *path, uint64_t file_id,
                 struct block_cache *cache, struct sstable **out);

void sstable_ref(struct sstable *t);

/* Drops a reference; the last one closes the file (and removes it if sstable_mark_obsolete was called). */
void sstable_unref(struct sstable *t);

/* Asks that the file be removed when the last reference is dropped. */
void sstable_mark_obsolete(struct sstable *t);

const struct sstable_meta *sstable_meta(const struct sstable *t);

/* False only if the bloom filter proves key is absent. */
int sstable_may_contain(const struct sstable *t, const uint8_t *key, size_t key_len);

/*
 * Finds the newest version of key with ts <= snap_ts. Returns 0 with the
 * version's ts and kind in *out and its value copied into value (out->value
 * points into value->data), ERR_NOT_FOUND, ERR_CORRUPT or ERR_IO.
 */
int sstable_get(struct sstable *t, const uint8_t *key, size_t key_len, uint64_t snap_ts,
                struct kv_entry *out, struct buf *value);

/* An iterator over all versions, both directions; references the table until destroyed. */
int sstable_iter_create(struct sstable *t, struct kv_iter **out);

#endif
