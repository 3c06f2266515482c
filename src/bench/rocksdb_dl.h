/*
 * rocksdb_dl.h: the part of RocksDB's C API that the kv benchmark uses,
 * loaded at run time with dlopen() so that the atoll binary never links
 * librocksdb and builds without its headers.
 *
 * The declarations below repeat the signatures of <rocksdb/c.h> (RocksDB 7.x,
 * Debian 12's librocksdb-dev); when that header is installed, rocksdb_dl.c
 * checks at compile time that every pointer type matches it. Opaque types are
 * declared with the same typedef names, which C11 allows to be repeated.
 */
#ifndef ATOLL_BENCH_ROCKSDB_DL_H
#define ATOLL_BENCH_ROCKSDB_DL_H

#include <stddef.h>

typedef struct rocksdb_t rocksdb_t;
typedef struct rocksdb_options_t rocksdb_options_t;
typedef struct rocksdb_block_based_table_options_t rocksdb_block_based_table_options_t;
typedef struct rocksdb_cache_t rocksdb_cache_t;
typedef struct rocksdb_filterpolicy_t rocksdb_filterpolicy_t;
typedef struct rocksdb_writeoptions_t rocksdb_writeoptions_t;
typedef struct rocksdb_readoptions_t rocksdb_readoptions_t;
typedef struct rocksdb_writebatch_t rocksdb_writebatch_t;
typedef struct rocksdb_iterator_t rocksdb_iterator_t;
typedef struct rocksdb_pinnableslice_t rocksdb_pinnableslice_t;

#define BENCH_ROCKSDB_LZ4 4 /* rocksdb_lz4_compression in c.h. */

/*
 * Each entry: X(name, return type, parameter list). The struct member is the
 * function's name without its "rocksdb_" prefix; the symbol looked up is the
 * full name.
 */
#define BENCH_ROCKSDB_FUNCS(X)                                                                     \
    X(open, rocksdb_t *, (const rocksdb_options_t *, const char *, char **))                       \
    X(close, void, (rocksdb_t *))                                                                  \
    X(write, void, (rocksdb_t *, const rocksdb_writeoptions_t *, rocksdb_writebatch_t *, char **)) \
    X(get_pinned, rocksdb_pinnableslice_t *,                                                       \
      (rocksdb_t *, const rocksdb_readoptions_t *, const char *, size_t, char **))                 \
    X(pinnableslice_value, const char *, (const rocksdb_pinnableslice_t *, size_t *))              \
    X(pinnableslice_destroy, void, (rocksdb_pinnableslice_t *))                                    \
    X(create_iterator, rocksdb_iterator_t *, (rocksdb_t *, const rocksdb_readoptions_t *))         \
    X(iter_seek, void, (rocksdb_iterator_t *, const char *, size_t))                               \
    X(iter_valid, unsigned char, (const rocksdb_iterator_t *))                                     \
    X(iter_next, void, (rocksdb_iterator_t *))                                                     \
    X(iter_key, const char *, (const rocksdb_iterator_t *, size_t *))                              \
    X(iter_value, const char *, (const rocksdb_iterator_t *, size_t *))                            \
    X(iter_get_error, void, (const rocksdb_iterator_t *, char **))                                 \
    X(iter_destroy, void, (rocksdb_iterator_t *))                                                  \
    X(free, void, (void *))                                                                        \
    X(writebatch_create, rocksdb_writebatch_t *, (void))                                           \
    X(writebatch_destroy, void, (rocksdb_writebatch_t *))                                          \
    X(writebatch_clear, void, (rocksdb_writebatch_t *))                                            \
    X(writebatch_put, void, (rocksdb_writebatch_t *, const char *, size_t, const char *, size_t))  \
    X(options_create, rocksdb_options_t *, (void))                                                 \
    X(options_destroy, void, (rocksdb_options_t *))                                                \
    X(options_set_create_if_missing, void, (rocksdb_options_t *, unsigned char))                   \
    X(options_set_write_buffer_size, void, (rocksdb_options_t *, size_t))                          \
    X(options_set_max_write_buffer_number, void, (rocksdb_options_t *, int))                       \
    X(options_set_compression, void, (rocksdb_options_t *, int))                                   \
    X(options_set_block_based_table_factory, void,                                                 \
      (rocksdb_options_t *, rocksdb_block_based_table_options_t *))                                \
    X(block_based_options_create, rocksdb_block_based_table_options_t *, (void))                   \
    X(block_based_options_destroy, void, (rocksdb_block_based_table_options_t *))                  \
    X(block_based_options_set_block_size, void, (rocksdb_block_based_table_options_t *, size_t))   \
    X(block_based_options_set_filter_policy, void,                                                 \
      (rocksdb_block_based_table_options_t *, rocksdb_filterpolicy_t *))                           \
    X(block_based_options_set_block_cache, void,                                                   \
      (rocksdb_block_based_table_options_t *, rocksdb_cache_t *))                                  \
    X(filterpolicy_create_bloom_full, rocksdb_filterpolicy_t *, (double))                          \
    X(cache_create_lru, rocksdb_cache_t *, (size_t))                                               \
    X(cache_destroy, void, (rocksdb_cache_t *))                                                    \
    X(writeoptions_create, rocksdb_writeoptions_t *, (void))                                       \
    X(writeoptions_destroy, void, (rocksdb_writeoptions_t *))                                      \
    X(writeoptions_set_sync, void, (rocksdb_writeoptions_t *, unsigned char))                      \
    X(readoptions_create, rocksdb_readoptions_t *, (void))                                         \
    X(readoptions_destroy, void, (rocksdb_readoptions_t *))

/* The loaded library: one pointer per function of the list above. */
struct rocksdb_dl {
    void *handle;       /* From dlopen(); NULL when not loaded. */
    const char *soname; /* The name that loaded. */
#define BENCH_ROCKSDB_MEMBER_(name, ret, params) ret(*name) params;
    BENCH_ROCKSDB_FUNCS(BENCH_ROCKSDB_MEMBER_)
#undef BENCH_ROCKSDB_MEMBER_
};

/*
 * Loads librocksdb (librocksdb.so, then the versioned sonames Debian installs)
 * and resolves every function. Returns 0, or ERR_NOT_FOUND with err_msg()
 * naming the library or symbol that is missing; *dl is then cleared.
 */
int bench_rocksdb_load(struct rocksdb_dl *dl);

/* Closes the library; the pointers must no longer be used. */
void bench_rocksdb_unload(struct rocksdb_dl *dl);

#endif
