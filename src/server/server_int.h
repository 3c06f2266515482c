/*
 * server_int.h: the server's private structures, shared by server.c (loops,
 * threads, registry), conn.c (the per-connection protocol state machine) and
 * resp.c (the response API and output path). Not for other modules.
 *
 * Ownership of a connection moves between an I/O loop and an executor
 * thread; conn.state (under conn.mu) says who has it. See README.md,
 * "Threads", for the whole story. Lock order: reg_mu -> loop.op_mu; no other
 * two of reg_mu, pool.mu, conn.mu, loop.op_mu are ever held together.
 */
#ifndef ATOLL_SERVER_SERVER_INT_H
#define ATOLL_SERVER_SERVER_INT_H

#include "base/buf.h"
#include "server/auth.h"
#include "server/handler.h"
#include "server/server.h"
#include "server/wire.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <uv.h>

#define SRV_FLUSH_BYTES (64u * 1024u) /* Output buffered before a row tries to send it. */
#define SRV_BLOCK_BYTES                                                                            \
    (256u * 1024u) /* Unsent output at which an executor waits for the client. */
#define SRV_IN_CAP          (1u << 20) /* Input buffered for a busy connection before reading stops. */
#define SRV_AUTH_MAX_PACKET (1u << 20)    /* Largest packet accepted before login. */
#define SRV_RBUF            (64u * 1024u) /* A loop's read buffer. */
#define SRV_MAX_RUN         16         /* Pipelined commands run back to back before requeueing. */
#define SRV_HANDOFF_NS      1000000ull /* A loop unpolled this long gets another thread. */
#define SRV_TICK_NS         1000000ull /* Supervisor period while work is about. */
#define SRV_IDLE_WORKER_NS  10000000000ull /* Extra executor threads exit after this idle time. */
#define SRV_MAX_STMTS       16382 /* Prepared statements per connection (MySQL's global default). */
#define SRV_KEEP_BUF        2048  /* Buffers larger than this are freed when a connection idles. */

/* Who owns a connection (conn.state). */
enum conn_state {
    CONN_IDLE = 0,     /* The loop reads; no command pending. */
    CONN_READY = 1,    /* Queued for an executor (complete packet, EOF, or close request). */
    CONN_RUNNING = 2,  /* An executor runs commands; it owns out, pkt and protocol state. */
    CONN_FLUSHING = 3, /* The loop writes the rest of out; then back to IDLE (or closes). */
    CONN_CLOSING = 4,  /* Session closed; the loop closes the socket and frees the conn. */
};

/* Where the protocol is (conn.phase). */
enum conn_phase {
    PH_HANDSHAKE = 0, /* Handshake sent; waiting for the Handshake Response. */
    PH_AUTH_SWITCH,   /* Auth Switch Request sent; waiting for the new proof. */
    PH_SHA2_FULL,     /* caching_sha2 full authentication: key request or RSA ciphertext. */
    PH_COMMAND,       /* Logged in: commands. */
};

/* Loop operations requested by other threads (conn.ops). */
enum {
    OP_FLUSH = 1,  /* uv_write the unsent part of out. */
    OP_CLOSE = 2,  /* Close the socket and free (after the flush, if both). */
    OP_RESUME = 4, /* Reading was stopped while busy: start again. */
    OP_KILL = 8,   /* KILL or shutdown: close if idle, fail a stuck flush. */
};

/* Kill bits (conn.kill). */
enum {
    KILL_BIT_QUERY = 1,
    KILL_BIT_CONN = 2,
    KILL_BIT_PEER = 4,
    KILL_BIT_SHUTDOWN = 8,
};

struct server;
struct srv_loop;

/* A prepared statement as the server tracks it. */
struct srv_stmt {
    uint32_t id;           /* Statement id given to the client. */
    void *h;               /* The handler's statement. */
    uint16_t n_params;     /* Parameter count. */
    uint16_t n_cols;       /* Result column count. */
    int have_types;        /* types holds bound types. */
    uint8_t *types;        /* 2 * n_params bytes: type, flags (0x80 unsigned). */
    struct buf *long_data; /* n_params buffers, allocated at the first long data. */
    uint8_t *long_mask;    /* (n_params + 7) / 8 bits: parameter has long data. */
    int long_err;          /* Long data exceeded max_allowed_packet or named a bad parameter. */
};

struct conn {
    uv_tcp_t tcp;          /* libuv handle; loop-owned. First, so a handle pointer is the conn. */
    uv_write_t wreq;       /* The loop's write of leftovers. */
    struct server *srv;    /* Owner. */
    struct srv_loop *loop; /* The loop this socket belongs to. */
    int fd;                /* The socket, for executors' direct writes. */
    uint64_t id;           /* Connection id. */
    char host[64];         /* Client IP address. */

    pthread_mutex_t mu;   /* Guards the fields down to in_off. */
    uint8_t state;        /* enum conn_state. */
    uint8_t read_stopped; /* The loop stopped reading (busy and input capped, or EOF). */
    uint8_t eof;          /* The peer closed or the socket failed. */
    uint8_t close_req;    /* Close at the next chance (stop, kill, timeout). */
    uint8_t phase;        /* enum conn_phase (written only by the executor while RUNNING). */
    uint8_t seq;          /* Sequence id expected on the next client packet before login. */
    uint32_t max_packet;  /* Session max_allowed_packet. */
    uint64_t partial_ns;  /* When an incomplete packet started waiting while IDLE (0: none). */
    uint64_t flush_ns;    /* When the loop's current write started. */
    struct buf in;        /* Received bytes; consumed from in_off. */
    size_t in_off;        /* Start of unconsumed input. */

    /* Loop-owned. */
    struct conn *lnext, *lprev; /* The loop's list of its connections. */
    uint64_t accept_ns;         /* When accepted (connect timeout). */
    uint8_t close_after_flush;  /* OP_FLUSH|OP_CLOSE: close when the write completes. */
    uint8_t closing;            /* uv_close was called. */

    /* Under loop.op_mu. */
    struct conn *onext; /* Next in the loop's op list. */
    uint8_t ops;        /* Pending OP_* bits. */
    uint8_t in_ops;     /* On the op list. */

    /* Under pool.mu (or loop-owned while in a batch). */
    struct conn *qnext; /* Next in a ready batch or the run queue. */
    uint64_t queued_ns; /* When queued. */

    /* Under reg_mu. */
    struct conn *rnext; /* Registry hash chain. */
    uint8_t registered; /* In the registry. */
    void *session;      /* Handler session (set under reg_mu, used by the executor). */

    _Atomic int kill; /* KILL_BIT_* requests. */

    /* Executor-owned (state RUNNING), or loop-owned while FLUSHING. */
    struct buf out;     /* Encoded response packets. */
    size_t out_off;     /* Bytes of out already sent. */
    struct buf pkt;     /* Payload of the command being processed. */
    struct buf scratch; /* Column info and parameter arrays of the current command. */
    uint32_t caps;      /* Effective capabilities (client & server). */
    uint16_t status;    /* Last session status flags reported by the handler. */
    uint8_t fatal;      /* Close after this command (COM_QUIT, protocol error). */
    uint8_t dead;       /* Writing failed: the client is gone. */
    uint8_t scramble[WIRE_SCRAMBLE_LEN]; /* The handshake's challenge. */
    struct server_conn_info *info;       /* User, db, attributes (one allocation), from login on. */
    struct server_auth_info auth;        /* The user's credentials during login. */
    uint8_t auth_plugin;                 /* enum server_auth_plugin being used during login. */
    struct srv_stmt **stmts;             /* Prepared statements sorted by id. */
    uint32_t n_stmts;                    /* Their number. */
    uint32_t stmts_cap;                  /* Capacity of stmts. */
    uint32_t next_stmt_id;               /* Last id handed out. */
};

/* One I/O loop. */
struct srv_loop {
    struct server *srv;      /* Owner. */
    unsigned idx;            /* Index in srv->loops. */
    uv_loop_t uv;            /* The libuv loop. */
    uv_async_t wake;         /* Wakes the poller for ops and stop. */
    uv_timer_t tick;         /* Once a second: timeouts. */
    uv_poll_t lpoll;         /* Readiness of the shared listening socket. */
    int listening;           /* lpoll is open. */
    int accept_paused;       /* lpoll stopped after EMFILE; the tick restarts it. */
    uint8_t *rbuf;           /* Read buffer (used only by the poller). */
    struct conn *conns;      /* All connections of the loop (poller-owned list). */
    struct conn *batch_head; /* Connections made READY during the current poll. */
    struct conn *batch_tail; /* Last of them. */
    pthread_mutex_t op_mu;   /* Guards the op list and stop_req. */
    struct conn *ops_head;   /* Connections with pending ops. */
    struct conn *ops_tail;   /* Last of them. */
    int stop_req;            /* server_stop asked to stop accepting and close idle ones. */
    int stop_done;           /* The poller has done so. */
    /* Under pool.mu. */
    int owned;           /* A thread polls it now. */
    uint64_t free_since; /* When it was last released. */
};

/* The executor pool. */
struct srv_pool {
    pthread_mutex_t mu;     /* Guards everything below and loops' owned/free_since. */
    pthread_cond_t work_cv; /* Idle executors wait here. */
    pthread_cond_t sup_cv;  /* The supervisor waits here. */
    pthread_cond_t exit_cv; /* Signalled when an executor exits. */
    struct conn *rq_head;   /* Connections ready to run. */
    struct conn *rq_tail;   /* Last of them. */
    unsigned n_workers;     /* Executor threads alive. */
    unsigned n_idle;        /* Of those, waiting on work_cv. */
    unsigned min_workers;   /* Kept even when idle. */
    unsigned max_workers;   /* Never more. */
    unsigned next_home;     /* Round-robin home loop for new threads. */
    int sup_sleeping;       /* The supervisor waits without a timeout. */
    int exiting;            /* Threads should exit. */
    uint64_t last_activity; /* Last time a poll produced work. */
    pthread_t sup;          /* The supervisor thread. */
    int sup_started;        /* sup is running (joined at stop). */
    pthread_t *zombies;     /* Exited executors not yet joined. */
    unsigned n_zombies;     /* Their number. */
    unsigned zombies_cap;   /* Capacity. */
};

struct server {
    struct server_opts opts;        /* Copied options (with defaults filled in). */
    char bind_addr[64];             /* Copy of opts.bind_addr. */
    const struct server_handler *h; /* The handler. */
    unsigned n_loops;               /* Number of loops. */
    struct srv_loop *loops;         /* The loops. */
    struct srv_pool pool;           /* Executors. */
    int lfd;                        /* The listening socket (-1: none). */
    uint16_t port;                  /* Bound port. */
    uint64_t start_ns;              /* server_start() time. */
    int started;                    /* server_start() succeeded (threads exist). */
    int stopped;                    /* server_stop() completed. */
    _Atomic int stopping;           /* server_stop() began. */

    pthread_mutex_t reg_mu; /* Guards the registry and n_conns waits. */
    pthread_cond_t conn_cv; /* Signalled when a connection is freed. */
    struct conn **reg;      /* Hash table of registered connections by id. */
    size_t reg_cap;         /* Buckets (power of two). */
    size_t reg_n;           /* Registered connections. */

    _Atomic uint64_t n_conns;      /* Connections allocated and not yet freed. */
    _Atomic uint64_t total_conns;  /* Accepted since start. */
    _Atomic uint64_t questions;    /* Commands received. */
    _Atomic uint64_t next_conn_id; /* Last id handed out. */
};

/* The response being built for one command (handler.h's opaque struct server_resp). */
enum resp_kind {
    RESP_QUERY = 0,  /* COM_QUERY: text results. */
    RESP_EXECUTE,    /* COM_STMT_EXECUTE: binary results. */
    RESP_PREPARE,    /* COM_STMT_PREPARE: server_resp_prepared. */
    RESP_FIELD_LIST, /* COM_FIELD_LIST: server_resp_field_list. */
    RESP_SIMPLE,     /* session_open, INIT_DB, RESET_CONNECTION: OK or error. */
};

enum resp_state {
    RS_START = 0, /* Nothing sent for the current result. */
    RS_ROWS,      /* Result set begun: rows, then end. */
    RS_DONE,      /* The response is complete. */
};

struct server_resp {
    struct conn *c;        /* The connection. */
    uint8_t kind;          /* enum resp_kind. */
    uint8_t state;         /* enum resp_state. */
    uint8_t seq;           /* Sequence id of the next packet. */
    uint8_t error_sent;    /* The response ended with an error. */
    uint32_t n_cols;       /* Columns of the current result set. */
    struct wire_col *cols; /* Their encoding info (in c->scratch). */
    struct srv_stmt *stmt; /* RESP_PREPARE: the statement registered. */
};

/* ---- conn.c ---- */

/* Nonzero when c (mu held, state IDLE) has something for an executor. */
int srv__conn_ready(struct conn *c);

/* Runs c's pending commands on the calling executor thread (c->state is RUNNING). */
void srv__conn_run(struct conn *c);

/* Builds the handshake into c->out for a new connection (loop thread). */
int srv__conn_greet(struct conn *c);

/* ---- resp.c ---- */

void srv__resp_init(struct server_resp *r, struct conn *c, uint8_t kind, uint8_t seq);

/*
 * Sends out's pending bytes directly on the socket. final: never block, leave
 * leftovers; else block while SRV_BLOCK_BYTES or more are unsent (the client
 * is slow), up to the write timeout. Returns 0 or ERR_CLOSED (sets c->dead).
 */
int srv__flush(struct conn *c, int final);

/* Appends a whole packet (payload built by fn) to out with sequence id *seq. */
int srv__send_err(struct conn *c, uint8_t *seq, uint16_t code, const char *sqlstate,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int srv__send_ok(struct conn *c, uint8_t *seq, uint8_t header, uint64_t affected,
                 uint64_t insert_id, uint16_t status, uint16_t warnings, const char *info);
int srv__send_raw(struct conn *c, uint8_t *seq, const void *p, size_t len);
/* EOF, or with CLIENT_DEPRECATE_EOF the OK packet (0xFE) that replaces it. */
int srv__send_eof(struct conn *c, uint8_t *seq, uint16_t warnings, uint16_t status);

/* ---- server.c ---- */

/* Asks c's loop to perform ops (OP_*). Any thread. */
void srv__post(struct conn *c, uint8_t ops);

/* Queues c (state READY) for an executor. Any thread but a loop callback. */
void srv__enqueue(struct server *s, struct conn *c);

/* Registry. */
int srv__register(struct server *s, struct conn *c);
void srv__unregister(struct server *s, struct conn *c);
/* Sets c->session under the registry lock. */
void srv__set_session(struct server *s, struct conn *c, void *session);
/* Records kill bits on c and calls the handler's kill (registry locked by the caller or not). */
void srv__kill_conn(struct server *s, struct conn *c, int bits, int why);

/* The process's RSA key pair (waits while it is generated), or NULL when disabled or failed. */
const struct server_rsa *srv__rsa(struct server *s);

/* Monotonic nanoseconds. */
uint64_t srv__now(void);

#endif
