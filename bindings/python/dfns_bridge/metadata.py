"""FIDO metadata (MDS3, since 0.4): read a metadata BLOB offline and use it in registration trust.

A :class:`Metadata` is a verified, indexed BLOB (``dfns_metadata_t``). Loading checks the JWS
signature (RS256 or ES256) with the ``x5c`` leaf, the ``x5c`` chain to the root you pass (for the
FIDO service: GlobalSign Root R3, which the library does not embed) at a verification time, and
``nextUpdate`` (a stale BLOB is refused unless ``accept_stale=True``). :func:`set_policy_metadata`
makes a :class:`~dfns_bridge.Policy` use it: the matching entry's attestation roots become trust
anchors for that registration, a REVOKED or compromised authenticator is refused
(:class:`~dfns_bridge.AttestationError` with status ``AUTHENTICATOR_STATUS_NOT_ACCEPTED``), and with
``require_entry=True`` an authenticator without an entry is refused (``METADATA_ENTRY_MISSING``).
A verified :class:`~dfns_bridge.Registration` then carries ``metadata_description`` and
``metadata_status``.
"""

from __future__ import annotations

import datetime as _dt
import json
from ctypes import byref, c_char_p, c_int64, c_size_t, c_void_p
from typing import Any, Dict, Iterator, Optional, Union

from . import _lib
from ._handle import BytesLike, Handle, as_bytes, as_text_bytes, take_string
from .errors import Status
from .policy import Policy

__all__ = ["Metadata", "set_policy_metadata"]

_lib_ = _lib.lib
_AAGUID_SIZE = 16


def _unix_seconds(when: Union[None, int, _dt.datetime]) -> int:
    if when is None:
        return -1
    if isinstance(when, bool) or not isinstance(when, (int, _dt.datetime)):
        raise TypeError(f"time must be None, Unix seconds (int) or a datetime, not {type(when).__name__}")
    if isinstance(when, _dt.datetime):
        if when.tzinfo is None:
            when = when.replace(tzinfo=_dt.timezone.utc)
        return int(when.timestamp())
    if when < 0:
        raise ValueError(f"time must not be negative, got {when}")
    return when


class Metadata(Handle):
    """A verified FIDO MDS3 BLOB, indexed by AAGUID. Immutable: share it across threads and policies.

    Args:
        blob: the BLOB as downloaded (the compact JWS text), bytes or str.
        root: the trusted root: PEM text (str or bytes, one or more CERTIFICATE blocks) or DER bytes.
        time: the verification time: None (now), Unix seconds, or a datetime (naive = UTC).
        accept_stale: accept a BLOB whose ``nextUpdate`` date has passed (default: refuse it).

    Raises :class:`~dfns_bridge.AttestationError` with status ``METADATA_INVALID`` for a BLOB that is
    refused (signature, chain, expired certificate, stale, malformed field: the message names it),
    :class:`~dfns_bridge.InvalidArgumentError` for empty input.
    """

    _free_func = _lib_.dfns_metadata_free

    def __init__(self, blob: Union[str, BytesLike], root: Union[str, BytesLike], *,
                 time: Union[None, int, _dt.datetime] = None, accept_stale: bool = False) -> None:
        data = as_text_bytes(blob, "blob")
        root_bytes = as_text_bytes(root, "root")
        if not isinstance(accept_stale, bool):
            raise TypeError(f"accept_stale must be a bool, not {type(accept_stale).__name__}")
        seconds = _unix_seconds(time)
        ptr = _lib.MetadataPtr()
        _lib_.dfns_metadata_load(data, len(data), root_bytes, len(root_bytes), seconds, 1 if accept_stale else 0, byref(ptr))
        super().__init__(ptr)

    @property
    def number(self) -> int:
        """The BLOB's serial number (``no``)."""
        value = c_int64()
        self._read(lambda p: _lib_.dfns_metadata_number(p, byref(value)))
        return value.value

    @property
    def next_update(self) -> str:
        """The BLOB's ``nextUpdate`` date, ``"YYYY-MM-DD"``."""
        value = c_char_p()
        self._read(lambda p: _lib_.dfns_metadata_next_update(p, byref(value)))
        return (value.value or b"").decode("utf-8")

    def __len__(self) -> int:
        count = c_size_t()
        self._read(lambda p: _lib_.dfns_metadata_entry_count(p, byref(count)))
        return count.value

    def entry(self, index: int) -> Dict[str, Any]:
        """Entry ``index`` (BLOB order) as a dict: ``description``, ``status``,
        ``statusEffectiveDate``, ``aaguid`` (hex), ``attestationCertificateKeyIdentifiers``,
        ``authenticatorVersion``, ``protocolFamily``, ``attestationTypes``, ``timeOfLastStatusChange``.

        Raises :class:`IndexError` when ``index`` is not below ``len(self)``.
        """
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError(f"index must be an int, not {type(index).__name__}")
        if index < 0 or index >= len(self):
            raise IndexError(f"entry index {index} out of range (0..{len(self) - 1})")
        out = c_void_p()
        self._read(lambda p: _lib_.dfns_metadata_entry_json(p, index, byref(out)))
        return json.loads(take_string(out))

    def __iter__(self) -> Iterator[Dict[str, Any]]:
        for index in range(len(self)):
            yield self.entry(index)

    def find(self, aaguid: BytesLike) -> Optional[Dict[str, Any]]:
        """The entry for a 16-byte AAGUID (e.g. ``Registration.aaguid``) as :meth:`entry` gives it,
        or None when the BLOB has none."""
        raw = as_bytes(aaguid, "aaguid")
        if len(raw) != _AAGUID_SIZE:
            raise ValueError(f"aaguid must be {_AAGUID_SIZE} bytes, got {len(raw)}")
        out = c_void_p()
        find = _lib.unchecked("dfns_metadata_find_aaguid")

        def call(p: Any) -> int:
            return int(find(p, raw, len(raw), byref(out)))

        status = self._read(call)
        if status == Status.NOT_FOUND:
            return None
        if status != 0:
            _lib.raise_for(status, "dfns_metadata_find_aaguid")
        return json.loads(take_string(out))

    def __repr__(self) -> str:
        if self.closed:
            return "<dfns_bridge.Metadata closed>"
        return f"<dfns_bridge.Metadata no={self.number} nextUpdate={self.next_update} entries={len(self)}>"


def set_policy_metadata(policy: Policy, metadata: Optional[Metadata], *, require_entry: bool = False) -> None:
    """Makes registrations under ``policy`` use ``metadata`` (None stops it).

    The policy keeps its own reference: closing ``metadata`` afterwards does not affect it. With
    ``require_entry=True`` an authenticator the BLOB does not list is refused (and so is any self
    or none attestation, whose AAGUID nothing attests). Needs exclusive access to the policy.
    """
    if not isinstance(policy, Policy):
        raise TypeError(f"policy must be a dfns_bridge.Policy, not {type(policy).__name__}")
    if metadata is not None and not isinstance(metadata, Metadata):
        raise TypeError(f"metadata must be a dfns_bridge.Metadata or None, not {type(metadata).__name__}")
    if not isinstance(require_entry, bool):
        raise TypeError(f"require_entry must be a bool, not {type(require_entry).__name__}")
    flag = 1 if require_entry else 0
    if metadata is None:
        policy._exclusive(lambda p: _lib_.dfns_policy_set_metadata(p, None, flag))
        return
    metadata._read(lambda m: policy._exclusive(lambda p: _lib_.dfns_policy_set_metadata(p, m, flag)))


def registration_metadata_text(handle: Any, function: str) -> Optional[str]:
    """A ``dfns_registration_metadata_*`` string getter: the text, or None when the registration has
    no metadata entry (DFNS_ERR_NOT_FOUND). For :mod:`dfns_bridge.verify`."""
    value = c_char_p()
    status = int(_lib.unchecked(function, hold_gil=True)(handle, byref(value)))
    if status == Status.NOT_FOUND:
        return None
    if status != 0:
        _lib.raise_for(status, function)
    return (value.value or b"").decode("utf-8")
