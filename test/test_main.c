/*
 * test_main.c: the runner behind test.h. Runs the registered cases in order;
 * a failing assertion longjmps back here. Each case gets an empty scratch
 * folder under $TEST_TMPDIR (default /tmp) that is removed when it passes.
 */
#include "test.h"

#include "base/err.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_TESTS 512

static struct {
    const char *name;
    test_fn fn;
} tests[MAX_TESTS];
static int n_tests;
static jmp_buf fail_jmp;
static char dir[512];
static int dir_made;
static const char *cur_name;

void test_register(const char *name, test_fn fn)
{
    if (n_tests < MAX_TESTS) {
        tests[n_tests].name = name;
        tests[n_tests].fn = fn;
        n_tests++;
    }
}

void test_fail_(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "  %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    longjmp(fail_jmp, 1);
}

const char *test_dir(void)
{
    if (!dir_made) {
        const char *base = getenv("TEST_TMPDIR");
        snprintf(dir, sizeof dir, "%s/atoll-%s-%d", base ? base : "/tmp", cur_name, (int)getpid());
        char cmd[1200];
        snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
        if (system(cmd) != 0) {
            fprintf(stderr, "cannot make %s\n", dir);
            exit(2);
        }
        dir_made = 1;
    }
    return dir;
}

uint64_t test_seed(void)
{
    static uint64_t seed;
    static int have;
    if (!have) {
        const char *e = getenv("TEST_SEED");
        if (e)
            seed = strtoull(e, NULL, 0);
        else {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            seed = (uint64_t)ts.tv_sec * 1000003u ^ (uint64_t)ts.tv_nsec ^ (uint64_t)getpid();
        }
        have = 1;
    }
    fprintf(stderr, "  seed: TEST_SEED=%llu\n", (unsigned long long)seed);
    return seed;
}

static int selected(int argc, char **argv, const char *name)
{
    if (argc < 2)
        return 1;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], name))
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    static int passed, failed, i;
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (i = 0; i < n_tests; i++) {
        if (!selected(argc, argv, tests[i].name))
            continue;
        cur_name = tests[i].name;
        dir_made = 0;
        err_clear();
        if (setjmp(fail_jmp) == 0) {
            tests[i].fn();
            printf("ok %s\n", tests[i].name);
            passed++;
            if (dir_made && !getenv("TEST_KEEP")) {
                char cmd[1200];
                snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
                if (system(cmd) != 0)
                    fprintf(stderr, "cannot remove %s\n", dir);
            }
        } else {
            printf("FAIL %s\n", tests[i].name);
            if (dir_made)
                fprintf(stderr, "  scratch folder kept: %s\n", dir);
            failed++;
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
