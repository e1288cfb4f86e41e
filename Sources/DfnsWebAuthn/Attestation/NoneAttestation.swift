/// The `none` format (WebAuthn §8.7): no attestation; `attStmt` must be an empty map.
public enum NoneAttestation: AttestationStatementVerifier {
    public static let format = "none"

    public static func verify(_ context: AttestationContext) throws(WebAuthnError) -> VerifiedAttestation {
        guard case .map(let map) = context.statement, map.count == 0 else {
            throw WebAuthnError(.malformedAttestationStatement, "none attStmt must be an empty map")
        }
        return VerifiedAttestation(format: format, type: .none)
    }
}
