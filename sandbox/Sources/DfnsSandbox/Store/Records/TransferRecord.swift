import GRDB

/// A transfer request, recorded without a chain (the sandbox broadcasts nothing); its `externalId`
/// makes a resubmission idempotent (reference/dfns-protocol.md §15.3).
public struct TransferRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "transfer"
    public var id: String
    public var orgId: String
    public var walletId: String
    public var requesterId: String
    public var requestBody: String
    public var status: String
    public var externalId: String?
    public var dateRequested: String
}
