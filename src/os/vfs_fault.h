/*
 * vfs_fault.h: a file system for tests that wraps another and makes I/O fail.
 *
 * Fault loops: every call that touches the disk is counted (open, pread,
 * pwrite, sync, truncate, rename, unlink, mkdir, rmdir, sync_dir; size,
 * exists, list_dir and close are not counted). vfs_fault_arm() makes the Nth
 * counted call from now fail with a chosen fault, once or for every later call
 * of that kind too (sticky). A test runs a workload with N = 1, 2, 3, ... until
 * it runs clean, checking each time that the failure was reported clearly and
 * that the data is intact after reopening without the fault.
 *
 * Power loss: in power-loss mode the wrapper remembers, for each file, what
 * was last made durable by sync, and for each folder, which entries were
 * created, renamed or removed since its last sync_dir. vfs_fault_power_loss()
 * then puts the underlying files back as a power cut would leave them: file
 * contents as of their last sync (unsynced writes and truncations undone),
 * unsynced creations removed, unsynced renames and removals undone. Files
 * opened through the wrapper must be closed (or leaked by a "crashed" owner;
 * the wrapper forgets them) before calling it.
 *
 * Thread-safe: counters and state are under one mutex.
 */
#ifndef ATOLL_OS_VFS_FAULT_H
#define ATOLL_OS_VFS_FAULT_H

#include "os/vfs.h"

#include <stdint.h>

enum vfs_fault_kind {
    VFS_FAULT_EIO = 1,     /* The call fails with ERR_IO (EIO), nothing done. */
    VFS_FAULT_ENOSPC = 2,  /* The call fails with ERR_NOSPC, nothing done. */
    VFS_FAULT_SHORT = 3,   /* A pwrite writes the first half of its bytes, then fails with ERR_NOSPC;
                            * other calls fail as ENOSPC. */
    VFS_FAULT_SYNC = 4,    /* Only sync and sync_dir are counted and the Nth fails with ERR_IO;
                            * the unsynced data is also dropped as with a power loss of that file. */
};

/* Creates a wrapper over inner (e.g. os_vfs_posix()). */
int vfs_fault_create(const struct os_vfs *inner, struct os_vfs **out);

/* Frees the wrapper (its files must be closed or abandoned). */
void vfs_fault_destroy(struct os_vfs *vfs);

/*
 * Makes the nth counted call from now fail with kind (n >= 1); with sticky
 * every counted call after it fails too. Disarms any earlier fault. n = 0
 * disarms.
 */
void vfs_fault_arm(struct os_vfs *vfs, uint64_t n, enum vfs_fault_kind kind, int sticky);

/* Number of faults injected since creation. */
uint64_t vfs_fault_n_injected(struct os_vfs *vfs);

/* Counted calls made since creation (to size fault loops). */
uint64_t vfs_fault_n_calls(struct os_vfs *vfs);

/* Turns on remembering unsynced state (call before any file is opened). */
void vfs_fault_set_power_loss_mode(struct os_vfs *vfs, int on);

/*
 * Reverts the underlying files to their durable state (see above) and forgets
 * all open files. Returns 0 or an error from the underlying file system.
 */
int vfs_fault_power_loss(struct os_vfs *vfs);

#endif
