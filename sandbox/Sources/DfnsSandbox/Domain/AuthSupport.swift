import DfnsClient
import DfnsCrypto
import DfnsEncoding
import Foundation
import GRDB

/// What the authentication controllers share: the JSON shapes of credentials, users and access
/// tokens (reference/dfns-protocol.md §3, §5, §7), who may call the administrative endpoints, and
/// the bookkeeping of registration and recovery ceremonies (a challenge bound to the temporary
/// token that completes it).
enum AuthSupport {
    /// `Challenge.purpose` of a one-time code of `POST /auth/credentials/code` (the code is the
    /// challenge text; single use; its expiry is the one asked for).
    static let credentialCodePurpose = "CredentialCode"

    /// The credential kinds a first factor may have (registration, recovery, new credentials).
    static let firstFactorKinds: Set<String> = [CredentialKind.fido2, CredentialKind.key, CredentialKind.passwordProtectedKey]
    /// The credential kinds that sign logins and user actions.
    static let signingKinds: Set<String> = firstFactorKinds

    // MARK: - JSON

    /// A credential as `GET /auth/credentials` lists it and `POST /auth/credentials` answers it.
    static func credentialJSON(_ credential: Credential) -> JSONValue {
        .object([
            ("kind", .string(credential.kind)),
            ("credentialId", .string(credential.credId)),
            ("credentialUuid", .string(credential.uuid)),
            ("dateCreated", .string(credential.dateCreated)),
            ("isActive", .bool(credential.isActive)),
            ("name", .string(credential.name)),
            ("publicKey", credential.publicKeyPEM.map { .string($0) } ?? .null),
            ("relyingPartyId", credential.relyingPartyId.map { .string($0) } ?? .null),
            ("origin", credential.origin.map { .string($0) } ?? .null),
        ])
    }

    /// `{uuid, kind, name}`: the credential of a registration or recovery answer.
    static func credentialSummary(_ credential: Credential) -> JSONValue {
        .object([("uuid", .string(credential.uuid)), ("kind", .string(credential.kind)), ("name", .string(credential.name))])
    }

    /// `{id, username, orgId}`: the user of a registration or recovery answer.
    static func registeredUserJSON(_ user: User) -> JSONValue {
        .object([("id", .string(user.id)), ("username", .string(user.username)), ("orgId", .string(user.orgId))])
    }

    /// A user as `GET /auth/users` lists it (and a service account's `userInfo`).
    static func userJSON(_ user: User) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("userId", .string(user.id)), ("kind", .string(user.kind)), ("username", .string(user.username)),
            ("name", .string(user.username)), ("orgId", .string(user.orgId)), ("isActive", .bool(user.isActive)),
            ("isServiceAccount", .bool(user.kind == User.serviceAccount)), ("isRegistered", .bool(user.isRegistered)),
            ("dateCreated", .string(user.dateCreated)),
        ]
        if let externalId = user.externalId { members.append(("externalId", .string(externalId))) }
        return .object(members)
    }

    /// An access token (service account token or PAT) without its value; `accessToken` is added
    /// only in the answer that creates it (Dfns never shows it again).
    static func accessTokenJSON(_ token: Token, credential: Credential?, accessToken: String? = nil) -> JSONValue {
        var members: [(String, JSONValue)] = []
        if let accessToken { members.append(("accessToken", .string(accessToken))) }
        members.append(contentsOf: [
            ("tokenId", .string(token.id)), ("kind", .string(token.kind)), ("name", .string(token.name ?? "")),
            ("linkedUserId", .string(token.userId)), ("orgId", .string(token.orgId)),
            ("credId", credential.map { .string($0.credId) } ?? .null),
            ("publicKey", credential?.publicKeyPEM.map { .string($0) } ?? .null),
            ("isActive", .bool(token.isActive)), ("dateCreated", .string(token.dateCreated)),
            ("expiresAt", .string(SandboxClock.iso8601(token.expiresAt))),
        ])
        return .object(members)
    }

    /// `{"message": text}`.
    static func message(_ text: String) -> JSONValue {
        .object([("message", .string(text))])
    }

    // MARK: - Who may call

    /// Refuses a caller that is not a service account (403, naming the operation and the caller).
    static func requireServiceAccount(_ principal: Principal, to operation: String) throws(SandboxError) {
        guard principal.isServiceAccount else {
            throw .forbidden("only a service account may \(operation); user \(principal.userId) is a \(principal.user.kind)")
        }
    }

    /// 401 `user exists`, as documented for a registration of a username already registered.
    static func userExists(_ username: String) -> SandboxError {
        SandboxError(.unauthorized, "E_USER_EXISTS", "user exists: \(username) is already registered in this organization")
    }

    // MARK: - Lookups

    /// The user `username` of organization `orgId`, if any.
    static func user(_ db: Database, orgId: String, username: String) throws -> User? {
        try User.filter(Column("orgId") == orgId && Column("username") == username).fetchOne(db)
    }

    /// The credentials of `userId`.
    static func credentials(_ db: Database, userId: String) throws -> [Credential] {
        try Credential.filter(Column("userId") == userId).order(Column.rowID).fetchAll(db)
    }

    /// The uuids of credentials that back a service-account token or a personal access token: they
    /// sign that token's user actions but never log in.
    static func tokenBoundCredentialUuids(_ db: Database, userId: String) throws -> Set<String> {
        Set(try String.fetchAll(db, sql: """
            SELECT credentialUuid FROM token
            WHERE userId = ? AND credentialUuid IS NOT NULL AND kind IN (?, ?)
            """, arguments: [userId, TokenKind.serviceAccount, TokenKind.personalAccessToken]))
    }

    /// A challenge's `detail` document (an empty object when it has none).
    static func detail(_ challenge: Challenge) -> JSONValue {
        guard let text = challenge.detail, let value = try? JSONParser().parse(Array(text.utf8)) else { return .object([]) }
        return value
    }

    /// The id (`jti`) of a token this sandbox just minted.
    static func tokenId(of jwt: String, services: SandboxServices) throws -> String {
        do {
            return try services.tokens.verify(jwt, now: SandboxClock.now()).tokenId
        } catch {
            throw SandboxError.internalError("a token just minted does not verify: \(error)")
        }
    }

    // MARK: - Ceremonies (registration, recovery)

    /// The challenge of `purpose` issued together with the temporary `token`: unused and unexpired,
    /// or the documented 400 naming why.
    static func ceremonyChallenge(_ db: Database, purpose: String, token: Token) throws -> Challenge {
        let candidates = try Challenge
            .filter(Column("userId") == token.userId && Column("purpose") == purpose)
            .order(Column.rowID.desc).fetchAll(db)
        guard let challenge = candidates.first(where: { detail($0)["temporaryTokenId"]?.stringValue == token.id }) else {
            throw SandboxError(.badRequest, "E_INVALID_CHALLENGE",
                               "no \(purpose.lowercased()) challenge was issued with this temporaryAuthenticationToken")
        }
        guard challenge.usedAt == nil else {
            throw SandboxError(.badRequest, "E_CHALLENGE_USED", "the \(purpose.lowercased()) challenge has already been used")
        }
        guard challenge.expiresAt > SandboxClock.now() else {
            throw SandboxError(.badRequest, "E_CHALLENGE_EXPIRED", "the \(purpose.lowercased()) challenge has expired")
        }
        return challenge
    }

    /// Ends the earlier, unfinished ceremonies of `purpose` of `userId` when a new one starts: their
    /// temporary tokens are revoked and their challenges spent, so only the newest can complete.
    static func abandonCeremonies(_ db: Database, userId: String, purpose: String) throws {
        let now = SandboxClock.now()
        try db.execute(sql: "UPDATE token SET isActive = 0 WHERE userId = ? AND kind = ? AND purpose = ? AND isActive = 1",
                       arguments: [userId, TokenKind.temporary, purpose])
        try db.execute(sql: "UPDATE challenge SET usedAt = ? WHERE userId = ? AND purpose = ? AND usedAt IS NULL",
                       arguments: [now, userId, purpose])
    }

    /// Revokes the temporary token that completes a ceremony; a token another request revoked
    /// first means that request completed it (401).
    static func spendTemporaryToken(_ db: Database, _ token: Token) throws {
        try db.execute(sql: "UPDATE token SET isActive = 0 WHERE id = ? AND isActive = 1", arguments: [token.id])
        guard db.changesCount == 1 else {
            throw SandboxError.notAuthenticated("the temporaryAuthenticationToken has already completed its \(token.purpose?.lowercased() ?? "ceremony")")
        }
    }

    /// Records in the recovery `challenge` just completed what it invalidated: every earlier
    /// credential and personal access token of the user, so that none of them can be activated again.
    static func recordRecovery(_ db: Database, challenge: Challenge) throws {
        let credentials = try String.fetchAll(db, sql: "SELECT uuid FROM credential WHERE userId = ?", arguments: [challenge.userId])
        let tokens = try String.fetchAll(db, sql: "SELECT id FROM token WHERE userId = ? AND kind = ?",
                                         arguments: [challenge.userId, TokenKind.personalAccessToken])
        var members = detail(challenge).objectValue ?? []
        members.append((invalidatedCredentials, .array(credentials.map { .string($0) })))
        members.append((invalidatedAccessTokens, .array(tokens.map { .string($0) })))
        try db.execute(sql: "UPDATE challenge SET detail = ? WHERE id = ?", arguments: [JSONWriter.string(.object(members)), challenge.id])
    }

    /// The members of a completed recovery's detail listing what it invalidated.
    static let invalidatedCredentials = "invalidatedCredentials"
    static let invalidatedAccessTokens = "invalidatedAccessTokens"

    /// Whether a completed recovery of `userId` invalidated `id` (listed under `member`).
    static func invalidatedByRecovery(_ db: Database, userId: String, member: String, id: String) throws -> Bool {
        let recoveries = try Challenge
            .filter(Column("userId") == userId && Column("purpose") == ChallengePurpose.recovery && Column("usedAt") != nil)
            .fetchAll(db)
        return recoveries.contains { detail($0)[member]?.arrayValue?.contains(.string(id)) == true }
    }

    // MARK: - Storing credentials

    /// Refuses two new credentials with one `credId` in one request.
    static func checkDistinct(_ credentials: [Credential]) throws(SandboxError) {
        var seen: Set<String> = []
        for credential in credentials where !seen.insert(credential.credId).inserted {
            throw .badRequest("two credentials of this request have the same credId \(credential.credId)")
        }
    }

    /// Inserts a verified credential; a `credId` the user already has (even deactivated) is a 400.
    static func insertNew(_ db: Database, _ credential: Credential) throws {
        let exists = try Credential.filter(Column("userId") == credential.userId && Column("credId") == credential.credId).fetchCount(db) > 0
        guard !exists else {
            throw SandboxError.badRequest("credential \(credential.credId) is already registered for this user (a deactivated credential cannot be registered again)")
        }
        try credential.insert(db)
    }

    /// A public key PEM given for a service account or PAT: parsed, of a kind a Key credential may
    /// have; answers the normalized PEM and the credential id derived from it.
    static func keyCredentialPublicKey(_ pem: String, field: String) throws(SandboxError) -> (pem: String, credId: String) {
        let key: PublicKey
        do {
            key = try PublicKey(pem: pem)
            _ = try KeyCredentialKind(publicKey: key)
        } catch {
            throw .badRequest("\(field) is not a supported public key PEM (Ed25519, P-256, secp256k1, RSA ≥ 2048): \(error)")
        }
        return (key.pem, KeyCredential.credentialId(for: key))
    }

    // MARK: - Checks of request members

    /// A plausible e-mail address (Dfns usernames of end users are e-mails).
    static func checkEmail(_ email: String) throws(SandboxError) {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.utf8.count <= 320, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              !email.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            throw .badRequest("email must be an e-mail address (found \(email.prefix(80)))")
        }
    }

    /// A token lifetime in seconds from `daysValid` / `secondsValid` (at most one, both bounded),
    /// or `defaultTTL`.
    static func tokenTTL(_ body: JSONRequestBody, defaultTTL: Double, allowSeconds: Bool) throws(SandboxError) -> Double {
        let days = try body.optionalInteger("daysValid")
        let seconds = allowSeconds ? try body.optionalInteger("secondsValid") : nil
        if !allowSeconds, body.value["secondsValid"] != nil {
            throw .badRequest("secondsValid is not accepted here (use daysValid)")
        }
        switch (days, seconds) {
        case (nil, nil): return defaultTTL
        case (let days?, nil):
            guard (1...730).contains(days) else { throw .badRequest("daysValid must be from 1 to 730, found \(days)") }
            return Double(days) * 86_400
        case (nil, let seconds?):
            guard (1...(730 * 86_400)).contains(seconds) else {
                throw .badRequest("secondsValid must be from 1 to \(730 * 86_400), found \(seconds)")
            }
            return Double(seconds)
        default:
            throw .badRequest("give daysValid or secondsValid, not both")
        }
    }
}

extension JSONRequestBody {
    /// Member `name` as an integer, if present.
    func optionalInteger(_ name: String) throws(SandboxError) -> Int64? {
        guard let member = value[name], member != .null else { return nil }
        guard let number = member.int64Value else { throw .badRequest("\(name) must be an integer, found \(member.typeName)") }
        return number
    }

    /// Refuses members this endpoint does not take (a misspelt or unsupported member is named
    /// instead of being ignored).
    func rejectMembers(_ names: [String], _ reason: String) throws(SandboxError) {
        for name in names where value[name] != nil && value[name] != .null {
            throw .badRequest("\(name) \(reason)")
        }
    }
}
