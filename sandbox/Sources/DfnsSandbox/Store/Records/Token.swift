import GRDB

/// A bearer token the sandbox issued (the JWT's `jti`): revocable and bound to one user.
public struct Token: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "token"
    public var id: String
    public var userId: String
    public var orgId: String
    /// One of ``TokenKind``.
    public var kind: String
    /// For temporary tokens: `Registration` or `Recovery`.
    public var purpose: String?
    public var name: String?
    /// The Key credential of a service account or personal access token.
    public var credentialUuid: String?
    public var expiresAt: Double
    public var isActive: Bool
    public var dateCreated: String
}

/// What a token is for.
public enum TokenKind {
    public static let serviceAccount = "ServiceAccount"
    public static let personalAccessToken = "Pat"
    public static let login = "Login"
    public static let delegatedLogin = "DelegatedLogin"
    /// The `temporaryAuthenticationToken` of a registration or recovery: only completes it.
    public static let temporary = "Temporary"
}
