/*
 * mem.c: allocation through libc with a test hook that fails the Nth call.
 * The counters are relaxed atomics: they cost one uncontended add per call.
 */
#include "base/mem.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static _Atomic uint64_t n_allocs;   /* Successful allocations so far. */
static _Atomic uint64_t fail_after; /* Countdown to a failure; 0 = none. */

static int should_fail(void)
{
    uint64_t left = atomic_load_explicit(&fail_after, memory_order_relaxed);
    while (left != 0) {
        if (atomic_compare_exchange_weak(&fail_after, &left, left - 1))
            return left == 1;
    }
    return 0;
}

void *mem_alloc(size_t size)
{
    if (should_fail())
        return NULL;
    void *p = malloc(size ? size : 1);
    if (p)
        atomic_fetch_add_explicit(&n_allocs, 1, memory_order_relaxed);
    return p;
}

void *mem_calloc(size_t n, size_t size)
{
    if (should_fail())
        return NULL;
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (p)
        atomic_fetch_add_explicit(&n_allocs, 1, memory_order_relaxed);
    return p;
}

void *mem_realloc(void *p, size_t size)
{
    if (should_fail())
        return NULL;
    void *q = realloc(p, size ? size : 1);
    if (q)
        atomic_fetch_add_explicit(&n_allocs, 1, memory_order_relaxed);
    return q;
}

void mem_free(void *p)
{
    free(p);
}

char *mem_strndup(const char *s, size_t len)
{
    char *p = mem_alloc(len + 1);
    if (!p)
        return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *mem_strdup(const char *s)
{
    return mem_strndup(s, strlen(s));
}

void mem_fail_after(uint64_t n)
{
    atomic_store(&fail_after, n);
}

uint64_t mem_n_allocs(void)
{
    return atomic_load(&n_allocs);
}
