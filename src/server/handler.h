/*
 * handler.h: the interface between the MySQL protocol server and whatever
 * executes statements (the SQL layer, or a test double).
 *
 * The server owns sockets, packets, authentication exchanges and encodings;
 * the handler owns users, sessions, statements and results. The handler is a
 * table of callbacks (struct server_handler) plus an argument. It answers each
 * command by calling the response functions (server_resp_*) on the struct
 * server_resp it is given; the server encodes what it is told in the text or
 * the binary protocol as the command requires, frames it into packets and
 * streams it to the client.
 *
 * Threads. Every callback except kill runs on an executor thread of the
 * server, never on an I/O loop thread, and may block (lock waits, network):
 * other connections are served meanwhile. Calls for one session never overlap:
 * session_open, then commands one after another, then session_close. Calls for
 * different sessions run concurrently, so the handler's shared state needs its
 * own locks. kill may run on any thread at any time while the session is open
 * (never after session_close has started) and must only set a flag.
 *
 * Ownership. Pointers the server passes in (SQL text, parameter values,
 * connection info) are borrowed for the duration of the call, except struct
 * server_conn_info, which lives until session_close returns. Text arguments
 * (SQL, database and table names) come with their length and are also
 * followed by a NUL byte, which parsers may rely on. Everything the
 * handler passes to server_resp_* (column definitions, row values, messages)
 * is copied or encoded before the function returns.
 */
#ifndef ATOLL_SERVER_HANDLER_H
#define ATOLL_SERVER_HANDLER_H

#include <stddef.h>
#include <stdint.h>

struct server;
struct server_resp;

/* MySQL column and parameter type codes as they appear on the wire. */
enum server_type {
    SERVER_TYPE_DECIMAL = 0,
    SERVER_TYPE_TINY = 1,
    SERVER_TYPE_SHORT = 2,
    SERVER_TYPE_LONG = 3,
    SERVER_TYPE_FLOAT = 4,
    SERVER_TYPE_DOUBLE = 5,
    SERVER_TYPE_NULL = 6,
    SERVER_TYPE_TIMESTAMP = 7,
    SERVER_TYPE_LONGLONG = 8,
    SERVER_TYPE_INT24 = 9,
    SERVER_TYPE_DATE = 10,
    SERVER_TYPE_TIME = 11,
    SERVER_TYPE_DATETIME = 12,
    SERVER_TYPE_YEAR = 13,
    SERVER_TYPE_NEWDATE = 14,
    SERVER_TYPE_VARCHAR = 15,
    SERVER_TYPE_BIT = 16,
    SERVER_TYPE_JSON = 245,
    SERVER_TYPE_NEWDECIMAL = 246,
    SERVER_TYPE_ENUM = 247,
    SERVER_TYPE_SET = 248,
    SERVER_TYPE_TINY_BLOB = 249,
    SERVER_TYPE_MEDIUM_BLOB = 250,
    SERVER_TYPE_LONG_BLOB = 251,
    SERVER_TYPE_BLOB = 252,
    SERVER_TYPE_VAR_STRING = 253,
    SERVER_TYPE_STRING = 254,
    SERVER_TYPE_GEOMETRY = 255,
};

/* Column definition flags (server_column.flags). */
enum server_col_flag {
    SERVER_COL_NOT_NULL = 1,
    SERVER_COL_PRI_KEY = 2,
    SERVER_COL_UNIQUE_KEY = 4,
    SERVER_COL_MULTIPLE_KEY = 8,
    SERVER_COL_BLOB = 16,
    SERVER_COL_UNSIGNED = 32,
    SERVER_COL_ZEROFILL = 64,
    SERVER_COL_BINARY = 128,
    SERVER_COL_ENUM = 256,
    SERVER_COL_AUTO_INCREMENT = 512,
    SERVER_COL_TIMESTAMP = 1024,
    SERVER_COL_SET = 2048,
    SERVER_COL_NO_DEFAULT_VALUE = 4096,
    SERVER_COL_ON_UPDATE_NOW = 8192,
    SERVER_COL_NUM = 32768,
};

/* Session status flags carried by OK and EOF packets (server_ok.status). */
enum server_status_flag {
    SERVER_STATUS_IN_TRANS = 0x0001,
    SERVER_STATUS_AUTOCOMMIT = 0x0002,
    SERVER_MORE_RESULTS_EXISTS = 0x0008, /* Set by the server from server_ok.more. */
    SERVER_QUERY_NO_GOOD_INDEX_USED = 0x0010,
    SERVER_QUERY_NO_INDEX_USED = 0x0020,
    SERVER_STATUS_CURSOR_EXISTS = 0x0040,
    SERVER_STATUS_LAST_ROW_SENT = 0x0080,
    SERVER_STATUS_DB_DROPPED = 0x0100,
    SERVER_STATUS_NO_BACKSLASH_ESCAPES = 0x0200,
    SERVER_STATUS_METADATA_CHANGED = 0x0400,
    SERVER_QUERY_WAS_SLOW = 0x0800,
    SERVER_PS_OUT_PARAMS = 0x1000,
    SERVER_STATUS_IN_TRANS_READONLY = 0x2000,
    SERVER_SESSION_STATE_CHANGED = 0x4000,
};

/* Capability flags of the handshake (server_conn_info.client_flags). */
enum server_client_flag {
    SERVER_CLIENT_LONG_PASSWORD = 1u << 0,
    SERVER_CLIENT_FOUND_ROWS = 1u << 1, /* affected_rows counts matched rows, not changed ones. */
    SERVER_CLIENT_LONG_FLAG = 1u << 2,
    SERVER_CLIENT_CONNECT_WITH_DB = 1u << 3,
    SERVER_CLIENT_NO_SCHEMA = 1u << 4,
    SERVER_CLIENT_COMPRESS = 1u << 5,
    SERVER_CLIENT_ODBC = 1u << 6,
    SERVER_CLIENT_LOCAL_FILES = 1u << 7,
    SERVER_CLIENT_IGNORE_SPACE = 1u << 8, /* Spaces allowed between a function name and '('. */
    SERVER_CLIENT_PROTOCOL_41 = 1u << 9,
    SERVER_CLIENT_INTERACTIVE = 1u << 10,
    SERVER_CLIENT_SSL = 1u << 11,
    SERVER_CLIENT_IGNORE_SIGPIPE = 1u << 12,
    SERVER_CLIENT_TRANSACTIONS = 1u << 13,
    SERVER_CLIENT_RESERVED = 1u << 14,
    SERVER_CLIENT_SECURE_CONNECTION = 1u << 15,
    SERVER_CLIENT_MULTI_STATEMENTS = 1u << 16,
    SERVER_CLIENT_MULTI_RESULTS = 1u << 17,
    SERVER_CLIENT_PS_MULTI_RESULTS = 1u << 18,
    SERVER_CLIENT_PLUGIN_AUTH = 1u << 19,
    SERVER_CLIENT_CONNECT_ATTRS = 1u << 20,
    SERVER_CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA = 1u << 21,
    SERVER_CLIENT_CAN_HANDLE_EXPIRED_PASSWORDS = 1u << 22,
    SERVER_CLIENT_SESSION_TRACK = 1u << 23,
    SERVER_CLIENT_DEPRECATE_EOF = 1u << 24,
    SERVER_CLIENT_OPTIONAL_RESULTSET_METADATA = 1u << 25,
    SERVER_CLIENT_ZSTD_COMPRESSION = 1u << 26,
    SERVER_CLIENT_QUERY_ATTRIBUTES = 1u << 27,
};

/* Collation ids worth naming. */
enum server_charset {
    SERVER_CHARSET_UTF8 = 33,          /* utf8mb3_general_ci */
    SERVER_CHARSET_UTF8MB4 = 45,       /* utf8mb4_general_ci */
    SERVER_CHARSET_BINARY = 63,        /* binary: numbers, dates, blobs */
    SERVER_CHARSET_UTF8MB4_0900 = 255, /* utf8mb4_0900_ai_ci, MySQL 8's default */
};

/* "Not a fixed number of decimals": floats and doubles printed shortest. */
#define SERVER_DECIMALS_NOT_FIXED 31

/*
 * A column of a result set, or a parameter of a prepared statement. NULL
 * strings are sent as empty.
 */
struct server_column {
    const char *db;        /* Schema name. */
    const char *table;     /* Table alias as written in the query. */
    const char *org_table; /* Real table name. */
    const char *name;      /* Column alias as written in the query. */
    const char *org_name;  /* Real column name. */
    uint16_t charset;      /* Collation id: SERVER_CHARSET_BINARY for numbers and dates. */
    uint32_t length;       /* Maximum display length in characters times bytes per character. */
    uint8_t type;          /* enum server_type. */
    uint16_t flags;        /* enum server_col_flag bits. */
    uint8_t decimals;      /* Digits after the point (0..30), of seconds (0..6), or 31. */
};

/* Kind of a value (server_value.tag). */
enum server_vtag {
    SERVER_V_NULL = 0,     /* SQL NULL. */
    SERVER_V_INT = 1,      /* i: signed 64-bit integer. */
    SERVER_V_UINT = 2,     /* u: unsigned 64-bit integer. */
    SERVER_V_DOUBLE = 3,   /* d: floating point (FLOAT or DOUBLE by the column's type). */
    SERVER_V_DECIMAL = 4,  /* s: exact decimal as text, e.g. "-12.340". */
    SERVER_V_STRING = 5,   /* s: bytes (character data in the column's charset, or binary). */
    SERVER_V_DATE = 6,     /* t: year, month, day. */
    SERVER_V_DATETIME = 7, /* t: date and time of day with microseconds (DATETIME, TIMESTAMP). */
    SERVER_V_TIME = 8,     /* t: a signed duration; hour may exceed 23. */
};

/* Date, datetime or time. Zero everywhere is MySQL's zero date. */
struct server_time {
    uint16_t year;  /* 0..9999. */
    uint8_t month;  /* 1..12 (0 in zero dates and times). */
    uint8_t day;    /* 1..31 (0 in zero dates and times). */
    uint32_t hour;  /* 0..23; for SERVER_V_TIME the whole hours, up to 838 and more. */
    uint8_t minute; /* 0..59. */
    uint8_t second; /* 0..59. */
    uint8_t neg;    /* SERVER_V_TIME only: the duration is negative. */
    uint32_t usec;  /* Microseconds, 0..999999. */
};

/* One value of a row or a statement parameter. */
struct server_value {
    uint8_t tag;  /* enum server_vtag. */
    uint8_t type; /* Parameters: the enum server_type the client bound; 0 in rows (ignored). */
    union {
        int64_t i;  /* SERVER_V_INT. */
        uint64_t u; /* SERVER_V_UINT. */
        double d;   /* SERVER_V_DOUBLE. */
        struct {
            const char *ptr;  /* Bytes, not NUL-terminated. */
            size_t len;       /* Their length. */
        } s;                  /* SERVER_V_STRING, SERVER_V_DECIMAL. */
        struct server_time t; /* SERVER_V_DATE, _DATETIME, _TIME. */
    };
};

static inline struct server_value server_value_null(void)
{
    struct server_value v = {.tag = SERVER_V_NULL};
    return v;
}

static inline struct server_value server_value_int(int64_t i)
{
    struct server_value v = {.tag = SERVER_V_INT, .i = i};
    return v;
}

static inline struct server_value server_value_uint(uint64_t u)
{
    struct server_value v = {.tag = SERVER_V_UINT, .u = u};
    return v;
}

static inline struct server_value server_value_double(double d)
{
    struct server_value v = {.tag = SERVER_V_DOUBLE, .d = d};
    return v;
}

static inline struct server_value server_value_str(const char *p, size_t len)
{
    struct server_value v = {.tag = SERVER_V_STRING, .s = {p, len}};
    return v;
}

/* A connection attribute sent by the client (CLIENT_CONNECT_ATTRS). */
struct server_attr {
    const char *key;   /* NUL-terminated. */
    const char *value; /* NUL-terminated. */
};

/* What the server knows about a connection when the session opens. */
struct server_conn_info {
    struct server *server;           /* For server_kill(). */
    uint64_t conn_id;                /* The connection id sent in the handshake. */
    const char *user;                /* Authenticated user name. */
    const char *host;                /* The client's IP address as text. */
    const char *db;                  /* Database named at connect, or NULL. */
    uint8_t charset;                 /* Collation id the client asked for. */
    uint32_t client_flags;           /* Effective capability flags (client & server). */
    const struct server_attr *attrs; /* Connection attributes, in the client's order. */
    uint32_t n_attrs;                /* Their number. */
};

/* Authentication plugins a user can have. */
enum server_auth_plugin {
    SERVER_AUTH_NATIVE = 1, /* mysql_native_password. */
    SERVER_AUTH_SHA2 = 2,   /* caching_sha2_password. */
};

/*
 * A user's stored credentials, as auth_lookup reports them. The server never
 * sees passwords at rest, only these hashes: native_hash is SHA1(SHA1(p)) (the
 * binary form of MySQL's "*HEX" hash), sha2_hash is SHA256(SHA256(p)) (the
 * caching_sha2 cache entry). A hash that is needed but not present makes the
 * login fail.
 */
struct server_auth_info {
    uint8_t plugin;      /* enum server_auth_plugin the user is configured with. */
    uint8_t no_password; /* The user has an empty password: any plugin, empty response. */
    uint8_t has_native;  /* native_hash is set. */
    uint8_t has_sha2;    /* sha2_hash is set. */
    uint8_t sha2_cached; /* For SHA2: the fast path may be used; 0 forces full authentication. */
    uint8_t native_hash[20]; /* SHA1(SHA1(password)). */
    uint8_t sha2_hash[32];   /* SHA256(SHA256(password)). */
};

/* Why kill was called. */
enum server_kill_kind {
    SERVER_KILL_QUERY = 1,      /* KILL QUERY: abort the running statement, keep the session. */
    SERVER_KILL_CONNECTION = 2, /* KILL CONNECTION: abort; the server closes the connection. */
    SERVER_KILL_PEER_GONE = 3,  /* The client closed its socket while a statement ran. */
    SERVER_KILL_SHUTDOWN = 4,   /* server_stop() timed out waiting for the statement. */
};

/* Flags of query and stmt_execute calls. */
enum server_query_flag {
    SERVER_QUERY_MULTI_STATEMENTS = 1, /* The client allows several statements in one COM_QUERY. */
    SERVER_QUERY_MULTI_RESULTS = 2,    /* The client accepts several results (procedures). */
    SERVER_EXEC_CURSOR = 4, /* stmt_execute: the client asked for a cursor (none is opened). */
};

struct server_handler {
    void *arg; /* Passed to every callback. */

    /*
     * Looks up user@host. Fills *out and returns 0, or returns ERR_NOT_FOUND
     * for an unknown user (the client then sees error 1045, as for a wrong
     * password), or another ERR_* code. Required.
     */
    int (*auth_lookup)(void *arg, const char *user, const char *host, struct server_auth_info *out);

    /*
     * Optional: a caching_sha2_password user just passed full authentication
     * (sha2_cached was 0); the handler may now mark the cache entry.
     */
    void (*auth_cached)(void *arg, const char *user, const char *host);

    /*
     * Opens a session for an authenticated connection. Returns 0 with
     * *session set, or fails: then it calls server_resp_error(resp, ...) (e.g.
     * 1049 unknown database, 1044 access denied) and returns non-zero; the
     * server sends the error and closes the connection. info is valid until
     * session_close returns. Required.
     */
    int (*session_open)(void *arg, const struct server_conn_info *info, void **session,
                        struct server_resp *resp);

    /*
     * Closes a session: the connection is gone (COM_QUIT, disconnect, kill,
     * shutdown). Statements still prepared have already been closed with
     * stmt_close. Rolls back an open transaction. Required.
     */
    void (*session_close)(void *arg, void *session);

    /*
     * COM_QUERY: runs sql (len bytes, not NUL-terminated; flags of enum
     * server_query_flag). Answers with server_resp_ok, a result set
     * (server_resp_begin, _row, _end) or server_resp_error; for several
     * statements, one result after another with server_ok.more set on all but
     * the last (an error ends the sequence). Returns 0, or an ERR_* code: if no
     * error was sent yet the server sends the MySQL error that code maps to
     * (ERR_CLOSED: the connection is gone, nothing is sent). Required.
     */
    int (*query)(void *arg, void *session, const char *sql, size_t len, unsigned flags,
                 struct server_resp *resp);

    /*
     * COM_STMT_PREPARE: answers with server_resp_prepared() (giving the
     * handler's statement pointer) or server_resp_error(). Optional (NULL:
     * error 1295).
     */
    int (*stmt_prepare)(void *arg, void *session, const char *sql, size_t len,
                        struct server_resp *resp);

    /*
     * COM_STMT_EXECUTE of stmt: params holds n_params values (borrowed for the
     * call; strings point into the packet or into long data). Answers as query
     * does, in the binary protocol.
     */
    int (*stmt_execute)(void *arg, void *session, void *stmt, const struct server_value *params,
                        uint32_t n_params, unsigned flags, struct server_resp *resp);

    /* COM_STMT_RESET: forgets the statement's open cursor. Optional. Returns 0 or ERR_*. */
    int (*stmt_reset)(void *arg, void *session, void *stmt);

    /* COM_STMT_CLOSE, COM_RESET_CONNECTION or disconnect: frees stmt. */
    void (*stmt_close)(void *arg, void *session, void *stmt);

    /* COM_INIT_DB: makes db the current database; answers OK or an error. Optional (NULL: OK). */
    int (*init_db)(void *arg, void *session, const char *db, size_t len, struct server_resp *resp);

    /*
     * COM_FIELD_LIST: the columns of table whose names match the LIKE pattern
     * wild (may be empty), answered with server_resp_field_list() or an error
     * (1146). Optional (NULL: error 1047).
     */
    int (*field_list)(void *arg, void *session, const char *table, size_t table_len,
                      const char *wild, size_t wild_len, struct server_resp *resp);

    /*
     * COM_RESET_CONNECTION: resets session state (variables, temporary
     * tables, transaction rolled back) without a new login. Prepared statements
     * have been closed. Answers OK or an error. Optional (NULL: OK).
     */
    int (*reset_connection)(void *arg, void *session, struct server_resp *resp);

    /*
     * COM_STATISTICS: optional extra text appended to the server's line
     * ("Uptime: ... Threads: ... Questions: ..."). Writes at most cap bytes and
     * returns their number.
     */
    size_t (*statistics)(void *arg, void *session, char *buf, size_t cap);

    /*
     * Asks the session's running statement to stop (enum server_kill_kind).
     * Called from any thread, including I/O threads and other sessions'
     * executors, with the server's connection registry locked: it must only
     * set a flag that the executing statement checks, and must not call back
     * into the server. Optional.
     */
    void (*kill)(void *arg, void *session, int why);
};

/* Terminator of a command's result: OK packet, or EOF at the end of rows. */
struct server_ok {
    uint64_t affected_rows;  /* Rows changed (or found, with CLIENT_FOUND_ROWS). */
    uint64_t last_insert_id; /* LAST_INSERT_ID() after the statement. */
    uint16_t status;         /* enum server_status_flag (IN_TRANS, AUTOCOMMIT, ...). */
    uint16_t warnings;       /* Warning count. */
    uint8_t more;            /* Another result of this command follows. */
    const char *info;        /* Human-readable info ("Rows matched: 1 ..."), or NULL. */
};

/*
 * The response functions. Called by the handler on the executor thread that
 * runs the command, with the resp it was given. Each returns 0, ERR_NOMEM, or
 * ERR_CLOSED when the client is gone, killed, or too slow to read (then stop
 * producing and return ERR_CLOSED or 0), or ERR_INVALID when called out of
 * order (a handler bug). Rows may block while the client reads slowly.
 */

/* A result without rows (DML, DDL, SET): an OK packet. */
int server_resp_ok(struct server_resp *r, const struct server_ok *ok);

/*
 * An error: MySQL error number, SQLSTATE (5 characters; NULL picks the usual
 * one for code) and a printf-style message. Ends the command's response; may
 * replace a row in the middle of a result set.
 */
int server_resp_error(struct server_resp *r, uint16_t code, const char *sqlstate, const char *fmt,
                      ...) __attribute__((format(printf, 4, 5)));

/* Starts a result set of n_cols columns (1..4096). */
int server_resp_begin(struct server_resp *r, const struct server_column *cols, uint32_t n_cols);

/*
 * Sends a row of n_cols values (in the text or binary protocol as the command
 * requires). Values are converted to the column's type when they differ.
 */
int server_resp_row(struct server_resp *r, const struct server_value *vals);

/* Ends the result set with status and warnings (ok->affected_rows is ignored). */
int server_resp_end(struct server_resp *r, const struct server_ok *ok);

/*
 * Answers COM_STMT_PREPARE: stmt is the handler's statement, passed back to
 * stmt_execute/_reset/_close. params may be NULL (then "?" VAR_STRING
 * definitions are sent); cols describe the result (n_cols 0 for none).
 */
int server_resp_prepared(struct server_resp *r, void *stmt, const struct server_column *params,
                         uint16_t n_params, const struct server_column *cols, uint16_t n_cols,
                         uint16_t warnings);

/* Answers COM_FIELD_LIST with these column definitions. */
int server_resp_field_list(struct server_resp *r, const struct server_column *cols,
                           uint32_t n_cols);

/* The connection's id. */
uint64_t server_resp_conn_id(const struct server_resp *r);

/* Nonzero (an enum server_kill_kind) once the running command should stop. */
int server_resp_killed(const struct server_resp *r);

/* Changes the session's max_allowed_packet (bytes, 1 KiB .. 1 GiB) for later packets. */
void server_resp_set_max_packet(struct server_resp *r, uint32_t bytes);

/* The session's max_allowed_packet. */
uint32_t server_resp_max_packet(const struct server_resp *r);

/*
 * Error numbers. server_err_sqlstate() gives the SQLSTATE MySQL uses with a
 * number ("HY000" if unknown); server_err_from_code() maps an ERR_* code to
 * the MySQL error a client should see, with a message (from err_msg() where
 * that says more) written to msg.
 */
enum server_errno {
    SERVER_ER_CHECKREAD = 1020,
    SERVER_ER_OUTOFMEMORY = 1037,
    SERVER_ER_HANDSHAKE = 1043,
    SERVER_ER_DBACCESS_DENIED = 1044,
    SERVER_ER_ACCESS_DENIED = 1045,
    SERVER_ER_NO_DB = 1046,
    SERVER_ER_UNKNOWN_COM = 1047,
    SERVER_ER_BAD_DB = 1049,
    SERVER_ER_SERVER_SHUTDOWN = 1053,
    SERVER_ER_PARSE = 1064,
    SERVER_ER_NO_SUCH_THREAD = 1094,
    SERVER_ER_UNKNOWN = 1105,
    SERVER_ER_NO_SUCH_TABLE = 1146,
    SERVER_ER_NET_PACKET_TOO_LARGE = 1153,
    SERVER_ER_NET_PACKETS_OUT_OF_ORDER = 1156,
    SERVER_ER_NET_READ_INTERRUPTED = 1159,
    SERVER_ER_LOCK_WAIT_TIMEOUT = 1205,
    SERVER_ER_WRONG_ARGUMENTS = 1210,
    SERVER_ER_LOCK_DEADLOCK = 1213,
    SERVER_ER_NOT_SUPPORTED_YET = 1235,
    SERVER_ER_UNKNOWN_STMT_HANDLER = 1243,
    SERVER_ER_UNSUPPORTED_PS = 1295,
    SERVER_ER_QUERY_INTERRUPTED = 1317,
    SERVER_ER_STMT_HAS_NO_OPEN_CURSOR = 1421,
    SERVER_ER_MAX_PREPARED_STMT_COUNT = 1461,
    SERVER_ER_MALFORMED_PACKET = 1835,
};

const char *server_err_sqlstate(uint16_t code);
void server_err_from_code(int rc, uint16_t *code, const char **sqlstate, char *msg, size_t cap);

#endif
