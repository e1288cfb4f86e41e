#!/usr/bin/env bash
# Runs every test of dfns-bridge, stopping at the first failure:
#   1. swift build and swift test (Swift Testing and XCTest) on the whole package;
#   2. the WebAuthn conformance vectors through `dfns-bridge conformance` (fails when a verdict
#      contradicts a vector's `expected`);
#   3. the CMake configure; the C library libdfns_bridge.so (CMake target dfns_bridge_shared, which
#      runs scripts/build-shared.sh); the CMake build (the release tool, the C tests, the C benchmark);
#   4. CTest: the vectors and inspect through the tool, the C tests of tests/c (robustness, end to
#      end, threads), the export check, the install + find_package/pkg-config consumer, and the
#      C tests under valgrind (label "valgrind");
#   5. scripts/test-python.sh and scripts/test-examples.sh, when they exist;
#   6. the sandbox package (sandbox/): its tests (every endpoint over loopback with the library's
#      client, the negative checks read back from SQLite, the crash test that SIGKILLs the server),
#      then the README's main command, scripts/run.sh, the Delegated Signing walkthrough.
# It ends with a summary and the time of each step.
# The vectors are read from ../shared beside the repository; set DFNS_SHARED_DIR to use another copy.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
shared="${DFNS_SHARED_DIR:-$(dirname "$0")/../../shared}"
shared="$(cd "$shared" 2>/dev/null && pwd)" || { echo "test: shared folder not found (set DFNS_SHARED_DIR)" >&2; exit 2; }
vectors="$shared/vectors/webauthn"
cd "$root"

# Logs of this run only: a summary must never read a line an earlier run left behind.
logs="$root/build/test-logs"
rm -rf "$logs"
mkdir -p "$logs"

# Each step's wall time, for the summary.
timings=()
step_name=""
step_start=$SECONDS
total_start=$SECONDS
end_step() {
  if [ -n "$step_name" ]; then
    timings+=("$(printf '%-44s %5d s' "$step_name" $((SECONDS - step_start)))")
  fi
}
step() { end_step; step_name="$*"; step_start=$SECONDS; printf '\n==> %s\n' "$*"; }
run() { printf '+ %s\n' "$*"; "$@"; }

step "setup"
run bash scripts/setup.sh

# The library's locks are DfnsLocking.Locked (pthread), never Synchronization.Mutex: ThreadSanitizer
# cannot see a contended Mutex hand-over on Linux and reports false races (docs/DECISIONS.md).
step "lint: no Synchronization.Mutex"
if grep -rnE 'import Synchronization|\bMutex<|= Mutex\(' Sources Tests; then
  echo "test: use DfnsLocking.Locked instead of Synchronization.Mutex (docs/DECISIONS.md, \"Locks ThreadSanitizer can see\")" >&2
  exit 1
fi

step "swift build"
run swift build

step "swift test"
run swift test 2>&1 | tee "$logs/swift-test.log"

# The same suites under AddressSanitizer (own scratch path). Leak detection is off here: the test
# targets' static argument lists and XCTest are reported as leaks; the C ABI's leaks are checked by
# valgrind below.
step "swift test under AddressSanitizer"
ASAN_OPTIONS=detect_leaks=0 run swift test --sanitize=address --disable-xctest --scratch-path .build-asan 2>&1 \
  | tee "$logs/swift-test-asan.log" | grep -E "Test run with|error|AddressSanitizer" || true
grep -q "Test run with .* passed" "$logs/swift-test-asan.log" || { echo "test: swift test under ASan failed (see $logs/swift-test-asan.log)" >&2; exit 1; }

# And under ThreadSanitizer: the C ABI and the verifiers are used from many threads at once.
step "swift test under ThreadSanitizer"
run swift test --sanitize=thread --scratch-path .build-tsan 2>&1 \
  | tee "$logs/swift-test-tsan.log" | grep -E "Test run with|ThreadSanitizer" || true
grep -q "Test run with .* passed" "$logs/swift-test-tsan.log" && ! grep -q "WARNING: ThreadSanitizer" "$logs/swift-test-tsan.log" \
  || { echo "test: swift test under TSan failed (see $logs/swift-test-tsan.log)" >&2; exit 1; }

step "conformance: $vectors"
bin="$(swift build --show-bin-path)"
run "$bin/dfns-bridge" conformance "$vectors" | tee "$logs/conformance.log"

cmake_build="$root/build/cmake"
step "cmake configure"
run cmake -S "$root" -B "$cmake_build" -DDFNS_SHARED_DIR="$shared"

step "shared library (scripts/build-shared.sh)"
run cmake --build "$cmake_build" --target dfns_bridge_shared

step "cmake build (tool, C tests, C benchmark)"
run cmake --build "$cmake_build"

step "ctest (vectors, C tests, exports, consumer, valgrind)"
run ctest --test-dir "$cmake_build" --output-on-failure 2>&1 | tee "$logs/ctest.log"
# Every test's output, for the summary (ctest prints it only on failure).
cp "$cmake_build/Testing/Temporary/LastTest.log" "$logs/ctest-output.log"

python_summary="(scripts/test-python.sh does not exist)"
if [ -f "$root/scripts/test-python.sh" ]; then
  step "python (scripts/test-python.sh)"
  run bash "$root/scripts/test-python.sh" 2>&1 | tee "$logs/python.log"
  python_summary="pytest $(grep -oE '[0-9]+ passed(, [0-9]+ [a-z]+)*' "$logs/python.log" | tail -n 1); $(grep -E '^test-python: ' "$logs/python.log" | tail -n 1)"
fi

examples_summary="(scripts/test-examples.sh does not exist)"
if [ -f "$root/scripts/test-examples.sh" ]; then
  step "examples (scripts/test-examples.sh)"
  run bash "$root/scripts/test-examples.sh" 2>&1 | tee "$logs/examples.log"
  examples_summary="$(tail -n 1 "$logs/examples.log" | sed 's/^==> //')"
fi
step "sandbox: swift test (sandbox/)"
(cd "$root/sandbox" && run swift build --build-tests && run swift test --skip-build) 2>&1 | tee "$logs/sandbox-test.log"
grep -q "Test run with .* passed" "$logs/sandbox-test.log" || { echo "test: the sandbox tests failed (see $logs/sandbox-test.log)" >&2; exit 1; }

step "walkthrough (scripts/run.sh)"
run bash "$root/scripts/run.sh" 2>&1 | tee "$logs/walkthrough.log"
end_step

step_name=""
printf '\n==> summary\n'
out="$logs/ctest-output.log"
echo "swift test, XCTest: $(grep -E 'Executed [0-9]+ tests?, with' "$logs/swift-test.log" | tail -n 1 | sed 's/^[[:space:]]*//')"
echo "swift test under TSan: $(grep -E 'Test run with [0-9]+ tests?' "$logs/swift-test-tsan.log" | tail -n 1), $(grep -c 'WARNING: ThreadSanitizer' "$logs/swift-test-tsan.log" || true) TSan warnings"
echo "swift test under ASan: $(grep -E 'Test run with [0-9]+ tests?' "$logs/swift-test-asan.log" | tail -n 1)"
echo "swift test, Swift Testing: $(grep -E 'Test run with [0-9]+ tests?' "$logs/swift-test.log" | tail -n 1)"
echo "conformance: $(tail -n 1 "$logs/conformance.log")"
so="$(readlink -f "$cmake_build/lib/libdfns_bridge.so")"
echo "shared library: $so ($(stat -c %s "$so") bytes, $(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/soname \1/p'))"
echo "ctest: $(grep -E 'tests passed|tests failed' "$logs/ctest.log" | tail -n 1)"
echo "C tests: $(grep -hE '^test_[a-z_]+: [0-9]+ (of [0-9]+ )?checks' "$out" | paste -sd ';' | sed 's/;/; /g')"
echo "exports: $(grep -E '^exports (OK|FAILED)' "$out" | tail -n 1)"
echo "cmake consumer: $(grep -E '^cmake-consumer: ' "$out" | tail -n 1)"
echo "$(grep -E '^valgrind: definitely lost:' "$out" | tail -n 1 | sed 's/; logs in .*//')"
echo "python: $python_summary"
echo "examples: $examples_summary"
echo "sandbox tests: $(grep -E 'Test run with [0-9]+ tests?' "$logs/sandbox-test.log" | tail -n 1)"
echo "walkthrough: $(grep -E '^[0-9]+ of [0-9]+ checks passed' "$logs/walkthrough.log" | tail -n 1); $(grep -E '^audit: ' "$logs/walkthrough.log" | tail -n 1)"
echo "time per step:"
printf '  %s\n' "${timings[@]}"
echo "total: $((SECONDS - total_start)) s"

# One closing line over the test runners (the script stops at the first failure, so any failure
# never reaches this point): Swift Testing and XCTest, conformance vectors, CTest, pytest.
count() { grep -oE "$1" "$2" 2>/dev/null | tail -n 1 | grep -oE '[0-9]+' | head -n 1 || echo 0; }
swift_testing=$(count 'Test run with [0-9]+ tests?' "$logs/swift-test.log")
sandbox_testing=$(count 'Test run with [0-9]+ tests?' "$logs/sandbox-test.log")
xctest=$(count 'Executed [0-9]+ tests?, with' "$logs/swift-test.log")
vectors_passed=$(tail -n 1 "$logs/conformance.log" | grep -oE '^[0-9]+')
vectors_skipped=$(tail -n 1 "$logs/conformance.log" | grep -oE '[0-9]+ skipped' | grep -oE '[0-9]+')
ctest_total=$(grep -oE 'out of [0-9]+' "$logs/ctest.log" | tail -n 1 | grep -oE '[0-9]+')
pytest_passed=$(grep -oE '[0-9]+ passed' "$logs"/python*.log 2>/dev/null | tail -n 1 | grep -oE '[0-9]+' || echo 0)
pytest_skipped=$(grep -oE '[0-9]+ skipped' "$logs"/python*.log 2>/dev/null | tail -n 1 | grep -oE '[0-9]+' || echo 0)
passed=$(( ${swift_testing:-0} + ${sandbox_testing:-0} + ${xctest:-0} + ${vectors_passed:-0} + ${ctest_total:-0} + ${pytest_passed:-0} ))
skipped=$(( ${vectors_skipped:-0} + ${pytest_skipped:-0} ))
echo "tests: $passed passed, 0 failed, $skipped skipped"
