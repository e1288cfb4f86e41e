"""Registration (WebAuthn §7.1) and assertion (§7.2) verification."""

from __future__ import annotations

from ctypes import byref, c_char_p, c_int, c_size_t, c_uint8, c_uint32, c_void_p, string_at
from dataclasses import dataclass
from typing import Any, Callable, Optional, Union

from . import _lib
from ._handle import BytesLike, as_bytes, borrowed_bytes
from .enums import AuthenticatorFlags
from .keys import PublicKey
from .metadata import registration_metadata_text
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
    rp_id: str = ""  #: the RP ID whose SHA-256 the rpIdHash is (the policy's or an added one; since 0.4)
    #: the FIDO metadata entry's description, when the policy has metadata listing the authenticator (0.4)
    metadata_description: Optional[str] = None
    #: the FIDO metadata entry's latest status, e.g. "FIDO_CERTIFIED_L1" (0.4)
    metadata_status: Optional[str] = None

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
        rp_id = c_char_p()
        _lib_.dfns_registration_rp_id(handle, byref(rp_id))
        metadata_description = registration_metadata_text(handle, "dfns_registration_metadata_description")
        metadata_status = registration_metadata_text(handle, "dfns_registration_metadata_status")
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
        rp_id=(rp_id.value or b"").decode("utf-8"),
        metadata_description=metadata_description,
        metadata_status=metadata_status,
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


# -- the assertion hot path ----------------------------------------------------------------------
#
# A relying party verifies an assertion per login and per signed user action, so this path does the
# least work per call (bench/python_bench.py measures it against the `cryptography` package):
#
# - one C call that releases the GIL per verification: dfns_assertion_verify for a kept PublicKey,
#   dfns_assertion_verify_cose for stored COSE bytes (import and verify in one call, no handle);
# - the kept-key path reads the result from the authenticator data the library has just verified
#   and frees the result handle with a call that keeps the GIL (a free is cheaper than releasing and
#   re-taking the GIL, which under contention means waiting for another thread); the handle's getters
#   are called only for what the bytes do not give (see _kept_result);
# - no errcheck wrapper (the status is tested inline, dfns_last_error read at once on this thread),
#   no per-call lookups of module attributes, and the frozen result built without its __init__.
#
# Verifications use function objects of the CDLL, so the GIL is released while the library works
# and Python threads verify in parallel (tests/test_assertion_paths.py checks it).

_assertion_verify = _lib.unchecked("dfns_assertion_verify")
_assertion_verify_hash = _lib.unchecked("dfns_assertion_verify_hash")
_assertion_verify_ex = _lib.unchecked("dfns_assertion_verify_ex")
#: DFNS_ASSERTION_APPID_EXTENSION_USED (dfns_assertion_verify_flag).
_APPID_EXTENSION_USED = 1
_assertion_verify_cose = _lib.unchecked("dfns_assertion_verify_cose")
_assertion_free = _lib.unchecked("dfns_assertion_free", hold_gil=True)
_assertion_regressed = _lib.unchecked("dfns_assertion_sign_count_regressed", hold_gil=True)
_assertion_extensions = _lib.unchecked("dfns_assertion_extensions", hold_gil=True)
_dfns_free = _lib.unchecked("dfns_free", hold_gil=True)
_raise_for = _lib.raise_for
_StoredCredential = _lib.StoredCredential
_AssertionPtr = _lib.AssertionPtr
_AssertionInfo = _lib.AssertionInfo
_FLAGS = tuple(AuthenticatorFlags(i) for i in range(256))
_ED = int(AuthenticatorFlags.ED)  # extension data present
_new_object = object.__new__
_from_bytes = int.from_bytes


def _make_assertion(sign_count: int, flags: int, regressed: bool, extensions: Optional[bytes]) -> Assertion:
    """An :class:`Assertion` built without the frozen dataclass's ``__init__`` (which sets each field
    through ``object.__setattr__``: half a microsecond per result); the object is the same."""
    result = _new_object(Assertion)
    fields = result.__dict__
    fields["sign_count"] = sign_count
    fields["flags"] = _FLAGS[flags]
    fields["sign_count_regressed"] = regressed
    fields["extensions"] = extensions
    return result


def _kept_result(out: Any, authenticator_data: bytes, stored_count: int) -> Assertion:
    """The :class:`Assertion` of the verified handle ``out``, which it then frees.

    ``flags`` and ``sign_count`` are byte 32 and bytes 33..36 (big-endian) of the authenticator data
    the library has just verified (WebAuthn §6.1; the library returns exactly these). The handle is
    read only for the rest: ``sign_count_regressed``, which by its contract can be 1 only when the
    counter did not increase, and the extensions, present only with the ED flag.
    """
    try:
        flags = authenticator_data[32]
        sign_count = _from_bytes(authenticator_data[33:37], "big")
        regressed = False
        extensions = None
        if sign_count <= stored_count or flags & _ED:
            value = c_int()
            ptr = c_void_p()
            length = c_size_t()
            rc = _assertion_regressed(out, byref(value)) or _assertion_extensions(out, byref(ptr), byref(length))
            if rc:
                _raise_for(rc, "dfns_assertion_*")
            regressed = bool(value.value)
            if ptr.value:
                extensions = string_at(ptr.value, length.value)
        return _make_assertion(sign_count, flags, regressed, extensions)
    finally:
        _assertion_free(byref(out))


def _cose_result(info: Any) -> Assertion:
    """The :class:`Assertion` of a dfns_assertion_info; releases its extensions."""
    pointer = info.extensions
    extensions = None
    if pointer:
        try:
            extensions = string_at(pointer, info.extensions_len)
        finally:
            _dfns_free(pointer)
    return _make_assertion(info.sign_count, info.flags, info.sign_count_regressed != 0, extensions)


KeyLike = Union[PublicKey, bytes, bytearray, memoryview]


def _cose_bytes(public_key: Any) -> bytes:
    """The COSE_Key bytes of a ``public_key`` argument that is not a PublicKey, or TypeError."""
    if isinstance(public_key, (bytes, bytearray, memoryview)):
        return as_bytes(public_key, "public_key")
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
    appid_extension_used: bool = False,
) -> Assertion:
    """Verifies an assertion response under ``policy``.

    Args:
        policy: the relying party's policy (shared, read-only).
        public_key: the stored credential key: a kept :class:`PublicKey` (fastest: no import;
            ``dfns_assertion_verify``), or the stored COSE_Key bytes (imported and verified in one C
            call that creates no handle: ``dfns_assertion_verify_cose``).
        client_data_json, authenticator_data, signature: the response's exact bytes.
        challenge: the challenge bytes issued for this ceremony (not base64).
        sign_count: the last stored signature counter.
        backup_eligible: the BE flag recorded at registration, or None to skip that check.
        appid_extension_used: the client reported the FIDO ``appid`` extension output as true
            (``clientExtensionResults.appid``): the rpIdHash may then be SHA-256 of the policy's
            :attr:`~dfns_bridge.Policy.appid` (``dfns_assertion_verify_ex``).

    Returns: the :class:`Assertion` (store its ``sign_count``).

    Raises: a :class:`~dfns_bridge.DfnsError` subclass for the first check that failed (a COSE key
    that does not import raises what :meth:`PublicKey.from_cose` raises); TypeError or ValueError for
    bad arguments, before any C call. Thread-safe on shared policy and key; the GIL is released
    while the library verifies.
    """
    # The checks are inlined for plain `bytes` arguments (the common case).
    pol = policy if type(policy) is Policy else _check_policy(policy)
    cdj = client_data_json if type(client_data_json) is bytes else as_bytes(client_data_json, "client_data_json")
    ad = authenticator_data if type(authenticator_data) is bytes else as_bytes(authenticator_data, "authenticator_data")
    sig = signature if type(signature) is bytes else as_bytes(signature, "signature")
    chal = challenge if type(challenge) is bytes else as_bytes(challenge, "challenge")
    count, be = _check_counter(sign_count, backup_eligible)
    if appid_extension_used:
        return _verify_assertion_appid(pol, public_key, cdj, ad, sig, chal, count, be)

    if isinstance(public_key, PublicKey):
        out = _AssertionPtr()
        policy_ptr = pol._acquire()
        try:
            key_ptr = public_key._acquire()
            try:
                rc = _assertion_verify(
                    policy_ptr, byref(_StoredCredential(key_ptr, count, be)),
                    cdj, len(cdj), ad, len(ad), sig, len(sig), chal, len(chal), byref(out),
                )
            finally:
                public_key._release()
        finally:
            pol._release()
        if rc:  # dfns_last_error is read on this thread before anything else calls the library
            _raise_for(rc, "dfns_assertion_verify")
        return _kept_result(out, ad, count)

    cose = public_key if type(public_key) is bytes else _cose_bytes(public_key)
    info = _AssertionInfo()
    policy_ptr = pol._acquire()
    try:
        rc = _assertion_verify_cose(
            policy_ptr, cose, len(cose), count, be,
            cdj, len(cdj), ad, len(ad), sig, len(sig), chal, len(chal), byref(info),
        )
    finally:
        pol._release()
    if rc:
        _raise_for(rc, "dfns_assertion_verify_cose")
    return _cose_result(info)


def _verify_with_kept_key(pol: Policy, public_key: Any, ad: bytes, count: int, be: int, name: str,
                          call: Callable[[Any, Any, Any], int]) -> Assertion:
    """Runs ``call(policy_ptr, stored_credential_ref, out_ref)`` (a ``dfns_assertion_verify*`` entry
    point taking a ``dfns_stored_credential``) with ``public_key`` kept or imported from COSE bytes for
    the call, and reads the result."""
    key, owned = (public_key, False) if isinstance(public_key, PublicKey) else (PublicKey.from_cose(_cose_bytes(public_key)), True)
    try:
        out = _AssertionPtr()
        policy_ptr = pol._acquire()
        try:
            key_ptr = key._acquire()
            try:
                rc = call(policy_ptr, byref(_StoredCredential(key_ptr, count, be)), byref(out))
            finally:
                key._release()
        finally:
            pol._release()
        if rc:
            _raise_for(rc, name)
        return _kept_result(out, ad, count)
    finally:
        if owned:
            key.close()


def _verify_assertion_appid(pol: Policy, public_key: Any, cdj: bytes, ad: bytes, sig: bytes, chal: bytes,
                            count: int, be: int) -> Assertion:
    """:func:`verify_assertion` with DFNS_ASSERTION_APPID_EXTENSION_USED (``dfns_assertion_verify_ex``);
    COSE bytes are imported for the call."""
    return _verify_with_kept_key(
        pol, public_key, ad, count, be, "dfns_assertion_verify_ex",
        lambda policy_ptr, stored, out: _assertion_verify_ex(
            policy_ptr, stored, cdj, len(cdj), ad, len(ad), sig, len(sig), chal, len(chal), _APPID_EXTENSION_USED, out,
        ),
    )


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
    """Like :func:`verify_assertion` for CTAP-level callers holding only the 32-byte clientDataHash
    (``dfns_assertion_verify_hash``; COSE bytes are imported for the call and released after it)."""
    pol = _check_policy(policy)
    cdh = _check_hash(client_data_hash)
    ad = as_bytes(authenticator_data, "authenticator_data")
    sig = as_bytes(signature, "signature")
    count, be = _check_counter(sign_count, backup_eligible)
    return _verify_with_kept_key(
        pol, public_key, ad, count, be, "dfns_assertion_verify_hash",
        lambda policy_ptr, stored, out: _assertion_verify_hash(policy_ptr, stored, cdh, len(cdh), ad, len(ad), sig, len(sig), out),
    )
