"""ML-DSA-65/87 (COSE -49/-50, AKP keys) through the binding, with the py_webauthn ML-DSA vectors."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest

import dfns_bridge as db
from conftest import vectors_dir

LEVELS = {65: (db.CoseAlgorithm.ML_DSA_65, 1952, 3309), 87: (db.CoseAlgorithm.ML_DSA_87, 2592, 4627)}


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _vector(level: int) -> dict:
    path = vectors_dir() / f"pywebauthn-auth-verify-ml-dsa-{level}-response.json"
    if not path.exists():
        pytest.fail(f"vector not found at {path} (set DFNS_SHARED_DIR)")
    return json.loads(path.read_text())


def test_enum_values_and_names() -> None:
    assert int(db.CoseAlgorithm.ML_DSA_65) == -49 and int(db.CoseAlgorithm.ML_DSA_87) == -50
    assert db.enums.coerce_algorithm("ML-DSA-65") == -49
    assert db.enums.coerce_algorithm("ml_dsa_87") == -50
    assert db.enums.coerce_algorithm("EdDSA") == -8
    with pytest.raises(ValueError):
        db.enums.coerce_algorithm("ML-DSA-44")


@pytest.mark.parametrize("level", sorted(LEVELS))
def test_vector_key_signature_and_assertion(level: int) -> None:
    alg, pub_len, sig_len = LEVELS[level]
    v = _vector(level)
    cose = _b64url(v["credentialPublicKey_b64url"])
    auth = _b64url(v["authenticatorData_b64url"])
    cdj = _b64url(v["clientDataJSON_b64url"])
    sig = _b64url(v["signature_b64url"])
    assert len(sig) == sig_len
    message = auth + hashlib.sha256(cdj).digest()
    with db.PublicKey.from_cose(cose) as key:
        assert key.alg == alg
        assert key.cose == cose
        key.verify(message, sig)
        assert key.is_valid_signature(message, sig)
        bad = bytearray(sig)
        bad[100] ^= 1
        assert key.is_valid_signature(message, bytes(bad)) is False
        with pytest.raises(db.SignatureError) as info:
            key.verify(message + b"x", sig)
        assert info.value.name == "DFNS_ERR_SIGNATURE_INVALID"
        assert key.is_valid_signature(message, sig[:-1]) is False
        # RFC 9881 SPKI: id-ml-dsa-65 / -87, the raw key last; it imports again with the same algorithm.
        spki = key.spki
        assert len(spki) == pub_len + 22 and spki[6:16] == bytes.fromhex("06096086480165030403")
        assert spki[16] == (0x12 if level == 65 else 0x13) and spki[22:] == cose[-pub_len:]
        assert key.pem.startswith("-----BEGIN PUBLIC KEY-----")
        with db.PublicKey.from_spki(spki, alg) as again:
            assert again == key and again.cose == cose
        with db.PublicKey.from_spki(key.pem, alg.name) as from_pem:
            assert from_pem.spki == spki
        other = db.CoseAlgorithm.ML_DSA_87 if level == 65 else db.CoseAlgorithm.ML_DSA_65
        with pytest.raises(db.SignatureError) as info:
            db.PublicKey.from_spki(spki, other)
        assert info.value.name == "DFNS_ERR_UNSUPPORTED_ALGORITHM"

        # The whole assertion under a default policy (ML-DSA is in the default algorithms).
        with db.Policy(v["rpId"], [v["origin"]]) as policy:
            result = db.verify_assertion(
                policy, key, cdj, auth, sig, _b64url(v["challenge_b64url"]), sign_count=v["currentSignCount"]
            )
            assert result.sign_count == v["expected_newSignCount"]
            # and from the stored COSE bytes
            again = db.verify_assertion(policy, cose, cdj, auth, sig, _b64url(v["challenge_b64url"]))
            assert again.sign_count == v["expected_newSignCount"]
        # A policy that leaves ML-DSA out refuses it.
        with db.Policy(v["rpId"], [v["origin"]], algorithms=["ES256"]) as policy:
            with pytest.raises(db.DfnsError):
                db.verify_assertion(policy, key, cdj, auth, sig, _b64url(v["challenge_b64url"]))


@pytest.mark.parametrize("level", sorted(LEVELS))
def test_bad_keys(level: int) -> None:
    cose = _b64url(_vector(level)["credentialPublicKey_b64url"])
    # pub one byte short (its 16-bit length rewritten)
    pub_len = LEVELS[level][1]
    short = bytearray(cose[:-1])
    short[8:10] = (pub_len - 1).to_bytes(2, "big")
    with pytest.raises(db.DfnsError) as info:
        db.PublicKey.from_cose(bytes(short))
    assert info.value.name == "DFNS_ERR_INVALID_PUBLIC_KEY"
    # the other ML-DSA algorithm label
    relabelled = bytearray(cose)
    relabelled[5] = 0x31 if level == 65 else 0x30
    with pytest.raises(db.DfnsError) as info:
        db.PublicKey.from_cose(bytes(relabelled))
    assert info.value.name == "DFNS_ERR_INVALID_PUBLIC_KEY"


def test_ml_dsa_44_is_unsupported() -> None:
    path = vectors_dir() / "pywebauthn-auth-verify-ml-dsa-44-response.json"
    cose = _b64url(json.loads(path.read_text())["credentialPublicKey_b64url"])
    with pytest.raises(db.DfnsError) as info:
        db.PublicKey.from_cose(cose)
    assert info.value.name == "DFNS_ERR_UNSUPPORTED_ALGORITHM"
    assert "ML-DSA-44" in info.value.message
