/*
 * background.c: the tablet store's background threads and merge rate limit.
 *
 * The flush thread dumps frozen MemTables (minor merges) and, when MemTable
 * memory passes half the budget, freezes the tablet holding the most of it.
 * The compaction thread runs major merges: of every tablet when asked
 * (store_request_major_merge) or once a day inside the configured window, and
 * of a tablet whose deltas pile up. Both sleep on bg_cond, woken by writers
 * (store__bg_kick) or every 100 ms.
 *
 * The rate limiter spaces merge writes so that all merges together write at
 * most opts.merge_rate bytes per second: each write reserves its share of a
 * shared timeline and sleeps until its slot.
 */
#include "storage/store_int.h"

#include "base/err.h"
#include "base/log.h"
#include "os/clock.h"

#include <inttypes.h>
#include <time.h>

void store__bg_kick(struct store *s)
{
    pthread_mutex_lock(&s->bg_mu);
    pthread_cond_broadcast(&s->bg_cond);
    pthread_mutex_unlock(&s->bg_mu);
}

void store__rate_limit(void *arg, size_t bytes)
{
    struct store *s = arg;
    if (!s->opts.merge_rate || !bytes)
        return;
    uint64_t now = os_mono_ns(s->opts.clock);
    uint64_t cost = (uint64_t)bytes * 1000000000ULL / s->opts.merge_rate;
    pthread_mutex_lock(&s->rate_mu);
    if (s->rate_next_ns < now)
        s->rate_next_ns = now;
    uint64_t slot = s->rate_next_ns;
    s->rate_next_ns += cost;
    pthread_mutex_unlock(&s->rate_mu);
    if (slot > now)
        os_sleep_ns(s->opts.clock, slot - now);
}

/* Waits on bg_cond for up to ms milliseconds; returns 1 if the store is closing. */
static int bg_wait(struct store *s, int ms)
{
    pthread_mutex_lock(&s->bg_mu);
    if (!s->closing) {
        struct timespec dl;
        clock_gettime(CLOCK_REALTIME, &dl);
        dl.tv_nsec += (long)ms * 1000000L;
        while (dl.tv_nsec >= 1000000000L) {
            dl.tv_sec++;
            dl.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&s->bg_cond, &s->bg_mu, &dl);
    }
    int closing = s->closing;
    pthread_mutex_unlock(&s->bg_mu);
    return closing;
}

struct pick {
    struct tablet *best;   /* Referenced choice, or NULL. */
    uint64_t best_bytes;   /* Its figure. */
};

static int pick_frozen(struct tablet *t, void *arg)
{
    struct pick *p = arg;
    struct tview *v = tablet__view(t);
    uint64_t n = v->n_frozen;
    tview__unref(v);
    if (n > p->best_bytes) {
        if (p->best)
            tablet__unref(p->best);
        atomic_fetch_add(&t->refs, 1);
        p->best = t;
        p->best_bytes = n;
    }
    return 0;
}

static int pick_biggest_active(struct tablet *t, void *arg)
{
    struct pick *p = arg;
    struct tview *v = tablet__view(t);
    uint64_t b = memtable_memory(v->active->mt);
    tview__unref(v);
    if (b > p->best_bytes) {
        if (p->best)
            tablet__unref(p->best);
        atomic_fetch_add(&t->refs, 1);
        p->best = t;
        p->best_bytes = b;
    }
    return 0;
}

static void *flush_main(void *arg)
{
    struct store *s = arg;
    while (!bg_wait(s, 100)) {
        for (;;) {
            if (atomic_load(&s->failed))
                break;
            uint64_t used = atomic_load(&s->mem_bytes);
            if (used > s->opts.memory_budget / 2) {
                struct pick p = {NULL, 0};
                store__for_each_tablet(s, pick_biggest_active, &p);
                if (p.best) {
                    tablet__freeze(p.best);
                    tablet__unref(p.best);
                }
            }
            struct pick p = {NULL, 0};
            store__for_each_tablet(s, pick_frozen, &p);
            if (!p.best)
                break;
            int rc = tablet__minor_merge(p.best);
            tablet__unref(p.best);
            if (rc) {
                /* Retry later; a lasting failure is visible in last_merge_rc. */
                bg_wait(s, 1000);
                break;
            }
            pthread_mutex_lock(&s->bg_mu);
            int closing = s->closing;
            pthread_mutex_unlock(&s->bg_mu);
            if (closing)
                break;
        }
    }
    return NULL;
}

static int major_if_needed(struct tablet *t, void *arg)
{
    int all = *(int *)arg;
    struct tview *v = tablet__view(t);
    uint32_t n = v->n_deltas;
    tview__unref(v);
    if (all || n > STORE_MAX_DELTAS_BEFORE_MAJOR) {
        int rc = tablet__major_merge(t);
        if (rc)
            log_warn("major merge of tablet %" PRIu64 " failed: %s", t->id, err_msg());
    }
    pthread_mutex_lock(&t->store->bg_mu);
    int closing = t->store->closing;
    pthread_mutex_unlock(&t->store->bg_mu);
    return closing;
}

/* 1 when the daily window is open now and today's merge has not run. */
static int window_due(struct store *s)
{
    int a = s->opts.major_window_start, b = s->opts.major_window_end;
    if (a == b || a < 0 || b < 0)
        return 0;
    time_t now = (time_t)(os_wall_ns(s->opts.clock) / 1000000000ULL);
    struct tm tm;
    localtime_r(&now, &tm);
    int min = tm.tm_hour * 60 + tm.tm_min;
    int in = a < b ? (min >= a && min < b) : (min >= a || min < b);
    int day = tm.tm_year * 366 + tm.tm_yday; /* A local calendar day. */
    if (!in || day == s->last_major_day)
        return 0;
    s->last_major_day = day;
    return 1;
}

static void *compact_main(void *arg)
{
    struct store *s = arg;
    while (!bg_wait(s, 100)) {
        if (atomic_load(&s->failed))
            continue;
        pthread_mutex_lock(&s->bg_mu);
        int all = s->major_requested;
        s->major_requested = 0;
        pthread_mutex_unlock(&s->bg_mu);
        if (window_due(s)) {
            log_info("store %s: daily major merge window open; merging every tablet", s->dir);
            all = 1;
        }
        store__for_each_tablet(s, major_if_needed, &all);
    }
    return NULL;
}

void store_request_major_merge(struct store *s)
{
    pthread_mutex_lock(&s->bg_mu);
    s->major_requested = 1;
    pthread_cond_broadcast(&s->bg_cond);
    pthread_mutex_unlock(&s->bg_mu);
}

int store__bg_start(struct store *s)
{
    int rc = os_thread_create(s->opts.threads, &s->threads[0], flush_main, s, "atoll-flush");
    if (rc)
        return rc;
    s->n_threads = 1;
    rc = os_thread_create(s->opts.threads, &s->threads[1], compact_main, s, "atoll-compact");
    if (rc) {
        store__bg_stop(s);
        return rc;
    }
    s->n_threads = 2;
    return 0;
}

void store__bg_stop(struct store *s)
{
    pthread_mutex_lock(&s->bg_mu);
    s->closing = 1;
    atomic_store(&s->stopping, 1);
    pthread_cond_broadcast(&s->bg_cond);
    pthread_cond_broadcast(&s->mem_cond);
    pthread_mutex_unlock(&s->bg_mu);
    for (int i = 0; i < s->n_threads; i++)
        os_thread_join(s->opts.threads, s->threads[i]);
    s->n_threads = 0;
}
