"""Enumerations of dfns_bridge.h as Python enums, and the coercions the wrappers use."""

from __future__ import annotations

import enum
from typing import Callable, Type, TypeVar, Union

__all__ = [
    "CoseAlgorithm",
    "PolicyOption",
    "AuthenticatorFlags",
    "AttestationKind",
    "InspectKind",
    "KeyKind",
    "Outcome",
    "AlgorithmLike",
]

_E = TypeVar("_E", bound=enum.IntEnum)


def _coerce(
    enum_type: Type[_E], value: object, what: str, key: Callable[[str], str], unknown: str, expected: str
) -> int:
    """``value`` (a member of ``enum_type``, an int, or a name that ``key`` maps to a member's name)
    as an int; TypeError for another type (bool included), ValueError for an unknown name."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        article = "an" if enum_type.__name__[0] in "AEIOU" else "a"
        raise TypeError(
            f"{what} must be {article} {enum_type.__name__}, an int or a name, not {type(value).__name__}"
        )
    if isinstance(value, int):
        return int(value)
    try:
        return int(enum_type[key(value)])
    except KeyError:
        raise ValueError(f"unknown {unknown} {value!r}; expected {expected}") from None


class CoseAlgorithm(enum.IntEnum):
    """``dfns_cose_alg``: the COSE algorithm identifiers the library verifies.

    The software authenticator signs with ES256, EDDSA, ES256K and RS256.
    """

    ES256 = -7
    ESP256 = -9
    ES384 = -35
    ESP384 = -51
    ES512 = -36
    ESP512 = -52
    ES256K = -47
    EDDSA = -8
    ED25519 = -19
    ED448 = -53
    RS256 = -257
    RS384 = -258
    RS512 = -259
    RS1 = -65535  #: verified only with ``Policy(allow_sha1=True)``
    PS256 = -37
    PS384 = -38
    PS512 = -39
    ML_DSA_65 = -49  #: since 0.4; ML-DSA-44 (-48) is not offered (unsupported algorithm)
    ML_DSA_87 = -50  #: since 0.4


#: An algorithm argument: a :class:`CoseAlgorithm`, its integer value, or its name ("ES256", "EdDSA").
AlgorithmLike = Union[CoseAlgorithm, int, str]


def coerce_algorithm(value: AlgorithmLike, what: str = "alg") -> int:
    """The integer COSE identifier of ``value``; unknown integers pass through (the library decides)."""
    if isinstance(value, bool):
        raise TypeError(f"{what} must be a CoseAlgorithm, an int or a name, not bool")
    if isinstance(value, int):
        if not -(2**31) <= int(value) < 2**31:
            raise ValueError(f"{what} {value} does not fit in int32_t")
        return int(value)
    if isinstance(value, str):
        key = value.strip().upper()
        try:
            # "ES256", "EdDSA", "ML-DSA-65": the member name with "-" as "_" (ML_DSA_65) or dropped (ES256)
            member = CoseAlgorithm.__members__.get(key.replace("-", "_")) or CoseAlgorithm[key.replace("-", "")]
            return int(member)
        except KeyError:
            raise ValueError(
                f"unknown {what} name {value!r}; expected one of {', '.join(a.name for a in CoseAlgorithm)}"
            ) from None
    raise TypeError(f"{what} must be a CoseAlgorithm, an int or a name, not {type(value).__name__}")


def algorithm_or_int(value: int) -> Union[CoseAlgorithm, int]:
    """``CoseAlgorithm(value)`` when the value is known, else the plain int."""
    try:
        return CoseAlgorithm(value)
    except ValueError:
        return value


class PolicyOption(enum.IntEnum):
    """``dfns_policy_option``: boolean policy options (defaults in the docstrings of :class:`Policy`)."""

    ALLOW_CROSS_ORIGIN = 1
    REQUIRE_USER_VERIFICATION = 2
    REQUIRE_USER_PRESENCE = 3
    ALLOW_SHA1 = 4
    USE_BUILTIN_TRUST_ANCHORS = 5
    REQUIRE_TRUSTED_ATTESTATION = 6
    ALLOW_SELF_ATTESTATION = 7
    ALLOW_NONE_ATTESTATION = 8
    COMPOUND_REQUIRES_ALL = 9
    FLAG_SIGN_COUNT_REGRESSION = 10
    ENFORCE_CERTIFICATE_PROFILE = 11
    ALLOW_INDEFINITE_LENGTH_CBOR = 12
    ANDROID_KEY_REQUIRE_ORIGIN_GENERATED = 13
    ANDROID_KEY_REQUIRE_PURPOSE_SIGN = 14
    ANDROID_KEY_TEE_ENFORCED_ONLY = 15
    SAFETYNET_REQUIRE_CTS_PROFILE_MATCH = 16
    SAFETYNET_CHECK_TIMESTAMP = 17
    ALLOW_SUBDOMAIN_ORIGINS = 18
    ALLOW_ANY_LOOPBACK_PORT = 19


class AuthenticatorFlags(enum.IntFlag):
    """The authenticator data flags byte."""

    UP = 0x01  #: user present
    UV = 0x04  #: user verified
    BE = 0x08  #: backup eligible
    BS = 0x10  #: backed up
    AT = 0x40  #: attested credential data included
    ED = 0x80  #: extension data included


class AttestationKind(enum.IntEnum):
    """``dfns_attestation_kind``: the attestation of software-authenticator registrations."""

    NONE = 0  #: fmt "none"
    PACKED_SELF = 1  #: fmt "packed", self attestation


def coerce_attestation_kind(value: Union[AttestationKind, int, str]) -> int:
    """Accepts an :class:`AttestationKind`, its int, or "none" / "packed-self" / "packed_self"."""
    return _coerce(
        AttestationKind, value, "attestation", lambda name: name.strip().upper().replace("-", "_"),
        "attestation kind", "'none' or 'packed-self'",
    )


class InspectKind(enum.IntEnum):
    """``dfns_inspect_kind``: what :func:`dfns_bridge.inspect` decodes."""

    DETECT = 0
    ATTESTATION_OBJECT = 1
    AUTHENTICATOR_DATA = 2
    CLIENT_DATA = 3
    COSE_KEY = 4


_INSPECT_ALIASES = {"CLIENT_DATA_JSON": "CLIENT_DATA", "AUTH_DATA": "AUTHENTICATOR_DATA", "COSE": "COSE_KEY"}


def _inspect_key(name: str) -> str:
    key = name.strip().upper().replace("-", "_")
    return _INSPECT_ALIASES.get(key, key)


def coerce_inspect_kind(value: Union[InspectKind, int, str]) -> int:
    """Accepts an :class:`InspectKind`, its int, or a name such as "attestation_object"."""
    return _coerce(
        InspectKind, value, "kind", _inspect_key,
        "inspect kind", "one of " + ", ".join(k.name.lower() for k in InspectKind),
    )


# ------------------------------------------------------------------------------------------------
# Since 0.2: key kinds of Key credentials, outcomes of client results
# ------------------------------------------------------------------------------------------------


class KeyKind(enum.IntEnum):
    """``dfns_key_kind``: key types of Dfns Key credentials and of returned-signature verification."""

    ED25519 = 1  #: Ed25519: raw 64-byte signatures over the message itself
    P256 = 2  #: ECDSA P-256 with SHA-256, ASN.1 DER signatures
    SECP256K1 = 3  #: ECDSA secp256k1 with SHA-256, ASN.1 DER signatures (low S)
    RSA = 4  #: RSA (2048 bits or more), PKCS#1 v1.5 with SHA-256


def coerce_key_kind(value: Union[KeyKind, int, str]) -> int:
    """Accepts a :class:`KeyKind`, its int, or a name ("P256", "p-256", "ed25519", "secp256k1", "rsa")."""
    return _coerce(
        KeyKind, value, "key kind", lambda name: name.strip().upper().replace("-", "").replace("_", ""),
        "key kind", "one of " + ", ".join(k.name for k in KeyKind),
    )


class Outcome(enum.IntEnum):
    """``dfns_outcome``: what a Dfns API answer means for the request."""

    DONE = 1  #: a 2xx answer; an entity in its body did not fail and is not waiting
    PENDING = 2  #: 202 held by a policy (see ``approval_id``), or an entity "Pending"/"Executing"
    FAILED = 3  #: a 4xx/5xx answer, or an entity whose status is "Failed" or "Rejected"

