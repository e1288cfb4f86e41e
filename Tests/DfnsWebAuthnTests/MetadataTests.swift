import DfnsCrypto
import DfnsEncoding
@testable import DfnsWebAuthn
import Foundation
import Testing

/// The MDS3 test world of `bindings/python/tests/mds_fixture.py`, built once per test process into
/// a temporary directory (keys and certificates are never committed).
struct MDSFixture: Sendable {
    let directory: URL
    let manifest: JSONValue

    static let shared: Result<MDSFixture, MDSFixtureError> = {
        do { return .success(try MDSFixture()) } catch let error as MDSFixtureError { return .failure(error) } catch {
            return .failure(.failed("\(error)"))
        }
    }()

    static func load() throws -> MDSFixture { try shared.get() }

    private init() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("bindings/python/tests/mds_fixture.py")
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mds-fixture-\(UUID().uuidString)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, directory.path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw MDSFixtureError.failed("mds_fixture.py exited with \(process.terminationStatus) (needs python3 with cryptography)")
        }
        manifest = try JSONParser().parse(Array(try Data(contentsOf: directory.appendingPathComponent("manifest.json"))))
    }

    func bytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: directory.appendingPathComponent(name))) }
    func roots(_ name: String = "mds-root.pem") throws -> [Certificate] { try MetadataRootCertificates.parse(bytes(name)) }
    var verifyTime: Int64 { manifest["verify_time"]?.int64Value ?? 0 }
    func hex(_ key: String) throws -> [UInt8] { try Hex.decode(manifest[key]?.stringValue ?? "") }
    func registration(_ name: String, _ key: String) throws -> [UInt8] {
        try Hex.decode(manifest["registrations"]?[name]?[key]?.stringValue ?? "")
    }

    /// Reads BLOB `name` at the fixture's verification time.
    func blob(_ name: String, time: Int64? = nil, acceptStale: Bool = false, rootFile: String = "mds-root.pem") throws -> MetadataBLOB {
        try MetadataBLOB(jws: bytes(name), roots: roots(rootFile),
                         options: MetadataVerificationOptions(verificationTime: time ?? verifyTime, acceptStale: acceptStale))
    }

    func index() throws -> MetadataIndex { try MetadataIndex(blob("good.jwt")) }
}

enum MDSFixtureError: Error { case failed(String) }

/// Runs `body`, expecting a WebAuthnError with `code` whose message contains `fragment`.
func expectMetadataError(_ code: WebAuthnError.Code, containing fragment: String = "", sourceLocation: SourceLocation = #_sourceLocation,
                         _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected \(code.name), the call succeeded", sourceLocation: sourceLocation)
    } catch let error as WebAuthnError {
        #expect(error.code == code, "expected \(code.name), found \(error)", sourceLocation: sourceLocation)
        #expect(fragment.isEmpty || error.message.contains(fragment), "expected \"\(fragment)\" in \(error.message)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected WebAuthnError \(code.name), found \(error)", sourceLocation: sourceLocation)
    }
}

@Suite("FIDO metadata (MDS3) BLOB")
struct MetadataBLOBTests {
    @Test("a good RS256 BLOB verifies, reports no and nextUpdate, and indexes by AAGUID and key identifier")
    func goodBLOB() throws {
        let fixture = try MDSFixture.load()
        let blob = try fixture.blob("good.jwt")
        #expect(blob.number == 42)
        #expect(blob.nextUpdate == "2026-02-01")
        #expect(blob.algorithm == "RS256")
        #expect(blob.entries.count == 3)
        #expect(blob.signingChain.count == 3)
        let index = try MetadataIndex(blob)
        #expect(index.count == 3)
        let certified = try #require(index.entry(aaguid: try fixture.hex("aaguid_certified")))
        #expect(certified.description == "Test Certified Authenticator")
        #expect(certified.status == .fidoCertifiedL1)
        #expect(certified.metadataStatement?.attestationRootCertificates.first?.der == (try fixture.hex("attestation_root_der_hex")))
        #expect(certified.metadataStatement?.protocolFamily == "fido2")
        #expect(certified.metadataStatement?.schema == 3)
        let revoked = try #require(index.entry(aaguid: try fixture.hex("aaguid_revoked")))
        #expect(revoked.status == .revoked, "the latest report decides, not the first")
        #expect(revoked.latestStatusReport?.effectiveDate == "2025-06-01")
        #expect(index.entry(aaguid: try fixture.hex("aaguid_unlisted")) == nil)
        let u2fCertificate = try Certificate(der: try fixture.hex("u2f_certificate_der_hex"))
        let keyIdentifier = try MetadataIndex.keyIdentifier(of: u2fCertificate)
        #expect(keyIdentifier == fixture.manifest["u2f_key_identifier"]?.stringValue)
        #expect(index.entry(attestationCertificate: u2fCertificate)?.description == "Test U2F Key")
        #expect(index.entry(keyIdentifier: keyIdentifier.uppercased())?.description == "Test U2F Key")
    }

    @Test("an ES256 BLOB and a DER root verify too")
    func es256AndDERRoot() throws {
        let fixture = try MDSFixture.load()
        #expect(try fixture.blob("good-es256.jwt").algorithm == "ES256")
        #expect(try fixture.blob("good.jwt", rootFile: "mds-root.der").number == 42)
    }

    @Test("a tampered payload is refused as a bad signature")
    func tampered() throws {
        let fixture = try MDSFixture.load()
        expectMetadataError(.metadataInvalid, containing: "signature") { _ = try fixture.blob("tampered.jwt") }
    }

    @Test("a BLOB signed by a key other than x5c[0]'s is refused")
    func wrongKey() throws {
        let fixture = try MDSFixture.load()
        expectMetadataError(.metadataInvalid, containing: "signature") { _ = try fixture.blob("wrong-key.jwt") }
    }

    @Test("a BLOB whose chain leads to another root is refused, and accepted with that root")
    func otherRoot() throws {
        let fixture = try MDSFixture.load()
        expectMetadataError(.metadataInvalid, containing: "chain") { _ = try fixture.blob("other-root.jwt") }
        expectMetadataError(.metadataInvalid, containing: "chain") { _ = try fixture.blob("good.jwt", rootFile: "other-root.pem") }
        #expect(try fixture.blob("other-root.jwt", rootFile: "other-root.pem").number == 42)
    }

    @Test("a signing certificate outside its validity at the verification time is refused")
    func expired() throws {
        let fixture = try MDSFixture.load()
        expectMetadataError(.metadataInvalid, containing: "expired") { _ = try fixture.blob("expired-leaf.jwt") }
        expectMetadataError(.metadataInvalid, containing: "expired") { _ = try fixture.blob("expired-intermediate.jwt") }
        // The good leaf ends 2027-01-01: verified in mid-2027 (stale accepted) it has expired.
        expectMetadataError(.metadataInvalid, containing: "expired") { _ = try fixture.blob("good.jwt", time: 1_812_000_000, acceptStale: true) }
        // Before the leaf's notBefore (2025-01-01) it is not yet valid.
        expectMetadataError(.metadataInvalid, containing: "chain") { _ = try fixture.blob("good.jwt", time: 1_700_000_000) }
    }

    @Test("a stale nextUpdate is refused unless the caller accepts stale BLOBs")
    func stale() throws {
        let fixture = try MDSFixture.load()
        expectMetadataError(.metadataInvalid, containing: "stale") { _ = try fixture.blob("stale.jwt") }
        #expect(try fixture.blob("stale.jwt", acceptStale: true).nextUpdate == "2026-01-01")
        // The nextUpdate day itself is not stale; the day after is.
        let nextUpdateDay: Int64 = 1_769_904_000  // 2026-02-01T00:00:00Z
        #expect(try fixture.blob("good.jwt", time: nextUpdateDay + 86_399).number == 42)
        expectMetadataError(.metadataInvalid, containing: "stale") { _ = try fixture.blob("good.jwt", time: nextUpdateDay + 86_400) }
    }

    @Test("a malformed entry is refused naming the field")
    func malformed() throws {
        let fixture = try MDSFixture.load()
        expectMetadataError(.metadataInvalid, containing: "entries[0].aaguid") { _ = try fixture.blob("malformed.jwt") }
    }

    @Test("structural garbage, empty roots and oversized input are refused")
    func garbage() throws {
        let fixture = try MDSFixture.load()
        let roots = try fixture.roots()
        let options = MetadataVerificationOptions(verificationTime: fixture.verifyTime)
        expectMetadataError(.metadataInvalid) { _ = try MetadataBLOB(jws: Array("not.a.jws".utf8), roots: roots, options: options) }
        expectMetadataError(.metadataInvalid) { _ = try MetadataBLOB(jws: [], roots: roots, options: options) }
        expectMetadataError(.invalidArgument) { _ = try MetadataBLOB(jws: try fixture.bytes("good.jwt"), roots: [], options: options) }
        expectMetadataError(.inputTooLarge) {
            _ = try MetadataBLOB(jws: [UInt8](repeating: 0x41, count: MetadataBLOB.maxLength + 1), roots: roots, options: options)
        }
        expectMetadataError(.metadataInvalid) { _ = try MetadataRootCertificates.parse(Array("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".utf8)) }
    }

    @Test("strict dates")
    func dates() {
        #expect(CivilDate.unixSeconds(date: "2026-02-01") == 1_769_904_000)
        #expect(CivilDate.unixSeconds(date: "2026-02-30") == nil)
        #expect(CivilDate.unixSeconds(date: "2026-13-01") == nil)
        #expect(CivilDate.unixSeconds(date: "2026-2-01") == nil)
        #expect(CivilDate.unixSeconds(date: "2026-02-01T00:00:00Z") == nil)
        #expect(CivilDate.unixSeconds(date: "2024-02-29") == 1_709_164_800)
        #expect(CivilDate.unixSeconds(date: "2025-02-29") == nil)
        #expect(CivilDate.unixSeconds(date: "2026-00-10") == nil)
        #expect(CivilDate.unixSeconds(date: "2026-01-00") == nil)
        #expect(CivilDate.unixSeconds(date: "2026-01-0a") == nil)
    }
}

@Suite("FIDO metadata in registration trust evaluation")
struct MetadataTrustTests {
    func policy(_ fixture: MDSFixture, requireEntry: Bool = false) throws -> RelyingPartyPolicy {
        var policy = RelyingPartyPolicy(rpId: fixture.manifest["rp_id"]?.stringValue ?? "", allowedOrigins: [fixture.manifest["origin"]?.stringValue ?? ""])
        policy.verificationTime = fixture.verifyTime
        policy.metadata = MetadataPolicy(index: try fixture.index(), requireEntry: requireEntry)
        return policy
    }

    func verify(_ fixture: MDSFixture, _ name: String, policy: RelyingPartyPolicy) throws -> RegistrationResult {
        try RegistrationVerifier(policy: policy).verify(clientDataJSON: fixture.registration(name, "client_data_json_hex"),
                                                        attestationObject: fixture.registration(name, "attestation_object_hex"),
                                                        expectedChallenge: fixture.registration(name, "challenge_hex"))
    }

    @Test("a packed registration chains through the entry's root and carries its description and status")
    func certified() throws {
        let fixture = try MDSFixture.load()
        var policy = try policy(fixture)
        policy.requireTrustedAttestation = true
        let result = try verify(fixture, "certified", policy: policy)
        #expect(result.trust.isTrusted)
        if case .trusted(let chain) = result.trust {
            #expect(chain.last?.der == (try fixture.hex("attestation_root_der_hex")))
        }
        #expect(result.metadata?.description == "Test Certified Authenticator")
        #expect(result.metadata?.status == .fidoCertifiedL1)
        #expect(result.metadata?.aaguid == (try fixture.hex("aaguid_certified")))
        #expect(result.metadata?.json["status"]?.stringValue == "FIDO_CERTIFIED_L1")
        // Without metadata the same registration has no anchors at all.
        var plain = policy
        plain.metadata = nil
        plain.requireTrustedAttestation = false
        let unanchored = try verify(fixture, "certified", policy: plain)
        #expect(!unanchored.trust.isTrusted)
        #expect(unanchored.metadata == nil)
    }

    @Test("a REVOKED authenticator is refused naming the status")
    func revoked() throws {
        let fixture = try MDSFixture.load()
        let policy = try policy(fixture)
        expectMetadataError(.authenticatorStatusNotAccepted, containing: "REVOKED") { _ = try verify(fixture, "revoked", policy: policy) }
        // A relying party may choose to accept it.
        var lenient = policy
        lenient.metadata?.refusedStatuses = []
        #expect(try verify(fixture, "revoked", policy: lenient).metadata?.status == .revoked)
    }

    @Test("an authenticator without an entry: accepted untrusted, refused when the policy requires an entry")
    func unlisted() throws {
        let fixture = try MDSFixture.load()
        let result = try verify(fixture, "unlisted", policy: try policy(fixture))
        #expect(!result.trust.isTrusted)
        #expect(result.metadata == nil)
        expectMetadataError(.metadataEntryMissing, containing: "00112233445566778899aabbccddeeff") {
            _ = try verify(fixture, "unlisted", policy: try policy(fixture, requireEntry: true))
        }
    }

    @Test("self and none attestation cannot satisfy a required entry")
    func unattested() throws {
        let fixture = try MDSFixture.load()
        let policy = try policy(fixture, requireEntry: true)
        let authenticator = SoftwareAuthenticator(aaguid: try fixture.hex("aaguid_certified"))
        for attestation in [SoftwareAuthenticator.Attestation.none, .packedSelf] {
            let challenge = Array("metadata-\(attestation)".utf8)
            let registration = try authenticator.register(rpId: policy.rpId, origin: policy.allowedOrigins[0], challenge: challenge, attestation: attestation)
            expectMetadataError(.metadataEntryMissing) {
                _ = try RegistrationVerifier(policy: policy).verify(clientDataJSON: registration.clientDataJSON,
                                                                    attestationObject: registration.attestationObject, expectedChallenge: challenge)
            }
        }
    }

    @Test("fido-u2f is matched by the attestation key identifier and chained through the entry's root")
    func u2fKeyIdentifier() throws {
        let fixture = try MDSFixture.load()
        let certificate = try Certificate(der: try fixture.hex("u2f_certificate_der_hex"))
        let attestation = VerifiedAttestation(format: "fido-u2f", type: .basic, trustPath: [certificate])
        let evaluation = try AttestationTrust.evaluate(attestation, policy: try policy(fixture, requireEntry: true), aaguid: [UInt8](repeating: 0, count: 16))
        #expect(evaluation.status.isTrusted)
        #expect(evaluation.metadata?.description == "Test U2F Key")
        #expect(evaluation.metadata?.protocolFamily == "u2f")
        // The same certificate as packed has no AAGUID to look up: missing.
        let packed = VerifiedAttestation(format: "packed", type: .basic, trustPath: [certificate])
        expectMetadataError(.metadataEntryMissing) {
            _ = try AttestationTrust.evaluate(packed, policy: try policy(fixture, requireEntry: true), aaguid: [UInt8](repeating: 0, count: 16))
        }
    }
}
