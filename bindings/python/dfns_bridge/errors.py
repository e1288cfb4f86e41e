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
:class:`TransportError`            -600s       no complete HTTP exchange (since 0.2)
 :class:`TransportCallbackError`   -605        the host's transport callback failed
:class:`ApiError`                  -700s       the Dfns API (http_status, error_id, request_id)
 :class:`ApiResponseError`         -701        a success status with an unusable body
 :class:`ReturnedSignatureError`   -702        a signature the API returned does not verify
:class:`SignerError`               -800s       user-action signing (since 0.2)
 :class:`SignerRequiredError`      -801        a user action is needed and there is no signer
 :class:`SignerCallbackError`      -802        the host's signing callback failed
 :class:`WrongPasswordError`       -803        wrong password / recovery code, altered envelope
:class:`WebhookError`              -810        a webhook delivery was refused (``reason``)
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
    "TransportError",
    "TransportCallbackError",
    "ApiError",
    "ApiResponseError",
    "ReturnedSignatureError",
    "SignerError",
    "SignerRequiredError",
    "SignerCallbackError",
    "WrongPasswordError",
    "WebhookError",
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
    MALFORMED_CREDENTIAL_JSON = -108  # since 0.4: a PublicKeyCredential.toJSON() document is refused
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
    METADATA_INVALID = -510  # since 0.4: an MDS3 BLOB was refused
    AUTHENTICATOR_STATUS_NOT_ACCEPTED = -511  # since 0.4: a refused metadata status (e.g. REVOKED)
    METADATA_ENTRY_MISSING = -512  # since 0.4: the policy requires a metadata entry
    # Transport: no complete HTTP exchange (since 0.2)
    TRANSPORT_CONNECT = -600
    TRANSPORT_TIMEOUT = -601
    TRANSPORT_TLS = -602
    TRANSPORT_MALFORMED_RESPONSE = -603
    TRANSPORT_RESPONSE_TOO_LARGE = -604
    TRANSPORT_CALLBACK = -605
    TRANSPORT = -699
    # The Dfns API (since 0.2)
    API = -700
    API_INVALID_RESPONSE = -701
    RETURNED_SIGNATURE_INVALID = -702
    # Signers and Dfns cryptography (since 0.2)
    SIGNER = -800
    SIGNER_REQUIRED = -801
    SIGNER_CALLBACK = -802
    WRONG_PASSWORD = -803
    WEBHOOK_INVALID = -810
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


class TransportError(DfnsError):
    """Transport failures (-600 .. -699): no complete HTTP exchange (connect, timeout, TLS, ...)."""


class TransportCallbackError(TransportError):
    """DFNS_ERR_TRANSPORT_CALLBACK (-605): the host's transport callback failed or broke its contract.

    When the callback was a Python callable that raised, the caller sees that exception instead,
    with this error as its ``dfns_error`` attribute (see :mod:`dfns_bridge.client`).
    """


class ApiError(DfnsError):
    """The Dfns API (-700 .. -799); DFNS_ERR_API (-700) is a 4xx/5xx answer.

    Attributes (None when the failure has no HTTP answer, e.g. -701 during user-action signing):
        http_status: the HTTP status of the answer (404, 403, 500, ...).
        error_id: the Dfns error id of the error envelope (e.g. ``"NotFound"``).
        request_id: the server's request id (X-Request-ID), for support.
        body: the answer's body bytes.
        result: the :class:`dfns_bridge.client.Result` of the answer (DFNS_ERR_API only).
    """

    http_status: Optional[int]
    error_id: Optional[str]
    request_id: Optional[str]
    body: Optional[bytes]
    result: Optional[object]

    def __init__(
        self,
        status: int,
        name: str,
        message: str = "",
        function: str = "",
        *,
        http_status: Optional[int] = None,
        error_id: Optional[str] = None,
        request_id: Optional[str] = None,
        body: Optional[bytes] = None,
        result: Optional[object] = None,
    ) -> None:
        super().__init__(status, name, message, function)
        self.http_status = http_status
        self.error_id = error_id
        self.request_id = request_id
        self.body = body
        self.result = result

    def __reduce__(self):  # type: ignore[no-untyped-def]
        # The result object stays behind; the answer's fields travel.
        state = {
            "http_status": self.http_status,
            "error_id": self.error_id,
            "request_id": self.request_id,
            "body": self.body,
            "result": None,
        }
        return (type(self), (int(self.status), self.name, self.message, self.function), state)


class ApiResponseError(ApiError):
    """DFNS_ERR_API_INVALID_RESPONSE (-701): an answer that is not what the endpoint returns."""


class ReturnedSignatureError(ApiError):
    """DFNS_ERR_RETURNED_SIGNATURE_INVALID (-702): a signature the API returned does not match its key."""


class SignerError(DfnsError):
    """Signers (-800 .. -809): the signer could not sign (never with key material in the message)."""


class SignerRequiredError(SignerError):
    """DFNS_ERR_SIGNER_REQUIRED (-801): the request needs a user action and the client has no signer."""


class SignerCallbackError(SignerError):
    """DFNS_ERR_SIGNER_CALLBACK (-802): the host's signing callback failed or returned an unusable signature.

    When the callback was a Python callable that raised, the caller sees that exception instead,
    with this error as its ``dfns_error`` attribute (see :mod:`dfns_bridge.signers`).
    """


class WrongPasswordError(SignerError):
    """DFNS_ERR_WRONG_PASSWORD (-803): wrong password or recovery code (or username), or an altered envelope."""


class WebhookError(DfnsError):
    """DFNS_ERR_WEBHOOK_INVALID (-810): a webhook delivery was refused.

    ``reason`` is the first word of the library's message: ``"missing_signature_header"``,
    ``"malformed_signature_header"``, ``"signature_mismatch"``, ``"body_not_json"``,
    ``"invalid_event"``, ``"too_old"`` or ``"from_the_future"`` (``""`` if the message has none).
    """

    @property
    def reason(self) -> str:
        text = self.message
        prefix = "dfns_webhook_verify: "
        if text.startswith(prefix):
            text = text[len(prefix):]
        head = text.split(":", 1)[0].strip()
        return head if head and " " not in head else ""


_SPECIFIC: Dict[int, Type[DfnsError]] = {
    Status.INVALID_ARGUMENT: InvalidArgumentError,
    Status.NOT_FOUND: NotFoundError,
    Status.UNSUPPORTED: UnsupportedError,
    Status.TRANSPORT_CALLBACK: TransportCallbackError,
    Status.API: ApiError,
    Status.API_INVALID_RESPONSE: ApiResponseError,
    Status.RETURNED_SIGNATURE_INVALID: ReturnedSignatureError,
    Status.SIGNER: SignerError,
    Status.SIGNER_REQUIRED: SignerRequiredError,
    Status.SIGNER_CALLBACK: SignerCallbackError,
    Status.WRONG_PASSWORD: WrongPasswordError,
    Status.WEBHOOK_INVALID: WebhookError,
    Status.INVALID_POLICY: PolicyError,
    Status.INTERNAL: InternalError,
}


def _family(status: int) -> Type[DfnsError]:
    """The class of a status's family (codes this binding does not know yet included)."""
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
    if 600 <= code <= 699:
        return TransportError
    if 700 <= code <= 799:
        return ApiError
    if 800 <= code <= 809:
        return SignerError
    if code == 810:
        return WebhookError
    if 900 <= code <= 998:
        return PolicyError
    return InternalError


def error_for_status(status: int, name: str, message: str = "", function: str = "") -> DfnsError:
    """The exception instance for a failure status (the most specific class that fits)."""
    cls: Optional[Type[DfnsError]] = _SPECIFIC.get(int(status))
    if cls is None:
        cls = _family(status)
    return cls(status, name, message, function)
