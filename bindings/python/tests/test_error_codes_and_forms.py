"""Behaviour the 0.4 cleanups keep: one status per error code whatever the call, keys and trust
anchors in DER or PEM, and extension maps returned exactly as the authenticator encoded them."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

import dfns_bridge as db
from conftest import ORIGIN, RP_ID

CHALLENGE = bytes(range(32))

# {"hmac-secret": true, "credProtect": 2}: keys out of CTAP2 canonical order and 2 written as
# 0x18 0x02, so a re-encoding of the decoded map would differ.
EXTENSIONS = b"\xa2\x6bhmac-secret\xf5\x6bcredProtect\x18\x02"


def _client_data() -> bytes:
    encoded = base64.urlsafe_b64encode(CHALLENGE).rstrip(b"=").decode()
    return json.dumps({"type": "webauthn.get", "challenge": encoded, "origin": ORIGIN}).encode()


def _signed_assertion(authenticator_data: bytes) -> "tuple[ec.EllipticCurvePrivateKey, bytes, bytes]":
    key = ec.generate_private_key(ec.SECP256R1())
    client_data = _client_data()
    signature = key.sign(authenticator_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
    return key, client_data, signature


def test_assertion_extensions_come_back_as_sent(policy) -> None:
    auth_data = hashlib.sha256(RP_ID.encode()).digest() + b"\x81" + (7).to_bytes(4, "big") + EXTENSIONS
    key, client_data, signature = _signed_assertion(auth_data)
    spki = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    with db.PublicKey.from_spki(spki, db.CoseAlgorithm.ES256) as public_key:
        kept = db.verify_assertion(policy, public_key, client_data, auth_data, signature, CHALLENGE)
        assert kept.sign_count == 7
        assert kept.extensions == EXTENSIONS
        # The one-call COSE path returns the same bytes.
        cose = db.verify_assertion(policy, public_key.cose, client_data, auth_data, signature, CHALLENGE)
        assert cose.extensions == EXTENSIONS


def test_public_keys_in_der_and_pem_are_the_same_key() -> None:
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    with db.PublicKey.from_spki(der, db.CoseAlgorithm.ES256) as a, db.PublicKey.from_spki(pem, db.CoseAlgorithm.ES256) as b, \
            db.PublicKey.from_spki(pem.decode(), db.CoseAlgorithm.ES256) as c:
        assert a.spki == b.spki == c.spki == der
    with pytest.raises(db.MalformedInputError) as info:
        db.PublicKey.from_spki(b"-----BEGIN PUBLIC KEY-----\n\xff\n-----END PUBLIC KEY-----\n", db.CoseAlgorithm.ES256)
    assert info.value.name == "DFNS_ERR_MALFORMED_ENCODING"


def test_trust_anchor_formats_and_forms(shared) -> None:
    pem = (shared / "roots" / "apple-webauthn-root-ca.pem").read_text()
    der = x509.load_pem_x509_certificate(pem.encode()).public_bytes(serialization.Encoding.DER)
    with db.Policy(RP_ID, ORIGIN) as p:
        for fmt in ("packed", "tpm", "android-key", "android-safetynet", "fido-u2f", "apple"):
            p.add_trust_anchor(fmt, der)
            p.add_trust_anchor(fmt, pem)
            p.add_trust_anchor(fmt, pem + pem)
        for fmt in ("none", "compound", "Packed"):
            with pytest.raises(db.InvalidArgumentError):
                p.add_trust_anchor(fmt, der)
        with pytest.raises(db.AttestationError) as info:
            p.add_trust_anchor("apple", der + b"\x00")
        assert info.value.name == "DFNS_ERR_ATTESTATION_CERTIFICATE_INVALID"


def test_statuses_of_the_split_calling_errors(authenticator, policy) -> None:
    # unknown_credential -> DFNS_ERR_NOT_FOUND, with the code's name in the message.
    with pytest.raises(db.NotFoundError) as info:
        authenticator.authenticate(RP_ID, ORIGIN, CHALLENGE, b"no such credential")
    assert "unknown_credential" in info.value.message
    # A clientDataHash of the wrong length never reaches a verifier (the binding checks it first;
    # the C layer would answer DFNS_ERR_INVALID_ARGUMENT).
    created = authenticator.register(RP_ID, ORIGIN, CHALLENGE)
    with pytest.raises(ValueError):
        db.verify_registration_hash(policy, hashlib.sha256(created.client_data_json).digest()[:31], created.attestation_object)
    # An empty RP ID is refused when the policy is made.
    with pytest.raises(db.InvalidArgumentError):
        db.Policy("")
