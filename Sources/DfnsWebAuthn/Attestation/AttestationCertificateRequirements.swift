import DfnsCrypto

/// Checks on attestation certificates shared by several formats.
enum AttestationCertificateRequirements {
    /// `id-fido-gen-ce-aaguid`.
    static let aaguidExtensionOID = "1.3.6.1.4.1.45724.1.1.4"

    /// If `certificate` carries the AAGUID extension, it must be non-critical, an OCTET STRING of
    /// 16 bytes, and equal to `aaguid` (packed §8.2.1, tpm §8.3.1).
    static func checkAAGUIDExtension(_ certificate: Certificate, aaguid: [UInt8], format: String) throws(WebAuthnError) {
        let found: (critical: Bool, value: [UInt8])?
        do {
            found = try certificate.extensionValue(oid: aaguidExtensionOID)
        } catch {
            throw WebAuthnError(.attestationCertificateInvalid, "\(format) attestation certificate: \(error)")
        }
        guard let ext = found else { return }
        guard !ext.critical else {
            throw WebAuthnError(.attestationCertificateInvalid, "\(format) attestation certificate marks the AAGUID extension critical")
        }
        guard ext.value.count == 18, ext.value[0] == 0x04, ext.value[1] == 0x10 else {
            throw WebAuthnError(.attestationCertificateInvalid, "\(format) attestation certificate AAGUID extension must be an OCTET STRING of 16 bytes")
        }
        let certified = Array(ext.value[2...])
        guard certified == aaguid else {
            throw WebAuthnError(.aaguidMismatch,
                                "\(format) attestation certificate AAGUID \(AttestedCredentialData.uuidString(certified)) differs from authenticator data AAGUID \(AttestedCredentialData.uuidString(aaguid))")
        }
    }

    /// Basic Constraints must not say CA=TRUE.
    static func checkNotCA(_ certificate: Certificate, format: String) throws(WebAuthnError) {
        let constraints: (critical: Bool, isCA: Bool)?
        do {
            constraints = try certificate.basicConstraints
        } catch {
            throw WebAuthnError(.attestationCertificateInvalid, "\(format) attestation certificate: \(error)")
        }
        if let bc = constraints, bc.isCA {
            throw WebAuthnError(.attestationCertificateInvalid, "\(format) attestation certificate must not be a CA (Basic Constraints CA=TRUE)")
        }
    }

    /// The certificate's public key, as an error naming the format when it cannot be imported.
    static func publicKey(of certificate: Certificate, format: String) throws(WebAuthnError) -> PublicKey {
        do {
            return try certificate.publicKey()
        } catch {
            throw WebAuthnError(.attestationCertificateInvalid, "\(format) attestation certificate key cannot be used: \(error)")
        }
    }
}
