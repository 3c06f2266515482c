/*
 * err.c: names and messages of the error codes, and the per-thread detail
 * message (see err.h).
 */
#include "base/err.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define ERR_MSG_CAP 1024

static _Thread_local char tl_msg[ERR_MSG_CAP]; /* Detail of the last error. */
static _Thread_local int tl_code;              /* Code the detail belongs to. */

const char *err_name(int code)
{
    switch (code) {
#define ERR_NAME_(name, value, msg)                                            \
    case value:                                                                \
        return #name;
        ERR_LIST(ERR_NAME_)
#undef ERR_NAME_
    }
    return "ERR_UNKNOWN";
}

const char *err_str(int code)
{
    switch (code) {
#define ERR_STR_(name, value, msg)                                             \
    case value:                                                                \
        return msg;
        ERR_LIST(ERR_STR_)
#undef ERR_STR_
    }
    return "unknown error";
}

int err_vset(int code, const char *fmt, va_list ap)
{
    vsnprintf(tl_msg, sizeof tl_msg, fmt, ap);
    tl_code = code;
    return code;
}

int err_set(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vset(code, fmt, ap);
    va_end(ap);
    return code;
}

int err_prefix(int code, const char *fmt, ...)
{
    char what[ERR_MSG_CAP];
    char old[ERR_MSG_CAP];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (tl_code == code && tl_msg[0] != '\0')
        snprintf(old, sizeof old, "%s", tl_msg);
    else
        snprintf(old, sizeof old, "%s", err_str(code));
    size_t n = strlen(what);
    if (n > sizeof tl_msg - 3)
        n = sizeof tl_msg - 3;
    memcpy(tl_msg, what, n);
    tl_msg[n] = ':';
    tl_msg[n + 1] = ' ';
    size_t rest = sizeof tl_msg - n - 2;
    size_t m = strlen(old);
    if (m >= rest)
        m = rest - 1;
    memcpy(tl_msg + n + 2, old, m);
    tl_msg[n + 2 + m] = '\0';
    tl_code = code;
    return code;
}

const char *err_msg(void)
{
    if (tl_msg[0] == '\0')
        return err_str(tl_code);
    return tl_msg;
}

void err_clear(void)
{
    tl_msg[0] = '\0';
    tl_code = 0;
}

int err_from_errno(int e)
{
    switch (e) {
    case 0:
        return ERR_OK;
    case ENOMEM:
        return ERR_NOMEM;
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
        return ERR_NOSPC;
    case ENOENT:
        return ERR_NOT_FOUND;
    case EEXIST:
        return ERR_EXISTS;
    case EINVAL:
        return ERR_INVALID;
    case EAGAIN:
        return ERR_AGAIN;
    case ETIMEDOUT:
        return ERR_TIMEOUT;
    case EBUSY:
        return ERR_BUSY;
    default:
        return ERR_IO;
    }
}
