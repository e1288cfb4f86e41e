"""The relying party's policy (``dfns_policy_*``)."""

from __future__ import annotations

import datetime as _dt
from ctypes import byref, c_char_p, c_int, c_int32
from typing import Any, Dict, Iterable, Mapping, Optional, Sequence, Tuple, Union

from . import _lib
from ._handle import BytesLike, Handle, as_bytes, as_cstr
from .enums import AlgorithmLike, CoseAlgorithm, PolicyOption, algorithm_or_int, coerce_algorithm

__all__ = ["Policy", "TimeLike", "CertificateLike", "Ceremony"]

_lib_ = _lib.lib

#: A verification time: Unix seconds (int or float), a datetime (naive means UTC), or None (now).
TimeLike = Union[int, float, _dt.datetime, None]
#: A certificate: DER bytes, or PEM text (str or bytes) with one or more CERTIFICATE blocks.
CertificateLike = Union[BytesLike, str]

#: The library's defaults (dfns_bridge.h), for documentation and :meth:`Policy.options`.
OPTION_DEFAULTS: Dict[PolicyOption, bool] = {
    PolicyOption.ALLOW_CROSS_ORIGIN: False,
    PolicyOption.REQUIRE_USER_VERIFICATION: False,
    PolicyOption.REQUIRE_USER_PRESENCE: True,
    PolicyOption.ALLOW_SHA1: False,
    PolicyOption.USE_BUILTIN_TRUST_ANCHORS: True,
    PolicyOption.REQUIRE_TRUSTED_ATTESTATION: False,
    PolicyOption.ALLOW_SELF_ATTESTATION: True,
    PolicyOption.ALLOW_NONE_ATTESTATION: True,
    PolicyOption.COMPOUND_REQUIRES_ALL: True,
    PolicyOption.FLAG_SIGN_COUNT_REGRESSION: False,
    PolicyOption.ENFORCE_CERTIFICATE_PROFILE: True,
    PolicyOption.ALLOW_INDEFINITE_LENGTH_CBOR: False,
    PolicyOption.ANDROID_KEY_REQUIRE_ORIGIN_GENERATED: True,
    PolicyOption.ANDROID_KEY_REQUIRE_PURPOSE_SIGN: True,
    PolicyOption.ANDROID_KEY_TEE_ENFORCED_ONLY: False,
    PolicyOption.SAFETYNET_REQUIRE_CTS_PROFILE_MATCH: True,
    PolicyOption.SAFETYNET_CHECK_TIMESTAMP: True,
    PolicyOption.ALLOW_SUBDOMAIN_ORIGINS: False,
    PolicyOption.ALLOW_ANY_LOOPBACK_PORT: False,
}

#: ``dfns_ceremony``: which ceremony :meth:`Policy.set_client_data_types` sets the types of.
CEREMONIES: Dict[str, int] = {"registration": 1, "assertion": 2}
#: A ceremony: ``"registration"`` or ``"assertion"`` (or the ``dfns_ceremony`` int).
Ceremony = Union[str, int]
#: The clientData types each ceremony accepts unless the host sets others.
DEFAULT_CLIENT_DATA_TYPES: Dict[str, Tuple[str, ...]] = {
    "registration": ("webauthn.create",),
    "assertion": ("webauthn.get",),
}


def _coerce_ceremony(ceremony: Ceremony) -> Tuple[str, int]:
    if isinstance(ceremony, bool):
        raise TypeError("ceremony must be 'registration', 'assertion' or a dfns_ceremony int, not bool")
    if isinstance(ceremony, str):
        try:
            return ceremony, CEREMONIES[ceremony]
        except KeyError:
            raise ValueError(f"unknown ceremony {ceremony!r}; expected 'registration' or 'assertion'") from None
    if isinstance(ceremony, int):
        for name, value in CEREMONIES.items():
            if value == ceremony:
                return name, value
        raise ValueError(f"ceremony {ceremony} is not a dfns_ceremony (1 registration, 2 assertion)")
    raise TypeError(f"ceremony must be 'registration', 'assertion' or an int, not {type(ceremony).__name__}")

#: Keyword names of the options (``allow_cross_origin=True``).
OPTION_NAMES: Dict[str, PolicyOption] = {opt.name.lower(): opt for opt in PolicyOption}


def _coerce_option(option: Union[PolicyOption, int, str]) -> int:
    if isinstance(option, bool):
        raise TypeError("option must be a PolicyOption, an int or a name, not bool")
    if isinstance(option, int):
        return int(option)
    if isinstance(option, str):
        try:
            return int(OPTION_NAMES[option.lower()])
        except KeyError:
            raise ValueError(f"unknown policy option {option!r}; expected one of {', '.join(OPTION_NAMES)}") from None
    raise TypeError(f"option must be a PolicyOption, an int or a name, not {type(option).__name__}")


def _coerce_time(value: TimeLike) -> int:
    """Unix seconds for the C call; -1 (the library's "now at each verification") for None."""
    if value is None:
        return -1
    if isinstance(value, bool):
        raise TypeError("verification_time must be Unix seconds, a datetime or None, not bool")
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_dt.timezone.utc)
        seconds = int(value.timestamp())
    elif isinstance(value, (int, float)):
        seconds = int(value)
    else:
        raise TypeError(f"verification_time must be Unix seconds, a datetime or None, not {type(value).__name__}")
    if seconds < 0:
        raise ValueError("verification_time must not be before 1970 (use None for the current time)")
    if seconds >= 2**63:
        raise ValueError("verification_time does not fit in int64_t")
    return seconds


class _Option:
    """A boolean policy option exposed as a property (reads and writes go to the C policy)."""

    def __init__(self, option: PolicyOption) -> None:
        self.option = option
        default = "on" if OPTION_DEFAULTS[option] else "off"
        self.__doc__ = f"DFNS_POLICY_{option.name} (default {default})."

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Optional["Policy"], objtype: Optional[type] = None) -> Any:
        if obj is None:
            return self
        return obj.get_option(self.option)

    def __set__(self, obj: "Policy", value: bool) -> None:
        obj.set_option(self.option, value)


class Policy(Handle):
    """What a relying party accepts: RP ID, origins, flags, algorithms, trust anchors, time.

    Build it on one thread (the setters need exclusive access), then share it read-only: any number
    of threads may verify with the same policy at once (the GIL is released during verification).
    Mutating a policy while another thread verifies with it raises :class:`RuntimeError`.

    Args:
        rp_id: the RP ID, e.g. ``"example.org"``.
        origins: the origins accepted in clientDataJSON (one ``str`` or an iterable of them); an
            http(s) origin also accepts its serialization (``"https://Example.org:443/"`` accepts
            ``"https://example.org"``), the origin the client sends being compared exactly.
        top_origins: accepted topOrigins (only used with ``allow_cross_origin=True``).
        algorithms: accepted credential algorithms (default: the library's list).
        verification_time: when attestation certificates are validated (default: now, at each
            verification): Unix seconds, a datetime (naive = UTC), or None.
        trust_anchors: ``{"packed": [cert, ...], "tpm": cert, ...}``; a cert is DER bytes or PEM.
        rp_ids: RP IDs accepted besides ``rp_id`` (a relying party serving several domains).
        appid: the FIDO AppID for assertions of U2F-registered credentials (see :attr:`appid`).
        tpm_manufacturers: the TPM manufacturer allowlist (see :meth:`add_tpm_manufacturer`).
        registration_client_data_types, assertion_client_data_types: the clientData ``type`` values
            each ceremony accepts (default ``webauthn.create`` / ``webauthn.get``).
        **options: boolean options by keyword, e.g. ``require_user_verification=True``; see
            :class:`~dfns_bridge.PolicyOption` (names in lower case) and the properties below.

    >>> with Policy("example.org", "https://example.org", require_user_verification=True) as p:  # doctest: +SKIP
    ...     p.require_user_verification
    True
    """

    _free_func = _lib_.dfns_policy_free

    allow_cross_origin = _Option(PolicyOption.ALLOW_CROSS_ORIGIN)
    require_user_verification = _Option(PolicyOption.REQUIRE_USER_VERIFICATION)
    require_user_presence = _Option(PolicyOption.REQUIRE_USER_PRESENCE)
    allow_sha1 = _Option(PolicyOption.ALLOW_SHA1)
    use_builtin_trust_anchors = _Option(PolicyOption.USE_BUILTIN_TRUST_ANCHORS)
    require_trusted_attestation = _Option(PolicyOption.REQUIRE_TRUSTED_ATTESTATION)
    allow_self_attestation = _Option(PolicyOption.ALLOW_SELF_ATTESTATION)
    allow_none_attestation = _Option(PolicyOption.ALLOW_NONE_ATTESTATION)
    compound_requires_all = _Option(PolicyOption.COMPOUND_REQUIRES_ALL)
    flag_sign_count_regression = _Option(PolicyOption.FLAG_SIGN_COUNT_REGRESSION)
    enforce_certificate_profile = _Option(PolicyOption.ENFORCE_CERTIFICATE_PROFILE)
    allow_indefinite_length_cbor = _Option(PolicyOption.ALLOW_INDEFINITE_LENGTH_CBOR)
    android_key_require_origin_generated = _Option(PolicyOption.ANDROID_KEY_REQUIRE_ORIGIN_GENERATED)
    android_key_require_purpose_sign = _Option(PolicyOption.ANDROID_KEY_REQUIRE_PURPOSE_SIGN)
    android_key_tee_enforced_only = _Option(PolicyOption.ANDROID_KEY_TEE_ENFORCED_ONLY)
    safetynet_require_cts_profile_match = _Option(PolicyOption.SAFETYNET_REQUIRE_CTS_PROFILE_MATCH)
    safetynet_check_timestamp = _Option(PolicyOption.SAFETYNET_CHECK_TIMESTAMP)
    #: An http(s) origin also accepts its subdomains (``https://login.example.org`` for
    #: ``https://example.org``), same scheme and port. Off by default: any subdomain can then run
    #: ceremonies for the RP.
    allow_subdomain_origins = _Option(PolicyOption.ALLOW_SUBDOMAIN_ORIGINS)
    #: A loopback origin (``http://localhost``, ``127.0.0.1``, ``[::1]``, each only when configured)
    #: accepts any port, for development. Off by default: any local process can then run ceremonies.
    allow_any_loopback_port = _Option(PolicyOption.ALLOW_ANY_LOOPBACK_PORT)

    def __init__(
        self,
        rp_id: str,
        origins: Union[str, Iterable[str]] = (),
        *,
        top_origins: Union[str, Iterable[str]] = (),
        algorithms: Optional[Iterable[AlgorithmLike]] = None,
        verification_time: TimeLike = None,
        trust_anchors: Optional[Mapping[str, Union[CertificateLike, Sequence[CertificateLike]]]] = None,
        rp_ids: Union[str, Iterable[str]] = (),
        appid: Optional[str] = None,
        tpm_manufacturers: Union[str, Iterable[str]] = (),
        registration_client_data_types: Optional[Iterable[str]] = None,
        assertion_client_data_types: Optional[Iterable[str]] = None,
        **options: bool,
    ) -> None:
        unknown = [name for name in options if name not in OPTION_NAMES]
        if unknown:
            raise TypeError(f"Policy() got unexpected keyword argument(s): {', '.join(unknown)}")
        encoded = as_cstr(rp_id, "rp_id")
        out = _lib.PolicyPtr()
        _lib_.dfns_policy_new(encoded, byref(out))
        super().__init__(out)
        self._rp_id = rp_id
        self._origins: Tuple[str, ...] = ()
        self._top_origins: Tuple[str, ...] = ()
        self._algorithms: Optional[Tuple[Union[CoseAlgorithm, int], ...]] = None
        self._verification_time: Optional[int] = None
        self._trust_anchor_counts: Dict[str, int] = {}
        self._rp_ids: Tuple[str, ...] = ()
        self._appid: Optional[str] = None
        self._tpm_manufacturers: Tuple[str, ...] = ()
        self._client_data_types: Dict[str, Tuple[str, ...]] = dict(DEFAULT_CLIENT_DATA_TYPES)
        try:
            for extra in [rp_ids] if isinstance(rp_ids, str) else rp_ids:
                self.add_rp_id(extra)
            if appid is not None:
                self.appid = appid
            for manufacturer in [tpm_manufacturers] if isinstance(tpm_manufacturers, str) else tpm_manufacturers:
                self.add_tpm_manufacturer(manufacturer)
            if registration_client_data_types is not None:
                self.set_client_data_types("registration", registration_client_data_types)
            if assertion_client_data_types is not None:
                self.set_client_data_types("assertion", assertion_client_data_types)
            for origin in [origins] if isinstance(origins, str) else origins:
                self.add_origin(origin)
            for origin in [top_origins] if isinstance(top_origins, str) else top_origins:
                self.add_top_origin(origin)
            if algorithms is not None:
                self.algorithms = algorithms  # type: ignore[assignment]
            if verification_time is not None:
                self.verification_time = verification_time  # type: ignore[assignment]
            for fmt, certs in (trust_anchors or {}).items():
                if isinstance(certs, (bytes, bytearray, memoryview, str)):
                    certs = [certs]
                for cert in certs:
                    self.add_trust_anchor(fmt, cert)
            for name, enabled in options.items():
                self.set_option(OPTION_NAMES[name], enabled)
        except BaseException:
            self.close()
            raise

    # -- RP ID and origins ------------------------------------------------------------------------

    @property
    def rp_id(self) -> str:
        """The RP ID the policy was created for."""
        return self._rp_id

    @property
    def origins(self) -> Tuple[str, ...]:
        """The origins added so far (as recorded by this wrapper; the C API has no getter)."""
        return self._origins

    @property
    def top_origins(self) -> Tuple[str, ...]:
        """The top origins added so far."""
        return self._top_origins

    def add_origin(self, origin: str) -> None:
        """Adds an origin accepted in clientDataJSON, e.g. ``"https://login.example.org"`` (an http(s)
        origin also accepts its serialization: lower case, no default port, no trailing ``/``)."""
        encoded = as_cstr(origin, "origin")
        self._exclusive(lambda p: _lib_.dfns_policy_add_origin(p, encoded))
        self._origins += (origin,)

    def add_top_origin(self, origin: str) -> None:
        """Adds an accepted topOrigin (only used with ``allow_cross_origin``)."""
        encoded = as_cstr(origin, "origin")
        self._exclusive(lambda p: _lib_.dfns_policy_add_top_origin(p, encoded))
        self._top_origins += (origin,)

    # -- relying-party options (0.4; each off by default) ------------------------------------------

    @property
    def rp_ids(self) -> Tuple[str, ...]:
        """Every accepted RP ID: :attr:`rp_id` first, then those added with :meth:`add_rp_id`."""
        return (self._rp_id,) + self._rp_ids

    def add_rp_id(self, rp_id: str) -> None:
        """Accepts ``rp_id`` besides :attr:`rp_id`: an rpIdHash may be SHA-256 of any accepted RP ID
        (``dfns_policy_add_rp_id``; hashed once, here). List only domains the RP controls."""
        encoded = as_cstr(rp_id, "rp_id")
        self._exclusive(lambda p: _lib_.dfns_policy_add_rp_id(p, encoded))
        if rp_id not in self.rp_ids:
            self._rp_ids += (rp_id,)

    def client_data_types(self, ceremony: Ceremony) -> Tuple[str, ...]:
        """The clientData ``type`` values ``ceremony`` accepts (as recorded by this wrapper)."""
        name, _ = _coerce_ceremony(ceremony)
        return self._client_data_types[name]

    def set_client_data_types(self, ceremony: Ceremony, types: Union[str, Iterable[str]]) -> None:
        """Replaces the clientData ``type`` values ``ceremony`` (``"registration"`` or
        ``"assertion"``) accepts, for hosts with custom ceremonies; at least one
        (``dfns_policy_set_client_data_types``)."""
        name, value = _coerce_ceremony(ceremony)
        items = [types] if isinstance(types, str) else list(types)
        encoded = [as_cstr(t, "type") for t in items]
        array = (c_char_p * max(len(encoded), 1))(*encoded)
        self._exclusive(lambda p: _lib_.dfns_policy_set_client_data_types(p, value, array, len(encoded)))
        self._client_data_types[name] = tuple(dict.fromkeys(items))

    @property
    def appid(self) -> Optional[str]:
        """The FIDO AppID (U2F ``appid`` extension) sent in assertion options, or None.

        When set, an assertion's rpIdHash may be SHA-256 of it, but only when the caller passes
        ``appid_extension_used=True`` to :func:`~dfns_bridge.verify_assertion` (the client reported
        ``clientExtensionResults.appid == True``). ``appidExclude`` on registration needs no setting
        here: it only affects the client. Assign None to remove it."""
        return self._appid

    @appid.setter
    def appid(self, value: Optional[str]) -> None:
        encoded = None if value is None else as_cstr(value, "appid")
        self._exclusive(lambda p: _lib_.dfns_policy_set_appid(p, encoded))
        self._appid = value

    @property
    def tpm_manufacturers(self) -> Tuple[str, ...]:
        """The TPM manufacturer allowlist added so far (empty: any manufacturer)."""
        return self._tpm_manufacturers

    def add_tpm_manufacturer(self, manufacturer: str) -> None:
        """Restricts ``tpm`` attestation to TPMs whose AIK certificate names one of the added
        manufacturers: a TCG vendor ID such as ``"id:414D4400"`` (AMD) or ``"id:49465800"``
        (Infineon). Another manufacturer then raises :class:`~dfns_bridge.AttestationError`
        (``DFNS_ERR_ATTESTATION_POLICY_VIOLATION``); a malformed ID raises
        :class:`~dfns_bridge.InvalidArgumentError`."""
        encoded = as_cstr(manufacturer, "manufacturer")
        self._exclusive(lambda p: _lib_.dfns_policy_add_tpm_manufacturer(p, encoded))
        normalized = "id:" + manufacturer[3:].upper()
        if normalized not in self._tpm_manufacturers:
            self._tpm_manufacturers += (normalized,)

    # -- options ----------------------------------------------------------------------------------

    def set_option(self, option: Union[PolicyOption, int, str], enabled: bool) -> None:
        """Sets a boolean option (a :class:`PolicyOption`, its int, or its lower-case name)."""
        value = _coerce_option(option)
        if not isinstance(enabled, (bool, int)):
            raise TypeError(f"enabled must be a bool, not {type(enabled).__name__}")
        flag = 1 if enabled else 0
        self._exclusive(lambda p: _lib_.dfns_policy_set_option(p, value, flag))

    def get_option(self, option: Union[PolicyOption, int, str]) -> bool:
        """Reads a boolean option."""
        value = _coerce_option(option)
        enabled = c_int()
        self._read(lambda p: _lib_.dfns_policy_get_option(p, value, byref(enabled)))
        return bool(enabled.value)

    def options(self) -> Dict[str, bool]:
        """Every boolean option by its keyword name, read from the library."""
        return {opt.name.lower(): self.get_option(opt) for opt in PolicyOption}

    # -- algorithms and time ----------------------------------------------------------------------

    @property
    def algorithms(self) -> Optional[Tuple[Union[CoseAlgorithm, int], ...]]:
        """The accepted credential algorithms set through this wrapper, or None for the library's
        default list (the C API has no getter). Assign an iterable of algorithms to replace it."""
        return self._algorithms

    @algorithms.setter
    def algorithms(self, algorithms: Iterable[AlgorithmLike]) -> None:
        if isinstance(algorithms, (str, bytes)) or not hasattr(algorithms, "__iter__"):
            raise TypeError("algorithms must be an iterable of CoseAlgorithm values, ints or names")
        values = [coerce_algorithm(a, "algorithm") for a in algorithms]
        array = (c_int32 * len(values))(*values)
        self._exclusive(lambda p: _lib_.dfns_policy_set_algorithms(p, array, len(values)))
        self._algorithms = tuple(algorithm_or_int(v) for v in values)

    def set_algorithms(self, *algorithms: AlgorithmLike) -> None:
        """``policy.set_algorithms(CoseAlgorithm.ES256, "EdDSA")``: replaces the accepted algorithms."""
        self.algorithms = algorithms  # type: ignore[assignment]

    @property
    def verification_time(self) -> Optional[int]:
        """Unix seconds at which attestation certificates are validated; None means the current time
        at each verification. Assign an int/float, a datetime (naive = UTC) or None."""
        return self._verification_time

    @verification_time.setter
    def verification_time(self, value: TimeLike) -> None:
        seconds = _coerce_time(value)
        self._exclusive(lambda p: _lib_.dfns_policy_set_verification_time(p, seconds))
        self._verification_time = None if seconds < 0 else seconds

    # -- trust anchors ----------------------------------------------------------------------------

    def add_trust_anchor(self, fmt: str, certificate: CertificateLike) -> None:
        """Adds a trust anchor for one attestation format.

        Args:
            fmt: ``"packed"``, ``"tpm"``, ``"fido-u2f"``, ``"android-key"``, ``"apple"`` or
                ``"android-safetynet"``.
            certificate: one DER certificate (bytes) or PEM text (str or bytes; one or more
                CERTIFICATE blocks). A root, an intermediate, or the attestation certificate itself.

        Raises :class:`~dfns_bridge.InvalidArgumentError` (unknown format) or
        :class:`~dfns_bridge.AttestationError` (``DFNS_ERR_ATTESTATION_CERTIFICATE_INVALID``).
        """
        encoded = as_cstr(fmt, "fmt")
        cert = certificate.encode("ascii") if isinstance(certificate, str) else as_bytes(certificate, "certificate")
        self._exclusive(lambda p: _lib_.dfns_policy_add_trust_anchor(p, encoded, cert, len(cert)))
        self._trust_anchor_counts[fmt] = self._trust_anchor_counts.get(fmt, 0) + 1

    @property
    def trust_anchor_counts(self) -> Dict[str, int]:
        """How many anchors (calls to :meth:`add_trust_anchor`) each format got through this wrapper."""
        return dict(self._trust_anchor_counts)

    def __repr__(self) -> str:
        state = "closed" if self.closed else f"origins={list(self._origins)!r}"
        return f"<dfns_bridge.Policy rp_id={self._rp_id!r} {state}>"
