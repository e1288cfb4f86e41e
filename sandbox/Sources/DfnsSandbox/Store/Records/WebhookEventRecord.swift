import GRDB

/// One event for one webhook, with its delivery state (the dispatcher's queue).
public struct WebhookEventRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "webhookEvent"
    public var id: String
    public var webhookId: String
    public var kind: String
    public var date: String
    /// The event's `data` as JSON text.
    public var data: String
    public var deliveryAttempt: Int
    public var deliveryFailed: Bool
    public var delivered: Bool
    public var lastError: String?
    public var nextAttemptAt: Double?
}
