/*
 * err.h: error codes as values, and the detail message that travels with them.
 *
 * Fallible functions return int: 0 on success, a negative ERR_* code on failure.
 * The codes, their names and their messages come from one X-macro list so the
 * enum, err_name() and err_str() cannot drift apart.
 *
 * Detail (which file, which offset, what was being done) is kept per thread:
 * err_set() records a message and returns the code, and each layer on the way
 * up may add what it was doing with err_prefix(). A context that outlives the
 * call (a session, a store that has failed) copies the message it needs.
 */
#ifndef ATOLL_BASE_ERR_H
#define ATOLL_BASE_ERR_H

#include <stdarg.h>

/* X(name, value, message) */
#define ERR_LIST(X)                                                            \
    X(ERR_OK, 0, "success")                                                    \
    X(ERR_NOMEM, -1, "out of memory")                                          \
    X(ERR_IO, -2, "I/O error")                                                 \
    X(ERR_NOSPC, -3, "no space left on device")                                \
    X(ERR_CORRUPT, -4, "data is corrupt")                                      \
    X(ERR_NOT_FOUND, -5, "not found")                                          \
    X(ERR_EXISTS, -6, "already exists")                                        \
    X(ERR_INVALID, -7, "invalid argument")                                     \
    X(ERR_TOO_BIG, -8, "too big")                                              \
    X(ERR_BUSY, -9, "busy")                                                    \
    X(ERR_LOCKED, -10, "row is locked by another transaction")                 \
    X(ERR_CONFLICT, -11, "write conflict with a newer committed version")      \
    X(ERR_CLOSED, -12, "closed")                                               \
    X(ERR_READONLY, -13, "writes are refused after an unrecoverable failure")  \
    X(ERR_PROTOCOL, -14, "protocol error")                                     \
    X(ERR_TIMEOUT, -15, "timed out")                                           \
    X(ERR_DEADLOCK, -16, "deadlock")                                           \
    X(ERR_INTERNAL, -17, "internal error")                                     \
    X(ERR_UNSUPPORTED, -18, "not supported")                                   \
    X(ERR_AGAIN, -19, "try again")

enum err_code {
#define ERR_ENUM_(name, value, msg) name = value,
    ERR_LIST(ERR_ENUM_)
#undef ERR_ENUM_
};

/* The code's symbolic name, e.g. "ERR_CORRUPT"; "ERR_UNKNOWN" for others. */
const char *err_name(int code);

/* The code's generic message, e.g. "data is corrupt". */
const char *err_str(int code);

/* Records a detail message for this thread and returns code. */
int err_set(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Like err_set() with a va_list. */
int err_vset(int code, const char *fmt, va_list ap);

/*
 * Prepends "<what>: " to this thread's message and returns code, for a layer
 * that passes an error up: return err_prefix(rc, "open %s", path).
 */
int err_prefix(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* This thread's last detail message, or the generic message if none. Valid until the next err_* call on this thread. */
const char *err_msg(void);

/* Clears this thread's message. */
void err_clear(void);

/* Maps an errno value to an ERR_* code (EIO -> ERR_IO, ENOSPC -> ERR_NOSPC, ...). */
int err_from_errno(int e);

#endif
