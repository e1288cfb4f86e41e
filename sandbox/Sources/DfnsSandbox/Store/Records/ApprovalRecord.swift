import GRDB

/// An approval a policy opened on a held signature request, and the decisions taken on it.
public struct ApprovalRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "approval"
    public var id: String
    public var orgId: String
    public var initiatorId: String
    public var signatureId: String
    public var policyId: String
    /// `Pending`, `Approved` or `Denied`.
    public var status: String
    /// JSON array of `{userId, value, reason?, date}`.
    public var decisions: String
    public var dateCreated: String
    public var dateResolved: String?
}
