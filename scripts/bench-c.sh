#!/usr/bin/env bash
# The C half of the C-ABI benchmark: builds bench/c/bench_assert (CMake target bench_assert in
# build/cmake, which builds libdfns_bridge.so first) and runs it: ES256 assertion verifications
# per second through dfns_assertion_verify with a kept key, with a COSE import per call, and raw
# OpenSSL EVP_DigestVerify in the same process, with the ratios (target: kept >= 0.93 of raw) and
# 1- and 2-thread throughput. It is a benchmark, not a test: numbers depend on the machine and on
# what else runs on it.
#
#   scripts/bench-c.sh [seconds-per-case (default 1)] [rounds (default 3)]
# About 7 x rounds x seconds + 2 s: 23 s with the defaults.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${DFNS_CMAKE_BUILD_DIR:-$root/build/cmake}"
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" >&2
fi
cmake --build "$build" --target bench_assert >&2
echo "cores: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
exec "$build/bench_assert" "$@"
