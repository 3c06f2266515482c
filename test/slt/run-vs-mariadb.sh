#!/usr/bin/env bash
# run-vs-mariadb.sh: runs the sqllogictest runner against a throw-away MariaDB.
#
#   test/slt/run-vs-mariadb.sh [PATH...]      PATH defaults to ../shared/sqllogictest
#
# Builds $BUILD/slt (make slt-runner), starts MariaDB with
# ../shared/bench/mariadb-peer.sh, checks the runner on its own self-test
# (selftest/pass.test must pass whole, selftest/fail.test must fail exactly
# where it is written to), runs the runner over PATH, and stops the server
# whatever happens. The exit status is the runner's (or 1 if the self-test
# failed). The runner's output, ending with its "N passed, N failed" line, goes
# to stdout.
#
# Environment: BUILD [build], PORT [3307], SLT_ARGS [-j 2] (more runner
# options, e.g. "-j 2 -v" or "--allow-fail 40"), SELFTEST [1].
#
# Later this script also starts Atoll and runs the same files against it, so
# that both servers' records per second come from one run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in
/*) slt=$BUILD/slt ;;
*) slt=$root/$BUILD/slt ;;
esac
peer=${PEER:-$root/../shared/bench/mariadb-peer.sh}
[ $# -gt 0 ] || set -- "$root/../shared/sqllogictest"

make -C "$root" --no-print-directory BUILD="$BUILD" slt-runner >&2

port='' dir=''
read -r port _ dir < <("$peer" start "${PORT:-3307}") || true
[ -n "$dir" ] || { echo "run-vs-mariadb: MariaDB did not start" >&2; exit 1; }
trap '"$peer" stop "$dir"' EXIT
echo "run-vs-mariadb: MariaDB on 127.0.0.1:$port ($dir)" >&2

# selftest FILE EXPECTED [runner options]: the runner's last line must be EXPECTED.
selftest() {
    local file=$1 want=$2 out got
    shift 2
    out=$("$slt" --host 127.0.0.1 --port "$port" "$@" "$here/selftest/$file" 2>&1) || true
    got=$(printf '%s\n' "$out" | tail -n 1)
    if [ "$got" != "$want" ]; then
        printf '%s\n' "$out" >&2
        echo "run-vs-mariadb: self-test $file: got \"$got\", want \"$want\"" >&2
        return 1
    fi
    echo "run-vs-mariadb: self-test $file: $got (as it should)" >&2
}
if [ "${SELFTEST:-1}" = 1 ]; then
    selftest pass.test "21 passed, 0 failed" -vv || exit 1
    selftest fail.test "5 passed, 12 failed" -vv --timeout 2 || exit 1
fi

status=0
# shellcheck disable=SC2086 # SLT_ARGS is a list of options.
"$slt" --host 127.0.0.1 --port "$port" ${SLT_ARGS--j 2} "$@" || status=$?
exit "$status"
