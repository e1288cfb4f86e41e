import DfnsCBOR
import DfnsCrypto
@testable import DfnsWebAuthn
import Foundation
import Testing
import DfnsEncoding

/// Minimal DER writer for building KeyDescription extensions in tests.
enum TestDER {
    static func length(_ count: Int) -> [UInt8] {
        if count < 0x80 { return [UInt8(count)] }
        if count < 0x100 { return [0x81, UInt8(count)] }
        return [0x82, UInt8(count >> 8), UInt8(count & 0xFF)]
    }
    static func tlv(_ tag: [UInt8], _ content: [UInt8]) -> [UInt8] { tag + length(content.count) + content }
    static func sequence(_ parts: [UInt8]...) -> [UInt8] { tlv([0x30], parts.flatMap { $0 }) }
    static func set(_ parts: [UInt8]...) -> [UInt8] { tlv([0x31], parts.flatMap { $0 }) }
    static func integer(_ value: UInt8) -> [UInt8] { value < 0x80 ? [0x02, 0x01, value] : [0x02, 0x02, 0x00, value] }
    static func enumerated(_ value: UInt8) -> [UInt8] { [0x0A, 0x01, value] }
    static func octets(_ bytes: [UInt8]) -> [UInt8] { tlv([0x04], bytes) }
    static let null: [UInt8] = [0x05, 0x00]
    /// `[tag] EXPLICIT inner` (context-specific, constructed; high-tag-number form from 31).
    static func explicit(_ tag: UInt, _ inner: [UInt8]...) -> [UInt8] {
        var identifier: [UInt8]
        if tag < 31 {
            identifier = [0xA0 | UInt8(tag)]
        } else {
            var digits: [UInt8] = [UInt8(tag & 0x7F)]
            var rest = tag >> 7
            while rest > 0 { digits.insert(UInt8(rest & 0x7F) | 0x80, at: 0); rest >>= 7 }
            identifier = [0xBF] + digits
        }
        return tlv(identifier, inner.flatMap { $0 })
    }

    static let purposeSign = explicit(1, set(integer(2)))
    static let originGenerated = explicit(702, integer(0))
    static let allApplications = explicit(600, null)

    /// A KeyDescription with the given authorization list contents.
    static func keyDescription(challenge: [UInt8], software: [UInt8] = [], tee: [UInt8], securityLevel: UInt8 = 1) -> [UInt8] {
        sequence(integer(3), enumerated(securityLevel), integer(4), enumerated(securityLevel),
                 octets(challenge), octets([]), tlv([0x30], software), tlv([0x30], tee))
    }
}

@Suite("Android key attestation")
struct AndroidKeyAttestationTests {
    static let w3c = "w3c-reg-android-key-es256.json"
    static let real = "pywebauthn-reg-android-key-verify-attestation-android-key-hardware-authority.json"

    /// The W3C vector has empty authorization lists and security level 0.
    static let w3cPolicy = FormatVector.policy {
        $0.androidKey.requireOriginGenerated = false
        $0.androidKey.requirePurposeSign = false
    }

    @Test("every android-key vector with populated lists verifies with the default policy",
          arguments: FormatVector.names(format: "android-key").filter { $0 != AndroidKeyAttestationTests.w3c })
    func verifiesVector(name: String) throws {
        let vector = try FormatVector(name)
        let result = try AndroidKeyAttestation.verify(try vector.context())
        #expect(result.format == "android-key")
        #expect(result.type == .basic)
        #expect(result.trustPath.count == vector.statementMap[text: "x5c"]?.arrayValue?.count)
    }

    @Test("the W3C vector verifies once origin and purpose checks are off, and not before")
    func w3cVector() throws {
        let vector = try FormatVector(Self.w3c)
        #expect(try AndroidKeyAttestation.verify(try vector.context(policy: Self.w3cPolicy)).type == .basic)
        expectWebAuthnError(.attestationPolicyViolation) { _ = try AndroidKeyAttestation.verify(try vector.context()) }
        let purposeOnly = FormatVector.policy { $0.androidKey.requireOriginGenerated = false }
        expectWebAuthnError(.attestationPolicyViolation) { _ = try AndroidKeyAttestation.verify(try vector.context(policy: purposeOnly)) }
    }

    @Test("teeEnforcedOnly and minimumSecurityLevel")
    func policyScopes() throws {
        let vector = try FormatVector(Self.real)
        _ = try AndroidKeyAttestation.verify(try vector.context(policy: FormatVector.policy { $0.androidKey.teeEnforcedOnly = true }))
        _ = try AndroidKeyAttestation.verify(try vector.context(policy: FormatVector.policy { $0.androidKey.minimumSecurityLevel = 1 }))
        expectWebAuthnError(.attestationPolicyViolation) {
            _ = try AndroidKeyAttestation.verify(try vector.context(policy: FormatVector.policy { $0.androidKey.minimumSecurityLevel = 2 }))
        }
        let software = try FormatVector("gowebauthn-reg-stmt-androidkeytestresponse0.json")
        expectWebAuthnError(.attestationPolicyViolation) {
            _ = try AndroidKeyAttestation.verify(try software.context(policy: FormatVector.policy { $0.androidKey.minimumSecurityLevel = 1 }))
        }
    }

    @Test("the real KeyDescription parses with every tag visited")
    func realKeyDescription() throws {
        let vector = try FormatVector(Self.real)
        guard let der = vector.statementMap[text: "x5c"]?.arrayValue?.first?.bytesValue else { Issue.record("no x5c"); return }
        let description = try AndroidKeyAttestation.keyDescription(of: try Certificate(der: der))
        #expect(description.attestationVersion == 300)
        #expect(description.attestationSecurityLevel == 1)
        #expect(description.attestationChallenge == vector.clientDataHash)
        #expect(description.teeEnforced.tags == [1, 2, 3, 5, 10, 504, 505, 702, 704, 705, 706, 718, 719])
        #expect(description.softwareEnforced.tags == [701, 709])
        #expect(description.teeEnforced.origin == 0)
        #expect(description.teeEnforced.purpose == [2])
        #expect(!description.teeEnforced.allApplications && !description.softwareEnforced.allApplications)
    }

    @Test("a different credential key does not match the certificate key")
    func swappedCredentialKey() throws {
        let vector = try FormatVector(Self.real)
        let other = try CredentialPublicKey(publicKey: try PrivateKey.generate(.ec(.p256)).publicKey, algorithm: .es256)
        expectWebAuthnError(.attestedKeyMismatch) { _ = try AndroidKeyAttestation.verify(try vector.context(credentialPublicKey: other)) }
    }

    @Test("a wrong attestationChallenge (statement re-signed over another clientDataHash)")
    func challengeMismatch() throws {
        let vector = try FormatVector(Self.w3c)
        let credentialKey = try PrivateKey.ec(curve: .p256, scalar: try vector.hex("credential_private_key_hex"))
        let otherHash = flipping(vector.clientDataHash, at: 31)
        let sig = try credentialKey.sign(vector.authData + otherHash, algorithm: .es256)
        let statement = replacing(vector.statementMap, "sig", with: .bytes(sig))
        expectWebAuthnError(.attestationBindingMismatch) {
            _ = try AndroidKeyAttestation.verify(try vector.context(statement: statement, clientDataHash: otherHash, policy: Self.w3cPolicy))
        }
        // Without re-signing, the signature check fails first.
        expectWebAuthnError(.signatureInvalid) {
            _ = try AndroidKeyAttestation.verify(try vector.context(clientDataHash: otherHash, policy: Self.w3cPolicy))
        }
    }

    @Test("attStmt syntax")
    func syntax() throws {
        let vector = try FormatVector(Self.real)
        let map = vector.statementMap
        expectWebAuthnError(.malformedAttestationStatement) {
            _ = try AndroidKeyAttestation.verify(try vector.context(statement: replacing(map, "ver", with: .text("1"))))
        }
        expectWebAuthnError(.malformedAttestationStatement) {
            _ = try AndroidKeyAttestation.verify(try vector.context(statement: replacing(map, "x5c", with: nil)))
        }
        expectWebAuthnError(.signatureInvalid) {
            _ = try AndroidKeyAttestation.verify(try vector.context(statement: replacing(map, "sig", with: .bytes(flipping(vector.statementBytes("sig"), at: 10)))))
        }
    }

    // MARK: - KeyDescription parser

    @Test("allApplications is found after an unknown tag, in either list")
    func allApplicationsAfterUnknownTag() throws {
        let challenge = [UInt8](repeating: 7, count: 32)
        let unknown = TestDER.explicit(999, TestDER.integer(5))
        let tee = TestDER.purposeSign + unknown + TestDER.allApplications + TestDER.originGenerated
        let description = try AndroidKeyDescription(derEncoded: TestDER.keyDescription(challenge: challenge, tee: tee))
        #expect(description.teeEnforced.allApplications)
        #expect(description.teeEnforced.tags == [1, 999, 600, 702])
        expectWebAuthnError(.attestationPolicyViolation) {
            try AndroidKeyAttestation.checkAuthorizations(description, policy: AndroidKeyPolicy())
        }
        let inSoftware = try AndroidKeyDescription(derEncoded: TestDER.keyDescription(
            challenge: challenge, software: unknown + TestDER.allApplications, tee: TestDER.purposeSign + TestDER.originGenerated))
        expectWebAuthnError(.attestationPolicyViolation) {
            try AndroidKeyAttestation.checkAuthorizations(inSoftware, policy: AndroidKeyPolicy())
        }
        let clean = try AndroidKeyDescription(derEncoded: TestDER.keyDescription(challenge: challenge, tee: TestDER.purposeSign + unknown + TestDER.originGenerated))
        try AndroidKeyAttestation.checkAuthorizations(clean, policy: AndroidKeyPolicy())
    }

    @Test("origin and purpose scopes: union versus teeEnforced only")
    func originAndPurposeScopes() throws {
        let challenge = [UInt8](repeating: 1, count: 32)
        let softwareOnly = try AndroidKeyDescription(derEncoded: TestDER.keyDescription(
            challenge: challenge, software: TestDER.purposeSign + TestDER.originGenerated, tee: []))
        try AndroidKeyAttestation.checkAuthorizations(softwareOnly, policy: AndroidKeyPolicy())
        var teeOnly = AndroidKeyPolicy()
        teeOnly.teeEnforcedOnly = true
        expectWebAuthnError(.attestationPolicyViolation) { try AndroidKeyAttestation.checkAuthorizations(softwareOnly, policy: teeOnly) }

        let imported = try AndroidKeyDescription(derEncoded: TestDER.keyDescription(
            challenge: challenge, tee: TestDER.purposeSign + TestDER.explicit(702, TestDER.integer(2))))
        expectWebAuthnError(.attestationPolicyViolation) { try AndroidKeyAttestation.checkAuthorizations(imported, policy: AndroidKeyPolicy()) }
        let encryptOnly = try AndroidKeyDescription(derEncoded: TestDER.keyDescription(
            challenge: challenge, tee: TestDER.explicit(1, TestDER.set(TestDER.integer(0), TestDER.integer(1))) + TestDER.originGenerated))
        expectWebAuthnError(.attestationPolicyViolation) { try AndroidKeyAttestation.checkAuthorizations(encryptOnly, policy: AndroidKeyPolicy()) }
    }

    @Test("malformed KeyDescriptions are rejected", arguments: [
        // duplicate tag
        TestDER.keyDescription(challenge: [1], tee: TestDER.originGenerated + TestDER.originGenerated),
        // an element that is not [n] EXPLICIT
        TestDER.keyDescription(challenge: [1], tee: TestDER.integer(2)),
        // an explicit tag wrapping two values
        TestDER.keyDescription(challenge: [1], tee: TestDER.explicit(702, TestDER.integer(0), TestDER.integer(0))),
        // purpose not a SET
        TestDER.keyDescription(challenge: [1], tee: TestDER.explicit(1, TestDER.integer(2))),
        // origin not an INTEGER
        TestDER.keyDescription(challenge: [1], tee: TestDER.explicit(702, TestDER.null)),
        // too few elements
        TestDER.sequence(TestDER.integer(3), TestDER.enumerated(1)),
        // not a SEQUENCE
        TestDER.set(TestDER.integer(3)),
        // trailing bytes after the value
        TestDER.keyDescription(challenge: [1], tee: []) + [0x00],
        // non-minimal length (DER requires the short form)
        [0x30, 0x81, 0x03, 0x02, 0x01, 0x03],
        // empty input
        [],
    ])
    func malformedKeyDescription(der: [UInt8]) {
        expectWebAuthnError(.attestationCertificateInvalid) { _ = try AndroidKeyDescription(derEncoded: der) }
    }

    @Test("every truncation of a real KeyDescription fails cleanly")
    func truncations() throws {
        let vector = try FormatVector(Self.real)
        guard let der = vector.statementMap[text: "x5c"]?.arrayValue?.first?.bytesValue,
              let ext = try Certificate(der: der).extensionValue(oid: AndroidKeyDescription.extensionOID) else {
            Issue.record("no KeyDescription"); return
        }
        _ = try AndroidKeyDescription(derEncoded: ext.value)
        for length in 0..<ext.value.count {
            #expect(throws: WebAuthnError.self) { _ = try AndroidKeyDescription(derEncoded: Array(ext.value.prefix(length))) }
        }
    }

    // MARK: - Full statements with minted certificates (needs the openssl command)

    /// A self-signed certificate for `key` carrying `keyDescription`, made with the openssl CLI;
    /// nil when openssl is not available.
    static func mintCertificate(key: PrivateKey, keyDescription: [UInt8]) throws -> Certificate? {
        let openssl = "/usr/bin/openssl"
        guard FileManager.default.isExecutableFile(atPath: openssl) else { return nil }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("android-key-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let keyPath = dir.appendingPathComponent("key.pem"), certPath = dir.appendingPathComponent("cert.pem")
        try key.pkcs8PEM().write(to: keyPath, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: openssl)
        process.arguments = ["req", "-x509", "-new", "-key", keyPath.path, "-subj", "/CN=Android Keystore Key", "-days", "3650",
                             "-addext", "\(AndroidKeyDescription.extensionOID)=DER:\(Hex.encode(keyDescription))", "-out", certPath.path]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw FormatFixtureError.missing("openssl req", "exit status \(process.terminationStatus)") }
        return try Certificate(pem: String(contentsOf: certPath, encoding: .utf8))
    }

    @Test("a full statement whose certificate carries allApplications is rejected")
    func allApplicationsInCertificate() throws {
        let vector = try FormatVector(Self.w3c)
        let key = try PrivateKey.ec(curve: .p256, scalar: try vector.hex("credential_private_key_hex"))
        let sig = try key.sign(vector.authData + vector.clientDataHash, algorithm: .es256)
        func statement(tee: [UInt8]) throws -> CBORValue? {
            guard let cert = try Self.mintCertificate(key: key, keyDescription: TestDER.keyDescription(challenge: vector.clientDataHash, tee: tee)) else {
                return nil
            }
            return .map(CBORMap([(.text("alg"), CBORValue(-7)), (.text("sig"), .bytes(sig)), (.text("x5c"), .array([.bytes(cert.der)]))]))
        }
        guard let good = try statement(tee: TestDER.purposeSign + TestDER.originGenerated),
              let bad = try statement(tee: TestDER.purposeSign + TestDER.allApplications + TestDER.originGenerated) else {
            return  // no openssl command: covered by the parser-level tests above
        }
        #expect(try AndroidKeyAttestation.verify(try vector.context(statement: good)).type == .basic)
        expectWebAuthnError(.attestationPolicyViolation) { _ = try AndroidKeyAttestation.verify(try vector.context(statement: bad)) }
    }
}
