import DfnsClient
import DfnsCrypto
import DfnsEncoding
import Testing

@Suite("Verification of signatures returned by the keys API")
struct ReturnedSignatureVerifierTests {
    /// The secp256k1 group order (SEC 2), a curve constant.
    static let order: [UInt8] = (try? Hex.decode("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")) ?? []

    /// `a - b` for 32-byte big-endian numbers with a >= b.
    static func subtract(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var borrow = 0
        for i in stride(from: 31, through: 0, by: -1) {
            var d = Int(a[i]) - Int(b[i]) - borrow
            borrow = d < 0 ? 1 : 0
            if d < 0 { d += 256 }
            out[i] = UInt8(d)
        }
        return out
    }

    struct Signed {
        let key: PrivateKey
        let digest: [UInt8]
        let r: [UInt8]
        let s: [UInt8]
        let recid: Int
        let uncompressed: [UInt8]
        let compressed: [UInt8]
    }

    static func signSecp256k1(_ message: String = "transfer 1 ETH") throws -> Signed {
        let key = try PrivateKey.generate(.ec(.secp256k1))
        let digest = SHA256.hash(Array(message.utf8))
        let (compact, recid) = try key.signRecoverableSecp256k1(digest: digest)
        guard case .ec(_, let x, let y)? = key.publicKey.components else { throw CryptoError.invalidKey("not EC") }
        let uncompressed = [0x04] + x + y
        return Signed(key: key, digest: digest, r: Array(compact[0..<32]), s: Array(compact[32...]), recid: recid,
                      uncompressed: uncompressed, compressed: try Secp256k1Recovery.compressedPublicKey(sec1: uncompressed))
    }

    static func hex0x(_ bytes: [UInt8]) -> String { "0x" + Hex.encode(bytes) }

    // MARK: - secp256k1

    @Test("secp256k1: recovery with recid and plain verification, compressed and uncompressed keys")
    func secp256k1Valid() throws {
        let sig = try Self.signSecp256k1()
        #expect((0...1).contains(sig.recid))
        #expect(try Secp256k1Recovery.isLowS(compactSignature: sig.r + sig.s))
        for key in [sig.compressed, sig.uncompressed] {
            for recid in [sig.recid, nil] as [Int?] {
                try ReturnedSignatureVerifier.verifySecp256k1(digest: sig.digest, r: Self.hex0x(sig.r), s: Self.hex0x(sig.s),
                                                              recid: recid, publicKeyHex: Hex.encode(key))
                try ReturnedSignatureVerifier.verifySecp256k1(digest: sig.digest, r: Hex.encode(sig.r), s: Hex.encode(sig.s),
                                                              recid: recid, publicKeyHex: Self.hex0x(key))
            }
        }
        // The recovered key is the signer's.
        let recovered = try Secp256k1Recovery.recoverPublicKey(compactSignature: sig.r + sig.s, recoveryID: sig.recid, digest: sig.digest)
        #expect(recovered == sig.uncompressed)
        #expect(try Secp256k1Recovery.uncompressedPublicKey(sec1: sig.compressed) == sig.uncompressed)
        // A DfnsCrypto DER verification of the same signature agrees (over the message it hashed).
        let der = try ECDSASignatureFormat.der(fromRaw: sig.r + sig.s, curve: .secp256k1)
        try sig.key.publicKey.verify(signature: der, message: Array("transfer 1 ETH".utf8), algorithm: .es256k)
    }

    @Test("secp256k1: encoded as DER, r ‖ s or r ‖ s ‖ v is accepted when it matches")
    func secp256k1Encoded() throws {
        let sig = try Self.signSecp256k1()
        let der = try ECDSASignatureFormat.der(fromRaw: sig.r + sig.s, curve: .secp256k1)
        let forms = [der, sig.r + sig.s, sig.r + sig.s + [UInt8(sig.recid)], sig.r + sig.s + [UInt8(27 + sig.recid)]]
        for encoded in forms {
            try ReturnedSignatureVerifier.verifySecp256k1(digest: sig.digest, r: Self.hex0x(sig.r), s: Self.hex0x(sig.s),
                                                          recid: sig.recid, encoded: Self.hex0x(encoded),
                                                          publicKeyHex: Hex.encode(sig.compressed))
        }
        let other = try Self.signSecp256k1()
        let wrongForms = [
            try ECDSASignatureFormat.der(fromRaw: other.r + other.s, curve: .secp256k1),
            other.r + other.s,
            sig.r + sig.s + [UInt8(27 + (1 - sig.recid))],
            [0x01, 0x02],
        ]
        for encoded in wrongForms {
            do {
                try ReturnedSignatureVerifier.verifySecp256k1(digest: sig.digest, r: Self.hex0x(sig.r), s: Self.hex0x(sig.s),
                                                              recid: sig.recid, encoded: Self.hex0x(encoded),
                                                              publicKeyHex: Hex.encode(sig.compressed))
                Issue.record("accepted encoded \(Hex.encode(encoded))")
            } catch {
                guard case .encodedMismatch = error else { Issue.record("\(error)"); continue }
            }
        }
    }

    @Test("secp256k1: wrong recid, other key and other digest are caught")
    func secp256k1Mismatches() throws {
        let sig = try Self.signSecp256k1()
        let other = try Self.signSecp256k1("another message")
        let r = Self.hex0x(sig.r), s = Self.hex0x(sig.s)
        #expect(throws: ReturnedSignatureError.recoveredKeyMismatch) {
            try ReturnedSignatureVerifier.verifySecp256k1(digest: sig.digest, r: r, s: s, recid: 1 - sig.recid,
                                                          publicKeyHex: Hex.encode(sig.compressed))
        }
        #expect(throws: ReturnedSignatureError.recoveredKeyMismatch) {
            try ReturnedSignatureVerifier.verifySecp256k1(digest: sig.digest, r: r, s: s, recid: sig.recid,
                                                          publicKeyHex: Hex.encode(other.compressed))
        }
        #expect(throws: ReturnedSignatureError.signatureInvalid) {
            try ReturnedSignatureVerifier.verifySecp256k1(digest: sig.digest, r: r, s: s, recid: nil,
                                                          publicKeyHex: Hex.encode(other.compressed))
        }
        #expect(throws: ReturnedSignatureError.recoveredKeyMismatch) {
            try ReturnedSignatureVerifier.verifySecp256k1(digest: other.digest, r: r, s: s, recid: sig.recid,
                                                          publicKeyHex: Hex.encode(sig.compressed))
        }
        #expect(throws: ReturnedSignatureError.signatureInvalid) {
            try ReturnedSignatureVerifier.verifySecp256k1(digest: other.digest, r: r, s: s, recid: nil,
                                                          publicKeyHex: Hex.encode(sig.uncompressed))
        }
        for recid in [-1, 4, 27] {
            #expect(throws: ReturnedSignatureError.invalidRecoveryId(recid)) {
                try ReturnedSignatureVerifier.verifySecp256k1(digest: sig.digest, r: r, s: s, recid: recid,
                                                              publicKeyHex: Hex.encode(sig.compressed))
            }
        }
    }

    @Test("secp256k1: high-S is refused unless allowed")
    func secp256k1HighS() throws {
        let sig = try Self.signSecp256k1()
        let highS = Self.subtract(Self.order, sig.s)
        #expect(try !Secp256k1Recovery.isLowS(compactSignature: sig.r + highS))
        let r = Self.hex0x(sig.r), s = Self.hex0x(highS)
        let key = Hex.encode(sig.compressed)
        #expect(throws: ReturnedSignatureError.highS) {
            try ReturnedSignatureVerifier.verifySecp256k1(digest: sig.digest, r: r, s: s, recid: nil, publicKeyHex: key)
        }
        // (r, n - s) is the same signature with the other parity of R: recid flips.
        try ReturnedSignatureVerifier.verifySecp256k1(digest: sig.digest, r: r, s: s, recid: 1 - sig.recid, publicKeyHex: key,
                                                      allowHighS: true)
        try ReturnedSignatureVerifier.verifySecp256k1(digest: sig.digest, r: r, s: s, recid: nil, publicKeyHex: key,
                                                      allowHighS: true)
        #expect(throws: CryptoError.malformedSignature("secp256k1 signature has a high S value")) {
            try Secp256k1Recovery.verify(compactSignature: sig.r + highS, digest: sig.digest, publicKey: sig.compressed)
        }
    }

    @Test("secp256k1: malformed keys, scalars and digests are typed errors")
    func secp256k1Malformed() throws {
        let sig = try Self.signSecp256k1()
        let r = Self.hex0x(sig.r), s = Self.hex0x(sig.s)
        let badKeys = [
            "",
            "0x",
            "zz",
            Hex.encode(sig.compressed.dropLast()),
            "05" + Hex.encode(sig.compressed.dropFirst()),
            "02" + String(repeating: "ff", count: 32),     // x beyond the field: not on the curve
            Hex.encode([0x04] + [UInt8](repeating: 1, count: 64)),
        ]
        for key in badKeys {
            do {
                try ReturnedSignatureVerifier.verifySecp256k1(digest: sig.digest, r: r, s: s, recid: sig.recid, publicKeyHex: key)
                Issue.record("accepted key \(key)")
            } catch {
                guard case .malformedPublicKey = error else { Issue.record("\(key): \(error)"); continue }
            }
        }
        let key = Hex.encode(sig.compressed)
        let badScalars: [(String, String)] = [
            ("0x00", s),
            (r, "0x"),
            ("0x" + String(repeating: "ff", count: 32), s),          // r >= n
            (r, Self.hex0x(Self.order)),                              // s = n
            ("0x01" + Hex.encode(sig.r), s),                          // 33 significant bytes
            ("0xabc", s),                                             // odd length
            ("r", s),
        ]
        for (rr, ss) in badScalars {
            for recid in [sig.recid, nil] as [Int?] {
                do {
                    try ReturnedSignatureVerifier.verifySecp256k1(digest: sig.digest, r: rr, s: ss, recid: recid, publicKeyHex: key)
                    Issue.record("accepted r \(rr) s \(ss)")
                } catch {
                    guard case .malformedSignature = error else { Issue.record("\(rr) \(ss): \(error)"); continue }
                }
            }
        }
        // Leading zero bytes (a sign byte) are tolerated.
        try ReturnedSignatureVerifier.verifySecp256k1(digest: sig.digest, r: "0x00" + Hex.encode(sig.r), s: s, recid: sig.recid,
                                                      publicKeyHex: key)
        #expect(throws: ReturnedSignatureError.self) {
            try ReturnedSignatureVerifier.verifySecp256k1(digest: Array(sig.digest.dropLast()), r: r, s: s, recid: sig.recid,
                                                          publicKeyHex: key)
        }
        #expect(throws: CryptoError.self) {
            try Secp256k1Recovery.recoverPublicKey(compactSignature: sig.r + sig.s, recoveryID: 7, digest: sig.digest)
        }
        #expect(throws: CryptoError.self) {
            try PrivateKey.generate(.ec(.p256)).signRecoverableSecp256k1(digest: sig.digest)
        }
        #expect(throws: CryptoError.self) { try sig.key.signRecoverableSecp256k1(digest: [1, 2, 3]) }
    }

    // MARK: - Ed25519 and P-256

    @Test("Ed25519: the vector's signature verifies as r ‖ s over the message; tampering is caught")
    func ed25519() throws {
        let message = try DfnsReferenceVectors.bytes("key_assertion", "clientData_json")
        let signature = try Base64URL.decode(try DfnsReferenceVectors.string("key_assertion", "ed25519_signature_b64url"))
        let publicKey = try PublicKey(pem: try DfnsReferenceVectors.string("keys", "ed25519_public_pem"))
        guard case .okp(.ed25519, let raw)? = publicKey.components else { throw CryptoError.invalidKey("not Ed25519") }
        let r = Self.hex0x(Array(signature[0..<32])), s = Self.hex0x(Array(signature[32...]))
        try ReturnedSignatureVerifier.verifyEd25519(message: message, r: r, s: s, publicKeyHex: Hex.encode(raw))
        try ReturnedSignatureVerifier.verifyEd25519(message: message, r: r, s: s, encoded: Self.hex0x(signature),
                                                    publicKeyHex: Self.hex0x(raw))
        #expect(throws: ReturnedSignatureError.signatureInvalid) {
            try ReturnedSignatureVerifier.verifyEd25519(message: message + [0x20], r: r, s: s, publicKeyHex: Hex.encode(raw))
        }
        var tampered = signature
        tampered[40] ^= 1
        #expect(throws: ReturnedSignatureError.signatureInvalid) {
            try ReturnedSignatureVerifier.verifyEd25519(message: message, r: r, s: Self.hex0x(Array(tampered[32...])),
                                                        publicKeyHex: Hex.encode(raw))
        }
        #expect(throws: ReturnedSignatureError.encodedMismatch("expected r ‖ s")) {
            try ReturnedSignatureVerifier.verifyEd25519(message: message, r: r, s: s, encoded: Self.hex0x(tampered),
                                                        publicKeyHex: Hex.encode(raw))
        }
        do {
            try ReturnedSignatureVerifier.verifyEd25519(message: message, r: "0x00" + r.dropFirst(2), s: s, publicKeyHex: Hex.encode(raw))
            Issue.record("33-byte r accepted")
        } catch {
            guard case .malformedSignature = error else { Issue.record("\(error)"); return }
        }
        do {
            try ReturnedSignatureVerifier.verifyEd25519(message: message, r: r, s: s, publicKeyHex: Hex.encode(raw.dropLast()))
            Issue.record("31-byte key accepted")
        } catch {
            guard case .malformedPublicKey = error else { Issue.record("\(error)"); return }
        }
    }

    @Test("P-256: the vector's signature verifies over SHA-256 of the message, compressed key too")
    func p256() throws {
        let message = try DfnsReferenceVectors.bytes("key_assertion", "clientData_json")
        let digest = SHA256.hash(message)
        let der = try Base64URL.decode(try DfnsReferenceVectors.string("key_assertion", "p256_der_signature_b64url_rfc6979"))
        let raw = try ECDSASignatureFormat.raw(fromDER: der, curve: .p256)
        let publicKey = try PublicKey(pem: try DfnsReferenceVectors.string("keys", "p256_public_pem"))
        guard case .ec(.p256, let x, let y)? = publicKey.components else { throw CryptoError.invalidKey("not P-256") }
        let uncompressed = [0x04] + x + y
        let compressed = [UInt8((y.last ?? 0) & 1 == 0 ? 0x02 : 0x03)] + x
        let r = Self.hex0x(Array(raw[0..<32])), s = Self.hex0x(Array(raw[32...]))
        for key in [uncompressed, compressed] {
            try ReturnedSignatureVerifier.verifyP256(digest: digest, r: r, s: s, publicKeyHex: Self.hex0x(key))
            try ReturnedSignatureVerifier.verifyP256(digest: digest, r: r, s: s, encoded: Self.hex0x(der), publicKeyHex: Hex.encode(key))
            try ReturnedSignatureVerifier.verifyP256(digest: digest, r: r, s: s, encoded: Self.hex0x(raw), publicKeyHex: Hex.encode(key))
        }
        try publicKey.verifyECDSA(derSignature: der, digest: digest)
        #expect(throws: ReturnedSignatureError.signatureInvalid) {
            try ReturnedSignatureVerifier.verifyP256(digest: SHA256.hash(message + [0x20]), r: r, s: s, publicKeyHex: Hex.encode(uncompressed))
        }
        #expect(throws: ReturnedSignatureError.signatureInvalid) {
            try ReturnedSignatureVerifier.verifyP256(digest: digest, r: s, s: r, publicKeyHex: Hex.encode(uncompressed))
        }
        let wrongParity = [compressed[0] ^ 0x01] + x
        #expect(throws: ReturnedSignatureError.signatureInvalid) {
            try ReturnedSignatureVerifier.verifyP256(digest: digest, r: r, s: s, publicKeyHex: Hex.encode(wrongParity))
        }
        do {
            try ReturnedSignatureVerifier.verifyP256(digest: digest, r: r, s: s, publicKeyHex: "04" + Hex.encode(x))
            Issue.record("short key accepted")
        } catch {
            guard case .malformedPublicKey = error else { Issue.record("\(error)"); return }
        }
        #expect(throws: CryptoError.self) {
            try PrivateKey.generate(.ed25519).publicKey.verifyECDSA(derSignature: der, digest: digest)
        }
        #expect(throws: CryptoError.self) { try publicKey.verifyECDSA(derSignature: der, digest: [1, 2, 3]) }
        #expect(throws: CryptoError.self) { try publicKey.verifyECDSA(derSignature: raw, digest: digest) }
    }
}
