#!/usr/bin/env bash
# Tests the Python binding (bindings/python):
#   1. builds build/lib/libdfns_bridge.so.0 if it is missing (scripts/build-shared.sh);
#   2. runs pytest on bindings/python/tests with DFNS_BRIDGE_LIBRARY set (the shared conformance
#      vectors are read from ../shared beside the repository; DFNS_SHARED_DIR overrides);
#   3. builds the wheel (py3-none-<platform>, carrying libdfns_bridge.so.0) with
#      `pip wheel --no-build-isolation` in a build venv (installs setuptools>=70.1 from PyPI into it
#      only when its setuptools cannot build wheels);
#   4. installs the wheel into a fresh venv (offline: --no-index) and runs examples/python/example.py
#      from another directory with that venv's python and without DFNS_BRIDGE_LIBRARY, to prove the
#      wheel carries the library.
# Exits non-zero if any step fails (every step runs; the summary names the failures).
#
#   scripts/test-python.sh [pytest arguments...]      e.g. scripts/test-python.sh -x -k conformance
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="${PYTHON:-python3}"
lib="$root/build/lib/libdfns_bridge.so.0"
out="$root/build/python"
failures=()

step() { printf '\n==> %s\n' "$*"; }
fail() { echo "test-python: FAILED: $*" >&2; failures+=("$*"); }

step "shared library"
if [ ! -e "$lib" ]; then
    bash scripts/build-shared.sh || { echo "test-python: scripts/build-shared.sh failed" >&2; exit 1; }
fi
[ -e "$lib" ] || { echo "test-python: $lib missing after build-shared.sh" >&2; exit 1; }
echo "$lib -> $(readlink -f "$lib")"

step "pytest"
if ! "$python" -m pytest --version >/dev/null 2>&1; then
    "$python" -m pip install --quiet pytest || { echo "test-python: cannot install pytest" >&2; exit 1; }
fi
mkdir -p "$out"
DFNS_BRIDGE_LIBRARY="$lib" "$python" -m pytest bindings/python/tests -ra -p no:cacheprovider "$@" 2>&1 \
    | tee "$out/pytest.log"
status=${PIPESTATUS[0]}
[ "$status" -eq 0 ] || fail "pytest (exit $status)"

step "wheel"
build_venv="$out/build-venv"
if [ ! -x "$build_venv/bin/python" ]; then
    "$python" -m venv "$build_venv" || { fail "python -m venv $build_venv"; }
fi
if ! "$build_venv/bin/python" -c 'import setuptools.command.bdist_wheel' 2>/dev/null \
   && ! "$build_venv/bin/python" -c 'import wheel.bdist_wheel' 2>/dev/null; then
    "$build_venv/bin/python" -m pip install --quiet --disable-pip-version-check 'setuptools>=70.1' \
        || fail "installing setuptools>=70.1 into the build venv"
fi
rm -rf "$out/dist"
wheel=""
if DFNS_BRIDGE_LIBRARY="$lib" "$build_venv/bin/python" -m pip wheel --quiet --disable-pip-version-check \
        --no-build-isolation --no-deps -w "$out/dist" ./bindings/python; then
    wheel="$(ls "$out"/dist/dfns_bridge-*.whl 2>/dev/null | head -n 1)"
    [ -n "$wheel" ] || fail "no wheel in $out/dist"
else
    fail "pip wheel"
fi
if [ -n "$wheel" ]; then
    echo "$(basename "$wheel") ($(du -h "$wheel" | cut -f1))"
    "$python" - "$wheel" <<'EOF' || fail "wheel contents"
import sys, zipfile
path = sys.argv[1]
with zipfile.ZipFile(path) as z:
    names = z.namelist()
    wheel_meta = next(z.read(n).decode() for n in names if n.endswith(".dist-info/WHEEL"))
assert "dfns_bridge/libdfns_bridge.so.0" in names, "the wheel lacks dfns_bridge/libdfns_bridge.so.0"
assert "dfns_bridge/py.typed" in names
assert "Root-Is-Purelib: false" in wheel_meta, wheel_meta
tags = [line.split(": ", 1)[1] for line in wheel_meta.splitlines() if line.startswith("Tag: ")]
assert tags and all(t.startswith("py3-none-") for t in tags), tags
print("wheel carries the library; tags:", ", ".join(tags))
EOF
fi

step "clean venv + example"
venv="$out/venv"
if [ -n "$wheel" ]; then
    rm -rf "$venv"
    if "$python" -m venv "$venv" \
        && "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-index --no-deps "$wheel"; then
        elsewhere="$(mktemp -d)"
        if output="$(cd "$elsewhere" && env -u DFNS_BRIDGE_LIBRARY -u PYTHONPATH -u LD_LIBRARY_PATH \
                "$venv/bin/python" "$root/examples/python/example.py" 2>&1)"; then
            echo "$output"
            site="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["platlib"])')"
            echo "$output" | grep -q "^library: $site/dfns_bridge/libdfns_bridge.so.0 " \
                || fail "the example did not load the library shipped in the wheel"
        else
            echo "$output"
            fail "examples/python/example.py in the clean venv"
        fi
        rm -rf "$elsewhere"
    else
        fail "creating the clean venv / installing the wheel"
    fi
else
    fail "no wheel to install"
fi

step "summary"
summary="$(grep -E '^=+ .*(passed|failed|error|skipped).* in [0-9.]+s' "$out/pytest.log" 2>/dev/null | tail -n 1)"
passed="$(echo "$summary" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' || true)"
failed="$(echo "$summary" | grep -oE '[0-9]+ (failed|errors?)' | awk '{s += $1} END {print s + 0}')"
skipped="$(echo "$summary" | grep -oE '[0-9]+ skipped' | grep -oE '[0-9]+' || true)"
echo "pytest: ${summary:-no summary line}"
if [ -n "$wheel" ]; then echo "wheel: $(basename "$wheel")"; else echo "wheel: none"; fi
if [ ${#failures[@]} -gt 0 ]; then
    printf 'test-python: %d step(s) failed:\n' "${#failures[@]}" >&2
    printf '  - %s\n' "${failures[@]}" >&2
    echo "python: ${passed:-0} passed, $(( ${failed:-0} > 0 ? ${failed:-0} : 1 )) failed, ${skipped:-0} skipped"
    exit 1
fi
echo "test-python: all steps passed"
echo "python: ${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
