/*
 * test.h: a small unit-test harness.
 *
 * TEST(name) { ... } defines a test case; the harness's main() runs every case
 * of the program (or those named on the command line), each in order, and
 * prints "ok <name>" or "FAIL <name>" per case and a final "N passed, N failed".
 * A failed ASSERT_* prints file, line and both values and ends the case.
 * Link a test program with test/test_main.c.
 */
#ifndef ATOLL_TEST_H
#define ATOLL_TEST_H

#include <inttypes.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

typedef void (*test_fn)(void);

void test_register(const char *name, test_fn fn);
void test_fail_(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));

/* A scratch folder for the running case, created empty; removed when the case passes. */
const char *test_dir(void);

/* The seed for randomised tests: TEST_SEED from the environment, else time-based; printed. */
uint64_t test_seed(void);

#define TEST(name)                                                             \
    static void test_##name(void);                                             \
    __attribute__((constructor)) static void test_reg_##name(void)             \
    {                                                                          \
        test_register(#name, test_##name);                                     \
    }                                                                          \
    static void test_##name(void)

#define ASSERT(cond)                                                           \
    do {                                                                       \
        if (!(cond))                                                           \
            test_fail_(__FILE__, __LINE__, "assertion failed: %s", #cond);     \
    } while (0)

#define ASSERT_EQ(a, b)                                                        \
    do {                                                                       \
        long long a_ = (long long)(a), b_ = (long long)(b);                    \
        if (a_ != b_)                                                          \
            test_fail_(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b,   \
                       a_, b_);                                                \
    } while (0)

#define ASSERT_NE(a, b)                                                        \
    do {                                                                       \
        long long a_ = (long long)(a), b_ = (long long)(b);                    \
        if (a_ == b_)                                                          \
            test_fail_(__FILE__, __LINE__, "%s != %s: both %lld", #a, #b, a_); \
    } while (0)

#define ASSERT_U64_EQ(a, b)                                                    \
    do {                                                                       \
        uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                       \
        if (a_ != b_)                                                          \
            test_fail_(__FILE__, __LINE__, "%s == %s: %" PRIu64 " != %" PRIu64, \
                       #a, #b, a_, b_);                                        \
    } while (0)

#define ASSERT_STR_EQ(a, b)                                                    \
    do {                                                                       \
        const char *a_ = (a), *b_ = (b);                                       \
        if (!a_ || !b_ || strcmp(a_, b_) != 0)                                 \
            test_fail_(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a,   \
                       #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)");            \
    } while (0)

#define ASSERT_MEM_EQ(a, b, n)                                                 \
    do {                                                                       \
        if (memcmp((a), (b), (n)) != 0)                                        \
            test_fail_(__FILE__, __LINE__, "memory %s == %s differs", #a, #b); \
    } while (0)

/* Asserts that an int-returning call succeeds, printing err_msg() if not. */
#define ASSERT_OK(call)                                                        \
    do {                                                                       \
        int rc_ = (call);                                                      \
        if (rc_ != 0)                                                          \
            test_fail_(__FILE__, __LINE__, "%s failed: %s (%s)", #call,        \
                       err_name(rc_), err_msg());                              \
    } while (0)

#endif
