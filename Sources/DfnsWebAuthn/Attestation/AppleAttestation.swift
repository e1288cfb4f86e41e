import DfnsCrypto

/// The `apple` format, Apple Anonymous Attestation (WebAuthn §8.8): Apple's anonymization CA issues
/// a certificate for the credential key whose extension 1.2.840.113635.100.8.2 carries the nonce.
///
/// Checks: `attStmt` has a non-empty `x5c` and nothing else except an integer `alg` (early iOS 14
/// releases sent `alg: -7`; it is ignored); the extension in `x5c[0]` is exactly
/// `SEQUENCE { [1] EXPLICIT OCTET STRING (32) }` and its octets equal
/// SHA-256(`authData ‖ clientDataHash`); the `x5c[0]` key equals the credential public key. The
/// result is AnonCA with trust path `x5c`.
public enum AppleAttestation: AttestationStatementVerifier {
    /// `"apple"`.
    public static let format = "apple"

    /// The nonce extension's OID.
    static let nonceExtensionOID = "1.2.840.113635.100.8.2"
    /// DER prefix of the extension value: `SEQUENCE(36) { [1](34) { OCTET STRING(32) } }`.
    static let nonceExtensionPrefix: [UInt8] = [0x30, 0x24, 0xA1, 0x22, 0x04, 0x20]

    /// Runs the checks listed in the type documentation on `context.statement`.
    ///
    /// - Throws: ``WebAuthnError`` with the code of the first failed check.
    public static func verify(_ context: AttestationContext) throws(WebAuthnError) -> VerifiedAttestation {
        let fields = try AttestationStatementFields(context.statement, format: format, allowed: ["x5c", "alg"])
        if fields.has("alg") {
            _ = try fields.int("alg")  // Tolerated for early iOS 14 devices, but it must be an integer.
        }
        let chain = try fields.certificates()
        guard let leaf = chain.first else {
            throw WebAuthnError(.malformedAttestationStatement, "apple attStmt x5c must not be empty")
        }

        let ext: (critical: Bool, value: [UInt8])?
        do {
            ext = try leaf.extensionValue(oid: nonceExtensionOID)
        } catch {
            throw WebAuthnError(.attestationCertificateInvalid, "apple attestation certificate nonce extension cannot be read: \(error)")
        }
        guard let ext else {
            throw WebAuthnError(.attestationCertificateInvalid,
                                "apple attestation certificate must carry the nonce extension \(nonceExtensionOID), found none")
        }
        // DER is canonical, so a prefix and length check is the whole strict parse.
        guard ext.value.count == nonceExtensionPrefix.count + 32, ext.value.starts(with: nonceExtensionPrefix) else {
            throw WebAuthnError(.attestationCertificateInvalid,
                                "apple nonce extension must be SEQUENCE { [1] EXPLICIT OCTET STRING (32 bytes) } (38 bytes of DER), found \(ext.value.count) bytes that do not match")
        }
        let certifiedNonce = Array(ext.value.dropFirst(nonceExtensionPrefix.count))
        let nonce = SHA256.hash(context.signedData)
        guard certifiedNonce == nonce else {
            throw WebAuthnError(.attestationBindingMismatch,
                                "apple nonce extension must equal SHA-256(authData ‖ clientDataHash), found a different value")
        }

        let key = try AttestationCertificateRequirements.publicKey(of: leaf, format: format)
        guard key.isEqual(to: context.credentialPublicKey.publicKey) else {
            throw WebAuthnError(.attestedKeyMismatch,
                                "apple attestation certificate key must be the credential public key, found a different key")
        }
        return VerifiedAttestation(format: format, type: .anonymizationCA, trustPath: chain)
    }
}
