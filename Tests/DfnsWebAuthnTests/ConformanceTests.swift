import DfnsConformance
import DfnsWebAuthn
import Testing

/// The conformance suite: every third-party vector in `shared/vectors/webauthn`, read at test time.
@Suite("Conformance vectors")
struct ConformanceTests {
    static let outcomes: [String: ConformanceOutcome] = {
        guard let dir = SharedFixtures.webauthnVectors, let outcomes = ConformanceRunner.run(directory: dir) else { return [:] }
        return Dictionary(outcomes.map { ($0.file, $0) }, uniquingKeysWith: { a, _ in a })
    }()

    @Test("the shared vectors are present")
    func vectorsPresent() {
        #expect(SharedFixtures.webauthnVectorFiles.count >= 150)
        #expect(Self.outcomes.count == SharedFixtures.webauthnVectorFiles.count)
    }

    /// Every positive vector verifies; every `spec (...)` and `strict-cbor (...)` vector fails;
    /// policy vectors match their source's verdict under the source's configuration.
    @Test("verdict matches the source", arguments: SharedFixtures.webauthnVectorFiles)
    func verdict(file: String) throws {
        let outcome = try #require(Self.outcomes[file])
        if outcome.verdict == .skip {
            // Only ML-DSA-44 (not in swift-crypto 4.5.2), trust anchors and vectors without a verdict may skip.
            #expect(outcome.expected == .skip || outcome.code == "unsupported_algorithm",
                    "\(file) skipped: \(outcome.message)")
            return
        }
        if outcome.expected != .skip {
            #expect(outcome.verdict == outcome.expected, "\(file) [\(outcome.category)]: \(outcome.jsonLine)")
        }
    }

    @Test("negative spec and strict-cbor vectors fail for the reason the source gives")
    func negativeReasons() throws {
        let reasons: [String: String] = [
            "libfido2-auth-lowlevel-junk-cdh.json": "signature_invalid",
            "libfido2-auth-lowlevel-junk-sig.json": "signature_invalid",
            "libfido2-auth-lowlevel-junk-rp.json": "rp_id_hash_mismatch",
            "libfido2-authdata-parse-authdata-dupkeys.json": "malformed_cbor",
            "libfido2-authdata-parse-authdata-unsorted-keys.json": "malformed_cbor",
            "pywebauthn-auth-raises-exception-on-incorrect-public-key.json": "signature_invalid",
            "pywebauthn-auth-raises-exception-on-uv-required-but-false.json": "user_verification_missing",
            "yubico-reg-testdata-packed-basicattestationwithwrongaaguidextension.json": "aaguid_mismatch",
            "pywebauthn-reg-raises-when-root-cert-invalid-for-response.json": "attestation_not_trusted",
            "pywebauthn-reg-raises-useful-error-on-bad-attestation-object.json": "malformed_cbor",
        ]
        for (file, code) in reasons {
            let outcome = try #require(Self.outcomes[file], "missing \(file)")
            #expect(outcome.verdict == .fail && outcome.code == code, "\(file): \(outcome.jsonLine)")
        }
    }

    @Test("the summary line counts every file once")
    func summary() {
        let summary = ConformanceSummary(Array(Self.outcomes.values))
        #expect(summary.passed + summary.failed + summary.skipped == Self.outcomes.count)
        #expect(summary.failed == 0, "\(summary.line)")
    }
}
