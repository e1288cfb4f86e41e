import DfnsCBOR
import DfnsCrypto
@testable import DfnsWebAuthn
import Foundation
import Testing
import DfnsEncoding

@Suite("Built-in trust anchors")
struct BuiltInTrustAnchorsTests {
    /// SHA-256 fingerprints from the WebAuthn reference §4.10.
    static let expectedFingerprints: [String: [String]] = [
        "apple": ["0915DD5C07A28DB549D1F677BB5A75D4BFBE9561A773424327762E9E02F9BB29"],
        "android-key": [
            "C1984A3EF45C1E2A918551DE10603C86F7051B2249C4891CAE3230EABD0C97D5",
            "1EF1A04B8BA58AB94589AC498C8982A783F24EA7307E0159A0C3A73B377D87CC",
            "AB6641178A36E179AA0C1CDDDF9A16EB45FA20943E2B8CD7C7C05C26CF8B487A",
            "CEDB1CB6DC896AE5EC797348BCE9286753C2B38EE71CE0FBE34A9A1248800DFC",
            "6D9DB4CE6C5C0B293166D08986E05774A8776CEB525D9E4329520DE12BA4BCC0",
        ],
        "android-safetynet": [
            "EBD41040E4BB3EC742C9E381D31EF2A41A48B6685C96E7CEF3C1DF6CD4331C99",
            "69E2D06C30F366166165E91D68D1CEE5CC47584A80227E76666086C0107241EB",
        ],
    ]

    @Test("the embedded PEM texts equal the files in shared/roots, byte for byte")
    func embeddedEqualsFiles() throws {
        guard let shared = SharedFixtures.sharedDirectory else { Issue.record("shared folder not found"); return }
        let rootsDir = shared + "/roots"
        let files = try FileManager.default.contentsOfDirectory(atPath: rootsDir).filter { $0.hasSuffix(".pem") }.sorted()
        #expect(!files.isEmpty)
        #expect(BuiltInRootCertificates.all.map(\.fileName).sorted() == files,
                "run scripts/generate-builtin-roots.sh to regenerate BuiltInRootCertificates.swift")
        for file in files {
            let text = try String(contentsOfFile: rootsDir + "/" + file, encoding: .utf8)
            let embedded = BuiltInRootCertificates.all.first { $0.fileName == file }?.pem
            #expect(embedded == text, "\(file) differs from its embedded copy; run scripts/generate-builtin-roots.sh")
        }
    }

    @Test("every embedded PEM parses to exactly one certificate")
    func embeddedParse() throws {
        for (file, pem) in BuiltInRootCertificates.all {
            let certificate = try Certificate(pem: pem)
            #expect(certificate.isSelfIssued || file == "google-key-attestation-ca1.pem", "\(file)")
        }
    }

    @Test("anchors per format, pinned by fingerprint", arguments: ["apple", "android-key", "android-safetynet"])
    func anchorsPerFormat(fmt: String) {
        let fingerprints = BuiltInTrustAnchors.certificates(forFormat: fmt).map { Hex.encode($0.sha256Fingerprint).uppercased() }
        #expect(fingerprints == Self.expectedFingerprints[fmt])
    }

    @Test("formats with model-specific anchors have none built in", arguments: ["packed", "tpm", "fido-u2f", "none", "compound", "", "Apple"])
    func noAnchors(fmt: String) {
        #expect(BuiltInTrustAnchors.certificates(forFormat: fmt).isEmpty)
    }

    @Test("the certificates are parsed once and shared")
    func parsedOnce() {
        let first = BuiltInTrustAnchors.certificates(forFormat: "apple")
        let second = BuiltInTrustAnchors.certificates(forFormat: "apple")
        #expect(first.count == 1 && second.count == 1)
        #expect(first.first === second.first)
    }

    /// Validates a statement's chain against the built-in anchors of `fmt` at `time`.
    static func validate(_ chain: [Certificate], fmt: String, time: Int64?) throws -> [Certificate] {
        guard let leaf = chain.first else { return [] }
        return try CertificateChain.validate(leaf: leaf, intermediates: Array(chain.dropFirst()),
                                             anchors: BuiltInTrustAnchors.certificates(forFormat: fmt),
                                             options: ChainValidationOptions(time: time))
    }

    @Test("real apple, android-key and SafetyNet chains reach the built-in roots at registration time", arguments: [
        "pywebauthn-reg-apple-verify-attestation-apple-passkey.json",
        "pywebauthn-reg-android-key-verify-attestation-android-key-hardware-authority.json",
        "pywebauthn-reg-android-safetynet-verify-attestation-android-safetynet.json",
    ])
    func realChains(name: String) throws {
        let vector = try FormatVector(name)
        var policy = FormatVector.policy { $0.safetyNet.maxAgeSeconds = nil }
        policy.verificationTime = vector.verificationTime
        let result = try AttestationFormats.verify(fmt: vector.fmt, try vector.context(policy: policy))
        let chain = try Self.validate(result.trustPath, fmt: vector.fmt, time: vector.verificationTime)
        let anchors = Set(BuiltInTrustAnchors.certificates(forFormat: vector.fmt).map(\.sha256Fingerprint))
        #expect(chain.last.map { anchors.contains($0.sha256Fingerprint) } == true)
    }

    @Test("the W3C apple vector does not chain to the real Apple root")
    func w3cAppleNotTrusted() throws {
        let vector = try FormatVector("w3c-reg-apple-es256.json")
        let result = try AppleAttestation.verify(try vector.context())
        #expect(throws: CryptoError.self) { _ = try Self.validate(result.trustPath, fmt: "apple", time: 1_700_000_000) }
    }
}
