#!/usr/bin/env bash
# The `dfns-bridge device` subcommands end to end: a passkey created from a hand-made Dfns
# registration challenge, two user-action signatures and a usernameless login, checked for shape
# (python3, json module), state-file mode and counter, and the refusals (allowCredentials without
# this device, an existing state without --force, malformed input, no ES256). When the openssl
# command is present, the packed self attestation and every assertion signature are also verified
# with it, against the public key `dfns-bridge inspect` reads out of the attestation object.
#
#   tests/tool/device.sh path/to/dfns-bridge
#
# Registered with CTest as tool-device (CMakeLists.txt). Exit status 0 when every check passes.
set -euo pipefail

TOOL=${1:?usage: device.sh path/to/dfns-bridge}
TOOL=$(cd "$(dirname "$TOOL")" && pwd)/$(basename "$TOOL")   # the checks run in a temporary directory
PYTHON=${PYTHON3:-python3}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

RP_ID=example.com
ORIGIN=https://app.example.com
STATE=$WORK/phone.json
failures=0
pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

b64url() { "$PYTHON" -c 'import base64,sys; print(base64.urlsafe_b64encode(sys.argv[1].encode()).decode().rstrip("="))' "$1"; }

# expect_failure NAME STDIN-FILE PATTERN COMMAND...: exit status 1, empty stdout, PATTERN on stderr.
expect_failure() {
    local name=$1 input=$2 pattern=$3
    shift 3
    local status=0
    "$@" < "$input" > out.txt 2> err.txt || status=$?
    if [[ $status -ne 1 ]]; then
        fail "$name: exit status $status, expected 1 (stderr: $(cat err.txt))"
    elif [[ -s out.txt ]]; then
        fail "$name: printed on stdout: $(cat out.txt)"
    elif ! grep -q -- "$pattern" err.txt; then
        fail "$name: stderr lacks \"$pattern\": $(cat err.txt)"
    else
        pass "$name ($(head -n 1 err.txt))"
    fi
}

mode_of() { stat -c %a "$1"; }

# ---------------------------------------------------------------------------------------------
# Challenges, as the backend would receive them from Dfns
# ---------------------------------------------------------------------------------------------
REG_CHALLENGE=$(b64url "ch-reg-$RANDOM-$RANDOM")
USER_ID=us-3v1ag-l6cpv-9ud9mhg3lo5e2rbl
cat > registration.json <<JSON
{"temporaryAuthenticationToken":"eyJ0eXAiOiJKV1QifQ.e30.sig",
 "rp":{"id":"deprecated.example","name":"Ignored"},
 "user":{"id":"$USER_ID","name":"alice@example.com","displayName":"Alice"},
 "challenge":"$REG_CHALLENGE",
 "pubKeyCredParams":[{"type":"public-key","alg":-8},{"type":"public-key","alg":-7},{"type":"public-key","alg":-257}],
 "excludeCredentials":[],
 "authenticatorSelection":{"authenticatorAttachment":"platform","residentKey":"required","requireResidentKey":true,"userVerification":"required"},
 "attestation":"direct",
 "supportedCredentialKinds":{"firstFactor":["Fido2","Key"],"secondFactor":["Fido2","Key","Totp"]},
 "otpUrl":""}
JSON

# action_challenge FILE CHALLENGE WEBAUTHN-IDS-JSON-ARRAY: a POST /auth/action/init response.
action_challenge() {
    "$PYTHON" - "$@" <<'PY'
import json, sys
path, challenge, ids = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
json.dump({
    "challenge": challenge,
    "challengeIdentifier": "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJjaGFsbGVuZ2UifQ.sig",
    "userVerification": "required",
    "attestation": "direct",
    "supportedCredentialKinds": [{"kind": "Fido2", "factor": "first", "requiresSecondFactor": False},
                                 {"kind": "Key", "factor": "first", "requiresSecondFactor": False}],
    "allowCredentials": {"key": [{"type": "public-key", "id": "c29tZS1rZXktY3JlZA"}],
                         "webauthn": [{"type": "public-key", "id": i} for i in ids]},
    "externalAuthenticationUrl": "",
}, open(path, "w"))
PY
}

# ---------------------------------------------------------------------------------------------
# create
# ---------------------------------------------------------------------------------------------
"$TOOL" device create --state "$STATE" --rp-id "$RP_ID" --origin "$ORIGIN" < registration.json > created.json
[[ $(wc -l < created.json) -eq 1 ]] && pass "create prints one line" || fail "create printed $(wc -l < created.json) lines"
"$PYTHON" - created.json "$REG_CHALLENGE" "$ORIGIN" <<'PY' && pass "create output shape and clientDataJSON" || fail "create output"
import base64, json, re, sys
out = json.load(open(sys.argv[1]))
challenge, origin = sys.argv[2], sys.argv[3]
def dec(s):
    assert isinstance(s, str) and re.fullmatch(r"[A-Za-z0-9_-]+", s), f"not base64url without padding: {s!r}"
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
assert list(out) == ["credentialKind", "credentialInfo"], list(out)
assert out["credentialKind"] == "Fido2"
info = out["credentialInfo"]
assert sorted(info) == ["attestationData", "clientData", "credId"], sorted(info)
assert len(dec(info["credId"])) >= 16
client = json.loads(dec(info["clientData"]))
assert client["type"] == "webauthn.create", client
assert client["challenge"] == challenge, client
assert client["origin"] == origin, client
obj = dec(info["attestationData"])
assert obj[0] == 0xA3, "attestationObject is not a 3-entry CBOR map"
PY

mode=$(mode_of "$STATE")
[[ $mode == 600 ]] && pass "state file mode 600" || fail "state file mode $mode, expected 600"
ls "$WORK" | grep -q '\.tmp-' && fail "a temporary state file was left behind" || pass "no temporary file left"

"$TOOL" device show --state "$STATE" > show0.json
CRED_ID=$("$PYTHON" - show0.json created.json "$RP_ID" "$ORIGIN" <<'PY'
import json, sys
show = json.load(open(sys.argv[1]))
created = json.load(open(sys.argv[2]))
assert list(show) == ["credId", "rpId", "origin", "signCount"], list(show)
assert show["credId"] == created["credentialInfo"]["credId"], show
assert show["rpId"] == sys.argv[3] and show["origin"] == sys.argv[4], show
assert show["signCount"] == 0, show
print(show["credId"])
PY
) && pass "show: credId, rpId, origin, signCount 0" || fail "show output"
grep -q PRIVATE show0.json && fail "show printed a key" || true

# ---------------------------------------------------------------------------------------------
# sign: twice for user actions, once for a usernameless login (empty allow list)
# ---------------------------------------------------------------------------------------------
# check_assertion FILE CHALLENGE EXPECTED-COUNTER
check_assertion() {
    "$PYTHON" - "$1" "$2" "$3" "$CRED_ID" "$RP_ID" "$ORIGIN" "$USER_ID" <<'PY'
import base64, hashlib, json, re, sys
path, challenge, counter, cred_id, rp_id, origin, user_id = sys.argv[1:]
lines = open(path).read().splitlines()
assert len(lines) == 1, f"{len(lines)} lines"
out = json.loads(lines[0])
def dec(s):
    assert isinstance(s, str) and re.fullmatch(r"[A-Za-z0-9_-]+", s), f"not base64url without padding: {s!r}"
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
assert list(out) == ["kind", "credentialAssertion"], list(out)
assert out["kind"] == "Fido2"
a = out["credentialAssertion"]
assert sorted(a) == ["authenticatorData", "clientData", "credId", "signature", "userHandle"], sorted(a)
assert a["credId"] == cred_id
client = json.loads(dec(a["clientData"]))
assert client["type"] == "webauthn.get" and client["challenge"] == challenge and client["origin"] == origin, client
auth = dec(a["authenticatorData"])
assert len(auth) == 37, len(auth)
assert auth[:32] == hashlib.sha256(rp_id.encode()).digest(), "rpIdHash"
assert auth[32] & 0x05 == 0x05, f"flags {auth[32]:#x} lack UP and UV"
assert int.from_bytes(auth[33:37], "big") == int(counter), f"counter {int.from_bytes(auth[33:37], 'big')}, expected {counter}"
assert dec(a["userHandle"]) == user_id.encode(), "userHandle"
assert dec(a["signature"])[0] == 0x30, "signature is not DER"
PY
}

ACTION1=$(b64url "ch-act1-$RANDOM")
action_challenge action1.json "$ACTION1" "[\"$CRED_ID\"]"
"$TOOL" device sign --state "$STATE" < action1.json > signed1.json
check_assertion signed1.json "$ACTION1" 1 && pass "sign #1: firstFactor shape, counter 1" || fail "sign #1"

ACTION2=$(b64url "ch-act2-$RANDOM")
action_challenge action2.json "$ACTION2" "[\"AAAA\", \"$CRED_ID\"]"
"$TOOL" device sign --state "$STATE" --challenge-file action2.json < /dev/null > signed2.json
check_assertion signed2.json "$ACTION2" 2 && pass "sign #2 (--challenge-file): counter 2" || fail "sign #2"

LOGIN=$(b64url "ch-login-$RANDOM")
action_challenge login.json "$LOGIN" "[]"
"$TOOL" device sign --state "$STATE" < login.json > signed3.json
check_assertion signed3.json "$LOGIN" 3 && pass "sign of a login challenge with an empty allow list: counter 3" || fail "sign #3"

mode=$(mode_of "$STATE")
[[ $mode == 600 ]] && pass "state file still mode 600 after rewrites" || fail "state file mode $mode after sign"
"$TOOL" device show --state "$STATE" | "$PYTHON" -c 'import json,sys; c=json.load(sys.stdin)["signCount"]; sys.exit(0 if c == 3 else f"signCount {c}")' \
    && pass "show: signCount 3" || fail "show after signing"

# Four devices on the same state at once: the state lock gives each its own counter (4 to 7).
for n in 4 5 6 7; do
    "$TOOL" device sign --state "$STATE" --challenge-file action1.json > "parallel$n.json" 2> "parallel$n.err" &
done
wait
"$PYTHON" - parallel4.json parallel5.json parallel6.json parallel7.json <<'PY' && pass "concurrent signs: counters 4, 5, 6, 7" || fail "concurrent signs"
import base64, json, sys
counters = []
for path in sys.argv[1:]:
    a = json.load(open(path))["credentialAssertion"]["authenticatorData"]
    counters.append(int.from_bytes(base64.urlsafe_b64decode(a + "=" * (-len(a) % 4))[33:37], "big"))
assert sorted(counters) == [4, 5, 6, 7], counters
PY

# ---------------------------------------------------------------------------------------------
# Refusals
# ---------------------------------------------------------------------------------------------
action_challenge other.json "$(b64url ch-other)" '["b3RoZXItZGV2aWNlLWNyZWQ"]'
expect_failure "sign refuses a challenge not allowing this device" other.json \
    "this device's credential $CRED_ID is not among the challenge's allowCredentials" \
    "$TOOL" device sign --state "$STATE"
"$TOOL" device show --state "$STATE" | grep -q '"signCount":7' && pass "refused sign left the counter alone" || fail "refused sign changed the counter"

before=$(sha256sum "$STATE")
expect_failure "create refuses an existing state" registration.json "already exists; pass --force" \
    "$TOOL" device create --state "$STATE" --rp-id "$RP_ID" --origin "$ORIGIN"
[[ $(sha256sum "$STATE") == "$before" ]] && pass "the existing state is untouched" || fail "the existing state changed"

printf 'this is not json' > garbage.txt
: > empty.txt
printf '[1, 2]' > array.json
printf '{"challenge": "abc", "user": {"id": "u", "name": "n"}}' > incomplete.json
sed 's/"alg":-7/"alg":-36/' registration.json > no-es256.json
expect_failure "create: malformed stdin" garbage.txt "error: malformed_challenge: .*not valid JSON" \
    "$TOOL" device create --state "$WORK/new.json" --rp-id "$RP_ID" --origin "$ORIGIN"
expect_failure "create: empty stdin" empty.txt "error: malformed_challenge: no challenge JSON" \
    "$TOOL" device create --state "$WORK/new.json" --rp-id "$RP_ID" --origin "$ORIGIN"
expect_failure "create: a JSON array" array.json "error: malformed_challenge: .*not an object" \
    "$TOOL" device create --state "$WORK/new.json" --rp-id "$RP_ID" --origin "$ORIGIN"
expect_failure "create: no pubKeyCredParams" incomplete.json "error: malformed_challenge: .*pubKeyCredParams" \
    "$TOOL" device create --state "$WORK/new.json" --rp-id "$RP_ID" --origin "$ORIGIN"
expect_failure "create: no ES256 offered" no-es256.json "error: unsupported_algorithm: .*ES256 (-7)" \
    "$TOOL" device create --state "$WORK/new.json" --rp-id "$RP_ID" --origin "$ORIGIN"
expect_failure "create: a user-action challenge" action1.json "error: wrong_challenge_kind: " \
    "$TOOL" device create --state "$WORK/new.json" --rp-id "$RP_ID" --origin "$ORIGIN"
expect_failure "create: RP ID not matching the origin" registration.json "error: invalid_argument: --rp-id" \
    "$TOOL" device create --state "$WORK/new.json" --rp-id other.example --origin "$ORIGIN"
[[ -e $WORK/new.json ]] && fail "a refused create left a state file" || pass "refused creates wrote no state"
expect_failure "sign: malformed stdin" garbage.txt "error: malformed_challenge: .*not valid JSON" \
    "$TOOL" device sign --state "$STATE"
expect_failure "sign: empty stdin" empty.txt "error: malformed_challenge: no challenge JSON" \
    "$TOOL" device sign --state "$STATE"
expect_failure "sign: a registration challenge" registration.json "error: wrong_challenge_kind: " \
    "$TOOL" device sign --state "$STATE"
expect_failure "sign: no state file" action1.json "error: unreadable_state: " \
    "$TOOL" device sign --state "$WORK/missing.json"
printf '{"format":"something-else"}' > not-a-state.json
expect_failure "sign: not a state file" action1.json "error: malformed_state: " \
    "$TOOL" device sign --state not-a-state.json
"$TOOL" device show --state "$STATE" | grep -q '"signCount":7' && pass "failed signs left the counter alone" || fail "counter changed"

# ---------------------------------------------------------------------------------------------
# Signatures, verified with openssl against the attested public key
# ---------------------------------------------------------------------------------------------
if command -v openssl > /dev/null; then
    ATTESTATION=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["credentialInfo"]["attestationData"])' created.json)
    "$TOOL" inspect --json "$ATTESTATION" > inspected.json
    "$PYTHON" - inspected.json created.json "$CRED_ID" "$RP_ID" <<'PY'
import base64, hashlib, json, sys
report = json.load(open(sys.argv[1]))
created = json.load(open(sys.argv[2]))
cred_id, rp_id = sys.argv[3], sys.argv[4]
def dec(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
assert report["fmt"] == "packed" and report["attStmt"]["alg"] == -7, report["attStmt"]
auth = report["authData"]
assert auth["rpIdHash"] == hashlib.sha256(rp_id.encode()).hexdigest()
assert {"UP", "UV", "AT"} <= set(auth["flags"]["names"]), auth["flags"]
assert auth["signCount"] == 0
assert auth["attestedCredentialData"]["credentialId"] == cred_id
assert auth["attestedCredentialData"]["credentialPublicKey"]["algName"] == "ES256"
open("public.pem", "w").write(auth["attestedCredentialData"]["credentialPublicKey"]["spkiPEM"])
# The attestation signature covers authData || SHA-256(clientDataJSON); authData is the byte
# string after the text key "authData" of the (canonical) attestation object.
obj = dec(created["credentialInfo"]["attestationData"])
i = obj.index(b"\x68authData") + 9
head = obj[i]
if head == 0x58:
    n, start = obj[i + 1], i + 2
elif head == 0x59:
    n, start = int.from_bytes(obj[i + 1:i + 3], "big"), i + 3
else:
    raise SystemExit(f"unexpected authData header {head:#x}")
auth_data = obj[start:start + n]
client = dec(created["credentialInfo"]["clientData"])
open("attestation.msg", "wb").write(auth_data + hashlib.sha256(client).digest())
open("attestation.sig", "wb").write(bytes.fromhex(report["attStmt"]["sig"]))
PY
    if openssl dgst -sha256 -verify public.pem -signature attestation.sig attestation.msg > /dev/null; then
        pass "openssl verifies the packed self attestation"
    else
        fail "openssl rejects the packed self attestation"
    fi
    for n in 1 2 3; do
        "$PYTHON" - "signed$n.json" <<'PY'
import base64, hashlib, json, sys
a = json.load(open(sys.argv[1]))["credentialAssertion"]
def dec(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
open("assertion.msg", "wb").write(dec(a["authenticatorData"]) + hashlib.sha256(dec(a["clientData"])).digest())
open("assertion.sig", "wb").write(dec(a["signature"]))
PY
        if openssl dgst -sha256 -verify public.pem -signature assertion.sig assertion.msg > /dev/null; then
            pass "openssl verifies assertion #$n"
        else
            fail "openssl rejects assertion #$n"
        fi
    done
else
    echo "skip: openssl not found; signatures not verified here"
fi

# --force replaces the passkey (last: the checks above use the first one).
"$TOOL" device create --force --state "$STATE" --rp-id "$RP_ID" --origin "$ORIGIN" < registration.json > recreated.json
"$TOOL" device show --state "$STATE" | "$PYTHON" -c '
import json, sys
show = json.load(sys.stdin)
sys.exit(0 if show["credId"] != sys.argv[1] and show["signCount"] == 0 else f"not replaced: {show}")' "$CRED_ID" \
    && pass "create --force replaces the state" || fail "create --force"
mode=$(mode_of "$STATE")
[[ $mode == 600 ]] && pass "replaced state file mode 600" || fail "replaced state file mode $mode"

if [[ $failures -ne 0 ]]; then
    echo "$failures check(s) failed" >&2
    exit 1
fi
echo "all device checks passed"
