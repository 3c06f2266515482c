/*
 * catalog.h: the SQL catalog: databases, tables, indexes, users and grants,
 * auto-increment counters.
 *
 * The catalog lives in a system tablet (CATALOG_TABLET_ID) as one row per
 * object, written through txn/ so it recovers like data. In memory it is a
 * versioned, immutable snapshot (struct catalog_snap): statements take a
 * reference with catalog_snapshot_get() and bind against it for their whole
 * life; DDL builds a new snapshot, writes the changed rows in one
 * transaction, and installs the new snapshot with the version bumped. Old
 * snapshots live until their last reference is put.
 *
 * DDL calls are serialised by one mutex of the catalog (any thread may call
 * them); snapshot get/put and the auto-increment allocator may be called from
 * any thread at any time.
 *
 * Errors: DDL functions return 0 or a negative ERR_* code. When the failure
 * is one a MySQL client should see as a specific error (1007 database
 * exists, 1146 table doesn't exist, ...), err->code holds MySQL's number,
 * err->sqlstate and err->msg its SQLSTATE and exact message text; otherwise
 * (I/O, memory, corruption) err->code is 0 and err_msg() has the detail.
 *
 * Names: database and table names compare case-sensitively (Linux MySQL's
 * lower_case_table_names=0); column and index names case-insensitively
 * (ASCII letters folded; other bytes compared exactly). User names are
 * case-sensitive, host patterns case-insensitive.
 */
#ifndef ATOLL_SQL_CATALOG_H
#define ATOLL_SQL_CATALOG_H

#include "server/handler.h"
#include "sql/value.h"

#include <stdbool.h>
#include <stdint.h>

struct txn_mgr;
struct buf;

#define CATALOG_TABLET_ID     1ULL /* The system tablet holding the catalog's rows. */
#define CATALOG_NAME_MAX      64   /* Longest database, table, column or index name (bytes). */
#define CATALOG_INDEX_MAX     255  /* Index ids are 1..255 (tablet = table id * 256 + index id). */
#define CATALOG_AUTOINC_BATCH 1000 /* Auto-increment values reserved durably at a time. */

/* A MySQL-level error of a DDL call (code 0: none, see err_msg()). */
struct catalog_error {
    int code;         /* MySQL error number, e.g. 1146; 0 if not a MySQL-level error. */
    char sqlstate[6]; /* Its SQLSTATE, NUL-terminated, e.g. "42S02". */
    char msg[512];    /* MySQL's message text. */
};

/* ---- Schema objects (immutable once in a snapshot) ---------------------- */

struct catalog_db {
    const char *name; /* Database name. */
    uint16_t coll;    /* Default collation id (its charset follows from it). */
};

enum catalog_default_kind {
    CATALOG_DEFAULT_NONE = 0,  /* No DEFAULT clause. */
    CATALOG_DEFAULT_NULL = 1,  /* DEFAULT NULL. */
    CATALOG_DEFAULT_VALUE = 2, /* DEFAULT literal: text and value set. */
    CATALOG_DEFAULT_NOW = 3,   /* DEFAULT CURRENT_TIMESTAMP[(fsp)]. */
};

struct catalog_column {
    const char *name;           /* Column name as declared. */
    uint32_t id;                /* Stable id within the table, never reused (row value tags). */
    struct sql_type type;       /* Type with attributes (flags NOT_NULL, AUTO_INCREMENT, ...). */
    bool nullable;              /* Accepts NULL. */
    bool auto_increment;        /* AUTO_INCREMENT column. */
    uint8_t default_kind;       /* enum catalog_default_kind. */
    const char *default_text;   /* DEFAULT_VALUE: the literal as written, else NULL. */
    struct value default_value; /* DEFAULT_VALUE: the value in the column's type, else NULL. */
    const char *comment;        /* COMMENT text, "" if none. */
};

struct catalog_index_col {
    uint32_t column_id;  /* The column's id. */
    bool desc;           /* Descending key part. */
    uint32_t prefix_len; /* Index prefix (characters; bytes for binary strings), 0 = whole. */
};

enum catalog_index_state {
    CATALOG_INDEX_WRITE_ONLY = 1, /* Maintained by writes, not readable (during backfill). */
    CATALOG_INDEX_PUBLIC = 2,     /* Readable. */
};

struct catalog_index {
    const char *name;               /* Index name. */
    uint32_t id;                    /* 1..255; its tablet is table id * 256 + id. */
    bool unique;                    /* UNIQUE. */
    uint8_t state;                  /* enum catalog_index_state. */
    uint32_t n_cols;                /* Key parts. */
    struct catalog_index_col *cols; /* The key parts, in order. */
};

struct catalog_table {
    uint64_t id;                    /* Table id (changes on TRUNCATE); tablets id * 256 + n. */
    const char *db;                 /* Database name. */
    const char *name;               /* Table name. */
    uint32_t n_columns;             /* Columns. */
    struct catalog_column *columns; /* In declared order. */
    uint32_t next_column_id;        /* Id the next added column gets. */
    uint32_t n_pk;                  /* Primary key parts; 0 = hidden 8-byte row id. */
    struct catalog_index_col *pk;   /* Primary key parts. */
    uint32_t n_indexes;             /* Secondary indexes. */
    struct catalog_index *indexes;  /* Secondary indexes, in creation order. */
    const char *engine;             /* ENGINE as given ("InnoDB" by default). */
    uint16_t coll;                  /* Default collation of the table. */
    const char *comment;            /* Table COMMENT, "" if none. */
    uint64_t auto_increment_start;  /* AUTO_INCREMENT= table option (1 by default). */
    uint64_t version;               /* Catalog version of the last change to this table. */
};

/* Privilege bits (MySQL's static privileges). */
#define CATALOG_PRIV_SELECT         (1ULL << 0)
#define CATALOG_PRIV_INSERT         (1ULL << 1)
#define CATALOG_PRIV_UPDATE         (1ULL << 2)
#define CATALOG_PRIV_DELETE         (1ULL << 3)
#define CATALOG_PRIV_CREATE         (1ULL << 4)
#define CATALOG_PRIV_DROP           (1ULL << 5)
#define CATALOG_PRIV_RELOAD         (1ULL << 6)
#define CATALOG_PRIV_SHUTDOWN       (1ULL << 7)
#define CATALOG_PRIV_PROCESS        (1ULL << 8)
#define CATALOG_PRIV_FILE           (1ULL << 9)
#define CATALOG_PRIV_GRANT          (1ULL << 10)
#define CATALOG_PRIV_REFERENCES     (1ULL << 11)
#define CATALOG_PRIV_INDEX          (1ULL << 12)
#define CATALOG_PRIV_ALTER          (1ULL << 13)
#define CATALOG_PRIV_SHOW_DB        (1ULL << 14)
#define CATALOG_PRIV_SUPER          (1ULL << 15)
#define CATALOG_PRIV_CREATE_TMP     (1ULL << 16)
#define CATALOG_PRIV_LOCK_TABLES    (1ULL << 17)
#define CATALOG_PRIV_EXECUTE        (1ULL << 18)
#define CATALOG_PRIV_REPL_SLAVE     (1ULL << 19)
#define CATALOG_PRIV_REPL_CLIENT    (1ULL << 20)
#define CATALOG_PRIV_CREATE_VIEW    (1ULL << 21)
#define CATALOG_PRIV_SHOW_VIEW      (1ULL << 22)
#define CATALOG_PRIV_CREATE_ROUTINE (1ULL << 23)
#define CATALOG_PRIV_ALTER_ROUTINE  (1ULL << 24)
#define CATALOG_PRIV_CREATE_USER    (1ULL << 25)
#define CATALOG_PRIV_EVENT          (1ULL << 26)
#define CATALOG_PRIV_TRIGGER        (1ULL << 27)
#define CATALOG_PRIV_ALL            ((1ULL << 28) - 1 - CATALOG_PRIV_GRANT) /* ALL PRIVILEGES. */

struct catalog_db_priv {
    const char *db; /* Database name (exact; no wildcards yet). */
    uint64_t privs; /* CATALOG_PRIV_* bits. */
};

struct catalog_user {
    const char *user;                 /* User name. */
    const char *host;                 /* Host pattern ('%' and '_' wildcards). */
    uint8_t plugin;                   /* enum server_auth_plugin. */
    bool no_password;                 /* Empty password. */
    bool has_native;                  /* native_hash set. */
    bool has_sha2;                    /* sha2_hash set. */
    uint8_t native_hash[20];          /* SHA1(SHA1(password)). */
    uint8_t sha2_hash[32];            /* SHA256(SHA256(password)). */
    uint64_t global_privs;            /* *.* privileges. */
    uint32_t n_db_privs;              /* Per-database grants. */
    struct catalog_db_priv *db_privs; /* Sorted by database name. */
};

/*
 * A snapshot: arrays sorted by name (tables by database, then name; users by
 * user, then host). Read-only; valid while the reference is held.
 */
struct catalog_snap {
    uint64_t version;              /* Catalog version; bumped by every DDL. */
    uint32_t n_dbs;                /* Databases. */
    struct catalog_db **dbs;       /* Sorted by name. */
    uint32_t n_tables;             /* Tables. */
    struct catalog_table **tables; /* Sorted by (db, name). */
    uint32_t n_users;              /* Users. */
    struct catalog_user **users;   /* Sorted by (user, host). */
};

struct catalog;

/* ---- Life --------------------------------------------------------------- */

/*
 * Opens the catalog over m: creates the system tablet if missing, loads every
 * row into the first snapshot, and the auto-increment high-water marks. 0,
 * ERR_CORRUPT (a damaged row), ERR_NOMEM, I/O errors. At start-up only.
 */
int catalog_open(struct txn_mgr *m, struct catalog **out);

/* Frees the catalog. Every snapshot must have been put; no DDL running. */
void catalog_close(struct catalog *c);

/* The current snapshot with a reference taken (never NULL). Any thread. */
struct catalog_snap *catalog_snapshot_get(struct catalog *c);

/* Drops a reference (NULL is ignored). Any thread. */
void catalog_snapshot_put(struct catalog *c, struct catalog_snap *s);

/* The current version (without taking a snapshot). */
uint64_t catalog_version(struct catalog *c);

/* ---- Lookups in a snapshot (NULL if absent) ----------------------------- */

const struct catalog_db *catalog_find_db(const struct catalog_snap *s, const char *db);
const struct catalog_table *catalog_find_table(const struct catalog_snap *s, const char *db,
                                               const char *name);
const struct catalog_table *catalog_find_table_by_id(const struct catalog_snap *s, uint64_t id);
const struct catalog_column *catalog_find_column(const struct catalog_table *t, const char *name);
const struct catalog_column *catalog_column_by_id(const struct catalog_table *t, uint32_t id);
const struct catalog_index *catalog_find_index(const struct catalog_table *t, const char *name);
const struct catalog_user *catalog_find_user(const struct catalog_snap *s, const char *user,
                                             const char *host);

/* Tablet of a table's rows (index_id 0) or of a secondary index. */
static inline uint64_t catalog_tablet_id(const struct catalog_table *t, uint32_t index_id)
{
    return t->id * 256 + index_id;
}

/*
 * Finds the user entry that matches user@host (host patterns with '%' and
 * '_', exact hosts before patterns, as MySQL sorts them) and fills out for
 * server_handler.auth_lookup. 0 or ERR_NOT_FOUND.
 */
int catalog_auth_lookup(const struct catalog_snap *s, const char *user, const char *host,
                        struct server_auth_info *out);

/* Privileges user@host (an exact entry) has on db: global | the database's grant. */
uint64_t catalog_privs(const struct catalog_snap *s, const struct catalog_user *u, const char *db);

/* ---- DDL ---------------------------------------------------------------- */

/* A key part of an index definition. */
struct catalog_key_part_def {
    const char *column;  /* Column name. */
    bool desc;           /* DESC. */
    uint32_t prefix_len; /* col(n), 0 = whole column. */
};

struct catalog_index_def {
    const char *name;                         /* NULL: named after the first column, as MySQL. */
    bool primary;                             /* PRIMARY KEY (name ignored, "PRIMARY"). */
    bool unique;                              /* UNIQUE. */
    uint32_t n_parts;                         /* Key parts (>= 1). */
    const struct catalog_key_part_def *parts; /* Key parts. */
};

/*
 * A table to create. Column ids are assigned 1..n (the id fields are
 * ignored); a column's type flags NOT_NULL and AUTO_INCREMENT are kept in
 * step with nullable/auto_increment. PRIMARY KEY columns become NOT NULL.
 * Indexes defined here are PUBLIC at once (the table is empty).
 */
struct catalog_table_def {
    const char *db;                          /* Database. */
    const char *name;                        /* Table name. */
    uint32_t n_columns;                      /* Columns (>= 1). */
    const struct catalog_column *columns;    /* Columns (borrowed; copied). */
    uint32_t n_indexes;                      /* Keys, the primary one included. */
    const struct catalog_index_def *indexes; /* Keys. */
    const char *engine;                      /* NULL: "InnoDB". */
    uint16_t coll;                           /* 0: the database's default. */
    const char *comment;                     /* NULL: "". */
    uint64_t auto_increment_start;           /* 0: 1. */
};

int catalog_create_db(struct catalog *c, const char *db, uint16_t coll, bool if_not_exists,
                      struct catalog_error *err);
/* Drops the database and every table in it (their tablets too). */
int catalog_drop_db(struct catalog *c, const char *db, bool if_exists, struct catalog_error *err);

/* Creates the table and its tablets. *table_id (may be NULL) gets its id. */
int catalog_create_table(struct catalog *c, const struct catalog_table_def *def, bool if_not_exists,
                         uint64_t *table_id, struct catalog_error *err);
int catalog_drop_table(struct catalog *c, const char *db, const char *name, bool if_exists,
                       struct catalog_error *err);
int catalog_rename_table(struct catalog *c, const char *db, const char *name, const char *new_db,
                         const char *new_name, struct catalog_error *err);
/* TRUNCATE: the table gets a new id and new empty tablets; the old ones are dropped; the
 * auto-increment counter restarts at the table's AUTO_INCREMENT start. */
int catalog_truncate_table(struct catalog *c, const char *db, const char *name,
                           struct catalog_error *err);

/*
 * ALTER TABLE ADD COLUMN: col gets the next column id; after NULL appends,
 * "" puts it first, else after that column. Rows written before read the
 * column as its default (rowcodec absent-id rule), so nothing is rewritten.
 */
int catalog_add_column(struct catalog *c, const char *db, const char *table,
                       const struct catalog_column *col, const char *after,
                       struct catalog_error *err);
/* DROP COLUMN: 1091 if absent, 1090 if the last column; a column of the primary key or of a
 * multi-column index is refused (1235, rows would need a rebuild); a one-column index on it
 * is dropped with it (tablet too). */
int catalog_drop_column(struct catalog *c, const char *db, const char *table, const char *column,
                        struct catalog_error *err);
/* MODIFY/CHANGE COLUMN: replaces the definition of column (its id kept; col->name may
 * rename it). Converting stored rows is the executor's business. */
int catalog_modify_column(struct catalog *c, const char *db, const char *table, const char *column,
                          const struct catalog_column *col, struct catalog_error *err);

/* ADD INDEX: creates its tablet; the index starts WRITE_ONLY. *index_id gets its id.
 * A primary key cannot be added after creation (1235). */
int catalog_add_index(struct catalog *c, const char *db, const char *table,
                      const struct catalog_index_def *def, uint32_t *index_id,
                      struct catalog_error *err);
/* After the backfill: the index becomes PUBLIC. */
int catalog_index_make_public(struct catalog *c, const char *db, const char *table,
                              const char *index, struct catalog_error *err);
int catalog_drop_index(struct catalog *c, const char *db, const char *table, const char *index,
                       struct catalog_error *err);

/* Users. plugin is enum server_auth_plugin; the password is hashed both ways. */
int catalog_create_user(struct catalog *c, const char *user, const char *host, const char *pw,
                        size_t pw_len, uint8_t plugin, bool if_not_exists,
                        struct catalog_error *err);
int catalog_drop_user(struct catalog *c, const char *user, const char *host, bool if_exists,
                      struct catalog_error *err);
int catalog_alter_user_password(struct catalog *c, const char *user, const char *host,
                                const char *pw, size_t pw_len, struct catalog_error *err);
/* GRANT privs ON db.* (db NULL: *.*) TO user@host: 1410 if the user does not exist. */
int catalog_grant(struct catalog *c, const char *user, const char *host, const char *db,
                  uint64_t privs, struct catalog_error *err);
/* REVOKE: 1141 if there is no such grant. */
int catalog_revoke(struct catalog *c, const char *user, const char *host, const char *db,
                   uint64_t privs, struct catalog_error *err);

/* ---- Auto-increment ----------------------------------------------------- */

enum catalog_seq {
    CATALOG_SEQ_AUTOINC = 0, /* The AUTO_INCREMENT column's values. */
    CATALOG_SEQ_ROWID = 1,   /* Hidden row ids of a table without a primary key. */
};

/*
 * Hands out n consecutive values of the table's sequence; *first gets the
 * first. Values are reserved durably CATALOG_AUTOINC_BATCH (or n) at a time,
 * so no value is handed out twice, even across a crash (gaps are allowed, as
 * in MySQL). Any thread. 0, ERR_NOT_FOUND (no such table), ERR_TOO_BIG
 * (exhausted), I/O errors.
 */
int catalog_autoinc_next(struct catalog *c, uint64_t table_id, enum catalog_seq seq, uint64_t n,
                         uint64_t *first);

/* An explicit value v was stored: later values are above it. 0 or as above. */
int catalog_autoinc_observe(struct catalog *c, uint64_t table_id, enum catalog_seq seq, uint64_t v);

/* The next value the sequence would hand out (information_schema.TABLES.AUTO_INCREMENT). */
int catalog_autoinc_peek(struct catalog *c, uint64_t table_id, enum catalog_seq seq,
                         uint64_t *next);

/* ---- information_schema ------------------------------------------------- */

struct catalog_schemata_row {
    const char *schema_name; /* SCHEMA_NAME. */
    const char *charset;     /* DEFAULT_CHARACTER_SET_NAME. */
    const char *collation;   /* DEFAULT_COLLATION_NAME. */
};

struct catalog_tables_row {
    const struct catalog_table *table; /* The table. */
    const char *table_type;            /* TABLE_TYPE: "BASE TABLE". */
    const char *engine;                /* ENGINE. */
    const char *row_format;            /* ROW_FORMAT: "Dynamic". */
    uint64_t auto_increment;           /* AUTO_INCREMENT, 0 = NULL (no auto-increment column). */
    const char *collation;             /* TABLE_COLLATION. */
    const char *comment;               /* TABLE_COMMENT. */
};

struct catalog_columns_row {
    const struct catalog_table *table;   /* The table. */
    const struct catalog_column *column; /* The column. */
    uint32_t ordinal;                    /* ORDINAL_POSITION (1-based). */
    const char *is_nullable;             /* "YES" / "NO". */
    const char *data_type;               /* DATA_TYPE: the type's base name ("int", "varchar"). */
    const char *column_type; /* COLUMN_TYPE: sql_type_print (valid during the callback). */
    const char *column_key;  /* "PRI", "UNI", "MUL" or "". */
    const char *extra;       /* "auto_increment", "DEFAULT_GENERATED", ... or "". */
    const char *charset;     /* CHARACTER_SET_NAME, NULL for non-strings. */
    const char *collation;   /* COLLATION_NAME, NULL for non-strings. */
};

struct catalog_statistics_row {
    const struct catalog_table *table; /* The table. */
    const char *index_name;            /* INDEX_NAME ("PRIMARY" for the primary key). */
    bool non_unique;                   /* NON_UNIQUE. */
    uint32_t seq_in_index;             /* SEQ_IN_INDEX (1-based). */
    const char *column_name;           /* COLUMN_NAME. */
    const char *collation;             /* COLLATION: "A" or "D". */
    uint32_t sub_part;                 /* SUB_PART, 0 = NULL. */
    const char *nullable;              /* NULLABLE: "YES" or "". */
    bool visible; /* The index is PUBLIC (write-only indexes are listed with 0). */
};

/* Iterators: call cb for each row in name order; a non-zero return stops and is returned.
 * db NULL: every database. */
int catalog_iter_schemata(const struct catalog_snap *s,
                          int (*cb)(void *arg, const struct catalog_schemata_row *r), void *arg);
int catalog_iter_tables(struct catalog *c, const struct catalog_snap *s, const char *db,
                        int (*cb)(void *arg, const struct catalog_tables_row *r), void *arg);
int catalog_iter_columns(const struct catalog_snap *s, const char *db,
                         int (*cb)(void *arg, const struct catalog_columns_row *r), void *arg);
int catalog_iter_statistics(const struct catalog_snap *s, const char *db,
                            int (*cb)(void *arg, const struct catalog_statistics_row *r),
                            void *arg);

#endif
