import DfnsEncoding
import DfnsProtocol
import GRDB
import Hummingbird

/// `POST /auth/action/init` and `POST /auth/action` (reference/dfns-protocol.md §2.1–2.2): a
/// challenge bound to a method, canonical path and payload; then, for a valid signed challenge, a
/// single-use user-action token bound to the same request.
struct UserActionController {
    let services: SandboxServices

    func addRoutes(to router: Router<SandboxRequestContext>) {
        router.post("/auth/action/init", use: createChallenge)
        router.post("/auth/action", use: signChallenge)
    }

    static let methods: Set<String> = ["POST", "PUT", "DELETE", "GET", "PATCH"]

    @Sendable func createChallenge(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let body = try context.jsonBody()
        let payload = try body.string("userActionPayload")
        let method = try body.string("userActionHttpMethod").uppercased()
        let path = try body.string("userActionHttpPath")
        let serverKind = try body.optionalString("userActionServerKind") ?? "Api"
        guard Self.methods.contains(method) else { throw SandboxError.badRequest("userActionHttpMethod \(method) is not an HTTP method the API signs") }
        guard serverKind == "Api" else { throw SandboxError.badRequest("userActionServerKind \(serverKind) is not served by the sandbox (only Api)") }
        guard CanonicalPath.of(path) == path else {
            throw SandboxError.badRequest("userActionHttpPath must be a canonical path: starting with /, without query or fragment")
        }
        if !payload.isEmpty {
            do { _ = try JSONParser().parse(Array(payload.utf8)) } catch {
                throw SandboxError.badRequest("userActionPayload is not valid JSON: \(error)")
            }
        }
        let ttl = services.configuration.challengeTTL
        let (challenge, credentials, organization) = try await services.database.writer.write { db in
            let challenge = try ChallengeIssuer.issue(db, orgId: principal.orgId, userId: principal.userId,
                                                      purpose: ChallengePurpose.userAction, ttl: ttl,
                                                      method: method, path: path, payload: payload)
            let credentials = try Credential.filter(Column("userId") == principal.userId).fetchAll(db)
            return (challenge, credentials, try services.organization(principal.orgId, db))
        }
        return JSONResponse.make(ChallengeIssuer.signingChallengeBody(challenge, credentials: credentials, organization: organization))
    }

    @Sendable func signChallenge(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let body = try context.jsonBody()
        let identifier = try body.string("challengeIdentifier")
        let firstFactor = try body.object("firstFactor")
        if try body.optionalObject("secondFactor") != nil {
            throw SandboxError.badRequest("secondFactor is not supported by the sandbox")
        }
        let (challenge, credentials, organization) = try await services.database.writer.read { db in
            let challenge = try ChallengeIssuer.find(db, identifier: identifier, purpose: ChallengePurpose.userAction)
            guard challenge.userId == principal.userId else {
                throw SandboxError(.badRequest, "E_INVALID_CHALLENGE", "the challenge was issued to another user")
            }
            let credentials = try Credential.filter(Column("userId") == principal.userId).fetchAll(db)
            return (challenge, credentials, try services.organization(principal.orgId, db))
        }
        // The signature check runs outside the write transaction (it is the expensive part); the
        // challenge is then consumed conditionally, so a concurrent replay still loses.
        let verified = try AssertionChecker(organization: organization).verify(
            factor: firstFactor, challenge: challenge.challenge, credentials: credentials,
            allowedKinds: [CredentialKind.key, CredentialKind.fido2, CredentialKind.passwordProtectedKey])
        let ttl = services.configuration.userActionTTL
        let token = try await services.database.writer.write { db -> String in
            try ChallengeIssuer.consume(db, identifier: challenge.id)
            if let count = verified.newSignCount {
                try db.execute(sql: "UPDATE credential SET signCount = ? WHERE uuid = ?", arguments: [count, verified.credential.uuid])
            }
            let record = UserActionTokenRecord(
                id: Identifiers.secret(32), userId: principal.userId, orgId: principal.orgId,
                credentialUuid: verified.credential.uuid, httpMethod: challenge.httpMethod ?? "",
                httpPath: challenge.httpPath ?? "", payload: challenge.payload ?? "",
                expiresAt: SandboxClock.now() + ttl, usedAt: nil)
            try record.insert(db)
            return record.id
        }
        return JSONResponse.make(.object([("userAction", .string(token))]))
    }
}
