import HTTPTypes
import DfnsEncoding
import DfnsProtocol
import GRDB
import Hummingbird

/// Enforces `X-DFNS-USERACTION` on every request the protocol says needs one
/// (``UserActionRules/requiresUserAction(method:canonicalPath:)``): the token must exist, be unused,
/// unexpired, issued to the caller, and bound to this request's method, canonical path and payload.
/// The payload is compared with the body as JSON values, both parsed strictly: Dfns' Python SDK signs
/// `json.dumps` output (non-ASCII escaped) while sending raw UTF-8, so byte equality would refuse a
/// legitimate request. Every refusal names what differed.
struct UserActionMiddleware: RouterMiddleware {
    typealias Context = SandboxRequestContext
    let services: SandboxServices

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let method = request.method.rawValue
        let path = request.uri.path
        guard UserActionRules.requiresUserAction(method: method, canonicalPath: path) else {
            return try await next(request, context)
        }
        let principal = try context.requirePrincipal()
        guard let tokenId = request.headers[HTTPField.Name(DfnsHeaders.userAction)!], !tokenId.isEmpty else {
            throw SandboxError(.forbidden, "E_USER_ACTION_MISSING", "user action signature is missing or invalid: \(method) \(path) needs an \(DfnsHeaders.userAction) header")
        }
        guard let record = try await services.database.writer.read({ db in
            try UserActionTokenRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM userActionToken WHERE id = ?"), arguments: [tokenId])
        }) else {
            throw SandboxError.userActionInvalid("user action signature is missing or invalid: the \(DfnsHeaders.userAction) token is not known")
        }
        guard record.usedAt == nil else { throw SandboxError.userActionUsed() }
        guard record.expiresAt > SandboxClock.now() else {
            throw SandboxError.userActionInvalid("the user action token has expired")
        }
        guard record.userId == principal.userId else {
            throw SandboxError.userActionInvalid("the user action token was issued to another user")
        }
        guard record.httpMethod == method else {
            throw SandboxError.userActionInvalid("user action method differs: signed for \(record.httpMethod), this request is \(method)")
        }
        guard record.httpPath == path else {
            throw SandboxError.userActionInvalid("user action path differs: signed for \(record.httpPath), this request is \(path)")
        }
        // The body is parsed once here (a body that is not strict JSON is a 400 whatever was
        // signed, not a mismatch); the comparison and the route's handler reuse the parsed value.
        var parsedBody: JSONValue?
        if !Self.isBlank(context.body) {
            do { parsedBody = try JSONParser().parse(context.body) } catch {
                throw SandboxError.badRequest("request body is not valid JSON: \(error)")
            }
        }
        if let difference = Self.payloadDifference(signed: record.payload, body: parsedBody) {
            throw SandboxError.userActionInvalid("user action payload differs: \(difference)")
        }
        let grant = UserActionGrant(record: record)
        var context = context
        context.userAction = grant
        context.parsedBody = parsedBody
        do {
            let response = try await next(request, context)
            try await consumeIfUnused(grant)
            return response
        } catch {
            try? await consumeIfUnused(grant)
            throw error
        }
    }

    /// A token whose request failed before its transaction ran is still spent: single use means once.
    private func consumeIfUnused(_ grant: UserActionGrant) async throws {
        guard !grant.consumed else { return }
        try await services.database.writer.write { db in
            try db.execute(sql: "UPDATE userActionToken SET usedAt = ? WHERE id = ? AND usedAt IS NULL",
                           arguments: [SandboxClock.now(), grant.record.id])
        }
        grant.markConsumed()
    }

    static func isBlank(_ body: [UInt8]) -> Bool {
        body.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
    }

    /// Nil when `body` (the request body parsed strictly, nil when there is none) is the payload
    /// that was signed, else what differs. No body matches a signed `""` or `"{}"` (SDKs differ on
    /// which they sign for body-less requests).
    static func payloadDifference(signed: String, body: JSONValue?) -> String? {
        let signedTrimmed = signed.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let body else {
            return signedTrimmed.isEmpty || signedTrimmed == "{}" ? nil : "a payload was signed but the request has no body"
        }
        if signedTrimmed.isEmpty { return "an empty payload was signed but the request has a body" }
        let signedValue: JSONValue
        do {
            signedValue = try JSONParser().parse(Array(signed.utf8))
        } catch {
            return "the signed payload is not valid JSON (\(error))"
        }
        return signedValue.isEquivalent(to: body) ? nil : "the request body is not the JSON value that was signed"
    }
}
