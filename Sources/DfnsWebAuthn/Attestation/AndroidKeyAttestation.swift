import DfnsCrypto

/// The `android-key` format (WebAuthn §8.4): the Android Keystore certifies the credential key
/// itself, and the certificate's KeyDescription extension records how the key was made.
///
/// Checks: closed `attStmt` syntax (`alg`, `sig`, non-empty `x5c`); `sig` over
/// `authData ‖ clientDataHash` with the `x5c[0]` key and `alg`; the `x5c[0]` key equals the
/// credential public key; the KeyDescription extension (1.3.6.1.4.1.11129.2.1.17) is present and
/// parses (see ``AndroidKeyDescription``), its `attestationChallenge` equals clientDataHash, and
/// `allApplications` [600] is absent from both authorization lists. Then, per
/// ``RelyingPartyPolicy/androidKey``: `attestationSecurityLevel` at least the minimum, `origin`
/// [702] is GENERATED (0) and `purpose` [1] contains SIGN (2), in `teeEnforced` only or in the union
/// of both lists. The result is Basic with trust path `x5c`.
public enum AndroidKeyAttestation: AttestationStatementVerifier {
    /// `"android-key"`.
    public static let format = "android-key"

    /// Runs the checks listed in the type documentation on `context.statement`.
    ///
    /// - Throws: ``WebAuthnError`` with the code of the first failed check.
    public static func verify(_ context: AttestationContext) throws(WebAuthnError) -> VerifiedAttestation {
        let fields = try AttestationStatementFields(context.statement, format: format, allowed: ["alg", "sig", "x5c"])
        let alg = try fields.algorithm()
        let sig = try fields.bytes("sig")
        let chain = try fields.certificates()
        guard let leaf = chain.first else {
            throw WebAuthnError(.malformedAttestationStatement, "android-key attStmt x5c must not be empty")
        }
        let key = try AttestationCertificateRequirements.publicKey(of: leaf, format: format)
        do {
            try key.verify(signature: sig, message: context.signedData, algorithm: alg, allowSHA1: context.policy.allowSHA1)
        } catch {
            throw WebAuthnError.signature(error, in: "android-key attestation signature")
        }
        guard key.isEqual(to: context.credentialPublicKey.publicKey) else {
            throw WebAuthnError(.attestedKeyMismatch,
                                "android-key attestation certificate key must be the credential public key, found a different key")
        }

        let description = try keyDescription(of: leaf)
        guard description.attestationChallenge == context.clientDataHash else {
            throw WebAuthnError(.attestationBindingMismatch,
                                "android-key attestationChallenge must equal clientDataHash (32 bytes), found \(description.attestationChallenge.count) bytes that differ")
        }
        try checkAuthorizations(description, policy: context.policy.androidKey)
        return VerifiedAttestation(format: format, type: .basic, trustPath: chain)
    }

    /// Reads and parses the KeyDescription extension of `certificate`.
    static func keyDescription(of certificate: Certificate) throws(WebAuthnError) -> AndroidKeyDescription {
        let ext: (critical: Bool, value: [UInt8])?
        do {
            ext = try certificate.extensionValue(oid: AndroidKeyDescription.extensionOID)
        } catch {
            throw WebAuthnError(.attestationCertificateInvalid, "android-key attestation certificate KeyDescription extension cannot be read: \(error)")
        }
        guard let ext else {
            throw WebAuthnError(.attestationCertificateInvalid,
                                "android-key attestation certificate must carry the KeyDescription extension \(AndroidKeyDescription.extensionOID), found none")
        }
        return try AndroidKeyDescription(derEncoded: ext.value)
    }

    /// The authorization-list rules of §8.4 and ``AndroidKeyPolicy``.
    static func checkAuthorizations(_ description: AndroidKeyDescription, policy: AndroidKeyPolicy) throws(WebAuthnError) {
        guard !description.softwareEnforced.allApplications, !description.teeEnforced.allApplications else {
            let list = description.teeEnforced.allApplications ? "teeEnforced" : "softwareEnforced"
            throw WebAuthnError(.attestationPolicyViolation,
                                "android-key allApplications [600] must be absent, found it in \(list) (the key is not bound to the relying party's application)")
        }
        guard description.attestationSecurityLevel >= Int64(policy.minimumSecurityLevel) else {
            throw WebAuthnError(.attestationPolicyViolation,
                                "android-key attestationSecurityLevel must be at least \(policy.minimumSecurityLevel), found \(description.attestationSecurityLevel)")
        }
        let lists = policy.teeEnforcedOnly ? [description.teeEnforced] : [description.softwareEnforced, description.teeEnforced]
        let scope = policy.teeEnforcedOnly ? "teeEnforced" : "softwareEnforced or teeEnforced"
        if policy.requireOriginGenerated {
            let origins = lists.compactMap(\.origin)
            guard !origins.isEmpty, origins.allSatisfy({ $0 == AndroidAuthorizationList.originGenerated }) else {
                throw WebAuthnError(.attestationPolicyViolation,
                                    "android-key origin [702] in \(scope) must be KM_ORIGIN_GENERATED (0), found \(origins.isEmpty ? "none" : "\(origins)")")
            }
        }
        if policy.requirePurposeSign {
            let purposes = lists.compactMap(\.purpose)
            guard purposes.contains(where: { $0.contains(AndroidAuthorizationList.purposeSign) }) else {
                throw WebAuthnError(.attestationPolicyViolation,
                                    "android-key purpose [1] in \(scope) must contain KM_PURPOSE_SIGN (2), found \(purposes.isEmpty ? "none" : "\(purposes.flatMap { $0 })")")
            }
        }
    }
}
