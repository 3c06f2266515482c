/*
 * main.c: the atoll binary, one program with subcommands. Each subcommand is a
 * function taking the remaining arguments; this file only dispatches.
 */
#include "base/log.h"
#include "bench/bench.h"

#include <stdio.h>
#include <string.h>

struct subcommand {
    const char *name; /* First argument that selects it. */
    const char *help; /* One line for --help. */
    int (*main)(int argc, char **argv);
};

static const struct subcommand commands[] = {
    {"bench", "run benchmarks (bench kv --help)", bench_main},
    {NULL, NULL, NULL},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: atoll <command> [options]\n\ncommands:\n");
    for (const struct subcommand *c = commands; c->name; c++)
        fprintf(out, "  %-10s %s\n", c->name, c->help);
    fprintf(out, "\n'atoll <command> --help' describes a command's options.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(stdout);
        return argc < 2 ? 2 : 0;
    }
    for (const struct subcommand *c = commands; c->name; c++)
        if (!strcmp(argv[1], c->name))
            return c->main(argc - 1, argv + 1);
    fprintf(stderr, "atoll: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
