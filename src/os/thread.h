/*
 * thread.h: thread creation behind a table of functions, so tests can make it
 * fail. Mutexes and condition variables are pthread's, used directly.
 */
#ifndef ATOLL_OS_THREAD_H
#define ATOLL_OS_THREAD_H

#include <pthread.h>

struct os_threads {
    /* Starts fn(arg) on a new thread named name (up to 15 characters shown). */
    int (*create)(const struct os_threads *t, pthread_t *out, void *(*fn)(void *),
                  void *arg, const char *name);
    int (*join)(const struct os_threads *t, pthread_t th);
    void *state; /* The implementation's own data. */
};

/* Real threads. */
const struct os_threads *os_threads_posix(void);

static inline int os_thread_create(const struct os_threads *t, pthread_t *out,
                                   void *(*fn)(void *), void *arg, const char *name)
{
    return t->create(t, out, fn, arg, name);
}

static inline int os_thread_join(const struct os_threads *t, pthread_t th)
{
    return t->join(t, th);
}

#endif
