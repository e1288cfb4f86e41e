/// One attestation statement format's verification procedure (WebAuthn §8.x).
///
/// A verifier checks the statement's syntax and signatures and returns the attestation type and
/// trust path; chaining the trust path to anchors is done afterwards by ``AttestationTrust``, the
/// same way for every format.
public protocol AttestationStatementVerifier: Sendable {
    /// The `fmt` identifier, e.g. `"packed"`.
    static var format: String { get }
    /// Runs the format's verification procedure.
    static func verify(_ context: AttestationContext) throws(WebAuthnError) -> VerifiedAttestation
}

/// The registry of supported attestation statement formats.
public enum AttestationFormats {
    /// Every supported format's verifier.
    public static let all: [any AttestationStatementVerifier.Type] = [
        NoneAttestation.self, PackedAttestation.self, FIDOU2FAttestation.self, TPMAttestation.self,
        AndroidKeyAttestation.self, AndroidSafetyNetAttestation.self, AppleAttestation.self,
        CompoundAttestation.self,
    ]

    /// The verifier for `fmt` (compared case-sensitively, as §8.1 requires), or nil.
    public static func verifier(for fmt: String) -> (any AttestationStatementVerifier.Type)? {
        all.first { $0.format == fmt }
    }

    /// Runs the verifier for `fmt` on `context`.
    ///
    /// - Throws: ``WebAuthnError/Code/unsupportedAttestationFormat`` for an unknown `fmt`.
    public static func verify(fmt: String, _ context: AttestationContext) throws(WebAuthnError) -> VerifiedAttestation {
        guard let verifier = verifier(for: fmt) else {
            throw WebAuthnError(.unsupportedAttestationFormat, "attestation format \"\(fmt)\" is not supported")
        }
        return try verifier.verify(context)
    }
}
