/*
 * mem.h: the one allocation entry point.
 *
 * Every heap allocation in Atoll goes through mem_alloc() and friends, so tests
 * can count allocations, cap the bytes in use, and make the Nth allocation fail
 * (fault loops in the manner of SQLite's do_faultsim_test). A NULL return is an
 * ordinary error (ERR_NOMEM) for the caller; only start-up code may abort on it.
 */
#ifndef ATOLL_BASE_MEM_H
#define ATOLL_BASE_MEM_H

#include <stddef.h>
#include <stdint.h>

/* Returns size bytes, or NULL when out of memory (or when a test fault fires). */
void *mem_alloc(size_t size);

/* Returns n*size zeroed bytes, or NULL on overflow or out of memory. */
void *mem_calloc(size_t n, size_t size);

/* Resizes p (which may be NULL); on failure returns NULL and p stays valid. */
void *mem_realloc(void *p, size_t size);

/* Frees p (NULL is fine). */
void mem_free(void *p);

/* Returns a copy of the NUL-terminated s, or NULL. */
char *mem_strdup(const char *s);

/* Returns a NUL-terminated copy of len bytes of s, or NULL. */
char *mem_strndup(const char *s, size_t len);

/* Test hooks. The Nth allocation from now fails (1 = the next one); 0 disables. */
void mem_fail_after(uint64_t n);

/* Number of allocations made so far (successful ones). */
uint64_t mem_n_allocs(void);

#endif
