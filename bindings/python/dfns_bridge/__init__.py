"""dfns_bridge: WebAuthn verification through libdfns_bridge's C ABI (ctypes binding).

Verify registrations and assertions (every attestation format, every algorithm OpenSSL 3 verifies),
keep imported public keys, convert COSE/SPKI/PEM, inspect WebAuthn structures, and create test
credentials with a software authenticator.

Quick start::

    import os
    from dfns_bridge import Policy, SoftwareAuthenticator, verify_registration, verify_assertion

    with Policy("example.org", "https://example.org") as policy, SoftwareAuthenticator() as device:
        challenge = os.urandom(32)
        created = device.register("example.org", "https://example.org", challenge)
        with verify_registration(policy, created.client_data_json, created.attestation_object,
                                 challenge) as registration:
            challenge = os.urandom(32)
            signed = device.authenticate("example.org", "https://example.org", challenge,
                                         registration.credential_id)
            result = verify_assertion(policy, registration.public_key, signed.client_data_json,
                                      signed.authenticator_data, signed.signature, challenge,
                                      sign_count=registration.sign_count)

Errors: every failing C call raises a :class:`DfnsError` subclass (see :mod:`dfns_bridge.errors`)
carrying ``.status``, ``.name`` and ``.message``; wrong argument types raise :class:`TypeError`
before any C call.

Threads: ctypes releases the GIL around every C call that does work (only trivial getters and frees
keep it), so verification on several Python threads runs in parallel. :class:`Policy`,
:class:`PublicKey` and :class:`SoftwareAuthenticator` may be shared across threads once built (the
C API is thread-safe on ``const`` handles); a policy's setters need exclusive access and raise
:class:`RuntimeError` if another thread is verifying with it, and ``close()`` likewise refuses to
free a handle another thread is using.

The Dfns client (since 0.2): :class:`Client` sends Dfns API requests and signs user actions with a
:class:`Signer` (a Key credential, an external signer backed by a Python callable such as an HSM, a
passkey, a password-protected or recovery key); the transport is libcurl or a Python callable;
:mod:`dfns_bridge.dfns_crypto` verifies webhooks and returned signatures and makes keys and key
envelopes. See :mod:`dfns_bridge.client` and :mod:`dfns_bridge.signers`::

    from dfns_bridge import Client, Signer

    with Client("https://api.dfns.io", token, signer=Signer.from_key_pem(pem, credential_id)) as dfns:
        wallet = dfns.request("POST", "/wallets", {"network": "EthereumSepolia"}).json()
        names = [w["id"] for w in dfns.paginate("/wallets", limit=50)]

Library discovery: ``$DFNS_BRIDGE_LIBRARY``, then the ``libdfns_bridge.so.0`` shipped next to this
package, then ``ctypes.util.find_library("dfns_bridge")``; see :mod:`dfns_bridge._lib`.
"""

from __future__ import annotations

from ._lib import library_path
from .authenticator import AssertionResponse, RegistrationResponse, SoftwareAuthenticator
from .enums import AttestationKind, AuthenticatorFlags, CoseAlgorithm, InspectKind, PolicyOption
from .errors import (
    AttestationError,
    AuthenticatorDataError,
    CallingError,
    ClientDataError,
    DfnsError,
    InternalError,
    InvalidArgumentError,
    MalformedInputError,
    NotFoundError,
    PolicyError,
    SignatureError,
    Status,
    UnsupportedError,
)
from .inspection import inspect, version, version_number
from .keys import PublicKey
from .policy import Policy
from .verify import (
    Assertion,
    Registration,
    verify_assertion,
    verify_assertion_hash,
    verify_registration,
    verify_registration_hash,
)
from .client import (
    DEFAULT_BASE_URL,
    Client,
    HttpRequest,
    HttpResponse,
    Result,
    Transport,
    TransportFailure,
)
from .dfns_crypto import (
    GeneratedKey,
    create_password_protected_key,
    create_recovery_key,
    generate_key,
    generate_recovery_code,
    unwrap_private_key,
    verify_returned_signature,
    verify_webhook,
    wrap_private_key,
)
from .enums import KeyKind, Outcome
from .errors import (
    ApiError,
    ApiResponseError,
    ReturnedSignatureError,
    SignerCallbackError,
    SignerError,
    SignerRequiredError,
    TransportCallbackError,
    TransportError,
    WebhookError,
    WrongPasswordError,
)
from .signers import SignFunction, Signer, ecdsa_raw_to_der

__version__ = "0.2.0"

__all__ = [
    "__version__",
    "library_path",
    "version",
    "version_number",
    # handles
    "PublicKey",
    "Policy",
    "SoftwareAuthenticator",
    # verification
    "verify_registration",
    "verify_registration_hash",
    "verify_assertion",
    "verify_assertion_hash",
    "Registration",
    "Assertion",
    "RegistrationResponse",
    "AssertionResponse",
    # inspection
    "inspect",
    # enums
    "CoseAlgorithm",
    "PolicyOption",
    "AuthenticatorFlags",
    "AttestationKind",
    "InspectKind",
    "Status",
    # errors
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
    # the Dfns client (since 0.2)
    "Client",
    "Result",
    "HttpRequest",
    "HttpResponse",
    "Transport",
    "TransportFailure",
    "DEFAULT_BASE_URL",
    "Signer",
    "SignFunction",
    "ecdsa_raw_to_der",
    "KeyKind",
    "Outcome",
    "GeneratedKey",
    "generate_key",
    "verify_webhook",
    "verify_returned_signature",
    "wrap_private_key",
    "unwrap_private_key",
    "create_password_protected_key",
    "generate_recovery_code",
    "create_recovery_key",
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
]
