#!/usr/bin/env bash
# The C half of the client benchmark: builds bench/c/bench_client (CMake target bench_client in
# build/cmake, which builds libdfns_bridge.so first) and runs it: Dfns user-action challenge
# signing per second with a P-256 and an Ed25519 Key signer (dfns_signer_sign_challenge: challenge
# JSON parsed, clientData built, signed, base64url, firstFactor JSON) against raw OpenSSL
# EVP_DigestSign of the same clientData bytes with the key loaded once, in the same process, with
# the ratios (target: >= 0.90 of raw) and the CPU time per call. It is a benchmark, not a test:
# numbers depend on the machine and on what else runs on it.
#
#   scripts/bench-c-client.sh [seconds-per-case (default 1)] [rounds (default 3)]
# About 4 x rounds x seconds + 1 s: 13 s with the defaults.
# DFNS_CMAKE_BUILD_DIR picks another CMake build directory (default build/cmake).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${DFNS_CMAKE_BUILD_DIR:-$root/build/cmake}"
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" >&2
fi
cmake --build "$build" --target bench_client >&2
echo "cores: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
exec "$build/bench_client" "$@"
