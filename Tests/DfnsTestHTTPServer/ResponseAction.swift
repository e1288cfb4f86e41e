import DfnsClient

/// What the test server does with a request: answer it properly, or misbehave in a precise way.
public enum ResponseAction: Sendable {
    /// A complete response: the status line, `headers`, a `Content-Length` the server computes (any
    /// `Content-Length` in `headers` is ignored; none for 1xx, 204 and 304), and `body` (not sent to
    /// a `HEAD`). The connection stays open for the next request unless the client asked to close.
    case respond(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [])
    /// A response declaring `Content-Length: declaredLength` but sending only `sentBody` (which
    /// should be shorter) before the server closes the connection.
    case truncated(status: Int, headers: HTTPHeaders = HTTPHeaders(), sentBody: [UInt8], declaredLength: Int)
    /// These bytes instead of an HTTP response, then the connection is closed.
    case garbage([UInt8])
    /// The connection is closed without a byte of reply.
    case closeWithoutReply
    /// No reply at all: the connection is held open (its input read and dropped) until the client
    /// closes it or the server stops.
    case neverReply
    /// A `status` response whose body is `size` bytes of a repeating pattern (byte `i` is `i % 251`),
    /// streamed in pieces; with `Content-Length` when `declaresLength`, otherwise delimited by the
    /// server closing the connection. The connection is closed afterwards in both cases.
    case largeBody(status: Int, size: Int, declaresLength: Bool)

    /// A complete response with a UTF-8 text body.
    public static func text(status: Int = 200, _ text: String, contentType: String = "text/plain; charset=utf-8") -> ResponseAction {
        .respond(status: status, headers: ["Content-Type": contentType], body: Array(text.utf8))
    }

    /// A complete response with a JSON body (given as text).
    public static func json(status: Int = 200, _ json: String) -> ResponseAction {
        .respond(status: status, headers: ["Content-Type": "application/json"], body: Array(json.utf8))
    }

    /// The byte at `index` of a ``largeBody(status:size:declaresLength:)`` body.
    public static func largeBodyByte(at index: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: index % 251)
    }
}
