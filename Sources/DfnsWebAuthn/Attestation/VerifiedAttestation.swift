import DfnsCrypto

/// What a format verifier concluded from a valid attestation statement.
public struct VerifiedAttestation: Sendable {
    /// The statement format (`fmt`).
    public let format: String
    /// The attestation type.
    public let type: AttestationType
    /// The certificates the statement carried, attestation certificate first; empty for self and
    /// none attestation.
    public let trustPath: [Certificate]
    /// For `compound`: the verified sub-statements.
    public let components: [VerifiedAttestation]

    /// Creates a result.
    public init(format: String, type: AttestationType, trustPath: [Certificate] = [], components: [VerifiedAttestation] = []) {
        self.format = format
        self.type = type
        self.trustPath = trustPath
        self.components = components
    }
}
