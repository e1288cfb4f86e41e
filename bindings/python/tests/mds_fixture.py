"""Builds a self-signed FIDO MDS3 test world at test time: nothing here is committed as key material.

Run as ``python3 mds_fixture.py OUTDIR``. It writes into OUTDIR:

- ``mds-root.pem`` / ``mds-root.der``: the test MDS root (stands in for GlobalSign Root R3);
- ``other-root.pem``: an unrelated root (a BLOB chaining to it must be refused);
- BLOBs (compact JWS): ``good.jwt`` (RS256), ``good-es256.jwt`` (ES256), ``tampered.jwt``
  (payload changed after signing), ``wrong-key.jwt`` (signed by a key that is not x5c[0]'s),
  ``other-root.jwt`` (a valid chain to ``other-root``), ``expired-leaf.jwt`` (the signing leaf's
  validity ended before the verification time), ``expired-intermediate.jwt`` (the intermediate's
  validity ended before it), ``stale.jwt`` (``nextUpdate`` before the
  verification time), ``malformed.jwt`` (an entry's ``aaguid`` is a number; correctly signed);
- ``verify-time.txt`` and ``reg-<label>-{client-data,attestation-object,challenge}.bin``: the
  verification time and the registrations below as plain files (for the C test);
- ``manifest.json``: the verification time, the AAGUIDs, and three packed registrations (basic
  attestation chained to the test attestation root named in the BLOB's entries): ``certified``
  (FIDO_CERTIFIED_L1), ``revoked`` (latest status REVOKED) and ``unlisted`` (no entry), plus a
  fido-u2f attestation certificate whose key identifier the BLOB lists.

Every certificate has fixed validity dates, so the tests verify at the fixed ``verify_time``.
Only the ``cryptography`` package is used.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

UTC = dt.timezone.utc
VERIFY_TIME = dt.datetime(2026, 1, 15, tzinfo=UTC)
RP_ID = "example.org"
ORIGIN = "https://example.org"
AAGUID_CERTIFIED = bytes.fromhex("a1a1a1a1b2b2c3c3d4d4e5e5e5e5e5e5")
AAGUID_REVOKED = bytes.fromhex("0badc0de0badc0de0badc0de0badc0de")
AAGUID_UNLISTED = bytes.fromhex("00112233445566778899aabbccddeeff")
FIDO_AAGUID_OID = x509.ObjectIdentifier("1.3.6.1.4.1.45724.1.1.4")


def _date(year: int, month: int = 1, day: int = 1) -> dt.datetime:
    return dt.datetime(year, month, day, tzinfo=UTC)


def _name(cn: str, ou: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "US"), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "dfns-bridge tests")]
    if ou:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


def _cert(subject_key, subject: x509.Name, issuer_key, issuer: x509.Name, start, end, ca: bool, extra=()):
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(subject_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False, data_encipherment=False,
                          key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False),
            critical=True)
    for ext in extra:
        builder = builder.add_extension(ext, critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _der(cert) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _p256():
    return ec.generate_private_key(ec.SECP256R1())


def _rsa():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _jws(payload: dict, signing_key, chain, alg: str) -> str:
    header = {"alg": alg, "typ": "JWT", "x5c": [base64.b64encode(_der(c)).decode() for c in chain]}
    signing_input = _b64url(json.dumps(header).encode()) + "." + _b64url(json.dumps(payload).encode())
    if alg == "RS256":
        signature = signing_key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    else:
        r, s = decode_dss_signature(signing_key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return signing_input + "." + _b64url(signature)


# --- a minimal CBOR encoder (major types 0-5), enough for attestation objects --------------------

def _cbor_head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for extra, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | extra]) + value.to_bytes(size, "big")
    raise ValueError("integer too large")


def cbor(value) -> bytes:
    if isinstance(value, bool):
        raise TypeError("booleans are not needed")
    if isinstance(value, int):
        return _cbor_head(0, value) if value >= 0 else _cbor_head(1, -1 - value)
    if isinstance(value, bytes):
        return _cbor_head(2, len(value)) + value
    if isinstance(value, str):
        data = value.encode()
        return _cbor_head(3, len(data)) + data
    if isinstance(value, list):
        return _cbor_head(4, len(value)) + b"".join(cbor(v) for v in value)
    if isinstance(value, dict):  # members in the order given (callers give canonical order)
        return _cbor_head(5, len(value)) + b"".join(cbor(k) + cbor(v) for k, v in value.items())
    raise TypeError(type(value))


def _packed_registration(aaguid: bytes, attestation_key, attestation_cert, challenge: bytes) -> dict:
    credential_key = _p256()
    numbers = credential_key.public_key().public_numbers()
    cose_key = cbor({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})
    credential_id = hashlib.sha256(aaguid + challenge).digest()
    auth_data = (hashlib.sha256(RP_ID.encode()).digest() + bytes([0x41]) + (0).to_bytes(4, "big") + aaguid
                 + len(credential_id).to_bytes(2, "big") + credential_id + cose_key)
    client_data = json.dumps({"type": "webauthn.create", "challenge": _b64url(challenge), "origin": ORIGIN},
                             separators=(",", ":")).encode()
    signature = attestation_key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
    statement = {"alg": -7, "sig": signature, "x5c": [_der(attestation_cert)]}
    attestation_object = cbor({"fmt": "packed", "attStmt": statement, "authData": auth_data})
    return {"client_data_json_hex": client_data.hex(), "attestation_object_hex": attestation_object.hex(),
            "challenge_hex": challenge.hex(), "aaguid_hex": aaguid.hex()}


def _key_identifier(cert) -> str:
    spki = cert.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    # For EC keys the BIT STRING is the last element of the SPKI: 0x03 len 0x00 then the point.
    point = cert.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    assert spki.endswith(point)
    return hashlib.sha1(point).hexdigest()


def build(out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    # MDS PKI: root -> intermediate -> RS256 leaf (and an ES256 leaf, and an expired leaf).
    root_key, intermediate_key = _p256(), _p256()
    root_name, intermediate_name = _name("Test MDS Root"), _name("Test MDS Intermediate")
    root = _cert(root_key, root_name, root_key, root_name, _date(2020), _date(2040), True)
    intermediate = _cert(intermediate_key, intermediate_name, root_key, root_name, _date(2020), _date(2035), True)
    leaf_key = _rsa()
    leaf = _cert(leaf_key, _name("Test MDS Signer"), intermediate_key, intermediate_name, _date(2025), _date(2027), False)
    es_leaf_key = _p256()
    es_leaf = _cert(es_leaf_key, _name("Test MDS Signer ES256"), intermediate_key, intermediate_name, _date(2025), _date(2027), False)
    old_leaf_key = _rsa()
    old_leaf = _cert(old_leaf_key, _name("Test MDS Signer 2024"), intermediate_key, intermediate_name, _date(2024), _date(2025), False)
    # An intermediate whose validity ended before the verification time, and a leaf it issued.
    old_intermediate_key = _p256()
    old_intermediate_name = _name("Test MDS Intermediate 2019")
    old_intermediate = _cert(old_intermediate_key, old_intermediate_name, root_key, root_name, _date(2019), _date(2025), True)
    orphan_leaf_key = _rsa()
    orphan_leaf = _cert(orphan_leaf_key, _name("Test MDS Signer (expired issuer)"), old_intermediate_key, old_intermediate_name,
                        _date(2024), _date(2027), False)
    # Another root with its own intermediate and leaf.
    other_root_key, other_intermediate_key, other_leaf_key = _p256(), _p256(), _rsa()
    other_root_name, other_intermediate_name = _name("Other Root"), _name("Other Intermediate")
    other_root = _cert(other_root_key, other_root_name, other_root_key, other_root_name, _date(2020), _date(2040), True)
    other_intermediate = _cert(other_intermediate_key, other_intermediate_name, other_root_key, other_root_name, _date(2020), _date(2035), True)
    other_leaf = _cert(other_leaf_key, _name("Test MDS Signer"), other_intermediate_key, other_intermediate_name, _date(2025), _date(2027), False)

    # Attestation PKI: a vendor root named in the BLOB entries, issuing packed and fido-u2f certificates.
    attestation_root_key = _p256()
    attestation_root_name = _name("Test Authenticator Vendor Root")
    attestation_root = _cert(attestation_root_key, attestation_root_name, attestation_root_key, attestation_root_name,
                             _date(2020), _date(2040), True)

    def packed_cert(aaguid: bytes):
        key = _p256()
        ext = x509.UnrecognizedExtension(FIDO_AAGUID_OID, b"\x04\x10" + aaguid)
        cert = _cert(key, _name("Test Packed Attestation", "Authenticator Attestation"), attestation_root_key,
                     attestation_root_name, _date(2024), _date(2030), False, extra=[ext])
        return key, cert

    u2f_key = _p256()
    u2f_cert = _cert(u2f_key, _name("Test U2F Attestation"), attestation_root_key, attestation_root_name, _date(2024), _date(2030), False)
    root_b64 = base64.b64encode(_der(attestation_root)).decode()

    def statement(aaguid: bytes | None, description: str, family: str = "fido2", key_ids=None) -> dict:
        result = {"legalHeader": "test", "description": description, "authenticatorVersion": 2, "protocolFamily": family,
                  "schema": 3, "upv": [{"major": 1, "minor": 0}], "attestationTypes": ["basic_full"],
                  "attestationRootCertificates": [root_b64], "icon": "data:image/png;base64,iVBORw0KGgo="}
        if aaguid is not None:
            result["aaguid"] = str(_uuid(aaguid))
        if key_ids is not None:
            result["attestationCertificateKeyIdentifiers"] = key_ids
        return result

    u2f_key_id = _key_identifier(u2f_cert)
    entries = [
        {"aaguid": _uuid(AAGUID_CERTIFIED), "metadataStatement": statement(AAGUID_CERTIFIED, "Test Certified Authenticator"),
         "statusReports": [{"status": "FIDO_CERTIFIED_L1", "effectiveDate": "2025-01-01"}], "timeOfLastStatusChange": "2025-01-01"},
        {"aaguid": _uuid(AAGUID_REVOKED), "metadataStatement": statement(AAGUID_REVOKED, "Test Revoked Authenticator"),
         "statusReports": [{"status": "FIDO_CERTIFIED_L1", "effectiveDate": "2024-01-01"},
                           {"status": "REVOKED", "effectiveDate": "2025-06-01"}], "timeOfLastStatusChange": "2025-06-01"},
        {"attestationCertificateKeyIdentifiers": [u2f_key_id],
         "metadataStatement": statement(None, "Test U2F Key", family="u2f", key_ids=[u2f_key_id]),
         "statusReports": [{"status": "FIDO_CERTIFIED", "effectiveDate": "2023-03-01"}], "timeOfLastStatusChange": "2023-03-01"},
    ]
    payload = {"legalHeader": "Test metadata for dfns-bridge tests only.", "no": 42, "nextUpdate": "2026-02-01", "entries": entries}
    chain = [leaf, intermediate]
    blobs = {
        "good.jwt": _jws(payload, leaf_key, chain, "RS256"),
        "good-es256.jwt": _jws(payload, es_leaf_key, [es_leaf, intermediate], "ES256"),
        "wrong-key.jwt": _jws(payload, _rsa(), chain, "RS256"),
        "other-root.jwt": _jws(payload, other_leaf_key, [other_leaf, other_intermediate], "RS256"),
        "expired-leaf.jwt": _jws(payload, old_leaf_key, [old_leaf, intermediate], "RS256"),
        "expired-intermediate.jwt": _jws(payload, orphan_leaf_key, [orphan_leaf, old_intermediate], "RS256"),
        "stale.jwt": _jws(dict(payload, nextUpdate="2026-01-01"), leaf_key, chain, "RS256"),
        "malformed.jwt": _jws(dict(payload, entries=[dict(entries[0], aaguid=12345)]), leaf_key, chain, "RS256"),
    }
    header, _, signature = blobs["good.jwt"].split(".")
    blobs["tampered.jwt"] = header + "." + _b64url(json.dumps(dict(payload, no=43)).encode()) + "." + signature
    for name, text in blobs.items():
        (out / name).write_text(text)
    (out / "mds-root.pem").write_bytes(root.public_bytes(serialization.Encoding.PEM))
    (out / "mds-root.der").write_bytes(_der(root))
    (out / "other-root.pem").write_bytes(other_root.public_bytes(serialization.Encoding.PEM))

    registrations = {}
    for label, aaguid in (("certified", AAGUID_CERTIFIED), ("revoked", AAGUID_REVOKED), ("unlisted", AAGUID_UNLISTED)):
        key, cert = packed_cert(aaguid)
        registrations[label] = _packed_registration(aaguid, key, cert, hashlib.sha256(label.encode()).digest())
    manifest = {
        "verify_time": int(VERIFY_TIME.timestamp()),
        "rp_id": RP_ID,
        "origin": ORIGIN,
        "no": 42,
        "next_update": "2026-02-01",
        "entry_count": len(entries),
        "aaguid_certified": AAGUID_CERTIFIED.hex(),
        "aaguid_revoked": AAGUID_REVOKED.hex(),
        "aaguid_unlisted": AAGUID_UNLISTED.hex(),
        "attestation_root_der_hex": _der(attestation_root).hex(),
        "u2f_certificate_der_hex": _der(u2f_cert).hex(),
        "u2f_key_identifier": u2f_key_id,
        "registrations": registrations,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1))
    # The same values as plain files, for the C test (which has no JSON parser).
    (out / "verify-time.txt").write_text(str(manifest["verify_time"]))
    for label, registration in registrations.items():
        for key, suffix in (("client_data_json_hex", "client-data"), ("attestation_object_hex", "attestation-object"),
                            ("challenge_hex", "challenge")):
            (out / f"reg-{label}-{suffix}.bin").write_bytes(bytes.fromhex(registration[key]))
    return manifest


def _uuid(aaguid: bytes) -> str:
    h = aaguid.hex()
    return f"{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: mds_fixture.py OUTDIR")
    build(Path(sys.argv[1]))
