"""FIDO metadata (MDS3, 0.4) through the Python binding, on the test world mds_fixture.py builds.

BLOBs: good (RS256; ES256; DER root), tampered, wrongly signed, chained to another root, with an
expired signing leaf, stale, malformed; registrations: a packed authenticator the BLOB certifies
(trusted through the entry's root), a REVOKED one (refused naming the status) and an unlisted one
(refused only when an entry is required).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Dict

import pytest

import dfns_bridge as db
from dfns_bridge import AttestationError, InvalidArgumentError, Metadata, Policy, Status, set_policy_metadata

import mds_fixture

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Any]:
    directory = tmp_path_factory.mktemp("mds")
    manifest = mds_fixture.build(directory)
    manifest["dir"] = directory
    return manifest


def _read(world: Dict[str, Any], name: str) -> bytes:
    return (Path(world["dir"]) / name).read_bytes()


def _load(world: Dict[str, Any], blob: str, root: str = "mds-root.pem", **kwargs: Any) -> Metadata:
    kwargs.setdefault("time", world["verify_time"])
    return Metadata(_read(world, blob), _read(world, root), **kwargs)


def test_good_blob(world: Dict[str, Any]) -> None:
    with _load(world, "good.jwt") as md:
        assert md.number == 42
        assert md.next_update == "2026-02-01"
        assert len(md) == 3
        entries = list(md)
        assert [e["description"] for e in entries] == ["Test Certified Authenticator", "Test Revoked Authenticator", "Test U2F Key"]
        assert entries[1]["status"] == "REVOKED"
        assert entries[1]["statusEffectiveDate"] == "2025-06-01"
        assert entries[2]["attestationCertificateKeyIdentifiers"] == [world["u2f_key_identifier"]]
        assert entries[2]["protocolFamily"] == "u2f"
        found = md.find(bytes.fromhex(world["aaguid_certified"]))
        assert found is not None and found["status"] == "FIDO_CERTIFIED_L1" and found["aaguid"] == world["aaguid_certified"]
        assert md.find(bytes.fromhex(world["aaguid_unlisted"])) is None
        with pytest.raises(IndexError):
            md.entry(3)
        with pytest.raises(ValueError):
            md.find(b"\x00" * 15)
        assert "no=42" in repr(md)
    # Text BLOB, DER root, ES256, a datetime time.
    md2 = Metadata(_read(world, "good-es256.jwt").decode(), _read(world, "mds-root.der"),
                   time=dt.datetime.fromtimestamp(world["verify_time"], dt.timezone.utc))
    assert md2.number == 42
    md2.close()


@pytest.mark.parametrize(
    "blob, root, fragment",
    [
        ("tampered.jwt", "mds-root.pem", "signature"),
        ("wrong-key.jwt", "mds-root.pem", "signature"),
        ("other-root.jwt", "mds-root.pem", "chain"),
        ("good.jwt", "other-root.pem", "chain"),
        ("expired-leaf.jwt", "mds-root.pem", "expired"),
        ("expired-intermediate.jwt", "mds-root.pem", "expired"),
        ("stale.jwt", "mds-root.pem", "stale"),
        ("malformed.jwt", "mds-root.pem", "entries[0].aaguid"),
    ],
)
def test_refused(world: Dict[str, Any], blob: str, root: str, fragment: str) -> None:
    with pytest.raises(AttestationError) as info:
        _load(world, blob, root)
    assert info.value.status == Status.METADATA_INVALID
    assert info.value.name == "DFNS_ERR_METADATA_INVALID"
    assert fragment in info.value.message


def test_stale_accepted_on_request(world: Dict[str, Any]) -> None:
    with _load(world, "stale.jwt", accept_stale=True) as md:
        assert md.next_update == "2026-01-01"


def test_arguments(world: Dict[str, Any]) -> None:
    root = _read(world, "mds-root.pem")
    with pytest.raises(InvalidArgumentError):
        Metadata(b"", root)
    with pytest.raises(InvalidArgumentError):
        Metadata(_read(world, "good.jwt"), b"")
    with pytest.raises(TypeError):
        Metadata(_read(world, "good.jwt"), root, accept_stale=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Metadata(_read(world, "good.jwt"), root, time=-5)
    with pytest.raises(AttestationError) as info:
        Metadata(b"not.a.jws", root, time=world["verify_time"])
    assert info.value.status == Status.METADATA_INVALID


def _policy(world: Dict[str, Any]) -> Policy:
    return Policy(world["rp_id"], world["origin"], verification_time=world["verify_time"])


def _verify(policy: Policy, world: Dict[str, Any], label: str) -> db.Registration:
    reg = world["registrations"][label]
    return db.verify_registration(policy, bytes.fromhex(reg["client_data_json_hex"]),
                                  bytes.fromhex(reg["attestation_object_hex"]), bytes.fromhex(reg["challenge_hex"]))


def test_trust_through_metadata(world: Dict[str, Any]) -> None:
    with _policy(world) as policy:
        with _verify(policy, world, "certified") as plain:
            assert not plain.trusted
            assert plain.metadata_description is None and plain.metadata_status is None
        md = _load(world, "good.jwt")
        set_policy_metadata(policy, md)
        md.close()  # the policy keeps its own reference
        policy.require_trusted_attestation = True
        with _verify(policy, world, "certified") as reg:
            assert reg.trusted
            assert reg.fmt == "packed"
            assert reg.metadata_description == "Test Certified Authenticator"
            assert reg.metadata_status == "FIDO_CERTIFIED_L1"
        with pytest.raises(AttestationError) as info:
            _verify(policy, world, "revoked")
        assert info.value.status == Status.AUTHENTICATOR_STATUS_NOT_ACCEPTED
        assert "REVOKED" in info.value.message


def test_required_entry(world: Dict[str, Any]) -> None:
    with _policy(world) as policy, _load(world, "good.jwt") as md:
        set_policy_metadata(policy, md)
        with _verify(policy, world, "unlisted") as reg:
            assert not reg.trusted and reg.metadata_status is None
        set_policy_metadata(policy, md, require_entry=True)
        with pytest.raises(AttestationError) as info:
            _verify(policy, world, "unlisted")
        assert info.value.status == Status.METADATA_ENTRY_MISSING
        assert world["aaguid_unlisted"] in info.value.message
        set_policy_metadata(policy, None)
        _verify(policy, world, "unlisted").close()
        with pytest.raises(TypeError):
            set_policy_metadata(policy, "metadata")  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            set_policy_metadata(md, md)  # type: ignore[arg-type]
