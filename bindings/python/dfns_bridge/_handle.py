"""The base class of handle wrappers and the argument checks shared by the wrappers."""

from __future__ import annotations

import ctypes
import json
import threading
from ctypes import byref, c_size_t, c_void_p, string_at
from typing import Any, Callable, List, Optional, Union

from . import _lib

__all__ = [
    "Handle",
    "BytesLike",
    "TextLike",
    "as_bytes",
    "as_cstr",
    "as_optional_cstr",
    "as_text_bytes",
    "as_secret_bytes",
    "as_json_text",
    "borrowed_bytes",
    "take_string",
]

#: A bytes-like argument: bytes, bytearray or memoryview (copied once when not ``bytes``).
BytesLike = Union[bytes, bytearray, memoryview]
#: A text argument that may also be given as bytes (PEM text, DER, envelopes): see :func:`as_text_bytes`.
TextLike = Union[str, bytes]


def as_bytes(value: Any, what: str) -> bytes:
    """``value`` as :class:`bytes`, or :class:`TypeError` when it is not bytes-like.

    ``bytes`` objects are passed to C without a copy; bytearray and memoryview are copied once.
    ``str`` is refused: decide the encoding (e.g. ``.encode()``) or the base64 decoding first.
    """
    if type(value) is bytes:
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, memoryview):
        return value.tobytes()
    raise TypeError(f"{what} must be bytes-like (bytes, bytearray or memoryview), not {type(value).__name__}")


def as_cstr(value: Any, what: str) -> bytes:
    """``value`` (a :class:`str`) as NUL-terminated UTF-8 for C.

    Raises :class:`TypeError` for a non-str and :class:`ValueError` for an embedded NUL or a string
    that is not encodable as UTF-8 (lone surrogates).
    """
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    if "\x00" in value:
        raise ValueError(f"{what} must not contain NUL characters")
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"{what} is not encodable as UTF-8: {exc}") from None


def as_optional_cstr(value: Optional[str], what: str) -> Optional[bytes]:
    """:func:`as_cstr`, with None passed through (an optional C string argument)."""
    return None if value is None else as_cstr(value, what)


def as_text_bytes(value: Any, what: str) -> bytes:
    """A text argument that may also be given as bytes (PEM, DER): str as NUL-free UTF-8, else bytes-like."""
    if isinstance(value, str):
        return as_cstr(value, what)
    return as_bytes(value, what)


def as_secret_bytes(value: Any, what: str) -> bytes:
    """A password, recovery code or webhook secret as bytes (str is encoded as UTF-8).

    A str that is not encodable (lone surrogates) raises :class:`ValueError` that does not reach
    the secret: the :class:`UnicodeEncodeError`, whose ``args`` and ``object`` hold the whole
    string, is neither its cause nor its context (error reporters serialize both).
    """
    if not isinstance(value, str):
        return as_bytes(value, what)
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError:
        pass  # raised below, outside the handler, so that the secret is not its __context__
    raise ValueError(f"{what} is not encodable as UTF-8")


def as_json_text(value: Any, what: str) -> bytes:
    """A JSON argument for C: text (str/bytes, sent as it is) or a value serialized compactly."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        text = bytes(value)
        if b"\x00" in text:
            raise ValueError(f"{what} must not contain NUL bytes")
        return text
    if isinstance(value, str):
        return as_cstr(value, what)
    try:
        return as_cstr(json.dumps(value, separators=(",", ":"), ensure_ascii=False), what)
    except TypeError as exc:
        raise TypeError(f"{what} must be JSON text or a JSON-serializable value: {exc}") from None


def take_string(ptr: c_void_p, *, secret: bool = False) -> str:
    """Copies a library-allocated NUL-terminated string and releases it with ``dfns_free``, wiping
    the library's copy first when it is a secret. "" for a NULL pointer."""
    address = ptr.value
    if not address:
        return ""
    try:
        raw = string_at(address)
        if secret:
            ctypes.memset(address, 0, len(raw))
        return raw.decode("utf-8")
    finally:
        _lib.lib.dfns_free(address)


def borrowed_bytes(func: Callable[..., int], handle: Any) -> Optional[bytes]:
    """Calls a ``(handle, const uint8_t **ptr, size_t *len)`` getter and copies the bytes out.

    Returns None when the library reports no bytes (ptr NULL, len 0). The copy is made before the
    caller frees the owning handle, as the borrowed pointer dies with it.
    """
    ptr = c_void_p()
    length = c_size_t()
    func(handle, byref(ptr), byref(length))
    if not ptr.value:
        return None
    return string_at(ptr.value, length.value)


class _Busy:
    """Stands in for the pointer while a call with exclusive access runs."""

    def __repr__(self) -> str:
        return "<busy>"


_BUSY = _Busy()


class Handle:
    """Owns one C handle; closed by :meth:`close`, by ``with``, or at garbage collection.

    Concurrency: calls that only read the handle (``const`` in the header) may run on many threads at
    once; each registers itself for the duration of the C call. :meth:`close` refuses to free a handle
    that a call on another thread is using (:class:`RuntimeError`) instead of freeing memory under it,
    and calls that need exclusive access (building a policy) refuse to run while readers are active;
    a reading call that starts while such a call runs raises :class:`RuntimeError` too.

    Readers register without a lock (``list.append``/``list.pop`` are atomic): a reader registers
    *before* it reads the pointer, and :meth:`close` / :meth:`_exclusive` hide the pointer *before*
    they count readers, so a reader either sees the hidden pointer or is counted.
    """

    #: The C function that releases the handle (takes a pointer to the handle and NULLs it).
    _free_func: Callable[[Any], None]

    def __init__(self, ptr: Any) -> None:
        if not ptr:
            raise ValueError(f"{type(self).__name__}: the library returned a NULL handle")
        self._ptr: Any = ptr
        self._users: List[None] = []
        self._lock = threading.Lock()  # serializes close() and exclusive calls

    # -- lifetime ---------------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """Whether the handle was released."""
        return self._ptr is None

    def close(self) -> None:
        """Releases the C handle. Idempotent: closing twice does nothing.

        Raises :class:`RuntimeError` when a call on another thread is using the handle right now.
        """
        lock = getattr(self, "_lock", None)
        if lock is None:  # __init__ did not finish
            return
        with lock:
            ptr = self._ptr
            if ptr is None:
                return
            self._ptr = None  # hide it first, then count the readers
            if self._users:
                self._ptr = ptr
                raise RuntimeError(
                    f"cannot close {type(self).__name__}: {len(self._users)} call(s) on other threads are using it"
                )
        type(self)._free_func(byref(ptr))  # the free function NULLs `ptr`

    def __enter__(self):  # type: ignore[no-untyped-def]
        self._check_open()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __del__(self) -> None:
        # Fallback for handles nobody closed. At interpreter shutdown module globals may be gone;
        # never let an exception escape from a finalizer.
        try:
            if getattr(self, "_ptr", None) is not None:
                self.close()
        except Exception:
            pass

    # -- use by calls -----------------------------------------------------------------------------

    def _unusable(self, ptr: Any) -> Exception:
        if ptr is None:
            return ValueError(f"operation on a closed {type(self).__name__}")
        return RuntimeError(f"{type(self).__name__} is being modified by another thread")

    def _check_open(self) -> None:
        if self._ptr is None:
            raise ValueError(f"operation on a closed {type(self).__name__}")

    def _acquire(self) -> Any:
        """Registers a reading call and returns the raw pointer. Pair with :meth:`_release`."""
        users = self._users
        users.append(None)
        ptr = self._ptr
        if ptr is None or ptr is _BUSY:
            users.pop()
            raise self._unusable(ptr)
        return ptr

    def _release(self) -> None:
        self._users.pop()

    def _exclusive(self, call: Callable[[Any], Any]) -> Any:
        """Runs ``call(ptr)`` with exclusive access (no reading call may run meanwhile)."""
        with self._lock:
            ptr = self._ptr
            if ptr is None:
                raise ValueError(f"operation on a closed {type(self).__name__}")
            self._ptr = _BUSY  # hide it first, then count the readers
            try:
                if self._users:
                    raise RuntimeError(
                        f"{type(self).__name__} is being used by {len(self._users)} call(s) on other threads; "
                        "finish building it before sharing it"
                    )
                return call(ptr)
            finally:
                self._ptr = ptr

    def _read(self, call: Callable[[Any], Any]) -> Any:
        """Runs ``call(ptr)`` as a reading call (concurrent with other readers)."""
        ptr = self._acquire()
        try:
            return call(ptr)
        finally:
            self._users.pop()

    def __repr__(self) -> str:
        state = "closed" if self._ptr is None else "open"
        return f"<{type(self).__module__}.{type(self).__qualname__} {state}>"
