/*
 * rocksdb_dl.c: loads RocksDB's C API at run time for the kv benchmark.
 *
 * dlopen() tries the unversioned development name first and then the sonames
 * that Debian and other distributions install, so the benchmark works with
 * only the runtime package present. Every function is resolved up front: a
 * library that lacks one is refused as a whole rather than failing mid-run.
 * When <rocksdb/c.h> is available at build time, the pointer types of struct
 * rocksdb_dl are checked against its prototypes, so a signature copied wrong
 * fails the build instead of corrupting the stack at run time.
 */
#if defined(__has_include)
#if __has_include(<rocksdb/c.h>)
#include <rocksdb/c.h>
#define BENCH_HAVE_ROCKSDB_H 1
#endif
#endif

#include "bench/rocksdb_dl.h"

#include "base/err.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#ifdef BENCH_HAVE_ROCKSDB_H
#define BENCH_ROCKSDB_CHECK_(name, ret, params)                                                    \
    _Static_assert(__builtin_types_compatible_p(__typeof__(&rocksdb_##name),                       \
                                                __typeof__(((struct rocksdb_dl *)0)->name)),      \
                   "rocksdb_" #name " does not match <rocksdb/c.h>");
BENCH_ROCKSDB_FUNCS(BENCH_ROCKSDB_CHECK_)
#undef BENCH_ROCKSDB_CHECK_
_Static_assert(BENCH_ROCKSDB_LZ4 == rocksdb_lz4_compression, "lz4 compression constant");
#endif

/* Newest first; the unversioned name is what librocksdb-dev installs. */
static const char *const sonames[] = {
    "librocksdb.so",    "librocksdb.so.9", "librocksdb.so.8",  "librocksdb.so.7.10",
    "librocksdb.so.7.8", "librocksdb.so.7", "librocksdb.so.6.11", "librocksdb.so.6",
};

int bench_rocksdb_load(struct rocksdb_dl *dl)
{
    memset(dl, 0, sizeof(*dl));
    const char *first_error = NULL;
    char first_msg[256] = "";
    for (size_t i = 0; i < sizeof(sonames) / sizeof(sonames[0]); i++) {
        dl->handle = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL);
        if (dl->handle) {
            dl->soname = sonames[i];
            break;
        }
        if (!first_error) {
            first_error = dlerror();
            if (first_error)
                snprintf(first_msg, sizeof(first_msg), "%s", first_error);
        }
    }
    if (!dl->handle)
        return err_set(ERR_NOT_FOUND,
                       "cannot load RocksDB (tried librocksdb.so and versioned sonames: %s); "
                       "install Debian's librocksdb-dev or librocksdb7.8",
                       first_msg[0] ? first_msg : "not found");

    /* dlsym returns void *; converting it to a function pointer is what POSIX
     * requires to work, and memcpy keeps -Wpedantic-style warnings away. */
#define BENCH_ROCKSDB_RESOLVE_(name, ret, params)                                                  \
    {                                                                                              \
        void *sym = dlsym(dl->handle, "rocksdb_" #name);                                           \
        if (!sym) {                                                                                \
            const char *soname = dl->soname;                                                       \
            dlclose(dl->handle);                                                                   \
            memset(dl, 0, sizeof(*dl));                                                            \
            return err_set(ERR_NOT_FOUND, "%s has no symbol rocksdb_" #name, soname);            \
        }                                                                                          \
        memcpy(&dl->name, &sym, sizeof(sym));                                                      \
    }
    BENCH_ROCKSDB_FUNCS(BENCH_ROCKSDB_RESOLVE_)
#undef BENCH_ROCKSDB_RESOLVE_
    return 0;
}

void bench_rocksdb_unload(struct rocksdb_dl *dl)
{
    if (dl->handle)
        dlclose(dl->handle);
    memset(dl, 0, sizeof(*dl));
}
