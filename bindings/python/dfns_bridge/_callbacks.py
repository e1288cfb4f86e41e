"""Python callables behind the library's C callbacks: lifetime, threads and exceptions.

The library calls back into Python for a host transport (``dfns_transport_send_fn``) and an external
signer (``dfns_sign_fn``). Three rules hold for every such callback:

**Lifetime.** The C side decides how long a callback may be called: a client keeps its transport
until ``dfns_client_free``, and a signer lives on inside every client it was given to, after the
Python :class:`~dfns_bridge.Signer` was closed. The per-object state (the Python callable) therefore
lives in a registry keyed by a token that is passed to C as the callback's ``void *user``; the
library's ``free_user`` callback removes it when the last C reference goes. The ``CFUNCTYPE`` thunks
themselves are module globals (:data:`FREE_USER` here, the trampolines in :mod:`.client` and
:mod:`.signers`) and are never released, so no C pointer to a Python thunk can dangle.

**The GIL.** ctypes releases the GIL around every call into the library; a ``CFUNCTYPE`` callback
takes it back for the Python code and releases it on return. Callbacks run on the thread of the
C call that triggered them (the header guarantees it), possibly on many threads at once.

**Exceptions are never lost.** A trampoline catches every exception (``BaseException``: a
``KeyboardInterrupt`` inside a signer must not be reported as a signature), records it in the
*call frame* of the calling thread and returns a failure status. Each wrapper that makes a C call
which may call back opens a frame (:func:`frame`) around it and, after the call returned, raises the
recorded exception (:func:`reraise`) before anything else: the caller sees the callback's own
exception (so ``except httpx.ConnectError`` or ``except MyHsmError`` works), with the library's
error attached as ``exc.dfns_error`` and, when the exception had no cause of its own, as its
``__cause__``. Frames are per thread and nest, so two threads failing at once each get their own
exception, and a callback that itself calls the library keeps the two calls apart. A callback run on
a thread with no open frame (which the library does not do) records the exception on its owning
state object; the owner's next call raises it.
"""

from __future__ import annotations

import itertools
import threading
from typing import Any, Dict, List, Optional

from . import _lib

__all__ = ["register", "unregister", "lookup", "live_count", "frame", "record", "reraise", "FREE_USER"]

_registry: Dict[int, Any] = {}
_tokens = itertools.count(1)


def register(state: Any) -> int:
    """Keeps ``state`` alive under a new token (never reused) and returns the token."""
    token = next(_tokens)
    _registry[token] = state
    return token


def unregister(token: int) -> None:
    """Drops the state of ``token`` (when the C call that would have owned it failed)."""
    _registry.pop(token, None)


def lookup(token: Optional[int]) -> Any:
    """The state registered under ``token`` (KeyError when the C side already released it)."""
    if token is None:
        raise KeyError("callback called without its user pointer")
    return _registry[token]


def live_count() -> int:
    """How many callback states the C side still holds (for tests and leak checks)."""
    return len(_registry)


def _free_user(user: Optional[int]) -> None:
    try:
        if user is not None:
            _registry.pop(user, None)
    except BaseException:  # noqa: BLE001 - nothing may unwind into C, not even at shutdown
        pass


#: The ``dfns_user_free_fn`` every Python-backed callback registers; a module global, never freed.
FREE_USER = _lib.UserFreeFn(_free_user)


class Frame:
    """The exceptions callbacks raised during one C call on one thread."""

    __slots__ = ("errors", "reported")

    def __init__(self) -> None:
        #: Exceptions a callback raised (the C call then failed with a callback status).
        self.errors: List[BaseException] = []
        #: Failures a transport reported on purpose (TransportFailure): the library may retry.
        self.reported: List[BaseException] = []


class CallbackOwner:
    """Base of callback states: where exceptions go when no frame is open on the thread."""

    __slots__ = ("stray", "__weakref__")

    def __init__(self) -> None:
        self.stray: List[BaseException] = []


_local = threading.local()


class frame:
    """``with frame() as f:`` around a C call that may run Python callbacks on this thread."""

    __slots__ = ("_frame", "_owners")

    def __init__(self, *owners: Optional[CallbackOwner]) -> None:
        self._frame = Frame()
        self._owners = [o for o in owners if o is not None]

    def __enter__(self) -> Frame:
        stack = getattr(_local, "stack", None)
        if stack is None:
            stack = _local.stack = []
        stack.append(self._frame)
        return self._frame

    def __exit__(self, *exc_info: Any) -> None:
        _local.stack.pop()
        # Exceptions of callbacks that ran off this thread (not expected): claim them here.
        for owner in self._owners:
            while owner.stray:
                try:
                    self._frame.errors.append(owner.stray.pop(0))
                except IndexError:  # another thread claimed it first
                    break


def record(exc: BaseException, owner: Optional[CallbackOwner] = None, *, reported: bool = False) -> None:
    """Stores an exception a callback raised, for the C call running on this thread.

    Never raises (a trampoline calls it in its last handler, and nothing may unwind into C): if even
    storing fails (out of memory, interpreter shutdown), the exception is dropped and the C call
    still fails with the callback's status.
    """
    try:
        stack = getattr(_local, "stack", None)
        if stack:
            (stack[-1].reported if reported else stack[-1].errors).append(exc)
        elif owner is not None and not reported:
            owner.stray.append(exc)
    except BaseException:  # noqa: BLE001
        pass


def reraise(f: Frame, library_error: Optional[BaseException], function: str) -> None:
    """Raises the first exception a callback recorded in ``f`` (if any), with the library's error.

    The exception is raised as it is (its type and traceback kept); ``library_error`` (the
    DfnsError of the C call, or None when the call succeeded anyway) becomes ``exc.dfns_error`` and,
    when the exception has neither a cause nor a context of its own, its ``__cause__``. Further
    exceptions recorded in the same call are listed in ``exc.dfns_other_callback_errors``.
    """
    if not f.errors:
        return
    exc = f.errors[0]
    try:
        exc.dfns_error = library_error  # type: ignore[attr-defined]
        exc.dfns_other_callback_errors = list(f.errors[1:])  # type: ignore[attr-defined]
        if library_error is not None and exc.__cause__ is None and exc.__context__ is None:
            exc.__cause__ = library_error
        note = f"dfns_bridge: raised in a callback during {function}"
        if library_error is not None:
            note += f", which then failed with {library_error}"
        add_note = getattr(exc, "add_note", None)
        if add_note is not None and note not in getattr(exc, "__notes__", ()):
            add_note(note)
    except Exception:  # an exception type that refuses attributes: raise it as it is
        pass
    raise exc
