/// A failure to exchange an HTTP request and response: there is no (complete) response.
///
/// Distinct from the Dfns API's own errors: a `4xx` or `5xx` status is a response, and the API
/// client turns it into an API error. A transport error says the request may or may not have
/// reached the server (except ``Kind/invalidRequest``, ``Kind/connectionRefused`` and
/// ``Kind/hostNotFound``, which mean it was never sent), so a signed request must not be repeated
/// blindly: its user-action token is single use.
public struct TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is: stable across releases, for programs to branch on.
    public enum Kind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// No connection could be made: refused, or the network or host is unreachable.
        case connectionRefused
        /// The host name could not be resolved (DNS), or neither could the proxy's.
        case hostNotFound
        /// The connect timeout or the total timeout expired.
        case timeout
        /// The TLS handshake failed: certificate not trusted, wrong host name, protocol error.
        case tls
        /// The server's reply was not a complete HTTP response: truncated body, connection closed
        /// without a reply or mid-way, not HTTP at all, or a protocol violation.
        case malformedResponse
        /// The response exceeded the transport's size bound.
        case responseTooLarge
        /// The calling task was cancelled and the exchange aborted.
        case cancelled
        /// The request cannot be sent as given (bad URL or scheme, a header with a line break, a
        /// body on `GET`, a bad transport setting); nothing was sent.
        case invalidRequest
        /// Any other failure (out of memory, a local I/O error, an internal HTTP-stack error).
        case other

        /// The case name, e.g. `connectionRefused`.
        public var description: String { rawValue }
    }

    /// What kind of failure this is.
    public let kind: Kind
    /// A human-readable account of the failure, naming the underlying cause (for libcurl, its
    /// error code and message).
    public let message: String

    /// A transport error of `kind`, explained by `message`.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// `transport error (kind): message`.
    public var description: String { "transport error (\(kind)): \(message)" }
}
