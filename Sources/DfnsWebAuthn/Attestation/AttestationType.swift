/// The attestation types of WebAuthn §6.5.3, as a verifier concludes them.
public enum AttestationType: String, Sendable {
    /// The authenticator's batch or device key signed (packed x5c, fido-u2f, android-key, SafetyNet).
    case basic
    /// The credential key signed its own attestation (packed without x5c).
    case `self`
    /// An attestation CA vouched for a per-credential key (tpm).
    case attestationCA = "attca"
    /// An anonymization CA issued a per-credential certificate (apple).
    case anonymizationCA = "anonca"
    /// No attestation (`none`).
    case none
    /// Several statements (`compound`); see ``VerifiedAttestation/components``.
    case compound
}
