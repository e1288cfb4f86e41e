"""Decoding WebAuthn structures for people and tools (``dfns_inspect``), and the library version."""

from __future__ import annotations

from ctypes import byref, c_void_p, string_at
from typing import Union

from . import _lib
from ._handle import BytesLike, as_bytes
from .enums import InspectKind, coerce_inspect_kind

__all__ = ["inspect", "version", "version_number"]

_lib_ = _lib.lib


def inspect(data: BytesLike, kind: Union[InspectKind, int, str] = InspectKind.DETECT, json: bool = False) -> str:
    """Decodes a WebAuthn structure: text for a person to read, or one JSON document.

    Nothing is verified beyond parsing.

    Args:
        data: the raw bytes (not base64) of an attestation object, authenticator data,
            clientDataJSON or COSE_Key.
        kind: what ``data`` is: ``"detect"`` (default), ``"attestation_object"``,
            ``"authenticator_data"``, ``"client_data"``, ``"cose_key"`` or an :class:`InspectKind`.
        json: return JSON (``json.loads`` it) instead of text.

    Raises :class:`~dfns_bridge.MalformedInputError` (the parse error of the structure) or
    :class:`~dfns_bridge.InvalidArgumentError` (e.g. an unknown kind, empty data).
    """
    raw = as_bytes(data, "data")
    kind_value = coerce_inspect_kind(kind)
    if not isinstance(json, bool):
        raise TypeError(f"json must be a bool, not {type(json).__name__}")
    out = c_void_p()
    _lib_.dfns_inspect(raw, len(raw), kind_value, 1 if json else 0, byref(out))
    try:
        return string_at(out.value).decode("utf-8", "replace") if out.value else ""
    finally:
        _lib_.dfns_free(out)


def version() -> str:
    """The shared library's version string, e.g. ``"0.4.0"`` (``dfns_version``)."""
    return _lib_.dfns_version().decode("ascii")


def version_number() -> int:
    """The shared library's version as MAJOR * 10000 + MINOR * 100 + PATCH."""
    return int(_lib_.dfns_version_number())
