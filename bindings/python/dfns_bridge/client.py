"""The Dfns API client (``dfns_client_*``, ``dfns_result_*``): requests, user actions, delegation, pages.

A :class:`Client` sends requests to the Dfns API (or to any server speaking its protocol, such as
the sandbox) and signs a user action first whenever the protocol requires one, with its
:class:`~dfns_bridge.Signer`::

    from dfns_bridge import Client, Signer

    signer = Signer.from_key_pem(open("key.pem").read(), credential_id="Y2ktMzRk...")
    with Client("https://api.dfns.io", service_account_token, signer=signer) as dfns:
        wallet = dfns.request("POST", "/wallets", {"network": "EthereumSepolia"}).json()
        for item in dfns.paginate("/wallets", limit=100):
            print(item["id"])

Every call blocks until the exchange is over; ctypes releases the GIL meanwhile, so one client may be
used from many threads at once (the library locks). :meth:`Client.close` (or ``with``) releases it.

**Errors.** A 4xx/5xx answer raises :class:`~dfns_bridge.ApiError` (status ``DFNS_ERR_API``) with
``http_status``, ``error_id``, ``request_id``, ``body`` and the whole :class:`Result` as ``result``.
No complete exchange raises :class:`~dfns_bridge.TransportError`; a missing signer
:class:`~dfns_bridge.SignerRequiredError`.

**Transports.** By default the library's libcurl transport carries the bytes (TLS verified, proxies
from the environment except for loopback). A host with its own HTTP stack passes ``transport=``: a
callable ``transport(request: HttpRequest) -> HttpResponse`` (or a ``(status, headers, body)``
tuple) that sends the request exactly once, never follows redirects, and returns any HTTP answer,
4xx and 5xx included. Headers it returns must describe the body it returns: an HTTP client that
decoded a compressed body must not pass on ``Content-Length``/``Content-Encoding`` (ask for
``Accept-Encoding: identity``). To report that no complete answer came, raise
:class:`TransportFailure` with a transport status (connect, timeout, TLS, malformed, too large):
the library retries reads and then raises :class:`~dfns_bridge.TransportError` chained to it. Any
other exception fails the call at once (``DFNS_ERR_TRANSPORT_CALLBACK``, never retried) and is
re-raised to the caller as it is, with the library's error as ``exc.dfns_error``; see
:mod:`dfns_bridge._callbacks` for the rules every callback follows (GIL, threads, lifetime).

An httpx-based transport, for example::

    import httpx
    http = httpx.Client(headers={"Accept-Encoding": "identity"})

    def send(request: HttpRequest) -> HttpResponse:
        try:
            answer = http.request(request.method, request.url, headers=list(request.headers),
                                  content=request.body,
                                  timeout=httpx.Timeout(request.timeout, connect=request.connect_timeout))
        except httpx.ConnectError as exc:
            raise TransportFailure(Status.TRANSPORT_CONNECT, str(exc)) from exc
        except httpx.TimeoutException as exc:
            raise TransportFailure(Status.TRANSPORT_TIMEOUT, str(exc)) from exc
        return HttpResponse(answer.status_code, answer.headers.multi_items(), answer.content)

    client = Client(base_url, token, transport=send)
"""

from __future__ import annotations

import json
import urllib.parse
from ctypes import byref, c_char_p, c_int, c_size_t, c_void_p, sizeof, string_at
from dataclasses import dataclass, field
from typing import (
    Any,
    Callable,
    Iterable,
    Iterator,
    Mapping,
    NoReturn,
    Optional,
    Sequence,
    Tuple,
    Union,
)

from . import _callbacks, _lib
from ._handle import BytesLike, Handle, as_bytes, as_cstr, as_json_text, as_optional_cstr, take_string
from .enums import Outcome
from .errors import ApiError, DfnsError, Status
from .signers import Signer

__all__ = [
    "Client",
    "Result",
    "HttpRequest",
    "HttpResponse",
    "Transport",
    "TransportFailure",
    "DEFAULT_BASE_URL",
]

_lib_ = _lib.lib

#: The production API, the default of every Dfns SDK.
DEFAULT_BASE_URL = "https://api.dfns.io"

#: A JSON request body: text sent byte for byte (str or bytes), or a value serialized compactly.
JsonBody = Union[str, bytes, Mapping[str, Any], Sequence[Any], None]
#: Query parameters appended to a path (values percent-encoded; a list repeats the key).
QueryParams = Optional[Mapping[str, Union[str, int, Sequence[Union[str, int]], None]]]

_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD")


# ------------------------------------------------------------------------------------------------
# Results
# ------------------------------------------------------------------------------------------------


class Result:
    """The answer of one request (copied out of ``dfns_result_t``; immutable, picklable).

    Attributes:
        http_status: the HTTP status (200, 202, 404, ...).
        body: the response body as received (bytes; JSON for the Dfns API, possibly empty).
        outcome: :class:`~dfns_bridge.Outcome`: DONE, PENDING (202 held by a policy, or an entity
            "Pending"/"Executing") or FAILED (4xx/5xx, or an entity "Failed"/"Rejected").
        error_id: the Dfns error id of a 4xx/5xx answer (e.g. ``"NotFound"``), else None.
        request_id: the server's request id (X-Request-ID), or None.
        approval_id: the approval id of a policy-pending answer, or None.
        headers: every header field of the answer, as ``(name, value)`` pairs in the order received
            (:meth:`header` looks one up by name).
    """

    __slots__ = ("http_status", "body", "outcome", "error_id", "request_id", "approval_id", "headers", "_json")

    _UNSET: Any = object()

    def __init__(
        self,
        http_status: int,
        body: bytes,
        outcome: Union[Outcome, int],
        error_id: Optional[str] = None,
        request_id: Optional[str] = None,
        approval_id: Optional[str] = None,
        headers: Iterable[Tuple[str, str]] = (),
    ) -> None:
        self.http_status = http_status
        self.body = body
        try:
            self.outcome: Union[Outcome, int] = Outcome(outcome)
        except ValueError:
            self.outcome = outcome
        self.error_id = error_id
        self.request_id = request_id
        self.approval_id = approval_id
        self.headers: Tuple[Tuple[str, str], ...] = tuple((str(name), str(value)) for name, value in headers)
        self._json: Any = Result._UNSET

    def header(self, name: str) -> Optional[str]:
        """The value of the first header field named ``name`` (ASCII case ignored), or None."""
        wanted = name.lower()
        return next((value for field, value in self.headers if field.lower() == wanted), None)

    def json(self) -> Any:
        """The body decoded as JSON (decoded once, on first use); None for an empty body.

        Raises :class:`ValueError` (``json.JSONDecodeError``) for a body that is not JSON.
        """
        if self._json is Result._UNSET:
            self._json = json.loads(self.body) if self.body.strip() else None
        return self._json

    @property
    def text(self) -> str:
        """The body decoded as UTF-8 (invalid bytes replaced)."""
        return self.body.decode("utf-8", "replace")

    @property
    def ok(self) -> bool:
        """Whether the outcome is DONE."""
        return self.outcome == Outcome.DONE

    @property
    def pending(self) -> bool:
        """Whether the outcome is PENDING (see :attr:`approval_id`)."""
        return self.outcome == Outcome.PENDING

    @property
    def failed(self) -> bool:
        """Whether the outcome is FAILED."""
        return self.outcome == Outcome.FAILED

    def __getstate__(self) -> Tuple[Any, ...]:
        return (self.http_status, self.body, int(self.outcome), self.error_id, self.request_id, self.approval_id,
                self.headers)

    def __setstate__(self, state: Tuple[Any, ...]) -> None:
        Result.__init__(self, *state)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Result):
            return NotImplemented
        return self.__getstate__() == other.__getstate__()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        name = self.outcome.name if isinstance(self.outcome, Outcome) else self.outcome
        extra = "".join(
            f" {label}={value!r}"
            for label, value in (("error_id", self.error_id), ("request_id", self.request_id),
                                 ("approval_id", self.approval_id))
            if value is not None
        )
        return f"<dfns_bridge.Result {self.http_status} {name}{extra} body={len(self.body)} bytes>"


_result_http_status = _lib.unchecked("dfns_result_http_status", hold_gil=True)
_result_body = _lib.unchecked("dfns_result_body", hold_gil=True)
_result_outcome = _lib.unchecked("dfns_result_outcome", hold_gil=True)
_result_error_id = _lib.unchecked("dfns_result_error_id", hold_gil=True)
_result_request_id = _lib.unchecked("dfns_result_request_id", hold_gil=True)
_result_approval_id = _lib.unchecked("dfns_result_approval_id", hold_gil=True)
_result_header_count = _lib.unchecked("dfns_result_header_count", hold_gil=True)
_result_header_at = _lib.unchecked("dfns_result_header_at", hold_gil=True)
_result_free = _lib.unchecked("dfns_result_free", hold_gil=True)


def _optional_string(getter: Callable[..., int], ptr: Any) -> Optional[str]:
    value = c_char_p()
    if getter(ptr, byref(value)) != 0 or value.value is None:
        return None
    return value.value.decode("utf-8", "replace")


def _result_headers(ptr: Any) -> Tuple[Tuple[str, str], ...]:
    count = c_size_t()
    if _result_header_count(ptr, byref(count)) != 0:
        return ()
    fields = []
    name, value = c_char_p(), c_char_p()
    for index in range(count.value):
        if _result_header_at(ptr, index, byref(name), byref(value)) == 0 and name.value is not None:
            fields.append((name.value.decode("utf-8", "replace"), (value.value or b"").decode("utf-8", "replace")))
    return tuple(fields)


def _take_result(out: Any) -> Optional[Result]:
    """Copies a ``dfns_result_t`` into a :class:`Result` and frees it (None for a NULL handle)."""
    if not out:
        return None
    try:
        status = c_int()
        outcome = c_int()
        body_ptr = c_void_p()
        body_len = c_size_t()
        if _result_http_status(out, byref(status)) != 0 or _result_outcome(out, byref(outcome)) != 0:
            raise RuntimeError("dfns_bridge: a result handle refused its getters")  # pragma: no cover
        body = b""
        if _result_body(out, byref(body_ptr), byref(body_len)) == 0 and body_ptr.value:
            body = string_at(body_ptr.value, body_len.value)
        return Result(
            status.value,
            body,
            outcome.value,
            _optional_string(_result_error_id, out),
            _optional_string(_result_request_id, out),
            _optional_string(_result_approval_id, out),
            _result_headers(out),
        )
    finally:
        _result_free(byref(out))


# ------------------------------------------------------------------------------------------------
# Host transports
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class HttpRequest:
    """One request as a host transport receives it. Send it exactly once; never retry or redirect.

    Attributes:
        method: "GET", "POST", "PUT", "DELETE", "PATCH" or "HEAD".
        url: the absolute, percent-encoded URL.
        headers: the header fields to send, in order, as (name, value) pairs (User-Agent
            included; the HTTP client adds Host and Content-Length).
        body: the body to send byte for byte, or None.
        connect_timeout: the client's connect timeout, in seconds.
        timeout: the client's total timeout for the exchange, in seconds.

    Its ``repr`` hides the values of the credential headers (the bearer token, the single-use
    user-action token), so that logging a request or a traceback does not write them out.
    """

    method: str
    url: str
    headers: Tuple[Tuple[str, str], ...]
    body: Optional[bytes]
    connect_timeout: float
    timeout: float

    def header(self, name: str) -> Optional[str]:
        """The value of the first header called ``name`` (case-insensitive), or None."""
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None

    def __repr__(self) -> str:
        headers = tuple(
            (key, "<redacted>" if key.lower() in _CREDENTIAL_HEADERS else value) for key, value in self.headers
        )
        body = "None" if self.body is None else f"<{len(self.body)} bytes>"
        return (
            f"HttpRequest(method={self.method!r}, url={self.url!r}, headers={headers!r}, body={body}, "
            f"connect_timeout={self.connect_timeout!r}, timeout={self.timeout!r})"
        )


#: Request headers whose values are credentials (never in a repr).
_CREDENTIAL_HEADERS = frozenset({"authorization", "x-dfns-useraction", "proxy-authorization", "cookie"})


#: Response headers: a mapping, an iterable of (name, value) pairs, or an object with
#: ``multi_items()`` (httpx.Headers) so that repeated fields stay separate.
HeadersLike = Union[Mapping[str, str], Iterable[Tuple[str, str]], Any]


@dataclass
class HttpResponse:
    """What a host transport returns: any HTTP answer, 4xx and 5xx included.

    ``headers`` must describe ``body`` as given (no Content-Length of a compressed body that was
    decoded). ``body`` may be bytes-like or str (sent as UTF-8).
    """

    status: int
    headers: HeadersLike = field(default_factory=list)
    body: Union[BytesLike, str, None] = b""


#: A host transport: ``transport(request)`` returns an :class:`HttpResponse` or a
#: ``(status, headers, body)`` tuple, or raises :class:`TransportFailure`.
Transport = Callable[[HttpRequest], Union[HttpResponse, Tuple[int, HeadersLike, Union[BytesLike, str, None]]]]

#: The statuses a transport may report with :class:`TransportFailure`.
_TRANSPORT_STATUSES = (
    Status.TRANSPORT_CONNECT,
    Status.TRANSPORT_TIMEOUT,
    Status.TRANSPORT_TLS,
    Status.TRANSPORT_MALFORMED_RESPONSE,
    Status.TRANSPORT_RESPONSE_TOO_LARGE,
)


class TransportFailure(Exception):
    """Raise from a host transport when no complete answer came.

    ``status`` is one of ``Status.TRANSPORT_CONNECT``, ``_TIMEOUT``, ``_TLS``,
    ``_MALFORMED_RESPONSE`` or ``_RESPONSE_TOO_LARGE`` (or their names, e.g. ``"timeout"``). The
    library retries a request that is safe to repeat (reads, the challenge request, writes with
    an ``externalId``) up to ``max_attempts`` times, then raises
    :class:`~dfns_bridge.TransportError` with this exception as its ``__cause__``.
    """

    def __init__(self, status: Union[Status, int, str], message: str = "") -> None:
        if isinstance(status, str):
            key = status.strip().upper().replace("-", "_")
            if not key.startswith("TRANSPORT_"):
                key = "TRANSPORT_" + key
            try:
                status = Status[key]
            except KeyError:
                raise ValueError(f"unknown transport status {status!r}") from None
        if int(status) not in _TRANSPORT_STATUSES:
            raise ValueError(
                f"a transport reports {', '.join(s.name for s in _TRANSPORT_STATUSES)}, not {status!r}"
            )
        self.status = Status(int(status))
        super().__init__(f"{self.status.c_name}: {message}" if message else self.status.c_name)


class _TransportState(_callbacks.CallbackOwner):
    """What the C side keeps for one client's host transport (through its ``user`` token)."""

    __slots__ = ("transport",)

    def __init__(self, transport: Transport) -> None:
        super().__init__()
        self.transport = transport


_set_status = _lib.unchecked("dfns_http_response_set_status", hold_gil=True)
_add_header = _lib.unchecked("dfns_http_response_add_header", hold_gil=True)
_append_body = _lib.unchecked("dfns_http_response_append_body", hold_gil=True)


def _fill_failed(rc: int, what: str) -> ValueError:
    error = _lib.error_for(rc, "dfns_http_response_*")
    return ValueError(f"the transport's response was refused: {what}: {error.name}: {error.message}")


def _header_items(headers: HeadersLike) -> Iterable[Tuple[str, str]]:
    if headers is None:
        return ()
    multi = getattr(headers, "multi_items", None)
    if callable(multi):
        return multi()
    if isinstance(headers, Mapping):
        return headers.items()
    return headers


def _read_request(request: Any) -> HttpRequest:
    req = request.contents
    names, values = req.header_names, req.header_values
    count = req.header_count if names and values else 0
    headers = tuple(
        ((names[i] or b"").decode("utf-8", "replace"), (values[i] or b"").decode("utf-8", "replace"))
        for i in range(count)
    )
    body = string_at(req.body, req.body_len) if req.body else None
    return HttpRequest(
        method=(req.method or b"").decode("ascii", "replace"),
        url=(req.url or b"").decode("utf-8", "replace"),
        headers=headers,
        body=body,
        connect_timeout=req.connect_timeout_ms / 1000.0,
        timeout=req.timeout_ms / 1000.0,
    )


def _send_trampoline(user: Optional[int], request: Any, response: Any) -> int:
    state: Optional[_TransportState] = None
    try:
        state = _callbacks.lookup(user)
        answer = state.transport(_read_request(request))
        if isinstance(answer, HttpResponse):
            status, headers, body = answer.status, answer.headers, answer.body
        else:
            try:
                status, headers, body = answer
            except (TypeError, ValueError):
                raise TypeError(
                    "a transport returns an HttpResponse or a (status, headers, body) tuple, "
                    f"not {type(answer).__name__}"
                ) from None
        if isinstance(status, bool) or not isinstance(status, int):
            raise TypeError(f"the HTTP status must be an int, not {type(status).__name__}")
        if not 100 <= status <= 599:
            raise ValueError(f"the transport's response was refused: HTTP status {status} is outside 100...599")
        rc = _set_status(response, status)
        if rc != 0:
            raise _fill_failed(rc, f"HTTP status {status}")
        for name, value in _header_items(headers):
            rc = _add_header(response, as_cstr(str(name), "header name"), as_cstr(str(value), "header value"))
            if rc != 0:
                raise _fill_failed(rc, f"header {name!r}")
        if body is None:
            data = b""
        elif isinstance(body, str):
            data = body.encode("utf-8")
        else:
            data = as_bytes(body, "body")
        if data:
            rc = _append_body(response, data, len(data))
            if rc != 0:
                raise _fill_failed(rc, f"a body of {len(data)} bytes")
        return 0
    except TransportFailure as failure:
        _callbacks.record(failure, state, reported=True)
        return int(failure.status)
    except BaseException as exc:  # noqa: BLE001 - nothing may unwind into C
        _callbacks.record(exc, state)
        return _TRANSPORT_CALLBACK_FAILED


#: What the transport returns when the Python callable failed (never retried by the library).
_TRANSPORT_CALLBACK_FAILED = int(Status.TRANSPORT_CALLBACK)

#: The ``dfns_transport_send_fn`` of every Python transport; a module global, never freed.
_SEND = _lib.TransportSendFn(_send_trampoline)


# ------------------------------------------------------------------------------------------------
# Client
# ------------------------------------------------------------------------------------------------


def _milliseconds(seconds: Optional[float], what: str) -> Optional[int]:
    if seconds is None:
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"{what} must be a number of seconds, not {type(seconds).__name__}")
    ms = int(round(float(seconds) * 1000))
    if not 1 <= ms <= 0xFFFFFFFF:
        raise ValueError(f"{what} must be between 0.001 and {0xFFFFFFFF / 1000:.0f} seconds, not {seconds}")
    return ms


def _with_query(path: str, params: QueryParams) -> str:
    if not isinstance(path, str):
        raise TypeError(f"path must be a str, not {type(path).__name__}")
    if not params:
        return path
    pairs = []
    for key, value in params.items():
        if value is None:
            continue
        values = value if isinstance(value, (list, tuple)) else [value]
        for item in values:
            pairs.append((str(key), str(item).lower() if isinstance(item, bool) else str(item)))
    if not pairs:
        return path
    query = urllib.parse.urlencode(pairs, quote_via=urllib.parse.quote)
    return f"{path}{'&' if '?' in path else '?'}{query}"


def _method(method: str) -> bytes:
    if not isinstance(method, str):
        raise TypeError(f"method must be a str, not {type(method).__name__}")
    upper = method.upper()
    if upper not in _METHODS:
        raise ValueError(f"method must be one of {', '.join(_METHODS)}, not {method!r}")
    return upper.encode("ascii")


_request = _lib.unchecked("dfns_client_request")
_delegated_init = _lib.unchecked("dfns_client_delegated_init_with_result")
_delegated_complete = _lib.unchecked("dfns_client_delegated_complete")


class Client(Handle):
    """A Dfns API client (``dfns_client_t``): base URL, bearer token, options, transport, signer.

    Thread-safe: :meth:`request`, the delegated pair, :meth:`set_auth_token` and :meth:`set_signer`
    may run from many threads at once; a request uses the token and signer set when it started.
    Use it as a context manager, or call :meth:`close` (which refuses while calls are running).
    """

    _free_func = _lib_.dfns_client_free

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        auth_token: Optional[str] = None,
        *,
        signer: Optional[Signer] = None,
        transport: Optional[Transport] = None,
        connect_timeout: Optional[float] = None,
        timeout: Optional[float] = None,
        max_attempts: Optional[int] = None,
        verify_returned_signatures: bool = True,
        allow_insecure_http: bool = False,
        user_agent_suffix: Optional[str] = None,
        ca_bundle_path: Optional[str] = None,
    ) -> None:
        """Creates a client.

        Args:
            base_url: ``https://api.dfns.io`` (default), a gateway's ``https://gw.example/dfns``, or
                ``http://`` on loopback (the sandbox).
            auth_token: the bearer token (service account, personal access token, login token), or
                None for none yet (:meth:`set_auth_token`). Never written to any message.
            signer: signs user actions whenever the protocol requires one (:meth:`set_signer`).
            transport: a host transport (see the module documentation), or None for libcurl.
            connect_timeout: the longest wait for a connection, TLS included, in seconds [10].
            timeout: the longest one exchange may take, in seconds [30].
            max_attempts: total attempts of a retryable request, the first included [3]; 1 never retries.
            verify_returned_signatures: check signatures ``POST /keys/{keyId}/signatures`` returns
                against the key before returning them [True].
            allow_insecure_http: accept ``http://`` base URLs that are not loopback [False].
            user_agent_suffix: appended to the User-Agent (``dfns-bridge/<version>``).
            ca_bundle_path: a PEM CA bundle for the libcurl transport instead of the system's.

        Raises :class:`~dfns_bridge.InvalidArgumentError` for a bad base URL, token or option.
        """
        base = as_cstr(base_url, "base_url")
        token = as_optional_cstr(auth_token, "auth_token")
        options = _lib.ClientOptions()
        _lib_.dfns_client_options_init(byref(options), sizeof(options))
        for name, value in (
            ("connect_timeout_ms", _milliseconds(connect_timeout, "connect_timeout")),
            ("timeout_ms", _milliseconds(timeout, "timeout")),
        ):
            if value is not None:
                setattr(options, name, value)
        if max_attempts is not None:
            if isinstance(max_attempts, bool) or not isinstance(max_attempts, int):
                raise TypeError(f"max_attempts must be an int, not {type(max_attempts).__name__}")
            if not 1 <= max_attempts <= 0xFFFFFFFF:
                raise ValueError(f"max_attempts must be at least 1, not {max_attempts}")
            options.max_attempts = max_attempts
        options.verify_returned_signatures = 1 if verify_returned_signatures else 0
        options.allow_insecure_http = 1 if allow_insecure_http else 0
        if user_agent_suffix is not None:
            options.user_agent_suffix = as_cstr(user_agent_suffix, "user_agent_suffix")
        if ca_bundle_path is not None:
            options.ca_bundle_path = as_cstr(str(ca_bundle_path), "ca_bundle_path")
        if signer is not None and not isinstance(signer, Signer):
            raise TypeError(f"signer must be a Signer, not {type(signer).__name__}")

        state: Optional[_TransportState] = None
        token_id: Optional[int] = None
        host_transport = None
        if transport is not None:
            if not callable(transport):
                raise TypeError(f"transport must be callable, not {type(transport).__name__}")
            state = _TransportState(transport)
            token_id = _callbacks.register(state)
            host_transport = _lib.Transport(sizeof(_lib.Transport), _SEND, token_id, _callbacks.FREE_USER)
        out = _lib.ClientPtr()
        try:
            _lib_.dfns_client_new(
                base, token, byref(options), byref(host_transport) if host_transport is not None else None, byref(out)
            )
        except BaseException:
            if token_id is not None:
                _callbacks.unregister(token_id)  # free_user is not called when the call fails
            raise
        super().__init__(out)
        self._state = state
        self._signer: Optional[Signer] = None
        #: The base URL the client was created with.
        self.base_url = base_url
        if signer is not None:
            self.set_signer(signer)

    # -- configuration ------------------------------------------------------------------------------

    def set_auth_token(self, auth_token: Optional[str]) -> None:
        """Replaces the bearer token (e.g. with the end user's token after a delegated login), or
        removes it (None). Requests already running keep the token they started with."""
        token = as_optional_cstr(auth_token, "auth_token")
        self._read(lambda p: _lib_.dfns_client_set_auth_token(p, token))

    def set_signer(self, signer: Optional[Signer]) -> None:
        """Sets the signer of user actions, or None for none (such requests then raise
        :class:`~dfns_bridge.SignerRequiredError`). The client keeps its own reference: the signer
        may be closed afterwards."""
        if signer is None:
            self._read(lambda p: _lib_.dfns_client_set_signer(p, None))
        elif isinstance(signer, Signer):
            signer_ptr = signer._acquire()
            try:
                self._read(lambda p: _lib_.dfns_client_set_signer(p, signer_ptr))
            finally:
                signer._release()
        else:
            raise TypeError(f"signer must be a Signer or None, not {type(signer).__name__}")
        self._signer = signer

    @property
    def signer(self) -> Optional[Signer]:
        """The signer last given to :meth:`set_signer` (or the constructor), or None."""
        return self._signer

    # -- requests -------------------------------------------------------------------------------------

    def _call(self, raw: Any, function: str, *args: Any) -> Tuple[Any, Optional[DfnsError], Any]:
        """Runs a client call with a callback frame; returns (out, library error or None, frame)."""
        out = args[-1]
        signer = self._signer
        with _callbacks.frame(self._state, signer._owner if signer is not None else None) as f:
            rc = self._read(lambda p: raw(p, *args[:-1], byref(out)))
            error = _lib.error_for(rc, function) if rc else None
        return out, error, f

    @staticmethod
    def _raise(error: DfnsError, f: Any) -> NoReturn:
        """Raises the library's ``error``, chained to the TransportFailure the transport reported."""
        if f.reported and error.status in _TRANSPORT_STATUSES:
            raise error from f.reported[-1]
        raise error

    def _raise_with(self, error: DfnsError, result: Optional[Result], f: Any) -> NoReturn:
        """Raises ``error``; an :class:`ApiError` first gets the answer's status, ids, body and result."""
        if isinstance(error, ApiError) and result is not None:
            error.http_status = result.http_status
            error.error_id = result.error_id
            error.request_id = result.request_id
            error.body = result.body
            error.result = result
        self._raise(error, f)

    def _finish(self, out: Any, error: Optional[DfnsError], f: Any, function: str) -> Result:
        result = _take_result(out)
        _callbacks.reraise(f, error, function)
        if error is not None:
            self._raise_with(error, result, f)
        assert result is not None
        return result

    def request(self, method: str, path: str, body: JsonBody = None, *, params: QueryParams = None) -> Result:
        """Sends ``method path`` with ``body``, signing a user action first when the protocol requires one.

        Args:
            method: "GET", "POST", "PUT", "DELETE", "PATCH" or "HEAD" (case-insensitive).
            path: relative to the base URL, starting with "/", percent-encoded, with its query if any.
            body: None, JSON text (str or bytes, sent byte for byte), or a value serialized
                compactly (``json.dumps(..., separators=(",", ":"))``).
            params: query parameters appended to ``path``.

        Returns the :class:`Result` of a 2xx answer (check :attr:`Result.outcome` for entities that
        are pending or failed).

        Raises :class:`~dfns_bridge.ApiError` for a 4xx/5xx answer (``http_status``, ``error_id``,
        ``request_id``, ``body``, ``result``), :class:`~dfns_bridge.TransportError`,
        :class:`~dfns_bridge.SignerRequiredError`, :class:`~dfns_bridge.SignerError`,
        :class:`~dfns_bridge.InvalidArgumentError`, and the exception a Python transport or
        external signer raised.
        """
        m = _method(method)
        p = as_cstr(_with_query(path, params), "path")
        b = None if body is None else as_json_text(body, "body")
        out, error, f = self._call(_request, "dfns_client_request", m, p, b, _lib.ResultPtr())
        return self._finish(out, error, f, "dfns_client_request")

    def delegated_init(self, method: str, path: str, body: JsonBody = None, *, params: QueryParams = None) -> str:
        """Step one of a delegated request: the user-action challenge of ``method path body``, for
        the end user's device to sign (:meth:`Signer.sign_challenge` there).

        Returns ``{"method", "path", "body", "challenge": {…}}`` as compact JSON text: hand it to the
        device and keep it (it may be stored) for :meth:`delegated_complete`.

        Raises :class:`~dfns_bridge.InvalidArgumentError` for a request that needs no user action
        (send it with :meth:`request`), :class:`~dfns_bridge.ApiError` when the API refuses the
        challenge request (``http_status``, ``error_id``, ``request_id``, ``body``, ``result`` of
        that answer), :class:`~dfns_bridge.TransportError`.
        """
        m = _method(method)
        p = as_cstr(_with_query(path, params), "path")
        b = None if body is None else as_json_text(body, "body")
        refused = _lib.ResultPtr()
        function = "dfns_client_delegated_init_with_result"
        out, error, f = self._call(
            lambda client, *args: _delegated_init(client, *args, byref(refused)), function, m, p, b, c_void_p())
        text = take_string(out)
        result = _take_result(refused)
        _callbacks.reraise(f, error, function)
        if error is not None:
            self._raise_with(error, result, f)
        return text

    def delegated_complete(
        self, challenge: Union[str, bytes, Mapping[str, Any]], first_factor: Union[str, bytes, Mapping[str, Any]]
    ) -> Result:
        """Step two: exchanges the device's signed first factor for a user-action token and sends
        the request of ``challenge`` exactly as it was at step one. Nothing is retried.

        Args:
            challenge: what :meth:`delegated_init` returned.
            first_factor: the device's firstFactor (:meth:`Signer.sign_challenge`), text or dict.

        Returns and raises as :meth:`request`.
        """
        c = as_json_text(challenge, "challenge")
        ff = as_json_text(first_factor, "first_factor")
        out, error, f = self._call(_delegated_complete, "dfns_client_delegated_complete", c, ff, _lib.ResultPtr())
        return self._finish(out, error, f, "dfns_client_delegated_complete")

    # -- pagination -----------------------------------------------------------------------------------

    def pages(self, path: str, *, params: QueryParams = None, limit: Optional[int] = None) -> Iterator[Result]:
        """Iterates over the pages of a list endpoint (``GET``), following ``nextPageToken``.

        Each page is requested when the iterator reaches it, with ``limit`` (when given) and the
        previous page's ``nextPageToken`` as ``paginationToken``; iteration stops at a page without
        one. Raises :class:`ValueError` if the API repeats a token (a loop) or sends one that is not
        a string, and what :meth:`request` raises.
        """
        query = dict(params or {})
        if limit is not None:
            if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
                raise ValueError(f"limit must be a positive int, not {limit!r}")
            query["limit"] = limit
        query.pop("paginationToken", None)
        seen = set()
        while True:
            page = self.request("GET", path, params=query)
            yield page
            document = page.json()
            token = document.get("nextPageToken") if isinstance(document, dict) else None
            if not token:
                return
            if not isinstance(token, str):
                raise ValueError(f"nextPageToken must be a string, not {type(token).__name__}")
            if token in seen:
                raise ValueError(f"the API returned the page token {token!r} twice; stopping the iteration")
            seen.add(token)
            query["paginationToken"] = token

    def paginate(
        self,
        path: str,
        *,
        params: QueryParams = None,
        limit: Optional[int] = None,
        items_key: str = "items",
    ) -> Iterator[Any]:
        """Iterates over the items of a list endpoint across all its pages.

        ``for wallet in client.paginate("/wallets", limit=100): ...`` requests pages lazily (see
        :meth:`pages`); ``limit`` is the page size, not a bound on the items. ``items_key`` names
        the list in each page (``items`` in the Dfns API).
        """
        for page in self.pages(path, params=params, limit=limit):
            document = page.json()
            items = document.get(items_key) if isinstance(document, dict) else None
            if items is None:
                continue
            if not isinstance(items, list):
                raise ValueError(f"{items_key!r} of a page must be a list, not {type(items).__name__}")
            yield from items

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        transport = "host transport" if self._state is not None else "libcurl"
        return f"<dfns_bridge.Client {self.base_url!r} {transport} {state}>"
