/* thread.c: pthreads behind struct os_threads, naming each thread for top/gdb. */
#include "os/thread.h"

#include "base/err.h"

#include <string.h>

static int t_create(const struct os_threads *t, pthread_t *out, void *(*fn)(void *),
                    void *arg, const char *name)
{
    (void)t;
    int e = pthread_create(out, NULL, fn, arg);
    if (e)
        return err_set(err_from_errno(e), "start thread %s: %s", name, strerror(e));
    char n[16];
    strncpy(n, name, 15);
    n[15] = '\0';
    pthread_setname_np(*out, n);
    return 0;
}

static int t_join(const struct os_threads *t, pthread_t th)
{
    (void)t;
    int e = pthread_join(th, NULL);
    return e ? err_set(ERR_INTERNAL, "join thread: %s", strerror(e)) : 0;
}

static const struct os_threads posix_threads = {t_create, t_join, NULL};

const struct os_threads *os_threads_posix(void)
{
    return &posix_threads;
}
