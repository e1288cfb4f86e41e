import GRDB

/// A user of an organization: a service account, an end user (Delegated Signing) or an employee.
public struct User: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "user"
    public var id: String
    public var orgId: String
    public var username: String
    /// `ServiceAccount`, `EndUser` or `CustomerEmployee`.
    public var kind: String
    public var isActive: Bool
    /// False between delegated registration and its completion.
    public var isRegistered: Bool
    public var externalId: String?
    public var dateCreated: String

    public static let serviceAccount = "ServiceAccount"
    public static let endUser = "EndUser"
    public static let customerEmployee = "CustomerEmployee"
}
