"""Public keys: import from COSE/SPKI/PEM, export, verify (``dfns_public_key_*``)."""

from __future__ import annotations

from ctypes import byref, c_char_p, c_int32
from typing import Any, Optional, Union

from . import _lib
from ._handle import BytesLike, Handle, as_bytes, borrowed_bytes
from .enums import AlgorithmLike, CoseAlgorithm, algorithm_or_int, coerce_algorithm
from .errors import SignatureError, Status

__all__ = ["PublicKey"]

_lib_ = _lib.lib


class PublicKey(Handle):
    """An imported, validated public key with its COSE algorithm (``dfns_public_key_t``).

    Immutable: import once, verify many times, share across threads (every method is thread-safe;
    only :meth:`close` must not race with calls on other threads, and it refuses to if they do).

    Create one with :meth:`from_cose` or :meth:`from_spki`, or take it from a verified
    :class:`~dfns_bridge.Registration`. Use it as a context manager or call :meth:`close`; a key
    nobody closes is released when it is garbage collected.

    >>> with PublicKey.from_cose(stored_cose) as key:      # doctest: +SKIP
    ...     key.alg, key.pem
    """

    _free_func = _lib_.dfns_public_key_free

    def __init__(self, _ptr: object) -> None:
        """Wraps a raw handle; use :meth:`from_cose` / :meth:`from_spki` instead."""
        super().__init__(_ptr)
        self._cose: Optional[bytes] = None
        self._spki: Optional[bytes] = None
        self._pem: Optional[str] = None

    # -- import -----------------------------------------------------------------------------------

    @classmethod
    def from_cose(cls, cose: BytesLike) -> "PublicKey":
        """Imports a COSE_Key (the credential public key a relying party stores).

        Raises :class:`~dfns_bridge.MalformedInputError` (bad CBOR, trailing bytes, bad COSE key),
        :class:`~dfns_bridge.SignatureError` (unsupported algorithm, invalid key), or
        :class:`TypeError` when ``cose`` is not bytes-like.
        """
        data = as_bytes(cose, "cose")
        out = _lib.PublicKeyPtr()
        _lib_.dfns_public_key_parse_cose(data, len(data), byref(out))
        return cls(out)

    @classmethod
    def from_spki(cls, data: Union[BytesLike, str], alg: AlgorithmLike) -> "PublicKey":
        """Imports a DER SubjectPublicKeyInfo or a PEM ``PUBLIC KEY`` block, paired with ``alg``.

        Args:
            data: DER bytes, or PEM text (``str`` or bytes).
            alg: the COSE algorithm the key will verify with (a :class:`CoseAlgorithm`, its int,
                or its name such as ``"ES256"``).

        Raises :class:`~dfns_bridge.MalformedInputError` (neither DER nor PEM) or
        :class:`~dfns_bridge.SignatureError` (invalid key; ``alg`` does not fit the key).
        """
        raw = data.encode("ascii", "strict") if isinstance(data, str) else as_bytes(data, "data")
        alg_value = coerce_algorithm(alg)
        out = _lib.PublicKeyPtr()
        _lib_.dfns_public_key_parse_spki(raw, len(raw), alg_value, byref(out))
        return cls(out)

    from_pem = from_spki

    # -- properties -------------------------------------------------------------------------------

    @property
    def alg(self) -> Union[CoseAlgorithm, int]:
        """The key's COSE algorithm (a :class:`CoseAlgorithm` when this binding knows the value)."""
        def read(handle: Any) -> int:
            value = c_int32(0)
            _lib_.dfns_public_key_algorithm(handle, byref(value))
            return value.value

        return algorithm_or_int(self._read(read))

    @property
    def cose(self) -> bytes:
        """The key as canonical COSE_Key bytes."""
        self._check_open()
        if self._cose is None:
            self._cose = self._read(lambda p: borrowed_bytes(_lib_.dfns_public_key_cose, p)) or b""
        return self._cose

    @property
    def spki(self) -> bytes:
        """The key as DER SubjectPublicKeyInfo."""
        self._check_open()
        if self._spki is None:
            self._spki = self._read(lambda p: borrowed_bytes(_lib_.dfns_public_key_spki, p)) or b""
        return self._spki

    @property
    def pem(self) -> str:
        """The key as a PEM ``PUBLIC KEY`` block."""
        self._check_open()
        if self._pem is None:

            def get(p: object) -> str:
                out = c_char_p()
                _lib_.dfns_public_key_pem(p, byref(out))
                return (out.value or b"").decode("ascii")

            self._pem = self._read(get)
        return self._pem

    # -- verification -----------------------------------------------------------------------------

    def verify(self, message: BytesLike, signature: BytesLike) -> None:
        """Verifies ``signature`` over ``message`` with the key's algorithm.

        ECDSA signatures are DER; EdDSA and RSA signatures are raw. Returns None when the signature
        verifies; raises :class:`~dfns_bridge.SignatureError` (``DFNS_ERR_SIGNATURE_INVALID``) when
        it does not, and :class:`~dfns_bridge.AttestationError` (``DFNS_ERR_SHA1_NOT_ALLOWED``) for
        an RS1 key. Thread-safe on a shared key; the GIL is released during the check.
        """
        msg = as_bytes(message, "message")
        sig = as_bytes(signature, "signature")
        ptr = self._acquire()
        try:
            _lib_.dfns_public_key_verify(ptr, msg, len(msg), sig, len(sig))
        finally:
            self._release()

    def is_valid_signature(self, message: BytesLike, signature: BytesLike) -> bool:
        """Like :meth:`verify`, returning False instead of raising for an invalid signature."""
        try:
            self.verify(message, signature)
        except SignatureError as exc:
            if exc.status == Status.SIGNATURE_INVALID:
                return False
            raise
        return True

    # -- comparison -------------------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PublicKey):
            return NotImplemented
        return self.alg == other.alg and self.cose == other.cose

    def __hash__(self) -> int:
        return hash((int(self.alg), self.cose))

    def __repr__(self) -> str:
        if self.closed:
            return "<dfns_bridge.PublicKey closed>"
        alg = self.alg
        name = alg.name if isinstance(alg, CoseAlgorithm) else str(alg)
        return f"<dfns_bridge.PublicKey {name}>"
