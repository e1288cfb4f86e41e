#!/usr/bin/env bash
# The main job of dfns-bridge until the sandbox server exists: build the command-line tool, run the
# third-party WebAuthn conformance vectors through the library, then decode one W3C registration
# vector for a person to read. Exit status: that of the conformance run (0 when no verdict
# contradicts a vector's `expected`). Set DFNS_SHARED_DIR to read the vectors from another folder.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
shared="${DFNS_SHARED_DIR:-$(dirname "$0")/../../shared}"
shared="$(cd "$shared" 2>/dev/null && pwd)" || { echo "run: shared folder not found (set DFNS_SHARED_DIR)" >&2; exit 2; }
cd "$root"

run() { printf '+ %s\n' "$*"; "$@"; }

run bash scripts/setup.sh
run swift build --product dfns-bridge
bin="$(swift build --show-bin-path)"

printf '\n==> conformance\n'
status=0
run "$bin/dfns-bridge" conformance "$shared/vectors/webauthn" || status=$?
[ "$status" -eq 2 ] && exit 2

printf '\n==> inspect: the attestationObject of w3c-reg-packed-es256.json\n'
vector="$shared/vectors/webauthn/w3c-reg-packed-es256.json"
attestation="$(sed -n 's/.*"attestationObject_b64url": *"\([^"]*\)".*/\1/p' "$vector")"
printf '%s\n' "+ $bin/dfns-bridge inspect --rp-id example.org <attestationObject_b64url>"
"$bin/dfns-bridge" inspect --rp-id example.org "$attestation"

exit "$status"
