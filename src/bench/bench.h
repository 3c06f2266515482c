/*
 * bench.h: the `atoll bench` subcommand, benchmarks built into the binary.
 *
 * `atoll bench kv` measures the tablet store (storage/store.h) alone under
 * db_bench-style workloads and, with --vs rocksdb, RocksDB under the same
 * workloads and settings in the same run (see bench_kv.c and `bench kv --help`).
 */
#ifndef ATOLL_BENCH_BENCH_H
#define ATOLL_BENCH_BENCH_H

/*
 * Entry point of `atoll bench ...`: argv[0] is "bench", argv[1] names the
 * benchmark. Returns the process exit status: 0 success, 1 a run failed (or
 * the peer could not be loaded), 2 bad usage. Called from main() only; it
 * forks and must be called while the process has a single thread.
 */
int bench_main(int argc, char **argv);

/* `atoll bench kv ...` (argv[0] is "kv"); same contract as bench_main(). */
int bench_kv_main(int argc, char **argv);

#endif
