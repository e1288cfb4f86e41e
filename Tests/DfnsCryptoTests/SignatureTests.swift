import COpenSSL
import Testing
@testable import DfnsCrypto

@Suite("Signatures")
struct SignatureTests {
    static let message = Array("authenticatorData || clientDataHash".utf8)

    /// Every algorithm PrivateKey signs with (ML-DSA is verified only: MLDSATests signs with swift-crypto).
    @Test(arguments: COSEAlgorithm.allCases.filter { $0.mlDSAParameterSet == nil })
    func signVerifyRoundTrip(_ algorithm: COSEAlgorithm) throws {
        let key = try #require(TestKeys.key(for: algorithm))
        let signature = try key.sign(Self.message, algorithm: algorithm)
        let allowSHA1 = algorithm == .rs1
        try key.publicKey.verify(signature: signature, message: Self.message, algorithm: algorithm, allowSHA1: allowSHA1)

        // Tampered message and tampered signature both fail.
        var otherMessage = Self.message
        otherMessage[0] ^= 1
        #expect(throws: CryptoError.self) {
            try key.publicKey.verify(signature: signature, message: otherMessage, algorithm: algorithm, allowSHA1: allowSHA1)
        }
        var badSignature = signature
        badSignature[badSignature.count - 1] ^= 0x01
        #expect(throws: CryptoError.self) {
            try key.publicKey.verify(signature: badSignature, message: Self.message, algorithm: algorithm, allowSHA1: allowSHA1)
        }
        #expect(throws: CryptoError.self) {
            try key.publicKey.verify(signature: [], message: Self.message, algorithm: algorithm, allowSHA1: allowSHA1)
        }

        // The hot path over split parts agrees.
        let split = 7
        try signature.withUnsafeBytes { sig in
            try Self.message.withUnsafeBytes { msg in
                try key.publicKey.verify(signature: sig,
                                         messageParts: [UnsafeRawBufferPointer(rebasing: msg[..<split]),
                                                        UnsafeRawBufferPointer(rebasing: msg[split...])],
                                         algorithm: algorithm, allowSHA1: allowSHA1)
            }
        }
        try key.publicKey.verify(signature: signature,
                                 messageParts: [Array(Self.message[..<split]), Array(Self.message[split...])],
                                 algorithm: algorithm, allowSHA1: allowSHA1)
    }

    @Test func emptyMessageVerifies() throws {
        for algorithm in [COSEAlgorithm.es256, .es256k, .edDSA, .ed448, .rs256, .ps256] {
            let key = try #require(TestKeys.key(for: algorithm))
            let signature = try key.sign([], algorithm: algorithm)
            try key.publicKey.verify(signature: signature, message: [], algorithm: algorithm)
            try signature.withUnsafeBytes { sig in
                try key.publicKey.verify(signature: sig, messageParts: [], algorithm: algorithm)
            }
        }
    }

    @Test func algorithmKeyMismatch() throws {
        let p256 = try #require(TestKeys.p256)
        let signature = try p256.sign(Self.message, algorithm: .es256)
        for algorithm in [COSEAlgorithm.es384, .es512, .es256k, .edDSA, .ed448, .rs256, .ps256] {
            #expect(throws: CryptoError.self) {
                try p256.publicKey.verify(signature: signature, message: Self.message, algorithm: algorithm)
            }
            do {
                try p256.publicKey.verify(signature: signature, message: Self.message, algorithm: algorithm)
            } catch {
                guard case .algorithmKeyMismatch = error else {
                    Issue.record("expected algorithmKeyMismatch for \(algorithm.name), got \(error)")
                    continue
                }
            }
        }
        #expect(throws: CryptoError.self) { try p256.sign(Self.message, algorithm: .es384) }
        let ed448 = try #require(TestKeys.ed448)
        let edSignature = try ed448.sign(Self.message, algorithm: .ed448)
        #expect(throws: CryptoError.self) { try ed448.sign(Self.message, algorithm: .edDSA) }
        #expect(throws: CryptoError.self) {
            try ed448.publicKey.verify(signature: edSignature, message: Self.message, algorithm: .edDSA)
        }
        let ed25519 = try #require(TestKeys.ed25519)
        let ed25519Signature = try ed25519.sign(Self.message, algorithm: .edDSA)
        try ed25519.publicKey.verify(signature: ed25519Signature, message: Self.message, algorithm: .ed25519)
        #expect(throws: CryptoError.self) {
            try ed25519.publicKey.verify(signature: ed25519Signature, message: Self.message, algorithm: .ed448)
        }
        let rsa = try #require(TestKeys.rsa2048)
        let pkcs1 = try rsa.sign(Self.message, algorithm: .rs256)
        #expect(throws: CryptoError.signatureInvalid) {
            try rsa.publicKey.verify(signature: pkcs1, message: Self.message, algorithm: .ps256)
        }
        #expect(throws: CryptoError.signatureInvalid) {
            try rsa.publicKey.verify(signature: pkcs1, message: Self.message, algorithm: .rs384)
        }
    }

    @Test func rawECDSASignatureRejected() throws {
        let key = try #require(TestKeys.p256)
        let der = try key.sign(Self.message, algorithm: .es256)
        let (r, s) = try #require(derComponents(der))
        let raw = fixedLength(r, 32) + fixedLength(s, 32)
        #expect(raw.count == 64)
        #expect(throws: CryptoError.self) {
            try key.publicKey.verify(signature: raw, message: Self.message, algorithm: .es256)
        }
        // Even when it happens to start with a SEQUENCE tag.
        var disguised = raw
        disguised[0] = 0x30
        #expect(throws: CryptoError.self) {
            try key.publicKey.verify(signature: disguised, message: Self.message, algorithm: .es256)
        }
        // Trailing bytes after a valid DER signature.
        #expect(throws: CryptoError.self) {
            try key.publicKey.verify(signature: der + [0], message: Self.message, algorithm: .es256)
        }
        let k1 = try #require(TestKeys.secp256k1)
        let k1der = try k1.sign(Self.message, algorithm: .es256k)
        let k1parts = try #require(derComponents(k1der))
        #expect(throws: CryptoError.self) {
            try k1.publicKey.verify(signature: fixedLength(k1parts.r, 32) + fixedLength(k1parts.s, 32),
                                    message: Self.message, algorithm: .es256k)
        }
        #expect(throws: CryptoError.self) {
            try k1.publicKey.verify(signature: k1der + [0], message: Self.message, algorithm: .es256k)
        }
    }

    @Test func rs1RequiresOptIn() throws {
        let key = try #require(TestKeys.rsa2048)
        let signature = try key.sign(Self.message, algorithm: .rs1)
        #expect(throws: CryptoError.sha1NotAllowed) {
            try key.publicKey.verify(signature: signature, message: Self.message, algorithm: .rs1)
        }
        try key.publicKey.verify(signature: signature, message: Self.message, algorithm: .rs1, allowSHA1: true)
    }

    /// A PSS signature with salt length 0 (not the digest length) must be rejected.
    @Test func pssWrongSaltLengthRejected() throws {
        let key = try #require(TestKeys.rsa2048)
        let signature = try pssSignature(key: key, message: Self.message, saltLength: 0)
        #expect(throws: CryptoError.signatureInvalid) {
            try key.publicKey.verify(signature: signature, message: Self.message, algorithm: .ps256)
        }
        // The same construction with the digest length verifies (the test harness is sound).
        let good = try pssSignature(key: key, message: Self.message, saltLength: 32)
        try key.publicKey.verify(signature: good, message: Self.message, algorithm: .ps256)
    }

    private func pssSignature(key: PrivateKey, message: [UInt8], saltLength: Int32) throws -> [UInt8] {
        let ctx = try #require(EVP_MD_CTX_new())
        defer { EVP_MD_CTX_free(ctx) }
        var pctx: OpaquePointer? = nil
        #expect(EVP_DigestSignInit(ctx, &pctx, EVP_sha256(), nil, key.pkey) == 1)
        #expect(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1)
        #expect(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, saltLength) == 1)
        #expect(EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) == 1)
        var signature = [UInt8](repeating: 0, count: 256)
        var length = signature.count
        let rc = message.withUnsafeBufferPointer { msg in
            signature.withUnsafeMutableBufferPointer { EVP_DigestSign(ctx, $0.baseAddress, &length, msg.baseAddress, msg.count) }
        }
        #expect(rc == 1 && length == 256)
        return signature
    }

    /// libsecp256k1 rejects high-S unless normalised; WebAuthn does not require low-S.
    @Test func highSSecp256k1Accepted() throws {
        let key = try #require(TestKeys.secp256k1)
        let der = try key.sign(Self.message, algorithm: .es256k)
        let (r, s) = try #require(derComponents(der))
        let n = hex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
        let highS = subtract(n, fixedLength(s, 32))
        #expect(highS[0] & 0x80 != 0 || highS[0] >= 0x7f)   // s' = n - s is in the upper half
        let highSignature = derSignature(r: r, s: highS)
        #expect(highSignature != der)
        try key.publicKey.verify(signature: der, message: Self.message, algorithm: .es256k)
        try key.publicKey.verify(signature: highSignature, message: Self.message, algorithm: .es256k)
        // Signing always produces low-S.
        #expect(fixedLength(s, 32).lexicographicallyPrecedes(highS))
    }

    /// RFC 8032 §7.1 test 1.
    @Test func rfc8032Test1() throws {
        let key = try PrivateKey.ed25519(seed: RFC8032Test1.seed)
        #expect(key.publicKey.components == .okp(.ed25519, x: RFC8032Test1.publicKey))
        let signature = try key.sign([], algorithm: .edDSA)
        #expect(signature == RFC8032Test1.signature)
        let publicKey = try PublicKey.okp(curve: .ed25519, x: RFC8032Test1.publicKey)
        try publicKey.verify(signature: RFC8032Test1.signature, message: [], algorithm: .edDSA)
        try publicKey.verify(signature: RFC8032Test1.signature, message: [], algorithm: .ed25519)
        #expect(throws: CryptoError.signatureInvalid) {
            try publicKey.verify(signature: RFC8032Test1.signature, message: [0], algorithm: .edDSA)
        }
        #expect(throws: CryptoError.self) {
            try publicKey.verify(signature: Array(RFC8032Test1.signature.dropLast()), message: [], algorithm: .edDSA)
        }
    }

    @Test func concurrentVerification() async throws {
        let cases: [(PrivateKey, COSEAlgorithm)] = try [COSEAlgorithm.es256, .es256k, .edDSA, .ps256].map {
            (try #require(TestKeys.key(for: $0)), $0)
        }
        let prepared = try cases.map { key, algorithm in
            (key.publicKey, algorithm, try key.sign(Self.message, algorithm: algorithm))
        }
        let failures = await withTaskGroup(of: Int.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var failures = 0
                    for iteration in 0..<50 {
                        let (key, algorithm, signature) = prepared[(worker + iteration) % prepared.count]
                        do { try key.verify(signature: signature, message: Self.message, algorithm: algorithm) }
                        catch { failures += 1 }
                        var bad = signature
                        bad[bad.count / 2] ^= 0x10
                        if (try? key.verify(signature: bad, message: Self.message, algorithm: algorithm)) != nil {
                            failures += 1
                        }
                    }
                    return failures
                }
            }
            return await group.reduce(0, +)
        }
        #expect(failures == 0)
        #expect(ERR_peek_error() == 0)
    }

    @Test func failuresLeaveNoOpenSSLErrors() throws {
        let key = try #require(TestKeys.p256)
        _ = try? key.publicKey.verify(signature: [0x30, 0x03, 0x02, 0x01, 0x00], message: [], algorithm: .es256)
        _ = try? PublicKey(spkiDER: [0x30, 0x00])
        _ = try? PublicKey.ec(curve: .p256, x: [UInt8](repeating: 0, count: 32), y: [UInt8](repeating: 0, count: 32))
        _ = try? PrivateKey(pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
        #expect(ERR_peek_error() == 0)
    }
}

@Suite("ECDSA signature formats")
struct ECDSASignatureFormatTests {
    @Test(arguments: [EllipticCurve.p256, .p384, .p521, .secp256k1])
    func rawDERRoundTrip(_ curve: EllipticCurve) throws {
        let algorithm: COSEAlgorithm = switch curve {
        case .p256: .es256
        case .p384: .es384
        case .p521: .es512
        case .secp256k1: .es256k
        }
        let key = try #require(TestKeys.key(for: algorithm))
        for _ in 0..<8 {
            let der = try key.sign([5, 6, 7], algorithm: algorithm)
            let raw = try ECDSASignatureFormat.raw(fromDER: der, curve: curve)
            #expect(raw.count == 2 * curve.coordinateLength)
            #expect(try ECDSASignatureFormat.der(fromRaw: raw, curve: curve) == der)
            #expect(throws: CryptoError.self) {
                try key.publicKey.verify(signature: raw, message: [5, 6, 7], algorithm: algorithm)
            }
        }
        #expect(throws: CryptoError.self) { try ECDSASignatureFormat.der(fromRaw: [1, 2, 3], curve: curve) }
        #expect(throws: CryptoError.self) { try ECDSASignatureFormat.raw(fromDER: [0x30, 0x00, 0x00], curve: curve) }
    }

    @Test func strictDERParsing() {
        // Non-minimal integer, negative integer, long-form length for a short body.
        for bad in ["3008020200010202000101", "300602018102010a", "30810602010102010a", "3006020101020101ff"] {
            #expect(throws: CryptoError.self, "\(bad)") { try ECDSASignatureFormat.raw(fromDER: hex(bad), curve: .p256) }
        }
        #expect((try? ECDSASignatureFormat.raw(fromDER: hex("3006020101020102"), curve: .p256))
                == fixedLength([1], 32) + fixedLength([2], 32))
    }
}
