/*
 * server.h: Atoll's MySQL protocol server: listeners, I/O loops, executor
 * threads, and the connections between them.
 *
 * The server speaks the client/server protocol (protocol 41, handshake v10,
 * mysql_native_password and caching_sha2_password, text and binary results)
 * and hands every command to a struct server_handler (server/handler.h). It
 * knows nothing of SQL. See src/server/README.md for the threading design.
 *
 * Life cycle: server_create() -> server_start() -> ... -> server_stop() ->
 * server_destroy(). These are called by one controlling thread (SIGTERM
 * handling belongs to the binary); server_kill() and server_port() may be
 * called from any thread while the server runs.
 */
#ifndef ATOLL_SERVER_SERVER_H
#define ATOLL_SERVER_SERVER_H

#include "server/handler.h"

#include <stdint.h>

/* The version string in the handshake: MySQL 8 compatible so drivers enable modern features. */
#define SERVER_VERSION "8.0.36-Atoll-0.1"

/* Default session max_allowed_packet (MySQL 8's default). */
#define SERVER_MAX_PACKET_DEFAULT (64u * 1024u * 1024u)

struct server_opts {
    const char *bind_addr;                /* Numeric IPv4 or IPv6 address; NULL: "127.0.0.1". */
    uint16_t port;                        /* TCP port; 0 picks a free one (see server_port()). */
    unsigned n_loops;                     /* I/O loops (--threads); 0: one per core. */
    unsigned n_workers;                   /* Executor threads kept ready; 0: cores + loops. */
    unsigned max_workers;                 /* Cap on executor threads; 0: 512. */
    const struct server_handler *handler; /* Required; must outlive the server. */
    const char *default_auth;             /* Plugin named in the handshake: "mysql_native_password"
                                           * (NULL) or "caching_sha2_password". */
    uint32_t max_packet;                  /* Initial max_allowed_packet of sessions; 0: 64 MiB. */
    uint32_t connect_timeout_ms;          /* Handshake must complete within; 0: 10 s. */
    uint32_t read_timeout_ms;             /* A started packet must complete within; 0: 30 s. */
    uint32_t write_timeout_ms;            /* A blocked client write fails after; 0: 60 s. */
    int rsa_keys; /* Offer RSA key exchange for caching_sha2 full authentication
                   * without TLS (server_opts_init: 1). The process's key pair
                   * is generated in the background by the first start. */
};

/* Fills o with the defaults above. */
void server_opts_init(struct server_opts *o);

struct server;

/* Allocates a server (no sockets or threads yet). Copies opts. Returns 0, ERR_INVALID or ERR_NOMEM.
 */
int server_create(const struct server_opts *opts, struct server **out);

/*
 * Binds and listens (one socket, polled by every loop), starts loops and
 * executor threads, and the RSA key generation if needed. Returns 0, or ERR_IO (address in use,
 * ...) / ERR_NOMEM with err_msg() set; after a failure only server_destroy()
 * may be called.
 */
int server_start(struct server *s);

/* The bound TCP port (the chosen one when opts.port was 0). */
uint16_t server_port(const struct server *s);

/*
 * Graceful stop: stops accepting, closes idle connections, lets running
 * commands finish for up to timeout_ms (their connections close afterwards),
 * then asks the remaining ones to stop (handler kill, SERVER_KILL_SHUTDOWN)
 * and waits for them, then stops every thread. Returns 0, or ERR_TIMEOUT when
 * kills were needed. Idempotent.
 */
int server_stop(struct server *s, uint32_t timeout_ms);

/* Stops the server if it runs (timeout 0) and frees it. NULL is fine. */
void server_destroy(struct server *s);

/*
 * KILL [QUERY] conn_id: calls the handler's kill for that session and, unless
 * query_only, closes the connection once its current command has returned.
 * Returns 0 or ERR_NOT_FOUND (MySQL error 1094). Any thread; do not call from
 * the handler's kill callback.
 */
int server_kill(struct server *s, uint64_t conn_id, int query_only);

/* Counters for COM_STATISTICS, SHOW STATUS and tests. */
struct server_stats {
    uint64_t uptime_s;    /* Seconds since server_start(). */
    uint64_t n_conns;     /* Connections open now. */
    uint64_t total_conns; /* Connections accepted since start. */
    uint64_t questions;   /* Commands received since start. */
    uint64_t n_workers;   /* Executor threads now. */
};

void server_get_stats(struct server *s, struct server_stats *out);

#endif
