#!/usr/bin/env python3
"""Dfns Delegated Signing from Python against a running dfns-sandbox, through the dfns_bridge binding.

The program is the backend holding the service account, whose private key stays in an "HSM" (the `cryptography`
package stands in for an HSM or KMS: the library gets a signing callable, never the key) and whose HTTP goes through a
host transport (http.client). The end user's devices A, B and C are passkeys on the library's software authenticator.
Steps: (1) the service account; (2) delegated registration with a passkey on A and a recovery key; (3) delegated login;
(4) a wallet delegated to the user, which the service account alone cannot sign for; (5) a Hash signature whose user
action A signs; (6) a passkey on B, added with A's approval, which signs too; (7) both lost, the recovery code registers
C and A is refused; (8) the sandbox's audit log, page by page. One line per check (✓/✗); exit 0 if all pass.

    python3 examples/python/example.py BOOTSTRAP_FILE   # or DFNS_SANDBOX_BOOTSTRAP; with the wheel installed
    DFNS_BRIDGE_LIBRARY=build/lib/libdfns_bridge.so.0 PYTHONPATH=bindings/python python3 examples/python/example.py FILE
"""

import hashlib
import http.client
import json
import os
import sys
import time
import urllib.parse

import dfns_bridge as db

try:  # the HSM stand-in
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
except ImportError:
    sys.exit("example.py needs the cryptography package (pip install cryptography): it plays the HSM")

checks, failures, calls = 0, 0, {"hsm": 0, "http": 0}  # calls: what the HSM and the host transport were asked


class Stop(Exception):
    """A step that cannot go on."""


def check(ok: bool, text: str) -> bool:
    global checks, failures
    checks, failures = checks + 1, failures + (not ok)
    print(f"    {'✓' if ok else '✗'} {text}")
    return ok


def need(ok: bool, text: str) -> None:
    if not check(ok, text):
        raise Stop(text)


def refused(status: int, text: str, call) -> None:  # runs `call`, which the API must refuse with HTTP `status`
    try:
        call()
        check(False, f"{text}: accepted")
    except db.ApiError as exc:
        check(exc.http_status == status, f"{text}: refused (HTTP {exc.http_status} {exc.error_id})")


def post(client: db.Client, path: str, body: dict) -> dict:  # a user action is signed first if one is needed
    return client.request("POST", path, body).json()


def stdlib_transport(request: db.HttpRequest) -> db.HttpResponse:  # one exchange over http.client, never redirected
    calls["http"] += 1
    url = urllib.parse.urlsplit(request.url)
    connection = (http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection)(
        url.netloc, timeout=request.timeout)
    try:
        connection.request(request.method, url.path + (f"?{url.query}" if url.query else ""), body=request.body,
                           headers=dict(request.headers))
        answer = connection.getresponse()
        body = answer.read()  # http.client undoes chunking: drop the headers that described it
        headers = [(k, v) for k, v in answer.getheaders() if k.lower() not in ("transfer-encoding", "connection")]
        return db.HttpResponse(answer.status, headers, body)
    except (OSError, http.client.HTTPException) as exc:  # no complete answer: the library decides on retries
        raise db.TransportFailure("timeout" if isinstance(exc, TimeoutError) else "connect", str(exc)) from exc
    finally:
        connection.close()


def sign_hash(as_user: db.Client, key: dict, text: str, device: db.Signer, name: str) -> None:
    """Delegated Signing of a Hash (the backend opens it, the device signs, the backend completes); verified here."""
    digest, path = hashlib.sha256(text.encode()).digest(), f"/keys/{key['id']}/signatures"
    request = as_user.delegated_init("POST", path, {"kind": "Hash", "hash": "0x" + digest.hex()})
    print(f"    challenge {json.loads(request)['challenge']['challengeIdentifier'][:24]}… of POST {path} goes to {name}")
    first_factor = device.sign_challenge(request)  # on the device
    answer = as_user.delegated_complete(request, first_factor).json()
    need(answer.get("status") == "Signed", f"{name}'s assertion exchanged for a user-action token: {answer.get('status')}")
    sig = answer["signature"]  # one that does not verify raises a DfnsError: the walkthrough stops
    db.verify_returned_signature(db.KeyKind.SECP256K1, key["publicKey"], digest, sig["r"], sig["s"],
                                 recid=sig.get("recid"), encoded=sig.get("encoded"))
    check(True, "verified here: the key recovered from r, s, recid is the wallet's")
    if name == "device A":
        refused(400, "the same signed challenge sent again (a user action is single use)",
                lambda: as_user.delegated_complete(request, first_factor))


def walkthrough(boot: dict) -> None:
    base, rp_id, origin = boot["baseUrl"], boot["rpId"], boot["origin"]
    print("\n[1] The backend's service account (bootstrap file): its key in an HSM, its HTTP on the host's stack")
    hsm_key = serialization.load_pem_private_key(boot["privateKeyPem"].encode(), password=None)  # inside the "HSM"

    def hsm_sign(message: bytes) -> bytes:  # what a KMS Sign call returns: ECDSA P-256 over SHA-256, DER
        calls["hsm"] += 1
        return hsm_key.sign(message, ec.ECDSA(hashes.SHA256()))

    spki = hsm_key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    service = db.Signer.external(hsm_sign, spki, boot["credId"])
    backend = db.Client(base, boot["serviceAccountToken"], signer=service, transport=stdlib_transport)
    print(f"    sandbox {base}, organization {boot['orgId']}, relying party {rp_id} ({origin})")
    print(f"    service account Key credential {boot['credId'][:16]}…: Signer.external on the HSM, Client on http.client")

    username = f"alice-py-{time.time_ns() // 1000000}-{os.getpid()}@example.com"  # a new end user per run
    print(f"\n[2] Delegated registration of {username}: a passkey on device A and a recovery code")
    registration = post(backend, "/auth/registration/delegated", {"email": username, "kind": "EndUser"})
    check(calls["hsm"] == 1 and calls["http"] == 3, "a signed user action: the HSM signed it, http.client sent 3 exchanges")
    # On device A, as navigator.credentials.create() on a phone: the passkey to send, and the device's signer.
    passkey_a, signer_a = db.create_fido2_credential(db.SoftwareAuthenticator(), rp_id, origin, registration, "device A")
    code = db.generate_recovery_code()  # a secret the user writes down; shown here only in part
    recovery = db.create_recovery_key(registration["challenge"], code, username, "recovery code")
    print(f"    device A created passkey {signer_a.credential_id[:16]}…; a recovery key sealed by code {code[:6]}…")
    as_user = db.Client(base, registration["temporaryAuthenticationToken"])  # the user's calls, on libcurl
    registered = post(as_user, "/auth/registration", {"firstFactorCredential": passkey_a, "recoveryCredential": recovery})
    user_id = registered["user"]["id"]
    need(registered["credential"]["kind"] == "Fido2", f"end user {user_id} registered, device A's passkey as first factor")

    print("\n[3] Delegated login: the backend obtains the end user's token")
    as_user.set_auth_token(post(backend, "/auth/login/delegated", {"username": username})["token"])
    mine = [c["kind"] for c in as_user.paginate("/auth/credentials")]
    check(sorted(mine) == ["Fido2", "RecoveryKey"], f"a login token for the user: it reads ({' + '.join(mine)} "
          "credentials); each write needs the user's signature")

    print("\n[4] A wallet delegated to the end user; the service account alone cannot sign for it")
    wallet = post(backend, "/wallets", {"network": "EthereumSepolia", "name": "Alice's wallet", "delegateTo": user_id})
    key = wallet["signingKey"]
    need(key.get("delegatedTo") == user_id, f"wallet {wallet['id']}, {key['curve']} key {key['id']}, delegated to {user_id}")
    refused(403, "the service account signing with its token and HSM-held Key credential",
            lambda: post(backend, f"/keys/{key['id']}/signatures", {"kind": "Hash", "hash": "0x" + "11" * 32}))

    print("\n[5] A Hash signature: the user action goes to device A, which signs it")
    sign_hash(as_user, key, "Python: transfer 1", signer_a, "device A")

    print("\n[6] A passkey on device B, its addition approved by device A; then device B signs")
    creation = post(as_user, "/auth/credentials/init", {"kind": "Fido2"})
    passkey_b, signer_b = db.create_fido2_credential(db.SoftwareAuthenticator(), rp_id, origin, creation, "device B")
    addition = as_user.delegated_init("POST", "/auth/credentials",
                                      {**passkey_b, "challengeIdentifier": creation["challengeIdentifier"]})
    added = as_user.delegated_complete(addition, signer_a.sign_challenge(addition)).json()
    need(added.get("kind") == "Fido2", f"device B's passkey {signer_b.credential_id[:16]}… added, signed by device A")
    sign_hash(as_user, key, "Python: transfer 2", signer_b, "device B")

    print("\n[7] Both devices lost: the recovery code registers a passkey on device C")
    recovery_id = recovery["credentialInfo"]["credId"]
    reset = post(backend, "/auth/recover/user/delegated", {"username": username, "credentialId": recovery_id})
    envelope = next(c["encryptedRecoveryKey"] for c in reset["allowedRecoveryCredentials"] if c["id"] == recovery_id)
    passkey_c, signer_c = db.create_fido2_credential(db.SoftwareAuthenticator(), rp_id, origin, reset, "device C")
    new_credentials = {"firstFactorCredential": passkey_c, "recoveryCredential": db.create_recovery_key(
        reset["challenge"], db.generate_recovery_code(), username, "new code")}
    # The user types the code; the recovery key signs the new credentials, binding them to this recovery.
    proof = db.Signer.recovery_key(envelope, code, username, recovery_id).sign_recovery(new_credentials)
    recovered = post(db.Client(base, reset["temporaryAuthenticationToken"]), "/auth/recover/user",
                     {"recovery": json.loads(proof), "newCredentials": new_credentials})
    need(recovered["user"]["id"] == user_id, f"account recovered: device C's passkey {signer_c.credential_id[:16]}…")
    refused(401, "the end user's token from before the recovery", lambda: as_user.request("GET", f"/wallets/{wallet['id']}"))
    as_user.set_auth_token(post(backend, "/auth/login/delegated", {"username": username})["token"])
    sign_hash(as_user, key, "Python: transfer 3", signer_c, "device C")
    path, body = f"/keys/{key['id']}/signatures", {"kind": "Hash", "hash": "0x" + "22" * 32}
    request = json.loads(as_user.delegated_init("POST", path, body))
    request["challenge"].pop("allowCredentials", None)  # device A's signer would decline: the list lacks its passkey
    refused(401, "device A's old passkey", lambda: as_user.delegated_complete(request, signer_a.sign_challenge(request)))

    print("\n[8] The sandbox's audit log: every signed user action, hash-chained")
    audit = backend.request("GET", "/audit/verify").json()
    check(audit.get("intact") is True, f"audit chain intact over {audit.get('entries')} signed user actions")
    entries = list(backend.paginate("/auth/action/logs", limit=10))
    ours = [e for e in entries if e["userId"] == user_id]
    check(len(ours) == 4, f"Client.paginate, 10 a page: {len(entries)} actions logged, {len(ours)} by the user's devices")
    print(f"    the HSM signed {calls['hsm']} user actions; the host transport carried {calls['http']} exchanges")


def main() -> int:
    file = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("DFNS_SANDBOX_BOOTSTRAP")
    if not file:
        print("usage: example.py BOOTSTRAP_FILE (or DFNS_SANDBOX_BOOTSTRAP) from dfns-sandbox", file=sys.stderr)
        return 2
    print(f"library: {db.library_path} (version {db.version()})\ndfns-bridge: Delegated Signing from Python")
    try:
        with open(file, encoding="utf-8") as f:
            walkthrough(json.load(f))
    except Stop:
        pass
    except (db.DfnsError, OSError, KeyError, ValueError, StopIteration) as exc:
        check(False, f"the walkthrough stopped: {type(exc).__name__}: {exc}")
    print(f"\n{checks - failures} of {checks} checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
