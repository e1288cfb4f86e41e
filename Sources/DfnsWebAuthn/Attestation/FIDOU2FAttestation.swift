import DfnsCrypto

/// The `fido-u2f` format (WebAuthn §8.6): a U2F registration signature by a P-256 attestation key.
public enum FIDOU2FAttestation: AttestationStatementVerifier {
    public static let format = "fido-u2f"

    public static func verify(_ context: AttestationContext) throws(WebAuthnError) -> VerifiedAttestation {
        let fields = try AttestationStatementFields(context.statement, format: format, allowed: ["sig", "x5c"])
        let sig = try fields.bytes("sig")
        let chain = try fields.certificates()
        guard chain.count == 1 else {
            throw WebAuthnError(.malformedAttestationStatement, "fido-u2f x5c must hold exactly one certificate, found \(chain.count)")
        }
        let key = try AttestationCertificateRequirements.publicKey(of: chain[0], format: format)
        guard case .ec(.p256, _, _)? = key.components else {
            throw WebAuthnError(.attestationCertificateInvalid, "fido-u2f attestation certificate key must be EC P-256")
        }
        guard case .ec(.p256, let x, let y)? = context.credentialPublicKey.publicKey.components,
              context.credentialPublicKey.algorithm == .es256 || context.credentialPublicKey.algorithm == .esp256 else {
            throw WebAuthnError(.invalidPublicKey, "fido-u2f credential key must be an ES256 P-256 key")
        }
        guard let credentialId = context.authenticatorData.attestedCredentialData?.credentialId else {
            throw WebAuthnError(.attestedCredentialDataMissing, "fido-u2f needs attested credential data")
        }
        // verificationData = 0x00 ‖ rpIdHash ‖ clientDataHash ‖ credentialId ‖ 0x04 ‖ x ‖ y
        var verificationData: [UInt8] = [0x00]
        verificationData.reserveCapacity(1 + 32 + 32 + credentialId.count + 65)
        verificationData += context.authenticatorData.rpIdHash
        verificationData += context.clientDataHash
        verificationData += credentialId
        verificationData.append(0x04)
        verificationData += x
        verificationData += y
        do {
            try key.verify(signature: sig, message: verificationData, algorithm: .es256)
        } catch {
            throw WebAuthnError.signature(error, in: "fido-u2f attestation signature")
        }
        return VerifiedAttestation(format: format, type: .basic, trustPath: chain)
    }
}
