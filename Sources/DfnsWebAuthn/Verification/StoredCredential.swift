/// What a relying party stored about a credential at registration, as an assertion needs it.
public struct StoredCredential: Sendable {
    /// The credential ID.
    public var credentialId: [UInt8]
    /// The credential public key, imported once and reused for every assertion.
    public var publicKey: CredentialPublicKey
    /// The last signature counter seen.
    public var signCount: UInt32
    /// The backup eligibility (BE) recorded at registration; nil skips the consistency check.
    public var backupEligible: Bool?

    /// Creates a stored credential record.
    public init(credentialId: [UInt8], publicKey: CredentialPublicKey, signCount: UInt32, backupEligible: Bool? = nil) {
        self.credentialId = credentialId
        self.publicKey = publicKey
        self.signCount = signCount
        self.backupEligible = backupEligible
    }
}
