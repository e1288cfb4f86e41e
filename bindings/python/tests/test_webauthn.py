"""Registration and assertion through the software authenticator: round trips and failures."""

from __future__ import annotations

import hashlib
import json

import pytest

import dfns_bridge as db
from conftest import ORIGIN, RP_ID

ALGS = [db.CoseAlgorithm.ES256, db.CoseAlgorithm.EDDSA, db.CoseAlgorithm.ES256K, db.CoseAlgorithm.RS256]
CHALLENGE = bytes(range(32))


def register(authenticator, policy, alg=db.CoseAlgorithm.ES256, **kwargs):
    created = authenticator.register(RP_ID, ORIGIN, CHALLENGE, alg=alg, **kwargs)
    return created, db.verify_registration(policy, created.client_data_json, created.attestation_object, CHALLENGE)


@pytest.mark.parametrize("attestation", ["none", db.AttestationKind.PACKED_SELF])
@pytest.mark.parametrize("alg", ALGS, ids=lambda a: a.name)
def test_register_and_assert_round_trip(authenticator, policy, alg, attestation) -> None:
    created = authenticator.register(
        RP_ID, ORIGIN, CHALLENGE, alg=alg, attestation=attestation, user_handle=b"user-1", user_verified=True
    )
    assert isinstance(created, db.RegistrationResponse)
    assert json.loads(created.client_data_json)["type"] == "webauthn.create"
    with db.verify_registration(policy, created.client_data_json, created.attestation_object, CHALLENGE) as reg:
        assert isinstance(reg, db.Registration)
        assert reg.credential_id == created.credential_id
        assert reg.aaguid == bytes(16)
        assert reg.public_key.alg == alg
        if attestation == "none":
            assert (reg.fmt, reg.attestation_type) == ("none", "none")
        else:
            assert (reg.fmt, reg.attestation_type) == ("packed", "self")
        assert reg.trusted is False
        assert reg.sign_count == 0
        assert reg.flags & db.AuthenticatorFlags.AT
        assert reg.user_present and reg.user_verified
        assert reg.extensions is None

        count = reg.sign_count
        for i in range(3):
            challenge = hashlib.sha256(b"%d" % i).digest()
            signed = authenticator.authenticate(RP_ID, ORIGIN, challenge, reg.credential_id)
            assert isinstance(signed, db.AssertionResponse)
            assert signed.credential_id == reg.credential_id
            assert signed.user_handle == b"user-1"
            result = db.verify_assertion(
                policy,
                reg.public_key,
                signed.client_data_json,
                signed.authenticator_data,
                signed.signature,
                challenge,
                sign_count=count,
                backup_eligible=reg.backup_eligible,
            )
            assert isinstance(result, db.Assertion)
            assert result.sign_count > count
            assert result.user_present and result.user_verified
            assert not result.sign_count_regressed
            assert result.extensions is None
            count = result.sign_count
            # The cold path: the stored COSE bytes imported for the call.
            again = db.verify_assertion(
                policy, reg.public_key.cose, signed.client_data_json, signed.authenticator_data, signed.signature, challenge
            )
            assert again.sign_count == result.sign_count
            # The CTAP-level variant with the client data hash.
            hashed = db.verify_assertion_hash(
                policy,
                reg.public_key,
                hashlib.sha256(signed.client_data_json).digest(),
                signed.authenticator_data,
                signed.signature,
            )
            assert hashed.sign_count == result.sign_count


def test_registration_hash_variant(authenticator, policy) -> None:
    created = authenticator.register(RP_ID, ORIGIN, CHALLENGE, attestation="packed-self")
    cdh = hashlib.sha256(created.client_data_json).digest()
    with db.verify_registration_hash(policy, cdh, created.attestation_object) as reg:
        assert reg.credential_id == created.credential_id
        assert reg.fmt == "packed"
    with pytest.raises(ValueError):
        db.verify_registration_hash(policy, cdh[:31], created.attestation_object)
    with pytest.raises((db.SignatureError, db.AttestationError)):  # self attestation signs the hash
        db.verify_registration_hash(policy, bytes(32), created.attestation_object)


def test_registration_with_bytearray_and_memoryview(authenticator, policy) -> None:
    created = authenticator.register(RP_ID, ORIGIN, CHALLENGE)
    with db.verify_registration(
        policy, bytearray(created.client_data_json), memoryview(created.attestation_object), bytearray(CHALLENGE)
    ) as reg:
        assert reg.credential_id == created.credential_id


def test_wrong_challenge_is_client_data_error(authenticator, policy) -> None:
    created = authenticator.register(RP_ID, ORIGIN, CHALLENGE)
    with pytest.raises(db.ClientDataError) as info:
        db.verify_registration(policy, created.client_data_json, created.attestation_object, b"other challenge")
    error = info.value
    assert error.name == "DFNS_ERR_CHALLENGE_MISMATCH"
    assert error.status == db.Status.CHALLENGE_MISMATCH == -201
    assert error.message and error.function == "dfns_registration_verify"

    with register(authenticator, policy)[1] as reg:
        signed = authenticator.authenticate(RP_ID, ORIGIN, b"right", reg.credential_id)
        with pytest.raises(db.ClientDataError) as info:
            db.verify_assertion(
                policy, reg.public_key, signed.client_data_json, signed.authenticator_data, signed.signature, b"wrong"
            )
        assert info.value.name == "DFNS_ERR_CHALLENGE_MISMATCH"
        assert info.value.message


def test_wrong_origin_and_rp_id(authenticator) -> None:
    created = authenticator.register(RP_ID, "https://evil.example", CHALLENGE)
    with db.Policy(RP_ID, ORIGIN) as policy:
        with pytest.raises(db.ClientDataError) as info:
            db.verify_registration(policy, created.client_data_json, created.attestation_object, CHALLENGE)
        assert info.value.name == "DFNS_ERR_ORIGIN_NOT_ALLOWED"
    created = authenticator.register("other.org", ORIGIN, CHALLENGE)
    with db.Policy(RP_ID, ORIGIN) as policy:
        with pytest.raises(db.AuthenticatorDataError) as info:
            db.verify_registration(policy, created.client_data_json, created.attestation_object, CHALLENGE)
        assert info.value.name == "DFNS_ERR_RP_ID_HASH_MISMATCH"


def test_assertion_type_used_for_registration(authenticator, policy) -> None:
    with register(authenticator, policy)[1] as reg:
        signed = authenticator.authenticate(RP_ID, ORIGIN, CHALLENGE, reg.credential_id)
        with pytest.raises(db.DfnsError) as info:
            db.verify_registration(policy, signed.client_data_json, signed.authenticator_data, CHALLENGE)
        assert isinstance(info.value, (db.ClientDataError, db.MalformedInputError))


def test_user_verification_required(authenticator) -> None:
    with db.Policy(RP_ID, ORIGIN, require_user_verification=True) as policy:
        created = authenticator.register(RP_ID, ORIGIN, CHALLENGE, user_verified=False)
        with pytest.raises(db.AuthenticatorDataError) as info:
            db.verify_registration(policy, created.client_data_json, created.attestation_object, CHALLENGE)
        assert info.value.name == "DFNS_ERR_USER_VERIFICATION_MISSING"
        created = authenticator.register(RP_ID, ORIGIN, CHALLENGE, user_verified=True)
        with db.verify_registration(policy, created.client_data_json, created.attestation_object, CHALLENGE) as reg:
            signed = authenticator.authenticate(RP_ID, ORIGIN, CHALLENGE, reg.credential_id, user_verified=False)
            with pytest.raises(db.AuthenticatorDataError) as info:
                db.verify_assertion(
                    policy, reg.public_key, signed.client_data_json, signed.authenticator_data, signed.signature, CHALLENGE
                )
            assert info.value.name == "DFNS_ERR_USER_VERIFICATION_MISSING"


def test_tampered_signature_and_wrong_key(authenticator, policy) -> None:
    with register(authenticator, policy)[1] as reg, register(authenticator, policy)[1] as other:
        signed = authenticator.authenticate(RP_ID, ORIGIN, CHALLENGE, reg.credential_id)
        bad = bytearray(signed.signature)
        bad[-1] ^= 1
        with pytest.raises(db.SignatureError) as info:
            db.verify_assertion(policy, reg.public_key, signed.client_data_json, signed.authenticator_data, bytes(bad), CHALLENGE)
        assert info.value.name == "DFNS_ERR_SIGNATURE_INVALID"
        with pytest.raises(db.SignatureError) as info:
            db.verify_assertion(
                policy, other.public_key, signed.client_data_json, signed.authenticator_data, signed.signature, CHALLENGE
            )
        assert info.value.name == "DFNS_ERR_SIGNATURE_INVALID"


def test_algorithm_not_allowed(authenticator) -> None:
    with db.Policy(RP_ID, ORIGIN, algorithms=["ES256"]) as policy:
        created = authenticator.register(RP_ID, ORIGIN, CHALLENGE, alg="EdDSA")
        with pytest.raises(db.SignatureError) as info:
            db.verify_registration(policy, created.client_data_json, created.attestation_object, CHALLENGE)
        assert info.value.name == "DFNS_ERR_ALGORITHM_NOT_ALLOWED"


def test_sign_count_regression(authenticator) -> None:
    strict = db.Policy(RP_ID, ORIGIN)
    lenient = db.Policy(RP_ID, ORIGIN, flag_sign_count_regression=True)
    with strict, lenient, register(authenticator, strict)[1] as reg:
        signed = authenticator.authenticate(RP_ID, ORIGIN, CHALLENGE, reg.credential_id)
        args = (reg.public_key, signed.client_data_json, signed.authenticator_data, signed.signature, CHALLENGE)
        with pytest.raises(db.AuthenticatorDataError) as info:
            db.verify_assertion(strict, *args, sign_count=1000)
        assert info.value.name == "DFNS_ERR_SIGN_COUNT_NOT_INCREASED"
        result = db.verify_assertion(lenient, *args, sign_count=1000)
        assert result.sign_count_regressed is True


def test_backup_eligibility_changed(authenticator, policy) -> None:
    with register(authenticator, policy)[1] as reg:
        signed = authenticator.authenticate(RP_ID, ORIGIN, CHALLENGE, reg.credential_id)
        args = (policy, reg.public_key, signed.client_data_json, signed.authenticator_data, signed.signature, CHALLENGE)
        db.verify_assertion(*args, backup_eligible=reg.backup_eligible)
        with pytest.raises(db.AuthenticatorDataError) as info:
            db.verify_assertion(*args, backup_eligible=not reg.backup_eligible)
        assert info.value.name == "DFNS_ERR_BACKUP_ELIGIBILITY_CHANGED"


@pytest.mark.parametrize(
    "attestation_object",
    [b"", b"\x00", b"\xff" * 10, b"\xa3\x63fmt\x64none", b"\x9a\x10\x00\x00\x00", b"\xbf\xff"],
    ids=["empty", "zero", "ff", "truncated", "huge-array", "indefinite"],
)
def test_garbage_attestation_object(authenticator, policy, attestation_object: bytes) -> None:
    created = authenticator.register(RP_ID, ORIGIN, CHALLENGE)
    with pytest.raises(db.MalformedInputError) as info:
        db.verify_registration(policy, created.client_data_json, attestation_object, CHALLENGE)
    assert info.value.message


def test_garbage_client_data(authenticator, policy) -> None:
    created = authenticator.register(RP_ID, ORIGIN, CHALLENGE)
    for cdj in (b"", b"{", b"[]", b"\xff\xfe", b'{"type":"webauthn.create"}'):
        with pytest.raises(db.DfnsError) as info:
            db.verify_registration(policy, cdj, created.attestation_object, CHALLENGE)
        assert isinstance(info.value, (db.MalformedInputError, db.ClientDataError)), cdj
        assert info.value.message


def test_empty_challenge_and_empty_assertion_parts(authenticator, policy) -> None:
    created = authenticator.register(RP_ID, ORIGIN, CHALLENGE)
    with pytest.raises(db.DfnsError):
        db.verify_registration(policy, created.client_data_json, created.attestation_object, b"")
    with register(authenticator, policy)[1] as reg:
        signed = authenticator.authenticate(RP_ID, ORIGIN, CHALLENGE, reg.credential_id)
        with pytest.raises(db.MalformedInputError):
            db.verify_assertion(policy, reg.public_key, signed.client_data_json, b"", signed.signature, CHALLENGE)
        with pytest.raises(db.SignatureError):
            db.verify_assertion(policy, reg.public_key, signed.client_data_json, signed.authenticator_data, b"", CHALLENGE)
        other_rp = bytes([signed.authenticator_data[0] ^ 1]) + signed.authenticator_data[1:]
        with pytest.raises(db.AuthenticatorDataError) as info:
            db.verify_assertion(policy, reg.public_key, signed.client_data_json, other_rp, signed.signature, CHALLENGE)
        assert info.value.name == "DFNS_ERR_RP_ID_HASH_MISMATCH"
        with pytest.raises(db.MalformedInputError) as info:
            db.verify_assertion(policy, reg.public_key, signed.client_data_json, signed.authenticator_data[:36], signed.signature, CHALLENGE)
        assert info.value.name == "DFNS_ERR_MALFORMED_AUTHENTICATOR_DATA"


def test_policy_without_origins(authenticator) -> None:
    created = authenticator.register(RP_ID, ORIGIN, CHALLENGE)
    with db.Policy(RP_ID) as policy:
        with pytest.raises(db.DfnsError) as info:
            db.verify_registration(policy, created.client_data_json, created.attestation_object, CHALLENGE)
        assert isinstance(info.value, (db.ClientDataError, db.PolicyError))


@pytest.mark.parametrize(
    "call",
    [
        lambda p, r: db.verify_registration("policy", r.client_data_json, r.attestation_object, CHALLENGE),
        lambda p, r: db.verify_registration(p, r.client_data_json.decode(), r.attestation_object, CHALLENGE),
        lambda p, r: db.verify_registration(p, r.client_data_json, None, CHALLENGE),
        lambda p, r: db.verify_registration(p, r.client_data_json, r.attestation_object, "challenge"),
        lambda p, r: db.verify_registration(p, r.client_data_json, r.attestation_object, 123),
        lambda p, r: db.verify_assertion(p, "key", b"", b"", b"", b""),
        lambda p, r: db.verify_assertion(p, None, b"", b"", b"", b""),
        lambda p, r: db.verify_assertion(None, b"", b"", b"", b"", b""),
        lambda p, r: db.verify_assertion(p, b"", "cdj", b"", b"", b""),
        lambda p, r: db.verify_assertion(p, b"", b"", b"", b"", b"", sign_count="1"),
        lambda p, r: db.verify_assertion(p, b"", b"", b"", b"", b"", backup_eligible="yes"),
        lambda p, r: db.verify_assertion_hash(p, b"", "hash", b"", b""),
        lambda p, r: db.verify_registration_hash(p, [0] * 32, r.attestation_object),
    ],
)
def test_wrong_types_raise_type_error_before_calling_c(authenticator, policy, call) -> None:
    created = authenticator.register(RP_ID, ORIGIN, CHALLENGE)
    with pytest.raises(TypeError):
        call(policy, created)


def test_value_errors_before_calling_c(authenticator, policy) -> None:
    with pytest.raises(ValueError):
        db.verify_assertion(policy, b"", b"", b"", b"", b"", sign_count=-1)
    with pytest.raises(ValueError):
        db.verify_assertion(policy, b"", b"", b"", b"", b"", sign_count=2**32)
    with pytest.raises(ValueError):
        db.verify_assertion_hash(policy, b"", bytes(31), b"", b"")


def test_closed_policy_or_key(authenticator) -> None:
    created = authenticator.register(RP_ID, ORIGIN, CHALLENGE)
    policy = db.Policy(RP_ID, ORIGIN)
    reg = db.verify_registration(policy, created.client_data_json, created.attestation_object, CHALLENGE)
    signed = authenticator.authenticate(RP_ID, ORIGIN, CHALLENGE, reg.credential_id)
    reg.close()
    with pytest.raises(ValueError):
        db.verify_assertion(policy, reg.public_key, signed.client_data_json, signed.authenticator_data, signed.signature, CHALLENGE)
    policy.close()
    with pytest.raises(ValueError):
        db.verify_registration(policy, created.client_data_json, created.attestation_object, CHALLENGE)


def test_authenticator_errors(authenticator) -> None:
    with pytest.raises(db.NotFoundError) as info:
        authenticator.authenticate(RP_ID, ORIGIN, CHALLENGE, b"no such credential")
    assert info.value.name == "DFNS_ERR_NOT_FOUND"
    with pytest.raises(db.SignatureError) as info:
        authenticator.register(RP_ID, ORIGIN, CHALLENGE, alg=db.CoseAlgorithm.ES384)
    assert info.value.name == "DFNS_ERR_UNSUPPORTED_ALGORITHM"
    with pytest.raises(db.InvalidArgumentError):
        authenticator.register("", ORIGIN, CHALLENGE)
    with pytest.raises(db.InvalidArgumentError):
        authenticator.register(RP_ID, ORIGIN, CHALLENGE, attestation=7)
    with pytest.raises(ValueError):
        authenticator.register(RP_ID, ORIGIN, CHALLENGE, attestation="full")
    with pytest.raises(TypeError):
        authenticator.register(RP_ID, ORIGIN, "challenge")
    with pytest.raises(TypeError):
        authenticator.register(RP_ID, b"https://example.org", CHALLENGE)
    with pytest.raises(TypeError):
        authenticator.authenticate(RP_ID, ORIGIN, CHALLENGE, "credential")
    # A credential exists only for its RP ID.
    created = authenticator.register(RP_ID, ORIGIN, CHALLENGE)
    with pytest.raises(db.NotFoundError):
        authenticator.authenticate("other.org", ORIGIN, CHALLENGE, created.credential_id)


def test_authenticator_close_twice() -> None:
    device = db.SoftwareAuthenticator()
    device.close()
    device.close()
    assert device.closed
    with pytest.raises(ValueError):
        device.register(RP_ID, ORIGIN, CHALLENGE)


def test_registration_result_is_immutable(authenticator, policy) -> None:
    import dataclasses

    with register(authenticator, policy)[1] as reg:
        with pytest.raises(dataclasses.FrozenInstanceError):
            reg.sign_count = 5  # type: ignore[misc]
