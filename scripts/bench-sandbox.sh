#!/usr/bin/env bash
# Load benchmark of the sandbox (not a test): dfns-sandbox-bench with N concurrent clients doing
# full user-action round trips against a dfns-sandbox process, beside the crypto alone measured in
# the same run. Usage: scripts/bench-sandbox.sh [clients (4)] [actions (10000)]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/sandbox"
bash "$root/scripts/setup.sh" >/dev/null
swift build -c release --product dfns-sandbox
swift build -c release --product dfns-sandbox-bench
bin="$(swift build -c release --show-bin-path)"
"$bin/dfns-sandbox-bench" --clients "${1:-4}" --actions "${2:-10000}"
