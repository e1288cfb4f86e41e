import GRDB

/// A user-action token (`X-DFNS-USERACTION`): single use, bound to the user, the credential that
/// signed, and the method, path and payload of the one request it authorizes.
public struct UserActionTokenRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "userActionToken"
    public var id: String
    public var userId: String
    public var orgId: String
    public var credentialUuid: String
    public var httpMethod: String
    public var httpPath: String
    public var payload: String
    public var expiresAt: Double
    public var usedAt: Double?
}
