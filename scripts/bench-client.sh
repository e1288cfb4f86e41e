#!/usr/bin/env bash
# Builds dfns-client-bench in release and runs it: the Dfns client's hot paths against the same
# cryptography called directly, in the same run, with ratios and a verdict per target (>= 0.90):
#   - user-action challenge signing with a Key credential (P-256, Ed25519, secp256k1, RSA-2048):
#     clientData build, hash, sign, base64url, the POST /auth/action body; raw = OpenSSL
#     EVP_DigestSign (libsecp256k1 for secp256k1) over the same clientData bytes;
#   - webhook verification of a 2 KiB event; raw = HMAC-SHA256 and a constant-time comparison;
#   - a returned secp256k1 signature checked by public-key recovery; raw = libsecp256k1 recover.
#
# Usage: scripts/bench-client.sh [seconds-per-case (1)] [rounds (3)] [--breakdown]
# It is a benchmark, not a test: numbers depend on the machine and on what else runs on it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
scratch="$root/.build-bench"
swift build -c release --package-path "$root" --scratch-path "$scratch" --product dfns-client-bench >&2
bin="$(swift build -c release --package-path "$root" --scratch-path "$scratch" --show-bin-path)"
echo "cores: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
exec "$bin/dfns-client-bench" "$@"
