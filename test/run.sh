#!/bin/bash
# run.sh: runs test programs (each with a timeout), adds up their
# "N passed, N failed" lines and ends with the total in the same form.
# A program that crashes or times out counts as one failure.
set -u
TIMEOUT=${TEST_TIMEOUT:-900}
# Scratch folders on tmpfs by default: the tests' durability checks go through
# the fault vfs's power-loss model and real process kills (the page cache
# survives those), so the disk's fsync latency would only add minutes.
if [ -z "${TEST_TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
    export TEST_TMPDIR=/dev/shm
fi
passed=0
failed=0
for t in "$@"; do
    [ -x "$t" ] || continue
    out=$(mktemp)
    start=$(date +%s)
    timeout "$TIMEOUT" "$t" >"$out" 2>&1
    rc=$?
    secs=$(( $(date +%s) - start ))
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
    if [ -n "$line" ]; then
        p=$(echo "$line" | cut -d' ' -f1)
        f=$(echo "$line" | cut -d' ' -f3)
    else
        p=0; f=0
    fi
    if [ $rc -ne 0 ] && [ "$f" = 0 ]; then f=1; fi
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$f" != 0 ]; then
        echo "FAIL $t (exit $rc, ${secs}s)"
        sed 's/^/    /' "$out" | tail -n 60
    else
        echo "ok   $t ($p cases, ${secs}s)"
    fi
    rm -f "$out"
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
