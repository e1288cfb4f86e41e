import DfnsEncoding

/// Everything a Dfns client call can fail with. API errors (the server answered with an error
/// status) are distinct from transport errors (no complete answer), from answers that cannot be
/// read, and from local failures (a signer, an argument).
public enum DfnsError: Error, Sendable, CustomStringConvertible {
    /// The API answered with a 4xx or 5xx status.
    case api(APIError)
    /// No complete HTTP exchange: refused, timed out, TLS, truncated, too large, cancelled.
    case transport(TransportError)
    /// A success status whose body is not what the endpoint returns (not JSON, missing members).
    case invalidResponse(status: Int, message: String, requestId: String?)
    /// The signer could not sign the user-action challenge (the message never holds key material).
    case signer(String)
    /// A request needs a user action and the client has no signer.
    case signerRequired(method: String, path: String)
    /// A signature the API returned does not match the key it claims to come from.
    case signatureVerification(String)
    /// A bad argument: an unusable base URL, a path that does not start with `/`, a body that is
    /// not JSON, a challenge that is not the one handed out.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .api(let error): return error.description
        case .transport(let error): return error.description
        case .invalidResponse(let status, let message, let requestId):
            return "invalid response (status \(status)): \(message)" + (requestId.map { " (request id \($0))" } ?? "")
        case .signer(let message): return "signer failed: \(message)"
        case .signerRequired(let method, let path): return "\(method) \(path) needs a user action, and the client has no signer"
        case .signatureVerification(let message): return "returned signature rejected: \(message)"
        case .invalidArgument(let message): return "invalid argument: \(message)"
        }
    }

    /// The HTTP status, when the server answered.
    public var httpStatus: Int? {
        switch self {
        case .api(let error): return error.status
        case .invalidResponse(let status, _, _): return status
        default: return nil
        }
    }
}
