import DfnsEncoding
import GRDB

extension SandboxServices {
    /// Applies a request's effect in one write transaction together with its user action, when it
    /// has one: the token is consumed (refused if a concurrent request spent it first), the effect
    /// runs, and the audit entry is appended. A failure anywhere rolls all of it back, so the
    /// database never holds a half-applied action, and a committed one is never lost.
    public func perform<T: Sendable>(_ context: SandboxRequestContext,
                                     _ effect: @escaping @Sendable (Database) throws -> T) async throws -> T {
        guard let grant = context.userAction else {
            return try await database.writer.write { db in try effect(db) }
        }
        let body = context.body
        let result = try await database.writer.write { db -> T in
            try db.execute(sql: "UPDATE userActionToken SET usedAt = ? WHERE id = ? AND usedAt IS NULL",
                           arguments: [SandboxClock.now(), grant.record.id])
            guard db.changesCount == 1 else { throw SandboxError.userActionUsed() }
            let value = try effect(db)
            let record = grant.record
            try AuditLog.append(db, orgId: record.orgId, userId: record.userId, credentialUuid: record.credentialUuid,
                                method: record.httpMethod, path: record.httpPath, payload: body, time: SandboxClock.iso8601())
            return value
        }
        grant.markConsumed()
        return result
    }
}
