/*
 * test_server.c: the MySQL protocol server end to end. Each case starts a
 * server in this process on a free loopback port with a TEST handler defined
 * here (users, a few canned statements, an echoing prepared statement), then
 * drives it with real clients: raw sockets speaking the protocol for edge
 * cases (authentication paths, framing errors, the binary protocol, slow and
 * hostile clients), the `mariadb` command-line client and Python's PyMySQL in
 * subprocesses. It also measures the memory of 10,000 idle connections and
 * the query rate of a trivial handler.
 */
#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"
#include "os/clock.h"
#include "server/auth.h"
#include "server/server.h"
#include "server/wire.h"
#include "test.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ======================================================================
 * The test handler.
 * ====================================================================== */

struct tsess {
    uint64_t conn_id;      /* Connection id. */
    struct server *server; /* For KILL. */
    _Atomic int killed;    /* Last kill reason, 0 if none. */
    uint16_t status;       /* Session status flags. */
    char db[64];           /* Current database. */
};

struct tstmt {
    int n_params; /* '?' count. */
};

static struct {
    _Atomic int sessions_open;   /* session_open minus session_close. */
    _Atomic int sessions_total;  /* session_open calls that succeeded. */
    _Atomic int stmts_open;      /* Prepared statements alive. */
    _Atomic int sleeping;        /* Statements inside "sleep". */
    _Atomic int rows_active;     /* Statements streaming "rows". */
    _Atomic int rows_failed;     /* "rows" statements ended by a write failure. */
    _Atomic int kills[5];        /* kill calls by reason. */
    _Atomic int resets;          /* COM_RESET_CONNECTION calls. */
    _Atomic int auth_cached;     /* auth_cached calls. */
    _Atomic uint32_t last_flags; /* Flags of the last query call. */
    char last_attr[128];         /* "_client_name" attribute of the last session. */
} th;

static pthread_mutex_t attr_mu = PTHREAD_MUTEX_INITIALIZER; /* Guards th.last_attr. */

/* The _client_name attribute of the last session opened. */
static const char *last_attr(void)
{
    static char copy[128];
    pthread_mutex_lock(&attr_mu);
    memcpy(copy, th.last_attr, sizeof copy);
    pthread_mutex_unlock(&attr_mu);
    return copy;
}

static void th_reset(void)
{
    memset(&th, 0, sizeof th);
}

static int t_auth_lookup(void *arg, const char *user, const char *host,
                         struct server_auth_info *out)
{
    (void)arg;
    (void)host;
    memset(out, 0, sizeof *out);
    if (!strcmp(user, "root")) {
        out->plugin = SERVER_AUTH_NATIVE;
        out->no_password = 1;
        return 0;
    }
    const char *pw = NULL;
    if (!strcmp(user, "nat")) {
        out->plugin = SERVER_AUTH_NATIVE;
        pw = "natpw";
    } else if (!strcmp(user, "sha")) {
        out->plugin = SERVER_AUTH_SHA2;
        out->sha2_cached = 1;
        pw = "shapw";
    } else if (!strcmp(user, "full")) {
        out->plugin = SERVER_AUTH_SHA2;
        pw = "fullpw";
    } else {
        return ERR_NOT_FOUND;
    }
    out->has_native = 1;
    out->has_sha2 = 1;
    server_auth_native_hash(pw, strlen(pw), out->native_hash);
    server_auth_sha2_hash(pw, strlen(pw), out->sha2_hash);
    return 0;
}

static void t_auth_cached(void *arg, const char *user, const char *host)
{
    (void)arg;
    (void)user;
    (void)host;
    atomic_fetch_add(&th.auth_cached, 1);
}

static int t_session_open(void *arg, const struct server_conn_info *info, void **session,
                          struct server_resp *r)
{
    (void)arg;
    if (info->db && !strcmp(info->db, "secret"))
        return server_resp_error(r, SERVER_ER_DBACCESS_DENIED, NULL,
                                 "Access denied for user '%s'@'%s' to database '%s'", info->user,
                                 info->host, info->db),
               -1;
    if (info->db && strcmp(info->db, "test") && strcmp(info->db, "mysql"))
        return server_resp_error(r, SERVER_ER_BAD_DB, NULL, "Unknown database '%s'", info->db), -1;
    struct tsess *s = mem_calloc(1, sizeof *s);
    if (!s)
        return ERR_NOMEM;
    s->conn_id = info->conn_id;
    s->server = info->server;
    s->status = SERVER_STATUS_AUTOCOMMIT;
    if (info->db)
        snprintf(s->db, sizeof s->db, "%s", info->db);
    pthread_mutex_lock(&attr_mu);
    for (uint32_t i = 0; i < info->n_attrs; i++)
        if (!strcmp(info->attrs[i].key, "_client_name"))
            snprintf(th.last_attr, sizeof th.last_attr, "%s", info->attrs[i].value);
    pthread_mutex_unlock(&attr_mu);
    atomic_fetch_add(&th.sessions_open, 1);
    atomic_fetch_add(&th.sessions_total, 1);
    *session = s;
    return 0;
}

static void t_session_close(void *arg, void *session)
{
    (void)arg;
    mem_free(session);
    atomic_fetch_sub(&th.sessions_open, 1);
}

static void t_kill(void *arg, void *session, int why)
{
    (void)arg;
    struct tsess *s = session;
    atomic_store(&s->killed, why);
    if (why >= 0 && why < 5)
        atomic_fetch_add(&th.kills[why], 1);
}

static struct server_column col(const char *name, uint8_t type, uint16_t flags, uint8_t dec,
                                uint16_t charset)
{
    struct server_column c = {.db = "test",
                              .table = "t",
                              .org_table = "t",
                              .name = name,
                              .org_name = name,
                              .charset = charset,
                              .length = 20,
                              .type = type,
                              .flags = flags,
                              .decimals = dec};
    return c;
}

static int send_ok(struct server_resp *r, struct tsess *s, int more)
{
    struct server_ok ok = {.status = s->status, .more = (uint8_t)more};
    return server_resp_ok(r, &ok);
}

/* The rows of "typed": one of every common type. */
static int send_typed(struct server_resp *r, struct tsess *s, int more)
{
    struct server_column cols[10] = {
        col("id", SERVER_TYPE_LONG, SERVER_COL_NOT_NULL | SERVER_COL_PRI_KEY, 0, 63),
        col("name", SERVER_TYPE_VAR_STRING, 0, 0, 45),
        col("price", SERVER_TYPE_DOUBLE, 0, 31, 63),
        col("amount", SERVER_TYPE_NEWDECIMAL, 0, 2, 63),
        col("created", SERVER_TYPE_DATETIME, 0, 0, 63),
        col("dur", SERVER_TYPE_TIME, 0, 0, 63),
        col("day", SERVER_TYPE_DATE, 0, 0, 63),
        col("ratio", SERVER_TYPE_FLOAT, 0, 31, 63),
        col("big", SERVER_TYPE_LONGLONG, SERVER_COL_UNSIGNED, 0, 63),
        col("nothing", SERVER_TYPE_VAR_STRING, 0, 0, 45),
    };
    int rc = server_resp_begin(r, cols, 10);
    if (rc)
        return rc;
    struct server_value v[10];
    v[0] = server_value_int(1);
    v[1] = server_value_str("alpha", 5);
    v[2] = server_value_double(0.1);
    v[3] = (struct server_value){.tag = SERVER_V_DECIMAL, .s = {"12.50", 5}};
    v[4] = (struct server_value){
        .tag = SERVER_V_DATETIME,
        .t = {.year = 2024, .month = 1, .day = 2, .hour = 3, .minute = 4, .second = 5}};
    v[5] =
        (struct server_value){.tag = SERVER_V_TIME, .t = {.hour = 12, .minute = 34, .second = 56}};
    v[6] = (struct server_value){.tag = SERVER_V_DATE, .t = {.year = 2024, .month = 1, .day = 2}};
    v[7] = server_value_double(0.5);
    v[8] = server_value_uint(UINT64_MAX);
    v[9] = server_value_null();
    if ((rc = server_resp_row(r, v)))
        return rc;
    v[0] = server_value_int(2);
    v[1] = server_value_str("beta \xc3\xa9", 7);
    v[2] = server_value_double(1e20);
    v[3] = (struct server_value){.tag = SERVER_V_DECIMAL, .s = {"-0.01", 5}};
    v[4] = (struct server_value){
        .tag = SERVER_V_DATETIME,
        .t = {.year = 1999, .month = 12, .day = 31, .hour = 23, .minute = 59, .second = 59}};
    v[5] = (struct server_value){.tag = SERVER_V_TIME,
                                 .t = {.hour = 838, .minute = 59, .second = 59, .neg = 1}};
    v[6] = (struct server_value){.tag = SERVER_V_DATE, .t = {.year = 1999, .month = 12, .day = 31}};
    v[7] = server_value_double((float)3.14159265);
    v[8] = server_value_uint(0);
    if ((rc = server_resp_row(r, v)))
        return rc;
    struct server_ok ok = {.status = s->status, .more = (uint8_t)more};
    return server_resp_end(r, &ok);
}

static int starts(const char *sql, size_t len, const char *p)
{
    size_t n = strlen(p);
    return len >= n && !strncasecmp(sql, p, n);
}

/* One statement of a COM_QUERY. */
static int run_stmt(struct tsess *s, const char *sql, size_t len, int more, struct server_resp *r)
{
    while (len && (*sql == ' ' || *sql == '\n'))
        sql++, len--;
    while (len && (sql[len - 1] == ' ' || sql[len - 1] == '\n'))
        len--;
    if (starts(sql, len, "select 1") && len == 8) {
        struct server_column c = col("1", SERVER_TYPE_LONGLONG, SERVER_COL_NOT_NULL, 0, 63);
        int rc = server_resp_begin(r, &c, 1);
        struct server_value v = server_value_int(1);
        if (!rc)
            rc = server_resp_row(r, &v);
        struct server_ok ok = {.status = s->status, .more = (uint8_t)more};
        return rc ? rc : server_resp_end(r, &ok);
    }
    if (starts(sql, len, "select @@version_comment")) {
        struct server_column c = col("@@version_comment", SERVER_TYPE_VAR_STRING, 0, 0, 45);
        int rc = server_resp_begin(r, &c, 1);
        struct server_value v = server_value_str("Atoll test", 10);
        if (!rc)
            rc = server_resp_row(r, &v);
        struct server_ok ok = {.status = s->status, .more = (uint8_t)more};
        return rc ? rc : server_resp_end(r, &ok);
    }
    if (starts(sql, len, "typed"))
        return send_typed(r, s, more);
    if (starts(sql, len, "echo ")) {
        struct server_column c = col("echo", SERVER_TYPE_VAR_STRING, 0, 0, 45);
        int rc = server_resp_begin(r, &c, 1);
        struct server_value v = server_value_str(sql + 5, len - 5);
        if (!rc)
            rc = server_resp_row(r, &v);
        struct server_ok ok = {.status = s->status, .more = (uint8_t)more};
        return rc ? rc : server_resp_end(r, &ok);
    }
    if (starts(sql, len, "rows ")) {
        long n = atol(sql + 5);
        struct server_column cols[2] = {col("i", SERVER_TYPE_LONGLONG, 0, 0, 63),
                                        col("pad", SERVER_TYPE_VAR_STRING, 0, 0, 45)};
        static const char pad[] = "0123456789012345678901234567890123456789012345678901234567890123"
                                  "4567890123456789012345678901234567890123456789";
        int rc = server_resp_begin(r, cols, 2);
        if (rc)
            return rc;
        atomic_fetch_add(&th.rows_active, 1);
        for (long i = 0; i < n && !rc; i++) {
            struct server_value v[2] = {server_value_int(i), server_value_str(pad, 100)};
            rc = server_resp_row(r, v);
        }
        atomic_fetch_sub(&th.rows_active, 1);
        if (rc) {
            atomic_fetch_add(&th.rows_failed, 1);
            return rc;
        }
        struct server_ok ok = {.status = s->status, .more = (uint8_t)more};
        return server_resp_end(r, &ok);
    }
    if (starts(sql, len, "bigrow ")) {
        size_t n = (size_t)atol(sql + 7);
        char *big = mem_alloc(n);
        if (!big)
            return ERR_NOMEM;
        for (size_t i = 0; i < n; i++)
            big[i] = (char)('a' + i % 26);
        struct server_column c = col("big", SERVER_TYPE_LONG_BLOB, SERVER_COL_BINARY, 0, 63);
        int rc = server_resp_begin(r, &c, 1);
        struct server_value v = server_value_str(big, n);
        if (!rc)
            rc = server_resp_row(r, &v);
        mem_free(big);
        struct server_ok ok = {.status = s->status, .more = (uint8_t)more};
        return rc ? rc : server_resp_end(r, &ok);
    }
    if (starts(sql, len, "len ")) {
        struct server_column c = col("len", SERVER_TYPE_LONGLONG, 0, 0, 63);
        int rc = server_resp_begin(r, &c, 1);
        size_t x = 0;
        for (size_t i = 4; i < len; i++)
            x += sql[i] == 'x';
        struct server_value v = server_value_uint(x);
        if (!rc)
            rc = server_resp_row(r, &v);
        struct server_ok ok = {.status = s->status, .more = (uint8_t)more};
        return rc ? rc : server_resp_end(r, &ok);
    }
    if (starts(sql, len, "sleep ")) {
        long ms = atol(sql + 6);
        atomic_fetch_add(&th.sleeping, 1);
        int killed = 0;
        for (long t = 0; t < ms; t += 5) {
            if ((killed = atomic_load(&s->killed)))
                break;
            usleep(5000);
        }
        atomic_fetch_sub(&th.sleeping, 1);
        if (killed)
            return server_resp_error(r, SERVER_ER_QUERY_INTERRUPTED, NULL,
                                     "Query execution was interrupted");
        return send_ok(r, s, more);
    }
    if (starts(sql, len, "killq ")) {
        if (server_kill(s->server, (uint64_t)atoll(sql + 6), 1))
            return server_resp_error(r, SERVER_ER_NO_SUCH_THREAD, NULL, "Unknown thread id: %s",
                                     sql + 6);
        return send_ok(r, s, more);
    }
    if (starts(sql, len, "maxpacket ")) {
        server_resp_set_max_packet(r, (uint32_t)atol(sql + 10));
        return send_ok(r, s, more);
    }
    if (starts(sql, len, "insert")) {
        struct server_ok ok = {.affected_rows = 3,
                               .last_insert_id = 42,
                               .status = s->status,
                               .warnings = 1,
                               .more = (uint8_t)more,
                               .info = "Records: 3"};
        return server_resp_ok(r, &ok);
    }
    if (starts(sql, len, "error"))
        return server_resp_error(r, SERVER_ER_PARSE, NULL,
                                 "You have an error in your SQL syntax near 'error'");
    if (starts(sql, len, "noresp"))
        return 0;
    if (starts(sql, len, "fail"))
        return ERR_DEADLOCK;
    if (starts(sql, len, "set autocommit")) {
        s->status = (uint16_t)(strchr(sql, '0') && (size_t)(strchr(sql, '0') - sql) < len
                                   ? s->status & ~SERVER_STATUS_AUTOCOMMIT
                                   : s->status | SERVER_STATUS_AUTOCOMMIT);
        return send_ok(r, s, more);
    }
    if (starts(sql, len, "begin")) {
        s->status |= SERVER_STATUS_IN_TRANS;
        return send_ok(r, s, more);
    }
    if (starts(sql, len, "commit") || starts(sql, len, "rollback")) {
        s->status &= (uint16_t)~SERVER_STATUS_IN_TRANS;
        return send_ok(r, s, more);
    }
    return send_ok(r, s, more);
}

static int t_query(void *arg, void *session, const char *sql, size_t len, unsigned flags,
                   struct server_resp *r)
{
    (void)arg;
    struct tsess *s = session;
    atomic_store(&s->killed, 0);
    atomic_store(&th.last_flags, flags);
    if (sql[len] != 0)
        return server_resp_error(r, SERVER_ER_UNKNOWN, NULL, "query text not NUL-terminated");
    const char *semi = memchr(sql, ';', len);
    if (semi && !starts(sql, len, "echo") && !starts(sql, len, "len")) {
        if (!(flags & SERVER_QUERY_MULTI_STATEMENTS))
            return server_resp_error(r, SERVER_ER_PARSE, NULL,
                                     "You have an error in your SQL "
                                     "syntax near ';'");
        const char *p = sql, *end = sql + len;
        while (p < end) {
            const char *e = memchr(p, ';', (size_t)(end - p));
            if (!e)
                e = end;
            int more = e < end;
            int rc = run_stmt(s, p, (size_t)(e - p), more, r);
            if (rc)
                return rc;
            if (!more || server_resp_killed(r))
                break;
            /* An error ended the response: stop. */
            if (starts(p, (size_t)(e - p), " error") || starts(p, (size_t)(e - p), "error"))
                break;
            p = e + 1;
        }
        return 0;
    }
    return run_stmt(s, sql, len, 0, r);
}

static int count_params(const char *sql, size_t len)
{
    int n = 0;
    for (size_t i = 0; i < len; i++)
        n += sql[i] == '?';
    return n;
}

static int t_prepare(void *arg, void *session, const char *sql, size_t len, struct server_resp *r)
{
    (void)arg;
    (void)session;
    if (!starts(sql, len, "echo"))
        return server_resp_error(r, SERVER_ER_PARSE, NULL, "cannot prepare '%.*s'", (int)len, sql);
    struct tstmt *st = mem_calloc(1, sizeof *st);
    if (!st)
        return ERR_NOMEM;
    st->n_params = count_params(sql, len);
    struct server_column cols[32];
    for (int i = 0; i < st->n_params && i < 32; i++)
        cols[i] = col("p", SERVER_TYPE_VAR_STRING, 0, 0, 45);
    atomic_fetch_add(&th.stmts_open, 1);
    return server_resp_prepared(r, st, NULL, (uint16_t)st->n_params, cols, (uint16_t)st->n_params,
                                0);
}

static int t_execute(void *arg, void *session, void *stmt, const struct server_value *params,
                     uint32_t n, unsigned flags, struct server_resp *r)
{
    (void)arg;
    (void)flags;
    struct tsess *s = session;
    struct tstmt *st = stmt;
    if ((int)n != st->n_params)
        return server_resp_error(r, SERVER_ER_WRONG_ARGUMENTS, NULL, "bad param count");
    if (n == 0)
        return send_ok(r, s, 0);
    struct server_column cols[32];
    for (uint32_t i = 0; i < n && i < 32; i++) {
        switch (params[i].tag) {
        case SERVER_V_INT:
            cols[i] = col("p", SERVER_TYPE_LONGLONG, 0, 0, 63);
            break;
        case SERVER_V_UINT:
            cols[i] = col("p", SERVER_TYPE_LONGLONG, SERVER_COL_UNSIGNED, 0, 63);
            break;
        case SERVER_V_DOUBLE:
            cols[i] = col("p", SERVER_TYPE_DOUBLE, 0, 31, 63);
            break;
        case SERVER_V_DECIMAL:
            cols[i] = col("p", SERVER_TYPE_NEWDECIMAL, 0, 2, 63);
            break;
        case SERVER_V_DATE:
            cols[i] = col("p", SERVER_TYPE_DATE, 0, 0, 63);
            break;
        case SERVER_V_DATETIME:
            cols[i] = col("p", SERVER_TYPE_DATETIME, 0, 6, 63);
            break;
        case SERVER_V_TIME:
            cols[i] = col("p", SERVER_TYPE_TIME, 0, 6, 63);
            break;
        default:
            cols[i] = col("p", SERVER_TYPE_VAR_STRING, 0, 0, 45);
            break;
        }
    }
    int rc = server_resp_begin(r, cols, n);
    if (!rc)
        rc = server_resp_row(r, params);
    struct server_ok ok = {.status = s->status};
    return rc ? rc : server_resp_end(r, &ok);
}

static void t_stmt_close(void *arg, void *session, void *stmt)
{
    (void)arg;
    (void)session;
    mem_free(stmt);
    atomic_fetch_sub(&th.stmts_open, 1);
}

static int t_stmt_reset(void *arg, void *session, void *stmt)
{
    (void)arg;
    (void)session;
    (void)stmt;
    return 0;
}

static int t_init_db(void *arg, void *session, const char *db, size_t len, struct server_resp *r)
{
    (void)arg;
    struct tsess *s = session;
    if (len == 4 && !memcmp(db, "test", 4)) {
        snprintf(s->db, sizeof s->db, "test");
        return send_ok(r, s, 0);
    }
    return server_resp_error(r, SERVER_ER_BAD_DB, NULL, "Unknown database '%.*s'", (int)len, db);
}

static int t_field_list(void *arg, void *session, const char *table, size_t len, const char *wild,
                        size_t wlen, struct server_resp *r)
{
    (void)arg;
    (void)session;
    (void)wild;
    (void)wlen;
    if (len == 2 && !memcmp(table, "t1", 2)) {
        struct server_column cols[2] = {
            col("id", SERVER_TYPE_LONG, SERVER_COL_NOT_NULL | SERVER_COL_PRI_KEY, 0, 63),
            col("name", SERVER_TYPE_VAR_STRING, 0, 0, 45)};
        return server_resp_field_list(r, cols, 2);
    }
    return server_resp_error(r, SERVER_ER_NO_SUCH_TABLE, NULL, "Table 'test.%.*s' doesn't exist",
                             (int)len, table);
}

static int t_reset(void *arg, void *session, struct server_resp *r)
{
    (void)arg;
    struct tsess *s = session;
    s->status = SERVER_STATUS_AUTOCOMMIT;
    atomic_fetch_add(&th.resets, 1);
    return send_ok(r, s, 0);
}

static size_t t_statistics(void *arg, void *session, char *buf, size_t cap)
{
    (void)arg;
    (void)session;
    int n = snprintf(buf, cap, "Atoll: test");
    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

static const struct server_handler test_handler = {
    .auth_lookup = t_auth_lookup,
    .auth_cached = t_auth_cached,
    .session_open = t_session_open,
    .session_close = t_session_close,
    .query = t_query,
    .stmt_prepare = t_prepare,
    .stmt_execute = t_execute,
    .stmt_reset = t_stmt_reset,
    .stmt_close = t_stmt_close,
    .init_db = t_init_db,
    .field_list = t_field_list,
    .reset_connection = t_reset,
    .statistics = t_statistics,
    .kill = t_kill,
};

static struct server *start_server_opts(struct server_opts *o)
{
    th_reset();
    o->handler = &test_handler;
    struct server *s;
    ASSERT_OK(server_create(o, &s));
    ASSERT_OK(server_start(s));
    ASSERT(server_port(s) != 0);
    return s;
}

static struct server *start_server(unsigned loops, uint32_t write_timeout_ms)
{
    struct server_opts o;
    server_opts_init(&o);
    o.n_loops = loops;
    o.write_timeout_ms = write_timeout_ms;
    return start_server_opts(&o);
}

static uint64_t now_ms(void)
{
    return os_now_ns() / 1000000ull;
}

/* Waits up to ms for *v to equal want. */
static int wait_int(_Atomic int *v, int want, int ms)
{
    uint64_t end = now_ms() + (uint64_t)ms;
    while (atomic_load(v) != want) {
        if (now_ms() > end)
            return 0;
        usleep(1000);
    }
    return 1;
}

static void stop_server(struct server *s)
{
    ASSERT_OK(server_stop(s, 5000));
    server_destroy(s);
    ASSERT_EQ(atomic_load(&th.sessions_open), 0);
    ASSERT_EQ(atomic_load(&th.stmts_open), 0);
}

/* ======================================================================
 * A raw protocol client.
 * ====================================================================== */

struct rc {
    int fd;               /* Socket. */
    uint8_t seq;          /* Next sequence id to send. */
    uint32_t caps;        /* Capabilities we asked for. */
    uint32_t server_caps; /* Capabilities offered. */
    uint32_t conn_id;     /* Id from the handshake. */
    uint8_t scramble[20]; /* The handshake's scramble. */
    struct buf pkt;       /* Last packet read. */
};

#define BASE_CAPS                                                                                  \
    (SERVER_CLIENT_LONG_PASSWORD | SERVER_CLIENT_PROTOCOL_41 | SERVER_CLIENT_SECURE_CONNECTION |   \
     SERVER_CLIENT_PLUGIN_AUTH | SERVER_CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA |                    \
     SERVER_CLIENT_TRANSACTIONS | SERVER_CLIENT_MULTI_RESULTS | SERVER_CLIENT_CONNECT_ATTRS)

static int rc_connect(struct rc *c, uint16_t port)
{
    memset(c, 0, sizeof *c);
    buf_init(&c->pkt);
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c->fd < 0)
        return -1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {.tv_sec = 10};
    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(c->fd, (struct sockaddr *)&a, sizeof a) < 0) {
        close(c->fd);
        c->fd = -1;
        return -1;
    }
    return 0;
}

static void rc_close(struct rc *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    buf_deinit(&c->pkt);
}

static int read_full(int fd, void *p, size_t n)
{
    uint8_t *q = p;
    while (n) {
        ssize_t r = read(fd, q, n);
        if (r <= 0) {
            if (r < 0 && errno == EINTR)
                continue;
            return -1;
        }
        q += r;
        n -= (size_t)r;
    }
    return 0;
}

static int write_full(int fd, const void *p, size_t n)
{
    const uint8_t *q = p;
    while (n) {
        ssize_t r = write(fd, q, n);
        if (r <= 0) {
            if (r < 0 && errno == EINTR)
                continue;
            return -1;
        }
        q += r;
        n -= (size_t)r;
    }
    return 0;
}

/* Reads one logical packet into c->pkt (chunks joined). Returns its length or -1. */
static long rc_read(struct rc *c)
{
    c->pkt.len = 0;
    for (;;) {
        uint8_t h[4];
        if (read_full(c->fd, h, 4))
            return -1;
        size_t n = (size_t)h[0] | (size_t)h[1] << 8 | (size_t)h[2] << 16;
        c->seq = (uint8_t)(h[3] + 1);
        if (buf_reserve(&c->pkt, n + 1))
            return -1;
        if (read_full(c->fd, c->pkt.data + c->pkt.len, n))
            return -1;
        c->pkt.len += n;
        if (n < WIRE_MAX_CHUNK)
            break;
    }
    c->pkt.data[c->pkt.len] = 0;
    return (long)c->pkt.len;
}

/* Sends payload as one logical packet (split when large) starting at c->seq. */
static int rc_write(struct rc *c, const void *p, size_t len)
{
    struct buf b;
    buf_init(&b);
    size_t start;
    wire_pkt_begin(&b, &start);
    buf_append(&b, p, len);
    wire_pkt_end(&b, start, &c->seq);
    int rc = write_full(c->fd, b.data, b.len);
    buf_deinit(&b);
    return rc;
}

/* Sends a command (seq 0). */
static int rc_cmd(struct rc *c, uint8_t cmd, const void *arg, size_t len)
{
    uint8_t *p = mem_alloc(len + 1);
    p[0] = cmd;
    if (len)
        memcpy(p + 1, arg, len);
    c->seq = 0;
    int rc = rc_write(c, p, len + 1);
    mem_free(p);
    return rc;
}

/* Error code of an ERR packet in c->pkt, 0 if not an error. */
static int pkt_err(const struct rc *c)
{
    if (c->pkt.len >= 3 && c->pkt.data[0] == 0xff)
        return c->pkt.data[1] | c->pkt.data[2] << 8;
    return 0;
}

static const char *pkt_errmsg(const struct rc *c)
{
    return c->pkt.len > 9 ? (const char *)c->pkt.data + 9 : "";
}

static void rsa_encrypt_pw(const char *pem, size_t pem_len, const char *pw,
                           const uint8_t scramble[20], uint8_t *out, size_t *out_len)
{
    BIO *bio = BIO_new_mem_buf(pem, (int)pem_len);
    EVP_PKEY *pub = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    ASSERT(pub);
    uint8_t plain[128];
    size_t n = strlen(pw) + 1;
    memcpy(plain, pw, n);
    for (size_t i = 0; i < n; i++)
        plain[i] ^= scramble[i % 20];
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pub, NULL);
    ASSERT(EVP_PKEY_encrypt_init(ctx) == 1);
    ASSERT(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1);
    ASSERT(EVP_PKEY_encrypt(ctx, out, out_len, plain, n) == 1);
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(pub);
    BIO_free(bio);
}

/* The proof a plugin sends for pw, into out; returns its length. */
static size_t make_proof(const char *plugin, const char *pw, const uint8_t scramble[20],
                         uint8_t out[32])
{
    if (!pw || !pw[0])
        return 0;
    if (!strcmp(plugin, SERVER_AUTH_SHA2_NAME)) {
        server_auth_sha2_proof(pw, strlen(pw), scramble, out);
        return 32;
    }
    server_auth_native_proof(pw, strlen(pw), scramble, out);
    return 20;
}

/* Flags of the login exchange, for tests that check which path ran. */
struct login_trace {
    int switched; /* An Auth Switch Request came. */
    int fast_ok;  /* caching_sha2 fast path succeeded (0x01 0x03). */
    int full;     /* Full authentication was requested (0x01 0x04). */
    int got_key;  /* The server sent its public key. */
};

/*
 * Logs in. Returns 0, the MySQL error number, or -1 on a broken exchange.
 * plugin is what the client claims to use first.
 */
static int rc_login_ex(struct rc *c, uint16_t port, const char *user, const char *pw,
                       const char *db, uint32_t extra_caps, const char *plugin,
                       struct login_trace *tr)
{
    struct login_trace dummy;
    if (!tr)
        tr = &dummy;
    memset(tr, 0, sizeof *tr);
    if (rc_connect(c, port))
        return -1;
    if (rc_read(c) < 0 || c->pkt.data[0] != 10)
        return -1;
    struct wire_rd r;
    wire_rd_init(&r, c->pkt.data, c->pkt.len);
    size_t n;
    wire_rd_u8(&r);
    wire_rd_nulstr(&r, &n);
    c->conn_id = wire_rd_u32(&r);
    memcpy(c->scramble, wire_rd_bytes(&r, 8), 8);
    wire_rd_u8(&r);
    c->server_caps = wire_rd_u16(&r);
    wire_rd_u8(&r);
    wire_rd_u16(&r);
    c->server_caps |= (uint32_t)wire_rd_u16(&r) << 16;
    wire_rd_u8(&r);
    wire_rd_bytes(&r, 10);
    memcpy(c->scramble + 8, wire_rd_bytes(&r, 12), 12);
    if (r.bad)
        return -1;
    c->caps = (BASE_CAPS | extra_caps | (db ? SERVER_CLIENT_CONNECT_WITH_DB : 0)) & c->server_caps;
    struct buf b;
    buf_init(&b);
    buf_put_u32le(&b, c->caps);
    buf_put_u32le(&b, 1 << 24);
    buf_put_u8(&b, 45);
    uint8_t zero[23] = {0};
    buf_append(&b, zero, 23);
    buf_append(&b, user, strlen(user) + 1);
    uint8_t proof[32];
    size_t pl = make_proof(plugin, pw, c->scramble, proof);
    wire_put_lenstr(&b, proof, pl);
    if (db)
        buf_append(&b, db, strlen(db) + 1);
    buf_append(&b, plugin, strlen(plugin) + 1);
    struct buf a;
    buf_init(&a);
    wire_put_lencstr(&a, "_client_name");
    wire_put_lencstr(&a, "rawtest");
    wire_put_lenstr(&b, a.data, a.len);
    buf_deinit(&a);
    int rc = rc_write(c, b.data, b.len);
    buf_deinit(&b);
    if (rc)
        return -1;
    const char *cur_plugin = plugin;
    char switched_to[64];
    for (int step = 0; step < 8; step++) {
        if (rc_read(c) < 0)
            return -1;
        uint8_t h = c->pkt.data[0];
        if (h == 0x00)
            return 0;
        if (h == 0xff)
            return pkt_err(c);
        if (h == 0xfe) {
            tr->switched = 1;
            snprintf(switched_to, sizeof switched_to, "%s", (const char *)c->pkt.data + 1);
            cur_plugin = switched_to;
            size_t nl = strlen(switched_to);
            if (c->pkt.len < 1 + nl + 1 + 20)
                return -1;
            memcpy(c->scramble, c->pkt.data + 1 + nl + 1, 20);
            pl = make_proof(cur_plugin, pw, c->scramble, proof);
            if (rc_write(c, proof, pl))
                return -1;
            continue;
        }
        if (h == 0x01) {
            if (c->pkt.len == 2 && c->pkt.data[1] == 0x03) {
                tr->fast_ok = 1;
                continue;
            }
            if (c->pkt.len == 2 && c->pkt.data[1] == 0x04) {
                tr->full = 1;
                uint8_t req = 0x02;
                if (rc_write(c, &req, 1))
                    return -1;
                continue;
            }
            tr->got_key = 1;
            uint8_t enc[512];
            size_t el = sizeof enc;
            rsa_encrypt_pw((const char *)c->pkt.data + 1, c->pkt.len - 1, pw, c->scramble, enc,
                           &el);
            if (rc_write(c, enc, el))
                return -1;
            continue;
        }
        return -1;
    }
    return -1;
}

static int rc_login(struct rc *c, uint16_t port, const char *user, const char *pw,
                    uint32_t extra_caps)
{
    return rc_login_ex(c, port, user, pw, NULL, extra_caps, SERVER_AUTH_NATIVE_NAME, NULL);
}

/* A result as text: cells joined by '\t', rows by '\n', NULL as "NULL". */
struct result {
    int err;            /* MySQL error number (0: none). */
    char msg[600];      /* Its message with SQLSTATE: "#28000Access denied...". */
    uint32_t n_cols;    /* Columns (0 for an OK). */
    uint8_t types[64];  /* Column types. */
    uint64_t affected;  /* OK: affected rows. */
    uint64_t insert_id; /* OK: last insert id. */
    uint16_t status;    /* Status of the terminator. */
    uint16_t warnings;  /* Warning count. */
    char info[64];      /* OK info. */
    int n_rows;         /* Rows read. */
    struct buf text;    /* The rows. */
};

static void parse_ok(struct rc *c, struct result *res, size_t off)
{
    struct wire_rd r;
    wire_rd_init(&r, c->pkt.data + off, c->pkt.len - off);
    res->affected = wire_rd_lenenc(&r, NULL);
    res->insert_id = wire_rd_lenenc(&r, NULL);
    res->status = wire_rd_u16(&r);
    res->warnings = wire_rd_u16(&r);
    if (wire_rd_left(&r)) {
        size_t n;
        const uint8_t *s = (c->caps & SERVER_CLIENT_SESSION_TRACK)
                               ? wire_rd_lenstr(&r, &n)
                               : wire_rd_bytes(&r, n = wire_rd_left(&r));
        if (s)
            snprintf(res->info, sizeof res->info, "%.*s", (int)n, s);
    }
}

/* Reads one result (OK, ERR, or a text/binary result set). Returns 0 or -1 on a broken stream. */
static int rc_result(struct rc *c, struct result *res, int binary)
{
    buf_deinit(&res->text);
    memset(res, 0, sizeof *res);
    buf_init(&res->text);
    if (rc_read(c) < 0)
        return -1;
    if (c->pkt.data[0] == 0xff) {
        res->err = pkt_err(c);
        snprintf(res->msg, sizeof res->msg, "%s", (const char *)c->pkt.data + 3);
        return 0;
    }
    if (c->pkt.data[0] == 0x00) {
        parse_ok(c, res, 1);
        return 0;
    }
    struct wire_rd r;
    wire_rd_init(&r, c->pkt.data, c->pkt.len);
    res->n_cols = (uint32_t)wire_rd_lenenc(&r, NULL);
    for (uint32_t i = 0; i < res->n_cols; i++) {
        if (rc_read(c) < 0)
            return -1;
        wire_rd_init(&r, c->pkt.data, c->pkt.len);
        size_t n;
        for (int k = 0; k < 6; k++)
            wire_rd_lenstr(&r, &n);
        wire_rd_bytes(&r, 7);
        uint8_t t = wire_rd_u8(&r);
        if (r.bad)
            return -1;
        if (i < 64)
            res->types[i] = t;
    }
    if (!(c->caps & SERVER_CLIENT_DEPRECATE_EOF)) {
        if (rc_read(c) < 0 || c->pkt.data[0] != 0xfe || c->pkt.len != 5)
            return -1;
    }
    for (;;) {
        if (rc_read(c) < 0)
            return -1;
        if (c->pkt.data[0] == 0xfe && c->pkt.len < WIRE_MAX_CHUNK) {
            if (c->caps & SERVER_CLIENT_DEPRECATE_EOF) {
                parse_ok(c, res, 1);
            } else {
                if (c->pkt.len != 5)
                    return -1;
                res->warnings = (uint16_t)(c->pkt.data[1] | c->pkt.data[2] << 8);
                res->status = (uint16_t)(c->pkt.data[3] | c->pkt.data[4] << 8);
            }
            return 0;
        }
        if (c->pkt.data[0] == 0xff) {
            res->err = pkt_err(c);
            snprintf(res->msg, sizeof res->msg, "%s", (const char *)c->pkt.data + 3);
            return 0;
        }
        if (res->n_rows)
            buf_put_u8(&res->text, '\n');
        res->n_rows++;
        if (binary) {
            buf_append(&res->text, c->pkt.data, c->pkt.len); /* Raw; the test decodes. */
            continue;
        }
        wire_rd_init(&r, c->pkt.data, c->pkt.len);
        for (uint32_t i = 0; i < res->n_cols; i++) {
            if (i)
                buf_put_u8(&res->text, '\t');
            int is_null;
            if (r.p < r.end && *r.p == 0xfb) {
                r.p++;
                buf_append(&res->text, "NULL", 4);
                continue;
            }
            size_t n;
            const uint8_t *s = wire_rd_lenstr(&r, &n);
            (void)is_null;
            if (!s && n)
                return -1;
            buf_append(&res->text, s, n);
        }
        if (r.bad)
            return -1;
    }
}

static const char *res_text(struct result *res)
{
    buf_put_u8(&res->text, 0);
    res->text.len--;
    return (const char *)res->text.data;
}

static int rc_query(struct rc *c, const char *sql, struct result *res)
{
    if (rc_cmd(c, WIRE_COM_QUERY, sql, strlen(sql)))
        return -1;
    return rc_result(c, res, 0);
}

/* Sends a simple command and reads one packet; returns its first byte or -1. */
static int rc_simple(struct rc *c, uint8_t cmd, const void *arg, size_t len)
{
    if (rc_cmd(c, cmd, arg, len) || rc_read(c) < 0)
        return -1;
    return c->pkt.data[0];
}

/* True once the server has closed the connection (EOF within 3 s). */
static int rc_closed(struct rc *c)
{
    struct pollfd p = {.fd = c->fd, .events = POLLIN};
    if (poll(&p, 1, 3000) <= 0)
        return 0;
    char x;
    return read(c->fd, &x, 1) <= 0;
}

/* ======================================================================
 * Tests.
 * ====================================================================== */

TEST(server_start_stop)
{
    struct server *s = start_server(2, 0);
    uint16_t port = server_port(s);
    struct rc c;
    ASSERT_EQ(rc_login(&c, port, "root", "", 0), 0);
    struct server_stats st;
    server_get_stats(s, &st);
    ASSERT_EQ(st.n_conns, 1);
    ASSERT(st.n_workers >= 2);
    rc_close(&c);
    /* A second server on the same port fails instead of sharing it. */
    struct server_opts o;
    server_opts_init(&o);
    o.port = port;
    o.handler = &test_handler;
    struct server *s2;
    ASSERT_OK(server_create(&o, &s2));
    ASSERT_EQ(server_start(s2), ERR_IO);
    ASSERT(strstr(err_msg(), "Address already in use"));
    server_destroy(s2);
    stop_server(s);
    /* The port is free again: nobody listens. */
    struct rc d;
    ASSERT(rc_connect(&d, port) != 0);
}

TEST(server_text_queries)
{
    struct server *s = start_server(2, 0);
    uint16_t port = server_port(s);
    struct rc c;
    struct result res = {0};
    ASSERT_EQ(rc_login(&c, port, "root", "", 0), 0);
    ASSERT_STR_EQ(last_attr(), "rawtest");
    ASSERT_OK(rc_query(&c, "select 1", &res));
    ASSERT_EQ(res.err, 0);
    ASSERT_EQ(res.n_cols, 1);
    ASSERT_EQ(res.types[0], SERVER_TYPE_LONGLONG);
    ASSERT_STR_EQ(res_text(&res), "1");
    ASSERT_EQ(res.status, SERVER_STATUS_AUTOCOMMIT);
    ASSERT_OK(rc_query(&c, "typed", &res));
    ASSERT_EQ(res.n_cols, 10);
    ASSERT_STR_EQ(res_text(&res),
                  "1\talpha\t0.1\t12.50\t2024-01-02 03:04:05\t12:34:56\t2024-01-02\t0.5\t"
                  "18446744073709551615\tNULL\n"
                  "2\tbeta \xc3\xa9\t1e20\t-0.01\t1999-12-31 23:59:59\t-838:59:59\t1999-12-31\t"
                  "3.14159\t0\tNULL");
    /* OK packet fields come from the handler. */
    ASSERT_OK(rc_query(&c, "insert into t values (1),(2),(3)", &res));
    ASSERT_EQ(res.affected, 3);
    ASSERT_EQ(res.insert_id, 42);
    ASSERT_EQ(res.warnings, 1);
    ASSERT_STR_EQ(res.info, "Records: 3");
    /* Status flags follow the session. */
    ASSERT_OK(rc_query(&c, "begin", &res));
    ASSERT_EQ(res.status, SERVER_STATUS_AUTOCOMMIT | SERVER_STATUS_IN_TRANS);
    ASSERT_EQ(rc_simple(&c, WIRE_COM_PING, NULL, 0), 0x00);
    ASSERT_EQ(c.pkt.data[3] | c.pkt.data[4] << 8,
              SERVER_STATUS_AUTOCOMMIT | SERVER_STATUS_IN_TRANS);
    ASSERT_OK(rc_query(&c, "commit", &res));
    ASSERT_EQ(res.status, SERVER_STATUS_AUTOCOMMIT);
    /* Errors: from the handler, from an ERR_* code, from a handler that sent nothing. */
    ASSERT_OK(rc_query(&c, "error", &res));
    ASSERT_EQ(res.err, 1064);
    ASSERT(!strncmp(res.msg, "#42000You have an error", 23));
    ASSERT_OK(rc_query(&c, "fail", &res));
    ASSERT_EQ(res.err, 1213);
    ASSERT(!strncmp(res.msg, "#40001Deadlock found", 20));
    ASSERT_OK(rc_query(&c, "noresp", &res));
    ASSERT_EQ(res.err, 1105);
    /* Other commands. */
    ASSERT_EQ(rc_simple(&c, WIRE_COM_STATISTICS, NULL, 0), 'U');
    ASSERT(strstr((char *)c.pkt.data, "Uptime: ") == (char *)c.pkt.data);
    ASSERT(strstr((char *)c.pkt.data, "Threads: 1  Questions: "));
    ASSERT(strstr((char *)c.pkt.data, "Atoll: test"));
    ASSERT_EQ(rc_simple(&c, WIRE_COM_INIT_DB, "test", 4), 0x00);
    ASSERT_EQ(rc_simple(&c, WIRE_COM_INIT_DB, "nope", 4), 0xff);
    ASSERT_EQ(pkt_err(&c), 1049);
    ASSERT_EQ(rc_cmd(&c, WIRE_COM_FIELD_LIST, "t1\0", 3), 0);
    for (int i = 0; i < 2; i++) {
        ASSERT(rc_read(&c) > 0);
        ASSERT_EQ(c.pkt.data[0], 3);                /* "def" */
        ASSERT_EQ(c.pkt.data[c.pkt.len - 1], 0xfb); /* Default value: NULL. */
    }
    ASSERT(rc_read(&c) == 5 && c.pkt.data[0] == 0xfe);
    ASSERT_EQ(rc_simple(&c, WIRE_COM_FIELD_LIST, "zz\0", 3), 0xff);
    ASSERT_EQ(pkt_err(&c), 1146);
    ASSERT_EQ(rc_simple(&c, WIRE_COM_PROCESS_KILL, "\x99\x99\x00\x00", 4), 0xff);
    ASSERT_EQ(pkt_err(&c), 1094);
    ASSERT_STR_EQ(pkt_errmsg(&c), "Unknown thread id: 39321");
    /* Unknown commands keep the connection. */
    ASSERT_EQ(rc_simple(&c, 0xee, NULL, 0), 0xff);
    ASSERT_EQ(pkt_err(&c), 1047);
    ASSERT_STR_EQ(pkt_errmsg(&c), "Unknown command");
    ASSERT(!memcmp(c.pkt.data + 3, "#08S01", 6));
    ASSERT_EQ(rc_simple(&c, WIRE_COM_PING, NULL, 0), 0x00);
    /* An empty packet is COM_SLEEP: unknown too. */
    uint8_t empty[4] = {0, 0, 0, 0};
    ASSERT_OK(write_full(c.fd, empty, 4));
    ASSERT(rc_read(&c) > 0);
    ASSERT_EQ(pkt_err(&c), 1047);
    ASSERT_EQ(rc_simple(&c, WIRE_COM_RESET_CONNECTION, NULL, 0), 0x00);
    ASSERT_EQ(atomic_load(&th.resets), 1);
    /* COM_QUIT closes without an answer. */
    ASSERT_OK(rc_cmd(&c, WIRE_COM_QUIT, NULL, 0));
    ASSERT(rc_closed(&c));
    rc_close(&c);
    buf_deinit(&res.text);
    ASSERT(wait_int(&th.sessions_open, 0, 2000));
    stop_server(s);
}

TEST(server_deprecate_eof_and_multi)
{
    struct server *s = start_server(1, 0);
    uint16_t port = server_port(s);
    struct rc c;
    struct result res = {0};
    ASSERT_EQ(rc_login(&c, port, "root", "",
                       SERVER_CLIENT_DEPRECATE_EOF | SERVER_CLIENT_MULTI_STATEMENTS |
                           SERVER_CLIENT_SESSION_TRACK),
              0);
    /* With DEPRECATE_EOF: no EOF after the columns, an OK (0xFE) at the end. */
    ASSERT_OK(rc_cmd(&c, WIRE_COM_QUERY, "select 1", 8));
    ASSERT(rc_read(&c) == 1 && c.pkt.data[0] == 1);
    ASSERT(rc_read(&c) > 0 && c.pkt.data[0] == 3);                          /* column definition */
    ASSERT(rc_read(&c) == 2 && c.pkt.data[0] == 1 && c.pkt.data[1] == '1'); /* the row */
    ASSERT(rc_read(&c) == 7 && c.pkt.data[0] == 0xfe);                      /* OK with 0xFE */
    ASSERT_EQ(c.pkt.data[3] | c.pkt.data[4] << 8, SERVER_STATUS_AUTOCOMMIT);
    ASSERT_EQ(c.seq, 5);
    /* Multi-statements: MORE_RESULTS on each result but the last. */
    ASSERT_OK(rc_cmd(&c, WIRE_COM_QUERY, "select 1; insert; typed", 23));
    ASSERT_OK(rc_result(&c, &res, 0));
    ASSERT_STR_EQ(res_text(&res), "1");
    ASSERT(res.status & SERVER_MORE_RESULTS_EXISTS);
    ASSERT_OK(rc_result(&c, &res, 0));
    ASSERT_EQ(res.affected, 3);
    ASSERT(res.status & SERVER_MORE_RESULTS_EXISTS);
    ASSERT_OK(rc_result(&c, &res, 0));
    ASSERT_EQ(res.n_rows, 2);
    ASSERT(!(res.status & SERVER_MORE_RESULTS_EXISTS));
    ASSERT(atomic_load(&th.last_flags) & SERVER_QUERY_MULTI_STATEMENTS);
    /* An error ends the sequence. */
    ASSERT_OK(rc_cmd(&c, WIRE_COM_QUERY, "select 1;error;select 1", 23));
    ASSERT_OK(rc_result(&c, &res, 0));
    ASSERT(res.status & SERVER_MORE_RESULTS_EXISTS);
    ASSERT_OK(rc_result(&c, &res, 0));
    ASSERT_EQ(res.err, 1064);
    ASSERT_EQ(rc_simple(&c, WIRE_COM_PING, NULL, 0), 0x00); /* Nothing else was pending. */
    /* COM_SET_OPTION turns multi-statements off: answered with the EOF-replacing OK. */
    ASSERT_EQ(rc_simple(&c, WIRE_COM_SET_OPTION, "\x01\x00", 2), 0xfe);
    ASSERT_OK(rc_query(&c, "select 1; select 1", &res));
    ASSERT_EQ(res.err, 1064);
    ASSERT(!(atomic_load(&th.last_flags) & SERVER_QUERY_MULTI_STATEMENTS));
    ASSERT_EQ(rc_simple(&c, WIRE_COM_SET_OPTION, "\x00\x00", 2), 0xfe);
    ASSERT_OK(rc_query(&c, "select 1; select 1", &res));
    ASSERT(res.status & SERVER_MORE_RESULTS_EXISTS);
    ASSERT_OK(rc_result(&c, &res, 0));
    rc_close(&c);

    /* Classic EOF packets when the client does not ask for DEPRECATE_EOF. */
    ASSERT_EQ(rc_login(&c, port, "root", "", 0), 0);
    ASSERT_OK(rc_cmd(&c, WIRE_COM_QUERY, "select 1", 8));
    ASSERT(rc_read(&c) == 1);
    ASSERT(rc_read(&c) > 0);
    ASSERT(rc_read(&c) == 5 && c.pkt.data[0] == 0xfe);
    ASSERT(rc_read(&c) == 2);
    ASSERT(rc_read(&c) == 5 && c.pkt.data[0] == 0xfe);
    ASSERT_EQ(rc_simple(&c, WIRE_COM_SET_OPTION, "\x01\x00", 2), 0xfe);
    ASSERT_EQ(c.pkt.len, 5);
    rc_close(&c);
    buf_deinit(&res.text);
    stop_server(s);
}

TEST(server_auth)
{
    struct server *s = start_server(2, 0);
    uint16_t port = server_port(s);
    struct rc c;
    struct login_trace tr;
    /* mysql_native_password with a password, right and wrong. */
    ASSERT_EQ(rc_login_ex(&c, port, "nat", "natpw", NULL, 0, SERVER_AUTH_NATIVE_NAME, &tr), 0);
    ASSERT(!tr.switched);
    rc_close(&c);
    ASSERT_EQ(rc_login_ex(&c, port, "nat", "bad", NULL, 0, SERVER_AUTH_NATIVE_NAME, &tr), 1045);
    ASSERT_STR_EQ(pkt_errmsg(&c), "Access denied for user 'nat'@'127.0.0.1' (using password: YES)");
    ASSERT(!memcmp(c.pkt.data + 3, "#28000", 6));
    ASSERT(rc_closed(&c));
    rc_close(&c);
    ASSERT_EQ(rc_login_ex(&c, port, "nat", "", NULL, 0, SERVER_AUTH_NATIVE_NAME, &tr), 1045);
    ASSERT_STR_EQ(pkt_errmsg(&c), "Access denied for user 'nat'@'127.0.0.1' (using password: NO)");
    rc_close(&c);
    ASSERT_EQ(rc_login_ex(&c, port, "ghost", "x", NULL, 0, SERVER_AUTH_NATIVE_NAME, &tr), 1045);
    ASSERT_STR_EQ(pkt_errmsg(&c),
                  "Access denied for user 'ghost'@'127.0.0.1' (using password: YES)");
    rc_close(&c);
    /* A password given for a user without one is refused too. */
    ASSERT_EQ(rc_login_ex(&c, port, "root", "x", NULL, 0, SERVER_AUTH_NATIVE_NAME, &tr), 1045);
    rc_close(&c);
    /* Root with an empty password from a client that starts with caching_sha2. */
    ASSERT_EQ(rc_login_ex(&c, port, "root", "", NULL, 0, SERVER_AUTH_SHA2_NAME, &tr), 0);
    rc_close(&c);
    /* caching_sha2 fast path. */
    ASSERT_EQ(rc_login_ex(&c, port, "sha", "shapw", NULL, 0, SERVER_AUTH_SHA2_NAME, &tr), 0);
    ASSERT(tr.fast_ok && !tr.switched && !tr.full);
    ASSERT_EQ(rc_simple(&c, WIRE_COM_PING, NULL, 0), 0x00);
    rc_close(&c);
    /* A wrong fast-path proof falls back to full authentication, which refuses. */
    ASSERT_EQ(rc_login_ex(&c, port, "sha", "nope", NULL, 0, SERVER_AUTH_SHA2_NAME, &tr), 1045);
    ASSERT(tr.full && tr.got_key && !tr.fast_ok);
    rc_close(&c);
    /* Auth switch: the client offers native, the user has caching_sha2 (and the reverse). */
    ASSERT_EQ(rc_login_ex(&c, port, "sha", "shapw", NULL, 0, SERVER_AUTH_NATIVE_NAME, &tr), 0);
    ASSERT(tr.switched && tr.fast_ok);
    rc_close(&c);
    ASSERT_EQ(rc_login_ex(&c, port, "nat", "natpw", NULL, 0, SERVER_AUTH_SHA2_NAME, &tr), 0);
    ASSERT(tr.switched && !tr.fast_ok);
    rc_close(&c);
    ASSERT_EQ(rc_login_ex(&c, port, "nat", "wrong", NULL, 0, SERVER_AUTH_SHA2_NAME, &tr), 1045);
    rc_close(&c);
    /* Full authentication over RSA when the cache has no entry. */
    ASSERT_EQ(rc_login_ex(&c, port, "full", "fullpw", NULL, 0, SERVER_AUTH_SHA2_NAME, &tr), 0);
    ASSERT(tr.full && tr.got_key && !tr.fast_ok);
    ASSERT_EQ(atomic_load(&th.auth_cached), 1);
    rc_close(&c);
    ASSERT_EQ(rc_login_ex(&c, port, "full", "wrongpw", NULL, 0, SERVER_AUTH_SHA2_NAME, &tr), 1045);
    ASSERT(tr.full && tr.got_key);
    rc_close(&c);
    /* A database the handler refuses at connect. */
    ASSERT_EQ(rc_login_ex(&c, port, "root", "", "nodb", 0, SERVER_AUTH_NATIVE_NAME, &tr), 1049);
    ASSERT_STR_EQ(pkt_errmsg(&c), "Unknown database 'nodb'");
    ASSERT(rc_closed(&c));
    rc_close(&c);
    ASSERT_EQ(rc_login_ex(&c, port, "root", "", "secret", 0, SERVER_AUTH_NATIVE_NAME, &tr), 1044);
    rc_close(&c);
    ASSERT_EQ(rc_login_ex(&c, port, "root", "", "test", 0, SERVER_AUTH_NATIVE_NAME, &tr), 0);
    rc_close(&c);
    ASSERT(wait_int(&th.sessions_open, 0, 2000));
    stop_server(s);
}

TEST(server_protocol_errors)
{
    struct server *s = start_server(1, 0);
    uint16_t port = server_port(s);
    struct rc c;
    /* Garbage instead of the handshake response: 1043 and closed. */
    ASSERT_OK(rc_connect(&c, port));
    ASSERT(rc_read(&c) > 0);
    ASSERT_OK(write_full(c.fd, "GET / HTTP/1.1\r\n\r\n", 18));
    ASSERT(rc_read(&c) > 0);
    ASSERT_EQ(pkt_err(&c), 1043);
    ASSERT_STR_EQ(pkt_errmsg(&c), "Bad handshake");
    ASSERT(rc_closed(&c));
    rc_close(&c);
    /* A well-framed but malformed handshake response. */
    ASSERT_OK(rc_connect(&c, port));
    ASSERT(rc_read(&c) > 0);
    ASSERT_OK(rc_write(&c, "\x00\x02\x00\x00junk", 8));
    ASSERT(rc_read(&c) > 0);
    ASSERT_EQ(pkt_err(&c), 1043);
    ASSERT(rc_closed(&c));
    rc_close(&c);
    /* Out-of-order sequence id on a command: 1156 and closed. */
    ASSERT_EQ(rc_login(&c, port, "root", "", 0), 0);
    uint8_t ping[5] = {1, 0, 0, 5, WIRE_COM_PING};
    ASSERT_OK(write_full(c.fd, ping, 5));
    ASSERT(rc_read(&c) > 0);
    ASSERT_EQ(pkt_err(&c), 1156);
    ASSERT_STR_EQ(pkt_errmsg(&c), "Got packets out of order");
    ASSERT(rc_closed(&c));
    rc_close(&c);
    /* A packet over max_allowed_packet: 1153 and closed. */
    ASSERT_EQ(rc_login(&c, port, "root", "", 0), 0);
    struct result res = {0};
    ASSERT_OK(rc_query(&c, "maxpacket 1024", &res));
    ASSERT_EQ(res.err, 0);
    char big[2000];
    memset(big, 'x', sizeof big);
    memcpy(big, "echo ", 5);
    ASSERT_OK(rc_cmd(&c, WIRE_COM_QUERY, big, sizeof big));
    ASSERT(rc_read(&c) > 0);
    ASSERT_EQ(pkt_err(&c), 1153);
    ASSERT_STR_EQ(pkt_errmsg(&c), "Got a packet bigger than 'max_allowed_packet' bytes");
    ASSERT(rc_closed(&c));
    rc_close(&c);
    /* Malformed COM_STMT_EXECUTE: 1835, the connection stays. */
    ASSERT_EQ(rc_login(&c, port, "root", "", 0), 0);
    ASSERT_EQ(rc_simple(&c, WIRE_COM_STMT_EXECUTE, "\x01\x00", 2), 0xff);
    ASSERT_EQ(pkt_err(&c), 1835);
    ASSERT_EQ(rc_simple(&c, WIRE_COM_STMT_EXECUTE, "\x07\x00\x00\x00\x00\x01\x00\x00\x00", 9),
              0xff);
    ASSERT_EQ(pkt_err(&c), 1243);
    ASSERT_STR_EQ(pkt_errmsg(&c),
                  "Unknown prepared statement handler (7) given to mysqld_stmt_execute");
    ASSERT_EQ(rc_simple(&c, WIRE_COM_PING, NULL, 0), 0x00);
    rc_close(&c);
    /* Half a packet and silence: nothing happens to others (see server_slow_clients). */
    buf_deinit(&res.text);
    ASSERT(wait_int(&th.sessions_open, 0, 2000));
    stop_server(s);
}

TEST(server_big_packets)
{
    struct server *s = start_server(2, 0);
    uint16_t port = server_port(s);
    struct rc c;
    struct result res = {0};
    ASSERT_EQ(rc_login(&c, port, "root", "", 0), 0);
    /* A 17 MB query arrives joined from two chunks. */
    size_t n = 17u * 1000u * 1000u;
    char *q = mem_alloc(n);
    memset(q, 'x', n);
    memcpy(q, "len ", 4);
    ASSERT_OK(rc_cmd(&c, WIRE_COM_QUERY, q, n));
    mem_free(q);
    ASSERT_OK(rc_result(&c, &res, 0));
    ASSERT_EQ(res.err, 0);
    char want[32];
    snprintf(want, sizeof want, "%zu", n - 4);
    ASSERT_STR_EQ(res_text(&res), want);
    /* A 17 MB row leaves split into chunks; the client joins them. */
    ASSERT_OK(rc_query(&c, "bigrow 17000000", &res));
    ASSERT_EQ(res.err, 0);
    ASSERT_EQ(res.n_rows, 1);
    ASSERT_EQ(res.text.len, 17000000);
    ASSERT_EQ(res.text.data[0], 'a');
    ASSERT_EQ(res.text.data[16999999], (char)('a' + 16999999 % 26));
    ASSERT_EQ(rc_simple(&c, WIRE_COM_PING, NULL, 0), 0x00);
    rc_close(&c);
    buf_deinit(&res.text);
    stop_server(s);
}

/* Appends a binary-protocol value for COM_STMT_EXECUTE. */
static void put_exec_header(struct buf *b, uint32_t id, uint16_t n, const uint8_t *nulls,
                            const uint8_t *types)
{
    buf_put_u8(b, WIRE_COM_STMT_EXECUTE);
    buf_put_u32le(b, id);
    buf_put_u8(b, 0);
    buf_put_u32le(b, 1);
    buf_append(b, nulls, ((size_t)n + 7) / 8);
    buf_put_u8(b, types ? 1 : 0);
    if (types)
        buf_append(b, types, 2 * (size_t)n);
}

TEST(server_prepared_binary)
{
    struct server *s = start_server(2, 0);
    uint16_t port = server_port(s);
    struct rc c;
    struct result res = {0};
    ASSERT_EQ(rc_login(&c, port, "root", "", 0), 0);
    const char *sql = "echo ?, ?, ?, ?, ?, ?, ?, ?";
    ASSERT_OK(rc_cmd(&c, WIRE_COM_STMT_PREPARE, sql, strlen(sql)));
    ASSERT(rc_read(&c) == 12 && c.pkt.data[0] == 0);
    uint32_t id = (uint32_t)c.pkt.data[1] | (uint32_t)c.pkt.data[2] << 8;
    ASSERT_EQ(c.pkt.data[5] | c.pkt.data[6] << 8, 8); /* columns */
    ASSERT_EQ(c.pkt.data[7] | c.pkt.data[8] << 8, 8); /* params */
    for (int i = 0; i < 8; i++)
        ASSERT(rc_read(&c) > 0 && c.pkt.data[0] == 3);
    ASSERT(rc_read(&c) == 5 && c.pkt.data[0] == 0xfe);
    for (int i = 0; i < 8; i++)
        ASSERT(rc_read(&c) > 0 && c.pkt.data[0] == 3);
    ASSERT(rc_read(&c) == 5 && c.pkt.data[0] == 0xfe);
    ASSERT_EQ(atomic_load(&th.stmts_open), 1);

    /* Execute with types bound: LONGLONG, VAR_STRING, DOUBLE, NULL, DATETIME, TIME, TINY
     * unsigned, NEWDECIMAL. */
    uint8_t types[16] = {SERVER_TYPE_LONGLONG, 0,    SERVER_TYPE_VAR_STRING, 0,
                         SERVER_TYPE_DOUBLE,   0,    SERVER_TYPE_LONG,       0,
                         SERVER_TYPE_DATETIME, 0,    SERVER_TYPE_TIME,       0,
                         SERVER_TYPE_TINY,     0x80, SERVER_TYPE_NEWDECIMAL, 0};
    uint8_t nulls[1] = {0x08};
    struct buf b;
    buf_init(&b);
    put_exec_header(&b, id, 8, nulls, types);
    buf_put_u64le(&b, (uint64_t)-5);
    wire_put_lenstr(&b, "h\xc3\xa9llo", 6);
    double d = 2.5;
    buf_append(&b, &d, 8);
    uint8_t dt[] = {11, 0xe8, 0x07, 2, 29, 23, 59, 58, 0x40, 0xe2, 0x01, 0x00};
    buf_append(&b, dt, sizeof dt);
    uint8_t tm[] = {8, 1, 1, 0, 0, 0, 2, 3, 4};
    buf_append(&b, tm, sizeof tm);
    buf_put_u8(&b, 250);
    wire_put_lenstr(&b, "3.14", 4);
    c.seq = 0;
    ASSERT_OK(rc_write(&c, b.data, b.len));
    ASSERT_OK(rc_result(&c, &res, 1));
    ASSERT_EQ(res.err, 0);
    ASSERT_EQ(res.n_cols, 8);
    ASSERT_EQ(res.n_rows, 1);
    ASSERT_EQ(res.types[0], SERVER_TYPE_LONGLONG);
    ASSERT_EQ(res.types[2], SERVER_TYPE_DOUBLE);
    ASSERT_EQ(res.types[4], SERVER_TYPE_DATETIME);
    ASSERT_EQ(res.types[5], SERVER_TYPE_TIME);
    ASSERT_EQ(res.types[7], SERVER_TYPE_NEWDECIMAL);
    /* Decode the binary row. */
    struct wire_rd r;
    wire_rd_init(&r, res.text.data, res.text.len);
    ASSERT_EQ(wire_rd_u8(&r), 0);
    const uint8_t *bm = wire_rd_bytes(&r, (8 + 9) / 8);
    struct server_value v[8];
    for (int i = 0; i < 8; i++) {
        int is_null = (bm[(i + 2) / 8] >> ((i + 2) % 8)) & 1;
        ASSERT_EQ(is_null, i == 3);
        if (!is_null)
            ASSERT_OK(wire_rd_binary_value(&r, res.types[i], i == 6, &v[i]));
    }
    ASSERT(!r.bad && wire_rd_left(&r) == 0);
    ASSERT_EQ(v[0].i, -5);
    ASSERT(v[1].s.len == 6 && !memcmp(v[1].s.ptr, "h\xc3\xa9llo", 6));
    ASSERT(v[2].d == 2.5);
    ASSERT(v[4].t.year == 2024 && v[4].t.month == 2 && v[4].t.day == 29 && v[4].t.hour == 23 &&
           v[4].t.second == 58 && v[4].t.usec == 123456);
    ASSERT(v[5].t.neg && v[5].t.hour == 26 && v[5].t.minute == 3 && v[5].t.second == 4);
    ASSERT_EQ(v[6].i, 250);
    ASSERT(v[7].s.len == 4 && !memcmp(v[7].s.ptr, "3.14", 4));

    /* Execute again without resending types: they are remembered. Param 2 as long data. */
    ASSERT_OK(rc_cmd(&c, WIRE_COM_STMT_SEND_LONG_DATA, NULL, 0)); /* Too short: ignored. */
    buf_reset(&b);
    buf_put_u8(&b, WIRE_COM_STMT_SEND_LONG_DATA);
    buf_put_u32le(&b, id);
    wire_put_u16(&b, 1);
    buf_append(&b, "long ", 5);
    c.seq = 0;
    ASSERT_OK(rc_write(&c, b.data, b.len));
    buf_reset(&b);
    buf_put_u8(&b, WIRE_COM_STMT_SEND_LONG_DATA);
    buf_put_u32le(&b, id);
    wire_put_u16(&b, 1);
    buf_append(&b, "data", 4);
    c.seq = 0;
    ASSERT_OK(rc_write(&c, b.data, b.len));
    buf_reset(&b);
    uint8_t nulls2[1] = {0xf9}; /* 0, 3..7 NULL; 1 long data; 2 given. */
    put_exec_header(&b, id, 8, nulls2, NULL);
    d = -0.25;
    buf_append(&b, &d, 8);
    c.seq = 0;
    ASSERT_OK(rc_write(&c, b.data, b.len));
    ASSERT_OK(rc_result(&c, &res, 1));
    ASSERT_EQ(res.err, 0);
    wire_rd_init(&r, res.text.data, res.text.len);
    wire_rd_u8(&r);
    bm = wire_rd_bytes(&r, 2);
    ASSERT_EQ(bm[0], (uint8_t)(0xf9 << 2));
    ASSERT_EQ(bm[1], 0x03);
    ASSERT_OK(wire_rd_binary_value(&r, SERVER_TYPE_VAR_STRING, 0, &v[1]));
    ASSERT(v[1].s.len == 9 && !memcmp(v[1].s.ptr, "long data", 9));
    ASSERT_OK(wire_rd_binary_value(&r, SERVER_TYPE_DOUBLE, 0, &v[2]));
    ASSERT(v[2].d == -0.25);
    /* Reset, fetch without a cursor, close. */
    uint8_t idb[8] = {(uint8_t)id, (uint8_t)(id >> 8), 0, 0, 1, 0, 0, 0};
    ASSERT_EQ(rc_simple(&c, WIRE_COM_STMT_RESET, idb, 4), 0x00);
    ASSERT_EQ(rc_simple(&c, WIRE_COM_STMT_FETCH, idb, 8), 0xff);
    ASSERT_EQ(pkt_err(&c), 1421);
    ASSERT_OK(rc_cmd(&c, WIRE_COM_STMT_CLOSE, idb, 4)); /* No response. */
    ASSERT_EQ(rc_simple(&c, WIRE_COM_PING, NULL, 0), 0x00);
    ASSERT_EQ(atomic_load(&th.stmts_open), 0);
    ASSERT_EQ(rc_simple(&c, WIRE_COM_STMT_RESET, idb, 4), 0xff);
    ASSERT_EQ(pkt_err(&c), 1243);
    /* A statement the handler refuses; a statement left open is closed at disconnect. */
    ASSERT_EQ(rc_simple(&c, WIRE_COM_STMT_PREPARE, "bogus", 5), 0xff);
    ASSERT_EQ(pkt_err(&c), 1064);
    ASSERT_OK(rc_cmd(&c, WIRE_COM_STMT_PREPARE, "echo 1", 6));
    ASSERT(rc_read(&c) == 12 && c.pkt.data[0] == 0);
    ASSERT_EQ(atomic_load(&th.stmts_open), 1);
    rc_close(&c);
    ASSERT(wait_int(&th.stmts_open, 0, 2000));
    buf_deinit(&b);
    buf_deinit(&res.text);
    stop_server(s);
}

/* Runs a shell command, returns its exit status and its output (stdout and stderr) in out. */
static int run_cmd(const char *cmd, char *out, size_t cap)
{
    char full[4096];
    snprintf(full, sizeof full, "%s 2>&1", cmd);
    FILE *f = popen(full, "r");
    if (!f)
        return -1;
    size_t n = fread(out, 1, cap - 1, f);
    out[n] = 0;
    int st = pclose(f);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST(server_mariadb_cli)
{
    if (access("/usr/bin/mariadb", X_OK) != 0) {
        fprintf(stderr, "  mariadb client missing: skipped\n");
        return;
    }
    struct server *s = start_server(2, 0);
    uint16_t port = server_port(s);
    char cmd[1024], out[8192];
    snprintf(cmd, sizeof cmd, "mariadb -h127.0.0.1 -P%u -uroot --protocol=TCP -N -B -e 'typed'",
             port);
    ASSERT_EQ(run_cmd(cmd, out, sizeof out), 0);
    ASSERT_STR_EQ(out,
                  "1\talpha\t0.1\t12.50\t2024-01-02 03:04:05\t12:34:56\t2024-01-02\t0.5\t"
                  "18446744073709551615\tNULL\n"
                  "2\tbeta \xc3\xa9\t1e20\t-0.01\t1999-12-31 23:59:59\t-838:59:59\t1999-12-31\t"
                  "3.14159\t0\tNULL\n");
    ASSERT_STR_EQ(last_attr(), "libmariadb");
    /* Column headers and a database at connect. */
    snprintf(cmd, sizeof cmd,
             "mariadb -h127.0.0.1 -P%u -uroot --protocol=TCP -D test -B -e 'select 1; insert'",
             port);
    ASSERT_EQ(run_cmd(cmd, out, sizeof out), 0);
    ASSERT_STR_EQ(out, "1\n1\n");
    /* Passwords: native, caching_sha2 fast path (after a switch), full path with RSA. */
    snprintf(cmd, sizeof cmd,
             "mariadb -h127.0.0.1 -P%u -unat -pnatpw --protocol=TCP -N -B -e 'select 1'", port);
    ASSERT_EQ(run_cmd(cmd, out, sizeof out), 0);
    ASSERT_STR_EQ(out, "1\n");
    snprintf(cmd, sizeof cmd,
             "mariadb -h127.0.0.1 -P%u -usha -pshapw --protocol=TCP -N -B -e 'select 1'", port);
    ASSERT_EQ(run_cmd(cmd, out, sizeof out), 0);
    ASSERT_STR_EQ(out, "1\n");
    snprintf(cmd, sizeof cmd,
             "mariadb -h127.0.0.1 -P%u -ufull -pfullpw --protocol=TCP --skip-ssl -N -B "
             "-e 'select 1'",
             port);
    int st = run_cmd(cmd, out, sizeof out);
    if (st != 0)
        fprintf(stderr, "  caching_sha2 full auth via the CLI: %s", out);
    ASSERT_EQ(st, 0);
    ASSERT_STR_EQ(out, "1\n");
    snprintf(cmd, sizeof cmd,
             "mariadb -h127.0.0.1 -P%u -unat -pwrong --protocol=TCP -N -B -e 'select 1'", port);
    ASSERT(run_cmd(cmd, out, sizeof out) != 0);
    ASSERT(strstr(out, "ERROR 1045 (28000): Access denied for user 'nat'@'127.0.0.1' (using "
                       "password: YES)"));
    snprintf(cmd, sizeof cmd,
             "mariadb -h127.0.0.1 -P%u -uroot --protocol=TCP -D nodb -e 'select 1'", port);
    ASSERT(run_cmd(cmd, out, sizeof out) != 0);
    ASSERT(strstr(out, "ERROR 1049 (42000): Unknown database 'nodb'"));
    snprintf(cmd, sizeof cmd, "mariadb -h127.0.0.1 -P%u -uroot --protocol=TCP -e 'error'", port);
    ASSERT(run_cmd(cmd, out, sizeof out) != 0);
    ASSERT(strstr(out, "ERROR 1064 (42000)"));
    /* The interactive start-up query, as the CLI sends it when reading from a terminal. */
    snprintf(cmd, sizeof cmd,
             "mariadb -h127.0.0.1 -P%u -uroot --protocol=TCP -N -B -e 'select @@version_comment "
             "limit 1'",
             port);
    ASSERT_EQ(run_cmd(cmd, out, sizeof out), 0);
    ASSERT_STR_EQ(out, "Atoll test\n");
    ASSERT(wait_int(&th.sessions_open, 0, 3000));
    stop_server(s);
}

TEST(server_pymysql)
{
    if (access("/usr/bin/python3", X_OK) != 0 ||
        system("/usr/bin/python3 -c 'import pymysql' 2>/dev/null") != 0) {
        fprintf(stderr, "  PyMySQL missing: skipped\n");
        return;
    }
    struct server *s = start_server(2, 0);
    uint16_t port = server_port(s);
    char path[512];
    snprintf(path, sizeof path, "%s/t.py", test_dir());
    FILE *f = fopen(path, "w");
    ASSERT(f);
    fputs("import sys, pymysql, datetime, decimal\n"
          "port = int(sys.argv[1])\n"
          "c = pymysql.connect(host='127.0.0.1', port=port, user='root', password='', "
          "database='test')\n"
          "cur = c.cursor()\n"
          "cur.execute('typed')\n"
          "rows = cur.fetchall()\n"
          "assert rows[0][0] == 1 and rows[0][1] == 'alpha' and rows[0][2] == 0.1, rows\n"
          "assert rows[0][3] == decimal.Decimal('12.50'), rows\n"
          "assert rows[0][4] == datetime.datetime(2024, 1, 2, 3, 4, 5), rows\n"
          "assert rows[0][5] == datetime.timedelta(hours=12, minutes=34, seconds=56), rows\n"
          "assert rows[0][6] == datetime.date(2024, 1, 2), rows\n"
          "assert rows[0][8] == 18446744073709551615 and rows[0][9] is None, rows\n"
          "assert rows[1][1] == 'beta \\u00e9' and rows[1][2] == 1e20, rows\n"
          "cur.execute('echo %s', (\"a'b\",))\n"
          "assert cur.fetchall() == ((\"'a\\\\'b'\",),), 'echo'\n"
          "cur.execute('insert into t values (%s)', (5,))\n"
          "assert cur.rowcount == 3 and cur.lastrowid == 42\n"
          "c.commit()\n"
          "c.close()\n"
          "for user, pw in (('sha', 'shapw'), ('nat', 'natpw'), ('full', 'fullpw')):\n"
          "    c = pymysql.connect(host='127.0.0.1', port=port, user=user, password=pw)\n"
          "    cur = c.cursor()\n"
          "    cur.execute('select 1')\n"
          "    assert cur.fetchall() == ((1,),)\n"
          "    c.close()\n"
          "try:\n"
          "    pymysql.connect(host='127.0.0.1', port=port, user='sha', password='bad')\n"
          "    print('no error')\n"
          "except pymysql.err.OperationalError as e:\n"
          "    assert e.args[0] == 1045, e\n"
          "print('PYOK')\n",
          f);
    fclose(f);
    char cmd[1024], out[8192];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s %u", path, port);
    int st = run_cmd(cmd, out, sizeof out);
    if (st != 0)
        fprintf(stderr, "  python: %s\n", out);
    ASSERT_EQ(st, 0);
    ASSERT_STR_EQ(out, "PYOK\n");
    ASSERT(wait_int(&th.sessions_open, 0, 3000));
    stop_server(s);
}

/* A connection that keeps pinging: its worst round trip in microseconds. */
static uint64_t ping_worst(struct rc *c, int n)
{
    uint64_t worst = 0;
    for (int i = 0; i < n; i++) {
        uint64_t t0 = os_now_ns();
        if (rc_simple(c, WIRE_COM_PING, NULL, 0) != 0x00)
            return UINT64_MAX;
        uint64_t dt = (os_now_ns() - t0) / 1000;
        if (dt > worst)
            worst = dt;
        usleep(2000);
    }
    return worst;
}

TEST(server_slow_clients)
{
    /* One loop: every connection shares it, the worst case for a stall. */
    struct server *s = start_server(1, 0);
    uint16_t port = server_port(s);
    struct rc reader_never, half, sleeper, pinger;
    ASSERT_EQ(rc_login(&reader_never, port, "root", "", 0), 0);
    ASSERT_EQ(rc_login(&half, port, "root", "", 0), 0);
    ASSERT_EQ(rc_login(&sleeper, port, "root", "", 0), 0);
    ASSERT_EQ(rc_login(&pinger, port, "root", "", 0), 0);
    int small = 4096;
    setsockopt(reader_never.fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    /* A huge result nobody reads: its executor blocks on backpressure. */
    ASSERT_OK(rc_cmd(&reader_never, WIRE_COM_QUERY, "rows 100000000", 14));
    /* Half a packet, then silence. */
    uint8_t partial[4 + 50] = {100, 0, 0, 0, WIRE_COM_QUERY};
    memset(partial + 5, 'x', 49);
    ASSERT_OK(write_full(half.fd, partial, sizeof partial));
    /* A statement that blocks its executor for 3 s. */
    ASSERT_OK(rc_cmd(&sleeper, WIRE_COM_QUERY, "sleep 3000", 10));
    ASSERT(wait_int(&th.rows_active, 1, 2000));
    ASSERT(wait_int(&th.sleeping, 1, 2000));
    usleep(200000); /* Let the result fill every buffer. */
    uint64_t worst = ping_worst(&pinger, 200);
    fprintf(stderr,
            "  worst ping with a stuck reader, a half packet and a 3 s statement: %llu us\n",
            (unsigned long long)worst);
    ASSERT(worst < 300000);
    ASSERT_EQ(atomic_load(&th.rows_active), 1); /* Still blocked, not buffering everything. */
    /* The streaming statement ends once its client goes away. */
    rc_close(&reader_never);
    ASSERT(wait_int(&th.rows_active, 0, 5000));
    ASSERT_EQ(atomic_load(&th.rows_failed), 1);
    struct result res = {0};
    ASSERT_OK(rc_result(&sleeper, &res, 0));
    ASSERT_EQ(res.err, 0);
    /* The half-packet connection is still open and can finish its packet. */
    char rest[50];
    memset(rest, 'x', sizeof rest);
    ASSERT_OK(write_full(half.fd, rest, sizeof rest));
    ASSERT_OK(rc_result(&half, &res, 0));
    ASSERT_EQ(res.err, 0); /* "xxx..." is an unknown statement: OK. */
    rc_close(&half);
    rc_close(&sleeper);
    rc_close(&pinger);
    buf_deinit(&res.text);
    ASSERT(wait_int(&th.sessions_open, 0, 3000));
    stop_server(s);
}

TEST(server_kill)
{
    struct server *s = start_server(1, 0);
    uint16_t port = server_port(s);
    struct rc x, y;
    struct result res = {0};
    ASSERT_EQ(rc_login(&x, port, "root", "", 0), 0);
    ASSERT_EQ(rc_login(&y, port, "root", "", 0), 0);
    /* KILL QUERY (through the handler, as SQL "KILL QUERY n" would): the statement ends with 1317.
     */
    ASSERT_OK(rc_cmd(&x, WIRE_COM_QUERY, "sleep 20000", 11));
    ASSERT(wait_int(&th.sleeping, 1, 2000));
    char q[64];
    snprintf(q, sizeof q, "killq %u", x.conn_id);
    ASSERT_OK(rc_query(&y, q, &res));
    ASSERT_EQ(res.err, 0);
    ASSERT_OK(rc_result(&x, &res, 0));
    ASSERT_EQ(res.err, 1317);
    ASSERT_EQ(atomic_load(&th.kills[SERVER_KILL_QUERY]), 1);
    ASSERT_EQ(rc_simple(&x, WIRE_COM_PING, NULL, 0), 0x00);
    /* COM_PROCESS_KILL: the connection goes away. */
    ASSERT_OK(rc_cmd(&x, WIRE_COM_QUERY, "sleep 20000", 11));
    ASSERT(wait_int(&th.sleeping, 1, 2000));
    uint8_t id[4] = {(uint8_t)x.conn_id, (uint8_t)(x.conn_id >> 8), (uint8_t)(x.conn_id >> 16),
                     (uint8_t)(x.conn_id >> 24)};
    ASSERT_EQ(rc_simple(&y, WIRE_COM_PROCESS_KILL, id, 4), 0x00);
    ASSERT(rc_closed(&x));
    ASSERT(wait_int(&th.sleeping, 0, 2000));
    ASSERT_EQ(atomic_load(&th.kills[SERVER_KILL_CONNECTION]), 1);
    rc_close(&x);
    /* An idle connection killed is closed at once. */
    ASSERT_EQ(rc_login(&x, port, "root", "", 0), 0);
    ASSERT_OK(server_kill(s, x.conn_id, 0));
    ASSERT(rc_closed(&x));
    rc_close(&x);
    /* The client going away mid-statement tells the handler. */
    ASSERT_EQ(rc_login(&x, port, "root", "", 0), 0);
    ASSERT_OK(rc_cmd(&x, WIRE_COM_QUERY, "sleep 20000", 11));
    ASSERT(wait_int(&th.sleeping, 1, 2000));
    rc_close(&x);
    ASSERT(wait_int(&th.sleeping, 0, 2000));
    ASSERT_EQ(atomic_load(&th.kills[SERVER_KILL_PEER_GONE]), 1);
    ASSERT_EQ(server_kill(s, 999999, 0), ERR_NOT_FOUND);
    rc_close(&y);
    buf_deinit(&res.text);
    ASSERT(wait_int(&th.sessions_open, 0, 3000));
    stop_server(s);
}

TEST(server_graceful_stop)
{
    struct server *s = start_server(2, 0);
    uint16_t port = server_port(s);
    struct rc idle, busy;
    struct result res = {0};
    ASSERT_EQ(rc_login(&idle, port, "root", "", 0), 0);
    ASSERT_EQ(rc_login(&busy, port, "root", "", 0), 0);
    ASSERT_OK(rc_cmd(&busy, WIRE_COM_QUERY, "sleep 500", 9));
    ASSERT(wait_int(&th.sleeping, 1, 2000));
    uint64_t t0 = now_ms();
    ASSERT_OK(server_stop(s, 5000));
    uint64_t took = now_ms() - t0;
    ASSERT(took >= 300 && took < 3000);
    ASSERT(rc_closed(&idle));
    ASSERT_OK(rc_result(&busy, &res, 0)); /* The running statement finished and answered. */
    ASSERT_EQ(res.err, 0);
    ASSERT(rc_closed(&busy));
    rc_close(&idle);
    ASSERT(rc_connect(&idle, port) != 0);
    server_destroy(s);
    ASSERT_EQ(atomic_load(&th.sessions_open), 0);
    rc_close(&busy);

    /* A statement longer than the timeout is killed (SERVER_KILL_SHUTDOWN). */
    s = start_server(2, 0);
    port = server_port(s);
    ASSERT_EQ(rc_login(&busy, port, "root", "", 0), 0);
    ASSERT_OK(rc_cmd(&busy, WIRE_COM_QUERY, "sleep 20000", 11));
    ASSERT(wait_int(&th.sleeping, 1, 2000));
    t0 = now_ms();
    ASSERT_EQ(server_stop(s, 200), ERR_TIMEOUT);
    ASSERT(now_ms() - t0 < 3000);
    ASSERT_EQ(atomic_load(&th.kills[SERVER_KILL_SHUTDOWN]), 1);
    ASSERT(rc_closed(&busy));
    server_destroy(s);
    ASSERT_EQ(atomic_load(&th.sessions_open), 0);
    rc_close(&busy);
    buf_deinit(&res.text);
}

TEST(server_pool_grows)
{
    /* 16 statements that each block their executor for 400 ms, on 2 + 1 executors. */
    struct server_opts o;
    server_opts_init(&o);
    o.n_loops = 1;
    o.n_workers = 2;
    struct server *s = start_server_opts(&o);
    uint16_t port = server_port(s);
    struct rc c[16];
    for (int i = 0; i < 16; i++)
        ASSERT_EQ(rc_login(&c[i], port, "root", "", 0), 0);
    uint64_t t0 = now_ms();
    for (int i = 0; i < 16; i++)
        ASSERT_OK(rc_cmd(&c[i], WIRE_COM_QUERY, "sleep 400", 9));
    struct result res = {0};
    for (int i = 0; i < 16; i++) {
        ASSERT_OK(rc_result(&c[i], &res, 0));
        ASSERT_EQ(res.err, 0);
    }
    uint64_t took = now_ms() - t0;
    struct server_stats st;
    server_get_stats(s, &st);
    fprintf(stderr, "  16 x 400 ms statements on a pool of 2: %llu ms, %llu executors now\n",
            (unsigned long long)took, (unsigned long long)st.n_workers);
    ASSERT(took < 1500); /* Serially on 2 threads it would take 3.2 s. */
    ASSERT(st.n_workers >= 16);
    ASSERT(st.n_workers <= 512);
    for (int i = 0; i < 16; i++)
        rc_close(&c[i]);
    buf_deinit(&res.text);
    ASSERT(wait_int(&th.sessions_open, 0, 3000));
    stop_server(s);
}

TEST(server_timeouts)
{
    struct server_opts o;
    server_opts_init(&o);
    o.n_loops = 1;
    o.connect_timeout_ms = 1000;
    o.read_timeout_ms = 1000;
    o.write_timeout_ms = 1000;
    struct server *s = start_server_opts(&o);
    uint16_t port = server_port(s);
    struct rc mute, half, deaf, ok;
    /* Never answers the handshake. */
    ASSERT_OK(rc_connect(&mute, port));
    ASSERT(rc_read(&mute) > 0);
    /* Starts a packet and stops. */
    ASSERT_EQ(rc_login(&half, port, "root", "", 0), 0);
    ASSERT_OK(write_full(half.fd, "\x10\x00\x00\x00\x03sel", 8));
    /* Never reads its result. */
    ASSERT_EQ(rc_login(&deaf, port, "root", "", 0), 0);
    int small = 4096;
    setsockopt(deaf.fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    ASSERT_OK(rc_cmd(&deaf, WIRE_COM_QUERY, "rows 100000000", 14));
    /* An idle logged-in connection is not subject to these timeouts. */
    ASSERT_EQ(rc_login(&ok, port, "root", "", 0), 0);
    uint64_t t0 = now_ms();
    ASSERT(rc_closed(&mute));
    ASSERT(rc_closed(&half));
    ASSERT(wait_int(&th.rows_failed, 1, 5000));
    uint64_t took = now_ms() - t0;
    ASSERT(took >= 500 && took < 4500);
    ASSERT_EQ(rc_simple(&ok, WIRE_COM_PING, NULL, 0), 0x00);
    rc_close(&mute);
    rc_close(&half);
    rc_close(&deaf);
    rc_close(&ok);
    ASSERT(wait_int(&th.sessions_open, 0, 3000));
    stop_server(s);
}

/* Resident memory of this process in bytes. */
static size_t rss_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long size = 0, rss = 0;
    if (f) {
        if (fscanf(f, "%lu %lu", &size, &rss) != 2)
            rss = 0;
        fclose(f);
    }
    return rss * (size_t)sysconf(_SC_PAGESIZE);
}

/*
 * The child of server_idle_memory: opens n connections and logs each in as
 * root with only system calls (it was forked from a threaded process), then
 * reports on the pipe and waits until the parent closes its end.
 */
static void idle_child(uint16_t port, int n, int report_fd, int wait_fd)
{
    static uint8_t buf[4096];
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    static const uint8_t resp[] = {
        /* header filled below */ 0,
        0,
        0,
        1,
        0x01,
        0xa2,
        0x08,
        0x00, /* LONG_PASSWORD, PROTOCOL_41, TRANSACTIONS, SECURE_CONNECTION, PLUGIN_AUTH */
        0,
        0,
        0,
        1,
        45,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        'r',
        'o',
        'o',
        't',
        0,
        0,
        'm',
        'y',
        's',
        'q',
        'l',
        '_',
        'n',
        'a',
        't',
        'i',
        'v',
        'e',
        '_',
        'p',
        'a',
        's',
        's',
        'w',
        'o',
        'r',
        'd',
        0};
    uint8_t pkt[sizeof resp];
    memcpy(pkt, resp, sizeof resp);
    pkt[0] = (uint8_t)(sizeof resp - 4);
    int ok = 0;
    for (int i = 0; i < n; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0)
            break;
        /* Handshake packet. */
        uint8_t h[4];
        if (read_full(fd, h, 4))
            break;
        size_t len = (size_t)h[0] | (size_t)h[1] << 8;
        if (len > sizeof buf || read_full(fd, buf, len))
            break;
        if (write_full(fd, pkt, sizeof pkt))
            break;
        if (read_full(fd, h, 4))
            break;
        len = (size_t)h[0] | (size_t)h[1] << 8;
        if (len > sizeof buf || read_full(fd, buf, len) || buf[0] != 0)
            break;
        ok++;
    }
    char msg = ok == n ? 'y' : 'n';
    if (write(report_fd, &msg, 1) != 1)
        _exit(2);
    char x;
    while (read(wait_fd, &x, 1) > 0)
        ;
    _exit(0);
}

TEST(server_idle_memory)
{
    /* 10,000 idle logged-in connections (fewer if the file limit cannot allow it). */
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    getrlimit(RLIMIT_NOFILE, &rl);
    int n = 10000;
    if (rl.rlim_cur < (rlim_t)n + 200)
        n = (int)rl.rlim_cur - 200;
    struct server *s = start_server(2, 0);
    uint16_t port = server_port(s);
    /* Warm up: some connections first so allocator arenas exist. */
    struct rc warm[20];
    for (int i = 0; i < 20; i++)
        ASSERT_EQ(rc_login(&warm[i], port, "root", "", 0), 0);
    for (int i = 0; i < 20; i++)
        rc_close(&warm[i]);
    ASSERT(wait_int(&th.sessions_open, 0, 3000));
    size_t before = rss_bytes();
    int up[2], down[2];
    ASSERT_OK(pipe(up));
    ASSERT_OK(pipe(down));
    fflush(NULL);
    pid_t pid = fork();
    ASSERT(pid >= 0);
    if (pid == 0) {
        /* Child: drop every inherited descriptor but its pipe ends. */
        for (int fd = 3; fd < (int)rl.rlim_cur; fd++)
            if (fd != up[1] && fd != down[0])
                close(fd);
        idle_child(port, n, up[1], down[0]);
    }
    close(up[1]);
    close(down[0]);
    uint64_t t0 = now_ms();
    char msg = 0;
    ASSERT_EQ(read(up[0], &msg, 1), 1);
    uint64_t connect_ms = now_ms() - t0;
    ASSERT_EQ(msg, 'y');
    ASSERT(wait_int(&th.sessions_open, n, 5000));
    usleep(100000);
    size_t after = rss_bytes();
    double per = ((double)after - (double)before) / n;
    fprintf(stderr,
            "  %d idle connections: RSS %zu KiB -> %zu KiB, %.0f bytes each "
            "(logins took %llu ms)\n",
            n, before / 1024, after / 1024, per, (unsigned long long)connect_ms);
    struct server_stats st;
    server_get_stats(s, &st);
    ASSERT_EQ(st.n_conns, (uint64_t)n);
    close(down[1]);
    int status;
    waitpid(pid, &status, 0);
    close(up[0]);
    ASSERT(per < 20 * 1024);
    ASSERT(wait_int(&th.sessions_open, 0, 10000));
    stop_server(s);
}

/* The benchmark: clients sending "select 1" as fast as they get answers. */
struct bench_arg {
    uint16_t port;   /* Server port. */
    uint64_t end_ns; /* Stop time. */
    uint64_t count;  /* Queries answered. */
    int failed;      /* A protocol failure. */
};

static void *bench_client(void *p)
{
    struct bench_arg *a = p;
    struct rc c;
    if (rc_login(&c, a->port, "root", "", 0) != 0) {
        a->failed = 1;
        return NULL;
    }
    static const uint8_t q[] = {9, 0, 0, 0, WIRE_COM_QUERY, 's', 'e', 'l', 'e', 'c', 't', ' ', '1'};
    uint8_t buf[256];
    while (os_now_ns() < a->end_ns) {
        if (write_full(c.fd, q, sizeof q)) {
            a->failed = 1;
            break;
        }
        /* 5 packets: count, column, EOF, row, EOF. */
        int packets = 0;
        size_t have = 0;
        while (packets < 5) {
            ssize_t r = read(c.fd, buf + have, sizeof buf - have);
            if (r <= 0) {
                a->failed = 1;
                goto out;
            }
            have += (size_t)r;
            size_t off = 0;
            while (have - off >= 4) {
                size_t n = (size_t)buf[off] | (size_t)buf[off + 1] << 8;
                if (have - off < 4 + n)
                    break;
                off += 4 + n;
                packets++;
            }
            memmove(buf, buf + off, have - off);
            have -= off;
        }
        a->count++;
    }
out:
    rc_close(&c);
    return NULL;
}

TEST(server_bench)
{
    struct server *s = start_server(0, 0);
    uint16_t port = server_port(s);
    /* Latency of one connection: ping round trips. */
    struct rc c;
    ASSERT_EQ(rc_login(&c, port, "root", "", 0), 0);
    int n = 5000;
    uint64_t t0 = os_now_ns();
    for (int i = 0; i < n; i++)
        ASSERT_EQ(rc_simple(&c, WIRE_COM_PING, NULL, 0), 0x00);
    uint64_t ping_ns = (os_now_ns() - t0) / (uint64_t)n;
    struct result res = {0};
    t0 = os_now_ns();
    for (int i = 0; i < n; i++)
        ASSERT_OK(rc_query(&c, "select 1", &res));
    uint64_t q_ns = (os_now_ns() - t0) / (uint64_t)n;
    buf_deinit(&res.text);
    rc_close(&c);
    /* Throughput: 8 connections for 2 s. */
    struct bench_arg args[8];
    pthread_t th_ids[8];
    uint64_t end = os_now_ns() + 2000000000ull;
    for (int i = 0; i < 8; i++) {
        args[i] = (struct bench_arg){.port = port, .end_ns = end};
        pthread_create(&th_ids[i], NULL, bench_client, &args[i]);
    }
    uint64_t total = 0;
    for (int i = 0; i < 8; i++) {
        pthread_join(th_ids[i], NULL);
        ASSERT(!args[i].failed);
        total += args[i].count;
    }
    fprintf(stderr, "  1 connection: ping round trip %llu us, select 1 round trip %llu us\n",
            (unsigned long long)(ping_ns / 1000), (unsigned long long)(q_ns / 1000));
    fprintf(stderr, "  8 connections, select 1 for 2 s: %llu queries/s\n",
            (unsigned long long)(total / 2));
    ASSERT(total > 1000);
    ASSERT(wait_int(&th.sessions_open, 0, 3000));
    stop_server(s);
}
