/*
 * resp.c: the response API the handler calls (server_resp_*), and the output
 * path under it.
 *
 * Responses are encoded into the connection's output buffer, packet by
 * packet, in the text or binary protocol as the command requires, and leave
 * it by direct non-blocking send() from the executor thread: no thread hop for
 * the common small response. A result set streams: once SRV_FLUSH_BYTES are
 * buffered a row tries to send them, and while SRV_BLOCK_BYTES or more stay
 * unsent (the client reads slowly) the executor waits in poll() for the socket
 * to drain, so memory per connection stays bounded whatever the result's size.
 * What is still unsent when the command ends goes to the I/O loop (OP_FLUSH).
 */
#include "server/server_int.h"

#include "base/err.h"
#include "base/mem.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

void srv__resp_init(struct server_resp *r, struct conn *c, uint8_t kind, uint8_t seq)
{
    memset(r, 0, sizeof *r);
    r->c = c;
    r->kind = kind;
    r->seq = seq;
}

static int kill_ends_io(const struct conn *c)
{
    return atomic_load(&((struct conn *)c)->kill) &
           (KILL_BIT_CONN | KILL_BIT_PEER | KILL_BIT_SHUTDOWN);
}

int srv__flush(struct conn *c, int final)
{
    if (c->dead)
        return ERR_CLOSED;
    uint64_t started = 0;
    while (c->out_off < c->out.len) {
        ssize_t n = send(c->fd, c->out.data + c->out_off, c->out.len - c->out_off,
                         MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            c->out_off += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (final || c->out.len - c->out_off < SRV_BLOCK_BYTES)
                break;
            /* Backpressure: the client reads slower than we produce. Wait for it. */
            uint64_t now = srv__now();
            if (!started)
                started = now;
            if (kill_ends_io(c) ||
                now - started >= (uint64_t)c->srv->opts.write_timeout_ms * 1000000ull)
                goto dead;
            struct pollfd pfd = {.fd = c->fd, .events = POLLOUT};
            poll(&pfd, 1, 200);
            continue;
        }
        goto dead;
    }
    if (c->out_off == c->out.len) {
        c->out.len = 0;
        c->out_off = 0;
    } else if (c->out_off >= SRV_FLUSH_BYTES) {
        memmove(c->out.data, c->out.data + c->out_off, c->out.len - c->out_off);
        c->out.len -= c->out_off;
        c->out_off = 0;
    }
    return 0;
dead:
    c->dead = 1;
    c->out.len = 0;
    c->out_off = 0;
    return ERR_CLOSED;
}

/* After a packet was appended: try to send when enough is buffered. */
static int maybe_flush(struct conn *c)
{
    if (c->out.len - c->out_off >= SRV_FLUSH_BYTES)
        return srv__flush(c, 0);
    return 0;
}

int srv__send_err(struct conn *c, uint8_t *seq, uint16_t code, const char *sqlstate,
                  const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t start;
    int rc = wire_pkt_begin(&c->out, &start);
    if (!rc)
        rc = wire_put_err(&c->out, code, sqlstate ? sqlstate : server_err_sqlstate(code), msg);
    if (!rc)
        rc = wire_pkt_end(&c->out, start, seq);
    if (rc)
        c->out.len = start;
    return rc;
}

int srv__send_ok(struct conn *c, uint8_t *seq, uint8_t header, uint64_t affected,
                 uint64_t insert_id, uint16_t status, uint16_t warnings, const char *info)
{
    size_t start;
    int rc = wire_pkt_begin(&c->out, &start);
    if (!rc)
        rc = wire_put_ok(&c->out, c->caps, header, affected, insert_id, status, warnings, info);
    if (!rc)
        rc = wire_pkt_end(&c->out, start, seq);
    if (rc)
        c->out.len = start;
    return rc;
}

int srv__send_raw(struct conn *c, uint8_t *seq, const void *p, size_t len)
{
    size_t start;
    int rc = wire_pkt_begin(&c->out, &start);
    if (!rc)
        rc = buf_append(&c->out, p, len);
    if (!rc)
        rc = wire_pkt_end(&c->out, start, seq);
    if (rc)
        c->out.len = start;
    return rc;
}

int srv__send_eof(struct conn *c, uint8_t *seq, uint16_t warnings, uint16_t status)
{
    if (c->caps & SERVER_CLIENT_DEPRECATE_EOF)
        return srv__send_ok(c, seq, 0xfe, 0, 0, status, warnings, NULL);
    size_t start;
    int rc = wire_pkt_begin(&c->out, &start);
    if (!rc)
        rc = wire_put_eof(&c->out, warnings, status);
    if (!rc)
        rc = wire_pkt_end(&c->out, start, seq);
    if (rc)
        c->out.len = start;
    return rc;
}

/* Column definition packets for n columns. */
static int send_coldefs(struct conn *c, uint8_t *seq, const struct server_column *cols, uint32_t n,
                        int with_default)
{
    for (uint32_t i = 0; i < n; i++) {
        size_t start;
        int rc = wire_pkt_begin(&c->out, &start);
        if (!rc)
            rc = wire_put_coldef(&c->out, &cols[i], with_default);
        if (!rc)
            rc = wire_pkt_end(&c->out, start, seq);
        if (rc) {
            c->out.len = start;
            return rc;
        }
        rc = maybe_flush(c);
        if (rc)
            return rc;
    }
    return 0;
}

/* Common checks: the client is still there and the call is allowed now. */
static int usable(struct server_resp *r)
{
    if (r->c->dead || kill_ends_io(r->c))
        return ERR_CLOSED;
    return 0;
}

int server_resp_ok(struct server_resp *r, const struct server_ok *ok)
{
    int rc = usable(r);
    if (rc)
        return rc;
    if (r->state != RS_START || r->kind == RESP_PREPARE || r->kind == RESP_FIELD_LIST)
        return err_set(ERR_INVALID, "server_resp_ok out of order");
    struct conn *c = r->c;
    uint16_t status = (uint16_t)(ok->status & ~SERVER_MORE_RESULTS_EXISTS);
    rc = srv__send_ok(c, &r->seq, 0x00, ok->affected_rows, ok->last_insert_id,
                      (uint16_t)(status | (ok->more ? SERVER_MORE_RESULTS_EXISTS : 0)),
                      ok->warnings, ok->info);
    if (rc)
        return rc;
    c->status = status;
    r->state = ok->more ? RS_START : RS_DONE;
    return maybe_flush(c);
}

int server_resp_error(struct server_resp *r, uint16_t code, const char *sqlstate, const char *fmt,
                      ...)
{
    int rc = usable(r);
    if (rc)
        return rc;
    if (r->state == RS_DONE)
        return err_set(ERR_INVALID, "server_resp_error after the response ended");
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rc = srv__send_err(r->c, &r->seq, code, sqlstate, "%s", msg);
    if (rc)
        return rc;
    r->state = RS_DONE;
    r->error_sent = 1;
    return maybe_flush(r->c);
}

int server_resp_begin(struct server_resp *r, const struct server_column *cols, uint32_t n_cols)
{
    int rc = usable(r);
    if (rc)
        return rc;
    if (r->state != RS_START || (r->kind != RESP_QUERY && r->kind != RESP_EXECUTE))
        return err_set(ERR_INVALID, "server_resp_begin out of order");
    if (n_cols == 0 || n_cols > 4096)
        return err_set(ERR_INVALID, "server_resp_begin: %u columns", n_cols);
    struct conn *c = r->c;
    c->scratch.len = 0;
    rc = buf_reserve(&c->scratch, n_cols * sizeof(struct wire_col));
    if (rc)
        return rc;
    r->cols = (struct wire_col *)c->scratch.data;
    for (uint32_t i = 0; i < n_cols; i++) {
        r->cols[i].type = cols[i].type;
        r->cols[i].decimals = cols[i].decimals;
        r->cols[i].flags = cols[i].flags;
        r->cols[i].length = cols[i].length;
    }
    r->n_cols = n_cols;
    size_t start;
    rc = wire_pkt_begin(&c->out, &start);
    if (!rc)
        rc = wire_put_lenenc(&c->out, n_cols);
    if (!rc)
        rc = wire_pkt_end(&c->out, start, &r->seq);
    if (!rc)
        rc = send_coldefs(c, &r->seq, cols, n_cols, 0);
    if (!rc && !(c->caps & SERVER_CLIENT_DEPRECATE_EOF))
        rc = srv__send_eof(c, &r->seq, 0, c->status);
    if (rc)
        return rc;
    r->state = RS_ROWS;
    return 0;
}

int server_resp_row(struct server_resp *r, const struct server_value *vals)
{
    int rc = usable(r);
    if (rc)
        return rc;
    if (r->state != RS_ROWS)
        return err_set(ERR_INVALID, "server_resp_row outside a result set");
    struct conn *c = r->c;
    size_t start;
    rc = wire_pkt_begin(&c->out, &start);
    if (rc)
        return rc;
    if (r->kind == RESP_EXECUTE) {
        rc = wire_put_binary_row(&c->out, r->cols, r->n_cols, vals);
    } else {
        for (uint32_t i = 0; i < r->n_cols && !rc; i++)
            rc = wire_put_text_value(&c->out, &r->cols[i], &vals[i]);
    }
    if (!rc)
        rc = wire_pkt_end(&c->out, start, &r->seq);
    if (rc) {
        c->out.len = start;
        return rc;
    }
    return maybe_flush(c);
}

int server_resp_end(struct server_resp *r, const struct server_ok *ok)
{
    int rc = usable(r);
    if (rc)
        return rc;
    if (r->state != RS_ROWS)
        return err_set(ERR_INVALID, "server_resp_end outside a result set");
    struct conn *c = r->c;
    uint16_t status = (uint16_t)(ok->status & ~SERVER_MORE_RESULTS_EXISTS);
    rc = srv__send_eof(c, &r->seq, ok->warnings,
                       (uint16_t)(status | (ok->more ? SERVER_MORE_RESULTS_EXISTS : 0)));
    if (rc)
        return rc;
    c->status = status;
    r->state = ok->more ? RS_START : RS_DONE;
    return maybe_flush(c);
}

/* Adds a statement to c's sorted table. */
static int stmt_add(struct conn *c, struct srv_stmt *st)
{
    if (c->n_stmts == c->stmts_cap) {
        uint32_t cap = c->stmts_cap ? c->stmts_cap * 2 : 8;
        struct srv_stmt **p = mem_realloc(c->stmts, cap * sizeof *p);
        if (!p)
            return ERR_NOMEM;
        c->stmts = p;
        c->stmts_cap = cap;
    }
    c->stmts[c->n_stmts++] = st; /* Ids only grow, so the table stays sorted. */
    return 0;
}

int server_resp_prepared(struct server_resp *r, void *stmt, const struct server_column *params,
                         uint16_t n_params, const struct server_column *cols, uint16_t n_cols,
                         uint16_t warnings)
{
    int rc = usable(r);
    if (rc)
        return rc;
    if (r->state != RS_START || r->kind != RESP_PREPARE)
        return err_set(ERR_INVALID, "server_resp_prepared out of order");
    struct conn *c = r->c;
    if (c->n_stmts >= SRV_MAX_STMTS) {
        if (c->srv->h->stmt_close)
            c->srv->h->stmt_close(c->srv->h->arg, c->session, stmt);
        return server_resp_error(r, SERVER_ER_MAX_PREPARED_STMT_COUNT, NULL,
                                 "Can't create more than max_prepared_stmt_count statements "
                                 "(current value: %u)",
                                 SRV_MAX_STMTS);
    }
    struct srv_stmt *st = mem_calloc(1, sizeof *st);
    if (st && n_params) {
        st->types = mem_calloc(n_params, 2);
        st->long_mask = mem_calloc(((size_t)n_params + 7) / 8, 1);
    }
    if (!st || (n_params && (!st->types || !st->long_mask)) || stmt_add(c, st)) {
        if (st) {
            mem_free(st->types);
            mem_free(st->long_mask);
            mem_free(st);
        }
        if (c->srv->h->stmt_close)
            c->srv->h->stmt_close(c->srv->h->arg, c->session, stmt);
        return ERR_NOMEM;
    }
    st->id = ++c->next_stmt_id;
    st->h = stmt;
    st->n_params = n_params;
    st->n_cols = n_cols;
    r->stmt = st;

    size_t start;
    rc = wire_pkt_begin(&c->out, &start);
    if (!rc) {
        uint8_t t[12];
        t[0] = 0;
        t[1] = (uint8_t)st->id;
        t[2] = (uint8_t)(st->id >> 8);
        t[3] = (uint8_t)(st->id >> 16);
        t[4] = (uint8_t)(st->id >> 24);
        t[5] = (uint8_t)n_cols;
        t[6] = (uint8_t)(n_cols >> 8);
        t[7] = (uint8_t)n_params;
        t[8] = (uint8_t)(n_params >> 8);
        t[9] = 0;
        t[10] = (uint8_t)warnings;
        t[11] = (uint8_t)(warnings >> 8);
        rc = buf_append(&c->out, t, 12);
    }
    if (!rc)
        rc = wire_pkt_end(&c->out, start, &r->seq);
    if (!rc && n_params) {
        if (params) {
            rc = send_coldefs(c, &r->seq, params, n_params, 0);
        } else {
            struct server_column q = {.name = "?",
                                      .charset = SERVER_CHARSET_BINARY,
                                      .type = SERVER_TYPE_VAR_STRING,
                                      .flags = SERVER_COL_BINARY};
            for (uint16_t i = 0; i < n_params && !rc; i++)
                rc = send_coldefs(c, &r->seq, &q, 1, 0);
        }
        if (!rc && !(c->caps & SERVER_CLIENT_DEPRECATE_EOF))
            rc = srv__send_eof(c, &r->seq, 0, c->status);
    }
    if (!rc && n_cols) {
        rc = send_coldefs(c, &r->seq, cols, n_cols, 0);
        if (!rc && !(c->caps & SERVER_CLIENT_DEPRECATE_EOF))
            rc = srv__send_eof(c, &r->seq, 0, c->status);
    }
    if (rc)
        return rc;
    r->state = RS_DONE;
    return maybe_flush(c);
}

int server_resp_field_list(struct server_resp *r, const struct server_column *cols, uint32_t n_cols)
{
    int rc = usable(r);
    if (rc)
        return rc;
    if (r->state != RS_START || r->kind != RESP_FIELD_LIST)
        return err_set(ERR_INVALID, "server_resp_field_list out of order");
    rc = send_coldefs(r->c, &r->seq, cols, n_cols, 1);
    if (!rc)
        rc = srv__send_eof(r->c, &r->seq, 0, r->c->status);
    if (rc)
        return rc;
    r->state = RS_DONE;
    return maybe_flush(r->c);
}

uint64_t server_resp_conn_id(const struct server_resp *r)
{
    return r->c->id;
}

int server_resp_killed(const struct server_resp *r)
{
    int k = atomic_load(&r->c->kill);
    if (k & KILL_BIT_SHUTDOWN)
        return SERVER_KILL_SHUTDOWN;
    if (k & KILL_BIT_CONN)
        return SERVER_KILL_CONNECTION;
    if (k & KILL_BIT_PEER)
        return SERVER_KILL_PEER_GONE;
    if (k & KILL_BIT_QUERY)
        return SERVER_KILL_QUERY;
    return 0;
}

void server_resp_set_max_packet(struct server_resp *r, uint32_t bytes)
{
    if (bytes < 1024)
        bytes = 1024;
    if (bytes > (1u << 30))
        bytes = 1u << 30;
    pthread_mutex_lock(&r->c->mu);
    r->c->max_packet = bytes;
    pthread_mutex_unlock(&r->c->mu);
}

uint32_t server_resp_max_packet(const struct server_resp *r)
{
    struct conn *c = r->c;
    pthread_mutex_lock(&c->mu);
    uint32_t v = c->max_packet;
    pthread_mutex_unlock(&c->mu);
    return v;
}
