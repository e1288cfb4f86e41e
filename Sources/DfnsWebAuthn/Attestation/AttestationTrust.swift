import DfnsCrypto
import DfnsEncoding

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

    /// Evaluates `attestation` under `policy` without an AAGUID: as
    /// ``evaluate(_:policy:aaguid:)`` with `aaguid` nil (metadata is then found only by the
    /// attestation certificate's key identifier, for `fido-u2f`).
    public static func evaluate(_ attestation: VerifiedAttestation, policy: RelyingPartyPolicy) throws(WebAuthnError) -> AttestationTrustStatus {
        try evaluate(attestation, policy: policy, aaguid: nil).status
    }

    /// Evaluates `attestation` under `policy` for the authenticator `aaguid` (from the attested
    /// credential data).
    ///
    /// With ``RelyingPartyPolicy/metadata`` set, for an attestation with a certificate chain the
    /// metadata entry is looked up (by the attestation certificate's key identifier for
    /// `fido-u2f`, by `aaguid` otherwise): a latest status among the refused ones fails, and the
    /// entry's `attestationRootCertificates` join the anchors of this ceremony (see ``MetadataPolicy``).
    ///
    /// - Throws: ``WebAuthnError/Code/attestationNotTrusted`` when anchors exist for the format but
    ///   the chain does not reach one (or is outside its validity at the verification time), or
    ///   when the policy requires trusted attestation and none is possible;
    ///   ``WebAuthnError/Code/attestationPolicyViolation`` for disallowed self/none attestation;
    ///   ``WebAuthnError/Code/authenticatorStatusNotAccepted`` naming a refused metadata status;
    ///   ``WebAuthnError/Code/metadataEntryMissing`` when the policy requires an entry and there is none.
    public static func evaluate(_ attestation: VerifiedAttestation, policy: RelyingPartyPolicy,
                                aaguid: [UInt8]?) throws(WebAuthnError) -> AttestationTrustEvaluation {
        switch attestation.type {
        case .none:
            guard policy.allowNoneAttestation else {
                throw WebAuthnError(.attestationPolicyViolation, "the policy does not accept none attestation")
            }
            if policy.requireTrustedAttestation {
                throw WebAuthnError(.attestationNotTrusted, "the policy requires trusted attestation, found none attestation")
            }
            try requireNoEntry(policy, "none attestation does not attest its AAGUID")
            return AttestationTrustEvaluation(status: .notApplicable)
        case .self:
            guard policy.allowSelfAttestation else {
                throw WebAuthnError(.attestationPolicyViolation, "the policy does not accept self attestation")
            }
            if policy.requireTrustedAttestation {
                throw WebAuthnError(.attestationNotTrusted, "the policy requires trusted attestation, found self attestation")
            }
            try requireNoEntry(policy, "self attestation does not attest its AAGUID")
            return AttestationTrustStatus.notApplicable.evaluation
        case .compound:
            var statuses: [AttestationTrustStatus] = []
            var metadata: MetadataEntrySummary? = nil
            for component in attestation.components {
                let evaluation = try evaluate(component, policy: policy, aaguid: aaguid)
                statuses.append(evaluation.status)
                metadata = metadata ?? evaluation.metadata
            }
            // A compound statement is as trusted as its weakest chained component.
            if let firstTrusted = statuses.first(where: { $0.isTrusted }), statuses.allSatisfy({ $0.isTrusted }) {
                return AttestationTrustEvaluation(status: firstTrusted, metadata: metadata)
            }
            let status: AttestationTrustStatus = statuses.contains { if case .noTrustAnchors = $0 { return true } else { return false } }
                ? .noTrustAnchors : .notApplicable
            return AttestationTrustEvaluation(status: status, metadata: metadata)
        case .basic, .attestationCA, .anonymizationCA:
            break
        }
        guard let leaf = attestation.trustPath.first else {
            throw WebAuthnError(.attestationNotTrusted, "\(attestation.format) attestation has no certificates to chain")
        }
        let entry = try metadataEntry(for: attestation, leaf: leaf, aaguid: aaguid, policy: policy)
        let anchors = anchors(forFormat: attestation.format, policy: policy)
            + (entry?.metadataStatement?.attestationRootCertificates ?? [])
        let summary = entry.map(MetadataEntrySummary.init)
        if anchors.isEmpty {
            if policy.requireTrustedAttestation {
                throw WebAuthnError(.attestationNotTrusted, "the policy requires trusted attestation but has no trust anchors for \(attestation.format)")
            }
            return AttestationTrustEvaluation(status: .noTrustAnchors, metadata: summary)
        }
        var options = ChainValidationOptions()
        options.time = policy.verificationTime
        options.allowSHA1 = policy.allowSHA1
        options.allowPartialChain = true
        do {
            let chain = try CertificateChain.validate(leaf: leaf, intermediates: Array(attestation.trustPath.dropFirst()),
                                                      anchors: anchors, options: options)
            return AttestationTrustEvaluation(status: .trusted(chain: chain), metadata: summary)
        } catch {
            throw WebAuthnError(.attestationNotTrusted, "\(attestation.format) attestation chain does not reach a trust anchor: \(error)")
        }
    }

    /// The policy's metadata entry for a chained attestation, after the status and required-entry
    /// checks; nil when the policy has no metadata or the BLOB has no entry (and none is required).
    private static func metadataEntry(for attestation: VerifiedAttestation, leaf: Certificate, aaguid: [UInt8]?,
                                      policy: RelyingPartyPolicy) throws(WebAuthnError) -> MetadataEntry? {
        guard let metadata = policy.metadata else { return nil }
        let entry: MetadataEntry?
        let identity: String
        if attestation.format == FIDOU2FAttestation.format {
            let keyIdentifier = try MetadataIndex.keyIdentifier(of: leaf)
            identity = "attestation key identifier \(keyIdentifier)"
            entry = metadata.index.entry(keyIdentifier: keyIdentifier)
        } else if let aaguid, aaguid.contains(where: { $0 != 0 }) {
            identity = "AAGUID \(Hex.encode(aaguid))"
            entry = metadata.index.entry(aaguid: aaguid)
        } else {
            identity = "a zero or absent AAGUID"
            entry = nil
        }
        guard let entry else {
            if metadata.requireEntry {
                throw WebAuthnError(.metadataEntryMissing,
                                    "the policy requires a metadata entry, and MDS3 BLOB no. \(metadata.index.number) has none for \(attestation.format) authenticator with \(identity)")
            }
            return nil
        }
        if let report = entry.latestStatusReport, metadata.refusedStatuses.contains(report.status) {
            let since = report.effectiveDate.map { " since \($0)" } ?? ""
            throw WebAuthnError(.authenticatorStatusNotAccepted,
                                "authenticator \"\(entry.description ?? "unnamed")\" (\(identity)) has metadata status \(report.status.rawValue)\(since), which the policy refuses")
        }
        return entry
    }

    /// Fails with ``WebAuthnError/Code/metadataEntryMissing`` when the policy requires a metadata
    /// entry: an attestation without a chain cannot be matched to one (`why`).
    private static func requireNoEntry(_ policy: RelyingPartyPolicy, _ why: String) throws(WebAuthnError) {
        if let metadata = policy.metadata, metadata.requireEntry {
            throw WebAuthnError(.metadataEntryMissing, "the policy requires a metadata entry, but \(why)")
        }
    }
}

extension AttestationTrustStatus {
    /// This status without metadata.
    fileprivate var evaluation: AttestationTrustEvaluation { AttestationTrustEvaluation(status: self) }
}
