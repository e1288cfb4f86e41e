#!/usr/bin/env bash
# The Python half of the client benchmark (bench/python_client_bench.py), run on the binding from
# the source tree (bindings/python with build/lib/libdfns_bridge.so.0): user-action challenge
# signing through Signer.sign_challenge against `cryptography` signing the same clientData bytes
# (P-256 and Ed25519; target >= 0.80 of raw), and a full signed request (POST /keys/{id}/signatures,
# a Hash) through Client.request against the same request made with httpx + cryptography in Python
# alone (init, sign, POST /auth/action, request with X-DFNS-USERACTION), both against a dfns-sandbox
# this script starts on loopback (in memory; stopped on exit). It is a benchmark, not a test:
# numbers depend on the machine and on what else runs on it.
#
#   scripts/bench-python-client.sh [seconds-per-case (default 2)] [--rounds N (default 3)] [bench options...]
# About 9 x rounds x seconds + a few s (60 s with the defaults), plus the sandbox build the first time.
# Environment: PYTHON (default python3); DFNS_SANDBOX_CONFIGURATION (release (default) or debug).
# The library must exist (bash scripts/build-shared.sh builds it; this script does so only if it is missing).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="${PYTHON:-python3}"
lib="$root/build/lib/libdfns_bridge.so.0"

if [ ! -e "$lib" ]; then
    bash scripts/build-shared.sh >&2
fi
# The bench's own needs: httpx (the Python-alone baseline's HTTP client) and cryptography.
for module in httpx cryptography; do
    if ! "$python" -c "import $module" >/dev/null 2>&1; then
        "$python" -m pip install --quiet "$module" >&2 || { echo "bench-python-client: cannot install $module" >&2; exit 1; }
    fi
done

# shellcheck source=scripts/lib/sandbox.sh
source "$root/scripts/lib/sandbox.sh"
sandbox_start "${DFNS_SANDBOX_CONFIGURATION:-release}" >&2

echo "cores: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
status=0
DFNS_BRIDGE_LIBRARY="$lib" PYTHONPATH="$root/bindings/python${PYTHONPATH:+:$PYTHONPATH}" \
    "$python" "$root/bench/python_client_bench.py" --bootstrap "$DFNS_SANDBOX_BOOTSTRAP" "$@" || status=$?
exit "$status"
