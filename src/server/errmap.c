/*
 * errmap.c: the one place where errors become what a MySQL client sees: the
 * SQLSTATE that goes with each MySQL error number we send, and the MySQL
 * error (number, SQLSTATE, message) for each internal ERR_* code that reaches
 * the protocol layer without the handler having chosen one.
 */
#include "server/handler.h"

#include "base/err.h"

#include <stdio.h>
#include <string.h>

static const struct {
    uint16_t code;
    char state[6];
} sqlstates[] = {
    {SERVER_ER_CHECKREAD, "HY000"},
    {SERVER_ER_OUTOFMEMORY, "HY001"},
    {1040, "08004"}, /* Too many connections */
    {SERVER_ER_HANDSHAKE, "08S01"},
    {SERVER_ER_DBACCESS_DENIED, "42000"},
    {SERVER_ER_ACCESS_DENIED, "28000"},
    {SERVER_ER_NO_DB, "3D000"},
    {SERVER_ER_UNKNOWN_COM, "08S01"},
    {1048, "23000"}, /* Column cannot be null */
    {SERVER_ER_BAD_DB, "42000"},
    {1050, "42S01"}, /* Table already exists */
    {1051, "42S02"}, /* Unknown table */
    {1052, "23000"}, /* Column is ambiguous */
    {SERVER_ER_SERVER_SHUTDOWN, "08S01"},
    {1054, "42S22"}, /* Unknown column */
    {1060, "42S21"}, /* Duplicate column name */
    {1062, "23000"}, /* Duplicate entry */
    {SERVER_ER_PARSE, "42000"},
    {1065, "42000"}, /* Query was empty */
    {SERVER_ER_NO_SUCH_THREAD, "HY000"},
    {SERVER_ER_UNKNOWN, "HY000"},
    {SERVER_ER_NO_SUCH_TABLE, "42S02"},
    {SERVER_ER_NET_PACKET_TOO_LARGE, "08S01"},
    {1154, "08S01"}, /* Read error */
    {1155, "08S01"}, /* Net error reading */
    {SERVER_ER_NET_PACKETS_OUT_OF_ORDER, "08S01"},
    {1157, "08S01"},
    {1158, "08S01"},
    {SERVER_ER_NET_READ_INTERRUPTED, "08S01"},
    {1160, "08S01"},
    {1161, "08S01"},
    {1193, "HY000"}, /* Unknown system variable */
    {SERVER_ER_LOCK_WAIT_TIMEOUT, "HY000"},
    {SERVER_ER_WRONG_ARGUMENTS, "HY000"},
    {SERVER_ER_LOCK_DEADLOCK, "40001"},
    {1216, "23000"},
    {1217, "23000"},
    {SERVER_ER_NOT_SUPPORTED_YET, "42000"},
    {SERVER_ER_UNKNOWN_STMT_HANDLER, "HY000"},
    {SERVER_ER_UNSUPPORTED_PS, "HY000"},
    {SERVER_ER_QUERY_INTERRUPTED, "70100"},
    {1364, "HY000"}, /* Field doesn't have a default value */
    {1406, "22001"}, /* Data too long */
    {SERVER_ER_STMT_HAS_NO_OPEN_CURSOR, "HY000"},
    {SERVER_ER_MAX_PREPARED_STMT_COUNT, "42000"},
    {1451, "23000"},
    {1452, "23000"},
    {1690, "22003"}, /* Value is out of range */
    {SERVER_ER_MALFORMED_PACKET, "HY000"},
};

const char *server_err_sqlstate(uint16_t code)
{
    for (size_t i = 0; i < sizeof sqlstates / sizeof sqlstates[0]; i++)
        if (sqlstates[i].code == code)
            return sqlstates[i].state;
    return "HY000";
}

void server_err_from_code(int rc, uint16_t *code, const char **sqlstate, char *msg, size_t cap)
{
    const char *detail = err_msg();
    switch (rc) {
    case ERR_NOMEM:
        *code = SERVER_ER_OUTOFMEMORY;
        snprintf(msg, cap, "Out of memory.");
        break;
    case ERR_LOCKED:
    case ERR_TIMEOUT:
        *code = SERVER_ER_LOCK_WAIT_TIMEOUT;
        snprintf(msg, cap, "Lock wait timeout exceeded; try restarting transaction");
        break;
    case ERR_DEADLOCK:
        *code = SERVER_ER_LOCK_DEADLOCK;
        snprintf(msg, cap, "Deadlock found when trying to get lock; try restarting transaction");
        break;
    case ERR_CONFLICT:
        *code = SERVER_ER_CHECKREAD;
        snprintf(msg, cap, "Record has changed since last read in table '%s'", "");
        break;
    case ERR_UNSUPPORTED:
        *code = SERVER_ER_NOT_SUPPORTED_YET;
        snprintf(msg, cap, "This version of MySQL doesn't yet support '%s'", detail);
        break;
    case ERR_PROTOCOL:
        *code = SERVER_ER_MALFORMED_PACKET;
        snprintf(msg, cap, "Malformed communication packet.");
        break;
    case ERR_CLOSED:
        *code = SERVER_ER_QUERY_INTERRUPTED;
        snprintf(msg, cap, "Query execution was interrupted");
        break;
    default:
        *code = SERVER_ER_UNKNOWN;
        snprintf(msg, cap, "%s", detail && detail[0] ? detail : err_str(rc));
        break;
    }
    *sqlstate = server_err_sqlstate(*code);
}
