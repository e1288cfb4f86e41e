import DfnsProtocol
import GRDB
import Hummingbird

/// Resolves the bearer token into a ``Principal`` on every route that needs one
/// (all but the unauthenticated endpoints of ``UserActionRules``). A token is refused when it is
/// malformed, not signed by this sandbox, expired, unknown, revoked, names a user of another
/// organization, or names a deactivated user. A temporary token (registration or recovery) is
/// accepted only on the endpoint that completes its ceremony, and only such a token is accepted
/// there.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = SandboxRequestContext
    let services: SandboxServices

    /// The endpoints a temporary token completes, and the purpose it must carry.
    static let temporaryTokenRoutes: [String: String] = [
        "POST /auth/registration": ChallengePurpose.registration,
        "POST /auth/registration/enduser": ChallengePurpose.registration,
        "POST /auth/recover/user": ChallengePurpose.recovery,
    ]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let method = request.method.rawValue
        let path = request.uri.path
        if UserActionRules.isUnauthenticated(method: method, canonicalPath: path) {
            return try await next(request, context)
        }
        guard let header = request.headers[.authorization] else {
            throw SandboxError.notAuthenticated("missing Authorization header (Bearer token)")
        }
        let prefix = "Bearer "
        guard header.hasPrefix(prefix), header.count > prefix.count else {
            throw SandboxError.notAuthenticated("the Authorization header must be \"Bearer <token>\"")
        }
        let jwt = String(header.dropFirst(prefix.count))
        let now = SandboxClock.now()
        let claims: TokenIssuer.Claims
        do {
            claims = try services.tokens.verify(jwt, now: now)
        } catch {
            throw SandboxError.notAuthenticated(error.description)
        }
        let (token, user, credential) = try await services.database.writer.read { db -> (Token?, User?, Credential?) in
            // Every authenticated request runs these three lookups: cached statements, compiled once.
            let token = try Token.fetchOne(db.cachedStatement(sql: "SELECT * FROM token WHERE id = ?"), arguments: [claims.tokenId])
            let credential = try token?.credentialUuid.flatMap {
                try Credential.fetchOne(db.cachedStatement(sql: "SELECT * FROM credential WHERE uuid = ?"), arguments: [$0])
            }
            let user = try User.fetchOne(db.cachedStatement(sql: "SELECT * FROM user WHERE id = ?"), arguments: [claims.userId])
            return (token, user, credential)
        }
        guard let token, token.userId == claims.userId else {
            throw SandboxError.notAuthenticated("the bearer token is not known to this sandbox")
        }
        guard token.isActive else { throw SandboxError.notAuthenticated("the bearer token has been revoked") }
        guard token.expiresAt > now else { throw SandboxError.notAuthenticated("the bearer token has expired") }
        guard let user, user.orgId == claims.orgId, token.orgId == claims.orgId else {
            throw SandboxError.notAuthenticated("the bearer token belongs to another organization")
        }
        guard user.isActive else { throw SandboxError.notAuthenticated("user \(user.id) is deactivated") }
        // A service-account token or PAT stands for its Key credential: deactivating the credential
        // retires the token too.
        if token.credentialUuid != nil, credential?.isActive != true {
            throw SandboxError.notAuthenticated("the bearer token's credential is deactivated")
        }

        let route = "\(method) \(path)"
        if let purpose = Self.temporaryTokenRoutes[route] {
            guard token.kind == TokenKind.temporary, token.purpose == purpose else {
                throw SandboxError.notAuthenticated("\(route) takes the temporaryAuthenticationToken of a \(purpose.lowercased())")
            }
        } else if token.kind == TokenKind.temporary {
            throw SandboxError.notAuthenticated("a temporaryAuthenticationToken only completes its \(token.purpose?.lowercased() ?? "ceremony")")
        } else if !user.isRegistered {
            throw SandboxError.notAuthenticated("user \(user.id) has not completed registration")
        }
        var context = context
        context.principal = Principal(token: token, user: user)
        return try await next(request, context)
    }
}
