#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The test server could not start (a socket, pipe or thread could not be made).
public struct TestHTTPServerError: Error, Sendable, CustomStringConvertible {
    /// What failed, with the system's error text.
    public let message: String

    /// An error explained by `message`.
    public init(_ message: String) {
        self.message = message
    }

    /// `what` failed, followed by the text for the current `errno`.
    static func system(_ what: String) -> TestHTTPServerError {
        let code = errno
        let text = strerror(code).map { String(cString: $0) } ?? "errno \(code)"
        return TestHTTPServerError("\(what) failed: \(text) (errno \(code))")
    }

    /// `test HTTP server: message`.
    public var description: String { "test HTTP server: \(message)" }
}
