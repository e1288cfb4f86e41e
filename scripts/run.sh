#!/usr/bin/env bash
# The main job of dfns-bridge: Delegated Signing from end to end on this machine.
#   1. builds the CLI (whose `device` command plays the end user's phones) and the sandbox package;
#   2. starts dfns-sandbox on a free loopback port with a SQLite file and a bootstrap file;
#   3. runs dfns-walkthrough: registration with a passkey made on "device A" (another process) and
#      a recovery code, delegated login, a wallet delegated to the user that the service account
#      cannot sign for, Hash signatures whose challenges devices sign in other processes, verified
#      locally with libsecp256k1, a second device added with device A's approval, recovery after
#      both devices are lost, the webhooks received verified, the audit chain verified;
#   4. stops the sandbox and checks the audit chain of its database file with `dfns-sandbox audit verify`.
# Exit status 0 only when every check passed. The work files are left in build/walkthrough.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

run() { printf '+ %s\n' "$*"; "$@"; }

run bash scripts/setup.sh
run swift build --product dfns-bridge
tool="$(swift build --show-bin-path)/dfns-bridge"
(cd sandbox && run swift build)
sandbox_bin="$(cd sandbox && swift build --show-bin-path)"

work="$root/build/walkthrough"
rm -rf "$work"
mkdir -p "$work"
db="$work/sandbox.sqlite"
bootstrap="$work/bootstrap.json"

printf '\n==> dfns-sandbox\n'
"$sandbox_bin/dfns-sandbox" --db "$db" --bootstrap-file "$bootstrap" --port 0 --log-level warning > "$work/sandbox.log" 2>&1 &
sandbox_pid=$!
stop_sandbox() { kill "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null || true; }
trap stop_sandbox EXIT
for _ in $(seq 1 300); do
  [ -s "$bootstrap" ] && break
  kill -0 "$sandbox_pid" 2>/dev/null || { cat "$work/sandbox.log" >&2; echo "run: dfns-sandbox exited" >&2; exit 1; }
  sleep 0.1
done
[ -s "$bootstrap" ] || { cat "$work/sandbox.log" >&2; echo "run: dfns-sandbox did not write $bootstrap" >&2; exit 1; }
cat "$work/sandbox.log"

printf '\n==> dfns-walkthrough\n'
status=0
"$sandbox_bin/dfns-walkthrough" --bootstrap-file "$bootstrap" --device-tool "$tool" --work-dir "$work" || status=$?

stop_sandbox
trap - EXIT
printf '\n==> dfns-sandbox audit verify --db %s\n' "$db"
"$sandbox_bin/dfns-sandbox" audit verify --db "$db" || status=1
exit "$status"
