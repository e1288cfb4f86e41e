/// An authenticator status from a FIDO metadata status report (FIDO Metadata Service v3.0,
/// §3.1.4 "AuthenticatorStatus enum").
///
/// A struct over the status text rather than an enum: the FIDO Alliance adds statuses, and a
/// status this library does not know is kept as it was read (it is then neither certified nor
/// refused by default).
public struct AuthenticatorStatus: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The status as the BLOB spells it, e.g. `"REVOKED"`.
    public let rawValue: String

    /// Wraps a status text.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The status text.
    public var description: String { rawValue }

    /// The model is not FIDO certified.
    public static let notFIDOCertified = AuthenticatorStatus(rawValue: "NOT_FIDO_CERTIFIED")
    /// FIDO certified (functional certification, no level).
    public static let fidoCertified = AuthenticatorStatus(rawValue: "FIDO_CERTIFIED")
    /// Malware can bypass user verification: an attacker may use the key without the user.
    public static let userVerificationBypass = AuthenticatorStatus(rawValue: "USER_VERIFICATION_BYPASS")
    /// An attestation key of the model is compromised: its attestations prove nothing.
    public static let attestationKeyCompromise = AuthenticatorStatus(rawValue: "ATTESTATION_KEY_COMPROMISE")
    /// User keys can be extracted remotely.
    public static let userKeyRemoteCompromise = AuthenticatorStatus(rawValue: "USER_KEY_REMOTE_COMPROMISE")
    /// User keys can be extracted by someone holding the authenticator.
    public static let userKeyPhysicalCompromise = AuthenticatorStatus(rawValue: "USER_KEY_PHYSICAL_COMPROMISE")
    /// A firmware update is available.
    public static let updateAvailable = AuthenticatorStatus(rawValue: "UPDATE_AVAILABLE")
    /// The FIDO Alliance revoked the model's certification.
    public static let revoked = AuthenticatorStatus(rawValue: "REVOKED")
    /// The vendor submitted a self-assertion (no certification).
    public static let selfAssertionSubmitted = AuthenticatorStatus(rawValue: "SELF_ASSERTION_SUBMITTED")
    /// Certified at authenticator security level 1.
    public static let fidoCertifiedL1 = AuthenticatorStatus(rawValue: "FIDO_CERTIFIED_L1")
    /// Certified at level 1+.
    public static let fidoCertifiedL1Plus = AuthenticatorStatus(rawValue: "FIDO_CERTIFIED_L1plus")
    /// Certified at level 2.
    public static let fidoCertifiedL2 = AuthenticatorStatus(rawValue: "FIDO_CERTIFIED_L2")
    /// Certified at level 2+.
    public static let fidoCertifiedL2Plus = AuthenticatorStatus(rawValue: "FIDO_CERTIFIED_L2plus")
    /// Certified at level 3.
    public static let fidoCertifiedL3 = AuthenticatorStatus(rawValue: "FIDO_CERTIFIED_L3")
    /// Certified at level 3+.
    public static let fidoCertifiedL3Plus = AuthenticatorStatus(rawValue: "FIDO_CERTIFIED_L3plus")

    /// The statuses a ``MetadataPolicy`` refuses unless the relying party chooses otherwise:
    /// REVOKED and every compromise or bypass status (the ones FIDO tells relying parties to act on).
    public static let refusedByDefault: Set<AuthenticatorStatus> = [
        .revoked, .userVerificationBypass, .attestationKeyCompromise, .userKeyRemoteCompromise, .userKeyPhysicalCompromise,
    ]
}
