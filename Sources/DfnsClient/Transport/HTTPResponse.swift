/// One HTTP response, as a ``Transport`` returns it.
///
/// Every status is a response, not an error: a `202` (Dfns: held by a policy), a `4xx` or a `5xx`
/// reaches the API client, which turns it into an API error. A ``TransportError`` means there was
/// no complete HTTP response at all.
public struct HTTPResponse: Sendable, Hashable {
    /// The status code, e.g. `200`.
    public var status: Int
    /// The response header fields of the final response, in order as received.
    public var headers: HTTPHeaders
    /// The body bytes, exactly as received (empty when there was none).
    public var body: [UInt8]

    /// A response with `status`, `headers` and `body`.
    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Whether the status is in the 2xx (success) class.
    public var isSuccess: Bool { status >= 200 && status < 300 }
}
