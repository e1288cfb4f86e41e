import DfnsCrypto
import XCTest

final class CertificateParsingTests: XCTestCase {
    private typealias F = CertificateFixtures

    private static let commonName = "2.5.4.3"
    private static let organization = "2.5.4.10"
    private static let organizationalUnit = "2.5.4.11"
    private static let state = "2.5.4.8"
    private static let country = "2.5.4.6"
    private static let serialNumber = "2.5.4.5"

    /// webauthn-verification.md §4.10, recomputed with `openssl x509 -fingerprint -sha256`.
    private static let rootFingerprints: [(file: String, sha256: String)] = [
        ("apple-webauthn-root-ca.pem",
         "09:15:DD:5C:07:A2:8D:B5:49:D1:F6:77:BB:5A:75:D4:BF:BE:95:61:A7:73:42:43:27:76:2E:9E:02:F9:BB:29"),
        ("google-hardware-attestation-root-1.pem",
         "C1:98:4A:3E:F4:5C:1E:2A:91:85:51:DE:10:60:3C:86:F7:05:1B:22:49:C4:89:1C:AE:32:30:EA:BD:0C:97:D5"),
        ("google-hardware-attestation-root-2.pem",
         "1E:F1:A0:4B:8B:A5:8A:B9:45:89:AC:49:8C:89:82:A7:83:F2:4E:A7:30:7E:01:59:A0:C3:A7:3B:37:7D:87:CC"),
        ("google-hardware-attestation-root-3.pem",
         "AB:66:41:17:8A:36:E1:79:AA:0C:1C:DD:DF:9A:16:EB:45:FA:20:94:3E:2B:8C:D7:C7:C0:5C:26:CF:8B:48:7A"),
        ("google-hardware-attestation-root-4.pem",
         "CE:DB:1C:B6:DC:89:6A:E5:EC:79:73:48:BC:E9:28:67:53:C2:B3:8E:E7:1C:E0:FB:E3:4A:9A:12:48:80:0D:FC"),
        ("google-key-attestation-ca1.pem",
         "6D:9D:B4:CE:6C:5C:0B:29:31:66:D0:89:86:E0:57:74:A8:77:6C:EB:52:5D:9E:43:29:52:0D:E1:2B:A4:BC:C0"),
        ("globalsign-root-ca.pem",
         "EB:D4:10:40:E4:BB:3E:C7:42:C9:E3:81:D3:1E:F2:A4:1A:48:B6:68:5C:96:E7:CE:F3:C1:DF:6C:D4:33:1C:99"),
        ("globalsign-r2.pem",
         "69:E2:D0:6C:30:F3:66:16:61:65:E9:1D:68:D1:CE:E5:CC:47:58:4A:80:22:7E:76:66:60:86:C0:10:72:41:EB"),
        ("globalsign-root-r3-fido-mds.pem",
         "CB:B5:22:D7:B7:F1:27:AD:6A:01:13:86:5B:DF:1C:D4:10:2E:7D:07:59:AF:63:5A:7C:F4:72:0D:C9:63:C5:3B"),
    ]

    // MARK: - Field accessors on real roots

    func testAppleRootFields() throws {
        let root = try F.root("apple-webauthn-root-ca.pem")
        XCTAssertEqual(root.version, 3)
        XCTAssertEqual(root.subject.attributes.map(\.oid), [Self.commonName, Self.organization, Self.state])
        XCTAssertEqual(root.subject.values(oid: Self.commonName), ["Apple WebAuthn Root CA"])
        XCTAssertEqual(root.subject.values(oid: Self.organization), ["Apple Inc."])
        XCTAssertEqual(root.subject.values(oid: Self.state), ["California"])
        XCTAssertEqual(root.subject.values(oid: Self.country), [])
        XCTAssertEqual(root.subject, root.issuer)
        XCTAssertFalse(root.subject.isEmpty)
        XCTAssertTrue(root.isSelfIssued)
        XCTAssertEqual(root.notBefore, 1_584_555_692)  // 2020-03-18 18:21:32 UTC
        XCTAssertEqual(root.notAfter, 2_373_148_800)  // 2045-03-15 00:00:00 UTC
        let constraints = try XCTUnwrap(try root.basicConstraints)
        XCTAssertTrue(constraints.critical)
        XCTAssertTrue(constraints.isCA)
        XCTAssertNil(try root.extendedKeyUsage)
        XCTAssertEqual(try root.subjectAlternativeNameDirectoryNames, [])
        // Subject key identifier 2.5.29.14: OCTET STRING of 20 bytes, non-critical.
        let ski = try XCTUnwrap(try root.extensionValue(oid: "2.5.29.14"))
        XCTAssertFalse(ski.critical)
        XCTAssertEqual(ski.value, [0x04, 0x14] + (try F.bytes(hex: "26D764D9C578C25A67D1A7DE6B12D01B63F1C6D7")))
        XCTAssertNil(try root.extensionValue(oid: "1.3.6.1.4.1.45724.1.1.4"))
        XCTAssertNoThrow(try root.publicKey())
        XCTAssertEqual(
            root.subject.description, "2.5.4.3=Apple WebAuthn Root CA, 2.5.4.10=Apple Inc., 2.5.4.8=California")
    }

    func testGoogleRootFields() throws {
        let expectedValidity: [String: (Int64, Int64)] = [
            "google-hardware-attestation-root-1.pem": (1_464_280_132, 1_779_640_132),  // 2016-05-26 .. 2026-05-24 16:28:52
        ]
        for index in 1...4 {
            let file = "google-hardware-attestation-root-\(index).pem"
            let root = try F.root(file)
            XCTAssertEqual(root.version, 3, file)
            XCTAssertEqual(root.subject.attributes.count, 1, file)
            XCTAssertEqual(root.subject.values(oid: Self.serialNumber), ["f92009e853b6b045"], file)
            XCTAssertEqual(root.issuer, root.subject, file)
            XCTAssertTrue(root.isSelfIssued, file)
            XCTAssertEqual(try root.basicConstraints?.isCA, true, file)
            XCTAssertLessThan(root.notBefore, root.notAfter, file)
            if let (start, end) = expectedValidity[file] {
                XCTAssertEqual(root.notBefore, start, file)
                XCTAssertEqual(root.notAfter, end, file)
            }
        }
        let ca1 = try F.root("google-key-attestation-ca1.pem")
        XCTAssertEqual(ca1.subject.attributes.map(\.oid),
                       [Self.commonName, Self.organizationalUnit, Self.organization, Self.country])
        XCTAssertEqual(ca1.subject.values(oid: Self.commonName), ["Key Attestation CA1"])

        let globalSign = try F.root("globalsign-root-ca.pem")
        XCTAssertEqual(globalSign.notBefore, 904_651_200)  // 1998-09-01 12:00:00 UTC (UTCTime, 19xx)
        XCTAssertEqual(globalSign.notAfter, 1_832_673_600)  // 2028-01-28 12:00:00 UTC
        XCTAssertEqual(globalSign.version, 3)
    }

    func testRootFingerprintsMatchTheReference() throws {
        for (file, expected) in Self.rootFingerprints {
            let root = try F.root(file)
            XCTAssertEqual(F.hex(root.sha256Fingerprint), expected, file)
            XCTAssertEqual(root.sha256Fingerprint.count, 32, file)
        }
    }

    func testDERRoundTrip() throws {
        let root = try F.root("apple-webauthn-root-ca.pem")
        let again = try Certificate(der: root.der)
        XCTAssertEqual(again.der, root.der)
        XCTAssertEqual(again.sha256Fingerprint, root.sha256Fingerprint)
        XCTAssertEqual(again.subject, root.subject)
    }

    // MARK: - PEM

    func testPEMBundle() throws {
        let apple = try F.rootPEM("apple-webauthn-root-ca.pem")
        let google = try F.rootPEM("google-hardware-attestation-root-2.pem")
        let bundle = "# comment before\n" + apple + "\nsome text between\n" + google + "\ntrailing text\n"
        let certificates = try Certificate.parsePEMBundle(bundle)
        XCTAssertEqual(certificates.count, 2)
        XCTAssertEqual(certificates.first?.subject.values(oid: Self.commonName), ["Apple WebAuthn Root CA"])
        XCTAssertEqual(certificates.last?.subject.values(oid: Self.serialNumber), ["f92009e853b6b045"])
        // init(pem:) wants exactly one certificate.
        XCTAssertThrowsError(try Certificate(pem: bundle))
        XCTAssertThrowsError(try Certificate(pem: ""))
        XCTAssertThrowsError(try Certificate(pem: "no pem here"))
        XCTAssertThrowsError(try Certificate.parsePEMBundle(""))
        XCTAssertThrowsError(try Certificate.parsePEMBundle("just text\n"))
    }

    func testMalformedPEMIsRejected() throws {
        let apple = try F.rootPEM("apple-webauthn-root-ca.pem")
        // Another block type.
        let key = apple.replacingOccurrences(of: "CERTIFICATE", with: "PUBLIC KEY")
        XCTAssertThrowsError(try Certificate(pem: key))
        // Missing END line.
        let truncated = apple.components(separatedBy: "-----END").first ?? ""
        XCTAssertThrowsError(try Certificate(pem: truncated))
        // Corrupted base64 body.
        var lines = apple.split(separator: "\n").map(String.init)
        if lines.count > 3 { lines[2] = "!!!!" + lines[2].dropFirst(4) }
        XCTAssertThrowsError(try Certificate(pem: lines.joined(separator: "\n")))
        // A valid certificate followed by a bad block: the bundle fails as a whole.
        XCTAssertThrowsError(try Certificate.parsePEMBundle(apple + "\n" + key))
    }

    // MARK: - Hostile DER

    func testDERWithTrailingByteIsRejected() throws {
        let der = try F.root("apple-webauthn-root-ca.pem").der
        XCTAssertNoThrow(try Certificate(der: der))
        XCTAssertThrowsError(try Certificate(der: der + [0x00])) { error in
            guard case CryptoError.certificate = error else { return XCTFail("unexpected \(error)") }
        }
        XCTAssertThrowsError(try Certificate(der: der + der))
    }

    func testGarbageIsRejected() throws {
        let der = try F.root("apple-webauthn-root-ca.pem").der
        let inputs: [[UInt8]] = [
            [], [0x00], [0x30], [0x30, 0x00], [0x30, 0x80, 0x00, 0x00], [0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF],
            Array(repeating: 0xFF, count: 64), Array("hello".utf8),
            Array(der.dropLast()), Array(der.prefix(der.count / 2)), Array(der.dropFirst()),
        ]
        for input in inputs {
            XCTAssertThrowsError(try Certificate(der: input), "\(input.prefix(8))") { error in
                guard case CryptoError.certificate = error else { return XCTFail("unexpected \(error)") }
            }
        }
    }

    /// Flips every byte of a real certificate in turn. Whatever parses must give total accessors;
    /// nothing may crash.
    func testMutatedDERNeverTraps() throws {
        let originals = try [F.root("apple-webauthn-root-ca.pem").der]
            + F.x5cDER("w3c-reg-tpm-es256.json")
        for original in originals {
            for position in 0..<original.count {
                for mask: UInt8 in [0xFF, 0x01, 0x80] {
                    var mutated = original
                    mutated[position] ^= mask
                    guard let certificate = try? Certificate(der: mutated) else { continue }
                    _ = certificate.subject.description
                    _ = certificate.isSelfIssued
                    _ = try? certificate.basicConstraints
                    _ = try? certificate.extendedKeyUsage
                    _ = try? certificate.subjectAlternativeNameDirectoryNames
                    _ = try? certificate.extensionValue(oid: "2.5.29.17")
                    _ = try? certificate.publicKey()
                    _ = certificate.matchesHost("example.org")
                }
            }
        }
    }

    // MARK: - Extensions

    func testW3CPackedCertificate() throws {
        let leaf = try XCTUnwrap(try F.x5c("w3c-reg-packed-es256.json").first)
        XCTAssertEqual(leaf.version, 3)
        XCTAssertEqual(leaf.subject.values(oid: Self.commonName), ["WebAuthn test vectors"])
        XCTAssertEqual(leaf.subject.values(oid: Self.organizationalUnit), ["Authenticator Attestation"])
        XCTAssertFalse(leaf.isSelfIssued)
        XCTAssertEqual(leaf.issuer, try F.w3cAttestationCA().subject)
        XCTAssertNil(try leaf.extensionValue(oid: "1.3.6.1.4.1.45724.1.1.4"))
        XCTAssertEqual(try leaf.basicConstraints?.isCA, false)
        XCTAssertEqual(leaf.notBefore, 1_704_067_200)  // 2024-01-01 (UTCTime)
        XCTAssertEqual(leaf.notAfter, 33_260_976_000)  // 3024-01-01 (GeneralizedTime)
    }

    func testAAGUIDExtension() throws {
        let leaf = try XCTUnwrap(try F.x5c("gowebauthn-reg-stmt-packedtestresponsesolo2.json").first)
        // The CN contains a '+', escaped in RFC 4514 renderings but not in the decoded value.
        XCTAssertEqual(leaf.subject.values(oid: Self.commonName), ["Solo 2 NFC+USB-C 2369D4D013CE48CB9F26F7ED8C9A6068 B2"])
        let aaguid = try XCTUnwrap(try leaf.extensionValue(oid: "1.3.6.1.4.1.45724.1.1.4"))
        XCTAssertFalse(aaguid.critical)
        XCTAssertEqual(aaguid.value, [0x04, 0x10] + (try F.bytes(hex: "2369d4d013ce48cb9f26f7ed8c9a6068")))
    }

    func testInvalidOIDStringsAreRejected() throws {
        let root = try F.root("apple-webauthn-root-ca.pem")
        for oid in ["", "basicConstraints", "2.5.29.19\u{0}", "1..2", "2.5.29.x", "2", "3.1", "2.05.29", ".2.5", "2.5."] {
            XCTAssertThrowsError(try root.extensionValue(oid: oid), oid)
        }
        XCTAssertNotNil(try root.extensionValue(oid: "2.5.29.19"))
    }

    func testTPMAIKCertificateOfW3CVector() throws {
        let aik = try XCTUnwrap(try F.x5c("w3c-reg-tpm-es256.json").first)
        try assertAIKRequirements(aik)
        let names = try aik.subjectAlternativeNameDirectoryNames
        XCTAssertEqual(names.count, 1)
        XCTAssertEqual(names.first?.values(oid: "2.23.133.2.1"), ["id:00000000"])
        XCTAssertEqual(names.first?.values(oid: "2.23.133.2.2"), ["WebAuthn test vectors"])
        XCTAssertEqual(names.first?.values(oid: "2.23.133.2.3"), ["id:00000000"])
    }

    func testTPMAIKCertificateOfWindowsHello() throws {
        let chain = try F.x5c("yubico-reg-real-windowshellotpm.json")
        let aik = try XCTUnwrap(chain.first)
        try assertAIKRequirements(aik)
        let names = try aik.subjectAlternativeNameDirectoryNames
        XCTAssertEqual(names.first?.values(oid: "2.23.133.2.1"), ["id:4E544300"])
        XCTAssertEqual(names.first?.values(oid: "2.23.133.2.2"), ["NPCT75x"])
        XCTAssertEqual(names.first?.values(oid: "2.23.133.2.3"), ["id:00070002"])
        // certificatePolicies is critical on real Windows AIKs.
        XCTAssertEqual(try aik.extensionValue(oid: "2.5.29.32")?.critical, true)
        let intermediate = try XCTUnwrap(chain.last)
        XCTAssertEqual(intermediate.subject.values(oid: Self.commonName),
                       ["EUS-NTC-KEYID-882F047B87121CF9885F31160BC7BB5586AF471B"])
        XCTAssertEqual(try intermediate.basicConstraints?.isCA, true)
        XCTAssertNotNil(try intermediate.extendedKeyUsage)
    }

    func testTPMAIKOfOtherRealDevices() throws {
        for file in ["pywebauthn-reg-tpm-verify-attestation-dell-xps-13.json",
                     "pywebauthn-reg-tpm-verify-attestation-lenovo-carbon-x1.json",
                     "pywebauthn-reg-tpm-verify-attestation-surface-pro-4.json",
                     "yubico-reg-real-thinkpadtpm.json"] {
            let aik = try XCTUnwrap(try F.x5c(file).first, file)
            try assertAIKRequirements(aik, file)
        }
    }

    private func assertAIKRequirements(_ aik: Certificate, _ label: String = "") throws {
        XCTAssertEqual(aik.version, 3, label)
        XCTAssertTrue(aik.subject.isEmpty, label)
        XCTAssertFalse(aik.isSelfIssued, label)
        let names = try aik.subjectAlternativeNameDirectoryNames
        XCTAssertFalse(names.isEmpty, label)
        let oids = Set(names.flatMap { $0.attributes.map(\.oid) })
        XCTAssertTrue(oids.isSuperset(of: ["2.23.133.2.1", "2.23.133.2.2", "2.23.133.2.3"]), "\(label) \(oids)")
        XCTAssertEqual(try aik.extensionValue(oid: "2.5.29.17")?.critical, true, label)
        XCTAssertTrue(try aik.extendedKeyUsage?.contains("2.23.133.8.3") ?? false, label)
        let constraints = try XCTUnwrap(try aik.basicConstraints, label)
        XCTAssertFalse(constraints.isCA, label)
        XCTAssertNoThrow(try aik.publicKey(), label)
    }

    func testPublicKeys() throws {
        let apple = try F.root("apple-webauthn-root-ca.pem").publicKey()
        guard case .ec(let curve, let x, let y)? = apple.components else {
            return XCTFail("expected an EC key, got \(String(describing: apple.components))")
        }
        XCTAssertEqual(curve, .p384)
        XCTAssertEqual(x.count, 48)
        XCTAssertEqual(y.count, 48)
        XCTAssertEqual(try F.root("google-hardware-attestation-root-1.pem").publicKey().rsaModulusBits, 4096)
        // Two parses of the same certificate give equal keys; different certificates do not.
        let root2 = try F.root("google-hardware-attestation-root-2.pem").publicKey()
        XCTAssertTrue(try F.root("google-hardware-attestation-root-2.pem").publicKey().isEqual(to: root2))
        XCTAssertFalse(apple.isEqual(to: root2))
    }

    func testUnsupportedPublicKeyAlgorithmThrowsOnlyOnAccess() throws {
        // ML-DSA certificates parse with OpenSSL 3.0, but their key type is unknown to it.
        let leaf = try XCTUnwrap(try F.x5c("yubico-reg-testdata-packed-basicattestationmldsa44.json").first)
        XCTAssertEqual(leaf.version, 3)
        XCTAssertThrowsError(try leaf.publicKey()) { error in
            guard case CryptoError.invalidKey = error else { return XCTFail("unexpected \(error)") }
        }
    }

    // MARK: - Host names

    func testSafetyNetLeafMatchesHost() throws {
        let chain = try F.safetyNetX5c("pywebauthn-reg-android-safetynet-verify-attestation-android-safetynet.json")
        XCTAssertEqual(chain.count, 3)
        let leaf = try XCTUnwrap(chain.first)
        XCTAssertEqual(leaf.subject.values(oid: Self.commonName), ["attest.android.com"])
        XCTAssertTrue(leaf.matchesHost("attest.android.com"))
        XCTAssertTrue(leaf.matchesHost("ATTEST.android.com"))
        XCTAssertFalse(leaf.matchesHost("evil.android.com"))
        XCTAssertFalse(leaf.matchesHost("attest.android.com.evil.com"))
        XCTAssertFalse(leaf.matchesHost("attest.android.com\u{0}.evil.com"))
        XCTAssertFalse(leaf.matchesHost(""))
        XCTAssertFalse(try F.root("apple-webauthn-root-ca.pem").matchesHost("attest.android.com"))
    }

    // MARK: - DistinguishedName

    func testDistinguishedNameEquality() {
        let a = DistinguishedName(attributes: [(oid: "2.5.4.3", value: "x"), (oid: "2.5.4.10", value: "y")])
        let b = DistinguishedName(attributes: [(oid: "2.5.4.3", value: "x"), (oid: "2.5.4.10", value: "y")])
        let reordered = DistinguishedName(attributes: [(oid: "2.5.4.10", value: "y"), (oid: "2.5.4.3", value: "x")])
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, reordered)
        XCTAssertNotEqual(a, DistinguishedName())
        XCTAssertTrue(DistinguishedName().isEmpty)
        XCTAssertEqual(a.values(oid: "2.5.4.3"), ["x"])
    }
}
