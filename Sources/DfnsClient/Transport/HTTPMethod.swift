/// The HTTP request methods a ``Transport`` sends.
///
/// The Dfns API uses `GET`, `POST`, `PUT` and `DELETE`; `PATCH` and `HEAD` are here so that a
/// transport is a general HTTP client. The raw value is the method token exactly as it goes on the
/// wire (methods are case-sensitive, RFC 9110 §9.1).
public enum HTTPMethod: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `GET`: read a resource. Never carries a body.
    case get = "GET"
    /// `POST`: create a resource or run an action.
    case post = "POST"
    /// `PUT`: replace a resource, or (in the Dfns API) change its state.
    case put = "PUT"
    /// `DELETE`: remove a resource.
    case delete = "DELETE"
    /// `PATCH`: change part of a resource.
    case patch = "PATCH"
    /// `HEAD`: like `GET`, but the response carries no body. Never carries a request body.
    case head = "HEAD"

    /// Whether a request with this method may carry a body (`GET` and `HEAD` may not).
    public var permitsRequestBody: Bool {
        switch self {
        case .get, .head: return false
        case .post, .put, .delete, .patch: return true
        }
    }

    /// The method token, e.g. `POST`.
    public var description: String { rawValue }
}
