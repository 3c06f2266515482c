/* clock.c: the system clocks behind struct os_clock. */
#include "os/clock.h"

#include <errno.h>
#include <time.h>

static uint64_t ts_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t sys_wall(const struct os_clock *c)
{
    (void)c;
    return ts_ns(CLOCK_REALTIME);
}

static uint64_t sys_mono(const struct os_clock *c)
{
    (void)c;
    return ts_ns(CLOCK_MONOTONIC);
}

static void sys_sleep(const struct os_clock *c, uint64_t ns)
{
    (void)c;
    struct timespec ts = {(time_t)(ns / 1000000000ULL), (long)(ns % 1000000000ULL)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static const struct os_clock system_clock = {sys_wall, sys_mono, sys_sleep, NULL};

const struct os_clock *os_clock_system(void)
{
    return &system_clock;
}

uint64_t os_now_ns(void)
{
    return ts_ns(CLOCK_MONOTONIC);
}
