/*
 * merge_iter.h: a k-way merging iterator over several kv_iters.
 *
 * It yields the union of its children's versions in internal order (key asc,
 * ts desc) going forward, or the exact reverse going backward, using a binary
 * heap. When two children hold the same (key, ts) (a version replayed into a
 * MemTable that an SSTable also holds), the child listed first wins and the
 * other copy is skipped, so callers list the newest source first.
 *
 * Direction is chosen by the positioning call: seek/seek_first position for
 * next(); seek_last and merge_iter_seek_before position for prev(). Changing
 * direction without repositioning is not supported (scans never need it).
 */
#ifndef ATOLL_STORAGE_MERGE_ITER_H
#define ATOLL_STORAGE_MERGE_ITER_H

#include "storage/kv.h"

/* Creates a merging iterator that takes ownership of the n children (destroys them). */
int merge_iter_create(struct kv_iter **children, int n, struct kv_iter **out);

/* Positions a merging iterator for backward iteration at the last version whose key is < key. */
int merge_iter_seek_before(struct kv_iter *it, const uint8_t *key, size_t key_len);

#endif
