import DfnsCrypto

/// The `tpm` format (WebAuthn §8.3): a TPM 2.0 attestation identity key (AIK) certifies the
/// credential key (`pubArea`) in a TPMS_ATTEST structure (`certInfo`) that binds
/// `authData ‖ clientDataHash` through `extraData`.
///
/// Checks, in order: closed `attStmt` syntax with `ver == "2.0"` and a non-empty `x5c`; RS1 only when
/// the policy allows SHA-1; `pubArea` and `certInfo` parsed exactly (see ``TPMTPublic`` and
/// ``TPMSAttest``); the `pubArea` key equals the credential public key (RSA modulus and exponent,
/// 0 meaning 65537; ECC curve and point); the AIK certificate requirements of §8.3.1 and the policy's manufacturer allowlist
/// (``TPMPolicy/allowedManufacturers``); `sig` over the
/// raw `certInfo` with the AIK key; `extraData == H_alg(authData ‖ clientDataHash)`; and
/// `attested.name == nameAlg ‖ H_nameAlg(pubArea)`. The result is AttCA with trust path `x5c`.
public enum TPMAttestation: AttestationStatementVerifier {
    /// `"tpm"`.
    public static let format = "tpm"

    /// tcg-kp-AIKCertificate, required in the AIK certificate's extended key usage.
    static let aikCertificateKeyPurpose = "2.23.133.8.3"
    /// tcg-at-tpmManufacturer.
    static let tpmManufacturerOID = "2.23.133.2.1"
    /// tcg-at-tpmModel.
    static let tpmModelOID = "2.23.133.2.2"
    /// tcg-at-tpmVersion.
    static let tpmVersionOID = "2.23.133.2.3"

    /// Runs the checks listed in the type documentation on `context.statement`.
    ///
    /// - Throws: ``WebAuthnError`` with the code of the first failed check.
    public static func verify(_ context: AttestationContext) throws(WebAuthnError) -> VerifiedAttestation {
        let fields = try AttestationStatementFields(
            context.statement, format: format, allowed: ["ver", "alg", "x5c", "sig", "certInfo", "pubArea"])
        let version = try fields.text("ver")
        guard version == "2.0" else {
            throw WebAuthnError(.malformedAttestationStatement, "tpm attStmt ver must be \"2.0\", found \"\(version)\"")
        }
        let alg = try fields.algorithm()
        guard alg != .rs1 || context.policy.allowSHA1 else {
            throw WebAuthnError(.sha1NotAllowed, "tpm attStmt alg is RS1 (SHA-1), which the policy does not allow (allowSHA1 is false)")
        }
        guard let attestationDigest = alg.digest else {
            throw WebAuthnError(.unsupportedAlgorithm, "tpm attStmt alg \(alg.name) has no hash for certInfo.extraData; expected an RSA or ECDSA algorithm")
        }
        let sig = try fields.bytes("sig")
        let chain = try fields.certificates()
        let certInfoBytes = try fields.bytes("certInfo")
        let pubArea = try TPMTPublic(parsing: try fields.bytes("pubArea"))
        let certInfo = try TPMSAttest(parsing: certInfoBytes)

        // The key in pubArea must be the credential public key.
        try checkKey(pubArea, matches: context.credentialPublicKey)

        // The AIK certificate (§8.3.1).
        guard let aik = chain.first else {
            throw WebAuthnError(.malformedAttestationStatement, "tpm attStmt x5c must not be empty")
        }
        let manufacturer = try checkAIKCertificate(aik)
        try checkManufacturer(manufacturer, policy: context.policy.tpm)
        try AttestationCertificateRequirements.checkAAGUIDExtension(aik, aaguid: context.aaguid, format: format)

        // sig is over the raw certInfo bytes, by the AIK.
        let aikKey = try AttestationCertificateRequirements.publicKey(of: aik, format: format)
        do {
            try aikKey.verify(signature: sig, message: certInfoBytes, algorithm: alg, allowSHA1: context.policy.allowSHA1)
        } catch {
            throw WebAuthnError.signature(error, in: "tpm attestation signature over certInfo")
        }

        // certInfo binds the ceremony and the key.
        let expectedExtraData = attestationDigest.hash(context.signedData)
        guard certInfo.extraData == expectedExtraData else {
            throw WebAuthnError(.attestationBindingMismatch,
                                "tpm certInfo.extraData must be the \(alg.name) hash of authData ‖ clientDataHash (\(expectedExtraData.count) bytes), found \(certInfo.extraData.count) bytes that differ")
        }
        let expectedName = pubArea.name
        guard certInfo.attestedName == expectedName else {
            throw WebAuthnError(.attestationBindingMismatch,
                                "tpm certInfo.attested.name must be nameAlg \(TPMAlgorithmID.hex(pubArea.nameAlg)) ‖ hash of pubArea (\(expectedName.count) bytes), found \(certInfo.attestedName.count) bytes that differ")
        }
        return VerifiedAttestation(format: format, type: .attestationCA, trustPath: chain)
    }

    /// Requires the `pubArea` key to be the credential public key.
    static func checkKey(_ pubArea: TPMTPublic, matches credential: CredentialPublicKey) throws(WebAuthnError) {
        guard let components = credential.publicKey.components else {
            throw WebAuthnError(.attestedKeyMismatch, "tpm pubArea cannot match a credential key of an unsupported type")
        }
        switch (pubArea.key, components) {
        case (.rsa(let keyBits, let exponent, let modulus), .rsa(let credentialModulus, let credentialExponent)):
            let tpmModulus = stripLeadingZeros(modulus)
            guard tpmModulus == stripLeadingZeros(credentialModulus) else {
                throw WebAuthnError(.attestedKeyMismatch,
                                    "tpm pubArea RSA modulus (\(tpmModulus.count) bytes) differs from the credential key modulus (\(stripLeadingZeros(credentialModulus).count) bytes)")
            }
            guard bitLength(tpmModulus) == Int(keyBits) else {
                throw WebAuthnError(.malformedAttestationStatement,
                                    "tpm pubArea keyBits is \(keyBits) but the modulus has \(bitLength(tpmModulus)) bits")
            }
            let effectiveExponent: UInt32 = exponent == 0 ? 65537 : exponent
            let tpmExponent = stripLeadingZeros([
                UInt8(truncatingIfNeeded: effectiveExponent >> 24), UInt8(truncatingIfNeeded: effectiveExponent >> 16),
                UInt8(truncatingIfNeeded: effectiveExponent >> 8), UInt8(truncatingIfNeeded: effectiveExponent),
            ])
            guard tpmExponent == stripLeadingZeros(credentialExponent) else {
                throw WebAuthnError(.attestedKeyMismatch,
                                    "tpm pubArea RSA exponent \(effectiveExponent) differs from the credential key exponent")
            }
        case (.ecc(let curveID, let x, let y), .ec(let curve, let credentialX, let credentialY)):
            guard let tpmCurve = TPMTPublic.curve(forTPMCurve: curveID) else {
                throw WebAuthnError(.malformedAttestationStatement,
                                    "tpm pubArea curveID must be NIST P-256, P-384 or P-521 (0x0003, 0x0004, 0x0005), found \(TPMAlgorithmID.hex(curveID))")
            }
            guard tpmCurve == curve else {
                throw WebAuthnError(.attestedKeyMismatch,
                                    "tpm pubArea curve \(tpmCurve.name) differs from the credential key curve \(curve.name)")
            }
            guard stripLeadingZeros(x) == stripLeadingZeros(credentialX), stripLeadingZeros(y) == stripLeadingZeros(credentialY) else {
                throw WebAuthnError(.attestedKeyMismatch, "tpm pubArea ECC point differs from the credential public key point")
            }
        case (.rsa, _):
            throw WebAuthnError(.attestedKeyMismatch, "tpm pubArea holds an RSA key but the credential key (\(credential.algorithm.name)) is not RSA")
        case (.ecc, _):
            throw WebAuthnError(.attestedKeyMismatch, "tpm pubArea holds an ECC key but the credential key (\(credential.algorithm.name)) is not EC2")
        }
    }

    /// Requires `manufacturer` to be in the policy's allowlist when it has one.
    ///
    /// - Throws: ``WebAuthnError/Code/attestationPolicyViolation`` naming the manufacturer.
    static func checkManufacturer(_ manufacturer: String, policy: TPMPolicy) throws(WebAuthnError) {
        guard !policy.allowedManufacturers.isEmpty else { return }
        let allowed = Set(policy.allowedManufacturers.compactMap(TPMManufacturer.normalized))
        guard let id = TPMManufacturer.normalized(manufacturer), allowed.contains(id) else {
            throw WebAuthnError(.attestationPolicyViolation,
                                "tpm manufacturer \(TPMManufacturer.describe(manufacturer)) is not among the policy's allowed manufacturers \(policy.allowedManufacturers)")
        }
    }

    /// The AIK certificate requirements of §8.3.1.
    ///
    /// - Returns: the tpmManufacturer attribute value of the subjectAltName directoryName.
    @discardableResult
    static func checkAIKCertificate(_ certificate: Certificate) throws(WebAuthnError) -> String {
        guard certificate.version == 3 else {
            throw WebAuthnError(.attestationCertificateInvalid, "tpm AIK certificate must be X.509 version 3, found \(certificate.version)")
        }
        guard certificate.subject.isEmpty else {
            throw WebAuthnError(.attestationCertificateInvalid, "tpm AIK certificate subject must be empty, found \"\(certificate.subject)\"")
        }
        let directoryNames: [DistinguishedName]
        let keyPurposes: [String]?
        let basicConstraints: (critical: Bool, isCA: Bool)?
        do {
            directoryNames = try certificate.subjectAlternativeNameDirectoryNames
            keyPurposes = try certificate.extendedKeyUsage
            basicConstraints = try certificate.basicConstraints
        } catch {
            throw WebAuthnError(.attestationCertificateInvalid, "tpm AIK certificate extensions cannot be read: \(error)")
        }
        let required = [tpmManufacturerOID, tpmModelOID, tpmVersionOID]
        // The three attributes may share one multi-valued RDN or sit in separate RDNs of one name.
        guard let tpmName = directoryNames.first(where: { name in required.allSatisfy { !name.values(oid: $0).isEmpty } }),
              let manufacturer = tpmName.values(oid: tpmManufacturerOID).first else {
            throw WebAuthnError(.attestationCertificateInvalid,
                                "tpm AIK certificate subjectAltName must hold a directoryName with tpmManufacturer, tpmModel and tpmVersion (2.23.133.2.1/2/3), found \(directoryNames.map { "\($0)" })")
        }
        guard let purposes = keyPurposes, purposes.contains(aikCertificateKeyPurpose) else {
            throw WebAuthnError(.attestationCertificateInvalid,
                                "tpm AIK certificate extended key usage must contain tcg-kp-AIKCertificate 2.23.133.8.3, found \(keyPurposes.map { "\($0)" } ?? "no extension")")
        }
        // Basic Constraints CA must be false; an absent extension means the same (RFC 5280 §4.2.1.9).
        if let constraints = basicConstraints, constraints.isCA {
            throw WebAuthnError(.attestationCertificateInvalid, "tpm AIK certificate must not be a CA, found Basic Constraints CA=TRUE")
        }
        return manufacturer
    }

    /// `bytes` without leading zero bytes (big-endian integer comparison).
    static func stripLeadingZeros(_ bytes: [UInt8]) -> [UInt8] {
        Array(bytes.drop { $0 == 0 })
    }

    /// The bit length of a big-endian unsigned integer without leading zero bytes.
    static func bitLength(_ bytes: [UInt8]) -> Int {
        guard let first = bytes.first else { return 0 }
        return (bytes.count - 1) * 8 + (8 - first.leadingZeroBitCount)
    }
}
