import DfnsCrypto

/// The `packed` format (WebAuthn §8.2): full attestation with an `x5c` chain, or self attestation
/// signed by the credential key.
public enum PackedAttestation: AttestationStatementVerifier {
    public static let format = "packed"

    /// `OU` of a packed attestation certificate subject (§8.2.1).
    static let requiredOrganizationalUnit = "Authenticator Attestation"

    public static func verify(_ context: AttestationContext) throws(WebAuthnError) -> VerifiedAttestation {
        let fields = try AttestationStatementFields(context.statement, format: format, allowed: ["alg", "sig", "x5c"])
        let alg = try fields.algorithm()
        let sig = try fields.bytes("sig")

        guard fields.has("x5c") else {
            // Self attestation: the credential key signs, with its own algorithm.
            guard alg == context.credentialPublicKey.algorithm else {
                throw WebAuthnError(.malformedAttestationStatement,
                                    "packed self attestation alg \(alg.rawValue) differs from the credential key alg \(context.credentialPublicKey.algorithm.rawValue)")
            }
            do {
                try context.credentialPublicKey.publicKey.verify(signature: sig, message: context.signedData,
                                                                 algorithm: alg, allowSHA1: context.policy.allowSHA1)
            } catch {
                throw WebAuthnError.signature(error, in: "packed self attestation signature")
            }
            return VerifiedAttestation(format: format, type: .self)
        }

        let chain = try fields.certificates()
        let leaf = chain[0]
        let key = try AttestationCertificateRequirements.publicKey(of: leaf, format: format)
        do {
            try key.verify(signature: sig, message: context.signedData, algorithm: alg, allowSHA1: context.policy.allowSHA1)
        } catch {
            throw WebAuthnError.signature(error, in: "packed attestation signature")
        }
        if context.policy.enforceCertificateProfile {
            try checkCertificate(leaf)
        }
        try AttestationCertificateRequirements.checkAAGUIDExtension(leaf, aaguid: context.aaguid, format: format)
        return VerifiedAttestation(format: format, type: .basic, trustPath: chain)
    }

    /// The attestation certificate requirements of §8.2.1.
    static func checkCertificate(_ certificate: Certificate) throws(WebAuthnError) {
        guard certificate.version == 3 else {
            throw WebAuthnError(.attestationCertificateInvalid, "packed attestation certificate must be X.509 version 3, found \(certificate.version)")
        }
        let subject = certificate.subject
        let country = subject.values(oid: "2.5.4.6")
        guard country.count == 1, let c = country.first, c.utf8.count == 2 else {
            throw WebAuthnError(.attestationCertificateInvalid, "packed attestation certificate subject needs one two-letter C, found \(country)")
        }
        guard let o = subject.values(oid: "2.5.4.10").first, !o.isEmpty else {
            throw WebAuthnError(.attestationCertificateInvalid, "packed attestation certificate subject lacks O")
        }
        let ou = subject.values(oid: "2.5.4.11")
        guard ou == [requiredOrganizationalUnit] else {
            throw WebAuthnError(.attestationCertificateInvalid,
                                "packed attestation certificate subject OU must be \"\(requiredOrganizationalUnit)\", found \(ou)")
        }
        guard let cn = subject.values(oid: "2.5.4.3").first, !cn.isEmpty else {
            throw WebAuthnError(.attestationCertificateInvalid, "packed attestation certificate subject lacks CN")
        }
        try AttestationCertificateRequirements.checkNotCA(certificate, format: format)
    }
}
