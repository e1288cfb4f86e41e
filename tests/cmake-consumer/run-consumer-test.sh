#!/usr/bin/env bash
# The install test (CTest: cmake-consumer). Installs the CMake build of dfns-bridge into a fresh
# prefix, checks the installed tree (library with its soname links, headers, dfns_bridge.pc, CMake
# package), then builds tests/cmake-consumer against that prefix in two ways and runs it:
#   1. find_package(DfnsBridge 0.4 CONFIG REQUIRED) with -DCMAKE_PREFIX_PATH=<prefix>
#      (and find_package(DfnsBridge 0.5) must fail: SameMinorVersion);
#   2. cc main.c $(pkg-config --cflags --libs dfns_bridge) with PKG_CONFIG_PATH into the prefix.
# When mount namespaces are available, the consumer also runs with the Swift toolchain hidden.
#
#   tests/cmake-consumer/run-consumer-test.sh <cmake-build-dir> <work-dir> <version>
set -euo pipefail

build="${1:?cmake build directory}"
work="${2:?work directory}"
version="${3:?version, e.g. 0.4.0}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
major="${version%%.*}"
prefix="$work/prefix"
fail() { echo "cmake-consumer: FAIL: $*" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work"
echo "== install into $prefix"
cmake --install "$build" --prefix "$prefix" >"$work/install.log" || { cat "$work/install.log"; fail "cmake --install"; }

# The library directory (lib, or lib/<multiarch> for a /usr prefix configuration).
real="$(cd "$prefix" && find . -name "libdfns_bridge.so.$version" | head -n 1)"
[ -n "$real" ] || fail "libdfns_bridge.so.$version not installed"
libdir="$prefix/$(dirname "${real#./}")"
[ -f "$libdir/libdfns_bridge.so.$version" ] && [ ! -L "$libdir/libdfns_bridge.so.$version" ] || fail "the real library is not a file"
[ -x "$libdir/libdfns_bridge.so.$version" ] || fail "the library is not executable (0755)"
[ "$(readlink "$libdir/libdfns_bridge.so.$major")" = "libdfns_bridge.so.$version" ] || fail "libdfns_bridge.so.$major is not a link to libdfns_bridge.so.$version"
[ "$(readlink "$libdir/libdfns_bridge.so")" = "libdfns_bridge.so.$major" ] || fail "libdfns_bridge.so is not a link to libdfns_bridge.so.$major"
soname="$(readelf -d "$libdir/libdfns_bridge.so.$version" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')"
[ "$soname" = "libdfns_bridge.so.$major" ] || fail "SONAME is '$soname'"
[ -f "$prefix/include/dfns_bridge.h" ] || fail "include/dfns_bridge.h not installed"
if [ -f "$root/include/dfns_bridge.hpp" ]; then
  [ -f "$prefix/include/dfns_bridge.hpp" ] || fail "include/dfns_bridge.hpp not installed"
fi
[ -f "$libdir/pkgconfig/dfns_bridge.pc" ] || fail "pkgconfig/dfns_bridge.pc not installed"
[ -f "$libdir/cmake/DfnsBridge/DfnsBridgeConfig.cmake" ] || fail "DfnsBridgeConfig.cmake not installed"
[ -f "$libdir/cmake/DfnsBridge/DfnsBridgeConfigVersion.cmake" ] || fail "DfnsBridgeConfigVersion.cmake not installed"
(cd "$prefix" && find . \( -type f -o -type l \) | sort | sed 's/^/  /')

echo "== find_package(DfnsBridge) consumer"
cmake -S "$here" -B "$work/consumer-build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release \
  >"$work/consumer-configure.log" 2>&1 || { cat "$work/consumer-configure.log"; fail "configure with find_package"; }
grep -F "DfnsBridge $version from" "$work/consumer-configure.log" || fail "find_package did not report version $version"
cmake --build "$work/consumer-build" >"$work/consumer-build.log" 2>&1 || { cat "$work/consumer-build.log"; fail "build"; }
consumer="$work/consumer-build/consumer"
readelf -d "$consumer" | grep -q "NEEDED.*\[libdfns_bridge.so.$major\]" || fail "consumer does not record NEEDED libdfns_bridge.so.$major"
ldd "$consumer" | grep -F "libdfns_bridge.so.$major => $libdir/" || fail "consumer does not resolve the installed library"
"$consumer"

wrong="$major.$(( $(cut -d. -f2 <<<"$version") + 1 ))"
echo "== find_package(DfnsBridge $wrong) must fail"
if cmake -S "$here" -B "$work/consumer-wrong" -DCMAKE_PREFIX_PATH="$prefix" -DDFNS_BRIDGE_REQUIRED_VERSION="$wrong" \
     >"$work/consumer-wrong.log" 2>&1; then
  fail "find_package(DfnsBridge $wrong) accepted version $version"
fi
grep -q "not compatible\|no usable\|Could not find a configuration file\|requested version" "$work/consumer-wrong.log" \
  || { cat "$work/consumer-wrong.log"; fail "find_package(DfnsBridge $wrong) failed for another reason"; }
echo "find_package(DfnsBridge $wrong) rejected $version (SameMinorVersion)"

echo "== pkg-config consumer"
export PKG_CONFIG_PATH="$libdir/pkgconfig"
[ "$(pkg-config --modversion dfns_bridge)" = "$version" ] || fail "pkg-config --modversion is not $version"
flags="$(pkg-config --cflags --libs dfns_bridge)"
echo "pkg-config --cflags --libs dfns_bridge: $flags"
# shellcheck disable=SC2086
${CC:-cc} -std=c11 -Wall -Wextra -Werror -o "$work/consumer-pkgconfig" "$here/main.c" $flags
readelf -d "$work/consumer-pkgconfig" | grep -q "NEEDED.*\[libdfns_bridge.so.$major\]" || fail "pkg-config consumer does not record NEEDED libdfns_bridge.so.$major"
LD_LIBRARY_PATH="$libdir" "$work/consumer-pkgconfig"

# Without the Swift toolchain: the library carries its runtime (optional; needs mount namespaces).
swift_bin="$(command -v swift || true)"
if [ -n "$swift_bin" ] && unshare -m true 2>/dev/null; then
  toolchain="$(cd "$(dirname "$(readlink -f "$swift_bin")")/../.." && pwd)"
  echo "== consumer with $toolchain hidden"
  unshare -m sh -c 'mount -t tmpfs none "$1" && exec "$2"' sh "$toolchain" "$consumer"
else
  echo "== (mount namespaces unavailable: the toolchain-hidden run is skipped)"
fi
echo "cmake-consumer: OK"
