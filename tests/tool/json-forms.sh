#!/usr/bin/env bash
# `dfns-bridge verify-json` and `dfns-bridge options` end to end (since 0.4): a passkey created by
# `dfns-bridge device` from options the tool wrote, its registration and assertion assembled as the
# toJSON() documents a browser sends and verified; the refusals (a malformed member, a wrong
# challenge, id differing from rawId) print "error: <code>: <message>" and exit with status 1.
#
#   tests/tool/json-forms.sh path/to/dfns-bridge
#
# Registered with CTest as tool-json-forms (CMakeLists.txt). Exit status 0 when every check passes.
set -euo pipefail

TOOL=${1:?usage: json-forms.sh path/to/dfns-bridge}
TOOL=$(cd "$(dirname "$TOOL")" && pwd)/$(basename "$TOOL")
PYTHON=${PYTHON3:-python3}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
failures=0
pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# A registration made by the library's software authenticator through the C-free path: the
# `device create` subcommand answers a Dfns registration challenge and prints credId, clientData,
# attestationData (base64url), which are exactly the toJSON() fields.
CHALLENGE=$("$PYTHON" -c 'import base64; print(base64.urlsafe_b64encode(b"ch-json-forms-test-0001").decode().rstrip("="))')
cat > challenge.json <<JSON
{"user":{"id":"us-1","name":"alice","displayName":"Alice"},"challenge":"$CHALLENGE","rp":{"id":"example.com","name":"Example"},
 "pubKeyCredParams":[{"type":"public-key","alg":-7}],"attestation":"none","excludeCredentials":[]}
JSON

if "$TOOL" options --dfns-registration challenge.json --rp-id example.com > options.json 2> err.txt \
   && "$PYTHON" -c 'import json,sys; o=json.load(open("options.json")); assert o["challenge"]==sys.argv[1] and o["rp"]=={"id":"example.com","name":"Example"}, o' "$CHALLENGE"; then
    pass "options --dfns-registration"
else
    fail "options --dfns-registration: $(cat err.txt)"
fi

if "$TOOL" device create --state phone.json --rp-id example.com --origin https://example.com --challenge-file challenge.json > created.json 2> err.txt; then
    pass "device create"
else
    fail "device create: $(cat err.txt)"; exit 1
fi
"$PYTHON" - <<'PY'
import json
c = json.load(open("created.json"))
info = c.get("credentialInfo", c)
doc = {"id": info["credId"], "rawId": info["credId"], "type": "public-key",
       "response": {"clientDataJSON": info["clientData"], "attestationObject": info["attestationData"], "transports": ["internal"]},
       "clientExtensionResults": {"credProps": {"rk": True}}}
json.dump(doc, open("registration.json", "w"))
bad = json.loads(json.dumps(doc)); bad["response"]["attestationObject"] = "o2N+"
json.dump(bad, open("bad-encoding.json", "w"))
other = json.loads(json.dumps(doc)); other["id"] = "AAAA"
json.dump(other, open("id-mismatch.json", "w"))
PY

if "$TOOL" verify-json --registration registration.json --rp-id example.com --origin https://example.com --challenge "$CHALLENGE" > result.json 2> err.txt \
   && "$PYTHON" -c 'import json; r=json.load(open("result.json")); assert r["ceremony"]=="registration" and r["transports"]==["internal"] and r["clientExtensionResults"]=={"credProps":{"rk":True}}, r'; then
    pass "verify-json --registration"
else
    fail "verify-json --registration: $(cat err.txt)"
fi

expect_failure() {  # NAME PATTERN COMMAND...
    local name=$1 pattern=$2; shift 2
    if "$@" > out.txt 2> err.txt; then fail "$name: succeeded"; return; fi
    if [ -s out.txt ]; then fail "$name: printed on stdout"; return; fi
    if grep -q -- "$pattern" err.txt; then pass "$name"; else fail "$name: stderr is $(cat err.txt)"; fi
}
expect_failure "bad base64url is named" "error: malformed_credential_json: response.attestationObject is not base64url" \
    "$TOOL" verify-json --registration bad-encoding.json --rp-id example.com --origin https://example.com --challenge "$CHALLENGE"
expect_failure "id must equal rawId" "error: malformed_credential_json: id names" \
    "$TOOL" verify-json --registration id-mismatch.json --rp-id example.com --origin https://example.com --challenge "$CHALLENGE"
expect_failure "wrong challenge" "error: challenge_mismatch: " \
    "$TOOL" verify-json --registration registration.json --rp-id example.com --origin https://example.com --challenge AAAAAAAA
expect_failure "assertion without a key" "error: invalid_argument: an assertion needs --public-key" \
    "$TOOL" verify-json --assertion registration.json --rp-id example.com --origin https://example.com --challenge "$CHALLENGE"
expect_failure "options without a source" "error: invalid_argument: give exactly one of" "$TOOL" options --rp-id example.com

if "$TOOL" options --assertion --rp-id example.com --challenge AAAAAAAAAAAAAAAAAAAAAA --credential AQID --timeout 1000 > request.json \
   && [ "$(cat request.json)" = '{"allowCredentials":[{"id":"AQID","type":"public-key"}],"challenge":"AAAAAAAAAAAAAAAAAAAAAA","rpId":"example.com","timeout":1000,"userVerification":"preferred"}' ]; then
    pass "options --assertion"
else
    fail "options --assertion: $(cat request.json)"
fi

if [ "$failures" -ne 0 ]; then echo "$failures check(s) failed" >&2; exit 1; fi
echo "all checks passed"
