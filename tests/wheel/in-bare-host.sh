#!/usr/bin/env bash
# Runs inside a private mount namespace made by check-wheel.sh (`unshare --mount --propagation
# private`), so nothing it mounts is seen outside it and everything disappears when it exits.
# Imitates a bare Python host:
#   - every file of HIDE_LIST marked "hide" (the system copies of the libraries the wheel grafted) gets
#     /dev/null bind-mounted over it: opening it gives "file too short", as if the library were absent;
#   - OpenSSL's compiled-in OPENSSLDIR and MODULESDIR (openssl.cnf, the CA store, the legacy/fips
#     provider modules of the Debian build) are covered with empty tmpfs mounts;
# then checks that the controls fail (the system libcbor and the unrepaired library no longer load)
# and that the installed wheel still works: the ldd check, the examples (example.py, the Delegated
# Signing walkthrough against the sandbox check-wheel.sh started: the namespace shares the host's
# network, so its loopback port is reachable; verify.py) and the verification script.
#
#   in-bare-host.sh VENV_PYTHON HIDE_LIST EXAMPLES_DIR BOOTSTRAP_FILE [UNREPAIRED_LIBRARY]
set -euo pipefail

py="$1"
hide_list="$2"
examples="$3"
bootstrap="$4"
unrepaired="${5:-}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

die() { printf 'check-wheel (bare host): FAILED: %s\n' "$*" >&2; exit 1; }

hidden=0
while read -r action path _; do
    [ "$action" = hide ] || continue
    mount --bind /dev/null "$path" || die "cannot bind-mount /dev/null over $path"
    hidden=$((hidden + 1))
done <"$hide_list"
echo "hidden: $hidden system libraries (/dev/null bind-mounted over each)"

# The grafted libcrypto's compiled-in directories (Debian's: /usr/lib/ssl and .../ossl-modules).
libs_dir="$("$py" -c 'import os, sysconfig; print(os.path.join(sysconfig.get_paths()["platlib"], "dfns_bridge.libs"))')"
crypto="$(ls "$libs_dir"/libcrypto-*.so* 2>/dev/null | head -n 1 || true)"
if [ -n "$crypto" ]; then
    dirs="$("$py" - "$crypto" <<'EOF'
import ctypes, sys
lib = ctypes.CDLL(sys.argv[1])
lib.OPENSSL_info.restype = ctypes.c_char_p
lib.OPENSSL_info.argtypes = [ctypes.c_int]
for code in (1001, 1003):  # OPENSSL_INFO_CONFIG_DIR, OPENSSL_INFO_MODULES_DIR
    value = lib.OPENSSL_info(code)
    if value:
        print(value.decode())
EOF
)" || die "cannot ask the grafted libcrypto $crypto for its directories"
    for d in $dirs; do
        if [ -d "$d" ]; then
            mount -t tmpfs -o size=1m,mode=0755 none "$d" || die "cannot mount an empty tmpfs over $d"
            echo "hidden: OpenSSL directory $d (empty tmpfs)"
        fi
    done
fi

# Controls: the hiding works, and without the wheel's grafted copies the library would not load.
while read -r action path _; do
    [ "$action" = hide ] || continue
    case "$(basename "$path")" in libcbor.so*|libsecp256k1.so*|libcurl.so*) ;; *) continue ;; esac
    if msg="$("$py" -c 'import ctypes, sys; ctypes.CDLL(sys.argv[1])' "$path" 2>&1)"; then
        die "control: the hidden $path still loads"
    fi
    echo "control: system $(basename "$path") no longer loads ($(echo "$msg" | tail -n 1 | sed 's/^OSError: //'))"
done <"$hide_list"
if [ -n "$unrepaired" ] && [ -f "$unrepaired" ]; then
    if msg="$(env -u LD_LIBRARY_PATH "$py" -c 'import ctypes, sys; ctypes.CDLL(sys.argv[1])' "$unrepaired" 2>&1)"; then
        die "control: the unrepaired $unrepaired loads without the hidden libraries: the hiding proves nothing"
    fi
    echo "control: the unrepaired $(basename "$unrepaired") does not load here ($(echo "$msg" | tail -n 1 | sed 's/^OSError: //'))"
fi

elsewhere="$(mktemp -d)"
trap 'rm -rf "$elsewhere"' EXIT
cd "$elsewhere"
run() { env -u DFNS_BRIDGE_LIBRARY -u PYTHONPATH -u LD_LIBRARY_PATH -u LD_PRELOAD -u OPENSSL_CONF -u OPENSSL_MODULES "$@"; }
run "$py" "$here/ldd_check.py" >"$elsewhere/ldd.log" 2>&1 || { cat "$elsewhere/ldd.log"; die "the ldd check on the bare host"; }
tail -n 1 "$elsewhere/ldd.log"
run "$py" "$examples/example.py" "$bootstrap" || die "examples/python/example.py (the walkthrough) on the bare host"
run "$py" "$examples/verify.py" || die "examples/python/verify.py on the bare host"
run "$py" "$here/verify_installed.py" || die "tests/wheel/verify_installed.py on the bare host"
