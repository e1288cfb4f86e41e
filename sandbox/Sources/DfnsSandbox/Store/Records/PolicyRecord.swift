import GRDB

/// A policy of the v2 engine: an activity kind, a rule, an action and optional filters (JSON).
public struct PolicyRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "policy"
    public var id: String
    public var orgId: String
    public var name: String
    public var activityKind: String
    public var rule: String
    public var action: String
    public var filters: String?
    public var status: String
    public var dateCreated: String
}
