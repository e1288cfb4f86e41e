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
#   4. examples/cpp/main.cpp        (the Delegated Signing walkthrough through include/dfns_bridge.hpp)
#      and examples/cpp/verify.cpp  (WebAuthn verification), C++17, g++ by default;
#   5. tests/cpp/test_cpp.cpp       (the wrapper tests; again with ASan + LeakSanitizer + UBSan,
#                                    and, with the C examples, under valgrind with DFNS_VALGRIND=1);
#   6. clang -fsyntax-only of the C and C++ sources with the same warnings, when clang/clang++ exist;
#   7. examples/swift               (a separate SwiftPM package on the library's Swift products, no
#                                    C layer: dfns-swift-example, the walkthrough on DfnsClient, and
#                                    dfns-swift-verify-example on DfnsWebAuthn; scratch path
#                                    build/swift-example, built incrementally);
#   8. examples/python/example.py   (the walkthrough through the ctypes binding, with an external
#                                    signer on the `cryptography` package and a host transport on
#                                    http.client) and examples/python/verify.py (WebAuthn
#                                    verification), when present; DFNS_BRIDGE_LIBRARY points at the
#                                    .so and PYTHONPATH at bindings/python.
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
# The C++ wrapper tests take SHA-256 from libcrypto (libssl-dev).
crypto_link=(-lcrypto)

# SwiftPM builds: the library's shared-library flags (DFNS_BRIDGE_SHARED) are for the .so only, and
# CC/CXX choose the compilers of the C and C++ examples here, not the ones SwiftPM uses for the C
# targets of the Swift packages (another compiler would fail or rebuild everything).
swiftpm=(env -u DFNS_BRIDGE_SHARED -u CC -u CXX swift)

step "sandbox (sandbox/, in memory on loopback)"
# shellcheck source=lib/sandbox.sh
source "$root/scripts/lib/sandbox.sh"
sandbox_start || fail "the sandbox did not start"
bootstrap="$DFNS_SANDBOX_BOOTSTRAP"

step "C examples (examples/c)"
run "$cc" -std=c11 "${warnings[@]}" -I include examples/c/main.c "${link[@]}" -o "$out/example_c"
run "$out/example_c" "$bootstrap"
run "$cc" -std=c11 "${warnings[@]}" -I include examples/c/verify.c "${link[@]}" -o "$out/example_c_verify"
run "$out/example_c_verify"

step "C++ examples (examples/cpp)"
run "$cxx" -std=c++17 "${warnings[@]}" -I include examples/cpp/main.cpp "${link[@]}" -o "$out/example_cpp"
run "$out/example_cpp" "$bootstrap"
run "$cxx" -std=c++17 "${warnings[@]}" -I include examples/cpp/verify.cpp "${link[@]}" -o "$out/example_cpp_verify"
run "$out/example_cpp_verify"

step "C++ wrapper tests (tests/cpp)"
run "$cxx" -std=c++17 "${warnings[@]}" -g -pthread -I include tests/cpp/test_cpp.cpp "${link[@]}" "${crypto_link[@]}" -o "$out/test_cpp"
run "$out/test_cpp"
# The FIDO metadata block (0.4), on the test world bindings/python/tests/mds_fixture.py builds.
run "$cxx" -std=c++17 "${warnings[@]}" -g -pthread -I include tests/cpp/test_cpp_metadata.cpp "${link[@]}" -o "$out/test_cpp_metadata"
run "$out/test_cpp_metadata" bindings/python/tests/mds_fixture.py
# The same tests with AddressSanitizer, LeakSanitizer and UBSan in the test program: LSan watches
# every malloc of the process, the library's included, so a handle a wrapper fails to free (or the
# library fails to release) is reported as a leak and fails the step.
if echo 'int main() { return 0; }' | "$cxx" -x c++ -fsanitize=address,undefined - -o /dev/null 2>/dev/null; then
    run "$cxx" -std=c++17 "${warnings[@]}" -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
        -fno-omit-frame-pointer -pthread -I include tests/cpp/test_cpp.cpp "${link[@]}" "${crypto_link[@]}" -o "$out/test_cpp_asan"
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
    # example_c and example_cpp read the sandbox's bootstrap file from DFNS_SANDBOX_BOOTSTRAP.
    for program in test_cpp example_c example_c_verify example_cpp example_cpp_verify; do
        run env LD_LIBRARY_PATH="$vglib" valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect \
            --show-leak-kinds=definite,indirect --error-exitcode=99 "$out/$program"
    done
fi

if command -v clang++ >/dev/null; then
    step "clang++ (syntax and warnings only)"
    for source in examples/cpp/main.cpp examples/cpp/verify.cpp tests/cpp/test_cpp.cpp; do
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
    # The binding from the source tree (bindings/python) ahead of any installed copy. The walkthrough's
    # external signer needs the cryptography package (scripts/test-python.sh installs it for pytest).
    python3 -c 'import cryptography' 2>/dev/null || run python3 -m pip install --quiet cryptography \
        || fail "cannot install the cryptography package the Python example needs"
    pyenv=(env DFNS_BRIDGE_LIBRARY="$lib/libdfns_bridge.so.0" PYTHONPATH="$root/bindings/python${PYTHONPATH:+:$PYTHONPATH}")
    run "${pyenv[@]}" python3 examples/python/example.py "$bootstrap"
    run "${pyenv[@]}" python3 examples/python/verify.py
else
    echo "skipped: examples/python/example.py is not there"
fi

step "examples: all passed"
