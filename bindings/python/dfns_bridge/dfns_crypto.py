"""Dfns cryptography that needs no client: webhooks, returned signatures, keys and key envelopes.

- :func:`verify_webhook`: a webhook delivery's ``X-DFNS-WEBHOOK-SIGNATURE`` (HMAC-SHA256), body and age;
- :func:`verify_returned_signature`: a signature the keys API returned, against the key's publicKey;
- :func:`generate_key`: a key for a new Key credential (PEMs and the credential id);
- :func:`wrap_private_key` / :func:`unwrap_private_key`: the ``encryptedPrivateKey`` envelope of
  PasswordProtectedKey and RecoveryKey credentials;
- :func:`create_password_protected_key`, :func:`generate_recovery_code`, :func:`create_recovery_key`:
  new credentials for a registration or credential challenge.

All functions are thread-safe and release the GIL while the library works. Secrets the library
returns (private keys, recovery codes) are wiped in library memory before it is released; the
Python ``str`` copies cannot be wiped: keep them no longer than needed.
"""

from __future__ import annotations

import json
import time
from ctypes import byref, c_void_p
from dataclasses import dataclass
from typing import Any, Dict, Optional, Union

from . import _lib
from ._handle import (
    BytesLike,
    TextLike,
    as_bytes,
    as_cstr,
    as_optional_cstr,
    as_secret_bytes,
    as_text_bytes,
    take_string,
)
from .enums import KeyKind, coerce_key_kind

__all__ = [
    "GeneratedKey",
    "verify_webhook",
    "verify_returned_signature",
    "generate_key",
    "wrap_private_key",
    "unwrap_private_key",
    "create_password_protected_key",
    "generate_recovery_code",
    "create_recovery_key",
]

_lib_ = _lib.lib


def _hex_text(value: Optional[Union[str, BytesLike]], what: str) -> Optional[bytes]:
    """A hex argument: a str ("0x" optional) or raw bytes (hex-encoded here); None stays None."""
    if value is None:
        return None
    if isinstance(value, str):
        return as_cstr(value, what)
    return as_bytes(value, what).hex().encode("ascii")


def verify_webhook(
    secret: Union[str, BytesLike],
    body: Union[str, BytesLike],
    signature_header: Optional[str],
    *,
    now: Optional[float] = None,
    max_age: int = 300,
    allowed_future_skew: int = 60,
) -> Dict[str, Any]:
    """Verifies a Dfns webhook delivery and returns its event.

    Checks that ``signature_header`` (the ``X-DFNS-WEBHOOK-SIGNATURE`` value) is one
    ``sha256=<64 hex>`` entry equal to HMAC-SHA256(secret, body) (constant-time), that the body is a
    JSON event with id, kind, date, data and timestampSent, and that timestampSent is at most
    ``max_age`` seconds before ``now`` and at most ``allowed_future_skew`` seconds after it.

    Args:
        secret: the webhook's secret (the ``whs-…`` text, or bytes).
        body: the request body exactly as received (bytes; a str is encoded as UTF-8).
        signature_header: the header's value, or None when the header was absent.
        now: the current time in Unix seconds (default: ``time.time()``).
        max_age, allowed_future_skew: seconds (Dfns documents 300; 60 tolerates clock skew).

    Returns the verified event (a dict). Keep processed event ids for ``max_age`` seconds to drop
    replays.

    Raises :class:`~dfns_bridge.WebhookError` whose ``reason`` is ``"missing_signature_header"``,
    ``"malformed_signature_header"``, ``"signature_mismatch"``, ``"body_not_json"``,
    ``"invalid_event"``, ``"too_old"`` or ``"from_the_future"``.
    """
    key = as_secret_bytes(secret, "secret")
    data = body.encode("utf-8") if isinstance(body, str) else as_bytes(body, "body")
    header = as_optional_cstr(signature_header, "signature_header")
    when = int(time.time() if now is None else now)
    out = c_void_p()
    _lib_.dfns_webhook_verify(key, len(key), data, len(data), header, when, int(max_age), int(allowed_future_skew), byref(out))
    return json.loads(take_string(out))


def verify_returned_signature(
    key_kind: Union[KeyKind, int, str],
    public_key: Union[str, BytesLike],
    signed_data: BytesLike,
    r: Union[str, BytesLike],
    s: Union[str, BytesLike],
    *,
    recid: Optional[int] = None,
    encoded: Optional[Union[str, BytesLike]] = None,
    allow_high_s: bool = False,
) -> None:
    """Verifies a signature the Dfns keys API returned (``POST /keys/{keyId}/signatures``).

    Args:
        key_kind: ``KeyKind.SECP256K1``, ``KeyKind.P256`` or ``KeyKind.ED25519``.
        public_key: the key's publicKey: hex text ("0x" optional; SEC1 33 or 65 bytes for ECDSA,
            32 bytes for Ed25519) or the raw bytes.
        signed_data: ECDSA: the 32-byte digest that was signed; Ed25519: the message itself.
        r, s: the signature's ``r`` and ``s`` (hex text or raw bytes).
        recid: the ``recid`` (0 to 3), or None when absent; for secp256k1 the public key is
            recovered with it and must equal ``public_key``.
        encoded: the ``encoded`` hex (DER, r || s or r || s || v), or None.
        allow_high_s: accept a secp256k1 S above n/2 (refused by default).

    Returns None when the signature verifies. Raises :class:`~dfns_bridge.ReturnedSignatureError`
    when it does not, :class:`~dfns_bridge.SignatureError` (``DFNS_ERR_INVALID_PUBLIC_KEY``),
    :class:`~dfns_bridge.UnsupportedError` (RSA).
    """
    kind = coerce_key_kind(key_kind)
    pub = _hex_text(public_key, "public_key")
    data = as_bytes(signed_data, "signed_data")
    r_hex = _hex_text(r, "r")
    s_hex = _hex_text(s, "s")
    enc = _hex_text(encoded, "encoded")
    rec = -1 if recid is None else int(recid)
    flags = _lib.RETURNED_SIGNATURE_ALLOW_HIGH_S if allow_high_s else 0
    _lib_.dfns_returned_signature_verify(kind, pub, data, len(data), r_hex, s_hex, rec, enc, flags)


@dataclass(frozen=True)
class GeneratedKey:
    """A key for a new Key credential (:func:`generate_key`).

    Attributes:
        private_key_pem: the unencrypted PKCS#8 PEM ("PRIVATE KEY"): a secret.
        public_key_pem: the SubjectPublicKeyInfo PEM ("PUBLIC KEY"), as Key attestations carry it.
        credential_id: the credential id the newest SDKs give a new key (base64url of SHA-256 of
            the SPKI DER); :meth:`Signer.from_key_pem` derives the same when given none.
        kind: the key kind.
    """

    private_key_pem: str
    public_key_pem: str
    credential_id: str
    kind: KeyKind

    def __repr__(self) -> str:  # never print the private key
        return f"GeneratedKey(kind={self.kind.name}, credential_id={self.credential_id!r})"


def generate_key(kind: Union[KeyKind, int, str] = KeyKind.P256, *, rsa_bits: int = 0) -> GeneratedKey:
    """Generates a key for a new Key credential: P-256 (default), Ed25519, secp256k1 or RSA.

    ``rsa_bits``: the RSA modulus size (2048 ... 16384; 0 for 2048); ignored for other kinds.
    Raises :class:`~dfns_bridge.InvalidArgumentError` for an unknown kind or RSA size.
    """
    value = coerce_key_kind(kind)
    private_pem, public_pem, credential_id = c_void_p(), c_void_p(), c_void_p()
    _lib_.dfns_key_generate(value, int(rsa_bits), byref(private_pem), byref(public_pem), byref(credential_id))
    return GeneratedKey(
        private_key_pem=take_string(private_pem, secret=True),
        public_key_pem=take_string(public_pem),
        credential_id=take_string(credential_id),
        kind=KeyKind(value),
    )


def wrap_private_key(private_key: TextLike, password: Union[str, BytesLike], username: str) -> str:
    """Wraps a P-256 private key (PEM or DER) under a password as an ``encryptedPrivateKey``
    envelope (PBKDF2-HMAC-SHA256 with 100 000 iterations, salted with the username; AES-256-GCM).

    Raises :class:`~dfns_bridge.InvalidArgumentError` (empty password or username),
    :class:`~dfns_bridge.MalformedInputError`, :class:`~dfns_bridge.SignatureError` (not P-256).
    """
    key = as_text_bytes(private_key, "private_key")
    pw = as_secret_bytes(password, "password")
    user = as_cstr(username, "username")
    out = c_void_p()
    _lib_.dfns_password_protected_key_wrap(key, len(key), pw, len(pw), user, byref(out))
    return take_string(out)


def unwrap_private_key(encrypted_private_key: str, password: Union[str, BytesLike], username: str) -> str:
    """Opens an envelope (from :func:`wrap_private_key` or a Dfns SDK) and returns the PKCS#8 PEM.

    Raises :class:`~dfns_bridge.WrongPasswordError` (wrong password or username, or an altered
    envelope), :class:`~dfns_bridge.MalformedInputError` (not an envelope).
    """
    env = as_cstr(encrypted_private_key, "encrypted_private_key")
    pw = as_secret_bytes(password, "password")
    user = as_cstr(username, "username")
    out = c_void_p()
    _lib_.dfns_password_protected_key_unwrap(env, pw, len(pw), user, byref(out))
    return take_string(out, secret=True)


def create_password_protected_key(
    challenge: str, password: Union[str, BytesLike], username: str, credential_name: Optional[str] = None
) -> Dict[str, Any]:
    """Creates a PasswordProtectedKey credential for a registration or credential challenge: a new
    P-256 key, wrapped under the password, attested for ``challenge`` (the challenge string verbatim).

    Returns ``{"credentialKind": "PasswordProtectedKey", "credentialInfo": {"credId", "clientData",
    "attestationData"}, ["credentialName",] "encryptedPrivateKey": …}``.
    """
    return _create_credential(
        _lib_.dfns_password_protected_key_create, challenge, as_secret_bytes(password, "password"), username,
        credential_name,
    )


def generate_recovery_code() -> str:
    """Draws a new recovery code ("D1-" and 32 characters grouped 6-5-5-5-5-6, about 160 bits).

    A secret: show it to the user once.
    """
    out = c_void_p()
    _lib_.dfns_recovery_code_generate(byref(out))
    return take_string(out, secret=True)


def create_recovery_key(
    challenge: str, recovery_code: Union[str, BytesLike], username: str, credential_name: Optional[str] = None
) -> Dict[str, Any]:
    """Creates a RecoveryKey credential for a registration or credential challenge: a new P-256 key
    wrapped under the recovery code, attested for ``challenge``.

    Returns ``{"credentialKind": "RecoveryKey", "credentialInfo": {…}, ["credentialName",]
    "encryptedPrivateKey": …}`` (the recoveryCredential of a registration).
    Raises :class:`~dfns_bridge.WrongPasswordError` for a code not of the D1-XXXXXX-… format.
    """
    return _create_credential(
        _lib_.dfns_recovery_key_create, challenge, as_secret_bytes(recovery_code, "recovery_code"), username,
        credential_name,
    )


def _create_credential(
    create: Any, challenge: str, secret: bytes, username: str, credential_name: Optional[str]
) -> Dict[str, Any]:
    """Calls dfns_password_protected_key_create or dfns_recovery_key_create (same arguments)."""
    out = c_void_p()
    create(
        as_cstr(challenge, "challenge"), secret, len(secret), as_cstr(username, "username"),
        as_optional_cstr(credential_name, "credential_name"), byref(out),
    )
    return json.loads(take_string(out))
