import GRDB

/// One accepted user action in the append-only, hash-chained audit log.
public struct AuditEntry: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "auditEntry"
    public var seq: Int64
    public var orgId: String
    public var userId: String
    public var credentialUuid: String
    public var httpMethod: String
    public var httpPath: String
    /// Hex SHA-256 of the request body.
    public var payloadHash: String
    public var time: String
    /// The previous entry's `entryHash` (64 zeros for the first).
    public var previousHash: String
    /// Hex SHA-256 over this entry's fields and `previousHash` (``AuditLog``).
    public var entryHash: String
}
