# shellcheck shell=bash
# Sourced by the scripts that need a running dfns-sandbox (scripts/test-examples.sh,
# tests/wheel/check-wheel.sh, the client benchmarks): builds it, starts it in memory on loopback on a
# free port, waits for its bootstrap file, and stops it.
#
#   source scripts/lib/sandbox.sh
#   sandbox_start [debug|release]   # default debug (the .build that scripts/test.sh's sandbox step reuses)
#   ... "$DFNS_SANDBOX_BOOTSTRAP" is the bootstrap file (JSON: base URL, service-account token, ...)
#   sandbox_stop                    # also run by the EXIT trap sandbox_start installs
#
# sandbox_start sets and exports DFNS_SANDBOX_BOOTSTRAP, and sets sandbox_pid and sandbox_dir. On an
# error exit, sandbox_stop prints the sandbox's log to stderr. The caller's own EXIT trap, if any, is
# replaced: call sandbox_stop from it instead.

sandbox_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
sandbox_pid=""
sandbox_dir=""

# SwiftPM builds of the sandbox: the shared-library flags (DFNS_BRIDGE_SHARED) are for the .so only,
# and CC/CXX name the compilers of the C examples, not the ones SwiftPM uses for C targets.
sandbox_swift() { env -u DFNS_BRIDGE_SHARED -u CC -u CXX swift "$@"; }

sandbox_stop() {
    local status=$?
    if [ -n "$sandbox_pid" ]; then
        # SIGTERM: a graceful shutdown; SIGKILL if it has not ended 10 s later.
        kill "$sandbox_pid" 2>/dev/null || true
        for _ in $(seq 1 100); do
            kill -0 "$sandbox_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$sandbox_pid" 2>/dev/null || true
        wait "$sandbox_pid" 2>/dev/null || true
        sandbox_pid=""
    fi
    if [ -n "$sandbox_dir" ]; then
        if [ "$status" -ne 0 ] && [ -s "$sandbox_dir/sandbox.log" ]; then
            echo "the sandbox's log:" >&2
            cat "$sandbox_dir/sandbox.log" >&2
        fi
        rm -rf "$sandbox_dir"
        sandbox_dir=""
    fi
    return "$status"
}

sandbox_start() {
    local configuration="${1:-debug}" bin
    printf '+ (cd sandbox && swift build -c %s --product dfns-sandbox)\n' "$configuration"
    (cd "$sandbox_root/sandbox" && sandbox_swift build -c "$configuration" --product dfns-sandbox) || return 1
    bin="$(cd "$sandbox_root/sandbox" && sandbox_swift build -c "$configuration" --show-bin-path)/dfns-sandbox"
    sandbox_dir="$(mktemp -d "${TMPDIR:-/tmp}/dfns-sandbox.XXXXXX")"
    DFNS_SANDBOX_BOOTSTRAP="$sandbox_dir/bootstrap.json"
    export DFNS_SANDBOX_BOOTSTRAP
    trap sandbox_stop EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    printf '+ %s --port 0 --bootstrap-file %s --log-level warning &\n' "$bin" "$DFNS_SANDBOX_BOOTSTRAP"
    "$bin" --port 0 --bootstrap-file "$DFNS_SANDBOX_BOOTSTRAP" --log-level warning >"$sandbox_dir/sandbox.log" 2>&1 &
    sandbox_pid=$!
    # The bootstrap file appears, complete (written atomically, mode 0600), once the server listens.
    for _ in $(seq 1 300); do
        [ -s "$DFNS_SANDBOX_BOOTSTRAP" ] && break
        kill -0 "$sandbox_pid" 2>/dev/null || { echo "dfns-sandbox exited before it wrote $DFNS_SANDBOX_BOOTSTRAP" >&2; return 1; }
        sleep 0.1
    done
    [ -s "$DFNS_SANDBOX_BOOTSTRAP" ] || { echo "dfns-sandbox did not write $DFNS_SANDBOX_BOOTSTRAP within 30 s" >&2; return 1; }
    cat "$sandbox_dir/sandbox.log"
}
