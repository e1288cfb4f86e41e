import GRDB

/// An organization: the tenant every other record belongs to, with the relying party its
/// application's passkeys are bound to.
public struct Organization: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "organization"
    public var id: String
    public var name: String
    public var rpId: String
    public var origin: String
    public var dateCreated: String
}
