#!/usr/bin/env python3
"""dfns-bridge from Python, WebAuthn only (no Dfns API, no sandbox): create a credential with the
software authenticator, verify the registration, then sign and verify an assertion, as any relying
party would. Prints one line per step; exits non-zero on failure. The Delegated Signing walkthrough
against a sandbox is example.py beside it.

    python3 examples/python/verify.py                 # with the package installed (the wheel)
    DFNS_BRIDGE_LIBRARY=build/lib/libdfns_bridge.so.0 PYTHONPATH=bindings/python python3 examples/python/verify.py
"""

from __future__ import annotations

import hashlib
import os
import sys

RP_ID = "example.org"
ORIGIN = "https://example.org"


def main() -> int:
    try:
        import dfns_bridge as db
    except ImportError as exc:
        print(f"FAIL import dfns_bridge: {exc}", file=sys.stderr)
        return 1

    print(f"library: {db.library_path} (version {db.version()})")
    try:
        with db.Policy(RP_ID, ORIGIN, require_user_verification=True) as policy, db.SoftwareAuthenticator() as device:
            # 1. Registration: the RP issues a challenge, the authenticator creates a credential.
            challenge = os.urandom(32)
            created = device.register(
                RP_ID, ORIGIN, challenge, alg=db.CoseAlgorithm.ES256, attestation="packed-self", user_handle=b"alice"
            )
            print(f"created credential {created.credential_id.hex()[:16]}... (ES256, packed self attestation)")

            with db.verify_registration(policy, created.client_data_json, created.attestation_object, challenge) as reg:
                print(
                    f"registration verified: type webauthn.create, challenge, origin {ORIGIN}, rpIdHash of {RP_ID}, "
                    f"UP+UV flags, fmt {reg.fmt} ({reg.attestation_type} attestation signature), "
                    f"key {reg.public_key.alg.name}, sign count {reg.sign_count}"
                )
                stored_cose, stored_count = reg.public_key.cose, reg.sign_count
                print(f"stored credential record: COSE key {len(stored_cose)} bytes, BE={int(reg.backup_eligible)}")

                # 2. Authentication: a new challenge, an assertion signed with the credential.
                challenge = os.urandom(32)
                signed = device.authenticate(RP_ID, ORIGIN, challenge, reg.credential_id)
                result = db.verify_assertion(
                    policy,
                    reg.public_key,
                    signed.client_data_json,
                    signed.authenticator_data,
                    signed.signature,
                    challenge,
                    sign_count=stored_count,
                    backup_eligible=reg.backup_eligible,
                )
                print(
                    f"assertion verified: type webauthn.get, challenge, origin, rpIdHash, UP+UV flags, "
                    f"signature over authenticatorData || SHA-256(clientDataJSON), "
                    f"sign count {stored_count} -> {result.sign_count}"
                )
                if result.sign_count <= stored_count:
                    raise RuntimeError("the sign count did not increase")

                # 3. The same signature with the raw key primitive.
                message = signed.authenticator_data + hashlib.sha256(signed.client_data_json).digest()
                reg.public_key.verify(message, signed.signature)
                print("raw signature check with the kept PublicKey: ok")

                # 4. A replayed assertion against a different challenge must fail.
                try:
                    db.verify_assertion(
                        policy, stored_cose, signed.client_data_json, signed.authenticator_data, signed.signature,
                        os.urandom(32), sign_count=result.sign_count,
                    )
                except db.ClientDataError as exc:
                    print(f"replay with another challenge rejected: {exc.name}")
                else:
                    raise RuntimeError("a replayed assertion was accepted")
    except (db.DfnsError, RuntimeError, ValueError, TypeError) as exc:
        print(f"FAIL: {exc}", file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
