"""Signers and Dfns cryptography from Python: dfns_bridge.Signer and dfns_bridge.dfns_crypto.

Signatures the library makes are verified here with the `cryptography` package (an independent
implementation); the external signer is backed by `cryptography` as an HSM stand-in; webhooks are
signed here with hmac; the reference vectors of ../shared/vectors/dfns/reference.json are used where
they exist.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import threading
import time
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

import dfns_bridge as db
from dfns_bridge import _callbacks

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, utils

from conftest import ORIGIN, RP_ID, assert_each_thread_gets_its_own_exception


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def challenge_for(*key_ids: str, webauthn: Tuple[str, ...] = ()) -> Dict[str, Any]:
    """A POST /auth/action/init answer allowing the given credentials."""
    return {
        "challenge": b64url(b"ch-" + hashlib.sha256(repr(key_ids).encode()).digest()[:12]),
        "challengeIdentifier": "cid-test",
        "userVerification": "required",
        "supportedCredentialKinds": [{"kind": "Key", "factor": "first"}],
        "allowCredentials": {
            "key": [{"type": "public-key", "id": k} for k in key_ids],
            "webauthn": [{"type": "public-key", "id": w} for w in webauthn],
        },
    }


def verify_key_assertion(first_factor: str, challenge: Dict[str, Any], public_pem: str, kind: str = "Key") -> None:
    """Checks a Key first factor with `cryptography`: clientData and signature."""
    factor = json.loads(first_factor)
    assert factor["kind"] == kind
    assertion = factor["credentialAssertion"]
    client_data = b64url_decode(assertion["clientData"])
    assert json.loads(client_data) == {"type": "key.get", "challenge": challenge["challenge"]}
    signature = b64url_decode(assertion["signature"])
    key = serialization.load_pem_public_key(public_pem.encode())
    if isinstance(key, ed25519.Ed25519PublicKey):
        key.verify(signature, client_data)
    elif isinstance(key, rsa.RSAPublicKey):
        key.verify(signature, client_data, padding.PKCS1v15(), hashes.SHA256())
    else:
        key.verify(signature, client_data, ec.ECDSA(hashes.SHA256()))


@pytest.fixture(scope="module")
def reference(shared: Path) -> Dict[str, Any]:
    return json.loads((shared / "vectors" / "dfns" / "reference.json").read_text())


# ------------------------------------------------------------------------------------------------
# Key generation and Key signers
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [db.KeyKind.P256, db.KeyKind.ED25519, db.KeyKind.SECP256K1, "rsa"])
def test_key_generation_round_trip(kind: Any) -> None:
    key = db.generate_key(kind)
    assert key.private_key_pem.startswith("-----BEGIN PRIVATE KEY-----")
    assert key.public_key_pem.startswith("-----BEGIN PUBLIC KEY-----")
    assert key.private_key_pem not in repr(key)
    # the credential id is base64url(SHA-256(SPKI DER)), as the newest SDKs derive it
    private = serialization.load_pem_private_key(key.private_key_pem.encode(), password=None)
    spki = private.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert key.credential_id == b64url(hashlib.sha256(spki).digest())
    assert serialization.load_pem_public_key(key.public_key_pem.encode()).public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo) == spki

    # PEM and DER signers derive the same id, and sign challenges that verify with `cryptography`
    der = private.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    challenge = challenge_for(key.credential_id)
    for signer in (db.Signer.from_key_pem(key.private_key_pem), db.Signer.from_key_der(der)):
        with signer:
            assert signer.credential_id == key.credential_id
            verify_key_assertion(signer.sign_challenge(challenge), challenge, key.public_key_pem)
            verify_key_assertion(signer.sign_challenge(json.dumps(challenge)), challenge, key.public_key_pem)


def test_generate_key_arguments() -> None:
    with pytest.raises(db.InvalidArgumentError):
        db.generate_key(99)
    with pytest.raises(db.InvalidArgumentError):
        db.generate_key(db.KeyKind.RSA, rsa_bits=1024)
    with pytest.raises(ValueError):
        db.generate_key("p384")
    assert db.generate_key(db.KeyKind.RSA, rsa_bits=3072).kind is db.KeyKind.RSA


def test_key_signer_with_a_given_credential_id_and_bad_keys() -> None:
    key = db.generate_key()
    with db.Signer.from_key_pem(key.private_key_pem.encode(), credential_id="cred-given") as signer:
        assert signer.credential_id == "cred-given"
        challenge = challenge_for("cred-given")
        verify_key_assertion(signer.sign_challenge(challenge), challenge, key.public_key_pem)
        with pytest.raises(db.SignerError) as info:  # the challenge does not allow this credential
            signer.sign_challenge(challenge_for("someone-else"))
        assert info.value.status is db.Status.SIGNER
        with pytest.raises(db.InvalidArgumentError):
            signer.sign_challenge("not json")
    with pytest.raises(db.MalformedInputError):
        db.Signer.from_key_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    p384 = ec.generate_private_key(ec.SECP384R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    with pytest.raises(db.SignatureError):
        db.Signer.from_key_pem(p384)
    with pytest.raises(TypeError):
        db.Signer.from_key_der("text is not DER")  # type: ignore[arg-type]


def test_reference_key_assertion(reference: Dict[str, Any]) -> None:
    vector = reference["key_assertion"]
    keys = reference["keys"]
    for name in ("ed25519", "p256"):
        with db.Signer.from_key_pem(keys[f"{name}_private_pem"], credential_id="ref-cred") as signer:
            challenge = {"challenge": vector["challenge"], "challengeIdentifier": "cid",
                         "allowCredentials": {"key": [{"type": "public-key", "id": "ref-cred"}], "webauthn": []}}
            factor = json.loads(signer.sign_challenge(challenge))
            assertion = factor["credentialAssertion"]
            assert assertion["clientData"] == vector["clientData_b64url"]
            if name == "ed25519":  # deterministic
                assert assertion["signature"] == vector["ed25519_signature_b64url"]
            verify_key_assertion(json.dumps(factor), challenge, keys[f"{name}_public_pem"])


# ------------------------------------------------------------------------------------------------
# External signers (an HSM stand-in on `cryptography`)
# ------------------------------------------------------------------------------------------------


def p256_hsm() -> Tuple[ec.EllipticCurvePrivateKey, str]:
    private = ec.generate_private_key(ec.SECP256R1())
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public_pem


def test_external_signer_es256() -> None:
    private, public_pem = p256_hsm()
    messages: List[bytes] = []

    def sign(message: bytes) -> bytes:
        messages.append(message)
        return private.sign(message, ec.ECDSA(hashes.SHA256()))  # ASN.1 DER, as dfns_sign_fn wants

    with db.Signer.external(sign, public_pem, "hsm-1") as signer:
        assert signer.credential_id == "hsm-1" and signer.kind == "external"
        challenge = challenge_for("hsm-1")
        first_factor = signer.sign_challenge(challenge)
        verify_key_assertion(first_factor, challenge, public_pem)
        # the callable got the clientData bytes themselves, never a digest
        assert messages == [b64url_decode(json.loads(first_factor)["credentialAssertion"]["clientData"])]


def test_external_signer_raw_signature_converted_and_ed25519() -> None:
    private, public_pem = p256_hsm()

    def sign_raw(message: bytes) -> bytes:
        r, s = utils.decode_dss_signature(private.sign(message, ec.ECDSA(hashes.SHA256())))
        return db.ecdsa_raw_to_der(r.to_bytes(32, "big") + s.to_bytes(32, "big"))

    challenge = challenge_for("hsm-raw")
    with db.Signer.external(sign_raw, public_pem.encode(), "hsm-raw") as signer:
        verify_key_assertion(signer.sign_challenge(challenge), challenge, public_pem)

    ed = ed25519.Ed25519PrivateKey.generate()
    ed_der = ed.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    ed_pem = ed.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    challenge = challenge_for("hsm-ed")
    with db.Signer.external(lambda m: bytearray(ed.sign(m)), ed_der, "hsm-ed") as signer:
        verify_key_assertion(signer.sign_challenge(challenge), challenge, ed_pem.decode())


def test_ecdsa_raw_to_der() -> None:
    r, s = (1 << 255) + 5, 7
    der = db.ecdsa_raw_to_der(r.to_bytes(32, "big") + s.to_bytes(32, "big"))
    assert utils.decode_dss_signature(der) == (r, s)
    with pytest.raises(ValueError):
        db.ecdsa_raw_to_der(b"\x01" * 63)


class HsmError(Exception):
    pass


def test_external_signer_that_raises() -> None:
    _, public_pem = p256_hsm()

    def sign(message: bytes) -> bytes:
        raise HsmError("key handle expired")

    challenge = challenge_for("hsm-2")
    with db.Signer.external(sign, public_pem, "hsm-2") as signer:
        with pytest.raises(HsmError, match="key handle expired") as info:
            signer.sign_challenge(challenge)
        error = info.value.dfns_error
        assert isinstance(error, db.SignerCallbackError) and error.function == "dfns_signer_sign_challenge"
        assert info.value.__cause__ is error
        # the signer keeps working for the next call (and the next exception is raised too)
        with pytest.raises(HsmError):
            signer.sign_challenge(challenge)


def test_external_signer_exception_with_its_own_cause_is_kept() -> None:
    _, public_pem = p256_hsm()

    def sign(message: bytes) -> bytes:
        try:
            raise OSError("socket closed")
        except OSError as exc:
            raise HsmError("HSM unreachable") from exc

    with db.Signer.external(sign, public_pem, "hsm-3") as signer:
        with pytest.raises(HsmError) as info:
            signer.sign_challenge(challenge_for("hsm-3"))
    assert isinstance(info.value.__cause__, OSError)  # its own cause is not replaced
    assert isinstance(info.value.dfns_error, db.SignerCallbackError)


def test_external_signer_bad_signatures_are_refused() -> None:
    private, public_pem = p256_hsm()
    other = ec.generate_private_key(ec.SECP256R1())
    challenge = challenge_for("hsm-4")
    for bad, expected in (
        (lambda m: other.sign(m, ec.ECDSA(hashes.SHA256())), db.SignerCallbackError),  # another key
        (lambda m: b"\x30\x03\x02\x01\x01", db.SignerCallbackError),  # garbage
        (lambda m: b"", db.SignerCallbackError),  # nothing
        (lambda m: b"\x00" * 4096, ValueError),  # above the capacity: never copied
        (lambda m: "a str", TypeError),
        (lambda m: None, TypeError),
    ):
        with db.Signer.external(bad, public_pem, "hsm-4") as signer:
            with pytest.raises(expected):
                signer.sign_challenge(challenge)
    with pytest.raises(TypeError):
        db.Signer.external("not callable", public_pem, "x")  # type: ignore[arg-type]
    live = _callbacks.live_count()
    with pytest.raises(db.MalformedInputError):
        db.Signer.external(lambda m: b"", "not a key", "x")
    assert _callbacks.live_count() == live  # a failed constructor keeps nothing


def test_external_signer_exceptions_from_two_threads() -> None:
    _, public_pem = p256_hsm()

    def sign(message: bytes) -> bytes:
        time.sleep(0.001)  # let the other thread interleave
        raise HsmError(threading.current_thread().name)

    signer = db.Signer.external(sign, public_pem, "hsm-5")
    challenge = json.dumps(challenge_for("hsm-5"))
    with signer:
        assert_each_thread_gets_its_own_exception(
            lambda: signer.sign_challenge(challenge),
            HsmError,
            lambda exc, name: str(exc) == name and isinstance(getattr(exc, "dfns_error", None), db.SignerCallbackError),
            50,
            prefix="hsm-thread",
            timeout=60,
        )


# ------------------------------------------------------------------------------------------------
# Passkeys, password-protected and recovery keys
# ------------------------------------------------------------------------------------------------


def test_webauthn_signer(authenticator: db.SoftwareAuthenticator, policy: db.Policy) -> None:
    created = authenticator.register(RP_ID, ORIGIN, b"registration-challenge")
    registration = db.verify_registration(policy, created.client_data_json, created.attestation_object,
                                          b"registration-challenge")
    public_key = registration.public_key
    with registration, db.Signer.webauthn(authenticator, RP_ID, ORIGIN, created.credential_id) as signer:
        assert signer.credential_id == b64url(created.credential_id)
        challenge = challenge_for(webauthn=(b64url(created.credential_id),))
        factor = json.loads(signer.sign_challenge(challenge))
        assert factor["kind"] == "Fido2"
        a = factor["credentialAssertion"]
        client_data = b64url_decode(a["clientData"])
        assert json.loads(client_data)["challenge"] == challenge["challenge"]
        # the assertion verifies as a relying party would verify it
        db.verify_assertion(policy, public_key, client_data, b64url_decode(a["authenticatorData"]),
                            b64url_decode(a["signature"]), b64url_decode(challenge["challenge"]))
    with pytest.raises(db.NotFoundError):
        db.Signer.webauthn(authenticator, RP_ID, ORIGIN, b"no such credential")
    with pytest.raises(TypeError):
        db.Signer.webauthn("device", RP_ID, ORIGIN, b"x")  # type: ignore[arg-type]


def test_password_protected_key_round_trip() -> None:
    key = db.generate_key(db.KeyKind.P256)
    envelope = db.wrap_private_key(key.private_key_pem, "correct horse battery", " Carol ")
    assert db.unwrap_private_key(envelope, "correct horse battery", "carol").strip() != ""
    unwrapped = serialization.load_pem_private_key(db.unwrap_private_key(envelope, b"correct horse battery", "CAROL").encode(), None)
    original = serialization.load_pem_private_key(key.private_key_pem.encode(), None)
    assert unwrapped.private_numbers() == original.private_numbers()
    with db.Signer.password_protected_key(envelope, "correct horse battery", "carol") as signer:
        assert signer.credential_id == key.credential_id
        challenge = challenge_for(key.credential_id)
        verify_key_assertion(signer.sign_challenge(challenge), challenge, key.public_key_pem, kind="PasswordProtectedKey")
    with pytest.raises(db.WrongPasswordError):
        db.Signer.password_protected_key(envelope, "wrong", "carol")
    with pytest.raises(db.WrongPasswordError):
        db.unwrap_private_key(envelope, "correct horse battery", "dave")
    with pytest.raises(db.MalformedInputError):
        db.unwrap_private_key("AAAA", "pw", "carol")
    with pytest.raises(db.SignatureError):
        db.wrap_private_key(db.generate_key(db.KeyKind.ED25519).private_key_pem, "pw", "carol")


def test_a_secret_that_is_not_utf8_is_refused_without_keeping_it() -> None:
    """A password with a lone surrogate: the ValueError must not reach the password (a
    UnicodeEncodeError holds the whole string in its args, and error reporters serialize causes
    and contexts)."""
    password = "hunter2-\ud800-secret"
    key = db.generate_key(db.KeyKind.P256)
    for call in (
        lambda: db.wrap_private_key(key.private_key_pem, password, "carol"),
        lambda: db.Signer.password_protected_key("AAAA", password, "carol"),
        lambda: db.create_recovery_key("Y2gt", password, "carol"),
        lambda: db.verify_webhook(password, b"{}", "sha256=" + "00" * 32),
    ):
        with pytest.raises(ValueError, match="not encodable as UTF-8") as info:
            call()
        error = info.value
        assert not isinstance(error, UnicodeError)
        assert error.__cause__ is None and error.__context__ is None
        assert "hunter2" not in repr(error.args)


def test_reference_wrapped_key(reference: Dict[str, Any]) -> None:
    vector = reference["wrapped_key"]
    pem = db.unwrap_private_key(vector["encryptedPrivateKey"], vector["password"], vector["username"])
    expected = serialization.load_pem_private_key(reference["keys"]["p256_private_pem"].encode(), None)
    assert serialization.load_pem_private_key(pem.encode(), None).private_numbers() == expected.private_numbers()


def test_password_protected_key_create() -> None:
    credential = db.create_password_protected_key("Y2gtcmVnaXN0ZXI", "pw-1", "erin", credential_name="laptop")
    assert credential["credentialKind"] == "PasswordProtectedKey"
    assert credential["credentialName"] == "laptop"
    info = credential["credentialInfo"]
    client_data = json.loads(b64url_decode(info["clientData"]))
    assert client_data["challenge"] == "Y2gtcmVnaXN0ZXI" and client_data["type"] == "key.create"
    with db.Signer.password_protected_key(credential["encryptedPrivateKey"], "pw-1", "erin") as signer:
        assert signer.credential_id == info["credId"]


def test_recovery_code_and_recovery_key() -> None:
    code = db.generate_recovery_code()
    assert re.fullmatch(r"D1-[A-HJ-NP-Z2-9]{6}(-[A-HJ-NP-Z2-9]{5}){4}-[A-HJ-NP-Z2-9]{6}", code), code
    assert db.generate_recovery_code() != code
    credential = db.create_recovery_key("Y2gtcmVjb3Zlcnk", code, "frank")
    assert credential["credentialKind"] == "RecoveryKey"
    with db.Signer.recovery_key(credential["encryptedPrivateKey"], code, "frank") as signer:
        assert signer.kind == "recovery_key"
        factor = json.loads(signer.sign_challenge(challenge_for()))  # not checked against allowCredentials
        assert factor["kind"] == "RecoveryKey"
    with pytest.raises(db.WrongPasswordError):
        db.Signer.recovery_key(credential["encryptedPrivateKey"], "D1-not-a-code", "frank")
    with pytest.raises(db.WrongPasswordError):
        db.create_recovery_key("Y2gt", "bad code", "frank")


def test_recovery_is_signed_over_the_new_credentials() -> None:
    code = db.generate_recovery_code()
    credential = db.create_recovery_key("Y2gtcmVjb3Zlcnk", code, "frank")
    private_pem = db.unwrap_private_key(credential["encryptedPrivateKey"], code, "frank")
    public_key = serialization.load_pem_private_key(private_pem.encode(), None).public_key()
    pem = public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    new_credentials = {"firstFactorCredential": {"credentialKind": "Fido2", "path": "a/b"}, "n": [1, 2.5]}
    with db.Signer.recovery_key(credential["encryptedPrivateKey"], code, "frank") as signer:
        recovery = signer.sign_recovery(new_credentials)
        # over base64url of the compact JSON, however the text given was spaced
        expected = b64url(json.dumps(new_credentials, separators=(",", ":")).encode())
        verify_key_assertion(recovery, {"challenge": expected}, pem, kind="RecoveryKey")
        assert signer.sign_recovery(json.dumps(new_credentials, indent=2)) is not None
        with pytest.raises(db.InvalidArgumentError):
            signer.sign_recovery("[1]")
    with db.Signer.from_key_pem(db.generate_key(db.KeyKind.P256).private_key_pem) as key_signer:
        with pytest.raises(db.UnsupportedError):
            key_signer.sign_recovery(new_credentials)


def test_fido2_credential_for_a_registration_challenge(authenticator: db.SoftwareAuthenticator, policy: db.Policy) -> None:
    raw = b"registration-challenge-bytes"
    challenge = {"challenge": b64url(raw), "user": {"id": "us-7", "name": "grace@example.org"},
                 "pubKeyCredParams": [{"type": "public-key", "alg": -35}, {"type": "public-key", "alg": -7}],
                 "attestation": "direct", "rp": {"id": "ignored.example", "name": "ignored"}}
    credential, signer = db.create_fido2_credential(authenticator, RP_ID, ORIGIN, challenge, "phone")
    with signer:
        assert credential["credentialKind"] == "Fido2" and credential["credentialName"] == "phone"
        info = credential["credentialInfo"]
        registration = db.verify_registration(policy, b64url_decode(info["clientData"]),
                                              b64url_decode(info["attestationData"]), raw)
        with registration:
            assert registration.fmt == "packed" and registration.public_key.alg == db.CoseAlgorithm.ES256
        assert signer.credential_id == info["credId"] and signer.kind == "webauthn"
        factor = json.loads(signer.sign_challenge(challenge_for(webauthn=(info["credId"],))))
        assert factor["kind"] == "Fido2"
    with pytest.raises(db.InvalidArgumentError):
        db.create_fido2_credential(authenticator, RP_ID, ORIGIN, {"challenge": "Y2g"})
    with pytest.raises(db.SignatureError):
        db.create_fido2_credential(authenticator, RP_ID, ORIGIN, {**challenge, "pubKeyCredParams": [{"type": "public-key", "alg": -35}]})
    with pytest.raises(TypeError):
        db.create_fido2_credential("device", RP_ID, ORIGIN, challenge)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------------
# Webhooks and returned signatures
# ------------------------------------------------------------------------------------------------


def sign_webhook(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_webhook_reference_vector(reference: Dict[str, Any]) -> None:
    vector = reference["webhook"]
    event = db.verify_webhook(vector["secret"], vector["payload"], vector["X-DFNS-WEBHOOK-SIGNATURE"],
                              now=json.loads(vector["payload"])["timestampSent"] + 5)
    assert event["id"] == "whe-1" and event["kind"] == "wallet.created"


def test_webhook_good_and_bad() -> None:
    secret = "whs-python-test"
    sent = int(time.time())
    body = json.dumps({"id": "whe-7", "kind": "wallet.signature.signed", "date": "2026-12-02T10:00:00.000Z",
                       "data": {"signature": {"id": "sig-1"}}, "timestampSent": sent}).encode()
    header = sign_webhook(secret, body)
    assert db.verify_webhook(secret, body, header)["id"] == "whe-7"  # now = the current time
    assert db.verify_webhook(secret.encode(), bytearray(body), header.upper().replace("SHA256=", "sha256="), now=sent)

    def refused(reason: str, *args: Any, **kwargs: Any) -> None:
        with pytest.raises(db.WebhookError) as info:
            db.verify_webhook(*args, **kwargs)
        assert info.value.status is db.Status.WEBHOOK_INVALID
        assert info.value.reason == reason, info.value.message

    tampered = body.replace(b"whe-7", b"whe-8")
    refused("signature_mismatch", secret, tampered, header, now=sent)
    refused("signature_mismatch", "whs-other", body, header, now=sent)
    refused("missing_signature_header", secret, body, None, now=sent)
    refused("malformed_signature_header", secret, body, header[7:], now=sent)
    refused("too_old", secret, body, header, now=sent + 301)
    refused("from_the_future", secret, body, header, now=sent - 61)
    assert db.verify_webhook(secret, body, header, now=sent + 1000, max_age=2000)["id"] == "whe-7"
    not_json = b"not json"
    refused("body_not_json", secret, not_json, sign_webhook(secret, not_json), now=sent)


def _low_s(signature: bytes, order: int) -> Tuple[int, int]:
    r, s = utils.decode_dss_signature(signature)
    return r, min(s, order - s)


SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


@pytest.mark.parametrize("curve,kind,order", [
    (ec.SECP256R1(), db.KeyKind.P256, P256_N),
    (ec.SECP256K1(), db.KeyKind.SECP256K1, SECP256K1_N),
])
def test_returned_ecdsa_signature(curve: ec.EllipticCurve, kind: db.KeyKind, order: int) -> None:
    private = ec.generate_private_key(curve)
    public = private.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
    digest = hashlib.sha256(b"a transaction").digest()
    r, s = _low_s(private.sign(digest, ec.ECDSA(utils.Prehashed(hashes.SHA256()))), order)
    r_hex, s_hex = "0x" + r.to_bytes(32, "big").hex(), "0x" + s.to_bytes(32, "big").hex()
    db.verify_returned_signature(kind, "0x" + public.hex(), digest, r_hex, s_hex)
    db.verify_returned_signature(kind, public, digest, r.to_bytes(32, "big"), s.to_bytes(32, "big"))
    with pytest.raises(db.ReturnedSignatureError):
        db.verify_returned_signature(kind, public.hex(), hashlib.sha256(b"another").digest(), r_hex, s_hex)
    high_s = "0x" + (order - s).to_bytes(32, "big").hex()
    if kind is db.KeyKind.SECP256K1:
        with pytest.raises(db.ReturnedSignatureError):
            db.verify_returned_signature(kind, public.hex(), digest, r_hex, high_s)
        db.verify_returned_signature(kind, public.hex(), digest, r_hex, high_s, allow_high_s=True)
        # with the recovery id: the right one of 0/1 recovers the key; the other does not
        results = []
        for recid in (0, 1):
            try:
                db.verify_returned_signature(kind, public.hex(), digest, r_hex, s_hex, recid=recid)
                results.append(True)
            except db.ReturnedSignatureError:
                results.append(False)
        assert sorted(results) == [False, True]


def test_returned_ed25519_signature_and_arguments() -> None:
    private = ed25519.Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    message = b"an Ed25519 message"
    signature = private.sign(message)
    db.verify_returned_signature("ed25519", public.hex(), message, signature[:32], signature[32:],
                                 encoded=signature.hex())
    with pytest.raises(db.ReturnedSignatureError):
        db.verify_returned_signature(db.KeyKind.ED25519, public.hex(), message + b"!", signature[:32], signature[32:])
    with pytest.raises(db.SignatureError):  # DFNS_ERR_INVALID_PUBLIC_KEY
        db.verify_returned_signature(db.KeyKind.ED25519, "00" * 5, message, signature[:32], signature[32:])
    with pytest.raises(db.UnsupportedError):
        db.verify_returned_signature(db.KeyKind.RSA, public.hex(), message, "01", "01")
    with pytest.raises(TypeError):
        db.verify_returned_signature(True, public.hex(), message, "01", "01")  # type: ignore[arg-type]


def test_raw_null_arguments_of_the_new_functions() -> None:
    from ctypes import byref, c_char_p, c_int, c_void_p

    from dfns_bridge import _lib

    lib = _lib.lib
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_signer_new_key(None, 0, None, byref(_lib.SignerPtr()))
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_signer_credential_id(None, byref(c_char_p()))
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_signer_sign_challenge(None, b"{}", byref(c_void_p()))
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_client_new(None, None, None, None, byref(_lib.ClientPtr()))
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_client_request(None, b"GET", b"/", None, byref(_lib.ResultPtr()))
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_result_http_status(None, byref(c_int()))
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_http_response_set_status(None, 200)
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_client_options_init(None, 64)
    with pytest.raises(db.InvalidArgumentError):
        lib.dfns_recovery_code_generate(None)
    for name, ptr_type in (("dfns_signer_free", _lib.SignerPtr), ("dfns_client_free", _lib.ClientPtr),
                           ("dfns_result_free", _lib.ResultPtr)):
        getattr(lib, name)(None)
        null = ptr_type()
        getattr(lib, name)(byref(null))
    options = _lib.ClientOptions()
    lib.dfns_client_options_init(byref(options), __import__("ctypes").sizeof(options))
    assert (options.connect_timeout_ms, options.timeout_ms, options.max_attempts,
            options.verify_returned_signatures, options.allow_insecure_http) == (10000, 30000, 3, 1, 0)
    assert options.user_agent_suffix is None and options.ca_bundle_path is None
