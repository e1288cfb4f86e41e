"""PublicKey: import from COSE/SPKI/PEM, export, verify; cross-checked with `cryptography`."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

import dfns_bridge as db
from conftest import ORIGIN, RP_ID

SIGNING_ALGS = [db.CoseAlgorithm.ES256, db.CoseAlgorithm.EDDSA, db.CoseAlgorithm.ES256K, db.CoseAlgorithm.RS256]


def _registered_key(authenticator, policy, alg) -> db.Registration:
    created = authenticator.register(RP_ID, ORIGIN, b"c" * 32, alg=alg)
    return db.verify_registration(policy, created.client_data_json, created.attestation_object, b"c" * 32)


@pytest.mark.parametrize("alg", SIGNING_ALGS, ids=lambda a: a.name)
def test_cose_spki_pem_round_trip(authenticator, policy, alg) -> None:
    with _registered_key(authenticator, policy, alg) as reg:
        key = reg.public_key
        assert key.alg == alg
        cose, spki, pem = key.cose, key.spki, key.pem
        assert isinstance(cose, bytes) and cose
        assert spki.startswith(b"\x30")
        assert pem.startswith("-----BEGIN PUBLIC KEY-----") and pem.rstrip().endswith("-----END PUBLIC KEY-----")
        with db.PublicKey.from_cose(cose) as again:
            assert again.cose == cose and again.alg == alg and again == key
        with db.PublicKey.from_spki(spki, alg) as from_der:
            assert from_der.cose == cose
        with db.PublicKey.from_spki(pem, alg.name) as from_pem_text:
            assert from_pem_text.spki == spki
        with db.PublicKey.from_pem(pem.encode(), int(alg)) as from_pem_bytes:
            assert from_pem_bytes.spki == spki
        # cryptography reads the same key
        loaded = serialization.load_der_public_key(spki)
        assert serialization.load_pem_public_key(pem.encode()).public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        ) == spki
        expected_type = {
            db.CoseAlgorithm.ES256: ec.EllipticCurvePublicKey,
            db.CoseAlgorithm.ES256K: ec.EllipticCurvePublicKey,
            db.CoseAlgorithm.EDDSA: ed25519.Ed25519PublicKey,
            db.CoseAlgorithm.RS256: rsa.RSAPublicKey,
        }[alg]
        assert isinstance(loaded, expected_type)


@pytest.mark.parametrize("alg", SIGNING_ALGS, ids=lambda a: a.name)
def test_verify_assertion_signature_with_key_and_cryptography(authenticator, policy, alg) -> None:
    with _registered_key(authenticator, policy, alg) as reg:
        signed = authenticator.authenticate(RP_ID, ORIGIN, b"a" * 32, reg.credential_id)
        message = signed.authenticator_data + hashlib.sha256(signed.client_data_json).digest()
        reg.public_key.verify(message, signed.signature)
        assert reg.public_key.is_valid_signature(bytearray(message), memoryview(signed.signature))
        # The same signature verifies with cryptography.
        raw = serialization.load_der_public_key(reg.public_key.spki)
        if alg == db.CoseAlgorithm.EDDSA:
            raw.verify(signed.signature, message)
        elif alg == db.CoseAlgorithm.RS256:
            raw.verify(signed.signature, message, padding.PKCS1v15(), hashes.SHA256())
        else:
            raw.verify(signed.signature, message, ec.ECDSA(hashes.SHA256()))
        # A changed message does not verify.
        with pytest.raises(db.SignatureError) as info:
            reg.public_key.verify(message + b"x", signed.signature)
        assert info.value.name == "DFNS_ERR_SIGNATURE_INVALID"
        assert info.value.status == db.Status.SIGNATURE_INVALID
        assert info.value.message
        assert reg.public_key.is_valid_signature(message + b"x", signed.signature) is False


def test_import_key_made_by_cryptography() -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    spki = private.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    with db.PublicKey.from_spki(spki, db.CoseAlgorithm.ES256) as key:
        sig = private.sign(b"hello", ec.ECDSA(hashes.SHA256()))
        key.verify(b"hello", sig)
        with pytest.raises(db.SignatureError):
            key.verify(b"hellO", sig)


def test_spki_with_an_algorithm_that_does_not_fit() -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    spki = private.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    with pytest.raises(db.SignatureError) as info:
        db.PublicKey.from_spki(spki, db.CoseAlgorithm.RS256)
    assert info.value.name == "DFNS_ERR_UNSUPPORTED_ALGORITHM"


@pytest.mark.parametrize("data", [b"", b"\x00", b"\xa1\x01", b"\xa0", b"not cbor at all", b"\xa5" + b"\x00" * 40])
def test_garbage_cose_is_malformed(data: bytes) -> None:
    with pytest.raises((db.MalformedInputError, db.SignatureError)) as info:
        db.PublicKey.from_cose(data)
    assert info.value.message


def test_garbage_spki_is_malformed() -> None:
    with pytest.raises(db.MalformedInputError) as info:
        db.PublicKey.from_spki(b"\x30\x03\x02\x01\x00", "ES256")
    assert info.value.name in ("DFNS_ERR_MALFORMED_ENCODING", "DFNS_ERR_INVALID_PUBLIC_KEY")
    with pytest.raises((db.MalformedInputError, db.SignatureError)):
        db.PublicKey.from_spki("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "ES256")


@pytest.mark.parametrize("bad", [None, "text", 5, [1, 2]])
def test_wrong_types_raise_type_error_before_calling_c(bad) -> None:
    with pytest.raises(TypeError):
        db.PublicKey.from_cose(bad)


def test_algorithm_argument_checks() -> None:
    with pytest.raises(ValueError):
        db.PublicKey.from_spki(b"\x30", "NOPE256")
    with pytest.raises(TypeError):
        db.PublicKey.from_spki(b"\x30", True)
    with pytest.raises(TypeError):
        db.PublicKey.from_spki(b"\x30", 1.5)
    with pytest.raises(ValueError):
        db.PublicKey.from_spki(b"\x30", 2**40)


def test_verify_argument_types(authenticator, policy) -> None:
    with _registered_key(authenticator, policy, db.CoseAlgorithm.ES256) as reg:
        with pytest.raises(TypeError):
            reg.public_key.verify("message", b"sig")
        with pytest.raises(TypeError):
            reg.public_key.verify(b"message", None)
        with pytest.raises(db.SignatureError):
            reg.public_key.verify(b"", b"")


def test_close_twice_and_use_after_close(authenticator, policy) -> None:
    with _registered_key(authenticator, policy, db.CoseAlgorithm.ES256) as reg:
        key = db.PublicKey.from_cose(reg.public_key.cose)
    assert reg.public_key.closed
    reg.close()  # again: harmless
    key.close()
    key.close()
    assert key.closed
    with pytest.raises(ValueError):
        key.cose
    with pytest.raises(ValueError):
        key.alg
    with pytest.raises(ValueError):
        key.verify(b"m", b"s")
    with pytest.raises(ValueError):
        with key:
            pass
    assert "closed" in repr(key)


def test_close_refused_while_in_use(authenticator, policy) -> None:
    with _registered_key(authenticator, policy, db.CoseAlgorithm.ES256) as reg:
        key = reg.public_key
        key._acquire()  # as a call on another thread would
        with pytest.raises(RuntimeError):
            key.close()
        key._release()
        key.close()
        assert key.closed


def test_del_releases_the_handle(authenticator, policy) -> None:
    import gc

    with _registered_key(authenticator, policy, db.CoseAlgorithm.ES256) as reg:
        key = db.PublicKey.from_cose(reg.public_key.cose)
        del key
        gc.collect()


def test_repr_and_hash(authenticator, policy) -> None:
    with _registered_key(authenticator, policy, db.CoseAlgorithm.EDDSA) as reg:
        assert "EDDSA" in repr(reg.public_key)
        assert hash(reg.public_key) == hash(db.PublicKey.from_cose(reg.public_key.cose))
