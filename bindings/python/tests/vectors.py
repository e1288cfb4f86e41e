"""Runs the shared third-party WebAuthn vectors (../shared/vectors/webauthn) through the binding.

Each vector is verified under the configuration its source used (see the vector README and
``verifier_options_in_source``), and the verdict (``ok`` / ``fail``) is compared with ``expected``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import dfns_bridge as db

# Formats the W3C attestation CA signs for (vectors with an x5c).
W3C_ANCHOR_FORMATS = ("packed", "tpm", "android-key", "apple", "fido-u2f")


def b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def unix_seconds(text: Optional[str]) -> Optional[int]:
    if not text:
        return None
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return int(value.timestamp())


def load(path: Path) -> Dict[str, Any]:
    with open(path, "rb") as f:
        return json.load(f)


def expected_verdict(vector: Dict[str, Any]) -> Optional[str]:
    text = vector.get("expected") or ""
    if text.startswith("ok"):
        return "ok"
    if text.startswith("fail"):
        return "fail"
    return None


# -- a minimal CBOR reader (definite lengths), only to find authData's RP ID hash ------------------


def _cbor_item(data: bytes, i: int) -> Tuple[Any, int]:
    head = data[i]
    major, info = head >> 5, head & 0x1F
    i += 1
    if info < 24:
        arg = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        arg = int.from_bytes(data[i : i + size], "big")
        i += size
    else:
        raise ValueError("indefinite or reserved CBOR length")
    if major == 0:
        return arg, i
    if major == 1:
        return -1 - arg, i
    if major == 2:
        return data[i : i + arg], i + arg
    if major == 3:
        return data[i : i + arg].decode("utf-8"), i + arg
    if major == 4:
        items = []
        for _ in range(arg):
            item, i = _cbor_item(data, i)
            items.append(item)
        return items, i
    if major == 5:
        out = {}
        for _ in range(arg):
            key, i = _cbor_item(data, i)
            value, i = _cbor_item(data, i)
            out[key] = value
        return out, i
    if major == 6:
        return _cbor_item(data, i)
    return arg, i  # simple values


def auth_data_of(attestation_object: bytes) -> bytes:
    obj, _ = _cbor_item(attestation_object, 0)
    return obj["authData"]


def rp_id_for(attestation_object: bytes, origin: str) -> Optional[str]:
    """The RP ID whose SHA-256 is the authData's rpIdHash: the origin's host or a parent domain."""
    rp_hash = auth_data_of(attestation_object)[:32]
    host = re.sub(r"^[a-z]+://", "", origin).split("/")[0].split(":")[0]
    labels = host.split(".")
    for k in range(len(labels) - 1):
        candidate = ".".join(labels[k:])
        if hashlib.sha256(candidate.encode()).digest() == rp_hash:
            return candidate
    return None


# -- configuration -------------------------------------------------------------------------------


@dataclass
class Outcome:
    verdict: str  # "ok" or "fail"
    detail: str
    error: Optional[db.DfnsError] = None


class Skip(Exception):
    """The vector cannot run through this binding (the reason is the message)."""


class VectorRunner:
    """Runs the w3c-* and pywebauthn-* vectors with their sources' verifier configuration."""

    def __init__(self, shared: Path) -> None:
        self.shared = shared
        self.dir = shared / "vectors" / "webauthn"
        anchor = load(self.dir / "w3c-trust-anchor-attestation-ca.json")
        self.w3c_anchor = b64url(anchor["attestation_ca_cert_der_b64url"])

    # The policy a vector's source configured.
    def policy(self, vector: Dict[str, Any], rp_id: str, origins: List[str]) -> db.Policy:
        source = vector.get("source", "")
        options = vector.get("verifier_options_in_source") or {}
        time = unix_seconds(vector.get("fixed_time_for_cert_validation")) or unix_seconds(
            vector.get("suggested_verification_time")
        )
        policy = db.Policy(rp_id, origins)
        try:
            if time is not None:
                policy.verification_time = time
            # Fixed captures: SafetyNet timestampMs freshness cannot be judged against today, and
            # the sources that verify these vectors do not check it either.
            policy.safetynet_check_timestamp = False
            if options.get("allow_cross_origin") is True:
                policy.allow_cross_origin = True
            for top in options.get("allowed_top_origins") or []:
                policy.add_top_origin(top)
            if source.startswith("w3c/webauthn"):
                for fmt in W3C_ANCHOR_FORMATS:
                    policy.add_trust_anchor(fmt, self.w3c_anchor)
                # The W3C android-key vector has empty authorization lists.
                policy.android_key_require_origin_generated = False
                policy.android_key_require_purpose_sign = False
            elif source.startswith("duo-labs/py_webauthn"):
                # py_webauthn: its built-in roots (apple, android-key, safetynet) stay on; it accepts
                # SHA-1 (RS1) TPM/packed attestations and every algorithm it knows.
                policy.use_builtin_trust_anchors = True
                policy.allow_sha1 = True
                policy.algorithms = list(db.CoseAlgorithm)
                if options.get("require_user_verification") is True:
                    policy.require_user_verification = True
                roots = str(options.get("pem_root_certs_bytes_by_fmt") or "")
                if "PACKED" in roots and "globalsign_r2" in roots:
                    pem = (self.shared / "roots" / "globalsign-r2.pem").read_text()
                    policy.add_trust_anchor("packed", pem)
            else:
                # The other sources (go-webauthn, libfido2, java-webauthn-server, webauthn4j), as the
                # Swift conformance runner configures them: RS1 accepted, the source's algorithms,
                # UV/UP requirements, and each library's trust and parsing settings.
                policy.allow_sha1 = True
                algs = options.get("pubKeyCredParams", options.get("supported_pub_key_algs"))
                policy.algorithms = algs if isinstance(algs, list) else list(db.CoseAlgorithm)
                if options.get("require_user_verification") is True:
                    policy.require_user_verification = True
                if options.get("up") == "FIDO_OPT_FALSE":
                    policy.require_user_presence = False
                if source.startswith("go-webauthn/webauthn"):
                    if options.get("mds") is None:  # no metadata provider: no chain evaluated
                        policy.use_builtin_trust_anchors = False
                elif source.startswith("Yubico/libfido2"):
                    policy.enforce_certificate_profile = False  # fido_cred_verify: signature only
                elif source.startswith("Yubico/java-webauthn-server"):
                    policy.use_builtin_trust_anchors = False  # attestationTrustSource = null
                    policy.allow_indefinite_length_cbor = True  # Jackson accepts them
        except BaseException:
            policy.close()
            raise
        return policy

    def run(self, name: str) -> Outcome:
        vector = load(self.dir / name)
        kind = vector.get("kind")
        try:
            if kind == "registration":
                return Outcome("ok", self._registration(vector))
            if kind == "authentication":
                return Outcome("ok", self._authentication(vector))
            if kind == "registration-lowlevel":
                return Outcome("ok", self._registration_lowlevel(vector))
            if kind == "authentication-lowlevel":
                return Outcome("ok", self._authentication_lowlevel(vector))
            if kind == "authdata-parse":
                return Outcome("ok", db.inspect(b64url(vector["authenticatorData_b64url"]), "authenticator_data"))
            raise Skip(f"kind {kind!r} is not a ceremony")
        except db.DfnsError as exc:
            return Outcome("fail", f"{exc.name}: {exc.message}", exc)
        except AssertionError as exc:  # an expected_* value differs
            return Outcome("fail", f"expectation: {exc}")

    @staticmethod
    def _origins(vector: Dict[str, Any]) -> Optional[List[str]]:
        origin = vector.get("origin")
        if isinstance(origin, str):
            return [origin]
        if isinstance(origin, list):
            return [o for o in origin if isinstance(o, str)]
        return None

    @staticmethod
    def _challenge(vector: Dict[str, Any], client_data_json: bytes) -> bytes:
        if vector.get("challenge_b64url"):
            return b64url(vector["challenge_b64url"])
        return b64url(json.loads(client_data_json)["challenge"])

    def _registration(self, vector: Dict[str, Any]) -> str:
        cdj = b64url(vector["clientDataJSON_b64url"])
        att = b64url(vector["attestationObject_b64url"])
        rp_id, origins = vector.get("rpId"), self._origins(vector)
        if rp_id is None or origins is None:
            # The source verified the attestation statement only. The C ABI has no statement-only
            # entry point: verify the whole response with the RP ID the authenticator data was made
            # for and the origin and challenge its clientDataJSON carries (all consistent).
            origin = json.loads(cdj)["origin"]
            rp_id = rp_id_for(att, origin)
            if rp_id is None:
                raise Skip("statement-only vector whose RP ID cannot be derived from its origin")
            origins = [origin]
        with self.policy(vector, rp_id, origins) as policy:
            with db.verify_registration(policy, cdj, att, self._challenge(vector, cdj)) as reg:
                if vector.get("expected_credentialId_b64url"):
                    assert reg.credential_id == b64url(vector["expected_credentialId_b64url"]), "credential ID"
                if vector.get("expected_fmt"):
                    assert reg.fmt == vector["expected_fmt"], f"fmt {reg.fmt}"
                if vector.get("expected_aaguid_hex"):
                    assert reg.aaguid.hex() == vector["expected_aaguid_hex"].lower(), "AAGUID"
                if vector.get("expected_aaguid"):
                    assert reg.aaguid.hex() == vector["expected_aaguid"].replace("-", "").lower(), "AAGUID"
                if vector.get("expected_signCount") is not None:
                    assert reg.sign_count == vector["expected_signCount"], f"sign count {reg.sign_count}"
                if vector.get("expected_credentialPublicKey_b64url"):
                    expected_key = b64url(vector["expected_credentialPublicKey_b64url"])
                    with db.PublicKey.from_cose(expected_key) as key:
                        assert key.cose == reg.public_key.cose, "credential public key"
                if vector.get("expected_backedUp") is not None:
                    assert reg.backed_up == vector["expected_backedUp"], "BS flag"
                return (
                    f"fmt {reg.fmt}, {reg.attestation_type} attestation, "
                    f"{'trusted' if reg.trusted else 'not chained'}, {reg.public_key.alg!r}"
                )

    def _authentication(self, vector: Dict[str, Any]) -> str:
        rp_id, origins = vector.get("rpId"), self._origins(vector)
        if rp_id is None or origins is None:
            raise Skip("authentication vector without RP ID or origin")
        cdj = b64url(vector["clientDataJSON_b64url"])
        with self.policy(vector, rp_id, origins) as policy:
            with db.PublicKey.from_cose(b64url(vector["credentialPublicKey_b64url"])) as key:
                result = db.verify_assertion(
                    policy,
                    key,
                    cdj,
                    b64url(vector["authenticatorData_b64url"]),
                    b64url(vector["signature_b64url"]),
                    self._challenge(vector, cdj),
                    sign_count=int(vector.get("currentSignCount") or 0),
                )
                if vector.get("expected_newSignCount") is not None:
                    assert result.sign_count == vector["expected_newSignCount"], f"sign count {result.sign_count}"
                if vector.get("expected_userVerified") is not None:
                    assert result.user_verified == vector["expected_userVerified"], "UV flag"
                if vector.get("expected_backedUp") is not None:
                    assert result.backed_up == vector["expected_backedUp"], "BS flag"
                return f"assertion verified with {key.alg!r}, sign count {result.sign_count}"

    def _registration_lowlevel(self, vector: Dict[str, Any]) -> str:
        if not vector.get("rpId"):
            raise Skip("low-level vector without rpId")
        with self.policy(vector, vector["rpId"], []) as policy:
            with db.verify_registration_hash(
                policy, b64url(vector["clientDataHash_b64url"]), b64url(vector["attestationObject_b64url"])
            ) as reg:
                if vector.get("expected_fmt"):
                    assert reg.fmt == vector["expected_fmt"], f"fmt {reg.fmt}"
                return f"fmt {reg.fmt}, {reg.attestation_type} attestation"

    def _authentication_lowlevel(self, vector: Dict[str, Any]) -> str:
        if not vector.get("rpId"):
            raise Skip("low-level vector without rpId")
        with self.policy(vector, vector["rpId"], []) as policy:
            result = db.verify_assertion_hash(
                policy,
                b64url(vector["credentialPublicKey_b64url"]),
                b64url(vector["clientDataHash_b64url"]),
                b64url(vector["authenticatorData_b64url"]),
                b64url(vector["signature_b64url"]),
                sign_count=int(vector.get("currentSignCount") or 0),
            )
            return f"assertion verified, sign count {result.sign_count}"
