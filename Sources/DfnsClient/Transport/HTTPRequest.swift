/// One HTTP request, as a ``Transport`` sends it.
///
/// The body, when present, is sent byte for byte as given: the Dfns user-action signature covers
/// the exact JSON text of the body, so nothing on the way may re-encode it. A transport sets
/// `Content-Length` itself from `body`.
public struct HTTPRequest: Sendable, Hashable {
    /// The request method.
    public var method: HTTPMethod
    /// The absolute URL, with scheme, host, optional port, path and optional query, e.g.
    /// `https://api.dfns.io/wallets?limit=10`. Already percent-encoded: a transport sends it as is.
    public var url: String
    /// The request header fields, in order. `Host` and `Content-Length` are set by the transport.
    public var headers: HTTPHeaders
    /// The body bytes, or `nil` for a request without a body (`GET`, `HEAD`, and body-less calls).
    public var body: [UInt8]?

    /// A request to `url` with `method`, `headers` and `body`.
    public init(method: HTTPMethod, url: String, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}
