/// The body of `POST /auth/action/init` (reference/dfns-protocol.md §2.1): the method, canonical
/// path and exact body text of the request the user action will authorise.
public struct UserActionChallengeRequest: Codable, Sendable, Equatable {
    /// The exact JSON text of the body that will be sent, `""` when there is none.
    public var userActionPayload: String
    /// `POST`, `PUT` or `DELETE`.
    public var userActionHttpMethod: String
    /// The canonical path (``CanonicalPath``): no query, no base-URL prefix.
    public var userActionHttpPath: String
    /// `Api` (the default when absent) or `Staff`.
    public var userActionServerKind: String?

    public init(payload: String, method: String, path: String, serverKind: String? = nil) {
        userActionPayload = payload
        userActionHttpMethod = method
        userActionHttpPath = path
        userActionServerKind = serverKind
    }
}
