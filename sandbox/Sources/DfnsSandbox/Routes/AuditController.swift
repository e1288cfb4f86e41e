import DfnsEncoding
import GRDB
import Hummingbird

/// The audit log of accepted user actions (``AuditLog``):
///
/// - `GET /auth/action/logs` (paginated, oldest first): the entries of the caller's organization,
///   each `{seq, orgId, userId, credentialUuid, httpMethod, httpPath, payloadHash, time,
///   previousHash, entryHash}`. A service account sees every entry of its organization; any other
///   user sees only the actions it signed itself.
/// - `GET /audit/verify` (**sandbox only**: the Dfns API has no such endpoint; service accounts
///   only) walks the whole hash chain, as `dfns-sandbox audit verify --db` does offline, and
///   answers `{"entries": N, "intact": true}`, or `{"entries": N, "intact": false, "firstBroken":
///   {"seq": S, "reason": "…"}}` naming the first entry that does not verify (N then counts the
///   entries read up to it). The chain spans every organization of the sandbox.
struct AuditController {
    let services: SandboxServices

    func addRoutes(to router: Router<SandboxRequestContext>) {
        router.get("/audit/verify", use: verify)
        router.get("/auth/action/logs", use: logs)
    }

    @Sendable func verify(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard principal.isServiceAccount else {
            throw SandboxError.forbidden("\(principal.userId) is not authorized to perform operation (Audit:Verify): only service accounts verify the audit log")
        }
        let result = try await services.database.writer.read { db in try AuditLog.verify(db) }
        return JSONResponse.make(Self.json(result))
    }

    @Sendable func logs(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let page = try PageRequest(request)
        var query = AuditEntry.filter(Column("orgId") == principal.orgId)
        if !principal.isServiceAccount { query = query.filter(Column("userId") == principal.userId) }
        let selection = query
        let (items, next) = try await services.database.writer.read { db in try page.fetch(db, selection) }
        return JSONResponse.make(PageRequest.body(items.map(Self.json), nextPageToken: next))
    }

    /// The body of `GET /audit/verify`.
    static func json(_ result: AuditLog.Verification) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("entries", .number(String(result.entries))), ("intact", .bool(result.isIntact)),
        ]
        if let broken = result.firstBroken {
            members.append(("firstBroken", .object([("seq", .number(String(broken.seq))), ("reason", .string(broken.reason))])))
        }
        return .object(members)
    }

    static func json(_ entry: AuditEntry) -> JSONValue {
        .object([
            ("seq", .number(String(entry.seq))), ("orgId", .string(entry.orgId)), ("userId", .string(entry.userId)),
            ("credentialUuid", .string(entry.credentialUuid)), ("httpMethod", .string(entry.httpMethod)),
            ("httpPath", .string(entry.httpPath)), ("payloadHash", .string(entry.payloadHash)),
            ("time", .string(entry.time)), ("previousHash", .string(entry.previousHash)),
            ("entryHash", .string(entry.entryHash)),
        ])
    }
}
