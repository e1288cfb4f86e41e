#!/usr/bin/env bash
# Runs every test of dfns-bridge, stopping at the first failure:
#   1. swift build and swift test (Swift Testing and XCTest) on the whole package;
#   2. the WebAuthn conformance vectors through `dfns-bridge conformance` (fails when a verdict
#      contradicts a vector's `expected`);
#   3. the CMake build (which drives `swift build -c release --product dfns-bridge`) and its CTest tests.
# The vectors are read from ../shared beside the repository; set DFNS_SHARED_DIR to use another copy.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
shared="${DFNS_SHARED_DIR:-$(dirname "$0")/../../shared}"
shared="$(cd "$shared" 2>/dev/null && pwd)" || { echo "test: shared folder not found (set DFNS_SHARED_DIR)" >&2; exit 2; }
vectors="$shared/vectors/webauthn"
cd "$root"

logs="$root/build/test-logs"
mkdir -p "$logs"

step() { printf '\n==> %s\n' "$*"; }
run() { printf '+ %s\n' "$*"; "$@"; }

step "setup"
run bash scripts/setup.sh

step "swift build"
run swift build

step "swift test"
run swift test 2>&1 | tee "$logs/swift-test.log"

step "conformance: $vectors"
bin="$(swift build --show-bin-path)"
run "$bin/dfns-bridge" conformance "$vectors" | tee "$logs/conformance.log"

step "cmake + ctest"
run cmake -S "$root" -B "$root/build/cmake" -DDFNS_SHARED_DIR="$shared"
run cmake --build "$root/build/cmake"
run ctest --test-dir "$root/build/cmake" --output-on-failure 2>&1 | tee "$logs/ctest.log"

step "summary"
echo "swift test, XCTest: $(grep -E 'Executed [0-9]+ tests?, with' "$logs/swift-test.log" | tail -n 1 | sed 's/^[[:space:]]*//')"
echo "swift test, Swift Testing: $(grep -E 'Test run with [0-9]+ tests?' "$logs/swift-test.log" | tail -n 1)"
echo "conformance: $(tail -n 1 "$logs/conformance.log")"
echo "ctest: $(grep -E 'tests passed|tests failed' "$logs/ctest.log" | tail -n 1)"
