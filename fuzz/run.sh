#!/bin/bash
# run.sh SECONDS FUZZER...: runs each libFuzzer binary for SECONDS with its
# corpus folder fuzz/corpus/<name> (created if missing); fails on the first crash.
set -u
secs=$1
shift
passed=0
for f in "$@"; do
    name=$(basename "$f")
    corpus=build-fuzz/corpus/$name
    mkdir -p "$corpus"
    echo "fuzz $name for ${secs}s"
    if ! "$f" -max_total_time="$secs" -print_final_stats=0 -artifact_prefix=build-fuzz/ "$corpus" \
        >build-fuzz/$name.log 2>&1; then
        echo "FAIL fuzz $name"; tail -n 40 build-fuzz/$name.log
        echo "$passed passed, 1 failed"
        exit 1
    fi
    grep -E '^(#[0-9]+|Done)' build-fuzz/$name.log | tail -n 1
    passed=$((passed + 1))
done
echo "$passed passed, 0 failed"
