#!/usr/bin/env bash
# Builds libdfns_bridge.so, the C library of include/dfns_bridge.h, for hosts without a Swift
# toolchain: Swift runtime linked statically, only dfns_* exported (dfns_bridge.map), soname
# libdfns_bridge.so.0. DFNS_BRIDGE_SHARED=1 turns those linker flags on in Package.swift; the
# separate scratch path keeps them out of the normal .build.
#
# Result: build/lib/libdfns_bridge.so.0.4.0, with the links libdfns_bridge.so.0 and
# libdfns_bridge.so next to it (C tests, CMake and Python use build/lib). Nothing is stripped
# unless --strip is given. Prints the path of the library.
#
#   scripts/build-shared.sh [--strip] [-c release|debug]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
configuration=release
strip=0
while [ $# -gt 0 ]; do
    case "$1" in
        --strip) strip=1 ;;
        -c) shift; configuration="${1:?-c needs release or debug}" ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "build-shared.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done

# The version comes from the header, the single source of truth.
header="$root/include/dfns_bridge.h"
major=$(sed -n 's/^#define DFNS_BRIDGE_VERSION_MAJOR \([0-9][0-9]*\).*/\1/p' "$header")
minor=$(sed -n 's/^#define DFNS_BRIDGE_VERSION_MINOR \([0-9][0-9]*\).*/\1/p' "$header")
patch=$(sed -n 's/^#define DFNS_BRIDGE_VERSION_PATCH \([0-9][0-9]*\).*/\1/p' "$header")
if [ -z "$major" ] || [ -z "$minor" ] || [ -z "$patch" ]; then
    echo "build-shared.sh: cannot read DFNS_BRIDGE_VERSION_* from $header" >&2
    exit 1
fi

# The linker flags (static Swift runtime, version script, soname, -z defs/nodelete, the Foundation
# archives swift-asn1 needs) live in Package.swift's sharedLibraryFlags, enabled by DFNS_BRIDGE_SHARED=1.
scratch="$root/.build-shared"
cd "$root"
DFNS_BRIDGE_SHARED=1 swift build -c "$configuration" --product dfns_bridge --scratch-path "$scratch" >&2
built="$(DFNS_BRIDGE_SHARED=1 swift build -c "$configuration" --product dfns_bridge --scratch-path "$scratch" --show-bin-path)/libdfns_bridge.so"
if [ ! -f "$built" ]; then
    echo "build-shared.sh: $built was not built" >&2
    exit 1
fi

lib="$root/build/lib"
name="libdfns_bridge.so.$major.$minor.$patch"
mkdir -p "$lib"
# Copy to a temporary name and rename, so a process loading the library never sees half a file.
cp "$built" "$lib/.$name.tmp"
if [ "$strip" = 1 ]; then
    strip --strip-unneeded "$lib/.$name.tmp"
fi
mv -f "$lib/.$name.tmp" "$lib/$name"
ln -sfn "$name" "$lib/libdfns_bridge.so.$major"
ln -sfn "libdfns_bridge.so.$major" "$lib/libdfns_bridge.so"
echo "$lib/$name"
