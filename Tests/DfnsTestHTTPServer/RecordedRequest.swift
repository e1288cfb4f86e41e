import DfnsClient

/// One request as the test server received it, byte for byte where it matters.
public struct RecordedRequest: Sendable, Hashable {
    /// The method token, e.g. `POST`.
    public let method: String
    /// The request target as sent: the path with its query, e.g. `/wallets?limit=2`.
    public let target: String
    /// The protocol version of the request line, e.g. `HTTP/1.1`.
    public let version: String
    /// The header fields in the order received.
    public let headers: HTTPHeaders
    /// The body: exactly the `Content-Length` bytes that followed the header (empty without one).
    public let body: [UInt8]
    /// Which connection the request arrived on, numbered from 0 in order of acceptance.
    public let connectionID: Int
    /// The position of the request on its connection, from 0 (more than 0 means keep-alive reuse).
    public let indexOnConnection: Int

    /// The target's path, without the query.
    public var path: String {
        guard let question = target.firstIndex(of: "?") else { return target }
        return String(target[..<question])
    }

    /// The target's query (after `?`), or `nil` when there is none.
    public var query: String? {
        guard let question = target.firstIndex(of: "?") else { return nil }
        return String(target[target.index(after: question)...])
    }
}
