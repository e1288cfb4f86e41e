"""The Dfns client from Python (dfns_bridge.Client) against a real HTTP server on loopback.

The server (http.server.ThreadingHTTPServer on 127.0.0.1:0, in this file) plays the Dfns endpoints
the tests need and checks what it receives as the API would: the bearer token on every request, the
user-action challenge bound to method, path and payload, the Key assertion (clientData and an
ECDSA/EdDSA signature verified with the `cryptography` package), the single-use X-DFNS-USERACTION
token on signed writes, pagination with `limit` / `paginationToken` / `nextPageToken`, and error
envelopes with an error id and X-Request-Id.

Every client test runs twice: with the library's libcurl transport, and with a host transport written
in Python on httpx. Nothing of the client is mocked.
"""

from __future__ import annotations

import base64
import gc
import json
import pickle
import secrets
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple
from urllib.parse import parse_qs, urlsplit

import pytest

import dfns_bridge as db
from conftest import assert_each_thread_gets_its_own_exception
from dfns_bridge import _callbacks

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, utils

try:  # the host transport of these tests; scripts/test-python.sh installs it with pytest
    import httpx
except ImportError:  # pragma: no cover - the libcurl half of the tests still runs
    httpx = None

#: Tests that need httpx are skipped (and listed by pytest -ra) when it is not installed.
needs_httpx = pytest.mark.skipif(httpx is None, reason="httpx is not installed (python3 -m pip install httpx)")

TOKEN = "tok-service-account"
WALLETS = [{"id": f"wa-{i}", "network": "EthereumSepolia", "status": "Active"} for i in range(7)]


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# ------------------------------------------------------------------------------------------------
# The loopback Dfns server
# ------------------------------------------------------------------------------------------------


class FakeDfns:
    """The server's state: credentials, open challenges, user-action tokens, a request log."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.keys: Dict[str, Any] = {}  # credId -> cryptography public key
        self.challenges: Dict[str, Tuple[str, str, str, str]] = {}  # id -> (challenge, method, path, payload)
        self.user_actions: Dict[str, Tuple[str, str, str]] = {}  # token -> (method, path, payload)
        self.log: List[Tuple[str, str, Dict[str, str], bytes]] = []
        self.signed_writes = 0
        self.counter = 0

    def add_key(self, credential_id: str, public_key_pem: "str | bytes") -> None:
        data = public_key_pem.encode() if isinstance(public_key_pem, str) else public_key_pem
        with self.lock:
            self.keys[credential_id] = serialization.load_pem_public_key(data)

    def next_id(self, prefix: str) -> str:
        with self.lock:
            self.counter += 1
            return f"{prefix}-{self.counter}"

    def requests_to(self, method: str, path: str) -> int:
        with self.lock:
            return sum(1 for m, p, _, _ in self.log if m == method and urlsplit(p).path == path)

    # -- routes -------------------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: Dict[str, str], body: bytes) -> Tuple[int, Dict[str, str], Any]:
        with self.lock:
            self.log.append((method, target, headers, body))
        url = urlsplit(target)
        path, query = url.path, parse_qs(url.query)
        request_id = self.next_id("req")
        extra = {"X-Request-Id": request_id}
        if headers.get("authorization") != f"Bearer {TOKEN}":
            return 401, extra, {"error": {"id": "Unauthorized", "status": 401, "message": "bearer token missing or invalid"}}
        if not headers.get("user-agent", "").startswith("dfns-bridge/"):
            return 400, extra, {"error": {"id": "BadRequest", "status": 400, "message": "no library User-Agent"}}

        if method == "POST" and path == "/auth/action/init":
            request = json.loads(body)
            if request["userActionHttpPath"] == "/forbidden":
                return 403, {"X-Request-Id": "req-init-403", "X-Extra": "yes"}, {
                    "error": {"id": "Forbidden", "status": 403, "message": "not for you"}}
            challenge = base64.urlsafe_b64encode(secrets.token_bytes(24)).rstrip(b"=").decode()
            identifier = self.next_id("cid")
            with self.lock:
                self.challenges[identifier] = (
                    challenge,
                    request["userActionHttpMethod"],
                    request["userActionHttpPath"],
                    request["userActionPayload"],
                )
                allowed = [{"type": "public-key", "id": cred} for cred in self.keys]
            return 200, extra, {
                "challenge": challenge,
                "challengeIdentifier": identifier,
                "userVerification": "required",
                "supportedCredentialKinds": [{"kind": "Key", "factor": "first", "requiresSecondFactor": False}],
                "allowCredentials": {"key": allowed, "webauthn": []},
            }
        if method == "POST" and path == "/auth/action":
            request = json.loads(body)
            with self.lock:
                opened = self.challenges.pop(request.get("challengeIdentifier", ""), None)
            factor = request.get("firstFactor", {})
            assertion = factor.get("credentialAssertion", {})
            if opened is None or factor.get("kind") != "Key" or not self._assertion_ok(opened[0], assertion):
                return 401, extra, {"error": {"id": "Unauthorized", "status": 401, "message": "invalid user action signature"}}
            token = "ua-" + secrets.token_hex(8)
            with self.lock:
                self.user_actions[token] = opened[1:]
            return 200, extra, {"userAction": token}

        if method != "GET":  # every other write of this server needs a user action
            with self.lock:
                bound = self.user_actions.pop(headers.get("x-dfns-useraction", ""), None)
            if bound != (method, path, body.decode()):
                return 403, extra, {"error": {"id": "UserActionMissing", "status": 403,
                                              "message": "user action signature is missing or invalid"}}
            with self.lock:
                self.signed_writes += 1

        if method == "POST" and path == "/wallets":
            request = json.loads(body)
            return 200, extra, {"id": self.next_id("wa"), "network": request["network"], "status": "Active"}
        if method == "POST" and path == "/keys/k1/signatures":
            return 202, extra, {"id": "sig-1", "keyId": "k1", "status": "Pending", "approvalId": "ap-1"}
        if method == "GET" and path == "/wallets":
            limit = int(query.get("limit", ["3"])[0])
            start = int(query.get("paginationToken", ["pt-0"])[0][3:])
            page: Dict[str, Any] = {"items": WALLETS[start:start + limit]}
            if start + limit < len(WALLETS):
                page["nextPageToken"] = f"pt-{start + limit}"
            return 200, extra, page
        if method == "GET" and path == "/broken-pages":
            return 200, extra, {"items": [1], "nextPageToken": "same"}
        if method == "GET" and path.startswith("/wallets/"):
            return 404, {"X-Request-Id": "req-404-" + path.rsplit("/", 1)[1]}, {
                "error": {"id": "NotFound", "status": 404, "message": "wallet not found"}}
        return 404, extra, {"error": {"id": "NoRoute", "status": 404, "message": f"no route {method} {path}"}}

    def _assertion_ok(self, challenge: str, assertion: Dict[str, Any]) -> bool:
        key = self.keys.get(assertion.get("credId", ""))
        if key is None:
            return False
        client_data = b64url_decode(assertion.get("clientData", ""))
        signature = b64url_decode(assertion.get("signature", ""))
        document = json.loads(client_data)
        if document.get("type") != "key.get" or document.get("challenge") != challenge:
            return False
        try:
            if isinstance(key, ed25519.Ed25519PublicKey):
                key.verify(signature, client_data)
            else:
                key.verify(signature, client_data, ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            return False
        return True


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_Server"

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, extra, document = self.server.dfns.handle(self.command, self.path, headers, body)
        payload = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    def log_message(self, format: str, *args: Any) -> None:  # keep pytest output clean
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    dfns: FakeDfns


@pytest.fixture(scope="module")
def server() -> Iterator[Tuple[str, FakeDfns]]:
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.dfns = FakeDfns()
    thread = threading.Thread(target=httpd.serve_forever, name="fake-dfns", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", httpd.dfns
    finally:
        httpd.shutdown()
        httpd.server_close()


# ------------------------------------------------------------------------------------------------
# Transports and signers
# ------------------------------------------------------------------------------------------------


class HttpxTransport:
    """A host transport on httpx: what a Python service with its own HTTP stack plugs in."""

    def __init__(self) -> None:
        self.http = httpx.Client(headers={"Accept-Encoding": "identity"}, follow_redirects=False, trust_env=False)
        self.calls = 0
        self.threads: set = set()

    def __call__(self, request: db.HttpRequest) -> db.HttpResponse:
        self.calls += 1
        self.threads.add(threading.get_ident())
        try:
            answer = self.http.request(
                request.method,
                request.url,
                headers=list(request.headers),
                content=request.body,
                timeout=httpx.Timeout(request.timeout, connect=request.connect_timeout),
            )
        except httpx.ConnectError as exc:
            raise db.TransportFailure(db.Status.TRANSPORT_CONNECT, str(exc)) from exc
        except httpx.TimeoutException as exc:
            raise db.TransportFailure("timeout", str(exc)) from exc
        return db.HttpResponse(answer.status_code, answer.headers.multi_items(), answer.content)

    def close(self) -> None:
        self.http.close()


@pytest.fixture(params=["curl", pytest.param("httpx", marks=needs_httpx)])
def transport_kind(request: Any) -> str:
    return request.param


@pytest.fixture
def make_client(server: Tuple[str, FakeDfns], transport_kind: str) -> Iterator[Callable[..., db.Client]]:
    base, _ = server
    made: List[db.Client] = []
    transports: List[HttpxTransport] = []

    def make(**kwargs: Any) -> db.Client:
        kwargs.setdefault("auth_token", TOKEN)
        if transport_kind == "httpx" and "transport" not in kwargs:
            transport = HttpxTransport()
            transports.append(transport)
            kwargs["transport"] = transport
        client = db.Client(kwargs.pop("base_url", base), **kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()
    for transport in transports:
        transport.close()


def key_signer(dfns: FakeDfns, kind: db.KeyKind = db.KeyKind.P256) -> db.Signer:
    """A Key credential signer on a key the library generates, registered on the server."""
    key = db.generate_key(kind)
    dfns.add_key(key.credential_id, key.public_key_pem)
    return db.Signer.from_key_pem(key.private_key_pem)


class HsmError(Exception):
    """What an HSM client library raises."""


def hsm_signer(dfns: FakeDfns, *, fail: Optional[Callable[[], BaseException]] = None,
               raw: bool = False) -> Tuple[db.Signer, Dict[str, int]]:
    """An external signer backed by `cryptography` (ES256 over P-256), the stand-in for an HSM."""
    private = ec.generate_private_key(ec.SECP256R1())
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    credential_id = "hsm-" + secrets.token_hex(6)
    dfns.add_key(credential_id, public_pem)
    stats = {"calls": 0}

    def sign(message: bytes) -> bytes:
        stats["calls"] += 1
        if fail is not None:
            raise fail()
        der = private.sign(message, ec.ECDSA(hashes.SHA256()))  # DER, as dfns_sign_fn wants
        if raw:  # an HSM that answers raw r || s: convert it
            r, s = utils.decode_dss_signature(der)
            return db.ecdsa_raw_to_der(r.to_bytes(32, "big") + s.to_bytes(32, "big"))
        return der

    return db.Signer.external(sign, public_pem, credential_id), stats


# ------------------------------------------------------------------------------------------------
# Requests
# ------------------------------------------------------------------------------------------------


def test_read(make_client: Callable[..., db.Client]) -> None:
    with make_client() as client:
        result = client.request("GET", "/wallets", params={"limit": 2})
        assert result.http_status == 200
        assert result.outcome is db.Outcome.DONE and result.ok
        assert result.request_id and result.request_id.startswith("req-")
        assert result.error_id is None and result.approval_id is None
        assert result.json() == {"items": WALLETS[:2], "nextPageToken": "pt-2"}
        assert result.json() is result.json()  # decoded once
        assert json.loads(result.text) == result.json()
        assert pickle.loads(pickle.dumps(result)) == result
        names = [name.lower() for name, _ in result.headers]
        assert "content-type" in names and "x-request-id" in names
        assert result.header("X-REQUEST-ID") == result.request_id
        assert pickle.loads(pickle.dumps(result)).headers == result.headers
        assert "200 DONE" in repr(result)
        assert client.request("get", "/wallets").http_status == 200  # method case does not matter


def test_api_error_carries_status_error_id_and_request_id(make_client: Callable[..., db.Client]) -> None:
    client = make_client()
    with pytest.raises(db.ApiError) as info:
        client.request("GET", "/wallets/wa-nope")
    error = info.value
    assert error.status is db.Status.API and error.name == "DFNS_ERR_API"
    assert error.http_status == 404
    assert error.error_id == "NotFound"
    assert error.request_id == "req-404-wa-nope"
    assert b"wallet not found" in (error.body or b"")
    assert isinstance(error.result, db.Result) and error.result.failed
    assert error.result.json()["error"]["id"] == "NotFound"
    assert "404" in str(error) and error.function == "dfns_client_request"
    assert error.result.header("x-request-id") == "req-404-wa-nope"
    assert error.result.header("CONTENT-TYPE") == "application/json"
    assert error.result.header("Retry-After") is None
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is db.ApiError and copy.http_status == 404 and copy.request_id == "req-404-wa-nope"


def test_bearer_token_can_be_replaced(make_client: Callable[..., db.Client]) -> None:
    client = make_client(auth_token=None)
    with pytest.raises(db.ApiError) as info:
        client.request("GET", "/wallets")
    assert info.value.http_status == 401 and info.value.error_id == "Unauthorized"
    client.set_auth_token(TOKEN)
    assert client.request("GET", "/wallets").ok
    with pytest.raises(db.InvalidArgumentError):
        client.set_auth_token("tok\r\nX-Injected: 1")


def test_signed_write_with_a_key_signer(server: Tuple[str, FakeDfns], make_client: Callable[..., db.Client]) -> None:
    _, dfns = server
    client = make_client()
    before = dfns.signed_writes
    with pytest.raises(db.SignerRequiredError):
        client.request("POST", "/wallets", {"network": "EthereumSepolia"})
    for kind in (db.KeyKind.P256, db.KeyKind.ED25519):
        signer = key_signer(dfns, kind)
        client.set_signer(signer)
        assert client.signer is signer
        signer.close()  # the client keeps its own reference
        result = client.request("POST", "/wallets", {"network": "EthereumSepolia"})
        assert result.ok and result.json()["network"] == "EthereumSepolia"
        # a body given as text is sent (and signed) byte for byte
        result = client.request("POST", "/wallets", '{"network": "Bitcoin"}')
        assert result.json()["network"] == "Bitcoin"
    assert dfns.signed_writes == before + 4
    client.set_signer(None)
    with pytest.raises(db.SignerRequiredError):
        client.request("POST", "/wallets", {"network": "EthereumSepolia"})


def test_pending_outcome_and_approval_id(server: Tuple[str, FakeDfns], make_client: Callable[..., db.Client]) -> None:
    _, dfns = server
    client = make_client(signer=key_signer(dfns))
    result = client.request("POST", "/keys/k1/signatures", {"kind": "Hash", "hash": "0x" + "11" * 32})
    assert result.http_status == 202
    assert result.outcome is db.Outcome.PENDING and result.pending
    assert result.approval_id == "ap-1"


def test_signed_write_with_a_cryptography_external_signer(
    server: Tuple[str, FakeDfns], make_client: Callable[..., db.Client]
) -> None:
    _, dfns = server
    for raw in (False, True):
        signer, stats = hsm_signer(dfns, raw=raw)
        client = make_client(signer=signer)
        assert client.request("POST", "/wallets", {"network": "EthereumSepolia"}).ok
        assert client.request("POST", "/wallets", {"network": "Solana"}).json()["network"] == "Solana"
        assert stats["calls"] == 2


def test_external_signer_exception_reaches_the_caller(
    server: Tuple[str, FakeDfns], make_client: Callable[..., db.Client]
) -> None:
    _, dfns = server
    signer, stats = hsm_signer(dfns, fail=lambda: HsmError("the HSM is offline"))
    client = make_client(signer=signer)
    with pytest.raises(HsmError, match="the HSM is offline") as info:
        client.request("POST", "/wallets", {"network": "EthereumSepolia"})
    library_error = info.value.dfns_error
    assert isinstance(library_error, db.SignerCallbackError)
    assert library_error.status is db.Status.SIGNER_CALLBACK
    assert info.value.__cause__ is library_error
    assert stats["calls"] == 1
    # A BaseException is not a signature either: it is raised as it is.
    signer2, _ = hsm_signer(dfns, fail=KeyboardInterrupt)
    client.set_signer(signer2)
    with pytest.raises(KeyboardInterrupt):
        client.request("POST", "/wallets", {"network": "EthereumSepolia"})
    # and the client still works afterwards
    client.set_signer(key_signer(dfns))
    assert client.request("POST", "/wallets", {"network": "EthereumSepolia"}).ok


def test_external_signer_exceptions_from_two_threads_are_never_lost(
    server: Tuple[str, FakeDfns], make_client: Callable[..., db.Client]
) -> None:
    _, dfns = server
    signer, stats = hsm_signer(dfns, fail=lambda: HsmError(threading.current_thread().name))
    client = make_client(signer=signer)
    rounds = 8
    assert_each_thread_gets_its_own_exception(
        lambda: client.request("POST", "/wallets", {"network": "EthereumSepolia"}),
        HsmError,
        lambda exc, name: str(exc) == name and isinstance(getattr(exc, "dfns_error", None), db.SignerCallbackError),
        rounds,
        prefix="signer-thread",
    )
    assert stats["calls"] == 2 * rounds


def test_delegated_signing(server: Tuple[str, FakeDfns], make_client: Callable[..., db.Client]) -> None:
    _, dfns = server
    backend = make_client()  # the host's backend: no signer
    device = key_signer(dfns)  # the end user's device
    before = dfns.signed_writes
    challenge = backend.delegated_init("POST", "/wallets", {"network": "EthereumSepolia"})
    document = json.loads(challenge)
    assert document["method"] == "POST" and document["path"] == "/wallets"
    assert json.loads(document["body"]) == {"network": "EthereumSepolia"}
    assert document["challenge"]["challengeIdentifier"].startswith("cid-")
    first_factor = device.sign_challenge(challenge)
    assert json.loads(first_factor)["kind"] == "Key"
    result = backend.delegated_complete(challenge, first_factor)
    assert result.ok and result.json()["network"] == "EthereumSepolia"
    assert dfns.signed_writes == before + 1
    # The challenge is single use on this server: completing again is refused by the API.
    with pytest.raises(db.ApiError) as info:
        backend.delegated_complete(document, json.loads(first_factor))
    assert info.value.http_status == 401 and info.value.error_id == "Unauthorized"
    # A request that needs no user action is not delegated.
    with pytest.raises(db.InvalidArgumentError):
        backend.delegated_init("GET", "/wallets")
    # A challenge request the API refuses: the answer travels with the exception.
    with pytest.raises(db.ApiError) as refused:
        backend.delegated_init("POST", "/forbidden", {"x": 1})
    assert refused.value.http_status == 403 and refused.value.error_id == "Forbidden"
    assert refused.value.request_id == "req-init-403" and refused.value.function == "dfns_client_delegated_init_with_result"
    assert refused.value.result is not None and refused.value.result.header("x-extra") == "yes"


def test_pagination_follows_next_page_token(server: Tuple[str, FakeDfns], make_client: Callable[..., db.Client]) -> None:
    _, dfns = server
    client = make_client()
    before = dfns.requests_to("GET", "/wallets")
    items = client.paginate("/wallets", limit=3)
    assert isinstance(items, Iterator)
    assert dfns.requests_to("GET", "/wallets") == before  # lazy: nothing sent yet
    assert next(items) == WALLETS[0]
    assert dfns.requests_to("GET", "/wallets") == before + 1
    assert [w["id"] for w in items] == [w["id"] for w in WALLETS[1:]]
    assert dfns.requests_to("GET", "/wallets") == before + 3  # 3 + 3 + 1 items
    with dfns.lock:
        targets = [target for method, target, _, _ in dfns.log if method == "GET" and target.startswith("/wallets?")][-3:]
    assert targets == ["/wallets?limit=3", "/wallets?limit=3&paginationToken=pt-3", "/wallets?limit=3&paginationToken=pt-6"]
    pages = list(client.pages("/wallets", limit=5))
    assert [len(p.json()["items"]) for p in pages] == [5, 2]
    assert list(client.paginate("/wallets", limit=100)) == WALLETS
    with pytest.raises(ValueError, match="twice"):
        list(client.paginate("/broken-pages"))


@needs_httpx
def test_transport_failure_is_retried_for_reads(server: Tuple[str, FakeDfns]) -> None:
    base, _ = server
    inner = HttpxTransport()
    calls = {"n": 0}

    def flaky(request: db.HttpRequest) -> db.HttpResponse:
        calls["n"] += 1
        if calls["n"] == 1:
            raise db.TransportFailure("connect", "first attempt refused")
        return inner(request)

    with db.Client(base, TOKEN, transport=flaky, max_attempts=3) as client:
        assert client.request("GET", "/wallets").ok
        assert calls["n"] == 2

    def down(request: db.HttpRequest) -> db.HttpResponse:
        calls["n"] += 1
        raise db.TransportFailure(db.Status.TRANSPORT_TIMEOUT, "no answer")

    calls["n"] = 0
    with db.Client(base, TOKEN, transport=down, max_attempts=2) as client:
        with pytest.raises(db.TransportError) as info:
            client.request("GET", "/wallets")
        assert info.value.status is db.Status.TRANSPORT_TIMEOUT
        assert isinstance(info.value.__cause__, db.TransportFailure)
        assert calls["n"] == 2
    inner.close()
    with pytest.raises(ValueError):
        db.TransportFailure(db.Status.API)


def test_transport_exception_reaches_the_caller_and_is_not_retried(server: Tuple[str, FakeDfns]) -> None:
    base, _ = server
    calls = {"n": 0}

    def broken(request: db.HttpRequest) -> db.HttpResponse:
        calls["n"] += 1
        raise ConnectionResetError(f"reset on {threading.current_thread().name}")

    with db.Client(base, TOKEN, transport=broken, max_attempts=3) as client:
        with pytest.raises(ConnectionResetError) as info:
            client.request("GET", "/wallets")
        assert isinstance(info.value.dfns_error, db.TransportCallbackError)
        assert info.value.dfns_error.status is db.Status.TRANSPORT_CALLBACK
        assert calls["n"] == 1

        # from two threads at once: each gets its own exception
        assert_each_thread_gets_its_own_exception(
            lambda: client.request("GET", "/wallets"),
            ConnectionResetError,
            lambda exc, name: str(exc) == f"reset on {name}",
            20,
            prefix="transport-thread",
            timeout=60,
        )


def test_transport_answers_that_break_the_contract(server: Tuple[str, FakeDfns]) -> None:
    base, _ = server
    answers: List[Any] = [
        (42, [], b"{}"),  # status out of range
        (200, [("X-Note", "a\r\nSet-Cookie: x=1")], b"{}"),  # header injection
        (200, {"Content-Length": "100"}, b"{}"),  # a promised body never given
        "not a response",
        (200, [], "text body is UTF-8"),  # valid (a str body)
        db.HttpResponse(200, {"Content-Type": "application/json"}, b'{"items":[]}'),  # valid
    ]

    def send(request: db.HttpRequest) -> Any:
        return answers.pop(0)

    with db.Client(base, TOKEN, transport=send, max_attempts=1) as client:
        with pytest.raises(ValueError, match="HTTP status 42") as info:
            client.request("GET", "/wallets")
        assert isinstance(info.value.dfns_error, db.TransportCallbackError)
        with pytest.raises(ValueError, match="X-Note"):
            client.request("GET", "/wallets")
        with pytest.raises(db.TransportCallbackError, match="100"):
            client.request("GET", "/wallets")
        with pytest.raises(TypeError, match="HttpResponse"):
            client.request("GET", "/wallets")
        assert client.request("GET", "/wallets").text == "text body is UTF-8"
        assert client.request("GET", "/wallets").json() == {"items": []}


@needs_httpx
def test_the_transport_sees_the_request(server: Tuple[str, FakeDfns]) -> None:
    base, dfns = server
    seen: List[db.HttpRequest] = []
    inner = HttpxTransport()

    def spy(request: db.HttpRequest) -> db.HttpResponse:
        seen.append(request)
        return inner(request)

    with db.Client(base, TOKEN, transport=spy, timeout=7, connect_timeout=2.5, user_agent_suffix="tests/1",
                   signer=key_signer(dfns)) as client:
        client.request("POST", "/wallets", {"network": "EthereumSepolia"})
    inner.close()
    assert [(r.method, r.url) for r in seen] == [
        ("POST", f"{base}/auth/action/init"), ("POST", f"{base}/auth/action"), ("POST", f"{base}/wallets")]
    write = seen[-1]
    assert write.header("authorization") == f"Bearer {TOKEN}"
    assert write.header("X-DFNS-USERACTION").startswith("ua-")
    assert write.header("user-agent").startswith("dfns-bridge/") and write.header("user-agent").endswith(" tests/1")
    assert write.body == b'{"network":"EthereumSepolia"}'
    assert write.timeout == 7.0 and write.connect_timeout == 2.5
    assert json.loads(seen[0].body)["userActionPayload"] == '{"network":"EthereumSepolia"}'
    # the credentials it carries are not written out by repr (logs, tracebacks)
    text = repr(write)
    assert TOKEN not in text and write.header("X-DFNS-USERACTION") not in text
    assert "'authorization', '<redacted>'" in text.lower() and "tests/1" in text and f"{base}/wallets" in text


def test_a_transport_may_call_the_library_again(server: Tuple[str, FakeDfns]) -> None:
    base, _ = server
    with db.Client(base, TOKEN) as inner:
        def relay(request: db.HttpRequest) -> db.HttpResponse:
            result = inner.request(request.method, urlsplit(request.url).path)
            return db.HttpResponse(result.http_status, [("X-Request-Id", "relayed")], result.body)

        with db.Client("https://api.example.test", TOKEN, transport=relay) as outer:
            result = outer.request("GET", "/wallets")
            assert result.request_id == "relayed" and result.json()["items"] == WALLETS[:3]

        def failing_relay(request: db.HttpRequest) -> db.HttpResponse:
            inner.request("GET", "/wallets/missing")
            raise AssertionError("unreachable")

        # the inner call's ApiError, raised inside the outer transport, reaches the outer caller
        with db.Client("https://api.example.test", TOKEN, transport=failing_relay) as outer:
            with pytest.raises(db.ApiError) as info:
                outer.request("GET", "/wallets")
            assert info.value.error_id == "NotFound" and info.value.http_status == 404
            assert isinstance(info.value.dfns_error, db.TransportCallbackError)


def test_connection_refused_with_libcurl() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with db.Client(f"http://127.0.0.1:{port}", TOKEN, max_attempts=1, connect_timeout=2) as client:
        with pytest.raises(db.TransportError) as info:
            client.request("GET", "/wallets")
        assert info.value.status is db.Status.TRANSPORT_CONNECT


# ------------------------------------------------------------------------------------------------
# Arguments, lifetime, threads
# ------------------------------------------------------------------------------------------------


def test_arguments_are_checked() -> None:
    with pytest.raises(db.InvalidArgumentError):
        db.Client("ftp://api.dfns.io")
    with pytest.raises(db.InvalidArgumentError):
        db.Client("http://api.dfns.io")  # plain HTTP only on loopback ...
    db.Client("http://api.dfns.io", allow_insecure_http=True).close()  # ... unless allowed
    with pytest.raises(TypeError):
        db.Client(transport="not callable")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        db.Client(signer=lambda m: m)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        db.Client(timeout=0)
    with pytest.raises(ValueError):
        db.Client(max_attempts=0)
    with pytest.raises(db.InvalidArgumentError):
        db.Client(max_attempts=11)
    with db.Client() as client:
        assert client.base_url == db.DEFAULT_BASE_URL
        with pytest.raises(ValueError):
            client.request("BREW", "/wallets")
        with pytest.raises(db.InvalidArgumentError):
            client.request("GET", "wallets")
        with pytest.raises(db.InvalidArgumentError):
            client.request("GET", "/wallets", body={"a": 1})  # a body on a GET
        with pytest.raises(TypeError):
            client.request("POST", "/wallets", body={"a": object()})
        with pytest.raises(ValueError):
            client.request("POST", "/wallets", body="{}\x00")


@needs_httpx
def test_context_manager_closes_and_releases_the_transport(server: Tuple[str, FakeDfns]) -> None:
    base, dfns = server
    inner = HttpxTransport()
    gc.collect()
    live = _callbacks.live_count()
    signer, _ = hsm_signer(dfns)
    assert _callbacks.live_count() == live + 1
    with db.Client(base, TOKEN, transport=inner, signer=signer) as client:
        assert _callbacks.live_count() == live + 2
        assert "host transport" in repr(client)
    assert client.closed
    assert _callbacks.live_count() == live + 1  # the transport went with the client
    with pytest.raises(ValueError, match="closed"):
        client.request("GET", "/wallets")
    client.close()  # idempotent
    signer.close()
    gc.collect()
    assert _callbacks.live_count() == live  # and the signer's callable with the last reference
    inner.close()


def test_external_signer_outlives_its_python_object(server: Tuple[str, FakeDfns], make_client: Callable[..., db.Client]) -> None:
    _, dfns = server
    gc.collect()
    live = _callbacks.live_count()
    client = make_client()
    signer, stats = hsm_signer(dfns)
    client.set_signer(signer)
    signer.close()
    del signer
    gc.collect()
    assert _callbacks.live_count() >= live + 1  # the client still holds the callable
    assert client.request("POST", "/wallets", {"network": "EthereumSepolia"}).ok
    assert stats["calls"] == 1
    client.set_signer(None)  # the last reference: the library releases the callable
    gc.collect()
    assert _callbacks.live_count() == live + (1 if client._state is not None else 0)


def test_one_client_on_many_threads(server: Tuple[str, FakeDfns], make_client: Callable[..., db.Client]) -> None:
    _, dfns = server
    signer, stats = hsm_signer(dfns)
    client = make_client(signer=signer)
    errors: List[BaseException] = []

    def worker(i: int) -> None:
        try:
            for j in range(4):
                if (i + j) % 2:
                    assert client.request("POST", "/wallets", {"network": f"N{i}-{j}"}).json()["network"] == f"N{i}-{j}"
                else:
                    assert len(list(client.paginate("/wallets", limit=4))) == len(WALLETS)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert stats["calls"] == 8


def test_close_refuses_while_a_call_runs(server: Tuple[str, FakeDfns], make_client: Callable[..., db.Client]) -> None:
    _, dfns = server
    started, release = threading.Event(), threading.Event()

    def slow_sign(message: bytes) -> bytes:
        started.set()
        release.wait(30)
        raise HsmError("released")

    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    dfns.add_key("slow-1", pem)
    client = make_client(signer=db.Signer.external(slow_sign, pem, "slow-1"))
    outcome: List[BaseException] = []

    def call() -> None:
        try:
            client.request("POST", "/wallets", {"network": "x"})
        except BaseException as exc:  # noqa: BLE001
            outcome.append(exc)

    t = threading.Thread(target=call)
    t.start()
    try:
        assert started.wait(30)
        with pytest.raises(RuntimeError, match="other threads"):
            client.close()
    finally:
        release.set()
        t.join(30)
    assert len(outcome) == 1 and isinstance(outcome[0], HsmError)
    client.close()
    assert client.closed


def test_header_enums_of_the_client_match_python() -> None:
    from conftest import REPO
    import re

    text = (REPO / "include" / "dfns_bridge.h").read_text()
    kinds = {m.group(1): int(m.group(2)) for m in re.finditer(r"\bDFNS_KEY_([A-Z0-9_]+)\s*=\s*(-?\d+)", text)}
    outcomes = {m.group(1): int(m.group(2)) for m in re.finditer(r"\bDFNS_OUTCOME_([A-Z0-9_]+)\s*=\s*(-?\d+)", text)}
    assert kinds == {k.name: int(k) for k in db.KeyKind}
    assert outcomes == {o.name: int(o) for o in db.Outcome}
    assert f"#define DFNS_SIGNATURE_CAPACITY {db._lib.SIGNATURE_CAPACITY}" in text
    assert f"#define DFNS_RETURNED_SIGNATURE_ALLOW_HIGH_S {db._lib.RETURNED_SIGNATURE_ALLOW_HIGH_S}" in text
    assert db._lib.ClientOptions.user_agent_suffix.offset > db._lib.ClientOptions.allow_insecure_http.offset


def test_exception_classes_for_the_new_statuses() -> None:
    from dfns_bridge.errors import error_for_status

    expected = {
        -600: db.TransportError, -601: db.TransportError, -605: db.TransportCallbackError, -699: db.TransportError,
        -650: db.TransportError, -700: db.ApiError, -701: db.ApiResponseError, -702: db.ReturnedSignatureError,
        -750: db.ApiError, -800: db.SignerError, -801: db.SignerRequiredError, -802: db.SignerCallbackError,
        -803: db.WrongPasswordError, -805: db.SignerError, -810: db.WebhookError,
    }
    for status, cls in expected.items():
        assert type(error_for_status(status, "X")) is cls, status
    assert issubclass(db.TransportCallbackError, db.TransportError)
    assert issubclass(db.SignerCallbackError, db.SignerError) and issubclass(db.ApiError, db.DfnsError)
