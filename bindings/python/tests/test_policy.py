"""Policy: origins, top origins, options (keywords and properties), algorithms, time, trust anchors."""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path

import pytest

import dfns_bridge as db
from dfns_bridge.policy import OPTION_DEFAULTS


def _w3c_anchor(shared: Path) -> bytes:
    vector = json.loads((shared / "vectors" / "webauthn" / "w3c-trust-anchor-attestation-ca.json").read_text())
    text = vector["attestation_ca_cert_der_b64url"]
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_context_manager_and_close_twice() -> None:
    with db.Policy("example.org") as p:
        assert not p.closed
        assert p.rp_id == "example.org"
    assert p.closed
    p.close()
    p.close()
    with pytest.raises(ValueError):
        p.add_origin("https://example.org")
    with pytest.raises(ValueError):
        p.require_user_verification


def test_defaults_match_the_header() -> None:
    with db.Policy("example.org") as p:
        for option, default in OPTION_DEFAULTS.items():
            assert p.get_option(option) is default, option.name
        assert p.options() == {o.name.lower(): d for o, d in OPTION_DEFAULTS.items()}
        assert p.algorithms is None
        assert p.verification_time is None
        assert p.origins == () and p.top_origins == ()


def test_options_as_keywords_and_properties() -> None:
    kwargs = {o.name.lower(): not d for o, d in OPTION_DEFAULTS.items()}
    with db.Policy("example.org", **kwargs) as p:
        for option, default in OPTION_DEFAULTS.items():
            assert getattr(p, option.name.lower()) is (not default)
        p.require_user_verification = False
        assert p.require_user_verification is False
        p.set_option("require_user_verification", True)
        assert p.get_option(db.PolicyOption.REQUIRE_USER_VERIFICATION) is True
        p.set_option(int(db.PolicyOption.ALLOW_SHA1), 0)
        assert p.allow_sha1 is False


def test_unknown_options() -> None:
    with pytest.raises(TypeError):
        db.Policy("example.org", require_everything=True)
    with db.Policy("example.org") as p:
        with pytest.raises(ValueError):
            p.set_option("nope", True)
        with pytest.raises(db.InvalidArgumentError) as info:
            p.set_option(999, True)
        assert info.value.name == "DFNS_ERR_INVALID_ARGUMENT"
        with pytest.raises(db.InvalidArgumentError):
            p.get_option(0)
        with pytest.raises(TypeError):
            p.set_option(True, True)
        with pytest.raises(TypeError):
            p.set_option(1, "yes")


def test_origins() -> None:
    with db.Policy("example.org", "https://example.org") as p:
        assert p.origins == ("https://example.org",)
    with db.Policy("example.org", ["https://a.example.org", "https://b.example.org"], top_origins="https://top.example") as p:
        assert p.origins == ("https://a.example.org", "https://b.example.org")
        assert p.top_origins == ("https://top.example",)
        p.add_origin("android:apk-key-hash:abc")
        p.add_top_origin("https://other.example")
        assert len(p.origins) == 3 and len(p.top_origins) == 2


@pytest.mark.parametrize("configured, sent, accepted", [
    ("HTTPS://Example.org:443/", "https://example.org", True),
    ("http://localhost:8100/", "http://localhost:8100", True),
    ("https://example.org:8443", "https://example.org", False),
    ("https://example.org", "https://Example.org:443/", False),  # what the client sends stays exact
])
def test_configured_origins_match_their_serialization(configured: str, sent: str, accepted: bool) -> None:
    challenge = b"c" * 32
    with db.Policy("example.org", configured) as policy, db.SoftwareAuthenticator() as device:
        created = device.register("example.org", sent, challenge)
        if accepted:
            with db.verify_registration(policy, created.client_data_json, created.attestation_object, challenge):
                pass
        else:
            with pytest.raises(db.DfnsError) as info:
                db.verify_registration(policy, created.client_data_json, created.attestation_object, challenge)
            assert info.value.name == "DFNS_ERR_ORIGIN_NOT_ALLOWED"


def test_empty_and_wrong_rp_id() -> None:
    with pytest.raises(db.InvalidArgumentError) as info:
        db.Policy("")
    assert info.value.name == "DFNS_ERR_INVALID_ARGUMENT"
    assert info.value.message
    with pytest.raises(TypeError):
        db.Policy(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        db.Policy(b"example.org")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        db.Policy("exa\x00mple.org")
    with pytest.raises(ValueError):
        db.Policy("\udc80")


def test_bad_origins() -> None:
    with db.Policy("example.org") as p:
        with pytest.raises(TypeError):
            p.add_origin(b"https://example.org")  # type: ignore[arg-type]
        with pytest.raises(db.InvalidArgumentError):
            p.add_origin("")
        with pytest.raises(TypeError):
            db.Policy("example.org", [1])  # type: ignore[list-item]


def test_algorithms() -> None:
    with db.Policy("example.org", algorithms=[db.CoseAlgorithm.ES256, "EdDSA", -257]) as p:
        assert p.algorithms == (db.CoseAlgorithm.ES256, db.CoseAlgorithm.EDDSA, db.CoseAlgorithm.RS256)
        p.set_algorithms("ES256K")
        assert p.algorithms == (db.CoseAlgorithm.ES256K,)
        with pytest.raises(db.InvalidArgumentError):
            p.algorithms = []
        with pytest.raises(db.SignatureError) as info:
            p.algorithms = [-7, 12345]
        assert info.value.name == "DFNS_ERR_UNSUPPORTED_ALGORITHM"
        assert p.algorithms == (db.CoseAlgorithm.ES256K,)  # unchanged after a failure
        with pytest.raises(TypeError):
            p.algorithms = "ES256"  # type: ignore[assignment]
        with pytest.raises(ValueError):
            p.algorithms = ["ES999"]
        p.algorithms = list(db.CoseAlgorithm)
        assert len(p.algorithms) == len(db.CoseAlgorithm)


def test_verification_time() -> None:
    with db.Policy("example.org", verification_time=1_700_000_000) as p:
        assert p.verification_time == 1_700_000_000
        p.verification_time = dt.datetime(2021, 9, 1, tzinfo=dt.timezone.utc)
        assert p.verification_time == 1630454400
        p.verification_time = dt.datetime(2021, 9, 1)  # naive: UTC
        assert p.verification_time == 1630454400
        p.verification_time = 1.9e9
        assert p.verification_time == 1_900_000_000
        p.verification_time = None
        assert p.verification_time is None
        with pytest.raises(ValueError):
            p.verification_time = -5
        with pytest.raises(TypeError):
            p.verification_time = "2021-09-01"  # type: ignore[assignment]
        with pytest.raises(TypeError):
            p.verification_time = True  # type: ignore[assignment]


def test_trust_anchors(shared: Path) -> None:
    der = _w3c_anchor(shared)
    pem = "-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(der).decode() + "-----END CERTIFICATE-----\n"
    with db.Policy("example.org", trust_anchors={"packed": der, "tpm": [der, pem]}) as p:
        p.add_trust_anchor("fido-u2f", pem)
        p.add_trust_anchor("apple", pem.encode())
        p.add_trust_anchor("android-key", bytearray(der))
        for root in sorted((shared / "roots").glob("*.pem")):
            p.add_trust_anchor("android-safetynet", root.read_text())
        assert p.trust_anchor_counts["tpm"] == 2
        with pytest.raises(db.AttestationError) as info:
            p.add_trust_anchor("packed", b"\x30\x03garbage")
        assert info.value.name == "DFNS_ERR_ATTESTATION_CERTIFICATE_INVALID"
        with pytest.raises(db.DfnsError):
            p.add_trust_anchor("no-such-format", der)
        with pytest.raises(db.DfnsError):
            p.add_trust_anchor("packed", b"")
        with pytest.raises(TypeError):
            p.add_trust_anchor("packed", 42)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            p.add_trust_anchor(b"packed", der)  # type: ignore[arg-type]


def test_mutation_refused_while_a_verification_uses_the_policy() -> None:
    with db.Policy("example.org") as p:
        p._acquire()
        try:
            with pytest.raises(RuntimeError):
                p.add_origin("https://example.org")
            with pytest.raises(RuntimeError):
                p.close()
            assert p.get_option("require_user_presence") is True  # reading is fine
        finally:
            p._release()
        p.add_origin("https://example.org")


def test_reading_refused_while_the_policy_is_being_modified() -> None:
    with db.Policy("example.org") as p:
        seen = []

        def mutation(ptr):
            with pytest.raises(RuntimeError):  # as a verification on another thread would see it
                p._acquire()
            seen.append(True)
            return db._lib.lib.dfns_policy_add_origin(ptr, b"https://example.org")

        p._exclusive(mutation)
        assert seen == [True]
        assert p._acquire() is not None  # usable again afterwards
        p._release()


def test_policy_failure_in_constructor_releases_the_handle() -> None:
    with pytest.raises(db.InvalidArgumentError):
        db.Policy("example.org", ["https://example.org", ""])


def test_repr() -> None:
    with db.Policy("example.org", "https://example.org") as p:
        assert "example.org" in repr(p)
    assert "closed" in repr(p)


def test_safetynet_timestamp_option_and_far_future_time_rejected() -> None:
    with db.Policy("example.org") as p:
        assert p.safetynet_check_timestamp is True
        p.safetynet_check_timestamp = False
        assert p.safetynet_check_timestamp is False
        p.verification_time = 253402300799  # 9999-12-31T23:59:59Z: the last time X.509 can express
        with pytest.raises(db.DfnsError) as caught:
            p.verification_time = 253402300800
        assert caught.value.name == "DFNS_ERR_INVALID_ARGUMENT"
        assert "9999" in caught.value.message


def test_user_handle_longer_than_64_bytes_is_refused() -> None:
    with db.SoftwareAuthenticator() as authenticator:
        with pytest.raises(db.DfnsError):
            authenticator.register("example.org", "https://example.org", b"c" * 32, user_handle=b"u" * 65)
        authenticator.register("example.org", "https://example.org", b"c" * 32, user_handle=b"u" * 64)
