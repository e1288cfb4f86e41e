import GRDB

/// A wallet: a network and an address over one signing key.
public struct WalletRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "wallet"
    public var id: String
    public var orgId: String
    public var keyId: String
    public var network: String
    public var address: String?
    public var name: String?
    public var status: String
    public var externalId: String?
    /// JSON array of strings.
    public var tags: String
    public var dateCreated: String
}
