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
Python threads run in parallel inside the library.
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
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from . import errors

__all__ = [
    "lib",
    "library_path",
    "HEADER_VERSION",
    "HEADER_VERSION_NUMBER",
    "ENV_LIBRARY",
    "BUNDLED_NAME",
]

#: The environment variable naming the shared library to load first.
ENV_LIBRARY = "DFNS_BRIDGE_LIBRARY"
#: The file name of the copy shipped inside the wheel, next to this module.
BUNDLED_NAME = "libdfns_bridge.so.0"

#: DFNS_BRIDGE_VERSION_STRING / _NUMBER of the header this binding was written against.
HEADER_VERSION = "0.1.0"
HEADER_VERSION_NUMBER = 0 * 10000 + 1 * 100 + 0

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


class StoredCredential(Structure):
    """``struct dfns_stored_credential``: what the relying party stored about a credential."""

    _fields_ = [
        ("key", PublicKeyPtr),
        ("sign_count", c_uint32),
        ("backup_eligible", c_int),
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
    "dfns_assertion_free": (None, (POINTER(AssertionPtr),)),
    "dfns_assertion_sign_count": (_STATUS, (AssertionPtr, POINTER(c_uint32))),
    "dfns_assertion_flags": (_STATUS, (AssertionPtr, POINTER(c_uint8))),
    "dfns_assertion_sign_count_regressed": (_STATUS, (AssertionPtr, POINTER(c_int))),
    "dfns_assertion_extensions": (_STATUS, (AssertionPtr, _out_bytes, POINTER(c_size_t))),
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
}

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


def _make_errcheck(cdll: ctypes.CDLL) -> Callable[[int, Any, Tuple[Any, ...]], int]:
    status_name = cdll.dfns_status_name
    last_error = cdll.dfns_last_error

    def errcheck(result: int, func: Any, args: Tuple[Any, ...]) -> int:
        # Runs on the calling thread immediately after the foreign call returns, so the
        # thread-local dfns_last_error() still holds this call's message.
        if result == 0:
            return result
        message = last_error()
        name = status_name(result)
        raise errors.error_for_status(
            result,
            name.decode("utf-8", "replace") if name else "DFNS_ERR_UNKNOWN",
            message.decode("utf-8", "replace") if message else "",
            func.__name__,
        )

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


def unchecked(name: str) -> Any:
    """A second function object for ``name`` with the same prototype but no ``errcheck``.

    For hot paths that test the status themselves (``if rc: raise_for(rc, name)``): it saves the
    Python-level errcheck call. ``lib[name]`` makes a new function object each time.
    """
    restype, argtypes = _PROTOTYPES[name]
    func = lib[name]
    func.argtypes = list(argtypes)
    func.restype = c_int if restype is _STATUS else restype
    return func


def raise_for(status: int, function: str) -> None:
    """Raises the exception for a failure ``status`` of ``function`` (call right after it)."""
    message = lib.dfns_last_error()
    name = lib.dfns_status_name(status)
    raise errors.error_for_status(
        status,
        name.decode("utf-8", "replace") if name else "DFNS_ERR_UNKNOWN",
        message.decode("utf-8", "replace") if message else "",
        function,
    )


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
