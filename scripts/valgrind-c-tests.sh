#!/usr/bin/env bash
# Runs the C tests of tests/c under valgrind's memcheck and fails on any memory error or any
# definitely-lost block:
#   valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=9
# "Possibly lost" and "still reachable" blocks are reported but are not errors. The statically
# linked Swift runtime keeps its metadata caches for the life of the process, which memcheck
# reports as a few 32-byte "possibly lost" blocks; tests/c/valgrind.supp suppresses exactly those
# (see the file for why).
# valgrind 3.19 cannot read the DWARF 5 that Swift 6.3 emits ("unhandled dwarf2 abbrev form code
# 0x25 ... Possibly corrupted debuginfo file. I can't recover.") and gives up before running
# anything, so the tests run against a copy of libdfns_bridge.so without debug sections
# (objcopy --strip-debug; the symbol table stays, so stacks still name functions), loaded first
# through LD_LIBRARY_PATH (the tests carry a RUNPATH, which LD_LIBRARY_PATH overrides).
#
#   scripts/valgrind-c-tests.sh [test-executable ...]
# Without arguments it runs test_robustness, test_end_to_end and test_threads from build/cmake
# (configured and built first when missing). Also registered as the CTest test c-valgrind
# (label "valgrind"). Environment:
#   DFNS_TEST_THREAD_ITERATIONS  iterations per thread of test_threads (default here: 60)
#   VALGRIND                     the valgrind executable (default: valgrind on PATH)
#   VALGRIND_LOG_DIR             where the per-test logs go (default: build/test-logs/valgrind)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
valgrind="${VALGRIND:-valgrind}"
logs="${VALGRIND_LOG_DIR:-$root/build/test-logs/valgrind}"
export DFNS_TEST_THREAD_ITERATIONS="${DFNS_TEST_THREAD_ITERATIONS:-60}"
command -v "$valgrind" >/dev/null || { echo "valgrind-c-tests: valgrind not found (apt-get install valgrind)" >&2; exit 2; }

tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
  build="$root/build/cmake"
  if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$build" >&2
  fi
  cmake --build "$build" --target test_robustness test_end_to_end test_threads >&2
  tests=("$build/tests/c/test_robustness" "$build/tests/c/test_end_to_end" "$build/tests/c/test_threads")
fi

options=(--leak-check=full --errors-for-leak-kinds=definite --error-exitcode=9
         --show-leak-kinds=definite,indirect,possible --num-callers=40 --read-var-info=no)
supp="$root/tests/c/valgrind.supp"
[ -f "$supp" ] && options+=("--suppressions=$supp")

mkdir -p "$logs"
# The library the tests load, and its debug-stripped copy.
library="$(ldd "${tests[0]}" | awk '/libdfns_bridge\.so/ { print $3; exit }')"
[ -n "$library" ] && [ -f "$library" ] || { echo "valgrind-c-tests: ${tests[0]} does not resolve libdfns_bridge.so" >&2; exit 2; }
library="$(readlink -f "$library")"
soname="$(readelf -d "$library" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')"
nodebug="$(mktemp -d)"
trap 'rm -rf "$nodebug"' EXIT
objcopy --strip-debug "$library" "$nodebug/${soname:-libdfns_bridge.so.0}"
export LD_LIBRARY_PATH="$nodebug${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
for test in "${tests[@]}"; do
  loaded="$(ldd "$test" | awk '/libdfns_bridge\.so/ { print $3; exit }')"
  [ "$loaded" = "$nodebug/${soname:-libdfns_bridge.so.0}" ] \
    || { echo "valgrind-c-tests: $test loads $loaded, not the debug-stripped copy" >&2; exit 2; }
done
echo "valgrind: $("$valgrind" --version); library $library (debug sections stripped for valgrind)"
status=0
total_definite=0
for test in "${tests[@]}"; do
  name="$(basename "$test")"
  log="$logs/$name.log"
  start=$(date +%s)
  rc=0
  "$valgrind" "${options[@]}" --log-file="$log" "$test" >"$logs/$name.out" 2>&1 || rc=$?
  elapsed=$(( $(date +%s) - start ))
  # "definitely lost: 1,234 bytes in 5 blocks"; absent when no block was allocated at exit.
  definite=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$log" | tail -n 1 | tr -d ,)
  definite="${definite:-0}"
  possible=$(sed -n 's/.*possibly lost: \([0-9,]*\) bytes.*/\1/p' "$log" | tail -n 1 | tr -d ,)
  errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9,]*\) errors.*/\1/p' "$log" | tail -n 1 | tr -d ,)
  total_definite=$(( total_definite + definite ))
  printf 'valgrind: %-16s rc %d, %s s, definitely lost %s bytes, possibly lost %s bytes, %s errors (%s)\n' \
    "$name" "$rc" "$elapsed" "$definite" "${possible:-0}" "${errors:-?}" "$log"
  tail -n 1 "$logs/$name.out" | sed 's/^/  /'
  if [ "$rc" -ne 0 ]; then
    status=1
    if [ "$rc" -eq 9 ]; then
      echo "  memcheck errors or definite leaks; first reports:"
      grep -E '^==[0-9]+== (Invalid|Conditional|Use of|Syscall|Mismatched|Source and|[0-9,]+ (\([0-9,]+ direct, [0-9,]+ indirect\) )?bytes in [0-9,]+ blocks are definitely)' "$log" \
        | head -n 10 | sed 's/^/    /'
    else
      echo "  the test itself failed (rc $rc):"
      tail -n 20 "$logs/$name.out" | sed 's/^/    /'
    fi
  fi
done
echo "valgrind: definitely lost: $total_definite bytes in total (${#tests[@]} tests); logs in $logs"
exit "$status"
