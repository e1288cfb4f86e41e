"""The WebAuthn JSON forms (since 0.4): ``PublicKeyCredential.toJSON()`` documents in, options out.

Browsers (``credential.toJSON()``) and platform SDKs send the relying party a JSON document
(WebAuthn L3 §5.1 ``RegistrationResponseJSON`` / ``AuthenticationResponseJSON``). These functions
verify it directly, strictly: unknown members are ignored; a missing member, a member of the wrong
type, bad base64url, ``id`` differing from ``rawId``, a ``type`` other than ``public-key`` or a
repeated member name raise :class:`~dfns_bridge.MalformedInputError` with status
``Status.MALFORMED_CREDENTIAL_JSON``, its message naming the member, e.g. ``response.signature is not base64url``.

The options functions write the canonical JSON (members sorted) a browser's
``PublicKeyCredential.parseCreationOptionsFromJSON`` / ``parseRequestOptionsFromJSON`` takes, from a
:class:`~dfns_bridge.Policy` plus the ceremony's inputs, or from a Dfns challenge::

    options, challenge = creation_options_json(policy, rp_name="Example", user_id=b"u-1",
                                               user_name="alice@example.org")
    # send `options`, keep `challenge`; later:
    result = verify_registration_json(policy, body_from_browser, challenge)
    store(result.registration.credential_id, result.registration.public_key, result.client_outputs.transports)
"""

from __future__ import annotations

import json as _json
from ctypes import POINTER, byref, c_char_p, c_int, c_size_t, c_uint8, c_uint32, c_void_p, sizeof, string_at
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from . import _lib
from ._handle import BytesLike, as_bytes, as_cstr, borrowed_bytes
from .enums import AuthenticatorFlags
from .keys import PublicKey
from .policy import Policy
from .verify import Assertion, Registration, _check_counter, _read_registration

__all__ = [
    "ClientOutputs",
    "CredentialDescriptor",
    "RegistrationJSONResult",
    "AssertionJSONResult",
    "verify_registration_json",
    "verify_assertion_json",
    "assertion_json_credential_id",
    "creation_options_json",
    "request_options_json",
    "user_action_challenge_request_options",
    "registration_challenge_creation_options",
]

_lib_ = _lib.lib
_UINT32_MAX = 0xFFFFFFFF

#: A toJSON() document: its text (str or UTF-8 bytes) or the parsed dict.
DocumentLike = Union[str, bytes, bytearray, memoryview, Mapping[str, Any]]


@dataclass(frozen=True)
class ClientOutputs:
    """What the client reported beside the authenticator's signed response. Nothing signs these
    values: store ``transports`` with the credential; base no security decision on them alone."""

    #: ``response.transports`` of a registration (None for an assertion or when absent).
    transports: Optional[List[str]]
    #: ``authenticatorAttachment`` ("platform", "cross-platform"), None when absent.
    authenticator_attachment: Optional[str]
    #: ``clientExtensionResults`` as a dict, ``prf.results`` left out (authenticator-derived secrets).
    extension_results: Dict[str, Any]
    #: True when the client reported ``appid: true`` (it asserted with the FIDO U2F AppID).
    appid: bool
    #: ``credProps.rk``, None when not reported.
    cred_props_rk: Optional[bool]
    #: An assertion's ``response.userHandle``, None when absent.
    user_handle: Optional[bytes]


@dataclass(frozen=True)
class RegistrationJSONResult:
    """A registration verified from its toJSON() document. Close ``registration`` (or use ``with``)."""

    registration: Registration
    client_outputs: ClientOutputs

    def __enter__(self) -> "RegistrationJSONResult":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.registration.close()


@dataclass(frozen=True)
class AssertionJSONResult:
    """An assertion verified from its toJSON() document."""

    assertion: Assertion
    client_outputs: ClientOutputs


@dataclass(frozen=True)
class CredentialDescriptor:
    """A credential for ``excludeCredentials`` / ``allowCredentials``, with its stored transports."""

    id: bytes
    transports: Sequence[str] = field(default_factory=tuple)


def _document(value: Any) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, Mapping):
        return _json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return as_bytes(value, "response_json")


def _check_policy(policy: Any) -> Policy:
    if not isinstance(policy, Policy):
        raise TypeError(f"policy must be a dfns_bridge.Policy, not {type(policy).__name__}")
    return policy


def _read_outputs(handle: Any) -> ClientOutputs:
    """Copies a dfns_client_outputs_t (the caller frees it)."""
    text = c_char_p()
    _lib_.dfns_client_outputs_transports(handle, byref(text))
    transports = _json.loads(text.value) if text.value is not None else None
    _lib_.dfns_client_outputs_authenticator_attachment(handle, byref(text))
    attachment = text.value.decode("utf-8") if text.value is not None else None
    _lib_.dfns_client_outputs_extension_results(handle, byref(text))
    extensions = _json.loads(text.value or b"{}")
    value = c_int()
    _lib_.dfns_client_outputs_appid(handle, byref(value))
    appid = bool(value.value)
    _lib_.dfns_client_outputs_cred_props_rk(handle, byref(value))
    rk = None if value.value < 0 else bool(value.value)
    user_handle = borrowed_bytes(_lib_.dfns_client_outputs_user_handle, handle)
    return ClientOutputs(transports, attachment, extensions, appid, rk, user_handle)


def verify_registration_json(policy: Policy, response_json: DocumentLike, challenge: BytesLike) -> RegistrationJSONResult:
    """Verifies a registration from its ``PublicKeyCredential.toJSON()`` document
    (``dfns_registration_verify_json``): ``rawId`` must equal the credential ID in authenticator data.

    Args:
        policy: the relying party's policy (shared, read-only).
        response_json: the document as the browser sent it (str or bytes), or the parsed dict.
        challenge: the challenge bytes issued for this ceremony (not base64).

    Returns: the :class:`RegistrationJSONResult` (the :class:`~dfns_bridge.Registration` to store
    and the :class:`ClientOutputs`).

    Raises: a :class:`~dfns_bridge.DfnsError` subclass: status ``MALFORMED_CREDENTIAL_JSON`` naming
    the member at fault, or the first verification check that failed.
    """
    pol = _check_policy(policy)
    doc = _document(response_json)
    chal = as_bytes(challenge, "challenge")
    out = _lib.RegistrationPtr()
    outputs = _lib.ClientOutputsPtr()
    ptr = pol._acquire()
    try:
        _lib_.dfns_registration_verify_json(ptr, doc, len(doc), chal, len(chal), byref(out), byref(outputs))
    finally:
        pol._release()
    try:
        client = _read_outputs(outputs)
        return RegistrationJSONResult(_read_registration(out), client)
    finally:
        _lib_.dfns_registration_free(byref(out))
        _lib_.dfns_client_outputs_free(byref(outputs))


def assertion_json_credential_id(response_json: DocumentLike) -> Tuple[bytes, Optional[bytes]]:
    """``(rawId, userHandle)`` of an assertion's toJSON() document, to look the credential up before
    :func:`verify_assertion_json` (``dfns_assertion_json_credential_id``). The whole document is
    checked; nothing is verified. ``userHandle`` is None when absent."""
    doc = _document(response_json)
    id_ptr, handle_ptr = c_void_p(), c_void_p()
    id_len, handle_len = c_size_t(), c_size_t()
    _lib_.dfns_assertion_json_credential_id(doc, len(doc), byref(id_ptr), byref(id_len), byref(handle_ptr), byref(handle_len))
    try:
        credential_id = string_at(id_ptr.value, id_len.value)
        user_handle = string_at(handle_ptr.value, handle_len.value) if handle_ptr.value else None
    finally:
        _lib_.dfns_free(id_ptr)
        _lib_.dfns_free(handle_ptr)
    return credential_id, user_handle


def verify_assertion_json(
    policy: Policy,
    public_key: PublicKey,
    credential_id: BytesLike,
    response_json: DocumentLike,
    challenge: BytesLike,
    *,
    sign_count: int = 0,
    backup_eligible: Optional[bool] = None,
) -> AssertionJSONResult:
    """Verifies an assertion from its ``PublicKeyCredential.toJSON()`` document with a kept key
    (``dfns_assertion_verify_json``); ``rawId`` must be ``credential_id``.

    Args:
        policy: the relying party's policy.
        public_key: the stored credential's kept :class:`~dfns_bridge.PublicKey`.
        credential_id: the stored credential's ID.
        response_json: the document (str, bytes or dict).
        challenge: the challenge bytes issued for this ceremony.
        sign_count, backup_eligible: as :func:`~dfns_bridge.verify_assertion`.

    Returns: the :class:`AssertionJSONResult` (store ``assertion.sign_count``).
    """
    pol = _check_policy(policy)
    if not isinstance(public_key, PublicKey):
        raise TypeError(f"public_key must be a dfns_bridge.PublicKey, not {type(public_key).__name__}")
    cid = as_bytes(credential_id, "credential_id")
    doc = _document(response_json)
    chal = as_bytes(challenge, "challenge")
    count, be = _check_counter(sign_count, backup_eligible)
    out = _lib.AssertionPtr()
    outputs = _lib.ClientOutputsPtr()
    policy_ptr = pol._acquire()
    try:
        key_ptr = public_key._acquire()
        try:
            _lib_.dfns_assertion_verify_json(
                policy_ptr, byref(_lib.StoredCredential(key_ptr, count, be)), cid, len(cid), doc, len(doc),
                chal, len(chal), byref(out), byref(outputs),
            )
        finally:
            public_key._release()
    finally:
        pol._release()
    try:
        new_count = c_uint32()
        _lib_.dfns_assertion_sign_count(out, byref(new_count))
        flags = c_uint8()
        _lib_.dfns_assertion_flags(out, byref(flags))
        regressed = c_int()
        _lib_.dfns_assertion_sign_count_regressed(out, byref(regressed))
        extensions = borrowed_bytes(_lib_.dfns_assertion_extensions, out)
        assertion = Assertion(sign_count=new_count.value, flags=AuthenticatorFlags(flags.value),
                              sign_count_regressed=bool(regressed.value), extensions=extensions)
        return AssertionJSONResult(assertion, _read_outputs(outputs))
    finally:
        _lib_.dfns_assertion_free(byref(out))
        _lib_.dfns_client_outputs_free(byref(outputs))


# -- options -------------------------------------------------------------------------------------


def _optional_cstr(value: Optional[str], what: str) -> Optional[bytes]:
    return None if value is None else as_cstr(value, what)


def _cstr_array(values: Sequence[str], what: str) -> Tuple[Any, List[bytes]]:
    if isinstance(values, str):
        raise TypeError(f"{what} must be a sequence of str, not a str")
    encoded = [as_cstr(v, f"{what}[{i}]") for i, v in enumerate(values)]
    if not encoded:
        return None, encoded
    return (c_char_p * len(encoded))(*encoded), encoded


def _descriptors(values: Sequence[CredentialDescriptor], what: str) -> Tuple[Any, List[Any]]:
    """A C array of descriptors and the Python objects it points into (kept alive by the caller)."""
    keep: List[Any] = []
    items = []
    for index, value in enumerate(values):
        if not isinstance(value, CredentialDescriptor):
            raise TypeError(f"{what}[{index}] must be a CredentialDescriptor, not {type(value).__name__}")
        ident = as_bytes(value.id, f"{what}[{index}].id")
        array, encoded = _cstr_array(value.transports, f"{what}[{index}].transports")
        keep.extend([ident, array, encoded])
        items.append(_lib.CredentialDescriptor(ident, len(ident), array, len(encoded)))
    if not items:
        return None, keep
    return (_lib.CredentialDescriptor * len(items))(*items), keep


def _timeout(timeout_ms: int) -> int:
    if isinstance(timeout_ms, bool) or not isinstance(timeout_ms, int):
        raise TypeError(f"timeout_ms must be an int, not {type(timeout_ms).__name__}")
    if not 0 <= timeout_ms <= _UINT32_MAX:
        raise ValueError(f"timeout_ms must be in 0..{_UINT32_MAX}, got {timeout_ms}")
    return timeout_ms


def _extensions(extensions: Optional[Mapping[str, Any]]) -> Optional[bytes]:
    if extensions is None:
        return None
    if not isinstance(extensions, Mapping):
        raise TypeError(f"extensions must be a mapping, not {type(extensions).__name__}")
    return _json.dumps(extensions, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _take_options(json_ptr: c_void_p, challenge_ptr: c_void_p, challenge_len: c_size_t) -> Tuple[str, bytes]:
    try:
        return string_at(json_ptr.value).decode("utf-8"), string_at(challenge_ptr.value, challenge_len.value)
    finally:
        _lib_.dfns_free(json_ptr)
        _lib_.dfns_free(challenge_ptr)


def creation_options_json(
    policy: Policy,
    *,
    rp_name: str,
    user_id: BytesLike,
    user_name: str,
    user_display_name: str = "",
    challenge: Optional[BytesLike] = None,
    exclude_credentials: Sequence[CredentialDescriptor] = (),
    attestation: Optional[str] = None,
    resident_key: Optional[str] = None,
    authenticator_attachment: Optional[str] = None,
    user_verification: Optional[str] = None,
    hints: Sequence[str] = (),
    cred_props: bool = False,
    appid_exclude: Optional[str] = None,
    extensions: Optional[Mapping[str, Any]] = None,
    timeout_ms: int = 0,
) -> Tuple[str, bytes]:
    """A registration's ``PublicKeyCredentialCreationOptionsJSON`` under ``policy``
    (``dfns_creation_options_json``): rp.id, the algorithms in the policy's order and the
    user-verification floor come from the policy.

    Returns: ``(options_json, challenge)``: the canonical JSON text, and the challenge to keep
    (``challenge`` as given, or 32 random bytes the library drew).

    Raises: :class:`~dfns_bridge.DfnsError` (``INVALID_ARGUMENT`` naming the input at fault: an
    unknown enumeration string, a short challenge, a missing user field, ...).
    """
    pol = _check_policy(policy)
    uid = as_bytes(user_id, "user_id")
    chal = None if challenge is None else as_bytes(challenge, "challenge")
    excluded, keep = _descriptors(exclude_credentials, "exclude_credentials")
    hint_array, hint_values = _cstr_array(hints, "hints")
    inputs = _lib.CreationOptionsInputs()
    inputs.struct_size = sizeof(_lib.CreationOptionsInputs)
    inputs.challenge = chal
    inputs.challenge_len = len(chal) if chal is not None else 0
    inputs.rp_name = as_cstr(rp_name, "rp_name")
    inputs.user_id = uid
    inputs.user_id_len = len(uid)
    inputs.user_name = as_cstr(user_name, "user_name")
    inputs.user_display_name = as_cstr(user_display_name, "user_display_name")
    inputs.exclude_credentials = excluded
    inputs.exclude_credential_count = len(exclude_credentials)
    inputs.attestation = _optional_cstr(attestation, "attestation")
    inputs.resident_key = _optional_cstr(resident_key, "resident_key")
    inputs.authenticator_attachment = _optional_cstr(authenticator_attachment, "authenticator_attachment")
    inputs.user_verification = _optional_cstr(user_verification, "user_verification")
    inputs.hints = hint_array
    inputs.hint_count = len(hint_values)
    inputs.cred_props = 1 if cred_props else 0
    inputs.appid_exclude = _optional_cstr(appid_exclude, "appid_exclude")
    inputs.extensions_json = _extensions(extensions)
    inputs.timeout_ms = _timeout(timeout_ms)
    json_ptr, challenge_ptr, challenge_len = c_void_p(), c_void_p(), c_size_t()
    ptr = pol._acquire()
    try:
        _lib_.dfns_creation_options_json(ptr, byref(inputs), byref(json_ptr), byref(challenge_ptr), byref(challenge_len))
    finally:
        pol._release()
    del keep
    return _take_options(json_ptr, challenge_ptr, challenge_len)


def request_options_json(
    policy: Policy,
    *,
    challenge: Optional[BytesLike] = None,
    allow_credentials: Sequence[CredentialDescriptor] = (),
    user_verification: Optional[str] = None,
    hints: Sequence[str] = (),
    appid: Optional[str] = None,
    extensions: Optional[Mapping[str, Any]] = None,
    timeout_ms: int = 0,
) -> Tuple[str, bytes]:
    """An assertion's ``PublicKeyCredentialRequestOptionsJSON`` under ``policy``
    (``dfns_request_options_json``). Returns and raises as :func:`creation_options_json`."""
    pol = _check_policy(policy)
    chal = None if challenge is None else as_bytes(challenge, "challenge")
    allowed, keep = _descriptors(allow_credentials, "allow_credentials")
    hint_array, hint_values = _cstr_array(hints, "hints")
    inputs = _lib.RequestOptionsInputs()
    inputs.struct_size = sizeof(_lib.RequestOptionsInputs)
    inputs.challenge = chal
    inputs.challenge_len = len(chal) if chal is not None else 0
    inputs.allow_credentials = allowed
    inputs.allow_credential_count = len(allow_credentials)
    inputs.user_verification = _optional_cstr(user_verification, "user_verification")
    inputs.hints = hint_array
    inputs.hint_count = len(hint_values)
    inputs.appid = _optional_cstr(appid, "appid")
    inputs.extensions_json = _extensions(extensions)
    inputs.timeout_ms = _timeout(timeout_ms)
    json_ptr, challenge_ptr, challenge_len = c_void_p(), c_void_p(), c_size_t()
    ptr = pol._acquire()
    try:
        _lib_.dfns_request_options_json(ptr, byref(inputs), byref(json_ptr), byref(challenge_ptr), byref(challenge_len))
    finally:
        pol._release()
    del keep
    return _take_options(json_ptr, challenge_ptr, challenge_len)


def _challenge_text(challenge: Union[str, Mapping[str, Any]]) -> bytes:
    if isinstance(challenge, Mapping):
        return _json.dumps(challenge, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return as_cstr(challenge, "challenge")


def _take_text(json_ptr: c_void_p) -> str:
    try:
        return string_at(json_ptr.value).decode("utf-8")
    finally:
        _lib_.dfns_free(json_ptr)


def user_action_challenge_request_options(challenge: Union[str, Mapping[str, Any]], rp_id: Optional[str] = None,
                                          timeout_ms: int = 0) -> str:
    """The request options JSON a passkey needs to answer a Dfns user-action challenge
    (``dfns_user_action_challenge_request_options``): the challenge verbatim, the passkeys of
    ``allowCredentials.webauthn`` with their transports, ``userVerification``.

    Args:
        challenge: the challenge document (JSON text or the parsed dict).
        rp_id: your passkeys' RP ID; None uses the challenge's deprecated ``rp.id``.
        timeout_ms: the options' timeout, 0 to leave it out.
    """
    out = c_void_p()
    _lib_.dfns_user_action_challenge_request_options(_challenge_text(challenge), _optional_cstr(rp_id, "rp_id"),
                                                     _timeout(timeout_ms), byref(out))
    return _take_text(out)


def registration_challenge_creation_options(challenge: Union[str, Mapping[str, Any]], rp_id: Optional[str] = None,
                                            rp_name: Optional[str] = None, timeout_ms: int = 0) -> str:
    """The creation options JSON a passkey needs to answer a Dfns registration challenge
    (``dfns_registration_challenge_creation_options``); ``rp_id``/``rp_name`` None use the
    challenge's ``rp``."""
    out = c_void_p()
    _lib_.dfns_registration_challenge_creation_options(_challenge_text(challenge), _optional_cstr(rp_id, "rp_id"),
                                                       _optional_cstr(rp_name, "rp_name"), _timeout(timeout_ms), byref(out))
    return _take_text(out)
