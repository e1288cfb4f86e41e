/// The outcome of registration trust evaluation: how the trust path relates to the anchors, and
/// the FIDO metadata entry of the authenticator when the policy uses metadata and has one.
public struct AttestationTrustEvaluation: Sendable {
    /// Whether and how the trust path chains to an anchor.
    public let status: AttestationTrustStatus
    /// The authenticator's metadata entry, summarized.
    public let metadata: MetadataEntrySummary?

    /// Creates an outcome.
    public init(status: AttestationTrustStatus, metadata: MetadataEntrySummary? = nil) {
        self.status = status
        self.metadata = metadata
    }
}
