import DfnsClient

/// A real HTTP/1.1 server on 127.0.0.1, for testing HTTP clients and transports.
///
/// Written by hand on POSIX sockets, with a thread per connection, because the tests need byte-level
/// control that HTTP server libraries deliberately do not give: a `Content-Length` that lies, a reply
/// that is not HTTP, a connection closed without a reply, a reply that never comes. Production
/// servers (SwiftNIO, Hummingbird) exist to make those impossible.
///
/// - The port is chosen by the system (bind to port 0, read back with `getsockname`); never fixed.
/// - Every request is recorded (method, target with query, header fields in order, exact body bytes)
///   before the script is asked for an answer, so a client that saw any reply (or error) can read
///   the record.
/// - The script runs on the connection's thread; it may be called from several threads at once.
/// - Requests need a `Content-Length` for their body (chunked bodies are answered 501). Connections
///   are kept alive between requests unless the client asks to close or the action closes.
/// - ``stop()`` (also run by `deinit`) closes the listening socket, unblocks every connection and
///   joins every thread; nothing is left running.
public final class TestHTTPServer: Sendable {
    /// Decides what to do with each request.
    public typealias Script = @Sendable (RecordedRequest) -> ResponseAction

    private let core: ServerCore

    /// Starts a server answering each request with what `script` returns.
    public init(script: @escaping Script) throws(TestHTTPServerError) {
        core = try ServerCore(script: script)
        do {
            try core.start()
        } catch {
            core.stop()
            throw error
        }
    }

    deinit {
        core.stop()
    }

    /// The port the server listens on (on 127.0.0.1).
    public var port: UInt16 { core.port }

    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// The absolute URL of `pathAndQuery` (which starts with `/`) on this server.
    public func url(_ pathAndQuery: String) -> String {
        baseURL + pathAndQuery
    }

    /// Every request received so far, in order of arrival.
    public var requests: [RecordedRequest] { core.requests }

    /// Stops the server: closes the listening socket and every connection, and joins every thread.
    /// Idempotent.
    public func stop() {
        core.stop()
    }

    /// A port on 127.0.0.1 with nothing listening (a socket was bound to a free port and closed),
    /// for "connection refused" tests.
    public static func unusedLoopbackPort() throws(TestHTTPServerError) -> UInt16 {
        try Socket.unusedLoopbackPort()
    }
}
