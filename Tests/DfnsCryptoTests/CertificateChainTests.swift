import DfnsCrypto
import Foundation
import XCTest

final class CertificateChainTests: XCTestCase {
    private typealias F = CertificateFixtures

    private static let appleVector = "pywebauthn-reg-apple-verify-attestation-apple-passkey.json"
    /// Inside the Apple leaf's 3-day validity (2021-08-31 23:02:07 .. 2021-09-03 23:02:07).
    private static let appleTime: Int64 = 1_630_454_400  // 2021-09-01 00:00:00 UTC

    private func appleChain() throws -> (leaf: Certificate, intermediate: Certificate, root: Certificate) {
        let x5c = try F.x5c(Self.appleVector)
        let leaf = try XCTUnwrap(x5c.first)
        let intermediate = try XCTUnwrap(x5c.last)
        return (leaf, intermediate, try F.root("apple-webauthn-root-ca.pem"))
    }

    /// Runs `body` and returns the `chainValidation` code and depth it threw.
    private func failure(
        _ body: () throws(CryptoError) -> [Certificate], file: StaticString = #filePath, line: UInt = #line
    ) -> (code: Int32, depth: Int32)? {
        do {
            let chain = try body()
            XCTFail("validation unexpectedly succeeded with \(chain.count) certificates", file: file, line: line)
            return nil
        } catch {
            guard case .chainValidation(let code, let depth, let message) = error else {
                XCTFail("unexpected error \(error)", file: file, line: line)
                return nil
            }
            XCTAssertFalse(message.isEmpty, file: file, line: line)
            return (code, depth)
        }
    }

    // MARK: - Time

    func testAppleChainValidatesInsideValidity() throws {
        let (leaf, intermediate, root) = try appleChain()
        XCTAssertEqual(leaf.notBefore, 1_630_450_927)
        XCTAssertEqual(leaf.notAfter, 1_630_710_127)
        let chain = try CertificateChain.validate(
            leaf: leaf, intermediates: [intermediate], anchors: [root],
            options: ChainValidationOptions(time: Self.appleTime))
        XCTAssertEqual(chain.count, 3)
        XCTAssertTrue(chain[0] === leaf)
        XCTAssertTrue(chain[1] === intermediate)
        XCTAssertTrue(chain[2] === root)

        // Unrelated extra intermediates, any order, and duplicate anchors are harmless.
        let unrelated = try F.root("globalsign-root-ca.pem")
        let again = try CertificateChain.validate(
            leaf: leaf, intermediates: [unrelated, intermediate, leaf], anchors: [root, try Certificate(der: root.der), root],
            options: ChainValidationOptions(time: Self.appleTime))
        XCTAssertEqual(again.map(\.sha256Fingerprint), chain.map(\.sha256Fingerprint))
    }

    func testExpiredLeafFailsWithCode10() throws {
        let (leaf, intermediate, root) = try appleChain()
        let result = failure {
            () throws(CryptoError) in
            try CertificateChain.validate(
                leaf: leaf, intermediates: [intermediate], anchors: [root],
                options: ChainValidationOptions(time: leaf.notAfter + 1))
        }
        XCTAssertEqual(result?.code, 10)  // X509_V_ERR_CERT_HAS_EXPIRED
        XCTAssertEqual(result?.depth, 0)
    }

    func testNotYetValidLeafFailsWithCode9() throws {
        let (leaf, intermediate, root) = try appleChain()
        let result = failure {
            () throws(CryptoError) in
            try CertificateChain.validate(
                leaf: leaf, intermediates: [intermediate], anchors: [root],
                options: ChainValidationOptions(time: leaf.notBefore - 1))
        }
        XCTAssertEqual(result?.code, 9)  // X509_V_ERR_CERT_NOT_YET_VALID
        XCTAssertEqual(result?.depth, 0)
    }

    func testWallClockRejectsTheLongExpiredAppleLeaf() throws {
        let (leaf, intermediate, root) = try appleChain()
        let result = failure {
            () throws(CryptoError) in
            try CertificateChain.validate(leaf: leaf, intermediates: [intermediate], anchors: [root], options: .default)
        }
        XCTAssertEqual(result?.code, 10)
    }

    func testNoCheckTimeIgnoresValidity() throws {
        let (leaf, intermediate, root) = try appleChain()
        // `time` is ignored when checkTime is false ("lineage only").
        let options = ChainValidationOptions(time: leaf.notAfter + 86_400, checkTime: false)
        let chain = try CertificateChain.validate(
            leaf: leaf, intermediates: [intermediate], anchors: [root], options: options)
        XCTAssertEqual(chain.count, 3)
    }

    // MARK: - Anchors

    func testMissingAnchorFailsWithCode20() throws {
        let (leaf, intermediate, _) = try appleChain()
        let options = ChainValidationOptions(time: Self.appleTime)
        let wrongRoot = try F.root("google-hardware-attestation-root-2.pem")
        let result = failure {
            () throws(CryptoError) in
            try CertificateChain.validate(leaf: leaf, intermediates: [intermediate], anchors: [wrongRoot], options: options)
        }
        XCTAssertEqual(result?.code, 20)  // X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
        let none = failure {
            () throws(CryptoError) in
            try CertificateChain.validate(leaf: leaf, intermediates: [intermediate], anchors: [], options: options)
        }
        XCTAssertEqual(none?.code, 20)
        // Without the intermediate, the leaf's issuer cannot be found at all.
        let root = try F.root("apple-webauthn-root-ca.pem")
        let noIntermediate = failure {
            () throws(CryptoError) in
            try CertificateChain.validate(leaf: leaf, intermediates: [], anchors: [root], options: options)
        }
        XCTAssertEqual(noIntermediate?.code, 20)
    }

    func testRootAmongIntermediatesIsNotTrusted() throws {
        let (leaf, intermediate, root) = try appleChain()
        let other = try F.root("globalsign-root-ca.pem")
        let result = failure {
            () throws(CryptoError) in
            try CertificateChain.validate(
                leaf: leaf, intermediates: [intermediate, root], anchors: [other],
                options: ChainValidationOptions(time: Self.appleTime))
        }
        XCTAssertEqual(result?.code, 19)  // X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN
    }

    func testPartialChainWithIntermediateAnchor() throws {
        let (leaf, intermediate, _) = try appleChain()
        let chain = try CertificateChain.validate(
            leaf: leaf, intermediates: [], anchors: [intermediate],
            options: ChainValidationOptions(time: Self.appleTime, allowPartialChain: true))
        XCTAssertEqual(chain.count, 2)
        XCTAssertTrue(chain.last === intermediate)

        let result = failure {
            () throws(CryptoError) in
            try CertificateChain.validate(
                leaf: leaf, intermediates: [], anchors: [intermediate],
                options: ChainValidationOptions(time: Self.appleTime, allowPartialChain: false))
        }
        XCTAssertEqual(result?.code, 2)  // X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT: the anchor is not a root
    }

    func testPartialChainWithLeafAnchor() throws {
        let (leaf, intermediate, _) = try appleChain()
        let chain = try CertificateChain.validate(
            leaf: leaf, intermediates: [intermediate], anchors: [leaf],
            options: ChainValidationOptions(time: Self.appleTime))
        XCTAssertEqual(chain.count, 1)
        XCTAssertTrue(chain.first === leaf)

        // The same, with the anchor parsed separately from the leaf.
        let leafCopy = try Certificate(der: leaf.der)
        let copyChain = try CertificateChain.validate(
            leaf: leaf, intermediates: [intermediate], anchors: [leafCopy],
            options: ChainValidationOptions(time: Self.appleTime))
        XCTAssertEqual(copyChain.count, 1)
        XCTAssertEqual(copyChain.first?.der, leaf.der)

        let result = failure {
            () throws(CryptoError) in
            try CertificateChain.validate(
                leaf: leaf, intermediates: [], anchors: [leaf],
                options: ChainValidationOptions(time: Self.appleTime, allowPartialChain: false))
        }
        XCTAssertEqual(result?.code, 20)
    }

    func testAnchorParsedSeparatelyStillMatches() throws {
        // Trust comes from equal certificates, not from object identity.
        let (leaf, intermediate, root) = try appleChain()
        let rootCopy = try Certificate(der: root.der)
        let chain = try CertificateChain.validate(
            leaf: leaf, intermediates: [intermediate], anchors: [rootCopy],
            options: ChainValidationOptions(time: Self.appleTime))
        XCTAssertTrue(chain.last === rootCopy)
    }

    // MARK: - Real and synthetic chains from the vectors

    func testW3CPackedChain() throws {
        let leaf = try XCTUnwrap(try F.x5c("w3c-reg-packed-es256.json").first)
        let anchor = try F.w3cAttestationCA()
        let chain = try CertificateChain.validate(
            leaf: leaf, intermediates: [], anchors: [anchor],
            options: ChainValidationOptions(time: 17_482_521_600))  // 2524-01-01, the suggested time
        XCTAssertEqual(chain.count, 2)
        let tooEarly = failure {
            () throws(CryptoError) in
            try CertificateChain.validate(
                leaf: leaf, intermediates: [], anchors: [anchor],
                options: ChainValidationOptions(time: -631_152_000))  // 1950-01-01
        }
        XCTAssertEqual(tooEarly?.code, 9)
    }

    func testWindowsHelloChainAnchoredAtTheIntermediate() throws {
        let x5c = try F.x5c("yubico-reg-real-windowshellotpm.json")
        let aik = try XCTUnwrap(x5c.first)
        let intermediate = try XCTUnwrap(x5c.last)
        let chain = try CertificateChain.validate(
            leaf: aik, intermediates: [], anchors: [intermediate],
            options: ChainValidationOptions(time: 1_727_376_782))  // 2024-09-26 18:53:02
        XCTAssertEqual(chain.count, 2)
        // The Microsoft root is not in x5c: without it there is no complete chain.
        let unrelated = try F.root("globalsign-root-ca.pem")
        let result = failure {
            () throws(CryptoError) in
            try CertificateChain.validate(
                leaf: aik, intermediates: [intermediate], anchors: [unrelated],
                options: ChainValidationOptions(time: 1_727_376_782))
        }
        XCTAssertEqual(result?.code, 20)
    }

    func testSafetyNetChainToGlobalSign() throws {
        let x5c = try F.safetyNetX5c("pywebauthn-reg-android-safetynet-verify-attestation-android-safetynet.json")
        let leaf = try XCTUnwrap(x5c.first)
        let root = try F.root("globalsign-root-ca.pem")
        let chain = try CertificateChain.validate(
            leaf: leaf, intermediates: Array(x5c.dropFirst()), anchors: [root],
            options: ChainValidationOptions(time: Self.appleTime))  // 2021-09-01, the vector's fixed time
        XCTAssertEqual(chain.count, 4)
        XCTAssertTrue(chain.last === root)
        XCTAssertTrue(leaf.matchesHost("attest.android.com"))
    }

    func testAndroidKeyChainToGoogleRoot2() throws {
        let x5c = try F.x5c("pywebauthn-reg-android-key-verify-attestation-android-key-hardware-authority.json")
        let roots = try (1...4).map { try F.root("google-hardware-attestation-root-\($0).pem") }
        let chain = try CertificateChain.validate(
            leaf: try XCTUnwrap(x5c.first), intermediates: Array(x5c.dropFirst()), anchors: roots,
            options: ChainValidationOptions(time: 1_736_294_400))  // 2025-01-08
        XCTAssertEqual(chain.count, 5)
        // The four Google roots share name and key; OpenSSL may pick any, never x5c's own copy.
        XCTAssertTrue(roots.contains { $0 === chain.last })
        XCTAssertFalse(x5c.contains { $0 === chain.last })

        let onlyRoot2 = try CertificateChain.validate(
            leaf: try XCTUnwrap(x5c.first), intermediates: Array(x5c.dropFirst()), anchors: [roots[1]],
            options: ChainValidationOptions(time: 1_736_294_400))
        XCTAssertTrue(onlyRoot2.last === roots[1])

        // x5c carries its root, but trust comes only from the anchors.
        let leaf = try XCTUnwrap(x5c.first)
        let otherRoots = [try F.root("apple-webauthn-root-ca.pem")]
        let result = failure {
            () throws(CryptoError) in
            try CertificateChain.validate(
                leaf: leaf, intermediates: Array(x5c.dropFirst()), anchors: otherRoots,
                options: ChainValidationOptions(time: 1_736_294_400))
        }
        XCTAssertEqual(result?.code, 19)  // X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN
    }

    // MARK: - SHA-1 / auth level

    func testSHA1SignedLeafNeedsAllowSHA1() throws {
        let x5c = try F.x5c("yubico-reg-testdata-tpm-validrs1.json")
        let leaf = try XCTUnwrap(x5c.first)
        let ca = try XCTUnwrap(x5c.last)
        let time: Int64 = 1_536_558_120  // 2018-09-10 05:42:00
        let result = failure {
            () throws(CryptoError) in
            try CertificateChain.validate(
                leaf: leaf, intermediates: [], anchors: [ca], options: ChainValidationOptions(time: time))
        }
        XCTAssertEqual(result?.code, 68)  // X509_V_ERR_CA_MD_TOO_WEAK
        XCTAssertEqual(result?.depth, 0)
        let chain = try CertificateChain.validate(
            leaf: leaf, intermediates: [], anchors: [ca],
            options: ChainValidationOptions(time: time, allowSHA1: true))
        XCTAssertEqual(chain.count, 2)
    }

    // MARK: - Concurrency

    func testConcurrentValidationWithSharedCertificates() throws {
        let (leaf, intermediate, root) = try appleChain()
        let failures = LockedCounter()
        DispatchQueue.concurrentPerform(iterations: 64) { index in
            let time = index.isMultiple(of: 2) ? Self.appleTime : leaf.notAfter + 1
            do throws(CryptoError) {
                let chain = try CertificateChain.validate(
                    leaf: leaf, intermediates: [intermediate], anchors: [root],
                    options: ChainValidationOptions(time: time))
                if !index.isMultiple(of: 2) || chain.count != 3 { failures.increment() }
            } catch {
                if index.isMultiple(of: 2) { failures.increment() }
                if case .chainValidation(let code, _, _) = error, code != 10 { failures.increment() }
            }
        }
        XCTAssertEqual(failures.value, 0)
    }
}

private final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
