"""Loading libdfns_bridge and declaring its C functions (include/dfns_bridge.h).

This module is the only place that knows the C signatures. Every function of the header is declared
once, in :data:`_PROTOTYPES`, with its ``restype`` and ``argtypes``; every function returning an
``int`` status gets an ``errcheck`` that raises the :mod:`dfns_bridge.errors` exception for a
negative status, with the thread-local message read right after the call on the same thread.

Library discovery, in this order (the first that loads wins; every failure is collected into one
:class:`ImportError`):

1. the ``DFNS_BRIDGE_LIBRARY`` environment variable (a path to the shared library; dev trees, tests);
2. ``libdfns_bridge.so.0`` next to this file (the copy a wheel ships);
3. ``ctypes.util.find_library("dfns_bridge")`` (a system install).

A candidate that loads but lacks a function of the header, or whose version does not match the
header's, counts as a failure too. When ``DFNS_BRIDGE_LIBRARY`` is set but unusable and a later
candidate loads, a :class:`RuntimeWarning` says so.

Type conventions used in the table:

- opaque handles are ``POINTER(<Structure subclass>)`` (``_PublicKey``, ``_Policy``, ...), so ctypes
  refuses a handle of the wrong kind at call time;
- byte inputs ``(const uint8_t *, size_t)`` are ``(c_char_p, c_size_t)``: a :class:`bytes` object is
  passed without a copy (embedded NUL bytes included, the length is explicit);
- borrowed byte outputs (``const uint8_t **``) are ``POINTER(c_void_p)``, copied out with
  :func:`ctypes.string_at` before the owning handle is freed;
- borrowed string outputs (``const char **``) are ``POINTER(c_char_p)`` (ctypes copies them);
- library-allocated outputs (``char **`` of ``dfns_inspect``) are ``POINTER(c_void_p)`` so that the
  raw pointer can be handed back to ``dfns_free``.

ctypes releases the GIL around every call made through :class:`ctypes.CDLL`, so calls from several
Python threads run in parallel inside the library. Hot paths may also take, through :func:`unchecked`
with ``hold_gil=True``, a function object that keeps the GIL (:class:`ctypes.PyDLL` semantics) for
calls that do no real work (a getter, a free): releasing and re-taking the GIL costs more than such a
call, and under contention a thread waits to get it back. Every verification releases the GIL.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import warnings
from ctypes import (
    POINTER,
    Structure,
    c_char_p,
    c_int,
    c_int32,
    c_int64,
    c_size_t,
    c_uint8,
    c_uint32,
    c_void_p,
)
from typing import Any, Callable, Dict, List, NoReturn, Optional, Sequence, Tuple

from . import errors

__all__ = [
    "lib",
    "library_path",
    "HEADER_VERSION",
    "HEADER_VERSION_NUMBER",
    "ENV_LIBRARY",
    "BUNDLED_NAME",
    "unchecked",
    "raise_for",
    "error_for",
]

#: The environment variable naming the shared library to load first.
ENV_LIBRARY = "DFNS_BRIDGE_LIBRARY"
#: The file name of the copy shipped inside the wheel, next to this module.
BUNDLED_NAME = "libdfns_bridge.so.0"

#: DFNS_BRIDGE_VERSION_STRING / _NUMBER of the header this binding was written against.
HEADER_VERSION = "0.4.0"
HEADER_VERSION_NUMBER = 0 * 10000 + 4 * 100 + 0

# ------------------------------------------------------------------------------------------------
# Opaque handle types
# ------------------------------------------------------------------------------------------------


class _PublicKey(Structure):
    """``dfns_public_key_t`` (opaque)."""


class _Policy(Structure):
    """``dfns_policy_t`` (opaque)."""


class _Registration(Structure):
    """``dfns_registration_t`` (opaque)."""


class _Assertion(Structure):
    """``dfns_assertion_t`` (opaque)."""


class _Authenticator(Structure):
    """``dfns_authenticator_t`` (opaque)."""


class _Response(Structure):
    """``dfns_response_t`` (opaque)."""


PublicKeyPtr = POINTER(_PublicKey)
PolicyPtr = POINTER(_Policy)
RegistrationPtr = POINTER(_Registration)
AssertionPtr = POINTER(_Assertion)
AuthenticatorPtr = POINTER(_Authenticator)
ResponsePtr = POINTER(_Response)


class _Metadata(Structure):
    """``dfns_metadata_t`` (opaque; since 0.4)."""


MetadataPtr = POINTER(_Metadata)


class StoredCredential(Structure):
    """``struct dfns_stored_credential``: what the relying party stored about a credential."""

    _fields_ = [
        ("key", PublicKeyPtr),
        ("sign_count", c_uint32),
        ("backup_eligible", c_int),
    ]


class AssertionInfo(Structure):
    """``struct dfns_assertion_info``: what dfns_assertion_verify_cose writes on success.

    ``extensions`` is a library-allocated pointer (``c_void_p``: read as an int or None) that the
    caller releases with ``dfns_free``.
    """

    _fields_ = [
        ("sign_count", c_uint32),
        ("flags", c_uint8),
        ("sign_count_regressed", c_int),
        ("extensions", c_void_p),
        ("extensions_len", c_size_t),
    ]


class _ClientOutputs(Structure):
    """``dfns_client_outputs_t`` (opaque; since 0.4)."""


ClientOutputsPtr = POINTER(_ClientOutputs)


class CredentialDescriptor(Structure):
    """``struct dfns_credential_descriptor`` (since 0.4)."""

    _fields_ = [
        ("id", c_char_p),
        ("id_len", c_size_t),
        ("transports", POINTER(c_char_p)),
        ("transport_count", c_size_t),
    ]


class CreationOptionsInputs(Structure):
    """``struct dfns_creation_options_inputs`` (since 0.4); ``struct_size`` is ``sizeof`` it."""

    _fields_ = [
        ("struct_size", c_size_t),
        ("challenge", c_char_p),
        ("challenge_len", c_size_t),
        ("rp_name", c_char_p),
        ("user_id", c_char_p),
        ("user_id_len", c_size_t),
        ("user_name", c_char_p),
        ("user_display_name", c_char_p),
        ("exclude_credentials", POINTER(CredentialDescriptor)),
        ("exclude_credential_count", c_size_t),
        ("attestation", c_char_p),
        ("resident_key", c_char_p),
        ("authenticator_attachment", c_char_p),
        ("user_verification", c_char_p),
        ("hints", POINTER(c_char_p)),
        ("hint_count", c_size_t),
        ("cred_props", c_int),
        ("appid_exclude", c_char_p),
        ("extensions_json", c_char_p),
        ("timeout_ms", c_uint32),
    ]


class RequestOptionsInputs(Structure):
    """``struct dfns_request_options_inputs`` (since 0.4); ``struct_size`` is ``sizeof`` it."""

    _fields_ = [
        ("struct_size", c_size_t),
        ("challenge", c_char_p),
        ("challenge_len", c_size_t),
        ("allow_credentials", POINTER(CredentialDescriptor)),
        ("allow_credential_count", c_size_t),
        ("user_verification", c_char_p),
        ("hints", POINTER(c_char_p)),
        ("hint_count", c_size_t),
        ("appid", c_char_p),
        ("extensions_json", c_char_p),
        ("timeout_ms", c_uint32),
    ]


# Shorthands for the table.
_STATUS = "status"  # an `int` status: restype c_int plus the raising errcheck
_u8p = c_char_p  # const uint8_t * input (bytes, or None with length 0)
_str = c_char_p  # const char * input (NUL-terminated UTF-8)
_out_bytes = POINTER(c_void_p)  # const uint8_t ** borrowed output
_out_str = POINTER(c_char_p)  # const char ** borrowed output

# name -> (restype, argtypes). _STATUS means "returns dfns_status; raise on failure".
_PROTOTYPES: Dict[str, Tuple[Any, Sequence[Any]]] = {
    # Versions
    "dfns_version": (c_char_p, ()),
    "dfns_version_number": (c_uint32, ()),
    # Status codes and errors
    "dfns_status_name": (c_char_p, (c_int,)),
    "dfns_last_error": (c_char_p, ()),
    "dfns_free": (None, (c_void_p,)),
    # Public keys
    "dfns_public_key_parse_cose": (_STATUS, (_u8p, c_size_t, POINTER(PublicKeyPtr))),
    "dfns_public_key_parse_spki": (_STATUS, (_u8p, c_size_t, c_int32, POINTER(PublicKeyPtr))),
    "dfns_public_key_free": (None, (POINTER(PublicKeyPtr),)),
    "dfns_public_key_alg": (c_int32, (PublicKeyPtr,)),
    "dfns_public_key_algorithm": (_STATUS, (PublicKeyPtr, POINTER(c_int32))),
    "dfns_public_key_cose": (_STATUS, (PublicKeyPtr, _out_bytes, POINTER(c_size_t))),
    "dfns_public_key_spki": (_STATUS, (PublicKeyPtr, _out_bytes, POINTER(c_size_t))),
    "dfns_public_key_pem": (_STATUS, (PublicKeyPtr, _out_str)),
    "dfns_public_key_verify": (_STATUS, (PublicKeyPtr, _u8p, c_size_t, _u8p, c_size_t)),
    # Relying-party policy
    "dfns_policy_new": (_STATUS, (_str, POINTER(PolicyPtr))),
    "dfns_policy_free": (None, (POINTER(PolicyPtr),)),
    "dfns_policy_add_origin": (_STATUS, (PolicyPtr, _str)),
    "dfns_policy_add_top_origin": (_STATUS, (PolicyPtr, _str)),
    "dfns_policy_set_option": (_STATUS, (PolicyPtr, c_int, c_int)),
    "dfns_policy_get_option": (_STATUS, (PolicyPtr, c_int, POINTER(c_int))),
    "dfns_policy_set_algorithms": (_STATUS, (PolicyPtr, POINTER(c_int32), c_size_t)),
    "dfns_policy_set_verification_time": (_STATUS, (PolicyPtr, c_int64)),
    "dfns_policy_add_trust_anchor": (_STATUS, (PolicyPtr, _str, _u8p, c_size_t)),
    "dfns_policy_add_rp_id": (_STATUS, (PolicyPtr, _str)),
    "dfns_policy_set_client_data_types": (_STATUS, (PolicyPtr, c_int, POINTER(c_char_p), c_size_t)),
    "dfns_policy_set_appid": (_STATUS, (PolicyPtr, _str)),
    "dfns_policy_add_tpm_manufacturer": (_STATUS, (PolicyPtr, _str)),
    # Registration
    "dfns_registration_verify": (
        _STATUS,
        (PolicyPtr, _u8p, c_size_t, _u8p, c_size_t, _u8p, c_size_t, POINTER(RegistrationPtr)),
    ),
    "dfns_registration_verify_hash": (
        _STATUS,
        (PolicyPtr, _u8p, c_size_t, _u8p, c_size_t, POINTER(RegistrationPtr)),
    ),
    "dfns_registration_free": (None, (POINTER(RegistrationPtr),)),
    "dfns_registration_credential_id": (_STATUS, (RegistrationPtr, _out_bytes, POINTER(c_size_t))),
    "dfns_registration_aaguid": (_STATUS, (RegistrationPtr, _out_bytes, POINTER(c_size_t))),
    "dfns_registration_public_key": (_STATUS, (RegistrationPtr, POINTER(PublicKeyPtr))),
    "dfns_registration_format": (_STATUS, (RegistrationPtr, _out_str)),
    "dfns_registration_attestation_type": (_STATUS, (RegistrationPtr, _out_str)),
    "dfns_registration_attestation_trusted": (_STATUS, (RegistrationPtr, POINTER(c_int))),
    "dfns_registration_sign_count": (_STATUS, (RegistrationPtr, POINTER(c_uint32))),
    "dfns_registration_flags": (_STATUS, (RegistrationPtr, POINTER(c_uint8))),
    "dfns_registration_extensions": (_STATUS, (RegistrationPtr, _out_bytes, POINTER(c_size_t))),
    # Assertion
    "dfns_assertion_verify": (
        _STATUS,
        (
            PolicyPtr,
            POINTER(StoredCredential),
            _u8p, c_size_t,  # client_data_json
            _u8p, c_size_t,  # authenticator_data
            _u8p, c_size_t,  # signature
            _u8p, c_size_t,  # challenge
            POINTER(AssertionPtr),
        ),
    ),
    "dfns_assertion_verify_ex": (
        _STATUS,
        (
            PolicyPtr,
            POINTER(StoredCredential),
            _u8p, c_size_t,  # client_data_json
            _u8p, c_size_t,  # authenticator_data
            _u8p, c_size_t,  # signature
            _u8p, c_size_t,  # challenge
            c_uint32,  # flags (unsigned)
            POINTER(AssertionPtr),
        ),
    ),
    "dfns_assertion_verify_hash": (
        _STATUS,
        (
            PolicyPtr,
            POINTER(StoredCredential),
            _u8p, c_size_t,  # client_data_hash
            _u8p, c_size_t,  # authenticator_data
            _u8p, c_size_t,  # signature
            POINTER(AssertionPtr),
        ),
    ),
    "dfns_assertion_verify_cose": (
        _STATUS,
        (
            PolicyPtr,
            _u8p, c_size_t,  # cose_key
            c_uint32,  # sign_count
            c_int,  # backup_eligible
            _u8p, c_size_t,  # client_data_json
            _u8p, c_size_t,  # authenticator_data
            _u8p, c_size_t,  # signature
            _u8p, c_size_t,  # challenge
            POINTER(AssertionInfo),
        ),
    ),
    "dfns_assertion_free": (None, (POINTER(AssertionPtr),)),
    "dfns_assertion_sign_count": (_STATUS, (AssertionPtr, POINTER(c_uint32))),
    "dfns_assertion_flags": (_STATUS, (AssertionPtr, POINTER(c_uint8))),
    "dfns_assertion_sign_count_regressed": (_STATUS, (AssertionPtr, POINTER(c_int))),
    "dfns_assertion_extensions": (_STATUS, (AssertionPtr, _out_bytes, POINTER(c_size_t))),
    "dfns_assertion_rp_id": (_STATUS, (AssertionPtr, POINTER(c_char_p))),
    "dfns_registration_rp_id": (_STATUS, (RegistrationPtr, POINTER(c_char_p))),
    # WebAuthn JSON forms (since 0.4)
    "dfns_registration_verify_json": (
        _STATUS,
        (PolicyPtr, _u8p, c_size_t, _u8p, c_size_t, POINTER(RegistrationPtr), POINTER(ClientOutputsPtr)),
    ),
    "dfns_assertion_json_credential_id": (
        _STATUS,
        (_u8p, c_size_t, POINTER(c_void_p), POINTER(c_size_t), POINTER(c_void_p), POINTER(c_size_t)),
    ),
    "dfns_assertion_verify_json": (
        _STATUS,
        (
            PolicyPtr,
            POINTER(StoredCredential),
            _u8p, c_size_t,  # credential_id
            _u8p, c_size_t,  # json
            _u8p, c_size_t,  # challenge
            POINTER(AssertionPtr),
            POINTER(ClientOutputsPtr),
        ),
    ),
    "dfns_client_outputs_free": (None, (POINTER(ClientOutputsPtr),)),
    "dfns_client_outputs_transports": (_STATUS, (ClientOutputsPtr, _out_str)),
    "dfns_client_outputs_authenticator_attachment": (_STATUS, (ClientOutputsPtr, _out_str)),
    "dfns_client_outputs_extension_results": (_STATUS, (ClientOutputsPtr, _out_str)),
    "dfns_client_outputs_appid": (_STATUS, (ClientOutputsPtr, POINTER(c_int))),
    "dfns_client_outputs_cred_props_rk": (_STATUS, (ClientOutputsPtr, POINTER(c_int))),
    "dfns_client_outputs_user_handle": (_STATUS, (ClientOutputsPtr, _out_bytes, POINTER(c_size_t))),
    "dfns_creation_options_json": (
        _STATUS,
        (PolicyPtr, POINTER(CreationOptionsInputs), POINTER(c_void_p), POINTER(c_void_p), POINTER(c_size_t)),
    ),
    "dfns_request_options_json": (
        _STATUS,
        (PolicyPtr, POINTER(RequestOptionsInputs), POINTER(c_void_p), POINTER(c_void_p), POINTER(c_size_t)),
    ),
    "dfns_user_action_challenge_request_options": (_STATUS, (_str, _str, c_uint32, POINTER(c_void_p))),
    "dfns_registration_challenge_creation_options": (_STATUS, (_str, _str, _str, c_uint32, POINTER(c_void_p))),
    # Software authenticator
    "dfns_authenticator_new": (_STATUS, (POINTER(AuthenticatorPtr),)),
    "dfns_authenticator_free": (None, (POINTER(AuthenticatorPtr),)),
    "dfns_authenticator_register": (
        _STATUS,
        (
            AuthenticatorPtr,
            _str,  # rp_id
            _str,  # origin
            _u8p, c_size_t,  # challenge
            c_int32,  # alg
            c_int,  # attestation
            _u8p, c_size_t,  # user_handle
            c_int,  # user_verified
            POINTER(ResponsePtr),
        ),
    ),
    "dfns_authenticator_authenticate": (
        _STATUS,
        (
            AuthenticatorPtr,
            _str,  # rp_id
            _str,  # origin
            _u8p, c_size_t,  # challenge
            _u8p, c_size_t,  # credential_id
            c_int,  # user_verified
            POINTER(ResponsePtr),
        ),
    ),
    "dfns_response_free": (None, (POINTER(ResponsePtr),)),
    "dfns_response_get": (_STATUS, (ResponsePtr, c_int, _out_bytes, POINTER(c_size_t))),
    # Inspection
    "dfns_inspect": (_STATUS, (_u8p, c_size_t, c_int, c_int, POINTER(c_void_p))),
    # FIDO metadata (since 0.4)
    "dfns_metadata_load": (_STATUS, (_u8p, c_size_t, _u8p, c_size_t, c_int64, c_int, POINTER(MetadataPtr))),
    "dfns_metadata_free": (None, (POINTER(MetadataPtr),)),
    "dfns_metadata_number": (_STATUS, (MetadataPtr, POINTER(c_int64))),
    "dfns_metadata_next_update": (_STATUS, (MetadataPtr, _out_str)),
    "dfns_metadata_entry_count": (_STATUS, (MetadataPtr, POINTER(c_size_t))),
    "dfns_metadata_entry_json": (_STATUS, (MetadataPtr, c_size_t, POINTER(c_void_p))),
    "dfns_metadata_find_aaguid": (_STATUS, (MetadataPtr, _u8p, c_size_t, POINTER(c_void_p))),
    "dfns_policy_set_metadata": (_STATUS, (PolicyPtr, MetadataPtr, c_int)),
    "dfns_registration_metadata_description": (_STATUS, (RegistrationPtr, _out_str)),
    "dfns_registration_metadata_status": (_STATUS, (RegistrationPtr, _out_str)),
}

# ------------------------------------------------------------------------------------------------
# Since 0.2: signers, Dfns cryptography and the Dfns API client (sections "Signers and Dfns
# cryptography" and "Dfns API client" of the header). Structures and callback types match the
# header field for field; the wrappers are dfns_bridge.signers, .client and .dfns_crypto.
# ------------------------------------------------------------------------------------------------


class _Signer(Structure):
    """``dfns_signer_t`` (opaque)."""


class _Client(Structure):
    """``dfns_client_t`` (opaque)."""


class _Result(Structure):
    """``dfns_result_t`` (opaque)."""


class _HttpResponse(Structure):
    """``dfns_http_response_t`` (opaque; exists only while a transport callback runs)."""


SignerPtr = POINTER(_Signer)
ClientPtr = POINTER(_Client)
ResultPtr = POINTER(_Result)
HttpResponsePtr = POINTER(_HttpResponse)

#: DFNS_SIGNATURE_CAPACITY: the size of the buffer a dfns_sign_fn receives.
SIGNATURE_CAPACITY = 2048
#: DFNS_RETURNED_SIGNATURE_ALLOW_HIGH_S (a flag of dfns_returned_signature_verify).
RETURNED_SIGNATURE_ALLOW_HIGH_S = 1

#: ``dfns_sign_fn``: (user, key_kind, message, message_len, signature, signature_capacity,
#: signature_len) -> int. Pointers are ``c_void_p`` (ints) so the trampoline copies with
#: string_at / memmove and never builds a ctypes array per call.
SignFn = ctypes.CFUNCTYPE(
    c_int, c_void_p, c_int, c_void_p, c_size_t, c_void_p, c_size_t, POINTER(c_size_t)
)
#: ``dfns_user_free_fn``: (user) -> void.
UserFreeFn = ctypes.CFUNCTYPE(None, c_void_p)


class ClientOptions(Structure):
    """``struct dfns_client_options`` (fill with ``dfns_client_options_init`` first)."""

    _fields_ = [
        ("struct_size", c_size_t),
        ("connect_timeout_ms", c_uint32),
        ("timeout_ms", c_uint32),
        ("max_attempts", c_uint32),
        ("verify_returned_signatures", c_int),
        ("allow_insecure_http", c_int),
        ("user_agent_suffix", c_char_p),
        ("ca_bundle_path", c_char_p),
    ]


class HttpRequest(Structure):
    """``struct dfns_http_request``: one request as a host transport receives it (borrowed)."""

    _fields_ = [
        ("struct_size", c_size_t),
        ("method", c_char_p),
        ("url", c_char_p),
        ("header_count", c_size_t),
        ("header_names", POINTER(c_char_p)),
        ("header_values", POINTER(c_char_p)),
        ("body", c_void_p),  # const uint8_t *: read with string_at(body, body_len)
        ("body_len", c_size_t),
        ("connect_timeout_ms", c_uint32),
        ("timeout_ms", c_uint32),
    ]


#: ``dfns_transport_send_fn``: (user, request, response) -> int.
TransportSendFn = ctypes.CFUNCTYPE(c_int, c_void_p, POINTER(HttpRequest), HttpResponsePtr)


class Transport(Structure):
    """``struct dfns_transport``: a host transport for ``dfns_client_new`` (copied by the call)."""

    _fields_ = [
        ("struct_size", c_size_t),
        ("send", TransportSendFn),
        ("user", c_void_p),
        ("free_user", UserFreeFn),
    ]


_out_alloc = POINTER(c_void_p)  # char ** output the caller releases with dfns_free

_PROTOTYPES.update(
    {
        # Signers and Dfns cryptography
        "dfns_signer_new_key": (_STATUS, (_u8p, c_size_t, _str, POINTER(SignerPtr))),
        "dfns_signer_new_external": (
            _STATUS,
            (_str, _u8p, c_size_t, SignFn, c_void_p, UserFreeFn, POINTER(SignerPtr)),
        ),
        "dfns_signer_new_webauthn": (
            _STATUS,
            (AuthenticatorPtr, _str, _str, _u8p, c_size_t, c_int, POINTER(SignerPtr)),
        ),
        "dfns_signer_new_password_protected_key": (
            _STATUS,
            (_str, _u8p, c_size_t, _str, _str, POINTER(SignerPtr)),
        ),
        "dfns_signer_new_recovery_key": (_STATUS, (_str, _u8p, c_size_t, _str, _str, POINTER(SignerPtr))),
        "dfns_signer_free": (None, (POINTER(SignerPtr),)),
        "dfns_signer_credential_id": (_STATUS, (SignerPtr, _out_str)),
        "dfns_signer_sign_challenge": (_STATUS, (SignerPtr, _str, _out_alloc)),
        "dfns_webhook_verify": (
            _STATUS,
            (_u8p, c_size_t, _u8p, c_size_t, _str, c_int64, c_int64, c_int64, _out_alloc),
        ),
        "dfns_returned_signature_verify": (
            _STATUS,
            (c_int, _str, _u8p, c_size_t, _str, _str, c_int, _str, c_int),
        ),
        "dfns_key_generate": (_STATUS, (c_int, c_int, _out_alloc, _out_alloc, _out_alloc)),
        "dfns_password_protected_key_wrap": (
            _STATUS,
            (_u8p, c_size_t, _u8p, c_size_t, _str, _out_alloc),
        ),
        "dfns_password_protected_key_unwrap": (_STATUS, (_str, _u8p, c_size_t, _str, _out_alloc)),
        "dfns_password_protected_key_create": (_STATUS, (_str, _u8p, c_size_t, _str, _str, _out_alloc)),
        "dfns_recovery_code_generate": (_STATUS, (_out_alloc,)),
        "dfns_recovery_key_create": (_STATUS, (_str, _u8p, c_size_t, _str, _str, _out_alloc)),
        # Dfns API client
        "dfns_client_options_init": (_STATUS, (POINTER(ClientOptions), c_size_t)),
        "dfns_http_response_set_status": (_STATUS, (HttpResponsePtr, c_int)),
        "dfns_http_response_add_header": (_STATUS, (HttpResponsePtr, _str, _str)),
        "dfns_http_response_append_body": (_STATUS, (HttpResponsePtr, _u8p, c_size_t)),
        "dfns_client_new": (
            _STATUS,
            (_str, _str, POINTER(ClientOptions), POINTER(Transport), POINTER(ClientPtr)),
        ),
        "dfns_client_free": (None, (POINTER(ClientPtr),)),
        "dfns_client_set_auth_token": (_STATUS, (ClientPtr, _str)),
        "dfns_client_set_signer": (_STATUS, (ClientPtr, SignerPtr)),
        "dfns_client_request": (_STATUS, (ClientPtr, _str, _str, _str, POINTER(ResultPtr))),
        "dfns_client_delegated_init": (_STATUS, (ClientPtr, _str, _str, _str, _out_alloc)),
        "dfns_client_delegated_complete": (_STATUS, (ClientPtr, _str, _str, POINTER(ResultPtr))),
        "dfns_result_free": (None, (POINTER(ResultPtr),)),
        "dfns_result_http_status": (_STATUS, (ResultPtr, POINTER(c_int))),
        "dfns_result_body": (_STATUS, (ResultPtr, _out_bytes, POINTER(c_size_t))),
        "dfns_result_outcome": (_STATUS, (ResultPtr, POINTER(c_int))),
        "dfns_result_error_id": (_STATUS, (ResultPtr, _out_str)),
        "dfns_result_request_id": (_STATUS, (ResultPtr, _out_str)),
        "dfns_result_approval_id": (_STATUS, (ResultPtr, _out_str)),
        # since 0.3
        "dfns_fido2_credential_create": (
            _STATUS,
            (AuthenticatorPtr, _str, _str, _str, _str, _out_alloc, POINTER(SignerPtr)),
        ),
        "dfns_signer_sign_recovery": (_STATUS, (SignerPtr, _str, _out_alloc)),
        "dfns_client_delegated_init_with_result": (
            _STATUS,
            (ClientPtr, _str, _str, _str, _out_alloc, POINTER(ResultPtr)),
        ),
        "dfns_result_header_count": (_STATUS, (ResultPtr, POINTER(c_size_t))),
        "dfns_result_header_at": (_STATUS, (ResultPtr, c_size_t, _out_str, _out_str)),
        "dfns_result_header": (_STATUS, (ResultPtr, _str, _out_str)),
    }
)

#: Every function name the header declares (kept in step with include/dfns_bridge.h by a test).
FUNCTION_NAMES: Tuple[str, ...] = tuple(_PROTOTYPES)


# ------------------------------------------------------------------------------------------------
# Discovery
# ------------------------------------------------------------------------------------------------


def _candidates() -> List[Tuple[str, Optional[str]]]:
    """The places to try, in order, as (description, path-or-None-when-nothing-to-try)."""
    out: List[Tuple[str, Optional[str]]] = []
    env = os.environ.get(ENV_LIBRARY)
    if env:
        out.append((f"${ENV_LIBRARY}={env}", env))
    here = os.path.dirname(os.path.abspath(__file__))
    bundled = os.path.join(here, BUNDLED_NAME)
    out.append((f"bundled copy {bundled}", bundled))
    found = ctypes.util.find_library("dfns_bridge")
    out.append((f'ctypes.util.find_library("dfns_bridge") -> {found!r}', found))
    return out


def _load() -> Tuple[ctypes.CDLL, str]:
    failures: List[str] = []
    env_failed = False
    for description, path in _candidates():
        if path is None:
            failures.append(f"{description}: no library found")
            continue
        if os.sep in path and not os.path.exists(path):
            failures.append(f"{description}: no such file")
            env_failed = env_failed or description.startswith("$")
            continue
        try:
            cdll = ctypes.CDLL(path)
            _declare(cdll)
            _check_version(cdll, path)
        except (OSError, ImportError) as exc:
            failures.append(f"{description}: {exc}")
            env_failed = env_failed or description.startswith("$")
            continue
        if env_failed:
            warnings.warn(
                f"{ENV_LIBRARY} could not be loaded ({failures[0]}); using {path} instead",
                RuntimeWarning,
                stacklevel=3,
            )
        return cdll, path
    raise ImportError(
        "dfns_bridge: cannot load libdfns_bridge; tried, in order:\n  - "
        + "\n  - ".join(failures)
        + f"\nSet {ENV_LIBRARY} to the path of libdfns_bridge.so.0, or install a wheel that ships it."
    )


# ------------------------------------------------------------------------------------------------
# Error checking
# ------------------------------------------------------------------------------------------------


def _library_error(cdll: ctypes.CDLL, status: int, function: str) -> errors.DfnsError:
    """The exception for a failure ``status`` of ``function``, with ``dfns_last_error()`` (call on the
    thread of the failed call, before anything else calls the library)."""
    message = cdll.dfns_last_error()
    name = cdll.dfns_status_name(status)
    return errors.error_for_status(
        status,
        name.decode("utf-8", "replace") if name else "DFNS_ERR_UNKNOWN",
        message.decode("utf-8", "replace") if message else "",
        function,
    )


def _make_errcheck(cdll: ctypes.CDLL) -> Callable[[int, Any, Tuple[Any, ...]], int]:
    def errcheck(result: int, func: Any, args: Tuple[Any, ...]) -> int:
        # Runs on the calling thread immediately after the foreign call returns, so the
        # thread-local dfns_last_error() still holds this call's message.
        if result == 0:
            return result
        raise _library_error(cdll, result, func.__name__)

    return errcheck


def _declare(cdll: ctypes.CDLL) -> None:
    missing = [name for name in _PROTOTYPES if not hasattr(cdll, name)]
    if missing:
        raise ImportError(
            "dfns_bridge: the loaded library lacks these functions of dfns_bridge.h: " + ", ".join(missing)
        )
    # Plain prototypes first: errcheck uses dfns_status_name and dfns_last_error.
    for name, (restype, argtypes) in _PROTOTYPES.items():
        func = getattr(cdll, name)
        func.argtypes = list(argtypes)
        func.restype = c_int if restype is _STATUS else restype
    errcheck = _make_errcheck(cdll)
    for name, (restype, _) in _PROTOTYPES.items():
        if restype is _STATUS:
            getattr(cdll, name).errcheck = errcheck


_gil_lib: Optional[ctypes.PyDLL] = None


def unchecked(name: str, *, hold_gil: bool = False) -> Any:
    """A second function object for ``name`` with the same prototype but no ``errcheck``.

    For hot paths that test the status themselves (``if rc: raise_for(rc, name)``): it saves the
    Python-level errcheck call. ``lib[name]`` makes a new function object each time.

    ``hold_gil=True`` returns a function that keeps the GIL during the call (a :class:`ctypes.PyDLL`
    function on the same library handle). Only for calls that return at once and never block or
    call back: getters and frees. Never for a verification, which must let other threads run.
    """
    global _gil_lib
    restype, argtypes = _PROTOTYPES[name]
    if hold_gil:
        if _gil_lib is None:
            # The same dlopen handle, so the same library instance (and its thread-local errors).
            _gil_lib = ctypes.PyDLL(library_path, handle=lib._handle)
        func = _gil_lib[name]
    else:
        func = lib[name]
    func.argtypes = list(argtypes)
    func.restype = c_int if restype is _STATUS else restype
    return func


def error_for(status: int, function: str) -> errors.DfnsError:
    """The exception for a failure ``status`` of ``function`` (call right after it, on its thread)."""
    return _library_error(lib, status, function)


def raise_for(status: int, function: str) -> NoReturn:
    """Raises the exception for a failure ``status`` of ``function`` (call right after it)."""
    raise _library_error(lib, status, function)


def _check_version(cdll: ctypes.CDLL, path: str) -> None:
    number = int(cdll.dfns_version_number())
    major, minor = number // 10000, number // 100 % 100
    want_major, want_minor = HEADER_VERSION_NUMBER // 10000, HEADER_VERSION_NUMBER // 100 % 100
    # Semantic versioning: the major version must match; in 0.x releases the minor version is the
    # ABI version too. A newer minor (1.x) only adds functions, so it is accepted.
    compatible = major == want_major and (minor == want_minor if major == 0 else minor >= want_minor)
    if not compatible:
        raise ImportError(
            f"dfns_bridge: {path} is version {cdll.dfns_version().decode()} ({number}); this binding "
            f"was written for dfns_bridge.h {HEADER_VERSION} ({HEADER_VERSION_NUMBER})"
        )


lib: ctypes.CDLL
library_path: str
lib, library_path = _load()
