"""The software authenticator (``dfns_authenticator_*``, ``dfns_response_*``): for tests and demos."""

from __future__ import annotations

from ctypes import byref
from dataclasses import dataclass
from typing import Any, Union

from . import _lib
from ._handle import BytesLike, Handle, as_bytes, as_cstr, borrowed_bytes
from .enums import AlgorithmLike, AttestationKind, CoseAlgorithm, coerce_algorithm, coerce_attestation_kind
from .errors import NotFoundError

__all__ = ["SoftwareAuthenticator", "RegistrationResponse", "AssertionResponse"]

_lib_ = _lib.lib

# dfns_response_field
_CREDENTIAL_ID = 1
_CLIENT_DATA_JSON = 2
_ATTESTATION_OBJECT = 3
_AUTHENTICATOR_DATA = 4
_SIGNATURE = 5
_USER_HANDLE = 6


@dataclass(frozen=True)
class RegistrationResponse:
    """What ``navigator.credentials.create()`` would return: the bytes to send to the RP."""

    credential_id: bytes
    client_data_json: bytes
    attestation_object: bytes


@dataclass(frozen=True)
class AssertionResponse:
    """What ``navigator.credentials.get()`` would return: the bytes to send to the RP."""

    credential_id: bytes
    client_data_json: bytes
    authenticator_data: bytes
    signature: bytes
    user_handle: bytes  #: b"" when the credential was registered without one


def _field(response: Any, field: int, *, missing_ok: bool = False) -> bytes:
    try:
        return borrowed_bytes(lambda r, p, n: _lib_.dfns_response_get(r, field, p, n), response) or b""
    except NotFoundError:
        if missing_ok:
            return b""
        raise


class SoftwareAuthenticator(Handle):
    """A software authenticator holding credentials (private keys) in process memory.

    For tests, demos and hosts' own tests only. Thread-safe (internally locked in the library).
    Closing it wipes its keys.

    >>> with SoftwareAuthenticator() as authenticator:                  # doctest: +SKIP
    ...     created = authenticator.register("example.org", "https://example.org", challenge)
    """

    _free_func = _lib_.dfns_authenticator_free

    def __init__(self) -> None:
        """Creates an authenticator with an all-zero AAGUID."""
        out = _lib.AuthenticatorPtr()
        _lib_.dfns_authenticator_new(byref(out))
        super().__init__(out)

    def register(
        self,
        rp_id: str,
        origin: str,
        challenge: BytesLike,
        *,
        alg: AlgorithmLike = CoseAlgorithm.ES256,
        attestation: Union[AttestationKind, int, str] = AttestationKind.NONE,
        user_handle: BytesLike = b"",
        user_verified: bool = True,
    ) -> RegistrationResponse:
        """Creates a credential and returns its registration response.

        Args:
            rp_id, origin: written into the authenticator data and clientDataJSON.
            challenge: the relying party's challenge bytes.
            alg: ES256 (default), EDDSA, ES256K or RS256.
            attestation: ``"none"`` (default) or ``"packed-self"`` (an :class:`AttestationKind`).
            user_handle: returned with assertions (may be empty).
            user_verified: set the UV flag.

        Raises :class:`~dfns_bridge.SignatureError` (``DFNS_ERR_UNSUPPORTED_ALGORITHM``) for an
        algorithm it cannot sign with, :class:`~dfns_bridge.InvalidArgumentError` for empty or
        invalid arguments.
        """
        rp = as_cstr(rp_id, "rp_id")
        org = as_cstr(origin, "origin")
        chal = as_bytes(challenge, "challenge")
        handle = as_bytes(user_handle, "user_handle")
        alg_value = coerce_algorithm(alg)
        kind = coerce_attestation_kind(attestation)
        uv = 1 if user_verified else 0
        out = _lib.ResponsePtr()
        self._read(
            lambda p: _lib_.dfns_authenticator_register(
                p, rp, org, chal, len(chal), alg_value, kind, handle, len(handle), uv, byref(out)
            )
        )
        try:
            return RegistrationResponse(
                credential_id=_field(out, _CREDENTIAL_ID),
                client_data_json=_field(out, _CLIENT_DATA_JSON),
                attestation_object=_field(out, _ATTESTATION_OBJECT),
            )
        finally:
            _lib_.dfns_response_free(byref(out))

    def authenticate(
        self,
        rp_id: str,
        origin: str,
        challenge: BytesLike,
        credential_id: BytesLike,
        *,
        user_verified: bool = True,
    ) -> AssertionResponse:
        """Signs an assertion with an existing credential (its counter increases by one).

        Raises :class:`~dfns_bridge.NotFoundError` when no credential ``credential_id`` exists for
        ``rp_id``.
        """
        rp = as_cstr(rp_id, "rp_id")
        org = as_cstr(origin, "origin")
        chal = as_bytes(challenge, "challenge")
        cred = as_bytes(credential_id, "credential_id")
        uv = 1 if user_verified else 0
        out = _lib.ResponsePtr()
        self._read(
            lambda p: _lib_.dfns_authenticator_authenticate(
                p, rp, org, chal, len(chal), cred, len(cred), uv, byref(out)
            )
        )
        try:
            return AssertionResponse(
                credential_id=_field(out, _CREDENTIAL_ID),
                client_data_json=_field(out, _CLIENT_DATA_JSON),
                authenticator_data=_field(out, _AUTHENTICATOR_DATA),
                signature=_field(out, _SIGNATURE),
                user_handle=_field(out, _USER_HANDLE, missing_ok=True),
            )
        finally:
            _lib_.dfns_response_free(byref(out))
