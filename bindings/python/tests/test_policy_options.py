"""The relying-party options of 0.4 through the Python binding, each off by default, positive and negative.

Subdomain origins and any loopback port, additional RP IDs, clientData type lists, the U2F AppID on
assertions (``appid_extension_used``), the TPM manufacturer allowlist and SafetyNet
``ctsProfileMatch`` (the last two on third-party vectors read from ../shared at test time).
"""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest

import dfns_bridge as db
from conftest import ORIGIN, RP_ID, vectors_dir
from dfns_bridge.errors import Status

APPID = "https://example.org/app-id.json"
CHALLENGE = bytes(range(32))


def b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def credential(authenticator, rp_id: str, origin: str):
    """A credential for ``rp_id`` at ``origin``: its public key and one signed assertion."""
    created = authenticator.register(rp_id, origin, CHALLENGE)
    with db.Policy(rp_id, origin) as own:
        reg = db.verify_registration(own, created.client_data_json, created.attestation_object, CHALLENGE)
    signed = authenticator.authenticate(rp_id, origin, CHALLENGE, created.credential_id)
    return reg, signed


def verify(policy, reg, signed, **kwargs):
    return db.verify_assertion(
        policy, reg.public_key, signed.client_data_json, signed.authenticator_data, signed.signature, CHALLENGE, **kwargs
    )


def test_every_new_option_is_off_by_default() -> None:
    with db.Policy(RP_ID, ORIGIN) as policy:
        assert policy.allow_subdomain_origins is False
        assert policy.allow_any_loopback_port is False
        assert policy.rp_ids == (RP_ID,)
        assert policy.appid is None
        assert policy.tpm_manufacturers == ()
        assert policy.client_data_types("registration") == ("webauthn.create",)
        assert policy.client_data_types("assertion") == ("webauthn.get",)
        assert policy.safetynet_require_cts_profile_match is True
        options = policy.options()
        assert options["allow_subdomain_origins"] is False and options["allow_any_loopback_port"] is False


def test_subdomain_origins(authenticator) -> None:
    reg, signed = credential(authenticator, RP_ID, "https://login.example.org")
    _, sibling = credential(authenticator, RP_ID, "https://badexample.org")
    with db.Policy(RP_ID, ORIGIN) as policy:
        with pytest.raises(db.ClientDataError) as info:
            verify(policy, reg, signed)
        assert info.value.status == Status.ORIGIN_NOT_ALLOWED
        policy.allow_subdomain_origins = True
        assert verify(policy, reg, signed).sign_count == 1
        with pytest.raises(db.ClientDataError):
            db.verify_assertion(policy, reg.public_key, sibling.client_data_json, sibling.authenticator_data,
                                sibling.signature, CHALLENGE)
    reg.close()


def test_any_loopback_port(authenticator) -> None:
    reg, signed = credential(authenticator, "localhost", "http://localhost:5173")
    with db.Policy("localhost", "http://localhost") as policy:
        with pytest.raises(db.ClientDataError):
            verify(policy, reg, signed)
    with db.Policy("localhost", "http://localhost", allow_any_loopback_port=True) as policy:
        verify(policy, reg, signed)
    with db.Policy("localhost", "http://127.0.0.1", allow_any_loopback_port=True) as policy:
        with pytest.raises(db.ClientDataError):
            verify(policy, reg, signed)
    reg.close()


def test_additional_rp_ids(authenticator) -> None:
    reg, signed = credential(authenticator, "example.net", "https://example.net")
    with db.Policy(RP_ID, [ORIGIN, "https://example.net"]) as policy:
        with pytest.raises(db.AuthenticatorDataError) as info:
            verify(policy, reg, signed)
        assert info.value.status == Status.RP_ID_HASH_MISMATCH
        with pytest.raises(db.InvalidArgumentError):
            policy.add_rp_id("")
        policy.add_rp_id("example.net")
        policy.add_rp_id("example.net")
        assert policy.rp_ids == (RP_ID, "example.net")
        verify(policy, reg, signed)
    with db.Policy(RP_ID, [ORIGIN, "https://example.net"], rp_ids="example.net") as policy:
        verify(policy, reg, signed)
    reg.close()


def test_registration_reports_the_matched_rp_id(authenticator) -> None:
    created = authenticator.register("example.net", "https://example.net", CHALLENGE)
    with db.Policy(RP_ID, [ORIGIN, "https://example.net"], rp_ids="example.net") as policy:
        with db.verify_registration(policy, created.client_data_json, created.attestation_object, CHALLENGE) as reg:
            assert reg.rp_id == "example.net"
    own = authenticator.register(RP_ID, ORIGIN, CHALLENGE)
    with db.Policy(RP_ID, [ORIGIN, "https://example.net"], rp_ids="example.net") as policy:
        with db.verify_registration(policy, own.client_data_json, own.attestation_object, CHALLENGE) as reg:
            assert reg.rp_id == RP_ID


def _registration_with_type(authenticator, client_data_type: str):
    """A ``none`` registration whose (unsigned) clientDataJSON says ``client_data_type``."""
    created = authenticator.register(RP_ID, ORIGIN, CHALLENGE, attestation="none")
    client_data = json.loads(created.client_data_json)
    client_data["type"] = client_data_type
    return json.dumps(client_data, separators=(",", ":")).encode(), created.attestation_object


def test_client_data_types(authenticator) -> None:
    custom = _registration_with_type(authenticator, "example.enroll")
    standard = _registration_with_type(authenticator, "webauthn.create")
    with db.Policy(RP_ID, ORIGIN) as policy:
        with pytest.raises(db.ClientDataError) as info:
            db.verify_registration(policy, *custom, CHALLENGE)
        assert info.value.status == Status.CLIENT_DATA_TYPE
        for bad in ([], [""], ["webauthn.create", ""]):
            with pytest.raises(db.InvalidArgumentError):
                policy.set_client_data_types("registration", bad)
        with pytest.raises(ValueError):
            policy.set_client_data_types("ceremony", ["webauthn.create"])
        with pytest.raises(ValueError):
            policy.set_client_data_types(3, ["webauthn.create"])
        # Nothing changed by the failed calls.
        assert policy.client_data_types("registration") == ("webauthn.create",)
        policy.set_client_data_types("assertion", ["example.enroll"])
        with pytest.raises(db.ClientDataError):
            db.verify_registration(policy, *custom, CHALLENGE)
        policy.set_client_data_types("registration", ["webauthn.create", "example.enroll"])
        db.verify_registration(policy, *custom, CHALLENGE).close()
        db.verify_registration(policy, *standard, CHALLENGE).close()
        policy.set_client_data_types(1, "example.enroll")
        assert policy.client_data_types("registration") == ("example.enroll",)
        with pytest.raises(db.ClientDataError):
            db.verify_registration(policy, *standard, CHALLENGE)

    reg, signed = credential(authenticator, RP_ID, ORIGIN)
    with db.Policy(RP_ID, ORIGIN, assertion_client_data_types=["payment.get"]) as policy:
        with pytest.raises(db.ClientDataError):
            verify(policy, reg, signed)
        policy.set_client_data_types("assertion", ["payment.get", "webauthn.get"])
        verify(policy, reg, signed)
    reg.close()


@pytest.mark.parametrize("as_cose", [False, True], ids=["kept key", "COSE bytes"])
def test_appid(authenticator, as_cose) -> None:
    reg, signed = credential(authenticator, APPID, ORIGIN)
    key = reg.public_key.cose if as_cose else reg.public_key
    args = (key, signed.client_data_json, signed.authenticator_data, signed.signature, CHALLENGE)
    with db.Policy(RP_ID, ORIGIN) as policy:
        # The flag alone does nothing without an AppID.
        with pytest.raises(db.AuthenticatorDataError):
            db.verify_assertion(policy, *args, appid_extension_used=True)
        with pytest.raises(db.InvalidArgumentError):
            policy.appid = ""
        policy.appid = APPID
        assert policy.appid == APPID
        # Without the client's appid: true the AppID hash is refused.
        with pytest.raises(db.AuthenticatorDataError) as info:
            db.verify_assertion(policy, *args)
        assert info.value.status == Status.RP_ID_HASH_MISMATCH and "appid" in info.value.message
        assert db.verify_assertion(policy, *args, appid_extension_used=True).sign_count == 1
        policy.appid = None
        with pytest.raises(db.AuthenticatorDataError):
            db.verify_assertion(policy, *args, appid_extension_used=True)
    with db.Policy(RP_ID, ORIGIN, appid=APPID) as policy:
        db.verify_assertion(policy, *args, appid_extension_used=True)
    reg.close()


def _load(name: str):
    vector = json.loads((vectors_dir() / name).read_text())
    when = dt.datetime.fromisoformat(vector["suggested_verification_time"].replace("Z", "+00:00"))
    return vector, when


def _register_vector(policy, vector) -> None:
    db.verify_registration(
        policy, b64url(vector["clientDataJSON_b64url"]), b64url(vector["attestationObject_b64url"]),
        b64url(vector["challenge_b64url"]),
    ).close()


def test_tpm_manufacturer_allowlist() -> None:
    # A Nuvoton TPM (tpmManufacturer id:4E544300) captured by py_webauthn.
    vector, when = _load("pywebauthn-reg-tpm-verify-attestation-dell-xps-13.json")
    with db.Policy(vector["rpId"], vector["origin"], verification_time=when, allow_sha1=True) as policy:
        for bad in ("", "AMD", "id:414D44", "id:414D440G", "414D4400"):
            with pytest.raises(db.InvalidArgumentError):
                policy.add_tpm_manufacturer(bad)
        _register_vector(policy, vector)
        policy.add_tpm_manufacturer("id:414D4400")
        with pytest.raises(db.AttestationError) as info:
            _register_vector(policy, vector)
        assert info.value.status == Status.ATTESTATION_POLICY_VIOLATION and "id:4E544300" in info.value.message
        policy.add_tpm_manufacturer("id:4e544300")
        assert policy.tpm_manufacturers == ("id:414D4400", "id:4E544300")
        _register_vector(policy, vector)
    with db.Policy(vector["rpId"], vector["origin"], verification_time=when, allow_sha1=True,
                   tpm_manufacturers=["id:49465800"]) as policy:
        with pytest.raises(db.AttestationError):
            _register_vector(policy, vector)


def test_safetynet_cts_profile_match() -> None:
    # Yubico's synthetic SafetyNet statement with ctsProfileMatch false (its test CA: no trust evaluated).
    vector, when = _load("yubico-reg-testdata-androidsafetynet-falsectsprofilematch.json")
    options = dict(verification_time=when, use_builtin_trust_anchors=False, safetynet_check_timestamp=False,
                   allow_indefinite_length_cbor=True)
    with db.Policy(vector["rpId"], vector["origin"], **options) as policy:
        with pytest.raises(db.AttestationError) as info:
            _register_vector(policy, vector)
        assert info.value.status == Status.ATTESTATION_POLICY_VIOLATION and "ctsProfileMatch" in info.value.message
        policy.safetynet_require_cts_profile_match = False
        _register_vector(policy, vector)
    with db.Policy(vector["rpId"], vector["origin"], safetynet_require_cts_profile_match=False, **options) as policy:
        _register_vector(policy, vector)
