/*
 * slt.c: a sqllogictest runner that drives a server through the MySQL protocol.
 *
 * It reads each *.test file whole, walks it record by record (records are
 * separated by blank lines) and runs every record that applies to the engine
 * `mysql` over one connection of the MariaDB C connector, in a database of its
 * own (created before the file and dropped after it). Query results arrive
 * through the text protocol and are rendered as the corpus renders them:
 * `I` as an integer (a decimal or float truncated toward zero), `R` as %.3f,
 * NULL as `NULL`, the empty string as `(empty)`, unprintable bytes as `@`.
 * They are then sorted (rowsort, valuesort) and compared with the expected
 * values, either value by value or, when the file gives "N values hashing to
 * H", by the count and the MD5 of every value followed by a newline. Records
 * that share a label must hash alike within a file.
 *
 * With -j N, N threads each take the next file and run it on their own
 * connection; the per-file lines are printed in sorted path order. The runner
 * is used to measure a server's per-statement overhead, so its own work per
 * record is small: buffers for rendered values, sort orders and expected
 * lines live in the worker and are reused, and the SQL and expected lines are
 * spans of the file buffer, never copies.
 *
 * Out of memory aborts the run: this is a test tool and a partial result is
 * worth less than a clear stop.
 */
#include "base/mem.h"

#include <dirent.h>
#include <errmsg.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <mysql.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ENGINE          "mysql" /* The engine name that skipif/onlyif test against. */
#define MAX_REPORTED    5       /* Mismatches that -v prints per file. */
#define MAX_SHOWN       20      /* Values of a result that -v prints. */
#define SQL_SHOWN       600     /* Bytes of SQL that -v prints. */
#define RECONNECT_TRIES 8       /* Attempts to re-establish a lost connection. */

/* Command-line options, set once by main() before any thread starts. */
static struct {
    const char *host;      /* Server host; "localhost" means the Unix socket. */
    unsigned port;         /* Server TCP port. */
    const char *user;      /* User name. */
    const char *password;  /* Password, or NULL for none. */
    const char *db_prefix; /* Databases are named <prefix>_<pid>_<file index>. */
    int verbose;           /* 1: print the first mismatches of each file; 2: all of them. */
    int jobs;              /* Files run in parallel, one connection each. */
    int stop_on_fail;      /* Stop at the first failing record. */
    long allow_fail;       /* Failures tolerated before the exit status is 1. */
    unsigned timeout;      /* Seconds a statement may take (MYSQL_OPT_READ_TIMEOUT). */
} opt = {"127.0.0.1", 3306, "root", NULL, "slt", 0, 1, 0, 0, 60};

/* A run of bytes inside a buffer that outlives it (the file or a worker buffer). */
typedef struct {
    const char *p; /* First byte. */
    size_t len;    /* Length in bytes. */
} span;

/* The outcome of one file, filled by a worker and printed by whoever is next in order. */
struct file_result {
    char *path;       /* Owned path of the file. */
    uint64_t passed;  /* Records that ran and passed. */
    uint64_t failed;  /* Records that ran and failed (or could not run). */
    uint64_t skipped; /* Records not for this engine, or after a halt. */
    double ms;        /* Wall time of the file. */
    char *log;        /* Owned -v report and error notes, or NULL. */
    size_t log_len;   /* Length of log. */
    int done;         /* Set under out_mu when the result is final. */
};

/* One slot of a file's label table: a label and the hash of its first passing record. */
struct label_ent {
    const char *name;      /* Label text inside the file buffer; NULL = empty slot. */
    size_t name_len;       /* Its length. */
    int line;              /* Line of the record that set the hash. */
    unsigned char md5[16]; /* Hash of that record's rendered, sorted values. */
};

/* Kinds of record. */
enum rec_kind {
    REC_EOF,
    REC_STMT_OK,
    REC_STMT_ERROR,
    REC_QUERY,
    REC_HALT,
    REC_THRESHOLD,
    REC_OTHER
};
enum sort_mode { SORT_NONE, SORT_ROWS, SORT_VALUES };

/* One parsed record; its spans point into the file buffer. */
struct record {
    enum rec_kind kind;  /* What the record is. */
    int line;            /* 1-based line of its command. */
    int skip;            /* A skipif/onlyif excludes it for ENGINE. */
    span cmd;            /* The command line, for messages. */
    span sql;            /* SQL text of a statement or query. */
    span types;          /* Column type letters of a query. */
    enum sort_mode sort; /* Sort mode of a query. */
    span label;          /* Label of a query, len 0 if none. */
    int has_result;      /* The query has a "----" separator. */
    long threshold;      /* Argument of hash-threshold. */
};

/* A reader over the lines of a NUL-terminated file buffer. */
struct cursor {
    const char *p;   /* Start of the next line. */
    const char *end; /* End of the buffer. */
    int line;        /* Number of the line last returned. */
};

/* A worker: one connection and the reusable buffers of one thread. */
struct worker {
    MYSQL *conn;              /* Open connection, or NULL. */
    unsigned long thread_id;  /* Server thread of conn, for KILL after a timeout. */
    int dead;                 /* Reconnecting failed: the rest of the file fails. */
    char db[96];              /* Database of the current file. */
    char *vbuf;               /* Rendered values, each NUL-terminated. */
    size_t vbuf_len;          /* Bytes used in vbuf. */
    size_t vbuf_cap;          /* Bytes allocated for vbuf. */
    size_t *voff;             /* Offset of each value in vbuf. */
    uint32_t *vlen;           /* Length of each value. */
    const char **vptr;        /* Pointer to each value, set once vbuf stops growing. */
    uint32_t *seq;            /* Values in compared order (indexes into the above). */
    uint32_t *rows;           /* Row permutation for rowsort. */
    size_t n_vals;            /* Values of the current result. */
    size_t vals_cap;          /* Capacity of voff, vlen, vptr, seq and rows. */
    span *exp;                /* Expected lines of the current query. */
    size_t n_exp;             /* Expected lines in exp. */
    size_t exp_cap;           /* Capacity of exp. */
    struct label_ent *labels; /* Open-addressing table of this file's labels. */
    size_t n_labels;          /* Labels in the table. */
    size_t labels_cap;        /* Slots in the table (a power of two). */
    EVP_MD_CTX *md;           /* Reused MD5 context. */
    long threshold;           /* Current hash-threshold (0: never hash). */
    FILE *log;                /* open_memstream of the file's report. */
    char *log_buf;            /* Its buffer. */
    size_t log_size;          /* Its size. */
    int n_reported;           /* Mismatches reported in this file. */
};

static struct file_result *files;                          /* All files, sorted by path. */
static size_t n_files;                                     /* Files in files. */
static size_t files_cap;                                   /* Capacity of files. */
static atomic_size_t next_file;                            /* Next file a worker takes. */
static atomic_int stopping;                                /* --stop-on-fail fired. */
static pthread_mutex_t out_mu = PTHREAD_MUTEX_INITIALIZER; /* Guards printing and done. */
static size_t next_print;                                  /* First file not yet printed. */

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("slt: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

/* Grows *p to hold at least need elements of size each; aborts when out of memory. */
static void grow(void *pp, size_t *cap, size_t need, size_t size)
{
    void **p = pp;
    if (need <= *cap)
        return;
    size_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    void *q = mem_realloc(*p, n * size);
    if (!q)
        die("out of memory");
    *p = q;
    *cap = n;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- file list ---- */

static int has_suffix(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && memcmp(s + a - b, suf, b) == 0;
}

static void add_file(const char *path)
{
    grow(&files, &files_cap, n_files + 1, sizeof *files);
    memset(&files[n_files], 0, sizeof files[n_files]);
    files[n_files].path = mem_strdup(path);
    if (!files[n_files].path)
        die("out of memory");
    n_files++;
}

/* Adds path, or every *.test under it when it is a folder. */
static void collect(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        die("%s: %s", path, strerror(errno));
    if (!S_ISDIR(st.st_mode)) {
        add_file(path);
        return;
    }
    DIR *d = opendir(path);
    if (!d)
        die("%s: %s", path, strerror(errno));
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        size_t n = strlen(path) + strlen(e->d_name) + 2;
        char *sub = mem_alloc(n);
        if (!sub)
            die("out of memory");
        snprintf(sub, n, "%s%s%s", path, has_suffix(path, "/") ? "" : "/", e->d_name);
        struct stat sst;
        if (stat(sub, &sst) == 0 && (S_ISDIR(sst.st_mode) || has_suffix(sub, ".test")))
            collect(sub);
        mem_free(sub);
    }
    closedir(d);
}

static int cmp_file(const void *a, const void *b)
{
    return strcmp(((const struct file_result *)a)->path, ((const struct file_result *)b)->path);
}

/* ---- parsing ---- */

/* Returns the next line without its newline (and a trailing CR), or 0 at the end. */
static int next_line(struct cursor *c, span *out)
{
    if (c->p >= c->end)
        return 0;
    const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
    const char *e = nl ? nl : c->end;
    out->p = c->p;
    out->len = (size_t)(e - c->p);
    if (out->len && out->p[out->len - 1] == '\r')
        out->len--;
    c->p = nl ? nl + 1 : c->end;
    c->line++;
    return 1;
}

static int is_blank(span s)
{
    for (size_t i = 0; i < s.len; i++)
        if (s.p[i] != ' ' && s.p[i] != '\t')
            return 0;
    return 1;
}

/* Splits s into up to max whitespace-separated tokens; returns how many. */
static int tokens(span s, span *tok, int max)
{
    int n = 0;
    size_t i = 0;
    while (n < max) {
        while (i < s.len && (s.p[i] == ' ' || s.p[i] == '\t'))
            i++;
        if (i >= s.len)
            break;
        size_t j = i;
        while (j < s.len && s.p[j] != ' ' && s.p[j] != '\t')
            j++;
        tok[n].p = s.p + i;
        tok[n].len = j - i;
        n++;
        i = j;
    }
    return n;
}

static int tok_is(span t, const char *word)
{
    size_t n = strlen(word);
    return t.len == n && memcmp(t.p, word, n) == 0;
}

/*
 * Reads the next record into r. Expected result lines of a query go into
 * w->exp. Conditions (skipif/onlyif) before the command stack: any one that
 * excludes ENGINE skips the record.
 */
static void parse_record(struct worker *w, struct cursor *c, struct record *r)
{
    span line, tok[4];
    memset(r, 0, sizeof *r);
    w->n_exp = 0;
    for (;;) {
        if (!next_line(c, &line)) {
            r->kind = REC_EOF;
            return;
        }
        if (is_blank(line) || line.p[0] == '#')
            continue;
        int n = tokens(line, tok, 2);
        if (n >= 1 && (tok_is(tok[0], "skipif") || tok_is(tok[0], "onlyif"))) {
            int match = n >= 2 && tok_is(tok[1], ENGINE);
            if (tok_is(tok[0], "skipif") ? match : !match)
                r->skip = 1;
            continue;
        }
        break;
    }
    r->line = c->line;
    r->cmd = line;
    int n = tokens(line, tok, 4);
    if (tok_is(tok[0], "statement") && n >= 2 &&
        (tok_is(tok[1], "ok") || tok_is(tok[1], "error"))) {
        r->kind = tok_is(tok[1], "ok") ? REC_STMT_OK : REC_STMT_ERROR;
    } else if (tok_is(tok[0], "query") && n >= 2) {
        r->kind = REC_QUERY;
        r->types = tok[1];
        int t = 2;
        if (n > 2 && tok_is(tok[2], "nosort")) {
            t = 3;
        } else if (n > 2 && tok_is(tok[2], "rowsort")) {
            r->sort = SORT_ROWS;
            t = 3;
        } else if (n > 2 && tok_is(tok[2], "valuesort")) {
            r->sort = SORT_VALUES;
            t = 3;
        }
        if (n > t && tok[t].p[0] != '#')
            r->label = tok[t];
    } else if (tok_is(tok[0], "halt")) {
        r->kind = REC_HALT;
        return;
    } else if (tok_is(tok[0], "hash-threshold") && n >= 2) {
        r->kind = REC_THRESHOLD;
        r->threshold = strtol(tok[1].p, NULL, 10);
        return;
    } else {
        r->kind = REC_OTHER;
    }
    /* The body: SQL up to a blank line or (for a query) "----", then expected values. */
    const char *sql_start = NULL, *sql_end = NULL;
    while (next_line(c, &line) && !is_blank(line)) {
        if (r->kind == REC_QUERY && line.len == 4 && memcmp(line.p, "----", 4) == 0) {
            r->has_result = 1;
            while (next_line(c, &line) && line.len > 0) {
                grow(&w->exp, &w->exp_cap, w->n_exp + 1, sizeof *w->exp);
                w->exp[w->n_exp++] = line;
            }
            break;
        }
        if (!sql_start)
            sql_start = line.p;
        sql_end = line.p + line.len;
    }
    r->sql.p = sql_start ? sql_start : "";
    r->sql.len = sql_start ? (size_t)(sql_end - sql_start) : 0;
}

/* ---- rendering ---- */

/* Makes room for need values in the parallel value arrays. */
static void vals_reserve(struct worker *w, size_t need)
{
    if (need <= w->vals_cap)
        return;
    size_t cap = w->vals_cap ? w->vals_cap * 2 : 256;
    while (cap < need)
        cap *= 2;
    void *a = mem_realloc(w->voff, cap * sizeof *w->voff);
    if (a)
        w->voff = a;
    void *b = a ? mem_realloc(w->vlen, cap * sizeof *w->vlen) : NULL;
    if (b)
        w->vlen = b;
    void *c = b ? mem_realloc(w->vptr, cap * sizeof *w->vptr) : NULL;
    if (c)
        w->vptr = c;
    void *d = c ? mem_realloc(w->seq, cap * sizeof *w->seq) : NULL;
    if (d)
        w->seq = d;
    void *e = d ? mem_realloc(w->rows, cap * sizeof *w->rows) : NULL;
    if (!e)
        die("out of memory");
    w->rows = e;
    w->vals_cap = cap;
}

/* Returns room for a new value of len bytes (plus its NUL) at the end of the value buffer. */
static char *value_begin(struct worker *w, size_t len)
{
    vals_reserve(w, w->n_vals + 1);
    grow(&w->vbuf, &w->vbuf_cap, w->vbuf_len + len + 1, 1);
    return w->vbuf + w->vbuf_len;
}

/* Completes the value of len bytes written at value_begin()'s pointer. */
static void value_end(struct worker *w, size_t len)
{
    w->vbuf[w->vbuf_len + len] = 0;
    w->voff[w->n_vals] = w->vbuf_len;
    w->vlen[w->n_vals] = (uint32_t)len;
    w->n_vals++;
    w->vbuf_len += len + 1;
}

static void put_value(struct worker *w, const char *s, size_t len)
{
    memcpy(value_begin(w, len), s, len);
    value_end(w, len);
}

/* Returns the number in v (len bytes, its numeric prefix; 0 if none). */
static double to_double(const char *v, size_t len)
{
    char tmp[80];
    if (len < sizeof tmp) {
        memcpy(tmp, v, len);
        tmp[len] = 0;
        return strtod(tmp, NULL);
    }
    char *t = mem_strndup(v, len);
    if (!t)
        die("out of memory");
    double x = strtod(t, NULL);
    mem_free(t);
    return x;
}

/* Whether v (len bytes) is an optional '-' followed by decimal digits only. */
static int is_integer_text(const char *v, size_t len)
{
    size_t i = (len > 0 && v[0] == '-') ? 1 : 0;
    if (i == len)
        return 0;
    for (; i < len; i++)
        if (v[i] < '0' || v[i] > '9')
            return 0;
    return 1;
}

/*
 * Renders one value (len bytes, or NULL for SQL NULL) returned for a column of
 * the given type letter.
 */
static void render(struct worker *w, char type, const char *v, size_t len)
{
    char tmp[64];
    if (!v) {
        put_value(w, "NULL", 4);
        return;
    }
    if (type == 'I') {
        if (is_integer_text(v, len)) {
            put_value(w, v, len);
            return;
        }
        /* A decimal "[-]digits.digits" truncates textually (exact for any width). */
        size_t i = (len > 0 && (v[0] == '-' || v[0] == '+')) ? 1 : 0, d = i;
        while (d < len && v[d] >= '0' && v[d] <= '9')
            d++;
        if (d > i && d < len && v[d] == '.') {
            size_t f = d + 1;
            while (f < len && v[f] >= '0' && v[f] <= '9')
                f++;
            if (f == len) {
                size_t z = i;
                while (z < d - 1 && v[z] == '0')
                    z++; /* Leading zeros. */
                if (v[z] == '0' && z == d - 1) {
                    put_value(w, "0", 1); /* -0.5 truncates to 0, not -0. */
                    return;
                }
                char *o = tmp;
                size_t n = d - z;
                if (n + 2 < sizeof tmp) {
                    if (v[0] == '-')
                        *o++ = '-';
                    memcpy(o, v + z, n);
                    put_value(w, tmp, (size_t)(o - tmp) + n);
                    return;
                }
            }
        }
        /* Anything else (exponents, text): its numeric prefix, truncated. */
        double x = trunc(to_double(v, len));
        int n;
        if (x == 0)
            n = snprintf(tmp, sizeof tmp, "0");
        else if (fabs(x) < 9.2e18)
            n = snprintf(tmp, sizeof tmp, "%lld", (long long)x);
        else
            n = snprintf(tmp, sizeof tmp, "%.0f", x);
        put_value(w, tmp, (size_t)n);
        return;
    }
    if (type == 'R') {
        double x = to_double(v, len);
        int n = snprintf(tmp, sizeof tmp, "%.3f", x);
        if (n >= (int)sizeof tmp) {
            /* Huge magnitudes: render into the value buffer directly. */
            char *d = value_begin(w, (size_t)n);
            snprintf(d, (size_t)n + 1, "%.3f", x);
            value_end(w, (size_t)n);
            return;
        }
        put_value(w, tmp, (size_t)n);
        return;
    }
    if (len == 0) {
        put_value(w, "(empty)", 7);
        return;
    }
    char *d = value_begin(w, len);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)v[i];
        d[i] = (ch < 0x20 || ch > 0x7e) ? '@' : (char)ch;
    }
    value_end(w, len);
}

/* ---- sorting and hashing ---- */

/* What cmp_rows needs besides the two row numbers. */
struct sort_ctx {
    const char **vptr; /* Value pointers. */
    size_t n_cols;     /* Values per row. */
};

static int cmp_rows(const void *a, const void *b, void *arg)
{
    const struct sort_ctx *s = arg;
    const char **x = s->vptr + (size_t) * (const uint32_t *)a * s->n_cols;
    const char **y = s->vptr + (size_t) * (const uint32_t *)b * s->n_cols;
    for (size_t c = 0; c < s->n_cols; c++) {
        int r = strcmp(x[c], y[c]);
        if (r)
            return r;
    }
    return 0;
}

static int cmp_values(const void *a, const void *b, void *arg)
{
    const char **vptr = arg;
    return strcmp(vptr[*(const uint32_t *)a], vptr[*(const uint32_t *)b]);
}

/* Puts the rendered values in compared order into w->seq. */
static void order_values(struct worker *w, enum sort_mode sort, size_t n_cols)
{
    for (size_t i = 0; i < w->n_vals; i++) {
        w->vptr[i] = w->vbuf + w->voff[i];
        w->seq[i] = (uint32_t)i;
    }
    if (sort == SORT_VALUES) {
        qsort_r(w->seq, w->n_vals, sizeof *w->seq, cmp_values, w->vptr);
    } else if (sort == SORT_ROWS && n_cols > 0) {
        size_t n_rows = w->n_vals / n_cols;
        for (size_t r = 0; r < n_rows; r++)
            w->rows[r] = (uint32_t)r;
        struct sort_ctx ctx = {w->vptr, n_cols};
        qsort_r(w->rows, n_rows, sizeof *w->rows, cmp_rows, &ctx);
        for (size_t r = 0, k = 0; r < n_rows; r++)
            for (size_t c = 0; c < n_cols; c++)
                w->seq[k++] = (uint32_t)(w->rows[r] * n_cols + c);
    }
}

static void hash_values(struct worker *w, unsigned char md5[16])
{
    unsigned int n = 16;
    EVP_DigestInit_ex(w->md, EVP_md5(), NULL);
    for (size_t i = 0; i < w->n_vals; i++) {
        uint32_t k = w->seq[i];
        EVP_DigestUpdate(w->md, w->vptr[k], w->vlen[k]);
        EVP_DigestUpdate(w->md, "\n", 1);
    }
    EVP_DigestFinal_ex(w->md, md5, &n);
}

static void hex16(const unsigned char md5[16], char out[33])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 16; i++) {
        out[2 * i] = digits[md5[i] >> 4];
        out[2 * i + 1] = digits[md5[i] & 15];
    }
    out[32] = 0;
}

/* Parses "N values hashing to H"; returns 1 and sets *count and hex when it matches. */
static int parse_hash_line(span s, size_t *count, char hex[33])
{
    char buf[128];
    if (s.len >= sizeof buf)
        return 0;
    memcpy(buf, s.p, s.len);
    buf[s.len] = 0;
    unsigned long long n;
    int end = 0;
    if (sscanf(buf, "%llu values hashing to %32[0-9a-fA-F]%n", &n, hex, &end) != 2 ||
        strlen(hex) != 32 || (size_t)end != s.len)
        return 0;
    for (int i = 0; i < 32; i++)
        if (hex[i] >= 'A' && hex[i] <= 'F')
            hex[i] = (char)(hex[i] - 'A' + 'a');
    *count = (size_t)n;
    return 1;
}

/* ---- labels ---- */

static size_t label_hash(span s)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < s.len; i++)
        h = (h ^ (unsigned char)s.p[i]) * 1099511628211ull;
    return (size_t)h;
}

/* Returns the slot of label s, empty (name NULL) when it is not in the table yet. */
static struct label_ent *label_slot(struct worker *w, span s)
{
    if ((w->n_labels + 1) * 2 > w->labels_cap) {
        size_t cap = w->labels_cap ? w->labels_cap * 2 : 64;
        struct label_ent *t = mem_calloc(cap, sizeof *t);
        if (!t)
            die("out of memory");
        for (size_t i = 0; i < w->labels_cap; i++) {
            struct label_ent *e = &w->labels[i];
            if (!e->name)
                continue;
            size_t j = label_hash((span){e->name, e->name_len}) & (cap - 1);
            while (t[j].name)
                j = (j + 1) & (cap - 1);
            t[j] = *e;
        }
        mem_free(w->labels);
        w->labels = t;
        w->labels_cap = cap;
    }
    size_t j = label_hash(s) & (w->labels_cap - 1);
    while (w->labels[j].name &&
           !(w->labels[j].name_len == s.len && memcmp(w->labels[j].name, s.p, s.len) == 0))
        j = (j + 1) & (w->labels_cap - 1);
    return &w->labels[j];
}

/* ---- connection ---- */

/* Opens w->conn; returns 0, or -1 after noting the error (in the file's log if quiet is 0). */
static int conn_open(struct worker *w, int quiet)
{
    w->conn = mysql_init(NULL);
    if (!w->conn)
        die("mysql_init failed");
    unsigned int t = opt.timeout, ct = 10;
    mysql_optionsv(w->conn, MYSQL_OPT_CONNECT_TIMEOUT, &ct);
    mysql_optionsv(w->conn, MYSQL_OPT_READ_TIMEOUT, &t);
    mysql_optionsv(w->conn, MYSQL_OPT_WRITE_TIMEOUT, &t);
    if (!mysql_real_connect(w->conn, opt.host, opt.user, opt.password, NULL, opt.port, NULL, 0)) {
        if (w->log && !quiet)
            fprintf(w->log, "  connect: %s\n", mysql_error(w->conn));
        else
            fprintf(stderr, "slt: connect to %s:%u: %s\n", opt.host, opt.port,
                    mysql_error(w->conn));
        mysql_close(w->conn);
        w->conn = NULL;
        return -1;
    }
    w->thread_id = mysql_thread_id(w->conn);
    return 0;
}

/* Runs a statement whose outcome only matters for errors; returns 0 or -1. */
static int exec_simple(struct worker *w, const char *sql)
{
    if (mysql_real_query(w->conn, sql, strlen(sql)) != 0)
        return -1;
    if (mysql_field_count(w->conn) > 0) {
        MYSQL_RES *res = mysql_store_result(w->conn);
        if (res)
            mysql_free_result(res);
    }
    return 0;
}

/*
 * Replaces a lost connection and kills the old server thread (which may still
 * be running a statement that timed out). Sets w->dead when it cannot.
 */
static void reconnect(struct worker *w)
{
    unsigned long old = w->thread_id;
    if (w->conn)
        mysql_close(w->conn);
    w->conn = NULL;
    for (int i = 0; i < RECONNECT_TRIES; i++) {
        if (i > 0)
            usleep(100000u << (i < 4 ? i : 4));
        if (conn_open(w, i + 1 < RECONNECT_TRIES) != 0)
            continue;
        char kill[64];
        snprintf(kill, sizeof kill, "KILL %lu", old);
        exec_simple(w, kill); /* Errors are fine: the thread may be gone already. */
        if (w->db[0] && mysql_select_db(w->conn, w->db) != 0) {
            fprintf(w->log, "  reconnect: USE %s: %s\n", w->db, mysql_error(w->conn));
            break;
        }
        return;
    }
    fprintf(w->log, "  reconnect failed: the rest of the file fails\n");
    if (w->conn)
        mysql_close(w->conn);
    w->conn = NULL;
    w->dead = 1;
}

static int is_conn_error(unsigned e)
{
    return e >= CR_MIN_ERROR && e <= CR_MAX_ERROR;
}

/* ---- reporting ---- */

static void show_sql(struct worker *w, const struct record *r)
{
    size_t n = r->sql.len < SQL_SHOWN ? r->sql.len : SQL_SHOWN;
    fprintf(w->log, "    sql: %.*s%s\n", (int)n, r->sql.p, n < r->sql.len ? " ..." : "");
}

/* Starts a mismatch report; returns 0 when -v is off or enough were reported. */
static int report_begin(struct worker *w, const struct record *r, const char *path)
{
    if (!opt.verbose || (opt.verbose == 1 && w->n_reported >= MAX_REPORTED))
        return 0;
    w->n_reported++;
    fprintf(w->log, "  %s:%d: %.*s\n", path, r->line, (int)r->cmd.len, r->cmd.p);
    show_sql(w, r);
    return 1;
}

static void show_expected(struct worker *w)
{
    fprintf(w->log, "    expected (%zu lines):\n", w->n_exp);
    for (size_t i = 0; i < w->n_exp && i < MAX_SHOWN; i++)
        fprintf(w->log, "      %.*s\n", (int)w->exp[i].len, w->exp[i].p);
    if (w->n_exp > MAX_SHOWN)
        fprintf(w->log, "      ...\n");
}

static void show_got(struct worker *w, int hashed, const char *hex)
{
    if (hashed)
        fprintf(w->log, "    got: %zu values hashing to %s\n", w->n_vals, hex);
    else
        fprintf(w->log, "    got (%zu values):\n", w->n_vals);
    for (size_t i = 0; i < w->n_vals && i < MAX_SHOWN; i++)
        fprintf(w->log, "      %s\n", w->vptr[w->seq[i]]);
    if (w->n_vals > MAX_SHOWN)
        fprintf(w->log, "      ...\n");
}

/* ---- running records ---- */

/* Outcome of a record. */
enum outcome { PASS, FAIL };

/* Handles an error from the server or the connection; returns FAIL. */
static enum outcome query_failed(struct worker *w, const struct record *r, const char *path,
                                 const char *what)
{
    unsigned e = mysql_errno(w->conn);
    if (report_begin(w, r, path))
        fprintf(w->log, "    %s: error %u: %s\n", what, e, mysql_error(w->conn));
    if (is_conn_error(e)) {
        if (!opt.verbose)
            fprintf(w->log, "  %s:%d: error %u: %s; reconnecting\n", path, r->line, e,
                    mysql_error(w->conn));
        reconnect(w);
    }
    return FAIL;
}

static enum outcome run_statement(struct worker *w, const struct record *r, const char *path)
{
    int rc = mysql_real_query(w->conn, r->sql.p, r->sql.len);
    if (rc == 0 && mysql_field_count(w->conn) > 0) {
        MYSQL_RES *res = mysql_store_result(w->conn);
        if (res)
            mysql_free_result(res);
        else
            rc = -1;
    }
    if (rc != 0 && is_conn_error(mysql_errno(w->conn)))
        return query_failed(w, r, path, "connection");
    if (r->kind == REC_STMT_OK && rc != 0)
        return query_failed(w, r, path, "statement failed");
    if (r->kind == REC_STMT_ERROR && rc == 0) {
        if (report_begin(w, r, path))
            fprintf(w->log, "    expected an error, the statement succeeded\n");
        return FAIL;
    }
    return PASS;
}

static enum outcome run_query(struct worker *w, const struct record *r, const char *path)
{
    if (mysql_real_query(w->conn, r->sql.p, r->sql.len) != 0)
        return query_failed(w, r, path, "query failed");
    MYSQL_RES *res = mysql_use_result(w->conn);
    if (!res) {
        if (mysql_field_count(w->conn) > 0 || mysql_errno(w->conn))
            return query_failed(w, r, path, "query failed");
        if (report_begin(w, r, path))
            fprintf(w->log, "    the query returned no result set\n");
        return FAIL;
    }
    size_t n_cols = mysql_num_fields(res);
    w->n_vals = 0;
    w->vbuf_len = 0;
    MYSQL_ROW row;
    const char *types = r->types.p;
    size_t n_types = r->types.len;
    while ((row = mysql_fetch_row(res)) != NULL) {
        unsigned long *lens = mysql_fetch_lengths(res);
        for (size_t c = 0; c < n_cols; c++)
            render(w, c < n_types ? types[c] : 'T', row[c], lens[c]);
    }
    if (mysql_errno(w->conn)) {
        mysql_free_result(res);
        return query_failed(w, r, path, "fetching rows");
    }
    mysql_free_result(res);

    order_values(w, r->sort, n_cols);
    if (n_cols != n_types) {
        if (report_begin(w, r, path))
            fprintf(w->log, "    expected %zu columns, got %zu\n", n_types, n_cols);
        return FAIL;
    }
    if (!r->has_result)
        return PASS;

    unsigned char md5[16];
    char hex[33], want_hex[33];
    int have_md5 = 0;
    size_t want_count;
    int ok;
    int hashed = w->n_exp == 1 && parse_hash_line(w->exp[0], &want_count, want_hex);
    if (hashed) {
        hash_values(w, md5);
        have_md5 = 1;
        hex16(md5, hex);
        ok = want_count == w->n_vals && memcmp(hex, want_hex, 32) == 0;
    } else {
        ok = w->n_exp == w->n_vals;
        for (size_t i = 0; ok && i < w->n_vals; i++) {
            uint32_t k = w->seq[i];
            ok = w->exp[i].len == w->vlen[k] && memcmp(w->exp[i].p, w->vptr[k], w->vlen[k]) == 0;
        }
    }
    if (!ok) {
        if (report_begin(w, r, path)) {
            show_expected(w);
            if (!have_md5 && w->threshold > 0 && (long)w->n_vals > w->threshold) {
                hash_values(w, md5);
                have_md5 = 1;
                hex16(md5, hex);
            }
            show_got(w, have_md5, hex);
        }
        return FAIL;
    }
    if (r->label.len) {
        if (!have_md5)
            hash_values(w, md5);
        struct label_ent *e = label_slot(w, r->label);
        if (!e->name) {
            e->name = r->label.p;
            e->name_len = r->label.len;
            e->line = r->line;
            memcpy(e->md5, md5, 16);
            w->n_labels++;
        } else if (memcmp(e->md5, md5, 16) != 0) {
            if (report_begin(w, r, path))
                fprintf(w->log, "    the hash differs from that of line %d with the same label\n",
                        e->line);
            return FAIL;
        }
    }
    return PASS;
}

static int read_file(const char *path, char **buf, size_t *len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return -1;
    }
    size_t n = (size_t)st.st_size, got = 0;
    char *b = mem_alloc(n + 1);
    if (!b)
        die("out of memory");
    while (got < n) {
        ssize_t k = read(fd, b + got, n - got);
        if (k <= 0) {
            if (k < 0 && errno == EINTR)
                continue;
            break;
        }
        got += (size_t)k;
    }
    close(fd);
    b[got] = 0;
    *buf = b;
    *len = got;
    return 0;
}

/* Creates and selects the file's database; returns 0, or -1 with a note in the log. */
static int setup_db(struct worker *w, size_t index)
{
    char sql[160];
    snprintf(w->db, sizeof w->db, "%s_%ld_%zu", opt.db_prefix, (long)getpid(), index);
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", w->db);
    exec_simple(w, sql);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", w->db);
    if (exec_simple(w, sql) != 0 || mysql_select_db(w->conn, w->db) != 0) {
        fprintf(w->log, "  %s: %s\n", sql, mysql_error(w->conn));
        return -1;
    }
    return 0;
}

static void run_file(struct worker *w, size_t index)
{
    struct file_result *f = &files[index];
    double t0 = now_ms();
    w->log = open_memstream(&w->log_buf, &w->log_size);
    if (!w->log)
        die("open_memstream: %s", strerror(errno));
    w->n_reported = 0;
    w->threshold = 0;
    w->n_labels = 0;
    if (w->labels)
        memset(w->labels, 0, w->labels_cap * sizeof *w->labels);
    w->db[0] = 0;
    w->dead = 0;

    char *buf = NULL;
    size_t len = 0;
    if (read_file(f->path, &buf, &len) != 0) {
        fprintf(w->log, "  cannot read: %s\n", strerror(errno));
        f->failed = 1;
        goto done;
    }
    if (!w->conn && conn_open(w, 0) != 0)
        w->dead = 1;
    if (!w->dead && setup_db(w, index) != 0)
        w->dead = 1;

    struct cursor c = {buf, buf + len, 0};
    struct record r;
    int halted = 0;
    for (;;) {
        parse_record(w, &c, &r);
        if (r.kind == REC_EOF)
            break;
        int runs = r.kind == REC_STMT_OK || r.kind == REC_STMT_ERROR || r.kind == REC_QUERY;
        if (halted || r.skip) {
            f->skipped += runs;
            continue;
        }
        if (r.kind == REC_HALT) {
            halted = 1;
            continue;
        }
        if (r.kind == REC_THRESHOLD) {
            w->threshold = r.threshold;
            continue;
        }
        if (r.kind == REC_OTHER) {
            fprintf(w->log, "  %s:%d: unsupported record: %.*s\n", f->path, r.line, (int)r.cmd.len,
                    r.cmd.p);
            f->failed++;
            continue;
        }
        if (atomic_load(&stopping)) {
            f->skipped++;
            continue;
        }
        enum outcome o;
        if (w->dead)
            o = FAIL;
        else if (r.kind == REC_QUERY)
            o = run_query(w, &r, f->path);
        else
            o = run_statement(w, &r, f->path);
        if (o == PASS) {
            f->passed++;
        } else {
            f->failed++;
            if (opt.stop_on_fail)
                atomic_store(&stopping, 1);
        }
    }
    if (w->conn && w->db[0]) {
        char sql[160];
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", w->db);
        if (exec_simple(w, sql) != 0 && is_conn_error(mysql_errno(w->conn))) {
            mysql_close(w->conn);
            w->conn = NULL;
        }
    }
    if (w->dead && w->conn) {
        mysql_close(w->conn);
        w->conn = NULL;
    }
    mem_free(buf);
done:
    fclose(w->log);
    w->log = NULL;
    f->log = w->log_buf;
    f->log_len = w->log_size;
    w->log_buf = NULL;
    f->ms = now_ms() - t0;
}

/* Prints every finished file that is next in path order. Caller holds out_mu. */
static void print_ready(void)
{
    while (next_print < n_files && files[next_print].done) {
        struct file_result *f = &files[next_print++];
        const char *st = f->failed ? "fail" : f->passed ? "ok" : "skip";
        printf("%s %s (%llu/%llu records, %llu skipped, %.0f ms)\n", st, f->path,
               (unsigned long long)f->passed, (unsigned long long)(f->passed + f->failed),
               (unsigned long long)f->skipped, f->ms);
        if (f->log_len)
            fwrite(f->log, 1, f->log_len, stdout);
        mem_free(f->log);
        f->log = NULL;
        fflush(stdout);
    }
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    mysql_thread_init();
    w->md = EVP_MD_CTX_new();
    if (!w->md)
        die("EVP_MD_CTX_new failed");
    for (;;) {
        if (atomic_load(&stopping))
            break;
        size_t i = atomic_fetch_add(&next_file, 1);
        if (i >= n_files)
            break;
        run_file(w, i);
        pthread_mutex_lock(&out_mu);
        files[i].done = 1;
        print_ready();
        pthread_mutex_unlock(&out_mu);
    }
    if (w->conn)
        mysql_close(w->conn);
    EVP_MD_CTX_free(w->md);
    mem_free(w->vbuf);
    mem_free(w->voff);
    mem_free(w->vlen);
    mem_free(w->vptr);
    mem_free(w->seq);
    mem_free(w->rows);
    mem_free(w->exp);
    mem_free(w->labels);
    mysql_thread_end();
    return NULL;
}

static void usage(void)
{
    fputs("usage: slt [options] PATH...\n"
          "Runs sqllogictest files (PATH: files, or folders searched for *.test) against a\n"
          "server that speaks the MySQL protocol, as engine `mysql`.\n"
          "  --host H          server host [127.0.0.1]\n"
          "  --port N          server port [3306]\n"
          "  --user U          user [root]\n"
          "  --password P      password [none]\n"
          "  --database NAME   prefix of the per-file databases [slt]\n"
          "  -j N              run N files in parallel [1]\n"
          "  -v                print the first mismatches of each file (-vv: all)\n"
          "  --timeout S       a statement taking longer than S seconds fails [60]\n"
          "  --stop-on-fail    stop at the first failing record\n"
          "  --allow-fail N    exit 0 with up to N failed records [0]\n",
          stderr);
    exit(2);
}

/* Returns the value of option name at argv[*i] ("--x v" or "--x=v"), or NULL. */
static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0)
        return NULL;
    if (a[n] == '=')
        return a + n + 1;
    if (a[n] != 0) {
        if (n == 2 && name[0] == '-' && name[1] != '-')
            return a + n; /* "-j4" */
        return NULL;
    }
    if (*i + 1 >= argc)
        die("%s needs a value", name);
    return argv[++*i];
}

static long parse_num(const char *s, const char *name)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == 0 || *end != 0 || v < 0)
        die("%s: not a number: %s", name, s);
    return v;
}

int main(int argc, char **argv)
{
    const char *v;
    int n_paths = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if ((v = opt_value(argc, argv, &i, "--host")))
            opt.host = v;
        else if ((v = opt_value(argc, argv, &i, "--port")))
            opt.port = (unsigned)parse_num(v, "--port");
        else if ((v = opt_value(argc, argv, &i, "--user")))
            opt.user = v;
        else if ((v = opt_value(argc, argv, &i, "--password")))
            opt.password = v;
        else if ((v = opt_value(argc, argv, &i, "--database")))
            opt.db_prefix = v;
        else if ((v = opt_value(argc, argv, &i, "--timeout")))
            opt.timeout = (unsigned)parse_num(v, "--timeout");
        else if ((v = opt_value(argc, argv, &i, "--allow-fail")))
            opt.allow_fail = parse_num(v, "--allow-fail");
        else if ((v = opt_value(argc, argv, &i, "-j")))
            opt.jobs = (int)parse_num(v, "-j");
        else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0)
            opt.verbose = opt.verbose > 1 ? 2 : 1;
        else if (strcmp(a, "-vv") == 0)
            opt.verbose = 2;
        else if (strcmp(a, "--stop-on-fail") == 0)
            opt.stop_on_fail = 1;
        else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
            usage();
        else if (a[0] == '-' && a[1] != 0)
            die("unknown option %s (try --help)", a);
        else {
            collect(a);
            n_paths++;
        }
    }
    if (n_paths == 0)
        usage();
    if (opt.jobs < 1)
        opt.jobs = 1;
    for (const char *p = opt.db_prefix; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_'))
            die("--database: use letters, digits and _ only");
    if (strlen(opt.db_prefix) > 40)
        die("--database: at most 40 characters");
    qsort(files, n_files, sizeof *files, cmp_file);
    if (opt.jobs > (int)n_files)
        opt.jobs = n_files ? (int)n_files : 1;
    if (mysql_library_init(0, NULL, NULL) != 0)
        die("mysql_library_init failed");

    /* Fail fast when the server is not there at all. */
    struct worker probe = {0};
    if (conn_open(&probe, 0) != 0)
        return 2;
    mysql_close(probe.conn);

    double t0 = now_ms();
    struct worker *ws = mem_calloc((size_t)opt.jobs, sizeof *ws);
    pthread_t *tids = mem_calloc((size_t)opt.jobs, sizeof *tids);
    if (!ws || !tids)
        die("out of memory");
    for (int i = 0; i < opt.jobs; i++) {
        if (pthread_create(&tids[i], NULL, worker_main, &ws[i]) != 0)
            die("pthread_create failed");
    }
    for (int i = 0; i < opt.jobs; i++)
        pthread_join(tids[i], NULL);
    double secs = (now_ms() - t0) / 1e3;

    uint64_t passed = 0, failed = 0, skipped = 0;
    size_t n_run = 0;
    for (size_t i = 0; i < n_files; i++) {
        if (!files[i].done)
            continue;
        n_run++;
        passed += files[i].passed;
        failed += files[i].failed;
        skipped += files[i].skipped;
        mem_free(files[i].path);
    }
    uint64_t total = passed + failed + skipped;
    printf("slt: %zu files, %llu records: %llu passed, %llu failed, %llu skipped, %.0f records/s "
           "(%.1f s)\n",
           n_run, (unsigned long long)total, (unsigned long long)passed, (unsigned long long)failed,
           (unsigned long long)skipped, secs > 0 ? (double)(passed + failed) / secs : 0.0, secs);
    printf("%llu passed, %llu failed\n", (unsigned long long)passed, (unsigned long long)failed);
    mem_free(ws);
    mem_free(tids);
    mem_free(files);
    mysql_library_end();
    return failed > (uint64_t)opt.allow_fail ? 1 : 0;
}
