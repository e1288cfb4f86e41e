"""The WebAuthn JSON forms (since 0.4): toJSON() documents verified, options JSON written."""

from __future__ import annotations

import base64
import copy
import json

import pytest

import dfns_bridge as db
from conftest import ORIGIN, RP_ID

CHALLENGE = bytes(range(32))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def registration_document(created) -> dict:
    """The document a browser's credential.toJSON() gives for `created`."""
    return {
        "id": b64url(created.credential_id),
        "rawId": b64url(created.credential_id),
        "type": "public-key",
        "response": {
            "clientDataJSON": b64url(created.client_data_json),
            "attestationObject": b64url(created.attestation_object),
            "transports": ["internal", "hybrid"],
        },
        "authenticatorAttachment": "platform",
        "clientExtensionResults": {"credProps": {"rk": True}, "prf": {"enabled": True, "results": {"first": b64url(b"\x07" * 32)}}},
    }


def assertion_document(signed, user_handle: bytes = b"user-1") -> dict:
    return {
        "id": b64url(signed.credential_id),
        "rawId": b64url(signed.credential_id),
        "type": "public-key",
        "response": {
            "clientDataJSON": b64url(signed.client_data_json),
            "authenticatorData": b64url(signed.authenticator_data),
            "signature": b64url(signed.signature),
            "userHandle": b64url(user_handle),
        },
        "clientExtensionResults": {"appid": True},
    }


@pytest.fixture
def created(authenticator):
    return authenticator.register(RP_ID, ORIGIN, CHALLENGE, user_handle=b"user-1")


def test_registration_json_round_trip(policy, created) -> None:
    document = registration_document(created)
    for form in (document, json.dumps(document), json.dumps(document).encode()):
        with db.verify_registration_json(policy, form, CHALLENGE) as result:
            assert result.registration.credential_id == created.credential_id
            outputs = result.client_outputs
            assert outputs.transports == ["internal", "hybrid"]
            assert outputs.authenticator_attachment == "platform"
            assert outputs.cred_props_rk is True
            assert outputs.appid is False
            assert outputs.user_handle is None
            # The PRF output is a secret: not handed back.
            assert outputs.extension_results == {"credProps": {"rk": True}, "prf": {"enabled": True}}


def test_assertion_json_round_trip(authenticator, policy, created) -> None:
    with db.verify_registration_json(policy, registration_document(created), CHALLENGE) as result:
        key = result.registration.public_key
        signed = authenticator.authenticate(RP_ID, ORIGIN, CHALLENGE, created.credential_id)
        document = assertion_document(signed)
        credential_id, user_handle = db.assertion_json_credential_id(document)
        assert (credential_id, user_handle) == (created.credential_id, b"user-1")
        verified = db.verify_assertion_json(policy, key, credential_id, document, CHALLENGE)
        assert verified.assertion.sign_count == 1
        assert verified.client_outputs.appid is True
        assert verified.client_outputs.user_handle == b"user-1"
        assert verified.client_outputs.transports is None
        assert verified.client_outputs.cred_props_rk is None

        with pytest.raises(db.DfnsError) as caught:
            db.verify_assertion_json(policy, key, b"\x01\x02", document, CHALLENGE)
        assert caught.value.status == db.Status.CREDENTIAL_ID_MISMATCH

        bad = copy.deepcopy(document)
        bad["response"]["signature"] = "MEUC+iE"
        with pytest.raises(db.MalformedInputError) as caught:
            db.verify_assertion_json(policy, key, credential_id, bad, CHALLENGE)
        assert caught.value.status == db.Status.MALFORMED_CREDENTIAL_JSON
        assert "response.signature is not base64url" in caught.value.message
        with pytest.raises(db.MalformedInputError):
            db.assertion_json_credential_id(bad)


@pytest.mark.parametrize(
    "path, value, words",
    [
        (("id",), None, "id is missing"),
        (("type",), "password", 'type is not "public-key"'),
        (("id",), "AAAA", "differ from rawId"),
        (("rawId",), 7, "rawId is a number, not a string"),
        (("response", "clientDataJSON"), "eyJ=", "response.clientDataJSON is not base64url"),
        (("response", "attestationObject"), None, "response.attestationObject is missing"),
        (("response", "transports"), "usb", "response.transports is a string, not an array of strings"),
        (("clientExtensionResults",), None, "clientExtensionResults is missing"),
        (("clientExtensionResults", "credProps"), {"rk": "yes"}, "clientExtensionResults.credProps.rk is a string"),
    ],
)
def test_registration_json_refusals_name_the_member(policy, created, path, value, words) -> None:
    document = registration_document(created)
    target = document
    for key in path[:-1]:
        target = target[key]
    if value is None:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    with pytest.raises(db.MalformedInputError) as caught:
        db.verify_registration_json(policy, document, CHALLENGE)
    assert caught.value.status == db.Status.MALFORMED_CREDENTIAL_JSON
    assert words in caught.value.message


def test_registration_json_document_level_refusals(policy, created) -> None:
    text = json.dumps(registration_document(created))
    with pytest.raises(db.MalformedInputError, match="duplicate"):
        db.verify_registration_json(policy, '{"type":"public-key",' + text[1:], CHALLENGE)
    with pytest.raises(db.MalformedInputError, match="is not JSON"):
        db.verify_registration_json(policy, text[:-1], CHALLENGE)
    with pytest.raises(db.DfnsError) as caught:
        db.verify_registration_json(policy, b" " * ((1 << 20) + 1), CHALLENGE)
    assert caught.value.status == db.Status.INPUT_TOO_LARGE
    with pytest.raises(db.DfnsError) as caught:
        db.verify_registration_json(policy, text, bytes(32))
    assert caught.value.status == db.Status.CHALLENGE_MISMATCH
    with pytest.raises(TypeError):
        db.verify_registration_json("policy", text, CHALLENGE)


def test_options_from_a_policy(policy, authenticator) -> None:
    options, challenge = db.creation_options_json(
        policy, rp_name="Example", user_id=b"\x01\x02\x03", user_name="alice@example.org", user_display_name="Alice",
        challenge=b"\xab" * 16, exclude_credentials=[db.CredentialDescriptor(b"\xff\xee", ["usb"])],
        resident_key="preferred", hints=["security-key"], cred_props=True, timeout_ms=60000,
    )
    assert challenge == b"\xab" * 16
    parsed = json.loads(options)
    assert options == json.dumps(parsed, separators=(",", ":"), sort_keys=True)  # canonical: sorted, compact
    assert parsed["rp"] == {"id": RP_ID, "name": "Example"}
    assert parsed["user"] == {"id": "AQID", "name": "alice@example.org", "displayName": "Alice"}
    assert parsed["challenge"] == "q6urq6urq6urq6urq6urqw"
    assert parsed["excludeCredentials"] == [{"id": "_-4", "transports": ["usb"], "type": "public-key"}]
    assert parsed["authenticatorSelection"] == {"residentKey": "preferred", "requireResidentKey": False, "userVerification": "preferred"}
    assert parsed["extensions"] == {"credProps": True}
    assert parsed["hints"] == ["security-key"]
    assert parsed["timeout"] == 60000
    assert [p["alg"] for p in parsed["pubKeyCredParams"]][:1] == [-7]

    # A drawn challenge drives a real ceremony.
    options, challenge = db.creation_options_json(policy, rp_name="Example", user_id=b"u", user_name="bob")
    assert len(challenge) == 32
    created = authenticator.register(RP_ID, ORIGIN, challenge)
    with db.verify_registration_json(policy, registration_document(created), challenge) as result:
        request, request_challenge = db.request_options_json(
            policy, allow_credentials=[db.CredentialDescriptor(result.registration.credential_id, result.client_outputs.transports)],
            appid="https://example.org/appid.json", user_verification="required",
        )
        parsed = json.loads(request)
        assert parsed["allowCredentials"][0]["transports"] == ["internal", "hybrid"]
        assert parsed["extensions"] == {"appid": "https://example.org/appid.json"}
        assert parsed["userVerification"] == "required"
        assert parsed["rpId"] == RP_ID
        assert len(request_challenge) == 32

    with pytest.raises(db.InvalidArgumentError, match="inputs->attestation"):
        db.creation_options_json(policy, rp_name="Example", user_id=b"u", user_name="bob", attestation="all")
    with pytest.raises(db.InvalidArgumentError, match="at least 16"):
        db.request_options_json(policy, challenge=b"short")
    with pytest.raises(db.InvalidArgumentError, match="hints"):
        db.request_options_json(policy, hints=["fast"])
    with pytest.raises(TypeError):
        db.request_options_json(policy, allow_credentials=[b"id"])


def test_options_from_dfns_challenges() -> None:
    challenge = {
        "challenge": "Y2gtNzloaHQtbXJlb2stOGFwOHFtMmVpZWZ0amxhZw",
        "challengeIdentifier": "eyJ0.e30.s",
        "userVerification": "required",
        "allowCredentials": {"webauthn": [{"type": "public-key", "id": "AQIDBA", "transports": ["internal"]}]},
    }
    options = json.loads(db.user_action_challenge_request_options(challenge, "app.example.org", 60000))
    assert options == {
        "allowCredentials": [{"id": "AQIDBA", "transports": ["internal"], "type": "public-key"}],
        "challenge": challenge["challenge"],
        "rpId": "app.example.org",
        "timeout": 60000,
        "userVerification": "required",
    }
    with pytest.raises(db.InvalidArgumentError, match="rp.id"):
        db.user_action_challenge_request_options(json.dumps(challenge))

    registration = {
        "user": {"id": "us-1", "name": "alice", "displayName": "Alice"},
        "challenge": "Y2gtMQ",
        "rp": {"id": "app.example.org", "name": "App"},
        "pubKeyCredParams": [{"type": "public-key", "alg": -8}, {"type": "public-key", "alg": -7}],
        "authenticatorSelection": {"residentKey": "required", "requireResidentKey": True, "userVerification": "required"},
        "attestation": "direct",
        "excludeCredentials": [{"type": "public-key", "id": "CQkJ"}],
    }
    options = json.loads(db.registration_challenge_creation_options(registration))
    assert options["user"] == {"id": b64url(b"us-1"), "name": "alice", "displayName": "Alice"}
    assert [p["alg"] for p in options["pubKeyCredParams"]] == [-8, -7]
    assert options["rp"] == {"id": "app.example.org", "name": "App"}
    assert options["attestation"] == "direct"
    registration["pubKeyCredParams"] = []
    with pytest.raises(db.InvalidArgumentError, match="pubKeyCredParams"):
        db.registration_challenge_creation_options(registration)
