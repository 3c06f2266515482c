/*
 * fuzz_sql_parser.c: libFuzzer target for the SQL scanner and grammar
 * (sql/lexer.l, sql/parser.y), which read text from untrusted clients. The
 * first byte picks the sql_mode flags, the rest is the SQL text, parsed with a
 * fresh arena. Anything may be refused with an error, but nothing may crash,
 * leak or read out of bounds; and what parses must print as SQL that parses
 * again and prints the same (the printer's fixed point), else we abort.
 */
#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "sql/ast.h"
#include "sql/parse.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Prints every statement of sql, "; "-separated; returns 0, or -1 if it does not parse. */
static int print_all(const char *sql, size_t len, uint32_t flags, struct buf *out)
{
    struct arena a;
    struct sql_parse_result r;
    arena_init(&a, 0);
    int rc = sql_parse(&a, sql, len, flags, &r);
    if (rc == 0) {
        for (uint32_t i = 0; i < r.n_stmts; i++) {
            if (r.stmts[i]->kind == AST_STMT_EMPTY)
                continue;
            if (out->len)
                buf_append(out, "; ", 2);
            if (ast_print_stmt(out, r.stmts[i], 0) != 0)
                abort();
        }
    } else if (rc != ERR_INVALID || r.error.code == 0 || r.error.offset > len) {
        abort(); /* only a SQL error is a valid answer here (no allocation fails) */
    }
    arena_deinit(&a);
    return rc == 0 ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    uint32_t flags = data[0] & 15;
    struct buf one, two;
    buf_init(&one);
    buf_init(&two);
    if (print_all((const char *)data + 1, size - 1, flags, &one) == 0 && one.len > 0) {
        /* The print is in the default sql_mode whatever the input's was. */
        if (print_all((const char *)one.data, one.len, 0, &two) != 0)
            abort();
        if (one.len != two.len || memcmp(one.data, two.data, one.len) != 0)
            abort();
    }
    buf_deinit(&one);
    buf_deinit(&two);
    return 0;
}
