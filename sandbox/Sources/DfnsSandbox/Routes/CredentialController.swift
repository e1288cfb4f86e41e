import DfnsEncoding
import Foundation
import GRDB
import Hummingbird

/// Credential management (reference/dfns-protocol.md §5): list, create (with a challenge taken
/// with the user's token and a user action signed by an existing credential: the multi-device
/// flow), create from another app with a one-time code, activate, deactivate and delete.
///
/// Password and Totp credentials are not served.
struct CredentialController {
    let services: SandboxServices

    func addRoutes(to router: Router<SandboxRequestContext>) {
        router.get("/auth/credentials", use: list)
        router.post("/auth/credentials/init", use: initialize)
        router.post("/auth/credentials", use: create)
        router.post("/auth/credentials/code", use: createCode)
        router.post("/auth/credentials/code/init", use: initializeWithCode)
        router.post("/auth/credentials/code/verify", use: createWithCode)
        router.put("/auth/credentials/activate", use: activate)
        router.put("/auth/credentials/deactivate", use: deactivate)
        router.delete("/auth/credentials/:credentialUuid", use: delete)
    }

    /// The kinds a new credential may have here.
    static let creatableKinds: Set<String> = AuthSupport.firstFactorKinds.union([CredentialKind.recoveryKey])
    /// Longest lifetime of a one-time credential code, seconds.
    static let maxCodeLifetime: Double = 3600

    /// The `kind` asked for, or a 400 naming what is served.
    static func checkKind(_ kind: String, field: String) throws(SandboxError) {
        guard creatableKinds.contains(kind) else {
            if kind == "Password" || kind == "Totp" {
                throw .badRequest("\(field) \(kind) is not supported by the sandbox (Fido2, Key, PasswordProtectedKey and RecoveryKey are)")
            }
            throw .badRequest("\(field) \(kind) is not a credential kind (Fido2, Key, PasswordProtectedKey, RecoveryKey)")
        }
    }

    /// How the challenge was obtained, in its detail: with the user's bearer token (completed by a
    /// user action) or with a one-time code (completed by `/code/verify`).
    enum Via {
        static let bearer = "bearer"
        static let code = "code"
    }

    /// `GET /auth/credentials`: the caller's credentials.
    @Sendable func list(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let page = try PageRequest(request)
        let (items, next) = try await services.database.writer.read { db in
            try page.fetch(db, Credential.filter(Column("userId") == principal.userId))
        }
        return JSONResponse.make(PageRequest.body(items.map(AuthSupport.credentialJSON), nextPageToken: next))
    }

    /// `POST /auth/credentials/init` (bearer) `{kind}` → a creation challenge for the caller.
    @Sendable func initialize(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let kind = try context.jsonBody().string("kind")
        try Self.checkKind(kind, field: "kind")
        let services = self.services
        let ttl = services.configuration.challengeTTL
        let answer = try await services.database.writer.write { db -> JSONValue in
            try Self.issue(db, services: services, user: principal.user, kind: kind, via: Via.bearer, ttl: ttl)
        }
        return JSONResponse.make(answer)
    }

    /// A Credential challenge for `user` and its body.
    private static func issue(_ db: Database, services: SandboxServices, user: User, kind: String, via: String,
                              ttl: Double) throws -> JSONValue {
        let challenge = try ChallengeIssuer.issue(db, orgId: user.orgId, userId: user.id, purpose: ChallengePurpose.credential,
                                                  ttl: ttl, detail: .object([("kind", .string(kind)), ("via", .string(via))]))
        return ChallengeIssuer.creationChallengeBody(challenge, user: user, organization: try services.organization(user.orgId, db),
                                                     existing: try AuthSupport.credentials(db, userId: user.id),
                                                     extra: [("kind", .string(kind))])
    }

    /// `POST /auth/credentials` (user action) `{credentialKind, credentialInfo, credentialName,
    /// challengeIdentifier, encryptedPrivateKey?}`: the attestation is checked against the Credential
    /// challenge the same user obtained; the user action was signed by an existing credential.
    @Sendable func create(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let body = try context.jsonBody()
        let credential = try await verify(body, expectedUser: principal.userId, via: nil)
        let answer = try await services.perform(context) { db -> JSONValue in
            try Self.store(db, credential: credential.credential, challengeId: credential.challengeId)
        }
        return JSONResponse.make(answer)
    }

    /// The verified, unsaved credential of a creation request and the challenge it answered.
    private func verify(_ body: JSONRequestBody, expectedUser: String?, via: String?) async throws -> (credential: Credential, challengeId: String) {
        let identifier = try body.string("challengeIdentifier")
        let kind = try body.string("credentialKind")
        try Self.checkKind(kind, field: "credentialKind")
        let services = self.services
        let (challenge, user, organization) = try await services.database.writer.read { db in
            let challenge = try ChallengeIssuer.find(db, identifier: identifier, purpose: ChallengePurpose.credential)
            if let expectedUser, challenge.userId != expectedUser {
                throw SandboxError(.badRequest, "E_INVALID_CHALLENGE", "the credential challenge was issued to another user")
            }
            guard let user = try User.fetchOne(db, key: challenge.userId) else { throw SandboxError.notFound("user \(challenge.userId)") }
            return (challenge, user, try services.organization(challenge.orgId, db))
        }
        let detail = AuthSupport.detail(challenge)
        if let via, detail["via"]?.stringValue != via {
            throw SandboxError(.badRequest, "E_INVALID_CHALLENGE",
                               "the credential challenge was not issued by POST /auth/credentials/code/init; complete it with POST /auth/credentials and a user action")
        }
        guard user.isActive else { throw SandboxError.badRequest("user \(user.id) is deactivated") }
        if let asked = detail["kind"]?.stringValue, asked != kind {
            throw SandboxError.badRequest("credentialKind \(kind) differs from the kind \(asked) the challenge was issued for")
        }
        let credential = try AttestationChecker(organization: organization).verify(
            body.value, field: "body", challenge: challenge.challenge, userId: user.id, allowedKinds: Self.creatableKinds)
        return (credential, challenge.id)
    }

    private static func store(_ db: Database, credential: Credential, challengeId: String) throws -> JSONValue {
        try ChallengeIssuer.consume(db, identifier: challengeId)
        guard let user = try User.fetchOne(db, key: credential.userId), user.isActive else {
            throw SandboxError.badRequest("user \(credential.userId) is deactivated")
        }
        try AuthSupport.insertNew(db, credential)
        return AuthSupport.credentialJSON(credential)
    }

    /// `POST /auth/credentials/code` (user action) `{expiration}` → `{code, expiration}`: a one-time
    /// code another app of the user exchanges for a credential challenge.
    @Sendable func createCode(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let body = try context.jsonBody()
        guard let member = body.value["expiration"] else { throw SandboxError.badRequest("expiration is required") }
        let expiresAt = try Self.parseExpiration(member)
        let now = SandboxClock.now()
        guard expiresAt > now else { throw SandboxError.badRequest("expiration must be in the future") }
        guard expiresAt <= now + Self.maxCodeLifetime else {
            throw SandboxError.badRequest("expiration must be at most \(Int(Self.maxCodeLifetime)) seconds from now")
        }
        let code = [4, 4, 4, 4].map { Identifiers.randomGroup($0).uppercased() }.joined(separator: "-")
        try await services.perform(context) { db in
            try Challenge(id: Identifiers.make("chi"), orgId: principal.orgId, userId: principal.userId,
                          purpose: AuthSupport.credentialCodePurpose, challenge: code, httpMethod: nil, httpPath: nil,
                          payload: nil, detail: nil, expiresAt: expiresAt, usedAt: nil).insert(db)
        }
        return JSONResponse.make(.object([("code", .string(code)), ("expiration", .string(SandboxClock.iso8601(expiresAt)))]))
    }

    /// `expiration`: an ISO 8601 date, or a Unix timestamp (seconds, or milliseconds when it is
    /// too large to be seconds) as a number or a string of digits.
    static func parseExpiration(_ value: JSONValue) throws(SandboxError) -> Double {
        func unix(_ number: Double) -> Double { number > 100_000_000_000 ? number / 1000 : number }
        switch value {
        case .number:
            guard let number = value.doubleValue else { throw .badRequest("expiration is not a number") }
            return unix(number)
        case .string(let text):
            if let number = Double(text), text.allSatisfy({ $0.isNumber || $0 == "." }) { return unix(number) }
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            if let date = formatter.date(from: text) { return date.timeIntervalSince1970 }
            formatter.formatOptions = [.withInternetDateTime]
            if let date = formatter.date(from: text) { return date.timeIntervalSince1970 }
            throw .badRequest("expiration must be an ISO 8601 date or a Unix timestamp (found \(text.prefix(40)))")
        default:
            throw .badRequest("expiration must be an ISO 8601 string or a Unix timestamp, found \(value.typeName)")
        }
    }

    /// `POST /auth/credentials/code/init` (no authentication) `{credentialKind, code}` → a creation
    /// challenge for the user the code belongs to. The code is spent.
    @Sendable func initializeWithCode(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let body = try context.jsonBody()
        let kind = try body.string("credentialKind")
        let code = try body.string("code")
        try Self.checkKind(kind, field: "credentialKind")
        let services = self.services
        let ttl = services.configuration.challengeTTL
        let answer = try await services.database.writer.write { db -> JSONValue in
            guard let record = try Challenge.filter(Column("purpose") == AuthSupport.credentialCodePurpose && Column("challenge") == code).fetchOne(db) else {
                throw SandboxError(.forbidden, "E_INVALID_CODE", "invalid code: no such credential code")
            }
            guard record.usedAt == nil else { throw SandboxError(.forbidden, "E_INVALID_CODE", "invalid code: the code has already been used") }
            guard record.expiresAt > SandboxClock.now() else { throw SandboxError(.forbidden, "E_INVALID_CODE", "invalid code: the code has expired") }
            try ChallengeIssuer.consume(db, identifier: record.id)
            guard let user = try User.fetchOne(db, key: record.userId), user.isActive else {
                throw SandboxError(.forbidden, "E_INVALID_CODE", "invalid code: its user is deactivated")
            }
            return try Self.issue(db, services: services, user: user, kind: kind, via: Via.code, ttl: ttl)
        }
        return JSONResponse.make(answer)
    }

    /// `POST /auth/credentials/code/verify` (no authentication): the body of `POST /auth/credentials`
    /// for a challenge of `/code/init`.
    @Sendable func createWithCode(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let body = try context.jsonBody()
        let credential = try await verify(body, expectedUser: nil, via: Via.code)
        let answer = try await services.database.writer.write { db -> JSONValue in
            try Self.store(db, credential: credential.credential, challengeId: credential.challengeId)
        }
        return JSONResponse.make(answer)
    }

    /// `PUT /auth/credentials/activate` (user action) `{credentialUuid}`.
    @Sendable func activate(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try await setActive(true, context: context)
    }

    /// `PUT /auth/credentials/deactivate` (user action) `{credentialUuid}`; the user's last active
    /// credential that can sign is kept.
    @Sendable func deactivate(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try await setActive(false, context: context)
    }

    private func setActive(_ active: Bool, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let uuid = try context.jsonBody().string("credentialUuid")
        let message = try await services.perform(context) { db -> String in
            let credential = try Self.ownCredential(db, uuid: uuid, userId: principal.userId)
            guard credential.isActive != active else {
                return "credential \(uuid) is already \(active ? "active" : "deactivated")"
            }
            if active, try AuthSupport.invalidatedByRecovery(db, userId: principal.userId,
                                                             member: AuthSupport.invalidatedCredentials, id: uuid) {
                throw SandboxError.badRequest("credential \(uuid) was invalidated by an account recovery and cannot be activated again; register a new credential")
            }
            if !active { try Self.checkNotLastSigner(db, credential) }
            try db.execute(sql: "UPDATE credential SET isActive = ? WHERE uuid = ?", arguments: [active, uuid])
            return "credential \(uuid) \(active ? "activated" : "deactivated")"
        }
        return JSONResponse.make(AuthSupport.message(message))
    }

    /// `DELETE /auth/credentials/{credentialUuid}` (user action).
    @Sendable func delete(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let uuid = try context.parameters.require("credentialUuid")
        let message = try await services.perform(context) { db -> String in
            let credential = try Self.ownCredential(db, uuid: uuid, userId: principal.userId)
            if credential.isActive { try Self.checkNotLastSigner(db, credential) }
            if let tokenId = try String.fetchOne(db, sql: "SELECT id FROM token WHERE credentialUuid = ? AND kind IN (?, ?)",
                                                 arguments: [uuid, TokenKind.serviceAccount, TokenKind.personalAccessToken]) {
                throw SandboxError.badRequest("credential \(uuid) is the key of access token \(tokenId); delete or deactivate the token instead")
            }
            try Credential.deleteOne(db, key: uuid)
            return "credential \(uuid) deleted"
        }
        return JSONResponse.make(AuthSupport.message(message))
    }

    private static func ownCredential(_ db: Database, uuid: String, userId: String) throws -> Credential {
        guard let credential = try Credential.fetchOne(db, key: uuid), credential.userId == userId else {
            throw SandboxError.notFound("credential \(uuid) of this user")
        }
        return credential
    }

    /// Refuses to take away the user's last active credential that can sign (a user left with
    /// none could never sign a user action or log in again, except by recovery).
    private static func checkNotLastSigner(_ db: Database, _ credential: Credential) throws {
        guard AuthSupport.signingKinds.contains(credential.kind) else { return }
        let others = try AuthSupport.credentials(db, userId: credential.userId).filter {
            $0.uuid != credential.uuid && $0.isActive && AuthSupport.signingKinds.contains($0.kind)
        }
        guard !others.isEmpty else {
            throw SandboxError.badRequest("credential \(credential.uuid) is the user's last active credential that can sign; add another credential first")
        }
    }
}
