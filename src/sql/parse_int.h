/*
 * parse_int.h: what the scanner (lexer.l), the grammar (parser.y) and the
 * driver (parse.c) share. Not for use outside the parser.
 */
#ifndef ATOLL_SQL_PARSE_INT_H
#define ATOLL_SQL_PARSE_INT_H

#include "sql/ast.h"
#include "sql/parse.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Token locations: byte offsets into the whole text. */
typedef struct sql_yyltype {
    uint32_t start; /* First byte of the token or rule. */
    uint32_t end;   /* Just past its last byte. */
} SQL_YYLTYPE;
#define SQL_YYLTYPE_IS_DECLARED 1

/* Why a parse stopped. */
enum sql__fail {
    SQL__OK,
    SQL__SYNTAX,  /* A token the grammar cannot take: 1064. */
    SQL__DEPTH,   /* Tree, parentheses or parser stack too deep: 1064 "memory exhausted". */
    SQL__NESTING, /* Subqueries nested too deep: 1473. */
    SQL__NOMEM,   /* The arena failed. */
};

/* State of one parse, shared by scanner and grammar. Lives in the arena. */
struct sql__pstate {
    struct arena *arena; /* Where every node goes. */
    const char *sql;     /* The caller's text (valid during the parse). */
    uint32_t len;        /* Its length. */
    uint32_t pos;        /* Offset just past the last byte flex matched. */
    uint32_t flags;      /* SQL_PARSE_* bits. */
    int base_state;      /* flex start condition for this sql_mode's quoting rules. */
    char *reserve;       /* Memory set aside for flex's own structures. */
    size_t reserve_left; /* Bytes left in it. */
    void *scanner;       /* The flex scanner. */
    /* Per statement (reset by sql__lex_begin_statement). */
    int last_tok;           /* Previous token returned (0 at the start). */
    uint32_t last_end;      /* End offset of that token. */
    bool last_word_ident;   /* That token was a name or a string (user@host glue). */
    bool word_ident;        /* The token being returned is one (set by the scanner's helpers). */
    bool exec_comment;      /* Inside an executed comment (slash-star-bang). */
    uint32_t comment_start; /* Where the last comment began (unterminated ones fail there). */
    bool saw_comment;       /* A comment was skipped in this statement. */
    int paren_depth;        /* Open parentheses. */
    int sel_depth;          /* Open query blocks (entries of sel_paren). */
    int sel_paren[SQL_PARSE_MAX_SELECT_NESTING + 2]; /* Paren depth where each open block began. */
    uint32_t n_params;                               /* ? seen in this statement. */
    struct ast_stmt *stmt;        /* The statement parsed; NULL when there was none. */
    bool empty;                   /* The statement had no tokens. */
    struct ast_column_def *col;   /* Column definition whose attributes are being read. */
    struct ast_expr *concat_node; /* String literal being joined from adjacent pieces. */
    size_t concat_cap;            /* Capacity of its buffer. */
    /* Failure. */
    enum sql__fail fail; /* Why parsing stopped. */
    uint32_t fail_pos;   /* Offset of the failing token. */
};

/* Scanner entry points (lexer.l). */
int sql__lex_init(struct sql__pstate *ps);
void sql__lex_begin_statement(struct sql__pstate *ps);

/* The grammar's entry (parser.y, bison's yyparse under api.prefix sql_yy). */
int sql_yyparse(void *scanner, struct sql__pstate *ps);

/* Keyword table (lexer.l): the token for an upper-cased word, or 0. */
struct sql__keyword {
    const char *name; /* Upper-case spelling. */
    int token;        /* Grammar token. */
    uint8_t flags;    /* SQL__KW_* bits. */
};
enum {
    SQL__KW_RESERVED = 1 << 0, /* Cannot be an unquoted identifier. */
    SQL__KW_FUNC = 1 << 1,     /* A keyword only when '(' follows at once (COUNT, CAST...). */
};
const struct sql__keyword *sql__keyword_find(const char *s, size_t len);
extern const struct sql__keyword sql__keywords[];
extern const size_t sql__n_keywords;

/* True if s names a character set that may introduce a string (_latin1'x'). */
bool sql__is_charset(const char *s, size_t n);

/* Records a failure at the given offset; the first one wins. */
void sql__fail(struct sql__pstate *ps, enum sql__fail why, uint32_t pos);

#endif
