/*
 * clock.h: time behind a table of functions, so tests can move it.
 * Wall time is for schedules (the daily merge window) and messages;
 * monotonic time is for timeouts, rates and durations.
 */
#ifndef ATOLL_OS_CLOCK_H
#define ATOLL_OS_CLOCK_H

#include <stdint.h>

struct os_clock {
    uint64_t (*wall_ns)(const struct os_clock *c); /* Nanoseconds since the Unix epoch. */
    uint64_t (*mono_ns)(const struct os_clock *c); /* Monotonic nanoseconds. */
    /* Sleeps for ns nanoseconds of this clock's time. */
    void (*sleep_ns)(const struct os_clock *c, uint64_t ns);
    void *state; /* The implementation's own data. */
};

/* The system clocks (CLOCK_REALTIME, CLOCK_MONOTONIC, nanosleep). */
const struct os_clock *os_clock_system(void);

static inline uint64_t os_wall_ns(const struct os_clock *c) { return c->wall_ns(c); }
static inline uint64_t os_mono_ns(const struct os_clock *c) { return c->mono_ns(c); }
static inline void os_sleep_ns(const struct os_clock *c, uint64_t ns) { c->sleep_ns(c, ns); }

/* Shorthand for the system's monotonic time. */
uint64_t os_now_ns(void);

#endif
