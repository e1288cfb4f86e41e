import GRDB

/// A registered webhook and its HMAC secret.
public struct WebhookRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "webhook"
    public var id: String
    public var orgId: String
    public var url: String
    /// JSON array of event kinds, or `["*"]`.
    public var events: String
    /// `Enabled` or `Disabled`.
    public var status: String
    public var description: String?
    public var secret: String
    public var dateCreated: String
}
