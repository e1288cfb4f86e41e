#!/usr/bin/env bash
# Checks that the shared library exports exactly the functions include/dfns_bridge.h declares:
# every dfns_* declaration is exported, and nothing else is (no Swift symbols, no C helpers, no
# runtime), apart from the symbol version node of dfns_bridge.map.
#
#   scripts/check-exports.sh [path/to/libdfns_bridge.so]   (default: build/lib/libdfns_bridge.so)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
library="${1:-$root/build/lib/libdfns_bridge.so}"
header="$root/include/dfns_bridge.h"
if [ ! -f "$library" ]; then
    echo "check-exports.sh: $library does not exist (run scripts/build-shared.sh)" >&2
    exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Declared: names followed by "(" outside comments, i.e. the function declarations.
sed -e 's://.*$::' "$header" | perl -0777 -pe 's{/\*.*?\*/}{}gs' \
    | grep -oE '\bdfns_[a-z0-9_]+[[:space:]]*\(' | sed -E 's/[[:space:]]*\($//' | sort -u > "$work/declared"

# Exported: defined dynamic symbols with GLOBAL or WEAK binding (gold leaves a few LOCAL entries
# in .dynsym, shown by nm in lower case; they are not exported). The version node (an ABS
# symbol named like DFNS_BRIDGE_0) is allowed.
nm -D --defined-only "$library" | awk '$2 ~ /^[A-Z]$/ { sub(/@.*/, "", $3); print $3 }' | sort -u > "$work/all"
version_nodes=$(grep -oE '^[[:space:]]*[A-Z][A-Z0-9_.]*[[:space:]]*\{' "$root/dfns_bridge.map" | tr -d '{ \t' | sort -u)
grep -vxF -f <(printf '%s\n' $version_nodes) "$work/all" > "$work/exported" || true

status=0
missing=$(comm -23 "$work/declared" "$work/exported")
extra=$(comm -13 "$work/declared" "$work/exported")
if [ -n "$missing" ]; then
    echo "declared in dfns_bridge.h but not exported ($(wc -l <<<"$missing")):"
    sed 's/^/  /' <<<"$missing"
    status=1
fi
if [ -n "$extra" ]; then
    echo "exported but not declared in dfns_bridge.h ($(wc -l <<<"$extra")):"
    sed 's/^/  /' <<<"$extra" | head -50
    [ "$(wc -l <<<"$extra")" -gt 50 ] && echo "  ..."
    status=1
fi
# Every exported function must carry the version node (the ABI promise of dfns_bridge.map).
unversioned=$(nm -D --defined-only "$library" | awk '$2 ~ /^[A-Z]$/ && $3 ~ /^dfns_/ && $3 !~ /@/ { print $3 }')
if [ -n "$unversioned" ]; then
    echo "exported without a symbol version:"
    sed 's/^/  /' <<<"$unversioned"
    status=1
fi
if [ "$status" -ne 0 ]; then
    echo "exports FAILED: $library"
    exit 1
fi
echo "exports OK: $(wc -l < "$work/declared") symbols"
