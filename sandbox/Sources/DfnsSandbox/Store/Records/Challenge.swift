import GRDB

/// A challenge the sandbox issued: for a user action (bound to method, path and payload), a login,
/// a registration, a new credential or a recovery. Single use, with an expiry.
public struct Challenge: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "challenge"
    /// The `challengeIdentifier` handed to the client.
    public var id: String
    public var orgId: String
    public var userId: String
    /// One of ``ChallengePurpose``.
    public var purpose: String
    /// The text the client signs, verbatim.
    public var challenge: String
    public var httpMethod: String?
    public var httpPath: String?
    public var payload: String?
    /// JSON text with what the purpose needs (e.g. the credential kind asked for).
    public var detail: String?
    public var expiresAt: Double
    public var usedAt: Double?
}

/// What a challenge is for.
public enum ChallengePurpose {
    public static let userAction = "UserAction"
    public static let login = "Login"
    public static let registration = "Registration"
    public static let credential = "Credential"
    public static let recovery = "Recovery"
}
