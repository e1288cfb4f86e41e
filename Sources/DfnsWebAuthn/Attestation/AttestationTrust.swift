import DfnsCrypto

/// How an attestation's trust path relates to the relying party's trust anchors (registration
/// steps 23–24).
public enum AttestationTrustStatus: Sendable {
    /// The trust path chains to an anchor; `chain` runs from the attestation certificate to it.
    case trusted(chain: [Certificate])
    /// No anchors are configured for this format, so the chain was not evaluated.
    case noTrustAnchors
    /// Self or none attestation: there is no chain to evaluate.
    case notApplicable

    /// Whether the attestation was chained to an anchor.
    public var isTrusted: Bool {
        if case .trusted = self { return true }
        return false
    }
}

/// Chains verified attestations to trust anchors, the same way for every format.
public enum AttestationTrust {
    /// The anchors `policy` gives for `format`: the caller's, plus the built-in vendor roots.
    public static func anchors(forFormat format: String, policy: RelyingPartyPolicy) -> [Certificate] {
        var anchors = policy.trustAnchors[format] ?? []
        if policy.useBuiltInTrustAnchors {
            anchors += BuiltInTrustAnchors.certificates(forFormat: format)
        }
        return anchors
    }

    /// Evaluates `attestation` under `policy`.
    ///
    /// - Throws: ``WebAuthnError/Code/attestationNotTrusted`` when anchors exist for the format but
    ///   the chain does not reach one (or is outside its validity at the verification time), or
    ///   when the policy requires trusted attestation and none is possible;
    ///   ``WebAuthnError/Code/attestationPolicyViolation`` for disallowed self/none attestation.
    public static func evaluate(_ attestation: VerifiedAttestation, policy: RelyingPartyPolicy) throws(WebAuthnError) -> AttestationTrustStatus {
        switch attestation.type {
        case .none:
            guard policy.allowNoneAttestation else {
                throw WebAuthnError(.attestationPolicyViolation, "the policy does not accept none attestation")
            }
            if policy.requireTrustedAttestation {
                throw WebAuthnError(.attestationNotTrusted, "the policy requires trusted attestation, found none attestation")
            }
            return .notApplicable
        case .self:
            guard policy.allowSelfAttestation else {
                throw WebAuthnError(.attestationPolicyViolation, "the policy does not accept self attestation")
            }
            if policy.requireTrustedAttestation {
                throw WebAuthnError(.attestationNotTrusted, "the policy requires trusted attestation, found self attestation")
            }
            return .notApplicable
        case .compound:
            var statuses: [AttestationTrustStatus] = []
            for component in attestation.components {
                statuses.append(try evaluate(component, policy: policy))
            }
            // A compound statement is as trusted as its weakest chained component.
            if let firstTrusted = statuses.first(where: { $0.isTrusted }), statuses.allSatisfy({ $0.isTrusted }) {
                return firstTrusted
            }
            return statuses.contains { if case .noTrustAnchors = $0 { return true } else { return false } } ? .noTrustAnchors : .notApplicable
        case .basic, .attestationCA, .anonymizationCA:
            break
        }
        guard let leaf = attestation.trustPath.first else {
            throw WebAuthnError(.attestationNotTrusted, "\(attestation.format) attestation has no certificates to chain")
        }
        let anchors = anchors(forFormat: attestation.format, policy: policy)
        if anchors.isEmpty {
            if policy.requireTrustedAttestation {
                throw WebAuthnError(.attestationNotTrusted, "the policy requires trusted attestation but has no trust anchors for \(attestation.format)")
            }
            return .noTrustAnchors
        }
        var options = ChainValidationOptions()
        options.time = policy.verificationTime
        options.allowSHA1 = policy.allowSHA1
        options.allowPartialChain = true
        do {
            let chain = try CertificateChain.validate(leaf: leaf, intermediates: Array(attestation.trustPath.dropFirst()),
                                                      anchors: anchors, options: options)
            return .trusted(chain: chain)
        } catch {
            throw WebAuthnError(.attestationNotTrusted, "\(attestation.format) attestation chain does not reach a trust anchor: \(error)")
        }
    }
}
