import DfnsEncoding
import DfnsProtocol

/// An error status (4xx or 5xx) answered by the Dfns API, with what its body said.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status.
    public let status: Int
    /// The Dfns error identifier, when the body had one.
    public let errorId: String?
    /// The message of the body, when it had one.
    public let message: String?
    /// Structured details (an idempotency conflict's `duplicate`, say).
    public let details: JSONValue?
    /// The server's request id (`X-Request-ID`), for support.
    public let requestId: String?
    /// The raw body, for whatever the fields above do not cover.
    public let body: [UInt8]
    /// The `Retry-After` header (429 and 503 answers), as sent.
    public let retryAfter: String?
    /// Every header field of the answer, as received.
    public let headers: HTTPHeaders

    public init(status: Int, errorId: String?, message: String?, details: JSONValue?, requestId: String?,
                body: [UInt8], retryAfter: String? = nil, headers: HTTPHeaders = HTTPHeaders()) {
        self.status = status
        self.errorId = errorId
        self.message = message
        self.details = details
        self.requestId = requestId
        self.body = body
        self.retryAfter = retryAfter
        self.headers = headers
    }

    /// Reads the error envelope of `response` (any of its shapes; see ``APIErrorBody``).
    init(response: HTTPResponse) {
        let parsed = APIErrorBody(parsing: response.body)
        self.init(status: response.status, errorId: parsed.errorId, message: parsed.message, details: parsed.details,
                  requestId: response.headers[DfnsHeaders.requestId], body: response.body,
                  retryAfter: response.headers[DfnsHeaders.retryAfter], headers: response.headers)
    }

    public var description: String {
        var text = "Dfns API error \(status)"
        if let errorId { text += " [\(errorId)]" }
        text += ": " + (message ?? "(no message)")
        if let requestId { text += " (request id \(requestId))" }
        return text
    }
}
