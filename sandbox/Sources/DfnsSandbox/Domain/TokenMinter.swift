import GRDB

/// Creates a token record and its signed JWT in the caller's transaction.
public enum TokenMinter {
    public static func mint(_ db: Database, services: SandboxServices, user: User, kind: String, ttl: Double,
                            purpose: String? = nil, name: String? = nil, credentialUuid: String? = nil) throws -> String {
        let now = SandboxClock.now()
        let record = Token(id: Identifiers.make("to"), userId: user.id, orgId: user.orgId, kind: kind, purpose: purpose,
                           name: name, credentialUuid: credentialUuid, expiresAt: now + ttl, isActive: true,
                           dateCreated: SandboxClock.iso8601(now))
        try record.insert(db)
        return try services.tokens.issue(TokenIssuer.Claims(tokenId: record.id, userId: user.id, orgId: user.orgId, kind: kind,
                                                            issuedAt: Int64(now), expiresAt: Int64(now + ttl)))
    }
}
