import Foundation
import GRDB

/// A user's credential: a Key (PEM public key), a Fido2 passkey (COSE key and counter), a
/// password-protected key or a recovery key (PEM public key and the encrypted private key).
public struct Credential: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "credential"
    public var uuid: String
    public var credId: String
    public var userId: String
    /// `Key`, `Fido2`, `PasswordProtectedKey` or `RecoveryKey`.
    public var kind: String
    public var name: String
    public var publicKeyPEM: String?
    public var coseKey: Data?
    public var signCount: Int64
    public var encryptedPrivateKey: String?
    public var relyingPartyId: String?
    public var origin: String?
    public var isActive: Bool
    public var dateCreated: String

    /// Whether the credential can sign user actions and logins (a recovery key only signs a recovery).
    public var isSigningFactor: Bool { kind != CredentialKind.recoveryKey }
}

/// The credential kinds the sandbox registers and verifies.
public enum CredentialKind {
    public static let key = "Key"
    public static let fido2 = "Fido2"
    public static let passwordProtectedKey = "PasswordProtectedKey"
    public static let recoveryKey = "RecoveryKey"
}
