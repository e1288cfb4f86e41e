/// Sends one HTTP request and returns the response: the one seam between the Dfns client and an
/// HTTP stack.
///
/// Modelled on swift-openapi-runtime's `ClientTransport`: one asynchronous call per request. The
/// default implementation is `CurlTransport` (the `DfnsCurlTransport` product); a host that already
/// has an HTTP client (SwiftNIO's AsyncHTTPClient, URLSession, its own stack) implements this
/// protocol instead and never links libcurl.
///
/// The contract every implementation keeps:
/// - **Any status is a response.** Return `2xx`, `4xx` and `5xx` alike; throw only when no complete
///   response arrived (see ``TransportError``).
/// - **No retries.** Send the request at most once: a Dfns user-action token is single use, so a
///   repeated signed request fails, or worse, acts twice. Retrying is the caller's decision.
/// - **Bytes as given.** Send `request.body` byte for byte, with a `Content-Length` of its size, and
///   the headers as given; return the body as received.
/// - **Cancellation.** When the calling task is cancelled, abort the exchange and throw a
///   ``TransportError`` of kind ``TransportError/Kind/cancelled``.
/// - **Bounded.** Apply timeouts and a bound on the response size, so that a misbehaving server
///   cannot hold a caller or its memory forever.
/// - **Thread-safe.** One transport serves concurrent calls from many tasks.
public protocol Transport: Sendable {
    /// Sends `request` and returns the response, or throws a ``TransportError`` when there is no
    /// complete HTTP response (connection, DNS, TLS, timeout, malformed or oversized reply,
    /// cancellation, or a request the transport cannot send).
    func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse
}
