/* test_catalog.c: the SQL catalog (sql/catalog.h) on a real store through txn/. */
#include "test.h"

#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"
#include "kv/kv.h"
#include "os/vfs_fault.h"
#include "sql/catalog.h"
#include "sql/collation.h"
#include "sql/decimal.h"
#include "storage/store.h"
#include "txn/txn.h"

#include <openssl/sha.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct env {
    struct store *s;
    struct kv *kv;
    struct txn_mgr *m;
    struct catalog *c;
};

static void env_open_rc(struct env *e, const char *dir, int *cat_rc)
{
    struct store_opts o;
    store_opts_default(&o, dir);
    o.no_background = 1;
    o.memtable_size = 64 << 10;
    o.memory_budget = 8 << 20;
    o.block_size = 1024;
    ASSERT_OK(store_open(&o, &e->s));
    ASSERT_OK(kv_local_create(e->s, &e->kv));
    struct txn_mgr_opts mo;
    txn_mgr_opts_default(&mo, e->kv, dir);
    ASSERT_OK(txn_mgr_open(&mo, &e->m));
    e->c = NULL;
    int rc = catalog_open(e->m, &e->c);
    if (cat_rc)
        *cat_rc = rc;
    else
        ASSERT_OK(rc);
}

static void env_open(struct env *e, const char *dir)
{
    env_open_rc(e, dir, NULL);
}

static void env_close(struct env *e)
{
    catalog_close(e->c);
    txn_mgr_close(e->m);
    kv_destroy(e->kv);
    store_close(e->s);
}

static char *subdir(const char *name)
{
    static char path[4][512];
    static int k;
    char *p = path[k++ & 3];
    snprintf(p, 512, "%s/%s", test_dir(), name);
    return p;
}

/* Column builder. */
static struct catalog_column col(const char *name, enum sql_type_id id, bool nullable)
{
    struct catalog_column c;
    memset(&c, 0, sizeof c);
    c.name = name;
    sql_type_init(&c.type, id);
    c.nullable = nullable;
    c.default_value = value_null();
    return c;
}

static struct catalog_error ce; /* Scratch error for calls expected to succeed. */

static const struct sql_member members[] = {{"a", 1}, {"b", 1}, {"it's", 4}};

/* The table of the type tests: t(id INT UNSIGNED AUTO_INCREMENT PK, name VARCHAR(20) DEFAULT 'abc',
 * price DECIMAL(10,2) DEFAULT 1.50, ts DATETIME(3) DEFAULT NOW ON UPDATE NOW, e ENUM DEFAULT 'b',
 * d DOUBLE, b BLOB, j JSON, bt BIT(5), y YEAR, c CHAR(3) latin1, tm TIME(2)), keys. */
static int create_t(struct catalog *c, const char *db, const char *name, struct catalog_error *err)
{
    struct catalog_column cols[12];
    cols[0] = col("id", SQL_TYPE_INT, false);
    cols[0].type.flags |= SQL_TYPE_UNSIGNED;
    cols[0].auto_increment = true;
    cols[1] = col("Name", SQL_TYPE_VARCHAR, true);
    cols[1].type.length = 20;
    cols[1].default_kind = CATALOG_DEFAULT_VALUE;
    cols[1].default_text = "'abc'";
    cols[1].default_value = value_string("abc", 3, cols[1].type.coll);
    cols[1].comment = "the name";
    cols[2] = col("price", SQL_TYPE_DECIMAL, false);
    cols[2].type.precision = 10;
    cols[2].type.scale = 2;
    struct decimal dec;
    ASSERT_OK(decimal_from_str(&dec, "1.50", 4, 0));
    cols[2].default_kind = CATALOG_DEFAULT_VALUE;
    cols[2].default_text = "1.50";
    cols[2].default_value = value_decimal(&dec);
    cols[3] = col("ts", SQL_TYPE_DATETIME, true);
    cols[3].type.fsp = 3;
    cols[3].type.flags |= SQL_TYPE_ON_UPDATE_NOW;
    cols[3].default_kind = CATALOG_DEFAULT_NOW;
    cols[4] = col("e", SQL_TYPE_ENUM, true);
    cols[4].type.members = members;
    cols[4].type.n_members = 3;
    cols[4].default_kind = CATALOG_DEFAULT_VALUE;
    cols[4].default_text = "'b'";
    cols[4].default_value = value_string("b", 1, cols[4].type.coll);
    cols[5] = col("d", SQL_TYPE_DOUBLE, true);
    cols[6] = col("b", SQL_TYPE_BLOB, true);
    cols[7] = col("j", SQL_TYPE_JSON, true);
    cols[8] = col("bt", SQL_TYPE_BIT, true);
    cols[8].type.length = 5;
    cols[9] = col("y", SQL_TYPE_YEAR, true);
    cols[9].default_kind = CATALOG_DEFAULT_NULL;
    cols[10] = col("c", SQL_TYPE_CHAR, true);
    cols[10].type.length = 3;
    cols[10].type.coll = collation_by_name("latin1_swedish_ci", 17)->id;
    cols[11] = col("tm", SQL_TYPE_TIME, true);
    cols[11].type.fsp = 2;
    struct catalog_key_part_def pk[] = {{"ID", false, 0}};
    struct catalog_key_part_def k1[] = {{"name", false, 10}};
    struct catalog_key_part_def k2[] = {{"price", true, 0}, {"ts", false, 0}};
    struct catalog_key_part_def k3[] = {{"name", false, 0}, {"e", false, 0}};
    struct catalog_index_def idx[] = {
        {NULL, true, false, 1, pk},
        {"uname", false, true, 1, k1},
        {NULL, false, false, 2, k2},
        {NULL, false, false, 2, k3},
    };
    struct catalog_table_def def = {.db = db,
                                    .name = name,
                                    .n_columns = 12,
                                    .columns = cols,
                                    .n_indexes = 4,
                                    .indexes = idx,
                                    .comment = "a table"};
    return catalog_create_table(c, &def, false, NULL, err);
}

/* A small table: k INT PK (or no key), v VARCHAR(10). */
static int create_small(struct catalog *c, const char *db, const char *name, bool pk,
                        struct catalog_error *err)
{
    struct catalog_column cols[2] = {col("k", SQL_TYPE_INT, false),
                                     col("v", SQL_TYPE_VARCHAR, true)};
    cols[1].type.length = 10;
    struct catalog_key_part_def p[] = {{"k", false, 0}};
    struct catalog_index_def idx[] = {{NULL, true, false, 1, p}};
    struct catalog_table_def def = {.db = db,
                                    .name = name,
                                    .n_columns = 2,
                                    .columns = cols,
                                    .n_indexes = pk ? 1 : 0,
                                    .indexes = idx};
    return catalog_create_table(c, &def, false, NULL, err);
}

static void check_t(struct env *e, const struct catalog_table *t)
{
    ASSERT(t);
    ASSERT_STR_EQ(t->engine, "InnoDB");
    ASSERT_STR_EQ(t->comment, "a table");
    ASSERT_EQ(t->n_columns, 12);
    ASSERT_EQ(t->next_column_id, 13);
    for (uint32_t i = 0; i < 12; i++)
        ASSERT_EQ(t->columns[i].id, i + 1);
    const struct catalog_column *id = catalog_find_column(t, "ID");
    ASSERT(id && id->auto_increment && !id->nullable);
    ASSERT(id->type.flags & SQL_TYPE_UNSIGNED);
    ASSERT(id->type.flags & SQL_TYPE_NOT_NULL);
    const struct catalog_column *nm = catalog_find_column(t, "name");
    ASSERT(nm && nm == &t->columns[1]);
    ASSERT_STR_EQ(nm->name, "Name");
    ASSERT_STR_EQ(nm->comment, "the name");
    ASSERT_EQ(nm->default_kind, CATALOG_DEFAULT_VALUE);
    ASSERT_STR_EQ(nm->default_text, "'abc'");
    ASSERT_EQ(nm->default_value.tag, VALUE_STRING);
    ASSERT_EQ(nm->default_value.s.len, 3);
    ASSERT_MEM_EQ(nm->default_value.s.ptr, "abc", 3);
    const struct catalog_column *pr = catalog_find_column(t, "price");
    ASSERT_EQ(pr->type.precision, 10);
    ASSERT_EQ(pr->type.scale, 2);
    ASSERT_EQ(pr->default_value.tag, VALUE_DECIMAL);
    struct decimal dec;
    ASSERT_OK(decimal_from_str(&dec, "1.5", 3, 0));
    struct value dv = value_decimal(&dec);
    int cmp = 2;
    ASSERT_OK(value_compare(&pr->default_value, &dv, NULL, &cmp));
    ASSERT_EQ(cmp, 0);
    const struct catalog_column *ts = catalog_find_column(t, "ts");
    ASSERT_EQ(ts->default_kind, CATALOG_DEFAULT_NOW);
    ASSERT_EQ(ts->type.fsp, 3);
    ASSERT(ts->type.flags & SQL_TYPE_DEFAULT_NOW);
    const struct catalog_column *en = catalog_find_column(t, "E");
    ASSERT_EQ(en->type.n_members, 3);
    ASSERT_MEM_EQ(en->type.members[2].ptr, "it's", 4);
    ASSERT_EQ(en->default_value.tag, VALUE_STRING);
    ASSERT_MEM_EQ(en->default_value.s.ptr, "b", 1);
    ASSERT_EQ(catalog_find_column(t, "bt")->type.length, 5);
    ASSERT_EQ(catalog_find_column(t, "y")->default_kind, CATALOG_DEFAULT_NULL);
    ASSERT_STR_EQ(collation_by_id(catalog_find_column(t, "c")->type.coll)->name,
                  "latin1_swedish_ci");
    ASSERT(catalog_find_column(t, "nope") == NULL);
    ASSERT_EQ(t->n_pk, 1);
    ASSERT_EQ(t->pk[0].column_id, 1);
    ASSERT_EQ(t->n_indexes, 3);
    ASSERT_STR_EQ(t->indexes[0].name, "uname");
    ASSERT(t->indexes[0].unique);
    ASSERT_EQ(t->indexes[0].cols[0].prefix_len, 10);
    ASSERT_STR_EQ(t->indexes[1].name, "price");
    ASSERT(t->indexes[1].cols[0].desc);
    ASSERT_EQ(t->indexes[1].n_cols, 2);
    ASSERT_STR_EQ(t->indexes[2].name, "name"); /* Named after its first column. */
    for (uint32_t i = 0; i < 3; i++) {
        ASSERT_EQ(t->indexes[i].id, i + 1);
        ASSERT_EQ(t->indexes[i].state, CATALOG_INDEX_PUBLIC);
        ASSERT_OK(txn_tablet_exists(e->m, catalog_tablet_id(t, t->indexes[i].id)));
    }
    ASSERT_OK(txn_tablet_exists(e->m, catalog_tablet_id(t, 0)));
}

TEST(catalog_databases)
{
    struct env e;
    env_open(&e, subdir("db"));
    struct catalog_snap *s0 = catalog_snapshot_get(e.c);
    ASSERT_EQ(s0->n_dbs, 0);
    uint64_t v0 = s0->version;
    catalog_snapshot_put(e.c, s0);
    ASSERT_OK(catalog_create_db(e.c, "test", 0, false, &ce));
    ASSERT_OK(catalog_create_db(e.c, "Test", COLLATION_UTF8MB4_0900_AI_CI, false, &ce));
    ASSERT_EQ(catalog_version(e.c), v0 + 2);
    struct catalog_error err;
    ASSERT(catalog_create_db(e.c, "test", 0, false, &err) < 0);
    ASSERT_EQ(err.code, 1007);
    ASSERT_STR_EQ(err.sqlstate, "HY000");
    ASSERT_STR_EQ(err.msg, "Can't create database 'test'; database exists");
    ASSERT_OK(catalog_create_db(e.c, "test", 0, true, &err));
    ASSERT_EQ(catalog_version(e.c), v0 + 2); /* Nothing changed. */
    ASSERT(catalog_drop_db(e.c, "nope", false, &err) < 0);
    ASSERT_EQ(err.code, 1008);
    ASSERT_STR_EQ(err.msg, "Can't drop database 'nope'; database doesn't exist");
    ASSERT_OK(catalog_drop_db(e.c, "nope", true, &err));
    ASSERT(catalog_create_db(e.c, "", 0, false, &err) < 0);
    ASSERT_EQ(err.code, 1102);
    char longname[80];
    memset(longname, 'x', 65);
    longname[65] = 0;
    ASSERT(catalog_create_db(e.c, longname, 0, false, &err) < 0);
    ASSERT_EQ(err.code, 1059);
    ASSERT(create_small(e.c, "nodb", "t", true, &err) < 0);
    ASSERT_EQ(err.code, 1049);
    ASSERT_STR_EQ(err.msg, "Unknown database 'nodb'");
    ASSERT_STR_EQ(err.sqlstate, "42000");

    /* Drop a database with tables: the tables and their tablets go too. */
    ASSERT_OK(create_small(e.c, "Test", "t1", true, &ce));
    ASSERT_OK(create_small(e.c, "Test", "t2", false, &ce));
    ASSERT_OK(create_t(e.c, "Test", "t3", &ce));
    ASSERT_OK(create_small(e.c, "test", "t1", true, &ce));
    struct catalog_snap *s = catalog_snapshot_get(e.c);
    ASSERT_EQ(s->n_dbs, 2);
    ASSERT_STR_EQ(s->dbs[0]->name, "Test"); /* Sorted, case-sensitive. */
    ASSERT_EQ(s->n_tables, 4);
    uint64_t tablets[8];
    int nt = 0;
    for (uint32_t i = 0; i < s->n_tables; i++)
        if (!strcmp(s->tables[i]->db, "Test")) {
            tablets[nt++] = catalog_tablet_id(s->tables[i], 0);
            for (uint32_t j = 0; j < s->tables[i]->n_indexes; j++)
                tablets[nt++] = catalog_tablet_id(s->tables[i], s->tables[i]->indexes[j].id);
        }
    ASSERT_EQ(nt, 6);
    ASSERT_OK(catalog_drop_db(e.c, "Test", false, &ce));
    struct catalog_snap *s2 = catalog_snapshot_get(e.c);
    ASSERT_EQ(s2->n_dbs, 1);
    ASSERT_EQ(s2->n_tables, 1);
    ASSERT_STR_EQ(s2->tables[0]->db, "test");
    for (int i = 0; i < nt; i++)
        ASSERT_EQ(txn_tablet_exists(e.m, tablets[i]), ERR_NOT_FOUND);
    /* The old snapshot still sees everything. */
    ASSERT_EQ(s->n_tables, 4);
    ASSERT(catalog_find_table(s, "Test", "t3"));
    catalog_snapshot_put(e.c, s);
    catalog_snapshot_put(e.c, s2);
    env_close(&e);

    env_open(&e, subdir("db"));
    s = catalog_snapshot_get(e.c);
    ASSERT_EQ(s->n_dbs, 1);
    ASSERT_EQ(s->n_tables, 1);
    ASSERT_EQ(s->dbs[0]->coll, collation_default()->id);
    catalog_snapshot_put(e.c, s);
    env_close(&e);
}

TEST(catalog_tables_and_errors)
{
    struct env e;
    env_open(&e, subdir("tables"));
    ASSERT_OK(catalog_create_db(e.c, "d", 0, false, &ce));
    ASSERT_OK(create_t(e.c, "d", "t", &ce));
    struct catalog_snap *s = catalog_snapshot_get(e.c);
    check_t(&e, catalog_find_table(s, "d", "t"));
    ASSERT(catalog_find_table(s, "d", "T") == NULL); /* Table names are case-sensitive. */
    uint64_t tid = catalog_find_table(s, "d", "t")->id;
    ASSERT(catalog_find_table_by_id(s, tid) == catalog_find_table(s, "d", "t"));
    catalog_snapshot_put(e.c, s);

    struct catalog_error err;
    ASSERT(create_t(e.c, "d", "t", &err) < 0);
    ASSERT_EQ(err.code, 1050);
    ASSERT_STR_EQ(err.sqlstate, "42S01");
    ASSERT_STR_EQ(err.msg, "Table 't' already exists");

    struct catalog_column two[2] = {col("a", SQL_TYPE_INT, true), col("A", SQL_TYPE_INT, true)};
    struct catalog_table_def def = {.db = "d", .name = "x", .n_columns = 2, .columns = two};
    ASSERT(catalog_create_table(e.c, &def, false, NULL, &err) < 0);
    ASSERT_EQ(err.code, 1060);
    ASSERT_STR_EQ(err.msg, "Duplicate column name 'A'");

    two[1].name = "b";
    struct catalog_key_part_def pa[] = {{"a", false, 0}}, pb[] = {{"b", false, 0}},
                                pz[] = {{"z", false, 0}};
    struct catalog_index_def two_pk[] = {{NULL, true, false, 1, pa}, {NULL, true, false, 1, pb}};
    def.indexes = two_pk;
    def.n_indexes = 2;
    ASSERT(catalog_create_table(e.c, &def, false, NULL, &err) < 0);
    ASSERT_EQ(err.code, 1068);
    ASSERT_STR_EQ(err.msg, "Multiple primary key defined");

    struct catalog_index_def dupk[] = {{"k", false, false, 1, pa}, {"K", false, true, 1, pb}};
    def.indexes = dupk;
    ASSERT(catalog_create_table(e.c, &def, false, NULL, &err) < 0);
    ASSERT_EQ(err.code, 1061);
    ASSERT_STR_EQ(err.msg, "Duplicate key name 'K'");

    struct catalog_index_def nocol[] = {{"k", false, false, 1, pz}};
    def.indexes = nocol;
    def.n_indexes = 1;
    ASSERT(catalog_create_table(e.c, &def, false, NULL, &err) < 0);
    ASSERT_EQ(err.code, 1072);
    ASSERT_STR_EQ(err.msg, "Key column 'z' doesn't exist in table");

    two[1].auto_increment = true; /* Not a key. */
    struct catalog_index_def ka[] = {{NULL, true, false, 1, pa}};
    def.indexes = ka;
    ASSERT(catalog_create_table(e.c, &def, false, NULL, &err) < 0);
    ASSERT_EQ(err.code, 1075);
    ASSERT_STR_EQ(err.msg, "Incorrect table definition; there can be only one auto column and it "
                           "must be defined as a key");
    two[1].default_kind = CATALOG_DEFAULT_VALUE;
    two[1].default_text = "5";
    two[1].default_value = value_int(5);
    struct catalog_index_def kb[] = {{NULL, true, false, 1, pb}};
    def.indexes = kb;
    ASSERT(catalog_create_table(e.c, &def, false, NULL, &err) < 0);
    ASSERT_EQ(err.code, 1067);
    ASSERT_STR_EQ(err.msg, "Invalid default value for 'b'");
    two[1].auto_increment = false;
    two[1].default_kind = CATALOG_DEFAULT_NONE;
    def.indexes = ka;

    uint64_t xid = 0, xid2 = 0;
    ASSERT_OK(catalog_create_table(e.c, &def, false, &xid, &ce));
    ASSERT(xid > tid);
    ASSERT_OK(catalog_create_table(e.c, &def, true, &xid2, &ce)); /* IF NOT EXISTS. */

    ASSERT(catalog_drop_table(e.c, "d", "nope", false, &err) < 0);
    ASSERT_EQ(err.code, 1051);
    ASSERT_STR_EQ(err.sqlstate, "42S02");
    ASSERT_STR_EQ(err.msg, "Unknown table 'd.nope'");
    ASSERT_OK(catalog_drop_table(e.c, "d", "nope", true, &err));

    ASSERT(catalog_add_column(e.c, "d", "nope", &two[0], NULL, &err) < 0);
    ASSERT_EQ(err.code, 1146);
    ASSERT_STR_EQ(err.msg, "Table 'd.nope' doesn't exist");
    ASSERT(catalog_add_column(e.c, "d", "x", &two[0], NULL, &err) < 0);
    ASSERT_EQ(err.code, 1060);
    struct catalog_column c3 = col("c", SQL_TYPE_BIGINT, true);
    ASSERT(catalog_modify_column(e.c, "d", "x", "q", &c3, &err) < 0);
    ASSERT_EQ(err.code, 1054);
    ASSERT_STR_EQ(err.sqlstate, "42S22");
    ASSERT_STR_EQ(err.msg, "Unknown column 'q' in 'x'");
    ASSERT(catalog_drop_column(e.c, "d", "x", "q", &err) < 0);
    ASSERT_EQ(err.code, 1091);
    ASSERT_STR_EQ(err.msg, "Can't DROP 'q'; check that column/key exists");
    ASSERT(catalog_drop_index(e.c, "d", "x", "q", &err) < 0);
    ASSERT_EQ(err.code, 1091);
    ASSERT(catalog_drop_column(e.c, "d", "x", "a", &err) < 0); /* A primary key column. */
    ASSERT_EQ(err.code, 1235);
    struct catalog_index_def dup_idx = {"PRIMARY", false, false, 1, pb};
    ASSERT(catalog_add_index(e.c, "d", "x", &dup_idx, NULL, &err) < 0);
    ASSERT_EQ(err.code, 1280);
    struct catalog_index_def bi = {"bi", false, false, 1, pb};
    ASSERT_OK(catalog_add_index(e.c, "d", "x", &bi, NULL, &ce));
    ASSERT(catalog_add_index(e.c, "d", "x", &bi, NULL, &err) < 0);
    ASSERT_EQ(err.code, 1061);
    ASSERT(catalog_rename_table(e.c, "d", "x", "d", "t", &err) < 0);
    ASSERT_EQ(err.code, 1050);
    ASSERT(catalog_rename_table(e.c, "d", "x", "nodb", "y", &err) < 0);
    ASSERT_EQ(err.code, 1049);
    ASSERT(catalog_rename_table(e.c, "d", "nope", "d", "y", &err) < 0);
    ASSERT_EQ(err.code, 1146);
    env_close(&e);

    env_open(&e, subdir("tables"));
    s = catalog_snapshot_get(e.c);
    check_t(&e, catalog_find_table(s, "d", "t"));
    const struct catalog_table *x = catalog_find_table(s, "d", "x");
    ASSERT(x && x->id == xid);
    ASSERT_EQ(x->n_indexes, 1);
    ASSERT_EQ(x->indexes[0].state, CATALOG_INDEX_WRITE_ONLY);
    catalog_snapshot_put(e.c, s);
    env_close(&e);
}

TEST(catalog_alter)
{
    struct env e;
    env_open(&e, subdir("alter"));
    ASSERT_OK(catalog_create_db(e.c, "d", 0, false, &ce));
    ASSERT_OK(create_t(e.c, "d", "t", &ce));
    struct catalog_snap *s0 = catalog_snapshot_get(e.c);
    const struct catalog_table *t0 = catalog_find_table(s0, "d", "t");

    struct catalog_column nc = col("added", SQL_TYPE_SMALLINT, false);
    nc.default_kind = CATALOG_DEFAULT_VALUE;
    nc.default_text = "7";
    nc.default_value = value_int(7);
    ASSERT_OK(catalog_add_column(e.c, "d", "t", &nc, "price", &ce));
    struct catalog_column first = col("first", SQL_TYPE_DATE, true);
    ASSERT_OK(catalog_add_column(e.c, "d", "t", &first, "", &ce));
    ASSERT_OK(catalog_drop_column(e.c, "d", "t", "d", &ce));
    /* Dropping the first column of uname drops the one-column index. */
    struct catalog_error err;
    ASSERT(catalog_drop_column(e.c, "d", "t", "name", &err) < 0); /* In a 2-column index too. */
    ASSERT_EQ(err.code, 1235);
    ASSERT_OK(catalog_drop_index(e.c, "d", "t", "NAME", &ce));
    ASSERT_OK(catalog_drop_column(e.c, "d", "t", "name", &ce));
    struct catalog_column big = col("d2", SQL_TYPE_BIGINT, true);
    ASSERT_OK(catalog_modify_column(e.c, "d", "t", "bt", &big, &ce));
    struct catalog_key_part_def p[] = {{"y", false, 0}};
    struct catalog_index_def iy = {NULL, false, true, 1, p};
    uint32_t iid = 0;
    ASSERT_OK(catalog_add_index(e.c, "d", "t", &iy, &iid, &ce));
    ASSERT_EQ(iid, 1); /* uname's id (1) is free again. */

    struct catalog_snap *s = catalog_snapshot_get(e.c);
    const struct catalog_table *t = catalog_find_table(s, "d", "t");
    ASSERT(t->version > t0->version);
    ASSERT_EQ(t->n_columns, 12);
    ASSERT_STR_EQ(t->columns[0].name, "first");
    ASSERT_EQ(t->columns[0].id, 14);
    ASSERT_STR_EQ(t->columns[3].name, "added");
    ASSERT_EQ(t->columns[3].id, 13);
    ASSERT_EQ(t->columns[3].default_value.i, 7);
    ASSERT(catalog_find_column(t, "name") == NULL);
    ASSERT(catalog_find_column(t, "d") == NULL);
    const struct catalog_column *d2 = catalog_find_column(t, "d2");
    ASSERT_EQ(d2->id, 9);
    ASSERT_EQ(d2->type.id, SQL_TYPE_BIGINT);
    ASSERT_EQ(t->next_column_id, 15);
    ASSERT_EQ(t->n_indexes, 2);
    ASSERT_STR_EQ(t->indexes[0].name, "price");
    const struct catalog_index *y = catalog_find_index(t, "y");
    ASSERT(y && y->state == CATALOG_INDEX_WRITE_ONLY && y->unique && y->id == 1);
    ASSERT_OK(txn_tablet_exists(e.m, catalog_tablet_id(t, 1)));
    ASSERT_EQ(txn_tablet_exists(e.m, catalog_tablet_id(t, 3)), ERR_NOT_FOUND);
    /* The old snapshot is untouched by all of this. */
    ASSERT_EQ(t0->n_columns, 12);
    ASSERT(catalog_find_column(t0, "name"));
    ASSERT_EQ(t0->n_indexes, 3);
    catalog_snapshot_put(e.c, s0);
    ASSERT_OK(catalog_index_make_public(e.c, "d", "t", "y", &ce));
    ASSERT(catalog_index_make_public(e.c, "d", "t", "zz", &err) < 0);
    ASSERT_EQ(err.code, 1176);
    catalog_snapshot_put(e.c, s);

    /* Rename across databases, then truncate. */
    ASSERT_OK(catalog_create_db(e.c, "e", 0, false, &ce));
    ASSERT_OK(catalog_rename_table(e.c, "d", "t", "e", "t2", &ce));
    s = catalog_snapshot_get(e.c);
    ASSERT(!catalog_find_table(s, "d", "t"));
    t = catalog_find_table(s, "e", "t2");
    ASSERT(t && t->n_columns == 12);
    uint64_t old_id = t->id;
    ASSERT_EQ(catalog_find_index(t, "y")->state, CATALOG_INDEX_PUBLIC);
    catalog_snapshot_put(e.c, s);
    uint64_t v1 = 0, v2 = 0;
    ASSERT_OK(catalog_autoinc_next(e.c, old_id, CATALOG_SEQ_AUTOINC, 5, &v1));
    ASSERT_EQ(v1, 1);
    ASSERT_OK(catalog_truncate_table(e.c, "e", "t2", &ce));
    s = catalog_snapshot_get(e.c);
    t = catalog_find_table(s, "e", "t2");
    ASSERT(t->id != old_id);
    ASSERT_EQ(txn_tablet_exists(e.m, old_id * 256), ERR_NOT_FOUND);
    ASSERT_EQ(txn_tablet_exists(e.m, old_id * 256 + 1), ERR_NOT_FOUND);
    ASSERT_OK(txn_tablet_exists(e.m, catalog_tablet_id(t, 0)));
    ASSERT_OK(txn_tablet_exists(e.m, catalog_tablet_id(t, 1)));
    ASSERT_EQ(catalog_autoinc_next(e.c, old_id, CATALOG_SEQ_AUTOINC, 1, &v2), ERR_NOT_FOUND);
    ASSERT_OK(catalog_autoinc_next(e.c, t->id, CATALOG_SEQ_AUTOINC, 1, &v2));
    ASSERT_EQ(v2, 1);
    uint64_t new_id = t->id;
    catalog_snapshot_put(e.c, s);
    env_close(&e);

    env_open(&e, subdir("alter"));
    s = catalog_snapshot_get(e.c);
    t = catalog_find_table(s, "e", "t2");
    ASSERT(t && t->id == new_id);
    ASSERT_STR_EQ(t->columns[0].name, "first");
    ASSERT_EQ(t->columns[3].default_value.i, 7);
    catalog_snapshot_put(e.c, s);
    env_close(&e);
}

/* Copies a folder as it is on disk now: what a crash of the process would leave. */
static void crash_copy(const char *from, const char *to)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && cp -a '%s' '%s'", to, from, to);
    ASSERT_EQ(system(cmd), 0);
}

TEST(catalog_autoinc_crash)
{
    struct env e;
    env_open(&e, subdir("aic"));
    ASSERT_OK(catalog_create_db(e.c, "d", 0, false, &ce));
    ASSERT_OK(create_t(e.c, "d", "t", &ce));
    ASSERT_OK(create_small(e.c, "d", "nopk", false, &ce));
    struct catalog_snap *s = catalog_snapshot_get(e.c);
    uint64_t tid = catalog_find_table(s, "d", "t")->id;
    uint64_t nid = catalog_find_table(s, "d", "nopk")->id;
    catalog_snapshot_put(e.c, s);
    uint64_t v, prev = 0, max_seen = 0;
    for (int i = 0; i < 2500; i++) {
        ASSERT_OK(catalog_autoinc_next(e.c, tid, CATALOG_SEQ_AUTOINC, 1, &v));
        ASSERT(v > prev);
        prev = v;
    }
    ASSERT_EQ(prev, 2500);
    ASSERT_OK(catalog_autoinc_next(e.c, tid, CATALOG_SEQ_AUTOINC, 3000, &v)); /* Big batch. */
    ASSERT_EQ(v, 2501);
    ASSERT_OK(catalog_autoinc_observe(e.c, tid, CATALOG_SEQ_AUTOINC, 10000)); /* Explicit id. */
    ASSERT_OK(catalog_autoinc_observe(e.c, tid, CATALOG_SEQ_AUTOINC, 50)); /* Below: no effect. */
    ASSERT_OK(catalog_autoinc_next(e.c, tid, CATALOG_SEQ_AUTOINC, 1, &v));
    ASSERT_EQ(v, 10001);
    max_seen = v;
    uint64_t r;
    ASSERT_OK(catalog_autoinc_next(e.c, nid, CATALOG_SEQ_ROWID, 10, &r));
    ASSERT_EQ(r, 1);
    uint64_t rmax = r + 9;
    ASSERT_OK(catalog_autoinc_peek(e.c, tid, CATALOG_SEQ_AUTOINC, &v));
    ASSERT_EQ(v, 10002);

    /* Crash: the folder as it is now, without a clean close. */
    crash_copy(subdir("aic"), subdir("aic_crash"));
    struct env e2;
    env_open(&e2, subdir("aic_crash"));
    ASSERT_OK(catalog_autoinc_next(e2.c, tid, CATALOG_SEQ_AUTOINC, 1, &v));
    ASSERT(v > max_seen);
    ASSERT(v <= max_seen + 2 * CATALOG_AUTOINC_BATCH);
    ASSERT_OK(catalog_autoinc_next(e2.c, nid, CATALOG_SEQ_ROWID, 1, &r));
    ASSERT(r > rmax);
    s = catalog_snapshot_get(e2.c);
    check_t(&e2, catalog_find_table(s, "d", "t"));
    catalog_snapshot_put(e2.c, s);
    env_close(&e2);
    /* A second crash after further allocations. */
    for (int i = 0; i < 100; i++) {
        ASSERT_OK(catalog_autoinc_next(e.c, tid, CATALOG_SEQ_AUTOINC, 7, &v));
        ASSERT(v > max_seen);
        max_seen = v + 6;
    }
    crash_copy(subdir("aic"), subdir("aic_crash"));
    env_open(&e2, subdir("aic_crash"));
    ASSERT_OK(catalog_autoinc_next(e2.c, tid, CATALOG_SEQ_AUTOINC, 1, &v));
    ASSERT(v > max_seen);
    env_close(&e2);
    env_close(&e);
    /* A clean close and reopen: never repeats either. */
    env_open(&e, subdir("aic"));
    ASSERT_OK(catalog_autoinc_next(e.c, tid, CATALOG_SEQ_AUTOINC, 1, &v));
    ASSERT(v > max_seen);
    ASSERT_EQ(catalog_autoinc_next(e.c, 999999, CATALOG_SEQ_AUTOINC, 1, &v), ERR_NOT_FOUND);
    env_close(&e);
}

TEST(catalog_snapshots)
{
    struct env e;
    env_open(&e, subdir("snap"));
    ASSERT_OK(catalog_create_db(e.c, "d", 0, false, &ce));
    ASSERT_OK(create_small(e.c, "d", "a", true, &ce));
    struct catalog_snap *s1 = catalog_snapshot_get(e.c);
    struct catalog_snap *s1b = catalog_snapshot_get(e.c);
    ASSERT(s1 == s1b);
    const struct catalog_table *a = catalog_find_table(s1, "d", "a");
    ASSERT_OK(catalog_drop_table(e.c, "d", "a", false, &ce));
    ASSERT_OK(create_small(e.c, "d", "b", true, &ce));
    struct catalog_snap *s2 = catalog_snapshot_get(e.c);
    ASSERT(s2->version == s1->version + 2);
    ASSERT(!catalog_find_table(s2, "d", "a"));
    ASSERT(catalog_find_table(s2, "d", "b"));
    ASSERT(catalog_find_table(s1, "d", "a") == a);
    ASSERT(!catalog_find_table(s1, "d", "b"));
    ASSERT_STR_EQ(a->columns[1].name, "v");
    catalog_snapshot_put(e.c, s1);
    ASSERT_STR_EQ(a->columns[1].name, "v"); /* One reference left. */
    catalog_snapshot_put(e.c, s1b);
    catalog_snapshot_put(e.c, s2);
    catalog_snapshot_put(e.c, NULL);
    env_close(&e);
}

struct ddl_arg {
    struct catalog *c; /* Catalog. */
    int id;            /* Thread number. */
    int fails;         /* Failed calls. */
};

static void *ddl_thread(void *p)
{
    struct ddl_arg *a = p;
    char name[32];
    struct catalog_error err;
    for (int i = 0; i < 15; i++) {
        snprintf(name, sizeof name, "t%d_%d", a->id, i);
        if (create_small(a->c, "d", name, i % 2 == 0, &err))
            a->fails++;
        struct catalog_column nc = col("extra", SQL_TYPE_INT, true);
        if (catalog_add_column(a->c, "d", name, &nc, NULL, &err))
            a->fails++;
        struct catalog_snap *s = catalog_snapshot_get(a->c);
        if (!catalog_find_table(s, "d", name))
            a->fails++;
        catalog_snapshot_put(a->c, s);
        uint64_t v;
        s = catalog_snapshot_get(a->c);
        const struct catalog_table *t = catalog_find_table(s, "d", name);
        if (!t || catalog_autoinc_next(a->c, t->id, CATALOG_SEQ_ROWID, 1, &v) || v != 1)
            a->fails++;
        catalog_snapshot_put(a->c, s);
        if (i % 5 == 3 && catalog_truncate_table(a->c, "d", name, &err))
            a->fails++;
        if (i % 5 == 4 && catalog_drop_table(a->c, "d", name, false, &err))
            a->fails++;
    }
    return NULL;
}

struct alloc_arg {
    struct catalog *c; /* Catalog. */
    atomic_int *stop;  /* Set when the DDL threads are done. */
    int fails;         /* Unexpected errors. */
    int n_ok;          /* Successful allocations. */
};

/* Allocates big batches on random tables while DDL drops and truncates them. */
static void *alloc_thread(void *p)
{
    struct alloc_arg *a = p;
    unsigned r = 1;
    while (!atomic_load(a->stop)) {
        struct catalog_snap *s = catalog_snapshot_get(a->c);
        if (s->n_tables) {
            r = r * 1103515245 + 12345;
            uint64_t id = s->tables[(r >> 8) % s->n_tables]->id, v;
            int rc = catalog_autoinc_next(a->c, id, CATALOG_SEQ_AUTOINC, 600, &v);
            if (rc == 0)
                a->n_ok++;
            else if (rc != ERR_NOT_FOUND)
                a->fails++;
        }
        catalog_snapshot_put(a->c, s);
    }
    return NULL;
}

TEST(catalog_concurrent_ddl)
{
    struct env e;
    env_open(&e, subdir("conc"));
    ASSERT_OK(catalog_create_db(e.c, "d", 0, false, &ce));
    uint64_t v0 = catalog_version(e.c);
    pthread_t th[2], at;
    struct ddl_arg args[2] = {{e.c, 0, 0}, {e.c, 1, 0}};
    atomic_int stop;
    atomic_init(&stop, 0);
    struct alloc_arg aa = {e.c, &stop, 0, 0};
    ASSERT_EQ(pthread_create(&at, NULL, alloc_thread, &aa), 0);
    for (int i = 0; i < 2; i++)
        ASSERT_EQ(pthread_create(&th[i], NULL, ddl_thread, &args[i]), 0);
    for (int i = 0; i < 2; i++)
        ASSERT_EQ(pthread_join(th[i], NULL), 0);
    atomic_store(&stop, 1);
    ASSERT_EQ(pthread_join(at, NULL), 0);
    ASSERT_EQ(args[0].fails, 0);
    ASSERT_EQ(args[1].fails, 0);
    ASSERT_EQ(aa.fails, 0);
    ASSERT(aa.n_ok > 0);
    ASSERT_EQ(catalog_version(e.c), v0 + 2 * (15 + 15 + 3 + 3));
    struct catalog_snap *s = catalog_snapshot_get(e.c);
    ASSERT_EQ(s->n_tables, 24);
    for (uint32_t i = 0; i < s->n_tables; i++) {
        ASSERT_EQ(s->tables[i]->n_columns, 3);
        for (uint32_t j = i + 1; j < s->n_tables; j++)
            ASSERT(s->tables[i]->id != s->tables[j]->id);
    }
    catalog_snapshot_put(e.c, s);
    env_close(&e);
    env_open(&e, subdir("conc"));
    s = catalog_snapshot_get(e.c);
    ASSERT_EQ(s->n_tables, 24);
    ASSERT_EQ(s->version, v0 + 72);
    ASSERT(catalog_find_table(s, "d", "t1_3"));
    ASSERT(!catalog_find_table(s, "d", "t1_4"));
    catalog_snapshot_put(e.c, s);
    env_close(&e);
}

TEST(catalog_users)
{
    struct env e;
    env_open(&e, subdir("users"));
    ASSERT_OK(catalog_create_user(e.c, "root", "localhost", "", 0, SERVER_AUTH_NATIVE, false, &ce));
    ASSERT_OK(catalog_create_user(e.c, "bob", "%", "secret", 6, SERVER_AUTH_SHA2, false, &ce));
    ASSERT_OK(
        catalog_create_user(e.c, "bob", "10.0.%", "other", 5, SERVER_AUTH_NATIVE, false, &ce));
    struct catalog_error err;
    ASSERT(catalog_create_user(e.c, "bob", "%", "x", 1, SERVER_AUTH_SHA2, false, &err) < 0);
    ASSERT_EQ(err.code, 1396);
    ASSERT_STR_EQ(err.sqlstate, "HY000");
    ASSERT_STR_EQ(err.msg, "Operation CREATE USER failed for 'bob'@'%'");
    ASSERT_OK(catalog_create_user(e.c, "bob", "%", "x", 1, SERVER_AUTH_SHA2, true, &err));
    ASSERT(catalog_drop_user(e.c, "amy", "%", false, &err) < 0);
    ASSERT_EQ(err.code, 1396);
    ASSERT_STR_EQ(err.msg, "Operation DROP USER failed for 'amy'@'%'");
    ASSERT(catalog_alter_user_password(e.c, "amy", "%", "p", 1, &err) < 0);
    ASSERT_EQ(err.code, 1396);
    ASSERT(catalog_grant(e.c, "amy", "%", NULL, CATALOG_PRIV_SELECT, &err) < 0);
    ASSERT_EQ(err.code, 1410);

    ASSERT_OK(
        catalog_grant(e.c, "root", "localhost", NULL, CATALOG_PRIV_ALL | CATALOG_PRIV_GRANT, &ce));
    ASSERT_OK(
        catalog_grant(e.c, "bob", "%", "shop", CATALOG_PRIV_SELECT | CATALOG_PRIV_INSERT, &ce));
    ASSERT_OK(catalog_grant(e.c, "bob", "%", "app", CATALOG_PRIV_ALL, &ce));
    ASSERT_OK(catalog_revoke(e.c, "bob", "%", "shop", CATALOG_PRIV_INSERT, &ce));
    ASSERT(catalog_revoke(e.c, "bob", "%", "nodb", CATALOG_PRIV_SELECT, &err) < 0);
    ASSERT_EQ(err.code, 1141);
    ASSERT_STR_EQ(err.msg, "There is no such grant defined for user 'bob' on host '%'");
    ASSERT_OK(catalog_alter_user_password(e.c, "bob", "10.0.%", "newpw", 5, &ce));
    env_close(&e);

    env_open(&e, subdir("users"));
    struct catalog_snap *s = catalog_snapshot_get(e.c);
    ASSERT_EQ(s->n_users, 3);
    struct server_auth_info ai;
    ASSERT_OK(catalog_auth_lookup(s, "root", "localhost", &ai));
    ASSERT(ai.no_password);
    ASSERT_EQ(catalog_auth_lookup(s, "root", "10.1.1.1", &ai), ERR_NOT_FOUND);
    ASSERT_EQ(catalog_auth_lookup(s, "eve", "localhost", &ai), ERR_NOT_FOUND);
    uint8_t h1[20], h2[20], s1[32], s2[32];
    ASSERT_OK(catalog_auth_lookup(s, "bob", "192.168.1.1", &ai)); /* bob@% */
    ASSERT_EQ(ai.plugin, SERVER_AUTH_SHA2);
    SHA256((const unsigned char *)"secret", 6, s1);
    SHA256(s1, 32, s2);
    ASSERT(ai.has_sha2 && ai.has_native && !ai.no_password);
    ASSERT_MEM_EQ(ai.sha2_hash, s2, 32);
    SHA1((const unsigned char *)"secret", 6, h1);
    SHA1(h1, 20, h2);
    ASSERT_MEM_EQ(ai.native_hash, h2, 20);
    ASSERT_OK(catalog_auth_lookup(s, "bob", "10.0.3.4", &ai)); /* bob@10.0.% is more specific. */
    ASSERT_EQ(ai.plugin, SERVER_AUTH_NATIVE);
    SHA1((const unsigned char *)"newpw", 5, h1);
    SHA1(h1, 20, h2);
    ASSERT_MEM_EQ(ai.native_hash, h2, 20);
    const struct catalog_user *bob = catalog_find_user(s, "bob", "%");
    ASSERT(bob);
    ASSERT_EQ(bob->n_db_privs, 2);
    ASSERT_STR_EQ(bob->db_privs[0].db, "app");
    ASSERT_EQ(catalog_privs(s, bob, "shop"), CATALOG_PRIV_SELECT);
    ASSERT_EQ(catalog_privs(s, bob, "app"), CATALOG_PRIV_ALL);
    ASSERT_EQ(catalog_privs(s, bob, "other"), 0);
    const struct catalog_user *root = catalog_find_user(s, "root", "LOCALHOST");
    ASSERT(root && (catalog_privs(s, root, "x") & CATALOG_PRIV_GRANT));
    catalog_snapshot_put(e.c, s);
    ASSERT_OK(catalog_revoke(e.c, "bob", "%", "shop", CATALOG_PRIV_SELECT, &ce));
    ASSERT_OK(catalog_drop_user(e.c, "bob", "10.0.%", false, &ce));
    s = catalog_snapshot_get(e.c);
    ASSERT_EQ(s->n_users, 2);
    ASSERT_EQ(catalog_find_user(s, "bob", "%")->n_db_privs, 1);
    ASSERT_OK(catalog_auth_lookup(s, "bob", "10.0.3.4", &ai));
    ASSERT_EQ(ai.plugin, SERVER_AUTH_SHA2);
    catalog_snapshot_put(e.c, s);
    env_close(&e);
}

struct is_count {
    int n;          /* Rows seen. */
    char buf[2048]; /* Text of the rows. */
};

static int is_schemata(void *arg, const struct catalog_schemata_row *r)
{
    struct is_count *c = arg;
    c->n++;
    size_t l = strlen(c->buf);
    snprintf(c->buf + l, sizeof c->buf - l, "%s %s %s;", r->schema_name, r->charset, r->collation);
    return 0;
}

static int is_tables(void *arg, const struct catalog_tables_row *r)
{
    struct is_count *c = arg;
    c->n++;
    size_t l = strlen(c->buf);
    snprintf(c->buf + l, sizeof c->buf - l, "%s %s %s %llu %s;", r->table->name, r->table_type,
             r->engine, (unsigned long long)r->auto_increment, r->collation);
    return 0;
}

static int is_columns(void *arg, const struct catalog_columns_row *r)
{
    struct is_count *c = arg;
    c->n++;
    size_t l = strlen(c->buf);
    snprintf(c->buf + l, sizeof c->buf - l, "%u %s %s %s %s %s %s|", r->ordinal, r->column->name,
             r->data_type, r->column_type, r->is_nullable, r->column_key, r->extra);
    return 0;
}

static int is_stats(void *arg, const struct catalog_statistics_row *r)
{
    struct is_count *c = arg;
    c->n++;
    size_t l = strlen(c->buf);
    snprintf(c->buf + l, sizeof c->buf - l, "%s %d %u %s %s %u;", r->index_name, r->non_unique,
             r->seq_in_index, r->column_name, r->collation, r->sub_part);
    return 0;
}

TEST(catalog_information_schema)
{
    struct env e;
    env_open(&e, subdir("is"));
    ASSERT_OK(catalog_create_db(e.c, "d", 0, false, &ce));
    ASSERT_OK(
        catalog_create_db(e.c, "l", collation_by_name("latin1_swedish_ci", 17)->id, false, &ce));
    ASSERT_OK(create_t(e.c, "d", "t", &ce));
    ASSERT_OK(create_small(e.c, "l", "s", true, &ce));
    struct catalog_snap *s = catalog_snapshot_get(e.c);
    struct is_count c;
    memset(&c, 0, sizeof c);
    ASSERT_OK(catalog_iter_schemata(s, is_schemata, &c));
    ASSERT_EQ(c.n, 2);
    ASSERT_STR_EQ(c.buf, "d utf8mb4 utf8mb4_0900_ai_ci;l latin1 latin1_swedish_ci;");
    memset(&c, 0, sizeof c);
    ASSERT_OK(catalog_iter_tables(e.c, s, NULL, is_tables, &c));
    ASSERT_STR_EQ(c.buf, "t BASE TABLE InnoDB 1 utf8mb4_0900_ai_ci;s BASE TABLE InnoDB 0 "
                         "latin1_swedish_ci;");
    memset(&c, 0, sizeof c);
    ASSERT_OK(catalog_iter_columns(s, "d", is_columns, &c));
    ASSERT_EQ(c.n, 12);
    ASSERT(strstr(c.buf, "1 id int int unsigned NO PRI auto_increment|"));
    ASSERT(strstr(c.buf, "2 Name varchar varchar(20) YES UNI |"));
    ASSERT(strstr(c.buf, "3 price decimal decimal(10,2) NO MUL |"));
    ASSERT(strstr(c.buf, "4 ts datetime datetime(3) YES  DEFAULT_GENERATED on update "
                         "CURRENT_TIMESTAMP|"));
    ASSERT(strstr(c.buf, "5 e enum enum('a','b','it''s') YES  |"));
    memset(&c, 0, sizeof c);
    ASSERT_OK(catalog_iter_statistics(s, "d", is_stats, &c));
    ASSERT_STR_EQ(c.buf, "PRIMARY 0 1 id A 0;uname 0 1 Name A 10;price 1 1 price D 0;"
                         "price 1 2 ts A 0;name 1 1 Name A 0;name 1 2 e A 0;");
    catalog_snapshot_put(e.c, s);
    uint64_t v;
    s = catalog_snapshot_get(e.c);
    ASSERT_OK(catalog_autoinc_next(e.c, catalog_find_table(s, "d", "t")->id, CATALOG_SEQ_AUTOINC,
                                   41, &v));
    memset(&c, 0, sizeof c);
    ASSERT_OK(catalog_iter_tables(e.c, s, "d", is_tables, &c));
    ASSERT_STR_EQ(c.buf, "t BASE TABLE InnoDB 42 utf8mb4_0900_ai_ci;");
    catalog_snapshot_put(e.c, s);
    env_close(&e);
}

/* Damaged rows in the system tablet: catalog_open answers ERR_CORRUPT, never crashes. */
TEST(catalog_corrupt_rows)
{
    struct env e;
    env_open(&e, subdir("corrupt"));
    ASSERT_OK(catalog_create_db(e.c, "d", 0, false, &ce));
    ASSERT_OK(create_t(e.c, "d", "t", &ce));
    ASSERT_OK(catalog_create_user(e.c, "u", "%", "pw", 2, SERVER_AUTH_SHA2, false, &ce));
    ASSERT_OK(catalog_grant(e.c, "u", "%", "d", CATALOG_PRIV_SELECT, &ce));
    catalog_close(e.c);
    e.c = NULL;
    /* Read the rows. */
    struct txn *t;
    ASSERT_OK(txn_begin(e.m, NULL, &t));
    struct txn_scan *sc;
    ASSERT_OK(txn_scan_open(t, CATALOG_TABLET_ID, NULL, 0, NULL, 0, 0, 0, &sc));
    struct {
        uint8_t k[128];
        size_t kl;
        uint8_t v[1024];
        size_t vl;
    } rows[8];
    int n = 0;
    const uint8_t *k, *v;
    size_t kl, vl;
    while (txn_scan_next(sc, &k, &kl, &v, &vl) == 0) {
        ASSERT(n < 8 && kl <= 128 && vl <= 1024);
        memcpy(rows[n].k, k, kl);
        rows[n].kl = kl;
        memcpy(rows[n].v, v, vl);
        rows[n].vl = vl;
        n++;
    }
    txn_scan_close(sc);
    txn_rollback(t);
    ASSERT(n >= 6); /* A, A, D, M, T, U. */
    uint64_t seed = test_seed();
    srand((unsigned)seed);
    int n_corrupt = 0, n_ok = 0;
    for (int iter = 0; iter < 300; iter++) {
        int ri = rand() % n;
        uint8_t mv[1100];
        size_t ml = rows[ri].vl;
        memcpy(mv, rows[ri].v, ml);
        int kind = rand() % 3;
        if (kind == 0)
            mv[rand() % ml] ^= (uint8_t)(1 + rand() % 255);
        else if (kind == 1)
            ml = (size_t)rand() % ml;
        else
            mv[ml++] = (uint8_t)rand();
        ASSERT_OK(txn_begin(e.m, NULL, &t));
        ASSERT_OK(txn_put(t, CATALOG_TABLET_ID, rows[ri].k, rows[ri].kl, mv, ml));
        ASSERT_OK(txn_commit(t, NULL));
        struct catalog *c2 = NULL;
        int rc = catalog_open(e.m, &c2);
        if (rc == 0) {
            n_ok++;
            catalog_close(c2);
        } else {
            ASSERT_EQ(rc, ERR_CORRUPT);
            n_corrupt++;
        }
        ASSERT_OK(txn_begin(e.m, NULL, &t));
        ASSERT_OK(txn_put(t, CATALOG_TABLET_ID, rows[ri].k, rows[ri].kl, rows[ri].v, rows[ri].vl));
        ASSERT_OK(txn_commit(t, NULL));
    }
    ASSERT(n_corrupt > 150);
    /* An unknown kind of row. */
    ASSERT_OK(txn_begin(e.m, NULL, &t));
    ASSERT_OK(txn_put(t, CATALOG_TABLET_ID, "Z", 1, "x", 1));
    ASSERT_OK(txn_commit(t, NULL));
    struct catalog *c2 = NULL;
    ASSERT_EQ(catalog_open(e.m, &c2), ERR_CORRUPT);
    ASSERT_OK(txn_begin(e.m, NULL, &t));
    ASSERT_OK(txn_delete(t, CATALOG_TABLET_ID, "Z", 1));
    ASSERT_OK(txn_commit(t, NULL));
    /* A missing counter row would let ids repeat: refused too. */
    for (int i = 0; i < n; i++) {
        if (rows[i].k[0] != 'A')
            continue;
        ASSERT_OK(txn_begin(e.m, NULL, &t));
        ASSERT_OK(txn_delete(t, CATALOG_TABLET_ID, rows[i].k, rows[i].kl));
        ASSERT_OK(txn_commit(t, NULL));
        ASSERT_EQ(catalog_open(e.m, &c2), ERR_CORRUPT);
        ASSERT_OK(txn_begin(e.m, NULL, &t));
        ASSERT_OK(txn_put(t, CATALOG_TABLET_ID, rows[i].k, rows[i].kl, rows[i].v, rows[i].vl));
        ASSERT_OK(txn_commit(t, NULL));
        break;
    }
    ASSERT_OK(catalog_open(e.m, &e.c));
    struct catalog_snap *s = catalog_snapshot_get(e.c);
    check_t(&e, catalog_find_table(s, "d", "t"));
    catalog_snapshot_put(e.c, s);
    env_close(&e);
}

/* A tablet left by a DDL that crashed before its commit does not block the next table id,
 * and comes back empty. */
TEST(catalog_orphan_tablet)
{
    struct env e;
    env_open(&e, subdir("orphan"));
    ASSERT_OK(catalog_create_db(e.c, "d", 0, false, &ce));
    ASSERT_OK(txn_tablet_create(e.m, 256)); /* Table id 1, the next one. */
    struct txn *t;
    ASSERT_OK(txn_begin(e.m, NULL, &t));
    ASSERT_OK(txn_put(t, 256, "k", 1, "v", 1));
    ASSERT_OK(txn_commit(t, NULL));
    uint64_t id = 0;
    ASSERT_OK(create_small(e.c, "d", "t", true, &ce));
    struct catalog_snap *s = catalog_snapshot_get(e.c);
    id = catalog_find_table(s, "d", "t")->id;
    catalog_snapshot_put(e.c, s);
    ASSERT_EQ(id, 1);
    struct buf b;
    buf_init(&b);
    ASSERT_OK(txn_begin(e.m, NULL, &t));
    ASSERT_EQ(txn_get(t, 256, "k", 1, &b), ERR_NOT_FOUND);
    txn_rollback(t);
    buf_deinit(&b);
    env_close(&e);
}

/* Every table of the catalog has its tablets. */
static void check_tablets(struct env *e)
{
    struct catalog_snap *s = catalog_snapshot_get(e->c);
    for (uint32_t i = 0; i < s->n_tables; i++) {
        const struct catalog_table *t = s->tables[i];
        ASSERT_OK(txn_tablet_exists(e->m, catalog_tablet_id(t, 0)));
        for (uint32_t j = 0; j < t->n_indexes; j++)
            ASSERT_OK(txn_tablet_exists(e->m, catalog_tablet_id(t, t->indexes[j].id)));
    }
    catalog_snapshot_put(e->c, s);
}

/* I/O fails at the 1st, 2nd, ... call of a DDL workload: after reopening, the catalog opens
 * and every table it has owns its tablets. */
TEST(catalog_io_fault_loop)
{
    /* Every point up to 12, then every second one from a parity the seed picks (the
     * loop costs a store open and a dozen synced commits per point). */
    int clean = 0;
    uint64_t odd = test_seed() & 1;
    for (uint64_t n = 1; n < 400 && !clean; n += n < 12 ? 1 : 2) {
        if (n == 12)
            n += odd;
        char dir[600];
        snprintf(dir, sizeof dir, "%s/fault%llu", test_dir(), (unsigned long long)n);
        struct os_vfs *fv;
        ASSERT_OK(vfs_fault_create(os_vfs_posix(), &fv));
        struct env e;
        struct store_opts o;
        store_opts_default(&o, dir);
        o.vfs = fv;
        o.no_background = 1;
        ASSERT_OK(store_open(&o, &e.s));
        ASSERT_OK(kv_local_create(e.s, &e.kv));
        struct txn_mgr_opts mo;
        txn_mgr_opts_default(&mo, e.kv, dir);
        ASSERT_OK(txn_mgr_open(&mo, &e.m));
        ASSERT_OK(catalog_open(e.m, &e.c));
        ASSERT_OK(catalog_create_db(e.c, "d", 0, false, &ce));
        ASSERT_OK(create_small(e.c, "d", "old", true, &ce));
        vfs_fault_arm(fv, n, VFS_FAULT_EIO, 0);
        struct catalog_error err;
        int fails = 0;
        fails += create_t(e.c, "d", "t", &err) != 0;
        struct catalog_key_part_def p[] = {{"v", false, 0}};
        struct catalog_index_def iv = {"iv", false, false, 1, p};
        fails += catalog_add_index(e.c, "d", "old", &iv, NULL, &err) != 0;
        fails += catalog_truncate_table(e.c, "d", "old", &err) != 0;
        fails += catalog_drop_table(e.c, "d", "t", true, &err) != 0;
        uint64_t v;
        struct catalog_snap *s = catalog_snapshot_get(e.c);
        const struct catalog_table *ot = catalog_find_table(s, "d", "old");
        if (ot)
            fails += catalog_autoinc_next(e.c, ot->id, CATALOG_SEQ_ROWID, 1500, &v) != 0;
        catalog_snapshot_put(e.c, s);
        clean = fails == 0 && vfs_fault_n_injected(fv) == 0;
        env_close(&e);
        vfs_fault_destroy(fv);
        env_open(&e, dir);
        check_tablets(&e);
        s = catalog_snapshot_get(e.c);
        ASSERT(catalog_find_table(s, "d", "old"));
        catalog_snapshot_put(e.c, s);
        /* DDL works again. */
        ASSERT_OK(create_small(e.c, "d", "after", true, &ce));
        check_tablets(&e);
        env_close(&e);
    }
    ASSERT(clean);
}
