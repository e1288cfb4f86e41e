import DfnsEncoding
import GRDB
import Hummingbird

/// Service accounts, personal access tokens and the user list (reference/dfns-protocol.md §7).
/// A service account is a user of kind ServiceAccount with a Key credential (the public key given)
/// and a token; a PAT is a token of the caller with its own Key credential, which signs the user
/// actions made with it but never logs in.
///
/// Not served: `PUT|DELETE /auth/service-accounts/{id}`, `PUT|DELETE /auth/users/…`,
/// `POST /auth/users`, `POST /auth/users/invite`, `PUT /auth/pats/{tokenId}` and permissions
/// (`permissionId` is refused).
struct ServiceAccountController {
    let services: SandboxServices

    func addRoutes(to router: Router<SandboxRequestContext>) {
        router.get("/auth/service-accounts", use: listServiceAccounts)
        router.post("/auth/service-accounts", use: createServiceAccount)
        router.get("/auth/service-accounts/:serviceAccountId", use: getServiceAccount)
        router.put("/auth/service-accounts/:serviceAccountId/activate", use: activateServiceAccount)
        router.put("/auth/service-accounts/:serviceAccountId/deactivate", use: deactivateServiceAccount)
        router.get("/auth/pats", use: listPersonalAccessTokens)
        router.post("/auth/pats", use: createPersonalAccessToken)
        router.get("/auth/pats/:tokenId", use: getPersonalAccessToken)
        router.put("/auth/pats/:tokenId/activate", use: activatePersonalAccessToken)
        router.put("/auth/pats/:tokenId/deactivate", use: deactivatePersonalAccessToken)
        router.delete("/auth/pats/:tokenId", use: deletePersonalAccessToken)
        router.get("/auth/users", use: listUsers)
        router.get("/auth/users/:userId", use: getUser)
    }

    // MARK: - Service accounts

    /// `{userInfo, accessTokens:[…]}`; `accessToken` holds the value of a token just created.
    private static func serviceAccountJSON(_ db: Database, _ user: User, accessToken: (id: String, value: String)? = nil) throws -> JSONValue {
        let tokens = try Token.filter(Column("userId") == user.id && Column("kind") == TokenKind.serviceAccount)
            .order(Column.rowID).fetchAll(db)
        let items = try tokens.map { token in
            AuthSupport.accessTokenJSON(token, credential: try token.credentialUuid.flatMap { try Credential.fetchOne(db, key: $0) },
                                        accessToken: accessToken?.id == token.id ? accessToken?.value : nil)
        }
        return .object([("userInfo", AuthSupport.userJSON(user)), ("accessTokens", .array(items))])
    }

    private static func serviceAccount(_ db: Database, id: String, orgId: String) throws -> User {
        guard let user = try User.fetchOne(db, key: id), user.orgId == orgId, user.kind == User.serviceAccount else {
            throw SandboxError.notFound("service account \(id)")
        }
        return user
    }

    /// `GET /auth/service-accounts`.
    @Sendable func listServiceAccounts(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try AuthSupport.requireServiceAccount(principal, to: "list service accounts")
        let page = try PageRequest(request)
        let answer = try await services.database.writer.read { db -> JSONValue in
            let (users, next) = try page.fetch(db, User.filter(Column("orgId") == principal.orgId && Column("kind") == User.serviceAccount))
            return PageRequest.body(try users.map { try Self.serviceAccountJSON(db, $0) }, nextPageToken: next)
        }
        return JSONResponse.make(answer)
    }

    /// `POST /auth/service-accounts` (user action) `{name, publicKey, daysValid?, externalId?}`.
    @Sendable func createServiceAccount(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try AuthSupport.requireServiceAccount(principal, to: "create service accounts")
        let body = try context.jsonBody()
        let name = try body.string("name").trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.utf8.count <= 256 else { throw SandboxError.badRequest("name must be 1 to 256 characters") }
        let key = try AuthSupport.keyCredentialPublicKey(try body.string("publicKey"), field: "publicKey")
        let externalId = try body.optionalString("externalId")
        try body.rejectMembers(["permissionId"], "is not supported by the sandbox (permissions are not served)")
        let services = self.services
        let ttl = try AuthSupport.tokenTTL(body, defaultTTL: services.configuration.serviceAccountTokenTTL, allowSeconds: false)
        let answer = try await services.perform(context) { db -> JSONValue in
            guard try AuthSupport.user(db, orgId: principal.orgId, username: name) == nil else {
                throw SandboxError.conflict("a user named \(name) already exists in this organization")
            }
            let now = SandboxClock.iso8601()
            let user = User(id: Identifiers.make("us"), orgId: principal.orgId, username: name, kind: User.serviceAccount,
                            isActive: true, isRegistered: true, externalId: externalId, dateCreated: now)
            try user.insert(db)
            let credential = Credential(uuid: Identifiers.make("cr"), credId: key.credId, userId: user.id, kind: CredentialKind.key,
                                        name: "\(name) key", publicKeyPEM: key.pem, coseKey: nil, signCount: 0,
                                        encryptedPrivateKey: nil, relyingPartyId: nil, origin: nil, isActive: true, dateCreated: now)
            try credential.insert(db)
            let token = try TokenMinter.mint(db, services: services, user: user, kind: TokenKind.serviceAccount, ttl: ttl,
                                             name: name, credentialUuid: credential.uuid)
            return try Self.serviceAccountJSON(db, user, accessToken: (try AuthSupport.tokenId(of: token, services: services), token))
        }
        return JSONResponse.make(answer)
    }

    /// `GET /auth/service-accounts/{serviceAccountId}`.
    @Sendable func getServiceAccount(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try AuthSupport.requireServiceAccount(principal, to: "read service accounts")
        let id = try context.parameters.require("serviceAccountId")
        let answer = try await services.database.writer.read { db in
            try Self.serviceAccountJSON(db, try Self.serviceAccount(db, id: id, orgId: principal.orgId))
        }
        return JSONResponse.make(answer)
    }

    @Sendable func activateServiceAccount(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try await setServiceAccount(active: true, context: context)
    }

    /// Deactivating a service account refuses its tokens from then on (401).
    @Sendable func deactivateServiceAccount(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try await setServiceAccount(active: false, context: context)
    }

    private func setServiceAccount(active: Bool, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try AuthSupport.requireServiceAccount(principal, to: "\(active ? "activate" : "deactivate") service accounts")
        let id = try context.parameters.require("serviceAccountId")
        guard active || id != principal.userId else {
            throw SandboxError.badRequest("a service account cannot deactivate itself (it would lock itself out)")
        }
        let answer = try await services.perform(context) { db -> JSONValue in
            var user = try Self.serviceAccount(db, id: id, orgId: principal.orgId)
            if user.isActive != active {
                user.isActive = active
                try user.update(db)
            }
            return try Self.serviceAccountJSON(db, user)
        }
        return JSONResponse.make(answer)
    }

    // MARK: - Personal access tokens

    private static func patJSON(_ db: Database, _ token: Token, accessToken: String? = nil) throws -> JSONValue {
        AuthSupport.accessTokenJSON(token, credential: try token.credentialUuid.flatMap { try Credential.fetchOne(db, key: $0) },
                                    accessToken: accessToken)
    }

    private static func ownPAT(_ db: Database, id: String, userId: String) throws -> Token {
        guard let token = try Token.fetchOne(db, key: id), token.userId == userId, token.kind == TokenKind.personalAccessToken else {
            throw SandboxError.notFound("personal access token \(id) of this user")
        }
        return token
    }

    /// `GET /auth/pats`: the caller's personal access tokens.
    @Sendable func listPersonalAccessTokens(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let page = try PageRequest(request)
        let answer = try await services.database.writer.read { db -> JSONValue in
            let (tokens, next) = try page.fetch(db, Token.filter(Column("userId") == principal.userId && Column("kind") == TokenKind.personalAccessToken))
            return PageRequest.body(try tokens.map { try Self.patJSON(db, $0) }, nextPageToken: next)
        }
        return JSONResponse.make(answer)
    }

    /// `POST /auth/pats` (user action) `{name, publicKey, daysValid?, secondsValid?, externalId?}`:
    /// a token for the caller, whose user actions the key `publicKey` signs.
    @Sendable func createPersonalAccessToken(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let body = try context.jsonBody()
        let name = try body.string("name").trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.utf8.count <= 256 else { throw SandboxError.badRequest("name must be 1 to 256 characters") }
        let key = try AuthSupport.keyCredentialPublicKey(try body.string("publicKey"), field: "publicKey")
        _ = try body.optionalString("externalId")
        try body.rejectMembers(["permissionId"], "is not supported by the sandbox (permissions are not served)")
        let services = self.services
        let ttl = try AuthSupport.tokenTTL(body, defaultTTL: services.configuration.serviceAccountTokenTTL, allowSeconds: true)
        let answer = try await services.perform(context) { db -> JSONValue in
            if try Credential.filter(Column("userId") == principal.userId && Column("credId") == key.credId).fetchCount(db) > 0 {
                throw SandboxError.conflict("publicKey is already a credential of this user (credId \(key.credId)); use a new key for each personal access token")
            }
            let credential = Credential(uuid: Identifiers.make("cr"), credId: key.credId, userId: principal.userId,
                                        kind: CredentialKind.key, name: "\(name) (personal access token)", publicKeyPEM: key.pem,
                                        coseKey: nil, signCount: 0, encryptedPrivateKey: nil, relyingPartyId: nil, origin: nil,
                                        isActive: true, dateCreated: SandboxClock.iso8601())
            try credential.insert(db)
            let jwt = try TokenMinter.mint(db, services: services, user: principal.user, kind: TokenKind.personalAccessToken,
                                           ttl: ttl, name: name, credentialUuid: credential.uuid)
            let token = try Self.ownPAT(db, id: try AuthSupport.tokenId(of: jwt, services: services), userId: principal.userId)
            return try Self.patJSON(db, token, accessToken: jwt)
        }
        return JSONResponse.make(answer)
    }

    /// `GET /auth/pats/{tokenId}`.
    @Sendable func getPersonalAccessToken(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("tokenId")
        let answer = try await services.database.writer.read { db in
            try Self.patJSON(db, try Self.ownPAT(db, id: id, userId: principal.userId))
        }
        return JSONResponse.make(answer)
    }

    @Sendable func activatePersonalAccessToken(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try await setPAT(active: true, context: context)
    }

    /// Revokes the token (and its key's credential).
    @Sendable func deactivatePersonalAccessToken(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try await setPAT(active: false, context: context)
    }

    private func setPAT(active: Bool, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("tokenId")
        let answer = try await services.perform(context) { db -> JSONValue in
            var token = try Self.ownPAT(db, id: id, userId: principal.userId)
            if active, token.expiresAt <= SandboxClock.now() {
                throw SandboxError.badRequest("personal access token \(id) has expired and cannot be activated")
            }
            if active, try AuthSupport.invalidatedByRecovery(db, userId: principal.userId,
                                                             member: AuthSupport.invalidatedAccessTokens, id: id) {
                throw SandboxError.badRequest("personal access token \(id) was invalidated by an account recovery and cannot be activated again")
            }
            token.isActive = active
            try token.update(db)
            if let uuid = token.credentialUuid {
                try db.execute(sql: "UPDATE credential SET isActive = ? WHERE uuid = ?", arguments: [active, uuid])
            }
            return try Self.patJSON(db, token)
        }
        return JSONResponse.make(answer)
    }

    /// `DELETE /auth/pats/{tokenId}` (user action): the token is forgotten, its key deactivated.
    @Sendable func deletePersonalAccessToken(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("tokenId")
        let answer = try await services.perform(context) { db -> JSONValue in
            var token = try Self.ownPAT(db, id: id, userId: principal.userId)
            if let uuid = token.credentialUuid {
                try db.execute(sql: "UPDATE credential SET isActive = 0 WHERE uuid = ?", arguments: [uuid])
            }
            token.isActive = false
            let json = try Self.patJSON(db, token)
            try Token.deleteOne(db, key: id)
            return json
        }
        return JSONResponse.make(answer)
    }

    // MARK: - Users

    /// `GET /auth/users?kind=` (service accounts only).
    @Sendable func listUsers(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try AuthSupport.requireServiceAccount(principal, to: "list users")
        let page = try PageRequest(request)
        let kind = request.uri.queryParameters["kind"].map(String.init)
        let kinds = [User.serviceAccount, User.endUser, User.customerEmployee]
        if let kind, !kinds.contains(kind) {
            throw SandboxError.badRequest("kind must be one of \(kinds.joined(separator: ", ")), found \(kind)")
        }
        let answer = try await services.database.writer.read { db -> JSONValue in
            var query = User.filter(Column("orgId") == principal.orgId)
            if let kind { query = query.filter(Column("kind") == kind) }
            let (users, next) = try page.fetch(db, query)
            return PageRequest.body(users.map(AuthSupport.userJSON), nextPageToken: next)
        }
        return JSONResponse.make(answer)
    }

    /// `GET /auth/users/{userId}` (service accounts only).
    @Sendable func getUser(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try AuthSupport.requireServiceAccount(principal, to: "read users")
        let id = try context.parameters.require("userId")
        let user = try await services.database.writer.read { db in try User.fetchOne(db, key: id) }
        guard let user, user.orgId == principal.orgId else { throw SandboxError.notFound("user \(id)") }
        return JSONResponse.make(AuthSupport.userJSON(user))
    }
}
