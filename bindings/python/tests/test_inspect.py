"""inspect() and version()."""

from __future__ import annotations

import json

import pytest

import dfns_bridge as db
from conftest import ORIGIN, RP_ID


@pytest.fixture
def created(authenticator):
    return authenticator.register(RP_ID, ORIGIN, b"c" * 32, attestation="packed-self")


def test_inspect_text_and_json(created) -> None:
    text = db.inspect(created.attestation_object)
    assert isinstance(text, str) and text
    assert "packed" in text
    doc = json.loads(db.inspect(created.attestation_object, json=True))
    assert isinstance(doc, dict)
    assert "packed" in json.dumps(doc)


@pytest.mark.parametrize(
    "kind,field",
    [
        ("attestation_object", "attestation_object"),
        (db.InspectKind.CLIENT_DATA, "client_data_json"),
        ("client-data-json", "client_data_json"),
        (int(db.InspectKind.ATTESTATION_OBJECT), "attestation_object"),
    ],
)
def test_inspect_kinds(created, kind, field) -> None:
    data = getattr(created, field)
    assert db.inspect(data, kind=kind)
    json.loads(db.inspect(data, kind=kind, json=True))


def test_inspect_authenticator_data_and_cose_key(authenticator, created, policy) -> None:
    with db.verify_registration(policy, created.client_data_json, created.attestation_object, b"c" * 32) as reg:
        out = db.inspect(reg.public_key.cose, "cose_key", json=True)
        json.loads(out)
        signed = authenticator.authenticate(RP_ID, ORIGIN, b"x", reg.credential_id)
        assert db.inspect(signed.authenticator_data, db.InspectKind.AUTHENTICATOR_DATA)
        assert db.inspect(signed.client_data_json)  # detected


def test_inspect_errors(created) -> None:
    with pytest.raises(db.MalformedInputError) as info:
        db.inspect(b"\xff\xff\xff", "attestation_object")
    assert info.value.message
    with pytest.raises(db.DfnsError):
        db.inspect(b"", "detect")
    with pytest.raises(db.InvalidArgumentError):
        db.inspect(created.attestation_object, kind=99)
    with pytest.raises(ValueError):
        db.inspect(created.attestation_object, kind="x509")
    with pytest.raises(TypeError):
        db.inspect("text")
    with pytest.raises(TypeError):
        db.inspect(created.attestation_object, json="yes")
    with pytest.raises(TypeError):
        db.inspect(created.attestation_object, kind=1.0)


def test_version() -> None:
    assert db.version() == "0.4.0"
    assert db.version_number() == 400
