import GRDB

/// A key of the Keys API, with its private key in hex (unencrypted: a development sandbox).
public struct SigningKeyRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "signingKey"
    public var id: String
    public var orgId: String
    /// `ECDSA` or `EdDSA`.
    public var scheme: String
    /// `secp256k1` or `ed25519`.
    public var curve: String
    /// Compressed SEC1 (secp256k1) or the 32-byte key (ed25519), hex.
    public var publicKey: String
    /// PKCS#8 PEM (unencrypted: a development sandbox).
    public var privateKey: String
    public var name: String?
    public var status: String
    /// The user who created the key.
    public var ownerId: String
    /// The end user the key is delegated to: from then on only that user can sign with it.
    public var delegatedTo: String?
    public var externalId: String?
    public var dateCreated: String

    /// Whether the key is custodial (not delegated to an end user).
    public var custodial: Bool { delegatedTo == nil }
}
