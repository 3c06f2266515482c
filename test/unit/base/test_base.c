/* test_base.c: unit tests of src/base (errors, coding, crc32c, arena, buf, config, hash). */
#include "test.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/coding.h"
#include "base/config.h"
#include "base/crc32c.h"
#include "base/err.h"
#include "base/hash.h"
#include "base/mem.h"

#include <stdlib.h>

TEST(err_names_and_prefix)
{
    ASSERT_STR_EQ(err_name(ERR_CORRUPT), "ERR_CORRUPT");
    ASSERT_STR_EQ(err_str(ERR_NOSPC), "no space left on device");
    ASSERT_STR_EQ(err_name(-12345), "ERR_UNKNOWN");
    int rc = err_set(ERR_CORRUPT, "block %d: checksum mismatch", 17);
    ASSERT_EQ(rc, ERR_CORRUPT);
    rc = err_prefix(rc, "open sstable %s", "000123.sst");
    ASSERT_EQ(rc, ERR_CORRUPT);
    ASSERT_STR_EQ(err_msg(), "open sstable 000123.sst: block 17: checksum mismatch");
    err_clear();
    ASSERT_EQ(err_prefix(ERR_IO, "read x"), ERR_IO);
    ASSERT_STR_EQ(err_msg(), "read x: I/O error");
}

TEST(varint_roundtrip_and_truncation)
{
    uint64_t vals[] = {0, 1, 127, 128, 300, 16383, 16384, UINT32_MAX, UINT64_MAX - 1, UINT64_MAX};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        uint8_t b[VARINT_MAX];
        size_t n = varint_put(b, vals[i]);
        ASSERT_EQ(n, varint_len(vals[i]));
        uint64_t v = 0;
        ASSERT_EQ(varint_get(b, b + n, &v), n);
        ASSERT_U64_EQ(v, vals[i]);
        /* Truncated input is refused, never over-read. */
        if (n > 1)
            ASSERT_EQ(varint_get(b, b + n - 1, &v), 0);
    }
    /* An 11-byte or overflowing encoding is refused. */
    uint8_t bad[11];
    memset(bad, 0xff, sizeof bad);
    uint64_t v;
    ASSERT_EQ(varint_get(bad, bad + sizeof bad, &v), 0);
    bad[9] = 0x02;
    ASSERT_EQ(varint_get(bad, bad + 10, &v), 0);
}

TEST(fixed_width_coding)
{
    uint8_t b[8];
    le32_put(b, 0x01020304u);
    ASSERT_EQ(b[0], 4);
    ASSERT_EQ(le32_get(b), 0x01020304u);
    be64_put(b, 0x0102030405060708ULL);
    ASSERT_EQ(b[0], 1);
    ASSERT_U64_EQ(be64_get(b), 0x0102030405060708ULL);
    le64_put(b, 0xdeadbeefcafef00dULL);
    ASSERT_U64_EQ(le64_get(b), 0xdeadbeefcafef00dULL);
}

TEST(crc32c_known_vectors)
{
    /* RFC 3720 B.4 test vectors. */
    uint8_t zeros[32] = {0}, ones[32], inc[32];
    memset(ones, 0xff, sizeof ones);
    for (int i = 0; i < 32; i++)
        inc[i] = (uint8_t)i;
    ASSERT_U64_EQ(crc32c(0, zeros, 32), 0x8a9136aau);
    ASSERT_U64_EQ(crc32c(0, ones, 32), 0x62a8ab43u);
    ASSERT_U64_EQ(crc32c(0, inc, 32), 0x46dd794eu);
    ASSERT_U64_EQ(crc32c(0, "123456789", 9), 0xe3069283u);
    /* Continuing over pieces equals one pass. */
    ASSERT_U64_EQ(crc32c(crc32c(0, "12345", 5), "6789", 4), 0xe3069283u);
}

TEST(arena_alignment_reset_and_big)
{
    struct arena a;
    arena_init(&a, 1024);
    for (int i = 0; i < 1000; i++) {
        char *p = arena_alloc(&a, (size_t)(i % 37) + 1);
        ASSERT(p != NULL);
        ASSERT_EQ((uintptr_t)p % 8, 0);
        memset(p, 0xab, (size_t)(i % 37) + 1);
    }
    char *big = arena_alloc(&a, 100000);
    ASSERT(big != NULL);
    memset(big, 1, 100000);
    ASSERT(arena_reserved(&a) > 100000);
    arena_reset(&a);
    ASSERT(arena_reserved(&a) <= 1024 + 64);
    char *s = arena_strndup(&a, "hello world", 5);
    ASSERT_STR_EQ(s, "hello");
    arena_deinit(&a);
    ASSERT_EQ(arena_reserved(&a), 0);
}

TEST(buf_appends_and_nomem)
{
    struct buf b;
    buf_init(&b);
    ASSERT_OK(buf_put_u8(&b, 7));
    ASSERT_OK(buf_put_u32le(&b, 0x11223344));
    ASSERT_OK(buf_put_varint(&b, 300));
    ASSERT_OK(buf_put_lenbytes(&b, "abc", 3));
    ASSERT_EQ(b.len, 1 + 4 + 2 + 1 + 3);
    ASSERT_EQ(b.data[0], 7);
    ASSERT_EQ(le32_get(b.data + 1), 0x11223344);
    /* A failed growth keeps the contents. */
    size_t len = b.len;
    mem_fail_after(1);
    ASSERT_EQ(buf_reserve(&b, 1 << 20), ERR_NOMEM);
    mem_fail_after(0);
    ASSERT_EQ(b.len, len);
    ASSERT_EQ(b.data[0], 7);
    buf_deinit(&b);
}

TEST(config_values)
{
    uint64_t v;
    ASSERT_OK(config_parse_size("64M", &v));
    ASSERT_U64_EQ(v, 64ULL << 20);
    ASSERT_OK(config_parse_size("2GiB", &v));
    ASSERT_U64_EQ(v, 2ULL << 30);
    ASSERT_OK(config_parse_size("4096", &v));
    ASSERT_U64_EQ(v, 4096);
    ASSERT_EQ(config_parse_size("12Q", &v), ERR_INVALID);
    ASSERT_EQ(config_parse_size("", &v), ERR_INVALID);
    ASSERT_EQ(config_parse_size("99999999999T", &v), ERR_INVALID);
    int b;
    ASSERT_OK(config_parse_bool("ON", &b));
    ASSERT_EQ(b, 1);
    ASSERT_EQ(config_parse_bool("maybe", &b), ERR_INVALID);
    int s, e;
    ASSERT_OK(config_parse_window("02:00-04:30", &s, &e));
    ASSERT_EQ(s, 120);
    ASSERT_EQ(e, 270);
    ASSERT_EQ(config_parse_window("25:00-01:00", &s, &e), ERR_INVALID);
}

static int collect(const char *k, const char *v, int line, void *arg)
{
    char *out = arg;
    (void)line;
    strcat(out, k);
    strcat(out, "=");
    strcat(out, v);
    strcat(out, ";");
    return 0;
}

TEST(config_file)
{
    char path[600];
    snprintf(path, sizeof path, "%s/atoll.conf", test_dir());
    FILE *f = fopen(path, "w");
    ASSERT(f != NULL);
    fprintf(f, "# comment\n port = 4406\n\ndata-dir=/tmp/x # trailing\n");
    fclose(f);
    char out[256] = "";
    ASSERT_OK(config_load_file(path, collect, out));
    ASSERT_STR_EQ(out, "port=4406;data-dir=/tmp/x;");
    f = fopen(path, "w");
    fprintf(f, "no equals here\n");
    fclose(f);
    ASSERT_EQ(config_load_file(path, collect, out), ERR_INVALID);
    ASSERT(strstr(err_msg(), "line 1") != NULL);
    ASSERT_EQ(config_load_file("/nonexistent/atoll.conf", collect, out), ERR_NOT_FOUND);
}

TEST(hash_spreads)
{
    ASSERT_U64_EQ(hash64("abc", 3, 0), hash64("abc", 3, 0));
    ASSERT(hash64("abc", 3, 0) != hash64("abd", 3, 0));
    ASSERT(hash64("abc", 3, 0) != hash64("abc", 3, 1));
    /* Bucket spread over 64 buckets for sequential keys stays near uniform. */
    int buckets[64] = {0};
    for (int i = 0; i < 64000; i++) {
        char k[16];
        int n = snprintf(k, sizeof k, "key%d", i);
        buckets[hash64(k, (size_t)n, 0) % 64]++;
    }
    for (int i = 0; i < 64; i++)
        ASSERT(buckets[i] > 800 && buckets[i] < 1200);
}
