/*
 * lock.c: the row lock table: a sharded hash of lock objects, each with a list
 * of granted requests and a FIFO queue of waiting ones, and a wait-for graph
 * search before every wait.
 *
 * A lock object exists while some request is on it: the first request for a
 * row allocates it, the last release frees it. A request (one per owner and
 * row, from the owner's arena) is on the object's granted list, its wait
 * queue, or both (an S holder waiting to upgrade). A request is granted at
 * once when it is compatible with every granted request and nobody waits
 * (FIFO: later S requests do not overtake a waiting X); an upgrade is granted
 * at once when its owner is the only holder. Otherwise it queues: upgrades
 * after earlier upgrades but ahead of every other waiter (an upgrader waits
 * only for the other holders; behind an X waiter that waits for it, it would
 * deadlock), others at the tail. Whenever a request leaves an object, the
 * queue is granted from the front until the first request that still
 * conflicts.
 *
 * Deadlock detection: a waiting request's blockers are the other owners'
 * granted requests of an incompatible mode and the waiting requests ahead of
 * it of an incompatible mode. Before sleeping, the requester publishes its
 * request in owner->waiting and runs a depth-first search from it over
 * (blocker owner -> the request that owner waits for) under the global
 * wait_mu; reaching the requester again is a cycle, and the requester gives up
 * its request (ERR_DEADLOCK) before releasing wait_mu, so two requesters that
 * close the same cycle at once are examined one after the other and only the
 * first is a victim. Cycles need every member to wait, and each member ran
 * the search after publishing its own edge, so the last one to close a cycle
 * sees it. A search that visits more than LOCK_DFS_MAX requests treats the
 * wait as a deadlock (InnoDB does the same past its search limits).
 *
 * Lock order and lifetime rules: wait_mu before a shard mutex, never the
 * reverse; at most one shard mutex at a time. owner->waiting is written only
 * under wait_mu, and a request it points to is not freed while it does; an
 * owner that holds or waits for a request on an object cannot finish its
 * release while that object's shard mutex is held. So the search, holding
 * wait_mu and one shard mutex, may read the waiting pointer of any blocker it
 * finds there.
 */
#include "txn/lock.h"

#include "base/err.h"
#include "base/hash.h"
#include "base/mem.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#define LOCK_SHARDS      64     /* Power of two. */
#define LOCK_BUCKETS_MIN 64     /* Initial buckets per shard. */
#define LOCK_DFS_MAX     100000 /* Requests a deadlock search may visit. */

struct shard;

struct lock_obj {
    struct lock_obj *next;      /* Hash chain. */
    uint64_t hash;              /* hash of (tablet, key). */
    uint64_t tablet;            /* Tablet id. */
    struct lock_req *granted;   /* Granted requests (unordered list). */
    struct lock_req *wait_head; /* Wait queue, FIFO (upgrades first). */
    struct lock_req *wait_tail;
    uint32_t n_granted; /* Requests on the granted list. */
    uint32_t n_x;       /* Of them in X mode (0 or 1). */
    size_t key_len;     /* Key length. */
    uint8_t key[];      /* Key bytes. */
};

struct lock_req {
    struct lock_req *gnext, *gprev; /* Granted list links (while mode != 0). */
    struct lock_req *wnext, *wprev; /* Wait queue links (while want != 0). */
    struct lock_req *onext;         /* Owner's list of requests. */
    struct lock_owner *owner;       /* Who asks. */
    struct lock_obj *obj;           /* The object; NULL once the request left it. */
    struct shard *shard;            /* The object's shard (constant). */
    uint64_t mark;                  /* Deadlock search epoch that visited it (wait_mu). */
    uint8_t mode;                   /* Granted mode, 0 if none. */
    uint8_t want;                   /* Mode waited for, 0 if not waiting. */
};

struct shard {
    pthread_mutex_t mu;        /* Guards the buckets, objects and their requests. */
    struct lock_obj **buckets; /* Hash buckets. */
    size_t n_buckets;          /* Power of two. */
    size_t n_objs;             /* Objects in the shard. */
};

struct lock_table {
    struct shard shards[LOCK_SHARDS];
    pthread_mutex_t wait_mu; /* Deadlock search; every owner's waiting pointer. */
    uint64_t epoch;          /* Search counter (wait_mu). */
    struct lock_req **stack; /* Search stack (wait_mu). */
    size_t stack_cap;
    _Atomic uint64_t n_locks, n_waits, n_deadlocks, n_timeouts; /* Statistics. */
};

static int compatible(int a, int b)
{
    return a == LOCK_S && b == LOCK_S;
}

int lock_table_create(struct lock_table **out)
{
    struct lock_table *lt = mem_calloc(1, sizeof *lt);
    if (!lt)
        return err_set(ERR_NOMEM, "lock table: out of memory");
    for (int i = 0; i < LOCK_SHARDS; i++) {
        struct shard *s = &lt->shards[i];
        s->buckets = mem_calloc(LOCK_BUCKETS_MIN, sizeof *s->buckets);
        if (!s->buckets) {
            for (int j = 0; j < i; j++) {
                pthread_mutex_destroy(&lt->shards[j].mu);
                mem_free(lt->shards[j].buckets);
            }
            mem_free(lt);
            return err_set(ERR_NOMEM, "lock table: out of memory");
        }
        s->n_buckets = LOCK_BUCKETS_MIN;
        pthread_mutex_init(&s->mu, NULL);
    }
    pthread_mutex_init(&lt->wait_mu, NULL);
    *out = lt;
    return 0;
}

void lock_table_destroy(struct lock_table *lt)
{
    if (!lt)
        return;
    for (int i = 0; i < LOCK_SHARDS; i++) {
        struct shard *s = &lt->shards[i];
        /* No lock is held, so every object is gone; free stragglers anyway. */
        for (size_t b = 0; b < s->n_buckets; b++) {
            struct lock_obj *o = s->buckets[b];
            while (o) {
                struct lock_obj *n = o->next;
                mem_free(o);
                o = n;
            }
        }
        mem_free(s->buckets);
        pthread_mutex_destroy(&s->mu);
    }
    pthread_mutex_destroy(&lt->wait_mu);
    mem_free(lt->stack);
    mem_free(lt);
}

void lock_owner_init(struct lock_owner *o, uint64_t id)
{
    memset(o, 0, sizeof *o);
    o->id = id;
    atomic_init(&o->interrupted, 0);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&o->cv, &attr);
    pthread_condattr_destroy(&attr);
    arena_init(&o->arena, 4096);
}

void lock_owner_deinit(struct lock_owner *o)
{
    pthread_cond_destroy(&o->cv);
    arena_deinit(&o->arena);
}

/* ---- Objects ---- */

static uint64_t lock_hash(uint64_t tablet, const void *key, size_t key_len)
{
    return hash64(key, key_len, hash_mix64(tablet + 0x9e3779b97f4a7c15ULL));
}

static struct shard *shard_of(struct lock_table *lt, uint64_t h)
{
    return &lt->shards[h >> 58 & (LOCK_SHARDS - 1)];
}

static struct lock_obj *obj_find(struct shard *s, uint64_t h, uint64_t tablet, const void *key,
                                 size_t key_len)
{
    for (struct lock_obj *o = s->buckets[h & (s->n_buckets - 1)]; o; o = o->next)
        if (o->hash == h && o->tablet == tablet && o->key_len == key_len &&
            (key_len == 0 || memcmp(o->key, key, key_len) == 0))
            return o;
    return NULL;
}

/* Doubles the buckets when objects outnumber them; failure to grow is harmless. */
static void shard_grow(struct shard *s)
{
    size_t nb = s->n_buckets * 2;
    struct lock_obj **b = mem_calloc(nb, sizeof *b);
    if (!b)
        return;
    for (size_t i = 0; i < s->n_buckets; i++) {
        struct lock_obj *o = s->buckets[i];
        while (o) {
            struct lock_obj *n = o->next;
            o->next = b[o->hash & (nb - 1)];
            b[o->hash & (nb - 1)] = o;
            o = n;
        }
    }
    mem_free(s->buckets);
    s->buckets = b;
    s->n_buckets = nb;
}

static struct lock_obj *obj_create(struct shard *s, uint64_t h, uint64_t tablet, const void *key,
                                   size_t key_len)
{
    struct lock_obj *o = mem_alloc(sizeof *o + key_len);
    if (!o)
        return NULL;
    memset(o, 0, sizeof *o);
    o->hash = h;
    o->tablet = tablet;
    o->key_len = key_len;
    if (key_len)
        memcpy(o->key, key, key_len);
    if (s->n_objs >= s->n_buckets)
        shard_grow(s);
    size_t b = h & (s->n_buckets - 1);
    o->next = s->buckets[b];
    s->buckets[b] = o;
    s->n_objs++;
    return o;
}

/* Frees o if no request is on it. */
static void obj_maybe_free(struct shard *s, struct lock_obj *o)
{
    if (o->granted || o->wait_head)
        return;
    struct lock_obj **pp = &s->buckets[o->hash & (s->n_buckets - 1)];
    while (*pp != o)
        pp = &(*pp)->next;
    *pp = o->next;
    s->n_objs--;
    mem_free(o);
}

/* ---- Queues ---- */

static void granted_add(struct lock_obj *o, struct lock_req *r, int mode)
{
    r->mode = (uint8_t)mode;
    r->gprev = NULL;
    r->gnext = o->granted;
    if (o->granted)
        o->granted->gprev = r;
    o->granted = r;
    o->n_granted++;
    if (mode == LOCK_X)
        o->n_x++;
}

static void granted_remove(struct lock_obj *o, struct lock_req *r)
{
    if (r->gprev)
        r->gprev->gnext = r->gnext;
    else
        o->granted = r->gnext;
    if (r->gnext)
        r->gnext->gprev = r->gprev;
    r->gnext = r->gprev = NULL;
    o->n_granted--;
    if (r->mode == LOCK_X)
        o->n_x--;
    r->mode = 0;
}

/* Inserts r into the wait queue after the node `after` (NULL = at the front). */
static void wait_insert_after(struct lock_obj *o, struct lock_req *after, struct lock_req *r)
{
    r->wprev = after;
    r->wnext = after ? after->wnext : o->wait_head;
    if (r->wnext)
        r->wnext->wprev = r;
    else
        o->wait_tail = r;
    if (after)
        after->wnext = r;
    else
        o->wait_head = r;
}

static void wait_remove(struct lock_obj *o, struct lock_req *r)
{
    if (r->wprev)
        r->wprev->wnext = r->wnext;
    else
        o->wait_head = r->wnext;
    if (r->wnext)
        r->wnext->wprev = r->wprev;
    else
        o->wait_tail = r->wprev;
    r->wnext = r->wprev = NULL;
    r->want = 0;
}

/* Could waiting request r be granted now (ignoring the requests queued ahead of it)? */
static int grantable(const struct lock_obj *o, const struct lock_req *r)
{
    if (r->mode) /* An upgrade: r must be the only holder. */
        return o->n_granted == 1;
    if (r->want == LOCK_X)
        return o->n_granted == 0;
    return o->n_x == 0;
}

/* Grants queued requests from the front until one still conflicts; shard mutex held. */
static void grant_waiters(struct lock_table *lt, struct lock_obj *o)
{
    while (o->wait_head && grantable(o, o->wait_head)) {
        struct lock_req *r = o->wait_head;
        int mode = r->want;
        wait_remove(o, r);
        if (r->mode) {
            /* Upgrade S -> X in place. */
            o->n_x++;
            r->mode = LOCK_X;
        } else {
            granted_add(o, r, mode);
            r->owner->n_locks++;
            atomic_fetch_add(&lt->n_locks, 1);
        }
        pthread_cond_signal(&r->owner->cv);
    }
}

/* Takes waiting request r off its object (it gave up) and lets others go. */
static void give_up(struct lock_table *lt, struct lock_req *r)
{
    struct lock_obj *o = r->obj;
    wait_remove(o, r);
    if (!r->mode)
        r->obj = NULL; /* A new request leaves the object; an upgrader keeps S. */
    grant_waiters(lt, o);
    obj_maybe_free(r->shard, o);
}

/* ---- Deadlock search ---- */

static int stack_push(struct lock_table *lt, size_t *n, struct lock_req *r)
{
    if (*n == lt->stack_cap) {
        size_t cap = lt->stack_cap ? lt->stack_cap * 2 : 64;
        struct lock_req **s = mem_realloc(lt->stack, cap * sizeof *s);
        if (!s)
            return ERR_NOMEM;
        lt->stack = s;
        lt->stack_cap = cap;
    }
    lt->stack[(*n)++] = r;
    return 0;
}

/* Is o a blocker of waiting request r? Both on the same object. */
static int blocks(const struct lock_req *b, const struct lock_req *r)
{
    return b->owner != r->owner;
}

/*
 * Searches the wait-for graph from start (published in its owner's waiting).
 * Returns 1 on a cycle back to start's owner (or when the search is too big),
 * 0 if none, ERR_NOMEM. wait_mu held.
 */
static int find_cycle(struct lock_table *lt, struct lock_req *start)
{
    struct lock_owner *me = start->owner;
    uint64_t epoch = ++lt->epoch;
    size_t n = 0, visited = 1;
    start->mark = epoch;
    if (stack_push(lt, &n, start))
        return ERR_NOMEM;
    while (n > 0) {
        struct lock_req *r = lt->stack[--n];
        struct shard *s = r->shard;
        int found = 0, rc = 0;
        pthread_mutex_lock(&s->mu);
        if (r->want) {
            struct lock_obj *o = r->obj;
            /* Granted requests of an incompatible mode. */
            for (struct lock_req *g = o->granted; g && !found && !rc; g = g->gnext) {
                if (!blocks(g, r) || compatible(g->mode, r->want))
                    continue;
                if (g->owner == me) {
                    found = 1;
                    break;
                }
                struct lock_req *w = g->owner->waiting;
                if (w && w->mark != epoch) {
                    w->mark = epoch;
                    visited++;
                    rc = stack_push(lt, &n, w);
                }
            }
            /* Waiting requests ahead of r of an incompatible mode. */
            for (struct lock_req *q = r->wprev; q && !found && !rc; q = q->wprev) {
                if (!blocks(q, r) || compatible(q->want, r->want))
                    continue;
                if (q->owner == me) {
                    found = 1;
                    break;
                }
                struct lock_req *w = q->owner->waiting;
                if (w && w->mark != epoch) {
                    w->mark = epoch;
                    visited++;
                    rc = stack_push(lt, &n, w);
                }
            }
        }
        pthread_mutex_unlock(&s->mu);
        if (rc)
            return rc;
        if (found || visited > LOCK_DFS_MAX)
            return 1;
    }
    return 0;
}

/* ---- Acquire and release ---- */

static void deadline_after(struct timespec *ts, uint64_t ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    uint64_t sec = ms / 1000, nsec = (uint64_t)ts->tv_nsec + (ms % 1000) * 1000000ULL;
    sec += nsec / 1000000000ULL;
    nsec %= 1000000000ULL;
    ts->tv_sec += (time_t)sec;
    ts->tv_nsec = (long)nsec;
}

int lock_acquire(struct lock_table *lt, struct lock_owner *o, uint64_t tablet_id, const void *key,
                 size_t key_len, enum lock_mode mode, uint64_t timeout_ms, int flags)
{
    if (mode != LOCK_S && mode != LOCK_X)
        return err_set(ERR_INVALID, "lock: bad mode %d", (int)mode);
    uint64_t h = lock_hash(tablet_id, key, key_len);
    struct shard *s = shard_of(lt, h);
    pthread_mutex_lock(&s->mu);
    struct lock_obj *obj = obj_find(s, h, tablet_id, key, key_len);
    struct lock_req *r = NULL;
    if (obj) {
        for (struct lock_req *g = obj->granted; g; g = g->gnext)
            if (g->owner == o) {
                r = g;
                break;
            }
    }
    if (r && r->mode >= (int)mode) {
        pthread_mutex_unlock(&s->mu); /* Re-entrant: already covered. */
        return 0;
    }
    if (r) {
        /* Upgrade S -> X. */
        if (obj->n_granted == 1) {
            r->mode = LOCK_X;
            obj->n_x++;
            pthread_mutex_unlock(&s->mu);
            return 0;
        }
        r->want = LOCK_X;
        struct lock_req *after = NULL;
        for (struct lock_req *q = obj->wait_head; q && q->mode; q = q->wnext)
            after = q;
        wait_insert_after(obj, after, r);
    } else {
        if (!obj && !(obj = obj_create(s, h, tablet_id, key, key_len))) {
            pthread_mutex_unlock(&s->mu);
            return err_set(ERR_NOMEM, "lock: out of memory");
        }
        r = arena_alloc(&o->arena, sizeof *r);
        if (!r) {
            obj_maybe_free(s, obj);
            pthread_mutex_unlock(&s->mu);
            return err_set(ERR_NOMEM, "lock: out of memory");
        }
        memset(r, 0, sizeof *r);
        r->owner = o;
        r->obj = obj;
        r->shard = s;
        r->onext = o->reqs;
        o->reqs = r;
        if (!obj->wait_head && (mode == LOCK_X ? obj->n_granted == 0 : obj->n_x == 0)) {
            granted_add(obj, r, mode);
            o->n_locks++;
            atomic_fetch_add(&lt->n_locks, 1);
            pthread_mutex_unlock(&s->mu);
            return 0;
        }
        r->want = (uint8_t)mode;
        wait_insert_after(obj, obj->wait_tail, r);
    }

    /* r must wait. */
    int rc = 0;
    if (flags & LOCK_NOWAIT)
        rc = err_set(ERR_LOCKED, "row in tablet %" PRIu64 " is locked by another transaction",
                     tablet_id);
    else if (timeout_ms == 0)
        rc = err_set(ERR_TIMEOUT, "lock wait timeout exceeded; try restarting transaction");
    else if (atomic_load(&o->interrupted))
        rc = err_set(ERR_CLOSED, "query interrupted");
    if (rc) {
        give_up(lt, r);
        pthread_mutex_unlock(&s->mu);
        return rc;
    }
    atomic_fetch_add(&lt->n_waits, 1);
    pthread_mutex_unlock(&s->mu);

    /* Publish the wait and look for a cycle it would close. */
    pthread_mutex_lock(&lt->wait_mu);
    o->waiting = r;
    int cyc = find_cycle(lt, r);
    if (cyc != 0) {
        pthread_mutex_lock(&s->mu);
        if (r->want) {
            give_up(lt, r);
            rc = cyc == 1 ? err_set(ERR_DEADLOCK,
                                    "deadlock found when trying to get lock; transaction %" PRIu64
                                    " was chosen as the victim",
                                    o->id)
                          : err_set(ERR_NOMEM, "lock: out of memory in deadlock search");
            if (cyc == 1)
                atomic_fetch_add(&lt->n_deadlocks, 1);
        }
        /* else: granted meanwhile, so there is no cycle through it any more. */
        pthread_mutex_unlock(&s->mu);
        o->waiting = NULL;
        pthread_mutex_unlock(&lt->wait_mu);
        return rc;
    }
    pthread_mutex_unlock(&lt->wait_mu);

    /* Sleep until granted, timed out or interrupted. */
    struct timespec deadline;
    int forever = timeout_ms > (uint64_t)365 * 24 * 3600 * 1000;
    if (!forever)
        deadline_after(&deadline, timeout_ms);
    pthread_mutex_lock(&s->mu);
    int timed_out = 0;
    while (r->want) {
        if (atomic_load(&o->interrupted) || timed_out)
            break;
        int e = forever ? pthread_cond_wait(&o->cv, &s->mu)
                        : pthread_cond_timedwait(&o->cv, &s->mu, &deadline);
        if (e == ETIMEDOUT)
            timed_out = 1;
    }
    int granted = r->want == 0;
    pthread_mutex_unlock(&s->mu);

    /* Unpublish; give the request up if it was not granted (wait_mu, then the shard). */
    pthread_mutex_lock(&lt->wait_mu);
    if (!granted) {
        pthread_mutex_lock(&s->mu);
        if (r->want) {
            give_up(lt, r);
            if (timed_out && !atomic_load(&o->interrupted)) {
                atomic_fetch_add(&lt->n_timeouts, 1);
                rc = err_set(ERR_TIMEOUT, "lock wait timeout exceeded; try restarting transaction");
            } else {
                rc = err_set(ERR_CLOSED, "query interrupted");
            }
        }
        pthread_mutex_unlock(&s->mu);
    }
    o->waiting = NULL;
    pthread_mutex_unlock(&lt->wait_mu);
    return rc;
}

int lock_held(struct lock_table *lt, struct lock_owner *o, uint64_t tablet_id, const void *key,
              size_t key_len)
{
    uint64_t h = lock_hash(tablet_id, key, key_len);
    struct shard *s = shard_of(lt, h);
    int mode = 0;
    pthread_mutex_lock(&s->mu);
    struct lock_obj *obj = obj_find(s, h, tablet_id, key, key_len);
    for (struct lock_req *g = obj ? obj->granted : NULL; g; g = g->gnext)
        if (g->owner == o) {
            mode = g->mode;
            break;
        }
    pthread_mutex_unlock(&s->mu);
    return mode;
}

void lock_release_all(struct lock_table *lt, struct lock_owner *o)
{
    for (struct lock_req *r = o->reqs; r; r = r->onext) {
        if (!r->obj)
            continue;
        struct shard *s = r->shard;
        pthread_mutex_lock(&s->mu);
        struct lock_obj *obj = r->obj;
        if (r->mode) {
            granted_remove(obj, r);
            atomic_fetch_sub(&lt->n_locks, 1);
        }
        r->obj = NULL;
        grant_waiters(lt, obj);
        obj_maybe_free(s, obj);
        pthread_mutex_unlock(&s->mu);
    }
    o->reqs = NULL;
    o->n_locks = 0;
    arena_reset(&o->arena);
}

void lock_interrupt(struct lock_table *lt, struct lock_owner *o)
{
    atomic_store(&o->interrupted, 1);
    pthread_mutex_lock(&lt->wait_mu);
    struct lock_req *w = o->waiting;
    if (w) {
        pthread_mutex_lock(&w->shard->mu);
        pthread_cond_broadcast(&o->cv);
        pthread_mutex_unlock(&w->shard->mu);
    }
    pthread_mutex_unlock(&lt->wait_mu);
}

void lock_clear_interrupt(struct lock_owner *o)
{
    atomic_store(&o->interrupted, 0);
}

void lock_stats(struct lock_table *lt, struct lock_stats *out)
{
    out->n_locks = atomic_load(&lt->n_locks);
    out->n_waits = atomic_load(&lt->n_waits);
    out->n_deadlocks = atomic_load(&lt->n_deadlocks);
    out->n_timeouts = atomic_load(&lt->n_timeouts);
}
