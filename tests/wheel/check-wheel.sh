#!/usr/bin/env bash
# Checks that a repaired dfns-bridge wheel is self-contained (issue 9, "The wheel is self-contained"):
#   1. installs it into a fresh venv, offline (pip --no-index --no-deps), and beside it the one
#      package the walkthrough example needs, `cryptography` (its HSM stand-in), also offline
#      (--no-index) from wheels downloaded once into build/python/deps (`pip download`, which needs
#      PyPI only when the directory lacks them);
#   2. libraries: `auditwheel show --json` (the build venv's auditwheel, from scripts/build-wheel.sh)
#      must find no external library, i.e. every library any ELF file of the wheel needs is in the
#      wheel or on the manylinux whitelist of its tag; then tests/wheel/ldd_check.py asks the real
#      loader, in the installed venv: nothing "not found", every library the wheel carries resolved
#      to its own copy, libcbor and libsecp256k1 (and libcurl, libcrypto, libssl whenever the
#      library needs them) from the wheel;
#   3. starts a dfns-sandbox (scripts/lib/sandbox.sh: `swift build` of sandbox/ in debug, the build
#      scripts/test.sh reuses; in memory on loopback; stopped when this script exits) and runs
#      examples/python/example.py (the Delegated Signing walkthrough against it: the library's
#      libcurl, a host transport, an external signer on `cryptography`), examples/python/verify.py
#      and tests/wheel/verify_installed.py (the verification paths through the grafted OpenSSL,
#      libsecp256k1 and libcbor, with the host's OpenSSL loaded by Python too; what /proc/self/maps
#      shows was mapped) with that venv's python, from another directory, without
#      DFNS_BRIDGE_LIBRARY, PYTHONPATH or LD_LIBRARY_PATH;
#   4. "bare host": in a private mount namespace (unshare; needs root) the system copies of every
#      grafted library and OpenSSL's compiled-in config/modules directories are hidden, the controls
#      must fail (system libcbor and the unrepaired build/lib library no longer load) and steps 2-3
#      must still pass, the walkthrough against the same sandbox included (tests/wheel/in-bare-host.sh).
#
#   tests/wheel/check-wheel.sh [WHEEL]     default: the wheel in build/python/wheelhouse
#
# Environment: PYTHON (the interpreter for the venv, default python3); DFNS_WHEEL_DEPS (the directory
# of downloaded wheels, default build/python/deps); DFNS_WHEEL_BARE_HOST=auto
# (default: run step 4 when root and unshare work, else say why it is skipped), 1 (required), 0 (skip).
# Exits non-zero, naming the failed check, if any check fails.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python="${PYTHON:-python3}"
out="$root/build/python/wheel-check"
venv="$out/venv"
deps="${DFNS_WHEEL_DEPS:-$root/build/python/deps}"
examples="$root/examples/python"
bare="${DFNS_WHEEL_BARE_HOST:-auto}"

step() { printf '\n--> check-wheel: %s\n' "$*"; }
die() { printf 'check-wheel: FAILED: %s\n' "$*" >&2; exit 1; }

if [ $# -gt 1 ]; then die "usage: tests/wheel/check-wheel.sh [WHEEL]"; fi
if [ $# -eq 1 ]; then
    wheel="$1"
else
    shopt -s nullglob
    found=("$root"/build/python/wheelhouse/dfns_bridge-*.whl)
    shopt -u nullglob
    [ ${#found[@]} -eq 1 ] || die "expected one wheel in build/python/wheelhouse (found ${#found[@]}): run scripts/build-wheel.sh or pass the wheel"
    wheel="${found[0]}"
fi
[ -f "$wheel" ] || die "$wheel is not a file"
wheel="$(readlink -f "$wheel")"
case "$(basename "$wheel")" in
    *-manylinux_*.whl|*-manylinux[12]*.whl) ;;
    *) die "$(basename "$wheel") is not a repaired (manylinux) wheel: run scripts/build-wheel.sh" ;;
esac

step "install $(basename "$wheel") into a fresh venv (offline)"
rm -rf "$out"
mkdir -p "$out"
"$python" -m venv "$venv" || die "$python -m venv $venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-index --no-deps "$wheel" \
    || die "pip install --no-index $wheel"
site="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["platlib"])')"
so="$site/dfns_bridge/libdfns_bridge.so.0"
[ -f "$so" ] || die "the installed wheel has no $so"
libs_dir="$site/dfns_bridge.libs"
[ -d "$libs_dir" ] || die "the installed wheel has no $libs_dir (grafted libraries): was it repaired by auditwheel?"
echo "installed: $so"
echo "grafted:   $libs_dir ($(ls "$libs_dir" | wc -l) libraries, $(du -sh "$libs_dir" | cut -f1))"

step "the example's dependency: cryptography, offline from $deps"
# Downloaded (binary wheels for this interpreter, with their own dependencies) only when the
# directory cannot satisfy it yet; the install itself never reaches an index.
offline=("$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-index --find-links "$deps" cryptography)
if ! "${offline[@]}" 2>/dev/null; then
    mkdir -p "$deps"
    "$venv/bin/python" -m pip download --quiet --disable-pip-version-check --only-binary=:all: --dest "$deps" cryptography \
        || die "pip download cryptography into $deps (PyPI unreachable? put the wheels there by hand)"
    "${offline[@]}" || die "pip install --no-index --find-links $deps cryptography"
fi
"$venv/bin/python" -m pip list --disable-pip-version-check --format=freeze 2>/dev/null | tr '\n' ' '; echo

step "libraries: every one from the wheel or the manylinux base system"
build_venv="$root/build/python/build-venv"
[ -x "$build_venv/bin/auditwheel" ] || die "no auditwheel in $build_venv: run scripts/build-wheel.sh first"
"$build_venv/bin/auditwheel" show --json "$wheel" >"$out/auditwheel-show.json" 2>"$out/auditwheel-show.log" \
    || { cat "$out/auditwheel-show.log" >&2; die "auditwheel show $wheel"; }
"$build_venv/bin/python" - "$out/auditwheel-show.json" <<'EOF' || die "auditwheel show: the wheel needs libraries it does not carry"
import json, sys
report = json.load(open(sys.argv[1]))
external = report["external_libs"]  # soname -> the path it resolved to outside the wheel
if external:
    sys.exit("check-wheel: libraries neither in the wheel nor on the manylinux whitelist: "
             + ", ".join(f"{name} ({path})" for name, path in sorted(external.items())))
print(f"auditwheel show: no external library; consistent with {report['overall_tag']}")
EOF
env -u LD_LIBRARY_PATH -u LD_PRELOAD "$venv/bin/python" "$here/ldd_check.py" \
    || die "ldd check of $so (see the FAIL lines above: which library, and where it resolved)"

step "a dfns-sandbox for the walkthrough (scripts/lib/sandbox.sh)"
# shellcheck source=../../scripts/lib/sandbox.sh
source "$root/scripts/lib/sandbox.sh"
sandbox_start || die "the sandbox did not start (scripts/lib/sandbox.sh)"
elsewhere="$(mktemp -d)"
# sandbox_start's EXIT trap (sandbox_stop) replaced any other: one trap for both, with the exit status kept.
cleanup() { sandbox_stop; local status=$?; rm -rf "$elsewhere"; return "$status"; }
trap cleanup EXIT
bootstrap="$DFNS_SANDBOX_BOOTSTRAP"

step "examples and verification from the installed wheel (another directory, no DFNS_BRIDGE_LIBRARY)"
run() { (cd "$elsewhere" && env -u DFNS_BRIDGE_LIBRARY -u PYTHONPATH -u LD_LIBRARY_PATH -u LD_PRELOAD "$@"); }
for example in example.py verify.py; do
    args=()
    [ "$example" = example.py ] && args=("$bootstrap")
    output="$(run "$venv/bin/python" "$examples/$example" "${args[@]}" 2>&1)" \
        || { echo "$output"; die "examples/python/$example with $venv/bin/python"; }
    echo "$output"
    echo "$output" | grep -q "^library: $site/dfns_bridge/libdfns_bridge.so.0 " \
        || die "examples/python/$example did not load the library shipped in the wheel ($so)"
done
run "$venv/bin/python" "$here/verify_installed.py" --with-host-openssl \
    || die "tests/wheel/verify_installed.py with $venv/bin/python"

step "bare host: the system copies of the grafted libraries hidden (mount namespace)"
skip=""
if [ "$bare" = 0 ]; then
    skip="DFNS_WHEEL_BARE_HOST=0"
elif [ "$(id -u)" -ne 0 ]; then
    skip="not root (bind mounts over system files need root)"
elif ! command -v unshare >/dev/null 2>&1; then
    skip="unshare (util-linux) is not installed"
elif ! unshare --mount --propagation private true 2>/dev/null; then
    skip="unshare --mount is not permitted here (no CAP_SYS_ADMIN, e.g. an unprivileged container)"
fi
if [ -n "$skip" ]; then
    [ "$bare" = 1 ] && die "DFNS_WHEEL_BARE_HOST=1 but the bare-host check cannot run: $skip"
    echo "SKIPPED the bare-host check: $skip"
else
    "$venv/bin/python" "$here/hide_list.py" "$libs_dir" >"$out/hide-list.txt" || die "tests/wheel/hide_list.py"
    grep '^keep ' "$out/hide-list.txt" || true
    grep -q '^hide .*/libcbor\.so' "$out/hide-list.txt" || die "no system libcbor found to hide: is libcbor installed on this machine? (the check needs it present to prove the wheel does not use it)"
    unrepaired="$root/build/lib/libdfns_bridge.so.0"
    [ -f "$unrepaired" ] || unrepaired=""
    unshare --mount --propagation private -- \
        bash "$here/in-bare-host.sh" "$venv/bin/python" "$out/hide-list.txt" "$examples" "$bootstrap" "$unrepaired" \
        || die "the bare-host check (tests/wheel/in-bare-host.sh)"
fi

step "the wheel is self-contained: $(basename "$wheel") ($(du -h "$wheel" | cut -f1))"
