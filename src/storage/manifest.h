/*
 * manifest.h: the durable list of one tablet's SSTables.
 *
 * A tablet's folder holds its SSTables (NNNNNN.sst) and a MANIFEST naming
 * which of them form the tablet: at most one baseline and a list of deltas,
 * newest first, and the redo LSN up to which the tablet's data is in them.
 * The manifest is replaced atomically (temp file, fsync, rename, fsync of the
 * folder), so a crash at any moment leaves either the old or the new set.
 * Files in the folder that the manifest does not name are leftovers of an
 * interrupted merge and are removed at open. Byte format: storage/README.md.
 */
#ifndef ATOLL_STORAGE_MANIFEST_H
#define ATOLL_STORAGE_MANIFEST_H

#include "os/vfs.h"

#include <stddef.h>
#include <stdint.h>

#define MANIFEST_MAX_DELTAS 4096 /* Refused beyond this as corrupt. */

struct manifest {
    uint64_t tablet_id;    /* The tablet it describes. */
    uint64_t flushed_lsn;  /* Redo records <= this are in the SSTables. */
    uint64_t next_file;    /* Number for the next SSTable file. */
    uint64_t baseline;     /* File number of the baseline, 0 if none. */
    uint32_t n_deltas;     /* Deltas in the list. */
    uint64_t *deltas;      /* File numbers, newest first (mem_alloc'ed). */
};

/* Encodes m into a new mem_alloc'ed buffer. */
int manifest_encode(const struct manifest *m, uint8_t **out, size_t *out_len);

/* Decodes bytes into m (m->deltas newly allocated). ERR_CORRUPT on damage. */
int manifest_decode(const uint8_t *p, size_t len, struct manifest *m);

/* Writes the manifest of folder dir atomically and durably. */
int manifest_write(const struct os_vfs *vfs, const char *dir, const struct manifest *m);

/* Reads the manifest of folder dir; ERR_NOT_FOUND if there is none. */
int manifest_read(const struct os_vfs *vfs, const char *dir, struct manifest *m);

/* Frees m->deltas. */
void manifest_deinit(struct manifest *m);

#endif
