"""Registration (WebAuthn §7.1) and assertion (§7.2) verification."""

from __future__ import annotations

from ctypes import byref, c_char_p, c_int, c_size_t, c_uint8, c_uint32, c_void_p, string_at
from dataclasses import dataclass
from typing import Any, Optional, Union

from . import _lib
from ._handle import BytesLike, as_bytes, borrowed_bytes
from .enums import AuthenticatorFlags
from .keys import PublicKey
from .policy import Policy

__all__ = [
    "Registration",
    "Assertion",
    "verify_registration",
    "verify_registration_hash",
    "verify_assertion",
    "verify_assertion_hash",
]

_lib_ = _lib.lib
_CLIENT_DATA_HASH_SIZE = 32
_UINT32_MAX = 0xFFFFFFFF


class _Flags:
    """The authenticator data flags of a result, by name."""

    flags: AuthenticatorFlags

    @property
    def user_present(self) -> bool:
        """The UP flag."""
        return bool(self.flags & AuthenticatorFlags.UP)

    @property
    def user_verified(self) -> bool:
        """The UV flag."""
        return bool(self.flags & AuthenticatorFlags.UV)

    @property
    def backup_eligible(self) -> bool:
        """The BE flag: store it with the credential and pass it to :func:`verify_assertion` as
        ``backup_eligible``."""
        return bool(self.flags & AuthenticatorFlags.BE)

    @property
    def backed_up(self) -> bool:
        """The BS flag."""
        return bool(self.flags & AuthenticatorFlags.BS)


@dataclass(frozen=True)
class Registration(_Flags):
    """A verified registration: the credential record to store.

    ``public_key`` is a :class:`PublicKey` handle of its own (keep it for assertions, or store
    ``public_key.cose`` and re-import it later). Use the registration as a context manager, or call
    :meth:`close`, to release that key deterministically.
    """

    credential_id: bytes
    aaguid: bytes
    public_key: PublicKey
    fmt: str  #: the attestation statement format ("packed", "none", ...)
    attestation_type: str  #: "basic", "self", "attca", "anonca", "none" or "compound"
    trusted: bool  #: whether the attestation chained to a trust anchor
    sign_count: int
    flags: AuthenticatorFlags
    extensions: Optional[bytes]  #: authenticator extension outputs (CBOR map), None when absent

    def close(self) -> None:
        """Releases :attr:`public_key` (idempotent)."""
        self.public_key.close()

    def __enter__(self) -> "Registration":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()


@dataclass(frozen=True)
class Assertion(_Flags):
    """A verified assertion: the values to update in the credential record."""

    sign_count: int  #: the new signature counter to store
    flags: AuthenticatorFlags
    sign_count_regressed: bool  #: counter did not increase and the policy only flags it
    extensions: Optional[bytes]  #: authenticator extension outputs (CBOR map), None when absent


def _check_policy(policy: Any) -> Policy:
    if not isinstance(policy, Policy):
        raise TypeError(f"policy must be a dfns_bridge.Policy, not {type(policy).__name__}")
    return policy


def _check_hash(value: Any) -> bytes:
    data = as_bytes(value, "client_data_hash")
    if len(data) != _CLIENT_DATA_HASH_SIZE:
        raise ValueError(f"client_data_hash must be {_CLIENT_DATA_HASH_SIZE} bytes (SHA-256), got {len(data)}")
    return data


def _read_registration(handle: Any) -> Registration:
    """Copies every field out of a dfns_registration_t (the caller frees the handle)."""
    key_ptr = _lib.PublicKeyPtr()
    _lib_.dfns_registration_public_key(handle, byref(key_ptr))
    key = PublicKey(key_ptr)
    try:
        credential_id = borrowed_bytes(_lib_.dfns_registration_credential_id, handle) or b""
        aaguid = borrowed_bytes(_lib_.dfns_registration_aaguid, handle) or b""
        fmt = c_char_p()
        _lib_.dfns_registration_format(handle, byref(fmt))
        att_type = c_char_p()
        _lib_.dfns_registration_attestation_type(handle, byref(att_type))
        trusted = c_int()
        _lib_.dfns_registration_attestation_trusted(handle, byref(trusted))
        sign_count = c_uint32()
        _lib_.dfns_registration_sign_count(handle, byref(sign_count))
        flags = c_uint8()
        _lib_.dfns_registration_flags(handle, byref(flags))
        extensions = borrowed_bytes(_lib_.dfns_registration_extensions, handle)
    except BaseException:
        key.close()
        raise
    return Registration(
        credential_id=credential_id,
        aaguid=aaguid,
        public_key=key,
        fmt=(fmt.value or b"").decode("utf-8"),
        attestation_type=(att_type.value or b"").decode("utf-8"),
        trusted=bool(trusted.value),
        sign_count=sign_count.value,
        flags=AuthenticatorFlags(flags.value),
        extensions=extensions,
    )


def verify_registration(
    policy: Policy,
    client_data_json: BytesLike,
    attestation_object: BytesLike,
    challenge: BytesLike,
) -> Registration:
    """Verifies a registration response under ``policy`` (``dfns_registration_verify``).

    The caller still issues and consumes the challenge and checks that the credential ID is new.

    Args:
        policy: the relying party's policy (shared, read-only).
        client_data_json: ``response.clientDataJSON``, the exact bytes.
        attestation_object: ``response.attestationObject``.
        challenge: the challenge bytes issued for this ceremony (not base64).

    Returns: the :class:`Registration` to store.

    Raises: a :class:`~dfns_bridge.DfnsError` subclass for the first check that failed
    (e.g. :class:`~dfns_bridge.ClientDataError` with ``name == "DFNS_ERR_CHALLENGE_MISMATCH"``);
    :class:`TypeError` for arguments of the wrong type, before any C call.

    Thread-safe on a shared policy; the GIL is released while the library verifies.
    """
    pol = _check_policy(policy)
    cdj = as_bytes(client_data_json, "client_data_json")
    att = as_bytes(attestation_object, "attestation_object")
    chal = as_bytes(challenge, "challenge")
    out = _lib.RegistrationPtr()
    ptr = pol._acquire()
    try:
        _lib_.dfns_registration_verify(ptr, cdj, len(cdj), att, len(att), chal, len(chal), byref(out))
    finally:
        pol._release()
    try:
        return _read_registration(out)
    finally:
        _lib_.dfns_registration_free(byref(out))


def verify_registration_hash(
    policy: Policy,
    client_data_hash: BytesLike,
    attestation_object: BytesLike,
) -> Registration:
    """Like :func:`verify_registration` for CTAP-level callers holding only the 32-byte
    clientDataHash: the clientDataJSON checks (type, challenge, origin) are skipped."""
    pol = _check_policy(policy)
    cdh = _check_hash(client_data_hash)
    att = as_bytes(attestation_object, "attestation_object")
    out = _lib.RegistrationPtr()
    ptr = pol._acquire()
    try:
        _lib_.dfns_registration_verify_hash(ptr, cdh, len(cdh), att, len(att), byref(out))
    finally:
        pol._release()
    try:
        return _read_registration(out)
    finally:
        _lib_.dfns_registration_free(byref(out))


def _check_counter(sign_count: Any, backup_eligible: Any) -> "tuple[int, int]":
    """Validates the stored counter and BE flag; returns them as the C struct wants them."""
    if type(sign_count) is int and backup_eligible is None and 0 <= sign_count <= _UINT32_MAX:
        return sign_count, -1
    if isinstance(sign_count, bool) or not isinstance(sign_count, int):
        raise TypeError(f"sign_count must be an int, not {type(sign_count).__name__}")
    if not 0 <= sign_count <= _UINT32_MAX:
        raise ValueError(f"sign_count must be in 0..{_UINT32_MAX}, got {sign_count}")
    if backup_eligible is None:
        be = -1
    elif isinstance(backup_eligible, (bool, int)):
        be = 1 if backup_eligible else 0
    else:
        raise TypeError(f"backup_eligible must be a bool or None, not {type(backup_eligible).__name__}")
    return sign_count, be


# The getters of a result handle the library just returned can only fail on NULL arguments; the hot
# path calls them without errcheck and tests the status inline.
_assertion_sign_count = _lib.unchecked("dfns_assertion_sign_count")
_assertion_flags = _lib.unchecked("dfns_assertion_flags")
_assertion_regressed = _lib.unchecked("dfns_assertion_sign_count_regressed")
_assertion_extensions = _lib.unchecked("dfns_assertion_extensions")
_assertion_verify = _lib.unchecked("dfns_assertion_verify")
_assertion_free = _lib_.dfns_assertion_free
_FLAGS = tuple(AuthenticatorFlags(i) for i in range(256))


def _read_assertion(handle: Any) -> Assertion:
    sign_count = c_uint32()
    flags = c_uint8()
    regressed = c_int()
    ext_ptr = c_void_p()
    ext_len = c_size_t()
    rc = (
        _assertion_sign_count(handle, byref(sign_count))
        or _assertion_flags(handle, byref(flags))
        or _assertion_regressed(handle, byref(regressed))
        or _assertion_extensions(handle, byref(ext_ptr), byref(ext_len))
    )
    if rc:
        _lib.raise_for(rc, "dfns_assertion_*")
    return Assertion(
        sign_count=sign_count.value,
        flags=_FLAGS[flags.value],
        sign_count_regressed=bool(regressed.value),
        extensions=string_at(ext_ptr.value, ext_len.value) if ext_ptr.value else None,
    )


KeyLike = Union[PublicKey, bytes, bytearray, memoryview]


def _key_handle(public_key: Any) -> "tuple[PublicKey, bool]":
    """The PublicKey to use and whether it was imported here (and must be closed here)."""
    if isinstance(public_key, PublicKey):
        return public_key, False
    if isinstance(public_key, (bytes, bytearray, memoryview)):
        return PublicKey.from_cose(public_key), True
    raise TypeError(f"public_key must be a dfns_bridge.PublicKey or COSE_Key bytes, not {type(public_key).__name__}")


def verify_assertion(
    policy: Policy,
    public_key: KeyLike,
    client_data_json: BytesLike,
    authenticator_data: BytesLike,
    signature: BytesLike,
    challenge: BytesLike,
    *,
    sign_count: int = 0,
    backup_eligible: Optional[bool] = None,
) -> Assertion:
    """Verifies an assertion response under ``policy`` (``dfns_assertion_verify``).

    Args:
        policy: the relying party's policy (shared, read-only).
        public_key: the stored credential key: a kept :class:`PublicKey` (fast path: no import),
            or the stored COSE_Key bytes (imported for this call and released after it).
        client_data_json, authenticator_data, signature: the response's exact bytes.
        challenge: the challenge bytes issued for this ceremony (not base64).
        sign_count: the last stored signature counter.
        backup_eligible: the BE flag recorded at registration, or None to skip that check.

    Returns: the :class:`Assertion` (store its ``sign_count``).

    Raises: a :class:`~dfns_bridge.DfnsError` subclass for the first check that failed; TypeError or
    ValueError for bad arguments, before any C call. Thread-safe on shared policy and key.
    """
    # This is the hot path of a relying party: the checks are inlined for plain `bytes` arguments.
    pol = policy if type(policy) is Policy else _check_policy(policy)
    cdj = client_data_json if type(client_data_json) is bytes else as_bytes(client_data_json, "client_data_json")
    ad = authenticator_data if type(authenticator_data) is bytes else as_bytes(authenticator_data, "authenticator_data")
    sig = signature if type(signature) is bytes else as_bytes(signature, "signature")
    chal = challenge if type(challenge) is bytes else as_bytes(challenge, "challenge")
    count, be = _check_counter(sign_count, backup_eligible)
    if type(public_key) is PublicKey:
        key, owned = public_key, False
    else:
        key, owned = _key_handle(public_key)
    try:
        out = _lib.AssertionPtr()
        policy_ptr = pol._acquire()
        try:
            key_ptr = key._acquire()
            try:
                rc = _assertion_verify(
                    policy_ptr, byref(_lib.StoredCredential(key_ptr, count, be)),
                    cdj, len(cdj), ad, len(ad), sig, len(sig), chal, len(chal),
                    byref(out),
                )
                if rc:  # read dfns_last_error on this thread before anything else can call the library
                    _lib.raise_for(rc, "dfns_assertion_verify")
            finally:
                key._release()
        finally:
            pol._release()
        try:
            return _read_assertion(out)
        finally:
            _assertion_free(byref(out))
    finally:
        if owned:
            key.close()


def verify_assertion_hash(
    policy: Policy,
    public_key: KeyLike,
    client_data_hash: BytesLike,
    authenticator_data: BytesLike,
    signature: BytesLike,
    *,
    sign_count: int = 0,
    backup_eligible: Optional[bool] = None,
) -> Assertion:
    """Like :func:`verify_assertion` for CTAP-level callers holding only the 32-byte clientDataHash."""
    pol = _check_policy(policy)
    cdh = _check_hash(client_data_hash)
    ad = as_bytes(authenticator_data, "authenticator_data")
    sig = as_bytes(signature, "signature")
    count, be = _check_counter(sign_count, backup_eligible)
    key, owned = _key_handle(public_key)
    try:
        out = _lib.AssertionPtr()
        policy_ptr = pol._acquire()
        try:
            key_ptr = key._acquire()
            try:
                credential = _lib.StoredCredential(key_ptr, count, be)
                _lib_.dfns_assertion_verify_hash(
                    policy_ptr, byref(credential), cdh, len(cdh), ad, len(ad), sig, len(sig), byref(out)
                )
            finally:
                key._release()
        finally:
            pol._release()
        try:
            return _read_assertion(out)
        finally:
            _lib_.dfns_assertion_free(byref(out))
    finally:
        if owned:
            key.close()

