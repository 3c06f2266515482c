/*
 * log.c: formats a whole line into a stack buffer and writes it with one
 * write(2), so lines from different threads never interleave.
 */
#include "base/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static _Atomic int level = -1; /* -1 until read from the environment. */

static enum log_level env_level(void)
{
    const char *e = getenv("ATOLL_LOG");
    if (!e)
        return LOG_INFO;
    if (!strcmp(e, "debug"))
        return LOG_DEBUG;
    if (!strcmp(e, "warn"))
        return LOG_WARN;
    if (!strcmp(e, "error"))
        return LOG_ERROR;
    if (!strcmp(e, "off"))
        return LOG_OFF;
    return LOG_INFO;
}

void log_set_level(enum log_level l)
{
    atomic_store(&level, (int)l);
}

enum log_level log_get_level(void)
{
    int l = atomic_load(&level);
    if (l < 0) {
        l = (int)env_level();
        atomic_store(&level, l);
    }
    return (enum log_level)l;
}

void log_write(enum log_level l, const char *file, int line, const char *fmt, ...)
{
    static const char *names[] = {"DEBUG", "INFO", "WARN", "ERROR", "OFF"};
    if (l < log_get_level())
        return;
    char out[2048];
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    int n = snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %-5s %s:%d ",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                     tm.tm_sec, ts.tv_nsec / 1000000, names[l], base, line);
    va_list ap;
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof out)
        n += vsnprintf(out + n, sizeof out - (size_t)n, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof out - 1)
        n = (int)sizeof out - 2;
    out[n++] = '\n';
    ssize_t w = write(2, out, (size_t)n);
    (void)w;
}
