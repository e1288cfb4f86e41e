"""User-action signers (``dfns_signer_*``): Key credentials, host callbacks, passkeys, PPK and recovery keys.

A :class:`Signer` signs Dfns user-action challenges, either for a :class:`~dfns_bridge.Client`
(``Client(..., signer=...)`` / :meth:`Client.set_signer`: the client then signs every request
that needs a user action) or directly, as the end user's device of the delegated flow does
(:meth:`Signer.sign_challenge`).

Kinds of signers:

- :meth:`Signer.from_key_pem` / :meth:`Signer.from_key_der`: a Key credential whose private key
  (Ed25519, P-256, secp256k1, RSA >= 2048) is given;
- :meth:`Signer.external`: a Key credential whose private key stays elsewhere (an HSM, a KMS):
  a Python callable signs the bytes it is given; every signature it returns is verified with the
  credential's public key before it is used;
- :meth:`Signer.webauthn`: a passkey of the :class:`~dfns_bridge.SoftwareAuthenticator` (tests, demos);
- :meth:`Signer.password_protected_key` and :meth:`Signer.recovery_key`: a key in a Dfns envelope,
  opened once with the password or recovery code.

Signers are immutable and thread-safe; a client keeps its own reference, so a signer may be closed
once it was given to the clients that use it.

**External signers and exceptions.** The callable runs on the thread of the call that needs the
signature (ctypes takes the GIL for it). If it raises, the signing call fails inside the library
with ``DFNS_ERR_SIGNER_CALLBACK`` and the *callable's exception* is raised to the caller of
:meth:`Signer.sign_challenge` or :meth:`Client.request`, with the library's
:class:`~dfns_bridge.SignerCallbackError` as ``exc.dfns_error`` (and as ``__cause__`` when the
exception had no cause): it is never swallowed, also when several threads sign at once.
"""

from __future__ import annotations

import json
from ctypes import byref, c_char_p, c_void_p, memmove, string_at
from typing import Any, Callable, Dict, Mapping, Optional, Tuple, Union

from . import _callbacks, _lib
from .authenticator import SoftwareAuthenticator
from .errors import Status
from ._handle import (
    BytesLike,
    Handle,
    TextLike,
    as_bytes,
    as_cstr,
    as_json_text,
    as_optional_cstr,
    as_secret_bytes,
    as_text_bytes,
    take_string,
)

__all__ = ["Signer", "SignFunction", "ecdsa_raw_to_der", "create_fido2_credential"]

_lib_ = _lib.lib

#: An external signing function: the message bytes (a clientData document, never a digest) in, the
#: signature out (bytes-like): Ed25519 raw R || S; P-256 / secp256k1 ECDSA over SHA-256 as ASN.1 DER
#: (see :func:`ecdsa_raw_to_der` for raw r || s); RSA PKCS#1 v1.5 with SHA-256.
SignFunction = Callable[[bytes], BytesLike]


def ecdsa_raw_to_der(raw: BytesLike) -> bytes:
    """Converts a raw ECDSA signature ``r || s`` (two equal halves, as many HSMs and KMSs return it)
    to the ASN.1 DER ``SEQUENCE { INTEGER r, INTEGER s }`` an external signer must return."""
    data = as_bytes(raw, "raw")
    if not data or len(data) % 2:
        raise ValueError(f"a raw ECDSA signature has two halves of equal size, not {len(data)} bytes")
    half = len(data) // 2

    def integer(value: bytes) -> bytes:
        value = value.lstrip(b"\x00") or b"\x00"
        if value[0] & 0x80:
            value = b"\x00" + value
        return b"\x02" + _der_length(len(value)) + value

    body = integer(data[:half]) + integer(data[half:])
    return b"\x30" + _der_length(len(body)) + body


def _der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    encoded = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(encoded)]) + encoded


# ------------------------------------------------------------------------------------------------
# The external signing trampoline
# ------------------------------------------------------------------------------------------------


class _ExternalState(_callbacks.CallbackOwner):
    """What the C side keeps for one external signer (through its ``user`` token)."""

    __slots__ = ("sign",)

    def __init__(self, sign: SignFunction) -> None:
        super().__init__()
        self.sign = sign


#: The value an external signer returns when the Python callable failed (any non-zero value fails).
_CALLBACK_FAILED = int(Status.SIGNER_CALLBACK)


def _sign_trampoline(
    user: Optional[int],
    key_kind: int,
    message: Optional[int],
    message_len: int,
    signature: Optional[int],
    capacity: int,
    signature_len: Any,
) -> int:
    state: Optional[_ExternalState] = None
    try:
        state = _callbacks.lookup(user)
        if not message or not signature:
            raise ValueError("the library called the external signer without its buffers")
        data = string_at(message, message_len) if message_len else b""
        produced = state.sign(data)
        if isinstance(produced, str):
            raise TypeError("an external signer must return the signature as bytes, not str")
        sig = as_bytes(produced, "the signature returned by the external signer")
        if len(sig) > capacity:
            raise ValueError(
                f"the external signer returned {len(sig)} bytes; a signature has at most {capacity}"
            )
        if sig:
            memmove(signature, sig, len(sig))
        signature_len[0] = len(sig)
        return 0
    except BaseException as exc:  # noqa: BLE001 - nothing may unwind into C
        _callbacks.record(exc, state)
        return _CALLBACK_FAILED


#: The ``dfns_sign_fn`` of every Python external signer; a module global, never freed.
_SIGN = _lib.SignFn(_sign_trampoline)


# ------------------------------------------------------------------------------------------------
# Signer
# ------------------------------------------------------------------------------------------------


class Signer(Handle):
    """A user-action signer (``dfns_signer_t``). Create one with a ``from_*`` / named constructor.

    Immutable and thread-safe: share one signer between threads and clients. ``with`` or
    :meth:`close` releases this reference; clients it was given to keep theirs.
    """

    _free_func = _lib_.dfns_signer_free

    def __init__(self, ptr: Any, kind: str, owner: Optional[_callbacks.CallbackOwner] = None) -> None:
        """Wraps a new ``dfns_signer_t`` (use the class methods instead)."""
        super().__init__(ptr)
        #: "key", "external", "webauthn", "password_protected_key" or "recovery_key".
        self.kind = kind
        self._owner = owner
        self._credential_id: Optional[str] = None

    # -- constructors -----------------------------------------------------------------------------

    @classmethod
    def from_key(cls, private_key: TextLike, credential_id: Optional[str] = None) -> "Signer":
        """A Key credential signer from an unencrypted private key, PEM text or DER bytes.

        Args:
            private_key: PKCS#8 "PRIVATE KEY", SEC1 "EC PRIVATE KEY" or PKCS#1 "RSA PRIVATE KEY",
                as PEM (str or bytes) or DER (bytes). Ed25519, P-256, secp256k1 or RSA >= 2048.
            credential_id: the credId Dfns knows the key by; None for the id the newest SDKs derive
                for a new key (base64url of SHA-256 of the SubjectPublicKeyInfo).

        Raises :class:`~dfns_bridge.MalformedInputError` (not a private key),
        :class:`~dfns_bridge.SignatureError` (``DFNS_ERR_UNSUPPORTED_ALGORITHM``: a key type a Key
        credential cannot have). The library wipes its own copy; Python's copies cannot be wiped.
        """
        data = as_text_bytes(private_key, "private_key")
        cred = as_optional_cstr(credential_id, "credential_id")
        out = _lib.SignerPtr()
        _lib_.dfns_signer_new_key(data, len(data), cred, byref(out))
        return cls(out, "key")

    @classmethod
    def from_key_pem(cls, private_key_pem: TextLike, credential_id: Optional[str] = None) -> "Signer":
        """A Key credential signer from a PEM private key (see :meth:`from_key`)."""
        return cls.from_key(private_key_pem, credential_id)

    @classmethod
    def from_key_der(cls, private_key_der: BytesLike, credential_id: Optional[str] = None) -> "Signer":
        """A Key credential signer from a DER private key (PKCS#8, SEC1 or PKCS#1; see :meth:`from_key`)."""
        return cls.from_key(as_bytes(private_key_der, "private_key_der"), credential_id)

    @classmethod
    def external(cls, sign: SignFunction, public_key: TextLike, credential_id: str) -> "Signer":
        """A Key credential signer whose private key stays with the host (HSM, KMS, ...).

        Args:
            sign: ``sign(message: bytes) -> bytes``: signs the exact message bytes (a clientData
                document, never a digest) with the credential's key and returns the signature in
                the Dfns encoding: Ed25519 raw R || S (64 bytes); P-256 and secp256k1 ECDSA over
                SHA-256(message) as ASN.1 DER (:func:`ecdsa_raw_to_der` converts raw r || s); RSA
                PKCS#1 v1.5 with SHA-256. At most 2048 bytes. Called on the thread of the signing
                call, concurrently when the signer is used from several threads. The library
                verifies each signature with ``public_key`` before using it: a wrong one fails the
                call with :class:`~dfns_bridge.SignerCallbackError`; an exception the callable raises
                reaches the caller as it is (see the module documentation).
            public_key: the credential's public key, PEM "PUBLIC KEY" text or DER SubjectPublicKeyInfo;
                it fixes the key kind.
            credential_id: the credential's id (credId), not empty.

        The callable is kept until the library releases the signer (after this object and every
        client holding it are gone).
        """
        if not callable(sign):
            raise TypeError(f"sign must be callable, not {type(sign).__name__}")
        cred = as_cstr(credential_id, "credential_id")
        pub = as_text_bytes(public_key, "public_key")
        state = _ExternalState(sign)
        token = _callbacks.register(state)
        out = _lib.SignerPtr()
        try:
            _lib_.dfns_signer_new_external(cred, pub, len(pub), _SIGN, token, _callbacks.FREE_USER, byref(out))
        except BaseException:
            _callbacks.unregister(token)  # free_user is not called when the call fails
            raise
        return cls(out, "external", state)

    @classmethod
    def webauthn(
        cls,
        authenticator: SoftwareAuthenticator,
        rp_id: str,
        origin: str,
        credential_id: BytesLike,
        *,
        user_verified: bool = True,
    ) -> "Signer":
        """A Fido2 (passkey) signer over a credential of a :class:`~dfns_bridge.SoftwareAuthenticator`.

        Args:
            authenticator: the software authenticator holding the credential (it keeps working for
                this signer after it is closed).
            rp_id: the relying party id the passkeys are configured for.
            origin: written into clientDataJSON, e.g. ``"https://app.example.com"``.
            credential_id: the passkey's raw credential id (bytes).
            user_verified: set the UV flag (Dfns challenges ask for user verification).

        Raises :class:`~dfns_bridge.NotFoundError` when the authenticator has no such credential.
        """
        if not isinstance(authenticator, SoftwareAuthenticator):
            raise TypeError(f"authenticator must be a SoftwareAuthenticator, not {type(authenticator).__name__}")
        rp = as_cstr(rp_id, "rp_id")
        org = as_cstr(origin, "origin")
        cred = as_bytes(credential_id, "credential_id")
        uv = 1 if user_verified else 0
        out = _lib.SignerPtr()
        authenticator._read(
            lambda p: _lib_.dfns_signer_new_webauthn(p, rp, org, cred, len(cred), uv, byref(out))
        )
        return cls(out, "webauthn")

    @classmethod
    def password_protected_key(
        cls,
        encrypted_private_key: str,
        password: Union[str, BytesLike],
        username: str,
        credential_id: Optional[str] = None,
    ) -> "Signer":
        """A PasswordProtectedKey credential signer: the envelope is opened once, here.

        Args:
            encrypted_private_key: the envelope (``encryptedPrivateKey``).
            password: the password (str, encoded as UTF-8, or bytes).
            username: the user's name (the salt is derived from it, trimmed and lower-cased).
            credential_id: the credential's id, or None to derive it from the public key.

        Raises :class:`~dfns_bridge.WrongPasswordError` (wrong password or username, or an altered
        envelope: they cannot be told apart), :class:`~dfns_bridge.MalformedInputError` (not an
        envelope), :class:`~dfns_bridge.InvalidArgumentError` (empty password or username).
        """
        return cls._from_envelope(
            _lib_.dfns_signer_new_password_protected_key, "password_protected_key",
            as_cstr(encrypted_private_key, "encrypted_private_key"), as_secret_bytes(password, "password"),
            username, credential_id,
        )

    @classmethod
    def recovery_key(
        cls,
        encrypted_recovery_key: str,
        recovery_code: Union[str, BytesLike],
        username: str,
        credential_id: Optional[str] = None,
    ) -> "Signer":
        """A RecoveryKey credential signer: the recovery code ("D1-…") opens the envelope once, here.

        Raises :class:`~dfns_bridge.WrongPasswordError` (a code not of the D1-XXXXXX-… format, the
        wrong code or username, an altered envelope), :class:`~dfns_bridge.MalformedInputError`.
        """
        return cls._from_envelope(
            _lib_.dfns_signer_new_recovery_key, "recovery_key",
            as_cstr(encrypted_recovery_key, "encrypted_recovery_key"), as_secret_bytes(recovery_code, "recovery_code"),
            username, credential_id,
        )

    @classmethod
    def _from_envelope(
        cls, new: Any, kind: str, envelope: bytes, secret: bytes, username: str, credential_id: Optional[str]
    ) -> "Signer":
        """A signer over a Dfns key envelope (``new``: the dfns_signer_new_* function of ``kind``)."""
        out = _lib.SignerPtr()
        new(envelope, secret, len(secret), as_cstr(username, "username"),
            as_optional_cstr(credential_id, "credential_id"), byref(out))
        return cls(out, kind)

    # -- use ----------------------------------------------------------------------------------------

    @property
    def credential_id(self) -> str:
        """The credential id (credId) the signer's assertions carry (base64url for a passkey)."""
        if self._credential_id is None:
            value = c_char_p()
            self._read(lambda p: _lib_.dfns_signer_credential_id(p, byref(value)))
            self._credential_id = (value.value or b"").decode("utf-8")
        return self._credential_id

    def sign_challenge(self, challenge: Union[str, bytes, Mapping[str, Any]]) -> str:
        """Signs a user-action challenge and returns the firstFactor of ``POST /auth/action``.

        Args:
            challenge: the answer of ``POST /auth/action/init`` (``{"challenge", "challengeIdentifier",
                "allowCredentials", …}``) or what :meth:`Client.delegated_init` returned
                (``{"method", "path", "body", "challenge": {…}}``), as JSON text or a dict.

        Returns the first factor as compact JSON text:
        ``{"kind": "Key"|"PasswordProtectedKey"|"RecoveryKey"|"Fido2", "credentialAssertion": {…}}``,
        ready for :meth:`Client.delegated_complete`.

        Raises :class:`~dfns_bridge.SignerError` when the challenge's allowCredentials do not name
        this signer's credential (nothing is signed), :class:`~dfns_bridge.InvalidArgumentError`
        for a challenge that is not one, and, for an external signer, the callable's own exception
        (or :class:`~dfns_bridge.SignerCallbackError` for a signature that does not verify).
        """
        text = as_json_text(challenge, "challenge")
        out = c_void_p()
        if self._owner is None:
            # Only external signers call back into Python, so the other kinds need no callback frame
            # (the frame alone cost about 1.6 us of a call whose Python part is about 4 us).
            ptr = self._acquire()
            try:
                rc = _SIGN_CHALLENGE(ptr, text, byref(out))
                error = _lib.error_for(rc, "dfns_signer_sign_challenge") if rc else None
            finally:
                self._release()
            result = take_string(out)
            if error is not None:
                raise error
            return result
        with _callbacks.frame(self._owner) as f:
            rc = self._read(lambda p: _SIGN_CHALLENGE(p, text, byref(out)))
            error = _lib.error_for(rc, "dfns_signer_sign_challenge") if rc else None
        result = take_string(out)
        _callbacks.reraise(f, error, "dfns_signer_sign_challenge")
        if error is not None:
            raise error
        return result

    def sign_recovery(self, new_credentials: Union[str, bytes, Mapping[str, Any]]) -> str:
        """Signs an account recovery with a :meth:`recovery_key` signer: an assertion over base64url
        of the compact JSON of ``new_credentials`` (``dfns_signer_sign_recovery``).

        Args:
            new_credentials: the ``newCredentials`` object sent with it
                (``{"firstFactorCredential": …, ["recoveryCredential": …]}``), as JSON text or a dict.

        Returns the ``recovery`` member of ``POST /auth/recover/user`` as compact JSON text
        (``{"kind": "RecoveryKey", "credentialAssertion": {…}}``).

        Raises :class:`~dfns_bridge.UnsupportedError` for a signer that is not a recovery key,
        :class:`~dfns_bridge.InvalidArgumentError` for a value that is not a JSON object.
        """
        text = as_json_text(new_credentials, "new_credentials")
        out = c_void_p()
        self._read(lambda p: _lib_.dfns_signer_sign_recovery(p, text, byref(out)))
        return take_string(out)

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<dfns_bridge.Signer {self.kind} {state}>"


def create_fido2_credential(
    authenticator: SoftwareAuthenticator,
    rp_id: str,
    origin: str,
    challenge: Union[str, bytes, Mapping[str, Any]],
    credential_name: Optional[str] = None,
) -> Tuple[Dict[str, Any], Signer]:
    """Creates a passkey on ``authenticator`` for a Dfns registration or credential challenge, as the
    end user's device does (``dfns_fido2_credential_create``): the challenge's ``challenge``,
    ``user.id``, ``user.name``, ``pubKeyCredParams`` and ``attestation`` are used; ``rp`` is not.

    Returns ``(credential, signer)``: ``{"credentialKind": "Fido2", "credentialInfo": {"credId",
    "clientData", "attestationData"}, ["credentialName"]}`` (the firstFactorCredential of a
    registration, or the body of ``POST /auth/credentials`` with the challengeIdentifier added), and a
    user-verifying passkey :class:`Signer` for the new credential.

    Raises :class:`~dfns_bridge.InvalidArgumentError` for a challenge missing a member or with one of
    the wrong type, :class:`~dfns_bridge.SignatureError` (UNSUPPORTED_ALGORITHM) when no offered algorithm is
    supported.
    """
    if not isinstance(authenticator, SoftwareAuthenticator):
        raise TypeError(f"authenticator must be a SoftwareAuthenticator, not {type(authenticator).__name__}")
    rp = as_cstr(rp_id, "rp_id")
    org = as_cstr(origin, "origin")
    text = as_json_text(challenge, "challenge")
    name = as_optional_cstr(credential_name, "credential_name")
    out = c_void_p()
    signer = _lib.SignerPtr()
    authenticator._read(lambda p: _lib_.dfns_fido2_credential_create(p, rp, org, text, name, byref(out), byref(signer)))
    return json.loads(take_string(out)), Signer(signer, "webauthn")


_SIGN_CHALLENGE = _lib.unchecked("dfns_signer_sign_challenge")

