#!/usr/bin/env bash
# Checks that a repaired dfns-bridge wheel is self-contained (issue 9, "The wheel is self-contained"):
#   1. installs it into a fresh venv, offline (pip --no-index --no-deps);
#   2. libraries: `auditwheel show --json` (the build venv's auditwheel, from scripts/build-wheel.sh)
#      must find no external library, i.e. every library any ELF file of the wheel needs is in the
#      wheel or on the manylinux whitelist of its tag; then tests/wheel/ldd_check.py asks the real
#      loader, in the installed venv: nothing "not found", every library the wheel carries resolved
#      to its own copy, libcbor and libsecp256k1 (and libcurl, libcrypto, libssl whenever the
#      library needs them) from the wheel;
#   3. runs examples/python/example.py and tests/wheel/verify_installed.py (the verification paths
#      through the grafted OpenSSL, libsecp256k1 and libcbor, with the host's OpenSSL loaded by Python
#      too; what /proc/self/maps shows was mapped) with that venv's python, from another directory,
#      without DFNS_BRIDGE_LIBRARY, PYTHONPATH or LD_LIBRARY_PATH;
#   4. "bare host": in a private mount namespace (unshare; needs root) the system copies of every
#      grafted library and OpenSSL's compiled-in config/modules directories are hidden, the controls
#      must fail (system libcbor and the unrepaired build/lib library no longer load) and steps 2-3
#      must still pass (tests/wheel/in-bare-host.sh).
#
#   tests/wheel/check-wheel.sh [WHEEL]     default: the wheel in build/python/wheelhouse
#
# Environment: PYTHON (the interpreter for the venv, default python3); DFNS_WHEEL_BARE_HOST=auto
# (default: run step 4 when root and unshare work, else say why it is skipped), 1 (required), 0 (skip).
# Exits non-zero, naming the failed check, if any check fails.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python="${PYTHON:-python3}"
out="$root/build/python/wheel-check"
venv="$out/venv"
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

step "example and verification from the installed wheel (another directory, no DFNS_BRIDGE_LIBRARY)"
elsewhere="$(mktemp -d)"
trap 'rm -rf "$elsewhere"' EXIT
run() { (cd "$elsewhere" && env -u DFNS_BRIDGE_LIBRARY -u PYTHONPATH -u LD_LIBRARY_PATH -u LD_PRELOAD "$@"); }
output="$(run "$venv/bin/python" "$root/examples/python/example.py" 2>&1)" \
    || { echo "$output"; die "examples/python/example.py with $venv/bin/python"; }
echo "$output"
echo "$output" | grep -q "^library: $site/dfns_bridge/libdfns_bridge.so.0 " \
    || die "examples/python/example.py did not load the library shipped in the wheel ($so)"
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
        bash "$here/in-bare-host.sh" "$venv/bin/python" "$out/hide-list.txt" "$root/examples/python/example.py" "$unrepaired" \
        || die "the bare-host check (tests/wheel/in-bare-host.sh)"
fi

step "the wheel is self-contained: $(basename "$wheel") ($(du -h "$wheel" | cut -f1))"
