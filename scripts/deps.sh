#!/bin/sh
# deps.sh: the one list of Debian packages Atoll needs, and their installer.
#
#   scripts/deps.sh build   what building and running needs
#   scripts/deps.sh test    that, plus what the tests, fuzzers and benchmarks need
#
# Idempotent and quiet when everything is present. As root it installs what is
# missing with apt-get; otherwise it prints the apt-get line to run and fails.
set -eu

BUILD_PKGS="gcc make pkg-config liblz4-dev libzstd-dev libuv1-dev libssl-dev bison flex"
# clang + compiler-rt: sanitizer builds and libFuzzer; librocksdb-dev: the kv
# benchmark's peer (loaded at run time); the rest: real clients and peers.
TEST_PKGS="clang libclang-rt-14-dev librocksdb-dev mariadb-client libmariadb-dev python3-pymysql sysbench mariadb-server"

case "${1:-build}" in
build) want="$BUILD_PKGS" ;;
test) want="$BUILD_PKGS $TEST_PKGS" ;;
*) echo "usage: $0 build|test" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
    st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$st" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
    echo "missing Debian packages; run as root:" >&2
    echo "  apt-get install -y$missing" >&2
    exit 1
fi
echo "installing Debian packages:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=300 install -y -q $missing >&2 ||
    { apt-get -o DPkg::Lock::Timeout=300 update -q >&2 &&
      apt-get -o DPkg::Lock::Timeout=300 install -y -q $missing >&2; }
