/// Which Dfns API requests need a user action (`X-DFNS-USERACTION`) and which need no bearer token,
/// from the per-endpoint flags of the API (reference/dfns-protocol.md §1.4): every POST, PUT and
/// DELETE needs a user action except the endpoints listed here. Shared by the client (which signs
/// when this says so) and the sandbox (which refuses when this says a signature is missing), so the
/// two cannot disagree.
public enum UserActionRules {
    /// Endpoints that take no bearer token and no user action.
    static let unauthenticated: Set<Route> = [
        Route(.post, "/auth/login/init"), Route(.post, "/auth/login"), Route(.post, "/auth/login/code"),
        Route(.post, "/auth/login/social"), Route(.post, "/auth/login/oidc/init"), Route(.post, "/auth/login/oidc"),
        Route(.post, "/auth/login/sso/init"), Route(.post, "/auth/login/sso"),
        Route(.post, "/auth/registration/init"), Route(.post, "/auth/registration/social"),
        Route(.put, "/auth/registration/code"),
        Route(.post, "/auth/recover/user/init"), Route(.post, "/auth/recover/user/code"),
        Route(.post, "/auth/credentials/code/init"), Route(.post, "/auth/credentials/code/verify"),
    ]

    /// Non-GET endpoints that take a bearer token but no user action.
    static let bearerOnly: Set<Route> = [
        Route(.post, "/auth/action/init"), Route(.post, "/auth/action"), Route(.post, "/auth/credentials/init"),
        Route(.put, "/auth/logout"), Route(.post, "/auth/registration"), Route(.post, "/auth/registration/enduser"),
        Route(.post, "/auth/recover/user"), Route(.post, "/auth/tokens"), Route(.post, "/networks/read-contract"),
        Route(.post, "/payouts/quote"), Route(.post, "/swaps/quotes"),
    ]

    /// Bearer-only endpoints whose path has one variable segment (`*`).
    static let bearerOnlyPatterns: [Route] = [
        Route(.post, "/networks/*/call-function"), Route(.post, "/wallets/*/canton/ledger-api"),
    ]

    /// Whether `method` on `canonicalPath` (see ``CanonicalPath``) needs `X-DFNS-USERACTION`.
    public static func requiresUserAction(method: String, canonicalPath: String) -> Bool {
        guard let verb = Verb(method), verb != .get, verb != .head else { return false }
        let route = Route(verb, canonicalPath)
        if unauthenticated.contains(route) || bearerOnly.contains(route) { return false }
        return !bearerOnlyPatterns.contains { $0.matches(verb, canonicalPath) }
    }

    /// Whether `method` on `canonicalPath` is one of the unauthenticated endpoints (no bearer token).
    public static func isUnauthenticated(method: String, canonicalPath: String) -> Bool {
        guard let verb = Verb(method) else { return false }
        return unauthenticated.contains(Route(verb, canonicalPath))
    }

    /// Whether a request may be retried without risk of doing it twice: reads, and the user-action
    /// challenge request (which creates nothing but a single-use challenge).
    public static func isSafeToRetry(method: String, canonicalPath: String) -> Bool {
        guard let verb = Verb(method) else { return false }
        return verb == .get || verb == .head || (verb == .post && canonicalPath == "/auth/action/init")
    }

    enum Verb: String, Hashable, Sendable {
        case get = "GET", head = "HEAD", post = "POST", put = "PUT", delete = "DELETE", patch = "PATCH"

        init?(_ method: String) {
            self.init(rawValue: method.uppercased())
        }
    }

    struct Route: Hashable, Sendable {
        let verb: Verb
        let path: String

        init(_ verb: Verb, _ path: String) {
            self.verb = verb
            self.path = path
        }

        /// Segment-wise match where `*` in this route matches any one non-empty segment.
        func matches(_ verb: Verb, _ path: String) -> Bool {
            guard verb == self.verb else { return false }
            let pattern = self.path.split(separator: "/", omittingEmptySubsequences: false)
            let actual = path.split(separator: "/", omittingEmptySubsequences: false)
            guard pattern.count == actual.count else { return false }
            return zip(pattern, actual).allSatisfy { $0 == "*" ? !$1.isEmpty : $0 == $1 }
        }
    }
}
