import Crypto
import DfnsCrypto
import DfnsEncoding
import Testing

/// ML-DSA-65/87 verification through PublicKey, with keys and signatures made by swift-crypto.
@Suite("ML-DSA keys and signatures")
struct MLDSATests {
    /// A fresh key pair's raw public key and a signature over `message` (empty context).
    static func signed(_ set: MLDSAParameterSet, _ message: [UInt8]) throws -> (publicKey: [UInt8], signature: [UInt8]) {
        switch set {
        case .mlDSA65:
            let key = try MLDSA65.PrivateKey()
            return (Array(key.publicKey.rawRepresentation), Array(try key.signature(for: message)))
        case .mlDSA87:
            let key = try MLDSA87.PrivateKey()
            return (Array(key.publicKey.rawRepresentation), Array(try key.signature(for: message)))
        }
    }

    static func algorithm(_ set: MLDSAParameterSet) -> COSEAlgorithm {
        set == .mlDSA65 ? .mlDSA65 : .mlDSA87
    }

    @Test("a signature verifies; a tampered signature or message does not", arguments: MLDSAParameterSet.allCases)
    func signVerify(set: MLDSAParameterSet) throws {
        let message = Array("authenticatorData and clientDataHash".utf8)
        let (raw, signature) = try Self.signed(set, message)
        let key = try PublicKey.mlDSA(set, publicKey: raw)
        let alg = Self.algorithm(set)
        #expect(key.mlDSAParameterSet == set)
        #expect(key.components == .mlDSA(set, publicKey: raw))
        #expect(signature.count == set.signatureLength)
        try key.verify(signature: signature, message: message, algorithm: alg)
        // The message in parts verifies the same.
        try key.verify(signature: signature, messageParts: [Array(message[..<7]), Array(message[7...])], algorithm: alg)
        for index in [0, signature.count / 2, signature.count - 1] {
            var tampered = signature
            tampered[index] ^= 0x04
            #expect(throws: DfnsCrypto.CryptoError.signatureInvalid) {
                try key.verify(signature: tampered, message: message, algorithm: alg)
            }
        }
        #expect(throws: DfnsCrypto.CryptoError.signatureInvalid) {
            try key.verify(signature: signature, message: message + [0], algorithm: alg)
        }
        // Wrong lengths are malformed, not merely invalid.
        #expect(throws: DfnsCrypto.CryptoError.self) {
            try key.verify(signature: Array(signature.dropLast()), message: message, algorithm: alg)
        }
        do {
            try key.verify(signature: signature + [0], message: message, algorithm: alg)
            Issue.record("a long signature verified")
        } catch {
            guard case .malformedSignature(let text) = error else { Issue.record("\(error)"); return }
            #expect(text.contains("\(set.signatureLength)"))
        }
    }

    @Test("a signature with a non-empty context does not verify (COSE signs with the empty context)")
    func contextMatters() throws {
        let message = Array("context".utf8)
        let privateKey = try MLDSA65.PrivateKey()
        let withContext = Array(try privateKey.signature(for: message, context: Array("ctx".utf8)))
        let key = try PublicKey.mlDSA(.mlDSA65, publicKey: Array(privateKey.publicKey.rawRepresentation))
        #expect(throws: DfnsCrypto.CryptoError.signatureInvalid) {
            try key.verify(signature: withContext, message: message, algorithm: .mlDSA65)
        }
    }

    @Test("keys of the wrong size are invalid keys", arguments: MLDSAParameterSet.allCases)
    func wrongKeySize(set: MLDSAParameterSet) throws {
        let (raw, _) = try Self.signed(set, [1])
        for bad in [Array(raw.dropLast()), raw + [0], [], [UInt8](repeating: 0, count: 1312)] {
            do {
                _ = try PublicKey.mlDSA(set, publicKey: bad)
                Issue.record("a \(bad.count)-byte \(set.name) key was accepted")
            } catch {
                guard case .invalidKey(let text) = error else { Issue.record("\(error)"); continue }
                #expect(text.contains("\(set.publicKeyLength) bytes") && text.contains("\(bad.count)"))
            }
        }
        // The other parameter set's key length does not fit.
        let other: MLDSAParameterSet = set == .mlDSA65 ? .mlDSA87 : .mlDSA65
        #expect(throws: DfnsCrypto.CryptoError.self) { _ = try PublicKey.mlDSA(other, publicKey: raw) }
    }

    @Test("an algorithm that is not the key's is a mismatch", arguments: MLDSAParameterSet.allCases)
    func wrongAlgorithm(set: MLDSAParameterSet) throws {
        let message: [UInt8] = [1, 2, 3]
        let (raw, signature) = try Self.signed(set, message)
        let key = try PublicKey.mlDSA(set, publicKey: raw)
        let other: COSEAlgorithm = set == .mlDSA65 ? .mlDSA87 : .mlDSA65
        for alg in [other, .es256, .edDSA, .rs256] {
            do {
                try key.verify(signature: signature, message: message, algorithm: alg)
                Issue.record("\(alg.name) verified with an \(set.name) key")
            } catch {
                guard case .algorithmKeyMismatch = error else { Issue.record("\(alg.name): \(error)"); continue }
            }
        }
        // And an ML-DSA algorithm on another key type.
        let ec = try PrivateKey.generate(.ec(.p256))
        #expect(throws: DfnsCrypto.CryptoError.self) {
            try ec.publicKey.verify(signature: signature, message: message, algorithm: Self.algorithm(set))
        }
        // swift-crypto is used for verification only: signing ML-DSA through PrivateKey is refused.
        #expect(throws: DfnsCrypto.CryptoError.self) { _ = try ec.sign(message, algorithm: Self.algorithm(set)) }
    }

    @Test("SPKI and PEM export follow RFC 9881 and import again", arguments: MLDSAParameterSet.allCases)
    func spkiRoundTrip(set: MLDSAParameterSet) throws {
        let message: [UInt8] = [9, 9]
        let (raw, signature) = try Self.signed(set, message)
        let key = try PublicKey.mlDSA(set, publicKey: raw)
        let spki = key.spkiDER
        let lastOIDByte: UInt8 = set == .mlDSA65 ? 0x12 : 0x13
        let prefix = try Hex.decode("0609608648016503040" + "3") + [lastOIDByte]
        #expect(spki.count == raw.count + 22)
        #expect(Array(spki[6..<17]) == prefix)
        #expect(Array(spki[22...]) == raw)
        let again = try PublicKey(spkiDER: spki)
        #expect(again.isEqual(to: key))
        try again.verify(signature: signature, message: message, algorithm: Self.algorithm(set))
        let fromPEM = try PublicKey(pem: key.pem)
        #expect(fromPEM.isEqual(to: key))
        #expect(key.pem.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
        // A different key of the same set is not equal; neither is an EC key.
        let (otherRaw, _) = try Self.signed(set, message)
        #expect(!(try PublicKey.mlDSA(set, publicKey: otherRaw)).isEqual(to: key))
        #expect(!(try PrivateKey.generate(.ec(.p256))).publicKey.isEqual(to: key))
    }

    @Test("malformed ML-DSA SPKIs are refused")
    func badSPKI() throws {
        let (raw, _) = try Self.signed(.mlDSA65, [1])
        let spki = try PublicKey.mlDSA(.mlDSA65, publicKey: raw).spkiDER
        // Trailing byte.
        #expect(throws: DfnsCrypto.CryptoError.self) { _ = try PublicKey(spkiDER: spki + [0]) }
        // The BIT STRING's unused-bits octet set.
        var unused = spki
        unused[21] = 1
        #expect(throws: DfnsCrypto.CryptoError.self) { _ = try PublicKey(spkiDER: unused) }
        // The OID of ML-DSA-87 on a 65 key: wrong length for the set.
        var relabelled = spki
        relabelled[16] = 0x13
        #expect(throws: DfnsCrypto.CryptoError.self) { _ = try PublicKey(spkiDER: relabelled) }
        // ML-DSA-44's OID (not offered).
        var mlDSA44 = spki
        mlDSA44[16] = 0x11
        #expect(throws: DfnsCrypto.CryptoError.self) { _ = try PublicKey(spkiDER: mlDSA44) }
    }
}
