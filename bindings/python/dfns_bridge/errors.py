"""Exceptions raised for the library's status codes (``dfns_status`` in dfns_bridge.h).

Every failing C call raises a :class:`DfnsError` subclass chosen by the status *family*:

=================================  ==========  =========================================
class                              statuses    what failed
=================================  ==========  =========================================
:class:`CallingError`              -1 .. -99   the call itself (arguments, memory, lookups)
 :class:`InvalidArgumentError`     -1          NULL/empty/invalid argument
 :class:`NotFoundError`            -4          the requested item is absent
 :class:`UnsupportedError`         -5          the operation is not available for the input
:class:`MalformedInputError`       -100s       CBOR, clientDataJSON, authenticator data, ...
:class:`ClientDataError`           -200s       type, challenge, origin, cross-origin checks
:class:`AuthenticatorDataError`    -300s       RP ID hash, UP/UV/BE/BS flags, counters
:class:`SignatureError`            -400s       keys, algorithms and signatures
:class:`AttestationError`          -500s       attestation statements and trust
:class:`PolicyError`               -900        the policy cannot be used
:class:`InternalError`             -999        an unexpected failure inside a dependency
=================================  ==========  =========================================

Each exception carries ``status`` (the negative code, a :class:`Status` member when this binding
knows it), ``name`` (``dfns_status_name(status)``, e.g. ``"DFNS_ERR_CHALLENGE_MISMATCH"``),
``message`` (``dfns_last_error()`` read on the same thread right after the call) and ``function``
(the C function that failed).

Problems detected in Python before any C call are raised as the built-in :class:`TypeError`
(wrong type) or :class:`ValueError` (wrong size or value), never as :class:`DfnsError`.
"""

from __future__ import annotations

import enum
from typing import Dict, Optional, Type, Union

__all__ = [
    "Status",
    "DfnsError",
    "CallingError",
    "InvalidArgumentError",
    "NotFoundError",
    "UnsupportedError",
    "MalformedInputError",
    "ClientDataError",
    "AuthenticatorDataError",
    "SignatureError",
    "AttestationError",
    "PolicyError",
    "InternalError",
    "error_for_status",
]


class Status(enum.IntEnum):
    """The ``dfns_status`` codes of dfns_bridge.h (0 is success; failures are negative)."""

    OK = 0
    # Calling errors
    INVALID_ARGUMENT = -1
    BUFFER_TOO_SMALL = -2
    OUT_OF_MEMORY = -3
    NOT_FOUND = -4
    UNSUPPORTED = -5
    # Input structure
    MALFORMED_CBOR = -100
    TRAILING_BYTES = -101
    MALFORMED_CLIENT_DATA = -102
    MALFORMED_ATTESTATION_OBJECT = -103
    MALFORMED_AUTHENTICATOR_DATA = -104
    MALFORMED_COSE_KEY = -105
    MALFORMED_ENCODING = -106
    INPUT_TOO_LARGE = -107
    # Client data
    CLIENT_DATA_TYPE = -200
    CHALLENGE_MISMATCH = -201
    ORIGIN_NOT_ALLOWED = -202
    CROSS_ORIGIN_NOT_ALLOWED = -203
    TOP_ORIGIN_NOT_ALLOWED = -204
    # Authenticator data
    RP_ID_HASH_MISMATCH = -300
    USER_PRESENCE_MISSING = -301
    USER_VERIFICATION_MISSING = -302
    BACKUP_STATE_WITHOUT_ELIGIBILITY = -303
    BACKUP_ELIGIBILITY_CHANGED = -304
    ATTESTED_CREDENTIAL_DATA_MISSING = -305
    UNEXPECTED_ATTESTED_CREDENTIAL_DATA = -306
    CREDENTIAL_ID_TOO_LONG = -307
    SIGN_COUNT_NOT_INCREASED = -308
    CREDENTIAL_ID_MISMATCH = -309
    # Keys and signatures
    UNSUPPORTED_ALGORITHM = -400
    ALGORITHM_NOT_ALLOWED = -401
    INVALID_PUBLIC_KEY = -402
    SIGNATURE_INVALID = -403
    # Attestation
    UNSUPPORTED_ATTESTATION_FORMAT = -500
    MALFORMED_ATTESTATION_STATEMENT = -501
    ATTESTATION_CERTIFICATE_INVALID = -502
    ATTESTATION_NOT_TRUSTED = -503
    AAGUID_MISMATCH = -504
    ATTESTED_KEY_MISMATCH = -505
    ATTESTATION_BINDING_MISMATCH = -506
    ATTESTATION_POLICY_VIOLATION = -507
    SHA1_NOT_ALLOWED = -508
    # Other
    INVALID_POLICY = -900
    INTERNAL = -999

    @property
    def c_name(self) -> str:
        """The C enumerator name, e.g. ``"DFNS_ERR_CHALLENGE_MISMATCH"`` (``"DFNS_OK"`` for 0)."""
        return "DFNS_OK" if self is Status.OK else "DFNS_ERR_" + self.name


class DfnsError(Exception):
    """A dfns_bridge C call returned a failure status.

    Attributes:
        status: the negative status code (a :class:`Status` member when known, else an ``int``).
        name: the status name from ``dfns_status_name``, e.g. ``"DFNS_ERR_SIGNATURE_INVALID"``.
        message: the library's message from ``dfns_last_error`` ("what was expected, what was found").
        function: the C function that failed, e.g. ``"dfns_assertion_verify"``.
    """

    status: Union[Status, int]
    name: str
    message: str
    function: str

    def __init__(self, status: int, name: str, message: str = "", function: str = "") -> None:
        try:
            self.status = Status(status)
        except ValueError:
            self.status = int(status)
        self.name = name
        self.message = message
        self.function = function
        text = f"{name} ({int(status)})"
        if message:
            text += f": {message}"
        if function and not message.startswith(function):
            text = f"{function}: {text}"
        super().__init__(text)

    def __reduce__(self):  # type: ignore[no-untyped-def]
        # Keep the attributes when pickled (e.g. across multiprocessing).
        return (type(self), (int(self.status), self.name, self.message, self.function))


class CallingError(DfnsError):
    """Calling errors (statuses -1 .. -99): bad arguments, allocation failures, missing items."""


class InvalidArgumentError(CallingError):
    """DFNS_ERR_INVALID_ARGUMENT (-1): a NULL, empty or out-of-range argument reached the library."""


class NotFoundError(CallingError):
    """DFNS_ERR_NOT_FOUND (-4): the requested item is absent (e.g. no such credential)."""


class UnsupportedError(CallingError):
    """DFNS_ERR_UNSUPPORTED (-5): the operation is not available for this input."""


class MalformedInputError(DfnsError):
    """Input structure errors (-100 .. -199): the bytes do not parse as what they should be."""


class ClientDataError(DfnsError):
    """clientDataJSON checks (-200 .. -299): type, challenge, origin, crossOrigin, topOrigin."""


class AuthenticatorDataError(DfnsError):
    """Authenticator data checks (-300 .. -399): RP ID hash, flags, credential ID, counter."""


class SignatureError(DfnsError):
    """Keys and signatures (-400 .. -499): unsupported/disallowed algorithm, bad key, bad signature."""


class AttestationError(DfnsError):
    """Attestation (-500 .. -599): format, statement, certificates, trust, policy, SHA-1."""


class PolicyError(DfnsError):
    """DFNS_ERR_INVALID_POLICY (-900): the policy cannot be used (e.g. no origin allowed)."""


class InternalError(DfnsError):
    """DFNS_ERR_INTERNAL (-999) and unknown codes: an unexpected failure inside a dependency."""


_SPECIFIC: Dict[int, Type[DfnsError]] = {
    Status.INVALID_ARGUMENT: InvalidArgumentError,
    Status.NOT_FOUND: NotFoundError,
    Status.UNSUPPORTED: UnsupportedError,
    Status.INVALID_POLICY: PolicyError,
    Status.INTERNAL: InternalError,
}


def _family(status: int) -> Type[DfnsError]:
    code = -int(status)
    if 1 <= code <= 99:
        return CallingError
    if 100 <= code <= 199:
        return MalformedInputError
    if 200 <= code <= 299:
        return ClientDataError
    if 300 <= code <= 399:
        return AuthenticatorDataError
    if 400 <= code <= 499:
        return SignatureError
    if 500 <= code <= 599:
        return AttestationError
    if 900 <= code <= 998:
        return PolicyError
    return InternalError


def error_for_status(status: int, name: str, message: str = "", function: str = "") -> DfnsError:
    """The exception instance for a failure status (the most specific class that fits)."""
    cls: Optional[Type[DfnsError]] = _SPECIFIC.get(int(status))
    if cls is None:
        cls = _family(status)
    return cls(status, name, message, function)
