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

from . import client as _client
from . import dfns_crypto as _dfns_crypto
from . import errors as _errors
from . import signers as _signers
from ._lib import library_path
from .authenticator import AssertionResponse, RegistrationResponse, SoftwareAuthenticator
from .client import *  # noqa: F401,F403 - Client, Result, HttpRequest/HttpResponse, transports
from .dfns_crypto import *  # noqa: F401,F403 - webhooks, returned signatures, keys and envelopes
from .enums import AttestationKind, AuthenticatorFlags, CoseAlgorithm, InspectKind, KeyKind, Outcome, PolicyOption
from .errors import *  # noqa: F401,F403 - Status and every exception class
from .inspection import inspect, version, version_number
from .keys import PublicKey
from .metadata import Metadata, set_policy_metadata
from .policy import Policy
from .signers import *  # noqa: F401,F403 - Signer, SignFunction, ecdsa_raw_to_der
from . import webauthn_json as _webauthn_json
from .webauthn_json import *  # noqa: F401,F403 - toJSON() documents verified, options JSON (since 0.4)
from .verify import (
    Assertion,
    Registration,
    verify_assertion,
    verify_assertion_hash,
    verify_registration,
    verify_registration_hash,
)

__version__ = "0.4.0"

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
    # FIDO metadata (0.4)
    "Metadata",
    "set_policy_metadata",
    # enums
    "CoseAlgorithm",
    "PolicyOption",
    "AuthenticatorFlags",
    "AttestationKind",
    "InspectKind",
    "KeyKind",
    "Outcome",
]
# The Dfns client, signers and Dfns cryptography (since 0.2), Status and the exception classes, as
# their modules list them (the errors module's factory stays internal).
__all__ += _client.__all__
__all__ += _signers.__all__
__all__ += _dfns_crypto.__all__
__all__ += _webauthn_json.__all__
__all__ += [name for name in _errors.__all__ if name != "error_for_status"]
