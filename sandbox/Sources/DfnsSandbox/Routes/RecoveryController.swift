import DfnsEncoding
import DfnsProtocol
import GRDB
import Hummingbird

/// Account recovery (reference/dfns-protocol.md §6), delegated: a service account starts the
/// recovery of an end user with one of the user's recovery credentials; the user's device signs
/// the new credentials with the recovery key and attests them against the server challenge. On
/// success every earlier credential and token of the user is invalidated.
///
/// Not served: `POST /auth/recover/user/code` and `POST /auth/recover/user/init` (they need a
/// verification code sent by e-mail).
struct RecoveryController {
    let services: SandboxServices

    func addRoutes(to router: Router<SandboxRequestContext>) {
        router.post("/auth/recover/user/delegated", use: delegated)
        router.post("/auth/recover/user", use: recover)
    }

    /// `POST /auth/recover/user/delegated` (service account, user action) `{username, credentialId}`
    /// → creation challenge + `temporaryAuthenticationToken` + `allowedRecoveryCredentials`.
    @Sendable func delegated(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try AuthSupport.requireServiceAccount(principal, to: "start the recovery of a user (delegated recovery)")
        let body = try context.jsonBody()
        let username = try body.string("username")
        let credentialId = try body.string("credentialId")
        let services = self.services
        let ttl = services.configuration.challengeTTL
        let answer = try await services.perform(context) { db -> JSONValue in
            guard let user = try AuthSupport.user(db, orgId: principal.orgId, username: username) else {
                throw SandboxError.notFound("user \(username)")
            }
            guard user.kind != User.serviceAccount else {
                throw SandboxError.badRequest("\(username) is a service account, which has no recovery credential")
            }
            guard user.isRegistered else { throw SandboxError.badRequest("user \(username) has not completed registration") }
            guard user.isActive else { throw SandboxError.badRequest("user \(username) is deactivated") }
            let credentials = try AuthSupport.credentials(db, userId: user.id)
            guard let recovery = credentials.first(where: { $0.credId == credentialId }) else {
                throw SandboxError(.unauthorized, "E_NOT_RECOVERY_CREDENTIAL", "credential \(credentialId) is not a credential of user \(username)")
            }
            guard recovery.kind == CredentialKind.recoveryKey else {
                throw SandboxError(.unauthorized, "E_NOT_RECOVERY_CREDENTIAL", "credential \(credentialId) is not a recovery factor (it is a \(recovery.kind) credential)")
            }
            guard recovery.isActive else {
                throw SandboxError(.unauthorized, "E_NOT_RECOVERY_CREDENTIAL", "recovery credential \(credentialId) is deactivated")
            }
            try AuthSupport.abandonCeremonies(db, userId: user.id, purpose: ChallengePurpose.recovery)
            let token = try TokenMinter.mint(db, services: services, user: user, kind: TokenKind.temporary, ttl: ttl,
                                             purpose: ChallengePurpose.recovery)
            let challenge = try ChallengeIssuer.issue(
                db, orgId: user.orgId, userId: user.id, purpose: ChallengePurpose.recovery, ttl: ttl,
                detail: .object([
                    ("temporaryTokenId", .string(try AuthSupport.tokenId(of: token, services: services))),
                    ("recoveryCredentialUuid", .string(recovery.uuid)),
                    ("initiatorId", .string(principal.userId)),
                ]))
            let allowed: JSONValue = .array([.object([
                ("id", .string(recovery.credId)),
                ("encryptedRecoveryKey", recovery.encryptedPrivateKey.map { .string($0) } ?? .null),
            ])])
            return ChallengeIssuer.creationChallengeBody(
                challenge, user: user, organization: try services.organization(user.orgId, db), existing: credentials,
                extra: [("temporaryAuthenticationToken", .string(token)), ("allowedRecoveryCredentials", allowed)])
        }
        return JSONResponse.make(answer)
    }

    /// `POST /auth/recover/user` (recovery temporary token)
    /// `{recovery:{kind:"RecoveryKey", credentialAssertion}, newCredentials:{firstFactorCredential, recoveryCredential?}}`.
    @Sendable func recover(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()   // the Recovery temporary token (middleware)
        let body = try context.jsonBody()
        let recovery = try body.object("recovery")
        let newCredentials = try body.object("newCredentials")
        let kind = try recovery.requiredString("kind", in: "recovery")
        guard kind == CredentialKind.recoveryKey else {
            throw SandboxError.badRequest("recovery.kind must be RecoveryKey, found \(kind)")
        }
        guard let firstFactor = newCredentials["firstFactorCredential"], case .object = firstFactor else {
            throw SandboxError.badRequest("newCredentials.firstFactorCredential is required (an object)")
        }
        if let second = newCredentials["secondFactorCredential"], second != .null {
            throw SandboxError.badRequest("newCredentials.secondFactorCredential is not supported by the sandbox")
        }
        let newRecovery: JSONValue? = newCredentials["recoveryCredential"].flatMap { $0 == .null ? nil : $0 }

        let services = self.services
        let (challenge, credentials, organization) = try await services.database.writer.read { db in
            (try AuthSupport.ceremonyChallenge(db, purpose: ChallengePurpose.recovery, token: principal.token),
             try AuthSupport.credentials(db, userId: principal.userId),
             try services.organization(principal.orgId, db))
        }
        let recoveryChallenge = try Self.recoveryChallenge(recovery, newCredentials: newCredentials)
        // The assertion is a Key-style `key.get` over that challenge, by a RecoveryKey credential only.
        let verified = try AssertionChecker(organization: organization).verify(
            factor: recovery, challenge: recoveryChallenge, credentials: credentials, allowedKinds: [CredentialKind.recoveryKey])
        guard verified.credential.uuid == AuthSupport.detail(challenge)["recoveryCredentialUuid"]?.stringValue else {
            throw SandboxError(.unauthorized, "E_NOT_RECOVERY_CREDENTIAL",
                               "credential \(verified.credential.credId) is not the recovery credential this recovery was started with")
        }
        let checker = AttestationChecker(organization: organization)
        let first = try checker.verify(firstFactor, field: "newCredentials.firstFactorCredential", challenge: challenge.challenge,
                                       userId: principal.userId, allowedKinds: AuthSupport.firstFactorKinds)
        let second = try newRecovery.map { item throws(SandboxError) in
            try checker.verify(item, field: "newCredentials.recoveryCredential", challenge: challenge.challenge,
                               userId: principal.userId, allowedKinds: [CredentialKind.recoveryKey])
        }
        try AuthSupport.checkDistinct([first] + (second.map { [$0] } ?? []))

        let answer = try await services.perform(context) { db -> JSONValue in
            try AuthSupport.spendTemporaryToken(db, principal.token)
            try ChallengeIssuer.consume(db, identifier: challenge.id)
            guard let user = try User.fetchOne(db, key: principal.userId), user.isActive else {
                throw SandboxError.notAuthenticated("user \(principal.userId) is deactivated")
            }
            try AuthSupport.recordRecovery(db, challenge: challenge)
            let now = SandboxClock.now()
            // Everything the old credentials could still do ends here: the credentials themselves
            // (regular and recovery), every token (login, delegated login, PAT, other ceremonies),
            // and every challenge or user-action token not yet used.
            try db.execute(sql: "UPDATE credential SET isActive = 0 WHERE userId = ?", arguments: [user.id])
            try db.execute(sql: "UPDATE token SET isActive = 0 WHERE userId = ?", arguments: [user.id])
            try db.execute(sql: "UPDATE challenge SET usedAt = ? WHERE userId = ? AND usedAt IS NULL", arguments: [now, user.id])
            try db.execute(sql: "UPDATE userActionToken SET usedAt = ? WHERE userId = ? AND usedAt IS NULL", arguments: [now, user.id])
            try AuthSupport.insertNew(db, first)
            if let second { try AuthSupport.insertNew(db, second) }
            return .object([
                ("credential", AuthSupport.credentialSummary(first)),
                ("user", AuthSupport.registeredUserJSON(user)),
            ])
        }
        return JSONResponse.make(answer)
    }

    /// The challenge the recovery assertion signed, once it is shown to stand for `newCredentials`.
    ///
    /// The protocol has the device sign base64url(JSON.stringify(newCredentials)). The server need
    /// not reproduce the device's serialization byte for byte: the challenge in the assertion's
    /// clientData is decoded to bytes, parsed strictly as JSON, and must be equivalent
    /// (``JSONValue/isEquivalent(to:)``: same members and values, whatever their order or
    /// spacing) to the `newCredentials` the request carries. The signature is then checked over
    /// the clientData bytes with that challenge text, so the recovery key did sign exactly these
    /// new credentials.
    static func recoveryChallenge(_ recovery: JSONValue, newCredentials: JSONValue) throws(SandboxError) -> String {
        guard let assertion = recovery["credentialAssertion"], case .object = assertion else {
            throw .badRequest("recovery.credentialAssertion is required (an object)")
        }
        let encoded = try assertion.requiredString("clientData", in: "recovery.credentialAssertion")
        guard let clientData = try? Base64URL.decode(encoded) else {
            throw .badRequest("recovery.credentialAssertion.clientData is not base64url")
        }
        let parsed: KeyClientData.Parsed
        do {
            parsed = try KeyClientData.parse(clientData, expecting: .get)
        } catch {
            throw .notAuthenticated("recovery.credentialAssertion: \(error.description)")
        }
        guard let signedBytes = try? Base64URL.decode(parsed.challenge) else {
            throw .notAuthenticated("the recovery assertion's challenge is not base64url of the newCredentials JSON")
        }
        let signed: JSONValue
        do {
            signed = try JSONParser().parse(signedBytes)
        } catch {
            throw .notAuthenticated("the recovery assertion's challenge does not decode to JSON (\(error)); it must be base64url of the newCredentials JSON")
        }
        guard signed.isEquivalent(to: newCredentials) else {
            throw .notAuthenticated("the recovery assertion signed other credentials than newCredentials: its challenge must be base64url of the newCredentials JSON")
        }
        return parsed.challenge
    }
}
