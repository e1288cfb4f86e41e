import DfnsEncoding
import GRDB
import Hummingbird

/// Login (reference/dfns-protocol.md §4): a challenge for a username, signed by one of the user's
/// credentials for a login token; delegated login of an end user by a service account; logout.
///
/// Not served: usernameless login (`/auth/login/init` without `username`), `POST /auth/login/code`
/// (e-mailed one-time codes), social, OIDC and SSO login, and `POST /auth/tokens`.
struct LoginController {
    let services: SandboxServices

    func addRoutes(to router: Router<SandboxRequestContext>) {
        router.post("/auth/login/init", use: initialize)
        router.post("/auth/login", use: login)
        router.post("/auth/login/delegated", use: delegated)
        router.put("/auth/logout", use: logout)
    }

    /// The one answer for an unknown organization, an unknown or unregistered user, a service
    /// account or a deactivated user: no more than Dfns says to an unauthenticated caller.
    static let userNotFound = SandboxError(.unauthorized, "E_USER_NOT_FOUND", "user not found")

    /// The user `username` of `orgId` if it may log in, else ``userNotFound``.
    private static func loginUser(_ db: Database, orgId: String, username: String) throws -> User {
        guard try Organization.fetchOne(db, key: orgId) != nil,
              let user = try AuthSupport.user(db, orgId: orgId, username: username),
              user.kind != User.serviceAccount, user.isRegistered, user.isActive else {
            throw userNotFound
        }
        return user
    }

    /// The credentials that may sign a login: active signing credentials that do not back a
    /// service-account token or a PAT.
    private static func loginCredentials(_ db: Database, user: User) throws -> [Credential] {
        let bound = try AuthSupport.tokenBoundCredentialUuids(db, userId: user.id)
        return try AuthSupport.credentials(db, userId: user.id)
            .filter { $0.isActive && AuthSupport.signingKinds.contains($0.kind) && !bound.contains($0.uuid) }
    }

    /// `POST /auth/login/init` `{username, orgId}` → the signing challenge (user-action shape).
    @Sendable func initialize(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let body = try context.jsonBody()
        let orgId = try body.string("orgId")
        guard let username = try body.optionalString("username") else {
            throw SandboxError.badRequest("username is required: usernameless login is not served by the sandbox")
        }
        let services = self.services
        let ttl = services.configuration.challengeTTL
        let answer = try await services.database.writer.write { db -> JSONValue in
            let user = try Self.loginUser(db, orgId: orgId, username: username)
            let credentials = try Self.loginCredentials(db, user: user)
            guard !credentials.isEmpty else {
                throw SandboxError(.unauthorized, "E_NO_CREDENTIAL", "no usable credential: the user has no active credential that can log in")
            }
            let challenge = try ChallengeIssuer.issue(db, orgId: orgId, userId: user.id, purpose: ChallengePurpose.login, ttl: ttl)
            return ChallengeIssuer.signingChallengeBody(challenge, credentials: credentials,
                                                        organization: try services.organization(orgId, db))
        }
        return JSONResponse.make(answer)
    }

    /// `POST /auth/login` `{challengeIdentifier, firstFactor}` → `{token}`.
    @Sendable func login(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let body = try context.jsonBody()
        let identifier = try body.string("challengeIdentifier")
        let firstFactor = try body.object("firstFactor")
        if try body.optionalObject("secondFactor") != nil {
            throw SandboxError.badRequest("secondFactor is not supported by the sandbox")
        }
        let services = self.services
        let (challenge, user, credentials, bound, organization) = try await services.database.writer.read { db in
            let challenge = try ChallengeIssuer.find(db, identifier: identifier, purpose: ChallengePurpose.login)
            guard let user = try User.fetchOne(db, key: challenge.userId) else { throw Self.userNotFound }
            guard user.isActive else { throw SandboxError.notAuthenticated("user \(user.id) is deactivated") }
            return (challenge, user, try AuthSupport.credentials(db, userId: user.id),
                    try AuthSupport.tokenBoundCredentialUuids(db, userId: user.id),
                    try services.organization(challenge.orgId, db))
        }
        let verified = try AssertionChecker(organization: organization).verify(
            factor: firstFactor, challenge: challenge.challenge, credentials: credentials, allowedKinds: AuthSupport.signingKinds)
        guard !bound.contains(verified.credential.uuid) else {
            throw SandboxError.notAuthenticated("credential \(verified.credential.credId) is the key of an access token, which cannot log in")
        }
        let ttl = services.configuration.loginTokenTTL
        let token = try await services.database.writer.write { db -> String in
            try ChallengeIssuer.consume(db, identifier: challenge.id)
            if let count = verified.newSignCount {
                try db.execute(sql: "UPDATE credential SET signCount = ? WHERE uuid = ?", arguments: [count, verified.credential.uuid])
            }
            return try TokenMinter.mint(db, services: services, user: user, kind: TokenKind.login, ttl: ttl)
        }
        return JSONResponse.make(.object([("token", .string(token))]))
    }

    /// `POST /auth/login/delegated` (service account, user action) `{username}` → `{token}` for an
    /// active, registered end user of the organization.
    @Sendable func delegated(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try AuthSupport.requireServiceAccount(principal, to: "log in end users (delegated login)")
        let username = try context.jsonBody().string("username")
        let services = self.services
        let ttl = services.configuration.loginTokenTTL
        let token = try await services.perform(context) { db -> String in
            guard let user = try AuthSupport.user(db, orgId: principal.orgId, username: username) else {
                throw SandboxError.notFound("user \(username)")
            }
            guard user.kind == User.endUser else {
                throw SandboxError.badRequest("delegated login is for end users; \(username) is a \(user.kind)")
            }
            guard user.isRegistered else { throw SandboxError.badRequest("user \(username) has not completed registration") }
            guard user.isActive else { throw SandboxError.badRequest("user \(username) is deactivated") }
            return try TokenMinter.mint(db, services: services, user: user, kind: TokenKind.delegatedLogin, ttl: ttl)
        }
        return JSONResponse.make(.object([("token", .string(token))]))
    }

    /// `PUT /auth/logout` `{allSessions?}`: revokes this login token, or every login token of the user.
    @Sendable func logout(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let whitespace: Set<UInt8> = [0x20, 0x0A, 0x0D, 0x09]
        let hasBody = context.body.contains { !whitespace.contains($0) }
        let allSessions = try hasBody && (context.jsonBody().optionalBool("allSessions") ?? false)
        let sessionKinds = [TokenKind.login, TokenKind.delegatedLogin]
        guard sessionKinds.contains(principal.token.kind) else {
            throw SandboxError.badRequest("logout ends login sessions; this bearer token is a \(principal.token.kind) token (deactivate a PAT with PUT /auth/pats/{tokenId}/deactivate)")
        }
        let count = try await services.perform(context) { db -> Int in
            if allSessions {
                try db.execute(sql: "UPDATE token SET isActive = 0 WHERE userId = ? AND kind IN (?, ?) AND isActive = 1",
                               arguments: [principal.userId, TokenKind.login, TokenKind.delegatedLogin])
            } else {
                try db.execute(sql: "UPDATE token SET isActive = 0 WHERE id = ?", arguments: [principal.token.id])
            }
            return db.changesCount
        }
        return JSONResponse.make(AuthSupport.message(allSessions ? "logged out of \(count) session(s)" : "logged out"))
    }
}
