#!/usr/bin/env bash
# Builds dfns-bench in release and runs it: WebAuthn assertion verifications per second through the
# library (kept key, COSE import per call) against plain OpenSSL EVP, for ES256, EdDSA, RS256 and
# ES256K, with the library/raw ratios and a verdict per target (kept >= 0.95, import >= 0.80).
#
# Usage: scripts/bench.sh [seconds-per-case] [dfns-bench options...]
#   e.g. scripts/bench.sh            (2 s per case, best of 3 interleaved rounds: about 80 s)
#        scripts/bench.sh 1 --alg es256,rs256 --rounds 5
#        scripts/bench.sh --profile es256:kept --iterations 2000   (fixed work, for callgrind)
# Environment:
#   DFNS_PACKAGE_PATH  package to build (default: this repository)
#   DFNS_SCRATCH_PATH  SwiftPM scratch path (default: <package>/.build)
#   DFNS_BENCH_PRODUCT product to build and run (default: dfns-bench)
# Deterministic profile (valgrind 3.19 cannot read Swift 6.3's DWARF, so strip a copy first):
#   cp .build/release/dfns-bench /tmp/b && strip -g /tmp/b
#   valgrind --tool=callgrind --toggle-collect=dfns_bench_profile_loop /tmp/b --profile es256:kept --iterations 200
#   (compare the "Collected" instruction counts of raw, kept and import; callgrind_annotate --inclusive=yes)
# It is a benchmark, not a test: numbers depend on the machine and on what else runs on it.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
package="${DFNS_PACKAGE_PATH:-$(cd "$here/.." && pwd)}"
scratch="${DFNS_SCRATCH_PATH:-$package/.build}"
product="${DFNS_BENCH_PRODUCT:-dfns-bench}"

swift build -c release --package-path "$package" --scratch-path "$scratch" --product "$product" >&2
bin="$(swift build -c release --package-path "$package" --scratch-path "$scratch" --show-bin-path)"
echo "cores: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
exec "$bin/$product" "$@"
