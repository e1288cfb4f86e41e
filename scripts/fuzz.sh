#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ (a separate SwiftPM package) with fuzzer + ASan
# instrumentation and runs each for a fixed time.
#
# Usage: scripts/fuzz.sh [seconds-per-target] [Target ...]
#   scripts/fuzz.sh                 every target for 60 s
#   scripts/fuzz.sh 600             every target for 10 minutes
#   scripts/fuzz.sh 30 FuzzCOSEKey  one target
# Seeds are generated at run time from ../shared/vectors/webauthn into fuzz/corpus/<Target>/ (git-ignored;
# the vectors are never copied into the repository). Findings go to fuzz/artifacts/<Target>/, logs to
# fuzz/artifacts/<Target>.log. Exit status: 0 when no target found anything, 1 otherwise.
# Reproduce a finding: fuzz/.build/debug/<Target> fuzz/artifacts/<Target>/crash-<sha1>
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project="$(cd "$here/.." && pwd)"
fuzz="$project/fuzz"
vectors="$(cd "$project/../shared/vectors/webauthn" && pwd)"

seconds="${1:-60}"
shift || true
all_targets=(FuzzAttestationObject FuzzAuthenticatorData FuzzClientDataJSON FuzzCOSEKey FuzzCertificate FuzzRegistration FuzzAPIResponse)
targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=("${all_targets[@]}")

# -max_len per target: the largest seed rounded up, with room to grow.
max_len_for() {
    case "$1" in
        FuzzAttestationObject|FuzzRegistration) echo 16384 ;;
        FuzzAuthenticatorData) echo 2048 ;;
        FuzzClientDataJSON) echo 1024 ;;
        FuzzCOSEKey|FuzzCertificate) echo 4096 ;;
        *) echo 4096 ;;
    esac
}

# --- Seed corpora from the conformance vectors --------------------------------------------------
mkdir -p "$fuzz/corpus" "$fuzz/artifacts"
python3 - "$vectors" "$fuzz/corpus" <<'PY'
import base64, calendar, glob, hashlib, json, os, struct, sys, time
from urllib.parse import urlsplit

vectors, out = sys.argv[1], sys.argv[2]
counts = {}

def b64url(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))

def save(target, data):
    if not data:
        return
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "seed-" + hashlib.sha1(data).hexdigest())
    if not os.path.exists(path):
        with open(path, "wb") as f:
            f.write(data)
    counts[target] = counts.get(target, 0) + 1

def cbor(buf, i=0):
    """Minimal CBOR decoder: returns (value, next offset). Maps become lists of (key, value) pairs."""
    ib = buf[i]; i += 1
    major, info = ib >> 5, ib & 31
    def arg(info, i):
        if info < 24: return info, i
        n = {24: 1, 25: 2, 26: 4, 27: 8}[info]
        return int.from_bytes(buf[i:i + n], "big"), i + n
    if major == 7:
        if info in (25, 26, 27):
            n = {25: 2, 26: 4, 27: 8}[info]
            return ("float", buf[i:i + n]), i + n
        v, i = arg(info, i)
        return ("simple", v), i
    if info == 31:  # indefinite length
        items = []
        while buf[i] != 0xFF:
            v, i = cbor(buf, i)
            items.append(v)
        i += 1
        if major in (2, 3):
            return (b"".join(items) if major == 2 else "".join(items)), i
        if major == 4:
            return items, i
        return list(zip(items[::2], items[1::2])), i
    n, i = arg(info, i)
    if major == 0: return n, i
    if major == 1: return -1 - n, i
    if major == 2: return bytes(buf[i:i + n]), i + n
    if major == 3: return bytes(buf[i:i + n]).decode("utf-8", "replace"), i + n
    if major == 4:
        items = []
        for _ in range(n):
            v, i = cbor(buf, i); items.append(v)
        return items, i
    if major == 5:
        pairs = []
        for _ in range(n):
            k, i = cbor(buf, i); v, i = cbor(buf, i); pairs.append((k, v))
        return pairs, i
    v, i = cbor(buf, i)  # tag
    return v, i

def walk(v):
    yield v
    if isinstance(v, (list, tuple)):
        for x in v:
            yield from walk(x)

def looks_like_der_cert(b):
    if len(b) < 64 or b[0] != 0x30 or b[1] != 0x82: return False
    return int.from_bytes(b[2:4], "big") + 4 == len(b)

def authdata_parts(ad):
    """Seeds from authenticator data: itself and its COSE key."""
    save("FuzzAuthenticatorData", ad)
    if len(ad) >= 55 and ad[32] & 0x40:
        idlen = int.from_bytes(ad[53:55], "big")
        start = 55 + idlen
        try:
            _, end = cbor(ad, start)
            save("FuzzCOSEKey", ad[start:end])
        except Exception:
            pass

def certificates_in(value):
    for v in walk(value):
        if isinstance(v, bytes):
            if looks_like_der_cert(v):
                save("FuzzCertificate", v)
            elif v.count(b".") == 2 and v[:2] == b"ey":  # SafetyNet JWS: x5c in the header
                try:
                    header = json.loads(b64url(v.split(b".")[0].decode()))
                    for c in header.get("x5c", []):
                        save("FuzzCertificate", base64.b64decode(c))
                except Exception:
                    pass

def unix_time(text):
    if not text: return int(time.time())
    try:
        return calendar.timegm(time.strptime(text[:19], "%Y-%m-%dT%H:%M:%S"))
    except Exception:
        return int(time.time())

for path in sorted(glob.glob(os.path.join(vectors, "*.json"))):
    try:
        v = json.load(open(path))
    except Exception:
        continue
    cdj = b64url(v["clientDataJSON_b64url"]) if v.get("clientDataJSON_b64url") else None
    if cdj: save("FuzzClientDataJSON", cdj)
    for key in ("credentialPublicKey_b64url", "expected_credentialPublicKey_b64url"):
        if v.get(key): save("FuzzCOSEKey", b64url(v[key]))
    if v.get("authenticatorData_b64url"): authdata_parts(b64url(v["authenticatorData_b64url"]))
    if v.get("attestation_ca_cert_der_b64url"): save("FuzzCertificate", b64url(v["attestation_ca_cert_der_b64url"]))
    if not v.get("attestationObject_b64url"): continue
    ao = b64url(v["attestationObject_b64url"])
    save("FuzzAttestationObject", ao)
    try:
        top, _ = cbor(ao)
        fields = dict((k, x) for k, x in top if isinstance(k, str))
    except Exception:
        fields = {}
    ad = fields.get("authData") if isinstance(fields.get("authData"), bytes) else None
    if ad: authdata_parts(ad)
    certificates_in(fields.get("attStmt"))
    # FuzzRegistration framing: bits, time, rpId, clientDataHash, attestation object.
    if cdj is not None:
        cdh = hashlib.sha256(cdj).digest()
    elif v.get("clientDataHash_b64url"):
        cdh = b64url(v["clientDataHash_b64url"])
    else:
        continue
    candidates = []
    if v.get("rpId"): candidates.append(v["rpId"])
    origins = v.get("origin") or []
    origins = [origins] if isinstance(origins, str) else origins
    if cdj:
        try: origins.append(json.loads(cdj).get("origin", ""))
        except Exception: pass
    for o in origins:
        host = urlsplit(o).hostname if isinstance(o, str) else None
        if host: candidates.append(host)
    rp = next((c for c in candidates if ad and hashlib.sha256(c.encode()).digest() == ad[:32]), None)
    rp = rp or (candidates[0] if candidates else "example.org")
    when = unix_time(v.get("suggested_verification_time") or v.get("fixed_time_for_cert_validation"))
    rpb = rp.encode()[:255]
    save("FuzzRegistration", bytes([0x01]) + struct.pack(">q", when) + bytes([len(rpb)]) + rpb + cdh + ao)

# FuzzAPIResponse: a status selector byte, then bodies shaped like the API's answers.
api_bodies = [
    (0, {"id": "wa-1", "network": "Bitcoin", "status": "Active",
         "signingKey": {"id": "key-1", "scheme": "ECDSA", "curve": "secp256k1", "publicKey": "02aa"}}),
    (2, {"id": "sig-1", "keyId": "key-1", "status": "Pending", "approvalId": "ap-1",
         "signature": {"r": "0x01", "s": "0x02", "recid": 0}, "requestBody": {"kind": "Hash", "hash": "0x00"}}),
    (0, {"challenge": "Y2g", "challengeIdentifier": "eyJ", "allowCredentials": {"key": [{"type": "public-key", "id": "c"}],
         "webauthn": []}, "supportedCredentialKinds": [{"kind": "Key", "factor": "first"}]}),
    (0, {"items": [{"id": "a"}, {"id": "b"}], "nextPageToken": "t"}),
    (8, {"error": {"id": "Conflict", "status": 409, "message": "m", "details": {"duplicate": {"id": "x"}}}}),
    (4, {"message": "top level", "details": [1, 2.5e3, None, True]}),
    (0, {"method": "POST", "path": "/wallets", "body": "{}", "challenge": {"challenge": "c", "challengeIdentifier": "i"}}),
]
for selector, body in api_bodies:
    save("FuzzAPIResponse", bytes([selector]) + json.dumps(body, separators=(",", ":")).encode())

print("seeds: " + ", ".join(f"{k} {n}" for k, n in sorted(counts.items())))
PY

# --- Build ------------------------------------------------------------------------------------------
cd "$fuzz"
for t in "${targets[@]}"; do
    echo "building $t" >&2
    swift build --product "$t" --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
        2>&1 | grep -v "Cannot export local symbol" | grep -E "error|warning: .*fuzz/Sources|Build of" >&2 || true
done
bin="$(swift build --show-bin-path)"

# --- Run --------------------------------------------------------------------------------------------
found=0
summary=()
for t in "${targets[@]}"; do
    [[ -x "$bin/$t" ]] || { summary+=("$t: NOT BUILT"); found=1; continue; }
    mkdir -p "artifacts/$t"
    before="$(ls "artifacts/$t" | wc -l)"
    log="artifacts/$t.log"
    echo "running $t for ${seconds}s (-max_len=$(max_len_for "$t"))" >&2
    set +e
    ASAN_OPTIONS=allocator_may_return_null=1 "$bin/$t" "corpus/$t" \
        -max_total_time="$seconds" -max_len="$(max_len_for "$t")" -rss_limit_mb=2048 -timeout=25 \
        -artifact_prefix="artifacts/$t/" -print_final_stats=1 >"$log" 2>&1
    rc=$?
    set -e
    after="$(ls "artifacts/$t" | wc -l)"
    done_line="$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 || true)"
    cov="$(grep -oE 'cov: [0-9]+' "$log" | tail -1 || true)"
    eps="$(grep -oE 'average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' || true)"
    if [[ $rc -ne 0 || $after -gt $before ]]; then
        found=1
        what="$(grep -m1 -E '^==[0-9]+==ERROR|^SUMMARY|Fatal error|deadly signal|out-of-memory|timeout' "$log" || echo "exit $rc")"
        summary+=("$t: FOUND (rc $rc) ${what} -- new artifacts in fuzz/artifacts/$t/, log $log")
    else
        summary+=("$t: ${done_line:-no Done line} (${eps:-?} exec/s, ${cov:-cov ?}); nothing found")
    fi
done
echo
printf '%s\n' "${summary[@]}"
exit "$found"
