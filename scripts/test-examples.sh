#!/usr/bin/env bash
# Builds and runs the example programs and the C++ wrapper tests against the C library, stopping
# at the first failure:
#   1. build/lib/libdfns_bridge.so.0 (built first with scripts/build-shared.sh when missing);
#   2. the sandbox: `swift build --product dfns-sandbox` in sandbox/ (its default .build, which
#      scripts/test.sh's sandbox step reuses), then `dfns-sandbox --port 0 --bootstrap-file FILE`
#      in memory on loopback; the examples that speak the Dfns API get FILE as their argument (and
#      in DFNS_SANDBOX_BOOTSTRAP). The sandbox is stopped when this script exits, however it exits;
#   3. examples/c/main.c            (the Delegated Signing walkthrough through the C API) and
#      examples/c/verify.c          (WebAuthn verification), C11, gcc by default,
#                                    -Wall -Wextra -Werror -pedantic;
#   4. examples/cpp/main.cpp        (C++17 through include/dfns_bridge.hpp, g++ by default);
#   5. tests/cpp/test_cpp.cpp       (the wrapper tests; again with ASan + LeakSanitizer + UBSan,
#                                    and, with the C examples, under valgrind with DFNS_VALGRIND=1);
#   6. clang -fsyntax-only of the C and C++ sources with the same warnings, when clang/clang++ exist;
#   7. examples/swift               (a separate SwiftPM package on the library's Swift products, no
#                                    C layer: dfns-swift-example, the walkthrough on DfnsClient, and
#                                    dfns-swift-verify-example on DfnsWebAuthn; scratch path
#                                    build/swift-example, built incrementally);
#   8. examples/python/example.py   (when present; DFNS_BRIDGE_LIBRARY points at the .so and
#                                    PYTHONPATH at bindings/python).
# Binaries go to build/examples/. Compilers: CC (gcc) and CXX (g++). Called by scripts/test.sh.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

lib="$root/build/lib"
out="$root/build/examples"
cc="${CC:-gcc}"
cxx="${CXX:-g++}"

step() { printf '\n==> %s\n' "$*"; }
run() { printf '+ %s\n' "$*"; "$@"; }
fail() { printf 'test-examples: %s\n' "$*" >&2; exit 1; }

step "shared library"
if [ ! -e "$lib/libdfns_bridge.so.0" ]; then
    run bash scripts/build-shared.sh
fi
[ -e "$lib/libdfns_bridge.so.0" ] || fail "build/lib/libdfns_bridge.so.0 is missing after scripts/build-shared.sh"
[ -e "$lib/libdfns_bridge.so" ] || fail "build/lib/libdfns_bridge.so (the link-time name) is missing"
echo "using $(readlink -f "$lib/libdfns_bridge.so.0")"

mkdir -p "$out"
warnings=(-Wall -Wextra -Werror -pedantic)
link=(-L "$lib" -ldfns_bridge "-Wl,-rpath,$lib")

# SwiftPM builds: the library's shared-library flags (DFNS_BRIDGE_SHARED) are for the .so only, and
# CC/CXX choose the compilers of the C and C++ examples here, not the ones SwiftPM uses for the C
# targets of the Swift packages (another compiler would fail or rebuild everything).
swiftpm=(env -u DFNS_BRIDGE_SHARED -u CC -u CXX swift)

step "sandbox (sandbox/, in memory on loopback)"
(cd sandbox && run "${swiftpm[@]}" build --product dfns-sandbox)
sandbox_bin="$(cd sandbox && "${swiftpm[@]}" build --show-bin-path)/dfns-sandbox"
sandbox_dir="$(mktemp -d "${TMPDIR:-/tmp}/dfns-examples.XXXXXX")"
bootstrap="$sandbox_dir/bootstrap.json"
sandbox_pid=""
stop_sandbox() {
    local status=$?
    if [ -n "$sandbox_pid" ]; then
        # SIGTERM: a graceful shutdown; SIGKILL if it has not ended 10 s later.
        kill "$sandbox_pid" 2>/dev/null || true
        for _ in $(seq 1 100); do
            kill -0 "$sandbox_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$sandbox_pid" 2>/dev/null || true
        wait "$sandbox_pid" 2>/dev/null || true
        sandbox_pid=""
    fi
    if [ "$status" -ne 0 ] && [ -s "$sandbox_dir/sandbox.log" ]; then
        echo "test-examples: the sandbox's log:" >&2
        cat "$sandbox_dir/sandbox.log" >&2
    fi
    rm -rf "$sandbox_dir"
}
trap stop_sandbox EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
printf '+ %s\n' "$sandbox_bin --port 0 --bootstrap-file $bootstrap --log-level warning &"
"$sandbox_bin" --port 0 --bootstrap-file "$bootstrap" --log-level warning > "$sandbox_dir/sandbox.log" 2>&1 &
sandbox_pid=$!
# The bootstrap file appears, complete (written atomically, mode 0600), once the server listens.
for _ in $(seq 1 300); do
    [ -s "$bootstrap" ] && break
    kill -0 "$sandbox_pid" 2>/dev/null || fail "dfns-sandbox exited before it wrote $bootstrap"
    sleep 0.1
done
[ -s "$bootstrap" ] || fail "dfns-sandbox did not write $bootstrap within 30 s"
cat "$sandbox_dir/sandbox.log"
export DFNS_SANDBOX_BOOTSTRAP="$bootstrap"

step "C examples (examples/c)"
run "$cc" -std=c11 "${warnings[@]}" -I include examples/c/main.c "${link[@]}" -o "$out/example_c"
run "$out/example_c" "$bootstrap"
run "$cc" -std=c11 "${warnings[@]}" -I include examples/c/verify.c "${link[@]}" -o "$out/example_c_verify"
run "$out/example_c_verify"

step "C++ example (examples/cpp)"
run "$cxx" -std=c++17 "${warnings[@]}" -I include examples/cpp/main.cpp "${link[@]}" -o "$out/example_cpp"
run "$out/example_cpp"

step "C++ wrapper tests (tests/cpp)"
run "$cxx" -std=c++17 "${warnings[@]}" -g -pthread -I include tests/cpp/test_cpp.cpp "${link[@]}" -o "$out/test_cpp"
run "$out/test_cpp"
# The same tests with AddressSanitizer, LeakSanitizer and UBSan in the test program: LSan watches
# every malloc of the process, the library's included, so a handle a wrapper fails to free (or the
# library fails to release) is reported as a leak and fails the step.
if echo 'int main() { return 0; }' | "$cxx" -x c++ -fsanitize=address,undefined - -o /dev/null 2>/dev/null; then
    run "$cxx" -std=c++17 "${warnings[@]}" -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
        -fno-omit-frame-pointer -pthread -I include tests/cpp/test_cpp.cpp "${link[@]}" -o "$out/test_cpp_asan"
    run env ASAN_OPTIONS=detect_leaks=1 "$out/test_cpp_asan"
else
    echo "skipped the sanitizer run: $cxx cannot link -fsanitize=address,undefined"
fi
if [ "${DFNS_VALGRIND:-0}" = "1" ]; then
    command -v valgrind >/dev/null || fail "DFNS_VALGRIND=1 but valgrind is not installed"
    # valgrind 3.19 (Debian 12) cannot read the DWARF 5 debug info the Swift toolchain writes and
    # gives up on the library, so it runs against a copy without debug info (LD_LIBRARY_PATH wins
    # over the binaries' RUNPATH). Definite and indirect leaks and memory errors fail the run;
    # "possibly lost" blocks are the Swift runtime's metadata caches (interior pointers, by design).
    vglib="$out/valgrind-lib"
    mkdir -p "$vglib"
    run strip --strip-debug -o "$vglib/libdfns_bridge.so.0" "$(readlink -f "$lib/libdfns_bridge.so.0")"
    # example_c reads the sandbox's bootstrap file from DFNS_SANDBOX_BOOTSTRAP.
    for program in test_cpp example_c example_c_verify example_cpp; do
        run env LD_LIBRARY_PATH="$vglib" valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect \
            --show-leak-kinds=definite,indirect --error-exitcode=99 "$out/$program"
    done
fi

if command -v clang++ >/dev/null; then
    step "clang++ (syntax and warnings only)"
    for source in examples/cpp/main.cpp tests/cpp/test_cpp.cpp; do
        run clang++ -std=c++17 "${warnings[@]}" -I include -fsyntax-only "$source"
    done
fi
if command -v clang >/dev/null; then
    step "clang (syntax and warnings only)"
    for source in examples/c/main.c examples/c/verify.c; do
        run clang -std=c11 "${warnings[@]}" -I include -fsyntax-only "$source"
    done
fi

step "Swift example (examples/swift)"
swift_build=("${swiftpm[@]}" build --package-path examples/swift --scratch-path "$root/build/swift-example")
run "${swift_build[@]}"
swift_bin="$("${swift_build[@]}" --show-bin-path)"
run "$swift_bin/dfns-swift-example" "$bootstrap"
run "$swift_bin/dfns-swift-verify-example"

step "Python example (examples/python)"
if [ -f examples/python/example.py ]; then
    # The binding from the source tree (bindings/python) ahead of any installed copy.
    run env DFNS_BRIDGE_LIBRARY="$lib/libdfns_bridge.so.0" PYTHONPATH="$root/bindings/python${PYTHONPATH:+:$PYTHONPATH}" \
        python3 examples/python/example.py
else
    echo "skipped: examples/python/example.py is not there"
fi

step "examples: all passed"
