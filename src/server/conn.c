/*
 * conn.c: one connection's protocol state machine, run on executor threads.
 *
 * An executor gets a connection in state RUNNING and takes complete packets
 * out of its input buffer one by one (the I/O loop keeps filling it): first
 * the Handshake Response, then the authentication exchange (auth switch,
 * caching_sha2's fast or full path), then commands. Each command is decoded
 * here and handed to the handler with a struct server_resp; what the handler
 * answers is encoded by resp.c. When no complete packet is left the executor
 * flushes the output and gives the connection back to its loop (IDLE), or
 * hands the unsent tail to the loop (FLUSHING). Protocol violations answer
 * with MySQL's error and close, exactly where MySQL closes.
 */
#include "server/server_int.h"

#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"

#include <stdio.h>
#include <string.h>

static const char *plugin_name(uint8_t plugin)
{
    return plugin == SERVER_AUTH_SHA2 ? SERVER_AUTH_SHA2_NAME : SERVER_AUTH_NATIVE_NAME;
}

int srv__conn_greet(struct conn *c)
{
    struct server *s = c->srv;
    server_auth_scramble(c->scramble);
    struct wire_handshake hs = {
        .version = SERVER_VERSION,
        .conn_id = (uint32_t)c->id,
        .scramble = c->scramble,
        .caps = WIRE_SERVER_CAPS,
        .charset = SERVER_CHARSET_UTF8MB4_0900,
        .status = SERVER_STATUS_AUTOCOMMIT,
        .plugin = s->opts.default_auth,
    };
    c->phase = PH_HANDSHAKE;
    c->status = SERVER_STATUS_AUTOCOMMIT;
    uint8_t seq = 0;
    size_t start;
    int rc = wire_pkt_begin(&c->out, &start);
    if (!rc)
        rc = wire_put_handshake(&c->out, &hs);
    if (!rc)
        rc = wire_pkt_end(&c->out, start, &seq);
    c->seq = seq;
    return rc;
}

/* Outcome of looking for a packet (take_packet). */
enum { TAKE_NONE, TAKE_OK, TAKE_BAD_SEQ, TAKE_TOO_BIG, TAKE_NOMEM };

static void scan_params(const struct conn *c, uint8_t *seq, uint64_t *max)
{
    if (c->phase == PH_COMMAND) {
        *seq = 0;
        *max = c->max_packet;
    } else {
        *seq = c->seq;
        *max = SRV_AUTH_MAX_PACKET;
    }
}

int srv__conn_ready(struct conn *c)
{
    if (c->eof || c->close_req || atomic_load(&c->srv->stopping))
        return 1;
    size_t avail = c->in.len - c->in_off;
    if (avail == 0)
        return 0;
    uint8_t seq, next;
    uint64_t max;
    size_t wl, pl;
    scan_params(c, &seq, &max);
    return wire_packet_scan(c->in.data + c->in_off, avail, seq, max, &wl, &pl, &next) !=
           WIRE_SCAN_MORE;
}

/* Drops consumed input; frees the buffer when empty and large. mu held. */
static void compact_in(struct conn *c)
{
    if (c->in_off == c->in.len) {
        if (c->in.cap > SRV_KEEP_BUF)
            buf_deinit(&c->in);
        c->in.len = 0;
        c->in_off = 0;
    } else if (c->in_off > SRV_RBUF && c->in_off > c->in.len / 2) {
        memmove(c->in.data, c->in.data + c->in_off, c->in.len - c->in_off);
        c->in.len -= c->in_off;
        c->in_off = 0;
    }
}

/* Moves the next complete packet's payload into c->pkt (NUL-terminated). mu held. */
static int take_packet(struct conn *c, uint8_t *next_seq)
{
    size_t avail = c->in.len - c->in_off;
    if (avail == 0)
        return TAKE_NONE;
    const uint8_t *p = c->in.data + c->in_off;
    uint8_t seq;
    uint64_t max;
    size_t wire_len, payload;
    scan_params(c, &seq, &max);
    int r = wire_packet_scan(p, avail, seq, max, &wire_len, &payload, next_seq);
    if (r == WIRE_SCAN_MORE)
        return TAKE_NONE;
    if (r != WIRE_SCAN_OK) {
        *next_seq = (uint8_t)(p[3] + 1);
        return r == WIRE_SCAN_BAD_SEQ ? TAKE_BAD_SEQ : TAKE_TOO_BIG;
    }
    c->pkt.len = 0;
    if (buf_reserve(&c->pkt, payload + 1))
        return TAKE_NOMEM;
    wire_packet_join(p, wire_len, c->pkt.data);
    c->pkt.len = payload;
    c->pkt.data[payload] = 0;
    c->in_off += wire_len;
    c->partial_ns = 0;
    compact_in(c);
    return TAKE_OK;
}

/* ---- Prepared statement table. ---- */

static struct srv_stmt *find_stmt(struct conn *c, uint32_t id, uint32_t *pos)
{
    uint32_t lo = 0, hi = c->n_stmts;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (c->stmts[mid]->id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < c->n_stmts && c->stmts[lo]->id == id) {
        if (pos)
            *pos = lo;
        return c->stmts[lo];
    }
    return NULL;
}

static void clear_long_data(struct srv_stmt *st)
{
    if (st->long_data) {
        for (uint16_t i = 0; i < st->n_params; i++)
            buf_deinit(&st->long_data[i]);
        mem_free(st->long_data);
        st->long_data = NULL;
    }
    if (st->long_mask)
        memset(st->long_mask, 0, ((size_t)st->n_params + 7) / 8);
    st->long_err = 0;
}

static void free_stmt(struct conn *c, struct srv_stmt *st)
{
    const struct server_handler *h = c->srv->h;
    if (h->stmt_close && c->session)
        h->stmt_close(h->arg, c->session, st->h);
    clear_long_data(st);
    mem_free(st->types);
    mem_free(st->long_mask);
    mem_free(st);
}

static void close_all_stmts(struct conn *c)
{
    for (uint32_t i = 0; i < c->n_stmts; i++)
        free_stmt(c, c->stmts[i]);
    mem_free(c->stmts);
    c->stmts = NULL;
    c->n_stmts = 0;
    c->stmts_cap = 0;
}

/* ---- Ending a command. ---- */

/* Completes the response after a handler call returned rc. */
static void finish(struct conn *c, struct server_resp *r, int rc)
{
    if (c->dead) {
        c->fatal = 1;
        return;
    }
    if (atomic_load(&c->kill) & (KILL_BIT_PEER | KILL_BIT_CONN | KILL_BIT_SHUTDOWN)) {
        if (rc == ERR_CLOSED || r->state != RS_DONE)
            c->fatal = 1;
        if (c->fatal)
            return;
    }
    if (r->state == RS_DONE)
        return;
    uint16_t code;
    const char *state;
    char msg[512];
    if (rc) {
        server_err_from_code(rc, &code, &state, msg, sizeof msg);
    } else {
        code = SERVER_ER_UNKNOWN;
        state = "HY000";
        snprintf(msg, sizeof msg, "The handler returned without a complete response");
        log_warn("conn %llu: handler returned without a complete response",
                 (unsigned long long)c->id);
    }
    if (srv__send_err(c, &r->seq, code, state, "%s", msg))
        c->fatal = 1;
}

/* ---- Login. ---- */

static void deny(struct conn *c, uint8_t seq, int used_password)
{
    srv__send_err(c, &seq, SERVER_ER_ACCESS_DENIED, NULL,
                  "Access denied for user '%s'@'%s' (using password: %s)",
                  c->info ? c->info->user : "", c->host, used_password ? "YES" : "NO");
    c->fatal = 1;
}

static void bad_handshake(struct conn *c, uint8_t seq)
{
    srv__send_err(c, &seq, SERVER_ER_HANDSHAKE, NULL, "Bad handshake");
    c->fatal = 1;
}

/* Builds c->info in one allocation: the struct, the attribute array, then the strings. */
static int make_info(struct conn *c, const struct wire_hs_response *hr)
{
    size_t host_len = strlen(c->host);
    size_t n = hr->n_attrs;
    size_t size = sizeof(struct server_conn_info) + n * sizeof(struct server_attr) + hr->user_len +
                  1 + host_len + 1 + (hr->db ? hr->db_len + 1 : 0) + hr->attrs_len + 2 * n;
    struct wire_slice *kv = NULL;
    if (n) {
        kv = mem_alloc(2 * n * sizeof *kv);
        if (!kv)
            return ERR_NOMEM;
        if (wire_parse_attrs(hr->attrs, hr->attrs_len, kv, n) != (int)n) {
            mem_free(kv);
            return ERR_PROTOCOL;
        }
    }
    struct server_conn_info *info = mem_alloc(size);
    if (!info) {
        mem_free(kv);
        return ERR_NOMEM;
    }
    struct server_attr *attrs = (struct server_attr *)(info + 1);
    char *p = (char *)(attrs + n);
#define COPY_STR(dst, src, len)                                                                    \
    do {                                                                                           \
        memcpy(p, (src), (len));                                                                   \
        p[(len)] = 0;                                                                              \
        (dst) = p;                                                                                 \
        p += (len) + 1;                                                                            \
    } while (0)
    COPY_STR(info->user, hr->user, hr->user_len);
    COPY_STR(info->host, c->host, host_len);
    info->db = NULL;
    if (hr->db)
        COPY_STR(info->db, hr->db, hr->db_len);
    for (size_t i = 0; i < n; i++) {
        COPY_STR(attrs[i].key, kv[2 * i].p, kv[2 * i].len);
        COPY_STR(attrs[i].value, kv[2 * i + 1].p, kv[2 * i + 1].len);
    }
#undef COPY_STR
    mem_free(kv);
    info->server = c->srv;
    info->conn_id = c->id;
    info->charset = hr->charset;
    info->client_flags = c->caps;
    info->attrs = attrs;
    info->n_attrs = (uint32_t)n;
    c->info = info;
    return 0;
}

/* The user is authenticated: open the session and send OK. */
static void login_ok(struct conn *c, uint8_t seq)
{
    const struct server_handler *h = c->srv->h;
    memset(&c->auth, 0, sizeof c->auth); /* No credentials linger. */
    struct server_resp r;
    srv__resp_init(&r, c, RESP_SIMPLE, seq);
    void *session = NULL;
    int rc = h->session_open(h->arg, c->info, &session, &r);
    if (rc == 0 && !r.error_sent && session) {
        srv__set_session(c->srv, c, session);
        c->phase = PH_COMMAND;
        if (r.state != RS_DONE)
            srv__send_ok(c, &r.seq, 0x00, 0, 0, c->status, 0, NULL);
        return;
    }
    if (rc == 0 && session) /* Opened but refused with an error: close it again. */
        h->session_close(h->arg, session);
    if (!r.error_sent) {
        uint16_t code;
        const char *state;
        char msg[512];
        server_err_from_code(rc ? rc : ERR_INTERNAL, &code, &state, msg, sizeof msg);
        srv__send_err(c, &r.seq, code, state, "%s", msg);
    }
    c->fatal = 1;
}

/* AuthMoreData: 0x01 then data. */
static int send_more_data(struct conn *c, uint8_t *seq, const void *data, size_t len)
{
    size_t start;
    int rc = wire_pkt_begin(&c->out, &start);
    if (!rc)
        rc = buf_put_u8(&c->out, 0x01);
    if (!rc)
        rc = buf_append(&c->out, data, len);
    if (!rc)
        rc = wire_pkt_end(&c->out, start, seq);
    if (rc)
        c->out.len = start;
    return rc;
}

/* Checks a proof for c->auth_plugin and continues the login. */
static void auth_check(struct conn *c, uint8_t seq, const uint8_t *data, size_t len)
{
    int empty = len == 0 || (len == 1 && data[0] == 0);
    const struct server_auth_info *a = &c->auth;
    if (a->no_password) {
        if (empty)
            login_ok(c, seq);
        else
            deny(c, seq, 1);
        return;
    }
    if (empty) {
        deny(c, seq, 0);
        return;
    }
    if (c->auth_plugin == SERVER_AUTH_NATIVE) {
        if (a->has_native && server_auth_native_check(c->scramble, data, len, a->native_hash))
            login_ok(c, seq);
        else
            deny(c, seq, 1);
        return;
    }
    /*
     * caching_sha2_password. As MySQL does, a proof that does not match (or no
     * cache entry) is not refused but answered with "perform full
     * authentication": the client then sends the password itself, RSA
     * encrypted, and that decides. (PyMySQL 1.0 computes its proof with the
     * NUL after the switch request's scramble and always lands here.)
     */
    if (len != 32 || !a->has_sha2) {
        deny(c, seq, 1);
        return;
    }
    if (a->sha2_cached && server_auth_sha2_check(c->scramble, data, len, a->sha2_hash)) {
        static const uint8_t fast_ok = 0x03;
        send_more_data(c, &seq, &fast_ok, 1);
        login_ok(c, seq);
        return;
    }
    static const uint8_t full = 0x04;
    send_more_data(c, &seq, &full, 1);
    c->phase = PH_SHA2_FULL;
    c->seq = seq;
}

static void login_handshake(struct conn *c, uint8_t seq)
{
    const struct server_handler *h = c->srv->h;
    struct wire_hs_response hr;
    if (wire_parse_handshake_response(c->pkt.data, c->pkt.len, WIRE_SERVER_CAPS, &hr)) {
        bad_handshake(c, seq);
        return;
    }
    c->caps = hr.caps & WIRE_SERVER_CAPS;
    int rc = make_info(c, &hr);
    if (rc) {
        if (rc == ERR_PROTOCOL)
            bad_handshake(c, seq);
        else {
            srv__send_err(c, &seq, SERVER_ER_OUTOFMEMORY, NULL, "Out of memory");
            c->fatal = 1;
        }
        return;
    }
    memset(&c->auth, 0, sizeof c->auth);
    rc = h->auth_lookup(h->arg, c->info->user, c->host, &c->auth);
    if (rc == ERR_NOT_FOUND) {
        deny(c, seq, hr.auth_len > 0 && !(hr.auth_len == 1 && hr.auth[0] == 0));
        return;
    }
    if (rc) {
        uint16_t code;
        const char *state;
        char msg[512];
        server_err_from_code(rc, &code, &state, msg, sizeof msg);
        srv__send_err(c, &seq, code, state, "%s", msg);
        c->fatal = 1;
        return;
    }
    uint8_t user_plugin =
        c->auth.plugin == SERVER_AUTH_SHA2 ? SERVER_AUTH_SHA2 : SERVER_AUTH_NATIVE;
    const char *want = plugin_name(user_plugin);
    int empty = hr.auth_len == 0 || (hr.auth_len == 1 && hr.auth[0] == 0);
    if (!(c->caps & SERVER_CLIENT_PLUGIN_AUTH)) {
        /* An old client speaks mysql_native_password only. */
        c->auth_plugin = SERVER_AUTH_NATIVE;
        auth_check(c, seq, hr.auth, hr.auth_len);
        return;
    }
    int same = hr.plugin
                   ? (hr.plugin_len == strlen(want) && !memcmp(hr.plugin, want, hr.plugin_len))
                   : user_plugin == SERVER_AUTH_NATIVE;
    if (same || (empty && c->auth.no_password)) {
        c->auth_plugin = user_plugin;
        auth_check(c, seq, hr.auth, hr.auth_len);
        return;
    }
    /* Auth Switch Request: 0xFE, plugin name, scramble + NUL. */
    c->auth_plugin = user_plugin;
    size_t start;
    rc = wire_pkt_begin(&c->out, &start);
    if (!rc)
        rc = buf_put_u8(&c->out, 0xfe);
    if (!rc)
        rc = buf_append(&c->out, want, strlen(want) + 1);
    if (!rc)
        rc = buf_append(&c->out, c->scramble, WIRE_SCRAMBLE_LEN);
    if (!rc)
        rc = buf_put_u8(&c->out, 0);
    if (!rc)
        rc = wire_pkt_end(&c->out, start, &seq);
    if (rc) {
        c->out.len = start;
        c->fatal = 1;
        return;
    }
    c->phase = PH_AUTH_SWITCH;
    c->seq = seq;
}

static void login_sha2_full(struct conn *c, uint8_t seq)
{
    struct server *s = c->srv;
    const uint8_t *d = c->pkt.data;
    size_t len = c->pkt.len;
    const struct server_rsa *rsa = srv__rsa(s);
    if (len == 1 && d[0] == 0x02) {
        /* The client asks for our public key to encrypt the password with. */
        if (!rsa) {
            deny(c, seq, 1);
            return;
        }
        size_t pem_len;
        const char *pem = server_rsa_pem(rsa, &pem_len);
        if (send_more_data(c, &seq, pem, pem_len)) {
            c->fatal = 1;
            return;
        }
        c->seq = seq;
        return;
    }
    /*
     * Without TLS a clear-text password is refused, as MySQL refuses it;
     * anything else must be the RSA ciphertext of (password + NUL) XOR
     * scramble.
     */
    uint8_t plain[512];
    size_t n;
    if (!rsa || len < 64 || server_rsa_decrypt(rsa, d, len, plain, sizeof plain, &n)) {
        deny(c, seq, 1);
        return;
    }
    for (size_t i = 0; i < n; i++)
        plain[i] ^= c->scramble[i % WIRE_SCRAMBLE_LEN];
    size_t pw_len = strnlen((const char *)plain, n);
    uint8_t hash[32];
    server_auth_sha2_hash((const char *)plain, pw_len, hash);
    memset(plain, 0, sizeof plain);
    if (!c->auth.has_sha2 || memcmp(hash, c->auth.sha2_hash, 32) != 0) {
        deny(c, seq, 1);
        return;
    }
    const struct server_handler *h = s->h;
    if (h->auth_cached)
        h->auth_cached(h->arg, c->info->user, c->host);
    login_ok(c, seq);
}

/* ---- Commands. ---- */

static void unknown_stmt(struct conn *c, uint8_t *seq, uint32_t id, const char *what)
{
    srv__send_err(c, seq, SERVER_ER_UNKNOWN_STMT_HANDLER, NULL,
                  "Unknown prepared statement handler (%u) given to %s", id, what);
}

static void malformed(struct conn *c, uint8_t *seq)
{
    srv__send_err(c, seq, SERVER_ER_MALFORMED_PACKET, NULL, "Malformed communication packet.");
}

static void cmd_execute(struct conn *c, uint8_t seq, const uint8_t *a, size_t alen)
{
    const struct server_handler *h = c->srv->h;
    struct wire_exec_head eh;
    if (wire_parse_exec_head(a, alen, &eh)) {
        malformed(c, &seq);
        return;
    }
    struct srv_stmt *st = find_stmt(c, eh.stmt_id, NULL);
    if (!st) {
        unknown_stmt(c, &seq, eh.stmt_id, "mysqld_stmt_execute");
        return;
    }
    if (st->long_err) {
        if (st->long_err == 2)
            srv__send_err(c, &seq, SERVER_ER_NET_PACKET_TOO_LARGE, "HY000",
                          "Parameter of prepared statement which is set through "
                          "mysql_send_long_data() is longer than 'max_allowed_packet' bytes");
        else
            srv__send_err(c, &seq, SERVER_ER_WRONG_ARGUMENTS, NULL,
                          "Incorrect arguments to mysqld_stmt_send_long_data");
        clear_long_data(st);
        return;
    }
    struct server_value stack_params[16];
    struct server_value *params = stack_params;
    if (st->n_params > 16) {
        params = mem_alloc(st->n_params * sizeof *params);
        if (!params) {
            srv__send_err(c, &seq, SERVER_ER_OUTOFMEMORY, NULL, "Out of memory");
            return;
        }
    }
    int rc = wire_parse_exec_params(a, alen, st->n_params, st->types, &st->have_types,
                                    st->long_data ? st->long_mask : NULL, params);
    if (rc == ERR_INVALID) {
        srv__send_err(c, &seq, SERVER_ER_WRONG_ARGUMENTS, NULL,
                      "Incorrect arguments to mysqld_stmt_execute");
    } else if (rc) {
        malformed(c, &seq);
    } else {
        if (st->long_data)
            for (uint16_t i = 0; i < st->n_params; i++)
                if (params[i].tag == SERVER_V_STRING && (st->long_mask[i / 8] & (1u << (i % 8)))) {
                    params[i].s.ptr =
                        st->long_data[i].data ? (const char *)st->long_data[i].data : "";
                    params[i].s.len = st->long_data[i].len;
                }
        unsigned flags = (eh.flags & 0x0f) ? SERVER_EXEC_CURSOR : 0;
        if (c->caps & SERVER_CLIENT_PS_MULTI_RESULTS)
            flags |= SERVER_QUERY_MULTI_RESULTS;
        struct server_resp r;
        srv__resp_init(&r, c, RESP_EXECUTE, seq);
        rc = h->stmt_execute
                 ? h->stmt_execute(h->arg, c->session, st->h, params, st->n_params, flags, &r)
                 : ERR_UNSUPPORTED;
        finish(c, &r, rc);
    }
    if (params != stack_params)
        mem_free(params);
    clear_long_data(st);
}

static void cmd_long_data(struct conn *c, const uint8_t *a, size_t alen)
{
    if (alen < 6)
        return; /* No response is ever sent to this command. */
    uint32_t id =
        (uint32_t)a[0] | (uint32_t)a[1] << 8 | (uint32_t)a[2] << 16 | (uint32_t)a[3] << 24;
    uint16_t pid = (uint16_t)(a[4] | a[5] << 8);
    struct srv_stmt *st = find_stmt(c, id, NULL);
    if (!st)
        return;
    if (pid >= st->n_params) {
        st->long_err = 1;
        return;
    }
    if (!st->long_data) {
        st->long_data = mem_calloc(st->n_params, sizeof(struct buf));
        if (!st->long_data) {
            st->long_err = 2;
            return;
        }
    }
    struct buf *b = &st->long_data[pid];
    if (b->len + (alen - 6) > c->max_packet || buf_append(b, a + 6, alen - 6)) {
        st->long_err = 2;
        return;
    }
    st->long_mask[pid / 8] |= (uint8_t)(1u << (pid % 8));
}

static void cmd_statistics(struct conn *c, uint8_t seq)
{
    struct server_stats st;
    server_get_stats(c->srv, &st);
    char line[1024];
    int n = snprintf(line, sizeof line,
                     "Uptime: %llu  Threads: %llu  Questions: %llu  Slow queries: 0  Opens: 0  "
                     "Flush tables: 0  Open tables: 0  Queries per second avg: %.3f",
                     (unsigned long long)st.uptime_s, (unsigned long long)st.n_conns,
                     (unsigned long long)st.questions,
                     st.uptime_s ? (double)st.questions / (double)st.uptime_s : 0.0);
    const struct server_handler *h = c->srv->h;
    if (h->statistics && n < (int)sizeof line - 2) {
        line[n++] = ' ';
        line[n++] = ' ';
        n += (int)h->statistics(h->arg, c->session, line + n, sizeof line - (size_t)n - 1);
        line[n] = 0;
    }
    srv__send_raw(c, &seq, line, (size_t)n);
}

static void do_command(struct conn *c, uint8_t seq)
{
    struct server *s = c->srv;
    const struct server_handler *h = s->h;
    uint8_t cmd = c->pkt.len ? c->pkt.data[0] : WIRE_COM_SLEEP;
    const uint8_t *a = c->pkt.data + (c->pkt.len ? 1 : 0);
    size_t alen = c->pkt.len ? c->pkt.len - 1 : 0;
    struct server_resp r;
    int rc;
    atomic_fetch_and(&c->kill, ~KILL_BIT_QUERY);
    atomic_fetch_add_explicit(&s->questions, 1, memory_order_relaxed);

    switch (cmd) {
    case WIRE_COM_QUIT:
        c->fatal = 1;
        return;
    case WIRE_COM_PING:
        srv__send_ok(c, &seq, 0x00, 0, 0, c->status, 0, NULL);
        return;
    case WIRE_COM_QUERY: {
        unsigned flags = 0;
        if (c->caps & SERVER_CLIENT_MULTI_STATEMENTS)
            flags |= SERVER_QUERY_MULTI_STATEMENTS;
        if (c->caps & SERVER_CLIENT_MULTI_RESULTS)
            flags |= SERVER_QUERY_MULTI_RESULTS;
        srv__resp_init(&r, c, RESP_QUERY, seq);
        rc = h->query(h->arg, c->session, (const char *)a, alen, flags, &r);
        finish(c, &r, rc);
        return;
    }
    case WIRE_COM_INIT_DB:
        srv__resp_init(&r, c, RESP_SIMPLE, seq);
        if (h->init_db) {
            rc = h->init_db(h->arg, c->session, (const char *)a, alen, &r);
            finish(c, &r, rc);
        } else {
            srv__send_ok(c, &seq, 0x00, 0, 0, c->status, 0, NULL);
        }
        return;
    case WIRE_COM_FIELD_LIST: {
        const uint8_t *z = memchr(a, 0, alen);
        size_t tlen = z ? (size_t)(z - a) : alen;
        const uint8_t *wild = z ? z + 1 : a + alen;
        size_t wlen = (size_t)(a + alen - wild);
        if (!h->field_list)
            break;
        srv__resp_init(&r, c, RESP_FIELD_LIST, seq);
        rc = h->field_list(h->arg, c->session, (const char *)a, tlen, (const char *)wild, wlen, &r);
        finish(c, &r, rc);
        return;
    }
    case WIRE_COM_STATISTICS:
        cmd_statistics(c, seq);
        return;
    case WIRE_COM_PROCESS_KILL: {
        if (alen < 4) {
            malformed(c, &seq);
            return;
        }
        uint32_t id =
            (uint32_t)a[0] | (uint32_t)a[1] << 8 | (uint32_t)a[2] << 16 | (uint32_t)a[3] << 24;
        if (server_kill(s, id, 0))
            srv__send_err(c, &seq, SERVER_ER_NO_SUCH_THREAD, NULL, "Unknown thread id: %u", id);
        else
            srv__send_ok(c, &seq, 0x00, 0, 0, c->status, 0, NULL);
        return;
    }
    case WIRE_COM_STMT_PREPARE:
        srv__resp_init(&r, c, RESP_PREPARE, seq);
        if (!h->stmt_prepare) {
            srv__send_err(c, &seq, SERVER_ER_UNSUPPORTED_PS, NULL,
                          "This command is not supported in the prepared statement protocol yet");
            return;
        }
        rc = h->stmt_prepare(h->arg, c->session, (const char *)a, alen, &r);
        finish(c, &r, rc);
        return;
    case WIRE_COM_STMT_EXECUTE:
        cmd_execute(c, seq, a, alen);
        return;
    case WIRE_COM_STMT_SEND_LONG_DATA:
        cmd_long_data(c, a, alen);
        return;
    case WIRE_COM_STMT_CLOSE: {
        uint32_t pos;
        if (alen < 4)
            return;
        uint32_t id =
            (uint32_t)a[0] | (uint32_t)a[1] << 8 | (uint32_t)a[2] << 16 | (uint32_t)a[3] << 24;
        struct srv_stmt *st = find_stmt(c, id, &pos);
        if (st) {
            memmove(&c->stmts[pos], &c->stmts[pos + 1], (c->n_stmts - pos - 1) * sizeof(*c->stmts));
            c->n_stmts--;
            free_stmt(c, st);
        }
        return; /* No response. */
    }
    case WIRE_COM_STMT_RESET: {
        if (alen < 4) {
            malformed(c, &seq);
            return;
        }
        uint32_t id =
            (uint32_t)a[0] | (uint32_t)a[1] << 8 | (uint32_t)a[2] << 16 | (uint32_t)a[3] << 24;
        struct srv_stmt *st = find_stmt(c, id, NULL);
        if (!st) {
            unknown_stmt(c, &seq, id, "mysqld_stmt_reset");
            return;
        }
        clear_long_data(st);
        rc = h->stmt_reset ? h->stmt_reset(h->arg, c->session, st->h) : 0;
        if (rc) {
            srv__resp_init(&r, c, RESP_SIMPLE, seq);
            finish(c, &r, rc);
        } else {
            srv__send_ok(c, &seq, 0x00, 0, 0, c->status, 0, NULL);
        }
        return;
    }
    case WIRE_COM_STMT_FETCH: {
        if (alen < 8) {
            malformed(c, &seq);
            return;
        }
        uint32_t id =
            (uint32_t)a[0] | (uint32_t)a[1] << 8 | (uint32_t)a[2] << 16 | (uint32_t)a[3] << 24;
        if (!find_stmt(c, id, NULL))
            unknown_stmt(c, &seq, id, "mysqld_stmt_fetch");
        else
            srv__send_err(c, &seq, SERVER_ER_STMT_HAS_NO_OPEN_CURSOR, NULL,
                          "The statement (%u) has no open cursor.", id);
        return;
    }
    case WIRE_COM_SET_OPTION: {
        if (alen < 2) {
            malformed(c, &seq);
            return;
        }
        uint16_t opt = (uint16_t)(a[0] | a[1] << 8);
        if (opt > 1)
            break;
        if (opt == 0)
            c->caps |= SERVER_CLIENT_MULTI_STATEMENTS;
        else
            c->caps &= ~(uint32_t)SERVER_CLIENT_MULTI_STATEMENTS;
        srv__send_eof(c, &seq, 0, c->status);
        return;
    }
    case WIRE_COM_RESET_CONNECTION:
        close_all_stmts(c);
        c->status = SERVER_STATUS_AUTOCOMMIT;
        srv__resp_init(&r, c, RESP_SIMPLE, seq);
        if (h->reset_connection) {
            rc = h->reset_connection(h->arg, c->session, &r);
            finish(c, &r, rc);
        } else {
            srv__send_ok(c, &seq, 0x00, 0, 0, c->status, 0, NULL);
        }
        return;
    default:
        break;
    }
    srv__send_err(c, &seq, SERVER_ER_UNKNOWN_COM, NULL, "Unknown command");
}

/* Handles one taken packet (or a framing error) according to the phase. */
static void process(struct conn *c, int took, uint8_t seq)
{
    switch (took) {
    case TAKE_BAD_SEQ:
        if (c->phase == PH_COMMAND)
            srv__send_err(c, &seq, SERVER_ER_NET_PACKETS_OUT_OF_ORDER, NULL,
                          "Got packets out of order");
        else
            srv__send_err(c, &seq, SERVER_ER_HANDSHAKE, NULL, "Bad handshake");
        c->fatal = 1;
        return;
    case TAKE_TOO_BIG:
        if (c->phase == PH_COMMAND)
            srv__send_err(c, &seq, SERVER_ER_NET_PACKET_TOO_LARGE, NULL,
                          "Got a packet bigger than 'max_allowed_packet' bytes");
        else
            srv__send_err(c, &seq, SERVER_ER_HANDSHAKE, NULL, "Bad handshake");
        c->fatal = 1;
        return;
    case TAKE_NOMEM:
        srv__send_err(c, &seq, SERVER_ER_OUTOFMEMORY, NULL, "Out of memory");
        c->fatal = 1;
        return;
    default:
        break;
    }
    switch (c->phase) {
    case PH_HANDSHAKE:
        login_handshake(c, seq);
        break;
    case PH_AUTH_SWITCH:
        auth_check(c, seq, c->pkt.data, c->pkt.len);
        break;
    case PH_SHA2_FULL:
        login_sha2_full(c, seq);
        break;
    default:
        do_command(c, seq);
        break;
    }
}

/* Frees executor-owned buffers that grew large, before the connection idles. */
static void shrink(struct conn *c)
{
    if (c->pkt.cap > SRV_KEEP_BUF)
        buf_deinit(&c->pkt);
    if (c->scratch.cap > SRV_KEEP_BUF)
        buf_deinit(&c->scratch);
    if (c->out.len == 0 && c->out.cap > SRV_KEEP_BUF)
        buf_deinit(&c->out);
}

/* Ends the connection: session and statements closed here, socket by the loop. */
static void conn_close(struct conn *c)
{
    struct server *s = c->srv;
    const struct server_handler *h = s->h;
    if (!c->dead && c->out.len > c->out_off)
        srv__flush(c, 1);
    srv__unregister(s, c);
    close_all_stmts(c);
    if (c->session) {
        h->session_close(h->arg, c->session);
        c->session = NULL;
    }
    shrink(c);
    int leftovers = !c->dead && c->out.len > c->out_off;
    pthread_mutex_lock(&c->mu);
    c->state = CONN_CLOSING;
    pthread_mutex_unlock(&c->mu);
    if (leftovers) {
        c->close_after_flush = 1;
        srv__post(c, OP_FLUSH | OP_CLOSE);
    } else {
        srv__post(c, OP_CLOSE);
    }
}

void srv__conn_run(struct conn *c)
{
    struct server *s = c->srv;
    int n_run = 0;
    for (;;) {
        uint8_t seq = 0;
        pthread_mutex_lock(&c->mu);
        if (c->close_req || (atomic_load(&c->kill) & (KILL_BIT_CONN | KILL_BIT_SHUTDOWN)) ||
            atomic_load(&s->stopping))
            c->fatal = 1;
        if (c->fatal || c->dead) {
            pthread_mutex_unlock(&c->mu);
            break;
        }
        int took = take_packet(c, &seq);
        if (took == TAKE_NONE) {
            if (c->eof) {
                pthread_mutex_unlock(&c->mu);
                break;
            }
            pthread_mutex_unlock(&c->mu);
            if (c->out.len > c->out_off) {
                if (srv__flush(c, 1))
                    break;
                if (c->out.len > c->out_off) {
                    /* The socket is full: the loop writes the rest and then reads again. */
                    shrink(c);
                    pthread_mutex_lock(&c->mu);
                    c->state = CONN_FLUSHING;
                    pthread_mutex_unlock(&c->mu);
                    srv__post(c, OP_FLUSH);
                    return;
                }
                continue; /* Input may have arrived meanwhile. */
            }
            shrink(c);
            pthread_mutex_lock(&c->mu);
            if (srv__conn_ready(c)) {
                pthread_mutex_unlock(&c->mu);
                continue;
            }
            c->state = CONN_IDLE;
            if (c->in.len > c->in_off && !c->partial_ns)
                c->partial_ns = srv__now();
            int resume = c->read_stopped && !c->eof;
            pthread_mutex_unlock(&c->mu);
            if (resume)
                srv__post(c, OP_RESUME);
            return;
        }
        pthread_mutex_unlock(&c->mu);
        process(c, took, seq);
        if (c->fatal || c->dead)
            break;
        if (++n_run >= SRV_MAX_RUN) {
            /* Fairness: a pipelining client goes to the back of the queue. */
            if (srv__flush(c, 1))
                break;
            shrink(c);
            pthread_mutex_lock(&c->mu);
            if (c->out.len > c->out_off) {
                c->state = CONN_FLUSHING;
                pthread_mutex_unlock(&c->mu);
                srv__post(c, OP_FLUSH);
            } else {
                c->state = CONN_READY;
                pthread_mutex_unlock(&c->mu);
                srv__enqueue(s, c);
            }
            return;
        }
    }
    conn_close(c);
}
